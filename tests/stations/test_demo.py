"""Station demo data (SPEC §1.9, §7; issue 4 §6): the seed's stations and party, idempotent."""

import io
from collections import Counter

from workerhub.core import demo as core_demo
from workerhub.core.models import Organisation
from workerhub.stations import demo
from workerhub.stations.models import Rating, Station, StationEvent, Visit


def test_demo_loads_the_seeds_stations_and_running_it_twice_changes_nothing(db):
    core_demo.build(workers=20, enterprises=5)
    demo.build(stdout=io.StringIO(), scale=0.01)
    counts = (Station.objects.count(), StationEvent.objects.count(), Visit.objects.count(), Rating.objects.count(),
              Organisation.objects.count())
    demo.build(stdout=io.StringIO(), scale=0.01)
    assert (Station.objects.count(), StationEvent.objects.count(), Visit.objects.count(), Rating.objects.count(),
            Organisation.objects.count()) == counts

    # Seed: Zheshang Bank's 100 warm stations in 27 cities; 60 union stations over Zhejiang's 11 cities; 4 co-built.
    warm = Station.objects.filter(brand="czbank_warm")
    assert warm.count() == 100
    cities = {code[:4] if code[:2] not in ("11", "12", "31", "50") else code[:2] for code in
              warm.values_list("region_id", flat=True)}
    assert len(cities) == 27
    union = Station.objects.filter(brand="union_outdoor")
    assert union.count() == 60 and len({code[:4] for code in union.values_list("region_id", flat=True)}) == 11
    assert Station.objects.count() == 164
    assert set(warm.values_list("operator__parent__name", flat=True)) == {"浙商银行"}
    # Realistic mix: some 24-hour, a few temporarily closed, one members-only.
    assert Station.objects.filter(hours__24h=True).count() == 10
    assert Counter(Station.objects.values_list("status", flat=True))["temporarily_closed"] == 3
    assert Station.objects.filter(access="members_only").count() == 1

    # The Xianju 兴和门 station, kept by the demo keeper, and its March 2024 birthday party.
    xianju = Station.objects.get(code="ZJ-331024-00001-0")
    assert (xianju.name, xianju.operator.name, xianju.keeper.username) == (
        "仙居县兴和门工会户外劳动者服务站", "仙居县总工会", "xianju_keeper")
    party = StationEvent.objects.get(station=xianju)
    assert (str(party.date), party.organiser.name, party.partner.name, party.participants) == (
        "2024-03-12", "仙居县总工会", "仙居农商银行", 60)
    assert Visit.objects.filter(station=xianju).exists()
