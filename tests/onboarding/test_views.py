"""HR's assignment pages and the commands beside them."""

from datetime import date

from sqlalchemy import func, select

from app.db import db
from app.onboarding.models import AssignedModule, Assignment, Cohort
from app.orgs.models import Role
from tests.factories import make_org, make_unit, make_user


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_hr_assigns_to_a_person_by_email_and_bad_input_changes_nothing(client, login, clock):
    org = make_org()
    hr = make_user(org, email="hr@vik.test", roles=[Role.HR], locale="en")
    make_user(org, email="anne@vik.test")
    login(hr)
    assert client.get("/assignments").status_code == 200
    base = {"target": "person", "modules": ["first-steps"]}
    for data, message in [
        ({**base, "email": "nobody@vik.test", "due_days": "30"},
         "No one in your organisation has this email."),
        ({**base, "email": "anne@vik.test", "due_on": "2026-03-01"},
         "The due date has passed. Choose today or a later date."),
        ({**base, "email": "anne@vik.test", "due_on": "01.04.2026"}, "Not a valid date value."),
        ({**base, "email": "anne@vik.test", "due_days": "3", "modules": []},
         "Choose at least one module."),
        ({**base, "email": "anne@vik.test"}, "Give either a due date or a number of days"),
    ]:  # fmt: skip
        response = client.post("/assignments", data=data)
        assert response.status_code == 400, data
        assert message in response.text, data
    assert (count(Assignment), count(AssignedModule)) == (0, 0)
    response = client.post(
        "/assignments", data={**base, "email": "Anne@Vik.test", "due_on": "2026-04-01"}
    )
    assert response.status_code == 302
    assert "Assigned to 1 person." in client.get("/assignments").text
    assert db.session.scalars(select(AssignedModule.due_on)).all() == [date(2026, 4, 1)]


def test_a_rule_is_previewed_then_made(client, login):
    org = make_org()
    hr = make_user(org, email="hr@vik.test", roles=[Role.HR], locale="en")
    make_user(org, email="boss@vik.test", roles=[Role.MANAGER])
    login(hr)
    rule = {"name": "New managers", "role": "manager", "modules": ["first-steps"], "due_days": "30"}
    preview = client.post("/assignments/rules", data=rule)
    assert preview.status_code == 200
    assert "1 person matches this rule now and will get the modules." in preview.text
    assert count(Assignment) == 0
    made = client.post("/assignments/rules", data={**rule, "confirm": "yes"})
    assert made.status_code == 302
    assert count(AssignedModule) == 1
    nobody = client.post("/assignments/rules", data={**rule, "role": "", "unit": ""})
    assert nobody.status_code == 400
    assert "A rule needs a role, a unit or both." in nobody.text


def test_removing_keeps_nothing_of_the_assignment(client, login):
    org = make_org()
    hr = make_user(org, email="hr@vik.test", roles=[Role.HR], locale="en")
    login(hr)
    unit = make_unit(org, "Helse")
    make_user(org, email="anne@vik.test", unit=unit)
    client.post("/assignments", data={"target": "unit", "unit": str(unit.id),
                                      "modules": ["first-steps"], "due_days": "9"})  # fmt: skip
    assignment = db.session.scalars(select(Assignment)).one()
    response = client.post(f"/assignments/{assignment.id}/remove")
    assert response.status_code == 302
    assert (count(Assignment), count(AssignedModule)) == (0, 0)


def test_the_commands_assign_and_make_rules(runner, app):
    org = make_org()
    make_unit(org, "Helse")
    make_user(org, email="anne@vik.test", roles=[Role.MANAGER])
    db.session.commit()
    result = runner.invoke(
        args=["assign", "--org", "vik", "--email", "anne@vik.test", "--days", "5"]
    )
    assert (result.exit_code, result.output) == (0, "Assigned to 1 people.\n")
    result = runner.invoke(args=["rules", "create", "Managers", "--org", "vik", "--role", "manager",
                                 "--days", "30"])  # fmt: skip
    assert result.output == "1 people match now; add --yes to make the rule.\n"
    result = runner.invoke(args=["rules", "create", "Managers", "--org", "vik", "--role", "manager",
                                 "--days", "30", "--yes"])  # fmt: skip
    assert result.output == "Rule Managers made; it applies to 1 people now.\n"
    result = runner.invoke(args=["assign", "--org", "vik", "--unit", "Nowhere", "--days", "5"])
    assert (result.exit_code, result.output) == (1, "Error: vik has no unit 'Nowhere'.\n")
    result = runner.invoke(args=["rules", "list", "--org", "vik"])
    assert result.output.splitlines()[1].split("\t")[1:] == ["Managers", "first-steps", "30 days"]


def test_a_cohort_is_made_from_emails_assigned_to_and_later_members_get_its_modules(client, login):
    org = make_org()
    hr = make_user(org, email="hr@vik.test", roles=[Role.HR], locale="en")
    anne = make_user(org, email="anne@vik.test", given_name="Anne", family_name="Aas")
    bo = make_user(org, email="bo@vik.test", given_name="Bo", family_name="Berg")
    other = make_org(slug="dal", name="Dal kommune")
    make_user(other, email="dag@dal.test")
    login(hr)
    refused = client.post(
        "/assignments/cohorts",
        data={"name": "Spring", "emails": "anne@vik.test\ndag@dal.test, ghost@vik.test"},
    )
    assert refused.status_code == 400
    assert (
        "No one active in your organisation has these emails: dag@dal.test, ghost@vik.test."
        in refused.text
    )
    assert count(Cohort) == 0
    made = client.post(
        "/assignments/cohorts", data={"name": " Spring ", "emails": "Anne@vik.test; anne@vik.test"}
    )
    assert made.status_code == 302
    cohort = db.session.scalars(select(Cohort)).one()
    assert (cohort.name, made.location) == ("Spring", f"/assignments/cohorts/{cohort.id}")
    page = client.get(made.location).text
    assert "The cohort Spring is made with 1 person." in page
    assert "Anne Aas" in page and "Bo Berg" not in page
    again = client.post("/assignments/cohorts", data={"name": "Spring", "emails": ""})
    assert again.status_code == 400
    assert "There is a cohort with this name already." in again.text

    assign = {"target": "cohort", "modules": ["first-steps"], "due_days": "10"}
    assert "Choose a cohort." in client.post("/assignments", data=assign).text
    response = client.post("/assignments", data={**assign, "cohort": str(cohort.id)})
    assert response.status_code == 302
    assert "Cohort: Spring" in client.get("/assignments").text
    holders = select(AssignedModule.user_id).order_by(AssignedModule.user_id)
    assert db.session.scalars(holders).all() == [anne.id]

    added = client.post(f"/assignments/cohorts/{cohort.id}", data={"emails": "bo@vik.test"})
    assert added.status_code == 302
    assert "1 person added to the cohort." in client.get(added.location).text
    assert db.session.scalars(holders).all() == [anne.id, bo.id]
    assert client.get(f"/assignments/cohorts/{cohort.id + 1}").status_code == 404
    client.post("/logout")
    login(anne)
    assert client.get("/assignments/cohorts").status_code == 403


def test_the_cohort_commands_make_list_add_and_assign(runner, app):
    org = make_org()
    make_user(org, email="anne@vik.test")
    make_user(org, email="bo@vik.test")
    db.session.commit()
    result = runner.invoke(
        args=["cohorts", "create", "Spring", "--org", "vik", "--email", "anne@vik.test"]
    )
    assert (result.exit_code, result.output) == (0, "Cohort Spring made with 1 people.\n")
    result = runner.invoke(args=["assign", "--org", "vik", "--cohort", "Spring", "--days", "5"])
    assert (result.exit_code, result.output) == (0, "Assigned to 1 people.\n")
    result = runner.invoke(
        args=["cohorts", "add", "Spring", "--org", "vik", "--email", "bo@vik.test"]
    )
    assert (result.exit_code, result.output) == (0, "1 people added to Spring.\n")
    assert count(AssignedModule) == 2
    result = runner.invoke(args=["cohorts", "list", "--org", "vik"])
    assert result.output == "Spring\t2\n"
    result = runner.invoke(
        args=["cohorts", "add", "Autumn", "--org", "vik", "--email", "bo@vik.test"]
    )
    assert (result.exit_code, result.output) == (1, "Error: vik has no cohort named 'Autumn'.\n")
    result = runner.invoke(
        args=["cohorts", "add", "Spring", "--org", "vik", "--email", "nobody@vik.test"]
    )
    assert result.exit_code == 1
    assert "these emails: nobody@vik.test." in result.output
    result = runner.invoke(args=["assign", "--org", "vik", "--days", "5"])
    assert result.exit_code == 2 and "Give one of --email, --unit or --cohort." in result.output
