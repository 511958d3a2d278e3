"""The admin download: the same bytes as the service, for admins only."""

import io

import pytest

from app.content import current_course
from app.export.scorm import write_scorm_package
from app.orgs.models import Role
from tests.factories import make_org, make_user


@pytest.mark.parametrize(("standard", "locale"), [("1.2", "nb"), ("2004", "sv")])
def test_an_admin_downloads_the_package(client, login, standard, locale):
    login(make_user(make_org(), roles=[Role.ADMIN], locale="en"))
    assert 'href="/admin/people">Administration</a>' in client.get("/").text
    assert 'href="/admin/export/">Export</a>' in client.get("/admin/people").text
    response = client.get(f"/admin/export/scorm?standard={standard}&locale={locale}")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=test-course-v1-scorm{standard.replace('.', '')}-{locale}.zip"
    )
    expected = io.BytesIO()
    write_scorm_package(current_course(), standard, locale, expected)
    assert response.data == expected.getvalue()


def test_an_admin_downloads_one_module(client, login):
    login(make_user(make_org(), roles=[Role.ADMIN], locale="en"))
    page = client.get("/admin/export/").text
    assert '<option selected value="">The whole course</option>' in page
    assert '<option value="first-steps">Only the module First steps</option>' in page
    response = client.get("/admin/export/scorm?standard=2004&locale=nb&module=first-steps")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=test-course-first-steps-v3-scorm2004-nb.zip"
    )
    expected = io.BytesIO()
    write_scorm_package(current_course(), "2004", "nb", expected, "first-steps")
    assert response.data == expected.getvalue()


def test_a_bad_choice_is_named_and_nothing_is_sent(client, login):
    login(make_user(make_org(), roles=[Role.ADMIN], locale="en"))
    response = client.get("/admin/export/scorm?standard=1.3&locale=de&module=nope")
    assert response.status_code == 400
    assert "SCORM version: Not a valid choice." in response.text
    assert "Language: Not a valid choice." in response.text
    assert "Package: Not a valid choice." in response.text


@pytest.mark.parametrize("role", [Role.LEARNER, Role.MANAGER, Role.HR])
def test_only_admins_may_export(client, login, role):
    login(make_user(make_org(), roles=[role]))
    assert client.get("/admin/export/").status_code == 403
    assert client.get("/admin/export/scorm?standard=1.2&locale=nb").status_code == 403
    assert "/admin/export/" not in client.get("/").text
