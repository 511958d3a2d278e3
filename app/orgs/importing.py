"""Reading a user spreadsheet: the pure half of ``leda users import`` and the admin upload.

Nothing here touches the database, so the CLI, the upload preview and the tests share one parser
and a file can be checked completely before anything is written. Two stages, as for content:

1. ``parse_user_csv`` reads the bytes as Excel saves them and checks each row on its own.
2. ``check_against_organisation`` checks the rows against the organisation's current people
   (managers, manager cycles, emails), which the caller loads.

Every problem is collected, not just the first, so an administrator fixes a file in one pass; a
file with any problem must change nothing. Messages echo cell values (the administrator's own
data, shown back to them); they must never be logged.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

from app.i18n import _l
from app.orgs.models import Role

MAX_IMPORT_BYTES = 5 * 1024 * 1024  # a 20 000-row file with long unit paths is about 3 MB
MAX_IMPORT_ROWS = 20_000  # the largest Nordic municipalities have roughly this many managers

MAX_EMPLOYEE_NUMBER = 64
MAX_NAME = 100
MAX_EMAIL = 254  # RFC 5321's limit on a forward path
MAX_UNIT_SEGMENT = 200


@dataclass(frozen=True)
class ImportRow:
    """One person as the file describes them, already normalised and valid on its own."""

    line: int  # the file line the row starts on (the header is line 1)
    employee_number: str
    email: str  # stripped and lower-case
    given_name: str
    family_name: str
    unit_path: tuple[str, ...]  # ("Helse og omsorg", "Sykehjem Nord"); () when empty
    manager_employee_number: str | None
    locale: str | None  # "nb", "sv" or "en"; None when the file gives none
    roles: frozenset[str]  # Role values; {"learner"} when the cell is empty
    # Field name -> the header as written in the file, so later checks can name the column the
    # administrator wrote. Not part of equality: two rows saying the same thing are equal.
    headers: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False
    )

    def header(self, name: str) -> str:
        """The column as the file wrote it; the field name for rows not read from a file."""
        return self.headers.get(name, name)


@dataclass(frozen=True)
class ImportProblem:
    """Why (part of) a file cannot be imported, pointing at the place to fix."""

    line: int  # 0 for a problem with the whole file
    column: str | None  # the header as written in the file, or None
    message: LazyString  # renders in the reader's language when shown


@dataclass(frozen=True)
class ExistingUser:
    """What the cross-check needs to know about a person already in the organisation."""

    employee_number: str
    email: str
    manager_employee_number: str | None


# --- the vocabulary the file may use --------------------------------------------------------

REQUIRED = ("employee_number", "email", "given_name", "family_name")

# Header names per language, matched ignoring case, spaces, "-", "_" and "."; the first name in
# each language is the one messages show.
HEADER_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "employee_number": {
        "en": ("employee_number", "employee_no", "employee_id"),
        "nb": ("ansattnummer", "ansattnr"),
        "sv": ("anställningsnummer", "anställningsnr", "anstnr"),
    },
    "email": {
        "en": ("email", "e-mail"),
        "nb": ("e-post", "epost", "e-postadresse"),
        "sv": ("e-post", "epost", "e-postadress", "mejl"),
    },
    "given_name": {"en": ("given_name", "first_name"), "nb": ("fornavn",), "sv": ("förnamn",)},
    "family_name": {
        "en": ("family_name", "last_name", "surname"),
        "nb": ("etternavn",),
        "sv": ("efternamn",),
    },
    "unit": {"en": ("unit",), "nb": ("enhet", "avdeling"), "sv": ("enhet", "avdelning")},
    "manager_employee_number": {
        "en": ("manager_employee_number", "manager"),
        "nb": ("leders_ansattnummer", "leder"),
        "sv": ("chefens_anställningsnummer", "chef"),
    },
    "locale": {"en": ("locale", "language"), "nb": ("språk",), "sv": ("språk",)},
    "roles": {"en": ("roles", "role"), "nb": ("roller", "rolle"), "sv": ("roller", "roll")},
}

ROLE_WORDS: dict[str, str] = {
    **dict.fromkeys(("learner", "deltaker", "deltagare"), Role.LEARNER.value),
    **dict.fromkeys(("manager", "leder", "chef"), Role.MANAGER.value),
    **dict.fromkeys(("hr",), Role.HR.value),
    **dict.fromkeys(("admin", "administrator", "administratör"), Role.ADMIN.value),
}

LOCALE_WORDS: dict[str, str] = {
    # nn and no are read as Bokmål, as the app does for a browser asking for them.
    **dict.fromkeys(("nb", "nb-no", "no", "no-no", "nn", "nn-no", "norsk", "bokmål"), "nb"),
    **dict.fromkeys(("sv", "sv-se", "sv-fi", "svenska", "svensk", "swedish"), "sv"),
    **dict.fromkeys(("en", "en-gb", "en-us", "english", "engelsk", "engelska"), "en"),
}


def _header_key(name: str) -> str:
    return re.sub(r"[\s\-_.]", "", unicodedata.normalize("NFC", name).casefold())


_FIELD_BY_HEADER = {
    _header_key(name): column
    for column, languages in HEADER_NAMES.items()
    for names in languages.values()
    for name in names
}


def _shown_name(column: str) -> str:
    """``employee_number / ansattnummer / anställningsnummer``: clear in any file's language."""
    return " / ".join(dict.fromkeys(names[0] for names in HEADER_NAMES[column].values()))


# Anything below a space except tab and line ends, DEL and the C1 controls: not spreadsheet text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx/.ods zip, old .xls


# --- stage 1: the file on its own -----------------------------------------------------------


def parse_user_csv(data: bytes) -> tuple[list[ImportRow], list[ImportProblem]]:
    """Read a CSV as Excel saves it into valid rows and every problem found.

    Accepts UTF-8 with or without a BOM, else Windows-1252; ``;`` or ``,`` (whichever splits the
    header line into more cells); CRLF, LF or CR; quoted fields; empty trailing columns and blank
    rows; headers in any order in English, Bokmål or Swedish. A row with a problem is left out of
    the rows, so a caller must refuse the whole file when the problem list is not empty.
    Whole-file problems (empty, not text, too large, too many rows) come alone, on line 0.
    """
    text, problem = _decode(data)
    if problem is not None:
        return [], [problem]
    delimiter = max(";,", key=lambda d: _cells_in_first_line(text, d))
    records, unreadable_line = _read_records(text, delimiter)
    unreadable = _l("This line could not be read as CSV. Check that every double quote is closed.")
    if not records:  # the header line unreadable, or text the decoder already called empty
        if unreadable_line is not None:
            return [], [ImportProblem(unreadable_line, None, unreadable)]
        return [], [ImportProblem(0, None, _l("The file is empty."))]
    (_, header), body = records[0], records[1:]
    if len(body) > MAX_IMPORT_ROWS:
        message = _l(
            "The file has more than %(limit)s rows. Split it into smaller files.",
            limit=MAX_IMPORT_ROWS,
        )
        return [], [ImportProblem(0, None, message)]
    columns, problems = _read_header(header)
    rows: list[ImportRow] = []
    seen_numbers: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for line, cells in body:
        row, row_problems = _read_row(
            line, cells, len(header), columns, delimiter, seen_numbers, seen_emails
        )
        problems += row_problems
        if row is not None:
            rows.append(row)
    if unreadable_line is not None:
        problems.append(ImportProblem(unreadable_line, None, unreadable))
    elif not body:
        problems.append(ImportProblem(0, None, _l("The file has no rows below the header.")))
    return rows, problems


def _cells_in_first_line(text: str, delimiter: str) -> int:
    """How many cells ``delimiter`` makes of the first line, which may end in CR alone (Excel
    for Mac's "CSV (Macintosh)"); 0 when the csv module cannot read it (a cell over its field
    size limit): reading the file then names the line."""
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    try:
        return len(next(csv.reader([first_line], delimiter=delimiter)))
    except csv.Error:
        return 0


def _decode(data: bytes) -> tuple[str, ImportProblem | None]:
    """The file as text, or the one problem that makes it no CSV at all."""

    def whole_file(message: LazyString) -> tuple[str, ImportProblem]:
        return "", ImportProblem(0, None, message)

    if not data:
        return whole_file(_l("The file is empty."))
    if len(data) > MAX_IMPORT_BYTES:
        limit = MAX_IMPORT_BYTES // (1024 * 1024)
        return whole_file(_l("The file is larger than %(limit)s MB.", limit=limit))
    if data.startswith(_WORKBOOK_SIGNATURES):
        return whole_file(
            _l(
                "This is a spreadsheet workbook (such as .xlsx), not a CSV file. In Excel, "
                "choose File, Save As, 'CSV UTF-8 (Comma delimited)', and upload that file."
            )
        )
    not_text = _l(
        "The file is not CSV text. In Excel, choose File, Save As, "
        "'CSV UTF-8 (Comma delimited)', and upload that file."
    )
    if b"\x00" in data:  # binary, or UTF-16 ("Unicode text")
        return whole_file(not_text)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # Excel's "CSV (semicolon delimited)" on Windows
        except UnicodeDecodeError:
            return whole_file(not_text)
    if _CONTROL.search(text):
        return whole_file(not_text)
    if not text.strip():
        return whole_file(_l("The file is empty."))
    return unicodedata.normalize("NFC", text), None


def _read_records(text: str, delimiter: str) -> tuple[list[tuple[int, list[str]]], int | None]:
    """The header and each non-blank record with the line it starts on (a quoted value may span
    lines), read up to the first unreadable line, whose number comes second (None: none).

    Blank records (no cell with text) are dropped, so the row limit counts people, and reading
    stops past the limit so a huge file costs no more than a full one.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    while len(records) <= MAX_IMPORT_ROWS + 1:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:  # e.g. a value over the csv module's field size limit
            return records, start
        if not records or any(cell.strip() for cell in cells):
            records.append((start, cells))
    return records, None


@dataclass(frozen=True)
class _Column:
    index: int
    name: str  # as written, stripped
    field: str | None  # None: no header or an unknown one


def _read_header(header: list[str]) -> tuple[list[_Column], list[ImportProblem]]:
    columns: list[_Column] = []
    problems: list[ImportProblem] = []
    first_name: dict[str, str] = {}
    for index, cell in enumerate(header):
        name = cell.strip()
        column = _FIELD_BY_HEADER.get(_header_key(name)) if name else None
        if name and column is None:
            problems.append(ImportProblem(1, name, _l("Unknown column '%(column)s'.", column=name)))
        elif column in first_name:
            message = _l(
                "The column '%(column)s' is there twice (also as '%(first)s').",
                column=name,
                first=first_name[column],
            )
            problems.append(ImportProblem(1, name, message))
            column = None
        elif column is not None:
            first_name[column] = name
        columns.append(_Column(index, name, column))
    for column in REQUIRED:
        if column not in first_name:
            message = _l("The required column '%(column)s' is missing.", column=_shown_name(column))
            problems.append(ImportProblem(1, None, message))
    return columns, problems


def _read_row(
    line: int,
    cells: list[str],
    header_width: int,
    columns: list[_Column],
    delimiter: str,
    seen_numbers: dict[str, int],
    seen_emails: dict[str, int],
) -> tuple[ImportRow | None, list[ImportProblem]]:
    """One row checked on its own and against the rows above it (duplicates)."""
    found: list[tuple[int, ImportProblem]] = []
    values: dict[str, str] = {}
    headers: dict[str, str] = {}
    index_of: dict[str, int] = {}
    for column in columns:
        value = cells[column.index].strip() if column.index < len(cells) else ""
        if column.field is not None:
            values[column.field] = value
            headers[column.field] = column.name
            index_of[column.field] = column.index
        elif not column.name and value:
            message = _l(
                "There is a value in column %(number)s, which has no header.",
                number=column.index + 1,
            )
            found.append((column.index, ImportProblem(line, None, message)))
    width = max((i + 1 for i, cell in enumerate(cells) if cell.strip()), default=0)
    if width > header_width:
        message = _l(
            "The row has more cells than the header has columns (%(cells)s, not %(columns)s). "
            "A value with '%(delimiter)s' in it must be in double quotes.",
            cells=width,
            columns=header_width,
            delimiter=delimiter,
        )
        found.append((width, ImportProblem(line, None, message)))

    def problem(column: str, message: LazyString) -> None:
        found.append((index_of[column], ImportProblem(line, headers[column], message)))

    checked: dict[str, Any] = {}
    for column, value in values.items():
        if "\n" in value or "\r" in value:
            problem(
                column,
                _l("The value runs over several lines. Is a closing double quote missing?"),
            )
        elif not value and column in REQUIRED:
            problem(column, _l("A value is required."))
        else:
            try:
                checked[column] = _CELL_READERS[column](value)
            except _Invalid as invalid:
                problem(column, invalid.message)
    number = checked.get("employee_number")
    if number is not None and number == checked.get("manager_employee_number"):
        problem("manager_employee_number", _l("A person cannot be their own manager."))
    if number is not None:
        if number in seen_numbers:
            problem(
                "employee_number",
                _l(
                    "The employee number '%(value)s' is also on line %(first)s.",
                    value=number,
                    first=seen_numbers[number],
                ),
            )
        else:
            seen_numbers[number] = line
    email = checked.get("email")
    if email is not None:
        if email in seen_emails:
            problem(
                "email",
                _l(
                    "The email '%(value)s' is also on line %(first)s.",
                    value=email,
                    first=seen_emails[email],
                ),
            )
        else:
            seen_emails[email] = line
    if found or not all(column in values for column in REQUIRED):
        return None, [p for _, p in sorted(found, key=lambda item: item[0])]
    return (
        ImportRow(
            line=line,
            employee_number=checked["employee_number"],
            email=checked["email"],
            given_name=checked["given_name"],
            family_name=checked["family_name"],
            unit_path=checked.get("unit", ()),
            manager_employee_number=checked.get("manager_employee_number"),
            locale=checked.get("locale"),
            roles=checked.get("roles", frozenset({Role.LEARNER.value})),
            headers=MappingProxyType(headers),
        ),
        [],
    )


class _Invalid(Exception):
    def __init__(self, message: LazyString) -> None:
        super().__init__()
        self.message = message


def _too_long(limit: int) -> _Invalid:
    return _Invalid(_l("The value is longer than %(max)s characters.", max=limit))


def _read_employee_number(value: str) -> str:
    if len(value) > MAX_EMPLOYEE_NUMBER:
        raise _too_long(MAX_EMPLOYEE_NUMBER)
    return value


def _read_email(value: str) -> str:
    if len(value) > MAX_EMAIL:
        raise _too_long(MAX_EMAIL)
    normalised = normalise_email(value)
    if normalised is None:
        raise _Invalid(_l("'%(value)s' is not a valid email address.", value=value))
    return normalised


def normalise_email(value: str) -> str | None:
    """The address in lower case, or None when its syntax is wrong. No DNS lookups, and the
    reserved .test domain is allowed (demo and test data); the one check for forms and files."""
    try:
        return validate_email(
            value.strip(), check_deliverability=False, test_environment=True
        ).normalized.lower()
    except EmailNotValidError:
        return None


def _read_name(value: str) -> str:
    if len(value) > MAX_NAME:
        raise _too_long(MAX_NAME)
    return value


def _read_unit_path(value: str) -> tuple[str, ...]:
    if not value:
        return ()
    path = tuple(part.strip() for part in value.split("/"))
    if not all(path):
        raise _Invalid(
            _l(
                "The unit path '%(value)s' has an empty part. Separate units with one '/'.",
                value=value,
            )
        )
    if any(len(part) > MAX_UNIT_SEGMENT for part in path):
        raise _Invalid(
            _l("A unit name in the path is longer than %(max)s characters.", max=MAX_UNIT_SEGMENT)
        )
    return path


def _read_manager(value: str) -> str | None:
    return _read_employee_number(value) if value else None


def _read_locale(value: str) -> str | None:
    if not value:
        return None
    locale = LOCALE_WORDS.get(value.casefold().replace("_", "-"))
    if locale is None:
        raise _Invalid(_l("Unknown language '%(value)s'. Use nb, sv or en.", value=value))
    return locale


def _read_roles(value: str) -> frozenset[str]:
    roles = set()
    for word in (part.strip() for part in value.split("|")):
        if not word:
            continue
        role = ROLE_WORDS.get(word.casefold())
        if role is None:
            raise _Invalid(
                _l(
                    "Unknown role '%(value)s'. Use learner, manager, hr or admin, "
                    "separated by '|'.",
                    value=word,
                )
            )
        roles.add(role)
    return frozenset(roles or {Role.LEARNER.value})


_CELL_READERS: dict[str, Callable[[str], Any]] = {
    "employee_number": _read_employee_number,
    "email": _read_email,
    "given_name": _read_name,
    "family_name": _read_name,
    "unit": _read_unit_path,
    "manager_employee_number": _read_manager,
    "locale": _read_locale,
    "roles": _read_roles,
}


# --- stage 2: the file against the organisation ---------------------------------------------


def check_against_organisation(
    rows: list[ImportRow], existing: list[ExistingUser], emails_elsewhere: set[str]
) -> list[ImportProblem]:
    """Problems the rows would cause once applied to the organisation's current people.

    File rows replace existing users with the same employee number, so a manager chain and the
    emails are judged as they would be after the import. A manager outside this organisation is
    simply unknown, and an email taken elsewhere is only "already used": no message reveals
    another organisation's people.
    """
    in_file = {row.employee_number for row in rows}
    existing_numbers = {user.employee_number for user in existing}
    manager_of = {user.employee_number: user.manager_employee_number for user in existing}
    manager_of |= {row.employee_number: row.manager_employee_number for row in rows}
    # Emails of people the file leaves alone; those in the file give theirs up or keep them.
    email_owner = {
        user.email.lower(): user.employee_number
        for user in existing
        if user.employee_number not in in_file
    }
    elsewhere = {email.lower() for email in emails_elsewhere}
    cycles = _manager_cycles(manager_of, [row.employee_number for row in rows])
    problems: list[ImportProblem] = []
    for row in rows:
        owner = email_owner.get(row.email)
        if owner is not None:
            message = _l(
                "The email '%(value)s' already belongs to employee number %(number)s "
                "in this organisation.",
                value=row.email,
                number=owner,
            )
            problems.append(ImportProblem(row.line, row.header("email"), message))
        elif row.email in elsewhere:
            message = _l(
                "The email '%(value)s' is already used by another account.", value=row.email
            )
            problems.append(ImportProblem(row.line, row.header("email"), message))
        manager = row.manager_employee_number
        if manager is not None and manager not in in_file and manager not in existing_numbers:
            message = _l(
                "There is no employee number '%(value)s' in this file or in this organisation.",
                value=manager,
            )
            problems.append(ImportProblem(row.line, row.header("manager_employee_number"), message))
        elif row.employee_number in cycles:
            chain = " → ".join(cycles[row.employee_number])
            message = _l("The managers would go round in a circle: %(chain)s.", chain=chain)
            problems.append(ImportProblem(row.line, row.header("manager_employee_number"), message))
    return problems


def _manager_cycles(manager_of: dict[str, str | None], starts: list[str]) -> dict[str, list[str]]:
    """For each person on a manager cycle reachable from ``starts``: the cycle, from them back
    to them. Linear in the number of people: each is walked once, however long the chains."""
    visited: set[str] = set()
    cycles: dict[str, list[str]] = {}
    for start in starts:
        path: list[str] = []
        position: dict[str, int] = {}
        person: str | None = start
        while person is not None and person in manager_of and person not in visited:
            visited.add(person)
            position[person] = len(path)
            path.append(person)
            person = manager_of[person]
        if person is not None and person in position:
            cycle = path[position[person] :]
            for i, member in enumerate(cycle):
                cycles[member] = cycle[i:] + cycle[:i] + [member]
    return cycles


def format_problem(problem: ImportProblem) -> str:
    """The problem as one line in the current language, for the CLI and the upload page."""
    if problem.line == 0:
        return str(problem.message)
    if problem.column is None:
        return _("line %(line)s: %(message)s", line=problem.line, message=problem.message)
    return _(
        "line %(line)s, column '%(column)s': %(message)s",
        line=problem.line,
        column=problem.column,
        message=problem.message,
    )
