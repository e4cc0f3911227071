"""The in-memory engine: one pass over a pandas DataFrame with numpy ``bincount``.

Each key column becomes integer codes (a categorical's own codes, otherwise
``pandas.factorize``), the codes combine into one cell number per record
(mixed radix, re-numbered whenever the grid would outgrow the records), and
each statistic is a single ``numpy.bincount`` over that cell number. No Python
runs per record or per group.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Problem, raise_if
from ..observations import row_labels
from . import stat


def read(source: pd.DataFrame | str | Path) -> pd.DataFrame:
    """The records as a DataFrame: given one, or read from a Parquet or CSV file."""
    if isinstance(source, pd.DataFrame):
        return source
    from ..aggregate import read_records

    return read_records(source)


def columns(records: pd.DataFrame) -> list[str]:
    """Column names of the records."""
    return [str(c) for c in records.columns]


def _codes(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (missing = -1) and the distinct raw values they stand for."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy(), np.asarray(s.cat.categories, dtype=object)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def numeric(records: pd.DataFrame, column: str, what: str) -> np.ndarray:
    """A column as float64 (missing = NaN); text that is not a number is an error naming its rows."""
    s = records[column]
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        return s.to_numpy(dtype=float, na_value=np.nan)
    num = pd.to_numeric(s, errors="coerce")
    bad = (num.isna() & s.notna() & s.astype(str).str.strip().ne("")).to_numpy()
    if bad.any():
        raise_if([Problem(f"{what} must be numbers (0/1 for a yes/no outcome); write missing values as blank",
                          rows=row_labels(records, bad), column=column, value=str(s[bad].iloc[0]))],
                 context="records")
    return num.to_numpy(dtype=float, na_value=np.nan)


def _binary_digits(s: pd.Series) -> tuple[np.ndarray, int] | None:
    """A yes/no outcome as small integer digits for counting: 0/1, or 0 missing / 1 no / 2 yes.

    None when the column is not plain 0/1 (then it is summed with weights instead).
    """
    if pd.api.types.is_bool_dtype(s.dtype) and not s.hasnans:
        return s.to_numpy(dtype=bool).view(np.int8), 2
    if pd.api.types.is_integer_dtype(s.dtype) and not s.hasnans:
        a = s.to_numpy()
        return (a.astype(np.int8, copy=False), 2) if ((a == 0) | (a == 1)).all() else None
    if pd.api.types.is_float_dtype(s.dtype):
        a = s.to_numpy(dtype=float, na_value=np.nan)
        if not (((a[:1000] == 0) | (a[:1000] == 1) | np.isnan(a[:1000])).all()):
            return None  # clearly not yes/no: no need to look further
        miss = np.isnan(a)
        if not ((a == 0) | (a == 1) | miss).all():
            return None
        if not miss.any():
            return a.astype(np.int8), 2
        return np.where(miss, 0, a + 1).astype(np.int8), 3
    return None


def cells(records: pd.DataFrame, keys: list[str], outcomes: list[str], weight: str | None) -> pd.DataFrame:
    """The finest cell grid of ``keys`` with additive statistics (see :mod:`evidence.engines`).

    Unweighted yes/no outcomes are counted, not summed: their digits join the
    cell number, so one integer ``bincount`` gives every cell's records, and
    each outcome's count and number of yeses, exactly.

    Examples
    --------
    >>> r = pd.DataFrame({"sex": ["F", "M", "F", None], "y": [1, 0, 1, 1]})
    >>> c = cells(r, ["sex"], ["y"], None)
    >>> c[["rows", "y:sum"]].to_dict("list"), c["sex"].isna().tolist()
    ({'rows': [2, 1, 1], 'y:sum': [2.0, 0.0, 1.0]}, [False, False, True])
    """
    cell, table, values = _cell_numbers(records, keys)
    ncell = len(table)
    out: dict[str, np.ndarray] = {key: _decode(values[j], table[:, j], ncell) for j, key in enumerate(keys)}

    digits = {}
    if weight is None:
        budget = 1 << 24  # entries of the count array
        for o in outcomes:
            d = _binary_digits(records[o])
            if d is not None and ncell * int(np.prod([b for _, b in digits.values()] or [1])) * d[1] <= budget:
                digits[o] = d
    if digits:
        index = cell.copy()
        for d, base in digits.values():
            index *= base
            index += d
        shape = (ncell, *[b for _, b in digits.values()])
        counts = np.bincount(index, minlength=int(np.prod(shape))).reshape(shape)
        del index
        out["rows"] = counts.reshape(ncell, -1).sum(axis=1)
    else:
        out["rows"] = np.bincount(cell, minlength=ncell)

    w = None
    if weight is not None:
        w = numeric(records, weight, "weights")
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            raise_if([Problem("every record needs a weight of 0 or more; fill in or drop these records",
                              rows=row_labels(records, bad), column=weight)], context="records")
    zero = np.zeros(ncell, dtype=np.int64)
    for o in outcomes:
        if o in digits:
            axis = 1 + list(digits).index(o)
            base = digits[o][1]
            per = np.moveaxis(counts, axis, 1).reshape(ncell, base, -1).sum(axis=2)
            yes = per[:, base - 1]
            out[stat(o, "n")] = per[:, base - 2:].sum(axis=1)
            out[stat(o, "sum")] = out[stat(o, "sumsq")] = yes.astype(float)
            out[stat(o, "nonbinary")] = out[stat(o, "bad")] = zero
            continue
        y = numeric(records, o, f"outcome '{o}'")
        has = ~np.isnan(y)
        allhave = bool(has.all())
        y0 = y if allhave else np.where(has, y, 0.0)
        out[stat(o, "n")] = out["rows"] if allhave else np.bincount(cell, weights=has, minlength=ncell).round().astype(np.int64)
        out[stat(o, "sum")] = np.bincount(cell, weights=y0, minlength=ncell)
        out[stat(o, "sumsq")] = np.bincount(cell, weights=y0 * y0, minlength=ncell)
        # only whether any value is other than 0 or 1 matters: reported in the first cell
        sample = y0[:1000]
        nonbinary = zero.copy()
        if ((sample != 0) & (sample != 1)).any() or ((y0 != 0) & (y0 != 1)).any():
            nonbinary[:1] = 1
        out[stat(o, "nonbinary")], out[stat(o, "bad")] = nonbinary, zero
        if w is not None:
            w0 = w if allhave else np.where(has, w, 0.0)
            wy = w0 * y0
            out[stat(o, "w")] = np.bincount(cell, weights=w0, minlength=ncell)
            out[stat(o, "w2")] = np.bincount(cell, weights=w0 * w0, minlength=ncell)
            out[stat(o, "wy")] = np.bincount(cell, weights=wy, minlength=ncell)
            out[stat(o, "wy2")] = np.bincount(cell, weights=wy * y0, minlength=ncell)
    if w is not None:
        out["weight:bad"] = zero
    frame = pd.DataFrame(out)
    return frame[frame["rows"] > 0].reset_index(drop=True)


def _decode(values: np.ndarray, codes: np.ndarray, ncell: int) -> np.ndarray:
    return values[codes] if len(values) else np.full(ncell, None, dtype=object)


def _cell_numbers(records: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Each record's cell number, the codes of each cell's keys, and the raw values the codes stand for.

    The codes combine in mixed radix; when the grid would outgrow the records,
    the cells in use are numbered afresh, so the grid never exceeds the records.
    """
    nrec = len(records)
    cell = np.zeros(nrec, dtype=np.intp)
    table = np.zeros((1, 0), dtype=np.intp)  # cell number -> code of each key so far
    ncell = 1
    values = []
    limit = max(nrec, 1 << 16)
    for key in keys:
        codes, uniques = _codes(records[key])
        size = len(uniques)
        if len(codes) and codes.min() < 0:  # missing values get their own code after the others
            codes = np.where(codes < 0, size, codes)
            uniques = np.append(uniques, None)
            size += 1
        values.append(uniques)
        size = max(size, 1)
        cell *= size
        cell += codes
        if ncell * size > limit:  # number the cells in use
            cell, used = pd.factorize(cell, sort=True)
            cell = cell.astype(np.intp, copy=False)
            table = np.column_stack([table[used // size], used % size])
            ncell = len(used)
        else:
            table = np.column_stack([np.repeat(table, size, axis=0), np.tile(np.arange(size), ncell)])
            ncell *= size
    return cell, table, values
