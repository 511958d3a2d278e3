"""The administrator's pages: find, add, change, deactivate and erase people; units; audit."""

import json

import pytest
from sqlalchemy import select

from app.db import db
from app.learning.models import Reflection
from app.orgs.models import AuditEvent, OrgUnit, Role, User
from tests.factories import make_org, make_unit, make_user

EN = {"Accept-Language": "en"}


def reflection(user: User, text: str) -> Reflection:
    return Reflection(org_id=user.org_id, user_id=user.id, module_id="m", lesson_id="l",
                      module_version=1, text=text, updated_at=user.created_at)  # fmt: skip


@pytest.fixture
def admin(app, login):
    org = make_org()
    user = make_user(org, email="admin@vik.test", roles=[Role.ADMIN], given_name="Anne",
                     family_name="Admin", locale="en")  # fmt: skip
    login(user)
    return user


def test_the_people_list_searches_filters_and_pages(client, admin):
    org = admin.organisation
    health = make_unit(org, "Helse og omsorg")
    north = make_unit(org, "Sykehjem Nord", parent=health)
    school = make_unit(org, "Vik skule")
    make_user(org, email="kari@vik.test", given_name="Kari", family_name="Nordmann", unit=north,
              employee_number="A-4711", roles=[Role.MANAGER])  # fmt: skip
    make_user(org, email="per@vik.test", given_name="Per", family_name="Pettersen", unit=school)
    for i in range(55):
        make_user(org, email=f"p{i:02}@vik.test", given_name="P", family_name=f"Z{i:02}")

    def names(query: str) -> list[str]:
        page = client.get(f"/admin/people?{query}").text
        rows = page.split('href="/admin/people/')[1:]
        return [row.split(">", 1)[1].split("<", 1)[0] for row in rows if row[0].isdigit()]

    assert names(f"unit={health.id}") == ["Kari Nordmann"]
    assert names("q=nordm") == ["Kari Nordmann"]
    assert names("q=a-4711") == ["Kari Nordmann"]
    assert names("role=manager") == ["Kari Nordmann"]
    first = names("")
    assert (len(first), first[:3]) == (50, ["Anne Admin", "Kari Nordmann", "Per Pettersen"])
    assert names("page=2") == [f"P Z{i:02}" for i in range(47, 55)]
    assert "58 people found" in client.get("/admin/people").text


@pytest.mark.parametrize("query", ["page=abc", "page=0", "page=99999999999999999999", "unit=9999",
                                   "role=king", "status=x", "q=" + "x" * 101, "q=%00"])  # fmt: skip
def test_malformed_filters_are_a_400_not_a_500(client, admin, query):
    assert client.get(f"/admin/people?{query}").status_code == 400


def test_an_admin_adds_a_person_and_a_duplicate_is_refused(client, admin):
    org = admin.organisation
    unit = make_unit(org)
    manager = make_user(org, email="kari@vik.test", employee_number="17")
    data = {"given_name": "Eva", "family_name": "Ås", "email": "Eva@Vik.test",
            "employee_number": "18", "unit": str(unit.id), "manager_employee_number": "17",
            "locale": "sv", "roles": ["learner", "manager"]}  # fmt: skip
    response = client.post("/admin/people/new", data=data)
    assert response.status_code == 302
    eva = db.session.scalar(select(User).where(User.email == "eva@vik.test"))
    assert (eva.given_name, eva.unit_id, eva.manager_id, eva.locale, eva.roles) == (
        "Eva",
        unit.id,
        manager.id,
        "sv",
        {Role.LEARNER, Role.MANAGER},
    )
    assert response.headers["Location"] == f"/admin/people/{eva.id}"

    again = client.post("/admin/people/new", data={**data, "employee_number": "19"}, headers=EN)
    assert again.status_code == 400
    assert "This email address is already in use." in again.text
    unknown = client.post(
        "/admin/people/new",
        data={**data, "email": "x@vik.test", "manager_employee_number": "99"},
        headers=EN,
    )
    assert "Nobody here has employee number 99." in unknown.text
    assert db.session.scalar(select(User).where(User.email == "x@vik.test")) is None


def test_a_manager_cycle_is_refused(client, admin):
    org = admin.organisation
    boss = make_user(org, email="boss@vik.test", employee_number="1")
    lead = make_user(org, email="lead@vik.test", employee_number="2", manager=boss)
    make_user(org, email="new@vik.test", employee_number="3", manager=lead)
    data = {"given_name": "Bo", "family_name": "Sjef", "email": "boss@vik.test",
            "employee_number": "1", "unit": "", "manager_employee_number": "3", "locale": "",
            "roles": ["learner"]}  # fmt: skip
    response = client.post(f"/admin/people/{boss.id}", data=data, headers=EN)
    assert response.status_code == 400
    assert (
        "A person cannot report to themselves or to someone who reports to them." in response.text
    )
    db.session.expire_all()
    assert (boss.manager_id, boss.given_name) == (None, "Ola")


def test_deactivate_reactivate_and_erase(client, admin):
    org = admin.organisation
    person = make_user(org, email="kari@vik.test", given_name="Kari", family_name="Nordmann")
    db.session.add(reflection(person, "private"))
    db.session.commit()
    client.post(f"/admin/people/{person.id}/deactivate")
    db.session.expire_all()
    assert person.is_active is False
    client.post(f"/admin/people/{person.id}/reactivate")
    db.session.expire_all()
    assert person.is_active is True

    unconfirmed = client.post(f"/admin/people/{person.id}/erase")
    assert unconfirmed.status_code == 302
    db.session.expire_all()
    assert person.erased_at is None
    response = client.post(f"/admin/people/{person.id}/erase", data={"confirm": "y"})
    assert response.headers["Location"] == "/admin/people"
    db.session.expire_all()
    assert (person.email, person.name, person.erased_at is not None) == (None, "", True)
    assert db.session.scalars(select(Reflection)).all() == []
    assert client.get(f"/admin/people/{person.id}").status_code == 404

    audit = client.get("/admin/audit").text
    for line in ("Deactivated the person", "Reactivated the person", "Erased the person"):
        assert line in audit


def test_an_admin_cannot_lock_themselves_out(client, admin):
    client.post(f"/admin/people/{admin.id}/deactivate")
    data = {"given_name": "Anne", "family_name": "Admin", "email": "admin@vik.test",
            "employee_number": "", "unit": "", "manager_employee_number": "", "locale": "en",
            "roles": ["learner"]}  # fmt: skip
    response = client.post(f"/admin/people/{admin.id}", data=data)
    assert "You cannot remove your own administrator role." in response.text
    db.session.expire_all()
    assert (admin.is_active, admin.roles) == (True, {Role.ADMIN})


def test_units_are_added_renamed_and_moved_without_cycles(client, admin):
    org = admin.organisation
    client.post("/admin/units", data={"name": "Helse", "parent": ""})
    health = db.session.scalar(select(OrgUnit))
    client.post("/admin/units", data={"name": "Sykehjem", "parent": str(health.id)})
    home = db.session.scalar(select(OrgUnit).where(OrgUnit.name == "Sykehjem"))
    same = client.post(
        "/admin/units", data={"name": "sykehjem", "parent": str(health.id)}, headers=EN
    )
    assert "There is already a unit called sykehjem there." in same.text
    cycle = client.post(f"/admin/units/{health.id}", data={"name": "Helse", "parent": str(home.id)},
                        headers=EN)  # fmt: skip
    assert cycle.status_code == 400
    assert "A unit cannot be placed under itself" in cycle.text
    client.post(f"/admin/units/{home.id}", data={"name": "Sykehjem Nord", "parent": ""})
    db.session.expire_all()
    assert (home.name, home.parent_id, health.parent_id) == ("Sykehjem Nord", None, None)
    assert db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all() == [
        "unit_created", "unit_created", "unit_renamed", "unit_moved"
    ]  # fmt: skip
    assert org.id == home.org_id


@pytest.mark.parametrize("role", [Role.LEARNER, Role.MANAGER, Role.HR])
def test_other_roles_get_403_and_no_link(client, login, role):
    login(make_user(make_org(), roles=[role]))
    assert 'href="/admin/people"' not in client.get("/").text
    for path in ("/admin/people", "/admin/people/new", "/admin/units", "/admin/audit"):
        assert client.get(path).status_code == 403, path


def test_a_learner_downloads_everything_stored_about_them(client, login):
    org = make_org()
    user = make_user(org)
    db.session.add(reflection(user, "Mine alone"))
    login(user)
    response = client.get("/account/my-data.json")
    assert response.headers["Content-Disposition"] == "attachment; filename=leda-my-data.json"
    data = json.loads(response.text)
    assert data["account"]["email"] == "ola@vik.test"
    assert "password_hash" not in data["account"]
    assert [r["text"] for r in data["reflections"]] == ["Mine alone"]
    assert len(data["sessions"]) == 1 and "token_hash" not in data["sessions"][0]
    assert response.headers["Cache-Control"] == "no-store"


def test_the_edit_page_shows_the_stored_values(client, admin):
    org = admin.organisation
    unit = make_unit(org, "Sykehjem Nord")
    boss = make_user(org, email="boss@vik.test", employee_number="1")
    person = make_user(org, email="kari@vik.test", given_name="Kari", employee_number="2",
                       unit=unit, manager=boss, locale="sv", roles=[Role.MANAGER])  # fmt: skip
    page = client.get(f"/admin/people/{person.id}").text
    assert f'<option selected value="{unit.id}">Sykehjem Nord</option>' in page
    assert 'name="manager_employee_number" type="text" value="1"' in page
    assert '<option selected value="sv">Svenska</option>' in page
    assert '<input checked id="roles-1" name="roles" type="checkbox" value="manager">' in page
    assert '<input id="roles-0" name="roles" type="checkbox" value="learner">' in page
    assert 'name="given_name" required type="text" value="Kari"' in page


@pytest.mark.parametrize("parent", ["abc", "99999999999999999999999", "-1"])
def test_a_malformed_unit_choice_is_a_400(client, admin, parent):
    assert client.post("/admin/units", data={"name": "X", "parent": parent}).status_code == 400
    data = {"given_name": "A", "family_name": "B", "email": "a@vik.test", "unit": parent,
            "roles": ["learner"], "locale": ""}  # fmt: skip
    assert client.post("/admin/people/new", data=data).status_code == 400
