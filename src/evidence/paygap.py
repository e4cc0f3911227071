"""Pay gaps: the statutory gender pay gap metrics, and the same for any characteristic.

Definitions follow The Equality Act 2010 (Specific Duties and Public
Authorities) Regulations 2017 (SI 2017/353), Schedule 1 (the same formulas as
SI 2017/172, regulations 8 to 13):

- mean and median hourly pay gap over **full-pay relevant employees**:
  ``(A - B) / A * 100`` with A the reference group's (men's) figure and B the
  group's (paras 8 and 9); positive when the reference group is paid more;
- mean and median bonus gap over **relevant employees paid a bonus** in the 12
  months to the snapshot date (paras 10 and 11), and the proportion of each
  group's relevant employees paid a bonus (para 12);
- quartile pay bands (para 13): full-pay relevant employees ranked from lowest
  to highest hourly pay and split into four bands of (so far as possible) equal
  size, extra people going to the lowest bands; where people on the same rate
  straddle a boundary, each group's share of that rate is kept the same in every
  band it spans (para 13(2)), allocating by largest remainder in group-name
  order, so the input order never matters.

For ethnicity and disability the same formulas apply, as the Department for
Business and Trade's "Ethnicity pay reporting: guidance for employers" (2023)
recommends: each group against a reference group (White British; for
disability, by this toolkit's convention, non-disabled staff), groups can be
combined (detailed, then broad, then White British against all ethnic
minorities) with ``groups=``, the share who did not disclose is reported, and
groups too small to publish are not shown (``min_n``; the guidance sets no
number, so the toolkit's default is 10).

Medians and quartiles need one row per employee: this works on records, not on
aggregated tables.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .errors import EvidenceError, Problem
from .representation import is_not_known

BANDS = ("lower", "lower_middle", "upper_middle", "upper")
_REFERENCES = ("Male", "Men", "Man", "White British", "White: English, Welsh, Scottish, Northern Irish or British",
               "Not disabled", "Non-disabled", "Non disabled")
COLUMNS = ["characteristic", "group", "reference", "n_relevant", "n_full_pay", "mean_hourly", "median_hourly",
           "mean_gap", "median_gap", "n_bonus", "bonus_proportion", "mean_bonus", "median_bonus", "mean_bonus_gap",
           "median_bonus_gap", *(f"{b}_quartile" for b in BANDS), "not_known_share", "suppressed", "summary"]


def pay_gap(
    records: pd.DataFrame,
    by: str,
    pay: str = "hourly_pay",
    bonus: str | None = None,
    relevant: str | None = None,
    full_pay: str | None = None,
    *,
    reference: str | None = None,
    groups: Mapping[str, str] | None = None,
    min_n: int = 10,
) -> pd.DataFrame:
    """Statutory pay gap metrics for each group of a characteristic against a reference group.

    Parameters
    ----------
    records : DataFrame
        One row per employee on the snapshot date.
    by : str
        The characteristic column (``"sex"``, ``"ethnicity"``, ``"disability"``).
    pay : str
        Hourly rate of pay (ordinary pay plus bonus in the pay period, per hour,
        as regulation 6 defines it).
    bonus : str, optional
        Bonus pay in the 12 months to the snapshot date (0 when none).
    relevant : str, optional
        A boolean column: relevant employee (default: every row).
    full_pay : str, optional
        A boolean column: not on reduced or nil pay for leave in the pay period
        (default: every relevant employee).
    reference : str, optional
        The reference group; default Male, White British or Not disabled when present.
    groups : mapping, optional
        Relabels groups before anything is computed, e.g. detailed to broad
        ethnic groups.
    min_n : int
        A group with fewer full-pay relevant employees shows no hourly or
        quartile figures; fewer relevant employees, or fewer bonus recipients, no
        bonus figures. Set 0 for the statutory gender figures as published.

    Returns
    -------
    DataFrame
        One row per group (the reference group too, without gaps): counts,
        mean and median hourly pay and their gaps (%), bonus proportion (%),
        mean and median bonus and their gaps (%), the group's share of each
        quartile pay band (%), the share of employees who did not disclose
        (``not_known_share``, %), ``suppressed`` and a plain-English ``summary``
        (rounded to one decimal place, as the EHRC asks).

    Raises
    ------
    EvidenceError
        A missing column, non-numeric pay, or no reference group.

    Examples
    --------
    >>> staff = pd.DataFrame({"sex": ["Male"] * 6 + ["Female"] * 6,
    ...                       "hourly_pay": [10, 12, 15, 15, 20, 30, 9, 10, 12, 12, 15, 18]})
    >>> g = pay_gap(staff, "sex", min_n=0).set_index("group")
    >>> round(float(g.loc["Female", "mean_gap"]), 4), float(g.loc["Female", "median_gap"])
    (25.4902, 20.0)
    """
    df = _check(records, by, pay, bonus, relevant, full_pay)
    label = df[by].astype(object)
    nk = is_not_known(label)
    label = label.where(~nk, "Not known").astype(str)
    if groups:
        label = label.map(lambda g: groups.get(g, g))
    rel = df[relevant].fillna(False).astype(bool).to_numpy() if relevant else np.ones(len(df), bool)
    full = (df[full_pay].fillna(False).astype(bool).to_numpy() if full_pay else np.ones(len(df), bool)) & rel
    rate = pd.to_numeric(df[pay], errors="coerce").to_numpy(float)
    full &= np.isfinite(rate)
    known_groups = sorted(set(label[~nk & rel]))
    ref = reference or next((r for r in _REFERENCES if r in known_groups), None)
    if ref is None or ref not in known_groups:
        raise EvidenceError([Problem(f"no reference group for '{by}': pass reference= (groups: "
                                     f"{', '.join(known_groups)})", column=by, value=reference)])

    bands = quartile_bands(rate[full], label.to_numpy()[full])
    bval = pd.to_numeric(df[bonus], errors="coerce").fillna(0).to_numpy(float) if bonus else None
    rows = []
    lab = label.to_numpy()
    for g in [ref] + [x for x in known_groups if x != ref]:
        in_g = lab == g
        hp = rate[in_g & full]
        row = {"characteristic": by, "group": g, "reference": ref, "n_relevant": int((in_g & rel).sum()),
               "n_full_pay": int(hp.size), "mean_hourly": hp.mean() if hp.size else np.nan,
               "median_hourly": np.median(hp) if hp.size else np.nan}
        for b in BANDS:
            row[f"{b}_quartile"] = bands.loc[b, "share"].get(g, 0.0) if len(bands) else np.nan
        if bval is not None:
            got = bval[in_g & rel]
            paid = got[got > 0]
            row.update(n_bonus=int(paid.size), bonus_proportion=100 * paid.size / got.size if got.size else np.nan,
                       mean_bonus=paid.mean() if paid.size else np.nan,
                       median_bonus=np.median(paid) if paid.size else np.nan)
        rows.append(row)
    out = pd.DataFrame(rows).reindex(columns=COLUMNS)
    out["not_known_share"] = 100 * float((nk & rel).sum()) / rel.sum() if rel.sum() else np.nan
    out = _suppress(out, min_n, bval is not None)
    r = out.iloc[0]
    is_ref = out["group"] == ref
    out["mean_gap"] = np.where(is_ref, np.nan, _gap(r["mean_hourly"], out["mean_hourly"]))
    out["median_gap"] = np.where(is_ref, np.nan, _gap(r["median_hourly"], out["median_hourly"]))
    out["mean_bonus_gap"] = np.where(is_ref, np.nan, _gap(r["mean_bonus"], out["mean_bonus"]))
    out["median_bonus_gap"] = np.where(is_ref, np.nan, _gap(r["median_bonus"], out["median_bonus"]))
    out["summary"] = [_summary(row, ref) for _, row in out.iterrows()]
    return out


def _check(records, by, pay, bonus, relevant, full_pay) -> pd.DataFrame:
    if not isinstance(records, pd.DataFrame):
        raise EvidenceError([Problem("pay_gap needs a DataFrame with one row per employee")])
    problems = []
    for col in [by, pay, bonus, relevant, full_pay]:
        if col is not None and col not in records.columns:
            hint = " (medians and quartiles need one row per employee, not an aggregated table)" if col == pay else ""
            problems.append(Problem(f"no column '{col}' in the records{hint}", column=col))
    if problems:
        raise EvidenceError(problems)
    rate = pd.to_numeric(records[pay], errors="coerce")
    bad = records.index[rate.isna() & records[pay].notna()]
    if len(bad):
        raise EvidenceError([Problem("hourly pay must be a number", rows=tuple(int(i) + 1 for i in bad[:8]),
                                     column=pay, value=str(records.loc[bad[0], pay]))])
    return records


def _gap(a: float, b: pd.Series) -> np.ndarray:
    """``(A - B) / A * 100``; undefined (NaN) when A is 0 or missing."""
    b = b.to_numpy(float)
    if not np.isfinite(a) or a == 0:
        return np.full(b.shape, np.nan)
    return (a - b) / a * 100


def _suppress(out: pd.DataFrame, min_n: int, has_bonus: bool) -> pd.DataFrame:
    hourly = ["mean_hourly", "median_hourly", *(f"{b}_quartile" for b in BANDS)]
    small = out["n_full_pay"] < min_n
    out.loc[small, hourly] = np.nan
    out["suppressed"] = small
    if has_bonus:
        few = (out["n_relevant"] < min_n) | ((out["n_bonus"] > 0) & (out["n_bonus"] < min_n))
        out.loc[few, ["mean_bonus", "median_bonus"]] = np.nan
        out.loc[out["n_relevant"] < min_n, ["bonus_proportion", "n_bonus"]] = np.nan
    out.loc[small, ["n_full_pay", "n_relevant"]] = np.nan
    if small.sum() == 1:  # band shares add up to 100: hide the next smallest group's too
        sizes = out.loc[~small, "n_full_pay"].iloc[1:]  # never the reference group (row 0)
        if len(sizes):
            out.loc[sizes.idxmin(), [f"{b}_quartile" for b in BANDS]] = np.nan
    return out


def _summary(row: pd.Series, ref: str) -> str:
    if row["group"] == ref:
        return f"{ref}: the reference group."
    if row["suppressed"]:
        return f"{row['group']}: too few employees to publish."
    g = row["mean_gap"]
    m = row["median_gap"]
    if not np.isfinite(g):
        return f"{row['group']}: no gap can be worked out."

    def say(x: float) -> str:
        return f"{abs(x):.1f}% lower" if x > 0 else (f"{abs(x):.1f}% higher" if x < 0 else "the same")

    return (f"{row['group']}: mean hourly pay {say(g)} than {ref} employees' (a gap of {g:.1f}%); "
            f"median {say(m)} (a gap of {m:.1f}%).")


def quartile_bands(rate: np.ndarray, group: np.ndarray) -> pd.DataFrame:
    """Quartile pay bands with ties split as regulation 13(2) requires.

    Parameters
    ----------
    rate, group : array
        Hourly rate and group of each full-pay relevant employee.

    Returns
    -------
    DataFrame
        Indexed by (band, group): ``count`` and ``share`` (% of the band).

    Examples
    --------
    >>> b = quartile_bands(np.array([8, 9, 10, 10, 10, 10, 20, 25]), np.array(list("FMMMFFMF")))
    >>> b.loc["lower_middle", "share"].to_dict()
    {'F': 50.0, 'M': 50.0}
    """
    rate, group = np.asarray(rate, float), np.asarray(group).astype(str)
    n = rate.size
    if n == 0:
        return pd.DataFrame(columns=["count", "share"], index=pd.MultiIndex.from_tuples([], names=["band", "group"]))
    sizes = np.array([n // 4 + (1 if i < n % 4 else 0) for i in range(4)])
    edges = np.concatenate([[0], np.cumsum(sizes)])
    names = sorted(set(group))
    counts = np.zeros((4, len(names)), dtype=int)
    order = np.argsort(rate, kind="stable")
    values, starts = np.unique(rate[order], return_index=True)
    ends = np.append(starts[1:], n)
    idx = {g: i for i, g in enumerate(names)}
    for s, e in zip(starts, ends, strict=True):
        members = np.bincount([idx[g] for g in group[order[s:e]]], minlength=len(names))
        slots = np.array([max(0, min(e, edges[b + 1]) - max(s, edges[b])) for b in range(4)])
        counts += _split(members, slots)
    table = pd.DataFrame(counts, index=list(BANDS), columns=names)
    share = table.div(sizes, axis=0) * 100
    out = pd.DataFrame({"count": table.stack(), "share": share.stack()})
    out.index.names = ["band", "group"]
    return out


def _split(members: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Spread a tied rate's members over the bands it spans, each band with the tie's group mix.

    Largest remainder, band by band from the lowest; ties in the remainder go to
    the group first in name order (never to input order).
    """
    out = np.zeros((slots.size, members.size), dtype=int)
    left = members.astype(int).copy()
    for b in np.flatnonzero(slots):
        k = int(slots[b])
        total = left.sum()
        if b == np.flatnonzero(slots)[-1] or total == k:
            out[b] = left
            left = left - out[b]
            continue
        want = k * left / total
        take = np.minimum(np.floor(want).astype(int), left)
        rest = k - take.sum()
        rem = np.where(take < left, want - take, -1.0)
        for j in sorted(range(left.size), key=lambda j: (-rem[j], j))[:rest]:
            take[j] += 1
        out[b] = take
        left = left - take
    return out
