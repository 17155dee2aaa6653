"""Forms of the station pages; each validates input and hands it to one service or selector."""

from datetime import timedelta

from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workerhub.core.forms import ServiceForm
from workerhub.core.generic import FilterForm, region_choices
from workerhub.core.models import Organisation, Region, User

from . import hours, rules, services
from .models import Station, amenity_mask
from .selectors import STALE_DAYS

SPEEDS = [("walk", _("步行(5 公里/小时)")), ("ebike", _("电动自行车(15 公里/小时)"))]
SPEED_KMH = {"walk": rules.WALKING_KMH, "ebike": rules.EBIKE_KMH}


def amenity_choices():
    return [(code, label.zh) for code, label in rules.amenities().items()]


def service_choices():
    return [(code, label.zh) for code, label in rules.services().items()]


def brand_choices():
    return [(code, label.zh) for code, label in rules.brands().items()]


def title_choices():
    return [(code, v["zh"]) for code, v in rules.load_catalogue("station_vocab")["titles"].items()]


def fact_choices():
    return [(code, v["zh"]) for code, v in rules.load_catalogue("standard")["facts"].items()]


class FinderForm(forms.Form):
    """The public finder: a point (typed, picked on the map, from the browser, or a city's centre) and filters."""

    lat = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90,
                           widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    lon = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180,
                           widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    city = forms.ChoiceField(label=_("或选择城市"), required=False)
    amenity = forms.MultipleChoiceField(label=_("需要的设施"), required=False, widget=forms.CheckboxSelectMultiple)
    open_now = forms.BooleanField(label=_("只看现在开放的"), required=False)

    # The filters a worker most often needs (the seed's 歇脚、充电、喝水、热饭), shown first.
    COMMON = ("water", "phone_charging", "ebike_charging", "seats", "microwave", "restroom", "air_conditioning")

    def __init__(self, *args, cities=(), **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.cities = {c["code"]: c for c in cities}
        self.fields["city"].choices = [("", _("—— 城市 ——"))] + [(c["code"], c["name"]) for c in cities]
        common = [c for c in amenity_choices() if c[0] in self.COMMON]
        self.fields["amenity"].choices = common + [c for c in amenity_choices() if c[0] not in self.COMMON]

    def clean(self):
        data = super().clean()
        has_lat, has_lon = data.get("lat") is not None, data.get("lon") is not None
        if has_lat != has_lon:
            self.add_error("lon" if has_lat else "lat", _("请同时填写纬度和经度"))
        if not (has_lat and has_lon) and data.get("city"):
            city = self.cities[data["city"]]
            data["lat"], data["lon"] = city["lat"], city["lon"]
        return data

    @property
    def point(self):
        if self.is_valid() and self.cleaned_data.get("lat") is not None and self.cleaned_data.get("lon") is not None:
            return self.cleaned_data["lat"], self.cleaned_data["lon"]
        return None


class StationForm(ServiceForm):
    """Create or edit a station. A keeper's form leaves out what the federation certifies (OFFICER_FIELDS)."""

    name = forms.CharField(label=_("站点名称"), max_length=120)
    brand = forms.ChoiceField(label=_("品牌"))
    operator = forms.ModelChoiceField(label=_("运营单位"), queryset=Organisation.objects.none())
    region = forms.ChoiceField(label=_("行政区划"))
    address = forms.CharField(label=_("地址"), max_length=200)
    lat = forms.FloatField(label=_("纬度(WGS-84)"), min_value=-90, max_value=90,
                           widget=forms.NumberInput(attrs={"step": "any"}),
                           help_text=_("手机定位或 GPS 的坐标;高德、腾讯地图上取的点是 GCJ-02,需先换算"))
    lon = forms.FloatField(label=_("经度(WGS-84)"), min_value=-180, max_value=180,
                           widget=forms.NumberInput(attrs={"step": "any"}))
    hours = forms.CharField(label=_("营业时间"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("如:周一至周五 08:00-18:00; 周六 09:00-12:00; 节假日休息。"
                                        "24小时开放写“24小时”,跨午夜写 22:00-次日06:00"))
    access = forms.ChoiceField(label=_("开放对象"), choices=Station.Access.choices)
    amenities = forms.MultipleChoiceField(label=_("设施"), required=False, widget=forms.CheckboxSelectMultiple)
    services = forms.MultipleChoiceField(label=_("服务"), required=False, widget=forms.CheckboxSelectMultiple)
    capacity = forms.IntegerField(label=_("容纳人数"), required=False, min_value=0, max_value=9999)
    contact_phone = forms.CharField(label=_("联系电话(工作电话)"), max_length=30, required=False)
    keeper = forms.ModelChoiceField(label=_("站长账号"), queryset=User.objects.none(), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=Station.Status.choices)
    status_reason = forms.CharField(label=_("暂停原因"), max_length=200, required=False)
    facts = forms.MultipleChoiceField(label=_("六有核查(总工会勾选)"), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    titles = forms.MultipleChoiceField(label=_("称号"), required=False, widget=forms.CheckboxSelectMultiple)
    stars = forms.TypedChoiceField(label=_("星级"), required=False, coerce=int, empty_value=None,
                                   choices=[("", "—")] + [(i, "★" * i) for i in range(1, 6)])
    checked = forms.BooleanField(label=_("以上信息已核实无误"), required=False, initial=True)

    SECTIONS = [
        (_("基本信息"), ("name", "brand", "operator", "region", "address", "lat", "lon", "access", "capacity",
                      "contact_phone", "keeper")),
        (_("开放时间与状态"), ("hours", "status", "status_reason")),
        (_("设施与服务"), ("amenities", "services")),
        (_("认定(总工会)"), ("facts", "titles", "stars")),
    ]

    def sections(self):
        """The form's fields grouped for the page; a keeper's form has no certification group."""
        out = []
        for label, names in self.SECTIONS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                out.append((label, fields))
        return out

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        f = self.fields
        f["brand"].choices = brand_choices()
        f["amenities"].choices = amenity_choices()
        f["services"].choices = service_choices()
        f["titles"].choices = title_choices()
        f["facts"].choices = fact_choices()
        f["region"].choices = region_choices(self.user)
        visible = Organisation.objects.restrict(self.user, "view")
        if self.instance is not None:
            visible = visible | Organisation.objects.filter(pk=self.instance.operator_id)
        f["operator"].queryset = visible.order_by("region_id", "name")
        f["keeper"].queryset = User.objects.filter(
            role_bindings__role="station_keeper",
            role_bindings__organisation__in=Organisation.objects.restrict(self.user, "view")).distinct()
        if self.instance is not None and not services.may_certify(self.user, self.instance):
            for name in services.OFFICER_FIELDS:
                f.pop(name, None)

    def initial_from(self, instance) -> dict:
        initial = super().initial_from(instance)
        initial.update(hours=hours.format_hours(instance.hours), amenities=list(instance.amenities),
                       services=list(instance.services), titles=list(instance.titles), facts=list(instance.facts),
                       checked=False)
        return initial

    def write(self, *, actor, data):
        data = dict(data)
        checked = data.pop("checked", False)
        if "region" in data:
            data["region"] = Region.objects.filter(code=data["region"]).first()
        if self.instance is None:
            return services.create_station(actor=actor, checked=checked, **data)
        return services.update_station(actor=actor, station=self.instance, checked=checked, **data)


class StationFilter(FilterForm):
    region = forms.ChoiceField(label=_("地区"), required=False)
    brand = forms.ChoiceField(label=_("品牌"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部"))] + list(Station.Status.choices))
    amenity = forms.ChoiceField(label=_("设施"), required=False)
    grade = forms.ChoiceField(label=_("达标等级"), required=False)
    stale = forms.BooleanField(label=_("超过180天未核实"), required=False)
    lookups = {"brand": "brand", "status": "status", "grade": "compliance_grade"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand"].choices = [("", _("全部"))] + brand_choices()
        self.fields["amenity"].choices = [("", _("全部"))] + amenity_choices()
        self.fields["grade"].choices = [("", _("全部"))] + [
            (g["code"], g["zh"]) for g in rules.load_catalogue("standard")["grades"]]

    def apply(self, qs):
        qs = super().apply(qs)
        if not self.is_valid():
            return qs
        if self.cleaned_data.get("amenity"):
            mask = amenity_mask([self.cleaned_data["amenity"]])
            qs = qs.alias(has=F("amenity_bits").bitand(mask)).filter(has=mask)
        if self.cleaned_data.get("stale"):
            cutoff = timezone.now() - timedelta(days=STALE_DAYS)
            qs = qs.filter(Q(data_checked_at__lt=cutoff) | Q(data_checked_at__isnull=True))
        return qs


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(label=_("评分"), coerce=int, widget=forms.RadioSelect,
                                   choices=[(i, "★" * i) for i in range(5, 0, -1)])
    comment = forms.CharField(label=_("说说您的感受(选填)"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


class EventForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("活动名称"), max_length=120)
    organiser = forms.ModelChoiceField(label=_("主办单位"), queryset=Organisation.objects.none())
    partner = forms.ModelChoiceField(label=_("协办单位"), queryset=Organisation.objects.none(), required=False)
    participants = forms.IntegerField(label=_("参与人数"), min_value=0, max_value=1_000_000, initial=0)
    description = forms.CharField(label=_("活动内容"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, station=None, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        # Organisations the user may see, and those of the station's own area (the county union, the local
        # bank): the partners of an event at a station are its neighbours.
        orgs = (Organisation.objects.restrict(user, "view")
                | Organisation.objects.filter(region_id=station.region_id)
                | Organisation.objects.filter(pk=station.operator_id)).distinct().order_by("region_id", "name")
        self.fields["organiser"].queryset = orgs
        self.fields["partner"].queryset = orgs
        self.fields["organiser"].initial = station.operator_id


class PhotoForm(forms.Form):
    image = forms.ImageField(label=_("照片(JPEG/PNG,5 MB 以内)"))
    caption = forms.CharField(label=_("说明"), max_length=120, required=False)

    def clean_image(self):
        image = self.cleaned_data["image"]
        if image.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("照片不能超过 5 MB"))
        return image


class NetworkForm(forms.Form):
    region = forms.ChoiceField(label=_("地区"), required=False)
    stale_days = forms.IntegerField(label=_("多少天未核实算过期"), min_value=1, max_value=3650, initial=180,
                                    required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["region"].choices = [("", _("全部"))] + region_choices(user)


class CoverageForm(forms.Form):
    region = forms.ChoiceField(label=_("县(市、区)"))
    speed = forms.ChoiceField(label=_("出行方式(15 分钟)"), choices=SPEEDS, initial="walk",
                              widget=forms.RadioSelect)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["region"].choices = region_choices(user)
