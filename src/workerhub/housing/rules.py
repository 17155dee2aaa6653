"""Loan eligibility and loan quota for flexible-worker HPF loans, as explainable pure functions.

Plain Python, no Django (SPEC §6.3, §6.4). Every rule returns its value, its threshold and the outcome
with a zh-Hans sentence ("已缴存4个月，需满6个月"); the quota is the minimum of its limits, each listed
with its value. All figures come from a ``policy.CityPolicy`` version (``data/policy.json``), whose id is
recorded in every result.

Seed (浙江工人日报 2024-03-13, 湖州): six months of deposits before a loan; talent and new graduates
+30% quota; families with two or more children +30% on the current maximum, up to ¥910,000.
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from workerhub.housing import quotes
from workerhub.housing.policy import FIRST, HOME_LABELS, HOMES, CityPolicy

ACCOUNT_NORMAL = "normal"
ACCOUNT_STATUS_LABELS = {"normal": "正常", "sealed": "封存", "frozen": "冻结", "closed": "销户", "pending": "待中心确认"}
_YUAN = Decimal(1)
_CENT = Decimal("0.01")


class RuleError(ValueError):
    """Malformed input to a rule (not a failed rule); ``field`` names it, ``str()`` is zh-Hans."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Applicant:
    """What the rules need to know about a borrower (a household for income and children)."""

    months_deposited: int                    # months of deposits on the account (a lump sum counts from its month)
    age: int                                 # full years at application
    balance: Decimal = Decimal(0)            # HPF account balance, yuan
    monthly_income: Decimal = Decimal(0)     # household monthly income, yuan
    home: str = FIRST                        # "first" | "second"
    sex: str | None = None                   # "M" | "F"; unknown → the lower age limit
    account_status: str = ACCOUNT_NORMAL
    outstanding_hpf_loan: bool = False
    talent: bool = False                     # 引进人才
    new_graduate: bool = False               # 新就业大学生
    children: int = 0
    house_price: Decimal | None = None       # yuan; None → no down-payment limit


@dataclass(frozen=True)
class Check:
    """One eligibility rule: its value, the threshold, whether it passed, and why (zh-Hans)."""

    rule: str
    value: object
    threshold: object
    passed: bool
    message_zh: str


@dataclass(frozen=True)
class Eligibility:
    policy_id: str
    checks: tuple

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


@dataclass(frozen=True)
class Limit:
    """One factor bounding the loan amount, with its value in yuan and an explanation (zh-Hans)."""

    factor: str
    value: Decimal
    note: str

    def __post_init__(self):
        object.__setattr__(self, "value", Decimal(self.value).quantize(_YUAN, ROUND_FLOOR).quantize(_CENT))


@dataclass(frozen=True)
class Quota:
    """The loan quota: the minimum of the limits (SPEC §6.4)."""

    policy_id: str
    annual_rate: Decimal
    term_months: int
    limits: tuple

    @property
    def amount(self) -> Decimal:
        return min(limit.value for limit in self.limits)

    @property
    def binding(self) -> Limit:
        """The limit that sets the quota (the first one, if several tie)."""
        return min(self.limits, key=lambda limit: limit.value)

    def allows(self, principal) -> bool:
        return Decimal(principal) <= self.amount


def _yuan_text(amount: Decimal) -> str:
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def _check_applicant(applicant: Applicant, term_months: int) -> None:
    if applicant.home not in HOMES:
        raise RuleError("home", "住房类型应为首套（first）或第二套（second）")
    if applicant.sex not in (None, "M", "F"):
        raise RuleError("sex", "性别应为 M 或 F")
    for name in ("months_deposited", "age", "children"):
        value = getattr(applicant, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise RuleError(name, "应为非负整数")
    for name in ("balance", "monthly_income"):
        if Decimal(getattr(applicant, name)) < 0:
            raise RuleError(name, "金额不能为负数")
    if applicant.house_price is not None and Decimal(applicant.house_price) <= 0:
        raise RuleError("house_price", "房价应大于0")
    if isinstance(term_months, bool) or not isinstance(term_months, int) or term_months < 1:
        raise RuleError("term_months", "贷款期限应为正整数（月）")


def age_limit(policy: CityPolicy, sex: str | None) -> int:
    """The age the borrower may reach at the end of the loan; the lower limit when sex is unknown."""
    return policy.age_limit[sex] if sex in policy.age_limit else min(policy.age_limit.values())


def eligibility(applicant: Applicant, policy: CityPolicy, term_months: int) -> Eligibility:
    """Check every eligibility rule of ``policy`` for a loan of ``term_months`` (SPEC §6.3).

    Rules: at least ``min_deposit_months`` of deposits (seed: 满半年); the account is in normal status;
    no HPF loan outstanding; the home kind is one the policy lends for; the term is within the maximum
    (30 years); age at the end of the loan within the age limit (湖州: 男68周岁、女63周岁).
    """
    _check_applicant(applicant, term_months)
    a = applicant
    checks = []

    need = policy.min_deposit_months
    ok = a.months_deposited >= need
    checks.append(Check("min_deposit_months", a.months_deposited, need, ok,
                        f"已缴存{a.months_deposited}个月，{'满足' if ok else '需满'}{need}个月" +
                        ("的要求" if ok else "")))

    ok = a.account_status == ACCOUNT_NORMAL
    status = ACCOUNT_STATUS_LABELS.get(a.account_status, a.account_status)
    checks.append(Check("account_status", a.account_status, ACCOUNT_NORMAL, ok,
                        "账户状态正常" if ok else f"账户状态为{status}，需为正常缴存状态"))

    ok = not a.outstanding_hpf_loan
    checks.append(Check("no_outstanding_loan", a.outstanding_hpf_loan, False, ok,
                        "无未结清的住房公积金贷款" if ok else "尚有未结清的住房公积金贷款，需结清后再申请"))

    ok = a.home in policy.homes
    allowed = "、".join(HOME_LABELS[h] for h in policy.homes)
    checks.append(Check("home", a.home, policy.homes, ok,
                        f"购买{HOME_LABELS[a.home]}" + ("" if ok else f"，本政策仅支持{allowed}")))

    ok = term_months <= policy.max_term_months
    checks.append(Check("max_term", term_months, policy.max_term_months, ok,
                        f"贷款期限{term_months}个月，{'不超过' if ok else '超过'}最长{policy.max_term_months}个月"))

    limit = age_limit(policy, a.sex)
    end_age = (Decimal(a.age) + Decimal(term_months) / 12).quantize(Decimal("0.01"))
    ok = a.age * 12 + term_months <= limit * 12
    checks.append(Check("age_limit", end_age, limit, ok,
                        f"贷款到期时年龄约{end_age.normalize():f}岁，{'不超过' if ok else '超过'}{limit}周岁"))

    return Eligibility(policy.id, tuple(checks))


def uplifted_maximum(applicant: Applicant, policy: CityPolicy) -> Limit:
    """The policy maximum after uplifts, capped (seed: 按当期住房公积金贷款最高限额上浮30%确定，最高可贷91万元).

    Each uplift is a percentage of the current maximum; uplifts do not stack — the highest applicable one
    applies (policy figure ``uplift_stacking`` = "highest"; the cap of 910,000 = 700,000 + 30% leaves room
    for one) — and the result never exceeds the uplift cap for the home kind.
    """
    home = applicant.home
    base = policy.max_loan[home]
    applicable = []
    for uplift in policy.uplifts:
        if home not in uplift.percent:
            continue
        qualifies = {
            "talent": applicant.talent,
            "new_graduate": applicant.new_graduate,
            "children": applicant.children >= max(uplift.min_children, 1),
        }.get(uplift.kind, False)
        if qualifies:
            applicable.append(uplift)
    if not applicable:
        return Limit("policy_max", base, f"{HOME_LABELS[home]}最高贷款额度{_yuan_text(base)}元")
    if policy.uplift_stacking != "highest":
        raise RuleError("uplift_stacking", f"未知的上浮规则 {policy.uplift_stacking}")
    best = max(applicable, key=lambda u: u.percent[home])
    percent = best.percent[home]
    raised = (base * (100 + percent) / 100).quantize(_YUAN, ROUND_FLOOR)
    cap = policy.uplift_cap[home]
    value = min(raised, cap)
    others = [u.label for u in applicable if u is not best]
    note = (f"{HOME_LABELS[home]}最高贷款额度{_yuan_text(base)}元，{best.label}上浮{percent.normalize():f}%为"
            f"{_yuan_text(raised)}元，上浮后最高{_yuan_text(cap)}元")
    if others:
        note += f"；同时符合{'、'.join(others)}，上浮不叠加，取最高一项"
    return Limit("policy_max", value, note)


def loan_quota(applicant: Applicant, policy: CityPolicy, term_months: int, annual_rate,
               method: str = quotes.EQUAL_INSTALMENT) -> Quota:
    """The loan quota = the minimum of its limits (SPEC §6.4), each listed with its value.

    Limits: the policy maximum with uplifts and their cap (``uplifted_maximum``); the balance multiple
    (N × account balance); repayment capacity (the largest loan whose first monthly payment at
    ``annual_rate`` over ``term_months`` is at most ``repayment_ratio``% of household monthly income);
    and, when a house price is given, the price less the minimum down payment. Amounts are whole yuan,
    rounded down.
    """
    _check_applicant(applicant, term_months)
    a = applicant
    home = a.home
    rate = quotes.parse_rate(annual_rate)
    method = quotes.parse_method(method)
    limits = [uplifted_maximum(a, policy)]

    multiple = policy.balance_multiple[home]
    balance = Decimal(a.balance)
    limits.append(Limit("balance_multiple", (balance * multiple).quantize(_YUAN, ROUND_FLOOR),
                        f"账户余额{_yuan_text(balance)}元 × {multiple.normalize():f}倍"))

    ratio = policy.repayment_ratio
    income = Decimal(a.monthly_income)
    payment_cap = (income * ratio / 100).quantize(_CENT, ROUND_FLOOR)
    capacity = quotes.max_principal(payment_cap, term_months, method, rate).quantize(_YUAN, ROUND_FLOOR)
    limits.append(Limit("repayment_capacity", capacity,
                        f"家庭月收入{_yuan_text(income)}元 × {ratio.normalize():f}% = "
                        f"月还款上限{_yuan_text(payment_cap)}元，按年利率{rate}%、{term_months}个月"
                        f"{quotes.METHOD_LABELS[method]}可贷{_yuan_text(capacity)}元"))

    if a.house_price is not None:
        price = Decimal(a.house_price)
        down = policy.min_down_payment[home]
        value = (price * (100 - down) / 100).quantize(_YUAN, ROUND_FLOOR)
        limits.append(Limit("house_price", value,
                            f"房价{_yuan_text(price)}元，{HOME_LABELS[home]}最低首付{down.normalize():f}%，"
                            f"可贷{_yuan_text(value)}元"))

    return Quota(policy.id, rate, term_months, tuple(limits))
