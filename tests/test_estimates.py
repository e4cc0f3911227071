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
    welch_df,
    welch_diff_ci,
    wilson_ci,
    z_value,
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


# --- planted-bug guards (issue 8, mutation testing): defaults, edge shapes, every branch of estimate() ----------

_Z95 = 1.959963984540054  # scipy.stats.norm.ppf(0.975)


def _quiet(fn, *args, **kw):
    """Call with every warning an error: zero counts and missing sizes must not spill numpy warnings."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kw)


def test_z_value_default_and_bounds():
    assert z_value() == pytest.approx(_Z95, rel=1e-12)
    assert z_value(0.998) == pytest.approx(3.090232306167813, rel=1e-12)
    for bad in (0, 1, 1.5, -0.5, 95):
        with pytest.raises(ValueError, match="between 0 and 1"):
            z_value(bad)


def test_defaults_are_95_percent():
    # each function's default level is 95% (OHID's PHEindicatormethods reference values at 95%)
    assert [round(float(v), 4) for v in byar_ci(65)] == [50.1632, 82.8491]
    v, lo, hi = rate_ci(65, 100_000)  # per 100,000 by default
    assert float(v) == pytest.approx(65.0) and round(float(lo), 4) == 50.1632
    lo, hi = t_ci(10.0, 1.0, 8)
    assert float(hi) == pytest.approx(10 + 2.364624251592784, rel=1e-12)  # scipy.stats.t.ppf(0.975, 7)
    m, lo, hi = mean_ci([1.0, 2.0, 3.0])
    from scipy import stats

    assert lo == pytest.approx(2 - stats.t.ppf(0.975, 2) / np.sqrt(3), rel=1e-12)  # sd = 1


def test_level_reaches_statsmodels():
    # at 99.8% every interval is wider than at 95%, and equals statsmodels' own at alpha = 0.002
    from statsmodels.stats.proportion import confint_proportions_2indep

    for fn, method, args in ((newcombe_diff_ci, "newcomb", (56, 70, 48, 80)), (katz_ratio_ci, "log", (56, 70, 48, 80)),
                             (katz_ratio_ci, "log-adjusted", (0, 70, 48, 80))):
        lo, hi = fn(*args, level=0.998)
        el, eh = confint_proportions_2indep(*args, method=method, compare="diff" if fn is newcombe_diff_ci else "ratio",
                                            alpha=0.002)
        if method == "log-adjusted":
            el = 0.0  # x1 = 0: the ratio is 0, so the lower limit is 0
        assert float(lo) == pytest.approx(el, rel=1e-9) and float(hi) == pytest.approx(eh, rel=1e-9)


def test_katz_equals_statsmodels_on_many_tables():
    # the written-out Katz interval is statsmodels' log interval, table by table, at 95% and 99.8%,
    # with the 0.5-adjusted form only where a count is zero
    from statsmodels.stats.proportion import confint_proportions_2indep

    rng = np.random.default_rng(8)
    n1, n2 = rng.integers(1, 3000, 2000).astype(float), rng.integers(1, 3000, 2000).astype(float)
    x1, x2 = np.floor(n1 * rng.uniform(0, 1, 2000)), np.floor(n2 * rng.uniform(0, 1, 2000))
    x1[:5], x2[5:10] = 0, 0
    for level in (0.95, 0.998):
        lo, hi = katz_ratio_ci(x1, n1, x2, n2, level=level)
        el, eh = confint_proportions_2indep(x1, n1, x2, n2, method="log", compare="ratio", alpha=1 - level)
        al, ah = confint_proportions_2indep(x1, n1, x2, n2, method="log-adjusted", compare="ratio", alpha=1 - level)
        zero = (x1 == 0) | (x2 == 0)
        np.testing.assert_allclose(lo[~zero], el[~zero], rtol=1e-12)
        np.testing.assert_allclose(hi[~zero], eh[~zero], rtol=1e-12)
        np.testing.assert_allclose(hi[:5], ah[:5], rtol=1e-12)  # x1 = 0: adjusted upper limit, lower limit 0
        assert (lo[:5] == 0).all()
        np.testing.assert_allclose(lo[5:10], al[5:10], rtol=1e-12)  # x2 = 0: adjusted lower limit, upper infinite
        assert np.isinf(hi[5:10]).all()


def test_inputs_of_any_numeric_type_and_shape():
    # object columns (a pandas column with a missing value) and scalars against arrays broadcast
    lo, hi = _quiet(wilson_ci, pd.Series([81, None], dtype=object), [263, 263])
    assert round(float(lo[0]), 4) == 0.2553 and np.isnan(lo[1]) and np.isnan(hi[1])
    lo, hi = wilson_ci(81, [263, 263])
    assert lo.shape == (2,) and round(float(hi[1]), 4) == 0.3662
    lo, hi = wilson_ci([81, 81], 263)
    assert lo.shape == (2,) and hi.shape == (2,)


def test_zero_and_missing_sizes_give_nan_quietly():
    lo, hi = _quiet(wilson_ci, [0, 5, np.nan, 5], [0, np.nan, 10, 0])
    assert np.isnan(lo).all() and np.isnan(hi).all()
    for fn in (newcombe_diff_ci, katz_ratio_ci):
        lo, hi = _quiet(fn, [5, 5, 5, np.nan], [0, 10, 10, 10], [3, 3, np.nan, 3], [10, 0, 10, 10])
        assert np.isnan(lo).all() and np.isnan(hi).all() and lo.dtype == float, fn.__name__
    # no people on one side: no ratio at all, not 0 or infinity
    lo, hi = _quiet(katz_ratio_ci, [0, 5, 0], [0, 10, 10], [5, 0, 0], [10, 0, 0])
    assert np.isnan(lo).all() and np.isnan(hi).all()
    lo, hi = _quiet(katz_ratio_ci, [0, 5], [10, 10], [5, 0], [10, 10])  # zero counts: no warnings either
    assert lo[0] == 0.0 and np.isinf(hi[1])
    lo, hi = _quiet(byar_ci, [0, 1, 10])
    assert lo[0] == 0.0 and hi[0] == pytest.approx(1 * (1 - 1 / 9 + _Z95 / 3) ** 3)  # Byar's upper at x = 0
    lo, hi = _quiet(exact_poisson_ci, [0, np.nan])
    assert lo[0] == 0.0 and np.isnan(hi[1])
    v, lo, hi = _quiet(rate_ci, [5, 5], [0, np.nan])
    assert np.isnan(v).all() and np.isnan(lo).all()
    assert np.isfinite(_quiet(welch_df, 1.0, 1, 1.0, 10))
    m, lo, hi = _quiet(mean_ci, [])
    assert np.isnan(m) and np.isnan(lo) and np.isnan(hi)
    m, lo, hi = _quiet(mean_ci, [5.0, np.nan])  # one value: a mean, no interval
    assert m == 5.0 and np.isnan(lo) and np.isnan(hi)


def test_katz_with_samples_of_one():
    # n = 1 is a valid (if tiny) sample: the formula still applies
    lo, hi = katz_ratio_ci(1, 1, 2, 4)
    se = np.sqrt(1 / 1 - 1 / 1 + 1 / 2 - 1 / 4)
    assert float(lo) == pytest.approx(2 * np.exp(-_Z95 * se)) and float(hi) == pytest.approx(2 * np.exp(_Z95 * se))
    lo, hi = katz_ratio_ci(2, 4, 1, 1)
    assert float(lo) == pytest.approx(0.5 * np.exp(-_Z95 * se))


def test_rate_exact_below_ten_byar_from_ten():
    # OHID phe_rate: exact Poisson for fewer than 10 events, Byar from 10
    for x in (9, 10, 11):
        v, lo, hi = rate_ci(x, 1.0, 1.0)
        expected = exact_poisson_ci(x) if x < 10 else byar_ci(x)
        assert (float(lo), float(hi)) == pytest.approx(tuple(float(e) for e in expected), rel=1e-12), x
    v, lo, hi = rate_ci(5, 1, 1.0)  # a denominator of one person-year is still a denominator
    assert float(v) == 5.0 and np.isfinite(lo)
    lo, hi = byar_ci(0)
    assert float(lo) == 0.0


def test_t_ci_quantile_by_sample_size():
    from scipy import stats

    for n, q in ((np.nan, _Z95), (1, _Z95), (0, _Z95), (2, stats.t.ppf(0.975, 1)), (3, stats.t.ppf(0.975, 2))):
        lo, hi = t_ci(10.0, 1.0, n)
        assert (float(lo), float(hi)) == pytest.approx((10 - q, 10 + q), rel=1e-12), n


def test_mean_ci_of_two_values():
    m, lo, hi = mean_ci([1.0, 3.0])
    from scipy import stats

    half = stats.t.ppf(0.975, 1) * np.sqrt(2) / np.sqrt(2)  # t(1 df) * sd / sqrt(n), sd = sqrt(2)
    assert m == 2.0 and (lo, hi) == pytest.approx((2 - half, 2 + half), rel=1e-12)


def test_welch_degrees_of_freedom_edges():
    from scipy import stats

    # v2 = 0: df = (v1)^2 / (v1^2 / (n1 - 1)) = n1 - 1 = 1
    lo, hi = welch_diff_ci(10, 1, 2, 8, 0, 2)
    q = stats.t.ppf(0.975, 1)
    assert (float(lo), float(hi)) == pytest.approx((2 - q, 2 + q), rel=1e-12)
    # a Kish effective size between 1 and 2 gives fractional degrees of freedom below 1
    df = float(welch_df(1, 1.25, 1, 1.25))
    assert df == pytest.approx(0.5)  # (1 + 1)^2 / (1 / 0.25 + 1 / 0.25)
    lo, hi = welch_diff_ci(10, 1, 1.25, 8, 1, 1.25)
    q = stats.t.ppf(0.975, df) * np.sqrt(2)
    assert (float(lo), float(hi)) == pytest.approx((2 - q, 2 + q), rel=1e-12)
    # one observation on a side (df 0) or an unknown size: the normal quantile
    for n1 in (1, np.nan):
        lo, hi = welch_diff_ci(10, 1, n1, 8, 1, 30)
        assert (float(lo), float(hi)) == pytest.approx((2 - _Z95 * np.sqrt(2), 2 + _Z95 * np.sqrt(2)), rel=1e-12)


def _row(**kw):
    base = {"indicator": "x", "value": np.nan, "kind": "score", "unit": "", "multiplier": np.nan, "ci_level": 0.95}
    return {**base, **kw}


def _expected_rows():
    """Each shape estimate() handles, with the interval worked out here from scipy/statsmodels or by hand."""
    from scipy import stats
    from statsmodels.stats.proportion import proportion_confint

    def wilson(x, n, s):
        lo, hi = proportion_confint(x, n, method="wilson")
        return lo * s, hi * s, np.sqrt(x / n * (1 - x / n) / n) * s

    def poisson(x, n, s):  # exact (Garwood) below 10, Byar otherwise: by hand
        if x < 10:
            lo, hi = stats.chi2.ppf(0.025, 2 * x) / 2, stats.chi2.ppf(0.975, 2 * x + 2) / 2
        else:
            lo = x * (1 - 1 / (9 * x) - _Z95 / (3 * np.sqrt(x))) ** 3
            hi = (x + 1) * (1 - 1 / (9 * (x + 1)) + _Z95 / (3 * np.sqrt(x + 1))) ** 3
        return lo / n * s, hi / n * s, np.sqrt(x) / n * s

    t7 = stats.t.ppf(0.975, 7)
    z90 = stats.norm.ppf(0.95)
    rows = [  # (input row, est, lower, upper, se, ci_method, ci_note, scale, count_num, count_den, weight)
        (_row(value=30.8, numerator=81, denominator=263, kind="proportion", unit="%"),
         30.8, *wilson(81, 263, 100), "Wilson score", None, 100, 81, 263, 263),
        # the multiplier comes from value / (numerator / denominator), not from the unit
        (_row(value=0.308, numerator=81, denominator=263, kind="proportion", unit="%"),
         0.308, *wilson(81, 263, 1), "Wilson score", None, 1, 81, 263, 263),
        (_row(value=30.8, numerator=81, denominator=263, kind="proportion", unit="per cent"),
         30.8, *wilson(81, 263, 100), "Wilson score", None, 100, 81, 263, 263),
        (_row(value=30.8, numerator=81, denominator=263, kind="proportion", multiplier=100.0),
         30.8, *wilson(81, 263, 100), "Wilson score", None, 100, 81, 263, 263),
        (_row(numerator=81, denominator=263, kind="proportion", multiplier=100.0),  # no value: from the counts
         100 * 81 / 263, *wilson(81, 263, 100), "Wilson score", None, 100, 81, 263, 263),
        (_row(value=65.0, numerator=65, denominator=100_000, kind="rate", multiplier=100_000.0),
         65.0, *poisson(65, 100_000, 100_000), "Byar", None, 100_000, 65, 100_000, 100_000),
        (_row(value=10.0, numerator=10, denominator=100_000, kind="rate", multiplier=100_000.0),
         10.0, *poisson(10, 100_000, 100_000), "Byar", None, 100_000, 10, 100_000, 100_000),
        (_row(value=9.0, numerator=9, denominator=100_000, kind="rate", multiplier=100_000.0),
         9.0, *poisson(9, 100_000, 100_000), "exact Poisson", None, 100_000, 9, 100_000, 100_000),
        (_row(value=4.0, numerator=4, denominator=1000, kind="rate"),  # per 1,000 from the data
         4.0, *poisson(4, 1000, 1000), "exact Poisson", None, 1000, 4, 1000, 1000),
        (_row(numerator=65, denominator=1000, kind="rate", multiplier=1000.0),
         65.0, *poisson(65, 1000, 1000), "Byar", None, 1000, 65, 1000, 1000),
        # a published percentage with only its sample size: the counts it implies (45% of 200 = 90)
        (_row(value=45.0, n=200, kind="proportion", unit="%"),
         45.0, *wilson(90, 200, 100), "Wilson score (counts implied by value and sample size)", None, 100, 90, 200, 200),
        (_row(value=45.0, n=200, lower=40.0, kind="proportion", unit="%"),  # half an interval is no interval
         45.0, *wilson(90, 200, 100), "Wilson score (counts implied by value and sample size)", None, 100, 90, 200, 200),
        # a standard error: Student's t for a mean with n, the normal otherwise
        (_row(value=50.0, se=2.0, n=8, kind="mean"),
         50.0, 50 - t7 * 2, 50 + t7 * 2, 2.0, "Student's t from standard error", None, np.nan, np.nan, np.nan, 8),
        (_row(value=50.0, se=2.0, kind="mean"),
         50.0, 50 - _Z95 * 2, 50 + _Z95 * 2, 2.0, "normal from standard error", None, np.nan, np.nan, np.nan, np.nan),
        (_row(value=50.0, se=2.0, n=1, kind="mean"),
         50.0, 50 - _Z95 * 2, 50 + _Z95 * 2, 2.0, "normal from standard error", None, np.nan, np.nan, np.nan, 1),
        (_row(value=50.0, se=2.0, n=8, kind="score"),
         50.0, 50 - _Z95 * 2, 50 + _Z95 * 2, 2.0, "normal from standard error", None, np.nan, np.nan, np.nan, 8),
        (_row(value=45.0, se=3.5, n=200, kind="proportion", unit="%"),  # a survey's own standard error wins
         45.0, 45 - _Z95 * 3.5, 45 + _Z95 * 3.5, 3.5, "normal from standard error", None, np.nan, np.nan, np.nan, 200),
        # a published interval: kept at its own level, rebuilt from its standard error at another
        (_row(value=80.0, lower=79.0, upper=81.0, kind="life_expectancy"),
         80.0, 79.0, 81.0, 2 / (2 * _Z95), "published interval", None, np.nan, np.nan, np.nan, np.nan),
        (_row(value=80.0, lower=79.0, upper=81.0, kind="life_expectancy", ci_level=np.nan),
         80.0, 79.0, 81.0, 2 / (2 * _Z95), "published interval", None, np.nan, np.nan, np.nan, np.nan),
        (_row(value=80.0, lower=79.0, upper=81.5, kind="life_expectancy", ci_level=0.90),
         80.0, 80 - _Z95 * 2.5 / (2 * z90), 80 + _Z95 * 2.5 / (2 * z90), 2.5 / (2 * z90), "rebuilt from published interval",
         None, np.nan, np.nan, np.nan, np.nan),
        (_row(value=45.0, n=200, lower=40.0, upper=50.0, kind="proportion", unit="%"),
         45.0, 40.0, 50.0, 10 / (2 * _Z95), "published interval", None, np.nan, np.nan, np.nan, 200),
        # nothing to go on, or nothing at all
        (_row(value=80.0), 80.0, np.nan, np.nan, np.nan, "none",
         "no counts, standard error or interval published, so no confidence interval", np.nan, np.nan, np.nan, np.nan),
        (_row(value=80.0, upper=81.0), 80.0, np.nan, np.nan, np.nan, "none",
         "no counts, standard error or interval published, so no confidence interval", np.nan, np.nan, np.nan, np.nan),
        (_row(n=50), np.nan, np.nan, np.nan, np.nan, "none", "no value", np.nan, np.nan, np.nan, 50),
        (_row(value=80.0, suppressed=True), 80.0, np.nan, np.nan, np.nan, "none", "suppressed (small numbers)",
         np.nan, np.nan, np.nan, np.nan),
        # a rate whose value is not its counts' ratio (a standardised rate): the counts are not used
        (_row(value=66.0, numerator=65, denominator=1000, kind="rate", multiplier=1000.0), 66.0, np.nan, np.nan,
         np.nan, "none", "no counts, standard error or interval published, so no confidence interval",
         np.nan, np.nan, np.nan, 1000),
        (_row(value=65.5, numerator=65, denominator=1000, kind="rate", multiplier=1000.0),  # within 1%: rounding
         65.5, *poisson(65, 1000, 1000), "Byar", None, 1000, 65, 1000, 1000),
        # counts of a kind with no count-based interval (a score) are not used either
        (_row(value=30.8, numerator=81, denominator=263, kind="score", multiplier=100.0), 30.8, np.nan, np.nan,
         np.nan, "none", "no counts, standard error or interval published, so no confidence interval",
         np.nan, np.nan, np.nan, 263),
        # edges of the sizes: one person is a sample, none is not
        (_row(value=100.0, numerator=1, denominator=1, kind="proportion", unit="%"),
         100.0, *wilson(1, 1, 100), "Wilson score", None, 100, 1, 1, 1),
        (_row(value=100.0, n=1, kind="proportion", unit="%"),
         100.0, *wilson(1, 1, 100), "Wilson score (counts implied by value and sample size)", None, 100, 1, 1, 1),
        (_row(value=45.0, n=0, kind="proportion", unit="%"), 45.0, np.nan, np.nan, np.nan, "none",
         "no counts, standard error or interval published, so no confidence interval", np.nan, np.nan, np.nan, 0),
        (_row(numerator=0, denominator=0, kind="rate", multiplier=1000.0), np.nan, np.nan, np.nan, np.nan, "none",
         "no value", np.nan, np.nan, np.nan, 0),
        (_row(value=50.0, se=2.0, n=2, kind="mean"), 50.0, 50 - stats.t.ppf(0.975, 1) * 2,
         50 + stats.t.ppf(0.975, 1) * 2, 2.0, "Student's t from standard error", None, np.nan, np.nan, np.nan, 2),
        # a published interval at the level asked for is kept as published, even when it is not symmetric
        (_row(value=80.0, lower=78.5, upper=81.0, kind="life_expectancy"),
         80.0, 78.5, 81.0, 2.5 / (2 * _Z95), "published interval", None, np.nan, np.nan, np.nan, np.nan),
        # a rate's multiplier: from value / (numerator / denominator) when there is a value; with none, per
        # cent when the unit says so, else per 1
        (_row(value=0.05, numerator=5, denominator=100, kind="rate", unit="%"),
         0.05, *poisson(5, 100, 1), "exact Poisson", None, 1, 5, 100, 100),
        (_row(numerator=5, denominator=100, kind="rate", unit="%"),
         5.0, *poisson(5, 100, 100), "exact Poisson", None, 100, 5, 100, 100),
        (_row(numerator=5, denominator=100, kind="rate"),
         0.05, *poisson(5, 100, 1), "exact Poisson", None, 1, 5, 100, 100),
        (_row(value=0.0, numerator=0, denominator=0, kind="rate", multiplier=1000.0), 0.0, np.nan, np.nan, np.nan,
         "none", "no counts, standard error or interval published, so no confidence interval", np.nan, np.nan,
         np.nan, 0),
    ]
    return rows


def test_estimate_every_shape():
    rows = _expected_rows()
    obs = pd.DataFrame([r[0] for r in rows])
    obs["suppressed"] = obs["suppressed"].astype("boolean").fillna(False).astype(bool)
    out = _quiet(estimate, obs)
    cols = ["est", "est_lower", "est_upper", "se_est", "ci_method", "ci_note", "scale", "count_num", "count_den",
            "weight"]
    for i, r in enumerate(rows):
        got = out.iloc[i]
        for c, e in zip(cols, r[1:], strict=True):
            if e is None:
                assert pd.isna(got[c]), (i, c, got[c])
            elif isinstance(e, str):
                assert got[c] == e, (i, c, got[c], e)
            else:
                assert float(got[c]) == pytest.approx(e, rel=1e-9, nan_ok=True), (i, c, got[c], e)
        assert bool(got["has_counts"]) == np.isfinite(r[8]), (i, "has_counts")
    for c in ("est", "est_lower", "est_upper", "se_est", "scale", "count_num", "count_den", "weight"):
        assert out[c].dtype == float, c
    # rows keep their own index (a filtered table): the same answers, row by row
    shifted = _quiet(estimate, obs.set_axis(obs.index * 3 + 7))
    pd.testing.assert_frame_equal(shifted.reset_index(drop=True), out.reset_index(drop=True))


def test_estimate_without_optional_columns():
    # only a value and a standard error: the defaults (no unit, kind score, 95% published level) apply
    out = _quiet(estimate, pd.DataFrame({"value": [50.0, 60.0], "se": [2.0, np.nan], "lower": [np.nan, 58.0],
                                         "upper": [np.nan, 62.0]}))
    assert out["ci_method"].tolist() == ["normal from standard error", "published interval"]
    assert out["est_lower"].tolist() == pytest.approx([50 - _Z95 * 2, 58.0])
    assert out["se_est"].tolist() == pytest.approx([2.0, 4 / (2 * _Z95)])
    assert out["weight"].isna().all() and not out["has_counts"].any() and out["ci_note"].isna().all()
    wide = _quiet(estimate, pd.DataFrame({"value": [60.0], "lower": [58.0], "upper": [62.0]}), 0.998)
    assert wide.loc[0, "est_lower"] == pytest.approx(60 - 3.090232306167813 * 4 / (2 * _Z95))
    # a proportion with its counts and nothing else said: the scale comes from the counts, 100 with unit %
    out = _quiet(estimate, pd.DataFrame({"value": [45.0], "n": [200], "kind": ["proportion"], "unit": ["%"]}))
    assert out.loc[0, "scale"] == 100 and out.loc[0, "count_num"] == 90


def test_estimate_level_reaches_every_method():
    rows = [_row(value=30.8, numerator=81, denominator=263, kind="proportion", unit="%"),
            _row(value=65.0, numerator=65, denominator=100_000, kind="rate", multiplier=100_000.0),
            _row(value=50.0, se=2.0, n=8, kind="mean")]
    out = estimate(pd.DataFrame(rows), 0.998)
    lo, _ = wilson_ci(81, 263, 0.998)
    rl, _ = byar_ci(65, 0.998)
    tl, _ = t_ci(50.0, 2.0, 8, 0.998)
    assert out["est_lower"].tolist() == pytest.approx([100 * float(lo), float(rl), float(tl)], rel=1e-12)


def test_estimate_never_uses_counts_for_a_standardised_rate():
    # a directly standardised rate of 100 per 100,000 published with its crude counts (65 deaths in 100,000):
    # the counts are not the value's, so Byar's interval around 65 (50.2 to 82.8) must not be given to the 100
    obs = pd.DataFrame([_row(value=100.0, numerator=65, denominator=100_000, kind="rate", multiplier=100_000.0)])
    out = estimate(obs)
    assert out.loc[0, "ci_method"] == "none" and not out.loc[0, "has_counts"]
    # but publication rounding of a crude rate is still accepted: 65.04 per 100,000 is 65 / 100,000
    obs["value"] = 65.04
    assert estimate(obs).loc[0, "ci_method"] == "Byar"


# --- mutation testing, second pass (issue 8, item 6) ----------------------------------------------------------------

def test_t_ci_with_a_fractional_sample_size():
    # a Kish effective sample size of 1.5: Student's t with n - 1 = 0.5 degrees of freedom
    from scipy import stats

    lo, hi = t_ci(10.0, 1.0, 1.5)
    q = stats.t.ppf(0.975, 0.5)
    assert (float(lo), float(hi)) == pytest.approx((10 - q, 10 + q), rel=1e-12)


def test_welch_with_no_spread_in_either_group():
    # both standard errors 0 (every value the same): the degrees of freedom are 0 / 0, undefined (NaN, quietly),
    # and the interval is the difference itself
    assert np.isnan(_quiet(welch_df, 0.0, 5, 0.0, 5))
    lo, hi = _quiet(welch_diff_ci, 10, 0, 5, 8, 0, 5)
    assert (float(lo), float(hi)) == (2.0, 2.0)


def test_estimate_student_t_uses_the_effective_sample_size():
    # a weighted survey mean of 100 respondents with Kish effective size 5: t with 4 degrees of freedom;
    # where n_eff is blank, n (8) gives 7
    from scipy import stats

    obs = pd.DataFrame([_row(value=50.0, se=2.0, n=100, n_eff=5.0, kind="mean"),
                        _row(value=50.0, se=2.0, n=8, n_eff=np.nan, kind="mean")])
    out = _quiet(estimate, obs)
    q4, q7 = stats.t.ppf(0.975, 4), stats.t.ppf(0.975, 7)
    assert out["est_lower"].tolist() == pytest.approx([50 - 2 * q4, 50 - 2 * q7], rel=1e-12)
    assert out["n_df"].tolist() == [5.0, 8.0] and out["n_df"].dtype == float


def test_estimate_without_inferring_kinds():
    # infer=False (the caller has inferred already, as gaps does): a blank kind stays blank, so counts give no
    # interval, nothing is warned, and the caller's table is left as it was
    obs = pd.DataFrame({"indicator": "x", "value": [30.8], "numerator": [81], "denominator": [263]})
    before = obs.copy()
    out = _quiet(estimate, obs, infer=False)
    assert out.loc[0, "ci_method"] == "none" and np.isnan(out.loc[0, "est_lower"])
    pd.testing.assert_frame_equal(obs, before)
    # with no kind column at all the rows are scores, whatever their row labels: a standard error gives the
    # normal interval even with n (Student's t is for means), counts give none
    scores = pd.DataFrame({"value": [50.0, 30.8], "se": [2.0, np.nan], "n": [8, np.nan], "numerator": [np.nan, 81],
                           "denominator": [np.nan, 263]}, index=[7, 10])
    out = _quiet(estimate, scores, infer=False)
    assert out["ci_method"].tolist() == ["normal from standard error", "none"]
    assert out["est_lower"].tolist() == pytest.approx([50 - _Z95 * 2, np.nan], rel=1e-12, nan_ok=True)


def test_estimate_reads_a_suppressed_flag_of_objects():
    # a flag column of Python objects (True / False / None, as a spreadsheet reader gives it): only True is
    # suppressed, a blank is not
    obs = pd.DataFrame([_row(value=80.0), _row(value=81.0), _row(value=82.0)])
    obs["suppressed"] = pd.Series([True, False, None], dtype=object)
    out = _quiet(estimate, obs)
    none = "no counts, standard error or interval published, so no confidence interval"
    assert out["ci_note"].tolist() == ["suppressed (small numbers)", none, none]


def test_estimate_tiny_percentage_published_as_zero():
    # 3 of 100,000 is 0.003%, published as 0.0%: the counts agree within rounding, no multiplier is given, and
    # value / (3 / 100,000) = 0 says nothing of the scale, so the unit % does: per cent
    from scipy import stats
    from statsmodels.stats.proportion import proportion_confint

    obs = pd.DataFrame([_row(value=0.0, numerator=3, denominator=100_000, kind="proportion", unit="%"),
                        _row(value=0.0, numerator=3, denominator=100_000, kind="rate")])
    out = _quiet(estimate, obs)
    lo, hi = proportion_confint(3, 100_000, method="wilson")
    assert out.loc[0, "scale"] == 100.0 and out.loc[0, "ci_method"] == "Wilson score"
    assert (out.loc[0, "est_lower"], out.loc[0, "est_upper"]) == pytest.approx((100 * lo, 100 * hi), rel=1e-12)
    # a rate per head published as 0.0 with no unit: per 1; 3 events, so exact Poisson (Garwood)
    assert out.loc[1, "scale"] == 1.0 and out.loc[1, "ci_method"] == "exact Poisson"
    assert out.loc[1, "est_upper"] == pytest.approx(stats.chi2.ppf(0.975, 8) / 2 / 100_000, rel=1e-12)
    # the same without infer_kind (which would fill the multiplier 100 from the unit): estimate reads the unit itself
    plain = _quiet(estimate, obs, infer=False)
    assert plain["scale"].tolist() == [100.0, 1.0]
    assert plain["est_lower"].tolist() == pytest.approx(out["est_lower"].tolist(), rel=1e-12)


def test_estimate_coded_methods_and_notes():
    # coded=True gives ci_method and ci_note as categoricals of the same texts, on the table's own row labels;
    # the default is plain text
    obs = pd.DataFrame([_row(value=30.8, numerator=81, denominator=263, kind="proportion", unit="%"),
                        _row(value=80.0), _row(n=50)], index=[5, 9, 2])
    text = _quiet(estimate, obs)
    coded = _quiet(estimate, obs, coded=True)
    assert not isinstance(text["ci_method"].dtype, pd.CategoricalDtype)
    assert not isinstance(text["ci_note"].dtype, pd.CategoricalDtype)
    for c in ("ci_method", "ci_note"):
        assert isinstance(coded[c].dtype, pd.CategoricalDtype), c
        assert coded[c].index.equals(obs.index), c
    assert coded["ci_method"].tolist() == ["Wilson score", "none", "none"]
    assert pd.isna(coded["ci_note"].iloc[0]) and coded["ci_note"].tolist()[1:] == [
        "no counts, standard error or interval published, so no confidence interval", "no value"]
    assert text["ci_method"].tolist() == coded["ci_method"].tolist()


def test_katz_zero_counts_when_numpy_raises_on_floating_point_errors():
    # np.seterr(all="raise") (a common debugging setting) must not turn the zero-count rows into an error:
    # 1/0 and log(0) (divide) and inf - inf (invalid) happen on the way to the 0.5-adjusted limits.
    # Limits by statsmodels: "log" where no count is zero, "log-adjusted" where one is, widened to 0 / infinity
    from statsmodels.stats.proportion import confint_proportions_2indep

    x1, n1, x2, n2 = [0, 5, 5], [10, 10, 10], [5, 0, 10], [10, 10, 10]
    with np.errstate(all="raise"):
        lo, hi = katz_ratio_ci(x1, n1, x2, n2)
    _, ah0 = confint_proportions_2indep(0, 10, 5, 10, method="log-adjusted", compare="ratio")
    al1, _ = confint_proportions_2indep(5, 10, 0, 10, method="log-adjusted", compare="ratio")
    el2, eh2 = confint_proportions_2indep(5, 10, 10, 10, method="log", compare="ratio")
    assert lo[0] == 0.0 and hi[0] == pytest.approx(ah0, rel=1e-12)
    assert lo[1] == pytest.approx(al1, rel=1e-12) and np.isinf(hi[1])
    assert (lo[2], hi[2]) == pytest.approx((el2, eh2), rel=1e-12)
