"""What the accessibility statement says: the figures CI measured, and who to tell.

``measured.json`` is written by the browser test that runs axe-core on every page
(tests/browser/test_every_page.py) each time it runs, and committed with the code: the
statement shows the figures of the last run committed. It is read once at start and checked,
so a file of the wrong shape (or one that counts no pages or no checks) stops the app with a
message naming each problem rather than showing a statement with holes in it.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from email.utils import parseaddr
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any

from babel.lists import format_list
from flask import Flask, current_app
from flask_babel import get_locale, ngettext
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, ValidationError

MEASURED_FILE = Path(__file__).resolve().parent / "measured.json"
# When the statement's text was prepared and last reviewed: change REVIEWED when you review it.
STATEMENT_PREPARED = date(2026, 12, 4)
STATEMENT_REVIEWED = date(2026, 12, 4)

Words = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Count = Annotated[StrictInt, Field(ge=0)]
Positive = Annotated[StrictInt, Field(ge=1)]  # no pages checked is no measurement at all


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
    pages: Positive
    checks: Positive
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
    """Load the figures and read Leda's version once, at start: a bad file stops the app
    here, not on a page view."""
    app.extensions["leda_measured"] = load_measured()
    app.extensions["leda_accessibility_contact"] = feedback_contact(app.config)
    try:
        app.extensions["leda_version"] = version("leda")
    except PackageNotFoundError:  # run from a checkout that was never installed
        app.extensions["leda_version"] = None


def current_measured() -> Measured:
    return current_app.extensions["leda_measured"]


AXE_WCAG_TAG = re.compile(r"wcag(\d)(\d?)(a{1,3})")


def rule_sets_in_words(tags: list[str]) -> str:
    """axe-core's rule tags in the reader's words: ``wcag2a, wcag2aa, wcag21a, wcag21aa`` is
    "WCAG 2.0 and 2.1, levels A and AA"; versions with different levels are named one by one,
    and a tag that is not a WCAG level (``best-practice``) is shown as it is."""
    levels: dict[str, set[str]] = {}
    others: list[str] = []
    for tag in tags:
        match = AXE_WCAG_TAG.fullmatch(tag)
        if match:
            major, minor, level = match.groups()
            levels.setdefault(f"{major}.{minor or 0}", set()).add(level.upper())
        else:
            others.append(tag)
    locale = str(get_locale())

    def phrase(versions: list[str], wanted: set[str]) -> str:
        named = sorted(wanted, key=len)
        return ngettext(
            "WCAG %(versions)s, level %(levels)s",
            "WCAG %(versions)s, levels %(levels)s",
            len(named),
            versions=format_list(versions, locale=locale),
            levels=format_list(named, locale=locale),
        )

    ordered = sorted(levels, key=lambda v: tuple(int(part) for part in v.split(".")))
    if ordered and all(levels[v] == levels[ordered[0]] for v in ordered):
        parts = [phrase(ordered, levels[ordered[0]])]
    else:
        parts = [phrase([v], levels[v]) for v in ordered]
    return "; ".join(parts + others)


def feedback_contact(config: Mapping[str, Any]) -> str:
    """The address for accessibility feedback: LEDA_ACCESSIBILITY_CONTACT, else the address
    mail is sent from (LEDA_MAIL_FROM without its display name; `leda doctor` warns then)."""
    return config.get("LEDA_ACCESSIBILITY_CONTACT") or parseaddr(config["LEDA_MAIL_FROM"])[1]


@dataclass(frozen=True)
class Statement:
    measured: Measured
    contact: str
    organisation: str | None  # the reader's organisation, when they are logged in
    app_version: str | None  # None when run from a checkout that was never installed
    prepared: date = STATEMENT_PREPARED
    reviewed: date = STATEMENT_REVIEWED

    @property
    def meets_tested_requirements(self) -> bool:
        return self.measured.violations == 0


def statement_for(organisation: str | None) -> Statement:
    """The facts of the statement page, for a reader of ``organisation`` (None: anyone)."""
    app_version = current_app.extensions["leda_version"]
    contact = current_app.extensions["leda_accessibility_contact"]
    return Statement(current_measured(), contact, organisation, app_version)
