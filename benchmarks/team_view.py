"""The manager's team view for a leader of 2,000 people, timed as a browser would fetch it.

    python benchmarks/team_view.py [--people 2000] [--runs 20] [--database postgresql://…/leda_bench]

With no --database it uses a fresh SQLite file; a PostgreSQL database given is emptied first.
It builds one organisation with the course's four modules: a director with ten heads of
section, ten team leaders under each and the rest of the people spread under those team leaders
(three levels of reports), everyone assigned all four modules, each person somewhere else in
them (not started, reading, lessons done but the quiz failed, passed with a score), some past
their due date and a few nudged; then ANALYZE, as a database in use has its statistics. Then
the director logs in and the script times, warm, the median of --runs requests of /team (all
2,000 read and sorted, the first 50 rows shown), the same with a filter, and /team.csv (all
2,000 rows), each with its number of SQL statements.
The load average is printed beside them: on a shared machine it explains slow figures.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "a long benchmark passphrase"


def build(people: int) -> None:
    """The organisation, its people and their progress, written in bulk."""
    from app.auth.services import hash_password
    from app.content import current_course
    from app.db import db, insert_missing
    from app.learning.models import CompletionStatus, Registration, SuccessStatus
    from app.onboarding.models import AssignedModule, Nudge, NudgeReason, Target
    from app.onboarding.services import assign
    from app.orgs import services as orgs
    from app.orgs.models import Role, User, UserRole

    now = datetime.now(UTC)
    org = orgs.create_organisation("vik", "Vik kommune")
    top = orgs.ensure_unit_path(org.id, ("Helse og omsorg",), None)
    units = [
        orgs.ensure_unit_path(org.id, ("Helse og omsorg", f"Enhet {i}"), None) for i in range(10)
    ]
    director = User(
        org_id=org.id,
        email="direktor@vik.kommune.no",
        given_name="Dina",
        family_name="Direktør",
        unit_id=top.id,
        locale="nb",
        created_at=now,
        password_hash=hash_password(PASSWORD),
    )
    db.session.add(director)
    db.session.flush()
    db.session.add(UserRole(user_id=director.id, role=Role.MANAGER))

    def add(count: int, start: int, managers: list[int]) -> list[int]:
        rows = [
            {
                "org_id": org.id,
                "email": f"person{n}@vik.kommune.no",
                "given_name": f"Åse{n}",
                "family_name": f"Ødegård {n}",
                "unit_id": units[n % 10].id,
                "locale": "nb",
                "manager_id": managers[i % len(managers)],
                "created_at": now,
            }
            for i, n in enumerate(range(start, start + count))
        ]
        insert_missing(User, rows, ["email"])
        emails = [row["email"] for row in rows]
        return list(db.session.scalars(sa.select(User.id).where(User.email.in_(emails))))

    heads = add(10, 0, [director.id])
    leaders = add(100, 10, heads)
    staff = add(people - 110, 110, leaders)
    everyone = heads + leaders + staff
    modules = current_course().modules
    assign(
        org,
        None,
        target=Target.UNIT,
        unit=top,
        module_ids=[m.id for m in modules],
        due_days=30,
        now=now,
    )
    # Where a person is in a module: (completion, success, attempts, share of the points).
    stages = [
        None,  # not started
        (CompletionStatus.INCOMPLETE, SuccessStatus.UNKNOWN, 0, None),  # reading
        (CompletionStatus.COMPLETED, SuccessStatus.FAILED, 1, 0.5),  # lessons done, quiz failed
        (CompletionStatus.COMPLETED, SuccessStatus.PASSED, 2, 0.8),
        (CompletionStatus.COMPLETED, SuccessStatus.PASSED, 1, 1.0),
    ]
    registrations = []
    for i, user_id in enumerate(everyone):
        for position, module in enumerate(modules):
            stage = stages[(i + position) % len(stages)]
            if stage is None:
                continue
            completion, success, attempts, share = stage
            seen = now - timedelta(days=(i + position) % 20, minutes=i % 600)
            registrations.append(
                {
                    "org_id": org.id,
                    "user_id": user_id,
                    "module_id": module.id,
                    "module_version": module.version,
                    "completion_status": completion,
                    "success_status": success,
                    "attempts": attempts,
                    "score_raw": None if share is None else round(module.max_points * share),
                    "score_min": 0,
                    "score_max": module.max_points,
                    "total_time": 600,
                    "first_access": seen - timedelta(days=1),
                    "last_access": seen,
                    "completed_at": seen if success == SuccessStatus.PASSED else None,
                }
            )
    insert_missing(Registration, registrations, ["user_id", "module_id", "module_version"])
    late = everyone[::7]  # every seventh person's first module was due a week ago
    db.session.execute(
        sa.update(AssignedModule)
        .where(AssignedModule.user_id.in_(late), AssignedModule.module_id == modules[0].id)
        .values(due_on=(now - timedelta(days=7)).date())
    )
    db.session.add_all(
        Nudge(
            org_id=org.id,
            user_id=user_id,
            sent_by_id=director.id,
            module_id=modules[0].id,
            reason=NudgeReason.OVERDUE,
            created_at=now - timedelta(days=1),
        )
        for user_id in late[::10]
    )
    db.session.commit()
    # A database in use has its planner statistics (PostgreSQL's autovacuum keeps them); one
    # filled in bulk a second ago has none yet, and without them the planner guesses one row
    # per table and loops.
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


def timed(client, path: str, runs: int) -> tuple[float, int, int]:  # type: ignore[no-untyped-def]
    """Median milliseconds of ``runs`` warm requests, the statements one takes, the bytes."""
    from sqlalchemy import event

    from app.db import db

    statements: list[str] = []
    response = client.get(path)  # warm: templates compiled, connections open
    assert response.status_code == 200, (path, response.status_code)
    with client.application.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    client.get(path)
    event.remove(engine, "before_cursor_execute", record)
    counted = len(statements)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), counted, len(response.data)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="leda-team-"))
    url = options.database or f"sqlite:///{work / 'leda.sqlite'}"
    if url.startswith("postgres"):
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    os.environ.update(
        {
            "DATABASE_URL": url,
            "LEDA_INSTANCE_PATH": str(work),
            "LEDA_MAIL_OUTBOX": str(work / "outbox"),
        }
    )
    os.environ.pop("REDIS_URL", None)
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        build(options.people)
        built = time.perf_counter() - started
    client = app.test_client()
    login = client.post("/login", data={"email": "direktor@vik.kommune.no", "password": PASSWORD})
    assert login.status_code == 302, login.status_code
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{options.people} reports on {url.split(':')[0]} (built in {built:.1f} s, load "
        f"average {load} on {os.cpu_count()} CPUs); median of {options.runs} warm requests:"
    )
    for label, path in [
        ("/team (the first 50 rows)", "/team"),
        ("/team?overdue=y", "/team?overdue=y"),
        ("/team.csv (every row)", "/team.csv"),
    ]:
        median, statements, size = timed(client, path, options.runs)
        print(f"  {label:32} {median:7.1f} ms  {statements:2} statements  {size / 1024:6.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
