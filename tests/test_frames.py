"""Tests of evidence.frames: codes that stand for text columns on the hot path."""

import numpy as np
import pandas as pd

from evidence.frames import Texts, sort_key, sorted_codes


def test_sorted_codes_follow_sort_values_with_missing_last():
    s = pd.Series(["Pakistani", None, "Indian", "White British", "Indian", "Émigré", "indian"])
    codes = sorted_codes(s)
    by_codes = s.iloc[np.argsort(codes, kind="stable")].tolist()
    assert by_codes == s.sort_values(kind="stable").tolist()  # pandas' own order, missing last
    assert codes[1] == codes.max() and (codes[1] > np.delete(codes, 1)).all()


def test_sort_key_orders_rows_as_the_columns_do():
    df = pd.DataFrame({"a": ["x", "y", "x", "y", "x"], "b": ["q", "p", "p", "q", "r"]})
    key = sort_key([sorted_codes(df[c]) for c in df])
    assert df.iloc[np.argsort(key)].values.tolist() == df.sort_values(["a", "b"]).values.tolist()
    assert len(set(key)) == len(df)


def test_sort_key_when_the_combinations_overflow_one_integer():
    big = 2**31  # three such columns have 2**93 combinations: ranked, not packed into an int64
    codes = [np.array([big, 0, big, 1]), np.array([0, big, 0, 0]), np.array([2, 1, big, 0])]
    key = sort_key(codes)
    assert key.tolist() == [2, 0, 3, 1]  # (0, big, 1) < (1, 0, 0) < (big, 0, 2) < (big, 0, big)


def test_texts_column_shares_its_few_text_objects():
    t = Texts()
    long = "vs rest of population, Newcombe hybrid score (difference)"
    col = t.column(np.array([t[long], -1, t[long]]))
    assert col.dtype == object and col.iloc[0] is col.iloc[2]  # one object, not a copy per row
    assert col.isna().tolist() == [False, True, False]
