"""The scheme's own rules called directly, without a scheme file: fast, one case per branch (issue 8).

``improve_where_gap``: every group with a significant gap at baseline must itself improve (significantly, and by
at least the scheme's ``min_change`` when one is set). ``maintain_level``: the whole population stays at or above
``level`` (at or below it when lower is better) and not significantly worse than at baseline. A measure's own
``min_change`` wins over the scheme's. Expected statuses follow those rules; which changes are significant is
checked against statsmodels' Newcombe interval, not taken from the code.
"""

from __future__ import annotations

import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from conftest import employment
from evidence.progress import progress
from evidence.scheme import (
    Measure,
    _improve_where_gap,
    _maintain_level,
    _min_change,
    small_change_sentence,
)

OPTS = {"level": 0.95, "strict": False, "min_numerator": 5, "min_denominator": 10, "adjust": None,
        "min_change": None}


# ------------------------------------------------------------------------------------------------ _min_change
@pytest.mark.parametrize("own,scheme,expected", [
    (0.5, 1.5, 0.5),   # the measure's own wins
    (None, 1.5, 1.5),  # else the scheme's
    (0.0, 1.5, 0.0),   # a measure's own 0 (count every significant change) still wins
    (None, None, None),
])
def test_min_change_measure_wins(own, scheme, expected):
    m = Measure(id="m", title="M", indicator="x", min_change=own)
    assert _min_change(m, {**OPTS, "min_change": scheme}) == expected


def test_min_change_without_the_setting():
    assert _min_change(Measure(id="m", title="M", indicator="x"), {}) is None


# -------------------------------------------------------------------------------------- small_change_sentence
_ROW = {"characteristic": "disability", "group": "Disabled", "population": "residents", "comparator": "rest",
        "comparator_group": "everyone except Disabled", "unit": "%", "gap_current": 28.84, "gap_change": 0.84,
        "min_change": 1.0}


@pytest.mark.parametrize("change,expected", [
    ({}, "The gap between Disabled residents and other residents widened by 0.8 percentage points, less than the "
         "1.0 percentage points the scheme counts as a real change: no clear change."),
    ({"gap_change": -0.84}, "The gap between Disabled residents and other residents narrowed by 0.8 percentage "
                            "points, less than the 1.0 percentage points the scheme counts as a real change: "
                            "no clear change."),
    # no minimum set: a change too small to show at one decimal place
    ({"min_change": None, "gap_change": 0.03}, "The gap between Disabled residents and other residents hardly "
                                               "moved (28.8 percentage points now): no clear change."),
    ({"min_change": 0, "gap_change": 0.03}, "The gap between Disabled residents and other residents hardly "
                                            "moved (28.8 percentage points now): no clear change."),
    # no population named: people; a unit that is not a percentage is its own unit of difference
    ({"population": None, "unit": "points", "gap_change": -1.96, "min_change": 2.5},
     "The gap between Disabled people and other people narrowed by 2.0 points, less than the 2.5 points the "
     "scheme counts as a real change: no clear change."),
    ({"comparator": "reference", "comparator_group": "Not disabled"},
     "The gap between Disabled residents and residents not disabled widened by 0.8 percentage points, less than "
     "the 1.0 percentage points the scheme counts as a real change: no clear change."),
])
def test_small_change_sentence(change, expected):
    assert small_change_sentence({**_ROW, **change}) == expected


def test_small_change_sentence_with_keys_missing():
    row = {k: v for k, v in _ROW.items() if k not in ("population", "unit", "comparator_group")}
    assert small_change_sentence({**row, "comparator": "overall"}) == (
        "The gap between Disabled people and all people widened by 0.8, less than the 1.0 the scheme counts as a "
        "real change: no clear change.")


# ---------------------------------------------------------------------------------------- _improve_where_gap
def _disabled(disabled, others, n_dis=2000, n_oth=8000, polarity="higher_is_better", **kw):
    p = progress(employment(disabled, others, n_dis, n_oth, polarity=polarity), "2018", "2024", comparator="rest",
                 **kw)
    assert p["group"].tolist() == ["Disabled", "Not disabled"]
    return p


def _newcombe(x0, n0, x1, n1):
    """The group's own change (now minus then), in percentage points, by statsmodels."""
    return tuple(100 * v for v in confint_proportions_2indep(x1, n1, x0, n0, method="newcomb", compare="diff"))


@pytest.mark.parametrize("disabled,n,polarity,min_change,status,counts", [  # counts: the group then, now
    # 52% -> 60% of 2,000: a significant rise
    ((52, 60), 2000, "higher_is_better", None, "improved", (1040, 1200)),
    # 52% -> 52.5% and 52% -> 51.5% of 200,000: significant although under one point, and no minimum is set
    ((52, 52.5), 200000, "higher_is_better", None, "improved", (104000, 105000)),
    ((52, 51.5), 200000, "higher_is_better", None, "worsened", (104000, 103000)),
    # ... and a minimum of half a point counts them: exactly the minimum is enough
    ((52, 52.5), 200000, "higher_is_better", 0.5, "improved", (104000, 105000)),
    ((52, 51.5), 200000, "higher_is_better", 0.5, "worsened", (104000, 103000)),
    ((52, 52.5), 200000, "higher_is_better", 0.6, "not_improved", (104000, 105000)),
    ((52, 51.5), 200000, "higher_is_better", 0.6, "not_improved", (104000, 103000)),
    # 52% -> 53% of 2,000: not significant
    ((52, 53), 2000, "higher_is_better", None, "not_improved", (1040, 1060)),
    # lower is better: a significant fall is an improvement, a significant rise is worse
    ((48, 47.5), 200000, "lower_is_better", None, "improved", (96000, 95000)),
    ((48, 48.5), 200000, "lower_is_better", None, "worsened", (96000, 97000)),
])
def test_improve_where_gap_by_the_rule(disabled, n, polarity, min_change, status, counts):
    others = (80, 80) if polarity == "higher_is_better" else (20, 20)
    p = _disabled(disabled, others, n, 4 * n, polarity)
    lo, hi = _newcombe(counts[0], n, counts[1], n)
    # the group's own change is significant (statsmodels) in every case but 52% -> 53% of 2,000
    assert bool(lo > 0 or hi < 0) is (disabled != (52, 53))
    assert p["gap_lower_baseline"].iloc[0] > 0  # a significant gap at baseline: the rule applies
    out = _improve_where_gap(p, min_change)
    assert out["status"].tolist() == [status, "no_gap"]  # Not disabled were ahead: the rule does not apply


def test_improve_where_gap_sentences():
    meta = [{"indicator": "employment_rate", "polarity": "higher_is_better", "kind": "proportion", "unit": "%",
             "population": "pupils", "name": "grade 5 pass rate"}]
    fsm = {"disability": "free_school_meals", "Disabled": "Eligible for free school meals",
           "Not disabled": "Not eligible"}

    def summary(disabled, n=2000, min_change=None):
        df = employment(disabled, (80, 80), n, 4 * n).replace(fsm).drop(columns=["polarity", "kind", "unit"])
        return _improve_where_gap(progress(df, "2018", "2024", comparator="rest", indicators=meta),
                                  min_change)["summary"].tolist()

    assert summary((52, 60)) == [
        "Pupils eligible for free school meals had a gap in 2018, and their grade 5 pass rate improved from 52.0% "
        "to 60.0%: met.",
        "Pupils not eligible had no clear gap in 2018, so this measure does not apply to them."]
    assert summary((52, 48))[0] == ("Pupils eligible for free school meals had a gap in 2018, and their grade 5 "
                                    "pass rate got worse from 52.0% to 48.0%.")
    assert summary((52, 53))[0] == ("Pupils eligible for free school meals had a gap in 2018, and their grade 5 "
                                    "pass rate went from 52.0% to 53.0%: no clear improvement.")
    # 52% -> 52.01% shows as 52.0% both times: "stayed at", not "went from 52.0% to 52.0%"
    assert summary((52, 52.01), n=100000)[0] == ("Pupils eligible for free school meals had a gap in 2018, and "
                                                 "their grade 5 pass rate stayed at 52.0%: no clear improvement.")


def test_improve_where_gap_keeps_what_progress_could_not_judge():
    # suppressed (6 disabled residents) or across a series break: progress' own status and sentence stay
    small = _disabled((52, 60), (80, 82), n_dis=6)
    out = _improve_where_gap(small)
    assert out["status"].iloc[0] == "insufficient_data"
    assert out["summary"].iloc[0] == small["summary"].iloc[0]
    meta = [{"indicator": "employment_rate", "polarity": "higher_is_better", "kind": "proportion", "unit": "%",
             "breaks": ["2021"]}]
    brk = progress(employment((52, 60), (80, 82)).drop(columns="polarity"), "2018", "2024", comparator="rest",
                   indicators=meta)
    out = _improve_where_gap(brk)
    assert out["status"].tolist() == ["not_comparable", "not_comparable"]
    assert out["summary"].tolist() == brk["summary"].tolist()
    assert brk["status"].tolist() == ["not_comparable", "not_comparable"]


def test_improve_where_gap_leaves_its_input_alone():
    p = _disabled((52, 60), (80, 82))
    before = p.copy()
    out = _improve_where_gap(p)
    pd.testing.assert_frame_equal(p, before)
    assert out["gap_change"].tolist() == p["gap_change"].tolist()


# ------------------------------------------------------------------------------------------- _maintain_level
def _level(disabled, others, keep=None, polarity="higher_is_better", min_change=None, **opts):
    m = Measure(id="keep", title="Keep it", indicator="employment_rate", rule="maintain_level", level=keep,
                min_change=min_change)
    df = employment(disabled, others, polarity=polarity)
    return _maintain_level(m, df, "2018", "2024", None, {**OPTS, **opts}).iloc[0]


@pytest.mark.parametrize("disabled,others,keep,polarity,status,words", [
    # the whole population: 0.2 x disabled + 0.8 x others; 55% -> 75% and 80% -> 75% give 75.0% -> 75.0%
    ((55, 75), (80, 75), 75, "higher_is_better", "level_maintained",
     "Employment rate: 75.0% in 2018 and 75.0% in 2024 (the level to keep is 75.0%). Level maintained."),
    ((55, 75), (80, 75), 75.1, "higher_is_better", "below_level",
     "Employment rate: 75.0% in 2018 and 75.0% in 2024, below the level to keep (the level to keep is 75.1%)."),
    # lower is better: the level is a ceiling, and exactly at it is kept
    ((55, 75), (80, 75), 75, "lower_is_better", "level_maintained",
     "Employment rate: 75.0% in 2018 and 75.0% in 2024 (the level to keep is 75.0%). Level maintained."),
    ((55, 75), (80, 75), 74.9, "lower_is_better", "below_level",
     "Employment rate: 75.0% in 2018 and 75.0% in 2024, above the level to keep (the level to keep is 74.9%)."),
    # no level given: only a significant change for the worse counts
    ((52, 60), (80, 82), None, "higher_is_better", "level_maintained",
     "Employment rate: 74.4% in 2018 and 77.6% in 2024. Level maintained."),
    ((52, 60), (80, 82), None, "lower_is_better", "below_level",
     "Employment rate: 74.4% in 2018 and 77.6% in 2024. This is a significant rise, which is worse."),
    ((52, 52), (80, 72), None, "higher_is_better", "below_level",
     "Employment rate: 74.4% in 2018 and 68.0% in 2024. This is a significant fall."),
    ((52, 52), (80, 72), None, "lower_is_better", "level_maintained",
     "Employment rate: 74.4% in 2018 and 68.0% in 2024. Level maintained."),
    # a level of 0 is a level (lower is better: 68.0% is above a ceiling of 0, though the fall is no worse)
    ((52, 52), (80, 72), 0, "lower_is_better", "below_level",
     "Employment rate: 74.4% in 2018 and 68.0% in 2024, above the level to keep (the level to keep is 0.0%)."),
])
def test_maintain_level_by_the_rule(disabled, others, keep, polarity, status, words):
    r = _level(disabled, others, keep, polarity)
    assert r["status"] == status
    assert r["summary"] == words
    assert (r["group"], r["characteristic"], r["comparator"]) == ("All", "All", "baseline")
    assert (r["measure_id"], r["measure"], r["rule"], r["indicator"]) == ("keep", "Keep it", "maintain_level",
                                                                         "employment_rate")
    assert (r["baseline"], r["current"]) == ("2018", "2024")
    assert r["polarity"] == polarity and r["unit"] == "%" and r["name"] == "employment rate"


def test_maintain_level_minimum_change():
    # 74.4% -> 72.8% of 10,000: a significant fall of 1.6 points (statsmodels), so below the level unless the
    # scheme counts only changes of 2 or more; exactly 1.6 still counts
    lo, hi = _newcombe(7440, 10000, 7280, 10000)
    assert hi < 0
    assert _level((52, 52), (80, 78))["status"] == "below_level"
    assert _level((52, 52), (80, 78), min_change=2)["status"] == "level_maintained"
    assert _level((52, 52), (80, 78), min_change=1.6)["status"] == "below_level"
    m = Measure(id="keep", title="Keep it", indicator="employment_rate", rule="maintain_level")
    r = _maintain_level(m, employment((52, 52), (80, 78)), "2018", "2024", None, {**OPTS, "min_change": 2}).iloc[0]
    assert r["status"] == "level_maintained"  # the scheme's minimum, when the measure sets none


def test_maintain_level_values_and_reason():
    r = _level((52, 52), (80, 72))
    lo, hi = _newcombe(7440, 10000, 6800, 10000)
    assert r["reason"] == f"change from baseline -6.4 ({lo:+.1f} to {hi:+.1f})"
    assert (r["value_baseline"], r["value_current"]) == pytest.approx((74.4, 68.0))
    assert (r["all_baseline"], r["all_current"]) == pytest.approx((74.4, 68.0))
    assert r["population"] == "people"
    # a wider interval at 99.8%: the reason's interval follows the level
    wide = _level((52, 52), (80, 72), level=0.998)
    assert wide["reason"] != r["reason"] and wide["reason"].startswith("change from baseline -6.4 (")


@pytest.mark.parametrize("drop", ["2018", "2024"])
def test_maintain_level_without_both_ends(drop):
    m = Measure(id="keep", title="Keep it", indicator="employment_rate", rule="maintain_level")
    df = employment((52, 60), (80, 82))
    r = _maintain_level(m, df[~((df["group"] == "All") & (df["period"] == drop))], "2018", "2024", None, OPTS)
    assert len(r) == 1
    r = r.iloc[0]
    assert r["status"] == "insufficient_data" and r["reason"] == "no whole-population figure at both ends"
    assert r["summary"] == "There is not enough data to check employment_rate."
    assert (r["measure_id"], r["group"], r["comparator"], r["baseline"]) == ("keep", "All", "baseline", "2018")


def test_maintain_level_uses_only_its_indicator_the_whole_population_and_the_two_periods():
    m = Measure(id="keep", title="Keep it", indicator="employment_rate", rule="maintain_level")
    df = employment((52, 60), (80, 82))
    noise = pd.concat([employment((10, 10), (10, 10)).assign(indicator="other"),
                       employment((10, 10), (10, 10), periods=("2020", "2021"))], ignore_index=True)
    r = _maintain_level(m, pd.concat([df, noise], ignore_index=True), "2018", "2024", None, OPTS).iloc[0]
    assert (r["value_baseline"], r["value_current"]) == pytest.approx((74.4, 77.6))
    # small numbers are suppressed with the scheme's thresholds: 7,760 of 10,000 is under a minimum of 10,001
    r = _maintain_level(m, df, "2018", "2024", None, {**OPTS, "min_denominator": 10001}).iloc[0]
    assert r["status"] == "insufficient_data"


@pytest.mark.parametrize("end", ["2018", "2024"])
def test_maintain_level_with_one_end_suppressed(end):
    # the whole population's figure at one end is 3 of 10,000 (under 5: suppressed); "not significantly below
    # baseline" cannot be judged without both ends, so never "Level maintained" from a missing figure
    m = Measure(id="keep", title="Keep it", indicator="employment_rate", rule="maintain_level", level=70)
    df = employment((52, 60), (80, 82))
    at = (df["group"] == "All") & (df["period"] == end)
    df.loc[at, ["numerator", "value"]] = [3, 0.03]
    r = _maintain_level(m, df, "2018", "2024", None, OPTS).iloc[0]
    assert r["status"] == "insufficient_data" and r["reason"] == "no whole-population figure at both ends"


@pytest.mark.parametrize("disabled,others,polarity,min_change,status", [
    # 74.4% -> 74.0%: a fall, but not a significant one (Newcombe -1.6 to +0.8): kept
    ((52, 52), (80, 79.5), "higher_is_better", None, "level_maintained"),
    # lower is better, 25.6% -> 26.9%: a significant rise (Newcombe +0.08 to +2.5), however small: worse
    ((48, 48), (20, 21.625), "lower_is_better", None, "below_level"),
    # 75.0% -> 72.5% (both exact in binary): a significant fall of exactly 2.5, which a minimum of 2.5 still counts
    ((55, 55), (80, 76.875), "higher_is_better", 2.5, "below_level"),
    ((55, 55), (80, 76.875), "higher_is_better", 2.6, "level_maintained"),
])
def test_maintain_level_significance_and_minimum_at_the_edges(disabled, others, polarity, min_change, status):
    # the whole population (of 10,000) then and now, and where its change's interval lies (statsmodels)
    x0, x1 = {(52, 52): (7440, 7400), (48, 48): (2560, 2690), (55, 55): (7500, 7250)}[disabled]
    lo, hi = _newcombe(x0, 10000, x1, 10000)
    if disabled == (52, 52):
        assert 0 < hi < 1  # not significant, but only just under a point above 0
    elif disabled == (48, 48):
        assert 0 < lo < 1  # significant, but less than a point above 0
    else:
        assert hi < 0 and 100 * x1 / 10000 - 100 * x0 / 10000 == -2.5
    assert _level(disabled, others, polarity=polarity, min_change=min_change)["status"] == status


def test_maintain_level_uses_the_metadata_and_the_small_number_settings():
    meta = [{"indicator": "employment_rate", "name": "residents out of work", "polarity": "lower_is_better",
             "kind": "proportion", "unit": "%", "population": "residents"}]
    m = Measure(id="keep", title="Keep it", indicator="employment_rate", rule="maintain_level")
    # 74.4% -> 77.6% is a significant rise: worse when the metadata say lower is better
    df = employment((52, 60), (80, 82)).drop(columns=["polarity", "kind", "unit"])
    r = _maintain_level(m, df, "2018", "2024", meta, OPTS).iloc[0]
    assert (r["status"], r["polarity"], r["name"], r["population"]) == ("below_level", "lower_is_better",
                                                                        "residents out of work", "residents")
    assert r["summary"] == ("Residents out of work: 74.4% in 2018 and 77.6% in 2024. This is a significant rise, "
                            "which is worse.")
    # 7,440 people is under a minimum numerator of 7,500: suppressed, so not enough data
    r = _maintain_level(m, employment((52, 60), (80, 82)), "2018", "2024", None,
                        {**OPTS, "min_numerator": 7500}).iloc[0]
    assert r["status"] == "insufficient_data"


def test_maintain_level_counts_a_significant_fall_under_one_point():
    # 74.4% -> 73.9% of 100,000: a fall of half a point, significant (statsmodels), and no minimum is set
    lo, hi = _newcombe(74400, 100000, 73900, 100000)
    assert hi < 0
    m = Measure(id="keep", title="Keep it", indicator="employment_rate", rule="maintain_level")
    df = employment((52, 52), (80, 79.375), 20000, 80000)
    assert _maintain_level(m, df, "2018", "2024", None, OPTS).iloc[0]["status"] == "below_level"


def _own(v0, l0, u0, v1, l1, u1, polarity="higher_is_better", gap_lower_baseline=5.0, status="narrowed"):
    return {"characteristic": "disability", "group": "Disabled", "population": "residents", "unit": "%",
            "name": "employment rate", "baseline": "2018", "polarity": polarity, "status": status,
            "summary": "progress' own sentence", "gap_lower_baseline": gap_lower_baseline,
            "value_baseline": v0, "lower_baseline": l0, "upper_baseline": u0,
            "value_current": v1, "lower_current": l1, "upper_current": u1}


# MOVER (Zou & Donner 2008) for now minus then: lower = d - sqrt((v1 - l1)^2 + (u0 - v0)^2),
# upper = d + sqrt((u1 - v1)^2 + (v0 - l0)^2); with sides of 3 and 4 the root is exactly 5
@pytest.mark.parametrize("row,status", [
    (_own(50, 47, 53, 55, 51, 59), "not_improved"),    # +5, interval 0 to 10: touches 0, not significant
    (_own(50, 47, 53, 55.5, 51.5, 59.5), "improved"),  # +5.5, interval 0.5 to 10.5
    (_own(50, 47, 53, 45, 41, 49), "not_improved"),    # -5, interval -10 to 0
    (_own(50, 47, 53, 44.5, 40.5, 48.5), "worsened"),  # -5.5, interval -10.5 to -0.5
    (_own(50, 47, 53, 45, 41, 49, "lower_is_better"), "not_improved"),
    (_own(50, 47, 53, 44.5, 40.5, 48.5, "lower_is_better"), "improved"),
    (_own(50, 47, 53, 55, 51, 59, "lower_is_better"), "not_improved"),
    (_own(50, 47, 53, 55.5, 51.5, 59.5, "lower_is_better"), "worsened"),
    # a significant gap at baseline is one whose interval is above 0, however little; touching 0 is no gap
    (_own(50, 47, 53, 55.5, 51.5, 59.5, gap_lower_baseline=0.5), "improved"),
    (_own(50, 47, 53, 55.5, 51.5, 59.5, gap_lower_baseline=0.0), "no_gap"),
    (_own(50, 47, 53, 55.5, 51.5, 59.5, gap_lower_baseline=-3.0), "no_gap"),
])
def test_improve_where_gap_on_rows_made_by_hand(row, status):
    assert _improve_where_gap(pd.DataFrame([row]))["status"].tolist() == [status]


@pytest.mark.parametrize("now,polarity,status", [
    ((45, 41, 49), "higher_is_better", "level_maintained"),  # -5, interval -10 to 0: touches 0, not significant
    ((44.5, 40.5, 48.5), "higher_is_better", "below_level"),  # -5.5, interval -10.5 to -0.5
    ((55, 51, 59), "lower_is_better", "level_maintained"),  # +5, interval 0 to 10
    ((55.5, 51.5, 59.5), "lower_is_better", "below_level"),  # +5.5, interval 0.5 to 10.5
])
def test_maintain_level_with_published_intervals_touching_zero(now, polarity, status):
    # published values and intervals (50, 47 to 53 at baseline): the MOVER root is exactly 5, as above
    m = Measure(id="keep", title="Keep it", indicator="x", rule="maintain_level")
    df = pd.DataFrame([dict(period="2018", value=50.0, lower=47.0, upper=53.0),
                       dict(period="2024", value=now[0], lower=now[1], upper=now[2])])
    df = df.assign(indicator="x", characteristic="All", group="All", polarity=polarity, kind="score", unit="points")
    assert _maintain_level(m, df, "2018", "2024", None, OPTS).iloc[0]["status"] == status
