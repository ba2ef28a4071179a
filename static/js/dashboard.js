// Charts of the dashboard, drawn from the numbers the page already shows in tables. Numbers
// are written the Vietnamese way (0,2; 1.234) whatever the browser's language; the words come
// translated from the page (reports.dashboard.chart_data).
(function () {
  const source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const labels = data.labels;
  const red = "#b31b1b";
  const LOCALE = "vi-VN";
  const numbers = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
  // Numbers first: no animation, the chart is there as soon as the page is.
  Chart.defaults.animation = false;
  Chart.defaults.locale = LOCALE;

  function count(value) { return numbers.format(value); }
  // A long organization name is shortened on the axis, in the middle so that names told
  // apart by their end stay apart (the table below has them whole).
  function shortName(value) {
    const label = this.getLabelForValue(value);
    return label.length > 34 ? label.slice(0, 16) + "…" + label.slice(-17) : label;
  }
  function percent(value) { return numbers.format(value) + "%"; }

  const registrations = document.getElementById("chart-registrations");
  if (registrations) {
    const days = data.registrations.map(function (p) { return p.date; });
    const dots = days.length < 8 ? 3 : 0;  // a line of a few days shows its points
    new Chart(registrations, {
      type: "line",
      data: {
        labels: days,
        datasets: [
          { label: labels.submitted, data: data.registrations.map(function (p) { return p.count; }), borderColor: red, backgroundColor: red, tension: 0.2, pointRadius: dots },
          { label: labels.required, data: days.map(function () { return data.required; }), borderColor: "#6c757d", backgroundColor: "#6c757d", borderDash: [6, 4], pointRadius: dots }
        ]
      },
      options: {
        plugins: { legend: { position: "bottom" } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0, callback: count } } }
      }
    });
  }

  const coverage = document.getElementById("chart-coverage");
  if (coverage) {
    new Chart(coverage, {
      type: "bar",
      data: {
        labels: data.coverage.map(function (c) { return c.name; }),
        datasets: [{ label: labels.coverage, data: data.coverage.map(function (c) { return c.value; }),
          backgroundColor: data.coverage.map(function (c) { return c.value < 100 ? "#dc3545" : "#198754"; }) }]
      },
      options: {
        indexAxis: "y",
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (item) { return percent(item.parsed.x); } } }
        },
        scales: { x: { min: 0, max: 100, ticks: { callback: percent } }, y: { ticks: { autoSkip: false, font: { size: 9 }, callback: shortName } } }
      }
    });
  }

  const commendations = document.getElementById("chart-commendations");
  if (commendations) {
    new Chart(commendations, {
      type: "bar",
      data: {
        labels: data.commendations.map(function (c) { return c.form; }),
        datasets: [
          { label: labels.collective, data: data.commendations.map(function (c) { return c.collective; }), backgroundColor: "#0d6efd" },
          { label: labels.person, data: data.commendations.map(function (c) { return c.person; }), backgroundColor: red }
        ]
      },
      options: {
        plugins: { legend: { position: "bottom" } },
        scales: { x: { ticks: { font: { size: 9 } } }, y: { beginAtZero: true, ticks: { precision: 0, callback: count } } }
      }
    });
  }
})();
