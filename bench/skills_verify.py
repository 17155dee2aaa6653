"""Benchmark: public certificate verification over HTTP against 1,000,000 certificates on PostgreSQL.

SPEC §8.1: certificate verification API, 1,000,000 certificates — ≥ 500 requests/s, p99 ≤ 50 ms, ≥ 0.9× a
constant-JSON endpoint on the same stack (Ed25519 verify is 127 µs).

Figure: ``GET /api/v1/certificates/verify?number=…&name=…`` served by gunicorn (2 workers × 4 threads, gthread) on
loopback, driven by wrk (1 thread, 16 connections) through 2,000 random existing certificates with the holders'
right names, half skill-level and half enterprise certificates (whose answer adds the recognising alliance members,
a second query). Baseline in the same run, same server: ``/healthz``, the constant-JSON endpoint (it runs
``SELECT 1``, so it pays a database round trip too). The rate limit is switched off (``WORKERHUB_VERIFY_RATE=0``),
otherwise wrk's single address would be refused after 30 requests a minute. For information, the same load by QR
token (signature check first) and the selector's in-process latency.

Data: 1,000,000 certificates (50,000 with --quick) = 500,000 passes × (skill-level + enterprise), numbers in the
national format, synthetic holder names, 2 recognising members per enterprise certificate (1,000,000 link rows),
1 % revoked. Written with COPY into ``workerhub_bench_certificates`` (``_quick``), reused while it holds the
requested count. Tokens: Ed25519 costs ~75 µs per signature, so only the 2,000 queried certificates carry real
signed tokens; the others hold a placeholder of the same length (verification by number never reads it).
Holder rows: all certificates point at a handful of person rows (the certificate copies the holder's name at
issue, and verification reads only the certificate).

    python -m bench.skills_verify [--quick] [--certificates N] [--seconds S] [--rebuild] [--no-http]
"""

import argparse
import os
import random
import signal
import socket
import subprocess
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from . import REPO, RESULTS, create_database, database_url, drop_database, migrate, say, setup_django
from .harness import Run, Stats, time_calls
from .stations_nearest import _free_port, _wrk

FULL, QUICK = 1_000_000, 50_000
SAMPLE = 2_000
SEED = 20240312
PARTNER_CODE = "91330303MA2H8K1P38"  # a valid GB 32100 code (the Wenzhou partner of the tests)
MIN_RPS, MAX_P99, MIN_RATIO = 500, 0.050, 0.9

WRK_LUA = """local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


# --- data -----------------------------------------------------------------------------------------

def _cast() -> dict:
    """The organisations, occupation and holder rows every generated certificate refers to."""
    from workerhub.core.models import Organisation, Person
    from workerhub.core.pii import lookup_hash
    from workerhub.core.rules import parse_id_number
    from workerhub.skills.models import Occupation

    college, _ = Organisation.objects.get_or_create(name="浙江安防职业技术学院(基准)", kind="evaluator",
                                                    region_id="330304")
    partner, _ = Organisation.objects.get_or_create(name="温州数安港科技有限公司(基准)", kind="enterprise",
                                                    region_id="330303", defaults={"credit_code": PARTNER_CODE})
    other, _ = Organisation.objects.get_or_create(name="温州数据标注服务有限公司(基准)", kind="enterprise",
                                                  region_id="330303")
    people = []
    for idn in ("330304199001011238", "330304199202022347", "330304198803033450"):
        parsed = parse_id_number(idn)
        person = Person.objects.filter(id_number_hash=lookup_hash(idn)).first() or Person.objects.create(
            name="基准持证人", id_number=idn, id_number_hash=lookup_hash(idn), birth_date=parsed.birth_date,
            sex=parsed.sex, region_id="330304")
        people.append(person.pk)
    return {"college": college, "partner": partner, "recognisers": [partner.pk, other.pk], "people": people,
            "occupation": Occupation.objects.get(name="数据标注员")}


def _name(rng: random.Random) -> str:
    from workerhub.core.demo import GIVEN, SURNAMES

    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def certificate_rows(pairs: int, cast: dict):
    """Rows for ``pairs`` passes, two certificates each (tuples in ``columns()`` order), deterministic."""
    from workerhub.core.rules import mask_id_number
    from workerhub.skills.certnumbers import build_enterprise_number, build_number

    rng = random.Random(SEED)
    occ = cast["occupation"]
    now = datetime.now(UTC)
    placeholder = "." + "A" * 86
    masked = mask_id_number("330304199001011238")
    for i in range(pairs):
        # Unique by construction: site = i // 100000, serial = i % 100000 (+1); the level cycles with the serial.
        level = 1 + i % 5
        issued = date(2024, 1, 1) + timedelta(days=rng.randrange(360))
        skill = build_number(issuer_type="S", institution_code="0133", province="33", site_serial=1 + i // 100_000,
                             year=24, level=level, serial=1 + i % 100_000)
        ent = build_enterprise_number(uscc=PARTNER_CODE, year=24, serial=1 + i)
        name = _name(rng)
        revoked = rng.random() < 0.01
        status, on, reason = ("revoked", issued + timedelta(days=30), "考试作弊") if revoked else ("valid", None, "")
        person = cast["people"][i % len(cast["people"])]
        common = (person, name, masked, occ.pk, occ.name, "", level)
        yield (skill, "skill_level", None, *common, cast["college"].pk, cast["college"].name, issued, "330304",
               skill + placeholder, status, on, reason, "", now)
        yield (ent, "enterprise", None, *common, cast["partner"].pk, cast["partner"].name, issued, "330304",
               ent + placeholder, status, on, reason, "", now)


def columns() -> list[str]:
    from workerhub.skills.models import Certificate

    names = ["number", "kind", "registration", "person", "holder_name", "holder_id_masked", "occupation",
             "occupation_name", "work_type", "level", "issuer", "issuer_name", "issued_on", "region", "token",
             "status", "revoked_on", "revoked_reason", "revoked_document", "created_at"]
    concrete = {f.name: f.column for f in Certificate._meta.concrete_fields}
    assert set(concrete) - {"id"} == set(names), sorted(set(concrete) - set(names))
    return [concrete[n] for n in names]


def build(n: int) -> dict:
    from django.db import connection

    from workerhub.skills.models import Certificate

    t0 = time.perf_counter()
    cast = _cast()
    table = Certificate._meta.db_table
    through = Certificate.recognised_by.through._meta.db_table
    with connection.cursor() as cur:
        raw = cur.cursor if hasattr(cur, "cursor") else cur
        with raw.copy(f"COPY {table} ({', '.join(columns())}) FROM STDIN") as copy:  # noqa: S608 (constant names)
            for row in certificate_rows(n // 2, cast):
                copy.write_row(row)
        cur.execute(f"INSERT INTO {through} (certificate_id, organisation_id) "  # noqa: S608
                    f"SELECT c.id, o.id FROM {table} c CROSS JOIN unnest(%s::bigint[]) AS o(id) "
                    f"WHERE c.kind = 'enterprise'", [cast["recognisers"]])
        cur.execute(f"VACUUM ANALYZE {table}")
        cur.execute(f"VACUUM ANALYZE {through}")
    return {"build_seconds": round(time.perf_counter() - t0, 1)}


def sample(n: int) -> list[dict]:
    """``n`` random certificates (half of each kind); their tokens are signed for real (the rest are placeholders)."""
    from django.db import connection, transaction

    from workerhub.skills import keys
    from workerhub.skills.models import Certificate

    rng = random.Random(SEED + 1)
    top = Certificate.objects.order_by("-pk").values_list("pk", flat=True).first()
    low = Certificate.objects.order_by("pk").values_list("pk", flat=True).first()
    ids = rng.sample(range(low, top + 1), n)
    rows = list(Certificate.objects.filter(pk__in=ids).values("pk", "number", "holder_name", "kind", "status"))
    with transaction.atomic(), connection.cursor() as cur:
        for r in rows:
            r["token"] = keys.sign(r["number"])
        cur.executemany(f"UPDATE {Certificate._meta.db_table} SET token = %s WHERE id = %s",  # noqa: S608
                        [(r["token"], r["pk"]) for r in rows])
    rng.shuffle(rows)
    return rows


def check_answers(rows: list[dict]) -> dict:
    """The selector's answers for the sample are right: valid (or revoked) with the right name, and not_found with
    a wrong one; also its in-process latency (warm)."""
    from workerhub.skills import selectors

    wrong = 0
    for r in rows[:200]:
        got = selectors.verify_by_number(r["number"], r["holder_name"])
        wrong += got["status"] != r["status"] or got["number"] != r["number"]
        wrong += selectors.verify_by_number(r["number"], r["holder_name"] + "某")["status"] != "not_found"
        wrong += selectors.verify_by_token(r["token"])["status"] != r["status"]
    it = iter(rows * 2)
    timing = time_calls(lambda: (lambda r: selectors.verify_by_number(r["number"], r["holder_name"]))(next(it)),
                        len(rows) // 2, warmup=20)
    # The same requests in-process through Django's test client, interleaved with /healthz: where the time goes
    # without gunicorn and wrk (settings were read with the rate limit on: switch it off for this process).
    from django.conf import settings
    from django.test import Client

    settings.CERT_VERIFY_RATE = 0
    client, verify, healthz = Client(), [], []
    for r in rows[:500]:
        for out, path, params in ((healthz, "/healthz", None),
                                  (verify, "/api/v1/certificates/verify", {"number": r["number"],
                                                                           "name": r["holder_name"]})):
            t0 = time.perf_counter()
            client.get(path, params)
            out.append(time.perf_counter() - t0)
    return {"wrong": wrong, "checked": 3 * min(200, len(rows)), "selector": timing.samples,
            "client_verify": verify[50:], "client_healthz": healthz[50:]}


# --- HTTP ----------------------------------------------------------------------------------------

def serve(dbname: str):
    """gunicorn as production runs it (2 workers × 4 threads), with the verification rate limit off."""
    port = _free_port()
    env = {**os.environ, "WORKERHUB_ENV": "test", "DATABASE_URL": database_url(dbname),
           "WORKERHUB_VAR_DIR": str(RESULTS / "var"), "WORKERHUB_CACHE": "locmem", "WORKERHUB_VERIFY_RATE": "0",
           "DJANGO_SETTINGS_MODULE": "workerhub.settings"}
    env.pop("WORKERHUB_SQLITE", None)
    proc = subprocess.Popen([str(REPO / ".venv" / "bin" / "gunicorn"), "workerhub.wsgi", "-k", "gthread", "-w", "2",
                             "--threads", "4", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
                            env=env, cwd=REPO, start_new_session=True, stdout=subprocess.DEVNULL)
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.2)
    return proc, port


def measure_http(dbname: str, rows: list[dict], seconds: int) -> dict:
    import shutil

    if not shutil.which("wrk"):
        return {"skipped": "wrk not installed (apt-get install wrk)"}
    proc, port = serve(dbname)
    out: dict = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            scripts = {}
            for label, query in (("by number", lambda r: {"number": r["number"], "name": r["holder_name"]}),
                                 ("by token", lambda r: {"token": r["token"]})):
                paths = ", ".join(f'"/api/v1/certificates/verify?{urlencode(query(r))}"' for r in rows)
                scripts[label] = Path(tmp) / f"{label.replace(' ', '_')}.lua"
                scripts[label].write_text(WRK_LUA % paths)
            _wrk(port, scripts["by number"], "/", 3)  # warm both workers and their connections
            _wrk(port, None, "/healthz", 2)
            # Baseline, figure, baseline again: the ratio uses the mean of the two baselines (drift on a shared box).
            first = _wrk(port, None, "/healthz", seconds)
            out["by number"] = _wrk(port, scripts["by number"], "/", seconds)
            second = _wrk(port, None, "/healthz", seconds)
            out["by token"] = _wrk(port, scripts["by token"], "/", seconds)
            out["healthz"] = {"rps": (first.get("rps", 0) + second.get("rps", 0)) / 2,
                              "p50": max(first.get("p50", 0), second.get("p50", 0)),
                              "p99": max(first.get("p99", 0), second.get("p99", 0)), "runs": [first, second]}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    return out


# --- main ----------------------------------------------------------------------------------------

def report(run: Run, http: dict, checked: dict) -> None:
    run.check("verify answers (right name, wrong name, token)", checked["wrong"] == 0,
              f"{checked['checked'] - checked['wrong']}/{checked['checked']} as expected")
    sel, cv, ch = Stats(checked["selector"]), Stats(checked["client_verify"]), Stats(checked["client_healthz"])
    run.report("in-process: verify request vs /healthz", cv.p50, ch.p50, None, figure_label="p50",
               baseline_label="/healthz", extra=f"selector alone p50 {sel.p50 * 1000:.2f} ms")
    if "skipped" in http:
        run.note(f"HTTP skipped: {http['skipped']}")
        return
    base = http["healthz"]
    for label, target in (("by number", True), ("by token", False)):
        h = http[label]
        rps, p99, ratio = h.get("rps", 0), h.get("p99", 1), h.get("rps", 0) / max(1.0, base.get("rps", 1))
        text = (f"{rps:.0f} req/s  p50 {h.get('p50', 0) * 1000:.1f} ms  p99 {p99 * 1000:.1f} ms"
                f"   /healthz {base.get('rps', 0):.0f} req/s (p99 {base.get('p99', 0) * 1000:.1f} ms)"
                f"   ratio {ratio:.2f}x   target ≥{MIN_RPS} req/s, p99 ≤{MAX_P99 * 1000:.0f} ms, ≥{MIN_RATIO}× healthz"
                + (f"   non-2xx {h['non2xx']}" if h.get("non2xx") else ""))
        name = f"HTTP verify {label} (gunicorn 2w×4t, wrk -c16)"
        if target:
            ok = rps >= MIN_RPS and p99 <= MAX_P99 and ratio >= MIN_RATIO and not h.get("non2xx")
            run.check(name, ok, text, wrk={k: v for k, v in h.items() if k != "raw"})
        else:
            run.note(f"{name:<46} {text}   (info)", wrk={k: v for k, v in h.items() if k != "raw"})
    run.note("    /healthz is the constant-JSON baseline (it runs SELECT 1); measured before and after, mean used")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.skills_verify", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} certificates instead of {FULL:,}")
    parser.add_argument("--certificates", type=int)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per measurement")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args(argv)
    n = args.certificates or (QUICK if args.quick else FULL)
    dbname = "workerhub_bench_certificates" + ("_quick" if n <= QUICK else "")

    run = Run("skills_verify", args.quick)
    say(f"skills_verify: {n:,} certificates in {dbname}")
    create_database(dbname, drop=args.rebuild)
    setup_django(database_url=database_url(dbname))
    migrate()
    from django.db import connections

    from workerhub.skills.models import Certificate

    have = Certificate.objects.count()
    if have != n:
        say(f"  has {have:,} certificates, building {n:,}")
        connections.close_all()
        drop_database(dbname)
        create_database(dbname)
        migrate()
        run.info["build"] = build(n)
    else:
        run.info["build"] = f"reused {have:,} certificates"
    say(f"  {run.info['build']}")
    rows = sample(min(SAMPLE, n // 2))
    checked = check_answers(rows)
    connections.close_all()
    http = {"skipped": "--no-http"} if args.no_http else measure_http(dbname, rows, args.seconds)
    run.info.update(certificates=n, database=dbname, sample=len(rows), seconds=args.seconds,
                    http={k: {kk: vv for kk, vv in v.items() if kk != "raw"} if isinstance(v, dict) else v
                          for k, v in http.items()})
    report(run, http, checked)
    run.save()


if __name__ == "__main__":
    main()
