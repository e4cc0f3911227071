"""Synthetic observations for the core benchmark: proportions with counts, 4 periods, many areas.

Each indicator × period × area block holds the whole population ("All") and 41 groups of five
characteristics (ethnicity 19, sex 2, disability 2, age band 8, deprivation decile 10). Group
sizes split the population's; group rates differ by group and period, so gaps, changes and every
progress status occur; some ethnic groups are small enough to be suppressed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CHARACTERISTICS = {"ethnicity": 19, "sex": 2, "disability": 2, "age_band": 8, "imd_decile": 10}
PERIODS = ["2021", "2022", "2023", "2024"]
INDICATORS = [
    ("employment_rate", "higher_is_better", "Employment rate", "residents"),
    ("good_level_of_development", "higher_is_better", "Good level of development", "children"),
    ("pass_english_maths", "higher_is_better", "Grade 5 or above in English and maths", "pupils"),
    ("smoking_prevalence", "lower_is_better", "Smoking prevalence", "adults"),
    ("unemployment_rate", "lower_is_better", "Unemployment rate", "residents"),
    ("satisfied_with_area", "higher_is_better", "Satisfied with the local area", "residents"),
]
ROWS_PER_BLOCK = 1 + sum(CHARACTERISTICS.values())


def indicators() -> pd.DataFrame:
    """Indicator metadata for :func:`observations`."""
    return pd.DataFrame([{"indicator": i, "polarity": p, "name": n, "population": pop, "kind": "proportion",
                          "unit": "%", "multiplier": 100.0, "domain": "other"} for i, p, n, pop in INDICATORS])


def observations(rows: int = 1_000_000, seed: int = 1) -> pd.DataFrame:
    """About ``rows`` observation rows (rounded to whole indicator × period × area blocks)."""
    rng = np.random.default_rng(seed)
    n_ind, n_per = len(INDICATORS), len(PERIODS)
    areas = max(1, round(rows / (ROWS_PER_BLOCK * n_ind * n_per)))
    blocks = n_ind * n_per * areas
    # block order: indicator, area, period (so one area's periods share its population)
    ind = np.repeat(np.arange(n_ind), areas * n_per)
    area = np.tile(np.repeat(np.arange(areas), n_per), n_ind)
    per = np.tile(np.arange(n_per), n_ind * areas)
    size = rng.integers(300, 30_000, size=n_ind * areas)
    total = np.repeat(size, n_per)
    base = rng.uniform(0.2, 0.8, size=n_ind)[ind] + rng.normal(0, 0.05, blocks)
    trend = rng.normal(0, 0.02, size=(n_ind * areas, 1)) * np.arange(n_per)  # some areas improve, some decline
    p_all = np.clip(base + trend.ravel(), 0.05, 0.95)

    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("characteristic", "group", "numerator", "denominator")}
    nums = []
    for ch, k in CHARACTERISTICS.items():
        shares = rng.dirichlet(np.full(k, 0.6 if ch == "ethnicity" else 4.0), size=n_ind * areas)
        den = np.vstack([rng.multinomial(s, sh) for s, sh in zip(size, shares, strict=True)])
        den = np.repeat(den, n_per, axis=0)
        effect = rng.normal(0, 0.08, size=(1, k)) + rng.normal(0, 0.04, size=(blocks, k)) \
            + rng.normal(0, 0.03, size=(n_ind * areas, k)).repeat(n_per, axis=0) * per[:, None]
        p = np.clip(p_all[:, None] + effect, 0.01, 0.99)
        num = rng.binomial(den, p)
        nums.append(num)
        cols["characteristic"].append(np.full((blocks, k), ch, dtype=object))
        cols["group"].append(np.tile(np.array([f"{ch.replace('_', ' ').capitalize()} {j + 1}" for j in range(k)],
                                              dtype=object), (blocks, 1)))
        cols["numerator"].append(num)
        cols["denominator"].append(den)
    all_num = nums[0].sum(axis=1)  # the whole population counts as the first characteristic adds up
    for j in range(1, len(nums)):  # other splits: keep each group's rest a valid count
        lo = np.maximum(0, all_num[:, None] - (total[:, None] - cols["denominator"][j]))
        cols["numerator"][j] = np.clip(cols["numerator"][j], lo, np.minimum(cols["denominator"][j], all_num[:, None]))
    stack = {c: np.hstack([np.full((blocks, 1), "All", dtype=object)] + v) if c in ("characteristic", "group")
             else np.hstack([(all_num if c == "numerator" else total)[:, None]] + v) for c, v in cols.items()}
    width = stack["group"].shape[1]
    out = pd.DataFrame({
        "indicator": np.repeat(np.array([i[0] for i in INDICATORS], dtype=object)[ind], width),
        "period": np.repeat(np.array(PERIODS, dtype=object)[per], width),
        "area": np.repeat(np.array([f"E{a:08d}" for a in range(areas)], dtype=object)[area], width),
        "characteristic": stack["characteristic"].ravel(),
        "group": stack["group"].ravel(),
        "numerator": stack["numerator"].ravel().astype(float),
        "denominator": stack["denominator"].ravel().astype(float),
    })
    out["value"] = 100 * out["numerator"] / out["denominator"]
    return out
