"""The built-in demo is deterministic, valid and exportable."""

from __future__ import annotations

import pandas as pd

import evidence as ev


def test_deterministic_and_valid():
    a, b = ev.demo.observations(), ev.demo.observations()
    pd.testing.assert_frame_equal(a, b)
    out = ev.validate(a, indicators=ev.demo.indicators(), require_all=True, require_polarity=True)
    assert set(out["period"]) == {str(y) for y in range(2018, 2025)}
    assert "ethnicity" in set(out["characteristic"])
    eth = out[(out.characteristic == "ethnicity") & (out.indicator != "workforce_share")]
    assert eth["group"].nunique() == 19  # staff headcounts also have "Prefer not to say"


def test_export(tmp_path):
    paths = ev.demo.export(tmp_path)
    back = pd.read_csv(paths[0], dtype={"period": str})
    assert len(back) == len(ev.demo.observations())
    assert pd.read_excel(paths[2], sheet_name="observations").shape[0] == len(back)


def test_demo_uses_every_ons_2021_group():
    from evidence.demo import _ETHNICITY
    from evidence.ethnicity import ONS_2021

    assert set(_ETHNICITY) == set(ONS_2021)


def test_shipped_survey_records_are_the_generator_output_and_aggregate_as_planted():
    shipped = pd.read_csv(ev.demo.SURVEY_RECORDS, dtype={"year": str})
    made = ev.demo.survey_records()
    pd.testing.assert_frame_equal(shipped.fillna({"disability": "?"}),
                                  made.fillna({"disability": "?"}).astype({"feels_safe_after_dark": float}),
                                  check_dtype=False)
    obs = ev.aggregate(made, "feels_safe_after_dark", by=["sex", "age_band"], weight="weight", intersections=2,
                       period="year")
    young_women = obs[(obs.group == "Female & 16-34")].set_index("period")["value"]
    everyone = obs[(obs.group == "All")].set_index("period")["value"]
    assert (everyone - young_women)["2024"] > (everyone - young_women)["2018"] + 10  # the planted widening
