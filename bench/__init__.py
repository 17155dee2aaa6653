"""WorkerHub's benchmark suite (SPEC §8.1): ``make bench`` or ``python -m bench [names...] [--quick]``.

Every benchmark measures its own baseline in the same run and reports the ratio, because absolute
times on a shared 2-core machine vary by 2–3× from run to run. Each benchmark runs in its own
process (Django settings are read once, at ``django.setup()``), writes ``bench/results/<name>.json``
and prints one line per figure. See docs/performance.md.

Benchmarks never touch the developer's database or keys: they use their own PostgreSQL databases
(``workerhub_bench*``) or temporary SQLite files, and their own dev keys in ``bench/results/var/``.
"""

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
# The PostgreSQL server (no database name): benchmarks create and drop their own databases on it.
PG_SERVER = os.environ.get("WORKERHUB_BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
BENCHMARKS = ("people_list", "people_import", "housing_quotes", "housing_settlement", "stations_nearest",
              "skills_issue", "skills_verify", "talent_profiles")


def database_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


def pg_admin():
    """An autocommit connection to the server's maintenance database (CREATE / DROP DATABASE)."""
    import psycopg

    return psycopg.connect(database_url("postgres"), autocommit=True, connect_timeout=5)


def drop_database(name: str) -> None:
    from psycopg import sql

    with pg_admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def create_database(name: str, *, drop: bool = False) -> bool:
    """Create ``name`` unless it exists (or drop it first); returns whether it was created."""
    from psycopg import sql

    with pg_admin() as conn:
        if drop:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        elif conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name)))
        return True


def setup_django(*, database_url: str | None = None, sqlite: Path | None = None) -> None:
    """Point the settings at a benchmark database, then ``django.setup()`` (settings are read once).

    WORKERHUB_ENV=test gives DEBUG=False and the immediate task backend (WORKERHUB_CACHE keeps the cache); the dev keys for the
    encrypted columns live in bench/results/var/ so that a cached benchmark database stays readable.
    """
    os.environ["WORKERHUB_ENV"] = "test"
    # The per-process cache a server has (large counts kept 30 s, dashboard aggregates 2 min): figures are
    # what users see on a warm server; the first request after expiry pays the full COUNT (see the notes).
    os.environ.setdefault("WORKERHUB_CACHE", "locmem")
    os.environ["DJANGO_SETTINGS_MODULE"] = "workerhub.settings"
    os.environ["WORKERHUB_VAR_DIR"] = str(RESULTS / "var")
    os.environ.pop("WORKERHUB_SQLITE", None)
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    elif sqlite:
        os.environ["WORKERHUB_SQLITE"] = str(sqlite)
    RESULTS.mkdir(parents=True, exist_ok=True)
    import warnings

    import django

    # WhiteNoise warns once when `collectstatic` has not been run; irrelevant to the timings.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def say(*args) -> None:
    """Progress to stderr (the report lines go to stdout)."""
    print(*args, file=sys.stderr, flush=True)
