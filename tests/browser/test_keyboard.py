"""A whole module with the keyboard alone (WCAG 2.1.1, 2.1.2, 2.4.1, 2.4.7): the demo learner
logs in, opens the first module from the dashboard, reads every lesson (answering its check),
saves a reflection, marks each lesson done, answers the quiz and reads the result, pressing
only Tab, Shift+Tab, Enter, Space and the arrow keys, and typing into whatever has focus.

Each step presses Tab at most MAX_TABS times to reach its control, so a focus trap or an
unreachable control fails with the list of stops the focus made; at every stop the focused
element must show a focus indicator, one it does not show when not focused.
"""

import re

import pytest

from tests.browser.test_learner import asked, live_demo  # noqa: F401

pytestmark = pytest.mark.browser
MAX_TABS = 60

# What has focus: a short description, whether it matches the selector looked for, and whether
# it shows a focus indicator: it matches :focus-visible, its outline or box shadow differs from
# the one it has when not focused (read after blur(), then the focus is put back), and it is
# where it can be seen (in the window, not off screen or clipped to a pixel). <body> means
# nothing has focus.
FOCUS = """selector => {
  const el = document.activeElement;
  if (!el || el === document.body) return {body: true, matches: false, what: "body"};
  const ring = () => {
    const style = getComputedStyle(el);
    const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return {
      drawn: outlined || style.boxShadow !== "none",
      look: [outlined ? `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}` : "",
             style.boxShadow].join(" | "),
    };
  };
  const focusVisible = el.matches(":focus-visible");
  const focused = ring();
  const box = el.getBoundingClientRect();  // on screen, and not shrunk to a hidden pixel
  const shown = box.width > 1 && box.height > 1 && box.right > 0 && box.bottom > 0
    && box.left < window.innerWidth && box.top < window.innerHeight;
  el.blur();
  const unfocused = ring();
  el.focus({preventScroll: true});
  const label = (el.getAttribute("aria-label") || el.textContent || el.value || "").trim();
  return {
    body: false,
    matches: el.matches(selector),
    visible: shown && focusVisible && focused.drawn && focused.look !== unfocused.look,
    what: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`
      + `${el.name ? "[name=" + el.name + "]" : ""} "${label.slice(0, 40)}"`,
  };
}"""


def tab_to(page, selector: str, step: str, key: str = "Tab") -> str:
    """Press ``key`` until the focused element matches ``selector``, at most MAX_TABS times;
    every element focused on the way must show its focus. Returns what has focus."""
    stops: list[str] = []
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        focus = page.evaluate(FOCUS, selector)
        stops.append(focus["what"])
        if focus["body"]:
            continue  # past the last control: the next press starts again at the top
        assert focus["visible"], f"{step}: no visible focus on {focus['what']}"
        if focus["matches"]:
            return focus["what"]
    raise AssertionError(f"{step}: {selector} not reached in {MAX_TABS} presses of {key}: {stops}")


def focused(page, selector: str) -> bool:
    return page.evaluate(FOCUS, selector)["matches"]


def press_and_wait(page, key: str, url: str | re.Pattern[str]) -> None:
    """Press ``key`` on what has focus and wait for the page it loads."""
    with page.expect_navigation(url=url):
        page.keyboard.press(key)


def choose(page, name: str, values: list[str], wanted: set[str], step: str) -> None:
    """Focus is on the first control of the group ``name`` (radio buttons or checkboxes, in
    page order ``values``): tick ``wanted`` with the keys a keyboard user would press."""
    kind = page.evaluate("() => document.activeElement.type")
    if kind == "radio":
        [target] = [values.index(v) for v in wanted]
        if target == 0:
            page.keyboard.press("Space")
        for _ in range(target):
            page.keyboard.press("ArrowDown")  # moves to the next button and selects it
    else:
        for index, value in enumerate(values):
            if index:
                tab_to(page, f"input[name='{name}'][value='{value}']", step)
            if value in wanted:
                page.keyboard.press("Space")
    ticked = page.eval_on_selector_all(
        f"input[name='{name}']", "els => els.filter(e => e.checked).map(e => e.value)"
    )
    assert set(ticked) == wanted, step


@pytest.mark.parametrize("width", [1280, 320])
def test_a_learner_takes_a_whole_module_with_the_keyboard_alone(browser, live_demo, width):  # noqa: F811
    base, module = live_demo
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(10_000)

    # Log in: first switch the page to English with the footer's language buttons.
    page.goto(f"{base}/login")
    tab_to(page, "button[name=locale][value=en]", "language switcher")
    press_and_wait(page, "Enter", f"{base}/login")
    assert page.locator("h1").inner_text() == "Log in"
    tab_to(page, "input[name=email]", "login: email")
    page.keyboard.type("learner@demo.leda.test")
    page.keyboard.press("Tab")
    assert focused(page, "input[name=password]")
    page.keyboard.type("demo-learner-2026")
    press_and_wait(page, "Enter", f"{base}/")
    assert page.locator("h1").inner_text() == "My learning"

    # The skip link is the first stop, and it takes the focus into the main content.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS, ".skip-link")["matches"]
    assert page.evaluate(FOCUS, ".skip-link")["visible"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")

    # The dashboard's list of modules opens the module.
    tab_to(page, f".module-list a[href='/modules/{module.id}']", "dashboard: the module")
    press_and_wait(page, "Enter", f"{base}/modules/{module.id}")
    assert page.locator("h1").inner_text() == module.title["en"]
    first = module.lessons[0]
    tab_to(page, f".lesson-list a[href$='/lessons/{first.id}']", "module: the first lesson")
    press_and_wait(page, "Enter", f"{base}/modules/{module.id}/lessons/{first.id}")

    reflection = "Ask the team what the service is for, before the next budget meeting."
    for number, lesson in enumerate(module.lessons):
        step = f"lesson {number + 1} ({lesson.id})"
        address = f"{base}/modules/{module.id}/lessons/{lesson.id}"
        assert page.url == address
        assert page.locator("h1").inner_text() == lesson.title["en"]
        if lesson.check:
            tab_to(page, "#check input[name=option]", f"{step}: the check")
            values = page.eval_on_selector_all(
                "#check input[name=option]", "els => els.map(e => e.value)"
            )
            right = {o.id for o in lesson.check.options if o.correct}
            choose(page, "option", values, right, f"{step}: the check")
            tab_to(page, "#check button[type=submit]", f"{step}: answer the check")
            press_and_wait(page, "Enter", f"{address}#check-result")
            # The feedback takes the focus (practice.js), so it is read out first.
            assert page.evaluate("document.activeElement.id") == "check-result"
            assert page.evaluate(FOCUS, "#check-result")["visible"], step
            assert page.locator(".check-result .verdict").inner_text() == (
                "✓ That is the better choice."
            )
        if number == 1:
            tab_to(page, "textarea[name=text]", f"{step}: the reflection box")
            page.keyboard.type(reflection)
            page.keyboard.press("Tab")
            assert focused(page, "#reflection button[type=submit]"), step
            press_and_wait(page, "Enter", f"{address}#reflection")
            assert page.locator("#reflection-status").inner_text() == (
                f"Your reflection on “{lesson.title['en']}” is saved. Only you can see it."
            )
            assert page.locator("textarea[name=text]").input_value() == reflection
        tab_to(page, ".lesson-nav button[type=submit]", f"{step}: mark as done")
        following = module.lessons[number + 1] if number + 1 < len(module.lessons) else None
        after = f"/lessons/{following.id}" if following else "/quiz"
        press_and_wait(page, "Enter", f"{base}/modules/{module.id}{after}")

    # The quiz: every question answered with the keys of its controls, then sent.
    assert page.locator("h1").inner_text() == f"Quiz: {module.title['en']}"
    questions = asked(page, module)
    assert questions
    for number, question in enumerate(questions, start=1):
        name = f"q-{question.id}"
        step = f"quiz question {number} ({question.id}, {question.type})"
        tab_to(page, f"input[name='{name}']", step)
        values = page.eval_on_selector_all(f"input[name='{name}']", "els => els.map(e => e.value)")
        choose(page, name, values, set(question.correct_ids), step)
    tab_to(page, "form.quiz button[type=submit]", "quiz: submit")
    press_and_wait(page, "Enter", re.compile(rf"{base}/modules/{module.id}/quiz/attempts/\d+"))
    status = page.locator("[role=status]").inner_text()
    assert status.startswith("✓ Passed.")
    assert f"You scored {module.max_points} of {module.max_points} points (100 %)" in status

    # Back to the dashboard through the main menu: the module is passed, every lesson done.
    tab_to(page, ".nav-list a[href='/']", "result: My learning")
    press_and_wait(page, "Enter", f"{base}/")
    card = page.locator(".module-card", has=page.locator(f"a[href='/modules/{module.id}']"))
    assert card.locator(".badge").inner_text() == "Passed"
    total = len(module.lessons)
    assert card.locator(".progress span").inner_text() == f"{total} of {total} lessons done"
    assert "2 of 4 modules passed" in page.locator("main .lead").inner_text()

    # The reflection is in the journal, reached by Shift+Tab back up to the menu.
    tab_to(page, ".nav-list a[href='/journal']", "dashboard: My reflections", key="Shift+Tab")
    press_and_wait(page, "Enter", f"{base}/journal")
    assert reflection in page.locator("main").inner_text()

    # The footer's link to the accessibility statement, the last stop of every page.
    tab_to(page, ".site-footer a[href='/accessibility']", "journal: the statement")
    press_and_wait(page, "Enter", f"{base}/accessibility")
    assert page.locator("h1").inner_text() == "Accessibility statement"
    context.close()
