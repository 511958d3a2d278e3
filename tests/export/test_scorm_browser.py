"""Each SCO in a real Chromium, with scorm-again as the LMS: read, fail, pass, leave, resume.

A local HTTP server on 127.0.0.1 serves the unzipped packages, scorm-again's dist files and a
host page (host/) that creates the API (window.API or window.API_1484_11), optionally
preloaded with an earlier session's data as an LMS would, and frames the SCO. The browser's
clock is pinned so session times and interaction timestamps can be asserted exactly.
"""

import functools
import json
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
START = datetime(2030, 1, 1, 10, 0, 0, tzinfo=UTC)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]

# The fixture module's quiz: capital (single, 1 point), nordic (multiple, 2), water (true/false, 1).
FAILING = {"capital": ["bergen"], "nordic": ["sweden", "iceland"], "water": ["true"]}  # 3 of 4
PASSING = {"capital": ["oslo"], "nordic": ["sweden", "iceland"], "water": ["true"]}  # 4 of 4
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


@dataclass(frozen=True)
class Site:
    root: Path
    url: str

    def publish(self, name: str, package: zipfile.ZipFile) -> str:
        """Unzip a package under the site, as an LMS does on import; returns its folder URL."""
        package.extractall(self.root / name)
        return f"{self.url}/{name}"


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
    """A fresh page whose clock stands still at START until a test moves it."""
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.clock.set_fixed_time(START)
    yield opened
    context.close()
    assert errors == []


@pytest.fixture(scope="module")
def published(site: Site, make_package: MakePackage) -> dict[tuple[str, str], str]:
    """The test course in every standard and locale, unzipped on the site."""
    return {
        (standard, locale): site.publish(
            f"test-{standard}-{locale}", make_package(standard, locale)
        )
        for standard in SCORM_STANDARDS
        for locale in LOCALES
    }


# --- driving the host page and the SCO ---------------------------------------------------


def mastery_from_manifest(package_url: str, site: Site, standard: str) -> dict[str, Any]:
    """What an LMS takes from the manifest into the first session: the mastery score."""
    folder = site.root / package_url.removeprefix(site.url + "/")
    manifest = etree.parse(str(folder / "imsmanifest.xml"))
    if standard == "1.2":
        score = manifest.findtext(".//{http://www.adlnet.org/xsd/adlcp_rootv1p2}masteryscore")
        return {"student_data": {"mastery_score": score}}
    measure = manifest.findtext(".//{http://www.imsglobal.org/xsd/imsss}minNormalizedMeasure")
    return {"scaled_passing_score": measure}


def launch(
    page: Page, site: Site, standard: str, sco_url: str, initial: dict[str, Any] | None
) -> FrameLocator:
    if page.url != f"{site.url}/host.html":
        page.goto(f"{site.url}/host.html")
    page.evaluate("([s, u, i]) => startSco(s, u, i)", [standard, sco_url, initial])
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


def read_lessons(sco: FrameLocator, module: Module, locale: str) -> None:
    """Overview, then every lesson by its Next link, checking each shows alone, in ``locale``."""
    expect_view(sco, "overview")
    sco.locator("#overview a[rel=next]").click()
    for i, lesson in enumerate(module.lessons):
        expect_view(sco, f"lesson-{lesson.id}")
        heading = sco.locator(f"#lesson-{lesson.id}-title")
        expect(heading).to_have_text(lesson.title[locale])
        expect(heading).to_be_focused()
        expect(sco.locator(".scorm-contents a[aria-current]")).to_have_text(lesson.title[locale])
        sco.locator(f"#lesson-{lesson.id} a[rel=next]").click()
        if i == len(module.lessons) - 1:
            expect_view(sco, "quiz")


def answer(sco: FrameLocator, answers: dict[str, list[str]], *, by_script: bool = False) -> str:
    """Tick the answers, submit, and return what the status region says.

    ``by_script`` ticks them all in one call instead of one click each, for sweeps over the
    real course where dozens of clicks per quiz would only make the test slow.
    """
    if by_script:
        sco.locator("#quiz-form").evaluate(
            """(form, answers) => Object.entries(answers).forEach(([question, options]) =>
                options.forEach((option) => { form.querySelector(`#q-${question}-${option}`)
                    .checked = true; }))""",
            answers,
        )
    else:
        for question_id, option_ids in answers.items():
            for option_id in option_ids:
                sco.locator(f"#q-{question_id}-{option_id}").check()
    sco.locator("#quiz-submit").click()
    return sco.locator("#quiz-status").inner_text()


def wrong_answer(question: Question) -> list[str]:
    """An answer that scores nothing: a wrong option, or part of an all-correct set."""
    wrong = [o.id for o in question.options if not o.correct]
    return wrong[:1] or [question.options[0].id]


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
            "suspend_data": json.loads(data["suspend_data"]),
        }
    return {
        "location": data["location"],
        "completion_status": data["completion_status"],
        "success_status": data["success_status"],
        "score": data["score"],
        "exit": data["exit"],
        "session_time": data["session_time"],
        "suspend_data": json.loads(data["suspend_data"]),
    }


# --- the tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_scorm_12_learner_reads_fails_then_passes(
    page: Page, site: Site, published: dict, course: Course, locale: str
) -> None:
    package = published[("1.2", locale)]
    sco = launch(
        page, site, "1.2", f"{package}/first-steps/index.html",
        mastery_from_manifest(package, site, "1.2"),
    )  # fmt: skip
    read_lessons(sco, course.modules[0], locale)

    page.clock.set_fixed_time(START + timedelta(seconds=30))
    assert answer(sco, FAILING) == FAILED_TEXT[locale]
    assert cmi(page)["core"]["lesson_status"] == "failed"
    assert cmi(page)["core"]["score"] == {"raw": "75", "min": "0", "max": "100"}
    expect(sco.locator("#quiz-retry")).to_be_focused()
    sco.locator("#quiz-retry").click()
    page.clock.set_fixed_time(START + timedelta(seconds=60))
    assert answer(sco, PASSING) == PASSED_TEXT[locale]
    expect(sco.locator("#quiz-retry")).to_be_hidden()
    data = leave(page, START + timedelta(seconds=95))

    assert reported("1.2", data) == {
        "lesson_location": "quiz",
        "lesson_status": "passed",
        "score": {"raw": "100", "min": "0", "max": "100"},
        "exit": "",
        "session_time": "00:01:35",
        "suspend_data": {"version": 3, "seen": ["welcome", "practice"], "tries": 2, "points": 4},
    }
    assert data["interactions"] == {
        "0": interaction_12("capital", "choice", "b", "wrong", "a", 1, "10:00:30"),
        "1": interaction_12("nordic", "choice", "a,b", "correct", "a,b", 2, "10:00:30"),
        "2": interaction_12("water", "true-false", "t", "correct", "t", 1, "10:00:30"),
        "3": interaction_12("capital", "choice", "a", "correct", "a", 1, "10:01:00"),
        "4": interaction_12("nordic", "choice", "a,b", "correct", "a,b", 2, "10:01:00"),
        "5": interaction_12("water", "true-false", "t", "correct", "t", 1, "10:01:00"),
    }
    assert page.evaluate("lmsErrors") == []


@pytest.mark.parametrize("locale", LOCALES)
def test_scorm_2004_learner_reads_fails_then_passes(
    page: Page, site: Site, published: dict, course: Course, locale: str
) -> None:
    package = published[("2004", locale)]
    sco = launch(
        page, site, "2004", f"{package}/first-steps/index.html",
        mastery_from_manifest(package, site, "2004"),
    )  # fmt: skip
    read_lessons(sco, course.modules[0], locale)

    page.clock.set_fixed_time(START + timedelta(seconds=30))
    assert answer(sco, FAILING) == FAILED_TEXT[locale]
    assert (cmi(page)["completion_status"], cmi(page)["success_status"]) == (
        "completed",
        "failed",
    )
    assert cmi(page)["score"] == {"scaled": "0.75", "raw": "3", "min": "0", "max": "4"}
    sco.locator("#quiz-retry").click()
    page.clock.set_fixed_time(START + timedelta(seconds=60))
    assert answer(sco, PASSING) == PASSED_TEXT[locale]
    data = leave(page, START + timedelta(seconds=95))

    assert reported("2004", data) == {
        "location": "quiz",
        "completion_status": "completed",
        "success_status": "passed",
        "score": {"scaled": "1", "raw": "4", "min": "0", "max": "4"},
        "exit": "normal",
        "session_time": "PT1M35S",
        "suspend_data": {"version": 3, "seen": ["welcome", "practice"], "tries": 2, "points": 4},
    }
    first, second = "2030-01-01T10:00:30.00Z", "2030-01-01T10:01:00.00Z"
    assert data["interactions"] == {
        "0": interaction_2004("capital", "choice", "bergen", "incorrect", "oslo", 1, first),
        "1": interaction_2004(
            "nordic", "choice", "sweden[,]iceland", "correct", "sweden[,]iceland", 2, first
        ),
        "2": interaction_2004("water", "true-false", "true", "correct", "true", 1, first),
        "3": interaction_2004("capital", "choice", "oslo", "correct", "oslo", 1, second),
        "4": interaction_2004(
            "nordic", "choice", "sweden[,]iceland", "correct", "sweden[,]iceland", 2, second
        ),
        "5": interaction_2004("water", "true-false", "true", "correct", "true", 1, second),
    }
    assert page.evaluate("lmsErrors") == []


@pytest.mark.parametrize("standard", SCORM_STANDARDS)
def test_reload_resumes_at_the_bookmark(
    page: Page, site: Site, published: dict, course: Course, standard: str
) -> None:
    package = published[(standard, "en")]
    sco_url = f"{package}/first-steps/index.html"
    mastery = mastery_from_manifest(package, site, standard)
    sco = launch(page, site, standard, sco_url, mastery)
    sco.locator("#overview a[rel=next]").click()
    sco.locator("#lesson-welcome a[rel=next]").click()
    first = leave(page, START + timedelta(seconds=40))
    location = "lesson_location" if standard == "1.2" else "location"
    before = reported(standard, first)

    assert before[location] == "lesson-practice"
    assert before["exit"] == "suspend"
    assert before["suspend_data"] == {
        "version": 3,
        "seen": ["welcome", "practice"],
        "tries": 0,
        "points": None,
    }

    # The LMS starts the next session from what it stored, marked as a resumed attempt.
    if standard == "1.2":
        stored = {
            "core": {
                "lesson_location": first["core"]["lesson_location"],
                "lesson_status": first["core"]["lesson_status"],
                "entry": "resume",
            },
            "suspend_data": first["suspend_data"],
            **mastery,
        }
    else:
        stored = {
            "location": first["location"],
            "completion_status": first["completion_status"],
            "entry": "resume",
            "suspend_data": first["suspend_data"],
            **mastery,
        }
    sco = launch(page, site, standard, sco_url, stored)

    expect_view(sco, "lesson-practice")
    expect(sco.locator(".scorm-contents a[aria-current]")).to_have_text("Practice")
    sco.locator("#lesson-practice a[rel=next]").click()
    answer(sco, PASSING)
    after = reported(standard, leave(page, START + timedelta(seconds=70)))
    if standard == "1.2":
        assert (after["lesson_status"], after["exit"]) == ("passed", "")
    else:
        assert (after["completion_status"], after["success_status"], after["exit"]) == (
            "completed",
            "passed",
            "normal",
        )
    assert after["session_time"] in ("00:00:30", "PT30S")
    assert page.evaluate("lmsErrors") == []


def test_progress_from_another_module_version_is_not_resumed(
    page: Page, site: Site, published: dict
) -> None:
    stored = {
        "location": "lesson-practice",
        "entry": "resume",
        "suspend_data": '{"version":2,"seen":["welcome","practice"],"tries":1,"points":4}',
    }
    sco = launch(page, site, "2004", f"{published[('2004', 'en')]}/first-steps/index.html", stored)

    expect_view(sco, "overview")
    data = leave(page, START + timedelta(seconds=10))
    assert reported("2004", data)["suspend_data"] == {
        "version": 3,
        "seen": [],
        "tries": 0,
        "points": None,
    }
    assert (data["completion_status"], data["success_status"]) == ("incomplete", "unknown")


@pytest.mark.parametrize(
    ("standard", "threshold"),
    [
        ("1.2", {"student_data": {"mastery_score": "75"}}),
        ("2004", {"scaled_passing_score": "0.75"}),
    ],
)
def test_the_lms_mastery_score_decides_over_the_pass_mark(
    page: Page, site: Site, published: dict, standard: str, threshold: dict[str, Any]
) -> None:
    sco = launch(
        page, site, standard, f"{published[(standard, 'en')]}/first-steps/index.html", threshold
    )
    sco.locator(".scorm-contents a[href='#quiz']").click()

    assert answer(sco, FAILING) == (
        "Passed. You scored 3 of 4 points (75 %). The pass mark is 75 %."
    )
    data = leave(page, START + timedelta(seconds=5))
    assert (data["core"]["lesson_status"] if standard == "1.2" else data["success_status"]) == (
        "passed"
    )


@pytest.mark.parametrize("width", [320, 1024])
def test_without_an_lms_the_page_reads_and_scores_and_says_nothing_is_recorded(
    page: Page, published: dict, course: Course, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{published[('2004', 'sv')]}/first-steps/index.html")
    module = course.modules[0]

    expect(page.locator("#scorm-notice")).to_have_text(ui_text("not_recorded", "sv"))
    expect(page.locator("#scorm-notice")).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    for view in ["overview", *(f"lesson-{lesson.id}" for lesson in module.lessons), "quiz"]:
        page.locator(f".scorm-contents a[href='#{view}']").click()
        expect_view(page, view)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert accessibility_violations(page) == [], view
    page.locator("#quiz-submit").click()
    expect(page.locator("#quiz-status")).to_have_text(ui_text("unanswered", "sv"))
    for question_id, option_ids in PASSING.items():
        for option_id in option_ids:
            page.locator(f"#q-{question_id}-{option_id}").check()
    page.locator("#quiz-submit").click()
    expect(page.locator("#quiz-status")).to_have_text(PASSED_TEXT["sv"])
    expect(page.locator("#quiz-status")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert accessibility_violations(page) == []


@pytest.mark.parametrize(
    ("standard", "locale"), [(s, loc) for s in SCORM_STANDARDS for loc in LOCALES]
)
def test_every_sco_of_the_real_course_fails_and_passes(
    page: Page,
    site: Site,
    make_package: MakePackage,
    real_course: Course,
    standard: str,
    locale: str,
) -> None:
    package = site.publish(f"real-{standard}-{locale}", make_package(standard, locale, real_course))
    for module in real_course.modules:
        sco = launch(
            page, site, standard, f"{package}/{module.id}/index.html",
            mastery_from_manifest(package, site, standard),
        )  # fmt: skip
        read_lessons(sco, module, locale)
        failed = answer(sco, {q.id: wrong_answer(q) for q in module.questions}, by_script=True)
        assert failed.startswith(ui_text("failed", locale)), module.id
        sco.locator("#quiz-retry").click()
        passed = answer(
            sco, {q.id: sorted(q.correct_ids) for q in module.questions}, by_script=True
        )
        assert passed.startswith(ui_text("passed", locale)), module.id
        data = leave(page, START + timedelta(minutes=10))

        assert len(data["interactions"]) == 2 * len(module.questions), module.id
        if standard == "1.2":
            assert data["core"]["lesson_status"] == "passed", module.id
            assert data["core"]["score"] == {"raw": "100", "min": "0", "max": "100"}
        else:
            assert (data["completion_status"], data["success_status"]) == ("completed", "passed")
            assert data["score"] == {
                "scaled": "1",
                "raw": str(module.max_points),
                "min": "0",
                "max": str(module.max_points),
            }, module.id
    assert page.evaluate("lmsErrors") == []


def test_without_javascript_the_whole_module_reads_as_one_page(
    browser: Browser, published: dict, course: Course
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{published[('1.2', 'nb')]}/first-steps/index.html")
    views = ["overview", *(f"lesson-{lesson.id}" for lesson in course.modules[0].lessons), "quiz"]

    assert page.locator(".scorm-view:visible").evaluate_all("v => v.map(e => e.id)") == views
    expect(page.locator("#scorm-notice")).to_be_visible()
    expect(page.locator("#quiz-form noscript p")).to_have_text(ui_text("needs_script", "nb"))
    expect(page.locator("#quiz-submit")).to_be_hidden()
    expect(page.locator(".scorm-feedback").first).to_be_hidden()
    context.close()
