"""Forms of the foundations. A form validates input and calls one service; it decides nothing."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import services
from .generic import FilterForm, region_choices
from .models import AuditEntry, Organisation, Person, Region


class ServiceForm(forms.Form):
    """Base: ``save(actor=)`` calls ``self.write``; a ServiceError becomes field errors."""

    def __init__(self, data=None, *, instance=None, user=None, **kwargs):
        self.instance, self.user = instance, user
        super().__init__(data, initial=self.initial_from(instance) if instance else None, label_suffix="",
                         **kwargs)

    def initial_from(self, instance) -> dict:
        return {name: getattr(instance, f"{name}_id", getattr(instance, name, None)) for name in self.base_fields}

    def save(self, *, actor):
        try:
            return self.write(actor=actor, data=self.cleaned_data)
        except services.ServiceError as exc:
            for name, message in exc.fields.items():
                self.add_error(name if name in self.fields else None, message)
            if not exc.fields:
                self.add_error(None, str(exc))
            return None


class PersonForm(ServiceForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    region = forms.ChoiceField(label=_("所在地区"))
    employer = forms.ModelChoiceField(label=_("工作单位"), queryset=Organisation.objects.none(), required=False)
    occupation = forms.CharField(label=_("职业(工种)"), max_length=80, required=False)
    education = forms.ChoiceField(label=_("学历"), choices=Person.Education.choices, required=False)
    employment_type = forms.ChoiceField(label=_("就业类型"), choices=Person.Employment.choices)
    union_member_since = forms.DateField(label=_("入会日期"), required=False,
                                         widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(self.user)
        self.fields["employer"].queryset = Organisation.objects.restrict(self.user, "view").filter(
            kind__in=["enterprise", "college", "bank", "hpf_centre", "evaluator", "other"])
        if self.instance is None:
            self.fields["id_number"].required = True
        else:
            # Editing never shows the stored number; leaving the box empty keeps it.
            self.fields["id_number"].help_text = _("当前:%s;留空则不修改") % self.instance.id_number_masked
            self.fields["phone"].help_text = _("当前:%s;留空则不修改") % (self.instance.phone_masked or "—")

    def initial_from(self, instance):
        initial = super().initial_from(instance)
        initial["id_number"] = initial["phone"] = ""
        return initial

    def write(self, *, actor, data):
        data = {**data, "region": Region.objects.get(code=data["region"])}
        if self.instance is None:
            return services.create_person(actor=actor, **data)
        # Empty ID-number / phone boxes on an edit mean "keep what is stored".
        data = {k: v for k, v in data.items() if v or k not in ("id_number", "phone")}
        return services.update_person(actor=actor, person=self.instance, **data)


class OrganisationForm(ServiceForm):
    name = forms.CharField(label=_("名称"), max_length=120)
    kind = forms.ChoiceField(label=_("类型"), choices=Organisation.Kind.choices)
    region = forms.ChoiceField(label=_("行政区划"))
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=22, required=False)
    parent = forms.ModelChoiceField(label=_("上级组织"), queryset=Organisation.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(self.user)
        self.fields["parent"].queryset = Organisation.objects.restrict(self.user, "view")

    def write(self, *, actor, data):
        data = dict(data, region=Region.objects.get(code=data["region"]))
        if self.instance is None:
            return services.create_organisation(actor=actor, **data)
        return services.update_organisation(actor=actor, organisation=self.instance, **data)


class PersonFilter(FilterForm):
    region = forms.ChoiceField(label=_("地区"), required=False)
    employment_type = forms.ChoiceField(label=_("就业类型"), required=False,
                                        choices=[("", _("全部"))] + list(Person.Employment.choices))
    employer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    membership = forms.ChoiceField(label=_("会籍"), required=False, choices=[
        ("", _("全部")), ("pending", _("待确认")), ("confirmed", _("已确认"))])

    def apply(self, qs):
        qs = super().apply(qs)
        if self.is_valid() and self.cleaned_data.get("membership") == "pending":
            qs = qs.filter(membership_confirmed_at__isnull=True, union__isnull=False)
        elif self.is_valid() and self.cleaned_data.get("membership") == "confirmed":
            qs = qs.filter(membership_confirmed_at__isnull=False)
        return qs

    lookups = {"employment_type": "employment_type", "employer": "employer_id"}


class OrganisationFilter(FilterForm):
    region = forms.ChoiceField(label=_("地区"), required=False)
    kind = forms.ChoiceField(label=_("类型"), required=False,
                             choices=[("", _("全部"))] + list(Organisation.Kind.choices))
    lookups = {"kind": "kind"}


class AuditFilter(FilterForm):
    region = forms.ChoiceField(label=_("地区"), required=False)
    action = forms.ChoiceField(label=_("操作"), required=False,
                               choices=[("", _("全部"))] + list(AuditEntry.Action.choices))
    actor = forms.CharField(label=_("操作人账号"), required=False)
    since = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    lookups = {"action": "action", "actor": "actor_name", "since": "at__date__gte", "until": "at__date__lte"}


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("用户名或手机号"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    error_messages = {
        "invalid_login": _("用户名(或手机号)与密码不匹配。请注意密码区分大小写。"),
        "inactive": _("该账号已停用。"),
    }


class RegisterForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, min_length=10,
                               help_text=_("至少10位,不能全为数字"))
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18)
    phone = forms.CharField(label=_("手机号码"), max_length=20)
    union = forms.ModelChoiceField(label=_("所属工会"), queryset=Organisation.objects.filter(
        kind__in=["federation", "enterprise_union", "enterprise"]).order_by("region_id", "name"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件(.xlsx)"))
    keep_good_rows = forms.BooleanField(label=_("仅导入无误的行(默认:有任何错误则全部不导入)"), required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的文件"))
        if f.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 50 MB"))
        return f


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=80)
