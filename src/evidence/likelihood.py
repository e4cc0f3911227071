"""Relative likelihoods through a pipeline, in the style of the NHS WRES and WDES.

For each step from one stage to the next (applied → shortlisted → appointed;
in post → left; in post → voluntary redundancy), each group's likelihood is
the number reaching the next stage over the number at the stage before, and
its relative likelihood is that over the reference group's:
``RL = (a / n1) / (c / n2)``.

Source: NHS England, Workforce Race Equality Standard technical guidance
(indicator 2: "relative likelihood of White applicants being appointed from
shortlisting compared to BME applicants"; indicator 3: "relative likelihood of
BME staff entering the formal disciplinary process compared to White staff"),
and the Workforce Disability Equality Standard (metrics 2 and 3). The WRES
prints some indicators as reference ÷ group (``direction="reference"``).

Added to the standard, and labelled as such: a 95% interval on the log scale
(Katz et al. 1978, ``SE = sqrt(1/a - 1/n1 + 1/c - 1/n2)``; 0.5-adjusted where a
count is zero), and the WRES "four-fifths" band (0.80 to 1.25 is
"non-adverse", NHS England 2019, *A fair experience for all*). People whose
characteristic is not known are left out of both sides and counted in
``excluded``. For WRES indicator 3's two-year rolling average pass both years'
records: counts are pooled (the sum of numerators over the sum of denominators).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import EvidenceError, Problem
from .estimates import katz_ratio_ci
from .representation import is_not_known

FOUR_FIFTHS = (0.8, 1.25)
METHOD = "relative likelihood as in NHS WRES/WDES; Katz log interval (an addition to the standard)"
_REFERENCES = ("White British", "White", "Male", "Not disabled", "Non-disabled", "No")
COLUMNS = ["from_stage", "to_stage", "characteristic", "group", "reference", "at_risk", "outcome", "likelihood",
           "reference_likelihood", "relative_likelihood", "lower", "upper", "wres_ratio", "within_four_fifths",
           "flag", "share_at_risk", "share_of_outcome", "excluded", "suppressed", "method", "note"]


def relative_likelihood(
    records: pd.DataFrame,
    stages: Sequence[str],
    by: str,
    reference: str | None = None,
    level: float = 0.95,
    *,
    adverse: str | Mapping[str, str] = "low",
    direction: str = "group",
    groups: Mapping[str, str] | None = None,
    min_count: int = 5,
    min_at_risk: int = 10,
) -> pd.DataFrame:
    """Likelihood of moving from each stage to the next, for each group against a reference group.

    Parameters
    ----------
    records : DataFrame
        One row per person with a True/False column per stage, or one row per
        group (or several, summed) with a count column per stage.
    stages : list of str
        Stage columns in order, e.g. ``["applied", "shortlisted", "appointed"]``
        or ``["in_post", "voluntary_redundancy"]``.
    by : str
        The characteristic column; True/False columns (``single_parent``) become
        "Yes"/"No".
    reference : str, optional
        Reference group; default White British, White, Male, Not disabled or No,
        whichever is present.
    level : float
        Confidence level of the interval.
    adverse : {"low", "high"} or mapping
        Whether being *less* likely (appointment, promotion) or *more* likely
        (disciplinary, leaving, redundancy) to reach the next stage is adverse;
        a mapping by ``to_stage`` name sets it per step.
    direction : {"group", "reference"}
        ``wres_ratio`` as group ÷ reference (WRES 3, WDES 3) or reference ÷ group
        (WRES 2 and 4, WDES 2).
    groups : mapping, optional
        Relabels groups first, e.g. detailed ethnic groups to "White" and "BME".
    min_count, min_at_risk : int
        A group with 1 to ``min_count - 1`` people reaching the next stage, or
        fewer than ``min_at_risk`` at the stage before, shows no figures.

    Returns
    -------
    DataFrame
        One row per step × group: ``at_risk``, ``outcome``, ``likelihood``, the
        reference group's, ``relative_likelihood`` (group ÷ reference) with
        ``lower``/``upper``, ``wres_ratio`` (in ``direction``),
        ``within_four_fifths``, ``flag`` (``adverse``, ``favourable`` or
        ``no_clear_difference``, from the interval), ``share_at_risk`` and
        ``share_of_outcome`` (% of people with the characteristic known, to show
        over-representation among leavers), ``excluded`` (not known),
        ``suppressed``, ``method``, ``note``.

    Examples
    --------
    >>> wres2 = pd.DataFrame({"ethnicity": ["White", "BME"], "shortlisted": [200, 100], "appointed": [50, 15]})
    >>> r = relative_likelihood(wres2, ["shortlisted", "appointed"], "ethnicity", direction="reference")
    >>> round(float(r.loc[r["group"] == "BME", "wres_ratio"].iloc[0]), 4)
    1.6667
    """
    if direction not in ("group", "reference"):
        raise EvidenceError([Problem("direction must be 'group' or 'reference'", value=str(direction))])
    if len(stages) < 2:
        raise EvidenceError([Problem("give at least two stages, e.g. ['shortlisted', 'appointed']")])
    missing = [c for c in [by, *stages] if c not in records.columns]
    if missing:
        raise EvidenceError([Problem(f"no column '{c}' in the records (columns: {', '.join(map(str, records.columns))})",
                                     column=c) for c in missing])
    label = records[by]
    if label.dtype == bool or set(label.dropna().unique()) <= {True, False}:
        label = label.map({True: "Yes", False: "No"})
    nk = is_not_known(label)
    label = label.astype(object).where(~nk, "Not known").astype(str)
    if groups:
        label = label.map(lambda g: groups.get(g, g))
    counts = _stage_counts(records, stages, label)
    known = [g for g in counts.index if g != "Not known"]
    ref = reference or next((r for r in _REFERENCES if r in known), None)
    if ref is None or ref not in known:
        raise EvidenceError([Problem(f"no reference group for '{by}': pass reference= (groups: {', '.join(known)})",
                                     column=by, value=reference)])
    parts = []
    for a, b in zip(stages[:-1], stages[1:], strict=True):
        adv = adverse.get(b, "low") if isinstance(adverse, Mapping) else adverse
        if adv not in ("low", "high"):
            raise EvidenceError([Problem("adverse must be 'low' or 'high'", value=str(adv))])
        parts.append(_step(counts, a, b, ref, known, level, adv, direction, min_count, min_at_risk, by))
    return pd.concat(parts, ignore_index=True)[COLUMNS]


def _stage_counts(records: pd.DataFrame, stages: Sequence[str], label: pd.Series) -> pd.DataFrame:
    """People at each stage by group; with person records, reaching a stage needs every earlier one."""
    cols = records[list(stages)]
    if all(cols[c].dtype == bool or set(cols[c].dropna().unique()) <= {True, False} for c in stages) \
            and len(records) > 0 and not _looks_like_counts(cols):
        reached = cols.fillna(False).astype(bool).cumprod(axis=1).astype(int)
    else:
        reached = cols.apply(pd.to_numeric, errors="coerce")
        if reached.isna().any().any():
            bad = reached.columns[reached.isna().any()][0]
            raise EvidenceError([Problem("stage counts must be numbers, or True/False for each person", column=bad)])
    return reached.groupby(label.to_numpy()).sum()


def _looks_like_counts(cols: pd.DataFrame) -> bool:
    return bool((cols.select_dtypes("number") > 1).any().any())


def _step(counts, a, b, ref, known, level, adv, direction, min_count, min_at_risk, by) -> pd.DataFrame:
    n = counts.loc[known, a].astype(float)
    x = counts.loc[known, b].astype(float)
    if (x > n).any():
        g = x.index[(x > n).to_numpy()][0]
        raise EvidenceError([Problem(f"more people reached '{b}' than '{a}' for group {g}", column=b)])
    with np.errstate(divide="ignore", invalid="ignore"):
        like = x / n
        ref_like = like[ref]
        rl = like / ref_like
        lo, hi = katz_ratio_ci(x.to_numpy(), n.to_numpy(), x[ref], n[ref], level)
    wres = rl if direction == "group" else 1 / rl
    sig_more, sig_less = lo > 1, hi < 1
    flag = np.where(sig_more, "adverse" if adv == "high" else "favourable",
                    np.where(sig_less, "favourable" if adv == "high" else "adverse", "no_clear_difference"))
    out = pd.DataFrame({
        "from_stage": a, "to_stage": b, "characteristic": by, "group": known, "reference": ref,
        "at_risk": n.to_numpy(), "outcome": x.to_numpy(), "likelihood": like.to_numpy(),
        "reference_likelihood": ref_like, "relative_likelihood": rl.to_numpy(), "lower": lo, "upper": hi,
        "wres_ratio": wres.to_numpy(), "within_four_fifths": pd.Series(
            (wres >= FOUR_FIFTHS[0]).to_numpy() & (wres <= FOUR_FIFTHS[1]).to_numpy(), dtype=object).to_numpy(),
        "flag": flag.astype(object),
        "share_at_risk": 100 * n.to_numpy() / n.sum(), "share_of_outcome": 100 * x.to_numpy() / x.sum()
        if x.sum() else np.nan,
        "excluded": float(counts.loc["Not known", a]) if "Not known" in counts.index else 0.0,
        "suppressed": False, "method": METHOD, "note": None,
    })
    is_ref = out["group"] == ref
    out.loc[is_ref, ["lower", "upper"]] = np.nan
    out.loc[is_ref, "flag"] = "reference"
    zero = (out["outcome"] == 0) | (x[ref] == 0)
    out.loc[zero & ~is_ref, "note"] = "a count is zero: interval 0.5-adjusted"
    if x[ref] == 0:
        out.loc[~is_ref, ["relative_likelihood", "wres_ratio", "lower", "upper"]] = np.nan
        out.loc[~is_ref, "flag"] = None
        out.loc[~is_ref, "note"] = "nobody in the reference group reached this stage: no relative likelihood"
    small = ((out["outcome"] > 0) & (out["outcome"] < min_count)) | (out["at_risk"] < min_at_risk)
    figures = ["at_risk", "outcome", "likelihood", "relative_likelihood", "lower", "upper", "wres_ratio",
               "share_at_risk", "share_of_outcome"]
    out.loc[small, figures] = np.nan
    out.loc[small, ["flag", "within_four_fifths"]] = [None, None]
    out.loc[small, "suppressed"] = True
    out.loc[small, "note"] = "too few people to publish"
    if small[is_ref].any():  # every ratio would reveal the reference group's figures
        out[["reference_likelihood", "relative_likelihood", "lower", "upper", "wres_ratio"]] = np.nan
        out.loc[~small, "note"] = "the reference group is too small to publish, so no relative likelihood"
        out.loc[~small, "flag"] = None
    return out
