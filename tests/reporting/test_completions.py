"""The HR completion report: its rows, each format's exact output, filters, command, page."""

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from app.content import current_course
from app.db import db, utcnow
from app.learning import services as learning
from app.onboarding.models import Target
from app.onboarding.services import assign
from app.onboarding.team import Progress
from app.orgs import services as orgs
from app.orgs.models import AuditEvent, Role
from app.reporting.completions import (
    FIELD_IDS,
    CompletionFilters,
    CompletionReport,
    completion_rows,
)
from app.reporting.formats import FORMATS
from app.reporting.models import ReportExport
from tests.certificates.helpers import pass_quiz
from tests.factories import make_org, make_unit, make_user

MODULE = "first-steps"  # the test course's one module, version 3, four points


@pytest.fixture
def people(app, clock):  # type: ignore[no-untyped-def]
    """Vik: Åse passed (via lessons and the quiz), Bo assigned and overdue, Cato never started;
    a deactivated, an erased and another organisation's person who must not appear."""
    org = make_org()
    health = make_unit(org, "Helse og omsorg")
    north = make_unit(org, "Sykehjem Nord", health)
    boss = make_user(org, email="boss@vik.test", given_name="Berit", family_name="Boss",
                     roles=[Role.MANAGER], employee_number="100")  # fmt: skip
    ase = make_user(org, email="ase@vik.test", given_name="Åse", family_name="Ærø",
                    employee_number="101", unit=north, manager=boss)  # fmt: skip
    bo = make_user(org, email="bo@vik.test", given_name="=Bo", family_name="Berg",
                   employee_number="+102", unit=health)  # fmt: skip
    cato = make_user(org, email="cato@vik.test", given_name="Cato", family_name="Dahl")
    gone = make_user(org, email="gone@vik.test")
    orgs.deactivate_user(gone, None)
    erased = make_user(org, email="erased@vik.test")
    orgs.erase_user(erased, None)
    make_user(make_org(slug="dal", name="Dal kommune"), email="dag@dal.test")
    assign(org, None, target=Target.PERSON, person=bo, module_ids=[MODULE],
           due_on=date(2026, 3, 3))  # fmt: skip
    module = current_course().module(MODULE)
    learning.record_visit(ase, module, module.lessons[0].id)
    clock.advance(120)
    for lesson in module.lessons:
        learning.complete_lesson(ase, module, lesson.id)
    clock.advance(60)
    pass_quiz(ase)
    clock.advance(3 * 24 * 3600)  # 5 March: Bo's due date has passed
    db.session.commit()
    return org, {"boss": boss, "ase": ase, "bo": bo, "cato": cato, "north": north,
                 "health": health}  # fmt: skip


def rows(org, **filters):  # type: ignore[no-untyped-def]
    return list(completion_rows(org, CompletionFilters(**filters), utcnow()))


def test_one_row_per_active_person_and_module_with_every_field(people):
    org, who = people
    report = [dict(zip(FIELD_IDS, row, strict=True)) for row in rows(org)]
    assert [r["email"] for r in report] == [
        "boss@vik.test", "ase@vik.test", "bo@vik.test", "cato@vik.test"
    ]  # fmt: skip
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert report[1] == {
        "employee_number": "101",
        "name": "Åse Ærø",
        "email": "ase@vik.test",
        "unit": "Helse og omsorg/Sykehjem Nord",
        "manager": "Berit Boss",
        "module_id": MODULE,
        "module_version": 3,
        "completion_status": "completed",
        "success_status": "passed",
        "lesson_status": "passed",
        "score_raw": 4,
        "score_max": 4,
        "score_scaled": 1.0,
        "attempts": 1,
        "first_access": start,
        "completed_at": start + timedelta(seconds=180),
        "total_time": 180,  # seconds between the first visit and the quiz
        "assigned_at": None,
        "due_on": None,
        "overdue": False,
    }
    assert report[2] == {
        "employee_number": "+102",
        "name": "=Bo Berg",
        "email": "bo@vik.test",
        "unit": "Helse og omsorg",
        "manager": None,
        "module_id": MODULE,
        "module_version": 3,
        "completion_status": "not attempted",
        "success_status": "unknown",
        "lesson_status": "not attempted",
        "score_raw": None,
        "score_max": None,
        "score_scaled": None,
        "attempts": 0,
        "first_access": None,
        "completed_at": None,
        "total_time": 0,
        "assigned_at": start,
        "due_on": date(2026, 3, 3),
        "overdue": True,
    }


def export(org, format_id: str, locale: str = "nb", delimiter=None, **filters) -> bytes:  # type: ignore[no-untyped-def]
    stream = io.BytesIO()
    report = CompletionReport(org, CompletionFilters(**filters), utcnow())
    FORMATS[format_id](report, stream, locale, delimiter)
    return stream.getvalue()


def test_the_csv_for_norwegian_excel_neutralises_formulas(people):
    org, _who = people
    data = export(org, "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM, so Excel reads UTF-8
    lines = data.decode("utf-8-sig").split("\n")
    assert lines[0] == ";".join(f'"{header}"' for header in [
        "Ansattnummer", "Navn", "E-post", "Enhet", "Leder", "Modul", "Modulversjon",
        "Fullføringsstatus", "Resultatstatus", "SCORM 1.2-status", "Poeng", "Maksimal poengsum",
        "Skalert poengsum", "Quizforsøk", "Første besøk (UTC)", "Fullført (UTC)", "Tid brukt",
        "Tildelt (UTC)", "Frist", "Forsinket",
    ])  # fmt: skip
    assert lines[2] == ";".join(f'"{cell}"' if cell else "" for cell in [
        "101", "Åse Ærø", "ase@vik.test", "Helse og omsorg/Sykehjem Nord", "Berit Boss",
        "first-steps", "3", "completed", "passed", "passed", "4", "4", "1,0000", "1",
        "2026-03-02T08:00:00", "2026-03-02T08:03:00", "PT3M", "", "", "nei",
    ])  # fmt: skip
    # "=Bo" and "+102" would run as formulas in a spreadsheet: each gets a leading '
    assert lines[3] == ";".join(f'"{cell}"' if cell else "" for cell in [
        "'+102", "'=Bo Berg", "bo@vik.test", "Helse og omsorg", "", "first-steps", "3",
        "not attempted", "unknown", "not attempted", "", "", "", "0", "", "", "PT0S",
        "2026-03-02T08:00:00", "2026-03-03", "ja",
    ])  # fmt: skip
    assert (len(lines), lines[-1]) == (6, "")  # header, four people, the final line break
    # what Python's csv module reads back (as Excel and HR systems do)
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert read[3][:2] == ["'+102", "'=Bo Berg"]


def test_a_cell_with_quotes_delimiters_or_line_breaks_reads_back_whole(people):
    org, who = people
    who["cato"].family_name = 'Dahl; "CD"\nJr'
    db.session.commit()
    data = export(org, "csv").decode("utf-8-sig")
    assert '"Cato Dahl; ""CD""\nJr"' in data
    read = list(csv.reader(io.StringIO(data), delimiter=";"))
    assert [row[1] for row in read[1:]] == [
        "Berit Boss", "Åse Ærø", "'=Bo Berg", 'Cato Dahl; "CD"\nJr'
    ]  # fmt: skip


def test_the_csv_in_english_uses_commas_and_a_decimal_point_or_the_delimiter_asked_for(people):
    org, _who = people
    english = list(csv.reader(io.StringIO(export(org, "csv", "en").decode("utf-8-sig"))))
    assert english[0][:3] == ["Employee number", "Name", "Email"]
    assert english[2][12] == "1.0000"
    assert english[3][19] == "yes"
    semicolons = export(org, "csv", "en", ";").decode("utf-8-sig").splitlines()
    assert semicolons[0].startswith('"Employee number";"Name";"Email";')


def test_filters_that_match_nothing_give_the_header_row_alone(people):
    org, _who = people
    for data in (export(org, "csv", due_by=date(2026, 1, 1)), export(org, "csv", module_id="x")):
        assert data.decode("utf-8-sig").count("\n") == 1
    assert export(org, "jsonl", overdue_only=True, unit_id=people[1]["north"].id) == b""


def test_the_json_lines_are_keyed_by_field_id_in_no_language(people):
    org, _who = people
    records = [json.loads(line) for line in export(org, "jsonl", "sv").splitlines()]
    assert len(records) == 4
    assert records[2] == {
        "employee_number": "+102",  # no ' here: JSON is not a spreadsheet
        "name": "=Bo Berg",
        "email": "bo@vik.test",
        "unit": "Helse og omsorg",
        "manager": None,
        "module_id": MODULE,
        "module_version": 3,
        "completion_status": "not attempted",
        "success_status": "unknown",
        "lesson_status": "not attempted",
        "score_raw": None,
        "score_max": None,
        "score_scaled": None,
        "attempts": 0,
        "first_access": None,
        "completed_at": None,
        "total_time": "PT0S",
        "assigned_at": "2026-03-02T08:00:00Z",
        "due_on": "2026-03-03",
        "overdue": True,
    }
    assert records[1]["completed_at"] == "2026-03-02T08:03:00Z"
    assert records[1]["score_scaled"] == 1.0


def test_the_workbook_has_real_numbers_dates_a_frozen_header_and_widths(people, tmp_path):
    org, _who = people
    path = tmp_path / "report.xlsx"
    path.write_bytes(export(org, "xlsx", "sv"))
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "Genomföranden"
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]][:4] == ["Anställningsnummer", "Namn", "E-post", "Enhet"]
    ase = [c.value for c in sheet[3]]
    assert ase[:7] == ["101", "Åse Ærø", "ase@vik.test", "Helse og omsorg/Sykehjem Nord",
                       "Berit Boss", MODULE, 3]  # fmt: skip
    assert ase[10:14] == [4, 4, 1, 1]
    assert ase[14] == datetime(2026, 3, 2, 8, 0)  # a real date and time (UTC)
    assert sheet.cell(3, 17).value == timedelta(seconds=180)  # a duration Excel can add up
    assert sheet.cell(3, 17).number_format == "[h]:mm:ss"
    bo = [c.value for c in sheet[4]]
    assert (bo[0], bo[1], bo[18], bo[19]) == ("+102", "=Bo Berg", datetime(2026, 3, 3), True)
    assert sheet.cell(4, 2).data_type == "s"  # text, not a formula
    assert sheet.column_dimensions["B"].width == pytest.approx(28, abs=1)
    assert sheet.max_row == 5


@pytest.mark.parametrize(
    ("filters", "emails"),
    [
        ({"unit_id": "health"}, ["ase@vik.test", "bo@vik.test"]),  # with its sub-units
        ({"unit_id": "north"}, ["ase@vik.test"]),
        ({"progress": Progress.PASSED}, ["ase@vik.test"]),
        ({"progress": Progress.NOT_STARTED}, ["boss@vik.test", "bo@vik.test", "cato@vik.test"]),
        ({"overdue_only": True}, ["bo@vik.test"]),
        ({"due_by": date(2026, 3, 3)}, ["bo@vik.test"]),
        ({"due_by": date(2026, 3, 2)}, []),
        ({"completed_from": date(2026, 3, 2), "completed_to": date(2026, 3, 2)}, ["ase@vik.test"]),
        ({"completed_from": date(2026, 3, 3)}, []),
        ({"completed_to": date(2026, 3, 1)}, []),
        # the first and last days there are leave that side open (found by
        # tests/test_forms_fuzz.py: an OverflowError made the report fail)
        ({"completed_from": date.min, "completed_to": date.max}, ["ase@vik.test"]),
        ({"completed_from": date.max}, []),
        ({"completed_to": date.min}, []),
        ({"module_id": MODULE}, ["boss@vik.test", "ase@vik.test", "bo@vik.test", "cato@vik.test"]),
    ],
)
def test_the_filters(people, filters, emails):
    org, who = people
    if "unit_id" in filters:
        filters = {**filters, "unit_id": who[filters["unit_id"]].id}
    assert [row[2] for row in rows(org, **filters)] == emails


def test_an_assignment_filter_keeps_the_rows_it_gave(people):
    org, who = people
    assignment, _n = assign(org, None, target=Target.PERSON, person=who["cato"],
                            module_ids=[MODULE], due_days=10)  # fmt: skip
    assert [row[2] for row in rows(org, assignment_id=assignment.id)] == ["cato@vik.test"]


def test_the_command_writes_each_format_and_refuses_bad_input(people, runner, tmp_path):
    org, _who = people
    out = tmp_path / "r.csv"
    result = runner.invoke(args=["report", "completions", "--org", "vik", "--out", str(out),
                                 "--unit", "Helse og omsorg"])  # fmt: skip
    assert (result.exit_code, result.output) == (0, f"Wrote 2 rows to {out}.\n")
    assert out.read_bytes().decode("utf-8-sig").splitlines()[0].startswith('"Ansattnummer";')
    for fmt in ("xlsx", "jsonl"):
        result = runner.invoke(args=["report", "completions", "--org", "vik", "--format", fmt,
                                     "--out", str(tmp_path / f"r.{fmt}")])  # fmt: skip
        assert result.output == f"Wrote 4 rows to {tmp_path / f'r.{fmt}'}.\n"
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "report_exported").order_by(AuditEvent.id)
    ).all()
    assert [e.details for e in events] == [
        {"report": "completions", "format": "csv", "rows": 2,
         "filters": {"unit_id": str(people[1]["health"].id)}},
        {"report": "completions", "format": "xlsx", "rows": 4, "filters": {}},
        {"report": "completions", "format": "jsonl", "rows": 4, "filters": {}},
    ]  # fmt: skip
    base = ["report", "completions", "--out", str(out)]
    for args, code, message in [
        (["--org", "nowhere"], 1, "Error: No organisation has the short name 'nowhere'."),
        (["--org", "vik", "--unit", "Skole"], 1, "Error: vik has no unit 'Skole'."),
        (["--org", "vik", "--module", "nope"], 1, "Error: The course has no module 'nope'."),
        (["--org", "vik", "--assignment", "999"], 1, "Error: vik has no assignment 999."),
        (["--org", "vik", "--due-by", "1.4.2026"], 2,
         "'1.4.2026' is not a date; write it as YYYY-MM-DD."),
        (["--org", "vik", "--completed-from", "2026-03-05", "--completed-to", "2026-03-01"], 1,
         "Error: --completed-from is after --completed-to."),
    ]:  # fmt: skip
        result = runner.invoke(args=base + args)
        assert result.exit_code == code, args
        assert message in result.output, (args, result.output)
    assert (
        db.session.scalar(
            select(db.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "report_exported")
        )
        == 3
    )


def test_hr_downloads_the_report_from_the_page_and_bad_input_changes_nothing(people, client, login):
    org, _who = people
    hr = make_user(org, email="hr@vik.test", roles=[Role.HR], locale="en")
    login(hr)
    page = client.get("/reports")
    assert page.status_code == 200
    assert "Completion report" in page.text
    bad = client.post("/reports/completions", data={"format": "csv", "completed_from": "2026-03-05",
                                                     "completed_to": "2026-03-01"})  # fmt: skip
    assert bad.status_code == 400
    assert "This date is before the first completion date." in bad.text
    for data, message in [
        ({"format": "pdf"}, "Not a valid choice."),
        ({"format": "csv", "due_by": "1.4.2026"}, "Not a valid date value."),
        ({"format": "csv", "unit": "999999"}, "Not a valid choice."),
    ]:
        response = client.post("/reports/completions", data=data)
        assert response.status_code == 400, data
        assert message in response.text, data
    exported = select(AuditEvent).where(AuditEvent.action == "report_exported")
    assert db.session.scalars(exported).all() == []
    asked = client.post("/reports/completions", data={"format": "csv", "overdue": "y"})
    assert asked.status_code == 303
    [export] = db.session.scalars(select(ReportExport)).all()
    assert asked.headers["Location"] == f"/reports/exports/{export.id}"
    # jobs run at once in tests: the report is ready when the page is shown
    page = client.get(f"/reports/exports/{export.id}").text
    assert "The report is ready: 1 row." in page
    assert f'href="/reports/exports/{export.id}/file"' in page
    assert client.get(f"/reports/exports/{export.id}/status").json == {
        "status": "done", "percent": 100, "rows_done": 1, "rows_total": 1,
    }  # fmt: skip
    with client.get(f"/reports/exports/{export.id}/file") as response:
        data = response.get_data()  # a file: the server closes it when the response is done
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=completions-2026-03-05.csv"
    )
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0][:3] == ["Employee number", "Name", "Email"]  # the page's language: English
    assert [line[2] for line in lines[1:]] == ["bo@vik.test"]
    [event] = db.session.scalars(exported).all()
    assert (event.actor_id, event.details) == (
        hr.id,
        {"report": "completions", "format": "csv", "rows": 1, "filters": {"overdue_only": "True"}},
    )
    assert "download (1 row)" in client.get("/reports").text  # listed for a week
    xlsx = client.post("/reports/completions", data={"format": "xlsx"}).headers["Location"]
    with client.get(f"{xlsx}/file") as workbook:
        assert workbook.get_data()[:2] == b"PK"  # a zip, as XLSX is
    # another HR person of the organisation does not see it
    client.post("/logout")
    login(make_user(org, email="hr2@vik.test", roles=[Role.HR], locale="en"))
    for path in ("", "/status", "/file"):
        assert client.get(f"/reports/exports/{export.id}{path}").status_code == 404
    assert "download (1 row)" not in client.get("/reports").text
    client.post("/logout")
    login(people[1]["ase"])
    assert client.get("/reports").status_code == 403
    assert client.post("/reports/completions", data={"format": "csv"}).status_code == 403
    assert client.get(f"/reports/exports/{export.id}/file").status_code == 403
