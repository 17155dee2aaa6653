"""HPF pages: the public calculator, accounts and their ledger, eligibility and quota, applications and
loans, statistics. Thin: each parses input, calls one service or selector, renders."""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import DecimalField, OuterRef, Subquery, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from workerhub.core import scope
from workerhub.core.excel import write_xlsx
from workerhub.core.generic import Column, ObjectExportView, ObjectListView
from workerhub.core.models import Job, Person
from workerhub.core.pdf import PdfError
from workerhub.core.selectors import history
from workerhub.core.services import ServiceError

from . import quotes, selectors, services
from .api import QuoteIn, make_quote, quote_out
from .documents import schedule_pdf
from .forms import (
    AccountFilter,
    ApplicationFilter,
    AssessForm,
    CalculatorForm,
    DepositForm,
    OpenAccountForm,
    PrepayForm,
    ReasonForm,
    WithdrawForm,
)
from .models import Entry, HpfAccount, Loan, LoanApplication
from .tasks import run_interest_settlement


def _errors_into(form, exc: ServiceError):
    for name, message in exc.fields.items():
        form.add_error(name if name in form.fields else None, message)
    if not exc.fields:
        form.add_error(None, str(exc))


@login_required
def home(request):
    user = request.user
    if scope.may(user, "view", HpfAccount) and "hpf_clerk" in user.roles():
        return redirect("housing:account_list")
    if user.person_id and scope.may(user, "add", HpfAccount):
        account = selectors.accounts(user).exclude(status="closed").first()
        return redirect("housing:account_detail", pk=account.pk) if account else redirect("housing:account_open")
    if selectors.may_see_statistics(user):
        return redirect("housing:statistics")
    raise PermissionDenied


# --- public calculator ------------------------------------------------------------------------------

def _quote_from(form) -> tuple[quotes.Quote | None, str | None]:
    d = form.cleaned_data
    data = QuoteIn(principal=d["principal"], term_months=d["years"] * 12, method=d["method"],
                   rate=d["rate"] if d["rate_source"] == "manual" else None, compare_rate=d["compare_rate"],
                   city=d["city"] if d["rate_source"] == "policy" else None, on=d["on"] or date.today(),
                   home=d["home"])
    try:
        return make_quote(data), None
    except ServiceError as exc:
        _errors_into(form, exc)
        return None, str(exc)


def calculator(request):
    form = CalculatorForm(request.GET or None, label_suffix="")
    result = chart = None
    if form.is_valid():
        q, _error = _quote_from(form)
        if q is not None:
            result = quote_out(q, with_schedule=True)
            chart = _yearly(result["schedule"])
    template = "housing/calculator.html#result" if request.headers.get("HX-Request") else "housing/calculator.html"
    return render(request, template, {"form": form, "result": result, "chart": chart, "title": _("公积金贷款计算器"),
                                      "query": request.GET.urlencode()})


def _yearly(rows) -> list[dict]:
    """Principal and interest repaid per loan year, for the stacked chart."""
    years: dict[int, dict] = {}
    for row in rows:
        y = years.setdefault((row["month"] - 1) // 12 + 1, {"principal": 0.0, "interest": 0.0})
        y["principal"] += float(row["principal"])
        y["interest"] += float(row["interest"])
    return [{"year": k, "principal": round(v["principal"], 2), "interest": round(v["interest"], 2)}
            for k, v in sorted(years.items())]


def calculator_download(request, fmt):
    form = CalculatorForm(request.GET or None)
    if not form.is_valid():
        return render(request, "housing/calculator.html", {"form": form, "title": _("公积金贷款计算器")}, status=400)
    q, error = _quote_from(form)
    if q is None:
        return render(request, "housing/calculator.html", {"form": form, "title": _("公积金贷款计算器")}, status=400)
    method = dict(LoanApplication.Method.choices)[q.method]
    lines = [f"贷款金额 {q.principal:,.2f} 元 · 期限 {q.term_months} 个月 · {method} · 年利率 {q.rate}%",
             f"月还款额 {q.monthly_payment:,.2f} 元 · 利息总额 {q.total_interest:,.2f} 元 · 还款总额 {q.total_payment:,.2f} 元"]
    if q.policy:
        lines.append(f"利率依据:{q.policy.source}(自 {q.policy.effective_from} 起,{q.policy.tier})")
    if fmt == "xlsx":
        rows = ((r.month, float(r.payment), float(r.principal), float(r.interest), float(r.balance))
                for r in quotes.schedule(q.principal, q.term_months, q.method, q.rate))
        out = write_xlsx(["期数", "还款额(元)", "本金(元)", "利息(元)", "剩余本金(元)"], rows, sheet="还款计划",
                         notes=lines)
        response = HttpResponse(out.read(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="repayment-schedule.xlsx"'
        return response
    try:
        pdf = schedule_pdf(q, "住房公积金贷款还款计划", lines)
    except PdfError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('housing:calculator')}?{request.GET.urlencode()}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="repayment-schedule.pdf"'
    return response


# --- accounts ------------------------------------------------------------------------------------------

def _with_balance(qs):
    total = (Entry.objects.filter(account=OuterRef("pk"), book=Entry.Book.MEMBER).values("account")
             .annotate(s=Sum("amount")).values("s"))
    return qs.annotate(balance=Subquery(total, output_field=DecimalField(max_digits=14, decimal_places=2)))


ACCOUNT_COLUMNS = [
    Column(_("账号"), "number", sort="number", link=True),
    Column(_("缴存人"), "person.name"),
    Column(_("身份证号码"), "person.id_number_masked"),
    Column(_("开户地"), "region.name", sort="region_id"),
    Column(_("缴存方式"), "get_mode_display"),
    Column(_("月缴存基数"), "declared_base"),
    Column(_("比例(%)"), "ratio"),
    Column(_("余额(元)"), "balance", sort="balance"),
    Column(_("状态"), "get_status_display", sort="status"),
]


class AccountScope:
    model = HpfAccount
    select_related = ("person", "region")

    def get_queryset(self):
        return _with_balance(super().get_queryset())

    def search(self, qs, term):
        from workerhub.core.selectors import search_people

        return qs.filter(person__in=search_people(Person.objects.all(), term)) | qs.filter(number=term)


class AccountList(AccountScope, ObjectListView):
    template_name = "housing/account_list.html"
    columns = ACCOUNT_COLUMNS
    filter_form = AccountFilter
    default_sort = ("-opened_at",)
    title = _("公积金账户")
    create_url = "housing:account_open"
    export_url = "housing:account_export"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_settle"] = "hpf_clerk" in self.request.user.roles()
        ctx["last_year"] = date.today().year if date.today() >= date(date.today().year, 6, 30) else \
            date.today().year - 1
        return ctx


class AccountExport(AccountScope, ObjectExportView):
    columns = ACCOUNT_COLUMNS
    filename = "hpf-accounts"


def _account(user, pk, action="view"):
    account = selectors.accounts(user, action).filter(pk=pk).first()
    if account is None:
        raise Http404
    return account


@login_required
def account_open(request):
    if not scope.may(request.user, "add", HpfAccount):
        raise PermissionDenied
    form = OpenAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data.get("person") or Person.objects.filter(pk=request.user.person_id).first()
        if person is None:
            raise PermissionDenied
        try:
            account = services.open_account(actor=request.user, person=person, centre=form.cleaned_data["centre"],
                                            declared_base=form.cleaned_data["declared_base"],
                                            ratio=form.cleaned_data["ratio"], mode=form.cleaned_data["mode"])
        except ServiceError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("开户申请已提交,公积金中心确认后即可缴存。"))
            return redirect("housing:account_detail", pk=account.pk)
    return render(request, "core/object_form.html", {"form": form, "title": _("灵活就业人员公积金开户")},
                  status=400 if request.method == "POST" else 200)


@login_required
def account_detail(request, pk):
    account = _account(request.user, pk)
    can_change = selectors.accounts(request.user, "change").filter(pk=pk).exists()
    return render(request, "housing/account_detail.html", {
        "title": str(account), "account": account, "balance": services.balance(account),
        "ledger": selectors.ledger(account), "can_change": can_change,
        "deposit_form": DepositForm() if account.status == "active" else None,
        "withdraw_form": WithdrawForm() if account.status == "active" and can_change else None,
        "assess_form": AssessForm(initial={"years": 20, "method": "equal_instalment", "home": "first"}),
        "applications": account.applications.select_related("loan").order_by("-applied_at"),
        "history": history(account)})


@login_required
@require_POST
def account_confirm(request, pk):
    account = _account(request.user, pk, "change")
    try:
        services.confirm_account(actor=request.user, account=account)
        messages.success(request, _("账户已确认,可以缴存。"))
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("housing:account_detail", pk=pk)


@login_required
@require_POST
def account_deposit(request, pk):
    account = _account(request.user, pk)
    form = DepositForm(request.POST)
    if form.is_valid():
        try:
            posting = services.deposit(actor=request.user, account=account, amount=form.cleaned_data["amount"],
                                       idempotency_key=form.cleaned_data["idempotency_key"],
                                       value_date=form.cleaned_data["value_date"])
            messages.success(request, _("已入账 %(amount)s 元") % {"amount": posting.amount})
        except ServiceError as exc:
            messages.error(request, str(exc))
        except PermissionError as exc:
            raise PermissionDenied from exc
    else:
        messages.error(request, "; ".join(f"{form.fields[k].label}: {v[0]}" for k, v in form.errors.items()
                                          if k in form.fields))
    return redirect("housing:account_detail", pk=pk)


@login_required
@require_POST
def account_withdraw(request, pk):
    """A clerk records a withdrawal, or closes the account paying out the whole balance (SPEC §6.2)."""
    account = _account(request.user, pk, "change")
    form = WithdrawForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            posting = services.withdraw(actor=request.user, account=account, amount=d["amount"], reason=d["reason"],
                                        idempotency_key=d["idempotency_key"], close=d["close"])
            messages.success(request, _("已销户") if d["close"] else
                             _("已提取 %(amount)s 元") % {"amount": posting.amount})
        except ServiceError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "; ".join(v[0] for v in form.errors.values()))
    return redirect("housing:account_detail", pk=pk)


@login_required
def account_assess(request, pk):
    """HTMX: eligibility and quota, every rule and limit explained; a POST applies."""
    account = _account(request.user, pk)
    form = AssessForm(request.POST or request.GET or None)
    result = error = None
    if form.is_valid():
        d = form.cleaned_data
        args = {"term_months": d["years"] * 12, "method": d["method"], "home": d["home"],
                "house_price": d["house_price"], "monthly_income": d["monthly_income"], "children": d["children"],
                "talent": d["talent"], "new_graduate": d["new_graduate"]}
        try:
            if request.method == "POST":
                application = services.apply_for_loan(actor=request.user, account=account,
                                                      principal=d["principal"], **args)
                messages.success(request, _("贷款申请已提交。"))
                response = HttpResponse(status=204)
                response["HX-Redirect"] = application.get_absolute_url()
                return response
            result = services.assess(account, on=date.today(), **args)
            result["fits"] = d["principal"] <= Decimal(result["quota"])
        except ServiceError as exc:
            error = str(exc)
        except PermissionError as exc:
            raise PermissionDenied from exc
    return render(request, "housing/_assessment.html", {"form": form, "result": result, "error": error,
                                                        "account": account})


# --- applications and loans ------------------------------------------------------------------------------

APPLICATION_COLUMNS = [
    Column(_("申请人"), "account.person.name", link=True),
    Column(_("账号"), "account.number"),
    Column(_("申请金额"), "principal", sort="principal"),
    Column(_("期限(月)"), "term_months"),
    Column(_("还款方式"), "get_method_display"),
    Column(_("年利率(%)"), "annual_rate"),
    Column(_("状态"), "get_state_display", sort="state"),
    Column(_("申请时间"), "applied_at", sort="applied_at"),
]


class ApplicationList(ObjectListView):
    model = LoanApplication
    select_related = ("account__person",)
    columns = APPLICATION_COLUMNS
    filter_form = ApplicationFilter
    default_sort = ("-applied_at",)
    title = _("贷款申请")


def _application(user, pk, action="view"):
    application = selectors.applications(user, action).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


@login_required
def application_detail(request, pk):
    application = _application(request.user, pk)
    loan = Loan.objects.filter(application=application).first()
    ctx = {"title": str(application), "application": application, "loan": loan, "reason_form": ReasonForm(),
           "can_change": selectors.applications(request.user, "change").filter(pk=pk).exists(),
           "history": history(application)}
    if loan:
        state = services.loan_state(loan)
        ctx.update(state=state, upcoming=[r.as_dict() for r, _ in zip(state.schedule(), range(12), strict=False)],
                   repayments=loan.repayments.all(), prepay_form=PrepayForm(),
                   loan_history=history(loan))
    return render(request, "housing/application_detail.html", ctx)


@login_required
@require_POST
def application_transition(request, pk, action):
    application = _application(request.user, pk, "change")
    try:
        if action == "review":
            services.review_application(actor=request.user, application=application)
        elif action == "approve":
            services.approve_application(actor=request.user, application=application)
        elif action == "refuse":
            form = ReasonForm(request.POST)
            services.refuse_application(actor=request.user, application=application,
                                        reason=form.data.get("reason", ""))
        elif action == "disburse":
            services.disburse_loan(actor=request.user, application=application)
        else:
            raise Http404
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("housing:application_detail", pk=pk)


@login_required
@require_POST
def loan_repay(request, pk):
    application = _application(request.user, pk, "change")
    loan = Loan.objects.filter(application=application).first()
    if loan is None:
        raise Http404
    try:
        if "amount" in request.POST:
            form = PrepayForm(request.POST)
            if not form.is_valid():
                raise ServiceError("; ".join(e[0] for e in form.errors.values()))
            result = services.prepay_loan(actor=request.user, loan=loan, amount=form.cleaned_data["amount"],
                                          mode=form.cleaned_data["mode"],
                                          idempotency_key=form.cleaned_data["idempotency_key"])
            messages.success(request, _("提前还款已登记,节省利息 %(saved)s 元") % {"saved": result.interest_saved})
        else:
            services.repay(actor=request.user, loan=loan, idempotency_key=request.POST.get("idempotency_key", "")
                           or f"web:{loan.pk}:{services.loan_state(loan).months_paid + 1}")
            messages.success(request, _("本期还款已登记"))
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("housing:application_detail", pk=pk)


@login_required
def statistics(request):
    if not selectors.may_see_statistics(request.user):
        raise PermissionDenied
    return render(request, "housing/statistics.html", {"title": _("灵活就业人员公积金统计"),
                                                       "stats": selectors.statistics(request.user)})


@login_required
@require_POST
def settle(request):
    """A clerk starts the yearly interest settlement of the centre's region as a background job."""
    bindings = [b for b in request.user.bindings() if b.role == "hpf_clerk"]
    if not bindings:
        raise PermissionDenied
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    if not 2000 <= year <= date.today().year:
        messages.error(request, _("请输入正确的结息年度"))
        return redirect("housing:account_list")
    region = bindings[0].organisation.region_id
    job = Job.objects.create(kind="hpf_interest", created_by=request.user, region_id=region,
                             params={"year": year, "region": region, "filename": f"{year}年度结息"})
    run_interest_settlement.enqueue(job.pk)
    return redirect("job_detail", pk=job.pk)
