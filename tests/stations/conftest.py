"""Stations on top of the shared world: one per kind of case the pages, API and scope matrix must handle.

| key        | station                          | region | operator / keeper             | hours                               |
|------------|----------------------------------|--------|-------------------------------|-------------------------------------|
| xianju     | 仙居县兴和门工会户外劳动者服务站 | 331024 | 仙居县总工会 / xianju_keeper  | 每天 05:30-20:30                    |
| xihu       | 西湖区文三路户外劳动者服务站     | 330106 | 西湖区总工会                  | 24小时                              |
| bank       | 浙商银行杭州分行营业部温暖驿站   | 330102 | 浙商银行杭州分行营业部        | 周一至周五 09:00-17:00; 节假日休息   |
| beilun     | 北仑港区户外劳动者服务站         | 330206 | 宁波市总工会                  | 每天 06:00-次日01:00                |
| paused     | 上城区湖滨驿站 (暂停开放: 装修)  | 330102 | 杭州市总工会                  | 每天 08:00-18:00                    |
| closed     | 西湖区灵隐驿站 (已关闭)          | 330106 | 西湖区总工会                  | 每天 08:00-18:00                    |
"""

from dataclasses import dataclass

import pytest

from workerhub.core.models import Organisation, Region
from workerhub.stations import services

# Which stations each role manages (view / change), SPEC §0 and stations/permissions.py.
MANAGED = {
    "province": {"xianju", "xihu", "bank", "beilun", "paused", "closed"},
    "hangzhou": {"xihu", "bank", "paused", "closed"},
    "xihu": {"xihu", "closed"},
    "ningbo": {"beilun"},
    "firm_xihu": set(),
    "huzhou_hpf": set(),
    "wenzhou_eval": set(),
    "xianju_keeper": {"xianju"},
    "worker": set(),
    "nobody": set(),
    None: set(),
}
PUBLIC = {"xianju", "xihu", "bank", "beilun", "paused"}

NAMES = {
    "xianju": "仙居县兴和门工会户外劳动者服务站",
    "xihu": "西湖区文三路户外劳动者服务站",
    "bank": "浙商银行杭州分行营业部温暖驿站",
    "beilun": "北仑港区户外劳动者服务站",
    "paused": "上城区湖滨驿站",
    "closed": "西湖区灵隐驿站",
}


@dataclass
class StationWorld:
    world: object
    stations: dict
    orgs: dict

    def __getattr__(self, name):
        return getattr(self.world, name)


def names_in(text: str) -> set[str]:
    return {key for key, name in NAMES.items() if name in text}


@pytest.fixture
def sw(world) -> StationWorld:
    org = Organisation.objects.create
    xianju_fed = org(name="仙居县总工会", kind="federation", region_id="331024")
    bank_branch = org(name="浙商银行杭州分行营业部", kind="bank", region_id="330102")
    xianju_bank = org(name="仙居农商银行", kind="bank", region_id="331024")
    region = Region.objects.get
    create = services.create_station
    stations = {
        "xianju": create(actor=None, code="ZJ-331024-00001-0", name=NAMES["xianju"], operator=xianju_fed,
                         brand="union_outdoor", address="浙江省台州市仙居县兴和门", region=region(code="331024"),
                         lat=28.85, lon=120.73, hours="每天 05:30-20:30",
                         amenities="water;phone_charging;ebike_charging;seats;tables_chairs;microwave;fridge;"
                                   "restroom;air_conditioning;heating;first_aid;umbrella;rain_gear;toolkit;wifi",
                         services="charity;policy_info", capacity=15,
                         facts="unified_sign;fixed_premises;management_rules;staffing;on_map",
                         titles="city_model", keeper=world.users["xianju_keeper"], contact_phone="0576-87771234"),
        "xihu": create(actor=None, name=NAMES["xihu"], operator=world.orgs["xihu"], brand="union_outdoor",
                       address="浙江省杭州市西湖区文三路58号", region=region(code="330106"), lat=30.2790,
                       lon=120.1350, hours="24小时", amenities="water;phone_charging;seats;microwave;restroom",
                       capacity=10),
        "bank": create(actor=None, name=NAMES["bank"], operator=bank_branch, brand="czbank_warm",
                       address="浙江省杭州市上城区民心路318号", region=region(code="330102"), lat=30.2470,
                       lon=120.2105, hours="周一至周五 09:00-17:00; 节假日休息", access="host_business_hours",
                       amenities="water;phone_charging;seats;microwave;air_conditioning",
                       services="financial_education;consumer_protection"),
        "beilun": create(actor=None, name=NAMES["beilun"], operator=world.orgs["ningbo"], brand="union_outdoor",
                         address="浙江省宁波市北仑区新碶街道", region=region(code="330206"), lat=29.90,
                         lon=121.85, hours="每天 06:00-次日01:00", amenities="water;ebike_charging;seats"),
        "paused": create(actor=None, name=NAMES["paused"], operator=world.orgs["hangzhou"], brand="union_outdoor",
                         address="浙江省杭州市上城区湖滨路", region=region(code="330102"), lat=30.2590, lon=120.1630,
                         hours="每天 08:00-18:00", amenities="water;phone_charging", status="temporarily_closed",
                         status_reason="装修"),
        "closed": create(actor=None, name=NAMES["closed"], operator=world.orgs["xihu"], brand="union_outdoor",
                         address="浙江省杭州市西湖区灵隐路", region=region(code="330106"), lat=30.2400, lon=120.1000,
                         hours="每天 08:00-18:00", amenities="water", status="closed"),
    }
    return StationWorld(world, stations, {**world.orgs, "xianju_fed": xianju_fed, "bank_branch": bank_branch,
                                          "xianju_bank": xianju_bank})


@pytest.fixture(autouse=True)
def _offline_maps_and_fresh_cache(settings):
    """No tile server in tests (no network beyond loopback), and no city centres cached by another test."""
    from django.core.cache import cache

    settings.WORKERHUB_TILES = ""
    cache.clear()
