"""The course as frozen data: what content files may say, and what the app reads after loading.

Ids and answer keys are language-independent; every piece of text is a ``Text`` mapping from
locale to string. Norwegian Bokmål is always required; which other locales a course must be
complete in is declared by the course itself and checked in ``app.content.check``.
"""

from typing import Annotated, Literal, NotRequired, Required

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from typing_extensions import TypedDict

Locale = Literal["nb", "sv", "en"]
LOCALES: tuple[Locale, ...] = ("nb", "sv", "en")
DEFAULT_LOCALE: Locale = "nb"

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
Words = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Text(TypedDict, closed=True):
    nb: Required[Words]
    sv: NotRequired[Words]
    en: NotRequired[Words]


def text_in(text: Text, locale: str) -> str:
    """The text in ``locale``, or in Bokmål where the content has no such translation."""
    return text.get(locale) or text[DEFAULT_LOCALE]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- what the files say -------------------------------------------------------------------


class CourseFile(Frozen):
    id: Slug
    version: int = Field(ge=1)
    locales: list[Locale] = Field(min_length=1)
    title: Text
    description: Text
    modules: list[Slug] = Field(min_length=1)
    completion: Literal["all_modules_passed"] = "all_modules_passed"


class Option(Frozen):
    id: Slug
    correct: bool = False
    text: Text
    feedback: Text


QuestionType = Literal["single", "multiple", "true_false"]


class Question(Frozen):
    id: Slug
    type: QuestionType
    points: int = Field(default=1, ge=1, le=10)
    pool: Slug | None = Field(
        default=None, description="questions sharing a pool are variants; an attempt draws one"
    )
    objective: int | None = Field(default=None, ge=1, description="1-based, in module.yaml")
    lesson: Slug | None = Field(default=None, description="the lesson to review when it is missed")
    prompt: Text
    options: list[Option] = Field(min_length=2, max_length=8)

    @property
    def pool_id(self) -> str:
        return self.pool or self.id

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.correct)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


class LessonCheck(Frozen):
    """One scenario question where the lesson's scene stops: answered before the rest is shown.

    Practice: recorded, never scored. ``correct`` is optional here (a dilemma may have no one
    right answer); the feedback of the chosen option is what the learner reads.
    """

    prompt: Text
    options: list[Option] = Field(min_length=2, max_length=6)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


class LessonFile(Frozen):
    id: Slug
    minutes: int = Field(ge=1, le=30)
    title: Text
    takeaway: Text
    reflection: Text
    action: Text
    check: LessonCheck | None = None


class ScenarioChoice(Frozen):
    id: Slug
    correct: bool = False  # the better choice, recorded like an in-lesson check
    text: Text
    consequence: Text
    next: Slug | None = Field(
        default=None, description="the next decision; none ends in the debrief"
    )


class Decision(Frozen):
    id: Slug
    prompt: Text
    choices: list[ScenarioChoice] = Field(min_length=2, max_length=4)

    def choice(self, choice_id: str) -> ScenarioChoice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


class Scenario(Frozen):
    """A branching story on the module's key skill: each choice has a consequence and leads to
    the next decision, until the debrief. The first decision is where it starts."""

    title: Text
    setup: Text
    decisions: list[Decision] = Field(min_length=3)
    debrief: Text

    def decision(self, decision_id: str) -> Decision | None:
        return next((d for d in self.decisions if d.id == decision_id), None)


class CardStep(Frozen):
    minutes: int = Field(ge=1, le=10)
    text: Text


class ConversationCard(Frozen):
    """A ten-minute guide the learner takes to their own team meeting: the idea, a time plan
    whose steps add up to ten minutes, how to open, three questions, what to say when it goes
    quiet, an anonymous way in where a question asks about safety to speak up, a follow-up."""

    idea: Text
    plan: list[CardStep] = Field(default=[], max_length=6)
    opener: Text | None = None
    questions: list[Text] = Field(min_length=3, max_length=3)
    when_quiet: Text | None = None
    anonymous: Text | None = None
    follow_up: Text


class ModuleFile(Frozen):
    id: Slug
    version: int = Field(ge=1)
    minutes: int = Field(ge=1, le=120)
    pass_mark: int = Field(ge=1, le=100, description="percent of the quiz's points needed to pass")
    title: Text
    summary: Text
    objectives: list[Text] = Field(min_length=1)
    lessons: list[LessonFile] = Field(min_length=1)
    conversation_card: ConversationCard
    scenario: Scenario | None = None


class QuizFile(Frozen):
    questions: list[Question] = Field(min_length=1)


# --- what the app reads -------------------------------------------------------------------


class Lesson(LessonFile):
    body: Text  # safe HTML rendered from the lesson's Markdown (up to the check, if it has one)
    body_after: Text | None = None  # the rest of the scene, shown once the check is answered
    # the takeaway, reflection and action as safe HTML, their marked phrases in their language
    # (the plain fields hold the same text without the marking, for mails, reports and titles)
    takeaway_html: Text
    reflection_html: Text
    action_html: Text


class Module(ModuleFile):
    lessons: list[Lesson]  # type: ignore[assignment]
    questions: list[Question]
    # the SVG drawings its lessons show, by file name ("<name>.<locale>.svg"), checked at load
    figures: dict[str, bytes] = {}

    @property
    def pools(self) -> list[tuple[Question, ...]]:
        """The quiz as pools of variants, in the order each pool first appears; an attempt
        asks one question of each."""
        pools: dict[str, list[Question]] = {}
        for question in self.questions:
            pools.setdefault(question.pool_id, []).append(question)
        return [tuple(variants) for variants in pools.values()]

    @property
    def max_points(self) -> int:
        """Every attempt's maximum: variants of a pool are worth the same (checked at load)."""
        return sum(pool[0].points for pool in self.pools)

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def neighbours(self, lesson_id: str) -> tuple[Lesson | None, Lesson | None]:
        ids = [lesson.id for lesson in self.lessons]
        i = ids.index(lesson_id)
        return (
            self.lessons[i - 1] if i > 0 else None,
            self.lessons[i + 1] if i + 1 < len(ids) else None,
        )


class Course(CourseFile):
    modules: list[Module]  # type: ignore[assignment]

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)
