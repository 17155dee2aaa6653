"""Station endpoints: the public nearest-station search (SPEC §7.3, fixed interface) and the station list.

``GET /stations`` serves two audiences with one schema (SPEC §1.6 lists it without saying "public"):

- ``view=public`` (the default for anonymous users and for roles without station rights): every station that
  is not closed, public fields only, filterable by region, brand, amenity, status and a search term;
- ``view=managed`` (the default for federation officers and station keepers): exactly the stations the role
  manages (region scope, §0), closed ones included, with the management fields (operator, compliance,
  data check date) filled in. Anonymous callers asking for it get 401.
"""

from datetime import datetime

from django.db.models import F, Q
from django.http import Http404, JsonResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthenticationError

from workerhub.core import scope
from workerhub.core.api import API_AUTH, Error, PageQuery, paginate
from workerhub.core.services import ServiceError

from . import hours, rules, selectors
from .models import Station, amenity_mask

router = Router(tags=["户外劳动者服务站点"])


def optional_login(request):
    """The API's own authentication (token, then session) when the caller offers it, else anonymous: for public
    endpoints that still show an officer more."""
    for callback in API_AUTH:
        user = callback(request)
        if user:
            return user
    return "anonymous"


class NearestQuery(Schema):
    lat: float = Field(description="纬度(WGS-84),-90 至 90", ge=-90, le=90)
    lon: float = Field(description="经度(WGS-84),-180 至 180", ge=-180, le=180)
    amenity: str | None = Field(None, max_length=500,
                                description="设施代码,逗号分隔,须全部具备,如 water,charging(charging = phone_charging)")
    open_now: bool = Field(False, description="1 = 只返回此刻(或 at 时刻)开放的站点")
    at: str | None = Field(None, max_length=40, description="时刻,ISO 8601,如 2024-03-13T12:00;无时区按北京时间")
    limit: int = Field(10, ge=1, le=selectors.MAX_LIMIT, description="返回条数,1 至 100")


class NearestOut(Schema):
    id: int
    code: str
    name: str
    distance_m: int = Field(description="大圆距离(米)")
    lat: float
    lon: float
    open_now: bool | None = Field(description="此刻是否开放;节假日数据缺失时为 null")
    status: str
    status_reason: str
    amenities: list[str]
    services: list[str]
    address: str
    brand: str
    brand_label: str
    access: str
    region: str
    hours_today: str | None


class NearestList(Schema):
    results: list[NearestOut]


def parse_at(value: str | None) -> datetime | None:
    """An ISO 8601 moment; a naive one is Beijing time. ServiceError (field ``at``) when malformed."""
    if value is None or not value.strip():
        return None
    try:
        moment = hours.to_shanghai(datetime.fromisoformat(value.strip()))
    except (ValueError, OverflowError):  # year 9999 at UTC+14 does not fit in Beijing time
        raise ServiceError("时间格式有误", {"at": "应为 ISO 8601 日期时间,如 2024-03-13T12:00"}) from None
    if not 1900 <= moment.year <= 2200:
        raise ServiceError("时间超出范围", {"at": "年份应在 1900 到 2200 之间"})
    return moment


@router.get("/stations/nearest", auth=None, response={200: NearestList, 400: Error},
            summary="最近的服务站点(公开)")
def nearest_stations(request, query: Query[NearestQuery]):
    results = selectors.nearest_stations(query.lat, query.lon, amenities=query.amenity or (),
                                         open_now=query.open_now, at=parse_at(query.at), limit=query.limit)
    # The rows are built by our own selector in the documented shape (NearestOut, checked by the schema tests and
    # schemathesis); validating them again costs ~0.7 ms of a ~3.5 ms request (bench/stations_nearest.py).
    return JsonResponse({"results": results})


class StationOut(Schema):
    id: int
    code: str
    name: str
    lat: float = Field(description="WGS-84")
    lon: float = Field(description="WGS-84")
    region: str = Field(description="GB/T 2260 代码")
    amenities: list[str]
    services: list[str]
    brand: str
    status: str
    address: str
    access: str
    operator: str | None = Field(None, description="仅管理视图")
    compliance_score: int | None = Field(None, description="仅管理视图")
    data_checked_at: datetime | None = Field(None, description="仅管理视图")


class StationList(Schema):
    count: int
    page: int
    results: list[StationOut]


class StationFilters(PageQuery):
    view: str | None = Field(None, pattern=r"^(public|managed)$",
                             description="public(公开站点)或 managed(本人管理的站点);默认按角色")
    region: str | None = Field(None, pattern=r"^\d{2}(\d{2}(\d{2})?)?$", description="地区代码或其前缀")
    brand: str | None = Field(None, max_length=30)
    amenity: str | None = Field(None, max_length=500, description="设施代码,逗号分隔,须全部具备")
    status: Station.Status | None = None
    q: str | None = Field(None, max_length=100, description="名称、编号或地址")


def station_out(s: Station, managed: bool) -> dict:
    out = {"id": s.pk, "code": s.code, "name": s.name, "lat": s.lat, "lon": s.lon, "region": s.region_id,
           "amenities": list(s.amenities), "services": list(s.services), "brand": s.brand, "status": s.status,
           "address": s.address, "access": s.access}
    if managed:
        out.update(operator=s.operator.name, compliance_score=s.compliance_score, data_checked_at=s.data_checked_at)
    return out


def _listing(request, view: str | None):
    managed = (view or ("managed" if scope.may(request.user, "view", Station) else "public")) == "managed"
    if managed and not request.user.is_authenticated:
        raise AuthenticationError
    qs = selectors.stations(request.user) if managed else selectors.public_stations()
    return managed, qs


@router.get("/stations", auth=optional_login, response={200: StationList, 400: Error, 401: Error}, summary="服务站点列表")
def list_stations(request, filters: Query[StationFilters]):
    managed, qs = _listing(request, filters.view)
    if filters.region:
        qs = qs.in_region(filters.region)
    if filters.brand:
        qs = qs.filter(brand=filters.brand)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.amenity:
        try:
            mask = amenity_mask(rules.parse_amenities(filters.amenity))
        except rules.StationRuleError as exc:
            raise ServiceError(str(exc), {"amenity": str(exc)}) from None
        qs = qs.alias(has=F("amenity_bits").bitand(mask)).filter(has=mask)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(code__iexact=filters.q) | Q(address__icontains=filters.q))
    if managed:
        qs = qs.select_related("operator")
    count, rows = paginate(qs.order_by("code", "pk"), filters)
    return {"count": count, "page": filters.page, "results": [station_out(s, managed) for s in rows]}


@router.get("/stations/{code}", auth=optional_login, response={200: StationOut, 401: Error, 404: Error},
            summary="服务站点详情")
def get_station(request, code: str):
    station = selectors.station_in_scope(request.user, code)
    if station is not None:
        return station_out(station, True)
    station = selectors.public_station(code)
    if station is None:
        raise Http404
    return station_out(station, False)
