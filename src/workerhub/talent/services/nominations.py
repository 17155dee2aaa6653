"""Writes on nominations (SPEC §2.2): nominate → review → publicise (公示) → confer → revoke, with objections.

Keyword-only, ``actor=``; one transaction each with its audit row; a refusal raises ``ServiceError`` with a Chinese
message and writes nothing. ``actor=None`` is the system itself (demo data, fixtures): no scope check applies.

Decisions, written down once here:
- The nomination's ``region`` is the subject's own region (the person's, the team's, the studio's), so that the
  district federation and the enterprise union that put it forward see it; the quota it counts against is the
  honour's quota for the selecting region containing it (rules.quota_for: 杭州工匠 → 330100).
- Quotas are not checked at nomination: putting forward more candidates than places is normal (2023: 122
  applicants for 60 杭州工匠 and 10 提名). They are checked when a nomination enters publicity — a 公示 announces
  the proposed awardees, so it may not announce more than the places — and again at conferral. Counted: the
  honour's nominations of the same cycle and quota region in publicity or conferred, as awards (the 提名奖 tier and
  direct grants 直接认定 are outside the quota), and revoked ones until their revocation date (rules.takes_place).
- A reviewed nomination not selected by the leading group ends as ``rejected`` (未入选), with the reason.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from workerhub.core import audit, scope, workdays
from workerhub.core.models import AuditEntry, Organisation, Person
from workerhub.core.services import ServiceError

from .. import rules, selectors
from ..models import Honour, Nomination, Objection

MIN_PUBLICITY_WORKDAYS = 5  # SPEC §2.2: 公示 "at least 5 working days"

# The nomination state machine (STYLE: allowed transitions in one table): (from, to) → what the step is called.
TRANSITIONS = {
    ("nominated", "reviewed"): "审核通过",
    ("nominated", "rejected"): "不予通过",
    ("nominated", "withdrawn"): "撤回",
    ("reviewed", "publicised"): "公示",
    ("reviewed", "rejected"): "不予通过(未入选)",
    ("reviewed", "withdrawn"): "撤回",
    ("publicised", "conferred"): "授予",
    ("publicised", "rejected"): "因异议成立不予授予",
    ("conferred", "revoked"): "撤销",
}
STEP_NAMES = {"reviewed": "审核", "publicised": "公示", "conferred": "授予", "revoked": "撤销", "rejected": "不予通过",
              "withdrawn": "撤回"}
CREATE_FIELDS = ("honour", "cycle", "person", "team", "studio", "subject_name", "region", "route", "nominated_by",
                 "tier", "direct_grant", "state")


_check = scope.check_write  # writes re-checked against restrict(actor, action) (core/scope.py)


def _today() -> date:
    return timezone.localdate()


def allowed_next(n: Nomination) -> list[str]:
    """The states ``n`` may move to (the detail page offers these forms)."""
    return [to for (frm, to) in TRANSITIONS if frm == n.state]


def _locked(n: Nomination) -> Nomination:
    return (Nomination.objects.select_for_update(of=("self",))
            .select_related("honour", "region", "person__employer", "team__organisation", "studio__organisation")
            .get(pk=n.pk))


def _move(n: Nomination, to: str, *, actor, fields: dict, note: dict | None = None) -> Nomination:
    """Apply one transition: refuse it unless the table allows it, save ``fields`` and audit old → new."""
    if (n.state, to) not in TRANSITIONS:
        raise ServiceError(f"推荐当前为“{n.get_state_display()}”,不能{STEP_NAMES[to]}")
    changes = {"state": [n.state, to]}
    for name, value in fields.items():
        old = getattr(n, name)
        if old != value and not isinstance(value, dict):  # the eligibility record is summarised in ``note``
            changes[name] = [_plain(old), _plain(value)]
        setattr(n, name, value)
    n.state = to
    n.save(update_fields=["state", *fields])
    audit.record(AuditEntry.Action.TRANSITION, actor=actor, obj=n, changes={**changes, **(note or {})})
    return n


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _text(value, name: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(f"请填写{label}", {name: f"请填写{label}"})
    if len(value) > limit:
        raise ServiceError(f"{label}不能超过 {limit} 个字", {name: f"不能超过 {limit} 个字"})
    return value


def _not_future(day: date | None, name: str, label: str) -> date:
    if day is None:
        raise ServiceError(f"请填写{label}", {name: f"请填写{label}"})
    if day > _today():
        raise ServiceError(f"{label}不能晚于今天", {name: "不能晚于今天"})
    return day


# --- Nominate ------------------------------------------------------------------------------------------------

def _clean_declared(declared: dict) -> dict:
    out = {}
    if declared.get("front_line") is not None:
        out["front_line"] = bool(declared["front_line"])
    years = declared.get("years_skilled")
    if years not in (None, ""):
        try:
            y = Decimal(str(years))
            if not Decimal(0) <= y <= Decimal(60):
                raise InvalidOperation
        except (InvalidOperation, ValueError) as exc:
            raise ServiceError("从事技能工作年限应为 0–60 之间的数字",
                               {"years_skilled": "应为 0–60 之间的数字"}) from exc
        out["years_skilled"] = float(y)
    out["years_waived"] = bool(declared.get("years_waived"))
    return out


def _own_subject(org: Organisation, subject) -> bool:
    """An enterprise union's own: its enterprise's (or a branch's) workers, its teams and studios."""
    if isinstance(subject, Person):
        employer = subject.employer
        return employer is not None and org.pk in (employer.pk, employer.parent_id)
    return subject.organisation_id == org.pk


def _check_nominator(actor, route: str, nominated_by: Organisation | None, subject) -> None:
    """Who puts a nomination forward: an enterprise union for its own workers and teams, a (lower) federation,
    the person themself, or the public (entered by a federation officer)."""
    if route == "enterprise_union" and nominated_by is not None and not _own_subject(nominated_by, subject):
        raise ServiceError(f"{nominated_by.name}只能推荐本单位的职工、集体和工作室", {"subject": "不是本单位的推荐对象"})
    if actor is None or actor.is_superuser:
        return
    person = subject if isinstance(subject, Person) else None
    bound = {(b.role, b.organisation_id) for b in actor.bindings()}
    if route == "self":
        if person is None or actor.person_id != person.pk:
            raise ServiceError("个人自荐须由本人提交", {"route": "个人自荐须由本人提交"})
    elif route == "enterprise_union":
        if nominated_by is None or ("enterprise_union", nominated_by.pk) not in bound:
            raise ServiceError("企业工会推荐须由本企业工会提交", {"route": "企业工会推荐须由本企业工会提交"})
    elif route == "federation":
        if nominated_by is None or ("federation_admin", nominated_by.pk) not in bound:
            raise ServiceError("工会推荐须由推荐工会的工作人员提交", {"route": "工会推荐须由推荐工会的工作人员提交"})
    elif route == "public" and not any(role == "federation_admin" for role, _org in bound):
        raise ServiceError("公众推荐由工会工作人员登记", {"route": "公众推荐由工会工作人员登记"})


def create_nomination(*, actor, honour: Honour, cycle: int, route: str, person=None, team=None, studio=None,
                      nominated_by: Organisation | None = None, tier: str = "award", direct_grant: bool = False,
                      deeds: str = "", declared: dict | None = None) -> Nomination:
    """Put a subject forward for ``honour`` in ``cycle``. Refused: a subject the honour is not for, a route it does
    not accept, a nominee tier or direct grant it does not have, a second live nomination of the same subject for
    the same honour and cycle."""
    subjects = [s for s in (person, team, studio) if s is not None]
    if len(subjects) != 1:
        raise ServiceError("请选择一个推荐对象(个人、集体或工作室)", {"subject": "请选择一个推荐对象"})
    subject = subjects[0]
    kind = "person" if person is not None else ("team" if team is not None else "studio")
    if kind != honour.subject:
        raise ServiceError(f"{honour.name}的授予对象为{honour.get_subject_display()}",
                           {"subject": f"{honour.name}的授予对象为{honour.get_subject_display()}"})
    this_year = _today().year
    if not 2000 <= int(cycle) <= this_year + 1:
        raise ServiceError(f"年度应在 2000–{this_year + 1} 之间", {"cycle": f"年度应在 2000–{this_year + 1} 之间"})
    routes = rules.allowed_routes(selectors.honour_rules(honour))
    if route not in routes:
        raise ServiceError(f"{honour.name}不接受{rules.ROUTE_NAMES.get(route, route)},"
                           f"推荐方式为:{'、'.join(rules.ROUTE_NAMES[r] for r in routes)}",
                           {"route": "该荣誉不接受这种推荐方式"})
    if tier == "nominee" and not honour.has_nominee_tier:
        raise ServiceError(f"{honour.name}不设提名奖", {"tier": f"{honour.name}不设提名奖"})
    if tier not in ("award", "nominee"):
        raise ServiceError("类别无效", {"tier": "类别无效"})
    deeds = (deeds or "").strip()
    if direct_grant:
        basis = (honour.eligibility or {}).get("direct_grant")
        if not basis:
            raise ServiceError(f"{honour.name}没有直接认定的规定", {"direct_grant": "该荣誉没有直接认定的规定"})
        if not deeds:
            raise ServiceError("直接认定须在主要事迹中写明依据(如竞赛名称和名次)", {"deeds": "请写明直接认定的依据"})
    if route in ("self", "public"):
        nominated_by = None
    _check_nominator(actor, route, nominated_by, subject)
    clean = _clean_declared(declared or {})
    dup = selectors.duplicate_of(honour, cycle, person=person, team=team, studio=studio)
    if dup is not None:
        raise ServiceError(f"{subject}已有 {cycle} 年度{honour.name}的推荐(状态:{dup.get_state_display()}),"
                           "同一对象同一年度只能推荐一次", {"subject": "该对象本年度已被推荐"})
    n = Nomination(honour=honour, cycle=cycle, person=person, team=team, studio=studio, subject_name=str(subject),
                   region_id=subject.region_id, route=route, nominated_by=nominated_by, tier=tier,
                   direct_grant=bool(direct_grant), deeds=deeds, eligibility={"declared": clean},
                   created_by=actor if actor is not None and actor.is_authenticated else None)
    try:
        with transaction.atomic():
            n.save()
            _check(actor, "add", Nomination, pk=n.pk)
            audit.record(AuditEntry.Action.CREATE, actor=actor, obj=n,
                         changes={**audit.diff({}, audit.snapshot(n, CREATE_FIELDS)), "declared": [None, clean]})
    except IntegrityError as exc:  # a concurrent duplicate: the unique constraints say no
        raise ServiceError(f"{subject}本年度已有{honour.name}的推荐", {"subject": "该对象本年度已被推荐"}) from exc
    return n


# --- Review ----------------------------------------------------------------------------------------------------

def review_nomination(*, actor, nomination: Nomination, expert_score=None, on: date | None = None) -> Nomination:
    """Check eligibility with the facts on record as of ``on`` (default today); pass → ``reviewed`` with the
    outcome stored, fail → refused with every failing rule explained (the officer may then reject it)."""
    on = _not_future(on or _today(), "on", "审核日期")
    score = None
    if expert_score not in (None, ""):
        try:
            score = Decimal(str(expert_score))
            if not Decimal(0) <= score <= Decimal(100):
                raise InvalidOperation
        except (InvalidOperation, ValueError) as exc:
            raise ServiceError("专家评审得分应为 0–100", {"expert_score": "应为 0–100 之间的数字"}) from exc
    with transaction.atomic():
        n = _locked(nomination)
        _check(actor, "change", Nomination, pk=n.pk)
        if (n.state, "reviewed") not in TRANSITIONS:
            raise ServiceError(f"推荐当前为“{n.get_state_display()}”,不能审核")
        if score is not None and not n.honour.has_expert_review:
            raise ServiceError(f"{n.honour.name}不设专家评审", {"expert_score": "该荣誉不设专家评审"})
        outcome = selectors.assess(n, on, expert_score=score)
        if not outcome.passed:
            raise ServiceError(outcome.message, {"eligibility": outcome.message})
        record = {**(n.eligibility or {}), "reviewed_on": on.isoformat(), "outcome": outcome_json(outcome)}
        _move(n, "reviewed", actor=actor, fields={"eligibility": record, "expert_score": score},
              note={"eligibility": [None, outcome.message]})
    return n


def outcome_json(outcome: rules.Outcome) -> dict:
    return {"passed": outcome.passed, "message": outcome.message,
            "criteria": [{"name": c.name, "passed": c.passed, "message": c.message} for c in outcome.criteria]}


def reject_nomination(*, actor, nomination: Nomination, reason: str) -> Nomination:
    """Not approved: at review, not selected after review, or in publicity because an objection was upheld."""
    reason = _text(reason, "reason", "不予通过的理由", 300)
    with transaction.atomic():
        n = _locked(nomination)
        _check(actor, "change", Nomination, pk=n.pk)
        if n.state == "publicised" and not n.objections.filter(upheld=True).exists():
            raise ServiceError("公示中的推荐只能因异议成立而不予授予;请先登记并处理异议",
                               {"reason": "没有成立的异议"})
        record = {**(n.eligibility or {}), "rejected": {"reason": reason, "on": _today().isoformat()}}
        _move(n, "rejected", actor=actor, fields={"eligibility": record}, note={"reason": [None, reason]})
    return n


def withdraw_nomination(*, actor, nomination: Nomination, reason: str = "") -> Nomination:
    """The nominator (or an officer) takes a nomination back before publicity; the subject may then be put forward
    again in the same cycle."""
    reason = (reason or "").strip()[:300]
    with transaction.atomic():
        n = _locked(nomination)
        if actor is not None and not (Nomination.objects.restrict(actor, "change").filter(pk=n.pk).exists()
                                      or Nomination.objects.restrict(actor, "add").filter(pk=n.pk).exists()):
            raise PermissionError("out of scope")
        _move(n, "withdrawn", actor=actor, fields={}, note={"reason": [None, reason]} if reason else None)
    return n


# --- Publicity and objections --------------------------------------------------------------------------------

def publicise_nomination(*, actor, nomination: Nomination, start: date, end: date) -> Nomination:
    """Open the 公示: ``start``–``end`` (both included) must hold at least 5 working days on the Chinese calendar
    (core/workdays.py: holidays and make-up working days), and the quota must have a place left on ``start``."""
    if start is None or end is None:
        raise ServiceError("请填写公示起止日期", {"start": "请填写", "end": "请填写"})
    if end < start:
        raise ServiceError("公示结束日期不能早于开始日期", {"end": "不能早于开始日期"})
    try:
        days = workdays.workdays_between(start, end)
        earliest = workdays.add_workdays(start, MIN_PUBLICITY_WORKDAYS)
    except workdays.WorkdayError as exc:
        raise ServiceError(str(exc), {"end": str(exc)}) from exc
    if days < MIN_PUBLICITY_WORKDAYS:
        msg = (f"公示期 {start:%Y-%m-%d} 至 {end:%Y-%m-%d} 只有 {days} 个工作日,应不少于 {MIN_PUBLICITY_WORKDAYS} 个"
               f"(按国务院节假日安排计;从 {start:%Y-%m-%d} 开始至少公示到 {earliest:%Y-%m-%d})")
        raise ServiceError(msg, {"end": msg})
    with transaction.atomic():
        n = _locked(nomination)
        _check(actor, "change", Nomination, pk=n.pk)
        if (n.state, "publicised") not in TRANSITIONS:
            raise ServiceError(f"推荐当前为“{n.get_state_display()}”,不能公示")
        _check_quota(n, start)
        _move(n, "publicised", actor=actor, fields={"publicity_start": start, "publicity_end": end},
              note={"workdays": [None, days]})
    return n


def _check_quota(n: Nomination, on: date) -> None:
    if n.tier != "award" or n.direct_grant:
        return
    outcome = rules.check_quota(selectors.quota_of(n), selectors.places_taken(n, on), on)
    if not outcome.passed:
        raise ServiceError(f"{n.cycle} 年度{n.honour.name}名额已满:{outcome.message}", {"quota": outcome.message})


def record_objection(*, actor, nomination: Nomination, received_on: date, summary: str) -> Objection:
    """An objection received during the 公示; it must be resolved before the honour can be conferred."""
    summary = _text(summary, "summary", "异议内容", 2000)
    received_on = _not_future(received_on, "received_on", "收到日期")
    with transaction.atomic():
        n = _locked(nomination)
        _check(actor, "change", Nomination, pk=n.pk)
        if n.state != "publicised":
            raise ServiceError(f"推荐当前为“{n.get_state_display()}”,只能在公示期间登记异议")
        if received_on < n.publicity_start:
            raise ServiceError("收到日期不能早于公示开始日期", {"received_on": "不能早于公示开始日期"})
        objection = Objection.objects.create(nomination=n, received_on=received_on, summary=summary)
        audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=n,
                     changes={"objection": [None, f"#{objection.pk} {received_on:%Y-%m-%d} 收到:{summary[:100]}"]})
    return objection


def resolve_objection(*, actor, objection: Objection, upheld: bool, resolution: str, resolved_on: date) -> Objection:
    """Record how an objection was resolved: upheld (the nomination is then not conferred) or not."""
    resolution = _text(resolution, "resolution", "处理结果", 2000)
    resolved_on = _not_future(resolved_on, "resolved_on", "处理日期")
    with transaction.atomic():
        objection = Objection.objects.select_for_update().select_related("nomination").get(pk=objection.pk)
        n = objection.nomination
        _check(actor, "change", Nomination, pk=n.pk)
        if objection.resolved_on is not None:
            raise ServiceError("该异议已处理")
        if n.state != "publicised":
            raise ServiceError(f"推荐当前为“{n.get_state_display()}”,不能再处理异议")
        if resolved_on < objection.received_on:
            raise ServiceError("处理日期不能早于收到日期", {"resolved_on": "不能早于收到日期"})
        objection.upheld, objection.resolution, objection.resolved_on = bool(upheld), resolution, resolved_on
        objection.save(update_fields=["upheld", "resolution", "resolved_on"])
        verdict = "异议成立" if upheld else "异议不成立"
        audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=n, changes={"objection": [
            f"#{objection.pk} 未处理", f"#{objection.pk} {resolved_on:%Y-%m-%d} {verdict}:{resolution[:100]}"]})
    return objection


# --- Confer and revoke -----------------------------------------------------------------------------------------

def confer_honour(*, actor, nomination: Nomination, decision_number: str, conferred_on: date) -> Nomination:
    """Confer after the 公示 has ended with every objection resolved and none upheld; the quota is checked again
    on the conferral date."""
    decision_number = _text(decision_number, "decision_number", "决定文号", 80)
    conferred_on = _not_future(conferred_on, "conferred_on", "授予日期")
    with transaction.atomic():
        n = _locked(nomination)
        _check(actor, "change", Nomination, pk=n.pk)
        if (n.state, "conferred") not in TRANSITIONS:
            raise ServiceError(f"推荐当前为“{n.get_state_display()}”,不能授予")
        if conferred_on <= n.publicity_end:
            raise ServiceError(f"公示期至 {n.publicity_end:%Y-%m-%d} 结束,授予日期应在公示期满之后",
                               {"conferred_on": "应在公示期满之后"})
        open_ = n.objections.filter(resolved_on__isnull=True).count()
        if open_:
            raise ServiceError(f"还有 {open_} 条异议未处理,处理完毕后才能授予", {"objections": "有未处理的异议"})
        if n.objections.filter(upheld=True).exists():
            raise ServiceError("有成立的异议,不能授予;请作“不予通过”处理", {"objections": "有成立的异议"})
        _check_quota(n, conferred_on)
        _move(n, "conferred", actor=actor, fields={"decision_number": decision_number, "conferred_on": conferred_on})
    return n


def revoke_honour(*, actor, nomination: Nomination, reason: str, document: str, revoked_on: date) -> Nomination:
    """Revoke a conferred honour (reason and decision document required); from ``revoked_on`` it no longer counts
    anywhere — quotas, profiles, plans, reports (SPEC §2.2) — and its quota place is free again."""
    reason = _text(reason, "reason", "撤销原因", 300)
    document = _text(document, "document", "撤销决定文号", 80)
    revoked_on = _not_future(revoked_on, "revoked_on", "撤销日期")
    with transaction.atomic():
        n = _locked(nomination)
        _check(actor, "change", Nomination, pk=n.pk)
        if (n.state, "revoked") not in TRANSITIONS:
            raise ServiceError(f"推荐当前为“{n.get_state_display()}”,不能撤销")
        if revoked_on < n.conferred_on:
            raise ServiceError("撤销日期不能早于授予日期", {"revoked_on": "不能早于授予日期"})
        _move(n, "revoked", actor=actor, fields={"revoked_on": revoked_on, "revoke_reason": reason,
                                                  "revoke_document": document})
    return n
