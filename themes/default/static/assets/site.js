// lorebook default theme: small helpers, no dependencies.
(function () {
  "use strict";
  // Opened from file://, folder links would show a directory listing:
  // point them at the folder's index.html instead.
  if (location.protocol === "file:") {
    document.addEventListener("DOMContentLoaded", function () {
      var links = document.querySelectorAll("a[href]");
      for (var i = 0; i < links.length; i++) {
        var href = links[i].getAttribute("href");
        if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.charAt(0) === "#") continue;
        var parts = href.split("#");
        if (parts[0] === "" || parts[0].slice(-1) === "/") {
          parts[0] = parts[0] + "index.html";
          links[i].setAttribute("href", parts.join("#"));
        }
      }
    });
  }
})();

// ---------------------------------------------------------------------------
// Readers (issue 20). Each block stands alone; none needs another.

// Theme toggle: system -> light -> dark -> system, remembered in
// localStorage. base.html applies the saved choice before the first paint.
(function () {
  "use strict";
  var KEY = "lorebook-theme";
  var ORDER = ["system", "light", "dark"];
  function current() {
    var t = document.documentElement.dataset.theme;
    return t === "light" || t === "dark" ? t : "system";
  }
  function label(btn) {
    var t = current();
    var text = "Colour theme: " + t;
    btn.setAttribute("aria-label", text);
    btn.title = text;
  }
  function ready() {
    var btn = document.querySelector(".theme-toggle");
    if (!btn) return;
    label(btn);
    btn.addEventListener("click", function () {
      var next = ORDER[(ORDER.indexOf(current()) + 1) % ORDER.length];
      if (next === "system") delete document.documentElement.dataset.theme;
      else document.documentElement.dataset.theme = next;
      try {
        if (next === "system") localStorage.removeItem(KEY);
        else localStorage.setItem(KEY, next);
      } catch (e) { /* storage disabled: the choice lasts for this page */ }
      label(btn);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

// Navigation: the full tree from the content-hashed tree script (loaded
// once, then cached), drawn over the branch the page carries; the phone
// drawer.
(function () {
  "use strict";
  var nav, root, current, section, data = null, loading = null;
  function href(url) {
    if (location.protocol === "file:" && (url === "" || url.slice(-1) === "/")) url += "index.html";
    return root + url;
  }
  function link(title, url, isCurrent) {
    var a = document.createElement("a");
    a.href = href(url);
    a.textContent = title;
    if (isCurrent) a.setAttribute("aria-current", "page");
    return a;
  }
  function onBranch(url) { return section === url || section.indexOf(url) === 0; }
  // One level: the section's pages, then its subsections (closed unless on
  // the current branch; a closed one is drawn when first opened).
  function list(node) {
    var ul = document.createElement("ul");
    node[2].forEach(function (p) {
      var li = document.createElement("li");
      li.appendChild(link(p[0], p[1], p[1] === current));
      ul.appendChild(li);
    });
    node[3].forEach(function (sub) {
      var li = document.createElement("li");
      li.className = "nav-sec";
      var row = document.createElement("span");
      row.className = "nav-row";
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "nav-twisty";
      btn.setAttribute("aria-label", sub[0]);
      btn.setAttribute("aria-expanded", "false");
      row.appendChild(btn);
      row.appendChild(link(sub[0], sub[1], sub[1] === current));
      li.appendChild(row);
      var child = null;
      function setOpen(open) {
        if (open && !child) { child = list(sub); li.appendChild(child); }
        if (child) child.hidden = !open;
        btn.setAttribute("aria-expanded", open ? "true" : "false");
        li.classList.toggle("is-open", open);
      }
      btn.addEventListener("click", function () { setOpen(btn.getAttribute("aria-expanded") !== "true"); });
      if (onBranch(sub[1])) setOpen(true);
      ul.appendChild(li);
    });
    ul.className = "";
    return ul;
  }
  function draw() {
    if (!data) return;
    var tree = list(data);
    tree.className = "nav-tree";
    var old = nav.querySelector(".nav-tree");
    if (old) old.replaceWith(tree); else nav.appendChild(tree);
    var here = tree.querySelector('[aria-current="page"]');
    if (here && here.scrollIntoView && nav.scrollHeight > nav.clientHeight) here.scrollIntoView({ block: "center" });
  }
  function load() {
    if (loading) return loading;
    loading = new Promise(function (resolve) {
      window.lorebookNav = function (tree) { data = tree; resolve(); };
      var el = document.createElement("script");
      el.src = nav.dataset.tree;
      el.async = true;
      el.onerror = function () { resolve(); };
      document.head.appendChild(el);
    }).then(draw);
    return loading;
  }
  function setOpen(open) {
    var btn = document.querySelector(".nav-toggle");
    document.body.classList.toggle("nav-open", open);
    if (btn) btn.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      load();
      var first = nav.querySelector(".nav-close");
      if (first) first.focus();
    } else if (btn) {
      btn.focus();
    }
  }
  function ready() {
    nav = document.getElementById("site-nav");
    if (!nav || !nav.dataset.tree) return;
    root = nav.dataset.root || "";
    current = nav.dataset.current || "";
    section = nav.dataset.section ? nav.dataset.section.replace(/\/?$/, "/") : "";
    var btn = document.querySelector(".nav-toggle");
    if (btn) btn.addEventListener("click", function () { setOpen(!document.body.classList.contains("nav-open")); });
    // The drawer's head (only the drawer needs it, and the drawer needs JS).
    var head = document.createElement("div");
    head.className = "drawer-head";
    var name = document.createElement("span");
    name.className = "drawer-title";
    name.textContent = (document.querySelector(".brand") || {}).textContent || "";
    var x = document.createElement("button");
    x.type = "button";
    x.className = "nav-close";
    x.setAttribute("aria-label", "Close menu");
    x.textContent = "×";
    head.appendChild(name);
    head.appendChild(x);
    nav.insertBefore(head, nav.firstChild);
    var close = nav.querySelector(".nav-close");
    if (close) close.addEventListener("click", function () { setOpen(false); });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && document.body.classList.contains("nav-open")) setOpen(false);
    });
    document.addEventListener("click", function (ev) {
      if (document.body.classList.contains("nav-open") && !nav.contains(ev.target) && !(btn && btn.contains(ev.target))) setOpen(false);
    });
    // Wide screens show the tree: load it when the browser is idle.
    if (window.matchMedia && window.matchMedia("(min-width: 60.01rem)").matches) {
      (window.requestIdleCallback || function (f) { setTimeout(f, 200); })(load);
    }
    window.lorebookNavReady = load;
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

// "On this page": the heading being read is marked in the list.
(function () {
  "use strict";
  function ready() {
    var links = document.querySelectorAll(".toc a[href^='#']");
    if (!links.length) return;
    var items = [];
    links.forEach(function (a) {
      var h = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
      if (h) items.push({ a: a, h: h });
    });
    var marked = null, queued = false;
    function update() {
      queued = false;
      var line = 110, pick = items[0];
      for (var i = 0; i < items.length; i++) {
        if (items[i].h.getBoundingClientRect().top <= line) pick = items[i]; else break;
      }
      // At the very bottom, the last heading is the one being read.
      if (window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2) pick = items[items.length - 1];
      if (pick === marked) return;
      if (marked) marked.a.removeAttribute("aria-current");
      marked = pick;
      if (pick) pick.a.setAttribute("aria-current", "true");
    }
    window.addEventListener("scroll", function () {
      if (!queued) { queued = true; requestAnimationFrame(update); }
    }, { passive: true });
    update();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

// Code blocks: a language label and a copy button. Wide tables and code
// that scroll get a tab stop, so keyboard readers can scroll them too.
(function () {
  "use strict";
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var t = document.createElement("textarea");
      t.value = text;
      t.setAttribute("readonly", "");
      t.style.position = "fixed";
      t.style.opacity = "0";
      document.body.appendChild(t);
      t.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      t.remove();
      if (ok) resolve(); else reject(new Error("copy refused"));
    });
  }
  function ready() {
    document.querySelectorAll(".prose pre, .forum-body pre").forEach(function (pre) {
      var code = pre.querySelector("code") || pre;
      var tools = document.createElement("div");
      tools.className = "code-tools";
      var lang = pre.dataset.lang;
      if (lang) {
        var l = document.createElement("span");
        l.className = "code-lang";
        l.textContent = lang;
        tools.appendChild(l);
      }
      var b = document.createElement("button");
      b.type = "button";
      b.className = "code-copy";
      b.textContent = "Copy";
      b.setAttribute("aria-label", "Copy code" + (lang ? " (" + lang + ")" : ""));
      b.addEventListener("click", function () {
        copyText(code.innerText.replace(/\n$/, "")).then(function () {
          b.textContent = "Copied";
        }, function () {
          b.textContent = "Press Ctrl+C";
        });
        setTimeout(function () { b.textContent = "Copy"; }, 2000);
      });
      tools.appendChild(b);
      pre.classList.add("has-tools");
      pre.appendChild(tools);
    });
    document.querySelectorAll(".prose table, .prose pre, .forum-body pre, .forum-body table, .table-scroll").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        if (!el.hasAttribute("aria-label") && el.tagName !== "PRE") el.setAttribute("aria-label", "Scrollable table");
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

// The deflection loop: "Ask the community" after a search without results
// (the search UI calls lorebookSearched), "Was this page helpful?", and DOM
// events for analytics: lorebook:search, lorebook:zero-results,
// lorebook:feedback (all on document, details in event.detail).
(function () {
  "use strict";
  function emit(name, detail) {
    try { document.dispatchEvent(new CustomEvent(name, { detail: detail })); } catch (e) { /* old browser */ }
  }
  function askUrl(title) {
    var t = document.body && document.body.dataset.ask;
    return t ? t.split("{title}").join(encodeURIComponent(title || "")) : null;
  }
  window.lorebookAskUrl = askUrl;
  // Called by the search UI after each search, with the results container.
  window.lorebookSearched = function (query, count, list) {
    var q = String(query || "").trim();
    emit("lorebook:search", { query: q, count: count });
    if (count > 0) return;
    emit("lorebook:zero-results", { query: q });
    var url = askUrl(q);
    if (!url || !list || list.querySelector(".search-ask")) return;
    var p = document.createElement("p");
    p.className = "search-ask";
    p.appendChild(document.createTextNode("Didn't find it? "));
    var a = document.createElement("a");
    a.className = "ask-link";
    a.href = url;
    a.textContent = document.body.dataset.askLabel || "Ask the community";
    p.appendChild(a);
    list.appendChild(p);
  };
  function ready() {
    var box = document.querySelector(".feedback");
    if (!box) return;
    var beacon = document.body.dataset.feedbackBeacon;
    var thanks = box.querySelector(".feedback-thanks");
    box.querySelectorAll("button[data-helpful]").forEach(function (b) {
      b.addEventListener("click", function () {
        var helpful = b.dataset.helpful === "yes";
        var detail = { page: location.pathname, title: document.title, helpful: helpful };
        emit("lorebook:feedback", detail);
        if (beacon && navigator.sendBeacon) {
          try {
            navigator.sendBeacon(beacon, new Blob([JSON.stringify(detail)], { type: "text/plain" }));
          } catch (e) { /* the reader still gets the thanks */ }
        }
        box.querySelectorAll("button[data-helpful]").forEach(function (o) {
          o.setAttribute("aria-pressed", o === b ? "true" : "false");
          o.disabled = true;
        });
        thanks.replaceChildren(document.createTextNode(helpful ? "Thanks for letting us know." : "Thanks. Sorry this page did not help. "));
        var no = box.dataset.feedbackNo;
        if (!helpful && no) {
          var a = document.createElement("a");
          a.href = no;
          a.textContent = "Tell us what was missing";
          thanks.appendChild(a);
        }
        thanks.hidden = false;
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();

// ---------------------------------------------------------------------------
// Writing (issue 21).

// Tabs (`<!-- tabs -->` in Markdown): the server writes every panel after
// its label and a hidden tab list, so without JavaScript all panels read in
// order. Here the list appears and one panel shows; arrow keys, Home and
// End move between tabs. Choosing a label selects it in every group of the
// page, and the choice is remembered across pages (labels most recent
// first, in localStorage).
(function () {
  "use strict";
  var KEY = "lorebook-tabs";
  var groups = document.querySelectorAll("[data-tabs]");
  if (!groups.length) return;

  function remembered() {
    try {
      var list = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }
  function remember(key) {
    var list = remembered().filter(function (k) { return k !== key; });
    list.unshift(key);
    try { localStorage.setItem(KEY, JSON.stringify(list.slice(0, 20))); } catch (e) { /* private mode */ }
  }
  function tabsOf(group) {
    return Array.prototype.slice.call(group.querySelectorAll(":scope > .tabs-list > [role=tab]"));
  }
  function select(group, key, focus) {
    var tabs = tabsOf(group);
    var target = tabs.filter(function (t) { return t.getAttribute("data-tab") === key; })[0];
    if (!target) return false;
    tabs.forEach(function (tab) {
      var on = tab === target;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      var panel = document.getElementById(tab.getAttribute("aria-controls"));
      if (panel) panel.hidden = !on;
    });
    if (focus) target.focus();
    return true;
  }
  function choose(key, from, focus) {
    for (var i = 0; i < groups.length; i++) select(groups[i], key, focus && groups[i] === from);
    remember(key);
    document.dispatchEvent(new CustomEvent("lorebook:tab", { detail: { tab: key } }));
  }

  var preferred = remembered();
  for (var g = 0; g < groups.length; g++) {
    var group = groups[g];
    var tabs = tabsOf(group);
    if (!tabs.length) continue;
    group.classList.add("tabs-ready");
    group.querySelector(":scope > .tabs-list").hidden = false;
    var chosen = false;
    for (var p = 0; p < preferred.length && !chosen; p++) chosen = select(group, preferred[p], false);
    if (!chosen) select(group, tabs[0].getAttribute("data-tab"), false);
    group.addEventListener("click", function (e) {
      var tab = e.target.closest("[role=tab]");
      if (tab && tab.closest("[data-tabs]") === e.currentTarget) choose(tab.getAttribute("data-tab"), e.currentTarget, false);
    });
    group.addEventListener("keydown", function (e) {
      var tab = e.target.closest("[role=tab]");
      if (!tab) return;
      var own = tabsOf(e.currentTarget);
      var i = own.indexOf(tab);
      if (i < 0) return;
      var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: own.length - 1 }[e.key];
      if (next === undefined) return;
      e.preventDefault();
      var to = own[(next + own.length) % own.length];
      choose(to.getAttribute("data-tab"), e.currentTarget, true);
    });
  }
})();
