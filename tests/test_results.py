"""What the report shows, computed once: data quality findings."""

from __future__ import annotations

import evidence as ev
from evidence.results import data_quality


def test_data_quality_finds_missing_groups_periods_and_intervals():
    obs = ev.demo.observations()
    obs = obs[~((obs["indicator"] == "employment_rate") & (obs["group"] == "Arab") & (obs["period"] == "2020"))]
    q = data_quality(obs, ev.demo.indicators(), {"level": 0.95, "min_numerator": 5, "min_denominator": 10})
    mg = q["missing_groups"]
    assert mg[(mg["indicator"] == "employment_rate") & (mg["group"] == "Arab")]["missing_periods"].tolist() == ["2020"]
    assert q["missing_periods"].set_index("indicator").loc["good_level_development", "missing_periods"] == "2020, 2021"
    assert q["no_interval"].empty
    assert "value" not in q["suppressed"].columns and len(q["suppressed"]) > 0


def test_previous_period_from_the_data_or_last_years_manifest(tmp_path):
    import json

    from evidence.results import previous_period

    obs = ev.demo.observations()
    assert previous_period(obs, "2024") == "2023"
    assert previous_period(obs, "2024", previous="2021") == "2021"
    (tmp_path / "2022").mkdir()
    (tmp_path / "2022" / "manifest.json").write_text(json.dumps({"parameters": {"period": "2022"}}))
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "manifest.json").write_text("not json")  # not ours: ignored
    assert previous_period(obs, "2024", reports=tmp_path) == "2022"
    assert previous_period(obs, "2018") is None


def test_each_result_says_how_it_moved_since_last_year():
    from evidence.results import build

    r = build(ev.Scheme.demo(), obs := ev.demo.observations(), ev.demo.indicators())
    e = r.evaluation.set_index(["measure_id", "group"])
    assert r.previous == "2023"
    assert set(e["since_last"]) <= {"better", "worse", "no clear change", "cannot be compared",
                                    "worse (the gap narrowed only by levelling down)"}
    assert e.loc[("get_on_well", "All"), "since_last"] == "no clear change"  # held its level: not "better"
    assert set(e.loc["workforce", "since_last"]) == {"cannot be compared"}  # shares this year, not a change
    # a group that fell clearly behind in the last year is "worse"
    drop = (obs["indicator"] == "employment_rate") & (obs["group"] == "Disabled") & (obs["period"] == "2024")
    worse = obs.copy()
    worse.loc[drop, "numerator"] = (worse.loc[drop, "denominator"] * 0.45).round()
    worse.loc[drop, "value"] = 100 * worse.loc[drop, "numerator"] / worse.loc[drop, "denominator"]
    r2 = build(ev.Scheme.demo(), worse, ev.demo.indicators())
    row = r2.evaluation.set_index(["measure_id", "group"]).loc[("emp_disability", "Disabled")]
    assert row["since_last"] == "worse"


def test_data_quality_does_not_invent_periods_across_styles():
    import pandas as pd

    from evidence.results import data_quality

    rows = []
    for ind, periods in (("annual", ["2019", "2020", "2021"]), ("academic", ["2019/20", "2020/21"])):
        for p in periods:
            rows.append(dict(indicator=ind, period=p, characteristic="All", group="All", value=50.0,
                             polarity="higher_is_better"))
    q = data_quality(pd.DataFrame(rows), None, {"level": 0.95, "min_numerator": 5, "min_denominator": 10})
    assert q["missing_periods"].empty  # 2020 is not a missing academic year, nor 2019/20 a missing calendar year
