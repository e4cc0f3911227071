"""Every real published file in ../shared/data/real reads, and gives the published figures.

Each test checks one fact that SOURCES.md quotes from the publication. Skipped,
with the reason, when the shared folder is absent.
"""

from __future__ import annotations

import hashlib
import warnings

import pytest

import evidence as ev
from conftest import shared_file


def real(name: str):
    return shared_file("data", "real", name)


def one(obs, **where) -> float:
    rows = obs
    for k, v in where.items():
        rows = rows[rows[k] == v]
    assert len(rows) == 1, f"{len(rows)} rows for {where}"
    return rows.iloc[0]


@pytest.fixture(autouse=True)
def quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ev.EvidenceWarning)
        yield


def test_smc_in13_attainment_16():
    obs = ev.read(real("smc_son26_in13_attainment_age16_by_disadvantage_ethnicity_sex.csv"))
    dis = one(obs, indicator="in13_trend", period="2024/25", group="Disadvantaged")
    assert dis["value"] == 25.8 and dis["n"] == 176226
    assert one(obs, indicator="in13_trend", period="2024/25", group="Not known to be disadvantaged")["value"] == 53.1
    gap = obs[obs["indicator"] == "in13_trend_disadvantage_index"].set_index("period")["value"]
    assert gap["2024/25"] == 3.92 and gap["2010/11"] == 4.07
    eth = obs[(obs["indicator"] == "in13_ethnicity") & (obs["period"] == "2024/25")].set_index("group")["value"]
    assert (eth["Chinese"], eth["White British"], eth["Gypsy or Roma"]) == (73.1, 19.1, 3.8)


def test_smc_in12_attainment_11_with_gaps():
    obs = ev.read(real("smc_son26_in12_attainment_age11_by_disadvantage_ethnicity_sex.csv"))
    t = obs[(obs["indicator"] == "in12_trend") & (obs["period"] == "2024/25")].set_index("group")
    assert (t.loc["Disadvantaged", "value"], t.loc["Not known to be disadvantaged", "value"], t.loc["All", "value"]) \
        == (47, 69, 62)
    assert t.loc["Disadvantaged", "n"] == 207299
    g = ev.gaps(obs[(obs["indicator"] == "in12_trend") & (obs["period"] == "2024/25")], comparator="overall",
                indicators=[{"indicator": "in12_trend", "polarity": "higher_is_better", "kind": "proportion"}])
    assert one(g, group="Disadvantaged")["gap"] == pytest.approx(15.0)
    idx = obs[obs["indicator"] == "in12_trend_disadvantage_index"].set_index("period")["value"]
    assert (idx["2010/11"], idx["2018/19"], idx["2024/25"]) == (3.341, 2.913, 3.156)


def test_smc_in11_idaci_deciles():
    obs = ev.read(real("smc_son26_in11_development_age5_by_disadvantage_ethnicity_idaci_decile.csv"))
    d = obs[obs["indicator"] == "in11_level_idaci"].set_index("group")
    assert round(d.loc["1", "value"], 1) == 58.9 and d.loc["1", "n"] == 74574 and round(d.loc["10", "value"], 1) == 77.7


def test_smc_in31_disability_with_published_interval():
    obs = ev.read(real("smc_son26_in31_economic_activity_age25_29_by_ses_disability_ethnicity.csv"))
    d = obs[(obs["characteristic"] == "seb × disability") & (obs["period"] == "2014-2025")
            & obs["indicator"].str.startswith("in31_disability_")]
    yes = one(d, group="Lower working × Yes")
    assert tuple(round(yes[c], 1) for c in ("value", "lower", "upper")) == (54.6, 52.0, 57.1) and yes["n"] == 1463
    assert round(one(d, group="Lower working × No")["value"], 1) == 86.2


def test_ees_destinations_both_releases_despite_renamed_columns():
    kw = {"filters": {"institution_group": "State-funded mainstream schools"}}
    a = ev.read(real("dfe_ees_ks4_destinations_2020_21_revised_national_by_characteristic.csv"), **kw)
    b = ev.read(real("dfe_ees_ks4_destinations_2021_22_provisional_national_by_characteristic.csv"), **kw)
    dis = one(a, indicator="overall", period="2020/21", group="Disadvantaged")
    assert (dis["numerator"], dis["denominator"]) == (123705, 139679)
    assert round(dis["value"], 1) == 88.6
    assert round(one(a, indicator="overall", period="2020/21", group="Not disadvantaged")["value"], 1) == 96.0
    assert round(one(a, indicator="overall", period="2018/19", group="Not disadvantaged")["value"], 1) == 96.2
    new = one(b, indicator="overall", period="2021/22", group="Disadvantaged")
    assert (new["numerator"], new["denominator"]) == (127098, 144913)
    assert one(b, indicator="overall", period="2020/21", group="Disadvantaged")["numerator"] == 123705


def test_ees_eyfsp_swapped_characteristic_columns():
    obs = ev.read(real("dfe_ees_eyfsp_2021_22_headline_measures_la_by_characteristic.csv"))
    eng = obs[(obs["area"] == "England") & (obs["indicator"] == "gld")]
    allrow = one(eng, group="All")
    assert (allrow["value"], allrow["numerator"], allrow["denominator"]) == (65.2, 405723, 622583)
    fsm = one(eng, characteristic="Free school meal eligibility", group="Known to be eligible for free school meals")
    assert fsm["value"] == 49.1 and fsm["denominator"] == 113882


def test_ees_ks4_excel_breakdown_columns():
    obs = ev.read(real("dfe_ees_ks4_2018_19_la_attainment8_by_ethnicity_fsm_disadvantage_sen.xlsx"))
    eng = obs[(obs["area"] == "England") & (obs["indicator"] == "avg_att8")]
    assert round(one(eng, group="Disadvantaged")["value"], 1) == 36.8
    assert round(one(eng, group="Disadvantaged all other")["value"], 1) == 50.4
    eth = eng[eng["characteristic"] == "Ethnic major"].set_index("group")["value"].round(1)
    assert (eth["Chinese"], eth["Asian"], eth["Mixed"], eth["White"], eth["Black"]) == (64.5, 51.5, 47.7, 46.2, 45.2)
    allrow = one(eng, group="All")
    assert round(allrow["value"], 1) == 46.8 and allrow["n"] == 540046


def test_fingertips_next():
    f = real("fingertips_extract_fingertipsnext_2018_2024_with_ethnicity_deprivation_categories.csv")
    with pytest.warns(ev.EvidenceWarning):
        obs = ev.read(f)
    pa = obs[(obs["indicator"] == "93015 (19+ yrs)") & (obs["area"] == "E92000001")]
    wb = one(pa, period="2018", group="White British")
    assert (round(wb["value"], 1), round(wb["lower"], 1), round(wb["upper"], 1)) == (19.8, 19.6, 20.0)
    assert round(one(pa, period="2018", group="Asian")["value"], 1) == 31.9
    assert round(one(pa, period="2022", group="Disabled")["value"], 1) == 35.8
    assert round(one(pa, period="2022", group="Not disabled")["value"], 1) == 18.1
    am = obs[(obs["indicator"] == "93763") & (obs["area"] == "E92000001") & (obs["period"] == "2022")
             & (obs["characteristic"] == "County & UA deprivation deciles in England (IMD2019, 4/23 geography)")]
    assert round(one(am, group="Most deprived decile (IMD2019)")["value"], 1) == 52.2
    assert round(one(am, group="Least deprived decile (IMD2019)")["value"], 1) == 31.6


def test_rdalpha_ks4_three_header_rows_cr_line_endings():
    m = {"header_row": 4, "columns": {"area": ["LA_name", "Region_name", "Country_name"]},
         "constants": {"indicator": "attainment8_average", "period": "2015/16", "characteristic": "ethnicity"},
         "wide": {"columns": "^(WHITE|MIXED|ASIAN|BLACK|CHINESE|ALL)_ATT8_AV$", "into": "group",
                  "also": {"n": "{}_LADEN_16"}}}
    obs = ev.read(real("dfe_ks4_2016_la_attainment8_by_ethnicity_sex_rdalpha.csv"), mapping=m)
    eng = obs[obs["area"] == "England"].set_index("group")
    a8 = eng["value"].round(2)
    assert (a8["All"], a8["WHITE"], a8["BLACK"], a8["ASIAN"], a8["CHINESE"]) == (50.06, 49.76, 48.94, 52.86, 62.98)
    assert eng.loc["WHITE", "n"] == 421440


def test_rdalpha_ks2_numerators_and_denominators():
    m = {"header_row": 3, "columns": {"area": ["LA_NAME", "REGION_NAME", "COUNTRY_NAME"]},
         "constants": {"indicator": "ks2_rwm_expected", "period": "2015/16"},
         "wide": {"columns": "^KS2_RWM_ALL_(DIS_|NonDIS_|)EXP_16$", "into": "group", "value": "numerator",
                  "also": {"denominator": "KS2_RWM_ALL_{}ELIG_16"}},
         "groups": {"DIS_": {"characteristic": "disadvantage", "group": "Disadvantaged"},
                    "NonDIS_": {"characteristic": "disadvantage", "group": "Not disadvantaged"}}}
    obs = ev.read(real("dfe_ks2_2016_la_expected_standard_by_disadvantage_ethnicity_rdalpha.csv"), mapping=m)
    eng = obs[obs["area"] == "England"].set_index("group")
    assert (eng.loc["Disadvantaged", "numerator"], eng.loc["Disadvantaged", "denominator"]) == (73306, 186170)
    assert round(eng.loc["Disadvantaged", "value"], 1) == 39.4
    assert round(eng.loc["Not disadvantaged", "value"], 1) == 60.6


def test_age19_breakdown_columns_and_placeholder_years():
    m = {"columns": {"period": "cohort_19_in", "area": "la_name", "denominator": "number_in_ss_cohort"},
         "breakdowns": ["gender", "fsm", "sen"], "areas": {"ALL": "England"},
         "filters": {"region": "ALL"},
         "wide": {"columns": "^(l2_by19|l3_by19|l2_with_em_by19)$", "into": "indicator", "value": "numerator"}}
    with pytest.warns(ev.EvidenceWarning, match="placeholders"):
        obs = ev.read(real("dfe_attainment_age19_l2_l3_by_fsm_sen_gender_la_2005_2022.csv"), mapping=m)
    l3 = obs[(obs["indicator"] == "l3_by19") & (obs["area"] == "England")]
    fsm = one(l3, period="2022", group="Eligible for FSM")
    assert (fsm["numerator"], fsm["denominator"]) == (29873, 76632) and round(fsm["value"], 2) == 38.98
    assert round(one(l3, period="2022", group="Not eligible for FSM")["value"], 2) == 64.24
    assert round(one(l3, period="2019", group="Eligible for FSM")["value"], 2) == 35.15
    assert "2023" not in set(l3["period"])  # placeholder zeros left out, with a warning


def test_civil_service_people_survey_2018():
    m = {"columns": {"indicator": "measure", "name": "label", "characteristic": "demographic", "group": "category",
                     "value": "value", "n": "r"},
         "constants": {"period": "2018"}, "totals": ["All Civil Servants"]}
    obs = ev.read(real("csps2018_civil_service_people_survey_scores_by_demographic.csv"), mapping=m)
    ees = obs[obs["indicator"] == "EES"]
    minority = one(ees, characteristic="Ethnicity - binary [J03]", group="Ethnic Minority")
    assert (minority["value"], minority["n"]) == (0.66, 31135)  # trailing spaces in labels are gone
    assert one(ees, characteristic="Ethnicity - binary [J03]", group="White")["value"] == 0.59
    assert one(ees, characteristic="Grade", group="SCS")["value"] == 0.78


def test_civil_service_people_survey_wide_years():
    m = {"columns": {"indicator": "Measure", "name": "Label"}, "wide": {"columns": r"^(\d{4})$", "into": "period"}}
    obs = ev.read(real("csps2009_2020_civil_service_people_survey_mean_timeseries.csv"), mapping=m)
    e = obs[obs["indicator"] == "EES"].set_index("period")["value"]
    assert (e["2009"], e["2018"], e["2020"]) == (0.51, 0.58, 0.64)


def test_workforce_mixed_date_formats_and_wide_groups():
    # several organisations publish more than one table a year: read one organisation
    m = {"columns": {"period": "published", "area": "organisation", "denominator": "employees"},
         "filters": {"organisation": "Calderdale Council"},
         "period_year": True, "constants": {"indicator": "workforce_ethnicity", "characteristic": "ethnicity"},
         "wide": {"columns": "^ethnicity_(asian|black|white|mixed|other|undisclosed)$", "into": "group",
                  "value": "numerator"}}
    obs = ev.read(real("workforce_diversity_leeds_city_region_orgs_incl_calderdale_council_2018_2026.csv"), mapping=m)
    cal = obs[obs["area"] == "Calderdale Council"]
    y26 = cal[cal["period"] == "2026"].set_index("group")
    assert (y26.loc["asian", "numerator"], y26.loc["black", "numerator"], y26.loc["white", "numerator"]) == (245, 57, 2369)
    assert y26.loc["asian", "denominator"] == 2779
    y19 = cal[cal["period"] == "2019"].set_index("group")
    assert (y19.loc["asian", "numerator"], y19.loc["undisclosed", "numerator"]) == (142, 186)


def test_reading_never_modifies_the_file():
    path = real("dfe_ks4_2016_la_attainment8_by_ethnicity_sex_rdalpha.csv")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    ev.read(real("smc_son26_in13_attainment_age16_by_disadvantage_ethnicity_sex.csv"))
    ev.read(path, mapping={"header_row": 4, "columns": {"area": ["LA_name", "Region_name", "Country_name"]},
                           "constants": {"indicator": "a8", "period": "2015/16", "characteristic": "ethnicity"},
                           "wide": {"columns": "^(WHITE|ALL)_ATT8_AV$", "into": "group"}})
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


# ------------------------------------------------------------------ files 16-18: publisher variants
def test_dfe_alternative_provision_count_only_file():
    """characteristic_grouping / pupil_characteristic, one count column named like a denominator."""
    obs = ev.read(real("dfe_ees_spc_2022_23_alternative_provision_pupils_by_characteristic.csv"))
    assert set(obs["indicator"]) == {"pupils", "pupils_share"}
    eng = obs[obs["area"] == "England"]
    assert one(eng, indicator="pupils", group="All")["value"] == 24577
    male = one(eng, indicator="pupils_share", characteristic="Gender", group="Male")
    assert (male["numerator"], male["denominator"]) == (15599, 24577)
    assert round(male["value"], 1) == 63.5  # SOURCES.md: Male 15,599 (63.5% of the total)
    assert one(eng, indicator="pupils", characteristic="FSM eligibility", group="Not FSM eligible")["value"] == 11409
    assert "Total" not in set(obs["characteristic"])  # the Total grouping's named rows are repeats, left out
    assert obs["area"].nunique() == 160  # England, 9 regions, 150 local authorities


def test_eff_census_two_classifications_and_geography_name():
    obs = ev.read(real("eff_2011_census_ethnic_population_by_local_authority.csv"))
    barnet = obs[obs["area"] == "Barnet"]
    assert set(barnet["area_code"]) == {"E09000003"}
    local = barnet[barnet["indicator"] == "of_local_population_in_this_ethnic_group"]
    indian = one(local, group="Indian")
    assert (indian["value"], indian["numerator"], indian["denominator"], indian["unit"]) == (7.83, 27920, 356386, "%")
    national = one(barnet[barnet["indicator"] == "of_national_ethnic_population_in_this_la_area"], group="Indian")
    assert (national["value"], national["denominator"]) == (1.98, 1412958)
    # the broad "Other" and ONS 2011's detailed "Other ethnic group" are different groups, kept apart
    other_broad = one(local, characteristic="ethnicity (ONS 2011 5+1)", group="Other")
    other_detailed = one(local, characteristic="ethnicity (ONS 2011 18+1)", group="Other ethnic group")
    assert other_broad["value"] != other_detailed["value"]
    h = ev.harmonise_groups(local, "ethnicity (ONS 2011 18+1)")
    assert "Any other ethnic group" in set(h["group"]) and len(h) == len(local)


def test_fingertips_classic_export_93356():
    obs = ev.read(real("fingertips_classic_export_93356_campylobacter_by_county_ua_and_deprivation_2015.csv"))
    all_ages = obs[(obs["indicator"] == "93356 (All ages)") & (obs["period"] == "2015") & (obs["group"] == "All")]
    eng, hart = one(all_ages, area="England"), one(all_ages, area="Hartlepool")
    assert round(eng["value"], 2) == 94.73 and (eng["numerator"], eng["denominator"]) == (51897, 54786327)
    assert round(hart["value"], 2) == 142.71 and (round(hart["lower"], 2), round(hart["upper"], 2)) == (119.41, 169.24)
    assert "\n" not in one(all_ages, area="England")["name"]
    deciles = obs[obs["characteristic"].str.contains("deprivation deciles")]
    assert set(deciles["area"]) == {"England"} and deciles["group"].nunique() == 10
