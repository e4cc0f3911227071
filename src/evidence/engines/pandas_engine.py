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
    path = Path(source)
    if path.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(path)
    return pd.read_csv(path)


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


def cells(records: pd.DataFrame, keys: list[str], outcomes: list[str], weight: str | None) -> pd.DataFrame:
    """The finest cell grid of ``keys`` with additive statistics (see :mod:`evidence.engines`).

    Examples
    --------
    >>> r = pd.DataFrame({"sex": ["F", "M", "F", None], "y": [1, 0, 1, 1]})
    >>> c = cells(r, ["sex"], ["y"], None)
    >>> c[["rows", "y:sum"]].to_dict("list"), c["sex"].isna().tolist()
    ({'rows': [2, 1, 1], 'y:sum': [2.0, 0.0, 1.0]}, [False, False, True])
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
        if ncell * size > limit:  # keep the grid no bigger than the records: number the cells in use
            cell, used = pd.factorize(cell, sort=True)
            cell = cell.astype(np.intp, copy=False)
            table = np.column_stack([table[used // size], used % size])
            ncell = len(used)
        else:
            table = np.column_stack([np.repeat(table, size, axis=0), np.tile(np.arange(size), ncell)])
            ncell *= size

    out: dict[str, np.ndarray] = {}
    for j, key in enumerate(keys):
        out[key] = values[j][table[:, j]] if len(values[j]) else np.full(ncell, None, dtype=object)
    out["rows"] = np.bincount(cell, minlength=ncell)
    w = None
    if weight is not None:
        w = numeric(records, weight, "weights")
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            raise_if([Problem("every record needs a weight of 0 or more; fill in or drop these records",
                              rows=row_labels(records, bad), column=weight)], context="records")
    for o in outcomes:
        y = numeric(records, o, f"outcome '{o}'")
        has = ~np.isnan(y)
        allhave = bool(has.all())
        y0 = y if allhave else np.where(has, y, 0.0)
        out[stat(o, "n")] = out["rows"] if allhave else np.bincount(cell, weights=has, minlength=ncell).round().astype(np.int64)
        out[stat(o, "sum")] = np.bincount(cell, weights=y0, minlength=ncell)
        out[stat(o, "sumsq")] = np.bincount(cell, weights=y0 * y0, minlength=ncell)
        nonbinary = has & (y0 != 0) & (y0 != 1)
        out[stat(o, "nonbinary")] = (np.bincount(cell, weights=nonbinary, minlength=ncell).round().astype(np.int64)
                                     if nonbinary.any() else np.zeros(ncell, dtype=np.int64))
        out[stat(o, "bad")] = np.zeros(ncell, dtype=np.int64)
        if w is not None:
            w0 = w if allhave else np.where(has, w, 0.0)
            wy = w0 * y0
            out[stat(o, "w")] = np.bincount(cell, weights=w0, minlength=ncell)
            out[stat(o, "w2")] = np.bincount(cell, weights=w0 * w0, minlength=ncell)
            out[stat(o, "wy")] = np.bincount(cell, weights=wy, minlength=ncell)
            out[stat(o, "wy2")] = np.bincount(cell, weights=wy * y0, minlength=ncell)
    if w is not None:
        out["weight:bad"] = np.zeros(ncell, dtype=np.int64)
    frame = pd.DataFrame(out)
    return frame[frame["rows"] > 0].reset_index(drop=True)
