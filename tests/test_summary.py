"""ev.summary_measures on observations: OHID and WHO references through the table, and edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import evidence as ev
from conftest import shared_file
from evidence.summary import MEASURES, summary_measures


def _phe_obs(first: int, last: int, kind: str, with_counts: bool = False) -> pd.DataFrame:
    inputs = pd.read_csv(shared_file("data", "reference", "phe", "sii_inputs.csv"))
    b = inputs[(inputs.RecordNo >= first) & (inputs.RecordNo <= last)]
    obs = pd.DataFrame({
        "indicator": "x", "period": "2020", "area": b.Area, "characteristic": "imd_decile",
        "group": b.Quantile.astype(str), "value": b.Value, "lower": b.LowerCL, "upper": b.UpperCL,
        "denominator": b.Population, "kind": kind, "polarity": "higher_is_better",
    })
    if with_counts:
        obs["numerator"] = b.Count.to_numpy()
    return obs


def _expected(assertion: int) -> pd.DataFrame:
    e = pd.read_csv(shared_file("data", "reference", "phe", "sii_expected.csv"))
    return e[e.assertion_id == assertion].set_index("area")


@pytest.mark.parametrize(("assertion", "kind", "counts", "transform"), [
    (2, "score", False, False),      # normal values with 95% limits
    (10, "rate", False, False),      # rates: SE from log-transformed limits
    (18, "proportion", False, False),  # proportions: SE from logit-transformed limits
    (19, "proportion", True, False),   # proportions from counts (Wilson limits equal the file's)
    (12, "rate", False, True),       # fitted on the log scale
    (25, "proportion", False, True),   # fitted on the logit scale
])
def test_sii_rii_through_observations_match_phe_sii_expected_points_1e9_limits_5pct_width(
        assertion: int, kind: str, counts: bool, transform: bool) -> None:
    exp = _expected(assertion)
    first, last = int(exp.input_first_record.iloc[0]), int(exp.input_last_record.iloc[0])
    out = summary_measures(_phe_obs(first, last, kind, counts), ["sii", "rii"], transform=transform,
                           suppress_small=False, seed=3).set_index(["area", "measure"])
    for area, e in exp.iterrows():
        for m in ("sii", "rii"):
            row = out.loc[(area, m)]
            assert row.value == pytest.approx(e[f"expected_{m}"], rel=1e-9)
            width = e[f"expected_{m}_uppercl_1"] - e[f"expected_{m}_lowercl_1"]
            assert abs(row.lower - e[f"expected_{m}_lowercl_1"]) < 0.05 * width
            assert abs(row.upper - e[f"expected_{m}_uppercl_1"]) < 0.05 * width


def test_life_expectancy_sii_direction_and_ci_level_99_uses_95pct_limits_for_se() -> None:
    exp = _expected(4)  # 99% limits, standard error from the 95% limits
    obs = _phe_obs(21, 40, "score")
    out = summary_measures(obs, ["sii"], level=0.99, suppress_small=False, seed=5).set_index("area")
    for area, e in exp.iterrows():
        width = e.expected_sii_uppercl_1 - e.expected_sii_lowercl_1
        assert abs(out.loc[area, "lower"] - e.expected_sii_lowercl_1) < 0.05 * width
        assert abs(out.loc[area, "upper"] - e.expected_sii_uppercl_1) < 0.05 * width
    # higher is better and values rise from most to least deprived: the deprived are worse off
    assert set(out["direction"]) == {"disadvantaged_worse"}


def _heat_obs() -> pd.DataFrame:
    h = pd.read_csv(shared_file("data", "reference", "heat", "healthequal_ordered_inputs.csv"))
    return pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "wealth_quintile",
                         "group": h.subgroup_order.astype(str), "value": h.est, "se": h.se, "n": h["pop"],
                         "polarity": "higher_is_better"})


def test_heat_aci_rci_par_paf_match_healthequal_at_R_test_tolerance() -> None:
    exp = pd.read_csv(shared_file("data", "reference", "heat", "healthequal_ordered_expected.csv")).set_index("measure")
    out = summary_measures(_heat_obs(), ["aci", "rci", "par", "paf"], suppress_small=False).set_index("measure")
    for m, name in (("aci", "aci"), ("rci", "rci"), ("par", "parisk"), ("paf", "paf")):
        tol = float(exp.loc[name, "tolerance_in_R_test"])
        assert out.loc[m, "value"] == pytest.approx(exp.loc[name, "expected_estimate"], rel=tol), m
    for m in ("aci", "rci"):  # the regression intervals too
        tol = float(exp.loc[m, "tolerance_in_R_test"])
        assert out.loc[m, "lower"] == pytest.approx(exp.loc[m, "expected_lowerci"], rel=tol)
        assert out.loc[m, "upper"] == pytest.approx(exp.loc[m, "expected_upperci"], rel=tol)
    assert (out["direction"].loc[["aci", "rci"]] == "disadvantaged_worse").all()


def _unordered(values: list[float], pops: list[float], polarity: str = "higher_is_better",
               se: float | None = 1.0) -> pd.DataFrame:
    groups = [f"G{i}" for i in range(len(values))]
    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "ethnicity", "group": groups,
                       "value": values, "n": pops, "polarity": polarity})
    if se is not None:
        df["se"] = se
    return df


def test_unordered_measures_hand_derived() -> None:
    # shares 1/4, 1/2, 1/4 of 10, 20, 30: mean 20; see tests/test_inequality.py for the formulas
    out = summary_measures(_unordered([10, 20, 30], [100, 200, 100]), suppress_small=False,
                           repetitions=2000).set_index("measure")
    assert out.loc["bgv", "value"] == pytest.approx(50.0)
    assert out.loc["bgsd", "value"] == pytest.approx(np.sqrt(50))
    assert out.loc["cov", "value"] == pytest.approx(np.sqrt(50) / 20 * 100)
    assert out.loc["idisu", "value"] == pytest.approx(100 / 3)
    assert out.loc["idisw", "value"] == pytest.approx(25.0)
    assert out.loc["d", "value"] == pytest.approx(20.0)
    assert out.loc["r", "value"] == pytest.approx(3.0)
    assert out.loc["par", "value"] == pytest.approx(10.0)  # best group 30 against the mean 20
    assert out.loc["paf", "value"] == pytest.approx(50.0)
    assert out.loc["d", "compared"].startswith("G2 − G0")
    for m in ("sii", "rii", "aci", "rci"):
        assert "needs ordered groups" in out.loc[m, "note"]
    for m in ("bgv", "d", "par"):
        assert out.loc[m, "lower"] < out.loc[m, "value"] < out.loc[m, "upper"]


def test_lower_is_better_par_uses_the_lowest_group_and_is_not_positive() -> None:
    out = summary_measures(_unordered([10, 20, 30], [100, 200, 100], "lower_is_better"),
                           ["par", "paf"], suppress_small=False, repetitions=2000).set_index("measure")
    assert out.loc["par", "value"] == pytest.approx(-10.0)
    assert out.loc["par", "compared"].startswith("G0")


def _deciles(values: list[float], pops: list[float] | None = None, **cols: object) -> pd.DataFrame:
    k = len(values)
    return pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "imd_decile" if k > 5 else "imd_quintile",
                         "group": [str(i) for i in range(1, k + 1)], "value": values,
                         "n": pops or [1000] * k, "polarity": "higher_is_better", **cols})


def test_all_values_equal_gives_no_inequality() -> None:
    out = summary_measures(_deciles([50.0] * 10, se=1.0), suppress_small=False, repetitions=2000).set_index("measure")
    for m in ("sii", "aci", "rci", "d", "bgv", "bgsd", "cov", "idisu", "idisw", "theil", "mld", "par", "paf"):
        assert out.loc[m, "value"] == pytest.approx(0.0, abs=1e-9), m
    assert out.loc["rii", "value"] == pytest.approx(1.0)
    assert out.loc["r", "value"] == pytest.approx(1.0)
    assert out.loc["sii", "direction"] == "none"


def test_missing_decile_leaves_ordered_measures_out_with_a_note() -> None:
    obs = _deciles([70.0 + i for i in range(10)], se=0.5)
    obs = obs[obs.group != "7"]
    out = summary_measures(obs, suppress_small=False, repetitions=2000).set_index("measure")
    assert np.isnan(out.loc["sii", "value"])
    assert "no value for group(s) 7" in out.loc["sii", "note"]
    assert np.isfinite(out.loc["bgv", "value"])  # unordered measures still work


def test_suppressed_decile_counts_as_missing() -> None:
    obs = _deciles([10.0 * i for i in range(1, 11)], numerator=[3] + [100 * i for i in range(2, 11)],
                   denominator=[30] + [1000] * 9, kind="proportion")
    obs["value"] = 100 * obs.numerator / obs.denominator
    out = summary_measures(obs, ["sii"], repetitions=2000).set_index("measure")
    assert np.isnan(out.loc["sii", "value"]) and "group(s) 1" in out.loc["sii", "note"]


def test_zero_event_decile_simulates_on_the_natural_scale_with_a_note() -> None:
    num = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]
    obs = _deciles([0.0] * 10, numerator=num, denominator=[1000] * 10, kind="proportion")
    obs["value"] = [100 * x / 1000 for x in num]
    out = summary_measures(obs, ["sii", "rii", "theil", "mld"], suppress_small=False,
                           repetitions=5000).set_index("measure")
    assert np.isfinite(out.loc["sii", "value"]) and "not log/logit" in out.loc["sii", "note"]
    assert out.loc["sii", "value"] == pytest.approx(10.0, rel=0.02)  # 1 point a decile, on a % scale
    assert out.loc["sii", "lower"] < out.loc["sii", "value"] < out.loc["sii", "upper"]
    assert np.isfinite(out.loc["theil", "value"])
    assert "above zero" in out.loc["mld", "note"]


def test_proportion_of_exactly_one_is_handled() -> None:
    obs = _deciles([0.0] * 5, numerator=[500, 600, 700, 900, 1000], denominator=[1000] * 5, kind="proportion")
    obs["value"] = 100 * obs.numerator / obs.denominator
    out = summary_measures(obs, ["sii", "r"], suppress_small=False, repetitions=2000).set_index("measure")
    assert np.isfinite(out.loc["sii", "value"]) and "100%" in out.loc["sii", "note"]
    assert out.loc["r", "value"] == pytest.approx(2.0)


def test_two_groups_only() -> None:
    obs = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "sex", "group": ["F", "M"],
                        "value": [80.0, 60.0], "se": 2.0, "n": [500, 500], "polarity": "higher_is_better"})
    out = summary_measures(obs, order={"sex": ["M", "F"]}, suppress_small=False, repetitions=2000).set_index("measure")
    assert "at least 5 ordered groups" in out.loc["sii", "note"]
    assert "at least three" in out.loc["aci", "note"]
    assert out.loc["d", "value"] == pytest.approx(20.0)  # most advantaged (F, last) minus most disadvantaged
    assert out.loc["d", "direction"] == "disadvantaged_worse"
    assert out.loc["bgv", "value"] == pytest.approx(100.0)


def test_order_must_name_every_group() -> None:
    obs = _deciles([1.0, 2, 3, 4, 5], se=0.1)
    out = summary_measures(obs, ["sii"], order={"imd_quintile": ["1", "2", "3", "4"]}, suppress_small=False,
                           repetitions=2000)
    assert "not in the order given" in out.loc[0, "note"]


def test_without_population_weighted_measures_say_why() -> None:
    obs = _deciles([1.0, 2, 3, 4, 5], se=0.1).drop(columns="n")
    out = summary_measures(obs, suppress_small=False, repetitions=2000).set_index("measure")
    assert "population size" in out.loc["sii", "note"]
    assert np.isfinite(out.loc["idisu", "value"]) and np.isfinite(out.loc["d", "value"])


def test_no_standard_errors_gives_points_without_intervals() -> None:
    out = summary_measures(_unordered([10, 20, 30], [100, 200, 100], se=None), ["bgv", "sii"],
                           order={"ethnicity": ["G0", "G1", "G2"]}, suppress_small=False).set_index("measure")
    assert out.loc["bgv", "value"] == pytest.approx(50.0) and np.isnan(out.loc["bgv", "lower"])
    assert "no standard error" in out.loc["bgv", "note"]


def test_unknown_measure_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown measure"):
        summary_measures(_deciles([1.0] * 5), ["gini"])


def test_public_api_and_contract_columns() -> None:
    out = ev.summary_measures(_deciles([70.0 + i for i in range(10)], se=0.5), repetitions=2000)
    assert list(out.columns[:9]) == ["indicator", "period", "area", "characteristic", "measure", "value",
                                     "lower", "upper", "direction"]
    assert "note" in out.columns and set(out["measure"]) == set(MEASURES)


def test_real_ncmp_obesity_by_imd_decile_sii_is_positive_for_deprivation() -> None:
    # National child obesity by IMD decile (PHEindicatormethods' example data; Wilson limits)
    d = pd.read_csv(shared_file("data", "reference", "phe", "ncmp_obesity_by_imd_decile_wilson.csv"))
    period = d.Period.astype(str).str.zfill(4)  # 607 is 2006/07
    obs = pd.DataFrame({
        "indicator": "obesity_year_" + d.SchoolYear.astype(str), "period": "20" + period.str[:2] + "/" + period.str[2:],
        "characteristic": "imd_decile", "group": d.Decile.astype(str), "numerator": d.Count,
        "denominator": d.Measured, "kind": "proportion", "polarity": "lower_is_better"})
    obs["value"] = 100 * obs.numerator / obs.denominator
    out = summary_measures(obs, ["sii"], repetitions=2000)
    assert len(out) > 10 and out["value"].notna().all()
    # obesity falls from most to least deprived: the deprived are worse off, SII about -10 points or more
    assert (out["value"] < 0).all() and set(out["direction"]) == {"disadvantaged_worse"}


def test_heat_sii_rii_match_healthequal_at_R_test_tolerance_1e6() -> None:
    exp = pd.read_csv(shared_file("data", "reference", "heat", "healthequal_ordered_expected.csv")).set_index("measure")
    obs = _heat_obs().assign(kind="proportion")
    out = summary_measures(obs, ["sii", "rii"], sii_method="heat", suppress_small=False).set_index("measure")
    for m in ("sii", "rii"):
        tol = float(exp.loc[m, "tolerance_in_R_test"])
        assert out.loc[m, "value"] == pytest.approx(exp.loc[m, "expected_estimate"], rel=tol)
        assert out.loc[m, "lower"] == pytest.approx(exp.loc[m, "expected_lowerci"], rel=tol)
        assert out.loc[m, "upper"] == pytest.approx(exp.loc[m, "expected_upperci"], rel=tol)
    assert "HEAT" in out.loc["sii", "method"]


def test_heat_sii_needs_a_proportion() -> None:
    out = summary_measures(_heat_obs(), ["sii"], sii_method="heat", suppress_small=False)
    assert "for proportions" in out.loc[0, "note"]
    with pytest.raises(ValueError, match="sii_method"):
        summary_measures(_heat_obs(), ["sii"], sii_method="other")


def test_sii_sentence_in_words() -> None:
    from evidence.summary import sii_sentence
    obs = _deciles([76.0 + 0.8 * i for i in range(10)], se=0.3)
    row = summary_measures(obs, ["sii"], suppress_small=False, repetitions=5000).iloc[0]
    text = sii_sentence(row, name="life expectancy", unit="years", place="the borough")
    assert text.startswith("The gap in life expectancy between the most and least deprived tenths of the borough is 8.0 years")
    assert text.endswith("the most deprived are worse off.")
    missing = summary_measures(obs[obs.group != "3"], ["sii"], suppress_small=False, repetitions=2000).iloc[0]
    assert "could not be measured: no value for group(s) 3" in sii_sentence(missing, name="life expectancy")


def test_worded_decile_labels_with_their_number_first_are_ordered_by_that_number() -> None:
    from evidence.summary import _ranking
    labels = ["10 (least deprived)", "2", "1 (most deprived)", *map(str, range(3, 10))]
    assert _ranking("deprivation_decile", labels, None) == ["1 (most deprived)", *map(str, range(2, 10)),
                                                            "10 (least deprived)"]
    assert _ranking("age_decile", ["10-19", "20-29"], None) is None  # an age band is not a rank
    assert _ranking("deprivation_decile", ["1 (most deprived)", "2"], None)[2:4] == ["3", "4"]  # missing noticed


def test_heat_par_paf_walter_standard_errors_match_healthequal_se_1e6_par_interval_at_R_tolerance() -> None:
    """healthequal test-paf.R/test-parisk.R: SE 0.10689361 (tol 1e-6); PAR CI 10.14 to 27.41 (tol 0.01).

    healthequal puts the PAF's fraction-scale SE around the PAF in per cent; ours is on the PAF's own
    scale, so its interval is healthequal's widened 100-fold about the estimate.
    """
    from evidence.estimates import z_value
    from evidence.inequality import walter_paf_se
    exp = pd.read_csv(shared_file("data", "reference", "heat", "healthequal_ordered_expected.csv")).set_index("measure")
    h = pd.read_csv(shared_file("data", "reference", "heat", "healthequal_ordered_inputs.csv"))
    mean = float((h.est * h["pop"]).sum() / h["pop"].sum())
    se = walter_paf_se(60.0, 105.0, mean, float(h["pop"].sum()), 100.0)
    assert se == pytest.approx(exp.loc["paf", "expected_se"], rel=1e-6)
    assert se * mean == pytest.approx(exp.loc["parisk", "expected_se"], rel=1e-6)

    out = summary_measures(_heat_obs().assign(kind="proportion", unit="%"), ["par", "paf"],
                           suppress_small=False).set_index("measure")
    tol = float(exp.loc["parisk", "tolerance_in_R_test"])
    assert out.loc["par", "lower"] == pytest.approx(exp.loc["parisk", "expected_lowerci"], rel=tol)
    assert out.loc["par", "upper"] == pytest.approx(exp.loc["parisk", "expected_upperci"], rel=tol)
    paf = exp.loc["paf"]
    assert out.loc["paf", "value"] == pytest.approx(paf.expected_estimate, rel=1e-6)
    # the file's estimate and limit are each rounded near 1e-6 (their difference is 4e-6 off z·SE), and the
    # 100-fold widening multiplies that; the half-width below checks the SE itself at 1e-6
    assert out.loc["paf", "lower"] == pytest.approx(paf.expected_estimate - 100 * (paf.expected_estimate
                                                                                   - paf.expected_lowerci), abs=1e-3)
    half = (out.loc["paf", "upper"] - out.loc["paf", "lower"]) / (2 * z_value(0.95))
    assert half == pytest.approx(100 * paf.expected_se, rel=1e-6)
    assert "Walter" in out.loc["par", "method"]
    # not a proportion: no table of people to count, so the simulated interval stays
    assert "simulated" in summary_measures(_heat_obs(), ["par"], suppress_small=False, repetitions=2000).loc[0, "method"]


def test_fingertips_average_deprived_quintile_is_the_middle_one() -> None:
    from evidence.summary import _ranking
    labels = ["Least deprived quintile", "Average deprived quintile", "Most deprived quintile",
              "Second most deprived quintile", "Second least deprived quintile"]
    assert _ranking("LSOA11 deprivation quintiles within area", labels, None) == [
        "Most deprived quintile", "Second most deprived quintile", "Average deprived quintile",
        "Second least deprived quintile", "Least deprived quintile"]
