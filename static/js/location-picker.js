// The optional point of an incident: a click on a small Leaflet map, or "Use my location". The two number
// inputs stay the truth (and the whole of it without JavaScript); the map and button only fill them.
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
