"""Small-number suppression: values too small to publish never leave the toolkit.

Primary rule (configurable): a value is suppressed when its numerator is under
5 or its denominator (or ``n``) is under 10. Secondary rule: where exactly one
group of a characteristic is suppressed and the whole-population row is
published, the suppressed count could be recovered by subtraction, so the next
smallest group is suppressed too. A suppressed row keeps its keys but loses its
value, counts and interval, so nothing downstream can show it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BLANKED = ["value", "numerator", "denominator", "n", "se", "lower", "upper"]
PRIMARY = "suppressed: fewer than the minimum number of people"
SECONDARY = "suppressed: would let a suppressed number be worked out from the total"


def suppress(
    obs: pd.DataFrame, min_numerator: int = 5, min_denominator: int = 10, secondary: bool = True
) -> pd.DataFrame:
    """Apply small-number suppression and blank every suppressed figure.

    Parameters
    ----------
    obs : DataFrame
        Observations (validated).
    min_numerator, min_denominator : int
        Suppress when ``numerator < min_numerator`` or the denominator (``n`` where
        there is no denominator) ``< min_denominator``.
    secondary : bool
        Also suppress a second cell where a total would reveal the first.

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
    out = obs.copy()
    if "suppressed" not in out:
        out["suppressed"] = False
    out["suppressed"] = out["suppressed"].fillna(False).astype(bool)
    if "reason" not in out:
        out["reason"] = pd.Series([None] * len(out), index=out.index, dtype=object)
    out["reason"] = out["reason"].astype(object)
    already = out["suppressed"] & out["reason"].isna()
    out.loc[already, "reason"] = "suppressed by the publisher"

    small = pd.Series(False, index=out.index)
    if "numerator" in out:
        small |= out["numerator"] < min_numerator
    size = _size(out)
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


def _size(out: pd.DataFrame) -> pd.Series | None:
    if "denominator" in out:
        size = out["denominator"]
        if "n" in out:
            size = size.fillna(out["n"])
        return size
    if "n" in out:
        return out["n"]
    return None


def _secondary(out: pd.DataFrame) -> pd.DataFrame:
    size = _size(out)
    if size is None:
        return out
    keys = [k for k in ["indicator", "period", "area", "characteristic"] if k in out]
    groups = out[out["characteristic"] != "All"]
    has_total = set(
        map(tuple, out.loc[out["group"] == "All", [k for k in keys if k != "characteristic"]].to_numpy())
    )
    for key, block in groups.groupby(keys, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        total_key = tuple(v for k, v in zip(keys, key, strict=True) if k != "characteristic")
        if total_key not in has_total or block["suppressed"].sum() != 1:
            continue
        candidates = block[~block["suppressed"] & size.loc[block.index].notna()]
        if candidates.empty:
            continue
        victim = size.loc[candidates.index].idxmin()
        out.loc[victim, ["suppressed", "reason"]] = [True, SECONDARY]
    return out
