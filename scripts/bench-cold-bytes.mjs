// Cold-query bytes of a built English site, counted in Node over the files
// the client fetches: for each query of scripts/search-queries.json, the
// gzip (level 6) size of assets/search.min.js plus every index file the
// search reads. Prints the median over one-word queries and over all, and
// the median per kind of index file for one-word queries (i root, t term
// shards, d page blocks, ...). No browser: scripts/bench-search.sh measures
// the same in Chromium, with times.
//
//   node scripts/bench-cold-bytes.mjs PUBLIC_DIR
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const assets = path.join(repo, 'themes/default/static/assets');
const client = createRequire(import.meta.url)(path.join(assets, 'search.js'));
const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/bench-cold-bytes.mjs PUBLIC_DIR');
  process.exit(2);
}
const { queries } = JSON.parse(fs.readFileSync(path.join(repo, 'scripts/search-queries.json'), 'utf8'));
const gz = (bytes) => zlib.gzipSync(bytes, { level: 6 }).length;
const js = gz(fs.readFileSync(path.join(assets, 'search.min.js')));

const rows = [];
for (const q of queries) {
  const requested = [];
  const fetchPayload = (name) => {
    requested.push(name);
    const text = fs.readFileSync(path.join(dir, 'search', name), 'utf8');
    let got;
    new Function('lorebookSearchData', text)((n, payload) => { got = payload; });
    return got;
  };
  await new client.Index(fetchPayload).search(q.q, { limit: 10 });
  const by = {};
  let total = js;
  for (const name of requested) {
    const size = gz(fs.readFileSync(path.join(dir, 'search', name)));
    total += size;
    by[name[0]] = (by[name[0]] || 0) + size;
  }
  rows.push({ words: q.q.trim().split(/\s+/).length, total, by });
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const kib = (b) => (b / 1024).toFixed(1);
const one = rows.filter((r) => r.words === 1);
console.log(`client (search.min.js) gzip: ${js} B`);
console.log(`one-word queries: ${one.length}, median ${median(one.map((r) => r.total))} B = ${kib(median(one.map((r) => r.total)))} KiB gzip`);
console.log(`all queries: ${rows.length}, median ${kib(median(rows.map((r) => r.total)))} KiB gzip`);
const parts = {};
for (const r of one) for (const [k, v] of Object.entries(r.by)) (parts[k] = parts[k] || []).push(v);
for (const [k, v] of Object.entries(parts).sort()) console.log(`  ${k}*: median ${median(v)} B over ${v.length} queries`);
