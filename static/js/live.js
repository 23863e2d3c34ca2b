// Live visitor count: re-reads a tiny JSON endpoint while the page is visible.
// A file of its own because the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  var box = document.querySelector("[data-live-url]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-live-url");
  var every = parseInt(box.getAttribute("data-live-interval"), 10) || 15000;
  var count = box.querySelector("[data-live-count]");
  var noun = box.querySelector("[data-live-noun]");

  function show(visitors) {
    count.textContent = String(visitors);
    noun.textContent = visitors === 1 ? "current visitor" : "current visitors";
  }

  function refresh() {
    if (document.hidden) return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && typeof data.visitors === "number") show(data.visitors);
      })
      .catch(function () { /* offline for a moment: keep the last figure */ });
  }

  setInterval(refresh, every);
  document.addEventListener("visibilitychange", refresh);
})();
