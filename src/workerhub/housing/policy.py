"""Housing provident fund policy as data: national rate tables, the LPR and per-city flexible-worker rules.

Plain Python, no Django. Everything comes from ``data/policy.json`` (loaded once, validated on load;
structure in ``data/README.md``): a policy change is a new row there, never a code change. Every answer
carries the id of the row or version it came from, so a calculation can record the policy it used.

Cities are GB/T 2260 codes: ``"330500"`` (湖州市), its 4-digit prefix ``"3305"`` or a county inside it
(``"330522"`` 长兴县) all mean Huzhou. Every Zhejiang prefecture in the data gets the national rate
table for quotes (SPEC §6.1: rates are national; second-home rates are the published floors), but only
a city with a flexible-worker policy version (today Huzhou) has eligibility and quota rules:
``city_policy()`` refuses the others.
"""

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("data") / "policy.json"

FIRST, SECOND = "first", "second"
HOMES = (FIRST, SECOND)
HOME_LABELS = {FIRST: "首套住房", SECOND: "第二套住房"}
TIER_SHORT, TIER_LONG = "≤5y", ">5y"
TIER_LABELS = {TIER_SHORT: "5年以下（含5年）", TIER_LONG: "5年以上"}


class PolicyError(ValueError):
    """No policy answers the question (unknown city, date before the data, …); ``str()`` is zh-Hans."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    publisher: str
    date: str | None
    document: str | None
    url: str | None

    def cite(self) -> str:
        """One line for a page or an export: title, document number or URL."""
        where = self.document or ""
        if self.url:
            where = f"{where}; {self.url}" if where else self.url
        return f"{self.publisher}《{self.title}》({where})" if where else f"{self.publisher}《{self.title}》"


@dataclass(frozen=True)
class RateChoice:
    """The HPF loan rate for one loan: annual %, the tier chosen by term, and where it came from."""

    rate: Decimal            # annual %, e.g. Decimal("3.10")
    tier: str                # TIER_SHORT ("≤5y") or TIER_LONG (">5y")
    home: str                # "first" | "second"
    effective_from: date
    policy_id: str           # id of the rate-table row, e.g. "cn-hpf-rate-2022-10-01"
    source: str              # citation
    city: str                # normalised 6-digit prefecture code
    table: str = "national"


@dataclass(frozen=True)
class LprChoice:
    """The 5-year LPR in force on a date (commercial comparisons add their own spread)."""

    rate: Decimal
    effective_from: date
    policy_id: str
    source: str


@dataclass(frozen=True)
class DepositRate:
    rate: Decimal
    effective_from: date
    policy_id: str
    source: str


@dataclass(frozen=True)
class Figure:
    """One policy figure with its provenance; ``assumed`` marks a WorkerHub default (see ``reason``)."""

    name: str
    value: object
    source: str              # key into the sources table
    verified: str
    assumed: bool = False
    reason: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Uplift:
    """A quota uplift: ``percent[home]`` of the current maximum for applicants of ``kind``."""

    kind: str                # "talent" | "new_graduate" | "children"
    label: str
    percent: dict            # home -> Decimal; a home missing here gets no uplift
    min_children: int = 0


@dataclass(frozen=True)
class CityPolicy:
    """One dated version of a city's flexible-worker HPF rules (SPEC §6.1)."""

    id: str
    city: str
    city_name: str
    title: str
    effective_from: date
    effective_to: date | None        # exclusive: the next version's effective_from
    rate_table: str
    deposit_base_min: Decimal        # yuan / month
    deposit_base_max: Decimal
    deposit_ratio_min: Decimal       # % of the base, both shares together
    deposit_ratio_max: Decimal
    monthly_deposits: bool
    lump_sum_deposits: bool
    min_deposit_months: int
    homes: tuple
    max_loan: dict                   # home -> Decimal yuan
    uplifts: tuple                   # of Uplift
    uplift_stacking: str             # "highest": uplifts do not add up
    uplift_cap: dict                 # home -> Decimal yuan
    max_term_months: int
    age_limit: dict                  # "M"/"F" -> age at the end of the loan
    repayment_ratio: Decimal         # % of monthly household income
    balance_multiple: dict           # home -> Decimal
    min_down_payment: dict           # home -> % of the house price
    figures: dict = field(repr=False)  # name -> Figure (every figure with source and verification)

    def figure(self, name: str) -> Figure:
        return self.figures[name]

    def assumed(self) -> list[Figure]:
        """Figures that are WorkerHub defaults rather than published values."""
        return [f for f in self.figures.values() if f.assumed]


# --- loading --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _RateRow:
    id: str
    effective_from: date
    rates: dict              # (home, tier) -> Decimal
    source: str


@dataclass(frozen=True)
class _Data:
    sources: dict
    short_tier_max_months: int
    rate_rows: tuple
    rate_starts: tuple
    deposit_rows: tuple
    lpr_rows: tuple
    cities: dict             # code -> (name, rate_table)
    policies: dict           # code -> tuple[CityPolicy] sorted by effective_from


_REQUIRED_FIGURES = (
    "deposit_base_min", "deposit_base_max", "deposit_ratio_min", "deposit_ratio_max", "monthly_deposits",
    "lump_sum_deposits", "min_deposit_months", "homes", "max_loan", "uplifts", "uplift_stacking", "uplift_cap",
    "max_term_months", "age_limit", "repayment_ratio", "balance_multiple", "min_down_payment",
)


def _source(sources: dict, key: str, where: str) -> str:
    if key not in sources:
        raise ValueError(f"policy.json: {where} cites unknown source {key!r}")
    return key


def _per_home(value: dict, where: str) -> dict:
    if not set(value) <= set(HOMES):
        raise ValueError(f"policy.json: {where} has keys other than {HOMES}")
    return {home: Decimal(v) for home, v in value.items()}


def _city_policy(code: str, name: str, rate_table: str, raw: dict, effective_to, sources: dict) -> CityPolicy:
    where = raw["id"]
    figures = {}
    for fname in _REQUIRED_FIGURES:
        if fname not in raw["figures"]:
            raise ValueError(f"policy.json: {where} lacks figure {fname!r}")
    for fname, f in raw["figures"].items():
        if not f.get("verified"):
            raise ValueError(f"policy.json: {where}.{fname} has no 'verified' note")
        if f.get("assumed") and not f.get("reason"):
            raise ValueError(f"policy.json: {where}.{fname} is assumed without a reason")
        figures[fname] = Figure(fname, f["value"], _source(sources, f["source"], f"{where}.{fname}"), f["verified"],
                                bool(f.get("assumed")), f.get("reason", ""), f.get("unit", ""))
    v = {name_: fig.value for name_, fig in figures.items()}
    uplifts = tuple(Uplift(u["kind"], u["label"], _per_home(u["percent"], f"{where}.uplifts"),
                           int(u.get("min_children", 0))) for u in v["uplifts"])
    homes = tuple(v["homes"])
    if not set(homes) <= set(HOMES):
        raise ValueError(f"policy.json: {where}.homes must be among {HOMES}")
    return CityPolicy(
        id=where, city=code, city_name=name, title=raw["title"],
        effective_from=date.fromisoformat(raw["effective_from"]), effective_to=effective_to, rate_table=rate_table,
        deposit_base_min=Decimal(v["deposit_base_min"]), deposit_base_max=Decimal(v["deposit_base_max"]),
        deposit_ratio_min=Decimal(v["deposit_ratio_min"]), deposit_ratio_max=Decimal(v["deposit_ratio_max"]),
        monthly_deposits=bool(v["monthly_deposits"]), lump_sum_deposits=bool(v["lump_sum_deposits"]),
        min_deposit_months=int(v["min_deposit_months"]), homes=homes,
        max_loan=_per_home(v["max_loan"], f"{where}.max_loan"), uplifts=uplifts,
        uplift_stacking=v["uplift_stacking"], uplift_cap=_per_home(v["uplift_cap"], f"{where}.uplift_cap"),
        max_term_months=int(v["max_term_months"]), age_limit={k: int(a) for k, a in v["age_limit"].items()},
        repayment_ratio=Decimal(v["repayment_ratio"]),
        balance_multiple=_per_home(v["balance_multiple"], f"{where}.balance_multiple"),
        min_down_payment=_per_home(v["min_down_payment"], f"{where}.min_down_payment"),
        figures=figures,
    )


def _dated(rows: list, where: str) -> list:
    starts = [date.fromisoformat(r["effective_from"]) for r in rows]
    if starts != sorted(starts) or len(set(starts)) != len(starts):
        raise ValueError(f"policy.json: {where} must be in strictly increasing effective_from order")
    return starts


@cache
def _data() -> _Data:
    """Read and check policy.json once per process."""
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    sources = {k: Source(k, s["title"], s["publisher"], s.get("date"), s.get("document"), s.get("url"))
               for k, s in raw["sources"].items()}
    national = raw["national"]

    rate_rows = []
    for row, start in zip(national["hpf_loan_rates"], _dated(national["hpf_loan_rates"], "hpf_loan_rates"),
                          strict=True):
        rates = {}
        for home in HOMES:
            rates[(home, TIER_SHORT)] = Decimal(row[home]["le5y"])
            rates[(home, TIER_LONG)] = Decimal(row[home]["gt5y"])
        if any(rates[(SECOND, t)] < rates[(FIRST, t)] for t in (TIER_SHORT, TIER_LONG)):
            raise ValueError(f"policy.json: {row['id']} second-home rate below first-home rate")
        rate_rows.append(_RateRow(row["id"], start, rates, _source(sources, row["source"], row["id"])))

    deposit_rows = [DepositRate(Decimal(r["rate"]), s, r["id"], _source(sources, r["source"], r["id"]))
                    for r, s in zip(national["hpf_deposit_rates"],
                                    _dated(national["hpf_deposit_rates"], "hpf_deposit_rates"), strict=True)]
    lpr_rows = [LprChoice(Decimal(r["rate"]), s, r["id"], _source(sources, r["source"], r["id"]))
                for r, s in zip(national["lpr_5y"], _dated(national["lpr_5y"], "lpr_5y"), strict=True)]

    cities, policies = {}, {}
    for code, city in raw["cities"].items():
        if not re.fullmatch(r"\d{4}00", code):
            raise ValueError(f"policy.json: city {code!r} is not a prefecture code")
        if city["rate_table"] != "national":
            raise ValueError(f"policy.json: city {code} names unknown rate table {city['rate_table']!r}")
        cities[code] = (city["name"], city["rate_table"])
        versions = city["flexible_worker_policies"]
        starts = _dated(versions, f"{code}.flexible_worker_policies")
        ends = [*starts[1:], None][:len(starts)]
        policies[code] = tuple(_city_policy(code, city["name"], city["rate_table"], v, end, sources)
                               for v, end in zip(versions, ends, strict=True))

    return _Data(sources=sources, short_tier_max_months=int(national["short_tier_max_months"]["value"]),
                 rate_rows=tuple(rate_rows), rate_starts=tuple(r.effective_from for r in rate_rows),
                 deposit_rows=tuple(deposit_rows), lpr_rows=tuple(lpr_rows), cities=cities, policies=policies)


# --- look-ups -------------------------------------------------------------------------------------

def source(key: str) -> Source:
    """The citation behind a source key used in a figure or rate row."""
    return _data().sources[key]


def normalise_city(city: str | int) -> str:
    """``"330500"``, ``"3305"`` or a county code such as ``"330522"`` → the 6-digit prefecture code we hold."""
    code = str(city).strip()
    if re.fullmatch(r"\d{4}", code):
        code += "00"
    if not re.fullmatch(r"\d{6}", code):
        raise PolicyError("城市代码应为4位或6位行政区划代码，例如 330500（湖州市）或 3305", "city")
    prefecture = code[:4] + "00"
    if prefecture not in _data().cities:
        raise PolicyError(f"未收录城市 {code} 的住房公积金政策（目前收录浙江省各设区市）", "city")
    return prefecture


def city_name(city: str | int) -> str:
    return _data().cities[normalise_city(city)][0]


def _check_date(on) -> date:
    if not isinstance(on, date):
        raise PolicyError("日期格式应为 YYYY-MM-DD", "on")
    return on


def tier_for(term_months: int) -> str:
    """≤ 60 months takes the 5年以下（含5年） tier, anything longer the 5年以上 tier (PBOC announcements)."""
    return TIER_SHORT if term_months <= _data().short_tier_max_months else TIER_LONG


def rate_for(city: str | int, on: date, home: str, term_months: int) -> RateChoice:
    """The HPF loan rate for a loan in ``city`` agreed on ``on``, by home kind and term.

    National PBOC rates (SPEC §6.1 table, policy.json ``hpf_loan_rates``); acceptance (issue 3):
    Huzhou 2024-03-13 first home 26 years → 3.10%, 2024-06-01 → 2.85%, 2024-03-13 5 years → 2.60%.
    """
    code = normalise_city(city)
    on = _check_date(on)
    if home not in HOMES:
        raise PolicyError("住房类型应为首套（first）或第二套（second）", "home")
    if isinstance(term_months, bool) or not isinstance(term_months, int) or term_months < 1:
        raise PolicyError("贷款期限应为正整数（月）", "term_months")
    data = _data()
    i = bisect_right(data.rate_starts, on) - 1
    if i < 0:
        first = data.rate_starts[0].isoformat()
        raise PolicyError(f"日期 {on.isoformat()} 早于已收录的最早公积金贷款利率（{first} 起），无法确定利率", "on")
    row = data.rate_rows[i]
    tier = tier_for(term_months)
    return RateChoice(rate=row.rates[(home, tier)], tier=tier, home=home, effective_from=row.effective_from,
                      policy_id=row.id, source=data.sources[row.source].cite(), city=code)


def rate_changes() -> list[date]:
    """Dates on which the national HPF loan rates changed (every row after the first)."""
    return list(_data().rate_starts[1:])


def _row_on(rows, on, what: str):
    """The row in force on ``on`` from rows sorted by ``effective_from``."""
    on = _check_date(on)
    i = bisect_right([r.effective_from for r in rows], on) - 1
    if i < 0:
        raise PolicyError(f"日期 {on.isoformat()} 早于{what}（{rows[0].effective_from.isoformat()} 起）", "on")
    return rows[i]


def lpr_on(on: date) -> LprChoice:
    """The 5-year LPR in force on ``on`` (published on the 20th, effective that day)."""
    row = _row_on(_data().lpr_rows, on, "首次公布5年期以上LPR")
    return LprChoice(row.rate, row.effective_from, row.policy_id, _data().sources[row.source].cite())


def deposit_rate_on(on: date) -> DepositRate:
    """The HPF deposit rate for interest settlement (1.50% a year since 2016-02-21, 银发〔2016〕43号)."""
    row = _row_on(_data().deposit_rows, on, "已收录的公积金存款利率")
    return DepositRate(row.rate, row.effective_from, row.policy_id, _data().sources[row.source].cite())


def city_policy(city: str | int, on: date) -> CityPolicy:
    """The flexible-worker policy version of ``city`` in force on ``on``."""
    code = normalise_city(city)
    on = _check_date(on)
    versions = _data().policies[code]
    name = _data().cities[code][0]
    if not versions:
        raise PolicyError(f"未收录{name}的灵活就业人员住房公积金政策，只能按全国利率试算，"
                          "不能判断贷款资格和额度", "city")
    i = bisect_right([v.effective_from for v in versions], on) - 1
    if i < 0:
        raise PolicyError(f"{name}灵活就业人员住房公积金政策自 {versions[0].effective_from.isoformat()} 起实施，"
                          f"{on.isoformat()} 尚无适用政策", "on")
    return versions[i]


def city_policies(city: str | int) -> tuple:
    """Every version for a city, oldest first (for history pages and statistics)."""
    return _data().policies[normalise_city(city)]
