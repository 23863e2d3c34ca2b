// Form submissions, as the event "Form: Submission" {form: its id or name}: tracking/script.py
addEventListener("submit",e=>{const f=e.target,n=f.getAttribute("id")||f.getAttribute("name");window.fathom?.trackEvent("Form: Submission",n?{form:n}:{})},!0);
