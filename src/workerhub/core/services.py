"""Writes on the foundation records. Keyword-only, ``actor=`` first-class, one transaction each,
the audit row written inside it. Views, API endpoints, importers and commands all call these."""

from django.db import transaction
from django.utils import timezone

from . import audit, rules, scope
from .models import AuditEntry, Organisation, Person, Region, Role, RoleBinding, User
from .pii import lookup_hash

PERSON_FIELDS = ("name", "id_number", "phone", "region", "employer", "occupation", "education",
                 "employment_type", "union_member_since", "union")
ORG_FIELDS = ("name", "kind", "region", "credit_code", "parent")


class ServiceError(ValueError):
    """A refused write; ``fields`` maps field names to zh-Hans messages."""

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.fields = fields or {}


def region_exists(code: str) -> bool:
    return Region.objects.filter(code=code).exists()


def _apply_person(person: Person, data: dict) -> None:
    errors = {}
    if "id_number" in data:
        try:
            parsed = rules.parse_id_number(data["id_number"], known_region=region_exists)
        except rules.RuleError as exc:
            errors["id_number"] = str(exc)
        else:
            person.id_number = parsed.number
            person.id_number_hash = lookup_hash(parsed.number)
            person.birth_date, person.sex = parsed.birth_date, parsed.sex
            clash = Person.objects.filter(id_number_hash=person.id_number_hash).exclude(pk=person.pk)
            if clash.exists():
                errors["id_number"] = "该身份证号码已登记"
    if "phone" in data:
        if data["phone"]:
            try:
                person.phone = rules.normalise_mobile(data["phone"])
                person.phone_hash = lookup_hash(person.phone)
            except rules.RuleError as exc:
                errors["phone"] = str(exc)
        else:
            person.phone, person.phone_hash = None, ""
    for name in PERSON_FIELDS:
        if name in data and name not in ("id_number", "phone"):
            setattr(person, name, data[name])
    if not (person.name or "").strip():
        errors["name"] = "请填写姓名"
    if errors:
        raise ServiceError("人员信息有误", errors)


_check_scope = scope.check_write  # writes re-checked against restrict(actor, action)


@transaction.atomic
def create_person(*, actor, **data) -> Person:
    person = Person()
    _apply_person(person, data)
    person.save()
    _check_scope(actor, "add", Person, pk=person.pk)
    audit.record(AuditEntry.Action.CREATE, actor=actor, obj=person,
                 changes=audit.diff({}, audit.snapshot(person, PERSON_FIELDS)))
    return person


@transaction.atomic
def update_person(*, actor, person: Person, **data) -> Person:
    _check_scope(actor, "change", Person, pk=person.pk)
    before = audit.snapshot(person, PERSON_FIELDS)
    _apply_person(person, data)
    person.save()
    _check_scope(actor, "change", Person, pk=person.pk)  # the new region must be in scope too
    changes = audit.diff(before, audit.snapshot(person, PERSON_FIELDS))
    if changes:
        audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=person, changes=changes)
    return person


@transaction.atomic
def delete_person(*, actor, person: Person) -> None:
    _check_scope(actor, "delete", Person, pk=person.pk)
    audit.record(AuditEntry.Action.DELETE, actor=actor, obj=person,
                 changes=audit.diff(audit.snapshot(person, PERSON_FIELDS), {}))
    person.delete()


def reveal_personal_data(*, actor, person: Person) -> dict:
    """The unmasked ID number and phone for a permitted role; every call is audited (SPEC §1.2)."""
    from .pii import can_view_personal_data

    if not can_view_personal_data(actor):
        raise PermissionError("no personal-data permission")
    audit.record(AuditEntry.Action.VIEW_PII, actor=actor, obj=person,
                 changes={"fields": ["id_number", "phone"]})
    return {"id_number": person.id_number, "phone": person.phone or ""}


@transaction.atomic
def register_worker(*, username: str, password: str, name: str, id_number: str, phone: str,
                    union: Organisation) -> User:
    """Self-registration (SPEC §1.3): a login and a Person, membership pending an officer's confirmation.

    If the ID number is already on file (imported by the union), the login is attached to that person.
    """
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    errors = {}
    if User.objects.filter(username=username).exists():
        errors["username"] = "该用户名已被使用"
    try:
        validate_password(password, User(username=username))
    except ValidationError as exc:
        errors["password"] = ";".join(exc.messages)
    try:
        parsed = rules.parse_id_number(id_number, known_region=region_exists)
    except rules.RuleError as exc:
        errors["id_number"] = str(exc)
        parsed = None
    if errors:
        raise ServiceError("注册信息有误", errors)
    person = Person.objects.filter(id_number_hash=lookup_hash(parsed.number)).first()
    if person is not None and hasattr(person, "user"):
        raise ServiceError("注册信息有误", {"id_number": "该身份证号码已注册账号"})
    if person is None:
        person = Person(region_id=union.region_id, union=union)
        _apply_person(person, {"name": name, "id_number": parsed.number, "phone": phone})
        person.save()
    elif phone:
        _apply_person(person, {"phone": phone})
        person.save()
    user = User.objects.create_user(username=username, password=password, person=person)
    RoleBinding.objects.create(user=user, role=Role.WORKER, organisation=union)
    audit.record(AuditEntry.Action.CREATE, actor=user, obj=person, changes={"self_registration": [None, True]})
    return user


@transaction.atomic
def confirm_membership(*, actor, person: Person, since=None) -> Person:
    _check_scope(actor, "change", Person, pk=person.pk)
    if person.membership_confirmed_at:
        raise ServiceError("会籍已确认")
    person.membership_confirmed_at = timezone.now()
    person.union_member_since = since or person.union_member_since or timezone.localdate()
    person.save(update_fields=["membership_confirmed_at", "union_member_since", "updated_at"])
    audit.record(AuditEntry.Action.TRANSITION, actor=actor, obj=person,
                 changes={"membership": ["pending", "confirmed"]})
    return person


def _apply_org(org: Organisation, data: dict) -> None:
    errors = {}
    for name in ORG_FIELDS:
        if name in data:
            setattr(org, name, data[name])
    if org.credit_code:
        try:
            org.credit_code = rules.validate_credit_code(org.credit_code)
        except rules.RuleError as exc:
            errors["credit_code"] = str(exc)
    else:
        org.credit_code = None
    if org.parent_id and org.parent_id == org.pk:
        errors["parent"] = "上级组织不能是自身"
    if errors:
        raise ServiceError("组织信息有误", errors)


@transaction.atomic
def create_organisation(*, actor, **data) -> Organisation:
    org = Organisation()
    _apply_org(org, data)
    org.save()
    _check_scope(actor, "add", Organisation, pk=org.pk)
    audit.record(AuditEntry.Action.CREATE, actor=actor, obj=org,
                 changes=audit.diff({}, audit.snapshot(org, ORG_FIELDS)))
    return org


@transaction.atomic
def update_organisation(*, actor, organisation: Organisation, **data) -> Organisation:
    _check_scope(actor, "change", Organisation, pk=organisation.pk)
    before = audit.snapshot(organisation, ORG_FIELDS)
    _apply_org(organisation, data)
    organisation.save()
    _check_scope(actor, "change", Organisation, pk=organisation.pk)
    changes = audit.diff(before, audit.snapshot(organisation, ORG_FIELDS))
    if changes:
        audit.record(AuditEntry.Action.CHANGE, actor=actor, obj=organisation, changes=changes)
    return organisation
