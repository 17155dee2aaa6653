"""Reads on skills (SPEC §3): scoped lists for officers, a worker's own certificates, and public verification."""

import re
from functools import cache

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q

from workerhub.core.models import Organisation

from . import certnumbers, keys
from .models import Certificate, CompetitionResult, Credit, Enrolment, ExamSession, Registration

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


# --- set-based summaries for talent profiles and the cultivation ladder (SPEC §2.5, §2.6) ----------------------
# Each returns one grouped queryset (one row per person, one query); talent embeds its SQL in its own set-based
# recompute, so no read here runs per person.

TIER_ORDER = ("national", "provincial", "city", "county", "enterprise")


OCCUPATION_KEY = 1_000_000  # best_occupation = level × OCCUPATION_KEY + occupation id (ids stay below it)


def skill_level_summary(*, as_of, since):
    """Per holder of a valid skill-level certificate issued by ``as_of``: ``best_level`` (1 = 一级, the best),
    ``level_then`` (best level already held on ``since``, or null), ``digital`` (certificates in a digital
    occupation) and ``best_occupation`` = best level × OCCUPATION_KEY + the occupation id of a certificate at that
    level (the lowest id on a tie): an integer minimum, far cheaper than comparing text under a collation."""
    from django.db.models import F, Min

    return (Certificate.objects.filter(kind=Certificate.Kind.SKILL_LEVEL, status=Certificate.Status.VALID,
                                       issued_on__lte=as_of)
            .values("person_id").order_by()
            .annotate(best_level=Min("level"), level_then=Min("level", filter=Q(issued_on__lte=since)),
                      digital=Count("id", filter=Q(occupation__digital=True)),
                      best_occupation=Min(F("level") * OCCUPATION_KEY + F("occupation_id"))))


def competition_placing_summary(*, as_of, points: dict[str, int], top: int = 3):
    """Per contestant placed 1..``top`` in a competition held by ``as_of``: ``placings`` (how many) and
    ``placing_points`` (the sum of ``points[tier]``)."""
    from django.db.models import Case, IntegerField, Sum, Value, When

    weight = Case(*(When(event__competition__tier=tier, then=Value(n)) for tier, n in points.items()),
                  default=Value(0), output_field=IntegerField())
    return (CompetitionResult.objects.filter(rank__gte=1, rank__lte=top, event__competition__held_on__lte=as_of)
            .values("person_id").order_by()
            .annotate(placings=Count("id"), placing_points=Sum(weight)))


def competition_winners(*, tiers, top: int = 3):
    """Ids of people placed 1..``top`` in a competition of one of ``tiers`` (a subquery, for ``pk__in``)."""
    return (CompetitionResult.objects.filter(rank__gte=1, rank__lte=top, event__competition__tier__in=list(tiers))
            .values("person_id"))


def competition_best_tiers(person_ids, *, top: int = 3) -> dict[int, str]:
    """For each of ``person_ids`` placed 1..``top`` somewhere: the highest tier placed at (one query)."""
    rows = (CompetitionResult.objects.filter(person_id__in=person_ids, rank__gte=1, rank__lte=top)
            .values_list("person_id", "event__competition__tier").distinct())
    best: dict[int, str] = {}
    for person_id, tier in rows:
        if person_id not in best or TIER_ORDER.index(tier) < TIER_ORDER.index(best[person_id]):
            best[person_id] = tier
    return best


def occupation_groups():
    """The catalogue as (``id``, ``name``, ``group_name``) rows: a 工种 belongs to its parent occupation's group."""
    from django.db.models import Value
    from django.db.models.functions import Coalesce, NullIf

    from .models import Occupation

    return Occupation.objects.values("id", "name").annotate(
        group_name=Coalesce(NullIf("parent_name", Value("")), "name"))


# --- For talent (SPEC §2.3 timelines, §2.4 mentoring credit): people's skills records in bulk, one query each.
# Not scoped: talent shows them on the timeline of a person the caller may already see.

def certificates_of(person_ids):
    """Certificates of both kinds held by ``person_ids``, as copied at issue (occupation, level, date, status)."""
    return Certificate.objects.filter(person_id__in=person_ids).order_by("-issued_on", "kind", "number")


def registrations_of(person_ids):
    """Exam registrations of ``person_ids`` with their session (occupation, level, exam date) and result."""
    return (Registration.objects.filter(person_id__in=person_ids)
            .select_related("session__occupation").order_by("-session__exam_date", "id"))


def enrolments_of(person_ids):
    """Course enrolments of ``person_ids`` with the course, the enrolment date and any completion date."""
    return Enrolment.objects.filter(person_id__in=person_ids).select_related("course").order_by("-enrolled_on", "id")


def competition_results_of(person_ids):
    """Competition results of ``person_ids`` with event, competition and the policy credits each earned."""
    return (CompetitionResult.objects.filter(person_id__in=person_ids)
            .select_related("event__competition").prefetch_related("credits")
            .order_by("-event__competition__held_on", "id"))


def valid_skill_levels():
    """Valid skill-level certificates (``person_id``, ``level``, ``issued_on``), for set-based subqueries; a revoked
    certificate never counted."""
    return Certificate.objects.filter(kind=Certificate.Kind.SKILL_LEVEL, status=Certificate.Status.VALID)


def awarded_results():
    """Competition results that won something, with ``held_on`` (the competition's date): a top-three place, a
    national medal or 优胜奖, or a granted policy credit (e.g. 浙江省技术能手 for 5th in a provincial 一类 contest)."""
    granted = Credit.objects.filter(result=OuterRef("pk"), status=Credit.Status.GRANTED)
    return (CompetitionResult.objects.filter(Q(rank__lte=3) | ~Q(award="") | Exists(granted))
            .annotate(held_on=F("event__competition__held_on")))
