"""Benchmark C: HPF loan schedules and quotes, fen-exact, against numpy-financial's float arithmetic.

SPEC §8.1 "loan schedules, fen-exact": one 360-month schedule ≤ 1.5× numpy-financial's float schedule; a
batch of 100,000 quotes ≤ 1× vectorised numpy-financial; amounts identical to a Decimal oracle; rows
streamed, never all held in memory. Issue 3: a 360-month schedule ≤ 1 ms; 100,000 quotes within 2× of a
vectorised numpy-financial baseline computed in the same run.

Figures, all in this one process (pure Python: no database, no Django settings):

- **Schedule**: iterating ``quotes.schedule(700000, 360, "equal_instalment", Decimal("3.1"))`` to the end,
  unpacking every row into its five integers (month and fen), 200 timed runs after warm-ups, interleaved run by
  run with the baselines: numpy-financial's float schedule of the same loan (``npf.pmt`` and ``npf.ipmt`` /
  ``npf.ppmt`` over the 360 periods, plus the balance column as ``P − cumsum(ppmt)``) and a plain Decimal
  loop of the same rules (the oracle below).
- **Batch**: 100,000 seeded random loans (principal ¥10,000–2,000,000, term 12–360 months, rate 1.50–5.00 %,
  the two methods alternately) through ``quotes.quote()``, keeping the monthly payment and the total
  interest. Baseline: numpy-financial in float over all the loans at once — the payment (``npf.pmt``) and the
  total interest as the sum of the per-period interest of each loan's schedule (``npf.ipmt`` over a loans ×
  periods grid, in blocks of 5,000 loans; equal principal, which numpy-financial lacks, as the same grid in
  plain numpy), i.e. the float version of what ``quote()`` computes. The closed forms (``pmt·n − P`` and
  ``P·r·(n+1)/2``), which no fen-exact method can use because every month is rounded, are shown as
  information. The median of 3 alternating rounds is reported.
- **Checks**: 1,000 of the loans (200 with ``--quick``) against the Decimal oracle to the fen (every amount of
  the quote); how far numpy-financial's float totals are from the fen-exact ones; tracemalloc's peak while one
  360-row schedule is iterated (< 100 KB) against holding it as a list.

numpy runs here with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from this process's environment only
(the machine sets them for older OpenBLAS builds; they slow a current numpy); the kernel in use is recorded.

    python -m bench.housing_quotes [--quick] [--runs N] [--quotes N] [--sample N]
"""

import argparse
import os
import random
import statistics
import sys
import time
import tracemalloc
from decimal import ROUND_HALF_UP, Decimal, localcontext

from . import say
from .harness import Run, Stats, Target, time_calls

FULL_QUOTES, QUICK_QUOTES = 100_000, 10_000
SEED = 20240313
LOAN = (700000, 360, "equal_instalment", Decimal("3.1"))
BLOCK = 5000
CENT = Decimal("0.01")
OPENBLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def _without_openblas_overrides() -> None:
    """Re-run this process without the machine's OpenBLAS overrides (benchmark process only)."""
    if any(v in os.environ for v in OPENBLAS_VARS):
        env = {k: v for k, v in os.environ.items() if k not in OPENBLAS_VARS}
        env["WORKERHUB_BENCH_OPENBLAS_UNSET"] = ",".join(v for v in OPENBLAS_VARS if v in os.environ)
        os.execve(sys.executable, [sys.executable, "-m", "bench.housing_quotes", *sys.argv[1:]], env)


# --- the Decimal oracle: quotes.py's rules written the obvious way ------------------------------------

def oracle_rows(principal, term_months, method, annual_rate) -> list[tuple]:
    """(month, payment, principal, interest, balance) in Decimal yuan, one month at a time (as tests/housing)."""
    with localcontext() as ctx:
        ctx.prec = 80
        p, n, rate = Decimal(principal), term_months, Decimal(annual_rate)

        def half_up(x):
            return x.quantize(CENT, rounding=ROUND_HALF_UP)

        if method == "equal_instalment" and rate:
            r = rate / 1200
            f = (1 + r) ** n
            fixed = half_up(p * r * f / (f - 1))
        else:
            fixed = half_up(p / n)
        balance, rows = p, []
        for month in range(1, n + 1):
            interest = half_up(balance * rate / 1200)
            regular = fixed - interest if method == "equal_instalment" else fixed
            part = balance if month == n else min(regular, balance)
            balance -= part
            rows.append((month, part + interest, part, interest, balance))
        return rows


def oracle_quote(principal, term_months, method, annual_rate) -> dict:
    rows = oracle_rows(principal, term_months, method, annual_rate)
    interest = sum((r[3] for r in rows), Decimal(0))
    return {"monthly_payment": rows[0][1], "first_payment": rows[0][1], "last_payment": rows[-1][1],
            "total_interest": interest, "total_payment": Decimal(principal) + interest}


# --- the schedule -------------------------------------------------------------------------------------

def fen_schedule() -> int:
    from workerhub.housing import quotes

    total = 0
    for _month, _payment, _principal, interest, _balance in quotes.schedule(*LOAN):
        total += interest
    return total


def npf_schedule():
    import numpy as np
    import numpy_financial as npf

    principal, n, _method, rate = LOAN
    r, per = float(rate) / 1200, np.arange(1, n + 1)
    payment = npf.pmt(r, n, -principal)
    interest = npf.ipmt(r, per, n, -principal)
    part = npf.ppmt(r, per, n, -principal)
    balance = principal - np.cumsum(part)
    return payment, interest, part, balance


def decimal_schedule() -> Decimal:
    total = Decimal(0)
    for _month, _payment, _principal, interest, _balance in oracle_rows(*LOAN):
        total += interest
    return total


def measure_schedule(run: Run, runs: int) -> None:
    from workerhub.housing import quotes

    assert fen_schedule() == int(sum(r[3] for r in oracle_rows(*LOAN)) * 100)
    rows = [tuple(r) for r in quotes.schedule(*LOAN)]
    oracle = [(m, *(int(v * 100) for v in rest)) for m, *rest in oracle_rows(*LOAN)]
    run.check("360-month schedule = Decimal oracle", rows == oracle,
              f"{len(rows)} rows {'identical' if rows == oracle else 'DIFFER'}, payment {rows[0][1] / 100:.2f}, "
              f"principal sums to {sum(r[2] for r in rows) / 100:,.2f}")
    # Interleaved: each round times the three once, so that all see the same load.
    for fn in (fen_schedule, npf_schedule, decimal_schedule):
        time_calls(fn, 0, warmup=20)
    fen, flt, dec = [], [], []
    for _ in range(runs):
        for fn, out in ((fen_schedule, fen), (npf_schedule, flt), (decimal_schedule, dec)):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    fen, flt, dec = Stats(fen), Stats(flt), Stats(dec)
    stats = {"fen_stats": fen.as_dict(), "npf_stats": flt.as_dict(), "decimal_stats": dec.as_dict()}
    run.report("360-month schedule, fen-exact (issue: ≤1 ms)", fen.p95, flt.p95, Target.at_most(0.001),
               baseline_label="numpy-financial", extra=f"p50 {fen.p50 * 1e3:.3f} ms, npf p50 {flt.p50 * 1e3:.3f} ms",
               **stats)
    run.report("360-month schedule vs numpy-financial (SPEC)", fen.p50, flt.p50, Target.ratio(1.5),
               figure_label="p50", baseline_label="numpy-financial",
               extra=f"p95 ratio {fen.p95 / flt.p95:.2f}x")
    run.report("360-month schedule vs Decimal loop", fen.p50, dec.p50, None, figure_label="p50",
               baseline_label="Decimal oracle", extra=f"{dec.p50 / fen.p50:.1f}× faster than Decimal")


def measure_streaming(run: Run) -> None:
    from workerhub.housing import quotes

    def iterate():
        for _row in quotes.schedule(*LOAN):
            pass

    def hold():
        return list(quotes.schedule(*LOAN))

    iterate()  # imports, caches and free lists warmed up before tracing
    hold()
    peaks = {}
    for label, fn in (("iterate", iterate), ("list", hold)):
        tracemalloc.start()
        kept = fn()
        peaks[label] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del kept
    ok = peaks["iterate"] < 100_000
    run.check("360-row schedule streamed (tracemalloc peak)", ok,
              f"iterating {peaks['iterate'] / 1024:.1f} KiB (limit 100 KB), as a list {peaks['list'] / 1024:.1f} KiB",
              peaks=peaks)


# --- the batch ----------------------------------------------------------------------------------------

def loans(n: int) -> list[tuple[int, int, str, Decimal]]:
    rng = random.Random(SEED)
    methods = ("equal_instalment", "equal_principal")
    return [(rng.randrange(10_000, 2_000_001), rng.randrange(12, 361), methods[i % 2],
             Decimal(rng.randrange(150, 501)) / 100) for i in range(n)]


def fen_batch(batch) -> tuple[list, list]:
    from workerhub.housing.quotes import quote

    monthly, interest = [], []
    for principal, months, method, rate in batch:
        q = quote(principal, months, method, rate)
        monthly.append(q.monthly_payment)
        interest.append(q.total_interest)
    return monthly, interest


def as_arrays(batch):
    import numpy as np

    principal = np.array([b[0] for b in batch], dtype=float)
    months = np.array([b[1] for b in batch], dtype=float)
    rate = np.array([float(b[3]) for b in batch]) / 1200
    instalment = np.array([b[2] == "equal_instalment" for b in batch])
    return principal, months, rate, instalment


def npf_batch(arrays):
    """Payment and total interest of every loan in float: Σ of the per-period interest over its term."""
    import numpy as np
    import numpy_financial as npf

    principal, months, rate, instalment = arrays
    n = len(principal)
    payment, interest = np.empty(n), np.empty(n)
    per = np.arange(1, int(months.max()) + 1, dtype=float)[None, :]
    for s in range(0, n, BLOCK):
        p, m, r, ei = (a[s:s + BLOCK, None] for a in arrays)
        pmt = npf.pmt(r, m, -p)
        flat = p / m
        grid = np.where(ei, npf.ipmt(r, per, m, -p), r * (p - flat * (per - 1)))
        interest[s:s + BLOCK] = np.where(per <= m, grid, 0.0).sum(axis=1)
        payment[s:s + BLOCK] = np.where(ei, pmt, flat + p * r)[:, 0]
    return payment, interest


def closed_form(arrays):
    import numpy as np
    import numpy_financial as npf

    principal, months, rate, instalment = arrays
    pmt = npf.pmt(rate, months, -principal)
    flat = principal / months
    return (np.where(instalment, pmt, flat + principal * rate),
            np.where(instalment, pmt * months - principal, principal * rate * (months + 1) / 2))


def fen_core(batch) -> list[tuple]:
    """quote()'s integer-fen arithmetic alone (private helpers): no parsing, no Decimal, no Quote object."""
    from workerhub.housing.quotes import _summary

    return [_summary(p * 100, n, m, r) for p, n, m, r in batch]


def floor_sum(n: int, m: int, a: int, b: int) -> int:
    """Σ_{i<n} (a·i + b) // m for n, m > 0 and a, b ≥ 0 in O(log m) steps (AtCoder Library's floor_sum)."""
    total = 0
    while True:
        if a >= m:
            total += n * (n - 1) // 2 * (a // m)
            a %= m
        if b >= m:
            total += n * (b // m)
            b %= m
        y = a * n + b
        if y < m:
            return total
        n, b = divmod(y, m)
        m, a = a, m


def what_if_totals():
    """quotes._totals with the equal-principal interest summed in closed form instead of month by month.

    Equal principal's monthly interest is round_half_up((B − k·F)·a/d) = (x₀ − k·2aF) // 2d with x = 2aB + d:
    a floor of an arithmetic progression, whose sum floor_sum gives exactly. Equal instalment is unchanged.
    """
    from workerhub.housing import quotes

    today = quotes._totals

    def totals(balance, months, method, a, d, fixed):
        if method == quotes.EQUAL_PRINCIPAL and months > 1 and (months - 1) * fixed <= balance:
            a2, d2 = 2 * a, 2 * d
            last = balance - (months - 1) * fixed
            return (fixed + (balance * a2 + d) // d2, last + (last * a2 + d) // d2,
                    floor_sum(months, d2, fixed * a2, last * a2 + d))
        return today(balance, months, method, a, d, fixed)

    return totals


def fen_batch_what_if(batch) -> tuple[list, list]:
    from workerhub.housing import quotes

    today = quotes._totals
    quotes._totals = what_if_totals()
    try:
        return fen_batch(batch)
    finally:
        quotes._totals = today


def measure_batch(run: Run, n: int, sample: int, rounds: int = 3) -> None:
    import numpy as np

    batch = loans(n)
    arrays = as_arrays(batch)
    say(f"  batch: {n:,} quotes, {rounds} rounds")
    fen_batch(batch[:1000])  # warm-up
    npf_batch(as_arrays(batch[:1000]))
    closed_form(arrays)
    fen_t, npf_t, closed_t, core_t, what_t = [], [], [], [], []
    same = True
    for i in range(rounds):
        t0 = time.perf_counter()
        monthly, interest = fen_batch(batch)
        fen_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        f_payment, f_interest = npf_batch(arrays)
        npf_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        closed_form(arrays)
        closed_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        fen_core(batch)
        core_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        alternative = fen_batch_what_if(batch)
        what_t.append(time.perf_counter() - t0)
        same = same and alternative == (monthly, interest)
        say(f"  round {i + 1}: quote() {fen_t[-1]:.2f} s, numpy-financial {npf_t[-1]:.2f} s, "
            f"closed form {closed_t[-1] * 1e3:.1f} ms, fen core {core_t[-1]:.2f} s, what-if {what_t[-1]:.2f} s")
    figure, base = statistics.median(fen_t), statistics.median(npf_t)
    per_quote = figure / n * 1e6
    details = {"quote_seconds": fen_t, "npf_seconds": npf_t, "closed_form_seconds": closed_t,
               "fen_core_seconds": core_t, "what_if_seconds": what_t, "quotes": n}
    run.report(f"{n:,} quotes (issue: ≤2× numpy-financial)", figure, base, Target.ratio(2.0), unit="s",
               figure_label="median", baseline_label="vectorised npf", extra=f"{per_quote:.1f} µs/quote", **details)
    run.report(f"{n:,} quotes (SPEC: ≤1× numpy-financial)", figure, base, Target.ratio(1.0), unit="s",
               figure_label="median", baseline_label="vectorised npf")
    core = statistics.median(core_t)
    run.report(f"{n:,} quotes: integer-fen core only", core, base, None, unit="s", figure_label="median",
               baseline_label="vectorised npf",
               extra=f"{core / n * 1e6:.1f} µs/quote; parsing, Decimal and Quote objects {figure - core:.2f} s")
    closed = statistics.median(closed_t)
    run.report(f"{n:,} quotes vs closed-form float", figure, closed, None, unit="s", figure_label="median",
               baseline_label="pmt·n−P, no schedule", extra="information: not fen-exact, no per-month rounding")

    what = statistics.median(what_t)
    run.report("what-if equal principal totals by floor_sum", what, base, None, unit="s", figure_label="median",
               baseline_label="vectorised npf",
               extra=f"{figure / what:.2f}× faster than quote() today; results {'identical' if same else 'DIFFER'}",
               identical=same)

    exact_interest = np.array([float(v) for v in interest])
    exact_monthly = np.array([float(v) for v in monthly])
    worst_i = float(np.max(np.abs(f_interest - exact_interest)))
    worst_m = float(np.max(np.abs(f_payment - exact_monthly)))
    off = int(np.sum(np.abs(np.round(f_interest, 2) - exact_interest) >= 0.005))
    run.note(f"    float vs fen-exact: total interest off by up to ¥{worst_i:.2f} ({off:,} of {n:,} loans differ "
             f"at the fen), monthly payment by up to ¥{worst_m:.4f}", float_max_interest_diff=worst_i,
             float_max_payment_diff=worst_m, float_interest_differs=off)

    from workerhub.housing.quotes import quote

    rng = random.Random(SEED + 1)
    mismatch = None
    picked = rng.sample(range(n), min(sample, n))
    for i in picked:
        p, months, method, rate = batch[i]
        q = quote(p, months, method, rate)
        want = oracle_quote(p, months, method, rate)
        got = {k: getattr(q, k) for k in want}
        if got != want:
            mismatch = {"loan": [p, months, method, str(rate)], "quote": {k: str(v) for k, v in got.items()},
                        "oracle": {k: str(v) for k, v in want.items()}}
            break
    text = (f"{len(picked):,} sampled quotes: identical (monthly, first, last payment, total interest, total)"
            if mismatch is None else f"first mismatch {mismatch}")
    run.check("quote() = Decimal oracle to the fen", mismatch is None, text, mismatch=mismatch)


def numpy_info() -> dict:
    import numpy as np

    info = {"numpy": np.__version__, "openblas_unset": os.environ.get("WORKERHUB_BENCH_OPENBLAS_UNSET", "")}
    try:
        import numpy_financial as npf
        from threadpoolctl import threadpool_info

        info["numpy_financial"] = npf.__version__
        info["blas"] = [{k: p.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
                        for p in threadpool_info()]
    except ImportError:
        pass
    return info


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.housing_quotes", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_QUOTES:,} quotes instead of {FULL_QUOTES:,}")
    parser.add_argument("--runs", type=int, default=200, help="timed runs of the 360-month schedule (default 200)")
    parser.add_argument("--quotes", type=int, help="quotes in the batch (default: by mode)")
    parser.add_argument("--sample", type=int, help="quotes checked against the oracle (default 1,000; 200 quick)")
    args = parser.parse_args(argv)
    try:
        import numpy  # noqa: F401
        import numpy_financial  # noqa: F401
    except ImportError:
        sys.exit("bench/housing_quotes.py needs numpy and numpy-financial: pip install -e '.[bench]'")
    n = args.quotes or (QUICK_QUOTES if args.quick else FULL_QUOTES)
    sample = args.sample or (200 if args.quick else 1000)
    run = Run("housing_quotes", args.quick)
    run.info.update(numpy_info(), loan=[str(v) for v in LOAN], runs=args.runs, quotes=n, sample=sample)
    blas = run.info.get("blas") or [{}]
    say(f"housing_quotes: numpy {run.info['numpy']}, OpenBLAS kernel {blas[0].get('architecture')}, "
        f"overrides removed: {run.info['openblas_unset'] or 'none were set'}")
    measure_schedule(run, args.runs)
    measure_streaming(run)
    measure_batch(run, n, sample)
    run.save()


if __name__ == "__main__":
    _without_openblas_overrides()
    main()
