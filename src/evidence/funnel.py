"""Funnel-plot control limits and significance, as OHID's Fingertips draws them.

- Proportions: the limits at each denominator ``n`` are the proportions whose
  Wilson score interval (at 95% or 99.8%) just reaches the baseline proportion
  ``p``: the roots of ``q²(1 + z²/n) − q(2A + z²/n) + A² − z⁴/(4n²) = 0`` with
  ``A = p(1 + z²/n) − z²/(2n)``. An area outside the 99.8% limits is
  ``High (0.001)`` / ``Low (0.001)``, else outside the 95% limits
  ``High (0.025)`` / ``Low (0.025)``, else ``Not significant``.
- Ratios (observed / expected): an area is significant when its interval for the
  ratio (exact Poisson under 10 events, Byar's otherwise) excludes 1. The limits
  at ``O`` observed events are ``O / E`` for the expected counts ``E`` whose
  Poisson distribution puts ``O`` just at the 2.5% (0.1%) tail: the exact Poisson
  control limits (:func:`ratio_limits`).
- Rates (crude or directly standardised, per ``multiplier``): the same Poisson
  limits around the pooled rate ``r̄ = Σ events / Σ population``: at ``O`` events
  the population where ``O`` is just in the tail is ``E / r̄``, and the limit is
  ``O / (E / r̄) × multiplier`` (:func:`rate_limits`). For a DSR the population
  is derived as ``events / rate × multiplier`` and an area with under 10 events
  is not judged (OHID's rule; :func:`rate_significance`).

OHID solve for ``E`` by bisection (their Excel macro, 23 halvings on
``v = E / (E + O + 1)``); :func:`poisson_mean_limit` follows it so the limits
agree with Fingertips to 1e-6, and within 5e-5 of the exact chi-square solution
(``scipy.stats.chi2``) it approximates.

Sources: Spiegelhalter DJ (2005) "Funnel plots for comparing institutional
performance", Statistics in Medicine 24:1185-1202; Wilson EB (1927) JASA 22:209;
PHEindicatormethods ``calculate_funnel_limits`` / ``assign_funnel_significance``
/ ``calculate_funnel_points``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .estimates import byar_ci, exact_poisson_ci

#: the two funnels: 2 sigma (two-sided 95%) and 3 sigma (two-sided 99.8%)
FUNNELS = {"2s": 0.975, "3s": 0.999}


def proportion_limits(denominator: np.ndarray | float, baseline: float, p: float = 0.975,
                      multiplier: float = 100) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper funnel limits for proportions at each denominator.

    ``p`` is the one-sided probability (0.975 for the 95% funnel, 0.999 for the
    99.8% funnel); ``baseline`` the average proportion (0-1). Limits are clipped to
    0 and ``multiplier``.

    Examples
    --------
    >>> lo, hi = proportion_limits(np.array([100.0]), 0.5)
    >>> round(float(lo[0]), 2), round(float(hi[0]), 2)
    (40.2, 59.8)
    """
    n = np.asarray(denominator, dtype=float)
    z2 = stats.norm.ppf(p) ** 2
    a = baseline * (1 + z2 / n) - z2 / (2 * n)
    qa = 1 + z2 / n
    qb = 2 * a + z2 / n
    qc = a**2 - z2**2 / (4 * n**2)
    root = np.sqrt(np.maximum(qb**2 - 4 * qa * qc, 0))
    lo, hi = (qb - root) / (2 * qa), (qb + root) / (2 * qa)
    return np.clip(lo * multiplier, 0, multiplier), np.clip(hi * multiplier, 0, multiplier)


def proportion_significance(numerator: np.ndarray, denominator: np.ndarray,
                            baseline: float | None = None) -> np.ndarray:
    """Funnel-plot outlier level of each proportion against the baseline.

    ``baseline`` defaults to the pooled proportion ``Σ numerator / Σ denominator``.

    Examples
    --------
    >>> proportion_significance(np.array([30.0, 50, 75]), np.array([100.0, 100, 100]), 0.5).tolist()
    ['Low (0.001)', 'Not significant', 'High (0.001)']
    """
    x, n = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    if baseline is None:
        baseline = x.sum() / n.sum()
    value = x / n * 100
    lo3, hi3 = proportion_limits(n, baseline, FUNNELS["3s"])
    lo2, hi2 = proportion_limits(n, baseline, FUNNELS["2s"])
    return np.select([value < lo3, value < lo2, value > hi3, value > hi2],
                     ["Low (0.001)", "Low (0.025)", "High (0.001)", "High (0.025)"], "Not significant")


def ratio_significance(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Funnel-plot outlier level of each observed/expected ratio against 1.

    Examples
    --------
    >>> ratio_significance(np.array([151.0, 8]), np.array([106.44, 6.24])).tolist()
    ['High (0.001)', 'Not significant']
    """
    o, e = np.asarray(observed, dtype=float), np.asarray(expected, dtype=float)
    labels = np.full(o.shape, "Not significant", dtype=object)
    for level, tag in ((0.95, "0.025"), (0.998, "0.001")):  # the stricter level overwrites
        lo_b, hi_b = byar_ci(o, level)
        lo_e, hi_e = exact_poisson_ci(o, level)
        lo, hi = np.where(o < 10, lo_e, lo_b) / e, np.where(o < 10, hi_e, hi_b) / e
        labels = np.where(lo > 1, f"High ({tag})", np.where(hi < 1, f"Low ({tag})", labels))
    return labels


def funnel_table(numerator: pd.Series, denominator: pd.Series, multiplier: float = 100) -> pd.DataFrame:
    """Proportion funnel limits at each given denominator, with the pooled baseline."""
    baseline = float(numerator.sum() / denominator.sum())
    out = pd.DataFrame({"denominator": denominator.to_numpy(dtype=float)})
    for name, p in FUNNELS.items():
        out[f"lower_{name}_limit"], out[f"upper_{name}_limit"] = proportion_limits(out["denominator"], baseline, p,
                                                                               multiplier)
    out["baseline"] = baseline * multiplier
    return out


# ---- Poisson funnels: ratios and rates ------------------------------------------------

#: one-sided tail probabilities of the two funnels (95% and 99.8%)
TAILS = {"2s": 0.025, "3s": 0.001}


def poisson_mean_limit(observed: np.ndarray | float, tail: float, side: str) -> np.ndarray:
    """The Poisson mean at which ``observed`` events sit exactly in a tail of probability ``tail``.

    ``side="high"``: the mean ``μ`` with ``P(X ≤ O | μ) = tail`` (a mean this large
    makes ``O`` surprisingly low: the funnel's lower limit is ``O/μ``);
    ``side="low"``: ``P(X ≥ O | μ) = tail`` (the upper limit). Solved by OHID's
    bisection (see the module notes), so results match Fingertips to 1e-6 rather
    than the chi-square closed form ``χ²(1 − tail; 2O + 2)/2`` (high) or
    ``χ²(tail; 2O)/2`` (low), which they approach to within 5e-5.

    Examples
    --------
    >>> round(float(poisson_mean_limit(1, 0.025, "high")[0]), 4)  # chi-square: 5.5716
    5.5716
    """
    o = np.atleast_1d(np.asarray(observed, dtype=float))
    if side not in ("high", "low"):
        raise ValueError(f"side must be 'high' or 'low', got {side!r}")
    v, dv = np.full(o.shape, 0.5), 0.5
    while dv > 1e-7:
        dv /= 2
        mean = (1 + o) * v / (1 - v)
        if side == "low":
            down = stats.poisson.sf(o - 1, mean) > tail  # P(X >= O)
        else:
            down = stats.poisson.cdf(o, mean) < tail  # P(X <= O)
        v = np.where(down, v - dv, v + dv)
    return (1 + o) * v / (1 - v)


def _r_nchar(x: float) -> int:
    """Characters in R's ``as.character`` of a whole number (1e+05 style when shorter)."""
    fixed = str(int(x))
    digits = len(fixed.rstrip("0")) or 1
    sci = digits + (1 if digits > 1 else 0) + 4  # mantissa, its point, "e+05"
    return len(fixed) if len(fixed) <= sci else sci


def _floor_neat(x: float, down: float = 0.95) -> float:
    if x == 0:
        return 0.0
    n = _r_nchar(np.floor(x * down)) - 1
    return float(np.floor(x * down / 10**n) * 10**n)


def _ceiling_neat(x: float, up: float = 1.05) -> float:
    if x == 0:
        return 0.0
    n = _r_nchar(np.ceil(x * up)) - 2
    return float(np.ceil(x * up / 10**n) * 10**n)


def funnel_axis(minimum: float, maximum: float, points: int = 100, *, start_offset: int = 0) -> np.ndarray:
    """The x-axis points of a Fingertips funnel: geometric steps of whole numbers from ``minimum`` to ``maximum``.

    ``minimum``/``maximum`` are the smallest and largest denominators (or events);
    the axis starts at 0 (then 1) when they differ more than twofold, else just
    below the smallest, and ends just above the largest, rounded to neat
    numbers. ``start_offset=1`` is the ratio funnel's step (OHID count the
    steps one later there).

    Examples
    --------
    >>> funnel_axis(50, 900)[:4].tolist(), int(funnel_axis(50, 900)[-1])
    ([1, 2, 3, 4], 950)
    """
    lo = 0.0 if maximum > 2 * minimum else _floor_neat(minimum)
    hi = _ceiling_neat(maximum)
    return _axis(lo, hi, points, start_offset)


def _axis(lo: float, hi: float, points: int, start_offset: int) -> np.ndarray:
    out = [max(1.0, lo)]
    for j in range(2, points + 1):
        step = (hi / out[-1]) ** (1 / (points + 1 - (j - start_offset)))
        out.append(max(float(np.round(step * out[-1])), out[-1] + 1))  # R rounds half to even too
    return np.array(out, dtype=int)


def ratio_limits(observed: np.ndarray, ratio_type: str = "isr") -> pd.DataFrame:
    """Funnel limits for observed/expected ratios at each number of observed events.

    ``ratio_type="isr"``: limits as ratios × 100 (an SMR, 100 = as expected);
    ``"count"``: as ``ratio − 1`` (0 = as expected). ``*_exp_events`` are the
    expected counts at each limit.

    Examples
    --------
    >>> t = ratio_limits(np.array([100]))
    >>> round(float(t["lower_2s_limit"].iloc[0]), 2), round(float(t["upper_2s_limit"].iloc[0]), 2)
    (82.22, 122.9)
    """
    if ratio_type not in ("isr", "count"):
        raise ValueError(f"ratio_type must be 'isr' or 'count', got {ratio_type!r}")
    o = np.asarray(observed, dtype=float)
    out = pd.DataFrame({"observed_events": o})
    for name, tail in TAILS.items():
        for bound, side in (("lower", "high"), ("upper", "low")):
            e = poisson_mean_limit(o, tail, side)
            ratio = o / e
            out[f"{bound}_{name}_exp_events"] = e
            out[f"{bound}_{name}_limit"] = ratio * 100 if ratio_type == "isr" else ratio - 1
    return out


def ratio_funnel_table(observed: pd.Series, expected: pd.Series, ratio_type: str = "isr",
                       points: int = 100) -> pd.DataFrame:
    """Ratio funnel limits over Fingertips' axis of observed events (``calculate_funnel_limits``, ratio).

    Examples
    --------
    >>> t = ratio_funnel_table(pd.Series([30, 80, 120]), pd.Series([40.0, 75, 100]))
    >>> len(t), int(t["observed_events"].iloc[0])
    (100, 1)
    """
    e = pd.to_numeric(expected, errors="coerce")
    axis = funnel_axis(float(e.min()), float(e.max()), points, start_offset=1)
    return ratio_limits(axis, ratio_type)


def _derived_population(events: np.ndarray, rate: np.ndarray, population: np.ndarray | None,
                        rate_type: str, multiplier: float, *, zero_from_population: bool) -> np.ndarray:
    """Each area's population: given (crude), or ``events / rate × multiplier`` (a DSR has no real one)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = events / rate * multiplier
    if rate_type == "dsr":
        return np.where(events == 0, np.nan, derived)
    if population is None:
        if np.any(events == 0):
            raise ValueError("a crude rate with 0 events needs its population: pass population=")
        return derived
    if zero_from_population:  # OHID's significance derives from the rate unless there are no events
        return np.where(events == 0, population, derived)
    return population


def rate_limits(events: np.ndarray, baseline: float, multiplier: float = 100_000,
                years_of_data: float = 1) -> pd.DataFrame:
    """Poisson funnel limits for a rate (per ``multiplier``) around ``baseline`` (per person) at each number of events.

    ``*_population_1_year`` is the yearly population at which each limit lies.

    Examples
    --------
    >>> t = rate_limits(np.array([100]), 0.001)
    >>> round(float(t["lower_2s_limit"].iloc[0]), 1), round(float(t["upper_2s_limit"].iloc[0]), 1)
    (82.2, 122.9)
    """
    ev = np.asarray(events, dtype=float)
    out = pd.DataFrame({"events": ev})
    for name, tail in TAILS.items():
        for bound, side in (("lower", "high"), ("upper", "low")):
            pop = poisson_mean_limit(ev, tail, side) / baseline
            out[f"{bound}_{name}_population_1_year"] = pop / years_of_data
            out[f"{bound}_{name}_limit"] = ev / pop * multiplier
    out["baseline"] = baseline * multiplier
    return out


def rate_funnel_table(events: pd.Series, rate: pd.Series, population: pd.Series | None = None, *,
                      rate_type: str = "dsr", multiplier: float = 100_000, years_of_data: float = 1,
                      points: int = 100) -> pd.DataFrame:
    """Rate funnel limits over Fingertips' axis of events (``calculate_funnel_limits``, rate).

    The baseline is ``Σ events / Σ population`` with each population derived as
    in :func:`rate_significance` (a DSR's from its events and rate; areas with no
    events left out of a DSR's). The axis runs over the events expected in
    ``years_of_data`` years at the smallest and largest yearly populations.

    Examples
    --------
    >>> t = rate_funnel_table(pd.Series([120, 300, 90]), pd.Series([110.0, 95, 130]), years_of_data=3)
    >>> len(t), round(float(t["baseline"].iloc[0]), 2)
    (100, 103.22)
    """
    _rate_type(rate_type)
    ev, r = events.to_numpy(dtype=float), rate.to_numpy(dtype=float)
    pop = None if population is None else population.to_numpy(dtype=float)
    derived = _derived_population(ev, r, pop, rate_type, multiplier, zero_from_population=False)
    baseline = ev.sum() / np.nansum(derived)
    lo, hi = np.nanmin(derived), np.nanmax(derived)
    axis_lo = 0.0 if hi > 2 * lo else _floor_neat(lo / years_of_data) * years_of_data
    axis_hi = _ceiling_neat(hi / years_of_data) * years_of_data
    axis = _axis(float(np.floor(axis_lo * baseline)), float(np.ceil(axis_hi * baseline)), points, 0)
    return rate_limits(axis, baseline, multiplier, years_of_data)


def rate_significance(events: np.ndarray, rate: np.ndarray, population: np.ndarray | None = None, *,
                      rate_type: str = "dsr", multiplier: float = 100_000) -> np.ndarray:
    """Funnel-plot outlier level of each area's rate against the pooled rate.

    Each area's count is tested against ``r̄ × population`` events (exact Poisson
    under 10 events, Byar's otherwise, as :func:`ratio_significance`), where
    ``r̄ = Σ events / Σ population``. A crude rate's population is derived from
    its rate except where it has no events (then ``population`` is needed); a
    DSR's always from its rate, and a DSR from under 10 events is "Not
    applicable for events less than 10 for dsrs" (OHID's rule).

    Examples
    --------
    >>> rate_significance(np.array([150, 100, 60]), np.array([150.0, 100, 60]), rate_type="crude").tolist()
    ['High (0.001)', 'Not significant', 'Low (0.001)']
    """
    _rate_type(rate_type)
    ev, r = np.asarray(events, dtype=float), np.asarray(rate, dtype=float)
    pop = None if population is None else np.asarray(population, dtype=float)
    derived = _derived_population(ev, r, pop, rate_type, multiplier, zero_from_population=True)
    pooled = ev.sum() / np.nansum(derived)
    labels = ratio_significance(ev, derived * pooled).astype(object)
    if rate_type == "dsr":
        labels = np.where(ev < 10, "Not applicable for events less than 10 for dsrs", labels)
    return labels


def rate_funnel_points(events: pd.Series, rate: pd.Series, population: pd.Series | None = None, *,
                       rate_type: str = "dsr", multiplier: float = 100_000,
                       years_of_data: float = 1) -> pd.DataFrame:
    """Each area's point on a rate funnel: its rate and yearly population (``calculate_funnel_points``).

    A DSR from under 10 events is not plotted (both blank).

    Examples
    --------
    >>> rate_funnel_points(pd.Series([5, 30]), pd.Series([50.0, 60]), years_of_data=3)["population"].round(1).tolist()
    [nan, 16666.7]
    """
    _rate_type(rate_type)
    ev, r = events.to_numpy(dtype=float), rate.to_numpy(dtype=float)
    pop = None if population is None else population.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = ev / r * multiplier
    if rate_type == "dsr":
        small = ev < 10
        return pd.DataFrame({"rate": np.where(small, np.nan, r),
                             "population": np.where(small, np.nan, derived / years_of_data)})
    if pop is not None:
        derived = np.where(ev == 0, pop, derived)
    return pd.DataFrame({"rate": r, "population": derived / years_of_data})


def _rate_type(rate_type: str) -> None:
    if rate_type not in ("dsr", "crude"):
        raise ValueError(f"rate_type must be 'dsr' or 'crude', got {rate_type!r}")
