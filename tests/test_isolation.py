"""Every route × every role, with a second organisation's ids: the status each must answer.

A new route without an entry here fails the first test, so nothing ships unconsidered.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from app.api.services import create_token
from app.db import db, utcnow
from app.learning import services as learning
from app.learning.models import FollowUp
from app.onboarding.models import Target
from app.onboarding.services import assign, create_cohort
from app.orgs.models import Role, User
from app.practice import services as practice
from app.quiz.models import Refresher
from app.quiz.pools import draw
from app.quiz.services import submit_attempt
from app.reporting.completions import CompletionFilters
from app.reporting.exports import request_export
from tests.factories import PASSWORD, make_org, make_unit, make_user

ANON, LEARNER, MANAGER, HR, ADMIN = "anonymous", "learner", "manager", "hr", "admin"
ROLES = [ANON, LEARNER, MANAGER, HR, ADMIN]
THEIR_EMAIL = "outsider@dal.test"


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int) -> dict[str, int]:
    return {**everyone(status), ANON: 302}


def admins(status: int) -> dict[str, int]:
    return {ANON: 302, LEARNER: 403, MANAGER: 403, HR: 403, ADMIN: status}


def managers(status: int) -> dict[str, int]:
    return {ANON: 302, LEARNER: 403, MANAGER: status, HR: 403, ADMIN: 403}


def hr_and_admins(status: int) -> dict[str, int]:
    return {ANON: 302, LEARNER: 403, MANAGER: 403, HR: status, ADMIN: status}


# (endpoint, method) -> (path, {role: status}). {user}, {unit}, {attempt}, {follow_up}: the
# OTHER org's ids.
TABLE: dict[tuple[str, str], tuple[str, dict[str, int]]] = {
    ("static", "GET"): ("/static/css/leda.css", everyone(200)),
    ("accessibility.statement", "GET"): ("/accessibility", everyone(200)),
    ("auth.login", "GET"): ("/login", {**everyone(302), ANON: 200}),
    ("auth.login", "POST"): ("/login", {**everyone(302), ANON: 400}),
    ("auth.forgot_password", "GET"): ("/account/forgot", everyone(200)),
    ("auth.forgot_password", "POST"): ("/account/forgot", everyone(400)),
    ("auth.set_password", "GET"): ("/account/password/not-a-token", everyone(410)),
    ("auth.set_password", "POST"): ("/account/password/not-a-token", everyone(410)),
    ("auth.set_language", "POST"): ("/language", everyone(400)),
    ("auth.profile", "GET"): ("/account", signed_in(200)),
    ("auth.my_data", "GET"): ("/account/my-data.json", signed_in(200)),
    ("auth.digest", "POST"): ("/account/digest", signed_in(302)),
    ("learning.dashboard", "GET"): ("/", signed_in(200)),
    ("learning.module", "GET"): ("/modules/first-steps", signed_in(200)),
    ("learning.lesson", "GET"): ("/modules/first-steps/lessons/welcome", signed_in(200)),
    ("ops.healthz", "GET"): ("/healthz", everyone(200)),
    ("ops.readyz", "GET"): ("/readyz", everyone(200)),
    ("ops.metrics", "GET"): ("/metrics", everyone(404)),  # no LEDA_METRICS_TOKEN: no page
    ("learning.visit", "POST"): ("/modules/first-steps/visit", signed_in(204)),
    ("learning.figure", "GET"): ("/modules/first-steps/figures/steps.en.svg", signed_in(200)),
    ("learning.complete_lesson", "POST"): (
        "/modules/first-steps/lessons/welcome/done", signed_in(302)
    ),
    ("learning.save_reflection", "POST"): (
        "/modules/first-steps/lessons/welcome/reflection", signed_in(302)
    ),
    ("learning.commit_to_action", "POST"): (
        "/modules/first-steps/lessons/welcome/commitment", signed_in(302)
    ),
    ("learning.conversation_card", "GET"): ("/modules/first-steps/card", signed_in(200)),
    ("learning.journal", "GET"): ("/journal", signed_in(200)),
    ("learning.journal_markdown", "GET"): ("/journal.md", signed_in(200)),
    ("learning.follow_up", "GET"): ("/journal/follow-ups/{follow_up}", signed_in(404)),
    ("learning.follow_up", "POST"): ("/journal/follow-ups/{follow_up}", signed_in(404)),
    ("learning.answer_check", "POST"): (
        "/modules/first-steps/lessons/practice/check", signed_in(400)
    ),
    ("practice.scenario", "GET"): ("/modules/first-steps/scenario", signed_in(200)),
    ("practice.choose", "POST"): ("/modules/first-steps/scenario", signed_in(400)),
    ("practice.play_again", "POST"): ("/modules/first-steps/scenario/again", signed_in(400)),
    ("quiz.take", "GET"): ("/modules/first-steps/quiz", signed_in(200)),
    ("quiz.submit", "POST"): ("/modules/first-steps/quiz", signed_in(400)),
    ("quiz.result", "GET"): ("/modules/first-steps/quiz/attempts/{attempt}", signed_in(404)),
    ("quiz.refresher", "GET"): ("/refreshers/{refresher}", signed_in(404)),
    ("quiz.answer_refresher", "POST"): ("/refreshers/{refresher}", signed_in(404)),
    ("certificates.completion", "GET"): ("/certificate", signed_in(200)),
    ("certificates.issue", "POST"): ("/certificate", signed_in(409)),
    ("certificates.download", "GET"): ("/certificate.pdf", signed_in(404)),
    # Public, and the code is the key: another organisation's valid code verifies (by design,
    # tests/certificates/test_views.py); here a well-formed unknown one.
    ("certificates.verify_form", "GET"): ("/verify", everyone(200)),
    ("certificates.verify", "GET"): ("/verify/ABCD-EFGH-JKMN", everyone(404)),
    ("export.index", "GET"): ("/admin/export/", admins(200)),
    ("export.scorm", "GET"): ("/admin/export/scorm?standard=1.2&locale=nb", admins(200)),
    ("orgs.people", "GET"): ("/admin/people?q=sider", admins(200)),
    ("orgs.new_person", "GET"): ("/admin/people/new", admins(200)),
    ("orgs.new_person", "POST"): ("/admin/people/new", admins(400)),
    ("orgs.person", "GET"): ("/admin/people/{user}", admins(404)),
    ("orgs.person", "POST"): ("/admin/people/{user}", admins(404)),
    ("orgs.person_action", "POST"): ("/admin/people/{user}/deactivate", admins(404)),
    ("orgs.import_people", "GET"): ("/admin/people/import", admins(200)),
    ("orgs.import_people", "POST"): ("/admin/people/import", admins(400)),
    ("orgs.apply_import", "POST"): ("/admin/people/import/apply", admins(400)),
    ("orgs.invite_pending", "POST"): ("/admin/people/invite-pending", admins(302)),
    ("orgs.units", "GET"): ("/admin/units", admins(200)),
    ("orgs.units", "POST"): ("/admin/units", admins(400)),
    ("orgs.unit", "GET"): ("/admin/units/{unit}", admins(404)),
    ("orgs.unit", "POST"): ("/admin/units/{unit}", admins(404)),
    ("orgs.audit_log", "GET"): ("/admin/audit", admins(200)),
    ("orgs.settings", "GET"): ("/admin/settings", admins(200)),
    ("orgs.settings", "POST"): ("/admin/settings", admins(302)),
    ("onboarding.assignments", "GET"): ("/assignments", hr_and_admins(200)),
    ("onboarding.assignments", "POST"): ("/assignments", hr_and_admins(400)),
    ("onboarding.rules", "GET"): ("/assignments/rules", hr_and_admins(200)),
    ("onboarding.rules", "POST"): ("/assignments/rules", hr_and_admins(400)),
    ("onboarding.remove", "POST"): ("/assignments/{assignment}/remove", hr_and_admins(404)),
    ("onboarding.cohorts", "GET"): ("/assignments/cohorts", hr_and_admins(200)),
    ("onboarding.cohorts", "POST"): ("/assignments/cohorts", hr_and_admins(400)),
    ("onboarding.cohort", "GET"): ("/assignments/cohorts/{cohort}", hr_and_admins(404)),
    ("onboarding.cohort", "POST"): ("/assignments/cohorts/{cohort}", hr_and_admins(404)),
    ("reporting.reports", "GET"): ("/reports", hr_and_admins(200)),
    ("reporting.completions", "POST"): ("/reports/completions", hr_and_admins(400)),
    ("reporting.refresh", "POST"): ("/reports/refresh", hr_and_admins(303)),
    ("reporting.export", "GET"): ("/reports/exports/{export}", hr_and_admins(404)),
    ("reporting.export_status", "GET"): ("/reports/exports/{export}/status", hr_and_admins(404)),
    ("reporting.export_file", "GET"): ("/reports/exports/{export}/file", hr_and_admins(404)),
    # the API reads bearer tokens only: a session is no key to it
    ("api.completions", "GET"): ("/api/v1/completions", everyone(401)),
    ("api.openapi", "GET"): ("/api/v1/openapi.json", everyone(200)),
    ("api_tokens.tokens", "GET"): ("/admin/tokens", admins(200)),
    ("api_tokens.tokens", "POST"): ("/admin/tokens", admins(400)),
    ("api_tokens.revoke", "POST"): ("/admin/tokens/{token}/revoke", admins(404)),
    ("team.team_page", "GET"): ("/team", managers(200)),
    ("team.team_csv", "GET"): ("/team.csv", managers(200)),
    ("team.nudge", "POST"): ("/team/{user}/nudge", managers(404)),
    ("team.cards", "GET"): ("/team/cards", managers(200)),
    # their person is no report: the form stays empty, their email is not filled in
    ("team.assign", "GET"): ("/team/assign?person={user}", managers(200)),
    ("team.assign", "POST"): ("/team/assign", managers(400)),
    ("auth.logout", "POST"): ("/logout", everyone(302)),  # last: it ends the session
}  # fmt: skip


def test_every_route_has_an_entry(app: Flask) -> None:
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == set(TABLE)


@pytest.fixture
def theirs(app: Flask) -> dict[str, int]:
    """A second organisation with a person, a unit, a quiz attempt, a journal (a reflection and
    a commitment whose first follow-up is due and answered), a lesson check answered, a
    scenario played to the debrief, an assignment, a cohort, an API token and a report export."""
    from app.content import current_course

    org = make_org(slug="dal", name="Dal kommune")
    unit = make_unit(org, "Dal helse")
    user = make_user(org, email=THEIR_EMAIL, unit=unit, given_name="Outi", family_name="Sider")
    module = current_course().modules[0]
    learning.record_visit(user, module, module.lessons[0].id)
    answers = {q.id: sorted(q.correct_ids) for q in draw(module, "their-attempt")}
    attempt = submit_attempt(user, module, "their-attempt", module.version, answers)
    refresher = db.session.scalars(select(Refresher).where(Refresher.number == 1)).one()
    refresher.due_at = utcnow() - timedelta(minutes=1)  # due: only its owner may open it
    follow_up = _journal(user)
    practice.answer_check(user, module, module.lesson("practice"), "rush")
    for decision_id, choice_id in [
        ("opening", "lecture"),
        ("repair", "carry-on"),
        ("close", "thanks"),
    ]:
        practice.choose(user, module, 1, decision_id, choice_id)
    assignment, _ = assign(
        org, None, target=Target.UNIT, unit=unit, module_ids=[module.id], due_days=30
    )
    cohort = create_cohort(org, "Dal ledere", [user], None)
    token, _secret = create_token(org, "Dal HR", None)
    export = request_export(org, user, CompletionFilters(), "csv", "nb", None)
    db.session.commit()
    return {
        "user": user.id,
        "unit": unit.id,
        "attempt": attempt.id,
        "refresher": refresher.id,
        "follow_up": follow_up,
        "assignment": assignment.id,
        "cohort": cohort.id,
        "token": token.id,
        "export": export.id,
    }


SECRET = "Outis private thought"


def _journal(user: User) -> int:
    """A reflection, a commitment made eight days ago and its answered one-week follow-up."""
    from app.content import current_course

    module = current_course().modules[0]
    learning.save_reflection(user, module, "welcome", f"{SECRET}: reflection")
    commitment = learning.commit_to_action(user, module, "welcome")
    for follow_up in commitment.follow_ups:
        follow_up.due_at -= timedelta(days=8)
    [due] = learning.due_follow_ups(user, utcnow())
    learning.answer_follow_up(due, f"{SECRET}: answer")
    return due.id


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_and_never_another_orgs_data(
    app: Flask, client: FlaskClient, theirs: dict[str, int], role: str
) -> None:
    if role != ANON:
        org = make_org()
        user = make_user(org, email=f"{role}@vik.test", roles=[Role(role)], locale="en")
        db.session.commit()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
    got, expected, writes = {}, {}, {}
    for (endpoint, method), (path, statuses) in TABLE.items():
        with (
            recording_writes() as written,
            client.open(path.format(**theirs), method=method) as response,
        ):
            got[endpoint, method] = response.status_code
            body = response.get_data()
            if response.mimetype == "text/html":
                ids = re.findall(rb'\sid="([^"]+)"', body)
                assert len(ids) == len(set(ids)), (endpoint, method, "an id twice")
        if method == "GET" and written:
            writes[endpoint] = written
        expected[endpoint, method] = statuses[role]
        assert THEIR_EMAIL.encode() not in body, (endpoint, method)
        assert b"Outi" not in body, (endpoint, method)
    assert got == expected
    # A GET never writes: not a page view, not a download. The HR API is the one exception the
    # audit asks for (every read is logged, with the token's last use); the rate limiter's
    # counters (certificate checks by strangers) are not data.
    assert {e: w for e, w in writes.items() if e != "api.completions"} == {}


@contextmanager
def recording_writes() -> Iterator[list[str]]:
    """The INSERT, UPDATE and DELETE statements run inside the block (their first words)."""
    written: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        words = statement.split()
        writes = words[0].upper() in {"INSERT", "UPDATE", "DELETE"}
        if writes and "rate_limit_counter" not in words[:4]:
            written.append(" ".join(words[:3]))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield written
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.HR, Role.ADMIN])
def test_no_role_sees_anothers_journal_in_the_same_organisation(
    app: Flask, client: FlaskClient, role: Role
) -> None:
    """Reflections, commitments and follow-up answers are the learner's alone: their own
    manager, HR and the administrators of their organisation see none of it, anywhere."""
    org = make_org()
    viewer = make_user(org, email="viewer@vik.test", roles=[Role.LEARNER, role], locale="en")
    learner = make_user(org, email="outi@vik.test", given_name="Outi", manager=viewer)
    follow_up = _journal(learner)
    db.session.commit()
    response = client.post("/login", data={"email": viewer.email, "password": PASSWORD})
    assert response.status_code == 302
    pages = ["/", "/journal", "/journal.md", "/account/my-data.json",
             "/modules/first-steps/lessons/welcome"]  # fmt: skip
    if role == Role.ADMIN:
        pages += [f"/admin/people/{learner.id}", "/admin/people?q=outi", "/admin/audit"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert SECRET.encode() not in response.get_data(), path
    for method in ("GET", "POST"):
        response = client.open(f"/journal/follow-ups/{follow_up}", method=method,
                               data={f"follow-up-{follow_up}-answer": "overwritten"})  # fmt: skip
        assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(FollowUp, follow_up).answer == f"{SECRET}: answer"
