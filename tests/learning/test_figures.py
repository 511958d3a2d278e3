"""A lesson's figure: shown in the learner's language, served as a drawing that can do nothing
but be looked at, to signed-in learners as the lessons are."""

import pytest

from tests.conftest import CONTENT
from tests.factories import make_org, make_user

FIGURES = CONTENT / "modules" / "first-steps" / "figures"
ALT = {
    "nb": "Tre trappetrinn som stiger mot høyre (nb)",
    "sv": "Tre trappsteg som stiger åt höger (sv)",
    "en": "Three stairs rising to the right (en)",
}


@pytest.mark.parametrize("locale", ["nb", "sv", "en"])
def test_the_lesson_shows_the_figure_drawn_for_its_locale(client, login, locale):
    login(make_user(make_org(), locale=locale))
    page = client.get("/modules/first-steps/lessons/welcome").text
    assert (
        f'<figure class="lesson-figure"><img src="/modules/first-steps/figures/steps.{locale}.svg"'
        f' alt="{ALT[locale]}"></figure>'
    ) in page


def test_a_figure_is_served_as_svg_with_a_strict_policy_and_kept_privately(client, login):
    login(make_user(make_org(), locale="en"))
    response = client.get("/modules/first-steps/figures/steps.sv.svg")
    assert response.status_code == 200
    assert response.data == (FIGURES / "steps.sv.svg").read_bytes()
    assert response.headers["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, max-age=3600"
    again = client.get(
        "/modules/first-steps/figures/steps.sv.svg",
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert (again.status_code, again.data) == (304, b"")


@pytest.mark.parametrize(
    "path",
    [
        "/modules/first-steps/figures/steps.da.svg",  # a locale the course has no drawing in
        "/modules/first-steps/figures/stairs.en.svg",  # a name no lesson shows
        "/modules/first-steps/figures/steps.svg",
        "/modules/first-steps/figures/..%2Fmodule.yaml",
        "/modules/first-steps/figures/../module.yaml",
        "/modules/first-steps/figures/%2e%2e%2fquiz.yaml",
        "/modules/no-such-module/figures/steps.en.svg",
    ],
)
def test_unknown_figures_and_paths_out_of_the_folder_are_404(client, login, path):
    login(make_user(make_org(), locale="en"))
    assert client.get(path).status_code == 404


def test_a_figure_needs_a_signed_in_learner_as_a_lesson_does(client):
    lesson = client.get("/modules/first-steps/lessons/welcome")
    figure = client.get("/modules/first-steps/figures/steps.en.svg")
    assert (figure.status_code, figure.headers["Location"]) == (
        lesson.status_code,
        lesson.headers["Location"].replace("lessons%2Fwelcome", "figures%2Fsteps.en.svg"),
    )
