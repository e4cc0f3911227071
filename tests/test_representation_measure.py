"""The scheme rule ``representation``: every branch, with hand-checked shares."""

from __future__ import annotations

import pandas as pd
import pytest

from evidence.scheme import RAG, Scheme

SCHEME = """name: Workforce scheme
baseline: "2020"
current: "2024"
objectives:
  - id: workforce
    title: A workforce like the borough
    measures:
      - id: staff_sex
        indicator: staff
        characteristics: [sex]
        rule: representation
        tolerance: {tol}
{shares}
"""


def _obs() -> pd.DataFrame:
    # 2020: 300 women of 1,000 staff; 2024: 450 of 1,000; 20 did not say in 2024
    rows = []
    for period, women, men, nk in (("2020", 300, 700, 0), ("2024", 450, 530, 20)):
        rows += [dict(indicator="staff", period=period, characteristic="sex", group="Female", numerator=women),
                 dict(indicator="staff", period=period, characteristic="sex", group="Male", numerator=men),
                 dict(indicator="staff", period=period, characteristic="sex", group="Prefer not to say",
                      numerator=nk)]
    df = pd.DataFrame(rows)
    df["denominator"] = 1000
    df["value"] = df["numerator"] / 10
    return df


def _scheme(tmp_path, shares: str, tol: float = 2) -> Scheme:
    path = tmp_path / "s.yaml"
    path.write_text(SCHEME.format(tol=tol, shares=shares))
    return Scheme.from_yaml(path)


def test_shares_from_a_csv_beside_the_scheme(tmp_path):
    (tmp_path / "census.csv").write_text("group,count\nFemale,5100\nMale,4900\nNot known,300\n")
    e = _scheme(tmp_path, "        population_shares: census.csv", tol=1).evaluate(_obs()).set_index("group")
    # 2024: 450 / 980 disclosed = 45.92% against 51%: difference -5.08 points; the Wilson interval of the share
    # (42.82% to 49.05% by hand) puts the difference at -8.18 to -1.95, wholly beyond the 1-point tolerance
    assert e.loc["Female", "value_current"] == pytest.approx(450 / 980 * 100)
    assert e.loc["Female", "value_baseline"] == pytest.approx(30.0)
    assert e.loc["Female", "gap_current"] == pytest.approx(51 - 450 / 980 * 100)
    assert e.loc["Female", "status"] == "under_represented" and e.loc["Female", "rag"] == "red"
    assert e.loc["Male", "status"] == "over_represented"
    assert "98.0% of staff disclosed their sex" in e.loc["Female", "reason"]


def test_within_tolerance_when_the_interval_reaches_it(tmp_path):
    (tmp_path / "census.csv").write_text("group,count\nFemale,5100\nMale,4900\n")
    e = _scheme(tmp_path, "        population_shares: census.csv", tol=2).evaluate(_obs()).set_index("group")
    assert e.loc["Female", "status"] == "in_line"  # -1.95 reaches inside -2


def test_inline_shares_and_tolerance_make_it_in_line(tmp_path):
    e = _scheme(tmp_path, "        population_shares: {Female: 51, Male: 49}", tol=10).evaluate(_obs())
    assert set(e["status"]) == {"in_line"} and set(e["rag"]) == {"green"}
    assert "within the 10-point tolerance" in e["summary"].iloc[0]


def test_without_population_shares_it_is_not_measurable(tmp_path):
    e = _scheme(tmp_path, "").evaluate(_obs())
    assert e["status"].tolist() == ["insufficient_data"] and "population_shares" in e["reason"].iloc[0]


def test_missing_period_is_not_measurable(tmp_path):
    obs = _obs()
    obs = pd.concat([obs[obs["period"] == "2020"], obs.assign(indicator="other", period="2024")])
    e = _scheme(tmp_path, "        population_shares: {Female: 51, Male: 49}").evaluate(obs)
    assert e["status"].tolist() == ["insufficient_data"] and "no staff figures for 2024" in e["reason"].iloc[0]


def test_new_statuses_have_words_and_colours():
    assert RAG["under_represented"] == ("red", "Red: not met (under-represented)")
    assert RAG["in_line"][0] == "green" and RAG["over_represented"][0] == "amber"
