// Field visits that survive a bad network (the "Log a visit" page, and the outbox on the visit lists).
//
// * Draft: everything typed is kept in localStorage as the user types, so a reload, a crash or a closed tab
//   loses nothing. A draft gets its id (client_uuid) when the form is first touched.
// * Outbox: on submit the visit goes to the outbox first, then to POST /api/v1/visits/ (JSON). Accepted
//   (201, or 200 for a resend) -> it leaves the outbox. No network (fetch rejects, or the phone says it is
//   offline), signed out, or a server error -> it stays, and is sent again on the `online` event, on every
//   page load and every 20 s. The server stores a client_uuid once, so a resend never duplicates.
//   Refused (400) -> it comes back into the form with the messages next to the fields.
// * Keys are per user, so a shared phone never sends one person's visit as another's.
// Without JavaScript the form posts to the HTML view like any other form.
(function () {
  "use strict";

  var RETRY_MS = 20000;
  var box = document.querySelector("[data-outbox]");
  if (!box || !window.localStorage) return;

  var messagesEl = document.getElementById("visit-messages");
  var MSG = messagesEl ? JSON.parse(messagesEl.textContent) : {};
  var user = box.dataset.user;
  var apiUrl = box.dataset.apiUrl;
  var OUTBOX_KEY = "ms.visits.outbox." + user;
  var DRAFT_KEY = "ms.visits.draft." + user;
  var form = document.querySelector("form[data-visit-form]");
  var sending = false;

  // --- storage -----------------------------------------------------------------------------------------
  function load(key, fallback) {
    try {
      var raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (e) {
      return fallback;
    }
  }

  function store(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (e) {
      return false; // storage full or disabled: the visit is still sent when online
    }
  }

  function outbox() { return load(OUTBOX_KEY, []); }

  function enqueue(payload) {
    var items = outbox().filter(function (i) { return i.payload.client_uuid !== payload.client_uuid; });
    items.push({ payload: payload, savedAt: Date.now() });
    return store(OUTBOX_KEY, items);
  }

  function dequeue(uuid) {
    store(OUTBOX_KEY, outbox().filter(function (i) { return i.payload.client_uuid !== uuid; }));
  }

  function markRefused(uuid, errors) {
    store(OUTBOX_KEY, outbox().map(function (i) {
      if (i.payload.client_uuid === uuid) i.refused = errors || {};
      return i;
    }));
  }

  // crypto.randomUUID exists only on https (or localhost); getRandomValues everywhere.
  function newUuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function csrfToken() {
    // The CSRF cookie is HttpOnly: the token comes from a form on the page (this form, or the sign-out form).
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function fmt(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  // --- outbox ------------------------------------------------------------------------------------------
  var countEl = box.querySelector("[data-outbox-count]");
  var textEl = box.querySelector("[data-outbox-text]");
  var retryBtn = box.querySelector("[data-outbox-retry]");

  function renderOutbox(state) {
    var items = outbox();
    var waiting = items.filter(function (i) { return !i.refused; }).length;
    var refused = items.length - waiting;
    box.hidden = items.length === 0;
    countEl.textContent = String(items.length);
    box.dataset.state = state || "";
    var text;
    if (refused && !waiting) text = MSG.refused;
    else if (state === "sending") text = MSG.sending;
    else if (state === "signed_out") text = MSG.signed_out;
    else text = MSG.offline;
    textEl.textContent = text;
    retryBtn.hidden = waiting === 0 || state === "sending";
  }

  function send(payload) {
    return window.fetch(apiUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function accepted(status) { return status === 200 || status === 201; }

  // Sends the waiting visits one after another; resolves with the state to show.
  function flush() {
    if (sending) return Promise.resolve();
    var items = outbox().filter(function (i) { return !i.refused; });
    if (!items.length) { renderOutbox(); return Promise.resolve(); }
    if (navigator.onLine === false) { renderOutbox("offline"); return Promise.resolve(); }
    sending = true;
    renderOutbox("sending");
    var state = "";
    var stop = false;
    var sent = 0;
    var chain = Promise.resolve();
    items.forEach(function (item) {
      chain = chain.then(function () {
        if (stop) return null;
        return send(item.payload).then(function (res) {
          if (accepted(res.status)) {
            dequeue(item.payload.client_uuid);
            sent += 1;
          } else if (res.status === 400) {
            markRefused(item.payload.client_uuid, res.data.errors);
          } else {
            stop = true;
            state = (res.status === 401 || res.status === 403) ? "signed_out" : "offline";
          }
        }, function () { stop = true; state = "offline"; });
      });
    });
    return chain.then(function () {
      sending = false;
      renderOutbox(state);
      if (sent) showResult(MSG.sent_from_outbox);
      if (form) restoreRefused();
    });
  }

  // --- the form ----------------------------------------------------------------------------------------
  function showResult(text) {
    var result = document.querySelector("[data-visit-result]");
    if (!result) return;
    result.querySelector("[data-visit-result-text]").textContent = text;
    result.hidden = false;
  }

  function setup() {
    var uuidInput = form.querySelector("input[name=client_uuid]");
    var visitedInput = form.querySelector("input[name=visited_at]");
    var draftNote = document.querySelector("[data-draft-note]");
    var submitBtn = form.querySelector("[data-visit-submit]");
    var loadedAt = Date.now();
    var serverTime = visitedInput ? visitedInput.value : "";
    var touched = false;

    // "YYYY-MM-DDTHH:MM" of the server (Tashkent) plus the minutes since the page loaded; the phone's own
    // time zone plays no part.
    function nowLocal() {
      var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(serverTime);
      if (!m) return serverTime;
      var t = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) + (Date.now() - loadedAt));
      function two(n) { return (n < 10 ? "0" : "") + n; }
      return t.getUTCFullYear() + "-" + two(t.getUTCMonth() + 1) + "-" + two(t.getUTCDate()) + "T" +
        two(t.getUTCHours()) + ":" + two(t.getUTCMinutes());
    }

    function field(name) { return form.querySelector("[data-field='" + name + "']"); }

    function collect() {
      var data = new FormData(form);
      function text(name) { var v = data.get(name); return v === null ? "" : String(v); }
      function num(name) { var v = text(name).trim(); return v === "" ? null : Number(v); }
      var payload = {
        client_uuid: text("client_uuid"),
        mahalla: num("mahalla"),
        kind: text("kind"),
        visited_at: text("visited_at"),
        people_reached: num("people_reached") || 0,
        topics: data.getAll("topics").map(String),
        address_or_household: text("address_or_household"),
        notes: text("notes"),
        outcome: text("outcome"),
        follow_up_on: text("follow_up_on") || null
      };
      var lat = num("latitude");
      var lon = num("longitude");
      if (lat !== null && lon !== null) {
        payload.latitude = lat;
        payload.longitude = lon;
        payload.accuracy_m = num("accuracy_m");
      }
      return payload;
    }

    function setValue(name, value) {
      form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
        if (input.type === "radio") input.checked = String(input.value) === String(value);
        else if (input.type === "checkbox") input.checked = (value || []).indexOf(input.value) !== -1;
        else input.value = value === null || value === undefined ? "" : value;
      });
    }

    function fill(payload) {
      ["client_uuid", "kind", "visited_at", "people_reached", "address_or_household", "notes", "outcome",
        "follow_up_on", "topics"].forEach(function (name) { setValue(name, payload[name]); });
      var mahalla = form.querySelector("input[name=mahalla]");
      if (mahalla && mahalla.type === "radio" && payload.mahalla) setValue("mahalla", payload.mahalla);
      setValue("latitude", payload.latitude);
      setValue("longitude", payload.longitude);
      setValue("accuracy_m", payload.accuracy_m);
      showLocation(payload.latitude !== undefined && payload.latitude !== null ? payload.accuracy_m : undefined);
    }

    function saveDraft() {
      store(DRAFT_KEY, { payload: collect(), savedAt: Date.now() });
    }

    function touch() {
      if (!touched) {
        touched = true;
        // A fresh id for a fresh draft; the one the server rendered serves the form without JavaScript.
        uuidInput.value = newUuid();
        if (visitedInput && visitedInput.value === serverTime) visitedInput.value = nowLocal();
      }
      saveDraft();
    }

    function resetForm() {
      store(DRAFT_KEY, null);
      form.reset();
      ["latitude", "longitude", "accuracy_m"].forEach(function (n) { setValue(n, ""); });
      uuidInput.value = newUuid();
      if (visitedInput) visitedInput.value = nowLocal();
      showLocation(undefined);
      touched = false;
      if (draftNote) draftNote.hidden = true;
    }

    function clearErrors() {
      form.querySelectorAll("[data-js-error]").forEach(function (el) { el.remove(); });
      form.querySelectorAll(".field--error[data-js-marked]").forEach(function (el) {
        el.classList.remove("field--error");
        el.removeAttribute("data-js-marked");
      });
    }

    function showErrors(errors) {
      clearErrors();
      var first = null;
      Object.keys(errors || {}).forEach(function (name) {
        var target = field(name === "latitude" || name === "longitude" || name === "accuracy_m" ? "location" : name) ||
          form.querySelector("[data-field]");
        var list = [].concat(errors[name]);
        list.forEach(function (message) {
          var p = document.createElement("p");
          p.className = "field__error";
          p.setAttribute("data-js-error", "");
          p.textContent = typeof message === "string" ? message : JSON.stringify(message);
          var anchor = target.querySelector("legend, label, .fw-fixed") || target.firstChild;
          if (anchor && anchor.nextSibling) target.insertBefore(p, anchor.nextSibling);
          else target.appendChild(p);
        });
        if (!target.classList.contains("field--error")) {
          target.classList.add("field--error");
          target.setAttribute("data-js-marked", "");
        }
        first = first || target;
      });
      if (first) first.scrollIntoView({ block: "center" });
    }

    // A refused visit from the outbox comes back into an empty form, with its messages.
    restoreRefused = function () {
      if (touched) return;
      var refused = outbox().filter(function (i) { return i.refused; })[0];
      if (!refused) return;
      dequeue(refused.payload.client_uuid);
      fill(refused.payload);
      touched = true;
      saveDraft();
      showErrors(refused.refused);
      renderOutbox();
    };

    // --- location ---
    var geo = form.querySelector("[data-geo]");
    var addBtn = geo.querySelector("[data-geo-add]");
    var removeBtn = geo.querySelector("[data-geo-remove]");
    var statusEl = geo.querySelector("[data-geo-status]");

    function showLocation(accuracy) {
      var has = form.querySelector("input[name=latitude]").value !== "";
      removeBtn.hidden = !has;
      addBtn.hidden = has || !navigator.geolocation;
      if (!has) statusEl.textContent = "";
      else statusEl.textContent = accuracy ? fmt(MSG.located_accuracy, { m: Math.round(accuracy) }) : MSG.located;
    }

    addBtn.addEventListener("click", function () {
      statusEl.textContent = MSG.locating;
      addBtn.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        addBtn.disabled = false;
        setValue("latitude", pos.coords.latitude.toFixed(6));
        setValue("longitude", pos.coords.longitude.toFixed(6));
        setValue("accuracy_m", Math.round(pos.coords.accuracy * 10) / 10);
        showLocation(pos.coords.accuracy);
        touch();
      }, function () {
        addBtn.disabled = false;
        statusEl.textContent = MSG.geo_error;
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });

    removeBtn.addEventListener("click", function () {
      ["latitude", "longitude", "accuracy_m"].forEach(function (n) { setValue(n, ""); });
      showLocation(undefined);
      touch();
    });

    // --- people stepper ---
    var people = form.querySelector("input[name=people_reached]");
    form.querySelectorAll("[data-step]").forEach(function (btn) {
      btn.hidden = false;
      btn.addEventListener("click", function () {
        var value = Math.max(0, (parseInt(people.value, 10) || 0) + parseInt(btn.dataset.step, 10));
        people.value = String(value);
        touch();
      });
    });

    form.addEventListener("input", touch);
    form.addEventListener("change", touch);

    if (draftNote) {
      draftNote.querySelector("[data-draft-discard]").addEventListener("click", function () {
        clearErrors();
        resetForm();
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors();
      var payload = collect();
      // Into the outbox first: if the tab dies while sending, the visit is still on the phone.
      var kept = enqueue(payload);
      function queued(state) {
        resetForm();
        renderOutbox(state || "offline");
        window.scrollTo(0, 0);
      }
      if (navigator.onLine === false && kept) { queued("offline"); return; }
      submitBtn.disabled = true;
      send(payload).then(function (res) {
        submitBtn.disabled = false;
        if (accepted(res.status)) {
          dequeue(payload.client_uuid);
          resetForm();
          renderOutbox();
          showResult(res.status === 201 ? MSG.sent : MSG.already_sent);
          window.scrollTo(0, 0);
        } else if (res.status === 400) {
          dequeue(payload.client_uuid);
          renderOutbox();
          showErrors(res.data.errors || {});
        } else if (kept) {
          queued((res.status === 401 || res.status === 403) ? "signed_out" : "offline");
        }
      }, function () {
        submitBtn.disabled = false;
        if (kept) queued("offline");
      });
    });

    // --- restore a draft after a reload ---
    var draft = load(DRAFT_KEY, null);
    if (draft && draft.payload) {
      fill(draft.payload);
      touched = true;
      if (draftNote) draftNote.hidden = false;
    } else {
      showLocation(undefined);
    }
  }

  var restoreRefused = function () {};
  if (form) setup();
  renderOutbox();
  flush();
  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { renderOutbox("offline"); });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) flush(); });
  retryBtn.addEventListener("click", flush);
  window.setInterval(function () {
    if (outbox().some(function (i) { return !i.refused; })) flush();
  }, RETRY_MS);
})();
