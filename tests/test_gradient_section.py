"""The report's section per ordered characteristic: SII and RII in words, trend marker, benchmark column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import evidence as ev
from evidence import gradient_section as gs

FEMALE_2024 = ("The gap in female life expectancy at birth between the most and least deprived tenths of the borough "
               "is 8.8 years (95% confidence interval 6.3 to 11.3 years); the most deprived are worse off. Over the "
               "last five years (2020 to 2024) this gap shows no significant change.")


def _deciles(values_by_year: dict[str, list[float]], se: float = 0.3, area: str = "Ours",
             polarity: str = "higher_is_better") -> pd.DataFrame:
    rows = []
    for year, values in values_by_year.items():
        for i, v in enumerate(values, start=1):
            rows.append({"indicator": "le", "period": year, "area": area, "characteristic": "imd_decile",
                         "group": str(i), "value": v, "lower": v - 1.96 * se, "upper": v + 1.96 * se, "n": 20000,
                         "polarity": polarity, "kind": "life_expectancy", "unit": "years",
                         "name": "life expectancy"})
    return pd.DataFrame(rows)


def _gradient(slope: float, base: float = 76.0) -> list[float]:
    return [base + slope * i / 9 for i in range(10)]


@pytest.fixture(scope="module")
def demo_table() -> pd.DataFrame:
    obs = ev.demo.observations()
    return gs.gradient_table(obs[obs["indicator"].str.startswith("life_expectancy")], "2024",
                             indicators=ev.demo.indicators(), place="the borough")


def test_demo_life_expectancy_sentence_word_for_word(demo_table: pd.DataFrame) -> None:
    female = demo_table[(demo_table.indicator == "life_expectancy_female") & (demo_table.measure == "sii")]
    assert female["sentence"].iloc[0] == FEMALE_2024
    rii = demo_table[(demo_table.indicator == "life_expectancy_female") & (demo_table.measure == "rii")]
    assert rii["sentence"].iloc[0] == ("Relative to the most deprived end, female life expectancy at birth at the "
                                       "least deprived end is 11% higher (95% confidence interval 8% to 14%).")
    # the numbers are summary_measures' own (OHID's SII, seeded Monte Carlo limits)
    sm = ev.summary_measures(ev.demo.observations().query("indicator == 'life_expectancy_female' and period == '2024'"),
                             ["sii"], indicators=ev.demo.indicators())
    assert female["value"].iloc[0] == sm["value"].iloc[0] and female["upper"].iloc[0] == sm["upper"].iloc[0]


def test_report_section_on_the_demo_shows_the_sentence_and_a_trend_column() -> None:
    from evidence.results import build

    obs = ev.demo.observations()
    html = gs.report_section(build(ev.Scheme.demo(), obs, ev.demo.indicators()), obs)
    assert FEMALE_2024 in html.replace("&#x27;", "'")
    assert '<h2 id="gradient-deprivation_decile">Gaps across deprivation deciles</h2>' in html
    assert "<caption>The gap across all deprivation deciles, 2024</caption>" in html
    assert "► No significant change" in html and "Trend, last five years" in html
    # the demo's age bands have four groups: one plain paragraph, no table of blanks
    assert ("could not be measured for employment rate, satisfaction with the council, feeling treated fairly by "
            "the council and trust in the council: the figures have fewer than five age groups") in html
    assert html.index("deprivation deciles") < html.index("age groups")  # deprivation first


def test_no_comparator_areas_no_benchmark_column(demo_table: pd.DataFrame) -> None:
    assert demo_table["area"].nunique() == 1 and demo_table["compared"].isna().all()
    assert "compared with" not in gs.section_html(demo_table)


@pytest.mark.parametrize(("slopes", "trend"), [
    ([6.0, 7.0, 8.0, 9.0, 10.0], "widening"),
    ([10.0, 9.0, 8.0, 7.0, 6.0], "narrowing"),
    ([8.0, 8.1, 7.9, 8.0, 8.05], "no_significant_change"),
])
def test_trend_marker_comes_from_ev_trend_of_the_sii_series(slopes: list[float], trend: str) -> None:
    obs = _deciles({str(2020 + i): _gradient(s) for i, s in enumerate(slopes)}, se=0.1)
    t = gs.gradient_table(obs, repetitions=5000)
    sii = t[t.measure == "sii"].iloc[0]
    assert sii["trend"] == trend and sii["trend_periods"] == "2020 to 2024"
    assert gs.TREND_MARKER[trend] in gs.section_html(t)


def test_for_a_lower_is_better_indicator_a_growing_negative_slope_is_widening() -> None:
    # mortality falls from the most to the least deprived: the slope is negative and the most deprived worse off
    obs = _deciles({str(2020 + i): [900 - s * i2 / 9 for i2 in range(10)] for i, s in enumerate([100, 150, 200, 250, 300])},
                   se=5, polarity="lower_is_better")
    obs["kind"], obs["unit"] = "rate", "per 100,000"
    t = gs.gradient_table(obs, repetitions=5000)
    sii = t[t.measure == "sii"].iloc[0]
    assert sii["value"] < 0 and sii["direction"] == "disadvantaged_worse" and sii["trend"] == "widening"
    assert t[t.measure == "rii"].iloc[0]["trend"] == "widening"


def test_fewer_than_five_years_is_not_enough_for_a_trend() -> None:
    t = gs.gradient_table(_deciles({"2023": _gradient(8), "2024": _gradient(8)}), repetitions=2000)
    assert t.loc[0, "trend"] == "not_calculated"
    assert t.loc[0, "sentence"].endswith("There are not enough years of figures to say how this gap is changing.")


def test_benchmark_column_when_comparator_areas_are_given() -> None:
    years = {str(y): _gradient(8) for y in range(2020, 2025)}
    obs = pd.concat([_deciles(years), _deciles({"2024": _gradient(4)}, area="England"),
                     _deciles({"2024": _gradient(8)}, area="Similar council")], ignore_index=True)
    t = gs.gradient_table(obs, "2024", comparator_areas=["England", "Similar council"], repetitions=5000)
    sii = t[t.measure == "sii"].set_index("area")
    assert list(sii.index) == ["Ours", "England", "Similar council"]
    assert sii.loc["England", "compared"] == "wider" and sii.loc["Similar council", "compared"] == "similar"
    assert sii.loc["England", "value"] == pytest.approx(4 / 0.9, rel=1e-9)  # deciles at ranks 0.05..0.95
    html = gs.section_html(t)
    assert "<th scope=\"col\">England&#x27;s gap</th>" in html and "Ours compared with England" in html
    assert "Our gap is wider" in html and "Similar" in html
    narrower = gs.gradient_table(obs, "2024", area="England", comparator_areas=["Ours"], repetitions=5000)
    assert narrower.loc[(narrower.measure == "sii") & (narrower.area == "Ours"), "compared"].iloc[0] == "narrower"


def test_a_missing_decile_is_said_in_words() -> None:
    obs = _deciles({"2024": _gradient(8)})
    t = gs.gradient_table(obs[obs.group != "4"], repetitions=2000)
    assert t.loc[0, "sentence"].startswith("The gap in life expectancy between the most and least deprived tenths "
                                           "could not be measured: no value for group(s) 4")


@pytest.mark.parametrize(("characteristic", "groups", "order", "expected", "heading"), [
    ("imd_quintile", ["5", "1", "3", "2", "4"], None, ["1", "2", "3", "4", "5"], "imd quintiles"),
    ("deprivation_decile", ["1 (most deprived)", "10 (least deprived)"], None, None, "deprivation deciles"),
    ("age_band", ["75+", "16-34", "Under 16", "35-54"], None, ["Under 16", "16-34", "35-54", "75+"], "age groups"),
    ("income", ["High", "Low"], {"income": ["Low", "High"]}, ["Low", "High"], "income groups"),
])
def test_ordering_of_deprivation_age_and_given_orders(characteristic, groups, order, expected, heading) -> None:  # noqa: ANN001
    o = gs.ordering(characteristic, groups, order)
    if expected is not None:
        assert o.groups == expected
    assert o.heading == heading
    assert gs.ordering("ethnicity", ["Indian", "Chinese"]) is None
    assert gs.ordering("age_band", ["Adults", "Children"]) is None
    assert gs.ordering("sex & age_band", ["Female & 16-34", "Female & 35-54"]) is None  # an intersection
    fingertips = gs.ordering("County & UA deprivation deciles in England (IMD2015)",
                             ["Least deprived decile (IMD2015)", "Most deprived decile (IMD2015)"])
    assert fingertips.groups[0] == "Most deprived decile (IMD2015)"
    assert fingertips.heading == "County & UA deprivation deciles in England (IMD2015)"


def test_rii_and_trend_sentences_every_branch() -> None:
    assert "could not be measured: too few" in gs.rii_sentence({"value": np.nan, "note": "too few"}, name="x")
    assert "is 10% lower" in gs.rii_sentence({"value": 0.9, "lower": 0.85, "upper": 0.95}, name="x")
    assert "could be either way" in gs.rii_sentence({"value": 1.01, "lower": 0.98, "upper": 1.04}, name="x")
    assert "zero or below" in gs.rii_sentence({"value": -1.0}, name="x")
    assert gs.trend_sentence({"trend": "narrowing", "trend_periods": "2020 to 2024"}).endswith("has narrowed.")
    assert gs.trend_sentence({"trend": "no_significant_change", "trend_periods": "a"}).endswith("no significant change.")
    assert gs.place_of("Leeds City Council") == "the city" and gs.place_of(None) == "the area"
    assert gs.place_of("Equalities team", "England") == "England"  # not "the county" from a file name
    assert gs._quantile_heading("County & UA deprivation deciles in England (IMD2015)", 10).endswith("(IMD2015)")
    assert gs._quantile_heading("wealth", 5) == "wealth quintiles"


def test_several_areas_without_saying_which_is_ours_is_an_error_naming_them() -> None:
    obs = pd.concat([_deciles({"2024": _gradient(8)}), _deciles({"2024": _gradient(6)}, area="Leeds")])
    with pytest.raises(ev.EvidenceError, match=r"2 areas \(Leeds, Ours\); say which is yours with area="):
        gs.gradient_table(obs, repetitions=1000)


def test_without_polarity_the_sentence_says_which_end_is_higher() -> None:
    obs = _deciles({"2024": _gradient(-8, base=90)}).drop(columns="polarity")
    t = gs.gradient_table(obs, repetitions=1000)
    assert t.loc[0, "sentence"].startswith("The gap in life expectancy between the most and least deprived tenths "
                                           "of the area is 8.9 years")
    assert "; the figure is higher for the most deprived." in t.loc[0, "sentence"]
    assert t.loc[0, "trend_note"] == "needs the indicator's polarity"
    assert t.loc[0, "sentence"].endswith("Its trend is not judged: the indicator does not say whether higher is better.")


def test_many_missing_deciles_are_counted_not_listed() -> None:
    obs = _deciles({"2024": _gradient(8)})
    t = gs.gradient_table(obs[obs.group.isin(["1", "2", "3", "4", "5"])], repetitions=1000)
    assert "no value for group(s) 5 of the 10 groups (6, 7, 8...)" in t.loc[0, "sentence"]


def test_numeric_periods_from_a_spreadsheet_are_matched() -> None:
    obs = _deciles({"2023": _gradient(8), "2024": _gradient(8)})
    obs["period"] = obs["period"].astype(float)  # 2024.0, as Excel gives it
    t = gs.gradient_table(obs, 2024.0, repetitions=1000)
    assert t.loc[0, "period"] == "2024" and np.isfinite(t.loc[0, "value"])


def test_report_section_with_the_schemes_comparator_areas_shows_their_gap(tmp_path) -> None:  # noqa: ANN001
    from importlib import resources

    from evidence.results import build

    text = resources.files("evidence").joinpath("schemes/demo.yaml").read_text(encoding="utf-8")
    path = tmp_path / "scheme.yaml"
    path.write_text(text.replace('current: "2024"', 'current: "2024"\narea: Northbrook (fictional)\n'
                                 "comparator_areas: [England]"), encoding="utf-8")
    scheme = ev.Scheme.from_yaml(path)
    obs = ev.demo.observations()
    england = obs[obs["indicator"].str.startswith("life_expectancy") & (obs["period"] == "2024")].assign(area="England")
    england = england.assign(lower=england["value"] - 0.1, upper=england["value"] + 0.1)  # a big, precise country
    both = pd.concat([obs, england], ignore_index=True)
    html = gs.report_section(build(scheme, both, ev.demo.indicators()), both)
    assert "<th scope=\"col\">England&#x27;s gap</th>" in html and "Ours compared with England" in html
    assert FEMALE_2024 in html.replace("&#x27;", "'")  # our own figures, not England's
