"""Colours and verdicts: one test per branch of the table in evidence.verdicts' docstring.

The expected colours come from that table (the rule as written for the equalities lead), not from the code.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from evidence.verdicts import (
    AMBER,
    GREEN,
    NO_CLEAR_GAP,
    NO_DATA,
    NOT_APPLICABLE,
    NOT_COMPARABLE,
    NOT_MEASURABLE,
    RED,
    RED_LEVELLING,
    closed,
    counts_text,
    findings,
    rate,
    too_small,
    verdict,
)

# a gap that was clearly there at both ends (intervals above zero)
_BEHIND = {"gap_lower_baseline": 2.0, "gap_upper_baseline": 6.0, "gap_lower_current": 1.0, "gap_upper_current": 5.0}
# no gap either way, both intervals within 0.5 of zero
_LEVEL = {"gap_lower_baseline": -0.4, "gap_upper_baseline": 0.5, "gap_lower_current": -0.5, "gap_upper_current": 0.3}


@pytest.mark.parametrize("row,min_change,expected", [
    # statuses coloured whatever the rule
    ({"status": "narrowed", "gap_change": -3.0}, None, ("green", GREEN)),
    ({"status": "improved"}, None, ("green", GREEN)),
    ({"status": "level_maintained"}, None, ("green", GREEN)),
    ({"status": "no_significant_change", "gap_change": -3.0}, None, ("amber", AMBER)),
    ({"status": "not_improved"}, None, ("amber", AMBER)),
    ({"status": "narrowed_levelling_down", "gap_change": -3.0}, None, ("red", RED_LEVELLING)),
    ({"status": "widened", "gap_change": 3.0}, None, ("red", RED)),
    ({"status": "worsened"}, None, ("red", RED)),
    ({"status": "below_level"}, None, ("red", RED)),
    ({"status": "insufficient_data", "gap_change": 3.0}, None, ("grey", NO_DATA)),
    ({"status": "not_comparable", "gap_change": 3.0}, None, ("grey", NOT_COMPARABLE)),
    ({"status": "something new"}, None, ("grey", NO_DATA)),
    ({}, None, ("grey", NO_DATA)),
    # reversed: green, unless the whole population or the comparator got worse
    ({"status": "reversed", "gap_change": -40.0}, None, ("green", GREEN)),
    ({"status": "reversed", "gap_change": -40.0, "all_worse": False, "comparator_worse": False}, None, ("green", GREEN)),
    ({"status": "reversed", "gap_change": -40.0, "all_worse": pd.NA, "comparator_worse": None}, None, ("green", GREEN)),
    ({"status": "reversed", "gap_change": -40.0, "all_worse": float("nan")}, None, ("green", GREEN)),
    ({"status": "reversed", "gap_change": -40.0, "all_worse": True}, None, ("red", RED_LEVELLING)),
    ({"status": "reversed", "gap_change": -40.0, "comparator_worse": True}, None, ("red", RED_LEVELLING)),
    ({"status": "reversed", "gap_change": -40.0, "all_worse": np.True_}, None, ("red", RED_LEVELLING)),
    # no_gap: does not apply when the group was ahead, or under improve_where_gap
    ({"status": "no_gap", "rule": "improve_where_gap", **_LEVEL}, 1.0, ("grey", NOT_APPLICABLE)),
    ({"status": "no_gap", **_LEVEL, "gap_upper_baseline": -0.1}, 1.0, ("grey", NOT_APPLICABLE)),
    ({"status": "no_gap", **_LEVEL, "gap_upper_current": -0.1}, 1.0, ("grey", NOT_APPLICABLE)),
    ({"status": "no_gap", **_LEVEL, "gap_upper_current": 0.0}, 1.0, ("green", GREEN)),  # 0 is not ahead
    # closed: both intervals within min_change of zero; otherwise only "no clear gap"
    ({"status": "no_gap", **_LEVEL}, 0.5, ("green", GREEN)),  # |limits| <= 0.5, boundary included
    ({"status": "no_gap", **_LEVEL}, 0.45, ("grey", NO_CLEAR_GAP)),
    ({"status": "no_gap", **_LEVEL}, None, ("grey", NO_CLEAR_GAP)),
    ({"status": "no_gap", **_LEVEL}, 0, ("grey", NO_CLEAR_GAP)),
    ({"status": "no_gap", **_LEVEL, "gap_lower_current": float("nan")}, 1.0, ("grey", NO_CLEAR_GAP)),
    ({"status": "no_gap", **{k: v for k, v in _LEVEL.items() if k != "gap_lower_baseline"}}, 1.0,
     ("grey", NO_CLEAR_GAP)),
    ({"status": "no_gap", **_LEVEL, "gap_lower_baseline": -0.6}, 0.5, ("grey", NO_CLEAR_GAP)),
    ({"status": "no_gap", **_LEVEL, "gap_upper_baseline": 0.6}, 0.5, ("grey", NO_CLEAR_GAP)),
    ({"status": "no_gap", **_LEVEL, "gap_upper_current": 0.6}, 0.5, ("grey", NO_CLEAR_GAP)),
    # a significant change under the scheme's minimum is no clear change (amber), for every changing status
    ({"status": "widened", "gap_change": 0.9, **_BEHIND}, 1.0, ("amber", AMBER)),
    ({"status": "narrowed", "gap_change": -0.9}, 1.0, ("amber", AMBER)),
    ({"status": "narrowed_levelling_down", "gap_change": -0.9}, 1.0, ("amber", AMBER)),
    ({"status": "reversed", "gap_change": -0.9, "all_worse": True}, 1.0, ("amber", AMBER)),
    ({"status": "widened", "gap_change": 1.0}, 1.0, ("red", RED)),  # exactly the minimum counts
    ({"status": "narrowed", "gap_change": -1.0}, 1.0, ("green", GREEN)),
    ({"status": "widened", "gap_change": 0.04}, None, ("amber", AMBER)),  # rounds to 0.0: never counts
    ({"status": "widened", "gap_change": 0.05}, None, ("red", RED)),
    ({"status": "widened", "gap_change": 0.04}, 0.01, ("amber", AMBER)),
    ({"status": "widened", "gap_change": float("nan")}, 1.0, ("red", RED)),  # unknown size: the status stands
    ({"status": "widened", "gap_change": None}, 1.0, ("red", RED)),
    ({"status": "widened", "gap_change": True}, 5.0, ("red", RED)),  # a flag is not a size
    ({"status": "widened", "gap_change": 3}, 5, ("amber", AMBER)),  # integers are sizes too
    ({"status": "no_significant_change", "gap_change": 0.01}, 1.0, ("amber", AMBER)),
    ({"status": "worsened", "gap_change": 0.01}, 1.0, ("red", RED)),  # not a change in a gap
    ({"status": "insufficient_data", "gap_change": 0.01}, 1.0, ("grey", NO_DATA)),
    # representation
    ({"status": "in_line", "rule": "representation"}, None, ("green", GREEN)),
    ({"status": "under_represented", "rule": "representation"}, None, ("red", "Red: not met (under-represented)")),
    ({"status": "over_represented", "rule": "representation"}, None, ("amber", "Amber: over-represented")),
    ({"status": "insufficient_data", "rule": "representation", "reason": "no population shares for 2024"}, None,
     ("grey", NOT_MEASURABLE)),
    ({"status": "insufficient_data", "rule": "representation", "reason": "suppressed"}, None, ("grey", NO_DATA)),
    ({"status": "widened", "rule": "representation", "gap_change": 3.0}, None, ("grey", NO_DATA)),
])
def test_rate_table(row, min_change, expected):
    assert rate(row, min_change) == expected


def test_rate_default_has_no_minimum():
    assert rate({"status": "widened", "gap_change": 0.5}) == ("red", RED)


@pytest.mark.parametrize("row,min_change,expected", [
    ({"status": "widened", "gap_change": 0.1}, 1.0, True),
    ({"status": "widened", "gap_change": -0.1}, 1.0, True),  # the size, whichever way
    ({"status": "widened", "gap_change": 2}, 1, False),
    ({"status": "widened", "gap_change": 1.0}, 1.0, False),
    ({"status": "reversed", "gap_change": 0.5}, 1.0, True),
    ({"status": "narrowed_levelling_down", "gap_change": 0.5}, 1.0, True),
    ({"status": "no_gap", "gap_change": 0.1}, 1.0, False),
    ({"status": "widened"}, 1.0, False),
    ({"status": "widened", "gap_change": math.inf}, 1.0, False),
    ({"status": "widened", "gap_change": 0.049}, None, True),
    ({"status": "widened", "gap_change": 0.049}, 0, True),
    ({"status": "widened", "gap_change": 0.05}, 0, False),
])
def test_too_small(row, min_change, expected):
    assert too_small(row, min_change) is expected


def test_closed_needs_a_minimum_and_four_finite_limits():
    assert closed(_LEVEL, 0.5) is True
    assert closed(_LEVEL, None) is False and closed(_LEVEL, 0.0) is False
    assert closed({**_LEVEL, "gap_upper_current": math.inf}, 5) is False
    assert closed({**_LEVEL, "gap_upper_current": "0.1"}, 5) is False  # text is not a number
    for key in _LEVEL:
        assert closed({**_LEVEL, key: 0.51}, 0.5) is False, key
        assert closed({**_LEVEL, key: -0.51}, 0.5) is False, key


@pytest.mark.parametrize("rags,expected", [
    (["green", "grey"], "met"),
    (["green", "green"], "met"),
    (["amber", "red"], "not met"),
    (["red", "grey"], "not met"),
    (["green", "red"], "mixed"),
    (["green", "amber", "grey"], "mixed"),
    (["grey"], "not yet measurable"),
    ([], "not yet measurable"),
])
def test_verdict(rags, expected):
    assert verdict(rags) == expected
    assert verdict(pd.Series(rags, dtype=object)) == expected


def test_findings_worst_then_best():
    rows = pd.DataFrame({
        "rag": ["green", "amber", "red", "red", "green", "grey"],
        "status": ["narrowed", "no_significant_change", "narrowed_levelling_down", "widened", "improved", "no_gap"],
        "summary": ["A narrowed.", "B no change.", "C levelling down.", "D widened.", "E improved.", "F no gap."],
    })
    # red first, and among reds the greater concern (widened before levelling down); then the first green
    assert findings(rows) == ["D widened.", "A narrowed."]
    assert findings(rows, 1) == ["D widened."]
    # more than two: the remaining worst, then the remaining best, greys never
    assert findings(rows, 6) == ["D widened.", "A narrowed.", "C levelling down.", "B no change.", "E improved."]


def test_findings_only_green_or_only_grey():
    greens = pd.DataFrame({"rag": ["green", "green"], "status": ["improved", "narrowed"],
                           "summary": ["A improved.", "B narrowed."]})
    assert findings(greens) == ["B narrowed.", "A improved."]  # narrowed is listed before improved
    greys = pd.DataFrame({"rag": ["grey", "grey"], "status": ["no_gap", "insufficient_data"],
                          "summary": [None, "No data for B."]})
    assert findings(greys) == ["No data for B."]  # the first sentence there is
    assert findings(greys.iloc[:0]) == []


def test_findings_unknown_status_and_missing_summary():
    rows = pd.DataFrame({"rag": ["amber", "amber", "green"], "status": ["zzz", "not_improved", "narrowed"],
                         "summary": ["Z.", "N.", "A."]})
    # a status not in the concern order comes after the known ones
    assert findings(rows, 3) == ["N.", "A.", "Z."]
    # a missing sentence is skipped, never shown as "None"
    assert findings(rows.assign(summary=[None, "N.", None]), 3) == ["N."]


def test_counts_text():
    rags = pd.Series(["green", "green", "amber", "red", "grey", "grey", "grey"])
    labels = pd.Series([GREEN, GREEN, AMBER, RED, NO_DATA, NOT_COMPARABLE, NO_DATA])
    assert counts_text(rags, labels) == ("2 groups met, 1 group with no clear change, 1 group not met; "
                                         "not judged: 2 no data, 1 not comparable")
    assert counts_text(rags[:4], labels[:4]) == "2 groups met, 1 group with no clear change, 1 group not met"
    order = pd.Series([NOT_MEASURABLE, NO_CLEAR_GAP, NOT_APPLICABLE])
    assert counts_text(pd.Series(["grey"] * 3), order) == (
        "0 groups met, 0 groups with no clear change, 0 groups not met; "
        "not judged: 1 does not apply, 1 no clear gap, 1 not yet measurable")


def test_flags_read_back_as_numbers():
    # a results table read back from CSV has 1.0 / 0.0 / blank for its flags
    assert rate({"status": "reversed", "gap_change": -40.0, "all_worse": 1.0}) == ("red", RED_LEVELLING)
    assert rate({"status": "reversed", "gap_change": -40.0, "all_worse": 0.0, "comparator_worse": 1}) == \
        ("red", RED_LEVELLING)
    assert rate({"status": "reversed", "gap_change": -40.0, "all_worse": 0.0}) == ("green", GREEN)


def test_findings_red_before_amber_whatever_the_status():
    # an amber widening (under the minimum change) is less of a concern than a red reversal (levelling down)
    rows = pd.DataFrame({"rag": ["amber", "red"], "status": ["widened", "reversed"], "summary": ["W.", "R."]})
    assert findings(rows, 2) == ["R.", "W."]


def test_findings_when_nothing_is_judged_gives_one_sentence():
    greys = pd.DataFrame({"rag": ["grey"] * 3, "status": ["no_gap"] * 3, "summary": [None, "B.", "C."]})
    assert findings(greys) == ["B."] and findings(greys, 3) == ["B."]
