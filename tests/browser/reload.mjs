// Drives an open Chromium tab over the DevTools protocol and checks live
// reload end to end: an edit reloads the open page by itself and keeps its
// scroll position; a broken page shows the error overlay; a fix clears it.
//
// usage: node --experimental-websocket reload.mjs DEVTOOLS_PORT PAGE_URL SITE_ROOT
// Exits non-zero with a message on the first failed check.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [devtoolsPort, pageUrl, root] = process.argv.slice(2);
const sectionFile = join(root, "content/install/_index.md");
const original = readFileSync(sectionFile, "utf8");

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function findTab() {
  for (let i = 0; i < 200; i++) {
    try {
      const list = await (await fetch(`http://127.0.0.1:${devtoolsPort}/json/list`)).json();
      const tab = list.find((t) => t.type === "page" && t.url.startsWith(pageUrl));
      if (tab) return tab;
    } catch (e) {}
    await sleep(100);
  }
  fail("no tab showing the page");
}

const tab = await findTab();
const ws = new WebSocket(tab.webSocketDebuggerUrl);
await new Promise((resolve, reject) => {
  ws.onopen = resolve;
  ws.onerror = () => reject(new Error("devtools websocket"));
});
let nextId = 1;
const pending = new Map();
ws.onmessage = (m) => {
  const msg = JSON.parse(m.data);
  if (msg.id && pending.has(msg.id)) {
    pending.get(msg.id)(msg);
    pending.delete(msg.id);
  }
};
function send(method, params = {}) {
  const id = nextId++;
  ws.send(JSON.stringify({ id, method, params }));
  return new Promise((resolve) => pending.set(id, resolve));
}
async function evaluate(expression) {
  const r = await send("Runtime.evaluate", { expression, returnByValue: true });
  return r.result && r.result.result ? r.result.result.value : undefined;
}
async function waitFor(what, expression, ms = 30000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await evaluate(expression);
    if (v) return v;
    await sleep(100);
  }
  fail(`timed out waiting for ${what}`);
}

// The page is loaded and its live-reload stream is open.
await waitFor("page load", "document.readyState === 'complete' && document.title.includes('Install')");
await sleep(500);
// Mark this document: a reload replaces it, so the mark disappears.
await evaluate("window.scrollTo(0, 1500); window.__lorebookMark = 1; window.scrollY");
const before = await evaluate("window.scrollY");
if (before < 1000) fail(`page too short to test scrolling (scrollY ${before})`);

writeFileSync(sectionFile, original.replace("title: Install", "title: Install edited"));
await waitFor("reload after an edit", "document.title.includes('Install edited')");
if (await evaluate("window.__lorebookMark === 1")) fail("title changed without a reload");
await waitFor("scroll restored", `Math.abs(window.scrollY - ${before}) < 5`, 5000);
console.log(`ok: edit reloaded the page and kept scrollY ${before}`);

writeFileSync(sectionFile, "---\ntitle: [broken\n---\n");
const overlay = await waitFor(
  "error overlay",
  "(document.getElementById('lorebook-error-overlay') || {}).textContent"
);
if (!overlay.includes("content/install/_index.md:2:")) fail(`overlay text: ${overlay}`);
console.log("ok: broken front matter shows the overlay");

writeFileSync(sectionFile, original.replace("title: Install", "title: Install fixed"));
await waitFor("recovery", "document.title.includes('Install fixed')");
if (await evaluate("!!document.getElementById('lorebook-error-overlay')")) fail("overlay still shown");
console.log("ok: the fix reloaded the page and cleared the overlay");
ws.close();
process.exit(0);
