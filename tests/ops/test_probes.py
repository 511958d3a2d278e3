"""/healthz, /readyz and `leda doctor`: what a load balancer and an operator are told."""

from sqlalchemy import text

from app.db import db
from tests.conftest import make_app
from tests.helpers import free_port, running


def test_healthz_says_the_process_is_up(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "ok"})


def test_readyz_lists_every_check_when_all_is_well(client, database):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations", "queue"}
    assert body["checks"]["database"] == {"status": "ok", "detail": db.engine.dialect.name}
    assert body["checks"]["migrations"]["status"] == "ok"
    assert body["checks"]["queue"] == {
        "status": "ok",
        "detail": "0 jobs waiting, in memory (jobs run at once, in process)",
    }


def test_readyz_is_503_and_says_what_to_run_when_migrations_are_behind(client):
    (current,) = db.session.scalars(text("SELECT version_num FROM alembic_version"))
    db.session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    db.session.commit()
    try:
        response = client.get("/readyz")
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
        db.session.commit()
    assert response.status_code == 503
    assert response.json["status"] == "not ready"
    assert response.json["checks"]["migrations"] == {
        "status": "fail",
        "detail": f"at 0001, the code needs {current}: run `leda db upgrade`",
    }


def test_readyz_asks_redis_and_the_queue_there_when_configured(database, tmp_path):
    app = make_app(
        database,
        REDIS_URL="redis://127.0.0.1:6379/15",
        LEDA_HUEY_NAME="readyz-test",
        LEDA_HUEY_IMMEDIATE=False,
    )
    with app.app_context():
        response = app.test_client().get("/readyz")
        db.engine.dispose()
    assert response.status_code == 200
    assert response.json["checks"]["redis"] == {"status": "ok", "detail": "answers"}
    assert response.json["checks"]["queue"] == {
        "status": "ok",
        "detail": "0 jobs waiting, in Redis",
    }


def test_readyz_is_503_when_redis_does_not_answer(database):
    app = make_app(
        database, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", LEDA_HUEY_IMMEDIATE=False
    )
    with app.app_context():
        response = app.test_client().get("/readyz")
        db.engine.dispose()
    assert response.status_code == 503
    assert response.json["checks"]["redis"] == {
        "status": "fail",
        "detail": "REDIS_URL does not answer (ConnectionError)",
    }
    assert response.json["checks"]["queue"]["status"] == "fail"


def test_doctor_says_what_to_fix_for_production(runner, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "warn  secret key: kept in the instance folder: set SECRET_KEY (the same on every host)"
        " for production"
    )
    assert "warn  mail: written to files in the outbox folder: set LEDA_SMTP_HOST to send" in lines
    assert "warn  hosts: any Host header is served: set LEDA_TRUSTED_HOSTS" in lines
    assert (
        "warn  accessibility contact: the statement gives the sender's address, leda@localhost:"
        " set LEDA_ACCESSIBILITY_CONTACT to an address someone reads"
    ) in lines
    assert lines[-1] == "0 to fix, 7 to consider for production."


def test_doctor_is_content_with_an_accessibility_contact_of_its_own(database):
    app = make_app(database, LEDA_ACCESSIBILITY_CONTACT="uu@vik.kommune.no")
    with running(app):
        result = app.test_cli_runner().invoke(args=["doctor"])
    lines = result.output.splitlines()
    assert "ok    accessibility contact: uu@vik.kommune.no" in lines
    assert not [line for line in lines if "LEDA_ACCESSIBILITY_CONTACT" in line]


def test_doctor_fails_when_the_database_is_not_migrated(runner):
    (current,) = db.session.scalars(text("SELECT version_num FROM alembic_version"))
    db.session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    db.session.commit()
    try:
        result = runner.invoke(args=["doctor"])
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
        db.session.commit()
    assert result.exit_code == 1
    assert f"FAIL  migrations: at 0001, the code needs {current}: run `leda db upgrade`" in (
        result.output.splitlines()
    )
    assert result.output.splitlines()[-1] == "1 to fix, 7 to consider for production."


def test_readyz_is_503_when_the_database_does_not_answer():
    app = make_app(f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere")
    with app.app_context():
        response = app.test_client().get("/readyz")
        healthz = app.test_client().get("/healthz")
        db.engine.dispose()
    assert healthz.status_code == 200  # the process is up: it asked nothing of the database
    assert response.status_code == 503
    assert response.json["status"] == "not ready"
    assert response.json["checks"]["database"] == {
        "status": "fail",
        "detail": "cannot reach the database (OperationalError)",
    }
