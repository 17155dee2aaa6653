"""Reads on skills (SPEC §3): scoped lists for officers, a worker's own certificates, and public verification."""

import re
from functools import cache

from django.db import connection
from django.db.models import Count, Q

from workerhub.core.models import Organisation

from . import certnumbers, keys
from .models import Certificate, ExamSession, Registration

_NAME_DOTS = re.compile("[·•・‧．.]")  # the middle dot in minority and foreign names is typed many ways
MAX_NAME_CHARS = 50


def normalise_name(name: str) -> str:
    return _NAME_DOTS.sub("·", "".join((name or "").split()))


def _public(cert: Certificate | None, number: str) -> dict:
    """The fixed verification answer (SPEC §3.6); ``not_found`` says nothing about whether the number exists."""
    if cert is None:
        return {"valid": False, "status": "not_found", "number": number, "holder": None, "occupation": None,
                "level": None, "issuer": None, "issued_on": None, "revoked_on": None}
    return {
        "valid": cert.status == Certificate.Status.VALID,
        "status": cert.status,
        "number": cert.number,
        "kind": cert.kind,
        "holder": cert.holder_masked,
        "occupation": cert.occupation_name + (f"（{cert.work_type}）" if cert.work_type else ""),
        "level": cert.level_label,
        "issuer": cert.issuer_name,
        "issued_on": cert.issued_on.isoformat(),
        "revoked_on": cert.revoked_on.isoformat() if cert.revoked_on else None,
        "revoked_reason": cert.revoked_reason or None,
        "recognised_by": cert.recognisers,
    }


_PUBLIC_FIELDS = ("number", "kind", "holder_name", "occupation_name", "work_type", "level", "issuer_name",
                  "issued_on", "status", "revoked_on", "revoked_reason")


@cache
def _load_sql() -> str:
    """Table and column names come from the models; the number is always a parameter."""
    through = Certificate.recognised_by.through._meta
    cols = ", ".join("c." + Certificate._meta.get_field(f).column for f in _PUBLIC_FIELDS)
    cert_id, org_id = through.get_field("certificate").column, through.get_field("organisation").column
    return (f"SELECT {cols}, o.name FROM {Certificate._meta.db_table} c "  # noqa: S608
            f"LEFT JOIN {through.db_table} r ON r.{cert_id} = c.id AND c.kind = 'enterprise' "
            f"LEFT JOIN {Organisation._meta.db_table} o ON o.id = r.{org_id} WHERE c.number = %s")


def _load(number: str) -> Certificate | None:
    """The certificate and, for an enterprise one, who recognises it, in one query: the public check is the
    hottest read (SPEC §8.1 asks ≥ 0.9× a constant-JSON endpoint), and two ORM queries cost several times the
    database's own work (bench/skills_verify.py)."""
    with connection.cursor() as cursor:
        cursor.execute(_load_sql(), [number])
        rows = cursor.fetchall()
    if not rows:
        return None
    cert = Certificate(**dict(zip(_PUBLIC_FIELDS, rows[0][:-1], strict=True)))
    cert.recognisers = sorted(row[-1] for row in rows if row[-1] is not None)
    return cert


def verify_by_number(number: str, name: str) -> dict:
    """Look a certificate up by its number and the holder's full name; a wrong name is ``not_found``."""
    number = certnumbers.normalise_number(number or "")[:40]
    if len(name or "") > MAX_NAME_CHARS or not name:
        return _public(None, number)
    try:
        certnumbers.parse_number(number)
    except certnumbers.CertNumberError:
        return _public(None, number)
    cert = _load(number)
    if cert is None or normalise_name(cert.holder_name) != normalise_name(name):
        return _public(None, number)
    return _public(cert, number)


def verify_by_token(token: str) -> dict:
    """What the QR code opens: the token's signature is checked against the published keys first."""
    number = keys.verified_number(token)
    if number is None:
        return {**_public(None, None), "signature": "invalid"}
    return {**_public(_load(number), number), "signature": "valid"}


def certificates_for(user, *, action: str = "view"):
    return (Certificate.objects.restrict(user, action)
            .select_related("occupation").order_by("-issued_on", "number"))


def my_certificates(user):
    """A worker's own certificates, both kinds, newest first, with who recognises each enterprise certificate."""
    if not user.is_authenticated or not user.person_id:
        return Certificate.objects.none()
    return (Certificate.objects.filter(person_id=user.person_id)
            .prefetch_related("recognised_by").order_by("-issued_on", "kind"))


def sessions_for(user):
    return (ExamSession.objects.restrict(user, "view")
            .select_related("occupation", "evaluator__organisation", "partner", "region")
            .annotate(registered=Count("registrations", distinct=True)))


def session_registrations(session: ExamSession, user):
    return (Registration.objects.restrict(user, "view").filter(session=session)
            .select_related("person").prefetch_related("certificates").order_by("id"))


def registration_counts(session: ExamSession) -> dict:
    got = session.registrations.aggregate(
        total=Count("id"), passed=Count("id", filter=Q(result="passed")), failed=Count("id", filter=Q(result="failed")),
        # "scored" before "absent": once the alias exists, Q(absent=True) would name the aggregate, not the field.
        scored=Count("id", filter=Q(theory__isnull=False, practical__isnull=False) | Q(absent=True)),
        absent=Count("id", filter=Q(result="absent")))
    return got
