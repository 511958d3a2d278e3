// Enhancements only: every page works without this file.

// Move focus to the error summary, so keyboard and screen-reader users start at what went wrong.
const summary = document.querySelector(".error-summary");
if (summary) {
  summary.focus();
}
