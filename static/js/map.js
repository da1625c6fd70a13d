// Territory maps. Any element with data-geojson-url becomes a Leaflet map of that GeoJSON layer.
//
//   data-geojson-url     the API layer; `zoom` is added and the layer refetched when the zoom changes,
//                        because the server simplifies geometry to the zoom
//   data-highlight-id    a feature drawn emphasised; the first view fits it instead of the whole layer
//   data-link-template   where a click leads when a feature has no `url` property ("{id}" is replaced)
//   data-tiles-url       an internal tile server; without it the polygons are drawn on a plain background
//   data-colours-url     zone colours of the visible mahallas ({"colours": {id: colour}}): a mahalla layer is
//                        filled green/yellow/red, grey where no status exists, and the legend beside the map shown
//   data-error-text / data-empty-text   messages shown over the map
//
// Names are drawn as labels on the polygons; a label that does not fit its polygon or would overlap
// the label of a bigger unit is hidden (and shown on hover), so the map stays readable at any zoom.
(function () {
  // Names in tooltips come from users (camera and territory names). Leaflet inserts a string tooltip as HTML,
  // so every tooltip is given a text node instead: a name like <img onerror=...> shows as written.
  function asText(text) {
    var span = document.createElement("span");
    span.textContent = String(text);
    return span;
  }
  "use strict";

  var STYLE = { color: "#1b4f72", weight: 1.2, opacity: 0.9, fillColor: "#cfe0ee", fillOpacity: 0.75 };
  var HOVER = { weight: 2.5, color: "#0b2e4a", fillColor: "#a9c8e2", fillOpacity: 0.85 };
  var HIGHLIGHT = { color: "#0b2e4a", weight: 3.5, fillColor: "#f5c26b", fillOpacity: 0.85 };
  var DIMMED = { color: "#7f93a6", weight: 1, fillColor: "#dfe6ec", fillOpacity: 0.9 };
  // Zone colours (the dashboards' map uses the same); the outline stays neutral dark whatever the fill, so a
  // green mahalla is never framed in another status's colour.
  var FILL = { green: "#2e9d5b", yellow: "#f2c230", red: "#d64535" };
  // Regions and districts: the share of their mahallas that are green, in bands (dashboards.maps.AREA_BANDS).
  var BAND_FILL = { band90: "#1e7d45", band75: "#8cc665", band50: "#f2c230", band0: "#d64535" };
  var NONE = "#c4ccd4";
  var OUTLINE = "#2c3e50";
  var HIDDEN = "map-label--hidden";

  function colourUrl(base, layerUrl) {
    // The colours of the same mahallas as the layer: its district or region filter is carried over.
    var from = new URL(layerUrl, window.location.origin);
    var u = new URL(base, window.location.origin);
    ["district", "region"].forEach(function (key) {
      if (from.searchParams.get(key)) u.searchParams.set(key, from.searchParams.get(key));
    });
    return u.pathname + u.search;
  }

  function showMessage(el, text) {
    var box = el.querySelector(".map__message");
    if (!box) {
      box = document.createElement("p");
      box.className = "map__message";
      el.appendChild(box);
    }
    box.textContent = text || "";
    box.hidden = !text;
  }

  function withZoom(url, zoom) {
    var u = new URL(url, window.location.origin);
    u.searchParams.set("zoom", String(zoom));
    return u.pathname + u.search;
  }

  function overlaps(a, b) {
    return !(a.right < b.left || b.right < a.left || a.bottom < b.top || b.bottom < a.top);
  }

  function initMap(el) {
    var highlightId = el.dataset.highlightId ? String(el.dataset.highlightId) : null;
    var map = L.map(el, {
      zoomSnap: 0.25,
      minZoom: 4,
      maxZoom: 18,
      attributionControl: Boolean(el.dataset.tilesUrl),
      scrollWheelZoom: false // a page scrolled with the wheel must not get stuck zooming the map
    });
    map.setView([41.3, 64.5], 5);
    if (el.dataset.tilesUrl) {
      L.tileLayer(el.dataset.tilesUrl, { maxZoom: 18 }).addTo(map);
    }
    map.on("focus click", function () { map.scrollWheelZoom.enable(); });
    map.on("blur mouseout", function () { map.scrollWheelZoom.disable(); });

    var layer = null;
    var colours = null; // {id: colour or null} once loaded, for a mahalla layer
    var fitted = false;
    var controller = null;
    var loadedZoom = null;

    function isHighlight(feature) {
      return highlightId !== null && String(feature.properties.id) === highlightId;
    }

    function colourStyle(feature) {
      var c = colours[String(feature.properties.id)];
      var fill = FILL[c] || BAND_FILL[c] || NONE;
      if (highlightId && isHighlight(feature)) {
        return { color: "#0b2e4a", weight: 3.5, opacity: 1, fillColor: fill, fillOpacity: 0.9 };
      }
      return { color: OUTLINE, weight: highlightId ? 0.8 : 1, opacity: 0.8, fillColor: fill,
               fillOpacity: highlightId ? 0.45 : 0.75, className: "map__area map__area--" + (c || "none") };
    }

    function styleFor(feature) {
      if (colours) return colourStyle(feature);
      if (!highlightId) return STYLE;
      return isHighlight(feature) ? HIGHLIGHT : DIMMED;
    }

    function layerLevel() {
      var path = new URL(el.dataset.geojsonUrl, window.location.origin).pathname;
      if (path.indexOf("/mahallas/") !== -1) return "mahalla";
      if (path.indexOf("/districts/") !== -1) return "district";
      if (path.indexOf("/regions/") !== -1) return "region";
      return null;
    }

    function loadColours() {
      var level = layerLevel();
      if (!el.dataset.coloursUrl || !level) return;
      var url = new URL(colourUrl(el.dataset.coloursUrl, el.dataset.geojsonUrl), window.location.origin);
      if (level !== "mahalla") url.searchParams.set("level", level);
      fetch(url.pathname + url.search, {
        credentials: "same-origin", headers: { Accept: "application/json" }
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          colours = data.colours || {};
          if (layer) layer.setStyle(styleFor);
          var legend = el.parentNode.querySelector(
            level === "mahalla" ? "[data-map-legend]" : "[data-map-legend-areas]");
          if (legend) {
            var title = legend.querySelector("[data-map-legend-period]");
            if (title) title.textContent = data.label || "";
            legend.hidden = false;
          }
          el.dataset.coloured = "true";
        })
        .catch(function () { /* the outlines and names still show; only the colours are missing */ });
    }

    function linkFor(props) {
      if (props.url) return props.url;
      if (el.dataset.linkTemplate && props.id !== undefined && props.id !== null) {
        return el.dataset.linkTemplate.replace("{id}", encodeURIComponent(props.id));
      }
      return null;
    }

    function declutter() {
      if (!layer) return;
      var items = [];
      layer.eachLayer(function (featureLayer) {
        var tooltip = featureLayer.getTooltip();
        var label = tooltip && tooltip.getElement();
        if (!label) return;
        var bounds = featureLayer.getBounds();
        var sw = map.latLngToContainerPoint(bounds.getSouthWest());
        var ne = map.latLngToContainerPoint(bounds.getNorthEast());
        var width = Math.abs(ne.x - sw.x);
        var height = Math.abs(sw.y - ne.y);
        var priority = isHighlight(featureLayer.feature) ? Infinity : width * height;
        items.push({ label: label, width: width, height: height, priority: priority });
      });
      items.sort(function (a, b) { return b.priority - a.priority; });
      var shown = [];
      items.forEach(function (item) {
        item.label.classList.remove(HIDDEN);
        var rect = item.label.getBoundingClientRect();
        var fits = item.priority === Infinity || (rect.width < item.width * 1.6 && rect.height < item.height * 1.2);
        var free = shown.every(function (other) { return !overlaps(rect, other); });
        if (fits && free) {
          shown.push(rect);
        } else {
          item.label.classList.add(HIDDEN);
        }
      });
    }

    function onEachFeature(feature, featureLayer) {
      var props = feature.properties || {};
      if (props.name) {
        featureLayer.bindTooltip(asText(props.name), {
          permanent: true, direction: "center", className: "map-label", interactive: false
        });
      }
      var link = isHighlight(feature) ? null : linkFor(props);
      featureLayer.on("mouseover", function () {
        if (!isHighlight(feature)) featureLayer.setStyle(colours ? { weight: 2.5, color: "#0b2e4a" } : HOVER);
        var tooltip = featureLayer.getTooltip();
        if (tooltip && tooltip.getElement()) tooltip.getElement().classList.remove(HIDDEN);
      });
      featureLayer.on("mouseout", function () {
        featureLayer.setStyle(styleFor(feature));
        declutter();
      });
      if (link) {
        featureLayer.on("click", function () { window.location.assign(link); });
      }
    }

    function load() {
      var zoom = Math.round(map.getZoom());
      if (zoom === loadedZoom) {
        declutter();
        return;
      }
      if (controller) controller.abort();
      controller = new AbortController();
      el.setAttribute("aria-busy", "true");
      fetch(withZoom(el.dataset.geojsonUrl, zoom), {
        credentials: "same-origin",
        headers: { Accept: "application/geo+json, application/json" },
        signal: controller.signal
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          loadedZoom = zoom;
          if (layer) map.removeLayer(layer);
          layer = L.geoJSON(data, { style: styleFor, onEachFeature: onEachFeature }).addTo(map);
          var count = (data.features || []).length;
          showMessage(el, count ? "" : el.dataset.emptyText);
          if (!fitted && count) {
            fitted = true;
            var target = layer;
            if (highlightId) {
              layer.eachLayer(function (l) { if (isHighlight(l.feature)) target = l; });
            }
            var bounds = target.getBounds();
            if (bounds.isValid()) {
              // Fitting changes the zoom, which loads the layer again at the right detail.
              map.fitBounds(bounds, { padding: [16, 16], maxZoom: highlightId ? 16 : 14 });
            }
          }
          declutter();
        })
        .catch(function (error) {
          if (error.name === "AbortError") return;
          showMessage(el, el.dataset.errorText);
        })
        .finally(function () { el.removeAttribute("aria-busy"); });
    }

    map.on("zoomend", load);
    map.on("moveend resize", declutter);
    load();
    loadColours();
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-geojson-url]").forEach(initMap);
  });
})();
