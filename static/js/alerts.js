// Surveillance pages: small point maps, the live review queue, the confirm form and the camera location picker.
// No inline scripts anywhere: the CSP forbids them; data comes from json_script blocks and data-* attributes.
//
// [data-sv-map]        a Leaflet map of points read from the json_script named by data-points-id
//                      ({lon, lat, name, count, urgent, offline, health, url}); the mahalla boundaries around them
//                      (data-mahalla-layer, the API's GeoJSON layer) are drawn underneath for orientation.
//   data-picker        the map also sets the inputs [data-point-lon] / [data-point-lat] on click, and follows
//                      them when typed; data-district frames the district when there is no point yet.
// [data-sv-poller]     the queue's 10-second poll (htmx); skipped while the user is writing in the list, so a
//                      refresh never throws away a half-typed reason.
// [data-sv-confirm]    shows only the fields of the chosen confirm mode (new incident / link an existing one).
(function () {
  // Names in tooltips come from users (camera and territory names). Leaflet inserts a string tooltip as HTML,
  // so every tooltip is given a text node instead: a name like <img onerror=...> shows as written.
  function asText(text) {
    var span = document.createElement("span");
    span.textContent = String(text);
    return span;
  }
  "use strict";

  var BOUNDARY = { color: "#1b4f72", weight: 1, opacity: 0.7, fillColor: "#cfe0ee", fillOpacity: 0.5 };
  var maps = [];

  function message(el, text) {
    var box = el.querySelector(".map__message");
    if (!box) {
      box = document.createElement("p");
      box.className = "map__message";
      el.appendChild(box);
    }
    box.textContent = text || "";
    box.hidden = !text;
  }

  function readPoints(id) {
    var node = id && document.getElementById(id);
    if (!node) return [];
    try {
      var data = JSON.parse(node.textContent);
      return Array.isArray(data) ? data : [];
    } catch (e) {
      return [];
    }
  }

  // Camera health (the health page and the coverage map): down shows nothing, attention shows something wrong.
  var HEALTH = {
    down: { radius: 8, color: "#7a1a12", weight: 2, fillColor: "#d64535", fillOpacity: 0.95 },
    attention: { radius: 8, color: "#6b4a00", weight: 2, fillColor: "#f2c230", fillOpacity: 0.95 },
    ok: { radius: 7, color: "#1d5e37", weight: 2, fillColor: "#2e9d5b", fillOpacity: 0.95 }
  };

  function markerStyle(point) {
    if (point.health && HEALTH[point.health]) return HEALTH[point.health];
    if (point.urgent) return { radius: 9, color: "#7a1a12", weight: 2, fillColor: "#d64535", fillOpacity: 0.95 };
    if (point.offline) return { radius: 7, color: "#3a4856", weight: 2, fillColor: "#9aa7b3", fillOpacity: 0.95 };
    return { radius: 7, color: "#073a59", weight: 2, fillColor: "#0d5c8c", fillOpacity: 0.95 };
  }

  function loadBoundaries(state, query) {
    var el = state.el;
    if (!el.dataset.mahallaLayer) return;
    var url = new URL(el.dataset.mahallaLayer, window.location.origin);
    Object.keys(query).forEach(function (k) { url.searchParams.set(k, query[k]); });
    url.searchParams.set("zoom", String(Math.round(state.map.getZoom())));
    fetch(url.pathname + url.search, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (data) {
        if (state.boundaries) state.map.removeLayer(state.boundaries);
        state.boundaries = L.geoJSON(data, { style: BOUNDARY, interactive: false }).addTo(state.map);
        state.boundaries.bringToBack();
        if (query.district && !state.points.length && !state.picked) {
          var b = state.boundaries.getBounds();
          if (b.isValid()) state.map.fitBounds(b, { padding: [12, 12] });
        }
      })
      .catch(function () { /* the points still show; boundaries are only orientation */ });
  }

  function drawPoints(state) {
    var map = state.map;
    if (state.markers) map.removeLayer(state.markers);
    state.markers = L.featureGroup();
    state.points.forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lon], markerStyle(p));
      var label = p.name + (p.count > 1 ? " · " + p.count : "") + (p.urgent ? " · " + state.el.dataset.urgentText : "");
      marker.bindTooltip(asText(label), { className: "map-tooltip", direction: "top", offset: [0, -6] });
      if (p.url && !state.picker) marker.on("click", function () { window.location.assign(p.url); });
      marker.addTo(state.markers);
    });
    state.markers.addTo(map);
    message(state.el, state.points.length || state.picker ? "" : state.el.dataset.emptyText);
    if (state.points.length) {
      var bounds = state.markers.getBounds();
      // One point: a street-level view would show no boundary at all, so stop where the mahalla is visible.
      map.fitBounds(bounds.pad(0.3), { maxZoom: state.points.length > 1 ? 16 : 14, padding: [16, 16] });
      if (!state.boundariesLoaded) {
        state.boundariesLoaded = true;
        var b = bounds.pad(0.5);
        var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (n) { return n.toFixed(5); });
        if (bbox[0] === bbox[2]) { bbox[0] = (+bbox[0] - 0.01).toFixed(5); bbox[2] = (+bbox[2] + 0.01).toFixed(5); }
        if (bbox[1] === bbox[3]) { bbox[1] = (+bbox[1] - 0.01).toFixed(5); bbox[3] = (+bbox[3] + 0.01).toFixed(5); }
        loadBoundaries(state, { bbox: bbox.join(",") });
      }
    }
  }

  function initPicker(state) {
    var form = state.el.closest("form");
    var lon = form && form.querySelector("[data-point-lon]");
    var lat = form && form.querySelector("[data-point-lat]");
    if (!lon || !lat) return;
    var marker = null;

    function place(latlng, pan) {
      if (!marker) {
        marker = L.circleMarker(latlng, markerStyle({})).addTo(state.map);
      } else {
        marker.setLatLng(latlng);
      }
      if (pan) state.map.setView(latlng, Math.max(state.map.getZoom(), 15));
    }

    function fromInputs(pan) {
      var x = parseFloat(String(lon.value).replace(",", "."));
      var y = parseFloat(String(lat.value).replace(",", "."));
      if (isFinite(x) && isFinite(y) && Math.abs(x) <= 180 && Math.abs(y) <= 90) {
        state.picked = true;
        place([y, x], pan);
      }
    }

    state.map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(6);
      lon.value = event.latlng.lng.toFixed(6);
      state.picked = true;
      place(event.latlng, false);
    });
    lon.addEventListener("change", function () { fromInputs(true); });
    lat.addEventListener("change", function () { fromInputs(true); });
    fromInputs(true);
    if (state.el.dataset.district) loadBoundaries(state, { district: state.el.dataset.district });
  }

  function initMap(el) {
    if (typeof L === "undefined" || el.dataset.svReady) return;
    el.dataset.svReady = "1";
    var map = L.map(el, { zoomSnap: 0.25, minZoom: 4, maxZoom: 18, attributionControl: Boolean(el.dataset.tilesUrl),
                          scrollWheelZoom: false });
    map.setView([41.3, 64.5], 5);
    if (el.dataset.tilesUrl) L.tileLayer(el.dataset.tilesUrl, { maxZoom: 18 }).addTo(map);
    map.on("focus click", function () { map.scrollWheelZoom.enable(); });
    map.on("blur mouseout", function () { map.scrollWheelZoom.disable(); });
    var state = { el: el, map: map, markers: null, boundaries: null, picker: el.hasAttribute("data-picker"),
                  points: el.hasAttribute("data-picker") ? [] : readPoints(el.dataset.pointsId) };
    maps.push(state);
    if (state.picker) {
      initPicker(state);
    } else {
      drawPoints(state);
    }
  }

  function refreshMaps() {
    maps.forEach(function (state) {
      if (state.picker) return;
      state.points = readPoints(state.el.dataset.pointsId);
      drawPoints(state);
    });
  }

  // The poll must not replace rows while someone is writing a dismissal reason in one of them.
  function busy(container) {
    if (!container) return false;
    var writing = Array.prototype.some.call(container.querySelectorAll("details[open] input[type=text], details[open] select"),
                                            function (input) { return input.value.trim() !== ""; });
    if (writing) return true;
    var active = document.activeElement;
    return Boolean(active && container.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName));
  }

  function initConfirm(form) {
    if (form.dataset.svReady) return;
    form.dataset.svReady = "1";
    var radios = form.querySelectorAll("input[name=mode]");
    function sync() {
      var chosen = form.querySelector("input[name=mode]:checked");
      var mode = chosen ? chosen.value : "new";
      form.querySelectorAll("[data-sv-mode]").forEach(function (block) {
        block.hidden = block.getAttribute("data-sv-mode") !== mode;
      });
    }
    radios.forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  }

  function initWithin(root) {
    root.querySelectorAll("[data-sv-map]").forEach(initMap);
    root.querySelectorAll("[data-sv-confirm]").forEach(initConfirm);
  }

  document.addEventListener("DOMContentLoaded", function () {
    initWithin(document);
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      var source = event.detail && event.detail.elt;
      if (source && source.hasAttribute && source.hasAttribute("data-sv-poller")) {
        if (document.hidden || busy(document.getElementById("alert-rows"))) event.preventDefault();
      }
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var target = event.detail && event.detail.target;
      if (target && (target.id === "alert-rows" || target.id === "camera-rows" || target.id === "health-rows")) refreshMaps();
      initWithin(document);
    });
  });
})();
