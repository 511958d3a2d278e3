"""A SCORM package marks the terms of another language as the lesson page does (WCAG 3.1.2)."""

import re

import pytest

from app.content.models import Course
from tests.export.conftest import MakePackage

SPAN = re.compile(r'<span lang="(nb|sv|en)">([^<]*)</span>')


@pytest.mark.parametrize("standard", ["1.2", "2004"])
@pytest.mark.parametrize("module_id", ["democratic-leadership", "self-care"])
def test_the_package_has_the_spans_the_lesson_pages_have(
    make_package: MakePackage, real_course: Course, standard: str, module_id: str
) -> None:
    page = make_package(standard, "en", real_course, module_id).read("index.html").decode()
    module = real_course.module(module_id)
    shown = [  # in the package's order: the whole scene, the takeaway, the action, the reflection
        span
        for lesson in module.lessons
        for html in (
            lesson.body["en"],
            lesson.body_after["en"],
            lesson.takeaway_html["en"],
            lesson.action_html["en"],
            lesson.reflection_html["en"],
        )
        for span in SPAN.findall(html)
    ]
    assert SPAN.findall(page) == shown
    assert len(shown) == {"democratic-leadership": 19, "self-care": 11}[module_id]
    assert "{lang=" not in page


def test_the_package_shows_a_marked_action_with_its_spans(
    make_package: MakePackage, real_course: Course
) -> None:
    page = make_package("2004", "en", real_course, "self-care").read("index.html").decode()
    assert (
        "<p>Write down three places where you can find support – for example a mentor, a fellow"
        " manager you trust and the occupational health service"
        ' (<span lang="nb">bedriftshelsetjeneste</span> in Norway,'
        ' <span lang="sv">företagshälsovård</span> in Sweden) – and find out how to reach them.</p>'
    ) in page
    assert '(<em><span lang="sv">Försäkringskassan</span></em>)' in page
