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
