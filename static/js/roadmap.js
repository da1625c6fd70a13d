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

  // One row menu open at a time; a click elsewhere closes it.
  function closeMenus(except) {
    document.querySelectorAll("details[data-rm-menu][open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }

  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (menu.matches && menu.matches("details[data-rm-menu]") && menu.open) closeMenus(menu);
  }, true);

  // Approving while comments for returning the plan are typed: ask, and keep the comments with the approval.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("[data-rm-approve-form]");
    if (!form) return;
    var returned = document.querySelector("[data-rm-return-form] textarea");
    var typed = returned ? returned.value.trim() : "";
    if (!typed) return;
    if (!window.confirm(form.getAttribute("data-rm-comment-typed"))) {
      event.preventDefault();
      return;
    }
    var note = form.querySelector("[data-rm-approve-comment]");
    if (note && note.value.indexOf(typed) === -1) note.value = note.value.trim() ? note.value.trim() + "\n\n" + typed : typed;
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest("details[data-rm-menu]")) closeMenus(null);
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
    var menu = event.target.closest && event.target.closest("details[data-rm-menu][open]");
    if (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
      return;
    }
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
