"""`leda backup` and `leda restore` on a municipality's worth of data, timed and checked.

    python benchmarks/backup_restore.py [--people 5000] [--database postgresql://…/leda_bench]

With no --database it uses a fresh SQLite file; a PostgreSQL database given is emptied first.
It migrates, imports the people with `leda users import`, gives each of them progress on
twelve lessons and four reflections, then runs the real `leda backup`, empties the progress
tables, runs `leda restore --yes` and compares every row of every table with what was there
before. Exits 1 if any differs.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from onboard_users import excel_csv

LEDA = str(Path(sys.executable).with_name("leda"))
MODULES = ["relasjoner", "samtaler", "endring", "egen-omsorg"]


def run(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([LEDA, *args], env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout


def every_row(engine: sa.Engine) -> dict[str, list[tuple]]:
    tables = sa.MetaData()
    tables.reflect(engine)
    with engine.connect() as connection:
        return {
            name: connection.execute(
                sa.select(table).order_by(*(table.primary_key.columns or table.columns))
            ).all()
            for name, table in tables.tables.items()
        }


def add_progress(engine: sa.Engine) -> None:
    tables = sa.MetaData()
    tables.reflect(engine, only=["user_account", "lesson_progress", "reflection"])
    start = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)
    with engine.begin() as connection:
        people = connection.execute(sa.select(tables.tables["user_account"].c["id", "org_id"]))
        progress, reflections = [], []
        for user_id, org_id in people:
            for m, module in enumerate(MODULES):
                for lesson in range(3):
                    seen = start + timedelta(days=m, minutes=user_id % 600 + lesson)
                    progress.append({"org_id": org_id, "user_id": user_id, "module_id": module,
                                     "module_version": 1, "lesson_id": f"l{lesson}",
                                     "viewed_at": seen, "completed_at": seen + timedelta(minutes=4),
                                     "time_spent": 240})  # fmt: skip
                reflections.append({"org_id": org_id, "user_id": user_id, "module_id": module,
                                    "lesson_id": "l2", "module_version": 1,
                                    "text": f"Neste uke vil jeg spørre teamet mitt {user_id} " * 6,
                                    "updated_at": start})  # fmt: skip
        connection.execute(sa.insert(tables.tables["lesson_progress"]), progress)
        connection.execute(sa.insert(tables.tables["reflection"]), reflections)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--database")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="leda-backup-"))
    url = options.database or f"sqlite:///{work / 'leda.sqlite'}"
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    if url.startswith("postgresql"):
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    env = {**os.environ, "DATABASE_URL": url, "LEDA_INSTANCE_PATH": str(work)}
    env.pop("REDIS_URL", None)
    run(env, "db", "upgrade")
    run(env, "org", "create", "vik", "--name", "Vik kommune")
    (work / "people.csv").write_bytes(excel_csv(options.people))
    run(env, "users", "import", str(work / "people.csv"), "--org", "vik")
    add_progress(engine)
    before = every_row(engine)
    print(f"{sum(map(len, before.values()))} rows in {len(before)} tables")

    backup_file = work / "leda.backup"
    seconds, out = run(env, "backup", "--out", str(backup_file))
    print(out.strip())
    print(f"leda backup: {seconds:.1f} s, {backup_file.stat().st_size / 1e6:.1f} MB")
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM reflection"))
        connection.execute(sa.text("DELETE FROM lesson_progress"))
    seconds, out = run(env, "restore", str(backup_file), "--yes")
    print(out.strip())
    print(f"leda restore: {seconds:.1f} s")
    after = every_row(engine)
    engine.dispose()
    differ = [name for name in before if before[name] != after.get(name)]
    if differ or set(after) != set(before):
        print(f"rows differ after the restore in: {', '.join(differ) or 'the set of tables'}")
        return 1
    print("every row of every table is back")
    return 0


if __name__ == "__main__":
    sys.exit(main())
