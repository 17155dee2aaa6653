"""Reads for pages, the API and exports. Every function starts from ``restrict(user, action)``."""

from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from .models import AuditEntry, Organisation, Person, Region
from .rules import region_prefix

DASHBOARD_SECONDS = 120  # dashboard aggregates read whole regions; two minutes old is fine for a dashboard


def user_prefixes(user) -> list[str]:
    return sorted({region_prefix(b.organisation.region_id) for b in user.bindings()})


def people(user, action="view"):
    return Person.objects.restrict(user, action).select_related("region", "employer")


def search_people(qs, term: str):
    """A search box that understands an ID number or a phone (exact, via the look-up hash) or a name."""
    from .pii import lookup_hash
    from .rules import RuleError, normalise_mobile

    term = term.strip()
    if len(term) == 18 and term[:17].isdigit():
        return qs.filter(id_number_hash=lookup_hash(term.upper()))
    try:
        return qs.filter(phone_hash=lookup_hash(normalise_mobile(term)))
    except RuleError:
        pass
    # Names are searched from their start (surname first, as people are looked up), as a range so that the
    # (region, name) index serves it: a substring LIKE scans every row (docs/performance.md).
    return qs.filter(name__gte=term, name__lt=term + "\U0010ffff")


def _scope_key(user, name: str) -> str:
    bindings = sorted(f"{b.role}@{b.organisation_id}" for b in user.bindings())
    return f"{name}:{user.pk if user.is_superuser or 'worker' in user.roles() else ','.join(bindings)}"


def people_by_subregion(user) -> list[dict]:
    """People per sub-region one level below the user's region (the federation home chart).

    Grouped by region code (an index-only scan) and rolled up here; kept two minutes per scope, since it
    reads the whole region (SPEC §8.1)."""
    key = _scope_key(user, "people_by_subregion")
    cached = cache.get(key)
    if cached is None:
        cached = _people_by_subregion(user)
        cache.set(key, cached, DASHBOARD_SECONDS)
    return cached


def _people_by_subregion(user) -> list[dict]:
    prefixes = user_prefixes(user)
    if not prefixes:
        return []
    prefix = prefixes[0]
    if len(prefix) >= 6:
        rows = (Person.objects.restrict(user).values("employer__name").annotate(n=Count("id")).order_by("-n")[:15])
        return [{"name": r["employer__name"] or "(无单位)", "value": r["n"]} for r in rows]
    width = len(prefix) + 2
    totals: dict[str, int] = {}
    for row in Person.objects.restrict(user).values("region_id").annotate(n=Count("id")).order_by():
        sub = row["region_id"][:width]
        totals[sub] = totals.get(sub, 0) + row["n"]
    names = {r.code[:width]: r.name for r in Region.objects.filter(code__startswith=prefix, level__in=[
        "prefecture" if width == 4 else "county"])}
    return [{"name": names.get(sub, sub), "code": sub.ljust(6, "0"), "value": n} for sub, n in sorted(totals.items())]


def home_counts(user) -> dict:
    """The dashboard's figures for the user's region, one aggregate query per table, kept two minutes."""
    key = _scope_key(user, "home_counts")
    counts = cache.get(key)
    if counts is None:
        counts = _home_counts(user)
        cache.set(key, counts, DASHBOARD_SECONDS)
    return counts


def _home_counts(user) -> dict:
    roles = user.roles()
    counts = {}
    if roles & {"federation_admin", "enterprise_union", "hpf_clerk"} or user.is_superuser:
        counts.update(Person.objects.restrict(user).aggregate(
            people=Count("id"),
            pending=Count("id", filter=Q(membership_confirmed_at__isnull=True, union__isnull=False)),
            flexible=Count("id", filter=Q(employment_type=Person.Employment.FLEXIBLE)),
        ))
    counts.update(Organisation.objects.restrict(user).aggregate(
        organisations=Count("id"), enterprises=Count("id", filter=Q(kind=Organisation.Kind.ENTERPRISE))))
    if "federation_admin" in roles or user.is_superuser:
        start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
        counts["audit_today"] = AuditEntry.objects.restrict(user).filter(
            at__gte=start, at__lt=start + timedelta(days=1)).count()
    return counts


def history(obj, limit=50):
    return (AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
            .select_related("actor")[:limit])


def organisation_related(user, org: Organisation) -> dict:
    """What a detail page lists under an organisation: its sub-organisations and its people, in scope."""
    return {
        "children": list(Organisation.objects.restrict(user).filter(parent=org).select_related("region")[:100]),
        "employee_count": Person.objects.restrict(user).filter(employer=org).count(),
        "member_count": Person.objects.restrict(user).filter(union=org).count(),
    }
