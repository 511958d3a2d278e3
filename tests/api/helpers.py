"""People with progress for the API's tests, and a way to read their report as JSON Lines."""

import io
import json
from datetime import date
from typing import Any

from app.api import services
from app.content import current_course
from app.db import db, utcnow
from app.learning import services as learning
from app.onboarding.models import Target
from app.onboarding.services import assign
from app.orgs.models import Organisation, User
from app.reporting.completions import CompletionFilters, CompletionReport
from app.reporting.formats import write_jsonl
from tests.certificates.helpers import pass_quiz
from tests.factories import make_org, make_unit, make_user

MODULE = "first-steps"  # the test course's one module


def jsonl(org: Organisation) -> list[dict[str, Any]]:
    """The completion report's JSON Lines objects, as `leda report completions` writes them."""
    stream = io.BytesIO()
    write_jsonl(CompletionReport(org, CompletionFilters(), utcnow()), stream, "nb")
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def vik_with_progress(clock) -> tuple[Organisation, list[User], str]:  # type: ignore[no-untyped-def]
    """Vik: five people (Åse passed the module, Bo is assigned it), a token for Vik; Dal, with
    a person and a token of its own."""
    org = make_org()
    unit = make_unit(org, "Helse og omsorg")
    people = [
        make_user(org, email="ase@vik.test", given_name="Åse", family_name="Ærø",
                  employee_number="101", unit=unit),
        make_user(org, email="bo@vik.test", given_name="Bo", family_name="Berg"),
        make_user(org, email="cato@vik.test", given_name="Cato", family_name="Dahl"),
        make_user(org, email="dina@vik.test", given_name="Dina", family_name="Eng"),
        make_user(org, email="eli@vik.test", given_name="Eli", family_name="Fjell"),
    ]  # fmt: skip
    module = current_course().module(MODULE)
    learning.record_visit(people[0], module, module.lessons[0].id)
    clock.advance(120)
    for lesson in module.lessons:
        learning.complete_lesson(people[0], module, lesson.id)
    clock.advance(60)
    pass_quiz(people[0])
    clock.advance(3600)  # 09:03
    assign(org, None, target=Target.PERSON, person=people[1], module_ids=[MODULE],
           due_on=date(2026, 3, 20))  # fmt: skip
    _token, secret = services.create_token(org, "HR system", None)
    dal = make_org(slug="dal", name="Dal kommune")
    make_user(dal, email="dag@dal.test", given_name="Dag")
    services.create_token(dal, "Dal HR", None)
    db.session.commit()
    return org, people, secret
