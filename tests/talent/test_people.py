"""Teams (工人先锋号) and innovation studios (劳模工匠创新工作室) as subjects of honours (SPEC §2.1–§2.2): created by an
officer of the region or the enterprise union of their own organisation, members only from the actor's scope, every
change audited."""

from datetime import date

import pytest

from tests.conftest import make_person
from workerhub.core.models import AuditEntry
from workerhub.core.services import ServiceError
from workerhub.talent.models import Studio, Team
from workerhub.talent.services import people as services


def test_a_team_takes_its_region_from_its_organisation_and_is_audited(world):
    team = services.create_team(actor=world.users["firm_xihu"], name=" 数据标注一组 ",
                                organisation=world.orgs["firm_xihu"], kind="班组")
    assert (team.name, team.region_id, team.front_line) == ("数据标注一组", "330106", True)
    entry = AuditEntry.objects.get(object_type="talent.team", action="create")
    assert entry.changes["name"] == [None, "数据标注一组"] and entry.region_id == "330106"


def test_teams_are_created_only_within_the_actors_scope(world):
    with pytest.raises(PermissionError):  # an enterprise union: its own organisation only
        services.create_team(actor=world.users["firm_xihu"], name="机加工车间", organisation=world.orgs["firm_shangcheng"])
    with pytest.raises(PermissionError):  # a county officer: not the neighbouring county
        services.create_team(actor=world.users["xihu"], name="机加工车间", organisation=world.orgs["firm_shangcheng"])
    with pytest.raises(PermissionError):  # a worker creates no team
        services.create_team(actor=world.users["worker"], name="机加工车间", organisation=world.orgs["firm_shangcheng"])
    assert not Team.objects.exists()
    assert services.create_team(actor=world.users["hangzhou"], name="机加工车间",
                                organisation=world.orgs["firm_shangcheng"]).region_id == "330102"
    with pytest.raises(ServiceError, match="请填写集体名称"):
        services.create_team(actor=world.users["hangzhou"], name=" ", organisation=world.orgs["firm_shangcheng"])


def test_editing_a_team_records_what_changed(world):
    team = services.create_team(actor=world.users["xihu"], name="一组", organisation=world.orgs["firm_xihu"])
    services.update_team(actor=world.users["xihu"], team=team, name="数据标注一组", organisation=world.orgs["firm_xihu"],
                         kind="班组", front_line=False)
    entry = AuditEntry.objects.get(object_type="talent.team", action="change")
    assert entry.changes == {"name": ["一组", "数据标注一组"], "kind": ["", "班组"], "front_line": [True, False]}
    with pytest.raises(PermissionError):  # the West Lake officer cannot move it out of West Lake
        services.update_team(actor=world.users["xihu"], team=team, name="数据标注一组",
                             organisation=world.orgs["firm_shangcheng"])
    team.refresh_from_db()
    assert team.organisation_id == world.orgs["firm_xihu"].pk


def test_members_come_only_from_the_actors_scope(world):
    team = services.create_team(actor=world.users["firm_xihu"], name="数据标注一组", organisation=world.orgs["firm_xihu"])
    colleague = make_person("钱同事", "330106199009091115", "330106", employer=world.orgs["firm_xihu"])
    added = services.add_members(actor=world.users["firm_xihu"], subject=team,
                                 people=[world.people["xihu"], colleague])
    assert [p.name for p in added] == ["王西湖", "钱同事"]
    with pytest.raises(PermissionError):  # another enterprise's worker
        services.add_members(actor=world.users["firm_xihu"], subject=team, people=[world.people["shangcheng"]])
    with pytest.raises(ServiceError, match="王西湖 已是成员"):
        services.add_members(actor=world.users["firm_xihu"], subject=team, people=[world.people["xihu"]])
    services.remove_member(actor=world.users["firm_xihu"], subject=team, person=colleague)
    assert list(team.members.values_list("name", flat=True)) == ["王西湖"]
    changes = [e.changes for e in AuditEntry.objects.filter(object_type="talent.team", action="change").order_by("pk")]
    assert changes == [{"members": [None, ["王西湖", "钱同事"]]}, {"members": [["钱同事"], None]}]
    with pytest.raises(PermissionError):  # Ningbo's officer changes nothing in West Lake
        services.remove_member(actor=world.users["ningbo"], subject=team, person=world.people["xihu"])


def test_a_studio_is_led_by_its_leader_who_stays_a_member(world):
    studio = services.create_studio(actor=world.users["xihu"], name="王西湖数据标注创新工作室",
                                    leader=world.people["xihu"], organisation=world.orgs["firm_xihu"], level="county",
                                    founded_on=date(2021, 4, 28))
    assert list(studio.members.values_list("name", flat=True)) == ["王西湖"]
    with pytest.raises(ServiceError, match="领衔人不能移出工作室"):
        services.remove_member(actor=world.users["xihu"], subject=studio, person=world.people["xihu"])
    with pytest.raises(PermissionError):  # a leader the officer cannot see
        services.create_studio(actor=world.users["xihu"], name="张北仑工作室", leader=world.people["ningbo"],
                               organisation=world.orgs["firm_xihu"])
    with pytest.raises(ServiceError, match="成立日期不能晚于今天"):
        services.create_studio(actor=world.users["xihu"], name="未来工作室", leader=world.people["xihu"],
                               organisation=world.orgs["firm_xihu"], founded_on=date(2999, 1, 1))
    assert Studio.objects.count() == 1
    entry = AuditEntry.objects.get(object_type="talent.studio", action="create")
    assert entry.changes["members"] == [None, ["王西湖"]] and entry.changes["leader"] == [None, world.people["xihu"].pk]


def test_manual_events_are_added_by_officers_of_the_subject_only(world):
    person = world.people["xihu"]
    with pytest.raises(PermissionError):
        services.add_timeline_event(actor=world.users["ningbo"], person=person, kind="care", on=date(2024, 1, 1),
                                    title="健康体检")
    with pytest.raises(PermissionError):
        services.add_timeline_event(actor=world.users["worker"], person=world.people["shangcheng"], kind="care",
                                    on=date(2024, 1, 1), title="健康体检")
    with pytest.raises(ServiceError, match="日期不能晚于今天"):
        services.add_timeline_event(actor=world.users["xihu"], person=person, kind="care", on=date(2999, 1, 1),
                                    title="健康体检")
    with pytest.raises(ServiceError, match="请填写事项"):
        services.add_timeline_event(actor=world.users["xihu"], person=person, kind="care", on=date(2024, 1, 1),
                                    title="")
    event = services.add_timeline_event(actor=world.users["firm_xihu"], person=person, kind="retirement",
                                        on=date(2024, 1, 1), title="退休")
    assert (event.region_id, event.get_kind_display()) == ("330106", "退休")
