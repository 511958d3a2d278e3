"""A new municipality from nothing, as its administrator would do it, timed step by step.

    python benchmarks/onboard_users.py [--people 500] [--database postgresql://…/leda_bench]

With no --database it uses a fresh SQLite file; a PostgreSQL database given is emptied first.
The steps run the real `leda` commands: migrate, create the organisation and its admin, import a
CSV saved the way Excel saves it (BOM, `;`, CRLF, æøå), invite everyone who has no password,
run `leda worker` until every invitation is in the outbox, then each person follows the link
from their mail, chooses a password and logs in. Exits 1 if anyone cannot.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from email import message_from_bytes, policy
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
LEDA = str(Path(sys.executable).with_name("leda"))
LINK = re.compile(r"http://127\.0\.0\.1:5000(/account/password/[A-Za-z0-9_-]{43})")


def excel_csv(people: int) -> bytes:
    units = ["Helse og omsorg/Sykehjem Nord", "Helse og omsorg/Hjemmetjenesten",
             "Oppvekst/Vik skole", "Teknisk/Vann og avløp", "Økonomi og støtte"]  # fmt: skip
    lines = ["Ansattnummer;E-post;Fornavn;Etternavn;Enhet;Leder;Språk;Roller;"]
    for i in range(people):
        manager = "" if i < 5 else str(10_000 + i % 5)
        roles = "leder|deltaker" if i < 5 else "deltaker"
        locale = ("nb", "sv", "en")[i % 3]
        lines.append(f"{10_000 + i};person{i}@vik.kommune.no;Åse{i};Ødegård {i};"
                     f"{units[i % len(units)]};{manager};{locale};{roles};")  # fmt: skip
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def run(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([LEDA, *args], env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--database")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="leda-onboard-"))
    url = options.database or f"sqlite:///{work / 'leda.sqlite'}"
    if url.startswith("postgresql"):
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    env = {**os.environ, "DATABASE_URL": url, "LEDA_INSTANCE_PATH": str(work),
           "LEDA_MAIL_OUTBOX": str(work / "outbox")}  # fmt: skip
    env.pop("REDIS_URL", None)
    figures = {}
    figures["migrate"], _ = run(env, "db", "upgrade")
    run(env, "org", "create", "vik", "--name", "Vik kommune")
    run(env, "users", "create", "--org", "vik", "--email", "it@vik.kommune.no", "--role", "admin")
    (work / "people.csv").write_bytes(excel_csv(options.people))
    figures["import"], out = run(env, "users", "import", str(work / "people.csv"), "--org", "vik")
    print(out.strip())
    figures["queue invitations"], out = run(env, "users", "invite-pending", "--org", "vik")
    print(out.strip())

    started = time.perf_counter()
    worker = subprocess.Popen([LEDA, "worker"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    expected = options.people + 1
    while len(list((work / "outbox").glob("*.eml"))) < expected:
        if time.perf_counter() - started > 600:
            print("the worker did not deliver every invitation in 10 minutes")
            return 1
        time.sleep(0.2)
    worker.terminate()
    worker.wait()
    figures["deliver invitations"] = time.perf_counter() - started

    os.environ.update(env)
    from app import create_app

    app = create_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    started = time.perf_counter()
    failures = 0
    for mail in sorted((work / "outbox").glob("*.eml")):
        message = message_from_bytes(mail.read_bytes(), policy=policy.default)
        email = str(message["To"])
        path = LINK.search(message.get_body(("plain",)).get_content())[1]
        password = f"a long passphrase for {email}"
        set_ok = client.post(path, data={"password": password, "confirm": password})
        login = client.post("/login", data={"email": email, "password": password})
        failures += set_ok.status_code != 302 or login.status_code != 302
        client.post("/logout")
    figures["each sets a password and logs in"] = time.perf_counter() - started

    print(f"{options.people} people on {url.split(':')[0]}:")
    for step, value in figures.items():
        print(f"  {step:34} {value:6.1f} s")
    print(f"  people who could not log in:     {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
