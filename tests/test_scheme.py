"""Scheme files: validation that names file, line and key; evaluation of every rule."""

from __future__ import annotations

import pandas as pd
import pytest

import evidence as ev
from conftest import employment
from evidence.scheme import RAG, Scheme

GOOD = """name: Test scheme
baseline: "2018"
current: "2024"
objectives:
  - id: employment
    title: Close the employment gap
    measures:
      - indicator: employment_rate
        characteristics: [disability]
        groups: [Disabled]
        comparator: rest
        rule: gap_not_widen
"""


def _write(tmp_path, text, name="scheme.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_demo_scheme_loads_and_ships_in_package():
    s = Scheme.demo()
    assert s.slug == "demo" and len(s.objectives) == 5
    assert {m.rule for _, m in s.measures()} == {"gap_not_widen", "improve_where_gap", "maintain_level",
                                                 "representation"}


@pytest.mark.parametrize(
    "old,new,line,words",
    [
        ("        rule: gap_not_widen", "        rule: gap_not_widden", 12, ["unknown rule 'gap_not_widden'",
                                                                              "did you mean 'gap_not_widen'"]),
        ("      - indicator: employment_rate", "      - indcator: employment_rate", 8, ["unknown key 'indcator'"]),
        ("        comparator: rest", "        comparator: others", 11, ["unknown comparator 'others'"]),
        ('baseline: "2018"', 'baseline: "last year"', 2, ["not a recognised period"]),
    ],
)
def test_broken_scheme_names_line_and_key(tmp_path, old, new, line, words):
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ev.EvidenceError) as exc:
        Scheme.from_yaml(path)
    msg = str(exc.value)
    assert str(path) in msg and f"line {line}" in msg
    for w in words:
        assert w in msg


def test_invalid_yaml_names_line(tmp_path):
    path = _write(tmp_path, GOOD + "  - id: [unclosed\n")
    with pytest.raises(ev.EvidenceError, match=r"line \d+.*not valid YAML"):
        Scheme.from_yaml(path)


def test_unknown_indicator_against_metadata(tmp_path):
    path = _write(tmp_path, GOOD.replace("indicator: employment_rate", "indicator: employment_rat"))
    meta = [{"indicator": "employment_rate", "polarity": "higher_is_better"}]
    with pytest.raises(ev.EvidenceError, match="unknown indicator 'employment_rat'.*did you mean 'employment_rate'"):
        Scheme.from_yaml(path, indicators=meta)


def test_unknown_group_in_data_names_line(tmp_path):
    path = _write(tmp_path, GOOD.replace("groups: [Disabled]", "groups: [Disabld]"))
    with pytest.raises(ev.EvidenceError) as exc:
        Scheme.from_yaml(path).evaluate(employment((52, 60), (80, 82)))
    assert "no group 'Disabld'" in str(exc.value) and "line 8" in str(exc.value)


@pytest.mark.parametrize("disabled,others,status,rag", [
    ((52, 60), (80, 82), "narrowed", "green"),
    ((52, 52), (80, 72), "narrowed_levelling_down", "red"),
    ((52, 50), (80, 84), "widened", "red"),
    ((52, 53), (80, 80), "no_significant_change", "amber"),
])
def test_gap_not_widen_rag(tmp_path, disabled, others, status, rag):
    row = Scheme.from_yaml(_write(tmp_path, GOOD)).evaluate(employment(disabled, others)).iloc[0]
    assert row["status"] == status and row["rag"] == rag
    assert row["rag_label"].lower().startswith(rag)


def test_improve_where_gap():
    s = Scheme.demo()
    e = s.evaluate(ev.demo.observations(), indicators=ev.demo.indicators())
    sat = e[e["measure_id"] == "sat_council"].set_index("group")
    assert sat.loc["Disabled", "status"] == "not_improved"  # planted: 52% -> 53%, no clear change
    assert sat.loc["Not disabled", "status"] == "no_gap"


def test_maintain_level_and_representation():
    e = Scheme.demo().evaluate(ev.demo.observations(), indicators=ev.demo.indicators()).set_index("measure_id")
    assert e.loc["get_on_well", "status"] == "level_maintained"
    w = e.loc[["workforce"]].set_index("group")  # measured against the borough's working-age residents
    assert w.loc["White British", "status"] == "over_represented"
    assert w.loc["Other White", "status"] == "under_represented" and w.loc["Other White", "rag"] == "red"
    assert w.loc["Roma", "status"] == "insufficient_data"  # fewer than 5 staff: not shown


def test_maintain_level_below(tmp_path):
    text = GOOD.replace("        characteristics: [disability]\n        groups: [Disabled]\n        comparator: rest\n"
                        "        rule: gap_not_widen", "        rule: maintain_level\n        level: 80")
    row = Scheme.from_yaml(_write(tmp_path, text)).evaluate(employment((52, 60), (80, 82))).iloc[0]
    assert row["status"] == "below_level" and row["rag"] == "red"


def test_every_status_has_a_rag():
    assert set(ev.STATUSES) <= set(RAG)


def test_evaluate_demo_planted_cases():
    e = Scheme.demo().evaluate(ev.demo.observations(), indicators=ev.demo.indicators())
    by = e.set_index(["measure_id", "group"])
    assert by.loc[("g5_fsm", "Eligible for free school meals"), "rag_label"] == "Red: not met (levelling down)"
    assert by.loc[("emp_disability", "Disabled"), "status"] == "narrowed"
    assert by.loc[("a8_ethnicity", "Black Caribbean"), "status"] == "widened"
    assert by.loc[("gld_fsm", "Eligible for free school meals"), "status"] == "not_comparable"
    assert isinstance(e, pd.DataFrame)


def test_council_words_contact_and_min_change_are_read(tmp_path):
    text = GOOD.replace('current: "2024"\n', 'current: "2024"\nmin_change: 1.5\ncontact: {name: Equalities team, '
                        'email: eq@example.gov.uk, phone: "01632 960 000"}\n').replace(
        "        rule: gap_not_widen", "        rule: gap_not_widen\n        min_change: 0.5\n"
        "        lead_officer: Head of Employment\n        actions_taken: [Job coaching, Disability Confident]\n"
        "        commentary: Better than last year.")
    s = Scheme.from_yaml(_write(tmp_path, text))
    m = s.objectives[0].measures[0]
    assert s.settings["min_change"] == 1.5 and m.min_change == 0.5
    assert s.contact == {"name": "Equalities team", "email": "eq@example.gov.uk", "phone": "01632 960 000"}
    assert m.council == {"lead_officer": "Head of Employment", "actions_taken": "Job coaching\nDisability Confident",
                         "commentary": "Better than last year."}
    e = s.evaluate(employment((52, 60), (80, 82)))
    assert e["min_change"].iloc[0] == 0.5


def test_negative_min_change_is_refused(tmp_path):
    with pytest.raises(ev.EvidenceError, match="min_change"):
        Scheme.from_yaml(_write(tmp_path, GOOD.replace('current: "2024"\n', 'current: "2024"\nmin_change: -1\n')))
