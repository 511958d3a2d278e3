"""A learner in a real browser: log in, read a lesson, fail and then pass the quiz."""

import re
import shutil

import pytest
from pypdf import PdfReader

from app.content import check_content, current_course
from app.db import db
from app.demo import load_demo
from tests.browser.conftest import ROOT, serve
from tests.conftest import make_app

pytestmark = pytest.mark.browser

HEADINGS = {
    "nb": ("Min læring", "✓ Bestått."),
    "sv": ("Mitt lärande", "✓ Godkänd."),
    "en": ("My learning", "✓ Passed."),
}


@pytest.fixture
def live_demo(sqlite_template, tmp_path):
    path = tmp_path / "live.sqlite"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", content=ROOT)
    with app.app_context():
        load_demo()
        db.session.commit()
        module = current_course().modules[0]
    url, server = serve(app)
    yield url, module
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("locale", ["nb", "sv", "en"])
def test_demo_learner_reads_a_lesson_and_passes_the_first_module(page, live_demo, locale):
    base, module = live_demo
    log_in_as_demo_learner(page, base, locale)
    heading, passed = HEADINGS[locale]
    page.wait_for_url(f"{base}/")
    assert page.locator("h1").inner_text() == heading

    page.locator("section.continue a.button").click()
    first = module.lessons[0]
    page.wait_for_url(f"{base}/modules/{module.id}/lessons/{first.id}")
    assert page.locator("h1").inner_text() == first.title[locale]
    assert page.locator("article.lesson-body p").first.inner_text() != ""

    # Keyboard: the skip link is the first stop and moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"

    page.goto(f"{base}/modules/{module.id}/quiz")
    for question in asked(page, module):
        wrong = next(o for o in question.options if not o.correct)
        page.locator(f"input[name='q-{question.id}'][value='{wrong.id}']").check()
    page.locator("form.quiz button[type=submit]").click()
    page.wait_for_url(re.compile(rf"{base}/modules/{module.id}/quiz/attempts/\d+"))
    assert (
        page.locator("[role=status]")
        .inner_text()
        .startswith(
            {"nb": "✗ Ikke bestått ennå.", "sv": "✗ Inte godkänd än.", "en": "✗ Not passed yet."}[
                locale
            ]
        )
    )

    page.get_by_role(
        "link", name={"nb": "Prøv igjen", "sv": "Försök igen", "en": "Try again"}[locale]
    ).click()
    for question in asked(page, module):
        for option_id in sorted(question.correct_ids):
            page.locator(f"input[name='q-{question.id}'][value='{option_id}']").check()
    page.locator("form.quiz button[type=submit]").click()
    page.wait_for_url(re.compile(rf"{base}/modules/{module.id}/quiz/attempts/\d+"))
    status = page.locator("[role=status]").inner_text()
    assert status.startswith(passed)
    assert f"{module.max_points} " in status
    assert "(100 %)" in status


def log_in_as_demo_learner(page, base: str, locale: str) -> None:
    """The demo learner, logged in through the login page after choosing ``locale`` there."""
    page.goto(f"{base}/login")
    page.get_by_role(
        "button", name={"nb": "Norsk bokmål", "sv": "Svenska", "en": "English"}[locale]
    ).click()
    page.locator("input[name=email]").fill("learner@demo.leda.test")
    page.locator("input[name=password]").fill("demo-learner-2026")
    page.locator("form.card button[type=submit]").click()


def asked(page, module):
    """The questions the quiz page shows: one variant of each pool."""
    return [q for q in module.questions if page.locator(f"input[name='q-{q.id}']").count()]


@pytest.mark.parametrize("locale", ["nb", "sv"])
def test_every_module_can_be_taken_start_to_finish_in_norwegian_and_swedish(
    page, live_demo, locale
):
    """Each lesson in the locale's words, and the quiz passed (English: the test below)."""
    base, _ = live_demo
    page.goto(f"{base}/login")
    page.get_by_role("button", name={"nb": "Norsk bokmål", "sv": "Svenska"}[locale]).click()
    page.locator("input[name=email]").fill("learner@demo.leda.test")
    page.locator("input[name=password]").fill("demo-learner-2026")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    for module in check_content(ROOT)[0].modules:
        page.goto(f"{base}/modules/{module.id}")
        assert page.locator("h1").inner_text() == module.title[locale]
        page.get_by_role("link", name=module.lessons[0].title[locale], exact=True).click()
        for lesson in module.lessons:
            page.wait_for_url(f"{base}/modules/{module.id}/lessons/{lesson.id}")
            assert page.locator("h1").inner_text() == lesson.title[locale]
            page.locator(".lesson-nav button[type=submit]").click()
        page.wait_for_url(f"{base}/modules/{module.id}/quiz")
        for question in asked(page, module):
            for option_id in sorted(question.correct_ids):
                page.locator(f"input[name='q-{question.id}'][value='{option_id}']").check()
        page.locator("form.quiz button[type=submit]").click()
        assert page.locator("[role=status]").inner_text().startswith(HEADINGS[locale][1])


def test_a_learner_takes_every_module_start_to_finish(page, live_demo):
    base, _ = live_demo
    page.goto(f"{base}/login")
    page.get_by_role("button", name="English").click()
    page.locator("input[name=email]").fill("learner@demo.leda.test")
    page.locator("input[name=password]").fill("demo-learner-2026")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    modules = check_content(ROOT)[0].modules
    for module in modules:
        page.goto(f"{base}/modules/{module.id}")
        page.get_by_role("link", name=module.lessons[0].title["en"]).click()
        for lesson in module.lessons:
            page.wait_for_url(f"{base}/modules/{module.id}/lessons/{lesson.id}")
            assert page.locator("h1").inner_text() == lesson.title["en"]
            page.locator(".lesson-nav button[type=submit]").click()
        page.wait_for_url(f"{base}/modules/{module.id}/quiz")
        for question in asked(page, module):
            for option_id in sorted(question.correct_ids):
                page.locator(f"input[name='q-{question.id}'][value='{option_id}']").check()
        page.locator("form.quiz button[type=submit]").click()
        assert page.locator("[role=status]").inner_text().startswith("✓ Passed.")
        page.goto(f"{base}/modules/{module.id}")
        page.get_by_role("link", name="Open the team conversation card (printable)").click()
        assert page.locator("h1").inner_text() == f"Team conversation: {module.title['en']}"
        assert page.locator(".conversation-card ol.card-questions li").count() == 3
        pdf = page.pdf(format="A4")
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1, "the card must print on one A4 page"
    page.goto(f"{base}/")
    assert "4 of 4 modules passed" in page.locator("main").inner_text()
    # The end of the course is not a blank: a card leads to the certificate and its PDF.
    page.get_by_role("link", name="See your certificate").click()
    page.wait_for_url(f"{base}/certificate")
    assert page.locator("h1").inner_text() == "You have completed the course"
    assert page.locator("table tbody tr").count() == len(modules)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    text = PdfReader(download.value.path()).pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines()]
    assert "Ingrid Learner" in lines
    assert f"Verification code: {page.locator('strong.code').inner_text()}" in lines
