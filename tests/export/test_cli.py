"""`leda export scorm`: the same bytes as the service, written whole or not at all."""

import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from app.content import current_course
from app.export.cli import export
from app.export.scorm import write_scorm_package


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder of its own: the test database lives in tmp_path."""
    path = tmp_path / "out"
    path.mkdir()
    return path


def test_export_scorm_writes_the_package(app: Flask, runner: FlaskCliRunner, folder: Path):
    out = folder / "course.zip"

    result = runner.invoke(
        export, ["scorm", "--standard", "2004", "--locale", "sv", "--out", str(out)]
    )

    assert result.exit_code == 0, result.output
    assert result.output == f"{out}: SCORM 2004 4th Edition, sv, 1 modules, one SCO\n"
    expected = io.BytesIO()
    write_scorm_package(current_course(), "2004", "sv", expected)
    assert out.read_bytes() == expected.getvalue()
    assert [p.name for p in folder.iterdir()] == ["course.zip"]


def test_export_scorm_offers_only_known_standards(runner: FlaskCliRunner, folder: Path):
    result = runner.invoke(
        export, ["scorm", "--standard", "1.3", "--locale", "nb", "--out", str(folder / "x.zip")]
    )

    assert result.exit_code == 2
    assert "'1.3' is not one of '1.2', '2004'" in result.output
    assert list(folder.iterdir()) == []


def test_export_scorm_refuses_a_locale_the_course_lacks(
    app: Flask, runner: FlaskCliRunner, folder: Path
):
    app.extensions["leda_course"] = current_course().model_copy(update={"locales": ["nb"]})

    result = runner.invoke(
        export, ["scorm", "--standard", "1.2", "--locale", "en", "--out", str(folder / "x.zip")]
    )

    assert result.exit_code == 2
    assert "the course is written in nb" in result.output
    assert list(folder.iterdir()) == []


def test_export_scorm_writes_one_module(app: Flask, runner: FlaskCliRunner, folder: Path):
    out = folder / "module.zip"

    result = runner.invoke(
        export,
        [
            "scorm",
            "--standard",
            "1.2",
            "--locale",
            "en",
            "--module",
            "first-steps",
            "--out",
            str(out),
        ],
    )

    assert result.exit_code == 0, result.output
    assert result.output == f"{out}: SCORM 1.2, en, module first-steps, one SCO\n"
    expected = io.BytesIO()
    write_scorm_package(current_course(), "1.2", "en", expected, "first-steps")
    assert out.read_bytes() == expected.getvalue()


def test_export_scorm_names_the_modules_for_an_unknown_one(
    app: Flask, runner: FlaskCliRunner, folder: Path
):
    result = runner.invoke(
        export,
        [
            "scorm",
            "--standard",
            "1.2",
            "--locale",
            "nb",
            "--module",
            "nope",
            "--out",
            str(folder / "x.zip"),
        ],
    )

    assert result.exit_code == 2
    assert "the course has no module nope; its modules are first-steps" in result.output
    assert list(folder.iterdir()) == []
