"""The practice services called directly, racing requests, and a learner's data: what is kept,
what a download shows and what erasure removes."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select
from werkzeug.test import TestResponse

from app.content import current_course
from app.db import db
from app.orgs.services import erase_user
from app.practice import services
from app.practice.models import PracticeAnswer, PracticeKind, ScenarioRun
from tests.factories import PASSWORD, make_org, make_user
from tests.practice.conftest import practice_counts


@pytest.fixture
def module(app):
    return current_course().module("first-steps")


def test_answer_check_refuses_an_unknown_option_and_a_lesson_without_a_check(app, module):
    user = make_user(make_org())
    with pytest.raises(services.NotAnOption):
        services.answer_check(user, module, module.lesson("practice"), "maybe")
    with pytest.raises(LookupError):
        services.answer_check(user, module, module.lesson("welcome"), "plan")
    assert services.check_answer(user, module, module.lesson("welcome")) is None
    assert practice_counts() == (0, 0)


def test_a_check_answered_twice_keeps_the_first(app, module):
    user = make_user(make_org())
    lesson = module.lesson("practice")
    services.answer_check(user, module, lesson, "plan")
    services.answer_check(user, module, lesson, "rush")
    answer = services.check_answer(user, module, lesson)
    assert (answer.option.id, answer.is_correct) == ("plan", True)
    assert practice_counts() == (1, 0)


def test_choose_records_the_current_decision_only(app, module):
    user = make_user(make_org())
    assert services.choose(user, module, 1, "opening", "listen") is True
    assert services.choose(user, module, 1, "opening", "lecture") is False  # made already
    assert services.choose(user, module, 1, "close", "thanks") is False  # not yet
    assert services.choose(user, module, 2, "agenda", "your-plan") is False  # no such run
    with pytest.raises(services.NotAnOption):
        services.choose(user, module, 1, "agenda", "listen")
    state = services.scenario_state(user, module)
    assert (state.run, [(s.decision.id, s.choice.id) for s in state.steps], state.current.id) == (
        1,
        [("opening", "listen")],
        "agenda",
    )
    assert practice_counts() == (1, 1)


def test_play_again_only_after_the_debrief_and_only_once(app, module):
    user = make_user(make_org())
    assert services.play_again(user, module, 1) == 1  # nothing played: nothing to replay
    for decision_id, choice_id in [("opening", "listen"), ("agenda", "your-plan")]:
        services.choose(user, module, 1, decision_id, choice_id)
    assert services.play_again(user, module, 1) == 1  # not at the debrief yet
    services.choose(user, module, 1, "close", "next-step")
    assert services.scenario_state(user, module).is_finished
    assert services.play_again(user, module, 1) == 2
    assert services.play_again(user, module, 1) == 2
    state = services.scenario_state(user, module)
    assert (state.run, state.steps, state.current.id) == (2, (), "opening")
    assert db.session.scalars(select(ScenarioRun.number).order_by(ScenarioRun.number)).all() == [
        1,
        2,
    ]


def test_a_choice_the_content_no_longer_has_is_asked_again_and_replaced(app, module, clock):
    """Content edited without a new version: the stored choice is gone, so the learner is not
    stuck; their new choice takes the old one's place."""
    user = make_user(make_org())
    services.choose(user, module, 1, "opening", "listen")
    row = db.session.scalars(select(PracticeAnswer)).one()
    row.choice_id = "withdrawn"
    db.session.flush()
    assert services.scenario_state(user, module).current.id == "opening"
    clock.advance(5)
    assert services.choose(user, module, 1, "opening", "lecture") is True
    db.session.expire_all()
    row = db.session.scalars(select(PracticeAnswer)).one()
    assert (row.choice_id, row.is_correct, row.answered_at) == ("lecture", False, clock.now)


def test_racing_posts_of_one_decision_and_one_check_store_one_answer_each(app):
    user = make_user(make_org())
    db.session.commit()
    clients = [app.test_client() for _ in range(6)]
    for client in clients:
        client.post("/login", data={"email": user.email, "password": PASSWORD})

    def post(i: int) -> TestResponse:
        if i % 2:
            data = {"option": ("plan", "rush")[i % 4 // 2]}
            return clients[i].post("/modules/first-steps/lessons/practice/check", data=data)
        data = {"module_version": "3", "run": "1", "decision": "opening",
                "choice": ("listen", "lecture")[i % 4 // 2]}  # fmt: skip
        return clients[i].post("/modules/first-steps/scenario", data=data)

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = [response.status_code for response in pool.map(post, range(6))]

    assert statuses == [303] * 6
    db.session.rollback()
    rows = db.session.scalars(select(PracticeAnswer).order_by(PracticeAnswer.kind)).all()
    assert [(r.kind, r.item_id, r.run) for r in rows] == [
        (PracticeKind.CHECK, "practice", 0),
        (PracticeKind.DECISION, "opening", 1),
    ]
    assert db.session.scalars(select(ScenarioRun.number)).all() == [1]


def test_the_download_holds_every_practice_answer_and_run(client, login, clock):
    user = make_user(make_org(), locale="en")
    login(user)
    client.post("/modules/first-steps/lessons/practice/check", data={"option": "rush"})
    client.post(
        "/modules/first-steps/scenario",
        data={"module_version": "3", "run": "1", "decision": "opening", "choice": "listen"},
    )
    data = json.loads(client.get("/account/my-data.json").text)
    at = clock.now.isoformat()
    common = {"org_id": user.org_id, "user_id": user.id, "module_id": "first-steps",
              "module_version": 3, "answered_at": at}  # fmt: skip
    assert data["practice_answers"] == [
        {**common, "id": 1, "kind": "check", "item_id": "practice", "run": 0,
         "choice_id": "rush", "is_correct": False},
        {**common, "id": 2, "kind": "decision", "item_id": "opening", "run": 1,
         "choice_id": "listen", "is_correct": True},
    ]  # fmt: skip
    assert data["scenario_runs"] == [
        {"id": 1, "org_id": user.org_id, "user_id": user.id, "module_id": "first-steps",
         "module_version": 3, "number": 1, "started_at": at},
    ]  # fmt: skip


def test_erasure_removes_the_persons_practice_and_no_one_elses(app, module):
    org = make_org()
    gone, stays = make_user(org, email="a@vik.test"), make_user(org, email="b@vik.test")
    for user in (gone, stays):
        services.answer_check(user, module, module.lesson("practice"), "plan")
        services.choose(user, module, 1, "opening", "listen")
    erase_user(gone, None)
    db.session.commit()
    assert db.session.scalars(select(PracticeAnswer.user_id)).all() == [stays.id, stays.id]
    assert db.session.scalars(select(ScenarioRun.user_id)).all() == [stays.id]
