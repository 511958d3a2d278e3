/*
 * Leda's SCORM runtime: makes one exported module page talk to the LMS that launched it.
 *
 * It finds the LMS API by the ADL discovery algorithm, resumes from the bookmark, shows one view
 * (overview, a lesson, the quiz) at a time, scores the quiz, records each answer as an
 * interaction and reports status, score and session time; it commits and terminates when the
 * page goes away. Without an LMS it still works as a readable page and says that progress is
 * not being recorded. No dependencies, no network, and no inline script in the page.
 */
(function () {
  "use strict";

  var main = document.getElementById("main");
  var MAX_TRIES = 500; // ADL: how far up the frame chain an LMS may put its API

  // --- the two standards: names, vocabularies and formats -------------------------------

  function twoDigits(n) {
    return (n < 10 ? "0" : "") + n;
  }

  var STANDARDS = {
    "1.2": {
      api: "API",
      calls: ["LMSInitialize", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSFinish"],
      location: "cmi.core.lesson_location",
      exit: "cmi.core.exit",
      sessionTime: "cmi.core.session_time",
      normalExit: "",
      // SCORM 1.2 compares score.raw with the mastery score (a percent), so raw is a percent.
      threshold: function (lms) {
        var mastery = parseFloat(lms.get("cmi.student_data.mastery_score"));
        return mastery >= 0 && mastery <= 100 ? mastery : null;
      },
      fromPercent: function (percent) {
        return percent;
      },
      toPercent: function (measure) {
        return measure;
      },
      measure: function (points, max) {
        return Math.floor((points * 10000) / max) / 100;
      },
      report: function (lms, outcome) {
        var status = "incomplete";
        if (outcome.attempted) status = outcome.passed ? "passed" : "failed";
        lms.set("cmi.core.lesson_status", status);
        if (!outcome.attempted) return;
        lms.set("cmi.core.score.raw", String(outcome.measure));
        lms.set("cmi.core.score.min", "0");
        lms.set("cmi.core.score.max", "100");
      },
      interaction: function (answer) {
        var prefix = "cmi.interactions." + answer.index + ".";
        var letters = function (ids) {
          return ids
            .map(function (id) {
              return answer.type === "true_false" ? id.charAt(0) : "abcdefgh".charAt(answer.optionIds.indexOf(id));
            })
            .join(",");
        };
        return [
          [prefix + "id", answer.questionId],
          [prefix + "type", answer.type === "true_false" ? "true-false" : "choice"],
          [prefix + "time", answer.time.toISOString().slice(11, 19)],
          [prefix + "weighting", String(answer.points)],
          [prefix + "student_response", letters(answer.chosen)],
          [prefix + "result", answer.isCorrect ? "correct" : "wrong"],
          [prefix + "correct_responses.0.pattern", letters(answer.correct)],
        ];
      },
      duration: function (seconds) {
        var hours = Math.min(Math.floor(seconds / 3600), 9999);
        return twoDigits(hours) + ":" + twoDigits(Math.floor(seconds / 60) % 60) + ":" + twoDigits(seconds % 60);
      },
    },
    "2004": {
      api: "API_1484_11",
      calls: ["Initialize", "GetValue", "SetValue", "Commit", "Terminate"],
      location: "cmi.location",
      exit: "cmi.exit",
      sessionTime: "cmi.session_time",
      normalExit: "normal",
      // SCORM 2004 judges success by score.scaled against the scaled passing score.
      threshold: function (lms) {
        var scaled = parseFloat(lms.get("cmi.scaled_passing_score"));
        return scaled >= -1 && scaled <= 1 ? scaled : null;
      },
      fromPercent: function (percent) {
        return percent / 100;
      },
      toPercent: function (measure) {
        return measure * 100;
      },
      measure: function (points, max) {
        return Math.floor((points * 10000) / max) / 10000;
      },
      report: function (lms, outcome) {
        lms.set("cmi.completion_status", outcome.completed ? "completed" : "incomplete");
        lms.set("cmi.success_status", outcome.attempted ? (outcome.passed ? "passed" : "failed") : "unknown");
        if (!outcome.attempted) return;
        lms.set("cmi.score.scaled", String(outcome.measure));
        lms.set("cmi.score.raw", String(outcome.points));
        lms.set("cmi.score.min", "0");
        lms.set("cmi.score.max", String(outcome.max));
      },
      interaction: function (answer) {
        var prefix = "cmi.interactions." + answer.index + ".";
        return [
          [prefix + "id", answer.questionId],
          [prefix + "type", answer.type === "true_false" ? "true-false" : "choice"],
          [prefix + "timestamp", answer.time.toISOString().slice(0, 22) + "Z"],
          [prefix + "weighting", String(answer.points)],
          [prefix + "learner_response", answer.chosen.join("[,]")],
          [prefix + "result", answer.isCorrect ? "correct" : "incorrect"],
          [prefix + "correct_responses.0.pattern", answer.correct.join("[,]")],
        ];
      },
      duration: function (seconds) {
        var text = "PT";
        if (seconds >= 3600) text += Math.floor(seconds / 3600) + "H";
        if (seconds >= 60) text += (Math.floor(seconds / 60) % 60) + "M";
        return text + (seconds % 60) + "S";
      },
    },
  };

  // --- finding and talking to the LMS ---------------------------------------------------

  /* The ADL algorithm: this window and its parents, then the opener and its parents. */
  function scan(win, name) {
    var tries = 0;
    try {
      while (!win[name] && win.parent && win.parent !== win) {
        if (++tries > MAX_TRIES) return null;
        win = win.parent;
      }
      return win[name] || null;
    } catch (error) {
      return null; // a frame from another origin: no API of ours up there
    }
  }

  function findApi(name) {
    return scan(window, name) || (window.opener ? scan(window.opener, name) : null);
  }

  function connect(standard) {
    var api = findApi(standard.api);
    var calls = standard.calls;
    try {
      if (!api || String(api[calls[0]]("")) !== "true") return null;
    } catch (error) {
      return null; // something answers to the name but is no LMS we can talk to
    }
    return {
      get: function (element) {
        return String(api[calls[1]](element) || "");
      },
      set: function (element, value) {
        api[calls[2]](element, value);
      },
      commit: function () {
        api[calls[3]]("");
      },
      terminate: function () {
        api[calls[4]]("");
      },
    };
  }

  // --- the page -------------------------------------------------------------------------

  var standard = STANDARDS[main.getAttribute("data-scorm")];
  var moduleVersion = Number(main.getAttribute("data-module-version"));
  var views = Array.prototype.slice.call(document.querySelectorAll(".scorm-view"));
  var lessonIds = views
    .map(function (view) {
      return view.getAttribute("data-lesson");
    })
    .filter(Boolean);
  var form = document.getElementById("quiz-form");
  var questions = Array.prototype.slice.call(form.querySelectorAll(".question"));
  var statusRegion = document.getElementById("quiz-status");
  var submitButton = document.getElementById("quiz-submit");
  var retryButton = document.getElementById("quiz-retry");
  var maxPoints = questions.reduce(function (sum, q) {
    return sum + Number(q.getAttribute("data-points"));
  }, 0);

  var lms = connect(standard);
  var startedAt = Date.now();
  var finished = false;
  var interactionCount = 0;
  // Measures are truncated, never rounded up, so the LMS comparing the reported score with
  // the mastery score reaches the same verdict as this page.
  var threshold = standard.fromPercent(Number(main.getAttribute("data-pass-mark")));
  // What a later session needs and the LMS does not keep for us; saved as suspend data.
  var state = { version: moduleVersion, seen: [], tries: 0, points: null };
  var current = "overview";

  function outcome() {
    var attempted = state.points !== null;
    var measure = attempted ? standard.measure(state.points, maxPoints) : null;
    var passed = attempted && measure >= threshold;
    var allSeen = lessonIds.every(function (id) {
      return state.seen.indexOf(id) >= 0;
    });
    return {
      attempted: attempted,
      passed: passed,
      completed: attempted && allSeen,
      done: passed && allSeen,
      points: state.points,
      max: maxPoints,
      measure: measure,
    };
  }

  function save() {
    if (!lms) return;
    lms.set(standard.location, current);
    lms.set("cmi.suspend_data", JSON.stringify(state));
    standard.report(lms, outcome());
    lms.commit();
  }

  function resume() {
    var saved = null;
    try {
      saved = JSON.parse(lms.get("cmi.suspend_data") || "null");
    } catch (error) {
      saved = null;
    }
    // Progress made against another version of the module does not carry over.
    if (!saved || saved.version !== moduleVersion) return;
    state.seen = (saved.seen || []).filter(function (id) {
      return lessonIds.indexOf(id) >= 0;
    });
    state.tries = Number(saved.tries) || 0;
    state.points = typeof saved.points === "number" ? saved.points : null;
    var bookmark = document.getElementById(lms.get(standard.location));
    if (bookmark && bookmark.classList.contains("scorm-view")) current = bookmark.id;
  }

  function show(id, moveFocus) {
    current = id;
    views.forEach(function (view) {
      view.hidden = view.id !== id;
    });
    document.querySelectorAll(".scorm-contents a").forEach(function (link) {
      if (link.getAttribute("href") === "#" + id) link.setAttribute("aria-current", "step");
      else link.removeAttribute("aria-current");
    });
    var lesson = document.getElementById(id).getAttribute("data-lesson");
    if (lesson && state.seen.indexOf(lesson) < 0) state.seen.push(lesson);
    save();
    if (moveFocus) document.getElementById(id).querySelector("h2").focus();
  }

  function finish() {
    if (!lms || finished) return;
    finished = true;
    var seconds = Math.max(0, Math.round((Date.now() - startedAt) / 1000));
    lms.set(standard.exit, outcome().done ? standard.normalExit : "suspend");
    lms.set(standard.sessionTime, standard.duration(seconds));
    lms.commit();
    lms.terminate();
  }

  // --- the quiz -------------------------------------------------------------------------

  function checkedValues(question, selector) {
    return Array.prototype.slice.call(question.querySelectorAll(selector)).map(function (input) {
      return input.value;
    });
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return name in values ? String(values[name]) : match;
    });
  }

  function submitQuiz(event) {
    event.preventDefault();
    var unanswered = questions.filter(function (question) {
      return !question.querySelector("input:checked");
    });
    if (unanswered.length) {
      statusRegion.className = "scorm-status result result-failed";
      statusRegion.textContent = form.getAttribute("data-unanswered");
      unanswered[0].querySelector("input").focus();
      return;
    }
    var time = new Date();
    var points = 0;
    questions.forEach(function (question) {
      var chosen = checkedValues(question, "input:checked");
      var correct = checkedValues(question, "input[data-correct]");
      var isCorrect = chosen.length === correct.length && chosen.every(function (id) {
        return correct.indexOf(id) >= 0;
      });
      if (isCorrect) points += Number(question.getAttribute("data-points"));
      showFeedback(question, chosen, isCorrect);
      if (lms) {
        standard
          .interaction({
            index: interactionCount++,
            questionId: question.getAttribute("data-question"),
            type: question.getAttribute("data-type"),
            optionIds: checkedValues(question, "input"),
            chosen: chosen,
            correct: correct,
            isCorrect: isCorrect,
            points: Number(question.getAttribute("data-points")),
            time: time,
          })
          .forEach(function (pair) {
            lms.set(pair[0], pair[1]);
          });
      }
    });
    state.tries += 1;
    state.points = points;
    var result = outcome();
    save();

    var verdict = document.createElement("strong");
    verdict.textContent = form.getAttribute(result.passed ? "data-passed" : "data-failed");
    statusRegion.className = "scorm-status result " + (result.passed ? "result-passed" : "result-failed");
    statusRegion.replaceChildren(
      verdict,
      " " +
        fill(form.getAttribute("data-score"), {
          raw: points,
          max: maxPoints,
          percent: Math.round((points * 100) / maxPoints),
          pass_mark: Math.round(standard.toPercent(threshold) * 100) / 100,
        })
    );
    form.querySelectorAll("fieldset").forEach(function (fieldset) {
      fieldset.disabled = true;
    });
    submitButton.hidden = true;
    retryButton.hidden = result.passed;
    (result.passed ? statusRegion : retryButton).focus();
  }

  function showFeedback(question, chosen, isCorrect) {
    var feedback = question.querySelector(".scorm-feedback");
    feedback.querySelectorAll("[data-verdict]").forEach(function (span) {
      span.hidden = span.getAttribute("data-verdict") !== (isCorrect ? "correct" : "incorrect");
    });
    feedback.querySelectorAll("[data-option]").forEach(function (item) {
      var wasChosen = chosen.indexOf(item.getAttribute("data-option")) >= 0;
      item.classList.toggle("chosen", wasChosen);
      item.querySelector(".scorm-chosen").hidden = !wasChosen;
    });
    feedback.hidden = false;
  }

  function retryQuiz() {
    form.reset();
    form.querySelectorAll("fieldset").forEach(function (fieldset) {
      fieldset.disabled = false;
    });
    form.querySelectorAll(".scorm-feedback").forEach(function (feedback) {
      feedback.hidden = true;
    });
    statusRegion.className = "scorm-status";
    statusRegion.textContent = "";
    retryButton.hidden = true;
    submitButton.hidden = false;
    document.getElementById("quiz-title").focus();
  }

  // --- start ----------------------------------------------------------------------------

  if (lms) {
    document.getElementById("scorm-notice").hidden = true;
    var lmsThreshold = standard.threshold(lms);
    if (lmsThreshold !== null) threshold = lmsThreshold;
    interactionCount = Number(lms.get("cmi.interactions._count")) || 0;
    resume();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target || !target.classList.contains("scorm-view")) return;
    event.preventDefault();
    show(target.id, true);
  });
  form.addEventListener("submit", submitQuiz);
  retryButton.addEventListener("click", retryQuiz);
  submitButton.hidden = false;
  window.addEventListener("pagehide", finish);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && lms && !finished) lms.commit();
  });
  show(current, false);
})();
