"""The check inside a lesson, through the test client (no JavaScript): the scene stops at the
check, the first answer is kept, then the rest of the lesson and the feedback are shown."""

import pytest
from sqlalchemy import select

from app.db import db
from app.learning.models import LessonProgress, Reflection, Registration
from app.practice.models import PracticeAnswer, PracticeKind
from tests.factories import make_user
from tests.helpers import open_page
from tests.practice.conftest import check_marks_no_option, practice_counts, without_practice

LESSON = "/modules/first-steps/lessons/practice"
CHECK = LESSON + "/check"
FORM = f'<form method="post" action="{CHECK}" novalidate>'
BEFORE = "<p>Practice lesson body in en.</p>"
AFTER = "<p>After the check in en.</p>"
TAKEAWAY = '<p lang="en">Practice makes perfect.</p>'
RADIOS = (
    "<legend>What do you do first?</legend>",
    '<input id="option-0" name="option" required type="radio" value="plan">'
    ' <label for="option-0">Make a plan</label>',
    '<input id="option-1" name="option" required type="radio" value="rush">'
    ' <label for="option-1">Start at once</label>',
    '<button type="submit" class="button">Answer and read on</button>',
)


def stored() -> list[tuple]:
    return [
        (a.org_id, a.user_id, a.module_id, a.module_version, a.kind, a.item_id, a.run,
         a.choice_id, a.is_correct, a.answered_at)
        for a in db.session.scalars(select(PracticeAnswer).order_by(PracticeAnswer.id))
    ]  # fmt: skip


def test_the_scene_stops_at_the_check_and_a_get_writes_no_answer(client, learner):
    page = client.get(LESSON).text
    assert BEFORE in page
    assert FORM in page
    for html in RADIOS:
        assert html in page
    assert '<h2 id="check-title">What would you do?</h2>' in page
    assert AFTER not in page  # the rest of the scene waits for the answer
    assert TAKEAWAY not in page  # and so does the takeaway, which would give it away
    assert '<h2 id="action-title">Try this at work</h2>' in page  # the rest of the page stays
    assert "Mark as done and go to the quiz" in page
    assert "check-result" not in page  # no result is announced before an answer
    assert practice_counts() == (0, 0)


@pytest.mark.parametrize(
    ("option", "verdict", "text", "feedback", "is_correct"),
    [
        ("rush", "✗</span> That is not the better choice.", "Start at once",
         "That is quick, but without direction.", False),
        ("plan", "✓</span> That is the better choice.", "Make a plan",
         "Yes, a plan gives direction.", True),
    ],
)  # fmt: skip
def test_an_answer_is_stored_and_the_lesson_goes_on_with_its_feedback(
    client, learner, clock, option, verdict, text, feedback, is_correct
):
    client.get(LESSON)
    response = client.post(CHECK, data={"option": option})
    assert response.status_code == 303
    assert response.headers["Location"] == f"{LESSON}#check-result"
    assert stored() == [
        (learner.org_id, learner.id, "first-steps", 3, PracticeKind.CHECK, "practice", 0,
         option, is_correct, clock.now),
    ]  # fmt: skip

    page = client.get(LESSON).text
    assert FORM not in page
    assert '<div class="check-result" id="check-result" tabindex="-1" role="status">' in page
    assert f'<p class="verdict"><span aria-hidden="true">{verdict}</p>' in page
    assert f'<dt>Your answer</dt>\n      <dd lang="en">{text}</dd>' in page
    assert f'<dt>Feedback</dt>\n      <dd lang="en">{feedback}</dd>' in page
    assert "<summary>Feedback on the other options</summary>" in page
    other = "Make a plan" if option == "rush" else "Start at once"
    assert f'<strong lang="en">{other}</strong>' in page
    assert page.index(BEFORE) < page.index("check-result") < page.index(AFTER)
    assert page.index(AFTER) < page.index(TAKEAWAY)


def test_answering_again_keeps_the_first_answer(client, learner, clock):
    client.post(CHECK, data={"option": "rush"})
    first = clock.now
    clock.advance(60)
    again = client.post(CHECK, data={"option": "plan"})  # the back button, a second thought
    assert again.status_code == 303
    assert again.headers["Location"] == f"{LESSON}#check-result"
    double = client.post(CHECK, data={"option": ""})  # even a bad post just leads back
    assert double.status_code == 303
    assert [(a[7], a[8], a[9]) for a in stored()] == [("rush", False, first)]
    assert '<dd lang="en">Start at once</dd>' in client.get(LESSON).text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose an option."),
        ({"option": ""}, "Choose an option."),
        ({"option": "maybe"}, "Choose one of the options shown."),
        ({"option": ["plan", "rush"]}, "Choose one of the options shown."),
        ({"option": "x" * 5000}, "Choose one of the options shown."),
    ],
)
def test_a_bad_answer_is_refused_with_a_message_and_nothing_is_stored(
    client, learner, data, message
):
    response = client.post(CHECK, data=data)
    assert response.status_code == 400
    page = response.text
    assert '<h2 id="error-summary-title">There is a problem</h2>' in page
    assert f'<li><a href="#option">Your answer: {message}</a></li>' in page
    assert f'<p class="error" id="option-error">{message}</p>' in page
    assert (
        '<fieldset class="choices field-error" id="option" aria-describedby="option-error">' in page
    )
    assert FORM in page and AFTER not in page
    assert practice_counts() == (0, 0)


def test_malformed_bytes_are_refused_before_the_view(client, learner):
    response = client.post(CHECK, data={"option": "plan\x00"})
    assert response.status_code == 400
    assert practice_counts() == (0, 0)


def test_a_refused_answer_keeps_the_reflection_on_the_page(client, learner):
    client.post(LESSON + "/reflection", data={"text": "Mitt svar"})
    page = client.post(CHECK, data={}).text
    assert 'name="text" rows="5">\r\nMitt svar</textarea>' in page
    assert db.session.scalars(select(Reflection.text)).all() == ["Mitt svar"]


def test_the_check_leaves_the_registration_and_lesson_progress_alone(client, learner, clock):
    open_page(client, LESSON)
    before = db.session.scalars(select(Registration)).one()
    snapshot = {c.key: getattr(before, c.key) for c in Registration.__table__.columns}
    progress = [(p.lesson_id, p.viewed_at, p.completed_at, p.time_spent)
                for p in db.session.scalars(select(LessonProgress))]  # fmt: skip
    clock.advance(120)
    assert client.post(CHECK, data={"option": "plan"}).status_code == 303
    db.session.expire_all()
    after = db.session.scalars(select(Registration)).one()
    assert {c.key: getattr(after, c.key) for c in Registration.__table__.columns} == snapshot
    assert [(p.lesson_id, p.viewed_at, p.completed_at, p.time_spent)
            for p in db.session.scalars(select(LessonProgress))] == progress  # fmt: skip


def test_a_lesson_can_be_marked_done_without_answering_its_check(client, learner, clock):
    response = client.post(LESSON + "/done")
    assert response.headers["Location"] == "/modules/first-steps/quiz"
    progress = db.session.scalars(select(LessonProgress)).one()
    assert (progress.lesson_id, progress.completed_at) == ("practice", clock.now)
    assert practice_counts() == (0, 0)
    page = client.get(LESSON).text
    assert FORM in page and "You have marked this lesson as done." in page


def test_each_learner_sees_only_their_own_answer(client, learner, login):
    client.post(CHECK, data={"option": "rush"})
    client.post("/logout")
    login(make_user(learner.organisation, email="kari@vik.test", locale="en"))
    page = client.get(LESSON).text
    assert FORM in page and AFTER not in page


def test_an_answer_to_an_older_module_version_does_not_count(client, learner, clock):
    db.session.add(
        PracticeAnswer(org_id=learner.org_id, user_id=learner.id, module_id="first-steps",
                       module_version=2, kind=PracticeKind.CHECK, item_id="practice", run=0,
                       choice_id="plan", is_correct=True, answered_at=clock.now)
    )  # fmt: skip
    page = client.get(LESSON).text
    assert FORM in page and AFTER not in page
    assert client.post(CHECK, data={"option": "rush"}).status_code == 303
    assert [(a[3], a[7]) for a in stored()] == [(2, "plan"), (3, "rush")]


def test_an_answer_whose_option_was_edited_away_still_opens_the_lesson(client, learner, clock):
    db.session.add(
        PracticeAnswer(org_id=learner.org_id, user_id=learner.id, module_id="first-steps",
                       module_version=3, kind=PracticeKind.CHECK, item_id="practice", run=0,
                       choice_id="wait", is_correct=False, answered_at=clock.now)
    )  # fmt: skip
    page = client.get(LESSON).text
    assert "You answered an earlier wording of this question." in page
    assert FORM not in page and AFTER in page and TAKEAWAY in page


def test_a_check_that_marks_no_option_gives_feedback_without_a_verdict(edited_course, clock):
    with edited_course(check_marks_no_option) as (client, user):
        assert client.post(CHECK, data={"option": "plan"}).status_code == 303
        assert [(a[7], a[8]) for a in stored()] == [("plan", None)]
        page = client.get(LESSON).text
        assert '<dd lang="en">Yes, a plan gives direction.</dd>' in page
        assert 'class="verdict"' not in page
        assert "better choice" not in page


def test_a_lesson_without_a_check_shows_none_and_refuses_a_post(client, learner):
    page = client.get("/modules/first-steps/lessons/welcome").text
    assert "What would you do?" not in page and "practice.js" not in page
    assert '<h2 id="takeaway-title">Key takeaway</h2>' in page
    assert client.post("/modules/first-steps/lessons/welcome/check", data={}).status_code == 404


def test_without_a_check_the_whole_lesson_shows_at_once(edited_course):
    with edited_course(without_practice) as (client, _user):
        page = client.get(LESSON).text
        assert "<p>Practice lesson body in en.</p>\n<p>After the check in en.</p>" in page
        assert "What would you do?" not in page and TAKEAWAY in page
        assert client.post(CHECK, data={"option": "plan"}).status_code == 404


def test_the_check_speaks_the_learners_language(client, login):
    from tests.factories import make_org

    login(make_user(make_org(), locale="nb"))
    page = client.get(LESSON).text
    assert "<legend>Hva gjør du først?</legend>" in page
    assert '<h2 id="check-title">Hva ville du gjort?</h2>' in page
    assert "Svar og les videre</button>" in page
    client.post(CHECK, data={"option": "plan"})
    page = client.get(LESSON).text
    assert '<span aria-hidden="true">✓</span> Det er det beste valget.</p>' in page
    assert "<dt>Ditt svar</dt>" in page and "<p>After the check in nb.</p>" in page
