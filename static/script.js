/* Cookieless analytics tracker: no cookies, no storage. Options: tracking/script.py */
((w, d, nav, loc) => {
const s = d.currentScript || d.querySelector("script[data-site]");
if (!s || !s.src) return;
const a = (k) => s.getAttribute("data-" + k);
const list = (k) => (a(k) || "").toLowerCase().split(",").map((x) => x.trim()).filter(Boolean);
const site = a("site"), spa = a("spa"), api = new URL("/api/event", s.src).href;
const ex = list("excluded-domains"), inc = list("included-domains");
const now = () => performance.now(), vis = () => d.visibilityState == "visible";
// The page's visible ms: `shown` plus the time since `since` (null while hidden).
let last, shown = 0, since = null;

const blocked = (h = loc.hostname) =>
  (a("honor-dnt") == "true" && (nav.doNotTrack || w.doNotTrack) == 1) ||
  ex.includes(h) || (inc.length && !inc.includes(h)) ||
  (/^(localhost|127\.[\d.]+|\[::1\])$/.test(h) && a("allow-local") != "true");
const send = (b) => {
  if (!site || blocked()) return;
  b.site = site;
  if (!(nav.sendBeacon && nav.sendBeacon(api, JSON.stringify(b))))
    new Image().src = api + "?" + new URLSearchParams(b);
};
const flush = () => {
  if (since != null) shown += now() - since;
  since = null;
  if (last && shown >= 1000) {
    send({ type: "engagement", url: last, duration: Math.round(shown) });
    shown = 0;
  }
};
const pageUrl = () => {
  const c = a("canonical") != "false" && d.querySelector('link[rel="canonical"][href]');
  const u = new URL(c ? c.href : loc.href);
  if (!c && spa != "hash") u.hash = "";
  return u.href;
};
const trackPageview = (o = {}) => {
  const url = o.url ? new URL(o.url, loc.href).href : pageUrl();
  if (!o.url && url == last) return;
  flush();
  const referrer = o.referrer != null ? o.referrer : last || d.referrer;
  last = url;
  shown = 0;
  since = vis() ? now() : null;
  send({ type: "pageview", url, referrer });
};
const trackEvent = (name, o) =>
  send({ type: "event", name: "" + name, url: last || pageUrl(),
    value: Math.round(o && o._value) || 0 });
const pv = () => trackPageview();

d.addEventListener("visibilitychange", () => (vis() ? (since = now()) : flush()));
w.addEventListener("pagehide", flush);
if (spa && spa != "false") {
  for (const m of ["pushState", "replaceState"]) {
    const f = history[m];
    history[m] = function () { const r = f.apply(this, arguments); pv(); return r; };
  }
  w.addEventListener("popstate", pv);
  if (spa == "hash") w.addEventListener("hashchange", pv);
}
w.fathom = { trackPageview, trackEvent };
if (a("auto") != "false")
  d.prerendering ? d.addEventListener("prerenderingchange", pv, { once: true }) : pv();
})(window, document, navigator, location);
