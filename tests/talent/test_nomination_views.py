"""Nomination and catalogue pages (SPEC §2.1–§2.2): every page × every role shows only the role's nominations
(talent/permissions.py), the public 公示 page needs no login and shows no ID number or phone, the export is
scoped, and the workflow forms refuse bad input with the service's message.

Who sees which nomination of ``nomination_cast`` (conftest): federations by region (province all; 杭州 the two
Hangzhou ones; 西湖 王西湖's; 宁波 张北仑's); 西湖数据科技's union the one it made for its worker; the worker their own
self-nomination; nobody else any."""

import io
from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from tests.conftest import VISIBLE_PEOPLE
from workerhub.core.models import AuditEntry
from workerhub.talent.models import Nomination, Objection

ROLES = list(VISIBLE_PEOPLE)
NAMES = {"王西湖", "李上城", "张北仑"}
VISIBLE = {**{role: set() for role in ROLES}, "province": NAMES, "hangzhou": {"王西湖", "李上城"}, "xihu": {"王西湖"},
           "ningbo": {"张北仑"}, "firm_xihu": {"王西湖"}, "worker": {"李上城"}}
MAY_EXPORT = {"province", "hangzhou", "xihu", "ningbo", "firm_xihu"}
MAY_ADD = {"province", "hangzhou", "xihu", "ningbo", "firm_xihu", "worker"}
MAY_CHANGE_PUBLICISED = {"province", "hangzhou", "xihu"}


def names_in(text: str) -> set[str]:
    return {name for name in NAMES if name in text}


def xlsx_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return "\n".join(",".join(str(c) for c in row) for row in sheet.iter_rows())


@pytest.mark.parametrize("role", ROLES)
def test_list_and_export_show_exactly_the_roles_nominations(world, nomination_cast, role):
    client = world.client(role)
    page = client.get("/talent/nominations/?page_size=200")
    export = client.get("/talent/nominations/export.xlsx")
    if role is None:
        assert page.status_code == 302 and export.status_code == 302
        return
    assert page.status_code == 200 and names_in(page.content.decode()) == VISIBLE[role]
    if role in MAY_EXPORT:
        assert export.status_code == 200 and names_in(xlsx_text(export)) == VISIBLE[role]
    elif export.status_code == 200:
        assert names_in(xlsx_text(export)) == set()


@pytest.mark.parametrize("role", ROLES)
def test_detail_pages_follow_the_scope(world, nomination_cast, role):
    client = world.client(role)
    for key, n in nomination_cast.items():
        response = client.get(f"/talent/nominations/{n.pk}/")
        if role is None:
            assert response.status_code == 302
        elif n.subject_name in VISIBLE[role]:
            assert response.status_code == 200 and n.subject_name in response.content.decode()
        else:
            assert response.status_code == 404, (role, key)


@pytest.mark.parametrize("role", ROLES)
def test_transitions_and_objections_only_for_officers_of_the_region(world, nomination_cast, role):
    n = nomination_cast["publicised"]
    client = world.client(role)
    response = client.post(f"/talent/nominations/{n.pk}/objection/",
                           {"received_on": "2024-10-08", "summary": "反映事迹不实"})
    if role is None:
        assert response.status_code == 302 and not Objection.objects.exists()
    elif role in MAY_CHANGE_PUBLICISED:
        assert response.status_code == 302 and Objection.objects.count() == 1
        objection = Objection.objects.get()
        resolved = client.post(f"/talent/objections/{objection.pk}/resolve/",
                               {f"o{objection.pk}-upheld": "no", f"o{objection.pk}-resolution": "经核查不属实",
                                f"o{objection.pk}-resolved_on": "2024-10-09"})
        assert resolved.status_code == 302
        assert Objection.objects.get().upheld is False
    else:
        assert response.status_code == 404 and not Objection.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_resolving_an_objection_out_of_scope_is_a_404(world, nomination_cast, role):
    from workerhub.talent.services import nominations as services

    n = nomination_cast["publicised"]
    objection = services.record_objection(actor=None, nomination=n, received_on=date(2024, 10, 8), summary="x")
    response = world.client(role).post(f"/talent/objections/{objection.pk}/resolve/", {
        f"o{objection.pk}-upheld": "yes", f"o{objection.pk}-resolution": "属实", f"o{objection.pk}-resolved_on":
        "2024-10-09"})
    if role is None:
        assert response.status_code == 302
    elif role in MAY_CHANGE_PUBLICISED:
        assert response.status_code == 302 and Objection.objects.get().upheld is True
    else:
        assert response.status_code == 404 and Objection.objects.get().resolved_on is None


@pytest.mark.parametrize("role", ROLES)
def test_create_page_per_role(world, honours, role):
    response = world.client(role).get("/talent/nominations/new/?honour=hz_craftsman")
    if role is None:
        assert response.status_code == 302
    elif role in MAY_ADD:
        assert response.status_code == 200 and "提交推荐" in response.content.decode()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_catalogue_pages_need_a_login_and_nothing_else(world, honours, role):
    client = world.client(role)
    listing = client.get("/talent/honours/")
    detail = client.get("/talent/honours/hz_craftsman/")
    if role is None:
        assert listing.status_code == 302 and detail.status_code == 302
    else:
        assert listing.status_code == 200 and detail.status_code == 200


def test_catalogue_lists_every_honour_and_the_detail_shows_rules_quotas_benefits_and_sources(world, honours):
    client = world.client("hangzhou")
    listing = client.get("/talent/honours/").content.decode()
    for h in honours.values():
        assert h.name in listing
    assert client.get("/talent/honours/nope/").status_code == 404
    page = client.get("/talent/honours/hz_craftsman/").content.decode()
    assert "杭州市" in page and "60 个" in page  # quota per cycle for 330100 (seed: 60 a year)
    assert "从事技能工作不少于 10 年" in page and "须为工会会员" in page
    assert "20000 元" in page and "匠心卡" in page
    assert "https://hacker2.cn/content/2021-06/19/content_195455.html" in page
    assert "提名奖" in page and "推断与假设" in page


def test_publicity_page_is_public_and_shows_name_and_employer_but_no_personal_data(world, nomination_cast):
    response = world.client(None).get("/talent/publicity/")
    assert response.status_code == 200
    page = response.content.decode()
    assert names_in(page) == {"王西湖"}  # only the nomination in publicity
    assert "西湖数据科技有限公司" in page and "杭州工匠" in page and "2024-09-29" in page and "2024-10-10" in page
    assert "杭州市总工会" in page  # where objections go: the federation running the selection
    xihu = world.people["xihu"]
    for secret in (xihu.id_number, xihu.id_number_masked, xihu.phone, xihu.phone_masked, "1985-03-12"):
        assert secret not in page
    assert "/talent/publicity/" in world.client("worker").get("/").content.decode()  # footer link


def test_an_enterprise_union_nominates_its_worker_through_the_form(world, honours):
    client = world.client("firm_xihu")
    response = client.post("/talent/nominations/new/", {
        "honour": "zj_craftsman", "cycle": 2025, "route": f"enterprise_union:{world.orgs['firm_xihu'].pk}",
        "subject_kind": "person", "id_number": world.people["xihu"].id_number, "tier": "award",
        "front_line": "on", "years_skilled": "12", "deeds": "带徒 20 人"})
    n = Nomination.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/talent/nominations/{n.pk}/"
    assert (n.person, n.route, n.nominated_by, n.cycle) == (world.people["xihu"], "enterprise_union",
                                                           world.orgs["firm_xihu"], 2025)
    assert n.eligibility["declared"] == {"front_line": True, "years_skilled": 12.0, "years_waived": False}


def test_the_form_refuses_someone_outside_the_unions_enterprise(world, honours):
    response = world.client("firm_xihu").post("/talent/nominations/new/", {
        "honour": "zj_craftsman", "cycle": 2025, "route": f"enterprise_union:{world.orgs['firm_xihu'].pk}",
        "subject_kind": "person", "id_number": world.people["ningbo"].id_number, "tier": "award"})
    assert response.status_code == 400 and "没有找到该身份证号码对应的人员" in response.content.decode()
    assert not Nomination.objects.exists()


def test_a_worker_self_nominates_through_the_form(world, honours):
    client = world.client("worker")
    page = client.get("/talent/nominations/new/").content.decode()
    assert "身份证号码" not in page  # the subject is the worker themself
    response = client.post("/talent/nominations/new/", {"honour": "hz_digital_craftsman", "cycle": 2025,
                                                        "route": "self:", "years_skilled": "6"})
    assert response.status_code == 302
    n = Nomination.objects.get()
    assert (n.person, n.route) == (world.people["shangcheng"], "self")
    refused = client.post("/talent/nominations/new/", {"honour": "hz_craftsman", "cycle": 2025, "route": "self:"})
    assert refused.status_code == 400 and "杭州工匠不接受个人自荐" in refused.content.decode()


def test_a_short_publicity_is_refused_on_the_page_with_the_earliest_end(world, honours):
    from workerhub.talent.services import nominations as services

    n = services.create_nomination(actor=None, honour=honours["hz_craftsman"], cycle=2024, route="federation",
                                   person=world.people["xihu"], declared={"front_line": True, "years_skilled": 12})
    client = world.client("hangzhou")
    reviewed = client.post(f"/talent/nominations/{n.pk}/review/", {"on": "2024-09-20"})
    assert reviewed.status_code == 302
    audits = AuditEntry.objects.count()
    response = client.post(f"/talent/nominations/{n.pk}/publicise/", {"start": "2024-09-29", "end": "2024-10-09"})
    page = response.content.decode()
    assert response.status_code == 400 and "只有 4 个工作日" in page and "至少公示到 2024-10-10" in page
    assert Nomination.objects.get(pk=n.pk).state == "reviewed" and AuditEntry.objects.count() == audits
    ok = client.post(f"/talent/nominations/{n.pk}/publicise/", {"start": "2024-09-29", "end": "2024-10-10"})
    assert ok.status_code == 302 and Nomination.objects.get(pk=n.pk).state == "publicised"
    detail = client.get(f"/talent/nominations/{n.pk}/").content.decode()
    assert "2024-09-29 — 2024-10-10" in detail and "登记异议" in detail and "授予" in detail


def test_detail_shows_the_review_outcome_and_history(world, nomination_cast):
    n = nomination_cast["publicised"]
    page = world.client("hangzhou").get(f"/talent/nominations/{n.pk}/").content.decode()
    assert "符合杭州工匠推荐条件" in page and "从事技能工作 12 年,要求不少于 10 年" in page
    assert "变更记录" in page and "publicised" in page
    assert world.people["xihu"].id_number not in page


def test_revocation_without_a_reason_is_refused_on_the_page(world, nomination_cast):
    n = nomination_cast["conferred"]
    client = world.client("ningbo")
    response = client.post(f"/talent/nominations/{n.pk}/revoke/", {"reason": "", "document": "甬总〔2025〕1号",
                                                                   "revoked_on": "2025-03-01"})
    assert response.status_code == 400 and "请填写撤销原因" in response.content.decode()
    assert Nomination.objects.get(pk=n.pk).state == "conferred"
    assert client.post(f"/talent/nominations/{n.pk}/nonsense/", {}).status_code == 404


def test_list_filters_by_honour_code_cycle_state_and_region(world, nomination_cast):
    client = world.client("province")

    def names(query):
        return names_in(client.get("/talent/nominations/?" + query).content.decode())

    assert names("honour=hz_craftsman") == {"王西湖"}
    assert names("state=conferred") == {"张北仑"}
    assert names("cycle=2024&region=330100") == {"王西湖", "李上城"}
    assert names("cycle=2023") == set()
    export = client.get("/talent/nominations/export.xlsx?region=330200")
    assert names_in(xlsx_text(export)) == {"张北仑"}
    assert AuditEntry.objects.filter(action="export", object_type="talent.nomination").exists()
