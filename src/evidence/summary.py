"""``summary_measures``: one number for inequality across all of a characteristic's groups.

Pairwise gaps compare one group with another; a committee also needs the gradient
across ordered groups (deprivation deciles) and the spread across unordered ones
(ethnic groups). This module applies the functions of :mod:`evidence.inequality`
to each indicator × period × area × characteristic of an observations table.

Measures (short names as in the design contract):

========  ===============================================  =========  ==========================
name      measure                                          groups     source
========  ===============================================  =========  ==========================
``sii``   slope index of inequality                        ordered    OHID ``phe_sii``
``rii``   relative index of inequality                     ordered    OHID ``phe_sii``
``aci``   absolute concentration index                     ordered    WHO HEAT / healthequal
``rci``   relative concentration index (fraction)          ordered    WHO HEAT / healthequal
``d``     difference: most advantaged − most disadvantaged any        WHO HEAT
          (ordered) or highest − lowest (unordered)
``r``     ratio, the same two groups                       any        WHO HEAT
``bgv``   between-group variance                           any        WHO HEAT
``bgsd``  between-group standard deviation                 any        WHO HEAT
``cov``   coefficient of variation, %                      any        WHO HEAT
``idisu`` index of disparity, unweighted, %                any        WHO HEAT
``idisw`` index of disparity, weighted, %                  any        WHO HEAT
``theil`` Theil index ×1000                                any        WHO HEAT
``mld``   mean log deviation ×1000                         any        WHO HEAT
``par``   population attributable risk                     any        WHO HEAT
``paf``   population attributable fraction, %              any        WHO HEAT
========  ===============================================  =========  ==========================

``direction`` says which way the inequality runs, using the indicator's
polarity: ``disadvantaged_worse`` / ``advantaged_worse`` for ordered groups,
``none`` when the measure shows no inequality. ``note`` says why a measure was
not computed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from . import inequality as ineq
from .estimates import estimate, mover_diff_ci, z_value
from .indicators import IndicatorsLike
from .observations import ALL, validate
from .suppression import suppress

ORDERED_MEASURES = ("sii", "rii", "aci", "rci")
ANY_MEASURES = ("d", "r", "bgv", "bgsd", "cov", "idisu", "idisw", "theil", "mld", "par", "paf")
MEASURES = ORDERED_MEASURES + ANY_MEASURES
#: measures that need every group's population size
WEIGHTED = {"sii", "rii", "aci", "rci", "bgv", "bgsd", "cov", "idisw", "theil", "mld", "par", "paf"}
#: fewest ordered groups for an SII, as OHID's phe_sii requires
MIN_SII_GROUPS = 5
BLOCK = ["indicator", "period", "area", "characteristic"]
COLUMNS = BLOCK + ["measure", "value", "lower", "upper", "direction", "groups", "compared", "method", "note"]
_QUANTILES = {"decile": 10, "quintile": 5, "quartile": 4, "vigintile": 20}
_QUANTILE = re.compile(r"decile|quintile|quartile|vigintile|quantile", re.IGNORECASE)


def summary_measures(
    obs: pd.DataFrame,
    measures: Sequence[str] | None = None,
    order: Mapping[str, Sequence[str]] | None = None,
    level: float = 0.95,
    *,
    indicators: IndicatorsLike = None,
    transform: bool = False,
    sii_method: str = "ohid",
    repetitions: int = 100_000,
    seed: int | None = 2004,
    suppress_small: bool = True,
    min_numerator: int = 5,
    min_denominator: int = 10,
) -> pd.DataFrame:
    """Summary measures of inequality for each indicator × period × area × characteristic.

    Parameters
    ----------
    obs : DataFrame
        Observations. Each group's population size comes from ``denominator``,
        else ``n`` (for a life expectancy, say, the group's population).
    measures : list of str, optional
        Names from :data:`MEASURES` (all by default).
    order : dict, optional
        For each ordered characteristic, its groups from most to least
        disadvantaged, e.g. ``{"imd_decile": ["1", ..., "10"]}``. A
        characteristic named like ``decile``/``quintile`` whose groups are all
        whole numbers is taken as ordered 1 = most deprived (the English IMD
        convention) when not given.
    level : float
        Confidence level of the intervals.
    transform : bool
        SII/RII for rates and proportions fitted on the log or logit scale (the
        ``transform=TRUE`` option of OHID's ``phe_sii``).
    sii_method : {"ohid", "heat"}
        ``"ohid"`` (default): OHID's weighted linear regression with Monte Carlo
        limits, as Fingertips; ``"heat"``: WHO HEAT's logistic regression for
        proportions with counts, delta-method limits
        (:func:`evidence.inequality.sii_heat`).
    repetitions, seed : int
        Monte Carlo draws for the SII/RII and the simulated intervals; the seed
        makes results reproducible.
    suppress_small, min_numerator, min_denominator
        Small-number suppression first (see :func:`evidence.suppression.suppress`);
        a suppressed group counts as missing.

    Returns
    -------
    DataFrame
        Long: one row per indicator × period × area × characteristic × ``measure``
        with ``value``, ``lower``, ``upper``, ``direction``, ``groups`` (how many
        were used), ``compared`` (for ``d``/``r``/``par``/``paf``: which groups),
        ``method`` and ``note``.

    Notes
    -----
    Intervals: SII/RII by OHID's simulation; ACI/RCI by the regression standard
    error (healthequal); ``d`` and ``r`` by MOVER from the two groups' intervals
    (Zou & Donner 2008; ``r`` on the log scale); ``par``/``paf`` of proportions
    by Walter's standard error as HEAT (:func:`evidence.inequality.walter_paf_se`);
    the others by simulating each group's value from a normal distribution with
    its standard error and taking percentiles (no published reference for these
    intervals). Proportions enter
    the SII as fractions and the SII is scaled back to the indicator's unit.

    Examples
    --------
    >>> obs = pd.DataFrame({"indicator": "le", "period": "2020", "characteristic": "imd_decile",
    ...     "group": [str(i) for i in range(1, 11)], "value": [76.0 + 0.8 * i for i in range(10)],
    ...     "se": 0.4, "n": 20000, "polarity": "higher_is_better"})
    >>> out = summary_measures(obs, ["sii"], repetitions=2000)
    >>> round(float(out.loc[0, "value"]), 2), out.loc[0, "direction"]
    (8.0, 'disadvantaged_worse')
    """
    if sii_method not in ("ohid", "heat"):
        raise ValueError(f"sii_method must be 'ohid' or 'heat', got {sii_method!r}")
    wanted = list(MEASURES if measures is None else measures)
    unknown = [m for m in wanted if m not in MEASURES]
    if unknown:
        raise ValueError(f"unknown measure(s) {unknown}; choose from {', '.join(MEASURES)}")
    clean = validate(obs, indicators=indicators)  # polarity optional: only `direction` needs it
    if suppress_small:
        clean = suppress(clean, min_numerator=min_numerator, min_denominator=min_denominator)
    est = estimate(clean, level)
    # group intervals at 95% for the standard errors the SII simulation uses (OHID's rule)
    est95 = est if np.isclose(level, 0.95) else estimate(clean, 0.95)
    est["lower95"], est["upper95"] = est95["est_lower"].to_numpy(), est95["est_upper"].to_numpy()
    est["pop_size"] = est["weight"]  # denominator, else n
    groups = est[est["characteristic"] != ALL]
    rows: list[dict] = []
    for key, block in groups.groupby(BLOCK, sort=False):
        ranking = _ranking(key[3], block["group"].tolist(), order)
        meta = block.iloc[0]
        ctx = _Context(block, ranking, meta, level, transform, repetitions, seed, sii_method)
        for m in wanted:
            r = ctx.measure(m)
            rows.append({**dict(zip(BLOCK, key, strict=True)), "measure": m, **r})
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out


def _ranking(characteristic: str, groups: list[str], order: Mapping[str, Sequence[str]] | None) -> list[str] | None:
    """Groups from most to least disadvantaged, or None when unordered."""
    if order and characteristic in order:
        return [str(g) for g in order[characteristic]]
    if " × " not in characteristic:  # an intersection (sex × decile) is not one ordering
        worded = [_worded_rank(str(g)) for g in groups]
        if groups and all(w is not None for w in worded) and len({w[1] for w in worded}) == 1:
            k = worded[0][1]
            by_rank = {w[0]: str(g) for g, w in zip(groups, worded, strict=True)}
            return [by_rank.get(i, f"{_WORDS_K[k]} {i}") for i in range(1, k + 1)]
    m = _QUANTILE.search(characteristic)
    # "3", or "1 (most deprived)": the number is the rank (but not an age band such as "10-19")
    numbered = [re.match(r"\s*(\d+)(?!\S*\d)\b", str(g)) for g in groups]
    if m and groups and all(numbered):
        ranks = {int(n.group(1)): str(g) for n, g in zip(numbered, groups, strict=True)}
        # every quantile 1..k is expected, so a decile missing from the data is noticed
        k = _QUANTILES.get(m.group(0).lower()) or max(ranks)
        return [ranks.get(i, str(i)) for i in range(1, max(k, max(ranks)) + 1)]
    return None


_ORDINALS = {"most": 1, "least": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_WORDS_K = {10: "decile", 5: "quintile", 4: "quartile"}
_WORDED = re.compile(r"^(most|least|second|third|fourth|fifth)(?: (most|more|least|less))? deprived "
                     r"(decile|quintile|quartile)\b", re.IGNORECASE)


def _worded_rank(label: str) -> tuple[int, int] | None:
    """Fingertips' worded deprivation groups as (rank, k), 1 = most deprived.

    Examples
    --------
    >>> _worded_rank("Third less deprived decile (IMD2019)"), _worded_rank("Average deprived quintile")
    ((8, 10), (3, 5))
    """
    if label.strip().lower().startswith(("middle", "average")) and "quintile" in label.lower():
        return 3, 5  # Fingertips writes "Average deprived quintile" for the middle one
    m = _WORDED.match(label.strip())
    if not m:
        return None
    k = {"decile": 10, "quintile": 5, "quartile": 4}[m.group(3).lower()]
    n, side = _ORDINALS[m.group(1).lower()], (m.group(2) or m.group(1)).lower()
    return (n if side in ("most", "more") else k + 1 - n), k


class _Context:
    """One characteristic's groups and what every measure needs from them."""

    def __init__(self, block: pd.DataFrame, ranking: list[str] | None, meta: pd.Series,
                 level: float, transform: bool, repetitions: int, seed: int | None, sii_method: str = "ohid"):
        self.level, self.transform, self.reps, self.seed = level, transform, repetitions, seed
        self.sii_method = sii_method
        self.ranking = ranking
        pol = meta.get("polarity")
        self.higher = None if pd.isna(pol) else pol == "higher_is_better"
        self.kind = str(meta.get("kind", "score"))
        usable = block[np.isfinite(block["est"].to_numpy(dtype=float))]
        self.missing_note = None
        if ranking is not None:
            present = set(usable["group"])
            absent = [g for g in ranking if g not in present]
            extra = sorted(set(block["group"]) - set(ranking))
            if absent:
                listed = ", ".join(absent) if len(absent) <= 3 else (
                    f"{len(absent)} of the {len(ranking)} groups ({', '.join(absent[:3])}...)")
                self.missing_note = f"no value for group(s) {listed}; ordered measures need every group"
            if extra:
                self.missing_note = (f"group(s) {', '.join(extra)} not in the order given; "
                                     "list every group from most to least disadvantaged")
            usable = usable.set_index("group").reindex([g for g in ranking if g in present]).reset_index()
        self.g = usable
        self.names = usable["group"].astype(str).tolist()
        self.y = usable["est"].to_numpy(dtype=float)
        self.lo = usable["est_lower"].to_numpy(dtype=float)
        self.hi = usable["est_upper"].to_numpy(dtype=float)
        self.se = usable["se_est"].to_numpy(dtype=float)
        self.pop = usable["pop_size"].to_numpy(dtype=float)
        self.has_pop = bool(len(self.pop)) and bool(np.all(np.isfinite(self.pop) & (self.pop > 0)))
        self.share = self.pop / self.pop.sum() if self.has_pop else None
        self.k = len(self.y)
        self._draws: np.ndarray | None = None
        self._fit: dict | str | None = None

    # ---- helpers -------------------------------------------------------
    def blank(self, note: str, method: str = "") -> dict:
        return {"value": np.nan, "lower": np.nan, "upper": np.nan, "direction": None,
                "groups": self.k, "compared": None, "method": method, "note": note}

    def result(self, value: float, lower: float, upper: float, method: str, *,
               direction: str | None = None, compared: str | None = None, note: str | None = None) -> dict:
        return {"value": value, "lower": lower, "upper": upper, "direction": direction,
                "groups": self.k, "compared": compared, "method": method, "note": note}

    def ordered_direction(self, slope: float, lower: float = np.nan, upper: float = np.nan,
                          null: float = 0.0) -> str | None:
        """Which end is worse off, from a slope running most → least disadvantaged."""
        if self.higher is None or not np.isfinite(slope):
            return None
        if np.isclose(slope, null, rtol=0, atol=1e-12 * max(1.0, abs(null))):
            return "none"
        rising = slope > null
        return "disadvantaged_worse" if rising == self.higher else "advantaged_worse"

    def mu(self) -> float:
        return float(np.sum(self.share * self.y))

    def draws(self) -> np.ndarray | None:
        """Simulated group values (reps × groups), or None without standard errors."""
        if self._draws is None and self.k and np.all(np.isfinite(self.se)):
            rng = np.random.default_rng(self.seed)
            self._draws = self.y + self.se * rng.standard_normal((self.reps, self.k))
        return self._draws

    def simulated(self, f, value: float) -> tuple[float, float, str | None]:  # noqa: ANN001 - a function of draws
        d = self.draws()
        if d is None:
            return np.nan, np.nan, "no standard error for every group, so no interval"
        with np.errstate(all="ignore"):
            s = f(d)
        s = s[np.isfinite(s)]
        if s.size < 0.99 * self.reps:
            return np.nan, np.nan, "too many simulated values undefined for an interval"
        a = (1 - self.level) / 2
        return float(np.quantile(s, a)), float(np.quantile(s, 1 - a)), None

    # ---- measures ------------------------------------------------------
    def measure(self, m: str) -> dict:
        if m in ORDERED_MEASURES and self.ranking is None:
            return self.blank("needs ordered groups: give order={characteristic: [most ... least disadvantaged]}")
        if m in ORDERED_MEASURES and self.missing_note:
            return self.blank(self.missing_note)
        if self.k < 2:
            return self.blank("needs at least two groups with a value")
        if m in WEIGHTED and not self.has_pop:
            return self.blank("needs every group's population size (a denominator or n column)")
        return getattr(self, f"_{m}")()

    def _sii_fit(self) -> dict | str:
        if self._fit is not None:
            return self._fit
        if self.sii_method == "heat":
            self._fit = self._heat_fit()
            return self._fit
        if self.k < MIN_SII_GROUPS:
            self._fit = f"needs at least {MIN_SII_GROUPS} ordered groups (OHID's rule for the SII)"
            return self._fit
        scale = 1.0
        vtype = ineq.NORMAL
        y = self.y
        if self.kind == "proportion":
            scale = 100.0 if np.nanmax(np.abs(np.r_[y, self.hi])) > 1 else 1.0
            mult = self.g["multiplier"].iloc[0] if "multiplier" in self.g else np.nan
            scale = float(mult) if pd.notna(mult) and mult > 0 else scale
            vtype = ineq.PROPORTION
        elif self.kind == "rate":
            vtype = ineq.RATE
        frac, lo, hi = y / scale, self.g["lower95"].to_numpy(float) / scale, self.g["upper95"].to_numpy(float) / scale
        note = None
        inside = (frac > 0) & (frac < 1) if vtype == ineq.PROPORTION else frac > 0
        if vtype != ineq.NORMAL and not np.all(inside):
            # log/logit undefined at 0 (or 1): draw on the natural scale instead
            vtype = ineq.NORMAL
            note = "a group's value is 0 (or 100%), so values were simulated on their own scale, not log/logit"
        if vtype == ineq.NORMAL:
            se = self.se / scale
            fallback = ineq.transformed_se(frac, lo, hi, ineq.NORMAL)
            se = np.where(np.isfinite(se), se, fallback)
        else:
            se = ineq.transformed_se(frac, lo, hi, vtype)
            # a standard error without an interval: delta method onto the log/logit scale
            delta = self.se / scale / (frac if vtype == ineq.RATE else frac * (1 - frac))
            se = np.where(np.isfinite(se), se, delta)
        if not np.all(np.isfinite(se)):
            se = None
            note = "no standard error or interval for every group, so no interval"
        res = ineq.sii(frac, self.pop, se, value_type=vtype, transform=self.transform and vtype != ineq.NORMAL,
                       multiplier=scale, levels=(self.level,), repetitions=self.reps, seed=self.seed)
        res["note"] = note
        res["method"] = ("OHID phe_sii: weighted regression on population midpoint ranks, "
                         f"{self.reps:,} simulations" + (", fitted on the log/logit scale" if self.transform and vtype != ineq.NORMAL else ""))
        self._fit = res
        return res

    def _heat_fit(self) -> dict | str:
        if self.kind != "proportion":
            return "WHO HEAT's SII is for proportions; use sii_method='ohid'"
        if self.k < 3:
            return "needs at least three ordered groups"
        scale = 100.0 if np.nanmax(self.y) > 1 else 1.0
        r = ineq.sii_heat(self.y, self.pop, scale=scale, level=self.level)
        out = {"sii": r["sii"], "rii": r["rii"], "note": None,
               "method": "WHO HEAT: logistic regression on midpoint ranks, delta-method (HC1) interval"}
        for m in ("sii", "rii"):
            out[f"{m}_lower_{self.level}"], out[f"{m}_upper_{self.level}"] = r[f"{m}_lower"], r[f"{m}_upper"]
        return out

    def _sii(self) -> dict:
        return self._ordered("sii")

    def _rii(self) -> dict:
        return self._ordered("rii")

    def _ordered(self, which: str) -> dict:
        res = self._sii_fit()
        if isinstance(res, str):
            return self.blank(res)
        v = res[which]
        lo, hi = res.get(f"{which}_lower_{self.level}", np.nan), res.get(f"{which}_upper_{self.level}", np.nan)
        d = self.ordered_direction(v, null=1.0 if which == "rii" else 0.0)
        return self.result(v, lo, hi, res["method"], direction=d,
                           compared=f"{self.names[0]} (most disadvantaged) to {self.names[-1]} (least)",
                           note=res["note"])

    def _aci(self, relative: bool = False) -> dict:
        if self.k < 3:
            return self.blank("needs at least three ordered groups")
        if relative and np.isclose(self.mu(), 0):
            return self.blank("mean is zero, so no relative index")
        v, _, lo, hi = ineq.concentration_index(self.y, self.pop, relative=relative, level=self.level)
        return self.result(v, lo, hi, "WHO HEAT concentration index, regression standard error",
                           direction=self.ordered_direction(v))

    def _rci(self) -> dict:
        return self._aci(relative=True)

    def _pair(self) -> tuple[int, int, str]:
        """Indexes of the two groups compared by d, r: (a, b) for a − b."""
        if self.ranking is not None:
            return self.k - 1, 0, "most advantaged − most disadvantaged"
        return int(np.argmax(self.y)), int(np.argmin(self.y)), "highest − lowest"

    def _d(self) -> dict:
        a, b, label = self._pair()
        d, lo, hi = mover_diff_ci(self.y[b], self.lo[b], self.hi[b], self.y[a], self.lo[a], self.hi[a])
        return self.result(float(d), float(lo), float(hi), "WHO HEAT difference; MOVER interval",
                           direction=self._pair_direction(float(d), 0.0),
                           compared=f"{self.names[a]} − {self.names[b]} ({label})")

    def _r(self) -> dict:
        a, b, label = self._pair()
        if self.y[b] <= 0 or self.y[a] <= 0:
            return self.blank("a value is zero or negative, so no ratio")
        with np.errstate(divide="ignore", invalid="ignore"):
            _, llo, lhi = mover_diff_ci(*np.log([self.y[b], self.lo[b], self.hi[b]]),
                                        *np.log([self.y[a], self.lo[a], self.hi[a]]))
        r = self.y[a] / self.y[b]
        return self.result(float(r), float(np.exp(llo)), float(np.exp(lhi)), "WHO HEAT ratio; MOVER interval (log scale)",
                           direction=self._pair_direction(float(r), 1.0),
                           compared=f"{self.names[a]} / {self.names[b]} ({label.replace('−', '/')})")

    def _pair_direction(self, v: float, null: float) -> str | None:
        if self.ranking is not None:
            return self.ordered_direction(v - null)
        return "none" if np.isclose(v, null) else None

    def _spread(self, f, method: str, note: str | None = None) -> dict:  # noqa: ANN001
        with np.errstate(all="ignore"):
            v = float(f(self.y))
        if not np.isfinite(v):
            return self.blank(note or "undefined for these values")
        lo, hi, why = self.simulated(f, v)
        return self.result(v, lo, hi, method + "; simulated interval", direction="none" if np.isclose(v, 0) else None,
                           note=why)

    def _bgv(self) -> dict:
        return self._spread(lambda y: ineq.between_group_variance(y, self.share), "WHO HEAT between-group variance")

    def _bgsd(self) -> dict:
        return self._spread(lambda y: np.sqrt(ineq.between_group_variance(y, self.share)),
                            "WHO HEAT between-group standard deviation")

    def _cov(self) -> dict:
        return self._spread(lambda y: np.sqrt(ineq.between_group_variance(y, self.share))
                            / ineq.weighted_mean(y, self.share) * 100, "WHO HEAT coefficient of variation (%)",
                            "mean is zero")

    def _idisu(self) -> dict:
        if self.has_pop:
            def f(y):  # noqa: ANN001, ANN202
                return ineq.index_of_disparity(y, None, ineq.weighted_mean(y, self.share))
            method = "WHO HEAT index of disparity, unweighted (%), against the population-weighted mean"
        else:
            def f(y):  # noqa: ANN001, ANN202
                return ineq.index_of_disparity(y, None, np.mean(y, axis=-1))
            method = "WHO HEAT index of disparity, unweighted (%), against the mean of the groups"
        return self._spread(f, method, "mean is zero")

    def _idisw(self) -> dict:
        return self._spread(lambda y: ineq.index_of_disparity(y, self.share, ineq.weighted_mean(y, self.share)),
                            "WHO HEAT index of disparity, weighted (%)", "mean is zero")

    def _theil(self) -> dict:
        if np.any(self.y < 0):
            return self.blank("needs values of zero or more")
        return self._spread(lambda y: ineq.theil(y, self.share), "WHO HEAT Theil index ×1000")

    def _mld(self) -> dict:
        if np.any(self.y <= 0):
            return self.blank("needs every value above zero (the log of 0 is undefined)")
        return self._spread(lambda y: ineq.mean_log_deviation(y, self.share), "WHO HEAT mean log deviation ×1000")

    def _reference(self) -> tuple[int, str] | None:
        if self.ranking is not None:
            return self.k - 1, "most advantaged group"
        if self.higher is None:
            return None
        return (int(np.argmax(self.y)) if self.higher else int(np.argmin(self.y))), "best-off group"

    def _par(self, fraction: bool = False) -> dict:
        ref = self._reference()
        if ref is None:
            return self.blank("needs the indicator's polarity to find the best-off group")
        i, label = ref
        mu = self.mu()
        if fraction and np.isclose(mu, 0):
            return self.blank("mean is zero, so no fraction")
        share = self.share

        def f(y):  # noqa: ANN001, ANN202
            m = ineq.weighted_mean(y, share)
            diff = y[..., i] - m
            if self.higher is not None:  # HEAT: no improvement possible is 0, not negative
                diff = np.maximum(diff, 0) if self.higher else np.minimum(diff, 0)
            return diff / m * 100 if fraction else diff

        v = float(f(self.y))
        name = "population attributable fraction (%)" if fraction else "population attributable risk"
        compared = f"{self.names[i]} ({label}) against the population-weighted mean"
        if self.kind == "proportion":  # counts of people: Walter's standard error, as HEAT
            scale = 100.0 if np.nanmax(self.y) > 1 else 1.0
            se = ineq.walter_paf_se(self.y[i], self.pop[i], mu, self.pop.sum(), scale)
            se = se * 100 if fraction else se * mu
            z = z_value(self.level)
            return self.result(v, v - z * se, v + z * se, f"WHO HEAT {name}; Walter's standard error",
                               direction="none" if np.isclose(v, 0) else None, compared=compared)
        lo, hi, why = self.simulated(f, v)
        return self.result(v, lo, hi, f"WHO HEAT {name}; simulated interval",
                           direction="none" if np.isclose(v, 0) else None, compared=compared, note=why)

    def _paf(self) -> dict:
        return self._par(fraction=True)


_FRACTIONS = {10: "tenths", 5: "fifths", 4: "quarters", 20: "twentieths"}


def sii_sentence(row: pd.Series | Mapping, *, name: str | None = None, unit: str = "", place: str = "the area",
                 decimals: int = 1, level: float = 0.95, ends: tuple[str, str] = ("most deprived", "least deprived"),
                 parts: str | None = None) -> str:
    """Plain-English sentence for one ``sii`` row of :func:`summary_measures`.

    The SII is the modelled gap between the two ends of the ordered groups (rank
    0 to 1), so "the gap between the most and least deprived tenths" is its size.
    ``ends`` names the first (most disadvantaged) and last groups' end, e.g.
    ``("youngest", "oldest")`` for age bands; ``parts`` what the groups are
    ("tenths" for 10 deprivation groups by default, "age groups"...).

    Examples
    --------
    >>> row = {"measure": "sii", "value": 7.93, "lower": 6.8, "upper": 9.1, "groups": 10,
    ...        "direction": "disadvantaged_worse", "indicator": "life_expectancy_female"}
    >>> sii_sentence(row, name="life expectancy", unit="years", place="the borough")
    'The gap in life expectancy between the most and least deprived tenths of the borough is 7.9 years (95% confidence interval 6.8 to 9.1 years); the most deprived are worse off.'
    >>> sii_sentence({**row, "direction": "advantaged_worse", "groups": 5}, name="employment", unit="points",
    ...              ends=("youngest", "oldest"), parts="age groups", place="the borough")[:70]
    'The gap in employment between the youngest and oldest age groups of th'
    """
    get = row.get if isinstance(row, Mapping) else row.__getitem__
    if get("measure") != "sii":
        raise ValueError("sii_sentence describes an 'sii' row")
    what = name or str(get("indicator")).replace("_", " ")
    first, last = ends
    value = get("value")
    if value is None or not np.isfinite(value):
        note = get("note") if isinstance(row, Mapping) else row.get("note")
        return f"The gap in {what} between the {_between(first, last)} {parts or 'groups'} could not be measured: {note}."
    parts = parts or _FRACTIONS.get(int(get("groups")), "groups")
    u = f" {unit}" if unit else ""
    text = (f"The gap in {what} between the {_between(first, last)} {parts} of {place} is "
            f"{abs(value):.{decimals}f}{u}")
    lo, hi = get("lower"), get("upper")
    if lo is not None and hi is not None and np.isfinite(lo) and np.isfinite(hi):
        a, b = sorted((abs(lo), abs(hi))) if lo * hi > 0 else (lo, hi)
        text += f" ({level * 100:g}% confidence interval {a:.{decimals}f} to {b:.{decimals}f}{u})"
    direction = get("direction")
    # without a polarity nobody is "worse off", but the reader still needs to know which end is higher
    higher = f"; the figure is higher for the {last if value > 0 else first}."
    tail = {"disadvantaged_worse": f"; the {first} are worse off.",
            "advantaged_worse": f"; the {last} are worse off.",
            "none": "; there is no gap."}.get(direction, higher)
    return text + tail


def _between(first: str, last: str) -> str:
    """ "most deprived", "least deprived" → "most and least deprived"; "youngest", "oldest" → "youngest and oldest"."""
    a, b = first.rsplit(" ", 1), last.rsplit(" ", 1)
    if len(a) == 2 and len(b) == 2 and a[1] == b[1]:
        return f"{a[0]} and {b[0]} {a[1]}"
    return f"{first} and {last}"
