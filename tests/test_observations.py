"""Validation: every bad input names its rows and column and says what to do."""

from __future__ import annotations

import pandas as pd
import pytest

from evidence import EvidenceError
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
