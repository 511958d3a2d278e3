"""`leda export xapi`: the same lines as the service, into a private file, or a clear refusal."""

import io
import stat
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from app.db import db
from app.xapi.statements import write_statements
from tests.factories import make_org, make_user
from tests.xapi.helpers import work_through


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder of its own: the test database lives in tmp_path."""
    path = tmp_path / "out"
    path.mkdir()
    return path


def test_export_xapi_writes_the_statements_as_json_lines(runner: FlaskCliRunner, folder, clock):
    org = make_org()
    work_through(make_user(org, locale="sv"), clock)
    db.session.commit()
    out = folder / "vik.jsonl"

    result = runner.invoke(args=["export", "xapi", "--org", "vik", "--out", str(out)])

    assert (result.exit_code, result.output) == (0, f"{out}: 12 statements\n")
    expected = io.StringIO()
    write_statements(org, expected)
    assert out.read_text(encoding="utf-8") == expected.getvalue()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["vik.jsonl"]


def test_since_with_or_without_a_zone(runner: FlaskCliRunner, folder, clock):
    work_through(make_user(make_org()), clock)
    db.session.commit()
    out = str(folder / "x.jsonl")

    utc = runner.invoke(
        args=["export", "xapi", "--org", "vik", "--out", out, "--since", "2026-03-02T08:10"]
    )
    oslo = runner.invoke(
        args=["export", "xapi", "--org", "vik", "--out", out, "--since", "2026-03-02T09:10+01:00"]
    )
    day = runner.invoke(
        args=["export", "xapi", "--org", "vik", "--out", out, "--since", "2026-03-03"]
    )

    assert [r.output for r in (utc, oslo, day)] == [
        f"{out}: 6 statements\n",
        f"{out}: 6 statements\n",
        f"{out}: 0 statements\n",
    ]


def test_an_unknown_organisation_is_refused(runner: FlaskCliRunner, folder):
    make_org()
    db.session.commit()

    result = runner.invoke(
        args=["export", "xapi", "--org", "nowhere", "--out", str(folder / "x.jsonl")]
    )

    assert result.exit_code == 2
    assert "Invalid value for --org: no organisation has the short name 'nowhere'" in result.output
    assert list(folder.iterdir()) == []


def test_a_malformed_since_is_refused(runner: FlaskCliRunner, folder):
    make_org()
    db.session.commit()

    result = runner.invoke(
        args=[
            "export",
            "xapi",
            "--org",
            "vik",
            "--out",
            str(folder / "x.jsonl"),
            "--since",
            "yesterday",
        ]
    )

    assert result.exit_code == 2
    assert "Invalid value for '--since': 'yesterday' is not an ISO 8601 time" in result.output
    assert list(folder.iterdir()) == []
