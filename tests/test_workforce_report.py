"""``evidence report --notebook workforce``: the workforce profile as a user makes and reads it."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from conftest import run_cli
from evidence import workforce_report as wr
from evidence.demo_workforce import census, staff

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def workforce_dir(tmp_path_factory) -> Path:
    cwd = tmp_path_factory.mktemp("wf")
    done = run_cli("report", "--notebook", "workforce", cwd=cwd)
    assert done.returncode == 0, done.stderr
    assert "Running the workforce notebook" in done.stderr
    return cwd / "reports" / "workforce" / "2024-03-31"


def test_outputs_like_the_scheme_report(workforce_dir):
    names = {p.name for p in workforce_dir.iterdir()}
    assert {"report.html", "tables.xlsx", "representation.csv", "grade_bands.csv", "recruitment.csv", "leavers.csv",
            "pay_gaps.csv", "manifest.json", "report.ipynb", "figures"} <= names
    html = (workforce_dir / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in html and "<p>Workforce profile</p>" in html
    assert "Borough of Northbrook (fictional): workforce profile, 31 March 2024" in html
    assert 'id="findings"' in html and "<script" not in html and "import evidence" not in html
    assert 'alt="Line chart. Share of each grade band' in html


def test_first_screen_states_the_planted_findings(workforce_dir):
    text = re.sub(r"<[^>]+>", " ", (workforce_dir / "report.html").read_text(encoding="utf-8"))
    first = text[text.index("What we found"):text.index("Who is in the room", text.index("What we found") + 20)]
    for phrase in ("Representation thins out with seniority: Black staff", "A drop-off at appointment",
                   "Staff back from maternity leave were", "Gender pay gap: women"):
        assert phrase in first


def test_suppressed_figures_never_reach_the_files(workforce_dir):
    rep = pd.read_csv(workforce_dir / "representation.csv")
    hidden = rep[rep["suppressed"]]
    assert len(hidden) and hidden[["count", "share", "difference"]].isna().all().all()
    for f in workforce_dir.glob("*.csv"):
        with f.open(newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                assert not any(c.startswith(("=", "@")) for c in row), f.name


def test_text_from_data_cannot_become_a_formula():
    t = wr._safe(pd.DataFrame({"group": ["=HYPERLINK(1)", "-2+3", "Black"], "gap": [-1.5, 2.0, 0.0]}))
    assert t["group"].tolist() == ["'=HYPERLINK(1)", "'-2+3", "Black"] and t["gap"].tolist() == [-1.5, 2.0, 0.0]


def test_own_files_and_bad_input(tmp_path):
    done = run_cli("report", "--notebook", "workforce", "--staff", "staff.csv", "--population", "p.csv",
                   cwd=tmp_path)
    assert done.returncode == 2 and f"there is no file at {tmp_path / 'staff.csv'}" in done.stderr
    assert f"there is no file at {tmp_path / 'p.csv'}" in done.stderr  # every missing file named at once
    census().to_csv(tmp_path / "p.csv", index=False)
    (tmp_path / "staff.csv").write_text("staff_id,start_date\nA,not a date\n")
    done = run_cli("report", "--notebook", "workforce", "--staff", "staff.csv", "--population", "p.csv",
                   cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "start_date" in done.stderr
    (tmp_path / "staff.csv").write_text("staff_id,start_date\nA,01/04/2020\n")
    done = run_cli("report", "--notebook", "workforce", "--staff", "staff.csv", "--population", "p.csv",
                   cwd=tmp_path)
    assert done.returncode == 2 and "column 'grade_band'" in done.stderr and "column 'hourly_pay'" in done.stderr
    good = staff()
    good.to_csv(tmp_path / "staff.csv", index=False)
    done = run_cli("report", "--notebook", "workforce", "--staff", "staff.csv", cwd=tmp_path)
    assert done.returncode == 2 and "population" in done.stderr
    census().to_csv(tmp_path / "census.csv", index=False)
    done = run_cli("report", "--notebook", "workforce", "--staff", "staff.csv", "--population", "census.csv",
                   "--out", "wf", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "No recruitment records were given" in (tmp_path / "wf" / "report.html").read_text(encoding="utf-8")
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").rglob("report.html"))


def test_accessible_in_a_real_browser(workforce_dir):
    from evidence.browser import FLAGS, find_chromium

    chromium = find_chromium()
    if chromium is None:
        if os.environ.get("EVIDENCE_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here (EVIDENCE_REQUIRE_BROWSER) but not installed")
        pytest.skip("Chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    from axe_playwright_python.sync_playwright import Axe

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[f for f in FLAGS if f != "--headless"])
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        page.goto((workforce_dir / "report.html").as_uri())
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}}).response
        browser.close()
    assert [v["id"] for v in result["violations"]] == []
