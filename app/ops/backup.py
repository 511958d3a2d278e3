"""Backup and restore of the database, as plain functions: `leda backup` and `leda restore`.

SQLite is copied page by page through its online backup API, which reads one consistent
snapshot while the app goes on writing, and writes back the same way: a restore replaces the
whole file's content in one transaction. PostgreSQL goes through its own tools: ``pg_dump`` in
the custom format, and ``pg_restore`` fed to ``psql`` as one transaction, so a restore that
fails halfway changes nothing. Passwords reach those tools in the environment, never in argv.

A backup holds everything in the database, personal data included: its file is 0600, and
where it is kept decides who can read it.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, make_url

from app.errors import LedaError
from app.files import private_replacement

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"  # the custom format's first bytes (pg_backup_archiver.c)


class Kind(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


NAMES = {Kind.SQLITE: "SQLite", Kind.POSTGRESQL: "PostgreSQL"}


class BackupRefused(LedaError):
    """A backup or restore that cannot be done; nothing was changed. For operators, in English."""


@dataclass(frozen=True)
class Backup:
    """A backup file, checked: what it holds and the migration its database was at."""

    path: Path
    kind: Kind
    revision: str
    size: int


def database_kind(url: str) -> Kind:
    backend = make_url(url).get_backend_name()
    if backend not in tuple(Kind):
        raise BackupRefused(
            f"Cannot back up a {backend} database: Leda runs on SQLite or PostgreSQL."
        )
    return Kind(backend)


def backup(url: str, out: Path) -> Backup:
    """Write a backup of the database at ``url`` to ``out``, replacing it only once complete.

    Safe while the app runs: it reads one consistent snapshot and blocks no writer for long.
    Raises BackupRefused (the database cannot be read, the tool is missing); a failure leaves
    any earlier file at ``out`` as it was.
    """
    kind = database_kind(url)
    if out.is_dir():
        raise BackupRefused(f"{out} is a folder: name the backup file to write.")
    if kind == Kind.SQLITE:
        source = _sqlite_path(url)
        if out.exists() and out.resolve() == source.resolve():
            raise BackupRefused(f"{out} is the database itself: write the backup elsewhere.")
        with private_replacement(out) as tmp:
            _sqlite_backup(source, tmp)
    else:
        conninfo, env = libpq_connection(url)
        with private_replacement(out) as tmp:
            # A migration's exclusive lock makes pg_dump fail after a minute instead of hang.
            dump = ["pg_dump", "--format=custom", "--lock-wait-timeout=60s", f"--file={tmp}"]
            _run([*dump, f"--dbname={conninfo}"], env)
    return inspect_backup(out)


def inspect_backup(path: Path) -> Backup:
    """What ``path`` holds: a SQLite database or a pg_dump archive of Leda, and its migration.

    Raises BackupRefused for a missing file, anything else (garbage, an empty file, a damaged
    database) and a database that is not Leda's (no ``alembic_version``).
    """
    kind = backup_kind(path)
    revision = _sqlite_revision(path) if kind == Kind.SQLITE else _pg_dump_revision(path)
    return Backup(path, kind, revision, path.stat().st_size)


def backup_kind(path: Path) -> Kind:
    """The kind of backup ``path`` is, by its first bytes alone."""
    if not path.exists():
        raise BackupRefused(f"{path}: no such file.")
    if not path.is_file():
        raise BackupRefused(f"{path} is not a file.")
    with path.open("rb") as stream:
        head = stream.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return Kind.SQLITE
    if head.startswith(PG_DUMP_MAGIC):
        return Kind.POSTGRESQL
    raise BackupRefused(
        f"{path} is not a Leda backup: neither a SQLite database nor a pg_dump archive"
        " in the custom format."
    )


def check_restorable(url: str, path: Path, revisions: set[str]) -> Backup:
    """The backup at ``path`` if it can replace the database at ``url``: of the same kind, whole,
    Leda's, and at a migration among ``revisions`` (a backup made by a newer Leda is refused).
    Changes nothing; raises BackupRefused saying why not."""
    kind, found = database_kind(url), backup_kind(path)
    if found != kind:
        raise BackupRefused(
            f"{path} is a {NAMES[found]} backup, and this database is"
            f" {NAMES[kind]}: restore it into a {NAMES[found]} database."
        )
    checked = inspect_backup(path)
    if checked.revision not in revisions:
        raise BackupRefused(
            f"{path} was made at migration {checked.revision}, which this version of Leda"
            " does not know: restore it with the version that made it."
        )
    return checked


def restore(url: str, found: Backup) -> None:
    """Replace everything in the database at ``url`` with the backup, in one transaction.

    Tables the backup does not hold (made by a later migration) are dropped too, so the
    database is exactly the backup's, at its migration; `leda db upgrade` brings it forward.
    Callers check first (``check_restorable``) and close their own connections, whose
    transactions would otherwise hold the locks the restore waits for.
    """
    if found.kind == Kind.SQLITE:
        _sqlite_restore(found.path, _sqlite_path(url))
        return
    _pg_restore(url, found.path)


def _pg_restore(url: str, path: Path) -> None:
    """pg_restore's statements run by psql inside our own transaction, after DROP_EVERYTHING.
    COMMIT is sent only once pg_restore has finished well: if it stops partway (a damaged
    archive), psql reaches the end of its input with the transaction open, and PostgreSQL rolls
    it back when psql disconnects. (psql's --single-transaction would commit whatever it got.)"""
    conninfo, env = libpq_connection(url)
    restore = _tool(["pg_restore", "--clean", "--if-exists", "--no-owner", "--file=-", str(path)])
    psql = _tool(["psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--file=-"])
    with tempfile.TemporaryFile() as psql_errors, tempfile.TemporaryFile() as restore_errors:
        applying = subprocess.Popen(
            [*psql, f"--dbname={conninfo}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=env,
        )
        assert applying.stdin is not None
        written = False
        try:
            with applying.stdin:
                applying.stdin.write(DROP_EVERYTHING.encode())
                applying.stdin.flush()
                run = subprocess.run(restore, stdout=applying.stdin, stderr=restore_errors, env=env)
                if run.returncode == 0:
                    applying.stdin.write(b"COMMIT;\n")
                    written = True
        except BrokenPipeError:  # psql stopped at an error, and says which
            written = False
        if applying.wait() or not written:
            failed = psql_errors if applying.returncode else restore_errors
            failed.seek(0)
            raise BackupRefused(
                f"The restore failed and changed nothing: {_complaint(failed.read())}"
            )


# Before the archive's own statements, in the same transaction: drop every table and sequence
# in the schema the app uses, so none the backup lacks survives. A wait for locks (a
# transaction left open elsewhere) ends in an error rather than hanging.
DROP_EVERYTHING = """\
BEGIN;
SET client_min_messages = warning;
SET lock_timeout = '60s';
DO $$
DECLARE
  name text;
BEGIN
  FOR name IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', name);
  END LOOP;
  FOR name IN SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS %I CASCADE', name);
  END LOOP;
END
$$;
"""


def describe(url: str) -> str:
    """The database for a question or a message: its file, or its name and server; no password."""
    if database_kind(url) == Kind.SQLITE:
        return f"the SQLite database {_sqlite_path(url)}"
    parsed = make_url(url)
    server = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    return f"the PostgreSQL database {parsed.database} on {server}"


def code_revisions(migrations: Path) -> set[str]:
    """Every migration this code ships, old and new: a backup at any of them can be restored."""
    return {script.revision for script in ScriptDirectory(str(migrations)).walk_revisions()}


def libpq_connection(url: str) -> tuple[str, dict[str, str]]:
    """The app's SQLAlchemy URL as a libpq connection URI for pg_dump, pg_restore and psql,
    and their environment: the password goes in PGPASSWORD, never on a command line that
    every user of the host can read in ``ps``."""
    parsed = make_url(url)
    query = dict(parsed.query)
    password = parsed.password or query.pop("password", None)
    plain = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=query,
    )
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    return plain.render_as_string(hide_password=False), env


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if database in (None, "", ":memory:"):
        raise BackupRefused("The database lives in memory: there is no file to back up or restore.")
    return Path(database)


def _sqlite_backup(source: Path, out: Path) -> None:
    if not source.is_file():
        raise BackupRefused(f"The database file {source} does not exist.")
    with _sqlite(source) as reader, _sqlite(out) as writer:
        try:
            reader.backup(writer, progress=_give_up_when_locked)
        except sqlite3.Error as error:
            raise BackupRefused(f"The backup failed: {error}") from error
        # A copy of a WAL database is in WAL mode too; one self-contained file is easier to keep.
        writer.execute("PRAGMA journal_mode=DELETE")


def _sqlite_restore(backup_file: Path, database: Path) -> None:
    with _sqlite(backup_file, read_only=True) as reader, _sqlite(database) as writer:
        try:
            reader.backup(writer, progress=_give_up_when_locked)
        except sqlite3.Error as error:
            raise BackupRefused(f"The restore failed and changed nothing: {error}") from error


def _give_up_when_locked(status: int, _remaining: int, _total: int) -> None:
    """sqlite3's backup() retries a locked database for ever; each try has already waited the
    connection's timeout, so one is enough. Raising here aborts the copy, changing nothing."""
    if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        raise sqlite3.OperationalError("database is locked")


def _sqlite(path: Path, *, read_only: bool = False) -> closing[sqlite3.Connection]:
    """A connection closed at the end of its block (sqlite3's own ``with`` only ends a
    transaction), waiting for a writer as long as the app does (busy_timeout in app/db.py)."""
    if read_only:
        return closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5))
    return closing(sqlite3.connect(path, timeout=5))


def _sqlite_revision(path: Path) -> str:
    try:
        with _sqlite(path, read_only=True) as connection:
            (pages,) = connection.execute("PRAGMA page_count").fetchone()
            (page_size,) = connection.execute("PRAGMA page_size").fetchone()
            if path.stat().st_size != pages * page_size:  # quick_check misses a cut-off end
                raise BackupRefused(
                    f"{path} is a damaged SQLite database: cut short"
                    f" ({path.stat().st_size} bytes of {pages * page_size})."
                )
            (verdict,) = connection.execute("PRAGMA quick_check").fetchone()
            if verdict != "ok":
                raise BackupRefused(f"{path} is a damaged SQLite database: {verdict}")
            rows = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchall()
            if not rows:
                raise BackupRefused(
                    f"{path} is a SQLite database but not Leda's: it has no alembic_version table."
                )
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error as error:
        raise BackupRefused(f"{path} is a damaged SQLite database: {error}") from error
    return _one_revision(path, [row[0] for row in rows])


def _pg_dump_revision(path: Path) -> str:
    """The migration recorded in the archive, read from its alembic_version data alone. A
    damaged table of contents is refused here; damaged data makes the restore fail, and a
    failed restore changes nothing."""
    listing = _run(_tool(["pg_restore", "--list"]) + [str(path)], dict(os.environ))
    if not re.search(r" TABLE DATA \S+ alembic_version ", listing):
        raise BackupRefused(
            f"{path} is a pg_dump archive but not of Leda's database:"
            " it has no alembic_version table."
        )
    script = _run(
        _tool(["pg_restore", "--data-only", "--table=alembic_version", "--file=-"]) + [str(path)],
        dict(os.environ),
    )
    lines = script.splitlines()
    start = next(i for i, line in enumerate(lines) if COPY_REVISION.match(line))
    end = lines.index("\\.", start)
    return _one_revision(path, lines[start + 1 : end])


COPY_REVISION = re.compile(r"COPY \S*alembic_version \(version_num\) FROM stdin;")


def _one_revision(path: Path, revisions: list[str]) -> str:
    if len(revisions) != 1:
        raise BackupRefused(
            f"{path} records {len(revisions)} migrations instead of one: it is not a usable backup."
        )
    return revisions[0]


def _tool(argv: list[str]) -> list[str]:
    if shutil.which(argv[0]) is None:
        raise BackupRefused(
            f"{argv[0]} is not installed: install PostgreSQL's client tools"
            " (apt-get install postgresql-client), of the server's major version or newer."
        )
    return argv


def _run(argv: list[str], env: dict[str, str]) -> str:
    """Run a PostgreSQL tool; its output, or BackupRefused with the last line it complained."""
    done = subprocess.run(_tool(argv), env=env, capture_output=True, check=False)
    if done.returncode:
        raise BackupRefused(f"{argv[0]} failed: {_complaint(done.stderr)}")
    return done.stdout.decode()


def _complaint(stderr: bytes) -> str:
    """What a PostgreSQL tool said went wrong: its first error line (hints and context follow)."""
    lines = [line.strip() for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    errors = [line for line in lines if "error:" in line.lower()]
    return (errors or lines or ["no message"])[0]
