// Gap analysis, chapter page: the reason box of a measure shows only while "Not applicable" is chosen (or it holds a
// reason or an error). Without JavaScript every box stays visible; the server checks the reason either way.
(function () {
  "use strict";
  document.querySelectorAll("[data-na-reason]").forEach(function (box) {
    var select = box.parentElement.querySelector("select");
    var text = box.querySelector("textarea");
    if (!select || !text) return;
    function update() {
      box.hidden = !(select.value === "not_applicable" || text.value.trim() || box.querySelector(".field-error"));
    }
    select.addEventListener("change", function () { update(); if (!box.hidden) text.focus(); });
    update();
  });
})();
