"""The Spark engine: one ``groupBy`` in Spark, for records that live on a cluster.

Only the finest cell grid (thousands of rows at most) comes back to Python;
the records never leave Spark. Takes a PySpark DataFrame (or a pandas one,
converted in the given or active session). Install with
``pip install "evidence[spark]"`` (needs Java 17 or later).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import EvidenceError, Problem
from . import stat


def _spark():
    try:
        from pyspark.sql import SparkSession, functions
    except ImportError as err:  # pragma: no cover - exercised only without the extra
        raise EvidenceError([Problem('engine="spark" needs PySpark: pip install "evidence[spark]"')]) from err
    return SparkSession, functions


def session() -> Any:
    """The active Spark session, or a local one (all cores of this machine)."""
    SparkSession, _ = _spark()
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    return (SparkSession.builder.master("local[*]").appName("evidence")
            .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8").getOrCreate())


def read(source: Any, spark: Any = None) -> Any:
    """A PySpark DataFrame as it is; a pandas DataFrame is handed to Spark first."""
    if isinstance(source, pd.DataFrame):
        spark = spark or session()
        # plain Python values (missing as None), so no pandas-version-specific conversion is involved
        frame = source.astype(object).where(source.notna(), None)
        rows = [tuple(r) for r in frame.itertuples(index=False, name=None)]
        return spark.createDataFrame(rows, schema=[str(c) for c in source.columns])
    if not hasattr(source, "groupBy"):
        raise EvidenceError([Problem('engine="spark" takes a PySpark DataFrame (or a pandas DataFrame)')])
    return source


def columns(frame: Any) -> list[str]:
    """Column names of the records."""
    return [str(c) for c in frame.columns]


def cells(frame: Any, keys: list[str], outcomes: list[str], weight: str | None) -> pd.DataFrame:
    """The finest cell grid, computed by Spark (see :mod:`evidence.engines`)."""
    _, F = _spark()
    cols = [F.col(f"`{k}`").alias(f"k{i}") for i, k in enumerate(keys)]
    for i, o in enumerate(outcomes):
        raw = F.col(f"`{o}`")
        y0 = raw.cast("double")
        cols.append(F.when(~F.isnan(y0), y0).alias(f"y{i}"))  # NaN and null: no value
        cols.append((raw.isNotNull() & y0.isNull() & (F.trim(raw.cast("string")) != "")).alias(f"bad{i}"))
    if weight:
        cols.append(F.col(f"`{weight}`").cast("double").alias("w"))
    r = frame.select(*cols)
    w = F.col("w")
    aggs = [F.count(F.lit(1)).alias("rows")]
    for i, o in enumerate(outcomes):
        y = F.col(f"y{i}")
        aggs += [
            F.count(y).alias(stat(o, "n")),
            F.coalesce(F.sum(y), F.lit(0.0)).alias(stat(o, "sum")),
            F.coalesce(F.sum(y * y), F.lit(0.0)).alias(stat(o, "sumsq")),
            F.count(F.when((y != 0) & (y != 1), 1)).alias(stat(o, "nonbinary")),
            F.count(F.when(F.col(f"bad{i}"), 1)).alias(stat(o, "bad")),
        ]
        if weight:
            aggs += [
                F.coalesce(F.sum(F.when(y.isNotNull(), w)), F.lit(0.0)).alias(stat(o, "w")),
                F.coalesce(F.sum(F.when(y.isNotNull(), w * w)), F.lit(0.0)).alias(stat(o, "w2")),
                F.coalesce(F.sum(w * y), F.lit(0.0)).alias(stat(o, "wy")),
                F.coalesce(F.sum(w * y * y), F.lit(0.0)).alias(stat(o, "wy2")),
            ]
    if weight:
        aggs.append(F.count(F.when(w.isNull() | F.isnan(w) | (w < 0) | (F.abs(w) == float("inf")), 1))
                    .alias("weight:bad"))
    grouped = r.groupBy(*[f"k{i}" for i in range(len(keys))]) if keys else r.groupBy()
    rows = grouped.agg(*aggs).collect()  # the small cell table only
    names = [f"k{i}" for i in range(len(keys))] + [a for a in _names(outcomes, weight)]
    out = pd.DataFrame([list(row) for row in rows], columns=names) if rows else pd.DataFrame(columns=names)
    out = out.rename(columns={f"k{i}": k for i, k in enumerate(keys)})
    for c in out.columns[len(keys):]:
        out[c] = out[c].astype("int64" if c == "rows" or c.endswith((":n", ":nonbinary", ":bad")) else "float64")
    for k in keys:
        out[k] = out[k].astype(object).where(out[k].notna(), None)
    return out


def _names(outcomes: list[str], weight: str | None) -> list[str]:
    from . import stat_columns

    return ["rows"] + stat_columns(outcomes, weight is not None) + (["weight:bad"] if weight else [])
