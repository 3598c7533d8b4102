// lorebook default theme: mermaid diagrams (issue 21). Loaded, after the
// vendored mermaid, only on pages with a ```mermaid block. Each block's
// source stays in the page (what readers see without JavaScript); here it
// is drawn as SVG above it and the source is hidden.
(function () {
  "use strict";
  var blocks = document.querySelectorAll("pre.mermaid-source");
  if (!blocks.length || !window.mermaid) return;
  var theme = document.documentElement.dataset.theme;
  var dark = theme === "dark" ||
    (theme !== "light" && window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches);
  window.mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    theme: dark ? "dark" : "default",
    fontFamily: "inherit"
  });
  Array.prototype.forEach.call(blocks, function (pre, i) {
    // The code element only: the theme adds a language label and a copy
    // button inside the <pre>.
    var code = pre.querySelector("code");
    var source = (code || pre).textContent;
    window.mermaid.render("mermaid-diagram-" + (i + 1), source).then(function (result) {
      var box = document.createElement("div");
      box.className = "mermaid-diagram";
      box.innerHTML = result.svg;
      pre.parentNode.insertBefore(box, pre);
      pre.hidden = true;
    }).catch(function (err) {
      pre.classList.add("mermaid-error");
      pre.title = "This diagram could not be drawn: " + (err && err.message ? err.message : err);
    });
  });
})();
