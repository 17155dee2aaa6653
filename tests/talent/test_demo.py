"""The talent demo (SPEC §1.9, issue #6 item 7): the seed's 宁波舟山港 numbers, the 竺士杰 studio, and Hangzhou's 2024
round with nominations in every state and one revocation — built through the workflow, idempotent."""

from workerhub.core.models import AuditEntry
from workerhub.talent import demo
from workerhub.talent.models import Mentorship, Nomination, Studio


def test_the_demo_holds_the_seeds_numbers_and_every_state(db):
    from workerhub.core import demo as core_demo

    core_demo.build(workers=200, enterprises=60)
    demo.build()
    port = Nomination.objects.filter(person__employer__name="宁波舟山港集团有限公司", state="conferred")
    # Seed: "10名全国劳模,27名省部级劳模,64名省部级工匠".
    assert port.filter(honour__code="national_model_worker").count() == 10
    assert port.filter(honour__code="zj_model_worker").count() == 27
    assert port.filter(honour__code="zj_craftsman").count() == 64
    studio = Studio.objects.get(name="竺士杰创新工作室")
    assert studio.leader.name == "竺士杰" and studio.members.count() == 9  # the leader and eight craftsmen
    assert set(studio.nominations.filter(state="conferred").values_list("honour__code", flat=True)) == {
        "city_studio", "zj_studio", "national_model_studio"}
    assert Mentorship.objects.filter(master=studio.leader).count() == 5
    assert Mentorship.objects.filter(master=studio.leader, status="achieved").count() == 2
    round_2024 = Nomination.objects.filter(honour__code="hz_craftsman", cycle=2024)
    assert set(round_2024.values_list("state", flat=True)) == {
        "nominated", "reviewed", "publicised", "conferred", "rejected", "withdrawn", "revoked"}
    assert round_2024.filter(state="revoked").count() == 1
    assert round_2024.filter(state="publicised", objections__isnull=False, objections__resolved_on__isnull=True).count() == 1
    assert Nomination.objects.filter(honour__code="hz_digital_craftsman", direct_grant=True).count() == 1
    # Every transition went through the services, so every one is in the audit log.
    assert AuditEntry.objects.filter(object_type="talent.nomination").count() >= Nomination.objects.count()
    before = (Nomination.objects.count(), AuditEntry.objects.count())
    demo.build()
    assert (Nomination.objects.count(), AuditEntry.objects.count()) == before
