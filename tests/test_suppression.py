"""Small-number suppression, primary and secondary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evidence.suppression import SECONDARY, suppress


def _block():
    return pd.DataFrame({"indicator": "x", "period": "2020", "area": "", "characteristic": ["All", "c", "c", "c"],
                         "group": ["All", "A", "B", "C"], "value": [50.0, 30.0, 55.0, 50.0],
                         "numerator": [503, 3, 220, 280], "denominator": [1010, 10, 400, 560]})


def test_primary_and_secondary():
    out = suppress(_block()).set_index("group")
    assert out.loc["A", "suppressed"] and "fewer than" in out.loc["A", "reason"]
    # B is the smallest other group: suppressed so A cannot be worked out from the total
    assert out.loc["B", "suppressed"] and "worked out" in out.loc["B", "reason"]
    assert not out.loc["C", "suppressed"]
    assert np.isnan(out.loc[["A", "B"], ["value", "numerator", "denominator"]].to_numpy()).all()


def test_thresholds_configurable():
    out = suppress(_block(), min_numerator=2, min_denominator=5)
    assert not out["suppressed"].any()


def test_publisher_suppression_kept():
    df = _block().assign(suppressed=[False, False, True, False])
    out = suppress(df, min_numerator=1, min_denominator=1).set_index("group")
    assert out.loc["B", "reason"] == "suppressed by the publisher" and np.isnan(out.loc["B", "value"])


# --- no back doors (issue 8) ----------------------------------------------------------------------------------------

def test_percentage_with_n_implies_a_count():
    # 2% of 100 is 2 people: suppressed like a numerator of 2, whether or not the kind or unit is stated
    df = pd.DataFrame({"indicator": "x", "period": "2020", "area": "", "characteristic": ["All", "c", "c", "c"],
                       "group": ["All", "A", "B", "C"], "value": [30.0, 2.0, 40.0, 35.0], "n": [700, 100, 300, 300],
                       "kind": "proportion", "unit": "%"})
    out = suppress(df).set_index("group")
    assert out.loc["A", "suppressed"] and out.loc["A", "reason"].startswith("suppressed: fewer")
    # secondary, on n alone: B and C are both 300 people, C counts fewer (35% is 105, 40% is 120)
    assert out.loc["C", "suppressed"] and "worked out" in out.loc["C", "reason"]
    assert not out.loc["B", "suppressed"] and np.isnan(out.loc["A", "value"])
    fraction = suppress(df.assign(value=df["value"] / 100, unit="", kind=None).assign(
        kind=lambda d: ["proportion"] * 4)).set_index("group")
    assert fraction.loc["A", "suppressed"]


def test_complement_suppressed_only_when_asked():
    df = _block().assign(numerator=[503, 8, 398, 280], value=[50.0, 80.0, 99.5, 50.0])
    assert not suppress(df).set_index("group").loc["B", "suppressed"]  # 398 of 400: off by default
    out = suppress(df, suppress_complement=True).set_index("group")
    assert out.loc["B", "suppressed"]  # 2 of 400 were not: revealed by the complement


def test_secondary_suppression_with_only_n():
    df = pd.DataFrame({"indicator": "x", "period": "2020", "area": "", "characteristic": ["All", "c", "c", "c"],
                       "group": ["All", "A", "B", "C"], "value": [50.0, 30.0, 55.0, 50.0], "n": [1010, 8, 400, 560]})
    out = suppress(df).set_index("group")
    assert out.loc["A", "suppressed"] and out.loc["B", "suppressed"] and not out.loc["C", "suppressed"]


def test_secondary_is_per_block_and_needs_a_total():
    blocks = []
    for period, has_all in (("2020", True), ("2021", False)):
        b = _block().assign(period=period)
        blocks.append(b if has_all else b[b["group"] != "All"])
    out = suppress(pd.concat(blocks, ignore_index=True))
    sup = out[out["suppressed"]][["period", "group"]].to_numpy().tolist()
    assert sup == [["2020", "A"], ["2020", "B"], ["2021", "A"]]  # no total in 2021: nothing to subtract from


def test_rest_comparator_derived_by_subtraction_is_checked():
    # "everyone except Christian" is 2 of 5 people: never published, nor the gap against it
    from evidence.gaps import gaps

    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": ["All", "religion"],
                       "group": ["All", "Christian"], "numerator": [52, 50], "denominator": [105, 100],
                       "polarity": "higher_is_better", "kind": "proportion", "unit": "%"})
    df["value"] = 100 * df["numerator"] / df["denominator"]
    g = gaps(df, comparator="rest").set_index("group")
    assert np.isnan(g.loc["Christian", "comparator_value"]) and np.isnan(g.loc["Christian", "gap"])
    assert "too few" in g.loc["Christian", "note"]
    # with thresholds lowered the derived comparator is shown
    g = gaps(df, comparator="rest", min_numerator=1, min_denominator=1).set_index("group")
    assert g.loc["Christian", "comparator_value"] == pytest.approx(40.0)


def test_thresholds_are_exclusive_lower_bounds():
    # the defaults: a numerator of 5 and a denominator of 10 are published; 4 and 9 are not
    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "c", "group": ["A", "B", "C", "D"],
                       "value": [50.0, 40.0, 44.4, 50.0], "numerator": [5, 4, 4.0, 50], "denominator": [10, 10, 9, 100]})
    out = suppress(df, secondary=False).set_index("group")
    assert out["suppressed"].to_dict() == {"A": False, "B": True, "C": True, "D": False}
    # a percentage with n implies a count rounded to whole people: 4.6% of 100 is 5 people
    pct = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "c", "group": ["A", "B"],
                        "value": [4.6, 4.4], "n": [100, 100], "kind": "proportion", "unit": "%"})
    assert suppress(pct, secondary=False)["suppressed"].tolist() == [False, True]


def test_publisher_flag_missing_means_not_suppressed():
    df = _block().assign(suppressed=[None, False, None, None], numerator=[503, 30, 220, 280])
    out = suppress(df)
    assert not out["suppressed"].any() and out["reason"].isna().all()


@pytest.mark.parametrize("columns,values,expected", [
    # unit "%" without a kind: still a percentage of n (0.4% of 1,000 is 4 people; 0.5% is 5)
    ({"unit": "%"}, [0.4, 0.5], [True, False]),
    # a stated proportion with values at most 1 and no unit: fractions (0.004 of 1,000 is 4 people)
    ({"kind": "proportion"}, [0.004, 0.005], [True, False]),
    # a stated proportion in per cent by its multiplier, whatever the values look like
    ({"kind": "proportion", "multiplier": 100.0}, [0.4, 0.5], [True, False]),
    # neither kind nor unit: a value with n is not known to be a share of n, so only n is checked
    ({}, [0.4, 0.5], [False, False]),
    # the same with the columns there but blank
    ({"kind": None, "unit": ""}, [0.004, 0.005], [False, False]),
    # a blank multiplier is no multiplier: per cent by the unit (0.4% of 1,000 is 4 people)
    ({"kind": "proportion", "unit": "%", "multiplier": np.nan}, [0.4, 0.5], [True, False]),
])
def test_implied_count_from_kind_unit_and_multiplier(columns, values, expected):
    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "c", "group": ["A", "B"],
                       "value": values, "n": [1000, 1000], **columns})
    assert suppress(df, secondary=False)["suppressed"].tolist() == expected


@pytest.mark.parametrize("columns,values,n,expected", [
    ({}, [0.3, 0.5], 10, [False, False]),  # no kind or unit: a score, not a share of n
    ({"kind": "proportion"}, [1.5, 40.0], 200, [True, False]),  # 1.5 (per cent, as values reach 40) of 200 is 3
])
def test_implied_count_only_for_shares(columns, values, n, expected):
    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "c", "group": ["A", "B"],
                       "value": values, "n": n, **columns})
    assert suppress(df, secondary=False)["suppressed"].tolist() == expected


def test_per_cent_or_fraction_is_decided_per_indicator():
    # indicator p in per cent, f in fractions, neither says so: 0.3 of 100 is 30 people, not 0.3
    df = pd.DataFrame({"indicator": ["p", "p", "f"], "period": "2020", "characteristic": "c", "group": ["A", "B", "A"],
                       "value": [45.0, 2.0, 0.3], "n": [100, 100, 100], "kind": "proportion"})
    assert suppress(df, secondary=False)["suppressed"].tolist() == [False, True, False]


def test_missing_numerator_falls_back_to_the_implied_count():
    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "c", "group": ["A", "B"],
                       "value": [2.0, 40.0], "numerator": [np.nan, 40], "n": [100, 100], "kind": "proportion",
                       "unit": "%"})
    assert suppress(df, secondary=False)["suppressed"].tolist() == [True, False]


def test_complement_boundary_and_small_numerators_still_suppressed():
    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "c", "group": ["A", "B", "C"],
                       "value": [95.0, 96.0, 1.0], "numerator": [95, 96, 1], "denominator": [100, 100, 100]})
    out = suppress(df, secondary=False, suppress_complement=True)
    assert out["suppressed"].tolist() == [False, True, True]  # 5 not: published; 4 not: suppressed; 1: suppressed


def test_secondary_blocks_are_indicator_period_area_and_characteristic():
    def block(**kw):
        return pd.DataFrame({"indicator": "x", "period": "2020", "area": "E1", "characteristic": "sex",
                             "group": ["A", "B", "C"], "value": 50.0, "numerator": [3, 200, 280],
                             "denominator": [8, 400, 560], **kw})

    total = pd.DataFrame({"indicator": ["x", "y"], "period": "2020", "area": ["E1", "E2"], "characteristic": "All",
                          "group": "All", "value": 50.0, "numerator": [500, 500], "denominator": [1000, 1000]})
    # other blocks with a small, unsuppressed group that must not be chosen instead of B
    other = [block(characteristic="age", group=["X", "Y", "Z"], numerator=[30, 200, 280], denominator=[50, 400, 560]),
             block(indicator="y", group=["A", "B", "C"], numerator=[30, 200, 280], denominator=[50, 400, 560]),
             block(area="E2", numerator=[30, 200, 280], denominator=[50, 400, 560])]
    out = suppress(pd.concat([total, block(), *other], ignore_index=True))
    sup = out[out["suppressed"]][["indicator", "area", "characteristic", "group"]].to_numpy().tolist()
    assert sup == [["x", "E1", "sex", "A"], ["x", "E1", "sex", "B"]]


def test_secondary_uses_n_where_the_denominator_is_blank():
    df = _block().assign(denominator=[1010, 10, np.nan, np.nan], n=[np.nan, np.nan, 600, 500])
    out = suppress(df).set_index("group")
    assert out.loc["C", "suppressed"] and not out.loc["B", "suppressed"]  # C (500) is the smallest other group


# --- survivors of mutation testing (issue 8): the shapes of real tables --------------------------------------------

def test_publisher_reasons_kept_and_no_columns_added():
    df = _block().assign(suppressed=[False, False, True, False], reason=[None, None, "[c] confidential", None])
    out = suppress(df, min_numerator=1, min_denominator=1)
    assert list(out.columns) == list(df.columns)
    assert out["reason"].tolist()[2] == "[c] confidential"
    # B was suppressed by the publisher and the total is published: A (10 people) is suppressed so B cannot be
    # worked out
    assert out["suppressed"].tolist() == [False, True, True, False] and "worked out" in out["reason"].tolist()[1]
    assert list(suppress(_block()).columns) == list(_block().columns) + ["suppressed", "reason"]


def test_publisher_flag_as_numbers_with_blanks():
    # a flag read from a spreadsheet: 1 / 0 / blank. Blank is not suppressed, and filling it must not warn
    # (pandas 3 warns, and pandas 4 will refuse, filling a float column with False)
    import warnings

    df = _block().assign(suppressed=[np.nan, 1.0, np.nan, 0.0], numerator=[503, 30, 220, 280])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = suppress(df, secondary=False)
    assert out["suppressed"].tolist() == [False, True, False, False]


def test_numerator_and_value_without_any_size():
    # no denominator and no n: only the numerator can be checked, and there is nothing to subtract from
    df = _block().drop(columns="denominator")
    out = suppress(df)
    assert out["suppressed"].tolist() == [False, True, False, False]


def test_table_without_indicator_period_or_area():
    # one characteristic and its total, nothing else: secondary suppression still protects A
    df = _block().drop(columns=["indicator", "period", "area"])
    out = suppress(df).set_index("group")
    assert out["suppressed"].to_dict() == {"All": False, "A": True, "B": True, "C": False}
    pct = pd.DataFrame({"characteristic": "c", "group": ["A", "B"], "value": [1.5, 0.3], "n": [200, 200],
                        "kind": "proportion"})
    # values above 1 make the indicator per cent: 1.5% and 0.3% of 200 are 3 and 1 people
    assert suppress(pct, secondary=False)["suppressed"].tolist() == [True, True]


def test_per_cent_decided_by_any_value_above_one():
    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "c", "group": ["A", "B"],
                       "value": [1.5, 0.3], "n": [200, 200], "kind": "proportion"})
    assert suppress(df, secondary=False)["suppressed"].tolist() == [True, True]  # 3 and 1 people, not 300 and 60


def test_implied_count_rounds_to_whole_people():
    # 4.52% of 100 is 5 people (published rounded), 4.48% is 4
    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "c", "group": ["A", "B"],
                       "value": [4.52, 4.48], "n": [100, 100], "unit": "%"})
    assert suppress(df, secondary=False)["suppressed"].tolist() == [False, True]


def test_any_row_labels():
    # a filtered table keeps its own row labels: the same rows are suppressed
    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "c", "group": ["A", "B", "C"],
                       "value": [2.0, 40.0, 35.0], "n": [100, 100, 300], "unit": "%"})
    expected = suppress(df, secondary=False)["suppressed"].tolist()
    assert expected == [True, False, False]
    assert suppress(df.set_axis([10, 4, 7]), secondary=False)["suppressed"].tolist() == expected


def test_secondary_blocks_with_blank_area():
    # area left blank (NaN) throughout: each characteristic is still its own block
    total = pd.DataFrame({"indicator": "x", "period": "2020", "area": np.nan, "characteristic": ["All"],
                          "group": ["All"], "value": 50.0, "numerator": [500], "denominator": [1000]})
    sex = pd.DataFrame({"indicator": "x", "period": "2020", "area": np.nan, "characteristic": "sex",
                        "group": ["A", "B", "C"], "value": 50.0, "numerator": [3, 200, 280], "denominator": [8, 400, 560]})
    age = sex.assign(characteristic="age", group=["X", "Y", "Z"], numerator=[30, 200, 280], denominator=[50, 400, 560])
    out = suppress(pd.concat([total, sex, age], ignore_index=True))
    assert out.loc[out["suppressed"], "group"].tolist() == ["A", "B"]


# --- mutation testing, second pass (issue 8, item 6) ----------------------------------------------------------------

def test_tables_without_counts():
    # sizes only (no numerator, no value): a group of 9 people is suppressed, groups of 10 or more are not
    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "c", "group": ["A", "B", "C"],
                       "n": [9, 10, 400]})
    assert suppress(df, secondary=False)["suppressed"].tolist() == [True, False, False]
    assert suppress(df.set_axis([10, 4, 7]), secondary=False)["suppressed"].tolist() == [True, False, False]
    # scores with neither counts nor sizes: nothing says how many people, so nothing is suppressed
    scores = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "c", "group": ["A", "B"],
                           "value": [0.2, 3.0]})
    out = suppress(scores)
    assert not out["suppressed"].any() and out["reason"].isna().all()


def test_secondary_tie_takes_the_first_listed_group():
    # A (3 of 10) is suppressed; B and C are equally small (400 people, 250 counted): suppressing either
    # protects A, and the first listed is chosen so that the same table always loses the same cell
    df = _block().assign(numerator=[503, 3, 250, 250], denominator=[810, 10, 400, 400])
    for order in (["All", "A", "B", "C"], ["All", "A", "C", "B"]):
        out = suppress(df.set_index("group").loc[order].reset_index())
        assert out.loc[out["suppressed"], "group"].tolist() == ["A", order[2]], order


def test_secondary_among_equal_sizes_takes_the_smallest_count():
    # shares of one total (every row's denominator is the 500 staff): Roma (3) is suppressed, and the group
    # whose count is next smallest (Irish, 6) goes with it, not the first listed (Bangladeshi, 200) - the same
    # cell the representation measure hides
    df = pd.DataFrame({"indicator": "staff", "period": "2024", "characteristic": ["All"] + ["ethnicity"] * 4,
                       "group": ["All", "Bangladeshi", "Roma", "Irish", "White British"],
                       "numerator": [500, 200, 3, 6, 291], "denominator": 500, "kind": "proportion"})
    df["value"] = df["numerator"] / df["denominator"]
    out = suppress(df)
    assert out.loc[out["suppressed"], "group"].tolist() == ["Roma", "Irish"]
    assert out.set_index("group").loc["Irish", "reason"] == SECONDARY
    # the order of the rows does not change which cell is chosen
    out = suppress(df.iloc[::-1].reset_index(drop=True))
    assert sorted(out.loc[out["suppressed"], "group"]) == ["Irish", "Roma"]


def test_secondary_in_several_blocks_at_once():
    # the same characteristic in two periods, each with its total: in each, A (3 of 10) is suppressed and B, the
    # smallest other group, with it; C is published in both
    df = pd.concat([_block().assign(period=p) for p in ("2020", "2021")], ignore_index=True)
    out = suppress(df)
    assert out.loc[out["suppressed"], ["period", "group"]].to_numpy().tolist() == [
        ["2020", "A"], ["2020", "B"], ["2021", "A"], ["2021", "B"]]


def test_counts_held_as_python_objects():
    # numerator and denominator as object columns (cells read one by one from a spreadsheet): the same cells
    # suppressed as with numbers
    df = _block().astype({"numerator": object, "denominator": object})
    out = suppress(df)
    assert out["suppressed"].tolist() == [False, True, True, False]
    assert np.isnan(out.loc[[1, 2], ["numerator", "denominator"]].to_numpy(dtype=float)).all()


def test_text_flags_read_as_validate_reads_them():
    # suppress() on a table straight from a file: "no" and a blank are not suppressed, "yes" is
    obs = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "sex", "group": ["A", "B", "C", "D"],
                        "value": [50.0, 40.0, 30.0, 20.0], "numerator": [500, 400, 300, 200],
                        "denominator": [1000, 1000, 1000, 1000], "suppressed": ["no", "yes", None, "No "]})
    out = suppress(obs, secondary=False)
    assert out["suppressed"].tolist() == [False, True, False, False]
    assert out["value"].isna().tolist() == [False, True, False, False]
