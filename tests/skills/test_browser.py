"""One exam, two certificates, in a real browser (SPEC §3.3–§3.6): the evaluator downloads the session's score
sheet, fills it in, uploads it and publishes; the worker logs in and finds both certificates on 我的证书; then
anyone opens the certificate's QR link (/verify/<token>) without logging in and sees it is valid.

Debian's Chromium through Playwright against the live server, with core's fixtures (tests/core/test_browser.py).
Set WORKERHUB_SHOTS=/some/dir to keep the screenshots of a passing run.
"""

import re

import pytest
import xlsxwriter
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from tests.core import test_browser as core
from workerhub.skills import services

pytestmark = pytest.mark.browser

_connections_before_playwright = core._connections_before_playwright
_same_connections_under_playwright = core._same_connections_under_playwright
_migrated_data_back_after_module = core._migrated_data_back_after_module
_screenshot_on_failure = core._screenshot_on_failure
console_errors = core.console_errors
log_in, settle, shot = core.log_in, core.settle, core.shot

# What the evaluator types into the sheet: 李上城 and 陈晓明 pass (≥ 60 in both), 林芳 fails on theory (59).
MARKS = {"李上城": (88, 91), "陈晓明": (75, 80), "林芳": (59, 70)}


@pytest.fixture
def browser_exam(transactional_db, django_db_serialized_rollback, world, exam, candidates, live_server):
    """The Wenzhou session (capacity 3) with the demo worker 李上城 and two Wenzhou candidates registered."""
    session = exam["session"]
    services.register_candidate(actor=world.users["worker"], session=session, person=world.people["shangcheng"],
                                declared={"years_in_trade": 6})
    for person in candidates[:2]:
        services.register_candidate(actor=world.users["wenzhou_eval"], session=session, person=person,
                                    declared={"years_in_trade": 6}, via="evaluator")
    yield exam
    core._empty_audit_log()


def fill_in(template, folder) -> str:
    """The downloaded template with the marks typed in (as a user would in Excel), saved as a new file."""
    rows = CalamineWorkbook.from_path(str(template)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["报名号", "姓名", "身份证号码", "理论知识", "操作技能", "缺考"]
    path = folder / "成绩-已填写.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("成绩表")
    sheet.write_row(0, 0, rows[0])
    for i, row in enumerate(rows[1:], start=1):
        theory, practical = MARKS[row[1]]
        sheet.write_row(i, 0, [int(row[0]), row[1], row[2], theory, practical, "否"])
    book.close()
    return str(path)


def test_evaluator_imports_and_publishes_worker_sees_both_public_verifies(browser_exam, live_server, page, browser,
                                                                          console_errors, tmp_path):
    session = browser_exam["session"]
    log_in(page, live_server, "wenzhou_eval")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="考试发证").click()
    settle(page)
    page.get_by_role("link", name=re.compile("2024-03-09")).click()
    expect(page.get_by_role("heading", name=re.compile(r"数据标注员 四级\/中级工"))).to_be_visible()
    expect(page.locator("#registrations tbody tr")).to_have_count(3)
    expect(page.locator("#registrations")).to_contain_text("330102********1235")
    expect(page.locator("body")).not_to_contain_text("330102199007011235")

    # The score sheet: download the template, fill it in, upload it.
    with page.expect_download() as info:
        page.get_by_role("link", name="下载成绩表模板").first.click()
    template = tmp_path / info.value.suggested_filename
    info.value.save_as(template)
    filled = fill_in(template, tmp_path)
    page.get_by_role("link", name="导入成绩").first.click()
    settle(page)
    page.get_by_label("成绩表(.xlsx)").set_input_files(filled)
    page.get_by_role("button", name="上传并导入").click()
    expect(page).to_have_url(f"{live_server.url}/skills/sessions/{session.pk}/")
    expect(page.locator(".messages")).to_contain_text("已导入 3 名考生的成绩")
    expect(page.locator("#session-counts")).to_contain_text("3")
    shot(page, "skills-session-scored")
    page.get_by_role("link", name="录入成绩").click()
    expect(page.locator("#scores-form tbody tr")).to_have_count(3)
    expect(page.get_by_label("李上城 理论知识")).to_have_value("88")
    shot(page, "skills-scores")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "skills-scores-mobile")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls, not the page
    page.get_by_role("link", name="返回批次").click()
    shot(page, "skills-session-mobile")
    page.set_viewport_size({"width": 1280, "height": 720})

    # Publish, confirming first.
    page.locator("#publish-box summary").click()
    page.get_by_label("已核对全部成绩").check()
    page.get_by_role("button", name="确认发布").click()
    expect(page.locator(".messages")).to_contain_text("合格 2 人,不合格 1 人,缺考 0 人;颁发证书 4 本")
    expect(page.locator("#frozen")).to_contain_text("成绩已发布并冻结")
    expect(page.locator("#reg-" + str(session.registrations.get(person__name="林芳").pk))).to_contain_text("不合格")
    shot(page, "skills-session-published")
    assert console_errors == []

    # The worker, on a phone, finds both certificates of the pass.
    page.context.clear_cookies()
    log_in(page, live_server, "worker")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的证书").click()
    settle(page)
    certs = page.locator("#my-certificates .cert")
    expect(certs).to_have_count(2)
    shot(page, "skills-my-certificates")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(certs.nth(0)).to_contain_text("职业技能等级证书")
    expect(certs.nth(0)).to_contain_text("浙江安防职业技术学院")
    expect(certs.nth(1)).to_contain_text("企业认可证书")
    expect(certs.nth(1)).to_contain_text("温州数安港科技有限公司")
    expect(page.locator("#my-registrations")).to_contain_text("理论知识 88")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "skills-my-certificates-mobile")
    verify_url = certs.nth(0).get_by_role("link", name="查验").get_attribute("href")
    assert re.fullmatch(r"/verify/S013333000001\d{2}4\d{6}\.[A-Za-z0-9_-]{86}", verify_url)

    # Anyone scanning the QR code: no login, the certificate is valid.
    public = browser.new_context().new_page()
    response = public.goto(f"{live_server.url}{verify_url}")
    assert response.status == 200, f"/verify/<token> answered {response.status}"
    expect(public.locator("body")).to_contain_text("有效")
    expect(public.locator("body")).to_contain_text("李*城")
    expect(public.locator("body")).not_to_contain_text("李上城")
    shot(public, "skills-verify-token")
    public.context.close()
    assert console_errors == []
