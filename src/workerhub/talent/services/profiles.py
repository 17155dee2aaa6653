"""Precise profiles (精准画像, SPEC §2.5) and the cultivation ladder (SPEC §2.6): the recompute (a write) and the
reads of the profile page, the API and the ladder page.

Recomputing is set-based, never a Python loop per person (1,000,000 people × 6 dimensions, SPEC §8.1):

1. one ``CREATE TEMP TABLE … AS SELECT`` gathers every person's raw metrics from the records — certificates and
   competition placings through ``skills.selectors`` (their grouped querysets compiled into this SQL), honours,
   studios, mentoring and timeline visits from talent's own tables — with one grouped scan of each table;
2. per chunk of whole cities (a peer group never spans two), in one transaction: the distinct value combinations
   of each peer group are ranked with window sums (``ranking_statements``), and one ``INSERT … SELECT … ON
   CONFLICT`` joins every person to their combination and writes the rows that changed. This gives exactly
   ``round(100 × percent_rank())`` without sorting a million rows six times. The core Job row is updated after
   each chunk.

The same SQL runs on PostgreSQL and SQLite (≥ 3.35: window functions, upsert, JSON functions); only the JSON
function names and an index on the small ranking table differ. The formulas are constants in ``rules_profile``
(the page prints them); tags are generated from its TAG_RULES.

Measured at 1,000,000 people (bench/talent_profiles.py): the percentile step takes about half the time of a bare
``percent_rank()`` query over the same values; the whole recompute is dominated by gathering the records and, on
PostgreSQL, by writing rows (deferred foreign-key checks), which is why unchanged rows are not rewritten.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from workerhub.core import audit, scope
from workerhub.core.models import AuditEntry, Job, Person, Region
from workerhub.core.rules import region_prefix
from workerhub.core.services import ServiceError
from workerhub.skills import selectors as skills

from .. import rules_profile as R
from ..models import Honour, Mentorship, Nomination, Profile, Studio, TimelineEvent

CHUNK_PEOPLE = 200_000
RAW_TABLE = "talent_profile_raw"
JOB_KIND = "talent.recompute_profiles"


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _sql(queryset) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _c(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def _range(prefix: str) -> tuple[str, str]:
    """Region codes starting with ``prefix`` as a range (core.scope.within): served by the region index."""
    return prefix, prefix + "9" * (12 - len(prefix))


# --- phase 1: raw metrics -----------------------------------------------------------------------------------

RAW_COLUMNS = ("best_level", "level_then", "digital_certificates", "placings", "placing_points", "honours",
               "honour_points", "honours_recent", "studios_led", "studio_memberships", "apprentices",
               "apprentices_achieved", "visits")


# Each source gives one row per person with some of the columns; the rest are 0 (or NULL for levels).
_SOURCE_COLUMNS = ("best_level", "level_then", "best_occupation", "digital_certificates", "placings",
                   "placing_points", "honours", "honour_points", "honours_recent", "studios_led", "studio_memberships",
                   "apprentices", "apprentices_achieved", "visits")
_NULLABLE = ("best_level", "level_then", "best_occupation")


def _source(sql: str, alias: str, provides: dict[str, str]) -> str:
    cols = ", ".join(f"{provides[c]} AS {c}" if c in provides else ("NULL" if c in _NULLABLE else "0") + f" AS {c}"
                     for c in _SOURCE_COLUMNS)
    return f"SELECT {alias}.person_id, {cols} FROM ({sql}) {alias}"  # noqa: S608 (constant names)


def _raw_sql(*, as_of: date, prefix: str | None) -> tuple[str, list]:
    """Every person's raw metrics and peer-group keys, one row each.

    The per-person summaries of each source (grouped queries: skills' through its selectors) are stacked with
    UNION ALL and grouped once more by person, so the people table is joined once, not once per source."""
    growth_since, service_since = _years_before(as_of, R.GROWTH_YEARS), _years_before(as_of, R.SERVICE_YEARS)
    cert_sql, cert_params = _sql(skills.skill_level_summary(as_of=as_of, since=growth_since))
    comp_sql, comp_params = _sql(skills.competition_placing_summary(as_of=as_of, points=R.PLACING_POINTS,
                                                                    top=R.PLACING_TOP))
    occ_sql, occ_params = _sql(skills.occupation_groups())
    person, nom, honour = _t(Person), _t(Nomination), _t(Honour)
    members = Studio.members.through
    n_person, n_tier, n_state = _c(Nomination, "person"), _c(Nomination, "tier"), _c(Nomination, "state")
    n_conferred, n_revoked = _c(Nomination, "conferred_on"), _c(Nomination, "revoked_on")
    honour_points = " ".join(
        f"WHEN h.{_c(Honour, 'level')} = %s THEN (CASE WHEN n.{n_tier} = %s THEN {points // R.NOMINEE_DIVISOR} "
        f"ELSE {points} END)" for level, points in R.HONOUR_POINTS.items())
    honour_params = [p for level in R.HONOUR_POINTS for p in (level, Nomination.Tier.NOMINEE)]
    honours_sql = f"""
        SELECT n.{n_person} AS person_id, COUNT(*) AS honours, SUM(CASE {honour_points} ELSE 0 END) AS points,
               SUM(CASE WHEN n.{n_conferred} > %s THEN 1 ELSE 0 END) AS recent
        FROM {nom} n JOIN {honour} h ON h.id = n.{_c(Nomination, 'honour')}
        WHERE n.{n_person} IS NOT NULL
          AND (n.{n_state} = 'conferred' OR (n.{n_state} = 'revoked' AND n.{n_revoked} > %s))
          AND COALESCE(n.{n_conferred}, %s) <= %s
        GROUP BY n.{n_person}"""  # noqa: S608
    leaders_sql = (f"SELECT {_c(Studio, 'leader')} AS person_id, COUNT(*) AS n FROM {_t(Studio)} "  # noqa: S608
                   f"GROUP BY {_c(Studio, 'leader')}")
    members_sql = (f"SELECT {_c(members, 'person')} AS person_id, COUNT(*) AS n FROM {_t(members)} "  # noqa: S608
                   f"GROUP BY {_c(members, 'person')}")
    apprentice, status = _c(Mentorship, "apprentice"), _c(Mentorship, "status")
    mentoring_sql = f"""
        SELECT {_c(Mentorship, 'master')} AS person_id, COUNT(DISTINCT {apprentice}) AS apprentices,
               COUNT(DISTINCT CASE WHEN {status} = 'achieved' THEN {apprentice} END) AS achieved
        FROM {_t(Mentorship)} WHERE {_c(Mentorship, 'started_on')} <= %s
        GROUP BY {_c(Mentorship, 'master')}"""  # noqa: S608
    t_person, t_on = _c(TimelineEvent, "person"), _c(TimelineEvent, "on")
    visits_sql = f"""
        SELECT {t_person} AS person_id, COUNT(*) AS visits FROM {_t(TimelineEvent)}
        WHERE {_c(TimelineEvent, 'kind')} = 'visit' AND {t_person} IS NOT NULL AND {t_on} > %s AND {t_on} <= %s
        GROUP BY {t_person}"""  # noqa: S608
    stacked = " UNION ALL ".join([
        _source(cert_sql, "c", {"best_level": "c.best_level", "level_then": "c.level_then",
                                "best_occupation": "c.best_occupation", "digital_certificates": "c.digital"}),
        _source(comp_sql, "k", {"placings": "k.placings", "placing_points": "k.placing_points"}),
        _source(honours_sql, "hn", {"honours": "hn.honours", "honour_points": "hn.points",
                                    "honours_recent": "hn.recent"}),
        _source(leaders_sql, "sl", {"studios_led": "sl.n"}),
        _source(members_sql, "sm", {"studio_memberships": "sm.n"}),
        _source(mentoring_sql, "m", {"apprentices": "m.apprentices", "apprentices_achieved": "m.achieved"}),
        _source(visits_sql, "v", {"visits": "v.visits"}),
    ])
    merged = ", ".join(f"MIN({c}) AS {c}" if c in _NULLABLE else f"SUM({c}) AS {c}" for c in _SOURCE_COLUMNS)
    where, where_params = "", []
    if prefix:
        where, where_params = "WHERE p.region_id >= %s AND p.region_id <= %s", list(_range(prefix))
    metrics = ", ".join(f"a.{c} AS {c}" if c in _NULLABLE else f"CAST(COALESCE(a.{c}, 0) AS INTEGER) AS {c}"
                        for c in RAW_COLUMNS)
    occupation = f"TRIM(p.{_c(Person, 'occupation')})"
    sql = f"""
        SELECT p.id AS person_id,
               substr(p.region_id, 1, 4) || '00' AS grp_region,
               substr(COALESCE(og.group_name, NULLIF({occupation}, ''), cg.group_name, %s),
                      1, {R.GROUP_MAX_CHARS}) AS grp_occ,
               {metrics}
        FROM {person} p
        LEFT JOIN (SELECT person_id, {merged} FROM ({stacked}) u GROUP BY person_id) a ON a.person_id = p.id
        LEFT JOIN ({occ_sql}) og ON og.name = {occupation}
        LEFT JOIN ({occ_sql}) cg ON cg.id = a.best_occupation %% {skills.OCCUPATION_KEY}
        {where}"""  # noqa: S608 (table and column names come from the models; values are parameters)
    params = [R.OTHER_GROUP, *cert_params, *comp_params, *honour_params, growth_since, as_of, as_of, as_of,
              as_of, service_since, as_of, *occ_params, *occ_params, *where_params]
    return sql, params


# --- phase 2: percentiles per chunk -------------------------------------------------------------------------

def _values() -> dict[str, str]:
    """Each dimension's raw value as SQL over the raw table (the formulas of rules_profile)."""
    lvl = f"(CASE WHEN best_level IS NULL THEN {R.NO_LEVEL} ELSE best_level END)"
    then = f"(CASE WHEN level_then IS NULL THEN {R.NO_LEVEL} ELSE level_then END)"
    return {
        "skill": f"{R.LEVEL_STEP_POINTS} * ({R.NO_LEVEL} - {lvl}) + placing_points",
        "honours": "honour_points",
        "innovation": f"{R.STUDIO_LEAD_POINTS} * studios_led + {R.STUDIO_MEMBER_POINTS} * studio_memberships",
        "mentoring": f"{R.APPRENTICE_POINTS} * apprentices + {R.APPRENTICE_ACHIEVED_POINTS} * apprentices_achieved",
        "service": "visits",
        "growth": f"{R.GROWTH_LEVEL_POINTS} * ({then} - {lvl}) + {R.GROWTH_HONOUR_POINTS} * honours_recent",
    }


# Metrics a tag rule may name, as SQL over the raw table; problems_solved has no records yet (SPEC §4.3 pending).
_METRICS = {**{name: f"r.{name}" for name in RAW_COLUMNS}, "problems_solved": "0",
            "level_two_or_better": "(CASE WHEN r.best_level <= 2 THEN 1 ELSE 0 END)"}


def _object(pairs: list[tuple[str, str]]) -> str:
    """A JSON object built by the database (keys are constants): jsonb_build_object on PostgreSQL, json_object on
    SQLite — an order of magnitude cheaper than concatenating text and parsing it."""
    fn = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    return f"{fn}({', '.join(f"'{k}', {v}" for k, v in pairs)})"


def _compact(pairs: list[tuple[str, str]]) -> str:
    """An object without its null members (zeros are written as nulls): most people have no records, and a
    small ``raw`` is quicker to write and to compare."""
    if connection.vendor == "postgresql":
        return f"jsonb_strip_nulls({_object(pairs)})"
    return f"json_patch('{{}}', {_object(pairs)})"  # RFC 7396: a null member deletes the key


def _json_text(expr: str) -> str:
    return f"CAST({expr} AS jsonb)" if connection.vendor == "postgresql" else expr


RANK_TABLE = "talent_profile_rank"
_KEY = ["grp_region", "grp_occ", *(f"v_{d}" for d in R.DIMENSIONS)]


def ranking_statements(r_cte: str, r_params: list) -> list[tuple[str, list]]:
    """The percentile step, given the CTE body ``r_cte`` (people with ``grp_region``, ``grp_occ`` and the six
    values ``v_<dim>``): statements that fill RANK_TABLE with every distinct value combination of a peer group, its
    group's size ``n`` and, per dimension, ``b_<dim>`` = the peers strictly below.

    People with the same six values in the same group (most of them: a value of 0 is common) share their scores,
    so the ranking runs over the combinations with their head counts: for each dimension, the peers strictly below
    a value = the running sum up to it minus those equal to it, which is exactly ``rank() − 1`` of
    ``percent_rank()``. One join on the combination (``rank_join``) then gives every person their scores. The
    table is indexed on SQLite, whose planner would otherwise rescan the ranking for every person."""
    group = "PARTITION BY grp_region, grp_occ"
    below = ", ".join(f"CAST(SUM(c) OVER ({group} ORDER BY v_{d}) - SUM(c) OVER ({group}, v_{d}) AS BIGINT) AS b_{d}"
                      for d in R.DIMENSIONS)
    cols = ", ".join(_KEY)
    out = [(f"DROP TABLE IF EXISTS {RANK_TABLE}", []),
           (f"CREATE TEMP TABLE {RANK_TABLE} AS WITH r AS ({r_cte}), "  # noqa: S608 (constant names)
            f"sig AS (SELECT {cols}, COUNT(*) AS c FROM r GROUP BY {cols}) "
            f"SELECT {cols}, CAST(SUM(c) OVER ({group}) AS BIGINT) AS n, {below} FROM sig", r_params)]
    if connection.vendor != "postgresql":
        out.append((f"CREATE INDEX {RANK_TABLE}_key ON {RANK_TABLE} ({cols})", []))
    return out


def rank_join() -> tuple[str, str]:
    """(``JOIN … s ON …`` to write after ``FROM r``, the six score expressions ``CASE … END AS <dim>``)."""
    on = " AND ".join(f"s.{k} = r.{k}" for k in _KEY)
    scores = ", ".join(f"CASE WHEN s.n <= 1 THEN 0 ELSE (200 * s.b_{d} + s.n - 1) / (2 * (s.n - 1)) END AS {d}"
                       for d in R.DIMENSIONS)
    return f"JOIN {RANK_TABLE} s ON {on}", scores


def _chunk_statements(lo: str, hi: str, computed_at) -> list[tuple[str, list]]:
    """Rank and write the peer groups of the cities ``lo``…``hi`` (``ranking_statements``). Only rows that differ
    from the stored profile are written (a recompute that changes nothing writes nothing): ``computed_at`` is when
    a profile's figures were last computed differently."""
    values = _values()
    dims = R.DIMENSIONS
    ranked = ", ".join(f"{values[d]} AS v_{d}" for d in dims)
    r_cte = f"SELECT {RAW_TABLE}.*, {ranked} FROM {RAW_TABLE} WHERE grp_region >= %s AND grp_region <= %s"  # noqa: S608
    join, scores = rank_join()
    raw = _object([("values", _compact([(d, f"NULLIF(r.v_{d}, 0)") for d in dims])),
                   ("metrics", _compact([(m, f"NULLIF(r.{m}, 0)") for m in RAW_COLUMNS])), ("peers", "s.n")])
    tag_parts = " || ".join(f"(CASE WHEN {_METRICS[rule.metric]} >= %s THEN %s ELSE '' END)" for rule in R.TAG_RULES)
    tag_params = [p for rule in R.TAG_RULES for p in (rule.at_least, "," + json.dumps(rule.name, ensure_ascii=False))]
    tags = _json_text(f"'[' || substr({tag_parts}, 2) || ']'")
    table = _t(Profile)
    cols = ["person_id", "region_id", "occupation_group", *dims, "raw", "tags", "computed_at"]
    changed = " OR ".join([f"o.{c} <> x.{c}" for c in ("region_id", "occupation_group", *dims, "raw", "tags")])
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols[1:])
    sql = f"""
        WITH r AS ({r_cte}),
        x AS (SELECT r.person_id, r.grp_region AS region_id, r.grp_occ AS occupation_group, {scores},
                     {raw} AS raw, {tags} AS tags
              FROM r {join})
        INSERT INTO {table} ({", ".join(cols)})
        SELECT x.person_id, x.region_id, x.occupation_group, {", ".join(f"x.{d}" for d in dims)}, x.raw, x.tags, %s
        FROM x LEFT JOIN {table} o ON o.person_id = x.person_id AND o.region_id >= %s AND o.region_id <= %s
        WHERE o.id IS NULL OR {changed}
        ON CONFLICT (person_id) DO UPDATE SET {updates}"""  # noqa: S608 (names and formulas are constants)
    # A profile stored under another city (the person moved) is not joined: it is rewritten through ON CONFLICT.
    return [*ranking_statements(r_cte, [lo, hi]), (sql, [lo, hi, *tag_params, computed_at, lo, hi])]


def _chunks(cities: list[tuple[str, int]], size: int) -> list[tuple[str, str, int]]:
    """Consecutive whole cities, about ``size`` people a chunk: (first city, last city, people)."""
    out: list[tuple[str, str, int]] = []
    for code, n in cities:
        if out and out[-1][2] + n <= size:
            out[-1] = (out[-1][0], code, out[-1][2] + n)
        else:
            out.append((code, code, n))
    return out


# PostgreSQL settings for the recompute's transactions (SET LOCAL: they end with each transaction).
BATCH_WORK_MEM = "256MB"


def _plan_for_batches(cursor) -> None:
    """The joins here are on many columns, whose selectivities PostgreSQL multiplies into an estimate of one row;
    it then picks nested loops or merge joins that rescan (measured 10× slower at 1,000,000 people). Hash joins
    and hash aggregates kept in memory are right at every size (the benchmark runs its baseline with the same
    work_mem)."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute(f"SET LOCAL work_mem = '{BATCH_WORK_MEM}'")


@dataclass
class RecomputeResult:
    people: int
    chunks: int
    as_of: date

    def as_dict(self) -> dict:
        return {"people": self.people, "chunks": self.chunks, "as_of": self.as_of.isoformat(),
                "summary": f"已计算 {self.people} 人的画像"}


def recompute_profiles(*, actor=None, as_of: date | None = None, region: str | None = None,
                       chunk_people: int = CHUNK_PEOPLE,
                       progress: Callable[[int, int], None] | None = None) -> RecomputeResult:
    """Recompute the profiles of everyone (or of the cities inside ``region``, a code or prefix; a county is
    widened to its city, the peer group). Each chunk of cities is one statement in its own transaction: an
    interrupted run leaves every profile either as before or freshly computed, and running again completes it."""
    as_of = as_of or timezone.localdate()
    prefix = None
    if region:
        prefix = region_prefix(region.ljust(6, "0"))[:4]
        if not Region.objects.filter(code__startswith=prefix).exists():
            raise ServiceError(f"没有这个行政区划:{region}")
    computed_at = timezone.now()
    raw_sql, raw_params = _raw_sql(as_of=as_of, prefix=prefix)
    done = 0
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        try:
            with transaction.atomic():
                _plan_for_batches(cursor)
                cursor.execute(f"CREATE TEMP TABLE {RAW_TABLE} AS {raw_sql}", raw_params)
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {RAW_TABLE}")
            cursor.execute(f"SELECT grp_region, COUNT(*) FROM {RAW_TABLE} GROUP BY grp_region ORDER BY grp_region")  # noqa: S608
            chunks = _chunks(cursor.fetchall(), chunk_people)
            total = sum(n for *_, n in chunks)
            if progress:
                progress(0, total)
            for first, last, n in chunks:
                with transaction.atomic():
                    _plan_for_batches(cursor)
                    for sql, params in _chunk_statements(first, last, computed_at):
                        cursor.execute(sql, params)
                done += n
                if progress:
                    progress(done, total)
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {RANK_TABLE}")
            cursor.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
    result = RecomputeResult(people=done, chunks=len(chunks), as_of=as_of)
    audit.record(AuditEntry.Action.CHANGE, actor=actor, object_type=Profile._meta.label_lower,
                 object_repr=f"重算精准画像 {prefix or '全部'}"[:200],
                 region_id=(prefix + "00") if prefix and Region.objects.filter(code=prefix + "00").exists() else None,
                 changes={"profiles": [None, done], "as_of": [None, as_of.isoformat()]})
    return result


def start_recompute(*, actor, region: str | None = None) -> Job:
    """An officer starts the recompute of their region as a background job with progress (SPEC §1.8)."""
    from ..tasks import recompute_profiles_task

    if not scope.may(actor, "report", Profile):
        raise ServiceError("只有总工会工作人员可以重算精准画像")
    bindings = [b for b in actor.bindings() if b.role == "federation_admin"]
    if region is None and bindings and not actor.is_superuser:
        region = bindings[0].organisation.region_id
    if region and not actor.is_superuser:
        wanted = region_prefix(region.ljust(6, "0"))
        # Inside the officer's region; a county officer may ask for their own city (their peers' group).
        if not any(wanted.startswith(p) or (len(p) > 4 and len(wanted) == 4 and p.startswith(wanted))
                   for p in (region_prefix(b.organisation.region_id) for b in bindings)):
            raise ServiceError("只能重算本地区的精准画像")
    with transaction.atomic():
        job = Job.objects.create(kind=JOB_KIND, created_by=actor,
                                 region_id=bindings[0].organisation.region_id if bindings else None,
                                 params={"region": region or ""})
        audit.record(AuditEntry.Action.CREATE, actor=actor, obj=job, object_repr=f"重算精准画像 {region or '全部'}")
    transaction.on_commit(lambda: recompute_profiles_task.enqueue(job.pk))
    return job


# --- reads: the profile page and the API --------------------------------------------------------------------

@dataclass
class ProfileView:
    person: Person
    profile: Profile | None
    peer_region: Region | None

    @property
    def dimensions(self) -> list[dict]:
        if self.profile is None:
            return []
        metrics = self.profile.raw.get("metrics", {})
        values = self.profile.raw.get("values", {})
        peers = self.profile.raw.get("peers", 0)
        return [{"code": d, "label": R.DIMENSION_LABELS[d], "score": getattr(self.profile, d),
                 "value": values.get(d, 0), "definition": R.DEFINITIONS[d],
                 "explanation": R.explain(d, metrics, values.get(d, 0), getattr(self.profile, d), peers)}
                for d in R.DIMENSIONS]

    def as_api(self) -> dict:
        p = self.profile
        return {"person": self.person.pk, "computed_at": p.computed_at if p else None,
                "peer_group": {"region": p.region_id if p else R.peer_region(self.person.region_id),
                               "occupation_group": p.occupation_group if p else None},
                "dimensions": {d: getattr(p, d) if p else 0 for d in R.DIMENSIONS},
                "tags": list(p.tags) if p else [],
                "explanations": {row["code"]: row["explanation"] for row in self.dimensions}
                if p else {d: "尚未计算精准画像" for d in R.DIMENSIONS}}


def profile_for(user, person_id: int) -> ProfileView | None:
    """The person (region scope of Profile applies: their own region's federations, their enterprise union, the
    worker themself) with their computed profile; None when out of scope or missing. Two queries."""
    q = scope.scope_q(Profile, user, "view")
    if q is None:
        return None
    # Profile's rules are written on person__…; a person with no profile yet is matched on the same paths.
    # The page shows no ID number or phone: they are not even read (nor decrypted).
    person = (Person.objects.filter(pk=person_id).filter(_on_person(q)).select_related("region", "employer")
              .defer("id_number", "phone").first())
    if person is None:
        return None
    profile = Profile.objects.filter(person_id=person.pk).select_related("region").first()
    return ProfileView(person, profile, profile.region if profile else None)


def _on_person(q: Q) -> Q:
    """Rewrite a Profile filter (lookups on ``person__…``) as the same filter on Person."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(_on_person(child))
        else:
            key, value = child
            key = key.removeprefix("person__")
            out.children.append(("pk" if key == "person_id" else key, value))
    return out


def may_recompute(user) -> bool:
    return scope.may(user, "report", Profile)


# --- cultivation ladder (SPEC §2.6) -------------------------------------------------------------------------

def _counted_honours(as_of: date):
    return Nomination.objects.filter(person__isnull=False).filter(
        Q(state=Nomination.State.CONFERRED) | Q(state=Nomination.State.REVOKED, revoked_on__gt=as_of)).filter(
        Q(conferred_on__isnull=True) | Q(conferred_on__lte=as_of))


def _honour_rungs() -> dict[int, str]:
    """Honour id → rung code, from the catalogue's names and levels (rules_profile.honour_rung)."""
    return {h.pk: rung for h in Honour.objects.filter(subject=Honour.Subject.PERSON).only("pk", "name", "level")
            if (rung := R.honour_rung(h.name, h.level))}


def ladder_people(user, *, region: str | None = None, as_of: date | None = None):
    """People in the user's scope who stand on a rung, annotated with ``rung`` (1..6, the highest reached)."""
    as_of = as_of or timezone.localdate()
    by_rung: dict[str, list[int]] = {}
    for honour_id, rung in _honour_rungs().items():
        by_rung.setdefault(rung, []).append(honour_id)
    honours = _counted_honours(as_of)
    members = Studio.members.through.objects.filter(person_id=OuterRef("pk"))
    leaders = Studio.objects.filter(leader_id=OuterRef("pk"))
    winners = skills.competition_winners(tiers=R.LADDER_COMPETITION_TIERS, top=R.PLACING_TOP)
    whens = [When(Exists(honours.filter(person_id=OuterRef("pk"), honour_id__in=by_rung[code])),
                  then=Value(R.RUNG_INDEX[code]))
             for code in reversed([r.code for r in R.RUNGS]) if code in by_rung]
    whens += [When(pk__in=winners, then=Value(R.RUNG_INDEX["competition"])),
              When(Exists(members) | Exists(leaders), then=Value(R.RUNG_INDEX["studio"]))]
    people = Person.objects.restrict(user, "view")
    if region:
        people = people.in_region(region)
    on_ladder = (Q(pk__in=Studio.members.through.objects.values("person_id"))
                 | Q(pk__in=Studio.objects.values("leader_id")) | Q(pk__in=winners)
                 | Q(pk__in=honours.filter(honour_id__in=[i for ids in by_rung.values() for i in ids])
                     .values("person_id")))
    return people.filter(on_ladder).annotate(rung=Case(*whens, default=Value(0), output_field=IntegerField()))


def ladder_counts(user, *, region: str | None = None) -> dict:
    """Counts per rung (each person at the highest rung reached) per sub-region one level below the scope."""
    if not may_recompute(user):
        return {"rows": [], "rungs": R.RUNGS, "totals": [], "grand": 0}
    prefixes = _scope_prefixes(user)
    depth = 4 if region is None and all(len(p) <= 2 for p in prefixes) else 6
    if region:
        depth = 4 if len(region_prefix(region.ljust(6, "0"))) <= 2 else 6
    counts = (ladder_people(user, region=region).annotate(area=Substr("region_id", 1, depth))
              .values("area", "rung").annotate(n=Count("pk")).order_by("area", "rung"))
    areas: dict[str, list[int]] = {}
    for row in counts:
        if row["rung"]:
            areas.setdefault(row["area"], [0] * len(R.RUNGS))[row["rung"] - 1] += row["n"]
    codes = [a.ljust(6, "0") for a in areas]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    table = [{"code": a.ljust(6, "0"), "name": names.get(a.ljust(6, "0"), a), "counts": c,
              "total": sum(c)} for a, c in sorted(areas.items())]
    totals = [sum(r["counts"][i] for r in table) for i in range(len(R.RUNGS))]
    return {"rows": table, "rungs": R.RUNGS, "totals": totals, "grand": sum(totals)}


def _scope_prefixes(user) -> list[str]:
    if user.is_superuser:
        return [""]
    return [region_prefix(b.organisation.region_id) for b in user.bindings() if b.role == "federation_admin"]


def ladder_candidates(user, rung: str, *, region: str | None = None):
    """People whose highest rung is ``rung``: the candidates for the next one (e.g. competition winners with no
    craftsman title yet), with their region and employer."""
    if rung not in R.RUNG_INDEX or not may_recompute(user):
        return Person.objects.none()
    return (ladder_people(user, region=region).filter(rung=R.RUNG_INDEX[rung])
            .select_related("region", "employer").defer("id_number", "phone").order_by("region_id", "name", "pk"))


def candidate_details(people: list[Person]) -> dict[int, dict]:
    """For a page of candidates: best competition tier placed at and honours held (two queries)."""
    ids = [p.pk for p in people]
    tiers = skills.competition_best_tiers(ids, top=R.PLACING_TOP)
    honours: dict[int, list[str]] = {}
    for person_id, name in (_counted_honours(timezone.localdate()).filter(person_id__in=ids)
                            .values_list("person_id", "honour__name").order_by("person_id", "-cycle")):
        honours.setdefault(person_id, []).append(name)
    return {i: {"tier": tiers.get(i), "honours": honours.get(i, [])} for i in ids}
