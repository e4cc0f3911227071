"""Confidence intervals, vectorised over numpy arrays.

Each function names its method's source. Where statsmodels or scipy already
implement a method correctly and vectorised, we call them; what no library offers
(Byar's approximation, MOVER for a difference of two published estimates, the
standard error recovered from a published interval) is written here.

All functions take array-likes and return numpy arrays of the same shape;
``level`` is the two-sided confidence level (0.95 by default; 0.998 works).
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from .frames import codes_isin, factorize, shallow_copy, text_from_codes
from .indicators import IndicatorsLike, attach_metadata
from .observations import _matches as matches_counts
from .observations import infer_kind

ArrayLike = np.ndarray | pd.Series | list | float


def z_value(level: float = 0.95) -> float:
    """Two-sided standard normal quantile for a confidence level.

    Examples
    --------
    >>> round(z_value(0.95), 4)
    1.96
    """
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1, got {level}")
    return _z(float(level))


@lru_cache(maxsize=64)
def _z(level: float) -> float:
    # scipy's ppf costs about 0.3 ms a call; a report asks for the same few levels hundreds of times
    return float(stats.norm.ppf(0.5 + level / 2))


def _arr(x: ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=float)


def wilson_ci(x: ArrayLike, n: ArrayLike, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion ``x / n``.

    Source: Wilson EB (1927) "Probable inference, the law of succession, and
    statistical inference", JASA 22:209-212; as used by OHID's PHEindicatormethods
    ``phe_proportion``. Computed by statsmodels' ``proportion_confint(method="wilson")``.

    Examples
    --------
    >>> lo, hi = wilson_ci(81, 263)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.2553, 0.3662)
    """
    x, n = _arr(x), _arr(n)
    ok = (n > 0) & np.isfinite(x) & np.isfinite(n)
    lo, hi = np.full(np.broadcast(x, n).shape, np.nan), np.full(np.broadcast(x, n).shape, np.nan)
    if np.any(ok):
        xb, nb = np.broadcast_arrays(x, n)
        low, high = proportion_confint(xb[ok], nb[ok], alpha=1 - level, method="wilson")
        lo[ok], hi[ok] = np.clip(low, 0, 1), np.clip(high, 0, 1)
    return lo, hi


def newcombe_diff_ci(
    x1: ArrayLike, n1: ArrayLike, x2: ArrayLike, n2: ArrayLike, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval for ``x1/n1 - x2/n2`` (independent samples).

    Source: Newcombe RG (1998) "Interval estimation for the difference between
    independent proportions: comparison of eleven methods", Statistics in Medicine
    17:873-890, method 10. Computed by statsmodels'
    ``confint_proportions_2indep(method="newcomb", compare="diff")``.

    Examples
    --------
    >>> lo, hi = newcombe_diff_ci(56, 70, 48, 80)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.0524, 0.3339)
    """
    x1, n1, x2, n2 = np.broadcast_arrays(_arr(x1), _arr(n1), _arr(x2), _arr(n2))
    ok = (n1 > 0) & (n2 > 0) & np.isfinite(x1 + x2 + n1 + n2)
    lo, hi = np.full(x1.shape, np.nan), np.full(x1.shape, np.nan)
    if np.any(ok):
        low, high = confint_proportions_2indep(
            x1[ok], n1[ok], x2[ok], n2[ok], method="newcomb", compare="diff", alpha=1 - level
        )
        lo[ok], hi[ok] = low, high
    return lo, hi


def katz_ratio_ci(
    x1: ArrayLike, n1: ArrayLike, x2: ArrayLike, n2: ArrayLike, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Log (Katz) interval for the ratio of two proportions ``(x1/n1) / (x2/n2)``.

    Source: Katz D, Baptista J, Azen SP, Pike MC (1978) "Obtaining confidence
    intervals for the risk ratio in cohort studies", Biometrics 34:469-474:
    ``exp(log(r) ± z·sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2))``, written out as
    statsmodels' ``confint_proportions_2indep(method="log", compare="ratio")``
    computes it (the tests check the two agree), since that function works out
    several other intervals too and took ten times as long on a million rows.
    Where a count is zero the log is undefined, so those rows use statsmodels'
    0.5-adjusted form (``method="log-adjusted"``), widened so that it contains
    the ratio itself (lower limit 0 when ``x1 = 0``, upper limit infinity when
    ``x2 = 0``).

    Examples
    --------
    >>> lo, hi = katz_ratio_ci(56, 70, 48, 80)
    >>> round(float(lo), 3), round(float(hi), 3)
    (1.077, 1.651)
    """
    x1, n1, x2, n2 = np.broadcast_arrays(_arr(x1), _arr(n1), _arr(x2), _arr(n2))
    ok = (n1 > 0) & (n2 > 0) & np.isfinite(x1 + x2 + n1 + n2)
    lo, hi = np.full(x1.shape, np.nan), np.full(x1.shape, np.nan)
    if not np.any(ok):
        return lo, hi
    a = (x1[ok], n1[ok], x2[ok], n2[ok])
    zero = (a[0] == 0) | (a[2] == 0)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        c1, m1, c2, m2 = a
        d_log = z_value(level) * np.sqrt((1 / c1) - 1 / m1 + 1 / c2 - 1 / m2)
        log_ratio = np.log((c1 / m1) / (c2 / m2))
        low, high = np.exp(log_ratio - d_log), np.exp(log_ratio + d_log)
        if zero.any():  # the adjusted form only where a count is zero
            low[zero], high[zero] = confint_proportions_2indep(
                *(v[zero] for v in a), method="log-adjusted", compare="ratio", alpha=1 - level)
    # the 0.5-adjusted interval is for a nudged ratio: it must still contain the ratio itself,
    # 0 when x1 = 0 and infinity when x2 = 0
    low = np.where(a[0] == 0, 0.0, low)
    high = np.where(a[2] == 0, np.inf, high)
    lo[ok], hi[ok] = low, high
    return lo, hi


def byar_ci(x: ArrayLike, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation to the exact Poisson interval for a count ``x``.

    Source: Breslow NE, Day NE (1987) *Statistical Methods in Cancer Research*
    vol. II, IARC, p.69; as in OHID's PHEindicatormethods ``byars_lower/upper``.

    Examples
    --------
    >>> lo, hi = byar_ci(65)
    >>> round(float(lo), 4), round(float(hi), 4)
    (50.1632, 82.8491)
    """
    x = _arr(x)
    z = z_value(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
        hi = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
    # a count's lower limit is never below zero: Byar's cube goes negative for one or two events at high levels
    # (x = 1 at 99.8%); OHID apply Byar only from 10 events, where this cannot happen
    lo = np.where(x == 0, 0.0, np.maximum(lo, 0.0))
    return lo, hi


def exact_poisson_ci(x: ArrayLike, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood, chi-square) interval for a Poisson count ``x``.

    Source: Garwood F (1936) "Fiducial limits for the Poisson distribution",
    Biometrika 28:437-442. Uses scipy's chi-square quantiles.

    Examples
    --------
    >>> lo, hi = exact_poisson_ci(5)
    >>> round(float(lo), 4), round(float(hi), 4)
    (1.6235, 11.6683)
    """
    x = _arr(x)
    a = 1 - level
    with np.errstate(invalid="ignore"):
        lo = np.where(x > 0, stats.chi2.ppf(a / 2, 2 * x) / 2, 0.0)
        hi = stats.chi2.ppf(1 - a / 2, 2 * x + 2) / 2
    return lo, hi


def rate_ci(
    x: ArrayLike, n: ArrayLike, multiplier: float = 100_000, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A crude rate ``x / n * multiplier`` with its interval.

    Uses the exact Poisson interval when ``x < 10`` and Byar's method otherwise,
    as OHID's PHEindicatormethods ``phe_rate`` does (see :func:`byar_ci`,
    :func:`exact_poisson_ci`).

    Returns
    -------
    value, lower, upper : ndarray

    Examples
    --------
    >>> v, lo, hi = rate_ci(65, 100, multiplier=100)
    >>> round(float(lo), 2), round(float(hi), 2)
    (50.16, 82.85)
    """
    x, n = _arr(x), _arr(n)
    bl, bh = byar_ci(x, level)
    el, eh = exact_poisson_ci(x, level)
    small = x < 10
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(n > 0, multiplier / n, np.nan)
    return x * scale, np.where(small, el, bl) * scale, np.where(small, eh, bh) * scale


def t_ci(
    mean: ArrayLike, se: ArrayLike, n: ArrayLike, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Student's t interval for a mean from its standard error and sample size.

    Source: Student (1908) "The probable error of a mean", Biometrika 6:1-25;
    ``mean ± t(n-1) · se``, as OHID's ``phe_mean``. Where ``n`` is unknown the
    normal quantile is used.

    Examples
    --------
    >>> lo, hi = t_ci(53.704345, 20.9755752577093 / 8 ** 0.5, 8)
    >>> round(float(lo), 4), round(float(hi), 4)
    (36.1683, 71.2404)
    """
    mean, se, n = np.broadcast_arrays(_arr(mean), _arr(se), _arr(n))
    with np.errstate(invalid="ignore"):
        q = np.where(n > 1, stats.t.ppf(0.5 + level / 2, np.where(n > 1, n - 1, 1)), z_value(level))
    return mean - q * se, mean + q * se


def mean_ci(values: ArrayLike, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of a sample with its Student's t interval (see :func:`t_ci`).

    Examples
    --------
    >>> m, lo, hi = mean_ci([1.0, 2.0, 3.0])
    >>> m, round(lo, 3), round(hi, 3)
    (2.0, -0.484, 4.484)
    """
    v = _arr(values)
    v = v[np.isfinite(v)]
    n = v.size
    m = float(v.mean()) if n else float("nan")
    se = float(v.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    lo, hi = t_ci(m, se, n, level)
    return m, float(lo), float(hi)


def welch_df(se1: ArrayLike, n1: ArrayLike, se2: ArrayLike, n2: ArrayLike) -> np.ndarray:
    """Welch-Satterthwaite degrees of freedom from two standard errors.

    Source: Welch BL (1947) Biometrika 34:28-35; Satterthwaite FE (1946).
    """
    se1, n1, se2, n2 = (_arr(a) for a in (se1, n1, se2, n2))
    v1, v2 = se1**2, se2**2
    with np.errstate(divide="ignore", invalid="ignore"):
        return (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))


def welch_diff_ci(
    m1: ArrayLike, se1: ArrayLike, n1: ArrayLike,
    m2: ArrayLike, se2: ArrayLike, n2: ArrayLike, level: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Welch interval for a difference of two independent means ``m1 - m2``.

    Source: Welch BL (1947) "The generalization of Student's problem when several
    different population variances are involved", Biometrika 34:28-35. Falls back
    to the normal quantile where a sample size is unknown.

    Examples
    --------
    >>> lo, hi = welch_diff_ci(10, 1, 30, 8, 1, 30)
    >>> round(float(lo), 3), round(float(hi), 3)
    (-0.831, 4.831)
    """
    m1, se1, n1, m2, se2, n2 = np.broadcast_arrays(*(_arr(a) for a in (m1, se1, n1, m2, se2, n2)))
    df = welch_df(se1, n1, se2, n2)
    with np.errstate(invalid="ignore"):
        q = np.where(np.isfinite(df) & (df > 0), stats.t.ppf(0.5 + level / 2, np.where(df > 0, df, 1)), z_value(level))
    d = m1 - m2
    half = q * np.sqrt(se1**2 + se2**2)
    return d - half, d + half


def se_from_ci(lower: ArrayLike, upper: ArrayLike, ci_level: float = 0.95) -> np.ndarray:
    """Standard error recovered from a published symmetric interval.

    ``se = (upper - lower) / (2 · z)``, with ``z`` the normal quantile of the
    level at which the interval was published (usually 95%). This is the rule in
    OHID's PHEindicatormethods SII functions and the Cochrane Handbook §6.3.1.

    Examples
    --------
    >>> round(float(se_from_ci(1.0, 4.92, 0.95)), 4)
    1.0
    """
    return (_arr(upper) - _arr(lower)) / (2 * z_value(ci_level))


def mover_diff_ci(
    d1: ArrayLike, l1: ArrayLike, u1: ArrayLike,
    d2: ArrayLike, l2: ArrayLike, u2: ArrayLike,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Interval for ``d2 - d1`` from two independent estimates with their intervals.

    MOVER (method of variance estimates recovery): keeps each interval's own
    asymmetry, e.g. Newcombe intervals near 0 or 100%. With symmetric intervals
    it reduces to ``± z·sqrt(se1² + se2²)``.
    Source: Zou GY, Donner A (2008) "Construction of confidence limits about
    effect measures: a general approach", Statistics in Medicine 27:1693-1702;
    Newcombe RG (2011) Statistics in Medicine 30:1925-1929.

    Returns
    -------
    diff, lower, upper : ndarray

    Examples
    --------
    >>> d, lo, hi = mover_diff_ci(10, 8, 12, 15, 13, 17)
    >>> float(d), round(float(lo), 3), round(float(hi), 3)
    (5.0, 2.172, 7.828)
    """
    d1, l1, u1, d2, l2, u2 = (_arr(a) for a in (d1, l1, u1, d2, l2, u2))
    d = d2 - d1
    lo = d - np.sqrt((d2 - l2) ** 2 + (u1 - d1) ** 2)
    hi = d + np.sqrt((u2 - d2) ** 2 + (d1 - l1) ** 2)
    return d, lo, hi


_SCALES = np.array([1.0, 100.0, 1_000.0, 10_000.0, 100_000.0, 1_000_000.0])


def _infer_scale(value: pd.Series, ratio: pd.Series, unit: pd.Series, multiplier: pd.Series) -> np.ndarray:
    """Multiplier of a proportion or rate: from metadata, else from value / (num/den)."""
    out = multiplier.to_numpy(dtype=float, copy=True)
    todo = ~np.isfinite(out)  # only rows the metadata leaves without a multiplier
    if not todo.any():
        return out
    with np.errstate(divide="ignore", invalid="ignore"):
        implied = (value[todo] / ratio[todo]).to_numpy(dtype=float)
    nearest = _SCALES[np.abs(np.log10(_SCALES)[None, :] - np.log10(np.where(implied > 0, implied, 1))[:, None]).argmin(axis=1)]
    pct = (unit[todo].astype(str) == "%").to_numpy()
    out[todo] = np.where(np.isfinite(implied) & (implied > 0), nearest, np.where(pct, 100.0, 1.0))
    return out


_METHODS = ["Wilson score", "Wilson score (counts implied by value and sample size)", "exact Poisson", "Byar",
            "Student's t from standard error", "normal from standard error", "published interval",
            "rebuilt from published interval", "none"]
(_M_WILSON, _M_WILSON_IMPLIED, _M_POISSON, _M_BYAR, _M_T, _M_NORMAL, _M_PUBLISHED, _M_REBUILT, _M_NONE) = range(9)
_NOTES = ["no counts, standard error or interval published, so no confidence interval", "no value",
          "suppressed (small numbers)"]
_N_NOTHING, _N_NO_VALUE, _N_SUPPRESSED = range(3)


def _labelled(codes: np.ndarray, labels: list[str], index: pd.Index, coded: bool) -> pd.Series:
    """Codes into ``labels`` (``-1`` missing) as a text column, or as a categorical where ``coded``."""
    if coded:
        return pd.Series(pd.Categorical.from_codes(codes, categories=labels), index=index)
    return text_from_codes(codes, [*labels, None], index)


def estimate(obs: pd.DataFrame, level: float = 0.95, *, indicators: IndicatorsLike = None,
             infer: bool = True, coded: bool = False) -> pd.DataFrame:
    """Add each row's confidence interval and standard error to observations.

    The method follows what the row carries, best first:

    1. a proportion with numerator and denominator: Wilson score interval
       (:func:`wilson_ci`); counts are used only when the value is their ratio
       (within rounding), and a published percentage with only a sample size
       and no interval gets the counts it implies;
    2. a rate with a count and denominator: exact Poisson below 10 events, Byar's
       method otherwise (:func:`rate_ci`);
    3. a standard error ``se``: ``value ± q·se``, with Student's t when ``n`` is
       known for a mean (:func:`t_ci`);
    4. a published interval ``lower``/``upper`` (at the metadata's ``ci_level``,
       95% by default): kept when ``level`` matches, otherwise rebuilt from the
       standard error it implies (:func:`se_from_ci`);
    5. nothing: no interval, and ``ci_note`` says why.

    A blank ``kind`` is inferred from the data where it can be (see
    :func:`evidence.observations.infer_kind`, which also refuses a proportion
    whose value and counts disagree), so counts are never silently ignored.

    Parameters
    ----------
    obs : DataFrame
        Validated observations with metadata attached (see
        :func:`evidence.observations.validate`).
    level : float
        Confidence level.
    indicators : metadata, optional
        Indicator metadata (kind, unit, multiplier...) joined on ``indicator``,
        as every other function takes it.
    infer : bool
        Infer a blank ``kind`` first (:func:`evidence.observations.infer_kind`);
        ``False`` where the caller already did, as :func:`evidence.gaps.gaps` does.
    coded : bool
        Give ``ci_method`` and ``ci_note`` as categoricals rather than text:
        :func:`evidence.gaps.gaps` only compares and combines them, which
        their codes do without a million strings.

    Returns
    -------
    DataFrame
        ``obs`` plus ``est``, ``est_lower``, ``est_upper``, ``se_est``,
        ``weight`` (the group's size for overlap corrections), ``scale``,
        ``has_counts``, ``count_num`` and ``count_den`` (the counts used),
        ``ci_method``, ``ci_note``, ``kind_note`` (what was inferred) and
        ``n_df``, the sample size behind Student's t: the Kish effective
        sample size ``n_eff`` where the row has one (a weighted survey
        estimate from :func:`evidence.aggregate.aggregate`), else ``n``.

    Examples
    --------
    >>> obs = pd.DataFrame({"value": [30.8], "numerator": [81], "denominator": [263],
    ...     "kind": ["proportion"], "unit": ["%"], "multiplier": [float("nan")], "ci_level": [0.95]})
    >>> out = estimate(obs)
    >>> round(float(out.loc[0, "est_lower"]), 2), out.loc[0, "ci_method"]
    (25.53, 'Wilson score')
    """
    if indicators is not None:
        obs = attach_metadata(obs, indicators)
    out = infer_kind(obs) if infer else shallow_copy(obs)
    nrow = len(out)

    def col(name: str) -> pd.Series:
        return out[name].astype(float) if name in out else pd.Series(np.nan, index=out.index)

    value, num, den, n, se = col("value"), col("numerator"), col("denominator"), col("n"), col("se")
    lower, upper = col("lower"), col("upper")
    # degrees of freedom of a weighted survey mean come from its Kish effective sample size, as its se does
    n_df = col("n_eff").fillna(n) if "n_eff" in out else n
    kind = out["kind"] if "kind" in out else pd.Series("score", index=out.index)
    kind_codes, kinds = factorize(kind)  # each test of the kind below is made once per distinct kind

    def kind_is(*names: str) -> np.ndarray:
        return codes_isin(kind_codes, kinds, names)

    unit = out["unit"] if "unit" in out else pd.Series("", index=out.index)
    mult = col("multiplier")
    ci_level = col("ci_level").fillna(0.95) if "ci_level" in out else pd.Series(0.95, index=out.index)

    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = num / den
    scale = _infer_scale(value, ratio, unit, mult)
    # counts are used only when the value is their ratio (a DSR, say, is not count/denominator)
    consistent = value.isna() | pd.Series(matches_counts(value.to_numpy(), ratio.to_numpy(), scale), index=out.index)
    # counts give an interval only for a proportion or rate (stated, or inferred by infer_kind for the indicator)
    counts = num.notna() & den.notna() & (den > 0) & consistent & kind_is("proportion", "rate")
    # a published percentage with only its sample size: counts implied by value x n (Wilson still applies),
    # unless the publisher gave a standard error or interval, which also reflect any survey design
    size = den.fillna(n)
    implied = (~counts & kind_is("proportion") & value.notna() & size.notna() & (size > 0) & se.isna()
               & (lower.isna() | upper.isna()))
    num = num.where(~implied, value / scale * size)  # infer_kind has refused values outside 0-100%
    den = den.where(~implied, size)
    ratio = ratio.where(~implied, num / den)
    counts = counts | implied
    is_prop = counts & kind_is("proportion")
    is_rate = counts & kind_is("rate")

    est = value.to_numpy(dtype=float).copy()
    lo = np.full(nrow, np.nan)
    hi = np.full(nrow, np.nan)
    s = np.full(nrow, np.nan)
    method = np.full(nrow, -1, dtype=np.intp)  # codes into _METHODS: the text is made once per method, not per row

    # 1. proportions from counts: Wilson
    m = is_prop.to_numpy()
    if m.any():
        wl, wh = wilson_ci(num[m], den[m], level)
        p = ratio[m].to_numpy()
        est[m] = np.where(np.isnan(est[m]), p * scale[m], est[m])
        lo[m], hi[m] = wl * scale[m], wh * scale[m]
        s[m] = np.sqrt(p * (1 - p) / den[m].to_numpy()) * scale[m]
        method[m] = np.where(implied.to_numpy()[m], _M_WILSON_IMPLIED, _M_WILSON)
    # 2. rates from counts: exact Poisson (<10) or Byar
    m = is_rate.to_numpy()
    if m.any():
        rv, rl, rh = rate_ci(num[m], den[m], 1.0, level)
        est[m] = np.where(np.isnan(est[m]), rv * scale[m], est[m])
        lo[m], hi[m] = rl * scale[m], rh * scale[m]
        s[m] = np.sqrt(num[m].to_numpy()) / den[m].to_numpy() * scale[m]
        method[m] = np.where(num[m].to_numpy() < 10, _M_POISSON, _M_BYAR)
    done = is_prop.to_numpy() | is_rate.to_numpy()
    # 3. a standard error
    m = ~done & se.notna().to_numpy() & np.isfinite(est)
    if m.any():
        use_t = kind_is("mean")[m] & (n_df[m] > 1).to_numpy()
        tl, th = t_ci(est[m], se[m], np.where(use_t, n_df[m], np.nan), level)
        lo[m], hi[m], s[m] = tl, th, se[m]
        method[m] = np.where(use_t, _M_T, _M_NORMAL)
        done |= m
    # 4. a published interval
    m = ~done & lower.notna().to_numpy() & upper.notna().to_numpy() & np.isfinite(est)
    if m.any():
        levels, which = np.unique(ci_level[m].to_numpy(dtype=float), return_inverse=True)  # z once per level
        s_pub = (upper[m].to_numpy() - lower[m].to_numpy()) / (2 * np.array([z_value(c) for c in levels])[which])
        same = np.isclose(ci_level[m].to_numpy(), level)
        z = z_value(level)
        lo[m] = np.where(same, lower[m], est[m] - z * s_pub)
        hi[m] = np.where(same, upper[m], est[m] + z * s_pub)
        s[m] = s_pub
        method[m] = np.where(same, _M_PUBLISHED, _M_REBUILT)
        done |= m

    note = np.full(nrow, -1, dtype=np.intp)  # codes into _NOTES; -1: no note
    suppressed = out["suppressed"].to_numpy(dtype=bool) if "suppressed" in out else np.zeros(nrow, bool)
    note[~done & np.isfinite(est)] = _N_NOTHING
    note[~np.isfinite(est)] = _N_NO_VALUE
    note[suppressed] = _N_SUPPRESSED
    method[~done] = _M_NONE

    weight = den.fillna(n).to_numpy(dtype=float)
    out["est"], out["est_lower"], out["est_upper"], out["se_est"] = est, lo, hi, s
    out["count_num"], out["count_den"] = num.where(counts).to_numpy(float), den.where(counts).to_numpy(float)
    out["weight"], out["scale"], out["has_counts"] = weight, np.where(done & counts.to_numpy(), scale, np.nan), counts.to_numpy()
    out["ci_method"], out["ci_note"] = _labelled(method, _METHODS, out.index, coded), _labelled(note, _NOTES, out.index, coded)
    out["n_df"] = n_df.to_numpy(dtype=float)
    return out
