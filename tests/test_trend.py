"""ev.trend: Fingertips' recent-trend test, checked against statsmodels and by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.contingency_tables import Table

import evidence as ev
from evidence.trend import chi2_trend_proportion, chi2_trend_weighted, trend

YEARS = [str(y) for y in range(2016, 2023)]


def test_chi2_for_trend_in_proportions_hand_derived() -> None:
    # r = 10, 20, 30 of 100 at t = 1, 2, 3: p = 0.2, t̄ = 2, Σn(t − t̄)² = 200, β = 20/200, χ² = β²·200/(0.2·0.8)
    b, chi2 = chi2_trend_proportion(np.array([10, 20, 30]), np.array([100, 100, 100]), np.array([1, 2, 3]))
    assert b == pytest.approx(0.1) and chi2 == pytest.approx(12.5)


def test_chi2_for_trend_in_proportions_equals_statsmodels_linear_by_linear_times_N_over_N_minus_1() -> None:
    r, n, t = np.array([120, 135, 150, 149, 170.0]), np.array([1000, 1010, 990, 1005, 1000.0]), np.arange(2018, 2023.0)
    _, chi2 = chi2_trend_proportion(r, n, t)
    z = Table(np.column_stack([r, n - r])).test_ordinal_association(row_scores=t, col_scores=np.array([1.0, 0.0])).zscore
    assert chi2 == pytest.approx(z**2 * n.sum() / (n.sum() - 1), rel=1e-8)  # Mantel's M² uses N − 1, Armitage N


def test_weighted_regression_equals_statsmodels_wls_with_known_variances() -> None:
    y, se, t = np.array([70.1, 70.5, 71.2, 71.0, 71.9]), np.array([0.3, 0.25, 0.3, 0.35, 0.3]), np.arange(2018, 2023.0)
    b, chi2 = chi2_trend_weighted(y, se, t)
    fit = sm.WLS(y, sm.add_constant(t), weights=1 / se**2).fit(cov_type="fixed scale")
    assert b == pytest.approx(fit.params[1], rel=1e-10)
    assert chi2 == pytest.approx((fit.params[1] / fit.bse[1]) ** 2, rel=1e-10)


def _obs(groups: dict[str, list[float]], n: int = 2000, polarity: str = "higher_is_better",
         periods: list[str] = YEARS) -> pd.DataFrame:
    rows = []
    for g, values in groups.items():
        for p, v in zip(periods, values, strict=True):
            rows.append({"indicator": "employment_rate", "period": p, "characteristic": "All" if g == "All" else "disability",
                         "group": g, "numerator": round(v / 100 * n), "denominator": n})
    df = pd.DataFrame(rows)
    df["value"] = 100 * df.numerator / df.denominator
    df["kind"], df["polarity"] = "proportion", polarity
    return df


def test_widening_gap_over_every_one_of_the_last_five_years() -> None:
    obs = _obs({"All": [74, 74, 74, 74, 74, 74, 74],
                "Disabled": [52, 52, 50, 48, 46, 44, 42],
                "Not disabled": [80, 80, 80.5, 81, 81.5, 82, 82.5]}, n=4000)
    t = trend(obs).set_index(["group", "series"])
    d = t.loc[("Disabled", "value")]
    assert (d.direction, d.assessment, d.first_period, d.last_period, d.points) == \
        ("decreasing", "getting_worse", "2018", "2022", 5)
    assert d.run == -4 and d.change == pytest.approx(-8.0, abs=0.01)
    assert d.method.startswith("chi-squared")
    gap = t.loc[("Disabled", "gap")]
    assert gap.direction == "increasing" and gap.assessment == "widening" and gap.run == 4
    assert gap.method.startswith("inverse-variance")
    assert t.loc[("All", "value"), "direction"] == "no_significant_change"


def test_lower_is_better_falling_is_getting_better() -> None:
    obs = _obs({"All": [20, 19, 18, 17, 16, 15, 14]}, n=5000, polarity="lower_is_better")
    row = trend(obs).iloc[0]
    assert row.direction == "decreasing" and row.assessment == "getting_better"


def test_noise_is_no_significant_change_at_fingertips_999_level() -> None:
    obs = _obs({"All": [50, 51, 50, 49, 50, 51, 50]}, n=500)
    row = trend(obs).iloc[0]
    assert row.direction == "no_significant_change" and row.p_value > 0.001


def test_significance_level_is_a_choice() -> None:
    # χ² between 3.84 (95%) and 10.83 (99.9%)
    obs = _obs({"All": [50, 50, 50, 51, 52, 52, 53]}, n=5000)
    strict, loose = trend(obs).iloc[0], trend(obs, level=0.95).iloc[0]
    assert 3.84 < strict.chi2 < 10.83
    assert strict.direction == "no_significant_change" and loose.direction == "increasing"


def test_fewer_than_five_points_is_not_calculated() -> None:
    obs = _obs({"All": [50, 52, 54, 56]}, periods=YEARS[:4])
    row = trend(obs).iloc[0]
    assert row.direction == "not_calculated" and "needs 5 points" in row.note


def test_series_break_keeps_only_periods_after_it() -> None:
    obs = _obs({"All": [40, 42, 44, 60, 62, 64, 66]})
    meta = [{"indicator": "employment_rate", "polarity": "higher_is_better", "kind": "proportion",
             "breaks": ["2019"]}]
    row = trend(obs, indicators=meta).iloc[0]
    assert row.direction == "not_calculated" and "series break in 2019" in row.note and row.points == 4
    row = trend(obs.assign(period=[str(2012 + i) for i in range(7)]), indicators=meta).iloc[0]
    assert row.points == 5  # the break at 2019 is after the last period: the last five stand


def test_periods_argument_restricts_the_years() -> None:
    obs = _obs({"All": [40, 42, 44, 46, 48, 50, 52]})
    row = trend(obs, periods=YEARS[:5]).iloc[0]
    assert row.last_period == "2020"


def test_values_with_intervals_only_use_the_weighted_regression() -> None:
    obs = pd.DataFrame({"indicator": "le", "period": YEARS[2:], "characteristic": "All", "group": "All",
                        "value": [80.0, 80.3, 80.9, 81.2, 81.5], "lower": [79.6, 79.9, 80.5, 80.8, 81.1],
                        "upper": [80.4, 80.7, 81.3, 81.6, 81.9], "polarity": "higher_is_better",
                        "kind": "life_expectancy"})
    row = trend(obs).iloc[0]
    se = 0.4 / 1.959963984540054
    b, chi2 = chi2_trend_weighted(obs.value.to_numpy(), np.full(5, se), np.arange(2018, 2023.0))
    assert row.slope == pytest.approx(b) and row.chi2 == pytest.approx(chi2) and row.direction == "increasing"


def test_no_interval_is_not_calculated_with_a_note() -> None:
    obs = pd.DataFrame({"indicator": "x", "period": YEARS[2:], "characteristic": "All", "group": "All",
                        "value": [1.0, 2, 3, 4, 5], "polarity": "higher_is_better"})
    row = trend(obs).iloc[0]
    assert row.direction == "not_calculated" and "confidence interval" in row.note


def test_public_api() -> None:
    assert ev.trend is trend


def test_real_fingertips_next_series() -> None:
    import warnings

    from conftest import shared_file
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        obs = ev.read(shared_file("data", "real",
                                  "fingertips_extract_fingertipsnext_2018_2024_with_ethnicity_deprivation_categories.csv"))
    # 93015 physically inactive adults, England, by ethnic group (lower is better)
    x = obs[(obs.indicator == "93015 (19+ yrs)") & (obs.area == "E92000001")]
    out = trend(x, indicators=[{"indicator": "93015 (19+ yrs)", "polarity": "lower_is_better", "kind": "proportion"}])
    assert len(out) > 5 and set(out.direction) <= {"increasing", "decreasing", "no_significant_change",
                                                    "not_calculated"}
    assert (out.direction != "not_calculated").any()
