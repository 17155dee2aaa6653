"""Writes on stations (services.py): codes, derived fields, who may change what, one audit row per write."""

import pytest
from django.db import IntegrityError, transaction

from workerhub.core.models import AuditEntry, Region
from workerhub.core.services import ServiceError
from workerhub.stations import rules, services
from workerhub.stations.models import Station, amenity_mask


def test_codes_are_assigned_per_region_in_creation_order(sw):
    # conftest created 西湖 (serial 1) then 灵隐 (2) in 330106; 331024 was given its code explicitly.
    assert sw.stations["xihu"].code == rules.station_code("330106", 1)
    assert sw.stations["closed"].code == rules.station_code("330106", 2)
    assert services.next_serial("330106") == 3 and services.next_serial("331024") == 2


def test_the_compliance_score_and_bits_are_derived_on_every_write(sw):
    xianju = sw.stations["xianju"]
    # All five ticked 六有 facts plus every 10+x base facility: 100 points, 标杆型 (data/README.md).
    assert (xianju.compliance_score, xianju.compliance_grade) == (100, "benchmark")
    assert xianju.amenity_bits == amenity_mask(xianju.amenities)
    station = services.update_station(actor=sw.users["province"], station=xianju, amenities=["water"], facts=[])
    # 饮用水 only: 1 of 10 base items (5 points) and no 六有: 5 points, 普通型.
    assert (station.compliance_score, station.compliance_grade) == (5, "basic")
    assert station.amenity_bits == 1  # water is the catalogue's first code


def test_a_temporary_closure_needs_a_reason_and_reopening_clears_it(sw):
    with pytest.raises(ServiceError) as info:
        services.update_station(actor=sw.users["xihu"], station=sw.stations["xihu"], status="temporarily_closed")
    assert "status_reason" in info.value.fields
    station = services.update_station(actor=sw.users["hangzhou"], station=sw.stations["paused"], status="open")
    assert station.status_reason == ""
    entry = AuditEntry.objects.filter(object_id=str(station.pk), object_type="stations.station").latest("at")
    assert entry.action == "transition" and entry.changes["status"] == ["temporarily_closed", "open"]


def test_the_database_refuses_a_closure_without_reason_and_stars_out_of_range(sw):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Station.objects.filter(pk=sw.stations["xihu"].pk).update(status="temporarily_closed", status_reason="")
    with transaction.atomic(), pytest.raises(IntegrityError):
        Station.objects.filter(pk=sw.stations["xihu"].pk).update(stars=6)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Station.objects.filter(pk=sw.stations["xihu"].pk).update(lat=91)


def test_moving_a_station_out_of_the_officers_region_is_refused(sw):
    with pytest.raises(PermissionError):
        services.update_station(actor=sw.users["xihu"], station=sw.stations["xihu"],
                                region=Region.objects.get(code="330102"), lat=30.25, lon=120.17)
    assert Station.objects.get(pk=sw.stations["xihu"].pk).region_id == "330106"


def test_the_code_never_changes_and_a_given_code_must_match_the_region(sw):
    station = services.update_station(actor=sw.users["province"], station=sw.stations["xihu"], code="ZJ-330106-00009-X")
    assert station.code == sw.stations["xihu"].code
    with pytest.raises(ServiceError) as info:
        services.create_station(actor=None, code=rules.station_code("330102", 7), name="x", operator=sw.orgs["xihu"],
                                brand="union_outdoor", address="x", region=Region.objects.get(code="330106"),
                                lat=30.27, lon=120.13, hours="24小时")
    assert "code" in info.value.fields


def test_hours_accept_the_stored_form_and_the_compact_text(sw):
    station = services.update_station(actor=sw.users["province"], station=sw.stations["xihu"],
                                      hours={"mon": [["22:00", "06:00"]], "holidays": "closed"})
    assert station.hours["mon"] == [["22:00", "06:00"]] and station.hours["24h"] is False
    with pytest.raises(ServiceError) as info:
        services.update_station(actor=sw.users["province"], station=station, hours="周一 08:00-12:00, 11:00-13:00")
    assert "重叠" in info.value.fields["hours"]


def test_reindex_recomputes_after_a_catalogue_change(sw):
    Station.objects.filter(pk=sw.stations["xihu"].pk).update(amenity_bits=0, compliance_score=0)
    assert services.reindex_stations() == 1
    station = Station.objects.get(pk=sw.stations["xihu"].pk)
    assert station.amenity_bits == amenity_mask(station.amenities) and station.compliance_score > 0
