"""Progress and the levelling-down rule: the DESIGN.md worked cases and more."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import employment
from evidence.progress import progress


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
        assert r["status"] in {"narrowed", "narrowed_levelling_down", "widened", "no_significant_change", "no_gap",
                               "insufficient_data", "not_comparable"}


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
