"""Time `evidence report` on the built-in demo, end to end, as a user runs it.

Baseline: the issue's budget of 20 seconds of wall time on a 2-core machine
(papermill start-up included). Prints each run, the median, and the ratio of
the median to that budget (below 1.0 is within budget), and writes the figures
to benchmarks/results/report.json.

Usage: python benchmarks/report.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_SECONDS = 20.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    times = []
    for i in range(args.runs):
        with tempfile.TemporaryDirectory() as cwd:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "evidence.cli", "report", "--quiet"], cwd=cwd, check=True)
            times.append(time.perf_counter() - start)
        print(f"run {i + 1}: {times[-1]:.1f} s")
    median = statistics.median(times)
    print(f"median {median:.1f} s over {len(times)} runs; budget {BUDGET_SECONDS:.0f} s; "
          f"ratio to budget {median / BUDGET_SECONDS:.2f}")
    out = Path(__file__).parent / "results" / "report.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"runs_seconds": [round(t, 2) for t in times], "median_seconds": round(median, 2),
                               "budget_seconds": BUDGET_SECONDS, "ratio_to_budget": round(median / BUDGET_SECONDS, 3),
                               "cpus": os.cpu_count(), "python": platform.python_version()}, indent=2) + "\n")


if __name__ == "__main__":
    main()
