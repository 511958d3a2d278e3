"""Migration 0013: everyone who already exists gets a random xAPI account name of their own."""

import shutil
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.db import db
from tests.conftest import make_app


def test_existing_people_get_a_name_each_and_the_org_keeps_email_off(sqlite_template, tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(sqlite_template, path)
    application = make_app(f"sqlite:///{Path(path)}")
    with application.app_context():
        downgrade(revision="0011_team")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO organisation (id, slug, name, default_locale, refreshers_enabled,"
                    " created_at) VALUES (1, 'vik', 'Vik kommune', 'nb', 1, '2026-01-01')"
                )
            )
            for user_id in (1, 2):
                connection.execute(
                    sa.text(
                        "INSERT INTO user_account (id, org_id, email, given_name, family_name,"
                        " created_at, digest_enabled)"
                        " VALUES (:id, 1, :email, 'Ola', 'Nordmann', '2026-01-01', 1)"
                    ),
                    {"id": user_id, "email": f"ola{user_id}@vik.kommune.no"},
                )

        upgrade()

        with db.engine.connect() as connection:
            names = connection.scalars(
                sa.text("SELECT xapi_id FROM user_account ORDER BY id")
            ).all()
            opted_in = connection.scalar(sa.text("SELECT xapi_email_enabled FROM organisation"))
        db.session.remove()
        db.engine.dispose()
    assert len(names) == 2 and names[0] != names[1]
    assert [uuid.UUID(name).version for name in names] == [4, 4]
    assert opted_in == 0
