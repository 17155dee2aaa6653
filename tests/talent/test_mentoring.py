"""Mentoring (师带徒, SPEC §2.4): pairs with a goal, closed with an outcome, and the credit a master earns from what
the apprentices achieve after the pair's start — counted by hand below and compared with ``mentoring_credits``."""

from datetime import date
from itertools import count

import pytest

from tests.conftest import make_person
from workerhub.core.models import AuditEntry
from workerhub.core.rules import mask_id_number
from workerhub.core.services import ServiceError
from workerhub.skills import services as skills_services
from workerhub.skills.models import Certificate, Occupation
from workerhub.talent import selectors as reads
from workerhub.talent.models import Mentorship
from workerhub.talent.services import people as services

_numbers = count(1)


def certificate(person, level: int, issued_on: date, *, kind="skill_level", revoked_on: date | None = None,
                issuer=None):
    """A certificate row as skills issues it (the fields the timeline and the credit read)."""
    occupation = Occupation.objects.get(name="数据标注员")
    issuer = issuer or person.employer
    return Certificate.objects.create(
        number=f"T-{next(_numbers):06d}", kind=kind, person=person, holder_name=person.name,
        holder_id_masked=mask_id_number(person.id_number), occupation=occupation, occupation_name=occupation.name,
        level=level, issuer=issuer, issuer_name=issuer.name, issued_on=issued_on, region_id=person.region_id,
        token="t", status="revoked" if revoked_on else "valid", revoked_on=revoked_on,
        revoked_reason="证书信息有误" if revoked_on else "")


def competition_result(world, person, *, tier: str, held_on: date, rank=None, award="", contest_class=1,
                       name="技能竞赛"):
    comp = skills_services.create_competition(actor=None, name=name, tier=tier, organiser=world.orgs["hangzhou"],
                                              region_id="330100", held_on=held_on,
                                              contest_class=None if tier == "national" else contest_class)
    event = skills_services.add_competition_event(actor=None, competition=comp, name="数据标注")
    return skills_services.record_result(actor=None, event=event, person=person, rank=rank, award=award)


@pytest.fixture
def apprentices(world):
    firm = world.orgs["firm_xihu"]
    return [make_person(name, idn, "330106", employer=firm) for name, idn in (
        ("周一徒", "330106199501011236"), ("吴二徒", "330106199602022348"), ("郑三徒", "33010619970303345X"),
        ("冯四徒", "330106199804044561"))]


def pair(master, apprentice, started_on, **goal):
    return services.create_mentorship(actor=None, master=master, apprentice=apprentice, started_on=started_on,
                                      **(goal or {"goal": "level", "goal_level": 3}))


def test_credits_count_later_promotions_and_awards_worked_out_by_hand(world, apprentices):
    master, other_master = world.people["xihu"], world.people["shangcheng"]
    a1, a2, a3, a4 = apprentices
    # A1, paired 2022-01-01: held 四级 since 2020; 三级 in 2023 is better → promoted. Second in a city 一类 contest
    # (an award); tenth in a provincial 一类 contest earns nothing (no award).
    pair(master, a1, date(2022, 1, 1))
    certificate(a1, 4, date(2020, 6, 1))
    certificate(a1, 3, date(2023, 3, 1))
    competition_result(world, a1, tier="city", held_on=date(2023, 5, 1), rank=2)
    competition_result(world, a1, tier="provincial", held_on=date(2023, 6, 1), rank=10)
    # A2, paired 2022-01-01: held 三级 since 2021; a later 四级 is worse → not promoted. First place in 2021 came
    # before the pair; fifth in a provincial 一类 contest in 2023 earns 浙江省技术能手 (a granted credit) → award.
    pair(master, a2, date(2022, 1, 1))
    certificate(a2, 3, date(2021, 6, 1))
    certificate(a2, 4, date(2023, 2, 1))
    competition_result(world, a2, tier="city", held_on=date(2021, 12, 1), rank=1)
    competition_result(world, a2, tier="provincial", held_on=date(2023, 4, 1), rank=5)
    # A3, paired 2023-01-01, no certificate before: any later one counts → promoted (五级). A national 铜牌 → award.
    pair(master, a3, date(2023, 1, 1), goal="competition", goal_text="全国数据标注技能竞赛")
    certificate(a3, 5, date(2023, 9, 1))
    competition_result(world, a3, tier="national", held_on=date(2024, 4, 1), award="铜牌")
    # A4, paired 2023-01-01: a 三级 issued on the pairing day is what they held (not later); a later 二级 was revoked
    # and an enterprise certificate is not a skill level → not promoted.
    pair(master, a4, date(2023, 1, 1))
    certificate(a4, 3, date(2023, 1, 1))
    certificate(a4, 2, date(2023, 8, 1), revoked_on=date(2023, 12, 1))
    certificate(a4, 2, date(2023, 8, 2), kind="enterprise")
    # The same master took A1 again later: A1 still counts once.
    Mentorship.objects.filter(master=master, apprentice=a1).update(status="ended", ended_on=date(2023, 6, 30))
    pair(master, a1, date(2024, 1, 1), goal="other", goal_text="带教数据质检")
    # Another master had A2 since 2020 (before any certificate): 三级 in 2021 counts → promoted; both of A2's placed
    # results (2021 first place, 2023 fifth with a credit) are awards.
    pair(other_master, a2, date(2020, 1, 1))

    credits = reads.mentoring_credits()
    assert credits[master.pk] == {"apprentices": 4, "promoted": 2, "awards": 3}
    assert credits[other_master.pk] == {"apprentices": 1, "promoted": 1, "awards": 2}
    assert reads.mentoring_credits([other_master.pk]) == {other_master.pk: credits[other_master.pk]}
    assert reads.mentoring_credits([a1.pk]) == {}  # an apprentice who took no apprentice has no entry


def test_credits_are_one_query_whatever_the_number_of_masters(world, apprentices, django_assert_num_queries):
    for i, a in enumerate(apprentices):
        pair(world.people["xihu"] if i % 2 else world.people["shangcheng"], a, date(2022, 1, 1))
        certificate(a, 4, date(2023, 1, 1))
    with django_assert_num_queries(1):
        assert len(reads.mentoring_credits()) == 2


def test_a_pair_is_refused_with_reasons_and_nothing_written(world, apprentices):
    master = world.people["xihu"]
    with pytest.raises(ServiceError, match="师傅和徒弟不能是同一人"):
        pair(master, master, date(2023, 1, 1))
    with pytest.raises(ServiceError, match="须选择一至五级"):
        services.create_mentorship(actor=None, master=master, apprentice=apprentices[0], started_on=date(2023, 1, 1),
                                   goal="level")
    with pytest.raises(ServiceError, match="须填写目标说明"):
        services.create_mentorship(actor=None, master=master, apprentice=apprentices[0], started_on=date(2023, 1, 1),
                                   goal="other")
    assert not Mentorship.objects.exists()
    pair(master, apprentices[0], date(2023, 1, 1))
    with pytest.raises(ServiceError, match="已有进行中的师徒结对"):
        pair(master, apprentices[0], date(2023, 2, 1))
    assert Mentorship.objects.count() == 1


def test_people_out_of_the_actors_scope_cannot_be_paired(world, apprentices):
    # The Ningbo officer sees neither the West Lake master nor the apprentice.
    with pytest.raises(PermissionError):
        services.create_mentorship(actor=world.users["ningbo"], master=world.people["xihu"],
                                   apprentice=apprentices[0], started_on=date(2023, 1, 1), goal="level", goal_level=3)
    # The West Lake enterprise union pairs its own workers, not another enterprise's.
    with pytest.raises(PermissionError):
        services.create_mentorship(actor=world.users["firm_xihu"], master=world.people["xihu"],
                                   apprentice=world.people["shangcheng"], started_on=date(2023, 1, 1), goal="level",
                                   goal_level=3)
    made = services.create_mentorship(actor=world.users["firm_xihu"], master=world.people["xihu"],
                                      apprentice=apprentices[0], started_on=date(2023, 1, 1), goal="level",
                                      goal_level=3)
    assert made.region_id == "330106"  # the master's region
    entry = AuditEntry.objects.get(object_type="talent.mentorship", object_id=str(made.pk))
    assert entry.action == "create" and entry.changes["goal_level"] == [None, 3]


def test_closing_records_the_outcome_once(world, apprentices):
    made = pair(world.people["xihu"], apprentices[0], date(2023, 1, 1))
    with pytest.raises(ServiceError, match="不能早于结对日期 2023-01-01"):
        services.close_mentorship(actor=world.users["xihu"], pair=made, status="achieved", ended_on=date(2022, 12, 1),
                                  outcome="取得三级")
    done = services.close_mentorship(actor=world.users["xihu"], pair=made, status="achieved",
                                     ended_on=date(2024, 3, 1), outcome="取得三级/高级工证书")
    assert (done.status, done.ended_on, done.outcome) == ("achieved", date(2024, 3, 1), "取得三级/高级工证书")
    with pytest.raises(ServiceError, match="已达成，不能再次结束"):
        services.close_mentorship(actor=world.users["xihu"], pair=made, status="ended", ended_on=date(2024, 3, 2),
                                  outcome="x")
    with pytest.raises(PermissionError):
        services.close_mentorship(actor=world.users["ningbo"], pair=pair(world.people["xihu"], apprentices[1],
                                                                          date(2023, 1, 1)),
                                  status="ended", ended_on=date(2024, 1, 1), outcome="调岗")
    entry = AuditEntry.objects.filter(object_type="talent.mentorship", action="transition").get()
    assert entry.changes["status"] == ["active", "achieved"]


def test_the_masters_page_shows_what_each_apprentice_achieved(world, apprentices):
    master = world.people["xihu"]
    pair(master, apprentices[0], date(2022, 1, 1))
    certificate(apprentices[0], 4, date(2021, 1, 1))
    certificate(apprentices[0], 3, date(2023, 3, 1))
    competition_result(world, apprentices[0], tier="city", held_on=date(2023, 5, 1), rank=1, name="杭州市数据标注大赛")
    page = world.client("xihu").get(f"/talent/mentoring/masters/{master.pk}/").content.decode()
    assert "王西湖 的徒弟成果" in page
    assert '<dd id="credit-apprentices">1</dd>' in page and '<dd id="credit-promoted">1</dd>' in page
    assert '<dd id="credit-awards">1</dd>' in page
    assert "2023-03-01 职业技能等级证书 · 数据标注员 三级/高级工" in page and "晋级" in page
    assert "杭州市数据标注大赛 · 数据标注:第 1 名" in page
    assert "2021-01-01" not in page  # held before the pair: not the master's credit
    assert world.client("ningbo").get(f"/talent/mentoring/masters/{master.pk}/").status_code == 404
