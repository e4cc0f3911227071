"""A scheme over a real published file, read as the publisher wrote it, through to the report."""

from __future__ import annotations

from pathlib import Path

import pytest

import evidence as ev
from conftest import run_cli, shared_file
from evidence.results import load_data

SCHEME = """name: Destinations after key stage 4 (England, real DfE data)
slug: destinations
baseline: "2016/17"
current: "2020/21"
data:
  observations:
    - path: {path}
      filters: {{institution_group: State-funded mainstream schools}}
  indicators: indicators.yaml
objectives:
  - id: destinations
    title: Close the gap in sustained destinations after key stage 4
    measures:
      - id: sustained_disadvantage
        title: Sustained education, apprenticeship or employment, disadvantaged pupils
        indicator: overall
        characteristics: [Disadvantage Status]
        groups: [Disadvantaged]
        rule: gap_not_widen
"""
INDICATORS = """indicators:
  overall:
    name: sustained education, apprenticeship or employment destination
    domain: attainment
    kind: proportion
    polarity: higher_is_better
    unit: "%"
    population: pupils
    source: DfE, Key stage 4 destination measures 2020/21 (revised)
"""


@pytest.fixture()
def scheme_file(tmp_path: Path) -> Path:
    data = shared_file("data", "real", "dfe_ees_ks4_destinations_2020_21_revised_national_by_characteristic.csv")
    (tmp_path / "indicators.yaml").write_text(INDICATORS)
    path = tmp_path / "scheme.yaml"
    path.write_text(SCHEME.format(path=data))
    return path


def test_scheme_on_real_destinations(scheme_file):
    scheme = ev.Scheme.from_yaml(scheme_file)
    obs, meta, inputs = load_data(scheme)
    row = scheme.evaluate(obs, indicators=meta).iloc[0]
    assert round(row["value_current"], 1) == 88.6  # 123,705 / 139,679
    assert row["status"] in ev.STATUSES and row["rag"] in {"green", "amber", "red"}
    assert "pupils" in row["summary"] and len(inputs) == 2


def test_report_on_real_data(scheme_file, tmp_path):
    done = run_cli("report", "--scheme", str(scheme_file), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Close the gap in sustained destinations" in html and "Traceback" not in html
