"""Station pages for every role (scope matrix, SPEC §0, §8.2): the public finder and station pages, the register
with its export and edit pages, events, the network page; keepers see only their stations, federations only
their region's, and an out-of-scope station is a 404 exactly like a missing one."""

import io
import re

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from tests.stations.conftest import MANAGED, NAMES, PUBLIC, names_in
from workerhub.core.models import AuditEntry
from workerhub.stations import services
from workerhub.stations.models import Station, StationEvent

ROLES = list(MANAGED)


def xlsx_rows(response) -> list[list]:
    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


# --- Public pages ----------------------------------------------------------------------------------------

def test_the_finder_lists_the_nearest_public_stations_without_login(sw):
    page = Client().get("/stations/?lat=30.25&lon=120.16")
    assert page.status_code == 200
    text = page.content.decode()
    # Hangzhou first (湖滨 1,041 m, 文三路 4,020 m, the bank 4,862 m), then 仙居 165 km and 北仑 167 km;
    # never the closed station.
    order = re.findall(r'id="result-([A-Z0-9-]+)"', text)
    codes = {s.code: k for k, s in sw.stations.items()}
    assert [codes[c] for c in order] == ["paused", "xihu", "bank", "xianju", "beilun"]
    assert "1.0 公里" in text and "4.9 公里" in text and "165 公里" in text
    assert NAMES["closed"] not in text
    assert "暂停开放" in text and "装修" in text
    # A navigation link in GCJ-02 (GaoDe): 湖滨 30.2590 N, 120.1630 E shifted by a few hundred metres.
    assert "https://uri.amap.com/marker?position=120.167" in text


def test_the_finder_filters_by_amenity_and_open_now(sw):
    text = Client().get("/stations/?lat=30.25&lon=120.16&amenity=ebike_charging").content.decode()
    assert names_in(text) == {"xianju", "beilun"}
    # open_now uses the present moment; an amenity nobody has gives the empty state.
    empty = Client().get("/stations/?lat=30.25&lon=120.16&amenity=wheelchair").content.decode()
    assert "附近没有符合条件的驿站" in empty


def test_a_city_can_stand_in_for_the_position(sw):
    text = Client().get("/stations/?city=331000").content.decode()
    assert re.findall(r'id="result-([A-Z0-9-]+)"', text)[0] == sw.stations["xianju"].code


def test_the_finder_answers_htmx_with_the_results_only(sw):
    response = Client().get("/stations/?lat=28.85&lon=120.73", HTTP_HX_REQUEST="true",
                            HTTP_HX_TARGET="finder-results")
    text = response.content.decode()
    assert "<html" not in text and 'id="finder-data"' in text and NAMES["xianju"] in text


def test_bad_coordinates_show_a_message_not_an_error(sw):
    response = Client().get("/stations/?lat=95&lon=120")
    assert response.status_code == 200 and "纬度" in response.content.decode()


@pytest.mark.parametrize("key", list(NAMES))
def test_public_station_pages_hide_closed_stations(sw, key):
    response = Client().get(f"/stations/{sw.stations[key].code}/")
    assert response.status_code == (200 if key in PUBLIC else 404)
    if key in PUBLIC:
        text = response.content.decode()
        assert NAMES[key] in text and "编辑" not in text and "变更记录" not in text


def test_the_station_page_shows_the_week_amenities_and_the_birthday_party(sw):
    xianju = sw.stations["xianju"]
    services.add_event(actor=None, station=xianju, date="2024-03-12", title="三月环卫工人集体生日会",
                       organiser=sw.orgs["xianju_fed"], partner=sw.orgs["xianju_bank"], participants=60)
    text = Client().get(f"/stations/{xianju.code}/").content.decode()
    assert text.count("05:30-20:30") >= 7  # the whole week
    for label in ("饮用水", "手机充电", "微波炉", "市级示范驿站", "三月环卫工人集体生日会", "仙居农商银行", "60 人参加"):
        assert label in text, label


# --- The register: list, export, edit (scope matrix) ------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_the_register_lists_exactly_the_roles_stations(sw, role):
    response = sw.client(role).get("/stations/manage/?page_size=200")
    if role is None:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert names_in(response.content.decode()) == MANAGED[role]


@pytest.mark.parametrize("role", ROLES)
def test_search_and_filters_stay_in_scope(sw, role):
    client = sw.client(role)
    for query in ("q=驿站", "q=ZJ-331024-00001-0", "region=33", "status=closed", "amenity=water", "brand=czbank_warm",
                  "grade=basic", "stale=on"):
        response = client.get(f"/stations/manage/?{query}")
        if role is None:
            assert response.status_code == 302
            continue
        assert names_in(response.content.decode()) <= MANAGED[role], query


@pytest.mark.parametrize("role", ROLES)
def test_the_export_is_the_federations_and_holds_only_its_region(sw, role):
    response = sw.client(role).get("/stations/manage/export.xlsx")
    if role is None:
        assert response.status_code == 302
        return
    rows = xlsx_rows(response)
    assert rows[0][:3] == ["站点编号", "站点名称", "品牌"]  # the import template's columns
    exported = {row[1] for row in rows[1:]}
    federation = role in ("province", "hangzhou", "xihu", "ningbo")
    assert exported == ({NAMES[k] for k in MANAGED[role]} if federation else set())


@pytest.mark.parametrize("role", ROLES)
def test_edit_pages_and_management_pages_404_outside_scope(sw, role):
    client = sw.client(role)
    for key, station in sw.stations.items():
        for url in (f"/stations/{station.code}/edit/", f"/stations/{station.code}/events/",
                    f"/stations/{station.code}/plate.pdf"):
            status = client.get(url).status_code
            if role is None:
                assert status == 302, url
            else:
                assert status == (200 if key in MANAGED[role] else 404), (url, role)
        detail = client.get(f"/stations/{station.code}/")
        assert detail.status_code == (200 if key in PUBLIC or key in MANAGED[role] else 404)
        assert ("变更记录" in detail.content.decode()) == (key in MANAGED[role])


def test_a_keeper_edits_hours_and_amenities_but_not_the_certification(sw):
    client = sw.client("xianju_keeper")
    code = sw.stations["xianju"].code
    page = client.get(f"/stations/{code}/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    assert "hours" in form.fields and "amenities" in form.fields
    assert not {"lat", "lon", "region", "operator", "facts", "titles", "stars"} & set(form.fields)
    response = client.post(f"/stations/{code}/edit/", {
        "name": NAMES["xianju"], "address": "浙江省台州市仙居县兴和门", "hours": "每天 05:00-21:00; 节假日照常",
        "access": "all_outdoor_workers", "amenities": ["water", "phone_charging", "microwave"],
        "services": ["charity"], "capacity": "20", "contact_phone": "0576-87771234", "status": "open",
        "checked": "on"})
    assert response.status_code == 302
    station = Station.objects.get(code=code)
    assert station.hours["mon"] == [["05:00", "21:00"]] and station.amenities == ["water", "phone_charging", "microwave"]
    assert station.data_checked_at is not None and station.lat == 28.85
    assert AuditEntry.objects.filter(object_type="stations.station", object_id=str(station.pk), action="change").exists()


def test_a_keeper_cannot_move_the_station_or_award_itself_a_title_through_the_service(sw):
    from workerhub.core.services import ServiceError

    with pytest.raises(ServiceError) as info:
        services.update_station(actor=sw.users["xianju_keeper"], station=sw.stations["xianju"],
                                titles=["national_most_beautiful"], lat=28.86)
    assert {"titles", "lat"} <= set(info.value.fields)


def test_a_federation_edit_outside_its_region_is_a_404_and_changes_nothing(sw):
    bank = sw.stations["bank"]  # 上城区 330102: Hangzhou's, not Xihu's
    response = sw.client("xihu").post(f"/stations/{bank.code}/edit/", {"name": "改名"})
    assert response.status_code == 404
    assert Station.objects.get(pk=bank.pk).name == NAMES["bank"]


def test_moving_a_station_outside_its_regions_box_is_refused(sw):
    code = sw.stations["xihu"].code
    client = sw.client("hangzhou")
    data = client.get(f"/stations/{code}/edit/").context["form"].initial
    post = {k: v for k, v in data.items() if v not in (None, "") and k != "checked"}
    post.update(lat="120.135", lon="30.279")  # swapped: not even in China
    response = client.post(f"/stations/{code}/edit/", post)
    assert response.status_code == 400
    assert "lat" in response.context["form"].errors
    post.update(lat="29.90", lon="121.85")  # 北仑: inside China, but outside 杭州's box
    response = client.post(f"/stations/{code}/edit/", post)
    assert response.status_code == 400 and "不在行政区划 330106 的范围内" in str(response.context["form"].errors)
    assert Station.objects.get(code=code).lat == 30.2790


def test_a_federation_registers_a_station_with_the_next_code_of_its_county(sw):
    client = sw.client("xihu")
    response = client.post("/stations/manage/new/", {
        "name": "西湖区文新街道户外劳动者服务站", "brand": "union_outdoor", "operator": sw.orgs["xihu"].pk,
        "region": "330106", "address": "浙江省杭州市西湖区文新街道", "lat": "30.2900", "lon": "120.1100",
        "hours": "每天 07:00-19:00", "access": "all_outdoor_workers", "amenities": ["water", "seats"],
        "status": "open", "checked": "on"})
    assert response.status_code == 302
    station = Station.objects.get(name="西湖区文新街道户外劳动者服务站")
    # 西湖区 already has 西湖 (00001) and 灵隐 (00002): the next serial is 3, with its check character.
    assert station.code == "ZJ-330106-00003-6" and response["Location"] == f"/stations/{station.code}/"


def test_keepers_may_not_register_stations(sw):
    assert sw.client("xianju_keeper").get("/stations/manage/new/").status_code == 403
    assert sw.client("xianju_keeper").get("/stations/manage/import/").status_code == 403


# --- Events, photos --------------------------------------------------------------------------------------

def test_the_keeper_records_the_birthday_party(sw):
    client = sw.client("xianju_keeper")
    code = sw.stations["xianju"].code
    response = client.post(f"/stations/{code}/events/", {
        "date": "2024-03-12", "title": "三月环卫工人集体生日会", "organiser": sw.orgs["xianju_fed"].pk,
        "partner": sw.orgs["xianju_bank"].pk, "participants": "60",
        "description": "60余名环卫工人共同品尝生日蛋糕"})
    assert response.status_code == 302
    event = StationEvent.objects.get(station__code=code)
    assert (event.organiser.name, event.partner.name, event.participants) == ("仙居县总工会", "仙居农商银行", 60)
    assert "三月环卫工人集体生日会" in client.get(f"/stations/{code}/events/").content.decode()
    # Hangzhou's officer neither sees nor adds events in Xianju.
    assert sw.client("hangzhou").post(f"/stations/{code}/events/", {"title": "x"}).status_code == 404


def test_a_photo_is_uploaded_by_the_keeper_and_shown_to_the_public(sw, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 30)).save(buffer, "PNG")
    code = sw.stations["xianju"].code
    upload = SimpleUploadedFile("front.png", buffer.getvalue(), content_type="image/png")
    response = sw.client("xianju_keeper").post(f"/stations/{code}/photos/", {"image": upload, "caption": "门口"})
    assert response.status_code == 302
    photo = sw.stations["xianju"].photos.get()
    served = Client().get(f"/stations/photos/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert f"/stations/photos/{photo.pk}/" in Client().get(f"/stations/{code}/").content.decode()
    assert sw.client("ningbo").post(f"/stations/{code}/photos/{photo.pk}/delete/").status_code == 404


# --- Network page ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_the_network_page_is_for_federations_and_counts_their_region(sw, role):
    response = sw.client(role).get("/stations/network/")
    if role is None:
        assert response.status_code == 302
    elif role in ("province", "hangzhou", "xihu", "ningbo"):
        assert response.status_code == 200
        assert response.context["stats"]["total"] == len(MANAGED[role])
    else:
        assert response.status_code == 403


def test_the_network_page_lists_stale_stations(sw):
    Station.objects.filter(pk=sw.stations["xihu"].pk).update(data_checked_at=None)
    stats = sw.client("hangzhou").get("/stations/network/").context["stats"]
    assert [s.name for s in stats["stale"]] == [NAMES["xihu"]]
    assert stats["by_status"] == {"open": 2, "temporarily_closed": 1, "closed": 1}


def test_coverage_gaps_at_walking_and_ebike_speed(sw):
    client = sw.client("province")
    walk = client.get("/stations/network/?region=331024&speed=walk", HTTP_HX_REQUEST="true",
                      HTTP_HX_TARGET="coverage")
    ebike = client.get("/stations/network/?region=331024&speed=ebike", HTTP_HX_REQUEST="true",
                       HTTP_HX_TARGET="coverage")
    assert "<html" not in walk.content.decode() and 'id="coverage-data"' in walk.content.decode()
    w, e = walk.context["coverage"], ebike.context["coverage"]
    assert (w["radius_m"], e["radius_m"]) == (1250, 3750)
    # The one Xianju station covers more at e-bike speed; both leave gaps in a box 5 km around it.
    assert 0 < len(e["gaps"]) < len(w["gaps"]) < w["samples"]
    # A county not in the officer's region is not offered (a form error, no map).
    assert sw.client("ningbo").get("/stations/network/?region=331024&speed=walk").context["coverage"] is None


@pytest.mark.parametrize("role", ROLES)
def test_events_are_deleted_only_by_those_who_manage_the_station(sw, role):
    events = {key: services.add_event(actor=None, station=station, date="2024-03-12", title="集体生日会",
                                      organiser=sw.orgs["xianju_fed"]) for key, station in sw.stations.items()}
    client = sw.client(role)
    for key, event in events.items():
        status = client.post(f"/stations/{event.station.code}/events/{event.pk}/delete/").status_code
        if role is None:
            assert status == 302
        else:
            assert status == (302 if key in MANAGED[role] else 404), (key, role)
            assert StationEvent.objects.filter(pk=event.pk).exists() == (key not in MANAGED[role])
