"""The HPF journeys in a real browser (Debian's Chromium, Playwright, live server): anyone uses the public
calculator on a phone; a clerk confirms a worker's new account and records the first deposit.

core's live-server fixtures are reused from tests/core/test_browser.py (committed data, migrations' data after a
flush, Playwright's loop, the audit log's SQLite trigger, console errors)."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.core import test_browser as core
from workerhub.housing import services

pytestmark = pytest.mark.browser

_connections_before_playwright = core._connections_before_playwright
_same_connections_under_playwright = core._same_connections_under_playwright
_migrated_data_back_after_module = core._migrated_data_back_after_module
_screenshot_on_failure = core._screenshot_on_failure
console_errors = core.console_errors


@pytest.fixture
def browser_hpf(transactional_db, django_db_serialized_rollback, hpf, live_server):
    yield hpf
    core._empty_audit_log()


def test_the_public_calculator_on_a_phone(transactional_db, django_db_serialized_rollback, live_server,
                                          page: Page, console_errors):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/housing/calculator/")
    core.settle(page)
    page.locator("#id_principal").fill("700000")
    page.locator("#id_years").fill("30")
    page.get_by_label("手动输入年利率").check()
    page.locator("#id_rate").fill("3.1")
    page.locator("#id_compare_rate").fill("4")
    page.get_by_role("button", name="计算").click()
    # The seed's example: ¥2,989.11 a month, ¥127,003.15 less interest than at 4% (see tests/housing/test_api.py).
    result = page.locator("#result")
    expect(result).to_contain_text("2,989.11")
    expect(result).to_contain_text("127,003.15")
    expect(page.locator("#calc-chart canvas")).to_be_visible()
    assert "rate=3.1" in page.url  # the result is a link one can send to someone else
    with page.expect_download() as info:
        page.get_by_role("link", name="下载还款计划 Excel").click()
    assert info.value.suggested_filename == "repayment-schedule.xlsx"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert console_errors == []


def test_a_clerk_confirms_an_account_and_records_a_deposit(browser_hpf, live_server, page: Page, console_errors):
    from workerhub.housing.models import HpfAccount

    HpfAccount.objects.filter(pk=browser_hpf.account.pk).update(status="pending")
    core.log_in(page, live_server, "huzhou_hpf")
    page.get_by_role("link", name="公积金", exact=True).click()
    expect(page.get_by_role("heading", name="公积金账户")).to_be_visible()
    page.get_by_role("link", name=browser_hpf.account.number).click()
    page.get_by_role("button", name="确认开户").click()
    expect(page.locator(".msg.success")).to_contain_text("账户已确认")
    page.locator("#id_amount").fill("2400")
    page.get_by_role("button", name="缴存", exact=True).click()
    expect(page.locator("#balance")).to_have_text("2,400.00")
    assert services.balance(browser_hpf.account) == Decimal("2400.00")
    assert console_errors == []
