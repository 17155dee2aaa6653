"""Demo data (SPEC §1.9): the demo logins with their roles and regions; idempotent."""

import io

from django.core.management import call_command

from workerhub.core.models import Organisation, Person, User


def test_demo_builds_the_spec_logins_and_running_it_twice_changes_nothing(db):
    call_command("demo", workers=300, enterprises=40, scale=0.01, stdout=io.StringIO())
    counts = (Person.objects.count(), Organisation.objects.count(), User.objects.count())
    call_command("demo", workers=300, enterprises=40, scale=0.01, stdout=io.StringIO())
    assert (Person.objects.count(), Organisation.objects.count(), User.objects.count()) == counts
    # 300 synthetic workers, plus the HPF demo's account holders and the Zhus' spouse (no account), plus the skills
    # demo's 30 Wenzhou candidates (the open session's registrants are among them) and its Ningbo learner pool of
    # max(30, 240 × scale) workers (skills/demo.py), plus the talent demo's 101 people of 宁波舟山港 (10 national
    # model workers, 27 provincial, 64 浙江工匠) and 24 Hangzhou nominees (talent/demo.py).
    assert Person.objects.filter(hpf_accounts__isnull=True).count() == 300 + 1 + 30 + 30 + 101 + 24
    expected = {
        "province": ("federation_admin", "浙江省总工会", "330000"),
        "hangzhou": ("federation_admin", "杭州市总工会", "330100"),
        "xihu": ("federation_admin", "西湖区总工会", "330106"),
        "ningbo": ("federation_admin", "宁波市总工会", "330200"),
        "wenzhou_eval": ("evaluator", "浙江安防职业技术学院", "330304"),
        "huzhou_hpf": ("hpf_clerk", "湖州市住房公积金管理中心", "330500"),
        "xianju_keeper": ("station_keeper", "仙居县兴和门工会户外劳动者服务站", "331024"),
        "worker": ("worker", "杭州市总工会", "330100"),
    }
    for username, (role, org, region) in expected.items():
        user = User.objects.get(username=username)
        binding = user.bindings()[0]
        assert (binding.role, binding.organisation.name, binding.organisation.region_id) == (role, org, region)
        assert user.check_password("workerhub-demo")
        assert user.has_perm("core.view_personal_data") == (username == "province")
    worker = User.objects.get(username="worker")
    assert worker.person.region_id.startswith("3301")
    # Every synthetic ID number is valid and every enterprise credit code too.
    from workerhub.core.rules import parse_id_number, validate_credit_code

    for person in Person.objects.all()[:300]:
        parse_id_number(person.id_number)
    for code in Organisation.objects.exclude(credit_code=None).values_list("credit_code", flat=True):
        validate_credit_code(code)
    # 11 city federations, one per Zhejiang prefecture.
    assert Organisation.objects.filter(kind="federation", region__level="prefecture").count() == 11
