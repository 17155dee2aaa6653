// WorkerHub page behaviour: no inline scripts (CSP), data from json_script blocks.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  for (const link of document.querySelectorAll("[data-back]")) {
    link.addEventListener("click", (event) => { event.preventDefault(); history.back(); });
  }
  drawCharts(document);
});

function drawCharts(root) {
  if (!window.echarts) return;
  for (const el of root.querySelectorAll("[data-chart=bar]")) {
    const data = JSON.parse(document.getElementById(el.dataset.source).textContent);
    const chart = echarts.init(el);
    chart.setOption({
      grid: { left: 48, right: 16, top: 16, bottom: 60 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.map((d) => d.name), axisLabel: { rotate: data.length > 8 ? 35 : 0 } },
      yAxis: { type: "value" },
      series: [{ type: "bar", data: data.map((d) => d.value), itemStyle: { color: "#b3261e" } }],
    });
    window.addEventListener("resize", () => chart.resize());
  }
}
