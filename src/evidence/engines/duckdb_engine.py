"""The DuckDB engine: one ``GROUP BY`` over a DataFrame or Parquet/CSV files, out of core.

DuckDB streams the files and spills to a temporary folder beyond its memory
limit, so records larger than memory can be aggregated on one machine
(``memory_limit="4GB"``). Install with ``pip install "evidence[duckdb]"``.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import EvidenceError, Problem
from . import stat

Source = pd.DataFrame | str


def _duckdb():
    try:
        import duckdb
    except ImportError as err:  # pragma: no cover - exercised only without the extra
        raise EvidenceError([Problem('engine="duckdb" needs DuckDB: pip install "evidence[duckdb]"')]) from err
    return duckdb


def read(source: pd.DataFrame | str | Path) -> Source:
    """A DataFrame as it is, or a path or glob (``records/*.parquet``) as a DuckDB table expression."""
    if isinstance(source, pd.DataFrame):
        return source
    text = str(source)
    quoted = "'" + text.replace("'", "''") + "'"
    lower = text.lower()
    if lower.endswith((".csv", ".csv.gz", ".tsv", ".txt")):
        return f"read_csv({quoted}, auto_detect=true)"
    if Path(text).is_dir():
        quoted = "'" + str(Path(text) / "**" / "*.parquet").replace("'", "''") + "'"
    return f"read_parquet({quoted})"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _connect(source: Source, memory_limit: str | None = None, threads: int | None = None) -> tuple[Any, str, str]:
    duckdb = _duckdb()
    tmp = tempfile.mkdtemp(prefix="evidence-duckdb-")
    con = duckdb.connect(":memory:")
    con.execute(f"SET temp_directory = '{tmp}'")
    con.execute("SET preserve_insertion_order = false")  # lets DuckDB stream without keeping row order
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if isinstance(source, pd.DataFrame):
        con.register("records", source)
        return con, "records", tmp
    return con, source, tmp


def columns(source: Source) -> list[str]:
    """Column names of the records."""
    if isinstance(source, pd.DataFrame):
        return [str(c) for c in source.columns]
    con, table, tmp = _connect(source)
    try:
        return [str(r[0]) for r in con.execute(f"DESCRIBE SELECT * FROM {table}").fetchall()]
    except Exception as err:
        raise EvidenceError([Problem(f"DuckDB could not read the records: {err}", file=str(source))]) from err
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)


_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
            "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "BOOLEAN")


def _types(con: Any, table: str) -> dict[str, str]:
    return {str(r[0]): str(r[1]).upper() for r in con.execute(f"DESCRIBE SELECT * FROM {table}").fetchall()}


def sql(table: str, keys: list[str], outcomes: list[str], weight: str | None,
        types: dict[str, str] | None = None) -> str:
    """The one query: the finest cell grid with additive statistics (see :mod:`evidence.engines`).

    Columns DuckDB already holds as numbers are read as they are; only text is
    cast (``TRY_CAST``) and checked for values that are not numbers. Whether an
    outcome is yes/no follows from each cell's minimum, maximum and sums: all
    values are 0 or 1 exactly when none is below 0 or above 1 and Σy² = Σy.

    Examples
    --------
    >>> "GROUP BY" in sql("records", ["sex"], ["y"], None, {"y": "DOUBLE"})
    True
    """
    types = types or {}
    inner = [_q(k) for k in keys]
    for i, o in enumerate(outcomes):
        raw, kind = _q(o), types.get(o, "VARCHAR").split("(")[0]
        if kind in ("FLOAT", "DOUBLE"):
            inner.append(f"CASE WHEN isnan({raw}) THEN NULL ELSE {raw}::DOUBLE END AS y{i}")
        elif kind in _NUMERIC:
            inner.append(f"{raw}::DOUBLE AS y{i}")
        else:
            y0 = f"TRY_CAST({raw} AS DOUBLE)"
            inner.append(f"CASE WHEN isnan({y0}) THEN NULL ELSE {y0} END AS y{i}")
            inner.append(f"({raw} IS NOT NULL AND {y0} IS NULL AND trim(CAST({raw} AS VARCHAR)) <> '') AS bad_{i}")
    if weight:
        inner.append(f"TRY_CAST({_q(weight)} AS DOUBLE) AS w")
    agg = [_q(k) for k in keys] + ["count(*) AS rows"]
    for i, o in enumerate(outcomes):
        y = f"y{i}"
        agg += [
            f"count({y}) AS {_q(stat(o, 'n'))}",
            f"coalesce(sum({y}), 0)::DOUBLE AS {_q(stat(o, 'sum'))}",
            f"coalesce(sum({y} * {y}), 0)::DOUBLE AS {_q(stat(o, 'sumsq'))}",
            f"CASE WHEN min({y}) < 0 OR max({y}) > 1 OR sum({y} * {y}) <> sum({y}) THEN 1 ELSE 0 END "
            f"AS {_q(stat(o, 'nonbinary'))}",
        ]
        agg.append(f"count(CASE WHEN bad_{i} THEN 1 END) AS {_q(stat(o, 'bad'))}" if types.get(o, "VARCHAR")
                   .split("(")[0] not in _NUMERIC else f"0 AS {_q(stat(o, 'bad'))}")
        if weight:
            agg += [
                f"coalesce(sum(CASE WHEN {y} IS NOT NULL THEN w END), 0)::DOUBLE AS {_q(stat(o, 'w'))}",
                f"coalesce(sum(CASE WHEN {y} IS NOT NULL THEN w * w END), 0)::DOUBLE AS {_q(stat(o, 'w2'))}",
                f"coalesce(sum(w * {y}), 0)::DOUBLE AS {_q(stat(o, 'wy'))}",
                f"coalesce(sum(w * {y} * {y}), 0)::DOUBLE AS {_q(stat(o, 'wy2'))}",
            ]
    if weight:
        agg.append('count(CASE WHEN w IS NULL OR isnan(w) OR isinf(w) OR w < 0 THEN 1 END) AS "weight:bad"')
    group = f" GROUP BY {', '.join(_q(k) for k in keys)}" if keys else ""
    return f"SELECT {', '.join(agg)} FROM (SELECT {', '.join(inner)} FROM {table})" + group


def cells(source: Source, keys: list[str], outcomes: list[str], weight: str | None,
          memory_limit: str | None = None, threads: int | None = None) -> pd.DataFrame:
    """The finest cell grid, computed by DuckDB (see :mod:`evidence.engines`)."""
    con, table, tmp = _connect(source, memory_limit, threads)
    try:
        out = con.execute(sql(table, keys, outcomes, weight, _types(con, table))).df()
    except EvidenceError:
        raise
    except Exception as err:
        raise EvidenceError([Problem(f"DuckDB could not aggregate the records: {err}",
                                     file=None if isinstance(source, pd.DataFrame) else str(source))]) from err
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)
    for k in keys:
        out[k] = out[k].astype(object).where(out[k].notna(), None)
    return out
