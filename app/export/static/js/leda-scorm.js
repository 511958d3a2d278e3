/*
 * Leda's SCORM runtime: makes an exported package page talk to the LMS that launched it.
 *
 * A package is one SCO: the whole course behind a module menu, or a single module. The runtime
 * finds the LMS API by the ADL discovery algorithm, resumes from the bookmark, shows one view at a
 * time, scores each module's quiz and records every answer as an interaction. Each module's
 * state lives in suspend data and is reported as an objective of its own; the modules roll up
 * into the SCO's status and score. A module counts when every lesson has been seen and its quiz
 * passed, as in the web app. In review mode nothing is written. Without an LMS the page stays
 * readable and says that progress is not being recorded. No dependencies beyond leda-sha256.js,
 * no network, and no inline script in the page.
 *
 * Each attempt at a quiz draws one question of each pool, preferring variants this learner has
 * not answered yet (remembered in suspend data by their place in the page's quiz), and shows the
 * options of all but true/false questions in an order of its own. The page holds no readable
 * answer key (see app/export/scorm.py): an answer is right when the salted hash of the chosen
 * option ids equals the question's data-key, and each option's sealed record (right or wrong,
 * its place in quiz.yaml, its feedback) is opened only once the question has been answered.
 */
(function () {
  "use strict";

  var main = document.getElementById("main");
  var MAX_TRIES = 500; // ADL: how far up the frame chain an LMS may put its API

  function twoDigits(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // Scores are whole basis points (1/100 of a percent), truncated and never rounded up, so an
  // LMS comparing a reported score with its threshold reaches the same verdict as the page.
  function basisPoints(points, max) {
    return Math.floor((points * 10000) / max);
  }

  function percentOf(bp) {
    return String(bp / 100);
  }

  function scaledOf(bp) {
    return String(bp / 10000);
  }

  // --- the sealed key --------------------------------------------------------------------

  var salt = main.getAttribute("data-salt");

  /* SHA-256 of the parts joined by "|", as app/export/scorm.py computes it. */
  function digest(parts) {
    return window.ledaSha256(new TextEncoder().encode(parts.join("|")));
  }

  function hex(bytes) {
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return text;
  }

  function isRightAnswer(moduleId, question, chosen) {
    return hex(digest([salt, moduleId, question.id, chosen.slice().sort().join(",")])) === question.key;
  }

  /* An option's record: {correct, place (in quiz.yaml), feedback}. */
  function unseal(moduleId, questionId, optionId, sealed) {
    var binary = atob(sealed);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < bytes.length; i++) bytes[i] = binary.charCodeAt(i);
    for (var block = 0; block * 32 < bytes.length; block++) {
      var stream = digest([salt, moduleId, questionId, optionId, String(block)]);
      for (var j = 0; j < 32 && block * 32 + j < bytes.length; j++) bytes[block * 32 + j] ^= stream[j];
    }
    var record = JSON.parse(new TextDecoder().decode(bytes));
    return { correct: record[0] === 1, place: record[1], feedback: record[2] };
  }

  // SCORM identifiers: letters, digits, "_" and "." (what Moodle accepts). Content ids are
  // lowercase letters, digits and "-", so replacing "-" keeps them apart.
  function identifier(id) {
    return id.replace(/-/g, "_");
  }

  var STANDARDS = {
    "1.2": {
      api: "API",
      calls: ["LMSInitialize", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSFinish"],
      entry: "cmi.core.entry",
      mode: "cmi.core.lesson_mode",
      location: "cmi.core.lesson_location",
      exit: "cmi.core.exit",
      sessionTime: "cmi.core.session_time",
      normalExit: "",
      // A mastery score the LMS holds, a percent: the LMS judges score.raw by it on LMSFinish.
      threshold: function (lms) {
        var mastery = parseFloat(lms.get("cmi.student_data.mastery_score"));
        return mastery >= 0 && mastery <= 100 ? Math.round(mastery * 100) : null;
      },
      // One status for both completion and success. "failed" is never sent: a quiz can always be
      // taken again here, while an LMS takes "failed" as a finished attempt (Moodle reopens it
      // in review mode, where nothing more can be recorded).
      report: function (course) {
        var values = [["cmi.core.lesson_status", course.done ? "passed" : "incomplete"]];
        return course.attempted ? values.concat(score12("cmi.core.score.", course.bp)) : values;
      },
      objective: function (prefix, module) {
        var status = module.done ? "passed" : module.touched ? "incomplete" : "not attempted";
        var values = [[prefix + "status", status]];
        return module.attempted ? values.concat(score12(prefix + "score.", module.bp)) : values;
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
        var time = answer.time; // SCORM 1.2 CMITime: the learner's local time of day
        return [
          [prefix + "id", answer.id],
          [prefix + "type", answer.type === "true_false" ? "true-false" : "choice"],
          [prefix + "time", [time.getHours(), time.getMinutes(), time.getSeconds()].map(twoDigits).join(":")],
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
      entry: "cmi.entry",
      mode: "cmi.mode",
      location: "cmi.location",
      exit: "cmi.exit",
      sessionTime: "cmi.session_time",
      normalExit: "normal",
      // The scaled passing score from the manifest (a module package's pass mark), which the
      // LMS judges score.scaled by.
      threshold: function (lms) {
        var scaled = parseFloat(lms.get("cmi.scaled_passing_score"));
        return scaled >= -1 && scaled <= 1 ? Math.round(scaled * 10000) : null;
      },
      // Completed only when the package's rule is met: an LMS takes a completed SCO as a
      // finished attempt (Moodle reopens it in review mode), and a learner with a quiz left to
      // pass must be able to come back and pass it.
      report: function (course) {
        var values = [
          ["cmi.completion_status", course.done ? "completed" : "incomplete"],
          ["cmi.success_status", course.passed ? "passed" : course.allAttempted ? "failed" : "unknown"],
        ];
        return course.attempted ? values.concat(score2004("cmi.score.", course.bp)) : values;
      },
      // A module's objective says what the web app's registration says: completed when every
      // lesson has been seen, passed when the quiz has been passed.
      objective: function (prefix, module) {
        var values = [
          [prefix + "completion_status", module.allSeen ? "completed" : module.touched ? "incomplete" : "not attempted"],
          [prefix + "success_status", module.attempted ? (module.passed ? "passed" : "failed") : "unknown"],
        ];
        return module.attempted ? values.concat(score2004(prefix + "score.", module.bp)) : values;
      },
      interaction: function (answer) {
        var prefix = "cmi.interactions." + answer.index + ".";
        var responses = function (ids) {
          return ids.map(identifier).join("[,]");
        };
        return [
          [prefix + "id", answer.id],
          [prefix + "type", answer.type === "true_false" ? "true-false" : "choice"],
          [prefix + "timestamp", answer.time.toISOString().slice(0, 22) + "Z"],
          [prefix + "weighting", String(answer.points)],
          [prefix + "learner_response", responses(answer.chosen)],
          [prefix + "result", answer.isCorrect ? "correct" : "incorrect"],
          [prefix + "correct_responses.0.pattern", responses(answer.correct)],
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

  // Scores as a percent, 0 to 100: the raw score LMSs grade by (Moodle against its maximum of
  // 100, whatever min and max say), with scaled beside it in SCORM 2004.
  function score12(prefix, bp) {
    return [
      [prefix + "raw", percentOf(bp)],
      [prefix + "min", "0"],
      [prefix + "max", "100"],
    ];
  }

  function score2004(prefix, bp) {
    return [[prefix + "scaled", scaledOf(bp)]].concat(score12(prefix, bp));
  }

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

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  var standard = STANDARDS[main.getAttribute("data-scorm")];
  var isCourse = main.getAttribute("data-package") === "course";
  var views = all(document, ".scorm-view");
  var menu = document.getElementById("menu");
  var modules = all(document, ".scorm-module").map(function (section) {
    var form = section.querySelector("form.quiz");
    // Every variant of every pool, pool by pool; a question's index is its place in this list.
    var questions = all(form, ".question").map(function (element, index) {
      return {
        element: element,
        index: index,
        id: element.getAttribute("data-question"),
        pool: element.getAttribute("data-pool"),
        type: element.getAttribute("data-type"),
        points: Number(element.getAttribute("data-points")),
        key: element.getAttribute("data-key"),
        fieldset: element.querySelector("fieldset"),
        unansweredMessage: element.querySelector(".scorm-unanswered"),
        optionList: element.querySelector("fieldset ul"),
        feedbackList: element.querySelector(".feedback-list"),
      };
    });
    var pools = [];
    questions.forEach(function (question, i) {
      if (i === 0 || question.pool !== questions[i - 1].pool) pools.push([]);
      pools[pools.length - 1].push(question);
    });
    return {
      id: section.getAttribute("data-module"),
      objective: identifier(section.getAttribute("data-module")),
      version: Number(section.getAttribute("data-module-version")),
      threshold: Number(section.getAttribute("data-pass-mark")) * 100,
      section: section,
      lessonIds: all(section, "[data-lesson]").map(function (view) {
        return view.getAttribute("data-lesson");
      }),
      form: form,
      questions: questions,
      pools: pools,
      drawn: [], // the questions of the attempt under way, one per pool
      statusRegion: section.querySelector(".scorm-status"),
      submitButton: section.querySelector(".quiz-submit"),
      retryButton: section.querySelector(".quiz-retry"),
      // One question per pool, and a pool's variants are worth the same: Module.max_points.
      maxPoints: Number(section.getAttribute("data-max-points")),
      // What a later session needs and the LMS does not keep for us; saved as suspend data.
      // points is the best attempt's, as in the web app; asked holds the indexes of the
      // questions answered in any attempt (numbers, to stay far below SCORM 1.2's 4096
      // characters of suspend data).
      state: {
        version: Number(section.getAttribute("data-module-version")),
        seen: [],
        tries: 0,
        points: null,
        asked: [],
      },
    };
  });
  var current = menu ? "menu" : views[0].id;

  var lms = connect(standard);
  var reviewing = false;
  var startedAt = Date.now();
  var finished = false;
  var interactionCount = 0;
  var objectiveIndex = {}; // objective id -> its index in cmi.objectives
  var objectiveCount = 0;

  function outcomeOf(module) {
    var state = module.state;
    var attempted = state.points !== null;
    var bp = attempted ? basisPoints(state.points, module.maxPoints) : null;
    var passed = attempted && bp >= module.threshold;
    var allSeen = module.lessonIds.every(function (id) {
      return state.seen.indexOf(id) >= 0;
    });
    return {
      attempted: attempted,
      passed: passed,
      allSeen: allSeen,
      done: passed && allSeen,
      touched: attempted || state.seen.length > 0,
      bp: bp,
    };
  }

  /* The package rolled up: done when every module is; the score is the share of all quiz
     points, counting a quiz not yet taken as none. */
  function courseOutcome(outcomes) {
    var points = 0;
    var max = 0;
    modules.forEach(function (module) {
      points += module.state.points || 0;
      max += module.maxPoints;
    });
    var every = function (key) {
      return outcomes.every(function (o) {
        return o[key];
      });
    };
    return {
      attempted: outcomes.some(function (o) {
        return o.attempted;
      }),
      allAttempted: every("attempted"),
      passed: every("passed"),
      done: every("done"),
      bp: basisPoints(points, max),
    };
  }

  function save() {
    if (!lms || reviewing) return;
    var values = [
      [standard.location, current],
      ["cmi.suspend_data", JSON.stringify({ modules: suspendData() })],
    ];
    var outcomes = modules.map(outcomeOf);
    modules.forEach(function (module, i) {
      var index = objectiveIndex[module.objective];
      var prefix = "cmi.objectives." + (index === undefined ? objectiveCount : index) + ".";
      if (index === undefined) {
        objectiveIndex[module.objective] = objectiveCount++;
        values.push([prefix + "id", module.objective]);
      }
      values = values.concat(standard.objective(prefix, outcomes[i]));
    });
    values = values.concat(standard.report(courseOutcome(outcomes)));
    values.forEach(function (pair) {
      lms.set(pair[0], pair[1]);
    });
    lms.commit();
  }

  function suspendData() {
    var data = {};
    modules.forEach(function (module) {
      data[module.id] = module.state;
    });
    return data;
  }

  /* Only an LMS that says this is not a first launch has anything to resume. */
  function resume() {
    var entry = lms.get(standard.entry);
    if (entry !== "resume" && entry !== "") return;
    var saved = null;
    try {
      saved = JSON.parse(lms.get("cmi.suspend_data") || "null");
    } catch (error) {
      saved = null;
    }
    if (!saved || !saved.modules) return;
    var restored = [];
    modules.forEach(function (module) {
      var state = saved.modules[module.id];
      // Progress made against another version of a module does not carry over.
      if (!state || state.version !== module.version) return;
      restored.push(module);
      module.state.seen = (state.seen || []).filter(function (id) {
        return module.lessonIds.indexOf(id) >= 0;
      });
      module.state.tries = Number(state.tries) || 0;
      module.state.points = typeof state.points === "number" ? state.points : null;
      module.state.asked = (state.asked || []).filter(function (index, i, asked) {
        var fits = index === Math.floor(index) && index >= 0 && index < module.questions.length;
        return fits && asked.indexOf(index) === i;
      });
    });
    var bookmark = document.getElementById(lms.get(standard.location));
    if (!bookmark || !bookmark.classList.contains("scorm-view")) return;
    var module = moduleOf(bookmark);
    if (!module || restored.indexOf(module) >= 0) current = bookmark.id;
  }

  function readObjectives() {
    objectiveCount = Number(lms.get("cmi.objectives._count")) || 0;
    for (var i = 0; i < objectiveCount; i++) objectiveIndex[lms.get("cmi.objectives." + i + ".id")] = i;
  }

  function moduleOf(view) {
    return modules.filter(function (module) {
      return module.section.contains(view);
    })[0];
  }

  function show(id, moveFocus) {
    var view = document.getElementById(id);
    var module = moduleOf(view);
    current = id;
    views.forEach(function (each) {
      each.hidden = each !== view;
    });
    modules.forEach(function (each) {
      each.section.hidden = each !== module;
    });
    all(document, ".scorm-contents a").forEach(function (link) {
      if (link.getAttribute("href") === "#" + id) link.setAttribute("aria-current", "step");
      else link.removeAttribute("aria-current");
    });
    var lesson = view.getAttribute("data-lesson");
    if (module && lesson && module.state.seen.indexOf(lesson) < 0) module.state.seen.push(lesson);
    save();
    showStatuses();
    if (moveFocus) view.querySelector("h2, h3").focus();
  }

  /* The menu's badge for each module, in the web app's words. */
  function showStatuses() {
    if (!menu) return;
    modules.forEach(function (module) {
      var outcome = outcomeOf(module);
      var key = "new";
      if (outcome.done) key = "passed";
      else if (outcome.attempted && !outcome.passed) key = "failed";
      else if (outcome.passed) key = "quiz-passed";
      else if (outcome.allSeen) key = "lessons-done";
      else if (outcome.touched) key = "started";
      var badge = menu.querySelector('[data-status-of="' + module.id + '"]');
      badge.textContent = menu.getAttribute("data-status-" + key);
      badge.className = "badge" + (key === "passed" ? " badge-done" : key === "failed" ? " badge-retry" : key === "new" ? "" : " badge-progress");
      badge.hidden = false;
    });
  }

  function finish() {
    if (!lms || finished) return;
    finished = true;
    if (!reviewing) {
      var seconds = Math.max(0, Math.round((Date.now() - startedAt) / 1000));
      var done = courseOutcome(modules.map(outcomeOf)).done;
      lms.set(standard.exit, done ? standard.normalExit : "suspend");
      lms.set(standard.sessionTime, standard.duration(seconds));
      lms.commit();
    }
    lms.terminate();
  }

  // --- the quiz -------------------------------------------------------------------------

  function randomBelow(n) {
    return Math.floor(Math.random() * n);
  }

  /* A new attempt: one question of each pool, a variant not answered before where the pool
     has one, its options (but true/false) in a new order, its feedback in the same order. */
  function draw(module) {
    module.drawn = module.pools.map(function (variants) {
      var unseen = variants.filter(function (question) {
        return module.state.asked.indexOf(question.index) < 0;
      });
      var from = unseen.length ? unseen : variants;
      return from[randomBelow(from.length)];
    });
    module.questions.forEach(function (question) {
      question.element.hidden = module.drawn.indexOf(question) < 0;
    });
    module.drawn.forEach(function (question) {
      if (question.type === "true_false") return;
      var items = Array.prototype.slice.call(question.optionList.children);
      for (var i = items.length - 1; i > 0; i--) {
        var j = randomBelow(i + 1);
        var swap = items[i];
        items[i] = items[j];
        items[j] = swap;
      }
      items.forEach(function (item) {
        question.optionList.appendChild(item);
        var option = item.querySelector("input").value;
        question.feedbackList.appendChild(question.feedbackList.querySelector('[data-option="' + option + '"]'));
      });
    });
  }

  function checkedValues(question, selector) {
    return all(question.element, selector).map(function (input) {
      return input.value;
    });
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return name in values ? String(values[name]) : match;
    });
  }

  /* The option records of an answered question, by option id. */
  function recordsOf(module, question) {
    var records = {};
    all(question.feedbackList, "[data-option]").forEach(function (item) {
      var option = item.getAttribute("data-option");
      records[option] = unseal(module.id, question.id, option, item.getAttribute("data-feedback"));
    });
    return records;
  }

  function submitQuiz(module, event) {
    event.preventDefault();
    var form = module.form;
    var unanswered = module.drawn.filter(function (question) {
      return !question.element.querySelector("input:checked");
    });
    markUnanswered(module, unanswered);
    if (unanswered.length) {
      module.statusRegion.className = "scorm-status result result-failed";
      module.statusRegion.textContent =
        form.getAttribute("data-unanswered") +
        " " +
        fill(form.getAttribute("data-unanswered-count"), {
          count: unanswered.length,
          total: module.drawn.length,
        });
      unanswered[0].element.querySelector("input").focus();
      return;
    }
    var time = new Date();
    var points = 0;
    module.drawn.forEach(function (question) {
      var records = recordsOf(module, question);
      // Responses and the LMS's letters follow quiz.yaml, whatever order the page showed.
      var inAuthoredOrder = function (ids) {
        return ids.sort(function (a, b) {
          return records[a].place - records[b].place;
        });
      };
      var optionIds = inAuthoredOrder(Object.keys(records));
      var chosen = inAuthoredOrder(checkedValues(question, "input:checked"));
      var isCorrect = isRightAnswer(module.id, question, chosen);
      if (isCorrect) points += question.points;
      showFeedback(question, chosen, isCorrect, records);
      if (module.state.asked.indexOf(question.index) < 0) module.state.asked.push(question.index);
      if (lms && !reviewing) {
        standard
          .interaction({
            index: interactionCount++,
            id: module.objective + "." + identifier(question.id),
            type: question.type,
            optionIds: optionIds,
            chosen: chosen,
            correct: optionIds.filter(function (id) {
              return records[id].correct;
            }),
            isCorrect: isCorrect,
            points: question.points,
            time: time,
          })
          .forEach(function (pair) {
            lms.set(pair[0], pair[1]);
          });
      }
    });
    module.state.asked.sort(function (a, b) {
      return a - b;
    });
    module.state.tries += 1;
    module.state.points = Math.max(points, module.state.points || 0);
    var passed = basisPoints(points, module.maxPoints) >= module.threshold;
    save();
    showStatuses();
    showResult(module, points, passed);
    module.submitButton.hidden = true;
    module.retryButton.hidden = passed;
    // The verdict, passed or not, is where the learner lands; "Try again" is the next stop.
    module.statusRegion.focus();
  }

  /* Each question of the attempt says in words whether it still wants an answer (WCAG 3.3.1),
     the message tied to its fieldset only while shown. */
  function markUnanswered(module, unanswered) {
    module.drawn.forEach(function (question) {
      var isUnanswered = unanswered.indexOf(question) >= 0;
      question.unansweredMessage.hidden = !isUnanswered;
      if (isUnanswered) question.fieldset.setAttribute("aria-describedby", question.unansweredMessage.id);
      else question.fieldset.removeAttribute("aria-describedby");
    });
  }

  function showResult(module, points, passed) {
    var form = module.form;
    var verdict = document.createElement("strong");
    verdict.textContent = form.getAttribute(passed ? "data-passed" : "data-failed");
    module.statusRegion.className = "scorm-status result " + (passed ? "result-passed" : "result-failed");
    module.statusRegion.replaceChildren(
      verdict,
      " " +
        fill(form.getAttribute("data-score"), {
          raw: points,
          max: module.maxPoints,
          percent: Math.floor(basisPoints(points, module.maxPoints) / 100),
          pass_mark: module.threshold / 100,
        })
    );
    all(form, "fieldset").forEach(function (fieldset) {
      fieldset.disabled = true;
    });
  }

  function showFeedback(question, chosen, isCorrect, records) {
    var feedback = question.element.querySelector(".scorm-feedback");
    var form = question.element.closest("form");
    all(feedback, "[data-verdict]").forEach(function (span) {
      span.hidden = span.getAttribute("data-verdict") !== (isCorrect ? "correct" : "incorrect");
    });
    all(feedback, "[data-option]").forEach(function (item) {
      var option = item.getAttribute("data-option");
      var wasChosen = chosen.indexOf(option) >= 0;
      item.classList.toggle("chosen", wasChosen);
      item.querySelector(".scorm-chosen").hidden = !wasChosen;
      item.querySelector(".scorm-rightness").textContent = form.getAttribute(
        records[option].correct ? "data-right-answer" : "data-wrong-answer"
      );
      item.querySelector(".scorm-option-feedback").textContent = records[option].feedback;
    });
    feedback.hidden = false;
  }

  function retryQuiz(module) {
    module.form.reset();
    all(module.form, "fieldset").forEach(function (fieldset) {
      fieldset.disabled = false;
    });
    all(module.form, ".scorm-feedback").forEach(function (feedback) {
      feedback.hidden = true;
    });
    // What the last attempt opened stays shut until this one is answered.
    all(module.form, ".scorm-rightness, .scorm-option-feedback").forEach(function (text) {
      text.textContent = "";
    });
    markUnanswered(module, []);
    draw(module);
    module.statusRegion.className = "scorm-status";
    module.statusRegion.textContent = "";
    module.retryButton.hidden = true;
    module.submitButton.hidden = false;
    module.section.querySelector(".quiz-title").focus();
  }

  /* A quiz as the learner left it: a passed one (or any, in review) shows its result and takes
     no more answers; the others wait for answers. */
  function prepareQuiz(module) {
    draw(module);
    var outcome = outcomeOf(module);
    if (outcome.passed || (reviewing && outcome.attempted)) {
      showResult(module, module.state.points, outcome.passed);
    } else if (reviewing) {
      all(module.form, "fieldset").forEach(function (fieldset) {
        fieldset.disabled = true;
      });
    } else {
      module.submitButton.hidden = false;
    }
    module.form.addEventListener("submit", function (event) {
      submitQuiz(module, event);
    });
    module.retryButton.addEventListener("click", function () {
      retryQuiz(module);
    });
  }

  // --- start ----------------------------------------------------------------------------

  if (lms) {
    document.getElementById("scorm-notice").hidden = true;
    reviewing = lms.get(standard.mode) === "review";
    document.getElementById("scorm-review").hidden = !reviewing;
    // A module package's LMS threshold stands for its pass mark; a course package has one pass
    // mark per module, which no single LMS threshold can replace.
    var lmsThreshold = isCourse ? null : standard.threshold(lms);
    modules.forEach(function (module) {
      if (lmsThreshold !== null) module.threshold = lmsThreshold;
    });
    interactionCount = Number(lms.get("cmi.interactions._count")) || 0;
    readObjectives();
    resume();
  }
  modules.forEach(prepareQuiz);
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target || !target.classList.contains("scorm-view")) return;
    event.preventDefault();
    show(target.id, true);
  });
  window.addEventListener("pagehide", finish);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && lms && !finished && !reviewing) lms.commit();
  });
  show(current, false);
})();
