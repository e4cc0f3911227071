"""Time `evidence report` on the built-in demo: end to end, its stages, and the floor papermill sets.

Three measurements, each ``--runs`` times (median reported):

1. end to end, as a user runs it: ``python -m evidence.cli report`` in a fresh folder, against
   the budget of 20 seconds of wall time on a 2-core machine (papermill start-up included);
2. the stages of one run, in process (``evidence.report.report`` with a progress callback, and
   papermill's own per-cell timings from the executed notebook): checking the scheme and data,
   kernel start (papermill's execution time not spent in any cell), build (parameters, loading
   and computing every result), figures and sections (the cells drawing charts and rendering
   HTML sections), tables (CSV, JSON and Excel), HTML (nbconvert) and the rest (manifest, swap);
3. the floor: papermill running an empty notebook on the same kernel, which no report can beat.

Prints the runs, the stage table and the ratio of the report's notebook time (and its whole
in-process time) to the floor, and writes the figures to benchmarks/results/report.json.

Usage: nice -n 10 python benchmarks/report.py [--runs 3]
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
#: notebook cells by the comment that opens them ("# Cell: ...") -> stage
CELL_STAGES = {"parameters": "build", "injected": "build", "check the parameters": "build",
               "load the scheme": "build", "write tables": "tables (CSV, JSON, Excel)"}
FIGURES = "figures and sections"


def end_to_end() -> float:
    with tempfile.TemporaryDirectory() as cwd:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "evidence.cli", "report", "--quiet"], cwd=cwd, check=True)
        return time.perf_counter() - start


def _cell_stage(cell: dict) -> str:
    if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
        return "build"
    first = "".join(cell.get("source", "")).splitlines()[:1]
    head = first[0].lower() if first else ""
    return next((stage for key, stage in CELL_STAGES.items() if key in head), FIGURES)


def stages() -> dict[str, float]:
    """One in-process report of the demo, split into stages (seconds)."""
    from evidence.report import report

    marks: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as cwd:
        start = time.perf_counter()
        out = report(out=Path(cwd) / "demo", progress=lambda msg: marks.append((msg, time.perf_counter())))
        end = time.perf_counter()
        nb = json.loads((out / "report.ipynb").read_text(encoding="utf-8"))
    at = {msg.split(" ")[0] + " " + msg.split(" ")[1]: t for msg, t in marks}
    run, html = at["Running the"], at["Writing HTML"]
    cells: dict[str, float] = {}
    for cell in nb["cells"]:
        took = (cell.get("metadata", {}).get("papermill", {}) or {}).get("duration")
        if cell["cell_type"] == "code" and took is not None:
            cells[_cell_stage(cell)] = cells.get(_cell_stage(cell), 0.0) + float(took)
    notebook = html - run
    done = next(t for msg, t in marks if msg.startswith("Report written"))
    out_stages = {"check scheme and data": run - start,
                  "kernel start (papermill, outside cells)": notebook - sum(cells.values()),
                  **{k: cells.get(k, 0.0) for k in ("build", FIGURES, "tables (CSV, JSON, Excel)")},
                  "HTML (nbconvert)": done - html if not any(m.startswith("Printing") for m, _ in marks) else None,
                  "manifest and swap": end - done}
    out_stages["notebook (kernel start to last cell)"] = notebook
    out_stages["total in process"] = end - start
    return out_stages


def floor() -> float:
    """papermill running an empty notebook on the report's own kernel: the least any report can take."""
    import nbformat

    from evidence.report import KERNEL_NAME, _execute

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python (evidence)", "language": "python"}
    params = nbformat.v4.new_code_cell("x = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("")]
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "empty.ipynb", Path(tmp) / "out.ipynb"
        nbformat.write(nb, src)
        start = time.perf_counter()
        _execute(src, dst, {})
        return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "report.json"))
    args = ap.parse_args()
    times, floors, parts = [], [], []
    for i in range(args.runs):
        times.append(end_to_end())
        floors.append(floor())
        parts.append(stages())
        print(f"run {i + 1}: end to end {times[-1]:.1f} s; empty notebook {floors[-1]:.1f} s; "
              f"in process {parts[-1]['total in process']:.1f} s")
    median = statistics.median(times)
    base = statistics.median(floors)
    stage = {k: statistics.median([p[k] for p in parts if p[k] is not None]) for k in parts[0]}
    print(f"\nend to end: median {median:.1f} s over {len(times)} runs; budget {BUDGET_SECONDS:.0f} s; "
          f"ratio to budget {median / BUDGET_SECONDS:.2f}")
    print(f"floor (papermill, empty notebook, same kernel): median {base:.2f} s\n")
    print(f"{'stage':42} {'median s':>9} {'× floor':>8}")
    for k, v in stage.items():
        print(f"{k:42} {v:9.2f} {v / base:8.2f}")
    out = Path(args.out)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({
        "runs_seconds": [round(t, 2) for t in times], "median_seconds": round(median, 2),
        "budget_seconds": BUDGET_SECONDS, "ratio_to_budget": round(median / BUDGET_SECONDS, 3),
        "floor_empty_notebook_seconds": [round(t, 2) for t in floors], "floor_median_seconds": round(base, 2),
        "stages_median_seconds": {k: round(v, 2) for k, v in stage.items()},
        "notebook_ratio_to_floor": round(stage["notebook (kernel start to last cell)"] / base, 2),
        "in_process_ratio_to_floor": round(stage["total in process"] / base, 2),
        "cpus": os.cpu_count(), "python": platform.python_version()}, indent=2) + "\n")
    print(f"\nnotebook ÷ floor {stage['notebook (kernel start to last cell)'] / base:.2f}; "
          f"in process ÷ floor {stage['total in process'] / base:.2f}\nwritten {out}")


if __name__ == "__main__":
    main()
