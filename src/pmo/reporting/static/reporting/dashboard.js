// Dashboard charts; drawn again whenever htmx swaps in a filtered board.
(function () {
  const charts = [];
  const fmt = (v) => new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(v);
  const colors = { green: "#1e8e3e", amber: "#e8a100", red: "#c5221f", none: "#9aa5b1" };
  function draw() {
    while (charts.length) charts.pop().destroy();
    const curveNode = document.getElementById("s-curve-data");
    if (!curveNode) return;
    const c = JSON.parse(curveNode.textContent);
    const labels = [...new Set([...c.pv, ...c.ev, ...c.ac, ...c.forecast].map((p) => p.x))].sort();
    charts.push(new Chart(document.getElementById("s-curve-chart"), {
      type: "line",
      data: {
        labels,
        datasets: [
          { label: "PV (baseline)", data: c.pv, borderColor: "#1f4e79", backgroundColor: "#1f4e79", pointRadius: 0, tension: 0.2 },
          { label: "EV", data: c.ev, borderColor: "#1e8e3e", backgroundColor: "#1e8e3e" },
          { label: "AC", data: c.ac, borderColor: "#c5221f", backgroundColor: "#c5221f" },
          { label: "Forecast (EAC)", data: c.forecast, borderColor: "#e8a100", backgroundColor: "#e8a100", borderDash: [6, 4] },
        ],
      },
      options: {
        maintainAspectRatio: false, spanGaps: true,
        scales: { x: { ticks: { maxTicksLimit: 12 } }, y: { beginAtZero: true, ticks: { callback: fmt } } },
      },
    }));
    const points = JSON.parse(document.getElementById("scatter-data").textContent);
    charts.push(new Chart(document.getElementById("scatter-chart"), {
      type: "scatter",
      data: { datasets: [{ label: "Projects", data: points, pointRadius: 6, pointBackgroundColor: points.map((p) => colors[p.rag] || colors.none) }] },
      options: {
        maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: (ctx) => `${ctx.raw.code}: SPI ${ctx.raw.x}, CPI ${ctx.raw.y}` } } },
        scales: { x: { title: { display: true, text: "SPI (schedule)" } }, y: { title: { display: true, text: "CPI (cost)" } } },
        onClick: (evt, items) => { if (items.length) window.location = `/projects/${points[items[0].index].id}/status/`; },
      },
    }));
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.body.addEventListener("htmx:afterSettle", draw);
})();
