from tests.factories import make_org, make_user
from tests.helpers import count_queries


def test_the_dashboard_takes_five_queries_however_much_progress_there_is(client, login):
    user = make_user(make_org(), locale="en")
    login(user)
    empty = count_queries(lambda: client.get("/"))
    client.post("/modules/first-steps/lessons/welcome/done")
    client.post("/modules/first-steps/lessons/practice/done")
    busy = count_queries(lambda: client.get("/"))
    # the session with its user and roles, their registrations, their lessons done per module,
    # their refreshers due, their assigned modules
    assert (empty, busy) == (5, 5)
    page = client.get("/").text
    assert "2 of 2 lessons done" in page
    assert "Lessons done, quiz left" in page
