// Enhancements only: every page works without this file.

// Move focus to the error summary, so keyboard and screen-reader users start at what went wrong.
const summary = document.querySelector(".error-summary");
if (summary) {
  summary.focus();
}

// A message that arrives with the page (a confirmation, "you are logged out") is in a live
// region already, which not every screen reader announces at load. Say it once more through a
// region of our own, a moment after the page has settled; nothing moves on screen.
const news = [...document.querySelectorAll("[role=status][data-announce]")]
  .map((region) => region.textContent.trim())
  .filter(Boolean);
if (news.length) {
  const announcer = document.createElement("div");
  announcer.className = "visually-hidden";
  announcer.setAttribute("role", "status");
  document.body.append(announcer);
  setTimeout(() => {
    announcer.textContent = news.join(" ");
  }, 300);
}

// A lesson or the quiz opened: say so (time on task, where to resume). Sent from here rather
// than recorded by the page's GET, so a prefetch or a crawler records nothing.
const visitForm = document.querySelector("form[data-visit]");
if (visitForm) {
  fetch(visitForm.action, { method: "POST", body: new FormData(visitForm), keepalive: true });
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

// A report being made on the server: follow its progress, and show the page again (with its
// download link, announced) when it is ready. Without this file, the page's link does the same.
const exportCard = document.querySelector("[data-status-url]");
if (exportCard) {
  const bar = exportCard.querySelector("progress");
  const rows = exportCard.querySelector("[data-export-rows]");
  const check = async () => {
    try {
      const answer = await fetch(exportCard.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (answer.ok) {
        const state = await answer.json();
        if (state.status === "done" || state.status === "failed") {
          window.location.reload();
          return;
        }
        bar.value = state.percent;
        bar.textContent = `${state.percent} %`;
        if (state.rows_total !== null && rows.dataset.template) {
          rows.textContent = rows.dataset.template
            .replace("{done}", state.rows_done)
            .replace("{total}", state.rows_total);
        }
      }
    } catch {
      // the network is down for a moment: try again at the next tick
    }
    setTimeout(check, 1500);
  };
  setTimeout(check, 1000);
}
