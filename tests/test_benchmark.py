"""ev.benchmark against Fingertips' own "Compared to England / Region" labels, and hand-derived cases."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import evidence as ev
from conftest import shared_file
from evidence.benchmark import benchmark

CAMPY = "fingertips_classic_export_93356_campylobacter_by_county_ua_and_deprivation_2015.csv"


def _campylobacter() -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    f = shared_file("data", "real", CAMPY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        obs = ev.read(f)
    raw = pd.read_csv(f, encoding="utf-8-sig").astype({"Time period": str})
    raw["indicator"] = "93356 (" + raw["Age"] + ")"
    # campylobacter incidence: lower is better; crude rate per 100,000 (Byar / exact Poisson limits)
    meta = [{"indicator": i, "polarity": "lower_is_better", "kind": "rate", "multiplier": 100_000}
            for i in obs["indicator"].unique()]
    return obs, raw, meta


def _agreement(out: pd.DataFrame, raw: pd.DataFrame, column: str) -> pd.DataFrame:
    ua = raw[raw["Area Type"] == "County & UA"]
    m = out.merge(ua[["indicator", "Area Name", "Time period", column]],
                  left_on=["indicator", "area", "period"], right_on=["indicator", "Area Name", "Time period"])
    fingertips = m[column].str.lower().str.replace(" ", "_")
    return m.assign(fingertips=fingertips)


def test_compared_to_england_equals_fingertips_for_every_county_and_ua() -> None:
    obs, raw, meta = _campylobacter()
    out = benchmark(obs, "England", indicators=meta, suppress_small=False)
    m = _agreement(out, raw, "Compared to England value or percentiles")
    assert len(m) == 760
    assert (m["compared_95"] == m["fingertips"]).all()
    assert set(m["fingertips"]) == {"better", "similar", "worse", "not_compared"}
    # 99.8% is stricter: never more significant than at 95%
    sig95 = m["compared_95"].isin(["better", "worse"])
    assert not (m["compared_99_8"].isin(["better", "worse"]) & ~sig95).any()
    assert (m["compared_99_8"] == "similar").sum() > (m["compared_95"] == "similar").sum()


def test_compared_to_region_equals_fingertips_with_a_mapping() -> None:
    obs, raw, meta = _campylobacter()
    ua = raw[raw["Area Type"] == "County & UA"]
    region_of = dict(zip(ua["Area Name"], ua["Parent Name"], strict=False))
    out = benchmark(obs, region_of, indicators=meta, suppress_small=False)
    m = _agreement(out, raw, "Compared to Region value or percentiles")
    compared = m[m["fingertips"] != "not_compared"]
    assert len(compared) > 400
    assert (compared["compared_95"] == compared["fingertips"]).all()


def _two_areas(polarity: str | None = "higher_is_better") -> pd.DataFrame:
    rows = []
    for area, (all_, dis, oth) in {"England": ((7400, 10000), (1040, 2000), (6360, 8000)),
                                   "Leeds": ((740, 1000), (80, 200), (660, 800))}.items():
        for g, (x, n) in (("All", all_), ("Disabled", dis), ("Not disabled", oth)):
            rows.append({"indicator": "employment_rate", "period": "2024", "area": area,
                         "characteristic": "All" if g == "All" else "disability", "group": g,
                         "numerator": x, "denominator": n})
    df = pd.DataFrame(rows)
    df["value"] = 100 * df.numerator / df.denominator
    df["kind"] = "proportion"
    if polarity:
        df["polarity"] = polarity
    return df


def test_gap_beside_englands_gap() -> None:
    out = benchmark(_two_areas(), "England").set_index("group")
    d = out.loc["Disabled"]
    # Leeds: 40% vs 74% overall (gap 34 points); England: 52% vs 74% (gap 22 points)
    assert d.gap == pytest.approx(34.0) and d.benchmark_gap == pytest.approx(22.0)
    assert d.gap_difference == pytest.approx(12.0)
    assert d.gap_compared == "wider"
    assert d.compared_95 == "worse" and d.benchmark_value == pytest.approx(52.0)
    assert out.loc["All", "compared_95"] == "similar"  # 74% against 74%


def test_without_polarity_higher_or_lower() -> None:
    out = benchmark(_two_areas(polarity=None), "England").set_index("group")
    assert out.loc["Disabled", "compared_95"] == "lower"
    assert out.loc["Disabled", "gap_compared"] == "not_compared"


def test_comparator_set_is_pooled_from_counts() -> None:
    obs = pd.DataFrame({"indicator": "x", "period": "2020", "area": ["A", "B", "C", "D"], "characteristic": "All",
                        "group": "All", "numerator": [300, 500, 100, 900], "denominator": [1000, 1000, 1000, 1000],
                        "kind": "proportion", "polarity": "higher_is_better"})
    obs["value"] = 100 * obs.numerator / obs.denominator
    out = benchmark(obs, ["A", "B"], gaps=False).set_index("area")
    assert list(out.index) == ["C", "D"]
    assert out["benchmark_value"].tolist() == pytest.approx([40.0, 40.0])  # (300 + 500) / 2000
    assert out.loc["C", "compared_95"] == "worse" and out.loc["D", "compared_95"] == "better"


def test_value_without_interval_is_not_compared() -> None:
    obs = pd.DataFrame({"indicator": "x", "period": "2020", "area": ["England", "Leeds"], "characteristic": "All",
                        "group": "All", "value": [50.0, 40.0], "polarity": "higher_is_better"})
    assert benchmark(obs, gaps=False).loc[0, "compared_95"] == "not_compared"


def test_unknown_benchmark_area_is_an_error_naming_it() -> None:
    with pytest.raises(ev.EvidenceError, match="benchmark area 'Wales'"):
        benchmark(_two_areas(), "Wales")


def test_real_fingertips_next_gaps_against_england() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        obs = ev.read(shared_file(
            "data", "real", "fingertips_extract_fingertipsnext_2018_2024_with_ethnicity_deprivation_categories.csv"))
    ind = "92033"  # obesity in Year 6 by ethnic group, sex and deprivation quintile: lower is better
    x = obs[(obs.indicator == ind) & (obs.period == "2019")]
    out = benchmark(x, "E92000001", indicators=[{"indicator": ind, "polarity": "lower_is_better",
                                                  "kind": "proportion"}])
    assert x.area.nunique() > 30 and len(out) > 1000
    assert set(out["compared_95"]) <= {"better", "similar", "worse", "not_compared"}
    assert {"better", "worse"} & set(out["compared_95"])
    groups = out[out.group != "All"]
    assert np.isfinite(groups["benchmark_gap"]).any()
    assert {"wider", "similar", "narrower", "not_compared"} == set(groups["gap_compared"])
    # a suppressed or missing group is never compared
    assert (groups.loc[groups["value"].isna(), "compared_95"] == "not_compared").all()


def test_funnel_significance_against_the_benchmark_proportion() -> None:
    from evidence.funnel import proportion_significance
    out = benchmark(_two_areas(), "England").set_index("group")
    # Leeds' disabled residents: 80 of 200 against England's 52%
    assert out.loc["Disabled", "funnel"] == proportion_significance([80.0], [200.0], 0.52)[0] == "Low (0.001)"
    assert out.loc["All", "funnel"] == "Not significant"


def test_rate_funnel_against_england_agrees_with_fingertips_compared_to_england_for_every_county_and_ua() -> None:
    # a crude rate's Poisson funnel (events against those England's rate expects) uses the same exact/Byar limits
    # as the area's interval, so its level is Fingertips' own "Compared to England" at 95% and 99.8%
    obs, raw, meta = _campylobacter()
    out = _agreement(benchmark(obs, "England", indicators=meta, gaps=False), raw, "Compared to England value or percentiles")
    judged = out[out["fingertips"].isin(["better", "similar", "worse"]) & out["funnel"].notna()]
    assert len(judged) > 100
    from_funnel = judged["funnel"].map(lambda f: "similar" if f == "Not significant" else
                                       "worse" if f.startswith("High") else "better")  # lower is better
    assert (from_funnel == judged["fingertips"]).all()
    assert (judged["funnel"].str.endswith("(0.001)") == (judged["compared_99_8"] != "similar")).all()
