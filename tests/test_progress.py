"""Progress and the levelling-down rule: the DESIGN.md worked cases and more."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import employment
from evidence.progress import STATUSES, progress


def _status(df, group="Disabled", **kw):
    p = progress(df, "2018", "2024", comparator=kw.pop("comparator", "rest"), **kw)
    return p[p["group"] == group].iloc[0]


@pytest.mark.parametrize(
    "disabled,others,status",
    [
        ((52, 60), (80, 82), "narrowed"),
        ((52, 52), (80, 72), "narrowed_levelling_down"),
        ((52, 50), (80, 84), "widened"),
        ((52, 53), (80, 80), "no_significant_change"),
    ],
)
@pytest.mark.parametrize("comparator", ["rest", "overall"])
def test_design_worked_cases(disabled, others, status, comparator):
    assert _status(employment(disabled, others), comparator=comparator)["status"] == status


def test_levelling_down_is_explained_in_words():
    r = _status(employment((52, 52), (80, 72)))
    assert r["all_worse"] and r["comparator_worse"]
    assert "levelling down, not progress" in r["summary"]


def test_lower_is_better_levelling_down():
    # unemployment: disabled 48% -> 48%, others 20% -> 28%: the gap narrows because others got worse
    r = _status(employment((48, 48), (20, 28), polarity="lower_is_better"))
    assert r["status"] == "narrowed_levelling_down"
    r = _status(employment((48, 40), (20, 18), polarity="lower_is_better"))
    assert r["status"] == "narrowed"


def test_strict_mode_counts_any_fall():
    # everyone falls a little (not significantly): default narrowed, strict levelling down
    df = employment((52, 56), (80, 78.8))  # All 74.4% -> 74.2%
    assert _status(df)["status"] == "narrowed"
    assert _status(df, strict=True)["status"] == "narrowed_levelling_down"


def test_no_gap():
    assert _status(employment((80, 80), (80, 80)))["status"] == "no_gap"


def test_insufficient_data_when_suppressed():
    r = _status(employment((52, 60), (80, 82), n_dis=6))
    assert r["status"] == "insufficient_data" and "suppressed" in r["reason"]


def test_not_comparable_across_a_series_break():
    meta = [{"indicator": "employment_rate", "polarity": "higher_is_better", "kind": "proportion",
             "unit": "%", "breaks": ["2021"]}]
    r = _status(employment((52, 60), (80, 82)).drop(columns="polarity"), indicators=meta)
    assert r["status"] == "not_comparable" and "2021" in r["reason"]


def test_summary_for_real_progress():
    r = _status(employment((52, 60), (80, 82)), comparator="overall")
    assert r["summary"].startswith("The gap between Disabled people and all people narrowed from 22.4 to 17.6")
    assert r["summary"].endswith("real progress.")


@settings(max_examples=40, deadline=None)
@given(st.floats(30, 70), st.floats(30, 70), st.floats(60, 95), st.floats(40, 95), st.booleans())
def test_never_narrowed_when_all_fell_significantly(d0, d1, o0, o1, strict):
    p = progress(employment((d0, d1), (o0, o1)), "2018", "2024", comparator="rest", strict=strict)
    for _, r in p.iterrows():
        if r["all_worse"] is True or (strict and r["all_change"] < 0):
            assert r["status"] != "narrowed"
        assert r["status"] in STATUSES


def test_periods_may_be_numbers():
    df = employment((52, 60), (80, 82))
    df["period"] = df["period"].astype(int)
    assert progress(df, 2018, 2024)["baseline"].iloc[0] == "2018"


def test_demo_planted_cases():
    import evidence as ev

    p = progress(ev.demo.observations(), "2018", "2024", indicators=ev.demo.indicators()).set_index(["indicator", "group"])
    assert p.loc[("employment_rate", "Disabled"), "status"] == "narrowed"
    assert p.loc[("grade5_eng_maths", "Eligible for free school meals"), "status"] == "narrowed_levelling_down"
    assert p.loc[("attainment8_mean", "Black Caribbean"), "status"] == "widened"
    assert p.loc[("satisfied_with_council", "Disabled"), "status"] == "no_significant_change"
    assert (p.xs("good_level_development", level="indicator")["status"] == "not_comparable").all()
    assert p.loc[("attainment8_mean", "Roma"), "status"] == "insufficient_data"
    assert isinstance(p, pd.DataFrame)


def test_multiple_comparison_adjustment():
    # a change that is just significant alone stops being so when Holm adjusts for many groups
    import numpy as np

    from evidence.progress import _change_tests

    d = np.array([2.0] + [0.1] * 19)
    lo, hi = d - 1.9, d + 1.9  # the first excludes zero, barely
    p, adj, sig = _change_tests(d, lo, hi, 0.95, None)
    assert sig[0] and p[0] < 0.05
    p, adj, sig = _change_tests(d, lo, hi, 0.95, "holm")
    assert not sig[0] and adj[0] == pytest.approx(min(1, p[0] * 20))
    p, adj, sig = _change_tests(d, lo, hi, 0.95, "bh")
    assert not sig[0]


def test_adjust_in_progress_keeps_planted_widening():
    import evidence as ev

    p = progress(ev.demo.observations(), "2018", "2024", indicators=ev.demo.indicators(), adjust="holm")
    row = p[(p["indicator"] == "attainment8_mean") & (p["group"] == "Black Caribbean")].iloc[0]
    assert row["status"] == "widened" and row["p_change_adjusted"] >= row["p_change"]


# --- the complete levelling-down rule (issue 8) -------------------------------------------------------------------

def _ethnic(bc: tuple[float, float], wb: tuple[float, float], other: tuple[float, float], with_all: bool = True,
            n: tuple[int, int, int] = (2000, 4000, 4000)) -> pd.DataFrame:
    """DESIGN.md's reference-group case: Black Caribbean vs White British people, two periods."""
    rows = []
    for i, period in enumerate(("2018", "2024")):
        xs = [round(p[i] / 100 * k) for p, k in zip((bc, wb, other), n, strict=True)]
        for g, x, k in zip(("Black Caribbean", "White British", "Other"), xs, n, strict=True):
            rows.append(dict(period=period, characteristic="ethnicity", group=g, numerator=x, denominator=k))
        if with_all:
            rows.append(dict(period=period, characteristic="All", group="All", numerator=sum(xs), denominator=sum(n)))
    df = pd.DataFrame(rows).assign(indicator="grade5", polarity="higher_is_better", kind="proportion", unit="%")
    df["value"] = 100 * df["numerator"] / df["denominator"]
    return df


def _ref(df, group="Black Caribbean", **kw):
    p = progress(df, "2018", "2024", comparator="reference", reference={"ethnicity": "White British"}, **kw)
    return p[p["group"] == group].iloc[0]


def test_design_comparator_fell_is_levelling_down():
    # DESIGN.md: Black Caribbean stay at 40% while White British fall 70% -> 55%, the borough does not change
    r = _ref(_ethnic((40, 40), (70, 55), (50, 65)))
    assert r["all_change"] == pytest.approx(0.0) and not r["all_worse"]
    assert r["comparator_worse"] and r["change_significant"]
    assert r["status"] == "narrowed_levelling_down"  # was "narrowed" ("real progress") before
    assert "comparator (White British)" in r["reason"] and "whole population" not in r["reason"]
    assert "White British people fell (got worse) from 70.0% to 55.0%" in r["summary"].replace("grade5 for ", "")
    assert r["summary"].endswith("levelling down, not progress.")


def test_design_reversed():
    # DESIGN.md: Black Caribbean rise 40% -> 80% against White British at 70%: 30 points behind to 10 ahead
    r = _ref(_ethnic((40, 80), (70, 70), (50, 50)))
    assert r["status"] == "reversed"
    assert "reversed" in STATUSES
    assert r["gap_baseline"] == pytest.approx(30.0) and r["gap_current"] == pytest.approx(-10.0)
    assert "30.0 percentage points behind White British people to 10.0 percentage points ahead" in r["summary"]
    assert "White British people are now behind Black Caribbean people" in r["summary"]
    assert "real progress" not in r["summary"] and "-" not in r["summary"].replace("opened", "")


def test_both_whole_population_and_comparator_fell():
    r = _ref(_ethnic((40, 40), (70, 55), (50, 45)))
    assert r["all_worse"] and r["comparator_worse"]
    assert r["status"] == "narrowed_levelling_down"
    assert "both the whole population and the comparator (White British)" in r["reason"]


def test_real_progress_against_reference():
    r = _ref(_ethnic((40, 52), (70, 71), (50, 52)))
    assert r["status"] == "narrowed" and not r["comparator_worse"] and not r["all_worse"]


def test_strict_counts_any_fall_of_the_comparator():
    # White British 70% -> 69% (not significant), borough up: narrowed by default, levelling down when strict
    df = _ethnic((40, 50), (70, 69), (50, 56))
    assert _ref(df)["status"] == "narrowed"
    r = _ref(df, strict=True)
    assert r["status"] == "narrowed_levelling_down" and "comparator" in r["reason"]


def test_narrowed_but_whole_population_unknown():
    # no whole-population rows: a narrowing cannot be called progress
    r = _ref(_ethnic((40, 52), (70, 71), (50, 52), with_all=False))
    assert pd.isna(r["all_change"])
    assert r["status"] == "insufficient_data"
    assert r["reason"] == ("the gap narrowed, but with no whole-population figure at both ends levelling down "
                           "cannot be ruled out")


def test_narrowed_but_comparator_change_unknown():
    from types import SimpleNamespace

    from evidence.progress import _one_status

    row = dict(series_break=None, baseline="2018", current="2024", suppressed_baseline=False, suppressed_current=False,
               gap_baseline=10.0, gap_lower_baseline=8.0, gap_upper_baseline=12.0, note_baseline=None,
               gap_current=4.0, gap_lower_current=2.0, gap_upper_current=6.0, note_current=None,
               change_significant=True, gap_change=-6.0, all_worse=False, comparator_worse=pd.NA,
               comparator="reference", comparator_group="White British")
    status, reason = _one_status(SimpleNamespace(**row))
    assert status == "insufficient_data"
    assert reason == "the gap narrowed, but with no interval for the comparator's change levelling down cannot be ruled out"
    status, _ = _one_status(SimpleNamespace(**{**row, "comparator_worse": False}))
    assert status == "narrowed"
    # against the whole population the comparator's change is the whole population's
    status, _ = _one_status(SimpleNamespace(**{**row, "comparator": "overall"}))
    assert status == "narrowed"


def test_group_change_columns_match_newcombe():
    # the group's own change: MOVER of two Wilson intervals, which is Newcombe's hybrid score interval
    from evidence.estimates import newcombe_diff_ci

    r = _status(employment((52, 60), (80, 82)))
    lo, hi = newcombe_diff_ci(1200, 2000, 1040, 2000)
    assert r["group_change"] == pytest.approx(8.0)
    assert r["group_change_lower"] == pytest.approx(100 * float(lo)) and r["group_change_upper"] == pytest.approx(100 * float(hi))
    # the comparator (everyone else) and its change: 80% -> 82% of 8,000
    lo, hi = newcombe_diff_ci(6560, 8000, 6400, 8000)
    assert r["comparator_change"] == pytest.approx(2.0)
    assert r["comparator_change_lower"] == pytest.approx(100 * float(lo))
    assert r["comparator_change_upper"] == pytest.approx(100 * float(hi))


def test_no_gap_reason_when_significantly_ahead():
    # others behind disabled at both ends (a made-up case): never "no significant gap at either end"
    r = _status(employment((80, 82), (52, 53)))
    assert r["status"] == "no_gap"
    assert "no significant gap" not in r["reason"] and "significantly ahead in 2018 and 2024" in r["reason"]
    assert "did better than other people in both 2018 and 2024" in r["summary"]


def test_no_gap_sentence_when_ahead_at_one_end_only():
    # ahead in 2018 only, level in 2024: not "no clear gap ... in 2018 or 2024"
    r = _status(employment((84, 80.5), (80, 80)))
    assert r["status"] == "no_gap" and "significantly ahead in 2018" in r["reason"]
    assert "no clear gap" not in r["summary"] and "did better than them in 2018" in r["summary"]


def test_no_gap_when_level_at_both_ends():
    r = _status(employment((80, 80), (80, 80)))
    assert r["status"] == "no_gap" and r["reason"] == "no significant gap at either end"
    assert "no clear gap" in r["summary"]


def _three(best_then: float, best_now: float) -> pd.DataFrame:
    rows = []
    for period, (a, b, c) in (("2018", (best_then, 70, 50)), ("2024", (best_now, 90, 60))):
        for g, v in zip("ABC", (a, b, c), strict=True):
            rows.append(dict(period=period, group=g, numerator=round(v * 10), denominator=1000))
    df = pd.DataFrame(rows).assign(indicator="x", characteristic="c", polarity="higher_is_better", kind="proportion",
                                   unit="%")
    df["value"] = df["numerator"] / 10
    return df


def test_best_is_the_same_group_at_both_ends():
    # A is best in 2018 (80%), B in 2024 (90%): both ends compare with A
    p = progress(_three(80, 85), "2018", "2024", comparator="best").set_index("group")
    assert (p["comparator_group"] == "A").all()
    assert p.loc["C", "gap_baseline"] == pytest.approx(30.0) and p.loc["C", "gap_current"] == pytest.approx(25.0)
    assert p.loc["B", "gap_current"] == pytest.approx(-5.0)  # B overtook A: a negative gap, not a gap to itself
    assert p.loc["A", "gap_current"] == 0
    assert p["reason"].str.contains("optimistic").all()  # chosen from the data: the report says so


def test_best_can_be_named():
    p = progress(_three(80, 85), "2018", "2024", comparator="best", reference="B").set_index("group")
    assert (p["comparator_group"] == "B").all()
    assert p.loc["C", "gap_current"] == pytest.approx(30.0)


def test_lower_is_better_comparator_fell():
    # mortality-like: the reference group's rate rose (got worse), so a narrowing is levelling down
    df = _ethnic((40, 40), (20, 30), (30, 25)).assign(polarity="lower_is_better")
    r = _ref(df)
    assert r["gap_baseline"] == pytest.approx(20.0) and r["gap_current"] == pytest.approx(10.0)
    assert r["comparator_worse"] and r["status"] == "narrowed_levelling_down"
    assert "rose (got worse)" in r["summary"]


# --- table-driven: polarity × comparator × the DESIGN.md cases, and one test per status branch (issue 8) -----------

_DESIGN = [  # disabled then/now, others then/now, status, did the whole population get significantly worse?
    ((52, 60), (80, 82), "narrowed", False),
    ((52, 52), (80, 72), "narrowed_levelling_down", True),
    ((52, 50), (80, 84), "widened", False),
    ((52, 53), (80, 80), "no_significant_change", False),
]


@pytest.mark.parametrize("comparator", ["overall", "rest", "reference", "best"])
@pytest.mark.parametrize("polarity", ["higher_is_better", "lower_is_better"])
@pytest.mark.parametrize("disabled,others,status,all_worse", _DESIGN)
def test_design_cases_every_comparator_and_polarity(disabled, others, status, all_worse, comparator, polarity):
    # lower is better: the same people counted the other way (unemployment = 100 - employment), so the same story.
    # With two groups, "everyone else", the named reference group and the best-off group are all "Not disabled"
    flip = (lambda v: tuple(100 - x for x in v)) if polarity == "lower_is_better" else (lambda v: v)
    df = employment(flip(disabled), flip(others), polarity=polarity)
    kw = {"reference": {"disability": "Not disabled"}} if comparator == "reference" else {}
    r = _status(df, comparator=comparator, **kw)
    assert r["status"] == status
    assert bool(r["all_worse"]) is all_worse
    if status == "narrowed_levelling_down":  # against everyone, the comparator is the whole population: said once
        who = ("the whole population" if comparator == "overall" else
               f"both the whole population and the comparator ({r['comparator_group']})")
        assert r["reason"].startswith(f"the gap narrowed while {who} got worse")
    assert r["comparator_group"] == ("All" if comparator == "overall" else
                                     "everyone except Disabled" if comparator == "rest" else "Not disabled")
    assert r["gap_baseline"] > 0  # oriented: the disabled group is worse off, whichever way the indicator points
    sign = 1 if polarity == "higher_is_better" else -1
    assert r["group_change"] == pytest.approx(sign * (disabled[1] - disabled[0]), abs=0.01)
    all0, all1 = (0.2 * disabled[0] + 0.8 * others[0]), (0.2 * disabled[1] + 0.8 * others[1])
    assert r["all_change"] == pytest.approx(sign * (all1 - all0), abs=0.01)


def test_change_intervals_by_hand():
    """The change in the gap: MOVER (Zou & Donner 2008) of the two Newcombe gaps, and its two-sided p-value."""
    from scipy import stats
    from statsmodels.stats.proportion import confint_proportions_2indep

    r = _status(employment((52, 60), (80, 82)))
    # higher is better: gap = others - disabled, so its interval is Newcombe's for others minus disabled
    l0, u0 = (100 * v for v in confint_proportions_2indep(6400, 8000, 1040, 2000, method="newcomb", compare="diff"))
    l1, u1 = (100 * v for v in confint_proportions_2indep(6560, 8000, 1200, 2000, method="newcomb", compare="diff"))
    g0, g1 = 28.0, 22.0
    assert (r["gap_lower_baseline"], r["gap_upper_baseline"]) == pytest.approx((l0, u0), rel=1e-9)
    assert (r["gap_lower_current"], r["gap_upper_current"]) == pytest.approx((l1, u1), rel=1e-9)
    lo = (g1 - g0) - np.sqrt((g1 - l1) ** 2 + (u0 - g0) ** 2)
    hi = (g1 - g0) + np.sqrt((u1 - g1) ** 2 + (g0 - l0) ** 2)
    assert r["gap_change"] == pytest.approx(-6.0)
    assert (r["gap_change_lower"], r["gap_change_upper"]) == pytest.approx((lo, hi), rel=1e-9)
    se = (hi - lo) / (2 * stats.norm.ppf(0.975))
    assert r["p_change"] == pytest.approx(2 * stats.norm.sf(6.0 / se), rel=1e-9)
    assert r["change_significant"] and np.isnan(r["p_change_adjusted"])
    # the whole population: 7,440 then 7,760 of 10,000
    la, ua = (100 * v for v in confint_proportions_2indep(7760, 10000, 7440, 10000, method="newcomb", compare="diff"))
    assert (r["all_change"], r["all_change_lower"], r["all_change_upper"]) == pytest.approx((3.2, la, ua), rel=1e-9)
    assert (r["all_baseline"], r["all_current"]) == pytest.approx((74.4, 77.6))
    assert r["value_baseline"] == pytest.approx(52.0) and r["comparator_value_current"] == pytest.approx(82.0)


def test_change_interval_at_998():
    from scipy import stats

    r95 = _status(employment((52, 60), (80, 82)))
    r998 = _status(employment((52, 60), (80, 82)), level=0.998)
    assert r998["gap_change_upper"] - r998["gap_change_lower"] > r95["gap_change_upper"] - r95["gap_change_lower"]
    se = (r998["gap_change_upper"] - r998["gap_change_lower"]) / (2 * stats.norm.ppf(0.999))
    assert r998["p_change"] == pytest.approx(2 * stats.norm.sf(6.0 / se), rel=1e-6)


def test_holm_and_bh_over_the_rows_of_one_call():
    from statsmodels.stats.multitest import multipletests

    df = pd.concat([employment((52, 60), (80, 82)),
                    employment((52, 55), (80, 80)).assign(indicator="other"),
                    employment((52, 52.5), (80, 80)).assign(indicator="third")], ignore_index=True)
    for method, sm in (("holm", "holm"), ("bh", "fdr_bh")):
        p = progress(df, "2018", "2024", comparator="rest", adjust=method)
        expected = multipletests(p["p_change"], alpha=0.05, method=sm)[1]
        np.testing.assert_allclose(p["p_change_adjusted"], expected, rtol=1e-12)
        assert (p["change_significant"] == (p["p_change_adjusted"] < 0.05)).all()
    with pytest.raises(ValueError, match="holm"):
        progress(df, "2018", "2024", adjust="bonferroni")


def test_strict_lower_is_better_counts_any_rise():
    # unemployment-like: the whole population rises a little (not significantly); strict calls that worse
    df = employment((48, 44), (20, 21.2), polarity="lower_is_better")
    r = _status(df)
    assert r["status"] == "narrowed" and not r["all_worse"]
    r = _status(df, strict=True)
    assert r["all_worse"] and r["status"] == "narrowed_levelling_down" and "whole population" in r["reason"]
    # and a fall of a lower-is-better outcome is never "worse", strict or not
    r = _status(employment((48, 40), (20, 19), polarity="lower_is_better"), strict=True)
    assert not r["all_worse"] and not r["comparator_worse"] and r["status"] == "narrowed"


def test_insufficient_data_branches():
    df = employment((52, 60), (80, 82))
    # suppressed at one end only: the reason names that end
    small = df.copy()
    at = (small["group"] == "Disabled") & (small["period"] == "2024")
    small.loc[at, ["numerator", "value"]] = [3, 0.15]
    r = _status(small)
    assert r["status"] == "insufficient_data" and r["reason"].startswith("the current (2024) figure is suppressed")
    assert r["suppressed_current"] and not r["suppressed_baseline"]
    # missing at the baseline
    r = _status(df[~((df["group"] == "Disabled") & (df["period"] == "2018"))])
    assert r["status"] == "insufficient_data" and r["reason"].startswith("no baseline (2018) figure")
    # values with no interval of any kind
    bare = df.drop(columns=["numerator", "denominator"]).assign(kind="score")
    r = _status(bare, comparator="reference", reference={"disability": "Not disabled"})
    assert r["status"] == "insufficient_data"
    assert r["reason"] == "no confidence interval in 2018, so significance cannot be judged"


def test_reversed_while_the_comparator_fell():
    r = _ref(_ethnic((40, 80), (70, 60), (50, 56)))
    assert r["status"] == "reversed" and r["comparator_worse"]
    assert r["reason"].endswith("opened the other way, while the comparator (White British) got worse")
    r = _ref(_ethnic((40, 80), (70, 70), (50, 50)))
    assert r["reason"].endswith("opened the other way")


def test_no_gap_ahead_now_only():
    r = _status(employment((80, 84), (80, 80)))
    assert r["status"] == "no_gap"
    assert r["reason"] == "the group was never significantly behind, and was significantly ahead in 2024"


def test_widened_from_no_gap():
    # no gap at baseline, behind now: widened
    r = _status(employment((80, 74), (80, 80)))
    assert r["status"] == "widened" and r["reason"] == "the gap grew by more than chance would explain"


def test_narrowed_to_no_gap_and_from_ahead():
    # behind at baseline, level now: a significant narrowing
    r = _status(employment((74, 80), (80, 80)))
    assert r["status"] == "narrowed"
    assert r["reason"] == ("the gap shrank by more than chance would explain and neither the whole population "
                           "nor the comparator got worse")
    # ahead at baseline, level now: the gap "grew" from negative to zero, but the group was never behind
    r = _status(employment((86, 80), (80, 80)))
    assert r["status"] == "no_gap"


def test_status_reason_and_summary_for_every_row():
    import evidence as ev

    p = progress(ev.demo.observations(), "2018", "2024", indicators=ev.demo.indicators())
    assert set(p["status"]) <= set(STATUSES)
    assert p["reason"].map(lambda s: isinstance(s, str) and len(s) > 10).all()
    assert p["summary"].map(lambda s: isinstance(s, str) and s.endswith(".")).all()
    assert list(p.columns[:4]) == ["indicator", "area", "characteristic", "group"]
    key = ["indicator", "area", "characteristic", "group"]
    assert p[key].astype(str).apply(tuple, axis=1).is_monotonic_increasing


def test_worse_boundaries_and_missing_intervals():
    # by hand: an interval touching 0 is not significantly worse; strict counts only a change of the wrong sign
    from evidence.progress import _worse

    higher = np.array([True, True, False, False, True])
    change = pd.Series([0.0, 0.5, 0.0, 0.5, -1.0])
    lo = pd.Series([-1.0, -0.5, 0.0, 0.5, np.nan])
    hi = pd.Series([0.0, 1.5, 1.0, 1.5, -0.5])
    assert _worse(change, lo, hi, higher, strict=False).tolist() == [False, False, False, True, pd.NA]
    assert _worse(change, lo, hi, higher, strict=True).tolist() == [False, False, False, True, True]


# --- rejudge: the same table judged again with p-values adjusted over a wider family (issue 8) -------------------

@pytest.mark.parametrize("adjusted,level,significant,status", [
    (0.01, 0.95, True, "narrowed"),  # 0.01 < 0.05
    (0.04, 0.95, True, "narrowed"),
    (0.25, 0.75, False, "no_significant_change"),  # significant only when p < 1 - level, not at it (0.25 is exact)
    (0.24, 0.75, True, "narrowed"),
    (0.20, 0.95, False, "no_significant_change"),
    (0.04, 0.998, False, "no_significant_change"),  # 0.04 is not under 0.002
    (0.001, 0.998, True, "narrowed"),
    (np.nan, 0.95, False, "no_significant_change"),  # no p-value: not significant
])
def test_rejudge_with_adjusted_p_values(adjusted, level, significant, status):
    from evidence.progress import rejudge

    # Disabled 52% -> 60% against everyone else 80% -> 82%: narrowed when judged alone (DESIGN.md)
    p = progress(employment((52, 60), (80, 82)), "2018", "2024", comparator="rest")
    assert p["group"].tolist() == ["Disabled", "Not disabled"]
    before = p.copy()
    out = rejudge(p, [adjusted, 0.5], level)
    r = out.iloc[0]
    assert bool(r["change_significant"]) is significant
    assert r["status"] == status
    np.testing.assert_array_equal(out["p_change_adjusted"].to_numpy(), [adjusted, 0.5])
    assert out["p_change_adjusted"].dtype == np.float64
    if status == "narrowed":
        assert r["reason"].startswith("the gap shrank by more than chance would explain")
        assert r["summary"].endswith("real progress.")
    else:
        assert r["reason"] == "the change in the gap is within what chance would explain"
        assert "real progress" not in r["summary"] and r["summary"].endswith("no clear change.")
    # the unadjusted test and the other columns are left as they were, and the table passed in is not changed
    assert r["p_change"] == before["p_change"].iloc[0] and r["gap_change"] == pytest.approx(-6.0)
    pd.testing.assert_frame_equal(p, before)
    assert out["status"].iloc[1] == "no_gap"  # never behind: no p-value makes it a gap
    assert out.dtypes.equals(p.dtypes)  # the same table as progress makes: change_significant stays boolean


@pytest.mark.parametrize("adjusted,expected", [
    ([0, 1], [0.0, 1.0]),  # p-values as whole numbers
    (pd.Series([0.01, pd.NA], dtype="Float64"), [0.01, np.nan]),  # a nullable column: missing is missing
    ([0.01, None], [0.01, np.nan]),
])
def test_rejudge_reads_p_values_given_in_other_types(adjusted, expected):
    from evidence.progress import rejudge

    p = progress(employment((52, 60), (80, 82)), "2018", "2024", comparator="rest")
    out = rejudge(p, adjusted, 0.95)
    np.testing.assert_array_equal(out["p_change_adjusted"].to_numpy(), expected)
    assert out.dtypes.equals(p.dtypes)
    assert out["status"].tolist() == ["narrowed", "no_gap"] and out["change_significant"].tolist() == [True, False]


# --- the status rule branch by branch, on rows made by hand: the vectorised rule and the row-by-row one -----------

_ROW = dict(series_break=None, baseline="2018", current="2024", suppressed_baseline=False, suppressed_current=False,
            gap_baseline=10.0, gap_lower_baseline=8.0, gap_upper_baseline=12.0, note_baseline=None,
            gap_current=4.0, gap_lower_current=2.0, gap_upper_current=6.0, note_current=None,
            change_significant=True, gap_change=-6.0, all_worse=False, comparator_worse=False,
            comparator="reference", comparator_group="White British")
_NARROWED = ("narrowed", "the gap shrank by more than chance would explain and neither the whole population nor the "
                         "comparator got worse")
_CHANCE = ("no_significant_change", "the change in the gap is within what chance would explain")
_NAN = float("nan")
_AHEAD0 = dict(gap_baseline=-10.0, gap_lower_baseline=-12.0, gap_upper_baseline=-8.0)
_AHEAD1 = dict(gap_current=-4.0, gap_lower_current=-6.0, gap_upper_current=-2.0)
_LEVEL0 = dict(gap_baseline=0.0, gap_lower_baseline=-2.0, gap_upper_baseline=2.0)
_LEVEL1 = dict(gap_current=1.0, gap_lower_current=-1.0, gap_upper_current=3.0)
_WIDER = dict(gap_current=16.0, gap_lower_current=14.0, gap_upper_current=18.0, gap_change=6.0)

# each case: what differs from the row above (a significant narrowing of a gap 10 -> 4 points, nobody worse off),
# and the status and reason the rule in docs/methods.md gives
_CASES = [
    ({}, _NARROWED),
    ({"series_break": "2021"}, ("not_comparable", "a series break in 2021 lies between 2018 and 2024")),
    ({"series_break": "2021", "suppressed_baseline": True},
     ("not_comparable", "a series break in 2021 lies between 2018 and 2024")),
    ({"suppressed_baseline": True},
     ("insufficient_data", "the baseline (2018) figure is suppressed because numbers are small")),
    ({"suppressed_current": True},
     ("insufficient_data", "the current (2024) figure is suppressed because numbers are small")),
    ({"suppressed_current": True, "gap_baseline": _NAN},  # the baseline is checked first
     ("insufficient_data", "no baseline (2018) figure")),
    ({"gap_baseline": _NAN, "note_baseline": "no comparator value"},
     ("insufficient_data", "no baseline (2018) figure: no comparator value")),
    ({"gap_baseline": _NAN},  # as the row above but for its note: the vectorised rule must not share one reason
     ("insufficient_data", "no baseline (2018) figure")),
    ({"suppressed_baseline": True, "baseline": "2019"},  # each row's own periods in its reason
     ("insufficient_data", "the baseline (2019) figure is suppressed because numbers are small")),
    ({"suppressed_current": True, "current": "2023"},
     ("insufficient_data", "the current (2023) figure is suppressed because numbers are small")),
    ({"gap_current": _NAN}, ("insufficient_data", "no current (2024) figure")),
    ({"gap_current": _NAN, "note_current": "suppressed: everyone else in this comparison is too few people"},
     ("insufficient_data", "no current (2024) figure: suppressed: everyone else in this comparison is too few people")),
    ({"gap_lower_baseline": _NAN},
     ("insufficient_data", "no confidence interval in 2018, so significance cannot be judged")),
    ({"gap_upper_baseline": _NAN},
     ("insufficient_data", "no confidence interval in 2018, so significance cannot be judged")),
    ({"gap_lower_current": _NAN},
     ("insufficient_data", "no confidence interval in 2024, so significance cannot be judged")),
    ({"gap_upper_current": _NAN},
     ("insufficient_data", "no confidence interval in 2024, so significance cannot be judged")),
    # behind then, ahead now: reversed, whoever got worse (and the reason says who), significant change or not
    ({**_AHEAD1, "gap_change": -14.0}, ("reversed", "the group went from significantly behind to significantly "
                                                   "ahead: the gap closed and opened the other way")),
    ({**_AHEAD1, "gap_change": -14.0, "change_significant": False, "all_worse": True},
     ("reversed", "the group went from significantly behind to significantly ahead: the gap closed and opened the "
                  "other way, while the whole population got worse")),
    ({**_AHEAD1, "gap_change": -14.0, "comparator_worse": True, "all_worse": True},
     ("reversed", "the group went from significantly behind to significantly ahead: the gap closed and opened the "
                  "other way, while both the whole population and the comparator (White British) got worse")),
    # never behind
    ({**_LEVEL0, **_LEVEL1, "gap_change": 1.0}, ("no_gap", "no significant gap at either end")),
    ({**_AHEAD0, **_LEVEL1, "gap_change": 11.0},
     ("no_gap", "the group was never significantly behind, and was significantly ahead in 2018")),
    ({**_LEVEL0, **_AHEAD1, "gap_change": -4.0},
     ("no_gap", "the group was never significantly behind, and was significantly ahead in 2024")),
    ({**_AHEAD0, **_AHEAD1, "gap_change": 6.0},
     ("no_gap", "the group was never significantly behind, and was significantly ahead in 2018 and 2024")),
    # an interval touching 0 is not significantly behind (nor ahead)
    ({"gap_lower_baseline": 0.0, "gap_lower_current": 0.0, "gap_upper_current": 8.0},
     ("no_gap", "no significant gap at either end")),
    ({**_AHEAD0, "gap_upper_baseline": 0.0, **_LEVEL1, "gap_change": 11.0},
     ("no_gap", "no significant gap at either end")),
    ({**_LEVEL0, "gap_current": -2.0, "gap_lower_current": -4.0, "gap_upper_current": 0.0, "gap_change": -2.0},
     ("no_gap", "no significant gap at either end")),
    # widened: a significant growth, behind now
    (_WIDER, ("widened", "the gap grew by more than chance would explain")),
    ({**_WIDER, **_LEVEL0, "gap_change": 16.0}, ("widened", "the gap grew by more than chance would explain")),
    ({**_WIDER, "change_significant": False}, _CHANCE),
    ({**_WIDER, "all_worse": True, "comparator_worse": True},  # who got worse does not matter to a widening
     ("widened", "the gap grew by more than chance would explain")),
    # a significant growth, but not behind now (a wide interval): not widened
    ({"gap_current": 12.0, "gap_lower_current": -1.0, "gap_upper_current": 25.0, "gap_change": 2.0}, _CHANCE),
    # a significant narrowing, but not significantly behind at baseline: not narrowed
    ({"gap_lower_baseline": -0.5, "gap_current": 8.0, "gap_lower_current": 7.0, "gap_upper_current": 9.0,
      "gap_change": -2.0}, _CHANCE),
    ({"gap_change": 0.0}, _CHANCE),
    ({"change_significant": False}, _CHANCE),
    # levelling down
    ({"all_worse": True}, ("narrowed_levelling_down", "the gap narrowed while the whole population got worse")),
    ({"comparator_worse": True},
     ("narrowed_levelling_down", "the gap narrowed while the comparator (White British) got worse")),
    ({"all_worse": True, "comparator_worse": True},
     ("narrowed_levelling_down", "the gap narrowed while both the whole population and the comparator "
                                 "(White British) got worse")),
    ({"all_worse": True, "comparator_worse": pd.NA},
     ("narrowed_levelling_down", "the gap narrowed while the whole population got worse")),
    ({"all_worse": pd.NA, "comparator_worse": True},
     ("narrowed_levelling_down", "the gap narrowed while the comparator (White British) got worse")),
    # against everyone the comparator is the whole population: only all_worse counts
    ({"comparator": "overall", "comparator_group": "All", "comparator_worse": True}, _NARROWED),
    ({"comparator": "overall", "comparator_group": "All", "comparator_worse": pd.NA}, _NARROWED),
    ({"comparator": "overall", "comparator_group": "All", "all_worse": True, "comparator_worse": True},
     ("narrowed_levelling_down", "the gap narrowed while the whole population got worse")),
    # who got worse is not known: never called progress
    ({"all_worse": pd.NA}, ("insufficient_data", "the gap narrowed, but with no whole-population figure at both "
                                                 "ends levelling down cannot be ruled out")),
    ({"all_worse": pd.NA, "comparator_worse": pd.NA},
     ("insufficient_data", "the gap narrowed, but with no whole-population figure at both ends levelling down "
                           "cannot be ruled out")),
    ({"comparator_worse": pd.NA}, ("insufficient_data", "the gap narrowed, but with no interval for the comparator's "
                                                        "change levelling down cannot be ruled out")),
    ({"comparator": "rest", "comparator_group": "everyone except Black Caribbean", "comparator_worse": True},
     ("narrowed_levelling_down", "the gap narrowed while the comparator (everyone except Black Caribbean) got worse")),
    # the best-off group is chosen from the data: every reason says so
    ({"comparator": "best", "comparator_group": "A"},
     (_NARROWED[0], _NARROWED[1] + "; the best-off group was chosen from these data, so intervals against it are "
                                   "optimistic (a group named in advance, comparator='reference', avoids this)")),
    ({"comparator": "best", "comparator_group": "A", "comparator_worse": True},
     ("narrowed_levelling_down", "the gap narrowed while the comparator (A) got worse; the best-off group was chosen "
      "from these data, so intervals against it are optimistic (a group named in advance, comparator='reference', "
      "avoids this)")),
    ({"comparator": "best", "comparator_group": "A", "gap_current": _NAN},
     ("insufficient_data", "no current (2024) figure; the best-off group was chosen from these data, so intervals "
      "against it are optimistic (a group named in advance, comparator='reference', avoids this)")),
]


def _table(cases) -> pd.DataFrame:
    t = pd.DataFrame([{**_ROW, **change} for change, _ in cases])
    for col in ("all_worse", "comparator_worse"):
        t[col] = pd.array(t[col].tolist(), dtype="boolean")
    return t


@pytest.mark.parametrize("change,expected", _CASES)
def test_status_rule_row_by_row(change, expected):
    from types import SimpleNamespace

    from evidence.progress import _one_status, _status_rowwise

    # _one_status leaves the note on the best-off group to its caller, _status_rowwise
    assert _one_status(SimpleNamespace(**{**_ROW, **change})) == (expected[0], expected[1].split("; the best-off")[0])
    assert _status_rowwise(_table([(change, expected)])) == ([expected[0]], [expected[1]])


def test_status_rule_vectorised_on_the_same_rows():
    from evidence.progress import _status

    status, reason = _status(_table(_CASES))
    assert list(zip(status.tolist(), reason.tolist(), strict=True)) == [e for _, e in _CASES]
    for change, expected in _CASES:  # and one row at a time (each column then has one value's dtype)
        status, reason = _status(_table([(change, expected)]))
        assert (status.tolist(), reason.tolist()) == ([expected[0]], [expected[1]])
    # the same rows with the columns in other dtypes (as read back from a file, or built by hand)
    for col, dtype in (("series_break", "string"), ("series_break", object), ("suppressed_baseline", object), ("suppressed_current", object),
                       ("change_significant", object), ("all_worse", object), ("comparator_worse", object),
                       ("baseline", "string"), ("comparator_group", "string")):
        t = _table(_CASES).astype({col: dtype})
        status, reason = _status(t)
        assert list(zip(status.tolist(), reason.tolist(), strict=True)) == [e for _, e in _CASES], (col, dtype)


def test_status_of_an_empty_table():
    from evidence.progress import _status

    status, reason = _status(_table(_CASES).iloc[:0])
    assert len(status) == 0 and len(reason) == 0


@pytest.mark.parametrize("flags,expected", [
    ((0.0, 0.0), _NARROWED),
    ((1.0, 0.0), ("narrowed_levelling_down", "the gap narrowed while the whole population got worse")),
    ((0.0, 1.0), ("narrowed_levelling_down", "the gap narrowed while the comparator (White British) got worse")),
    ((_NAN, 0.0), ("insufficient_data", "the gap narrowed, but with no whole-population figure at both ends "
                                        "levelling down cannot be ruled out")),
    ((0.0, _NAN), ("insufficient_data", "the gap narrowed, but with no interval for the comparator's change "
                                        "levelling down cannot be ruled out")),
    ((None, 0.0), ("insufficient_data", "the gap narrowed, but with no whole-population figure at both ends "
                                        "levelling down cannot be ruled out")),
])
def test_status_rule_with_worse_flags_as_numbers(flags, expected):
    # a table read back from a CSV file has all_worse and comparator_worse as 1.0 / 0.0 / blank (NaN):
    # the same as True / False / missing
    from types import SimpleNamespace

    from evidence.progress import _one_status, _status

    row = {**_ROW, "all_worse": flags[0], "comparator_worse": flags[1]}
    assert _one_status(SimpleNamespace(**row)) == expected
    t = pd.DataFrame([row]).astype({"all_worse": float, "comparator_worse": float})
    status, reason = _status(t)
    assert (status.tolist(), reason.tolist()) == ([expected[0]], [expected[1]])


@pytest.mark.parametrize("missing", ["2018", "2024"])
def test_whole_population_at_one_end_only(missing):
    # (against a named group, which needs no whole-population row) no whole-population row in one year: its figure at the other end is still shown, there is no change for it,
    # and a significant narrowing cannot be called progress (DESIGN.md: levelling down cannot be ruled out)
    df = employment((52, 60), (80, 82))
    r = _status(df[~((df["group"] == "All") & (df["period"] == missing))], comparator="reference",
                reference={"disability": "Not disabled"})
    kept = {"2018": ("all_current", 77.6), "2024": ("all_baseline", 74.4)}[missing]
    gone = {"2018": "all_baseline", "2024": "all_current"}[missing]
    assert r[kept[0]] == pytest.approx(kept[1]) and pd.isna(r[gone])
    assert pd.isna(r["all_change"]) and pd.isna(r["all_change_lower"]) and pd.isna(r["all_change_upper"])
    assert pd.isna(r["all_worse"])
    assert r["status"] == "insufficient_data" and "no whole-population figure at both ends" in r["reason"]


@pytest.mark.parametrize("d,lo,hi,significant", [
    (1.0, 0.0, 2.0, False),   # an interval touching 0 is not significant
    (-1.0, -2.0, 0.0, False),
    (1.0, 0.01, 2.0, True),
    (-1.0, -2.0, -0.01, True),
])
def test_change_tests_at_zero(d, lo, hi, significant):
    from evidence.progress import _change_tests

    p, adjusted, sig = _change_tests(np.array([d]), np.array([lo]), np.array([hi]), 0.95, None)
    assert sig.tolist() == [significant] and np.isnan(adjusted).all()
    # the p-value from the interval's width (Altman & Bland 2011): se = (hi - lo) / (2 x 1.96)
    from scipy import stats
    assert p[0] == pytest.approx(2 * stats.norm.sf(abs(d) / ((hi - lo) / (2 * stats.norm.ppf(0.975)))), rel=1e-12)


def test_change_tests_without_an_interval_width():
    # an interval of no width gives no p-value (there is no standard error), and so no adjusted one; and no
    # division warning reaches the user (1 / 0 and 0 / 0 here)
    import warnings

    from statsmodels.stats.multitest import multipletests

    from evidence.progress import _change_tests

    d = np.array([1.0, 0.0, 2.0, 0.5])
    lo = np.array([1.0, 0.0, 1.0, 0.1])
    hi = np.array([1.0, 0.0, 3.0, 0.9])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p, adjusted, _ = _change_tests(d, lo, hi, 0.95, None)
        assert np.isnan(p[:2]).all() and np.isfinite(p[2:]).all()
        p, adjusted, sig = _change_tests(d, lo, hi, 0.95, "holm")
    assert np.isnan(adjusted[:2]).all() and not sig[:2].any()
    # Holm over the two p-values there are (statsmodels)
    np.testing.assert_allclose(adjusted[2:], multipletests(p[2:], alpha=0.05, method="holm")[1], rtol=1e-12)


@pytest.mark.parametrize("comparator", ["overall", "rest"])
def test_overall_and_rest_need_the_whole_population(comparator):
    # against everyone (or everyone else) the whole population's row is needed: a clear error, not a quiet gap
    import evidence as ev

    df = employment((52, 60), (80, 82))
    with pytest.raises(ev.EvidenceError, match="no whole-population row for indicator 'employment_rate'"):
        progress(df[df["group"] != "All"], "2018", "2024", comparator=comparator)


def test_small_number_thresholds_by_default():
    # docs/methods.md: suppressed when the numerator is under 5 or the denominator under 10, so 5 of 10 is shown
    # (and 4 of 10, or 5 of 9, is not)
    def row(x, n):
        df = employment((52, 60), (80, 82))
        at = (df["group"] == "Disabled") & (df["period"] == "2024")
        df.loc[at, ["numerator", "denominator", "value"]] = [x, n, 100 * x / n]
        df.loc[(df["group"] == "All") & (df["period"] == "2024"), ["numerator", "denominator"]] = [6560 + x, 8000 + n]
        df["value"] = 100 * df["numerator"] / df["denominator"]
        return _status(df, comparator="reference", reference={"disability": "Not disabled"})

    shown = row(5, 10)
    assert not shown["suppressed_current"] and shown["value_current"] == pytest.approx(50.0)
    for x, n in ((4, 10), (5, 9)):
        r = row(x, n)
        assert r["suppressed_current"] and r["status"] == "insufficient_data" and pd.isna(r["value_current"])


def test_small_number_settings_are_passed_on():
    # 3 of 2,000 disabled residents in work in 2024: suppressed by default (under 5), shown when asked
    df = employment((52, 60), (80, 82))
    at = (df["group"] == "Disabled") & (df["period"] == "2024")
    df.loc[at, "numerator"] = 3
    df.loc[(df["group"] == "All") & (df["period"] == "2024"), "numerator"] = 6560 + 3
    df["value"] = 100 * df["numerator"] / df["denominator"]
    ref = {"comparator": "reference", "reference": {"disability": "Not disabled"}}
    assert _status(df, **ref)["suppressed_current"]
    for kw in ({"suppress_small": False}, {"min_numerator": 3}):
        r = _status(df, **ref, **kw)
        assert not r["suppressed_current"] and r["value_current"] == pytest.approx(0.15)
    # 5 of 9: suppressed by default (a denominator under 10), shown with a minimum of 9
    small = df.copy()
    small.loc[at, ["numerator", "denominator"]] = [5, 9]
    small["value"] = 100 * small["numerator"] / small["denominator"]
    assert _status(small, **ref)["suppressed_current"]
    r = _status(small, **ref, min_denominator=9)
    assert not r["suppressed_current"] and r["value_current"] == pytest.approx(100 * 5 / 9)
    # the flags are plain booleans, whether a figure was suppressed, missing or there
    p = progress(df[~((df["group"] == "Disabled") & (df["period"] == "2018"))], "2018", "2024", **ref)
    assert p["suppressed_baseline"].dtype == bool and p["suppressed_current"].dtype == bool
    assert p.set_index("group").loc["Disabled", ["suppressed_baseline", "suppressed_current"]].tolist() == [False, True]


def test_whole_population_change_at_998():
    # the whole population's change and its interval follow the level: Newcombe's at 99.8% (statsmodels)
    from statsmodels.stats.proportion import confint_proportions_2indep

    r = _status(employment((52, 60), (80, 82)), level=0.998)
    lo, hi = (100 * v for v in confint_proportions_2indep(7760, 10000, 7440, 10000, method="newcomb",
                                                         compare="diff", alpha=0.002))
    assert (r["all_change"], r["all_change_lower"], r["all_change_upper"]) == pytest.approx((3.2, lo, hi), rel=1e-9)


def test_group_missing_now_keeps_its_baseline_labels():
    # no Disabled row in 2024: the row still names the indicator, its polarity and the comparator (from 2018)
    df = employment((52, 60), (80, 82))
    r = _status(df[~((df["group"] == "Disabled") & (df["period"] == "2024"))])
    assert (r["name"], r["polarity"], r["unit"], r["comparator_group"]) == (
        "employment rate", "higher_is_better", "%", "everyone except Disabled")
    assert r["status"] == "insufficient_data" and r["reason"] == "no current (2024) figure"
