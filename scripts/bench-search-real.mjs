// Part of scripts/bench-search.sh (real-corpus mode): relevance, bytes and
// latency of the lorebook client and of Pagefind over the same built site,
// each query cold (a fresh browser context: empty cache) in headless Chromium.
//
// Usage: node bench-search-real.mjs SITE_DIR QUERIES_JSON PUPPETEER_DIR [CHROMIUM]
//   SITE_DIR       a `lorebook build` output; SITE_DIR/pagefind/ when Pagefind ran
//   QUERIES_JSON   scripts/search-queries.json
//   PUPPETEER_DIR  a node_modules holding puppeteer-core
// Prints MRR@10, S@1, S@5 by query kind, bytes (raw and gzip) and times per
// engine, and writes every query's ranked URLs to SITE_DIR/../bench-results.json.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const [site, queriesJson, puppeteerDir, chromium = '/usr/bin/chromium'] = process.argv.slice(2);
const puppeteer = createRequire(path.join(path.resolve(puppeteerDir), 'x.js'))('puppeteer-core');
const { queries } = JSON.parse(fs.readFileSync(queriesJson, 'utf8'));
const TOP = 10;

// -------------------------------------------------------------- the harness
const HARNESS = {
  lorebook: `<!doctype html><meta charset=utf-8><body><script>
window.bench = function (q) {
  var t0 = performance.now();
  return new Promise(function (resolve, reject) {
    var s = document.createElement('script');
    s.src = '/assets/search.min.js';
    s.onload = resolve; s.onerror = reject;
    document.head.appendChild(s);
  }).then(function () {
    return lorebookSearch.index.search(q, { limit: ${TOP} });
  }).then(function (res) {
    var cold = performance.now() - t0;
    var t1 = performance.now();
    return lorebookSearch.index.search(q, { limit: ${TOP} }).then(function () {
      return { cold: cold, warm: performance.now() - t1, urls: res.results.map(function (r) { return r.url; }) };
    });
  });
};
</script>`,
  pagefind: `<!doctype html><meta charset=utf-8><body><script>
window.bench = async function (q) {
  const t0 = performance.now();
  const pf = await import('/pagefind/pagefind.js');
  await pf.options({});
  const run = async () => {
    const r = await pf.search(q);
    return Promise.all(r.results.slice(0, ${TOP}).map((x) => x.data()));
  };
  const data = await run();
  const cold = performance.now() - t0;
  const t1 = performance.now();
  await run();
  return { cold, warm: performance.now() - t1, urls: data.map((d) => d.url) };
};
</script>`,
};

// ---------------------------------------------------------------- the server
let served = [];
const gzipCache = new Map();
function gzipSize(file, bytes) {
  if (!gzipCache.has(file)) gzipCache.set(file, zlib.gzipSync(bytes, { level: 6 }).length);
  return gzipCache.get(file);
}
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const name = url.pathname.replace(/^\/+/, '');
  if (name.startsWith('__bench/')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(HARNESS[name.slice(8)]);
    return;
  }
  let file = path.join(site, decodeURIComponent(name));
  if (!file.startsWith(path.resolve(site))) { res.writeHead(403); res.end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
  const bytes = fs.readFileSync(file);
  served.push({ name, raw: bytes.length, gz: gzipSize(file, bytes) });
  const types = { '.js': 'text/javascript', '.json': 'application/json', '.html': 'text/html', '.css': 'text/css', '.wasm': 'application/wasm' };
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  res.end(bytes);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

// ------------------------------------------------------------- the scoring
function norm(u) {
  return String(u).toLowerCase().replace(/^https?:\/\/[^/]+/, '').replace(/[#?].*$/, '')
    .replace(/index\.html$/, '').replace(/^\/+|\/+$/g, '').replace(/[^a-z0-9/]+/g, '-');
}
function matcher(pattern) {
  const p = pattern.toLowerCase().replace(/[^a-z0-9/*]+/g, '-').split('/')
    .map((s) => (s === '*' ? '[^/]+' : s)).join('/');
  return new RegExp('^' + p + '$');
}
function rankOf(urls, right) {
  const res = right.map(matcher);
  const pages = [];
  for (const u of urls) { const n = norm(u); if (!pages.includes(n)) pages.push(n); }
  const i = pages.slice(0, TOP).findIndex((n) => res.some((r) => r.test(n)));
  return i < 0 ? null : i + 1;
}

// ---------------------------------------------------------------- the runs
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const engines = ['lorebook'];
if (fs.existsSync(path.join(site, 'pagefind', 'pagefind.js'))) engines.push('pagefind');
const all = {};
for (const engine of engines) {
  all[engine] = [];
  for (const q of queries) {
    const ctx = await browser.createBrowserContext();
    const page = await ctx.newPage();
    await page.goto(base + '__bench/' + engine);
    served = [];
    let r;
    try {
      r = await page.evaluate((query) => window.bench(query), q.q);
    } catch (e) {
      r = { cold: NaN, warm: NaN, urls: [], error: String(e) };
    }
    const raw = served.reduce((a, f) => a + f.raw, 0);
    const gz = served.reduce((a, f) => a + f.gz, 0);
    all[engine].push({ ...q, ...r, rank: rankOf(r.urls, q.right), raw, gz, files: served.length });
    await ctx.close();
  }
}
await browser.close();
server.close();

// ------------------------------------------------------------------ report
const kb = (b) => (b / 1024).toFixed(1);
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const median = (xs) => pct(xs, 0.5);
const kinds = ['all', ...new Set(queries.map((q) => q.kind))];
const fmt = (x) => x.toFixed(2);
console.log(`\n${queries.length} queries; top ${TOP} pages per query; each query cold in a fresh Chromium context`);
console.log('| engine | kind | n | MRR@10 | S@1 | S@5 |');
console.log('|---|---|---|---|---|---|');
for (const engine of engines) {
  for (const kind of kinds) {
    const rs = all[engine].filter((r) => kind === 'all' || r.kind === kind);
    const mrr = rs.reduce((a, r) => a + (r.rank ? 1 / r.rank : 0), 0) / rs.length;
    const s1 = rs.filter((r) => r.rank === 1).length / rs.length;
    const s5 = rs.filter((r) => r.rank && r.rank <= 5).length / rs.length;
    console.log(`| ${engine} | ${kind} | ${rs.length} | ${fmt(mrr)} | ${fmt(s1)} | ${fmt(s5)} |`);
  }
}
console.log('\n| engine | queries | cold KiB raw median / p95 | cold KiB gzip median / p95 | files median | cold ms median / p95 | warm ms median / max |');
console.log('|---|---|---|---|---|---|---|');
for (const engine of engines) {
  const groups = [['all', all[engine]], ['one-word', all[engine].filter((r) => !/\s/.test(r.q.trim()))]];
  for (const [name, rs] of groups) {
    console.log(`| ${engine} | ${name} (${rs.length}) | ${kb(median(rs.map((r) => r.raw)))} / ${kb(pct(rs.map((r) => r.raw), 0.95))} | ` +
      `${kb(median(rs.map((r) => r.gz)))} / ${kb(pct(rs.map((r) => r.gz), 0.95))} | ${median(rs.map((r) => r.files))} | ` +
      `${median(rs.map((r) => r.cold)).toFixed(0)} / ${pct(rs.map((r) => r.cold), 0.95).toFixed(0)} | ` +
      `${median(rs.map((r) => r.warm)).toFixed(1)} / ${Math.max(...rs.map((r) => r.warm)).toFixed(1)} |`);
  }
}
const errors = Object.values(all).flat().filter((r) => r.error);
for (const e of errors.slice(0, 5)) console.log(`error: ${e.q}: ${e.error}`);
const out = path.join(path.dirname(path.resolve(site)), 'bench-results.json');
fs.writeFileSync(out, JSON.stringify(all, null, 1));
console.log(`\nper-query results: ${out}`);
