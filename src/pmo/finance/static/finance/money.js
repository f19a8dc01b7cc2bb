// Charts of the Money tab: cumulative cost lines and the earned value trend.
(function () {
  const currency = (v) => new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(v);
  const money = { ticks: { callback: (v) => currency(v) } };
  const cost = JSON.parse(document.getElementById("cost-data").textContent);
  new Chart(document.getElementById("cost-chart"), {
    type: "line",
    data: {
      labels: cost.labels,
      datasets: [
        { label: "Budget", data: cost.cum_budget, borderColor: "#1f4e79", backgroundColor: "#1f4e79", pointRadius: 0, tension: 0.2 },
        { label: "Actual", data: cost.cum_actual.map((v, i) => (cost.cum_forecast[i] === null ? v : null)), borderColor: "#c5221f", backgroundColor: "#c5221f", pointRadius: 2 },
        { label: "Forecast", data: cost.cum_forecast, borderColor: "#e8a100", backgroundColor: "#e8a100", borderDash: [6, 4], pointRadius: 0 },
      ],
    },
    options: { maintainAspectRatio: false, interaction: { mode: "index", intersect: false }, scales: { y: money } },
  });
  const t = JSON.parse(document.getElementById("trend-data").textContent);
  new Chart(document.getElementById("evm-chart"), {
    type: "line",
    data: {
      datasets: [
        { label: "PV (baseline)", data: t.curve, borderColor: "#1f4e79", backgroundColor: "#1f4e79", pointRadius: 0, tension: 0.2 },
        { label: "EV", data: t.labels.map((x, i) => ({ x, y: t.ev[i] })), borderColor: "#1e8e3e", backgroundColor: "#1e8e3e" },
        { label: "AC", data: t.labels.map((x, i) => ({ x, y: t.ac[i] })), borderColor: "#c5221f", backgroundColor: "#c5221f" },
      ],
    },
    options: {
      maintainAspectRatio: false,
      parsing: true,
      scales: { x: { type: "category", labels: [...new Set([...t.curve.map((p) => p.x), ...t.labels])].sort() }, y: money },
    },
  });
})();
