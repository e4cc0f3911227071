"""Gaps between groups and their comparator, with confidence intervals.

A gap is oriented so that a **positive gap means the group is worse off**:
``comparator - group`` when higher is better, ``group - comparator`` when lower
is better. The relative gap is the ratio oriented the same way (above 1 means
worse off): ``comparator / group`` when higher is better, ``group / comparator``
when lower is better.

Comparators: ``overall`` (the whole population, of which the group is a part),
``rest`` (everyone not in the group), ``reference`` (a named group) and ``best``
(the best-off group that period, or a group named with ``reference=``; in
:func:`evidence.progress.progress` the group best-off at baseline, kept at both
ends). Because ``best`` is chosen from the same data it is compared with, its
gaps are biased away from zero and their intervals are optimistic (too narrow,
too often significant): prefer ``reference`` with a group named in advance.

A group compared with the whole population is part of it, so the two are not
independent. With counts, the group is compared exactly with the rest of the
population and the overall gap follows, since
``p_group - p_all = (1 - w) · (p_group - p_rest)`` where ``w`` is the group's
share of the denominator. Without counts but with sizes (``n`` or
denominators for group and All), ``Var(g - all) = Var(g)·(1 - 2w) + Var(all)``
(``Cov(g, all) = w·Var(g)``), with Student's t on Welch-Satterthwaite degrees
of freedom for means. Without sizes the share cannot be known, so group and
All are treated as independent (``Var(g) + Var(all)``): since the covariance is
never negative this interval is never too narrow, and the ``note`` says so.
(Estimating ``w`` as ``Var(all) / Var(g)`` was tried and rejected: in
simulation it covered 70% for a nominal 95%.)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from .estimates import (
    estimate,
    katz_ratio_ci,
    mover_diff_ci,
    welch_df,
    welch_diff_ci,
    z_value,
)
from .frames import (
    Texts,
    codes_reused,
    combined_codes,
    constant_text,
    factorize_text,
    isin,
    take_rows,
)
from .indicators import IndicatorsLike
from .observations import ALL, infer_kind, validate
from .suppression import implied_count, row_size, suppress

COMPARATORS = ("overall", "rest", "reference", "best")
GROUP_KEYS = ["indicator", "period", "area", "characteristic", "group"]
OUTPUT_COLUMNS = [
    "indicator", "name", "period", "area", "characteristic", "group", "comparator", "comparator_group",
    "polarity", "kind", "unit", "population", "domain",
    "value", "lower", "upper", "n",
    "comparator_value", "comparator_lower", "comparator_upper",
    "gap", "gap_lower", "gap_upper", "relative_gap", "relative_gap_lower", "relative_gap_upper",
    "significant", "method", "note", "suppressed",
]
# the columns of estimate()'s output that the gaps use
_USED = [*GROUP_KEYS, "name", "polarity", "kind", "unit", "population", "domain", "multiplier", "ci_level", "n",
         "est", "est_lower", "est_upper", "se_est", "weight", "n_df", "has_counts", "count_num", "count_den",
         "scale", "ci_note", "suppressed"]


def prepare(
    obs: pd.DataFrame,
    *,
    indicators: IndicatorsLike = None,
    require_all: bool = False,
    suppress_small: bool = True,
    min_numerator: int = 5,
    min_denominator: int = 10,
) -> pd.DataFrame:
    """Validate, attach metadata and apply small-number suppression.

    The common first step of :func:`gaps`, :func:`evidence.progress.progress`
    and :func:`evidence.screen.screen`.
    """
    with codes_reused():  # validation and suppression code the same key columns
        clean = infer_kind(validate(obs, indicators=indicators, require_all=require_all, require_polarity=True))
        for c in ("numerator", "denominator", "n", "se", "lower", "upper"):
            if c not in clean:
                clean[c] = np.nan
        if suppress_small:
            clean = suppress(clean, min_numerator=min_numerator, min_denominator=min_denominator)
        elif "reason" not in clean:
            clean["reason"] = None
    # figures derived later (the rest of the population) obey the same thresholds
    clean.attrs["suppression"] = (suppress_small, min_numerator, min_denominator)
    return clean


def gaps(
    obs: pd.DataFrame,
    comparator: str = "overall",
    reference: Mapping[str, str] | str | None = None,
    level: float = 0.95,
    *,
    indicators: IndicatorsLike = None,
    suppress_small: bool = True,
    min_numerator: int = 5,
    min_denominator: int = 10,
) -> pd.DataFrame:
    """Gap between each group and its comparator, with confidence intervals.

    Parameters
    ----------
    obs : DataFrame
        Observations (see :mod:`evidence.observations`).
    comparator : {"overall", "rest", "reference", "best"}
        What each group is compared with.
    reference : dict or str, optional
        For ``comparator="reference"``: the reference group per characteristic,
        e.g. ``{"ethnicity": "White British"}``; a string applies to every
        characteristic that has that group.
    level : float
        Confidence level (0.95 default).
    indicators : metadata, optional
        Indicator metadata (polarity, kind, unit...), joined on ``indicator``.
    suppress_small, min_numerator, min_denominator
        Small-number suppression (see :func:`evidence.suppression.suppress`).

    Returns
    -------
    DataFrame
        One row per indicator × period × area × characteristic × group with the
        group's value and interval, the comparator's, the oriented absolute gap
        and relative gap with intervals, ``significant`` (nullable boolean: NA
        where no interval could be made), ``method`` and ``note``.

    Examples
    --------
    >>> obs = pd.DataFrame({"indicator": "employment_rate", "period": "2024",
    ...     "characteristic": ["All", "disability", "disability"], "group": ["All", "Disabled", "Not disabled"],
    ...     "value": [78.0, 60.0, 82.5], "numerator": [7800, 1200, 6600], "denominator": [10000, 2000, 8000],
    ...     "polarity": "higher_is_better", "kind": "proportion", "unit": "%"})
    >>> g = gaps(obs)
    >>> round(float(g.loc[g.group == "Disabled", "gap"].iloc[0]), 1)
    18.0
    """
    if comparator not in COMPARATORS:
        raise ValueError(f"comparator must be one of {COMPARATORS}, got {comparator!r}")
    if comparator == "reference" and not reference:
        raise ValueError("comparator='reference' needs reference=, e.g. {'ethnicity': 'White British'}")
    with codes_reused():  # the key columns prepare codes are coded again by block
        clean = prepare(
            obs, indicators=indicators, require_all=comparator in ("overall", "rest"),
            suppress_small=suppress_small, min_numerator=min_numerator, min_denominator=min_denominator,
        )
        return gaps_prepared(clean, comparator, reference, level)


def gaps_prepared(
    clean: pd.DataFrame, comparator: str, reference: Mapping[str, str] | str | None, level: float,
    best: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """:func:`gaps` on observations already through :func:`prepare`.

    ``best`` (columns ``indicator, area, characteristic, comparator_group``) fixes
    the ``best`` comparator group per block, so that :func:`evidence.progress.progress`
    compares both periods with the group that was best-off at baseline.
    """
    est = estimate(clean, level, infer=False, coded=True)  # prepare has inferred each blank kind
    # only the columns the gaps use: every boolean selection below copies each column it carries
    est = est[[k for k in _USED if k in est]]
    is_all = (est["group"] == ALL).to_numpy()
    g = take_rows(est, np.flatnonzero(~is_all))
    texts = Texts()  # the method and note of each row, as codes
    if comparator in ("overall", "rest"):
        c = _whole_population(est, is_all)
        del est  # g and c hold all the comparison needs: free the rest before its heaviest part (peak memory)
        if comparator == "overall":
            res = _overall(g, c, level, texts)
            cgroup = constant_text(ALL, g.index)
        else:
            rest = _rest_rows(g, c, level)
            res = _pair(g, rest, level, texts)
            cgroup = "everyone except " + g["group"].astype(str)
            c = _suppress_derived(rest, res, clean.attrs.get("suppression", (True, 5, 10)), texts)
    else:
        c, cgroup = _named_comparator(g, est, comparator, reference, best)
        res = _pair(g, c, level, texts)
        # the comparator group against itself: a gap of exactly zero
        # (only where it has a value: a suppressed comparator group is blank like every other suppressed group)
        same = (cgroup == g["group"]).to_numpy() & np.isfinite(g["est"].to_numpy(dtype=float))
        for k in ("diff", "diff_lo", "diff_hi"):
            res[k] = np.where(same, 0.0, res[k])
        for k in ("ratio", "ratio_lo", "ratio_hi"):
            res[k] = np.where(same, 1.0, res[k])
        res["method"] = np.where(same, texts["comparator group itself"], res["method"])
        res["note"] = np.where(same, texts[f"this is the {comparator} group"], res["note"])
    return _assemble(g, c, cgroup, res, comparator, texts)


def _whole_population(est: pd.DataFrame, is_all: np.ndarray) -> pd.DataFrame:
    """For each group row (in order), its block's whole-population figures: the first All row of the block.

    Found by integer block codes rather than a merge on three text columns. A
    group whose block has no All row gets blanks.
    """
    block = combined_codes([factorize_text(est[k])[0] for k in ("indicator", "period", "area")])
    all_pos = np.flatnonzero(is_all)
    first_all = np.full(int(block.max(initial=-1)) + 1, -1, dtype=np.intp)
    blocks, first = np.unique(block[all_pos], return_index=True)
    first_all[blocks] = all_pos[first]
    pos = first_all[block[~is_all]]
    missing = pos < 0
    cols = ["est", "est_lower", "est_upper", "se_est", "weight", "n", "n_df", "has_counts", "count_num", "count_den"]
    c = est[cols].take(np.where(missing, 0, pos)).reset_index(drop=True)
    c["ci_note"] = est["ci_note"].array.take(pos, allow_fill=True)  # a blank note where there is no All row
    if missing.any():
        c.loc[missing, [k for k in cols if k != "has_counts"]] = np.nan
        c["has_counts"] = c["has_counts"].to_numpy(dtype=bool) & ~missing
    return c


def _named_comparator(
    g: pd.DataFrame, est: pd.DataFrame, comparator: str, reference: Mapping[str, str] | str | None,
    best: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    block = ["indicator", "period", "area", "characteristic"]
    groups = est[est["group"] != ALL]
    if comparator == "best" and best is not None:  # the group chosen at baseline, kept at both ends
        fixed = best.drop_duplicates(["indicator", "area", "characteristic"])
        cgroup = g[["indicator", "area", "characteristic"]].merge(
            fixed, on=["indicator", "area", "characteristic"], how="left")["comparator_group"]
        cgroup = cgroup.where(cgroup != "(none)")
    elif comparator == "reference" or (comparator == "best" and reference):  # a named (fixed) best group
        if isinstance(reference, str):
            ref = groups.loc[groups["group"] == reference, "characteristic"].unique()
            reference = {ch: reference for ch in ref}
        cgroup = g["characteristic"].map(dict(reference or {}))
    else:  # best: the best-off published group in each block (chosen from the data: optimistic intervals)
        usable = groups[np.isfinite(groups["est"])]
        signed = np.where(usable["polarity"] == "lower_is_better", -usable["est"], usable["est"])
        best_idx = pd.Series(signed, index=usable.index).groupby([usable[k] for k in block], sort=False).idxmax()
        best = usable.loc[best_idx.to_numpy(), block + ["group"]].rename(columns={"group": "_best"})
        cgroup = g[block].merge(best, on=block, how="left")["_best"]
    lookup = groups.set_index(block + ["group"])
    idx = pd.MultiIndex.from_frame(g[block].assign(group=cgroup.to_numpy()))
    c = lookup.reindex(idx).reset_index()
    return c, cgroup.fillna("(none)")


_REST_UNKNOWN = ("the rest of the population cannot be worked out: it needs counts, or sizes and standard errors, "
                 "for the group and All")


def _rest_rows(g: pd.DataFrame, a: pd.DataFrame, level: float) -> pd.DataFrame:
    """Everyone except the group: counts by subtraction, or values by weights."""
    rest = pd.DataFrame(index=g.index)
    for k in ("indicator", "period", "area", "characteristic", "polarity", "unit", "multiplier", "ci_level"):
        rest[k] = g[k].array  # as stored: no round trip of text through Python objects
    rest["kind"] = g["kind"].array
    counts = (g["has_counts"] & a["has_counts"].fillna(False).astype(bool)).to_numpy()
    num = a["count_num"].to_numpy(dtype=float) - g["count_num"].to_numpy(dtype=float)
    den = a["count_den"].to_numpy(dtype=float) - g["count_den"].to_numpy(dtype=float)
    ok = counts & (den > 0) & (num >= 0)
    rest["numerator"] = np.where(ok, num, np.nan)
    rest["denominator"] = np.where(ok, den, np.nan)
    rest["multiplier"] = np.where(ok, g["scale"].to_numpy(), rest["multiplier"].to_numpy(dtype=float))
    w = g["weight"].to_numpy() / a["weight"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        val = (a["est"].to_numpy() - w * g["est"].to_numpy()) / (1 - w)
        var = (a["se_est"].to_numpy() ** 2 - w**2 * g["se_est"].to_numpy() ** 2) / (1 - w) ** 2
    by_weight = ~ok & np.isfinite(val) & (w > 0) & (w < 1)
    rest["value"] = np.where(ok, np.nan, np.where(by_weight, val, np.nan))
    rest["se"] = np.where(by_weight & (var > 0), np.sqrt(np.where(var > 0, var, 0)), np.nan)
    rest["n"] = np.where(by_weight, a["weight"].to_numpy() - g["weight"].to_numpy(), np.nan)
    rest["suppressed"] = False
    out = estimate(rest, level, infer=False, coded=True)  # the rest has its group's kind
    out["ci_note"] = out["ci_note"].cat.add_categories([_REST_UNKNOWN]).mask(~ok & ~by_weight, _REST_UNKNOWN)
    return out


def _suppress_derived(
    rest: pd.DataFrame, res: dict[str, np.ndarray], rule: tuple[bool, int, int], texts: Texts,
) -> pd.DataFrame:
    """A comparator worked out by subtraction ("everyone except X") obeys the same small-number rule.

    Blanks the comparator's figures and the gap (in place in ``res``) where
    its count (or the count its value and size imply) or its size is too small.
    """
    on, min_numerator, min_denominator = rule
    if not on:
        return rest
    count, size = implied_count(rest), row_size(rest)
    tiny = np.zeros(len(rest), dtype=bool)
    if count is not None:
        tiny |= (count < min_numerator).to_numpy()
    if size is not None:
        tiny |= (size < min_denominator).to_numpy()
    if not tiny.any():
        return rest
    rest = rest.copy()
    rest.loc[tiny, ["est", "est_lower", "est_upper", "se_est"]] = np.nan
    for k in ("diff", "diff_lo", "diff_hi", "ratio", "ratio_lo", "ratio_hi"):
        res[k] = np.where(tiny, np.nan, res[k])
    res["note"] = np.where(tiny, texts["suppressed: everyone else in this comparison is too few people to publish"],
                           res["note"])
    return rest


def _pair(g: pd.DataFrame, c: pd.DataFrame, level: float, texts: Texts) -> dict[str, np.ndarray]:
    """Difference ``g - c`` and ratio ``g / c`` for independent groups (``method`` and ``note`` as codes into ``texts``)."""
    n = len(g)
    gv, cv = g["est"].to_numpy(dtype=float), c["est"].to_numpy(dtype=float)
    diff = gv - cv
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = gv / cv
    lo, hi = np.full(n, np.nan), np.full(n, np.nan)
    rlo, rhi = np.full(n, np.nan), np.full(n, np.nan)
    method = np.full(n, texts[""], dtype=np.intp)
    both_counts = (g["has_counts"].to_numpy(bool) & c["has_counts"].fillna(False).to_numpy(bool)
                   & np.isfinite(c["count_den"].to_numpy(dtype=float)))
    prop = both_counts & isin(g["kind"], "proportion")  # by codes, not a million Python strings
    if prop.any():
        x1, n1, x2, n2 = (f[k].to_numpy(dtype=float)[prop] for f in (g, c) for k in ("count_num", "count_den"))
        s = g["scale"].to_numpy(dtype=float)[prop]
        # Newcombe's hybrid score interval (method 10) combines the two Wilson intervals, which estimate() has
        # already worked out for each row with counts: MOVER on them is the same formula without recomputing them
        _, dl, dh = mover_diff_ci(*_wilson(c, prop, x2, n2), *_wilson(g, prop, x1, n1))
        lo[prop], hi[prop] = dl * s, dh * s
        rlo[prop], rhi[prop] = katz_ratio_ci(x1, n1, x2, n2, level=level)
        method[prop] = texts["Newcombe hybrid score (difference); Katz log (ratio)"]
    means = ~prop & isin(g["kind"], "mean") & (g["n_df"].to_numpy(dtype=float) > 1) & (c["n_df"].to_numpy(dtype=float) > 1) \
        & np.isfinite(g["se_est"].to_numpy(dtype=float)) & np.isfinite(c["se_est"].to_numpy(dtype=float))
    if means.any():
        lo[means], hi[means] = welch_diff_ci(gv[means], g["se_est"][means], g["n_df"][means],
                                             cv[means], c["se_est"][means], c["n_df"][means], level)
        method[means] = texts["Welch (difference); delta method on the log scale (ratio)"]
    other = ~prop & ~means & np.isfinite(g["est_lower"].to_numpy(dtype=float)) & np.isfinite(c["est_lower"].to_numpy(dtype=float))
    if other.any():
        _, dl, dh = mover_diff_ci(cv[other], c["est_lower"][other], c["est_upper"][other],
                                  gv[other], g["est_lower"][other], g["est_upper"][other])
        lo[other], hi[other] = dl, dh
        method[other] = texts["MOVER from each interval (difference); delta method on the log scale (ratio)"]
    need_ratio = (means | other) & (gv > 0) & (cv > 0)
    if need_ratio.any():
        z = z_value(level)
        with np.errstate(divide="ignore", invalid="ignore"):  # a value of 0 has no log: need_ratio leaves it out
            se_log = np.sqrt((g["se_est"].to_numpy(dtype=float) / gv) ** 2
                             + (c["se_est"].to_numpy(dtype=float) / cv) ** 2)
            rlo = np.where(need_ratio, ratio * np.exp(-z * se_log), rlo)
            rhi = np.where(need_ratio, ratio * np.exp(z * se_log), rhi)
    note = _notes(g, c, lo, texts)
    return {"diff": diff, "diff_lo": lo, "diff_hi": hi, "ratio": ratio, "ratio_lo": rlo, "ratio_hi": rhi,
            "method": method, "note": note}


def _wilson(f: pd.DataFrame, rows: np.ndarray, x: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, ...]:
    """A proportion and its Wilson interval (as fractions) from the rows of ``estimate()``'s output with counts."""
    s = f["scale"].to_numpy(dtype=float)[rows] if "scale" in f else 1.0
    return x / n, f["est_lower"].to_numpy(dtype=float)[rows] / s, f["est_upper"].to_numpy(dtype=float)[rows] / s


def _overall(g: pd.DataFrame, a: pd.DataFrame, level: float, texts: Texts) -> dict[str, np.ndarray]:
    """Group against the whole population it belongs to (overlap-aware)."""
    n = len(g)
    gv, av = g["est"].to_numpy(dtype=float), a["est"].to_numpy(dtype=float)
    diff = gv - av
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = gv / av
        w = g["weight"].to_numpy(dtype=float) / a["weight"].to_numpy(dtype=float)
    lo, hi = np.full(n, np.nan), np.full(n, np.nan)
    rlo, rhi = np.full(n, np.nan), np.full(n, np.nan)
    method = np.full(n, texts[""], dtype=np.intp)

    # exact: via the rest of the population, then scale by (1 - w)
    rest = _rest_rows(g, a, level)
    counts = np.isfinite(rest["denominator"].to_numpy(dtype=float)) & (w > 0) & (w < 1)
    if counts.any():
        pr = _pair(g, rest, level, texts)  # row by row, so on every row rather than copying the rows with counts out
        k = 1 - w[counts]
        lo[counts], hi[counts] = k * pr["diff_lo"][counts], k * pr["diff_hi"][counts]
        wc = w[counts]
        with np.errstate(divide="ignore", invalid="ignore"):
            rlo[counts] = 1 / (wc + (1 - wc) / pr["ratio_lo"][counts])
            rhi[counts] = 1 / (wc + (1 - wc) / pr["ratio_hi"][counts])
        pair_method = np.array([texts[f"vs rest of population, {t}, scaled by (1 - group share)"]
                                for t in list(texts.labels)])  # each method the pair can give, worded once
        method[counts] = pair_method[pr["method"][counts]]

    # standard errors: covariance from the group's share when sizes are known; otherwise (or when the published
    # errors are inconsistent with the sizes) treat group and All as independent, which can only widen the interval
    # since Cov(g, all) = w·Var(g) >= 0. Estimating w from the ratio of variances is anti-conservative (issue 8).
    vg, va = g["se_est"].to_numpy(dtype=float) ** 2, a["se_est"].to_numpy(dtype=float) ** 2
    ses = ~counts & np.isfinite(vg) & np.isfinite(va) & np.isfinite(diff)
    known_w = ses & np.isfinite(w) & (w > 0) & (w < 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        var_w = vg * (1 - 2 * w) + va
        vrest = (va - w**2 * vg) / (1 - w) ** 2  # the rest of the population's variance
    known_w &= np.isfinite(var_w) & (var_w > 0) & (vrest > 0)
    indep = ses & ~known_w
    w_used = np.where(known_w, w, 0.0)
    var = np.where(known_w, var_w, vg + va)
    ok = ses & (var > 0)
    # Student's t for means with sizes: Welch-Satterthwaite degrees of freedom, group against the rest
    ng, na = g["n_df"].to_numpy(dtype=float), a["n_df"].to_numpy(dtype=float)  # Kish n_eff for survey means
    is_mean = isin(g["kind"], "mean") & (ng > 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.where(known_w, welch_df(np.sqrt(vg), ng, np.sqrt(np.where(vrest > 0, vrest, np.nan)), na - ng),
                      welch_df(np.sqrt(vg), ng, np.sqrt(va), na))
    use_t = ok & is_mean & np.isfinite(df) & (df > 0)
    q = np.full(n, z_value(level))
    if use_t.any():
        q[use_t] = stats.t.ppf(0.5 + level / 2, df[use_t])
    sd = np.sqrt(np.where(ok, var, np.nan))
    lo[ok], hi[ok] = diff[ok] - q[ok] * sd[ok], diff[ok] + q[ok] * sd[ok]
    with np.errstate(divide="ignore", invalid="ignore"):
        vlog = vg / gv**2 + va / av**2 - 2 * w_used * vg / (gv * av)
    okr = ok & (gv > 0) & (av > 0) & (vlog > 0)
    rlo[okr] = ratio[okr] * np.exp(-q[okr] * np.sqrt(vlog[okr]))
    rhi[okr] = ratio[okr] * np.exp(q[okr] * np.sqrt(vlog[okr]))
    # the method and note are one of a few fixed texts: chosen per row, never built per row
    for dist, rows in (("Student's t (Welch df)", use_t), ("normal", ~use_t)):
        method[ok & known_w & rows] = texts[dist + ", allowing for the group being part of the whole (share from sizes)"]
        method[ok & indep & rows] = texts[dist + ", group and whole population treated as independent (conservative)"]
    note = _notes(g, a, lo, texts)
    no_size = ~(np.isfinite(w) & (w > 0) & (w < 1))
    indep_note = np.where(no_size, texts["compared with the whole population as if independent, because no group and "
                          "whole-population sizes (n) were given: the interval is wider than an exact one, never narrower"],
                          texts["compared with the whole population as if independent, because the published standard "
                          "errors do not fit the group's share of the population: the interval is wider than an exact "
                          "one, never narrower"])
    note = np.where(ok & indep & (note < 0), indep_note, note)
    return {"diff": diff, "diff_lo": lo, "diff_hi": hi, "ratio": ratio, "ratio_lo": rlo, "ratio_hi": rhi,
            "method": method, "note": note}


def _notes(g: pd.DataFrame, c: pd.DataFrame, lo: np.ndarray, texts: Texts) -> np.ndarray:
    """Why a row has no gap interval, the group's own reason first, then the comparator's: codes into ``texts``."""
    gcodes, glabels = factorize_text(g["ci_note"])
    nolo = ~np.isfinite(lo)
    code = np.full(len(g), -1, dtype=np.intp)
    if "ci_note" in c:
        ccodes, clabels = factorize_text(c["ci_note"])
        cnote = np.array([texts[f"comparator: {t}"] for t in clabels] + [-1], dtype=np.intp)
        code = np.where(nolo, cnote[ccodes], code)  # code -1 picks the last entry: no note
    code = np.where(nolo & ~np.isfinite(c["est"].to_numpy(dtype=float)), texts["no comparator value"], code)
    gnote = np.array([texts[t] for t in glabels] + [-1], dtype=np.intp)
    return np.where(nolo & (gcodes >= 0), gnote[gcodes], code)


def _assemble(
    g: pd.DataFrame, c: pd.DataFrame, cgroup: pd.Series, res: dict[str, np.ndarray], comparator: str, texts: Texts,
) -> pd.DataFrame:
    higher = (g["polarity"] == "higher_is_better").to_numpy()
    d, dl, dh = res["diff"], res["diff_lo"], res["diff_hi"]
    r, rl, rh = res["ratio"], res["ratio_lo"], res["ratio_hi"]
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where(higher, -d, d) + 0.0  # + 0.0 turns -0.0 into 0.0
        gap_lo = np.where(higher, -dh, dl) + 0.0
        gap_hi = np.where(higher, -dl, dh) + 0.0
        rel = np.where(higher, 1 / r, r)
        rel_lo = np.where(higher, 1 / rh, rl)
        rel_hi = np.where(higher, 1 / rl, rh)
    has_ci = np.isfinite(gap_lo) & np.isfinite(gap_hi)
    sig = pd.array(np.where(has_ci, (gap_lo > 0) | (gap_hi < 0), False), dtype="boolean")
    sig[~has_ci] = pd.NA
    out = pd.DataFrame({
        "indicator": g["indicator"], "name": g["name"], "period": g["period"], "area": g["area"],
        "characteristic": g["characteristic"], "group": g["group"],
        "comparator": constant_text(comparator, g.index),
        "comparator_group": pd.Series(cgroup.array, index=g.index),
        "polarity": g["polarity"], "kind": g["kind"], "unit": g["unit"], "population": g["population"],
        "domain": g["domain"],
        "value": g["est"], "lower": g["est_lower"], "upper": g["est_upper"], "n": g["weight"],
        "comparator_value": c["est"].to_numpy(dtype=float), "comparator_lower": c["est_lower"].to_numpy(dtype=float),
        "comparator_upper": c["est_upper"].to_numpy(dtype=float),
        "gap": gap, "gap_lower": gap_lo, "gap_upper": gap_hi,
        "relative_gap": rel, "relative_gap_lower": rel_lo, "relative_gap_upper": rel_hi,
        "significant": sig, "method": texts.column(np.where(has_ci, res["method"], texts["none"]), g.index),
        "note": texts.column(res["note"], g.index),
        "suppressed": g["suppressed"].to_numpy(bool),
    }, copy=False)  # the columns of g and the arrays made here are this table's own: no second copy of them
    for col in ("gap", "gap_lower", "gap_upper", "relative_gap", "relative_gap_lower", "relative_gap_upper"):
        out[col] = out[col].astype(float)
    return out[OUTPUT_COLUMNS].reset_index(drop=True)
