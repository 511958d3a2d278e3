"""Pages rendered once for everyone who sees the same thing.

A signed-in page is personal, but most of what it shows is shared: the lesson, the layout, the
menus of the reader's roles. :func:`shared_page` keeps a rendered page under a key of everything
it shows (the address, the languages, the reader's roles and the state the view passes), with the
values that belong to one response alone (the CSRF token, a form's signed owner) cut out. The next
reader in the same state gets it back with their own values put in: no template is rendered.

Nothing is ever stale, because nothing is invalidated: a different state is a different key. A
page with flashed messages waiting is rendered afresh (showing them empties the queue). Each
process keeps up to ``LEDA_PAGE_CACHE_MB`` megabytes of pages, least recently used out
first; 0 turns it off.
"""

import sys
import threading
from collections.abc import Callable, Hashable, Sequence

from cachetools import LRUCache
from flask import Flask, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from .content import current_course
from .i18n import content_locale

# Stand-ins for the per-response values in a kept page: NUL never reaches a rendered page (it is
# refused in any input, and the course checker passes only text).
_SLOT = "\x00{}\x00"


class _Pages:
    def __init__(self, megabytes: int) -> None:
        # Bounded by the memory the pages take (a str of non-Latin-1 text is 2 bytes a character).
        self.kept: LRUCache[Hashable, str] = LRUCache(
            maxsize=megabytes * 2**20, getsizeof=sys.getsizeof
        )
        self.lock = threading.Lock()  # LRUCache is not thread-safe; the dev server has threads


def init_pages(app: Flask) -> None:
    size = app.config["LEDA_PAGE_CACHE_MB"]
    app.extensions["leda_pages"] = _Pages(size) if size > 0 else None


def shared_page(
    state: Hashable,
    render: Callable[[], str],
    unique: Sequence[str] = (),
    readers_own: bool = False,
) -> str:
    """The page ``render()`` makes for this request, kept for the next request in the same state.

    ``state`` is everything the page shows that the address, the reader's languages and roles
    do not already say; ``unique`` the values that differ on every response (the CSRF token is
    always one). The view must pass all of them: a value the page shows that is in neither would
    be shown to the next reader too. ``readers_own``: the state holds what only this reader
    wrote, so the page is kept for them alone (and nobody can learn, from how fast a page comes,
    that someone else wrote the same).

    An address with a query string is rendered afresh: anyone could make endless keys of it.
    """
    pages: _Pages | None = current_app.extensions["leda_pages"]
    if pages is None or session.get("_flashes") or request.query_string:
        return render()
    unique = (generate_csrf(), *unique)
    signed_in = current_user.is_authenticated
    key = (
        request.path,
        str(get_locale()),
        content_locale(),
        current_course().version,
        current_user.org_id if signed_in else None,
        current_user.roles if signed_in else None,
        current_user.id if readers_own else None,
        state,
    )
    with pages.lock:
        kept = pages.kept.get(key)
    if kept is None:
        page = render()
        if _names_its_reader(page):
            return page  # a page that shows who reads it is theirs alone: never kept
        kept = page
        for number, value in enumerate(unique):
            kept = kept.replace(value, _SLOT.format(number))
        with pages.lock:
            pages.kept[key] = kept
        return page
    for number, value in enumerate(unique):
        kept = kept.replace(_SLOT.format(number), value)
    return kept


def _names_its_reader(page: str) -> bool:
    """Whether the page shows the reader's e-mail address or name, as a page shows them
    (escaped): a guard against a template that starts showing them while its view's state does
    not say so."""
    if not current_user.is_authenticated:
        return False
    shown = (current_user.email, f"{current_user.given_name} {current_user.family_name}".strip())
    return any(str(escape(value)) in page for value in shown if value)
