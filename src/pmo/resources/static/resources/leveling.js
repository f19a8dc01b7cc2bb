// Leveling preview: over-allocated days per person before and after, drawn when the
// preview is on the page (at load, or when the polling swap brings it in).
(function () {
  const draw = () => {
    const source = document.getElementById("leveling-load");
    const canvas = document.getElementById("chart-leveling-load");
    if (!source || !canvas || !window.Chart || canvas.dataset.drawn) return;
    canvas.dataset.drawn = "1";
    const rows = JSON.parse(source.textContent).slice(0, 25);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map((r) => r.resource),
        datasets: [
          { label: "Before leveling", data: rows.map((r) => r.before), backgroundColor: "#c5221f" },
          { label: "After leveling", data: rows.map((r) => r.after), backgroundColor: "#1f4e79" },
        ],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        scales: {
          x: { beginAtZero: true, title: { display: true, text: "working days over capacity" }, ticks: { precision: 0 } },
          y: { ticks: { autoSkip: false } },
        },
      },
    });
  };
  document.addEventListener("DOMContentLoaded", draw);
  document.body.addEventListener("htmx:afterSettle", draw);
  draw();
})();
