"""Forms of the training, competition, alliance and occupation pages; each validates input for one service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workerhub.core.generic import FilterForm
from workerhub.core.models import Person
from workerhub.core.pii import lookup_hash
from workerhub.core.rules import RuleError, parse_id_number

from ..models import Alliance, Competition, Course, Occupation
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
