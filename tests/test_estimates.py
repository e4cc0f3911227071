"""Confidence intervals against published values and OHID's reference cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import shared_file
from evidence.estimates import (
    byar_ci,
    estimate,
    exact_poisson_ci,
    katz_ratio_ci,
    mean_ci,
    mover_diff_ci,
    newcombe_diff_ci,
    rate_ci,
    se_from_ci,
    t_ci,
    welch_diff_ci,
    wilson_ci,
)


@pytest.mark.parametrize("x,n,lo,hi", [(81, 263, 0.2553, 0.3662), (0, 20, 0.0, 0.1611)])
def test_wilson_published(x, n, lo, hi):
    lo_, hi_ = wilson_ci(x, n)
    assert round(float(lo_), 4) == lo and round(float(hi_), 4) == hi


@pytest.mark.parametrize(
    "x1,n1,x2,n2,lo,hi",
    [(56, 70, 48, 80, 0.0524, 0.3339), (5, 56, 0, 29, -0.0381, 0.1926), (10, 10, 0, 20, 0.6791, 1.0000)],
)
def test_newcombe_published(x1, n1, x2, n2, lo, hi):
    # Newcombe (1998) Statistics in Medicine 17:873-890, Table II, method 10
    lo_, hi_ = newcombe_diff_ci(x1, n1, x2, n2)
    assert round(float(lo_), 4) == lo and round(float(hi_), 4) == hi


def test_newcombe_equals_mover_of_wilson():
    # Newcombe's method 10 is MOVER applied to Wilson intervals: the gap engine relies on it
    x1, n1, x2, n2 = np.array([56, 5, 10, 30]), np.array([70, 56, 10, 90]), np.array([48, 0, 0, 45]), np.array([80, 29, 20, 95])
    l1, h1 = wilson_ci(x1, n1)
    l2, h2 = wilson_ci(x2, n2)
    _, lo, hi = mover_diff_ci(x2 / n2, l2, h2, x1 / n1, l1, h1)
    nl, nh = newcombe_diff_ci(x1, n1, x2, n2)
    np.testing.assert_allclose(lo, nl, atol=1e-12)
    np.testing.assert_allclose(hi, nh, atol=1e-12)


def test_wilson_reference_cases_ohid():
    ref = pd.read_csv(shared_file("data", "reference", "phe", "proportion_wilson.csv"))
    ref = ref[ref["case"] == "row"]
    lo, hi = wilson_ci(ref["numerator"], ref["denominator"], level=0.95)
    for level in (0.95, 0.998):
        sub = ref[ref["confidence"] == level]
        lo, hi = wilson_ci(sub["numerator"], sub["denominator"], level=level)
        np.testing.assert_allclose(lo * sub["multiplier"], sub["expected_lowercl"], rtol=1e-7)
        np.testing.assert_allclose(hi * sub["multiplier"], sub["expected_uppercl"], rtol=1e-7)


def test_byar_and_wilson_reference_cases_ohid():
    ref = pd.read_csv(shared_file("data", "reference", "phe", "byars_wilson_ci.csv"))
    ref = ref[ref["tested_in_R"].astype(str) == "True"]
    for _, r in ref.iterrows():
        if r["method"] == "Byars":
            lo, hi = byar_ci(r["x"], r["confidence"])
        else:
            lo, hi = wilson_ci(r["x"], r["n"], r["confidence"])
        assert float(lo) == pytest.approx(r["expected_lowercl"], rel=1e-7), r["case_id"]
        assert float(hi) == pytest.approx(r["expected_uppercl"], rel=1e-7), r["case_id"]


def test_rate_reference_cases_ohid():
    ref = pd.read_csv(shared_file("data", "reference", "phe", "rate_byars_exact.csv"))
    ref = ref[(ref["case"] == "row") & ref["numerator"].notna() & ref["denominator"].notna()]
    for level in (0.95, 0.998):
        sub = ref[ref["confidence"] == level]
        v, lo, hi = rate_ci(sub["numerator"], sub["denominator"], 1.0, level)
        m = sub["multiplier"].to_numpy()
        np.testing.assert_allclose(v * m, sub["expected_value"], rtol=1e-7)
        np.testing.assert_allclose(lo * m, sub["expected_lowercl"], rtol=1e-7)
        np.testing.assert_allclose(hi * m, sub["expected_uppercl"], rtol=1e-7)


def test_mean_t_reference_cases_ohid():
    values = pd.read_csv(shared_file("data", "reference", "phe", "mean_t_inputs.csv"))
    expected = pd.read_csv(shared_file("data", "reference", "phe", "mean_t_expected.csv"))
    for _, r in expected.iterrows():
        v = values["value"] if r["area"] == "No grouping" else values.loc[values["area"] == r["area"], "value"]
        m, lo, hi = mean_ci(v, r["confidence"])
        assert m == pytest.approx(r["expected_value"], rel=1e-9)
        assert lo == pytest.approx(r["expected_lowercl"], rel=1e-7)
        assert hi == pytest.approx(r["expected_uppercl"], rel=1e-7)


def test_exact_poisson_small_counts():
    lo, hi = exact_poisson_ci(0)
    assert float(lo) == 0 and float(hi) == pytest.approx(3.688879, rel=1e-6)


def test_katz_ratio_matches_formula():
    # log RR ± z sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)
    lo, hi = katz_ratio_ci(56, 70, 48, 80)
    rr = (56 / 70) / (48 / 80)
    se = np.sqrt(1 / 56 - 1 / 70 + 1 / 48 - 1 / 80)
    assert float(lo) == pytest.approx(rr * np.exp(-1.959964 * se), rel=1e-6)
    assert float(hi) == pytest.approx(rr * np.exp(1.959964 * se), rel=1e-6)


def test_katz_ratio_zero_count_keeps_the_adjusted_limit_it_can():
    # x2 = 0: the ratio is infinite; the lower limit is the 0.5-adjusted one, the upper is infinite (issue 8)
    from statsmodels.stats.proportion import confint_proportions_2indep

    lo, hi = katz_ratio_ci(5, 56, 0, 29)
    l2, _ = confint_proportions_2indep(5, 56, 0, 29, method="log-adjusted", compare="ratio")
    assert float(lo) == pytest.approx(l2) and np.isinf(hi)


def test_welch_matches_scipy():
    from scipy import stats

    a = np.array([12.1, 14.3, 11.8, 15.2, 13.3, 12.9])
    b = np.array([10.2, 11.1, 9.8, 12.5, 10.0, 11.9, 10.7])
    lo, hi = welch_diff_ci(a.mean(), a.std(ddof=1) / np.sqrt(6), 6, b.mean(), b.std(ddof=1) / np.sqrt(7), 7)
    res = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert float(lo) == pytest.approx(res.low, rel=1e-9) and float(hi) == pytest.approx(res.high, rel=1e-9)


def test_t_ci_at_998():
    lo, hi = t_ci(53.704345, 20.9755752577093 / np.sqrt(8), 8, 0.998)
    assert float(lo) == pytest.approx(18.2167052947888, rel=1e-7)


def test_se_from_ci_round_trip():
    assert float(se_from_ci(10 - 1.959964 * 2, 10 + 1.959964 * 2)) == pytest.approx(2.0, rel=1e-6)


def test_estimate_uses_published_interval_and_rebuilds_at_other_level():
    obs = pd.DataFrame({"value": [80.0], "lower": [79.0], "upper": [81.0], "kind": ["life_expectancy"],
                        "unit": ["years"], "multiplier": [np.nan], "ci_level": [0.95]})
    same = estimate(obs, 0.95)
    assert same.loc[0, "est_lower"] == 79.0 and same.loc[0, "ci_method"] == "published interval"
    wider = estimate(obs, 0.998)
    assert wider.loc[0, "est_lower"] < 79.0 and wider.loc[0, "ci_method"] == "rebuilt from published interval"


def test_estimate_says_why_no_interval():
    obs = pd.DataFrame({"value": [80.0], "kind": ["score"], "unit": [""], "multiplier": [np.nan], "ci_level": [0.95]})
    out = estimate(obs)
    assert np.isnan(out.loc[0, "est_lower"]) and "no counts" in out.loc[0, "ci_note"]


@given(st.integers(0, 5000), st.integers(1, 5000), st.sampled_from([0.9, 0.95, 0.99, 0.998]))
def test_wilson_within_unit_interval_and_contains_estimate(x, n, level):
    x = min(x, n)
    lo, hi = wilson_ci(x, n, level)
    p = x / n
    assert 0.0 <= lo <= p + 1e-12 and p <= hi + 1e-12 and hi <= 1.0


@given(st.integers(1, 400), st.integers(1, 400), st.integers(1, 400), st.integers(1, 400))
def test_newcombe_contains_difference(x1, n1, x2, n2):
    x1, x2 = min(x1, n1), min(x2, n2)
    lo, hi = newcombe_diff_ci(x1, n1, x2, n2)
    d = x1 / n1 - x2 / n2
    assert lo - 1e-12 <= d <= hi + 1e-12 and -1 <= lo and hi <= 1


@given(st.integers(0, 10_000), st.sampled_from([0.95, 0.998]))
def test_rate_interval_contains_count(x, level):
    v, lo, hi = rate_ci(x, 1000, 1000, level)
    assert lo <= v <= hi


def test_counts_without_kind_get_wilson():
    # before issue 8: no interval and the note "no counts, standard error or interval published"
    from evidence import EvidenceWarning

    obs = pd.DataFrame({"indicator": "x", "value": [30.8], "numerator": [81], "denominator": [263]})
    with pytest.warns(EvidenceWarning, match="inferred"):
        out = estimate(obs)
    lo, hi = wilson_ci(81, 263)
    assert out.loc[0, "ci_method"] == "Wilson score"
    assert out.loc[0, "est_lower"] == pytest.approx(100 * float(lo)) and out.loc[0, "est_upper"] == pytest.approx(100 * float(hi))
    assert "inferred as proportion" in out.loc[0, "kind_note"]


def test_percent_with_n_and_no_unit_is_not_clipped():
    # 45% of 200 given as 45 with no unit: 90 of 200, not "45 as a fraction" clipped to 100%
    obs = pd.DataFrame({"indicator": "x", "value": [45.0], "n": [200], "kind": "proportion"})
    out = estimate(obs)
    lo, hi = wilson_ci(90, 200)
    assert out.loc[0, "est_lower"] == pytest.approx(100 * float(lo)) and out.loc[0, "est_upper"] == pytest.approx(100 * float(hi))


def test_estimate_takes_indicators():
    obs = pd.DataFrame({"indicator": "x", "value": [0.65], "numerator": [65], "denominator": [100]})
    out = estimate(obs, indicators=[{"indicator": "x", "polarity": "higher_is_better", "kind": "rate",
                                     "multiplier": 1.0}])
    el, eh = exact_poisson_ci(65)  # 65 events: Byar, within 0.5% of exact
    assert out.loc[0, "ci_method"] == "Byar" and out.loc[0, "est_lower"] == pytest.approx(float(el) / 100, rel=5e-3)
    assert out.loc[0, "kind_note"] is None


def test_byar_lower_limit_never_below_zero():
    # one event at 99.8%: Byar's cube is negative (1 - 1/9 - 3.09/3 < 0); a count's limit cannot be
    lo, hi = byar_ci(1, level=0.998)
    assert float(lo) == 0.0 and float(hi) > 1
    lo, _ = byar_ci(np.array([1, 2, 10]), level=0.998)
    assert (lo >= 0).all() and float(lo[2]) > 0


def test_katz_interval_contains_a_zero_or_infinite_ratio():
    lo, hi = katz_ratio_ci(0, 20, 5, 20)  # ratio 0
    assert float(lo) == 0.0 and np.isfinite(hi)
    lo, hi = katz_ratio_ci(5, 20, 0, 20)  # ratio infinite
    assert np.isinf(hi) and float(lo) > 0
    lo, hi = katz_ratio_ci(5, 20, 10, 20)  # no zero count: statsmodels' log interval, unchanged
    from statsmodels.stats.proportion import confint_proportions_2indep

    l2, h2 = confint_proportions_2indep(5, 20, 10, 20, method="log", compare="ratio")
    assert float(lo) == pytest.approx(l2) and float(hi) == pytest.approx(h2)
