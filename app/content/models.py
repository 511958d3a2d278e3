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


class LessonFile(Frozen):
    id: Slug
    minutes: int = Field(ge=1, le=30)
    title: Text
    takeaway: Text
    reflection: Text
    action: Text


class ConversationCard(Frozen):
    """A ten-minute guide the learner takes to their own team meeting."""

    idea: Text
    questions: list[Text] = Field(min_length=3, max_length=3)
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
    prompt: Text
    options: list[Option] = Field(min_length=2, max_length=8)

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.correct)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


class QuizFile(Frozen):
    questions: list[Question] = Field(min_length=1)


# --- what the app reads -------------------------------------------------------------------


class Lesson(LessonFile):
    body: Text  # safe HTML rendered from the lesson's Markdown


class Module(ModuleFile):
    lessons: list[Lesson]  # type: ignore[assignment]
    questions: list[Question]

    @property
    def max_points(self) -> int:
        return sum(q.points for q in self.questions)

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
