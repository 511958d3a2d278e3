"""Check one module on its own: `python tools/check_module.py <module-id>`.

Builds a throwaway course holding only that module, runs the real validator, and prints
lesson word counts per locale. For content authors working on one module at a time.
"""

import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from app.content.check import check_content

ROOT = Path(__file__).resolve().parent.parent


def main(module_id: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "course").mkdir()
        (root / "modules").mkdir()
        shutil.copytree(ROOT / "modules" / module_id, root / "modules" / module_id)
        course = yaml.safe_load((ROOT / "course" / "course.yaml").read_text(encoding="utf-8"))
        course["modules"] = [module_id]
        (root / "course" / "course.yaml").write_text(
            yaml.safe_dump(course, allow_unicode=True), encoding="utf-8"
        )
        course_model, problems = check_content(root)
    for problem in problems:
        print(problem)
    if course_model is None:
        return 1
    module = course_model.modules[0]
    for lesson in module.lessons:
        for locale in course_model.locales:
            path = ROOT / "modules" / module_id / "lessons" / f"{lesson.id}.{locale}.md"
            words = len(path.read_text(encoding="utf-8").split())
            flag = "" if 250 <= words <= 450 else "  <-- outside 250-450"
            print(f"{lesson.id}.{locale}.md: {words} words{flag}")
    print(f"{len(module.questions)} questions, pass mark {module.pass_mark}%")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
