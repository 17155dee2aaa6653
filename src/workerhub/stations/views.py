"""Station pages. Public: the finder, a station's page, its check-in page and the rating form. Keepers and
federation officers: the register (list, export, import), editing, events, photos, the QR plate, rating
moderation and the network page. Thin: each parses input, calls one service or selector, renders."""

import uuid
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from workerhub.core import scope
from workerhub.core.excel import write_xlsx
from workerhub.core.forms import ImportForm
from workerhub.core.generic import Column, ObjectExportView, ObjectListView
from workerhub.core.jobs import start_upload_job
from workerhub.core.pdf import PdfError
from workerhub.core.selectors import history
from workerhub.core.services import ServiceError

from . import conf, selectors, services
from .documents import plate_pdf
from .forms import (
    SPEED_KMH,
    CoverageForm,
    EventForm,
    FinderForm,
    NetworkForm,
    PhotoForm,
    RatingForm,
    StationFilter,
    StationForm,
)
from .imports import STATION_COLUMNS, export_row
from .models import Rating, Station, StationEvent, StationPhoto
from .tasks import run_station_import
from .templatetags.stations import distance

VISITOR_COOKIE = "wh_visitor"
VISITOR_MAX_AGE = 400 * 24 * 3600  # browsers cap cookie lifetimes at about 400 days


def _errors_into(form, exc: ServiceError):
    for name, message in exc.fields.items():
        form.add_error(name if name in form.fields else None, message)
    if not exc.fields:
        form.add_error(None, str(exc))


def _hx(request, target: str) -> bool:
    return bool(request.headers.get("HX-Request")) and request.headers.get("HX-Target") == target


def _public_or_managed(request, code: str) -> tuple[Station, bool]:
    """The station for a public page; ``managed`` when the user may manage it (a closed station is then
    still shown to its keeper and federation). Anyone else gets a 404 for a closed or unknown code."""
    station = selectors.station_in_scope(request.user, code) if request.user.is_authenticated else None
    if station is not None:
        return station, True
    station = selectors.public_station(code)
    if station is None:
        raise Http404
    return station, False


def _managed(request, code: str, action: str = "view") -> Station:
    station = selectors.station_in_scope(request.user, code, action)
    if station is None:
        raise Http404
    return station


# --- The public finder (SPEC §7.2) -------------------------------------------------------------------

def finder(request):
    cities = selectors.city_centres()
    form = FinderForm(request.GET or None, cities=cities)
    results, error = None, None
    point = form.point
    if point is not None:
        try:
            results = selectors.nearest_stations(point[0], point[1], amenities=form.cleaned_data["amenity"],
                                                 open_now=form.cleaned_data["open_now"], limit=20)
        except ServiceError as exc:
            error = str(exc)
    elif form.is_bound and form.errors:
        error = "; ".join(str(e[0]) for e in form.errors.values())
    markers = {"origin": list(point) if point else None, "stations": [
        {"code": r["code"], "name": r["name"], "lat": r["lat"], "lon": r["lon"], "open_now": r["open_now"],
         "summary": f"{distance(r['distance_m'])} · {_state_label(r)}",
         "url": reverse("stations:detail", args=[r["code"]])} for r in results or ()]}
    labels = dict(form.fields["amenity"].choices)
    for r in results or ():
        r["amenity_labels"] = [labels.get(c, c) for c in r["amenities"]]
    chosen = set(form.data.getlist("amenity")) if form.is_bound else set()
    context = {"title": _("找驿站"), "form": form, "results": results, "error": error, "markers": markers,
               "tiles": conf.tiles(), "cities": cities, "common": len(FinderForm.COMMON), "texts": FINDER_TEXTS,
               "more_checked": bool(chosen - set(FinderForm.COMMON))}
    template = "stations/finder.html#results" if _hx(request, "finder-results") else "stations/finder.html"
    return render(request, template, context)


def _state_label(result: dict) -> str:
    if result["status"] == Station.Status.TEMPORARILY_CLOSED:
        return _t("暂停开放")
    return {True: _t("开放中"), False: _t("未开放"), None: _t("开放情况未知")}[result["open_now"]]


# What finder.js says to the user, translated here (the script itself holds no user-facing text).
FINDER_TEXTS = {
    "here": _("查找位置"), "picked": _("已选择地图上的位置"), "locating": _("正在定位……"),
    "located": _("已使用您的位置"), "accuracy": _("(精度约 %s 米)"), "city": _("已选择 %s"),
    "geo_error": _("无法获取位置(%s),请在地图上点选、选择城市或输入坐标。"),
}


def detail(request, code):
    station, managed = _public_or_managed(request, code)
    context = {"title": station.name, "station": station, "managed": managed, "rating_form": RatingForm(),
               "tiles": conf.tiles(), **selectors.public_page(station)}
    if managed:
        context.update(selectors.officer_page(request.user, station))
        context.update(
            can_edit=selectors.stations(request.user, "change").filter(pk=station.pk).exists(),
            can_add_event=scope.may(request.user, "add", StationEvent),
            history=history(station), photo_form=PhotoForm())
    return render(request, "stations/detail.html", context)


def photo(request, pk):
    """A station photo, for anyone who may see the station (there is no public media URL)."""
    item = StationPhoto.objects.select_related("station").filter(pk=pk).first()
    if item is None:
        raise Http404
    _public_or_managed(request, item.station.code)
    try:
        return FileResponse(item.image.open("rb"), content_type=_image_type(item.image.name))
    except FileNotFoundError as exc:
        raise Http404 from exc


def _image_type(name: str) -> str:
    return {"png": "image/png", "webp": "image/webp", "gif": "image/gif"}.get(name.rsplit(".", 1)[-1].lower(),
                                                                              "image/jpeg")


def checkin(request, code):
    """The page the QR plate opens: one tap checks in; anonymous visitors are counted through a random cookie."""
    station = selectors.public_station(code)
    if station is None:
        raise Http404
    anonymous_id = request.COOKIES.get(VISITOR_COOKIE) or uuid.uuid4().hex
    if request.method == "POST":
        try:
            visitor = services.visitor_key(user=request.user, anonymous_id=anonymous_id)
            _visit, created = services.check_in(actor=request.user if request.user.is_authenticated else None,
                                                station=station, visitor=visitor)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            if created:
                messages.success(request, _t("签到成功,欢迎来到%(name)s!") % {"name": station.name})
            else:
                messages.info(request, _t("您今天已经在这里签到过了。"))
        response = redirect("stations:checkin", code=code)
    else:
        response = render(request, "stations/checkin.html", {
            "title": _("驿站签到"), "station": station, "rating_form": RatingForm(), **selectors.public_page(station)})
    if VISITOR_COOKIE not in request.COOKIES:
        response.set_cookie(VISITOR_COOKIE, anonymous_id, max_age=VISITOR_MAX_AGE, httponly=True, samesite="Lax",
                            secure=request.is_secure())
    return response


@require_POST
def rate(request, code):
    station = selectors.public_station(code)
    if station is None:
        raise Http404
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.submit_rating(actor=request.user if request.user.is_authenticated else None, station=station,
                                   stars=form.cleaned_data["stars"], comment=form.cleaned_data["comment"])
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _t("感谢您的评价!审核通过后将公开显示。"))
    else:
        messages.error(request, _t("请选择 1 到 5 星"))
    return redirect("stations:detail", code=code)


# --- The register (keepers and officers) -----------------------------------------------------------------

STATION_COLUMNS_LIST = [
    Column(_("站点编号"), "code", sort="code", link=True),
    Column(_("站点名称"), "name", sort="name"),
    Column(_("品牌"), "brand_label"),
    Column(_("行政区划"), "region.name", sort="region_id"),
    Column(_("运营单位"), "operator.name"),
    Column(_("状态"), "get_status_display", sort="status"),
    Column(_("达标得分"), "compliance_score", sort="compliance_score"),
    Column(_("信息核实"), "data_checked_at", sort="data_checked_at"),
]


def _export_cell(i: int, station: Station):
    # One row per station, computed once and kept on the object while its cells are written.
    if not hasattr(station, "_export_row"):
        station._export_row = export_row(station)
    return station._export_row[i]


class StationScope:
    model = Station
    select_related = ("region", "operator")
    search_fields = ("name", "code", "address")


class StationList(StationScope, ObjectListView):
    columns = STATION_COLUMNS_LIST
    filter_form = StationFilter
    default_sort = ("code",)
    title = _("服务站点")
    create_url = "stations:create"
    export_url = "stations:export"
    import_url = "stations:import"


class StationExport(StationScope, ObjectExportView):
    """The import template's columns, so an export can be corrected and imported back."""

    export_columns = [Column(header, partial(_export_cell, i)) for i, (header, _f, _r, _h) in enumerate(STATION_COLUMNS)]
    filename = "stations"



@login_required
def station_create(request):
    if not scope.may(request.user, "add", Station):
        raise PermissionDenied
    return _edit(request, None)


@login_required
def station_edit(request, code):
    return _edit(request, _managed(request, code, "change"))


def _edit(request, station):
    form = StationForm(request.POST or None, instance=station, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save(actor=request.user)
        except PermissionError:
            form.add_error(None, _t("该地区不在您的管辖范围内"))
            saved = None
        if saved is not None:
            messages.success(request, _t("已保存"))
            return redirect(saved.get_absolute_url())
    title = (_t("编辑") + " " + station.name) if station else _t("新建服务站点")
    return render(request, "stations/station_form.html", {"form": form, "station": station, "title": title},
                  status=400 if request.method == "POST" else 200)


@login_required
def import_template(request):
    headers = [c[0] for c in STATION_COLUMNS]
    example = ["ZJ-331024-00001-0", "仙居县兴和门工会户外劳动者服务站", "工会户外劳动者服务站点", "仙居县总工会", "331024",
               28.85, 120.73, "浙江省台州市仙居县兴和门", "饮用水;手机充电;电动车充电;休息座椅;微波炉;空调;应急药箱",
               "爱心公益;政策宣传", "每天 05:30-20:30", "面向所有户外劳动者开放", "开放", "", 15, "0576-87771234",
               "有统一标识和名称;有固定场所;有管理制度并上墙;有专人管理;已在高德或百度地图标注", "市级示范驿站", ""]
    notes = ["服务站点导入模板说明(第一行为表头,请勿修改表头):"] + [
        f"{h}:{'必填' if req else '选填'}。{hint}" for h, _f, req, hint in STATION_COLUMNS] + [
        "坐标须为 WGS-84(手机定位、GPS);从高德或腾讯地图取的坐标是 GCJ-02,会偏移数百米,请先换算。",
        "坐标须落在所属行政区划的范围内,否则该行不导入(常见原因:纬度、经度填反,或填了 GCJ-02 坐标)。",
        "同一站点编号再次导入时更新原站点;无编号的行按“行政区划代码 + 站点名称”匹配,不会重复创建。",
        "默认:文件中有任何错误则全部不导入,并列出每一行、每一列的错误。"]
    out = write_xlsx(headers, [example], sheet="服务站点", notes=notes)
    return FileResponse(out, as_attachment=True, filename="stations-template.xlsx")


@login_required
def station_import(request):
    if not scope.may(request.user, "add", Station):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_upload_job(user=request.user, kind="import_stations", task=run_station_import,
                               upload=form.cleaned_data["file"], keep_good_rows=form.cleaned_data["keep_good_rows"])
        return redirect("job_detail", pk=job.pk)
    return render(request, "stations/import.html", {"form": form, "title": _("导入服务站点")},
                  status=400 if request.method == "POST" else 200)


# --- Events, photos, the plate ---------------------------------------------------------------------------

@login_required
def events(request, code):
    station = _managed(request, code)
    may_add = scope.may(request.user, "add", StationEvent)
    form = EventForm(request.POST or None, user=request.user, station=station) if may_add else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.add_event(actor=request.user, station=station, **form.cleaned_data)
            except ServiceError as exc:
                _errors_into(form, exc)
            except PermissionError as exc:
                raise PermissionDenied from exc
            else:
                messages.success(request, _t("活动已登记"))
                return redirect("stations:events", code=code)
    rows = StationEvent.objects.restrict(request.user).filter(station=station).select_related("organiser", "partner")
    return render(request, "stations/events.html", {
        "title": _t("%(name)s · 活动") % {"name": station.name}, "station": station, "form": form, "events": rows,
        "may_delete": scope.may(request.user, "delete", StationEvent)},
        status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def event_delete(request, code, pk):
    station = _managed(request, code)
    event = StationEvent.objects.restrict(request.user, "delete").filter(station=station, pk=pk).first()
    if event is None:
        raise Http404
    services.delete_event(actor=request.user, event=event)
    messages.success(request, _t("活动已删除"))
    return redirect("stations:events", code=code)


@login_required
@require_POST
def photo_add(request, code):
    station = _managed(request, code, "change")
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        services.add_photo(actor=request.user, station=station, image=form.cleaned_data["image"],
                           caption=form.cleaned_data["caption"])
        messages.success(request, _t("照片已上传"))
    else:
        messages.error(request, "; ".join(str(e[0]) for e in form.errors.values()))
    return redirect("stations:detail", code=code)


@login_required
@require_POST
def photo_delete(request, code, pk):
    station = _managed(request, code, "change")
    item = StationPhoto.objects.restrict(request.user, "delete").filter(station=station, pk=pk).first()
    if item is None:
        raise Http404
    services.delete_photo(actor=request.user, photo=item)
    messages.success(request, _t("照片已删除"))
    return redirect("stations:detail", code=code)


@login_required
def plate(request, code):
    station = _managed(request, code)
    url = request.build_absolute_uri(reverse("stations:checkin", args=[station.code]))
    try:
        pdf = plate_pdf(station, url)
    except PdfError as exc:
        messages.error(request, str(exc))
        return redirect("stations:detail", code=code)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{station.code}.pdf"'
    return response


# --- Ratings moderation ----------------------------------------------------------------------------------

@login_required
def ratings(request):
    if not scope.may(request.user, "change", Rating):
        raise PermissionDenied
    recent = (Rating.objects.restrict(request.user, "change").exclude(status=Rating.Moderation.PENDING)
              .select_related("station", "moderated_by").order_by("-moderated_at", "-id")[:50])
    return render(request, "stations/ratings.html", {
        "title": _("驿站评价审核"), "pending": selectors.pending_ratings(request.user)[:200], "recent": recent})


@login_required
@require_POST
def rating_moderate(request, pk, decision):
    rating = Rating.objects.restrict(request.user, "change").filter(pk=pk).first()
    if rating is None:
        raise Http404
    try:
        services.moderate_rating(actor=request.user, rating=rating, decision=decision)
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("stations:ratings")


# --- The network page (SPEC §7.5) --------------------------------------------------------------------------

@login_required
def network(request):
    """Stations per city, county and brand, compliance, visits and stale data; the 15-minute coverage map is
    the same page's HTMX partial (target ``coverage``)."""
    if not scope.may(request.user, "report", Station):
        raise PermissionDenied
    cov_form = CoverageForm(request.GET if "speed" in request.GET else None, user=request.user,
                            initial={"speed": "walk"})
    result, error = None, None
    if cov_form.is_valid():
        try:
            result = selectors.coverage(cov_form.cleaned_data["region"], SPEED_KMH[cov_form.cleaned_data["speed"]])
        except ServiceError as exc:
            error = str(exc)
    context = {"title": _("驿站网络"), "cov_form": cov_form, "coverage": result, "coverage_error": error,
               "tiles": conf.tiles()}
    if _hx(request, "coverage"):
        return render(request, "stations/network.html#coverage", context)
    query = request.GET.copy()
    query.setdefault("stale_days", str(selectors.STALE_DAYS))
    form = NetworkForm(query, user=request.user)
    region, stale_days = None, selectors.STALE_DAYS
    if form.is_valid():
        region = form.cleaned_data["region"] or None
        stale_days = form.cleaned_data["stale_days"] or selectors.STALE_DAYS
    context.update(form=form, stats=selectors.network(request.user, region, stale_days),
                   pending=selectors.pending_ratings(request.user).count())
    return render(request, "stations/network.html", context)
