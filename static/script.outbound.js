// Outbound link clicks, as the event "Outbound Link: Click" {url}: tracking/script.py
(()=>{const f=e=>{const a=e.target.closest?.("a[href]");a&&/^https?:$/.test(a.protocol)&&a.host!=location.host&&(e.type=="click"||e.button==1)&&window.fathom?.trackEvent("Outbound Link: Click",{url:a.href})};addEventListener("click",f,!0);addEventListener("auxclick",f,!0)})();
