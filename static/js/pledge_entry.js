// Item rows of a pledge: add a row without a reload, hide a row marked for deletion,
// and put the cursor in the first empty item. The form works without this file.
(function () {
  const form = document.getElementById("pledge-form");
  if (!form) return;
  const items = document.getElementById("items");
  const total = form.querySelector("[name$='-TOTAL_FORMS']");

  function renumber() {
    let number = 0;
    items.querySelectorAll("[data-item-row]").forEach(function (row) {
      const deleted = row.querySelector("[data-item-delete]");
      if (deleted && deleted.checked) return;
      number += 1;
      const label = row.querySelector("[data-item-number]");
      if (label) label.textContent = number;
    });
  }

  form.addEventListener("click", function (event) {
    const button = event.target.closest("[data-add-row]");
    if (!button) return;
    event.preventDefault();
    const index = parseInt(total.value, 10);
    fetch(form.dataset.itemRowUrl + "?index=" + index, { headers: { "HX-Request": "true" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        items.insertAdjacentHTML("beforeend", html);
        total.value = index + 1;
        renumber();
        const rows = items.querySelectorAll("[data-item-row]");
        rows[rows.length - 1].querySelector("textarea").focus();
      });
  });

  form.addEventListener("change", function (event) {
    const box = event.target.closest("[data-item-delete]");
    if (!box) return;
    const row = box.closest("[data-item-row]");
    row.classList.toggle("opacity-50", box.checked);
    renumber();
  });

  // Ctrl+Enter saves a draft from anywhere in the form.
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.querySelector("button[name='save']").click();
    }
  });

  const firstEmpty = Array.from(items.querySelectorAll("textarea")).find(function (t) { return !t.value; });
  if (firstEmpty && !form.querySelector(".is-invalid")) firstEmpty.focus();
  const invalid = form.querySelector(".is-invalid");
  if (invalid) invalid.focus();
})();
