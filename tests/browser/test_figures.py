"""A lesson's figure in a real browser: the drawing loads under the page's policy, fits a
320 px screen and the printed page, and keeps its shape."""

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

LESSON = "/modules/first-steps/lessons/welcome"


@pytest.mark.parametrize(("width", "media"), [(320, "screen"), (1280, "screen"), (794, "print")])
def test_the_figure_loads_fits_and_keeps_its_shape(browser, live_course, width, media):
    base, email = live_course
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, base, email)
    page.emulate_media(media=media)
    page.goto(base + LESSON)
    image = page.locator(".lesson-figure img")
    assert image.get_attribute("alt") == "Three stairs rising to the right (en)"
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => img.naturalWidth") > 0  # the SVG was served and drawn
    box = image.bounding_box()
    text = page.locator("article.lesson-body").bounding_box()
    assert box["width"] <= text["width"] + 0.5
    assert abs(box["width"] / box["height"] - 120 / 60) < 0.02  # the viewBox's 2:1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
