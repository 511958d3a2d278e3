from tests.factories import make_org, make_user
from tests.helpers import count_queries


def test_the_dashboard_takes_five_queries_however_much_progress_there_is(client, login, clock):
    from datetime import timedelta

    from app.content import current_course
    from app.learning.services import commit_to_action

    user = make_user(make_org(), locale="en")
    login(user)
    empty = count_queries(lambda: client.get("/"))
    client.post("/modules/first-steps/lessons/welcome/done")
    client.post("/modules/first-steps/lessons/practice/done")
    for lesson in current_course().modules[0].lessons:
        commit_to_action(user, current_course().modules[0], lesson.id)
    clock.advance(int(timedelta(weeks=1).total_seconds()))
    login(user)
    busy = count_queries(lambda: client.get("/"))
    # the session with its user and roles, their registrations, their lessons done per module,
    # their refreshers due, their follow-ups due with the commitments they ask about, their
    # assigned modules, whether they finished the course (a certificate, or every module)
    assert (empty, busy) == (7, 7)
    page = client.get("/").text
    assert "2 of 2 lessons done" in page
    assert "Lessons done, quiz left" in page
    assert page.count('class="follow-up"') == 2


def test_the_module_page_counts_the_questions_an_attempt_asks_not_every_variant(client, login):
    login(make_user(make_org(), locale="en"))
    page = client.get("/modules/first-steps").text
    # six questions in three pools of variants: an attempt asks one of each
    assert "3 questions. You pass with 80 % correct" in page
