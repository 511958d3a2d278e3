"""The files kept from npm packages are those packages' files, at package-lock.json's versions.

`npm ci` (tools/vendor.mjs) copies them and records package, version and sha256 in a vendor.json
beside them; these tests hold the copies to that record and the record to the lock file, so a
machine without npm runs everything, and an upgrade that forgets to refresh a copy fails here.
"""

import hashlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = [ROOT / "app" / "export" / "static" / "schemas", ROOT / "tests" / "vendor"]
LOCK = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
NOT_COPIES = {"vendor.json"}


def record_of(folder: Path) -> dict:
    return json.loads((folder / "vendor.json").read_text(encoding="utf-8"))


def ids(folder: Path) -> str:
    return str(folder.relative_to(ROOT))


@pytest.mark.parametrize("folder", FOLDERS, ids=ids)
def test_the_recorded_versions_are_the_lock_files(folder: Path) -> None:
    packages = record_of(folder)["packages"]

    assert packages
    assert packages == {
        name: LOCK["packages"][f"node_modules/{name}"]["version"] for name in packages
    }
    assert set(packages) <= set(LOCK["packages"][""]["devDependencies"])


@pytest.mark.parametrize("folder", FOLDERS, ids=ids)
def test_every_kept_file_is_recorded_and_unchanged(folder: Path) -> None:
    files = record_of(folder)["files"]
    kept = {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file() and path.name not in NOT_COPIES
    }

    assert kept == {name: entry["sha256"] for name, entry in files.items()}
    assert {entry["package"] for entry in files.values()} == set(record_of(folder)["packages"])


@pytest.mark.parametrize("folder", FOLDERS, ids=ids)
def test_the_kept_files_match_node_modules_where_it_is_installed(folder: Path) -> None:
    """Without node_modules the recorded hashes above are the tie; with it, the bytes too."""
    installed = 0
    for name, entry in record_of(folder)["files"].items():
        package = ROOT / "node_modules" / entry["package"]
        if not package.is_dir():
            continue
        installed += 1
        version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
        assert version == record_of(folder)["packages"][entry["package"]], name
        assert (package / entry["source"]).read_bytes() == (folder / name).read_bytes(), name
    assert installed in (0, len(record_of(folder)["files"]))
