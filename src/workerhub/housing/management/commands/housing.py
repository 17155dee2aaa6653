"""``workerhub housing quote|settle|reprice`` (SPEC §1.7, §6.5).

``quote`` prints a table (or JSON with ``--json``) and exits 0; bad arguments exit 2 with one line on stderr."""

import json
import sys
from datetime import date
from decimal import Decimal, InvalidOperation

from tqdm import tqdm

from workerhub.core.commandline import OneLineCommand, OneLineParser, fail
from workerhub.core.services import ServiceError
from workerhub.housing.api import QuoteIn, make_quote, quote_out


class Command(OneLineCommand):
    help = "住房公积金:贷款试算(quote)、年度结息(settle)、利率调整后重定价(reprice)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True, parser_class=OneLineParser)
        q = sub.add_parser("quote", help="loan quote: monthly payment, totals, saving vs a commercial rate")
        q.add_argument("--principal", required=True)
        term = q.add_mutually_exclusive_group(required=True)
        term.add_argument("--years")
        term.add_argument("--months")
        q.add_argument("--rate", help="annual %% (e.g. 3.1); or give --city and --on")
        q.add_argument("--compare-rate")
        q.add_argument("--method", default="equal-instalment", choices=["equal-instalment", "equal-principal"])
        q.add_argument("--city", help="e.g. 330500 or 3305")
        q.add_argument("--on", help="policy date, YYYY-MM-DD (default today)")
        q.add_argument("--home", default="first", choices=["first", "second"])
        q.add_argument("--schedule", action="store_true")
        q.add_argument("--json", action="store_true")
        s = sub.add_parser("settle", help="yearly interest settlement on 30 June")
        s.add_argument("--year", type=int, required=True)
        s.add_argument("--region", help="only accounts in this region (code or prefix)")
        s.add_argument("--json", action="store_true")
        r = sub.add_parser("reprice", help="schedule repricing of existing loans after a national rate change")
        r.add_argument("--rate-change", required=True, help="date of the change, e.g. 2024-05-18")

    def handle(self, verb, **options):
        return getattr(self, verb)(**options)

    def quote(self, principal, years, months, rate, compare_rate, method, city, on, home, schedule, json, **_):
        term = int(_decimal(months, "--months")) if months else _decimal(years, "--years") * 12
        if term != int(term):
            fail("--years 应能换算为整月数")
        try:
            day = date.fromisoformat(on) if on else None
        except ValueError:
            fail("--on 应为日期 YYYY-MM-DD")
        data = QuoteIn(principal=_decimal(principal, "--principal"), term_months=int(term),
                       method=method.replace("-", "_"), rate=_decimal(rate, "--rate") if rate else None,
                       compare_rate=_decimal(compare_rate, "--compare-rate") if compare_rate else None, city=city,
                       on=day, home=home, schedule=schedule)
        try:
            out = quote_out(make_quote(data), schedule)
        except ServiceError as exc:
            fail(str(exc))
        if json:
            self.stdout.write(_dumps(out))
            return
        self._table(out)

    def _table(self, out):
        labels = [("年利率", out["rate"] + "%"), ("月还款额", out["monthly_payment"]), ("首月还款", out["first_payment"]),
                  ("末月还款", out["last_payment"]), ("利息总额", out["total_interest"]), ("还款总额", out["total_payment"])]
        if out["policy"]:
            p = out["policy"]
            labels.append(("政策", f"{p['id']} {p['tier']} 自{p['effective_from']}起"))
        if out["compare"]:
            labels += [("对比利率", out["compare"]["rate"] + "%"), ("对比月还款", out["compare"]["monthly_payment"]),
                       ("对比利息总额", out["compare"]["total_interest"]), ("节省利息", out["interest_saved"])]
        for label, value in labels:
            self.stdout.write(f"{label:<8}\t{value}")
        if out["schedule"]:
            self.stdout.write("\n期数\t还款额\t本金\t利息\t剩余本金")
            for row in out["schedule"]:
                self.stdout.write(f"{row['month']}\t{row['payment']}\t{row['principal']}\t{row['interest']}\t"
                                  f"{row['balance']}")

    def settle(self, year, region, json, **_):
        from workerhub.housing.settlement import settle_interest

        if not 2000 <= year <= 2100:
            fail("--year 应为 2000 至 2100 之间的年份")
        bar = tqdm(total=0, unit="户", desc=f"{year}年度结息", file=sys.stderr, disable=None)

        def progress(done, total):
            bar.total = total
            bar.update(done - bar.n)

        result = settle_interest(year=year, region=region, progress=progress)
        bar.close()
        self.stdout.write(_dumps(result) if json else
                          f"{year}年度结息:{result['settled']} 户,利息合计 {result['interest']} 元(年利率 {result['rate']}%)")

    def reprice(self, rate_change, **_):
        from workerhub.housing.services import reprice_loans

        try:
            count = reprice_loans(actor=None, rate_change=date.fromisoformat(rate_change))
        except (ValueError, ServiceError) as exc:
            fail(str(exc))
        self.stdout.write(f"已安排 {count} 笔贷款自次年1月1日起按新利率执行")


def _decimal(value: str, flag: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        fail(f"{flag} 应为数字,而不是 {value!r}")
    if not number.is_finite():
        fail(f"{flag} 应为有限的数字")
    return number


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
