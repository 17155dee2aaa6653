"""Writes on skills (SPEC §3): keyword-only, ``actor=``, one transaction each with its audit row. The pages, the
API, the score import, the demo and the CLI all come here.

``actor=None`` is the system itself (demo data, a command run without ``--user``): no scope check applies.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from workerhub.core import audit, scope
from workerhub.core.models import AuditEntry, Organisation, Person
from workerhub.core.rules import mask_id_number
from workerhub.core.services import ServiceError

from . import certnumbers, keys, rules
from .models import (
    Alliance,
    AllianceMember,
    Certificate,
    Competition,
    CompetitionEvent,
    CompetitionResult,
    Course,
    CourseSession,
    Credit,
    Enrolment,
    Evaluator,
    ExamSession,
    Occupation,
    Registration,
    ScoreAmendment,
    Serial,
)

# Person.education → the words the eligibility routes use (rules.py, occupations.json).
EDUCATION_WORDS = {"college": "大专", "bachelor": "本科", "master": "研究生", "doctor": "研究生"}
DECLARED_EDUCATION = ("技工学校", "中职", "高级技工学校", "技师学院", "预备技师", "大专", "本科", "研究生")


_check = scope.check_write  # writes re-checked against restrict(actor, action) (core/scope.py)


def _years(since: date, until: date) -> float:
    return round((until - since).days / 365.25, 1)


# --- Exam sessions -----------------------------------------------------------------------------------------

def create_exam_session(*, actor, occupation: Occupation, level: int, exam_date: date, site: str, site_code: str,
                        region_id: str, evaluator: Evaluator, capacity: int, partner: Organisation | None = None,
                        alliance: Alliance | None = None, work_type: str = "") -> ExamSession:
    errors = {}
    if level not in occupation.levels:
        errors["level"] = f"{occupation.name}未开设{certnumbers.level_label(level)}认定"
    if not (len(site_code) == 6 and site_code.isascii() and site_code.isdigit()):
        errors["site_code"] = "考点编码应为6位数字"
    if capacity < 1:
        errors["capacity"] = "名额至少为1"
    if partner is not None and not partner.credit_code:
        errors["partner"] = "合作企业须登记统一社会信用代码(企业认可证书编号含该代码)"
    if partner is not None and alliance is not None and not alliance.members.filter(organisation=partner).exists():
        errors["partner"] = "合作企业须为所选联盟的成员"
    if region_id[:2] not in certnumbers.PROVINCES:
        errors["region"] = "考点所在地无效"
    if errors:
        raise ServiceError(next(iter(errors.values())), errors)
    with transaction.atomic():
        session = ExamSession.objects.create(
            occupation=occupation, level=level, exam_date=exam_date, site=site, site_code=site_code,
            region_id=region_id, evaluator=evaluator, capacity=capacity, partner=partner, alliance=alliance,
            work_type=work_type)
        _check(actor, "add", ExamSession, pk=session.pk)
        audit.record(AuditEntry.Action.CREATE, actor=actor, obj=session,
                     changes=audit.diff({}, audit.snapshot(session, ("occupation", "level", "exam_date", "site",
                                                                      "capacity", "evaluator", "partner"))))
    return session


TRANSITIONS = {  # exam-session state machine (STYLE: allowed transitions in one table)
    ("open", "closed"): "截止报名",
    ("closed", "open"): "重新开放报名",
    ("open", "published"): "发布成绩",
    ("closed", "published"): "发布成绩",
}


def _transition(session: ExamSession, to: str, *, actor) -> None:
    if (session.status, to) not in TRANSITIONS:
        raise ServiceError(f"考试批次当前为“{session.get_status_display()}”，不能{TRANSITIONS.get(('open', to), '变更')}")
    before = session.status
    session.status = to
    session.save(update_fields=["status", "published_at", "issued_on"])
    audit.record(AuditEntry.Action.TRANSITION, actor=actor, obj=session, changes={"status": [before, to]})


def close_registration(*, actor, session: ExamSession) -> ExamSession:
    with transaction.atomic():
        session = ExamSession.objects.select_for_update().get(pk=session.pk)
        _check(actor, "change", ExamSession, pk=session.pk)
        _transition(session, "closed", actor=actor)
    return session


def reopen_registration(*, actor, session: ExamSession) -> ExamSession:
    with transaction.atomic():
        session = ExamSession.objects.select_for_update().get(pk=session.pk)
        _check(actor, "change", ExamSession, pk=session.pk)
        _transition(session, "open", actor=actor)
    return session


def candidate_profile(person: Person, session: ExamSession, declared: dict) -> rules.Candidate:
    """What eligibility looks at: certificates held on the platform (same occupation) plus what was declared.

    A certificate held here counts by itself; a certificate from elsewhere (e.g. a legacy 职业资格证书) is
    declared with its number and date and checked by the evaluator on the documents.
    """
    held = (Certificate.objects.filter(person=person, occupation=session.occupation, kind="skill_level",
                                       status="valid", issued_on__lte=session.exam_date)
            .order_by("level", "issued_on").values_list("level", "issued_on").first())
    held_level, years_at_level = None, 0.0
    if held:
        held_level, years_at_level = held[0], _years(held[1], session.exam_date)
    if declared.get("held_level") and declared.get("held_since"):
        d_level, d_since = int(declared["held_level"]), date.fromisoformat(str(declared["held_since"]))
        if held_level is None or d_level < held_level:
            held_level, years_at_level = d_level, _years(d_since, session.exam_date)
    education = declared.get("education") or EDUCATION_WORDS.get(person.education)
    return rules.Candidate(
        years_in_trade=float(declared.get("years_in_trade") or 0), held_level=held_level,
        years_at_level=years_at_level, education=education,
        education_in_field=bool(declared.get("education_in_field")),
        apprenticeship_completed=bool(declared.get("apprenticeship")))


def _clean_declared(declared: dict) -> dict:
    errors, out = {}, {}
    try:
        years = Decimal(str(declared.get("years_in_trade") or 0))
        if not Decimal(0) <= years <= Decimal(60):
            raise InvalidOperation
        out["years_in_trade"] = float(years)
    except (InvalidOperation, ValueError):
        errors["years_in_trade"] = "从事本职业年限应为0–60之间的数字"
    education = declared.get("education") or ""
    if education and education not in DECLARED_EDUCATION:
        errors["education"] = f"学历应为 {'/'.join(DECLARED_EDUCATION)} 之一"
    out["education"] = education
    out["education_in_field"] = bool(declared.get("education_in_field"))
    out["apprenticeship"] = bool(declared.get("apprenticeship"))
    if declared.get("held_level"):
        try:
            level = int(declared["held_level"])
            since = date.fromisoformat(str(declared.get("held_since") or ""))
            if level not in certnumbers.LEVELS or since > timezone.localdate():
                raise ValueError
            out.update(held_level=level, held_since=since.isoformat(),
                       held_number=str(declared.get("held_number") or "")[:40])
        except (TypeError, ValueError):
            errors["held_level"] = "已持证书须填写等级(1–5)和不晚于今天的取证日期"
    if errors:
        raise ServiceError(next(iter(errors.values())), errors)
    return out


def _outcome_json(outcome: rules.Outcome) -> dict:
    return {"passed": outcome.passed, "message": outcome.message,
            "routes": [{"name": r.name, "passed": r.passed, "criteria": [c.message for c in r.criteria]}
                       for r in outcome.routes]}


def may_register(actor, session: ExamSession, person: Person) -> bool:
    """The candidate themself (open sessions are public), an enterprise union for its own workers, or the
    session's evaluator."""
    if actor is None or actor.is_superuser or actor.person_id == person.pk:
        return True
    if ExamSession.objects.restrict(actor, "change").filter(pk=session.pk).exists():
        return True
    return (ExamSession.objects.restrict(actor, "view").filter(pk=session.pk).exists()
            and Person.objects.restrict(actor, "change").filter(pk=person.pk).exists())


def register_candidate(*, actor, session: ExamSession, person: Person, declared: dict | None = None,
                       via: str = "self") -> Registration:
    """Register ``person`` for ``session`` after the eligibility and capacity checks (SPEC §3.3).

    A refusal raises ServiceError whose message explains every route that was tried.
    """
    declared = _clean_declared(declared or {})
    if not may_register(actor, session, person):
        raise PermissionError("out of scope")
    with transaction.atomic():
        session = ExamSession.objects.select_for_update(of=("self",)).select_related("occupation").get(pk=session.pk)
        if session.status != ExamSession.Status.OPEN:
            raise ServiceError(f"考试批次“{session}”{session.get_status_display()}，不接受报名")
        if session.registrations.filter(person=person).exists():
            raise ServiceError(f"{person.name} 已报名本批次考试")
        taken = session.registrations.count()
        if taken >= session.capacity:
            raise ServiceError(f"本批次名额 {session.capacity} 人已满")
        outcome = rules.check_eligibility(candidate_profile(person, session, declared), session.level,
                                          session.occupation.as_rule_data())
        if not outcome.passed:
            details = "；".join(f"{r.name}：{'，'.join(c.message for c in r.criteria)}" for r in outcome.routes)
            raise ServiceError(f"{outcome.message}。{details}" if details else outcome.message,
                               {"eligibility": outcome.message})
        registration = Registration.objects.create(
            session=session, person=person, registered_by=actor if actor is not None else None, via=via,
            declared=declared, eligibility=_outcome_json(outcome))
        audit.record(AuditEntry.Action.CREATE, actor=actor, obj=registration, region_id=session.region_id,
                     changes={"via": [None, via], "eligibility": [None, outcome.message]})
    return registration


def withdraw_registration(*, actor, registration: Registration) -> None:
    with transaction.atomic():
        registration = Registration.objects.select_for_update(of=("self",)).select_related("session").get(pk=registration.pk)
        if registration.session.status == ExamSession.Status.PUBLISHED:
            raise ServiceError("成绩已发布，不能撤销报名")
        if not (actor is None or actor.person_id == registration.person_id
                or Registration.objects.restrict(actor, "change").filter(pk=registration.pk).exists()):
            raise PermissionError("out of scope")
        audit.record(AuditEntry.Action.DELETE, actor=actor, obj=registration,
                     region_id=registration.session.region_id)
        registration.delete()


# --- Scores ------------------------------------------------------------------------------------------------

@dataclass
class ScoreRow:
    """One candidate's scores as entered on the page or read from a spreadsheet row."""

    registration_id: int
    theory: object = None
    practical: object = None
    review_passed: bool | None = None
    absent: bool = False
    name: str | None = None  # when given (imports), must match the candidate: a guard against shifted rows
    row: int | None = None


@dataclass
class ScoreResult:
    written: int = 0
    errors: list[str] = field(default_factory=list)


def _score_value(value, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{label}应为数字，收到“{value}”") from None
    if not Decimal(0) <= d <= Decimal(100) or d != d.quantize(Decimal("0.1")):
        raise ValueError(f"{label}应为0–100之间、至多一位小数的数字，收到“{value}”")
    return d


def record_scores(*, actor, session: ExamSession, rows: list[ScoreRow]) -> ScoreResult:
    """Write theory/practical scores (and the 综合评审 outcome for 一级/二级) for a session's candidates.

    All rows or none: any bad row is reported (with its spreadsheet row when imported) and nothing changes.
    Published sessions refuse: corrections go through ``amend_score``.
    """
    result = ScoreResult()
    with transaction.atomic():
        session = ExamSession.objects.select_for_update().get(pk=session.pk)
        _check(actor, "change", ExamSession, pk=session.pk)
        if session.status == ExamSession.Status.PUBLISHED:
            raise ServiceError("成绩已发布并冻结；如需更正请使用成绩更正")
        regs = {r.pk: r for r in session.registrations.select_related("person")}
        seen, changed = set(), []
        for row in rows:
            where = f"第{row.row}行：" if row.row else ""
            reg = regs.get(row.registration_id)
            if reg is None:
                result.errors.append(f"{where}报名号 {row.registration_id} 不属于本批次")
                continue
            if row.name is not None and row.name.strip() != reg.person.name:
                result.errors.append(f"{where}报名号 {reg.pk} 的考生是 {reg.person.name}，表中姓名为“{row.name}”")
                continue
            if reg.pk in seen:
                result.errors.append(f"{where}报名号 {reg.pk} 重复")
                continue
            seen.add(reg.pk)
            try:
                theory = _score_value(row.theory, "理论知识成绩")
                practical = _score_value(row.practical, "操作技能成绩")
            except ValueError as exc:
                result.errors.append(f"{where}{exc}")
                continue
            if row.review_passed is not None and session.level not in rules.REVIEW_LEVELS:
                result.errors.append(f"{where}{session.level_label} 无综合评审")
                continue
            reg.theory, reg.practical, reg.absent = theory, practical, bool(row.absent)
            reg.review_passed = row.review_passed
            changed.append(reg)
        if result.errors:
            transaction.set_rollback(True)
            return result
        Registration.objects.bulk_update(changed, ["theory", "practical", "review_passed", "absent"])
        result.written = len(changed)
        audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=session,
                     object_repr=f"{session} 录入成绩 {len(changed)} 人", changes={"scores": [None, len(changed)]})
    return result


def _result_of(reg: Registration, level: int) -> str:
    if reg.absent:
        return Registration.Result.ABSENT
    outcome = rules.exam_result(reg.theory, reg.practical, level, reg.review_passed)
    return Registration.Result.PASSED if outcome.passed else Registration.Result.FAILED


def missing_scores(session: ExamSession) -> list[str]:
    """Why the session cannot be published yet: candidates without both scores (or a review outcome)."""
    problems = []
    for reg in session.registrations.select_related("person"):
        if reg.absent:
            continue
        if reg.theory is None or reg.practical is None:
            problems.append(f"{reg.person.name}（报名号 {reg.pk}）缺少成绩")
        elif (session.level in rules.REVIEW_LEVELS and reg.review_passed is None
              and rules.exam_result(reg.theory, reg.practical, 5).passed):
            problems.append(f"{reg.person.name}（报名号 {reg.pk}）尚未完成综合评审")
    return problems


@dataclass
class PublishResult:
    session: ExamSession
    passed: int = 0
    failed: int = 0
    absent: int = 0
    issued: int = 0
    already_published: bool = False


def publish_results(*, actor, session: ExamSession, issued_on: date | None = None) -> PublishResult:
    """Publish a session's results and issue two certificates per pass, all in one transaction (SPEC §3.3–3.4).

    Publishing again issues nothing: the session row is locked and its state re-read, and the database refuses a
    second certificate of a kind for one registration.
    """
    with transaction.atomic():
        session = (ExamSession.objects.select_for_update(of=("self",))
                   .select_related("occupation", "evaluator__organisation", "partner").get(pk=session.pk))
        _check(actor, "change", ExamSession, pk=session.pk)
        if session.status == ExamSession.Status.PUBLISHED:
            return PublishResult(session, already_published=True,
                                 **_counts(session))
        problems = missing_scores(session)
        if problems:
            raise ServiceError("还不能发布成绩：" + "；".join(problems[:10])
                               + (f" 等 {len(problems)} 人" if len(problems) > 10 else ""))
        regs = list(session.registrations.select_related("person"))
        for reg in regs:
            reg.result = _result_of(reg, session.level)
        Registration.objects.bulk_update(regs, ["result"], batch_size=1000)
        session.published_at = timezone.now()
        session.issued_on = issued_on or timezone.localdate()
        _transition(session, "published", actor=actor)
        passed = [r for r in regs if r.result == Registration.Result.PASSED]
        issued = issue_certificates(session=session, registrations=passed)
        audit.record(AuditEntry.Action.CREATE, actor=actor, obj=session, object_type="skills.certificate",
                     object_repr=f"{session} 发证 {len(issued)} 本", changes={"certificates": [None, len(issued)]})
        out = PublishResult(session, issued=len(issued), **_counts(session))
    return out


def _counts(session: ExamSession) -> dict:
    got = dict(session.registrations.values_list("result").annotate(n=Count("id")).values_list("result", "n"))
    return {"passed": got.get("passed", 0), "failed": got.get("failed", 0), "absent": got.get("absent", 0)}


def _next_serials(key: str, count: int) -> range:
    """Reserve ``count`` serials in a numbering series (row-locked; never reused)."""
    Serial.objects.get_or_create(key=key)
    series = Serial.objects.select_for_update().get(key=key)
    first = series.last + 1
    if series.last + count > 999999:
        raise ServiceError(f"编号序列 {key} 已用尽")
    series.last += count
    series.save(update_fields=["last"])
    return range(first, first + count)


def issue_certificates(*, session: ExamSession, registrations: list[Registration]) -> list[Certificate]:
    """The two certificates for each passing registration (call inside publish_results' transaction).

    Skill-level numbers follow 人社鉴发〔2019〕2号: issuer type + institution code + province + site + year +
    level + serial, the serial counting per site, year and level. Enterprise numbers are
    ``QY-<partner credit code>-<YY>-<serial>`` counting per enterprise and year (docs/skills.md).
    """
    assert transaction.get_connection().in_atomic_block
    done = set(Certificate.objects.filter(registration_id__in=[r.pk for r in registrations])
               .values_list("registration_id", flat=True))
    todo = [r for r in registrations if r.pk not in done]
    if not todo:
        return []
    ev, day = session.evaluator, session.issued_on
    province = session.region_id[:2]
    skill_key = f"skill:{ev.issuer_type}{ev.institution_code}{province}{session.site_code}{day:%y}{session.level}"
    skill_serials = _next_serials(skill_key, len(todo))
    partner = session.partner
    ent_serials = _next_serials(f"enterprise:{partner.credit_code}:{day:%y}", len(todo)) if partner else None
    recognisers = []
    if partner and session.alliance_id:
        recognisers = list(session.alliance.members.filter(recognises=True).values_list("organisation_id", flat=True))
    elif partner:
        recognisers = [partner.pk]
    certs = []
    for i, reg in enumerate(todo):
        person = reg.person
        common = dict(registration=reg, person=person, holder_name=person.name,
                      holder_id_masked=mask_id_number(person.id_number), occupation=session.occupation,
                      occupation_name=session.occupation.name, work_type=session.work_type, level=session.level,
                      issued_on=day, region_id=person.region_id)
        number = certnumbers.build_number(
            issuer_type=ev.issuer_type, institution_code=ev.institution_code, province=province,
            site_serial=session.site_code, year=day.year, level=session.level, serial=skill_serials[i])
        certs.append(Certificate(number=number, kind=Certificate.Kind.SKILL_LEVEL, issuer=ev.organisation,
                                 issuer_name=ev.organisation.name, token=keys.sign(number), **common))
        if partner:
            number = certnumbers.build_enterprise_number(uscc=partner.credit_code, year=day.year,
                                                         serial=ent_serials[i])
            certs.append(Certificate(number=number, kind=Certificate.Kind.ENTERPRISE, issuer=partner,
                                     issuer_name=partner.name, token=keys.sign(number), **common))
    Certificate.objects.bulk_create(certs, batch_size=1000)
    if recognisers:
        through = Certificate.recognised_by.through
        saved = Certificate.objects.filter(number__in=[c.number for c in certs if c.kind == "enterprise"])
        through.objects.bulk_create(
            [through(certificate_id=pk, organisation_id=org) for pk in saved.values_list("pk", flat=True)
             for org in recognisers], batch_size=2000)
    return certs


def amend_score(*, actor, registration: Registration, reason: str, theory=None, practical=None,
                review_passed: bool | None = None, absent: bool | None = None) -> Registration:
    """An audited correction of a published score. A fail that becomes a pass gets its two certificates; a pass
    that becomes a fail has them revoked with the correction as the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写更正原因", {"reason": "请填写更正原因"})
    with transaction.atomic():
        reg = Registration.objects.select_for_update(of=("self",)).select_related("session__occupation", "person").get(
            pk=registration.pk)
        session = reg.session
        _check(actor, "change", ExamSession, pk=session.pk)
        if session.status != ExamSession.Status.PUBLISHED:
            raise ServiceError("成绩尚未发布，请直接修改成绩")
        changes = {}
        try:
            for name, value in (("theory", theory), ("practical", practical)):
                if value not in (None, ""):
                    new = _score_value(value, {"theory": "理论知识成绩", "practical": "操作技能成绩"}[name])
                    if new != getattr(reg, name):
                        changes[name] = (getattr(reg, name), new)
        except ValueError as exc:
            raise ServiceError(str(exc)) from None
        if review_passed is not None and review_passed != reg.review_passed:
            changes["review_passed"] = (reg.review_passed, review_passed)
        if absent is not None and absent != reg.absent:
            changes["absent"] = (reg.absent, absent)
        if not changes:
            raise ServiceError("没有需要更正的内容")
        for name, (old, new) in changes.items():
            setattr(reg, name, new)
            ScoreAmendment.objects.create(registration=reg, field=name, old_value="" if old is None else str(old),
                                          new_value="" if new is None else str(new), reason=reason, actor=actor)
        if not reg.absent and (reg.theory is None or reg.practical is None):
            raise ServiceError("更正后缺少成绩")
        before = reg.result
        reg.result = _result_of(reg, session.level)
        reg.save(update_fields=["theory", "practical", "review_passed", "absent", "result"])
        audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=reg, region_id=session.region_id,
                     changes={**{k: [str(o), str(n)] for k, (o, n) in changes.items()}, "reason": [None, reason],
                              "result": [before, reg.result]})
        if before != "passed" and reg.result == "passed":
            revoked = list(reg.certificates.filter(status="revoked"))
            if revoked:  # re-instating would re-use numbers the public already saw revoked: issue afresh
                raise ServiceError("该考生的证书已撤销，不能通过更正恢复；请联系评价机构另行处理")
            issue_certificates(session=session, registrations=[reg])
        elif before == "passed" and reg.result != "passed":
            for cert in reg.certificates.filter(status="valid"):
                _revoke(cert, reason=f"成绩更正：{reason}", document="", on=timezone.localdate(), actor=actor)
    return reg


# --- Certificates ------------------------------------------------------------------------------------------

def _revoke(cert: Certificate, *, reason: str, document: str, on: date, actor) -> None:
    cert.status, cert.revoked_on, cert.revoked_reason, cert.revoked_document = "revoked", on, reason, document
    cert.save(update_fields=["status", "revoked_on", "revoked_reason", "revoked_document"])
    audit.record(AuditEntry.Action.TRANSITION, actor=actor, obj=cert,
                 changes={"status": ["valid", "revoked"], "reason": [None, reason], "document": [None, document]})


def revoke_certificate(*, actor, certificate: Certificate, reason: str, document: str = "",
                       on: date | None = None, include_twin: bool = False) -> list[Certificate]:
    """Revoke a certificate with a reason (and the decision's document number); optionally the other certificate
    of the same pass too. Revoking twice is refused."""
    reason, document = (reason or "").strip(), (document or "").strip()
    if not reason:
        raise ServiceError("撤销证书须填写原因", {"reason": "撤销证书须填写原因"})
    if len(reason) > 300 or len(document) > 80:
        raise ServiceError("原因或文号过长")
    on = on or timezone.localdate()
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
        _check(actor, "change", Certificate, pk=cert.pk)
        if cert.status == Certificate.Status.REVOKED:
            raise ServiceError(f"证书 {cert.number} 已于 {cert.revoked_on:%Y-%m-%d} 撤销")
        if on < cert.issued_on:
            raise ServiceError("撤销日期不能早于发证日期")
        done = [cert]
        _revoke(cert, reason=reason, document=document, on=on, actor=actor)
        if include_twin and cert.registration_id:
            for twin in Certificate.objects.select_for_update().filter(
                    registration_id=cert.registration_id, status="valid").exclude(pk=cert.pk):
                _revoke(twin, reason=reason, document=document, on=on, actor=actor)
                done.append(twin)
    return done


# --- Training ----------------------------------------------------------------------------------------------

def enrol(*, actor, course: Course, person: Person, on: date | None = None) -> Enrolment:
    if not (actor is None or actor.person_id == person.pk
            or Person.objects.restrict(actor, "change").filter(pk=person.pk).exists()
            or Course.objects.restrict(actor, "change").filter(pk=course.pk).exists()):
        raise PermissionError("out of scope")
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        if course.enrolments.filter(person=person).exists():
            raise ServiceError(f"{person.name} 已报名该课程")
        if course.capacity is not None and course.enrolments.exclude(status="withdrawn").count() >= course.capacity:
            raise ServiceError(f"课程名额 {course.capacity} 人已满")
        enrolment = Enrolment.objects.create(course=course, person=person, enrolled_on=on or timezone.localdate())
        audit.record(AuditEntry.Action.CREATE, actor=actor, obj=enrolment, region_id=course.region_id)
    return enrolment


def record_attendance(*, actor, session: CourseSession, present: list[int]) -> int:
    """Mark which enrolments attended ``session`` (replacing earlier marks for that session)."""
    with transaction.atomic():
        _check(actor, "change", Course, pk=session.course_id)
        enrolments = Enrolment.objects.filter(course_id=session.course_id)
        ids = set(enrolments.filter(pk__in=present).values_list("pk", flat=True))
        unknown = set(present) - ids
        if unknown:
            raise ServiceError(f"报名记录 {sorted(unknown)} 不属于该课程")
        through = Enrolment.attended.through
        through.objects.filter(coursesession_id=session.pk).delete()
        through.objects.bulk_create([through(enrolment_id=e, coursesession_id=session.pk) for e in ids])
        audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=session.course,
                     object_repr=f"{session} 考勤 {len(ids)} 人", changes={"present": [None, len(ids)]})
    return len(ids)


def complete_course(*, actor, course: Course, on: date | None = None) -> list[Enrolment]:
    """Mark as completed every enrolment that attended at least the course's completion share of its sessions."""
    on = on or timezone.localdate()
    with transaction.atomic():
        _check(actor, "change", Course, pk=course.pk)
        total = course.sessions.count()
        if total == 0:
            raise ServiceError("课程尚无课次，无法结业")
        need = rules.sessions_needed(total, course.completion_ratio)
        done = list(course.enrolments.filter(status="enrolled")
                    .annotate(n=Count("attended", filter=Q(attended__course=course))).filter(n__gte=need))
        for e in done:
            e.status, e.completed_on = Enrolment.Status.COMPLETED, on
        Enrolment.objects.bulk_update(done, ["status", "completed_on"])
        audit.record(AuditEntry.Action.TRANSITION, actor=actor, obj=course,
                     object_repr=f"{course} 结业 {len(done)} 人", changes={"completed": [None, len(done)], "needed": [None, need]})
    return done


# --- Competitions ------------------------------------------------------------------------------------------

def record_result(*, actor, event: CompetitionEvent, person: Person, rank: int | None = None,
                  score=None, award: str = "") -> CompetitionResult:
    """Record a placing and apply the credits it earns by policy (rules.competition_credits): titles are granted
    at once, promotions that need review wait for ``decide_credit``."""
    with transaction.atomic():
        event = CompetitionEvent.objects.select_related("competition").get(pk=event.pk)
        _check(actor, "change", Competition, pk=event.competition_id)
        if event.results.filter(person=person).exists():
            raise ServiceError(f"{person.name} 在该赛项已有成绩")
        comp = event.competition
        held = (Certificate.objects.filter(person=person, kind="skill_level", status="valid",
                                           occupation_id=event.occupation_id)
                .order_by("level").values_list("level", flat=True).first()) if event.occupation_id else None
        try:
            credits = rules.competition_credits(tier=comp.tier, contest_class=comp.contest_class, rank=rank,
                                                award=award or None, held_level=held, team_size=event.team_size)
        except ValueError as exc:
            raise ServiceError(f"成绩无效：{exc}") from None
        result = CompetitionResult.objects.create(event=event, person=person, rank=rank, award=award,
                                                  score=Decimal(str(score)) if score not in (None, "") else None)
        now = timezone.now()
        for c in credits.credits:
            Credit.objects.create(result=result, kind=c.kind, title=c.title, level=c.level, basis=c.message,
                                  status="pending" if c.needs_review else "granted",
                                  decided_at=None if c.needs_review else now)
        audit.record(AuditEntry.Action.CREATE, actor=actor, obj=result, region_id=comp.region_id,
                     changes={"rank": [None, rank], "award": [None, award], "credits": [None, credits.message]})
    return result


def decide_credit(*, actor, credit: Credit, approve: bool) -> Credit:
    """The review of a promotion credit (破格晋升 after review)."""
    with transaction.atomic():
        credit = Credit.objects.select_for_update(of=("self",)).select_related("result__event").get(pk=credit.pk)
        _check(actor, "change", Competition, pk=credit.result.event.competition_id)
        if credit.status != Credit.Status.PENDING:
            raise ServiceError(f"该积分已{credit.get_status_display()}，不能重复审核")
        credit.status = Credit.Status.GRANTED if approve else Credit.Status.REFUSED
        credit.decided_at = timezone.now()
        credit.save(update_fields=["status", "decided_at"])
        audit.record(AuditEntry.Action.TRANSITION, actor=actor, obj=credit,
                     changes={"status": ["pending", credit.status]})
    return credit


# --- Courses, competitions and alliances: create services (training pages, demo) ----------------------------

def _required(value, field_name: str, message: str, errors: dict):
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        errors[field_name] = message


def create_course(*, actor, title: str, organiser: Organisation, region_id: str, occupation: Occupation | None = None,
                  alliance: Alliance | None = None, hours: int = 0, capacity: int | None = None,
                  completion_ratio=Decimal("0.8"), description: str = "") -> Course:
    errors = {}
    _required(title, "title", "请填写课程名称", errors)
    ratio = Decimal(str(completion_ratio))
    if not Decimal("0.1") <= ratio <= Decimal(1):
        errors["completion_ratio"] = "结业出勤比例应在0.1–1之间"
    if capacity is not None and capacity < 1:
        errors["capacity"] = "名额至少为1"
    if alliance is not None and not alliance.members.filter(organisation=organiser).exists():
        errors["alliance"] = "共享课程的主办单位须为该联盟成员"
    if errors:
        raise ServiceError(next(iter(errors.values())), errors)
    with transaction.atomic():
        course = Course.objects.create(title=title.strip(), organiser=organiser, region_id=region_id,
                                       occupation=occupation, alliance=alliance, hours=hours, capacity=capacity,
                                       completion_ratio=ratio, description=description)
        _check(actor, "add", Course, pk=course.pk)
        audit.record(AuditEntry.Action.CREATE, actor=actor, obj=course,
                     changes=audit.diff({}, audit.snapshot(course, ("title", "organiser", "region", "alliance", "hours"))))
    return course


def add_course_session(*, actor, course: Course, starts_at, ends_at, venue: str = "", topic: str = "") -> CourseSession:
    if ends_at <= starts_at:
        raise ServiceError("结束时间须晚于开始时间", {"ends_at": "结束时间须晚于开始时间"})
    with transaction.atomic():
        _check(actor, "change", Course, pk=course.pk)
        session = CourseSession.objects.create(course=course, starts_at=starts_at, ends_at=ends_at, venue=venue,
                                               topic=topic)
        audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=course, object_repr=f"{session} 新增课次",
                     changes={"session": [None, f"{starts_at:%Y-%m-%d %H:%M} {topic}".strip()]})
    return session


def create_competition(*, actor, name: str, tier: str, organiser: Organisation, region_id: str, held_on: date,
                       contest_class: int | None = None) -> Competition:
    """A competition; every tier but national needs its class (一类 cross-industry / 二类 single-industry), which
    decides the credits (SPEC §3.2; rules.competition_credits)."""
    errors = {}
    _required(name, "name", "请填写竞赛名称", errors)
    if tier not in Competition.Tier.values:
        errors["tier"] = "竞赛级别无效"
    elif (tier not in (Competition.Tier.NATIONAL, Competition.Tier.ENTERPRISE)
          and contest_class not in Competition.ContestClass.values):
        errors["contest_class"] = "省、市、县级竞赛须注明一类或二类"
    if errors:
        raise ServiceError(next(iter(errors.values())), errors)
    with transaction.atomic():
        comp = Competition.objects.create(name=name.strip(), tier=tier, contest_class=contest_class,
                                          organiser=organiser, region_id=region_id, held_on=held_on)
        _check(actor, "add", Competition, pk=comp.pk)
        audit.record(AuditEntry.Action.CREATE, actor=actor, obj=comp,
                     changes=audit.diff({}, audit.snapshot(comp, ("name", "tier", "contest_class", "organiser", "held_on"))))
    return comp


def add_competition_event(*, actor, competition: Competition, name: str, occupation: Occupation | None = None,
                          team_size: int = 1) -> CompetitionEvent:
    if not (name or "").strip():
        raise ServiceError("请填写赛项名称", {"name": "请填写赛项名称"})
    if not 1 <= team_size <= 3:
        raise ServiceError("每队人数应为1–3人", {"team_size": "每队人数应为1–3人"})
    with transaction.atomic():
        _check(actor, "change", Competition, pk=competition.pk)
        event = CompetitionEvent.objects.create(competition=competition, name=name.strip(), occupation=occupation,
                                                team_size=team_size)
        audit.record(AuditEntry.Action.CREATE, actor=actor, obj=event, region_id=competition.region_id,
                     changes={"name": [None, event.name], "team_size": [None, team_size]})
    return event


# The member kind an alliance's lead is filed under, by what the organisation is.
MEMBER_KIND = {"enterprise": "enterprise", "college": "college", "evaluator": "evaluator", "other": "training"}


def create_alliance(*, actor, name: str, region_id: str, lead: Organisation, founded_on: date | None = None,
                    description: str = "", lead_kind: str | None = None) -> Alliance:
    """An alliance; its lead joins as its first member, filed as ``lead_kind`` or by what the organisation is."""
    if not (name or "").strip():
        raise ServiceError("请填写联盟名称", {"name": "请填写联盟名称"})
    with transaction.atomic():
        alliance = Alliance.objects.create(name=name.strip(), region_id=region_id, lead=lead, founded_on=founded_on,
                                           description=description)
        _check(actor, "add", Alliance, pk=alliance.pk)
        kind = lead_kind or MEMBER_KIND.get(lead.kind, AllianceMember.Kind.UNION)
        AllianceMember.objects.create(alliance=alliance, organisation=lead, kind=kind, joined_on=founded_on)
        audit.record(AuditEntry.Action.CREATE, actor=actor, obj=alliance,
                     changes=audit.diff({}, audit.snapshot(alliance, ("name", "region", "lead", "founded_on"))))
    return alliance


def add_alliance_member(*, actor, alliance: Alliance, organisation: Organisation, kind: str, recognises: bool = True,
                        joined_on: date | None = None) -> AllianceMember:
    if kind not in AllianceMember.Kind.values:
        raise ServiceError("成员类型无效", {"kind": "成员类型无效"})
    with transaction.atomic():
        _check(actor, "change", Alliance, pk=alliance.pk)
        if alliance.members.filter(organisation=organisation).exists():
            raise ServiceError(f"{organisation.name} 已是该联盟成员")
        member = AllianceMember.objects.create(alliance=alliance, organisation=organisation, kind=kind,
                                               recognises=recognises, joined_on=joined_on)
        audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=alliance,
                     object_repr=f"{alliance} 新增成员 {organisation.name}",
                     changes={"member": [None, organisation.name], "kind": [None, kind],
                              "recognises": [None, recognises]})
    return member


def set_member_recognition(*, actor, member: AllianceMember, recognises: bool) -> AllianceMember:
    """Whether a member recognises the alliance's certificates from now on; certificates already issued keep the
    recognisers they were issued with (a certificate says what it said on the day)."""
    with transaction.atomic():
        _check(actor, "change", AllianceMember, pk=member.pk)
        before = member.recognises
        member.recognises = recognises
        member.save(update_fields=["recognises"])
        audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=member, changes={"recognises": [before, recognises]})
    return member
