// The search client's stemmers (English in search.js, the other languages in
// themes/default/static/assets/stem/<code>.js, tokenized by stem/lang.js)
// against the Rust tokenizer, word for word, on real words of every language
// (tests/js/fixtures/stem/, sources in SOURCES.md there).
// Run: node --test tests/js/
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
const stemDir = path.join(repo, 'themes/default/static/assets/stem');
const wordDir = path.join(here, 'fixtures/stem');

const codes = fs.readdirSync(wordDir).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4)).sort();
// Several languages at once: the main one's stems, the others' as alternatives.
const mixed = [['de', 'en'], ['en', 'de'], ['fr', 'en', 'es'], ['ta', 'en'], ['en', 'ja']];
const specs = codes.map((c) => [[c], c]).concat(mixed.map((l) => [l, l[0]]));
// Real text (lines of docs, punctuation, other scripts), split before folding.
const text = [['de'], ['ru', 'en'], ['ta']];
const textFile = path.join(here, 'fixtures/words.txt');

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lorebook-stem-'));
execFileSync('cargo', ['run', '--quiet', '--example', 'search_fixture', '--', out,
  path.join(here, 'fixtures/words.txt'),
  ...specs.map(([langs, file]) => `${langs.join(',')}:${path.join(wordDir, file + '.txt')}`),
  ...text.map((langs) => `${langs.join(',')}+text:${textFile}`)],
{ cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] });

// Every language but English needs stem/lang.js (search.js loads it only for
// such an index); it registers itself globally, as the stemmers do.
require(path.join(stemDir, 'lang.js'));
const files = fs.readdirSync(stemDir).filter((f) => /^[a-z]+\.js$/.test(f) && f !== 'lang.js')
  .map((f) => f.slice(0, -3)).sort();
for (const code of files) require(path.join(stemDir, code + '.js'));
const support = client.languages();

test('the client has a stemmer for exactly the languages the Rust side stems', () => {
  const rust = JSON.parse(fs.readFileSync(path.join(out, 'langs.json'), 'utf8'));
  const stemmed = rust.filter(([, stems]) => stems).map(([code]) => code).sort();
  assert.deepStrictEqual([...support.STEMMED].sort(), stemmed);
  assert.deepStrictEqual(files, rust.filter(([, , , file]) => file).map(([code]) => code).sort());
  assert.ok(stemmed.length >= 18, stemmed.join());
  // Every stemmer file registered itself under its own code.
  for (const code of files) assert.strictEqual(typeof globalThis.lorebookStemmers[code], 'function', code);
});

for (const [langs] of specs) {
  const name = langs.join(',');
  test(`tokens agree with the Rust side on real words: ${name}`, () => {
    const pairs = JSON.parse(fs.readFileSync(path.join(out, `tokens-${name}.json`), 'utf8'));
    assert.ok(pairs.length >= 2500, `only ${pairs.length} words`);
    const wrong = [];
    let stemmed = 0;
    for (const [line, rust] of pairs) {
      const toks = client.tokenize(line, langs);
      const js = toks.map((t) => [t.term].concat(t.alts));
      if (JSON.stringify(js) !== JSON.stringify(rust)) wrong.push({ line, rust, js });
      if (toks.some((t) => t.term !== t.word)) stemmed++;
    }
    assert.deepStrictEqual(wrong.slice(0, 10), [], `${wrong.length} of ${pairs.length} words differ`);
    // The stemmer did something: most real words lose an ending.
    if (!['ja'].includes(langs[0])) assert.ok(stemmed > pairs.length / 4, `${stemmed} of ${pairs.length} stemmed`);
  });
}

for (const langs of text) {
  const name = `${langs.join(',')}+text`;
  test(`tokens agree with the Rust side on real text: ${langs.join(',')}`, () => {
    const pairs = JSON.parse(fs.readFileSync(path.join(out, `tokens-${name}.json`), 'utf8'));
    assert.ok(pairs.length > 5000, `only ${pairs.length} lines`);
    const wrong = [];
    for (const [line, rust] of pairs) {
      const js = client.tokenize(line, langs).map((t) => [t.term].concat(t.alts));
      if (JSON.stringify(js) !== JSON.stringify(rust)) wrong.push({ line, rust, js });
    }
    assert.deepStrictEqual(wrong.slice(0, 10), [], `${wrong.length} of ${pairs.length} lines differ`);
  });
}

test('stems Snowball\'s published examples through the client', () => {
  // From snowball-data (voc.txt -> output.txt), folded as the index folds stems
  // (Turkish ı is a letter of its own, no i with a mark).
  const cases = [['de', 'Häuser', 'haus'], ['de', 'Bücher', 'buch'], ['fr', 'appelée', 'appel'],
    ['ru', 'новый', 'нов'], ['es', 'amenazas', 'amenaz'], ['sv', 'begärde', 'begard'],
    ['tr', 'alımındaki', 'alım'], ['el', 'έκδοση', 'εκδοσ'], ['ta', 'ஃபால்கனின்', 'ஃபால்கன்']];
  for (const [code, word, stem] of cases) {
    assert.deepStrictEqual(client.tokenize(word, [code]).map((t) => t.term), [stem], `${code} ${word}`);
  }
});

test('the minified client and languages code tokenize as their sources do', () => {
  // search.min.js and stem/lang.min.js (what sites load) in a context of their own.
  const context = vm.createContext({ module: { exports: {} }, TextDecoder });
  const assets = path.join(stemDir, '..');
  for (const file of ['search.min.js', 'stem/lang.min.js', ...files.map((c) => `stem/${c}.js`)]) {
    vm.runInContext(fs.readFileSync(path.join(assets, file), 'utf8'), context);
  }
  const min = context.module.exports;
  const lines = fs.readFileSync(textFile, 'utf8').split('\n').slice(0, 1500);
  for (const [langs, file] of specs) {
    const words = fs.readFileSync(path.join(wordDir, file + '.txt'), 'utf8').split('\n').slice(0, 300);
    for (const line of words.concat(lines)) {
      // Compared as JSON: the two sides' arrays come from different contexts.
      assert.strictEqual(JSON.stringify(min.tokenize(line, langs)), JSON.stringify(client.tokenize(line, langs)),
        `${langs.join(',')}: ${line}`);
    }
  }
});
