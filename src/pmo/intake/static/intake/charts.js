/* Intake charts on Chart.js: bubble (value vs risk), cash flows, frontier, spend, capacity. */
(function () {
  "use strict";
  const BRAND = "#1f4e79", AMBER = "#e8a100", GREEN = "#1e8e3e", RED = "#c5221f", GREY = "#9aa5b1";
  const STATE_COLOURS = { submitted: "rgba(26,86,176,0.45)", screened: "rgba(94,53,177,0.5)" };
  const money = (v) => (v === null || v === undefined) ? "—" : Math.round(v).toLocaleString("en-GB");
  const make = (id, config) => {
    const el = typeof id === "string" ? document.getElementById(id) : id;
    if (!el || !window.Chart) return null;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    return new Chart(el, config);
  };

  function bubble(id, points) {
    make(id, {
      type: "bubble",
      data: { datasets: ["screened", "submitted"].map((state) => ({
        label: state === "screened" ? "Screened" : "Submitted",
        data: points.filter((p) => p.state === state),
        backgroundColor: STATE_COLOURS[state], borderColor: state === "screened" ? "#5e35b1" : "#1a56b0",
      })) },
      options: {
        scales: {
          x: { min: 0, max: 6, title: { display: true, text: "Risk (1 very low – 5 very high)" }, ticks: { stepSize: 1, callback: (v) => (v >= 1 && v <= 5 ? v : "") } },
          y: { title: { display: true, text: "Value" } },
        },
        plugins: { tooltip: { callbacks: { label: (c) => `${c.raw.code} ${c.raw.title}: value ${c.raw.y}, risk ${c.raw.risk}, cost ${c.raw.cost}` } } },
      },
    });
  }

  function cash(id, d) {
    make(id, {
      data: { labels: d.labels, datasets: [
        { type: "bar", label: "Capex", data: d.capex, backgroundColor: BRAND, stack: "s" },
        { type: "bar", label: "Opex", data: d.opex, backgroundColor: "#7fa6cc", stack: "s" },
        { type: "bar", label: "Benefit", data: d.benefit, backgroundColor: GREEN, stack: "s" },
        { type: "line", label: "Cumulative net", data: d.cumulative, borderColor: AMBER, backgroundColor: AMBER, tension: 0.2 },
      ] },
      options: { scales: { y: { ticks: { callback: money } } },
        plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${money(c.raw)}` } } } },
    });
  }

  function scenario(d) {
    if (d.frontier.length) {
      const datasets = [
        { label: "Optimiser", data: d.frontier.map((p) => ({ x: p.budget, y: p.value })), borderColor: BRAND, backgroundColor: BRAND, showLine: true, stepped: "after" },
        { label: "Greedy ranking", data: d.frontier.filter((p) => p.greedy !== null).map((p) => ({ x: p.budget, y: p.greedy })), borderColor: GREY, backgroundColor: GREY, borderDash: [6, 4], showLine: true, stepped: "after" },
      ];
      if (d.chosen.budget && d.chosen.value !== null && d.chosen.value !== undefined) {
        datasets.push({ label: "This scenario", data: [{ x: d.chosen.budget, y: d.chosen.value }], pointRadius: 8, pointStyle: "rectRot", backgroundColor: RED, borderColor: RED });
      }
      make("frontier-chart", { type: "scatter", data: { datasets },
        options: { scales: { x: { title: { display: true, text: "Budget over the horizon" }, ticks: { callback: money } }, y: { title: { display: true, text: "Value" } } },
          plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: value ${Math.round(c.raw.y)} at ${money(c.raw.x)}` } } } },
      });
    }
    make("spend-chart", {
      data: { labels: d.years, datasets: [
        { type: "bar", label: "Capex", data: d.capex, backgroundColor: BRAND, stack: "s" },
        { type: "bar", label: "Opex", data: d.opex, backgroundColor: "#7fa6cc", stack: "s" },
        { type: "line", label: "Budget", data: d.budget, borderColor: RED, backgroundColor: RED, showLine: false, pointStyle: "line", pointRadius: 40, pointBorderWidth: 3 },
      ] },
      options: { scales: { y: { ticks: { callback: money } } },
        plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${money(c.raw)}` } } } },
    });
    d.roles.forEach((r, k) => {
      make(`role-chart-${k}`, {
        data: { labels: d.months, datasets: [
          { type: "bar", label: "Demand (h)", data: r.demand, backgroundColor: r.demand.map((v) => v > r.capacity + 1e-6 ? RED : r.color) },
          { type: "line", label: "Capacity (h)", data: d.months.map(() => r.capacity), borderColor: "#34495e", borderDash: [4, 3], pointRadius: 0 },
        ] },
        options: { plugins: { legend: { display: false } }, scales: { x: { ticks: { maxTicksLimit: 12, font: { size: 10 } } }, y: { beginAtZero: true } } },
      });
    });
  }

  function compare(d) {
    make("compare-value", {
      type: "bar",
      data: { labels: d.scenarios.map((s) => s.name), datasets: [
        { label: "Value", data: d.scenarios.map((s) => s.value), backgroundColor: d.scenarios.map((s) => s.color) },
      ] },
      options: { indexAxis: "y", plugins: { legend: { display: false } } },
    });
    make("compare-spend", {
      type: "bar",
      data: { labels: d.years, datasets: d.scenarios.map((s) => ({ label: s.name, data: s.spend, backgroundColor: s.color })) },
      options: { scales: { y: { ticks: { callback: money } } },
        plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${money(c.raw)}` } } } },
    });
  }

  window.pmoIntake = { bubble, cash, scenario, compare };
})();
