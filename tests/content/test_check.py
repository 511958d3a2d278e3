"""The content validator: the valid fixture loads; each broken fixture gives exactly its problems.

A broken fixture is an overlay on tests/content/valid: the files it holds replace the valid
ones, the paths listed in its DELETE file are removed, and expected.txt lists every problem
`check_content` must report, in order.
"""

import shutil
from pathlib import Path

import pytest

from app.content import check_content

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
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )
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
