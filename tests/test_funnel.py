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


# ---- Poisson funnels for ratios and rates (OHID calculate_funnel_limits / assign_funnel_significance) ----

def _column_mean_rel(got: np.ndarray, want: np.ndarray) -> float:
    """testthat's comparison (README): mean |x − y| / mean |y| over a column."""
    return float(np.mean(np.abs(got - want)) / np.mean(np.abs(want)))


@pytest.mark.parametrize("ratio_type", ["isr", "count"])
def test_ratio_funnel_limits_match_phe_axis_exact_limits_rtol1e6(ratio_type: str) -> None:
    r, expected = ref("funnel_ratio_inputs.csv"), ref("funnel_ratio_limits.csv")
    t = funnel.ratio_funnel_table(r.obs, r.expected, ratio_type)
    assert t.observed_events.tolist() == expected.Observed_events.tolist()  # Fingertips' 100 axis points
    for name in funnel.TAILS:
        for bound in ("lower", "upper"):
            np.testing.assert_allclose(t[f"{bound}_{name}_exp_events"], expected[f"{bound}_{name}_exp_events"],
                                       rtol=1e-6)
            got, want = t[f"{bound}_{name}_limit"].to_numpy(), expected[f"{bound}_{name}_{ratio_type}"].to_numpy()
            if ratio_type == "isr":
                np.testing.assert_allclose(got, want, rtol=1e-6)
            else:  # ratio − 1 passes near 0, so per-value rtol is meaningless there: the R test's column mean
                assert _column_mean_rel(got, want) < 1e-6


@pytest.mark.parametrize(("limits", "case", "rate_type", "with_population"), [
    ("funnel_rate_limits_dsr.csv", "as_given", "dsr", False),
    ("funnel_rate_limits_crude_lt10.csv", "max_ev_set_to_5", "crude", False),
    ("funnel_rate_limits_crude_zero_with_denominator.csv", "zero_event", "crude", True),
])
def test_rate_funnel_limits_match_phe_rtol1e6(limits: str, case: str, rate_type: str, with_population: bool) -> None:
    i, expected = ref("funnel_rate_inputs.csv"), ref(limits)
    x = i[i.case.str.startswith(case)]
    t = funnel.rate_funnel_table(x.ev, x.rate, x["pop"] if with_population else None, rate_type=rate_type,
                                 multiplier=100_000, years_of_data=3)
    assert t.events.tolist() == expected.Events.tolist()
    assert t.baseline.iloc[0] == pytest.approx(expected.baseline.iloc[0], rel=1e-6)
    for col in [c for c in expected.columns if c.endswith(("limit", "1_year"))]:
        np.testing.assert_allclose(t[col], expected[col], rtol=1e-6, err_msg=col)


@pytest.mark.parametrize("rate_type", ["dsr", "crude"])
@pytest.mark.parametrize("multiplier", [100_000, 100])
@pytest.mark.parametrize("zero_row", ["with_0", "without_0"])
def test_rate_significance_matches_phe_all_8_variants_exactly(rate_type: str, multiplier: int, zero_row: str) -> None:
    s = ref("funnel_rate_significance.csv")
    x = s if zero_row == "with_0" else s[s["count"] > 0]
    rate = x.rate_dsr * multiplier / 100_000 if rate_type == "dsr" else x[f"rate_crude_per_{multiplier}"]
    got = funnel.rate_significance(x["count"].to_numpy(), rate.to_numpy(), x["pop"].to_numpy(),
                                   rate_type=rate_type, multiplier=multiplier)
    assert got.tolist() == x[f"{rate_type}_per_{multiplier}_{zero_row}"].tolist()


@pytest.mark.parametrize(("case", "rate_type", "years", "with_population", "cols"), [
    ("as_given", "crude", 3, False, ("rate_chart_crude", "denominator_derived_crude")),
    ("max_ev_set_to_5", "dsr", 3, False, ("rate_chart", "denominator_derived")),  # under 10 events: not plotted
    ("max_ev_set_to_0", "crude", 5, True, ("rate_chart_crude_with_denom", "denominator_derived_crude_with_denom")),
])
def test_rate_funnel_points_match_phe_rtol1e9(case: str, rate_type: str, years: int, with_population: bool,
                                                cols: tuple[str, str]) -> None:
    i = ref("funnel_rate_inputs.csv")
    x = i[i.case.str.startswith(case)]
    p = funnel.rate_funnel_points(x.ev, x.rate, x["pop"] if with_population else None, rate_type=rate_type,
                                  years_of_data=years)
    np.testing.assert_allclose(p["rate"], x[cols[0]], rtol=1e-9)
    np.testing.assert_allclose(p["population"], x[cols[1]], rtol=1e-9)


@pytest.mark.parametrize("observed", [0, 1, 4, 9, 10, 57, 500, 3000])
def test_poisson_mean_limit_is_within_5e5_of_scipys_exact_chi_square(observed: int) -> None:
    from scipy import stats

    for tail in funnel.TAILS.values():
        high = funnel.poisson_mean_limit(observed, tail, "high")[0]
        assert high == pytest.approx(stats.chi2.ppf(1 - tail, 2 * observed + 2) / 2, rel=5e-5)
        assert stats.poisson.cdf(observed, high) == pytest.approx(tail, rel=1e-3)
        if observed:
            low = funnel.poisson_mean_limit(observed, tail, "low")[0]
            assert low == pytest.approx(stats.chi2.ppf(tail, 2 * observed) / 2, rel=5e-5)


def test_rate_funnel_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="rate_type"):
        funnel.rate_significance(np.array([10]), np.array([5.0]), rate_type="standardised")
    with pytest.raises(ValueError, match="population="):
        funnel.rate_significance(np.array([0, 10]), np.array([0.0, 5.0]), rate_type="crude")
    with pytest.raises(ValueError, match="side"):
        funnel.poisson_mean_limit(3, 0.025, "middle")
    with pytest.raises(ValueError, match="ratio_type"):
        funnel.ratio_limits(np.array([3]), "smr")


def test_r_style_neat_axis_bounds() -> None:
    # R writes 100000 as "1e+05" (5 characters), which moves OHID's rounding by a digit
    assert funnel._r_nchar(100000) == 5 and funnel._r_nchar(110000) == 6 and funnel._r_nchar(1000) == 4
    assert funnel.funnel_axis(5000, 9000)[0] == 4000
