/* Legal documents: hide the rest of a block while every one of its gate questions is answered "No"
   (the document then prints only "No"). Without JavaScript every field stays visible; the server
   ignores a closed block's fields either way. */
(function () {
  "use strict";
  function update(block) {
    var gates = block.getAttribute("data-gates").split(" ");
    var closed = gates.every(function (gate) {
      var no = block.querySelector('input[name="' + gate + '"][value="no"]');
      return no && no.checked;
    });
    block.querySelectorAll("[data-field]").forEach(function (wrapper) {
      if (gates.indexOf(wrapper.getAttribute("data-field")) === -1) {
        wrapper.hidden = closed;
      }
    });
  }
  document.querySelectorAll("[data-gates]").forEach(function (block) {
    update(block);
    block.addEventListener("change", function () { update(block); });
  });
})();
