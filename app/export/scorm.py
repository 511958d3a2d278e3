"""The course as a SCORM package for any LMS that speaks SCORM 1.2 or 2004: one SCO.

A package holds the whole course behind a module menu, or a single module for an LMS admin
who wants one gradebook item per module. Either way it is one self-contained HTML page that the
small runtime in ``static/js/leda-scorm.js`` brings to life: it finds the LMS, bookmarks,
resumes, scores each quiz, reports each module as an objective and rolls them up into the SCO's
status and score. One SCO, because an LMS keeps one API object per player page and may refuse a
second SCO after the first has terminated (Moodle does, for SCORM 2004). Nothing in a package
fetches anything from the network, so it runs the same in an LMS, from a file share or unzipped
on a laptop.

The same zip is written for the CLI and the admin download through ``write_scorm_package``,
and it is byte-for-byte the same for the same course, standard, locale and module.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from app.content.models import Course, Module, text_in
from app.i18n import compile_catalogs

HERE = Path(__file__).resolve().parent
APP_STATIC = HERE.parent / "static"
EXPORT_STATIC = HERE / "static"
SCHEMAS = EXPORT_STATIC / "schemas"
TRANSLATIONS = HERE.parent.parent / "translations"

# Zip entries get this time, so the same input always gives the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class ScormStandard:
    """What differs between the SCORM versions; the runtime reads ``key`` from the page."""

    key: str
    label: str
    manifest_template: str
    # The control documents the manifest's xsi:schemaLocation names, and what they import or
    # include in turn: SCORM wants them at the package root so a package can be validated.
    schema_files: tuple[str, ...]


SCORM_STANDARDS: dict[str, ScormStandard] = {
    "1.2": ScormStandard(
        key="1.2",
        label="SCORM 1.2",
        manifest_template="export/scorm/imsmanifest-1.2.xml",
        schema_files=("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "ims_xml.xsd"),
    ),
    "2004": ScormStandard(
        key="2004",
        label="SCORM 2004 4th Edition",
        manifest_template="export/scorm/imsmanifest-2004.xml",
        schema_files=(
            "imscp_v1p1.xsd",
            "adlcp_v1p3.xsd",
            "adlseq_v1p3.xsd",
            "adlnav_v1p3.xsd",
            "imsss_v1p0.xsd",
            "imsss_v1p0auxresource.xsd",
            "imsss_v1p0control.xsd",
            "imsss_v1p0delivery.xsd",
            "imsss_v1p0limit.xsd",
            "imsss_v1p0objective.xsd",
            "imsss_v1p0random.xsd",
            "imsss_v1p0rollup.xsd",
            "imsss_v1p0seqrule.xsd",
            "imsss_v1p0util.xsd",
            "xml.xsd",
            "XMLSchema.dtd",
            "datatypes.dtd",
        ),
    ),
}


def N_(message: str) -> str:
    """Mark a message for `pybabel extract` (a default keyword); it is translated later, in the
    package's locale rather than the request's."""
    return message


# The package's own words, from the app's catalogs, so a package says what the app says.
# ``%(name)s`` values are filled when the page is written; those left out become ``{name}``
# for the runtime to fill in the browser.
UI_MESSAGES: dict[str, str] = {
    "skip": N_("Skip to content"),
    "not_recorded": N_(
        "Your progress is not being recorded: this page is not connected to a learning platform."
    ),
    "review": N_("Review: nothing you do here is recorded, so your results stay as they are."),
    "modules": N_("Modules"),
    "all_modules": N_("All modules"),
    "contents": N_("%(module)s: contents"),
    # A module's state in the menu, in the web app's words for it.
    "status_passed": N_("Passed"),
    "status_failed": N_("Quiz not passed yet"),
    "status_quiz_passed": N_("Quiz passed, lessons left"),
    "status_lessons_done": N_("Lessons done, quiz left"),
    "status_started": N_("In progress"),
    "status_new": N_("Not started"),
    "overview": N_("About this module"),
    "minutes": N_("%(minutes)s min"),
    "pass_mark": N_("Pass mark: %(percent)s %%"),
    "objectives": N_("After this module you can"),
    "start": N_("Start with the first lesson"),
    "lesson_of": N_("Lesson %(number)s of %(total)s"),
    "takeaway": N_("Key takeaway"),
    "action": N_("Try this at work"),
    "reflect": N_("Reflect"),
    "lessons": N_("Lessons"),
    "previous": N_("Previous"),
    "next": N_("Next"),
    "quiz": N_("Quiz"),
    "quiz_intro": N_(
        "Answer every question. You pass with %(percent)s %% of the points, and you see "
        "feedback on every answer afterwards."
    ),
    "choose_all": N_("(choose all that apply)"),
    "submit": N_("Submit answers"),
    "needs_script": N_("The quiz needs JavaScript to be scored."),
    "unanswered": N_("Answer every question before you submit."),
    "passed": N_("Passed."),
    "failed": N_("Not passed yet."),
    "score": N_(
        "You scored %(raw)s of %(max)s points (%(percent)s %%). The pass mark is %(pass_mark)s %%."
    ),
    "correct": N_("Correct"),
    "incorrect": N_("Not correct"),
    "your_answer": N_("Your answer."),
    "right_answer": N_("A right answer."),
    "wrong_answer": N_("Not a right answer."),
    "try_again": N_("Try again"),
    "footer": N_("Leda – microlearning for leaders in the public sector"),
}
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def ui_text(key: str, locale: str, **values: object) -> str:
    """A package string in ``locale``; values not given are left as ``{name}`` for the runtime."""
    text = _translations(locale).gettext(UI_MESSAGES[key])
    return text % {name: values.get(name, "{" + name + "}") for name in _PLACEHOLDER.findall(text)}


@cache
def _translations(locale: str) -> Translations:
    compile_catalogs(TRANSLATIONS)
    return Translations.load(str(TRANSLATIONS), [locale])


_HEADING = re.compile(r"<(/?)h([1-6])>")
_CSS_REFERENCE = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


class SchemasMissing(RuntimeError):
    """The SCORM control documents are kept in the repository; without them no package can be
    built (`npm ci` copies them there afresh)."""


def scorm_filename(course: Course, standard: str, locale: str, module_id: str | None = None) -> str:
    """A download name that tells packages apart: course (or module), version, standard, locale."""
    version = f"{course.id}-v{course.version}"
    if module_id is not None:
        version = f"{course.id}-{module_id}-v{package_modules(course, module_id)[0].version}"
    return f"{version}-scorm{standard.replace('.', '')}-{locale}.zip"


def package_modules(course: Course, module_id: str | None) -> list[Module]:
    """The modules a package holds: every module of the course, or the one named.

    Raises ValueError naming the course's modules for an id it does not have.
    """
    if module_id is None:
        return list(course.modules)
    module = course.module(module_id)
    if module is None:
        known = ", ".join(m.id for m in course.modules)
        raise ValueError(f"the course has no module {module_id}; its modules are {known}")
    return [module]


def write_scorm_package(
    course: Course, standard: str, locale: str, out: BinaryIO, module_id: str | None = None
) -> None:
    """Write the zip for ``course`` (or one of its modules) in ``locale`` to ``out``; the one
    export behind CLI and UI.

    Raises KeyError for an unknown standard, ValueError for a locale the course is not written
    in (a package never mixes languages) or a module it does not have, and SchemasMissing when
    the SCORM schemas are not installed. The same arguments always give the same bytes:
    entries are sorted and carry a fixed time.
    """
    scorm = SCORM_STANDARDS[standard]
    if locale not in course.locales:
        raise ValueError(f"the course has no {locale} text; it is written in {course.locales}")
    modules = package_modules(course, module_id)
    files = list(package_files(course, scorm, locale, modules, module_id is None))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:  # every error was raised before the first write
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)


def objective_id(module: Module) -> str:
    """The module's id as a SCORM identifier: letters, digits, "_" and "." are all Moodle takes.

    Content ids are ``[a-z0-9][a-z0-9-]*``, so "-" to "_" keeps different ids different; the
    runtime makes interaction and response ids the same way.
    """
    return module.id.replace("-", "_")


def package_files(
    course: Course, scorm: ScormStandard, locale: str, modules: list[Module], whole_course: bool
) -> Iterator[tuple[str, bytes]]:
    """Every file of the package as (path in the zip, bytes), the manifest first."""
    shared = {
        **stylesheet_files(APP_STATIC, "css/leda.css"),
        "shared/css/leda-scorm.css": (EXPORT_STATIC / "css" / "leda-scorm.css").read_bytes(),
        "shared/js/leda-scorm.js": (EXPORT_STATIC / "js" / "leda-scorm.js").read_bytes(),
    }
    if whole_course:
        version, title = course.version, text_in(course.title, locale)
        identifier = f"{course.id}-v{version}"
    else:
        version, title = modules[0].version, text_in(modules[0].title, locale)
        identifier = f"{course.id}-{modules[0].id}-v{version}"
    values = {
        "course": course,
        "modules": modules,
        "whole_course": whole_course,
        "identifier": identifier,
        "version": version,
        "title": title,
        "standard": scorm.key,
        "locale": locale,
        "t": lambda text: text_in(text, locale),
        "objective_id": objective_id,
    }
    page = (
        _environment()
        .get_template("export/scorm/sco.html")
        .render(
            **values,
            lesson_body=lambda lesson, by: _demote_headings(text_in(lesson.body, locale), by),
            ui=lambda key, **more: ui_text(key, locale, **more),
        )
    )
    manifest = (
        _environment().get_template(scorm.manifest_template).render(**values, shared=sorted(shared))
    )
    yield "imsmanifest.xml", manifest.encode()
    yield from _schema_files(scorm)
    yield "index.html", page.encode()
    yield from sorted(shared.items())


def _demote_headings(html: str, by: int) -> Markup:
    """Lesson HTML ``by`` heading levels down, to sit below the lesson's title in the page.

    The body is the safe HTML rendered at load, whose headings carry no attributes.
    """
    return Markup(_HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + by, 6)}>", html))


def _schema_files(scorm: ScormStandard) -> Iterator[tuple[str, bytes]]:
    folder = SCHEMAS / scorm.key
    for name in scorm.schema_files:
        path = folder / name
        if not path.is_file():
            raise SchemasMissing(f"{path} is missing: run `npm ci` to install the SCORM schemas")
        yield name, path.read_bytes()


def stylesheet_files(static: Path, name: str) -> dict[str, bytes]:
    """The app's stylesheet and whatever it pulls in, placed under shared/ as in static/.

    Fonts and images a stylesheet refers to by relative URL come along, so the package looks
    like the app offline; a reference that would need the network is refused.
    """
    files: dict[str, bytes] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        data = (static / current).read_bytes()
        files[f"shared/{current}"] = data
        if not current.endswith(".css"):
            continue
        for match in _CSS_REFERENCE.finditer(data.decode("utf-8")):
            reference = (match[1] or match[2]).split("#")[0].split("?")[0]
            if reference.startswith("data:") or not reference:
                continue
            if ":" in reference or reference.startswith("/"):
                raise ValueError(f"{current} refers to {reference}; a SCORM package stays offline")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(current), reference))
            if target.startswith(".."):
                raise ValueError(f"{current} refers to {reference}, outside {static}")
            if f"shared/{target}" not in files:
                pending.append(target)
    return files


@cache
def _environment() -> Environment:
    """A Jinja environment of its own, so a package renders without an app or a request."""
    return Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
