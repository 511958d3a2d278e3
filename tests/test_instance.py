"""Files Leda creates in the instance folder are the owner's alone (0600)."""

import stat

from app import create_app
from tests.conftest import CONTENT


def test_the_secret_key_and_the_sqlite_database_are_created_0600(tmp_path, monkeypatch):
    monkeypatch.setenv("LEDA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"LEDA_CONTENT_ROOT": str(CONTENT)})
    for name in ("secret_key", "leda.sqlite"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    assert len(app.config["SECRET_KEY"]) == 64
