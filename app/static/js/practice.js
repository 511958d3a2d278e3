// Enhancement only: the practice pages work without this file.

// Arriving at an anchor the page marks focusable (tabindex="-1": the consequence just revealed,
// the feedback on a check), focus it, so a screen reader reads on from there. An error summary
// keeps the focus leda.js gave it.
const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
if (target && target.getAttribute("tabindex") === "-1" && !document.querySelector(".error-summary")) {
  target.focus();
}
