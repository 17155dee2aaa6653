"""Reads for HPF pages, the API and statistics; every one starts from ``restrict``."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from workerhub.core import scope
from workerhub.core.models import Region

from .models import Entry, HpfAccount, Loan, LoanApplication, Posting


def accounts(user, action="view"):
    return HpfAccount.objects.restrict(user, action).select_related("person", "centre", "region")


def balances(account_ids) -> dict:
    """Balances of many accounts in one query (the list page)."""
    rows = (Entry.objects.filter(account_id__in=list(account_ids), book=Entry.Book.MEMBER)
            .values("account_id").annotate(s=Sum("amount")))
    return {r["account_id"]: r["s"] for r in rows}


def ledger(account, limit=200):
    return Posting.objects.filter(account=account).order_by("-value_date", "-id")[:limit]


def applications(user, action="view"):
    return LoanApplication.objects.restrict(user, action).select_related("account__person", "account__region")


def statistics(user) -> dict:
    """Accounts opened, deposits collected and loans issued, by city and by month (SPEC §6.7).

    Federation officers may see these totals for their region although they cannot open accounts."""
    accts = HpfAccount.objects.restrict(user, "report")
    deposits = Posting.objects.filter(kind=Posting.Kind.DEPOSIT, account__in=accts)
    loans = Loan.objects.filter(application__account__in=accts)
    city_names = dict(Region.objects.filter(level="prefecture").values_list("code", "name"))

    by_city = defaultdict(lambda: {"accounts": 0, "deposits": 0, "loans": 0, "loan_amount": 0})
    for row in accts.values("region_id").annotate(n=Count("id")):
        by_city[row["region_id"][:4]]["accounts"] += row["n"]
    for row in deposits.values("account__region_id").annotate(s=Sum("amount")):
        by_city[row["account__region_id"][:4]]["deposits"] += row["s"]
    for row in loans.values("application__account__region_id").annotate(n=Count("id"), s=Sum("principal")):
        city = by_city[row["application__account__region_id"][:4]]
        city["loans"] += row["n"]
        city["loan_amount"] += row["s"]

    months = defaultdict(lambda: {"accounts": 0, "deposits": 0, "loans": 0})
    for row in accts.annotate(m=TruncMonth("opened_at")).values("m").annotate(n=Count("id")):
        months[row["m"].strftime("%Y-%m")]["accounts"] += row["n"]
    for row in deposits.annotate(m=TruncMonth("value_date")).values("m").annotate(s=Sum("amount")):
        months[row["m"].strftime("%Y-%m")]["deposits"] += row["s"]
    for row in loans.annotate(m=TruncMonth("disbursed_on")).values("m").annotate(n=Count("id")):
        months[row["m"].strftime("%Y-%m")]["loans"] += row["n"]
    # SQLite adds decimals in binary floating point: every sum is rounded back to the fen.
    cities = [{"code": code.ljust(6, "0"), "name": city_names.get(code.ljust(6, "0"), code),
               **{k: _fen(x) if k in ("deposits", "loan_amount") else x for k, x in v.items()}}
              for code, v in sorted(by_city.items())]
    for m in months.values():
        m["deposits"] = _fen(m["deposits"])
    return {
        "cities": cities,
        "months": [{"month": m, **v} for m, v in sorted(months.items())],
        "totals": {k: sum(c[k] for c in cities) for k in ("accounts", "deposits", "loans", "loan_amount")},
    }


def may_see_statistics(user) -> bool:
    return scope.may(user, "report", HpfAccount)


def _fen(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))
