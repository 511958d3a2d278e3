"""The report formats: one writer per format, in FORMATS, each writing a CompletionReport's
rows of FIELDS to a binary stream and returning how many rows it wrote.

- CSV: UTF-8 with a BOM (so Excel reads æøå), headers in the reader's language, ``;`` between
  cells and ``,`` as the decimal sign for nb and sv, ``,`` and ``.`` for en (or the delimiter
  asked for); dates ISO 8601, moments ISO 8601 in UTC (no Z, so spreadsheets read them), time
  spent as an ISO 8601 duration; a text cell that would start a formula gets a leading ``'``.
  Every non-empty cell is quoted and lines end in LF. The database formats it (csv_query):
  Python would take many times as long.
- XLSX: real numbers, dates and times, time spent as a duration Excel can add up, a bold header
  row frozen in place, column widths; written in xlsxwriter's constant-memory mode.
- JSON Lines: one object per row, keyed by the field ids, in no language; the API's shape.
"""

import csv
import io
import json
from collections.abc import Callable
from datetime import datetime
from typing import IO, Any

import xlsxwriter
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Text, cast, func

from app.db import db
from app.spreadsheets import DELIMITERS, safe_cell

from .completions import BATCH, FIELDS, CompletionReport, Kind


def iso_duration(seconds: int | None) -> str | None:
    """Seconds as ISO 8601 (PT1H2M3S; PT0S for none spent)."""
    if seconds is None:
        return None
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if n)
    return f"PT{text or '0S'}"


def iso_moment(moment: datetime | None) -> str | None:
    """A UTC moment as ISO 8601 with a Z, to the second."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None


OnRows = Callable[[int], None]  # told the rows written so far, every BATCH rows or so


def ignore_rows(_rows: int) -> None:
    pass


def write_csv(
    report: CompletionReport,
    stream: IO[bytes],
    locale: str,
    delimiter: str | None = None,
    on_rows: OnRows = ignore_rows,
) -> int:
    """The header from FIELDS, then the rows as the database writes them (csv_query): COPY on
    PostgreSQL, one line per row built in SQL on SQLite. Every cell but an empty one is quoted
    (COPY's FORCE_QUOTE), so both databases write the same bytes; lines end in LF, as COPY's do.
    """
    delimiter = delimiter or DELIMITERS[locale]
    with force_locale(locale):
        header = io.StringIO()
        csv.writer(
            header, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_ALL
        ).writerow([safe_cell(str(field.label)) for field in FIELDS])
    stream.write(header.getvalue().encode("utf-8-sig"))
    connection = db.session.connection()
    dialect = connection.dialect
    query = report.csv_query(locale, dialect.name)
    driver = connection.connection.driver_connection
    if dialect.name == "postgresql":
        sql = _literal_sql(query, dialect)
        options = f"FORMAT csv, DELIMITER '{delimiter}', FORCE_QUOTE *"
        with driver.cursor() as cursor:
            with cursor.copy(f"COPY ({sql}) TO STDOUT WITH ({options})") as copy:
                for count, chunk in enumerate(copy, start=1):  # the server sends a row a chunk
                    stream.write(chunk)
                    if count % BATCH == 0:
                        on_rows(count)
            return cursor.rowcount
    # Only free text can hold a quote; numbers, dates, statuses and ids are quoted as they are
    # (cast: "+" on a date column would add, not join).
    cells = [
        func.coalesce(
            '"' + (func.replace(column, '"', '""') if free else cast(column, Text)) + '"', ""
        )
        for column, free in zip(query.selected_columns, FREE_TEXT, strict=True)
    ]
    line = cells[0]
    for cell in cells[1:]:
        line = line + delimiter + cell
    cursor = driver.execute(_literal_sql(query.with_only_columns(line + "\n"), dialect))
    count = 0
    while lines := cursor.fetchmany(BATCH):
        stream.write("".join(text for (text,) in lines).encode())
        count += len(lines)
        on_rows(count)
    return count


# The fields people type: names, emails, unit paths (module ids are slugs).
FREE_TEXT = [field.kind == Kind.TEXT and field.id != "module_id" for field in FIELDS]


def _literal_sql(query: Any, dialect: Any) -> str:
    """The statement with its values written in: COPY takes no parameters. The values are ids,
    dates, module ids and translated words, each escaped by SQLAlchemy's literal rendering."""
    return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def json_record(row: tuple[Any, ...]) -> dict[str, Any]:
    """A row as the JSON Lines object and the API's item: keyed by field id, moments ISO 8601
    in UTC with a Z, time spent as an ISO 8601 duration, dates ISO 8601, None as null."""
    return {
        field.id: _json_value(field.kind, value) for field, value in zip(FIELDS, row, strict=True)
    }


def _json_value(kind: Kind, value: Any) -> Any:
    if value is None:
        return None
    if kind == Kind.TIME:
        return iso_moment(value)
    if kind == Kind.DURATION:
        return iso_duration(value)
    if kind == Kind.DATE:
        return value.isoformat()
    return value


def write_jsonl(
    report: CompletionReport,
    stream: IO[bytes],
    locale: str,
    delimiter: str | None = None,
    on_rows: OnRows = ignore_rows,
) -> int:
    count = 0
    for count, row in enumerate(report.rows(), start=1):
        stream.write(json.dumps(json_record(row), ensure_ascii=False).encode() + b"\n")
        if count % BATCH == 0:
            on_rows(count)
    return count


def write_xlsx(
    report: CompletionReport,
    stream: IO[bytes],
    locale: str,
    delimiter: str | None = None,
    on_rows: OnRows = ignore_rows,
) -> int:
    workbook = xlsxwriter.Workbook(
        stream, {"constant_memory": True, "remove_timezone": True, "in_memory": False}
    )
    with force_locale(locale):
        sheet = workbook.add_worksheet(_("Completions")[:31])
        headers = [str(field.label) for field in FIELDS]
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    formats = {
        Kind.DATE: workbook.add_format({"num_format": "yyyy-mm-dd"}),
        Kind.TIME: workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        Kind.DURATION: workbook.add_format({"num_format": "[h]:mm:ss"}),
        Kind.DECIMAL: workbook.add_format({"num_format": "0.00%"}),
    }
    for column, field in enumerate(FIELDS):
        sheet.set_column(column, column, field.width)
    sheet.freeze_panes(1, 0)
    for column, header in enumerate(headers):
        sheet.write_string(0, column, header, bold)
    kinds = [field.kind for field in FIELDS]
    count = 0
    for count, row in enumerate(report.rows(), start=1):
        for column, (kind, value) in enumerate(zip(kinds, row, strict=True)):
            if value is None:
                continue
            if kind == Kind.TEXT:
                sheet.write_string(count, column, str(value))
            elif kind == Kind.BOOLEAN:
                sheet.write_boolean(count, column, bool(value))
            elif kind == Kind.INTEGER:
                sheet.write_number(count, column, value)
            elif kind == Kind.DURATION:
                sheet.write_number(count, column, value / 86400, formats[kind])
            elif kind == Kind.DECIMAL:
                sheet.write_number(count, column, value, formats[kind])
            else:  # a date or a moment
                sheet.write_datetime(count, column, value, formats[kind])
        if count % BATCH == 0:
            on_rows(count)
    workbook.close()
    return count


Writer = Callable[[CompletionReport, IO[bytes], str, str | None, OnRows], int]

FORMATS: dict[str, Writer] = {"csv": write_csv, "xlsx": write_xlsx, "jsonl": write_jsonl}
MEDIA_TYPES = {
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to text types
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/jsonl",
}
