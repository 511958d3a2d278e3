"""The content validator: the valid fixture loads; each broken fixture gives exactly its problems.

A broken fixture is an overlay on tests/content/valid: the files it holds replace the valid
ones, the paths listed in its DELETE file are removed, and expected.txt lists every problem
`check_content` must report, in order.
"""

import shutil
from pathlib import Path

import pytest
import yaml

from app.content import check_content
from app.content.check import render_markdown

HERE = Path(__file__).parent
BROKEN = sorted(p.name for p in (HERE / "broken").iterdir())


def build_broken(name: str, root: Path) -> Path:
    shutil.copytree(HERE / "valid", root)
    overlay = HERE / "broken" / name
    for path in overlay.rglob("*"):
        relative = path.relative_to(overlay)
        if path.is_file() and path.name not in ("DELETE", "expected.txt"):
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, root / relative)
    if (overlay / "DELETE").exists():
        for line in (overlay / "DELETE").read_text().split():
            (root / line).unlink()
    return root


def test_the_valid_fixture_loads_with_rendered_safe_markdown():
    course, problems = check_content(HERE / "valid")
    assert problems == []
    assert [m.id for m in course.modules] == ["first-steps"]
    module = course.modules[0]
    assert (module.version, module.pass_mark, module.max_points) == (3, 80, 4)
    assert module.lessons[0].body["sv"] == (
        "<h2>Welcome (sv)</h2>\n"
        "<p>This is the <strong>welcome</strong> lesson in sv.</p>\n"
        '<figure class="lesson-figure"><img src="figures/steps.sv.svg"'
        ' alt="Tre trappsteg som stiger åt höger (sv)"></figure>\n'
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )
    figures = HERE / "valid/modules/first-steps/figures"
    assert module.figures == {
        f"steps.{locale}.svg": (figures / f"steps.{locale}.svg").read_bytes()
        for locale in ("nb", "sv", "en")
    }
    assert module.questions[1].correct_ids == frozenset({"sweden", "iceland"})


@pytest.mark.parametrize("name", BROKEN)
def test_each_broken_fixture_reports_exactly_its_problems(name, tmp_path):
    root = build_broken(name, tmp_path / "content")
    course, problems = check_content(root)
    assert course is None
    expected = (HERE / "broken" / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert [str(p) for p in problems if not p.warning] == expected


def test_a_pool_of_one_and_an_objective_without_a_question_are_warnings(tmp_path):
    root = build_broken("pool-variants", tmp_path / "content")
    quiz = root / "modules/first-steps/quiz.yaml"
    text = (HERE / "valid/modules/first-steps/quiz.yaml").read_text(encoding="utf-8")
    text = text.replace("    pool: water\n", "").replace("    objective: 1\n", "")
    quiz.write_text(text, encoding="utf-8")
    course, problems = check_content(root)
    assert course is not None
    assert [str(p) for p in problems] == [
        "modules/first-steps/quiz.yaml:54: warning: questions[2].id:"
        " pool water has one variant; a retake asks the same question",
        "modules/first-steps/quiz.yaml:128: warning: questions[5].id:"
        " pool ice has one variant; a retake asks the same question",
        "modules/first-steps/module.yaml:14: warning: objectives[0]:"
        " objective 1: no question asks about it",
    ]


def with_copies(root: Path, *copies: tuple[str, str, dict]) -> Path:
    """The valid fixture with more variants: (question id to copy, new id, fields to change)."""
    quiz_path = root / "modules/first-steps/quiz.yaml"
    quiz = yaml.safe_load(quiz_path.read_text(encoding="utf-8"))
    questions = {q["id"]: q for q in quiz["questions"]}
    for source, new_id, changes in copies:
        pool = questions[source].get("pool", source)
        quiz["questions"].append({**questions[source], "id": new_id, "pool": pool, **changes})
    quiz_path.write_text(yaml.safe_dump(quiz, allow_unicode=True, sort_keys=False), "utf-8")
    return root


def berlin_in_short(options: list[dict]) -> dict:
    """nordic-capitals' options with a bare "Berlin": a right option (Helsinki) the longest."""
    short = {"nb": "Berlin", "sv": "Berlin", "en": "Berlin"}
    return {"options": [o if o["id"] != "berlin" else {**o, "text": short} for o in options]}


def test_the_right_option_the_longest_too_often_is_a_warning_per_locale(tmp_path):
    # The fixture's right option is the longest in one of four choice questions in nb and sv
    # (Stockholm against Göteborg) and in none in en; one more such single choice question and
    # one multiple choice question whose longest option is right make 3 of 6 in nb and sv.
    valid = yaml.safe_load((HERE / "valid/modules/first-steps/quiz.yaml").read_text("utf-8"))
    capitals = next(q for q in valid["questions"] if q["id"] == "nordic-capitals")
    root = with_copies(
        shutil.copytree(HERE / "valid", tmp_path / "content"),
        ("capital-sweden", "capital-sweden-again", {}),
        ("nordic-capitals", "nordic-capitals-short", berlin_in_short(capitals["options"])),
    )
    course, problems = check_content(root)
    assert course is not None
    assert [str(p) for p in problems] == [
        "modules/first-steps/quiz.yaml: warning: questions: nb: the right option is the longest"
        " in 3 of 6 choice questions (50 %); at most 40 %",
        "modules/first-steps/quiz.yaml: warning: questions: sv: the right option is the longest"
        " in 3 of 6 choice questions (50 %); at most 40 %",
    ]


@pytest.mark.parametrize(
    ("copies", "share"),
    [
        ([("ice", "ice-again", {})], "1 of 3 true/false questions (33 %)"),
        (
            [("water", "water-again", {}), ("water", "water-once-more", {})],
            "3 of 4 true/false questions (75 %)",
        ),
    ],
    ids=["too-few-true", "too-many-true"],
)
def test_true_false_keys_leaning_one_way_are_one_warning_per_module(copies, share, tmp_path):
    root = with_copies(shutil.copytree(HERE / "valid", tmp_path / "content"), *copies)
    course, problems = check_content(root)
    assert course is not None
    assert [str(p) for p in problems] == [
        f'modules/first-steps/quiz.yaml: warning: questions: the key is "true" in {share}; 40–60 %'
    ]


@pytest.mark.parametrize(
    "true_false",
    [
        [("water", "water-again", {}), ("ice", "ice-again", {}), ("ice", "ice-once-more", {})],
        [("water", "water-again", {}), ("water", "water-once-more", {}), ("ice", "ice-again", {})],
    ],
    ids=["40-percent-true", "60-percent-true"],
)
def test_answer_cues_at_the_limits_are_not_warned(true_false, tmp_path):
    # 2 of 5 choice questions in nb and sv have the right option the longest (40 %), and the
    # true/false keys are "true" in 2 or 3 of 5 (40 % or 60 %).
    root = with_copies(
        shutil.copytree(HERE / "valid", tmp_path / "content"),
        ("capital-sweden", "capital-sweden-again", {}),
        *true_false,
    )
    course, problems = check_content(root)
    assert course is not None
    assert problems == []


def test_a_figure_renders_for_its_locale_and_no_other_markdown_makes_one():
    assert render_markdown('![A *calm* "room" <b>](calm-room.svg)\n', "en") == (
        '<figure class="lesson-figure"><img src="figures/calm-room.en.svg"'
        ' alt="A calm &quot;room&quot; &lt;b&gt;"></figure>\n'
    )
    # not a paragraph of its own, or not a figure's name: an image as before (the checker
    # refuses these, see broken/figure-alt)
    assert render_markdown("See ![steps](steps.svg).\n\n![x](../a.png)\n", "nb") == (
        '<p>See <img src="steps.svg" alt="steps" />.</p>\n<p><img src="../a.png" alt="x" /></p>\n'
    )


def test_a_drawing_no_lesson_shows_is_a_warning(tmp_path):
    root = shutil.copytree(HERE / "valid", tmp_path / "content")
    figures = root / "modules/first-steps/figures"
    shutil.copy(figures / "steps.en.svg", figures / "stairs.en.svg")
    (figures / "notes.txt").write_text("draft", encoding="utf-8")
    course, problems = check_content(root)
    assert course is not None
    assert [str(p) for p in problems] == [
        "modules/first-steps/figures/notes.txt: warning: not named <name>.<locale>.svg",
        "modules/first-steps/figures/stairs.en.svg: warning: no lesson shows it",
    ]
    assert "stairs.en.svg" not in course.modules[0].figures


def test_a_lesson_with_a_check_is_cut_at_its_marker():
    course, _ = check_content(HERE / "valid")
    welcome, practice = course.modules[0].lessons
    assert welcome.check is None and welcome.body_after is None
    assert practice.check.option("plan").correct is True
    assert practice.body["nb"] == "<p>Practice lesson body in nb.</p>"
    assert practice.body_after["sv"] == "<p>After the check in sv.</p>"


def test_pools_keep_their_order_and_an_attempt_is_worth_one_variant_each():
    course, _ = check_content(HERE / "valid")
    module = course.modules[0]
    assert [[q.id for q in pool] for pool in module.pools] == [
        ["capital", "capital-sweden"],
        ["nordic", "nordic-capitals"],
        ["water", "ice"],
    ]
    assert module.max_points == 4


def test_the_shipped_course_is_valid():
    course, problems = check_content(HERE.parent.parent)
    assert [str(p) for p in problems if not p.warning] == []
    assert [m.id for m in course.modules] == [
        "welfare-role",
        "democratic-leadership",
        "relational-competence",
        "self-care",
    ]


def test_a_phrase_marked_nb_sv_or_en_renders_as_a_span_with_its_lang(tmp_path):
    root = shutil.copytree(HERE / "valid", tmp_path / "content")
    lessons = root / "modules/first-steps/lessons"
    for locale in ("nb", "en"):  # their lessons no longer show the figure
        (root / f"modules/first-steps/figures/steps.{locale}.svg").unlink()
    (lessons / "welcome.en.md").write_text(
        "The county governor (*[statsforvalteren]{lang=nb}*) and a\n"
        '[vårdcentral]{lang="sv"}; [<b>]{lang=nb} stays text.\n',
        encoding="utf-8",
    )
    (lessons / "welcome.nb.md").write_text(
        "En [vårdcentral]{lang=sv} og [*coaching*]{lang=en}.\n", encoding="utf-8"
    )
    module_yaml = root / "modules/first-steps/module.yaml"
    text = module_yaml.read_text(encoding="utf-8").replace(
        "en: Write down one goal.", "en: Write down one [mål]{lang=nb} & <one> more."
    )
    module_yaml.write_text(text, encoding="utf-8")
    course, problems = check_content(root)
    assert problems == []
    welcome = course.modules[0].lessons[0]
    assert welcome.body["en"] == (
        '<p>The county governor (<em><span lang="nb">statsforvalteren</span></em>) and a\n'
        '<span lang="sv">vårdcentral</span>; <span lang="nb">&lt;b&gt;</span> stays text.</p>'
    )
    assert welcome.body["nb"] == (
        '<p>En <span lang="sv">vårdcentral</span> og <span lang="en"><em>coaching</em></span>.</p>'
    )
    # the plain field for mails, reports and titles; the HTML for the pages that show it
    assert welcome.action["en"] == "Write down one mål & <one> more."
    assert welcome.action_html["en"] == (
        'Write down one <span lang="nb">mål</span> &amp; &lt;one&gt; more.'
    )
    assert (welcome.action["nb"], welcome.action_html["nb"]) == ("Skriv ned ett mål.",) * 2
