"""Every form, fuzzed: hypothesis posts its real field names (read from the rendered form) with
arbitrary text, missing, extra and repeated fields, absurd numbers and odd URL arguments.

The property: no answer is a 500, and an answer that refuses (4xx) has committed nothing. CSRF is
on, as in production, and each post carries the page's valid token, so the fuzz reaches the
forms themselves (tests/test_csrf.py holds the refusal of a missing or wrong token).

A new POST route without an entry in FUZZED or NOT_FUZZED fails the first test.
"""

import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.api.services import create_token
from app.auth.services import invite
from app.content import current_course
from app.db import db, utcnow
from app.learning import services as learning
from app.onboarding.models import Target
from app.onboarding.services import assign, create_cohort
from app.orgs.models import Role
from app.quiz.models import Refresher
from app.quiz.pools import draw
from app.quiz.services import submit_attempt
from tests.conftest import make_app
from tests.factories import PASSWORD, make_org, make_unit, make_user
from tests.helpers import committed_writes, running

BOSS = "boss@vik.test"  # every role, so one login can use every form
MODULE = "first-steps"


@dataclass(frozen=True)
class FormTarget:
    """Where a form posts (``{name}`` for URL arguments), the page that renders it, who posts."""

    post: str
    page: str | None
    anonymous: bool = False
    # without a page (its form shows in a state the world below does not reach): the fields
    fields: tuple[str, ...] = ()
    args: dict[str, str] = field(default_factory=dict)  # URL argument -> "id" or "text"


LESSON = f"/modules/{MODULE}/lessons/welcome"
FUZZED: dict[str, FormTarget] = {
    "auth.login": FormTarget("/login", "/login", anonymous=True),
    "auth.forgot_password": FormTarget("/account/forgot", "/account/forgot", anonymous=True),
    "auth.set_password": FormTarget(
        "/account/password/{link}", "/account/password/{link}", anonymous=True,
        args={"link": "text"},
    ),
    "auth.set_language": FormTarget("/language", "/account"),
    "auth.digest": FormTarget("/account/digest", "/account"),
    "auth.logout": FormTarget("/logout", "/"),
    "learning.visit": FormTarget("/modules/{module}/visit", LESSON, args={"module": "text"}),
    "learning.save_reflection": FormTarget(
        "/modules/{module}/lessons/{lesson}/reflection", LESSON,
        args={"module": "text", "lesson": "text"},
    ),
    "learning.complete_lesson": FormTarget(
        "/modules/{module}/lessons/{lesson}/done", LESSON,
        args={"module": "text", "lesson": "text"},
    ),
    "learning.commit_to_action": FormTarget(
        "/modules/{module}/lessons/{lesson}/commitment", LESSON,
        args={"module": "text", "lesson": "text"},
    ),
    "learning.answer_check": FormTarget(
        "/modules/{module}/lessons/practice/check", f"/modules/{MODULE}/lessons/practice",
        args={"module": "text"},
    ),
    "learning.follow_up": FormTarget(
        "/journal/follow-ups/{follow_up}", "/journal/follow-ups/{follow_up}",
        args={"follow_up": "id"},
    ),
    "practice.choose": FormTarget("/modules/{module}/scenario", f"/modules/{MODULE}/scenario",
                               args={"module": "text"}),
    "practice.play_again": FormTarget(
        "/modules/{module}/scenario/again", None, fields=("csrf_token", "run"),
        args={"module": "text"},
    ),
    "quiz.submit": FormTarget("/modules/{module}/quiz", f"/modules/{MODULE}/quiz",
                           args={"module": "text"}),
    "quiz.answer_refresher": FormTarget(
        "/refreshers/{refresher}", "/refreshers/{refresher}", args={"refresher": "id"}
    ),
    "certificates.issue": FormTarget("/certificate", None, fields=("csrf_token",)),
    "orgs.new_person": FormTarget("/admin/people/new", "/admin/people/new"),
    "orgs.person": FormTarget("/admin/people/{user}", "/admin/people/{user}", args={"user": "id"}),
    "orgs.person_action": FormTarget(
        "/admin/people/{user}/{action}", "/admin/people/{user}",
        args={"user": "id", "action": "action"},
    ),
    "orgs.import_people": FormTarget("/admin/people/import", "/admin/people/import"),
    "orgs.apply_import": FormTarget(
        "/admin/people/import/apply", None, fields=("csrf_token", "pending")
    ),
    "orgs.invite_pending": FormTarget("/admin/people/invite-pending", "/admin/people"),
    "orgs.units": FormTarget("/admin/units", "/admin/units"),
    "orgs.unit": FormTarget("/admin/units/{unit}", "/admin/units/{unit}", args={"unit": "id"}),
    "orgs.settings": FormTarget("/admin/settings", "/admin/settings"),
    "onboarding.assignments": FormTarget("/assignments", "/assignments"),
    "onboarding.rules": FormTarget("/assignments/rules", "/assignments/rules"),
    "onboarding.remove": FormTarget(
        "/assignments/{assignment}/remove", "/assignments", args={"assignment": "id"}
    ),
    "onboarding.cohorts": FormTarget("/assignments/cohorts", "/assignments/cohorts"),
    "onboarding.cohort": FormTarget(
        "/assignments/cohorts/{cohort}", "/assignments/cohorts/{cohort}", args={"cohort": "id"}
    ),
    "reporting.completions": FormTarget("/reports/completions", "/reports"),
    "reporting.refresh": FormTarget("/reports/refresh", None, fields=("csrf_token",)),
    "api_tokens.tokens": FormTarget("/admin/tokens", "/admin/tokens"),
    "api_tokens.revoke": FormTarget(
        "/admin/tokens/{token}/revoke", "/admin/tokens", args={"token": "id"}
    ),
    "team.assign": FormTarget("/team/assign", "/team/assign"),
    "team.nudge": FormTarget("/team/{user}/nudge", "/team", args={"user": "id"}),
}  # fmt: skip

# Inputs that took a valid form around them to find (a report of every completion up to
# 9999-12-31 or from 0001-01-01 failed in its job with an OverflowError): run every time.
REGRESSIONS: dict[str, list[list[tuple[str, object]]]] = {
    "reporting.completions": [
        [("format", "csv"), ("completed_to", "9999-12-31")],
        [("format", "xlsx"), ("completed_from", "0001-01-01"), ("completed_to", "0001-01-01")],
    ],
}

# POST routes not fuzzed here, each with the reason.
NOT_FUZZED: dict[str, str] = {}


def post_endpoints(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}


def test_every_post_route_is_fuzzed_or_excluded_with_a_reason(fuzz_app: Flask) -> None:
    assert post_endpoints(fuzz_app) == set(FUZZED) | set(NOT_FUZZED)
    assert set(FUZZED).isdisjoint(NOT_FUZZED)


@pytest.fixture
def fuzz_app(database: str, outbox: Path) -> Iterator[Flask]:
    with running(make_app(database, LEDA_MAIL_OUTBOX=str(outbox), WTF_CSRF_ENABLED=True)) as app:
        yield app


def build_world() -> dict[str, str]:
    """The boss (every role) with a report in a unit, a due follow-up and refresher, an
    assignment, a cohort, an API token and an invitation link: every form's page has a form."""
    org = make_org()
    unit = make_unit(org)
    boss = make_user(org, email=BOSS, roles=list(Role), locale="en", unit=unit,
                     employee_number="1000")  # fmt: skip
    report = make_user(org, email="kari@vik.test", given_name="Kari", manager=boss, unit=unit,
                       employee_number="1001")  # fmt: skip
    module = current_course().modules[0]
    learning.save_reflection(boss, module, "welcome", "A thought")
    commitment = learning.commit_to_action(boss, module, "practice")  # welcome's button stays
    for follow_up in commitment.follow_ups:
        follow_up.due_at -= timedelta(days=8)
    [due] = learning.due_follow_ups(boss, utcnow())
    answers = {q.id: sorted(q.correct_ids) for q in draw(module, "boss-attempt")}
    submit_attempt(boss, module, "boss-attempt", module.version, answers)
    refresher = db.session.scalars(select(Refresher).where(Refresher.number == 1)).one()
    refresher.due_at = utcnow() - timedelta(minutes=1)
    assignment, _ = assign(org, boss, target=Target.UNIT, unit=unit, module_ids=[module.id],
                           due_days=30)  # fmt: skip
    cohort = create_cohort(org, "Nye ledere", [report], boss)
    token, _secret = create_token(org, "HR system", boss)
    link = invite(make_user(org, email="new@vik.test", employee_number="1002")).rsplit("/", 1)[1]
    db.session.commit()
    return {
        "module": module.id,
        "lesson": "welcome",
        "user": str(report.id),
        "unit": str(unit.id),
        "follow_up": str(due.id),
        "refresher": str(refresher.id),
        "assignment": str(assignment.id),
        "cohort": str(cohort.id),
        "token": str(token.id),
        "action": "invite",
        "link": link,
    }


def log_in(client: FlaskClient) -> None:
    """Log the boss in, unless still logged in (a logout refused)."""
    page = client.get("/login")
    if page.status_code == 302:
        return
    page = page.text
    data = {"email": BOSS, "password": PASSWORD, "csrf_token": csrf_token(page)}
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.text


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def field_values(
    page: str, page_path: str, action: str
) -> tuple[dict[str, list[str]], set[str]] | None:
    """Each field name with the values the page offers, of the forms on the page at
    ``page_path`` that post to ``action``, and which of those fields take files; None when no
    form there posts to ``action``."""
    document = lxml.html.fromstring(page)
    fields: dict[str, list[str]] = {}
    files: set[str] = set()
    found = False
    for form in document.forms:
        actions = {form.get("action") or ""} | set(form.xpath(".//@formaction"))
        if action not in {urlsplit(a).path or page_path for a in actions}:
            continue
        found = True
        for element in form.xpath(".//input|.//select|.//textarea|.//button"):
            name = element.get("name")
            if not name:
                continue
            values = fields.setdefault(name, [])
            if element.tag == "select":
                options = element.xpath(".//option")
                values += [o.text_content() if o.get("value") is None else o.get("value")
                           for o in options]  # fmt: skip
            elif element.tag == "textarea":
                values.append(element.text or "")
            elif element.get("value") is not None:
                values.append(element.get("value"))
            if element.get("type") == "file":
                files.add(name)
    return (fields, files) if found else None


# --- the inputs ------------------------------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
ODD = st.sampled_from([
    "", " ", "\x00", "a\x00b", "\r\n", "\t", "\u202e", "\ufeff", "\ufffd", "é", "ǅ", "🦆",
    "0", "-1", "2147483648", "9223372036854775808", "1e309", "NaN", "inf", "-0", " 1 ", "١٢",
    "2026-02-30", "0000-01-01", "9999-12-31", "99999-01-01", "2026-03-02T08:00", "on", "y",
    "../../etc/passwd", "<script>", "'; DROP TABLE", "%00", "a@b", "x" * 300,
])  # fmt: skip
NUMBER = st.integers(min_value=-(2**70), max_value=2**70).map(str)
LONG = st.builds(lambda c, n: c * n, st.characters(exclude_categories=["Cs"]),
                 st.sampled_from([256, 4301, 20_000]))  # fmt: skip


# Values a person would type, by field name, so that a submission can be good but for one field.
PLAUSIBLE = {
    "email": ["ny@vik.test", "kari@vik.test"], "emails": ["kari@vik.test\nola@vik.test"],
    "name": ["Nye ledere 2027"], "given_name": ["Nora"], "family_name": ["Ås"],
    "employee_number": ["2000"], "manager_employee_number": ["1000", "1001"],
    "due_on": ["2027-06-01", "9999-12-31"], "due_days": ["30", "365"],
    "due_by": ["2027-06-01"], "completed_from": ["2026-01-01", "0001-01-01"],
    "completed_to": ["2027-01-01", "9999-12-31"], "password": ["et langt passord om fjorder 9"],
    "confirm": ["et langt passord om fjorder 9"], "text": ["Mine tanker"],
}  # fmt: skip


PEOPLE_CSV = (
    "Ansattnummer;E-post;Fornavn;Etternavn;Enhet;Leder;Språk;Roller\r\n"
    "2001;per@vik.test;Per;Bjørnstad;Helse og omsorg/Sykehjem Nord;1000;nb;leder|hr\r\n"
).encode("utf-8-sig")


def plausible(name: str, offered: list[str]) -> list[str]:
    answer = [v for v in PLAUSIBLE.get(name, []) if v] + [v for v in offered if v]
    if not answer and name.endswith("-answer"):  # a follow-up's answer box
        return ["Det gikk bra"]
    return answer or offered


def values_for(offered: list[str]) -> st.SearchStrategy[str]:
    real = [st.sampled_from(offered)] if offered else []
    return st.one_of(*real, ODD, NUMBER, TEXT, LONG)


@st.composite
def one_field_off(
    draw: st.DrawFn, fields: dict[str, list[str]], files: set[str]
) -> list[tuple[str, object]]:
    """A submission as a person would make it (an optional field left out now and then), but
    for one field (or none) that is anything."""
    good = {name: plausible(name, offered) for name, offered in fields.items() if name not in files}
    data: list[tuple[str, object]] = []
    for name, values in good.items():
        if values and draw(st.integers(0, 3)):
            data.append((name, draw(st.sampled_from(values))))
    for name in files:
        data.append((name, (io.BytesIO(PEOPLE_CSV), "people.csv")))
    if data and draw(st.booleans()):
        index = draw(st.integers(0, len(data) - 1))
        name = data[index][0]
        data[index] = (name, draw(values_for(fields[name])))
    return data


@st.composite
def url_argument(draw: st.DrawFn, kind: str, real: str) -> str:
    if kind == "id":
        number = draw(st.one_of(
            st.just(int(real)), st.integers(-(2**70), 2**70),
            st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63, 10**30]),
        ))  # fmt: skip
        return str(number)
    if kind == "action":
        return draw(st.sampled_from(["deactivate", "reactivate", "invite", "erase"]))
    return draw(st.one_of(st.just(real), TEXT.filter(lambda t: t not in ("", ".", "..")), ODD))


@st.composite
def submission(
    draw: st.DrawFn, fields: dict[str, list[str]], files: set[str]
) -> list[tuple[str, object]]:
    """Each real field absent, once or repeated, with any value; then a few made-up fields."""
    data: list[tuple[str, object]] = []
    for name, offered in fields.items():
        for _ in range(draw(st.sampled_from([1, 1, 1, 0, 2, 3]))):
            if name in files:
                content = draw(st.one_of(st.binary(max_size=300), TEXT.map(str.encode)))
                data.append((name, (io.BytesIO(content), draw(st.sampled_from(["a.csv", ""])))))
            else:
                data.append((name, draw(values_for(offered))))
    extras = draw(st.lists(st.tuples(st.one_of(TEXT, ODD), values_for([])), max_size=3))
    return data + extras


# --- the fuzz --------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", sorted(FUZZED))
def test_no_input_to_a_form_is_a_server_error(
    fuzz_app: Flask, endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    target = FUZZED[endpoint]
    world = build_world()
    client = fuzz_app.test_client()
    if not target.anonymous:
        log_in(client)
    real_path = target.post.format(**world)
    page_path = target.page.format(**world) if target.page else "/"
    page = client.get(page_path)
    assert page.status_code == 200, page_path
    token = csrf_token(page.text)
    if target.page is None:
        fields, files = {name: [] for name in target.fields}, set()
    else:
        form = field_values(page.text, page_path, real_path)
        assert form is not None, f"no form posting to {real_path} on {page_path}"
        fields, files = form
    fields.pop("csrf_token", None)

    def arguments() -> st.SearchStrategy[dict[str, str]]:
        return st.fixed_dictionaries(
            {name: url_argument(kind, world[name]) for name, kind in target.args.items()}
        )

    real_args = {name: world[name] for name in target.args}

    data = st.one_of(submission(fields, files), one_field_off(fields, files))

    @given(args=arguments(), data=data, multipart=st.booleans())
    # each field as the page offers it: the forms' own paths, to the end
    @example(
        args=real_args, data=[(n, v[0] if v else "") for n, v in fields.items()], multipart=False
    )
    # 5,000 digits in every field: over what int() reads (practice's run, the quiz's version)
    @example(args=real_args, data=[(name, "9" * 5000) for name in fields], multipart=False)
    # a part named "\r" has no name once parsed (None): the malformed-input check itself failed
    @example(args=real_args, data=[("\r", "")], multipart=True)
    @settings(max_examples=15, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
    def post(args: dict[str, str], data: list[tuple[str, object]], multipart: bool) -> None:
        nonlocal token
        path = target.post.format(**{k: quote(v, safe="") for k, v in args.items()})
        form = MultiDict([("csrf_token", token), *data])
        kind = {"content_type": "multipart/form-data"} if multipart else {}
        caplog.clear()
        with committed_writes() as written:
            response = client.post(path, data=form, **kind)
        assert response.status_code != 500, (path, data)
        assert b"Traceback" not in response.data
        # nor an error behind a good answer: a job the post queued (run at once here) failing
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
        if response.status_code >= 400:
            assert written == [], (path, data, response.status_code)
        if endpoint == "auth.logout":
            log_in(client)
            token = csrf_token(client.get(page_path).text)

    for data in REGRESSIONS.get(endpoint, []):
        post = example(args=real_args, data=data, multipart=False)(post)
    post()
