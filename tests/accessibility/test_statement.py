"""The accessibility statement: public, in three languages, made from measured.json."""

import json
import re
from pathlib import Path

import pytest

from app.accessibility.services import MEASURED_FILE, MeasuredFileError, load_measured
from tests.browser.test_accessibility import violations
from tests.browser.test_learner import live_demo, log_in_as_demo_learner  # noqa: F401
from tests.conftest import make_app
from tests.factories import make_org, make_user
from tests.helpers import page_language, running

MEASURED = json.loads(MEASURED_FILE.read_text(encoding="utf-8"))
HEADINGS = {
    "nb": "Tilgjengelighetserklæring",
    "sv": "Tillgänglighetsredogörelse",
    "en": "Accessibility statement",
}
FOOTER_LINK = '<a href="/accessibility">Accessibility statement</a>'


def text_of(html: str, element_id: str) -> str:
    """The text inside the element with ``element_id`` (tags dropped, spaces joined)."""
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</(?:p|dd|a)>', html, re.S)
    assert match, f"no element #{element_id}"
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split())


@pytest.mark.parametrize("locale", ["nb", "sv", "en"])
def test_the_statement_answers_anyone_in_their_language(client, locale):
    response = client.get("/accessibility", headers={"Accept-Language": locale})
    assert response.status_code == 200
    assert page_language(response) == (locale, HEADINGS[locale])
    # One h1, then only h2: no level skipped.
    assert re.findall(r"<h(\d)", response.text) == ["1"] + ["2"] * 6


def test_the_statement_shows_the_figures_measured_exactly(client):
    html = client.get("/accessibility", headers={"Accept-Language": "en"}).text
    assert text_of(html, "measured-tool") == MEASURED["tool"]
    assert text_of(html, "measured-tags") == ", ".join(MEASURED["tags"])
    widths = ", ".join(viewport["name"] for viewport in MEASURED["viewports"])
    assert text_of(html, "measured-viewports") == widths
    names = {"visitor": "Visitor, not logged in", "learner": "Learner", "manager": "Manager",
             "hr": "HR", "admin": "Administrator"}  # fmt: skip
    assert text_of(html, "measured-roles") == ", ".join(names[r] for r in MEASURED["roles"])
    counts = text_of(html, "measured-counts")
    numbers = re.fullmatch(r"In all, (\d+) checks on (\d+) pages found (\d+) violations?\.", counts)
    assert numbers, counts
    assert [int(n) for n in numbers.groups()] == [
        MEASURED["checks"], MEASURED["pages"], MEASURED["violations"]
    ]  # fmt: skip
    assert f"We measure Leda against {MEASURED['standard']}: " in html
    compliance = text_of(html, "compliance")
    if MEASURED["violations"] == 0:
        assert compliance.startswith(
            "Leda is partially compliant. It meets every requirement we test automatically: "
            "the last check found no violations."
        )
    else:
        assert f"The last automated check found {MEASURED['violations']} violation" in compliance


def test_violations_found_are_reported_with_their_number(app, client, tmp_path):
    found = tmp_path / "measured.json"
    found.write_text(json.dumps({**MEASURED, "violations": 3, "pages": 12, "checks": 48}))
    app.extensions["leda_measured"] = load_measured(found)
    html = client.get("/accessibility", headers={"Accept-Language": "nb"}).text
    assert text_of(html, "compliance").startswith(
        "Leda er delvis i samsvar med kravene. Den siste automatiske kontrollen fant 3 brudd, "
        "som vi retter opp."
    )
    assert text_of(html, "measured-counts") == (
        "Til sammen fant 48 kontroller på 12 sider 3 brudd på kravene."
    )


def test_the_contact_is_the_configured_address(database):
    configured = make_app(database, LEDA_ACCESSIBILITY_CONTACT="uu@vik.kommune.no",
                          LEDA_MAIL_FROM="Leda <leda@vik.kommune.no>")  # fmt: skip
    with running(configured):
        html = configured.test_client().get("/accessibility").text
    assert '<a id="contact" href="mailto:uu@vik.kommune.no">uu@vik.kommune.no</a>' in html


def test_without_a_contact_the_statement_gives_the_senders_address(database):
    unset = make_app(database, LEDA_MAIL_FROM="Vik kommune <leda@vik.kommune.no>")
    assert unset.config["LEDA_ACCESSIBILITY_CONTACT"] is None  # the test's environment sets none
    with running(unset):
        html = unset.test_client().get("/accessibility").text
    assert '<a id="contact" href="mailto:leda@vik.kommune.no">leda@vik.kommune.no</a>' in html


def test_a_logged_in_reader_sees_their_organisation_in_their_own_language(client, login):
    login(make_user(make_org(name="Vik kommune"), locale="sv"))
    response = client.get("/accessibility", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert page_language(response) == ("sv", "Tillgänglighetsredogörelse")
    assert response.text.count("Vik kommune ger dig tillgång till Leda") == 1


def test_a_visitor_reads_the_generic_words(client):
    make_org(name="Vik kommune")
    html = client.get("/accessibility", headers={"Accept-Language": "en"}).text
    assert "Leda is a learning platform for leaders in the public sector, run by the" in html
    assert "Vik kommune" not in html


def test_the_footer_links_to_the_statement_before_and_after_login(client, login):
    login_page = client.get("/login", headers={"Accept-Language": "en"})
    assert login_page.text.count(FOOTER_LINK) == 1
    login(make_user(make_org(), locale="en"))
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert dashboard.text.count(FOOTER_LINK) == 1
    statement = client.get("/accessibility").text
    assert statement.count('<a href="/accessibility" aria-current="page">') == 1


def test_the_shipped_file_has_the_shape_the_statement_reads():
    measured = load_measured()
    assert measured.tool == MEASURED["tool"]
    assert measured.pages == MEASURED["pages"]
    assert [v.width for v in measured.viewports] == [v["width"] for v in MEASURED["viewports"]]


def test_the_figures_name_the_axe_core_the_tests_run():
    vendored = json.loads((Path(__file__).parents[1] / "vendor" / "vendor.json").read_text())
    assert MEASURED["tool"] == f"axe-core {vendored['packages']['axe-core']}"


def test_a_file_missing_keys_is_refused_naming_each(tmp_path):
    broken = tmp_path / "measured.json"
    data = {key: value for key, value in MEASURED.items() if key not in ("pages", "tool")}
    data["viewports"] = [{"name": "320 px"}]
    broken.write_text(json.dumps(data))
    with pytest.raises(MeasuredFileError) as error:
        load_measured(broken)
    assert str(error.value).splitlines() == [
        "measured.json: tool: Field required",
        "measured.json: viewports.0.width: Field required",
        "measured.json: pages: Field required",
    ]


def test_a_count_that_is_not_a_whole_number_is_refused(tmp_path):
    broken = tmp_path / "measured.json"
    broken.write_text(json.dumps({**MEASURED, "checks": "600", "violations": -1}))
    with pytest.raises(MeasuredFileError) as error:
        load_measured(broken)
    assert str(error.value).splitlines() == [
        "measured.json: checks: Input should be a valid integer",
        "measured.json: violations: Input should be greater than or equal to 0",
    ]


def test_a_file_that_is_not_json_or_is_gone_is_refused(tmp_path):
    broken = tmp_path / "measured.json"
    broken.write_text('{"standard": ')
    with pytest.raises(MeasuredFileError, match=r"measured\.json: not JSON: Expecting value"):
        load_measured(broken)
    with pytest.raises(MeasuredFileError, match=r"nothing\.json: missing$"):
        load_measured(Path(tmp_path / "nothing.json"))


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 1280])
def test_the_statement_page_has_no_wcag_violations(browser, live_demo, width):  # noqa: F811
    base, _module = live_demo
    context = browser.new_context(
        viewport={"width": width, "height": 800}, bypass_csp=True, locale="nb-NO"
    )
    page = context.new_page()
    page.goto(f"{base}/accessibility")
    assert page.locator("h1").inner_text() == "Tilgjengelighetserklæring"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    found = {"anonymous": violations(page)}
    log_in_as_demo_learner(page, base, "en")
    page.wait_for_url(f"{base}/")
    page.get_by_role("link", name="Accessibility statement").click()
    page.wait_for_url(f"{base}/accessibility")
    assert page.locator("main .lead").inner_text().startswith("Demo kommune offers you Leda")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    found["learner"] = violations(page)
    context.close()
    assert found == {"anonymous": [], "learner": []}
