"""Forms of the exam-session and certificate pages. Each parses input for one service call; the services decide
(eligibility, capacity, score ranges, the pass rule) and explain refusals."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workerhub.core.generic import FilterForm
from workerhub.core.models import Organisation, Person, Region

from ..models import LEVEL_CHOICES, Alliance, AllianceMember, Certificate, ExamSession, Occupation
from ..rules import REVIEW_LEVELS
from ..services import DECLARED_EDUCATION, ScoreRow

ALL = [("", _("全部"))]
REVIEW_CHOICES = [("", _("未评审")), ("yes", _("通过")), ("no", _("不通过"))]


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


# --- Lists -------------------------------------------------------------------------------------------------

class SessionFilter(FilterForm):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=ALL + list(ExamSession.Status.choices))
    occupation = forms.ModelChoiceField(label=_("职业"), required=False, queryset=Occupation.objects.all(),
                                        empty_label=_("全部"))
    level = forms.TypedChoiceField(label=_("等级"), required=False, coerce=int, empty_value=None,
                                   choices=ALL + LEVEL_CHOICES)
    lookups = {"status": "status", "occupation": "occupation", "level": "level"}


class CertificateFilter(FilterForm):
    kind = forms.ChoiceField(label=_("证书类型"), required=False, choices=ALL + list(Certificate.Kind.choices))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=ALL + list(Certificate.Status.choices))
    level = forms.TypedChoiceField(label=_("等级"), required=False, coerce=int, empty_value=None,
                                   choices=ALL + LEVEL_CHOICES)
    lookups = {"kind": "kind", "status": "status", "level": "level"}


# --- Creating a session ------------------------------------------------------------------------------------

class SessionForm(forms.Form):
    occupation = forms.ModelChoiceField(label=_("职业"), queryset=Occupation.objects.all())
    work_type = forms.CharField(label=_("工种"), max_length=60, required=False,
                                help_text=_("无工种的职业留空,证书上印“--”"))
    level = forms.TypedChoiceField(label=_("等级"), coerce=int, choices=LEVEL_CHOICES)
    exam_date = forms.DateField(label=_("考试日期"), widget=_date_input())
    site = forms.CharField(label=_("考点"), max_length=120)
    site_code = forms.CharField(label=_("考点编码"), max_length=6,
                                help_text=_("6位评价站点编码,构成证书编号的一部分(人社鉴发〔2019〕2号)"))
    region = forms.ChoiceField(label=_("考点所在地"))
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=100000)
    alliance = forms.ModelChoiceField(label=_("协同培育联盟"), queryset=Alliance.objects.none(), required=False)
    partner = forms.ModelChoiceField(label=_("合作企业(颁发企业认可证书)"), queryset=Organisation.objects.none(),
                                     required=False, help_text=_("须为所选联盟的成员,并已登记统一社会信用代码"))

    def __init__(self, data=None, *, user, evaluator, **kwargs):
        super().__init__(data, label_suffix="", **kwargs)
        province = evaluator.organisation.region_id[:2]
        regions = Region.objects.filter(code__startswith=province, level__in=["prefecture", "county"],
                                        valid_to__isnull=True).order_by("code")
        self.fields["region"].choices = [(r.code, ("" if r.level == "prefecture" else "  ") + r.name)
                                         for r in regions]
        self.fields["region"].initial = evaluator.organisation.region_id
        alliances = Alliance.objects.restrict(user, "view")
        self.fields["alliance"].queryset = alliances
        member_ids = AllianceMember.objects.filter(alliance__in=alliances, kind="enterprise").values("organisation_id")
        self.fields["partner"].queryset = Organisation.objects.filter(pk__in=member_ids).order_by("name")


# --- Registering --------------------------------------------------------------------------------------------

class DeclaredForm(forms.Form):
    """What the candidate declares for the eligibility check (SPEC §3.1): the evaluator checks the documents."""

    years_in_trade = forms.DecimalField(label=_("从事本职业(工种)年限"), min_value=0, max_value=60, decimal_places=1,
                                        required=False)
    education = forms.ChoiceField(label=_("学历"), required=False,
                                  choices=[("", _("(按档案)"))] + [(e, e) for e in DECLARED_EDUCATION])
    education_in_field = forms.BooleanField(label=_("所学专业与本职业对口"), required=False)
    apprenticeship = forms.BooleanField(label=_("已完成企业新型学徒制培训"), required=False)
    held_level = forms.TypedChoiceField(label=_("已持本职业证书等级"), required=False, coerce=int, empty_value=None,
                                        choices=[("", _("无"))] + LEVEL_CHOICES)
    held_since = forms.DateField(label=_("取证日期"), required=False, widget=_date_input())
    held_number = forms.CharField(label=_("证书编号"), max_length=40, required=False)

    DECLARED = ("years_in_trade", "education", "education_in_field", "apprenticeship", "held_level", "held_since",
                "held_number")

    def __init__(self, data=None, **kwargs):
        super().__init__(data, label_suffix="", **kwargs)

    def declared(self) -> dict:
        data = {k: self.cleaned_data.get(k) for k in self.DECLARED}
        data["held_since"] = data["held_since"].isoformat() if data["held_since"] else ""
        data["years_in_trade"] = data["years_in_trade"] or 0
        return data


class UnionRegisterForm(DeclaredForm):
    """An enterprise union registers one of its own workers."""

    person = forms.ModelChoiceField(label=_("职工"), queryset=Person.objects.none())
    field_order = ["person"]

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["person"].queryset = Person.objects.restrict(user, "change").order_by("name", "pk")
        self.fields["person"].label_from_instance = lambda p: f"{p.name}({p.id_number_masked})"
        self.order_fields(["person", *self.DECLARED])


class LookupRegisterForm(DeclaredForm):
    """The evaluator registers a candidate found by ID number and name (both must match)."""

    id_number = forms.CharField(label=_("身份证号码"), max_length=18, min_length=18)
    name = forms.CharField(label=_("姓名"), max_length=50)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.order_fields(["id_number", "name", *self.DECLARED])

    def clean_id_number(self):
        return self.cleaned_data["id_number"].strip().upper()


# --- Scores -------------------------------------------------------------------------------------------------

class ScoresForm(forms.Form):
    """One row per registration: theory, practical, 综合评审 (levels 1/2 only), 缺考. Values are passed on as typed;
    services.record_scores checks them and names the row of each bad one."""

    def __init__(self, data=None, *, session, registrations, **kwargs):
        super().__init__(data, label_suffix="", **kwargs)
        self.session, self.registrations = session, registrations
        self.review = session.level in REVIEW_LEVELS
        for reg in registrations:
            name = reg.person.name
            score_attrs = {"inputmode": "decimal", "size": 5, "autocomplete": "off"}
            self.fields[f"theory_{reg.pk}"] = forms.CharField(
                label=_("%s 理论知识") % name, required=False, max_length=10, initial=_plain(reg.theory),
                widget=forms.TextInput(attrs=score_attrs))
            self.fields[f"practical_{reg.pk}"] = forms.CharField(
                label=_("%s 操作技能") % name, required=False, max_length=10, initial=_plain(reg.practical),
                widget=forms.TextInput(attrs=score_attrs))
            if self.review:
                self.fields[f"review_{reg.pk}"] = forms.ChoiceField(
                    label=_("%s 综合评审") % name, required=False, choices=REVIEW_CHOICES,
                    initial={True: "yes", False: "no"}.get(reg.review_passed, ""))
            self.fields[f"absent_{reg.pk}"] = forms.BooleanField(label=_("%s 缺考") % name, required=False,
                                                                 initial=reg.absent)

    def rows(self):
        """(line number, registration, its bound fields) for the template."""
        for i, reg in enumerate(self.registrations, start=1):
            yield i, reg, {k: self[f"{k}_{reg.pk}"] for k in ("theory", "practical", "review", "absent")
                           if f"{k}_{reg.pk}" in self.fields}

    def score_rows(self):
        out = []
        for i, reg in enumerate(self.registrations, start=1):
            review = self.cleaned_data.get(f"review_{reg.pk}") if self.review else ""
            out.append(ScoreRow(registration_id=reg.pk, row=i,
                                theory=self.cleaned_data.get(f"theory_{reg.pk}") or None,
                                practical=self.cleaned_data.get(f"practical_{reg.pk}") or None,
                                review_passed={"yes": True, "no": False}.get(review),
                                absent=bool(self.cleaned_data.get(f"absent_{reg.pk}"))))
        return out


def _plain(value) -> str:
    """A stored score as typed: 80 rather than 80.0."""
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else str(value)


class ScoreImportForm(forms.Form):
    file = forms.FileField(label=_("成绩表(.xlsx)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件(可先下载成绩表模板)"))
        if f.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 20 MB"))
        return f


class AmendForm(forms.Form):
    """An audited correction of a published score: only the fields filled in change."""

    theory = forms.CharField(label=_("理论知识(更正后)"), required=False, max_length=10)
    practical = forms.CharField(label=_("操作技能(更正后)"), required=False, max_length=10)
    review_passed = forms.ChoiceField(label=_("综合评审(更正后)"), required=False,
                                      choices=[("", _("不变")), ("yes", _("通过")), ("no", _("不通过"))])
    absent = forms.ChoiceField(label=_("缺考(更正后)"), required=False,
                               choices=[("", _("不变")), ("yes", _("缺考")), ("no", _("参加考试"))])
    reason = forms.CharField(label=_("更正原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("请填写更正原因")})

    def __init__(self, data=None, *, session, **kwargs):
        super().__init__(data, label_suffix="", **kwargs)
        if session.level not in REVIEW_LEVELS:
            del self.fields["review_passed"]

    def changes(self) -> dict:
        yes_no = {"yes": True, "no": False}
        return {"theory": self.cleaned_data["theory"] or None, "practical": self.cleaned_data["practical"] or None,
                "review_passed": yes_no.get(self.cleaned_data.get("review_passed", "")),
                "absent": yes_no.get(self.cleaned_data["absent"]), "reason": self.cleaned_data["reason"]}


# --- Certificates -------------------------------------------------------------------------------------------

class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("撤销证书须填写原因")})
    document = forms.CharField(label=_("撤销决定文号"), max_length=80, required=False,
                               help_text=_("如 温人社鉴〔2024〕7号"))
    on = forms.DateField(label=_("撤销日期"), required=False, widget=_date_input(),
                         help_text=_("留空为今天"))
    include_twin = forms.BooleanField(label=_("同时撤销同次考试的另一本证书"), required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, label_suffix="", initial={"on": timezone.localdate()}, **kwargs)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("撤销证书须填写原因"))
        return reason
