// Narrow a table's rows as the user types: <input data-filter-rows="#table-id">; each row carries
// data-filter-text. Without JavaScript the same input is a normal search field (the form's GET).
document.querySelectorAll("input[data-filter-rows]").forEach((input) => {
  const table = document.querySelector(input.dataset.filterRows);
  if (!table) return;
  const status = document.getElementById(input.getAttribute("aria-controls") + "-status");
  const rows = Array.from(table.querySelectorAll("tbody tr[data-filter-text]"));
  input.addEventListener("input", () => {
    const wanted = input.value.trim().toLocaleLowerCase();
    let shown = 0;
    rows.forEach((row) => {
      const ticked = row.querySelector("input[type=checkbox]:checked");
      const match = !wanted || row.dataset.filterText.includes(wanted) || ticked;
      row.hidden = !match;
      if (match) shown += 1;
    });
    if (status) status.textContent = status.dataset.template.replace("%s", shown);
  });
});
