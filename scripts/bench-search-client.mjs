// Part of scripts/bench-search.sh: cold-query bytes and latency of the
// lorebook client and of Pagefind over the same generated site.
// Usage: node bench-search-client.mjs SITE_DIR SEARCH_JS BUILD_JSON [PAGEFIND_SECS]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [site, searchJs, buildJson, pagefindSecs] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const client = require(path.resolve(searchJs));
const build = JSON.parse(buildJson);
const SHOWN = 5;
const ONE = ['install', 'configuration', 'error', 'performance', 'license', 'memory', 'thread',
  'unicode', 'serialize', 'async', 'parser', 'windows'];
const TWO = ['install rust', 'error handling', 'memory allocation', 'unicode string',
  'async runtime', 'parse json', 'thread pool', 'license copyright'];

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const kb = (b) => (b / 1024).toFixed(1);
const jsBytes = fs.statSync(searchJs).size;
const jsGzip = zlib.gzipSync(fs.readFileSync(searchJs), { level: 9 }).length;

async function lorebook(query) {
  let bytes = jsBytes;
  let gz = jsGzip;
  const files = [];
  const index = new client.Index((name) => {
    const text = fs.readFileSync(path.join(site, 'search', name), 'utf8');
    bytes += Buffer.byteLength(text);
    gz += zlib.gzipSync(text).length;
    files.push(name);
    return text.slice(text.indexOf(',"') + 2, text.lastIndexOf('"'));
  });
  const t0 = performance.now();
  const res = await index.search(query, { limit: SHOWN, prefix: false });
  const cold = performance.now() - t0;
  const t1 = performance.now();
  await index.search(query, { limit: SHOWN, prefix: false });
  const warm = performance.now() - t1;
  return { bytes, gz, files: files.length + 1, cold, warm, results: res.total };
}

let pfRun = 0;
async function pagefind(query) {
  let bytes = 0;
  let files = 0;
  globalThis.fetch = async (url) => {
    const data = fs.readFileSync(fileURLToPath(new URL(url)));
    bytes += data.length;
    files += 1;
    return new Response(data, { status: 200 });
  };
  const js = path.join(site, 'pagefind', 'pagefind.js');
  bytes += fs.statSync(js).size;
  files += 1;
  const t0 = performance.now();
  const pf = await import(pathToFileURL(js).href + '?run=' + (pfRun++));
  await pf.options({ basePath: pathToFileURL(path.join(site, 'pagefind')).href + '/' });
  const r = await pf.search(query);
  await Promise.all(r.results.slice(0, SHOWN).map((x) => x.data()));
  const cold = performance.now() - t0;
  return { bytes, files, cold, results: r.results.length };
}

function dirStats(dir) {
  let n = 0;
  let b = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) { n += 1; b += fs.statSync(path.join(e.parentPath ?? e.path, e.name)).size; }
  }
  return { n, b };
}

const out = { pages: build.pages, lb: {}, pf: null };
async function measure(fn, queries) {
  const rs = [];
  for (const q of queries) rs.push(await fn(q));
  return rs;
}
const lb1 = await measure(lorebook, ONE);
const lb2 = await measure(lorebook, TWO);
let pf1 = null;
let pf2 = null;
const hasPf = pagefindSecs && fs.existsSync(path.join(site, 'pagefind', 'pagefind.js'));
if (hasPf) {
  const quiet = console.warn;
  console.warn = () => {};
  pf1 = await measure(pagefind, ONE);
  pf2 = await measure(pagefind, TWO);
  console.warn = quiet;
}

const p = build.pages;
console.log(`\n== ${p} pages (${build.units} sections, ${build.words} words) ==`);
console.log(`lorebook index: ${build.files} files (1 per ${(p / build.files).toFixed(1)} pages), ` +
  `${kb(build.bytes)} KB, ${(build.bytes / p).toFixed(0)} B/page; build ${build.build_secs.toFixed(3)} s ` +
  `(${(build.build_secs / (p / 1000)).toFixed(3)} s per 1,000 pages, one core)`);
console.log(`search.js: ${kb(jsBytes)} KB (${kb(jsGzip)} KB gzipped)`);
const row = (name, rs, key) => `${name}: median ${kb(median(rs.map((r) => r[key])))} KB, max ${kb(Math.max(...rs.map((r) => r[key])))} KB`;
console.log('cold query, every file fetched incl. JS, ' + SHOWN + ' results shown:');
console.log('  lorebook ' + row('one-word', lb1, 'bytes') + '; ' + row('two-word', lb2, 'bytes'));
console.log('  lorebook (gzip transfer) ' + row('one-word', lb1, 'gz') + '; ' + row('two-word', lb2, 'gz'));
console.log(`  lorebook files per cold query: median ${median(lb1.concat(lb2).map((r) => r.files))}`);
console.log(`latency in Node: lorebook cold median ${median(lb1.concat(lb2).map((r) => r.cold)).toFixed(1)} ms, ` +
  `warm median ${median(lb1.concat(lb2).map((r) => r.warm)).toFixed(2)} ms`);
if (hasPf) {
  const st = dirStats(path.join(site, 'pagefind'));
  console.log(`pagefind: ${st.n} files, ${kb(st.b)} KB, build ${Number(pagefindSecs).toFixed(2)} s`);
  console.log('  pagefind ' + row('one-word', pf1, 'bytes') + '; ' + row('two-word', pf2, 'bytes'));
  console.log(`  pagefind latency cold median ${median(pf1.concat(pf2).map((r) => r.cold)).toFixed(1)} ms`);
  const ratio = (a, b) => (median(b.map((r) => r.bytes)) / median(a.map((r) => r.bytes))).toFixed(2);
  console.log(`ratios (pagefind / lorebook): one-word bytes ${ratio(lb1, pf1)}x, two-word bytes ${ratio(lb2, pf2)}x, ` +
    `index files ${(st.n / build.files).toFixed(2)}x, build time ${(Number(pagefindSecs) / build.build_secs).toFixed(1)}x`);
} else {
  console.log('pagefind: not measured (npm install failed or pagefind missing)');
}
const target = p <= 2000 ? 40 : 50;
console.log(`target: cold one-word <= ${target} KB -> ${median(lb1.map((r) => r.bytes)) / 1024 <= target ? 'met' : 'MISSED'} (median), ` +
  `${Math.max(...lb1.map((r) => r.bytes)) / 1024 <= target ? 'met' : 'missed'} (max)`);
