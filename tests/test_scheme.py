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


def test_improve_where_gap_on_the_demo():
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


# ------------------------------------------------------------------ areas (issue 9)
def _two_areas():
    a = employment((52, 60), (80, 82)).assign(area="Barnet", area_code="E09000003")
    b = employment((50, 55), (78, 80)).assign(area="England", area_code="E92000001")
    return pd.concat([a, b], ignore_index=True)


def test_scheme_area_by_name_or_code_and_comparators(tmp_path):
    obs = _two_areas()
    for area in ("Barnet", "E09000003", "barnet"):
        s = Scheme.from_yaml(_write(tmp_path, GOOD.replace("current: \"2024\"", f"current: \"2024\"\narea: {area}\n"
                                                           "comparator_areas: [England]")))
        assert set(s.own_area(obs)["area"]) == {"Barnet"} and set(s.comparator_rows(obs)["area"]) == {"England"}
        row = s.evaluate(obs).iloc[0]
        assert row["value_current"] == pytest.approx(60, abs=0.1)  # Barnet's, not England's


def test_many_areas_without_area_is_a_clear_error(tmp_path):
    s = Scheme.from_yaml(_write(tmp_path, GOOD))
    with pytest.raises(ev.EvidenceError, match=r"the data cover 2 areas \(Barnet, England\).*'area:'"):
        s.evaluate(_two_areas())


def test_comparator_area_not_in_data_names_the_line(tmp_path):
    s = Scheme.from_yaml(_write(tmp_path, GOOD.replace("current: \"2024\"", "current: \"2024\"\narea: Barnet\n"
                                                       "comparator_areas: [London]")))
    with pytest.raises(ev.EvidenceError, match="comparator area 'London' is not in the data") as exc:
        s.comparator_rows(_two_areas())
    assert "line 5" in str(exc.value)


def test_area_comparison_table():
    from evidence.results import build

    text = GOOD.replace("current: \"2024\"", "current: \"2024\"\narea: Barnet\ncomparator_areas: [England]")
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "s.yaml"
    path.write_text(text)
    s = Scheme.from_yaml(path)
    r = build(s, _two_areas(), [{"indicator": "employment_rate", "polarity": "higher_is_better",
                                 "kind": "proportion", "unit": "%"}])
    t = r.areas.set_index(["area", "period", "group"])["value"]
    assert t[("England", "2024", "Disabled")] == pytest.approx(55, abs=0.1)
    assert t[("Barnet", "2018", "Disabled")] == pytest.approx(52, abs=0.1)
    assert list(r.areas["area"].unique()) == ["Barnet", "England"]

# --- the cache and the multiple-comparison family (issue 8) ---------------------------------------------------------

def test_evaluate_cache_never_returns_stale_results(tmp_path):
    s = Scheme.from_yaml(_write(tmp_path, GOOD))
    df = employment((52, 60), (80, 82))
    cache: dict = {}
    first = s.evaluate(df, "2024", cache=cache)
    # a different level or baseline with the same cache must not reuse the 95% / 2018 tables
    wide = s.evaluate(df, "2024", level=0.999, cache=cache)
    assert wide["gap_change_lower"].iloc[0] < first["gap_change_lower"].iloc[0]
    other = pd.concat([df, df[df["period"] == "2018"].assign(period="2020")], ignore_index=True)
    moved = s.evaluate(other, "2024", baseline="2020", cache=cache)
    assert moved["baseline"].iloc[0] == "2020" and moved["value_baseline"].iloc[0] == first["value_baseline"].iloc[0]
    assert len(cache) == 3


FAMILY = GOOD.replace("groups: [Disabled]", "groups: [Disabled, Not disabled]").replace("comparator: rest",
                                                                                          "comparator: overall")


def test_adjustment_family_is_every_comparison_in_the_report(tmp_path):
    """Holm over the comparisons the scheme reports, however the data were sliced (issue 8).

    Disabled and Not disabled against everyone: each change has p = 0.018, so Holm over these two gives 0.037
    (significant). A third group in the data that the scheme does not report (Female) must not join the family
    (Holm over three would give 0.055, not significant).
    """
    from evidence.progress import adjust_family

    s = Scheme.from_yaml(_write(tmp_path, FAMILY))
    df = employment((52, 56), (80, 80))
    half = df[df["group"] == "All"].assign(characteristic="sex", group="Female")
    half[["numerator", "denominator"]] = half[["numerator", "denominator"]] // 2
    bigger = pd.concat([df, half], ignore_index=True)
    p = ev.progress(df, "2018", "2024").set_index("group")
    assert p.loc["Disabled", "p_change"] == pytest.approx(0.0183, abs=1e-4)
    assert adjust_family(p.loc[["Disabled", "Not disabled"], "p_change"].to_numpy(), "holm", 0.95)[0] < 0.05
    a = s.evaluate(df, "2024", adjust="holm").set_index("group")
    b = s.evaluate(bigger, "2024", adjust="holm").set_index("group")
    assert a.loc["Disabled", "status"] == b.loc["Disabled", "status"] == "narrowed"
    # a single progress call adjusts over what it is given: there the unreported group does count
    assert ev.progress(bigger, "2018", "2024", adjust="holm").set_index("group").loc["Disabled", "status"] \
        == "no_significant_change"


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


# --- the scheme's own rules, one test per branch (issue 8) ----------------------------------------------------------

def _rule(tmp_path, rule_lines: str, settings: str = "") -> Scheme:
    text = GOOD.replace("        characteristics: [disability]\n        groups: [Disabled]\n        comparator: rest\n"
                        "        rule: gap_not_widen", rule_lines)
    if settings:
        text = text.replace('current: "2024"\n', f'current: "2024"\n{settings}\n')
    return Scheme.from_yaml(_write(tmp_path, text))


_IMPROVE = ("        characteristics: [disability]\n        groups: [{group}]\n        comparator: rest\n"
            "        rule: improve_where_gap")


@pytest.mark.parametrize("disabled,others,polarity,group,status,words", [
    ((52, 60), (80, 82), "higher_is_better", "Disabled", "improved", "improved from 52.0% to 60.0%: met."),
    ((52, 48), (80, 82), "higher_is_better", "Disabled", "worsened", "got worse from 52.0% to 48.0%."),
    ((52, 53), (80, 82), "higher_is_better", "Disabled", "not_improved", "went from 52.0% to 53.0%: no clear improvement."),
    ((52, 52), (80, 82), "higher_is_better", "Disabled", "not_improved", "stayed at 52.0%: no clear improvement."),
    ((52, 60), (80, 82), "higher_is_better", "Not disabled", "no_gap", "had no clear gap in 2018, so this measure does not apply"),
    ((48, 40), (20, 18), "lower_is_better", "Disabled", "improved", "improved from 48.0% to 40.0%: met."),
    ((48, 52), (20, 18), "lower_is_better", "Disabled", "worsened", "got worse from 48.0% to 52.0%."),
])
def test_improve_where_gap_every_branch(tmp_path, disabled, others, polarity, group, status, words):
    s = _rule(tmp_path, _IMPROVE.format(group=group))
    row = s.evaluate(employment(disabled, others, polarity=polarity)).iloc[0]
    assert row["status"] == status and words in row["summary"]
    assert row["rag"] == {"improved": "green", "worsened": "red", "not_improved": "amber", "no_gap": "grey"}[status]


def test_improve_where_gap_minimum_change_and_missing_data(tmp_path):
    # 52% -> 56% of 2,000 is a significant rise of 4 points: improved, unless the scheme counts only 5 or more
    df = employment((52, 56), (80, 82))
    assert _rule(tmp_path, _IMPROVE.format(group="Disabled")).evaluate(df).iloc[0]["status"] == "improved"
    row = _rule(tmp_path, _IMPROVE.format(group="Disabled"), "min_change: 5").evaluate(df).iloc[0]
    assert row["status"] == "not_improved"
    assert _rule(tmp_path, _IMPROVE.format(group="Disabled"), "min_change: 4").evaluate(df).iloc[0]["status"] \
        == "improved"  # exactly the minimum counts
    # a fall under the minimum is not "worsened" either
    df = employment((52, 48), (80, 82))
    assert _rule(tmp_path, _IMPROVE.format(group="Disabled"), "min_change: 5").evaluate(df).iloc[0]["status"] \
        == "not_improved"
    # suppressed figures keep progress' status and sentence
    row = _rule(tmp_path, _IMPROVE.format(group="Disabled")).evaluate(employment((52, 60), (80, 82), n_dis=6)).iloc[0]
    assert row["status"] == "insufficient_data" and row["summary"].startswith("There is not enough data")


_LEVEL = "        rule: maintain_level"


@pytest.mark.parametrize("disabled,others,polarity,lines,settings,status,words", [
    # the whole population: 74.4% -> 77.6%
    ((52, 60), (80, 82), "higher_is_better", _LEVEL, "", "level_maintained",
     "74.4% in 2018 and 77.6% in 2024. Level maintained."),
    # 74.4% -> 68.0%: a significant fall
    ((52, 52), (80, 72), "higher_is_better", _LEVEL, "", "below_level", "68.0% in 2024. This is a significant fall."),
    # 74.4% -> 72.8% (10,000 people): significant, but under a minimum change of 2 points
    ((52, 52), (80, 78), "higher_is_better", _LEVEL, "", "below_level", "This is a significant fall."),
    ((52, 52), (80, 78), "higher_is_better", _LEVEL, "min_change: 2", "level_maintained", "Level maintained."),
    # a level to keep: 77.6% is below 80%, and 77.6% is not below 77
    ((52, 60), (80, 82), "higher_is_better", _LEVEL + "\n        level: 80", "", "below_level",
     "77.6% in 2024, below the level to keep (the level to keep is 80.0%)."),
    ((52, 60), (80, 82), "higher_is_better", _LEVEL + "\n        level: 77", "", "level_maintained",
     "(the level to keep is 77.0%). Level maintained."),
    # lower is better: unemployment 25.6% -> 32.0% is worse; 25.6% -> 22.4% is not; above the level to keep is below it
    ((48, 48), (20, 28), "lower_is_better", _LEVEL, "", "below_level",
     "25.6% in 2018 and 32.0% in 2024. This is a significant rise, which is worse."),
    ((48, 40), (20, 18), "lower_is_better", _LEVEL, "", "level_maintained", "Level maintained."),
    # (lower is better: 22.4% is above a ceiling of 22%, and the sentence says so, not "below")
    ((48, 40), (20, 18), "lower_is_better", _LEVEL + "\n        level: 22", "", "below_level", "above the level"),
    ((48, 40), (20, 18), "lower_is_better", _LEVEL + "\n        level: 23", "", "level_maintained", "Level maintained."),
])
def test_maintain_level_every_branch(tmp_path, disabled, others, polarity, lines, settings, status, words):
    row = _rule(tmp_path, lines, settings).evaluate(employment(disabled, others, polarity=polarity)).iloc[0]
    assert row["status"] == status and words in row["summary"], row["summary"]
    assert row["group"] == "All" and row["comparator"] == "baseline"
    assert row["rag"] == ("green" if status == "level_maintained" else "red")


def test_maintain_level_reason_and_values(tmp_path):
    from statsmodels.stats.proportion import confint_proportions_2indep

    row = _rule(tmp_path, _LEVEL).evaluate(employment((52, 52), (80, 72))).iloc[0]
    lo, hi = (100 * v for v in confint_proportions_2indep(6800, 10000, 7440, 10000, method="newcomb", compare="diff"))
    assert row["reason"] == f"change from baseline {-6.4:+.1f} ({lo:+.1f} to {hi:+.1f})"
    assert (row["value_baseline"], row["value_current"]) == pytest.approx((74.4, 68.0))
    assert (row["all_baseline"], row["all_current"]) == pytest.approx((74.4, 68.0))
    assert row["unit"] == "%" and row["polarity"] == "higher_is_better"


def test_maintain_level_without_both_ends(tmp_path):
    df = employment((52, 60), (80, 82))
    row = _rule(tmp_path, _LEVEL).evaluate(df[~((df["group"] == "All") & (df["period"] == "2024"))]).iloc[0]
    assert row["status"] == "insufficient_data" and row["rag"] == "grey"
    assert row["reason"] == "no whole-population figure at both ends"
