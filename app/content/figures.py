"""Figures in lessons: one SVG per locale, drawn for the course and checked before it loads.

A lesson shows a figure with a paragraph of its own, ``![text alternative](name.svg)``; the
drawing for each locale is ``modules/<id>/figures/<name>.<locale>.svg``. The Markdown renders
it as ``<figure class="lesson-figure"><img src="figures/<name>.<locale>.svg" alt="…">`` with
the source relative to the module's folder; whoever shows the lesson (the lesson page, a SCORM
package) points it at where it serves the file with ``link_figures``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.parsers import expat

from markupsafe import Markup, escape

from .models import LOCALES

# The name a lesson gives a figure; its files add the locale before ".svg".
FIGURE_NAME = re.compile(r"^([a-z0-9][a-z0-9-]*)\.svg$")
FIGURE_FILE = re.compile(rf"^([a-z0-9][a-z0-9-]*)\.({'|'.join(LOCALES)})\.svg$")
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Elements that would show another document or run code inside the drawing.
_REFUSED = ("script", "image", "foreignObject", "iframe", "video", "audio")
# A figure as the renderer writes it; raw HTML is escaped, so nothing else looks like this.
_RENDERED = re.compile(r'(<figure class="lesson-figure"><img src=")figures/([^"]+)(")')
_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


def figure_file(name: str, locale: str) -> str | None:
    """The file a reference in a lesson names for ``locale``: "a-b.svg" -> "a-b.nb.svg"."""
    match = FIGURE_NAME.match(name)
    return f"{match[1]}.{locale}.svg" if match else None


def link_figures(html: str, source: Callable[[str], str]) -> Markup:
    """Lesson HTML with each figure's source (its file name) replaced by ``source(file)``."""
    return Markup(_RENDERED.sub(lambda m: f"{m[1]}{escape(source(m[2]))}{m[3]}", html))


def svg_problems(data: bytes) -> list[str]:
    """What keeps a file from being a figure: it must parse as SVG (no DTD, no entities), have
    a <title> and a viewBox, and neither run code nor load anything (no <script>, <image> or
    <foreignObject>, no on* attributes, no reference that is not "#" inside the file, no
    processing instruction such as a stylesheet's).

    Parsed with expat refusing any DOCTYPE, so no entity is ever expanded or fetched.
    """
    problems: list[str] = []
    open_elements: list[str] = []
    titled = False

    def refuse_doctype(*_args: object) -> None:
        raise ValueError("has a DOCTYPE; an SVG figure needs none")

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal titled
        namespace, _, local = name.rpartition(" ")
        if not open_elements:
            if (namespace, local) != (SVG_NS, "svg"):
                problems.append(f"the root element is <{local}>, not an SVG <svg>")
            if "viewBox" not in attributes:
                problems.append("has no viewBox on <svg>, so it cannot scale to the page")
        elif len(open_elements) == 1 and (namespace, local) == (SVG_NS, "title"):
            titled = True
        open_elements.append(local)
        if local in _REFUSED:
            problems.append(f"contains <{local}>, which a figure may not")
        for attribute, value in attributes.items():
            attribute_ns, _, attribute_name = attribute.rpartition(" ")
            if attribute_name.lower().startswith("on"):
                problems.append(f"<{local}> has an {attribute_name} attribute")
            elif (
                attribute_name == "href"
                and attribute_ns in ("", XLINK_NS)
                and not value.strip().startswith("#")
            ):
                problems.append(f"<{local}> refers to {value!r}; only '#…' inside the file")
            problems.extend(_url_problems(local, value))

    def instruction(target: str, _data: str) -> None:
        problems.append(f"has a processing instruction <?{target}?>")

    def text(data: str) -> None:
        if open_elements and open_elements[-1] == "style":
            problems.extend(_url_problems("style", data))

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda _name: open_elements.pop()
    parser.CharacterDataHandler = text
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    except ValueError as error:
        return [str(error)]
    except expat.ExpatError as error:
        return [f"not valid XML: {expat.errors.messages[error.code]} (line {error.lineno})"]
    if not titled:
        problems.insert(0, "has no <title> (a child of <svg>) naming the figure")
    return list(dict.fromkeys(problems))


def _url_problems(element: str, value: str) -> list[str]:
    """A CSS url() that would load something from outside the file."""
    return [
        f"<{element}> refers to {reference!r}; only '#…' inside the file"
        for reference in _URL.findall(value)
        if not reference.startswith("#")
    ]
