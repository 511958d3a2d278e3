"""The HR dashboard: rates per module and unit, overdue counts, the weekly trend, the questions
most often answered wrong per language; its page, and the queries it takes."""

from datetime import date

from app.content import current_course
from app.db import db, utcnow
from app.orgs.models import Role
from app.quiz.pools import draw
from app.quiz.services import submit_attempt
from app.reporting.dashboard import Question, Rates, dashboard
from tests.factories import make_user
from tests.helpers import (
    POOL_OF,
    WRONG_ANSWERS,
    count_queries,
    drawn_questions,
    quiz_answers,
)
from tests.reporting.test_completions import MODULE, people  # noqa: F401  (a fixture)


def fail_quiz(user, locale=None) -> None:  # type: ignore[no-untyped-def]
    module = current_course().module(MODULE)
    questions = draw(module, f"fail-{user.id}")
    answers = {q.id: WRONG_ANSWERS[q.id] for q in questions}
    submit_attempt(user, module, f"fail-{user.id}", module.version, answers, locale=locale)


def test_the_figures(people):  # noqa: F811
    org, who = people
    who["cato"].locale = "sv"
    fail_quiz(who["cato"])
    db.session.commit()
    board = dashboard(org, utcnow())
    assert board.people == 4
    assert board.modules == {MODULE: Rates(slots=4, completed=1, passed=1, overdue=1)}
    assert board.modules[MODULE].passed_percent == 25
    assert board.units == [
        ("", 2, Rates(slots=2, completed=0, passed=0, overdue=0)),  # Berit and Cato
        ("Helse og omsorg", 1, Rates(slots=1, completed=0, passed=0, overdue=1)),  # Bo
        ("Helse og omsorg/Sykehjem Nord", 1, Rates(slots=1, completed=1, passed=1, overdue=0)),
    ]
    assert len(board.weeks) == 12
    assert board.weeks[0] == (date(2025, 12, 15), 0)
    assert board.weeks[-1] == (date(2026, 3, 2), 1)  # Åse passed on Monday 2 March
    assert sum(count for _week, count in board.weeks) == 1
    # Cato (Swedish) got all three wrong; Åse (Norwegian) none, so nb lists nothing
    assert list(board.hardest) == ["sv"]
    assert sorted(q.question_id for q in board.hardest["sv"]) == sorted(
        q.id for q in draw(current_course().module(MODULE), f"fail-{who['cato'].id}")
    )
    assert all(isinstance(q, Question) and (q.answered, q.wrong) == (1, 1)
               for q in board.hardest["sv"])  # fmt: skip


def test_the_page_draws_each_chart_with_its_table(people, client, login):  # noqa: F811
    org, who = people
    fail_quiz(who["cato"])
    hr = make_user(org, email="hr@vik.test", roles=[Role.HR], locale="en")
    login(hr)
    page = client.get("/reports").text
    assert "5 people are counted." in page
    assert page.count('role="img"') == 3
    assert "Share of people who passed each module" in page
    assert ">20%</text>" in page  # one of five passed
    assert "<td>20 % (1)</td>" in page
    assert "Questions most often answered wrong" in page and "<h3>Norsk bokmål</h3>" in page
    assert "Make the report" in page
    assert "Figures as of" not in page  # a small organisation: counted on every view


def test_the_dashboard_takes_as_many_queries_for_few_people_as_for_many(people, client, login):  # noqa: F811
    org, who = people
    hr = make_user(org, email="hr@vik.test", roles=[Role.HR], locale="en")
    login(hr)
    few = count_queries(lambda: client.get("/reports"))
    for n in range(30):
        person = make_user(org, email=f"p{n}@vik.test", unit=who["north"])
        fail_quiz(person)
    db.session.commit()
    # the signed-in user; the snapshot (none: counted live); people per unit, progress, overdue,
    # the weeks, the questions and the unit paths (the dashboard); the user's exports; the
    # form's assignments and units
    assert count_queries(lambda: client.get("/reports")) == few == 11


def test_wrong_answers_count_in_the_language_the_questions_were_shown_in(people, client, login):  # noqa: F811
    org, who = people
    fail_quiz(who["cato"], locale="en")  # Cato reads Norwegian, but took this quiz in English
    fail_quiz(who["bo"])  # before the attempt kept its language: Bo's own (Norwegian)
    db.session.commit()
    board = dashboard(org, utcnow())
    assert sorted(board.hardest) == ["en", "nb"]
    assert all(q.wrong == 1 for q in board.hardest["en"] + board.hardest["nb"])
    # through the page: the quiz form records the language it was shown in
    login(who["ase"])  # Norwegian, switching to Swedish
    client.post("/language", data={"locale": "sv"})
    quiz = client.get(f"/modules/{MODULE}/quiz").text
    answered = client.post(f"/modules/{MODULE}/quiz", data=quiz_answers(quiz, ("capital",)))
    assert answered.status_code == 303
    board = dashboard(org, utcnow())
    assert sorted(board.hardest) == ["en", "nb", "sv"]
    capital = [q for q in drawn_questions(quiz) if POOL_OF[q] == "capital"]
    assert [q.question_id for q in board.hardest["sv"]] == capital
