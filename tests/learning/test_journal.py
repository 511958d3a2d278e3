"""My reflections: every reflection, commitment and follow-up answer of the learner, in course
order, as a page (printable) and as a Markdown file; a commitment from the lesson page."""

from datetime import timedelta

from lxml import html
from sqlalchemy import select

from app.content import current_course
from app.db import db
from app.learning import services
from app.learning.models import Commitment, FollowUp, Reflection
from app.orgs.models import User
from tests.factories import make_org, make_user
from tests.learning.test_dashboard import count_queries

LESSON = "/modules/first-steps/lessons/welcome"
WEEK = int(timedelta(weeks=1).total_seconds())


def module():  # type: ignore[no-untyped-def]
    return current_course().modules[0]


def reflect(user: User, lesson_id: str, text: str) -> None:
    services.save_reflection(user, module(), lesson_id, text)


def outline(page: str) -> list[str]:
    """The journal's headings and texts, in page order."""
    main = html.fromstring(page).xpath("//main")[0]
    return [
        f"{node.tag}: {' '.join(node.text_content().split())}"
        for node in main.xpath(
            ".//h2|.//h3|.//h4|.//p[@class='prompt']|.//div[@class='journal-text']"
            "|.//dt|.//dd/p[not(@class)]"
        )
    ]


def test_i_will_try_this_is_recorded_once_with_follow_ups_at_one_and_four_weeks(
    client, login, clock
):
    user = make_user(make_org(), locale="en")
    login(user)
    made = clock.now
    response = client.post(f"{LESSON}/commitment", data={"text": "Et mål: lytte mer"})
    assert response.headers["Location"] == f"{LESSON}#action"
    clock.advance(3600)
    client.post(f"{LESSON}/commitment")
    commitment = db.session.scalars(select(Commitment)).one()
    assert (
        commitment.org_id,
        commitment.user_id,
        commitment.module_id,
        commitment.lesson_id,
        commitment.module_version,
        commitment.created_at,
    ) == (user.org_id, user.id, "first-steps", "welcome", 3, made)
    follow_ups = db.session.scalars(select(FollowUp).order_by(FollowUp.weeks)).all()
    assert [(f.commitment_id, f.weeks, f.due_at, f.mailed_at, f.answer) for f in follow_ups] == [
        (commitment.id, 1, made + timedelta(weeks=1), None, None),
        (commitment.id, 4, made + timedelta(weeks=4), None, None),
    ]
    assert db.session.scalars(select(Reflection.text)).all() == ["Et mål: lytte mer"]

    page = html.fromstring(client.get(LESSON).text)
    [card] = page.xpath("//section[@id='action']")
    assert card.xpath(".//button") == []
    assert [" ".join(p.text_content().split()) for p in card.xpath("./p")] == [
        "Write down one goal.",
        "You decided to try this on March 2, 2026.",
        "Leda asks you how it went after one week and after four weeks. See it in My reflections",
    ]


def test_the_journal_lists_everything_in_course_order_with_prompts_and_dates(client, login, clock):
    org = make_org()
    user = make_user(org, locale="en")
    other = make_user(org, email="kari@vik.test", locale="en")
    reflect(other, "welcome", "Karis tekst")
    reflect(user, "practice", "Øvde i går.\r\nMed teamet.")
    clock.advance(3600 * 24)
    reflect(user, "welcome", "Jeg vil lære å lytte.")
    services.commit_to_action(user, module(), "welcome")
    services.commit_to_action(user, module(), "practice")
    reflect(user, "welcome", "Jeg vil lære å lytte.")
    db.session.add(
        Reflection(org_id=org.id, user_id=user.id, module_id="retired", lesson_id="old-lesson",
                   module_version=1, text="Fra et eldre kurs", updated_at=clock.now)
    )  # fmt: skip
    reflect(user, "nowhere", "   ")  # blank: not in the journal
    clock.advance(WEEK)
    [week_one, _] = db.session.scalars(
        select(FollowUp).join(Commitment).where(Commitment.lesson_id == "welcome")
        .order_by(FollowUp.weeks)
    ).all()  # fmt: skip
    services.answer_follow_up(week_one, "Det gikk bra.")
    login(user)

    page = client.get("/journal").text
    assert outline(page) == [
        "h2: First steps",
        "h3: Welcome",
        "h4: Reflection",
        "p: What do you want to learn?",
        "div: Jeg vil lære å lytte.",
        "h4: Try this at work",
        "p: Write down one goal.",
        "dt: After 1 week",
        "div: Det gikk bra.",
        "dt: After 4 weeks",
        "p: Leda asks you on March 31, 2026.",
        "h3: Practice",
        "h4: Reflection",
        "p: When did you last practise?",
        "div: Øvde i går. Med teamet.",
        "h4: Try this at work",
        "p: Practise for five minutes.",
        "dt: After 1 week",
        "p: How did it go? Answer now: Practice, After 1 week",
        "dt: After 4 weeks",
        "p: Leda asks you on March 31, 2026.",
        "h2: From earlier versions of the course",
        "h3: Lesson “old-lesson” of module “retired”",
        "h4: Reflection",
        "div: Fra et eldre kurs",
    ]
    tree = html.fromstring(page)
    assert [" ".join(p.text_content().split()) for p in tree.xpath("//p[@class='meta']")] == [
        "Last saved March 3, 2026",
        "You decided to try this on March 3, 2026.",
        "Answered March 10, 2026 Change the answer: Welcome, After 1 week",
        "Last saved March 2, 2026",
        "You decided to try this on March 3, 2026.",
        "Last saved March 3, 2026",
    ]
    assert "Det gikk bra." in page
    assert "Karis tekst" not in page
    assert tree.xpath("//a[@href='/journal.md']/text()") == ["Download as a Markdown file"]
    assert tree.xpath("//nav//a[@aria-current='page']/text()") == ["My reflections"]


def test_the_journal_download_is_markdown_with_the_date_in_its_name(client, login, clock):
    user = make_user(make_org(), locale="en")
    reflect(user, "welcome", "Første linje\r\n\r\nTredje linje")
    services.commit_to_action(user, module(), "welcome")
    clock.advance(WEEK)
    follow_up = db.session.scalars(select(FollowUp).where(FollowUp.weeks == 1)).one()
    services.answer_follow_up(follow_up, "Det gikk bra.\nNeste gang: tidligere.")
    clock.advance(3600 * 15)  # 23:00 UTC is midnight in Oslo: the next day there
    login(user)
    response = client.get("/journal.md")
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=leda-journal-2026-03-10.md"
    )
    assert response.text == (
        "# My reflections – Leda\n"
        "\n"
        "Ola Nordmann · Downloaded March 10, 2026\n"
        "\n"
        "## First steps\n"
        "\n"
        "### Welcome\n"
        "\n"
        "**Reflection**: What do you want to learn?\n"
        "\n"
        "> Første linje\n"
        ">\n"
        "> Tredje linje\n"
        "\n"
        "*Last saved March 2, 2026*\n"
        "\n"
        "**Try this at work**: Write down one goal.\n"
        "\n"
        "You decided to try this on March 2, 2026.\n"
        "\n"
        "*After 1 week* (Answered March 9, 2026)\n"
        "\n"
        "> Det gikk bra.\n"
        "> Neste gang: tidligere.\n"
        "\n"
        "*After 4 weeks*: Leda asks you on March 30, 2026.\n"
    )


def test_an_empty_journal_says_what_will_come(client, login, clock):
    login(make_user(make_org(), locale="en"))
    page = client.get("/journal").text
    assert (
        "Nothing here yet. What you write under “Reflect” in a lesson, and the actions you "
        "decide to try, are collected here."
    ) in page
    markdown = client.get("/journal.md").text
    assert markdown == "# My reflections – Leda\n\nOla Nordmann · Downloaded March 2, 2026\n"


def test_the_journal_takes_the_same_queries_however_long_it_is(client, login, clock):
    user = make_user(make_org(), locale="en")
    login(user)
    first, second = module().lessons
    reflect(user, first.id, "Tekst")
    services.commit_to_action(user, module(), first.id)
    short = count_queries(lambda: client.get("/journal"))
    reflect(user, second.id, "Mer tekst")
    services.commit_to_action(user, module(), second.id)
    long = count_queries(lambda: client.get("/journal"))
    # the session with its user, the reflections, the commitments, their follow-ups
    assert (short, long) == (4, 4)


def test_the_journal_prints_without_menus_and_buttons(client, login):
    login(make_user(make_org(), locale="en"))
    page = html.fromstring(client.get("/journal").text)
    [tools] = page.xpath("//div[contains(@class, 'journal-tools')]")
    assert tools.get("class") == "journal-tools no-print"
    assert len(page.xpath("//button[@data-print][@hidden]")) == 1  # leda.js shows it
    with client.get("/static/css/leda.css") as response:
        css = response.text
    print_rules = css.split("@media print {", 1)[1].split("\n}", 1)[0]
    assert ".site-header, .site-footer, .no-print" in print_rules
    assert ".journal-entry { page-break-inside: avoid;" in print_rules
