// Date fields typed as dd/mm/yyyy (committees.forms.VnDateInput): the slashes come by
// themselves as the digits are typed, a pasted 2024-03-05 becomes 05/03/2024, and a date
// that cannot exist is flagged when the field is left. The server checks again; without this
// file the field is a plain text field that accepts the same input.
(function () {
  const SELECTOR = "[data-date-input]";

  function withSlashes(value) {
    const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
    if (iso) return pad(iso[3]) + "/" + pad(iso[2]) + "/" + iso[1];
    // "123" → "12/3", "12/034" → "12/03/4": a third digit in a part starts the next one.
    let result = value.replace(/\/{2,}/g, "/").replace(/^(\d{2})(\d)/, "$1/$2").replace(/^(\d{1,2}\/\d{2})(\d)/, "$1/$2");
    // A complete day or month gets its slash at once: "12" → "12/", "12/03" → "12/03/".
    if (/^\d{2}$/.test(result) || /^\d{1,2}\/\d{2}$/.test(result)) result += "/";
    return result;
  }

  function pad(part) {
    return part.length === 1 ? "0" + part : part;
  }

  function isDate(value) {
    const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
    if (!match) return false;
    const day = Number(match[1]), month = Number(match[2]), year = Number(match[3]);
    const date = new Date(year, month - 1, day);
    return date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day;
  }

  // The note under a field flagged here (a message from the server keeps its own place).
  function note(field) {
    let element = document.getElementById(field.id + "_date_feedback");
    if (!element) {
      element = document.createElement("div");
      element.className = "invalid-feedback";
      element.id = field.id + "_date_feedback";
      field.insertAdjacentElement("afterend", element);
    }
    return element;
  }

  function check(field) {
    const value = field.value.trim();
    if (value !== "" && !isDate(value)) {
      if (!field.dataset.dateFlagged) {
        field.dataset.dateFlagged = field.getAttribute("aria-describedby") || " ";
      }
      note(field).textContent = field.dataset.dateInvalid || "dd/mm/yyyy";
      field.classList.add("is-invalid");
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", field.id + "_date_feedback");
    } else if (field.dataset.dateFlagged) {
      const previous = field.dataset.dateFlagged.trim();
      delete field.dataset.dateFlagged;
      note(field).textContent = "";
      field.classList.remove("is-invalid");
      field.removeAttribute("aria-invalid");
      if (previous) field.setAttribute("aria-describedby", previous);
      else field.removeAttribute("aria-describedby");
    }
  }

  document.addEventListener("input", function (event) {
    const field = event.target.closest && event.target.closest(SELECTOR);
    if (!field) return;
    // Only when typing or pasting at the end: deleting, or editing in the middle, is left alone.
    const atEnd = field.selectionStart === field.value.length;
    if (!atEnd || (event.inputType && event.inputType.indexOf("delete") === 0)) return;
    const value = withSlashes(field.value);
    if (value !== field.value) field.value = value;
  });

  document.addEventListener("focusout", function (event) {
    const field = event.target.closest && event.target.closest(SELECTOR);
    if (field) check(field);
  });
})();
