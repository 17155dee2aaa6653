"""Reads on talent (SPEC §2): every function takes ``user`` and starts from ``restrict(user, action)``, except the
public publicity list (公示), which shows only what a 公示 discloses.

Nominations and the honour catalogue come first; other engineers append their reads at the end of the file.
"""

from datetime import date

from django.db.models import Q

from workerhub.core.models import Organisation, Region
from workerhub.core.rules import region_prefix

from . import rules
from .models import ComplianceFlag, Honour, Nomination

LIVE_STATES = ("nominated", "reviewed", "publicised", "conferred", "revoked")
QUOTA_STATES = ("publicised", "conferred", "revoked")


def honours():
    """The catalogue (public reference data, no region scope)."""
    return Honour.objects.all()


def honour_rules(honour: Honour) -> dict:
    """A catalogue row in the shape talent/rules.py reads."""
    return {"code": honour.code, "name": honour.name, "level": honour.level, "subject": honour.subject,
            "eligibility": honour.eligibility or {}, "has_expert_review": honour.has_expert_review}


def quota_rows(honour: Honour) -> list[tuple[str, str, int]]:
    """(region name, code, places per cycle) of the honour's published quotas; "*" = every other region."""
    quotas = honour.quotas or {}
    names = dict(Region.objects.filter(code__in=[k for k in quotas if k != "*"]).values_list("code", "name"))
    return [(names.get(code, "其他地区" if code == "*" else code), code, int(places))
            for code, places in sorted(quotas.items())]


def nominations(user, action: str = "view"):
    return (Nomination.objects.restrict(user, action)
            .select_related("honour", "region", "person__employer", "team__organisation", "studio__organisation"))


def nomination(user, pk, action: str = "view") -> Nomination | None:
    return nominations(user, action).filter(pk=pk).first()


def subject_of(n: Nomination):
    return n.person or n.team or n.studio


def subject_filter(n: Nomination) -> Q:
    if n.person_id:
        return Q(person_id=n.person_id)
    return Q(team_id=n.team_id) if n.team_id else Q(studio_id=n.studio_id)


def employer_of(n: Nomination) -> Organisation | None:
    if n.person_id:
        return n.person.employer
    return (n.team or n.studio).organisation


def held_honours(n: Nomination) -> tuple[rules.HeldHonour, ...]:
    """Honours the subject was conferred (revoked ones carry their revocation date), other nominations only."""
    rows = (Nomination.objects.filter(subject_filter(n), state__in=("conferred", "revoked"), conferred_on__isnull=False)
            .exclude(pk=n.pk).select_related("honour"))
    return tuple(rules.HeldHonour(r.honour.code, r.honour.name, r.honour.level, r.conferred_on, r.revoked_on)
                 for r in rows)


def nomination_facts(n: Nomination, *, expert_score=None) -> rules.Facts:
    """The facts eligibility is checked against: membership from the person's record, front line and years as
    declared on the nomination (a team's front-line flag from its record), held honours and employer flags."""
    declared = (n.eligibility or {}).get("declared", {})
    employer = employer_of(n)
    flags = ()
    if employer is not None:
        flags = tuple(rules.Flag(f.flag, f.since, f.until)
                      for f in ComplianceFlag.objects.filter(organisation=employer))
    person = n.person
    front_line = n.team.front_line if n.team_id else declared.get("front_line")
    score = expert_score if expert_score is not None else n.expert_score
    return rules.Facts(
        subject_kind=n.subject_kind, region=n.region_id,
        is_union_member=bool(person and person.union_id), union_member_since=person.union_member_since if person else None,
        front_line=front_line, years_skilled=declared.get("years_skilled"),
        years_waived=bool(declared.get("years_waived")), held=held_honours(n), employer_flags=flags,
        expert_score=score)


def assess(n: Nomination, on: date, *, expert_score=None) -> rules.Outcome:
    """The eligibility check of ``n`` as of ``on`` (shown on the detail page before review; run by review)."""
    return rules.check_eligibility(honour_rules(n.honour), nomination_facts(n, expert_score=expert_score), on)


def quota_of(n: Nomination) -> tuple[str, int] | None:
    return rules.quota_for(n.honour.quotas or {}, n.honour.level, n.region_id)


def places_taken(n: Nomination, on: date) -> int:
    """Places of ``n``'s quota taken on ``on`` by other nominations of the same honour and cycle in the same quota
    region (rules.takes_place: in publicity or conferred, awards only, no direct grants, revoked ones until their
    revocation date)."""
    quota = quota_of(n)
    if quota is None:
        return 0
    rows = (Nomination.objects.filter(honour_id=n.honour_id, cycle=n.cycle, state__in=QUOTA_STATES)
            .in_region(quota[0]).exclude(pk=n.pk).values_list("state", "tier", "direct_grant", "revoked_on"))
    return rules.places_taken((rules.Place(*row) for row in rows), on)


def duplicate_of(honour: Honour, cycle: int, *, person=None, team=None, studio=None) -> Nomination | None:
    """A live nomination of the same subject for the same honour and cycle (refused or withdrawn ones do not
    count), matching the database's unique constraints."""
    subject = Q(person=person) if person else (Q(team=team) if team else Q(studio=studio))
    return (Nomination.objects.filter(subject, honour=honour, cycle=cycle, state__in=LIVE_STATES)
            .select_related("honour").first())


def publicity(on: date | None = None):
    """The public 公示 list: nominations in publicity, with what a 公示 discloses and nothing more.

    Real 公示 name the person and their employer so that anyone who knows them can object; that is the point of the
    notice, so names are shown in full with the employer. Never shown: ID numbers, phones, birth dates, addresses,
    the deeds text or anything else from the person's record (PIPL; SPEC §1.2). Rows are plain dicts so that a
    template cannot reach into the person.
    """
    qs = (Nomination.objects.filter(state="publicised")
          .select_related("honour", "region", "person__employer", "team__organisation", "studio__organisation")
          .order_by("publicity_end", "honour__level", "honour__code", "region_id", "subject_name", "pk"))
    if on is not None:
        qs = qs.filter(publicity_start__lte=on)
    rows = list(qs[:500])
    contacts = _objection_contacts(rows)
    out = []
    for n in rows:
        employer = employer_of(n)
        quota = quota_of(n)
        out.append({
            "id": n.pk, "honour": n.honour.name, "honour_code": n.honour.code, "level": n.honour.get_level_display(),
            "cycle": n.cycle, "kind": n.get_tier_display() if n.tier == "nominee" else "",
            "subject_kind": n.subject_kind, "subject": n.subject_name,
            "employer": employer.name if employer else "", "region": n.region.name,
            "start": n.publicity_start, "end": n.publicity_end, "direct_grant": n.direct_grant,
            "contact": contacts.get(quota[0] if quota else region_prefix(n.region_id)[:4], ""),
        })
    return out


def _objection_contacts(rows) -> dict[str, str]:
    """Where objections go: the federation of the selecting region (杭州市总工会 for 杭州工匠)."""
    prefixes = set()
    for n in rows:
        quota = quota_of(n)
        prefixes.add(quota[0] if quota else region_prefix(n.region_id)[:4])
    if not prefixes:
        return {}
    feds = Organisation.objects.filter(kind="federation", region_id__in=[p.ljust(6, "0") for p in prefixes])
    return {region_prefix(f.region_id): f.name for f in feds}


# --- Reads of other talent pages are appended below. --------------------------------------------------------

# --- People: teams, studios, mentoring, timelines ---
# Teams, studios and mentoring pairs for the people pages (SPEC §2.3, §2.4); the timeline itself is assembled in
# timeline.py. ``mentoring_credits`` is what the profile's mentoring dimension reads.

# Imports of this section stay with it (the file's top belongs to the nominations reads).
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Subquery, Sum, Value  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402

from workerhub.skills import selectors as skills  # noqa: E402

from .models import Mentorship, Studio, Team  # noqa: E402


def teams(user, action: str = "view"):
    """Teams in scope with their member count and the honours they hold (conferred, not revoked)."""
    return (Team.objects.restrict(user, action).select_related("organisation", "region")
            .annotate(member_count=Count("members", distinct=True),
                      honour_count=Count("nominations", filter=Q(nominations__state=Nomination.State.CONFERRED),
                                         distinct=True)))


def studios(user, action: str = "view"):
    return (Studio.objects.restrict(user, action).select_related("leader", "organisation", "region")
            .annotate(member_count=Count("members", distinct=True)))


def mentorships(user, action: str = "view"):
    return Mentorship.objects.restrict(user, action).select_related("master", "apprentice", "region")


def subject_honours(*, team: Team | None = None, studio: Studio | None = None):
    """The honours a team or a studio holds or is nominated for, newest cycle first (every state)."""
    rows = Nomination.objects.filter(team=team) if team is not None else Nomination.objects.filter(studio=studio)
    return rows.select_related("honour").order_by("-cycle", "honour__level", "pk")


# Mentoring credit (SPEC §2.4 "an apprentice's later certificates and awards credit the master"), decided here:
# - apprentices: distinct apprentices the master has taken (any status);
# - promoted: apprentices who, strictly after the pair's start date, obtained a valid skill-level certificate of a
#   better level (一级 best) than the best valid one they held on that date — or any, if they held none; a
#   revoked certificate never counts;
# - awards: the apprentices' competition results placed (skills.selectors.awarded_results: top three, a national
#   medal or 优胜奖, or a granted policy credit) in competitions held strictly after the pair's start date.
# A pair that ended keeps its credit: what the apprentice achieves later still owes to the teaching. When one master
# took the same apprentice twice, the earliest pair counts (it covers everything the later one would).

def _credited_pairs(pairs):
    """``pairs`` annotated per pair with ``baseline`` (best level held at the start, 6 for none), ``promoted`` and
    ``awards``; each a correlated subquery, so one query whatever the number of pairs."""
    levels = skills.valid_skill_levels()
    baseline = (levels.filter(person_id=OuterRef("apprentice_id"), issued_on__lte=OuterRef("started_on"))
                .order_by().values("person_id").annotate(best=Min("level")).values("best"))
    awards = (skills.awarded_results().filter(person_id=OuterRef("apprentice_id"), held_on__gt=OuterRef("started_on"))
              .order_by().values("person_id").annotate(n=Count("pk")).values("n"))
    return (pairs.annotate(baseline=Coalesce(Subquery(baseline), Value(6), output_field=IntegerField()))
            .annotate(promoted=Exists(levels.filter(person_id=OuterRef("apprentice_id"),
                                                    issued_on__gt=OuterRef("started_on"),
                                                    level__lt=OuterRef("baseline"))),
                      awards=Coalesce(Subquery(awards), Value(0), output_field=IntegerField())))


def mentoring_credits(person_ids=None) -> dict[int, dict[str, int]]:
    """``{master_id: {"apprentices": n, "promoted": n, "awards": n}}`` for the masters among ``person_ids`` (every
    master when None), in one aggregate query. People who never took an apprentice are absent."""
    pairs = Mentorship.objects.all()
    if person_ids is not None:
        pairs = pairs.filter(master_id__in=person_ids)
    earlier = Mentorship.objects.filter(master_id=OuterRef("master_id"), apprentice_id=OuterRef("apprentice_id")).filter(
        Q(started_on__lt=OuterRef("started_on")) | Q(started_on=OuterRef("started_on"), pk__lt=OuterRef("pk")))
    rows = (_credited_pairs(pairs.filter(~Exists(earlier))).order_by().values("master_id")
            .annotate(n_apprentices=Count("apprentice_id", distinct=True),
                      n_promoted=Count("pk", filter=Q(promoted=True)), n_awards=Sum("awards")))
    return {r["master_id"]: {"apprentices": r["n_apprentices"], "promoted": r["n_promoted"],
                             "awards": r["n_awards"] or 0} for r in rows}


def apprentice_achievements(master) -> list[dict]:
    """The master's pairs, newest first, each with what the apprentice achieved after the start (徒弟成果):
    certificates (``promoted`` marks a better skill level) and placed competition results. Three queries."""
    pairs = list(_credited_pairs(Mentorship.objects.filter(master=master)).select_related("apprentice")
                 .order_by("-started_on", "-pk"))
    ids = {p.apprentice_id for p in pairs}
    certs, awards = {}, {}
    for c in skills.certificates_of(ids):
        certs.setdefault(c.person_id, []).append(c)
    for r in skills.awarded_results().filter(person_id__in=ids).select_related("event__competition"):
        awards.setdefault(r.person_id, []).append(r)
    out = []
    for p in pairs:
        later = [c for c in certs.get(p.apprentice_id, []) if c.issued_on > p.started_on]
        out.append({
            "pair": p,
            "certificates": [(c, c.kind == "skill_level" and c.status == "valid" and c.level < p.baseline)
                             for c in later],
            "awards": sorted((r for r in awards.get(p.apprentice_id, []) if r.held_on > p.started_on),
                             key=lambda r: r.held_on, reverse=True),
        })
    return out
