"""Languages: the UI through Babel catalogs in translations/, content through its own Text maps."""

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, has_request_context, request, session
from flask_babel import Babel, get_locale, gettext
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup, escape

from .content.models import DEFAULT_LOCALE, LOCALES

__all__ = ["babel", "_l", "select_locale", "content_locale", "compile_catalogs", "LANGUAGE_NAMES"]

babel = Babel()


class LazyText(LazyString):
    """``lazy_gettext`` whose HTML form escapes the values filled in.

    flask_babel's LazyString gives Jinja the formatted text as markup, so a value such as a
    spreadsheet cell ``<script>`` would reach the page live. Here ``str()`` is plain text (the
    CLI, logs) and ``__html__`` escapes: the one lazy string of the app.
    """

    def __init__(self, msgid: str, **values: object) -> None:
        super().__init__(gettext, msgid, **values)
        self._msgid = msgid
        self._values = values

    def __html__(self) -> Markup:
        if not self._values:
            return escape(gettext(self._msgid))
        return Markup(gettext(self._msgid)) % self._values


def _l(msgid: str, **values: object) -> LazyText:
    """Translate when shown, in the reader's language: for text made at import time (labels,
    LedaError messages) and messages carrying values that are shown later."""
    return LazyText(msgid, **values)


# Each language named in itself, so a reader can find their own whatever the page's language.
LANGUAGE_NAMES = {"nb": "Norsk bokmål", "sv": "Svenska", "en": "English"}


def select_locale() -> str:
    """The user's choice, then Accept-Language, then the organisation's default, then Bokmål."""
    if not has_request_context():
        return "en"  # the command line speaks English, as its --help does
    if current_user.is_authenticated and current_user.locale:
        return current_user.locale
    if session.get("locale") in LOCALES:
        return session["locale"]
    best = request.accept_languages.best_match(LOCALES + ("no", "nn"))
    if best in ("no", "nn"):
        return "nb"
    if best:
        return best
    if current_user.is_authenticated:
        return current_user.organisation.default_locale
    return DEFAULT_LOCALE


def content_locale() -> str:
    """The locale course text is shown in: the UI's if the course is complete in it, else nb."""
    locale = str(get_locale())
    return locale if locale in current_app.extensions["leda_course"].locales else DEFAULT_LOCALE


def compile_catalogs(directory: Path) -> None:
    """Compile each .po to .mo when the .mo is missing or older, so a fresh clone just runs."""
    for po_path in directory.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        tmp = mo_path.with_suffix(f".{os.getpid()}.tmp")  # workers may compile at once
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp.replace(mo_path)
