"""Readers on small fixtures in each publisher's shape, symbols, and messy input."""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evidence as ev
from evidence.readers import detect
from evidence.readers.symbols import parse_numbers

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("written,reason", [
    ("c", "suppressed"), ("[c]", "suppressed"), ("*", "suppressed"), ("x", "not available"),
    ("[x]", "not available"), ("..", "not available"), (":", "not available"), ("-", "not available"),
    ("z", "not applicable"), ("[z]", "not applicable"), ("u", "low reliability"), ("[u]", "low reliability"),
    ("low", "rounds to zero"), ("[low]", "rounds to zero"), ("~", "rounds to zero"), ("", "missing"),
])
def test_every_symbol_is_missing_with_a_reason_never_zero(written, reason):
    n, r, bad = parse_numbers(pd.Series([written], dtype=object))
    assert np.isnan(n[0]) and r[0] == reason and not bad[0]


@pytest.mark.parametrize("written,number", [
    ("1,234", 1234.0), ("12.3%", 12.3), ("12.3[note 4]", 12.3), ("45.6*", 45.6), ("12.3 [u]", 12.3),
    ("-3.5", -3.5), ("1,234,567.8", 1234567.8), ("0", 0.0),
])
def test_numbers_with_separators_signs_and_markers(written, number):
    n, r, bad = parse_numbers(pd.Series([written], dtype=object))
    assert n[0] == number and r[0] is None and not bad[0]


def test_ees_fixture():
    obs = ev.read(DATA / "ees_small.csv")
    gld = obs[obs["indicator"] == "gld"].set_index("group")
    assert gld.loc["All", "value"] == 65.2 and gld.loc["All", "numerator"] == 405723
    assert gld.loc["All", "period"] == "2021/22" and gld.loc["All", "area"] == "England"
    # characteristic and characteristic_type were swapped in the file: the topic is the one with fewer values
    assert gld.loc["Known to be eligible for free school meals", "characteristic"] == "Free school meal eligibility"
    assert gld.loc["Unclassified", "suppressed"] and np.isnan(gld.loc["Unclassified", "value"])
    assert len(gld) == 4  # the Girls row is filtered out: gender keeps its Total


def test_ees_filters_choose_another_value():
    obs = ev.read(DATA / "ees_small.csv", filters={"gender": "Girls"})
    assert obs.loc[obs["indicator"] == "gld", "value"].tolist() == [71.9]


def test_ees_bad_filter_names_column():
    with pytest.raises(ev.EvidenceError, match="column 'gender'.*'Boys' is not in this column"):
        ev.read(DATA / "ees_small.csv", filters={"gender": "Boys"})


def test_smc_fixture_crosses_splits():
    obs = ev.read(DATA / "smc_small.csv")
    assert set(obs["indicator"]) == {"in31_disability_economically_active"}
    by = obs.set_index("group")
    assert by.loc["Lower working × Yes", "characteristic"] == "seb × disability"
    assert by.loc["All", "value"] == 87.1 and by.loc["All", "n"] == 33860
    assert by.loc["Lower working × Yes", "lower"] == 52.0
    assert np.isnan(by.loc["Higher professional × Yes", "value"])
    assert by.loc["Higher professional × Yes", "note"] == "Suppressed: small sample"


def test_fingertips_classic_fixture():
    obs = ev.read(DATA / "fingertips_classic.csv")
    assert detect(pd.read_csv(DATA / "fingertips_classic.csv", nrows=0).columns.tolist()) == "fingertips"
    by = obs.set_index("group")
    assert by.loc["White British", "value"] == 19.8 and by.loc["White British", "characteristic"] == "Ethnic groups"
    assert by.loc["Male", "characteristic"] == "sex" and by.loc["All", "value"] == 21.4
    assert by.loc["All", "period"] == "2018/19" and by.loc["All", "area"] == "England"
    assert by.loc["All", "name"] == "Percentage of physically inactive adults"


def test_eff_fixture():
    obs = ev.read(DATA / "eff_small.csv")
    by = obs.set_index("group")
    assert by.loc["Black Caribbean", "numerator"] == 1420 and by.loc["Black Caribbean", "value"] == 26.8
    assert by.loc["Black Caribbean × Boys", "characteristic"] == "ethnicity × sex"
    assert by.loc["Gypsy/Roma", "suppressed"]  # "!" is the suppression mark
    assert by.loc["All", "unit"] == "%"


def test_nomis_fixture_notes_above_and_below():
    obs = ev.read(DATA / "nomis_small.csv", format="nomis", characteristic="disability")
    by = obs.set_index("group")
    assert by.loc["All", "value"] == 75.7 and by.loc["All", "period"] == "2023"
    assert by.loc["Equality Act core disabled", "lower"] == pytest.approx(52.5)
    assert by.loc["Work-limiting disabled only", "suppressed"]
    assert len(obs) == 4  # the footnotes are not rows


def test_messy_excel_notes_merged_headers_totals_wide_years():
    m = {"sheet": "Table 2", "header_rows": 2, "columns": {"group": "Disability"},
         "constants": {"indicator": "employment_rate", "characteristic": "disability"},
         "wide": {"columns": r"^(\d{4}) \| Rate \(%\)$", "into": "period", "also": {"n": "{} | Sample"}}, "unit": "%"}
    obs = ev.read(DATA / "messy_wide.xlsx", mapping=m)
    assert set(obs["period"]) == {"2019", "2020", "2021"}
    by = obs.set_index(["period", "group"])
    assert by.loc[("2019", "Disabled"), "value"] == 52.1 and by.loc[("2019", "Disabled"), "n"] == 1980
    assert by.loc[("2020", "Disabled"), "value"] == 53.0
    assert by.loc[("2021", "Not disabled"), "value"] == 81.5
    assert by.loc[("2021", "All"), "characteristic"] == "All"  # the totals row is the whole population
    assert by.loc[("2021", "Disabled"), "suppressed"]
    assert len(obs) == 9  # notes above and below, and blank rows, are not data
    assert (by["source_row"] >= 6).all()


def test_mapping_errors_name_the_column():
    with pytest.raises(ev.EvidenceError, match="column 'Disabilty'"):
        ev.read(DATA / "messy_wide.xlsx", mapping={"columns": {"group": "Disabilty"}})
    with pytest.raises(ev.EvidenceError, match="unknown mapping key 'colums'"):
        ev.read(DATA / "messy_wide.xlsx", mapping={"colums": {}})
    with pytest.raises(ev.EvidenceError, match="no sheet named 'Table 9'.*Table 2"):
        ev.read(DATA / "messy_wide.xlsx", mapping={"sheet": "Table 9"})


def test_bad_cell_names_file_row_and_column(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text((DATA / "ees_small.csv").read_text().replace("508701", "five hundred"))
    with pytest.raises(ev.EvidenceError) as exc:
        ev.read(f)
    msg = str(exc.value)
    assert "bad.csv" in msg and "row 4" in msg and "column 'children_number'" in msg and "five hundred" in msg


def test_unrecognised_table_says_what_to_do(tmp_path):
    f = tmp_path / "odd.csv"
    f.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(ev.EvidenceError, match="could not tell what kind of table.*mapping"):
        ev.read(f)


def test_reading_does_not_modify_files(tmp_path):
    for name in ("ees_small.csv", "messy_wide.xlsx", "nomis_small.csv"):
        before = hashlib.sha256((DATA / name).read_bytes()).hexdigest()
        try:
            ev.read(DATA / name, format="nomis" if "nomis" in name else None,
                    mapping={"sheet": "Table 2", "header_rows": 2, "columns": {"group": "Disability"},
                             "constants": {"indicator": "e", "characteristic": "d"},
                             "wide": {"columns": r"^(\d{4}) \| Rate"}} if name.endswith("xlsx") else None)
        except ev.EvidenceError:
            pass
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == before


def test_harmonise_groups_spellings_and_rollup():
    obs = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "ethnicity",
                        "group": ["Black/African/Caribbean/Black British: Caribbean", "BCRB", "Black - African",
                                  "White: English, Welsh, Scottish, Northern Irish or British", "Turkish"],
                        "area": ["A", "B", "A", "A", "A"],
                        "value": [40.0, 42.0, 60.0, 50.0, 45.0], "numerator": [40, 42, 60, 50, 45],
                        "denominator": [100, 100, 100, 100, 100]})
    with pytest.raises(ev.EvidenceError, match="'Turkish'.*extra="):
        ev.harmonise_groups(obs)
    h = ev.harmonise_groups(obs, extra={"Turkish": "White"})
    assert h["group"].tolist() == ["Black Caribbean", "Black Caribbean", "Black African", "White British", "Turkish"]
    broad = ev.harmonise_groups(obs, extra={"Turkish": "White"}, to="broad").set_index(["area", "group"])
    assert broad.loc[("A", "Black"), "value"] == pytest.approx(50.0)  # (40 + 60) / 200, not a mean of rates
    assert broad.loc[("A", "White"), "numerator"] == 95
    assert not any("BAME" in g or "minority" in g.lower() for g in broad.index.get_level_values("group"))
    comb = ev.harmonise_groups(obs, extra={"Turkish": "White"}, to="broad", combine_minorities=True)
    assert "All ethnic groups except White British (combined on request)" in set(comb["group"])


def test_rollup_refuses_without_counts():
    obs = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "ethnicity",
                        "group": ["Indian", "Pakistani"], "value": [50.0, 40.0]})
    with pytest.raises(ev.EvidenceError, match="cannot roll detailed ethnic groups up"):
        ev.harmonise_groups(obs, to="broad")


SYMBOLS = ["c", "x", "z", "u", "low", "..", ":", "*", "-", "~", "[c]", "[x]", "[z]", "[u]", "[low]", ""]
cells = st.one_of(st.sampled_from(SYMBOLS), st.floats(0, 1e6, allow_nan=False).map(lambda f: f"{f:,.2f}"),
                  st.text(alphabet="abcXYZ ,%[]*-.0123456789\"'", max_size=8), st.integers(0, 10**6).map(str))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, min_size=5, max_size=5), min_size=0, max_size=8), blank_rows=st.booleans(),
       duplicate_header=st.booleans())
def test_read_returns_valid_observations_or_evidence_error(tmp_path, rows, blank_rows, duplicate_header):
    header = ["indicator", "period", "characteristic", "group", "value"]
    lines = [",".join(header)]
    for r in rows:
        lines.append(",".join('"' + c.replace('"', '""') + '"' for c in r))
        if blank_rows:
            lines.append("")
        if duplicate_header:
            lines.append(",".join(header))
    f = tmp_path / "messy.csv"
    f.write_text("\n".join(lines) + "\n")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            obs = ev.read(f)
    except ev.EvidenceError:
        return
    ev.validate(obs)  # anything returned is a valid observations table


def test_parquet_observations(tmp_path):
    pytest.importorskip("pyarrow")
    f = tmp_path / "obs.parquet"
    ev.demo.observations().to_parquet(f)
    obs = ev.read(f)
    assert len(obs) == len(ev.demo.observations()) and set(obs["period"]) >= {"2018", "2024"}


# ------------------------------------------------------------------ publisher variants (issue 9)
def _csv(tmp_path, name, text):
    f = tmp_path / name
    f.write_text(text)
    return f


def test_ees_breakdown_in_other_spellings_and_lone_count(tmp_path):
    f = _csv(tmp_path, "ap.csv", "time_period,time_identifier,geographic_level,country_name,"
             "pupil_characteristic_group,pupil_characteristic,headcount\n"
             "202223,Academic year,National,England,Total,Total,200\n"
             "202223,Academic year,National,England,Sex,Female,80\n"
             "202223,Academic year,National,England,Sex,Male,120\n"
             "202223,Academic year,National,England,Sex,Total,200\n")
    obs = ev.read(f)
    share = obs[obs["indicator"] == "headcount_share"].set_index("group")
    assert share.loc["Female", "value"] == 40.0 and share.loc["Female", "denominator"] == 200
    assert set(obs["characteristic"]) == {"All", "Sex"}  # "Sex: Total" repeats the whole population
    assert (obs["group"] == "All").sum() == 2  # one per indicator


def test_ees_measure_column_of_symbols_only_is_named(tmp_path):
    f = _csv(tmp_path, "z.csv", "time_period,time_identifier,geographic_level,country_name,characteristic_group,"
             "characteristic,cohort,overall,not_yet_published\n"
             "201819,Academic year,National,England,Total,Total,100,90,z\n"
             "201819,Academic year,National,England,Gender,Female,40,38,z\n")
    with pytest.warns(ev.EvidenceWarning, match="not_yet_published holds no figures"):
        ev.read(f)


def test_eff_variant_year_geography_name_age_group_and_counts_with_units(tmp_path):
    f = _csv(tmp_path, "eff.csv", "Measure,Year,Ethnicity,Ethnicity_type,Geography_name,Geography_code,Age group,"
             "Value,Numerator (people),Denominator (people)\n"
             "% employed,2021,All,ONS 2011 5+1,Barnet,E09000003,All,70,700,1000\n"
             "% employed,2021,Indian,ONS 2011 5+1,Barnet,E09000003,All,75,75,100\n"
             "% employed,2021,Indian,ONS 2011 5+1,Barnet,E09000003,16-24,50,10,20\n")
    obs = ev.read(f)
    assert obs.attrs["format"] == "eff"
    assert set(obs["area"]) == {"Barnet"} and set(obs["area_code"]) == {"E09000003"}
    row = obs[obs["group"] == "Indian × 16-24"].iloc[0]
    assert (row["characteristic"], row["numerator"], row["denominator"], row["unit"]) == \
        ("ethnicity × age_group", 10, 20, "%")


def test_harmonise_never_merges_two_published_groups():
    obs = pd.DataFrame({"indicator": "x", "period": "2011", "characteristic": "ethnicity",
                        "group": ["White", "Asian", "Other", "Other ethnic group"], "value": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(ev.EvidenceError, match="'Other', 'Other ethnic group' would both become 'Other'"):
        ev.harmonise_groups(obs)


def test_ons_2011_nomis_spellings():
    from evidence.ethnicity import canonical

    assert canonical("Mixed/multiple ethnic group: White and Black Caribbean") == "White and Black Caribbean"
    assert canonical("Mixed/multiple ethnic group: Other Mixed") == "Other Mixed"
    assert canonical("Asian/Asian British: Indian") == "Indian"
    detailed = pd.DataFrame({"indicator": "x", "period": "2011", "characteristic": "ethnicity",
                             "group": ["Indian", "Arab", "Other ethnic group"], "value": [1.0, 2.0, 3.0]})
    assert ev.harmonise_groups(detailed)["group"].tolist() == ["Indian", "Arab", "Any other ethnic group"]


def test_percent_columns_get_the_percent_unit(tmp_path):
    f = _csv(tmp_path, "pct.csv", "time_period,time_identifier,geographic_level,country_name,characteristic_group,"
             "characteristic,gld_number,gld_percentage\n"
             "202122,Academic year,National,England,Total,Total,650,65\n"
             "202122,Academic year,National,England,FSM,Eligible,49,49\n")
    assert set(ev.read(f)["unit"]) == {"%"}


def test_unknown_read_option_names_the_near_miss(tmp_path):
    f = _csv(tmp_path, "o.csv", "indicator,period,characteristic,group,value\nx,2020,All,All,1\n")
    with pytest.raises(ev.EvidenceError, match="read option 'filtr' does not apply here"):
        ev.read(f, filtr={"a": "b"})


def test_values_written_with_a_percent_sign_get_the_percent_unit_and_intervals(tmp_path):
    # "45%" with n and no unit column: read as 45 per cent, so the kind is inferred (a share of n) and every
    # row gets an interval; a unit the file states is kept
    f = _csv(tmp_path, "p.csv", "indicator,period,characteristic,group,value,n,polarity\n"
             "emp,2024,All,All,45%,400,higher_is_better\nemp,2024,sex,Female,40%,200,higher_is_better\n"
             "emp,2024,sex,Male,50%,200,higher_is_better\n")
    obs = ev.read(f)
    assert obs["unit"].tolist() == ["%"] * 3 and obs["value"].tolist() == [45.0, 40.0, 50.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ev.EvidenceWarning)
        g = ev.gaps(obs)
    assert g["gap_lower"].notna().all() and g["gap_upper"].notna().all()
    g2 = _csv(tmp_path, "q.csv", "indicator,period,characteristic,group,value,unit\nx,2024,All,All,45%,pp\n")
    assert ev.read(g2)["unit"].tolist() == ["pp"]


def test_lone_percentage_column_and_mapped_percent_column_get_the_percent_unit(tmp_path):
    f = _csv(tmp_path, "p.csv", "time_period,time_identifier,geographic_level,country_name,characteristic_group,"
             "characteristic,overall_percentage\n202122,Academic year,National,England,Total,Total,65.2\n")
    assert set(ev.read(f)["unit"]) == {"%"}
    g = _csv(tmp_path, "m.csv", "Group,% employed\nAll,70\nDisabled,55\n")
    obs = ev.read(g, mapping={"columns": {"group": "Group", "value": "% employed"},
                              "constants": {"indicator": "employment", "period": "2021", "characteristic": "disability"}})
    assert set(obs["unit"]) == {"%"}
