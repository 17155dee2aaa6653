"""Excel import of stations (SPEC §1.8, issue 4 §1): read with calamine, validate every row with the same
rules as the edit form (services.clean_station — a point must lie inside its region's box), then write in one
transaction: nothing if any row is bad (default) or only the good rows on request.

Natural key: the station code; a row without a code is matched by (region, name), so re-importing a file
never duplicates a station. The export (views.StationExport) writes these same columns, so a file can go
out, be corrected and come back.
"""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from workerhub.core import audit
from workerhub.core.excel import cell_text, read_xlsx
from workerhub.core.imports import ImportResult, RowError
from workerhub.core.models import AuditEntry, Organisation, Region
from workerhub.core.rules import RuleError, canonical_region_code
from workerhub.core.services import ServiceError

from . import hours, rules, services
from .models import Station

# Template columns, in order: (header, field, required, help)
STATION_COLUMNS = [
    ("站点编号", "code", False, "如 ZJ-331024-00001-0;新站点可留空,由系统编号。再次导入时按编号更新"),
    ("站点名称", "name", True, "无编号的行按“行政区划代码 + 站点名称”匹配已有站点"),
    ("品牌", "brand", True, "品牌代码或名称,如 union_outdoor 或 工会户外劳动者服务站点、温暖驿站"),
    ("运营单位", "operator", True, "组织名称;系统中没有的,按品牌在该行政区划新建"),
    ("行政区划代码", "region", True, "GB/T 2260 六位代码或其有效前缀,如 331024"),
    ("纬度", "lat", True, "WGS-84(手机定位/GPS),如 28.85;须在所属行政区划范围内"),
    ("经度", "lon", True, "WGS-84,如 120.73"),
    ("地址", "address", True, ""),
    ("设施", "amenities", False, "设施代码或名称,用分号分隔,如 饮用水;手机充电;微波炉"),
    ("服务", "services", False, "服务代码或名称,用分号分隔"),
    ("营业时间", "hours", True, "如 周一至周五 08:00-18:00; 周六 09:00-12:00; 节假日休息;24小时;每天 22:00-次日06:00"),
    ("开放对象", "access", False, "面向所有户外劳动者开放 / 仅在所在网点营业时间内开放 / 仅限登记会员,默认第一项"),
    ("状态", "status", False, "开放 / 暂停开放 / 已关闭,默认开放"),
    ("暂停原因", "status_reason", False, "暂停开放时必填"),
    ("容纳人数", "capacity", False, "整数"),
    ("联系电话", "contact_phone", False, "工作电话,如 0576-87771234"),
    ("六有核查", "facts", False, "已具备的六有项目,用分号分隔,如 有统一标识和名称;有固定场所"),
    ("称号", "titles", False, "如 市级示范驿站"),
    ("星级", "stars", False, "1 到 5"),
]
HEADERS = [c[0] for c in STATION_COLUMNS]
HEADER_OF = {c[1]: c[0] for c in STATION_COLUMNS}
_LABELS = {
    "access": {str(label): value for value, label in Station.Access.choices},
    "status": {str(label): value for value, label in Station.Status.choices},
}
_ORG_KINDS = {"bank": Organisation.Kind.BANK, "union": Organisation.Kind.FEDERATION}


def export_row(s: Station) -> list:
    """A station as a row of the import template (the export and the template share the columns)."""
    vocab = rules.load_catalogue("station_vocab")
    facts = rules.load_catalogue("standard")["facts"]
    return [s.code, s.name, s.brand_label, s.operator.name, s.region_id, s.lat, s.lon, s.address,
            ";".join(rules.amenities()[c].zh if c in rules.amenities() else c for c in s.amenities),
            ";".join(rules.services()[c].zh if c in rules.services() else c for c in s.services),
            hours.format_hours(s.hours), s.get_access_display(), s.get_status_display(), s.status_reason,
            s.capacity, s.contact_phone, ";".join(facts.get(c, {}).get("zh", c) for c in s.facts),
            ";".join(vocab["titles"].get(c, {}).get("zh", c) for c in s.titles), s.stars]


def _operator_kind(brand: str, name: str) -> str:
    meta = rules.load_catalogue("brands")["brands"].get(brand, {})
    kind = _ORG_KINDS.get(meta.get("operator_kind"), Organisation.Kind.STATION_OPERATOR)
    if kind == Organisation.Kind.FEDERATION and not name.endswith("总工会"):
        return Organisation.Kind.STATION_OPERATOR
    return kind


def import_stations(source, *, actor, keep_good_rows: bool = False,
                    progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Validate and import a stations .xlsx; returns counts and every row's errors (row and column named)."""
    headers, rows = read_xlsx(source)
    result = ImportResult()
    missing = [h for h, _f, required, _ in STATION_COLUMNS if required and h not in headers]
    if missing:
        result.errors.append(RowError(1, "", f"缺少必填列:{'、'.join(missing)};请使用导入模板"))
        return result
    index = {h: headers.index(h) for h in HEADERS if h in headers}
    rows = list(rows)
    result.total = len(rows)
    regions = {r.code: r for r in Region.objects.all()}
    visible = Organisation.objects.restrict(actor, "view") if actor is not None else Organisation.objects.all()
    operators = {}
    for org in visible.order_by("pk"):
        operators.setdefault((org.name, org.region_id), org)
        operators.setdefault((org.name, None), org)
    by_code = {s.code: s for s in Station.objects.select_related("region")}
    by_name = {(s.region_id, s.name): s for s in by_code.values()}
    changeable = set(Station.objects.restrict(actor, "change").values_list("pk", flat=True)) \
        if actor is not None else {s.pk for s in by_code.values()}

    brand_codes = {label.zh: code for code, label in rules.brands().items()}
    parsed: list[tuple[int, Station | None, str | None, dict]] = []  # row, existing, code, cleaned values
    seen: dict[str, int] = {}
    for i, raw in enumerate(rows, start=2):
        def cell(header, raw=raw):
            j = index.get(header)
            return cell_text(raw[j]) if j is not None and j < len(raw) else ""

        if all(cell_text(v) == "" for v in raw):
            result.skipped += 1
            continue
        errors: list[RowError] = []
        data = {field: cell(header) for header, field, _r, _h in STATION_COLUMNS if header in index}
        for field in ("access", "status"):
            value = data.get(field, "")
            data[field] = _LABELS[field].get(value, value) or None
        region = None
        try:
            region = regions.get(canonical_region_code(data["region"]))
            if region is None:
                raise RuleError(f"未知的行政区划代码 {data['region']}")
        except RuleError as exc:
            errors.append(RowError(i, "行政区划代码", str(exc)))
        data["region"] = region
        name = data.get("operator", "")
        operator = operators.get((name, region.code if region else None)) or operators.get((name, None))
        if operator is None and name and region is not None:
            brand = data.get("brand", "")
            operator = Organisation(name=name[:120], region=region,
                                    kind=_operator_kind(brand_codes.get(brand, brand), name))
        data["operator"] = operator if name else None
        code = data.pop("code", "") or None
        if region is None:
            del data["region"]  # already reported; clean_station then checks the point's range only
        try:
            cleaned = services.clean_station(data)
        except ServiceError as exc:
            cleaned = {}
            errors.extend(RowError(i, HEADER_OF.get(f, ""), m) for f, m in exc.fields.items())
        for field in ("name", "address", "hours"):
            if not data.get(field) and not any(e.column == HEADER_OF[field] for e in errors):
                errors.append(RowError(i, HEADER_OF[field], "不能为空"))
        existing = None
        if code:
            try:
                parsed_code = rules.parse_station_code(code)
                code = rules.station_code(parsed_code.region, parsed_code.serial)
                if region is not None and parsed_code.region != region.code:
                    errors.append(RowError(i, "站点编号", f"编号中的行政区划 {parsed_code.region} 与行政区划代码 "
                                                         f"{region.code} 不一致"))
            except rules.StationRuleError as exc:
                errors.append(RowError(i, "站点编号", str(exc)))
            existing = by_code.get(code)
        elif region is not None:
            existing = by_name.get((region.code, data.get("name", "")))
        if existing is not None and existing.pk not in changeable:
            errors.append(RowError(i, "站点编号" if code else "站点名称", "该站点不在您的管辖范围内"))
        key = code or f"{region.code if region else ''}/{data.get('name', '')}"
        if key in seen:
            errors.append(RowError(i, "站点编号" if code else "站点名称", f"与第{seen[key]}行重复"))
        else:
            seen[key] = i
        result.errors.extend(errors)
        if not errors:
            parsed.append((i, existing, code, cleaned))
        if progress and i % 500 == 0:
            progress(i - 1, result.total * 2)

    if result.errors and not keep_good_rows:
        return result
    _write(parsed, actor=actor, result=result, progress=progress)
    return result


def _write(parsed, *, actor, result: ImportResult, progress) -> None:
    with transaction.atomic():
        now = timezone.now()
        new_orgs = {}
        for _row, _existing, _code, values in parsed:
            org = values["operator"]
            if org.pk is None:
                org = new_orgs.setdefault((org.name, org.region_id), org)
                if org.pk is None:
                    org.save()
                values["operator"] = org
        serials: dict[str, int] = {}
        explicit = {}
        for _row, _existing, code, _values in parsed:
            if code:
                parsed_code = rules.parse_station_code(code)
                explicit[parsed_code.region] = max(explicit.get(parsed_code.region, 0), parsed_code.serial)
        created, updated = [], []  # (row number, station)
        for row, existing, code, values in parsed:
            station = existing or Station()
            for name, value in values.items():
                setattr(station, name, value)
            if existing is None:
                region = values["region"].code
                station.code_region = region
                if code:
                    station.code, station.serial = code, rules.parse_station_code(code).serial
                else:
                    if region not in serials:
                        serials[region] = max(services.next_serial(region) - 1, explicit.get(region, 0))
                    serials[region] += 1
                    station.code, station.serial = rules.station_code(region, serials[region]), serials[region]
            station.data_checked_at = station.updated_at = now  # the officer has just vouched for every row
            services.derived_fields(station)
            (updated if existing is not None else created).append((row, station))
        Station.objects.bulk_create([s for _r, s in created], batch_size=1000)
        Station.objects.bulk_update([s for _r, s in updated], ["name", "operator", "brand", "address", "region", "lat", "lon",
                                              "hours", "access", "amenities", "amenity_bits", "services",
                                              "capacity", "contact_phone", "status", "status_reason", "titles",
                                              "stars", "facts", "compliance_score", "compliance_grade",
                                              "data_checked_at", "updated_at"], batch_size=1000)
        # Scope re-check, set-based: a new row must be one the actor may add, an update one it may change.
        if actor is not None:
            allowed = set(Station.objects.restrict(actor, "add").filter(code__in=[s.code for _r, s in created])
                          .values_list("code", flat=True))
            outside = [row for row, s in created if s.code not in allowed]
            if outside:
                result.errors.extend(RowError(r, "行政区划代码", "不在您的管辖范围内") for r in sorted(outside))
                transaction.set_rollback(True)
                return
        result.created, result.updated, result.written = len(created), len(updated), True
        audit.record(AuditEntry.Action.IMPORT, actor=actor, object_type="stations.station",
                     object_repr=f"导入服务站点 {len(created)} 新增 / {len(updated)} 更新",
                     region_id=actor.bindings()[0].organisation.region_id
                     if actor is not None and actor.bindings() else None,
                     changes={"created": len(created), "updated": len(updated), "errors": len(result.errors),
                              "new_operators": sorted(name for name, _region in new_orgs)})
        if progress:
            progress(result.total * 2, result.total * 2)
