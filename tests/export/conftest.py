"""Fixtures for the export tests: the test course, the real one when it validates, and packages."""

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from app.content.check import check_content
from app.content.models import Course
from app.export.scorm import write_scorm_package

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_CONTENT = ROOT / "tests" / "content" / "valid"

MakePackage = Callable[..., zipfile.ZipFile]


@pytest.fixture(scope="session")
def course() -> Course:
    loaded, problems = check_content(FIXTURE_CONTENT)
    assert loaded is not None, problems
    return loaded


@pytest.fixture(scope="session")
def real_course() -> Course:
    """The course in course/ and modules/; it must validate (tests/content checks why not)."""
    loaded, problems = check_content(ROOT)
    assert loaded is not None, [str(p) for p in problems]
    return loaded


@pytest.fixture(scope="session")
def make_package(course: Course) -> MakePackage:
    """A package as an open zip, for the test course unless another is given."""

    def make(standard: str, locale: str, of: Course | None = None) -> zipfile.ZipFile:
        out = io.BytesIO()
        write_scorm_package(of or course, standard, locale, out)
        return zipfile.ZipFile(out)

    return make
