"""Outdoor-worker service stations (SPEC §7): the station registry with hours, amenities and the 六有 / 10+x
standard, and what happens at a station — events, visit check-ins, workers' ratings."""

from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workerhub.core.models import Organisation, Person, Region
from workerhub.core.scope import ScopedQuerySet

from . import rules


@cache
def _amenity_bit() -> dict[str, int]:
    return {code: 1 << i for i, code in enumerate(rules.amenities())}


def amenity_mask(codes) -> int:
    """The bitmask of amenity codes for ``Station.amenity_bits``: bit i is the i-th code in amenities.json.

    New amenities are appended to the catalogue, so existing bits never move; reordering the file needs
    ``workerhub stations reindex``. 63 bits fit in the BIGINT column (21 codes today).
    """
    bits = _amenity_bit()
    return sum(bits[code] for code in set(codes))


class Station(models.Model):
    """One service station: where it is, who runs it, when it opens and what it offers."""

    class Status(models.TextChoices):
        OPEN = "open", _("开放")
        TEMPORARILY_CLOSED = "temporarily_closed", _("暂停开放")
        CLOSED = "closed", _("已关闭")

    class Access(models.TextChoices):
        ALL = "all_outdoor_workers", _("面向所有户外劳动者开放")
        HOST_HOURS = "host_business_hours", _("仅在所在网点营业时间内开放")
        MEMBERS = "members_only", _("仅限登记会员")

    code = models.CharField(_("站点编号"), max_length=20, unique=True)
    # Where and in which order the code was issued: serials count per region and are never reused, even if
    # the station later moves (its code, printed on the plate, stays).
    code_region = models.CharField(_("编号所属行政区划"), max_length=6, editable=False)
    serial = models.PositiveIntegerField(_("区内序号"), editable=False)
    name = models.CharField(_("站点名称"), max_length=120)
    operator = models.ForeignKey(Organisation, models.PROTECT, related_name="stations", verbose_name=_("运营单位"))
    brand = models.CharField(_("品牌"), max_length=30)
    address = models.CharField(_("地址"), max_length=200)
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("行政区划"))
    # WGS-84 degrees, what phones report and what the API returns; GCJ-02 only ever on the way to a map.
    lat = models.FloatField(_("纬度(WGS-84)"))
    lon = models.FloatField(_("经度(WGS-84)"))
    hours = models.JSONField(_("营业时间"), default=dict)
    access = models.CharField(_("开放对象"), max_length=24, choices=Access.choices, default=Access.ALL)
    amenities = models.JSONField(_("设施"), default=list)
    # The same amenities as bits, so "has all of these" is one SQL test: bits & mask = mask.
    amenity_bits = models.BigIntegerField(default=0, editable=False)
    services = models.JSONField(_("服务"), default=list)
    capacity = models.PositiveSmallIntegerField(_("容纳人数"), null=True, blank=True)
    keeper = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                               related_name="kept_stations", verbose_name=_("站长"))
    contact_phone = models.CharField(_("联系电话(工作电话)"), max_length=30, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    status_reason = models.CharField(_("暂停原因"), max_length=200, blank=True)
    titles = models.JSONField(_("称号"), default=list, blank=True)
    stars = models.PositiveSmallIntegerField(_("星级"), null=True, blank=True)
    facts = models.JSONField(_("六有核查"), default=list, blank=True)
    # Derived from amenities + facts by services on every write (rules.compliance), kept for SQL filters.
    compliance_score = models.PositiveSmallIntegerField(_("达标得分"), default=0, editable=False)
    compliance_grade = models.CharField(_("达标等级"), max_length=12, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    data_checked_at = models.DateTimeField(_("信息核实时间"), null=True, blank=True)

    scope_path = "region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("服务站点")
        verbose_name_plural = _("服务站点")
        indexes = [
            # The nearest-station search: a range on lat, lon checked in the same entries, and status and the
            # amenity bits alongside, so the box query never leaves the index (selectors.nearest_stations).
            models.Index(fields=["lat", "lon", "status", "amenity_bits"], name="station_lat_lon"),
            models.Index(fields=["region", "status"], name="station_region_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code_region", "serial"], name="station_serial_per_region"),
            models.CheckConstraint(condition=Q(lat__gte=-90) & Q(lat__lte=90), name="station_lat_range"),
            models.CheckConstraint(condition=Q(lon__gte=-180) & Q(lon__lte=180), name="station_lon_range"),
            models.CheckConstraint(condition=Q(stars__isnull=True) | (Q(stars__gte=1) & Q(stars__lte=5)),
                                   name="station_stars_1_to_5"),
            models.CheckConstraint(condition=~Q(status="temporarily_closed") | ~Q(status_reason=""),
                                   name="station_closure_has_reason"),
            models.CheckConstraint(condition=Q(status__in=["open", "temporarily_closed", "closed"]),
                                   name="station_status_valid"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stations:detail", args=[self.code])

    @property
    def brand_label(self) -> str:
        label = rules.brands().get(self.brand)
        return label.zh if label else self.brand

    @property
    def public(self) -> bool:
        return self.status != self.Status.CLOSED


class StationPhoto(models.Model):
    """One photo of a station, shown on its public page."""

    station = models.ForeignKey(Station, models.CASCADE, related_name="photos", verbose_name=_("站点"))
    image = models.ImageField(_("照片"), upload_to="stations/photos/%Y/%m/")
    caption = models.CharField(_("说明"), max_length=120, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_path = "station__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("站点照片")
        verbose_name_plural = _("站点照片")

    def __str__(self):
        return self.caption or f"{self.station} #{self.pk}"


class StationEvent(models.Model):
    """One event held at a station, e.g. the Xianju collective birthday of March 2024."""

    station = models.ForeignKey(Station, models.CASCADE, related_name="events", verbose_name=_("站点"))
    date = models.DateField(_("日期"))
    title = models.CharField(_("活动名称"), max_length=120)
    organiser = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("主办单位"))
    partner = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("协办单位"))
    participants = models.PositiveIntegerField(_("参与人数"), default=0)
    description = models.TextField(_("活动内容"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "station__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("站点活动")
        verbose_name_plural = _("站点活动")
        constraints = [models.UniqueConstraint(fields=["station", "date", "title"], name="station_event_unique")]

    def __str__(self):
        return f"{self.date} {self.title}"


class Visit(models.Model):
    """One check-in at a station: a scan of its QR plate, or a keeper's manual count. At most one per visitor
    per station per day; ``visitor`` is a one-way hash (of the person, the login or an anonymous cookie)."""

    class Source(models.TextChoices):
        QR = "qr", _("扫码签到")
        MANUAL = "manual", _("人工登记")

    station = models.ForeignKey(Station, models.CASCADE, related_name="visits", verbose_name=_("站点"))
    at = models.DateTimeField(_("签到时间"))
    day = models.DateField(_("日期"))
    person = models.ForeignKey(Person, models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("职工"))
    visitor = models.CharField(max_length=64, editable=False)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.QR)

    scope_path = "station__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        # Also the index for per-station monthly figures (station, day …).
        constraints = [models.UniqueConstraint(fields=["station", "day", "visitor"], name="one_visit_per_day")]

    def __str__(self):
        return f"{self.station} {self.day}"


class Rating(models.Model):
    """One worker's rating of a station (劳动者评驿站), shown publicly once a federation officer publishes it."""

    class Moderation(models.TextChoices):
        PENDING = "pending", _("待审核")
        PUBLISHED = "published", _("已发布")
        REJECTED = "rejected", _("未通过")

    station = models.ForeignKey(Station, models.CASCADE, related_name="ratings", verbose_name=_("站点"))
    person = models.ForeignKey(Person, models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("评价人"))
    stars = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("评价内容"), max_length=500, blank=True)
    status = models.CharField(_("审核状态"), max_length=10, choices=Moderation.choices, default=Moderation.PENDING)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("审核人"))
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    scope_path = "station__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("站点评价")
        verbose_name_plural = _("站点评价")
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1) & Q(stars__lte=5), name="rating_stars_1_to_5"),
        ]
        indexes = [models.Index(fields=["station", "status"], name="rating_station_status")]

    def __str__(self):
        return f"{self.station} {self.stars}★"
