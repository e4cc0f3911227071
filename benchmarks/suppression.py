"""Time small-number suppression (primary and secondary) on about a million rows (run by hand).

    python benchmarks/suppression.py [rows]

Builds an observations table of ``rows`` rows in blocks of one whole-population
row and nine groups (some with small counts), runs ``ev.suppress`` and prints
JSON with the time and how many rows were suppressed by each rule. Run it with
``PYTHONPATH`` pointing at another checkout to compare versions.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pandas as pd

import evidence as ev


def table(rows: int = 1_000_000, seed: int = 1) -> pd.DataFrame:
    """Observations in blocks of 10 rows (All + 9 groups), about 5% of groups with small counts."""
    rng = np.random.default_rng(seed)
    blocks = rows // 10
    den = rng.integers(5, 400, size=(blocks, 9))
    num = rng.binomial(den, 0.5)
    den_all, num_all = den.sum(axis=1, keepdims=True), num.sum(axis=1, keepdims=True)
    b = np.arange(blocks)
    df = pd.DataFrame({
        "indicator": np.repeat([f"i{i % 50}" for i in b], 10),
        "period": np.repeat([str(2015 + (i // 50) % 10) for i in b], 10),
        "area": np.repeat([f"E{i // 500:08d}" for i in b], 10),
        "characteristic": np.tile(["All"] + ["c"] * 9, blocks),
        "group": np.tile(["All"] + [f"g{k}" for k in range(9)], blocks),
        "numerator": np.hstack([num_all, num]).ravel().astype(float),
        "denominator": np.hstack([den_all, den]).ravel().astype(float),
    })
    df["value"] = 100 * df["numerator"] / df["denominator"]
    return df


def main(rows: int = 1_000_000) -> dict:
    df = table(rows)
    t = time.perf_counter()
    out = ev.suppress(df)
    seconds = time.perf_counter() - t
    reasons = out["reason"].value_counts().to_dict()
    return {"rows": len(df), "seconds": round(seconds, 2), "suppressed": int(out["suppressed"].sum()),
            "by_reason": {str(k): int(v) for k, v in reasons.items()}, "evidence": ev.__file__}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000), indent=2))
