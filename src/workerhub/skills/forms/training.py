"""Forms of the training, competition, alliance and occupation pages; each validates input for one service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workerhub.core.generic import FilterForm, region_choices
from workerhub.core.models import Organisation, Person
from workerhub.core.pii import lookup_hash
from workerhub.core.rules import RuleError, parse_id_number

from ..models import Alliance, AllianceMember, Competition, Course, Occupation
from ..rules import NATIONAL_AWARDS

ALL = [("", _("全部"))]


class OccupationFilter(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=40,
                        widget=forms.TextInput(attrs={"placeholder": _("职业名称或编码"), "type": "search"}))
    digital = forms.BooleanField(label=_("只看数字职业"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


class AllianceFilter(FilterForm):
    region = forms.ChoiceField(label=_("地区"), required=False)


class CourseFilter(FilterForm):
    region = forms.ChoiceField(label=_("地区"), required=False)
    occupation = forms.ModelChoiceField(label=_("对应职业"), queryset=Occupation.objects.all(), required=False,
                                        empty_label=_("全部"))
    alliance = forms.ModelChoiceField(label=_("共享联盟"), queryset=Alliance.objects.none(), required=False,
                                      empty_label=_("全部"))
    lookups = {"occupation": "occupation", "alliance": "alliance"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["alliance"].queryset = Alliance.objects.restrict(user, "view")


class CompetitionFilter(FilterForm):
    region = forms.ChoiceField(label=_("地区"), required=False)
    tier = forms.ChoiceField(label=_("级别"), required=False, choices=ALL + list(Competition.Tier.choices))
    contest_class = forms.TypedChoiceField(label=_("类别"), required=False, coerce=int, empty_value=None,
                                           choices=ALL + list(Competition.ContestClass.choices))
    year = forms.IntegerField(label=_("年份"), required=False, min_value=2000, max_value=2100)
    lookups = {"tier": "tier", "contest_class": "contest_class", "year": "held_on__year"}


class PersonLookupForm(forms.Form):
    """A person named by full name and ID number. Officers find people of their region; a course or competition
    organiser who sees no people's records (a college) names the person by both, which is the identity check."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18)

    def __init__(self, *args, user=None, organiser=False, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.user, self.organiser = user, organiser

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            number = parse_id_number(data["id_number"]).number
        except RuleError as exc:
            self.add_error("id_number", str(exc))
            return data
        people = Person.objects.restrict(self.user, "view")
        person = people.filter(id_number_hash=lookup_hash(number)).first()
        if person is None and self.organiser:
            person = Person.objects.filter(id_number_hash=lookup_hash(number)).first()
        if person is None or person.name != data["name"].strip():
            self.add_error(None, _("找不到姓名与身份证号码相符的人员(或不在您的管辖范围内)"))
        else:
            data["person"] = person
        return data


class EnrolForm(PersonLookupForm):
    pass


class ResultForm(PersonLookupForm):
    rank = forms.IntegerField(label=_("名次"), required=False, min_value=1, max_value=9999)
    score = forms.DecimalField(label=_("成绩"), required=False, min_value=0, max_value=9999, decimal_places=2)
    award = forms.ChoiceField(label=_("奖项(全国竞赛)"), required=False,
                              choices=[("", _("无"))] + [(a, a) for a in NATIONAL_AWARDS])

    def __init__(self, *args, national=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not national:
            del self.fields["award"]

    def clean(self):
        data = super().clean()
        if data.get("rank") is None and not data.get("award"):
            self.add_error("rank", _("请填写名次(全国竞赛可只填奖项)"))
        return data


class AttendanceForm(forms.Form):
    """The enrolments present at one session (checkboxes)."""

    present = forms.TypedMultipleChoiceField(label=_("出勤学员"), required=False, coerce=int,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["present"].choices = [(e.pk, e.person.name) for e in
                                          course.enrolments.select_related("person").order_by("id")]


# --- Creating courses, competitions and alliances ------------------------------------------------------------

def _date_input():
    return forms.DateInput(attrs={"type": "date"})


def _datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def organisers(user):
    """Organisations a user may name as organiser or lead: an officer any organisation of their region, an evaluator
    or enterprise union only its own (permissions.py, Course "add": ``organiser_id`` is the role's organisation)."""
    visible = Organisation.objects.restrict(user, "view").select_related("region").order_by("region_id", "name")
    if user.is_superuser or "federation_admin" in user.roles():
        return visible
    return visible.filter(pk__in=[b.organisation_id for b in user.bindings()])


def _own_organisation(user, queryset):
    """The user's first organisation, when it is among the choices (the form's default organiser)."""
    ids = [b.organisation_id for b in user.bindings()]
    return next((pk for pk in ids if queryset.filter(pk=pk).exists()), None) if ids else None


class _CreateForm(forms.Form):
    """A create form for one service: organiser (or lead) and region choices limited to the user's scope."""

    organiser_field = "organiser"

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, label_suffix="", **kwargs)
        self.user = user
        orgs = organisers(user)
        self.fields[self.organiser_field].queryset = orgs
        self.fields[self.organiser_field].label_from_instance = lambda o: f"{o.name}({o.region.name})"
        self.fields["region"].choices = region_choices(user)
        own = _own_organisation(user, orgs)
        if own is not None:
            # An alliance's lead is chosen, never defaulted: it joins as the first member.
            if self.organiser_field == "organiser":
                self.fields["organiser"].initial = own
            self.fields["region"].initial = orgs.get(pk=own).region_id


class CourseForm(_CreateForm):
    title = forms.CharField(label=_("课程名称"), max_length=120)
    occupation = forms.ModelChoiceField(label=_("对应职业"), queryset=Occupation.objects.order_by("name"),
                                        required=False, empty_label="—")
    organiser = forms.ModelChoiceField(label=_("主办单位"), queryset=Organisation.objects.none(), empty_label=_("请选择"))
    region = forms.ChoiceField(label=_("行政区划"))
    alliance = forms.ModelChoiceField(label=_("共享联盟"), queryset=Alliance.objects.none(), required=False,
                                      empty_label=_("不共享"), help_text=_("共享课程的主办单位须为该联盟成员"))
    hours = forms.IntegerField(label=_("学时"), min_value=0, max_value=2000, initial=0)
    capacity = forms.IntegerField(label=_("名额"), required=False, max_value=100000, help_text=_("留空为不限"))
    completion_ratio = forms.DecimalField(label=_("结业出勤比例"), max_digits=3, decimal_places=2, initial="0.80",
                                          widget=forms.NumberInput(attrs={"step": "0.05"}),
                                          help_text=_("0.1–1;如 0.8:出勤不少于课次数的 80%(向上取整)方可结业"))
    description = forms.CharField(label=_("课程简介"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["alliance"].queryset = Alliance.objects.restrict(user, "view")


class CourseSessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=_datetime_input())
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=_datetime_input())
    venue = forms.CharField(label=_("地点"), max_length=120, required=False)
    topic = forms.CharField(label=_("内容"), max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


class CompetitionForm(_CreateForm):
    name = forms.CharField(label=_("竞赛名称"), max_length=160)
    tier = forms.ChoiceField(label=_("级别"), choices=Competition.Tier.choices, initial=Competition.Tier.CITY)
    contest_class = forms.TypedChoiceField(
        label=_("类别"), required=False, coerce=int, empty_value=None,
        choices=[("", "—")] + list(Competition.ContestClass.choices),
        help_text=_("省、市、县级竞赛必填:一类为跨行业(职业)、面向社会的竞赛,二类为单一行业或系统内的竞赛"))
    organiser = forms.ModelChoiceField(label=_("主办单位"), queryset=Organisation.objects.none(), empty_label=_("请选择"))
    region = forms.ChoiceField(label=_("行政区划"))
    held_on = forms.DateField(label=_("举办日期"), widget=_date_input())


class CompetitionEventForm(forms.Form):
    name = forms.CharField(label=_("赛项名称"), max_length=120)
    occupation = forms.ModelChoiceField(label=_("对应职业"), queryset=Occupation.objects.order_by("name"),
                                        required=False, empty_label="—")
    # The range 1–3 is the service's rule (and its message); the widget only hints it.
    team_size = forms.IntegerField(label=_("每队人数"), initial=1, max_value=99,
                                   widget=forms.NumberInput(attrs={"min": 1, "max": 3}),
                                   help_text=_("个人赛为 1;团体赛 2–3 人一队"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


class AllianceForm(_CreateForm):
    organiser_field = "lead"

    name = forms.CharField(label=_("联盟名称"), max_length=120)
    region = forms.ChoiceField(label=_("行政区划"))
    lead = forms.ModelChoiceField(label=_("牵头单位"), queryset=Organisation.objects.none(), empty_label=_("请选择"),
                                  help_text=_("牵头单位自动成为第一个成员单位"))
    founded_on = forms.DateField(label=_("成立日期"), required=False, widget=_date_input())
    description = forms.CharField(label=_("简介"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class AllianceMemberForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("成员单位"), queryset=Organisation.objects.none(), empty_label=_("请选择"))
    kind = forms.ChoiceField(label=_("成员类型"), choices=AllianceMember.Kind.choices)
    recognises = forms.BooleanField(label=_("认可联盟证书"), required=False, initial=True)
    joined_on = forms.DateField(label=_("加入日期"), required=False, widget=_date_input())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["organisation"].queryset = organisers(user)
        self.fields["organisation"].label_from_instance = lambda o: f"{o.name}({o.region.name})"
