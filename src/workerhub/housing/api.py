"""HPF endpoints: the public loan quote (SPEC §6.5, fixed interface) and the account/loan endpoints."""

from datetime import date
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema

from workerhub.core.api import Error, PageQuery, paginate
from workerhub.core.services import ServiceError

from . import policy, quotes, selectors, services

router = Router(tags=["住房公积金"])


def rate_text(rate: Decimal) -> str:
    """``3.10`` for 3.1 (two decimals as the spec shows); three where the rate has them (2.775)."""
    two = rate.quantize(Decimal("0.01"))
    return f"{two:f}" if two == rate else f"{rate.normalize():f}"


def money(value) -> str | None:
    return None if value is None else f"{Decimal(value).quantize(Decimal('0.01')):f}"


class QuoteIn(Schema):
    principal: Decimal = Field(description="贷款金额(元),1 至 10,000,000")
    term_months: int = Field(description="期限(月),1 至 360")
    method: str = Field("equal_instalment", description="equal_instalment(等额本息)或 equal_principal(等额本金)")
    rate: Decimal | None = Field(None, description="年利率(%),0 至 20;不填则按城市政策确定")
    compare_rate: Decimal | None = Field(None, description="对比利率(%),如商业贷款 4.0")
    city: str | None = Field(None, description="城市代码,如 330500 或 3305")
    on: date | None = Field(None, description="按哪一天的政策利率")
    home: str = Field("first", description="first(首套)或 second(二套)")
    schedule: bool = Field(False, description="是否返回逐月还款计划")


class PolicyOut(Schema):
    id: str
    city: str
    table: str
    tier: str
    home: str
    effective_from: date
    source: str


class CompareOut(Schema):
    rate: str
    monthly_payment: str
    total_interest: str


class ScheduleRowOut(Schema):
    month: int
    payment: str
    principal: str
    interest: str
    balance: str


class QuoteOut(Schema):
    monthly_payment: str
    first_payment: str
    last_payment: str
    total_interest: str
    total_payment: str
    rate: str
    policy: PolicyOut | None
    compare: CompareOut | None
    interest_saved: str | None
    schedule: list[ScheduleRowOut] | None = None


def make_quote(data: QuoteIn) -> quotes.Quote:
    """The one place the API, the calculator page and the CLI turn input into a quote."""
    try:
        if data.rate is not None:
            return quotes.quote(data.principal, data.term_months, data.method, data.rate, data.compare_rate)
        if data.city:
            return quotes.quote_by_policy(data.principal, data.term_months, data.method, data.city,
                                          data.on or date.today(), data.home, data.compare_rate)
        raise ServiceError("请提供年利率,或提供城市、日期和住房类型", {"rate": "请提供 rate,或 city + on + home"})
    except (quotes.QuoteError, policy.PolicyError) as exc:
        field = getattr(exc, "field", None) or "request"
        raise ServiceError(getattr(exc, "message", str(exc)), {field: getattr(exc, "message", str(exc))}) from exc


def quote_out(q: quotes.Quote, with_schedule: bool) -> dict:
    choice = q.policy
    return {
        "monthly_payment": money(q.monthly_payment), "first_payment": money(q.first_payment),
        "last_payment": money(q.last_payment), "total_interest": money(q.total_interest),
        "total_payment": money(q.total_payment), "rate": rate_text(q.rate),
        "policy": None if choice is None else {
            "id": choice.policy_id, "city": choice.city, "table": choice.table, "tier": choice.tier,
            "home": choice.home, "effective_from": choice.effective_from, "source": choice.source},
        "compare": None if q.compare is None else {
            "rate": rate_text(q.compare.rate), "monthly_payment": money(q.compare.monthly_payment),
            "total_interest": money(q.compare.total_interest)},
        "interest_saved": money(q.interest_saved),
        "schedule": [row.as_dict() for row in quotes.schedule(q.principal, q.term_months, q.method, q.rate)]
        if with_schedule else None,
    }


@router.post("/housing/quote", auth=None, response={200: QuoteOut, 400: Error}, summary="公积金贷款试算(公开)")
def quote(request, payload: QuoteIn):
    return quote_out(make_quote(payload), payload.schedule)


class AccountOut(Schema):
    id: int
    number: str
    holder: str
    region: str
    status: str
    mode: str
    declared_base: str
    ratio: str
    balance: str
    policy: str


class AccountList(Schema):
    count: int
    page: int
    results: list[AccountOut]


def account_out(a, bal) -> dict:
    return {"id": a.pk, "number": a.number, "holder": a.person.name, "region": a.region_id, "status": a.status,
            "mode": a.mode, "declared_base": money(a.declared_base), "ratio": f"{a.ratio:f}",
            "balance": money(bal or 0), "policy": a.policy_id}


@router.get("/housing/accounts", response={200: AccountList, 400: Error, 401: Error}, summary="公积金账户列表")
def list_accounts(request, filters: Query[PageQuery]):
    count, rows = paginate(selectors.accounts(request.user).order_by("-pk"), filters)
    bal = selectors.balances(a.pk for a in rows)
    return {"count": count, "page": filters.page, "results": [account_out(a, bal.get(a.pk)) for a in rows]}


@router.get("/housing/accounts/{account_id}", response={200: AccountOut, 401: Error, 404: Error},
            summary="公积金账户详情")
def get_account(request, account_id: int):
    account = selectors.accounts(request.user).filter(pk=account_id).first()
    if account is None:
        raise Http404
    return account_out(account, services.balance(account))


class DepositIn(Schema):
    amount: Decimal = Field(description="缴存金额(元)")
    idempotency_key: str = Field(min_length=1, max_length=100, description="同一笔缴存重复提交时使用同一个键")
    value_date: date | None = None


class PostingOut(Schema):
    id: int
    kind: str
    amount: str
    value_date: date
    idempotency_key: str
    balance: str


@router.post("/housing/accounts/{account_id}/deposits", response={201: PostingOut, 400: Error, 401: Error,
                                                                   403: Error, 404: Error}, summary="缴存(幂等)")
def deposit(request, account_id: int, payload: DepositIn):
    account = selectors.accounts(request.user, "view").filter(pk=account_id).first()
    if account is None:
        raise Http404
    posting = services.deposit(actor=request.user, account=account, amount=payload.amount,
                               idempotency_key=payload.idempotency_key, value_date=payload.value_date)
    return 201, {"id": posting.pk, "kind": posting.kind, "amount": money(posting.amount),
                 "value_date": posting.value_date, "idempotency_key": posting.idempotency_key,
                 "balance": money(services.balance(account))}


class AssessQuery(Schema):
    term_months: int = Field(ge=1, le=360)
    method: str = "equal_instalment"
    home: str = "first"
    monthly_income: Decimal = Field(ge=0, le=10_000_000)
    children: int = Field(0, ge=0, le=20)
    talent: bool = False
    new_graduate: bool = False
    house_price: Decimal | None = Field(None, ge=0, le=1_000_000_000)
    on: date | None = None


class CheckOut(Schema):
    rule: str
    value: str | None
    threshold: str | None
    passed: bool
    message_zh: str


class LimitOut(Schema):
    factor: str
    value: str
    note: str


class AssessOut(Schema):
    policy: str
    rate: str
    eligible: bool
    checks: list[CheckOut]
    quota: str
    binding: str
    limits: list[LimitOut]


@router.get("/housing/accounts/{account_id}/assessment", response={200: AssessOut, 400: Error, 401: Error,
                                                                    404: Error}, summary="贷款资格与额度测算")
def assessment(request, account_id: int, query: Query[AssessQuery]):
    account = selectors.accounts(request.user).filter(pk=account_id).first()
    if account is None:
        raise Http404
    result = services.assess(account, on=query.on or date.today(), term_months=query.term_months,
                             method=query.method, home=query.home, monthly_income=query.monthly_income,
                             children=query.children, talent=query.talent, new_graduate=query.new_graduate,
                             house_price=query.house_price)
    return {**result, "rate": rate_text(result["rate"].rate),
            "checks": [{**c, "value": None if c["value"] is None else str(c["value"]),
                        "threshold": None if c["threshold"] is None else str(c["threshold"])} for c in result["checks"]]}
