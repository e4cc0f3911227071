"""Small-number suppression: values too small to publish never leave the toolkit.

Primary rule (configurable): a value is suppressed when its numerator is under
5 or its denominator (or ``n``) is under 10. A percentage published with ``n``
implies a count (2% of 100 is 2 people) and is treated like that numerator.
Optionally the complement too (``n - numerator`` under 5: "all but 2 of 100").
Secondary rule: where exactly one group of a characteristic is suppressed and
the whole-population row is published, the suppressed count could be recovered
by subtraction, so the next smallest group is suppressed too (smallest by size;
among groups of one size, such as shares of one total, the smallest count). A suppressed row
keeps its keys but loses its value, counts and interval, so nothing downstream
can show it. Figures derived later by subtraction (the ``rest`` comparator) are
checked against the same thresholds in :mod:`evidence.gaps`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .frames import combined_codes, factorize, shallow_copy
from .observations import flag_set, map_distinct

BLANKED = ["value", "numerator", "denominator", "n", "se", "lower", "upper"]
PRIMARY = "suppressed: fewer than the minimum number of people"
SECONDARY = "suppressed: would let a suppressed number be worked out from the total"


def suppress(
    obs: pd.DataFrame, min_numerator: int = 5, min_denominator: int = 10, secondary: bool = True,
    suppress_complement: bool = False,
) -> pd.DataFrame:
    """Apply small-number suppression and blank every suppressed figure.

    Parameters
    ----------
    obs : DataFrame
        Observations (validated).
    min_numerator, min_denominator : int
        Suppress when ``numerator < min_numerator`` or the denominator (``n`` where
        there is no denominator) ``< min_denominator``. For a proportion given
        as a value with ``n`` and no numerator, the count it implies
        (``value / multiplier × n``, rounded) is the numerator.
    secondary : bool
        Also suppress a second cell where a total would reveal the first.
    suppress_complement : bool
        Also suppress when ``denominator - numerator < min_numerator`` (off by
        default: "98 of 100 employed" reveals that 2 were not). Statistical
        disclosure guidance (ONS, GSS) asks for this when the complement is a
        sensitive attribute.

    Returns
    -------
    DataFrame
        A copy with ``suppressed`` (bool) and ``reason`` set, and the figures of
        suppressed rows blanked.

    Examples
    --------
    >>> obs = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "sex",
    ...     "group": ["A", "B"], "value": [0.5, 0.02], "numerator": [50, 2], "denominator": [100, 100]})
    >>> suppress(obs)[["group", "suppressed", "value"]].to_dict("list")
    {'group': ['A', 'B'], 'suppressed': [False, True], 'value': [0.5, nan]}
    """
    out = shallow_copy(obs)  # safe to change: under copy-on-write each column is copied when written
    if "suppressed" not in out:
        out["suppressed"] = False
    # a flag read as validate reads it: blank is not suppressed, nor is text such as "no" (bool("no") is True);
    # a 1/0/blank float column must not be filled with a bool (pandas 4 refuses)
    out["suppressed"] = map_distinct(out["suppressed"], flag_set).astype(bool)
    out["reason"] = out["reason"].astype(object) if "reason" in out else None
    already = out["suppressed"] & out["reason"].isna()
    out.loc[already, "reason"] = "suppressed by the publisher"

    size = row_size(out)
    count = implied_count(out)
    if count is None:
        small = pd.Series(False, index=out.index)
    else:
        small = count < min_numerator
        if suppress_complement and size is not None:
            small |= (size - count) < min_numerator
    if size is not None:
        small |= size < min_denominator
    new = small & ~out["suppressed"]
    out.loc[new, "suppressed"] = True
    out.loc[new, "reason"] = PRIMARY

    if secondary:
        out = _secondary(out)
    blank = [c for c in BLANKED if c in out]
    out.loc[out["suppressed"], blank] = np.nan
    return out


def implied_count(obs: pd.DataFrame) -> pd.Series | None:
    """The number of people a row counts: its numerator, or for a proportion given with ``n``, the count implied.

    ``value / multiplier × n`` rounded to a whole person; the multiplier is
    100 when the unit is ``%`` (or any value is above 1), else 1, unless given.

    Examples
    --------
    >>> implied_count(pd.DataFrame({"value": [2.0, 40.0], "n": [100, 200], "unit": "%"})).tolist()
    [2.0, 80.0]
    """
    num = obs["numerator"].astype(float) if "numerator" in obs else None
    size = row_size(obs)
    if size is None or "value" not in obs:
        return num
    pct = obs["unit"].astype(str) == "%" if "unit" in obs else pd.Series(False, index=obs.index)
    # a share of n: a stated proportion, or a percentage where no kind is stated
    prop = (obs["kind"] == "proportion") | (obs["kind"].isna() & pct) if "kind" in obs else pct
    value = obs["value"].astype(float)
    over_one = value.gt(1).groupby(obs["indicator"]).transform("any") if "indicator" in obs else value.gt(1).any()
    per_cent = pd.Series(np.where(pct | over_one, 100.0, 1.0), index=obs.index)
    mult = obs["multiplier"].astype(float).fillna(per_cent) if "multiplier" in obs else per_cent
    implied = (value / mult * size.astype(float)).round().where(prop)
    return implied if num is None else num.fillna(implied)


def row_size(out: pd.DataFrame) -> pd.Series | None:
    """How many people a row is about: its denominator, else ``n``; None when the table has neither."""
    if "denominator" in out:
        size = out["denominator"]
        if "n" in out:
            size = size.fillna(out["n"])
        return size
    if "n" in out:
        return out["n"]
    return None


def _secondary(out: pd.DataFrame) -> pd.DataFrame:
    """Where exactly one group of a block is suppressed and a total is published, suppress the next smallest.

    Vectorised: one group-by over blocks, no Python loop per block.
    """
    size = row_size(out)
    if size is None or "characteristic" not in out:
        return out
    keys = [k for k in ["indicator", "period", "area", "characteristic"] if k in out]
    tkeys = [k for k in keys if k != "characteristic"]
    # blocks by integer codes of their keys (a blank key, coded -1, is a value of its own to combined_codes, as in a
    # group-by with dropna=False)
    codes = {k: factorize(out[k])[0] for k in keys}
    groups = (out["characteristic"] != "All").to_numpy()
    block = combined_codes([codes[k] for k in keys])[groups]
    supp = out["suppressed"].to_numpy(dtype=bool)
    n_sup = np.bincount(block, weights=supp[groups])[block]
    if tkeys:  # the block's indicator, period and area has a whole-population row
        total = combined_codes([codes[k] for k in tkeys])
        has_total = np.isin(total[groups], total[(out["group"] == "All").to_numpy()])
    else:
        has_total = np.ones(int(groups.sum()), dtype=bool)
    sizes = size.to_numpy(dtype=float)[groups]
    eligible = (n_sup == 1) & has_total & ~supp[groups] & ~np.isnan(sizes)
    # in each block the smallest eligible group; on a tie of sizes (a share of one total, where every row has the
    # same denominator) the smallest count, as the representation measure chooses; then the first in the table
    count = implied_count(out)
    counts = np.full(len(out), np.nan) if count is None else count.to_numpy(dtype=float)
    pos, b, s = np.flatnonzero(groups)[eligible], block[eligible], sizes[eligible]
    c = counts[groups][eligible]
    order = np.lexsort((pos, np.where(np.isnan(c), np.inf, c), s, b))
    first = np.r_[True, b[order][1:] != b[order][:-1]] if len(order) else np.zeros(0, dtype=bool)
    victims = out.index[pos[order][first]]
    out.loc[victims, "suppressed"] = True
    out.loc[victims, "reason"] = SECONDARY
    return out
