"""Browser journeys (SPEC): what a union officer does in a real browser — Debian's Chromium, driven by
Playwright against pytest-django's live server.

Every assertion is something the user would notice: a page, a row, a chart, a file, an error in the console.
Each test gets a fresh browser context (pytest-playwright), so no cookie or session leaks from one to the next.
Screenshots: a failing test leaves one in test-results/; set WORKERHUB_SHOTS=/some/dir to keep the dashboard,
list and detail screenshots of a passing run too.
"""

import importlib
import os
import re
from pathlib import Path

import pytest
from django.db import connection, connections
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from tests.conftest import PASSWORD

# Playwright's sync API runs its asyncio loop in this very thread, and the loop stays "running" from the first
# page until the end of the session. Django then refuses every ORM call made from this thread (the world
# fixture, the flush after each test, later tests in the same process) with SynchronousOnlyOperation, although
# nothing here is asynchronous: the loop only drives the browser and the live server answers from its own
# threads. Hence the documented escape hatch, for the process (the loop outlives this module).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("WORKERHUB_SHOTS")
CHART_PAINTED = """() => {
  const canvas = document.querySelector("#people-chart canvas");
  if (!canvas || !canvas.width || !canvas.height) return false;
  return canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data.some((v) => v !== 0);
}"""
CSP_LISTENER = """document.addEventListener("securitypolicyviolation",
  (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));"""


# --- Database: live_server needs committed data, hence transactional_db --------------------------------------

@pytest.fixture(scope="session")
def _connections_before_playwright(django_db_setup):
    return {alias: connections[alias] for alias in connections}


@pytest.fixture(scope="session", autouse=True)
def _same_connections_under_playwright(_connections_before_playwright, playwright):
    """Django keeps database connections in an asgiref Local that switches storage while an event loop runs
    in the thread, so once Playwright runs, the ORM here would get fresh connections: without the serialized
    contents Django's serialized rollback needs, and never closed by Django's teardown (PostgreSQL then
    refuses to drop the test database, "being accessed by other users"). Hand it the same ones."""
    for alias, conn in _connections_before_playwright.items():
        connections[alias] = conn
    return


@pytest.fixture(scope="module", autouse=True)
def _migrated_data_back_after_module(django_db_setup, django_db_blocker):
    """The flush after each transactional test empties every table, the data of the migrations (regions,
    content types, permissions) included. Serialized rollback reloads it before each test here; this reloads
    it after the last one, for whichever test runs next."""
    yield
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)


def _empty_audit_log():
    """Let the flush after the test pass SQLite's append-only trigger on the audit log (logins and exports
    are audited). PostgreSQL's flush is a TRUNCATE, which row triggers do not see."""
    if connection.vendor != "sqlite":
        return
    guard = importlib.import_module("workerhub.core.migrations.0002_regions_and_audit_guard").GUARD["sqlite"]
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER core_audit_no_delete")
        cursor.execute("DELETE FROM core_auditentry")
        cursor.execute(next(sql for sql in guard if "core_audit_no_delete" in sql))


@pytest.fixture
def browser_world(transactional_db, django_db_serialized_rollback, world, live_server):
    """conftest's world, committed where the live server's threads see it: with transactional_db requested,
    pytest-django's ``db`` (which ``world`` asks for) is the transactional one."""
    yield world
    _empty_audit_log()


# --- Browser ------------------------------------------------------------------------------------------------

@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """What the user's console shows as an error: script errors, failed loads and CSP refusals."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    page.add_init_script(CSP_LISTENER)
    return errors


@pytest.fixture(autouse=True)
def _screenshot_on_failure(request, page: Page, output_path):
    """test-results/<test>/failure.png (pytest-playwright's folder, git-ignored, emptied at each run)."""
    yield
    report = getattr(request.node, "rep_call", None)  # set by pytest-playwright's makereport hook
    if report is not None and report.failed and not page.is_closed():
        page.screenshot(path=Path(output_path) / "failure.png", full_page=True)


def shot(page: Page, name: str):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SHOTS) / f"{name}.png", full_page=True)


def log_in(page: Page, live_server, username: str):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/")
    settle(page)


def settle(page: Page):
    """Wait for the deferred scripts (HTMX, app.js): a user cannot outrun them, a test can."""
    page.wait_for_load_state("domcontentloaded")


def names_shown(page: Page):
    return page.locator("#results tbody tr td:first-child")


def exported_names(page: Page, folder: Path) -> set[str]:
    """Click 导出 Excel; the names (first column) in the .xlsx the browser downloads."""
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = folder / f"{len(list(folder.iterdir()))}-{download.suggested_filename}"
    download.save_as(path)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "姓名"
    return {row[0] for row in rows[1:]}


# --- Journeys -----------------------------------------------------------------------------------------------

def test_login_lands_on_dashboard_with_chart_and_clean_console(browser_world, live_server, page, console_errors):
    log_in(page, live_server, "hangzhou")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.get_by_role("link", name="2 人员", exact=True)).to_be_visible()
    expect(page.locator("#people-chart canvas")).to_be_visible()
    page.wait_for_function(CHART_PAINTED)  # not a blank canvas: axes and bars are drawn
    expect(page.locator("#people-chart + script + table")).to_contain_text("西湖区")
    shot(page, "dashboard")
    assert console_errors == []


def test_people_list_filter_person_back_and_export(browser_world, live_server, page, console_errors, tmp_path):
    log_in(page, live_server, "hangzhou")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="人员").click()
    expect(page).to_have_url(f"{live_server.url}/people/")
    settle(page)
    expect(names_shown(page)).to_have_text(["李上城", "王西湖"])
    expect(page.locator("#results")).to_contain_text("共 2 条")
    expect(page.locator("body")).not_to_contain_text("张北仑")

    # 就业类型 refreshes #results in place (HTMX) and puts the filter in the address bar.
    page.locator("#id_employment_type").select_option("flexible")
    expect(page.locator("#results")).to_contain_text("没有符合条件的记录")
    expect(page).to_have_url(re.compile(r"employment_type=flexible"))
    page.locator("#id_employment_type").select_option("employee")
    expect(names_shown(page)).to_have_text(["李上城", "王西湖"])

    page.locator("#q").fill("王西湖")
    page.locator("#q").press("Enter")
    expect(names_shown(page)).to_have_text(["王西湖"])
    expect(page.locator("#results")).to_contain_text("共 1 条")
    expect(page).to_have_url(re.compile(r"q=%E7%8E%8B%E8%A5%BF%E6%B9%96"))
    shot(page, "people-filtered")

    page.get_by_role("link", name="王西湖").click()
    expect(page.get_by_role("heading", name=re.compile("王西湖"))).to_be_visible()
    expect(page.locator("dl.props")).to_contain_text("330106********2015")
    expect(page.locator("body")).not_to_contain_text("330106198503122015")
    shot(page, "person-detail")

    # Back: the whole filtered page again (not the cached HTMX fragment), and its export is what it lists.
    page.go_back()
    expect(page.get_by_role("heading", name="人员", exact=True)).to_be_visible()
    expect(names_shown(page)).to_have_text(["王西湖"])
    settle(page)
    assert exported_names(page, tmp_path) == {"王西湖"}

    # Search cleared in place: the export link follows, and the file has both Hangzhou people, never Ningbo's.
    page.locator("#q").fill("")
    page.locator("#q").press("Enter")
    expect(names_shown(page)).to_have_text(["李上城", "王西湖"])
    assert exported_names(page, tmp_path) == {"王西湖", "李上城"}
    assert console_errors == []


def test_people_list_fits_a_phone(browser_world, live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "hangzhou")
    page.goto(f"{live_server.url}/people/")
    expect(names_shown(page)).to_have_text(["李上城", "王西湖"])
    shot(page, "people-mobile")
    # The wide table scrolls inside its frame; the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_person_outside_region_is_not_found(browser_world, live_server, page, console_errors):
    log_in(page, live_server, "xihu")
    response = page.goto(f"{live_server.url}/people/{browser_world.people['shangcheng'].pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("李上城")
    shot(page, "not-found")
    assert not [e for e in console_errors if "CSP" in e or e.startswith("uncaught")]


def test_language_switch_to_english(browser_world, live_server, page, console_errors):
    log_in(page, live_server, "hangzhou")
    nav = page.locator("nav.mainnav")
    expect(nav.get_by_role("link", name="人员")).to_be_visible()
    page.locator("#lang-select").select_option("en")  # submits itself (app.js)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    settle(page)
    expect(nav.get_by_role("link", name="People")).to_be_visible()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    shot(page, "dashboard-en")
    page.locator("#lang-select").select_option("zh-hans")
    expect(nav.get_by_role("link", name="人员")).to_be_visible()
    assert console_errors == []
