// Enhancements only: every page works without this file.

// Move focus to the error summary, so keyboard and screen-reader users start at what went wrong.
const summary = document.querySelector(".error-summary");
if (summary) {
  summary.focus();
}

// A confirmation that arrives with the page is not announced by every screen reader; put its
// text into the live region again once the page has settled, so it is.
for (const region of document.querySelectorAll("[role=status][data-announce]")) {
  const messages = [...region.children];
  if (messages.length) {
    region.replaceChildren();
    setTimeout(() => region.replaceChildren(...messages), 300);
  }
}

// Typed a reflection and about to leave the page without sending it (a link, the language
// switch)? The browser asks first. Any button of the lesson form sends the text, so no question.
const lessonForm = document.getElementById("lesson-form");
if (lessonForm) {
  const box = lessonForm.querySelector("textarea");
  const typed = box ? box.value : "";
  let sending = false;
  lessonForm.addEventListener("submit", () => {
    sending = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (box && !sending && box.value !== typed) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}

// The journal's print button: shown only where it can work.
for (const button of document.querySelectorAll("button[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
