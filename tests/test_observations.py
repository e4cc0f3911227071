"""Validation: every bad input names its rows and column and says what to do."""

from __future__ import annotations

import pandas as pd
import pytest

from evidence import EvidenceError, EvidenceWarning
from evidence.observations import validate


def _obs(**changes):
    df = pd.DataFrame({"indicator": "x", "period": ["2020", "2020", "2020"], "characteristic": ["All", "sex", "sex"],
                       "group": ["All", "Female", "Male"], "value": [50.0, 45.0, 55.0],
                       "numerator": [500, 225, 275], "denominator": [1000, 500, 500], "kind": "proportion"})
    for col, (row, val) in changes.items():
        df[col] = df[col].astype(object)
        df.loc[row, col] = val
    return df


def _problems(df, **kw):
    with pytest.raises(EvidenceError) as exc:
        validate(df, **kw)
    return exc.value, str(exc.value)


def test_clean_table_passes_and_is_normalised():
    df = _obs()
    df["period"] = [2020.0, 2020.0, 2020.0]
    out = validate(df)
    assert out["period"].tolist() == ["2020"] * 3 and out["area"].tolist() == [""] * 3


def test_missing_required_column():
    _, msg = _problems(_obs().drop(columns="group"))
    assert "column 'group'" in msg and "required" in msg


def test_non_numeric_value_names_row_and_column():
    _, msg = _problems(_obs(value=(1, "abc")))
    assert "row 2" in msg and "column 'value'" in msg and "'abc'" in msg


def test_numerator_above_denominator():
    _, msg = _problems(_obs(numerator=(2, 600)))
    assert "row 3" in msg and "column 'numerator'" in msg and "swapped" in msg


def test_negative_count():
    _, msg = _problems(_obs(denominator=(1, -5)))
    assert "row 2" in msg and "column 'denominator'" in msg and "negative" in msg


def test_interval_must_contain_value():
    df = _obs().assign(lower=[49.0, 46.0, 54.0], upper=[51.0, 47.0, 56.0])
    _, msg = _problems(df)
    assert "row 2" in msg and "column 'lower/upper'" in msg


def test_duplicate_rows():
    df = pd.concat([_obs(), _obs().iloc[[1]]], ignore_index=True)
    _, msg = _problems(df)
    assert "rows 2, 4" in msg and "duplicate" in msg


def test_unrecognised_and_mixed_period_styles():
    df = _obs(period=(2, "Spring"))
    _, msg = _problems(df)
    assert "row 3" in msg and "column 'period'" in msg and "'Spring'" in msg
    df = _obs(period=(2, "2019/20"))
    _, msg = _problems(df)
    assert "mixes period styles" in msg


def test_missing_all_row_when_required():
    _, msg = _problems(_obs().iloc[1:], require_all=True)
    assert "no whole-population row" in msg and "column 'group'" in msg


def test_polarity_required_and_checked():
    _, msg = _problems(_obs(), require_polarity=True)
    assert "has no polarity" in msg and "column 'polarity'" in msg
    _, msg = _problems(_obs().assign(polarity="up"))
    assert "column 'polarity'" in msg and "'up'" in msg


def test_all_problems_reported_together():
    err, _ = _problems(_obs(value=(1, "abc"), numerator=(2, 600)))
    assert len(err.problems) == 2


def test_source_rows_reported_when_reader_gives_them():
    df = _obs(value=(1, "abc")).assign(source_row=[12, 13, 14])
    _, msg = _problems(df, source="pupils.csv")
    assert "file 'pupils.csv'" in msg and "row 13" in msg


def test_blank_group():
    _, msg = _problems(_obs(group=(1, None)))
    assert "row 2" in msg and "column 'group'" in msg


# --- kind inference: counts are never silently ignored (issue 8) ---------------------------------------------------

def _counts(value, num, den, **extra):
    return pd.DataFrame({"indicator": "x", "value": value, "numerator": num, "denominator": den, **extra})


def test_counts_without_kind_are_a_proportion():
    import warnings

    from evidence import EvidenceWarning
    from evidence.observations import infer_kind

    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = infer_kind(_counts([30.8, 50.0], [81, 50], [263, 100]))
    assert out["kind"].tolist() == ["proportion", "proportion"] and out["multiplier"].tolist() == [100.0, 100.0]
    assert "inferred as proportion" in out.loc[0, "kind_note"] and "× 100" in out.loc[0, "kind_note"]
    assert any(issubclass(x.category, EvidenceWarning) and "'x' as proportion" in str(x.message) for x in w)
    frac = infer_kind(_counts([0.308], [81], [263]), warn=False)
    assert frac.loc[0, "kind"] == "proportion" and frac.loc[0, "multiplier"] == 1.0


@pytest.mark.parametrize("scale", [1_000.0, 100_000.0])
def test_counts_without_kind_are_a_rate(scale):
    from evidence.observations import infer_kind

    out = infer_kind(_counts([65 / 2000 * scale, 12 / 500 * scale], [65, 12], [2000, 500]), warn=False)
    assert out["kind"].tolist() == ["rate", "rate"] and (out["multiplier"] == scale).all()


def test_standardised_rate_is_not_inferred_and_says_why():
    from evidence.observations import infer_kind

    # directly standardised rates: the value is not count / population x 100,000
    out = infer_kind(_counts([2604.3, 1846.3], [19365, 77030], [748769, 4602454]), warn=False)
    assert out["kind"].isna().all() and "counts were not used" in out.loc[0, "kind_note"]


def test_numerator_above_denominator_is_not_a_proportion_and_names_the_rows():
    import warnings

    from evidence import EvidenceWarning
    from evidence.observations import infer_kind

    # 115 = 23 / 20 x 100: the value matches the counts, but 23 of 20 is not a share (columns swapped?)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = infer_kind(_counts([50.0, 115.0], [10, 23], [20, 20]))
    assert out["kind"].isna().all()
    assert "numerator is larger than the denominator" in out.loc[0, "kind_note"]
    msg = " ".join(str(x.message) for x in w if issubclass(x.category, EvidenceWarning))
    assert "1 rows (rows 2; e.g. 23 of 20)" in msg and "right way round" in msg


def test_percent_with_n_is_a_proportion():
    from evidence.observations import infer_kind

    df = pd.DataFrame({"indicator": "x", "value": [45.0, 60.0], "n": [200, 300], "unit": "%"})
    out = infer_kind(df, warn=False)
    assert out["kind"].tolist() == ["proportion"] * 2 and out.loc[0, "multiplier"] == 100.0
    assert "per cent with a sample size" in out.loc[0, "kind_note"]


def test_value_and_counts_that_disagree_are_refused():
    from evidence.observations import infer_kind

    bad = _counts([50.0, 90.0], [50, 10], [100, 100], kind="proportion", source_row=[7, 8])
    with pytest.raises(EvidenceError) as exc:
        infer_kind(bad, warn=False)
    assert "row 8" in str(exc.value) and "numerator / denominator × 100" in str(exc.value)
    # with no kind stated the counts and value disagree on a scale: nothing is inferred, and nothing is refused
    out = infer_kind(bad.drop(columns="kind"), warn=False)
    assert out["kind"].isna().all()


def test_proportion_above_100_percent_is_refused():
    from evidence.observations import infer_kind

    with pytest.raises(EvidenceError, match="between 0 and 100"):
        infer_kind(pd.DataFrame({"indicator": "x", "value": [45.0, 145.0], "n": [200, 300], "kind": "proportion",
                                 "unit": "%"}), warn=False)


def test_validate_leaves_unknown_kind_blank_and_metadata_wins_later():
    # ev.read validates without metadata; a later call with metadata must still be able to say what it is
    first = validate(_obs().drop(columns="kind"))
    assert first["kind"].isna().all() and (first["unit"] == "").all() and (first["population"] == "people").all()
    meta = [{"indicator": "x", "polarity": "higher_is_better", "kind": "proportion", "unit": "%",
             "population": "residents", "ci_level": 0.9}]
    again = validate(first, indicators=meta)
    assert (again["kind"] == "proportion").all() and (again["unit"] == "%").all()
    assert (again["population"] == "residents").all() and (again["ci_level"] == 0.9).all()
    # what the user wrote in the observations still wins over the metadata
    mine = validate(_obs().assign(unit="points", kind="mean"), indicators=meta)
    assert (mine["unit"] == "points").all() and (mine["kind"] == "mean").all()


def test_infinity_is_not_a_number():
    df = _obs(value=(1, "1e309"))
    err, msg = _problems(df)
    assert "row 2" in msg and "column 'value'" in msg and "infinity" in msg


def test_weighted_proportion_with_unweighted_counts_uses_its_published_interval():
    # a survey estimate (weighted) published with raw counts and its own interval: the counts are not used, and
    # the note says so; only with nothing else to go on is the row refused
    from evidence.observations import infer_kind

    df = _counts([30.98], [3331], [630000], kind="proportion", lower=[30.5], upper=[31.5])
    with pytest.warns(EvidenceWarning, match="published intervals"):
        out = infer_kind(df)
    assert "counts were not used" in out.loc[0, "kind_note"]
    from evidence.estimates import estimate

    with pytest.warns(EvidenceWarning):
        e = estimate(df)
    assert e.loc[0, "ci_method"] == "published interval" and e.loc[0, "est_lower"] == 30.5


def test_key_columns_tidied_or_kept_as_they_are():
    # a text column already tidy is kept (same values, pandas' text dtype); others are tidied, whatever their type
    text = pd.Series(["text"]).dtype
    df = _obs()
    df["group"] = pd.Series([" All", "Female ", "Male"], dtype=object)  # untidy
    df["period"] = [2020, 2020, 2020]  # numbers
    df["area"] = pd.Series(["E1", "E1", "E1"], dtype="string")  # the NA-style string dtype, not the default
    out = validate(df)
    assert out["group"].tolist() == ["All", "Female", "Male"] and out["group"].dtype == text
    assert out["period"].tolist() == ["2020"] * 3 and out["period"].dtype == text
    assert out["area"].tolist() == ["E1"] * 3 and out["area"].dtype == text
    assert out["indicator"].tolist() == ["x"] * 3 and out["indicator"].dtype == text
    assert out["characteristic"].tolist() == ["All", "sex", "sex"]
    assert df["group"].tolist() == [" All", "Female ", "Male"]  # the input is never changed
