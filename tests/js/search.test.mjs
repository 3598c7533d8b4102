// The search client (themes/default/static/assets/search.js) against an index built
// by the Rust side (examples/search_fixture.rs). Run: node --test tests/js/
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
const client = createRequire(import.meta.url)(path.join(repo, 'themes/default/static/assets/search.js'));

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lorebook-search-'));
execFileSync('cargo', ['run', '--quiet', '--example', 'search_fixture', '--', out,
  path.join(here, 'fixtures/words.txt')], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] });

/** Load an index file the way the browser does: run it with the callback. */
function loader(dir) {
  const requested = [];
  const fetchPayload = (name) => {
    requested.push(name);
    const text = fs.readFileSync(path.join(dir, 'search', name), 'utf8');
    let got = null;
    new Function('lorebookSearchData', text)((n, b64) => { assert.strictEqual(n, name); got = b64; });
    assert.ok(got !== null, `${name} did not call lorebookSearchData`);
    return got;
  };
  return { index: new client.Index(fetchPayload), requested };
}

async function urls(query, opts) {
  const { index } = loader(out);
  const res = await index.search(query, opts);
  return res.results.map((r) => r.url);
}

test('tokenizer and stemmer agree with the Rust side on real text', () => {
  const pairs = JSON.parse(fs.readFileSync(path.join(out, 'tokens.json'), 'utf8'));
  assert.ok(pairs.length > 5000, `only ${pairs.length} lines`);
  const wrong = [];
  for (const [line, terms] of pairs) {
    const js = client.tokenize(line).map((t) => t.term);
    if (JSON.stringify(js) !== JSON.stringify(terms)) wrong.push({ line, rust: terms, js });
  }
  assert.deepStrictEqual(wrong.slice(0, 10), [], `${wrong.length} of ${pairs.length} lines differ`);
});

test('stems known Snowball examples', () => {
  const cases = { consign: 'consign', consigned: 'consign', generously: 'generous',
    skies: 'sky', hoping: 'hope', hopping: 'hop', innings: 'inning', communication: 'communic',
    knightly: 'knight', luxuriating: 'luxuri', fitted: 'fit', cried: 'cri', ties: 'tie' };
  for (const [w, s] of Object.entries(cases)) assert.strictEqual(client.stem(w), s, w);
});

test('an exact title match ranks first', async () => {
  assert.strictEqual((await urls('reset your password'))[0], 'account/reset-password/');
  assert.strictEqual((await urls('Password policy'))[0], 'account/password-policy/');
});

test('finds a section and deep-links to its heading', async () => {
  assert.strictEqual((await urls('expired links'))[0], 'account/reset-password/#expired-links');
  assert.strictEqual((await urls('unpack archive'))[0], 'install/#linux');
});

test('matches the last word as a prefix while typing', async () => {
  const r = await urls('passw');
  assert.ok(r.includes('account/password-policy/'), r.join());
  assert.deepStrictEqual(await urls('passw', { prefix: false }), []);
  const inst = await urls('instal');
  assert.ok(inst.includes('install/'), inst.join());
});

test('tolerates one typo in words of five letters or more', async () => {
  assert.ok((await urls('pasword', { prefix: false })).includes('account/password-policy/'));
  assert.ok((await urls('polcy', { prefix: false })).includes('account/password-policy/'));
  // Four letters: no typo tolerance.
  assert.deepStrictEqual(await urls('prxy', { prefix: false }), []);
});

test('finds CJK substrings through bigrams', async () => {
  assert.strictEqual((await urls('据库'))[0], 'zh/database/');
  assert.ok((await urls('备份')).includes('zh/database/#backup'));
  assert.strictEqual((await urls('パスワード'))[0], 'ja/guide/');
  // Bigrams that do not all occur do not match.
  assert.deepStrictEqual(await urls('数据表'), []);
});

test('folds diacritics at query time', async () => {
  assert.strictEqual((await urls('CAFE'))[0], 'network/firewall/');
  assert.strictEqual((await urls('café'))[0], 'network/firewall/');
});

test('filters pages and community answers', async () => {
  const answers = await urls('password', { kind: 'answer' });
  assert.deepStrictEqual(answers, ['forum/1/']);
  const pages = await urls('password', { kind: 'page' });
  assert.ok(pages.length > 0 && pages.every((u) => !u.startsWith('forum/')), pages.join());
});

test('a cold query loads only the files it needs', async () => {
  const { index, requested } = loader(out);
  await index.search('proxy', { prefix: false, limit: 1 });
  // The root, the one shard holding "proxi", the one block holding the result.
  assert.strictEqual(requested[0], 'index.js');
  assert.strictEqual(requested.length, 3, requested.join());
  assert.ok(requested[1].startsWith('t') && requested[2].startsWith('d'), requested.join());
});

test('highlights matched words and CJK substrings', async () => {
  const { index } = loader(out);
  const res = await index.search('reset passwords', { prefix: false });
  const marked = client.highlight('Resetting your Password now', res.terms)
    .filter(([, on]) => on).map(([s]) => s);
  assert.deepStrictEqual(marked, ['Resetting', 'Password']);
  const zh = await index.search('数据库', {});
  const segs = client.highlight('本文介绍如何配置数据库连接', zh.terms);
  assert.deepStrictEqual(segs.filter(([, on]) => on).map(([s]) => s), ['数据库']);
});
