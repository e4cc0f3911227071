"""``trend``: is each group's value, and each gap, rising or falling over the recent years?

Fingertips' "recent trend" method (OHID, *Fingertips trend markers*, public health
technical guidance): the most recent five points of a series with no break in it;
for proportions with counts, the chi-squared test for linear trend; for every other
value with a confidence interval, a regression weighted by the inverse variance.
In both, the test statistic is ``χ² = β̂² / Var(β̂)`` on one degree of freedom,
and the trend is significant when ``χ²`` exceeds the critical value at the chosen
level (99.9% in Fingertips, χ² > 10.83).

- Proportions (``rᵢ`` of ``nᵢ`` at times ``tᵢ``, ``N = Σnᵢ``, ``p = Σrᵢ/N``,
  ``t̄ = Σnᵢtᵢ/N``): ``β̂ = Σrᵢ(tᵢ − t̄) / Σnᵢ(tᵢ − t̄)²`` and
  ``Var(β̂) = p(1 − p) / Σnᵢ(tᵢ − t̄)²`` — Armitage P (1955) "Tests for linear
  trends in proportions and frequencies", Biometrics 11:375-386.
- Other values with standard errors ``sᵢ`` (from their 95% intervals):
  weights ``wᵢ = 1/sᵢ²``, ``β̂ = Σwᵢ(tᵢ − t̄_w)yᵢ / Σwᵢ(tᵢ − t̄_w)²`` and
  ``Var(β̂) = 1 / Σwᵢ(tᵢ − t̄_w)²``.

Time ``t`` is the period's first calendar year, so the slope is per year and a
missing year is spaced correctly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .estimates import estimate
from .gaps import gaps_prepared, prepare
from .indicators import IndicatorsLike, load_indicators
from .observations import ALL
from .periods import period_start_year, sort_periods

#: Fingertips tests the most recent five points
POINTS = 5
SERIES_KEY = ["indicator", "area", "characteristic", "group"]
COLUMNS = SERIES_KEY + [
    "series", "first_period", "last_period", "points", "first_value", "last_value", "change",
    "slope", "chi2", "p_value", "direction", "assessment", "run", "method", "note",
]


def chi2_trend_proportion(r: np.ndarray, n: np.ndarray, t: np.ndarray) -> tuple[float, float]:
    """Slope (per unit of ``t``, on the 0-1 scale) and χ² of the test for trend in proportions.

    Examples
    --------
    >>> b, chi2 = chi2_trend_proportion(np.array([10, 20, 30]), np.array([100, 100, 100]), np.array([1, 2, 3]))
    >>> round(b, 3), round(chi2, 3)
    (0.1, 12.5)
    """
    r, n, t = (np.asarray(a, dtype=float) for a in (r, n, t))
    big_n = n.sum()
    p = r.sum() / big_n
    tbar = np.sum(n * t) / big_n
    sxx = np.sum(n * (t - tbar) ** 2)
    b = np.sum(r * (t - tbar)) / sxx
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = b**2 * sxx / (p * (1 - p))
    return float(b), float(chi2)


def chi2_trend_weighted(y: np.ndarray, se: np.ndarray, t: np.ndarray) -> tuple[float, float]:
    """Slope and χ² of an inverse-variance weighted regression of ``y`` on ``t``.

    Examples
    --------
    >>> b, chi2 = chi2_trend_weighted(np.array([1.0, 2, 3]), np.array([1.0, 1, 1]), np.array([0, 1, 2]))
    >>> round(b, 3), round(chi2, 3)
    (1.0, 2.0)
    """
    y, se, t = (np.asarray(a, dtype=float) for a in (y, se, t))
    w = 1 / se**2
    tbar = np.sum(w * t) / w.sum()
    sxx = np.sum(w * (t - tbar) ** 2)
    b = np.sum(w * (t - tbar) * y) / sxx
    return float(b), float(b**2 * sxx)


def trend(
    obs: pd.DataFrame,
    periods: Sequence[str] | None = None,
    *,
    comparator: str = "overall",
    reference: object = None,
    level: float = 0.999,
    points: int = POINTS,
    indicators: IndicatorsLike = None,
    suppress_small: bool = True,
    min_numerator: int = 5,
    min_denominator: int = 10,
) -> pd.DataFrame:
    """Direction and significance of each group's value and each gap over the recent periods.

    Parameters
    ----------
    obs : DataFrame
        Observations over several periods.
    periods : list of str, optional
        Only these periods (all by default); the test uses the last ``points``
        with no series break among them (indicator metadata ``breaks``).
    comparator, reference
        How gaps are formed (see :func:`evidence.gaps.gaps`).
    level : float
        Significance level of the test (Fingertips: 0.999).
    points : int
        How many recent points to test (Fingertips: 5).

    Returns
    -------
    DataFrame
        One row per indicator × area × characteristic × group × ``series``
        (``value``: the group's own value; ``gap``: its gap, positive = worse off)
        with the periods used, first and last values, ``change`` (last − first),
        ``slope`` per year (in the value's unit), ``chi2``, ``p_value``,
        ``direction`` (``increasing``, ``decreasing``, ``no_significant_change``,
        ``not_calculated``), ``assessment`` (``getting_better`` /
        ``getting_worse`` from the polarity; for a gap, ``increasing`` is
        ``widening``), ``run`` (how many consecutive period-on-period moves, up to
        the latest, went the way of the last one: +3 rose three times running,
        −2 fell twice) and ``note``.

    Examples
    --------
    >>> obs = pd.DataFrame({"indicator": "x", "period": [str(y) for y in range(2018, 2023)],
    ...     "characteristic": "All", "group": "All", "value": [50.0, 52, 54, 56, 58],
    ...     "numerator": [500, 520, 540, 560, 580], "denominator": 1000, "kind": "proportion",
    ...     "polarity": "higher_is_better"})
    >>> t = trend(obs)
    >>> t.loc[0, "direction"], t.loc[0, "assessment"], int(t.loc[0, "run"])
    ('increasing', 'getting_better', 4)
    """
    clean = prepare(obs, indicators=indicators, suppress_small=suppress_small, min_numerator=min_numerator,
                    min_denominator=min_denominator)
    breaks = load_indicators(indicators).set_index("indicator")["breaks"].to_dict() if indicators is not None else {}
    if periods is not None:
        clean = clean[clean["period"].isin([str(p) for p in periods])]
    est = estimate(clean, 0.95)
    crit = float(stats.chi2.ppf(level, 1))
    rows = [_series_row(key, g, "value", crit, points, breaks.get(key[0], []))
            for key, g in est.groupby(SERIES_KEY, sort=False)]
    has_groups = (est["group"] != ALL).any()
    if has_groups and (comparator not in ("overall", "rest") or (est["group"] == ALL).any()):
        g = gaps_prepared(clean, comparator, reference, 0.95)
        g = g[g["group"] != ALL]
        gap_series = pd.DataFrame({
            **{k: g[k] for k in SERIES_KEY + ["period", "polarity"]},
            "est": g["gap"], "est_lower": g["gap_lower"], "est_upper": g["gap_upper"],
            "kind": "gap", "has_counts": False,
        })
        rows += [_series_row(key, s, "gap", crit, points, breaks.get(key[0], []))
                 for key, s in gap_series.groupby(SERIES_KEY, sort=False)]
    return pd.DataFrame(rows, columns=COLUMNS)


def _series_row(key: tuple, g: pd.DataFrame, series: str, crit: float, points: int, breaks: list[str]) -> dict:
    base = {**dict(zip(SERIES_KEY, key, strict=True)), "series": series}
    g = g[np.isfinite(g["est"].to_numpy(dtype=float))]
    order = sort_periods(g["period"])
    g = g.set_index("period").loc[order].reset_index()
    note = None
    if breaks and len(g):
        last_year = period_start_year(order[-1])
        after = [b for b in breaks if period_start_year(b) <= last_year]
        if after:
            latest = max(after, key=period_start_year)
            kept = g[[period_start_year(p) >= period_start_year(latest) for p in g["period"]]]
            if len(kept) < len(g):
                note = f"series break in {latest}: only periods from {latest} on are used"
            g = kept
    recent = g.tail(points)
    out = {**base, "first_period": None, "last_period": None, "points": len(recent), "first_value": np.nan,
           "last_value": np.nan, "change": np.nan, "slope": np.nan, "chi2": np.nan, "p_value": np.nan,
           "direction": "not_calculated", "assessment": None, "run": 0, "method": None, "note": note}
    if len(recent):
        y = recent["est"].to_numpy(dtype=float)
        out.update(first_period=recent["period"].iloc[0], last_period=recent["period"].iloc[-1],
                   first_value=y[0], last_value=y[-1], change=y[-1] - y[0], run=_run(y))
    if len(recent) < points:
        out["note"] = _join(note, f"needs {points} points with a value; {len(recent)} available")
        return out
    t = np.array([period_start_year(p) for p in recent["period"]], dtype=float)
    if len(set(t)) < len(t):
        out["note"] = _join(note, "periods share a year (quarterly or rolling data are not tested)")
        return out
    counts = bool(recent["has_counts"].all()) and recent["kind"].iloc[0] == "proportion"
    if counts:
        scale = recent["scale"].to_numpy(dtype=float)
        b, chi2 = chi2_trend_proportion(recent["count_num"].to_numpy(float), recent["count_den"].to_numpy(float), t)
        b = b * scale[0]
        method = "chi-squared test for trend in proportions (Fingertips)"
    else:
        se = (recent["est_upper"] - recent["est_lower"]).to_numpy(dtype=float) / (2 * 1.959963984540054)
        if not np.all(np.isfinite(se) & (se > 0)):
            out["note"] = _join(note, "needs a confidence interval (or counts) for every point")
            return out
        b, chi2 = chi2_trend_weighted(y, se, t)
        method = "inverse-variance weighted regression (Fingertips)"
    p = float(stats.chi2.sf(chi2, 1)) if np.isfinite(chi2) else np.nan
    direction = "no_significant_change"
    if np.isfinite(chi2) and chi2 > crit:
        direction = "increasing" if b > 0 else "decreasing"
    out.update(slope=b, chi2=chi2, p_value=p, direction=direction, method=method,
               assessment=_assess(direction, series, recent["polarity"].iloc[0]))
    return out


def _run(y: np.ndarray) -> int:
    """Consecutive moves in the latest direction, signed (+ rising, − falling)."""
    d = np.sign(np.diff(y))
    if not len(d) or d[-1] == 0:
        return 0
    k = 0
    for s in d[::-1]:
        if s != d[-1]:
            break
        k += 1
    return int(k * d[-1])


def _assess(direction: str, series: str, polarity: object) -> str | None:
    if direction not in ("increasing", "decreasing"):
        return None
    if series == "gap":  # a positive gap means worse off, whatever the polarity
        return "widening" if direction == "increasing" else "narrowing"
    if polarity not in ("higher_is_better", "lower_is_better"):
        return None
    better = (direction == "increasing") == (polarity == "higher_is_better")
    return "getting_better" if better else "getting_worse"


def _join(a: str | None, b: str) -> str:
    return f"{a}; {b}" if a else b
