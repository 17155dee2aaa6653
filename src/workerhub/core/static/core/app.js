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
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: data.map((d) => d.value), itemStyle: { color: "#b3261e" } }],
    });
    window.addEventListener("resize", () => chart.resize());
  }
}

// Stacked principal/interest per loan year (housing calculator).
function drawStack(el, rows) {
  const chart = echarts.init(el);
  chart.setOption({
    grid: { left: 64, right: 16, top: 32, bottom: 40 }, tooltip: { trigger: "axis" }, legend: { top: 0 },
    xAxis: { type: "category", data: rows.map((r) => "第" + r.year + "年") },
    yAxis: { type: "value" },
    series: [
      { name: "本金", type: "bar", stack: "y", data: rows.map((r) => r.principal), itemStyle: { color: "#1f5fae" } },
      { name: "利息", type: "bar", stack: "y", data: rows.map((r) => r.interest), itemStyle: { color: "#b3261e" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
}

// Accounts opened and deposits per month (housing statistics).
function drawMonths(el, rows) {
  const chart = echarts.init(el);
  chart.setOption({
    grid: { left: 64, right: 64, top: 32, bottom: 40 }, tooltip: { trigger: "axis" }, legend: { top: 0 },
    xAxis: { type: "category", data: rows.map((r) => r.month) },
    yAxis: [{ type: "value", name: "户" }, { type: "value", name: "元" }],
    series: [
      { name: "开户数", type: "bar", data: rows.map((r) => r.accounts), itemStyle: { color: "#1f5fae" } },
      { name: "缴存金额", type: "line", yAxisIndex: 1, data: rows.map((r) => Number(r.deposits)), itemStyle: { color: "#b3261e" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
}

const CHARTS = { stack: drawStack, months: drawMonths };
function drawNamedCharts(root) {
  if (!window.echarts) return;
  for (const el of root.querySelectorAll("[data-chart]")) {
    const draw = CHARTS[el.dataset.chart];
    if (!draw || el.dataset.drawn) continue;
    el.dataset.drawn = "1";
    draw(el, JSON.parse(document.getElementById(el.dataset.source).textContent));
  }
}
document.addEventListener("DOMContentLoaded", () => drawNamedCharts(document));
document.addEventListener("htmx:afterSettle", (event) => drawNamedCharts(event.target));
