// A site with `search.languages: [de]`, built by lorebook
// (tests/fixtures/search-de) and searched by the client as a browser would:
// once the index root names the language, the client loads the site's own
// assets/stem/lang.min.js (other languages' tokenizing) and then
// assets/stem/de.js (the German stemmer). Run: node --test tests/js/
import test from 'node:test';
import assert from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
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

/**
 * A page of its own that has loaded the site's assets/search.min.js and
 * nothing else yet: `run(file)` runs a file of the site in it, as a
 * <script> would, and `client` is what search.min.js exports.
 */
function page() {
  const context = vm.createContext({ module: { exports: {} }, TextDecoder, Blob, DecompressionStream, Response });
  const run = (file) => vm.runInContext(fs.readFileSync(path.join(out, file), 'utf8'), context);
  run('assets/search.min.js');
  return { client: context.module.exports, run };
}

/**
 * An index over the built site; lang.min.js and stemmers load from its
 * assets/stem/ (into `fresh`, a page(), or else this process).
 */
function open(fresh) {
  const requested = [];
  const fetchPayload = (name) => {
    requested.push(name);
    const text = fs.readFileSync(path.join(out, 'search', name), 'utf8');
    let got = null;
    new Function('lorebookSearchData', text)((n, b64) => { got = b64; });
    return got;
  };
  const loadScript = (name) => {
    requested.push(`stem/${name}.js`);
    // Run the file as a <script> would: it registers itself globally.
    if (fresh) fresh.run(`assets/stem/${name}.js`);
    else new Function(fs.readFileSync(path.join(out, 'assets/stem', `${name}.js`), 'utf8'))();
  };
  return { index: new (fresh || { client }).client.Index(fetchPayload, loadScript), requested };
}

async function urls(query) {
  return (await open().index.search(query, { prefix: false })).results.map((r) => r.url);
}

test('the site publishes the German stemmer and no other, beside the languages code', () => {
  assert.deepStrictEqual(fs.readdirSync(path.join(out, 'assets/stem')).sort(),
    ['LICENSE', 'de.js', 'lang.js', 'lang.min.js']);
});

test('an inflected form finds the page with another form of the word', async () => {
  assert.strictEqual((await urls('Häuser'))[0], 'einrichtung/haus/');
  // Typed without the umlaut, too.
  assert.strictEqual((await urls('hauser'))[0], 'einrichtung/haus/');
  assert.strictEqual((await urls('Buch'))[0], 'einrichtung/buecher/');
  assert.strictEqual((await urls('Stockwerk'))[0], 'einrichtung/haus/');
});

test('the index names its language; its code and stemmer load before the first shard', async () => {
  const fresh = page();
  const { index, requested } = open(fresh);
  const res = await index.search('Geräte', { prefix: false });
  assert.strictEqual(res.results[0].url, 'einrichtung/haus/');
  // (Arrays of the page's own are copied to compare them here.)
  assert.deepStrictEqual([...res.terms.langs], ['de']);
  assert.deepStrictEqual(requested.slice(0, 3), ['index.js', 'stem/lang.min.js', 'stem/de.js']);
  // Once per index: a second search loads no script again.
  await index.search('Häuser', { prefix: false });
  assert.strictEqual(requested.filter((n) => n.startsWith('stem/')).length, 2, requested.join());
  // Highlighting stems in German too: `Gerät` is a match of `Geräte`.
  const marked = [...fresh.client.highlight('Jedes Gerät im Haus', res.terms)].filter(([, on]) => on).map(([s]) => s);
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

test('without its languages code the client fails the search with a clear error', async () => {
  const fresh = page();
  const fetchPayload = (name) => open().index.fetchPayload(name);
  const asked = [];
  await assert.rejects(new fresh.client.Index(fetchPayload, (name) => { asked.push(name); }).search('Häuser'),
    /cannot load assets\/stem\/lang\.min\.js/);
  assert.deepStrictEqual(asked, ['lang.min']);
  await assert.rejects(new fresh.client.Index(fetchPayload).search('Häuser'), /cannot load assets\/stem\/lang\.min\.js/);
  // The same client searches once the scripts have run in its page.
  fresh.run('assets/stem/lang.min.js');
  fresh.run('assets/stem/de.js');
  const res = await new fresh.client.Index(fetchPayload).search('Häuser', { prefix: false });
  assert.strictEqual(res.results[0].url, 'einrichtung/haus/');
});
