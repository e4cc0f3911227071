"""Done means: `evidence init` -> `evidence validate` -> `evidence report` on real published files.

Each case starts from the file as published, writes a starter scheme with
``evidence init``, checks it with ``evidence validate`` and runs the report; the
report must carry the published figure for a named group (quoted from
SOURCES.md). Four fast files keep the runtime modest: the three variants new in
this issue and a local-authority file with a comparator area.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest
import yaml

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


# ---------------------------------------------------------------- files in no known format: a mapping, as a user writes
# Each case: the mapping a user writes (docs/readers.md), the init and report options, then tests quoting SOURCES.md.
# One init -> validate -> report run per file, shared by its tests (module-scoped), on a small slice for speed.
MAPPED = {
    "ks4_rdalpha": ("dfe_ks4_2016_la_attainment8_by_ethnicity_sex_rdalpha.csv",
                    "header_row: 4\n"
                    "columns: {area: [LA_name, Region_name, Country_name]}\n"
                    "constants: {indicator: attainment8, period: '2015/16', characteristic: ethnicity}\n"
                    "wide: {columns: '^(WHITE|MIXED|ASIAN|BLACK|CHINESE|ALL)_ATT8_AV$', into: group,\n"
                    "       also: {n: '{}_LADEN_16'}}\n"
                    "groups: {WHITE: White, MIXED: Mixed, ASIAN: Asian, BLACK: Black, CHINESE: Chinese}\n",
                    ["--area", "England"], []),
    "ks2_rdalpha": ("dfe_ks2_2016_la_expected_standard_by_disadvantage_ethnicity_rdalpha.csv",
                    "header_row: 3\n"
                    "columns: {area: [LA_NAME, REGION_NAME, COUNTRY_NAME]}\n"
                    "constants: {indicator: ks2_rwm_expected, period: '2015/16'}\n"
                    "wide: {columns: '^KS2_RWM_ALL_(DIS_|NonDIS_|)EXP_16$', into: group, value: numerator,\n"
                    "       also: {denominator: 'KS2_RWM_ALL_{}ELIG_16'}}\n"
                    "groups:\n"
                    "  DIS_: {characteristic: disadvantage, group: Disadvantaged}\n"
                    "  NonDIS_: {characteristic: disadvantage, group: Not disadvantaged}\n",
                    ["--area", "England"], []),
    # regions and LAs in one file: the area is the first of la_name, region that is not ALL
    "age19": ("dfe_attainment_age19_l2_l3_by_fsm_sen_gender_la_2005_2022.csv",
              "columns: {period: cohort_19_in, area: [la_name, region], denominator: number_in_ss_cohort}\n"
              "breakdowns: [gender, fsm, sen]\n"
              "areas: {ALL: England}\n"
              "wide: {columns: '^(l3_by19)$', into: indicator, value: numerator}\n",
              ["--area", "Barnet"], ["--baseline", "2019", "--period", "2022"]),
    "csps2018": ("csps2018_civil_service_people_survey_scores_by_demographic.csv",
                 "columns: {indicator: measure, name: label, characteristic: demographic, group: category,\n"
                 "          value: value, n: r}\n"
                 "constants: {period: '2018'}\n"
                 "totals: [All Civil Servants]\n",
                 ["--filter", "measure=EES"], []),
    # one organisation's own tables; columns named <characteristic>_<group> become both
    "workforce": ("workforce_diversity_leeds_city_region_orgs_incl_calderdale_council_2018_2026.csv",
                  "columns: {period: published, area: organisation, denominator: employees}\n"
                  "period_year: true\n"
                  "constants: {indicator: share_of_staff}\n"
                  "wide: {columns: '^(ethnicity|disability)_([a-z]+)$', into: [characteristic, group], "
                  "value: numerator}\n",
                  ["--filter", "organisation=Calderdale Council"], []),
    # a format of its own (no mapping): each employer is an area
    "gender_pay_gap": ("gender_pay_gap_service_2017_18_all_employers.csv", None, ["--area", "Kirklees Council"], []),
    # files in known formats, one indicator or characteristic chosen with --filter to keep the run short
    "in13": ("smc_son26_in13_attainment_age16_by_disadvantage_ethnicity_sex.csv", None,
             ["--filter", "indicator=in13_trend"], []),
    "in12": ("smc_son26_in12_attainment_age11_by_disadvantage_ethnicity_sex.csv", None,
             ["--filter", "indicator=in12_trend"], []),
    "in11": ("smc_son26_in11_development_age5_by_disadvantage_ethnicity_idaci_decile.csv", None,
             ["--filter", "indicator=in11_level_idaci"], []),
    "in31": ("smc_son26_in31_economic_activity_age25_29_by_ses_disability_ethnicity.csv", None,
             ["--filter", "indicator=in31_disability_active"], []),
    "destinations_2020_21": ("dfe_ees_ks4_destinations_2020_21_revised_national_by_characteristic.csv", None,
                             ["--filter", "institution_group=State-funded mainstream schools",
                              "--filter", "characteristic_group=Disadvantage Status"], ["--baseline", "2018/19"]),
    "destinations_2021_22": ("dfe_ees_ks4_destinations_2021_22_provisional_national_by_characteristic.csv", None,
                             ["--filter", "institution_group=State-funded mainstream schools",
                              "--filter", "breakdown_topic=Disadvantage Status"], ["--baseline", "2020/21"]),
    "ks4_2018_19_xlsx": ("dfe_ees_ks4_2018_19_la_attainment8_by_ethnicity_fsm_disadvantage_sen.xlsx", None,
                         ["--filter", "breakdown=disadvantage", "--area", "England"], []),
    "fingertips_next": ("fingertips_extract_fingertipsnext_2018_2024_with_ethnicity_deprivation_categories.csv", None,
                        ["--filter", "indicator=93015 (19+ yrs)", "--area", "E92000001"], []),
}


#: edits a user makes to the starter scheme: init writes 12 measures (alphabetically) and lists the rest
EDITS = {c: ("indicator: all_notsust", "indicator: overall") for c in ("destinations_2020_21", "destinations_2021_22")}


@pytest.fixture(scope="module")
def mapped(tmp_path_factory):
    """Run init -> validate -> report once per file: (report.html, measures.csv, validate's output, report folder)."""
    import contextlib
    import io
    import os

    done: dict[str, tuple] = {}

    def run(case: str):
        if case in done:
            return done[case]
        name, mapping, init_args, report_args = MAPPED[case]
        data = shared_file("data", "real", name)
        folder = tmp_path_factory.mktemp(case)
        if mapping:
            (folder / "mapping.yaml").write_text(mapping, encoding="utf-8")
            init_args = ["--mapping", "mapping.yaml", *init_args]
        out, cwd = io.StringIO(), os.getcwd()
        os.chdir(folder)
        try:
            with warnings.catch_warnings(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                warnings.simplefilter("ignore")
                assert main(["init", str(data), *init_args]) == 0, out.getvalue()
                if case in EDITS:  # the user's edit of the starter scheme
                    text = (folder / "scheme.yaml").read_text(encoding="utf-8")
                    assert EDITS[case][0] in text
                    (folder / "scheme.yaml").write_text(text.replace(*EDITS[case], 1), encoding="utf-8")
                assert main(["validate", "scheme.yaml"]) == 0, out.getvalue()
                validated = out.getvalue()
                assert main(["report", "--scheme", "scheme.yaml", "--out", "report", "--quiet", *report_args]) == 0, \
                    out.getvalue()
        finally:
            os.chdir(cwd)
        html = (folder / "report" / "report.html").read_text(encoding="utf-8")
        assert "Traceback" not in html and "EvidenceWarning" not in html
        measures = pd.read_csv(folder / "report" / "measures.csv", dtype={"baseline": str, "current": str, "group": str})
        done[case] = (html, measures, validated, folder / "report")
        return done[case]

    return run


def _row(measures: pd.DataFrame, **where) -> pd.Series:
    rows = measures
    for k, v in where.items():
        rows = rows[rows[k] == v]
    assert len(rows) == 1, (where, measures[list(where)])
    return rows.iloc[0]


def test_ks4_rdalpha_attainment8_by_ethnicity(mapped):
    html, measures, _, _ = mapped("ks4_rdalpha")
    # SOURCES.md: England row ALL_ATT8_AV 50.06, WHITE 49.76, BLACK 48.94, ASIAN 52.86, CHINESE 62.98
    chinese = _row(measures, group="Chinese")
    assert round(chinese["value_current_full"], 2) == 62.98 and round(chinese["all_current_full"], 2) == 50.06
    assert round(_row(measures, group="Black")["value_current_full"], 2) == 48.94
    assert "Chinese: 63.0" in html and "Black: 48.9" in html


def test_ks2_rdalpha_disadvantage_gap(mapped):
    html, measures, _, _ = mapped("ks2_rdalpha")
    # SOURCES.md: England RWM disadvantaged 73,306 / 186,170 = 39.4%, non-disadvantaged 60.6%
    assert round(_row(measures, group="Disadvantaged")["value_current_full"], 1) == 39.4
    assert round(_row(measures, group="Not disadvantaged")["value_current_full"], 1) == 60.6
    assert "Disadvantaged: 39.4%" in html


def test_attainment_at_19_fsm_level3_with_england_beside_barnet(mapped):
    html, measures, validated, folder = mapped("age19")
    assert "area: Barnet" in validated
    assert "Figures for Barnet, with England for comparison" in html
    # SOURCES.md: England 2022 Level 3 by 19, FSM 38.98% (29,873 / 76,632); 2019 35.15%
    areas = pd.read_csv(folder / "areas.csv", dtype={"period": str})
    eng = areas[(areas["area"] == "England") & (areas["group"] == "Eligible for FSM")].set_index("period")["value_full"]
    assert round(eng["2022"], 2) == 38.98 and round(eng["2019"], 2) == 35.15
    barnet = _row(measures, characteristic="fsm", group="Eligible for FSM")
    assert (barnet["baseline"], barnet["current"]) == ("2019", "2022")


def test_civil_service_people_survey_engagement_by_ethnicity(mapped):
    html, measures, _, _ = mapped("csps2018")
    # SOURCES.md: EES Ethnic Minority 0.66 (r=31,135) vs White 0.59; AO/AA grade 0.54 vs SCS 0.78
    assert _row(measures, characteristic="Ethnicity - binary [J03]", group="Ethnic Minority")["value_current_full"] == 0.66
    assert _row(measures, characteristic="Grade", group="SCS")["value_current_full"] == 0.78
    assert "Ethnic Minority" in html


def test_workforce_calderdale_ethnicity(mapped):
    html, measures, _, _ = mapped("workforce")
    # SOURCES.md: Calderdale Council 2026: 2,779 employees, 245 Asian (8.8%), 184 disabled (6.6%); 2019: 142 Asian
    asian = _row(measures, characteristic="ethnicity", group="asian")
    assert (asian["baseline"], asian["current"]) == ("2019", "2026")
    assert round(asian["value_current_full"], 2) == round(100 * 245 / 2779, 2)
    assert round(asian["value_baseline_full"], 2) == round(100 * 142 / 2779, 2)
    assert round(_row(measures, characteristic="disability", group="yes")["value_current_full"], 2) == \
        round(100 * 184 / 2779, 2)
    assert '<th scope="row">asian</th>' in html  # the report's tables show gaps; the shares are in measures.csv


def test_gender_pay_gap_service_kirklees(mapped):
    html, measures, validated, folder = mapped("gender_pay_gap")
    assert "read as" not in validated and "area: Kirklees Council" in validated
    # SOURCES.md: Kirklees Council: women 61.1% of the top quartile; mean hourly gap 10.3%, median 16.3%
    top = _row(measures, indicator="women_share", group="Top quartile")
    assert top["value_current_full"] == 61.1
    assert "Top quartile 61.1" in " ".join(re.sub(r"<[^>]+>", " ", html).split())
    meta = yaml.safe_load((folder / ".." / "indicators.yaml").read_text())["indicators"]
    assert meta["mean_hourly_pay_gap"]["polarity"] == "lower_is_better"


def test_state_of_the_nation_attainment_at_16_and_11(mapped):
    # SOURCES.md: IN13 2024/25 Disadvantaged 25.8% vs Not known to be disadvantaged 53.1%;
    # IN12 2024/25 Disadvantaged 47% vs 69%
    html, measures, _, _ = mapped("in13")
    dis = _row(measures, group="Disadvantaged")
    assert (dis["current"], round(dis["value_current_full"], 1)) == ("2024/25", 25.8)
    assert round(_row(measures, group="Not known to be disadvantaged")["value_current_full"], 1) == 53.1
    html, measures, _, _ = mapped("in12")
    assert round(_row(measures, group="Disadvantaged")["value_current_full"]) == 47
    assert round(_row(measures, group="Not known to be disadvantaged")["value_current_full"]) == 69


def test_state_of_the_nation_development_at_5_by_idaci_decile(mapped):
    html, measures, _, _ = mapped("in11")
    # SOURCES.md: 2024/25 decile 1 (most deprived) 58.9% (n=74,574), decile 5 68.9%, decile 10 77.7%
    values = measures.set_index("group")["value_current_full"].round(1)
    assert (values["1"], values["5"]) == (58.9, 68.9)


def test_state_of_the_nation_economic_activity_by_disability(mapped):
    html, measures, validated, _ = mapped("in31")
    # SOURCES.md: 2014-2025, UK, lower working-class origin: disabled 54.6% (CI 52.0-57.1) vs not disabled 86.2%
    assert round(_row(measures, group="Lower working × Yes")["value_current_full"], 1) == 54.6
    assert round(_row(measures, group="Lower working × No")["value_current_full"], 1) == 86.2


@pytest.mark.parametrize("case, now, then", [("destinations_2020_21", ("2020/21", 88.6, 96.0), ("2018/19", 88.6, 96.2)),
                                             ("destinations_2021_22", ("2021/22", 87.7, 95.7), ("2020/21", 88.6, 96.0))])
def test_ks4_destinations_both_releases(mapped, case, now, then):
    html, measures, _, _ = mapped(case)
    overall = measures[measures["indicator"] == "overall"].set_index("group")
    # SOURCES.md: 202021 disadvantaged 88.6% vs not 96.0%; 201819 88.6% vs 96.2%; 202122 87.7% vs 95.7%
    assert overall.loc["Disadvantaged", "current"] == now[0]
    assert round(overall.loc["Disadvantaged", "value_current_full"], 1) == now[1]
    assert round(overall.loc["Disadvantaged", "value_baseline_full"], 1) == then[1]
    dis = overall.loc["Disadvantaged"]  # compared with the best-off group (not disadvantaged): group + gap
    assert round(dis["value_current_full"] + dis["gap_current_full"], 1) == now[2]
    assert round(dis["value_baseline_full"] + dis["gap_baseline_full"], 1) == then[2]


def test_ks4_2018_19_workbook_attainment8_and_progress8_interval(mapped):
    html, measures, _, _ = mapped("ks4_2018_19_xlsx")
    # SOURCES.md: England 2018/19 Attainment 8: disadvantaged 36.8 vs "Disadvantaged all other" 50.4
    a8 = _row(measures, indicator="avg_att8", group="Disadvantaged")
    assert round(a8["value_current_full"], 1) == 36.8
    assert a8["comparator"] == "best"  # the best-off group, "Disadvantaged all other": group + gap
    assert round(a8["value_current_full"] + a8["gap_current_full"], 1) == 50.4
    assert not measures["indicator"].str.contains("_ci_").any()  # p8score_ci_low/upp are avg_p8score's interval


def test_fingertips_next_physical_inactivity(mapped):
    html, measures, _, _ = mapped("fingertips_next")
    # SOURCES.md: 93015, England 2018: White British 19.8% vs Asian 31.9%; 2022 Disabled 35.8% vs Not disabled 18.1%
    assert round(_row(measures, group="White British")["value_baseline_full"], 1) == 19.8
    assert round(_row(measures, group="Asian")["value_baseline_full"], 1) == 31.9
    assert round(_row(measures, group="Disabled")["value_current_full"], 1) == 35.8
