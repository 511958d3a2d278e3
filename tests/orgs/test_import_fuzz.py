"""The people import, fuzzed: arbitrary bytes and CSV-shaped files (headers from every accepted
name, cells near and far from valid, ; and , , BOMs, other encodings, blank lines, ragged rows).

The property: the import applies the file or refuses it with its own error (ImportRefused, a
LedaError) and a problem list that reads as a sentence in nb, sv and en; a refused file changes
nothing; nothing else is ever raised. The command line answers the same files without a
traceback.
"""

import codecs
import csv
import io
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from flask_babel import force_locale
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.db import db
from app.errors import LedaError
from app.orgs import services
from app.orgs.importing import HEADER_NAMES, LOCALE_WORDS, ROLE_WORDS, format_problem
from app.orgs.models import AuditEvent, Organisation, OrgUnit, User, UserRole
from tests.factories import make_org, make_unit, make_user

ALIASES = sorted({name for languages in HEADER_NAMES.values() for names in languages.values()
                  for name in names})  # fmt: skip
FIELD_OF = {name: field for field, languages in HEADER_NAMES.items()
            for names in languages.values() for name in names}  # fmt: skip
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
NUMBERS = st.sampled_from(["1000", "1001", "1002", "2000", " 1003 ", "x" * 65, ""])
EMAILS = st.sampled_from([
    "ola@vik.test", "kari@vik.test", "ny@vik.test", "NY@VIK.TEST", "outsider@dal.test",
    "not-an-email", "a@b", "@vik.test", "å@vik.test", ("x" * 250) + "@vik.test", "",
])  # fmt: skip
UNITS = st.sampled_from([
    "Helse og omsorg", "Helse og omsorg/Sykehjem Nord", "a//b", "/a", "a/", "x" * 201, "",
    "Skole/Skole/Skole",
])  # fmt: skip
ROLES = st.lists(st.sampled_from([*ROLE_WORDS, "boss", ""]), max_size=3).map("|".join)
CELL_OF_FIELD = {
    "employee_number": NUMBERS,
    "manager_employee_number": NUMBERS,
    "email": EMAILS,
    "given_name": st.one_of(st.sampled_from(["Åse", "x" * 101]), TEXT),
    "family_name": st.one_of(st.sampled_from(["Ødegård", ""]), TEXT),
    "unit": UNITS,
    "locale": st.sampled_from([*LOCALE_WORDS, "de", "NB", ""]),
    "roles": ROLES,
}


@st.composite
def csv_file(draw: st.DrawFn) -> bytes:
    """A file shaped like CSV: a header of accepted names (and sometimes an unknown one or a
    repeat), rows whose cells fit their column or are any text, ragged, blank lines between."""
    names = draw(st.lists(st.one_of(st.sampled_from(ALIASES), TEXT), min_size=1, max_size=10))
    rows = []
    for _ in range(draw(st.integers(0, 5))):
        cells = [
            draw(st.one_of(CELL_OF_FIELD.get(FIELD_OF.get(name, ""), TEXT), TEXT)) for name in names
        ]
        ragged = draw(st.integers(-2, 2))
        rows.append(cells[: len(cells) + ragged] if ragged < 0 else cells + [""] * ragged)
        if draw(st.booleans()):
            rows.append([])
    delimiter = draw(st.sampled_from([";", ","]))
    out = io.StringIO()
    line_end = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end)
    writer.writerows([names, *rows])
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    return (codecs.BOM_UTF8 + data) if draw(st.booleans()) and encoding == "utf-8" else data


FILES = st.one_of(csv_file(), st.binary(max_size=400), TEXT.map(str.encode))
GOOD = "ansattnummer;e-post;fornavn;etternavn;enhet;leder;språk;roller\r\n" \
       "2000;ny@vik.test;Ny;Person;Helse og omsorg/Nord;1000;sv;leder|hr\r\n".encode()  # fmt: skip


def snapshot() -> tuple:
    """Everything an import may change."""
    users = db.session.execute(select(
        User.id, User.employee_number, User.email, User.given_name, User.family_name,
        User.unit_id, User.manager_id, User.locale,
    ).order_by(User.id)).all()  # fmt: skip
    units = db.session.execute(select(OrgUnit.id, OrgUnit.name, OrgUnit.parent_id)).all()
    roles = db.session.execute(select(UserRole.user_id, UserRole.role)).all()
    audit = db.session.scalar(select(func.count()).select_from(AuditEvent))
    return users, sorted(units), sorted(roles), audit


def vik_and_dal() -> Organisation:
    org = make_org()
    unit = make_unit(org)
    boss = make_user(org, email="ola@vik.test", employee_number="1000", unit=unit)
    make_user(org, email="kari@vik.test", given_name="Kari", employee_number="1001", manager=boss)
    make_user(org, email="erik@vik.test", given_name="Erik")  # no number yet
    make_user(make_org("dal", "Dal kommune"), email="outsider@dal.test", employee_number="1002")
    db.session.commit()
    return org


SETTINGS = settings(max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])  # fmt: skip


def test_an_import_applies_or_refuses_with_its_own_error_and_a_refusal_changes_nothing(
    app: Flask,
) -> None:
    org_id = vik_and_dal().id
    outcomes = set()

    @given(data=FILES)
    @example(data=GOOD)
    @example(data=b"\xff\xfe" + "employee_number,email".encode("utf-16-le"))
    @example(data="ansattnummer;e-post\r\n\r\n;;;;\r\n".encode("cp1252"))
    @example(data=b"a\rb")  # a CR line end in the header line was a csv.Error (fixed)
    @example(data=b"email;" + b"a" * 200_000)  # over the csv field limit: a csv.Error (fixed)
    @SETTINGS
    def check(data: bytes) -> None:
        org = db.session.get(Organisation, org_id)
        before = snapshot()
        plan = services.plan_import(org, data)
        assert snapshot() == before  # a preview changes nothing
        try:
            applied = services.apply_import(org, data, None)
        except LedaError as refusal:
            assert isinstance(refusal, services.ImportRefused)
            assert plan.problems, "refused without a problem to show"
            for locale in ("nb", "sv", "en"):
                with force_locale(locale):
                    lines = [format_problem(problem) for problem in plan.problems]
                    assert str(refusal.message)
                assert all(line.strip() and "%(" not in line for line in lines), lines
            db.session.flush()
            assert snapshot() == before
            outcomes.add("refused")
        else:
            assert plan.problems == []
            assert (applied.new, applied.changed) == (plan.new, plan.changed)
            db.session.flush()
            people = db.session.scalar(select(func.count()).select_from(User))
            assert people == len(before[0]) + plan.new
            outcomes.add("applied")
        finally:
            db.session.rollback()  # the next file meets the same organisation

    check()
    assert outcomes == {"applied", "refused"}


def test_the_command_answers_any_file_without_a_traceback(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    vik_and_dal()
    path = tmp_path / "people.csv"

    @given(data=FILES)
    @example(data=GOOD)
    @settings(SETTINGS, max_examples=40)
    def check(data: bytes) -> None:
        path.write_bytes(data)
        before = snapshot()
        result = runner.invoke(args=["users", "import", str(path), "--org", "vik", "--dry-run"])
        assert result.exit_code in (0, 1), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        if result.exit_code == 1:
            assert result.output.endswith("problem(s): nothing was imported.\n"), result.output
        assert snapshot() == before  # a dry run changes nothing

    check()
