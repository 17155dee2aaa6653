"""The finder in a real browser (SPEC §7.2): a worker on a phone shares their position, filters by amenity,
opens a station — Debian's Chromium through Playwright against the live server, with a fixed geolocation.

The fixtures for live_server (committed data, the migrations' data after a flush, the audit log's SQLite
trigger, Playwright's event loop and Django's async guard) are core's, imported from tests/core/test_browser.py.
Set WORKERHUB_SHOTS=/some/dir to keep the screenshots of a passing run.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.core import test_browser as core
from tests.stations.conftest import NAMES

pytestmark = pytest.mark.browser

# core's fixtures, by name: the session's shared connections, the migrations' data back after this module,
# a screenshot on failure, the console's errors (script errors and CSP refusals).
_connections_before_playwright = core._connections_before_playwright
_same_connections_under_playwright = core._same_connections_under_playwright
_migrated_data_back_after_module = core._migrated_data_back_after_module
_screenshot_on_failure = core._screenshot_on_failure
console_errors = core.console_errors
settle, shot = core.settle, core.shot

# On 湖滨路, Hangzhou: 上城区湖滨驿站 (paused) is 110 m away, 文三路 3.2 km, the bank 4.8 km.
HERE = {"latitude": 30.2585, "longitude": 120.1625}


@pytest.fixture
def browser_sw(transactional_db, django_db_serialized_rollback, sw, live_server):
    """The stations cast, committed where the live server's threads see it (as core's browser_world)."""
    yield sw
    core._empty_audit_log()


def at_the_roadside(page: Page):
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(HERE)


def result_names(page: Page):
    return page.locator("#finder-results .result-head a")


def test_find_filter_and_open_a_station(browser_sw, live_server, page, console_errors):
    at_the_roadside(page)
    page.goto(f"{live_server.url}/stations/")
    settle(page)
    expect(page.get_by_role("heading", name="找驿站")).to_be_visible()
    page.get_by_role("button", name="使用我的位置").click()

    # The five public stations, nearest first; the closed one never appears.
    expect(result_names(page)).to_have_count(5)
    expect(result_names(page).first).to_contain_text(NAMES["paused"])
    expect(page.locator("#finder-results")).to_contain_text("暂停开放")
    expect(page.locator("#finder-results")).not_to_contain_text(NAMES["closed"])
    expect(page.locator("#finder-status")).to_contain_text("已使用您的位置")
    expect(page).to_have_url(re.compile(r"lat=30\.258500&lon=120\.162500"))
    # One numbered marker per station on the map, and the searched point.
    expect(page.locator("#finder-map .station-pin")).to_have_count(5)
    expect(page.locator("#finder-map path.leaflet-interactive")).to_have_count(1)
    shot(page, "stations-finder")

    # E-bike charging: only 仙居 and 北仑 have it; the list and the markers follow (HTMX, no reload).
    page.get_by_label("电动车充电").check()
    expect(result_names(page)).to_have_count(2)
    expect(result_names(page).first).to_contain_text(NAMES["xianju"])
    expect(page.locator("#finder-map .station-pin")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"amenity=ebike_charging"))

    # The navigation link goes to GaoDe with GCJ-02 coordinates.
    nav = page.locator("#finder-results .result").first.get_by_role("link", name="导航")
    expect(nav).to_have_attribute("href", re.compile(r"^https://uri\.amap\.com/marker\?position=120\.73"))

    result_names(page).first.click()
    expect(page.get_by_role("heading", name=NAMES["xianju"])).to_be_visible()
    expect(page.locator("#station-main")).to_contain_text("05:30-20:30")
    expect(page.locator("#station-main")).to_contain_text("电动车充电")
    expect(page.locator(".station-map .leaflet-marker-icon")).to_have_count(1)
    shot(page, "stations-detail")
    assert console_errors == []


def test_pick_a_point_on_the_map_or_a_city(browser_sw, live_server, page, console_errors):
    page.goto(f"{live_server.url}/stations/")
    settle(page)
    page.locator("#id_city").select_option("331000")  # 台州市: the centre of its stations, 仙居
    expect(result_names(page).first).to_contain_text(NAMES["xianju"])
    page.locator("#finder-map").click(position={"x": 60, "y": 60})
    expect(page.locator("#finder-status")).to_contain_text("已选择地图上的位置")
    expect(page.locator("#id_city")).to_have_value("")
    expect(page).to_have_url(re.compile(r"city=&lat=\d{2}\.\d{6}&lon=1\d\d\.\d{6}"))
    assert console_errors == []


def test_the_browser_shifts_markers_to_gcj02_like_geo_py(browser_sw, live_server, page):
    page.goto(f"{live_server.url}/stations/")
    settle(page)
    page.wait_for_function("() => window.StationsGeo !== undefined")
    lon, lat = page.evaluate("StationsGeo.wgs84ToGcj02(116.403988, 39.914266)")
    assert abs(lon - 116.41023240747266) < 1e-12 and abs(lat - 39.915670251113426) < 1e-12


def test_the_finder_fits_a_phone(browser_sw, live_server, page, console_errors):
    page.set_viewport_size({"width": 390, "height": 844})
    at_the_roadside(page)
    page.goto(f"{live_server.url}/stations/")
    settle(page)
    page.get_by_role("button", name="使用我的位置").click()
    expect(result_names(page)).to_have_count(5)
    shot(page, "stations-finder-mobile")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert console_errors == []
