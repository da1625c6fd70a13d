// Dashboards: the report's print button, and the period selector's custom range.
// No inline handlers anywhere (the CSP allows only scripts from this origin).
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });

    // Typing a date means "custom range": the select follows, so the form says what it will show.
    document.querySelectorAll(".dash-period").forEach(function (form) {
      var select = form.querySelector("[data-dash-period]");
      if (!select) return;
      form.querySelectorAll("input[type=date]").forEach(function (input) {
        input.addEventListener("change", function () { if (input.value) select.value = "custom"; });
      });
      select.addEventListener("change", function () {
        if (select.value !== "custom") {
          form.querySelectorAll("input[type=date]").forEach(function (input) { input.value = ""; });
          form.submit();
        }
      });
    });
  });
})();
