"""Time exporting the whole course as SCORM: `python benchmarks/export_scorm.py [--root DIR]`.

The promise is under 2 seconds for the whole course in one locale. Each figure is the worst of
the standards and locales: the first export in this process (templates still to compile), and
the median of the repeats after it. Loading the content is timed apart, because the app does
it once at start, not per export. Exits 1 when an export breaks the promise.
"""

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from app.content.check import check_content
from app.export.scorm import SCORM_STANDARDS, write_scorm_package

ROOT = Path(__file__).resolve().parent.parent
LIMIT_SECONDS = 2.0


def seconds(work: Callable[[], None]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="folder with course/, modules/")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    started = time.perf_counter()
    course, problems = check_content(args.root)
    load = time.perf_counter() - started
    if course is None:
        print(f"{args.root}: the course does not validate ({len(problems)} problems)")
        return 1
    lessons = sum(len(m.lessons) for m in course.modules)
    questions = sum(len(m.questions) for m in course.modules)
    print(
        f"{course.id} v{course.version}: {len(course.modules)} modules, {lessons} lessons, "
        f"{questions} questions; content loaded in {load:.3f} s"
    )

    worst_first = worst_median = 0.0
    for standard in SCORM_STANDARDS:
        for locale in course.locales:
            size = 0

            def export(standard: str = standard, locale: str = locale) -> None:
                nonlocal size
                out = io.BytesIO()
                write_scorm_package(course, standard, locale, out)
                size = len(out.getvalue())

            first = seconds(export)
            median = statistics.median(seconds(export) for _ in range(args.repeat))
            worst_first, worst_median = max(worst_first, first), max(worst_median, median)
            print(
                f"SCORM {standard:4} {locale}: first {first * 1000:6.1f} ms, "
                f"median {median * 1000:6.1f} ms, {size / 1024:.0f} KiB"
            )
    print(
        f"whole course, one locale: {worst_median * 1000:.1f} ms (median), "
        f"{worst_first * 1000:.1f} ms (first); limit {LIMIT_SECONDS:.0f} s"
    )
    return 0 if worst_first < LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
