// Risk pages. [data-risk-print] prints the page (a visit plan on paper). [data-risk-map-url] becomes a Leaflet map
// of the week's significant hot spots (red) and cold spots (blue) from the GeoJSON layer; a click opens the
// mahalla's page. Names go into tooltips as text nodes, never as HTML.
(function () {
  "use strict";

  var STYLE = { hot: { fillColor: "#c0392b", color: "#7b1d12" }, cold: { fillColor: "#2f6db5", color: "#173a66" } };

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

  function initMap(el) {
    var d = el.dataset;
    var map = L.map(el, { minZoom: 4, maxZoom: 16, attributionControl: Boolean(d.tilesUrl), scrollWheelZoom: false });
    map.setView([41.3, 64.5], 5);
    if (d.tilesUrl) L.tileLayer(d.tilesUrl, { maxZoom: 18 }).addTo(map);
    el.setAttribute("aria-busy", "true");
    fetch(d.riskMapUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        var features = data.features || [];
        var layer = L.geoJSON(data, {
          style: function (f) {
            var s = STYLE[f.properties.kind] || STYLE.hot;
            return { fillColor: s.fillColor, color: s.color, weight: 1, fillOpacity: 0.7,
                     className: "risk-map__area risk-map__area--" + f.properties.kind };
          },
          onEachFeature: function (feature, l) {
            var p = feature.properties || {};
            var label = p.kind === "cold" ? d.labelCold : d.labelHot;
            l.bindTooltip(asText(p.name + " · " + label + " · z " + window.MS.number(p.z, 2)),
                          { sticky: true, className: "map-tooltip" });
            if (p.url) l.on("click", function () { window.location.assign(p.url); });
          }
        }).addTo(map);
        message(el, features.length ? "" : d.emptyText);
        var bounds = layer.getBounds();
        if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], maxZoom: 12 });
        el.dataset.loaded = "true";
        el.dataset.features = String(features.length);
      })
      .catch(function () { message(el, d.errorText); })
      .finally(function () { el.removeAttribute("aria-busy"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-risk-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-risk-map-url]").forEach(initMap);
  });
})();
