"""Pieces every reader shares: numeric columns with symbols, and the final table."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import Problem, listing
from .symbols import parse_numbers

OUTPUT = ["indicator", "name", "period", "area", "characteristic", "group", "value", "numerator", "denominator",
          "n", "se", "lower", "upper", "unit", "suppressed", "reason", "note", "source_row"]


def numbers(df: pd.DataFrame, column: str, problems: list[Problem], file: str, sheet: str | None = None,
            rows: pd.Series | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse one column; text that is neither a number nor a symbol becomes a problem."""
    if column not in df:
        return pd.Series(np.nan, index=df.index), pd.Series(None, index=df.index, dtype=object)
    values, reason, invalid = parse_numbers(df[column])
    if invalid.any():
        where = rows if rows is not None else df.get("source_row", pd.Series(df.index + 2, index=df.index))
        bad_rows = tuple(int(r) for r in where[invalid])
        problems.append(Problem(
            "is not a number or a recognised statistical symbol ([c], [x], [z], [u], [low], .., :); "
            "correct the cell or mark it with a symbol",
            file=file, sheet=sheet, rows=bad_rows, column=column, value=str(df.loc[invalid, column].iloc[0])))
    return values, reason


def finish(out: pd.DataFrame) -> pd.DataFrame:
    """Order columns, mark suppressed rows, drop rows that carry nothing."""
    out = out.copy()  # callers may pass a filtered view
    for col in OUTPUT:
        if col not in out:
            out[col] = None if col in ("name", "unit", "reason", "note", "area") else np.nan
    out["suppressed"] = out["reason"].fillna("").astype(str).str.startswith("suppressed")
    for col in ("indicator", "period", "area", "characteristic", "group"):
        out[col] = out[col].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())
    return out[OUTPUT + [c for c in out.columns if c not in OUTPUT]].reset_index(drop=True)


def slug(text: str) -> str:
    """An identifier from a label: ``"Attainment at age 16"`` → ``attainment_at_age_16``.

    Examples
    --------
    >>> slug("Lower CI 95.0 limit")
    'lower_ci_95_0_limit'
    """
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


def academic_period(time_period: str, identifier: str = "") -> str:
    """EES ``time_period`` to a period label: ``201819`` → ``2018/19``, ``2019`` → ``2019``.

    Examples
    --------
    >>> academic_period("201819"), academic_period("2019", "Calendar year"), academic_period("2019", "Financial year")
    ('2018/19', '2019', '2019')
    """
    t = str(time_period).strip()
    if re.fullmatch(r"\d{6}", t):
        return f"{t[:4]}/{t[4:]}"
    return t


def is_total(value: object) -> bool:
    """Is this label a total (the whole population)?"""
    return str(value).strip().lower() in {"total", "all", "all pupils", "all people", "everyone", "all ethnicities",
                                          "all groups"}


def keep(df: pd.DataFrame, column: str, want: object, problems: list[Problem], file: str, sheet: str | None = None,
         columns: str = "") -> pd.DataFrame:
    """The rows whose ``column`` is ``want`` (a filter); a column or value not there becomes a problem.

    ``columns`` says where the column was looked for, for the message (e.g. "after reading").

    Examples
    --------
    >>> problems = []
    >>> df = pd.DataFrame({"area": ["Barnet", "Brent"]})
    >>> keep(df, "area", "Brent", problems, "x.csv")["area"].tolist(), problems
    (['Brent'], [])
    >>> _ = keep(df, "area", "Nowhere", problems, "x.csv"); problems[0].message
    "filter value 'Nowhere' is not in this column; it has 'Barnet', 'Brent'"
    """
    if column not in df.columns:
        shown = listing(c for c in df.columns if c != "source_row")
        problems.append(Problem(f"cannot filter on '{column}': {columns or 'the file has no such column;'} the columns "
                                f"are {shown}", file=file, sheet=sheet, column=str(column)))
        return df
    have = df[column].astype(str)
    if str(want) not in set(have):
        problems.append(Problem(f"filter value {str(want)!r} is not in this column; it has "
                                f"{listing(sorted(set(have)), quote=True)}", file=file, sheet=sheet,
                                column=str(column)))
    return df[have == str(want)]
