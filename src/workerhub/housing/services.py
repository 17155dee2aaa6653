"""Writes on HPF accounts, the ledger and loans (SPEC §6.2–§6.6). Keyword-only, ``actor=``, one
transaction each with its audit row; money is Decimal to the fen; every posting carries an idempotency
key, so a retried request never posts twice."""

import uuid
from dataclasses import asdict
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from workerhub.core import audit, scope
from workerhub.core.models import AuditEntry, Organisation, Person
from workerhub.core.services import ServiceError

from . import policy, quotes, rules
from .models import Entry, HpfAccount, Loan, LoanApplication, Posting, Repayment, Repricing

CENT = Decimal("0.01")
MAX_POSTING = Decimal("10000000")


_check = scope.check_write  # writes re-checked against restrict(actor, action) (core/scope.py)


def _money(value, field: str, label: str, high: Decimal = MAX_POSTING) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (ArithmeticError, ValueError) as exc:
        raise ServiceError(f"{label}应为数字", {field: f"{label}应为数字"}) from exc
    if not amount.is_finite() or amount <= 0 or amount > high:
        raise ServiceError(f"{label}应在0.01至{high:,.0f}元之间", {field: f"{label}应在0.01至{high:,.0f}元之间"})
    return amount


def _policy_error(exc: policy.PolicyError | quotes.QuoteError | rules.RuleError) -> ServiceError:
    field = getattr(exc, "field", None) or "policy"
    message = getattr(exc, "message", None) or str(exc)
    return ServiceError(message, {field: message})


# --- accounts --------------------------------------------------------------------------------------

@transaction.atomic
def open_account(*, actor, person: Person, centre: Organisation, declared_base, ratio, mode: str,
                 on: date | None = None) -> HpfAccount:
    """Open an account (self-service by the worker, or by a clerk); a clerk confirms it before deposits.

    The declared base and ratio must lie in the city policy's ranges in force on ``on``."""
    on = on or timezone.localdate()
    if centre.kind != Organisation.Kind.HPF_CENTRE:
        raise ServiceError("请选择公积金中心", {"centre": "请选择公积金中心"})
    try:
        rules_ = policy.city_policy(centre.region_id, on)
    except policy.PolicyError as exc:
        raise _policy_error(exc) from exc
    base = _money(declared_base, "declared_base", "缴存基数")
    try:
        ratio = Decimal(str(ratio)).quantize(CENT)
    except ArithmeticError as exc:
        raise ServiceError("缴存比例应为数字", {"ratio": "缴存比例应为数字"}) from exc
    errors = {}
    if not rules_.deposit_base_min <= base <= rules_.deposit_base_max:
        errors["declared_base"] = (f"缴存基数应在{rules_.deposit_base_min:,.0f}至{rules_.deposit_base_max:,.0f}"
                                   f"元之间({rules_.id})")
    if not rules_.deposit_ratio_min <= ratio <= rules_.deposit_ratio_max:
        errors["ratio"] = f"缴存比例应在{rules_.deposit_ratio_min}%至{rules_.deposit_ratio_max}%之间({rules_.id})"
    if mode not in HpfAccount.Mode.values:
        errors["mode"] = "缴存方式应为按月缴存或一次性缴存"
    elif mode == HpfAccount.Mode.LUMP_SUM and not rules_.lump_sum_deposits:
        errors["mode"] = "该政策不允许一次性缴存"
    if person.employment_type != Person.Employment.FLEXIBLE:
        errors["person"] = "本业务面向灵活就业人员;在职职工请通过单位缴存"
    if HpfAccount.objects.filter(person=person, centre=centre).exclude(status=HpfAccount.Status.CLOSED).exists():
        errors["person"] = "该人员在本中心已有账户"
    if errors:
        raise ServiceError("开户信息有误", errors)
    account = HpfAccount.objects.create(
        number=f"tmp{uuid.uuid4().hex[:16]}", person=person, centre=centre, region_id=centre.region_id,
        declared_base=base, ratio=ratio, mode=mode, policy_id=rules_.id)
    account.number = f"{centre.region_id[:4]}{account.pk:010d}"
    account.save(update_fields=["number"])
    _check(actor, "add", HpfAccount, pk=account.pk)
    audit.record(AuditEntry.Action.CREATE, actor=actor, obj=account, changes={
        "declared_base": [None, str(base)], "ratio": [None, str(ratio)], "mode": [None, mode],
        "policy": [None, rules_.id]})
    return account


@transaction.atomic
def confirm_account(*, actor, account: HpfAccount) -> HpfAccount:
    _check(actor, "change", HpfAccount, pk=account.pk)
    account = HpfAccount.objects.select_for_update().get(pk=account.pk)
    if account.status != HpfAccount.Status.PENDING:
        raise ServiceError(f"账户状态为{account.get_status_display()},无需确认")
    account.status, account.confirmed_at, account.confirmed_by = HpfAccount.Status.ACTIVE, timezone.now(), actor
    account.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    audit.record(AuditEntry.Action.TRANSITION, actor=actor, obj=account, changes={"status": ["pending", "active"]})
    return account


def balance(account: HpfAccount) -> Decimal:
    """The balance is derived from the ledger: the sum of the account's member-book entries."""
    total = Entry.objects.filter(account=account, book=Entry.Book.MEMBER).aggregate(s=Sum("amount"))["s"]
    return (total or Decimal(0)).quantize(CENT)


def _post(*, account, kind, amount, value_date, key, memo, actor, policy_id="", other_book=Entry.Book.BANK):
    """Write one balanced posting; the same key again returns the first posting and writes nothing."""
    sign = -1 if kind in (Posting.Kind.WITHDRAWAL, Posting.Kind.CLOSING) else 1
    try:
        with transaction.atomic():  # a savepoint: a duplicate key rolls back only this attempt
            posting = Posting.objects.create(account=account, kind=kind, amount=amount, idempotency_key=key,
                                             value_date=value_date, memo=memo, actor=actor, policy_id=policy_id)
            Entry.objects.bulk_create([
                Entry(posting=posting, account=account, book=Entry.Book.MEMBER, amount=sign * amount),
                Entry(posting=posting, account=None, book=other_book, amount=-sign * amount),
            ])
    except IntegrityError:
        existing = Posting.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        if (existing.account_id, existing.kind, existing.amount) != (account.pk, kind, amount):
            raise ServiceError("该幂等键已用于另一笔业务", {"idempotency_key": "该幂等键已用于另一笔业务"}) from None
        return existing, False
    return posting, True


def deposit(*, actor, account: HpfAccount, amount, idempotency_key: str, value_date: date | None = None,
            memo: str = "") -> Posting:
    """Record a deposit (monthly or lump sum). Repeating the call with the same key changes nothing."""
    amount = _money(amount, "amount", "缴存金额")
    if not idempotency_key or len(idempotency_key) > 100:
        raise ServiceError("缺少幂等键", {"idempotency_key": "每笔缴存需要一个不超过100字符的幂等键"})
    with transaction.atomic():
        _check(actor, "view", HpfAccount, pk=account.pk)
        if actor is not None and not scope.may(actor, "add", Posting):
            raise PermissionError("this role may not post deposits")
        account = HpfAccount.objects.get(pk=account.pk)
        if account.status != HpfAccount.Status.ACTIVE:
            raise ServiceError(f"账户状态为{account.get_status_display()},不能缴存", {"account": "账户未生效"})
        if account.mode == HpfAccount.Mode.MONTHLY and amount % account.monthly_deposit:
            raise ServiceError("按月缴存的金额应为月缴存额的整数倍",
                               {"amount": f"月缴存额为{account.monthly_deposit}元,金额应为其整数倍"})
        posting, created = _post(account=account, kind=Posting.Kind.DEPOSIT, amount=amount,
                                 value_date=value_date or timezone.localdate(), key=idempotency_key,
                                 memo=memo[:200], actor=actor, policy_id=account.policy_id)
        if created:
            audit.record(AuditEntry.Action.CREATE, actor=actor, obj=account,
                         changes={"deposit": [None, str(amount)], "key": [None, idempotency_key]})
    return posting


def withdraw(*, actor, account: HpfAccount, amount, idempotency_key: str, reason: str,
             value_date: date | None = None, close: bool = False) -> Posting:
    """Withdraw (or, with ``close``, withdraw everything and close). The account row is locked so that
    concurrent withdrawals cannot overdraw it."""
    if not reason.strip():
        raise ServiceError("请填写提取原因", {"reason": "请填写提取原因"})
    with transaction.atomic():
        _check(actor, "change", HpfAccount, pk=account.pk)
        account = HpfAccount.objects.select_for_update().get(pk=account.pk)
        if account.status != HpfAccount.Status.ACTIVE:
            raise ServiceError(f"账户状态为{account.get_status_display()},不能提取")
        available = balance(account)
        amount = available if close else _money(amount, "amount", "提取金额")
        if close and (LoanApplication.objects.filter(account=account, loan__status=Loan.Status.ACTIVE).exists()):
            raise ServiceError("尚有未结清的公积金贷款,不能销户")
        if amount > available or amount <= 0 and not close:
            raise ServiceError("提取金额超过账户余额", {"amount": f"账户余额为{available}元"})
        posting = None
        if amount > 0:
            posting, _created = _post(account=account, kind=Posting.Kind.CLOSING if close else Posting.Kind.WITHDRAWAL,
                                      amount=amount, value_date=value_date or timezone.localdate(),
                                      key=idempotency_key, memo=reason[:200], actor=actor, policy_id=account.policy_id)
        if close:
            account.status, account.closed_at, account.close_reason = (HpfAccount.Status.CLOSED, timezone.now(),
                                                                       reason[:200])
            account.save(update_fields=["status", "closed_at", "close_reason"])
        audit.record(AuditEntry.Action.TRANSITION if close else AuditEntry.Action.CHANGE, actor=actor, obj=account,
                     changes={"withdrawal": [None, str(amount)], "reason": [None, reason[:200]],
                              **({"status": ["active", "closed"]} if close else {})})
    return posting


# --- eligibility, quota, applications ------------------------------------------------------------------

def months_deposited(account: HpfAccount, on: date) -> int:
    """Whole months since the first deposit (a lump sum counts from its month)."""
    first = Posting.objects.filter(account=account, kind=Posting.Kind.DEPOSIT).order_by("value_date").first()
    if first is None or first.value_date > on:
        return 0
    months = (on.year - first.value_date.year) * 12 + on.month - first.value_date.month
    return months - (on.day < first.value_date.day)


def applicant_for(account: HpfAccount, *, on: date, home: str, monthly_income, children: int = 0,
                  talent: bool = False, new_graduate: bool = False, house_price=None) -> rules.Applicant:
    person = account.person
    age = on.year - person.birth_date.year - ((on.month, on.day) < (person.birth_date.month, person.birth_date.day))
    outstanding = Loan.objects.filter(application__account__person=person, status=Loan.Status.ACTIVE).exists()
    status = {"active": "normal", "frozen": "sealed", "closed": "closed", "pending": "pending"}[account.status]
    return rules.Applicant(
        months_deposited=months_deposited(account, on), age=age, balance=balance(account),
        monthly_income=Decimal(str(monthly_income)), home=home, sex=person.sex, account_status=status,
        outstanding_hpf_loan=outstanding, talent=talent, new_graduate=new_graduate, children=children,
        house_price=Decimal(str(house_price)) if house_price not in (None, "") else None)


def assess(account: HpfAccount, *, on: date, term_months: int, method: str, home: str, monthly_income,
           children=0, talent=False, new_graduate=False, house_price=None) -> dict:
    """Eligibility (§6.3) and quota (§6.4) with every rule and limit explained, and the rate used."""
    try:
        city_rules = policy.city_policy(account.region_id, on)
        rate = policy.rate_for(account.region_id, on, home, term_months)
        applicant = applicant_for(account, on=on, home=home, monthly_income=monthly_income, children=children,
                                  talent=talent, new_graduate=new_graduate, house_price=house_price)
        checks = rules.eligibility(applicant, city_rules, term_months)
        quota = rules.loan_quota(applicant, city_rules, term_months, rate.rate, method)
    except (policy.PolicyError, quotes.QuoteError, rules.RuleError) as exc:
        raise _policy_error(exc) from exc
    return {
        "policy": city_rules.id, "rate": rate, "applicant": applicant, "eligible": checks.passed,
        "checks": [_plain(asdict(c)) for c in checks.checks],
        "quota": str(quota.amount), "binding": quota.binding.factor,
        "limits": [_plain(asdict(limit)) for limit in quota.limits],
    }


def _plain(d: dict) -> dict:
    return {k: (v if isinstance(v, (int, bool, type(None), str)) else str(v)) for k, v in d.items()}


@transaction.atomic
def apply_for_loan(*, actor, account: HpfAccount, principal, term_months: int, method: str, home: str,
                   house_price, monthly_income, children: int = 0, talent: bool = False,
                   new_graduate: bool = False, on: date | None = None) -> LoanApplication:
    """Apply for a loan; refused with every reason when a rule fails or the amount exceeds the quota."""
    on = on or timezone.localdate()
    _check(actor, "view", HpfAccount, pk=account.pk)
    account = HpfAccount.objects.select_related("person").get(pk=account.pk)  # the stored status, not a stale copy
    try:
        principal = quotes.parse_principal(principal)
        term_months = quotes.parse_term(term_months)
        method = quotes.parse_method(method)
    except quotes.QuoteError as exc:
        raise _policy_error(exc) from exc
    result = assess(account, on=on, term_months=term_months, method=method, home=home,
                    monthly_income=monthly_income, children=children, talent=talent, new_graduate=new_graduate,
                    house_price=house_price)
    if not result["eligible"]:
        failed = [c["message_zh"] for c in result["checks"] if not c["passed"]]
        raise ServiceError("不符合贷款条件:" + ";".join(failed), {"eligibility": ";".join(failed)})
    if principal > Decimal(result["quota"]):
        raise ServiceError(f"申请金额超过可贷额度 {result['quota']} 元", {"principal": f"可贷额度为{result['quota']}元"})
    application = LoanApplication.objects.create(
        account=account, principal=principal, term_months=term_months, method=method, home=home,
        house_price=Decimal(str(house_price)), monthly_income=Decimal(str(monthly_income)), children=children,
        talent=talent or new_graduate, eligibility=result["checks"],
        quota={"amount": result["quota"], "binding": result["binding"], "limits": result["limits"]},
        annual_rate=result["rate"].rate, policy_id=result["policy"])
    _check(actor, "add", LoanApplication, pk=application.pk)
    audit.record(AuditEntry.Action.CREATE, actor=actor, obj=application, region_id=account.region_id,
                 changes={"principal": [None, str(principal)], "term_months": [None, term_months],
                          "rate": [None, str(result["rate"].rate)], "policy": [None, result["policy"]]})
    return application


# Allowed transitions of a loan application (SPEC §6.6), one service function each below.
TRANSITIONS = {
    "review": ({"applied"}, "reviewed"),
    "approve": ({"reviewed"}, "approved"),
    "refuse": ({"applied", "reviewed"}, "refused"),
    "disburse": ({"approved"}, "disbursed"),
}


def _transition(actor, application: LoanApplication, name: str, **changes) -> LoanApplication:
    _check(actor, "change", LoanApplication, pk=application.pk)
    application = LoanApplication.objects.select_for_update().get(pk=application.pk)
    sources, target = TRANSITIONS[name]
    if application.state not in sources:
        raise ServiceError(f"当前状态为“{application.get_state_display()}”,不能执行此操作")
    old = application.state
    application.state = target
    application.decided_at = timezone.now() if name in ("approve", "refuse") else application.decided_at
    for key, value in changes.items():
        setattr(application, key, value)
    application.save()
    audit.record(AuditEntry.Action.TRANSITION, actor=actor, obj=application, region_id=application.account.region_id,
                 changes={"state": [old, target], **{k: [None, str(v)] for k, v in changes.items()}})
    return application


@transaction.atomic
def review_application(*, actor, application):
    return _transition(actor, application, "review")


@transaction.atomic
def approve_application(*, actor, application):
    return _transition(actor, application, "approve")


@transaction.atomic
def refuse_application(*, actor, application, reason: str):
    if not reason or not reason.strip():
        raise ServiceError("请填写拒绝原因", {"reason": "请填写拒绝原因"})
    return _transition(actor, application, "refuse", reason=reason.strip()[:300])


def _state_json(state: quotes.LoanState) -> dict:
    return {"balance": str(state.balance), "remaining_months": state.remaining_months, "method": state.method,
            "annual_rate": str(state.annual_rate), "fixed_amount": str(state.fixed_amount),
            "months_paid": state.months_paid}


def loan_state(loan: Loan) -> quotes.LoanState:
    s = loan.state
    return quotes.LoanState(Decimal(s["balance"]), s["remaining_months"], s["method"], Decimal(s["annual_rate"]),
                            Decimal(s["fixed_amount"]), s["months_paid"])


@transaction.atomic
def disburse_loan(*, actor, application, on: date | None = None) -> Loan:
    application = _transition(actor, application, "disburse")
    state = quotes.LoanState.new(application.principal, application.term_months, application.method,
                                 application.annual_rate)
    loan = Loan.objects.create(application=application, principal=application.principal,
                               term_months=application.term_months, method=application.method,
                               annual_rate=application.annual_rate, disbursed_on=on or timezone.localdate(),
                               policy_id=application.policy_id, state=_state_json(state))
    return loan


@transaction.atomic
def repay(*, actor, loan: Loan, idempotency_key: str, paid_on: date | None = None) -> Repayment:
    """Record the next scheduled instalment. Repeating the key returns the first record."""
    _check(actor, "change", Loan, pk=loan.pk)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    existing = Repayment.objects.filter(idempotency_key=idempotency_key).first()
    if existing:
        return existing
    state = _apply_repricing(loan, loan_state(loan))
    if state.closed:
        raise ServiceError("贷款已结清")
    row = next(iter(state.schedule()))
    repayment = Repayment.objects.create(loan=loan, kind=Repayment.Kind.SCHEDULED, month=row.month,
                                         principal=row.principal, interest=row.interest,
                                         paid_on=paid_on or timezone.localdate(), idempotency_key=idempotency_key)
    _save_state(loan, state.advance(1))
    audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=loan, region_id=loan.application.account.region_id,
                 changes={"repayment": [None, f"第{row.month}期 {row.payment}"]})
    return repayment


@transaction.atomic
def prepay_loan(*, actor, loan: Loan, amount, mode: str, idempotency_key: str,
                paid_on: date | None = None) -> quotes.Prepayment:
    """Part or whole prepayment after the instalments paid so far; the schedule is recomputed."""
    _check(actor, "change", Loan, pk=loan.pk)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if Repayment.objects.filter(idempotency_key=idempotency_key).exists():
        raise ServiceError("该提前还款已登记", {"idempotency_key": "重复提交"})
    state = loan_state(loan)
    try:
        result = quotes.prepay(state, amount, mode=mode)
    except quotes.QuoteError as exc:
        raise _policy_error(exc) from exc
    Repayment.objects.create(loan=loan, kind=Repayment.Kind.PREPAYMENT, mode=mode, month=state.months_paid,
                             principal=result.amount, interest=Decimal(0), paid_on=paid_on or timezone.localdate(),
                             idempotency_key=idempotency_key)
    _save_state(loan, result.state)
    audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=loan, region_id=loan.application.account.region_id,
                 changes={"prepayment": [None, str(result.amount)], "mode": [None, mode],
                          "remaining_months": [result.remaining_months_before, result.remaining_months],
                          "payment": [str(result.payment_before), str(result.payment)]})
    return result


def _save_state(loan: Loan, state: quotes.LoanState) -> None:
    loan.state = _state_json(state)
    loan.status = Loan.Status.REPAID if state.closed else Loan.Status.ACTIVE
    loan.save(update_fields=["state", "status"])


def reprice_loans(*, actor, rate_change: date) -> int:
    """Schedule every active loan disbursed before ``rate_change`` to move to the new rate from the first
    instalment due on or after the next 1 January (SPEC §6.6); ``repay`` applies it when that instalment
    comes. Idempotent: one repricing per loan and change."""
    count = 0
    done = set(Repricing.objects.filter(rate_change=rate_change).values_list("loan_id", flat=True))
    loans = (Loan.objects.filter(status=Loan.Status.ACTIVE, disbursed_on__lt=rate_change).exclude(pk__in=done)
             .select_related("application__account"))
    for loan in loans.iterator():
        contract = quotes.Loan(loan.principal, loan.term_months, loan.method, loan.annual_rate, loan.disbursed_on,
                               loan.application.home, loan.application.account.region_id)
        try:
            result = quotes.reprice_on(contract, rate_change)
        except (quotes.QuoteError, policy.PolicyError) as exc:
            raise _policy_error(exc) from exc
        if result is None:
            continue
        with transaction.atomic():
            state = loan_state(loan)
            Repricing.objects.create(loan=loan, rate_change=rate_change, effective_on=result.effective_on,
                                     from_month=max(result.from_month, state.months_paid + 1),
                                     old_rate=result.old_rate, new_rate=result.new_rate.rate)
            audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=loan,
                         region_id=loan.application.account.region_id,
                         changes={"repricing": [str(result.old_rate), str(result.new_rate.rate)],
                                  "effective_on": [None, result.effective_on.isoformat()]})
        count += 1
    return count


def _apply_repricing(loan: Loan, state: quotes.LoanState) -> quotes.LoanState:
    """Before instalment ``months_paid + 1``: switch to a scheduled new rate if one starts by then."""
    due = (Repricing.objects.filter(loan=loan, from_month__lte=state.months_paid + 1, applied_at__isnull=True)
           .order_by("from_month").last())
    if due is None or state.closed:
        return state
    if state.method == quotes.EQUAL_INSTALMENT:
        state = state.recomputed(int(state.balance * 100), state.remaining_months, due.new_rate)
    else:  # equal principal: the principal part does not depend on the rate
        state = quotes.LoanState(state.balance, state.remaining_months, state.method, due.new_rate,
                                 state.fixed_amount, state.months_paid)
    Repricing.objects.filter(loan=loan, applied_at__isnull=True, from_month__lte=state.months_paid + 1).update(
        applied_at=timezone.now())
    loan.annual_rate = due.new_rate
    loan.save(update_fields=["annual_rate"])
    return state
