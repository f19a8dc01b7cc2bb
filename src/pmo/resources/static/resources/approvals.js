// Approvals page: "Select all" and a live count on the "Approve selected" button.
(function () {
  const all = document.getElementById("select-all-weeks");
  const button = document.getElementById("approve-selected");
  if (!all || !button) return;
  const picks = Array.from(document.querySelectorAll("input.week-pick"));
  const refresh = () => {
    const n = picks.filter((p) => p.checked).length;
    button.disabled = n === 0;
    button.textContent = n ? `Approve ${n} selected week${n === 1 ? "" : "s"}` : "Approve selected";
    all.checked = n === picks.length;
    all.indeterminate = n > 0 && n < picks.length;
  };
  all.addEventListener("change", () => {
    picks.forEach((p) => { p.checked = all.checked; });
    refresh();
  });
  picks.forEach((p) => p.addEventListener("change", refresh));
  refresh();
})();
