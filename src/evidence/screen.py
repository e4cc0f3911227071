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

from .gaps import gaps
from .indicators import IndicatorsLike
from .narrative import comparator_phrase, fmt_gap, group_phrase
from .observations import map_distinct
from .periods import normalise_period
from .sentences import by_case, gap_text, per_distinct


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
    sig = g["significant"].fillna(False).astype(bool)
    flag = np.select(
        [g["suppressed"], g["gap_lower"].isna() & g["gap"].notna(), g["gap"].isna(), sig & (g["gap"] > 0),
         sig & (g["gap"] < 0)],
        ["suppressed", "no interval", "no value", "disadvantaged", "advantaged"],
        default="no clear gap",
    )
    order = {"disadvantaged": 0, "no clear gap": 1, "no interval": 2, "advantaged": 3, "no value": 4, "suppressed": 5}
    rank_by = g["relative_gap_lower"].where(np.isfinite(g["relative_gap_lower"]), g["relative_gap"])
    rank_by = rank_by.where(np.isfinite(rank_by), np.nan)  # an infinite or undefined ratio is not the largest gap
    g = g.assign(flag=flag, _o=pd.Series(flag).map(order).to_numpy(), _r=-rank_by.fillna(0))
    g = g.sort_values(["_o", "_r", "indicator", "characteristic", "group"], kind="stable").drop(columns=["_o", "_r"])
    g["rank"] = np.arange(1, len(g) + 1)
    g["finding"] = findings(g)
    return g.reset_index(drop=True)


def findings(g: pd.DataFrame) -> np.ndarray:
    """:func:`_finding` for every row at once: templates chosen by ``flag``, phrases made once per distinct group."""
    if not len(g):
        return np.empty(0)  # an empty column stays float64, as an empty list makes it
    cols = {k: g[k] for k in ("characteristic", "group", "population", "comparator", "comparator_group", "name",
                              "unit", "flag")}
    who = per_distinct(group_phrase, cols["characteristic"], cols["group"], cols["population"])
    big = per_distinct(lambda w: w[0].upper() + w[1:], who)
    v = {"big": big, "small": per_distinct(lambda w: w[0].lower() + w[1:], big),
         "vs": per_distinct(comparator_phrase, cols["comparator"], cols["comparator_group"], cols["population"],
                            cols["characteristic"]),
         "name": per_distinct(lambda v: f"{v}", cols["name"]), "unit": per_distinct(lambda u: u, cols["unit"]),
         "gap": np.abs(pd.to_numeric(g["gap"], errors="coerce").to_numpy(dtype=float))}
    flags = ["suppressed", "no value", "disadvantaged", "advantaged", "no interval"]
    case = pd.Categorical(g["flag"], categories=flags).codes  # "no clear gap" (not listed) is -1
    return by_case(np.where(case < 0, len(flags), case), v, (
        lambda w: w["big"] + ": too few people to publish " + w["name"] + ".",
        lambda w: w["big"] + ": no figure for " + w["name"] + ".",
        lambda w: w["big"] + " are " + gap_text(w["gap"], w["unit"]) + " worse off than " + w["vs"] + " on "
        + w["name"] + ".",
        lambda w: w["big"] + " are " + gap_text(w["gap"], w["unit"]) + " better off than " + w["vs"] + " on "
        + w["name"] + ".",
        lambda w: w["big"] + " differ from " + w["vs"] + " by " + gap_text(w["gap"], w["unit"]) + " on " + w["name"]
        + ", but with no interval we cannot say if that is chance.",
        lambda w: "No clear gap between " + w["small"] + " and " + w["vs"] + " on " + w["name"] + ".",
    ))


def _finding(r: pd.Series) -> str:
    who = group_phrase(r["characteristic"], r["group"], r["population"])
    who = who[0].upper() + who[1:]
    vs = comparator_phrase(r["comparator"], r["comparator_group"], r["population"], r["characteristic"])
    if r["flag"] == "suppressed":
        return f"{who}: too few people to publish {r['name']}."
    if r["flag"] == "no value":
        return f"{who}: no figure for {r['name']}."
    size = fmt_gap(abs(r["gap"]), r["unit"])
    if r["flag"] == "disadvantaged":
        return f"{who} are {size} worse off than {vs} on {r['name']}."
    if r["flag"] == "advantaged":
        return f"{who} are {size} better off than {vs} on {r['name']}."
    if r["flag"] == "no interval":
        return f"{who} differ from {vs} by {size} on {r['name']}, but with no interval we cannot say if that is chance."
    return f"No clear gap between {who[0].lower() + who[1:]} and {vs} on {r['name']}."
