"""Cheap DataFrame plumbing for the hot path: copies that share memory, text columns made from codes.

A million-row observations table has a handful of distinct indicators, periods and
groups. Work on the distinct values and spread the answer back with integer codes;
never build a text column one Python string per row (pandas 3 converts an object
array of strings to its ``str`` dtype row by row, about 75 ms a million rows).
"""

from __future__ import annotations

import contextvars
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd


def copy_on_write() -> bool:
    """Is pandas' copy-on-write in force (always from pandas 3; an option in pandas 2.2)?"""
    return pd.__version__ >= "3" or bool(pd.get_option("mode.copy_on_write"))


def shallow_copy(df: pd.DataFrame) -> pd.DataFrame:
    """A copy that is safe to change without touching ``df``.

    Under copy-on-write a shallow copy is enough (a write copies the column it
    touches); without it, a deep copy, as ``df.copy()`` always made.

    Examples
    --------
    >>> a = pd.DataFrame({"x": [1, 2]})
    >>> b = shallow_copy(a)
    >>> b.loc[0, "x"] = 9
    >>> int(a.loc[0, "x"])
    1
    """
    return df.copy(deep=not copy_on_write())


def text_from_codes(codes: np.ndarray, labels: Sequence[object], index: pd.Index | None = None) -> pd.Series:
    """The text column whose row ``i`` is ``labels[codes[i]]`` (code ``-1``: the last label).

    Built by one ``take`` on the few labels, in the dtype pandas gives a list
    of strings (``str`` in pandas 3, ``object`` before); ``None`` labels are
    missing values.

    Examples
    --------
    >>> text_from_codes(np.array([1, 0, -1]), ["a", "b", None]).fillna("-").tolist()
    ['b', 'a', '-']
    """
    lab = pd.Series(list(labels), dtype=None if len(labels) else object)
    out = lab.take(np.asarray(codes, dtype=np.intp))
    out.index = index if index is not None else pd.RangeIndex(len(out))
    return out


def constant_text(value: str, index: pd.Index) -> pd.Series:
    """A text column with ``value`` on every row, in the dtype :func:`text_from_codes` gives.

    An Arrow column is made by repeating one scalar (3 ms a million rows, not 10).

    Examples
    --------
    >>> constant_text("All", pd.RangeIndex(2)).tolist()
    ['All', 'All']
    """
    dtype = pd.Series([value]).dtype
    if getattr(dtype, "storage", None) == "pyarrow":
        import pyarrow as pa

        return pd.Series(pd.array(pa.repeat(pa.scalar(value, pa.large_string()), len(index)), dtype=dtype), index=index)
    return text_from_codes(np.zeros(len(index), dtype=np.intp), [value], index)


def objects_from_codes(codes: np.ndarray, labels: Sequence[object], index: pd.Index | None = None) -> pd.Series:
    """As :func:`text_from_codes`, but an ``object`` column whose rows share the label objects (``None`` stays ``None``).

    Examples
    --------
    >>> objects_from_codes(np.array([0, -1]), ["a", None]).tolist()
    ['a', None]
    """
    arr = np.empty(len(labels), dtype=object)
    arr[:] = list(labels)
    return pd.Series(arr[np.asarray(codes, dtype=np.intp)], index=index, dtype=object)


#: codes already worked out in this call, by the id of the Arrow array they came from (see codes_reused)
_CODES: contextvars.ContextVar[dict | None] = contextvars.ContextVar("evidence_codes", default=None)


@contextmanager
def codes_reused() -> Iterator[None]:
    """Within this block, factorize each Arrow-backed column once: later calls reuse its codes.

    A call such as ``ev.gaps`` factorizes the same indicator, period and area
    columns in validation, suppression and the gap assembly (about 15 ms each a
    million rows). An Arrow array (pandas 3's ``str`` columns) is immutable, so
    its codes cannot go stale; an entry goes when its array is freed, and the
    whole cache when the outermost block ends. Other dtypes are not cached.
    """
    if _CODES.get() is not None:  # an enclosing call's cache
        yield
        return
    token = _CODES.set({})
    try:
        yield
    finally:
        _CODES.reset(token)


def factorize(s: pd.Series | np.ndarray, sort: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(s, sort=sort)``, missing values coded ``-1``, the distinct values as an object array.

    Inside :func:`codes_reused` the answer for an Arrow-backed column is
    remembered (read-only) and given again for the same array.

    Examples
    --------
    >>> codes, uniques = factorize(pd.Series(["b", "a", None, "b"]), sort=True)
    >>> codes.tolist(), uniques.tolist()
    ([1, 0, -1, 1], ['a', 'b'])
    """
    cache = _CODES.get()
    # only pyarrow-backed arrays: pandas' other string arrays also have __arrow_array__, which needs pyarrow
    ext = getattr(s, "array", None) if cache is not None else None
    arr = ext.__arrow_array__() if isinstance(ext, pd.arrays.ArrowExtensionArray) else None
    key = (id(arr), sort)
    if arr is not None and key in cache and cache[key][0]() is arr:  # an id of a freed array may be reused: check
        return cache[key][1], cache[key][2]
    codes, uniques = pd.factorize(s, sort=sort, use_na_sentinel=True)
    codes, uniques = np.asarray(codes, dtype=np.intp), np.asarray(uniques, dtype=object)
    if arr is not None:
        codes.flags.writeable = uniques.flags.writeable = False
        cache[key] = (weakref.ref(arr, lambda _, c=cache, k=key: c.pop(k, None)), codes, uniques)
    return codes, uniques


def isin(s: pd.Series, *values: object) -> np.ndarray:
    """``s.isin(values)`` as a boolean array, decided once per distinct value (a missing value: False).

    Inside :func:`codes_reused` an Arrow column's codes are worked out once for
    every such test (a comparison of a million Arrow strings costs about 7 ms).

    Examples
    --------
    >>> isin(pd.Series(["rate", None, "mean"]), "rate", "proportion").tolist()
    [True, False, False]
    """
    return codes_isin(*factorize(s), values)


def codes_isin(codes: np.ndarray, uniques: np.ndarray, values: Sequence[object]) -> np.ndarray:
    """:func:`isin` on the codes and distinct values :func:`factorize` gave (for several tests of one column)."""
    return np.append(np.isin(uniques, list(values)), False)[codes]  # code -1 (missing) picks the last: False


def take_rows(df: pd.DataFrame, idx: np.ndarray) -> pd.DataFrame:
    """``df.take(idx)`` with a fresh ``RangeIndex``; Arrow text columns with few distinct values are rebuilt from codes.

    A shuffled take of a million Arrow strings copies each string from wherever
    it lies (about 80 ms); the column rebuilt from its few labels by integer
    codes takes about 10 ms, plus coding it once (15 ms, nothing when
    :func:`codes_reused` has its codes). An index in order (a filter) takes
    text as it is unless its codes are at hand: there a take costs about 20 ms.

    Examples
    --------
    >>> take_rows(pd.DataFrame({"g": ["a", "b", "a"], "x": [1.0, 2.0, 3.0]}), np.array([2, 0])).to_dict("list")
    {'g': ['a', 'a'], 'x': [3.0, 1.0]}
    """
    idx = np.asarray(idx, dtype=np.intp)
    in_order = bool(np.all(idx[1:] >= idx[:-1]))
    rebuilt: dict[str, pd.api.extensions.ExtensionArray] = {}
    for c in df.columns:
        arr = df[c].array
        if not (isinstance(arr, pd.arrays.ArrowExtensionArray) and pd.api.types.is_string_dtype(arr.dtype)):
            continue
        if in_order and not _cached(arr):
            continue
        codes, uniques = factorize(df[c])
        if 4 * len(uniques) <= len(arr):  # few labels: worth it
            rebuilt[c] = pd.array(uniques, dtype=arr.dtype).take(codes[idx], allow_fill=True)
    out = df.drop(columns=list(rebuilt)).take(idx) if rebuilt else df.take(idx)
    out = out.reset_index(drop=True)
    for c, values in rebuilt.items():
        out.insert(df.columns.get_loc(c), c, values)
    return out


def _cached(arr: pd.api.extensions.ExtensionArray) -> bool:
    """Does :func:`codes_reused` hold codes for this Arrow array?"""
    cache = _CODES.get()
    a = arr.__arrow_array__()
    return cache is not None and (id(a), False) in cache and cache[(id(a), False)][0]() is a


def factorize_text(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` with missing values coded ``-1`` and the distinct values as an object array.

    Examples
    --------
    >>> codes, uniques = factorize_text(pd.Series(["b", "a", None, "b"]))
    >>> codes.tolist(), uniques.tolist()
    ([0, 1, -1, 0], ['b', 'a'])
    """
    return factorize(s)


def sorted_codes(s: pd.Series) -> np.ndarray:
    """Integer codes in the order ``sort_values`` puts the values (missing values last, after every value).

    Examples
    --------
    >>> sorted_codes(pd.Series(["b", None, "a", "b"])).tolist()
    [1, 2, 0, 1]
    """
    codes, uniques = factorize(s, sort=True)
    return np.where(codes < 0, len(uniques), codes).astype(np.intp)


def sort_key(codes: Sequence[np.ndarray]) -> np.ndarray:
    """One integer per row that sorts as the rows of several non-negative code arrays do, first array first.

    Examples
    --------
    >>> sort_key([np.array([1, 0, 1]), np.array([0, 2, 1])]).tolist()
    [3, 2, 4]
    """
    sizes = [int(c.max(initial=0)) + 1 for c in codes]
    if np.prod([float(s) for s in sizes]) < 2**62:
        return np.ravel_multi_index(codes, sizes)
    return pd.MultiIndex.from_arrays(list(codes)).factorize(sort=True)[0]  # too many combinations for one int64: ranks


def combined_codes(codes: Sequence[np.ndarray]) -> np.ndarray:
    """One integer per distinct combination of several code arrays (missing, ``-1``, is a value of its own).

    Examples
    --------
    >>> combined_codes([np.array([0, 1, 0]), np.array([2, 2, 2])]).tolist()
    [0, 1, 0]
    """
    sizes = [int(c.max(initial=-1)) + 2 for c in codes]  # +1 for the code, +1 for -1
    if np.prod([float(s) for s in sizes]) < 2**62:
        key = np.ravel_multi_index([c + 1 for c in codes], sizes)
    else:  # too many combinations for one int64: hash the tuples
        key = pd.MultiIndex.from_arrays(list(codes)).factorize()[0]
    return pd.factorize(key)[0]


class Texts:
    """The few distinct texts of a column being built, whose rows hold integer codes into them (``-1``: missing).

    Lets a hot path choose a method or note for a million rows with integer
    arrays and make the text column once, at the end. The column is an
    ``object`` column whose rows share the few text objects: a ``str`` column
    would copy the text into every row (a 100-character method is 104 MB and
    half a second for a million rows).

    Examples
    --------
    >>> t = Texts()
    >>> codes = np.array([t["Byar"], t["exact Poisson"], t["Byar"], -1])
    >>> t.column(codes).fillna("-").tolist()
    ['Byar', 'exact Poisson', 'Byar', '-']
    """

    def __init__(self) -> None:
        self.labels: list[str] = []
        self._codes: dict[str, int] = {}

    def __getitem__(self, text: str) -> int:
        """The code of ``text``, added if new."""
        if text not in self._codes:
            self._codes[text] = len(self.labels)
            self.labels.append(text)
        return self._codes[text]

    def column(self, codes: np.ndarray, index: pd.Index | None = None) -> pd.Series:
        """The text column for ``codes`` (missing: ``None``)."""
        return objects_from_codes(codes, [*self.labels, None], index)
