"""Deterministic synthetic Zhejiang for the benchmarks: counties, enterprises and people.

Import after ``django.setup()`` (the word lists come from ``workerhub.core.demo``). Every value is a
pure function of its index, so a chunk of people can be generated in any process, in any order, and
the same index always gives the same person. ID numbers are valid (GB 11643 check character) and
unique by construction: person ``i`` has sequence number ``i % 1000`` and a birth date that moves on
by ``stride`` days every 1,000 people, so no two indices share (birth date, sequence).
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from workerhub.core.demo import GIVEN, INDUSTRIES, OCCUPATIONS, SURNAMES, WORDS, credit_code
from workerhub.core.regions import read_regions
from workerhub.core.rules import id_check_char

SEED = 20240313
BIRTH_FROM = date(1965, 1, 1)
BIRTH_SPAN_DAYS = 38 * 365
EDUCATION = ["junior", "senior", "senior", "college", "college", "bachelor", "bachelor", "master", ""]
EDUCATION_LABEL = {"junior": "初中及以下", "senior": "高中", "college": "大专", "bachelor": "本科", "master": "硕士",
                   "": ""}
EMPLOYMENT_LABEL = {"employee": "在职职工", "flexible": "灵活就业", "retired": "退休"}


@dataclass(frozen=True)
class County:
    code: str
    name: str
    weight: int  # Hangzhou and Ningbo counties are three times as busy, as in the demo data


@cache
def counties() -> tuple[County, ...]:
    """Zhejiang's current county-level units from the shipped GB/T 2260 table (about 90)."""
    rows = read_regions()
    return tuple(County(r["code"], r["name"], 3 if r["code"][:4] in ("3301", "3302") else 1)
                 for r in rows if r["code"].startswith("33") and r["level"] == "county" and not r["valid_to"])


@dataclass(frozen=True)
class Firm:
    name: str
    region: str
    credit_code: str


def enterprises(n: int) -> list[Firm]:
    """``n`` enterprises spread over the counties (weighted), each with a unique valid credit code."""
    rng = random.Random(SEED)
    cs = counties()
    weights = [c.weight for c in cs]
    firms, codes = [], set()
    for i in range(n):
        county = rng.choices(cs, weights)[0]
        code = credit_code(rng, county.code)
        while code in codes:
            code = credit_code(rng, county.code)
        codes.add(code)
        name = f"{county.name.rstrip('区县市')}{rng.choice(WORDS)}{rng.choice(INDUSTRIES)}{i:04d}号有限公司"
        firms.append(Firm(name, county.code, code))
    return firms


@dataclass(frozen=True)
class SynthPerson:
    name: str
    id_number: str
    phone: str
    region: str
    firm: int | None  # index into the enterprises list; None for flexible workers
    occupation: str
    education: str  # Person.Education value
    employment: str  # Person.Employment value
    birth_date: date
    sex: str
    joined: date
    confirmed: bool


class People:
    """People ``0 … n-1`` over ``firms`` (a list of enterprises' regions, in enterprise order)."""

    def __init__(self, n: int, firm_regions: list[str]):
        self.n = n
        self.firm_regions = firm_regions
        self.stride = max(1, BIRTH_SPAN_DAYS // -(-n // 1000))
        self.counties = counties()
        self.weights = [c.weight for c in self.counties]

    def __getitem__(self, i: int) -> SynthPerson:
        rng = random.Random(SEED * 1_000_003 + i)
        roll = rng.random()
        employment = "flexible" if roll < 0.10 else ("retired" if roll < 0.12 else "employee")
        if employment == "flexible":
            firm, region = None, rng.choices(self.counties, self.weights)[0].code
        else:
            firm = rng.randrange(len(self.firm_regions))
            region = self.firm_regions[firm]
        seq = i % 1000
        birth = BIRTH_FROM + timedelta(days=(i // 1000) * self.stride)
        first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        return SynthPerson(
            name=name, id_number=first17 + id_check_char(first17),
            phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}", region=region, firm=firm,
            occupation=rng.choice(OCCUPATIONS), education=rng.choice(EDUCATION), employment=employment,
            birth_date=birth, sex="M" if seq % 2 else "F",
            joined=date(2005, 1, 1) + timedelta(days=rng.randrange(365 * 19)), confirmed=rng.random() > 0.03,
        )
