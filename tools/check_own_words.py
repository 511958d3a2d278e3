"""Find course text that repeats a source word for word: `tools/check_own_words.py SEEDS`.

The course is written in our own words; facts and ideas from the sources carry over, sentences
do not. Prints every run of N words (default 8) that a lesson, question, option or feedback
shares with any .txt file under SEEDS, and exits 1 if there is one. The seeds are not in this
repository, so this is a tool for content owners rather than a test.
"""

import argparse
import re
import sys
from pathlib import Path

from app.content import check_content

ROOT = Path(__file__).resolve().parent.parent


def words(text: str) -> list[str]:
    return re.findall(r"\w+", re.sub(r"<[^>]+>", " ", text).lower())


def runs(text: str, n: int) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", type=Path)
    parser.add_argument("-n", type=int, default=8, help="words in a run (default 8)")
    args = parser.parse_args()
    seed_runs: set[tuple[str, ...]] = set()
    for path in sorted(args.seeds.glob("*.txt")):
        seed_runs |= runs(path.read_text(encoding="utf-8"), args.n)
    course, problems = check_content(ROOT)
    if course is None:
        print("\n".join(str(p) for p in problems))
        return 1
    found = 0
    for module in course.modules:
        texts = [(lesson.id, lesson.body) for lesson in module.lessons]
        for question in module.questions:
            texts.append((question.id, question.prompt))
            for option in question.options:
                texts += [
                    (f"{question.id}.{option.id}", option.text),
                    (f"{question.id}.{option.id}", option.feedback),
                ]
        for key, text in texts:
            for locale, value in text.items():
                for run in sorted(runs(value, args.n) & seed_runs):
                    print(f"{module.id}/{key} ({locale}): {' '.join(run)}")
                    found += 1
    print(f"{found} run(s) of {args.n} words shared with {args.seeds}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
