"""Time ev.gaps, ev.progress and ev.screen against hand-written vectorised pandas and DuckDB SQL (run by hand).

Observations from ``core_data.py``: proportions with counts, 4 periods, 6 indicators, 5
characteristics (41 groups and the whole population) per area, as many areas as make the rows
asked for (10k, 100k and 1M by default). Each call compares every group with the whole population
(``comparator="overall"``): progress from 2021 to 2024, the screen of 2024.

Baselines, written the obvious way for these data only (counts, no validation or wording):

- pandas: the whole population merged onto each group; Wilson score interval for each value;
  Newcombe's hybrid score interval for the group against the rest of the population, scaled by
  ``1 - share`` (the gap to the whole population); oriented by polarity; primary suppression
  (numerator under 5, denominator under 10). Progress joins two periods and takes the change by
  MOVER; the screen sorts one period by the lower limit of the gap.
- DuckDB: the same in one SQL statement per call, on the DataFrame.

Each method runs in a forked child (``in_child`` of ``aggregate.py``): the median seconds of the
runs after the first, and the peak resident memory, first run included, above what the
observations already took. The first run after a fork is timed apart (``first_seconds``): it pays
for copying pages shared with the parent, which no long-running process does. The ratio is to the pandas
baseline in the same run. Then the equality check: every gap and interval ev.gaps publishes equals
the baseline's (to 1e-9) where both publish one.

Usage: nice -n 10 python benchmarks/core.py [--rows 10000,100000,1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
import core_data  # noqa: E402
from aggregate import in_child  # noqa: E402

import evidence as ev  # noqa: E402

Z = 1.959963984540054
KEY = ["indicator", "period", "area", "characteristic", "group"]


def wilson(x, n):
    """Wilson score interval (Wilson 1927), vectorised."""
    p = x / n
    d = 1 + Z**2 / n
    centre = (p + Z**2 / (2 * n)) / d
    half = Z * np.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / d
    return p, centre - half, centre + half


def pandas_gaps(obs: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """Hand-written: each group against the whole population, via the rest (Newcombe 1998, method 10)."""
    small = (obs["numerator"] < 5) | (obs["denominator"] < 10)
    o = obs.assign(numerator=obs["numerator"].mask(small), denominator=obs["denominator"].mask(small))
    a = o.loc[o["group"] == "All", ["indicator", "period", "area", "numerator", "denominator"]]
    g = o[o["group"] != "All"].merge(a, on=["indicator", "period", "area"], suffixes=("", "_all"))
    g = g.merge(meta[["indicator", "polarity"]], on="indicator")
    x, n, xa, na = (g[c].to_numpy(float) for c in ("numerator", "denominator", "numerator_all", "denominator_all"))
    with np.errstate(divide="ignore", invalid="ignore"):
        p, lo, hi = wilson(x, n)
        pa, alo, ahi = wilson(xa, na)
        pr, rlo, rhi = wilson(xa - x, na - n)
        d = p - pr
        dlo = d - np.sqrt((p - lo) ** 2 + (rhi - pr) ** 2)
        dhi = d + np.sqrt((hi - p) ** 2 + (pr - rlo) ** 2)
    k = 100 * (1 - n / na)
    higher = (g["polarity"] == "higher_is_better").to_numpy()
    g["value"], g["lower"], g["upper"] = 100 * p, 100 * lo, 100 * hi
    g["comparator_value"] = 100 * pa
    g["gap"] = np.where(higher, 100 * (pa - p), 100 * (p - pa))
    g["gap_lower"] = np.where(higher, -k * dhi, k * dlo)
    g["gap_upper"] = np.where(higher, -k * dlo, k * dhi)
    g["significant"] = (g["gap_lower"] > 0) | (g["gap_upper"] < 0)
    return g[KEY + ["value", "lower", "upper", "comparator_value", "gap", "gap_lower", "gap_upper", "significant"]]


def pandas_progress(obs: pd.DataFrame, meta: pd.DataFrame, baseline: str, current: str) -> pd.DataFrame:
    """Hand-written: gaps at both ends, the change by MOVER (Zou & Donner 2008), a status by np.select."""
    ends = [pandas_gaps(obs[obs["period"] == p], meta).drop(columns="period") for p in (baseline, current)]
    m = ends[0].merge(ends[1], on=["indicator", "area", "characteristic", "group"], suffixes=("_0", "_1"))
    d = m["gap_1"] - m["gap_0"]
    m["gap_change"] = d
    m["gap_change_lower"] = d - np.sqrt((m["gap_1"] - m["gap_lower_1"]) ** 2 + (m["gap_upper_0"] - m["gap_0"]) ** 2)
    m["gap_change_upper"] = d + np.sqrt((m["gap_upper_1"] - m["gap_1"]) ** 2 + (m["gap_0"] - m["gap_lower_0"]) ** 2)
    behind0, behind1 = m["gap_lower_0"] > 0, m["gap_lower_1"] > 0
    m["status"] = np.select([m["gap_0"].isna() | m["gap_1"].isna(),
                             ~behind0 & ~behind1, (m["gap_change_lower"] > 0) & behind1,
                             (m["gap_change_upper"] < 0) & behind0],
                            ["insufficient_data", "no_gap", "widened", "narrowed"], default="no_significant_change")
    return m


def pandas_screen(obs: pd.DataFrame, meta: pd.DataFrame, period: str) -> pd.DataFrame:
    """Hand-written: one period's gaps, largest significant disadvantage first."""
    g = pandas_gaps(obs[obs["period"] == period], meta)
    return g.sort_values(["significant", "gap_lower"], ascending=[False, False], kind="stable")


GAPS_SQL = """
WITH o AS (
  SELECT o.*, m.polarity,
         CASE WHEN numerator < 5 OR denominator < 10 THEN NULL ELSE numerator END AS x,
         CASE WHEN numerator < 5 OR denominator < 10 THEN NULL ELSE denominator END AS n
  FROM obs o JOIN meta m USING (indicator) {where}),
w AS (  -- Wilson for the group, the whole population and the rest
  SELECT g.indicator, g.period, g.area, g.characteristic, g."group", g.polarity, g.x / g.n AS p, a.x / a.n AS pa,
         (a.x - g.x) / (a.n - g.n) AS pr, g.n / a.n AS share, g.n AS n, a.n - g.n AS nr,
         ({z} * {z}) AS z2
  FROM o g JOIN o a ON a.indicator = g.indicator AND a.period = g.period AND a.area = g.area AND a."group" = 'All'
  WHERE g."group" <> 'All'),
c AS (
  SELECT *, (p + z2 / (2 * n)) / (1 + z2 / n) AS cg, {z} * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n) AS hg,
            (pr + z2 / (2 * nr)) / (1 + z2 / nr) AS cr,
            {z} * sqrt(pr * (1 - pr) / nr + z2 / (4 * nr * nr)) / (1 + z2 / nr) AS hr
  FROM w),
d AS (
  SELECT *, p - pr AS dd,
         p - pr - sqrt((p - (cg - hg)) ^ 2 + ((cr + hr) - pr) ^ 2) AS dlo,
         p - pr + sqrt(((cg + hg) - p) ^ 2 + (pr - (cr - hr)) ^ 2) AS dhi,
         100 * (1 - share) AS k
  FROM c)
SELECT indicator, period, area, characteristic, "group", 100 * p AS value, 100 * (cg - hg) AS lower,
       100 * (cg + hg) AS upper, 100 * pa AS comparator_value,
       CASE WHEN polarity = 'higher_is_better' THEN 100 * (pa - p) ELSE 100 * (p - pa) END AS gap,
       CASE WHEN polarity = 'higher_is_better' THEN -k * dhi ELSE k * dlo END AS gap_lower,
       CASE WHEN polarity = 'higher_is_better' THEN -k * dlo ELSE k * dhi END AS gap_upper
FROM d
"""


def duckdb_run(obs: pd.DataFrame, meta: pd.DataFrame, what: str) -> pd.DataFrame:
    import duckdb

    con = duckdb.connect()
    con.register("obs", obs)
    con.register("meta", meta)
    if what == "gaps":
        sql = GAPS_SQL.format(z=Z, where="")
    elif what == "screen":
        sql = (f"SELECT * FROM ({GAPS_SQL.format(z=Z, where=chr(10) + 'WHERE period = ' + repr('2024'))}) "
               "ORDER BY (gap_lower > 0 OR gap_upper < 0) DESC, gap_lower DESC")
    else:
        ends = [GAPS_SQL.format(z=Z, where=f"WHERE period = '{p}'") for p in ("2021", "2024")]
        sql = f"""
        WITH g0 AS ({ends[0]}), g1 AS ({ends[1]}),
        m AS (SELECT g0.indicator, g0.area, g0.characteristic, g0."group", g0.gap AS gap_0, g1.gap AS gap_1,
                     g1.gap - g0.gap AS dd,
                     g1.gap - g0.gap - sqrt((g1.gap - g1.gap_lower) ^ 2 + (g0.gap_upper - g0.gap) ^ 2) AS lo,
                     g1.gap - g0.gap + sqrt((g1.gap_upper - g1.gap) ^ 2 + (g0.gap - g0.gap_lower) ^ 2) AS hi,
                     g0.gap_lower > 0 AS b0, g1.gap_lower > 0 AS b1
              FROM g0 JOIN g1 USING (indicator, area, characteristic, "group"))
        SELECT *, CASE WHEN gap_0 IS NULL OR gap_1 IS NULL THEN 'insufficient_data'
                       WHEN NOT b0 AND NOT b1 THEN 'no_gap' WHEN lo > 0 AND b1 THEN 'widened'
                       WHEN hi < 0 AND b0 THEN 'narrowed' ELSE 'no_significant_change' END AS status FROM m"""
    out = con.execute(sql).df()
    con.close()
    return out


def calls(obs: pd.DataFrame, meta: pd.DataFrame) -> dict[str, dict[str, callable]]:
    return {
        "gaps": {"ev": lambda: ev.gaps(obs, "overall", indicators=meta),
                 "pandas": lambda: pandas_gaps(obs, meta), "duckdb": lambda: duckdb_run(obs, meta, "gaps")},
        "progress": {"ev": lambda: ev.progress(obs, "2021", "2024", "overall", indicators=meta),
                     "pandas": lambda: pandas_progress(obs, meta, "2021", "2024"),
                     "duckdb": lambda: duckdb_run(obs, meta, "progress")},
        "screen": {"ev": lambda: ev.screen(obs, "2024", "overall", indicators=meta),
                   "pandas": lambda: pandas_screen(obs, meta, "2024"), "duckdb": lambda: duckdb_run(obs, meta, "screen")},
    }


def equality(obs: pd.DataFrame, meta: pd.DataFrame) -> dict:
    """ev.gaps against the pandas baseline, on every row both publish."""
    a = ev.gaps(obs, "overall", indicators=meta)
    b = pandas_gaps(obs, meta)
    m = a.merge(b, on=KEY, suffixes=("", "_base"))
    out = {"rows": len(a), "rows_compared": 0, "max_abs_difference": {}}
    both = np.ones(len(m), dtype=bool)
    for col in ("value", "lower", "upper", "comparator_value", "gap", "gap_lower", "gap_upper"):
        both &= m[col].notna().to_numpy() & m[f"{col}_base"].notna().to_numpy()
    for col in ("value", "lower", "upper", "comparator_value", "gap", "gap_lower", "gap_upper"):
        diff = np.abs(m.loc[both, col].to_numpy(float) - m.loc[both, f"{col}_base"].to_numpy(float))
        out["max_abs_difference"][col] = float(diff.max()) if both.any() else None
    out["rows_compared"] = int(both.sum())
    out["significant_agrees"] = bool((m.loc[both, "significant"].astype(bool) == m.loc[both, "significant_base"]).all())
    out["equal_to_1e-9"] = all(v is not None and v <= 1e-9 for v in out["max_abs_difference"].values())
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", default="10000,100000,1000000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "core.json"))
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    meta = core_data.indicators()
    results = []
    for rows in (int(r) for r in args.rows.split(",")):
        obs = core_data.observations(rows)
        mb = obs.memory_usage(deep=True).sum() / 2**20
        print(f"\n{len(obs):,} observation rows ({mb:.0f} MB)")
        for call, methods in calls(obs, meta).items():
            for method, fn in methods.items():
                # one more run than timed: the first after the fork pays for copying the parent's pages
                # (seconds of kernel time at 1M rows); its peak memory counts, its time is reported apart
                res = in_child(fn, 1 + (args.repeat if rows < 1_000_000 or method != "ev" else max(2, args.repeat - 1)))
                row = {"rows": len(obs), "table_mb": round(mb, 1), "call": call, "method": method, **res}
                if "seconds" in res:
                    row["first_seconds"], *timed = res["seconds"]
                    row["median_seconds"] = statistics.median(timed)
                results.append(row)
            base = next(r for r in results if r["rows"] == len(obs) and r["call"] == call and r["method"] == "pandas")
            for r in results:
                if r["rows"] == len(obs) and r["call"] == call and "median_seconds" in r:
                    r["ratio_to_pandas_baseline"] = r["median_seconds"] / base["median_seconds"]
                    r["memory_ratio_to_table"] = r["peak_extra_mb"] / mb
                    print(f"  {call:9} {r['method']:7} {r['median_seconds']:8.3f} s  ×{r['ratio_to_pandas_baseline']:6.2f} "
                          f"of pandas baseline  peak +{r['peak_extra_mb']:6.0f} MB ({r['memory_ratio_to_table']:.1f}× table)"
                          f"  first run {r['first_seconds']:.3f} s")
        eq = equality(obs, meta)
        results.append({"rows": len(obs), "call": "equality with pandas baseline", **eq})
        print(f"  equality: {eq['rows_compared']:,} of {eq['rows']:,} gap rows compared, max |difference| "
              f"{max(v for v in eq['max_abs_difference'].values() if v is not None):.2e}, "
              f"significance agrees: {eq['significant_agrees']}")
    print(f"\n{'rows':>10} {'call':9} {'method':7} {'median s':>9} {'× pandas':>9} {'peak MB':>8} {'× table':>8}")
    for r in results:
        if "median_seconds" in r:
            print(f"{r['rows']:>10,} {r['call']:9} {r['method']:7} {r['median_seconds']:9.3f} "
                  f"{r['ratio_to_pandas_baseline']:9.2f} {r['peak_extra_mb']:8.0f} {r['memory_ratio_to_table']:8.2f}")
    out = Path(args.out)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"results": results, "cpus": os.cpu_count(), "python": platform.python_version(),
                               "pandas": pd.__version__}, indent=2, default=float) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main()
