// Live training-compute estimate: a small enhancement; the "Calculate" button works without JavaScript.
(function () {
  "use strict";
  var PEAK = { a100: 3.0e14, h100: 9.89e14 };
  function parse(text) {
    if (!text) return NaN;
    var t = String(text).trim().replace(/\s+/g, "").replace(/FLOPs?$/i, "");
    var m = t.match(/^(\d+(?:\.\d+)?|\.\d+)?(?:[×xX*·])?10(?:\^|\*\*)([+-]?\d+)$/);
    if (m) return (m[1] ? parseFloat(m[1]) : 1) * Math.pow(10, parseInt(m[2], 10));
    if (/^(\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) return parseFloat(t);
    return NaN;
  }
  function fmt(v) {
    if (!isFinite(v) || v <= 0) return "";
    var e = Math.floor(Math.log10(v)), m = v / Math.pow(10, e);
    if (Math.round(m * 10) / 10 >= 10) { m /= 10; e += 1; }
    return (Math.round(m * 100) / 100) + " × 10^" + e;
  }
  function value(box, name) { var el = box.querySelector("[name$='-" + name + "']"); return el ? el.value : ""; }
  function update(box) {
    var live = box.querySelector("[data-estimate-live]");
    var methodEl = box.querySelector("[name$='-method']:checked");
    var method = methodEl ? methodEl.value : "architecture", flop;
    if (method === "hardware") {
      var preset = value(box, "accelerator");
      var peak = preset === "custom" ? parse(value(box, "peak")) : PEAK[preset];
      flop = parse(value(box, "accelerators")) * parse(value(box, "days")) * 86400 * peak * parse(value(box, "utilisation")) / 100;
    } else {
      flop = 6 * parse(value(box, "parameters")) * parse(value(box, "tokens"));
    }
    live.textContent = fmt(flop) ? "Estimate: " + fmt(flop) + " FLOP (±30 %: " + fmt(flop * 0.7) + " to " + fmt(flop * 1.3) + "). Select “Calculate” to use it." : "";
  }
  document.querySelectorAll("[data-estimator]").forEach(function (box) {
    box.addEventListener("input", function () { update(box); });
    box.addEventListener("change", function () { update(box); });
  });
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
