"""OHID Fingertips: the classic data export and the FingertipsNext extract.

Classic columns: ``Indicator ID, Indicator Name, Area Code, Area Name, Sex, Age,
Category Type, Category, Time period, Value, Lower CI 95.0 limit, Upper CI 95.0
limit, Count, Denominator, Value note``. FingertipsNext: ``IndicatorId,
Category, CategoryType, Age, Sex, Denominator, UpperCI, Value, Count, AreaCode,
Year, LowerCI`` (no indicator or area names).

Who a row describes: a category (``Category Type``/``Category``), crossed with
sex when the row is for one sex (``sex × Ethnic groups``); a sex alone when
there is no category; the whole population for ``Persons`` with no category,
or for the one sex of an indicator published for one sex only.
An indicator published for several ages becomes one indicator per age. Rows
repeated exactly (an area listed under two parents) are kept once; rows that
share a key but disagree (quarterly figures filed under one year) cannot be
told apart, so they are left out with an :class:`EvidenceWarning` naming them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import Problem, raise_if, warn_caller
from .common import finish, numbers

KEY = ["indicator", "period", "area", "characteristic", "group"]


class Classic:
    """Column names of the classic Fingertips export."""

    @staticmethod
    def looks_like(columns: list[str]) -> bool:
        return {"Indicator ID", "Area Code", "Time period", "Value"} <= set(columns)


class Next:
    """Column names of the FingertipsNext extract."""

    @staticmethod
    def looks_like(columns: list[str]) -> bool:
        return {"IndicatorId", "AreaCode", "Year", "Value", "LowerCI", "UpperCI"} <= set(columns)


def fingertips_period(text: object) -> str:
    """Fingertips time labels as periods: ``2016 - 18`` → ``2016-2018``.

    Examples
    --------
    >>> fingertips_period("2016 - 18"), fingertips_period("2018/19"), fingertips_period(2019)
    ('2016-2018', '2018/19', '2019')
    """
    t = str(text).strip()
    m = re.fullmatch(r"(\d{4})\s*-\s*(\d{2})", t)
    if m:
        return f"{m.group(1)}-{m.group(1)[:2]}{m.group(2)}"
    return t


def read_fingertips(df: pd.DataFrame, file: str, *, sheet: str | None = None,
                    indicators: list[int | str] | None = None) -> pd.DataFrame:
    """Read a classic Fingertips export.

    Examples
    --------
    >>> df = pd.DataFrame({"Indicator ID": "90366", "Indicator Name": "Life expectancy at birth",
    ...     "Area Code": "E92000001", "Area Name": "England", "Sex": ["Male", "Female"], "Age": "All ages",
    ...     "Category Type": "", "Category": "", "Time period": "2016 - 18", "Value": ["79.6", "83.2"],
    ...     "Lower CI 95.0 limit": ["79.5", "83.1"], "Upper CI 95.0 limit": ["79.7", "83.3"], "Count": "",
    ...     "Denominator": "", "Value note": "", "source_row": [2, 3]})
    >>> read_fingertips(df, "lt.csv")[["period", "characteristic", "group", "value"]].values.tolist()
    [['2016-2018', 'sex', 'Male', 79.6], ['2016-2018', 'sex', 'Female', 83.2]]
    """
    cols = {"id": "Indicator ID", "name": "Indicator Name", "area": "Area Name", "area_code": "Area Code",
            "sex": "Sex", "age": "Age", "ctype": "Category Type", "cat": "Category", "period": "Time period",
            "value": "Value", "lower": "Lower CI 95.0 limit", "upper": "Upper CI 95.0 limit", "count": "Count",
            "den": "Denominator", "note": "Value note"}
    return _read(df, file, sheet, cols, indicators)


def read_fingertips_next(df: pd.DataFrame, file: str, *, sheet: str | None = None,
                         indicators: list[int | str] | None = None) -> pd.DataFrame:
    """Read a FingertipsNext extract (indicator and area names are not in the file)."""
    cols = {"id": "IndicatorId", "name": None, "area": None, "area_code": "AreaCode", "sex": "Sex", "age": "Age",
            "ctype": "CategoryType", "cat": "Category", "period": "Year", "value": "Value", "lower": "LowerCI",
            "upper": "UpperCI", "count": "Count", "den": "Denominator", "note": None}
    return _read(df, file, sheet, cols, indicators)


def _col(df: pd.DataFrame, name: str | None) -> pd.Series:
    if name is None or name not in df:
        return pd.Series("", index=df.index, dtype=object)
    return df[name].fillna("").astype(str).str.strip()


def _read(df: pd.DataFrame, file: str, sheet, cols: dict, wanted) -> pd.DataFrame:
    problems: list[Problem] = []
    if wanted is not None:
        df = df[_col(df, cols["id"]).isin([str(w) for w in wanted])]
    ind = _col(df, cols["id"])
    age = _col(df, cols["age"])
    ages = age.groupby(ind).transform("nunique")
    indicator = ind.where(ages <= 1, ind + " (" + age + ")")
    sex, ctype, cat = _col(df, cols["sex"]), _col(df, cols["ctype"]), _col(df, cols["cat"])
    # an indicator published for one sex only (cervical screening: Female) has that sex as its whole population
    single = sex.groupby(indicator).transform("nunique") == 1
    one_sex = sex.isin(["Male", "Female"]) & ~single
    has_cat = ctype != ""
    characteristic = np.select([has_cat & one_sex, has_cat, one_sex],
                               ["sex × " + ctype, ctype, pd.Series("sex", index=df.index)], "All")
    group = np.select([has_cat & one_sex, has_cat, one_sex], [sex + " × " + cat, cat, sex], "All")
    area = _col(df, cols["area"]) if cols["area"] else _col(df, cols["area_code"])
    value, reason = numbers(df, cols["value"], problems, file, sheet)
    lower = numbers(df, cols["lower"], problems, file, sheet)[0]
    upper = numbers(df, cols["upper"], problems, file, sheet)[0]
    count = numbers(df, cols["count"], problems, file, sheet)[0]
    den = numbers(df, cols["den"], problems, file, sheet)[0]
    raise_if(problems, context=f"Fingertips file {file}")
    name = _col(df, cols["name"]) if cols["name"] else indicator
    name = name.where(~(single & sex.isin(["Male", "Female"])), name + " (" + sex.str.lower() + ")")
    out = pd.DataFrame({
        "indicator": indicator.to_numpy(), "name": name.to_numpy(),
        "period": _col(df, cols["period"]).map(fingertips_period).to_numpy(), "area": area.to_numpy(),
        "characteristic": characteristic, "group": group, "value": value.to_numpy(),
        "lower": lower.to_numpy(), "upper": upper.to_numpy(), "numerator": count.to_numpy(),
        "denominator": den.to_numpy(), "reason": reason.to_numpy(),
        "note": _col(df, cols["note"]).replace("", None).to_numpy() if cols["note"] else None,
        "source_row": df["source_row"].to_numpy(), "area_code": _col(df, cols["area_code"]).to_numpy(),
    })
    return finish(_drop_bad_intervals(_dedupe(out, file), file))


def _drop_bad_intervals(out: pd.DataFrame, file: str) -> pd.DataFrame:
    """A published interval that does not contain its value is not used (and said so)."""
    bad = (out["lower"] > out["value"]) | (out["upper"] < out["value"])
    if bad.any():
        warn_caller(f"{file}: {int(bad.sum())} published confidence intervals do not contain their value "
                      f"(rows {', '.join(map(str, out.loc[bad, 'source_row'].head(5)))}...); those intervals "
                      "are not used")
        out.loc[bad, ["lower", "upper"]] = np.nan
        out.loc[bad, "note"] = "published interval does not contain the value; not used"
    return out


def _dedupe(out: pd.DataFrame, file: str) -> pd.DataFrame:
    out = out.drop_duplicates(KEY + ["value", "lower", "upper"])  # the same figure listed twice
    clash = out.duplicated(KEY, keep=False)
    if clash.any():
        counts = out[clash].groupby("indicator").size()
        detail = ", ".join(f"{i} ({n} rows)" for i, n in counts.items())
        warn_caller(f"{file}: left out rows that share indicator, period, area and group but differ, "
                      f"so cannot be told apart (often quarterly figures filed under one year): {detail}")
        out = out[~clash]
    return out
