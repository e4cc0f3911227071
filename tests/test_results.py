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
