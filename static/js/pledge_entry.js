// The keyboard of the pledge entry: one tab stop per field; Enter in an item's target or
// date goes to the next item (adding a row after the last one); Ctrl+Enter submits; Alt+Delete
// marks the current row for deletion (its box is out of the tab order) and unmarks it.
// Rows are added without a reload. The form works without this file.
(function () {
  const form = document.getElementById("pledge-form");
  if (!form) return;
  const items = document.getElementById("items");
  const total = form.querySelector("[name$='-TOTAL_FORMS']");
  const announce = form.querySelector("[data-announce]");
  const MAX_ROWS = 30;

  function rows() {
    return Array.from(items.querySelectorAll("[data-item-row]"));
  }

  function renumber() {
    let number = 0;
    rows().forEach(function (row) {
      const deleted = row.querySelector("[data-item-delete]");
      if (deleted && deleted.checked) return;
      number += 1;
      row.querySelectorAll("[data-item-number]").forEach(function (label) { label.textContent = number; });
    });
  }

  function say(text) {
    if (!announce) return;
    announce.textContent = "";
    window.setTimeout(function () { announce.textContent = text; }, 50);
  }

  // A blank row from the server, appended, its first field focused. Resolves to the row.
  let adding = null;
  function addRow() {
    if (adding) return adding;
    const index = parseInt(total.value, 10);
    if (index >= MAX_ROWS) return Promise.resolve(null);
    adding = fetch(form.dataset.itemRowUrl + "?index=" + index, { headers: { "HX-Request": "true" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        items.insertAdjacentHTML("beforeend", html);
        total.value = index + 1;
        renumber();
        const all = rows();
        const row = all[all.length - 1];
        row.querySelector("textarea").focus();
        return row;
      })
      .finally(function () { adding = null; });
    return adding;
  }

  function nextItem(row) {
    const all = rows();
    const next = all.slice(all.indexOf(row) + 1).find(function (candidate) {
      const box = candidate.querySelector("[data-item-delete]");
      return !(box && box.checked);
    });
    if (next) next.querySelector("textarea").focus();
    else addRow();
  }

  function toggleDelete(row) {
    const box = row.querySelector("[data-item-delete]");
    if (!box) return;
    box.checked = !box.checked;
    row.classList.toggle("opacity-50", box.checked);
    renumber();
    const label = row.querySelector("legend").textContent.trim().replace(/\s+/g, " ");
    say(box.checked ? form.dataset.deletedText + " " + label : form.dataset.keptText + " " + label);
  }

  form.addEventListener("click", function (event) {
    if (!event.target.closest("[data-add-row]")) return;
    event.preventDefault();
    addRow();
  });

  form.addEventListener("change", function (event) {
    const box = event.target.closest("[data-item-delete]");
    if (!box) return;
    box.closest("[data-item-row]").classList.toggle("opacity-50", box.checked);
    renumber();
  });

  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== "Delete") return;
    const row = event.target.closest("[data-item-row]");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.querySelector("button[name='submit']").click();
    } else if (event.key === "Delete" && event.altKey && row) {
      event.preventDefault();
      toggleDelete(row);
    } else if (event.key === "Enter" && row && !event.shiftKey && !event.altKey &&
               event.target.matches("input, select")) {
      event.preventDefault();
      nextItem(row);
    }
  });

  const hint = form.querySelector("[data-shortcuts]");
  if (hint) hint.classList.add("d-md-block");  // a phone has no such keys

  const invalid = form.querySelector(".is-invalid, [aria-invalid='true']");
  const firstEmpty = Array.from(items.querySelectorAll("textarea")).find(function (t) { return !t.value; });
  if (invalid) invalid.focus();
  else if (firstEmpty) firstEmpty.focus();
})();
