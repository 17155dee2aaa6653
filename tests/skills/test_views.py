"""Exam-session and certificate pages for every role (SPEC §3.3–§3.5, §0): an evaluator creates and runs its
sessions, workers register themselves and see the refusal explained, an enterprise union registers its own workers
only, scores are entered and published through the pages (two certificates per pass, never twice), published scores
are frozen and corrected by audited amendments, certificates are revoked with a reason, and a worker sees both
certificates of a pass on 我的证书. ID numbers appear masked on every page and export."""

import io
from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from workerhub.core.models import AuditEntry
from workerhub.skills import services
from workerhub.skills.models import Certificate, ExamSession, Registration, ScoreAmendment

SIX_YEARS = {"years_in_trade": 6}
# Masked per core.rules.mask_id_number: first six and last four characters.
MASKED = {"陈晓明": "330304********1238", "林芳": "330304********2347", "黄志强": "330304********3450",
          "李上城": "330102********1235"}
FULL = ("330304199001011238", "330304199202022347", "330304198803033450", "330102199007011235")


def xlsx_rows(response) -> list[list]:
    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def text(response) -> str:
    return response.content.decode()


def register_all(world, exam, people):
    return [services.register_candidate(actor=world.users["wenzhou_eval"], session=exam["session"], person=p,
                                        declared=SIX_YEARS, via="evaluator") for p in people]


def score_form(regs, marks, absent=()):
    data = {}
    for reg, (theory, practical) in zip(regs, marks, strict=True):
        data[f"theory_{reg.pk}"], data[f"practical_{reg.pk}"] = theory, practical
        if reg in absent:
            data[f"absent_{reg.pk}"] = "on"
    return data


@pytest.fixture
def scored(world, exam, candidates):
    """陈晓明 75/80 and 林芳 60/60 pass, 黄志强 59.5/90 fails (pass mark 60 in both, SPEC §3.3)."""
    regs = register_all(world, exam, candidates)
    services.record_scores(actor=world.users["wenzhou_eval"], session=exam["session"], rows=[
        services.ScoreRow(registration_id=r.pk, theory=t, practical=p)
        for r, (t, p) in zip(regs, [(75, 80), (60, 60), (59.5, 90)], strict=True)])
    return regs


@pytest.fixture
def published(world, exam, scored):
    services.publish_results(actor=world.users["wenzhou_eval"], session=exam["session"], issued_on=date(2024, 3, 12))
    return scored


@pytest.fixture
def worker_passed(world, exam):
    """The demo worker (李上城) registers themself for a second session of the college and passes."""
    session = services.create_exam_session(
        actor=world.users["wenzhou_eval"], occupation=exam["occupation"], level=4, exam_date=date(2024, 5, 18),
        site="中国(温州)数安港", site_code="000001", region_id="330304", evaluator=exam["evaluator"], capacity=10,
        partner=exam["partner"], alliance=exam["alliance"])
    reg = services.register_candidate(actor=world.users["worker"], session=session,
                                      person=world.people["shangcheng"], declared=SIX_YEARS)
    services.record_scores(actor=world.users["wenzhou_eval"], session=session,
                           rows=[services.ScoreRow(registration_id=reg.pk, theory=88, practical=91)])
    services.publish_results(actor=world.users["wenzhou_eval"], session=session, issued_on=date(2024, 5, 25))
    return session, reg


# --- Sessions: list, detail, scope ------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "sees"), [
    ("wenzhou_eval", True), ("province", True), ("worker", True),  # a worker sees sessions open for registration
    ("hangzhou", False), ("ningbo", False), ("firm_xihu", False), ("nobody", False)])
def test_session_list_shows_the_session_to_the_roles_in_scope(world, exam, role, sees):
    response = world.client(role).get("/skills/sessions/")
    assert response.status_code == 200
    assert ("中国(温州)数安港" in text(response)) is sees
    detail = world.client(role).get(f"/skills/sessions/{exam['session'].pk}/")
    assert detail.status_code == (200 if sees else 404)


def test_anonymous_users_are_sent_to_log_in(world, exam):
    for url in ("/skills/sessions/", f"/skills/sessions/{exam['session'].pk}/", "/skills/certificates/",
                "/skills/mine/", f"/skills/sessions/{exam['session'].pk}/register/"):
        response = world.client(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_session_list_filters_and_export(world, exam):
    client = world.client("wenzhou_eval")
    assert "中国(温州)数安港" in text(client.get("/skills/sessions/?status=open&level=4"))
    assert "中国(温州)数安港" not in text(client.get("/skills/sessions/?status=published"))
    assert "中国(温州)数安港" not in text(client.get("/skills/sessions/?level=3"))
    rows = xlsx_rows(client.get("/skills/sessions/export.xlsx"))
    assert rows[0][:4] == ["考试日期", "职业", "工种", "等级"]
    assert rows[1][1:4] == ["数据标注员", "", "四级/中级工"]
    # A worker sees open sessions but has no export right: an empty workbook.
    assert len(xlsx_rows(world.client("worker").get("/skills/sessions/export.xlsx"))) == 1


def test_session_detail_shows_facts_candidates_masked_and_the_evaluators_actions(world, exam, scored):
    page = text(world.client("wenzhou_eval").get(f"/skills/sessions/{exam['session'].pk}/"))
    for fact in ("数据标注员", "四级/中级工", "2024-03-09", "中国(温州)数安港", "浙江安防职业技术学院",
                 "温州数安港科技有限公司", "数字技能人才协同培育联盟", "3 / 3"):
        assert fact in page, fact
    for name, masked in MASKED.items():
        if name != "李上城":
            assert name in page and masked in page
    assert not any(full in page for full in FULL)
    assert "符合 四级/中级工 申报条件" in page  # each registration's eligibility message
    for action in ("录入成绩", "导入成绩", "下载成绩表模板", "截止报名", "确认发布", "导出考试结果"):
        assert action in page, action
    # Federation officers look but do not run the session.
    officer = text(world.client("province").get(f"/skills/sessions/{exam['session'].pk}/"))
    assert "陈晓明" in officer and "确认发布" not in officer and "录入成绩" not in officer


# --- Creating a session -----------------------------------------------------------------------------------

def test_only_an_evaluator_creates_a_session(world, exam):
    for role in ("province", "firm_xihu", "worker"):
        assert world.client(role).get("/skills/sessions/new/").status_code == 404, role
    client = world.client("wenzhou_eval")
    assert client.get("/skills/sessions/new/").status_code == 200
    form = {"occupation": exam["occupation"].pk, "level": 3, "exam_date": "2024-06-15", "site": "温州职业技术学院考点",
            "site_code": "12AB", "region": "330304", "capacity": 40, "alliance": exam["alliance"].pk,
            "partner": exam["partner"].pk}
    refused = client.post("/skills/sessions/new/", form)
    assert refused.status_code == 400 and "考点编码应为6位数字" in text(refused)
    assert ExamSession.objects.count() == 1
    created = client.post("/skills/sessions/new/", {**form, "site_code": "000002"})
    session = ExamSession.objects.get(site="温州职业技术学院考点")
    assert created.status_code == 302 and created["Location"] == f"/skills/sessions/{session.pk}/"
    assert (session.level, session.evaluator, session.partner, session.status) == (3, exam["evaluator"],
                                                                                 exam["partner"], "open")


# --- Registration -----------------------------------------------------------------------------------------

def test_a_worker_registering_themself_sees_every_route_that_failed(world, exam):
    client = world.client("worker")
    url = f"/skills/sessions/{exam['session'].pk}/register/"
    page = client.get(url)
    assert page.status_code == 200 and "李上城" in text(page) and MASKED["李上城"] in text(page)
    refused = client.post(url, {"years_in_trade": "2"})
    body = text(refused)
    # 四级 routes (occupations.json default): 五级 + 2 years, 6 years in the trade, a 技工学校/中职 graduate.
    assert refused.status_code == 400
    assert "不符合 四级/中级工 申报条件" in body
    assert "从事本职业 2.0 年，要求不少于 6 年" in body
    assert "要求已取得 五级/初级工 或以上证书" in body
    assert not Registration.objects.exists()
    accepted = client.post(url, {"years_in_trade": "6"})
    assert accepted.status_code == 302 and accepted["Location"] == "/skills/mine/"
    reg = Registration.objects.get()
    assert (reg.person, reg.via) == (world.people["shangcheng"], "self")


def test_a_full_session_refuses_with_the_capacity(world, exam, candidates):
    register_all(world, exam, candidates)  # capacity 3
    refused = world.client("worker").post(f"/skills/sessions/{exam['session'].pk}/register/", SIX_YEARS)
    assert refused.status_code == 400 and "本批次名额 3 人已满" in text(refused)


def test_an_enterprise_union_registers_its_own_worker_but_not_another_enterprises(world, exam):
    # A session in 西湖区, where 西湖数据科技's union sees it (its region).
    session = services.create_exam_session(
        actor=world.users["wenzhou_eval"], occupation=exam["occupation"], level=4, exam_date=date(2024, 6, 1),
        site="西湖区职业技能鉴定考点", site_code="000003", region_id="330106", evaluator=exam["evaluator"],
        capacity=5)
    client = world.client("firm_xihu")
    url = f"/skills/sessions/{session.pk}/register/"
    page = text(client.get(url))
    assert "王西湖" in page and "李上城" not in page  # the choices are its own workers only
    other = client.post(url, {"person": world.people["shangcheng"].pk, **SIX_YEARS})
    assert other.status_code == 400 and not Registration.objects.exists()
    own = client.post(url, {"person": world.people["xihu"].pk, **SIX_YEARS})
    assert own.status_code == 302
    reg = Registration.objects.get()
    assert (reg.person, reg.via, reg.registered_by) == (world.people["xihu"], "enterprise_union",
                                                        world.users["firm_xihu"])
    # The Wenzhou session is outside the union's view altogether.
    assert client.get(f"/skills/sessions/{exam['session'].pk}/register/").status_code == 404


def test_the_evaluator_finds_a_candidate_by_id_number_and_name_and_learns_nothing_more(world, exam, candidates):
    client = world.client("wenzhou_eval")
    url = f"/skills/sessions/{exam['session'].pk}/register/"
    wrong_name = client.post(url, {"id_number": "330304199001011238", "name": "陈小明", **SIX_YEARS})
    unknown = client.post(url, {"id_number": "330304199912319999", "name": "陈晓明", **SIX_YEARS})
    message = "未找到身份证号码与姓名相符的人员"
    assert message in text(wrong_name) and message in text(unknown)
    assert not Registration.objects.exists()
    found = client.post(url, {"id_number": "330304199001011238", "name": "陈晓明", **SIX_YEARS})
    assert found.status_code == 302
    assert Registration.objects.get().person == candidates[0]


def test_withdrawing_a_registration(world, exam):
    reg = services.register_candidate(actor=world.users["worker"], session=exam["session"],
                                      person=world.people["shangcheng"], declared=SIX_YEARS)
    assert world.client("firm_xihu").post(f"/skills/registrations/{reg.pk}/withdraw/").status_code == 404
    response = world.client("worker").post(f"/skills/registrations/{reg.pk}/withdraw/")
    assert response.status_code == 302 and not Registration.objects.exists()


# --- Scores and publishing --------------------------------------------------------------------------------

def test_the_scores_form_reports_bad_rows_and_saves_nothing_then_saves(world, exam, candidates):
    regs = register_all(world, exam, candidates)
    client = world.client("wenzhou_eval")
    url = f"/skills/sessions/{exam['session'].pk}/scores/"
    page = text(client.get(url))
    assert all(name in page for name in ("陈晓明", "林芳", "黄志强")) and "综合评审" not in page  # 四级: no review
    bad = client.post(url, score_form(regs, [("75", "80"), ("abc", "60"), ("101", "70")]))
    assert bad.status_code == 400
    assert "第2行：理论知识成绩应为数字，收到“abc”" in text(bad)
    assert "第3行：理论知识成绩应为0–100之间" in text(bad)
    assert not Registration.objects.filter(theory__isnull=False).exists()
    good = client.post(url, score_form(regs, [("75", "80"), ("60", "60"), ("", "")], absent=[regs[2]]))
    assert good.status_code == 302
    got = {r.person.name: (r.theory, r.practical, r.absent) for r in Registration.objects.select_related("person")}
    assert got == {"陈晓明": (75, 80, False), "林芳": (60, 60, False), "黄志强": (None, None, True)}
    # Only the session's evaluator enters scores.
    assert world.client("province").get(url).status_code == 404
    assert world.client("worker").get(url).status_code == 404


def test_level_two_scores_form_has_the_comprehensive_review(world, exam, candidates):
    session = exam["session"]
    session.level = 2
    session.save()
    reg = services.register_candidate(actor=None, session=session, person=candidates[0],
                                      declared={"held_level": 3, "held_since": "2018-01-01"})
    client = world.client("wenzhou_eval")
    url = f"/skills/sessions/{session.pk}/scores/"
    assert "综合评审" in text(client.get(url))
    client.post(url, {f"theory_{reg.pk}": "90", f"practical_{reg.pk}": "85", f"review_{reg.pk}": "no"})
    reg.refresh_from_db()
    assert reg.review_passed is False


def test_publishing_needs_the_confirmation_and_issues_two_certificates_per_pass_once(world, exam, scored):
    client = world.client("wenzhou_eval")
    url = f"/skills/sessions/{exam['session'].pk}/publish/"
    assert client.get(url).status_code == 405  # POST only
    unconfirmed = client.post(url, follow=True)
    assert "请勾选“已核对全部成绩”" in text(unconfirmed) and not Certificate.objects.exists()
    done = client.post(url, {"confirm": "1"}, follow=True)
    # 陈晓明 and 林芳 pass (≥ 60 in both), 黄志强 fails with 59.5: 2 passes × 2 certificates.
    assert "合格 2 人,不合格 1 人,缺考 0 人;颁发证书 4 本" in text(done)
    assert "成绩已发布并冻结" in text(done)
    assert Certificate.objects.count() == 4
    assert set(Certificate.objects.values_list("holder_name", "kind")) == {
        ("陈晓明", "skill_level"), ("陈晓明", "enterprise"), ("林芳", "skill_level"), ("林芳", "enterprise")}
    again = client.post(url, {"confirm": "1"}, follow=True)
    assert "成绩此前已发布,没有重复发证" in text(again) and Certificate.objects.count() == 4
    # After publishing: links to the certificates and an amend link per registration; no score entry.
    page = text(client.get(f"/skills/sessions/{exam['session'].pk}/"))
    assert page.count("/amend/") == 3 and "录入成绩" not in page and "批量下载证书PDF" in page
    for cert in Certificate.objects.all():
        assert f"/skills/certificates/{cert.pk}/" in page


def test_other_roles_cannot_publish(world, exam, scored):
    for role in ("province", "worker", "firm_xihu"):
        response = world.client(role).post(f"/skills/sessions/{exam['session'].pk}/publish/", {"confirm": "1"})
        assert response.status_code == 404, role
    assert world.client("wenzhou_eval").post(f"/skills/sessions/{exam['session'].pk}/explode/").status_code == 404
    assert not Certificate.objects.exists()


def test_close_and_reopen_registration(world, exam):
    client = world.client("wenzhou_eval")
    client.post(f"/skills/sessions/{exam['session'].pk}/close/")
    exam["session"].refresh_from_db()
    assert exam["session"].status == "closed"
    refused = world.client("worker").post(f"/skills/sessions/{exam['session'].pk}/register/", SIX_YEARS)
    assert refused.status_code == 404  # a worker no longer sees a closed session they did not register for
    client.post(f"/skills/sessions/{exam['session'].pk}/reopen/")
    exam["session"].refresh_from_db()
    assert exam["session"].status == "open"


def test_scores_are_frozen_after_publishing(world, exam, published):
    client = world.client("wenzhou_eval")
    url = f"/skills/sessions/{exam['session'].pk}/scores/"
    page = client.get(url)
    assert "成绩已发布并冻结" in text(page) and 'name="theory_' not in text(page)
    client.post(url, score_form(published, [("99", "99")] * 3))
    assert not Registration.objects.filter(theory=99).exists()


def test_an_amendment_needs_a_reason_is_recorded_and_issues_the_certificates(world, exam, published):
    failed = published[2]  # 黄志强 59.5 / 90
    client = world.client("wenzhou_eval")
    url = f"/skills/registrations/{failed.pk}/amend/"
    assert "59.5" in text(client.get(url))
    no_reason = client.post(url, {"theory": "62"})
    assert no_reason.status_code == 400 and "请填写更正原因" in text(no_reason)
    assert not ScoreAmendment.objects.exists()
    done = client.post(url, {"theory": "62", "reason": "复核发现漏记一题"}, follow=True)
    assert "成绩已更正,结果:合格" in text(done)
    amendment = ScoreAmendment.objects.get()
    assert (amendment.field, amendment.old_value, amendment.new_value, amendment.reason) == (
        "theory", "59.5", "62", "复核发现漏记一题")
    assert Certificate.objects.filter(registration=failed).count() == 2
    assert "复核发现漏记一题" in text(client.get(url))
    assert world.client("province").get(url).status_code == 404


def test_results_export_has_masked_ids_and_certificate_numbers(world, exam, published):
    rows = xlsx_rows(world.client("wenzhou_eval").get(f"/skills/sessions/{exam['session'].pk}/results.xlsx"))
    assert rows[0] == ["报名号", "姓名", "身份证号码", "报名方式", "理论知识", "操作技能", "综合评审", "缺考", "结果",
                       "职业技能等级证书编号", "企业认可证书编号"]
    chen = next(r for r in rows if r[1] == "陈晓明")
    skill = Certificate.objects.get(holder_name="陈晓明", kind="skill_level")
    enterprise = Certificate.objects.get(holder_name="陈晓明", kind="enterprise")
    assert chen[2] == MASKED["陈晓明"] and chen[8] == "合格" and chen[9:] == [skill.number, enterprise.number]
    assert not any(full in str(rows) for full in FULL)
    assert AuditEntry.objects.filter(action="export", object_type="skills.examsession").exists()
    assert world.client("worker").get(f"/skills/sessions/{exam['session'].pk}/results.xlsx").status_code == 404


# --- Certificates -----------------------------------------------------------------------------------------

def test_certificate_list_search_filter_and_masked_export(world, exam, published):
    client = world.client("wenzhou_eval")
    page = text(client.get("/skills/certificates/"))
    assert "共 4 条" in page and MASKED["陈晓明"] in page and not any(full in page for full in FULL)
    skill = Certificate.objects.get(holder_name="林芳", kind="skill_level")
    by_number = text(client.get(f"/skills/certificates/?q={skill.number.lower()}"))
    assert "共 1 条" in by_number and skill.number in by_number
    assert "共 2 条" in text(client.get("/skills/certificates/?q=陈晓"))
    assert "共 2 条" in text(client.get("/skills/certificates/?kind=enterprise"))
    assert "共 0 条" in text(client.get("/skills/certificates/?status=revoked"))
    rows = xlsx_rows(client.get("/skills/certificates/export.xlsx"))
    assert rows[0][:4] == ["证书编号", "证书类型", "姓名", "证件号码"]
    assert {r[3] for r in rows[1:]} == {MASKED["陈晓明"], MASKED["林芳"]}
    # Hangzhou's federation sees no Wenzhou holder's certificate.
    assert "共 0 条" in text(world.client("hangzhou").get("/skills/certificates/"))


def test_certificate_detail_shows_the_twin_recognisers_and_links(world, exam, published):
    enterprise = Certificate.objects.get(holder_name="陈晓明", kind="enterprise")
    skill = Certificate.objects.get(holder_name="陈晓明", kind="skill_level")
    page = text(world.client("wenzhou_eval").get(f"/skills/certificates/{enterprise.pk}/"))
    assert skill.number in page and f"/skills/certificates/{skill.pk}/" in page  # the twin
    # Recognised by the alliance members that recognise its certificates (firm_xihu joined without).
    for org in ("浙江安防职业技术学院", "温州数安港科技有限公司", "温州数据标注服务有限公司"):
        assert org in page
    assert "西湖数据科技有限公司" not in page
    assert f"/verify/{enterprise.token}" in page and f"/skills/certificates/{enterprise.pk}/certificate.pdf" in page
    assert MASKED["陈晓明"] in page and "四级/中级工" in page and "撤销证书" in page
    assert world.client("hangzhou").get(f"/skills/certificates/{skill.pk}/").status_code == 404


def test_revocation_requires_a_reason_and_can_take_the_twin(world, exam, published):
    skill = Certificate.objects.get(holder_name="林芳", kind="skill_level")
    client = world.client("wenzhou_eval")
    url = f"/skills/certificates/{skill.pk}/revoke/"
    missing = client.post(url, {"reason": "  ", "document": "温人社鉴〔2024〕7号"})
    assert missing.status_code == 400 and "撤销证书须填写原因" in text(missing)
    assert not Certificate.objects.filter(status="revoked").exists()
    done = client.post(url, {"reason": "考试作弊", "document": "温人社鉴〔2024〕7号", "on": "2024-04-01",
                             "include_twin": "on"}, follow=True)
    page = text(done)
    assert "已撤销" in page and "考试作弊" in page and "温人社鉴〔2024〕7号" in page and "2024-04-01" in page
    assert set(Certificate.objects.filter(holder_name="林芳").values_list("status", flat=True)) == {"revoked"}
    assert Certificate.objects.filter(holder_name="陈晓明", status="valid").count() == 2
    # A revoked certificate offers no revocation form.
    assert f'action="/skills/certificates/{skill.pk}/revoke/"' not in page


def test_workers_and_federations_cannot_revoke(world, exam, worker_passed):
    cert = Certificate.objects.get(holder_name="李上城", kind="skill_level")
    assert "撤销证书" not in text(world.client("worker").get(f"/skills/certificates/{cert.pk}/"))
    for role in ("worker", "province"):
        response = world.client(role).post(f"/skills/certificates/{cert.pk}/revoke/", {"reason": "x"})
        assert response.status_code == 404, role
    assert not Certificate.objects.filter(status="revoked").exists()


def test_my_certificates_shows_both_certificates_of_a_pass(world, exam, worker_passed):
    page = text(world.client("worker").get("/skills/mine/"))
    skill = Certificate.objects.get(holder_name="李上城", kind="skill_level")
    enterprise = Certificate.objects.get(holder_name="李上城", kind="enterprise")
    for cert in (skill, enterprise):
        assert cert.number in page and f"/verify/{cert.token}" in page
        assert f"/skills/certificates/{cert.pk}/certificate.pdf" in page
    assert "职业技能等级证书" in page and "企业认可证书" in page and "四级/中级工" in page
    assert "浙江安防职业技术学院" in page and "温州数安港科技有限公司" in page and "2024-05-25" in page
    assert "温州数据标注服务有限公司" in page  # recognises the enterprise certificate
    # The registration with its result; the open Wenzhou session offered for registration.
    assert "理论知识 88" in page and "合格" in page and "2024-03-09" in page
    # Nobody else's certificates, and roles without a person have no such page.
    assert "陈晓明" not in page
    assert world.client("province").get("/skills/mine/").status_code == 404
