"""Coverage and type I error of the group-vs-whole-population gap, by simulation (run by hand).

    python benchmarks/overall_coverage.py [replicates]

Each replicate is one indicator: a group of 300 and the rest of 700 people, both
with the same true proportion (type I error: how often an unchanged gap is
called significant) or 25% against 35% (coverage of the true gap
``(1 - w)(p_rest - p_group)``). The data reach ``ev.gaps`` three ways: counts;
value with standard error and sizes ``n``; value with a published 95% interval
and no sizes. Prints JSON.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd

import evidence as ev
from evidence.estimates import wilson_ci


def simulate(p_group: float, p_rest: float, shape: str, reps: int = 400, n_group: int = 300, n_rest: int = 700,
             seed: int = 1) -> dict[str, float]:
    """Share of replicates whose 95% interval covers the true gap, and share called significant."""
    rng = np.random.default_rng(seed)
    xg = rng.binomial(n_group, p_group, reps)
    xr = rng.binomial(n_rest, p_rest, reps)
    rows = []
    for i in range(reps):
        for group, x, n in (("All", xg[i] + xr[i], n_group + n_rest), ("A", xg[i], n_group)):
            rows.append({"indicator": f"i{i}", "period": "2024", "characteristic": "All" if group == "All" else "c",
                         "group": group, "x": x, "n": n})
    df = pd.DataFrame(rows)
    df["value"] = 100 * df["x"] / df["n"]
    if shape == "counts":
        df = df.rename(columns={"x": "numerator", "n": "denominator"})
    elif shape == "se_and_n":
        p = df["x"] / df["n"]
        df["se"] = 100 * np.sqrt(p * (1 - p) / df["n"])
        df = df.drop(columns="x")
    else:  # a published interval only
        lo, hi = wilson_ci(df["x"], df["n"])
        df["lower"] = np.minimum(100 * lo, df["value"])  # rounding in the last digit
        df["upper"] = np.maximum(100 * hi, df["value"])
        df = df.drop(columns=["x", "n"])
    df["polarity"], df["kind"], df["unit"] = "higher_is_better", "proportion", "%"
    g = ev.gaps(df, comparator="overall", suppress_small=False)
    w = n_group / (n_group + n_rest)
    truth = 100 * (1 - w) * (p_rest - p_group)
    covered = (g["gap_lower"] <= truth) & (truth <= g["gap_upper"])
    return {"coverage": float(covered.mean()), "significant": float(g["significant"].fillna(False).astype(bool).mean()),
            "with_interval": float(g["gap_lower"].notna().mean())}


def main(reps: int = 2000) -> dict:
    out = {}
    for shape in ("counts", "se_and_n", "interval_only"):
        null = simulate(0.3, 0.3, shape, reps)
        out[shape] = {"type_I_error": null["significant"], "coverage_null": null["coverage"],
                      "coverage_gap": simulate(0.25, 0.35, shape, reps, seed=2)["coverage"],
                      # unequal variances: the old share-from-variances estimate is worst here
                      "coverage_10_vs_50pct": simulate(0.1, 0.5, shape, reps, seed=3)["coverage"],
                      "coverage_big_group_80pct": simulate(0.4, 0.6, shape, reps, n_group=800, n_rest=200,
                                                           seed=4)["coverage"]}
    return out


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000), indent=2))
