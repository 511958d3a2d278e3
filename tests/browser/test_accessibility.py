"""WCAG 2.1 AA checks by axe-core (tests/vendor/) on every learner page, on a phone and a laptop."""

import io
import re

import pytest
from PIL import Image  # Pillow comes with reportlab

from app.content import check_content
from tests.browser.conftest import ROOT, log_in
from tests.browser.test_learner import asked, live_demo, log_in_as_demo_learner  # noqa: F401

pytestmark = pytest.mark.browser
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # WCAG 2.1 A and AA


def violations(page) -> list[str]:
    """axe-core's findings on the page."""
    start_axe(page)
    return axe_findings(page)


def start_axe(page) -> None:  # type: ignore[no-untyped-def]
    """Start axe on the page without waiting (much of its run is synchronous: hence the
    timeout), so several pages' runs overlap, each in its page's renderer process;
    ``axe_findings`` collects the result. axe is injected unless the context already loads
    it into every page (``add_init_script``)."""
    if not page.evaluate("typeof axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    page.evaluate(
        """tags => { window.__axe = null; setTimeout(() => axe.run(document, {runOnly: {
             type: "tag", values: tags}, resultTypes: ["violations"]})
             .then(r => { window.__axe = r; })) }""",
        AXE_TAGS,
    )


def axe_findings(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The findings of the run ``start_axe`` began, as "rule: target". Waited for with a time
    limit: an evaluate that awaits axe itself has none, and once hung a CI run for good."""
    result = page.wait_for_function("() => window.__axe", timeout=60_000).json_value()
    return [f"{v['id']}: {node['target']}" for v in result["violations"] for node in v["nodes"]]


def overflowing(page, width: int) -> list[str]:  # type: ignore[no-untyped-def]
    """What breaks WCAG 1.4.10 reflow in a window ``width`` CSS px wide: the page's width when
    it scrolls sideways, and each element that ends past the window's edge (but inside a
    scrolling ``.table-wrap``, which 1.4.10 allows); empty when the page reflows."""
    page.wait_for_load_state("load")  # after a form's submit: the new page with its styles
    return page.evaluate(
        """width => {
            const wide = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width
                    && !e.closest('.table-wrap'))
                .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}`
                    + `${e.className ? '.' + [...e.classList].join('.') : ''}`
                    + ` ends at ${Math.round(e.getBoundingClientRect().right)} px`);
            const scrolled = document.documentElement.scrollWidth;
            return (scrolled > width ? [`the page is ${scrolled} px wide`] : []).concat(wide);
        }""",
        width,
    )


def checked(page, width: int, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    """axe's findings on the page, after asserting it reflows (``overflowing``)."""
    assert overflowing(page, width) == [], name
    return violations(page)


@pytest.mark.parametrize("width", [320, 1280])
def test_learner_pages_have_no_wcag_violations(browser, live_demo, width):  # noqa: F811
    base, module = live_demo
    # axe is injected as a script, which the app's CSP rightly blocks; only this test bypasses it.
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found[name] = violations(page)
        # Nothing may scroll sideways at 320 px (WCAG 1.4.10 reflow).
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name

    page.goto(f"{base}/login")
    check("login")
    with page.expect_navigation():
        page.locator("form.card button[type=submit]").click()
    check("login with errors")
    page.locator("input[name=email]").fill("learner@demo.leda.test")
    page.locator("input[name=password]").fill("demo-learner-2026")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    assert page.locator(".follow-ups").count() == 1  # the demo's commitment asks how it went
    check("dashboard")
    page.locator("section.refresher-card a.button").click()
    page.wait_for_url(re.compile(r".*/refreshers/\d+"))
    check("refresher")
    with page.expect_navigation():  # each submit: the page it loads, not the one it leaves
        page.locator("form.quiz button[type=submit]").click()
    check("refresher with errors")
    for fieldset in page.locator("form.quiz fieldset.choices:not(.sureness)").all():
        fieldset.locator("input").first.check()
    with page.expect_navigation():
        page.locator("form.quiz button[type=submit]").click()
    check("refresher result")
    page.goto(f"{base}/modules/{module.id}")
    check("module")
    page.goto(f"{base}/modules/{module.id}/lessons/{module.lessons[0].id}")
    check("lesson")  # the demo learner's: a reflection and a commitment
    page.goto(f"{base}/modules/{module.id}/lessons/{module.lessons[1].id}")
    check("lesson not yet reflected on")
    page.locator("textarea[name=text]").fill("Min refleksjon")
    page.locator("#reflection button[type=submit]").click()
    page.locator("#reflection-status p").wait_for()
    check("lesson with its reflection saved")
    page.locator("#action button[type=submit]").click()
    page.locator("#action-status p").wait_for()
    check("lesson with a commitment")
    page.goto(f"{base}/journal")
    check("journal")
    page.locator(".follow-up-replies a").first.click()
    page.wait_for_url(re.compile(r".*/journal/follow-ups/\d+"))
    check("follow-up")
    page.locator("main form button[type=submit]").click()
    page.locator(".error-summary").wait_for()
    check("follow-up with errors")
    page.locator("textarea").fill("Det gikk fint.")
    page.locator("main form button[type=submit]").click()
    page.locator("#answer-status p").wait_for()
    check("follow-up answered")
    page.goto(f"{base}/modules/{module.id}/quiz")
    check("quiz")
    with page.expect_navigation():
        page.locator("form.quiz button[type=submit]").click()
    check("quiz with errors")
    for question in asked(page, module):
        for option_id in sorted(question.correct_ids):
            page.locator(f"input[name='q-{question.id}'][value='{option_id}']").check()
    page.locator("form.quiz button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/attempts/\d+"))
    check("result")
    page.goto(f"{base}/modules/{module.id}/card")
    check("card")
    page.goto(f"{base}/certificate")
    check("certificate, not yet")
    page.goto(f"{base}/nowhere")
    check("404")
    # A save after the session ended, from a form whose owner token is gone: the text comes back.
    page.goto(f"{base}/modules/{module.id}/lessons/{module.lessons[2].id}")
    page.locator("textarea[name=text]").fill("Tekst å ta vare på")
    page.evaluate("document.querySelector('input[name=owner]').value = ''")
    other = context.new_page()
    other.goto(f"{base}/")
    other.locator("form.inline-form button").click()
    # `other` stays open until the context closes: twice a CI run hung for good in its close()
    page.locator("#reflection button[type=submit]").click()
    page.locator("#kept-text").wait_for()
    check("session ended")
    page.locator("a.button").click()
    check("login after the session ended")
    context.close()
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.parametrize("width", [320, 1280])
def test_admin_and_account_pages_have_no_wcag_violations(browser, live_demo, width):  # noqa: F811
    base, _module = live_demo
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found[name] = checked(page, width, name)

    page.goto(f"{base}/account/forgot")
    check("forgot password")
    page.goto(f"{base}/account/password/not-a-real-token")
    check("dead link")
    page.goto(f"{base}/login")
    page.locator("input[name=email]").fill("admin@demo.leda.test")
    page.locator("input[name=password]").fill("demo-admin-2026")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    for name, path in [("people", "/admin/people"), ("new person", "/admin/people/new"),
                       ("units", "/admin/units"), ("import", "/admin/people/import"),
                       ("audit", "/admin/audit"), ("export", "/admin/export/"),
                       ("settings", "/admin/settings"),
                       ("profile", "/account")]:  # fmt: skip
        page.goto(base + path)
        check(name)
    page.goto(f"{base}/admin/people?q=kari")
    page.get_by_role("link", name="Kari Nordmann Ødegård").click()
    check("person")
    page.goto(f"{base}/admin/people/new")
    page.locator("form.card button[type=submit]").first.click()
    check("new person with errors")
    page.goto(f"{base}/admin/people/import")
    page.set_input_files("input[type=file]", files=[{
        "name": "people.csv", "mimeType": "text/csv",
        "buffer": b"employee_number;email;given_name;family_name\r\n1;bad;A;B\r\n",
    }])  # fmt: skip
    page.locator("form[enctype] button[type=submit]").click()
    check("import with problems")
    page.set_input_files("input[type=file]", files=[{
        "name": "people.csv", "mimeType": "text/csv",
        "buffer": b"employee_number;email;given_name;family_name\r\n"
                  b"9;ny@demo.leda.test;Ny;Person\r\n",
    }])  # fmt: skip
    page.locator("form[enctype] button[type=submit]").click()
    check("import preview")
    page.locator("form.inline-form button").click()  # log out; a manager's profile has more
    page.goto(f"{base}/login")
    page.locator("input[name=email]").fill("manager@demo.leda.test")
    page.locator("input[name=password]").fill("demo-manager-2026")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/account")
    check("manager's profile")
    page.locator("form#digest button[type=submit]").click()
    page.wait_for_url(f"{base}/account")
    check("manager's profile, saved")
    context.close()
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.parametrize("width", [320, 1280])
def test_practice_pages_have_no_wcag_violations(browser, live_course, width):
    """The lesson with a check and the scenario, in each state, on the test course."""
    base, email = live_course
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found[name] = violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name

    log_in(page, base, email)
    page.goto(f"{base}/modules/first-steps")
    check("module with a scenario")
    page.goto(f"{base}/modules/first-steps/lessons/practice")
    check("lesson with a check")
    page.get_by_role("button", name="Answer and read on").click()
    page.locator(".error-summary").wait_for()
    check("lesson check with errors")
    page.get_by_label("Make a plan").check()
    page.get_by_role("button", name="Answer and read on").click()
    page.locator("#check-result").wait_for()
    page.get_by_text("Feedback on the other options").click()
    check("lesson check answered")
    page.goto(f"{base}/modules/first-steps/scenario")
    check("scenario")
    page.get_by_role("button", name="Decide").click()
    page.locator(".error-summary").wait_for()
    check("scenario with errors")
    for number, choice in enumerate(["You ask and listen", "What they mentioned"], start=1):
        page.get_by_label(choice).check()
        page.get_by_role("button", name="Decide").click()
        page.locator(f"#step-{number}").wait_for()
    check("scenario with consequences")
    page.get_by_label("Thanks for now").check()
    page.get_by_role("button", name="Decide").click()
    page.locator("#debrief").wait_for()
    check("scenario debrief")
    page.get_by_role("button", name="Play again").click()
    page.locator(".meta", has_text="Round 2").wait_for()
    check("scenario played again")
    context.close()
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.parametrize("width", [320, 1280])
def test_certificate_pages_have_no_wcag_violations(browser, live_demo, width):  # noqa: F811
    base, _module = live_demo
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found[name] = violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name

    page.goto(f"{base}/verify")
    check("verify form")
    page.locator("form.narrow button[type=submit]").click()
    check("verify form with errors")
    page.goto(f"{base}/verify/ABCD-EFGH-JKMN")
    check("verify, not valid")
    page.goto(f"{base}/login")
    page.locator("input[name=email]").fill("kari@demo.leda.test")
    page.locator("input[name=password]").fill("demo-kari-2026")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    check("dashboard with the completion card")
    page.locator("section.completion-card a.button").click()
    page.wait_for_url(f"{base}/certificate")
    check("completion")
    code = page.locator("strong.code").inner_text()
    page.goto(f"{base}/verify/{code}")
    check("verify, valid")
    assert page.locator("[role=status]").inner_text() == "✓ Kursbeviset er gyldig."
    context.close()
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.parametrize("width", [320, 1280])
def test_manager_pages_have_no_wcag_violations(browser, live_demo, width):  # noqa: F811
    base, _module = live_demo
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found[name] = checked(page, width, name)

    page.goto(f"{base}/login")
    page.locator("input[name=email]").fill("manager@demo.leda.test")
    page.locator("input[name=password]").fill("demo-manager-2026")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/team")
    check("team")
    page.locator("table.team button[type=submit]").first.click()
    page.wait_for_url(f"{base}/team")
    check("team after a nudge")
    page.goto(f"{base}/team?status=passed&overdue=y")
    check("team, filtered to nobody")
    page.goto(f"{base}/team?module=nope&page=0")
    check("team with bad filters")
    page.goto(f"{base}/team/cards")
    check("conversation cards")
    context.close()
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.parametrize("width", [320, 1280])
def test_hr_pages_have_no_wcag_violations(browser, live_demo, width):  # noqa: F811
    """Assignments, rules, cohorts, and the Reports page with its dashboard and charts."""
    base, _module = live_demo
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found[name] = checked(page, width, name)

    page.goto(f"{base}/login")
    page.locator("input[name=email]").fill("hr@demo.leda.test")
    page.locator("input[name=password]").fill("demo-hr-2026")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    for name, path in [("assignments", "/assignments"), ("rules", "/assignments/rules"),
                       ("cohorts", "/assignments/cohorts"), ("reports", "/reports")]:  # fmt: skip
        page.goto(base + path)
        check(name)
    page.goto(f"{base}/assignments/cohorts")
    page.locator("main ul a").first.click()
    check("a cohort")
    with page.expect_navigation():
        page.locator("form.card button[type=submit]").click()  # no emails: errors
    check("a cohort with errors")
    page.goto(f"{base}/reports")
    page.locator("#completed_from").fill("2026-03-05")
    page.locator("#completed_to").fill("2026-03-01")
    page.locator("form.card button[type=submit]").click()
    check("reports with errors")
    page.locator("#completed_from").fill("")
    page.locator("#completed_to").fill("")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{base}/reports/exports/*")  # jobs run at once here: it is ready
    check("a report ready")
    page.goto(f"{base}/reports")
    check("reports with a report listed")
    context.close()
    assert {name: v for name, v in found.items() if v} == {}


# The word: in a list item of a result page's card it made the page 325 px wide.
LONG_WORD = "kommunikationsavdelningen."
# Each element with text of its own gets the word appended, one at a time; those that then
# widen the page (tables scroll in their .table-wrap, as 1.4.10 allows).
WIDENED_BY_A_LONG_WORD = """word => [...document.querySelectorAll('body *')]
    .filter(e => !e.closest('.table-wrap, .visually-hidden, script, style, noscript')
        && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .flatMap(e => {
        const text = document.createTextNode(' ' + word);
        e.appendChild(text);
        const width = document.documentElement.scrollWidth;
        text.remove();
        return width > 320 ? [`${e.tagName.toLowerCase()}.${e.className}: ${width}`] : [];
    })"""


@pytest.mark.parametrize("locale", ["nb", "sv", "en"])
def test_long_words_wrap_at_320_px_in_every_locale(browser, live_demo, locale):  # noqa: F811
    """WCAG 1.4.10: one long compound word once widened pages (the heading
    "Relasjonskompetanse" made its module's pages 331 px wide). On every page of every module,
    failed and passed, neither the page's own words nor the issue's Swedish word added to any
    of its texts may make a 320 px phone scroll sideways."""
    base, _module = live_demo
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in_as_demo_learner(page, base, locale)
    page.wait_for_url(f"{base}/")
    wide: dict[str, int] = {}
    widened: dict[str, list[str]] = {}

    def measure(name: str) -> None:
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.lang") == locale, name
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide[name] = width
        elif found := page.evaluate(WIDENED_BY_A_LONG_WORD, LONG_WORD):
            widened[name] = found

    measure("dashboard")
    # Hyphenated where the browser has the page language's dictionary (Debian's chromium has
    # none, so here a word breaks at the edge instead).
    hyphens = page.evaluate("getComputedStyle(document.querySelector('h1')).hyphens")
    for module in check_content(ROOT)[0].modules:
        page.goto(f"{base}/modules/{module.id}")
        measure(module.id)
        for lesson in module.lessons:
            page.goto(f"{base}/modules/{module.id}/lessons/{lesson.id}")
            measure(f"{module.id}/{lesson.id}")
        for outcome in ("failed", "passed"):
            page.goto(f"{base}/modules/{module.id}/quiz")
            measure(f"{module.id}/quiz")
            for question in asked(page, module):
                chosen = sorted(question.correct_ids)
                if outcome == "failed":
                    chosen = [next(o.id for o in question.options if not o.correct)]
                for option_id in chosen:
                    page.locator(f"input[name='q-{question.id}'][value='{option_id}']").check()
            page.locator("form.quiz button[type=submit]").click()
            page.wait_for_url(re.compile(r".*/attempts/\d+"))
            measure(f"{module.id}/result, {outcome}")
        page.goto(f"{base}/modules/{module.id}/card")
        measure(f"{module.id}/card")
    context.close()
    assert (wide, widened, hyphens) == ({}, {}, "auto")


def painted(page, colour: str) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """The colour a square of the system colour ``colour`` shows on the page, as RGB."""
    page.evaluate(
        """colour => { const probe = document.body.appendChild(document.createElement('div'));
           probe.id = 'colour-probe';
           Object.assign(probe.style, {forcedColorAdjust: 'none', backgroundColor: colour,
                                       width: '8px', height: '8px'}); }""",
        colour,
    )
    probe = page.locator("#colour-probe")
    image = Image.open(io.BytesIO(probe.screenshot())).convert("RGB")
    probe.evaluate("probe => probe.remove()")
    return image.getpixel((4, 4))


def test_progress_bars_draw_in_forced_colours(browser, live_demo):  # noqa: F811
    """Windows high contrast paints every background Canvas; the bars once drew empty there.
    Each part-done bar (the course's, a module's): the done part Highlight, the rest Canvas."""
    base, _module = live_demo
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.emulate_media(forced_colors="active")
    page.goto(f"{base}/login")
    page.locator("input[name=email]").fill("learner@demo.leda.test")
    page.locator("input[name=password]").fill("demo-learner-2026")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    # The system colours as this browser paints them (its Highlight is translucent).
    canvas, highlight = (painted(page, colour) for colour in ("Canvas", "Highlight"))
    assert canvas != highlight
    # One lesson read of a module not yet begun (the second): its bars are part done too.
    module = check_content(ROOT)[0].modules[1]
    page.goto(f"{base}/modules/{module.id}/lessons/{module.lessons[0].id}")
    page.locator(".lesson-nav button[type=submit]").click()
    page.wait_for_url(f"{base}/modules/{module.id}/lessons/{module.lessons[1].id}")
    drawn = {}
    for path in ["/", f"/modules/{module.id}"]:
        page.goto(base + path)
        for n, bar in enumerate(page.locator("progress").all()):
            share = bar.evaluate("bar => bar.value / bar.max")
            if not 0 < share < 1:
                continue
            assert bar.evaluate("bar => getComputedStyle(bar).forcedColorAdjust") == "none"
            image = Image.open(io.BytesIO(bar.screenshot())).convert("RGB")
            width, height = image.size
            done = image.getpixel((int(width * share / 2), height // 2))
            left = image.getpixel((int(width * (1 + share) / 2), height // 2))
            drawn[f"{path} {n}"] = (done, left)
    context.close()
    # The dashboard's bars: the course's, then one per module.
    assert drawn == {
        "/ 0": (highlight, canvas),
        "/ 2": (highlight, canvas),
        f"/modules/{module.id} 0": (highlight, canvas),
    }
