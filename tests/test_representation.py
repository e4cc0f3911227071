"""Representation against a benchmark: hand-computed shares, intervals and verdicts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import evidence as ev
from evidence.representation import is_not_known, representation


def _wilson(x: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson (1927) score interval, written out by hand from the formula."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def _staff() -> pd.DataFrame:
    # 100 A and 900 B disclosed; 50 "Not known", 10 blank and 40 "Prefer not to say" did not
    return pd.DataFrame({"ethnicity": ["A"] * 100 + ["B"] * 900 + ["Not known"] * 50 + [None] * 10
                         + ["Prefer not to say"] * 40})


def test_census_benchmark_share_ratio_and_difference_by_hand():
    r = representation(_staff(), {"A": 20, "B": 75, "C": 5}, "ethnicity").set_index("group")
    lo, hi = _wilson(100, 1000)  # 0.0829094, 0.1201520 (hand: centre 0.1015307, half-width 0.0186213)
    a = r.loc["A"]
    assert a["share"] == pytest.approx(10.0)
    assert (a["share_lower"], a["share_upper"]) == pytest.approx((100 * lo, 100 * hi))
    assert (a["share_lower"], a["share_upper"]) == pytest.approx((8.29094, 12.01520), abs=1e-4)
    assert a["benchmark_share"] == pytest.approx(20.0)
    assert a["ratio"] == pytest.approx(0.5)
    # the census share is known: the ratio's interval is the share's divided by 20%
    assert (a["ratio_lower"], a["ratio_upper"]) == pytest.approx((lo / 0.2, hi / 0.2))
    assert a["difference"] == pytest.approx(-10.0)
    assert (a["difference_lower"], a["difference_upper"]) == pytest.approx((100 * lo - 20, 100 * hi - 20))
    assert a["verdict"] == "under"
    b = r.loc["B"]  # 90% against 75%
    assert b["verdict"] == "over" and b["ratio"] == pytest.approx(1.2)


def test_not_known_is_a_disclosure_rate_not_a_group():
    r = representation(_staff(), {"A": 20, "B": 75, "C": 5}, "ethnicity")
    assert not r["group"].isin(["Not known", "Prefer not to say"]).any()
    assert set(r["total"]) == {1000}
    assert set(r["not_known"]) == {100}
    assert r["disclosure_rate"].iloc[0] == pytest.approx(1000 / 1100 * 100)  # 90.909...%
    assert is_not_known(["Prefer not to say", "Undisclosed", "prefernottosay", float("nan"), "White"]).tolist() == \
        [True, True, True, True, False]


def test_group_missing_from_the_population_is_listed():
    r = representation(_staff(), {"A": 20, "B": 75, "C": 5}, "ethnicity").set_index("group")
    c = r.loc["C"]
    assert bool(c["missing"]) and c["count"] == 0 and c["share"] == 0
    assert c["verdict"] == "under"  # 0 of 1,000 against 5%: the Wilson upper limit is 0.38%
    assert c["share_upper"] == pytest.approx(100 * _wilson(0, 1000)[1])
    assert "nobody" in c["note"]


def test_group_not_in_the_benchmark_has_no_verdict():
    staff = pd.DataFrame({"ethnicity": ["A"] * 50 + ["Kurdish"] * 50})
    r = representation(staff, {"A": 100}, "ethnicity").set_index("group")
    assert r.loc["Kurdish", "share"] == 50 and pd.isna(r.loc["Kurdish", "verdict"])
    assert not r.loc["Kurdish", "in_benchmark"]


def test_in_line_when_the_interval_covers_the_benchmark_or_within_tolerance():
    staff = pd.DataFrame({"sex": ["Female"] * 48 + ["Male"] * 52})
    r = representation(staff, {"Female": 51, "Male": 49}, "sex").set_index("group")
    assert set(r["verdict"]) == {"in_line"}
    # 30% against 36%: significantly under with no tolerance, in line within 10 points
    staff = pd.DataFrame({"sex": ["Female"] * 300 + ["Male"] * 700})
    assert representation(staff, {"Female": 36, "Male": 64}, "sex").set_index("group").loc["Female", "verdict"] == "under"
    lo, hi = _wilson(300, 1000)
    assert 100 * hi - 36 < 0  # the hand interval is wholly below the benchmark
    r = representation(staff, {"Female": 36, "Male": 64}, "sex", tolerance=10).set_index("group")
    assert r.loc["Female", "verdict"] == "in_line"
    r = representation(staff, {"Female": 36, "Male": 64}, "sex", tolerance=1).set_index("group")
    assert r.loc["Female", "verdict"] == "under" and r.loc["Male", "verdict"] == "over"


def test_sample_benchmark_uses_newcombe_and_katz():
    # Newcombe (1998) Table II example (56/70 vs 48/80): difference 0.0524 to 0.3339
    staff = pd.DataFrame({"g": ["A"] * 56 + ["B"] * 14})
    bench = pd.DataFrame({"group": ["A", "B"], "count": [48, 32]})
    r = representation(staff, bench, "g", benchmark_from="sample").set_index("group")
    a = r.loc["A"]
    assert (a["difference_lower"], a["difference_upper"]) == pytest.approx((5.24, 33.39), abs=0.01)
    assert a["ratio"] == pytest.approx((56 / 70) / (48 / 80))
    se = math.sqrt(1 / 56 - 1 / 70 + 1 / 48 - 1 / 80)  # Katz log standard error, by hand
    assert a["ratio_lower"] == pytest.approx(a["ratio"] * math.exp(-1.959964 * se), rel=1e-5)
    assert a["verdict"] == "over" and "Newcombe" in a["method"]
    with pytest.raises(ev.EvidenceError, match="sample benchmark needs counts"):
        representation(staff, pd.DataFrame({"group": ["A", "B"], "share": [60, 40]}), "g", benchmark_from="sample")


def test_small_groups_are_not_shown_and_nor_is_the_next_smallest():
    staff = pd.DataFrame({"e": ["A"] * 3 + ["B"] * 20 + ["C"] * 77})
    r = representation(staff, {"A": 5, "B": 20, "C": 75}, "e").set_index("group")
    assert r.loc["A", "suppressed"] and pd.isna(r.loc["A", "count"]) and pd.isna(r.loc["A", "share"])
    assert r.loc["B", "suppressed"] and pd.isna(r.loc["B", "share"])  # else 100 - 77 - 20 reveals A
    assert not r.loc["C", "suppressed"] and r.loc["C", "share"] == 77
    tiny = representation(pd.DataFrame({"e": ["A"] * 4 + ["C"] * 5}), {"A": 5, "C": 95}, "e")
    assert tiny["suppressed"].all() and tiny["share"].isna().all() and tiny["total"].isna().all()


def test_per_grade_band_shows_where_representation_thins():
    staff = pd.DataFrame({
        "band": pd.Categorical(["Junior"] * 200 + ["Senior"] * 100, ["Junior", "Senior"]),
        "e": ["A"] * 60 + ["B"] * 140 + ["A"] * 5 + ["B"] * 95,
    })
    r = representation(staff, {"A": 25, "B": 75}, "e", within="band")
    a = r[r["group"] == "A"].set_index("band")
    assert list(a.index) == ["Junior", "Senior", "All"]
    assert a["share"].tolist() == pytest.approx([30.0, 5.0, 65 / 300 * 100])
    assert a.loc["Senior", "verdict"] == "under" and a.loc["Junior", "verdict"] == "in_line"


def test_counts_table_and_several_characteristics():
    counts = pd.DataFrame({"characteristic": ["sex", "sex", "sex", "disability", "disability"],
                           "group": ["Female", "Male", "All", "Disabled", "Not disabled"],
                           "n": [600, 400, 1000, 80, 920]})
    bench = pd.DataFrame({"characteristic": ["sex", "sex", "disability", "disability"],
                          "group": ["Female", "Male", "Disabled", "Not disabled"], "share": [0.5, 0.5, 0.2, 0.8]})
    r = representation(counts, bench, ["sex", "disability"]).set_index("group")
    assert r.loc["Female", "share"] == 60 and r.loc["Female", "verdict"] == "over"
    assert r.loc["Disabled", "share"] == 8 and r.loc["Disabled", "verdict"] == "under"


def test_bad_input_names_the_column():
    with pytest.raises(ev.EvidenceError, match="no column 'ethnicity'"):
        representation(pd.DataFrame({"sex": ["F"]}), {"A": 1}, "ethnicity")
    with pytest.raises(ev.EvidenceError, match="count or share"):
        representation(_staff(), pd.DataFrame({"group": ["A"], "pct": [1]}), "ethnicity")


def test_real_calderdale_council_workforce_against_the_2011_census():
    from conftest import shared_file

    m = {"columns": {"period": "published", "area": "organisation", "denominator": "employees"},
         "filters": {"organisation": "Calderdale Council"}, "period_year": True,
         "constants": {"indicator": "workforce_ethnicity", "characteristic": "ethnicity"},
         "wide": {"columns": "^ethnicity_(asian|black|white|mixed|other|undisclosed|prefernottosay)$", "into": "group",
                  "value": "numerator"}}
    staff = ev.read(shared_file("data", "real",
                                "workforce_diversity_leeds_city_region_orgs_incl_calderdale_council_2018_2026.csv"),
                    mapping=m)
    staff = staff[staff["period"] == "2026"].assign(group=lambda d: d["group"].str.capitalize())
    census = pd.read_csv(shared_file("data", "real", "eff_2011_census_ethnic_population_by_local_authority.csv"))
    census = census[(census["Geography_name"] == "Calderdale") & (census["Ethnicity_type"] == "ONS 2011 5+1")
                    & (census["Measure"] == "% of local population in this ethnic group")]
    bench = pd.DataFrame({"group": census["Ethnicity"].str.strip(), "count": census["Numerator"]})
    r = representation(staff, bench, "ethnicity").set_index("group")
    # published: 245 Asian, 57 Black, 66 Mixed, 8 Other, 2,369 White; 29 prefer not to say, 5 undisclosed
    assert r.loc["Asian", "total"] == 2745 and r.loc["Asian", "not_known"] == 34
    assert r.loc["Asian", "disclosure_rate"] == pytest.approx(2745 / 2779 * 100)
    assert r.loc["Asian", "share"] == pytest.approx(245 / 2745 * 100)           # 8.93%
    assert r.loc["Asian", "benchmark_share"] == pytest.approx(16875 / 203826 * 100)  # 8.28% of residents in 2011
    assert r.loc["Asian", "verdict"] == "in_line"
    assert r.loc["Black", "share"] == pytest.approx(57 / 2745 * 100) and r.loc["Black", "verdict"] == "over"
    assert r.loc["White", "verdict"] == "under"  # 86.3% of staff (Wilson upper 87.5%) against 89.7% of residents
    assert r.loc["White", "share_upper"] == pytest.approx(100 * _wilson(2369, 2745)[1])


def test_grade_bands_cannot_be_differenced_to_reveal_a_small_group():
    # C has 3 senior staff: hidden, and so is C's next smallest band (else All minus the other bands gives 3)
    staff = pd.DataFrame({
        "band": pd.Categorical(["Junior"] * 100 + ["Middle"] * 100 + ["Senior"] * 50, ["Junior", "Middle", "Senior"]),
        "e": ["A"] * 40 + ["B"] * 40 + ["C"] * 20 + ["A"] * 45 + ["B"] * 45 + ["C"] * 10 + ["A"] * 20 + ["B"] * 27
        + ["C"] * 3,
    })
    r = representation(staff, {"A": 40, "B": 40, "C": 20}, "e", within="band").set_index(["band", "group"])
    assert r.loc[("Senior", "C"), "suppressed"] and r.loc[("Middle", "C"), "suppressed"]  # across the bands
    assert r.loc[("Senior", "A"), "suppressed"]  # within the senior band (A is its next smallest)
    assert not r.loc[("Senior", "B"), "suppressed"] and r.loc[("All", "C"), "count"] == 33
    # no row or column with exactly one hidden figure is left
    bands = r.drop(index="All", level="band")
    assert all(n != 1 for n in bands.groupby(level="band")["suppressed"].sum())
    assert all(n != 1 for n in bands.groupby(level="group")["suppressed"].sum())
