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

  // --- Numbers: the same rules as core/formats.py, for figures a script writes (map tooltips, live counts). ---
  // The page's language decides the decimal mark ("0,11" in uz and ru, "0.11" in en); thousands are grouped with
  // a narrow no-break space in every language, as the server writes them. Intl is not used: its "uz" and "ru"
  // group with other spaces, and one table would show two ways of writing the same figure.
  function pageLanguage() {
    return (document.documentElement.getAttribute("lang") || "uz").slice(0, 2).toLowerCase();
  }

  function formatNumber(value, digits) {
    if (typeof value !== "number" || !isFinite(value)) return "—";
    var fixed = Math.abs(value).toFixed(digits || 0).split(".");
    var whole = fixed[0].replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
    var mark = pageLanguage() === "en" ? "." : ",";
    return (value < 0 && Number(fixed.join(".")) !== 0 ? "−" : "") + whole + (fixed[1] ? mark + fixed[1] : "");
  }

  // --- Dates: a day typed the page's way, whatever the browser's own language. -----------------------------
  // A native <input type="date"> draws its field in the browser's locale, not the page's: an Uzbek page in an
  // English browser shows mm/dd/yyyy, and <html lang> does not change that. So on uz and ru pages a text field
  // written dd.mm.yyyy (numeric keyboard on phones, checked as typed, ISO pasted in accepted) is shown in place
  // of each date field, and the original field, hidden, still carries the ISO date under its name: forms,
  // filters, HTMX requests and the scripts that read or set those fields are unchanged. English pages, and
  // pages without scripts, keep the native picker. Self-hosted on purpose: a date-picker library from a CDN
  // would break the CSP and offline use.
  // A date-and-time field (type="datetime-local") is treated the same way: "dd.mm.yyyy hh:mm", 24-hour clock.
  var DATE_HINT = { uz: "kk.oo.yyyy", ru: "дд.мм.гггг" };
  var DATE_ERROR = {
    uz: "Sanani kk.oo.yyyy ko'rinishida kiriting, masalan 31.12.2026.",
    ru: "Введите дату в виде дд.мм.гггг, например 31.12.2026."
  };
  var MOMENT_HINT = { uz: "kk.oo.yyyy ss:dd", ru: "дд.мм.гггг чч:мм" };
  var MOMENT_ERROR = {
    uz: "Sana va vaqtni kk.oo.yyyy ss:dd ko'rinishida kiriting, masalan 31.12.2026 14:30.",
    ru: "Введите дату и время в виде дд.мм.гггг чч:мм, например 31.12.2026 14:30."
  };
  var nativeValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // "31.12.2026", "31/12/2026", "2026-12-31" -> "2026-12-31"; "" -> ""; anything else (or no such day) -> null.
  function isoDate(text) {
    text = (text || "").trim();
    if (!text) return "";
    var m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
    var y, mo, d;
    if (m) { y = +m[1]; mo = +m[2]; d = +m[3]; } else {
      m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(text);
      if (!m) return null;
      d = +m[1]; mo = +m[2]; y = +m[3];
    }
    var day = new Date(Date.UTC(y, mo - 1, d));
    if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return null;
    return y + "-" + pad(mo) + "-" + pad(d);
  }

  function shownDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? m[3] + "." + m[2] + "." + m[1] : (iso || "");
  }

  // "31.12.2026 14:30", "2026-12-31T14:30" -> "2026-12-31T14:30"; "" -> ""; anything else -> null.
  function isoMoment(text) {
    text = (text || "").trim();
    if (!text) return "";
    var m = /^(\S+)[ T,]+(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(text);
    if (!m || +m[2] > 23 || +m[3] > 59) return null;
    var day = isoDate(m[1]);
    return day ? day + "T" + pad(+m[2]) + ":" + m[3] : null;
  }

  function shownMoment(iso) {
    var m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso || "");
    return m ? shownDate(m[1]) + " " + m[2] : (iso || "");
  }

  var KINDS = {
    date: { parse: isoDate, show: shownDate, hint: DATE_HINT, error: DATE_ERROR, length: 10 },
    "datetime-local": { parse: isoMoment, show: shownMoment, hint: MOMENT_HINT, error: MOMENT_ERROR, length: 16 }
  };

  function localiseDateInput(field, language) {
    var kind = KINDS[field.type];
    var shown = document.createElement("input");
    shown.type = "text";
    shown.className = field.className;
    shown.classList.add("input--date");
    ["id", "required", "aria-describedby", "aria-invalid", "autofocus", "disabled", "readonly"].forEach(function (a) {
      if (!field.hasAttribute(a)) return;
      shown.setAttribute(a, field.getAttribute(a));
      // A disabled field stays disabled (not sent); the rest now belong to the field people type in.
      if (a !== "disabled") field.removeAttribute(a);
    });
    if (shown.id) field.id = shown.id + "-iso";
    shown.setAttribute("inputmode", "numeric");
    shown.setAttribute("autocomplete", "off");
    shown.setAttribute("maxlength", String(kind.length));
    shown.setAttribute("placeholder", kind.hint[language]);
    shown.value = kind.show(field.value);
    field.hidden = true;
    field.tabIndex = -1;
    field.dataset.dateLocalised = "1";
    field.before(shown);

    // A script that sets the field (a cleared period filter, a restored draft) shows in the text field.
    Object.defineProperty(field, "value", {
      configurable: true,
      get: function () { return nativeValue.get.call(field); },
      set: function (v) { nativeValue.set.call(field, v); shown.value = kind.show(nativeValue.get.call(field)); }
    });

    // Typing updates the field quietly; committing (blur, Enter) fires one "change" from the field itself, as
    // a native date input does, so a form that reacts to changes (HTMX filters, the period form) sends once.
    function sync(committed) {
      var iso = kind.parse(shown.value);
      var min = field.getAttribute("min");
      var max = field.getAttribute("max");
      var wrong = iso === null || (iso && ((min && iso < min) || (max && iso > max)));
      shown.setCustomValidity(wrong ? kind.error[language] : "");
      var next = wrong ? "" : iso;
      var changed = next !== nativeValue.get.call(field);
      nativeValue.set.call(field, next);
      if (committed && (changed || field.dataset.pending)) {
        delete field.dataset.pending;
        field.dispatchEvent(new Event("change", { bubbles: true }));
      } else if (changed) {
        field.dataset.pending = "1";
      }
    }
    shown.addEventListener("input", function () { sync(false); });
    shown.addEventListener("change", function (event) {
      event.stopPropagation();
      sync(true);
    });
    shown.addEventListener("blur", function () {
      var iso = kind.parse(shown.value);
      if (iso) shown.value = kind.show(iso);
    });
  }

  function localiseDateInputs(root) {
    var language = pageLanguage();
    if (!DATE_HINT[language] || !root || !root.querySelectorAll) return;
    var match = 'input:is([type="date"], [type="datetime-local"])[name]:not([data-date-localised])';
    var inputs = root.matches && root.matches(match) ? [root] : [];
    root.querySelectorAll(match).forEach(function (input) { inputs.push(input); });
    inputs.forEach(function (input) { localiseDateInput(input, language); });
  }

  window.MS = window.MS || {};
  window.MS.number = formatNumber;
  window.MS.isoDate = isoDate;
  window.MS.isoMoment = isoMoment;

  document.addEventListener("DOMContentLoaded", function () {
    initNavToggle();
    markCurrentNavLink();
    localiseDateInputs(document);
  });
  // Forms swapped in by HTMX (an inline roadmap row, a filter panel) get the same date fields.
  document.addEventListener("htmx:load", function (event) { localiseDateInputs(event.detail && event.detail.elt); });
})();
