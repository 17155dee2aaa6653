"""Writes on teams, studios, mentoring pairs and manual timeline events (SPEC §2.3, §2.4): keyword-only, ``actor=``,
one transaction each with its audit row. ``actor=None`` is the system itself (demo data): no scope check applies.

Every write is re-checked against ``restrict(actor, action)`` inside its transaction (a PermissionError rolls it
back); the people named — members, a studio's leader, a master and an apprentice — must be people the actor sees.
"""

import uuid
from datetime import date

from django.db import transaction
from django.utils import timezone

from workerhub.core import audit, scope
from workerhub.core.models import AuditEntry, Organisation, Person
from workerhub.core.services import ServiceError

from ..models import LEVELS, Mentorship, Studio, Team, TimelineEvent

TEAM_FIELDS = ("name", "organisation", "region", "kind", "front_line")
STUDIO_FIELDS = ("name", "level", "leader", "organisation", "region", "founded_on")
PAIR_FIELDS = ("master", "apprentice", "region", "started_on", "goal", "goal_level", "goal_text", "status")

# Attachments on manual timeline events: scans of certificates, letters, photos (SPEC §2.3).
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {  # extension → (content type, how the file starts)
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


_check = scope.check_write  # writes re-checked against restrict(actor, action) (core/scope.py)


def _visible_people(actor, people) -> None:
    """Members, leaders, masters and apprentices must be people the actor may see (SPEC §0)."""
    if actor is None:
        return
    ids = {p.pk for p in people}
    seen = set(Person.objects.restrict(actor, "view").filter(pk__in=ids).values_list("pk", flat=True))
    if seen != ids:
        raise PermissionError("person out of scope")


def _clean_name(name: str, label: str, errors: dict, field: str = "name") -> str:
    name = (name or "").strip()
    if not name:
        errors[field] = f"请填写{label}"
    return name


# --- Teams (工人先锋号 and other collective honours) -----------------------------------------------------------

def _team_errors(name: str, organisation: Organisation | None) -> dict:
    errors = {}
    _clean_name(name, "集体名称", errors)
    if organisation is None:
        errors["organisation"] = "请选择所在单位"
    return errors


def create_team(*, actor, name: str, organisation: Organisation, kind: str = "", front_line: bool = True) -> Team:
    """A team of ``organisation``; its region is the organisation's (the scope of its honours)."""
    errors = _team_errors(name, organisation)
    if errors:
        raise ServiceError(next(iter(errors.values())), errors)
    with transaction.atomic():
        team = Team.objects.create(name=name.strip(), organisation=organisation, region_id=organisation.region_id,
                                   kind=(kind or "").strip(), front_line=front_line)
        _check(actor, "add", Team, pk=team.pk)
        audit.record(AuditEntry.Action.CREATE, actor=actor, obj=team,
                     changes=audit.diff({}, audit.snapshot(team, TEAM_FIELDS)))
    return team


def update_team(*, actor, team: Team, name: str, organisation: Organisation, kind: str = "",
                front_line: bool = True) -> Team:
    errors = _team_errors(name, organisation)
    if errors:
        raise ServiceError(next(iter(errors.values())), errors)
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        _check(actor, "change", Team, pk=team.pk)
        before = audit.snapshot(team, TEAM_FIELDS)
        team.name, team.organisation, team.region_id = name.strip(), organisation, organisation.region_id
        team.kind, team.front_line = (kind or "").strip(), front_line
        team.save()
        _check(actor, "change", Team, pk=team.pk)  # still in scope after the move
        changes = audit.diff(before, audit.snapshot(team, TEAM_FIELDS))
        if changes:
            audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=team, changes=changes)
    return team


# --- Studios (劳模和工匠人才创新工作室) ----------------------------------------------------------------------

def _studio_errors(name: str, level: str, organisation, founded_on: date | None) -> dict:
    errors = {}
    _clean_name(name, "工作室名称", errors)
    if level and level not in dict(LEVELS):
        errors["level"] = "级别无效"
    if organisation is None:
        errors["organisation"] = "请选择所在单位"
    if founded_on and founded_on > timezone.localdate():
        errors["founded_on"] = "成立日期不能晚于今天"
    return errors


def create_studio(*, actor, name: str, leader: Person, organisation: Organisation, level: str = "",
                  founded_on: date | None = None) -> Studio:
    """A studio named after its leader (领衔人), who is also listed among its members."""
    errors = _studio_errors(name, level, organisation, founded_on)
    if errors:
        raise ServiceError(next(iter(errors.values())), errors)
    _visible_people(actor, [leader])
    with transaction.atomic():
        studio = Studio.objects.create(name=name.strip(), level=level, leader=leader, organisation=organisation,
                                       region_id=organisation.region_id, founded_on=founded_on)
        _check(actor, "add", Studio, pk=studio.pk)
        studio.members.add(leader)
        audit.record(AuditEntry.Action.CREATE, actor=actor, obj=studio,
                     changes={**audit.diff({}, audit.snapshot(studio, STUDIO_FIELDS)),
                              "members": [None, [leader.name]]})
    return studio


def update_studio(*, actor, studio: Studio, name: str, leader: Person, organisation: Organisation,
                  level: str = "", founded_on: date | None = None) -> Studio:
    errors = _studio_errors(name, level, organisation, founded_on)
    if errors:
        raise ServiceError(next(iter(errors.values())), errors)
    if leader.pk != studio.leader_id:
        _visible_people(actor, [leader])
    with transaction.atomic():
        studio = Studio.objects.select_for_update().get(pk=studio.pk)
        _check(actor, "change", Studio, pk=studio.pk)
        before = audit.snapshot(studio, STUDIO_FIELDS)
        studio.name, studio.level, studio.leader, studio.founded_on = name.strip(), level, leader, founded_on
        studio.organisation, studio.region_id = organisation, organisation.region_id
        studio.save()
        _check(actor, "change", Studio, pk=studio.pk)
        studio.members.add(leader)
        changes = audit.diff(before, audit.snapshot(studio, STUDIO_FIELDS))
        if changes:
            audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=studio, changes=changes)
    return studio


# --- Members of a team or a studio ---------------------------------------------------------------------------

def add_members(*, actor, subject: Team | Studio, people: list[Person]) -> list[Person]:
    """Add people to a team or studio; those already members are skipped. Returns the people added."""
    if not people:
        raise ServiceError("请选择要加入的人员")
    _visible_people(actor, people)
    model = type(subject)
    with transaction.atomic():
        subject = model.objects.select_for_update().get(pk=subject.pk)
        _check(actor, "change", model, pk=subject.pk)
        present = set(subject.members.filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
        added = [p for p in people if p.pk not in present]
        if not added:
            raise ServiceError("、".join(p.name for p in people) + " 已是成员")
        subject.members.add(*added)
        audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=subject,
                     changes={"members": [None, [p.name for p in added]]})
    return added


def remove_member(*, actor, subject: Team | Studio, person: Person) -> None:
    model = type(subject)
    with transaction.atomic():
        subject = model.objects.select_for_update().get(pk=subject.pk)
        _check(actor, "change", model, pk=subject.pk)
        if isinstance(subject, Studio) and subject.leader_id == person.pk:
            raise ServiceError("领衔人不能移出工作室；请先更换领衔人")
        if not subject.members.filter(pk=person.pk).exists():
            raise ServiceError(f"{person.name} 不是成员")
        subject.members.remove(person)
        audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=subject, changes={"members": [[person.name], None]})


# --- Mentoring (师带徒) --------------------------------------------------------------------------------------

def create_mentorship(*, actor, master: Person, apprentice: Person, started_on: date, goal: str,
                      goal_level: int | None = None, goal_text: str = "") -> Mentorship:
    """Pair a master with an apprentice from ``started_on`` with a goal: a skill level (1–5, 一级 the highest), a
    competition award, or another goal stated in words. The pair belongs to the master's region."""
    errors = {}
    goal_text = (goal_text or "").strip()
    if master.pk == apprentice.pk:
        errors["apprentice"] = "师傅和徒弟不能是同一人"
    if started_on > timezone.localdate():
        errors["started_on"] = "结对日期不能晚于今天"
    if goal not in Mentorship.Goal.values:
        errors["goal"] = "目标类型无效"
    elif goal == Mentorship.Goal.LEVEL and goal_level not in (1, 2, 3, 4, 5):
        errors["goal_level"] = "目标为技能等级时须选择一至五级"
    elif goal == Mentorship.Goal.OTHER and not goal_text:
        errors["goal_text"] = "目标为“其他”时须填写目标说明"
    if goal != Mentorship.Goal.LEVEL:
        goal_level = None
    if errors:
        raise ServiceError(next(iter(errors.values())), errors)
    _visible_people(actor, [master, apprentice])
    with transaction.atomic():
        if Mentorship.objects.filter(master=master, apprentice=apprentice, status=Mentorship.Status.ACTIVE).exists():
            raise ServiceError(f"{master.name} 与 {apprentice.name} 已有进行中的师徒结对",
                               {"apprentice": "已有进行中的师徒结对"})
        pair = Mentorship.objects.create(master=master, apprentice=apprentice, region_id=master.region_id,
                                         started_on=started_on, goal=goal, goal_level=goal_level,
                                         goal_text=goal_text[:200])
        _check(actor, "add", Mentorship, pk=pair.pk)
        audit.record(AuditEntry.Action.CREATE, actor=actor, obj=pair,
                     changes=audit.diff({}, audit.snapshot(pair, PAIR_FIELDS)))
    return pair


CLOSING = {Mentorship.Status.ACHIEVED: "已达成", Mentorship.Status.ENDED: "已结束"}


def close_mentorship(*, actor, pair: Mentorship, status: str, ended_on: date, outcome: str) -> Mentorship:
    """Close an active pair as achieved (目标达成) or ended, with the date and the outcome in words."""
    outcome = (outcome or "").strip()
    errors = {}
    if status not in CLOSING:
        errors["status"] = "结束状态应为“已达成”或“已结束”"
    if ended_on < pair.started_on:
        errors["ended_on"] = f"结束日期不能早于结对日期 {pair.started_on:%Y-%m-%d}"
    elif ended_on > timezone.localdate():
        errors["ended_on"] = "结束日期不能晚于今天"
    if not outcome:
        errors["outcome"] = "请填写带徒成果"
    if errors:
        raise ServiceError(next(iter(errors.values())), errors)
    with transaction.atomic():
        pair = Mentorship.objects.select_for_update().get(pk=pair.pk)
        _check(actor, "change", Mentorship, pk=pair.pk)
        if pair.status != Mentorship.Status.ACTIVE:
            raise ServiceError(f"该师徒结对已{pair.get_status_display()}，不能再次结束")
        before = pair.status
        pair.status, pair.ended_on, pair.outcome = status, ended_on, outcome[:300]
        pair.save(update_fields=["status", "ended_on", "outcome"])
        audit.record(AuditEntry.Action.TRANSITION, actor=actor, obj=pair,
                     changes={"status": [before, status], "ended_on": [None, str(ended_on)],
                              "outcome": [None, pair.outcome]})
    return pair


# --- Manual timeline events -----------------------------------------------------------------------------------

def attachment_problem(upload) -> str | None:
    """Why an uploaded file cannot be attached (None if it can): at most 10 MB, and a PDF, JPEG or PNG both by its
    name and by its first bytes (a renamed executable is refused)."""
    if upload is None:
        return None
    if upload.size > MAX_ATTACHMENT_BYTES:
        return f"附件不能超过 10 MB(该文件 {upload.size / 1024 / 1024:.1f} MB)"
    ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if ext not in ATTACHMENT_TYPES:
        return "附件只能是 PDF、JPG 或 PNG 文件"
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(ATTACHMENT_TYPES[ext][1]):
        return f"附件内容不是 {ext.upper()} 文件"
    return None


def add_timeline_event(*, actor, kind: str, on: date, title: str, person: Person | None = None,
                       team: Team | None = None, detail: str = "", attachment=None) -> TimelineEvent:
    """A manual event on a person's or a team's timeline (care given, an enterprise visit, a promotion, retirement
    …), with an optional attachment stored under MEDIA_ROOT by a random name (served only through a view)."""
    errors = {}
    title = (title or "").strip()
    if (person is None) == (team is None):
        raise ServiceError("成长记录须属于一个人员或一个集体")
    if kind not in TimelineEvent.Kind.values:
        errors["kind"] = "类型无效"
    if not title:
        errors["title"] = "请填写事项"
    if on > timezone.localdate():
        errors["on"] = "日期不能晚于今天"
    problem = attachment_problem(attachment)
    if problem:
        errors["attachment"] = problem
    if errors:
        raise ServiceError(next(iter(errors.values())), errors)
    subject = person or team
    with transaction.atomic():
        event = TimelineEvent(person=person, team=team, region_id=subject.region_id, kind=kind, on=on,
                              title=title[:120], detail=(detail or "").strip(),
                              created_by=actor if actor is not None and actor.is_authenticated else None)
        if attachment is not None:
            ext = attachment.name.rsplit(".", 1)[-1].lower().replace("jpeg", "jpg")
            event.attachment.save(f"{uuid.uuid4().hex}.{ext}", attachment, save=False)
        try:
            event.save()
            _check(actor, "add", TimelineEvent, pk=event.pk)
            audit.record(AuditEntry.Action.CREATE, actor=actor, obj=event,
                         changes={"kind": [None, kind], "on": [None, str(on)], "title": [None, event.title],
                                  "attachment": [None, event.attachment.name or None]})
        except BaseException:
            if event.attachment:
                event.attachment.storage.delete(event.attachment.name)
            raise
    return event


def delete_timeline_event(*, actor, event: TimelineEvent) -> None:
    with transaction.atomic():
        _check(actor, "delete", TimelineEvent, pk=event.pk)
        audit.record(AuditEntry.Action.DELETE, actor=actor, obj=event,
                     changes={"title": [event.title, None], "attachment": [event.attachment.name or None, None]})
        storage, name = event.attachment.storage, event.attachment.name
        event.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
