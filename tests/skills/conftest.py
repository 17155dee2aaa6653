"""The Wenzhou cast for skills tests: the college recorded as an evaluator, a partner enterprise of the alliance,
one 数据标注员 四级 session, and candidates whose eligibility is written out per test."""

from datetime import date

import pytest

from tests.conftest import make_person
from workerhub.core.models import Organisation
from workerhub.skills import services
from workerhub.skills.models import Alliance, AllianceMember, Evaluator, Occupation

# A valid GB 32100 code (check character computed with workerhub.core.rules.uscc_check_char).
PARTNER_CODE = "91330303MA2H8K1P38"


@pytest.fixture
def exam(world):
    college = world.orgs["college"]
    evaluator = Evaluator.objects.create(organisation=college, issuer_type="S", institution_code="0133")
    partner = Organisation.objects.create(name="温州数安港科技有限公司", kind="enterprise", region_id="330303",
                                          credit_code=PARTNER_CODE)
    other = Organisation.objects.create(name="温州数据标注服务有限公司", kind="enterprise", region_id="330303")
    alliance = Alliance.objects.create(name="数字技能人才协同培育联盟", region_id="330300", lead=college)
    for org, kind, recognises in ((college, "college", True), (partner, "enterprise", True),
                                  (other, "enterprise", True), (world.orgs["firm_xihu"], "enterprise", False)):
        AllianceMember.objects.create(alliance=alliance, organisation=org, kind=kind, recognises=recognises)
    occupation = Occupation.objects.get(name="数据标注员")
    session = services.create_exam_session(
        actor=world.users["wenzhou_eval"], occupation=occupation, level=4, exam_date=date(2024, 3, 9),
        site="中国(温州)数安港", site_code="000001", region_id="330304", evaluator=evaluator, capacity=3,
        partner=partner, alliance=alliance)
    return {"session": session, "evaluator": evaluator, "partner": partner, "other": other, "alliance": alliance,
            "occupation": occupation}


@pytest.fixture
def candidates(world):
    """Three Wenzhou workers; 6 years in the trade qualifies for 四级 (occupations.json default route)."""
    return [make_person(name, idn, "330304") for name, idn in (
        ("陈晓明", "330304199001011238"), ("林芳", "330304199202022347"), ("黄志强", "330304198803033450"))]
