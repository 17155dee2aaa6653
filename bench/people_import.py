"""Benchmark B: Excel import of 100,000 people with full validation, on SQLite and on PostgreSQL.

SPEC §8.1: "Excel import with full validation — 100,000 people — ≤ 2× merely reading the file with
the same reader (calamine)".

Figure: ``import_people(path, actor=None)`` — calamine read, every rule of every row, encryption and
look-up hashes, the write in one transaction — into a fresh database each time (a copy of a migrated
SQLite file in WAL mode; ``CREATE DATABASE … TEMPLATE`` on PostgreSQL) that already holds the 2,000
enterprises whose credit codes the file cites. Baseline, in the same process: iterating every row of
the same file with python-calamine, alternating with the imports so that both see the same load. A
further, instrumented run splits the time into read / validate / hash / encrypt / orm / sql_insert /
sql_other / commit (the wrappers cost a few per cent); on PostgreSQL the same rows are then also
written with COPY, for comparison with the ``bulk_create`` the importer uses.

The file (template headers from ``workerhub.core.imports.PEOPLE_COLUMNS``; valid unique ID numbers,
existing county codes, credit codes of existing enterprises; phones and region codes sometimes typed
as numbers, as users do) is built once and cached in bench/results/.

    python -m bench.people_import [--quick] [--rows N]        # drives both databases
    python -m bench.people_import --db sqlite|pg [--rows N]   # one database (a child process)
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from . import RESULTS, create_database, database_url, drop_database, migrate, say, setup_django
from .harness import Run, Target

FULL_ROWS, QUICK_ROWS = 100_000, 5_000
ENTERPRISES = 2000
TARGET = Target.ratio(2.0)
FILE_VERSION = 1  # bump when the generated file changes
PG_NAME, PG_TEMPLATE = "workerhub_bench_import", "workerhub_bench_import_tpl"


# --- the file -------------------------------------------------------------------------------------

def ensure_file(rows: int) -> Path:
    """The cached .xlsx of ``rows`` people in the importer's template format (built if missing)."""
    from python_calamine import CalamineWorkbook

    from workerhub.core.imports import HEADERS

    path = RESULTS / f"people-import-v{FILE_VERSION}-{rows}.xlsx"
    if path.exists():
        headers = next(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())
        if [str(h) for h in headers] == HEADERS:
            return path
        say(f"  {path.name}: the template's headers changed, rebuilding")
    say(f"  building {path.name} ({rows:,} rows, cached for later runs)")
    t0 = time.perf_counter()
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as out:
        shutil.copyfileobj(_write_people_xlsx(rows), out)
    tmp.rename(path)
    say(f"  built in {time.perf_counter() - t0:.1f} s, {path.stat().st_size / 1e6:.1f} MB")
    return path


def _write_people_xlsx(rows: int):
    from workerhub.core.excel import write_xlsx
    from workerhub.core.imports import PEOPLE_COLUMNS

    from . import synth

    firms = synth.enterprises(ENTERPRISES)
    people = synth.People(rows, [f.region for f in firms])
    fields = [c[1] for c in PEOPLE_COLUMNS]

    def row(i):
        p = people[i]
        values = {
            "name": p.name, "id_number": p.id_number,
            "phone": int(p.phone) if i % 2 else p.phone,  # Excel users type phones as numbers
            "region": int(p.region) if i % 3 == 0 else p.region,
            "employer": firms[p.firm].credit_code if p.firm is not None else "",
            "occupation": p.occupation, "education": synth.EDUCATION_LABEL[p.education],
            "employment_type": synth.EMPLOYMENT_LABEL[p.employment] if i % 5 else "",  # empty = default
            "union_member_since": p.joined if i % 4 else p.joined.isoformat(),
        }
        return [values.get(f, "") for f in fields]

    return write_xlsx([c[0] for c in PEOPLE_COLUMNS], (row(i) for i in range(rows)), sheet="人员")


def read_with_calamine(path: Path) -> int:
    """The baseline: open the file and iterate every row of the first sheet."""
    from python_calamine import CalamineWorkbook

    n = 0
    for _row in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows():
        n += 1
    return n - 1


# --- fresh databases --------------------------------------------------------------------------------

class Fresh:
    """Hands out a fresh, migrated database holding the enterprises, once per import run."""

    def __init__(self, db: str):
        self.db = db
        if db == "sqlite":
            self.dir = Path(tempfile.mkdtemp(prefix="workerhub-bench-import-"))
            self.path, self.template = self.dir / "run.sqlite3", self.dir / "template.sqlite3"
            setup_django(sqlite=self.path)
        else:
            for name in (PG_NAME, PG_TEMPLATE):
                drop_database(name)
            create_database(PG_NAME)
            setup_django(database_url=database_url(PG_NAME))
        t0 = time.perf_counter()
        migrate()
        self._enterprises()
        self._snapshot()
        say(f"  {db}: migrated template database in {time.perf_counter() - t0:.1f} s")

    def _enterprises(self) -> None:
        from workerhub.core.models import Organisation

        from . import synth

        Organisation.objects.bulk_create(
            Organisation(name=f.name, kind=Organisation.Kind.ENTERPRISE, region_id=f.region, credit_code=f.credit_code)
            for f in synth.enterprises(ENTERPRISES))

    def _snapshot(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.db == "sqlite":
            shutil.copyfile(self.path, self.template)
        else:
            with _admin() as conn:
                conn.execute(f'ALTER DATABASE "{PG_NAME}" RENAME TO "{PG_TEMPLATE}"')

    def reset(self) -> None:
        """Replace the run database with a copy of the template (Django reconnects lazily)."""
        from django.db import connections

        connections.close_all()
        if self.db == "sqlite":
            for suffix in ("-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.template, self.path)
        else:
            with _admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{PG_NAME}" TEMPLATE "{PG_TEMPLATE}"')

    def close(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.db == "sqlite":
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            for name in (PG_NAME, PG_TEMPLATE):
                drop_database(name)


def _admin():
    from . import pg_admin

    return pg_admin()


# --- the import -------------------------------------------------------------------------------------

def import_once(path: Path, rows: int) -> float:
    from workerhub.core.imports import import_people
    from workerhub.core.models import Person

    t0 = time.perf_counter()
    result = import_people(path, actor=None)
    seconds = time.perf_counter() - t0
    if not result.written or result.created != rows or result.errors:
        sys.exit(f"bench/people_import.py: the import did not write {rows:,} rows: created {result.created}, "
                 f"first errors {[str(e) for e in result.errors[:5]]}")
    assert Person.objects.count() == rows
    return seconds


class Clock:
    """Accumulates the time spent inside wrapped callables, by phase."""

    def __init__(self):
        self.spent: dict[str, float] = {}
        self.writing = False

    def wrap(self, fn, phase):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                key = phase(self, args) if callable(phase) else phase
                self.spent[key] = self.spent.get(key, 0.0) + time.perf_counter() - t0

        return timed


@contextmanager
def _patched(obj, name, value):
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


def import_instrumented(path: Path, rows: int) -> dict:
    """One import with timing wrappers around the reader, hashing, encryption, the ORM and the SQL."""
    from contextlib import ExitStack

    from django.db import connection
    from django.db.backends.utils import CursorWrapper

    from workerhub.core import imports, pii
    from workerhub.core.scope import ScopedQuerySet

    clock = Clock()
    real_read, real_write = imports.read_xlsx, imports._write

    def timed_read(source):
        t0 = time.perf_counter()
        headers, it = real_read(source)  # calamine parses the whole sheet here
        clock.spent["read"] = time.perf_counter() - t0

        def rows_timed():
            while True:
                t0 = time.perf_counter()
                row = next(it, None)
                clock.spent["read"] += time.perf_counter() - t0
                if row is None:
                    return
                yield row

        return headers, rows_timed()

    def timed_write(*args, **kwargs):
        clock.writing = True
        clock.spent["before_write"] = time.perf_counter() - started
        return clock.wrap(real_write, "write")(*args, **kwargs)

    def sql_phase(c, args):
        if not c.writing:
            return "sql_validate"
        return "sql_insert" if str(args[1]).lstrip().upper().startswith("INSERT") else "sql_other"

    with ExitStack() as stack:
        stack.enter_context(_patched(imports, "read_xlsx", timed_read))
        stack.enter_context(_patched(imports, "_write", timed_write))
        stack.enter_context(_patched(imports, "lookup_hash", clock.wrap(
            imports.lookup_hash, lambda c, _args: "hash_write" if c.writing else "hash_validate")))
        stack.enter_context(_patched(pii, "encrypt", clock.wrap(pii.encrypt, "encrypt")))
        stack.enter_context(_patched(ScopedQuerySet, "bulk_create", clock.wrap(ScopedQuerySet.bulk_create, "bulk")))
        stack.enter_context(_patched(CursorWrapper, "execute", clock.wrap(CursorWrapper.execute, sql_phase)))
        connection.ensure_connection()
        stack.enter_context(_patched(connection, "commit", clock.wrap(connection.commit, "commit")))
        started = time.perf_counter()
        total = import_once(path, rows)
    def s(key: str) -> float:
        return clock.spent.get(key, 0.0)

    write_sql = s("sql_insert") + s("sql_other")
    phases = {
        "read": s("read"),  # calamine: open, parse, iterate
        "validate": s("before_write") - s("read") - s("hash_validate"),  # rules, cells, region/employer look-ups
        "hash": s("hash_validate") + s("hash_write"),  # HMAC look-up hashes of ID numbers and phones
        "encrypt": s("encrypt"),  # Fernet, ID number and phone
        "orm": s("write") - s("hash_write") - s("encrypt") - write_sql - s("commit"),  # Person(), bulk_create
        "sql_insert": s("sql_insert"),  # executing the INSERT statements
        "sql_other": s("sql_other"),  # the existing-rows look-up (IN over every hash), the audit row
        "commit": s("commit"),
    }
    return {"total": total, "phases": phases, "bulk_create_excluding_encrypt": s("bulk") - s("encrypt"),
            "raw": clock.spent}


def copy_reference(rows: int) -> float:
    """PostgreSQL: write the same (already encrypted) rows again with COPY, indexes in place."""
    from django.db import connection

    from workerhub.core.models import Person

    table = Person._meta.db_table
    data = bytearray()
    with connection.cursor() as cur:
        raw = cur.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f'COPY "{table}" TO STDOUT (FORMAT BINARY)') as copy:
            for chunk in copy:
                data += chunk
        cur.execute(f'TRUNCATE "{table}" CASCADE')
        t0 = time.perf_counter()
        with raw.copy(f'COPY "{table}" FROM STDIN (FORMAT BINARY)') as copy:
            copy.write(bytes(data))
        seconds = time.perf_counter() - t0
        cur.execute(f'SELECT count(*) FROM "{table}"')
        assert cur.fetchone()[0] == rows
    return seconds


def child(db: str, rows: int, repeats: int, quick: bool) -> None:
    label = {"sqlite": "SQLite", "pg": "PostgreSQL"}[db]
    run = Run(f"people_import_{db}", quick)
    fresh = Fresh(db)
    try:
        path = ensure_file(rows)
        # Reads and imports alternate, so that both see the same load on a shared machine.
        reads, imports = [], []
        for i in range(repeats):
            t0 = time.perf_counter()
            assert read_with_calamine(path) == rows
            reads.append(time.perf_counter() - t0)
            fresh.reset()
            imports.append(import_once(path, rows))
            say(f"  {db}: calamine read {reads[-1]:.2f} s, import {i + 1}/{repeats}: {imports[-1]:.2f} s")
        t0 = time.perf_counter()
        assert read_with_calamine(path) == rows
        reads.append(time.perf_counter() - t0)
        fresh.reset()
        detail = import_instrumented(path, rows)
        if db == "pg":
            detail["phases_copy_reference"] = copy_reference(rows)
        figure, baseline = statistics.median(imports), statistics.median(reads)
        per_row = figure / rows * 1e6
        run.report(f"people import {rows:,} rows ({label})", figure, baseline, TARGET, unit="s",
                   figure_label="median", baseline_label="calamine read", extra=f"{per_row:.0f} µs/row",
                   imports=imports, reads=reads, rows=rows, breakdown=detail)
        phases = detail["phases"]
        parts = " · ".join(f"{k} {v:.2f}" for k, v in phases.items())
        run.note(f"    breakdown, s (instrumented run {detail['total']:.1f} s): {parts}")
        if "phases_copy_reference" in detail:
            run.note(f"    COPY of the same {rows:,} encrypted rows: {detail['phases_copy_reference']:.2f} s "
                     f"(bulk_create without encryption above: {detail['bulk_create_excluding_encrypt']:.2f} s)")
        run.info.update(file=str(path), file_mb=round(path.stat().st_size / 1e6, 1), repeats=repeats)
        run.save()
    finally:
        fresh.close()


def parent(dbs: list[str], rows: int, quick: bool, repeats: int) -> int:
    status = 0
    for db in dbs:
        cmd = [sys.executable, "-m", "bench.people_import", "--db", db, "--rows", str(rows),
               "--repeats", str(repeats)] + (["--quick"] if quick else [])
        status |= subprocess.run(cmd, check=False).returncode
    merged = {}
    for db in dbs:
        path = RESULTS / f"people_import_{db}.json"
        if path.exists():
            merged[db] = json.loads(path.read_text())
    (RESULTS / "people_import.json").write_text(json.dumps(merged, ensure_ascii=False, indent=2))
    return status


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.people_import", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} rows instead of {FULL_ROWS:,}")
    parser.add_argument("--rows", type=int, help="rows in the file (default: by mode)")
    parser.add_argument("--db", choices=["sqlite", "pg"], help="run one database in this process")
    parser.add_argument("--repeats", type=int, help="timed imports per database (default 2; 3 with --quick)")
    args = parser.parse_args(argv)
    rows = args.rows or (QUICK_ROWS if args.quick else FULL_ROWS)
    repeats = args.repeats or (3 if args.quick else 2)
    if args.db:
        say(f"people_import: {args.db}, {rows:,} rows")
        child(args.db, rows, repeats, args.quick)
    else:
        sys.exit(parent(["sqlite", "pg"], rows, args.quick, repeats))


if __name__ == "__main__":
    main()
