"""Skills demo data (SPEC §1.9, §3; seed 2024-03-13): Wenzhou's 一试双证 session with real certificates, the alliance,
Ningbo's ten courses and five competitions; running it twice changes nothing."""

import io
from collections import Counter

from workerhub.core import demo as core_demo
from workerhub.core.models import AuditEntry, Person, User
from workerhub.core.rules import validate_credit_code
from workerhub.skills import demo, keys
from workerhub.skills.certnumbers import parse_skill_number
from workerhub.skills.models import (
    AllianceMember,
    Certificate,
    Competition,
    CompetitionResult,
    Course,
    Credit,
    Enrolment,
    ExamSession,
    Registration,
)


def counts():
    return tuple(m.objects.count() for m in (Person, AllianceMember, ExamSession, Registration, Certificate, Course,
                                              Enrolment, Competition, CompetitionResult, Credit, AuditEntry))


def test_the_demo_builds_once_with_real_certificates(db):
    core_demo.build(workers=20, enterprises=5)
    out = io.StringIO()
    demo.build(stdout=out, scale=0.01)
    before = counts()
    demo.build(stdout=io.StringIO(), scale=0.01)
    assert counts() == before
    assert "chenxm" in out.getvalue() and "wenzhou_eval" in out.getvalue()

    # The published 数据标注员 session of the college (issuer type S), about thirty candidates.
    session = ExamSession.objects.get(status="published")
    assert (session.occupation.name, session.evaluator.organisation.name, session.evaluator.issuer_type) == (
        "数据标注员", "浙江安防职业技术学院", "S")
    results = Counter(session.registrations.values_list("result", flat=True))
    assert sum(results.values()) == 30 and results["failed"] >= 1 and results["absent"] == 1
    assert results["passed"] > results["failed"] + results["absent"]
    # Exactly two certificates per pass — one of each kind — and none for a fail or an absence.
    for reg in session.registrations.all():
        kinds = sorted(reg.certificates.values_list("kind", flat=True))
        assert kinds == (["enterprise", "skill_level"] if reg.result == "passed" else [])
    assert Certificate.objects.count() == 2 * results["passed"]
    skill = Certificate.objects.filter(kind="skill_level").first()
    parsed = parse_skill_number(skill.number)
    assert (parsed.issuer_type, parsed.province, parsed.level) == ("S", "33", session.level)
    # Every token verifies against the published key and carries its own number.
    assert all(keys.verified_number(c.token) == c.number for c in Certificate.objects.all())

    # One revoked certificate, with its reason and document number.
    revoked = Certificate.objects.get(status="revoked")
    assert revoked.revoked_reason and revoked.revoked_document and revoked.revoked_on >= revoked.issued_on

    # The partner's valid credit code (GB 32100) is in its certificate numbers; one member does not recognise.
    assert validate_credit_code(session.partner.credit_code) == session.partner.credit_code
    assert AllianceMember.objects.filter(alliance=session.alliance, recognises=False).count() == 1
    kinds = set(AllianceMember.objects.filter(alliance=session.alliance).values_list("kind", flat=True))
    assert kinds == {"college", "enterprise", "training"}

    # A second session is open for registration.
    assert ExamSession.objects.filter(status="open", alliance=session.alliance).exists()

    # Demo logins: the worker 陈晓明 holds both certificates of a pass.
    chen = User.objects.get(username="chenxm")
    assert chen.check_password(core_demo.PASSWORD) and chen.person.name == "陈晓明" and chen.roles() == {"worker"}
    assert sorted(Certificate.objects.filter(person=chen.person, status="valid").values_list("kind", flat=True)) == [
        "enterprise", "skill_level"]
    assert session.evaluator.organisation.rolebinding_set.filter(user__username="wenzhou_eval").exists()

    # Ningbo (seed): ten courses such as CAD制图 and 工业机器人, five competitions such as 应急救护 and 供应链管理.
    ningbo = Course.objects.filter(region_id="330206")
    assert ningbo.count() == 10 and {"CAD制图", "工业机器人"} <= set(ningbo.values_list("title", flat=True))
    assert Enrolment.objects.filter(course__in=ningbo, status="completed").exists()
    assert Enrolment.objects.filter(course__in=ningbo, status="enrolled").exists()
    names = " ".join(Competition.objects.values_list("name", flat=True))
    assert Competition.objects.count() == 5 and "应急救护" in names and "供应链管理" in names
    assert Credit.objects.filter(status="pending").count() == 1
    assert Credit.objects.filter(kind="title", status="granted").exists()
