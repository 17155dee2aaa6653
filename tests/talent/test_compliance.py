"""The negative list (负面清单) pages and services (talent/views/compliance.py, services/compliance.py): an officer
records an employer's fact and nomination review then refuses that employer's workers, explaining why; a fact
remedied before the honour's window no longer counts; bad input writes nothing; scope per role (SPEC §0, §2.2).

杭州工匠 (data/honours.json, hz_craftsman) bars an employer with 拖欠工资 within 1 year before the review date
(``window_years`` 1): reviewing on 2024-09-20, the window opens on 2023-09-20."""

import io
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from tests.conftest import VISIBLE_PEOPLE
from workerhub.core.models import AuditEntry
from workerhub.core.services import ServiceError
from workerhub.talent.models import ComplianceFlag, Nomination
from workerhub.talent.services import compliance
from workerhub.talent.services import nominations as nominating

ROLES = list(VISIBLE_PEOPLE)
REVIEW_ON = date(2024, 9, 20)


@pytest.fixture
def nominated(world, honours):
    """西湖数据科技's union puts 王西湖 forward for 杭州工匠 2024 (front line, 12 years: eligible otherwise)."""
    return nominating.create_nomination(
        actor=world.users["firm_xihu"], honour=honours["hz_craftsman"], cycle=2024, route="enterprise_union",
        nominated_by=world.orgs["firm_xihu"], person=world.people["xihu"], deeds="数控加工技术攻关",
        declared={"front_line": True, "years_skilled": 12})


def written():
    return ComplianceFlag.objects.count(), AuditEntry.objects.filter(object_type="talent.complianceflag").count()


def post_flag(client, org, **fields):
    data = {"organisation": org.pk, "flag": "wage_arrears", "since": "2022-05-01", "until": "", "note": ""}
    return client.post("/talent/compliance/new/", {**data, **fields})


def test_a_recorded_flag_fails_the_review_and_ending_it_before_the_window_lets_it_pass(world, nominated):
    officer = world.client("hangzhou")
    response = post_flag(officer, world.orgs["firm_xihu"], note="劳动保障监察责令整改")
    assert response.status_code == 302 and response["Location"] == "/talent/compliance/"
    flag = ComplianceFlag.objects.get()
    assert (flag.organisation, flag.flag, flag.since, flag.until) == (world.orgs["firm_xihu"], "wage_arrears",
                                                                      date(2022, 5, 1), None)
    row = AuditEntry.objects.get(object_type="talent.complianceflag")
    assert row.action == "create" and row.actor == world.users["hangzhou"] and row.region_id == "330106"
    assert row.changes["flag"] == [None, "wage_arrears"] and row.changes["since"] == [None, "2022-05-01"]

    hangzhou = world.users["hangzhou"]
    with pytest.raises(ServiceError) as exc:
        nominating.review_nomination(actor=hangzhou, nomination=nominated, on=REVIEW_ON)
    assert "所在单位有负面清单情形:拖欠工资(2022-05-01 起,1 年内不得推荐)" in str(exc.value)
    assert Nomination.objects.get(pk=nominated.pk).state == "nominated"

    # Remedied on 2023-06-30, before the window opening 2023-09-20: no longer counted.
    response = officer.post(f"/talent/compliance/{flag.pk}/end/", {"until": "2023-06-30"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.until == date(2023, 6, 30)
    ended = AuditEntry.objects.filter(object_type="talent.complianceflag").latest("pk")
    assert ended.action == "change" and ended.changes == {"until": [None, "2023-06-30"]}
    nominating.review_nomination(actor=hangzhou, nomination=nominated, on=REVIEW_ON)
    n = Nomination.objects.get(pk=nominated.pk)
    assert n.state == "reviewed"
    assert {"name": "单位负面清单", "passed": True, "message": "所在单位不在负面清单"} in n.eligibility["outcome"]["criteria"]


def test_a_flag_remedied_inside_the_window_still_counts(world, nominated):
    flag = compliance.record_flag(actor=world.users["xihu"], organisation=world.orgs["firm_xihu"],
                                  flag="wage_arrears", since=date(2022, 5, 1))
    compliance.end_flag(actor=world.users["xihu"], flag=flag, until=date(2023, 9, 20))  # the window's first day
    with pytest.raises(ServiceError, match="拖欠工资"):
        nominating.review_nomination(actor=world.users["hangzhou"], nomination=nominated, on=REVIEW_ON)


def test_bad_input_writes_nothing(world):
    officer, firm = world.users["hangzhou"], world.orgs["firm_xihu"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    before = written()
    for kwargs, message in (
        ({"since": date(2024, 5, 1), "until": date(2024, 4, 30)}, "消除日期不能早于发生日期(2024-05-01)"),
        ({"since": tomorrow}, "发生日期不能晚于今天"),
        ({"since": date(2024, 5, 1), "until": tomorrow}, "消除日期不能晚于今天"),
        ({"since": date(2024, 5, 1), "flag": "late_for_work"}, "请选择负面清单情形"),
        ({"since": date(2024, 5, 1), "organisation": world.orgs["hangzhou"]}, "负面清单只登记企业"),
    ):
        with pytest.raises(ServiceError, match=re.escape(message)):
            compliance.record_flag(actor=officer, **{"organisation": firm, "flag": "wage_arrears", **kwargs})
    with pytest.raises(PermissionError):  # 北仑港务 is Ningbo's: out of Hangzhou's scope, rolled back
        compliance.record_flag(actor=officer, organisation=world.orgs["firm_ningbo"], flag="wage_arrears",
                               since=date(2024, 5, 1))
    assert written() == before

    client = world.client("hangzhou")
    for fields, error in (({"since": "2024-05-01", "until": "2024-04-30"}, "不能早于发生日期"),
                          ({"since": tomorrow.isoformat()}, "不能晚于今天")):
        response = post_flag(client, firm, **fields)
        assert response.status_code == 400 and error in response.content.decode()
    response = post_flag(client, world.orgs["firm_ningbo"])  # posted by hand: not among the choices
    assert response.status_code == 400 and "北仑港务" not in response.content.decode()
    assert written() == before

    flag = compliance.record_flag(actor=officer, organisation=firm, flag="no_union", since=date(2024, 5, 1))
    with pytest.raises(ServiceError, match="已有未消除的“未建工会”情形"):
        compliance.record_flag(actor=officer, organisation=firm, flag="no_union", since=date(2024, 6, 1))
    before = written()
    for until in ("2024-04-30", tomorrow.isoformat(), "不是日期"):
        assert client.post(f"/talent/compliance/{flag.pk}/end/", {"until": until}).status_code == 302
    flag.refresh_from_db()
    assert flag.until is None and written() == before
    compliance.end_flag(actor=officer, flag=flag, until=date(2024, 7, 1))
    with pytest.raises(ServiceError, match="该情形已于 2024-07-01 消除"):
        compliance.end_flag(actor=officer, flag=flag, until=date(2024, 8, 1))


# --- Scope per role ---------------------------------------------------------------------------------------------

@pytest.fixture
def flags(world):
    return {"xihu": compliance.record_flag(actor=None, organisation=world.orgs["firm_xihu"], flag="social_insurance",
                                           since=date(2024, 3, 1)),
            "ningbo": compliance.record_flag(actor=None, organisation=world.orgs["firm_ningbo"],
                                             flag="safety_incident", since=date(2023, 7, 9))}


NAMES = {"xihu": "西湖数据科技有限公司", "ningbo": "北仑港务有限公司"}
SEES = {"province": {"xihu", "ningbo"}, "hangzhou": {"xihu"}, "xihu": {"xihu"}, "ningbo": {"ningbo"}}


def seen(text: str) -> set[str]:
    return {key for key, name in NAMES.items() if name in text}


def expect(role, response):
    if role is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == (200 if role in SEES else 404), (role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_list_form_and_export_per_role(world, flags, role):
    client = world.client(role)
    listing = client.get("/talent/compliance/")
    expect(role, listing)
    if role in SEES:
        assert seen(listing.content.decode()) == SEES[role]
    form = client.get("/talent/compliance/new/")
    expect(role, form)
    if role in SEES:  # the form offers the enterprises of the officer's scope only
        assert seen(form.content.decode()) == SEES[role]
    export = client.get("/talent/compliance/export.xlsx")
    expect(role, export)
    if role in SEES:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(export.streaming_content))).get_sheet_by_index(0)
        assert seen("\n".join(",".join(str(c) for c in row) for row in sheet.iter_rows())) == SEES[role]


@pytest.mark.parametrize("role", ROLES)
def test_ending_a_flag_per_role(world, flags, role):
    for key, flag in flags.items():
        response = world.client(role).post(f"/talent/compliance/{flag.pk}/end/", {"until": "2024-08-01"})
        flag.refresh_from_db()
        if role in SEES and key in SEES[role]:
            assert response.status_code == 302 and flag.until == date(2024, 8, 1)
        else:
            assert response.status_code in ((302,) if role is None else (404,)) and flag.until is None, (role, key)


def test_filters_and_search(world, flags):
    client = world.client("province")
    compliance.end_flag(actor=None, flag=flags["ningbo"], until=date(2024, 1, 31))
    assert seen(client.get("/talent/compliance/?active=1").content.decode()) == {"xihu"}
    assert seen(client.get("/talent/compliance/?active=0").content.decode()) == {"ningbo"}
    assert seen(client.get("/talent/compliance/?flag=safety_incident").content.decode()) == {"ningbo"}
    assert seen(client.get("/talent/compliance/?q=西湖数据").content.decode()) == {"xihu"}
