"""Forms of the nomination pages (SPEC §2.2). Each parses input for one service call; the services decide
(eligibility, quotas, duplicates, the state machine, working days) and explain refusals."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workerhub.core.generic import FilterForm
from workerhub.core.models import Organisation, Person
from workerhub.core.pii import lookup_hash

from .models import Honour, Nomination, Studio, Team

ALL = [("", _("全部"))]


def _date_input():
    # ISO value, whatever the locale's display format: <input type="date"> accepts nothing else.
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class NominationFilter(FilterForm):
    honour = forms.ModelChoiceField(label=_("荣誉"), required=False, queryset=Honour.objects.all(),
                                    to_field_name="code", empty_label=_("全部"))
    cycle = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100,
                               widget=forms.NumberInput(attrs={"size": 6}))
    state = forms.ChoiceField(label=_("状态"), required=False, choices=ALL + list(Nomination.State.choices))
    region = forms.ChoiceField(label=_("地区"), required=False)
    lookups = {"honour": "honour", "cycle": "cycle", "state": "state"}


# --- Nominate ---------------------------------------------------------------------------------------------------

def routes_for(user) -> list[tuple[str, str, Organisation | None]]:
    """(route, label, nominating organisation) a user may use: an enterprise union for its enterprise, a federation
    officer for their federation (or entering a public nomination), a worker for themself."""
    out = []
    for b in user.bindings():
        if b.role == "enterprise_union":
            out.append(("enterprise_union", f"{Nomination.Route.ENTERPRISE_UNION.label}:{b.organisation.name}",
                        b.organisation))
        elif b.role == "federation_admin":
            out.append(("federation", f"{Nomination.Route.FEDERATION.label}:{b.organisation.name}", b.organisation))
            out.append(("public", f"{Nomination.Route.PUBLIC.label}({b.organisation.name}登记)", b.organisation))
    if user.person_id:
        out.append(("self", str(Nomination.Route.SELF.label), None))
    return out


class NominationForm(forms.Form):
    honour = forms.ModelChoiceField(label=_("荣誉"), queryset=Honour.objects.all(), to_field_name="code")
    cycle = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    route = forms.ChoiceField(label=_("推荐方式"))
    subject_kind = forms.ChoiceField(label=_("推荐对象类型"), choices=Honour.Subject.choices, initial="person")
    id_number = forms.CharField(label=_("个人:身份证号码"), max_length=18, required=False,
                                help_text=_("推荐个人时填写,须为您管辖范围内已登记的人员"))
    team = forms.ModelChoiceField(label=_("集体"), queryset=Team.objects.none(), required=False,
                                  empty_label=_("(推荐集体时选择)"))
    studio = forms.ModelChoiceField(label=_("创新工作室"), queryset=Studio.objects.none(), required=False,
                                    empty_label=_("(推荐工作室时选择)"))
    tier = forms.ChoiceField(label=_("类别"), choices=Nomination.Tier.choices, initial="award",
                             help_text=_("提名奖仅限设提名奖的荣誉,不占名额"))
    direct_grant = forms.BooleanField(label=_("直接认定(不占名额)"), required=False,
                                      help_text=_("仅限有直接认定规定的荣誉,须在主要事迹中写明依据"))
    front_line = forms.BooleanField(label=_("在生产一线"), required=False)
    years_skilled = forms.DecimalField(label=_("从事技能工作年限"), min_value=0, max_value=60, decimal_places=1,
                                       required=False)
    years_waived = forms.BooleanField(label=_("符合不受年限限制的条件"), required=False,
                                      help_text=_("如世赛、国赛前三名或省级竞赛第一名(杭州工匠)"))
    deeds = forms.CharField(label=_("主要事迹"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                            max_length=5000)

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, label_suffix="", **kwargs)
        self.user = user
        self.route_options = routes_for(user)
        self.fields["route"].choices = [(f"{r}:{org.pk if org else ''}", label) for r, label, org in self.route_options]
        self.fields["team"].queryset = Team.objects.restrict(user, "view").order_by("name")
        self.fields["studio"].queryset = Studio.objects.restrict(user, "view").order_by("name")
        self.fields["cycle"].initial = timezone.localdate().year
        self.only_self = [r for r, _label, _org in self.route_options] == ["self"]
        if self.only_self:
            for name in ("subject_kind", "id_number", "team", "studio", "direct_grant", "tier"):
                del self.fields[name]

    def clean_route(self):
        value = self.cleaned_data["route"]
        route, _sep, org_id = value.partition(":")
        for r, _label, org in self.route_options:
            if r == route and str(org.pk if org else "") == org_id:
                self.nominated_by = org if route in ("enterprise_union", "federation") else None
                return route
        raise forms.ValidationError(_("请选择推荐方式"))

    def clean(self):
        data = super().clean()
        if self.only_self:
            data["person"] = Person.objects.filter(pk=self.user.person_id).first()
            return data
        kind = data.get("subject_kind")
        data["person"] = None
        if kind == "person":
            number = (data.get("id_number") or "").strip().upper()
            person = None
            if number:
                person = Person.objects.restrict(self.user, "view").filter(id_number_hash=lookup_hash(number)).first()
            if person is None:
                self.add_error("id_number", _("没有找到该身份证号码对应的人员(或不在您的管辖范围内)"))
            data["person"] = person
            data["team"] = data["studio"] = None
        elif kind == "team":
            if not data.get("team"):
                self.add_error("team", _("请选择集体"))
            data["studio"] = None
        elif kind == "studio":
            if not data.get("studio"):
                self.add_error("studio", _("请选择创新工作室"))
            data["team"] = None
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "honour": d["honour"], "cycle": d["cycle"], "route": d["route"], "nominated_by": self.nominated_by,
            "person": d.get("person"), "team": d.get("team"), "studio": d.get("studio"),
            "tier": d.get("tier") or "award", "direct_grant": bool(d.get("direct_grant")), "deeds": d.get("deeds", ""),
            "declared": {"front_line": d.get("front_line"), "years_skilled": d.get("years_skilled"),
                         "years_waived": d.get("years_waived")},
        }


# --- Transitions ------------------------------------------------------------------------------------------------

class ReviewForm(forms.Form):
    expert_score = forms.DecimalField(label=_("专家评审得分"), min_value=0, max_value=100, decimal_places=2,
                                      required=False)
    on = forms.DateField(label=_("审核日期"), widget=_date_input(), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PubliciseForm(forms.Form):
    start = forms.DateField(label=_("公示开始"), widget=_date_input())
    end = forms.DateField(label=_("公示结束"), widget=_date_input(),
                          help_text=_("不少于5个工作日(按国务院节假日安排,含调休上班日)"))


class ConferForm(forms.Form):
    decision_number = forms.CharField(label=_("决定文号"), max_length=80, required=False)
    conferred_on = forms.DateField(label=_("授予日期"), widget=_date_input(), required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    document = forms.CharField(label=_("撤销决定文号"), max_length=80, required=False)
    revoked_on = forms.DateField(label=_("撤销日期"), widget=_date_input(), required=False)


class ObjectionForm(forms.Form):
    received_on = forms.DateField(label=_("收到日期"), widget=_date_input(), required=False)
    summary = forms.CharField(label=_("异议内容"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(label=_("处理结论"), choices=[("no", _("异议不成立")), ("yes", _("异议成立"))],
                                    coerce=lambda v: v == "yes")
    resolution = forms.CharField(label=_("处理结果"), max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    resolved_on = forms.DateField(label=_("处理日期"), widget=_date_input(), required=False)
