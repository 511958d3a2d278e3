"""Two gunicorn servers on one database, learners sending the same things to both at once; and a
worker killed in the middle of a quiz submission. Real processes over loopback: every stored row
is counted afterwards, so nothing a learner did is lost or doubled."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import requests
import sqlalchemy as sa

from app.db import db
from app.learning.models import LessonProgress, Reflection, Registration
from app.quiz.models import QuizAnswer, QuizAttempt
from tests.conftest import CONTENT, make_app
from tests.factories import PASSWORD, make_org, make_user
from tests.helpers import form_value, free_port, quiz_answers, wait_for

GUNICORN = Path(sys.executable).with_name("gunicorn")
LEARNERS = 12
TIMEOUT = 60  # seconds for one request on a loaded 2-core machine


@contextmanager
def gunicorn(database: str, instance: Path, workers: int = 2) -> Iterator[tuple[str, int]]:
    """A gunicorn server of the app on ``database``; yields its base URL and master pid."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEDA_", "REDIS_URL"))}
    env.update(
        DATABASE_URL=database,
        SECRET_KEY="concurrency-test",  # the same on both servers: one session works on either
        LEDA_INSTANCE_PATH=str(instance),
        LEDA_CONTENT_ROOT=str(CONTENT),
        LEDA_LOGIN_LIMIT_CLIENT="10000 per minute",
    )
    command = [
        *(str(GUNICORN), "-w", str(workers), "-b", f"127.0.0.1:{port}"),
        "--no-control-socket",  # one per server, not one shared file in ~/.gunicorn
        "app.wsgi:application",
    ]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return requests.get(f"{base}/healthz", timeout=2).status_code == 200
        except requests.RequestException:  # not listening yet, or still starting
            return False

    try:
        wait_for(lambda: up() or server.poll() is not None, timeout=2 * TIMEOUT)
        assert server.poll() is None, server.stderr.read().decode()  # type: ignore[union-attr]
        yield base, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=TIMEOUT)
        assert b"Traceback" not in errors, errors.decode()


def log_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=TIMEOUT).text
    answer = session.post(
        f"{base}/login",
        data={"email": email, "password": PASSWORD, "csrf_token": form_value(page, "csrf_token")},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert answer.status_code == 302, answer.text
    return session


def at_once(*calls) -> list[int]:  # type: ignore[no-untyped-def]
    """Start the calls together (a barrier), return their statuses."""
    barrier = threading.Barrier(len(calls))

    def go(call) -> int:  # type: ignore[no-untyped-def]
        barrier.wait()
        return call().status_code

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(go, calls))


def learner_works(servers: list[str], email: str, number: int) -> list[int]:
    """One learner: logged in on one server, sends each step to both servers at the same time
    (a double click, a retry through the other host): a lesson done, a reflection, a quiz."""
    a, b = servers
    session = log_in(a, email)
    lesson = "/modules/first-steps/lessons/welcome"
    page = session.get(a + lesson, timeout=TIMEOUT).text
    form = {"csrf_token": form_value(page, "csrf_token"), "owner": form_value(page, "owner")}
    text = {**form, "text": f"Tanke nummer {number}: æøå"}

    def post(base: str, path: str, data: dict) -> requests.Response:
        return session.post(base + path, data=data, allow_redirects=False, timeout=TIMEOUT)

    statuses = at_once(
        lambda: post(a, f"{lesson}/reflection", text), lambda: post(b, f"{lesson}/reflection", text)
    )
    statuses += at_once(
        lambda: post(a, f"{lesson}/done", form), lambda: post(b, f"{lesson}/done", form)
    )
    quiz = session.get(f"{a}/modules/first-steps/quiz", timeout=TIMEOUT).text
    answers = {**quiz_answers(quiz), "csrf_token": form_value(quiz, "csrf_token")}
    path = "/modules/first-steps/quiz"
    statuses += at_once(lambda: post(a, path, answers), lambda: post(b, path, answers))
    return statuses


def test_two_servers_on_one_database_lose_and_double_nothing(database, tmp_path):
    app = make_app(database)
    with app.app_context():
        org = make_org()
        emails = [make_user(org, email=f"l{i}@vik.test").email for i in range(LEARNERS)]
        db.session.commit()
        db.session.remove()  # its connection back to the pool, then close them all
        db.engine.dispose()

    with (
        gunicorn(database, tmp_path / "a") as (a, _),
        gunicorn(database, tmp_path / "b") as (b, _),
        ThreadPoolExecutor(4) as pool,
    ):
        results = list(pool.map(learner_works, [[a, b]] * LEARNERS, emails, range(LEARNERS)))

    # Each pair: both answered without an error; the second of a quiz pair may be told that
    # those answers were already submitted (409), never a 500.
    for statuses in results:
        assert statuses[:4] == [302, 302, 302, 302], statuses
        assert sorted(statuses[4:]) in ([303, 303], [303, 409]), statuses
    with app.app_context():
        reflections = db.session.execute(sa.select(Reflection.user_id, Reflection.text)).all()
        assert sorted(text for _, text in reflections) == sorted(
            f"Tanke nummer {n}: æøå" for n in range(LEARNERS)
        )
        assert len({user for user, _ in reflections}) == LEARNERS
        done = db.session.execute(
            sa.select(LessonProgress.user_id, LessonProgress.lesson_id, LessonProgress.completed_at)
        ).all()
        assert len(done) == LEARNERS and all(when is not None for *_, when in done)
        assert {lesson for _, lesson, _ in done} == {"welcome"}
        attempts = db.session.execute(sa.select(QuizAttempt.user_id, QuizAttempt.id)).all()
        assert len(attempts) == len({user for user, _ in attempts}) == LEARNERS
        answers = db.session.scalar(sa.select(sa.func.count()).select_from(QuizAnswer))
        assert answers == LEARNERS * 3  # three pools in the test course's quiz
        registrations = db.session.execute(sa.select(Registration.attempts)).scalars().all()
        assert registrations == [1] * LEARNERS
        db.session.remove()  # its connection back to the pool, then close them all
        db.engine.dispose()


def test_a_worker_killed_in_the_middle_of_a_quiz_submission_leaves_nothing_half_written(
    database, tmp_path
):
    app = make_app(database)
    with app.app_context():
        email = make_user(make_org(), email="kari@vik.test").email
        db.session.commit()
    with gunicorn(database, tmp_path / "a", workers=1) as (base, master):
        session = log_in(base, email)
        session.post(
            f"{base}/modules/first-steps/visit",
            timeout=TIMEOUT,
            data={
                "csrf_token": form_value(
                    session.get(f"{base}/", timeout=TIMEOUT).text, "csrf_token"
                )
            },
        )  # fmt: skip  (the registration row the submission will wait for)
        quiz = session.get(f"{base}/modules/first-steps/quiz", timeout=TIMEOUT).text
        answers = {**quiz_answers(quiz), "csrf_token": form_value(quiz, "csrf_token")}
        with app.app_context(), db.engine.connect() as blocker:
            # Hold the registration (PostgreSQL: its row; SQLite: the write lock) so that the
            # worker stops in the middle of the submission's transaction, then kill it there.
            if db.engine.dialect.name == "sqlite":
                blocker.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                blocker.execute(sa.text("SELECT id FROM registration FOR UPDATE"))
            sent: list[BaseException] = []

            def submit() -> None:
                try:
                    session.post(f"{base}/modules/first-steps/quiz", data=answers, timeout=TIMEOUT)
                except requests.RequestException as error:
                    sent.append(error)

            thread = threading.Thread(target=submit)
            thread.start()
            if db.engine.dialect.name == "sqlite":
                time.sleep(1.5)  # the worker waits for the lock (busy_timeout is 5 s)
            else:
                wait_for(lambda: _waiting_for_a_lock(blocker), timeout=TIMEOUT)
            [worker] = _children(master)
            os.kill(worker, signal.SIGKILL)
            thread.join(TIMEOUT)
            blocker.rollback()
        assert len(sent) == 1  # the connection died with the worker
        with app.app_context():
            assert _count(QuizAttempt) == _count(QuizAnswer) == 0
            assert db.session.scalars(sa.select(Registration.attempts)).all() == [0]
            db.session.commit()
        # The master starts a new worker; the same answers, sent again, count once.
        wait_for(lambda: len(_children(master)) == 1 and _children(master) != [worker])
        again = session.post(
            f"{base}/modules/first-steps/quiz", data=answers, allow_redirects=False, timeout=TIMEOUT
        )
        assert again.status_code == 303
        with app.app_context():
            assert (_count(QuizAttempt), _count(QuizAnswer)) == (1, 3)
            assert db.session.scalars(sa.select(Registration.attempts)).all() == [1]
            db.session.remove()  # its connection back to the pool, then close them all
            db.engine.dispose()


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _waiting_for_a_lock(connection: sa.Connection) -> bool:
    """Is another PostgreSQL backend of this database waiting for a lock (our row)?"""
    return bool(
        connection.scalar(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid != pg_backend_pid()"
            )
        )
    )


def _children(pid: int) -> list[int]:
    """The pids of a process's children (gunicorn's workers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found
