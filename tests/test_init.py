"""`evidence init`: a starter scheme and indicator metadata from the user's own files."""

from __future__ import annotations

import pandas as pd
import pytest

import evidence as ev
from evidence.init import init


def test_init_writes_a_scheme_that_validates(tmp_path):
    ev.demo.observations().to_csv(tmp_path / "obs.csv", index=False)
    scheme, meta = init([tmp_path / "obs.csv"], tmp_path / "scheme.yaml")
    s = ev.Scheme.from_yaml(scheme)
    assert (s.baseline, s.current) == ("2018", "2024") and s.area is None
    assert {m.indicator for _, m in s.measures()} <= set(ev.demo.observations()["indicator"])
    text = scheme.read_text()
    assert "# ethnicity: " in text and "Black Caribbean" in text  # the groups found, for the user to choose
    from evidence.indicators import load_indicators

    m = load_indicators(meta).set_index("indicator")
    assert m.loc["employment_rate", "kind"] == "proportion" and m.loc["employment_rate", "multiplier"] == 100
    from evidence.filecheck import validate_scheme

    assert any(line.startswith("results:") for line in validate_scheme(scheme))


def test_init_never_overwrites_without_force(tmp_path):
    ev.demo.observations().to_csv(tmp_path / "obs.csv", index=False)
    (tmp_path / "scheme.yaml").write_text("mine")
    with pytest.raises(ev.EvidenceError, match="already exists"):
        init([tmp_path / "obs.csv"], tmp_path / "scheme.yaml")
    assert (tmp_path / "scheme.yaml").read_text() == "mine"
    init([tmp_path / "obs.csv"], tmp_path / "scheme.yaml", force=True)
    assert (tmp_path / "scheme.yaml").read_text() != "mine"


def test_init_chooses_an_area_and_england_beside_it(tmp_path):
    obs = ev.demo.observations()
    both = pd.concat([obs.assign(area="Barnet"), obs.assign(area="England")])
    both.to_csv(tmp_path / "obs.csv", index=False)
    s = ev.Scheme.from_yaml(init([tmp_path / "obs.csv"], tmp_path / "s.yaml", area="Barnet")[0])
    assert s.area == "Barnet" and s.comparator_areas == ["England"]
    with pytest.raises(ev.EvidenceError, match="area 'Barnt' is not in the data.*did you mean 'Barnet'"):
        init([tmp_path / "obs.csv"], tmp_path / "other" / "t.yaml", area="Barnt")


def test_init_refuses_files_without_groups(tmp_path):
    pd.DataFrame({"indicator": "x", "period": ["2019", "2020"], "characteristic": "All", "group": "All",
                  "value": [1.0, 2.0]}).to_csv(tmp_path / "obs.csv", index=False)
    with pytest.raises(ev.EvidenceError, match="no indicator in these files has groups"):
        init([tmp_path / "obs.csv"], tmp_path / "s.yaml")


def test_init_with_a_mapping_for_a_table_in_no_known_format(tmp_path):
    (tmp_path / "t.csv").write_text("Year,Group,Rate,Staff\n2019,All,50,1000\n2019,Disabled,40,100\n"
                                    "2020,All,52,1000\n2020,Disabled,45,100\n")
    (tmp_path / "m.yaml").write_text("columns: {period: Year, group: Group, value: Rate, denominator: Staff}\n"
                                     "constants: {indicator: retention, characteristic: disability, unit: '%'}\n")
    scheme, _ = init([tmp_path / "t.csv"], tmp_path / "s.yaml", mapping=tmp_path / "m.yaml")
    s = ev.Scheme.from_yaml(scheme)
    assert s.sources()[0]["mapping"] == tmp_path / "m.yaml"
    assert [m.characteristics for _, m in s.measures()] == [["disability"]]


def test_init_quotes_names_yaml_would_misread_and_keeps_a_readers_polarity(tmp_path):
    """People Survey characteristics look like "Age [J02]"; a pay gap is lower-is-better; a blank total compares
    nothing."""
    rows = []
    for period in ("2019", "2020"):
        rows += [dict(indicator="ees", period=period, characteristic="Age [J02]", group=g, value=v, polarity=p)
                 for g, v, p in (("16-34, all", 0.6, "lower_is_better"), ("35+", 0.5, "lower_is_better"))]
        rows.append(dict(indicator="ees", period=period, characteristic="All", group="All", value=None,
                         polarity="lower_is_better"))
    pd.DataFrame(rows).to_csv(tmp_path / "obs.csv", index=False)
    scheme, meta = init([tmp_path / "obs.csv"], tmp_path / "s.yaml")
    s = ev.Scheme.from_yaml(scheme)
    (m,) = [m for _, m in s.measures()]
    assert m.characteristics == ["Age [J02]"] and m.comparator == "best"
    from evidence.indicators import load_indicators

    assert load_indicators(meta).set_index("indicator").loc["ees", "polarity"] == "lower_is_better"
