// Attendance tick list of a study session: "tick all / untick all" and a live count.
// The form works without this file (plain checkboxes).
(function () {
  const box = document.querySelector("[data-attendance]");
  if (!box) return;
  const checkboxes = box.querySelectorAll("input[type=checkbox]");
  // The count in the list's heading and the one beside the save button at the bottom.
  const countLabels = (box.closest("form") || box).querySelectorAll("[data-attendance-count]");
  const tools = box.querySelector("[data-attendance-tools]");

  function recount() {
    let ticked = 0;
    checkboxes.forEach(function (checkbox) { if (checkbox.checked) ticked += 1; });
    countLabels.forEach(function (label) { label.textContent = ticked; });
  }

  function setAll(checked) {
    checkboxes.forEach(function (checkbox) { checkbox.checked = checked; });
    recount();
  }

  if (tools) {
    tools.classList.remove("d-none");
    tools.addEventListener("click", function (event) {
      if (event.target.closest("[data-check-all]")) setAll(true);
      else if (event.target.closest("[data-uncheck-all]")) setAll(false);
    });
  }
  box.addEventListener("change", recount);
  recount();

  // An online conference usually has head counts and bridge points: open that part.
  const form = box.closest("form");
  const counts = form && form.querySelector("details[data-counts]");
  if (form && counts) {
    form.addEventListener("change", function (event) {
      if (event.target.name === "kind" && event.target.value === "online") counts.open = true;
    });
  }
})();
