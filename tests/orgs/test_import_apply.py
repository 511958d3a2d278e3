"""Applying an import: the CLI and the upload page, one transaction, nothing on any problem."""

import io

import pytest
from sqlalchemy import func, select

from app.db import db
from app.orgs import services
from app.orgs.models import AuditEvent, OrgUnit, PendingImport, Role, User
from tests.factories import make_org, make_user

HEADER = "ansattnummer;e-post;fornavn;etternavn;enhet;leders_ansattnummer;språk;roller;"
GOOD = "\r\n".join([
    HEADER,
    "1001;anne@vik.no;Anne;Ås;Helse og omsorg;;nb;manager|learner;",
    '1002;bjørn@vik.no;Bjørn;"Berg; jr.";Helse og omsorg/Sykehjem Nord;1001;;;',
    "1003;cecilie@vik.no;Cecilie;Øye;Helse og omsorg/Sykehjem Nord;1002;sv;hr;",
    "",
]).encode("utf-8-sig")  # fmt: skip


def people(org_id: int) -> list[tuple]:
    paths = services.unit_paths(org_id)
    rows = db.session.scalars(select(User).where(User.org_id == org_id).order_by(User.id))
    return [
        (u.employee_number, u.email, u.name, paths.get(u.unit_id or 0),
         u.manager.employee_number if u.manager else None, u.locale, sorted(u.roles))
        for u in rows
    ]  # fmt: skip


def test_a_good_file_creates_units_people_and_managers(runner):
    org = make_org()
    admin = make_user(org, email="anne@vik.no", roles=[Role.ADMIN], given_name="A", family_name="")
    db.session.commit()
    path = runner.app.instance_path + "/people.csv"
    with open(path, "wb") as file:
        file.write(GOOD)
    dry = runner.invoke(args=["users", "import", path, "--org", "vik", "--dry-run"])
    assert dry.output == "The file would add 2 and change 1 people (dry run).\n"
    assert db.session.scalar(select(func.count()).select_from(User)) == 1

    result = runner.invoke(args=["users", "import", path, "--org", "vik"])
    assert (result.exit_code, result.output) == (0, "Added 2 and changed 1 people.\n")
    db.session.expire_all()
    assert people(org.id) == [
        ("1001", "anne@vik.no", "Anne Ås", "Helse og omsorg", None, "nb",
         [Role.ADMIN, Role.LEARNER, Role.MANAGER]),
        ("1002", "bjørn@vik.no", "Bjørn Berg; jr.", "Helse og omsorg/Sykehjem Nord", "1001", "nb",
         [Role.LEARNER]),
        ("1003", "cecilie@vik.no", "Cecilie Øye", "Helse og omsorg/Sykehjem Nord", "1002", "sv",
         [Role.HR]),
    ]  # fmt: skip
    assert admin.id == db.session.scalar(select(User.id).where(User.employee_number == "1001"))
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "import_applied")
    ).one()
    assert event.details == {"created": 2, "updated": 1}

    again = runner.invoke(args=["users", "import", path, "--org", "vik"])
    assert again.output == "Added 0 and changed 3 people.\n"
    assert db.session.scalar(select(func.count()).select_from(OrgUnit)) == 2


def test_a_file_with_problems_changes_nothing(runner):
    org, other = make_org(), make_org(slug="dal", name="Dal kommune")
    make_user(other, email="outsider@dal.no", employee_number="9009")
    db.session.commit()
    bad = "\n".join([
        "employee_number,email,given_name,family_name,manager_employee_number",
        "1,one@vik.no,One,First,2",
        "2,two@vik.no,Two,Second,1",
        "3,outsider@dal.no,Three,Third,9009",
    ]).encode()  # fmt: skip
    path = runner.app.instance_path + "/bad.csv"
    with open(path, "wb") as file:
        file.write(bad)
    result = runner.invoke(args=["users", "import", path, "--org", "vik"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "line 2, column 'manager_employee_number': The managers would go round in a circle: "
        "1 → 2 → 1.",
        "line 3, column 'manager_employee_number': The managers would go round in a circle: "
        "2 → 1 → 2.",
        "line 4, column 'email': The email 'outsider@dal.no' is already used by another account.",
        "line 4, column 'manager_employee_number': There is no employee number '9009' in this "
        "file or in this organisation.",
        "Error: 4 problem(s): nothing was imported.",
    ]
    assert db.session.scalars(select(User.email).where(User.org_id == org.id)).all() == []


def test_the_upload_page_previews_then_applies_exactly_that_file(client, login):
    org = make_org()
    login(make_user(org, email="admin@vik.no", roles=[Role.ADMIN], locale="en"))
    upload = {"file": (io.BytesIO(GOOD), "people.csv")}
    preview = client.post("/admin/people/import", data=upload, content_type="multipart/form-data")
    assert preview.status_code == 200
    assert "The file is fine. It adds 3 people and changes 0." in preview.text
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    token = db.session.scalars(select(PendingImport.token)).one()

    applied = client.post("/admin/people/import/apply", data={"pending": token})
    assert applied.headers["Location"] == "/admin/people"
    assert db.session.scalar(select(func.count()).select_from(User)) == 4
    twice = client.post("/admin/people/import/apply", data={"pending": token})
    assert twice.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(User)) == 4


def test_the_upload_page_lists_every_problem_and_escapes_cells(client, login):
    org = make_org()
    login(make_user(org, email="admin@vik.no", roles=[Role.ADMIN], locale="en"))
    bad = b"employee_number;email;given_name;family_name\r\n1;<script>x</script>;A;B\r\n"
    upload = {"file": (io.BytesIO(bad), "people.csv")}
    page = client.post("/admin/people/import", data=upload, content_type="multipart/form-data")
    assert page.status_code == 400
    assert "The file has 1 problem, so nothing was imported" in page.text
    assert "'&lt;script&gt;x&lt;/script&gt;' is not a valid email address." in page.text
    assert "<script>x" not in page.text
    empty = client.post(
        "/admin/people/import", data={"file": (io.BytesIO(b""), "empty.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert empty.status_code == 400
    assert "The file is empty." in empty.text


def test_a_file_may_not_take_an_unnumbered_persons_email_but_may_swap_two(app):
    org = make_org()
    make_user(org, email="admin@vik.no", roles=[Role.ADMIN])  # no employee number
    make_user(org, email="a@vik.no", employee_number="1")
    make_user(org, email="b@vik.no", employee_number="2")
    db.session.commit()
    taken = b"employee_number,email,given_name,family_name\n1,admin@vik.no,A,A\n"
    assert [str(p.message) for p in services.plan_import(org, taken).problems] == [
        "The email 'admin@vik.no' is already used by another account."
    ]
    swap = b"employee_number,email,given_name,family_name\n1,b@vik.no,A,A\n2,a@vik.no,B,B\n"
    services.apply_import(org, swap, None)
    db.session.commit()
    emails = dict(db.session.execute(select(User.employee_number, User.email)).all())
    assert emails == {None: "admin@vik.no", "1": "b@vik.no", "2": "a@vik.no"}


def test_columns_the_file_leaves_out_keep_their_values(app):
    org = make_org()
    db.session.commit()
    services.apply_import(org, GOOD, None)
    db.session.commit()
    before = people(org.id)
    services.apply_import(org, b"employee_number;email;given_name;family_name\r\n"
                               b"1003;cecilie@vik.no;Cecilie;Berg\r\n", None)  # fmt: skip
    db.session.commit()
    db.session.expire_all()
    after = people(org.id)
    assert after[2] == (*before[2][:2], "Cecilie Berg", *before[2][3:])
    assert after[:2] == before[:2]


def test_a_new_email_stops_the_links_sent_to_the_old_one(app):
    from app.auth.models import TokenPurpose
    from app.auth.services import LinkInvalid, issue_token, valid_token

    org = make_org()
    user = make_user(org, email="kari@vik.tset", employee_number="1")
    token = issue_token(user, TokenPurpose.INVITATION)
    services.update_user(
        user, email="kari@vik.test", given_name="Kari", family_name="N", employee_number="1",
        unit=None, manager=None, locale=None, actor=None,
    )  # fmt: skip
    db.session.commit()
    with pytest.raises(LinkInvalid):
        valid_token(token)
