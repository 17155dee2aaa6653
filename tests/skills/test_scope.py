"""The skills part of the scope matrix (SPEC §0, §8.2): every skills page, export and API endpoint × every role
shows no candidate or certificate outside the role's scope (skills/permissions.py):

- certificates belong to the holder's region (federations), to the evaluator whose session issued them, to the
  enterprise union of the holder's employer, and to the holder;
- sessions and their registrations belong to the exam site's region and to the session's evaluator.
"""

import io
from datetime import UTC, date

import pytest
from python_calamine import CalamineWorkbook

from tests.conftest import VISIBLE_PEOPLE
from workerhub.skills import services
from workerhub.skills.models import Certificate, Registration

ROLES = list(VISIBLE_PEOPLE)
HOLDERS = {"陈晓明": "wenzhou", "王西湖": "xihu", "李上城": "shangcheng"}

# Whose certificates each role sees (by holder), worked out from the rules in the module docstring.
VISIBLE_CERTS = {
    "province": {"陈晓明", "王西湖", "李上城"},
    "hangzhou": {"王西湖", "李上城"},
    "xihu": {"王西湖"},
    "ningbo": set(),
    "firm_xihu": {"王西湖"},
    "huzhou_hpf": set(),
    "wenzhou_eval": {"陈晓明", "王西湖", "李上城"},
    "xianju_keeper": set(),
    "worker": {"李上城"},
    "nobody": set(),
    None: set(),
}
# Whose registrations each role sees: the site (温州 瓯海 330304) region, the evaluator, the employer, oneself.
VISIBLE_REGS = {**{role: set() for role in ROLES}, "province": set(HOLDERS), "wenzhou_eval": set(HOLDERS),
                "firm_xihu": {"王西湖"}, "worker": {"李上城"}}
SESSION_VISIBLE = {"province", "wenzhou_eval", "worker"}


def names_in(text: str) -> set[str]:
    return {name for name in HOLDERS if name in text}


def xlsx_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return "\n".join(",".join(str(c) for c in row) for row in sheet.iter_rows())


@pytest.fixture
def issued(world, exam, candidates):
    people = [candidates[0], world.people["xihu"], world.people["shangcheng"]]
    regs = [services.register_candidate(actor=None, session=exam["session"], person=p,
                                        declared={"years_in_trade": 8}) for p in people]
    services.record_scores(actor=None, session=exam["session"], rows=[
        services.ScoreRow(registration_id=r.pk, theory=80, practical=80) for r in regs])
    services.publish_results(actor=None, session=exam["session"], issued_on=date(2024, 3, 12))
    return {"session": exam["session"], "regs": regs, "certs": list(Certificate.objects.all())}


@pytest.mark.parametrize("role", ROLES)
def test_certificate_list_export_and_api_show_exactly_the_roles_certificates(world, issued, role):
    client = world.client(role)
    page = client.get("/skills/certificates/?page_size=200")
    api = client.get("/api/v1/certificates?page_size=200")
    export = client.get("/skills/certificates/export.xlsx")
    if role is None:
        assert page.status_code == 302 and api.status_code == 401 and export.status_code == 302
        return
    assert page.status_code == 200 and names_in(page.content.decode()) == VISIBLE_CERTS[role]
    assert api.status_code == 200
    assert {r["holder_name"] for r in api.json()["results"]} == VISIBLE_CERTS[role]
    may_export = role in {"province", "hangzhou", "xihu", "ningbo", "wenzhou_eval"}
    if export.status_code == 200:
        assert names_in(xlsx_text(export)) <= (VISIBLE_CERTS[role] if may_export else set())
    else:
        assert export.status_code == 404 and not may_export


@pytest.mark.parametrize("role", ROLES)
def test_certificate_pages_and_pdfs_404_outside_scope(world, issued, role):
    client = world.client(role)
    for cert in issued["certs"]:
        visible = cert.holder_name in VISIBLE_CERTS[role]
        for url in (f"/skills/certificates/{cert.pk}/", f"/skills/certificates/{cert.pk}/certificate.pdf"):
            status = client.get(url).status_code
            if role is None:
                assert status == 302, url
            else:
                assert (status == 200) == visible, (url, status)
        revoke = client.post(f"/skills/certificates/{cert.pk}/revoke/", {"reason": "scope test"})
        assert revoke.status_code in (302, 403, 404) if role else revoke.status_code == 302
    # Revocation is the issuer's: the evaluator for its sessions' certificates; nobody else here.
    assert set(Certificate.objects.values_list("status", flat=True)) == (
        {"revoked"} if role == "wenzhou_eval" else {"valid"})


@pytest.mark.parametrize("role", ROLES)
def test_sessions_and_registrations_stay_in_scope(world, issued, role):
    client = world.client(role)
    session = issued["session"]
    listing = client.get("/skills/sessions/")
    detail = client.get(f"/skills/sessions/{session.pk}/")
    if role is None:
        assert listing.status_code == 302 and detail.status_code == 302
        return
    assert listing.status_code == 200
    assert (detail.status_code == 200) == (role in SESSION_VISIBLE)
    if detail.status_code == 200:
        assert names_in(detail.content.decode()) == VISIBLE_REGS[role]
    results = client.get(f"/skills/sessions/{session.pk}/results.xlsx")
    if results.status_code == 200:
        assert names_in(xlsx_text(results)) <= VISIBLE_REGS[role]
    for url in (f"/skills/sessions/{session.pk}/scores/", f"/skills/sessions/{session.pk}/scores/template.xlsx",
                f"/skills/sessions/{session.pk}/certificates/"):
        status = client.get(url).status_code
        assert (status == 200) == (role == "wenzhou_eval") or (role == "province" and url.endswith("certificates/")), (
            url, status)


@pytest.mark.parametrize("role", ROLES)
def test_writes_outside_scope_change_nothing(world, issued, role):
    client = world.client(role)
    session = issued["session"]
    reg = issued["regs"][0]
    before = list(Registration.objects.order_by("pk").values_list("theory", "practical", "result"))
    client.post(f"/skills/registrations/{reg.pk}/amend/", {"theory": "10", "reason": "scope test"})
    client.post(f"/skills/sessions/{session.pk}/publish/")
    after = list(Registration.objects.order_by("pk").values_list("theory", "practical", "result"))
    if role != "wenzhou_eval":
        assert after == before
    assert Certificate.objects.count() == 6


# Training and competitions in Ningbo, run by the Ningbo federation, with 张北仑 enrolled and placed.
VISIBLE_TRAINING = {"province", "ningbo"}


@pytest.fixture
def ningbo_training(world):
    from datetime import datetime

    ningbo = world.orgs["ningbo"]
    course = services.create_course(actor=None, title="CAD制图", organiser=ningbo, region_id="330206")
    services.add_course_session(actor=None, course=course, starts_at=datetime(2024, 3, 1, 1, tzinfo=UTC),
                                ends_at=datetime(2024, 3, 1, 3, tzinfo=UTC))
    services.enrol(actor=None, course=course, person=world.people["ningbo"])
    comp = services.create_competition(actor=None, name="宁波市供应链管理职业技能竞赛", tier="city", contest_class=2,
                                       organiser=ningbo, region_id="330200", held_on=date(2024, 3, 1))
    event = services.add_competition_event(actor=None, competition=comp, name="供应链管理")
    services.record_result(actor=None, event=event, person=world.people["ningbo"], rank=1)
    return {"course": course, "competition": comp}


@pytest.mark.parametrize("role", ROLES)
def test_training_and_competition_pages_stay_in_scope(world, ningbo_training, role):
    client = world.client(role)
    course, comp = ningbo_training["course"], ningbo_training["competition"]
    for listing, detail in (("/skills/courses/", f"/skills/courses/{course.pk}/"),
                            ("/skills/competitions/", f"/skills/competitions/{comp.pk}/")):
        page, one = client.get(listing), client.get(detail)
        if role is None:
            assert page.status_code == 302 and one.status_code == 302
            continue
        visible = role in VISIBLE_TRAINING
        assert page.status_code == 200
        assert ("CAD制图" in page.content.decode() or "供应链管理" in page.content.decode()) == visible, listing
        assert one.status_code == (200 if visible else 404), detail
        if visible:
            assert "张北仑" in one.content.decode()
