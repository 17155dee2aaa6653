"""Station demo data (SPEC §1.9, §7; seed: 2024-03-13 front page): Zheshang Bank's 100 warm stations in 27
cities, 60 union stations across Zhejiang's 11 cities with the Xianju 兴和门 station, 4 co-built ones
(data/demo_stations.csv); the Xianju collective birthday of March 2024; a year of check-ins and ratings so the
monthly charts have something to show. Idempotent: stations by code, the event by (station, date, title),
visits and ratings only when the demo has never added any."""

import csv
import random
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from workerhub.core.models import Organisation, Region, User

from . import rules, services
from .models import Rating, Station, StationEvent, Visit

DATA = rules.DATA_DIR / "demo_stations.csv"
SEED = 20240312  # the birthday party: "昨日" of the 2024-03-13 front page
XIANJU = "ZJ-331024-00001-0"

# Seed: 仙居县总工会、仙居农商银行联合为3月份过生日的环卫工人举办的一次集体生日会 … 60余名环卫工人 (2024-03-12).
BIRTHDAY = {
    "date": date(2024, 3, 12),
    "title": "三月环卫工人集体生日会",
    "participants": 60,
    "description": "仙居县总工会、仙居农商银行联合为3月份过生日的环卫工人举办集体生日会,"
                   "60余名环卫工人共同品尝生日蛋糕。(《浙江工人日报》2024年3月13日)",
}
# Seed: "浙商银行温暖驿站"100家建成仪式在湖州长兴支行举行.
CEREMONY = {
    "code": "ZJ-330500-00002-6",
    "date": date(2024, 3, 8),
    "title": "浙商银行温暖驿站100家建成仪式",
    "participants": 0,
    "description": "浙商银行支付便利化推进会暨“浙商银行温暖驿站”100家建成仪式,公布“温暖驿站2.0”计划:"
                   "青少年财商教育、紧急救助、爱心公益。(《浙江工人日报》2024年3月13日)",
}
COMMENTS = [
    "夏天有空调有凉水,午休很舒服", "手机没电了能充电,谢谢", "饭菜能加热,冬天太需要了", "工作人员很热情",
    "位置好找,就在路边", "希望晚上也能开放", "环境干净,座位够用", "有雨伞可以借,下雨天帮了大忙",
    "微波炉有点少,排队", "离我送件的片区很近", "", "",
]
_KINDS = {"bank": Organisation.Kind.BANK, "union": Organisation.Kind.FEDERATION}


def _aware(d: date, hour: int = 10):
    return timezone.make_aware(datetime(d.year, d.month, d.day, hour))


def _operator(name: str, region: str, brand: str) -> Organisation:
    """The station's operator: an existing organisation of that name in the region (county federations and
    浙商银行 come from core's demo), else a new one — bank branches hang under their head office."""
    org = Organisation.objects.filter(name=name, region_id=region).first() or \
        Organisation.objects.filter(name=name).order_by("pk").first()
    if org is not None:
        return org
    meta = rules.load_catalogue("brands")["brands"].get(brand, {})
    kind = _KINDS.get(meta.get("operator_kind"), Organisation.Kind.STATION_OPERATOR)
    if kind == Organisation.Kind.FEDERATION and not name.endswith("总工会"):
        kind = Organisation.Kind.STATION_OPERATOR
    parent = None
    if meta.get("host"):
        parent = Organisation.objects.filter(name=meta["host"]).order_by("pk").first()
    return Organisation.objects.create(name=name, region_id=region, kind=kind, parent=parent)


def _stations(rng: random.Random) -> int:
    created = 0
    existing = set(Station.objects.values_list("code", flat=True))
    keeper = User.objects.filter(username="xianju_keeper").first()
    with DATA.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            checked_days_ago = rng.choice([5, 20, 40, 60, 90, 120, 150, 200, 260, 400])
            if row["code"] in existing:
                continue
            station = services.create_station(
                actor=None, code=row["code"], checked=False, name=row["name"],
                operator=_operator(row["operator"], row["region"], row["brand"]), brand=row["brand"],
                address=row["address"], region=Region.objects.get(code=row["region"]), lat=row["lat"],
                lon=row["lon"], hours=row["hours"], access=row["access"], amenities=row["amenities"],
                services=row["services"], capacity=row["capacity"] or None, status=row["status"],
                status_reason=row["status_reason"], facts=row["facts"], titles=row["titles"],
                keeper=keeper if row["code"] == XIANJU else None)
            # Some stations' data were last checked long ago: the network page's stale-data list has work.
            Station.objects.filter(pk=station.pk).update(
                data_checked_at=timezone.now() - timedelta(days=checked_days_ago))
            created += 1
    return created


def _events() -> None:
    xianju = Station.objects.filter(code=XIANJU).first()
    organiser = Organisation.objects.filter(name="仙居县总工会").first()
    partner = Organisation.objects.filter(name="仙居农商银行").first()
    if xianju and organiser and not StationEvent.objects.filter(station=xianju, date=BIRTHDAY["date"]).exists():
        services.add_event(actor=None, station=xianju, organiser=organiser, partner=partner, **BIRTHDAY)
    changxing = Station.objects.filter(code=CEREMONY["code"]).first()
    bank = Organisation.objects.filter(name="浙商银行").order_by("pk").first()
    if changxing and bank and not StationEvent.objects.filter(station=changxing, date=CEREMONY["date"]).exists():
        values = {k: v for k, v in CEREMONY.items() if k != "code"}
        services.add_event(actor=None, station=changxing, organiser=bank, **values)


def _visits_and_ratings(rng: random.Random, scale: float) -> int:
    """Twelve months of QR check-ins (more at union stations, which sanitation workers use daily) and a few
    ratings each, mostly published. Bulk-inserted: demo history, not live writes."""
    if Visit.objects.filter(visitor__startswith="demo:").exists():
        return 0
    today = timezone.localdate()
    visits, ratings = [], []
    for station in Station.objects.filter(status=Station.Status.OPEN).order_by("code"):
        base = 40 if station.brand == "union_outdoor" else 15
        for back in range(12):
            month = date(today.year, today.month, 1)
            for _ in range(back):
                month = (month - timedelta(days=1)).replace(day=1)
            last = today if back == 0 else (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            # Busier towards summer and winter, when shade and warmth matter most.
            season = 1.3 if month.month in (1, 2, 7, 8, 12) else 1.0
            for i in range(max(1, round(base * season * scale * rng.uniform(0.6, 1.4)))):
                day = month + timedelta(days=rng.randrange((last - month).days + 1))
                visits.append(Visit(station=station, day=day, at=_aware(day, rng.randrange(6, 20)),
                                    visitor=f"demo:{station.pk}:{month:%Y%m}:{i}", source=Visit.Source.QR))
        for _ in range(rng.randrange(0, 4)):
            stars = rng.choices([5, 4, 3, 2], weights=[6, 3, 1, 0.3])[0]
            ratings.append(Rating(station=station, stars=stars, comment=rng.choice(COMMENTS),
                                  status=rng.choices([Rating.Moderation.PUBLISHED, Rating.Moderation.PENDING],
                                                     weights=[4, 1])[0]))
    Visit.objects.bulk_create(visits, batch_size=2000)
    Rating.objects.bulk_create(ratings, batch_size=2000)
    return len(visits)


@transaction.atomic
def build(stdout=None, scale: float = 1.0) -> None:
    """Load the demo stations. ``scale`` shrinks only the generated visit history (tests use 0.01);
    the 164 stations and the seed's event are data, loaded whole at any scale."""
    rng = random.Random(SEED)
    created = _stations(rng)
    _events()
    visits = _visits_and_ratings(random.Random(SEED + 1), scale)
    if stdout:
        stdout.write(f"服务站点 {Station.objects.count()}(新增 {created}),签到 {visits}")
