"""The certificate PDF, read back as text: the name with æøå, the dates and a code that verifies."""

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFont

from app.certificates.pdf import FONTS
from tests.certificates.helpers import NAME, pass_quiz, read_lessons
from tests.factories import make_org, make_user

EXPECTED = {
    # The quiz is passed at 23:30 UTC on 2 March: 3 March in Norway and Sweden.
    "nb": [
        "Vik kommune",
        "Kursbevis",
        "Åse Ærø Ødegård",
        "har fullført kurset Testkurs",
        "Modul",
        "Bestått",
        "Første steg",
        "3. mars 2026",
        "Utstedt 3. mars 2026",
        "Kontrollkode: {code}",
        "Kontroller at kursbeviset er ekte på {url}",
    ],
    "sv": [
        "Vik kommune",
        "Kursintyg",
        "Åse Ærø Ødegård",
        "har slutfört kursen Testkurs",
        "Modul",
        "Godkänd",
        "Första stegen",
        "3 mars 2026",
        "Utfärdat 3 mars 2026",
        "Kontrollkod: {code}",
        "Kontrollera att intyget är äkta på {url}",
    ],
    "en": [
        "Vik kommune",
        "Certificate of completion",
        "Åse Ærø Ødegård",
        "has completed the course Test course",
        "Module",
        "Passed on",
        "First steps",
        "March 3, 2026",
        "Issued on March 3, 2026",
        "Verification code: {code}",
        "Check that this certificate is genuine at {url}",
    ],
}

TITLES = {
    "nb": "Kursbevis: Testkurs",
    "sv": "Kursintyg: Testkurs",
    "en": "Certificate of completion: Test course",
}


def pdf_lines(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return [line.strip() for line in reader.pages[0].extract_text().splitlines() if line.strip()]


@pytest.mark.parametrize("locale", ["nb", "sv", "en"])
def test_the_pdf_names_the_learner_the_modules_with_dates_and_a_code_that_verifies(
    app, client, login, clock, locale
):
    user = make_user(make_org(), given_name=NAME[0], family_name=NAME[1], locale=locale)
    read_lessons(user)
    clock.now = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    pass_quiz(user)
    login(user)
    response = client.get("/certificate.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=leda-certificate.pdf"
    lines = pdf_lines(response.data)
    label = EXPECTED[locale][9].removesuffix("{code}")
    code = next(line for line in lines if line.startswith(label)).removeprefix(label)
    url = f"{app.config['LEDA_BASE_URL']}/verify/{code}"
    assert lines == [line.format(code=code, url=url) for line in EXPECTED[locale]]
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.trailer["/Root"]["/Lang"] == locale
    assert reader.metadata.title == TITLES[locale]
    assert reader.metadata.author == "Vik kommune"

    client.post("/logout")
    verified = client.get(url.removeprefix(app.config["LEDA_BASE_URL"]))
    assert verified.status_code == 200
    assert "Åse Ærø Ødegård" in verified.text


def test_the_font_has_every_letter_of_nordic_and_sami_names():
    for file in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        font = TTFont("probe", str(FONTS / file))
        letters = "æøåÆØÅäöÄÖáÁčČđĐŋŊšŠŧŦžŽéü–"
        assert [c for c in letters if ord(c) not in font.face.charToGlyph] == [], file
    assert (FONTS / "LICENSE.txt").read_text().startswith("Fonts are (c) Bitstream")
