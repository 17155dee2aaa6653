"""Officers create courses, competitions and alliances from the pages (SPEC §3.2, §3.5): each create form writes
the row the user typed and its audit entry; a role or region that may not is refused with a 404 and nothing is
written; bad input (a session ending before it starts, a provincial contest without its class, a team of four, a
member added twice) is explained in Chinese on the form and writes nothing; the organisations offered are only
those of the user's scope."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from workerhub.core.models import AuditEntry
from workerhub.skills import services
from workerhub.skills.models import (
    Alliance,
    AllianceMember,
    Competition,
    CompetitionEvent,
    Course,
    CourseSession,
    Occupation,
)


def audit(obj, action=AuditEntry.Action.CREATE):
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action)


def offered(response, field: str) -> set[str]:
    """The names of the organisations a form's select offers."""
    return {o.name for o in response.context["form"].fields[field].queryset}


@pytest.fixture
def ningbo_course(world):
    return services.create_course(actor=world.users["ningbo"], title="CAD制图", organiser=world.orgs["ningbo"],
                                  region_id="330206", hours=20)


@pytest.fixture
def ningbo_alliance(world):
    return services.create_alliance(actor=world.users["ningbo"], name="宁波港口技能人才联盟", region_id="330200",
                                    lead=world.orgs["firm_ningbo"], founded_on=date(2023, 5, 1))


# --- Courses ------------------------------------------------------------------------------------------------

def test_an_officer_creates_a_course_with_the_values_typed(world):
    client = world.client("ningbo")
    form = client.get("/skills/courses/new/")
    assert form.status_code == 200
    # Ningbo's officer may name Ningbo's federation or an organisation of Ningbo, nothing of Hangzhou or Wenzhou.
    assert offered(form, "organiser") == {"宁波市总工会", "北仑港务有限公司"}
    regions = dict(form.context["form"].fields["region"].choices)
    assert "330206" in regions and "330106" not in regions
    cad = Occupation.objects.get(name="数据标注员")
    response = client.post("/skills/courses/new/", {
        "title": "港口起重机操作", "occupation": cad.pk, "organiser": world.orgs["firm_ningbo"].pk, "region": "330206",
        "hours": "32", "capacity": "40", "completion_ratio": "0.75", "description": "夜校,每周两次"})
    course = Course.objects.get(title="港口起重机操作")
    assert response.status_code == 302 and response.url == f"/skills/courses/{course.pk}/"
    assert (course.organiser, course.region_id, course.occupation, course.hours, course.capacity,
            course.completion_ratio, course.description) == (
        world.orgs["firm_ningbo"], "330206", cad, 32, 40, Decimal("0.75"), "夜校,每周两次")
    assert audit(course).get().actor == world.users["ningbo"]


def test_an_evaluator_organises_courses_of_its_own_college_only(world):
    client = world.client("wenzhou_eval")
    form = client.get("/skills/courses/new/")
    assert offered(form, "organiser") == {"浙江安防职业技术学院"}
    data = {"title": "数据标注实务", "region": "330304", "hours": "16", "completion_ratio": "0.8"}
    # Another organisation, posted by hand, is not a valid choice: nothing is written.
    refused = client.post("/skills/courses/new/", {**data, "organiser": world.orgs["firm_xihu"].pk})
    assert refused.status_code == 400 and not Course.objects.exists()
    client.post("/skills/courses/new/", {**data, "organiser": world.orgs["college"].pk})
    course = Course.objects.get()
    assert (course.title, course.organiser, course.region_id, course.capacity) == (
        "数据标注实务", world.orgs["college"], "330304", None)


def test_only_those_who_may_add_a_course_see_the_button_or_the_form(world):
    assert 'href="/skills/courses/new/"' in world.client("ningbo").get("/skills/courses/").content.decode()
    worker = world.client("worker")
    assert 'href="/skills/courses/new/"' not in worker.get("/skills/courses/").content.decode()
    assert worker.get("/skills/courses/new/").status_code == 404
    posted = worker.post("/skills/courses/new/", {"title": "偷建", "organiser": world.orgs["firm_shangcheng"].pk,
                                                 "region": "330102", "hours": "8", "completion_ratio": "0.8"})
    assert posted.status_code == 404 and not Course.objects.exists()


def test_a_course_in_another_region_cannot_be_created(world):
    # Hangzhou's officer posts Ningbo's region and federation: neither is offered, so nothing is written.
    response = world.client("hangzhou").post("/skills/courses/new/", {
        "title": "越界课程", "organiser": world.orgs["ningbo"].pk, "region": "330206", "hours": "8",
        "completion_ratio": "0.8"})
    assert response.status_code == 400 and not Course.objects.exists()


def test_a_shared_course_must_be_organised_by_a_member_of_the_alliance(world, ningbo_alliance):
    response = world.client("ningbo").post("/skills/courses/new/", {
        "title": "共享课程", "organiser": world.orgs["ningbo"].pk, "region": "330200", "hours": "8",
        "completion_ratio": "0.8", "alliance": ningbo_alliance.pk})
    assert response.status_code == 400
    assert "共享课程的主办单位须为该联盟成员" in response.content.decode()
    assert not Course.objects.exists()


def test_an_officer_adds_a_class_session_from_the_course_page(world, ningbo_course):
    client = world.client("ningbo")
    assert "添加课次" in client.get(f"/skills/courses/{ningbo_course.pk}/").content.decode()
    response = client.post(f"/skills/courses/{ningbo_course.pk}/sessions/new/", {
        "starts_at": "2024-03-18T19:00", "ends_at": "2024-03-18T21:00", "venue": "北仑职工学校302", "topic": "视图与投影"})
    assert response.status_code == 302
    session = CourseSession.objects.get(course=ningbo_course)
    # Times are typed in Beijing time (TIME_ZONE Asia/Shanghai).
    assert timezone.localtime(session.starts_at).replace(tzinfo=None) == datetime(2024, 3, 18, 19, 0)
    assert timezone.localtime(session.ends_at).replace(tzinfo=None) == datetime(2024, 3, 18, 21, 0)
    assert (session.venue, session.topic) == ("北仑职工学校302", "视图与投影")
    assert audit(ningbo_course, AuditEntry.Action.CHANGE).filter(object_repr__contains="新增课次").count() == 1
    page = client.get(f"/skills/courses/{ningbo_course.pk}/").content.decode()
    assert "2024-03-18 19:00–21:00 视图与投影 · 北仑职工学校302" in page


def test_a_session_ending_before_it_starts_is_refused(world, ningbo_course):
    response = world.client("ningbo").post(f"/skills/courses/{ningbo_course.pk}/sessions/new/", {
        "starts_at": "2024-03-18T21:00", "ends_at": "2024-03-18T19:00"})
    assert response.status_code == 400
    assert "结束时间须晚于开始时间" in response.content.decode()
    assert not CourseSession.objects.exists()


def test_another_regions_officer_cannot_add_sessions(world, ningbo_course):
    client = world.client("hangzhou")
    response = client.post(f"/skills/courses/{ningbo_course.pk}/sessions/new/", {
        "starts_at": "2024-03-18T19:00", "ends_at": "2024-03-18T21:00"})
    assert response.status_code == 404 and not CourseSession.objects.exists()
    # A worker sees the course but gets no session form.
    assert "添加课次" not in world.client("worker").get(f"/skills/courses/{ningbo_course.pk}/").content.decode()


# --- Competitions -------------------------------------------------------------------------------------------

def test_a_federation_officer_creates_a_provincial_competition(world):
    client = world.client("province")
    assert 'href="/skills/competitions/new/"' in client.get("/skills/competitions/").content.decode()
    form = client.get("/skills/competitions/new/")
    assert {"浙江省总工会", "宁波市总工会", "浙江安防职业技术学院"} <= offered(form, "organiser")
    response = client.post("/skills/competitions/new/", {
        "name": "浙江省第三届数字技能大赛", "tier": "provincial", "contest_class": "1",
        "organiser": world.orgs["province"].pk, "region": "330000", "held_on": "2024-10-12"})
    comp = Competition.objects.get()
    assert response.status_code == 302 and response.url == f"/skills/competitions/{comp.pk}/"
    assert (comp.name, comp.tier, comp.contest_class, comp.organiser, comp.region_id, comp.held_on) == (
        "浙江省第三届数字技能大赛", "provincial", 1, world.orgs["province"], "330000", date(2024, 10, 12))
    assert audit(comp).get().actor == world.users["province"]


def test_a_provincial_competition_needs_its_class_but_an_enterprise_one_does_not(world):
    client = world.client("ningbo")
    data = {"name": "宁波港口技能比武", "organiser": world.orgs["ningbo"].pk, "region": "330200",
            "held_on": "2024-06-01"}
    missing = client.post("/skills/competitions/new/", {**data, "tier": "provincial", "contest_class": ""})
    assert missing.status_code == 400
    assert "省、市、县级竞赛须注明一类或二类" in missing.content.decode()
    assert not Competition.objects.exists()
    # An enterprise contest earns no policy credit (SPEC §3.2), so it has no class.
    client.post("/skills/competitions/new/", {**data, "tier": "enterprise", "contest_class": ""})
    comp = Competition.objects.get()
    assert (comp.tier, comp.contest_class) == ("enterprise", None)


def test_only_federation_officers_create_competitions(world):
    client = world.client("wenzhou_eval")
    assert 'href="/skills/competitions/new/"' not in client.get("/skills/competitions/").content.decode()
    response = client.post("/skills/competitions/new/", {
        "name": "学院技能节", "tier": "enterprise", "organiser": world.orgs["college"].pk, "region": "330304",
        "held_on": "2024-06-01"})
    assert response.status_code == 404 and not Competition.objects.exists()


def test_an_officer_adds_events_and_a_team_of_four_is_refused(world):
    comp = services.create_competition(actor=world.users["ningbo"], name="宁波市供应链管理职业技能竞赛", tier="city",
                                       contest_class=2, organiser=world.orgs["ningbo"], region_id="330200",
                                       held_on=date(2024, 9, 20))
    client = world.client("ningbo")
    assert "添加赛项" in client.get(f"/skills/competitions/{comp.pk}/").content.decode()
    occupation = Occupation.objects.get(name="数据标注员")
    four = client.post(f"/skills/competitions/{comp.pk}/events/new/", {"name": "团体赛", "team_size": "4"})
    assert four.status_code == 400
    assert "每队人数应为1–3人" in four.content.decode()
    assert not CompetitionEvent.objects.exists()
    client.post(f"/skills/competitions/{comp.pk}/events/new/",
                {"name": "数据标注团体赛", "occupation": occupation.pk, "team_size": "2"})
    event = CompetitionEvent.objects.get()
    assert (event.competition, event.name, event.occupation, event.team_size) == (comp, "数据标注团体赛", occupation, 2)
    assert audit(event).count() == 1
    assert "2 人一队" in client.get(f"/skills/competitions/{comp.pk}/").content.decode()
    # Hangzhou's officer may not add to Ningbo's competition.
    other = world.client("hangzhou").post(f"/skills/competitions/{comp.pk}/events/new/",
                                          {"name": "越界赛项", "team_size": "1"})
    assert other.status_code == 404 and CompetitionEvent.objects.count() == 1


# --- Alliances ----------------------------------------------------------------------------------------------

def test_an_officer_creates_an_alliance_whose_lead_is_its_first_member(world):
    client = world.client("ningbo")
    assert 'href="/skills/alliances/new/"' in client.get("/skills/alliances/").content.decode()
    form = client.get("/skills/alliances/new/")
    assert offered(form, "lead") == {"宁波市总工会", "北仑港务有限公司"}
    response = client.post("/skills/alliances/new/", {
        "name": "宁波港口技能人才联盟", "region": "330206", "lead": world.orgs["firm_ningbo"].pk,
        "founded_on": "2023-05-01", "description": "港口企业与院校共建"})
    alliance = Alliance.objects.get()
    assert response.status_code == 302 and response.url == f"/skills/alliances/{alliance.pk}/"
    assert (alliance.name, alliance.region_id, alliance.lead, alliance.founded_on, alliance.description) == (
        "宁波港口技能人才联盟", "330206", world.orgs["firm_ningbo"], date(2023, 5, 1), "港口企业与院校共建")
    assert list(alliance.members.values_list("organisation__name", "kind", "recognises")) == [
        ("北仑港务有限公司", "enterprise", True)]
    assert audit(alliance).get().actor == world.users["ningbo"]


def test_enterprise_unions_and_evaluators_do_not_create_alliances(world):
    for name in ("firm_xihu", "wenzhou_eval"):
        client = world.client(name)
        assert 'href="/skills/alliances/new/"' not in client.get("/skills/alliances/").content.decode()
        response = client.post("/skills/alliances/new/", {"name": "自建联盟", "region": "330106",
                                                          "lead": world.orgs["firm_xihu"].pk})
        assert response.status_code == 404
    assert not Alliance.objects.exists()


def test_an_officer_adds_a_member_once(world, ningbo_alliance):
    client = world.client("ningbo")
    page = client.get(f"/skills/alliances/{ningbo_alliance.pk}/")
    assert {o.name for o in page.context["member_form"].fields["organisation"].queryset} == {
        "宁波市总工会", "北仑港务有限公司"}
    url = f"/skills/alliances/{ningbo_alliance.pk}/members/new/"
    response = client.post(url, {"organisation": world.orgs["ningbo"].pk, "kind": "training",
                                 "joined_on": "2024-01-15"})
    assert response.status_code == 302
    member = AllianceMember.objects.get(alliance=ningbo_alliance, organisation=world.orgs["ningbo"])
    # The checkbox was left unticked: the member does not recognise the alliance's certificates.
    assert (member.kind, member.recognises, member.joined_on) == ("training", False, date(2024, 1, 15))
    assert audit(ningbo_alliance, AuditEntry.Action.CHANGE).filter(object_repr__contains="新增成员 宁波市总工会").exists()
    again = client.post(url, {"organisation": world.orgs["firm_ningbo"].pk, "kind": "enterprise",
                              "recognises": "on"})
    assert again.status_code == 400
    assert "北仑港务有限公司 已是该联盟成员" in again.content.decode()
    assert ningbo_alliance.members.count() == 2
    # An organisation outside Ningbo, posted by hand, is not a valid choice.
    outside = client.post(url, {"organisation": world.orgs["firm_xihu"].pk, "kind": "enterprise"})
    assert outside.status_code == 400 and ningbo_alliance.members.count() == 2


def test_an_officer_toggles_a_members_recognition(world, ningbo_alliance):
    member = ningbo_alliance.members.get()
    client = world.client("ningbo")
    page = client.get(f"/skills/alliances/{ningbo_alliance.pk}/").content.decode()
    assert "取消认可" in page
    client.post(f"/skills/alliances/members/{member.pk}/recognition/", {"recognises": "0"})
    member.refresh_from_db()
    assert member.recognises is False
    assert audit(member, AuditEntry.Action.CHANGE).get().changes == {"recognises": [True, False]}
    assert "设为认可" in client.get(f"/skills/alliances/{ningbo_alliance.pk}/").content.decode()
    # Hangzhou's officer cannot touch a Ningbo alliance member, nor add one.
    hangzhou = world.client("hangzhou")
    assert hangzhou.post(f"/skills/alliances/members/{member.pk}/recognition/",
                         {"recognises": "1"}).status_code == 404
    assert hangzhou.post(f"/skills/alliances/{ningbo_alliance.pk}/members/new/",
                         {"organisation": world.orgs["hangzhou"].pk, "kind": "training"}).status_code == 404
    member.refresh_from_db()
    assert member.recognises is False and ningbo_alliance.members.count() == 1
