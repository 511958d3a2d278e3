"""The course as a SCORM package for any LMS that speaks SCORM 1.2 or 2004: one SCO.

A package holds the whole course behind a module menu, or a single module for an LMS admin
who wants one gradebook item per module. Either way it is one self-contained HTML page that the
small runtime in ``static/js/leda-scorm.js`` brings to life: it finds the LMS, bookmarks,
resumes, scores each quiz, reports each module as an objective and rolls them up into the SCO's
status and score. One SCO, because an LMS keeps one API object per player page and may refuse a
second SCO after the first has terminated (Moodle does, for SCORM 2004). Nothing in a package
fetches anything from the network, so it runs the same in an LMS, from a file share or unzipped
on a laptop.

Each attempt at a quiz draws one question of each pool and shuffles the options, in the
browser. The page holds no readable answer key: per question only a salted SHA-256 of its sorted
correct option ids, which the runtime compares with the hash of the learner's choice, and per
option a sealed record (right or wrong, its place in quiz.yaml, its feedback) that the runtime
opens once the question is answered. The options sit in the page in the order of their ids, not
as authored (authors tend to put the right answer first). This keeps the key out of view-source;
it is not a secret from someone who runs code in the browser, where any client-side quiz is
judged.

The same zip is written for the CLI and the admin download through ``write_scorm_package``,
and it is byte-for-byte the same for the same course, standard, locale and module.
"""

from __future__ import annotations

import base64
import hashlib
import json
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

from app.content.figures import link_figures
from app.content.models import Course, Module, Option, Question, text_in
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
    # the summary's count, and the message beside each question left unanswered (WCAG 3.3.1)
    "unanswered_count": N_("Questions not answered: %(count)s of %(total)s."),
    "answer_this": N_("Answer this question."),
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


@dataclass(frozen=True)
class PageOption:
    option: Option
    sealed: str  # its record for the runtime to open once the question is answered


@dataclass(frozen=True)
class PageQuestion:
    """A question as the package's page holds it; every variant of every pool is there, and
    the runtime shows one per pool."""

    number: int  # its pool's place in the quiz
    question: Question
    is_first_variant: bool  # what a page read without JavaScript shows
    key: str
    options: list[PageOption]


def package_salt(identifier: str, scorm: ScormStandard, locale: str) -> str:
    """The salt of one package's answer hashes and sealed records.

    Derived, not random, so the zip stays the same bytes for the same input; it differs between
    packages (course or module, version, standard, locale), so no hash carries over from one to
    another. It is in the page, since the runtime needs it: no secret.
    """
    return hashlib.sha256(f"leda-scorm|{identifier}|{scorm.key}|{locale}".encode()).hexdigest()[:32]


def _digest(*parts: str) -> bytes:
    """SHA-256 of the parts joined by "|", as the runtime computes it (ids never hold a "|")."""
    return hashlib.sha256("|".join(parts).encode()).digest()


def answer_key(salt: str, module: Module, question: Question) -> str:
    """What the page holds of the question's key: the runtime hashes the learner's choice the
    same way (sorted option ids joined by ",") and compares."""
    return _digest(salt, module.id, question.id, ",".join(sorted(question.correct_ids))).hex()


def sealed_records(salt: str, module: Module, question: Question, locale: str) -> dict[str, str]:
    """Per option id, base64 of ``[correct 0|1, place in quiz.yaml, feedback]`` as JSON, XORed
    with a SHA-256 stream of the option's own.

    All records of a question are padded with spaces to the same length, so neither their
    length nor a shared opening ("Right, …") tells the right option from the others.
    """
    records = {
        option.id: json.dumps(
            [int(option.correct), place, text_in(option.feedback, locale)],
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        for place, option in enumerate(question.options)
    }
    width = max(len(record) for record in records.values())
    sealed = {}
    for option_id, record in records.items():
        stream = b"".join(
            _digest(salt, module.id, question.id, option_id, str(block))
            for block in range(-(-width // 32))
        )[:width]
        plain = record.ljust(width)
        sealed[option_id] = base64.b64encode(
            bytes(a ^ b for a, b in zip(plain, stream, strict=True))
        ).decode()
    return sealed


def options_in_page_order(question: Question) -> list[Option]:
    """The order the page holds the options in before the runtime shuffles them: by id, so the
    source does not show the authored order; true/false keeps its "true", "false"."""
    if question.type == "true_false":
        return list(question.options)
    return sorted(question.options, key=lambda option: option.id)


def page_quiz(salt: str, module: Module, locale: str) -> list[PageQuestion]:
    """Every question of the module, pool by pool in the quiz's order, as the page holds it."""
    quiz = []
    for number, pool in enumerate(module.pools, 1):
        for position, question in enumerate(pool):
            sealed = sealed_records(salt, module, question, locale)
            quiz.append(
                PageQuestion(
                    number=number,
                    question=question,
                    is_first_variant=position == 0,
                    key=answer_key(salt, module, question),
                    options=[
                        PageOption(option, sealed[option.id])
                        for option in options_in_page_order(question)
                    ],
                )
            )
    return quiz


def package_files(
    course: Course, scorm: ScormStandard, locale: str, modules: list[Module], whole_course: bool
) -> Iterator[tuple[str, bytes]]:
    """Every file of the package as (path in the zip, bytes), the manifest first."""
    shared = {
        **figure_files(modules, locale),
        **stylesheet_files(APP_STATIC, "css/leda.css"),
        "shared/css/leda-scorm.css": (EXPORT_STATIC / "css" / "leda-scorm.css").read_bytes(),
        "shared/js/leda-scorm.js": (EXPORT_STATIC / "js" / "leda-scorm.js").read_bytes(),
        "shared/js/leda-sha256.js": (EXPORT_STATIC / "js" / "leda-sha256.js").read_bytes(),
    }
    if whole_course:
        version, title = course.version, text_in(course.title, locale)
        identifier = f"{course.id}-v{version}"
    else:
        version, title = modules[0].version, text_in(modules[0].title, locale)
        identifier = f"{course.id}-{modules[0].id}-v{version}"
    salt = package_salt(identifier, scorm, locale)
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
        "t_html": lambda text: Markup(text_in(text, locale)),
        "objective_id": objective_id,
    }
    page = (
        _environment()
        .get_template("export/scorm/sco.html")
        .render(
            **values,
            # The whole scene: a package does not stop at the lesson's check (practice, unscored)
            lesson_body=lambda module, lesson, by: link_figures(
                _demote_headings(
                    "".join(
                        text_in(part, locale) for part in (lesson.body, lesson.body_after) if part
                    ),
                    by,
                ),
                lambda file: _figure_path(module, file),
            ),
            ui=lambda key, **more: ui_text(key, locale, **more),
            salt=salt,
            quiz=lambda module: page_quiz(salt, module, locale),
        )
    )
    manifest = (
        _environment().get_template(scorm.manifest_template).render(**values, shared=sorted(shared))
    )
    yield "imsmanifest.xml", manifest.encode()
    yield from _schema_files(scorm)
    yield "index.html", page.encode()
    yield from sorted(shared.items())


def figure_files(modules: list[Module], locale: str) -> dict[str, bytes]:
    """The drawings the package's lessons show in ``locale``, under figures/<module>/."""
    return {
        _figure_path(module, file): data
        for module in modules
        for file, data in sorted(module.figures.items())
        if file.endswith(f".{locale}.svg")
    }


def _figure_path(module: Module, file: str) -> str:
    return f"figures/{module.id}/{file}"


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
