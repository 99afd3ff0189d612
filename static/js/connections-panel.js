// The quiet panel after an entry is saved can be put away; it never stands in the way of anything.
(function () {
  "use strict";
  document.querySelectorAll("[data-dismiss-panel]").forEach(function (button) {
    var panel = button.closest("[data-dismissable]");
    if (!panel) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      panel.hidden = true;
      var main = document.getElementById("main");
      if (main) { main.focus(); }
    });
  });
})();
