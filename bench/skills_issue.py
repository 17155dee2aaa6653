"""Benchmark: issuing the certificates of a 1,000-candidate exam session, PDFs included, on SQLite and PostgreSQL.

SPEC §8.1 "issuing certificates for an exam session (two each, with PDF)": 1,000 candidates ≤ 1.5× the time of
bare PDF generation of the same pages, measured in the same run.

Figure: ``services.publish_results`` for a closed session whose 1,000 candidates all passed (results, two
certificates per pass with their signed tokens and numbers, the recognising alliance members, the audit rows, in
one transaction), then the 2,000 PDFs rendered by ``documents.session_pdfs`` — what the bulk download job runs:
certificates read in chunks with the recognising organisations prefetched, one A4 canvas each. The PDF bytes are
counted and dropped (the job writes them into a zip).

Baseline, in the same run and process: ``documents.render`` of the same 2,000 pages from plain in-memory values
(``CertificatePage`` objects built beforehand from the issued rows: no database, no signing).

Untimed set-up: a fresh database (PostgreSQL ``workerhub_bench_skills``, dropped and recreated each run, if the
server answers; SQLite in a temporary file), the Wenzhou evaluator, a partner enterprise in an alliance of three
recognising members, the 数据标注员 四级 session, N workers with valid synthetic ID numbers, their registrations
with passing scores; one PDF rendered first so that neither side pays the font loading.

    python -m bench.skills_issue [--quick] [--candidates N]
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from . import REPO, create_database, database_url, migrate, say, setup_django
from .harness import Run, Target

FULL, QUICK = 1000, 100
TARGET = Target.ratio(1.5)
DBNAME = "workerhub_bench_skills"
ISSUED_ON = date(2024, 4, 22)
PARTNER_CODE = "91330303MA2H8K1P38"  # valid GB 32100 check character (tests/skills/conftest.py)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华志建国晓红"


def _id_number(i: int) -> str:
    from workerhub.core.rules import id_check_char

    birth = date(1975, 1, 1) + timedelta(days=(i // 500) * 37 + i % 500)
    first17 = f"330304{birth:%Y%m%d}{i % 1000:03d}"
    return first17 + id_check_char(first17)


def build(n: int):
    """The session, closed, with ``n`` candidates who all passed (set up directly: not what is measured)."""
    from workerhub.core.models import Organisation, Person
    from workerhub.core.pii import lookup_hash
    from workerhub.core.rules import parse_id_number
    from workerhub.skills import services
    from workerhub.skills.models import Alliance, AllianceMember, Evaluator, Occupation, Registration

    college = Organisation.objects.create(name="浙江安防职业技术学院", kind="evaluator", region_id="330304")
    partner = Organisation.objects.create(name="温州数安港科技有限公司", kind="enterprise", region_id="330303",
                                          credit_code=PARTNER_CODE)
    other = Organisation.objects.create(name="温州数据标注服务有限公司", kind="enterprise", region_id="330303")
    evaluator = Evaluator.objects.create(organisation=college, issuer_type="S", institution_code="0133")
    alliance = Alliance.objects.create(name="数字技能人才协同培育联盟", region_id="330300", lead=college)
    for org, kind in ((college, "college"), (partner, "enterprise"), (other, "enterprise")):
        AllianceMember.objects.create(alliance=alliance, organisation=org, kind=kind, recognises=True)
    session = services.create_exam_session(
        actor=None, occupation=Occupation.objects.get(name="数据标注员"), level=4, exam_date=date(2024, 4, 20),
        site="中国(温州)数安港", site_code="000001", region_id="330304", evaluator=evaluator, capacity=n,
        partner=partner, alliance=alliance)
    people = []
    for i in range(n):
        idn = _id_number(i)
        parsed = parse_id_number(idn)
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 13 + 3) % len(GIVEN)]
        people.append(Person(name=name, id_number=idn, id_number_hash=lookup_hash(idn), birth_date=parsed.birth_date,
                             sex=parsed.sex, region_id="330304"))
    Person.objects.bulk_create(people, batch_size=1000)
    people = list(Person.objects.filter(region_id="330304").order_by("pk"))
    Registration.objects.bulk_create(
        [Registration(session=session, person=p, via="import", theory=60 + i % 40, practical=61 + i % 39)
         for i, p in enumerate(people)], batch_size=1000)
    services.close_registration(actor=None, session=session)
    return session


def measure(vendor: str, n: int) -> dict:
    out: dict = {"vendor": vendor, "candidates": n}
    if vendor == "postgresql":
        create_database(DBNAME, drop=True)
        setup_django(database_url=database_url(DBNAME))
        out["database"] = DBNAME
    else:
        tmp = tempfile.mkdtemp(prefix="workerhub_bench_skills_")
        import atexit

        atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        setup_django(sqlite=Path(tmp) / "bench.sqlite3")
        out["database"] = "sqlite (temporary file)"
    migrate()
    t0 = time.perf_counter()
    session = build(n)
    out["build_seconds"] = round(time.perf_counter() - t0, 1)
    say(f"  {vendor}: {n:,} candidates set up in {out['build_seconds']} s")

    from workerhub.skills import documents, keys, services
    from workerhub.skills.models import Certificate

    # Warm-up (untimed): font registration and the first subset happen once per process, for both sides alike.
    documents.render(documents.CertificatePage(
        kind="skill_level", number="S013333000001244000000", holder_name="预热", holder_id_masked="330304********0000",
        occupation_name="数据标注员", work_type="", level_label="四级/中级工", issuer_name="浙江安防职业技术学院",
        issued_on=ISSUED_ON, verify_url="http://127.0.0.1:8000/verify/warm-up"))

    # (a) issuing = publish (two certificates per pass, signed, in one transaction) + every PDF of the session,
    # (b) baseline = the same pages from plain values, no database, no signing. The baseline runs on both sides
    # of the PDF half of (a) and is averaged, so that drift in a shared machine's load hits both alike.
    t0 = time.perf_counter()
    result = services.publish_results(actor=None, session=session, issued_on=ISSUED_ON)
    t_publish = time.perf_counter() - t0
    pages = [documents.page_of(c) for c in documents.session_certificates(session.pk)]  # untimed

    def bare() -> tuple[float, int]:
        t0 = time.perf_counter()
        size = sum(len(documents.render(p)) for p in pages)
        return time.perf_counter() - t0, size

    bare_1, bare_size = bare()
    t0 = time.perf_counter()
    count, size = 0, 0
    for _name, pdf in documents.session_pdfs(session.pk):
        count += 1
        size += len(pdf)
    t_render = time.perf_counter() - t0
    bare_2, _ = bare()
    out.update(publish=t_publish, render_from_db=t_render, issue=t_publish + t_render, pdfs=count, bytes=size,
               issued=result.issued, bare=(bare_1 + bare_2) / 2, bare_runs=[bare_1, bare_2], bare_bytes=bare_size)
    t_issue = out["issue"]

    certs = list(Certificate.objects.filter(registration__session=session).values_list("number", "token"))
    out["checks"] = {
        "two_per_candidate": result.issued == 2 * n == count == len(pages),
        "tokens_verify": all(keys.verified_number(t) == num for num, t in certs[:: max(1, len(certs) // 50)]),
        "same_pages": abs(size - bare_size) <= 0.01 * bare_size,
    }
    say(f"  {vendor}: issue {t_issue:.1f} s (publish {t_publish:.1f} s), bare {out['bare']:.1f} s")
    return out


def report(run: Run, results: dict) -> None:
    for vendor, label in (("postgresql", "PG"), ("sqlite", "SQLite")):
        r = results.get(vendor)
        if not r:
            continue
        n = r["candidates"]
        run.report(f"{label} issue {n:,} candidates ({r['pdfs']:,} PDFs)", r["issue"], r["bare"], TARGET,
                   figure_label="total", baseline_label="bare PDFs", unit="s",
                   extra=f"publish {r['publish']:.2f} s + PDFs {r['render_from_db']:.1f} s "
                         f"({1000 * r['render_from_db'] / max(1, r['pdfs']):.1f} ms each, bare "
                         f"{1000 * r['bare'] / max(1, r['pdfs']):.1f} ms)")
        ok = all(r["checks"].values())
        run.note(f"    bare PDF runs before/after the PDF half: {r['bare_runs'][0]:.1f} s / {r['bare_runs'][1]:.1f} s")
        run.check(f"{label} issued == 2 × candidates, tokens verify", ok,
                  ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in r["checks"].items()))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.skills_issue", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} candidates instead of {FULL:,}")
    parser.add_argument("--candidates", type=int)
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    n = args.candidates or (QUICK if args.quick else FULL)

    if args.backend:  # child: one database per process (settings are read once)
        Path(args.out).write_text(json.dumps(measure(args.backend, n)))
        return

    run = Run("skills_issue", args.quick)
    say(f"skills_issue: {n:,} candidates, {2 * n:,} certificates")
    results = {}
    vendors = ["sqlite"]
    try:
        from . import pg_admin

        pg_admin().close()
        vendors.insert(0, "postgresql")
    except Exception as exc:  # noqa: BLE001 (PostgreSQL is optional here: report and measure SQLite)
        say(f"  PostgreSQL unavailable ({exc}); SQLite only")
    with tempfile.TemporaryDirectory() as tmp:
        for vendor in vendors:
            out = Path(tmp) / f"{vendor}.json"
            cmd = [sys.executable, "-m", "bench.skills_issue", "--backend", vendor, "--out", str(out),
                   "--candidates", str(n)]
            subprocess.run(cmd, cwd=REPO, check=True)
            results[vendor] = json.loads(out.read_text())
    import django  # noqa: F401  (Run.save reads its version)

    run.info.update(candidates=n, vendors=vendors,
                    **{v: {k: results[v][k] for k in ("database", "build_seconds", "bytes")} for v in vendors})
    report(run, results)
    run.save()


if __name__ == "__main__":
    main()
