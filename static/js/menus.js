// Drop-down menus are <details> elements and work without this file; it only
// closes an open one on Escape (focus back on its summary) or a click elsewhere.
(function () {
  "use strict";
  var menus = document.querySelectorAll("details.menu");

  function closeAll(except) {
    menus.forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }

  document.addEventListener("click", function (event) {
    closeAll(event.target.closest("details.menu"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details.menu[open]");
    if (!open) return;
    open.removeAttribute("open");
    open.querySelector("summary").focus();
  });
})();
