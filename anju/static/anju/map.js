/* The map component (templates/core/map.html): <div data-map="ID"> names the JSON element holding
   its configuration: {tiles: [{url, attribution, subdomains, maxZoom}], boundaries: URL of GeoJSON,
   points: [{lat, lon, label, url, state, urgent}], pointsUrl: URL of such points}. The points URL
   answers {points, next} (or a bare list): the map follows `next` for a few pages, and once it has
   been fitted asks again for the box in view (`bbox=west,south,east,north`) after each move. A
   point's `state`
   picks its colour from STATES (the grid events' stages; anju.css's .map-legend shows the same) and
   `urgent` draws it larger with a black ring. Leaflet (vendor/leaflet/) draws
   it; with no tiles the boundaries and points sit on the page's plain background. Names from the
   data are set as text, never as HTML. */
(function () {
  if (!window.L) return;
  // Where the map looks before anything is drawn, and when there is nothing to draw: China.
  var FALLBACK = { center: [35.0, 104.0], zoom: 4 };
  var BOUNDARY = { color: "#0f56a8", weight: 2, opacity: 0.9, fillColor: "#0f56a8", fillOpacity: 0.08 };
  var POINT = { radius: 7, color: "#fff", weight: 2, fillColor: "#a61b11", fillOpacity: 0.95 };
  var STATES = { new: "#6a3d9a", dispatched: "#0b6e69", handled: "#2e7d32", overdue: "#a61b11", closed: "#666666" };

  function pointStyle(point) {
    var style = L.extend({}, POINT);
    if (STATES.hasOwnProperty(point.state)) style.fillColor = STATES[point.state];
    if (point.urgent === true) L.extend(style, { radius: 10, color: "#111", weight: 3 });
    return style;
  }

  function readConfig(id) {
    var element = document.getElementById(id);
    if (!element) return null;
    try {
      return JSON.parse(element.textContent);
    } catch (error) {
      return null;
    }
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (answer) {
      if (!answer.ok) throw new Error(url + ": " + answer.status);
      return answer.json();
    });
  }

  function textNode(text, href) {
    var element = document.createElement(href ? "a" : "span");
    element.textContent = text;
    if (href) element.href = href;
    return element;
  }

  function draw(element) {
    var config = readConfig(element.dataset.map);
    if (!config || element.dataset.mapDrawn) return;
    element.dataset.mapDrawn = "yes";
    // Quarter zoom steps let the drawing fill the frame; the wheel is left to scroll the page.
    var map = L.map(element, { scrollWheelZoom: false, zoomSnap: 0.25 }).setView(FALLBACK.center, FALLBACK.zoom);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    (config.tiles || []).forEach(function (layer) {
      L.tileLayer(layer.url, {
        attribution: layer.attribution || "",
        subdomains: layer.subdomains || "abc",
        maxZoom: layer.maxZoom || 18,
      }).addTo(map);
    });

    var bounds = L.latLngBounds([]);
    var markers = L.layerGroup().addTo(map);
    var fitted = false;
    function fit() {
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 16 });
    }
    function addPoints(points) {
      (points || []).forEach(function (point) {
        var lat = Number(point.lat), lon = Number(point.lon);
        if (!isFinite(lat) || !isFinite(lon)) return;
        var marker = L.circleMarker([lat, lon], pointStyle(point)).addTo(markers);
        if (point.label) marker.bindPopup(textNode(point.label, point.url));
        if (!fitted) bounds.extend([lat, lon]);
      });
      if (!fitted) fit();
      element.dataset.points = String(markers.getLayers().length);
    }
    // Pages of points, at most MAX_PAGES of them; `asked` drops the answers of a move since overtaken.
    var MAX_PAGES = 4, asked = 0;
    function loadPoints(url, pages, ask) {
      return getJson(url).then(function (answer) {
        if (ask !== asked) return;
        addPoints(Array.isArray(answer) ? answer : answer.points);
        if (answer.next && pages > 1) return loadPoints(answer.next, pages - 1, ask);
      });
    }
    function inView() {
      asked += 1;
      markers.clearLayers();
      // Zoomed far out, Leaflet's bounds run past the date line: the server takes degrees as they are.
      var view = map.getBounds();
      var box = [
        Math.max(-180, view.getWest()), Math.max(-90, view.getSouth()),
        Math.min(180, view.getEast()), Math.min(90, view.getNorth()),
      ].map(function (value) { return value.toFixed(6); }).join(",");
      var url = config.pointsUrl + (config.pointsUrl.indexOf("?") < 0 ? "?" : "&") + "bbox=" + box;
      loadPoints(url, MAX_PAGES, asked).catch(function () {});
    }

    if (config.boundaries) {
      getJson(config.boundaries).then(function (geojson) {
        var layer = L.geoJSON(geojson, {
          style: function () { return BOUNDARY; },
          onEachFeature: function (feature, shape) {
            var name = feature.properties && (feature.properties.name || feature.properties.code);
            if (name) shape.bindTooltip(textNode(name), { sticky: true });
          },
        }).addTo(map);
        layer.bringToBack();
        if (layer.getBounds().isValid()) bounds.extend(layer.getBounds());
        fit();
        element.dataset.boundaries = String(layer.getLayers().length);
      }).catch(function () { element.dataset.boundaries = "failed"; });
    }
    addPoints(config.points);
    if (config.pointsUrl) {
      asked += 1;
      loadPoints(config.pointsUrl, MAX_PAGES, asked).catch(function () {}).then(function () {
        // From here on the map shows what lies in view: a county has more open events than one answer.
        fitted = true;
        map.on("moveend", inView);
      });
    }
  }

  document.querySelectorAll("[data-map]").forEach(draw);
})();
