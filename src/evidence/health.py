"""Public health measures as OHID computes them: life expectancy, standardised rates, deprivation quantiles.

Each function takes a table (one row per age band, or per area) and returns a
table, grouped by the ``by`` columns. The methods and their rules are those of
OHID's R package PHEindicatormethods (v2.1.0), the reference for Fingertips:

- :func:`life_expectancy`: Chiang II abridged life table with Silcocks et al.'s
  confidence intervals (``phe_life_expectancy``);
- :func:`dsr`: directly standardised rate with Dobson's interval, against the
  2013 European Standard Population shipped with the package (``calculate_dsr``);
- :func:`isr`: indirectly standardised ratio and rate (``calculate_ISRatio``,
  ``calculate_ISRate``);
- :func:`deprivation_quantiles`: OHID's "Assigning Deprivation Categories"
  (``phe_quantile``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from importlib import resources

import numpy as np
import pandas as pd

from .errors import Problem, raise_if
from .estimates import byar_ci, exact_poisson_ci, z_value

#: start ages of the 20 age bands of OHID's life table: 0, 1-4, 5-9, ..., 85-89, 90+
LIFE_TABLE_AGES = (0, 1, *range(5, 95, 5))
#: OHID does not publish a life expectancy for a population of this size or less
MIN_LE_POPULATION = 5_000
#: OHID does not publish a DSR from fewer events than this
MIN_DSR_EVENTS = 10


def european_standard_population() -> pd.DataFrame:
    """The 2013 European Standard Population (19 five-year bands to 90+, total 100,000).

    Source: Eurostat (2013) *Revision of the European Standard Population*,
    Methodologies and working papers, table 1; as used by ONS and OHID.

    Examples
    --------
    >>> esp = european_standard_population()
    >>> len(esp), int(esp["population"].sum()), esp.loc[0, "age_band"]
    (19, 100000, '0-4')
    """
    with resources.files("evidence").joinpath("data/esp2013.csv").open("r", encoding="utf-8") as f:
        return pd.read_csv(f, dtype={"age_band": str})


def start_age(label: object) -> int:
    """The first age of an age-band label: ``"5-9"`` → 5, ``"90+"`` → 90, ``"Under 1"`` → 0.

    Examples
    --------
    >>> start_age("10 - 14"), start_age("90+"), start_age(35), start_age("Under 1")
    (10, 90, 35, 0)
    """
    text = str(label).strip()
    if re.match(r"(?i)^(under|<)\s*\d", text):
        return 0
    m = re.search(r"\d+", text)
    if not m:
        raise ValueError(f"no age in age band {label!r}")
    return int(m.group(0))


def _groups(data: pd.DataFrame, by: Sequence[str] | str | None):  # noqa: ANN202 - a groupby iterator
    by = [by] if isinstance(by, str) else list(by or [])
    if not by:
        return by, [((), data)]
    return by, [((k,) if not isinstance(k, tuple) else k, g) for k, g in data.groupby(by, sort=False, dropna=False)]


def _need(data: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    raise_if([Problem(f"{what} needs a '{c}' column; name it with the keyword of the same meaning", column=c)
              for c in missing], context=what)


# ---- life expectancy --------------------------------------------------------

def life_expectancy(
    data: pd.DataFrame,
    *,
    deaths: str = "deaths",
    population: str = "population",
    age: str = "start_age",
    by: Sequence[str] | str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Life expectancy at each age band's start, with its confidence interval.

    Chiang II abridged life table over 20 bands (0, 1-4, 5-9, ..., 85-89, 90+),
    with a₀ = 0.1 and aᵢ = 0.5 otherwise, the last band's person-years ``l/M``,
    and Silcocks et al.'s variance (the last band's ``4/(D·M²)`` term). OHID's
    rules: a whole group is left out (with a note) when any band is missing or
    has population ≤ 0, negative deaths or more deaths than population, or when
    the total population is 5,000 or less; a value whose 95% interval is wider
    than 20 years is withheld, while its limits are kept.

    Sources: Chiang CL (1984) *The Life Table and its Applications*; Silcocks PBS,
    Jenner DA, Reza R (2001) "Life expectancy as a summary of mortality in a
    population: statistical considerations and suitability for use by health
    authorities", J Epidemiol Community Health 55:38-43; PHEindicatormethods
    ``phe_life_expectancy``.

    Parameters
    ----------
    data : DataFrame
        One row per age band (per group): deaths, population and the band's
        start age (or a label such as ``"5-9"``, ``"90+"``).
    by : column name(s), optional
        Groups (area, sex, deprivation decile...).

    Returns
    -------
    DataFrame
        One row per group × start age: ``value``, ``lower``, ``upper``,
        ``population_used`` and ``deaths_used`` (from that age up), ``note``.

    Examples
    --------
    >>> d = pd.DataFrame({"start_age": LIFE_TABLE_AGES, "population": [7060, 35059, 46974, 48489, 43219,
    ...     38561, 46009, 57208, 61435, 55601, 50209, 56416, 46411, 39820, 37978, 37039, 33288, 23306,
    ...     11936, 11936], "deaths": [17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536,
    ...     872, 1390, 1605, 1936, 1937]})
    >>> round(float(life_expectancy(d)["value"].iloc[0]), 4)
    80.1696
    """
    _need(data, [deaths, population, age], "life expectancy")
    by, groups = _groups(data, by)
    z = z_value(level)
    z95 = z_value(0.95)
    out = []
    for key, g in groups:
        ages = g[age].map(start_age).to_numpy()
        g = g.assign(_age=ages).sort_values("_age")
        dx = g[deaths].to_numpy(dtype=float)
        px = g[population].to_numpy(dtype=float)
        note = _le_problem(g["_age"].tolist(), dx, px)
        frame = pd.DataFrame({**{b: [k] * len(LIFE_TABLE_AGES) for b, k in zip(by, key, strict=True)},
                              "start_age": list(LIFE_TABLE_AGES)})
        if note:
            frame["value"] = frame["lower"] = frame["upper"] = np.nan
            frame["population_used"] = frame["deaths_used"] = np.nan
            frame["note"] = note
        else:
            e, se = _chiang_silcocks(dx, px)
            wide = z95 * se > 10  # OHID: 95% interval wider than 20 years
            frame["value"] = np.where(wide | ~np.isfinite(e), np.nan, e)
            frame["lower"], frame["upper"] = e - z * se, e + z * se
            frame["population_used"] = np.cumsum(px[::-1])[::-1]
            frame["deaths_used"] = np.cumsum(dx[::-1])[::-1]
            frame["note"] = np.where(wide, "value withheld: its 95% confidence interval is wider than 20 years",
                                     None)
        out.append(frame)
    cols = [*by, "start_age", "value", "lower", "upper", "population_used", "deaths_used", "note"]
    return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)


def _le_problem(ages: list[int], dx: np.ndarray, px: np.ndarray) -> str | None:
    """OHID's reasons for publishing no life expectancy for a whole group."""
    if ages != list(LIFE_TABLE_AGES):
        return "needs exactly the 20 age bands 0, 1-4, 5-9, ..., 85-89, 90+"
    if np.any(~np.isfinite(dx)) or np.any(~np.isfinite(px)):
        return "an age band has no deaths or population figure"
    if np.any(dx < 0):
        return "an age band has negative deaths"
    if np.any(px <= 0):
        return "an age band has a population of zero or less"
    if np.any(dx > px):
        return "an age band has more deaths than population"
    if px.sum() <= MIN_LE_POPULATION:
        return f"total population is {MIN_LE_POPULATION:,} or less, too small for a life expectancy (OHID's rule)"
    return None


def _chiang_silcocks(dx: np.ndarray, px: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Life expectancy and its standard error at each band's start (Chiang II, Silcocks)."""
    k = len(dx)
    ages = np.array(LIFE_TABLE_AGES, dtype=float)
    m = dx / px
    a = np.where(ages == 0, 0.1, 0.5)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.r_[np.diff(ages), 2 / m[-1]]
        q = np.where(dx <= px / n / a, m * n / (1 + m * n * (1 - a)), 1.0)
    q[-1] = 1.0  # everyone alive at 90 dies in the open band
    p = 1 - q
    l = 1e5 * np.r_[1.0, np.cumprod(p[:-1])]  # noqa: E741 - the life table's l
    d = l - np.r_[l[1:], 0.0]
    with np.errstate(divide="ignore", invalid="ignore"):
        big_l = np.r_[n[:-1] * (l[1:] + a[:-1] * d[:-1]), l[-1] / m[-1]]
        t = np.cumsum(big_l[::-1])[::-1]
        e = np.where(l == 0, 0.0, t / l)
        sp = np.where(d == 0, 0.0, q**2 * (1 - q) / dx)
        sp[-1] = 4 / (dx[-1] * m[-1] ** 2)
        w = np.empty(k)
        w[:-1] = sp[:-1] * l[:-1] ** 2 * ((1 - a[:-1]) * n[:-1] + e[1:]) ** 2
        w[-1] = (l[-1] / 2) ** 2 * sp[-1]
        st = np.cumsum(w[::-1])[::-1]
        se = np.sqrt(st / l**2)
    return e, se


# ---- directly standardised rates ---------------------------------------------

def dsr(
    data: pd.DataFrame,
    *,
    count: str = "count",
    population: str = "population",
    age_band: str = "age_band",
    by: Sequence[str] | str | None = None,
    standard: str | pd.DataFrame | None = None,
    multiplier: float = 100_000,
    level: float = 0.95,
    event_frequencies: Mapping[int, str] | None = None,
) -> pd.DataFrame:
    """Directly standardised rate with Dobson's confidence interval.

    ``DSR = Σ wᵢ·xᵢ/nᵢ / Σ wᵢ × multiplier`` with standard population weights
    ``wᵢ``; the interval is ``DSR + sqrt(var/O)·(O_limit − O)`` with ``O = Σ xᵢ``,
    ``var = Σ (wᵢ/nᵢ)²·xᵢ / (Σ wᵢ)²`` and Byar's limits for ``O``. Where people
    can have more than one event (``event_frequencies`` maps k to the column of
    the number of people with k events), the variance uses ``Σₖ k²·personsₖ`` in
    place of ``xᵢ``. No value is given from fewer than 10 events (OHID's rule).

    Sources: Dobson AJ, Kuulasmaa K, Eberle E, Scherer J (1991) "Confidence
    intervals for weighted sums of Poisson parameters", Statistics in Medicine
    10:457-462; PHEindicatormethods ``calculate_dsr``; the 2013 European Standard
    Population (:func:`european_standard_population`).

    Parameters
    ----------
    standard : column name or DataFrame, optional
        The standard population: a column of ``data``, or a table with
        ``start_age`` and ``population``. By default the 2013 ESP, matched on
        each band's start age.

    Returns
    -------
    DataFrame
        One row per group: ``total_count``, ``total_population``, ``value``,
        ``lower``, ``upper``, ``method``, ``note``.

    Examples
    --------
    >>> esp = european_standard_population()
    >>> d = esp.assign(count=10, population=esp["population"])
    >>> round(float(dsr(d)["value"].iloc[0]), 2)  # 10 events in each band of the standard itself
    190.0
    """
    _need(data, [count, population, age_band], "a directly standardised rate")
    by, groups = _groups(data, by)
    if isinstance(standard, str):
        _need(data, [standard], "a directly standardised rate")
    else:
        std = european_standard_population() if standard is None else standard
        weights = dict(zip(std["start_age"].astype(int), std["population"].astype(float), strict=True))
    rows = []
    for key, g in groups:
        if isinstance(standard, str):
            w = g[standard].to_numpy(dtype=float)
        else:
            starts = g[age_band].map(start_age)
            unknown = sorted(set(starts) - set(weights))
            raise_if([Problem(f"age band starting at {a} is not in the standard population; use its bands "
                              "(0-4, 5-9, ..., 85-89, 90+) or pass standard=", column=age_band) for a in unknown],
                     context="a directly standardised rate")
            w = starts.map(weights).to_numpy(dtype=float)
        x = g[count].fillna(0).to_numpy(dtype=float)
        n = g[population].to_numpy(dtype=float)
        total = x.sum()
        value = float(np.sum(w * x / n) / w.sum() * multiplier)
        if event_frequencies:
            persons = sum(k**2 * g[c].fillna(0).to_numpy(dtype=float) for k, c in event_frequencies.items())
            var = float(np.sum((w / n) ** 2 * persons) / w.sum() ** 2)
            method = "Dobson, with confidence adjusted for non-independent events"
        else:
            var = float(np.sum((w / n) ** 2 * x) / w.sum() ** 2)
            method = "Dobson"
        lo_o, hi_o = byar_ci(total, level)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.sqrt(var / total) * multiplier
        lower, upper = value + scale * (float(lo_o) - total), value + scale * (float(hi_o) - total)
        note = None
        if total < MIN_DSR_EVENTS:
            value = lower = upper = np.nan
            note = f"fewer than {MIN_DSR_EVENTS} events, so no standardised rate (OHID's rule)"
        rows.append({**dict(zip(by, key, strict=True)), "total_count": total, "total_population": n.sum(),
                     "value": value, "lower": lower, "upper": upper, "method": method, "note": note})
    return pd.DataFrame(rows)


# ---- indirect standardisation -------------------------------------------------

def isr(
    data: pd.DataFrame,
    *,
    count: str = "count",
    population: str = "population",
    ref_count: str = "ref_count",
    ref_population: str = "ref_population",
    by: Sequence[str] | str | None = None,
    level: float = 0.95,
    multiplier: float = 100_000,
    ref_value: float = 100,
) -> pd.DataFrame:
    """Indirectly standardised ratio (e.g. an SMR) and rate.

    Expected events ``E = Σ nᵢ·(refcountᵢ/refpopᵢ)``; ratio = ``O/E × ref_value``;
    rate = ratio/ref_value × the reference population's crude rate × multiplier.
    Interval: exact Poisson limits of ``O`` when ``O < 10``, Byar's otherwise,
    divided by ``E``. A band with no reference events (blank or 0) adds nothing.

    Source: Breslow NE, Day NE (1987) *Statistical Methods in Cancer Research*
    vol. II, IARC; PHEindicatormethods ``calculate_ISRatio``/``calculate_ISRate``.

    Returns
    -------
    DataFrame
        One row per group: ``observed``, ``expected``, ``ratio``, ``ratio_lower``,
        ``ratio_upper``, ``reference_rate``, ``rate``, ``rate_lower``,
        ``rate_upper``, ``method``.

    Examples
    --------
    >>> d = pd.DataFrame({"count": [30, 70], "population": [1000, 1000],
    ...                   "ref_count": [200, 500], "ref_population": [10000, 10000]})
    >>> r = isr(d)
    >>> float(r["expected"].iloc[0]), float(r["ratio"].iloc[0])
    (70.0, 142.85714285714286)
    """
    _need(data, [count, population, ref_count, ref_population], "an indirectly standardised ratio")
    by, groups = _groups(data, by)
    rows = []
    for key, g in groups:
        o = float(g[count].fillna(0).sum())
        ref_rate_i = (g[ref_count].fillna(0) / g[ref_population]).to_numpy(dtype=float)
        e = float(np.nansum(g[population].to_numpy(dtype=float) * ref_rate_i))
        crude = float(g[ref_count].fillna(0).sum() / g[ref_population].sum())
        lo, hi = (exact_poisson_ci if o < 10 else byar_ci)(o, level)
        ratio, r_lo, r_hi = o / e, float(lo) / e, float(hi) / e
        rows.append({**dict(zip(by, key, strict=True)), "observed": o, "expected": e,
                     "ratio": ratio * ref_value, "ratio_lower": r_lo * ref_value, "ratio_upper": r_hi * ref_value,
                     "reference_rate": crude * multiplier, "rate": ratio * crude * multiplier,
                     "rate_lower": r_lo * crude * multiplier, "rate_upper": r_hi * crude * multiplier,
                     "method": "exact" if o < 10 else "Byars"})
    return pd.DataFrame(rows)


# ---- deprivation quantiles ---------------------------------------------------

def deprivation_quantiles(
    data: pd.DataFrame,
    value: str = "value",
    n: int = 10,
    *,
    by: Sequence[str] | str | None = None,
    invert: bool | str = True,
) -> pd.Series:
    """OHID's quantile of each area (1 to ``n``) within its group.

    Rank the values (ties share the lowest rank), then
    ``quantile = floor(n + 1 − ceil((N + 1 − rank) / (N/n)))`` with ``N`` the
    areas with a value; 0 becomes 1. With ``invert`` (the default, for
    deprivation scores where high means deprived) the highest value gets
    quantile 1. ``invert`` may name a column of booleans (or a Fingertips
    polarity such as "RAG - Low is good", which inverts), the same within a
    group. A group with fewer areas than quantiles gets none.

    Source: OHID "Assigning Deprivation Categories" technical guidance;
    PHEindicatormethods ``phe_quantile``.

    Returns
    -------
    Series
        The quantile of each row (float, NaN where none), aligned to ``data``.

    Examples
    --------
    >>> d = pd.DataFrame({"value": [5.0, 1, 4, 2, 3]})
    >>> deprivation_quantiles(d, n=5).tolist()
    [1.0, 5.0, 2.0, 4.0, 3.0]
    """
    _need(data, [value], "deprivation quantiles")
    by, groups = _groups(data, by)
    out = pd.Series(np.nan, index=data.index, dtype=float)
    problems = []
    for key, g in groups:
        if isinstance(invert, str):
            flags = g[invert].map(_invert_flag)
            if flags.isna().any() or flags.nunique() != 1:
                problems.append(Problem(
                    f"'{invert}' must be one true/false value (or one polarity) for every area of a group; "
                    f"group {key} has {sorted(set(g[invert].astype(str)))}", column=invert))
                continue
            inv = bool(flags.iloc[0])
        else:
            inv = bool(invert)
        v = g[value].astype(float)
        adj = v.max() - v if inv else v
        rank = adj.rank(method="min")
        count = int(v.notna().sum())
        if count < n:
            continue
        q = np.floor((n + 1) - np.ceil(((count + 1) - rank) / (count / n)))
        out.loc[g.index] = q.where(q != 0, 1.0)
    raise_if(problems, context="deprivation quantiles")
    return out


def _invert_flag(v: object) -> bool | None:
    if isinstance(v, bool | np.bool_):
        return bool(v)
    text = str(v).strip().lower()
    if text in ("true", "1", "yes") or "low is good" in text:
        return True
    if text in ("false", "0", "no") or "high is good" in text:
        return False
    return None
