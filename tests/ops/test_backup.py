"""`leda backup` and `leda restore`: every row of every table comes back, on SQLite and
PostgreSQL; anything that is not a backup of this database is refused with nothing changed."""

import re
import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import delete, func, insert, select, text, update

from app.db import UTCDateTime, db
from app.demo import load_demo
from app.ops.backup import libpq_connection
from app.orgs.models import Organisation, User
from tests.conftest import PG_URL
from tests.factories import make_org, make_user

# A value per column type for tables the demo leaves empty: letters beyond ASCII, microseconds,
# bytes that are not text, nested JSON with a null, a float that is not exact in binary.
SAMPLES: dict[type, object] = {
    sa.Integer: 7,
    sa.Text: "Linje én\nrad två\t«sitat» 😀",  # before String, of which Text is a kind
    sa.String: "Ærlig talt – søknad",
    UTCDateTime: datetime(2026, 3, 2, 8, 15, 30, 123456, tzinfo=UTC),
    sa.Boolean: True,
    sa.Date: date(2026, 2, 28),
    sa.Double: 0.1,
    sa.LargeBinary: b"\x00\xff\x10binary",
    sa.JSON: {"ø": [1, None, "å"], "n": 2.5},
}
# Where a check constraint ties columns together: a practice check question has run 0.
OVERRIDES = {("practice_answer", "run"): 0}


def fill_empty_tables() -> None:
    """One row in each table the demo leaves empty; a foreign key points at an existing row."""
    for table in db.metadata.sorted_tables:
        if db.session.scalar(select(func.count()).select_from(table)):
            continue
        row = {}
        for column in table.columns:
            if (table.name, column.name) in OVERRIDES:
                row[column.name] = OVERRIDES[table.name, column.name]
            elif column.foreign_keys:
                (key,) = column.foreign_keys
                row[column.name] = db.session.scalar(select(key.column).limit(1))
            elif column.primary_key and isinstance(column.type, sa.Integer):
                continue  # the database numbers it
            elif isinstance(column.type, sa.Enum):
                row[column.name] = column.type.enums[0]
            else:
                value = next(v for kind, v in SAMPLES.items() if isinstance(column.type, kind))
                length = getattr(column.type, "length", None)
                row[column.name] = value[:length] if isinstance(value, str) and length else value
        db.session.execute(insert(table).values(row))
    db.session.commit()


def every_row() -> dict[str, list[tuple]]:
    """Each table's rows, in primary key order, plus the migration the database is at."""
    rows = {
        table.name: [
            tuple(row)
            for row in db.session.execute(select(table).order_by(*table.primary_key.columns))
        ]
        for table in db.metadata.sorted_tables
    }
    rows["alembic_version"] = [
        tuple(row) for row in db.session.execute(text("SELECT version_num FROM alembic_version"))
    ]
    db.session.commit()
    return rows


def kind_name() -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[db.engine.dialect.name]


def described() -> str:
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        return f"the SQLite database {url.database}"
    return f"the PostgreSQL database {url.database} on {url.host}:{url.port or 5432}"


def size(path: Path) -> str:
    bytes_ = path.stat().st_size
    return f"{bytes_ / 1_000_000:.1f} MB" if bytes_ >= 100_000 else f"{bytes_ / 1000:.1f} kB"


def current_revision() -> str:
    revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    db.session.commit()
    return revision


@pytest.fixture
def demo(app):
    """The demo organisation, and a row in each table it leaves empty."""
    load_demo()
    db.session.commit()
    fill_empty_tables()
    return every_row()


@pytest.fixture
def filled(app):
    """A row in every table, quicker than the demo (which hashes eight passwords)."""
    make_user(make_org())
    fill_empty_tables()
    return every_row()


def test_restore_gives_back_every_row_of_every_table(app, runner, demo, tmp_path):
    assert [name for name, rows in demo.items() if not rows] == []
    revision = current_revision()
    out = tmp_path / "nightly" / "leda.backup"

    made = runner.invoke(args=["backup", "--out", str(out)])

    assert made.exit_code == 0, made.output
    assert re.fullmatch(
        re.escape(f"Backed up {described()} at migration {revision} to {out} ({size(out)}) in ")
        + r"\d+\.\d s\.\n",
        made.output,
    )
    assert out.stat().st_mode & 0o777 == 0o600
    assert list(out.parent.iterdir()) == [out]  # no temporary file left beside it

    # Change, delete and add rows, and a table a later migration might make.
    db.session.execute(update(User).values(given_name="Endret"))
    db.session.execute(delete(Organisation).where(Organisation.slug == "demo"))
    make_user(make_org(slug="ny", name="Ny kommune"), email="ny@ny.test")
    db.session.execute(text("CREATE TABLE made_later (id INTEGER PRIMARY KEY)"))
    db.session.commit()
    assert every_row() != demo

    restored = runner.invoke(args=["restore", str(out), "--yes"])

    assert restored.exit_code == 0, restored.output
    assert re.fullmatch(
        re.escape(f"Restored {out} into {described()} in ") + r"\d+\.\d s; it is at migration "
        f"{re.escape(revision)}\\.\n",
        restored.output,
    )
    after = every_row()
    for name, rows in demo.items():
        assert after[name] == rows, name
    assert after == demo
    assert "made_later" not in sa.inspect(db.engine).get_table_names()
    # The sequences came back too: the next person gets the next id, not one already taken.
    highest = max(row[0] for row in demo["user_account"])
    assert make_user(db.session.get(Organisation, demo["organisation"][0][0])).id == highest + 1


def test_a_backup_is_made_beside_a_write_in_progress_and_leaves_it_out(
    app, runner, filled, tmp_path
):
    """As while the app runs: another connection is in the middle of a write transaction."""
    out = tmp_path / "leda.backup"
    with db.engine.connect() as other:
        other.execute(
            insert(Organisation).values(slug="halfway", name="Halvveis", default_locale="nb")
        )

        made = runner.invoke(args=["backup", "--out", str(out)])

        other.commit()
    assert made.exit_code == 0, made.output
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 2
    db.session.commit()

    assert runner.invoke(args=["restore", str(out), "--yes"]).exit_code == 0
    assert every_row() == filled


def test_restore_asks_first_and_no_changes_nothing(app, runner, filled, tmp_path):
    out = tmp_path / "leda.backup"
    assert runner.invoke(args=["backup", "--out", str(out)]).exit_code == 0
    db.session.execute(delete(Organisation))
    db.session.commit()
    emptied = every_row()

    answered = runner.invoke(args=["restore", str(out)], input="n\n")

    assert answered.exit_code == 1
    assert answered.output == (
        f"Replace everything in {described()} with {out}"
        f" (migration {current_revision()}, {size(out)})? [y/N]: n\nAborted!\n"
    )
    assert every_row() == emptied

    assert runner.invoke(args=["restore", str(out)], input="y\n").exit_code == 0
    assert every_row() == filled


def test_a_backup_replaces_an_earlier_file_only_once_complete(app, runner, filled, tmp_path):
    out = tmp_path / "leda.backup"
    out.write_bytes(b"yesterday")
    out.chmod(0o644)

    assert runner.invoke(args=["backup", "--out", str(out)]).exit_code == 0

    assert out.read_bytes()[:5] in (b"SQLit", b"PGDMP")
    assert out.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("missing.backup", None, ": no such file."),
        ("folder", "folder", " is not a file."),
        ("empty.backup", b"", " is not a Leda backup: neither a SQLite database nor a pg_dump"),
        ("notes.txt", b"SQLite is nice\n", " is not a Leda backup: neither a SQLite database"),
    ],
)
def test_restore_refuses_what_is_not_a_backup(
    app, runner, filled, tmp_path, name, content, problem
):
    path = tmp_path / name
    if content == "folder":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)

    result = runner.invoke(args=["restore", str(path), "--yes"])

    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}{problem}")
    assert "Traceback" not in result.output
    assert every_row() == filled


def test_restore_refuses_the_other_kind_of_backup(app, runner, filled, tmp_path, sqlite_template):
    other = tmp_path / "other.backup"
    if db.engine.dialect.name == "sqlite":
        # What `pg_dump --format=custom` writes first; the kind is told by these bytes alone.
        other.write_bytes(b"PGDMP\x01\x0f\x00" + bytes(64))
        expected = "a PostgreSQL backup, and this database is SQLite: restore it into a PostgreSQL"
    else:
        shutil.copy(sqlite_template, other)
        expected = "a SQLite backup, and this database is PostgreSQL: restore it into a SQLite"

    result = runner.invoke(args=["restore", str(other), "--yes"])

    assert (result.exit_code, result.output) == (1, f"Error: {other} is {expected} database.\n")
    assert every_row() == filled


def test_restore_refuses_a_backup_from_a_newer_leda(app, runner, filled, tmp_path):
    out = tmp_path / "leda.backup"
    revision = current_revision()
    db.session.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    db.session.commit()
    assert runner.invoke(args=["backup", "--out", str(out)]).exit_code == 0
    db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
    db.session.commit()

    result = runner.invoke(args=["restore", str(out), "--yes"])

    assert (result.exit_code, result.output) == (
        1,
        f"Error: {out} was made at migration 0099_from_the_future, which this version of Leda"
        " does not know: restore it with the version that made it.\n",
    )
    assert every_row() == filled


def test_restoring_an_older_backup_says_to_upgrade(app, runner, tmp_path):
    out = tmp_path / "leda.backup"
    revision = current_revision()
    db.session.execute(text("UPDATE alembic_version SET version_num = '0016_report_jobs'"))
    db.session.commit()
    assert runner.invoke(args=["backup", "--out", str(out)]).exit_code == 0
    db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
    db.session.commit()

    try:
        result = runner.invoke(args=["restore", str(out), "--yes"])
        restored_at = current_revision()
    finally:  # PostgreSQL's test database lives on, and its fixture empties only the tables
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
        db.session.commit()

    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "it is at migration 0016_report_jobs.\n"
        "This code needs a newer one: run `leda db upgrade`.\n"
    )
    assert restored_at == "0016_report_jobs"


def test_a_damaged_backup_is_refused_or_rolled_back(app, runner, filled, tmp_path):
    """Its last 20 bytes cut off. SQLite's check refuses it before anything is touched;
    pg_restore has written nearly all of the restore when it fails, in the last table's data,
    and the one transaction leaves the database as it was."""
    out = tmp_path / "leda.backup"
    assert runner.invoke(args=["backup", "--out", str(out)]).exit_code == 0
    whole = out.read_bytes()
    out.write_bytes(whole[:-20])

    result = runner.invoke(args=["restore", str(out), "--yes"])

    if db.engine.dialect.name == "sqlite":
        expected = (
            f"Error: {out} is a damaged SQLite database: cut short"
            f" ({len(whole) - 20} bytes of {len(whole)})."
        )
    else:
        expected = (
            "Error: The restore failed and changed nothing:"
            " pg_restore: error: could not read from input file: end of file"
        )
    assert (result.exit_code, result.output) == (1, expected + "\n")
    assert every_row() == filled


def test_a_sqlite_file_that_is_not_leda_is_refused(tmp_path):
    from tests.conftest import make_app

    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()
    application = make_app(f"sqlite:///{tmp_path / 'leda.sqlite'}")

    result = application.test_cli_runner().invoke(args=["restore", str(other), "--yes"])

    assert (result.exit_code, result.output) == (
        1,
        f"Error: {other} is a SQLite database but not Leda's: it has no alembic_version table.\n",
    )


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)  # only SQLite's is a file
def test_a_backup_is_not_written_over_the_database_itself(app, runner, database):
    path = Path(db.engine.url.database)

    result = runner.invoke(args=["backup", "--out", str(path)])

    assert (result.exit_code, result.output) == (
        1,
        f"Error: {path} is the database itself: write the backup elsewhere.\n",
    )


def test_the_password_reaches_the_postgresql_tools_in_the_environment_only():
    conninfo, env = libpq_connection(
        "postgresql+psycopg://leda:s3cret%2Fx@db.vik.internal:5433/leda?sslmode=verify-full"
    )

    assert conninfo == "postgresql://leda@db.vik.internal:5433/leda?sslmode=verify-full"
    assert env["PGPASSWORD"] == "s3cret/x"


@pytest.mark.skipif(not PG_URL, reason="LEDA_TEST_DATABASE_URL is not set")
def test_a_real_pg_dump_archive_is_refused_for_sqlite_pg(pg_database, tmp_path):
    """The same refusal as above, with an archive pg_dump really wrote."""
    from tests.conftest import make_app

    archive = tmp_path / "pg.backup"
    with make_app(pg_database).app_context() as context:
        made = context.app.test_cli_runner().invoke(args=["backup", "--out", str(archive)])
        assert made.exit_code == 0, made.output
        db.engine.dispose()
    application = make_app(f"sqlite:///{tmp_path / 'leda.sqlite'}")

    result = application.test_cli_runner().invoke(args=["restore", str(archive), "--yes"])

    assert (result.exit_code, result.output) == (
        1,
        f"Error: {archive} is a PostgreSQL backup, and this database is SQLite: restore it into"
        " a PostgreSQL database.\n",
    )


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="PostgreSQL's client tools are missing")
def test_a_backup_of_a_server_that_does_not_answer_fails_and_leaves_no_file(tmp_path):
    from tests.conftest import make_app

    out = tmp_path / "leda.backup"
    application = make_app("postgresql+psycopg://leda:s3cret@127.0.0.1:9/leda")

    result = application.test_cli_runner().invoke(args=["backup", "--out", str(out)])

    assert result.exit_code == 1
    assert result.output == (
        'Error: pg_dump failed: pg_dump: error: connection to server at "127.0.0.1", port 9'
        " failed: Connection refused\n"
    )
    assert "s3cret" not in result.output
    assert list(tmp_path.iterdir()) == []


# SQLite only: PostgreSQL's lock wait is a minute; SQLite's is five seconds.
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_sqlite_restore_waits_for_a_writer_then_changes_nothing(app, runner, filled, tmp_path):
    out = tmp_path / "leda.backup"
    assert runner.invoke(args=["backup", "--out", str(out)]).exit_code == 0
    db.session.execute(delete(Organisation))
    db.session.commit()
    emptied = every_row()
    with sqlite3.connect(db.engine.url.database) as writer:
        writer.execute("BEGIN IMMEDIATE")

        result = runner.invoke(args=["restore", str(out), "--yes"])

        writer.rollback()
    writer.close()
    assert (result.exit_code, result.output) == (
        1,
        "Error: The restore failed and changed nothing: database is locked\n",
    )
    assert every_row() == emptied
