"""Training courses, competitions, alliances and the occupation catalogue through their pages (SPEC §3.1, §3.2,
§3.5): enrolment, attendance and completion by the 80% rule, the credits a competition result earns by Zhejiang's
rules, the audited review of a promotion, and the region scope (an out-of-scope page is a 404)."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from tests.conftest import make_person
from workerhub.core.models import AuditEntry, Role, RoleBinding, User
from workerhub.skills import services
from workerhub.skills.models import Certificate, CompetitionResult, Credit, Enrolment


def at(day: int, hour: int = 19):
    return timezone.make_aware(datetime(2024, 3, day, hour))


@pytest.fixture
def course(world):
    """Ningbo's CAD制图 course in 北仑 with five evening sessions (completion share 80%)."""
    c = services.create_course(actor=world.users["ningbo"], title="CAD制图", organiser=world.orgs["ningbo"],
                               region_id="330206", hours=20)
    for day in (18, 20, 25, 27, 29):
        services.add_course_session(actor=world.users["ningbo"], course=c, starts_at=at(day), ends_at=at(day, 21))
    return c


@pytest.fixture
def learners(world):
    return [world.people["ningbo"],
            make_person("王海港", "330206199002023457", "330206", employer=world.orgs["firm_ningbo"]),
            make_person("李大港", "330206198505055675", "330206", employer=world.orgs["firm_ningbo"])]


def enrol_all(world, course, people):
    return [services.enrol(actor=world.users["ningbo"], course=course, person=p) for p in people]


def test_the_course_page_states_the_completion_rule(world, course):
    page = world.client("ningbo").get(f"/skills/courses/{course.pk}/").content.decode()
    # 5 sessions × 80% = 4.0 → at least 4 sessions attended.
    assert "出勤不少于 4 次(共 5 课次 × 80%,向上取整)" in page


def test_an_officer_enrols_a_person_named_by_name_and_id_number(world, course, learners):
    client = world.client("ningbo")
    response = client.post(f"/skills/courses/{course.pk}/enrol/", {"name": "张北仑", "id_number": "330206197811203459"},
                           follow=True)
    assert "张北仑 已报名“CAD制图”" in response.content.decode()
    assert list(course.enrolments.values_list("person__name", flat=True)) == ["张北仑"]
    # A name that does not match the ID number enrols nobody and says why.
    wrong = client.post(f"/skills/courses/{course.pk}/enrol/", {"name": "王海", "id_number": "330206199002023457"},
                        follow=True).content.decode()
    assert "找不到姓名与身份证号码相符的人员" in wrong
    assert course.enrolments.count() == 1
    # The learner list shows ID numbers masked.
    page = client.get(f"/skills/courses/{course.pk}/").content.decode()
    assert "330206********3459" in page and "330206197811203459" not in page


def test_a_worker_enrols_themself_once(world, course, learners):
    user = User.objects.create_user(username="beilun_worker", password="x", person=learners[1])
    RoleBinding.objects.create(user=user, role=Role.WORKER, organisation=world.orgs["firm_ningbo"])
    client = world.client(None)
    client.force_login(user)
    assert "我要报名" in client.get(f"/skills/courses/{course.pk}/").content.decode()
    client.post(f"/skills/courses/{course.pk}/enrol/")
    again = client.post(f"/skills/courses/{course.pk}/enrol/", follow=True).content.decode()
    assert "王海港 已报名该课程" in again
    assert Enrolment.objects.filter(course=course, person=learners[1]).count() == 1
    assert "我已报名 · 在学" in client.get(f"/skills/courses/{course.pk}/").content.decode()


def test_attendance_checkboxes_and_completion_follow_the_80_percent_rule(world, course, learners):
    a, b, c = enrol_all(world, course, learners)
    client = world.client("ningbo")
    sessions = list(course.sessions.order_by("starts_at"))
    # Present per session: a misses the last (4 of 5), b misses two (3 of 5), c attends all five.
    present = [[a, b, c], [a, b, c], [a, c], [a, b, c], [c]]
    for session, who in zip(sessions, present, strict=True):
        response = client.post(f"/skills/courses/{course.pk}/attendance/{session.pk}/",
                               {"present": [e.pk for e in who]}, follow=True)
        assert f"出勤 {len(who)} 人" in response.content.decode()
    assert [a.attended.count(), b.attended.count(), c.attended.count()] == [4, 3, 5]
    response = client.post(f"/skills/courses/{course.pk}/complete/", follow=True)
    # Needed: ceil(5 × 0.8) = 4 → a (4) and c (5) complete, b (3) stays enrolled.
    assert "结业 2 人" in response.content.decode()
    statuses = dict(Enrolment.objects.filter(course=course).values_list("person__name", "status"))
    assert statuses == {"张北仑": "completed", "王海港": "enrolled", "李大港": "completed"}
    # Re-marking a session replaces its marks.
    client.post(f"/skills/courses/{course.pk}/attendance/{sessions[4].pk}/", {"present": [a.pk, b.pk]})
    assert set(sessions[4].attendees.values_list("pk", flat=True)) == {a.pk, b.pk}


def test_attendance_for_an_enrolment_of_another_course_writes_nothing(world, course, learners):
    other = services.create_course(actor=world.users["ningbo"], title="工业机器人", organiser=world.orgs["ningbo"],
                                   region_id="330206")
    foreign = services.enrol(actor=world.users["ningbo"], course=other, person=learners[0])
    session = course.sessions.first()
    world.client("ningbo").post(f"/skills/courses/{course.pk}/attendance/{session.pk}/", {"present": [foreign.pk]})
    assert not session.attendees.exists()


def test_an_officer_of_another_region_gets_404_and_writes_nothing(world, course, learners):
    (a,) = enrol_all(world, course, learners[:1])
    session = course.sessions.first()
    client = world.client("hangzhou")
    assert client.get(f"/skills/courses/{course.pk}/").status_code == 404
    assert client.post(f"/skills/courses/{course.pk}/attendance/{session.pk}/", {"present": [a.pk]}).status_code == 404
    assert client.post(f"/skills/courses/{course.pk}/complete/").status_code == 404
    assert client.post(f"/skills/courses/{course.pk}/enrol/",
                       {"name": "王海港", "id_number": "330206199002023457"}).status_code == 404
    assert not session.attendees.exists() and course.enrolments.count() == 1
    assert "CAD制图" not in client.get("/skills/courses/").content.decode()
    assert "CAD制图" in world.client("ningbo").get("/skills/courses/").content.decode()


# --- Competitions: Zhejiang's shipped rules (SPEC §3.2) ------------------------------------------------------

def contest(world, name, tier, cls, region="330000", organiser="province"):
    comp = services.create_competition(actor=world.users["province"], name=name, tier=tier, contest_class=cls,
                                       organiser=world.orgs[organiser], region_id=region, held_on=date(2024, 6, 1))
    return comp, services.add_competition_event(actor=world.users["province"], competition=comp, name="电工")


def post_result(client, event, person, **values):
    data = {f"ev{event.pk}-name": person.name, f"ev{event.pk}-id_number": person.id_number}
    data.update({f"ev{event.pk}-{k}": v for k, v in values.items()})
    return client.post(f"/skills/competitions/events/{event.pk}/results/", data, follow=True).content.decode()


def credits_of(person):
    return sorted(Credit.objects.filter(result__person=person).values_list("kind", "title", "status"))


def test_provincial_class_one_third_place_earns_the_title_and_a_promotion_pending_review(world):
    comp, event = contest(world, "浙江省职工职业技能大赛", "provincial", 1)
    person = world.people["xihu"]
    page = post_result(world.client("province"), event, person, rank=3, score="91.5")
    # 省一类 top 5 → 浙江省技术能手 at once; top 8 → 破格晋升 技师 after review (no level held).
    assert credits_of(person) == [("promotion", "二级/技师", "pending"), ("title", "浙江省技术能手", "granted")]
    assert "浙江省技术能手(已认定)" in page and "二级/技师(待审核)" in page
    detail = world.client("province").get(f"/skills/competitions/{comp.pk}/").content.decode()
    assert "一类竞赛第 3 名，经审核可破格晋升 二级/技师" in detail and "待审核" in detail


def test_city_class_two_second_place_earns_nothing(world):
    _comp, event = contest(world, "宁波市电工技能竞赛", "city", 2, region="330200", organiser="ningbo")
    page = post_result(world.client("ningbo"), event, world.people["ningbo"], rank=2)
    # 市二类: only first place earns 市技术能手 and the promotion.
    assert CompetitionResult.objects.filter(event=event).count() == 1
    assert credits_of(world.people["ningbo"]) == []
    assert "该名次不产生政策积分" in page


def test_a_national_honourable_mention_promotes_to_technician_directly(world):
    _comp, event = contest(world, "全国职工职业技能大赛", "national", None)
    page = post_result(world.client("province"), event, world.people["shangcheng"], award="优胜奖")
    assert credits_of(world.people["shangcheng"]) == [("promotion", "二级/技师", "granted")]
    assert "二级/技师(已认定)" in page


def test_a_result_needs_a_rank_or_a_national_award(world):
    _comp, event = contest(world, "浙江省职工职业技能大赛", "provincial", 2)
    page = post_result(world.client("province"), event, world.people["xihu"], score="80")
    assert "请填写名次" in page and not CompetitionResult.objects.exists()


def test_the_promotion_review_is_decided_once_and_audited(world):
    comp, event = contest(world, "浙江省职工职业技能大赛", "provincial", 1)
    post_result(world.client("province"), event, world.people["xihu"], rank=6)
    # 省一类 6th: no title (top 5) but a promotion after review (top 8).
    credit = Credit.objects.get()
    assert (credit.kind, credit.status) == ("promotion", "pending")
    # Ningbo's officer cannot reach a provincial competition's credit.
    assert world.client("ningbo").post(f"/skills/credits/{credit.pk}/approve/").status_code == 404
    client = world.client("province")
    assert "王西湖 的“二级/技师”:已认定" in client.post(f"/skills/credits/{credit.pk}/approve/",
                                                       follow=True).content.decode()
    credit.refresh_from_db()
    assert credit.status == "granted" and credit.decided_at is not None
    entry = AuditEntry.objects.get(object_type="skills.credit", object_id=str(credit.pk))
    assert (entry.actor_name, entry.action, entry.changes) == ("province", "transition",
                                                              {"status": ["pending", "granted"]})
    again = client.post(f"/skills/credits/{credit.pk}/refuse/", follow=True).content.decode()
    assert "不能重复审核" in again
    credit.refresh_from_db()
    assert credit.status == "granted"
    assert client.post(f"/skills/credits/{credit.pk}/maybe/").status_code == 404
    assert world.client("province").get(f"/skills/competitions/{comp.pk}/").status_code == 200


def test_competitions_of_another_region_are_404(world):
    comp, event = contest(world, "宁波市电工技能竞赛", "city", 1, region="330200", organiser="ningbo")
    client = world.client("hangzhou")
    assert client.get(f"/skills/competitions/{comp.pk}/").status_code == 404
    response = client.post(f"/skills/competitions/events/{event.pk}/results/",
                           {f"ev{event.pk}-name": "张北仑", f"ev{event.pk}-id_number": "330206197811203459",
                            f"ev{event.pk}-rank": 1})
    assert response.status_code == 404 and not CompetitionResult.objects.exists()
    assert "宁波市电工技能竞赛" not in client.get("/skills/competitions/").content.decode()


# --- Occupations and alliances -----------------------------------------------------------------------------

def test_the_occupation_catalogue_marks_unverified_codes_and_lists_routes(world):
    page = world.client("worker").get("/skills/occupations/?q=数据").content.decode()
    # 数据安全管理员 4-04-04-02-004 is sourced (research/union.md §5.1) and starts at 四级; so is 数据标注员's parent
    # occupation code 4-04-05-05 (人工智能训练师 national standard, 2021); CAD绘图员's code is not checked.
    row = page.split('<tr id="occupation-')
    security = next(r for r in row if "数据安全管理员" in r.split("</th>")[0])
    labelling = next(r for r in row if "数据标注员" in r.split("</th>")[0])
    assert "4-04-04-02-004" in security and "未核实" not in security.split("</tr>")[0]
    assert "四级/中级工、三级/高级工、二级/技师、一级/高级技师" in security
    assert "4-04-05-05" in labelling and "未核实" not in labelling.split("</tr>")[0]
    cad = world.client("worker").get("/skills/occupations/?q=CAD").content.decode()
    assert "未核实" in cad.split('<tr id="occupation-')[1].split("</tr>")[0]
    # 四级 routes (research/union.md §5.2): 五级 + 2 years, 6 years in the trade, or a 技工学校/中职 graduate.
    assert "累计从事本职业6年以上" in page and "取得五级证书后从事本职业2年以上" in page
    assert "焊工" not in page


def test_the_alliance_page_shows_who_recognises_and_how_many_certificates(world, exam, candidates):
    reg = services.register_candidate(actor=world.users["wenzhou_eval"], session=exam["session"],
                                      person=candidates[0], declared={"years_in_trade": 6})
    services.record_scores(actor=world.users["wenzhou_eval"], session=exam["session"],
                           rows=[services.ScoreRow(registration_id=reg.pk, theory=80, practical=75)])
    services.publish_results(actor=world.users["wenzhou_eval"], session=exam["session"], issued_on=date(2024, 3, 12))
    alliance = exam["alliance"]
    page = world.client("province").get(f"/skills/alliances/{alliance.pk}/").content.decode()
    # One pass → one enterprise certificate, recognised by the three members that recognise (not 西湖数据科技).
    recognising = {"浙江安防职业技术学院", "温州数安港科技有限公司", "温州数据标注服务有限公司"}
    assert set(Certificate.objects.get(kind="enterprise").recognised_by.values_list("name", flat=True)) == recognising
    def row(org):
        return page.split(f'<tr id="member-{org.pk}">')[1].split("</tr>")[0]

    for org in (world.orgs["college"], exam["partner"], exam["other"]):
        assert ">认可<" in row(org) and "<td>1</td>" in row(org)
    assert ">不认可<" in row(world.orgs["firm_xihu"]) and "<td>0</td>" in row(world.orgs["firm_xihu"])
    assert "数据标注员" in page and "已发布成绩" in page
    # Hangzhou's officer does not see a Wenzhou alliance.
    assert world.client("hangzhou").get(f"/skills/alliances/{alliance.pk}/").status_code == 404
