"""The pages for teams, studios, mentoring and timelines, and their region scope per role (SPEC §0, §8.2): an
out-of-scope record is a 404 like a missing one; an enterprise union sees its own organisation and workers only; a
worker sees only their own timeline and pairs."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from tests.conftest import VISIBLE_PEOPLE, make_person
from workerhub.talent.models import Mentorship, Studio, Team, TimelineEvent
from workerhub.talent.services import people as services

ROLES = list(VISIBLE_PEOPLE)
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def cast(world, settings, tmp_path):
    """A West Lake team, studio, pair and timeline event, and the same in Ningbo; the worker (李上城) is a master."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    o, p = world.orgs, world.people
    apprentice_x = make_person("周一徒", "330106199501011236", "330106", employer=o["firm_xihu"])
    apprentice_s = make_person("吴二徒", "330102199602022342", "330102", employer=o["firm_shangcheng"])
    team_x = services.create_team(actor=None, name="数据标注一组", organisation=o["firm_xihu"])
    team_n = services.create_team(actor=None, name="港机维修班", organisation=o["firm_ningbo"])
    services.add_members(actor=None, subject=team_x, people=[p["xihu"]])
    services.add_members(actor=None, subject=team_n, people=[p["ningbo"]])
    studio_x = services.create_studio(actor=None, name="王西湖创新工作室", leader=p["xihu"], organisation=o["firm_xihu"])
    studio_n = services.create_studio(actor=None, name="张北仑创新工作室", leader=p["ningbo"],
                                      organisation=o["firm_ningbo"])
    pair_x = services.create_mentorship(actor=None, master=p["xihu"], apprentice=apprentice_x,
                                        started_on=date(2023, 1, 1), goal="level", goal_level=3)
    pair_w = services.create_mentorship(actor=None, master=p["shangcheng"], apprentice=apprentice_s,
                                        started_on=date(2023, 2, 1), goal="competition")
    pair_n = services.create_mentorship(actor=None, master=p["ningbo"], apprentice=p["huzhou_emp"],
                                        started_on=date(2023, 3, 1), goal="other", goal_text="港机检修")
    event_x = services.add_timeline_event(actor=None, person=p["xihu"], kind="care", on=date(2024, 1, 5),
                                          title="健康体检", attachment=SimpleUploadedFile("体检.pdf", PDF))
    event_n = services.add_timeline_event(actor=None, team=team_n, kind="visit", on=date(2024, 1, 6),
                                          title="助企服务", attachment=SimpleUploadedFile("走访.pdf", PDF))
    return {"team_x": team_x, "team_n": team_n, "studio_x": studio_x, "studio_n": studio_n, "pair_x": pair_x,
            "pair_w": pair_w, "pair_n": pair_n, "event_x": event_x, "event_n": event_n}


FEDERATION_WEST_LAKE = {"province", "hangzhou", "xihu"}
SEES_TEAM_X = FEDERATION_WEST_LAKE | {"firm_xihu"}
SEES_TEAM_N = {"province", "ningbo"}
SEES_PAIR = {"pair_x": SEES_TEAM_X, "pair_w": {"province", "hangzhou", "worker"}, "pair_n": {"province", "ningbo"}}
TEAM_NAMES = {"team_x": "数据标注一组", "team_n": "港机维修班"}
STUDIO_NAMES = {"studio_x": "王西湖创新工作室", "studio_n": "张北仑创新工作室"}
PAIR_APPRENTICES = {"pair_x": "周一徒", "pair_w": "吴二徒", "pair_n": "钱湖州"}


def seen(page: str, names: dict) -> set[str]:
    return {key for key, name in names.items() if name in page}


def expect(role, allowed: set, response):
    """200 for a role in ``allowed``, 404 for any other logged-in role, the login page for the anonymous."""
    if role is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == (200 if role in allowed else 404), (role, response.status_code)


# --- Lists and exports --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_lists_show_exactly_the_roles_records(world, cast, role):
    client = world.client(role)
    pages = {"team": client.get("/talent/teams/?page_size=200"), "studio": client.get("/talent/studios/"),
             "pair": client.get("/talent/mentoring/")}
    if role is None:
        assert all(r.status_code == 302 for r in pages.values())
        return
    want_teams = {k for k, who in (("team_x", SEES_TEAM_X), ("team_n", SEES_TEAM_N)) if role in who}
    assert seen(pages["team"].content.decode(), TEAM_NAMES) == want_teams
    assert seen(pages["studio"].content.decode(), STUDIO_NAMES) == {k.replace("team", "studio") for k in want_teams}
    assert seen(pages["pair"].content.decode(), PAIR_APPRENTICES) == {k for k, who in SEES_PAIR.items() if role in who}
    # Search and filters stay inside the scope.
    assert seen(client.get("/talent/teams/?q=班&region=33").content.decode(), TEAM_NAMES) <= want_teams


def xlsx_text(response) -> str:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))).get_sheet_by_index(0)
    return "\n".join(",".join(str(c) for c in row) for row in sheet.iter_rows())


@pytest.mark.parametrize("role", ROLES)
def test_exports_are_for_federation_officers_and_in_scope(world, cast, role):
    client = world.client(role)
    for url, names, by_role in (("/talent/teams/export.xlsx", TEAM_NAMES, {"team_x": SEES_TEAM_X, "team_n": SEES_TEAM_N}),
                                ("/talent/studios/export.xlsx", STUDIO_NAMES,
                                 {"studio_x": SEES_TEAM_X, "studio_n": SEES_TEAM_N}),
                                ("/talent/mentoring/export.xlsx", PAIR_APPRENTICES, SEES_PAIR)):
        response = client.get(url)
        if role is None:
            assert response.status_code == 302
            continue
        assert response.status_code == 200
        federation = role in {"province", "hangzhou", "xihu", "ningbo"}  # permissions.py: export is theirs only
        expected = {k for k, who in by_role.items() if role in who} if federation else set()
        assert seen(xlsx_text(response), names) == expected, (url, role)


# --- Teams and studios ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_team_and_studio_pages_per_role(world, cast, role):
    client = world.client(role)
    x, n = cast["team_x"], cast["team_n"]
    for team, allowed in ((x, SEES_TEAM_X), (n, SEES_TEAM_N)):
        expect(role, allowed, client.get(f"/talent/teams/{team.pk}/"))
        expect(role, allowed, client.get(f"/talent/teams/{team.pk}/edit/"))
        expect(role, allowed, client.get(f"/talent/teams/{team.pk}/timeline/"))
    for studio, allowed in ((cast["studio_x"], SEES_TEAM_X), (cast["studio_n"], SEES_TEAM_N)):
        expect(role, allowed, client.get(f"/talent/studios/{studio.pk}/"))
        expect(role, allowed, client.get(f"/talent/studios/{studio.pk}/edit/"))
    # Adding a manual team event: officers and enterprise unions may add events (permissions.py), on teams they see.
    adders = {"province", "hangzhou", "xihu", "ningbo", "firm_xihu"}
    expect(role, SEES_TEAM_X & adders, client.get(f"/talent/teams/{x.pk}/timeline/new/"))
    expect(role, SEES_TEAM_N & adders, client.get(f"/talent/teams/{n.pk}/timeline/new/"))


@pytest.mark.parametrize("role", ROLES)
def test_create_pages_per_role(world, cast, role):
    client = world.client(role)
    for url in ("/talent/teams/new/", "/talent/studios/new/", "/talent/mentoring/new/"):
        response = client.get(url)
        if role is None:
            assert response.status_code == 302
        elif role in {"province", "hangzhou", "xihu", "ningbo", "firm_xihu"}:
            assert response.status_code == 200, (url, role)
        else:
            assert response.status_code in (403, 404), (url, role)


@pytest.mark.parametrize("role", ROLES)
def test_member_changes_per_role(world, cast, role):
    client = world.client(role)
    x = cast["team_x"]
    xihu = world.people["xihu"]
    response = client.post(f"/talent/teams/{x.pk}/members/{xihu.pk}/remove/")
    if role is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == (302 if role in SEES_TEAM_X else 404)
    assert x.members.filter(pk=xihu.pk).exists() == (role not in SEES_TEAM_X)
    studio = cast["studio_n"]
    response = client.post(f"/talent/studios/{studio.pk}/members/",
                           {"name": "张北仑", "id_number": "330206197811203459"})
    assert response.status_code == (302 if role in SEES_TEAM_N else 404)
    response = client.post(f"/talent/teams/{x.pk}/members/", {"name": "王西湖", "id_number": "330106198503122015"})
    assert response.status_code == (302 if role in SEES_TEAM_X else 404)
    response = client.post(f"/talent/studios/{cast['studio_x'].pk}/members/{xihu.pk}/remove/")
    assert response.status_code == (302 if role in SEES_TEAM_X else 404)


def test_an_officer_creates_a_team_and_adds_a_member_by_name_and_id_number(world):
    client = world.client("xihu")
    response = client.post("/talent/teams/new/", {"name": "数据标注一组", "organisation": world.orgs["firm_xihu"].pk,
                                                   "kind": "班组", "front_line": "on"})
    team = Team.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/talent/teams/{team.pk}/"
    # A name that does not match the ID number adds nobody and says why.
    page = client.post(f"/talent/teams/{team.pk}/members/", {"name": "王东湖", "id_number": "330106198503122015"},
                       follow=True).content.decode()
    assert "找不到姓名与身份证号码相符的人员" in page and not team.members.exists()
    # Someone outside West Lake is "not found" too: the officer learns nothing about other regions.
    page = client.post(f"/talent/teams/{team.pk}/members/", {"name": "张北仑", "id_number": "330206197811203459"},
                       follow=True).content.decode()
    assert "找不到姓名与身份证号码相符的人员" in page and not team.members.exists()
    page = client.post(f"/talent/teams/{team.pk}/members/", {"name": "王西湖", "id_number": "330106198503122015"},
                       follow=True).content.decode()
    assert "王西湖 已加入" in page
    assert "330106********2015" in page and "330106198503122015" not in page  # members' ID numbers masked
    # The organisation choice offers only organisations of the officer's region.
    form = client.get("/talent/teams/new/").content.decode()
    assert "西湖数据科技有限公司" in form and "北仑港务有限公司" not in form and "上城机械有限公司" not in form


def test_an_enterprise_union_creates_a_studio_for_its_own_organisation_only(world):
    client = world.client("firm_xihu")
    form = client.get("/talent/studios/new/").content.decode()
    assert "西湖数据科技有限公司" in form and "西湖区总工会" not in form
    response = client.post("/talent/studios/new/", {
        "name": "王西湖数据标注创新工作室", "level": "enterprise", "leader_name": "王西湖",
        "leader_id_number": "330106198503122015", "organisation": world.orgs["firm_xihu"].pk,
        "founded_on": "2021-04-28"})
    studio = Studio.objects.get()
    assert response.status_code == 302 and studio.leader == world.people["xihu"] and studio.region_id == "330106"
    refused = client.post("/talent/studios/new/", {
        "name": "上城工作室", "leader_name": "李上城", "leader_id_number": "330102199007011235",
        "organisation": world.orgs["firm_xihu"].pk})
    assert refused.status_code == 400 and "找不到姓名与身份证号码相符的人员" in refused.content.decode()
    page = client.get(f"/talent/studios/{studio.pk}/").content.decode()
    assert "领衔人" in page and "王西湖" in page


# --- Mentoring --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_mentoring_pages_per_role(world, cast, role):
    client = world.client(role)
    for key, allowed in SEES_PAIR.items():
        pair = cast[key]
        expect(role, allowed, client.get(f"/talent/mentoring/{pair.pk}/"))
    # The master's page follows who may see the master (core Person scope).
    for key in ("xihu", "shangcheng", "ningbo"):
        allowed = {r for r, people in VISIBLE_PEOPLE.items() if key in people}
        expect(role, allowed, client.get(f"/talent/mentoring/masters/{world.people[key].pk}/"))
    # Closing: officers of the pair's region and the master's enterprise union; never the worker.
    closers = {"pair_x": SEES_TEAM_X, "pair_w": {"province", "hangzhou"}, "pair_n": {"province", "ningbo"}}
    for key, allowed in closers.items():
        response = client.post(f"/talent/mentoring/{cast[key].pk}/close/",
                               {"status": "achieved", "ended_on": "2024-06-01", "outcome": "取得三级证书"})
        if role is None:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
            continue
        assert response.status_code == (302 if role in allowed else 404), (key, role)
        assert Mentorship.objects.get(pk=cast[key].pk).status == ("achieved" if role in allowed else "active")


def test_an_officer_pairs_a_master_and_an_apprentice_through_the_page(world):
    apprentice = make_person("周一徒", "330106199501011236", "330106", employer=world.orgs["firm_xihu"])
    client = world.client("xihu")
    bad = client.post("/talent/mentoring/new/", {
        "master_name": "王西湖", "master_id_number": "330106198503122015", "apprentice_name": "周一徒",
        "apprentice_id_number": "330106199501011236", "started_on": "2023-01-01", "goal": "level"})
    assert bad.status_code == 400 and "目标为技能等级时须选择一至五级" in bad.content.decode()
    response = client.post("/talent/mentoring/new/", {
        "master_name": "王西湖", "master_id_number": "330106198503122015", "apprentice_name": "周一徒",
        "apprentice_id_number": "330106199501011236", "started_on": "2023-01-01", "goal": "level",
        "goal_level": "3", "goal_text": "数据标注员"})
    pair = Mentorship.objects.get()
    assert response.status_code == 302 and (pair.master, pair.apprentice) == (world.people["xihu"], apprentice)
    page = client.get(f"/talent/mentoring/{pair.pk}/").content.decode()
    assert "达到 三级/高级工" in page and "带徒中" in page
    closed = client.post(f"/talent/mentoring/{pair.pk}/close/",
                         {"status": "achieved", "ended_on": "2022-06-01", "outcome": "x"})
    assert closed.status_code == 400 and "结束日期不能早于结对日期 2023-01-01" in closed.content.decode()
    client.post(f"/talent/mentoring/{pair.pk}/close/",
                {"status": "achieved", "ended_on": "2024-06-01", "outcome": "徒弟取得三级/高级工证书"})
    pair.refresh_from_db()
    assert (pair.status, pair.outcome) == ("achieved", "徒弟取得三级/高级工证书")


# --- Timelines and attachments --------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_person_timelines_follow_the_people_scope(world, cast, role):
    client = world.client(role)
    for key, person in world.people.items():
        allowed = {r for r, people in VISIBLE_PEOPLE.items() if key in people}
        expect(role, allowed, client.get(f"/talent/people/{person.pk}/timeline/"))
        # Adding an event: federation officers and enterprise unions (permissions.py "add"), for people they see.
        adders = allowed & {"province", "hangzhou", "xihu", "ningbo", "firm_xihu"}
        expect(role, adders, client.get(f"/talent/people/{person.pk}/timeline/new/"))


@pytest.mark.parametrize("role", ROLES)
def test_attachments_and_deletion_per_role(world, cast, role):
    client = world.client(role)
    for key, allowed in (("event_x", {r for r, p in VISIBLE_PEOPLE.items() if "xihu" in p}),
                         ("event_n", SEES_TEAM_N)):
        expect(role, allowed, client.get(f"/talent/timeline/events/{cast[key].pk}/attachment/"))
    # Deleting: federation officers of the event's region only (permissions.py "delete").
    for key, allowed in (("event_x", FEDERATION_WEST_LAKE), ("event_n", {"province", "ningbo"})):
        response = client.post(f"/talent/timeline/events/{cast[key].pk}/delete/")
        if role is None:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
            continue
        assert response.status_code == (302 if role in allowed else 404), (key, role)
        assert TimelineEvent.objects.filter(pk=cast[key].pk).exists() == (role not in allowed)


def test_an_enterprise_union_adds_events_to_its_own_teams_only(world, cast):
    # permissions.py: an enterprise union keeps the timeline of its own workers and of its own teams; another
    # organisation's team is out of its scope (404) and nothing is written.
    mine = world.client("firm_xihu").post(f"/talent/teams/{cast['team_x'].pk}/timeline/new/",
                                          {"kind": "visit", "on": "2024-02-01", "title": "助企服务"})
    assert mine.status_code == 302 and TimelineEvent.objects.filter(team=cast["team_x"]).count() == 1
    before = TimelineEvent.objects.filter(team=cast["team_n"]).count()
    other = world.client("firm_xihu").post(f"/talent/teams/{cast['team_n'].pk}/timeline/new/",
                                           {"kind": "visit", "on": "2024-02-01", "title": "助企服务"})
    assert other.status_code == 404 and TimelineEvent.objects.filter(team=cast["team_n"]).count() == before
    ok = world.client("xihu").post(f"/talent/teams/{cast['team_x'].pk}/timeline/new/",
                                   {"kind": "visit", "on": "2024-02-01", "title": "助企服务"})
    assert ok.status_code == 302 and TimelineEvent.objects.filter(team=cast["team_x"]).count() == 2

