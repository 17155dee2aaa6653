"""Benchmark: recomputing the precise profiles (SPEC §2.5) of 1,000,000 people × 6 dimensions.

SPEC §8.1: profile percentiles, 1,000,000 people × 6 dimensions — PostgreSQL ≤ 1× a bare ``percent_rank()`` window
query over the same table; SQLite ≤ 2× the PostgreSQL figure. And the profile page: server time p95 ≤ 150 ms
with a constant number of queries (§8.1 "detail pages").

Figure: ``talent.services.profiles.recompute_profiles()`` end to end — raw metrics gathered from the records
(certificates, competition placings, honours, studios, mentoring, visits), percentiles per peer group (city ×
occupation group), tags, and the upsert of every profile row, chunk by chunk — timed twice: on an empty profile
table (first run: inserts) and again (steady state: every row updated).
Baseline, in the same run and the same database: the bare query the SPEC names — six
``round(100 × percent_rank() OVER (PARTITION BY city, occupation group ORDER BY value))`` over a table holding the
same people's six raw values (built once from the recompute's own raw-metric SQL), summed on the server so that
no rows travel to the client. SQLite runs the same recompute on the same generated data in a child process.
Also checked: the recompute's scores equal the integer percent rank computed with ``rank()`` and ``count()``
windows over the baseline table, for every person and dimension.

Data (deterministic, ``--quick`` = 50,000 people and records scaled alike): 1,000,000 people over Zhejiang's
counties (Hangzhou and Ningbo three times as busy), 20 occupations and 25 % with none stated; 750,000 skill-level
certificates (2 % revoked), 120,000 competition results, 60,000 personal nominations (conferred, revoked,
publicised), 5,000 studios with 50,000 memberships, 100,000 mentoring pairs, 200,000 timeline visits. Loaded with
COPY into ``workerhub_bench_profiles`` (``_quick``) and reused while it holds the requested count; ID numbers are
placeholders (profiles never read them: the page defers them).

    python -m bench.talent_profiles [--quick] [--people N] [--rebuild] [--no-sqlite]
"""

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from . import REPO, create_database, database_url, drop_database, migrate, say, setup_django
from .harness import Run, Stats, Target

FULL, QUICK = 1_000_000, 50_000
SEED = 20240313
AS_OF = date(2024, 6, 30)
PG_TARGET, SQLITE_TARGET, PAGE_TARGET = Target.ratio(1.0), Target.ratio(2.0), Target.at_most(0.150)
BASE_TABLE = "bench_profile_values"
USER = "bench_profiles_province"
OCCUPATIONS = ["电工", "焊工", "车工", "钳工", "数控车工", "数据标注员", "数据安全管理员", "网络与信息安全管理员",
               "工业机器人系统操作员", "快递员", "环卫工", "汽车维修工", "港口装卸工", "化工总控工", "营养配餐员",
               "CAD绘图员", "供应链管理师", "电子商务师", "育婴员", "起重装卸机械操作工"]
HONOURS = [("bench_national", "全国劳动模范", "national"), ("bench_provincial", "浙江工匠", "provincial"),
           ("bench_city", "杭州工匠", "city"), ("bench_county", "县级工匠", "county"),
           ("bench_enterprise", "企业技术标兵", "enterprise")]
TIERS = ["national", "provincial", "city", "county", "enterprise"]


def sizes(n: int) -> dict:
    scale = n / FULL
    return {"people": n, "certificates": int(750_000 * scale), "results": int(120_000 * scale),
            "competitions": max(10, int(1000 * scale)), "nominations": int(60_000 * scale),
            "studios": max(10, int(5000 * scale)), "memberships": int(50_000 * scale),
            "mentorships": int(100_000 * scale), "visits": int(200_000 * scale)}


# --- data (identical rows for both backends) ---------------------------------------------------------------

def _cast() -> dict:
    """Rows the generated records point at: an organisation, the honours, the occupation catalogue, a user."""
    from workerhub.core.models import Organisation, Role, RoleBinding, User
    from workerhub.skills.models import Occupation
    from workerhub.talent.models import Honour

    org, _ = Organisation.objects.get_or_create(name="浙江省总工会(基准)", kind="federation", region_id="330000")
    for code, name, level in HONOURS:
        Honour.objects.get_or_create(code=code, defaults={"name": name, "level": level, "awarding_body": "基准",
                                                          "subject": "person", "has_nominee_tier": True})
    if not User.objects.filter(username=USER).exists():
        user = User.objects.create_user(username=USER, password=None)
        RoleBinding.objects.create(user=user, role=Role.FEDERATION_ADMIN, organisation=org)
    return {"org": org.pk, "honours": dict(Honour.objects.filter(code__startswith="bench_")
                                           .values_list("code", "pk")),
            "occupations": list(Occupation.objects.order_by("name").values_list("pk", "name"))}


def generate(n: int, cast: dict):
    """(table model, columns, rows) per table, deterministic: the same rows on PostgreSQL and SQLite."""
    from bench import synth
    from workerhub.core.demo import GIVEN, SURNAMES
    from workerhub.core.models import Person
    from workerhub.skills.models import Certificate, Competition, CompetitionEvent, CompetitionResult
    from workerhub.talent.models import Mentorship, Nomination, Studio, TimelineEvent

    s = sizes(n)
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    counties = synth.counties()
    weights = [c.weight for c in counties]
    regions = [c.code for c in rng.choices(counties, weights, k=n)]

    def people():
        r = random.Random(SEED + 1)
        for i in range(n):
            occ = r.choice(OCCUPATIONS) if r.random() < 0.75 else ""
            name = r.choice(SURNAMES) + r.choice(GIVEN) + r.choice(GIVEN)
            yield (i + 1, name, "bench", f"{i:064x}", None, "", date(1970, 1, 1) + timedelta(days=i % 12000),
                   "M" if i % 2 else "F", regions[i], None, occ, "", "employee", None, None, None, now, now)

    person_cols = ["id", "name", "id_number", "id_number_hash", "phone", "phone_hash", "birth_date", "sex", "region",
                   "employer", "occupation", "education", "employment_type", "union_member_since", "union",
                   "membership_confirmed_at", "created_at", "updated_at"]

    def certificates():
        r = random.Random(SEED + 2)
        occs = cast["occupations"]
        for k in range(s["certificates"]):
            person = r.randrange(n) + 1
            occ_id, occ_name = r.choice(occs)
            level = r.choices([1, 2, 3, 4, 5], [1, 3, 10, 30, 40])[0]
            issued = date(2005, 1, 1) + timedelta(days=r.randrange(7000))
            revoked = r.random() < 0.02
            yield (f"B{k:021d}", "skill_level", None, person, "基准", "330106********0000", occ_id, occ_name, "", level,
                   cast["org"], "基准评价机构", issued, regions[person - 1], "t", "revoked" if revoked else "valid",
                   issued + timedelta(days=30) if revoked else None, "考试作弊" if revoked else "", "", now)

    cert_cols = ["number", "kind", "registration", "person", "holder_name", "holder_id_masked", "occupation",
                 "occupation_name", "work_type", "level", "issuer", "issuer_name", "issued_on", "region", "token",
                 "status", "revoked_on", "revoked_reason", "revoked_document", "created_at"]

    def competitions():
        for k in range(s["competitions"]):
            yield (k + 1, f"基准竞赛{k}", TIERS[k % 5], None, cast["org"], "330100",
                   date(2015, 1, 1) + timedelta(days=(k * 37) % 3500))

    def events():
        for k in range(s["competitions"]):
            yield (k + 1, k + 1, "赛项", None, 1)

    def results():
        r = random.Random(SEED + 3)
        seen = set()
        for _ in range(s["results"]):
            event, person = r.randrange(s["competitions"]) + 1, r.randrange(n) + 1
            if (event, person) in seen:
                continue
            seen.add((event, person))
            yield (event, person, r.randrange(1, 11), None, "")

    def nominations():
        r = random.Random(SEED + 4)
        codes = [c for c, *_ in HONOURS]
        for k in range(s["nominations"]):
            person = (k * 16) % n + 1  # distinct people: no (honour, cycle, person) twice
            code = codes[r.choices(range(5), [1, 3, 6, 8, 12])[0]]
            cycle = 2010 + r.randrange(15)
            on = date(cycle, 4, 28)
            state = r.choices(["conferred", "revoked", "publicised"], [93, 5, 2])[0]
            revoked_on = on + timedelta(days=400) if state == "revoked" else None
            yield (cast["honours"][code], cycle, person, None, None, "基准", "330100", "federation", None,
                   "nominee" if r.random() < 0.1 else "award", False, "", state, "{}", None, None, None, "",
                   on if state != "publicised" else None, revoked_on, "经查不实" if revoked_on else "", "", None, now)

    nom_cols = ["honour", "cycle", "person", "team", "studio", "subject_name", "region", "route", "nominated_by", "tier",
                "direct_grant", "deeds", "state", "eligibility", "expert_score", "publicity_start", "publicity_end",
                "decision_number", "conferred_on", "revoked_on", "revoke_reason", "revoke_document", "created_by",
                "created_at"]

    def studios():
        for k in range(s["studios"]):
            leader = (k * 131 + 7) % n + 1
            yield (k + 1, f"基准工作室{k}", "city", leader, cast["org"], regions[leader - 1], None)

    def memberships():
        step = max(1, n // max(1, s["memberships"]))
        for k in range(s["memberships"]):
            yield (k % s["studios"] + 1, (k * step + 3) % n + 1)

    def mentorships():
        r = random.Random(SEED + 5)
        masters = max(2, s["mentorships"] // 4)
        for k in range(s["mentorships"]):
            apprentice = (k * 9 + 5) % n + 1
            master = r.randrange(masters) * 31 % n + 1
            if master == apprentice:
                continue
            yield (master, apprentice, regions[master - 1], date(2016, 1, 1) + timedelta(days=r.randrange(3000)),
                   "level", 4, "", r.choices(["active", "achieved", "ended"], [5, 4, 1])[0], None, "")

    def visits():
        r = random.Random(SEED + 6)
        for _ in range(s["visits"]):
            person = r.randrange(max(1, n // 20)) * 20 + 1
            yield (person, None, regions[person - 1], "visit", date(2019, 1, 1) + timedelta(days=r.randrange(2000)),
                   "助企服务", "", "", None, now)

    return [
        (Person, person_cols, people()),
        (Certificate, cert_cols, certificates()),
        (Competition, ["id", "name", "tier", "contest_class", "organiser", "region", "held_on"], competitions()),
        (CompetitionEvent, ["id", "competition", "name", "occupation", "team_size"], events()),
        (CompetitionResult, ["event", "person", "rank", "score", "award"], results()),
        (Nomination, nom_cols, nominations()),
        (Studio, ["id", "name", "level", "leader", "organisation", "region", "founded_on"], studios()),
        (Studio.members.through, ["studio", "person"], memberships()),
        (Mentorship, ["master", "apprentice", "region", "started_on", "goal", "goal_level", "goal_text", "status",
                      "ended_on", "outcome"], mentorships()),
        (TimelineEvent, ["person", "team", "region", "kind", "on", "title", "detail", "attachment", "created_by",
                         "created_at"], visits()),
    ]


def _columns(model, names: list[str]) -> list[str]:
    fields = {f.name: f.column for f in model._meta.concrete_fields}
    required = {f.name for f in model._meta.concrete_fields if not f.primary_key and not f.null
                and not f.has_default() and not f.has_db_default()} - {"created_at"}
    missing = required - set(names)
    if missing:
        sys.exit(f"bench/talent_profiles.py: {model.__name__} has new required fields {sorted(missing)}")
    return [fields[c] for c in names]


def load(n: int) -> dict:
    """Generate and write every table (COPY on PostgreSQL, executemany on SQLite), then reset sequences."""
    from django.core.management.color import no_style
    from django.db import connection

    t0 = time.perf_counter()
    cast = _cast()
    counts = {}
    models = []
    with connection.cursor() as cur:
        for model, names, rows in generate(n, cast):
            table = connection.ops.quote_name(model._meta.db_table)
            cols = ", ".join(connection.ops.quote_name(c) for c in _columns(model, names))
            done = 0
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        done += 1
            else:
                marks = ", ".join(["%s"] * len(names))
                batch = []
                for row in rows:
                    batch.append(row)
                    if len(batch) == 20_000:
                        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)  # noqa: S608
                        done += len(batch)
                        batch = []
                if batch:
                    cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)  # noqa: S608
                    done += len(batch)
            counts[model._meta.label] = done
            models.append(model)
            say(f"  {model._meta.label:<28} {done:>9,}  {time.perf_counter() - t0:6.1f} s")
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cur.execute(sql)
        if connection.vendor == "postgresql":
            cur.execute("ANALYZE")
        else:
            cur.execute("ANALYZE")
    return {"load_seconds": round(time.perf_counter() - t0, 1), "rows": counts}


# --- measurement (one backend per process) -----------------------------------------------------------------

def build_baseline_table() -> None:
    """The same people's six raw values, from the recompute's own raw-metric SQL, as a plain table."""
    from django.db import connection

    from workerhub.talent.services import profiles

    raw_sql, params = profiles._raw_sql(as_of=AS_OF, prefix=None)
    values = ", ".join(f"{expr} AS v_{d}" for d, expr in profiles._values().items())
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {BASE_TABLE}")
        cur.execute(f"CREATE TABLE {BASE_TABLE} AS SELECT person_id, grp_region, grp_occ, {values} "  # noqa: S608
                    f"FROM ({raw_sql}) raw", params)
        cur.execute(f"ANALYZE {BASE_TABLE}")


def baseline_sql() -> str:
    from workerhub.talent.rules_profile import DIMENSIONS

    ranks = " + ".join(f"round(100 * percent_rank() OVER (PARTITION BY grp_region, grp_occ ORDER BY v_{d}))"
                       for d in DIMENSIONS)
    return f"SELECT COUNT(*), SUM(s) FROM (SELECT {ranks} AS s FROM {BASE_TABLE}) ranked"  # noqa: S608


def ranking_statements() -> list[str]:
    """The recompute's own percentile step (services.profiles.ranking_statements + rank_join) over the baseline's
    table, summed on the server like the baseline: the same figures, computed the way the recompute does."""
    from workerhub.talent.rules_profile import DIMENSIONS
    from workerhub.talent.services import profiles

    steps = [sql for sql, _params in profiles.ranking_statements(f"SELECT * FROM {BASE_TABLE}", [])]  # noqa: S608
    join, scores = profiles.rank_join()
    total = " + ".join(DIMENSIONS)
    return [*steps, f"SELECT COUNT(*), SUM({total}) FROM (SELECT {scores} FROM {BASE_TABLE} r {join}) x"]  # noqa: S608


def _session_settings(cur) -> None:
    """The settings the recompute runs with (services.profiles._plan_for_batches), for baseline and figure alike."""
    from django.db import connection

    from workerhub.talent.services import profiles

    if connection.vendor == "postgresql":
        cur.execute(f"SET work_mem = '{profiles.BATCH_WORK_MEM}'")
        cur.execute("SET enable_nestloop = off")
        cur.execute("SET enable_mergejoin = off")


def time_sql(statements: list[str], repeat: int) -> tuple[list[float], list]:
    """Run the statements in order, ``repeat`` times; the last one's rows are the answer."""
    from django.db import connection

    samples, answer = [], None
    with connection.cursor() as cur:
        _session_settings(cur)
        for _ in range(repeat):
            t0 = time.perf_counter()
            for sql in statements:
                cur.execute(sql)
            answer = cur.fetchall()
            samples.append(time.perf_counter() - t0)
    return samples, [list(r) for r in answer]


def check_scores() -> int:
    """Mismatches between the stored scores and the integer percent rank from rank()/count() windows."""
    from django.db import connection

    from workerhub.talent.rules_profile import DIMENSIONS

    cols = ", ".join(f"rank() OVER (PARTITION BY grp_region, grp_occ ORDER BY v_{d}) - 1 AS b_{d}" for d in DIMENSIONS)
    wrong = " OR ".join(f"p.{d} <> CASE WHEN x.n <= 1 THEN 0 ELSE (200 * x.b_{d} + x.n - 1) / (2 * (x.n - 1)) END"
                        for d in DIMENSIONS)
    sql = (f"SELECT COUNT(*) FROM (SELECT person_id, {cols}, COUNT(*) OVER (PARTITION BY grp_region, grp_occ) AS n "
           f"FROM {BASE_TABLE}) x JOIN talent_profile p ON p.person_id = x.person_id WHERE {wrong}")  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(sql)
        return cur.fetchone()[0]


def add_certificates(n: int, k: int, round_: int) -> None:
    """Between recomputes: ``k`` new skill-level certificates (a day's issue), so that the rerun has work to do."""
    from workerhub.core.models import Organisation
    from workerhub.skills.models import Certificate, Occupation

    rng = random.Random(SEED + 100 + round_)
    org = Organisation.objects.get(name="浙江省总工会(基准)")
    occ = Occupation.objects.get(name="电工")
    Certificate.objects.bulk_create(
        Certificate(number=f"N{round_:03d}{i:018d}", kind="skill_level", person_id=rng.randrange(n) + 1,
                    holder_name="基准", holder_id_masked="330106********0000", occupation=occ, occupation_name="电工",
                    level=rng.choice([2, 3, 4]), issuer=org, issuer_name="基准评价机构", issued_on=date(2024, 6, 1),
                    region_id="330106", token="t") for i in range(k))


def time_recompute() -> tuple[float, dict]:
    from workerhub.talent.services import profiles

    t0 = time.perf_counter()
    result = profiles.recompute_profiles(as_of=AS_OF)
    return time.perf_counter() - t0, result.as_dict()


def measure_page(n_requests: int) -> dict:
    """The profile page and the API as the province officer: server time per request, queries per page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from workerhub.core.models import User
    from workerhub.talent.models import Profile

    client = Client()
    client.force_login(User.objects.get(username=USER))
    rng = random.Random(SEED + 9)
    ids = list(Profile.objects.order_by("?").values_list("person_id", flat=True)[:n_requests])
    # Someone with many records (a studio leader, master and honoured) and someone with none: same query count.
    busy = Profile.objects.order_by("-honours", "-mentoring", "-innovation").values_list("person_id", flat=True)[0]
    quiet = Profile.objects.filter(skill=0, honours=0).values_list("person_id", flat=True)[0]
    queries = {}
    for label, pk in (("busy", busy), ("quiet", quiet)):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/talent/people/{pk}/profile/").status_code == 200
        queries[label] = len(ctx.captured_queries)
    page, api = [], []
    for pk in ids[:5]:
        client.get(f"/talent/people/{pk}/profile/")
    rng.shuffle(ids)
    for pk in ids:
        for out, url in ((page, f"/talent/people/{pk}/profile/"), (api, f"/api/v1/people/{pk}/profile")):
            t0 = time.perf_counter()
            status = client.get(url).status_code
            out.append(time.perf_counter() - t0)
            assert status == 200, (url, status)
    return {"page": page, "api": api, "queries": queries}


def measure_backend(vendor: str, n: int, rebuild: bool, page_requests: int) -> dict:
    if vendor == "postgresql":
        return _measure(vendor, n, rebuild, page_requests, None)
    with tempfile.TemporaryDirectory(prefix="bench-profiles-") as tmp:
        out = _measure(vendor, n, rebuild, page_requests, Path(tmp) / "bench.sqlite3")
        from django.db import connections

        connections.close_all()
        return out


def _measure(vendor: str, n: int, rebuild: bool, page_requests: int, sqlite_path: Path | None) -> dict:
    from django.db import connection

    repeat = 3 if n <= QUICK else 2
    if vendor == "postgresql":
        dbname = "workerhub_bench_profiles" + ("_quick" if n <= QUICK else "")
        create_database(dbname, drop=rebuild)
        setup_django(database_url=database_url(dbname))
        migrate()
        from workerhub.core.models import Person

        if Person.objects.count() != n:
            from django.db import connections

            connections.close_all()
            drop_database(dbname)
            create_database(dbname)
            migrate()
            info = load(n)
        else:
            info = {"load": f"reused {n:,} people"}
        info["database"] = dbname
    else:
        setup_django(sqlite=sqlite_path)
        migrate()
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous = OFF")
        info = load(n)
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous = NORMAL")
        info["database"] = "sqlite (temporary file)"
    from workerhub.skills.models import Certificate
    from workerhub.talent.models import Profile

    Certificate.objects.filter(number__startswith="N").delete()  # a reused database: the previous run's additions
    Profile.objects.all().delete()
    say(f"  {vendor}: recompute on an empty profile table …")
    first, result = time_recompute()
    say(f"    {first:.1f} s {result}")
    again = []
    for i in range(repeat):
        add_certificates(n, max(10, n // 1000), i)
        seconds, _result = time_recompute()
        again.append(seconds)
        say(f"    again after {max(10, n // 1000):,} new certificates: {seconds:.1f} s")
    out = {"vendor": vendor, "info": info, "first": first, "again": again, "result": result}
    build_baseline_table()
    out["ranking"], ranking_answer = time_sql(ranking_statements(), repeat)
    say(f"    percentile step (ours): {[round(x, 2) for x in out['ranking']]} {ranking_answer}")
    if vendor == "postgresql":
        out["baseline"], baseline_answer = time_sql([baseline_sql()], repeat)
        say(f"    bare percent_rank(): {[round(x, 2) for x in out['baseline']]} {baseline_answer}")
        out["sums"] = [int(ranking_answer[0][1]), int(baseline_answer[0][1])]
    out["mismatches"] = check_scores()
    if vendor == "postgresql":
        out["page"] = measure_page(page_requests) if page_requests else None
    return out


# --- parent ------------------------------------------------------------------------------------------------

def report(run: Run, results: dict) -> None:
    pg = results["postgresql"]
    base = statistics.median(pg["baseline"])
    people = pg["result"]["people"]
    ours = statistics.median(pg["ranking"])
    run.report(f"PG percentiles {people:,} × 6 (same table)", ours, base, PG_TARGET, figure_label="time",
               baseline_label="bare percent_rank", unit="s",
               extra=f"score sums {pg['sums'][0]:,} vs {pg['sums'][1]:,} (the baseline's float round() takes halves "
                     "to even; exact per-person check below)")
    run.report(f"PG full recompute {people:,} (empty table)", pg["first"], base, PG_TARGET, figure_label="time",
               baseline_label="bare percent_rank", unit="s")
    pg_again = statistics.median(pg["again"])
    run.report(f"PG full recompute {people:,} (rerun)", pg_again, base, PG_TARGET, figure_label="time",
               baseline_label="bare percent_rank", unit="s", extra=f"runs {', '.join(f'{x:.1f}' for x in pg['again'])}")
    run.note("    full recompute = gather raw metrics from the records + percentiles + write the changed profile rows;"
             " a rerun follows n/1000 new certificates")
    run.check("PG scores equal rank()/count() percent rank", pg["mismatches"] == 0,
              f"{pg['mismatches']} of {people:,} people differ in some dimension")
    lite = results.get("sqlite")
    if lite:
        run.report("SQLite percentiles vs PG", statistics.median(lite["ranking"]), ours, SQLITE_TARGET,
                   figure_label="time", baseline_label="PG percentiles", unit="s")
        run.report("SQLite full recompute (empty table) vs PG", lite["first"], pg["first"], SQLITE_TARGET,
                   figure_label="time", baseline_label="PG recompute", unit="s")
        run.report("SQLite full recompute (rerun) vs PG", statistics.median(lite["again"]), pg_again, SQLITE_TARGET,
                   figure_label="time", baseline_label="PG recompute", unit="s")
        run.check("SQLite scores equal rank()/count() percent rank", lite["mismatches"] == 0,
                  f"{lite['mismatches']} of {people:,} people differ in some dimension")
    page = pg.get("page")
    if page is None:
        return
    p, a = Stats(page["page"]), Stats(page["api"])
    run.report("profile page (province officer)", p.p95, p.p50, PAGE_TARGET, baseline_label="own p50",
               extra=f"{len(p.samples)} people")
    run.report("GET /api/v1/people/{id}/profile", a.p95, a.p50, PAGE_TARGET, baseline_label="own p50")
    q = page["queries"]
    run.check("profile page queries constant", q["busy"] == q["quiet"],
              f"{q['busy']} queries (busy person) = {q['quiet']} (person with no records)")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.talent_profiles", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} people instead of {FULL:,}")
    parser.add_argument("--people", type=int)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--page-requests", type=int, default=200)
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    n = args.people or (QUICK if args.quick else FULL)

    if args.backend:  # child: one database per process
        data = measure_backend(args.backend, n, args.rebuild, args.page_requests)
        Path(args.out).write_text(json.dumps(data, default=str))
        return

    run = Run("talent_profiles", args.quick)
    say(f"talent_profiles: {n:,} people")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for vendor in ("postgresql",) + (() if args.no_sqlite else ("sqlite",)):
            out = Path(tmp) / f"{vendor}.json"
            cmd = [sys.executable, "-m", "bench.talent_profiles", "--backend", vendor, "--out", str(out),
                   "--people", str(n), "--page-requests", str(args.page_requests),
                   *(["--rebuild"] if args.rebuild else [])]
            subprocess.run(cmd, cwd=REPO, check=True)
            results[vendor] = json.loads(out.read_text())
    import django  # noqa: F401  (Run.save reads its version)

    run.info.update(people=n, sizes=sizes(n), as_of=AS_OF.isoformat(),
                    **{v: {"info": r["info"], "first": r["first"], "again": r["again"], "ranking": r["ranking"],
                           **({"baseline": r["baseline"]} if "baseline" in r else {})} for v, r in results.items()})
    report(run, results)
    run.save()


if __name__ == "__main__":
    main()
