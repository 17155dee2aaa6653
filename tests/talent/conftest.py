"""Talent fixtures others reuse: the shipped honour catalogue (loaded by migration 0002) and a helper that takes a
subject through the real workflow to a conferred honour."""

from datetime import date, timedelta

import pytest

from workerhub.core import workdays
from workerhub.talent.models import Honour, Nomination
from workerhub.talent.services import nominations as services


@pytest.fixture
def honours(db) -> dict[str, Honour]:
    """Catalogue code → Honour, e.g. honours["hz_craftsman"] (杭州工匠)."""
    return {h.code: h for h in Honour.objects.all()}


def confer(honour: Honour, *, cycle: int, conferred_on: date, person=None, team=None, studio=None, actor=None,
           route: str = "federation", tier: str = "award", direct_grant: bool = False,
           declared: dict | None = None, expert_score=None, decision_number: str = "") -> Nomination:
    """Nominate → review → publicise → confer through the services (``actor=None``: the system, no scope check).

    Review and eligibility run for real, as of three weeks before ``conferred_on``: pick a subject who qualifies
    (``declared`` defaults to front line and 20 years in skilled work). The 公示 starts the next day and lasts 5
    working days."""
    start = conferred_on - timedelta(days=21)
    n = services.create_nomination(
        actor=actor, honour=honour, cycle=cycle, route=route, person=person, team=team, studio=studio, tier=tier,
        direct_grant=direct_grant, deeds="测试用" if direct_grant else "",
        declared=declared or {"front_line": True, "years_skilled": 20})
    services.review_nomination(actor=actor, nomination=n, on=start - timedelta(days=1), expert_score=expert_score)
    services.publicise_nomination(actor=actor, nomination=n, start=start, end=workdays.add_workdays(start, 5))
    return services.confer_honour(actor=actor, nomination=n, conferred_on=conferred_on,
                                  decision_number=decision_number or f"测〔{cycle}〕{n.pk}号")


@pytest.fixture
def nomination_cast(world, honours):
    """Three nominations in three regions and states (the scope tests' cast):
    - "publicised": 王西湖 (西湖 330106) for 杭州工匠 2024, put forward by 西湖数据科技's union, in 公示 from
      2024-09-29 to 2024-10-10;
    - "nominated": 李上城 (上城 330102) for 杭州数字工匠 2024, self-nominated by the ``worker`` login;
    - "conferred": 张北仑 (北仑 330206) for 港城工匠 2024, conferred on 2024-10-25 (expert score 90)."""
    publicised = services.create_nomination(
        actor=world.users["firm_xihu"], honour=honours["hz_craftsman"], cycle=2024, route="enterprise_union",
        nominated_by=world.orgs["firm_xihu"], person=world.people["xihu"],
        declared={"front_line": True, "years_skilled": 12})
    services.review_nomination(actor=world.users["hangzhou"], nomination=publicised, on=date(2024, 9, 20))
    services.publicise_nomination(actor=world.users["hangzhou"], nomination=publicised, start=date(2024, 9, 29),
                                  end=date(2024, 10, 10))
    nominated = services.create_nomination(actor=world.users["worker"], honour=honours["hz_digital_craftsman"],
                                           cycle=2024, route="self", person=world.people["shangcheng"])
    conferred = confer(honours["nb_gangcheng_craftsman"], cycle=2024, conferred_on=date(2024, 10, 25),
                       person=world.people["ningbo"], expert_score=90)
    return {"publicised": Nomination.objects.get(pk=publicised.pk), "nominated": nominated, "conferred": conferred}
