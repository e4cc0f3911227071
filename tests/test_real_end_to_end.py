"""Done means: `evidence init` -> `evidence validate` -> `evidence report` on real published files.

Each case starts from the file as published, writes a starter scheme with
``evidence init``, checks it with ``evidence validate`` and runs the report; the
report must carry the published figure for a named group (quoted from
SOURCES.md). Four fast files keep the runtime modest: the three variants new in
this issue and a local-authority file with a comparator area.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from conftest import shared_file
from evidence.cli import main

CASES = {
    # Schools, pupils and their characteristics 2022/23, alternative provision: Male 15,599 of 24,577 (63.5%)
    "dfe_ap": ("dfe_ees_spc_2022_23_alternative_provision_pupils_by_characteristic.csv", [],
               {"indicator": "pupils_share", "group": "Male"}, "value_current", "63.5", ["Male: 63.5%"]),
    # Ethnicity facts and figures, 2011 census: Barnet, Indian 7.83% of the local population (27,920 of 356,386)
    "eff_barnet": ("eff_2011_census_ethnic_population_by_local_authority.csv", ["--area", "Barnet"],
                   {"indicator": "of_local_population_in_this_ethnic_group", "group": "Indian"}, "value_current",
                   "7.83", ["Indian"]),
    # Fingertips 93356, campylobacter: England 2015, 94.73 per 100,000 (51,897 cases)
    "fingertips_england": ("fingertips_classic_export_93356_campylobacter_by_county_ua_and_deprivation_2015.csv",
                           ["--area", "England"], {"indicator": "93356 (All ages)"}, "all_baseline", "94.73",
                           ["Most deprived decile"]),
    # EYFSP 2021/22 by LA, Barnet with England beside it: England GLD 65.2% (405,723 / 622,583)
    "eyfsp_barnet_vs_england": ("dfe_ees_eyfsp_2021_22_headline_measures_la_by_characteristic.csv",
                                ["--area", "Barnet"], None, None, None, ["Figures for Barnet, with England for comparison"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_init_validate_report_on_real_file(case, tmp_path, monkeypatch, capsys):
    name, init_args, where, column, figure, in_html = CASES[case]
    data = shared_file("data", "real", name)
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["init", str(data), *init_args]) == 0, capsys.readouterr()
        assert main(["validate", "scheme.yaml"]) == 0, capsys.readouterr()
        assert "OK" in capsys.readouterr().out
        assert main(["report", "--scheme", "scheme.yaml", "--out", "report", "--quiet"]) == 0, capsys.readouterr()
    html = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert "Traceback" not in html and "EvidenceWarning" not in html
    for text in in_html:
        assert text in html, text
    measures = pd.read_csv(tmp_path / "report" / "measures.csv", dtype={"baseline": str, "current": str})
    if where:
        rows = measures
        for k, v in where.items():
            rows = rows[rows[k] == v]
        decimals = len(figure.split(".")[1])
        full = f"{column}_full" if f"{column}_full" in rows else column  # the CSV's full-precision column
        assert len(rows) >= 1 and round(rows.iloc[0][full], decimals) == float(figure)
    if case == "eyfsp_barnet_vs_england":
        areas = pd.read_csv(tmp_path / "report" / "areas.csv")
        gld = areas[(areas["indicator"] == "gld") & (areas["group"] == "All")].set_index("area")["value"]
        assert round(gld["England"], 1) == 65.2 and "Barnet" in gld.index
        fsm = areas[(areas["indicator"] == "gld") & (areas["area"] == "England")
                    & (areas["group"] == "Known to be eligible for free school meals")]
        assert round(fsm["value"].iloc[0], 1) == 49.1  # FSM-eligible 49.1%
