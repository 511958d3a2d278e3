"""Practice in a real browser, with JavaScript on and off: answer a lesson's check, then play
the module's scenario to the debrief and again; focus lands on what was just revealed."""

import re

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

MODULE = "/modules/first-steps"
LESSON = f"{MODULE}/lessons/practice"
SCENARIO = f"{MODULE}/scenario"


def focused_id(page) -> str:
    return page.evaluate("document.activeElement.id")


@pytest.mark.parametrize("javascript", [True, False])
def test_a_learner_answers_the_check_and_reads_on(browser, live_course, javascript):
    base, email = live_course
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    log_in(page, base, email)
    page.goto(base + LESSON)
    assert page.locator("article.lesson-body").inner_text() == "Practice lesson body in en."
    assert page.get_by_text("After the check in en.").count() == 0
    assert page.locator(".takeaway").count() == 0

    page.get_by_role("button", name="Answer and read on").click()  # nothing chosen
    page.wait_for_url(f"{base}{LESSON}/check")
    assert page.locator(".error-summary li").inner_text() == "Your answer: Choose an option."
    if javascript:
        assert page.evaluate("document.activeElement.className") == "error-summary"

    page.get_by_role("group", name="What do you do first?").get_by_label("Start at once").check()
    page.get_by_role("button", name="Answer and read on").click()
    page.wait_for_url(f"{base}{LESSON}#check-result")
    result = page.locator("#check-result")
    assert result.get_attribute("role") == "status"
    assert result.locator(".verdict").inner_text() == "✗ That is not the better choice."
    assert result.locator("dd").all_inner_texts() == [
        "Start at once",
        "That is quick, but without direction.",
    ]
    if javascript:
        assert focused_id(page) == "check-result"
    page.get_by_text("Feedback on the other options").click()
    assert page.get_by_text("Yes, a plan gives direction.").is_visible()
    assert page.get_by_text("After the check in en.").is_visible()
    assert page.locator(".takeaway p").inner_text() == "Practice makes perfect."

    page.reload()  # the answer stays; the form does not come back
    assert page.get_by_role("button", name="Answer and read on").count() == 0
    assert page.get_by_text("After the check in en.").is_visible()
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_learner_plays_the_scenario_to_the_debrief_and_again(browser, live_course, javascript):
    base, email = live_course
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    log_in(page, base, email)
    page.goto(base + MODULE)
    page.get_by_role("link", name="Play the scenario: The first meeting").click()
    page.wait_for_url(base + SCENARIO)
    assert page.locator("h1").inner_text() == "Scenario: The first meeting"

    story = [
        ("How do you open?", "You give a talk", "The room goes quiet."),
        ("How do you turn it round?", "You ask a question", "Someone answers carefully."),
        ("How do you close?", "Agree a next step", "Everyone knows what happens next."),
    ]
    for number, (prompt, choice, consequence) in enumerate(story, start=1):
        decision = page.locator("#current-decision")
        assert decision.locator("h2").inner_text() == f"Decision {number}"
        if number == 2:  # by keyboard: into the group, pick with the arrow, submit with Enter
            decision.get_by_label("You carry on").focus()
            page.keyboard.press("ArrowUp")
            assert decision.get_by_label(choice).is_checked()
            page.keyboard.press("Enter")
        else:
            decision.get_by_role("group", name=prompt).get_by_label(choice).check()
            decision.get_by_role("button", name="Decide").click()
        page.wait_for_url(f"{base}{SCENARIO}#step-{number}")
        step = page.locator(f"#step-{number}")
        assert step.locator("dd").all_inner_texts() == [choice, consequence]
        assert page.locator("[role=status]").inner_text() == consequence
        if javascript:
            assert focused_id(page) == f"step-{number}"

    assert page.locator("#current-decision").count() == 0
    assert page.locator("#debrief p").inner_text() == (
        "Listening first and agreeing a next step builds trust."
    )
    page.get_by_role("button", name="Play again").click()
    page.wait_for_url(f"{base}{SCENARIO}#current-decision")
    assert page.locator(".meta").inner_text().endswith("Round 2")
    assert page.locator(".scenario-step").count() == 0
    if javascript:
        assert focused_id(page) == "current-decision"
    context.close()


def test_a_decision_made_in_another_tab_is_not_made_twice(browser, live_course):
    base, email = live_course
    context = browser.new_context()
    first, second = context.new_page(), context.new_page()
    log_in(first, base, email)
    first.goto(base + SCENARIO)
    second.goto(base + SCENARIO)
    second.get_by_label("You ask and listen").check()
    second.get_by_role("button", name="Decide").click()
    second.wait_for_url(re.compile(r".*#step-1"))

    first.get_by_label("You give a talk").check()  # the old page: decision 1 again
    first.get_by_role("button", name="Decide").click()
    first.wait_for_url(re.compile(r".*#step-1"))
    assert first.locator(".flash").inner_text() == (
        "That decision was already made. This is where your story stands now."
    )
    assert first.locator("#step-1 dd").first.inner_text() == "You ask and listen"
    assert first.locator("#current-decision h2").inner_text() == "Decision 2"
    context.close()
