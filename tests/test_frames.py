"""Tests of evidence.frames: codes that stand for text columns on the hot path."""

import gc

import numpy as np
import pandas as pd
import pytest

from evidence import frames
from evidence.frames import Texts, codes_reused, factorize, sort_key, sorted_codes

ARROW = isinstance(pd.Series(["a"]).array, pd.arrays.ArrowExtensionArray)  # pandas 3's str columns, with pyarrow
needs_arrow = pytest.mark.skipif(not ARROW, reason="text columns are not Arrow-backed in this pandas")


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


def test_factorize_gives_pandas_codes_with_missing_as_minus_one():
    s = pd.Series(["b", "a", None, "b", "c"])
    for sort in (False, True):
        codes, uniques = factorize(s, sort=sort)
        expected, labels = pd.factorize(s, sort=sort, use_na_sentinel=True)
        assert codes.tolist() == expected.tolist() and uniques.tolist() == list(labels)
        assert codes.dtype == np.intp and uniques.dtype == object


@needs_arrow
def test_codes_reused_within_a_block_and_never_stale():
    s = pd.Series(["b", "a", None, "b"] * 3)
    with codes_reused():
        first, _ = factorize(s)
        again, _ = factorize(s)
        assert again is first  # the same immutable array: worked out once
        assert not first.flags.writeable  # a caller cannot spoil the shared answer
        assert factorize(s, sort=True)[0].tolist() == [1, 0, -1, 1] * 3  # sorted codes are their own entry
        assert factorize(s.copy())[0] is first  # a copy shares the Arrow array
        t = s.copy()
        t.iloc[0] = "z"  # a write makes a new array: its codes are worked out afresh
        assert factorize(t)[0].tolist()[:4] == [0, 1, -1, 2]
        sliced = s.iloc[:2]
        assert factorize(sliced)[0].tolist() == [0, 1]
    outside, _ = factorize(s)
    assert outside is not first and outside.flags.writeable  # no cache outside a block


@needs_arrow
def test_a_freed_array_leaves_the_cache():
    with codes_reused():
        s = pd.Series(["x", "y"] * 5)
        factorize(s)
        cache = frames._CODES.get()
        assert len(cache) == 1
        del s
        gc.collect()
        assert len(cache) == 0  # its codes go with it, so the block holds no memory for dead columns


def test_object_columns_are_not_cached():
    s = pd.Series(["b", "a", "b"], dtype=object)
    python_strings = pd.Series(["b", "a"], dtype=pd.StringDtype("python"))  # pandas' str without pyarrow
    with codes_reused():
        assert factorize(s)[0] is not factorize(s)[0]
        assert factorize(python_strings)[0].tolist() == [0, 1] and not frames._CODES.get()
        assert factorize(np.array(["b", "a"], dtype=object))[0].tolist() == [0, 1]


@pytest.mark.parametrize("order", ["shuffled", "in order"])
def test_take_rows_equals_take_with_text_rebuilt_from_codes(order):
    rng = np.random.default_rng(1)
    n = 400
    df = pd.DataFrame({
        "few": pd.Series(rng.choice(["a", "b", "c"], n)).where(rng.random(n) > 0.1),  # with missing values
        "x": rng.random(n),
        "many": [f"id{i}" for i in range(n)],  # as many labels as rows: taken as it is
        "obj": pd.Series(rng.choice(["p", "q"], n), dtype=object),
    })
    df.attrs["note"] = "kept"
    idx = rng.permutation(n)[:300] if order == "shuffled" else np.flatnonzero(rng.random(n) > 0.5)
    with codes_reused():
        factorize(df["few"])  # codes at hand: an index in order rebuilds too
        got = frames.take_rows(df, idx)
    want = df.take(idx).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)
    assert list(got.columns) == list(df.columns) and got.attrs == {"note": "kept"}


def test_take_rows_of_an_empty_index_and_a_python_string_column():
    df = pd.DataFrame({"g": pd.array(["a", "b", "a", "a"], dtype="string[python]"), "x": [1, 2, 3, 4]})
    pd.testing.assert_frame_equal(frames.take_rows(df, np.array([3, 0])), df.take([3, 0]).reset_index(drop=True))
    pd.testing.assert_frame_equal(frames.take_rows(df, np.array([], dtype=int)), df.iloc[:0].reset_index(drop=True))


@pytest.mark.parametrize("dtype", [None, object])
def test_isin_equals_series_isin_with_missing_values_false(dtype):
    s = pd.Series(["rate", None, "mean", "rate", "proportion", np.nan], dtype=dtype)
    for values in [("rate",), ("rate", "proportion"), ("nothing",), ()]:
        assert frames.isin(s, *values).tolist() == s.isin(list(values)).tolist()
    const = frames.constant_text("All", pd.RangeIndex(3))
    assert const.tolist() == ["All"] * 3 and const.dtype == pd.Series(["x"]).dtype
