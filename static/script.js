/* Cookieless analytics tracker. No cookies, no storage, no fingerprinting.
   <script src="https://HOST/script.js" data-site="SITEID" defer></script>
   Options: data-spa="auto|history|hash", data-auto="false", data-honor-dnt="true",
   data-canonical="false", data-excluded-domains="a.com,b.com", data-included-domains="...".
   API: window.fathom.trackPageview({url, referrer}), window.fathom.trackEvent(name, {_value}). */
(function (w, d) {
  "use strict";
  var s = d.currentScript || d.querySelector("script[data-site]");
  if (!s) return;
  var a = function (k) { return s.getAttribute("data-" + k); };
  var site = a("site");
  var endpoint = new URL("/api/event", s.src).href;
  var list = function (v) { return v ? v.split(",").map(function (x) { return x.trim(); }) : []; };
  var excluded = list(a("excluded-domains")), included = list(a("included-domains"));
  var loc = w.location, hist = w.history, nav = w.navigator;
  var shown = 0, visibleSince = Date.now(), lastUrl = null;

  function blocked() {
    var h = loc.hostname;
    if (a("honor-dnt") === "true" && (nav.doNotTrack === "1" || w.doNotTrack === "1")) return true;
    if (excluded.indexOf(h) > -1) return true;
    if (included.length && included.indexOf(h) < 0) return true;
    return /^localhost$|^127\.|^\[::1\]$/.test(h) && a("allow-local") !== "true";
  }
  function pageUrl() {
    var c = a("canonical") !== "false" && d.querySelector('link[rel="canonical"][href]');
    var u = new URL(c ? c.href : loc.href);
    if (!c) u.hash = a("spa") === "hash" ? u.hash : "";
    return u.href;
  }
  function send(body) {
    if (!site || blocked()) return;
    body.site = site;
    var json = JSON.stringify(body);
    if (nav.sendBeacon && nav.sendBeacon(endpoint, new Blob([json], { type: "text/plain" }))) return;
    var q = Object.keys(body).map(function (k) { return k + "=" + encodeURIComponent(body[k]); });
    new Image().src = endpoint + "?" + q.join("&");
  }
  function engaged() {
    if (!lastUrl) return;
    var ms = shown + (d.visibilityState === "visible" ? Date.now() - visibleSince : 0);
    if (ms >= 1000) send({ type: "engagement", url: lastUrl, duration: Math.round(ms) });
    shown = 0; visibleSince = Date.now();
  }
  function trackPageview(o) {
    o = o || {};
    var url = o.url || pageUrl();
    if (url === lastUrl && !o.url) return;
    engaged();
    lastUrl = url;
    send({ url: url, referrer: o.referrer !== undefined ? o.referrer : d.referrer });
  }
  function trackEvent(name, o) {
    o = o || {};
    send({ type: "event", name: String(name), url: lastUrl || pageUrl(), value: o._value || 0 });
  }
  d.addEventListener("visibilitychange", function () {
    if (d.visibilityState === "hidden") { shown += Date.now() - visibleSince; engaged(); }
    else visibleSince = Date.now();
  });
  if (a("spa")) {
    var wrap = function (m) {
      var orig = hist[m];
      hist[m] = function () { var r = orig.apply(this, arguments); trackPageview(); return r; };
    };
    wrap("pushState"); wrap("replaceState");
    w.addEventListener("popstate", function () { trackPageview(); });
    if (a("spa") === "hash") w.addEventListener("hashchange", function () { trackPageview(); });
  }
  w.fathom = { trackPageview: trackPageview, trackEvent: trackEvent, send: send };
  if (a("auto") !== "false") {
    if (d.visibilityState === "prerender") {
      d.addEventListener("visibilitychange", function once() {
        if (d.visibilityState !== "prerender") { d.removeEventListener("visibilitychange", once); trackPageview(); }
      });
    } else trackPageview();
  }
})(window, document);
