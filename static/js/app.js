// Small progressive enhancements; every page works without them.
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

// The year picker moves to the same page of the chosen year.
document.addEventListener("change", function (event) {
  const select = event.target.closest("[data-year-switch]");
  if (!select) return;
  const path = window.location.pathname;
  if (/\/nam\/\d{4}\//.test(path)) {
    window.location.pathname = path.replace(/\/nam\/\d{4}\//, "/nam/" + select.value + "/");
  } else {
    select.form.submit();
  }
});

// "Back" links go back in the browser's history; without script they lead home.
document.addEventListener("click", function (event) {
  const link = event.target.closest("[data-history-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});

// Progress bars carry their width in data-progress: the Content-Security-Policy refuses
// style attributes in the HTML, while a style set from a script file is allowed.
function showProgress(root) {
  const bars = Array.from(root.querySelectorAll("[data-progress]"));
  if (root.matches && root.matches("[data-progress]")) bars.push(root);
  bars.forEach(function (bar) {
    bar.style.width = bar.dataset.progress + "%";
  });
}
if (window.htmx) {
  htmx.onLoad(showProgress);  // the page, then every fragment htmx swaps in
} else {
  document.addEventListener("DOMContentLoaded", function () { showProgress(document); });
}

// A row of tabs wider than the screen says so: a fade and an arrow where more tabs hide, and
// the current tab scrolled into view (app.css, .tabs-scroll).
function tabRows(root) {
  root.querySelectorAll("[data-tabs-scroll]").forEach(function (box) {
    const row = box.querySelector(".nav");
    if (!row || box.dataset.tabsReady) return;
    box.dataset.tabsReady = "1";
    function mark() {
      const max = row.scrollWidth - row.clientWidth;
      box.classList.toggle("more-left", row.scrollLeft > 2);
      box.classList.toggle("more-right", row.scrollLeft < max - 2);
    }
    const current = row.querySelector("[aria-current='page']");
    if (current) {
      const left = current.offsetLeft - (row.clientWidth - current.offsetWidth) / 2;
      row.scrollLeft = Math.max(0, left);
    }
    row.addEventListener("scroll", mark, { passive: true });
    window.addEventListener("resize", mark);
    mark();
  });
}
document.addEventListener("DOMContentLoaded", function () { tabRows(document); });
