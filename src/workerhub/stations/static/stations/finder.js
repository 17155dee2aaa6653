// Station maps — the public finder, a station's page and the network coverage map (no inline scripts: CSP).
// Stations are stored and served in WGS-84. When the configured tiles are GCJ-02 (GaoDe, Tencent: the
// default), every point is shifted to GCJ-02 before it is drawn and a clicked point is shifted back, with the
// same published algorithm as stations/geo.py (tests/stations/test_finder_js.py checks the numbers agree).
(function () {
  "use strict";

  // --- WGS-84 <-> GCJ-02, a line-by-line port of geo.py (same constants, same evaluation order) -----------
  const PI = Math.PI;
  const GCJ_A = 6378245.0;
  const GCJ_EE = 0.00669342162296594323;

  function outOfChina(lon, lat) {
    return !(73.66 < lon && lon < 135.05 && 3.86 < lat && lat < 53.55);
  }

  function offsetLat(x, y) {
    let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    ret += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    ret += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
    ret += (160.0 * Math.sin(y / 12.0 * PI) + 320 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    return ret;
  }

  function offsetLon(x, y) {
    let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    ret += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    ret += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
    ret += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    return ret;
  }

  // (lon, lat) order in and out, like gcoord and geo.py.
  function wgs84ToGcj02(lon, lat) {
    if (outOfChina(lon, lat)) return [lon, lat];
    let dlat = offsetLat(lon - 105.0, lat - 35.0);
    let dlon = offsetLon(lon - 105.0, lat - 35.0);
    const radlat = lat / 180.0 * PI;
    let magic = Math.sin(radlat);
    magic = 1 - GCJ_EE * magic * magic;
    const sqrtmagic = Math.sqrt(magic);
    dlat = (dlat * 180.0) / ((GCJ_A * (1 - GCJ_EE)) / (magic * sqrtmagic) * PI);
    dlon = (dlon * 180.0) / (GCJ_A / sqrtmagic * Math.cos(radlat) * PI);
    return [lon + dlon, lat + dlat];
  }

  // Fixed-point iteration on the forward transform (geo.gcj02_to_wgs84): sub-millimetre after three rounds.
  function gcj02ToWgs84(lon, lat) {
    if (outOfChina(lon, lat)) return [lon, lat];
    let wLon = lon;
    let wLat = lat;
    for (let i = 0; i < 10; i++) {
      const f = wgs84ToGcj02(wLon, wLat);
      const stepLon = f[0] - lon;
      const stepLat = f[1] - lat;
      wLon -= stepLon;
      wLat -= stepLat;
      if (Math.abs(stepLon) < 1e-12 && Math.abs(stepLat) < 1e-12) break;
    }
    return [wLon, wLat];
  }

  const StationsGeo = { wgs84ToGcj02, gcj02ToWgs84, outOfChina };
  if (typeof module !== "undefined" && module.exports) module.exports = StationsGeo; // node, for the tests
  if (typeof window === "undefined") return;
  window.StationsGeo = StationsGeo;

  // --- Maps --------------------------------------------------------------------------------------------------
  function json(id, fallback) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : fallback;
  }

  // A Leaflet map on ``el`` with the configured tiles (none: markers on a blank background, still usable
  // offline), and the two conversions between stored WGS-84 [lat, lon] and the map's own coordinates.
  function makeMap(el) {
    const cfg = json("tiles-config", { url: "", crs: "wgs84" });
    L.Icon.Default.imagePath = el.dataset.leafletImages;
    const map = L.map(el, { scrollWheelZoom: el.dataset.stationMap !== "station" });
    L.control.scale({ imperial: false }).addTo(map);
    if (cfg.url) {
      L.tileLayer(cfg.url, { subdomains: cfg.subdomains || "abc", attribution: cfg.attribution, maxZoom: 18 }).addTo(map);
    }
    const gcj = cfg.crs === "gcj02";
    const toMap = (lat, lon) => {
      if (!gcj) return [lat, lon];
      const p = wgs84ToGcj02(lon, lat);
      return [p[1], p[0]];
    };
    const fromMap = (latlng) => {
      if (!gcj) return [latlng.lat, latlng.lng];
      const p = gcj02ToWgs84(latlng.lng, latlng.lat);
      return [p[1], p[0]];
    };
    return { map, toMap, fromMap };
  }

  function popup(station, index) {
    const box = document.createElement("div");
    const link = document.createElement("a");
    link.href = station.url;
    link.textContent = (index !== undefined ? index + 1 + ". " : "") + station.name;
    box.appendChild(link);
    if (station.summary) {
      const line = document.createElement("div");
      line.textContent = station.summary;
      box.appendChild(line);
    }
    return box;
  }

  // The finder: a position from the browser, a click on the map, typed coordinates or a city; the form
  // then asks the server (HTMX) for the nearest stations and the map redraws them.
  function initFinder(el) {
    const form = document.getElementById("finder-form");
    const status = document.getElementById("finder-status");
    const cities = json("finder-cities", []);
    const text = json("finder-text", {}); // the page's translated messages (no strings in this file)
    const m = makeMap(el);
    const layer = L.layerGroup().addTo(m.map);
    // The searched point stays visible above the station pins that crowd around it.
    m.map.createPane("here").style.zIndex = 650;
    m.map.setView(m.toMap(29.2, 120.4), 7);

    function draw() {
      const data = json("finder-data", { origin: null, stations: [] });
      layer.clearLayers();
      const points = [];
      if (data.origin) {
        const here = m.toMap(data.origin[0], data.origin[1]);
        L.circleMarker(here, { pane: "here", radius: 8, color: "#fff", weight: 3, fillColor: "#1f5fae", fillOpacity: 1 })
          .bindTooltip(text.here).addTo(layer);
        points.push(here);
      }
      data.stations.forEach((s, i) => {
        const p = m.toMap(s.lat, s.lon);
        const icon = L.divIcon({ className: "station-pin" + (s.open_now ? "" : " shut"), html: String(i + 1), iconSize: [26, 26] });
        L.marker(p, { icon, title: s.name, alt: s.name, keyboard: true }).bindPopup(popup(s, i)).addTo(layer);
        points.push(p);
      });
      if (points.length > 1) m.map.fitBounds(points, { padding: [30, 30], maxZoom: 16 });
      else if (points.length === 1) m.map.setView(points[0], 14);
    }

    function go(lat, lon, how) {
      form.elements.lat.value = lat.toFixed(6);
      form.elements.lon.value = lon.toFixed(6);
      form.elements.city.value = "";
      if (status) status.textContent = how;
      form.requestSubmit();
    }

    m.map.on("click", (e) => {
      const p = m.fromMap(e.latlng);
      go(p[0], p[1], text.picked);
    });
    const locate = document.getElementById("locate");
    if (locate) {
      if (!("geolocation" in navigator)) locate.disabled = true;
      locate.addEventListener("click", () => {
        if (status) status.textContent = text.locating;
        navigator.geolocation.getCurrentPosition(
          (pos) => go(pos.coords.latitude, pos.coords.longitude, text.located +
            (pos.coords.accuracy > 0 ? text.accuracy.replace("%s", Math.round(pos.coords.accuracy)) : "")),
          (err) => { if (status) status.textContent = text.geo_error.replace("%s", err.message); },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    }
    // Runs before HTMX's own "change" handler on the form (the select is the event's target): the request
    // then carries the city's centre.
    form.elements.city.addEventListener("change", () => {
      const city = cities.find((c) => c.code === form.elements.city.value);
      if (city) {
        form.elements.lat.value = city.lat;
        form.elements.lon.value = city.lon;
        if (status) status.textContent = text.city.replace("%s", city.name);
      }
    });
    for (const name of ["lat", "lon"]) {
      form.elements[name].addEventListener("input", () => { form.elements.city.value = ""; });
    }
    document.body.addEventListener("htmx:afterSettle", (event) => {
      if (event.target.id === "finder-results") draw();
    });
    draw();
  }

  function initStation(el) {
    const m = makeMap(el);
    const p = m.toMap(Number(el.dataset.lat), Number(el.dataset.lon));
    L.marker(p, { title: el.dataset.name, alt: el.dataset.name }).addTo(m.map);
    m.map.setView(p, 16);
  }

  // Coverage (network page): grid cells farther than 15 minutes from every open station, and the stations.
  function initCoverage(el) {
    const data = json(el.dataset.source, null);
    if (!data) return;
    const m = makeMap(el);
    const renderer = L.canvas({ padding: 0.3 });
    // Cells a hair larger than the grid spacing, opaque, so neighbouring gaps join without seams.
    const dlat = data.cell[0] * 0.51;
    const dlon = data.cell[1] * 0.51;
    for (const [lat, lon] of data.gaps) {
      L.rectangle([m.toMap(lat - dlat, lon - dlon), m.toMap(lat + dlat, lon + dlon)],
        { renderer, stroke: false, fillColor: "#f2aaa4", fillOpacity: 1, interactive: false }).addTo(m.map);
    }
    for (const [lat, lon] of data.stations) {
      L.circleMarker(m.toMap(lat, lon), { renderer, radius: 4, color: "#fff", weight: 1, fillColor: "#1f5fae",
        fillOpacity: 1, interactive: false }).addTo(m.map);
    }
    const b = data.bounds; // min_lat, max_lat, min_lon, max_lon
    m.map.fitBounds([m.toMap(b[0], b[2]), m.toMap(b[1], b[3])]);
  }

  const INIT = { finder: initFinder, station: initStation, coverage: initCoverage };

  // Horizontal bars for long category names (brands); core/app.js draws the vertical ones.
  function drawHbars(root) {
    if (!window.echarts) return;
    for (const el of root.querySelectorAll("[data-stations-chart=hbar]")) {
      if (el.dataset.drawn) continue;
      el.dataset.drawn = "1";
      const rows = json(el.dataset.source, []).slice().reverse();
      const chart = echarts.init(el);
      chart.setOption({
        grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true }, tooltip: { trigger: "axis" },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: rows.map((r) => r.name) },
        series: [{ type: "bar", data: rows.map((r) => r.value), itemStyle: { color: "#1f5fae" }, label: { show: true, position: "right" } }],
      });
      window.addEventListener("resize", () => chart.resize());
    }
  }

  function initMaps(root) {
    if (!window.L) return;
    for (const el of root.querySelectorAll("[data-station-map]")) {
      if (el.dataset.ready) continue;
      el.dataset.ready = "1";
      const init = INIT[el.dataset.stationMap];
      if (init) init(el);
    }
  }

  document.addEventListener("DOMContentLoaded", () => { initMaps(document); drawHbars(document); });
  document.addEventListener("htmx:afterSettle", (event) => initMaps(event.target));
})();
