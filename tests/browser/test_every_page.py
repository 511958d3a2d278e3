"""Every GET page in the URL map, for each role that may see it and in the states a user meets
(a form with its errors, a failed and a passed quiz, a reflection saved, the error pages),
checked by axe-core (WCAG 2.1 A and AA) and for reflow (WCAG 1.4.10) at four viewports.

Zoom is emulated the way Chromium zooms: a window 1280 × 800 px at 200 % is a CSS viewport of
640 × 400 px drawn at two device pixels per CSS pixel, at 400 % one of 320 × 200 px at four.
So "200 % zoom" and "400 % zoom" are viewports of 1280 / zoom by 800 / zoom with a device
scale factor of the zoom; "400 % zoom" differs from the 320 px phone in its short height and
its pixel ratio, which is what a zoomed laptop shows (a sticky header, for one, takes a quarter
of its height).

A GET rule of the URL map is either visited here or in NOT_PAGES with the reason it has no
page; a new page without a check fails ``test_every_get_rule_is_checked_or_not_a_page`` with
its endpoint. What was measured is kept in app/accessibility/measured.json for the
accessibility statement; rerun with ``LEDA_WRITE_ACCESSIBILITY=1`` to rewrite it.
"""

import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from app.auth.models import TokenPurpose
from app.auth.services import issue_token
from app.certificates.services import certificate_of, format_code
from app.content import current_course
from app.content.models import Module
from app.db import db, utcnow
from app.demo import DEMO_USERS, load_demo
from app.learning.models import Commitment, FollowUp
from app.onboarding.models import Cohort
from app.orgs.models import OrgUnit, User
from app.orgs.services import user_by_email
from app.practice.services import answer_check, choose
from app.quiz.models import Refresher
from app.quiz.pools import draw
from app.quiz.services import submit_attempt
from app.reporting.models import ReportExport
from tests.browser.conftest import ROOT, log_in, serve
from tests.browser.test_accessibility import AXE, AXE_TAGS, axe_findings, overflowing, start_axe
from tests.conftest import make_app

pytestmark = pytest.mark.browser

MEASURED = ROOT / "app" / "accessibility" / "measured.json"
# (name, CSS viewport width and height, device pixels per CSS pixel): see the module docstring.
VIEWPORTS = [
    ("1280 px", 1280, 800, 1),
    ("320 px", 320, 800, 1),
    ("200 % zoom", 640, 400, 2),
    ("400 % zoom", 320, 200, 4),
]

# GET rules that answer with something other than a page of the app, so axe has nothing to read.
NOT_PAGES = {
    "static": "CSS, scripts, fonts and images",
    "learning.figure": "a lesson's SVG drawing, checked inside its lesson page",
    "auth.my_data": "the JSON download of one's own data",
    "learning.journal_markdown": "the journal as a Markdown download",
    "certificates.download": "the certificate as a PDF download",
    "team.team_csv": "the team view as a CSV download",
    "reporting.export_file": "a report's CSV, XLSX or JSONL file",
    "reporting.export_status": "the JSON the report page polls while the file is made",
    "api.completions": "the HR pull API (JSON, bearer tokens)",
    "api.openapi": "the API's OpenAPI document (JSON)",
    "ops.healthz": "the liveness probe (plain text)",
    "ops.readyz": "the readiness probe (plain text)",
    "ops.metrics": "Prometheus metrics (plain text)",
}


@dataclass(frozen=True)
class Step:
    """One state of one page: open ``path`` (its ids filled from the demo's), then optionally
    fill ``fill`` (and ``upload`` into the file field) and press ``button``; the browser is
    then on a page answered with ``status``, at ``lands`` (by default ``path``: a form posts to
    its own address).

    The check counts for the endpoint of ``path``, unless ``of_page`` is False: a 403 or 404
    that some other page's address triggers is the error page's check, not that page's.
    """

    name: str
    path: str
    status: int = 200
    button: str | None = None
    fill: tuple[tuple[str, str], ...] = ()
    upload: bytes | None = None
    lands: str | None = None
    of_page: bool = True


CSV_HEADER = b"employee_number;email;given_name;family_name\r\n"
EMPTY_SUBMIT = "form.card button[type=submit]"

VISITOR = [
    Step("login", "/login"),
    Step("login with errors", "/login", 400, "form.card button[type=submit]"),
    Step("forgot password", "/account/forgot"),
    Step("forgot password with errors", "/account/forgot", 400, EMPTY_SUBMIT),
    Step("invitation", "/account/password/{invitation}"),
    Step("invitation with errors", "/account/password/{invitation}", 400, EMPTY_SUBMIT),
    Step("password reset", "/account/password/{reset}"),
    Step("dead link", "/account/password/not-a-real-token", 410),
    Step("verify form", "/verify"),
    Step("verify form with errors", "/verify?code=", 400),
    Step("verify, not valid", "/verify/ABCD-EFGH-JKMN", 404),
    Step("verify, valid", "/verify/{code}"),
    Step("accessibility statement", "/accessibility"),
    Step("404", "/nowhere", 404, of_page=False),
]
LEARNER = [
    Step("dashboard", "/"),
    Step("module", "/modules/{module}"),
    Step("lesson with a reflection and a commitment", "/modules/{module}/lessons/{lesson}"),
    Step(
        "lesson, a reflection saved",
        "/modules/{module}/lessons/{next_lesson}",
        200,
        "#reflection button[type=submit]",
        fill=(("textarea[name=text]", "Min refleksjon"),),
    ),
    Step("lesson with a check", "/modules/{module}/lessons/{check_lesson}"),
    Step(
        "lesson check with errors",
        "/modules/{module}/lessons/{check_lesson}",
        400,
        "form[action$='/check'] button[type=submit]",
        lands="/modules/{module}/lessons/{check_lesson}/check",
    ),
    Step("lesson check answered", "/modules/{module}/lessons/{answered_lesson}"),
    Step("scenario", "/modules/{module}/scenario"),
    Step(
        "scenario with errors",
        "/modules/{module}/scenario",
        400,
        "form[action$='/scenario'] button[type=submit]",
    ),
    Step("scenario, a decision made", "/modules/{second_module}/scenario"),
    Step("scenario debrief", "/modules/{third_module}/scenario"),
    Step("quiz", "/modules/{module}/quiz"),
    Step("quiz with errors", "/modules/{module}/quiz", 400, "form.quiz button[type=submit]"),
    Step("quiz failed", "/modules/{module}/quiz/attempts/{failed}"),
    Step("quiz passed", "/modules/{module}/quiz/attempts/{passed}"),
    Step("refresher", "/refreshers/{refresher}"),
    Step("refresher with errors", "/refreshers/{refresher}", 400, "form.quiz button[type=submit]"),
    Step("conversation card", "/modules/{module}/card"),
    Step("journal", "/journal"),
    Step("accessibility statement, signed in", "/accessibility"),
    Step("follow-up", "/journal/follow-ups/{follow_up}"),
    Step(
        "follow-up with errors",
        "/journal/follow-ups/{follow_up}",
        400,
        "main form button[type=submit]",
    ),
    Step(
        "follow-up answered",
        "/journal/follow-ups/{follow_up}",
        200,
        "main form button[type=submit]",
        fill=(("main form textarea", "Det gikk fint."),),
    ),
    Step("certificate, not yet", "/certificate"),
    Step("profile", "/account"),
    Step("403", "/admin/people", 403, of_page=False),
    Step("404 of a module", "/modules/no-such-module", 404, of_page=False),
]
FINISHED = [  # Kari, a learner who has completed the course
    Step("dashboard with the completion card", "/"),
    Step("certificate", "/certificate"),
]
MANAGER = [
    Step("dashboard", "/"),
    Step("team", "/team"),
    Step("team, filtered to nobody", "/team?status=passed&overdue=y"),
    Step("team with bad filters", "/team?module=nope&page=0", 400),
    Step("conversation cards", "/team/cards"),
    Step("assign to a report", "/team/assign?person={learner}"),
    Step("assign with errors", "/team/assign", 400, EMPTY_SUBMIT),
    Step("profile with the digest", "/account"),
]
HR = [
    Step("assignments", "/assignments"),
    Step("assignments with errors", "/assignments", 400, EMPTY_SUBMIT),
    Step("rules", "/assignments/rules"),
    Step("rules with errors", "/assignments/rules", 400, EMPTY_SUBMIT),
    Step("cohorts", "/assignments/cohorts"),
    Step("cohorts with errors", "/assignments/cohorts", 400, EMPTY_SUBMIT),
    Step("cohort", "/assignments/cohorts/{cohort}"),
    Step("cohort with errors", "/assignments/cohorts/{cohort}", 400, EMPTY_SUBMIT),
    Step("reports", "/reports"),
    Step(
        "reports with errors",
        "/reports",
        400,
        EMPTY_SUBMIT,
        fill=(("#completed_from", "2026-03-05"), ("#completed_to", "2026-03-01")),
        lands="/reports/completions",
    ),
    Step("a report", "/reports/exports/{export}"),
]
ADMIN = [
    Step("people", "/admin/people"),
    Step("people, searched", "/admin/people?q=kari"),
    Step("person", "/admin/people/{kari}"),
    Step(
        "person with errors",
        "/admin/people/{kari}",
        400,
        "form.card button[type=submit] >> nth=0",
        fill=(("input[name=email]", "not an address"),),
    ),
    Step("new person", "/admin/people/new"),
    Step("new person with errors", "/admin/people/new", 400, EMPTY_SUBMIT + " >> nth=0"),
    Step("import", "/admin/people/import"),
    Step(
        "import with problems",
        "/admin/people/import",
        400,
        "form[enctype] button[type=submit]",
        upload=CSV_HEADER + b"1;bad;A;B\r\n",
    ),
    Step(
        "import preview",
        "/admin/people/import",
        200,
        "form[enctype] button[type=submit]",
        upload=CSV_HEADER + b"9;ny@demo.leda.test;Ny;Person\r\n",
    ),
    Step("units", "/admin/units"),
    Step("units with errors", "/admin/units", 400, EMPTY_SUBMIT),
    Step("unit", "/admin/units/{unit}"),
    Step(
        "unit with errors",
        "/admin/units/{unit}",
        400,
        EMPTY_SUBMIT,
        fill=(("input[name=name]", ""),),
    ),
    Step("audit log", "/admin/audit"),
    Step("settings", "/admin/settings"),
    Step("API tokens", "/admin/tokens"),
    Step("API tokens with errors", "/admin/tokens", 400, EMPTY_SUBMIT),
    Step("SCORM export", "/admin/export/"),
    Step("SCORM export with errors", "/admin/export/scorm?standard=nope&locale=nb", 400),
]
# (role, demo login or None for a visitor, the steps); one browser context for each, per viewport.
VISITS = [
    ("visitor", None, VISITOR),
    ("learner", "learner@demo.leda.test", LEARNER),
    ("learner", "kari@demo.leda.test", FINISHED),
    ("manager", "manager@demo.leda.test", MANAGER),
    ("hr", "hr@demo.leda.test", HR),
    ("admin", "admin@demo.leda.test", ADMIN),
]
PASSWORDS = {user.email: user.password for user in DEMO_USERS}
ROLES = list(dict.fromkeys(role for role, _email, _steps in VISITS))


@dataclass
class Measured:
    """What the run saw: each check's findings, the endpoints whose pages were checked."""

    app: Flask
    findings: list[str]
    checks: int
    endpoints: set[str]


def demo_ids() -> dict[str, str]:
    """The ids the steps' paths need, from the demo, plus the demo learner's failed and passed
    quiz attempts, a lesson check answered, a scenario begun and one played to its debrief
    (made here, as each is made once: the four viewports see the same state), and one-time
    links for the newcomer (an invitation) and Sven (a password reset)."""
    course = current_course()
    module, second, third = course.modules[:3]
    learner = user_by_email("learner@demo.leda.test")
    answered = [lesson for lesson in module.lessons if lesson.check][1]
    answer_check(learner, module, answered, answered.check.options[0].id)
    play(learner, second, decisions=1)
    play(learner, third, decisions=len(third.scenario.decisions))
    failed = submit_attempt(
        learner, module, "a11y-failed", module.version,
        {q.id: [next(o.id for o in q.options if not o.correct)] for q in draw(module, "a11y-1")},
    )  # fmt: skip
    passed = submit_attempt(
        learner, module, "a11y-passed", module.version,
        {q.id: sorted(q.correct_ids) for q in draw(module, "a11y-2")},
    )  # fmt: skip
    assert (failed.passed, passed.passed) == (False, True)
    follow_up = db.session.scalar(
        select(FollowUp.id)
        .join(Commitment)
        .where(Commitment.user_id == learner.id, FollowUp.due_at <= utcnow())
        .order_by(FollowUp.id)
    )
    refresher = db.session.scalar(
        select(Refresher.id).where(Refresher.user_id == learner.id, Refresher.due_at <= utcnow())
    )
    ids = {
        "module": module.id,
        "lesson": module.lessons[0].id,
        "next_lesson": module.lessons[1].id,
        "check_lesson": next(lesson.id for lesson in module.lessons if lesson.check),
        "answered_lesson": answered.id,
        "second_module": second.id,
        "third_module": third.id,
        "failed": failed.id,
        "passed": passed.id,
        "follow_up": follow_up,
        "refresher": refresher,
        "learner": learner.id,
        "kari": user_by_email("kari@demo.leda.test").id,
        "code": format_code(certificate_of(user_by_email("kari@demo.leda.test")).code),
        "cohort": db.session.scalar(select(Cohort.id)),
        "unit": db.session.scalar(select(OrgUnit.id).where(OrgUnit.name == "Helse og omsorg")),
        "export": db.session.scalar(select(ReportExport.id)),
        "invitation": issue_token(user_by_email("nils@demo.leda.test"), TokenPurpose.INVITATION),
        "reset": issue_token(user_by_email("sven@demo.leda.test"), TokenPurpose.PASSWORD_RESET),
    }
    assert None not in ids.values(), ids
    return {name: str(value) for name, value in ids.items()}


def play(user: User, module: Module, decisions: int) -> None:
    """Take the first choice at up to ``decisions`` decisions of the module's scenario."""
    decision = module.scenario.decisions[0]
    for _ in range(decisions):
        choice = decision.choices[0]
        assert choose(user, module, 1, decision.id, choice.id)
        if choice.next is None:
            return
        decision = next(d for d in module.scenario.decisions if d.id == choice.next)


@pytest.fixture(scope="module")
def measured(browser, sqlite_template, tmp_path_factory) -> Iterator[Measured]:
    """The demo on loopback, every step of VISITS at every viewport; one run for the tests
    below. Each visit has one context per viewport, logged in once; a step is taken in all
    four, then the four axe runs (one renderer process each) are collected, so they overlap."""
    path = tmp_path_factory.mktemp("every-page") / "live.sqlite"
    shutil.copy(sqlite_template, path)
    # Styles and scripts kept by the browser for an hour: the same bytes, not asked for again
    # on each of the several hundred pages.
    app = make_app(f"sqlite:///{path}", content=ROOT, SEND_FILE_MAX_AGE_DEFAULT=3600)
    with app.app_context():
        load_demo()
        ids = demo_ids()
        db.session.commit()
    with app.test_request_context(), force_locale("nb"):
        error = gettext("Error:") + " "
    adapter = app.url_map.bind("127.0.0.1")
    base, server = serve(app)
    findings: list[str] = []
    endpoints: set[str] = set()
    checks = 0
    for role, email, steps in VISITS:
        contexts = []
        signed_in = None  # the session, logged in once and shared by the four contexts
        for viewport, width, height, scale in VIEWPORTS:
            # axe is injected as a script, which the app's CSP rightly blocks: bypassed here.
            context = browser.new_context(
                viewport={"width": width, "height": height},
                device_scale_factor=scale,
                locale="nb-NO",
                bypass_csp=True,
                storage_state=signed_in,
            )
            context.add_init_script(path=str(AXE))  # once, not sent again for every page
            page = context.new_page()
            page.set_default_timeout(15_000)
            if email and signed_in is None:
                log_in(page, base, email, PASSWORDS[email])
                signed_in = context.storage_state()
            contexts.append((context, page, viewport, width))
        for step in steps:
            path = step.path.format(**ids)
            if step.of_page:
                endpoints.add(endpoint_of(adapter, urlsplit(path).path))
            started = []
            for _context, page, viewport, width in contexts:
                problems = state_problems(page, base, step, ids, error) + overflowing(page, width)
                start_axe(page)
                started.append((page, f"{role} {email or ''}: {step.name}, {viewport}", problems))
            for page, where, problems in started:
                problems += axe_findings(page)
                findings += [f"{where}: {problem}" for problem in problems]
                checks += 1
        for context, *_rest in contexts:
            context.close()
    yield Measured(app, findings, checks, endpoints)
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def state_problems(page, base: str, step: Step, ids: dict[str, str], error: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Bring the page into the step's state; what is not as the step says (status, address,
    an error page's title that does not begin with the translated "Error: ")."""
    response = page.goto(base + step.path.format(**ids))
    if step.button is not None:
        for selector, value in step.fill:
            page.locator(selector).fill(value)
        if step.upload is not None:
            page.set_input_files(
                "input[type=file]",
                files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": step.upload}],
            )
        with page.expect_navigation() as navigation:
            page.locator(step.button).click()
        response = navigation.value
    problems = []
    if response.status != step.status:
        problems.append(f"status {response.status}, expected {step.status}")
    landed = urlsplit(page.url).path
    if landed != urlsplit((step.lands or step.path).format(**ids)).path:
        problems.append(f"landed on {landed}")
    title = page.title()
    if step.status >= 400 and not title.startswith(error):
        problems.append(f"the title {title!r} does not begin with {error!r}")
    return problems


def endpoint_of(adapter, path: str) -> str:  # type: ignore[no-untyped-def]
    """The endpoint of the GET rule that answers ``path``."""
    try:
        endpoint, _arguments = adapter.match(path, method="GET")
    except HTTPException as error:
        raise AssertionError(f"{path} is no GET rule's") from error
    return endpoint


def get_rules(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}


def test_every_get_rule_is_checked_or_not_a_page(measured):
    """A new page needs a Step above (or, when it is no page, a line in NOT_PAGES)."""
    every = get_rules(measured.app)
    assert {
        "GET rules neither checked nor in NOT_PAGES": sorted(
            every - measured.endpoints - set(NOT_PAGES)
        ),
        "in NOT_PAGES but checked": sorted(measured.endpoints & set(NOT_PAGES)),
        "in NOT_PAGES but no GET rule": sorted(set(NOT_PAGES) - every),
    } == {
        "GET rules neither checked nor in NOT_PAGES": [],
        "in NOT_PAGES but checked": [],
        "in NOT_PAGES but no GET rule": [],
    }


def test_every_page_passes_axe_and_reflows_at_every_viewport(measured):
    assert measured.findings == [], "\n" + "\n".join(measured.findings)


def test_the_measured_summary_is_current(measured):
    """app/accessibility/measured.json says what this module measured, for the statement."""
    version = re.match(r"/\*! axe v([\d.]+)", AXE.read_text()[:40]).group(1)
    summary = {
        "standard": "WCAG 2.1 AA",
        "tool": f"axe-core {version}",
        "tags": AXE_TAGS,
        "viewports": [{"name": name, "width": width} for name, width, _h, _s in VIEWPORTS],
        "roles": ROLES,
        "pages": len(measured.endpoints),
        "checks": measured.checks,
        "violations": len(measured.findings),
        "endpoints": sorted(measured.endpoints),
    }
    text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("LEDA_WRITE_ACCESSIBILITY") == "1":
        MEASURED.write_text(text, encoding="utf-8")
    committed = MEASURED.read_text(encoding="utf-8") if MEASURED.exists() else ""
    assert committed == text, (
        f"{MEASURED.relative_to(ROOT)} is not what was measured: rerun with "
        "LEDA_WRITE_ACCESSIBILITY=1 and commit it"
    )
