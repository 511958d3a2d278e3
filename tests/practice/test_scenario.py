"""The branching scenario through the test client (no JavaScript): decisions in turn, each
consequence shown, the debrief, play again; stale and bad posts change nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db import db
from app.learning.models import LessonProgress, Registration
from app.practice.models import PracticeAnswer, PracticeKind, ScenarioRun
from app.quiz.models import QuizAttempt
from tests.factories import make_org, make_user
from tests.practice.conftest import practice_counts, without_practice

PAGE = "/modules/first-steps/scenario"
AGAIN = PAGE + "/again"
STALE = "That decision was already made. This is where your story stands now."
# Through the test course's scenario: opening -> repair -> close, every choice but one wrong.
PATH = [("opening", "lecture"), ("repair", "ask-now"), ("close", "thanks")]


def choose(client, decision: str, choice: str | None, run: int = 1, version: int = 3):
    data = {"module_version": str(version), "run": str(run), "decision": decision}
    if choice is not None:
        data["choice"] = choice
    return client.post(PAGE, data=data)


def decisions() -> list[tuple]:
    return [
        (a.run, a.item_id, a.choice_id, a.is_correct)
        for a in db.session.scalars(
            select(PracticeAnswer)
            .where(PracticeAnswer.kind == PracticeKind.DECISION)
            .order_by(PracticeAnswer.id)
        )
    ]


def runs() -> list[tuple]:
    return [
        (r.number, r.module_version, r.started_at)
        for r in db.session.scalars(select(ScenarioRun).order_by(ScenarioRun.number))
    ]


def hidden(run: int, decision: str) -> str:
    return (
        '<input id="module_version" name="module_version" type="hidden" value="3">'
        f'<input id="run" name="run" type="hidden" value="{run}">'
        f'<input id="decision" name="decision" type="hidden" value="{decision}">'
    )


def test_the_module_page_links_to_its_scenario(client, learner):
    page = client.get("/modules/first-steps").text
    assert '<h2 id="scenario-title">Scenario</h2>' in page
    assert f'href="{PAGE}">Play the scenario: The first meeting</a>' in page


def test_the_scenario_starts_at_its_first_decision_and_a_get_writes_nothing(client, learner):
    page = client.get(PAGE).text
    assert "<h1>Scenario: The first meeting</h1>" in page
    assert '<p class="lead" lang="en">You meet your team for the first time.</p>' in page
    assert "Practice: it does not count toward your score." in page
    assert '<h2 id="decision-title">Decision 1</h2>' in page
    assert hidden(1, "opening") in page
    assert "<legend>How do you open?</legend>" in page
    assert (
        '<input id="choice-0" name="choice" required type="radio" value="listen">'
        ' <label for="choice-0">You ask and listen</label>'
    ) in page
    assert '<button type="submit" class="button">Decide</button>' in page
    assert "scenario-step" not in page and "Debrief" not in page and "Round" not in page
    assert practice_counts() == (0, 0)


def test_a_learner_plays_to_the_debrief_and_every_choice_is_recorded(client, learner, clock):
    start = clock.now
    for number, (decision, choice) in enumerate(PATH, start=1):
        clock.advance(30)
        response = choose(client, decision, choice)
        assert response.status_code == 303
        assert response.headers["Location"] == f"{PAGE}#step-{number}"
        page = client.get(PAGE).text
        assert f'<section class="card scenario-step" id="step-{number}" tabindex="-1"' in page
        assert page.count('role="status"') == 1  # only the consequence just revealed

    assert runs() == [(1, 3, start + timedelta(seconds=30))]
    rows = db.session.scalars(select(PracticeAnswer).order_by(PracticeAnswer.id)).all()
    assert [
        (r.org_id, r.user_id, r.module_id, r.module_version, r.kind, r.item_id, r.run,
         r.choice_id, r.is_correct, r.answered_at)
        for r in rows
    ] == [
        (learner.org_id, learner.id, "first-steps", 3, PracticeKind.DECISION, "opening", 1,
         "lecture", False, start + timedelta(seconds=30)),
        (learner.org_id, learner.id, "first-steps", 3, PracticeKind.DECISION, "repair", 1,
         "ask-now", True, start + timedelta(seconds=60)),
        (learner.org_id, learner.id, "first-steps", 3, PracticeKind.DECISION, "close", 1,
         "thanks", False, start + timedelta(seconds=90)),
    ]  # fmt: skip

    page = client.get(PAGE).text
    steps = [
        ("How do you open?", "You give a talk", "The room goes quiet."),
        ("How do you turn it round?", "You ask a question", "Someone answers carefully."),
        ("How do you close?", "Thanks for now", "The meeting ends without direction."),
    ]
    for number, (prompt, choice, consequence) in enumerate(steps, start=1):
        assert f'<h2 id="step-{number}-title">Decision {number}</h2>' in page
        assert f'<p lang="en">{prompt}</p>' in page
        assert f'<dt>Your choice</dt>\n    <dd lang="en">{choice}</dd>' in page
        status = ' role="status"' if number == 3 else ""
        assert f'<dd lang="en"><p{status}>{consequence}</p></dd>' in page
    assert '<h2 id="debrief-title">Debrief</h2>' in page
    assert '<p lang="en">Listening first and agreeing a next step builds trust.</p>' in page
    assert f'<form method="post" action="{AGAIN}" class="inline-form">' in page
    assert '<input id="run" name="run" type="hidden" value="1">' in page
    assert '<button type="submit" class="button">Play again</button>' in page
    assert "decision-title" not in page and 'name="choice"' not in page


def test_the_other_branch_leads_through_its_own_decisions(client, learner):
    choose(client, "opening", "listen")
    page = client.get(PAGE).text
    assert hidden(1, "agenda") in page and "<legend>What do you raise?</legend>" in page
    choose(client, "agenda", "their-topics")
    choose(client, "close", "next-step")
    assert decisions() == [
        (1, "opening", "listen", True),
        (1, "agenda", "their-topics", True),
        (1, "close", "next-step", True),
    ]
    assert "Everyone knows what happens next." in client.get(PAGE).text


@pytest.mark.parametrize(
    "post",
    [
        ("opening", "listen", 1, 3),  # a double submit, or back and another choice
        ("close", "next-step", 1, 3),  # a decision further on
        ("agenda", "their-topics", 1, 3),  # the other branch's decision
        ("repair", "ask-now", 2, 3),  # a run that was never started
        ("repair", "ask-now", 1, 2),  # a page from the module's previous version
    ],
)
def test_a_post_for_another_decision_changes_nothing_and_shows_the_current_one(
    client, learner, post
):
    choose(client, "opening", "lecture")
    decision, choice, run, version = post
    response = choose(client, decision, choice, run, version)
    assert response.status_code == 303
    assert response.headers["Location"] == f"{PAGE}#step-1"
    assert decisions() == [(1, "opening", "lecture", False)]
    assert [number for number, _v, _t in runs()] == [1]
    page = client.get(PAGE).text
    assert f'<div class="flash" role="status" data-announce>\n        <p>{STALE}</p>' in page
    assert hidden(1, "repair") in page


def test_a_post_after_the_debrief_changes_nothing(client, learner):
    for decision, choice in PATH:
        choose(client, decision, choice)
    response = choose(client, "close", "next-step")
    assert response.headers["Location"] == f"{PAGE}#step-3"
    assert decisions()[-1] == (1, "close", "thanks", False)


def test_a_stale_post_before_any_choice_leads_to_the_first_decision(client, learner):
    response = choose(client, "repair", "ask-now")
    assert response.headers["Location"] == f"{PAGE}#current-decision"
    assert practice_counts() == (0, 0)


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        (None, "Choose an option."),
        ("", "Choose an option."),
        ("shout", "Choose one of the options shown."),
        ("their-topics", "Choose one of the options shown."),  # a choice of another decision
        (["listen", "lecture"], "Choose one of the options shown."),
    ],
)
def test_a_bad_choice_is_refused_with_a_message_and_nothing_is_stored(
    client, learner, choice, message
):
    response = choose(client, "opening", choice)
    assert response.status_code == 400
    page = response.text
    assert f'<li><a href="#choice">Your choice: {message}</a></li>' in page
    assert f'<p class="error" id="choice-error">{message}</p>' in page
    assert hidden(1, "opening") in page
    assert practice_counts() == (0, 0)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"module_version": "3", "run": "1", "choice": "listen"},
        {"module_version": "3", "run": "one", "decision": "opening", "choice": "listen"},
        {"module_version": "3", "run": "0", "decision": "opening", "choice": "listen"},
        {"module_version": "3", "run": "-1", "decision": "opening", "choice": "listen"},
        {"module_version": "3", "run": "99999999999", "decision": "opening", "choice": "listen"},
        {"module_version": "", "run": "1", "decision": "opening", "choice": "listen"},
        {"module_version": "３", "run": "1", "decision": "opening", "choice": "listen"},
        # found by tests/test_forms_fuzz.py: int() refuses over 4,300 digits (was a 500)
        {"module_version": "3", "run": "9" * 5000, "decision": "opening", "choice": "listen"},
        {"module_version": "1" * 4301, "run": "1", "decision": "opening", "choice": "listen"},
    ],
)
def test_a_malformed_post_is_refused_and_nothing_is_stored(client, learner, data):
    response = client.post(PAGE, data=data)
    assert response.status_code == 400
    assert "<li>This form is not valid. Please answer again.</li>" in response.text
    assert hidden(1, "opening") in response.text
    assert practice_counts() == (0, 0)


def test_play_again_starts_a_new_run_and_keeps_the_first(client, learner, clock):
    for decision, choice in PATH:
        choose(client, decision, choice)
    first_start = runs()[0][2]
    clock.advance(600)
    response = client.post(AGAIN, data={"run": "1"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"{PAGE}#current-decision"
    assert runs() == [(1, 3, first_start), (2, 3, clock.now)]
    again = client.post(AGAIN, data={"run": "1"})  # a double click starts no third run
    assert again.headers["Location"] == f"{PAGE}#current-decision"
    assert [number for number, _v, _t in runs()] == [1, 2]

    page = client.get(PAGE).text
    assert "<span>Round 2</span>" in page
    assert hidden(2, "opening") in page
    assert "scenario-step" not in page  # the latest run is the one shown

    assert choose(client, "opening", "listen", run=1).headers["Location"] == (
        f"{PAGE}#current-decision"
    )  # the old run's page changes nothing
    choose(client, "opening", "listen", run=2)
    assert client.post(AGAIN, data={"run": "2"}).status_code == 303  # not finished: no run 3
    assert [number for number, _v, _t in runs()] == [1, 2]
    assert decisions() == [
        (1, "opening", "lecture", False),
        (1, "repair", "ask-now", True),
        (1, "close", "thanks", False),
        (2, "opening", "listen", True),
    ]
    page = client.get(PAGE).text
    assert '<dd lang="en">You ask and listen</dd>' in page
    assert "You give a talk" not in page


@pytest.mark.parametrize("data", [{}, {"run": ""}, {"run": "x"}, {"run": "0"}, {"run": "9" * 5000}])
def test_a_malformed_play_again_is_refused(client, learner, data):
    for decision, choice in PATH:
        choose(client, decision, choice)
    response = client.post(AGAIN, data=data)
    assert response.status_code == 400
    assert "The request could not be handled. Please go back and try again." in response.text
    assert [number for number, _v, _t in runs()] == [1]


def test_the_scenario_leaves_registration_progress_and_quiz_alone(client, learner):
    for decision, choice in PATH:
        choose(client, decision, choice)
    client.post(AGAIN, data={"run": "1"})
    for model in (Registration, LessonProgress, QuizAttempt):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0, model


def test_each_learner_plays_their_own_run(client, learner, login):
    choose(client, "opening", "lecture")
    client.post("/logout")
    other_org = make_org(slug="dal", name="Dal kommune")
    for user in (
        make_user(learner.organisation, email="kari@vik.test", locale="en"),
        make_user(other_org, email="outi@dal.test", locale="en"),
    ):
        login(user)
        page = client.get(PAGE).text
        assert hidden(1, "opening") in page and "scenario-step" not in page
        choose(client, "opening", "listen")
        client.post("/logout")
    rows = db.session.scalars(select(PracticeAnswer).order_by(PracticeAnswer.id)).all()
    assert [(r.user_id, r.org_id, r.choice_id) for r in rows][0] == (
        learner.id,
        learner.org_id,
        "lecture",
    )
    assert [(r.run, r.item_id) for r in rows] == [(1, "opening")] * 3


def test_the_scenario_speaks_the_learners_language(client, login):
    login(make_user(make_org(), locale="sv"))
    page = client.get(PAGE).text
    assert "<h1>Scenario: Det första mötet</h1>" in page
    assert '<h2 id="decision-title">Beslut 1</h2>' in page
    assert "<legend>Hur inleder du?</legend>" in page
    assert "Gör ditt val</button>" in page


def test_a_module_without_a_scenario_has_no_link_and_no_page(edited_course):
    with edited_course(without_practice) as (client, _user):
        assert "scenario" not in client.get("/modules/first-steps").text.lower()
        assert client.get(PAGE).status_code == 404
        assert choose(client, "opening", "listen").status_code == 404
        assert client.post(AGAIN, data={"run": "1"}).status_code == 404


def test_an_unknown_module_is_a_404(client, learner):
    assert client.get("/modules/nope/scenario").status_code == 404
