// Roadmap pages: small helpers around the HTMX inline editor. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";

  function focusFirstField(root) {
    var form = root && root.querySelector ? root.querySelector("[data-rm-form]") : null;
    if (!form && root && root.matches && root.matches("tr")) form = root.querySelector("form");
    if (!form) return;
    var field = form.querySelector(".field--error input, .field--error select, .field--error textarea") ||
      form.querySelector("input:not([type=hidden]), select, textarea");
    if (field) field.focus();
  }

  document.addEventListener("click", function (event) {
    var cancelNew = event.target.closest("[data-rm-cancel-new]");
    if (cancelNew && cancelNew.closest("tr")) {
      event.preventDefault();
      cancelNew.closest("tr").remove();
      return;
    }
    if (event.target.closest("[data-rm-print]")) {
      event.preventDefault();
      window.print();
    }
  });

  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-rm-check-all]");
    if (all) {
      var name = all.getAttribute("data-rm-check-all");
      document.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (box) {
        box.checked = all.checked;
      });
      return;
    }
    var auto = event.target.closest("[data-rm-autosubmit]");
    if (auto && auto.form) auto.form.submit();
  });

  // Escape leaves an inline form the way "Cancel" does.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var form = event.target.closest && event.target.closest("[data-rm-form]");
    if (!form) return;
    var cancel = form.querySelector("[data-rm-cancel-new], [hx-get]");
    if (cancel) cancel.click();
  });

  document.addEventListener("htmx:load", function (event) {
    var el = event.detail && event.detail.elt;
    if (!el || !el.matches) return;
    if (el.matches("tr.rm-row--editing")) {
      if (el.id === "item-new") {
        var empty = document.querySelector("#items .rm-empty-row");
        if (empty) empty.remove();
      }
      focusFirstField(el);
    }
  });

  // A failed HTMX action (e.g. a rule of the workflow) shows its message instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status === 400 && xhr.responseText && xhr.responseText.length < 300) {
      window.alert(xhr.responseText);
    }
  });
})();
