"""Pages under load through gunicorn, beside a bare Flask route, in one run.

    python benchmarks/load.py [--database postgresql://…/leda_bench] [--seconds 10]
                              [--connections 64] [--workers 2] [--profile]

Needs `wrk` (Debian: apt-get install wrk). With no --database it uses a fresh SQLite file; a
PostgreSQL database given is emptied first. It makes one organisation with a learner who has
read the first lesson of every module, starts gunicorn (--workers sync workers, default 2 for
this 2-core machine) on the app and, in turn, on a bare Flask app whose one route does one ORM
select and renders a small template, and drives each with wrk (--connections, --seconds) with
the learner's session cookie:

- the bare route (the yardstick), and the same route as a POST that also inserts a row and
  commits (the yardstick of a write: a commit waits for the disk, as a quiz submission must);
- the lesson page (the first lesson of the first module), the learner's dashboard;
- a quiz submission: each POST a fresh attempt (the quiz forms are fetched beforehand, one
  draw each, and wrk sends them in turn);
- the lesson page again on a server that keeps no page (LEDA_PAGE_CACHE_MB=0): the worst case,
  where every GET renders (the one learner in one state above is the best: every GET after the
  first is a kept page).

It prints requests per second, p99 latency and the ratios to the bare read's and the bare
write's requests per second. --profile also prints where an in-process lesson GET spends its
time (cProfile).
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GUNICORN = Path(sys.executable).with_name("gunicorn")
EMAIL, PASSWORD = "kari@vik.kommune.no", "a long benchmark passphrase"

BARE_APP = """
from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select, text
import os

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["BARE_DATABASE_URL"]
db = SQLAlchemy(app)
PAGE = "<!doctype html><title>{{ name }}</title><h1>{{ name }}</h1><p>{{ slug }}</p>"

class Organisation(db.Model):
    __tablename__ = "organisation"
    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String)
    name = db.Column(db.String)

class Hit(db.Model):
    __tablename__ = "bare_hit"
    id = db.Column(db.Integer, primary_key=True)
    org_id = db.Column(db.Integer)

@app.get("/db")
def one_select():
    org = db.session.scalars(select(Organisation).limit(1)).one()
    return render_template_string(PAGE, name=org.name, slug=org.slug)

@app.post("/db")
def one_insert():
    org = db.session.scalars(select(Organisation).limit(1)).one()
    db.session.add(Hit(org_id=org.id))
    db.session.commit()
    return render_template_string(PAGE, name=org.name, slug=org.slug)
"""

WRK_POST = 'wrk.method = "POST"\n'


WRK_POSTS = """
local bodies = {}
for line in io.lines(os.getenv("LEDA_BODIES")) do bodies[#bodies + 1] = line end
local n = 0
request = function()
  n = n + 1
  local body = bodies[(n - 1) % #bodies + 1]
  -- a headers table replaces wrk.headers (the -H Cookie) in wrk.format: name the cookie again
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = os.getenv("LEDA_COOKIE")}, body)
end
response = function(status, headers, body)
  local where = headers["Location"] or ""
  if (status >= 400 or not where:find("/attempts/")) and not told then
    told = true
    local lead = body:match("class=.lead.>([^<]*)") or body:sub(1, 200)
    io.stderr:write("first error: " .. status .. " " .. lead .. "\\n")
  end
end
"""


def build(url: str) -> None:
    from app import create_app
    from app.auth.services import hash_password
    from app.content import current_course
    from app.db import db
    from app.learning import services as learning
    from app.orgs import services as orgs
    from app.orgs.models import User

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LEDA_CONTENT_ROOT": str(ROOT)})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        org = orgs.create_organisation("vik", "Vik kommune")
        user = User(
            org_id=org.id,
            email=EMAIL,
            given_name="Kari",
            family_name="Nordmann",
            locale="nb",
            password_hash=hash_password(PASSWORD),
        )
        db.session.add(user)
        db.session.flush()
        for module in current_course().modules:
            learning.complete_lesson(user, module, module.lessons[0].id)
        db.session.commit()
        db.engine.dispose()


def bare_table(url: str) -> None:
    """The bare write route's table, made before its workers start (they would race to)."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    table = sa.Table("bare_hit", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("org_id", sa.Integer))  # fmt: skip
    table.create(engine, checkfirst=True)
    engine.dispose()


def serve(app: str, env: dict[str, str], workers: int, port: int) -> subprocess.Popen[bytes]:
    command = [
        *(str(GUNICORN), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--no-control-socket"),
        *("--backlog", "2048", app),
    ]
    server = subprocess.Popen(command, env=env, cwd=env.get("BENCH_CWD", str(ROOT)))
    for _ in range(300):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except requests.RequestException:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def wrk(url: str, cookie: str, seconds: int, connections: int, script: Path | None = None,
        bodies: Path | None = None) -> tuple[float, float]:  # fmt: skip
    """Requests per second and p99 latency (ms) of one wrk run."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H",
               f"Cookie: {cookie}"]  # fmt: skip
    if script:
        command += ["-s", str(script)]
    env = {**os.environ, "LEDA_COOKIE": cookie, "LEDA_BODIES": str(bodies or "")}
    run = subprocess.run([*command, url], capture_output=True, text=True, env=env)
    out = run.stdout
    if run.stderr:
        print(" ", run.stderr.strip()[:600])
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        print(f"  ! {errors.group(1)} responses were errors: {url}")
    return rps, p99


def log_in(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = session.post(f"{base}/login", data={"email": EMAIL, "password": PASSWORD,
                          "csrf_token": token}, allow_redirects=False)  # fmt: skip
    assert answer.status_code == 302, answer.status_code
    return session


def quiz_bodies(base: str, session: requests.Session, module_id: str, count: int) -> list[str]:
    """``count`` quiz forms, each its own draw, answered (the first option of each question)."""
    from urllib.parse import urlencode

    bodies = []
    for _ in range(count):
        page = session.get(f"{base}/modules/{module_id}/quiz").text
        quiz = page[page.index('class="quiz"') :]  # the quiz form, not the header's forms
        fields = {
            name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', quiz).group(1)
            for name in ("csrf_token", "draw", "module_version")
        }
        pattern = r'<input[^>]* name="(q-[^"]+)"[^>]* value="([^"]+)"'
        for name, value in re.findall(pattern, quiz):
            fields.setdefault(name, value)  # the first option of each question
        bodies.append(urlencode(fields))
    return bodies


def profile_lesson(url: str) -> None:
    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LEDA_CONTENT_ROOT": str(ROOT),
                      "WTF_CSRF_ENABLED": False})  # fmt: skip
    client = app.test_client()
    client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    from app.content import current_course

    with app.app_context():
        module = current_course().modules[0]
    path = f"/modules/{module.id}/lessons/{module.lessons[0].id}"
    for _ in range(50):
        client.get(path)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(500):
        client.get(path)
    profiler.disable()
    print(f"\nin process: {(time.perf_counter() - started) * 2:.2f} ms a lesson GET (500 GETs)")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("needs wrk: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="leda-load-"))
    url = args.database or f"sqlite:///{work / 'bench.sqlite'}"
    if args.database:
        engine = sa.create_engine(args.database.replace("postgresql://", "postgresql+psycopg://"))
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    build(url)
    bare_table(url)
    from app.content import check_content

    course, _ = check_content(ROOT)
    module = course.modules[0]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEDA_", "REDIS_URL"))}
    env.update(DATABASE_URL=url, SECRET_KEY="load-benchmark", LEDA_INSTANCE_PATH=str(work),
               LEDA_CONTENT_ROOT=str(ROOT), LEDA_LOGIN_LIMIT_CLIENT="100000 per minute",
               BARE_DATABASE_URL=url.replace("postgresql://", "postgresql+psycopg://"))  # fmt: skip
    (work / "bare_app.py").write_text(BARE_APP)
    results = {}
    port = 18700
    bare = serve("bare_app:app", {**env, "BENCH_CWD": str(work), "PYTHONPATH": str(work)},
                 args.workers, port)  # fmt: skip
    try:
        # The bare app has no /healthz: serve() took its 404 as "up".
        results["bare Flask route (one ORM select, small template)"] = wrk(
            f"http://127.0.0.1:{port}/db", "x=1", args.seconds, args.connections
        )
        (work / "post.lua").write_text(WRK_POST)
        results["bare Flask write (the select, one INSERT, a commit)"] = wrk(
            f"http://127.0.0.1:{port}/db", "x=1", args.seconds, args.connections, work / "post.lua"
        )
    finally:
        bare.send_signal(signal.SIGTERM)
        bare.wait()
    port += 1
    server = serve("app.wsgi:application", env, args.workers, port)
    base = f"http://127.0.0.1:{port}"
    try:
        session = log_in(base)
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        lesson = f"{base}/modules/{module.id}/lessons/{module.lessons[0].id}"
        assert session.get(lesson).status_code == 200
        results["lesson page, logged in"] = wrk(lesson, cookie, args.seconds, args.connections)
        results["dashboard, logged in"] = wrk(f"{base}/", cookie, args.seconds, args.connections)
        print("fetching quiz forms …", flush=True)
        quizzer = log_in(base)  # a session of its own, fresh
        bodies = quiz_bodies(base, quizzer, module.id, 3000)
        (work / "bodies.txt").write_text("\n".join(bodies) + "\n")
        (work / "posts.lua").write_text(WRK_POSTS)
        cookie = "; ".join(f"{c.name}={c.value}" for c in quizzer.cookies)  # as the forms had it
        results["quiz submission"] = wrk(f"{base}/modules/{module.id}/quiz", cookie,
                                         args.seconds, args.connections, work / "posts.lua",
                                         work / "bodies.txt")  # fmt: skip
        if results["quiz submission"][0] * args.seconds > len(bodies):
            print("  ! more submissions than forms: the later ones were answered from the first")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()
    port += 1  # the worst case: no page kept, every lesson GET renders
    server = serve("app.wsgi:application", {**env, "LEDA_PAGE_CACHE_MB": "0"}, args.workers, port)
    try:
        base = f"http://127.0.0.1:{port}"
        cookie = "; ".join(f"{c.name}={c.value}" for c in log_in(base).cookies)
        lesson = f"{base}/modules/{module.id}/lessons/{module.lessons[0].id}"
        results["lesson page, never kept (LEDA_PAGE_CACHE_MB=0)"] = wrk(
            lesson, cookie, args.seconds, args.connections
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()
    read, write = (rps for rps, _p99 in list(results.values())[:2])
    database = "PostgreSQL" if args.database else "SQLite"
    print(f"\n{database}, gunicorn {args.workers} sync workers, wrk -c{args.connections} "
          f"-d{args.seconds}s")  # fmt: skip
    print("| page | req/s | p99 | share of the bare read's req/s | of the bare write's |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, (rps, p99) in results.items():
        print(f"| {name} | {rps:,.0f} | {p99:.0f} ms | {100 * rps / read:.0f} % "
              f"| {100 * rps / write:.0f} % |")  # fmt: skip
    if args.profile:
        profile_lesson(url)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
