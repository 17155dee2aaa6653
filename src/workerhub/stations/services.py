"""Writes on stations, their events, photos, visits and ratings (SPEC §7). Keyword-only, ``actor=``, one
transaction each with its audit row. Forms, the API, the importer, the demo and the CLI all come here.

``actor=None`` is the system itself (demo data, a command run without ``--user``): no scope check applies.
"""

import re
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from workerhub.core import audit, scope
from workerhub.core.models import AuditEntry, Organisation, Person, Region
from workerhub.core.pii import lookup_hash
from workerhub.core.services import ServiceError

from . import geo, hours, rules
from .models import Rating, Station, StationEvent, StationPhoto, Visit, amenity_mask

STATION_FIELDS = ("code", "name", "operator", "brand", "address", "region", "lat", "lon", "hours", "access",
                  "amenities", "services", "capacity", "keeper", "contact_phone", "status", "status_reason",
                  "titles", "stars", "facts")
# What only the federation that may register stations in the region changes: where the station belongs and
# who runs it, and the certification — 六有 facts, 最美驿站 titles and stars. A keeper keeps the rest current.
OFFICER_FIELDS = ("operator", "brand", "region", "lat", "lon", "keeper", "titles", "stars", "facts")
_PHONE = re.compile(r"^[0-9+\-() ]{5,30}$")


def _snapshot(station: Station) -> dict:
    """Audit values of a station as an officer reads them: hours in the compact text, code lists joined."""
    values = audit.snapshot(station, STATION_FIELDS)
    values["hours"] = hours.format_hours(station.hours) if station.hours else ""
    for name in ("amenities", "services", "titles", "facts"):
        values[name] = ";".join(getattr(station, name))
    return values


_check = scope.check_write  # writes re-checked against restrict(actor, action) (core/scope.py)


def may_certify(actor, station: Station) -> bool:
    """Whether ``actor`` is a federation officer for this (saved) station's region (permissions.py, "add")."""
    return actor is None or Station.objects.restrict(actor, "add").filter(pk=station.pk).exists()


def _codes(value, kind: str) -> list[str]:
    try:
        return list(rules.parse_amenities(value) if kind == "amenities" else rules.parse_services(value))
    except rules.StationRuleError as exc:
        raise ServiceError(str(exc), {kind: str(exc)}) from None


def _vocab_codes(value, table: dict, field: str, label: str) -> list[str]:
    if value in (None, ""):
        return []
    parts = re.split(r"[;；,，、\s]+", value) if isinstance(value, str) else list(value)
    by_label = {v["zh"]: code for code, v in table.items()}
    found, unknown = [], []
    for part in (str(p).strip() for p in parts):
        if not part:
            continue
        code = part if part in table else by_label.get(part)
        if code is None:
            unknown.append(part)
        elif code not in found:
            found.append(code)
    if unknown:
        message = f"未知的{label}:{'、'.join(unknown)}"
        raise ServiceError(message, {field: message})
    return found


def clean_station(data: dict, *, station: Station | None = None) -> dict:
    """Validate and normalise station fields; raise ServiceError naming every bad field (zh-Hans).

    Only the keys present in ``data`` are checked, except that the point is always checked against the
    region's box (geo.check_point_in_region) and a temporary closure always needs a reason.
    """
    errors: dict[str, str] = {}
    out: dict = {}
    vocab = rules.load_catalogue("station_vocab")
    if "name" in data:
        out["name"] = str(data["name"] or "").strip()
        if not out["name"]:
            errors["name"] = "请填写站点名称"
        elif len(out["name"]) > 120:
            errors["name"] = "站点名称不能超过120个字"
    if "address" in data:
        out["address"] = str(data["address"] or "").strip()
        if not out["address"]:
            errors["address"] = "请填写地址"
        elif len(out["address"]) > 200:
            errors["address"] = "地址不能超过200个字"
    if "brand" in data:
        out["brand"] = str(data["brand"] or "").strip()
        if out["brand"] not in rules.brands():
            by_label = {label.zh: code for code, label in rules.brands().items()}
            if out["brand"] in by_label:
                out["brand"] = by_label[out["brand"]]
            else:
                errors["brand"] = f"未知的品牌“{out['brand']}”"
    if "operator" in data:
        out["operator"] = data["operator"]
        if not isinstance(out["operator"], Organisation):
            errors["operator"] = "请选择运营单位"
    if "region" in data:
        out["region"] = data["region"]
        if not isinstance(out["region"], Region):
            errors["region"] = "请选择行政区划"
    for name in ("lat", "lon"):
        if name in data:
            out[name] = data[name]
    if "hours" in data:
        try:
            value = data["hours"]
            out["hours"] = hours.parse_hours(value) if isinstance(value, str) else hours.normalize_hours(value)
        except hours.HoursError as exc:
            errors["hours"] = str(exc)
    if "access" in data:
        out["access"] = data["access"] or Station.Access.ALL
        if out["access"] not in Station.Access.values:
            errors["access"] = "开放对象应为:" + "、".join(str(label) for label in Station.Access.labels)
    for kind in ("amenities", "services"):
        if kind in data:
            try:
                out[kind] = _codes(data[kind], kind)
            except ServiceError as exc:
                errors.update(exc.fields)
    if "capacity" in data:
        value = data["capacity"]
        if value in (None, ""):
            out["capacity"] = None
        else:
            try:
                out["capacity"] = int(float(value))
                if not 0 <= out["capacity"] <= 9999 or float(value) != out["capacity"]:
                    raise ValueError
            except (TypeError, ValueError):
                errors["capacity"] = "容纳人数应为 0 到 9999 之间的整数"
    if "keeper" in data:
        out["keeper"] = data["keeper"]
    if "contact_phone" in data:
        out["contact_phone"] = str(data["contact_phone"] or "").strip()
        if out["contact_phone"] and not _PHONE.match(out["contact_phone"]):
            errors["contact_phone"] = "联系电话只能包含数字、空格、+、- 和括号,如 0576-87771234"
    if "status" in data:
        out["status"] = data["status"] or Station.Status.OPEN
        if out["status"] not in Station.Status.values:
            errors["status"] = "状态应为:开放、暂停开放或已关闭"
    if "status_reason" in data:
        out["status_reason"] = str(data["status_reason"] or "").strip()[:200]
    for name, table, label in (("titles", vocab["titles"], "称号"),
                               ("facts", rules.load_catalogue("standard")["facts"], "六有核查项")):
        if name in data:
            try:
                out[name] = _vocab_codes(data[name], table, name, label)
            except ServiceError as exc:
                errors.update(exc.fields)
    if "stars" in data:
        value = data["stars"]
        if value in (None, "", 0):
            out["stars"] = None
        else:
            try:
                out["stars"] = int(value)
                if not 1 <= out["stars"] <= 5:
                    raise ValueError
            except (TypeError, ValueError):
                errors["stars"] = "星级应为 1 到 5"

    status = out.get("status", station.status if station else Station.Status.OPEN)
    reason = out.get("status_reason", station.status_reason if station else "")
    if status == Station.Status.TEMPORARILY_CLOSED and not reason:
        errors["status_reason"] = "暂停开放须填写原因"
    elif status == Station.Status.OPEN and reason:
        out["status_reason"] = ""  # a reopened station carries no closure reason
    if {"lat", "lon", "region"} & data.keys() and not {"lat", "lon", "region"} & errors.keys():
        region = out.get("region", station.region if station and station.region_id else None)
        lat = out.get("lat", station.lat if station else None)
        lon = out.get("lon", station.lon if station else None)
        try:
            if isinstance(region, Region):
                out["lat"], out["lon"] = geo.check_point_in_region(lat, lon, region.code)
            else:
                out["lat"], out["lon"] = geo.validate_point(lat, lon)
        except geo.GeoError as exc:
            errors[exc.field or "lat"] = str(exc)
    if errors:
        raise ServiceError("站点信息有误", errors)
    return out


def derived_fields(station: Station) -> None:
    """Recompute what is derived from the station's own data: amenity bits and the compliance score."""
    station.amenity_bits = amenity_mask(station.amenities)
    score = rules.compliance(station.amenities, facts=station.facts, services=station.services)
    station.compliance_score, station.compliance_grade = score.score, score.grade


def next_serial(region_code: str) -> int:
    """The next unused serial in a region: serials are never reused (data/README.md, station codes)."""
    top = Station.objects.filter(code_region=region_code).aggregate(m=Max("serial"))["m"] or 0
    return top + 1


def _code_for(code: str | None, region: Region) -> tuple[str, int]:
    if code:
        try:
            parsed = rules.parse_station_code(code)
        except rules.StationRuleError as exc:
            raise ServiceError(str(exc), {"code": str(exc)}) from None
        if parsed.region != region.code:
            message = f"站点编号中的行政区划 {parsed.region} 与站点所在行政区划 {region.code} 不一致"
            raise ServiceError(message, {"code": message})
        return rules.station_code(parsed.region, parsed.serial), parsed.serial
    try:
        serial = next_serial(region.code)
        return rules.station_code(region.code, serial), serial
    except rules.StationRuleError as exc:
        raise ServiceError(str(exc), {"region": str(exc)}) from None


def _refuse_officer_fields(actor, station: Station, cleaned: dict) -> None:
    """A keeper may not change what the federation certifies (OFFICER_FIELDS). Creating needs the "add"
    right in the first place, so this guards updates only."""
    if may_certify(actor, station):
        return
    changed = {name for name in OFFICER_FIELDS
               if name in cleaned and _plain(getattr(station, name)) != _plain(cleaned[name])}
    if changed:
        raise ServiceError("只有本地区总工会管理员可以修改这些信息",
                           dict.fromkeys(sorted(changed), "只有本地区总工会管理员可以修改"))


def _plain(value):
    return value.pk if hasattr(value, "pk") else value


@transaction.atomic
def create_station(*, actor, code: str | None = None, checked: bool = True, **data) -> Station:
    """Register a station; the code is assigned (next serial in the region) unless one is given."""
    required = {"name", "operator", "brand", "address", "region", "lat", "lon", "hours"}
    missing = sorted(required - {k for k, v in data.items() if v not in (None, "")})
    if missing:
        raise ServiceError("站点信息不完整", dict.fromkeys(missing, "必填"))
    cleaned = clean_station(data)
    station = Station(**cleaned)
    station.code, station.serial = _code_for(code, cleaned["region"])
    station.code_region = cleaned["region"].code
    if Station.objects.filter(code=station.code).exists():
        raise ServiceError("站点编号已存在", {"code": f"站点编号 {station.code} 已存在"})
    if checked:
        station.data_checked_at = timezone.now()
    derived_fields(station)
    try:
        with transaction.atomic():
            station.save()
    except IntegrityError as exc:
        raise ServiceError("站点编号已被占用,请重试", {"code": "站点编号已被占用,请重试"}) from exc
    _check(actor, "add", Station, pk=station.pk)
    audit.record(AuditEntry.Action.CREATE, actor=actor, obj=station,
                 changes=audit.diff({}, _snapshot(station)))
    return station


@transaction.atomic
def update_station(*, actor, station: Station, checked: bool = False, **data) -> Station:
    """Change a station. Keepers change hours, amenities, services, status and contact; the region's
    federation also the location, operator and certification (OFFICER_FIELDS). ``checked`` records that
    the data were verified today (the stale-data list counts from it)."""
    _check(actor, "change", Station, pk=station.pk)
    station = Station.objects.select_for_update().get(pk=station.pk)
    data.pop("code", None)  # the code is printed on the plate: it never changes
    cleaned = clean_station(data, station=station)
    _refuse_officer_fields(actor, station, cleaned)
    before = _snapshot(station)
    for name, value in cleaned.items():
        setattr(station, name, value)
    if checked:
        station.data_checked_at = timezone.now()
    derived_fields(station)
    station.save()
    _check(actor, "change", Station, pk=station.pk)  # the new region must be in scope too
    changes = audit.diff(before, _snapshot(station))
    if checked:
        changes["data_checked_at"] = [None, station.data_checked_at.isoformat()]
    if changes:
        action = AuditEntry.Action.TRANSITION if set(changes) <= {"status", "status_reason"} else \
            AuditEntry.Action.CHANGE
        audit.record(action, actor=actor, obj=station, changes=changes)
    return station


@transaction.atomic
def reindex_stations() -> int:
    """Recompute amenity bits and compliance of every station (after amenities.json or standard.json change)."""
    changed = []
    for station in Station.objects.only("id", "amenities", "services", "facts", "amenity_bits",
                                        "compliance_score", "compliance_grade").iterator(chunk_size=2000):
        before = (station.amenity_bits, station.compliance_score, station.compliance_grade)
        derived_fields(station)
        if before != (station.amenity_bits, station.compliance_score, station.compliance_grade):
            changed.append(station)
    Station.objects.bulk_update(changed, ["amenity_bits", "compliance_score", "compliance_grade"], batch_size=2000)
    return len(changed)


# --- Events and photos --------------------------------------------------------------------------------

EVENT_FIELDS = ("station", "date", "title", "organiser", "partner", "participants", "description")


@transaction.atomic
def add_event(*, actor, station: Station, date, title: str, organiser: Organisation,
              partner: Organisation | None = None, participants: int = 0, description: str = "") -> StationEvent:
    _check(actor, "view", Station, pk=station.pk)
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "请填写活动名称"
    if not isinstance(organiser, Organisation):
        errors["organiser"] = "请选择主办单位"
    if participants is None or participants < 0 or participants > 1_000_000:
        errors["participants"] = "参与人数应为 0 到 1,000,000"
    if StationEvent.objects.filter(station=station, date=date, title=title).exists():
        errors["title"] = "同一天已登记同名活动"
    if errors:
        raise ServiceError("活动信息有误", errors)
    event = StationEvent.objects.create(station=station, date=date, title=title[:120], organiser=organiser,
                                        partner=partner, participants=participants, description=description)
    _check(actor, "add", StationEvent, pk=event.pk)
    audit.record(AuditEntry.Action.CREATE, actor=actor, obj=event, region_id=station.region_id,
                 changes=audit.diff({}, audit.snapshot(event, EVENT_FIELDS)))
    return event


@transaction.atomic
def delete_event(*, actor, event: StationEvent) -> None:
    _check(actor, "delete", StationEvent, pk=event.pk)
    audit.record(AuditEntry.Action.DELETE, actor=actor, obj=event, region_id=event.station.region_id,
                 changes=audit.diff(audit.snapshot(event, EVENT_FIELDS), {}))
    event.delete()


@transaction.atomic
def add_photo(*, actor, station: Station, image, caption: str = "") -> StationPhoto:
    _check(actor, "change", Station, pk=station.pk)
    photo = StationPhoto.objects.create(station=station, image=image, caption=(caption or "").strip()[:120])
    _check(actor, "add", StationPhoto, pk=photo.pk)
    audit.record(AuditEntry.Action.CREATE, actor=actor, obj=photo, region_id=station.region_id,
                 changes={"image": [None, photo.image.name], "caption": [None, photo.caption]})
    return photo


@transaction.atomic
def delete_photo(*, actor, photo: StationPhoto) -> None:
    _check(actor, "delete", StationPhoto, pk=photo.pk)
    audit.record(AuditEntry.Action.DELETE, actor=actor, obj=photo, region_id=photo.station.region_id,
                 changes={"image": [photo.image.name, None]})
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Visits and ratings --------------------------------------------------------------------------------

def visitor_key(*, user=None, anonymous_id: str | None = None) -> str:
    """Who checks in, as a keyed one-way hash: the person behind a login, else the login, else the random id
    of an anonymous browser's cookie. The hash lets "once per day" be enforced without storing who it was."""
    if user is not None and user.is_authenticated:
        raw = f"person:{user.person_id}" if user.person_id else f"user:{user.pk}"
    elif anonymous_id:
        raw = f"anon:{anonymous_id}"
    else:
        raise ServiceError("无法识别签到人,请允许浏览器保存 Cookie 后重试")
    return lookup_hash(f"station-visitor:{raw}")


def check_in(*, actor, station: Station, visitor: str, source: str = Visit.Source.QR,
             at: datetime | None = None) -> tuple[Visit, bool]:
    """Record a visit; a second check-in by the same visitor at the same station on the same day
    (Asia/Shanghai) is a no-op and returns the first one with ``created=False``.

    Anyone may check in at a public, open station (anonymous counts allowed, SPEC §7.4); a manual count is
    a keeper's or officer's. Each new visit is audited like any other created record.
    """
    if station.status != Station.Status.OPEN:
        raise ServiceError("该站点目前不开放,暂不能签到", {"station": "站点未开放"})
    if source not in Visit.Source.values:
        raise ServiceError("签到来源无效", {"source": "应为 qr 或 manual"})
    if source == Visit.Source.MANUAL:
        _check(actor, "change", Station, pk=station.pk)  # a manual count is the keeper's or the officer's
    at = at or timezone.now()
    day = timezone.localtime(at).date()
    person = None
    if actor is not None and getattr(actor, "person_id", None) and source == Visit.Source.QR:
        person = Person.objects.filter(pk=actor.person_id).first()
    with transaction.atomic():
        existing = Visit.objects.filter(station=station, day=day, visitor=visitor).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                visit = Visit.objects.create(station=station, at=at, day=day, person=person, visitor=visitor,
                                             source=source)
        except IntegrityError:  # the same visitor's second tap raced the first
            return Visit.objects.get(station=station, day=day, visitor=visitor), False
        audit.record(AuditEntry.Action.CREATE, actor=actor, obj=visit, region_id=station.region_id,
                     changes={"station": [None, station.code], "source": [None, source]})
    return visit, True


@transaction.atomic
def submit_rating(*, actor, station: Station, stars, comment: str = "") -> Rating:
    """A worker's rating, anonymous or signed in; it waits for moderation before anyone else sees it."""
    errors = {}
    try:
        stars = int(stars)
        if not 1 <= stars <= 5:
            raise ValueError
    except (TypeError, ValueError):
        errors["stars"] = "请选择 1 到 5 星"
    comment = (comment or "").strip()
    if len(comment) > 500:
        errors["comment"] = "评价内容不能超过500字"
    if station.status == Station.Status.CLOSED:
        errors["station"] = "该站点已关闭"
    if errors:
        raise ServiceError("评价信息有误", errors)
    person = None
    if actor is not None and getattr(actor, "person_id", None):
        person = Person.objects.filter(pk=actor.person_id).first()
    rating = Rating.objects.create(station=station, person=person, stars=stars, comment=comment)
    audit.record(AuditEntry.Action.CREATE, actor=actor, obj=rating, region_id=station.region_id,
                 changes={"stars": [None, stars], "status": [None, rating.status]})
    return rating


@transaction.atomic
def moderate_rating(*, actor, rating: Rating, decision: str) -> Rating:
    """Publish or reject a pending rating (or change one's mind later); federation officers of the region."""
    _check(actor, "change", Rating, pk=rating.pk)
    if decision not in (Rating.Moderation.PUBLISHED, Rating.Moderation.REJECTED):
        raise ServiceError("审核结果应为发布或不通过", {"decision": "应为 published 或 rejected"})
    rating = Rating.objects.select_for_update().get(pk=rating.pk)
    if rating.status == decision:
        return rating
    before = rating.status
    rating.status, rating.moderated_by, rating.moderated_at = decision, actor, timezone.now()
    rating.save(update_fields=["status", "moderated_by", "moderated_at"])
    audit.record(AuditEntry.Action.TRANSITION, actor=actor, obj=rating, region_id=rating.station.region_id,
                 changes={"status": [before, decision]})
    return rating
