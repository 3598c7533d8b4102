// Part of scripts/bench.sh: bytes a browser fetches for a cold one-word query
// (search JS included, uncompressed), median over a few words of the
// generated corpus. Same method as scripts/bench-search-client.mjs.
// Usage: node bench-query.mjs lorebook SITE_DIR SEARCH_JS
//        node bench-query.mjs pagefind PAGEFIND_DIR
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [tool, dir, searchJs] = process.argv.slice(2);
const WORDS = ['sync', 'password', 'certificate', 'webhook', 'backup', 'timeout'];
const SHOWN = 5;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function lorebook(query) {
  const client = createRequire(import.meta.url)(path.resolve(searchJs));
  let bytes = fs.statSync(searchJs).size;
  const index = new client.Index((name) => {
    const text = fs.readFileSync(path.join(dir, 'search', name), 'utf8');
    bytes += Buffer.byteLength(text);
    return text.slice(text.indexOf(',"') + 2, text.lastIndexOf('"'));
  });
  await index.search(query, { limit: SHOWN, prefix: false });
  return bytes;
}

let run = 0;
async function pagefind(query) {
  let bytes = 0;
  globalThis.fetch = async (url) => {
    const data = fs.readFileSync(fileURLToPath(new URL(url)));
    bytes += data.length;
    return new Response(data, { status: 200 });
  };
  const js = path.join(dir, 'pagefind.js');
  bytes += fs.statSync(js).size;
  const pf = await import(pathToFileURL(js).href + '?run=' + (run++));
  await pf.options({ basePath: pathToFileURL(dir).href + '/' });
  const r = await pf.search(query);
  await Promise.all(r.results.slice(0, SHOWN).map((x) => x.data()));
  return bytes;
}

console.warn = () => {};
const fn = tool === 'pagefind' ? pagefind : lorebook;
const sizes = [];
for (const w of WORDS) sizes.push(await fn(w));
console.log(median(sizes));
