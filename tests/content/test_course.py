"""The shipped course meets the editorial rules of the course issue, in every locale."""

import re
from pathlib import Path

import pytest

from app.content import check_content
from app.content.models import LOCALES

ROOT = Path(__file__).resolve().parents[2]
COURSE, PROBLEMS = check_content(ROOT)
MODULES = COURSE.modules if COURSE else []


def words(html: str) -> int:
    return len(re.sub(r"<[^>]+>", " ", html).split())


def test_the_course_loads_in_all_three_locales_without_a_warning():
    # no warning: every pool has two variants, every objective a question, no answer cues
    # (the longest option right in at most 40 % of choice questions, per locale), every card
    # a plan, an opener and a prompt for when it goes quiet
    assert [str(p) for p in PROBLEMS] == []
    assert COURSE.locales == list(LOCALES)
    assert [m.id for m in MODULES] == [
        "welfare-role",
        "democratic-leadership",
        "relational-competence",
        "self-care",
    ]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_every_lesson_stops_at_a_dilemma_and_every_module_has_a_scenario(module):
    assert [lesson.id for lesson in module.lessons if lesson.check is None] == []
    assert module.scenario is not None
    assert min(len(pool) for pool in module.pools) >= 2


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_module_shape(module):
    assert 3 <= len(module.lessons) <= 6
    assert len(module.questions) >= 8
    assert module.pass_mark == 80
    assert module.minutes >= sum(lesson.minutes for lesson in module.lessons)
    assert len(module.objectives) >= 2
    assert {"single", "multiple"} <= {q.type for q in module.questions}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_every_text_and_option_feedback_is_in_every_locale(module):
    for question in module.questions:
        assert set(question.prompt) == set(LOCALES), question.id
        for option in question.options:
            assert set(option.text) == set(LOCALES), (question.id, option.id)
            assert set(option.feedback) == set(LOCALES), (question.id, option.id)
            assert all(len(option.feedback[loc]) > 20 for loc in LOCALES), (question.id, option.id)
    for lesson in module.lessons:
        for text in (lesson.title, lesson.takeaway, lesson.reflection, lesson.action, lesson.body):
            assert set(text) == set(LOCALES), lesson.id
    card = module.conversation_card
    assert len(card.questions) == 3
    for text in (card.idea, card.follow_up, *card.questions):
        assert set(text) == set(LOCALES)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_lessons_are_two_to_four_minutes_of_reading(module):
    counts = {  # the whole lesson: before a check and after it
        (lesson.id, locale): words(lesson.body[locale])
        + (words(lesson.body_after[locale]) if lesson.body_after else 0)
        for lesson in module.lessons
        for locale in LOCALES
    }
    assert {key: n for key, n in counts.items() if not 250 <= n <= 450} == {}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_answer_keys_are_the_same_in_every_locale(module):
    """Ids and keys live once, outside the locale maps; a locale can only add text."""
    for question in module.questions:
        assert len(question.correct_ids) >= 1
        assert [o.id for o in question.options] == list(
            dict.fromkeys(o.id for o in question.options)
        )


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_no_statistics_are_presented_as_facts(module):
    """The seeds' unsourced percentages must not reach the course."""
    for lesson in module.lessons:
        for locale in LOCALES:
            assert not re.search(
                r"\d+\s?(%|prosent|procent|per cent|percent)", lesson.body[locale]
            ), (lesson.id, locale)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_the_multiple_choice_instruction_is_left_to_the_page(module):
    """The quiz page says "choose all that apply" once; a prompt saying it too repeats it."""
    instruction = re.compile(r"velg alle|välj alla|choose all", re.IGNORECASE)
    assert [
        (q.id, locale)
        for q in module.questions
        for locale, prompt in q.prompt.items()
        if instruction.search(prompt)
    ] == []
