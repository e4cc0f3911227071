"""``benchmark``: each area against England, its region or a set of comparator areas.

Fingertips' comparison (OHID, *Fingertips technical guidance: comparing an area
with a benchmark*): an area is significantly different from the benchmark when
the area's confidence interval (95% and/or 99.8%) excludes the benchmark's
value; the benchmark is treated as fixed. With the indicator's polarity the
result is ``better`` / ``worse``, without it ``higher`` / ``lower``; otherwise
``similar``. A value without an interval is ``not_compared``.

The benchmark may be one area (``"England"``), one per area (``{"Leeds": "North
East and Yorkshire", ...}``, e.g. its region) or a set of comparator areas,
pooled from their counts when every one has them, else their mean.

For groups within an area, each group's gap (from :func:`evidence.gaps.gaps`,
positive = worse off) is shown beside the same group's gap in the benchmark,
and the two gaps are compared (independent samples, MOVER interval for the
difference; Zou & Donner 2008) so a report can say whether "our gap" is wider
than "England's gap".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import Problem, raise_if
from .estimates import estimate, mover_diff_ci
from .funnel import proportion_significance, ratio_significance
from .gaps import gaps_prepared
from .indicators import IndicatorsLike
from .observations import ALL, validate
from .suppression import suppress

KEY = ["indicator", "period", "characteristic", "group"]
LEVELS = (0.95, 0.998)


def _label(level: float) -> str:
    return f"{level * 100:g}".replace(".", "_")


def benchmark(
    obs: pd.DataFrame,
    against: str | Mapping[str, str] | Sequence[str] = "England",
    levels: Sequence[float] = LEVELS,
    *,
    gaps: bool = True,
    indicators: IndicatorsLike = None,
    suppress_small: bool = True,
    min_numerator: int = 5,
    min_denominator: int = 10,
) -> pd.DataFrame:
    """Compare each area's values (and gaps) with a benchmark, as Fingertips does.

    Parameters
    ----------
    obs : DataFrame
        Multi-area observations (an ``area`` column), including the benchmark
        area's rows.
    against : str, dict or list
        The benchmark area; or a mapping from each area to its benchmark area;
        or a list of comparator areas pooled into one benchmark.
    levels : levels of the intervals used (Fingertips: 95% and 99.8%).
    gaps : bool
        Also compare each group's gap with the benchmark's gap for that group
        (needs whole-population rows).

    Returns
    -------
    DataFrame
        One row per indicator × period × area × characteristic × group other
        than the benchmark's own: ``value``, ``benchmark``, ``benchmark_value``,
        ``compared_95``, ``compared_99_8`` (``better``, ``similar``, ``worse``,
        or ``higher``/``lower`` without polarity, or ``not_compared``), ``funnel``
        (for proportions and crude rates with counts: the funnel-plot outlier
        level against the benchmark's proportion or rate, see
        :mod:`evidence.funnel`) and, with
        ``gaps``, ``gap``, ``benchmark_gap``, ``gap_difference`` with its
        interval and ``gap_compared`` (``wider``, ``similar``, ``narrower``).

    Examples
    --------
    >>> obs = pd.DataFrame({"indicator": "x", "period": "2020", "area": ["England", "Leeds", "York"],
    ...     "characteristic": "All", "group": "All", "numerator": [5000, 330, 290],
    ...     "denominator": 10000, "kind": "proportion", "polarity": "higher_is_better"})
    >>> obs["value"] = 100 * obs.numerator / obs.denominator
    >>> benchmark(obs, "England", gaps=False)[["area", "compared_95"]].values.tolist()
    [['Leeds', 'worse'], ['York', 'worse']]
    """
    clean = validate(obs, indicators=indicators)  # without a polarity the answer is higher / lower
    for c in ("numerator", "denominator", "n", "se", "lower", "upper"):
        if c not in clean:
            clean[c] = np.nan
    if suppress_small:
        clean = suppress(clean, min_numerator=min_numerator, min_denominator=min_denominator)
    areas = set(clean["area"])
    if isinstance(against, str):
        bench_of = {a: against for a in areas if a != against}
        named = {against}
    elif isinstance(against, Mapping):
        bench_of = {str(a): str(b) for a, b in against.items()}
        named = set(bench_of.values())
    else:
        named = {str(a) for a in against}
        bench_of = {a: "comparator areas" for a in areas if a not in named}
    missing = sorted(named - areas)
    raise_if([Problem(f"benchmark area '{m}' has no rows in the data; add its rows or name an area that is there "
                      f"(areas present: {', '.join(sorted(areas)[:8])}{' ...' if len(areas) > 8 else ''})",
                      column="area", value=m) for m in missing], context="benchmark")

    ests = {lv: estimate(clean, lv) for lv in levels}
    base = ests[levels[0]]
    if not isinstance(against, str | Mapping):
        bench_rows = _pooled(clean[clean["area"].isin(named)], levels[0]).assign(area="comparator areas")
    else:
        bench_rows = base[base["area"].isin(named)]
    bench = bench_rows.set_index(["area", *KEY])["est"]

    rows = base[base["area"].isin(bench_of)].copy()
    rows["benchmark"] = rows["area"].map(bench_of)
    idx = pd.MultiIndex.from_frame(rows[["benchmark", *KEY]])
    rows["benchmark_value"] = bench.reindex(idx).to_numpy()
    if "polarity" not in rows:
        rows["polarity"] = None
    higher = rows["polarity"].map({"higher_is_better": True, "lower_is_better": False})
    for lv, e in ests.items():
        lo, hi = e.loc[rows.index, "est_lower"], e.loc[rows.index, "est_upper"]
        rows[f"compared_{_label(lv)}"] = _compare(lo, hi, rows["benchmark_value"], higher)
    # Fingertips' funnel plot: a proportion with counts against the benchmark proportion as baseline
    funnel = np.full(len(rows), None, dtype=object)
    ok = ((rows["kind"] == "proportion") & rows["has_counts"].astype(bool) & np.isfinite(rows["benchmark_value"])
          & rows["scale"].notna()).to_numpy()
    if ok.any():
        r = rows[ok]
        funnel[ok] = proportion_significance(r["count_num"].to_numpy(float), r["count_den"].to_numpy(float),
                                             (r["benchmark_value"] / r["scale"]).to_numpy(float))
    # a crude rate with counts: its events against those the benchmark rate expects (Poisson funnel)
    rate = ((rows["kind"] == "rate") & rows["has_counts"].astype(bool) & np.isfinite(rows["benchmark_value"])
            & rows["scale"].notna()).to_numpy()
    if rate.any():
        r = rows[rate]
        expected = (r["count_den"] * r["benchmark_value"] / r["scale"]).to_numpy(float)
        funnel[rate] = ratio_significance(r["count_num"].to_numpy(float), expected)
    rows["funnel"] = funnel
    out_cols = ["indicator", "name", "period", "area", "characteristic", "group", "polarity", "value",
                "benchmark", "benchmark_value"] + [f"compared_{_label(lv)}" for lv in levels] + ["funnel"]
    out = rows.assign(value=rows["est"], lower=rows["est_lower"], upper=rows["est_upper"])
    out_cols[8:8] = ["lower", "upper"]
    out = out[out_cols].reset_index(drop=True)
    if gaps and (clean["group"] != ALL).any() and (clean["group"] == ALL).any():
        if clean["polarity"].isna().any() if "polarity" in clean else True:
            out["gap_compared"] = "not_compared"
            out["gap_note"] = "gaps need every indicator's polarity (higher_is_better or lower_is_better)"
        else:
            out = _with_gaps(out, clean, against, levels[0])
    return out


def _compare(lo: pd.Series, hi: pd.Series, ref: pd.Series, higher: pd.Series) -> list[str]:
    res = []
    for a, b, r, h in zip(lo.to_numpy(float), hi.to_numpy(float), ref.to_numpy(float), higher, strict=True):
        if not (np.isfinite(a) and np.isfinite(b) and np.isfinite(r)):
            res.append("not_compared")
        elif a > r:
            res.append("higher" if pd.isna(h) else ("better" if h else "worse"))
        elif b < r:
            res.append("lower" if pd.isna(h) else ("worse" if h else "better"))
        else:
            res.append("similar")
    return res


def _pooled(block: pd.DataFrame, level: float) -> pd.DataFrame:
    """One benchmark row per key from several areas: pooled counts, else the mean value."""
    e = estimate(block, level)
    rows = []
    for key, g in e.groupby(KEY, sort=False):
        if g["has_counts"].all():
            scale = g["scale"].iloc[0]
            value = g["count_num"].sum() / g["count_den"].sum() * scale
            how = "pooled counts"
        else:
            value = g["est"].mean()
            how = "mean of the areas' values"
        rows.append({**dict(zip(KEY, key, strict=True)), "est": value, "benchmark_method": how})
    return pd.DataFrame(rows)


def _with_gaps(out: pd.DataFrame, clean: pd.DataFrame, against: object, level: float) -> pd.DataFrame:
    if not isinstance(against, str | Mapping):
        out["gap_compared"] = "not_compared"
        out["gap_note"] = "gaps are compared only with a single benchmark area"
        return out
    g = gaps_prepared(clean, "overall", None, level)
    g = g[g["group"] != ALL].set_index(["area", *KEY])
    ours = g.reindex(pd.MultiIndex.from_frame(out[["area", *KEY]]))
    theirs = g.reindex(pd.MultiIndex.from_frame(out[["benchmark", *KEY]]))
    d, lo, hi = mover_diff_ci(theirs["gap"], theirs["gap_lower"], theirs["gap_upper"],
                              ours["gap"], ours["gap_lower"], ours["gap_upper"])
    out["gap"], out["gap_lower"], out["gap_upper"] = ours["gap"].to_numpy(), ours["gap_lower"].to_numpy(), \
        ours["gap_upper"].to_numpy()
    out["benchmark_gap"] = theirs["gap"].to_numpy()
    out["gap_difference"], out["gap_difference_lower"], out["gap_difference_upper"] = d, lo, hi
    out["gap_compared"] = np.where(~np.isfinite(lo) | ~np.isfinite(hi), "not_compared",
                                   np.where(lo > 0, "wider", np.where(hi < 0, "narrower", "similar")))
    return out
