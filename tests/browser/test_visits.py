"""A lesson opened in a real browser is recorded by the page itself (leda.js), not by its GET."""

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_opening_a_lesson_records_the_visit_from_the_page(page, live_course):
    base, email = live_course
    log_in(page, base, email)
    assert page.locator(".badge").first.inner_text() == "Not started"

    with page.expect_response(f"{base}/modules/first-steps/visit") as sent:
        page.goto(f"{base}/modules/first-steps/lessons/welcome")
    assert sent.value.status == 204
    page.goto(f"{base}/")
    assert page.locator(".badge").first.inner_text() == "In progress"


def test_a_page_fetched_without_running_it_records_nothing(page, live_course):
    """What a prefetch or a link preview does: fetch the page, run none of it."""
    base, email = live_course
    log_in(page, base, email)
    assert page.request.get(f"{base}/modules/first-steps/lessons/welcome").status == 200
    page.goto(f"{base}/")
    assert page.locator(".badge").first.inner_text() == "Not started"


def test_no_id_is_used_twice_on_a_lesson_page_with_csrf_on(page, live_course):
    """The lesson page holds several forms, each with its CSRF token: none may repeat an id."""
    base, email = live_course
    log_in(page, base, email)
    page.goto(f"{base}/modules/first-steps/lessons/practice")
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map((e) => e.id)")
    assert page.locator("input[name=csrf_token]").count() >= 3
    assert sorted(ids) == sorted(set(ids))


def test_a_visit_without_the_pages_csrf_token_is_refused(page, live_course):
    """The visit is a POST the page sends with its CSRF token: another site cannot forge one."""
    base, email = live_course
    log_in(page, base, email)
    refused = page.request.post(f"{base}/modules/first-steps/visit", form={"lesson": "welcome"})
    assert refused.status == 400
    page.goto(f"{base}/")
    assert page.locator(".badge").first.inner_text() == "Not started"
