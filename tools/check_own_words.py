"""Find course text that repeats a source word for word: `tools/check_own_words.py SEEDS`.

The course is written in our own words; facts and ideas from the sources carry over, sentences
do not. Prints every run of N words (default 8) that any text of the course shares with any
.txt file under SEEDS (lessons, and every text of course.yaml, module.yaml and quiz.yaml: titles,
objectives, takeaways, checks, scenarios, cards, prompts, options, feedback), and exits 1 if
there is one. The seeds are not in this repository, so this is a tool for content owners
rather than a test.
"""

import argparse
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from app.content import check_content
from app.content.models import DEFAULT_LOCALE, LOCALES, Text

ROOT = Path(__file__).resolve().parent.parent


def words(text: str) -> list[str]:
    return re.findall(r"\w+", re.sub(r"<[^>]+>", " ", text).lower())


def runs(text: str, n: int) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def texts(value: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Text]]:
    """Every Text in a loaded model, named by its fields and the ids of list items (a list
    item without an id by its place), so a text added to the models is scanned too."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from texts(getattr(value, name), (*path, name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from texts(item, (*path, str(getattr(item, "id", i))))
    elif isinstance(value, dict) and DEFAULT_LOCALE in value and set(value) <= set(LOCALES):
        yield ".".join(path), value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", type=Path)
    parser.add_argument("-n", type=int, default=8, help="words in a run (default 8)")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="folder holding course/ and modules/"
    )
    args = parser.parse_args(argv)
    seed_runs: set[tuple[str, ...]] = set()
    for path in sorted(args.seeds.glob("*.txt")):
        seed_runs |= runs(path.read_text(encoding="utf-8"), args.n)
    course, problems = check_content(args.root)
    if course is None:
        print("\n".join(str(p) for p in problems))
        return 1
    found = 0
    for key, text in texts(course):
        name = key.removeprefix("modules.").replace(".", "/", 1)
        for locale, value in text.items():
            for run in sorted(runs(value, args.n) & seed_runs):
                print(f"{name if name != key else f'course/{key}'} ({locale}): {' '.join(run)}")
                found += 1
    print(f"{found} run(s) of {args.n} words shared with {args.seeds}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
