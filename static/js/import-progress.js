// Import progress: ask the server how far the import has got, once a second, until it is finished.
// Without JavaScript the page still works: "Check again" reloads it.
(function () {
  "use strict";
  var panel = document.querySelector("[data-import-status-url]");
  if (!panel) return;
  var url = panel.getAttribute("data-import-status-url");
  var bar = panel.querySelector("progress");
  var text = panel.querySelector("[data-import-progress-text]");
  var number = new Intl.NumberFormat();

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (job) {
        if (job.finished) {
          window.location.reload();
          return;
        }
        bar.max = job.total;
        bar.value = job.done;
        text.textContent = number.format(job.done) + " of " + number.format(job.total) + " (" + job.percent + "%)";
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        // A dropped connection: try again a little later, the import carries on regardless.
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
