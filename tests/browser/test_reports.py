"""HR makes a completion report in a real browser, with a real job-queue consumer: the page
shows it waiting, follows it and offers the download when it is ready."""

import shutil

import pytest

from app.db import db
from app.jobs import start_background_consumer
from app.orgs.models import Role
from tests.browser.conftest import log_in, serve
from tests.browser.test_accessibility import checked
from tests.conftest import make_app
from tests.factories import make_org, make_user

pytestmark = pytest.mark.browser


def test_hr_follows_a_report_being_made_and_downloads_it(browser, sqlite_template, tmp_path):
    path = tmp_path / "live.sqlite"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", WTF_CSRF_ENABLED=True, LEDA_HUEY_IMMEDIATE=False)
    with app.app_context():
        org = make_org()
        make_user(org, email="kari@vik.test", given_name="Kåre", family_name="Ødegård")
        hr = make_user(org, email="hr@vik.test", roles=[Role.HR], locale="en").email
        db.session.commit()
    base, server = serve(app)
    context = browser.new_context(bypass_csp=True)  # for axe's script
    page = context.new_page()
    consumer = None
    try:
        log_in(page, base, hr)
        page.goto(f"{base}/reports")
        page.get_by_role("button", name="Make the report").click()
        page.wait_for_url(f"{base}/reports/exports/*")
        assert page.get_by_text("Waiting for its turn").is_visible()  # no worker yet
        assert page.get_by_label("Making the report").is_visible()  # the progress bar
        page.set_viewport_size({"width": 320, "height": 800})
        assert checked(page, 320, "a report waiting") == []
        consumer = start_background_consumer()
        ready = page.locator("#export [role=status]").filter(has_text="The report is ready")
        ready.wait_for(timeout=60_000)  # the page's script saw it done and showed it again
        assert ready.inner_text() == "The report is ready: 2 rows."
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the report").click()
        text = download.value.path().read_text(encoding="utf-8-sig")
        assert text.splitlines()[0].startswith('"Employee number","Name","Email"')
        assert ',"Kåre Ødegård","kari@vik.test",' in text
        page.goto(f"{base}/reports")
        assert page.get_by_role("link", name="download (2 rows)").is_visible()
    finally:
        context.close()
        if consumer:
            consumer.stop(graceful=True)
        server.shutdown()
        with app.app_context():
            db.engine.dispose()
