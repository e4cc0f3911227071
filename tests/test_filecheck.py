"""`evidence validate`: what was understood, and `--filter` on a scheme's data."""

from __future__ import annotations

import pandas as pd
import pytest

import evidence as ev
from evidence.cli import main


def _ees(folder):
    """An EES file whose school_type has no Total, so a reader must be told which to keep."""
    rows = []
    for period, base in (("201819", 0), ("202223", 3)):
        for school, extra in (("Primary", 0), ("Secondary", 10)):
            for group, n, x in (("Total", 1000, 700), ("Disadvantaged", 300, 150), ("Not disadvantaged", 700, 550)):
                rows.append({"time_period": period, "time_identifier": "Academic year", "geographic_level": "National",
                             "country_code": "E92000001", "country_name": "England", "school_type": school,
                             "characteristic_group": "Total" if group == "Total" else "Disadvantage",
                             "characteristic": group, "cohort": n, "sustained": x + base + extra})
    pd.DataFrame(rows).to_csv(folder / "ees.csv", index=False)
    (folder / "indicators.yaml").write_text("indicators:\n  sustained: {polarity: higher_is_better, kind: proportion, "
                                            "multiplier: 100, unit: '%'}\n")
    (folder / "scheme.yaml").write_text(
        "name: Filter test\nbaseline: 2018/19\ncurrent: 2022/23\ndata:\n  observations: ees.csv\n"
        "  indicators: indicators.yaml\n"
        "objectives:\n  - id: o\n    title: Gaps\n    measures:\n      - indicator: sustained\n"
        "        characteristics: [Disadvantage]\n")
    return folder / "scheme.yaml"


def test_validate_filter_applies_to_a_schemes_data(tmp_path, capsys):
    scheme = str(_ees(tmp_path))
    assert main(["validate", scheme]) == 2  # school_type has no Total: the message says to filter
    assert "--filter school_type=VALUE" in capsys.readouterr().out
    assert main(["validate", scheme, "--filter", "school_type=Secondary"]) == 0
    out = capsys.readouterr().out
    assert "filters: school_type=Secondary" in out and "OK" in out
    assert main(["validate", scheme, "--filter", "school_type=Nursery"]) == 2  # a value not there is named
    assert "filter value 'Nursery' is not in this column; it has 'Primary', 'Secondary'" in capsys.readouterr().out


def test_validate_filter_chooses_the_rows_the_results_use(tmp_path):
    from evidence.filecheck import validate_scheme

    scheme = _ees(tmp_path)
    primary = validate_scheme(scheme, filters={"school_type": "Primary"})
    secondary = validate_scheme(scheme, filters={"school_type": "Secondary"})
    assert "filters: school_type=Primary" in primary and "filters: school_type=Secondary" in secondary
    s = ev.Scheme.from_yaml(scheme).with_filters({"school_type": "Secondary"})
    obs = ev.read(s.sources()[0]["path"], filters=s.sources()[0]["filters"])
    assert obs.loc[obs["group"] == "All", "numerator"].tolist() == [710, 713]  # the Secondary rows, both years


def test_validate_filter_joins_the_sources_own_filters(tmp_path, capsys):
    scheme = _ees(tmp_path)
    text = scheme.read_text().replace("  observations: ees.csv",
                                      "  observations:\n    - path: ees.csv\n      filters: {school_type: Primary}")
    scheme.write_text(text)
    assert main(["validate", str(scheme)]) == 0
    capsys.readouterr()
    # the command line wins over the scheme's own choice, for this run only
    s = ev.Scheme.from_yaml(scheme).with_filters({"school_type": "Secondary", "country_name": "England"})
    assert s.sources()[0]["filters"] == {"school_type": "Secondary", "country_name": "England"}
    assert ev.Scheme.from_yaml(scheme).sources()[0]["filters"] == {"school_type": "Primary"}
    assert main(["validate", str(scheme), "--filter", "region=London"]) == 2
    assert "cannot filter on 'region'" in capsys.readouterr().out


def test_validate_filter_on_data_it_cannot_filter_is_refused(tmp_path, capsys):
    (tmp_path / "scheme.yaml").write_text((ev.Scheme.demo().path).read_text())
    assert main(["validate", str(tmp_path / "scheme.yaml"), "--filter", "area=x"]) == 2
    out = capsys.readouterr().out
    assert "--filter area=x cannot apply" in out and "not files read as published" in out


@pytest.mark.parametrize("filters", [None, {}])
def test_no_filters_is_the_scheme_itself(filters):
    s = ev.Scheme.demo()
    assert s.with_filters(filters) is s
