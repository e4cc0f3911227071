"""Progress from a baseline to now, with the levelling-down rule.

A gap counts as **narrowed** only when it shrank significantly, the whole
population's outcome did not get significantly worse **and** the comparator's
outcome did not get significantly worse (``strict=True``: neither got worse at
all). A gap that narrowed while either of them got worse is
``narrowed_levelling_down``: reported, with a reason naming who fell, never
counted as progress. A gap that went from significantly behind to
significantly ahead is ``reversed``, not "narrowed". See ``docs/methods.md``.

Changes between two periods treat the periods as independent samples; the
interval for a change comes from the two intervals by MOVER (Zou & Donner 2008),
which keeps the asymmetry of score intervals.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .estimates import estimate, mover_diff_ci
from .frames import combined_codes, sort_key, sorted_codes, text_from_codes
from .gaps import gaps_prepared, prepare
from .indicators import IndicatorsLike, load_indicators
from .observations import ALL, map_distinct
from .periods import crosses_break, normalise_period
from .sentences import per_distinct, progress_sentences

STATUSES = (
    "narrowed",
    "narrowed_levelling_down",
    "reversed",
    "widened",
    "no_significant_change",
    "no_gap",
    "insufficient_data",
    "not_comparable",
)
_JOIN = ["indicator", "area", "characteristic", "group"]


def progress(
    obs: pd.DataFrame,
    baseline: str,
    current: str,
    comparator: str = "overall",
    level: float = 0.95,
    *,
    reference: Mapping[str, str] | str | None = None,
    strict: bool = False,
    adjust: str | None = None,
    indicators: IndicatorsLike = None,
    suppress_small: bool = True,
    min_numerator: int = 5,
    min_denominator: int = 10,
) -> pd.DataFrame:
    """Gaps at baseline and now, the change, and a status per group.

    Parameters
    ----------
    obs : DataFrame
        Observations covering both periods.
    baseline, current : str
        The two periods compared (e.g. ``"2018"``, ``"2024"``).
    comparator : {"overall", "rest", "reference", "best"}
        See :func:`evidence.gaps.gaps`. ``best`` is the group best-off at
        baseline (or the group named in ``reference``), kept at both ends; it
        is chosen from the data, so its intervals are optimistic.
    level : float
        Confidence level for every interval and test.
    reference : dict or str, optional
        Reference groups for ``comparator="reference"``.
    strict : bool
        Levelling down when the whole population or the comparator got worse
        at all, not only significantly.
    adjust : {None, "holm", "bh"}
        Adjust the test of each change in a gap for the number of groups
        compared. The family is every row of this call (every indicator,
        area, characteristic and group passed in), so pass all the
        comparisons a report makes in one call, or use :func:`rejudge` with
        :func:`adjust_family` over your own family (as
        :meth:`evidence.Scheme.evaluate` does: every comparison in the
        scheme). Holm (1979) controls the family-wise error rate,
        Benjamini & Hochberg (1995) the false discovery rate (statsmodels'
        ``multipletests``). The p-value comes from the change's interval,
        ``z = change / se`` with ``se = (upper - lower) / (2·z₁₋α/₂)``.
    indicators : metadata, optional
        Indicator metadata; its ``breaks`` mark series breaks.

    Returns
    -------
    DataFrame
        One row per indicator × area × characteristic × group: values and gaps
        at both ends with intervals, ``gap_change`` with its interval, the
        group's own change (``group_change``), the whole population's
        (``all_change``) and the comparator's (``comparator_change``), each with
        ``_lower``/``_upper``, the booleans ``all_worse`` and
        ``comparator_worse``, ``status`` (see :data:`STATUSES`), ``reason`` and
        a plain-English ``summary``.

    Examples
    --------
    >>> import evidence as ev
    >>> p = progress(ev.demo.observations(), "2018", "2024", indicators=ev.demo.indicators())
    >>> set(p["status"]) <= set(STATUSES)
    True
    """
    b, c = normalise_period(baseline), normalise_period(current)
    periods = pd.Series(map_distinct(obs["period"], lambda v: normalise_period(v) if v is not None else v),
                        index=obs.index)
    subset = obs[periods.isin([b, c])]
    needs_all = comparator in ("overall", "rest")
    clean = prepare(subset, indicators=indicators, require_all=needs_all, suppress_small=suppress_small,
                    min_numerator=min_numerator, min_denominator=min_denominator)
    if comparator == "best":  # the group best-off at baseline (or the one named), the same group at both ends
        g0 = gaps_prepared(clean[clean["period"] == b], comparator, reference, level)
        fixed = g0[["indicator", "area", "characteristic", "comparator_group"]]
        g1 = gaps_prepared(clean[clean["period"] == c], comparator, reference, level, best=fixed)
    else:  # each gap lies within one period: both ends in one pass
        g = gaps_prepared(clean, comparator, reference, level)
        g0, g1 = g[g["period"] == b], g[g["period"] == c]
    keep = ["value", "lower", "upper", "comparator_value", "comparator_lower", "comparator_upper",
            "gap", "gap_lower", "gap_upper", "relative_gap", "significant", "note", "suppressed", "comparator_group"]
    meta = ["name", "polarity", "kind", "unit", "population", "domain", "comparator"]
    m = _join_ends(g0, g1, meta, keep)
    m["comparator_group"] = m["comparator_group_current"].fillna(m["comparator_group_baseline"])
    m["baseline"], m["current"] = b, c
    for end in ("baseline", "current"):  # a group missing at one end is not suppressed there, just absent
        m[f"suppressed_{end}"] = m[f"suppressed_{end}"].astype("boolean").fillna(False).astype(bool)

    d, lo, hi = mover_diff_ci(m["gap_baseline"], m["gap_lower_baseline"], m["gap_upper_baseline"],
                              m["gap_current"], m["gap_lower_current"], m["gap_upper_current"])
    m["gap_change"], m["gap_change_lower"], m["gap_change_upper"] = d, lo, hi
    m["p_change"], m["p_change_adjusted"], m["change_significant"] = _change_tests(d, lo, hi, level, adjust)

    m = m.merge(_all_change(clean, b, c, level), on=["indicator", "area"], how="left")
    cd, clo, chi = mover_diff_ci(
        m["comparator_value_baseline"], m["comparator_lower_baseline"], m["comparator_upper_baseline"],
        m["comparator_value_current"], m["comparator_lower_current"], m["comparator_upper_current"])
    m["comparator_change"], m["comparator_change_lower"], m["comparator_change_upper"] = cd, clo, chi
    gd, glo, ghi = mover_diff_ci(m["value_baseline"], m["lower_baseline"], m["upper_baseline"],
                                 m["value_current"], m["lower_current"], m["upper_current"])
    m["group_change"], m["group_change_lower"], m["group_change_upper"] = gd, glo, ghi

    higher = (m["polarity"] == "higher_is_better").to_numpy()
    m["all_worse"] = _worse(m["all_change"], m["all_change_lower"], m["all_change_upper"], higher, strict)
    m["comparator_worse"] = _worse(cd, clo, chi, higher, strict)

    breaks = load_indicators(indicators).set_index("indicator")["breaks"].to_dict() if indicators is not None else {}
    m["series_break"] = per_distinct(lambda i: crosses_break(b, c, breaks.get(i, [])),
                                     m["indicator"].to_numpy(object)) if len(m) else []
    m["status"], m["reason"] = _status(m)
    m["summary"] = progress_sentences(m)
    order = _JOIN + ["name", "comparator", "comparator_group", "polarity", "kind", "unit", "population", "domain",
                     "baseline", "current",
                     "value_baseline", "lower_baseline", "upper_baseline", "value_current", "lower_current", "upper_current",
                     "comparator_value_baseline", "comparator_value_current",
                     "group_change", "group_change_lower", "group_change_upper",
                     "gap_baseline", "gap_lower_baseline", "gap_upper_baseline", "significant_baseline",
                     "gap_current", "gap_lower_current", "gap_upper_current", "significant_current",
                     "gap_change", "gap_change_lower", "gap_change_upper", "p_change", "p_change_adjusted",
                     "change_significant", "all_baseline", "all_current", "all_change", "all_change_lower", "all_change_upper", "all_worse",
                     "comparator_change", "comparator_change_lower", "comparator_change_upper", "comparator_worse",
                     "suppressed_baseline", "suppressed_current", "series_break", "status", "reason", "summary"]
    return m[order].reset_index(drop=True)  # _join_ends has put the rows in the order of _JOIN


def _join_ends(g0: pd.DataFrame, g1: pd.DataFrame, meta: list[str], keep: list[str]) -> pd.DataFrame:
    """Each group's baseline and current gaps side by side (an outer join on :data:`_JOIN`), sorted by :data:`_JOIN`.

    Joined on one integer key rather than on four text columns. The key is
    built from codes in each column's sort order, so it sorts as the four
    columns do and the sorted join is the table in its final order (sorting
    the finished table would move every sentence). The key and ``meta``
    columns come from the current end where it has the row, else from the
    baseline. ``keep`` columns get ``_baseline``/``_current``.
    """
    both = pd.concat([g0[_JOIN], g1[_JOIN]], ignore_index=True)
    key = sort_key([sorted_codes(both[k]) for k in _JOIN])
    ends = [g[_JOIN + meta + keep].assign(_key=k) for g, k in ((g0, key[:len(g0)]), (g1, key[len(g0):]))]
    m = ends[0].merge(ends[1], on="_key", how="outer", sort=True, suffixes=("_baseline", "_current"))
    shared = {col: m[f"{col}_current"].fillna(m[f"{col}_baseline"]) for col in _JOIN + meta}
    rest = m[[f"{col}_{end}" for col in keep for end in ("baseline", "current")]]
    return pd.concat([pd.DataFrame(shared), rest], axis=1)


def adjust_family(p_values: np.ndarray, method: str, level: float) -> np.ndarray:
    """Adjusted p-values over one explicit family (Holm 1979, or Benjamini & Hochberg 1995).

    Computed by statsmodels' ``multipletests``; missing p-values are left out of
    the family and stay missing.

    Examples
    --------
    >>> adjust_family(np.array([0.01, 0.04, np.nan]), "holm", 0.95).round(3).tolist()
    [0.02, 0.04, nan]
    """
    from statsmodels.stats.multitest import multipletests

    methods = {"holm": "holm", "bh": "fdr_bh"}
    if method not in methods:
        raise ValueError(f"adjust must be None, 'holm' or 'bh', not {method!r}")
    p = np.asarray(p_values, dtype=float)
    out = np.full(len(p), np.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = multipletests(p[ok], alpha=1 - level, method=methods[method])[1]
    return out


def rejudge(p: pd.DataFrame, adjusted: np.ndarray, level: float) -> pd.DataFrame:
    """Re-judge each change with p-values adjusted over a wider family, and redo status and sentence.

    :meth:`evidence.Scheme.evaluate` uses it so that the family is every
    comparison the report makes, whichever way the data were sliced.

    Examples
    --------
    >>> import evidence as ev
    >>> p = progress(ev.demo.observations(), "2018", "2024", indicators=ev.demo.indicators())
    >>> bool((rejudge(p, np.ones(len(p)), 0.95)["status"] == "narrowed").any())
    False
    """
    out = p.copy()
    adjusted = np.asarray(adjusted, dtype=float)
    out["p_change_adjusted"] = adjusted
    out["change_significant"] = np.where(np.isfinite(adjusted), adjusted < 1 - level, False)
    out["status"], out["reason"] = _status(out)
    out["summary"] = progress_sentences(out)
    return out


def _change_tests(d, lo, hi, level: float, adjust: str | None):
    """Two-sided p-value of each change, optionally adjusted, and whether it is significant."""
    from scipy import stats

    from .estimates import z_value

    d, lo, hi = (np.asarray(x, dtype=float) for x in (d, lo, hi))
    with np.errstate(divide="ignore", invalid="ignore"):
        se = (hi - lo) / (2 * z_value(level))
        p = 2 * stats.norm.sf(np.abs(d / se))
    p = np.where(se > 0, p, np.nan)
    adjusted = np.full(len(p), np.nan)
    if adjust is None:
        significant = (lo > 0) | (hi < 0)
    else:
        adjusted = adjust_family(p, adjust, level)
        significant = adjusted < 1 - level
    return p, adjusted, significant


def _all_change(clean: pd.DataFrame, b: str, c: str, level: float) -> pd.DataFrame:
    est = estimate(clean[clean["group"] == ALL], level)
    cols = ["indicator", "area", "est", "est_lower", "est_upper"]
    e0 = est.loc[est["period"] == b, cols]
    e1 = est.loc[est["period"] == c, cols]
    a = e0.merge(e1, on=["indicator", "area"], how="outer", suffixes=("_0", "_1"))
    d, lo, hi = mover_diff_ci(a["est_0"], a["est_lower_0"], a["est_upper_0"], a["est_1"], a["est_lower_1"], a["est_upper_1"])
    return pd.DataFrame({"indicator": a["indicator"], "area": a["area"], "all_baseline": a["est_0"],
                         "all_current": a["est_1"], "all_change": d, "all_change_lower": lo, "all_change_upper": hi})


def _worse(change: pd.Series, lo: pd.Series, hi: pd.Series, higher: np.ndarray, strict: bool) -> pd.array:
    """Did the outcome get worse? Significantly (default) or at all (strict)."""
    change, lo, hi = (np.asarray(x, dtype=float) for x in (change, lo, hi))
    if strict:
        worse = np.where(higher, change < 0, change > 0)
        known = np.isfinite(change)
    else:
        worse = np.where(higher, hi < 0, lo > 0)
        known = np.isfinite(lo) & np.isfinite(hi)
    out = pd.array(worse, dtype="boolean")
    out[~known] = pd.NA
    return out


def _status(m: pd.DataFrame) -> tuple[np.ndarray | pd.Series, np.ndarray | pd.Series]:
    """Status and reason of every row: :func:`_one_status`'s rules, applied once per distinct case.

    A row's status and reason depend only on a few facts about it (which
    figures are missing or suppressed, on which side of zero each limit lies,
    the direction and significance of the change, who got worse, and the
    texts quoted: periods, notes, the comparator group). Rows that share all
    of them share the answer, so the row-by-row rules run once per distinct
    combination, a few hundred times for a million rows, and cannot drift
    from the specification.
    """
    if not len(m):
        return np.empty(0), np.empty(0)  # an empty column stays float64, as an empty list makes it
    key = combined_codes(_status_facts(m))
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    statuses, reasons = _status_rowwise(m.iloc[first])
    return text_from_codes(inverse, statuses, m.index), text_from_codes(inverse, reasons, m.index)


def _status_facts(m: pd.DataFrame) -> list[np.ndarray]:
    """Integer codes of everything :func:`_one_status` (and the ``best`` caveat) reads from a row."""
    def codes(col: str) -> np.ndarray:  # the column's values themselves (missing: one code)
        return pd.factorize(m[col], use_na_sentinel=True)[0] if col in m else np.zeros(len(m), dtype=np.intp)

    def num(col: str) -> np.ndarray:
        return pd.to_numeric(m[col], errors="coerce").to_numpy(dtype=float)

    facts = [codes(k) for k in ("series_break", "baseline", "current", "note_baseline", "note_current",
                                "suppressed_baseline", "suppressed_current", "change_significant", "all_worse",
                                "comparator_worse", "comparator", "comparator_group")]
    with np.errstate(invalid="ignore"):
        for end in ("baseline", "current"):
            facts += [np.isfinite(num(f"gap_{k}{end}")) for k in ("", "lower_", "upper_")]
            facts += [num(f"gap_lower_{end}") > 0, num(f"gap_upper_{end}") < 0]
        change = num("gap_change")
        facts += [change > 0, change < 0]
    return [np.asarray(f, dtype=np.intp) for f in facts]


def _status_rowwise(m: pd.DataFrame) -> tuple[list[str], list[str | None]]:
    """The status rules one row at a time: the specification :func:`_status` is checked against in the tests."""
    statuses: list[str] = []
    reasons: list[str | None] = []
    for r in m.itertuples(index=False):
        status, reason = _one_status(r)
        if r.comparator == "best" and reason:
            reason += ("; the best-off group was chosen from these data, so intervals against it are optimistic "
                       "(a group named in advance, comparator='reference', avoids this)")
        statuses.append(status)
        reasons.append(reason)
    return statuses, reasons


def _missing(x: object) -> bool:
    return x is pd.NA or x is None or (isinstance(x, float) and np.isnan(x))


def _who_fell(r) -> str | None:  # noqa: ANN001 - a namedtuple row
    """'the whole population', 'the comparator (...)', 'both ...', or None when nobody got worse."""
    everyone = not _missing(r.all_worse) and bool(r.all_worse)
    comp = r.comparator != "overall" and not _missing(r.comparator_worse) and bool(r.comparator_worse)
    them = f"the comparator ({r.comparator_group})"
    if everyone and comp:
        return f"both the whole population and {them}"
    return "the whole population" if everyone else them if comp else None


def _one_status(r) -> tuple[str, str | None]:  # noqa: ANN001 - a namedtuple row
    fin = np.isfinite
    if isinstance(r.series_break, str):
        return "not_comparable", f"a series break in {r.series_break} lies between {r.baseline} and {r.current}"
    for end in ("baseline", "current"):
        if getattr(r, f"suppressed_{end}") is True:
            return "insufficient_data", f"the {end} ({getattr(r, end)}) figure is suppressed because numbers are small"
        if not fin(getattr(r, f"gap_{end}")):
            note = getattr(r, f"note_{end}", None)
            return "insufficient_data", f"no {end} ({getattr(r, end)}) figure" + (f": {note}" if isinstance(note, str) else "")
        if not (fin(getattr(r, f"gap_lower_{end}")) and fin(getattr(r, f"gap_upper_{end}"))):
            return "insufficient_data", f"no confidence interval in {getattr(r, end)}, so significance cannot be judged"
    behind0, behind1 = r.gap_lower_baseline > 0, r.gap_lower_current > 0
    ahead0, ahead1 = r.gap_upper_baseline < 0, r.gap_upper_current < 0
    if behind0 and ahead1:
        fell = _who_fell(r)
        return "reversed", ("the group went from significantly behind to significantly ahead: the gap closed and "
                            "opened the other way" + (f", while {fell} got worse" if fell else ""))
    if not behind0 and not behind1:
        if not ahead0 and not ahead1:
            return "no_gap", "no significant gap at either end"
        ends = " and ".join(e for e, a in ((r.baseline, ahead0), (r.current, ahead1)) if a)
        return "no_gap", f"the group was never significantly behind, and was significantly ahead in {ends}"
    if r.change_significant and r.gap_change > 0 and behind1:
        return "widened", "the gap grew by more than chance would explain"
    if r.change_significant and r.gap_change < 0 and behind0:
        return _narrowed(r)
    return "no_significant_change", "the change in the gap is within what chance would explain"


def _narrowed(r) -> tuple[str, str]:  # noqa: ANN001 - a namedtuple row
    """A significant narrowing: progress only if neither the whole population nor the comparator got worse."""
    overall = r.comparator == "overall"  # the comparator is the whole population itself
    fell = _who_fell(r)
    if fell:
        return "narrowed_levelling_down", f"the gap narrowed while {fell} got worse"
    if _missing(r.all_worse):
        return "insufficient_data", ("the gap narrowed, but with no whole-population figure at both ends "
                                     "levelling down cannot be ruled out")
    if not overall and _missing(r.comparator_worse):
        return "insufficient_data", ("the gap narrowed, but with no interval for the comparator's change "
                                     "levelling down cannot be ruled out")
    return "narrowed", ("the gap shrank by more than chance would explain and neither the whole population "
                        "nor the comparator got worse")
