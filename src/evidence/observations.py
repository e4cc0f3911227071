"""The observations table: the tidy, aggregated form every measure works on.

One row per indicator × period × area × characteristic × group. Required columns:
``indicator, period, characteristic, group, value``; optional: ``area, numerator,
denominator, n, se, lower, upper, suppressed, polarity`` (and ``reason`` for a
missing value). :func:`validate` checks a table against that contract and
reports every problem found, naming rows and columns.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .errors import Problem, raise_if, warn_caller
from .frames import (
    combined_codes,
    factorize,
    factorize_text,
    objects_from_codes,
    shallow_copy,
    text_from_codes,
)
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


def map_distinct(s: pd.Series, func: Callable[[object], object]) -> np.ndarray:
    """``func`` applied to each distinct value of ``s`` once, spread back to every row.

    Gives what ``s.map(func)`` gives (``func`` sees ``None`` for a missing value)
    at the cost of the distinct values, not the rows. Values of mixed types
    (``1`` and ``1.0`` are equal keys but different text) go row by row.

    Examples
    --------
    >>> map_distinct(pd.Series([" a", "b", None, " a"]), lambda v: "" if v is None else v.strip()).tolist()
    ['a', 'b', '', 'a']
    """
    coded = _distinct(s, func)
    if coded is None:
        return np.array([func(None if _missing(v) else v) for v in s], dtype=object)
    codes, mapped, _ = coded
    return mapped[codes]


def _distinct(s: pd.Series, func: Callable[[object], object]) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Codes of ``s`` (``-1`` missing), ``func`` of each distinct value (``func(None)`` last) and the distinct values.

    None for values of mixed types.
    """
    if pd.api.types.infer_dtype(s, skipna=True) not in ("string", "integer", "floating", "boolean", "empty"):
        return None
    codes, uniques = factorize(s)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [func(u) for u in uniques]
    mapped[-1] = func(None)  # code -1: a missing value
    return codes, mapped, np.asarray(uniques, dtype=object)


def _text_distinct(s: pd.Series, func: Callable[[object], object]) -> tuple[np.ndarray, np.ndarray, bool]:
    """Codes and tidied labels of a key column (``func`` once per distinct value, ``None`` for missing), and
    whether the column was tidy already: text with no missing value, each value its own tidied label.

    The labels are re-coded after tidying, so ``" a"`` and ``"a"`` become one value.
    Values of mixed types go row by row, as in :func:`map_distinct`.
    """
    coded = _distinct(s, func)
    if coded is None:
        return (*factorize_text(pd.Series(map_distinct(s, func), dtype=object)), False)
    raw, tidy, uniques = coded
    recode, labels = pd.factorize(tidy)
    tidy_already = bool((raw >= 0).all()) and all(isinstance(u, str) and u == t for u, t in zip(uniques, tidy[:-1], strict=True))
    return recode[raw].astype(np.intp), np.asarray(labels, dtype=object), tidy_already


#: the dtype pandas gives a column of text (``str`` from pandas 3, ``object`` before)
_TEXT = pd.Series(["text"]).dtype


def _missing(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


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
    out = shallow_copy(obs)
    if "area" not in out:
        out["area"] = ""
    codes: dict[str, np.ndarray] = {}  # each key column's distinct values, coded once for the checks below
    distinct: dict[str, np.ndarray] = {}  # ... and those values (a row's value is distinct[col][codes[col]])
    filled = np.ones(len(out), dtype=bool)  # no blank key (area may be blank)
    for col in TEXT:
        if col == "period":
            tidy = _text_distinct(out[col], lambda v: normalise_period(v) if v is not None else "")
        else:
            tidy = _text_distinct(out[col], lambda v: str(v).strip() if v is not None else "")
        codes[col], labels, tidy_already = tidy
        distinct[col] = labels
        if not (tidy_already and out[col].dtype == _TEXT):  # else the column is kept as it is, not rebuilt
            out[col] = text_from_codes(codes[col], labels, out.index)
        if col != "area":
            blank = np.append(labels == "", False)[codes[col]]  # per label, then per row
            filled &= ~blank
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
        bad = num.isna() & raw.notna()
        if bad.any():  # text that is not a number; blank text is a missing value
            bad[bad] = raw[bad].astype(str).str.strip() != ""
        if bad.any():  # pandas < 3 turns "1e309" into NaN: keep it infinite, so it is named as such below
            overflow = raw[bad].map(_float_or_nan)
            too_large = overflow.index[np.isinf(overflow.to_numpy(dtype=float))]
            num.loc[too_large] = overflow.loc[too_large]
            bad.loc[too_large] = False
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
        infinite = np.isinf(out[col].to_numpy(dtype=float))
        if infinite.any():  # "1e309" or "inf" parse as infinity: never a figure anyone published
            problems.append(
                Problem(f"'{col}' is too large to be a number (infinity); check the value", file=source,
                        rows=row_labels(out, infinite), column=col, value=str(raw[infinite].iloc[0]))
            )
        if col in COUNTS or col == "se":
            neg = (num < 0).to_numpy()
            if neg.any():
                problems.append(
                    Problem(f"'{col}' cannot be negative", file=source, rows=row_labels(out, neg),
                            column=col, value=str(num[neg].iloc[0]))
                )

    if "suppressed" in out:
        out["suppressed"] = map_distinct(out["suppressed"], flag_set).astype(bool)
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

    cell = combined_codes([codes[k] for k in KEY])
    dup = (np.bincount(cell)[cell] > 1) & filled  # cells (dense codes) on more than one row
    if dup.any():
        problems.append(
            Problem(
                "duplicate rows for the same indicator, period, area, characteristic and group; keep one",
                file=source, rows=row_labels(out, dup), column="indicator/period/area/characteristic/group",
            )
        )

    # period styles worked out per distinct period, then per row by its code
    label_style = np.array([period_style(p) if p else "" for p in distinct["period"]], dtype=object)
    style_code = pd.factorize(label_style, use_na_sentinel=True)[0]  # an unrecognised period (None): -1
    row_style = style_code[codes["period"]]
    unknown = row_style < 0
    if unknown.any():
        problems.append(
            Problem("period is not a recognised time label (use 2019, 2019/20, 2019-Q1, 2019-03 or 2014-2019)",
                    file=source, rows=row_labels(out, unknown), column="period",
                    value=str(out.loc[unknown, "period"].iloc[0]))
        )
    # indicators with more than one style among their recognised periods
    width = int(style_code.max(initial=-1)) + 1
    pairs = np.unique(codes["indicator"][~unknown] * width + row_style[~unknown]) if width else np.zeros(0, np.intp)
    styles_per_indicator = np.bincount(pairs // max(width, 1), minlength=len(distinct["indicator"]))
    for ind in sorted(str(distinct["indicator"][i]) for i in np.flatnonzero(styles_per_indicator > 1)):
        mine = (out["indicator"] == ind).to_numpy()
        problems.append(
            Problem(f"indicator '{ind}' mixes period styles "
                    f"({', '.join(sorted(set(label_style[codes['period'][mine & ~unknown]])))}); "
                    "one indicator must use one style so periods sort in time order",
                    file=source, rows=row_labels(out, mine)[:3], column="period")
        )

    if require_all:
        block = combined_codes([codes[k] for k in ("indicator", "period", "area")])
        has = np.zeros(int(block.max(initial=-1)) + 1, dtype=bool)
        has[block[(out["group"] == ALL).to_numpy()]] = True
        first = pd.Series(block).drop_duplicates().index.to_numpy()  # one row per indicator, period and area
        lacking = out[["indicator", "period", "area"]].iloc[first[~has[block[first]]]]
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


def _float_or_nan(v: object) -> float:
    """``float(v)``, or NaN for text that is not a number (``"1e309"`` gives infinity)."""
    try:
        return float(str(v).strip())
    except ValueError:
        return np.nan


def flag_set(v: object) -> bool:
    """Is a ``suppressed`` flag set? Text counts when it says so ("true", "yes", "y", "1", "suppressed").

    Examples
    --------
    >>> [flag_set(v) for v in ("yes", "no", 1, 0.0, None)]
    [True, False, True, False, False]
    """
    if isinstance(v, str):
        return v.strip().lower() in {"true", "yes", "y", "1", "suppressed"}
    return bool(v) if pd.notna(v) else False


#: multipliers a proportion (fraction or per cent) or a rate (per 1,000 ... per million) is published with
PROPORTION_SCALES = (1.0, 100.0)
RATE_SCALES = (1_000.0, 10_000.0, 100_000.0, 1_000_000.0)


def _matches(value: np.ndarray, ratio: np.ndarray, scale: float | np.ndarray) -> np.ndarray:
    """Is ``value`` ``ratio × scale`` within publication rounding (1%, or 0.0006 of the scale up to 100)?

    The absolute allowance is one decimal place's rounding (0.06) at most: a rate per 100,000 of 100 is not
    65 deaths in 100,000 (a standardised rate published with its crude counts).
    """
    with np.errstate(invalid="ignore"):
        return np.abs(value - ratio * scale) <= np.maximum(0.01 * np.abs(value), 0.0006 * np.minimum(scale, 100.0))


def _scale_words(scale: float) -> str:
    return {1.0: "1", 100.0: "100"}.get(scale, f"{scale:,.0f}")


def infer_kind(obs: pd.DataFrame, *, warn: bool = True) -> pd.DataFrame:
    """Fill a blank ``kind`` (and ``multiplier``) when the data say what it is, and say so.

    Counts are never silently ignored. For each indicator whose kind is blank
    (no column, no metadata):

    - every row with a value, a ``numerator`` and a ``denominator`` has
      ``value = numerator / denominator × 1 or × 100`` with ``numerator <=
      denominator``: a **proportion** (multiplier 1 or 100);
    - ``× 1,000``, ``× 10,000``, ``× 100,000`` or ``× 1,000,000``: a **rate**;
    - no counts, but a value in per cent (unit ``%`` or multiplier 100) and a
      cohort size ``n``: a **proportion** with denominator ``n``.

    Rows of one indicator must agree (within publication rounding: 1% of the
    value) on one kind and multiplier; otherwise nothing is inferred and
    ``kind_note`` says why (a directly standardised rate, say, is not
    count/denominator). A proportion whose multiplier is not given is read as
    per cent when its unit is ``%`` or any of its values is above 1, so a
    percentage given with ``n`` is never clipped as if it were a fraction.

    Parameters
    ----------
    obs : DataFrame
        Validated observations (see :func:`validate`).
    warn : bool
        Issue an :class:`evidence.EvidenceWarning` naming what was inferred.

    Returns
    -------
    DataFrame
        A copy with ``kind`` and ``multiplier`` filled where inferred and a
        ``kind_note`` column (``None`` where the kind was stated).

    Raises
    ------
    EvidenceError
        Naming the rows where a stated (or inferred) proportion's value
        disagrees with its counts (``90%`` with ``10 / 100``), or lies outside
        0 to 100%.

    Examples
    --------
    >>> obs = pd.DataFrame({"indicator": "x", "value": [30.8], "numerator": [81], "denominator": [263]})
    >>> out = infer_kind(obs, warn=False)
    >>> out.loc[0, "kind"], float(out.loc[0, "multiplier"])
    ('proportion', 100.0)
    """

    out = shallow_copy(obs)
    nrow = len(out)

    def col(name: str) -> np.ndarray:
        return pd.to_numeric(out[name], errors="coerce").to_numpy(dtype=float, copy=True) if name in out else np.full(nrow, np.nan)

    def coded(name: str) -> tuple[np.ndarray, list]:  # codes (-1 missing) and the distinct values
        if name not in out:
            return np.full(nrow, -1, dtype=np.intp), []
        codes, labels = factorize_text(out[name])
        return codes, list(labels)

    value, num, den, n, mult = col("value"), col("numerator"), col("denominator"), col("n"), col("multiplier")
    # text columns worked on once per distinct value, spread back by their codes
    kcode, kinds = coded("kind")
    ucode, units = coded("unit")
    icode, names = coded("indicator")
    pct_unit = np.append(np.array([str(u) == "%" for u in units], dtype=bool), False)[ucode]
    notes: list[str | None] = []
    ncode = np.full(nrow, -1, dtype=np.intp)  # -1: no note

    def label(labels: list, text: str) -> int:
        if text not in labels:
            labels.append(text)
        return labels.index(text)

    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(den > 0, num / den, np.nan)
    counted = np.isfinite(ratio) & np.isfinite(value)
    inferred: list[str] = []
    blank = kcode < 0  # the kind was not given
    for j in pd.unique(icode[blank]):
        name = "nan" if j < 0 else str(names[j])
        rows = blank & (icode == j)
        c = rows & counted
        found = None
        if c.any():
            for k, scales in (("proportion", PROPORTION_SCALES), ("rate", RATE_SCALES)):
                for sc in scales:
                    if k == "proportion" and (num[c] > den[c]).any():
                        continue
                    if _matches(value[c], ratio[c], sc).all():
                        found = (k, sc, f"value = numerator / denominator × {_scale_words(sc)}")
                        break
                if found:
                    break
            over = c & (num > den)
            if found is None and over.any() and any(_matches(value[c], ratio[c], sc).all() for sc in PROPORTION_SCALES):
                # a share, except that some numerators exceed their denominators: a column mix-up, or a ratio
                # that is not a proportion; either way say which rows rather than a vague "counts not used"
                rows_over = row_labels(out, over)
                ncode[rows] = label(notes, "kind not stated: the value is numerator / denominator, but the numerator "
                                    "is larger than the denominator in some rows, so it is not a proportion and the "
                                    "counts were not used; check the columns, or state kind in the indicator metadata")
                if warn:
                    i = int(np.flatnonzero(over)[0])
                    warn_caller(
                        f"indicator '{name}': the numerator is larger than the denominator in {int(over.sum())} rows "
                        f"(rows {', '.join(map(str, rows_over[:5]))}{' ...' if len(rows_over) > 5 else ''}; e.g. "
                        f"{num[i]:g} of {den[i]:g}), so it was not read as a proportion and no interval was given. "
                        "Check that the numerator and denominator columns are the right way round, or state kind "
                        "in the indicator metadata.")
            elif found is None:
                ncode[rows] = label(notes, "kind not stated and the value is not numerator / denominator × 1, 100, "
                                    "1,000 or 100,000 in every row (a standardised rate?), so the counts were not "
                                    "used; state kind in the indicator metadata")
        else:
            pct = rows & np.isfinite(value) & (n > 0) & (pct_unit | (mult == 100))
            if pct.any() and pct.sum() == (rows & np.isfinite(value)).sum():
                found = ("proportion", 100.0, "a value in per cent with a sample size n")
        if found:
            k, sc, why = found
            kcode[rows] = label(kinds, k)
            mult[rows] = np.where(np.isfinite(mult[rows]), mult[rows], sc)
            ncode[rows] = label(notes, f"kind inferred as {k}: {why}")
            inferred.append(f"'{name}' as {k} ({why})")
    out["kind"] = text_from_codes(kcode, [*kinds, None], out.index)
    out["multiplier"] = mult
    out["kind_note"] = objects_from_codes(ncode, [*notes, None], out.index)

    # a proportion whose multiplier is unknown: per cent if its unit says so or any value is above 1
    is_kind = np.append(np.array([k == "proportion" for k in kinds], dtype=bool), False)
    prop = is_kind[kcode]
    unknown = prop & ~np.isfinite(mult)
    if unknown.any():
        over_one = pd.Series(value > 1).groupby(icode).transform("any").to_numpy()
        guess = np.where(pct_unit | over_one, 100.0, 1.0)
        counted = np.isfinite(ratio) & np.isfinite(value)
        by_counts = np.where(counted & _matches(value, ratio, 100.0), 100.0,
                             np.where(counted & _matches(value, ratio, 1.0), 1.0, guess))
        mult[unknown] = by_counts[unknown]
        out["multiplier"] = mult
    _check_proportions(out, prop, value, ratio, mult, warn)
    if inferred and warn:
        warn_caller("kind not stated, inferred from the data for indicator " + "; ".join(inferred[:10])
                      + (f" and {len(inferred) - 10} more" if len(inferred) > 10 else "")
                      + ". State kind (and unit, multiplier) in the indicator metadata to confirm it.")
    return out


def _check_proportions(out: pd.DataFrame, prop: np.ndarray, value: np.ndarray, ratio: np.ndarray,
                       mult: np.ndarray, warn: bool) -> None:
    """Refuse a proportion whose value and counts disagree, or that lies outside 0-100%.

    Where the publisher also gave a standard error or interval (a weighted
    survey estimate published with unweighted counts, say) the counts are not
    used and ``kind_note`` says so; with nothing else to go on the rows are refused.
    """

    problems: list[Problem] = []
    counted = prop & np.isfinite(ratio) & np.isfinite(value) & np.isfinite(mult)
    clash = counted & ~_matches(value, ratio, np.where(np.isfinite(mult), mult, 1.0))
    other = np.zeros(len(out), dtype=bool)
    for cols in (["se"], ["lower", "upper"]):
        if set(cols) <= set(out.columns):
            other |= np.logical_and.reduce([pd.to_numeric(out[c], errors="coerce").notna().to_numpy() for c in cols])
    kept = clash & other
    if kept.any():
        out.loc[kept, "kind_note"] = ("the value is not numerator / denominator (weighted or adjusted?), so the "
                                      "counts were not used: the published interval or standard error was")
    if kept.any() and warn:
        warn_caller(f"{int(kept.sum())} proportion rows have a value that is not numerator / denominator "
                      f"(rows {', '.join(map(str, row_labels(out, kept)[:5]))}{' ...' if kept.sum() > 5 else ''}; "
                      "weighted or adjusted?): their published intervals are used, not the counts")
    clash &= ~other
    if clash.any():
        i = int(np.flatnonzero(clash)[0])
        problems.append(Problem(
            f"the value does not equal numerator / denominator × {_scale_words(mult[i])} for a proportion "
            f"(e.g. {value[i]:g} against {ratio[i] * mult[i]:.4g}); check the columns, or if the value is "
            "adjusted (standardised, weighted) leave numerator and denominator out",
            rows=row_labels(out, clash), column="value/numerator/denominator", value=f"{value[i]:g}"))
    outside = prop & np.isfinite(value) & np.isfinite(mult) & ((value < 0) | (value > mult * (1 + 1e-9)))
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        problems.append(Problem(
            f"a proportion must lie between 0 and {_scale_words(mult[i])}{'%' if mult[i] == 100 else ''}; "
            "check the value, kind and multiplier", rows=row_labels(out, outside), column="value",
            value=f"{value[i]:g}"))
    raise_if(problems, context="observations")
