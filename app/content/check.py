"""Read course/ and modules/ into a ``Course``, collecting every problem on the way.

Stage 1 checks each file on its own (YAML parses, fields exist and are typed, every lesson has
its Markdown). Stage 2 runs only when stage 1 was clean and checks what files say about each
other. A course with any problem is never returned, so nothing is ever half-loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from pydantic import BaseModel, ValidationError

from .figures import FIGURE_FILE, figure_file, svg_problems
from .lang import (
    MARKED_FIELDS,
    MARKED_FIELDS_TEXT,
    has_phrases,
    mark_phrases,
    phrase_problems,
    render_phrases,
    strip_phrases,
    text_phrase_problems,
)
from .models import (
    DEFAULT_LOCALE,
    LOCALES,
    ConversationCard,
    Course,
    CourseFile,
    Lesson,
    LessonFile,
    Module,
    ModuleFile,
    Question,
    QuizFile,
    Scenario,
    text_in,
)

M = TypeVar("M", bound=BaseModel)
# libyaml's C parser when present (it ships in PyYAML's wheels): content loads at every start.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TOP_HEADING = re.compile(r"^# ", re.MULTILINE)
# Where a lesson's scene stops for its check; the rest is shown once the check is answered.
CHECK_MARKER = re.compile(r"^<!-- check -->[ \t]*$", re.MULTILINE)
# Phrases may be marked with their language, [statsforvalteren]{lang=nb} (see app.content.lang).
_markdown = mark_phrases(
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
)
# Answer cues: in at most this percent of a module's choice questions may the right option be
# the longest, and the true/false keys are "true" in this range of percents (both inclusive).
MAX_LONGEST_RIGHT = 40
TRUE_SHARE = (40, 60)


@dataclass(frozen=True)
class Problem:
    """Something wrong in the content. An error stops the course loading; a warning is advice
    to authors (say, a pool with one variant) and the course loads with it."""

    file: str
    line: int | None
    field: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.warning:
            where += ": warning"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


def render_markdown(source: str, locale: str = DEFAULT_LOCALE) -> str:
    """Safe HTML: raw HTML in the source is escaped, never passed through. A paragraph that is
    only ``![text alternative](name.svg)`` becomes a figure showing the drawing for ``locale``
    (see app.content.figures); the checker refuses every other image."""
    tokens = _markdown.parse(source)
    for i, image in _figure_paragraphs(tokens):
        figure = Token("lesson_figure", "figure", 0)
        figure.attrs = {"src": f"figures/{figure_file(image.attrs['src'], locale)}"}
        figure.content = _alt_text(image)
        tokens[i : i + 3] = [figure]
    return _markdown.renderer.render(tokens, _markdown.options, {})


def _render_figure(_renderer: object, tokens: list[Token], idx: int, *_args: object) -> str:
    token = tokens[idx]
    src, alt = escapeHtml(str(token.attrs["src"])), escapeHtml(token.content)
    return f'<figure class="lesson-figure"><img src="{src}" alt="{alt}"></figure>\n'


_markdown.add_render_rule("lesson_figure", _render_figure)


def _figure_paragraphs(tokens: list[Token]) -> list[tuple[int, Token]]:
    """Where a paragraph holds one image naming a figure, last first (to replace in place)."""
    found = []
    for i in range(len(tokens) - 2):
        opening, inline, closing = tokens[i : i + 3]
        children = inline.children or []
        if (
            opening.type == "paragraph_open"
            and closing.type == "paragraph_close"
            and len(children) == 1
            and children[0].type == "image"
            and figure_file(str(children[0].attrs.get("src", "")), DEFAULT_LOCALE)
        ):
            found.append((i, children[0]))
    return found[::-1]


def _alt_text(image: Token) -> str:
    return _markdown.renderer.renderInlineAsText(image.children or [], _markdown.options, {})


def _images(tokens: list[Token]) -> Iterator[tuple[Token, bool, int | None]]:
    """Every image in a lesson's parsed Markdown, whether it is a figure paragraph, its line."""
    figures = {id(image) for _, image in _figure_paragraphs(tokens)}
    for token in tokens:
        for child in token.children or []:
            if child.type == "image":
                yield child, id(child) in figures, token.map[0] + 1 if token.map else None


def check_content(root: Path) -> tuple[Course | None, list[Problem]]:
    """The one entry point: the course under ``root`` and its warnings, or None and all problems."""
    reader = _Reader(root)
    course_file = reader.parse("course/course.yaml", CourseFile)
    if course_file:
        reader.phrases("course/course.yaml", course_file)
    modules: list[
        tuple[str, ModuleFile, QuizFile, dict[str, dict[str, str]], dict[str, bytes]]
    ] = []
    for module_id in course_file.modules if course_file else []:
        folder = f"modules/{module_id}"
        if not (root / folder / "module.yaml").is_file():
            reader.problem("course/course.yaml", ("modules",), f"{module_id}: no such module")
            continue
        module_file = reader.parse(f"{folder}/module.yaml", ModuleFile)
        quiz_file = reader.parse(f"{folder}/quiz.yaml", QuizFile)
        for file, model in (
            (f"{folder}/module.yaml", module_file),
            (f"{folder}/quiz.yaml", quiz_file),
        ):
            if model:
                reader.phrases(file, model)
        if module_file and quiz_file:
            markdown = reader.lesson_markdown(folder, module_file, course_file.locales)
            figures = reader.figures(folder, module_file, markdown)
            modules.append((folder, module_file, quiz_file, markdown, figures))
    if any(not p.warning for p in reader.problems) or course_file is None:
        return None, reader.problems

    for folder, module_file, quiz_file, markdown, _ in modules:
        reader.cross_check(course_file, folder, module_file, quiz_file, markdown)
    if any(not p.warning for p in reader.problems):
        return None, reader.problems

    course = Course(
        **{
            **course_file.model_dump(),
            "modules": [
                Module(
                    **module_file.model_dump(exclude={"lessons"}),
                    lessons=[
                        _lesson(lesson, markdown[lesson.id]) for lesson in module_file.lessons
                    ],
                    questions=quiz_file.questions,
                    figures=figures,
                )
                for _, module_file, quiz_file, markdown, figures in modules
            ],
        }
    )
    return course, reader.problems


def _lesson(lesson: LessonFile, markdown: dict[str, str]) -> Lesson:
    """The lesson with its Markdown rendered; a lesson with a check is cut at its marker. Its
    takeaway, reflection and action come as plain text and as HTML with their marked phrases."""
    parts = {locale: CHECK_MARKER.split(source, maxsplit=1) for locale, source in markdown.items()}
    fields = lesson.model_dump()
    for name in MARKED_FIELDS:
        text = fields[name]
        fields[name] = {locale: strip_phrases(s) for locale, s in text.items()}
        fields[f"{name}_html"] = {locale: render_phrases(s) for locale, s in text.items()}
    return Lesson(
        **fields,
        body={locale: render_markdown(p[0], locale) for locale, p in parts.items()},
        body_after=(
            {locale: render_markdown(p[1], locale) for locale, p in parts.items()}
            if lesson.check
            else None
        ),
    )


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.sources: dict[str, str] = {}
        self._nodes: dict[str, yaml.Node | None] = {}
        self._parsed: dict[str, list[Token]] = {}

    def problem(
        self, file: str, loc: tuple[Any, ...], message: str, *, warning: bool = False
    ) -> None:
        line = _line_of(self._node(file), loc)
        self.problems.append(Problem(file, line, _dotted(loc), message, warning))

    def _node(self, file: str) -> yaml.Node | None:
        """The file's YAML node tree, which knows lines; composed only when a problem needs it."""
        if file not in self._nodes:
            source = self.sources.get(file)
            self._nodes[file] = None if source is None else yaml.compose(source, Loader=_Loader)
        return self._nodes[file]

    def parse(self, file: str, model: type[M]) -> M | None:
        path = self.root / file
        try:
            source = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.problems.append(Problem(file, None, "", "file is missing"))
            return None
        try:
            data = yaml.load(source, Loader=_Loader)  # noqa: S506 (a safe loader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark else None
            problem = getattr(error, "problem", None) or str(error)
            self.problems.append(Problem(file, line, "", f"not valid YAML: {problem}"))
            return None
        self.sources[file] = source
        try:
            return model.model_validate(data)
        except ValidationError as error:
            for e in error.errors():
                self.problem(file, e["loc"], e["msg"])
            return None

    def lesson_markdown(
        self, folder: str, module: ModuleFile, locales: list[str]
    ) -> dict[str, dict[str, str]]:
        markdown: dict[str, dict[str, str]] = {}
        for i, lesson in enumerate(module.lessons):
            markdown[lesson.id] = {}
            for locale in LOCALES:
                path = self.root / folder / "lessons" / f"{lesson.id}.{locale}.md"
                if path.is_file():
                    source = path.read_text(encoding="utf-8")
                    markdown[lesson.id][locale] = source
                    self._markdown_phrases(f"{folder}/lessons/{path.name}", source, locale)
                    if _TOP_HEADING.search(source):
                        self.problems.append(
                            Problem(
                                f"{folder}/lessons/{path.name}",
                                None,
                                "",
                                "starts a level-1 heading; the page gives the title, use ##",
                            )
                        )
                elif locale in locales or locale == "nb":
                    self.problem(
                        f"{folder}/module.yaml",
                        ("lessons", i, "id"),
                        f"{locale}: lesson file lessons/{path.name} is missing",
                    )
        known = {f"{lesson.id}.{locale}.md" for lesson in module.lessons for locale in LOCALES}
        lessons_dir = self.root / folder / "lessons"
        for path in sorted(lessons_dir.glob("*")) if lessons_dir.is_dir() else []:
            if path.name not in known:
                self.problems.append(
                    Problem(f"{folder}/lessons/{path.name}", None, "", "belongs to no lesson")
                )
        return markdown

    def phrases(self, file: str, model: BaseModel) -> None:
        """Marked phrases in a YAML file's texts: checked where the page shows them as HTML (a
        lesson's takeaway, reflection and action), refused everywhere else."""
        for loc, locale, text in _texts(model.model_dump()):
            is_lesson_field = (
                file.endswith("/module.yaml") and loc[0] == "lessons" and len(loc) == 3
            )
            if is_lesson_field and loc[2] in MARKED_FIELDS:
                for message in text_phrase_problems(text, locale):
                    self.problem(file, (*loc, locale), message)
            elif has_phrases(text):
                self.problem(
                    file,
                    (*loc, locale),
                    "[phrase]{lang=…} works in lesson Markdown and a lesson's"
                    f" {MARKED_FIELDS_TEXT}; this text is shown plain",
                )

    def _tokens(self, source: str) -> list[Token]:
        """A lesson's Markdown parsed once for every check that reads it (not for rendering)."""
        if source not in self._parsed:
            self._parsed[source] = _markdown.parse(source)
        return self._parsed[source]

    def _markdown_phrases(self, file: str, source: str, locale: str) -> None:
        for token in self._tokens(source):
            if token.type == "inline" and token.map:
                for line, message in phrase_problems(token, locale):
                    self.problems.append(Problem(file, token.map[0] + 1 + line, "", message))

    def figures(
        self, folder: str, module: ModuleFile, markdown: dict[str, dict[str, str]]
    ) -> dict[str, bytes]:
        """The drawings the module's lessons show, by file name, each checked once: a lesson
        shows a figure only as a paragraph of its own naming a drawing that exists for its
        locale, with a text alternative; a drawing no lesson shows is a warning."""
        figures_dir = self.root / folder / "figures"
        shown: dict[str, bytes] = {}
        for lesson in module.lessons:
            for locale, source in markdown[lesson.id].items():
                lesson_file = f"{folder}/lessons/{lesson.id}.{locale}.md"
                for image, is_figure, line in _images(self._tokens(source)):
                    name = str(image.attrs.get("src", ""))
                    if not is_figure:
                        self.problems.append(
                            Problem(
                                lesson_file,
                                line,
                                "",
                                f"image {name}: a picture is a figure, a paragraph of its own"
                                " ![text alternative](name.svg)",
                            )
                        )
                        continue
                    file = figure_file(name, locale) or ""
                    if not _alt_text(image).strip():
                        self.problems.append(
                            Problem(lesson_file, line, "", f"figure {name}: no text alternative")
                        )
                    if file in shown:
                        continue
                    path = figures_dir / file
                    if not path.is_file():
                        self.problems.append(
                            Problem(
                                lesson_file,
                                line,
                                "",
                                f"figure {name}: {folder}/figures/{file} is missing",
                            )
                        )
                        continue
                    data = path.read_bytes()
                    for message in svg_problems(data):
                        self.problems.append(Problem(f"{folder}/figures/{file}", None, "", message))
                    shown[file] = data
        for path in sorted(figures_dir.glob("*")) if figures_dir.is_dir() else []:
            if path.name not in shown:
                named = FIGURE_FILE.match(path.name)
                reason = "no lesson shows it" if named else "not named <name>.<locale>.svg"
                self.problems.append(
                    Problem(f"{folder}/figures/{path.name}", None, "", reason, warning=True)
                )
        return shown

    def cross_check(
        self,
        course: CourseFile,
        folder: str,
        module: ModuleFile,
        quiz: QuizFile,
        markdown: dict[str, dict[str, str]],
    ) -> None:
        module_path, quiz_path = f"{folder}/module.yaml", f"{folder}/quiz.yaml"
        if folder != f"modules/{module.id}":
            self.problem(module_path, ("id",), f"{module.id}: does not match its folder name")
        self._unique(module_path, ("lessons",), [lesson.id for lesson in module.lessons])
        self._unique(quiz_path, ("questions",), [q.id for q in quiz.questions])
        for i, question in enumerate(quiz.questions):
            loc = ("questions", i)
            self._unique(quiz_path, (*loc, "options"), [o.id for o in question.options])
            correct = len(question.correct_ids)
            if question.type == "true_false" and [o.id for o in question.options] != [
                "true",
                "false",
            ]:
                self.problem(quiz_path, (*loc, "options"), "true_false needs options true, false")
            if question.type in ("single", "true_false") and correct != 1:
                self.problem(
                    quiz_path, (*loc, "options"), f"needs one correct option, has {correct}"
                )
            if question.type == "multiple" and correct < 1:
                self.problem(quiz_path, (*loc, "options"), "needs at least one correct option")
            if question.objective and question.objective > len(module.objectives):
                self.problem(
                    quiz_path,
                    (*loc, "objective"),
                    f"{question.objective}: the module has {len(module.objectives)} objectives",
                )
            if question.lesson and question.lesson not in {x.id for x in module.lessons}:
                self.problem(quiz_path, (*loc, "lesson"), f"{question.lesson}: no such lesson")
        self._check_pools(module, quiz, module_path, quiz_path)
        self._check_cues(quiz_path, quiz, course.locales)
        for i, lesson in enumerate(module.lessons):
            self._check_marker(folder, lesson, markdown[lesson.id], ("lessons", i))
        if module.scenario:
            self._check_scenario(module_path, module.scenario)
        self._check_card(module_path, module.conversation_card)
        for file, model in ((module_path, module), (quiz_path, quiz)):
            for loc, locale in _missing_locales(model.model_dump(), course.locales):
                self.problem(file, (*loc, locale), "missing")

    def _check_pools(
        self, module: ModuleFile, quiz: QuizFile, module_path: str, quiz_path: str
    ) -> None:
        """Variants of a pool are worth the same and test the same objective; a pool of one
        and an objective nothing asks about are warnings."""
        pools: dict[str, list[int]] = {}
        for i, question in enumerate(quiz.questions):
            pools.setdefault(question.pool_id, []).append(i)
        for pool_id, indexes in pools.items():
            first = quiz.questions[indexes[0]]
            for i in indexes[1:]:
                question = quiz.questions[i]
                if question.points != first.points:
                    self.problem(
                        quiz_path,
                        ("questions", i, "points"),
                        f"pool {pool_id}: variants must be worth the same ({first.points})",
                    )
                if question.objective != first.objective:
                    self.problem(
                        quiz_path,
                        ("questions", i, "objective"),
                        f"pool {pool_id}: variants must test the same objective",
                    )
            if len(indexes) == 1:
                self.problem(
                    quiz_path,
                    ("questions", indexes[0], "id"),
                    f"pool {pool_id} has one variant; a retake asks the same question",
                    warning=True,
                )
        asked = {q.objective for q in quiz.questions}
        for number in range(1, len(module.objectives) + 1):
            if number not in asked:
                self.problem(
                    module_path,
                    ("objectives", number - 1),
                    f"objective {number}: no question asks about it",
                    warning=True,
                )

    def _check_cues(self, quiz_path: str, quiz: QuizFile, locales: list[str]) -> None:
        """Warn about answers a learner can guess without knowing: the right option longest
        in too many choice questions (per locale, as lengths differ between languages), and
        true/false keys that lean one way (once, keys being the same in every locale)."""
        choice = [q for q in quiz.questions if q.type in ("single", "multiple")]
        for locale in locales if choice else []:
            cued = sum(_right_is_longest(q, locale) for q in choice)
            if cued * 100 > MAX_LONGEST_RIGHT * len(choice):
                self.problems.append(
                    Problem(
                        quiz_path,
                        None,
                        _dotted(("questions", locale)),
                        f"the right option is the longest in {cued} of {len(choice)} choice"
                        f" questions ({_percent(cued, len(choice))}); at most"
                        f" {MAX_LONGEST_RIGHT} %",
                        warning=True,
                    )
                )
        true_false = [q for q in quiz.questions if q.type == "true_false"]
        true = sum(q.correct_ids == {"true"} for q in true_false)
        low, high = TRUE_SHARE
        if true_false and not low * len(true_false) <= true * 100 <= high * len(true_false):
            self.problems.append(
                Problem(
                    quiz_path,
                    None,
                    "questions",
                    f'the key is "true" in {true} of {len(true_false)} true/false questions'
                    f" ({_percent(true, len(true_false))}); {low}–{high} %",
                    warning=True,
                )
            )

    def _check_card(self, module_path: str, card: ConversationCard) -> None:
        """The plan fills the ten minutes; a card without a plan, an opener or a prompt for when
        it goes quiet is a warning."""
        loc = ("conversation_card",)
        if card.plan and (total := sum(step.minutes for step in card.plan)) != 10:
            self.problem(
                module_path, (*loc, "plan"), f"the steps add up to {total} minutes, not 10"
            )
        for field in ("plan", "opener", "when_quiet"):
            if not getattr(card, field):
                self.problem(module_path, (*loc,), f"no {field}", warning=True)

    def _check_marker(
        self, folder: str, lesson: LessonFile, markdown: dict[str, str], loc: tuple[Any, ...]
    ) -> None:
        """A lesson with a check has one marker in each of its files; one without has none."""
        for locale, source in markdown.items():
            count = len(CHECK_MARKER.findall(source))
            file = f"{folder}/lessons/{lesson.id}.{locale}.md"
            if lesson.check and count != 1:
                self.problems.append(
                    Problem(file, None, "", f"needs one '<!-- check -->' line, has {count}")
                )
            elif not lesson.check and count:
                self.problems.append(
                    Problem(
                        file, None, "", "has a '<!-- check -->' line but the lesson has no check"
                    )
                )

    def _check_scenario(self, module_path: str, scenario: Scenario) -> None:
        """Every choice leads to a decision that exists or to the debrief; every decision can be
        reached from the first; no loops; every path takes three or four decisions."""
        loc = ("scenario", "decisions")
        ids = [d.id for d in scenario.decisions]
        self._unique(module_path, loc, ids)
        for i, decision in enumerate(scenario.decisions):
            self._unique(module_path, (*loc, i, "choices"), [c.id for c in decision.choices])
            for j, choice in enumerate(decision.choices):
                if choice.next is not None and choice.next not in ids:
                    self.problem(
                        module_path,
                        (*loc, i, "choices", j, "next"),
                        f"{choice.next}: no such decision",
                    )
        if any(p.file == module_path and p.field.startswith("scenario") for p in self.problems):
            return
        following = {d.id: [c.next for c in d.choices] for d in scenario.decisions}
        lengths: set[int] = set()
        reached: set[str] = set()
        loops: set[str] = set()

        def walk(decision_id: str, path: tuple[str, ...]) -> None:
            if decision_id in path:
                loops.add(decision_id)
                return
            reached.add(decision_id)
            for next_id in following[decision_id]:
                if next_id is None:
                    lengths.add(len(path) + 1)
                else:
                    walk(next_id, (*path, decision_id))

        walk(ids[0], ())
        for decision_id in sorted(loops):
            self.problem(module_path, loc, f"{decision_id}: a choice leads back to it (a loop)")
        for i, decision_id in enumerate(ids):
            if decision_id not in reached:
                self.problem(module_path, (*loc, i, "id"), f"{decision_id}: no choice leads to it")
        if lengths - {3, 4}:
            self.problem(
                module_path,
                loc,
                "every path must take three or four decisions, one takes "
                + ", ".join(str(n) for n in sorted(lengths - {3, 4})),
            )

    def _unique(self, file: str, loc: tuple[Any, ...], ids: list[str]) -> None:
        seen: set[str] = set()
        for i, item_id in enumerate(ids):
            if item_id in seen:
                self.problem(file, (*loc, i, "id"), f"{item_id}: used twice")
            seen.add(item_id)


def _right_is_longest(question: Question, locale: str) -> bool:
    """A right option is longer than every wrong one (a tie gives nothing away)."""
    right = [len(text_in(o.text, locale)) for o in question.options if o.correct]
    wrong = [len(text_in(o.text, locale)) for o in question.options if not o.correct]
    return bool(right and wrong) and max(right) > max(wrong)


def _percent(part: int, whole: int) -> str:
    """Rounded half up: 5 of 8 is 63 %, not the 62 % of round()'s half to even."""
    return f"{(200 * part + whole) // (2 * whole)} %"


def _missing_locales(
    value: Any, locales: list[str], loc: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every Text in a dumped model (a dict with key 'nb' and only locale keys) lacking a locale."""
    if isinstance(value, dict):
        if "nb" in value and set(value) <= set(LOCALES):
            yield from ((loc, locale) for locale in locales if locale not in value)
        else:
            for key, item in value.items():
                yield from _missing_locales(item, locales, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _missing_locales(item, locales, (*loc, i))


def _texts(value: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str, str]]:
    """Every text in a dumped model, as its location, locale and string."""
    if isinstance(value, dict):
        if "nb" in value and set(value) <= set(LOCALES):
            yield from ((loc, locale, text) for locale, text in value.items())
        else:
            for key, item in value.items():
                yield from _texts(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, (*loc, i))


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line in the YAML closest to a pydantic location."""
    line = None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next((p for p in node.value if p[0].value == str(key)), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _dotted(loc: tuple[Any, ...]) -> str:
    """('questions', 3, 'feedback', 'sv') -> 'questions[3].feedback: sv'."""
    out = ""
    for i, key in enumerate(loc):
        if isinstance(key, int):
            out += f"[{key}]"
        elif key in LOCALES and i == len(loc) - 1 and i > 0:
            out += f": {key}"
        else:
            out += f".{key}" if out else str(key)
    return out
