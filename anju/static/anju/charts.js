/* The dashboard's charts: each <div data-chart="ID"> is drawn by ECharts from the JSON in
   <script type="application/json" id="ID"> (no inline script, so the strict CSP holds). The JSON
   is {"type": "bar"|"line"|"pie", "categories": [...], "series": [{"name": ..., "data": [...]}]};
   the same numbers stand in the table beside each chart, so nothing depends on this script. */
(function () {
  "use strict";
  // The breakdowns are folded (<details class="fold">) so a phone shows the headline first; a
  // wide screen has room for them, so they open there. Without this script they open on a tap.
  if (window.matchMedia("(min-width: 60rem)").matches) {
    document.querySelectorAll("details.fold").forEach(function (fold) { fold.open = true; });
  }
  if (!window.echarts) return;
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var source = document.getElementById(box.dataset.chart);
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var chart = window.echarts.init(box, null, { renderer: "svg" });
    chart.setOption(options(spec));
    charts.push(chart);
  });
  function resizeAll() {
    charts.forEach(function (chart) { chart.resize(); });
  }
  window.addEventListener("resize", resizeAll);
  // A chart drawn while its fold was closed has no size yet: draw it again when the fold opens.
  document.querySelectorAll("details.fold").forEach(function (fold) {
    fold.addEventListener("toggle", resizeAll);
  });

  function options(spec) {
    var base = {
      animation: false,
      tooltip: { trigger: spec.type === "pie" ? "item" : "axis" },
      legend: { top: 0 },
      color: ["#1d4ed8", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2"]
    };
    if (spec.type === "pie") {
      base.series = [{
        type: "pie",
        radius: ["35%", "65%"],
        top: 24,
        data: spec.categories.map(function (name, i) { return { name: name, value: spec.series[0].data[i] }; })
      }];
      return base;
    }
    base.grid = { left: 8, right: 8, top: 32, bottom: 8, containLabel: true };
    base.xAxis = { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: spec.categories.length > 6 ? 40 : 0 } };
    base.yAxis = { type: "value", minInterval: 1 };
    base.series = spec.series.map(function (s) { return { name: s.name, type: spec.type, data: s.data }; });
    return base;
  }
})();
