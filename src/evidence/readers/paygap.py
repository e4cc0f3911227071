"""The Gender pay gap service download, as observations: each employer is an area.

Every employer's statutory return (gender-pay-gap.service.gov.uk) is one row:
the mean and median hourly pay gap and bonus gap, the share of men and women
receiving a bonus, and the share of men and women in each quarter of the pay
distribution. ``women_share`` is women's share of each pay quartile (the
characteristic ``pay quartile``: Lower quartile ... Top quartile), and
of the whole workforce (the four quartiles hold equal numbers of staff, so that
is their mean); ``bonus_received`` is the per cent of men and of women paid a
bonus (characteristic ``sex``); the four gaps are whole-population figures
(``mean_hourly_pay_gap``..., lower is better). The period is
the reporting year: a return due in April 2018 is for ``2017/18``. The
employer's name is the area and its company number the area code, so a scheme
picks one employer with ``area:``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import Problem, raise_if
from ..paygap_returns import returns_table
from .common import finish

SIGNATURE = ["EmployerName", "DiffMeanHourlyPercent", "FemaleTopQuartile", "DueDate"]
BANDS = {"lower": "lower", "lower_middle": "lower middle", "upper_middle": "upper middle", "upper": "top"}
GAPS = {"mean_gap": ("mean_hourly_pay_gap", "Mean hourly pay gap (women's pay below men's)"),
        "median_gap": ("median_hourly_pay_gap", "Median hourly pay gap (women's pay below men's)"),
        "mean_bonus_gap": ("mean_bonus_gap", "Mean bonus gap (women's bonus below men's)"),
        "median_bonus_gap": ("median_bonus_gap", "Median bonus gap (women's bonus below men's)")}


def looks_like(columns: list[str]) -> bool:
    """Is this a Gender pay gap service download?

    Examples
    --------
    >>> looks_like(["EmployerName", "Address", "DiffMeanHourlyPercent", "FemaleTopQuartile", "DueDate"])
    True
    """
    return set(SIGNATURE) <= set(columns)


def reporting_year(due: str) -> str:
    """The reporting year of a return from its due date: ``05/04/2018 00:00:00`` → ``2017/18``.

    Examples
    --------
    >>> reporting_year("31/03/2019 00:00:00"), reporting_year("2018-04-04")
    ('2018/19', '2017/18')
    """
    hit = re.search(r"(?:19|20)\d{2}", str(due))
    if not hit:
        return ""
    year = int(hit.group(0))
    return f"{year - 1}/{str(year)[2:]}"


def read_pay_gap(df: pd.DataFrame, file: str, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a Gender pay gap service download into observations.

    Examples
    --------
    >>> cols = ["EmployerName", "Address", "CompanyNumber", "SicCodes", "DiffMeanHourlyPercent",
    ...     "DiffMedianHourlyPercent", "DiffMeanBonusPercent", "DiffMedianBonusPercent", "MaleBonusPercent",
    ...     "FemaleBonusPercent", "MaleLowerQuartile", "FemaleLowerQuartile", "MaleLowerMiddleQuartile",
    ...     "FemaleLowerMiddleQuartile", "MaleUpperMiddleQuartile", "FemaleUpperMiddleQuartile",
    ...     "MaleTopQuartile", "FemaleTopQuartile", "EmployerSize", "DueDate"]
    >>> row = ["Northbrook Council", "NB1 1AA", "", "1", "3.4", "-5.0", "0", "0", "0", "0", "40", "60", "38", "62",
    ...        "41", "59", "38.9", "61.1", "1000 to 4999", "31/03/2018 00:00:00"]
    >>> obs = read_pay_gap(pd.DataFrame([row], columns=cols).assign(source_row=2), "gpg.csv")
    >>> obs.query("indicator == 'women_share'")[["period", "area", "group", "value"]].values.tolist()[::4]
    [['2017/18', 'Northbrook Council', 'All', 60.52], ['2017/18', 'Northbrook Council', 'Top quartile', 61.1]]
    """
    raw = df.drop(columns=["source_row"]).fillna("")
    returns = returns_table(raw, file)
    base = pd.DataFrame({"period": raw["DueDate"].map(reporting_year), "area": returns["employer"],
                         "area_code": raw.get("CompanyNumber", pd.Series("", index=raw.index)).str.strip(),
                         "source_row": df["source_row"]})
    bad = base["period"] == ""
    raise_if([Problem("has no date to tell the reporting year; it should be a date such as 05/04/2018",
                      file=file, sheet=sheet, rows=tuple(int(r) for r in base.loc[bad, "source_row"]),
                      column="DueDate")] if bad.any() else [])
    parts = []
    for col, (indicator, name) in GAPS.items():
        parts.append(base.assign(indicator=indicator, name=name, characteristic="All", group="All",
                                 value=returns[col], unit="%", kind="score", polarity="lower_is_better"))
    for sex in ("male", "female"):
        parts.append(base.assign(indicator="bonus_received", name="Paid a bonus", characteristic="sex",
                                 group=sex.title(), value=returns[f"{sex}_bonus_proportion"], unit="%",
                                 kind="proportion"))
    # the four quartiles hold equal numbers of staff, so women's share of the whole workforce is their mean
    shares = pd.concat({words: returns[f"female_{band}_quartile"] for band, words in BANDS.items()}, axis=1)
    name = "Women's share of the pay quartile"
    parts.append(base.assign(indicator="women_share", name=name, characteristic="All", group="All",
                             value=shares.mean(axis=1, skipna=False).round(2), unit="%", kind="proportion"))
    for words in BANDS.values():
        parts.append(base.assign(indicator="women_share", name=name, characteristic="pay quartile",
                                 group=f"{words[0].upper()}{words[1:]} quartile", value=shares[words], unit="%",
                                 kind="proportion"))
    out = pd.concat(parts, ignore_index=True)
    out["reason"] = np.where(out["value"].isna(), "missing", None)
    return finish(out)
