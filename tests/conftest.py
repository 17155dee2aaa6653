"""The cast shared by every test: organisations and people in known regions, and one user per role.

Values that tests assert on are written out here (valid ID numbers and credit codes computed once
with the GB 11643 / GB 32100 check characters), never random.
"""

import shutil
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from workerhub.core.models import Organisation, Person, Region, Role, RoleBinding, User
from workerhub.core.pii import lookup_hash

PASSWORD = "workerhub-test-pass"


@dataclass
class World:
    orgs: dict
    people: dict
    users: dict

    def client(self, username: str | None) -> Client:
        client = Client()
        if username:
            client.force_login(self.users[username])
        return client


def make_person(name, id_number, region, *, employer=None, phone=None, employment="employee", union=None):
    from workerhub.core.rules import parse_id_number

    parsed = parse_id_number(id_number)
    return Person.objects.create(
        name=name, id_number=id_number, id_number_hash=lookup_hash(id_number), phone=phone,
        phone_hash=lookup_hash(phone) if phone else "", birth_date=parsed.birth_date, sex=parsed.sex,
        region_id=region, employer=employer, employment_type=employment, union=union)


@pytest.fixture
def world(db) -> World:
    org = Organisation.objects.create
    province = org(name="浙江省总工会", kind="federation", region_id="330000")
    hangzhou = org(name="杭州市总工会", kind="federation", region_id="330100", parent=province)
    xihu = org(name="西湖区总工会", kind="federation", region_id="330106", parent=hangzhou)
    ningbo = org(name="宁波市总工会", kind="federation", region_id="330200", parent=province)
    firm_xihu = org(name="西湖数据科技有限公司", kind="enterprise", region_id="330106",
                    credit_code="91330106MA2B3C4D5D")
    firm_shangcheng = org(name="上城机械有限公司", kind="enterprise", region_id="330102",
                          credit_code="91330102MA2C4D5E6Y")
    firm_ningbo = org(name="北仑港务有限公司", kind="enterprise", region_id="330206",
                      credit_code="91330206MA2D5E6F79")
    hpf = org(name="湖州市住房公积金管理中心", kind="hpf_centre", region_id="330500",
              credit_code="12330500MB12345670")
    college = org(name="浙江安防职业技术学院", kind="evaluator", region_id="330304")
    station = org(name="仙居县兴和门工会户外劳动者服务站", kind="station_operator", region_id="331024")
    orgs = {k: v for k, v in locals().items() if isinstance(v, Organisation)}

    people = {
        "xihu": make_person("王西湖", "330106198503122015", "330106", employer=firm_xihu, phone="13800138001",
                            union=firm_xihu),
        "shangcheng": make_person("李上城", "330102199007011235", "330102", employer=firm_shangcheng,
                                  phone="13900139002", union=firm_shangcheng),
        "ningbo": make_person("张北仑", "330206197811203459", "330206", employer=firm_ningbo, phone="13700137003"),
        "huzhou_flex": make_person("赵灵活", "330502199305054569", "330502", phone="13600136004",
                                   employment="flexible"),
        "huzhou_emp": make_person("钱湖州", "33050219880808567X", "330502", phone="13500135005"),
    }

    def user(username, role=None, organisation=None, person=None):
        u = User.objects.create_user(username=username, password=PASSWORD, person=person)
        if role:
            RoleBinding.objects.create(user=u, role=role, organisation=organisation)
        return u

    users = {
        "province": user("province", Role.FEDERATION_ADMIN, province),
        "hangzhou": user("hangzhou", Role.FEDERATION_ADMIN, hangzhou),
        "xihu": user("xihu", Role.FEDERATION_ADMIN, xihu),
        "ningbo": user("ningbo", Role.FEDERATION_ADMIN, ningbo),
        "firm_xihu": user("firm_xihu", Role.ENTERPRISE_UNION, firm_xihu),
        "huzhou_hpf": user("huzhou_hpf", Role.HPF_CLERK, hpf),
        "wenzhou_eval": user("wenzhou_eval", Role.EVALUATOR, college),
        "xianju_keeper": user("xianju_keeper", Role.STATION_KEEPER, station),
        "worker": user("worker", Role.WORKER, firm_shangcheng, person=people["shangcheng"]),
        "nobody": user("nobody"),
    }
    users["province"].user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    return World(orgs, people, users)


# Which people each role must see (SPEC §0); the scope matrix compares every page and endpoint with this.
VISIBLE_PEOPLE = {
    "province": {"xihu", "shangcheng", "ningbo", "huzhou_flex", "huzhou_emp"},
    "hangzhou": {"xihu", "shangcheng"},
    "xihu": {"xihu"},
    "ningbo": {"ningbo"},
    "firm_xihu": {"xihu"},
    "huzhou_hpf": {"huzhou_flex"},
    "wenzhou_eval": set(),
    "xianju_keeper": set(),
    "worker": {"shangcheng"},
    "nobody": set(),
    None: set(),
}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser (research/libraries-infra.md §6)."""
    return {**browser_type_launch_args, "executable_path": shutil.which("chromium")}


def region(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in a per-process cache (core/ratelimit.py): start every test with none counted."""
    from django.core.cache import caches

    caches["ratelimit"].clear()
