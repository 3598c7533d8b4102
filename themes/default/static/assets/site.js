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
