// Polls the report status and opens the PDF when it is ready (the page also works without JavaScript).
(function () {
  "use strict";
  var el = document.querySelector("[data-status-url]");
  if (!el) return;
  function poll() {
    fetch(el.getAttribute("data-status-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.status === "done" || data.status === "failed") { window.location = el.getAttribute("data-pdf-url"); }
        else { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  }
  window.setTimeout(poll, 1500);
})();
