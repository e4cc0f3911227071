"""Funnel-plot control limits and significance, as OHID's Fingertips draws them.

- Proportions: the limits at each denominator ``n`` are the proportions whose
  Wilson score interval (at 95% or 99.8%) just reaches the baseline proportion
  ``p``: the roots of ``q²(1 + z²/n) − q(2A + z²/n) + A² − z⁴/(4n²) = 0`` with
  ``A = p(1 + z²/n) − z²/(2n)``. An area outside the 99.8% limits is
  ``High (0.001)`` / ``Low (0.001)``, else outside the 95% limits
  ``High (0.025)`` / ``Low (0.025)``, else ``Not significant``.
- Ratios (observed / expected): an area is significant when its interval for the
  ratio (exact Poisson under 10 events, Byar's otherwise) excludes 1.

Sources: Spiegelhalter DJ (2005) "Funnel plots for comparing institutional
performance", Statistics in Medicine 24:1185-1202; Wilson EB (1927) JASA 22:209;
PHEindicatormethods ``calculate_funnel_limits`` / ``assign_funnel_significance``.
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
