"""The HR completion report at scale, beside the databases' own CSV writers, in one run.

    python benchmarks/completion_report.py [--people 100000] [--database postgresql://…/leda_bench]

With no --database it uses a fresh SQLite file; a PostgreSQL database given is emptied first.
It builds one organisation of --people learners in 10 units under 100 managers, the course's
four modules assigned to everyone, and progress for most (not started, reading, lessons done,
passed) with a quiz attempt of three answers wherever a quiz was taken, then ANALYZE. Then,
each in its own process, timed from the first query to the last byte on disk:

- the yardstick: the report's own SQL (the same join, as Leda's query compiles it) through
  the `sqlite3` tool (`-csv -header`), or `psql` with `COPY (…) TO STDOUT WITH CSV HEADER`;
- `leda`'s CSV, XLSX and JSON Lines, through the one function the page and the command use,
  with each process's peak memory (VmHWM), for a quarter of the people and for all, to see
  that memory stays flat as rows grow;
- HR's dashboard page (/reports), the median of five warm requests: counted live, and from the
  snapshot the job queue stores for a large organisation, with the time the job takes.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "a long benchmark passphrase"


def build(people: int) -> None:
    from app.auth.services import hash_password
    from app.content import current_course
    from app.db import db
    from app.learning.models import CompletionStatus, Registration, SuccessStatus
    from app.onboarding.models import AssignedModule, Assignment, Target
    from app.orgs import services as orgs
    from app.orgs.models import Role, User, UserRole
    from app.quiz.models import QuizAnswer, QuizAttempt

    now = datetime.now(UTC)
    org = orgs.create_organisation("vik", "Vik kommune")
    units = [orgs.ensure_unit_path(org.id, ("Helse og omsorg", f"Enhet {i}"), None).id
             for i in range(10)]  # fmt: skip
    modules = current_course().modules

    def users(start: int, count: int, managers: list[int]) -> None:
        db.session.execute(
            sa.insert(User),
            [
                {
                    "org_id": org.id,
                    "email": f"person{n}@vik.kommune.no",
                    "employee_number": str(100_000 + n),
                    "given_name": f"Åse{n}",
                    "family_name": f"Ødegård {n}",
                    "unit_id": units[n % 10],
                    "locale": "nb",
                    "manager_id": managers[n % len(managers)] if managers else None,
                    "created_at": now,
                }
                for n in range(start, start + count)
            ],
        )

    users(0, 100, [])
    managers = list(db.session.scalars(sa.select(User.id).where(User.org_id == org.id)))
    hr = User(org_id=org.id, email="hr@vik.kommune.no", given_name="Hanne", family_name="HR",
              locale="nb", created_at=now, password_hash=hash_password(PASSWORD))  # fmt: skip
    db.session.add(hr)
    db.session.flush()
    db.session.add(UserRole(user_id=hr.id, role=Role.HR))
    for start in range(100, people, 10_000):
        users(start, min(10_000, people - start), managers)
    assignment = Assignment(org_id=org.id, target=Target.RULE, name="Alle", role=None,
                            unit_id=None, module_ids=[m.id for m in modules], due_days=30,
                            created_at=now)  # fmt: skip
    db.session.add(assignment)
    db.session.flush()
    ids = list(db.session.scalars(sa.select(User.id).where(User.org_id == org.id)))
    questions_of = {m.id: [q.id for q in m.questions[:3]] for m in modules}
    stages = [
        None,
        (CompletionStatus.INCOMPLETE, SuccessStatus.UNKNOWN, 0, None),
        (CompletionStatus.COMPLETED, SuccessStatus.FAILED, 1, 0.5),
        (CompletionStatus.COMPLETED, SuccessStatus.PASSED, 2, 0.9),
    ]
    for start in range(0, len(ids), 10_000):
        chunk = ids[start : start + 10_000]
        db.session.execute(
            sa.insert(AssignedModule),
            [
                {
                    "org_id": org.id,
                    "user_id": user_id,
                    "module_id": m.id,
                    "assignment_id": assignment.id,
                    "assigned_at": now - timedelta(days=20),
                    "due_on": date.today() + timedelta(days=(user_id % 40) - 20),
                }
                for user_id in chunk
                for m in modules
            ],
        )
        registrations = []
        for user_id in chunk:
            for position, m in enumerate(modules):
                stage = stages[(user_id + position) % len(stages)]
                if stage is None:
                    continue
                completion, success, attempts, share = stage
                seen = now - timedelta(days=user_id % 19, minutes=user_id % 600)
                registrations.append({
                    "org_id": org.id, "user_id": user_id, "module_id": m.id,
                    "module_version": m.version, "completion_status": completion,
                    "success_status": success, "attempts": attempts,
                    "score_raw": None if share is None else round(m.max_points * share),
                    "score_min": 0, "score_max": m.max_points, "total_time": 300 + user_id % 900,
                    "first_access": seen - timedelta(days=1), "last_access": seen,
                    "completed_at": seen if success == SuccessStatus.PASSED else None,
                })  # fmt: skip
        db.session.execute(sa.insert(Registration), registrations)
        # each quiz taken: one attempt of three answers, the first wrong when it failed
        attempts, answers = [], []
        for row in registrations:
            if not row["attempts"]:
                continue
            attempt_id = len(attempts) + 1 + start * 4
            passed = row["success_status"] == SuccessStatus.PASSED
            questions = questions_of[row["module_id"]]
            attempts.append({
                "id": attempt_id, "org_id": org.id, "token": f"a{attempt_id}",
                "user_id": row["user_id"], "module_id": row["module_id"],
                "module_version": row["module_version"], "score_raw": row["score_raw"],
                "score_max": row["score_max"], "passed": passed,
                "submitted_at": row["last_access"],
            })  # fmt: skip
            for position, question in enumerate(questions):
                answers.append({
                    "org_id": org.id, "attempt_id": attempt_id, "position": position,
                    "question_id": question, "option_ids": ["a"],
                    "is_correct": passed or position > 0,
                })  # fmt: skip
        db.session.execute(sa.insert(QuizAttempt), attempts)
        db.session.execute(sa.insert(QuizAnswer), answers)
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


def report_sql(url: str) -> str:
    """The report's query as Leda runs it, with its values written in, for the database tools."""
    from app.db import db, utcnow
    from app.orgs.services import organisation_by_slug
    from app.reporting.completions import CompletionFilters, completion_query

    query = completion_query(organisation_by_slug("vik"), CompletionFilters(), utcnow())
    return str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))


def measure_dashboard(snapshot: bool) -> None:
    """In a process of its own: HR's /reports page (the dashboard), median of 5 warm requests,
    counted live or from a snapshot (then also the seconds the job took to store it)."""
    import statistics

    from app import create_app
    from app.db import utcnow
    from app.reporting.dashboard import refresh_snapshots

    live = {} if snapshot else {"LEDA_DASHBOARD_LIVE_PEOPLE": 10**9}
    app = create_app({"WTF_CSRF_ENABLED": False, **live})
    job = 0.0
    with app.app_context():
        started = time.perf_counter()
        assert refresh_snapshots(utcnow()) == (1 if snapshot else 0)
        job = time.perf_counter() - started
    client = app.test_client()
    client.post("/login", data={"email": "hr@vik.kommune.no", "password": PASSWORD})
    assert client.get("/reports").status_code == 200
    times = []
    for _ in range(5):
        started = time.perf_counter()
        client.get("/reports")
        times.append(time.perf_counter() - started)
    print(f"{statistics.median(times):.3f} {peak_mib():.0f} {job * 1000:.0f} 0")


def measure(format_id: str) -> None:
    """In a process of its own: write the report, print seconds and peak memory (MiB)."""
    if format_id in ("dashboard", "snapshot"):
        return measure_dashboard(format_id == "snapshot")
    from app import create_app
    from app.db import db
    from app.orgs.services import organisation_by_slug
    from app.reporting.completions import CompletionFilters
    from app.reporting.services import export_completions

    app = create_app()
    with app.app_context():
        org = organisation_by_slug("vik")
        out = Path(os.environ["LEDA_INSTANCE_PATH"]) / f"report.{format_id}"
        started = time.perf_counter()
        with open(out, "wb") as stream:
            rows = export_completions(org, None, CompletionFilters(), format_id, stream, "nb")
        seconds = time.perf_counter() - started
        db.session.rollback()
    print(f"{seconds:.3f} {peak_mib():.0f} {rows} {out.stat().st_size}")


def peak_mib() -> float:
    """This process's peak resident memory. Not ru_maxrss: Linux carries that over exec from
    the parent, here the process that built the data."""
    status = Path("/proc/self/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def yardstick(url: str, sql: str, work: Path) -> float:
    out = work / "tool.csv"
    started = time.perf_counter()
    with open(out, "wb") as stream:
        if url.startswith("sqlite"):
            path = url.removeprefix("sqlite:///")
            subprocess.run(["sqlite3", "-csv", "-header", path, sql], stdout=stream, check=True)
        else:
            copy = f"COPY ({sql}) TO STDOUT WITH CSV HEADER"
            subprocess.run(["psql", "-X", "-q", url, "-c", copy], stdout=stream, check=True)
    return time.perf_counter() - started


def run_measure(format_id: str, env: dict[str, str]) -> tuple[float, float, int, int]:
    done = subprocess.run(
        [sys.executable, __file__, "--measure", format_id],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    seconds, peak, rows, size = done.stdout.split()[-4:]
    return float(seconds), float(peak), int(rows), int(size)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        measure(options.measure)
        return 0
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} CPUs")
    for people in (options.people // 4, options.people):
        work = Path(tempfile.mkdtemp(prefix="leda-report-"))
        url = options.database or f"sqlite:///{work / 'leda.sqlite'}"
        if url.startswith("postgres"):
            engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
            with engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            engine.dispose()
        env = {**os.environ, "DATABASE_URL": url, "LEDA_INSTANCE_PATH": str(work)}
        env.pop("REDIS_URL", None)
        os.environ.update(env)
        from flask_migrate import upgrade

        from app import create_app

        app = create_app()
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            build(people)
            built = time.perf_counter() - started
            sql = report_sql(url)
            from app.db import db

            db.engine.dispose()
        tool = yardstick(url, sql, work)
        name = "sqlite3 -csv" if url.startswith("sqlite") else "psql COPY"
        print(f"{people} people × 4 modules on {url.split(':')[0]} (built in {built:.0f} s)")
        print(f"  {name:14} {tool:7.2f} s")
        for format_id in ("csv", "xlsx", "jsonl"):
            seconds, peak, rows, size = run_measure(format_id, env)
            print(f"  leda {format_id:9} {seconds:7.2f} s  {seconds / tool:5.1f}× the tool  "
                  f"peak {peak:4.0f} MiB  {rows} rows  {size / 2**20:5.1f} MiB")  # fmt: skip
        seconds, _peak, _rows, _size = run_measure("dashboard", env)
        print(f"  the HR dashboard (/reports), counted live {seconds * 1000:5.0f} ms, median of 5")
        seconds, _peak, job_ms, _size = run_measure("snapshot", env)
        print(f"  the HR dashboard (/reports), from the snapshot {seconds * 1000:5.0f} ms, "
              f"median of 5; the job that stores it {job_ms} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
