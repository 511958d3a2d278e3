"""The certificate as a one-page A4 PDF, in the reader's language.

Made with ReportLab (pip only, no system libraries) in DejaVu Sans, shipped in ``fonts/`` with
its licence: it covers Norwegian, Swedish and Sámi letters (æøå, äö, áčđŋšŧž), embedded as a
subset with a Unicode map, so the text can be searched, copied and read aloud. UI words come
from the catalogs; the course and module titles are those kept on the certificate, in the
course's text for the locale.
"""

from functools import cache
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.content.models import text_in

from .models import Certificate
from .services import completed_modules, format_code, holder_name

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "LedaSans", "LedaSans-Bold"
INK = colors.HexColor("#1d2a33")
ACCENT = colors.HexColor("#0b5e70")


@cache
def _fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))


def _style(name: str, size: float, bold: bool = False, **extra: object) -> ParagraphStyle:
    settings: dict[str, object] = {"textColor": INK, "alignment": TA_CENTER, **extra}
    return ParagraphStyle(
        name, fontName=BOLD if bold else REGULAR, fontSize=size, leading=size * 1.3, **settings
    )


def _text(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: names and titles are escaped, never read as markup."""
    return Paragraph(escape(text), style)


def _frame(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
    width, height = A4
    canvas.saveState()
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(2)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.restoreState()


def write_certificate_pdf(
    certificate: Certificate, stream: BinaryIO, locale: str, verify_url: str
) -> None:
    """Write the certificate to ``stream``: holder, course, each module with the date it was
    passed, organisation, issue date, verification code and the address that checks it."""
    _fonts()
    with force_locale(locale):
        title = _("Certificate of completion")
        course_title = text_in(certificate.course_title, locale)  # type: ignore[arg-type]
        organisation = certificate.user.organisation.name
        name = holder_name(certificate)
        doc = SimpleDocTemplate(
            stream,
            pagesize=A4,
            leftMargin=25 * mm,
            rightMargin=25 * mm,
            topMargin=28 * mm,
            bottomMargin=25 * mm,
            title=f"{title}: {course_title}",
            author=organisation,
            subject=name,
            creator="Leda",
            lang=locale,
        )
        rows = [[_("Module"), _("Passed on")]] + [
            [
                _text(text_in(m.title, locale), _style("cell", 11, alignment=TA_LEFT)),  # type: ignore[arg-type]
                format_date(m.completed_at, "long"),
            ]
            for m in completed_modules(certificate)
        ]
        table = Table(rows, colWidths=[105 * mm, 50 * mm], hAlign="CENTER")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, 0), BOLD),
                    ("FONTNAME", (0, 1), (-1, -1), REGULAR),
                    ("FONTSIZE", (0, 0), (-1, -1), 11),
                    ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, 0), 1, ACCENT),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#9aa5ad")),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        code = format_code(certificate.code)
        issued = format_date(certificate.issued_at, "long")
        story = [
            _text(organisation, _style("organisation", 13, textColor=ACCENT)),
            Spacer(1, 10 * mm),
            _text(title, _style("title", 28, bold=True)),
            Spacer(1, 14 * mm),
            _text(name, _style("name", 24, bold=True)),
            Spacer(1, 5 * mm),
            _text(
                _("has completed the course %(course)s", course=course_title), _style("course", 15)
            ),
            Spacer(1, 12 * mm),
            table,
            Spacer(1, 12 * mm),
            _text(_("Issued on %(date)s", date=issued), _style("issued", 12)),
            Spacer(1, 16 * mm),
            _text(_("Verification code: %(code)s", code=code), _style("code", 12, bold=True)),
            Spacer(1, 2 * mm),
            _text(
                _("Check that this certificate is genuine at %(address)s", address=verify_url),
                _style("verify", 10),
            ),
        ]
        doc.build(story, onFirstPage=_frame)
