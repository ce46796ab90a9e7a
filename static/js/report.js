// Polls the render's status, shows where it stands, and opens the PDF when it is ready (the page also works
// without JavaScript: its meta refresh reloads it).
(function () {
  "use strict";
  var el = document.querySelector("[data-status-url]");
  if (!el) return;
  var stage = el.querySelector("[data-render-stage]");
  var estimate = el.querySelector("[data-render-estimate]");
  var refresh = document.querySelector('meta[http-equiv="refresh"]');
  if (refresh) refresh.parentNode.removeChild(refresh); // this script checks instead
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function show(data) {
    if (stage) {
      stage.textContent = data.status === "rendering" ? "The PDF is being rendered now."
        : data.ahead ? "The PDF is waiting for its turn: " + plural(data.ahead, "document") + (data.ahead === 1 ? " is" : " are") + " ahead of it."
        : "The PDF is next in line to be rendered.";
    }
    if (estimate && data.seconds) estimate.textContent = "Ready in about " + plural(data.seconds, "second") + ".";
  }
  function poll() {
    fetch(el.getAttribute("data-status-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.status === "done") {
          if (stage) stage.textContent = "The PDF is ready: its download starts now.";
          if (estimate) estimate.textContent = "";
          window.location = el.getAttribute("data-pdf-url");
        } else if (data.status === "failed") { window.location = el.getAttribute("data-pdf-url"); }
        else { show(data); window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  }
  window.setTimeout(poll, 1500);
})();
