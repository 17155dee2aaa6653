"""Visits and ratings (SPEC §7.4): a worker scans the QR plate and checks in — once per person per station per
day, anonymous counts allowed —, rates the station, and a federation officer of the region publishes or rejects
the rating before anyone else sees it."""

from datetime import datetime

import pytest
from django.test import Client

from workerhub.core.models import AuditEntry
from workerhub.core.services import ServiceError
from workerhub.stations import hours, services
from workerhub.stations.models import Rating, Visit


def checkin(client, station):
    return client.post(f"/stations/{station.code}/checkin/", follow=True)


def test_an_anonymous_worker_checks_in_once_a_day(sw):
    station = sw.stations["xianju"]
    phone = Client()
    page = phone.get(f"/stations/{station.code}/checkin/")
    assert page.status_code == 200 and "签到" in page.content.decode()
    assert "wh_visitor" in page.cookies and page.cookies["wh_visitor"]["httponly"]
    assert "签到成功" in checkin(phone, station).content.decode()
    assert "已经在这里签到过了" in checkin(phone, station).content.decode()
    # Another phone is another visitor.
    checkin(Client(), station)
    assert Visit.objects.filter(station=station).count() == 2
    assert Visit.objects.filter(station=station, person__isnull=False).count() == 0


def test_a_logged_in_worker_counts_as_a_person_on_any_device(sw):
    station = sw.stations["xihu"]
    for _ in range(2):
        checkin(sw.client("worker"), station)
    visit = Visit.objects.get(station=station)
    assert visit.person == sw.people["shangcheng"] and visit.source == "qr"
    assert AuditEntry.objects.filter(object_type="stations.visit", object_id=str(visit.pk)).count() == 1


def test_the_next_day_is_a_new_visit(sw):
    station = sw.stations["xihu"]
    visitor = services.visitor_key(anonymous_id="abc")
    day1 = hours.to_shanghai(datetime(2024, 3, 12, 23, 50))
    day2 = hours.to_shanghai(datetime(2024, 3, 13, 0, 10))
    assert services.check_in(actor=None, station=station, visitor=visitor, at=day1)[1]
    assert not services.check_in(actor=None, station=station, visitor=visitor, at=day1.replace(hour=23, minute=59))[1]
    assert services.check_in(actor=None, station=station, visitor=visitor, at=day2)[1]
    assert sorted(str(v.day) for v in Visit.objects.filter(station=station)) == ["2024-03-12", "2024-03-13"]


def test_no_check_in_at_a_paused_or_closed_station(sw):
    assert "暂不能签到" in checkin(Client(), sw.stations["paused"]).content.decode()
    assert Client().get(f"/stations/{sw.stations['closed'].code}/checkin/").status_code == 404
    assert not Visit.objects.exists()


def test_a_manual_count_is_for_keepers_only(sw):
    station = sw.stations["xianju"]
    key = services.visitor_key(anonymous_id="paper-list-1")
    with pytest.raises(PermissionError):
        services.check_in(actor=sw.users["worker"], station=station, visitor=key, source="manual")
    visit, created = services.check_in(actor=sw.users["xianju_keeper"], station=station, visitor=key,
                                       source="manual")
    assert created and visit.source == "manual"


def test_monthly_visits_on_the_keepers_page(sw):
    station = sw.stations["xianju"]
    for i in range(3):
        checkin(Client(), station)
    page = sw.client("xianju_keeper").get(f"/stations/{station.code}/")
    months = page.context["visits_by_month"]
    assert len(months) == 12 and months[-1]["value"] == 3 and page.context["visits_30d"] == 3
    # The public never sees the counts.
    assert "visits_by_month" not in Client().get(f"/stations/{station.code}/").context


def test_a_rating_waits_for_moderation_then_shows(sw):
    station = sw.stations["bank"]
    Client().post(f"/stations/{station.code}/rate/", {"stars": "5", "comment": "空调很凉快,谢谢银行"})
    rating = Rating.objects.get(station=station)
    assert rating.status == "pending" and rating.person is None
    assert "空调很凉快" not in Client().get(f"/stations/{station.code}/").content.decode()
    # 西湖区 is not the bank's district (上城区); the keeper of another station cannot see it either.
    assert sw.client("xihu").post(f"/stations/manage/ratings/{rating.pk}/published/").status_code == 404
    assert sw.client("xianju_keeper").get("/stations/manage/ratings/").status_code == 403
    page = sw.client("hangzhou").get("/stations/manage/ratings/")
    assert "空调很凉快" in page.content.decode()
    assert sw.client("hangzhou").post(f"/stations/manage/ratings/{rating.pk}/published/").status_code == 302
    rating.refresh_from_db()
    assert rating.status == "published" and rating.moderated_by == sw.users["hangzhou"]
    detail = Client().get(f"/stations/{station.code}/")
    assert "空调很凉快" in detail.content.decode() and detail.context["rating"] == {"average": 5.0, "count": 1}
    assert AuditEntry.objects.filter(object_type="stations.rating", action="transition").count() == 1


def test_a_rejected_rating_stays_hidden_and_bad_stars_are_refused(sw):
    station = sw.stations["xianju"]
    services.submit_rating(actor=None, station=station, stars=1, comment="广告内容")
    rating = Rating.objects.get()
    services.moderate_rating(actor=sw.users["province"], rating=rating, decision="rejected")
    assert "广告内容" not in Client().get(f"/stations/{station.code}/").content.decode()
    with pytest.raises(ServiceError):
        services.submit_rating(actor=None, station=station, stars=6)
    with pytest.raises(ServiceError):
        services.moderate_rating(actor=sw.users["province"], rating=rating, decision="deleted")
    response = Client().post(f"/stations/{station.code}/rate/", {"stars": "0"}, follow=True)
    assert "请选择 1 到 5 星" in response.content.decode()


def test_a_workers_rating_records_the_person(sw):
    sw.client("worker").post(f"/stations/{sw.stations['xihu'].code}/rate/", {"stars": "4"})
    assert Rating.objects.get().person == sw.people["shangcheng"]
