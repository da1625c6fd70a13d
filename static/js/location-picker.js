// The optional point of an incident: a click on a small Leaflet map, or "Use my location". The two number
// inputs stay the truth (and the whole of it without JavaScript); the map and button only fill them.
// Without a tile server the map would be an empty box: the outlines and names of the form's mahalla and of the
// other mahallas of its district (those the user sees) are drawn, the form's mahalla emphasised, so a place can
// be found from them. They follow the form's mahalla field.
(function () {
  "use strict";

  var CENTER = [41.3, 64.5];

  function fmt(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function init(box) {
    var lat = box.querySelector("input[name=latitude]");
    var lon = box.querySelector("input[name=longitude]");
    var mapEl = box.querySelector("[data-location-map]");
    var useBtn = box.querySelector("[data-use-my-location]");
    var clearBtn = box.querySelector("[data-clear-location]");
    var status = box.querySelector("[data-location-status]");
    var map = null;
    var marker = null;
    var outlines = null;
    var form = box.closest("form");
    var mahallaField = form && form.querySelector("[name=mahalla]");

    function getJson(url) {
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        });
    }

    // Leaflet inserts a string tooltip as HTML: a name is given as a text node, shown as written.
    function asText(text) {
      var span = document.createElement("span");
      span.textContent = String(text);
      return span;
    }

    function label(layer, text) {
      layer.bindTooltip(asText(text), { permanent: true, direction: "center", className: "map-label", interactive: false });
    }

    var FEW = 500; // without a chosen mahalla, the user's own mahallas are drawn only when this few

    function outlinesUrl(district) {
      var url = new URL(box.dataset.outlinesUrl, window.location.origin);
      if (district) url.searchParams.set("district", String(district));
      url.searchParams.set("zoom", district ? "14" : "11");
      return url.pathname + url.search;
    }

    var asked = 0; // only the answer to the latest choice of mahalla is drawn

    function drawOutlines() {
      var id = mahallaField && mahallaField.value;
      if (!map || !box.dataset.outlinesUrl) return;
      var ask = ++asked;
      var layer = id
        ? getJson(box.dataset.mahallaUrl.replace("/0/", "/" + encodeURIComponent(id) + "/"))
          .then(function (mahalla) { return getJson(outlinesUrl(mahalla.district)); })
        : getJson(outlinesUrl(null));
      layer
        .then(function (data) {
          if (ask !== asked || (!id && (data.features || []).length > FEW)) return;
          if (outlines) map.removeLayer(outlines);
          var chosen = null;
          outlines = L.geoJSON(data, {
            interactive: false,
            style: function (f) {
              var mine = Boolean(id) && String(f.properties.id) === String(id);
              return mine ? { color: "#0b2e4a", weight: 3, fillColor: "#cfe0ee", fillOpacity: 0.35 }
                          : { color: "#5d7285", weight: 1, fillColor: "#eef2f5", fillOpacity: 0.3, dashArray: "4 3" };
            },
            onEachFeature: function (f, layer) {
              if (f.properties.name) label(layer, f.properties.name);
              if (id && String(f.properties.id) === String(id)) chosen = layer;
            }
          }).addTo(map);
          outlines.bringToBack();
          var target = chosen || outlines;
          if (!current() && target.getBounds().isValid()) map.fitBounds(target.getBounds(), { padding: [10, 10] });
          box.dataset.outlines = String((data.features || []).length);
          box.dataset.outlinesFor = id || "";
        })
        .catch(function () { /* the point can still be set by position or typed */ });
    }

    function current() {
      var y = parseFloat(lat.value);
      var x = parseFloat(lon.value);
      return isNaN(x) || isNaN(y) ? null : [y, x];
    }

    function sync(zoom) {
      var point = current();
      clearBtn.hidden = !point;
      if (!map) return;
      if (!point) {
        if (marker) { map.removeLayer(marker); marker = null; }
        return;
      }
      if (marker) marker.setLatLng(point);
      else marker = L.circleMarker(point, { radius: 9, color: "#8a3b00", weight: 3, fillColor: "#f5c26b", fillOpacity: 0.9 }).addTo(map);
      if (zoom) map.setView(point, Math.max(map.getZoom(), 15));
    }

    function set(y, x) {
      lat.value = y.toFixed(6);
      lon.value = x.toFixed(6);
      sync(false);
    }

    if (window.L) {
      mapEl.hidden = false;
      map = L.map(mapEl, { zoomSnap: 0.5, scrollWheelZoom: false, attributionControl: Boolean(box.dataset.tilesUrl) });
      if (box.dataset.tilesUrl) L.tileLayer(box.dataset.tilesUrl, { maxZoom: 19 }).addTo(map);
      map.setView(current() || CENTER, current() ? 15 : 5);
      map.on("click", function (e) { set(e.latlng.lat, e.latlng.lng); status.textContent = box.dataset.locatedText; });
      sync(false);
      drawOutlines();
      if (mahallaField) mahallaField.addEventListener("change", drawOutlines);
    }

    lat.addEventListener("change", function () { sync(true); });
    lon.addEventListener("change", function () { sync(true); });

    if (navigator.geolocation) {
      useBtn.hidden = false;
      useBtn.addEventListener("click", function () {
        status.textContent = box.dataset.locatingText;
        navigator.geolocation.getCurrentPosition(function (pos) {
          set(pos.coords.latitude, pos.coords.longitude);
          sync(true);
          status.textContent = box.dataset.locatedText + " " +
            fmt(box.dataset.accuracyText, { m: Math.round(pos.coords.accuracy) });
        }, function () {
          status.textContent = box.dataset.errorText;
        }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
      });
    }

    clearBtn.addEventListener("click", function () {
      lat.value = "";
      lon.value = "";
      status.textContent = "";
      sync(false);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-location-picker]").forEach(init);
  });
})();
