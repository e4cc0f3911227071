"""Time ev.aggregate's engines on synthetic person-level records, against hand-written baselines.

10,000,000 records by default: 5 characteristics of 19, 2, 2, 8 and 10 levels, 3 outcomes (one
continuous, two yes/no); every single characteristic plus every 2-way intersection (15 grouping
sets and the whole population). Compared:

- ``ev.aggregate`` with ``engine="pandas"``, ``"duckdb"`` (on the DataFrame) and ``"spark"``
  (local mode, on the same records written to Parquet, timed from the read);
- a hand-written pandas ``groupby`` per grouping set (count, sums and sums of squares);
- DuckDB ``GROUP BY GROUPING SETS`` in plain SQL, the same statistics.

Each method runs in a forked child process, so its peak memory is its own: the extra resident
memory above what the records already took (Linux ``VmHWM`` after ``clear_refs``). For Spark only
the Python driver is counted, not the JVM. ``--big N`` also aggregates N records (100,000,000 in
the issue) from Parquet files with the DuckDB engine under ``--memory-limit`` (4GB), out of core.

Prints a table and writes benchmarks/results/aggregate.json. Run it with ``nice`` on a quiet
machine; data go under a temporary folder that is deleted at the end.

Usage: nice -n 19 python benchmarks/aggregate.py [--rows 10000000] [--repeat 3] [--big 0]
       [--engines pandas,duckdb,spark] [--memory-limit 4GB]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

import evidence as ev

LEVELS = {"ethnicity": 19, "sex": 2, "disability": 2, "age_band": 8, "imd_decile": 10}
OUTCOMES = ["attainment", "passed", "employed"]


def records(n: int, seed: int = 1) -> pd.DataFrame:
    """Synthetic records: categorical characteristics, a continuous and two 0/1 outcomes."""
    rng = np.random.default_rng(seed)
    frame = {}
    for name, k in LEVELS.items():
        p = rng.dirichlet(np.full(k, 2.0))
        codes = rng.choice(k, n, p=p).astype(np.int8)
        frame[name] = pd.Categorical.from_codes(codes, [f"{name} {i + 1}" for i in range(k)])
    base = rng.normal(0, 1, n)
    frame["attainment"] = 48 + 15 * base
    frame["passed"] = (base + rng.normal(0, 1, n) > 0).astype(np.int8)
    frame["employed"] = (rng.random(n) < 0.72).astype(np.int8)
    return pd.DataFrame(frame)


SETS = [s for k in (1, 2) for s in combinations(LEVELS, k)]


def hand_pandas(df: pd.DataFrame) -> list[pd.DataFrame]:
    """The obvious pandas: one groupby per grouping set."""
    x = df.assign(attainment_sq=df["attainment"] ** 2)
    cols = OUTCOMES + ["attainment_sq"]
    out = [x[cols].sum().to_frame().T.assign(rows=len(x))]
    for s in SETS:
        g = x.groupby(list(s), observed=True)
        out.append(g[cols].sum().join(g.size().rename("rows")).reset_index())
    return out


def grouping_sets_sql(table: str) -> str:
    sets = ", ".join("(" + ", ".join(s) + ")" for s in SETS) + ", ()"
    return (f"SELECT {', '.join(LEVELS)}, count(*) AS rows, sum(attainment) AS a, sum(attainment * attainment) AS a2, "
            f"count(attainment) AS an, sum(passed) AS p, count(passed) AS pn, sum(employed) AS e, count(employed) AS en "
            f"FROM {table} GROUP BY GROUPING SETS ({sets})")


def duckdb_sets(df: pd.DataFrame) -> pd.DataFrame:
    import duckdb

    con = duckdb.connect()
    con.register("records", df)
    out = con.execute(grouping_sets_sql("records")).df()
    con.close()
    return out


def run_aggregate(source, engine: str, **kw) -> pd.DataFrame:
    return ev.aggregate(source, OUTCOMES, by=list(LEVELS), intersections=2, engine=engine, period="2024", **kw)


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def in_child(fn, repeat: int, setup=None) -> dict:
    """Run fn `repeat` times in a forked child (after `setup`, untimed); times and extra peak resident memory."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        try:
            state = setup() if setup else None
            Path("/proc/self/clear_refs").write_text("5")  # reset the peak to now
            before = _status("VmRSS")
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                fn(state) if setup else fn()
                times.append(time.perf_counter() - t)
            result = {"seconds": times, "peak_extra_mb": (_status("VmHWM") - before) / 2**20}
        except Exception as err:  # reported, not raised: the parent carries on
            result = {"error": f"{type(err).__name__}: {err}"}
        os.write(w, json.dumps(result).encode())
        os.close(w)
        os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.waitpid(pid, 0)
    return json.loads(data)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--engines", default="pandas,duckdb,spark")
    ap.add_argument("--big", type=int, default=0, help="also aggregate this many records from Parquet with DuckDB")
    ap.add_argument("--memory-limit", default="4GB")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "aggregate.json"))
    args = ap.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    tmp = Path(tempfile.mkdtemp(prefix="evidence-bench-"))
    results: dict[str, dict] = {}
    try:
        t = time.perf_counter()
        df = records(args.rows)
        print(f"{args.rows:,} records, {df.memory_usage(deep=True).sum() / 2**20:.0f} MB, "
              f"made in {time.perf_counter() - t:.1f} s; {len(SETS)} grouping sets and the whole population")
        runs = {
            "pandas groupby per set (hand-written)": (lambda: hand_pandas(df), min(args.repeat, 2), None),
            "DuckDB GROUPING SETS (plain SQL)": (lambda: duckdb_sets(df), args.repeat, None),
        }
        if "pandas" in engines:
            runs["ev.aggregate engine=pandas"] = (lambda: run_aggregate(df, "pandas"), args.repeat, None)
        if "duckdb" in engines:
            runs["ev.aggregate engine=duckdb"] = (lambda: run_aggregate(df, "duckdb"), args.repeat, None)
        if "spark" in engines:
            path = tmp / "records.parquet"
            df.to_parquet(path)

            def spark_session():  # started before the clock: a cluster's session already exists
                from pyspark.sql import SparkSession

                spark = (SparkSession.builder.master("local[*]").config("spark.ui.enabled", "false")
                         .config("spark.driver.memory", "4g").getOrCreate())
                spark.sparkContext.setLogLevel("ERROR")
                return spark

            runs["ev.aggregate engine=spark (local, Parquet)"] = (
                lambda spark: run_aggregate(spark.read.parquet(str(path)), "spark"), 2, spark_session)
        for name, (fn, repeat, setup) in runs.items():
            res = in_child(fn, repeat, setup)
            results[name] = res
            print(f"  {name}: " + (res["error"] if "error" in res else
                                   f"{statistics.median(res['seconds']):.2f} s, +{res['peak_extra_mb']:.0f} MB"))
        # the engines agree (same numbers to 1e-9): checked here on the full table
        if {"pandas", "duckdb"} <= set(engines):
            a, b = run_aggregate(df, "pandas"), run_aggregate(df, "duckdb")
            key = ["indicator", "characteristic", "group"]
            pd.testing.assert_frame_equal(a.sort_values(key).reset_index(drop=True),
                                          b.sort_values(key).reset_index(drop=True), rtol=1e-9, atol=0)
            print(f"  pandas and DuckDB engines agree on all {len(a):,} observation rows (rtol 1e-9)")
        df = None  # free the records before the out-of-core run

        big = None
        if args.big:
            folder = tmp / "big"
            folder.mkdir()
            chunk = 10_000_000
            t = time.perf_counter()
            for i in range(0, args.big, chunk):
                records(min(chunk, args.big - i), seed=100 + i // chunk).to_parquet(folder / f"part{i // chunk:03d}.parquet")
            size = sum(p.stat().st_size for p in folder.iterdir()) / 2**30
            print(f"{args.big:,} records written to Parquet ({size:.1f} GB) in {time.perf_counter() - t:.0f} s")
            def big_run():
                obs = run_aggregate(str(folder / "*.parquet"), "duckdb", memory_limit=args.memory_limit)
                everyone = obs.loc[(obs["group"] == "All") & (obs["indicator"] == "passed"), "n"].iloc[0]
                assert everyone == args.big, f"All counted {everyone:,} records, not {args.big:,}"

            res = in_child(big_run, 1)
            big = {"records": args.big, "parquet_gb": round(size, 2), "memory_limit": args.memory_limit, **res}
            print("  ev.aggregate engine=duckdb, out of core: " + (res["error"] if "error" in res else
                  f"{res['seconds'][0]:.1f} s, peak +{res['peak_extra_mb']:.0f} MB (limit {args.memory_limit})"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    ref = statistics.median(results["DuckDB GROUPING SETS (plain SQL)"]["seconds"])
    print(f"\n{'method':45} {'median s':>9} {'÷ GROUPING SETS':>16} {'peak extra MB':>14}")
    table = []
    for name, res in results.items():
        if "error" in res:
            print(f"{name:45} {res['error']}")
            continue
        med = statistics.median(res["seconds"])
        table.append({"method": name, "median_seconds": round(med, 3), "runs_seconds": [round(s, 3) for s in res["seconds"]],
                      "ratio_to_grouping_sets": round(med / ref, 3), "peak_extra_mb": round(res["peak_extra_mb"], 1)})
        print(f"{name:45} {med:9.2f} {med / ref:16.2f} {res['peak_extra_mb']:14.0f}")
    out = Path(args.out)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"records": args.rows, "levels": LEVELS, "outcomes": OUTCOMES,
                               "grouping_sets": len(SETS) + 1, "results": table, "out_of_core": big,
                               "cpus": os.cpu_count(), "python": platform.python_version(),
                               "pandas": pd.__version__}, indent=2) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main()
