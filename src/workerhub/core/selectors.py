"""Reads for pages, the API and exports. Every function starts from ``restrict(user, action)``."""

from django.db.models import Count, Q
from django.db.models.functions import Substr

from .models import AuditEntry, Organisation, Person, Region
from .rules import region_prefix


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
    return qs.filter(name__icontains=term)


def people_by_subregion(user) -> list[dict]:
    """People per sub-region one level below the user's region (the federation home chart)."""
    prefixes = user_prefixes(user)
    if not prefixes:
        return []
    prefix = prefixes[0]
    if len(prefix) >= 6:
        rows = (Person.objects.restrict(user).values("employer__name").annotate(n=Count("id")).order_by("-n")[:15])
        return [{"name": r["employer__name"] or "(无单位)", "value": r["n"]} for r in rows]
    width = len(prefix) + 2
    rows = (Person.objects.restrict(user).annotate(sub=Substr("region_id", 1, width))
            .values("sub").annotate(n=Count("id")).order_by("sub"))
    names = {r.code[:width]: r.name for r in Region.objects.filter(code__startswith=prefix, level__in=[
        "prefecture" if width == 4 else "county"])}
    return [{"name": names.get(r["sub"], r["sub"]), "code": r["sub"].ljust(6, "0"), "value": r["n"]}
            for r in rows]


def home_counts(user) -> dict:
    """The dashboard's figures for the user's region, one aggregate query per table."""
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
        counts["audit_today"] = AuditEntry.objects.restrict(user).filter(at__date=_today()).count()
    return counts


def _today():
    from django.utils import timezone

    return timezone.localdate()


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
