// A site with `search.languages: [de]`, built by lorebook
// (tests/fixtures/search-de) and searched by the client as a browser would:
// the German stemmer is loaded from the site's own assets/stem/de.js, after
// the index root names the language. Run: node --test tests/js/
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

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lorebook-search-de-'));
execFileSync('cargo', ['run', '--quiet', '--bin', 'lorebook', '--', 'build', '--root',
  path.join(repo, 'tests/fixtures/search-de'), '--output', out],
{ cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });

/** An index over the built site; stemmers load from its assets/stem/. */
function open() {
  const requested = [];
  const fetchPayload = (name) => {
    requested.push(name);
    const text = fs.readFileSync(path.join(out, 'search', name), 'utf8');
    let got = null;
    new Function('lorebookSearchData', text)((n, b64) => { got = b64; });
    return got;
  };
  const loadStemmer = (code) => {
    requested.push(`stem/${code}.js`);
    // Run the file as a <script> would: it registers itself globally.
    new Function(fs.readFileSync(path.join(out, 'assets/stem', `${code}.js`), 'utf8'))();
  };
  return { index: new client.Index(fetchPayload, loadStemmer), requested };
}

async function urls(query) {
  return (await open().index.search(query, { prefix: false })).results.map((r) => r.url);
}

test('the site publishes the German stemmer and no other', () => {
  assert.deepStrictEqual(fs.readdirSync(path.join(out, 'assets/stem')).sort(), ['LICENSE', 'de.js']);
});

test('an inflected form finds the page with another form of the word', async () => {
  assert.strictEqual((await urls('Häuser'))[0], 'einrichtung/haus/');
  // Typed without the umlaut, too.
  assert.strictEqual((await urls('hauser'))[0], 'einrichtung/haus/');
  assert.strictEqual((await urls('Buch'))[0], 'einrichtung/buecher/');
  assert.strictEqual((await urls('Stockwerk'))[0], 'einrichtung/haus/');
});

test('the index names its language, and the stemmer loads before the first shard', async () => {
  globalThis.lorebookStemmers = {};
  const { index, requested } = open();
  const res = await index.search('Geräte', { prefix: false });
  assert.strictEqual(res.results[0].url, 'einrichtung/haus/');
  assert.deepStrictEqual(res.terms.langs, ['de']);
  assert.strictEqual(requested[0], 'index.js');
  assert.strictEqual(requested[1], 'stem/de.js');
  // Highlighting stems in German too: `Gerät` is a match of `Geräte`.
  const marked = client.highlight('Jedes Gerät im Haus', res.terms).filter(([, on]) => on).map(([s]) => s);
  assert.deepStrictEqual(marked, ['Gerät']);
});

test('a stemmer that cannot load fails the search instead of stemming in English', async () => {
  const fetchPayload = (name) => {
    const text = fs.readFileSync(path.join(out, 'search', name), 'utf8');
    let got = null;
    new Function('lorebookSearchData', text)((n, b64) => { got = b64; });
    return got;
  };
  const saved = globalThis.lorebookStemmers;
  globalThis.lorebookStemmers = {};
  try {
    const index = new client.Index(fetchPayload, () => Promise.reject(new Error('offline')));
    await assert.rejects(index.search('Häuser'), /offline/);
  } finally {
    globalThis.lorebookStemmers = saved;
  }
});
