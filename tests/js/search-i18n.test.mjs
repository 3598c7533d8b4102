// The multilingual fixture (tests/fixtures/i18n), built by lorebook and
// searched by the client as a browser would: each language's index is
// stemmed in that language (issue 22), so French search finds
// "synchronisation" from "synchroniser" and "gardées" from "garder" (forms
// the English stemmer keeps apart), and a Japanese page is found by its
// words (bigrams; Japanese has no stemmer). Run: node --test tests/js/
import test from 'node:test';
import assert from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const require = createRequire(import.meta.url);
const client = require(path.join(repo, 'themes/default/static/assets/search.js'));

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lorebook-search-i18n-'));
execFileSync('cargo', ['run', '--quiet', '--bin', 'lorebook', '--', 'build', '--root',
  path.join(repo, 'tests/fixtures/i18n'), '--output', out],
{ cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });

/** An index of the language whose index is under `dir` (`fr/search`). */
function open(dir) {
  const requested = [];
  const fetchPayload = (name) => {
    requested.push(name);
    const text = fs.readFileSync(path.join(out, dir, name), 'utf8');
    let got = null;
    new Function('lorebookSearchData', text)((n, b64) => { got = b64; });
    return got;
  };
  const loadStemmer = (code) => {
    requested.push(`stem/${code}.js`);
    new Function(fs.readFileSync(path.join(out, 'assets/stem', `${code}.js`), 'utf8'))();
  };
  return { index: new client.Index(fetchPayload, loadStemmer), requested };
}

async function urls(dir, query) {
  return (await open(dir).index.search(query, { prefix: false })).results.map((r) => r.url);
}

test('the site publishes the stemmers of its translated trees', () => {
  assert.deepStrictEqual(fs.readdirSync(path.join(out, 'assets/stem')).sort(),
    ['LICENSE', 'ar.js', 'de.js', 'fr.js', 'lang.js', 'lang.min.js']);
});

test('French search stems in French', async () => {
  const { index, requested } = open('fr/search');
  const res = await index.search('synchroniser', { prefix: false });
  assert.strictEqual(res.results[0].url, 'fr/synchronisation/');
  assert.deepStrictEqual(res.terms.langs, ['fr', 'en']);
  assert.ok(requested.includes('stem/fr.js'), requested.join());
  // English stems garder/gardées apart (garder, gard); French joins them.
  assert.strictEqual((await urls('fr/search', 'garder'))[0], 'fr/synchronisation/');
  assert.deepStrictEqual(await urls('search', 'synchroniser'), []);
});

test('German search stems in German, with the German stemmer only', async () => {
  const { index, requested } = open('de/search');
  // The page says "Netzwerkverbindung"; English would not strip the -en.
  const res = await index.search('Netzwerkverbindungen', { prefix: false });
  assert.strictEqual(res.results[0].url, 'de/guide/install/');
  assert.deepStrictEqual(res.terms.langs, ['de']);
  // (lang.min.js, the other languages' client code, may already be loaded
  // in this process by an earlier test.)
  assert.deepStrictEqual(requested.filter((r) => r.startsWith('stem/') && r !== 'stem/lang.min.js'),
    ['stem/de.js']);
});

test('Japanese search finds its page by its words, with no stemmer', async () => {
  const { index, requested } = open('ja/search');
  const res = await index.search('インストーラー', { prefix: false });
  assert.strictEqual(res.results[0].url, 'ja/guide/install/');
  assert.deepStrictEqual(requested.filter((r) => r.startsWith('stem/')), []);
});
