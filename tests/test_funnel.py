"""Funnel-plot limits and significance against PHEindicatormethods' reference files.

Limits at rtol 1e-6 (the funnel CSVs store 6-10 significant digits, README); labels exact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import shared_file
from evidence import funnel


def ref(name: str) -> pd.DataFrame:
    return pd.read_csv(shared_file("data", "reference", "phe", name))


def test_proportion_significance_matches_phe_for_all_303_areas() -> None:
    i = ref("funnel_prop_inputs.csv")
    got = funnel.proportion_significance(i.numerator.to_numpy(), i.denominator.to_numpy())
    assert (got == i.expected_significance.to_numpy()).all()
    assert set(got) == {"High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)", "Not significant"}


@pytest.mark.parametrize(("limits", "subset"), [
    ("funnel_prop_limits.csv", None),
    ("funnel_prop_limits_axis_variation.csv", 31000),  # inputs filtered to denominator < 31,000
])
def test_proportion_limits_match_phe_rtol1e6(limits: str, subset: int | None) -> None:
    i = ref("funnel_prop_inputs.csv")
    if subset:
        i = i[i.denominator < subset]
    expected = ref(limits)
    table = funnel.funnel_table(i.numerator, i.denominator)
    assert table.baseline.iloc[0] == pytest.approx(expected.baseline.iloc[0], rel=1e-6)
    baseline = i.numerator.sum() / i.denominator.sum()
    for name, p in funnel.FUNNELS.items():
        lo, hi = funnel.proportion_limits(expected.Population.to_numpy(float), baseline, p)
        np.testing.assert_allclose(lo, expected[f"lower_{name}_limit"], rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(hi, expected[f"upper_{name}_limit"], rtol=1e-6)


def test_ratio_significance_matches_phe_for_all_300_areas() -> None:
    r = ref("funnel_ratio_inputs.csv")
    got = funnel.ratio_significance(r.obs.to_numpy(), r.expected.to_numpy())
    assert (got == r.expected_significance.to_numpy()).all()
