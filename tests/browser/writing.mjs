// Writing features of the default theme in a real headless Chromium
// (issue 21), driven over the DevTools protocol: tabs (keyboard, synced
// across the page, remembered across pages, every panel shown without
// JavaScript) and, when the site has one, a mermaid diagram drawn as SVG
// without a request leaving the site.
//
// usage: node --experimental-websocket writing.mjs DEVTOOLS_PORT BASE_URL
// Prints `ok: ...` per check; exits non-zero on the first failure.

const [devtoolsPort, base] = process.argv.slice(2);

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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
const { targetId } = await send("Target.createTarget", { url: "about:blank" });
const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
const page = (method, params) => send(method, params, sessionId);
await page("Page.enable");
await page("Runtime.enable");
await page("Network.enable");
await page("Emulation.setFocusEmulationEnabled", { enabled: true });
const requests = [];
listeners.push((msg) => {
  if (msg.method === "Network.requestWillBeSent" && msg.sessionId === sessionId) {
    requests.push(msg.params.request.url);
  }
});

async function evaluate(expression) {
  const r = await page("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true });
  if (r.exceptionDetails) fail(`${expression}: ${JSON.stringify(r.exceptionDetails)}`);
  return r.result ? r.result.value : undefined;
}
async function waitFor(what, expression, ms = 20000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await evaluate(expression);
    if (v) return v;
    await sleep(50);
  }
  fail(`timed out waiting for ${what}`);
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
  await page("Page.navigate", { url: base + url });
  await Promise.race([loaded, sleep(15000)]);
  await waitFor("load", "document.readyState === 'complete'");
}
async function key(name, code) {
  for (const type of ["keyDown", "keyUp"]) {
    await page("Input.dispatchKeyEvent", { type, key: name, code: name, windowsVirtualKeyCode: code });
  }
}
function ok(message) { console.log(`ok: ${message}`); }

// What each tab group shows: the selected tab, the visible panels' labels.
const groupsState = `Array.prototype.map.call(document.querySelectorAll('[data-tabs]'), function (g) {
  var sel = g.querySelector('[role=tab][aria-selected=true]');
  var shown = Array.prototype.filter.call(g.querySelectorAll('.tabs-panel'), function (p) { return p.offsetHeight > 0; });
  return { list: getComputedStyle(g.querySelector('.tabs-list')).display !== 'none', selected: sel && sel.getAttribute('data-tab'),
           shown: shown.map(function (p) { return p.getAttribute('data-tab'); }),
           labels: Array.prototype.filter.call(g.querySelectorAll('.tabs-label'), function (l) { return l.offsetHeight > 0; }).length };
})`;

// ---------------------------------------------------------------- tabs
await open("guides/install/");
let groups = await evaluate(groupsState);
if (groups.length !== 2) fail(`two tab groups expected: ${JSON.stringify(groups)}`);
for (const g of groups) {
  if (!g.list || g.selected !== "windows" || g.shown.join() !== "windows" || g.labels !== 0) {
    fail(`first tab not shown alone: ${JSON.stringify(groups)}`);
  }
}
const role = await evaluate(`document.querySelector('.tabs-list').getAttribute('role') + ' ' + document.querySelectorAll('[role=tabpanel]').length`);
if (role !== "tablist 6") fail(`ARIA roles: ${role}`);
ok("tabs: a tab list, the first tab shown");

await evaluate("document.querySelector('[data-tabs] [role=tab]').focus()");
await key("ArrowRight", 39);
groups = await evaluate(groupsState);
const focused = await evaluate("document.activeElement.getAttribute('data-tab') + ' ' + document.activeElement.tabIndex");
if (focused !== "macos 0") fail(`ArrowRight did not move focus: ${focused}`);
if (!groups.every((g) => g.selected === "macos" && g.shown.join() === "macos")) {
  fail(`choice not synced across the page: ${JSON.stringify(groups)}`);
}
await key("End", 35);
if ((await evaluate("document.activeElement.getAttribute('data-tab')")) !== "linux") fail("End");
await key("ArrowRight", 39);
if ((await evaluate("document.activeElement.getAttribute('data-tab')")) !== "windows") fail("ArrowRight does not wrap");
await key("ArrowLeft", 37);
await key("Home", 36);
if ((await evaluate("document.activeElement.getAttribute('data-tab')")) !== "windows") fail("Home");
ok("tabs: arrow keys, Home and End move and select");

// A click in the second group switches the first one too.
await evaluate("document.querySelectorAll('[data-tabs]')[1].querySelector('[data-tab=macos]').click()");
groups = await evaluate(groupsState);
if (groups[0].selected !== "macos") fail(`click not synced: ${JSON.stringify(groups)}`);
ok("tabs: choice synced across the page");

await open("guides/uninstall/");
groups = await evaluate(groupsState);
if (groups[0].selected !== "macos") fail(`choice not remembered across pages: ${JSON.stringify(groups)}`);
ok("tabs: choice remembered across pages");

// Without JavaScript every panel shows after its label.
await page("Emulation.setScriptExecutionDisabled", { value: true });
await open("guides/install/");
groups = await evaluate(groupsState);
for (const g of groups) {
  if (g.list || g.shown.join() !== "windows,macos,linux" || g.labels !== 3) {
    fail(`no-JS fallback: ${JSON.stringify(groups)}`);
  }
}
await page("Emulation.setScriptExecutionDisabled", { value: false });
ok("tabs: without JavaScript every panel shows with its label");

// ---------------------------------------------------------------- mermaid
const diagramPage = process.env.MERMAID_PAGE;
if (diagramPage) {
  requests.length = 0;
  await open(diagramPage);
  await waitFor("a mermaid SVG", "document.querySelector('.mermaid-diagram svg') !== null");
  const svg = await evaluate("document.querySelector('.mermaid-diagram svg').textContent");
  if (!/Signed in\?/.test(svg) || !/Upload the change/.test(svg)) fail(`diagram labels missing: ${svg.slice(-300)}`);
  if (/Copy/.test(svg)) fail(`the copy button's text was drawn as a node: ${svg.slice(-300)}`);
  const origin = new URL(base).origin;
  const outside = requests.filter((u) => !u.startsWith(origin) && !u.startsWith("data:"));
  if (outside.length) fail(`requests left the site: ${outside.join(", ")}`);
  ok(`mermaid: an SVG drawn, ${requests.length} requests, none outside the site`);
  // A page without a diagram does not load mermaid.
  requests.length = 0;
  await open("guides/install/");
  if (requests.some((u) => u.includes("mermaid"))) fail("mermaid loaded on a page without a diagram");
  ok("mermaid: not loaded on pages without a diagram");
}
ws.close();
process.exit(0);
