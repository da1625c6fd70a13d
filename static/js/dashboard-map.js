// The dashboards' colour map. Any element with data-dashboard-map-url becomes a Leaflet map of mahallas:
//
//   data-dashboard-map-url  the GeoJSON layer; `zoom` is added and the layer refetched when the zoom changes,
//                           because the server simplifies geometry to the zoom. Feature properties:
//                           name, colour (green/yellow/red/null), url, lon/lat (a point inside the mahalla),
//                           and on staff dashboards crimes, rate (per 1,000 residents) and alerts.
//   data-tiles-url          an internal tile server; without it the polygons are drawn on a plain background
//   data-label-*, data-name-*, data-error-text, data-empty-text   texts in the page's language
//
// Base layers: zone colours, or crime density (a choropleth of the rate); overlay: camera alerts (a circle per
// mahalla, its area proportional to the count). A click on a mahalla opens its page. Each layer has its own
// legend: the page's colour legend (data-legend-for="colours") shows with the colours, the density classes and
// the alert circles get legends built here, shown while their layer is.
(function () {
  // Names in tooltips come from users (camera and territory names). Leaflet inserts a string tooltip as HTML,
  // so every tooltip is given a text node instead: a name like <img onerror=...> shows as written.
  function asText(text) {
    var span = document.createElement("span");
    span.textContent = String(text);
    return span;
  }
  "use strict";

  var FILL = { green: "#2e9d5b", yellow: "#f2c230", red: "#d64535" };
  var NONE = "#c4ccd4";
  // Sequential, colour-blind safe (light to dark red-purple) for the density classes.
  var DENSITY = ["#f1eef6", "#d7b5d8", "#df65b0", "#dd1c77", "#980043"];
  var MANY = 3000; // above this many polygons the canvas renderer keeps panning smooth
  var LABELLED = 400; // up to this many mahallas their names are drawn on the map (a district, a region)
  var HIDDEN = "map-label--hidden";

  function overlaps(a, b) {
    return !(a.right < b.left || b.right < a.left || a.bottom < b.top || b.bottom < a.top);
  }

  // Names on the polygons, so a map without a tile server still says where it is; a name that does not fit its
  // polygon or would cover a bigger one's is hidden (the hover tooltip still gives it).
  function declutter(map, layer) {
    if (!layer) return;
    var items = [];
    layer.eachLayer(function (l) {
      var label = l.labelTooltip && l.labelTooltip.getElement();
      if (!label) return;
      var b = l.getBounds();
      var sw = map.latLngToContainerPoint(b.getSouthWest());
      var ne = map.latLngToContainerPoint(b.getNorthEast());
      var w = Math.abs(ne.x - sw.x), h = Math.abs(sw.y - ne.y);
      items.push({ label: label, width: w, height: h, priority: w * h });
    });
    items.sort(function (a, b) { return b.priority - a.priority; });
    var shown = [];
    items.forEach(function (item) {
      item.label.classList.remove(HIDDEN);
      var rect = item.label.getBoundingClientRect();
      var fits = rect.width < item.width * 1.6 && rect.height < item.height * 1.2;
      if (fits && shown.every(function (o) { return !overlaps(rect, o); })) shown.push(rect);
      else item.label.classList.add(HIDDEN);
    });
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

  function withZoom(url, zoom) {
    var u = new URL(url, window.location.origin);
    u.searchParams.set("zoom", String(zoom));
    return u.pathname + u.search;
  }

  function breaks(features) {
    var rates = features.map(function (f) { return f.properties.rate; })
      .filter(function (r) { return typeof r === "number" && r > 0; })
      .sort(function (a, b) { return a - b; });
    if (!rates.length) return [];
    return [0.25, 0.5, 0.75].map(function (q) { return rates[Math.min(rates.length - 1, Math.floor(q * rates.length))]; });
  }

  function densityClass(rate, cuts) {
    if (typeof rate !== "number" || rate <= 0) return 0;
    var i = 1;
    cuts.forEach(function (cut) { if (rate > cut) i += 1; });
    return Math.min(i, DENSITY.length - 1);
  }

  function fmt(text, n) { return String(text || "").replace("%(n)s", n); }

  function legendItem(list, swatchClass, text) {
    var li = document.createElement("li");
    var dot = document.createElement("span");
    dot.className = "dash-dot " + swatchClass;
    dot.setAttribute("aria-hidden", "true");
    li.appendChild(dot);
    li.appendChild(document.createTextNode(text));
    list.appendChild(li);
  }

  function legendList(el, name) {
    var list = el.parentNode.querySelector('[data-legend-for="' + name + '"]');
    if (!list) {
      list = document.createElement("ul");
      list.className = "dash-legend";
      list.setAttribute("data-legend-for", name);
      list.hidden = true;
      var all = el.parentNode.querySelectorAll("[data-legend-for]");
      var after = all.length ? all[all.length - 1] : el; // after the legends already there, in layer order
      after.parentNode.insertBefore(list, after.nextSibling);
    }
    return list;
  }

  function densityLegend(el, cuts) {
    var d = el.dataset;
    var list = legendList(el, "density");
    list.textContent = "";
    var title = document.createElement("li");
    title.className = "dash-legend__title";
    title.textContent = d.labelDensity;
    list.appendChild(title);
    // The swatches' colours are DENSITY's, in app.css (dash-dot--d0 ... d4).
    legendItem(list, "dash-dot--d0", "0");
    cuts.forEach(function (cut, i) { legendItem(list, "dash-dot--d" + (i + 1), fmt(d.labelUpTo, cut)); });
    if (cuts.length) legendItem(list, "dash-dot--d" + (cuts.length + 1), fmt(d.labelOver, cuts[cuts.length - 1]));
    return list;
  }

  function alertLegend(el) {
    var list = legendList(el, "alerts");
    list.textContent = "";
    legendItem(list, "dash-dot--circle", el.dataset.labelAlerts + " (" + el.dataset.labelCircle + ")");
    return list;
  }

  function initMap(el) {
    var d = el.dataset;
    var map = L.map(el, { zoomSnap: 0.25, minZoom: 4, maxZoom: 18, attributionControl: Boolean(d.tilesUrl),
                          scrollWheelZoom: false });
    map.setView([41.3, 64.5], 5);
    if (d.tilesUrl) L.tileLayer(d.tilesUrl, { maxZoom: 18 }).addTo(map);
    map.on("focus click", function () { map.scrollWheelZoom.enable(); });
    map.on("blur mouseout", function () { map.scrollWheelZoom.disable(); });

    var colours = L.layerGroup().addTo(map);
    var density = L.layerGroup();
    var alerts = L.layerGroup();
    // The risk app's significant hot and cold spots: fetched the first time the overlay is switched on.
    var hotspots = L.layerGroup();
    var hotspotsLoaded = false;
    var labels = L.layerGroup().addTo(map);
    var labelled = null;
    var control = null;
    var fitted = false;
    var loadedZoom = null;
    var controller = null;

    function colourName(c) { return c ? (d["name" + c.charAt(0).toUpperCase() + c.slice(1)] || c) : d.labelNone; }

    function tooltip(p) {
      var lines = [p.name, colourName(p.colour)];
      if (typeof p.crimes === "number") lines.push(p.crimes + " " + d.labelCrimes);
      if (typeof p.rate === "number") lines.push(window.MS.number(p.rate, 2) + " " + d.labelRate);
      if (typeof p.alerts === "number") lines.push(p.alerts + " " + d.labelAlertCount);
      return lines.join(" · ");
    }

    function polygons(data, styleFor, renderer) {
      return L.geoJSON(data, {
        renderer: renderer,
        style: styleFor,
        onEachFeature: function (feature, layer) {
          var p = feature.properties || {};
          layer.bindTooltip(asText(tooltip(p)), { sticky: true, className: "map-tooltip" });
          layer.on("mouseover", function () { layer.setStyle({ weight: 2.5, color: "#0b2e4a" }); });
          layer.on("mouseout", function () { layer.setStyle(styleFor(feature)); });
          if (p.url) layer.on("click", function () { window.location.assign(p.url); });
        }
      });
    }

    function draw(data) {
      var features = data.features || [];
      var renderer = features.length > MANY ? L.canvas({ padding: 0.2 }) : L.svg();
      colours.clearLayers();
      density.clearLayers();
      alerts.clearLayers();
      var colourLayer = polygons(data, function (f) {
        var c = f.properties.colour;
        return { color: "#ffffff", weight: 0.8, opacity: 1, fillColor: FILL[c] || NONE, fillOpacity: 0.85,
                 className: "dash-map__area dash-map__area--" + (c || "none") };
      }, renderer);
      colours.addLayer(colourLayer);
      labels.clearLayers();
      if (features.length <= LABELLED) {
        colourLayer.eachLayer(function (l) {
          var p = l.feature.properties || {};
          if (!p.name || typeof p.lat !== "number") return;
          l.labelTooltip = L.tooltip({ permanent: true, direction: "center", className: "map-label", interactive: false })
            .setLatLng([p.lat, p.lon]).setContent(asText(p.name));
          labels.addLayer(l.labelTooltip);
        });
      }
      labelled = colourLayer;
      window.setTimeout(function () { declutter(map, labelled); }, 0);
      var hasCounts = features.some(function (f) { return typeof f.properties.crimes === "number"; });
      if (hasCounts) {
        var cuts = breaks(features);
        density.addLayer(polygons(data, function (f) {
          return { color: "#ffffff", weight: 0.6, opacity: 1, fillOpacity: 0.9,
                   fillColor: DENSITY[densityClass(f.properties.rate, cuts)] };
        }, renderer));
        var most = Math.max.apply(null, features.map(function (f) { return f.properties.alerts || 0; }).concat([1]));
        features.forEach(function (f) {
          var p = f.properties;
          if (!p.alerts || typeof p.lat !== "number") return;
          L.circleMarker([p.lat, p.lon], {
            renderer: renderer, radius: 3 + 14 * Math.sqrt(p.alerts / most), color: "#0c2d44", weight: 1,
            fillColor: "#3b82c4", fillOpacity: 0.6
          }).bindTooltip(asText(p.name + " · " + p.alerts + " " + d.labelAlertCount), { className: "map-tooltip" })
            .addTo(alerts);
        });
        densityLegend(el, cuts);
        alertLegend(el);
        if (!control) {
          var legends = {};
          legends[d.labelColours] = "colours";
          legends[d.labelDensity] = "density";
          map.on("baselayerchange", function (e) {
            ["colours", "density"].forEach(function (name) {
              legendList(el, name).hidden = legends[e.name] !== name;
            });
          });
          map.on("overlayadd overlayremove", function (e) {
            if (e.name === d.labelAlerts) legendList(el, "alerts").hidden = e.type === "overlayremove";
          });
          var base = {};
          base[d.labelColours] = colours;
          base[d.labelDensity] = density;
          var overlays = {};
          overlays[d.labelAlerts] = alerts;
          if (d.hotspotsUrl) {
            overlays[d.labelHotspots] = hotspots;
            map.on("overlayadd", function (e) { if (e.layer === hotspots) loadHotspots(); });
          }
          // A narrow map keeps the switcher folded: open, it would cover the polygons.
          control = L.control.layers(base, overlays, { collapsed: el.clientWidth < 600 }).addTo(map);
        }
      }
      message(el, features.length ? "" : d.emptyText);
      if (!fitted && features.length) {
        fitted = true;
        var bounds = colourLayer.getBounds();
        if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], maxZoom: 14 });
      }
    }

    function loadHotspots() {
      if (hotspotsLoaded) return;
      hotspotsLoaded = true;
      fetch(d.hotspotsUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          hotspots.addLayer(L.geoJSON(data, {
            style: function (f) {
              var hot = f.properties.kind === "hot";
              return { fill: false, color: hot ? "#7b1d12" : "#173a66", weight: 3, dashArray: hot ? null : "6 4",
                       className: "dash-map__spot dash-map__spot--" + f.properties.kind };
            },
            onEachFeature: function (f, l) {
              var p = f.properties || {};
              l.bindTooltip(asText(p.name + " · " + (p.kind === "hot" ? d.labelHot : d.labelCold)),
                            { sticky: true, className: "map-tooltip" });
            }
          }));
          el.dataset.hotspots = String((data.features || []).length);
        })
        .catch(function () { hotspotsLoaded = false; message(el, d.errorText); });
    }

    function load() {
      var zoom = Math.round(map.getZoom());
      if (zoom === loadedZoom) return;
      if (controller) controller.abort();
      controller = new AbortController();
      el.setAttribute("aria-busy", "true");
      fetch(withZoom(d.dashboardMapUrl, zoom), {
        credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" },
        signal: controller.signal
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) { loadedZoom = zoom; draw(data); el.dataset.loaded = "true"; })
        .catch(function (error) { if (error.name !== "AbortError") message(el, d.errorText); })
        .finally(function () { el.removeAttribute("aria-busy"); });
    }

    map.on("zoomend", load);
    map.on("moveend resize", function () { declutter(map, labelled); });
    load();
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-dashboard-map-url]").forEach(initMap);
  });
})();
