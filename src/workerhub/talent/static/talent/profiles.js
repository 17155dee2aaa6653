// Talent charts (SPEC §2.5, §2.6): the profile radar and the ladder's stacked bars. No inline scripts (CSP):
// data comes from json_script blocks named by data-source.
(function () {
  function data(el) { return JSON.parse(document.getElementById(el.dataset.source).textContent); }

  function radar(el, d) {
    const chart = echarts.init(el);
    chart.setOption({
      tooltip: {},
      radar: { indicator: d.indicators, radius: "68%", axisName: { color: "#394150", fontSize: 13 },
               splitArea: { areaStyle: { color: ["#fff", "#f7f8fa"] } } },
      series: [{ type: "radar", data: [{ value: d.values, name: d.name, areaStyle: { opacity: 0.25 },
                 label: { show: true, color: "#b3261e" } }], itemStyle: { color: "#b3261e" } }],
    });
    window.addEventListener("resize", () => chart.resize());
  }

  const COLOURS = ["#9fb8d9", "#5b8cc7", "#e8b04b", "#e0823d", "#c4512b", "#8e1f16"];
  function ladder(el, d) {
    const chart = echarts.init(el);
    chart.setOption({
      grid: { left: 56, right: 16, top: 48, bottom: 60 }, tooltip: { trigger: "axis" }, legend: { top: 0 },
      xAxis: { type: "category", data: d.areas, axisLabel: { rotate: d.areas.length > 8 ? 35 : 0 } },
      yAxis: { type: "value", minInterval: 1, name: "人" },
      series: d.series.map((s, i) => ({ name: s.name, type: "bar", stack: "rungs", data: s.data,
                                        itemStyle: { color: COLOURS[i % COLOURS.length] } })),
    });
    window.addEventListener("resize", () => chart.resize());
  }

  const DRAW = { radar: radar, ladder: ladder };
  document.addEventListener("DOMContentLoaded", () => {
    if (!window.echarts) return;
    for (const el of document.querySelectorAll("[data-talent-chart]")) {
      DRAW[el.dataset.talentChart](el, data(el));
    }
  });
})();
