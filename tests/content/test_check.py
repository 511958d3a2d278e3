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
    assert [str(p) for p in problems] == expected


def test_the_shipped_course_is_valid():
    course, problems = check_content(HERE.parent.parent)
    assert [str(p) for p in problems] == []
    assert [m.id for m in course.modules] == [
        "welfare-role",
        "democratic-leadership",
        "relational-competence",
        "self-care",
    ]
