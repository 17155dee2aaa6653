"""Benchmark D: the yearly HPF interest settlement of 1,000,000 accounts on PostgreSQL.

SPEC §8.1 "yearly HPF interest settlement": 1,000,000 accounts ≤ 2× a bare set-based statement over the same
balances (≈ 6–10 s here), ledger rows included, one transaction per chunk. Issue 3: ≤ 60 s.

Figure: ``settle_interest(year=2025, chunk=…)`` — the application's own code, unchanged: the list of accounts
to settle, then per chunk one aggregate query of balance-days over Entry ⋈ Posting and ``bulk_create`` of one
interest Posting and its two Entry rows per account, one transaction per chunk — timed from a clean state
(every interest posting of 30 June 2025 and its entries deleted, then VACUUM ANALYZE). The time inside the
database is split by statement with Django's ``connection.execute_wrapper`` (selects, posting inserts, entry
inserts) plus a wrapper around the connection's ``commit`` (WAL flush, deferred foreign-key checks); the rest
is Python — building ``Posting``/``Entry`` objects, compiling the INSERTs, Decimal rounding.

Baseline, in the same run and on the same clean state, through the same connection: one bare SQL statement
computing every active account's interest from the same balance-days (``CREATE TEMP TABLE … AS SELECT
account_id, round(Σ amount × days × rate / 100 / 360, 2) … GROUP BY account_id``). The real run must match it
to the fen, account by account, and every account must get exactly one interest posting with two entries
that sum to zero.

Information only: ``EXPLAIN ANALYZE`` of settle_interest's per-chunk aggregate for chunks of 5,000 and 20,000
accounts (the plan changes with the size of the ``IN`` list); the same settlement written as one ``INSERT …
SELECT`` statement per chunk of 5,000 accounts (postings and their entries, in a CTE), i.e. what a set-based
settlement costs with the ledger rows, also checked to the fen; and the whole settlement as one such statement
with and without two redundant indexes (``DROP INDEX`` inside a transaction that is rolled back, twice each).

Data: a dedicated database (``workerhub_bench_hpf``; ``workerhub_bench_hpf_quick`` for --quick) built once
and reused while it holds exactly the requested accounts (a comment on the database records the data
version): 湖州市住房公积金管理中心 (330500) as the centre; N flexible workers in Huzhou's counties (3305xx), each
with a unique ID number and look-up hash (the encrypted ID numbers and phones come from a pool of 1,000 real
Fernet ciphertexts: decryptable, but not the person's own); one active account each; 1–3 deposits per
account dated from 2023-09-01 to 2025-06-30 (the interest year 2024-07-01 … 2025-06-30 and before it), each a
Posting with its member and bank Entry rows. Loaded with COPY, secondary indexes dropped during the load and
rebuilt, foreign-key triggers skipped (``session_replication_role = replica``; the generator only uses keys
it has just read), then VACUUM ANALYZE.

    python -m bench.housing_settlement [--quick] [--accounts N] [--chunks 5000[,20000]] [--rebuild] [--no-what-if]
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from . import create_database, database_url, drop_database, migrate, say, setup_django
from .harness import Run, Target

FULL_ACCOUNTS, QUICK_ACCOUNTS = 1_000_000, 20_000
DATA_VERSION = 1  # bump when the generated data changes
YEAR = 2025
SEED = 20230901
CENTRE = ("湖州市住房公积金管理中心", "330500")
COUNTIES = ("330502", "330503", "330521", "330522", "330523")  # 吴兴, 南浔, 德清, 长兴, 安吉
FIRST_DEPOSIT, LAST_DEPOSIT = date(2023, 9, 1), date(2025, 6, 30)
POOL = 1000
WHAT_IF_CHUNK = 5000
PLAN_CHUNKS = (5000, 20_000)
TABLES = ("core_person", "housing_hpfaccount", "housing_posting", "housing_entry")


# --- data -----------------------------------------------------------------------------------------

def _comment(dbname: str) -> str:
    from . import pg_admin

    with pg_admin() as conn:
        row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                           [dbname]).fetchone()
    return (row and row[0]) or ""


def _marker(n: int) -> str:
    return f"workerhub bench housing_settlement data v{DATA_VERSION}: {n} accounts"


def _reusable(dbname: str, n: int) -> tuple[bool, str]:
    from workerhub.core.models import Person
    from workerhub.housing.models import HpfAccount

    if _comment(dbname) != _marker(n):
        return False, f"no data for {n:,} accounts (comment {_comment(dbname)!r})"
    have = HpfAccount.objects.filter(status=HpfAccount.Status.ACTIVE).count()
    if have != n:
        return False, f"has {have:,} active accounts, {n:,} requested"
    try:
        Person.objects.order_by("pk").first().id_number  # noqa: B018  (decrypts: the keys still match)
    except RuntimeError:
        return False, "encrypted with other keys"
    return True, f"{have:,} accounts"


def _id_number(i: int, region: str) -> str:
    from workerhub.core.rules import id_check_char

    birth = date(1970, 1, 1) + timedelta(days=(i // 1000) * 12)  # (birth date, sequence) unique per i
    first17 = f"{region}{birth:%Y%m%d}{i % 1000:03d}"
    return first17 + id_check_char(first17)


def _columns(model, known: set[str]) -> None:
    """Stop if ``model`` has a required column the generator does not fill."""
    for f in model._meta.concrete_fields:
        if not (f.primary_key or f.name in known or f.null or f.has_db_default() or f.has_default() or f.blank):
            sys.exit(f"bench/housing_settlement.py: {model.__name__}.{f.name} is new and required; add it to _build()")


def _text(value) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Spool:
    """Rows for ``COPY table (columns) FROM STDIN``, spooled as text to a temporary file until ``load``.

    (A connection runs one COPY at a time; spooling lets one pass generate every table.)"""

    def __init__(self, table: str, columns: list[str]):
        self.table, self.columns, self.rows = table, columns, 0
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115  (closed by load)

    def row(self, *values) -> None:
        self.file.write("\t".join(map(_text, values)))
        self.file.write("\n")
        self.rows += 1

    def load(self, cursor) -> int:
        self.file.seek(0)
        with cursor.copy(f'COPY "{self.table}" ({", ".join(self.columns)}) FROM STDIN') as copy:
            while block := self.file.read(1 << 20):
                copy.write(block)
        self.file.close()
        return self.rows


def _build(n: int) -> dict:
    import psycopg
    from django.db import connection, connections

    from workerhub.core.models import Organisation, Person
    from workerhub.core.pii import encrypt, lookup_hash
    from workerhub.housing import policy
    from workerhub.housing.models import Entry, HpfAccount, Posting

    t0 = time.perf_counter()
    centre, _ = Organisation.objects.get_or_create(name=CENTRE[0], region_id=CENTRE[1],
                                                   defaults={"kind": Organisation.Kind.HPF_CENTRE})
    policy_id = policy.city_policy(CENTRE[1], date(2024, 1, 1)).id
    _columns(Person, {"name", "id_number", "id_number_hash", "phone", "phone_hash", "birth_date", "sex", "region",
                      "employment_type", "occupation", "created_at", "updated_at"})
    _columns(HpfAccount, {"number", "person", "centre", "region", "declared_base", "ratio", "mode", "status",
                          "policy_id", "opened_at", "confirmed_at"})
    _columns(Posting, {"account", "kind", "amount", "idempotency_key", "value_date", "posted_at"})
    _columns(Entry, {"posting", "account", "book", "amount"})
    url = database_url(connection.settings_dict["NAME"])
    first_person = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    connections.close_all()

    rng = random.Random(SEED)
    pool_ids = [_id_number(10_000_000 + k, COUNTIES[k % 5]) for k in range(POOL)]
    pool_id_ct = [encrypt(v) for v in pool_ids]
    pool_phones = [f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" for _ in range(POOL)]
    pool_phone_ct = [encrypt(v) for v in pool_phones]
    pool_phone_hash = [lookup_hash(v) for v in pool_phones]
    from workerhub.core.demo import GIVEN, SURNAMES

    names = [s + g for s in SURNAMES[:40] for g in GIVEN[:25]]
    jobs = ["快递员", "网约车司机", "外卖骑手", "个体经营", "自由职业", "家政服务员"]
    now = datetime.now(UTC).isoformat(sep=" ")
    span = (LAST_DEPOSIT - FIRST_DEPOSIT).days
    timings: dict[str, float] = {}
    t1 = time.perf_counter()
    people = Spool("core_person", ["id", "name", "id_number", "id_number_hash", "phone", "phone_hash", "birth_date",
                                   "sex", "region_id", "employment_type", "occupation", "education", "created_at",
                                   "updated_at"])
    accounts = Spool("housing_hpfaccount", ["id", "number", "person_id", "centre_id", "region_id", "declared_base",
                                            "ratio", "mode", "status", "policy_id", "opened_at", "confirmed_at",
                                            "close_reason"])
    postings = Spool("housing_posting", ["id", "account_id", "kind", "amount", "idempotency_key", "value_date",
                                         "posted_at", "memo", "policy_id"])
    entries = Spool("housing_entry", ["id", "posting_id", "account_id", "book", "amount"])
    posting_id = 0
    for i in range(n):
        region, person, account = COUNTIES[i % 5], first_person + i, i + 1
        idn = _id_number(i, region)
        k = i % POOL
        people.row(person, names[rng.randrange(len(names))], pool_id_ct[k], lookup_hash(idn), pool_phone_ct[k],
                   pool_phone_hash[k], f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}", "M" if int(idn[16]) % 2 else "F",
                   region, "flexible", jobs[i % 6], "", now, now)
        lump = rng.random() < 0.3
        base, ratio = rng.randrange(2300, 12000, 100), rng.choice((10, 12, 16, 20, 24))
        days = sorted(rng.randrange(span + 1) for _ in range(rng.choice((1, 2, 2, 3))))
        opened = FIRST_DEPOSIT + timedelta(days=days[0])
        accounts.row(account, f"3305{account:010d}", person, centre.pk, region, base, ratio,
                     "lump_sum" if lump else "monthly", "active", policy_id, f"{opened} 09:00:00+08",
                     f"{opened} 10:00:00+08", "")
        for j, day in enumerate(days):
            posting_id += 1
            cents = rng.randrange(100_000, 5_000_000) * (4 if lump else 1)
            amount = f"{cents // 100}.{cents % 100:02d}"
            postings.row(posting_id, account, "deposit", amount, f"bench-deposit:{account}:{j}",
                         FIRST_DEPOSIT + timedelta(days=day), now, "缴存", policy_id)
            entries.row(2 * posting_id - 1, posting_id, account, "member", amount)
            entries.row(2 * posting_id, posting_id, None, "bank", "-" + amount)
        if (i + 1) % 200_000 == 0:
            say(f"  generated {i + 1:>9,} / {n:,} accounts, {posting_id:,} postings  {time.perf_counter() - t1:6.1f} s")
    timings["generate_seconds"] = round(time.perf_counter() - t1, 1)
    with psycopg.connect(url) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '512MB'")
        indexes = conn.execute(
            """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
               WHERE x.indrelid = ANY(%s::regclass[]) AND NOT x.indisprimary
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""",
            [list(TABLES)]).fetchall()
        for name, _definition in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        cur = conn.cursor()
        t1 = time.perf_counter()
        for spool in (people, accounts, postings, entries):
            t2 = time.perf_counter()
            rows = spool.load(cur)
            say(f"  COPY {spool.table}: {rows:,} rows, {time.perf_counter() - t2:.1f} s")
        timings["copy_seconds"] = round(time.perf_counter() - t1, 1)
        say(f"  {n:,} people and accounts, {posting_id:,} postings, {2 * posting_id:,} entries copied")
        for table in TABLES:
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"))")
        t1 = time.perf_counter()
        for _name, definition in indexes:
            conn.execute(definition)
        conn.commit()
        timings["index_seconds"] = round(time.perf_counter() - t1, 1)
        say(f"  {len(indexes)} indexes rebuilt: {timings['index_seconds']} s")
    with psycopg.connect(url, autocommit=True) as conn:
        t1 = time.perf_counter()
        for table in TABLES:
            conn.execute(f'VACUUM ANALYZE "{table}"')
        orphans = conn.execute(
            """SELECT (SELECT count(*) FROM housing_entry e LEFT JOIN housing_posting p ON p.id = e.posting_id
                        WHERE p.id IS NULL)
                    + (SELECT count(*) FROM housing_posting p LEFT JOIN housing_hpfaccount a ON a.id = p.account_id
                        WHERE a.id IS NULL)
                    + (SELECT count(*) FROM housing_hpfaccount a LEFT JOIN core_person p ON p.id = a.person_id
                        WHERE p.id IS NULL)""").fetchone()[0]
        if orphans:
            sys.exit(f"bench/housing_settlement.py: {orphans} rows point at missing rows")
        timings["vacuum_seconds"] = round(time.perf_counter() - t1, 1)
    timings.update(postings=posting_id, entries=2 * posting_id, build_seconds=round(time.perf_counter() - t0, 1))
    return timings


def ensure_data(dbname: str, n: int, rebuild: bool) -> str:
    from django.db import connections

    from . import pg_admin

    create_database(dbname, drop=rebuild)
    setup_django(database_url=database_url(dbname))
    migrate()
    ok, why = _reusable(dbname, n)
    if ok:
        say(f"  reusing the cached database ({why})")
        return f"reused {why}"
    say(f"  building ({why})")
    connections.close_all()
    drop_database(dbname)
    create_database(dbname)
    migrate()
    timings = _build(n)
    with pg_admin() as conn:
        conn.execute(f"COMMENT ON DATABASE \"{dbname}\" IS '{_marker(n)}'")
    say(f"  built in {timings['build_seconds']} s: {timings}")
    return f"built {n:,} accounts: {timings}"


# --- measurement ----------------------------------------------------------------------------------

def reset() -> float:
    """Delete every interest posting of the year and its entries (the ledger has no delete trigger)."""
    from django.db import connection

    from workerhub.housing.settlement import period

    _start, end = period(YEAR)
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_interest")
        cur.execute("SET session_replication_role = replica")  # no FK checks while deleting whole postings
        cur.execute("""DELETE FROM housing_entry e USING housing_posting p
                        WHERE e.posting_id = p.id AND p.kind = 'interest' AND p.value_date = %s""", [end])
        cur.execute("DELETE FROM housing_posting WHERE kind = 'interest' AND value_date = %s", [end])
        cur.execute("SET session_replication_role = origin")
        cur.execute("VACUUM ANALYZE housing_posting")
        cur.execute("VACUUM ANALYZE housing_entry")
        cur.execute("SELECT count(*) FROM housing_posting WHERE kind = 'interest' AND value_date = %s", [end])
        assert cur.fetchone()[0] == 0
    return time.perf_counter() - t0


BASELINE_SQL = """
CREATE TEMP TABLE bench_interest AS
SELECT e.account_id,
       round(sum(e.amount * CASE WHEN p.value_date < %(start)s THEN %(days)s
                                 ELSE (%(end)s::date - p.value_date) + 1 END) * %(rate)s / 100 / 360, 2) AS interest
  FROM housing_entry e
  JOIN housing_posting p ON p.id = e.posting_id
  JOIN housing_hpfaccount a ON a.id = e.account_id
 WHERE a.status = 'active' AND e.book = 'member' AND p.value_date <= %(end)s
 GROUP BY e.account_id"""


def _params() -> dict:
    from workerhub.housing import policy
    from workerhub.housing.settlement import period

    start, end = period(YEAR)
    return {"start": start, "end": end, "days": (end - start).days + 1, "rate": policy.deposit_rate_on(end).rate}


def baseline() -> tuple[float, dict]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_interest")
        t0 = time.perf_counter()
        cur.execute(BASELINE_SQL, _params())
        seconds = time.perf_counter() - t0
        cur.execute("SELECT count(*), count(*) FILTER (WHERE interest > 0), sum(interest) FROM bench_interest")
        accounts, positive, total = cur.fetchone()
    return seconds, {"accounts": accounts, "positive": positive, "interest": total}


class Breakdown:
    """Time spent executing SQL, by kind of statement (Django's execute_wrapper)."""

    def __init__(self):
        self.spent = {"select": 0.0, "insert_posting": 0.0, "insert_entry": 0.0, "other_sql": 0.0}
        self.count = dict.fromkeys(self.spent, 0)

    def __call__(self, execute, sql, params, many, context):
        head = sql.lstrip()[:40].upper()
        key = ("insert_posting" if "HOUSING_POSTING" in head else "insert_entry" if "HOUSING_ENTRY" in head
               else "other_sql") if head.startswith("INSERT") else "select" if head.startswith("SELECT") else "other_sql"
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.spent[key] += time.perf_counter() - t0
            self.count[key] += 1


def settle(chunk: int, n: int) -> tuple[float, dict, dict]:
    from django.db import connection

    from workerhub.housing.settlement import settle_interest

    step = max(chunk, n // 10)
    state = {"next": step}

    def progress(done, total):
        if done >= state["next"] or done == total:
            say(f"    settled {done:>9,} / {total:,}  {time.perf_counter() - t0:6.1f} s")
            state["next"] = done + step

    spent = Breakdown()
    connection.ensure_connection()
    real_commit = connection.commit

    def commit():
        t1 = time.perf_counter()
        try:
            return real_commit()
        finally:
            spent.spent["commit"] = spent.spent.get("commit", 0.0) + time.perf_counter() - t1

    connection.commit = commit  # transaction.atomic commits through the connection object
    try:
        with connection.execute_wrapper(spent):
            t0 = time.perf_counter()
            result = settle_interest(year=YEAR, chunk=chunk, progress=progress)
            seconds = time.perf_counter() - t0
    finally:
        del connection.commit
    phases = {k: round(v, 2) for k, v in spent.spent.items()}
    phases["python"] = round(seconds - sum(spent.spent.values()), 2)
    return seconds, result, {"phases": phases, "statements": spent.count}


def verify(n: int, base: dict) -> tuple[bool, str, dict]:
    """Every account exactly one interest posting, two entries summing to zero, equal to the baseline to the fen."""
    from django.db import connection

    from workerhub.housing.settlement import period

    _start, end = period(YEAR)
    with connection.cursor() as cur:
        cur.execute("""SELECT count(*), count(DISTINCT account_id), coalesce(sum(amount), 0)
                         FROM housing_posting WHERE kind = 'interest' AND value_date = %s""", [end])
        postings, accounts, total = cur.fetchone()
        cur.execute("""SELECT count(*), coalesce(sum(e.amount), 0),
                              count(*) FILTER (WHERE e.book = 'member' AND e.account_id = p.account_id
                                                 AND e.amount = p.amount)
                         FROM housing_entry e JOIN housing_posting p ON p.id = e.posting_id
                        WHERE p.kind = 'interest' AND p.value_date = %s""", [end])
        entries, entry_sum, member_ok = cur.fetchone()
        cur.execute("""SELECT count(*) FROM bench_interest b
                         FULL JOIN (SELECT account_id, amount FROM housing_posting
                                     WHERE kind = 'interest' AND value_date = %s) p USING (account_id)
                        WHERE b.interest IS DISTINCT FROM p.amount AND coalesce(b.interest, 0) > 0""", [end])
        differ = cur.fetchone()[0]
    facts = {"postings": postings, "accounts": accounts, "interest": total, "entries": entries,
             "entries_sum": entry_sum, "member_entries_ok": member_ok, "accounts_differing_from_baseline": differ,
             "baseline_interest": base["interest"]}
    ok = (postings == accounts == n == base["positive"] and entries == 2 * n and entry_sum == 0
          and member_ok == n and differ == 0 and total == base["interest"])
    text = (f"{postings:,} interest postings for {accounts:,} of {n:,} accounts, {entries:,} entries summing to "
            f"{entry_sum}; total ¥{total:,} vs baseline ¥{base['interest']:,}; {differ} accounts differ")
    return ok, text, facts


WHAT_IF_SQL = """
WITH agg AS (
    SELECT e.account_id,
           round(sum(e.amount * CASE WHEN p.value_date < %(start)s THEN %(days)s
                                     ELSE (%(end)s::date - p.value_date) + 1 END) * %(rate)s / 100 / 360, 2) AS interest
      FROM housing_entry e JOIN housing_posting p ON p.id = e.posting_id
     WHERE e.account_id = ANY(%(ids)s) AND e.book = 'member' AND p.value_date <= %(end)s
     GROUP BY e.account_id),
ins AS (
    INSERT INTO housing_posting (account_id, kind, amount, idempotency_key, value_date, posted_at, memo, policy_id)
    SELECT account_id, 'interest', interest, 'interest:' || %(year)s || ':' || account_id, %(end)s, now(),
           %(memo)s, %(policy)s
      FROM agg WHERE interest > 0
    RETURNING id, account_id, amount)
INSERT INTO housing_entry (posting_id, account_id, book, amount)
SELECT id, account_id, 'member', amount FROM ins
UNION ALL
SELECT id, NULL, 'interest', -amount FROM ins"""


def what_if_set_based(chunk: int) -> float:
    """The settlement as one INSERT … SELECT per chunk (postings and entries), one transaction per chunk."""
    from django.db import connection, transaction

    from workerhub.housing import policy
    from workerhub.housing.settlement import accounts_to_settle

    params = _params()
    params.update(year=str(YEAR), memo=f"{YEAR}年度结息 年利率{params['rate']}%",
                  policy=policy.deposit_rate_on(params["end"]).policy_id)
    t0 = time.perf_counter()
    ids = list(accounts_to_settle(YEAR).order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), chunk):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(WHAT_IF_SQL, {**params, "ids": ids[i:i + chunk]})
    return time.perf_counter() - t0


def chunk_plans(run: Run, n: int) -> None:
    """EXPLAIN ANALYZE of settle_interest's per-chunk aggregate for a middle chunk of each size (clean state)."""
    from django.db import connection
    from django.db.models import Case, DecimalField, F, Sum, Value, When
    from django.db.models.functions import Cast

    from workerhub.housing.models import Entry
    from workerhub.housing.settlement import DaysBetween, period

    from .people_list import plan_summary

    start, end = period(YEAR)
    with connection.cursor() as cur:  # ids as settle_interest takes them (ascending), from the middle
        cur.execute("SELECT id FROM housing_hpfaccount WHERE status = 'active' ORDER BY id OFFSET %s LIMIT %s",
                    [max(0, n // 2 - max(PLAN_CHUNKS)), max(PLAN_CHUNKS)])
        ids = cur.fetchall()
    for size in PLAN_CHUNKS:
        part = [i for (i,) in ids[:size]]
        if len(part) < size:
            continue
        # settlement.py's query, built the same way (its Case/When, DaysBetween and Sum)
        days = Case(When(posting__value_date__lt=start, then=Cast(Value((end - start).days + 1),
                                                                  DecimalField(max_digits=10, decimal_places=0))),
                    default=DaysBetween(Value(end), F("posting__value_date")) + 1)
        qs = (Entry.objects.filter(account_id__in=part, book=Entry.Book.MEMBER, posting__value_date__lte=end)
              .values("account_id").annotate(balance_days=Sum(F("amount") * days,
                                                              output_field=DecimalField(max_digits=24, decimal_places=2))))
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
            raw = cur.fetchone()[0]
        plan = plan_summary(raw if isinstance(raw, list) else json.loads(raw))
        run.note(f"    settle_interest's aggregate for one chunk of {size:,}: {plan['execution_ms']:.0f} ms "
                 f"({plan['execution_ms'] * 1000 / size:.1f} µs/account): {plan['plan']}", chunk=size, explain=plan)


INDEX_SQL = """
WITH agg AS (
    SELECT e.account_id,
           round(sum(e.amount * CASE WHEN p.value_date < %(start)s THEN %(days)s
                                     ELSE (%(end)s::date - p.value_date) + 1 END) * %(rate)s / 100 / 360, 2) AS interest
      FROM housing_entry e JOIN housing_posting p ON p.id = e.posting_id
      JOIN housing_hpfaccount a ON a.id = e.account_id
     WHERE a.status = 'active' AND e.book = 'member' AND p.value_date <= %(end)s
     GROUP BY e.account_id),
ins AS (
    INSERT INTO housing_posting (account_id, kind, amount, idempotency_key, value_date, posted_at, memo, policy_id)
    SELECT account_id, 'interest', interest, 'interest:' || %(year)s || ':' || account_id, %(end)s, now(), '', ''
      FROM agg WHERE interest > 0
    RETURNING id, account_id, amount)
INSERT INTO housing_entry (posting_id, account_id, book, amount)
SELECT id, account_id, 'member', amount FROM ins
UNION ALL
SELECT id, NULL, 'interest', -amount FROM ins"""


def redundant_indexes() -> list[str]:
    """Indexes no query needs: the LIKE twin of Posting.idempotency_key, Entry(account) under Entry(account, book)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("""SELECT indexname FROM pg_indexes
                        WHERE (tablename = 'housing_posting' AND indexdef LIKE '%%(idempotency_key varchar_pattern_ops)')
                           OR (tablename = 'housing_entry' AND indexdef LIKE '%%btree (account_id)')""")
        return [r[0] for r in cur.fetchall()]


def what_if_indexes(run: Run) -> None:
    """The whole settlement as one INSERT … SELECT, with and without the redundant indexes (rolled back)."""
    from django.db import connection, transaction

    params = {**_params(), "year": str(YEAR)}
    names = redundant_indexes()
    times: dict[str, list[float]] = {"with": [], "without": []}
    for variant in ("with", "without", "with", "without"):
        with transaction.atomic(), connection.cursor() as cur:
            if variant == "without":
                for name in names:
                    cur.execute(f'DROP INDEX "{name}"')
            t0 = time.perf_counter()
            cur.execute(INDEX_SQL, params)
            times[variant].append(time.perf_counter() - t0)
            transaction.set_rollback(True)  # the indexes come back, the rows go
        with connection.cursor() as cur:
            cur.execute("VACUUM housing_posting")
            cur.execute("VACUUM housing_entry")
        say(f"    one statement {variant} {', '.join(names)}: {times[variant][-1]:.1f} s")
    now, alt = statistics.median(times["with"]), statistics.median(times["without"])
    run.report("what-if set-based, w/o 2 redundant indexes", alt, now, None, unit="s", figure_label="median",
               baseline_label="same, indexes as today",
               extra=f"{now / alt:.2f}× faster; dropped {', '.join(names)}", times=times)


def measure(run: Run, n: int, chunks: list[int], what_if: bool) -> None:
    figures = {}
    for chunk in chunks:
        say(f"  chunk {chunk:,}: reset")
        reset_s = reset()
        base_s, base = baseline()
        say(f"  chunk {chunk:,}: reset {reset_s:.1f} s, baseline {base_s:.2f} s ({base['accounts']:,} accounts, "
            f"¥{base['interest']:,}); settling")
        if chunk == chunks[0]:
            chunk_plans(run, n)
        seconds, result, detail = settle(chunk, n)
        ok, text, facts = verify(n, base)
        figures[chunk] = seconds
        rate = n / seconds
        ledger = 3 * n / seconds
        row = run.report(f"settlement {n:,} accounts, chunk {chunk:,}", seconds, base_s, Target.ratio(2.0),
                         unit="s", figure_label="time", baseline_label="bare set-based SQL",
                         extra=f"{rate:,.0f} accounts/s, {ledger:,.0f} ledger rows/s", chunk=chunk, result=result,
                         baseline_facts={k: str(v) for k, v in base.items()}, reset_seconds=reset_s, **detail)
        run.report(f"settlement {n:,} accounts (issue: ≤60 s)", seconds, base_s,
                   Target.at_most(60.0), unit="s", figure_label="time", baseline_label="bare set-based SQL")
        phases = " · ".join(f"{k} {v:.1f}" for k, v in detail["phases"].items())
        run.note(f"    where the time goes, s: {phases}   (statements: "
                 f"{', '.join(f'{k} {v}' for k, v in detail['statements'].items() if v)})")
        run.check(f"settlement = baseline to the fen (chunk {chunk:,})", ok, text,
                  facts={k: str(v) for k, v in facts.items()})
        row["verified"] = ok
    if len(figures) > 1:
        best = min(figures, key=figures.get)
        run.note("    chunk sizes: " + ", ".join(f"{c:,} → {s:.1f} s" for c, s in figures.items())
                 + f"; fastest here: {best:,}")
    if what_if:
        say(f"  what-if: one INSERT … SELECT per {WHAT_IF_CHUNK:,} accounts; reset")
        reset()
        base_s, base = baseline()
        seconds = what_if_set_based(WHAT_IF_CHUNK)
        ok, text, facts = verify(n, base)
        run.report(f"what-if set-based settlement, chunk {WHAT_IF_CHUNK:,}", seconds, base_s, None, unit="s",
                   figure_label="time", baseline_label="bare set-based SQL",
                   extra=f"{n / seconds:,.0f} accounts/s; {statistics.median(figures.values()) / seconds:.1f}× faster "
                         f"than settle_interest; same to the fen: {'yes' if ok else 'NO'}",
                   facts={k: str(v) for k, v in facts.items()})
        reset()
        what_if_indexes(run)
    reset()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.housing_settlement", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ACCOUNTS:,} accounts instead of {FULL_ACCOUNTS:,}")
    parser.add_argument("--accounts", type=int, help="number of accounts (default: by mode)")
    parser.add_argument("--chunks", help="chunk sizes to time on all accounts, comma-separated "
                        "(default 5000; 5000,20000 with --quick)")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the benchmark database")
    parser.add_argument("--no-what-if", action="store_true", help="skip the set-based INSERT … SELECT comparison")
    args = parser.parse_args(argv)
    n = args.accounts or (QUICK_ACCOUNTS if args.quick else FULL_ACCOUNTS)
    chunks = [int(c) for c in (args.chunks or ("5000,20000" if args.quick else "5000")).split(",") if c.strip()]
    dbname = "workerhub_bench_hpf_quick" if args.quick else "workerhub_bench_hpf"

    run = Run("housing_settlement", args.quick)
    say(f"housing_settlement: PostgreSQL database {dbname}, {n:,} accounts, chunks {chunks}")
    run.info["data"] = ensure_data(dbname, n, args.rebuild)
    run.info.update(database=dbname, accounts=n, chunks=chunks, year=YEAR, deposit_rate=str(_params()["rate"]))
    measure(run, n, chunks, not args.no_what_if)
    run.save()


if __name__ == "__main__":
    main()
