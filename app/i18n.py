"""Languages: the UI through Babel catalogs in translations/, content through its own Text maps."""

import os
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, g, has_request_context, request, session
from flask_babel import Babel, get_locale, gettext, refresh
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup, escape

from .content.models import DEFAULT_LOCALE, LOCALES

if TYPE_CHECKING:
    from .orgs.models import User

__all__ = [
    "babel",
    "_l",
    "select_locale",
    "address",
    "content_locale",
    "compile_catalogs",
    "LANGUAGE_NAMES",
]

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
    """The language of this request's page.

    A signed-in person reads their profile's language (``User.preferred_locale``), whatever
    the browser says. So does the person a page is addressed to (``address``), unless a
    language was picked in this browser session. Anyone else reads the language they picked,
    then the browser's, then Bokmål. A pick made before login goes into the profile at login
    (``auth.views.login``), so it stays.
    """
    if not has_request_context():
        return "en"  # the command line speaks English, as its --help does
    addressee: User | None = g.get("addressee")
    if addressee is None and current_user.is_authenticated:
        return current_user.preferred_locale
    if session.get("locale") in LOCALES:
        return session["locale"]
    if addressee is not None:
        return addressee.preferred_locale
    best = request.accept_languages.best_match(LOCALES + ("no", "nn"))
    if best in ("no", "nn"):
        return "nb"
    return best or DEFAULT_LOCALE


def address(person: "User") -> None:
    """Show this request's page to ``person``: the one a link was mailed to reads the page it
    opens in their language, as they read the mail, not in their browser's."""
    g.addressee = person
    refresh()  # in case anything asked for the locale before the view knew who reads


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
