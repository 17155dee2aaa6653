"""Huzhou's flexible-worker HPF pilot as demo data (SPEC §1.9, §6.7; seed: 湖州 2024-03-13):
26,000 flexible-worker accounts holding ¥182 million in all, and the Zhu couple — ¥470,000 deposited at
once in September 2023, an ¥800,000 loan over 26 years for a first home as a two-children family,
disbursed in March 2024 and repaid monthly since, repriced on 1 January after each national rate cut.
Idempotent: nothing is added when the Zhus' account exists."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from workerhub.core.demo import GIVEN, PASSWORD, SURNAMES, id_number
from workerhub.core.models import Organisation, Person, Region, Role, RoleBinding, User
from workerhub.core.pii import lookup_hash

from . import services
from .models import Entry, HpfAccount, Posting

ACCOUNTS = 26_000                    # seed: 全市已为2.6万名灵活就业人员开户
DEPOSITED = Decimal("182000000.00")  # seed: 归集住房公积金1.82亿元
SEED = 20230901                      # the pilot's first day


def _aware(d: date):
    return timezone.make_aware(datetime(d.year, d.month, d.day, 10))


@transaction.atomic
def build(stdout=None, scale: float = 1.0) -> None:
    huzhou = Organisation.objects.get(name="湖州市住房公积金管理中心", region_id="330500")
    changxing, _ = Organisation.objects.get_or_create(
        name="湖州市住房公积金管理中心长兴县分中心", region_id="330522",
        defaults={"kind": Organisation.Kind.HPF_CENTRE, "parent": huzhou})
    if HpfAccount.objects.filter(person__name="朱超", centre=changxing).exists():
        return
    zhu = _zhu_couple(changxing)
    # At scale 1 the pilot is the seed's: 26,000 accounts, ¥182,000,000 in all (the Zhus included).
    count = max(1, round(ACCOUNTS * scale))
    total = (DEPOSITED * Decimal(str(scale))).quantize(Decimal("0.01"))
    _pilot_accounts(huzhou, count - 1, total - Decimal(470000))
    if stdout:
        stdout.write(f"公积金账户 {HpfAccount.objects.count()},朱超家庭贷款 {zhu.principal} 元;"
                     f"演示账号 zhuchao(职工,朱超的公积金账户与贷款,密码同下)")


def _person(name, idn, region, phone):
    from workerhub.core.rules import parse_id_number

    p = parse_id_number(idn)
    return Person.objects.create(name=name, id_number=idn, id_number_hash=lookup_hash(idn), phone=phone,
                                 phone_hash=lookup_hash(phone), birth_date=p.birth_date, sex=p.sex, region_id=region,
                                 employment_type=Person.Employment.FLEXIBLE, occupation="个体经营")


def _zhu_couple(centre):
    rng = random.Random(SEED)
    zhu = _person("朱超", id_number(rng, "330522", date(1989, 6, 18)), "330522", "13905721234")
    _person("沈丽", id_number(rng, "330522", date(1990, 11, 2)), "330522", "13905725678")  # spouse (synthetic name)
    user, _ = User.objects.get_or_create(username="zhuchao", defaults={"person": zhu})
    user.set_password(PASSWORD)
    user.person = zhu
    user.save()
    RoleBinding.objects.get_or_create(user=user, role=Role.WORKER, organisation=centre)
    clerk = User.objects.get(username="huzhou_hpf")

    # September 2023: the account opened through 浙里办 and ¥470,000 deposited at once.
    account = services.open_account(actor=user, person=zhu, centre=centre, declared_base=Decimal("8000"),
                                    ratio=Decimal("24"), mode=HpfAccount.Mode.LUMP_SUM, on=date(2023, 9, 5))
    HpfAccount.objects.filter(pk=account.pk).update(opened_at=_aware(date(2023, 9, 5)))
    services.confirm_account(actor=clerk, account=account)
    services.deposit(actor=user, account=account, amount=Decimal("470000"), idempotency_key="demo:zhu:2023-09",
                     value_date=date(2023, 9, 6), memo="浙里办一次性缴存")
    # March 2024, six months later: ¥800,000 over 26 years, first home, two children (+30% quota).
    application = services.apply_for_loan(
        actor=user, account=account, principal=Decimal("800000"), term_months=312, method="equal_instalment",
        home="first", house_price=Decimal("1200000"), monthly_income=Decimal("12000"), children=2,
        on=date(2024, 3, 8))
    services.review_application(actor=clerk, application=application)
    services.approve_application(actor=clerk, application=application)
    loan = services.disburse_loan(actor=clerk, application=application, on=date(2024, 3, 12))
    # Monthly repayments up to today; each national cut reprices the loan on the next 1 January.
    changes = {date(2024, 5, 18): date(2024, 6, 1), date(2025, 5, 8): date(2025, 6, 1)}
    due = date(2024, 4, 12)
    month = 1
    while due <= timezone.localdate():
        for change, announced in changes.items():
            if announced <= due and not loan.repricings.filter(rate_change=change).exists():
                services.reprice_loans(actor=clerk, rate_change=change)
        services.repay(actor=clerk, loan=loan, idempotency_key=f"demo:zhu:loan:{month}", paid_on=due)
        month += 1
        due = date(due.year + (due.month // 12), due.month % 12 + 1, 12)
    return loan


def _pilot_accounts(centre, count: int, total: Decimal) -> None:
    """The rest of the pilot, in bulk: flexible workers across Huzhou's counties, each with one to six
    deposits between September 2023 and March 2024, adding up to the seed's total exactly."""
    rng = random.Random(SEED + 1)
    counties = list(Region.objects.filter(parent_id="330500", valid_to__isnull=True).values_list("code", flat=True))
    people, accounts = [], []
    existing = set(Person.objects.filter(region__code__startswith="3305").values_list("id_number_hash", flat=True))
    while len(people) < count:
        region = rng.choice(counties)
        birth = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 38))
        idn = id_number(rng, region, birth)
        key = lookup_hash(idn)
        if key in existing:
            continue
        existing.add(key)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        people.append(Person(name=name, id_number=idn, id_number_hash=key, birth_date=birth,
                             sex="M" if int(idn[16]) % 2 else "F", region_id=region,
                             employment_type=Person.Employment.FLEXIBLE, occupation=rng.choice(
                                 ["快递员", "网约车司机", "外卖骑手", "个体经营", "自由职业", "家政服务员"])))
    Person.objects.bulk_create(people, batch_size=2000)

    months = [date(2023, m, 1) if m >= 9 else date(2024, m, 1) for m in (9, 10, 11, 12, 1, 2, 3)]
    plans = []
    for i, person in enumerate(people):
        opened = rng.choices(months, weights=[3, 2, 2, 2, 2, 1, 2])[0]
        lump = rng.random() < 0.3
        ratio = Decimal(rng.choice(["10", "12", "16", "20", "24"]))
        base = Decimal(rng.randrange(2300, 12000, 100))
        # Demo accounts are numbered from 33059000000001 so they never meet the service's pk-based numbers.
        accounts.append(HpfAccount(number=f"3305{9_000_000_000 + i + 1}", person=person, centre=centre, region_id=person.region_id,
                                   declared_base=base, ratio=ratio, status=HpfAccount.Status.ACTIVE,
                                   mode=HpfAccount.Mode.LUMP_SUM if lump else HpfAccount.Mode.MONTHLY,
                                   policy_id="huzhou-flex-2023-09-01", confirmed_at=_aware(opened)))
        plans.append((opened, lump))
    HpfAccount.objects.bulk_create(accounts, batch_size=2000)

    # Raw amounts, then scaled to the seed's total; the last deposit takes the rounding remainder.
    raw = []
    for account, (opened, lump) in zip(accounts, plans, strict=True):
        # A monthly payer's latest three months stand for its deposits (keeps `make run` quick).
        dates = [opened] if lump else [m for m in months if m >= opened][-3:]
        weight = Decimal(rng.randrange(20, 200)) * (4 if lump else 1)
        raw += [(account, d + timedelta(days=rng.randrange(0, 27)), weight) for d in dates]
    scale = total / sum(w for _a, _d, w in raw)
    amounts = [(w * scale).quantize(Decimal("0.01")) for _a, _d, w in raw]
    amounts[-1] += total - sum(amounts)
    postings = [Posting(account=a, kind=Posting.Kind.DEPOSIT, amount=amount, idempotency_key=f"demo:pilot:{i}",
                        value_date=d, memo="演示数据", policy_id="huzhou-flex-2023-09-01")
                for i, ((a, d, _w), amount) in enumerate(zip(raw, amounts, strict=True))]
    Posting.objects.bulk_create(postings, batch_size=2000)
    entries = []
    for p in postings:
        entries.append(Entry(posting_id=p.pk, account_id=p.account_id, book=Entry.Book.MEMBER, amount=p.amount))
        entries.append(Entry(posting_id=p.pk, account_id=None, book=Entry.Book.BANK, amount=-p.amount))
    Entry.objects.bulk_create(entries, batch_size=4000)
    # opened_at follows the first deposit month so the monthly statistics show the pilot's growth
    for opened in months:
        ids = [a.pk for a, (o, _l) in zip(accounts, plans, strict=True) if o == opened]
        HpfAccount.objects.filter(pk__in=ids).update(opened_at=_aware(opened))
