"""Reports made by the job queue: progress, a lease that lets a stalled export run again, a
restart of the web process that loses nothing, and the week they are kept. And the dashboard's
snapshot for large organisations."""

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.db import db, utcnow
from app.jobs import huey, start_background_consumer
from app.orgs.models import AuditEvent, Role
from app.reporting import exports, formats
from app.reporting.completions import CompletionFilters, CompletionReport
from app.reporting.dashboard import current_dashboard, dashboard, refresh_snapshots
from app.reporting.exports import export_path, make_export, request_export, sweep_exports
from app.reporting.models import DashboardSnapshot, ExportStatus, ReportExport
from tests.conftest import make_app
from tests.factories import PASSWORD, make_org, make_user
from tests.helpers import count_queries, running, wait_for
from tests.reporting.test_completions import people  # noqa: F401  (a fixture)
from tests.reporting.test_dashboard import fail_quiz


@pytest.fixture
def hr(people):  # noqa: F811
    org, _who = people
    return make_user(org, email="hr@vik.test", roles=[Role.HR], locale="en")


def queued(hr, format_id="csv"):  # type: ignore[no-untyped-def]
    """An export recorded but not handed to the queue (as if the enqueue were lost)."""
    export = ReportExport(org_id=hr.org_id, user_id=hr.id, format=format_id, locale="en",
                          filters={"overdue_only": False})  # fmt: skip
    db.session.add(export)
    db.session.commit()
    return export


def test_the_job_tells_the_row_how_far_it_has_come(people, hr, monkeypatch):  # noqa: F811
    monkeypatch.setattr(formats, "BATCH", 1)  # told after every row
    seen: list[int] = []
    real = exports._progress

    def progress(export_id: int, rows: int) -> None:
        real(export_id, rows)
        with db.engine.connect() as other:  # what the page reads meanwhile, committed
            seen.append(other.scalar(select(ReportExport.rows_done).where(
                ReportExport.id == export_id)))  # fmt: skip

    monkeypatch.setattr(exports, "_progress", progress)
    for format_id in ("jsonl", "xlsx", "csv"):
        export = queued(hr, format_id)
        seen.clear()
        assert make_export(export.id) is True
        db.session.refresh(export)
        # Vik's four people and HR
        assert (export.status, export.rows_total, export.rows_done) == (ExportStatus.DONE, 5, 5)
        assert seen == [1, 2, 3, 4, 5], format_id  # the header line is not a row
        assert export_path(export).exists()
    assert make_export(export.id) is False  # done: never written twice


def test_a_stalled_export_runs_again_and_a_lost_one_is_queued_again(people, hr):  # noqa: F811
    now = utcnow()
    lost = queued(hr)
    lost.created_at = now - timedelta(minutes=3)
    fresh = queued(hr)  # its enqueue may still come
    stalled = queued(hr)
    stalled.status, stalled.updated_at = ExportStatus.RUNNING, now - timedelta(minutes=11)
    busy = queued(hr)
    busy.status, busy.updated_at = ExportStatus.RUNNING, now - timedelta(minutes=9)
    db.session.commit()
    assert make_export(busy.id) is False  # another worker holds its lease
    assert sweep_exports(now) == [lost.id, stalled.id]  # and jobs run at once in tests
    db.session.expire_all()
    statuses = {e.id: e.status for e in db.session.scalars(select(ReportExport))}
    assert statuses == {lost.id: ExportStatus.DONE, fresh.id: ExportStatus.QUEUED,
                        stalled.id: ExportStatus.DONE, busy.id: ExportStatus.RUNNING}  # fmt: skip


def test_exports_are_deleted_with_their_files_after_a_week(people, hr):  # noqa: F811
    old, new = queued(hr), queued(hr)
    make_export(old.id)
    make_export(new.id)
    old_file = export_path(old)
    old.created_at = utcnow() - timedelta(days=7, minutes=1)
    db.session.commit()
    assert sweep_exports(utcnow()) == []
    assert not old_file.exists() and export_path(new).exists()
    assert db.session.scalars(select(ReportExport.id)).all() == [new.id]
    # the audit log keeps both
    exported = select(func.count()).where(AuditEvent.action == "report_exported")
    assert db.session.scalar(exported) == 2


def test_a_failing_export_is_marked_failed_and_the_page_says_so(people, hr, client, login):  # noqa: F811
    export = queued(hr, "pdf")  # no such writer: the job fails
    assert make_export(export.id) is True
    db.session.refresh(export)
    assert export.status == ExportStatus.FAILED
    assert not export_path(export).exists()
    login(hr)
    page = client.get(f"/reports/exports/{export.id}").text
    assert "The report could not be made." in page
    assert client.get(f"/reports/exports/{export.id}/file").status_code == 404


def test_an_export_asked_for_survives_a_restart_of_the_web_process(database, tmp_path, monkeypatch):
    monkeypatch.setenv("LEDA_INSTANCE_PATH", str(tmp_path / "instance"))
    config = {"LEDA_HUEY_IMMEDIATE": False, "WTF_CSRF_ENABLED": False}
    with running(make_app(database, **config)) as web:
        hr = make_user(make_org(), email="hr@vik.test", roles=[Role.HR], locale="en")
        db.session.commit()
        client = web.test_client()
        client.post("/login", data={"email": hr.email, "password": PASSWORD})
        asked = client.post("/reports/completions", data={"format": "csv"})
        assert asked.status_code == 303
        page = client.get(asked.headers["Location"]).text
        assert "Waiting for its turn" in page and 'data-status-url="' in page
        assert huey.pending_count() == 1
    # a new web process and a worker: the export was waiting in the queue's own storage
    with running(make_app(database, **config)):
        consumer = start_background_consumer()
        try:
            export = wait_for(lambda: db.session.scalar(
                select(ReportExport).where(ReportExport.status == ExportStatus.DONE)
                .execution_options(populate_existing=True)))  # fmt: skip
        finally:
            consumer.stop(graceful=True)
        assert export_path(export).read_bytes().startswith("\ufeff".encode())


def test_a_large_organisation_sees_the_snapshot_until_it_is_worked_out_again(
    people,  # noqa: F811
    hr,
    client,
    login,  # noqa: F811
):
    org, who = people
    current_app.config["LEDA_DASHBOARD_LIVE_PEOPLE"] = 4  # Vik has five people: large here
    login(hr)
    live = client.get("/reports").text
    assert "Figures as of" not in live  # no snapshot yet: counted now
    assert refresh_snapshots(utcnow()) == 1  # Vik's; Dal (one person) is counted live
    board, as_of = current_dashboard(org, utcnow())
    assert board == dashboard(org, utcnow()) and as_of is not None
    fail_quiz(who["cato"])
    db.session.commit()
    page = client.get("/reports").text
    assert "Figures as of" in page and "No quiz has been answered wrong yet." in page
    # the snapshot's page: the user, the snapshot, the user's exports, the form's assignments
    # and units
    assert count_queries(lambda: client.get("/reports")) == 5
    refreshed = client.post("/reports/refresh")
    assert refreshed.status_code == 303
    page = client.get("/reports").text
    assert "The figures are being worked out again." in page
    assert "No quiz has been answered wrong yet." not in page  # Cato's answers are counted
    # an organisation that shrinks below the limit is counted live again
    current_app.config["LEDA_DASHBOARD_LIVE_PEOPLE"] = 5000
    assert refresh_snapshots(utcnow()) == 0
    assert db.session.scalar(select(func.count()).select_from(DashboardSnapshot)) == 0
    assert "Figures as of" not in client.get("/reports").text


def test_the_report_counts_the_rows_it_will_write(people):  # noqa: F811
    org, _who = people
    assert CompletionReport(org, CompletionFilters(), utcnow()).count() == 4
    assert CompletionReport(org, CompletionFilters(overdue_only=True), utcnow()).count() == 1


def test_requesting_an_export_queues_it_only_when_the_transaction_commits(people, hr):  # noqa: F811
    org, _who = people
    request_export(org, hr, CompletionFilters(), "csv", "en", None)
    db.session.rollback()
    assert db.session.scalars(select(ReportExport)).all() == []


def test_the_command_stores_the_snapshots_of_large_organisations(people, runner):  # noqa: F811
    current_app.config["LEDA_DASHBOARD_LIVE_PEOPLE"] = 3  # Vik has four people: large here
    assert (
        runner.invoke(args=["report", "dashboards"]).output == "Stored 1 dashboard snapshot(s).\n"
    )
    result = runner.invoke(args=["report", "dashboards", "--org", "dal"])
    assert result.output == "Stored 0 dashboard snapshot(s).\n"
    assert db.session.scalar(select(func.count()).select_from(DashboardSnapshot)) == 1
    result = runner.invoke(args=["report", "dashboards", "--org", "nope"])
    assert result.exit_code == 1 and "nope" in result.output
