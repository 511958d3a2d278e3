"""Each package in a real Chromium, with scorm-again as the LMS: read, fail, pass, leave, resume,
review.

A local HTTP server on 127.0.0.1 serves the unzipped packages, scorm-again's dist files (kept in
tests/vendor/) and a host page (host/) that creates the API (window.API or window.API_1484_11),
preloaded as an LMS would (entry "ab-initio" on a first launch, or an earlier session's data),
records every call the SCO makes, and frames the SCO. The browser's clock is pinned and its
time zone is Oslo's, so session times and interaction times can be asserted exactly.
"""

import copy
import functools
import json
import re
import shutil
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from playwright.sync_api import Browser, FrameLocator, Page, expect

from app.content.models import LOCALES, Course, Module, Question
from app.export.scorm import SCORM_STANDARDS, ui_text
from tests.conftest import CHROMIUM
from tests.export.conftest import ROOT, MakePackage

VENDOR = ROOT / "tests" / "vendor"
SCORM_AGAIN = VENDOR / "scorm-again"
AXE = VENDOR / "axe-core" / "axe.min.js"
HOST = Path(__file__).resolve().parent / "host"
START = datetime(2030, 1, 1, 10, 0, 0, tzinfo=UTC)  # 11:00 in Oslo, where the learner is
# What Moodle stores of an identifier or a choice response: letters, digits, "_" and ".".
MOODLE_IDENTIFIER = re.compile(r"^[A-Za-z0-9_.]+$")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]

# The fixture module's quiz: capital (single, 1 point), nordic (multiple, 2), water (true/false, 1).
FAILING = {"capital": ["bergen"], "nordic": ["sweden", "iceland"], "water": ["true"]}  # 3 of 4
PASSING = {"capital": ["oslo"], "nordic": ["sweden", "iceland"], "water": ["true"]}  # 4 of 4
# next-steps (the two-module course's second) has capital and nordic only, and passes at 50 %.
NEXT_ALL = {"capital": ["oslo"], "nordic": ["sweden", "iceland"]}  # 3 of 3
NEXT_SOME = {"capital": ["bergen"], "nordic": ["sweden", "iceland"]}  # 2 of 3: 66.66 %
FAILED_TEXT = {
    "nb": "Ikke bestått ennå. Du fikk 3 av 4 poeng (75 %). Beståttgrensen er 80 %.",
    "sv": "Inte godkänd än. Du fick 3 av 4 poäng (75 %). Gränsen för godkänt är 80 %.",
    "en": "Not passed yet. You scored 3 of 4 points (75 %). The pass mark is 80 %.",
}
PASSED_TEXT = {
    "nb": "Bestått. Du fikk 4 av 4 poeng (100 %). Beståttgrensen er 80 %.",
    "sv": "Godkänd. Du fick 4 av 4 poäng (100 %). Gränsen för godkänt är 80 %.",
    "en": "Passed. You scored 4 of 4 points (100 %). The pass mark is 80 %.",
}
SET_CALLS = {"LMSSetValue", "SetValue"}


@dataclass(frozen=True)
class Site:
    root: Path
    url: str

    def publish(self, name: str, package: zipfile.ZipFile) -> str:
        """Unzip a package under the site, as an LMS does on import; returns its SCO's URL."""
        package.extractall(self.root / name)
        return f"{self.url}/{name}/index.html"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Requests are not the tests' business."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("lms")
    shutil.copytree(HOST, root, dirs_exist_ok=True)
    shutil.copytree(SCORM_AGAIN, root / "scorm-again")
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    yield Site(root, f"http://127.0.0.1:{server.server_address[1]}")
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in Oslo's time zone whose clock stands still at START until a test moves it."""
    context = browser.new_context(
        viewport={"width": 1024, "height": 900}, timezone_id="Europe/Oslo"
    )
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.clock.set_fixed_time(START)
    yield opened
    context.close()
    assert errors == []


@pytest.fixture(scope="module")
def published(site: Site, make_package: MakePackage) -> dict[tuple[str, str], str]:
    """The test course (one module) in every standard and locale, unzipped on the site."""
    return {
        (standard, locale): site.publish(
            f"test-{standard}-{locale}", make_package(standard, locale)
        )
        for standard in SCORM_STANDARDS
        for locale in LOCALES
    }


@pytest.fixture(scope="module")
def two_modules(site: Site, make_package: MakePackage, two_module_course: Course) -> dict:
    """The two-module course in English, as a course package and as next-steps alone."""
    return {
        (standard, module): site.publish(
            f"two-{standard}-{module}", make_package(standard, "en", two_module_course, module)
        )
        for standard in SCORM_STANDARDS
        for module in (None, "next-steps")
    }


# --- driving the host page and the SCO ---------------------------------------------------


def from_manifest(sco_url: str, site: Site, standard: str) -> dict[str, Any]:
    """What an LMS takes from the manifest into the first session: a threshold, if any."""
    page = site.root / sco_url.removeprefix(site.url + "/")
    manifest = etree.parse(str(page.with_name("imsmanifest.xml")))
    if standard == "1.2":
        score = manifest.findtext(".//{http://www.adlnet.org/xsd/adlcp_rootv1p2}masteryscore")
        return {"student_data": {"mastery_score": score}} if score else {}
    measure = manifest.findtext(".//{http://www.imsglobal.org/xsd/imsss}minNormalizedMeasure")
    return {"scaled_passing_score": measure} if measure else {}


def first_launch(standard: str, initial: dict[str, Any] | None = None) -> dict[str, Any]:
    """``initial`` as an LMS starts a first attempt: cmi.entry "ab-initio" unless it says."""
    data = copy.deepcopy(initial or {})
    if standard == "1.2":
        data.setdefault("core", {}).setdefault("entry", "ab-initio")
    else:
        data.setdefault("entry", "ab-initio")
    return data


def launch(
    page: Page, site: Site, standard: str, sco_url: str, initial: dict[str, Any] | None = None
) -> FrameLocator:
    """Start the SCO as an LMS would, from ``initial`` (a first launch when it has no entry)."""
    if page.url != f"{site.url}/host.html":
        page.goto(f"{site.url}/host.html")
    data = first_launch(standard, {**from_manifest(sco_url, site, standard), **(initial or {})})
    page.evaluate("([s, u, i]) => startSco(s, u, i)", [standard, sco_url, data])
    sco = page.frame_locator("#sco")
    expect(sco.locator("main")).to_have_attribute("data-scorm", standard)
    # The notice shows until the runtime has found the API and initialised.
    expect(sco.locator("#scorm-notice")).to_be_hidden()
    return sco


def leave(page: Page, at: datetime) -> dict[str, Any]:
    """The learner leaves at ``at``: the SCO's page goes away; the LMS's data afterwards."""
    page.clock.set_fixed_time(at)
    page.evaluate("leaveSco()")
    page.wait_for_function("lmsApi.isTerminated()")
    return cmi(page)


def cmi(page: Page) -> dict[str, Any]:
    return page.evaluate("cmiJson()")


def calls(page: Page, *names: str) -> list[list[str]]:
    """The API calls the SCO made (of these names), with their arguments, in order."""
    return [call for call in page.evaluate("lmsCalls") if call[0] in names]


def expect_view(page: Page | FrameLocator, view_id: str) -> None:
    """The page shows this one view and no other."""
    views = page.locator(".scorm-view:visible")
    expect(views).to_have_count(1)
    expect(views).to_have_id(view_id)


def accessibility_violations(page: Page) -> list[str]:
    """What axe-core finds against WCAG 2.1 A and AA in what the page shows now."""
    if not page.evaluate("'axe' in window"):
        page.add_script_tag(path=AXE)
    result = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
    )
    return [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']]}"
        for violation in result["violations"]
    ]


def open_module(sco: Page | FrameLocator, module_id: str) -> None:
    sco.locator(f"#menu a[href='#{module_id}_overview']").click()
    expect_view(sco, f"{module_id}_overview")


def read_lessons(sco: Page | FrameLocator, module: Module, locale: str) -> None:
    """Overview, then every lesson by its Next link, checking each shows alone, in ``locale``."""
    expect_view(sco, f"{module.id}_overview")
    sco.locator(f"#{module.id}_overview a[rel=next]").click()
    for i, lesson in enumerate(module.lessons):
        view = f"{module.id}_lesson_{lesson.id}"
        expect_view(sco, view)
        heading = sco.locator(f"#{view}_title")
        expect(heading).to_have_text(lesson.title[locale])
        expect(heading).to_be_focused()
        expect(sco.locator(".scorm-contents a[aria-current]")).to_have_text(lesson.title[locale])
        sco.locator(f"#{view} a[rel=next]").click()
        if i == len(module.lessons) - 1:
            expect_view(sco, f"{module.id}_quiz")


def answer(
    sco: Page | FrameLocator,
    module_id: str,
    answers: dict[str, list[str]],
    *,
    by_script: bool = False,
) -> str:
    """Tick the answers in the module's quiz, submit, and return what its status region says.

    ``by_script`` ticks them all in one call instead of one click each, for sweeps over the
    real course where dozens of clicks per quiz would only make the test slow.
    """
    quiz = sco.locator(f"#{module_id}_quiz")
    if by_script:
        quiz.evaluate(
            """(quiz, [module, answers]) => Object.entries(answers).forEach(([question, options]) =>
                options.forEach((option) => {
                    quiz.querySelector(`#${module}_q_${question}_${option}`).checked = true; }))""",
            [module_id, answers],
        )
    else:
        for question_id, option_ids in answers.items():
            for option_id in option_ids:
                sco.locator(f"#{module_id}_q_{question_id}_{option_id}").check()
    quiz.locator(".quiz-submit").click()
    return quiz.locator(".scorm-status").inner_text()


def back_to_menu(sco: FrameLocator, module_id: str) -> None:
    sco.locator(f"#{module_id}_quiz a[href='#menu']").click()
    expect_view(sco, "menu")


def take(sco: FrameLocator, module: Module, answers: dict[str, list[str]]) -> str:
    """From the menu: open the module, read every lesson, answer the quiz, back to the menu."""
    open_module(sco, module.id)
    read_lessons(sco, module, "en")
    result = answer(sco, module.id, answers)
    back_to_menu(sco, module.id)
    return result


def wrong_answer(question: Question) -> list[str]:
    """An answer that scores nothing: a wrong option, or part of an all-correct set."""
    wrong = [o.id for o in question.options if not o.correct]
    return wrong[:1] or [question.options[0].id]


def score(raw: str | None) -> dict[str, str]:
    """A SCORM score as Leda reports it: raw a percent between min 0 and max 100."""
    return {"raw": raw or "", "min": "0" if raw else "", "max": "100" if raw else ""}


def objective_12(objective_id: str, status: str, raw: str | None = None) -> dict[str, Any]:
    return {"id": objective_id, "status": status, "score": score(raw)}


def objective_2004(
    objective_id: str,
    completion: str,
    success: str,
    scaled: str | None = None,
    raw: str | None = None,
) -> dict[str, Any]:
    return {
        "id": objective_id,
        "success_status": success,
        "completion_status": completion,
        "progress_measure": "",
        "description": "",
        "score": {"scaled": scaled or "", **score(raw)},
    }


def interaction_12(
    question_id: str, kind: str, response: str, result: str, pattern: str, points: int, time: str
) -> dict[str, Any]:
    return {
        "id": question_id,
        "time": time,
        "type": kind,
        "weighting": str(points),
        "student_response": response,
        "result": result,
        "latency": "",
        "objectives": {},
        "correct_responses": {"0": {"pattern": pattern}},
    }


def interaction_2004(
    question_id: str, kind: str, response: str, result: str, pattern: str, points: int, time: str
) -> dict[str, Any]:
    return {
        "id": question_id,
        "type": kind,
        "objectives": {},
        "timestamp": time,
        "weighting": str(points),
        "learner_response": response,
        "result": result,
        "latency": "",
        "description": "",
        "correct_responses": {"0": {"pattern": pattern}},
    }


def reported(standard: str, data: dict[str, Any]) -> dict[str, Any]:
    """The part of the cmi data a SCO writes, without the interactions."""
    if standard == "1.2":
        core = data["core"]
        return {
            "lesson_location": core["lesson_location"],
            "lesson_status": core["lesson_status"],
            "score": core["score"],
            "exit": core["exit"],
            "session_time": core["session_time"],
            "suspend_data": json.loads(data["suspend_data"] or "null"),
            "objectives": data["objectives"],
        }
    return {
        "location": data["location"],
        "completion_status": data["completion_status"],
        "success_status": data["success_status"],
        "score": data["score"],
        "exit": data["exit"],
        "session_time": data["session_time"],
        "suspend_data": json.loads(data["suspend_data"] or "null"),
        "objectives": data["objectives"],
    }


def state(version: int, seen: list[str], tries: int, points: int | None) -> dict[str, Any]:
    return {"version": version, "seen": seen, "tries": tries, "points": points}


# --- one module, start to finish ----------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_scorm_12_learner_reads_fails_then_passes(
    page: Page, site: Site, published: dict, course: Course, locale: str
) -> None:
    sco = launch(page, site, "1.2", published[("1.2", locale)])
    expect_view(sco, "menu")
    expect(sco.locator("[data-status-of=first-steps]")).to_have_text(ui_text("status_new", locale))
    open_module(sco, "first-steps")
    read_lessons(sco, course.modules[0], locale)

    page.clock.set_fixed_time(START + timedelta(seconds=30))
    assert answer(sco, "first-steps", FAILING) == FAILED_TEXT[locale]
    # Not "failed": the learner may try again, and an LMS takes "failed" as a finished attempt.
    assert cmi(page)["core"]["lesson_status"] == "incomplete"
    assert cmi(page)["core"]["score"] == {"raw": "75", "min": "0", "max": "100"}
    assert cmi(page)["objectives"] == {"0": objective_12("first_steps", "incomplete", "75")}
    expect(sco.locator("#first-steps_quiz .quiz-retry")).to_be_focused()
    sco.locator("#first-steps_quiz .quiz-retry").click()
    page.clock.set_fixed_time(START + timedelta(seconds=60))
    assert answer(sco, "first-steps", PASSING) == PASSED_TEXT[locale]
    expect(sco.locator("#first-steps_quiz .quiz-retry")).to_be_hidden()
    back_to_menu(sco, "first-steps")
    expect(sco.locator("[data-status-of=first-steps]")).to_have_text(
        ui_text("status_passed", locale)
    )
    data = leave(page, START + timedelta(seconds=95))

    assert reported("1.2", data) == {
        "lesson_location": "menu",
        "lesson_status": "passed",
        "score": {"raw": "100", "min": "0", "max": "100"},
        "exit": "",
        "session_time": "00:01:35",
        "suspend_data": {"modules": {"first-steps": state(3, ["welcome", "practice"], 2, 4)}},
        "objectives": {"0": objective_12("first_steps", "passed", "100")},
    }
    # SCORM 1.2 times are the learner's local time of day: 10:00 UTC is 11:00 in Oslo.
    assert data["interactions"] == {
        "0": interaction_12("first_steps.capital", "choice", "b", "wrong", "a", 1, "11:00:30"),
        "1": interaction_12("first_steps.nordic", "choice", "a,b", "correct", "a,b", 2, "11:00:30"),
        "2": interaction_12("first_steps.water", "true-false", "t", "correct", "t", 1, "11:00:30"),
        "3": interaction_12("first_steps.capital", "choice", "a", "correct", "a", 1, "11:01:00"),
        "4": interaction_12("first_steps.nordic", "choice", "a,b", "correct", "a,b", 2, "11:01:00"),
        "5": interaction_12("first_steps.water", "true-false", "t", "correct", "t", 1, "11:01:00"),
    }
    assert page.evaluate("lmsErrors") == []


@pytest.mark.parametrize("locale", LOCALES)
def test_scorm_2004_learner_reads_fails_then_passes(
    page: Page, site: Site, published: dict, course: Course, locale: str
) -> None:
    sco = launch(page, site, "2004", published[("2004", locale)])
    open_module(sco, "first-steps")
    read_lessons(sco, course.modules[0], locale)

    page.clock.set_fixed_time(START + timedelta(seconds=30))
    assert answer(sco, "first-steps", FAILING) == FAILED_TEXT[locale]
    # Not completed while a quiz is left to pass: an LMS takes a completed SCO as finished.
    assert (cmi(page)["completion_status"], cmi(page)["success_status"]) == (
        "incomplete",
        "failed",
    )
    assert cmi(page)["score"] == {"scaled": "0.75", "raw": "75", "min": "0", "max": "100"}
    assert cmi(page)["objectives"] == {
        "0": objective_2004("first_steps", "completed", "failed", "0.75", "75")
    }
    sco.locator("#first-steps_quiz .quiz-retry").click()
    page.clock.set_fixed_time(START + timedelta(seconds=60))
    assert answer(sco, "first-steps", PASSING) == PASSED_TEXT[locale]
    data = leave(page, START + timedelta(seconds=95))

    assert reported("2004", data) == {
        "location": "first-steps_quiz",
        "completion_status": "completed",
        "success_status": "passed",
        "score": {"scaled": "1", "raw": "100", "min": "0", "max": "100"},
        "exit": "normal",
        "session_time": "PT1M35S",
        "suspend_data": {"modules": {"first-steps": state(3, ["welcome", "practice"], 2, 4)}},
        "objectives": {"0": objective_2004("first_steps", "completed", "passed", "1", "100")},
    }
    first, second = "2030-01-01T10:00:30.00Z", "2030-01-01T10:01:00.00Z"
    assert data["interactions"] == {
        "0": interaction_2004(
            "first_steps.capital", "choice", "bergen", "incorrect", "oslo", 1, first
        ),
        "1": interaction_2004(
            "first_steps.nordic",
            "choice",
            "sweden[,]iceland",
            "correct",
            "sweden[,]iceland",
            2,
            first,
        ),
        "2": interaction_2004(
            "first_steps.water", "true-false", "true", "correct", "true", 1, first
        ),
        "3": interaction_2004(
            "first_steps.capital", "choice", "oslo", "correct", "oslo", 1, second
        ),
        "4": interaction_2004(
            "first_steps.nordic",
            "choice",
            "sweden[,]iceland",
            "correct",
            "sweden[,]iceland",
            2,
            second,
        ),
        "5": interaction_2004(
            "first_steps.water", "true-false", "true", "correct", "true", 1, second
        ),
    }
    assert page.evaluate("lmsErrors") == []


@pytest.mark.parametrize("standard", SCORM_STANDARDS)
def test_a_passed_quiz_without_the_lessons_does_not_count(
    page: Page, site: Site, published: dict, standard: str
) -> None:
    """The web app's rule: a module counts when every lesson is done and the quiz passed."""
    sco = launch(page, site, standard, published[(standard, "en")])
    open_module(sco, "first-steps")
    sco.locator(".scorm-contents a[href='#first-steps_quiz']").click()
    assert answer(sco, "first-steps", PASSING) == PASSED_TEXT["en"]
    back_to_menu(sco, "first-steps")
    expect(sco.locator("[data-status-of=first-steps]")).to_have_text("Quiz passed, lessons left")
    data = leave(page, START + timedelta(seconds=20))

    if standard == "1.2":
        assert (data["core"]["lesson_status"], data["core"]["exit"]) == ("incomplete", "suspend")
        assert data["core"]["score"] == {"raw": "100", "min": "0", "max": "100"}
        assert data["objectives"] == {"0": objective_12("first_steps", "incomplete", "100")}
    else:
        assert (data["completion_status"], data["success_status"], data["exit"]) == (
            "incomplete",
            "passed",
            "suspend",
        )
        assert data["objectives"] == {
            "0": objective_2004("first_steps", "incomplete", "passed", "1", "100")
        }
    assert page.evaluate("lmsErrors") == []


# --- the whole course in one SCO ----------------------------------------------------------


@pytest.mark.parametrize("standard", SCORM_STANDARDS)
def test_every_module_taken_in_one_session_is_recorded(
    page: Page, site: Site, two_modules: dict, two_module_course: Course, standard: str
) -> None:
    """What Moodle could not record with one SCO per module: the second module's results."""
    first, second = two_module_course.modules
    sco = launch(page, site, standard, two_modules[(standard, None)])
    assert take(sco, first, PASSING) == PASSED_TEXT["en"]
    expect(sco.locator("[data-status-of=first-steps]")).to_have_text("Passed")
    expect(sco.locator("[data-status-of=next-steps]")).to_have_text("Not started")
    assert take(sco, second, NEXT_ALL) == (
        "Passed. You scored 3 of 3 points (100 %). The pass mark is 50 %."
    )
    expect(sco.locator("[data-status-of=next-steps]")).to_have_text("Passed")
    data = leave(page, START + timedelta(minutes=3))

    suspend = {
        "modules": {
            "first-steps": state(3, ["welcome", "practice"], 1, 4),
            "next-steps": state(1, ["welcome", "practice"], 1, 3),
        }
    }
    # raw 100 between min 0 and max 100: 100 % under a grade of raw against 100, as Moodle has.
    if standard == "1.2":
        assert reported("1.2", data) == {
            "lesson_location": "menu",
            "lesson_status": "passed",
            "score": {"raw": "100", "min": "0", "max": "100"},
            "exit": "",
            "session_time": "00:03:00",
            "suspend_data": suspend,
            "objectives": {
                "0": objective_12("first_steps", "passed", "100"),
                "1": objective_12("next_steps", "passed", "100"),
            },
        }
    else:
        assert reported("2004", data) == {
            "location": "menu",
            "completion_status": "completed",
            "success_status": "passed",
            "score": {"scaled": "1", "raw": "100", "min": "0", "max": "100"},
            "exit": "normal",
            "session_time": "PT3M0S",
            "suspend_data": suspend,
            "objectives": {
                "0": objective_2004("first_steps", "completed", "passed", "1", "100"),
                "1": objective_2004("next_steps", "completed", "passed", "1", "100"),
            },
        }
    ids = [interaction["id"] for interaction in data["interactions"].values()]
    assert ids == [
        "first_steps.capital",
        "first_steps.nordic",
        "first_steps.water",
        "next_steps.capital",
        "next_steps.nordic",
    ]
    assert calls(page, "Initialize", "LMSInitialize", "Terminate", "LMSFinish") == [
        ["LMSInitialize" if standard == "1.2" else "Initialize", ""],
        ["LMSFinish" if standard == "1.2" else "Terminate", ""],
    ]
    assert page.evaluate("lmsErrors") == []


@pytest.mark.parametrize("standard", SCORM_STANDARDS)
def test_the_course_score_is_the_share_of_all_points_truncated(
    page: Page, site: Site, two_modules: dict, two_module_course: Course, standard: str
) -> None:
    """5 of 7 points is 71.428… %: raw 71.42, never 71.43, so no LMS rounds a learner up."""
    first, second = two_module_course.modules
    sco = launch(page, site, standard, two_modules[(standard, None)])
    assert take(sco, first, FAILING) == FAILED_TEXT["en"]
    assert take(sco, second, NEXT_SOME) == (
        "Passed. You scored 2 of 3 points (66 %). The pass mark is 50 %."
    )
    expect(sco.locator("[data-status-of=first-steps]")).to_have_text("Quiz not passed yet")
    data = leave(page, START + timedelta(minutes=2))

    if standard == "1.2":
        assert (data["core"]["lesson_status"], data["core"]["exit"]) == ("incomplete", "suspend")
        assert data["core"]["score"] == {"raw": "71.42", "min": "0", "max": "100"}
        assert data["objectives"] == {
            "0": objective_12("first_steps", "incomplete", "75"),
            "1": objective_12("next_steps", "passed", "66.66"),
        }
    else:
        assert (data["completion_status"], data["success_status"], data["exit"]) == (
            "incomplete",
            "failed",
            "suspend",
        )
        assert data["score"] == {"scaled": "0.7142", "raw": "71.42", "min": "0", "max": "100"}
        assert data["objectives"] == {
            "0": objective_2004("first_steps", "completed", "failed", "0.75", "75"),
            "1": objective_2004("next_steps", "completed", "passed", "0.6666", "66.66"),
        }
    assert page.evaluate("lmsErrors") == []


@pytest.mark.parametrize("standard", SCORM_STANDARDS)
def test_reload_resumes_at_the_bookmark(
    page: Page, site: Site, published: dict, standard: str
) -> None:
    sco_url = published[(standard, "en")]
    sco = launch(page, site, standard, sco_url)
    open_module(sco, "first-steps")
    sco.locator("#first-steps_overview a[rel=next]").click()
    sco.locator("#first-steps_lesson_welcome a[rel=next]").click()
    first = leave(page, START + timedelta(seconds=40))
    location = "lesson_location" if standard == "1.2" else "location"
    before = reported(standard, first)

    assert before[location] == "first-steps_lesson_practice"
    assert before["exit"] == "suspend"
    assert before["suspend_data"] == {
        "modules": {"first-steps": state(3, ["welcome", "practice"], 0, None)}
    }

    # The LMS starts the next session from what it stored, marked as a resumed attempt.
    stored = copy.deepcopy(first)
    (stored["core"] if standard == "1.2" else stored)["entry"] = "resume"
    sco = launch(page, site, standard, sco_url, stored)

    expect_view(sco, "first-steps_lesson_practice")
    expect(sco.locator(".scorm-contents a[aria-current]")).to_have_text("Practice")
    sco.locator("#first-steps_lesson_practice a[rel=next]").click()
    answer(sco, "first-steps", PASSING)
    after = reported(standard, leave(page, START + timedelta(seconds=70)))
    if standard == "1.2":
        assert (after["lesson_status"], after["exit"]) == ("passed", "")
        assert after["objectives"] == {"0": objective_12("first_steps", "passed", "100")}
    else:
        assert (after["completion_status"], after["success_status"], after["exit"]) == (
            "completed",
            "passed",
            "normal",
        )
        assert after["objectives"] == {
            "0": objective_2004("first_steps", "completed", "passed", "1", "100")
        }
    assert after["session_time"] in ("00:00:30", "PT30S")
    assert page.evaluate("lmsErrors") == []


def test_progress_from_another_module_version_is_not_resumed(
    page: Page, site: Site, published: dict
) -> None:
    stored = {
        "location": "first-steps_lesson_practice",
        "entry": "resume",
        "suspend_data": json.dumps(
            {"modules": {"first-steps": state(2, ["welcome", "practice"], 1, 4)}}
        ),
    }
    sco = launch(page, site, "2004", published[("2004", "en")], stored)

    expect_view(sco, "menu")
    data = leave(page, START + timedelta(seconds=10))
    assert reported("2004", data)["suspend_data"] == {
        "modules": {"first-steps": state(3, [], 0, None)}
    }
    assert (data["completion_status"], data["success_status"]) == ("incomplete", "unknown")
    assert data["objectives"] == {"0": objective_2004("first_steps", "not attempted", "unknown")}
    assert page.evaluate("lmsErrors") == []


@pytest.mark.parametrize("standard", SCORM_STANDARDS)
def test_a_relaunch_in_review_mode_changes_nothing_and_shows_the_results(
    page: Page, site: Site, two_modules: dict, two_module_course: Course, standard: str
) -> None:
    """Moodle reopens a finished attempt in review mode and stores whatever the SCO sends."""
    first, second = two_module_course.modules
    sco_url = two_modules[(standard, None)]
    sco = launch(page, site, standard, sco_url)
    take(sco, first, PASSING)
    take(sco, second, NEXT_ALL)
    stored = leave(page, START + timedelta(minutes=2))

    review = copy.deepcopy(stored)
    if standard == "1.2":
        review["core"].update(entry="", lesson_mode="review", credit="no-credit")
    else:
        review.update(entry="", mode="review", credit="no-credit")
    sco = launch(page, site, standard, sco_url, review)
    starting = page.evaluate("startingCmi")

    expect(sco.locator("#scorm-review")).to_be_visible()
    expect(sco.locator("#scorm-review")).to_have_text(ui_text("review", "en"))
    expect_view(sco, "menu")
    expect(sco.locator("[data-status-of=first-steps]")).to_have_text("Passed")
    expect(sco.locator("[data-status-of=next-steps]")).to_have_text("Passed")
    open_module(sco, "first-steps")
    read_lessons(sco, first, "en")
    quiz = sco.locator("#first-steps_quiz")
    expect(quiz.locator(".scorm-status")).to_have_text(PASSED_TEXT["en"])
    expect(quiz.locator(".quiz-submit")).to_be_hidden()
    expect(quiz.locator(".quiz-retry")).to_be_hidden()
    expect(quiz.locator("#first-steps_q_capital_bergen")).to_be_disabled()
    after = leave(page, START + timedelta(minutes=5))

    assert after == starting
    assert calls(page, *SET_CALLS) == []
    assert page.evaluate("lmsErrors") == []


# --- a module of its own -------------------------------------------------------------------


@pytest.mark.parametrize("standard", SCORM_STANDARDS)
def test_a_module_package_records_the_module_alone(
    page: Page, site: Site, two_modules: dict, two_module_course: Course, standard: str
) -> None:
    module = two_module_course.modules[1]
    sco = launch(page, site, standard, two_modules[(standard, "next-steps")])
    expect(sco.locator("#menu")).to_have_count(0)
    read_lessons(sco, module, "en")
    assert answer(sco, "next-steps", NEXT_SOME) == (
        "Passed. You scored 2 of 3 points (66 %). The pass mark is 50 %."
    )
    data = leave(page, START + timedelta(minutes=1))

    suspend = {"modules": {"next-steps": state(1, ["welcome", "practice"], 1, 2)}}
    if standard == "1.2":
        assert reported("1.2", data) == {
            "lesson_location": "next-steps_quiz",
            "lesson_status": "passed",
            "score": {"raw": "66.66", "min": "0", "max": "100"},
            "exit": "",
            "session_time": "00:01:00",
            "suspend_data": suspend,
            "objectives": {"0": objective_12("next_steps", "passed", "66.66")},
        }
    else:
        assert reported("2004", data) == {
            "location": "next-steps_quiz",
            "completion_status": "completed",
            "success_status": "passed",
            "score": {"scaled": "0.6666", "raw": "66.66", "min": "0", "max": "100"},
            "exit": "normal",
            "session_time": "PT1M0S",
            "suspend_data": suspend,
            "objectives": {
                "0": objective_2004("next_steps", "completed", "passed", "0.6666", "66.66")
            },
        }
    assert page.evaluate("lmsErrors") == []


@pytest.mark.parametrize("standard", SCORM_STANDARDS)
def test_a_first_launch_reads_no_data_it_has_not_got(
    page: Page, site: Site, two_modules: dict, standard: str
) -> None:
    """cmi.entry first: no suspend data or location before a session has stored any (2004's
    error 403 in a strict LMS log); the passing score only where the manifest gives one."""
    launch(page, site, standard, two_modules[(standard, "next-steps")])
    leave(page, START + timedelta(seconds=5))

    get = "LMSGetValue" if standard == "1.2" else "GetValue"
    if standard == "1.2":
        expected = [
            "cmi.core.lesson_mode",
            "cmi.student_data.mastery_score",
            "cmi.interactions._count",
            "cmi.objectives._count",
            "cmi.core.entry",
        ]
    else:
        expected = [
            "cmi.mode",
            "cmi.scaled_passing_score",
            "cmi.interactions._count",
            "cmi.objectives._count",
            "cmi.entry",
        ]
    assert [call[1] for call in calls(page, get)] == expected
    assert page.evaluate("lmsErrors") == []


@pytest.mark.parametrize(
    ("standard", "threshold"),
    [
        ("1.2", {"student_data": {"mastery_score": "75"}}),
        ("2004", {"scaled_passing_score": "0.75"}),
    ],
)
def test_the_lms_threshold_decides_in_a_module_package(
    page: Page,
    site: Site,
    make_package: MakePackage,
    course: Course,
    standard: str,
    threshold: dict[str, Any],
) -> None:
    sco_url = site.publish(f"module-{standard}", make_package(standard, "en", module="first-steps"))
    sco = launch(page, site, standard, sco_url, threshold)
    read_lessons(sco, course.modules[0], "en")

    assert answer(sco, "first-steps", FAILING) == (
        "Passed. You scored 3 of 4 points (75 %). The pass mark is 75 %."
    )
    data = leave(page, START + timedelta(seconds=5))
    if standard == "1.2":
        assert data["core"]["lesson_status"] == "passed"
    else:
        assert (data["completion_status"], data["success_status"]) == ("completed", "passed")
    assert page.evaluate("lmsErrors") == []


# --- without an LMS, without JavaScript --------------------------------------------------


@pytest.mark.parametrize("width", [320, 1024])
def test_without_an_lms_the_page_reads_and_scores_and_says_nothing_is_recorded(
    page: Page, published: dict, course: Course, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(published[("2004", "sv")])
    module = course.modules[0]

    expect(page.locator("#scorm-notice")).to_have_text(ui_text("not_recorded", "sv"))
    expect(page.locator("#scorm-notice")).to_be_visible()
    expect(page.locator("#scorm-review")).to_be_hidden()
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    expect_view(page, "menu")
    assert accessibility_violations(page) == [], "menu"
    open_module(page, module.id)
    views = ["overview", *(f"lesson_{lesson.id}" for lesson in module.lessons), "quiz"]
    for view in (f"{module.id}_{name}" for name in views):
        page.locator(f".scorm-contents a[href='#{view}']").click()
        expect_view(page, view)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert accessibility_violations(page) == [], view
    quiz = page.locator(f"#{module.id}_quiz")
    quiz.locator(".quiz-submit").click()
    expect(quiz.locator(".scorm-status")).to_have_text(ui_text("unanswered", "sv"))
    assert answer(page, module.id, PASSING) == PASSED_TEXT["sv"]
    expect(quiz.locator(".scorm-status")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert accessibility_violations(page) == []
    back_to_menu(page, module.id)  # type: ignore[arg-type]
    expect(page.locator("[data-status-of=first-steps]")).to_have_text(
        ui_text("status_passed", "sv")
    )


def test_without_javascript_the_whole_course_reads_as_one_page(
    browser: Browser, published: dict, course: Course
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(published[("1.2", "nb")])
    module = course.modules[0]
    views = [
        "menu",
        f"{module.id}_overview",
        *(f"{module.id}_lesson_{lesson.id}" for lesson in module.lessons),
        f"{module.id}_quiz",
    ]

    assert page.locator(".scorm-view:visible").evaluate_all("v => v.map(e => e.id)") == views
    expect(page.locator("#scorm-notice")).to_be_visible()
    expect(page.locator("noscript p")).to_have_text(ui_text("needs_script", "nb"))
    expect(page.locator(".quiz-submit")).to_be_hidden()
    expect(page.locator(".scorm-feedback").first).to_be_hidden()
    expect(page.locator("[data-status-of=first-steps]")).to_be_hidden()
    context.close()


# --- the real course ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("standard", "locale"), [(s, loc) for s in SCORM_STANDARDS for loc in LOCALES]
)
def test_every_module_of_the_real_course_fails_then_passes_in_one_visit(
    page: Page,
    site: Site,
    make_package: MakePackage,
    real_course: Course,
    standard: str,
    locale: str,
) -> None:
    """The issue's "done when": every module passed, the course complete, 100 % graded."""
    sco_url = site.publish(f"real-{standard}-{locale}", make_package(standard, locale, real_course))
    sco = launch(page, site, standard, sco_url)
    for module in real_course.modules:
        open_module(sco, module.id)
        read_lessons(sco, module, locale)
        wrong = {q.id: wrong_answer(q) for q in module.questions}
        failed = answer(sco, module.id, wrong, by_script=True)
        assert failed.startswith(ui_text("failed", locale)), module.id
        sco.locator(f"#{module.id}_quiz .quiz-retry").click()
        right = {q.id: sorted(q.correct_ids) for q in module.questions}
        passed = answer(sco, module.id, right, by_script=True)
        assert passed.startswith(ui_text("passed", locale)), module.id
        back_to_menu(sco, module.id)
        expect(sco.locator(f"[data-status-of={module.id}]")).to_have_text(
            ui_text("status_passed", locale)
        )
    data = leave(page, START + timedelta(minutes=30))

    objectives = [m.id.replace("-", "_") for m in real_course.modules]
    if standard == "1.2":
        assert (data["core"]["lesson_status"], data["core"]["exit"]) == ("passed", "")
        assert data["core"]["score"] == {"raw": "100", "min": "0", "max": "100"}
        assert list(data["objectives"].values()) == [
            objective_12(objective, "passed", "100") for objective in objectives
        ]
    else:
        assert (data["completion_status"], data["success_status"], data["exit"]) == (
            "completed",
            "passed",
            "normal",
        )
        assert data["score"] == {"scaled": "1", "raw": "100", "min": "0", "max": "100"}
        assert list(data["objectives"].values()) == [
            objective_2004(objective, "completed", "passed", "1", "100") for objective in objectives
        ]
    interactions = list(data["interactions"].values())
    assert len(interactions) == 2 * sum(len(m.questions) for m in real_course.modules)
    assert [i["id"] for i in interactions] == [
        f"{m.id}.{q.id}".replace("-", "_")
        for m in real_course.modules
        for _attempt in range(2)
        for q in m.questions
    ]
    for interaction in interactions:
        assert MOODLE_IDENTIFIER.match(interaction["id"]), interaction["id"]
        if standard == "1.2":
            for pattern in (
                interaction["student_response"],
                interaction["correct_responses"]["0"]["pattern"],
            ):
                assert re.fullmatch(r"[a-h](,[a-h])*|[tf]", pattern), pattern
        else:
            for pattern in (
                interaction["learner_response"],
                interaction["correct_responses"]["0"]["pattern"],
            ):
                assert all(MOODLE_IDENTIFIER.match(r) for r in pattern.split("[,]")), pattern
    assert page.evaluate("lmsErrors") == []
