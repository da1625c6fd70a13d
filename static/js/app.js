// Page behaviour shared by every page. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";

  function initNavToggle() {
    var button = document.querySelector("[data-nav-toggle]");
    var nav = document.getElementById("site-nav");
    if (!button || !nav) return;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("site-nav--open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        button.setAttribute("aria-expanded", "false");
        nav.classList.remove("site-nav--open");
        button.focus();
      }
    });
  }

  // The menu entry whose address is the longest prefix of the current path is the current section.
  function markCurrentNavLink() {
    var path = window.location.pathname;
    var best = null;
    var bestLength = 0;
    document.querySelectorAll("[data-nav-link]").forEach(function (link) {
      var href = link.getAttribute("href");
      if (href && path.indexOf(href) === 0 && href.length > bestLength) {
        best = link;
        bestLength = href.length;
      }
    });
    if (best) best.setAttribute("aria-current", "page");
  }

  document.addEventListener("DOMContentLoaded", function () {
    initNavToggle();
    markCurrentNavLink();
  });
})();
