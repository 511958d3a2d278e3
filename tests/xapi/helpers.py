"""A learner's way through the test course (module first-steps) at known times, and the export
read back as statements, each validated by ralph's xAPI models (an implementation not ours)."""

import io
import json
from datetime import datetime
from typing import Any

from ralph.models.xapi.base.statements import BaseXapiStatement

from app.content import current_course
from app.learning import services as learning
from app.orgs.models import Organisation, User
from app.quiz.services import submit_attempt
from app.xapi.statements import write_statements

# One variant of each pool; 3 of 4 points fails (the pass mark is 80 %), 4 of 4 passes.
FAILING = {"capital": ["bergen"], "nordic": ["sweden", "iceland"], "water": ["true"]}
PASSING = {"capital": ["oslo"], "nordic": ["iceland", "sweden"], "water": ["true"]}


def work_through(user: User, clock: Any) -> None:
    """Both lessons a minute apart, a failed attempt, then a pass, which finishes the module
    and so the course (a certificate is issued). Times: lessons at 08:01 and 08:02, the
    failed attempt at 08:05, the pass at 08:10 (2026-03-02, UTC)."""
    module = current_course().modules[0]
    clock.advance(60)
    learning.complete_lesson(user, module, "welcome")
    clock.advance(60)
    learning.complete_lesson(user, module, "practice")
    clock.advance(180)
    submit_attempt(user, module, f"fail-{user.id}", module.version, FAILING)
    clock.advance(300)
    submit_attempt(user, module, f"pass-{user.id}", module.version, PASSING)


def export(org: Organisation, since: datetime | None = None) -> list[dict[str, Any]]:
    """The statements ``write_statements`` writes, each line checked against ralph's base
    xAPI statement model before it is returned as parsed."""
    stream = io.StringIO()
    count = write_statements(org, stream, since)
    lines = stream.getvalue().splitlines()
    assert len(lines) == count
    statements = [json.loads(line) for line in lines]
    for statement in statements:
        BaseXapiStatement.model_validate(statement)
    return statements
