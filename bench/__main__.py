"""``python -m bench [names...] [--quick] [--strict]``: run the benchmarks, each in its own process.

Each benchmark prints its lines as it goes and writes bench/results/<name>.json; a summary of every
line follows at the end. The exit status is non-zero if a benchmark failed to run, or, with
``--strict``, if any figure missed its target.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime

from . import BENCHMARKS, REPO, RESULTS


def _rows(payload: dict) -> list[dict]:
    return [row for row in payload.get("results", []) if "line" in row]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="name",
                        help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)})")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes (20,000 people; 5,000 rows): a smoke test in about a minute")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any figure misses its target")
    args = parser.parse_args(argv)
    names = args.names or list(BENCHMARKS)
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")

    started, failed = time.time(), []
    for name in names:
        print(f"\n== {name} ({'quick' if args.quick else 'full'})", flush=True)
        cmd = [sys.executable, "-m", f"bench.{name}"] + (["--quick"] if args.quick else [])
        if subprocess.run(cmd, cwd=REPO, check=False).returncode:
            failed.append(name)

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n== summary: {'quick' if args.quick else 'full'} run of {datetime.now():%Y-%m-%d %H:%M}, "
          f"{os.cpu_count()} cores, load average {load}, {time.time() - started:.0f} s")
    misses = 0
    for name in names:
        path = RESULTS / f"{name}.json"
        if name in failed or not path.exists() or path.stat().st_mtime < started:
            print(f"{name}: FAILED (no results)")
            continue
        payload = json.loads(path.read_text())
        parts = payload.values() if "benchmark" not in payload else [payload]
        for part in parts:
            for row in _rows(part):
                print(row["line"])
                misses += row.get("verdict") == "MISS"
    if failed:
        return 1
    return 1 if args.strict and misses else 0


if __name__ == "__main__":
    sys.exit(main())
