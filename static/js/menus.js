// Drop-down menus are <details> elements and work without this file; it only
// closes an open one on Escape (focus back on its summary), a click elsewhere,
// or when the keyboard moves focus out of it.
(function () {
  "use strict";
  var menus = document.querySelectorAll("details.menu");

  function closeAll(except) {
    menus.forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }

  menus.forEach(function (menu) {
    menu.addEventListener("focusout", function (event) {
      // relatedTarget is null for a click on something that takes no focus:
      // the click handler below decides then.
      var next = event.relatedTarget;
      if (next && !menu.contains(next)) menu.removeAttribute("open");
    });
  });
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
