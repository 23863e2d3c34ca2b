// The event "404" {path} for the page that loads it (the site's 404 template): tracking/script.py
(()=>{const t=()=>fathom.trackEvent("404",{path:location.pathname});window.fathom?t():addEventListener("load",t)})();
