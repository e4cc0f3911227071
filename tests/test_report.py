"""`evidence report` end to end: a real papermill run of the demo, and its failure modes."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest

import evidence as ev
from conftest import run_cli as _cli
from evidence.report import NOTEBOOK, ReportError

EXPECTED = ["report.html", "report.ipynb", "tables.xlsx", "measures.csv", "measures.json", "gaps.csv", "screen.csv",
            "levelling_down.csv", "suppressed.csv", "manifest.json", "figures/status_grid.png",
            "figures/status_grid.svg"]


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_output_exists(demo_report):
    for name in EXPECTED:
        assert (demo_report / name).is_file(), name
    assert len(list((demo_report / "figures").glob("*.png"))) >= 10
    assert not list(demo_report.parent.glob(".*tmp*")), "temporary folder left behind"


def test_html_reads_as_a_report(demo_report):
    html = (demo_report / "report.html").read_text(encoding="utf-8")
    for objective in ev.Scheme.demo().objectives:
        assert objective.title in html
    assert "This is levelling down, not progress." in html
    assert "pupils eligible for free school meals" in html
    assert 'lang="en-GB"' in html and html.count("<h1>") == 1
    for bad in ("In [", "Traceback", "<script", "require.js", "mathjax", "import evidence",
                "No description has been provided"):
        assert bad not in html, bad
    assert not re.search(r'(src|href)="https?://', html), "the report must not fetch anything from the internet"
    imgs = re.findall(r"<img [^>]*>", html)
    assert imgs and all(re.search(r'alt="[^"]{30,}"', i) for i in imgs), "every chart needs a real text alternative"
    assert all(i.count('src="data:image/png;base64,') == 1 for i in imgs), "images must be embedded"


def test_excel_matches_csv(demo_report):
    wb = openpyxl.load_workbook(demo_report / "tables.xlsx", read_only=True)
    assert wb.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    assert {"Measures", "Gaps_over_time", "Equality_screen", "Levelling_down", "Suppressed_cells"} <= set(wb.sheetnames)
    rows = list(wb["Measures"].iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r[0] == "Objective")
    xl = pd.DataFrame(rows[header_at + 1:], columns=rows[header_at])
    csv = pd.read_csv(demo_report / "measures.csv", dtype={"baseline": str, "current": str})
    assert len(xl) == len(csv)
    for col_xl, col_csv in (("Gap in the current year (gap unit)", "gap_current_full"),
                            ("Value in the baseline year (value unit)", "value_baseline_full")):
        x = pd.to_numeric(xl[col_xl], errors="coerce")
        c = csv[col_csv]
        both = x.notna() & c.notna()
        assert both.sum() > 20
        assert ((x[both] - c[both]).abs() < 1e-3).all()
        # a missing CSV figure is a symbol in Excel, never a number
        assert set(xl.loc[c.isna(), col_xl]) <= {"[c]", "[x]"}


def test_no_suppressed_value_reaches_any_file(demo_report):
    screen = pd.read_csv(demo_report / "screen.csv")
    assert screen.loc[screen["suppressed"], ["value", "gap", "lower", "upper"]].isna().all().all()
    gaps = pd.read_csv(demo_report / "gaps.csv")
    assert gaps.loc[gaps["suppressed"], ["value", "gap"]].isna().all().all()
    sup = pd.read_csv(demo_report / "suppressed.csv")
    assert len(sup) > 0 and "value" not in sup.columns


def test_manifest(demo_report):
    m = json.loads((demo_report / "manifest.json").read_text())
    assert len(m["scheme"]["sha256"]) == 64
    assert all(len(v) == 64 for v in m["inputs"].values())
    assert m["versions"]["pandas"] and m["parameters"]["period"] == "2024" and m["created"]


def test_same_inputs_same_tables(demo_report, tmp_path):
    again = ev.report(out=tmp_path / "again")
    first, second = _digest(demo_report), _digest(again)
    for name in ("measures.csv", "gaps.csv", "screen.csv", "levelling_down.csv", "suppressed.csv", "measures.json"):
        assert first[name] == second[name], name


def test_broken_scheme_exits_nonzero_naming_the_line(tmp_path):
    text = (Path(ev.__file__).parent / "schemes" / "demo.yaml").read_text()
    bad = tmp_path / "scheme.yaml"
    bad.write_text(text.replace("rule: improve_where_gap", "rule: improve_were_gap", 1))
    line = next(i for i, t in enumerate(bad.read_text().splitlines(), 1) if "improve_were_gap" in t)
    done = _cli("report", "--scheme", str(bad), cwd=tmp_path)
    assert done.returncode == 2
    assert f"line {line}" in done.stderr and "improve_were_gap" in done.stderr
    assert "Traceback" not in done.stderr


def test_failed_run_leaves_previous_report_intact(demo_report, tmp_path):
    import shutil

    out = tmp_path / "kept"
    shutil.copytree(demo_report, out)
    before = _digest(out)
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("# Cell: deliberate failure\nraise RuntimeError('half-way')"))
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, str(broken))
    with pytest.raises(ReportError, match=r"deliberate failure.*half-way"):
        ev.report(out=out, notebook=broken)
    assert _digest(out) == before
    assert not list(tmp_path.glob(".*tmp*"))


def test_missing_period_in_data(tmp_path):
    done = _cli("report", "--period", "2031", cwd=tmp_path)
    assert done.returncode == 2 and "period 2031 is not in the data" in done.stderr


# --------------------------------------------------------------- never destroy what the tool did not create
def _tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) with its digest."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_out_folder_of_user_files_is_refused(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "budget.xlsx").write_bytes(b"not ours")
    (mine / "notes").mkdir()
    (mine / "notes" / "a.txt").write_text("keep me")
    before = _tree(tmp_path)
    done = _cli("report", "--out", str(mine), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "not written by evidence" in done.stderr and "Traceback" not in done.stderr
    assert _tree(tmp_path) == before  # nothing changed, nothing hidden, no temporary folder left


def test_out_folder_holding_the_scheme_and_its_data_is_refused(tmp_path):
    ev.demo.export(tmp_path / "work")
    scheme = (Path(ev.__file__).parent / "schemes" / "demo.yaml").read_text()
    scheme = scheme.replace("observations: demo", "observations: observations.csv").replace(
        "indicators: demo", "indicators: indicators.csv")
    (tmp_path / "work" / "scheme.yaml").write_text(scheme)
    before = _tree(tmp_path)
    done = _cli("report", "--scheme", "work/scheme.yaml", "--out", "work", cwd=tmp_path)
    assert done.returncode == 2 and "not written by evidence" in done.stderr, done.stderr
    assert _tree(tmp_path) == before


def test_out_an_existing_file_is_refused_and_not_hidden(tmp_path):
    f = tmp_path / "report.html"
    f.write_text("last year's, edited by hand")
    done = _cli("report", "--out", str(f), cwd=tmp_path)
    assert done.returncode == 2 and "existing file" in done.stderr, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no .report.html.old-PID
    assert f.read_text() == "last year's, edited by hand"


def test_check_target_rules(tmp_path):
    from evidence.report import check_target

    check_target(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    check_target(tmp_path / "empty")
    old = tmp_path / "old"  # a report written by an earlier version: manifest without the 'tool' key
    (old / "figures").mkdir(parents=True)
    (old / "report.html").write_text("x")
    (old / "figures" / "a.png").write_bytes(b"x")
    (old / "manifest.json").write_text(json.dumps({"scheme": {}, "versions": {},
                                                   "outputs": ["report.html", "figures/a.png"]}))
    check_target(old)
    (old / "figures" / "my_chart.png").write_bytes(b"mine")
    with pytest.raises(ev.EvidenceError, match=r"did not write \(figures/my_chart.png\)"):
        check_target(old)
    (tmp_path / "fake").mkdir()
    (tmp_path / "fake" / "manifest.json").write_text("{not json")
    with pytest.raises(ev.EvidenceError, match="manifest.json is not one evidence wrote"):
        check_target(tmp_path / "fake")


def test_yearly_rerun_replaces_last_years_report(demo_report, tmp_path):
    import shutil

    out = tmp_path / "reports" / "demo" / "2024"
    shutil.copytree(demo_report, out)
    last_year = json.loads((out / "manifest.json").read_text())
    assert last_year["tool"] == "evidence"
    (out / "stale_output_from_an_old_version.csv").write_text("x")  # listed in the manifest: ours to replace
    last_year["outputs"].append("stale_output_from_an_old_version.csv")
    (out / "manifest.json").write_text(json.dumps(last_year))
    done = _cli("report", "--quiet", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (out / "stale_output_from_an_old_version.csv").exists()
    assert json.loads((out / "manifest.json").read_text())["created"] >= last_year["created"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["2024"]  # no .old or .tmp folder left beside it
    (out / "comments from the committee.docx").write_bytes(b"mine")
    before = _tree(out)
    again = _cli("report", "--quiet", cwd=tmp_path)
    assert again.returncode == 2 and "comments from the committee.docx" in again.stderr
    assert _tree(out) == before


def test_report_at_level_998_says_998_everywhere_never_95(tmp_path):
    """`--level 0.998` labels the page, the charts, the workbook and the CSV files 99.8%, never 95%."""
    out = tmp_path / "r"
    done = _cli("report", "--level", "0.998", "--out", str(out), "--quiet", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    html = re.sub(r'src="data:image/png;base64,[^"]*"', "", (out / "report.html").read_text())
    assert "99.8%" in html and "95%" not in html and "95 out of 100" not in html
    assert "Confidence intervals are 99.8%" in html and "998 out of 1,000" in html
    wb = openpyxl.load_workbook(out / "tables.xlsx", read_only=True)
    cells = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "Gap, lower 99.8% limit (gap unit)" in cells and not [c for c in cells if "95%" in c]
    for csv in out.glob("*.csv"):
        assert "95%" not in csv.read_text().splitlines()[0]
    assert not [p.name for p in (out / "figures").glob("*.svg") if "95%" in p.read_text()]
