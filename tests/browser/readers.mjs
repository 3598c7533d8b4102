// Reader-facing behaviour of the default theme in a real headless Chromium,
// driven over the DevTools protocol (issue 20): the navigation tree and the
// phone drawer, the theme toggle (kept across pages, set before the first
// paint), the copy button, the "On this page" scroll-spy, "Ask the
// community" after a search without results and its DOM events, the
// feedback beacon, no horizontal scroll at 320 px, and axe-core.
//
// usage: node --experimental-websocket readers.mjs DEVTOOLS_PORT BASE_URL PAGES_FILE
//   PAGES_FILE: one site-relative page URL a line (every HTML page).
//   AXE_CORE=/path/to/axe.min.js: run axe-core too (skipped without it).
//   SCREENSHOTS=/dir: also save the gallery's screenshots there
//   (SCREENSHOT_FORMAT=webp by default, or png).
// Prints `ok: ...` per check; exits non-zero on the first failure.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [devtoolsPort, base, pagesFile] = process.argv.slice(2);
const pages = readFileSync(pagesFile, "utf8").split("\n").filter(Boolean);
const axeSource = process.env.AXE_CORE ? readFileSync(process.env.AXE_CORE, "utf8") : null;
const shots = process.env.SCREENSHOTS || null;

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- DevTools
const version = await (await fetch(`http://127.0.0.1:${devtoolsPort}/json/version`)).json();
const ws = new WebSocket(version.webSocketDebuggerUrl);
await new Promise((resolve, reject) => {
  ws.onopen = resolve;
  ws.onerror = () => reject(new Error("devtools websocket"));
});
let nextId = 1;
const pending = new Map();
const listeners = [];
ws.onmessage = (m) => {
  const msg = JSON.parse(m.data);
  if (msg.id && pending.has(msg.id)) {
    pending.get(msg.id)(msg);
    pending.delete(msg.id);
  } else if (msg.method) {
    for (const l of listeners) l(msg);
  }
};
function send(method, params = {}, sessionId) {
  const id = nextId++;
  ws.send(JSON.stringify({ id, method, params, sessionId }));
  return new Promise((resolve) => pending.set(id, resolve)).then((r) => {
    if (r.error) throw new Error(`${method}: ${r.error.message}`);
    return r.result;
  });
}
const origin = new URL(base).origin;
await send("Browser.grantPermissions", {
  origin,
  permissions: ["clipboardReadWrite", "clipboardSanitizedWrite"],
});
const { targetId } = await send("Target.createTarget", { url: "about:blank" });
const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
const page = (method, params) => send(method, params, sessionId);
await page("Page.enable");
await page("Runtime.enable");
await page("Emulation.setFocusEmulationEnabled", { enabled: true });
// Events the page dispatches, and the theme when <body> first exists.
await page("Page.addScriptToEvaluateOnNewDocument", {
  source: `
    window.__events = [];
    ["lorebook:search", "lorebook:zero-results", "lorebook:feedback"].forEach(function (n) {
      document.addEventListener(n, function (e) { window.__events.push([n, e.detail]); });
    });
    new MutationObserver(function (_, obs) {
      if (document.body) {
        window.__themeAtBody = document.documentElement.dataset.theme || "system";
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });`,
});

async function evaluate(expression) {
  const r = await page("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true });
  if (r.exceptionDetails) fail(`${expression}: ${JSON.stringify(r.exceptionDetails)}`);
  return r.result ? r.result.value : undefined;
}
async function waitFor(what, expression, ms = 15000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await evaluate(expression);
    if (v) return v;
    await sleep(50);
  }
  fail(`timed out waiting for ${what}`);
}
async function viewport(width, height) {
  await page("Emulation.setDeviceMetricsOverride", {
    width, height, deviceScaleFactor: 1, mobile: width < 600,
  });
}
async function open(url) {
  const loaded = new Promise((resolve) => {
    const l = (msg) => {
      if (msg.method === "Page.loadEventFired" && msg.sessionId === sessionId) {
        listeners.splice(listeners.indexOf(l), 1);
        resolve();
      }
    };
    listeners.push(l);
  });
  await page("Page.navigate", { url: url.startsWith("http") ? url : base + url });
  await Promise.race([loaded, sleep(15000)]);
  await waitFor("load", "document.readyState === 'complete'");
}
async function click(selector) {
  const ok = await evaluate(`(function () { var e = document.querySelector(${JSON.stringify(selector)}); if (!e) return false; e.click(); return true; })()`);
  if (!ok) fail(`nothing to click at ${selector}`);
}
function ok(message) { console.log(`ok: ${message}`); }

const longPage = "sync/selective-sync/";

// ---------------------------------------------------------------- the tree
await viewport(1366, 900);
await open(longPage);
await waitFor("the full tree", "document.querySelectorAll('#site-nav .nav-twisty').length > 3");
const tree = await evaluate(`(function () {
  var nav = document.getElementById('site-nav');
  var cur = nav.querySelector('[aria-current="page"]');
  var open = Array.prototype.map.call(nav.querySelectorAll('.nav-sec.is-open > .nav-row a'), function (a) { return a.textContent; });
  var sections = Array.prototype.map.call(nav.querySelectorAll('.nav-tree > li.nav-sec > .nav-row a'), function (a) { return a.getAttribute('href'); });
  return { current: cur && cur.textContent, open: open, sections: sections };
})()`);
if (tree.current !== "Selective sync") fail(`current page not marked: ${JSON.stringify(tree)}`);
if (!tree.open.includes("Sync")) fail(`current branch not open: ${JSON.stringify(tree)}`);
if (!tree.sections.some((h) => h.endsWith("api/"))) fail(`other sections missing: ${JSON.stringify(tree)}`);
// A closed branch fills in when opened.
const apiTwisty = `Array.prototype.find.call(document.querySelectorAll('#site-nav .nav-tree > .nav-sec'), function (li) { return /api\\/$/.test(li.querySelector('.nav-row a').getAttribute('href')); })`;
if (await evaluate(`${apiTwisty}.querySelector('ul') !== null`)) fail("a closed branch is drawn before it is opened");
await evaluate(`${apiTwisty}.querySelector('.nav-twisty').click()`);
await waitFor("a closed branch to open", `${apiTwisty}.querySelectorAll('ul a').length > 0 && ${apiTwisty}.querySelector('.nav-twisty').getAttribute('aria-expanded') === 'true'`);
ok(`full tree: ${tree.sections.length} top sections, the current branch open, the page marked`);

// ---------------------------------------------------------------- scroll-spy
const spy = await evaluate(`(function () {
  var links = document.querySelectorAll('.toc-col .toc a');
  var target = links[2];
  var h = document.getElementById(target.getAttribute('href').slice(1));
  window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 20);
  return target.getAttribute('href');
})()`);
await waitFor("the scroll-spy", `(document.querySelector('.toc-col .toc a[aria-current="true"]') || {}).getAttribute && document.querySelector('.toc-col .toc a[aria-current="true"]').getAttribute('href') === ${JSON.stringify(spy)}`);
const tocVisible = await evaluate(`(function () { var r = document.querySelector('.toc-col').getBoundingClientRect(); return r.top >= 0 && r.top < 200 && r.left > 900; })()`);
if (!tocVisible) fail("'On this page' is not a sticky right-hand column at 1366 px");
ok(`scroll-spy marks ${spy}; 'On this page' stays in view on the right`);

// ---------------------------------------------------------------- copy button
const expected = await evaluate("document.querySelector('.prose pre code').innerText.replace(/\\n$/, '')");
const label = await evaluate("(document.querySelector('.prose pre .code-lang') || {}).textContent");
if (!label) fail("no language label on the code block");
await click(".prose pre .code-copy");
await waitFor("copied", "document.querySelector('.prose pre .code-copy').textContent === 'Copied'");
const copied = await evaluate("navigator.clipboard.readText()");
if (copied !== expected) fail(`clipboard holds ${JSON.stringify(copied)}, not ${JSON.stringify(expected)}`);
ok(`copy button copies the ${label} block (${expected.length} characters)`);

// ---------------------------------------------------------------- theme
await evaluate("localStorage.clear()");
await open(longPage);
const before = await evaluate("getComputedStyle(document.body).backgroundColor");
await click(".theme-toggle"); // light
await click(".theme-toggle"); // dark
const dark = await evaluate("document.documentElement.dataset.theme");
if (dark !== "dark") fail(`two clicks give ${dark}, not dark`);
await open("account/");
const atBody = await evaluate("window.__themeAtBody");
const bg = await evaluate("getComputedStyle(document.body).backgroundColor");
if (atBody !== "dark") fail(`the theme was ${atBody} when <body> began: a flash`);
if (bg !== "rgb(15, 20, 25)") fail(`dark background not applied: ${bg}`);
await click(".theme-toggle"); // system
const cleared = await evaluate("localStorage.getItem('lorebook-theme') === null && !document.documentElement.dataset.theme");
if (!cleared) fail("back to system does not clear the choice");
ok(`theme toggle: dark kept across pages and set before <body> (${before} -> ${bg}); system clears it`);

// ---------------------------------------------------------------- ask the community
await open("search/?q=zzqx%20flibbertigibbet");
const ask = await waitFor("the ask link", "(document.querySelector('#search-page-results .search-ask a') || {}).href");
const want = "https://community.acmerelay.example/new-topic?title=zzqx%20flibbertigibbet";
if (ask !== want) fail(`ask link ${ask}, not ${want}`);
const events = await evaluate("JSON.stringify(window.__events)");
if (!events.includes('["lorebook:search",{"query":"zzqx flibbertigibbet","count":0}]') || !events.includes('["lorebook:zero-results",{"query":"zzqx flibbertigibbet"}]')) {
  fail(`events: ${events}`);
}
await open("search/?q=selective");
await waitFor("results", "document.querySelectorAll('#search-page-results .search-result').length > 0");
await waitFor("the search event", "window.__events.some(function (e) { return e[0] === 'lorebook:search' && e[1].count > 0; })");
if (await evaluate("!!document.querySelector('.search-ask')")) fail("ask link shown although there are results");
ok(`zero results offer ${ask}; lorebook:search and lorebook:zero-results fired`);

// ---------------------------------------------------------------- feedback
await open(longPage);
await click(".feedback button[data-helpful='no']");
await waitFor("thanks", "!document.querySelector('.feedback-thanks').hidden");
const no = await evaluate("(document.querySelector('.feedback-thanks a') || {}).href");
const noWanted = await evaluate("document.querySelector('.feedback').dataset.feedbackNo || ''");
if ((no || "") !== noWanted) fail(`"No" link: ${no}, not ${noWanted}`);
const fb = await evaluate("JSON.stringify(window.__events.filter(function (e) { return e[0] === 'lorebook:feedback'; }))");
if (!fb.includes('"helpful":false')) fail(`feedback event: ${fb}`);
ok(`feedback: lorebook:feedback fired, beacon sent, "No" links to ${no}`);

// ---------------------------------------------------------------- drawer
await viewport(390, 844);
await open(longPage);
const hidden = await evaluate("getComputedStyle(document.getElementById('site-nav')).visibility");
if (hidden !== "hidden") fail(`the tree is ${hidden} on a phone before the menu is opened`);
const header = await evaluate("document.querySelector('.site-header').getBoundingClientRect().height");
await click(".nav-toggle");
await waitFor("the drawer", "getComputedStyle(document.getElementById('site-nav')).visibility === 'visible' && document.querySelector('.nav-toggle').getAttribute('aria-expanded') === 'true'");
await waitFor("the tree in the drawer", "document.querySelectorAll('#site-nav .nav-twisty').length > 3");
await page("Input.dispatchKeyEvent", { type: "keyDown", key: "Escape", code: "Escape", windowsVirtualKeyCode: 27 });
await waitFor("the drawer to close", "!document.body.classList.contains('nav-open') && document.querySelector('.nav-toggle').getAttribute('aria-expanded') === 'false'");
ok(`drawer opens with the tree and closes with Escape; header ${Math.round(header)} px`);

// ---------------------------------------------------------------- 320 px
await viewport(320, 640);
const wide = [];
for (const p of pages) {
  await open(p);
  const over = await evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
  if (over > 0) wide.push(`${p} (+${over} px)`);
}
if (wide.length) fail(`horizontal scroll at 320 px: ${wide.join(", ")}`);
ok(`no horizontal scroll at 320 px on ${pages.length} pages`);

// ---------------------------------------------------------------- axe-core
const kinds = {
  home: "",
  page: longPage,
  section: "sync/",
  answer: pages.find((p) => p.startsWith("answers/") && p.split("/").length > 3),
  contributors: "contributors/",
  person: pages.find((p) => p.startsWith("contributors/") && p !== "contributors/"),
  insights: "insights/",
  search: "search/?q=sync",
  tags: "tags/",
  tag: pages.find((p) => p.startsWith("tags/") && p !== "tags/"),
  "404": "404.html",
};
async function setTheme(theme) {
  await evaluate(`(function () { if (${JSON.stringify(theme)} === 'system') localStorage.removeItem('lorebook-theme'); else localStorage.setItem('lorebook-theme', ${JSON.stringify(theme)}); return true; })()`);
}
if (axeSource) {
  const problems = [];
  let runs = 0;
  for (const [w, h] of [[1366, 900], [390, 844]]) {
    await viewport(w, h);
    for (const theme of ["light", "dark"]) {
      await open("");
      await setTheme(theme);
      for (const [kind, url] of Object.entries(kinds)) {
        if (url === undefined) fail(`no ${kind} page in the site`);
        await open(url);
        if (kind === "search") await waitFor("results", "document.querySelectorAll('.search-result').length > 0");
        await evaluate(axeSource + ";true");
        const res = await evaluate(`axe.run(document, { resultTypes: ['violations'] }).then(function (r) { return r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; }).map(function (v) { return v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join(' | '); }); })`);
        runs++;
        for (const v of res) problems.push(`${kind} ${theme} ${w}px: ${v}`);
      }
    }
  }
  if (problems.length) fail(`axe-core:\n${problems.join("\n")}`);
  ok(`axe-core: no serious or critical violation in ${runs} runs (${Object.keys(kinds).length} kinds of page, light and dark, 1366 and 390 px)`);
} else {
  console.log("skipped: axe-core (set AXE_CORE to axe.min.js)");
}

// ---------------------------------------------------------------- gallery
if (shots) {
  for (const [w, h, size] of [[1366, 900, "wide"], [390, 844, "phone"]]) {
    await viewport(w, h);
    for (const theme of ["light", "dark"]) {
      await open("");
      await setTheme(theme);
      for (const kind of ["home", "page", "answer", "contributors", "insights", "search", "404"]) {
        await open(kind === "search" ? "search/?q=proxy" : kinds[kind]);
        if (kind === "search") await waitFor("results", "document.querySelectorAll('.search-result').length > 0");
        await sleep(300);
        const format = process.env.SCREENSHOT_FORMAT || "webp";
        const { data } = await page("Page.captureScreenshot", { format, quality: format === "png" ? undefined : 70 });
        writeFileSync(join(shots, `${kind}-${size}-${theme}.${format}`), Buffer.from(data, "base64"));
      }
    }
  }
  ok(`screenshots in ${shots}`);
}

ws.close();
process.exit(0);
