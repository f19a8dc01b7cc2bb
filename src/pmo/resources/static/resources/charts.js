// Draws the resource metrics charts from the JSON the page embeds (id "metrics-data").
(function () {
  const source = document.getElementById("metrics-data");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const brand = "#1f4e79", light = "#7cc4ff", amber = "#e8a100", red = "#c5221f";
  const pct = { ticks: { callback: (v) => v + "%" }, beginAtZero: true };
  const draw = (id, config) => {
    const canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, Object.assign({ options: {} }, config));
  };
  const people = data.resources.slice(0, 25);
  // One row per person, every name shown: Chart.js skips labels that do not fit, which
  // left every other bar unnamed in a fixed-height box.
  const personCanvas = document.getElementById("chart-utilisation");
  if (personCanvas) personCanvas.parentElement.style.height = Math.max(280, 70 + 30 * people.length) + "px";
  const legendItems = (chart) => {
    const items = Chart.defaults.plugins.legend.labels.generateLabels(chart);
    // Planned bars are red where they pass 100 %: the legend shows the usual colour
    // and names the red one, rather than taking the first bar's colour.
    items.forEach((item) => { if (item.datasetIndex === 0) item.fillStyle = item.strokeStyle = brand; });
    if (people.some((r) => r.planned_pct > 100)) {
      items.push({ text: "Planned over 100 %", fillStyle: red, strokeStyle: red, lineWidth: 0, hidden: false });
    }
    return items;
  };
  draw("chart-utilisation", {
    type: "bar",
    data: {
      labels: people.map((r) => r.name),
      datasets: [
        { label: "Planned %", data: people.map((r) => r.planned_pct), backgroundColor: people.map((r) => (r.planned_pct > 100 ? red : brand)) },
        { label: "Actual %", data: people.map((r) => r.actual_pct), backgroundColor: light },
      ],
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      scales: { x: pct, y: { ticks: { autoSkip: false } } },
      plugins: {
        legend: {
          labels: { generateLabels: legendItems },
          onClick: (e, item, legend) => {
            if (item.datasetIndex !== undefined) Chart.defaults.plugins.legend.onClick.call(legend, e, item, legend);
          },
        },
        tooltip: { callbacks: { label: (c) => c.dataset.label + ": " + c.raw + "%" } },
      },
    },
  });
  draw("chart-teams", {
    type: "bar",
    data: {
      labels: data.teams.map((t) => t.name),
      datasets: [
        { label: "Planned %", data: data.teams.map((t) => t.planned_pct), backgroundColor: brand },
        { label: "Actual %", data: data.teams.map((t) => t.actual_pct), backgroundColor: light },
      ],
    },
    options: { maintainAspectRatio: false, scales: { y: pct } },
  });
  draw("chart-velocity", {
    type: "bar",
    data: { labels: data.periods, datasets: [{ label: "Approved hours of work", data: data.velocity, backgroundColor: brand }] },
    options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, title: { display: true, text: "hours" } } } },
  });
  draw("chart-burn", {
    type: "bar",
    data: {
      labels: data.periods,
      datasets: [
        { type: "bar", label: "Cost per period", data: data.burn, backgroundColor: amber, yAxisID: "y" },
        { type: "line", label: "Cumulative", data: data.burn_cumulative, borderColor: red, backgroundColor: red, yAxisID: "y1", tension: 0.2 },
      ],
    },
    options: {
      maintainAspectRatio: false,
      scales: {
        y: { beginAtZero: true, title: { display: true, text: data.currency || "" } },
        y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } },
      },
    },
  });
})();
