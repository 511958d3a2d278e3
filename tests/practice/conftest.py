"""A learner signed in, and apps on edited copies of the test course for content the shared
course does not have (a check that marks no option, a module with no practice at all)."""

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.db import db
from app.orgs.models import User
from app.practice.models import PracticeAnswer, ScenarioRun
from tests.conftest import CONTENT, make_app
from tests.factories import PASSWORD, make_org, make_user
from tests.helpers import running

MODULE_YAML = Path("modules") / "first-steps" / "module.yaml"


@pytest.fixture
def learner(client: FlaskClient, login: Callable[[User], None]) -> User:
    user = make_user(make_org(), locale="en")
    login(user)
    return user


def practice_counts() -> tuple[int, int]:
    """How many practice answers and scenario runs are stored."""
    return tuple(  # type: ignore[return-value]
        db.session.scalar(select(func.count()).select_from(model))
        for model in (PracticeAnswer, ScenarioRun)
    )


def without_practice(root: Path) -> None:
    """The test course with no lesson check and no scenario, as the shipped modules are now."""
    path = root / MODULE_YAML
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("    check:")] + text[text.index("conversation_card:") :])
    for lesson in (root / MODULE_YAML.parent / "lessons").glob("practice.*.md"):
        lesson.write_text(lesson.read_text(encoding="utf-8").replace("<!-- check -->\n", ""))


def check_marks_no_option(root: Path) -> None:
    """The test course with a check that is a dilemma: no option marked correct."""
    path = root / MODULE_YAML
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("          correct: true\n", "", 1))


@pytest.fixture
def edited_course(database: str, tmp_path: Path) -> Callable[..., object]:
    """``with edited_course(edit) as (client, user)``: a signed-in learner on an app serving a
    copy of the test course that ``edit(root)`` changed."""

    @contextmanager
    def open_course(edit: Callable[[Path], None]) -> Iterator[tuple[FlaskClient, User]]:
        root = tmp_path / "content"
        shutil.copytree(CONTENT, root)
        edit(root)
        with running(make_app(database, content=root)) as application:
            user = make_user(make_org(), locale="en")
            db.session.commit()
            client = application.test_client()
            response = client.post("/login", data={"email": user.email, "password": PASSWORD})
            assert response.status_code == 302
            yield client, user

    return open_course
