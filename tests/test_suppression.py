"""Small-number suppression, primary and secondary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evidence.suppression import suppress


def _block():
    return pd.DataFrame({"indicator": "x", "period": "2020", "area": "", "characteristic": ["All", "c", "c", "c"],
                         "group": ["All", "A", "B", "C"], "value": [50.0, 30.0, 55.0, 50.0],
                         "numerator": [503, 3, 220, 280], "denominator": [1010, 10, 400, 560]})


def test_primary_and_secondary():
    out = suppress(_block()).set_index("group")
    assert out.loc["A", "suppressed"] and "fewer than" in out.loc["A", "reason"]
    # B is the smallest other group: suppressed so A cannot be worked out from the total
    assert out.loc["B", "suppressed"] and "worked out" in out.loc["B", "reason"]
    assert not out.loc["C", "suppressed"]
    assert np.isnan(out.loc[["A", "B"], ["value", "numerator", "denominator"]].to_numpy()).all()


def test_thresholds_configurable():
    out = suppress(_block(), min_numerator=2, min_denominator=5)
    assert not out["suppressed"].any()


def test_publisher_suppression_kept():
    df = _block().assign(suppressed=[False, False, True, False])
    out = suppress(df, min_numerator=1, min_denominator=1).set_index("group")
    assert out.loc["B", "reason"] == "suppressed by the publisher" and np.isnan(out.loc["B", "value"])


# --- no back doors (issue 8) ----------------------------------------------------------------------------------------

def test_percentage_with_n_implies_a_count():
    # 2% of 100 is 2 people: suppressed like a numerator of 2, whether or not the kind or unit is stated
    df = pd.DataFrame({"indicator": "x", "period": "2020", "area": "", "characteristic": ["All", "c", "c", "c"],
                       "group": ["All", "A", "B", "C"], "value": [30.0, 2.0, 40.0, 35.0], "n": [700, 100, 300, 300],
                       "kind": "proportion", "unit": "%"})
    out = suppress(df).set_index("group")
    assert out.loc["A", "suppressed"] and out.loc["A", "reason"].startswith("suppressed: fewer")
    assert out.loc["B", "suppressed"] and "worked out" in out.loc["B", "reason"]  # secondary, on n alone
    assert not out.loc["C", "suppressed"] and np.isnan(out.loc["A", "value"])
    fraction = suppress(df.assign(value=df["value"] / 100, unit="", kind=None).assign(
        kind=lambda d: ["proportion"] * 4)).set_index("group")
    assert fraction.loc["A", "suppressed"]


def test_complement_suppressed_only_when_asked():
    df = _block().assign(numerator=[503, 8, 398, 280], value=[50.0, 80.0, 99.5, 50.0])
    assert not suppress(df).set_index("group").loc["B", "suppressed"]  # 398 of 400: off by default
    out = suppress(df, suppress_complement=True).set_index("group")
    assert out.loc["B", "suppressed"]  # 2 of 400 were not: revealed by the complement


def test_secondary_suppression_with_only_n():
    df = pd.DataFrame({"indicator": "x", "period": "2020", "area": "", "characteristic": ["All", "c", "c", "c"],
                       "group": ["All", "A", "B", "C"], "value": [50.0, 30.0, 55.0, 50.0], "n": [1010, 8, 400, 560]})
    out = suppress(df).set_index("group")
    assert out.loc["A", "suppressed"] and out.loc["B", "suppressed"] and not out.loc["C", "suppressed"]


def test_secondary_is_per_block_and_needs_a_total():
    blocks = []
    for period, has_all in (("2020", True), ("2021", False)):
        b = _block().assign(period=period)
        blocks.append(b if has_all else b[b["group"] != "All"])
    out = suppress(pd.concat(blocks, ignore_index=True))
    sup = out[out["suppressed"]][["period", "group"]].to_numpy().tolist()
    assert sup == [["2020", "A"], ["2020", "B"], ["2021", "A"]]  # no total in 2021: nothing to subtract from


def test_rest_comparator_derived_by_subtraction_is_checked():
    # "everyone except Christian" is 2 of 5 people: never published, nor the gap against it
    from evidence.gaps import gaps

    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": ["All", "religion"],
                       "group": ["All", "Christian"], "numerator": [52, 50], "denominator": [105, 100],
                       "polarity": "higher_is_better", "kind": "proportion", "unit": "%"})
    df["value"] = 100 * df["numerator"] / df["denominator"]
    g = gaps(df, comparator="rest").set_index("group")
    assert np.isnan(g.loc["Christian", "comparator_value"]) and np.isnan(g.loc["Christian", "gap"])
    assert "too few" in g.loc["Christian", "note"]
    # with thresholds lowered the derived comparator is shown
    g = gaps(df, comparator="rest", min_numerator=1, min_denominator=1).set_index("group")
    assert g.loc["Christian", "comparator_value"] == pytest.approx(40.0)
