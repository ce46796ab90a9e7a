// Training-compute estimator: small enhancements; "Calculate" and "Use this value" work without JavaScript.
(function () {
  "use strict";
  var PEAK = { a100: 3.0e14, h100: 9.89e14 };
  var SCALE = { k: 1e3, thousand: 1e3, m: 1e6, mn: 1e6, million: 1e6, b: 1e9, bn: 1e9, billion: 1e9,
                t: 1e12, tn: 1e12, trillion: 1e12 };
  function parse(text) {
    if (!text) return NaN;
    var raw = String(text).trim();
    var s = raw.match(/^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)$/i);
    if (s) return SCALE[s[2].toLowerCase()] ? parseFloat(s[1]) * SCALE[s[2].toLowerCase()] : NaN;
    var t = raw.replace(/\s+/g, "").replace(/FLOPs?$/i, "");
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
  function estimate(fieldset) {
    if (fieldset.getAttribute("data-method") === "hardware") {
      var preset = value(fieldset, "accelerator");
      var peak = preset === "custom" ? parse(value(fieldset, "peak")) : PEAK[preset];
      return parse(value(fieldset, "accelerators")) * parse(value(fieldset, "days")) * 86400 * peak *
        parse(value(fieldset, "utilisation")) / 100;
    }
    return 6 * parse(value(fieldset, "parameters")) * parse(value(fieldset, "tokens"));
  }
  document.querySelectorAll("[data-estimator]").forEach(function (box) {
    var live = box.querySelector("[data-estimate-live]");
    box.querySelectorAll("fieldset[data-method]").forEach(function (fieldset) {
      function update() {
        var flop = estimate(fieldset), legend = fieldset.querySelector("legend").textContent;
        if (fmt(flop) && box.getAttribute("data-used") === flop.toExponential(2)) return;  // already in the answer
        live.textContent = fmt(flop) ? legend + ": " + fmt(flop) + " FLOP (±30 %: " + fmt(flop * 0.7) + " to " +
          fmt(flop * 1.3) + "). Select “Calculate” to put it in the answer." : "";
      }
      fieldset.addEventListener("input", update);
      fieldset.addEventListener("change", update);
      // "Calculate" in place: the estimate and its method go into the answer, no round trip (without JavaScript
      // the server does the same in one); inputs it cannot read are left to the server, which names the field
      var calculate = fieldset.querySelector("[data-calculate]");
      if (calculate) calculate.addEventListener("click", function (event) {
        var flop = estimate(fieldset);
        var input = document.querySelector("input[name$='-" + box.getAttribute("data-estimator") + "']");
        if (!input || !fmt(flop) || flop > 1e40) return;
        event.preventDefault();
        input.value = flop.toExponential(2).replace("e+", "e");
        var methodInput = box.getAttribute("data-method-input");
        var radio = methodInput && document.querySelector("input[name='" + methodInput + "'][value='" +
          fieldset.getAttribute("data-method") + "']");
        if (radio) radio.checked = true;
        box.setAttribute("data-used", flop.toExponential(2));
        fieldset.querySelectorAll(".field-error").forEach(function (error) { error.remove(); });  // answered now
        fieldset.querySelectorAll(".question-error").forEach(function (wrapper) { wrapper.classList.remove("question-error"); });
        fieldset.querySelectorAll("[aria-invalid]").forEach(function (field) { field.removeAttribute("aria-invalid"); });
        live.textContent = "Estimate " + fmt(flop) + " FLOP (" + fmt(flop * 0.7) + " to " + fmt(flop * 1.3) +
          " with ±30 %) put in the answer above" + (radio ? ", with the method" : "") + ": check it and save.";
        input.focus();
      });
      // Enter in an estimator field calculates with that method (not "Save and continue")
      fieldset.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && event.target.tagName === "INPUT") {
          event.preventDefault();
          fieldset.querySelector("[data-calculate]").click();
        }
      });
    });
    var result = box.querySelector("[data-estimate-result] [tabindex='-1']");
    var use = box.querySelector("[data-use-estimate]");
    if (use) {
      use.focus();
      use.addEventListener("click", function (event) {
        var input = document.querySelector("input[name$='-" + box.getAttribute("data-estimator") + "']");
        if (!input) return;
        event.preventDefault();
        input.value = use.getAttribute("data-use-estimate").replace("e+", "e");
        var methodInput = use.getAttribute("data-use-method-input");
        if (methodInput) {
          var radio = document.querySelector("input[name='" + methodInput + "'][value='" + use.getAttribute("data-use-method") + "']");
          if (radio) radio.checked = true;
        }
        result.textContent = "The estimate has been put in the answer: check it and save.";
        use.remove();
        input.focus();
      });
    }
  });
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
