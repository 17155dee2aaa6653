"""The full-lifecycle timeline (SPEC §2.3): one list, newest first, assembled from union membership, the skills
records (an exam pass and its two certificates), an honour through each state to its revocation, mentoring, studio
membership and manual events with attachments; filterable by kind; a constant number of queries."""

import io
import re
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import make_person
from workerhub.core.models import AuditEntry
from workerhub.core.services import ServiceError
from workerhub.skills import services as skills_services
from workerhub.skills.models import Evaluator, Occupation
from workerhub.talent.models import Honour, Nomination, TimelineEvent
from workerhub.talent.services import people as services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    return tmp_path


def exam_pass(world, person, *, exam_date: date, issued_on: date, site_code="000001"):
    """Person sits a 数据标注员 四级 exam with the West Lake firm as partner and passes: two certificates."""
    college = world.orgs["college"]
    evaluator = Evaluator.objects.get_or_create(organisation=college,
                                                defaults={"issuer_type": "S", "institution_code": "0133"})[0]
    session = skills_services.create_exam_session(
        actor=None, occupation=Occupation.objects.get(name="数据标注员"), level=4, exam_date=exam_date,
        site="中国(温州)数安港", site_code=site_code, region_id="330304", evaluator=evaluator, capacity=10,
        partner=world.orgs["firm_xihu"])
    reg = skills_services.register_candidate(actor=None, session=session, person=person,
                                             declared={"years_in_trade": 6})
    skills_services.record_scores(actor=None, session=session, rows=[
        skills_services.ScoreRow(registration_id=reg.pk, theory=82, practical=75)])
    skills_services.publish_results(actor=None, session=session, issued_on=issued_on)
    return session


def honour_conferred_and_revoked(person, *, cycle=2023, code="tb_hz_craftsman", name="杭州工匠"):
    """A nomination taken to conferral and later revoked, each state on its own date."""
    honour = Honour.objects.get_or_create(code=code, defaults={
        "name": name, "level": "city", "awarding_body": "杭州市总工会", "subject": "person"})[0]
    n = Nomination.objects.create(
        honour=honour, cycle=cycle, person=person, subject_name=person.name, region_id="330100",
        route="enterprise_union", state="revoked", publicity_start=date(cycle, 6, 1),
        publicity_end=date(cycle, 6, 7), decision_number=f"杭工〔{cycle}〕12号", conferred_on=date(cycle, 7, 1),
        revoked_on=date(cycle + 1, 6, 1), revoke_reason="申报材料弄虚作假", revoke_document=f"杭工〔{cycle + 1}〕3号")
    Nomination.objects.filter(pk=n.pk).update(
        created_at=timezone.make_aware(datetime(cycle, 5, 10, 10)))
    return n


@pytest.fixture
def story(world, media):
    """王西湖 of West Lake: union member since 2010, a 2023 杭州工匠 later revoked, a 2024 exam pass, a 疗休养."""
    person = world.people["xihu"]
    person.union_member_since = date(2010, 5, 4)
    person.save(update_fields=["union_member_since"])
    honour_conferred_and_revoked(person)
    exam_pass(world, person, exam_date=date(2024, 3, 9), issued_on=date(2024, 3, 12))
    services.add_timeline_event(
        actor=world.users["xihu"], person=person, kind="care", on=date(2024, 8, 15), title="疗休养",
        detail="省总工会劳模疗休养(舟山)", attachment=SimpleUploadedFile("名单.pdf", PDF))
    return person


def lines(page: str) -> list[str]:
    """The timeline entries' text in page order: date, kind badge and title of each <li class="event …">."""
    out = []
    for item in re.findall(r'<li class="event[^"]*">(.*?)</li>', page, flags=re.S):
        text = re.sub(r"<[^>]+>", " ", item)
        out.append(" ".join(text.split()))
    return out


def test_the_timeline_lists_every_source_newest_first(world, story):
    page = world.client("xihu").get(f"/talent/people/{story.pk}/timeline/").content.decode()
    got = [line[:60] for line in lines(page)]
    expected_starts = [
        "2024-08-15 关爱服务 疗休养",
        "2024-06-01 荣誉 撤销:2023 杭州工匠",
        "2024-03-12 证书与技能等级",  # the enterprise-recognition certificate and …
        "2024-03-12 证书与技能等级",  # … the skill-level certificate of the same pass
        "2024-03-09 考试 数据标注员 四级/中级工 考试:合格",
        "2023-07-01 荣誉 授予:2023 杭州工匠",
        "2023-06-01 荣誉 公示:2023 杭州工匠",
        "2023-05-10 荣誉 被推荐:2023 杭州工匠",
        "2010-05-04 入会 加入工会",
    ]
    assert len(got) == len(expected_starts), got
    for line, start in zip(got, expected_starts, strict=True):
        assert line.startswith(start), (line, start)
    certs = " ".join(lines(page)[2:4])
    assert "职业技能等级证书:数据标注员 四级/中级工" in certs and "企业认可证书:数据标注员 四级/中级工" in certs
    assert "理论知识 82.0 · 操作技能 75.0" in page
    assert "申报材料弄虚作假 · 杭工〔2024〕3号" in page
    assert "决定文号 杭工〔2023〕12号" in page
    assert "公示期 2023-06-01 — 2023-06-07" in page


def test_filtering_by_kind(world, story):
    client = world.client("xihu")
    honours = lines(client.get(f"/talent/people/{story.pk}/timeline/?kind=honour").content.decode())
    assert [h.split(" ")[2].split(":")[0] for h in honours] == ["撤销", "授予", "公示", "被推荐"]
    two = lines(client.get(f"/talent/people/{story.pk}/timeline/?kind=certificate&kind=care").content.decode())
    assert [x.split(" ")[1] for x in two] == ["关爱服务", "证书与技能等级", "证书与技能等级"]
    page = client.get(f"/talent/people/{story.pk}/timeline/?kind=exam").content.decode()
    boxes = dict(re.findall(r'<input type="checkbox" name="kind" value="(\w+)"[^>]*?( checked)?>', page))
    assert boxes["exam"] == " checked" and boxes["honour"] == ""  # the chosen kind stays ticked
    assert len(lines(page)) == 1


def test_mentoring_studio_and_training_appear_with_their_dates(world, story):
    from workerhub.talent.models import Studio

    apprentice = make_person("周一徒", "330106199501011236", "330106", employer=world.orgs["firm_xihu"])
    pair = services.create_mentorship(actor=None, master=story, apprentice=apprentice, started_on=date(2022, 9, 1),
                                      goal="level", goal_level=3)
    services.close_mentorship(actor=None, pair=pair, status="achieved", ended_on=date(2024, 5, 6),
                              outcome="徒弟取得三级")
    studio = services.create_studio(actor=None, name="王西湖数据标注创新工作室", leader=story,
                                    organisation=world.orgs["firm_xihu"], level="city", founded_on=date(2021, 4, 28))
    Studio.objects.get(pk=studio.pk)
    course = skills_services.create_course(actor=None, title="数据标注实务", organiser=world.orgs["xihu"],
                                           region_id="330106", hours=16)
    skills_services.enrol(actor=None, course=course, person=story, on=date(2022, 3, 1))
    page = world.client("xihu").get(f"/talent/people/{story.pk}/timeline/").content.decode()
    got = lines(page)
    assert any(x.startswith("2024-05-06 师带徒 师徒结对已达成(王西湖 → 周一徒)") for x in got)
    assert any(x.startswith("2022-09-01 师带徒 收徒 周一徒") and "目标:达到 三级/高级工" in x for x in got)
    assert any(x.startswith("2022-03-01 培训 报名参加培训“数据标注实务” 16 学时") for x in got)
    assert any(x.startswith("2021-04-28 创新工作室 领衔创新工作室“王西湖数据标注创新工作室”") for x in got)
    # The apprentice's own timeline shows the same pair from their side.
    theirs = lines(world.client("xihu").get(f"/talent/people/{apprentice.pk}/timeline/").content.decode())
    assert any(x.startswith("2022-09-01 师带徒 拜师 王西湖") for x in theirs)


def test_a_team_timeline_has_its_honours_and_manual_events(world, media):
    team = services.create_team(actor=None, name="数据标注一组", organisation=world.orgs["firm_xihu"])
    honour = Honour.objects.create(code="tb_city_pioneer", name="市级工人先锋号", level="city",
                                   awarding_body="杭州市总工会", subject="team")
    n = Nomination.objects.create(honour=honour, cycle=2024, team=team, subject_name=team.name, region_id="330100",
                                  route="enterprise_union", state="conferred", conferred_on=date(2024, 4, 28),
                                  decision_number="杭工〔2024〕20号")
    Nomination.objects.filter(pk=n.pk).update(created_at=timezone.make_aware(datetime(2024, 3, 1, 9)))
    services.add_timeline_event(actor=world.users["xihu"], team=team, kind="visit", on=date(2024, 5, 20),
                                title="助企服务:数据安全培训")
    got = lines(world.client("xihu").get(f"/talent/teams/{team.pk}/timeline/").content.decode())
    assert got[0].startswith("2024-05-20 助企服务 助企服务:数据安全培训")
    assert got[1].startswith("2024-04-28 荣誉 授予:2024 市级工人先锋号")
    assert got[2].startswith("2024-03-01 荣誉 被推荐:2024 市级工人先锋号") and len(got) == 3
    assert world.client("ningbo").get(f"/talent/teams/{team.pk}/timeline/").status_code == 404


# --- Attachments -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "message"), [
    ("scan.exe", b"MZ\x90\x00", "附件只能是 PDF、JPG 或 PNG 文件"),
    ("scan", PDF, "附件只能是 PDF、JPG 或 PNG 文件"),
    ("scan.pdf", b"MZ\x90\x00 not a pdf", "附件内容不是 PDF 文件"),
    ("photo.png", b"\xff\xd8\xff\xe0 a jpeg", "附件内容不是 PNG 文件"),
    ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "附件不能超过 10 MB(该文件 10.0 MB)"),
])
def test_attachments_must_be_small_pdf_jpg_or_png(world, media, name, content, message):
    with pytest.raises(ServiceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        services.add_timeline_event(actor=world.users["xihu"], person=world.people["xihu"], kind="care",
                                    on=date(2024, 1, 2), title="健康体检", attachment=SimpleUploadedFile(name, content))
    assert not TimelineEvent.objects.exists()
    assert not list(media.rglob("*.*"))


def test_exactly_ten_megabytes_and_each_allowed_type_are_accepted(world, media):
    person = world.people["xihu"]
    for name, content in (("a.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 - 5)), ("b.PNG", PNG),
                          ("c.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 32)):
        services.add_timeline_event(actor=world.users["xihu"], person=person, kind="care", on=date(2024, 1, 2),
                                    title="困难帮扶", attachment=SimpleUploadedFile(name, content))
    stored = sorted(p.suffix for p in media.rglob("*.*"))
    assert stored == [".jpg", ".pdf", ".png"]  # stored under MEDIA_ROOT by a random name


def test_the_form_shows_the_attachment_error_and_writes_nothing(world, media):
    response = world.client("xihu").post(
        f"/talent/people/{world.people['xihu'].pk}/timeline/new/",
        {"kind": "care", "on": "2024-01-02", "title": "疗休养",
         "attachment": SimpleUploadedFile("x.pdf", b"GIF89a not a pdf")})
    assert response.status_code == 400
    assert "附件内容不是 PDF 文件" in response.content.decode()
    assert not TimelineEvent.objects.exists()


def test_attachments_are_served_only_to_those_who_see_the_timeline(world, story):
    event = TimelineEvent.objects.get()
    url = f"/talent/timeline/events/{event.pk}/attachment/"
    assert f'href="{url}"' in world.client("xihu").get(f"/talent/people/{story.pk}/timeline/").content.decode()
    for role in ("xihu", "hangzhou", "province", "firm_xihu"):
        response = world.client(role).get(url)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
    for role in ("ningbo", "worker", "wenzhou_eval", "nobody"):
        assert world.client(role).get(url).status_code == 404, role
    assert world.client(None).get(url).status_code == 302
    assert not event.attachment.url.startswith("/talent/")  # the storage URL is never linked; no public route serves it
    entry = AuditEntry.objects.get(object_type="talent.timelineevent")
    assert entry.changes["title"] == [None, "疗休养"] and entry.changes["attachment"][1].endswith(".pdf")


def test_an_officer_deletes_a_manual_event_and_its_file(world, story, media, django_capture_on_commit_callbacks):
    event = TimelineEvent.objects.get()
    stored = media / event.attachment.name
    assert stored.exists()
    assert world.client("ningbo").post(f"/talent/timeline/events/{event.pk}/delete/").status_code == 404
    assert world.client("firm_xihu").post(f"/talent/timeline/events/{event.pk}/delete/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("xihu").post(f"/talent/timeline/events/{event.pk}/delete/")
    assert response.status_code == 302 and not TimelineEvent.objects.exists() and not stored.exists()


# --- Query count -----------------------------------------------------------------------------------------------

def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_entries(world, story):
    client = world.client("xihu")
    url = f"/talent/people/{story.pk}/timeline/"
    before = count_queries(client, url)
    # Many more entries from every source: another exam pass, two more honours, mentoring, a course, manual events.
    exam_pass(world, story, exam_date=date(2024, 9, 9), issued_on=date(2024, 9, 12), site_code="000002")
    honour_conferred_and_revoked(story, cycle=2021)
    honour_conferred_and_revoked(story, cycle=2022, code="tb_other", name="西湖工匠")
    for i, idn in enumerate(("330106199009091115", "330106199210102226")):
        apprentice = make_person(f"徒弟{i}", idn, "330106", employer=world.orgs["firm_xihu"])
        services.create_mentorship(actor=None, master=story, apprentice=apprentice, started_on=date(2022, 1, 1 + i),
                                   goal="competition")
    for day in range(1, 6):
        services.add_timeline_event(actor=None, person=story, kind="visit", on=date(2024, 10, day), title="助企服务",
                                    attachment=SimpleUploadedFile("p.png", PNG))
    assert len(lines(client.get(url).content.decode())) > 20
    assert count_queries(client, url) == before


def test_page_shows_masked_people_only(world, story):
    page = world.client("xihu").get(f"/talent/people/{story.pk}/timeline/").content.decode()
    assert "330106198503122015" not in page and "13800138001" not in page


def _png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (20, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_real_png_uploaded_through_the_page_is_shown_on_the_timeline(world, media):
    person = world.people["xihu"]
    response = world.client("firm_xihu").post(f"/talent/people/{person.pk}/timeline/new/", {
        "kind": "promotion", "on": "2024-02-01", "title": "晋升班组长", "detail": "数据标注一组",
        "attachment": SimpleUploadedFile("任命.png", _png_bytes())})
    assert response.status_code == 302
    event = TimelineEvent.objects.get()
    assert (event.kind, event.region_id, event.created_by.username) == ("promotion", "330106", "firm_xihu")
    got = lines(world.client("firm_xihu").get(f"/talent/people/{person.pk}/timeline/").content.decode())
    assert got[0].startswith("2024-02-01 岗位晋升 晋升班组长")
    served = world.client("firm_xihu").get(f"/talent/timeline/events/{event.pk}/attachment/")
    assert served["Content-Type"] == "image/png"
