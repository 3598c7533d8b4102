// The search client (themes/default/static/assets/search.js) against an index built
// by the Rust side (examples/search_fixture.rs). Run: node --test tests/js/
import test from 'node:test';
import assert from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const assets = path.join(repo, 'themes/default/static/assets');
const client = createRequire(import.meta.url)(path.join(assets, 'search.js'));

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
    new Function('lorebookSearchData', text)((n, packed) => { assert.strictEqual(n, name); got = packed; });
    assert.ok(got !== null, `${name} did not call lorebookSearchData`);
    return got;
  };
  return { index: new client.Index(fetchPayload), requested };
}

async function urls(query, opts) {
  return (await results(query, opts)).map((r) => r.url);
}

async function results(query, opts) {
  const { index } = loader(out);
  return (await index.search(query, opts)).results;
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

for (const [src, min] of [['search.js', 'search.min.js'], ['stem/lang.js', 'stem/lang.min.js']]) {
  test(`${min}, which the client loads, is ${src} minified (else run scripts/minify-js.sh)`, () => {
    const source = fs.readFileSync(path.join(assets, src));
    const first = fs.readFileSync(path.join(assets, min), 'utf8').split('\n', 1)[0];
    const recorded = /sha256:([0-9a-f]{64})/.exec(first);
    assert.ok(recorded, `no source hash on the first line: ${first}`);
    assert.strictEqual(recorded[1], createHash('sha256').update(source).digest('hex'),
      `${min} was made from another ${src}: run scripts/minify-js.sh`);
  });
}

test('an English index is searched with search.js alone: no other script is loaded or needed', async () => {
  const { index, requested } = loader(out);
  const scripts = [];
  const searching = new client.Index((name) => index.fetchPayload(name), (name) => { scripts.push(name); });
  const res = await searching.search('reset your password', {});
  assert.strictEqual(res.results[0].url, 'account/reset-password/');
  assert.deepStrictEqual(res.terms.langs, ['en']);
  assert.deepStrictEqual(scripts, []);
  assert.ok(requested.every((name) => !name.includes('/')), requested.join());
  assert.strictEqual(globalThis.lorebookLanguages, undefined);
  assert.strictEqual(client.languages(), null);
  // Another language needs stem/lang.js: without it, a clear error.
  assert.throws(() => client.tokenize('Häuser', ['de']), /needs assets\/stem\/lang\.min\.js/);
});

test('the client the theme loads holds no code of other languages (stem/lang.js has it)', () => {
  const min = fs.readFileSync(path.join(assets, 'search.min.js'), 'utf8');
  const lang = fs.readFileSync(path.join(assets, 'stem/lang.min.js'), 'utf8');
  // The table of stemmed languages, the stemmer registry, the marked-word split.
  for (const needle of ['"ru"', '"ta"', 'lorebookStemmers', '\\p{M}]+']) {
    assert.ok(!min.includes(needle), `search.min.js holds ${needle}`);
    assert.ok(lang.includes(needle), `stem/lang.min.js lacks ${needle}`);
  }
});

test('the minified client tokenizes and answers as the source does', async () => {
  const min = createRequire(import.meta.url)(path.join(assets, 'search.min.js'));
  const pairs = JSON.parse(fs.readFileSync(path.join(out, 'tokens.json'), 'utf8'));
  for (const [line] of pairs.slice(0, 2000)) {
    assert.deepStrictEqual(min.tokenize(line), client.tokenize(line), line);
  }
  for (const query of ['reset your password', 'passw polic', 'authent prox', 'quarterly', '"reset links"', 'password -reset']) {
    const dir = loader(out);
    const fetchPayload = (name) => dir.index.fetchPayload(name);
    const [a, b] = await Promise.all([
      new min.Index(fetchPayload).search(query, {}),
      new client.Index(fetchPayload).search(query, {}),
    ]);
    assert.ok(b.results.length > 0, `${query}: the source finds nothing`);
    assert.deepStrictEqual(a, b, query);
  }
});

test('unpacks index payloads as src/search/text91.rs packs them', () => {
  // Worked by hand from the alphabet (printable ASCII but " ' < \\):
  // index 0 is ' ', 1 '!', 7 ')', 90 '~'.
  const cases = [['', []], ['! ', [1]], ['   ', [0, 0]], ['!~)', [255, 255]]];
  for (const [text, bytes] of cases) {
    assert.deepStrictEqual(Array.from(client.unpack91(text)), bytes, JSON.stringify(text));
  }
});

test('derives the anchors blocks leave out, as model.rs decides them', () => {
  // The same cases as src/search/model.rs's test, worked by hand.
  assert.strictEqual(client.anchorOf([1, 'Setting the mode']), 'setting-the-mode');
  assert.strictEqual(client.anchorOf([1, ' Get-Item_v2 (!) ']), 'get-item_v2-');
  assert.strictEqual(client.anchorOf(['custom', 'Setting the mode']), 'custom');
  assert.strictEqual(client.anchorOf(['', '']), '');
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

test('finds a section: its page first, deep-linked to the heading below it', async () => {
  const [first] = await results('expired links');
  assert.strictEqual(first.url, 'account/reset-password/');
  assert.strictEqual(first.sub[0].url, 'account/reset-password/#expired-links');
  const [inst] = await results('unpack archive');
  assert.strictEqual(inst.url, 'install/');
  assert.strictEqual(inst.sub[0].url, 'install/#linux');
});

test('groups results by page: one result, at most three sections under it', async () => {
  const rs = await results('sync', { prefix: false });
  const sync = rs.filter((r) => r.url === 'guide/sync/');
  assert.strictEqual(sync.length, 1, rs.map((r) => r.url).join());
  assert.strictEqual(sync[0].sub.length, 3);
  const anchors = sync[0].sub.map((s) => s.url.split('#')[1]);
  assert.strictEqual(new Set(anchors).size, 3);
  assert.ok(anchors.every((a) => ['setup', 'conflicts', 'offline', 'schedule'].includes(a)), anchors.join());
  assert.strictEqual(new Set(rs.map((r) => r.url)).size, rs.length, 'no page twice');
});

test('matches the last word as a prefix while typing', async () => {
  const r = await urls('passw');
  assert.ok(r.includes('account/password-policy/'), r.join());
  assert.deepStrictEqual(await urls('passw', { prefix: false }), []);
  const inst = await urls('instal');
  assert.ok(inst.includes('install/'), inst.join());
});

test('matches every word of four letters or more as a prefix, not only the last', async () => {
  assert.strictEqual((await urls('passw polic'))[0], 'account/password-policy/');
  const [proxy] = await results('authent prox');
  assert.strictEqual(proxy.url, 'network/proxy/');
  assert.strictEqual(proxy.sub[0].url, 'network/proxy/#authentication');
  // Three letters are not enough for a word that is not being typed.
  assert.deepStrictEqual(await urls('pas policy '), (await urls('policy ')));
});

test('excerpts show the text around the match, every matched word marked, never empty', async () => {
  const { index } = loader(out);
  const res = await index.search('watchdog heartbeat', {});
  const logs = res.results[0];
  assert.strictEqual(logs.url, 'guide/logs/');
  assert.ok(logs.excerpt.startsWith('…') && logs.excerpt.includes('watchdog heartbeat'), logs.excerpt);
  const marked = client.highlight(logs.excerpt, res.terms).filter(([, on]) => on).map(([s]) => s);
  assert.deepStrictEqual(marked, ['watchdog', 'heartbeat']);
  // A page with no text still shows something.
  const [check] = await results('quarterly');
  assert.strictEqual(check.url, 'guide/checklist/');
  assert.ok(check.excerpt.length > 0);
  for (const q of ['password', 'sync', 'proxy', 'install', '数据库']) {
    for (const r of await results(q)) assert.ok(r.excerpt.trim(), `${q}: empty excerpt for ${r.url}`);
  }
  assert.strictEqual(client.excerpt('short text', { keys: [], words: [] }), 'short text');
});

test('phrase queries in quotes need the words together, in order', async () => {
  assert.deepStrictEqual(await urls('"reset links"'), ['account/reset-password/']);
  assert.deepStrictEqual(await urls('"links reset"'), []);
  // Unquoted, the same words in any order match.
  assert.ok((await urls('links reset')).includes('account/reset-password/'));
});

test('-word excludes the pages that contain it', async () => {
  const all = await urls('password');
  assert.ok(all.includes('account/reset-password/') && all.includes('account/password-policy/'), all.join());
  const without = await urls('password -reset');
  assert.ok(!without.includes('account/reset-password/') && !without.includes('forum/1/'), without.join());
  assert.ok(without.includes('account/password-policy/'), without.join());
  // A word joined by a hyphen is not an exclusion.
  assert.strictEqual(client.parseQuery('sign-in', true).neg.length, 0);
});

test('inline markup inside a word does not split it, on both sides', () => {
  assert.deepStrictEqual(client.tokenize('E[x]tract').map((t) => t.term), ['extract']);
  assert.strictEqual(client.joinBracketed('a[b][c]'), 'ab[c]');
});

test('tolerates one typo in words of five letters or more', async () => {
  assert.ok((await urls('pasword')).includes('account/password-policy/'));
  assert.ok((await urls('pasword', { prefix: false })).includes('account/password-policy/'));
  assert.ok((await urls('polcy', { prefix: false })).includes('account/password-policy/'));
  // Four letters: no typo tolerance.
  assert.deepStrictEqual(await urls('prxy', { prefix: false }), []);
});

test('finds CJK substrings through bigrams', async () => {
  assert.strictEqual((await urls('据库'))[0], 'zh/database/');
  const [backup] = await results('备份');
  assert.strictEqual(backup.url, 'zh/database/');
  assert.ok(backup.sub.some((s) => s.url === 'zh/database/#backup'), JSON.stringify(backup.sub));
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
