"""Fixtures for the export tests: the test course, a two-module one, the real one, and packages."""

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
def two_module_course(course: Course) -> Course:
    """The test course with a second module after its first: next-steps, version 1, pass mark
    50 %, the first two questions only (capital, 1 point; nordic, 2 points)."""
    first = course.modules[0]
    second = first.model_copy(
        update={
            "id": "next-steps",
            "version": 1,
            "pass_mark": 50,
            "title": {"nb": "Neste steg", "sv": "Nästa steg", "en": "Next steps"},
            "questions": first.questions[:2],
        }
    )
    return course.model_copy(update={"modules": [first, second]})


@pytest.fixture(scope="session")
def real_course() -> Course:
    """The course in course/ and modules/; it must validate (tests/content checks why not)."""
    loaded, problems = check_content(ROOT)
    assert loaded is not None, [str(p) for p in problems]
    return loaded


@pytest.fixture(scope="session")
def make_package(course: Course) -> MakePackage:
    """A package as an open zip: of the test course unless another is given, of the whole
    course unless a module is named."""

    def make(
        standard: str, locale: str, of: Course | None = None, module: str | None = None
    ) -> zipfile.ZipFile:
        out = io.BytesIO()
        write_scorm_package(of or course, standard, locale, out, module)
        return zipfile.ZipFile(out)

    return make
