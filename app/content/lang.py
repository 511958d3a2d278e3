"""The language of a phrase: ``[statsforvalteren]{lang=nb}`` renders ``<span lang="nb">…``.

A Norwegian or Swedish term in an English text (or a Swedish one in a Norwegian text) is
marked so a screen reader pronounces it in its own language (WCAG 3.1.2). The syntax is the
attributes plugin of mdit-py-plugins, limited to spans and to the one attribute ``lang``, with
a value of ``PHRASE_LANGS``; ``phrase_problems`` says what else an author wrote, and the
checker refuses it. Lesson Markdown has it; so do the plain-text fields of ``MARKED_FIELDS``,
rendered by a renderer that knows nothing but these spans (everything else stays text).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin

from .models import LOCALES

PHRASE_LANGS = LOCALES
# The plain-text fields of a lesson (module.yaml lessons[]) whose page shows them as HTML, so
# a phrase in them may be marked; everywhere else (titles, mails, reports) they are plain text.
MARKED_FIELDS = ("takeaway", "reflection", "action")
MARKED_FIELDS_TEXT = "takeaway, reflection and action"
# An attribute block the plugin did not take: after a space, an image, a link or code (when it
# sets lang), or after a ] but holding an event handler (which the plugin will not parse).
_STRAY = re.compile(r"(?<=\])\{[^{}\n]*\}|\{[^{}\n]*\blang\s*=[^{}\n]*\}")


def mark_phrases(md: MarkdownIt) -> MarkdownIt:
    """``md`` with ``[phrase]{lang=…}`` spans; other attributes are dropped from the HTML
    (and kept in the token's meta, for ``phrase_problems`` to name)."""
    return md.use(attrs_plugin, after=(), spans=True, allowed=("lang",))


_plain = mark_phrases(MarkdownIt("zero"))


def render_phrases(text: str) -> str:
    """Plain text as safe HTML: escaped, with only its marked phrases as spans."""
    return _plain.renderInline(text)


def strip_phrases(text: str) -> str:
    """Plain text without the marking, for the places that show it as text."""
    if "]{" not in text:
        return text
    children = _plain.parseInline(text)[0].children or []
    return _plain.renderer.renderInlineAsText(children, _plain.options, {})


def phrase_problems(inline: Token, locale: str) -> Iterator[tuple[int, str]]:
    """What is wrong with the marked phrases of one inline token, each with its line counted
    from the token's first (0-based): only ``lang``, one of ``PHRASE_LANGS``, not the text's
    own language, and no attribute block left standing as text."""
    line = 0
    children = inline.children or []
    for i, child in enumerate(children):
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "span_open":
            other = child.meta.get("insecure_attrs", {})
            lang = str(child.attrs.get("lang", ""))
            phrase = f"[{_phrase_text(children[i + 1 :])}]"
            if other:
                yield line, f"{phrase}: only lang may be set, not {', '.join(sorted(other))}"
            elif not lang:
                yield line, f"{phrase}: set lang ({', '.join(PHRASE_LANGS)})"
            elif lang not in PHRASE_LANGS:
                yield line, f"{phrase}: lang={lang}: not one of {', '.join(PHRASE_LANGS)}"
            elif lang == locale:
                yield line, f"{phrase}: lang={lang} is the text's own language; leave it unmarked"
        elif child.type == "text" and (stray := _STRAY.search(child.content)):
            yield (
                line,
                f"{stray[0]}: marks nothing; write [phrase]{{lang=nb}} (nb, sv or en, and"
                " nothing else) right after the ]",
            )


def _phrase_text(following: list[Token]) -> str:
    """The words of a span, from the tokens after its opening up to its close."""
    depth, words = 0, []
    for token in following:
        if token.type == "span_close" and depth == 0:
            break
        depth += {"span_open": 1, "span_close": -1}.get(token.type, 0)
        if token.type in ("text", "code_inline"):
            words.append(token.content)
        elif token.type == "softbreak":
            words.append(" ")
    return "".join(words)


def text_phrase_problems(text: str, locale: str) -> Iterator[str]:
    """``phrase_problems`` for a plain-text field (a YAML value, where the field gives the line)."""
    for token in _plain.parse(text):
        if token.type == "inline":
            yield from (message for _, message in phrase_problems(token, locale))


def has_phrases(text: str) -> bool:
    """Whether a plain-text field marks any phrase (or tries to)."""
    if "{" not in text:
        return False
    tokens = [t for t in _plain.parse(text) if t.type == "inline"]
    return any(
        c.type == "span_open" or (c.type == "text" and _STRAY.search(c.content))
        for t in tokens
        for c in t.children or []
    )
