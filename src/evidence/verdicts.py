"""Colours and verdicts: what each result means for a measure of success, in words first.

Green means the evidence shows the measure is met; nothing else is green.
Results that cannot be judged are grey and counted apart from the rest. Every
colour comes with a shape and words, so it never carries meaning alone.

How each status is coloured (``min_change`` is the scheme's minimum change,
scheme-wide or per measure; a change counts only when it is statistically
significant **and** at least this big):

==========================  ======  ==========================================================
status                      colour  why
==========================  ======  ==========================================================
narrowed                    green   the gap shrank for real, and nobody got worse to close it
reversed                    green   the group went from behind to ahead; red when it happened
                                    because the whole population or the comparator got worse
improved, level_maintained  green   the group's own result improved / the level held
no_gap (closed)             green   no gap at either end, and both intervals lie within
                                    ``min_change`` of zero: the evidence shows it is closed
no_gap (uncertain)          grey    no clear gap, but the figures cannot show it is closed
no_gap (ahead), improve...  grey    "does not apply": the group was never behind
  no_gap
no_significant_change,      amber   a gap remains and did not clearly change
  not_improved
widened, worsened,          red     the gap grew / the group got worse / the level fell
  below_level
narrowed_levelling_down     red     the gap narrowed only because others got worse
any change under min_change amber   significant, but smaller than the scheme counts: a 0.1-point
                                    widening with a minimum of 1 point is no clear change (and a
                                    change under 0.05, which rounds to nothing, never counts)
insufficient_data           grey    "no data": missing or suppressed figures
not_comparable              grey    a series break lies between the two years
representation: in_line     green   each group's share is in line with the population
under_represented           red     a group's share is below its population share
over_represented            amber   above its share: not a failure of the measure, worth a look
representation, no shares   grey    "not yet measurable"
==========================  ======  ==========================================================

Examples
--------
>>> rate({"status": "no_gap", "rule": "improve_where_gap"})
('grey', 'Grey: does not apply')
>>> rate({"status": "widened", "rule": "gap_not_widen", "gap_change": 0.1}, min_change=1)
('amber', 'Amber: no clear change')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .labels import plural

COLOURS = ("green", "amber", "red", "grey")
#: the words that go with each colour, headline first
GREEN, AMBER, RED = "Green: met", "Amber: no clear change", "Red: not met"
RED_LEVELLING = "Red: not met (levelling down)"
NOT_APPLICABLE, NO_CLEAR_GAP = "Grey: does not apply", "Grey: no clear gap"
NO_DATA, NOT_COMPARABLE, NOT_MEASURABLE = "Grey: no data", "Grey: not comparable", "Grey: not yet measurable"
GREY_LABELS = (NOT_APPLICABLE, NO_CLEAR_GAP, NO_DATA, NOT_COMPARABLE, NOT_MEASURABLE)
VERDICTS = ("met", "not met", "mixed", "no clear change", "not yet measurable")

#: statuses whose change is judged against ``min_change``
_CHANGES = {"narrowed", "narrowed_levelling_down", "widened", "reversed"}
#: which results a reader needs to see first
CONCERN = {s: i for i, s in enumerate(["widened", "narrowed_levelling_down", "worsened", "below_level", "reversed",
                                       "narrowed", "improved", "level_maintained", "no_gap",
                                       "no_significant_change", "not_improved", "not_comparable",
                                       "insufficient_data"])}


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _true(x: Any) -> bool:
    return x is not None and x is not pd.NA and not (isinstance(x, float) and math.isnan(x)) and bool(x)


def too_small(row: Mapping[str, Any], min_change: float | None) -> bool:
    """A significant change in the gap that is smaller than the scheme's minimum.

    Examples
    --------
    >>> too_small({"status": "widened", "gap_change": 0.1}, 1.0), too_small({"status": "widened", "gap_change": 2}, 1)
    (True, False)
    """
    change = row.get("gap_change")
    if row.get("status") not in _CHANGES or not _finite(change):
        return False
    # a change too small to show at one decimal place never counts ("widened from 4.4 to 4.4")
    return abs(change) < max(float(min_change or 0), 0.05)


def closed(row: Mapping[str, Any], min_change: float | None) -> bool:
    """No gap at either end, shown by both intervals lying within ``min_change`` of zero."""
    if not min_change:
        return False
    ends = [row.get(f"gap_{b}_{e}") for e in ("baseline", "current") for b in ("lower", "upper")]
    return all(_finite(v) for v in ends) and all(abs(v) <= float(min_change) for v in ends)


def rate(row: Mapping[str, Any], min_change: float | None = None) -> tuple[str, str]:
    """The colour of one result and the words that carry it (see the module's table)."""
    status, rule = row.get("status"), row.get("rule")
    if rule == "representation":
        return {"in_line": ("green", GREEN), "under_represented": ("red", "Red: not met (under-represented)"),
                "over_represented": ("amber", "Amber: over-represented")}.get(
            status, ("grey", NOT_MEASURABLE if "population shares" in str(row.get("reason")) else NO_DATA))
    if status == "insufficient_data":
        return "grey", NO_DATA
    if status == "not_comparable":
        return "grey", NOT_COMPARABLE
    if too_small(row, min_change):
        return "amber", AMBER
    if status == "no_gap":
        ahead = any(_finite(row.get(f"gap_upper_{e}")) and row[f"gap_upper_{e}"] < 0 for e in ("baseline", "current"))
        if rule == "improve_where_gap" or ahead:
            return "grey", NOT_APPLICABLE
        return ("green", GREEN) if closed(row, min_change) else ("grey", NO_CLEAR_GAP)
    if status == "reversed":
        fell = _true(row.get("all_worse")) or _true(row.get("comparator_worse"))
        return ("red", RED_LEVELLING) if fell else ("green", GREEN)
    if status in ("narrowed", "improved", "level_maintained"):
        return "green", GREEN
    if status in ("no_significant_change", "not_improved"):
        return "amber", AMBER
    if status == "narrowed_levelling_down":
        return "red", RED_LEVELLING
    if status in ("widened", "worsened", "below_level"):
        return "red", RED
    return "grey", NO_DATA


def verdict(rags: pd.Series | list[str]) -> str:
    """Met, not met, mixed, no clear change or not yet measurable, from the colours of a measure's or objective's groups.

    Grey results do not count either way. Met: every judged group is green.
    Not met: none is green and at least one is red. No clear change: every judged
    group is amber, so the verdict never says "not met" beside "0 groups not met".
    Mixed: some are green and some are not.

    Examples
    --------
    >>> verdict(["green", "grey"]), verdict(["amber", "red"]), verdict(["green", "red"]), verdict(["grey"])
    ('met', 'not met', 'mixed', 'not yet measurable')
    >>> verdict(["amber", "amber", "grey"])
    'no clear change'
    """
    judged = [r for r in rags if r != "grey"]
    if not judged:
        return "not yet measurable"
    green = sum(r == "green" for r in judged)
    if green == len(judged):
        return "met"
    if green:
        return "mixed"
    return "not met" if any(r == "red" for r in judged) else "no clear change"


#: a verdict's colour and shape, so the verdict line reads without colour too
VERDICT_RAG = {"met": "green", "not met": "red", "mixed": "amber", "no clear change": "amber",
               "not yet measurable": "grey"}


def findings(rows: pd.DataFrame, n: int = 2) -> list[str]:
    """The one or two results behind a verdict: the worst, then the best, as sentences.

    Examples
    --------
    >>> rows = pd.DataFrame({"rag": ["green", "red", "grey"], "status": ["narrowed", "widened", "no_gap"],
    ...                      "summary": ["A narrowed.", "B widened.", "C had no gap."]})
    >>> findings(rows)
    ['B widened.', 'A narrowed.']
    >>> findings(pd.DataFrame({"rag": ["amber", "red"], "status": ["over_represented", "under_represented"],
    ...                        "summary": ["Over.", "Under."]}), 1)
    ['Under.']
    """
    judged = rows[rows["rag"] != "grey"]
    if judged.empty:
        return list(rows["summary"].dropna().head(1))
    # red before amber, then by concern: an under-represented group leads an over-represented one
    order = judged.assign(_r=judged["rag"].map({"red": 0, "amber": 1, "green": 2}),
                          _c=judged["status"].map(CONCERN).fillna(99)).sort_values(["_r", "_c"], kind="stable")
    worst = order[order["rag"] != "green"]
    best = order[order["rag"] == "green"]
    picked = list(worst["summary"].head(1)) + list(best["summary"].head(1))
    picked += [s for s in list(worst["summary"].iloc[1:]) + list(best["summary"].iloc[1:]) if s not in picked]
    return [s for s in picked if isinstance(s, str)][:n]


def counts_text(rags: pd.Series, labels: pd.Series) -> str:
    """Groups by colour in words, the grey ones counted apart.

    Examples
    --------
    >>> counts_text(pd.Series(["green", "grey", "grey"]), pd.Series([GREEN, NO_DATA, NOT_APPLICABLE]))
    '1 group met, 0 groups with no clear change, 0 groups not met; not judged: 1 does not apply, 1 no data'
    """
    c = rags.value_counts()
    head = (f"{plural(int(c.get('green', 0)), 'group')} met, "
            f"{plural(int(c.get('amber', 0)), 'group')} with no clear change, "
            f"{plural(int(c.get('red', 0)), 'group')} not met")
    grey = labels[rags == "grey"].value_counts()
    if grey.empty:
        return head
    parts = [f"{int(grey[g])} {g.removeprefix('Grey: ')}" for g in GREY_LABELS if g in grey]
    return head + "; not judged: " + ", ".join(parts)
