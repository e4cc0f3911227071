"""Summary measures of inequality across many groups, as plain numpy functions.

Each function takes one characteristic's groups as arrays (values, population
sizes, standard errors) and returns numbers; :mod:`evidence.summary` applies
them to an observations table. Sources:

- slope and relative index of inequality: OHID's PHEindicatormethods
  ``phe_sii`` (Low A, Low A (2004) "Measuring the gap: quantifying and comparing
  local health inequalities", J Public Health 26:388-395);
- concentration indices: the "convenient regression" of O'Donnell O, van
  Doorslaer E, Wagstaff A, Lindelow M (2008) *Analyzing Health Equity Using
  Household Survey Data*, World Bank, ch. 8, as WHO's healthequal ``aci``/``rci``;
- the other measures: Schlotheuber A, Hosseinpoor AR (2022) "Summary measures of
  health inequality: a review of existing measures and their application",
  Int J Environ Res Public Health 19:3697, as in WHO's HEAT and healthequal.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.special import expit, logit

from .estimates import z_value

#: value types as in PHEindicatormethods' phe_sii
NORMAL, RATE, PROPORTION = 0, 1, 2


def midpoint_ranks(population: np.ndarray) -> np.ndarray:
    """Cumulative population midpoint rank of each ordered group (0 to 1).

    Examples
    --------
    >>> midpoint_ranks(np.array([12.0, 10.0, 78.0])).round(2).tolist()
    [0.06, 0.17, 0.61]
    """
    share = population / population.sum()
    return np.cumsum(share) - share / 2


def _forward(y: np.ndarray, value_type: int) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if value_type == RATE:
            return np.log(y)
        if value_type == PROPORTION:
            return logit(y)
    return y


def _back(y: np.ndarray, value_type: int) -> np.ndarray:
    if value_type == RATE:
        return np.exp(y)
    if value_type == PROPORTION:
        return expit(y)
    return y


def transformed_se(value: np.ndarray, lower: np.ndarray, upper: np.ndarray, value_type: int,
                   ci_level: float = 0.95) -> np.ndarray:
    """Standard error on the scale the SII simulation draws on, from a 95% interval.

    ``(g(upper) - g(lower)) / (2·z)`` with ``g`` the identity (normal), log (rates)
    or logit (proportions, as fractions), as PHEindicatormethods ``phe_sii``.

    Examples
    --------
    >>> float(transformed_se(np.array([5.0]), np.array([4.0]), np.array([6.25]), 1)[0]) > 0
    True
    """
    g = _forward
    return (g(upper, value_type) - g(lower, value_type)) / (2 * z_value(ci_level))


def sii(
    value: np.ndarray,
    population: np.ndarray,
    se: np.ndarray | None = None,
    *,
    value_type: int = NORMAL,
    transform: bool = False,
    multiplier: float = 1.0,
    levels: Sequence[float] = (0.95,),
    repetitions: int = 100_000,
    seed: int | None = 2004,
) -> dict[str, float]:
    """Slope (SII) and relative (RII) index of inequality by OHID's method.

    Groups must be in order from most to least disadvantaged. The fit is the
    weighted least squares regression ``y·√a = β0·√a + β1·b·√a`` of each group's
    value on its cumulative population midpoint rank ``b`` with population shares
    ``a``: SII = β1 × multiplier, RII = (β0 + β1) / β0 (inverted when the
    multiplier is negative). With ``transform=True`` (rates and proportions) the
    fit is on the log or logit scale and the fitted values at ranks 0 and 1 are
    back-transformed: SII = Y1 − Y0, RII = Y1 / Y0.

    Intervals are Monte Carlo: each group's value is drawn ``repetitions`` times
    from a normal distribution with its standard error (on the log scale for
    rates, logit for proportions, then back-transformed unless ``transform``), the
    regression refitted, and the ordered draws at positions
    ``round(reps·(1−c)/2)`` and ``round(reps·(1+c)/2)`` taken as limits.

    Source: PHEindicatormethods v2.1.0 ``phe_sii`` (OHID); Low & Low (2004).

    Parameters
    ----------
    value : array
        Group values, proportions as fractions (0-1).
    population : array
        Group population sizes (all > 0).
    se : array, optional
        Standard errors on the simulation scale (see :func:`transformed_se`);
        without them no interval.
    value_type : {0, 1, 2}
        Normal, rate or proportion.

    Returns
    -------
    dict
        ``sii``, ``rii``, ``intercept`` and ``sii_lower_<level>``,
        ``sii_upper_<level>``, ``rii_lower_<level>``, ``rii_upper_<level>``.

    Examples
    --------
    >>> r = sii(np.array([70.0, 72, 74, 76, 78]), np.full(5, 100.0))
    >>> round(r["sii"], 6), round(r["rii"], 6)
    (10.0, 1.144928)
    """
    value = np.asarray(value, dtype=float)
    population = np.asarray(population, dtype=float)
    a = population / population.sum()
    b = midpoint_ranks(population)
    sqrt_a = np.sqrt(a)
    x = np.column_stack([sqrt_a, b * sqrt_a])
    solver = np.linalg.solve(x.T @ x, x.T)  # (X'X)^-1 X'

    def fit(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Slope and RII for each row of ``y`` (draws × groups)."""
        beta = (y * sqrt_a) @ solver.T
        b0, b1 = beta[..., 0], beta[..., 1]
        if transform and value_type != NORMAL:
            y0, y1 = _back(b0, value_type), _back(b0 + b1, value_type)
            slope, ratio = y1 - y0, y1 / y0
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                slope, ratio = b1, (b0 + b1) / b0
        if multiplier < 0:
            ratio = 1 / ratio
        return slope * multiplier, ratio

    y_fit = _forward(value, value_type) if transform else value
    slope, ratio = fit(y_fit[None, :])
    beta0 = float(((y_fit * sqrt_a) @ solver.T)[0])
    out = {"sii": float(slope[0]), "rii": float(ratio[0]),
           "intercept": float(_back(np.array(beta0), value_type)) if transform else beta0}
    if se is None or not np.all(np.isfinite(se)):
        return out
    rng = np.random.default_rng(seed)
    centre = _forward(value, value_type)
    draws = centre + np.asarray(se, dtype=float) * rng.standard_normal((repetitions, value.size))
    if not transform:
        draws = _back(draws, value_type)
    s_slope, s_ratio = fit(draws)
    s_slope.sort()
    s_ratio.sort()
    for level in levels:
        c = level + (1 - level) / 2
        lo, hi = int(round(repetitions * (1 - c))) - 1, int(round(repetitions * c)) - 1
        out[f"sii_lower_{level}"], out[f"sii_upper_{level}"] = float(s_slope[lo]), float(s_slope[hi])
        out[f"rii_lower_{level}"], out[f"rii_upper_{level}"] = float(s_ratio[lo]), float(s_ratio[hi])
    return out


def concentration_index(
    value: np.ndarray, population: np.ndarray, *, relative: bool = False, level: float = 0.95
) -> tuple[float, float, float, float]:
    """Absolute (ACI) or relative (RCI) concentration index with its interval.

    Groups in order from most to least disadvantaged. ACI = Σ pⱼ(2Xⱼ − 1)yⱼ with
    population shares pⱼ and midpoint ranks Xⱼ; RCI = ACI / μ (a fraction, not
    ×100). Estimated, with its standard error, by the convenient regression
    ``2σ²_X·yⱼ·√popⱼ = α·√popⱼ + β·Xⱼ·√popⱼ`` (``yⱼ/μ`` for the RCI), as WHO's
    healthequal ``aci``/``rci`` for aggregated data; interval β ± z·se.
    Positive: the indicator is concentrated among the advantaged.

    Source: O'Donnell et al. (2008) *Analyzing Health Equity Using Household
    Survey Data*, World Bank, ch. 8; healthequal 1.0.1.

    Returns
    -------
    estimate, se, lower, upper : float

    Examples
    --------
    >>> est, se, lo, hi = concentration_index(np.array([20.0, 30, 40, 50, 60]),
    ...                                       np.array([78.0, 91, 162, 103, 105]))
    >>> round(est, 4), round(se, 4)
    (7.3284, 0.2937)
    """
    value = np.asarray(value, dtype=float)
    population = np.asarray(population, dtype=float)
    share = population / population.sum()
    rank = midpoint_ranks(population)
    mu = float(np.sum(share * value))
    sigma2 = float(np.sum(share * (rank - 0.5) ** 2))
    w = np.sqrt(population)
    y = 2 * sigma2 * value * w / (mu if relative else 1.0)
    x = np.column_stack([rank * w, w])
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    dof = value.size - 2
    if dof > 0:
        s2 = float(resid @ resid) / dof
        se = float(np.sqrt(s2 * np.linalg.inv(x.T @ x)[0, 0]))
    else:
        se = float("nan")
    z = z_value(level)
    est = float(beta[0])
    return est, se, est - z * se, est + z * se


def weighted_mean(value: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Population-weighted mean along the last axis."""
    return np.sum(share * value, axis=-1)


def between_group_variance(value: np.ndarray, share: np.ndarray) -> np.ndarray:
    """BGV = Σ pⱼ(yⱼ − μ)² (HEAT). Works on draws × groups arrays.

    Examples
    --------
    >>> float(between_group_variance(np.array([1.0, 3.0]), np.array([0.5, 0.5])))
    1.0
    """
    mu = weighted_mean(value, share)
    return np.sum(share * (value - mu[..., None]) ** 2, axis=-1)


def index_of_disparity(value: np.ndarray, share: np.ndarray | None = None,
                       mu: np.ndarray | None = None) -> np.ndarray:
    """Index of disparity, % (HEAT): unweighted (1/n)Σ|yⱼ − μ|/μ×100, or weighted Σpⱼ|yⱼ − μ|/μ×100.

    ``share=None`` gives the unweighted IDisU; ``mu`` is the setting average
    (the population-weighted mean when not given).

    Examples
    --------
    >>> float(index_of_disparity(np.array([10.0, 30.0]), None, np.array(20.0)))
    50.0
    """
    dev = np.abs(value - mu[..., None])
    spread = dev.mean(axis=-1) if share is None else np.sum(share * dev, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return spread / mu * 100


def theil(value: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Theil index ×1000 as HEAT reports it: Σ pⱼ rⱼ ln rⱼ with rⱼ = yⱼ/μ; 0 ln 0 = 0.

    Examples
    --------
    >>> float(theil(np.array([5.0, 5.0]), np.array([0.5, 0.5])))
    0.0
    """
    mu = weighted_mean(value, share)
    r = value / mu[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)
    return np.sum(share * term, axis=-1) * 1000


def mean_log_deviation(value: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Mean log deviation ×1000 as HEAT reports it: Σ pⱼ(−ln(yⱼ/μ)); needs every yⱼ > 0.

    Examples
    --------
    >>> round(float(mean_log_deviation(np.array([1.0, 3.0]), np.array([0.5, 0.5]))), 3)
    143.841
    """
    mu = weighted_mean(value, share)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sum(share * -np.log(value / mu[..., None]), axis=-1) * 1000


def walter_paf_se(ref_value: float, ref_population: float, mean: float, total_population: float,
                  scale: float = 100.0) -> float:
    """Standard error of the population attributable fraction (as a fraction, 0-1), by Walter's formula.

    The proportions are made into a 2×2 table of people: ``c`` with the outcome
    in the reference group (``ref_value/scale × ref_population``), ``d`` without;
    ``a`` and ``b`` likewise in everyone else (from the population-weighted
    ``mean``). Then ``Var = cN(ad(N − c) + bc²) / ((a + c)³(c + d)³)``. The PAR's
    standard error is ``mean × SE`` (in the indicator's unit); the PAF's, in
    per cent, ``100 × SE``.

    Source: Walter SD (1978) "Calculation of attributable risks from
    epidemiological data", Int J Epidemiol 7:175-182; as WHO's healthequal
    ``paf``/``parisk`` (HEAT). healthequal puts this fraction-scale SE around
    the PAF in per cent (an interval 100 times too narrow); the PAR's is as theirs.

    Examples
    --------
X
    0.10689361
    """
    c = ref_value / scale * ref_population
    d = ref_population - c
    a = mean / scale * total_population - c
    b = total_population - a - ref_population
    n = a + b + c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sqrt(c * n * (a * d * (n - c) + b * c**2) / ((a + c) ** 3 * (c + d) ** 3)))


def sii_heat(value: np.ndarray, population: np.ndarray, *, scale: float = 100.0,
             level: float = 0.95) -> dict[str, float]:
    """SII and RII by WHO HEAT's logistic model, for proportions.

    ``y = round(value/scale·pop)`` of ``pop`` regressed on the midpoint rank by a
    binomial GLM with prior weights ``pop`` (healthequal's
    ``glm(cbind(y, pop − y) ~ rank, weights = pop, quasibinomial)``; the point
    estimate is the same under binomial and quasibinomial); SII = (p̂(1) − p̂(0))
    × scale, RII = p̂(1)/p̂(0). Intervals by the delta method with the HC1
    sandwich covariance (HC0 × k/(k − 2)), the RII's on the log scale.

    Source: WHO healthequal 1.0.1 ``sii``/``rii`` (Schlotheuber & Hosseinpoor 2022).

    Examples
    --------
    >>> r = sii_heat(np.array([20.0, 30, 40, 50, 60]), np.array([78.0, 91, 162, 103, 105]))
    >>> round(r["sii"], 4), round(r["rii"], 4)
    (44.445, 3.1595)
    """
    import statsmodels.api as sm

    value = np.asarray(value, dtype=float)
    pop = np.asarray(population, dtype=float)
    y = np.round(value / scale * pop)
    x = sm.add_constant(midpoint_ranks(pop))
    fit = sm.GLM(np.column_stack([y, pop - y]), x, family=sm.families.Binomial(), var_weights=pop).fit(cov_type="HC0")
    k = len(value)
    cov = np.asarray(fit.cov_params()) * k / (k - 2) if k > 2 else np.full((2, 2), np.nan)
    b = np.asarray(fit.params)
    p1, p0 = float(expit(b[0] + b[1])), float(expit(b[0]))
    g_sii = np.array([p1 * (1 - p1) - p0 * (1 - p0), p1 * (1 - p1)])
    g_log_rii = np.array([p0 - p1, 1 - p1])
    se, se_log = float(np.sqrt(g_sii @ cov @ g_sii)), float(np.sqrt(g_log_rii @ cov @ g_log_rii))
    z = z_value(level)
    sii_v, rii_v = (p1 - p0) * scale, p1 / p0
    return {"sii": sii_v, "sii_se": se, "sii_lower": sii_v - z * se * scale, "sii_upper": sii_v + z * se * scale,
            "rii": rii_v, "rii_se_log": se_log, "rii_lower": rii_v * np.exp(-z * se_log),
            "rii_upper": rii_v * np.exp(z * se_log)}
