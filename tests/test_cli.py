"""The `leda` console script's own commands."""

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from app.auth.services import authenticate
from app.cli import cli
from app.db import db, utcnow
from app.demo import DEMO_USERS, load_demo
from app.learning.models import Registration
from app.orgs.models import Organisation, User
from app.quiz.models import Refresher
from tests.conftest import CONTENT
from tests.content.test_check import build_broken


def test_course_check_reports_ok_for_valid_content():
    result = CliRunner().invoke(cli, ["course", "check", "--root", str(CONTENT)])
    assert result.exit_code == 0
    assert result.output == (
        "test-course v1: 1 modules, 2 lessons, 6 questions (3 in an attempt) in nb, sv, en: OK\n"
    )


def test_course_check_prints_every_problem_and_exits_1(tmp_path: Path):
    root = build_broken("missing-locale", tmp_path / "content")
    result = CliRunner().invoke(cli, ["course", "check", "--root", str(root)])
    assert result.exit_code == 1
    assert result.stderr == (
        "modules/first-steps/quiz.yaml:20: questions[0].options[1].feedback: sv: missing\n"
        "1 problem(s) and 0 warning(s).\n"
    )


def test_the_app_refuses_to_start_on_invalid_content(tmp_path: Path, database):
    import pytest

    from app.content import ContentError
    from tests.conftest import make_app

    root = build_broken("duplicate-id", tmp_path / "content")
    with pytest.raises(ContentError) as error:
        make_app(database, content=root)
    assert str(error.value) == (
        "invalid course content:\n"
        "modules/first-steps/quiz.yaml:54: questions[2].id: capital: used twice\n"
        "modules/first-steps/quiz.yaml:56: questions[2].objective:"
        " pool capital: variants must test the same objective"
    )


def test_demo_can_run_twice_and_its_logins_work(app):
    load_demo()
    db.session.commit()
    load_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1
    assert db.session.scalar(select(func.count()).select_from(User)) == 8
    for demo_user in DEMO_USERS:
        user = authenticate(demo_user.email, demo_user.password)
        assert (user.email, user.roles) == (demo_user.email, frozenset(demo_user.roles))
    registrations = db.session.scalars(select(Registration)).all()
    assert sorted((r.module_id, r.success_status.value) for r in registrations) == [
        ("first-steps", "passed"),
        ("first-steps", "passed"),
        ("first-steps", "passed"),  # the learner's, with a refresher due
        ("first-steps", "unknown"),
    ]
    learner = authenticate(DEMO_USERS[0].email, DEMO_USERS[0].password)
    due = db.session.scalars(
        select(Refresher.number).where(
            Refresher.user_id == learner.id, Refresher.due_at <= utcnow()
        )
    ).all()
    assert due == [1]


def test_the_models_match_the_migrations(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
