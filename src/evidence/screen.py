"""The equality screen: who is not doing well, on what, in one period.

Every indicator × characteristic × group with its gap against a comparator,
sorted so the largest significant disadvantages come first. Gaps in different
units are ranked by the relative gap (a ratio, oriented so above 1 means worse
off), which is unit-free: by its lower confidence limit, the smallest
disadvantage the data are consistent with, so a small group at 0% (a relative
gap of infinity, with a wide interval) does not outrank a large, certain gap.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .frames import combined_codes, factorize, sorted_codes, take_rows, text_from_codes
from .gaps import gaps
from .indicators import IndicatorsLike
from .narrative import comparator_phrase, fmt_gap, group_phrase
from .observations import map_distinct
from .periods import normalise_period
from .sentences import gap_text


def screen(
    obs: pd.DataFrame,
    period: str,
    comparator: str = "overall",
    level: float = 0.95,
    *,
    reference: Mapping[str, str] | str | None = None,
    indicators: IndicatorsLike = None,
    suppress_small: bool = True,
    min_numerator: int = 5,
    min_denominator: int = 10,
) -> pd.DataFrame:
    """Rank every group's gap in one period, largest significant disadvantage first.

    Parameters
    ----------
    obs : DataFrame
        Observations.
    period : str
        The period to screen.
    comparator, level, reference, indicators
        As for :func:`evidence.gaps.gaps`.

    Returns
    -------
    DataFrame
        The :func:`evidence.gaps.gaps` columns for that period plus ``rank``
        (1 = largest significant disadvantage, by the relative gap's lower
        confidence limit), ``flag`` (``disadvantaged``,
        ``advantaged``, ``no clear gap``, ``no interval``, ``suppressed``) and a
        plain-English ``finding``.

    Examples
    --------
    >>> import evidence as ev
    >>> top = screen(ev.demo.observations(), "2024", indicators=ev.demo.indicators()).iloc[0]
    >>> top["flag"]
    'disadvantaged'
    """
    p = normalise_period(period)
    periods = pd.Series(map_distinct(obs["period"], lambda v: normalise_period(v) if v is not None else v),
                        index=obs.index)
    g = gaps(obs[periods == p], comparator, reference, level, indicators=indicators,
             suppress_small=suppress_small, min_numerator=min_numerator, min_denominator=min_denominator)
    sig = g["significant"].fillna(False).to_numpy(dtype=bool)
    gap = g["gap"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        code = np.select(  # the first condition that holds, as codes into FLAGS (which are in rank order)
            [g["suppressed"].to_numpy(dtype=bool), g["gap_lower"].isna().to_numpy() & ~np.isnan(gap), np.isnan(gap),
             sig & (gap > 0), sig & (gap < 0)],
            [FLAGS.index(f) for f in ("suppressed", "no interval", "no value", "disadvantaged", "advantaged")],
            default=FLAGS.index("no clear gap"),
        )
    rank_by = g["relative_gap_lower"].where(np.isfinite(g["relative_gap_lower"]), g["relative_gap"])
    rank_by = rank_by.where(np.isfinite(rank_by), np.nan)  # an infinite or undefined ratio is not the largest gap
    g["flag"] = text_from_codes(code, FLAGS, g.index)
    # by flag, then largest ratio first, then by name: a stable sort of integer codes, not of text
    order = np.lexsort((sorted_codes(g["group"]), sorted_codes(g["characteristic"]), sorted_codes(g["indicator"]),
                        -rank_by.fillna(0).to_numpy(dtype=float), code))  # the last key sorts first
    g = take_rows(g, order)
    g["rank"] = np.arange(1, len(g) + 1)
    g["finding"] = findings(g)
    return g


#: the flags in rank order: the largest significant disadvantages first, suppressed groups last
FLAGS = ("disadvantaged", "no clear gap", "no interval", "advantaged", "no value", "suppressed")
#: the flags whose sentence states the size of the gap
_SIZED = ("disadvantaged", "advantaged", "no interval")
_PHRASED = ("characteristic", "group", "population", "comparator", "comparator_group", "name", "unit", "flag")


def findings(g: pd.DataFrame) -> np.ndarray:
    """:func:`_finding` for every row at once.

    The words around the gap's size depend only on who is compared, on what and
    how it came out, so :func:`_finding_parts` makes them once per distinct
    combination; each row adds only its own number (formatted once per distinct
    rounded value by :func:`evidence.sentences.gap_text`).
    """
    if not len(g):
        return np.empty(0)  # an empty column stays float64, as an empty list makes it
    combo = combined_codes([factorize(g[k])[0] for k in _PHRASED])
    _, first, inv = np.unique(combo, return_index=True, return_inverse=True)
    firsts = g[list(_PHRASED)].iloc[first]
    parts = [_finding_parts(*row) for row in firsts.itertuples(index=False)]
    head = np.array([h for h, _ in parts], dtype=object)[inv]
    tail = np.array([t for _, t in parts], dtype=object)[inv]
    out = head.copy()
    sized = np.flatnonzero(g["flag"].isin(_SIZED).to_numpy())
    if len(sized):
        size = gap_text(np.abs(g["gap"].to_numpy(dtype=float)[sized]), g["unit"].iloc[sized].reset_index(drop=True))
        out[sized] = head[sized] + size + tail[sized]
    return out


def _finding_parts(characteristic: str, group: str, population: str, comparator: str, comparator_group: str,
                   name: str, unit: str, flag: str) -> tuple[str, str]:
    """The words of a finding before and after the size of the gap (the whole sentence and ``""`` when it has none)."""
    who = group_phrase(characteristic, group, population)
    who = who[0].upper() + who[1:]
    vs = comparator_phrase(comparator, comparator_group, population, characteristic)
    if flag == "suppressed":
        return f"{who}: too few people to publish {name}.", ""
    if flag == "no value":
        return f"{who}: no figure for {name}.", ""
    if flag == "disadvantaged":
        return f"{who} are ", f" worse off than {vs} on {name}."
    if flag == "advantaged":
        return f"{who} are ", f" better off than {vs} on {name}."
    if flag == "no interval":
        return f"{who} differ from {vs} by ", f" on {name}, but with no interval we cannot say if that is chance."
    return f"No clear gap between {who[0].lower() + who[1:]} and {vs} on {name}.", ""


def _finding(r: pd.Series) -> str:
    """One row's finding: the specification :func:`findings` follows."""
    head, tail = _finding_parts(*(r[k] for k in _PHRASED))
    return head + fmt_gap(abs(r["gap"]), r["unit"]) + tail if r["flag"] in _SIZED else head
