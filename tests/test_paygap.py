"""Pay gaps against the worked examples in research/metrics.md (hand-computed there)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import evidence as ev
from evidence.paygap import pay_gap, quartile_bands


def _g1() -> pd.DataFrame:
    """Worked example G1: men 10, 12, 15, 15, 20, 30; women 9, 10, 12, 12, 15, 18."""
    return pd.DataFrame({"sex": ["Male"] * 6 + ["Female"] * 6,
                         "hourly_pay": [10, 12, 15, 15, 20, 30, 9, 10, 12, 12, 15, 18], "full_pay": True})


def test_g1_mean_and_median_hourly_gap():
    g = pay_gap(_g1(), "sex", min_n=0).set_index("group")
    f = g.loc["Female"]
    assert f["reference"] == "Male"
    assert g.loc["Male", "mean_hourly"] == pytest.approx(17.0) and f["mean_hourly"] == pytest.approx(12.6667, abs=1e-4)
    assert f["mean_gap"] == pytest.approx(25.4902, abs=1e-4) and f"{f['mean_gap']:.1f}" == "25.5"
    assert g.loc["Male", "median_hourly"] == 15.0 and f["median_hourly"] == 12.0
    assert f["median_gap"] == pytest.approx(20.0)
    assert "25.5% lower" in f["summary"] and np.isnan(g.loc["Male", "mean_gap"])


def test_g1_woman_on_half_pay_sick_leave_is_not_full_pay():
    recs = pd.concat([_g1(), pd.DataFrame({"sex": ["Female"], "hourly_pay": [6.0], "full_pay": [False],
                                           "bonus": [0.0]})], ignore_index=True)
    recs["bonus"] = recs["bonus"].fillna(0)
    with_her = pay_gap(recs, "sex", bonus="bonus", full_pay="full_pay", min_n=0).set_index("group")
    without = pay_gap(_g1(), "sex", min_n=0).set_index("group")
    for col in ["mean_gap", "median_gap", "upper_quartile", "lower_quartile"]:
        assert with_her.loc["Female", col] == pytest.approx(without.loc["Female", col])
    assert with_her.loc["Female", "n_full_pay"] == 6 and with_her.loc["Female", "n_relevant"] == 7  # bonus counts her


def test_g2_bonus_metrics_over_recipients_only():
    recs = pd.DataFrame({"sex": ["Male"] * 5 + ["Female"] * 6, "hourly_pay": 15.0,
                         "bonus": [500, 1000, 0, 0, 2500, 400, 0, 600, 0, 0, 0]})
    g = pay_gap(recs, "sex", bonus="bonus", min_n=0).set_index("group")
    assert g.loc["Male", "bonus_proportion"] == pytest.approx(60.0)
    assert g.loc["Female", "bonus_proportion"] == pytest.approx(100 * 2 / 6) and \
        f"{g.loc['Female', 'bonus_proportion']:.1f}" == "33.3"
    assert g.loc["Female", "mean_bonus_gap"] == pytest.approx(62.5)
    assert g.loc["Female", "median_bonus_gap"] == pytest.approx(50.0)
    # the control values if zeros were wrongly included
    assert g.loc["Female", "mean_bonus_gap"] != pytest.approx(79.2, abs=0.1)
    assert g.loc["Female", "median_bonus_gap"] != pytest.approx(100.0)


def test_bonus_gap_undefined_when_no_man_has_a_bonus():
    recs = pd.DataFrame({"sex": ["Male", "Female"], "hourly_pay": [10.0, 10.0], "bonus": [0, 100]})
    g = pay_gap(recs, "sex", bonus="bonus", min_n=0).set_index("group")
    assert np.isnan(g.loc["Female", "mean_bonus_gap"]) and np.isnan(g.loc["Female", "median_bonus_gap"])


def test_negative_gap_when_women_are_paid_more():
    recs = pd.DataFrame({"sex": ["Male"] * 4 + ["Female"] * 4, "hourly_pay": [10, 10, 12, 12, 11, 12, 13, 14]})
    f = pay_gap(recs, "sex", min_n=0).set_index("group").loc["Female"]
    # men: mean 11, median 11; women: mean 12.5, median 12.5 -> (11 - 12.5) / 11 = -13.636%
    assert f["mean_gap"] == pytest.approx(-13.6364, abs=1e-4) and f["median_gap"] == pytest.approx(-13.6364, abs=1e-4)
    assert "13.6% higher" in f["summary"]


def test_q1_tie_straddling_a_boundary_is_split_by_sex_whatever_the_input_order():
    rate = np.array([8, 9, 10, 10, 10, 10, 20, 25])
    sex = np.array(["F", "M", "M", "M", "F", "F", "M", "F"])  # a naive stable sort puts both men first
    b = quartile_bands(rate, sex)
    for band in ["lower", "lower_middle", "upper_middle", "upper"]:
        assert b.loc[band, "share"].to_dict() == {"F": 50.0, "M": 50.0}
    rng = np.random.default_rng(1)
    for _ in range(5):
        p = rng.permutation(8)
        pd.testing.assert_frame_equal(quartile_bands(rate[p], sex[p]), b)
    recs = pd.DataFrame({"sex": np.where(sex == "M", "Male", "Female"), "hourly_pay": rate})
    g = pay_gap(recs, "sex", min_n=0).set_index("group")
    assert g.loc["Male", "lower_middle_quartile"] == 50.0 and g.loc["Male", "upper_middle_quartile"] == 50.0


def test_q2_so_far_as_possible_implementation_defined():
    # a GBP 10 group of 3 (2 F, 1 M) in positions 4-6: band 2 gets F, band 3 gets F and M (largest remainder)
    rate = np.array([7, 8, 9, 10, 10, 10, 20, 25])
    sex = np.array(["M", "F", "M", "M", "F", "F", "F", "M"])
    c = quartile_bands(rate, sex)["count"]
    assert (c["lower_middle", "F"], c["lower_middle", "M"]) == (1, 1)  # GBP 9 M and GBP 10 F
    assert (c["upper_middle", "F"], c["upper_middle", "M"]) == (1, 1)  # GBP 10 F and GBP 10 M


def test_band_sizes_put_extra_people_in_the_lowest_bands():
    b = quartile_bands(np.arange(10.0), np.array(["A"] * 10))
    assert b["count"].tolist() == [3, 3, 2, 2]


def test_e1_ethnicity_gap_against_white_british_and_small_groups():
    recs = pd.DataFrame({"ethnicity": ["White British"] * 4 + ["Black"] * 3,
                         "hourly_pay": [14, 16, 18, 20, 12, 13, 17]})
    g = pay_gap(recs, "ethnicity", min_n=0).set_index("group")
    assert g.loc["White British", "mean_hourly"] == 17.0
    assert g.loc["Black", "mean_gap"] == pytest.approx(17.647, abs=1e-3) and f"{g.loc['Black', 'mean_gap']:.1f}" == "17.6"
    assert g.loc["Black", "median_gap"] == pytest.approx(23.529, abs=1e-3)
    small = pay_gap(recs, "ethnicity", min_n=5).set_index("group")  # n = 3 is under 5: not shown
    assert small.loc["Black", "suppressed"]
    assert small.loc[["Black"], ["mean_hourly", "median_hourly", "mean_gap", "median_gap", "n_full_pay",
                                 "lower_quartile"]].isna().all().all()
    assert "too few" in small.loc["Black", "summary"]


def test_not_known_share_and_combining_groups():
    recs = pd.DataFrame({"ethnicity": ["White British"] * 10 + ["Indian"] * 5 + ["Pakistani"] * 5
                         + ["Prefer not to say"] * 5,
                         "hourly_pay": [20.0] * 10 + [15.0] * 5 + [17.0] * 5 + [30.0] * 5})
    g = pay_gap(recs, "ethnicity", groups={"Indian": "Asian", "Pakistani": "Asian"}).set_index("group")
    assert list(g.index) == ["White British", "Asian"]
    assert g.loc["Asian", "mean_gap"] == pytest.approx(20.0)  # (20 - 16) / 20
    assert g.loc["Asian", "not_known_share"] == pytest.approx(20.0)  # 5 of 25 did not say
    assert g.loc["Asian", "upper_quartile"] == 0.0  # the top band (6 of 25) is the five at GBP 30 and one at GBP 20


def test_disability_reference_and_bad_input():
    recs = pd.DataFrame({"disability": ["Disabled"] * 10 + ["Not disabled"] * 10,
                         "hourly_pay": [9.0] * 10 + [10.0] * 10})
    g = pay_gap(recs, "disability").set_index("group")
    assert g.loc["Disabled", "reference"] == "Not disabled" and g.loc["Disabled", "mean_gap"] == pytest.approx(10.0)
    with pytest.raises(ev.EvidenceError, match="one row per employee"):
        pay_gap(pd.DataFrame({"sex": ["Male"], "value": [1]}), "sex")
    with pytest.raises(ev.EvidenceError, match="reference"):
        pay_gap(pd.DataFrame({"grade": ["A", "B"], "hourly_pay": [1, 2]}), "grade")
    with pytest.raises(ev.EvidenceError, match="must be a number"):
        pay_gap(pd.DataFrame({"sex": ["Male"], "hourly_pay": ["ten"]}), "sex")
