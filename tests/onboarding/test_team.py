"""The manager's team view, its CSV and `leda team`, the nudge, and the conversation cards."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.content import current_course
from app.db import db, utcnow
from app.learning import services as learning
from app.onboarding import team
from app.onboarding.models import AssignedModule, Nudge, NudgeReason, Target
from app.onboarding.services import assign
from app.onboarding.team import ModuleState, Progress, TeamFilters
from app.orgs import services as orgs
from app.orgs.models import Role, User
from app.quiz.pools import draw
from app.quiz.services import submit_attempt
from tests.factories import PASSWORD, make_org, make_unit, make_user
from tests.helpers import count_queries, read_outbox

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # the pinned clock: 09:00 in Oslo
TODAY = date(2026, 3, 2)
MODULE = "first-steps"  # the test course's one module: two lessons and a quiz of four points


def names(view: team.TeamView) -> list[str]:
    return [report.name for report in view.reports]


def listed(html: str) -> list[str]:
    """The people a team page lists, in order: the first line of each row's header cell."""
    cells = re.findall(r'<th scope="row">(.*?)</th>', html, re.S)
    return [cell.split("<br>")[0].strip() for cell in cells]


def quiz(user: User, wrong_capital: bool) -> None:
    """One attempt: all right (4 of 4), or the one-point capital question wrong (3 of 4, 75 %,
    under the pass mark of 80)."""
    module = current_course().module(MODULE)
    token = f"quiz-{user.id}"
    questions = draw(module, token)
    answers = {q.id: sorted(q.correct_ids) for q in questions}
    if wrong_capital:
        capital = next(q for q in questions if q.id.startswith("capital"))
        answers[capital.id] = [next(o.id for o in capital.options if not o.correct)]
    submit_attempt(user, module, token, module.version, answers)


def do_lessons(user: User) -> None:
    module = current_course().module(MODULE)
    for lesson in module.lessons:
        learning.complete_lesson(user, module, lesson.id)


@pytest.fixture
def org(app, clock):
    return make_org()


@pytest.fixture
def boss(org):
    return make_user(
        org,
        email="boss@vik.test",
        roles=[Role.MANAGER],
        given_name="Berit",
        family_name="Boss",
        locale="en",
    )


def report(org, boss, email: str, given: str, family: str, **kwargs) -> User:  # type: ignore[no-untyped-def]
    return make_user(
        org,
        email=email,
        given_name=given,
        family_name=family,
        manager=kwargs.pop("manager", boss),
        **kwargs,
    )


def test_the_team_is_exactly_the_transitive_reports_and_nothing_of_another_organisation(
    org, boss, client, login
):
    top = make_user(
        org, email="top@vik.test", roles=[Role.MANAGER], given_name="Tor", family_name="Topp"
    )
    boss.manager_id = top.id
    make_user(org, email="peer@vik.test", given_name="Per", family_name="Peer", manager=top)
    make_user(org, email="alone@vik.test", given_name="Alma", family_name="Alene")
    level = {}
    for branch in ("a", "b"):  # two branches, four levels deep
        above = boss
        for depth in range(1, 5):
            above = report(
                org,
                boss,
                f"{branch}{depth}@vik.test",
                branch.upper(),
                f"Level{depth}",
                manager=above,
            )
            level[f"{branch}{depth}"] = above
    gone = report(org, boss, "gone@vik.test", "Gunn", "Gone", manager=level["a2"])
    orgs.deactivate_user(gone, None)
    dal = make_org(slug="dal", name="Dal kommune")
    their_boss = make_user(
        dal, email="boss@dal.test", roles=[Role.MANAGER], given_name="Dag", family_name="Dalsjef"
    )
    make_user(dal, email="x@dal.test", given_name="Xena", family_name="Dal", manager=their_boss)
    # A row of theirs that wrongly points at one of ours is still not shown.
    make_user(
        dal, email="stray@dal.test", given_name="Stig", family_name="Stray", manager=level["b4"]
    )

    view = team.team_view(boss, TeamFilters(), utcnow())
    expected = [
        "A Level1",
        "B Level1",
        "A Level2",
        "B Level2",
        "A Level3",
        "B Level3",
        "A Level4",
        "B Level4",
    ]
    assert names(view) == expected  # by family name, then given name
    assert [r.manager_name for r in view.reports] == [
        None,
        None,
        "A Level1",
        "B Level1",
        "A Level2",
        "B Level2",
        "A Level3",
        "B Level3",
    ]
    login(boss)
    page = client.get("/team")
    assert page.status_code == 200
    assert listed(page.text) == expected
    assert "8 people · 0 overdue" in page.text
    assert "Reports to A Level3" in page.text
    for outsider in (
        "Tor Topp",
        "Per Peer",
        "Alma Alene",
        "Gunn Gone",
        "Berit Boss",
        "Dag Dalsjef",
        "Xena Dal",
        "Stig Stray",
    ):
        assert outsider not in page.text, outsider
    assert listed(client.get("/team?direct=y").text) == ["A Level1", "B Level1"]


def test_a_cycle_in_the_manager_chain_is_refused_and_the_team_query_ends_even_so(org, boss):
    anne = report(org, boss, "anne@vik.test", "Anne", "A")
    bo = report(org, boss, "bo@vik.test", "Bo", "B", manager=anne)
    db.session.commit()
    with pytest.raises(orgs.ManagerCycle):
        orgs.update_user(
            boss,
            email=boss.email,
            given_name="Berit",
            family_name="Boss",
            employee_number=None,
            unit=None,
            manager=bo,
            locale="en",
            actor=None,
        )
    db.session.rollback()
    # data that holds a cycle anyway (written around the checks) does not make the query loop
    db.session.execute(User.__table__.update().where(User.id == boss.id).values(manager_id=bo.id))
    assert names(team.team_view(boss, TeamFilters(), utcnow())) == ["Anne A", "Bo B"]


def test_each_module_shows_status_score_dates_and_due_overdue_first(
    org, boss, client, login, clock
):
    nina = report(org, boss, "nina@vik.test", "Nina", "Nes")  # assigned, never started
    olav = report(org, boss, "olav@vik.test", "Olav", "Ås")  # one lesson read
    pia = report(org, boss, "pia@vik.test", "Pia", "Berg")  # lessons done, quiz failed
    rolf = report(org, boss, "rolf@vik.test", "Rolf", "Dahl")  # passed
    for person in (nina, pia, rolf):
        assign(
            org,
            None,
            target=Target.PERSON,
            person=person,
            module_ids=[MODULE],
            due_on=TODAY + timedelta(days=1),
        )
    module = current_course().module(MODULE)
    learning.record_visit(olav, module, module.lessons[0].id)
    do_lessons(pia)
    quiz(pia, wrong_capital=True)
    do_lessons(rolf)
    quiz(rolf, wrong_capital=False)
    clock.advance(2 * 24 * 3600)  # 4 March: the due date (3 March) has passed
    pia_activity = clock.now
    learning.record_visit(pia, module)

    view = team.team_view(boss, TeamFilters(), utcnow())
    due = TODAY + timedelta(days=1)
    assert [
        (r.name, r.is_overdue, r.modules, r.last_activity, r.nudge_reason) for r in view.reports
    ] == [
        (
            "Pia Berg",
            True,
            (ModuleState(MODULE, Progress.COMPLETED, 75, date(2026, 3, 4), due, True),),
            pia_activity,
            NudgeReason.OVERDUE,
        ),
        (
            "Nina Nes",
            True,
            (ModuleState(MODULE, Progress.NOT_STARTED, None, None, due, True),),
            None,
            NudgeReason.OVERDUE,
        ),
        (
            "Rolf Dahl",
            False,
            (ModuleState(MODULE, Progress.PASSED, 100, TODAY, due, False),),
            START,
            None,
        ),
        (
            "Olav Ås",
            False,
            (ModuleState(MODULE, Progress.IN_PROGRESS, None, TODAY, None, False),),
            START,
            None,
        ),
    ]

    login(boss)
    page = client.get("/team").text
    assert listed(page) == ["Pia Berg", "Nina Nes", "Rolf Dahl", "Olav Ås"]
    assert "4 people · 2 overdue" in page
    assert page.count("⚠</span> Overdue: was due Mar 3, 2026") == 2
    assert "Lessons done, quiz left" in page and "Best score: 75 %" in page
    assert page.count("Send a reminder") == 2  # Pia and Nina: overdue


def test_the_team_page_takes_as_many_queries_for_two_people_as_for_forty(org, boss, client, login):
    module = current_course().module(MODULE)

    def add(count: int, managers: list[User]) -> list[User]:
        people = []
        for i in range(count):
            n = len(managers) * 100 + i
            user = report(
                org, boss, f"p{n}@vik.test", f"P{n}", "Person", manager=managers[i % len(managers)]
            )
            assign(org, None, target=Target.PERSON, person=user, module_ids=[MODULE], due_days=3)
            learning.record_visit(user, module, module.lessons[0].id)
            people.append(user)
        db.session.commit()
        return people

    login(boss)
    first = add(2, [boss])
    small = count_queries(lambda: client.get("/team?status=in-progress&unit="))
    add(38, first)  # a level further down
    db.session.add(
        Nudge(
            org_id=org.id,
            user_id=first[0].id,
            sent_by_id=boss.id,
            module_id=MODULE,
            reason=NudgeReason.OVERDUE,
            created_at=utcnow(),
        )
    )
    db.session.commit()
    big = count_queries(lambda: client.get("/team?status=in-progress&unit="))
    assert len(listed(client.get("/team?status=in-progress").text)) == 40
    # the signed-in user; the filter form's units; the people with their progress (one
    # statement: the recursive query, registrations and assignments grouped per person); the
    # shown rows' recent nudges; unit paths
    assert (small, big) == (5, 5)


def test_the_filters_pick_module_status_overdue_unit_and_direct_reports(
    org, boss, client, login, clock
):
    health = make_unit(org, "Helse")
    north = make_unit(org, "Sykehjem Nord", health)
    school = make_unit(org, "Skole")
    near = make_unit(org, "Helsenær")  # its path starts like "Helse" but it is not under it
    anne = report(org, boss, "anne@vik.test", "Anne", "Aa", unit=north)
    bjorn = report(org, boss, "bjorn@vik.test", "Bjørn", "Bb", unit=health, manager=anne)
    cato = report(org, boss, "cato@vik.test", "Cato", "Cc", unit=school)
    report(org, boss, "dina@vik.test", "Dina", "Dd", unit=near)
    assign(org, None, target=Target.PERSON, person=bjorn, module_ids=[MODULE], due_on=TODAY)
    do_lessons(cato)
    quiz(cato, wrong_capital=False)
    clock.advance(24 * 3600)
    login(boss)

    def shown(query: str) -> list[str]:
        response = client.get(f"/team?{query}")
        assert response.status_code == 200, query
        return listed(response.text)

    assert shown("") == ["Bjørn Bb", "Anne Aa", "Cato Cc", "Dina Dd"]
    assert shown("status=passed") == ["Cato Cc"]
    assert shown(f"module={MODULE}&status=not-started") == ["Bjørn Bb", "Anne Aa", "Dina Dd"]
    assert shown("status=completed") == []
    assert shown("overdue=y") == ["Bjørn Bb"]
    assert shown(f"unit={health.id}") == ["Bjørn Bb", "Anne Aa"]
    assert shown(f"unit={north.id}") == ["Anne Aa"]
    assert shown(f"unit={health.id}&direct=y") == ["Anne Aa"]
    assert shown("direct=y&overdue=y") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("module=nope", "Module: Not a valid choice."),
        ("status=lost", "Status: Not a valid choice."),
        ("unit=abc", "Unit (with its sub-units): Not a valid choice."),
        ("unit={their_unit}", "Unit (with its sub-units): Not a valid choice."),
        ("overdue=perhaps", "Overdue only: Not a valid choice."),
        ("direct=2", "Direct reports only: Not a valid choice."),
        ("page=0", "Page: Number must be between 1 and 100000."),
        ("page=two", "Page: Not a valid integer value."),
    ],
)
def test_bad_filters_are_a_400_with_a_message(org, boss, client, login, query, message):
    their_unit = make_unit(make_org(slug="dal", name="Dal kommune"), "Dal helse")
    report(org, boss, "anne@vik.test", "Anne", "Aa")
    login(boss)
    for path in ("/team", "/team.csv"):
        response = client.get(f"{path}?{query.format(their_unit=their_unit.id)}")
        assert response.status_code == 400, path
        assert message in response.text
        assert "Anne Aa" not in response.text


def people_for_the_csv(org, boss) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit(org, "Helse")
    anne = report(org, boss, "anne@vik.test", "=HYPERLINK(1)", "Ås", unit=unit)
    report(org, boss, "bo@vik.test", "Bo", "+Plus", manager=anne)
    report(org, boss, "cy@vik.test", "@Cy", "Ødegård")
    assign(
        org,
        None,
        target=Target.PERSON,
        person=anne,
        module_ids=[MODULE],
        due_on=TODAY + timedelta(days=7),
    )
    do_lessons(anne)
    quiz(anne, wrong_capital=True)


EN_CSV = (
    "\ufeffName,Unit,Reports to,Last activity,Overdue,First steps: status,First steps: score %,"
    "First steps: date,First steps: due\r\n"
    "Bo +Plus,,'=HYPERLINK(1) Ås,,no,Not started,,,\r\n"
    '\'=HYPERLINK(1) Ås,Helse,,2026-03-02 09:00,no,"Lessons done, quiz left",75,2026-03-02,'
    "2026-03-09\r\n"
    "'@Cy Ødegård,,,,no,Not started,,,\r\n"
)


def test_the_csv_is_the_view_for_excel_in_the_managers_language(org, boss, client, login):
    people_for_the_csv(org, boss)
    login(boss)
    response = client.get("/team.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="team-2026-03-02.csv"'
    assert response.data.decode("utf-8") == EN_CSV
    completed = client.get("/team.csv?status=completed").data.decode("utf-8")
    assert completed == "".join(EN_CSV.splitlines(keepends=True)[i] for i in (0, 2))
    boss.locale = "nb"
    db.session.commit()
    nb = client.get("/team.csv").data.decode("utf-8").splitlines()
    assert nb[0] == (
        "\ufeffNavn;Enhet;Rapporterer til;Siste aktivitet;Forsinket;Første steg: status;"
        "Første steg: resultat %;Første steg: dato;Første steg: frist"
    )
    assert nb[2] == (
        "'=HYPERLINK(1) Ås;Helse;;2026-03-02 09:00;nei;Leksjoner fullført, quiz gjenstår;75;"
        "2026-03-02;2026-03-09"
    )


def test_leda_team_writes_the_same_rows(org, boss, runner, tmp_path):
    people_for_the_csv(org, boss)
    db.session.commit()
    path = tmp_path / "team.csv"
    result = runner.invoke(
        args=["team", "--org", "vik", "--manager", "boss@vik.test", "--csv", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote 3 people to {path}.\n"
    assert path.read_bytes() == EN_CSV.encode("utf-8")
    printed = runner.invoke(
        args=[
            "team",
            "--org",
            "vik",
            "--manager",
            "boss@vik.test",
            "--status",
            "completed",
            "--locale",
            "sv",
        ]
    )
    assert printed.exit_code == 0, printed.output
    assert printed.output.splitlines()[1] == (
        "'=HYPERLINK(1) Ås;Helse;;2026-03-02 09:00;nej;Lektioner klara, quiz återstår;75;"
        "2026-03-02;2026-03-09"
    )
    for args, problem in [
        (["--manager", "anne@vik.test"], "anne@vik.test does not have the manager role."),
        (["--manager", "boss@vik.test", "--module", "nope"], "The course has no module 'nope'."),
        (["--manager", "boss@vik.test", "--unit", "Nowhere"], "vik has no unit 'Nowhere'."),
    ]:
        refused = runner.invoke(args=["team", "--org", "vik", *args])
        assert refused.exit_code == 1
        assert problem in refused.output


def test_nothing_private_is_shown_no_reflection_and_no_answer(org, boss, client, login, runner):
    anne = report(org, boss, "anne@vik.test", "Anne", "Aa")
    module = current_course().module(MODULE)
    learning.save_reflection(anne, module, module.lessons[0].id, "My secret worry about Tuesday")
    do_lessons(anne)
    quiz(anne, wrong_capital=True)  # answered "bergen"
    db.session.commit()
    login(boss)
    outputs = [
        client.get("/team").text,
        client.get("/team.csv").data.decode("utf-8-sig"),
        runner.invoke(args=["team", "--org", "vik", "--manager", "boss@vik.test"]).output,
    ]
    for output in outputs:
        assert "Anne Aa" in output
        assert "secret worry" not in output
        assert "bergen" not in output.lower() and "Bergen" not in output


def test_a_nudge_mails_the_learner_in_their_language_once_in_three_days(
    org, boss, client, login, clock, outbox
):
    nina = report(org, boss, "nina@vik.test", "Nina", "Nes", locale="sv")
    assign(org, None, target=Target.PERSON, person=nina, module_ids=[MODULE], due_on=TODAY)
    clock.advance(24 * 3600)
    login(boss)
    response = client.post(f"/team/{nina.id}/nudge?overdue=y")
    assert response.status_code == 302
    assert response.headers["Location"] == "/team?overdue=y"
    page = client.get("/team").text
    assert "A reminder is on its way to Nina Nes." in page
    assert "Reminded Mar 3, 2026" in page
    [mail] = read_outbox(outbox)
    assert mail["To"] == "nina@vik.test"
    assert mail["Subject"] == "En påminnelse från Berit Boss: Första stegen"
    text = mail.get_body(("plain",)).get_content()
    assert "Hej Nina," in text
    assert (
        "Berit Boss påminner dig om att Första stegen skulle vara klar den 2 mars 2026 och ännu"
        in text
    )
    assert "http://127.0.0.1:5000/modules/first-steps" in text
    assert "Berit Boss, som du rapporterar till i Leda hos Vik kommune" in text
    rows = db.session.execute(
        select(Nudge.user_id, Nudge.sent_by_id, Nudge.module_id, Nudge.reason, Nudge.created_at)
    ).all()
    assert rows == [(nina.id, boss.id, MODULE, NudgeReason.OVERDUE, START + timedelta(days=1))]

    clock.advance(3 * 24 * 3600 - 60)  # a minute short of three days
    login(boss)
    again = client.post(f"/team/{nina.id}/nudge")
    assert again.status_code == 302
    assert (
        "Nina Nes was reminded on March 3, 2026. You can send another reminder on March 6, 2026."
    ) in client.get("/team").text
    assert len(read_outbox(outbox)) == 1
    assert db.session.scalar(select(func.count()).select_from(Nudge)) == 1

    clock.advance(60)
    login(boss)
    assert client.post(f"/team/{nina.id}/nudge").status_code == 302
    assert len(read_outbox(outbox)) == 2
    assert db.session.scalar(select(func.count()).select_from(Nudge)) == 2


def test_a_nudge_is_only_for_an_own_report_who_is_late_or_has_not_started(
    org, boss, client, login, outbox
):
    other_boss = make_user(org, email="other@vik.test", roles=[Role.MANAGER])
    theirs = report(org, boss, "theirs@vik.test", "Tea", "Theirs", manager=other_boss)
    gone = report(org, boss, "gone@vik.test", "Gunn", "Gone")
    orgs.deactivate_user(gone, None)
    started = report(org, boss, "olav@vik.test", "Olav", "Ås")
    module = current_course().module(MODULE)
    learning.record_visit(started, module, module.lessons[0].id)
    fresh = report(org, boss, "nils@vik.test", "Nils", "Ny", locale="nb")
    login(boss)
    for person in (theirs, gone, boss):
        assert client.post(f"/team/{person.id}/nudge").status_code == 404
    assert client.post("/team/999999/nudge").status_code == 404
    response = client.post(f"/team/{started.id}/nudge")
    assert response.status_code == 302
    assert (
        "This person has started and has nothing overdue, so no reminder was sent."
        in client.get("/team").text
    )
    assert read_outbox(outbox) == [] and db.session.scalar(select(func.count(Nudge.id))) == 0

    assert client.post(f"/team/{fresh.id}/nudge").status_code == 302
    [mail] = read_outbox(outbox)
    assert mail["Subject"] == "En påminnelse fra Berit Boss: Første steg"
    text = mail.get_body(("plain",)).get_content()
    assert "Berit Boss minner deg på å begynne på Første steg" in text
    assert db.session.scalars(select(Nudge.reason)).all() == [NudgeReason.NOT_STARTED]


def test_managers_open_every_card_and_the_pack_whatever_their_progress(org, boss, client, login):
    learner = make_user(org, email="learner@vik.test", locale="en")
    login(boss)
    for module in current_course().modules:
        card = client.get(f"/modules/{module.id}/card")
        assert card.status_code == 200
        assert "Team conversation: First steps" in card.text
        assert card.text.count('<span class="minutes">') == 3
        for text in (
            "2 minutes</span> Read the idea aloud.",
            "6 minutes</span> Talk about the questions.",
            "<h2>To open</h2>\n  <p>I would like to hear what you think.</p>",
            "<h2>If it goes quiet</h2>\n  <p>Everyone writes one word on a note.</p>",
            "<h2>Without names</h2>\n  <p>Collect the notes in a box and read them out.</p>",
        ):
            assert text in card.text
    pack = client.get("/team/cards")
    assert pack.status_code == 200
    assert pack.text.count('<article class="card-sheet"') == len(current_course().modules)
    assert "We learn best together." in pack.text and "Who can help?" in pack.text
    assert 'href="/team"' in client.get("/").text  # the header's "My team"
    client.post("/logout")
    login(learner)
    assert client.get("/team/cards").status_code == 403
    assert client.get("/team").status_code == 403
    assert 'href="/team"' not in client.get("/").text


def test_managers_nudging_at_once_send_one_reminder(app, org, boss, outbox):
    top = make_user(org, email="top@vik.test", roles=[Role.MANAGER], locale="en")
    boss.manager_id = top.id
    nina = report(org, boss, "nina@vik.test", "Nina", "Nes").id
    db.session.commit()
    clients = [app.test_client() for _ in range(6)]
    for i, client in enumerate(clients):
        email = ("boss@vik.test", "top@vik.test")[i % 2]
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302

    def press(i: int) -> int:
        return clients[i].post(f"/team/{nina}/nudge").status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(press, range(6)))

    assert statuses == [302] * 6
    db.session.rollback()
    assert db.session.scalar(select(func.count(Nudge.id))) == 1
    assert len(read_outbox(outbox)) == 1


def test_a_manager_assigns_modules_to_a_report_and_to_no_one_else(org, boss, client, login):
    anne = report(org, boss, "anne@vik.test", "Anne", "Aa")
    bo = report(org, boss, "bo@vik.test", "Bo", "Bb", manager=anne)  # a report's report
    peer = make_user(org, email="peer@vik.test", given_name="Per", family_name="Peer")
    login(boss)
    team_page = client.get("/team").text
    assert f'href="/team/assign?person={bo.id}"' in team_page
    form = client.get(f"/team/assign?person={bo.id}").text
    assert 'value="bo@vik.test"' in form
    # someone outside the team is not filled in, so their email is not shown
    assert "peer@vik.test" not in client.get(f"/team/assign?person={peer.id}").text
    data = {"modules": [MODULE], "due_days": "14"}
    outside = client.post("/team/assign", data={**data, "email": "peer@vik.test"})
    assert outside.status_code == 403
    assert "You can assign modules only to people who report to you." in outside.text
    past = client.post("/team/assign", data={**data, "due_days": "", "due_on": "2026-03-01",
                                             "email": "bo@vik.test"})  # fmt: skip
    assert past.status_code == 400
    assert "The due date has passed." in past.text
    assert db.session.scalar(select(func.count()).select_from(AssignedModule)) == 0
    done = client.post("/team/assign", data={**data, "email": "bo@vik.test"})
    assert (done.status_code, done.location) == (302, "/team")
    assert "The modules are assigned to Bo Bb." in client.get("/team").text
    row = db.session.scalars(select(AssignedModule)).one()
    assert (row.user_id, row.module_id, row.due_on, row.assigned_by_id) == (
        bo.id,
        MODULE,
        TODAY + timedelta(days=14),
        boss.id,
    )
    client.post("/logout")
    login(peer)
    assert client.get("/team/assign").status_code == 403
