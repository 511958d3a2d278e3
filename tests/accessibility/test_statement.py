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
    return " ".join(re.sub(r"<[^>]+>", "", inner_html(html, element_id)).split())


def inner_html(html: str, element_id: str) -> str:
    """The markup inside the element with ``element_id``, spaces joined."""
    match = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no element #{element_id}"
    return " ".join(match.group(2).split())


def measured_as(app, tmp_path, **changes) -> None:
    """The app shows the shipped figures with ``changes``, as if CI had measured them."""
    found = tmp_path / "measured.json"
    found.write_text(json.dumps({**MEASURED, **changes}))
    app.extensions["leda_measured"] = load_measured(found)


@pytest.mark.parametrize("locale", ["nb", "sv", "en"])
def test_the_statement_answers_anyone_in_their_language(client, locale):
    response = client.get("/accessibility", headers={"Accept-Language": locale})
    assert response.status_code == 200
    assert page_language(response) == (locale, HEADINGS[locale])
    # One h1, then only h2: no level skipped.
    assert re.findall(r"<h(\d)", response.text) == ["1"] + ["2"] * 7


def test_the_statement_shows_the_figures_measured_exactly(client):
    html = client.get("/accessibility", headers={"Accept-Language": "en"}).text
    assert text_of(html, "measured-tool") == MEASURED["tool"]
    widths = ", ".join(viewport["name"] for viewport in MEASURED["viewports"])
    assert text_of(html, "measured-viewports") == widths
    names = {
        "visitor": "Visitor, not logged in",
        "learner": "Learner",
        "manager": "Manager",
        "hr": "HR",
        "admin": "Administrator",
    }
    assert text_of(html, "measured-roles") == ", ".join(names[r] for r in MEASURED["roles"])
    counts = text_of(html, "measured-counts")
    numbers = re.fullmatch(r"In all, (\d+) checks on (\d+) pages found (\d+) violations?\.", counts)
    assert numbers, counts
    figures = [MEASURED["checks"], MEASURED["pages"], MEASURED["violations"]]
    assert [int(n) for n in numbers.groups()] == figures
    assert (
        f"We measure Leda against {MEASURED['standard']}, which the European standard"
        " EN 301 549 requires of websites." in html
    )
    compliance = text_of(html, "compliance")
    if MEASURED["violations"] == 0:
        assert compliance.startswith(
            "Leda is partially compliant. It meets every requirement we test automatically: "
            "the last check found no violations."
        )
    else:
        assert f"The last automated check found {MEASURED['violations']} violation" in compliance


def test_violations_found_are_reported_with_their_number(app, client, tmp_path):
    measured_as(app, tmp_path, violations=3, pages=12, checks=48)
    html = client.get("/accessibility", headers={"Accept-Language": "nb"}).text
    assert text_of(html, "compliance").startswith(
        "Leda er delvis i samsvar med kravene. Den siste automatiske kontrollen fant 3 brudd, "
        "som vi holder på å rette."
    )
    assert text_of(html, "measured-counts") == (
        "48 kontroller på 12 sider fant til sammen 3 brudd på kravene."
    )
    html = client.get("/accessibility", headers={"Accept-Language": "sv"}).text
    assert text_of(html, "measured-counts") == (
        "48 kontroller på 12 sidor hittade sammanlagt 3 brister."
    )
    measured_as(app, tmp_path, violations=1, pages=12, checks=48)
    html = client.get("/accessibility", headers={"Accept-Language": "sv"}).text
    assert text_of(html, "measured-counts") == (
        "48 kontroller på 12 sidor hittade sammanlagt 1 brist."
    )


@pytest.mark.parametrize(
    ("locale", "tags", "words"),
    [
        ("en", ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"], "WCAG 2.0 and 2.1, levels A and AA"),
        ("nb", ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"], "WCAG 2.0 og 2.1, nivå A og AA"),
        ("sv", ["wcag21aa", "wcag2a", "wcag21a", "wcag2aa"], "WCAG 2.0 och 2.1, nivåerna A och AA"),
        ("en", ["wcag2a", "wcag21a"], "WCAG 2.0 and 2.1, level A"),
        (
            "en",
            ["wcag2a", "wcag2aa", "wcag21a", "wcag22aa", "best-practice"],
            "WCAG 2.0, levels A and AA; WCAG 2.1, level A; WCAG 2.2, level AA; best-practice",
        ),
    ],
)
def test_the_rule_sets_read_as_words(app, client, tmp_path, locale, tags, words):
    measured_as(app, tmp_path, tags=tags)
    html = client.get("/accessibility", headers={"Accept-Language": locale}).text
    assert text_of(html, "measured-tags") == words


ENFORCEMENT = {
    "en": (
        "If our answer does not help, you can complain to the supervisory authority in the"
        " country of the organisation that offers you Leda:",
        [
            'In Norway: <span lang="nb">Tilsynet for universell utforming av IKT</span> (the'
            " Authority for Universal Design of ICT), part of the Norwegian Digitalisation Agency"
            ' (Digdir): <a href="https://www.uutilsynet.no/">uutilsynet.no</a>',
            'In Sweden: <span lang="sv">Myndigheten för digital förvaltning</span> (the Agency'
            ' for Digital Government, DIGG): <a href="https://www.digg.se/tdosanmalan">'
            "digg.se/tdosanmalan</a>",
        ],
    ),
    "nb": (
        "Hvis svaret vårt ikke hjelper, kan du klage til tilsynsmyndigheten i landet til"
        " virksomheten som gir deg tilgang til Leda:",
        [
            'I Norge: <span lang="nb">Tilsynet for universell utforming av IKT</span>, som er en'
            ' del av Digitaliseringsdirektoratet (Digdir): <a href="https://www.uutilsynet.no/">'
            "uutilsynet.no</a>",
            'I Sverige: <span lang="sv">Myndigheten för digital förvaltning</span> (DIGG):'
            ' <a href="https://www.digg.se/tdosanmalan">digg.se/tdosanmalan</a>',
        ],
    ),
    "sv": (
        "Om vårt svar inte hjälper kan du anmäla problemet till tillsynsmyndigheten i landet där"
        " den organisation som ger dig tillgång till Leda finns:",
        [
            'I Norge: <span lang="nb">Tilsynet for universell utforming av IKT</span>, som är en'
            " del av den norska digitaliseringsmyndigheten Digdir:"
            ' <a href="https://www.uutilsynet.no/">uutilsynet.no</a>',
            'I Sverige: <span lang="sv">Myndigheten för digital förvaltning</span> (DIGG):'
            ' <a href="https://www.digg.se/tdosanmalan">digg.se/tdosanmalan</a>',
        ],
    ),
}


@pytest.mark.parametrize("locale", ["en", "nb", "sv"])
def test_complaints_go_to_the_authority_of_the_offering_organisations_country(client, locale):
    html = client.get("/accessibility", headers={"Accept-Language": locale}).text
    section = html.split('<h2 id="enforcement-title">')[1].split("</section>")[0]
    lead, authorities = ENFORCEMENT[locale]
    assert re.findall(r"<p>(.*?)</p>", section, re.S) == [lead]
    items = re.findall(r"<li>(.*?)</li>", inner_html(html, "authorities"))
    assert [" ".join(item.split()) for item in items] == authorities


LAWS = {
    "en": "In Norway the requirements are set out in the regulation {nb}, in Sweden in the act"
    " {sv}.",
    "nb": "I Norge står kravene i {nb}, i Sverige i {sv}.",
    "sv": "I Norge finns kraven i {nb}, i Sverige i {sv}.",
}


@pytest.mark.parametrize("locale", ["en", "nb", "sv"])
def test_the_national_laws_are_named_in_their_own_language(client, locale):
    html = client.get("/accessibility", headers={"Accept-Language": locale}).text
    norway = (
        '<span lang="nb">forskrift om universell utforming av informasjons- og'
        " kommunikasjonsteknologiske (IKT)-løsninger</span>"
    )
    sweden = (
        '<span lang="sv">lag (2018:1937) om tillgänglighet till digital offentlig service</span>'
    )
    assert " ".join(html.split()).count(LAWS[locale].format(nb=norway, sv=sweden)) == 1


DATES_AND_METHOD = {
    "en": (
        "This statement was prepared on December 4, 2026 and last reviewed on December 4, 2026.",
        "Method: a self-assessment by Leda's developers, with the tests described above, which"
        " run in CI on every version of Leda, the keyboard-only test among them.",
    ),
    "nb": (
        "Denne erklæringen ble laget 4. desember 2026 og sist gjennomgått 4. desember 2026.",
        "Metode: egenvurdering gjort av utviklerne av Leda, med testene som er beskrevet"
        " ovenfor. De kjøres i CI for hver versjon av Leda, også testen der alt gjøres med"
        " tastaturet.",
    ),
    "sv": (
        "Den här redogörelsen upprättades den 4 december 2026 och granskades senast den"
        " 4 december 2026.",
        "Metod: självskattning gjord av Ledas utvecklare, med de tester som beskrivs ovan. De"
        " körs i CI för varje version av Leda, också testet där allt görs med enbart"
        " tangentbordet.",
    ),
}


@pytest.mark.parametrize("locale", ["en", "nb", "sv"])
def test_the_statement_says_when_and_how_it_was_made(client, locale):
    html = client.get("/accessibility", headers={"Accept-Language": locale}).text
    dates, method = DATES_AND_METHOD[locale]
    assert text_of(html, "statement-dates") == dates
    assert text_of(html, "statement-method") == method


def test_each_limitation_names_the_criterion_it_fails_and_the_lms_is_out_of_scope(client):
    html = client.get("/accessibility", headers={"Accept-Language": "sv"}).text
    items = re.findall(r"<li>(.*?)</li>", inner_html(html, "limitations"), re.S)
    assert len(items) == 1
    assert " ".join(items[0].split()).endswith(
        "Sidan för kursintyget visar samma uppgifter som en tillgänglig webbsida."
        " Uppfyller inte framgångskriterium 1.3.1 Information och relationer."
    )
    assert text_of(html, "out-of-scope") == (
        "Kursen kan också användas som ett SCORM-paket i organisationens egen lärplattform"
        " (LMS). Vi testar paketets sidor. Plattformens egna sidor runt dem är inte en del av"
        " Leda, och den här redogörelsen gäller inte för dem: fråga dem som driver plattformen"
        " om de sidorna."
    )
    assert "SCORM" not in inner_html(html, "limitations")


def test_the_contact_is_the_configured_address(database):
    configured = make_app(
        database,
        LEDA_ACCESSIBILITY_CONTACT="uu@vik.kommune.no",
        LEDA_MAIL_FROM="Leda <leda@vik.kommune.no>",
    )
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
    lead = re.search(r'<p class="lead">(.*?)</p>', html, re.S)
    assert lead
    assert " ".join(lead.group(1).split()) == (
        "Leda is a learning platform for leaders in the public sector, run by the organisation"
        " that gave you access to it. This statement says how accessible Leda is, how we know,"
        " and what to do if something stands in your way."
    )
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


def test_the_figures_name_the_axe_core_the_tests_run():
    vendored = json.loads((Path(__file__).parents[1] / "vendor" / "vendor.json").read_text())
    assert MEASURED["tool"] == f"axe-core {vendored['packages']['axe-core']}"


def refused(tmp_path: Path, data: dict) -> list[str]:
    """The problems load_measured names, one a line, in a measured.json holding ``data``."""
    broken = tmp_path / "measured.json"
    broken.write_text(json.dumps(data))
    with pytest.raises(MeasuredFileError) as error:
        load_measured(broken)
    return str(error.value).splitlines()


def test_a_file_missing_keys_is_refused_naming_each(tmp_path):
    data = {key: value for key, value in MEASURED.items() if key not in ("pages", "tool")}
    data["viewports"] = [{"name": "320 px"}]
    assert refused(tmp_path, data) == [
        "measured.json: tool: Field required",
        "measured.json: viewports.0.width: Field required",
        "measured.json: pages: Field required",
    ]


def test_a_count_that_is_not_a_whole_number_is_refused(tmp_path):
    assert refused(tmp_path, {**MEASURED, "checks": "600", "violations": -1}) == [
        "measured.json: checks: Input should be a valid integer",
        "measured.json: violations: Input should be greater than or equal to 0",
    ]


def test_a_file_that_counts_no_pages_or_no_checks_is_refused(tmp_path):
    """Zeros everywhere would read as "no violations found": no page checked is no result."""
    assert refused(tmp_path, {**MEASURED, "pages": 0, "checks": 0, "violations": 0}) == [
        "measured.json: pages: Input should be greater than or equal to 1",
        "measured.json: checks: Input should be greater than or equal to 1",
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
