"""Timing and reporting helpers shared by the benchmarks.

A figure is always printed next to the baseline measured in the same run, their ratio and the
target (SPEC §8.1); ``Run.save()`` writes the same data to ``bench/results/<name>.json``.
"""

import json
import math
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime

from . import RESULTS


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between the closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Stats:
    """Repeated timings in seconds."""

    samples: list[float]

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def p99(self) -> float:
        return percentile(self.samples, 99)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def as_dict(self) -> dict:
        return {"n": len(self.samples), "p50": self.p50, "p95": self.p95, "p99": self.p99,
                "min": min(self.samples), "max": max(self.samples), "samples": self.samples}


def time_calls(fn: Callable[[], object], n: int, *, warmup: int = 2) -> Stats:
    """Call ``fn`` ``warmup`` times untimed, then ``n`` times timed (wall clock, perf_counter)."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return Stats(samples)


def time_once(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


@dataclass(frozen=True)
class Target:
    """Either an absolute limit (seconds) on the figure or a limit on figure / baseline."""

    limit: float
    kind: str  # "abs" | "ratio"

    @classmethod
    def at_most(cls, seconds: float) -> "Target":
        return cls(seconds, "abs")

    @classmethod
    def ratio(cls, times: float) -> "Target":
        return cls(times, "ratio")

    def met(self, figure: float, baseline: float) -> bool:
        value = figure if self.kind == "abs" else figure / baseline
        return value <= self.limit

    def describe(self, unit: str) -> str:
        if self.kind == "ratio":
            return f"≤{self.limit:g}× baseline"
        return f"≤{self.limit:g} s" if unit == "s" else f"≤{self.limit * 1000:g} ms"


def fmt(seconds: float, unit: str) -> str:
    if unit == "s":
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms"


@dataclass
class Run:
    """The results of one benchmark process; ``report`` prints a line, ``save`` writes the JSON."""

    name: str
    quick: bool
    results: list[dict] = field(default_factory=list)
    info: dict = field(default_factory=dict)
    started: float = field(default_factory=time.time)

    def report(self, name: str, figure: float, baseline: float, target: Target | None, *,
               baseline_label: str = "baseline", figure_label: str = "p95", unit: str = "ms",
               extra: str = "", **details) -> dict:
        ratio = figure / baseline if baseline else math.inf
        verdict = "" if target is None else ("PASS" if target.met(figure, baseline) else "MISS")
        line = (f"{name:<46} {figure_label} {fmt(figure, unit):>10}   baseline({baseline_label}) "
                f"{fmt(baseline, unit):>9}   ratio {ratio:5.{1 if ratio >= 1 else 2}f}x   "
                f"target {target.describe(unit) if target else '(info)':<16} {verdict}")
        line = (line + ("   " + extra if extra else "")).rstrip()
        print(line, flush=True)
        row = {"name": name, "figure": figure, "figure_label": figure_label, "baseline": baseline,
               "baseline_label": baseline_label, "ratio": ratio, "unit": unit, "verdict": verdict or None,
               "target": asdict(target) if target else None, "line": line, "extra": extra, **details}
        self.results.append(row)
        return row

    def check(self, name: str, ok: bool, text: str, **details) -> dict:
        """A pass/fail line without a timing (e.g. "query count constant")."""
        line = f"{name:<46} {text}   {'PASS' if ok else 'MISS'}"
        print(line, flush=True)
        row = {"name": name, "verdict": "PASS" if ok else "MISS", "line": line, **details}
        self.results.append(row)
        return row

    def note(self, line: str, **details) -> dict:
        """A line of explanation under a figure (printed, and kept in the summary and the JSON)."""
        print(line, flush=True)
        row = {"line": line, "verdict": None, **details}
        self.results.append(row)
        return row

    def save(self, filename: str | None = None) -> None:
        import django

        payload = {
            "benchmark": self.name,
            "mode": "quick" if self.quick else "full",
            "date": datetime.now().astimezone().isoformat(timespec="seconds"),
            "seconds": round(time.time() - self.started, 1),
            "machine": {"cores": os.cpu_count(), "load_average": os.getloadavg(), "python": platform.python_version(),
                        "django": django.get_version(), "platform": platform.platform(),
                        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)},
            "info": self.info,
            "results": self.results,
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{filename or self.name}.json"
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
