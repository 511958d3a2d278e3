"""WCAG 2.1 AA checks by axe-core (tests/vendor/) on every learner page, on a phone and a laptop."""

import re

import pytest

from tests.browser.conftest import ROOT
from tests.browser.test_learner import asked, live_demo  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: "tag",
             values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})"""
    )
    return [f"{v['id']}: {node['target']}" for v in result["violations"] for node in v["nodes"]]


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
    page.locator("form.card button[type=submit]").click()
    check("login with errors")
    page.locator("input[name=email]").fill("learner@demo.leda.test")
    page.locator("input[name=password]").fill("demo-learner-2026")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    check("dashboard")
    page.locator("section.refresher-card a.button").click()
    page.wait_for_url(re.compile(r".*/refreshers/\d+"))
    check("refresher")
    page.locator("form.quiz button[type=submit]").click()
    check("refresher with errors")
    for fieldset in page.locator("form.quiz fieldset.choices:not(.sureness)").all():
        fieldset.locator("input").first.check()
    page.locator("form.quiz button[type=submit]").click()
    check("refresher result")
    page.goto(f"{base}/modules/{module.id}")
    check("module")
    page.goto(f"{base}/modules/{module.id}/lessons/{module.lessons[0].id}")
    check("lesson")
    page.goto(f"{base}/modules/{module.id}/quiz")
    check("quiz")
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
    page.goto(f"{base}/nowhere")
    check("404")
    context.close()
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.parametrize("width", [320, 1280])
def test_admin_and_account_pages_have_no_wcag_violations(browser, live_demo, width):  # noqa: F811
    base, _module = live_demo
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found[name] = violations(page)
        wide = page.evaluate(f"""[...document.querySelectorAll('body *')].filter(e =>
            e.getBoundingClientRect().right > {width} && !e.closest('.table-wrap'))
            .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, wide)

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
    page.get_by_role("link", name="Kari Nordmann").click()
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
    context.close()
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.parametrize("width", [320, 1280])
def test_manager_pages_have_no_wcag_violations(browser, live_demo, width):  # noqa: F811
    base, _module = live_demo
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found[name] = violations(page)
        wide = page.evaluate(f"""[...document.querySelectorAll('body *')].filter(e =>
            e.getBoundingClientRect().right > {width} && !e.closest('.table-wrap'))
            .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, wide)

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
