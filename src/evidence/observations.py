"""The observations table: the tidy, aggregated form every measure works on.

One row per indicator × period × area × characteristic × group. Required columns:
``indicator, period, characteristic, group, value``; optional: ``area, numerator,
denominator, n, se, lower, upper, suppressed, polarity`` (and ``reason`` for a
missing value). :func:`validate` checks a table against that contract and
reports every problem found, naming rows and columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import Problem, raise_if
from .indicators import POLARITIES, IndicatorsLike, attach_metadata
from .periods import normalise_period, period_style, sort_periods

REQUIRED = ["indicator", "period", "characteristic", "group", "value"]
NUMERIC = ["value", "numerator", "denominator", "n", "se", "lower", "upper"]
COUNTS = ["numerator", "denominator", "n"]
TEXT = ["indicator", "period", "area", "characteristic", "group"]
KEY = ["indicator", "period", "area", "characteristic", "group"]
ALL = "All"
#: column a reader may add to carry the row number a person sees in the source file
ROW_COLUMN = "source_row"


def row_labels(obs: pd.DataFrame, mask: pd.Series | np.ndarray) -> tuple[int, ...]:
    """Row numbers to show a person for the rows in ``mask``.

    The source file's row when a reader recorded it (column ``source_row``),
    otherwise the 1-based position in the table.
    """
    mask = np.asarray(mask, dtype=bool)
    if ROW_COLUMN in obs:
        return tuple(int(r) for r in obs.loc[mask, ROW_COLUMN])
    return tuple(int(i) + 1 for i in np.flatnonzero(mask))


def validate(
    obs: pd.DataFrame,
    *,
    indicators: IndicatorsLike = None,
    require_all: bool = False,
    require_polarity: bool = False,
    source: str | None = None,
) -> pd.DataFrame:
    """Check observations against the contract and return a clean copy.

    The copy has text keys stripped, periods as text (``2019.0`` → ``2019``), an
    ``area`` column (blank when absent), numeric columns as floats and a boolean
    ``suppressed`` column. Indicator metadata, when given, is joined on.

    Parameters
    ----------
    obs : DataFrame
        The observations.
    indicators : metadata, optional
        See :func:`evidence.indicators.load_indicators`.
    require_all : bool
        Require a whole-population row (characteristic and group ``All``) for
        every indicator, period and area, as gaps against ``overall`` need.
    require_polarity : bool
        Require a polarity for every indicator (gaps need it to orient).
    source : str, optional
        File name to put in messages.

    Raises
    ------
    EvidenceError
        Listing every problem found, each naming its rows and column and what to do.

    Examples
    --------
    >>> obs = pd.DataFrame({"indicator": ["x", "x"], "period": [2020, 2020],
    ...     "characteristic": ["All", "sex"], "group": ["All", "Female"], "value": [1, 2]})
    >>> validate(obs)["period"].tolist()
    ['2020', '2020']
    """
    problems: list[Problem] = []
    if not isinstance(obs, pd.DataFrame):
        raise_if([Problem("observations must be a pandas DataFrame", file=source)])
    missing = [c for c in REQUIRED if c not in obs.columns]
    if missing:
        raise_if(
            [
                Problem(
                    f"required column is missing (the observations table needs {', '.join(REQUIRED)}); "
                    "rename your column or give a mapping",
                    file=source,
                    column=c,
                )
                for c in missing
            ],
            context="observations",
        )
    out = obs.copy()
    if "area" not in out:
        out["area"] = ""
    for col in TEXT:
        s = out[col]
        if col == "period":
            s = s.map(lambda v: normalise_period(v) if pd.notna(v) else "")
        else:
            s = s.map(lambda v: str(v).strip() if pd.notna(v) else "")
        out[col] = s.astype(object)
        if col != "area":
            blank = (out[col] == "").to_numpy()
            if blank.any():
                problems.append(
                    Problem(f"'{col}' is blank; every row needs one", file=source,
                            rows=row_labels(out, blank), column=col)
                )

    for col in NUMERIC:
        if col not in out:
            continue
        raw = out[col]
        num = pd.to_numeric(raw, errors="coerce")
        bad = num.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
        if bad.any():
            first = str(raw[bad].iloc[0])
            problems.append(
                Problem(
                    f"'{col}' must be a number; write missing values as blank (or a GSS symbol such as [c] "
                    "when reading a file)",
                    file=source, rows=row_labels(out, bad), column=col, value=first,
                )
            )
        out[col] = num.astype(float)
        if col in COUNTS or col == "se":
            neg = (num < 0).to_numpy()
            if neg.any():
                problems.append(
                    Problem(f"'{col}' cannot be negative", file=source, rows=row_labels(out, neg),
                            column=col, value=str(num[neg].iloc[0]))
                )

    if "suppressed" in out:
        out["suppressed"] = out["suppressed"].map(_truthy).astype(bool)
    else:
        out["suppressed"] = False

    out = attach_metadata(out, indicators)

    if {"numerator", "denominator"} <= set(out.columns):
        over = (out["numerator"] > out["denominator"]) & (out["kind"] == "proportion")
        if over.any():
            problems.append(
                Problem(
                    "numerator is larger than denominator for a proportion; check the two columns are not swapped",
                    file=source, rows=row_labels(out, over), column="numerator",
                )
            )
    if {"lower", "upper"} <= set(out.columns):
        outside = (out["lower"] > out["value"]) | (out["upper"] < out["value"]) | (out["lower"] > out["upper"])
        if outside.any():
            problems.append(
                Problem(
                    "the confidence interval does not contain the value (need lower <= value <= upper); "
                    "check the lower and upper columns",
                    file=source, rows=row_labels(out, outside), column="lower/upper",
                )
            )

    bad_pol = out["polarity"].notna() & ~out["polarity"].isin(POLARITIES) if "polarity" in out else pd.Series(False, index=out.index)
    if bad_pol.any():
        problems.append(
            Problem(f"polarity must be one of {', '.join(POLARITIES)}", file=source,
                    rows=row_labels(out, bad_pol), column="polarity", value=str(out.loc[bad_pol, "polarity"].iloc[0]))
        )
    if require_polarity:
        if "polarity" not in out:
            out["polarity"] = None
        nopol = out["polarity"].isna()
        for ind in sorted(out.loc[nopol, "indicator"].unique()):
            problems.append(
                Problem(
                    f"indicator '{ind}' has no polarity; say whether higher_is_better or lower_is_better "
                    "in a 'polarity' column or the indicator metadata",
                    file=source, rows=row_labels(out, nopol & (out["indicator"] == ind)), column="polarity",
                )
            )

    all_mismatch = (out["characteristic"] == ALL) != (out["group"] == ALL)
    if all_mismatch.any():
        problems.append(
            Problem("the whole population is written characteristic 'All' with group 'All'; fix the other column",
                    file=source, rows=row_labels(out, all_mismatch), column="characteristic/group")
        )

    dup = out.duplicated(KEY, keep=False) & (out[REQUIRED[:4]] != "").all(axis=1)
    if dup.any():
        problems.append(
            Problem(
                "duplicate rows for the same indicator, period, area, characteristic and group; keep one",
                file=source, rows=row_labels(out, dup), column="indicator/period/area/characteristic/group",
            )
        )

    styles = out["period"].map(lambda p: period_style(p) if p else "")
    unknown = styles.isna()
    if unknown.any():
        problems.append(
            Problem("period is not a recognised time label (use 2019, 2019/20, 2019-Q1, 2019-03 or 2014-2019)",
                    file=source, rows=row_labels(out, unknown), column="period",
                    value=str(out.loc[unknown, "period"].iloc[0]))
        )
    mixed = styles[~unknown].groupby(out.loc[~unknown, "indicator"]).nunique()
    for ind in mixed[mixed > 1].index:
        problems.append(
            Problem(f"indicator '{ind}' mixes period styles "
                    f"({', '.join(sorted(set(styles[(out['indicator'] == ind) & ~unknown])))}); "
                    "one indicator must use one style so periods sort in time order",
                    file=source, rows=row_labels(out, out["indicator"] == ind)[:3], column="period")
        )

    if require_all:
        keys = out[["indicator", "period", "area"]].drop_duplicates()
        has = out.loc[out["group"] == ALL, ["indicator", "period", "area"]].drop_duplicates()
        lacking = keys.merge(has, how="left", indicator=True).query("_merge == 'left_only'")
        for ind, block in lacking.groupby("indicator", sort=True):  # one problem per indicator, not per cell
            periods = sort_periods(block["period"])
            areas = sorted(a for a in block["area"].unique() if a)
            where = f" for {len(areas)} area{'s' if len(areas) != 1 else ''} ({', '.join(areas[:3])}" \
                    f"{', ...' if len(areas) > 3 else ''})" if areas else ""
            problems.append(
                Problem(
                    f"no whole-population row for indicator '{ind}' in {', '.join(periods[:6])}"
                    f"{' and more' if len(periods) > 6 else ''}{where}; add rows with characteristic 'All' and "
                    "group 'All', or compare with comparator='reference' or 'best'",
                    file=source, column="group",
                )
            )
    raise_if(problems, context=f"observations{' from ' + source if source else ''}")
    return out.reset_index(drop=True)


def _truthy(v: object) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in {"true", "yes", "y", "1", "suppressed"}
    return bool(v) if pd.notna(v) else False
