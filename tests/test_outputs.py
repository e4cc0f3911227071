"""Report tables on disk: GSS symbols in Excel, blanks in CSV, never a suppressed figure."""

from __future__ import annotations

import openpyxl
import pandas as pd

import evidence as ev
from evidence import outputs
from evidence.results import build


def test_tables_and_workbook(tmp_path):
    r = build(ev.Scheme.demo(), ev.demo.observations(), ev.demo.indicators())
    t = outputs.tables(r)
    gaps = t["gaps"]
    assert gaps.loc[gaps["suppressed"], ["value", "gap", "lower", "upper"]].isna().all().all()
    outputs.write_csv_json(r, tmp_path)
    path = outputs.write_excel(r, tmp_path / "tables.xlsx")
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb["Gaps_over_time"].iter_rows(values_only=True))
    head = next(i for i, row in enumerate(rows) if row[0] == "Indicator")
    xl = pd.DataFrame(rows[head + 1:], columns=rows[head])
    csv = pd.read_csv(tmp_path / "gaps.csv")
    assert len(xl) == len(csv)
    assert set(xl.loc[csv["suppressed"].to_numpy(), "Value"]) == {"[c]"}
    notes = list(wb["Notes"].iter_rows(values_only=True))
    assert any("suppressed [c]" in str(c) for row in notes for c in row)
