"""The full-lifecycle timeline of a person or a team (SPEC §2.3), assembled from every module's records plus the
manual events officers add, newest first.

Who sees it: whoever may view the subject (core's Person scope, talent's Team scope). The timeline is the subject's
own record, so every entry about them is shown — a provincial honour of a West Lake worker belongs on the timeline
the West Lake officer reads, although the nomination itself belongs to the province's region. Each entry links to
its record's own page, which applies that record's scope; links are offered only to roles that can open that kind
of record at all.

One query per source, whatever the number of entries (SPEC §8.1); a source whose kinds are filtered out is not read.
Innovation achievements (SPEC §4) join when that app exists.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from workerhub.core import scope
from workerhub.core.models import Person
from workerhub.skills import selectors as skills

from .models import Mentorship, Nomination, Studio, Team, TimelineEvent

# Skill levels as printed on the certificate (人社鉴发〔2021〕1号); 一级 is the highest.
SKILL_LEVELS = {5: "五级/初级工", 4: "四级/中级工", 3: "三级/高级工", 2: "二级/技师", 1: "一级/高级技师"}

KINDS = {
    "union": _("入会"),
    "certificate": _("证书与技能等级"),
    "exam": _("考试"),
    "training": _("培训"),
    "competition": _("竞赛"),
    "honour": _("荣誉"),
    "studio": _("创新工作室"),
    "mentoring": _("师带徒"),
    **dict(TimelineEvent.Kind.choices),  # care, visit, promotion, retirement, other: manual events
}
MANUAL_KINDS = tuple(TimelineEvent.Kind.values)
PERSON_KINDS = tuple(KINDS)
TEAM_KINDS = ("honour", *MANUAL_KINDS)


@dataclass
class Event:
    """One line of a timeline. ``step`` orders entries of the same day: the later step of a record first."""

    on: date | None
    kind: str
    title: str
    detail: str = ""
    url: str | None = None
    step: int = 0
    manual: TimelineEvent | None = field(default=None, repr=False)

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])


def _link(user, obj) -> str | None:
    """The record's page if the user's roles can open that kind of record at all (no query)."""
    if user is None or not scope.may(user, "view", type(obj)):
        return None
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # a page another part of talent has not written yet
        return None


def goal_label(pair: Mentorship) -> str:
    if pair.goal == Mentorship.Goal.LEVEL and pair.goal_level:
        return _t("达到 %(level)s") % {"level": SKILL_LEVELS.get(pair.goal_level, pair.goal_level)}
    if pair.goal == Mentorship.Goal.COMPETITION:
        return _t("竞赛获奖") + (f"({pair.goal_text})" if pair.goal_text else "")
    return pair.goal_text or pair.get_goal_display()


# --- Sources ----------------------------------------------------------------------------------------------------

def _union(person: Person) -> list[Event]:
    if not person.union_member_since:
        return []
    where = person.union.name if person.union_id else ""
    return [Event(person.union_member_since, "union", _t("加入工会"), where)]


def _certificates(person: Person, user) -> list[Event]:
    out = []
    for c in skills.certificates_of([person.pk]):
        what = f"{c.occupation_name}{f'({c.work_type})' if c.work_type else ''} {c.level_label}"
        out.append(Event(c.issued_on, "certificate", f"{c.get_kind_display()}:{what}",
                         _t("证书编号 %(number)s · %(issuer)s · %(status)s")
                         % {"number": c.number, "issuer": c.issuer_name, "status": c.get_status_display()},
                         _link(user, c), step=2))
        if c.revoked_on:
            out.append(Event(c.revoked_on, "certificate", _t("证书撤销:%(what)s") % {"what": what},
                             f"{c.revoked_reason}{f' · {c.revoked_document}' if c.revoked_document else ''}",
                             _link(user, c), step=3))
    return out


def _exams(person: Person, user) -> list[Event]:
    out = []
    for r in skills.registrations_of([person.pk]):
        s = r.session
        scores = []
        if r.theory is not None:
            scores.append(_t("理论知识 %(n)s") % {"n": r.theory})
        if r.practical is not None:
            scores.append(_t("操作技能 %(n)s") % {"n": r.practical})
        detail = " · ".join([f"{s.site}", *scores]) if r.result != "pending" else s.site
        out.append(Event(s.exam_date, "exam",
                         _t("%(occupation)s %(level)s 考试:%(result)s")
                         % {"occupation": s.occupation.name, "level": SKILL_LEVELS.get(s.level, s.level),
                            "result": r.get_result_display()},
                         detail, _link(user, s), step=1))
    return out


def _training(person: Person, user) -> list[Event]:
    out = []
    for e in skills.enrolments_of([person.pk]):
        course = e.course
        url = _link(user, course)
        hours = _t("%(n)s 学时") % {"n": course.hours} if course.hours else ""
        out.append(Event(e.enrolled_on, "training", _t("报名参加培训“%(course)s”") % {"course": course.title},
                         hours if e.status != "withdrawn" else e.get_status_display(), url))
        if e.completed_on:
            out.append(Event(e.completed_on, "training", _t("培训结业“%(course)s”") % {"course": course.title},
                             hours, url, step=1))
    return out


def _competitions(person: Person, user) -> list[Event]:
    out = []
    for r in skills.competition_results_of([person.pk]):
        comp = r.event.competition
        url = _link(user, comp)
        placing = r.award or (_t("第 %(n)s 名") % {"n": r.rank} if r.rank else _t("参赛"))
        credits = ";".join(f"{c.get_kind_display()} {c.title}({c.get_status_display()})" for c in r.credits.all())
        out.append(Event(comp.held_on, "competition",
                         f"{comp.name} · {r.event.name}:{placing}",
                         " · ".join(x for x in (comp.get_tier_display(), credits) if x), url))
    return out


def _nominations(rows, user) -> list[Event]:
    """Each state a nomination reached, on its own date (SPEC §2.2 "every transition … shows on the timeline")."""
    out = []
    for n in rows:
        honour = f"{n.cycle} {n.honour.name}" + (_t("(提名奖)") if n.tier == Nomination.Tier.NOMINEE else "")
        url = _link(user, n)
        out.append(Event(timezone.localdate(n.created_at), "honour", _t("被推荐:%(h)s") % {"h": honour},
                         f"{n.get_route_display()} · {_t('当前状态')}:{n.get_state_display()}", url, step=0))
        if n.publicity_start:
            period = f"{n.publicity_start:%Y-%m-%d}" + (f" — {n.publicity_end:%Y-%m-%d}" if n.publicity_end else "")
            out.append(Event(n.publicity_start, "honour", _t("公示:%(h)s") % {"h": honour},
                             _t("公示期 %(period)s") % {"period": period}, url, step=1))
        if n.conferred_on:
            out.append(Event(n.conferred_on, "honour", _t("授予:%(h)s") % {"h": honour},
                             _t("决定文号 %(doc)s") % {"doc": n.decision_number or "—"}, url, step=2))
        if n.revoked_on:
            out.append(Event(n.revoked_on, "honour", _t("撤销:%(h)s") % {"h": honour},
                             " · ".join(x for x in (n.revoke_reason, n.revoke_document) if x), url, step=3))
    return out


def _studios(person: Person) -> list[Event]:
    rows = Studio.objects.filter(Q(leader=person) | Q(members=person)).distinct().order_by("founded_on", "pk")
    out = []
    for s in rows:
        leads = s.leader_id == person.pk
        title = (_t("领衔创新工作室“%(name)s”") if leads else _t("创新工作室“%(name)s”成员")) % {"name": s.name}
        out.append(Event(s.founded_on, "studio", title, s.get_level_display() if s.level else "",
                         reverse("talent:studio_detail", args=[s.pk])))
    return out


def _mentoring(person: Person) -> list[Event]:
    rows = (Mentorship.objects.filter(Q(master=person) | Q(apprentice=person))
            .select_related("master", "apprentice").order_by("started_on", "pk"))
    out = []
    for m in rows:
        as_master = m.master_id == person.pk
        title = (_t("收徒 %(name)s") % {"name": m.apprentice.name} if as_master
                 else _t("拜师 %(name)s") % {"name": m.master.name})
        url = reverse("talent:mentorship_detail", args=[m.pk])
        out.append(Event(m.started_on, "mentoring", title, _t("目标:%(goal)s") % {"goal": goal_label(m)}, url))
        if m.ended_on:
            out.append(Event(m.ended_on, "mentoring",
                             _t("师徒结对%(status)s(%(master)s → %(apprentice)s)")
                             % {"status": m.get_status_display(), "master": m.master.name,
                                "apprentice": m.apprentice.name}, m.outcome, url, step=1))
    return out


def _manual(rows) -> list[Event]:
    return [Event(e.on, e.kind, e.title, e.detail, step=5, manual=e) for e in rows]


# --- Assembly ------------------------------------------------------------------------------------------------------

def _sorted(events: list[Event]) -> list[Event]:
    """Newest first; entries without a date (a studio with no founding date) last."""
    dated = sorted((e for e in events if e.on), key=lambda e: (e.on, e.step), reverse=True)
    return dated + [e for e in events if not e.on]


def person_timeline(person: Person, *, user=None, kinds=None) -> list[Event]:
    """Every entry about ``person`` (already fetched through ``Person.objects.restrict``), of ``kinds`` (all when
    None or empty), newest first."""
    want = set(kinds or PERSON_KINDS)
    events = []
    if "union" in want:
        events += _union(person)
    if "certificate" in want:
        events += _certificates(person, user)
    if "exam" in want:
        events += _exams(person, user)
    if "training" in want:
        events += _training(person, user)
    if "competition" in want:
        events += _competitions(person, user)
    if "honour" in want:
        events += _nominations(Nomination.objects.filter(person=person).select_related("honour"), user)
    if "studio" in want:
        events += _studios(person)
    if "mentoring" in want:
        events += _mentoring(person)
    if want & set(MANUAL_KINDS):
        events += _manual(TimelineEvent.objects.filter(person=person, kind__in=want & set(MANUAL_KINDS)))
    return _sorted(events)


def team_timeline(team: Team, *, user=None, kinds=None) -> list[Event]:
    """A team's honours (each state) and the manual events about it, newest first."""
    want = set(kinds or TEAM_KINDS)
    events = []
    if "honour" in want:
        events += _nominations(Nomination.objects.filter(team=team).select_related("honour"), user)
    if want & set(MANUAL_KINDS):
        events += _manual(TimelineEvent.objects.filter(team=team, kind__in=want & set(MANUAL_KINDS)))
    return _sorted(events)


def event_subject_visible(event: TimelineEvent, user) -> bool:
    """Whether ``user`` may see the timeline ``event`` is on — who may open its attachment."""
    if event.person_id:
        return Person.objects.restrict(user, "view").filter(pk=event.person_id).exists()
    return Team.objects.restrict(user, "view").filter(pk=event.team_id).exists()
