"""Small-number suppression, primary and secondary."""

from __future__ import annotations

import numpy as np
import pandas as pd

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
