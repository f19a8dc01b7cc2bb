// Charts of a schedule risk analysis: finish histogram with the S-curve and P50/P80
// markers, the tornado of rank correlations, and the cost histogram.
(function () {
  const data = JSON.parse(JSON.parse(document.getElementById("chart-data").textContent));
  const fmt = (iso) => new Date(iso).toLocaleDateString(undefined, { day: "2-digit", month: "short", year: "2-digit" });
  const counts = data.histogram.counts;
  const total = counts.reduce((a, b) => a + b, 0);
  let run = 0;
  const cumulative = counts.map((c) => ((run += c) / total) * 100);
  const edges = data.histogram.labels.map((d) => new Date(d));
  const first = new Date(data.histogram.edges[0]).getTime();
  const last = new Date(data.histogram.edges[data.histogram.edges.length - 1]).getTime();
  const width = (last - first) / counts.length || 1;
  const position = (iso) => (new Date(iso).getTime() - first) / width - 0.5;
  const markers = {
    id: "markers",
    afterDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      // P50 is labelled left of its line and P80 right of it, so close dates stay legible.
      [["P50", data.p50, "#2e86de", "right"], ["P80", data.p80, "#c0392b", "left"]].forEach(([label, iso, colour, align]) => {
        const x = scales.x.getPixelForValue(position(iso));
        ctx.save();
        ctx.strokeStyle = colour; ctx.lineWidth = 2; ctx.setLineDash([6, 4]);
        ctx.beginPath(); ctx.moveTo(x, chartArea.top); ctx.lineTo(x, chartArea.bottom); ctx.stroke();
        ctx.fillStyle = colour; ctx.font = "bold 12px sans-serif"; ctx.textAlign = align;
        ctx.fillText(` ${label} ${fmt(iso)} `, x, chartArea.top - 4);
        ctx.restore();
      });
    },
  };
  new Chart(document.getElementById("finish-chart"), {
    data: {
      labels: data.histogram.labels.map((d) => fmt(d)),
      datasets: [
        { type: "bar", label: "Iterations", data: counts, backgroundColor: "#9ec5ea", yAxisID: "y", order: 2 },
        { type: "line", label: "Cumulative %", data: cumulative, borderColor: "#1f3b57", pointRadius: 0, tension: 0.2, yAxisID: "y2", order: 1 },
      ],
    },
    options: {
      maintainAspectRatio: false, animation: false, layout: { padding: { top: 18 } },
      plugins: { legend: { position: "bottom" } },
      scales: {
        y: { beginAtZero: true, title: { display: true, text: "iterations" } },
        y2: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, ticks: { callback: (v) => `${v}%` } },
        x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 } },
      },
    },
    plugins: [markers],
  });
  const tornado = (canvas, bars) => new Chart(canvas, {
    type: "bar",
    data: {
      labels: bars.map((b) => (b.label.length > 38 ? b.label.slice(0, 37) + "…" : b.label)),
      datasets: [{ label: "Rank correlation", data: bars.map((b) => b.rho),
        backgroundColor: bars.map((b) => (b.kind === "risk" ? "#e67e22" : b.rho >= 0 ? "#c0392b" : "#27ae60")) }],
    },
    options: {
      indexAxis: "y", maintainAspectRatio: false, animation: false,
      scales: { x: { min: -1, max: 1 } },
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => `${bars[c.dataIndex].kind}: ρ = ${c.raw}` } } },
    },
  });
  tornado(document.getElementById("tornado-chart"), data.tornado);
  const costTornado = document.getElementById("cost-tornado-chart");
  if (costTornado && data.cost) tornado(costTornado, data.cost.tornado || []);
  // "Will we make this date?": chance of finishing by the end of the chosen day.
  const input = document.getElementById("check-date");
  if (input && data.by_day) {
    const show = () => {
      const { dates, probabilities } = data.by_day;
      let share = 0;
      if (input.value >= dates[dates.length - 1]) share = 1;
      else for (let i = 0; i < dates.length && dates[i] <= input.value; i++) share = probabilities[i];
      document.getElementById("check-probability").textContent = input.value ? `${Math.round(share * 100)} %` : "";
    };
    input.addEventListener("input", show);
    show();
  }
  const cost = data.cost;
  const canvas = document.getElementById("cost-chart");
  if (cost && canvas) {
    new Chart(canvas, {
      type: "bar",
      data: { labels: cost.histogram.edges.slice(0, -1).map((v) => Number(v).toLocaleString(undefined, { maximumFractionDigits: 0 })),
        datasets: [{ label: "Iterations", data: cost.histogram.counts, backgroundColor: "#b8d8be" }] },
      options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } },
        scales: { x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 } } } },
    });
  }
})();
