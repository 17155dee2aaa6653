"""Forms for the negative list (负面清单): the organisation is chosen among the enterprises the officer may see."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workerhub.core.generic import FilterForm
from workerhub.core.models import Organisation

from .models import ComplianceFlag

ALL = [("", _("全部"))]


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


def enterprises_for(user):
    """Enterprises of the user's scope (``restrict(user, "view")``), by region and name."""
    return (Organisation.objects.restrict(user, "view").filter(kind=Organisation.Kind.ENTERPRISE)
            .select_related("region").order_by("region_id", "name"))


class ComplianceFilter(FilterForm):
    region = forms.ChoiceField(label=_("地区"), required=False)
    flag = forms.ChoiceField(label=_("情形"), required=False, choices=ALL + list(ComplianceFlag.Flag.choices))
    active = forms.TypedChoiceField(label=_("状态"), required=False, empty_value=None, coerce=lambda v: v == "1",
                                    choices=ALL + [("1", _("未消除")), ("0", _("已消除"))])
    lookups = {"flag": "flag"}

    def apply(self, qs):
        qs = super().apply(qs)
        if self.is_valid() and self.cleaned_data["active"] is not None:
            qs = qs.filter(until__isnull=self.cleaned_data["active"])
        return qs


class ComplianceForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("单位"), queryset=Organisation.objects.none(),
                                          empty_label=_("请选择企业"))
    flag = forms.ChoiceField(label=_("情形"), choices=ComplianceFlag.Flag.choices)
    since = forms.DateField(label=_("发生日期"), widget=_date_input())
    until = forms.DateField(label=_("消除日期"), required=False, widget=_date_input(),
                            help_text=_("尚未消除的留空,消除后在负面清单列表中登记"))
    note = forms.CharField(label=_("说明"), required=False, max_length=200,
                           help_text=_("如认定文书、来源部门"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        field = self.fields["organisation"]
        field.queryset = enterprises_for(user)
        field.label_from_instance = lambda o: f"{o.name}({o.region.name})"


class EndFlagForm(forms.Form):
    until = forms.DateField(label=_("消除日期"), widget=_date_input())
