"""Engines for :func:`evidence.aggregate`: each turns person-level records into cells.

An engine does the one expensive step, a single pass over the records, and
returns the finest cell grid: one row per combination of the key columns (the
characteristics, and period or area when they are columns), with the raw key
values and additive sufficient statistics, named ``"<outcome>:<stat>"``:

``rows`` (records in the cell) and per outcome ``n`` (records with a value),
``sum``, ``sumsq``, ``nonbinary`` (values other than 0 and 1) and ``bad``
(values that are not numbers); with a weight also ``w``, ``w2``, ``wy``,
``wy2`` (sums of the weight, its square, weight × value and weight × value²
over records with a value) and ``weight:bad`` (records whose weight is missing
or negative). Everything after that, labels, roll-ups and estimates, is shared
code in :mod:`evidence.aggregate`, so every engine gives the same numbers.

Engines: :mod:`.pandas_engine` (in memory, numpy ``bincount``),
:mod:`.duckdb_engine` (out of core, DataFrames or Parquet/CSV files) and
:mod:`.spark_engine` (a PySpark DataFrame, aggregated in Spark).
"""

from __future__ import annotations

ENGINES = ("pandas", "duckdb", "spark")
BASE_STATS = ("n", "sum", "sumsq", "nonbinary", "bad")
WEIGHT_STATS = ("w", "w2", "wy", "wy2")


def stat(outcome: str, name: str) -> str:
    """Column name of one statistic of one outcome in the cell table.

    Examples
    --------
    >>> stat("employed", "sum")
    'employed:sum'
    """
    return f"{outcome}:{name}"


def stat_columns(outcomes: list[str], weighted: bool) -> list[str]:
    """Every statistic column an engine returns, in order (after ``rows``)."""
    names = BASE_STATS + (WEIGHT_STATS if weighted else ())
    return [stat(o, s) for o in outcomes for s in names]
