// The district's camera coverage map (templates/dashboards/cameras.html): [data-coverage-map] becomes a Leaflet
// map of the district's mahallas filled with their zone colour, the red ones without any working camera outlined
// dashed, and the cameras as points coloured by health (the dashboards' camera-coverage GeoJSON layer).
//
//   data-coverage-url   the camera layer: a FeatureCollection of points (properties: name, level, problem_labels,
//                       url) with `red_without_working_camera` [{id, ...}]
//   data-mahallas-url   the mahalla outlines (the territory API's GeoJSON layer of one district)
//   data-colours-url    zone colours of those mahallas ({"colours": {id: colour}})
//   data-tiles-url      an internal tile server; without it the outlines are drawn on a plain background
(function () {
  "use strict";

  var FILL = { green: "#2e9d5b", yellow: "#f2c230", red: "#d64535" };
  var NONE = "#c4ccd4";
  var CAMERA = {
    ok: { radius: 7, color: "#1d5e37", weight: 2, fillColor: "#2e9d5b", fillOpacity: 1 },
    attention: { radius: 8, color: "#6b4a00", weight: 2, fillColor: "#f2c230", fillOpacity: 1 },
    down: { radius: 8, color: "#4a0d08", weight: 2.5, fillColor: "#d64535", fillOpacity: 1 }
  };

  // Names come from users: a tooltip gets a text node, never HTML.
  function asText(text) {
    var span = document.createElement("span");
    span.textContent = String(text);
    return span;
  }

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

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); });
  }

  function withZoom(url, zoom) {
    var u = new URL(url, window.location.origin);
    u.searchParams.set("zoom", String(zoom));
    return u.pathname + u.search;
  }

  function initMap(el) {
    var map = L.map(el, { zoomSnap: 0.25, minZoom: 4, maxZoom: 18, scrollWheelZoom: false,
                          attributionControl: Boolean(el.dataset.tilesUrl) });
    map.setView([41.3, 64.5], 6);
    if (el.dataset.tilesUrl) L.tileLayer(el.dataset.tilesUrl, { maxZoom: 18 }).addTo(map);
    map.on("focus click", function () { map.scrollWheelZoom.enable(); });
    map.on("blur mouseout", function () { map.scrollWheelZoom.disable(); });

    Promise.all([getJson(withZoom(el.dataset.mahallasUrl, 12)), getJson(el.dataset.coloursUrl),
                 getJson(el.dataset.coverageUrl)])
      .then(function (results) {
        var outlines = results[0], colours = results[1].colours || {}, coverage = results[2];
        var uncovered = {};
        (coverage.red_without_working_camera || []).forEach(function (m) { uncovered[String(m.id)] = true; });
        var areas = L.geoJSON(outlines, {
          style: function (feature) {
            var id = String(feature.properties.id);
            var colour = colours[id];
            var bare = uncovered[id];
            return { color: bare ? "#4a0d08" : "#2c3e50", weight: bare ? 3 : 1, dashArray: bare ? "6 4" : null,
                     opacity: 0.9, fillColor: FILL[colour] || NONE, fillOpacity: 0.35,
                     className: "cov-area cov-area--" + (colour || "none") + (bare ? " cov-area--uncovered" : "") };
          },
          onEachFeature: function (feature, layer) {
            if (feature.properties && feature.properties.name) layer.bindTooltip(asText(feature.properties.name));
          }
        }).addTo(map);
        var points = L.geoJSON(coverage, {
          pointToLayer: function (feature, latlng) {
            var style = CAMERA[feature.properties.level] || CAMERA.ok;
            return L.circleMarker(latlng, Object.assign({ className: "cov-camera cov-camera--" +
                                                           feature.properties.level }, style));
          },
          onEachFeature: function (feature, layer) {
            var p = feature.properties;
            var label = p.name + (p.problem_labels && p.problem_labels.length ? " · " + p.problem_labels.join(", ") : "");
            layer.bindTooltip(asText(label));
            if (p.url) layer.on("click", function () { window.location.assign(p.url); });
          }
        }).addTo(map);
        var bounds = areas.getBounds();
        if (points.getLayers().length) bounds.extend(points.getBounds());
        if (bounds.isValid()) map.fitBounds(bounds.pad(0.05));
        el.dataset.cameras = String(points.getLayers().length);
        message(el, points.getLayers().length ? "" : el.dataset.emptyText);
      })
      .catch(function () { message(el, el.dataset.errorText); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-coverage-map]").forEach(initMap);
  });
})();
