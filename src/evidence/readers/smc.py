"""Social Mobility Commission *State of the Nation* indicator datasets.

Columns: ``measure_code, measure_title, chart_type, area_code, area_type,
area_name, primary/secondary/tertiary/fourth_split_type`` and ``_value``,
``time_period, value, lci, uci, sample_size, unit, value_note`` and more.

A row's splits say who it describes. A split of type ``time_period`` or
``year`` is the time axis (a moving-average year overrides the ``time_period``
column, which then holds the pooled span); ``area_name`` names the area; types
ending ``_binary`` define the outcome (part of the indicator); every other split
is a characteristic, crossed when there are several (``sex × seb``). A ``Total``
value drops out of the cross, and a row of Totals is the whole population.
Each ``chart_type`` is its own table in the publication and becomes its own
indicator (``in13_trend``, ``in13_ethnicity``...), so tables never collide.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import Problem, raise_if
from .common import finish, is_total, numbers, slug

SPLITS = ["primary", "secondary", "tertiary", "fourth"]
TIME_SPLITS = {"time_period", "year"}
REQUIRED = {"measure_code", "primary_split_type", "primary_split_value", "time_period", "value"}
UNITS = {"percentage": "%", "percent": "%", "average": "%"}


def looks_like(columns: list[str]) -> bool:
    """Is this a State of the Nation dataset?"""
    return REQUIRED <= set(columns)


def _missing(v: object) -> bool:
    return v is None or str(v).strip() in ("", "NA")


def read_smc(df: pd.DataFrame, file: str, *, sheet: str | None = None, charts: list[str] | None = None) -> pd.DataFrame:
    """Read a State of the Nation dataset into observations.

    Parameters
    ----------
    charts : list of str, optional
        Keep only these ``chart_type`` tables.

    Examples
    --------
    >>> df = pd.DataFrame({"measure_code": "in13", "measure_title": "Attainment at age 16", "chart_type": "trend",
    ...     "area_name": "England", "primary_split_type": "seb", "primary_split_value": ["Total", "Disadvantaged"],
    ...     "secondary_split_type": "time_period", "secondary_split_value": "2024/25", "time_period": "2024/25",
    ...     "value": ["45.4", "25.8"], "lci": "NA", "uci": "NA", "sample_size": ["625648", "176226"],
    ...     "unit": "Percentage", "value_note": "NA", "source_row": [2, 3]})
    >>> read_smc(df, "in13.csv")[["indicator", "group", "value", "n"]].values.tolist()
    [['in13_trend', 'All', 45.4, 625648.0], ['in13_trend', 'Disadvantaged', 25.8, 176226.0]]
    """
    problems: list[Problem] = []
    df = df.copy()
    if charts is not None and "chart_type" in df:
        df = df[df["chart_type"].isin(charts)]
    n = len(df)
    period = df["time_period"].astype(object).copy()
    area = df["area_name"].astype(object).copy() if "area_name" in df else pd.Series("", index=df.index)
    chars: list[list[str]] = [[] for _ in range(n)]
    groups: list[list[str]] = [[] for _ in range(n)]
    outcome: list[list[str]] = [[] for _ in range(n)]
    for level in SPLITS:
        tcol, vcol = f"{level}_split_type", f"{level}_split_value"
        if tcol not in df:
            continue
        for i, (t, v) in enumerate(zip(df[tcol], df[vcol], strict=True)):
            if _missing(t):
                continue
            t = str(t).strip()
            if t in TIME_SPLITS:
                period.iloc[i] = v
            elif t == "area_name":
                area.iloc[i] = v
            elif t.endswith("_binary"):
                outcome[i].append(slug(v))
            elif not is_total(v) and not _missing(v):
                chars[i].append(t)
                groups[i].append(str(v).strip())
    chart = df["chart_type"] if "chart_type" in df else pd.Series("", index=df.index)
    unit_raw = df["unit"].fillna("") if "unit" in df else pd.Series("", index=df.index)
    units_per_chart = pd.Series(unit_raw.to_numpy()).groupby(chart.to_numpy()).nunique()
    indicator, name = [], []
    for i in range(n):
        parts = [str(df["measure_code"].iloc[i]), slug(chart.iloc[i])] + outcome[i]
        if units_per_chart.get(chart.iloc[i], 1) > 1 and unit_raw.iloc[i].lower() not in UNITS:
            parts.append(slug(unit_raw.iloc[i]))
        indicator.append("_".join(p for p in parts if p))
        title = df["measure_title"].iloc[i] if "measure_title" in df else df["measure_code"].iloc[i]
        name.append(f"{title} ({str(chart.iloc[i]).replace('_', ' ')})")

    value, reason = numbers(df.assign(value=df["value"].where(~df["value"].map(_missing), None)), "value",
                            problems, file, sheet)
    lci = numbers(df.assign(lci=df["lci"].where(~df["lci"].map(_missing), None)), "lci", problems, file, sheet)[0] \
        if "lci" in df else np.nan
    uci = numbers(df.assign(uci=df["uci"].where(~df["uci"].map(_missing), None)), "uci", problems, file, sheet)[0] \
        if "uci" in df else np.nan
    size = numbers(df.assign(sample_size=df["sample_size"].where(~df["sample_size"].map(_missing), None)),
                   "sample_size", problems, file, sheet)[0] if "sample_size" in df else np.nan
    raise_if(problems, context=f"State of the Nation file {file}")
    out = pd.DataFrame({
        "indicator": indicator, "name": name, "period": period.to_numpy(), "area": area.to_numpy(),
        "characteristic": [" × ".join(c) if c else "All" for c in chars],
        "group": [" × ".join(g) if g else "All" for g in groups],
        "value": value.to_numpy(), "lower": np.asarray(lci), "upper": np.asarray(uci), "n": np.asarray(size),
        "unit": [UNITS.get(u.lower(), u) for u in unit_raw],
        "reason": reason.to_numpy(),
        "note": df["value_note"].where(~df["value_note"].map(_missing), None).to_numpy() if "value_note" in df else None,
        "source_row": df["source_row"].to_numpy(),
    })
    # the percentage's scale is explicit: "%"; an index or average keeps its own unit
    return finish(_drop_repeats(out, file))


def _drop_repeats(out: pd.DataFrame, file: str) -> pd.DataFrame:
    """Identical rows repeated inside one table are kept once; conflicting ones are an error."""
    key = ["indicator", "period", "area", "characteristic", "group"]
    dup = out.duplicated(key, keep=False)
    if not dup.any():
        return out
    same = out[dup].groupby(key, dropna=False)["value"].nunique(dropna=False) <= 1
    if same.all():
        return out.drop_duplicates(key)
    bad = same[~same].index[0]
    rows = tuple(int(r) for r in out.loc[(out[key] == pd.Series(bad, index=key)).all(axis=1), "source_row"])
    raise_if([Problem("two rows describe the same indicator, period, area and group with different values; "
                      "keep one (or read one chart_type at a time with charts=[...])", file=file, rows=rows,
                      column="value")])
    return out
