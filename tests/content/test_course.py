"""The shipped course meets the editorial rules of the course issue, in every locale."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

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


# Norwegian and Swedish terms the course uses (their stems: an inflected form matches too). In
# a text of another language each must be marked with its own, [statsforvalteren]{lang=nb}, so
# a screen reader says it in that language (WCAG 3.1.2); a field that cannot mark a phrase
# (see app.content.lang) must not use one. Add a term here when a lesson starts using it; one
# both languages spell alike (rehabiliteringsansvar) cannot be told apart and is left out.
TERMS = {
    "nb": (
        "statsforvalter", "kommunedirektør", "formannskap", "kommunestyre", "tillitsvalgt",
        "verneombud", "kontrollutvalg", "fylkeskommune", "arbeidsmiljølov", "forvaltningslov",
        "kommunelov", "offentleglov", "enkeltvedtak", "forsvarlighet", "inhabilitet",
        "barnehage", "bedriftshelsetjeneste", "hovedavtal", "IA-avtal", "sivilombud",
        "medarbeiderskap", "likeverdige tjenester", "ledende stilling", "veiledning",
        "skapende spenningsfelt", "guide til god ledelse",
    ),
    "sv": (
        "vårdcentral", "nämnd", "sjukvårdsnämnd", "lex Sarah", "lex Maria", "tjänsteskrivelse",
        "offentlighetsprincip", "meddelarfrihet", "medborgardialog", "medbestämmandelag",
        "likvärdig service", "jäv", "handledning", "elevhälsa", "arbetstidslag",
        "arbetsmiljölag", "Sveriges Kommuner och Regioner", "Försäkringskassan",
        "företagshälsovård", "fullmäktige", "skyddsombud",
    ),
}  # fmt: skip
_SPAN = re.compile(r'<span lang="([a-z]+)">(.*?)</span>', re.DOTALL)


def _term_langs(text: str) -> set[tuple[str, str]]:
    """(language, term) of every known term in a text, a line break counting as a space."""
    text = re.sub(r"\s+", " ", text)
    return {
        (lang, term)
        for lang, terms in TERMS.items()
        for term in terms
        if re.search(rf"(?<!\w){re.escape(term)}", text, re.IGNORECASE)
    }


def _texts(value: object, path: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    """Every text of the loaded course as it is shown on a page: lesson bodies, and a field
    rendered with its marked phrases (takeaway_html) instead of its plain twin (takeaway)."""
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        for name in fields:
            if f"{name}_html" not in fields:
                yield from _texts(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, f"{path}[{getattr(item, 'id', i)}]")
    elif isinstance(value, dict) and "nb" in value and set(value) <= set(LOCALES):
        yield path, value


def test_no_norwegian_or_swedish_term_goes_unmarked_in_a_text_of_another_language():
    unmarked, mislabelled = [], []
    for path, text in _texts(COURSE):
        for locale, value in text.items():
            for lang, inner in _SPAN.findall(value):
                mislabelled += [
                    (path, locale, lang, term) for t, term in _term_langs(inner) if t != lang
                ]
            rest = _SPAN.sub(" ", value)
            unmarked += [(path, locale, term) for lang, term in _term_langs(rest) if lang != locale]
    assert sorted(unmarked) == []
    assert sorted(mislabelled) == []


def test_the_english_lessons_mark_their_terms_and_the_page_language_is_left_alone():
    lesson = COURSE.module("democratic-leadership").lesson("openness-and-scrutiny")
    scene = lesson.body["en"] + lesson.body_after["en"]
    assert _SPAN.findall(scene) == [
        ("nb", "offentleglova"),
        ("sv", "offentlighetsprincipen"),
        ("nb", "Sivilombudet"),
        ("nb", "kontrollutvalget"),
        ("nb", "statsforvalteren"),
    ]
    assert "<span" not in lesson.body["nb"] + lesson.body_after["nb"]
    action = COURSE.module("self-care").lessons[4].action_html["en"]
    assert _SPAN.findall(action) == [("nb", "bedriftshelsetjeneste"), ("sv", "företagshälsovård")]
