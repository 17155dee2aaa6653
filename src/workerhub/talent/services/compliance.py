"""Writes on employers' negative-list facts (负面清单, SPEC §2.2 eligibility): a federation officer records a fact
(拖欠工资, 未建工会 …) from a date and later records the date it was remedied. Nomination review reads these rows
(selectors.nomination_facts), so a fact recorded here bars the employer's workers for the honour's window.

Keyword-only, ``actor=``; one transaction each with its audit row; a refusal raises ``ServiceError`` with a Chinese
message and writes nothing; the organisation must lie in the actor's scope (``PermissionError`` otherwise).
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from workerhub.core import audit, scope
from workerhub.core.models import AuditEntry, Organisation
from workerhub.core.services import ServiceError

from ..models import ComplianceFlag

NOTE_LIMIT = 200


def _today() -> date:
    return timezone.localdate()


def _day(value: date | None, name: str, label: str) -> date:
    if value is None:
        raise ServiceError(f"请填写{label}", {name: f"请填写{label}"})
    if value > _today():
        raise ServiceError(f"{label}不能晚于今天", {name: "不能晚于今天"})
    return value


def _after(until: date, since: date) -> None:
    if until < since:
        raise ServiceError(f"消除日期不能早于发生日期({since:%Y-%m-%d})", {"until": "不能早于发生日期"})


def record_flag(*, actor, organisation: Organisation, flag: str, since: date, until: date | None = None,
                note: str = "") -> ComplianceFlag:
    """Put ``organisation`` (an enterprise) on the negative list for ``flag`` from ``since`` (until ``until`` if the
    fact is already remedied). An unremedied fact of the same kind for the same employer is not recorded twice."""
    if organisation is None:
        raise ServiceError("请选择单位", {"organisation": "请选择单位"})
    if organisation.kind != Organisation.Kind.ENTERPRISE:
        raise ServiceError("负面清单只登记企业", {"organisation": "请选择企业"})
    if flag not in ComplianceFlag.Flag.values:
        raise ServiceError("请选择负面清单情形", {"flag": "请选择负面清单情形"})
    since = _day(since, "since", "发生日期")
    if until is not None:
        until = _day(until, "until", "消除日期")
        _after(until, since)
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise ServiceError(f"说明不能超过 {NOTE_LIMIT} 个字", {"note": f"不能超过 {NOTE_LIMIT} 个字"})
    label = ComplianceFlag.Flag(flag).label
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)  # one writer per employer at a time
        if until is None and ComplianceFlag.objects.filter(organisation=organisation, flag=flag,
                                                           until__isnull=True).exists():
            raise ServiceError(f"{organisation.name}已有未消除的“{label}”情形,请先登记其消除日期",
                               {"flag": "已有未消除的同类情形"})
        row = ComplianceFlag.objects.create(organisation=organisation, flag=flag, since=since, until=until, note=note)
        scope.check_write(actor, "add", ComplianceFlag, pk=row.pk)
        audit.record(AuditEntry.Action.CREATE, actor=actor, obj=row, changes={
            "organisation": [None, organisation.name], "flag": [None, flag], "since": [None, since.isoformat()],
            "until": [None, until.isoformat() if until else None], "note": [None, note]})
    return row


def end_flag(*, actor, flag: ComplianceFlag, until: date) -> ComplianceFlag:
    """Record the date a negative-list fact was remedied (消除). Its ``since`` stays: review still counts the fact
    while it overlaps the honour's window."""
    until = _day(until, "until", "消除日期")
    with transaction.atomic():
        row = ComplianceFlag.objects.select_for_update().select_related("organisation").get(pk=flag.pk)
        scope.check_write(actor, "change", ComplianceFlag, pk=row.pk)
        if row.until is not None:
            raise ServiceError(f"该情形已于 {row.until:%Y-%m-%d} 消除", {"until": "已登记消除日期"})
        _after(until, row.since)
        row.until = until
        row.save(update_fields=["until"])
        audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=row, changes={"until": [None, until.isoformat()]})
    return row
