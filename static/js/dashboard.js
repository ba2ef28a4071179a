// Charts of the dashboard, drawn from the numbers the page already shows in tables.
(function () {
  const source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const red = "#b31b1b";
  // Numbers first: no animation, the chart is there as soon as the page is.
  Chart.defaults.animation = false;

  const registrations = document.getElementById("chart-registrations");
  if (registrations) {
    const labels = data.registrations.map(function (p) { return p.date; });
    new Chart(registrations, {
      type: "line",
      data: {
        labels: labels,
        datasets: [
          { label: "Đã nộp (lũy kế)", data: data.registrations.map(function (p) { return p.count; }), borderColor: red, tension: 0.2, pointRadius: 0 },
          { label: "Phải đăng ký (hạn " + data.deadline + ")", data: labels.map(function () { return data.required; }), borderColor: "#6c757d", borderDash: [6, 4], pointRadius: 0 }
        ]
      },
      options: { plugins: { legend: { position: "bottom" } }, scales: { y: { beginAtZero: true } } }
    });
  }

  const coverage = document.getElementById("chart-coverage");
  if (coverage) {
    new Chart(coverage, {
      type: "bar",
      data: {
        labels: data.coverage.map(function (c) { return c.name; }),
        datasets: [{ label: "% đăng ký", data: data.coverage.map(function (c) { return c.value; }),
          backgroundColor: data.coverage.map(function (c) { return c.value < 100 ? "#dc3545" : "#198754"; }) }]
      },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { min: 0, max: 100 }, y: { ticks: { autoSkip: false, font: { size: 9 } } } } }
    });
  }

  const commendations = document.getElementById("chart-commendations");
  if (commendations) {
    new Chart(commendations, {
      type: "bar",
      data: {
        labels: data.commendations.map(function (c) { return c.form; }),
        datasets: [
          { label: "Tập thể", data: data.commendations.map(function (c) { return c.collective; }), backgroundColor: "#0d6efd" },
          { label: "Cá nhân", data: data.commendations.map(function (c) { return c.person; }), backgroundColor: red }
        ]
      },
      options: { plugins: { legend: { position: "bottom" } }, scales: { x: { ticks: { font: { size: 9 } } } } }
    });
  }
})();
