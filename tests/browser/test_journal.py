"""The reflection journal in a real browser: nothing typed is lost, the confirmation is where
the learner looks, and the journal prints."""

import re

import pytest

from tests.browser.test_learner import live_demo  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def log_in(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.get_by_role("button", name="English").click()
    page.locator("input[name=email]").fill("learner@demo.leda.test")
    page.locator("input[name=password]").fill("demo-learner-2026")
    page.locator("form.card button[type=submit]").click()


def in_view(page, selector: str) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """(selector) => { const box = document.querySelector(selector).getBoundingClientRect();
           return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight; }""",
        selector,
    )


@pytest.mark.parametrize("width", [320, 1280])
def test_saving_shows_the_confirmation_beside_the_form(browser, live_demo, width):  # noqa: F811
    base, module = live_demo
    context = browser.new_context(viewport={"width": width, "height": 700})
    page = context.new_page()
    log_in(page, base)
    page.wait_for_url(f"{base}/")
    lesson = module.lessons[1]
    page.goto(f"{base}/modules/{module.id}/lessons/{lesson.id}")
    page.locator("textarea[name=text]").fill("Skrevet i nettleseren.")
    page.get_by_role("button", name="Save reflection").click()
    page.wait_for_url(f"{base}/modules/{module.id}/lessons/{lesson.id}#reflection")
    status = page.locator("#reflection-status")
    saved = f"Your reflection on “{lesson.title['en']}” is saved. Only you can see it."
    assert status.inner_text() == saved
    # and once more, a moment later, for screen readers that skip what a page loads with
    announcer = page.locator("body > div.visually-hidden[role=status]")
    announcer.get_by_text(saved).wait_for()
    assert in_view(page, "#reflection-status p"), "the confirmation must be on screen"
    assert page.locator(".flash").count() == 0
    assert page.locator("textarea[name=text]").input_value() == "Skrevet i nettleseren."
    context.close()


def test_mark_as_done_keeps_what_was_typed(page, live_demo):  # noqa: F811
    base, module = live_demo
    log_in(page, base)
    page.wait_for_url(f"{base}/")
    first, second = module.lessons[1], module.lessons[2]
    page.goto(f"{base}/modules/{module.id}/lessons/{first.id}")
    page.locator("textarea[name=text]").fill("Dette skrev jeg før jeg gikk videre.")
    page.locator(".lesson-nav button[type=submit]").click()
    page.wait_for_url(f"{base}/modules/{module.id}/lessons/{second.id}")
    assert page.locator(".flash").inner_text() == (
        f"Your reflection on “{first.title['en']}” is saved. Only you can see it."
    )
    page.goto(f"{base}/journal")
    assert page.get_by_text("Dette skrev jeg før jeg gikk videre.").count() == 1


def test_a_save_after_logging_out_in_another_tab_finishes_after_login(browser, live_demo):  # noqa: F811
    base, module = live_demo
    context = browser.new_context(viewport={"width": 1280, "height": 700})
    lesson_tab, other_tab = context.new_page(), context.new_page()
    log_in(lesson_tab, base)
    lesson_tab.wait_for_url(f"{base}/")
    lesson = module.lessons[1]
    address = f"{base}/modules/{module.id}/lessons/{lesson.id}"
    lesson_tab.goto(address)
    lesson_tab.locator("textarea[name=text]").fill("Skrevet mens økten tok slutt.")

    other_tab.goto(f"{base}/")
    other_tab.get_by_role("button", name="Log out").click()
    other_tab.wait_for_url(f"{base}/login")

    lesson_tab.get_by_role("button", name="Save reflection").click()
    lesson_tab.wait_for_url(re.compile(r".*/login\?next=.*"))
    assert lesson_tab.locator(".flash").inner_text() == (
        "Your session has ended. Log in again and your reflection will be saved."
    )
    lesson_tab.locator("input[name=email]").fill("learner@demo.leda.test")
    lesson_tab.locator("input[name=password]").fill("demo-learner-2026")
    lesson_tab.locator("form.card button[type=submit]").click()
    lesson_tab.wait_for_url(f"{address}#reflection")
    assert lesson_tab.locator("textarea[name=text]").input_value() == (
        "Skrevet mens økten tok slutt."
    )
    assert lesson_tab.locator("#reflection-status").inner_text() == (
        f"Your reflection on “{lesson.title['en']}” is saved. Only you can see it."
    )
    assert in_view(lesson_tab, "#reflection-status p")
    context.close()


def test_leaving_with_unsent_text_asks_first(page, live_demo):  # noqa: F811
    base, module = live_demo
    log_in(page, base)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/modules/{module.id}/lessons/{module.lessons[1].id}")
    page.locator("textarea[name=text]").press_sequentially("Ikke send")
    asked: list[str] = []

    def stay(dialog) -> None:  # type: ignore[no-untyped-def]
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.locator("a[rel=next]").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url == f"{base}/modules/{module.id}/lessons/{module.lessons[1].id}"


def test_the_journal_prints_without_menus(page, live_demo):  # noqa: F811
    base, module = live_demo
    log_in(page, base)
    page.wait_for_url(f"{base}/")
    page.get_by_role("link", name="My reflections", exact=True).click()
    page.wait_for_url(f"{base}/journal")
    assert page.locator("h3").first.inner_text() == module.lessons[0].title["en"]
    assert page.get_by_role("button", name="Print").is_visible()  # shown by leda.js
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".journal-tools").is_visible()
    assert page.locator(".journal-entry").first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    with page.expect_download() as download:
        page.emulate_media(media="screen")
        page.get_by_role("link", name="Download as a Markdown file").click()
    assert re.fullmatch(r"leda-journal-\d{4}-\d\d-\d\d\.md", download.value.suggested_filename)
