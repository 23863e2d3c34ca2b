// "Exclude this browser": opens the tracked site with #analytics_ignore=true|false in a
// window; the tracker there stores the flag in the site's own storage and posts it back.
// The answer is kept in this origin's storage so the page shows it on later visits.
const TEXT = { true: "excluded: this browser sends nothing", false: "counted" };
document.querySelectorAll("[data-exclusion]").forEach((box) => {
  const key = `analytics_exclusion:${box.dataset.site}:${box.dataset.host}`;
  const status = box.querySelector("[data-status]");
  const show = (value) => { status.textContent = `${TEXT[value]} (as your site last answered)`; };
  if (localStorage[key] in TEXT) show(localStorage[key]);
  let opened = null;
  addEventListener("message", (event) => {
    // Only the window this page opened, on the site's host, and only its two answers.
    if (!opened || event.source !== opened || !(event.data in TEXT)) return;
    if (new URL(event.origin).hostname !== box.dataset.host) return;
    localStorage[key] = event.data;
    show(event.data);
  });
  box.querySelectorAll("[data-url]").forEach((button) => {
    button.addEventListener("click", () => {
      status.textContent = "waiting for your site's answer…";
      // A new window each time: in one already showing the site, a change of the
      // fragment alone would not load the page again, so the tracker would not run.
      opened?.close();
      opened = window.open(button.dataset.url);
    });
  });
});
