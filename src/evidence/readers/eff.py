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

REQUIRED = {"Measure", "Ethnicity", "Time", "Value"}
BREAKDOWNS = ["Sex", "Age", "Gender", "Socio_economic_status", "Region", "Religion", "Disability"]
CI = [("Lower_CI", "Upper_CI"), ("Lower CI", "Upper CI"), ("CI_lower", "CI_upper"), ("Confidence_interval_lower",
                                                                                     "Confidence_interval_upper")]


def looks_like(columns: list[str]) -> bool:
    """Is this an Ethnicity facts and figures download?"""
    return REQUIRED <= set(columns)


def read_eff(df: pd.DataFrame, file: str, *, sheet: str | None = None) -> pd.DataFrame:
    """Read an Ethnicity facts and figures download.

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
    chars = pd.Series(np.where(ethnicity.map(is_total), "", "ethnicity"), index=df.index, dtype=object)
    groups = pd.Series(np.where(ethnicity.map(is_total), "", ethnicity), index=df.index, dtype=object)
    for col in BREAKDOWNS:
        if col in df:
            v = text[col].astype(str).str.strip()
            crossed = ~v.map(is_total) & (v != "")
            chars = chars.where(~crossed, chars.str.cat(pd.Series(col.lower(), index=df.index), sep=" × "))
            groups = groups.where(~crossed, groups.str.cat(v, sep=" × "))
    chars = chars.str.strip(" ×").replace("", "All")
    groups = groups.str.strip(" ×").replace("", "All")
    value, reason = numbers(df, "Value", problems, file, sheet)
    num = numbers(df, "Numerator", problems, file, sheet)[0]
    den = numbers(df, "Denominator", problems, file, sheet)[0]
    n = numbers(df, "Sample_size", problems, file, sheet)[0] if "Sample_size" in df else np.nan
    lo = hi = np.nan
    for lcol, ucol in CI:
        if lcol in df and ucol in df:
            lo, hi = numbers(df, lcol, problems, file, sheet)[0], numbers(df, ucol, problems, file, sheet)[0]
    raise_if(problems, context=f"Ethnicity facts and figures file {file}")
    unit = text["Value_type"].map(lambda u: "%" if "%" in str(u) or "percent" in str(u).lower() else "") \
        if "Value_type" in df else text["Measure"].map(lambda m: "%" if "%" in str(m) or "percent" in str(m).lower() else "")
    out = pd.DataFrame({
        "indicator": text["Measure"].map(slug), "name": text["Measure"], "period": text["Time"].astype(str),
        "area": text["Geography"] if "Geography" in df else "", "characteristic": chars, "group": groups,
        "value": value, "numerator": num, "denominator": den, "n": n, "lower": lo, "upper": hi, "unit": unit,
        "reason": reason, "note": text["Ethnicity_type"] if "Ethnicity_type" in df else None,
        "source_row": df["source_row"],
    })
    return finish(out)
