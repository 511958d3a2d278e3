"""The user spreadsheet parser on files built here as Excel saves them, and on bad ones."""

import codecs
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, render_template_string
from flask_babel import force_locale

from app.orgs.importing import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    ExistingUser,
    ImportProblem,
    ImportRow,
    check_against_organisation,
    format_problem,
    parse_user_csv,
)
from tests.conftest import make_app

LEARNER = frozenset({"learner"})


@pytest.fixture(scope="module")
def babel_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app only for its translations: the parser never touches the database."""
    application = make_app(f"sqlite:///{tmp_path_factory.mktemp('unused') / 'unused.sqlite'}")
    with application.app_context():
        yield application


def shown(problems: list[ImportProblem], locale: str = "en") -> list[tuple[int, str | None, str]]:
    with force_locale(locale):
        return [(p.line, p.column, str(p.message)) for p in problems]


def parse_ok(data: bytes) -> list[ImportRow]:
    rows, problems = parse_user_csv(data)
    assert shown(problems) == []
    return rows


def problems_of(data: bytes) -> list[tuple[int, str | None, str]]:
    rows, problems = parse_user_csv(data)
    return shown(problems)


def semicolon_file(*lines: str) -> bytes:
    """Bokmål headers as a Norwegian Excel writes them: BOM, ';', CRLF, trailing empty column."""
    header = "Ansattnummer;E-post;Fornavn;Etternavn;"
    return codecs.BOM_UTF8 + "\r\n".join((header, *lines, "")).encode("utf-8")


def comma_file(*lines: str) -> bytes:
    return "\n".join(("employee_number,email,given_name,family_name", *lines, "")).encode()


# --- files that read -------------------------------------------------------------------------


def test_an_excel_file_in_bokmal_with_bom_semicolons_crlf_and_quotes(babel_app):
    data = (
        codecs.BOM_UTF8
        + (
            "Etternavn;Fornavn;Ansattnummer;E-post;Enhet;Leders ansattnummer;Språk;Roller;\r\n"
            "Ødegård;Åse;1001;Ase.Odegard@Kommune.NO;Helse og omsorg;;nb-NO;leder|hr;\r\n"
            '"Bjørnstad; jr.";Per;1002;per@kommune.no;"Helse og omsorg/Sykehjem Nord; avd. 2";1001;'
            ";;\r\n"
            ";;;;;;;;\r\n"
            '"Ærø";"Kari Marie";1003;kari@kommune.no;Helse og omsorg/Sykehjem Nord;1002;SV;'
            "Deltaker;\r\n"
        ).encode()
    )
    rows = parse_ok(data)
    assert rows == [
        ImportRow(
            line=2,
            employee_number="1001",
            email="ase.odegard@kommune.no",
            given_name="Åse",
            family_name="Ødegård",
            unit_path=("Helse og omsorg",),
            manager_employee_number=None,
            locale="nb",
            roles=frozenset({"manager", "hr"}),
        ),
        ImportRow(
            line=3,
            employee_number="1002",
            email="per@kommune.no",
            given_name="Per",
            family_name="Bjørnstad; jr.",
            unit_path=("Helse og omsorg", "Sykehjem Nord; avd. 2"),
            manager_employee_number="1001",
            locale=None,
            roles=LEARNER,
        ),
        ImportRow(
            line=5,
            employee_number="1003",
            email="kari@kommune.no",
            given_name="Kari Marie",
            family_name="Ærø",
            unit_path=("Helse og omsorg", "Sykehjem Nord"),
            manager_employee_number="1002",
            locale="sv",
            roles=LEARNER,
        ),
    ]
    assert dict(rows[0].headers) == {
        "family_name": "Etternavn",
        "given_name": "Fornavn",
        "employee_number": "Ansattnummer",
        "email": "E-post",
        "unit": "Enhet",
        "manager_employee_number": "Leders ansattnummer",
        "locale": "Språk",
        "roles": "Roller",
    }


def test_a_comma_file_with_lf_in_english_and_a_quoted_comma(babel_app):
    data = (
        b"email,family_name,employee_number,given_name,unit,manager_employee_number,locale,roles\n"
        b'ann@city.gov.uk,"Smith, PhD",E-17,Ann,Finance / Payroll,,en-GB,Manager | Admin\n'
        b"bob@city.gov.uk,Jones,E-18,Bob,,E-17,,\n"
    )
    assert parse_ok(data) == [
        ImportRow(
            line=2,
            employee_number="E-17",
            email="ann@city.gov.uk",
            given_name="Ann",
            family_name="Smith, PhD",
            unit_path=("Finance", "Payroll"),
            manager_employee_number=None,
            locale="en",
            roles=frozenset({"manager", "admin"}),
        ),
        ImportRow(
            line=3,
            employee_number="E-18",
            email="bob@city.gov.uk",
            given_name="Bob",
            family_name="Jones",
            unit_path=(),
            manager_employee_number="E-17",
            locale=None,
            roles=LEARNER,
        ),
    ]


def test_a_windows_1252_file_in_swedish(babel_app):
    data = (
        "Förnamn;Efternavn;Anställningsnummer;E-post;Avdelning;Chef;Språk;Roll\r\n"
        "Åsa;Öberg;S-1;asa.oberg@kommun.se;Vård och omsorg/Äldreboende Söder;;sv-SE;"
        "chef|administratör\r\n"
    ).encode("cp1252")
    rows, problems = parse_user_csv(data)
    # "Efternavn" is neither Swedish (efternamn) nor Bokmål (etternavn): reported, not guessed.
    assert shown(problems) == [
        (1, "Efternavn", "Unknown column 'Efternavn'."),
        (
            1,
            None,
            "The required column 'family_name / etternavn / efternamn' is missing.",
        ),
    ]
    fixed = parse_ok(data.replace(b"Efternavn", b"Efternamn"))
    assert fixed == [
        ImportRow(
            line=2,
            employee_number="S-1",
            email="asa.oberg@kommun.se",
            given_name="Åsa",
            family_name="Öberg",
            unit_path=("Vård och omsorg", "Äldreboende Söder"),
            manager_employee_number=None,
            locale="sv",
            roles=frozenset({"manager", "admin"}),
        )
    ]


def test_headers_match_across_languages_ignoring_case_spaces_dashes_and_underscores(babel_app):
    data = (
        "  FÖRNAMN ;Family-Name;ansatt_nr;E_MAIL;Chefens anställningsnummer;ROLLE;language\n"
        "Lars;Berg;7;lars@kommun.se;;HR;NO\n"
    ).encode()
    assert parse_ok(data) == [
        ImportRow(
            line=2,
            employee_number="7",
            email="lars@kommun.se",
            given_name="Lars",
            family_name="Berg",
            unit_path=(),
            manager_employee_number=None,
            locale="nb",
            roles=frozenset({"hr"}),
        )
    ]


@pytest.mark.parametrize(
    ("cell", "locale"),
    [
        ("", None),
        ("nb", "nb"),
        ("NB-no", "nb"),
        ("no", "nb"),
        ("nb_NO", "nb"),
        ("Norsk", "nb"),
        ("sv", "sv"),
        ("sv-SE", "sv"),
        ("SV_se", "sv"),
        ("svenska", "sv"),
        ("en", "en"),
        ("en-GB", "en"),
        ("en-US", "en"),
    ],
)
def test_locales_are_normalised(babel_app, cell, locale):
    data = (f"employee_number;email;given_name;family_name;locale\n1;a@b.no;A;B;{cell}\n").encode()
    assert parse_ok(data)[0].locale == locale


@pytest.mark.parametrize(
    ("cell", "roles"),
    [
        ("", {"learner"}),
        ("learner", {"learner"}),
        ("deltaker", {"learner"}),
        ("Deltagare", {"learner"}),
        ("leder", {"manager"}),
        ("chef", {"manager"}),
        ("HR", {"hr"}),
        ("Administrator", {"admin"}),
        ("administratör", {"admin"}),
        ("learner|manager|hr|admin", {"learner", "manager", "hr", "admin"}),
        (" leder | | hr ", {"manager", "hr"}),
    ],
)
def test_roles_are_read_in_every_language(babel_app, cell, roles):
    data = (f"employee_number;email;given_name;family_name;roles\n1;a@b.no;A;B;{cell}\n").encode()
    assert parse_ok(data)[0].roles == frozenset(roles)


def test_the_delimiter_comes_from_the_header_line(babel_app):
    # Commas inside values do not fool it when the header is split by semicolons.
    data = "employee_number;email;given_name;family_name\n1;a@b.no;Anne, Marie;Berg, Dahl\n"
    rows = parse_ok(data.encode())
    assert (rows[0].given_name, rows[0].family_name) == ("Anne, Marie", "Berg, Dahl")


def test_a_file_with_cr_line_ends_is_read(babel_app):
    """Excel for Mac's "CSV (Macintosh)" ends lines in CR alone (found by
    tests/orgs/test_import_fuzz.py: the delimiter guess raised csv.Error, a 500)."""
    data = (
        b"employee_number;email;given_name;family_name\r1;a@b.no;Anne, Marie;Berg\r2;c@d.no;C;D\r"
    )
    rows = parse_ok(data)
    assert [(r.line, r.employee_number, r.given_name) for r in rows] == [
        (2, "1", "Anne, Marie"), (3, "2", "C"),
    ]  # fmt: skip


def test_blank_rows_are_skipped_and_lines_still_count(babel_app):
    data = semicolon_file("", "1;a@b.no;A;B;", ";;;;", "2;c@d.no;C;D;")
    assert [row.line for row in parse_ok(data)] == [3, 5]


# --- a bad file with several problems --------------------------------------------------------


def test_a_bad_file_reports_every_problem_with_line_and_column(babel_app):
    data = (
        codecs.BOM_UTF8
        + (
            "Ansattnummer;E-post;Fornavn;Etternavn;Roller;Språk;Avdeling\r\n"
            "1001;ola@kommune.no;Ola;Nordmann;;;\r\n"
            "1002;not-an-email;Kari;;;;\r\n"
            "1001;kari@kommune.no;Kari;Hansen;sjef;klingon;a//b\r\n"
            ";OLA@kommune.no;Per;Berg;;;\r\n"
            "1004;anne@kommune.no;Anne;Lie;;;;extra\r\n"
        ).encode()
    )
    rows, problems = parse_user_csv(data)
    assert [row.line for row in rows] == [2]
    assert shown(problems) == [
        (3, "E-post", "'not-an-email' is not a valid email address."),
        (3, "Etternavn", "A value is required."),
        (4, "Ansattnummer", "The employee number '1001' is also on line 2."),
        (
            4,
            "Roller",
            "Unknown role 'sjef'. Use learner, manager, hr or admin, separated by '|'.",
        ),
        (4, "Språk", "Unknown language 'klingon'. Use nb, sv or en."),
        (
            4,
            "Avdeling",
            "The unit path 'a//b' has an empty part. Separate units with one '/'.",
        ),
        (5, "Ansattnummer", "A value is required."),
        (5, "E-post", "The email 'ola@kommune.no' is also on line 2."),
        (
            6,
            None,
            "The row has more cells than the header has columns (8, not 7). "
            "A value with ';' in it must be in double quotes.",
        ),
    ]


def test_problems_render_in_bokmal_and_swedish(babel_app):
    rows, problems = parse_user_csv(semicolon_file("1;ola@x.no;Ola;;", "1;kari@x.no;Kari;Li;"))
    assert shown(problems, "nb") == [
        (2, "Etternavn", "Cellen må fylles ut."),
        (3, "Ansattnummer", "Ansattnummeret '1' står også på linje 2."),
    ]
    assert shown(problems, "sv") == [
        (2, "Etternavn", "Cellen måste fyllas i."),
        (3, "Ansattnummer", "Anställningsnumret '1' finns också på rad 2."),
    ]
    with force_locale("nb"):
        assert [format_problem(p) for p in problems] == [
            "linje 2, kolonne 'Etternavn': Cellen må fylles ut.",
            "linje 3, kolonne 'Ansattnummer': Ansattnummeret '1' står også på linje 2.",
        ]
    with force_locale("sv"):
        assert format_problem(problems[0]) == "rad 2, kolumn 'Etternavn': Cellen måste fyllas i."


def test_format_problem_without_a_column_or_a_line(babel_app):
    with force_locale("en"):
        assert format_problem(parse_user_csv(b"")[1][0]) == "The file is empty."
        (problem,) = parse_user_csv(comma_file("1,a@b.no,A,B,x"))[1]
        assert format_problem(problem) == (
            "line 2: The row has more cells than the header has columns (5, not 4). "
            "A value with ',' in it must be in double quotes."
        )
        (problem,) = parse_user_csv(comma_file("1,a@b.no,,B"))[1]
        assert format_problem(problem) == "line 2, column 'given_name': A value is required."


def test_a_cell_value_in_a_message_is_escaped_in_html(babel_app):
    (problem,) = parse_user_csv(comma_file("1,<script>alert(1)</script>,A,B"))[1]
    with force_locale("en"):
        assert str(problem.message) == "'<script>alert(1)</script>' is not a valid email address."
        html = render_template_string("<p>{{ message }}</p>", message=problem.message)
    assert html == "<p>'&lt;script&gt;alert(1)&lt;/script&gt;' is not a valid email address.</p>"


# --- each bad case ---------------------------------------------------------------------------


def whole_file(message: str) -> list[tuple[int, str | None, str]]:
    return [(0, None, message)]


SAVE_AS_CSV = "In Excel, choose File, Save As, 'CSV UTF-8 (Comma delimited)', and upload that file."


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8, b"\r\n \r\n", b" "])
def test_an_empty_file(babel_app, data):
    assert problems_of(data) == whole_file("The file is empty.")


def test_a_header_without_rows(babel_app):
    assert problems_of(semicolon_file(";;;;")) == whole_file(
        "The file has no rows below the header."
    )


def test_an_xlsx_workbook_is_refused_with_save_as_csv(babel_app):
    workbook = io.BytesIO()
    with zipfile.ZipFile(workbook, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert problems_of(workbook.getvalue()) == whole_file(
        "This is a spreadsheet workbook (such as .xlsx), not a CSV file. " + SAVE_AS_CSV
    )


@pytest.mark.parametrize(
    "data",
    [
        comma_file("1,a@b.no,A,B").decode().encode("utf-16"),  # Excel's "Unicode text"
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"employee_number,email\x1b,given_name,family_name\n",
        b"\x81\x8d\x8f\x90\x9d",  # neither UTF-8 nor Windows-1252
    ],
)
def test_a_file_that_is_not_csv_text(babel_app, data):
    assert problems_of(data) == whole_file("The file is not CSV text. " + SAVE_AS_CSV)


def test_a_file_over_the_size_limit(babel_app):
    blank_lines = (b" " * 99 + b"\n") * (MAX_IMPORT_BYTES // 100 + 1)
    data = (comma_file("1,a@b.no,A,B") + blank_lines)[: MAX_IMPORT_BYTES + 1]
    assert problems_of(data) == whole_file("The file is larger than 5 MB.")
    assert problems_of(data[:MAX_IMPORT_BYTES]) == []


def test_a_file_over_the_row_limit(babel_app):
    # Rows without an email keep the test fast (validating 20 000 addresses takes seconds) and
    # show that a file at the limit is read row by row rather than refused as a whole.
    lines = [f"{n},,A,B" for n in range(MAX_IMPORT_ROWS + 1)]
    assert problems_of(comma_file(*lines)) == whole_file(
        "The file has more than 20000 rows. Split it into smaller files."
    )
    assert problems_of(comma_file(*lines[:-1], "", ",,,")) == [
        (line, "email", "A value is required.") for line in range(2, MAX_IMPORT_ROWS + 2)
    ]


def test_unknown_repeated_and_missing_columns(babel_app):
    data = b"ansattnummer;Email;Fornavn;Telefon;e-post;;\r\n1;a@b.no;A;555;a@b.no;;\r\n"
    assert problems_of(data) == [
        (1, "Telefon", "Unknown column 'Telefon'."),
        (1, "e-post", "The column 'e-post' is there twice (also as 'Email')."),
        (1, None, "The required column 'family_name / etternavn / efternamn' is missing."),
    ]


def test_a_value_in_a_column_without_a_header(babel_app):
    assert problems_of(semicolon_file("1;a@b.no;A;B;stray")) == [
        (2, None, "There is a value in column 5, which has no header.")
    ]


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ("x" * 65 + ",a@b.no,A,B", "employee_number", "The value is longer than 64 characters."),
        ("1,a@b.no," + "x" * 101 + ",B", "given_name", "The value is longer than 100 characters."),
        ("1,a@b.no,A," + "x" * 101, "family_name", "The value is longer than 100 characters."),
        (
            "1," + "x" * 250 + "@b.no,A,B",
            "email",
            "The value is longer than 254 characters.",
        ),
        ("1,a@b,A,B", "email", "'a@b' is not a valid email address."),
        ("1,a b@c.no,A,B", "email", "'a b@c.no' is not a valid email address."),
        ("1,,A,B", "email", "A value is required."),
        ("  ,a@b.no,A,B", "employee_number", "A value is required."),
    ],
)
def test_a_bad_required_cell(babel_app, cells, column, message):
    assert problems_of(comma_file(cells)) == [(2, column, message)]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("/Helse", "The unit path '/Helse' has an empty part. Separate units with one '/'."),
        ("Helse/", "The unit path 'Helse/' has an empty part. Separate units with one '/'."),
        (
            "Helse/ /Nord",
            "The unit path 'Helse/ /Nord' has an empty part. Separate units with one '/'.",
        ),
        ("Helse/" + "x" * 201, "A unit name in the path is longer than 200 characters."),
    ],
)
def test_a_bad_unit_path(babel_app, cell, message):
    data = f"employee_number;email;given_name;family_name;unit\n1;a@b.no;A;B;{cell}\n".encode()
    assert problems_of(data) == [(2, "unit", message)]


def test_a_unit_segment_of_exactly_200_characters_is_fine(babel_app):
    data = f"employee_number;email;given_name;family_name;unit\n1;a@b.no;A;B;H/{'x' * 200}\n"
    assert parse_ok(data.encode())[0].unit_path == ("H", "x" * 200)


def test_a_person_cannot_be_their_own_manager(babel_app):
    data = b"employee_number;email;given_name;family_name;leder\n7;a@b.no;A;B;7\n"
    assert problems_of(data) == [(2, "leder", "A person cannot be their own manager.")]


def test_an_unclosed_quote_is_pointed_at(babel_app):
    data = comma_file('1,a@b.no,"Ann,Berg', "2,c@d.no,C,D")
    assert problems_of(data) == [
        (2, "given_name", "The value runs over several lines. Is a closing double quote missing?"),
        (2, "family_name", "A value is required."),
    ]
    huge = comma_file('1,a@b.no,"Ann,B', *["2,c@d.no,C,D" * 100] * 120)
    assert problems_of(huge) == [
        (2, None, "This line could not be read as CSV. Check that every double quote is closed.")
    ]


def test_a_header_cell_over_the_csv_field_limit_is_pointed_at(babel_app):
    """A first line of one 200 000-character cell: the csv module refuses it (found by
    tests/orgs/test_import_fuzz.py: the delimiter guess raised csv.Error, a 500)."""
    assert problems_of(b"email;" + b"a" * 200_000 + b"\n1;a@b.no;A;B\n") == [
        (1, None, "This line could not be read as CSV. Check that every double quote is closed.")
    ]


def test_rows_with_problems_are_left_out_and_good_rows_kept(babel_app):
    rows, problems = parse_user_csv(comma_file("1,a@b.no,A,B", "2,bad,C,D", "3,c@d.no,E,F"))
    assert [row.employee_number for row in rows] == ["1", "3"]
    assert shown(problems) == [(3, "email", "'bad' is not a valid email address.")]


# --- against the organisation ----------------------------------------------------------------


def row(line: int, number: str, email: str, manager: str | None = None) -> ImportRow:
    return ImportRow(line, number, email, "A", "B", (), manager, None, LEARNER)


def test_a_cycle_through_existing_users_names_the_chain_on_each_file_row(babel_app):
    existing = [
        ExistingUser("10", "ten@k.no", "11"),
        ExistingUser("11", "eleven@k.no", None),
        ExistingUser("12", "twelve@k.no", None),
    ]
    # 11 gets 12 as manager and 12 gets 10: 10 → 11 → 12 → 10 once applied.
    rows = [row(2, "11", "eleven@k.no", "12"), row(3, "12", "twelve@k.no", "10")]
    assert shown(check_against_organisation(rows, existing, set())) == [
        (
            2,
            "manager_employee_number",
            "The managers would go round in a circle: 11 → 12 → 10 → 11.",
        ),
        (
            3,
            "manager_employee_number",
            "The managers would go round in a circle: 12 → 10 → 11 → 12.",
        ),
    ]


def test_a_file_row_can_break_an_existing_chain_without_a_cycle(babel_app):
    existing = [ExistingUser("10", "ten@k.no", "11"), ExistingUser("11", "eleven@k.no", None)]
    rows = [row(2, "10", "ten@k.no", None), row(3, "11", "eleven@k.no", "10")]
    assert check_against_organisation(rows, existing, set()) == []


def test_cycles_use_the_header_as_written(babel_app):
    data = (
        b"Ansattnummer;E-post;Fornavn;Etternavn;Leder\n"
        b"1;a@k.no;A;B;2\n"
        b"2;b@k.no;C;D;3\n"
        b"3;c@k.no;E;F;1\n"
        b"4;d@k.no;G;H;3\n"
    )
    rows = parse_ok(data)
    assert shown(check_against_organisation(rows, [], set())) == [
        (2, "Leder", "The managers would go round in a circle: 1 → 2 → 3 → 1."),
        (3, "Leder", "The managers would go round in a circle: 2 → 3 → 1 → 2."),
        (4, "Leder", "The managers would go round in a circle: 3 → 1 → 2 → 3."),
    ]


def test_an_unknown_manager_even_one_in_another_organisation(babel_app):
    existing = [ExistingUser("10", "ten@k.no", None)]
    # "99" may well be someone in another municipality; the caller passes only this one's people.
    rows = [row(2, "20", "twenty@k.no", "10"), row(3, "21", "x@k.no", "99")]
    assert shown(check_against_organisation(rows, existing, {"someone@other.no"})) == [
        (
            3,
            "manager_employee_number",
            "There is no employee number '99' in this file or in this organisation.",
        )
    ]


def test_a_manager_may_be_a_later_row_of_the_file(babel_app):
    rows = [row(2, "20", "a@k.no", "21"), row(3, "21", "b@k.no", None)]
    assert check_against_organisation(rows, [], set()) == []


def test_an_email_used_elsewhere_does_not_say_where(babel_app):
    rows = [row(2, "20", "taken@other.no")]
    problems = check_against_organisation(rows, [], {"Taken@Other.no"})
    assert shown(problems) == [
        (2, "email", "The email 'taken@other.no' is already used by another account.")
    ]
    assert shown(problems, "nb") == [
        (2, "email", "E-postadressen 'taken@other.no' brukes allerede av en annen konto.")
    ]


def test_an_email_of_another_person_in_this_organisation(babel_app):
    existing = [ExistingUser("10", "ten@k.no", None), ExistingUser("11", "eleven@k.no", None)]
    rows = [row(2, "20", "ten@k.no"), row(3, "11", "eleven@k.no")]
    assert shown(check_against_organisation(rows, existing, set())) == [
        (
            2,
            "email",
            "The email 'ten@k.no' already belongs to employee number 10 in this organisation.",
        )
    ]


def test_two_people_in_the_file_may_swap_emails(babel_app):
    existing = [ExistingUser("10", "ten@k.no", None), ExistingUser("11", "eleven@k.no", None)]
    rows = [row(2, "10", "eleven@k.no"), row(3, "11", "ten@k.no")]
    assert check_against_organisation(rows, existing, set()) == []


def test_the_readme_example_reads_as_documented(babel_app):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Importing users", 1)[1]
    example = section.split("```\n", 2)[1]
    rows = parse_ok(example.encode())
    assert [(r.employee_number, r.unit_path, r.manager_employee_number, r.roles) for r in rows] == [
        ("1001", ("Helse og omsorg",), None, frozenset({"manager", "hr"})),
        ("1002", ("Helse og omsorg", "Sykehjem Nord; avd. 2"), "1001", LEARNER),
    ]
