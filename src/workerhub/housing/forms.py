"""Forms of the HPF pages; each validates input and hands it to one service or to the quote engine."""

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from workerhub.core.generic import FilterForm
from workerhub.core.models import Organisation, Person

from .models import HpfAccount, LoanApplication

METHODS = LoanApplication.Method.choices
HOMES = LoanApplication.Home.choices


class CalculatorForm(forms.Form):
    principal = forms.DecimalField(label=_("贷款金额(元)"), min_value=1, max_value=10_000_000, initial=700000,
                                   decimal_places=2)
    years = forms.IntegerField(label=_("贷款年限(年)"), min_value=1, max_value=30, initial=30)
    method = forms.ChoiceField(label=_("还款方式"), choices=METHODS, initial="equal_instalment")
    rate_source = forms.ChoiceField(label=_("利率"), initial="policy", widget=forms.RadioSelect, choices=[
        ("policy", _("按公积金政策(城市、日期、套数)")), ("manual", _("手动输入年利率"))])
    city = forms.CharField(label=_("城市代码"), initial="330500", required=False, max_length=6,
                           help_text=_("如 330500(湖州)"))
    on = forms.DateField(label=_("政策日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    home = forms.ChoiceField(label=_("住房套数"), choices=HOMES, initial="first")
    rate = forms.DecimalField(label=_("年利率(%)"), required=False, min_value=0, max_value=20, decimal_places=3)
    compare_rate = forms.DecimalField(label=_("对比商业贷款年利率(%)"), required=False, min_value=0, max_value=20,
                                      decimal_places=3, initial=Decimal("4.0"))

    def clean(self):
        data = super().clean()
        if data.get("rate_source") == "manual" and data.get("rate") is None:
            self.add_error("rate", _("请输入年利率"))
        if data.get("rate_source") == "policy" and not data.get("city"):
            self.add_error("city", _("请输入城市代码"))
        return data


class OpenAccountForm(forms.Form):
    person = forms.ModelChoiceField(label=_("缴存人(灵活就业人员)"), queryset=Person.objects.none(), required=False)
    centre = forms.ModelChoiceField(label=_("公积金中心"), queryset=Organisation.objects.filter(kind="hpf_centre"))
    declared_base = forms.DecimalField(label=_("月缴存基数(元)"), min_value=1, decimal_places=2)
    ratio = forms.DecimalField(label=_("缴存比例(%)"), min_value=0, max_value=100, decimal_places=2)
    mode = forms.ChoiceField(label=_("缴存方式"), choices=HpfAccount.Mode.choices)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        if user is not None and "hpf_clerk" in user.roles():
            self.fields["person"].queryset = Person.objects.restrict(user).filter(employment_type="flexible")
            self.fields["person"].required = True
        else:
            del self.fields["person"]


class DepositForm(forms.Form):
    amount = forms.DecimalField(label=_("缴存金额(元)"), min_value=Decimal("0.01"), max_value=10_000_000,
                                decimal_places=2)
    value_date = forms.DateField(label=_("记账日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        # One key per rendered form: a double click or a resubmitted page posts only once.
        self.fields["idempotency_key"].initial = f"web:{uuid.uuid4()}"


class WithdrawForm(forms.Form):
    amount = forms.DecimalField(label=_("提取金额(元)"), min_value=Decimal("0.01"), max_value=10_000_000,
                                decimal_places=2, required=False, help_text=_("销户时不填,全部余额提取"))
    reason = forms.CharField(label=_("提取原因"), max_length=200)
    close = forms.BooleanField(label=_("提取全部余额并销户"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, **kwargs):
        # Its own element ids: the deposit form on the same page also has an "amount" box.
        super().__init__(*args, label_suffix="", auto_id="withdraw_%s", **kwargs)
        self.fields["idempotency_key"].initial = f"web:{uuid.uuid4()}"

    def clean(self):
        data = super().clean()
        if not data.get("close") and not data.get("amount"):
            self.add_error("amount", _("请填写提取金额,或勾选销户"))
        return data


class AssessForm(forms.Form):
    principal = forms.DecimalField(label=_("申请金额(元)"), min_value=1, max_value=10_000_000, decimal_places=2)
    years = forms.IntegerField(label=_("贷款年限(年)"), min_value=1, max_value=30)
    method = forms.ChoiceField(label=_("还款方式"), choices=METHODS)
    home = forms.ChoiceField(label=_("住房套数"), choices=HOMES)
    house_price = forms.DecimalField(label=_("房屋总价(元)"), min_value=1, max_value=1_000_000_000, decimal_places=2)
    monthly_income = forms.DecimalField(label=_("家庭月收入(元)"), min_value=0, max_value=10_000_000,
                                        decimal_places=2)
    children = forms.IntegerField(label=_("子女数"), min_value=0, max_value=20, initial=0)
    talent = forms.BooleanField(label=_("引进人才"), required=False)
    new_graduate = forms.BooleanField(label=_("新就业大学生"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class PrepayForm(forms.Form):
    amount = forms.DecimalField(label=_("提前还款金额(元)"), min_value=Decimal("0.01"), decimal_places=2)
    mode = forms.ChoiceField(label=_("方式"), choices=[("shorten", _("缩短期限")), ("lower_payment", _("减少月供"))])
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["idempotency_key"].initial = f"web:{uuid.uuid4()}"


class AccountFilter(FilterForm):
    region = forms.ChoiceField(label=_("地区"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部"))] + list(HpfAccount.Status.choices))
    lookups = {"status": "status"}


class ApplicationFilter(FilterForm):
    state = forms.ChoiceField(label=_("状态"), required=False,
                              choices=[("", _("全部"))] + list(LoanApplication.State.choices))
    lookups = {"state": "state"}
