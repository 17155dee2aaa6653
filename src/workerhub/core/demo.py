"""The demo data set of the foundations (SPEC §1.9): federations, enterprises, ~5,000 synthetic
workers with valid synthetic ID numbers, and the demo logins. Deterministic and idempotent: every
row has a natural key, so running ``workerhub demo`` twice changes nothing."""

import random
from datetime import date, timedelta

from django.contrib.auth.models import Permission
from django.db import transaction

from .models import Organisation, Person, Region, Role, RoleBinding, User
from .pii import lookup_hash
from .rules import id_check_char, uscc_check_char

PASSWORD = "workerhub-demo"
SEED = 20240313  # the front page's date

# username -> (role, organisation name, region code) — SPEC §1.9
DEMO_USERS = [
    ("province", Role.FEDERATION_ADMIN, "浙江省总工会", "330000"),
    ("hangzhou", Role.FEDERATION_ADMIN, "杭州市总工会", "330100"),
    ("xihu", Role.FEDERATION_ADMIN, "西湖区总工会", "330106"),
    ("ningbo", Role.FEDERATION_ADMIN, "宁波市总工会", "330200"),
    ("wenzhou_eval", Role.EVALUATOR, "浙江安防职业技术学院", "330304"),
    ("huzhou_hpf", Role.HPF_CLERK, "湖州市住房公积金管理中心", "330500"),
    ("xianju_keeper", Role.STATION_KEEPER, "仙居县兴和门工会户外劳动者服务站", "331024"),
    ("worker", Role.WORKER, "杭州市总工会", "330100"),
]

# Organisations the seed names: (name, kind, region, parent name)
SEED_ORGANISATIONS = [
    ("浙江安防职业技术学院", Organisation.Kind.EVALUATOR, "330304", None),
    ("中国(温州)数安港", Organisation.Kind.ENTERPRISE, "330304", None),
    ("湖州市住房公积金管理中心", Organisation.Kind.HPF_CENTRE, "330500", None),
    ("仙居县兴和门工会户外劳动者服务站", Organisation.Kind.STATION_OPERATOR, "331024", "仙居县总工会"),
    ("仙居农商银行", Organisation.Kind.BANK, "331024", None),
    ("浙商银行", Organisation.Kind.BANK, "330100", None),
    ("宁波舟山港集团有限公司", Organisation.Kind.ENTERPRISE, "330206", None),
    ("宁波世纪恒祥自控技术有限公司", Organisation.Kind.ENTERPRISE, "330212", None),
    ("西子联合控股有限公司", Organisation.Kind.ENTERPRISE, "330102", None),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆范汪廖石金贾夏韦付方邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力兰春梅海波宁鹏飞亮斌晨阳燕雪琳晓婷俊峰浩宇欣怡子涵佳琪嘉豪思远志强国庆永康建国卫东丹凤"
INDUSTRIES = ["机械制造", "电子科技", "纺织", "新材料", "汽车零部件", "物流", "建设", "食品", "化工", "智能装备",
              "信息技术", "电气", "精密模具", "医药", "港务", "环境服务", "数据科技", "家居"]
WORDS = ["华", "恒", "新", "东方", "远大", "信达", "宏达", "金", "永", "安", "泰", "创", "博", "鼎", "天成", "明", "瑞"]
OCCUPATIONS = ["电工", "焊工", "车工", "钳工", "数控车工", "数据标注员", "数据安全管理员", "网络与信息安全管理员",
               "工业机器人系统操作员", "快递员", "环卫工", "汽车维修工", "港口装卸工", "化工总控工", "营养配餐员",
               "CAD绘图员", "供应链管理师", "电子商务师", "育婴员", "起重装卸机械操作工"]
EDUCATION = ["junior", "senior", "senior", "college", "college", "bachelor", "bachelor", "master"]


def credit_code(rng: random.Random, region_code: str) -> str:
    """A synthetic but valid unified social credit code (GB 32100): 91 = enterprise, region, org code."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = "91" + region_code + "".join(rng.choice(alphabet[:10]) for _ in range(8)) + rng.choice(alphabet)
    return first17 + uscc_check_char(first17)


def id_number(rng: random.Random, region_code: str, birth: date) -> str:
    first17 = f"{region_code}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_char(first17)


def _org(name, kind, region, parent=None, code=None) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        name=name, region_id=region, defaults={"kind": kind, "parent": parent, "credit_code": code})
    return org


@transaction.atomic
def build(*, workers: int = 5000, enterprises: int = 300, stdout=None) -> None:
    rng = random.Random(SEED)
    zj = Region.objects.filter(code__startswith="33", valid_to__isnull=True)
    cities = list(zj.filter(level="prefecture").order_by("code"))
    counties = list(zj.filter(level="county").order_by("code"))

    province = _org("浙江省总工会", Organisation.Kind.FEDERATION, "330000")
    city_feds = {c.code: _org(f"{c.name}总工会", Organisation.Kind.FEDERATION, c.code, province) for c in cities}
    county_feds = {c.code: _org(f"{c.name}总工会", Organisation.Kind.FEDERATION, c.code,
                                city_feds[c.parent_id]) for c in counties}
    for name, kind, region, parent in SEED_ORGANISATIONS:
        _org(name, kind, region, county_feds.get(region) if parent else None)

    # Enterprises, each with a valid credit code, spread over the counties (Hangzhou and Ningbo busier).
    weights = [3 if c.code[:4] in ("3301", "3302") else 1 for c in counties]
    firms = list(Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE))
    for i in range(len(firms), enterprises):
        county = rng.choices(counties, weights)[0]
        name = f"{county.name.rstrip('区县市')}{rng.choice(WORDS)}{rng.choice(INDUSTRIES)}有限公司"
        if Organisation.objects.filter(name=name, region=county).exists():
            name = name.replace("有限公司", f"{i}号有限公司")
        firms.append(_org(name, Organisation.Kind.ENTERPRISE, county.code, county_feds[county.code],
                          credit_code(rng, county.code)))

    # People draw from their own generator over the firms in creation order, so a second run
    # regenerates exactly the same rows and skips them by their natural key (the ID number).
    # Only the first ``enterprises`` firms: other apps' demos add enterprises of their own after this one.
    firms = list(Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).order_by("pk")[:enterprises])
    rng = random.Random(SEED + 1)
    existing = set(Person.objects.values_list("id_number_hash", flat=True))
    people = []
    for _ in range(workers):
        firm = rng.choice(firms)
        region = firm.region_id
        flexible = region.startswith("3305") and rng.random() < 0.5 or rng.random() < 0.05
        birth = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 38))
        idn = id_number(rng, region, birth)
        phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        key = lookup_hash(idn)
        joined = date(2005, 1, 1) + timedelta(days=rng.randrange(365 * 19))
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        occupation, education, pending = rng.choice(OCCUPATIONS), rng.choice(EDUCATION), rng.random() < 0.03
        if key in existing:
            continue
        existing.add(key)
        people.append(Person(
            name=name,
            id_number=idn, id_number_hash=key, phone=phone, phone_hash=lookup_hash(phone),
            birth_date=birth, sex="M" if int(idn[16]) % 2 else "F", region_id=region,
            employer=None if flexible else firm, occupation=occupation, education=education,
            employment_type=Person.Employment.FLEXIBLE if flexible else Person.Employment.EMPLOYEE,
            union=county_feds.get(region) if flexible else firm, union_member_since=joined,
            membership_confirmed_at=None if pending else _aware(joined),
        ))
    Person.objects.bulk_create(people, batch_size=2000)

    # The demo worker: a Hangzhou worker with a login (SPEC §1.9).
    hz_firm = Organisation.objects.filter(kind="enterprise", region__code__startswith="3301").order_by("pk").first()
    me = Person.objects.filter(employer=hz_firm).order_by("pk").first()
    perm = Permission.objects.get(codename="view_personal_data", content_type__app_label="core")
    for username, role, org_name, region in DEMO_USERS:
        org = Organisation.objects.get(name=org_name, region_id=region)
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(PASSWORD)
            if username == "worker":
                user.person = me
            user.save()
        RoleBinding.objects.get_or_create(user=user, role=role, organisation=org)
        if username == "province":
            user.user_permissions.add(perm)
    if stdout:
        stdout.write(f"人员 {Person.objects.count()},组织 {Organisation.objects.count()}")


def _aware(d: date):
    from datetime import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime(d.year, d.month, d.day, 9))


def print_logins(write=print) -> None:
    write("\n演示账号(密码均为 workerhub-demo):")
    for username, role, org, region in DEMO_USERS:
        write(f"  {username:<14} {role.label:<10} {org}({region})")
    write("打开 http://127.0.0.1:8000\n")
