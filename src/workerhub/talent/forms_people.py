"""Forms for teams, studios, mentoring and timelines (SPEC §2.3, §2.4). Choices come from the user's scope; people
are named by full name and ID number (the identity check), looked up only among the people the user may see."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workerhub.core.generic import FilterForm
from workerhub.core.models import Organisation, Person
from workerhub.core.pii import lookup_hash
from workerhub.core.rules import RuleError, parse_id_number
from workerhub.core.services import ServiceError

from .models import LEVELS, Mentorship, TimelineEvent
from .services import people as services
from .timeline import KINDS, PERSON_KINDS, SKILL_LEVELS, TEAM_KINDS

ALL = [("", _("全部"))]
NOT_FOUND = _("找不到姓名与身份证号码相符的人员(或不在您的管辖范围内)")


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


def find_person(user, name: str, id_number: str) -> Person | str:
    """The person of the user's scope with this ID number and exactly this name, or why none was found."""
    try:
        number = parse_id_number((id_number or "").strip().upper()).number
    except RuleError as exc:
        return str(exc)
    person = Person.objects.restrict(user, "view").filter(id_number_hash=lookup_hash(number)).first()
    if person is None or person.name != (name or "").strip():
        return str(NOT_FOUND)
    return person


class _ServiceForm(forms.Form):
    """A form whose ``save(actor=…)`` calls one service and shows its refusal on the form (core generic edit)."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.user = user

    def refuse(self, exc: ServiceError) -> None:
        for name, message in exc.fields.items():
            self.add_error(name if name in self.fields else None, message)
        if not exc.fields:
            self.add_error(None, str(exc))

    def lookup(self, prefix: str, data: dict, *, required: bool = True):
        name, number = data.get(f"{prefix}_name", ""), data.get(f"{prefix}_id_number", "")
        if not required and not name and not number:
            return None
        found = find_person(self.user, name, number)
        if isinstance(found, str):
            self.add_error(f"{prefix}_id_number", found)
            return None
        data[prefix] = found
        return found


def organisations_for(user):
    """Organisations a team or studio may belong to: any of an officer's region, an enterprise union's own."""
    visible = Organisation.objects.restrict(user, "view").select_related("region").order_by("region_id", "name")
    if user.is_superuser or "federation_admin" in user.roles():
        return visible
    return visible.filter(pk__in=[b.organisation_id for b in user.bindings()])


class _OrganisationForm(_ServiceForm):
    def __init__(self, *args, instance=None, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.instance = instance
        orgs = organisations_for(user)
        field = self.fields["organisation"]
        field.queryset = orgs
        field.label_from_instance = lambda o: f"{o.name}({o.region.name})"
        own = [b.organisation_id for b in user.bindings()]
        if instance is None and own and orgs.filter(pk=own[0]).exists():
            field.initial = own[0]

    def save(self, *, actor):
        try:
            return self.call(actor=actor, **self.cleaned_data)
        except ServiceError as exc:
            self.refuse(exc)
        except PermissionError:
            self.add_error(None, _("所选单位或人员不在您的管辖范围内"))
        return None


class TeamForm(_OrganisationForm):
    name = forms.CharField(label=_("集体名称"), max_length=120)
    organisation = forms.ModelChoiceField(label=_("所在单位"), queryset=Organisation.objects.none(),
                                          help_text=_("集体的行政区划随所在单位"))
    kind = forms.CharField(label=_("类型"), max_length=20, required=False,
                           widget=forms.TextInput(attrs={"list": "team-kinds", "placeholder": _("班组、车间、科室…")}))
    front_line = forms.BooleanField(label=_("一线集体"), required=False, initial=True)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None and not self.is_bound:
            self.initial.update(name=instance.name, organisation=instance.organisation_id, kind=instance.kind,
                                front_line=instance.front_line)

    def call(self, *, actor, **data):
        if self.instance is None:
            return services.create_team(actor=actor, **data)
        return services.update_team(actor=actor, team=self.instance, **data)


class StudioForm(_OrganisationForm):
    name = forms.CharField(label=_("工作室名称"), max_length=120)
    level = forms.ChoiceField(label=_("级别"), choices=[("", "—")] + LEVELS, required=False)
    leader_name = forms.CharField(label=_("领衔人姓名"), max_length=50, required=False)
    leader_id_number = forms.CharField(label=_("领衔人身份证号码"), max_length=18, required=False)
    organisation = forms.ModelChoiceField(label=_("所在单位"), queryset=Organisation.objects.none(),
                                          help_text=_("工作室的行政区划随所在单位"))
    founded_on = forms.DateField(label=_("成立日期"), required=False, widget=_date_input())

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None:
            self.fields["leader_name"].help_text = _("现领衔人:%(name)s;更换时填写新领衔人的姓名和身份证号码") % {
                "name": instance.leader.name}
            if not self.is_bound:
                self.initial.update(name=instance.name, level=instance.level, organisation=instance.organisation_id,
                                    founded_on=instance.founded_on)

    def clean(self):
        data = super().clean()
        leader = self.lookup("leader", data, required=self.instance is None)
        if leader is None and self.instance is None and "leader_id_number" not in self.errors:
            self.add_error("leader_id_number", _("请填写领衔人的姓名和身份证号码"))
        return data

    def call(self, *, actor, **data):
        leader = data.get("leader") or (self.instance.leader if self.instance else None)
        fields = {k: data[k] for k in ("name", "level", "organisation", "founded_on")}
        if self.instance is None:
            return services.create_studio(actor=actor, leader=leader, **fields)
        return services.update_studio(actor=actor, studio=self.instance, leader=leader, **fields)


class MemberForm(_ServiceForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18)

    def clean(self):
        data = super().clean()
        if not self.errors:
            found = find_person(self.user, data["name"], data["id_number"])
            if isinstance(found, str):
                self.add_error(None, found)
            else:
                data["person"] = found
        return data


class MentorshipForm(_ServiceForm):
    master_name = forms.CharField(label=_("师傅姓名"), max_length=50)
    master_id_number = forms.CharField(label=_("师傅身份证号码"), max_length=18)
    apprentice_name = forms.CharField(label=_("徒弟姓名"), max_length=50)
    apprentice_id_number = forms.CharField(label=_("徒弟身份证号码"), max_length=18)
    started_on = forms.DateField(label=_("结对日期"), widget=_date_input())
    goal = forms.ChoiceField(label=_("目标"), choices=Mentorship.Goal.choices, widget=forms.RadioSelect,
                             initial=Mentorship.Goal.LEVEL)
    goal_level = forms.TypedChoiceField(label=_("目标等级"), required=False, coerce=int, empty_value=None,
                                        choices=[("", "—")] + [(n, SKILL_LEVELS[n]) for n in (5, 4, 3, 2, 1)],
                                        help_text=_("目标为技能等级时必选"))
    goal_text = forms.CharField(label=_("目标说明"), max_length=200, required=False,
                                help_text=_("如职业(工种)、竞赛名称;目标为“其他”时必填"))

    def clean(self):
        data = super().clean()
        self.lookup("master", data)
        self.lookup("apprentice", data)
        return data

    def save(self, *, actor):
        d = self.cleaned_data
        try:
            return services.create_mentorship(actor=actor, master=d["master"], apprentice=d["apprentice"],
                                              started_on=d["started_on"], goal=d["goal"],
                                              goal_level=d.get("goal_level"), goal_text=d.get("goal_text", ""))
        except ServiceError as exc:
            self.refuse(exc)
        except PermissionError:
            self.add_error(None, NOT_FOUND)
        return None


class CloseMentorshipForm(_ServiceForm):
    status = forms.ChoiceField(label=_("结果"), widget=forms.RadioSelect, initial=Mentorship.Status.ACHIEVED,
                               choices=[(Mentorship.Status.ACHIEVED, _("目标达成")), (Mentorship.Status.ENDED, _("结束结对"))])
    ended_on = forms.DateField(label=_("结束日期"), widget=_date_input())
    outcome = forms.CharField(label=_("带徒成果"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class TimelineEventForm(_ServiceForm):
    kind = forms.ChoiceField(label=_("类型"), choices=TimelineEvent.Kind.choices)
    on = forms.DateField(label=_("日期"), widget=_date_input())
    title = forms.CharField(label=_("事项"), max_length=120,
                            widget=forms.TextInput(attrs={"list": "event-titles"}),
                            help_text=_("关爱服务如疗休养、健康体检、困难帮扶"))
    detail = forms.CharField(label=_("说明"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(label=_("附件(PDF、JPG、PNG,10 MB 以内)"), required=False,
                                 widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        problem = services.attachment_problem(upload)
        if problem:
            raise forms.ValidationError(problem)
        return upload


class TimelineFilter(forms.Form):
    kind = forms.MultipleChoiceField(label=_("类型"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, team=False, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["kind"].choices = [(k, KINDS[k]) for k in (TEAM_KINDS if team else PERSON_KINDS)]

    def kinds(self) -> list[str]:
        return self.cleaned_data["kind"] if self.is_valid() else []


# --- List filters ---------------------------------------------------------------------------------------------------

class TeamFilter(FilterForm):
    region = forms.ChoiceField(label=_("地区"), required=False)
    front_line = forms.TypedChoiceField(label=_("一线集体"), required=False, empty_value=None,
                                        coerce=lambda v: v == "1", choices=ALL + [("1", _("是")), ("0", _("否"))])
    lookups = {"front_line": "front_line"}


class StudioFilter(FilterForm):
    region = forms.ChoiceField(label=_("地区"), required=False)
    level = forms.ChoiceField(label=_("级别"), required=False, choices=ALL + LEVELS)
    lookups = {"level": "level"}


class MentorshipFilter(FilterForm):
    region = forms.ChoiceField(label=_("地区"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=ALL + list(Mentorship.Status.choices))
    goal = forms.ChoiceField(label=_("目标"), required=False, choices=ALL + list(Mentorship.Goal.choices))
    lookups = {"status": "status", "goal": "goal"}
