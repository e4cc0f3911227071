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


def test_shipped_mortality_records_are_the_generator_output():
    shipped = pd.read_csv(ev.demo.MORTALITY_RECORDS, dtype={"period": str})
    pd.testing.assert_frame_equal(shipped, ev.demo.mortality_records(), check_dtype=False)
    assert shipped["age_band"].drop_duplicates().tolist() == ev.demo.AGE_BANDS  # OHID's 20 bands, 90+ open
    assert len(ev.demo.AGE_BANDS) == 20 and (shipped["deaths"] <= shipped["population"]).all()


def test_demo_life_expectancy_rows_are_health_life_expectancy_of_the_shipped_deaths():
    m = pd.read_csv(ev.demo.MORTALITY_RECORDS, dtype={"period": str})
    obs = ev.demo.observations()
    le = obs[obs["indicator"].str.startswith("life_expectancy")].set_index(["indicator", "period", "group"])
    assert len(le) == 2 * 7 * 11  # two sexes, seven years, ten deciles and everyone
    for (sex, indicator) in (("Female", "life_expectancy_female"), ("Male", "life_expectancy_male")):
        for d in (1, 5, 10):
            rows = m[(m["sex"] == sex) & (m["deprivation_decile"] == d) & (m["period"] == "2024")]
            want = ev.health.life_expectancy(rows, age="age_band").iloc[0]
            label = "1 (most deprived)" if d == 1 else "10 (least deprived)" if d == 10 else str(d)
            got = le.loc[(indicator, "2024", label)]
            assert (got["value"], got["lower"], got["upper"]) == (want["value"], want["lower"], want["upper"])
            assert got["n"] == rows["population"].sum()
        everyone = m[(m["sex"] == sex) & (m["period"] == "2018")].groupby("age_band", sort=False)[
            ["population", "deaths"]].sum().reset_index()
        want = ev.health.life_expectancy(everyone, age="age_band").iloc[0]
        assert le.loc[(indicator, "2018", "All"), "value"] == want["value"]


def test_demo_life_expectancy_gradient_is_about_7_years_for_women_and_9_for_men():
    obs = ev.demo.observations()
    le = obs[obs["indicator"].str.startswith("life_expectancy")]
    wide = le.pivot_table(index=["indicator", "period"], columns="group", values="value")
    gap = (wide["10 (least deprived)"] - wide["1 (most deprived)"]).groupby("indicator").mean()
    assert 6 <= gap["life_expectancy_female"] <= 8
    assert 8 <= gap["life_expectancy_male"] <= 10
    assert (wide["All"].xs("life_expectancy_female") > wide["All"].xs("life_expectancy_male")).all()
    sii = ev.summary_measures(le, ["sii"], indicators=ev.demo.indicators(), repetitions=2000)
    assert sii["value"].between(6, 13).all() and (sii["direction"] == "disadvantaged_worse").all()
