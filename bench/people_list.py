"""Benchmark A: the people list page and ``GET /api/v1/people`` over 1,000,000 people on PostgreSQL.

SPEC §8.1: list pages, detail pages and dashboards — server time p95 ≤ 150 ms with 1,000,000 people,
and no query count that grows with the rows on the page.

Figure: server time of Django's test Client (in-process, DEBUG=False, whole middleware stack,
template rendering, session and permission look-ups) as a federation_admin of 浙江省总工会 (330000,
scope = the whole province) and of 西湖区总工会 (330106, one county). Baseline, in the same run and
through the same connection: the bare SQL of the same page — the same WHERE, ORDER BY, LIMIT/OFFSET
and joins — plus its COUNT(*), i.e. what the database has to do whatever the application does.

Data: a separate database (``workerhub_bench``; ``workerhub_bench_quick`` for --quick), built once
and reused while it holds at least the requested number of people. People are loaded with COPY from
two worker processes; every ID number and phone is really encrypted (Fernet) and hashed (HMAC) with
the benchmark's own keys, one ciphertext per value. During the load the table's secondary indexes are
dropped and rebuilt, and ``session_replication_role = replica`` skips the foreign-key triggers (the
generator only uses keys it has just read from the database); VACUUM ANALYZE runs at the end.

    python -m bench.people_list [--quick] [--people N] [--requests N] [--rebuild]
"""

import argparse
import io
import json
import multiprocessing
import re
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from . import create_database, database_url, drop_database, migrate, say, setup_django
from .harness import Run, Target, time_calls

FULL_PEOPLE, QUICK_PEOPLE = 1_000_000, 20_000
ENTERPRISES = 2000
CHUNK = 10_000
TARGET = Target.at_most(0.150)
PROVINCE, COUNTY = ("bench_province", "330000"), ("bench_xihu", "330106")

# Set in the parent before the worker pool forks (see _load_people).
_GEN: dict = {}


# --- data -----------------------------------------------------------------------------------------

def _reusable(n: int) -> tuple[bool, str]:
    from workerhub.core.models import Person, User

    have = Person.objects.count()
    if have < n:
        return False, f"has {have:,} people, {n:,} requested"
    if User.objects.filter(username__in=[PROVINCE[0], COUNTY[0]]).count() != 2:
        return False, "benchmark users missing"
    try:
        Person.objects.order_by("pk").first().id_number  # noqa: B018  (decrypts: the keys still match)
    except RuntimeError:
        return False, "encrypted with other keys"
    return True, f"{have:,} people"


def _build(n: int) -> dict:
    from django.contrib.auth.models import Permission
    from django.db import connection, connections

    from workerhub.core.models import Organisation, Region, Role, RoleBinding, User

    from . import synth

    t0 = time.perf_counter()
    Kind = Organisation.Kind
    province = Organisation.objects.create(name="浙江省总工会", kind=Kind.FEDERATION, region_id="330000")
    cities = {r.code: Organisation.objects.create(name=f"{r.name}总工会", kind=Kind.FEDERATION, region=r,
                                                  parent=province)
              for r in Region.objects.filter(code__startswith="33", level="prefecture", valid_to__isnull=True)}
    feds = {c.code: Organisation(name=f"{c.name}总工会", kind=Kind.FEDERATION, region_id=c.code,
                                 parent=cities[c.code[:4] + "00"]) for c in synth.counties()}
    Organisation.objects.bulk_create(feds.values())
    firms = synth.enterprises(ENTERPRISES)
    rows = Organisation.objects.bulk_create(
        Organisation(name=f.name, kind=Kind.ENTERPRISE, region_id=f.region, credit_code=f.credit_code,
                     parent=feds[f.region]) for f in firms)
    perm = Permission.objects.get(codename="view_personal_data", content_type__app_label="core")
    for (username, _region), org in ((PROVINCE, province), (COUNTY, feds[COUNTY[1]])):
        user = User.objects.create_user(username=username, password=None)
        RoleBinding.objects.create(user=user, role=Role.FEDERATION_ADMIN, organisation=org)
        if username == PROVINCE[0]:
            user.user_permissions.add(perm)  # like the demo's `province`: may see personal data (audited)
    say(f"  organisations and users: {time.perf_counter() - t0:.1f} s")

    _GEN.update(n=n, firm_ids=[r.pk for r in rows], firm_regions=[f.region for f in firms],
                fed_ids={code: o.pk for code, o in feds.items()},
                now=datetime.now(UTC).isoformat(sep=" "), columns=_person_columns())
    url = database_url(connection.settings_dict["NAME"])
    connections.close_all()  # nothing shared with the forked workers
    timings = _load_people(url, n)
    return {"build_seconds": round(time.perf_counter() - t0, 1), **timings}


def _person_columns() -> list[str]:
    """Person's columns in model order; a new required field must be taught to ``_row`` below."""
    from workerhub.core.models import Person

    known = {"name", "id_number", "id_number_hash", "phone", "phone_hash", "birth_date", "sex", "region",
             "employer", "occupation", "education", "employment_type", "union_member_since", "union",
             "membership_confirmed_at", "created_at", "updated_at"}
    columns = []
    for f in Person._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.name in known:
            columns.append(f.name)
        elif not (f.null or f.has_db_default()):
            sys.exit(f"bench/people_list.py: Person.{f.name} is new and required; add it to _row()")
    return columns


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _row(p, g) -> dict:
    from workerhub.core.pii import encrypt, lookup_hash

    firm = None if p.firm is None else g["firm_ids"][p.firm]
    return {
        "name": p.name, "id_number": encrypt(p.id_number), "id_number_hash": lookup_hash(p.id_number),
        "phone": encrypt(p.phone), "phone_hash": lookup_hash(p.phone), "birth_date": p.birth_date,
        "sex": p.sex, "region": p.region, "employer": firm, "occupation": p.occupation, "education": p.education,
        "employment_type": p.employment, "union_member_since": p.joined,
        "union": firm if firm is not None else g["fed_ids"][p.region],
        "membership_confirmed_at": f"{p.joined} 09:00:00+08" if p.confirmed else None,
        "created_at": g["now"], "updated_at": g["now"],
    }


def _chunk(start: int) -> bytes:
    """People ``start … start+CHUNK-1`` as COPY text (runs in a worker process)."""
    from . import synth

    g = _GEN
    people = synth.People(g["n"], g["firm_regions"])
    out = io.StringIO()
    for i in range(start, min(start + CHUNK, g["n"])):
        row = _row(people[i], g)
        out.write("\t".join(_copy_text(row[c]) for c in g["columns"]))
        out.write("\n")
    return out.getvalue().encode()


def _load_people(url: str, n: int) -> dict:
    import psycopg

    from workerhub.core.models import Person

    table = Person._meta.db_table
    fields = {f.name: f.column for f in Person._meta.concrete_fields}
    columns = ", ".join(f'"{fields[c]}"' for c in _GEN["columns"])
    timings = {}
    with psycopg.connect(url) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '512MB'")
        indexes = conn.execute(
            """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
               WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""",
            [table]).fetchall()
        for name, _definition in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        t0 = time.perf_counter()
        done = 0
        with conn.cursor().copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy, \
                multiprocessing.get_context("fork").Pool(2) as pool:
            for blob in pool.imap(_chunk, range(0, n, CHUNK)):
                copy.write(blob)
                done = min(done + CHUNK, n)
                if done % 100_000 == 0 or done == n:
                    say(f"  people: {done:>9,} / {n:,}  {time.perf_counter() - t0:6.1f} s")
        timings["generate_encrypt_copy_seconds"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        for _name, definition in indexes:
            conn.execute(definition)
        conn.commit()
        timings["index_seconds"] = round(time.perf_counter() - t0, 1)
        say(f"  {len(indexes)} indexes rebuilt: {timings['index_seconds']} s")
    with psycopg.connect(url, autocommit=True) as conn:
        t0 = time.perf_counter()
        conn.execute(f'VACUUM ANALYZE "{table}"')
        conn.execute("ANALYZE")
        orphans = conn.execute(
            f"""SELECT count(*) FROM "{table}" p LEFT JOIN core_region r ON r.code = p.region_id
                LEFT JOIN core_organisation e ON e.id = p.employer_id
                WHERE r.code IS NULL OR (p.employer_id IS NOT NULL AND e.id IS NULL)""").fetchone()[0]
        if orphans:
            sys.exit(f"bench/people_list.py: {orphans} people point at missing regions or employers")
        timings["vacuum_seconds"] = round(time.perf_counter() - t0, 1)
    return timings


# --- measurement ----------------------------------------------------------------------------------

@dataclass
class Scenario:
    label: str
    who: str  # "province" | "county"
    url: str
    baseline: list[tuple[str, list]]  # bare SQL statements of the same page, run in order
    baseline_label: str = "bare SELECT page+COUNT"


PAGE_SQL = """SELECT p.id, p.name, p.id_number, p.phone, p.sex, p.birth_date, p.region_id, r.name, e.id, e.name,
       p.occupation, p.employment_type
  FROM core_person p JOIN core_region r ON r.code = p.region_id
  LEFT JOIN core_organisation e ON e.id = p.employer_id
 WHERE {where} ORDER BY p.region_id, p.name, p.id LIMIT %s OFFSET %s"""
COUNT_SQL = "SELECT COUNT(*) FROM core_person p WHERE {where}"
# The home dashboard's three people counts (all, membership pending, flexible) in one pass.
DASHBOARD_COUNTS = """SELECT COUNT(*),
       COUNT(*) FILTER (WHERE p.membership_confirmed_at IS NULL AND p.union_id IS NOT NULL),
       COUNT(*) FILTER (WHERE p.employment_type = 'flexible')
  FROM core_person p WHERE {where}"""


def page_baseline(where: str, params: list, size: int, page: int) -> list[tuple[str, list]]:
    return [(PAGE_SQL.format(where=where), [*params, size, (page - 1) * size]),
            (COUNT_SQL.format(where=where), params)]


def run_sql(statements) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for sql, params in statements:
            cur.execute(sql, params)
            cur.fetchall()


def scenarios(total: dict[str, int], county_code: str, sample_pk: int) -> list[Scenario]:
    def pages(who, size=50):
        return max(1, -(-total[who] // size))

    prov, cty = "p.region_id LIKE %s", "p.region_id LIKE %s"
    pp, cp = ["33%"], [county_code + "%"]
    deep_p, deep_c = min(200, pages("province")), min(200, pages("county"))
    mid = max(1, pages("province") // 2)
    both = f"{prov} AND p.region_id LIKE %s"
    search = f"{prov} AND UPPER(p.name) LIKE UPPER(%s)"  # what name__icontains compiles to
    out = [
        Scenario("list page 1 (province)", "province", "/people/", page_baseline(prov, pp, 50, 1)),
        Scenario(f"list page {deep_p} (province)", "province", f"/people/?page={deep_p}",
                 page_baseline(prov, pp, 50, deep_p)),
        Scenario(f"list middle page {mid} (province)", "province", f"/people/?page={mid}",
                 page_baseline(prov, pp, 50, mid)),
        Scenario(f"list ?region={county_code} (province)", "province", f"/people/?region={county_code}",
                 page_baseline(both, pp + cp, 50, 1)),
        Scenario("list ?q=王 (province)", "province", "/people/?q=王", page_baseline(search, pp + ["%王%"], 50, 1)),
        Scenario("api page_size=50 (province)", "province", "/api/v1/people?page_size=50",
                 page_baseline(prov, pp, 50, 1)),
        Scenario(f"api page {deep_p} (province)", "province", f"/api/v1/people?page_size=50&page={deep_p}",
                 page_baseline(prov, pp, 50, deep_p)),
        Scenario("detail page (province)", "province", f"/people/{sample_pk}/",
                 [(PAGE_SQL.format(where="p.id = %s"), [sample_pk, 1, 0])], "bare SELECT by pk"),
        Scenario("home dashboard (province)", "province", "/",
                 [(DASHBOARD_COUNTS.format(where=prov), pp),
                  (f"SELECT substr(p.region_id, 1, 4), COUNT(*) FROM core_person p WHERE {prov} GROUP BY 1", pp)],
                 "bare COUNTs+GROUP BY"),
        Scenario(f"list page 1 ({county_code})", "county", "/people/", page_baseline(cty, cp, 50, 1)),
        Scenario(f"list page {deep_c} ({county_code})", "county", f"/people/?page={deep_c}",
                 page_baseline(cty, cp, 50, deep_c)),
        Scenario(f"list ?q=王 ({county_code})", "county", "/people/?q=王", page_baseline(
            f"{cty} AND UPPER(p.name) LIKE UPPER(%s)", cp + ["%王%"], 50, 1)),
        Scenario(f"api page_size=50 ({county_code})", "county", "/api/v1/people?page_size=50",
                 page_baseline(cty, cp, 50, 1)),
        Scenario(f"home dashboard ({county_code})", "county", "/",
                 [(DASHBOARD_COUNTS.format(where=cty), cp),
                  ("""SELECT e.name, COUNT(*) FROM core_person p LEFT JOIN core_organisation e ON e.id = p.employer_id
                      WHERE p.region_id LIKE %s GROUP BY 1 ORDER BY 2 DESC LIMIT 15""", cp)], "bare COUNTs+GROUP BY"),
    ]
    return out


def plan_summary(plan_json) -> dict:
    """The nodes of an EXPLAIN (ANALYZE, FORMAT JSON) plan as one readable line, plus the total time."""
    top = plan_json[0]
    nodes = []

    def walk(node, depth=0):
        name = node["Node Type"]
        if node.get("Partial Mode", "Simple") != "Simple":
            name = f"{node['Partial Mode']} {name}"
        if node.get("Index Name"):
            name += f" using {node['Index Name']}"
        elif node.get("Relation Name"):
            name += f" on {node['Relation Name']}"
        rows = node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
        extra = f" workers={node['Workers Launched']}" if "Workers Launched" in node else ""
        nodes.append(f"{name} [rows {rows:,}{extra}, {node.get('Actual Total Time', 0):.0f} ms]")
        for child in node.get("Plans", []):
            walk(child, depth + 1)

    walk(top["Plan"])
    return {"execution_ms": round(top["Execution Time"], 1), "plan": " > ".join(nodes[:7])}


def explain(sql: str) -> dict | None:
    from django.db import connection

    if not sql.lstrip().upper().startswith("SELECT"):
        return None
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
        raw = cur.fetchone()[0]
    return plan_summary(raw if isinstance(raw, list) else json.loads(raw))


def capture(client, url: str) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [{"sql": q["sql"], "ms": float(q["time"]) * 1000} for q in ctx.captured_queries]


def measure(run: Run, n_requests: int) -> None:
    from django.test import Client

    from workerhub.core.models import Person, User

    users = {"province": User.objects.get(username=PROVINCE[0]), "county": User.objects.get(username=COUNTY[0])}
    clients = {}
    for who, user in users.items():
        clients[who] = Client()
        clients[who].force_login(user)
    total = {"province": Person.objects.filter(region__code__startswith="33").count(),
             "county": Person.objects.filter(region__code__startswith=COUNTY[1]).count()}
    sample = Person.objects.filter(region_id=COUNTY[1]).order_by("pk").values_list("pk", flat=True).first()
    run.info.update(people_in_scope=total)

    # Correctness first: the pages answer, the API returns full pages, the county sees only its county.
    body = clients["county"].get("/api/v1/people?page_size=50").json()
    assert body["count"] == total["county"] and all(r["region"].startswith(COUNTY[1]) for r in body["results"])
    body = clients["province"].get("/api/v1/people?page_size=50").json()
    assert body["count"] == total["province"] and len(body["results"]) == min(50, total["province"])

    for sc in scenarios(total, COUNTY[1], sample):
        client = clients[sc.who]
        t0 = time.perf_counter()
        queries = capture(client, sc.url)
        # Slow pages get fewer repetitions (at least 5): about 15 s of requests per scenario.
        n = min(n_requests, max(5, int(15 / (time.perf_counter() - t0))))
        figure = time_calls(lambda c=client, u=sc.url: c.get(u), n, warmup=min(3, n))
        base = time_calls(lambda s=sc.baseline: run_sql(s), n, warmup=min(3, n))
        slowest = max(queries, key=lambda q: q["ms"])
        row = run.report(sc.label, figure.p95, base.p95, TARGET, baseline_label=sc.baseline_label,
                         extra=f"p50 {figure.p50 * 1000:.1f} ms  queries {len(queries)}",
                         url=sc.url, figure_stats=figure.as_dict(), baseline_stats=base.as_dict(),
                         queries=len(queries), slowest_sql=slowest)
        if row["verdict"] == "MISS" or slowest["ms"] > 50:
            plan = explain(slowest["sql"])
            row["explain"] = plan
            if plan:
                run.note(f"    slowest SQL {slowest['ms']:.0f} ms: {_short(slowest['sql'])}")
                run.note(f"    EXPLAIN ANALYZE {plan['execution_ms']} ms: {plan['plan']}")

    what_if(run, n_requests, total, COUNTY[1])

    # Query counts must not depend on the page number or the page size.
    for who in ("province", "county"):
        client = clients[who]
        pages = min(200, max(1, -(-total[who] // 50)))
        counts = {"list p1": len(capture(client, "/people/")),
                  f"list p{pages}": len(capture(client, f"/people/?page={pages}")),
                  "list size10": len(capture(client, "/people/?page_size=10")),
                  "list size50": len(capture(client, "/people/?page_size=50"))}
        api = {"api p1": len(capture(client, "/api/v1/people?page_size=50")),
               f"api p{pages}": len(capture(client, f"/api/v1/people?page_size=50&page={pages}")),
               "api size10": len(capture(client, "/api/v1/people?page_size=10")),
               "api size50": len(capture(client, "/api/v1/people?page_size=50"))}
        for label, found in (("list", counts), ("api", api)):
            constant = len(set(found.values())) == 1
            text = "  ".join(f"{k}: {v}" for k, v in found.items())
            run.check(f"{label} query count ({who})", constant, f"{text}   {'constant' if constant else 'GROWS'}",
                      counts=found)


def last_row_before(page: int, size: int = 50) -> list:
    """The sort key of the last row of the previous page: what a keyset ("after=") link carries."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT region_id, name, id FROM core_person WHERE region_id LIKE %s "
                    "ORDER BY region_id, name, id LIMIT 1 OFFSET %s", ["33%", max(0, (page - 1) * size - 1)])
        return list(cur.fetchone())


def what_if(run: Run, n_requests: int, total: dict[str, int], county_code: str) -> None:
    """The suggested fixes of docs/performance.md as bare SQL, timed against the SQL the app runs now.

    Information only (no target): figure = the alternative, baseline = today's statement.
    """
    hi = county_code + "9" * (12 - len(county_code))  # every code under the prefix, as a range
    cols = PAGE_SQL.split("WHERE")[0]
    order = " ORDER BY p.region_id, p.name, p.id LIMIT 50"
    mid = max(1, -(-total["province"] // 50) // 2)
    pairs = [
        ("county page 1: range, not LIKE",
         [(PAGE_SQL.format(where="p.region_id LIKE %s"), [county_code + "%", 50, 0])],
         [(cols + "WHERE p.region_id >= %s AND p.region_id <= %s" + order, [county_code, hi])]),
        ("province COUNT(*): capped at 10,001",
         [(COUNT_SQL.format(where="p.region_id LIKE %s"), ["33%"])],
         [("SELECT COUNT(*) FROM (SELECT 1 FROM core_person p WHERE p.region_id >= %s AND p.region_id <= %s "
           "LIMIT 10001) t", ["33", "33" + "9" * 10])]),
        (f"middle page {mid}: keyset, not OFFSET",
         [(PAGE_SQL.format(where="p.region_id LIKE %s"), ["33%", 50, (mid - 1) * 50])],
         [(cols + "WHERE p.region_id LIKE %s AND (p.region_id, p.name, p.id) > (%s, %s, %s)" + order,
           ["33%", *last_row_before(mid)])]),
        ("?q=王 COUNT: name prefix, not UPPER LIKE",
         [(COUNT_SQL.format(where="p.region_id LIKE %s AND UPPER(p.name) LIKE UPPER(%s)"), ["33%", "%王%"])],
         [(COUNT_SQL.format(where="p.name >= %s AND p.name < %s AND p.region_id LIKE %s"),
           ["王", "王\U0010ffff", "33%"])]),
    ]
    for label, now, alternative in pairs:
        say(f"  what-if: {label}")
        n = max(5, n_requests // 3)
        base = time_calls(lambda s=now: run_sql(s), n, warmup=1)
        alt = time_calls(lambda s=alternative: run_sql(s), n, warmup=1)
        run.report(f"what-if {label}", alt.p50, base.p50, None, figure_label="p50",
                   baseline_label="SQL today", extra=f"{base.p50 / alt.p50:.{0 if base.p50 >= 10 * alt.p50 else 1}f}× faster",
                   now=now, alternative=alternative)


def _short(sql: str, width: int = 200) -> str:
    sql = re.sub(r"^SELECT (?!COUNT).*? FROM ", "SELECT … FROM ", " ".join(sql.split()))
    return sql if len(sql) <= width else sql[:width] + "…"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.people_list", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_PEOPLE:,} people instead of {FULL_PEOPLE:,}")
    parser.add_argument("--people", type=int, help="number of people (default: by mode)")
    parser.add_argument("--requests", type=int, help="timed requests per page (default 30; 15 with --quick)")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the benchmark database")
    args = parser.parse_args(argv)
    n = args.people or (QUICK_PEOPLE if args.quick else FULL_PEOPLE)
    n_requests = args.requests or (15 if args.quick else 30)
    dbname = "workerhub_bench_quick" if args.quick else "workerhub_bench"

    run = Run("people_list", args.quick)
    say(f"people_list: PostgreSQL database {dbname}, {n:,} people")
    create_database(dbname, drop=args.rebuild)
    setup_django(database_url=database_url(dbname))
    migrate()
    ok, why = _reusable(n)
    if ok:
        say(f"  reusing the cached database ({why})")
        run.info["data"] = f"reused {why}"
    else:
        from django.db import connections

        say(f"  building ({why})")
        connections.close_all()
        drop_database(dbname)
        create_database(dbname)
        migrate()
        run.info["data"] = f"built {n:,} people"
        run.info["build"] = _build(n)
        say(f"  built in {run.info['build']['build_seconds']} s")
    run.info.update(database=dbname, people=n, requests_per_page=n_requests)
    measure(run, n_requests)
    run.save()


if __name__ == "__main__":
    main()
