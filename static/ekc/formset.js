// Adds a row to a Django formset without reloading the page. Without JavaScript
// the same button submits the form and the server adds the row.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-row]");
  if (!button) return;
  const prefix = button.dataset.addRow;
  const template = document.getElementById(`${prefix}-empty`);
  const rows = document.getElementById(`${prefix}-rows`);
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  if (!template || !rows || !total) return;
  event.preventDefault();
  const index = Number(total.value);
  const html = template.innerHTML.replaceAll("__prefix__", String(index)).replaceAll("__number__", String(index + 1));
  rows.insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  const first = rows.lastElementChild.querySelector("textarea, input, select");
  if (first) first.focus();
});
