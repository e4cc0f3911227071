"""ev.aggregate: person-level records to observations (pandas engine; engines agree in test_engines.py)."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evidence as ev
from evidence.aggregate import NOT_KNOWN

META = [
    {"indicator": "employed", "kind": "proportion", "polarity": "higher_is_better", "unit": "%", "multiplier": 100},
    {"indicator": "score", "kind": "mean", "polarity": "higher_is_better", "unit": "points"},
]


def survey(n: int = 4000, seed: int = 7) -> pd.DataFrame:
    """Synthetic residents: ethnicity (some missing), sex, age band, a yes/no and a numeric outcome, weights."""
    rng = np.random.default_rng(seed)
    eth = rng.choice(["White British", "Black Caribbean", "Indian", "Other White"], n, p=[0.55, 0.2, 0.15, 0.1])
    eth = np.where(rng.random(n) < 0.04, None, eth)
    sex = rng.choice(["Female", "Male"], n)
    age = rng.choice(["16-34", "35-54", "55+"], n)
    base = 0.7 - 0.15 * (eth == "Black Caribbean") + 0.05 * (sex == "Female")
    employed = (rng.random(n) < base).astype(int)
    score = rng.normal(50, 12, n) - 5 * (eth == "Black Caribbean")
    return pd.DataFrame({"ethnicity": eth, "sex": sex, "age": age, "employed": employed, "score": score,
                         "weight": rng.uniform(0.4, 2.5, n)})


def test_aggregate_then_gaps_equals_gaps_computed_by_hand_from_the_records():
    r = survey()
    r["eth"] = r["ethnicity"].fillna("Not known")  # by hand: missing is its own group too
    rows = []
    for o, kind in (("employed", "proportion"), ("score", "mean")):
        parts = [("All", "All", r)] + [("ethnicity", g, block) for g, block in r.groupby("eth")]
        for char, group, block in parts:
            y = block[o].to_numpy(float)
            row = dict(indicator=o, period="2024", characteristic=char, group=group, n=len(y))
            if kind == "proportion":
                row.update(value=100 * y.sum() / len(y), numerator=y.sum(), denominator=len(y))
            else:
                row.update(value=y.mean(), se=y.std(ddof=1) / math.sqrt(len(y)))
            rows.append(row)
    hand = pd.DataFrame(rows)
    agg = ev.aggregate(r.drop(columns="eth"), ["employed", "score"], by="ethnicity", period="2024")
    key = ["indicator", "characteristic", "group"]
    cols = ["value", "gap", "gap_lower", "gap_upper", "relative_gap", "relative_gap_lower", "relative_gap_upper"]
    for comparator in ("overall", "rest"):
        got = ev.gaps(agg, comparator=comparator, indicators=META).sort_values(key).reset_index(drop=True)
        want = ev.gaps(hand, comparator=comparator, indicators=META).sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(got[key + cols], want[key + cols], rtol=1e-12)
    # and the gap itself straight from the records: all pupils' rate minus Black Caribbean's, in points
    g = ev.gaps(agg, indicators=META).set_index(["indicator", "group"])
    bc = r.loc[r["ethnicity"] == "Black Caribbean", "employed"].mean()
    assert g.loc[("employed", "Black Caribbean"), "gap"] == pytest.approx(100 * (r["employed"].mean() - bc), rel=1e-12)


def test_weighted_estimates_and_kish_effective_sample_size_by_hand():
    r = pd.DataFrame({"w": [1.0, 2.0, 3.0, 4.0], "yes": [1, 0, 1, 1], "y": [10.0, 20.0, 30.0, 40.0], "c": "a"})
    obs = ev.aggregate(r, ["yes", "y"], by="c", weight="w", period="2024", suppress_small=False)
    p = obs[(obs.indicator == "yes") & (obs.group == "All")].iloc[0]
    m = obs[(obs.indicator == "y") & (obs.group == "All")].iloc[0]
    # Kish: n_eff = (Σw)² / Σw² = 100 / 30
    assert p["n_eff"] == pytest.approx(10 / 3, rel=1e-12) and p["n"] == 4
    # weighted proportion (1 + 3 + 4) / 10, effective counts p·n_eff and n_eff, se sqrt(p(1-p)/n_eff)
    assert p["value"] == pytest.approx(80.0, rel=1e-12)
    assert (p["numerator"], p["denominator"]) == (pytest.approx(8 / 3), pytest.approx(10 / 3))
    assert p["se"] == pytest.approx(100 * math.sqrt(0.8 * 0.2 / (10 / 3)), rel=1e-12)
    # weighted mean 300/10 = 30; Σw(y-30)²/Σw = 1000/10 = 100; s² = 100·n_eff/(n_eff-1) = 1000/7;
    # se = sqrt(s²/n_eff) = sqrt(300/7) = 6.546537
    assert m["value"] == pytest.approx(30.0, rel=1e-12)
    assert m["se"] == pytest.approx(6.546537, abs=1e-6)
    # Wilson with the effective counts (statsmodels, independently)
    from statsmodels.stats.proportion import proportion_confint
    lo, hi = proportion_confint(8 / 3, 10 / 3, method="wilson")
    assert (p["lower"], p["upper"]) == (pytest.approx(100 * lo), pytest.approx(100 * hi))


def test_equal_weights_give_the_unweighted_estimates():
    r = survey(300)
    plain = ev.aggregate(r, ["employed", "score"], by="sex", period="2024", suppress_small=False)
    weighted = ev.aggregate(r.assign(weight=2.5), ["employed", "score"], by="sex", weight="weight",
                            period="2024", suppress_small=False)
    for c in ("value", "se", "lower", "upper"):
        np.testing.assert_allclose(weighted[c], plain[c], rtol=1e-9)
    score = r.loc[r.sex == "Male", "score"]
    got = plain[(plain.indicator == "score") & (plain.group == "Male")].iloc[0]
    assert got["se"] == pytest.approx(statistics.stdev(score) / math.sqrt(len(score)), rel=1e-12)


@pytest.mark.parametrize("dtype", ["int8", "int64", "bool", "float-with-missing"])
def test_yes_no_outcomes_counted_or_summed_give_the_same_counts(dtype):
    r = survey(500)
    if dtype == "bool":
        r["employed"] = r["employed"].astype(bool)
    elif dtype == "float-with-missing":
        r["employed"] = r["employed"].astype(float).where(np.arange(500) % 7 != 0)
    else:
        r["employed"] = r["employed"].astype(dtype)
    counted = ev.aggregate(r, "employed", by=["ethnicity", "sex"], intersections=2, period="2024")
    summed = ev.aggregate(r.assign(one=1.0), "employed", by=["ethnicity", "sex"], intersections=2, period="2024",
                          weight="one")
    cols = ["group", "numerator", "denominator", "n", "value", "lower", "upper", "suppressed"]
    pd.testing.assert_frame_equal(counted[cols], summed[cols], rtol=1e-12)


def test_missing_values_are_counted_as_not_known():
    r = pd.DataFrame({"sex": ["Female"] * 20 + ["Male"] * 20 + [None] * 6 + [float("nan")] * 3 + ["  "] * 2,
                      "yes": [1, 0] * 25 + [1]})
    obs = ev.aggregate(r, "yes", by="sex", period="2024", suppress_small=False)
    nk = obs[obs.group == NOT_KNOWN].iloc[0]
    assert nk["n"] == 11 and nk["numerator"] == 6
    assert obs.loc[obs.characteristic == "sex", "n"].sum() == obs.loc[obs.group == "All", "n"].iloc[0] == 51


def test_an_outcome_missing_for_some_records_leaves_them_out_of_that_outcome_only():
    r = survey(200)
    r.loc[:9, "score"] = np.nan
    obs = ev.aggregate(r, ["employed", "score"], by="sex", period="2024", suppress_small=False)
    allrows = obs[obs.group == "All"].set_index("indicator")
    assert allrows.loc["employed", "n"] == 200 and allrows.loc["score", "n"] == 190
    assert allrows.loc["score", "value"] == pytest.approx(r["score"].mean())


def test_an_intersection_rolls_up_exactly_to_its_parent_and_can_be_filtered_by_its_parts():
    r = survey()
    obs = ev.aggregate(r, ["employed", "score"], by=["ethnicity", "sex", "age"], intersections=2,
                       period="2024", suppress_small=False)
    assert set(obs["characteristic"]) == {"All", "ethnicity", "sex", "age", "ethnicity & sex", "ethnicity & age",
                                          "sex & age"}
    cross = obs[(obs.characteristic == "ethnicity & sex") & (obs.indicator == "employed")]
    parent = obs[(obs.characteristic == "ethnicity") & (obs.indicator == "employed")].set_index("group").sort_index()
    summed = cross.groupby("ethnicity")[["numerator", "denominator", "n"]].sum()
    pd.testing.assert_frame_equal(summed, parent[["numerator", "denominator", "n"]].rename_axis("ethnicity"),
                                  check_dtype=False)
    row = cross[(cross.ethnicity == "Black Caribbean") & (cross.sex == "Male")].iloc[0]
    assert row["group"] == "Black Caribbean & Male"
    block = r[(r.ethnicity == "Black Caribbean") & (r.sex == "Male")]
    assert row["n"] == len(block) and row["numerator"] == block["employed"].sum()
    # filter by a part: every row about men, alone or crossed
    men = obs[obs["sex"] == "Male"]
    assert set(men["characteristic"]) == {"sex", "ethnicity & sex", "sex & age"}
    assert obs.loc[obs.characteristic == "ethnicity", "sex"].isna().all()


def test_suppression_is_on_by_default_with_secondary_suppression_within_a_parent():
    r = pd.DataFrame({"eth": ["A"] * 40 + ["B"] * 60 + ["C"] * 100,
                      "sex": ["M"] * 37 + ["F"] * 3 + ["M"] * 30 + ["F"] * 30 + ["M"] * 50 + ["F"] * 50,
                      "yes": [1, 0] * 100})
    obs = ev.aggregate(r, "yes", by=["eth", "sex"], intersections=2, period="2024")
    s = obs.set_index("group")
    assert s.loc["A & F", "suppressed"] and s.loc["A & F", "reason"].startswith("suppressed: fewer")
    # A & M = A - (A & F) would give A & F away, and so would B & F = F - (A & F) - (C & F) with C & F ...
    for victim in ("A & M", "B & F", "B & M"):
        assert s.loc[victim, "suppressed"] and "worked out" in s.loc[victim, "reason"], victim
    # ... so the smaller of B & F and C & F goes, then B & M within B; C's cells and every parent stay
    assert not s.loc[["C & F", "C & M", "A", "B", "C", "F", "M", "All"], "suppressed"].any()
    figures = ["value", "numerator", "denominator", "n", "se", "lower", "upper"]
    assert obs.loc[obs.suppressed, figures].isna().all().all()
    off = ev.aggregate(r, "yes", by=["eth", "sex"], intersections=2, period="2024", suppress_small=False)
    assert not off["suppressed"].any() and off.set_index("group").loc["A & F", "n"] == 3


def test_weighted_suppression_counts_people_not_weights():
    r = pd.DataFrame({"g": ["x"] * 12 + ["y"] * 40, "yes": [1] * 4 + [0] * 8 + [1, 0] * 20,
                      "w": [20.0] * 4 + [0.1] * 8 + [1.0] * 40})
    obs = ev.aggregate(r, "yes", by="g", weight="w", period="2024").set_index("group")
    # 4 people said yes in x: suppressed, although their weighted count is large
    assert obs.loc["x", "suppressed"] and pd.isna(obs.loc["x", "n_eff"])


def test_period_and_area_columns_give_one_estimate_each():
    r = survey(400).assign(year=["2023", "2024"] * 200, borough=["North"] * 200 + ["South"] * 200)
    obs = ev.aggregate(r, "employed", by="sex", period="year", area="borough")
    assert set(zip(obs.period, obs.area, strict=True)) == {(y, b) for y in ("2023", "2024") for b in ("North", "South")}
    assert obs.groupby(["period", "area"]).size().eq(3).all()
    clean = ev.validate(obs)  # the observations contract
    assert len(clean) == len(obs)


def test_outcome_kinds_can_be_given_and_are_checked():
    r = pd.DataFrame({"c": ["a", "b"] * 10, "y": [0, 1] * 10, "z": [0.5, 1] * 10})
    obs = ev.aggregate(r, {"y": "mean"}, by="c", period="2024", suppress_small=False)
    assert set(obs["kind"]) == {"mean"}
    assert set(ev.aggregate(r, ["y", "z"], by="c", period="2024")["kind"]) == {"proportion", "mean"}
    with pytest.raises(ev.EvidenceError, match="values 0 and 1"):
        ev.aggregate(r, {"z": "proportion"}, by="c", period="2024")


@pytest.mark.parametrize(
    "records, kwargs, message",
    [
        (pd.DataFrame({"c": ["a"], "y": ["yes"]}), {"period": "2024"}, r"row 1, column 'y' \(value 'yes'\)"),
        (pd.DataFrame({"c": ["a", "b"], "y": [1, 0], "w": [1.0, None]}), {"period": "2024", "weight": "w"},
         r"row 2, column 'w'.*weight of 0 or more"),
        (pd.DataFrame({"c": ["a"], "y": [1]}), {}, "no 'period' column"),
        (pd.DataFrame({"c": ["a"], "y": [1]}), {"period": "2024", "by": ["c", "sexx"]}, "column 'sexx'"),
        (pd.DataFrame({"group": ["a"], "y": [1]}), {"period": "2024", "by": "group"}, "cannot share its name"),
        (pd.DataFrame({"c": ["a"], "y": [1], "yr": [None]}), {"period": "yr"}, "no period"),
    ],
)
def test_bad_records_raise_an_evidence_error_naming_the_column(records, kwargs, message):
    kwargs = {"by": "c", **kwargs}
    with pytest.raises(ev.EvidenceError, match=message):
        ev.aggregate(records, "y", **kwargs)


records_strategy = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c", None]), st.sampled_from(["x", "y", None]),
              st.sampled_from([0, 1, None]), st.floats(0.1, 5)),
    min_size=1, max_size=60,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records_strategy)
def test_group_counts_sum_to_the_all_count(rows):
    r = pd.DataFrame(rows, columns=["p", "q", "yes", "w"])
    r["yes"] = r["yes"].astype(float)
    obs = ev.aggregate(r, {"yes": "proportion"}, by=["p", "q"], intersections=2, weight="w", period="2024",
                       suppress_small=False)
    total = obs.loc[obs.group == "All", "n"].iloc[0]
    assert total == r["yes"].notna().sum()
    for _, block in obs[obs.characteristic != "All"].groupby("characteristic"):
        assert block["n"].sum() == total


SCHEME = """
name: Person-level test scheme
baseline: "2023"
current: "2024"
data:
  observations:
    - path: survey.csv
      aggregate:
        outcomes: [employed]
        by: [ethnicity, sex]
        weight: weight
        intersections: 2
        period: year
  indicators: indicators.yaml
objectives:
  - id: work
    title: Employment
    measures:
      - id: emp
        title: Employment by ethnic group and sex
        indicator: employed
        characteristics: ["ethnicity & sex"]
        groups: ["Black Caribbean & Male"]
"""


def _scheme_folder(tmp_path, scheme: str = SCHEME):
    r = pd.concat([survey(1500, seed=1).assign(year="2023"), survey(1500, seed=2).assign(year="2024")])
    r.to_csv(tmp_path / "survey.csv", index=False)
    (tmp_path / "indicators.yaml").write_text(
        "- {indicator: employed, name: employment rate, kind: proportion, polarity: higher_is_better, "
        "unit: '%', multiplier: 100}\n")
    (tmp_path / "scheme.yaml").write_text(scheme)
    return r


def test_a_scheme_can_point_data_at_person_level_records(tmp_path):
    from evidence.results import build, load_data

    records = _scheme_folder(tmp_path)
    scheme = ev.Scheme.from_yaml(tmp_path / "scheme.yaml")
    obs, meta, inputs = load_data(scheme)
    assert tmp_path / "survey.csv" in inputs
    direct = ev.aggregate(records, "employed", by=["ethnicity", "sex"], weight="weight", intersections=2,
                          period="year")
    pd.testing.assert_frame_equal(obs, direct)
    evaluation = build(scheme, obs, meta).evaluation
    row = evaluation[evaluation.group == "Black Caribbean & Male"].iloc[0]
    assert row["status"] in ev.STATUSES and row["value_current"] == pytest.approx(
        direct.query("period == '2024' and group == 'Black Caribbean & Male'")["value"].iloc[0])


def test_a_misspelt_aggregate_key_names_the_line(tmp_path):
    _scheme_folder(tmp_path, SCHEME.replace("weight: weight", "wieght: weight"))
    with pytest.raises(ev.EvidenceError, match=r"line 11, column 'data.observations.0.aggregate.wieght'.*unknown key 'wieght' \(did you mean 'weight'\?\)"):
        ev.Scheme.from_yaml(tmp_path / "scheme.yaml")


def test_a_missing_records_file_names_it(tmp_path):
    from evidence.results import load_data

    _scheme_folder(tmp_path, SCHEME.replace("path: survey.csv", "path: surveys.csv"))
    with pytest.raises(ev.EvidenceError, match="surveys.csv.*not there"):
        load_data(ev.Scheme.from_yaml(tmp_path / "scheme.yaml"))


def test_the_demo_survey_through_a_scheme_equals_the_built_in_demo(tmp_path):
    from evidence.results import load_data

    (tmp_path / "scheme.yaml").write_text(f"""
name: Survey records
baseline: "2018"
current: "2024"
data:
  observations:
    - path: {ev.demo.SURVEY_RECORDS}
      aggregate: {{outcomes: [feels_safe_after_dark], by: [sex, age_band, disability], weight: weight,
                  intersections: 2, period: year, area: {ev.demo.AREA}}}
  indicators: demo
objectives:
  - id: safety
    title: Safety
    measures:
      - {{id: safe, title: Young women, indicator: feels_safe_after_dark, characteristics: ["sex & age_band"],
          groups: ["Female & 16-34"]}}
""")
    obs, _, inputs = load_data(ev.Scheme.from_yaml(tmp_path / "scheme.yaml"))
    assert inputs == [ev.demo.SURVEY_RECORDS]
    built_in = ev.demo.observations().query("indicator == 'feels_safe_after_dark'").reset_index(drop=True)
    pd.testing.assert_frame_equal(obs[built_in.columns], built_in, check_dtype=False)
    measure = ev.Scheme.demo().evaluate(ev.demo.observations(), "2024", indicators=ev.demo.indicators())
    assert measure.set_index("measure_id").loc["safe_after_dark", "status"] == "widened"  # as planted


def test_weighted_mean_degrees_of_freedom_use_kish_n_eff_everywhere():
    """A survey mean's t quantile uses n_eff - 1, in aggregate's own interval and in every gap made from it."""
    from scipy import stats

    r = pd.DataFrame({"c": ["a"] * 6 + ["b"] * 5,
                      "y": [10.0, 14, 9, 20, 13, 11, 30, 25, 27, 33, 26],
                      "w": [1.0, 5, 1, 4, 1, 2, 3, 1, 6, 1, 2]})
    obs = ev.aggregate(r, {"y": "mean"}, by="c", weight="w", period="2024", suppress_small=False)
    hand = {}
    for name, x in r.groupby("c"):
        w, y = x["w"].to_numpy(), x["y"].to_numpy()
        n_eff = w.sum() ** 2 / (w**2).sum()  # Kish (1965)
        mean = (w * y).sum() / w.sum()
        s2 = (w * (y - mean) ** 2).sum() / w.sum() * n_eff / (n_eff - 1)
        hand[name] = (mean, np.sqrt(s2 / n_eff), n_eff)
    row = obs[obs["group"] == "a"].iloc[0]
    mean, se, n_eff = hand["a"]
    q = stats.t.ppf(0.975, n_eff - 1)  # 6 respondents, but n_eff = 3.6: 2.6 degrees of freedom, not 5
    assert (row["lower"], row["upper"]) == (pytest.approx(mean - q * se, rel=1e-12), pytest.approx(mean + q * se, rel=1e-12))
    # the estimate every measure starts from gives the same interval, not one on n - 1 degrees of freedom
    meta = [{"indicator": "y", "polarity": "higher_is_better", "kind": "mean"}]
    g = ev.gaps(obs, "reference", reference={"c": "b"}, indicators=meta, suppress_small=False).set_index("group")
    assert (g.loc["a", "lower"], g.loc["a", "upper"]) == (pytest.approx(row["lower"], rel=1e-12),
                                                          pytest.approx(row["upper"], rel=1e-12))
    # Welch on the two effective sample sizes
    (ma, sa, na), (mb, sb, nb) = hand["a"], hand["b"]
    df = (sa**2 + sb**2) ** 2 / (sa**4 / (na - 1) + sb**4 / (nb - 1))
    half = stats.t.ppf(0.975, df) * np.sqrt(sa**2 + sb**2)
    assert g.loc["a", "gap"] == pytest.approx(mb - ma, rel=1e-12)
    assert (g.loc["a", "gap_lower"], g.loc["a", "gap_upper"]) == (pytest.approx(mb - ma - half, rel=1e-9),
                                                                  pytest.approx(mb - ma + half, rel=1e-9))
