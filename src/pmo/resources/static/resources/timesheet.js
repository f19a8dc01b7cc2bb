// Timesheet grid: arrow keys and Enter move between cells, totals follow the typing.
(function () {
  const table = document.querySelector("table.timesheet");
  if (!table) return;
  const cells = () => Array.from(table.querySelectorAll("input[data-row]"));
  const hours = (text) => {
    text = (text || "").trim();
    if (!text) return 0;
    const m = text.match(/^(\d{1,2})[:h](\d{1,2})$/);
    if (m) return Number(m[1]) + Number(m[2]) / 60;
    const n = Number(text.replace(",", "."));
    return Number.isFinite(n) ? n : 0;
  };
  const fmt = (n) => (Math.round(n * 100) / 100).toString();
  const totals = () => {
    const byDay = [0, 0, 0, 0, 0, 0, 0];
    const byRow = {};
    cells().forEach((input) => {
      const v = hours(input.value);
      byDay[input.dataset.day] += v;
      byRow[input.dataset.row] = (byRow[input.dataset.row] || 0) + v;
    });
    byDay.forEach((v, d) => {
      const cell = table.querySelector(`[data-day-total="${d}"]`);
      if (cell) { cell.textContent = fmt(v); cell.classList.toggle("over-day", v > 24); }
    });
    Object.entries(byRow).forEach(([row, v]) => {
      const cell = table.querySelector(`[data-row-total="${row}"]`);
      if (cell) cell.textContent = fmt(v);
    });
    const all = table.querySelector("[data-grand-total]");
    if (all) all.textContent = fmt(byDay.reduce((a, b) => a + b, 0));
  };
  // Phones: one day at a time, starting with today when it is in this week.
  const buttons = Array.from(document.querySelectorAll(".day-switch [data-show]"));
  const show = (day) => {
    table.dataset.showDay = String(day);
    buttons.forEach((b) => b.setAttribute("aria-pressed", b.dataset.show === String(day) ? "true" : "false"));
  };
  buttons.forEach((b) => b.addEventListener("click", () => show(b.dataset.show)));
  show(table.dataset.todayCol || "0");
  table.addEventListener("input", totals);
  table.addEventListener("focusin", (e) => { if (e.target.matches("input[data-row]")) e.target.select(); });
  table.addEventListener("keydown", (e) => {
    const input = e.target;
    if (!input.matches("input[data-row]")) return;
    const rows = Array.from(new Set(cells().map((c) => c.dataset.row)));
    const r = rows.indexOf(input.dataset.row), d = Number(input.dataset.day);
    let target = null;
    const at = (row, day) => table.querySelector(`input[data-row="${rows[row]}"][data-day="${day}"]`);
    if (e.key === "ArrowRight" && input.selectionEnd === input.value.length) target = at(r, Math.min(d + 1, 6));
    else if (e.key === "ArrowLeft" && input.selectionStart === 0) target = at(r, Math.max(d - 1, 0));
    else if (e.key === "ArrowDown" || (e.key === "Enter" && !e.ctrlKey)) target = at(Math.min(r + 1, rows.length - 1), d);
    else if (e.key === "ArrowUp") target = at(Math.max(r - 1, 0), d);
    if (target) { e.preventDefault(); target.focus(); }
    if (e.key === "Enter" && e.ctrlKey) { e.preventDefault(); input.form.requestSubmit(input.form.querySelector("[value=save]")); }
  });
})();
