"""UK government *Ethnicity facts and figures* data downloads.

Columns: ``Measure, Ethnicity, Ethnicity_type, Time, Geography, Value`` and,
where published, ``Numerator, Denominator``, ``Sample_size`` and interval
columns, often with ``Sex``, ``Age`` or other breakdowns beside ethnicity. A
breakdown that is not ``All`` crosses with ethnicity (``ethnicity × sex``).
The classification (``Ethnicity_type``, e.g. "ONS 2011 5+1") goes in ``note``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import Problem, raise_if
from .common import finish, is_total, numbers, slug

REQUIRED = {"Measure", "Ethnicity", "Value"}
TIME = ["Time", "Year", "Time_period", "Date"]
AREA = ["Geography", "Geography_name", "Geography name", "Area", "Area_name"]
AREA_CODE = ["Geography_code", "Geography code", "Area_code"]
#: columns that are not a breakdown of the population
_NOT_BREAKDOWN = {"measure", "time", "year", "time_period", "date", "ethnicity", "ethnicity_type", "geography",
                  "geography_name", "geography_code", "geography_type", "area", "area_name", "area_code", "value",
                  "value_type", "numerator", "denominator", "sample_size", "notes", "note", "standard_error",
                  "source_row", "unit", "time_type", "measure_type"}
CI = [("Lower_CI", "Upper_CI"), ("Lower CI", "Upper CI"), ("CI_lower", "CI_upper"), ("Confidence_interval_lower",
                                                                                     "Confidence_interval_upper")]


def looks_like(columns: list[str]) -> bool:
    """Is this an Ethnicity facts and figures download?"""
    return REQUIRED <= set(columns) and any(t in columns for t in TIME)


def _first(df: pd.DataFrame, names: list[str], prefix: bool = False) -> str | None:
    """The first column present among ``names`` (or, with ``prefix``, starting with one: ``Numerator (pupils)``)."""
    for n in names:
        if n in df:
            return n
    if prefix:
        for c in df.columns:
            if any(str(c).lower().startswith(n.lower()) for n in names):
                return c
    return None


def _breakdowns(df: pd.DataFrame) -> list[str]:
    """Columns that divide people besides ethnicity: Sex, Age group, Socio-economic status..."""
    out = []
    for c in df.columns:
        key = slug(c)
        if key in _NOT_BREAKDOWN or key.startswith(("numerator", "denominator", "lower", "upper", "ci_", "confidence",
                                                    "value", "sample")):
            continue
        out.append(c)
    return out


def read_eff(df: pd.DataFrame, file: str, *, sheet: str | None = None) -> pd.DataFrame:
    """Read an Ethnicity facts and figures download.

    The area is ``Geography`` or ``Geography_name`` (its code, ``Geography_code``,
    goes in ``area_code``); the time is ``Time`` or ``Year``; counts are
    ``Numerator``/``Denominator`` or spelt with their unit (``Numerator (pupils)``).
    When a file holds two classifications in its ``Ethnicity`` column (the
    broad 5+1 and the detailed 18+1, told apart by ``Ethnicity_type``), each is
    its own characteristic, so the two "Other" groups stay two groups. Any other
    column (``Sex``, ``Age group``...) that is not ``All`` crosses with ethnicity.

    Examples
    --------
    >>> df = pd.DataFrame({"Measure": "% of pupils achieving grade 5", "Ethnicity": ["All", "Indian"],
    ...     "Ethnicity_type": "ONS 2011 5+1", "Time": "2018/19", "Geography": "England", "Value": ["43.2", "61.8"],
    ...     "Numerator": ["232,000", "9,900"], "Denominator": ["537,000", "16,000"], "source_row": [2, 3]})
    >>> read_eff(df, "gcse.csv")[["indicator", "group", "value", "numerator"]].values.tolist()
    [['of_pupils_achieving_grade_5', 'All', 43.2, 232000.0], ['of_pupils_achieving_grade_5', 'Indian', 61.8, 9900.0]]
    """
    problems: list[Problem] = []
    text = df.fillna("")
    ethnicity = text["Ethnicity"].astype(str).str.strip()
    etype = text["Ethnicity_type"].astype(str).str.strip() if "Ethnicity_type" in df else pd.Series("", index=df.index)
    several = etype[~ethnicity.map(is_total)].nunique() > 1
    eth_char = ("ethnicity (" + etype + ")").where(etype != "", "ethnicity") if several else \
        pd.Series("ethnicity", index=df.index)
    chars = pd.Series(np.where(ethnicity.map(is_total), "", eth_char), index=df.index, dtype=object)
    groups = pd.Series(np.where(ethnicity.map(is_total), "", ethnicity), index=df.index, dtype=object)
    for col in _breakdowns(df):
        v = text[col].astype(str).str.strip()
        crossed = ~v.map(is_total) & (v != "")
        name = slug(col)
        chars = chars.where(~crossed, chars.str.cat(pd.Series(name, index=df.index), sep=" × "))
        groups = groups.where(~crossed, groups.str.cat(v, sep=" × "))
    chars = chars.str.strip(" ×").replace("", "All")
    groups = groups.str.strip(" ×").replace("", "All")
    value, reason = numbers(df, "Value", problems, file, sheet)
    num_col = _first(df, ["Numerator"], prefix=True)
    den_col = _first(df, ["Denominator"], prefix=True)
    num = numbers(df, num_col, problems, file, sheet)[0] if num_col else np.nan
    den = numbers(df, den_col, problems, file, sheet)[0] if den_col else np.nan
    n_col = _first(df, ["Sample_size", "Sample size"], prefix=True)
    n = numbers(df, n_col, problems, file, sheet)[0] if n_col else np.nan
    lo = hi = np.nan
    for lcol, ucol in CI:
        if lcol in df and ucol in df:
            lo, hi = numbers(df, lcol, problems, file, sheet)[0], numbers(df, ucol, problems, file, sheet)[0]
    raise_if(problems, context=f"Ethnicity facts and figures file {file}")
    unit = text["Value_type"].map(lambda u: "%" if "%" in str(u) or "percent" in str(u).lower() else "") \
        if "Value_type" in df else text["Measure"].map(lambda m: "%" if "%" in str(m) or "percent" in str(m).lower() else "")
    time_col = _first(df, TIME)
    area_col, code_col = _first(df, AREA), _first(df, AREA_CODE)
    out = pd.DataFrame({
        "indicator": text["Measure"].map(slug), "name": text["Measure"], "period": text[time_col].astype(str),
        "area": text[area_col] if area_col else "", "characteristic": chars, "group": groups,
        "value": value, "numerator": num, "denominator": den, "n": n, "lower": lo, "upper": hi, "unit": unit,
        "reason": reason, "note": etype.where(etype != "", None), "source_row": df["source_row"],
    })
    if code_col:
        out["area_code"] = text[code_col].astype(str).str.strip()
    return finish(out)
