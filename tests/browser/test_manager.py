"""The demo manager in a real browser: their team, a nudge, and the conversation cards printed."""

import re

import pytest

from app.content import check_content
from tests.browser.conftest import ROOT
from tests.browser.test_learner import live_demo  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def log_in_as_manager(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_role("button", name="English").click()
    page.locator("input[name=email]").fill("manager@demo.leda.test")
    page.locator("input[name=password]").fill("demo-manager-2026")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{base}/")


def test_the_manager_sees_the_team_nudges_a_newcomer_and_prints_every_card(page, live_demo):  # noqa: F811
    base, _module = live_demo
    log_in_as_manager(page, base)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My team").click()
    page.wait_for_url(f"{base}/team")
    rows = page.locator("table.team tbody th[scope=row]")
    # Sven is two weeks overdue in the demo: overdue first, then by family name
    assert [row.inner_text().split("\n")[0] for row in rows.all()] == [
        "Sven Svensson", "Nils Berg", "Ingrid Learner", "Lea Lund", "Kari Nordmann Ødegård",
    ]  # fmt: skip
    assert "Reports to Sven Svensson" in rows.nth(1).inner_text()
    nudge_nils = page.get_by_role("button", name=re.compile(r"^Send a reminder\W+Nils Berg$"))
    nudge_nils.click()
    page.wait_for_url(f"{base}/team")
    assert page.locator("[role=status]").first.inner_text() == (
        "A reminder is on its way to Nils Berg."
    )
    assert nudge_nils.count() == 0
    assert "Reminded " in rows.nth(1).locator("xpath=..").inner_text()

    page.get_by_label("Status").select_option("passed")
    page.get_by_role("button", name="Show").click()
    assert [row.inner_text().split("\n")[0] for row in rows.all()] == [
        "Sven Svensson", "Ingrid Learner", "Kari Nordmann Ødegård",
    ]  # fmt: skip

    page.get_by_role("link", name="Team conversation cards for every module (printable)").click()
    page.wait_for_url(f"{base}/team/cards")
    modules = check_content(ROOT)[0].modules
    assert page.locator("article.card-sheet h2").all_inner_texts() == [
        m.title["en"] for m in modules
    ]
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages == len(modules), "one card on each A4 page"
