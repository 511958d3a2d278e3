"""tools/check_own_words.py: every text of the course is compared with the seeds, quiz
feedback and the other texts of module.yaml and quiz.yaml as much as the lessons."""

import importlib.util
from pathlib import Path

import pytest

from tests.conftest import CONTENT

TOOL = Path(__file__).resolve().parents[2] / "tools" / "check_own_words.py"


@pytest.fixture(scope="module")
def check_own_words():
    spec = importlib.util.spec_from_file_location("check_own_words", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


@pytest.mark.parametrize(
    ("seed", "found"),
    [
        # eight words of the feedback on "spain" (question nordic), in a sentence of the seed's
        (
            "The atlas says that Spain lies far to the south of Europe, as everyone knows.",
            "first-steps/questions.nordic.options.spain.feedback (en):"
            " spain lies far to the south of europe",
        ),
        # eight words of the scenario's debrief in module.yaml, which the tool once skipped
        (
            "Å lytte først og avtale et neste steg, sier boka.",
            "first-steps/scenario.debrief (nb): å lytte først og avtale et neste steg",
        ),
    ],
    ids=["quiz-feedback", "module-scenario"],
)
def test_a_run_shared_with_a_seed_is_found_and_named(
    check_own_words, seed, found, tmp_path, capsys
):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "source.txt").write_text(seed + "\n", encoding="utf-8")
    assert check_own_words([str(seeds), "--root", str(CONTENT)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        found,
        f"1 run(s) of 8 words shared with {seeds}",
    ]


def test_a_seed_with_no_shared_run_passes(check_own_words, tmp_path, capsys):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "other.txt").write_text("Nothing here is in the course, not eight words of it.\n")
    assert check_own_words([str(seeds), "--root", str(CONTENT)]) == 0
    assert capsys.readouterr().out == f"0 run(s) of 8 words shared with {seeds}\n"
