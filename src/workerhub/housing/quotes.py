"""Loan quotes for housing provident fund loans: equal instalment and equal principal, exact to the fen.

Plain Python, no Django, never float for money (SPEC §6.5). The rules, stated once:

- monthly rate r = annual % / 1200, held as an exact fraction;
- interest of a month = round_half_up(balance × r) to the fen;
- equal instalment (等额本息): payment = round_half_up(P·r·(1+r)^n / ((1+r)^n − 1)), or P/n when r = 0;
  principal of a month = payment − interest;
- equal principal (等额本金): principal of a month = round_half_up(P / n);
- the last month repays whatever is left, so the principal column sums to the loan exactly; a month never
  repays more than is owed (only a tiny loan can be cleared early by rounding — ¥1 over 160 months in
  equal principal pays 0.01 a month and is repaid in month 100; its remaining rows are zero).

Internally every amount is an integer number of fen (SPEC §8.1: integer-fen arithmetic is the fast
path); ``tests/housing/test_quotes.py`` keeps a straightforward Decimal implementation of the same rules
as the oracle and checks that the two agree row by row. Schedules are generators: rows are streamed,
never all held in memory.

Seed (浙江工人日报 2024-03-13, 湖州): ¥700,000 over 30 years at 3.1% in equal instalments against a
commercial 4% — 2,989.11 against 3,341.91 a month.
"""

import calendar
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import islice, repeat
from typing import NamedTuple

from workerhub.housing import policy
from workerhub.housing.policy import RateChoice

EQUAL_INSTALMENT = "equal_instalment"
EQUAL_PRINCIPAL = "equal_principal"
METHODS = (EQUAL_INSTALMENT, EQUAL_PRINCIPAL)
METHOD_LABELS = {EQUAL_INSTALMENT: "等额本息", EQUAL_PRINCIPAL: "等额本金"}
SHORTEN = "shorten"
LOWER_PAYMENT = "lower_payment"
PREPAY_MODES = (SHORTEN, LOWER_PAYMENT)

MIN_PRINCIPAL = Decimal(1)
MAX_PRINCIPAL = Decimal(10_000_000)
MAX_TERM_MONTHS = 360
MAX_RATE = Decimal(20)
RATE_PLACES = 4          # a published rate never has more than 3 decimals (e.g. 3.025)


class QuoteError(ValueError):
    """Bad input to a quote; ``field`` names the input, ``str()`` is a zh-Hans message for the user."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --- input -------------------------------------------------------------------------------------

def _number(value, field: str, message: str) -> Decimal:
    """A finite Decimal from a Decimal, int, str or float (floats via their shortest repr: 3.1 → "3.1")."""
    if isinstance(value, bool):
        raise QuoteError(field, message)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value)) if math.isfinite(value) else Decimal("NaN")
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            raise QuoteError(field, message) from None
    else:
        raise QuoteError(field, message)
    if not number.is_finite():
        raise QuoteError(field, message)
    return number


def _money_fen(value, field: str, label: str, low: Decimal, high: Decimal) -> int:
    message = f"{label}应为{low:,}元至{high:,}元之间的数字"
    amount = _number(value, field, message)
    if not low <= amount <= high:
        raise QuoteError(field, message)
    fen = amount.scaleb(2)
    if fen != fen.to_integral_value():
        raise QuoteError(field, f"{label}最多精确到分（两位小数）")
    return int(fen)


def parse_principal(value, field: str = "principal") -> Decimal:
    """Loan amount in yuan: 1 to 10,000,000, at most two decimals (SPEC §6.5)."""
    return _yuan(_money_fen(value, field, "贷款金额", MIN_PRINCIPAL, MAX_PRINCIPAL))


def parse_term(value, field: str = "term_months") -> int:
    """Term in months: an integer from 1 to 360."""
    message = f"贷款期限应为1至{MAX_TERM_MONTHS}个月的整数"
    if isinstance(value, bool):
        raise QuoteError(field, message)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= MAX_TERM_MONTHS:
        raise QuoteError(field, message)
    return value


def parse_rate(value, field: str = "rate") -> Decimal:
    """Annual rate in percent, 0 to 20, at most four decimals; 3.1 → Decimal("3.10"), 3.025 kept."""
    label = "对比利率" if field == "compare_rate" else "年利率"
    rate = _number(value, field, f"{label}应为0至20之间的百分数，例如 3.1")
    if not 0 <= rate <= MAX_RATE:
        raise QuoteError(field, f"{label}应在0%至20%之间")
    rate = rate.normalize()
    exponent = rate.as_tuple().exponent
    if exponent < -RATE_PLACES:
        raise QuoteError(field, f"{label}最多保留{RATE_PLACES}位小数")
    return rate.quantize(Decimal("0.01")) if exponent > -2 else rate


def parse_method(value, field: str = "method") -> str:
    """``equal_instalment`` (等额本息) or ``equal_principal`` (等额本金); hyphens accepted for the CLI."""
    method = value.strip().replace("-", "_") if isinstance(value, str) else value
    if method not in METHODS:
        raise QuoteError(field, "还款方式应为等额本息（equal_instalment）或等额本金（equal_principal）")
    return method


# --- fen arithmetic ------------------------------------------------------------------------------

def _yuan(fen: int) -> Decimal:
    """Integer fen → Decimal yuan with two places (exact)."""
    return Decimal(f"{fen}e-2")


def _fen(amount: Decimal) -> int:
    return int(amount.scaleb(2))


def _fen_text(fen: int) -> str:
    """Integer fen → "2989.11" without going through Decimal."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    return f"{sign}{whole}.{part:02d}"


def _monthly(rate: Decimal) -> tuple[int, int]:
    """The monthly rate annual%/1200 as an exact fraction a/d in lowest terms (0/1 for a zero rate)."""
    num, den = rate.as_integer_ratio()
    if num == 0:
        return 0, 1
    d = den * 1200
    g = math.gcd(num, d)
    return num // g, d // g


def _instalment(p: int, n: int, a: int, d: int) -> int:
    """round_half_up(p·r·(1+r)^n / ((1+r)^n − 1)) in fen for r = a/d; round_half_up(p/n) when r = 0.

    A float estimate decides the rounding unless it lands within 0.001 fen of a half fen (its error is
    below 1e-5 fen for loans up to 2^40 fen, far above the 10,000,000-yuan limit); then, or for larger
    amounts, the exact integer fraction decides.
    """
    if a == 0:
        return (2 * p + n) // (2 * n)
    if p < 1 << 40:
        r = a / d
        growth = math.expm1(n * math.log1p(r))      # (1+r)^n − 1 without cancellation
        estimate = p * r * (growth + 1) / growth
        low = math.floor(estimate)
        if abs(estimate - low - 0.5) > 1e-3:
            return low + (estimate - low > 0.5)
    g, h = (d + a) ** n, d ** n
    num, den = p * a * g, d * (g - h)
    return (2 * num + den) // (2 * den)


def _fixed(p: int, n: int, method: str, a: int, d: int) -> int:
    """The fixed monthly amount: the payment (equal instalment) or the principal part (equal principal)."""
    if method == EQUAL_INSTALMENT:
        return _instalment(p, n, a, d)
    return (2 * p + n) // (2 * n)


class ScheduleRow(NamedTuple):
    """One month of a schedule. Amounts are held in integer fen; the properties give Decimal yuan."""

    month: int
    payment_fen: int
    principal_fen: int
    interest_fen: int
    balance_fen: int

    @property
    def payment(self) -> Decimal:
        return _yuan(self.payment_fen)

    @property
    def principal(self) -> Decimal:
        return _yuan(self.principal_fen)

    @property
    def interest(self) -> Decimal:
        return _yuan(self.interest_fen)

    @property
    def balance(self) -> Decimal:
        return _yuan(self.balance_fen)

    def as_dict(self) -> dict:
        """JSON-ready: amounts as decimal strings ("2989.11")."""
        return {"month": self.month, "payment": _fen_text(self.payment_fen),
                "principal": _fen_text(self.principal_fen), "interest": _fen_text(self.interest_fen),
                "balance": _fen_text(self.balance_fen)}


def _rows(balance: int, months: int, method: str, a: int, d: int, fixed: int, first: int = 1
          ) -> Iterator[ScheduleRow]:
    """Rows in fen of ``balance`` repaid over ``months``; ``first`` numbers the first row."""
    new, row = tuple.__new__, ScheduleRow        # build rows without NamedTuple's Python-level __new__
    a2, d2 = 2 * a, 2 * d
    b = balance
    last = first + months - 1
    if method == EQUAL_INSTALMENT:
        for month in range(first, last):
            interest = (b * a2 + d) // d2
            principal = fixed - interest
            if principal > b:
                principal = b
            b -= principal
            yield new(row, (month, principal + interest, principal, interest, b))
    else:
        for month in range(first, last):
            interest = (b * a2 + d) // d2
            principal = fixed if fixed <= b else b
            b -= principal
            yield new(row, (month, principal + interest, principal, interest, b))
    if months:
        interest = (b * a2 + d) // d2
        yield new(row, (last, b + interest, b, interest, 0))


def _totals(balance: int, months: int, method: str, a: int, d: int, fixed: int) -> tuple[int, int, int]:
    """(first payment, last payment, total interest) in fen, without building the rows."""
    if months == 0:
        return 0, 0, 0
    a2, d2 = 2 * a, 2 * d
    if months == 1:
        interest = (balance * a2 + d) // d2
        return balance + interest, balance + interest, interest
    if method == EQUAL_INSTALMENT:
        if a:
            # Track x = balance·2a + d: interest = x // 2d and x moves by (interest − payment)·2a.
            x, step = balance * a2 + d, fixed * a2
            for _ in repeat(None, months - 1):
                x += x // d2 * a2 - step
            b = (x - d) // a2
        else:
            b = balance - (months - 1) * fixed
        if b >= 0:  # no month was capped at the balance owed (see the module docstring)
            last_interest = (b * a2 + d) // d2
            return fixed, b + last_interest, b - balance + (months - 1) * fixed + last_interest
    elif (months - 1) * fixed <= balance:
        total, x, step = 0, balance * a2 + d, fixed * a2
        for _ in repeat(None, months):
            total += x // d2
            x -= step
        last = balance - (months - 1) * fixed
        return fixed + (balance * a2 + d) // d2, last + (last * a2 + d) // d2, total
    first = last = total = 0
    for row in _rows(balance, months, method, a, d, fixed):
        if row[0] == 1:
            first = row[1]
        last = row[1]
        total += row[3]
    return first, last, total


# --- schedules -----------------------------------------------------------------------------------

def schedule(principal, term_months, method, annual_rate) -> Iterator[ScheduleRow]:
    """The repayment schedule as a generator of ``ScheduleRow`` (inputs are checked before the first row)."""
    return LoanState.new(principal, term_months, method, annual_rate).schedule()


# --- quotes --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """The same loan at another (e.g. commercial) rate."""

    rate: Decimal
    monthly_payment: Decimal
    first_payment: Decimal
    last_payment: Decimal
    total_interest: Decimal
    total_payment: Decimal


@dataclass(frozen=True)
class Quote:
    """A loan quote (SPEC §6.5). ``monthly_payment`` is the regular payment for equal instalments and
    the first (largest) payment for equal principal; ``policy`` is the rate-table row used, if any."""

    principal: Decimal
    term_months: int
    method: str
    rate: Decimal
    monthly_payment: Decimal
    first_payment: Decimal
    last_payment: Decimal
    total_interest: Decimal
    total_payment: Decimal
    compare: Comparison | None = None
    interest_saved: Decimal | None = None
    policy: RateChoice | None = None


def _summary(p: int, n: int, method: str, rate: Decimal) -> tuple[int, int, int, int]:
    a, d = _monthly(rate)
    fixed = _fixed(p, n, method, a, d)
    first, last, interest = _totals(p, n, method, a, d, fixed)
    return first, first, last, interest


def quote(principal, term_months, method=EQUAL_INSTALMENT, annual_rate=None, compare_rate=None,
          *, rate_choice: RateChoice | None = None) -> Quote:
    """Quote a loan at ``annual_rate`` (annual %), optionally against ``compare_rate``.

    ``interest_saved`` = the comparison's total interest − this loan's total interest.
    """
    p = _money_fen(principal, "principal", "贷款金额", MIN_PRINCIPAL, MAX_PRINCIPAL)
    n = parse_term(term_months)
    method = parse_method(method)
    if annual_rate is None:
        raise QuoteError("rate", "请提供年利率，或提供城市、日期和住房类型以按政策确定利率")
    rate = parse_rate(annual_rate)
    monthly, first, last, interest = _summary(p, n, method, rate)
    compare = saved = None
    if compare_rate is not None:
        c_rate = parse_rate(compare_rate, "compare_rate")
        c_monthly, c_first, c_last, c_interest = _summary(p, n, method, c_rate)
        compare = Comparison(c_rate, _yuan(c_monthly), _yuan(c_first), _yuan(c_last), _yuan(c_interest),
                             _yuan(p + c_interest))
        saved = _yuan(c_interest - interest)
    return Quote(_yuan(p), n, method, rate, _yuan(monthly), _yuan(first), _yuan(last), _yuan(interest),
                 _yuan(p + interest), compare, saved, rate_choice)


def quote_by_policy(principal, term_months, method, city, on: date, home: str, compare_rate=None) -> Quote:
    """Quote at the HPF rate the policy gives for ``city`` on ``on`` (tier chosen by term).

    Raises ``policy.PolicyError`` for an unknown city or a date before the rate table.
    """
    n = parse_term(term_months)
    choice = policy.rate_for(city, on, home, n)
    return quote(principal, n, method, choice.rate, compare_rate, rate_choice=choice)


def max_principal(monthly_payment, term_months, method, annual_rate) -> Decimal:
    """The largest whole-yuan loan whose first monthly payment does not exceed ``monthly_payment``.

    Used for the repayment-capacity limit of the quota (rules.py). Not capped at 10,000,000.
    """
    cap = _fen(_number(monthly_payment, "monthly_payment", "月还款额应为数字").quantize(Decimal("0.01")))
    n = parse_term(term_months)
    method = parse_method(method)
    a, d = _monthly(parse_rate(annual_rate))
    if cap <= 0:
        return _yuan(0)
    r = a / d
    if method == EQUAL_INSTALMENT:
        estimate = cap * n if a == 0 else cap * -math.expm1(-n * math.log1p(r)) / r
    else:
        estimate = cap / (1 / n + r)

    def first_payment(p: int) -> int:
        fixed = _fixed(p, n, method, a, d)
        return fixed if method == EQUAL_INSTALMENT else fixed + (2 * p * a + d) // (2 * d)

    p = int(estimate) // 100 * 100
    while p > 0 and first_payment(p) > cap:
        p -= 100
    while first_payment(p + 100) <= cap:
        p += 100
    return _yuan(p)


# --- loans in progress: prepayment and repricing ----------------------------------------------------

@dataclass(frozen=True)
class LoanState:
    """Where a loan stands: ``balance`` still owed, repaid over ``remaining_months`` more instalments.

    ``fixed_amount`` is the fixed monthly amount the schedule keeps until an event recomputes it: the
    payment (equal instalment) or the principal part (equal principal); the last month takes what is left.
    ``months_paid`` instalments came before, so rows are numbered from ``months_paid + 1``.
    """

    balance: Decimal
    remaining_months: int
    method: str
    annual_rate: Decimal
    fixed_amount: Decimal
    months_paid: int = 0

    @classmethod
    def new(cls, principal, term_months, method, annual_rate) -> "LoanState":
        p = _money_fen(principal, "principal", "贷款金额", MIN_PRINCIPAL, MAX_PRINCIPAL)
        n = parse_term(term_months)
        method = parse_method(method)
        rate = parse_rate(annual_rate)
        a, d = _monthly(rate)
        return cls(_yuan(p), n, method, rate, _yuan(_fixed(p, n, method, a, d)))

    @property
    def closed(self) -> bool:
        return self.remaining_months == 0

    def _args(self) -> tuple:
        a, d = _monthly(self.annual_rate)
        return _fen(self.balance), self.remaining_months, self.method, a, d, _fen(self.fixed_amount)

    def schedule(self) -> Iterator[ScheduleRow]:
        """The remaining rows, streamed."""
        return _rows(*self._args(), first=self.months_paid + 1)

    def totals(self) -> tuple[Decimal, Decimal, Decimal]:
        """(next payment, last payment, interest still to pay) — zeros for a closed loan."""
        return tuple(_yuan(v) for v in _totals(*self._args()))

    def advance(self, months: int) -> "LoanState":
        """The state after ``months`` more instalments are paid as scheduled."""
        if not 0 <= months <= self.remaining_months:
            raise QuoteError("on_month", f"还款期数应在0至{self.remaining_months}之间")
        if months == 0:
            return self
        balance = 0
        for row in islice(_rows(*self._args()), months - 1, months):
            balance = row[4]
        return LoanState(_yuan(balance), self.remaining_months - months, self.method, self.annual_rate,
                         self.fixed_amount, self.months_paid + months)

    def recomputed(self, balance: int, months: int, rate: Decimal) -> "LoanState":
        """A fresh schedule for ``balance`` fen over ``months`` at ``rate``, numbered after this state."""
        if balance == 0 or months == 0:
            return LoanState(_yuan(0), 0, self.method, rate, _yuan(0), self.months_paid)
        a, d = _monthly(rate)
        return LoanState(_yuan(balance), months, self.method, rate, _yuan(_fixed(balance, months, self.method, a, d)),
                         self.months_paid)


@dataclass(frozen=True)
class Prepayment:
    """The result of a part or full prepayment (提前还款), SPEC §6.6."""

    on_month: int                 # instalments paid before the prepayment
    amount: Decimal
    mode: str
    closed: bool                  # full prepayment: the loan is repaid
    balance_before: Decimal
    balance_after: Decimal
    remaining_months_before: int
    remaining_months: int         # after; 0 when closed
    payment_before: Decimal       # the next payment had nothing been prepaid
    payment: Decimal              # the next payment now; 0 when closed
    interest_before: Decimal      # interest still due had nothing been prepaid
    interest_after: Decimal
    interest_saved: Decimal
    state: LoanState              # the new schedule (``state.schedule()``)


def prepay(state: LoanState, amount, on_month: int | None = None, mode: str = SHORTEN) -> Prepayment:
    """Prepay ``amount`` after instalment ``on_month`` (default: now) and recompute the schedule.

    ``shorten`` (缩短期限) keeps the fixed monthly amount — the payment (equal instalment) or the principal
    part (equal principal) — and cuts the term to the months it takes, the last month paying the rest;
    ``lower_payment`` (减少月供) keeps the term and recomputes the payment for the smaller balance.
    Prepaying the whole balance closes the loan.
    """
    if mode not in PREPAY_MODES:
        raise QuoteError("mode", "提前还款方式应为缩短期限（shorten）或减少月供（lower_payment）")
    if on_month is None:
        on_month = state.months_paid
    last_month = state.months_paid + state.remaining_months
    if isinstance(on_month, bool) or not isinstance(on_month, int) or not state.months_paid <= on_month < last_month:
        raise QuoteError("on_month", f"提前还款应在第{state.months_paid}期至第{last_month - 1}期还款之后、贷款还清之前")
    before = state.advance(on_month - state.months_paid)
    prepaid = _money_fen(amount, "amount", "提前还款金额", Decimal("0.01"), before.balance)
    payment_before, _, interest_before = before.totals()
    left = _fen(before.balance) - prepaid
    if not left:
        after = before.recomputed(0, 0, before.annual_rate)
    elif mode == LOWER_PAYMENT:
        after = before.recomputed(left, before.remaining_months, before.annual_rate)
    else:
        after = LoanState(_yuan(left), _months_needed(left, before), before.method, before.annual_rate,
                          before.fixed_amount, before.months_paid)
    payment_after, _, interest_after = after.totals()
    return Prepayment(on_month=on_month, amount=_yuan(prepaid), mode=mode, closed=after.closed,
                      balance_before=before.balance, balance_after=after.balance,
                      remaining_months_before=before.remaining_months, remaining_months=after.remaining_months,
                      payment_before=payment_before, payment=payment_after, interest_before=interest_before,
                      interest_after=interest_after, interest_saved=interest_before - interest_after, state=after)


def _months_needed(balance: int, state: LoanState) -> int:
    """Months to repay ``balance`` fen at the state's fixed amount (at most the months remaining)."""
    fixed = _fen(state.fixed_amount)
    months = state.remaining_months
    if state.method == EQUAL_PRINCIPAL:
        return min(months, -(-balance // fixed)) if fixed else months
    a, d = _monthly(state.annual_rate)
    a2, d2 = 2 * a, 2 * d
    for month in range(1, months):
        interest = (balance * a2 + d) // d2
        if balance + interest <= fixed:
            return month
        balance -= fixed - interest
    return months


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 month → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Loan:
    """A disbursed loan: what repricing needs beyond the schedule (date, home kind, city)."""

    principal: Decimal
    term_months: int
    method: str
    annual_rate: Decimal
    disbursed_on: date
    home: str = policy.FIRST
    city: str = "330500"

    def state(self) -> LoanState:
        return LoanState.new(self.principal, self.term_months, self.method, self.annual_rate)

    def due_on(self, month: int) -> date:
        """Instalment ``month`` falls due ``month`` months after disbursement."""
        return add_months(self.disbursed_on, month)


@dataclass(frozen=True)
class Repricing:
    """A loan moved to the new national rate on 1 January after a change (SPEC §6.6)."""

    rate_change: date
    effective_on: date            # 1 January of the year after the change
    from_month: int               # first instalment at the new rate (the first due on or after effective_on)
    old_rate: Decimal
    new_rate: RateChoice
    payment_before: Decimal       # that instalment at the old rate
    payment: Decimal              # that instalment at the new rate
    state: LoanState              # the remaining schedule at the new rate


def reprice_on(loan: Loan, rate_change_date: date, state: LoanState | None = None) -> Repricing | None:
    """Reprice an existing loan after the national HPF rate change of ``rate_change_date``.

    Loans disbursed before a change move to the new rate of their tier (the tier of the contract term)
    on 1 January of the next year — PBOC 2024-05-17: 2024年5月18日前发放的未到期个人住房公积金贷款，
    自2025年1月1日起按调整后的相应档次利率执行. If the year saw several changes the rate in force on
    31 December applies. Returns None when nothing changes: the loan was disbursed on or after the change,
    was repaid before the repricing date, or its rate already is the new one. ``state`` is the loan's
    current state when it has departed from its original schedule (a prepayment); by default the original
    schedule is followed.
    """
    if rate_change_date not in policy.rate_changes():
        changes = "、".join(d.isoformat() for d in policy.rate_changes())
        raise policy.PolicyError(f"{rate_change_date} 不是全国公积金贷款利率调整日（{changes}）", "rate_change_date")
    if loan.disbursed_on >= rate_change_date:
        return None
    effective_on = date(rate_change_date.year + 1, 1, 1)
    months_to = (effective_on.year - loan.disbursed_on.year) * 12 + effective_on.month - loan.disbursed_on.month
    from_month = max(1, months_to)
    if from_month > loan.term_months:
        return None
    new_rate = policy.rate_for(loan.city, date(rate_change_date.year, 12, 31), loan.home, loan.term_months)
    current = state or loan.state()
    if new_rate.rate == current.annual_rate:  # e.g. second homes on 2022-10-01: nothing to reprice
        return None
    if current.months_paid > from_month - 1:
        raise QuoteError("state", "贷款状态晚于重定价日，无法重新定价")
    current = current.advance(min(from_month - 1 - current.months_paid, current.remaining_months))
    if current.closed:
        return None
    if current.method == EQUAL_INSTALMENT:
        repriced = current.recomputed(_fen(current.balance), current.remaining_months, new_rate.rate)
    else:  # the principal part does not depend on the rate; only the interest changes
        repriced = LoanState(current.balance, current.remaining_months, current.method, new_rate.rate,
                             current.fixed_amount, current.months_paid)
    return Repricing(rate_change=rate_change_date, effective_on=effective_on, from_month=from_month,
                     old_rate=current.annual_rate, new_rate=new_rate, payment_before=current.totals()[0],
                     payment=repriced.totals()[0], state=repriced)
