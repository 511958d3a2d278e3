"""What the accessibility statement says: the figures CI measured, and who to tell.

``measured.json`` is written by the browser test that runs axe-core on every page
(tests/browser/test_every_page.py); it is read once at start and checked, so a file of the
wrong shape stops the app with a message naming each problem rather than showing a statement
with holes in it.
"""

import json
from dataclasses import dataclass
from email.utils import parseaddr
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated

from flask import Flask, current_app
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, ValidationError

MEASURED_FILE = Path(__file__).resolve().parent / "measured.json"

Words = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Count = Annotated[StrictInt, Field(ge=0)]


class Viewport(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: Words
    width: Annotated[StrictInt, Field(ge=1)]


class Measured(BaseModel):
    """What one CI run of axe-core found. Keys the statement does not use are ignored, so the
    test that writes the file may add some; the ones it uses must all be there."""

    model_config = ConfigDict(frozen=True)
    standard: Words
    tool: Words
    tags: Annotated[list[Words], Field(min_length=1)]
    viewports: Annotated[list[Viewport], Field(min_length=1)]
    roles: Annotated[list[Words], Field(min_length=1)]
    pages: Count
    checks: Count
    violations: Count
    endpoints: list[Words]


class MeasuredFileError(Exception):
    """measured.json is missing, is not JSON, or lacks a key or value the statement shows."""


def load_measured(path: Path = MEASURED_FILE) -> Measured:
    """Read and check ``path``; raises MeasuredFileError with one line per problem
    (``measured.json: pages: Field required``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MeasuredFileError(f"{path}: missing") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MeasuredFileError(f"{path}: not JSON: {error}") from None
    try:
        return Measured.model_validate(data)
    except ValidationError as error:
        problems = [
            f"{path.name}: {'.'.join(str(part) for part in e['loc']) or '(file)'}: {e['msg']}"
            for e in error.errors()
        ]
        raise MeasuredFileError("\n".join(problems)) from None


def init_accessibility(app: Flask) -> None:
    """Load the figures once, at start: a bad file stops the app here, not on a page view."""
    app.extensions["leda_measured"] = load_measured()


def current_measured() -> Measured:
    return current_app.extensions["leda_measured"]


def feedback_contact() -> str:
    """The address for accessibility feedback: LEDA_ACCESSIBILITY_CONTACT, else the address
    mail is sent from (LEDA_MAIL_FROM without its display name)."""
    config = current_app.config
    return config.get("LEDA_ACCESSIBILITY_CONTACT") or parseaddr(config["LEDA_MAIL_FROM"])[1]


@dataclass(frozen=True)
class Statement:
    measured: Measured
    contact: str
    organisation: str | None  # the reader's organisation, when they are logged in
    app_version: str | None  # None when run from a checkout that was never installed

    @property
    def meets_tested_requirements(self) -> bool:
        return self.measured.violations == 0


def statement_for(organisation: str | None) -> Statement:
    """The facts of the statement page, for a reader of ``organisation`` (None: anyone)."""
    try:
        app_version: str | None = version("leda")
    except PackageNotFoundError:
        app_version = None
    return Statement(current_measured(), feedback_contact(), organisation, app_version)
