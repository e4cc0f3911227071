"""From person-level records to observations: :func:`aggregate`.

One pass over the records (pupils, staff, survey respondents) to the finest cell
grid of the characteristics, with additive sufficient statistics per cell (count,
sum, sum of squares and their weighted forms; see :mod:`evidence.engines`). The
whole population, each characteristic and every intersection are then roll-ups
of that small table, so the expensive step happens once, on whichever engine
holds the data, and every engine gives the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .engines import ENGINES, stat, stat_columns
from .errors import Problem, raise_if
from .estimates import t_ci, wilson_ci
from .observations import ALL
from .suppression import BLANKED, SECONDARY, suppress

NOT_KNOWN = "Not known"
#: joins the parts of an intersection: "ethnicity & sex", "Black Caribbean & Male"
JOIN = " & "
KINDS = ("proportion", "mean")
_RESERVED = {"indicator", "period", "area", "characteristic", "group", "value", "numerator", "denominator",
             "n", "n_eff", "se", "lower", "upper", "suppressed", "reason", "kind", "multiplier", "polarity"}


def aggregate(
    records: Any,
    outcomes: str | Sequence[str] | Mapping[str, str],
    by: str | Sequence[str],
    weight: str | None = None,
    intersections: int = 1,
    engine: str = "pandas",
    period: str | None = None,
    area: str | None = None,
    *,
    suppress_small: bool = True,
    min_numerator: int = 5,
    min_denominator: int = 10,
    multiplier: float = 100.0,
    level: float = 0.95,
    memory_limit: str | None = None,
    threads: int | None = None,
    spark: Any = None,
) -> pd.DataFrame:
    """Observations from person-level records: every group's estimate for every outcome.

    For each outcome and period (and area), rows for the whole population
    (characteristic and group ``All``), each characteristic in ``by`` and every
    intersection of up to ``intersections`` characteristics. An intersection reads
    ``characteristic="ethnicity & sex"``, ``group="Black Caribbean & Male"``, and
    one column per characteristic in ``by`` holds the row's part (``ethnicity ==
    "Black Caribbean"``; empty where the row does not split by it), so rows can
    be filtered by their parts. A missing characteristic value is counted in an
    explicit ``"Not known"`` group, never dropped, so each characteristic's
    groups add up to the whole population.

    A yes/no outcome (values 0 and 1, or booleans) gives a proportion:
    ``value`` is ``numerator / denominator × multiplier`` with a Wilson score
    interval; a numeric outcome gives a mean with its standard error ``se``,
    ``n`` and a Student's t interval. Records with no value for an outcome are
    left out of that outcome only.

    With a ``weight`` (survey weights), estimates are weighted: the weighted
    proportion or mean, with intervals from the Kish effective sample size
    ``n_eff = (Σw)² / Σw²`` (Kish L (1965) *Survey Sampling*, Wiley, §11.7;
    Kish L (1992) "Weighting for unequal Pi", J Official Statistics 8:183-200).
    A weighted proportion's ``numerator`` and ``denominator`` are then the
    effective counts ``p · n_eff`` and ``n_eff`` (so Wilson and Newcombe
    intervals downstream use the effective sample size) and ``n`` is the number
    of respondents; a weighted mean has ``se = s_w / √n_eff`` with the weighted
    variance ``s_w² = n_eff/(n_eff − 1) · Σw(y − ȳ_w)² / Σw``, which is the usual
    ``s/√n`` when every weight is equal.

    Small numbers are suppressed by default (numerator under ``min_numerator`` or
    group under ``min_denominator`` respondents, counted unweighted; see
    :func:`evidence.suppression.suppress`), with secondary suppression against
    the whole population and, for intersections, against each parent group (the
    two sexes within "Black Caribbean" add up to "Black Caribbean").

    Parameters
    ----------
    records : DataFrame, path or PySpark DataFrame
        One row per person. ``engine="duckdb"`` also takes a path or glob of
        Parquet or CSV files; ``engine="spark"`` a PySpark DataFrame.
    outcomes : str, list or dict
        Outcome columns. A dict ``{column: "proportion" | "mean"}`` says which;
        otherwise an outcome whose values are all 0 or 1 is a proportion.
        The column name becomes the ``indicator``.
    by : str or list of str
        Characteristic columns.
    weight : str, optional
        Survey weight column.
    intersections : int
        Cross up to this many characteristics (1: each on its own; 2: also every
        pair...).
    engine : {"pandas", "duckdb", "spark"}
        Where the pass over the records runs.
    period, area : str, optional
        A column of the records (one estimate per value), or a label for every
        row (``period="2024"``). ``period`` defaults to a ``period`` column.
    suppress_small, min_numerator, min_denominator
        Small-number suppression (on by default).
    multiplier : float
        Scale of proportions (100: per cent).
    level : float
        Confidence level of ``lower`` and ``upper``.
    memory_limit, threads : optional
        DuckDB's memory limit (e.g. ``"4GB"``; it spills to disk beyond it) and threads.
    spark : SparkSession, optional
        The session for ``engine="spark"`` when ``records`` is not a Spark DataFrame.

    Returns
    -------
    DataFrame
        Observations: ``indicator, period, [area,] characteristic, group, value,
        numerator, denominator, n, [n_eff,] se, lower, upper, kind, multiplier,
        suppressed, reason`` and one column per characteristic in ``by``.

    Raises
    ------
    EvidenceError
        A missing column, an outcome that is not numeric, a missing or negative
        weight, records without a period.

    Examples
    --------
    >>> records = pd.DataFrame({"sex": ["Female"] * 30 + ["Male"] * 30 + [None] * 10,
    ...                         "employed": [1] * 20 + [0] * 10 + [1] * 15 + [0] * 15 + [1] * 10})
    >>> obs = aggregate(records, "employed", by="sex", period="2024")
    >>> obs[["group", "numerator", "denominator", "value"]].round(1).values.tolist()
    [['All', 45.0, 70.0, 64.3], ['Female', 20.0, 30.0, 66.7], ['Male', 15.0, 30.0, 50.0], ['Not known', 10.0, 10.0, 100.0]]
    """
    by = [by] if isinstance(by, str) else list(by)
    kinds = dict(outcomes) if isinstance(outcomes, Mapping) else {}
    names = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    if not isinstance(intersections, int) or intersections < 0:
        raise ValueError(f"intersections must be a whole number 0 or more, got {intersections!r}")
    module = _engine(engine)
    source = module.read(records, spark=spark) if engine == "spark" else module.read(records)
    available = module.columns(source)
    problems = []
    for k, v in kinds.items():
        if v not in KINDS:
            problems.append(Problem(f"an outcome's kind must be one of {', '.join(KINDS)}", column=k, value=str(v)))
    if period is None:
        if "period" not in available:
            problems.append(Problem("the records have no 'period' column; give period= a column name or a "
                                    "label such as '2024'", column="period"))
        period = "period"
    wanted = {"outcome": names, "characteristic": by, "weight": [weight] if weight else []}
    for what, cols in wanted.items():
        for c in cols:
            if c not in available:
                problems.append(Problem(f"{what} column is not in the records (they have: "
                                        f"{', '.join(available[:12])}{'...' if len(available) > 12 else ''})",
                                        column=c))
    for c in by:
        if c in _RESERVED or c in names:
            problems.append(Problem("a characteristic cannot share its name with an outcome or an observations "
                                    "column; rename it", column=c))
    if len(set(by)) != len(by) or not names or len(set(names)) != len(names):
        problems.append(Problem("list each characteristic and outcome once, and at least one outcome"))
    raise_if(problems, context="aggregate")

    dims = [(name, value) for name, value in (("period", period), ("area", area)) if value is not None]
    dim_cols = [value for _, value in dims if value in available]
    keys = list(dict.fromkeys(dim_cols + by))
    kw = {"memory_limit": memory_limit, "threads": threads} if engine == "duckdb" else {}
    grid = module.cells(source, keys, names, weight, **kw)
    _raise_bad(grid, names, weight)

    # labels are made here, once, on the small table, so every engine labels alike
    for k in keys:
        codes, uniques = pd.factorize(grid[k].to_numpy(dtype=object), use_na_sentinel=True)
        labels = np.array([_label(v) for v in uniques] + [NOT_KNOWN], dtype=object)
        grid[k] = labels[codes]  # code -1 (missing) picks the last label
    stats = ["rows"] + stat_columns(names, weight is not None) + (["weight:bad"] if weight else [])
    grid = _rollup(grid, keys, stats)
    for name, value in dims:  # "period" and "area" columns: from the records, or one label for all
        grid[name] = grid[value] if value in dim_cols else str(value)
    dim_keys = [name for name, _ in dims]
    if "period" in dim_keys and (grid["period"] == NOT_KNOWN).any():
        raise_if([Problem("some records have no period; fill it in or leave them out", column=period)],
                 context="aggregate")

    kinds = {o: kinds.get(o) or ("proportion" if grid[stat(o, "nonbinary")].sum() == 0 else "mean")
             for o in names}
    for o, kind in kinds.items():
        if kind == "proportion" and grid[stat(o, "nonbinary")].sum() > 0:
            raise_if([Problem("a proportion needs values 0 and 1 (or yes/no as booleans); this outcome has "
                              "others; say it is a 'mean' or recode it", column=o)], context="aggregate")

    sets = [s for k in range(0, min(intersections, len(by)) + 1) for s in combinations(by, k)]
    parts = []
    for i, s in enumerate(sets):
        rolled = _rollup(grid, dim_keys + list(s), stats)
        rolled["characteristic"] = JOIN.join(s) if s else ALL
        rolled["group"] = _joined(rolled, s) if s else ALL
        rolled["_set"] = i
        parts.append(rolled)
    cube = pd.concat(parts, ignore_index=True)
    for c in by:  # the parts of each row, for filtering ("ethnicity == 'Black Caribbean'"); None: not split by c
        cube[c] = cube[c].astype(object).where(cube[c].notna(), None) if c in cube else None
    obs = pd.concat([_estimates(cube[dim_keys + ["characteristic", "group", "_set"] + by + stats], o, kinds[o],
                                weight is not None, multiplier, level) for o in names], ignore_index=True)
    obs = _order(obs, by)
    if suppress_small:
        obs = _suppress(obs, by, min_numerator, min_denominator)
    else:
        obs["suppressed"], obs["reason"] = False, None
    front = ["indicator", "period"] + (["area"] if area is not None else []) + ["characteristic", "group"]
    cols = ["value", "numerator", "denominator", "n"] + (["n_eff"] if weight else []) + \
        ["se", "lower", "upper", "kind", "multiplier", "suppressed", "reason"]
    return obs[front + cols + by].reset_index(drop=True)


def _joined(frame: pd.DataFrame, parts: tuple[str, ...]) -> np.ndarray:
    """Group labels of an intersection, its parts joined: "Black Caribbean & Male"."""
    out = frame[parts[0]].to_numpy(dtype=object)
    for p in parts[1:]:
        out = out + JOIN + frame[p].to_numpy(dtype=object)
    return out


def _rollup(grid: pd.DataFrame, keys: list[str], stats: list[str]) -> pd.DataFrame:
    """Sum the additive statistics over every key combination (all of them when no keys)."""
    if not keys:
        return grid[stats].sum().to_frame().T.astype(grid[stats].dtypes.to_dict())
    return grid.groupby(keys, sort=False, dropna=False)[stats].sum().reset_index()


def _engine(name: str):
    if name == "pandas":
        from .engines import pandas_engine as module
    elif name == "duckdb":
        from .engines import duckdb_engine as module
    else:
        from .engines import spark_engine as module
    return module


def _raise_bad(grid: pd.DataFrame, outcomes: list[str], weight: str | None) -> None:
    problems = []
    for o in outcomes:
        bad = int(grid[stat(o, "bad")].sum())
        if bad:
            problems.append(Problem(f"{bad} records have a value that is not a number (0/1 for a yes/no outcome); "
                                    "write missing values as blank", column=o))
    if weight and int(grid["weight:bad"].sum()):
        problems.append(Problem(f"{int(grid['weight:bad'].sum())} records have a missing or negative weight; "
                                "every record needs a weight of 0 or more", column=weight))
    raise_if(problems, context="records")


def _label(v: Any) -> str:
    """A raw characteristic value as a group label; missing or blank is "Not known".

    Examples
    --------
    >>> [_label(v) for v in ["  Male ", 3, 3.0, None, float("nan"), ""]]
    ['Male', '3', '3', 'Not known', 'Not known', 'Not known']
    """
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return NOT_KNOWN
    if isinstance(v, bool | np.bool_):
        return str(bool(v))
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return str(int(v))
    text = str(v).strip()
    return text or NOT_KNOWN


def _estimates(cube: pd.DataFrame, o: str, kind: str, weighted: bool, multiplier: float, level: float) -> pd.DataFrame:
    """One outcome's estimates for every rolled-up group (vectorised)."""
    n = cube[stat(o, "n")].to_numpy(dtype=np.int64)
    s, ss = cube[stat(o, "sum")].to_numpy(dtype=float), cube[stat(o, "sumsq")].to_numpy(dtype=float)
    out = cube.drop(columns=[c for c in cube.columns if ":" in c or c == "rows"])
    out.insert(0, "indicator", o)
    nf = n.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if weighted:
            w, w2 = cube[stat(o, "w")].to_numpy(float), cube[stat(o, "w2")].to_numpy(float)
            wy, wy2 = cube[stat(o, "wy")].to_numpy(float), cube[stat(o, "wy2")].to_numpy(float)
            n_eff = np.where(w2 > 0, w * w / w2, np.nan)
            mean = np.where(w > 0, wy / w, np.nan)
            pvar = np.maximum(wy2 / w - mean * mean, 0.0)  # Σw(y-ȳ)²/Σw
        else:
            n_eff = nf
            mean = np.where(n > 0, s / nf, np.nan)
            pvar = np.maximum(ss / nf - mean * mean, 0.0)
        if kind == "proportion":
            num = mean * n_eff if weighted else s
            lo, hi = wilson_ci(num, n_eff, level)
            se = np.sqrt(mean * (1 - mean) / n_eff)
            out["value"] = mean * multiplier
            out["numerator"] = num if weighted else np.rint(s)
            out["denominator"] = n_eff if weighted else nf
            out["se"] = np.where(np.isfinite(se), se * multiplier, np.nan)
            out["lower"], out["upper"] = lo * multiplier, hi * multiplier
            out["multiplier"] = multiplier
        else:
            var = np.where(n_eff > 1, pvar * n_eff / (n_eff - 1), np.nan)
            se = np.sqrt(var / n_eff)
            lo, hi = t_ci(mean, se, n_eff, level)
            out["value"], out["numerator"], out["denominator"] = mean, np.nan, np.nan
            out["se"], out["lower"], out["upper"] = se, lo, hi
            out["multiplier"] = np.nan
    out["n"] = nf  # whole numbers, as floats so a blanked (suppressed) count is NaN like every other figure
    if weighted:
        out["n_eff"] = n_eff
    out["kind"] = kind
    out["_ones"] = s if kind == "proportion" else np.nan  # unweighted, for suppression
    empty = n == 0
    out.loc[empty, ["value", "se", "lower", "upper"]] = np.nan
    return out


_DIGITS = re.compile(r"(\d+)")


def _natural(label: str) -> tuple:
    """Sort key: numbers in labels sort as numbers ("2" before "10"); "Not known" last."""
    parts = tuple((0, int(p)) if p.isdigit() else (1, p.lower()) for p in _DIGITS.split(label) if p)
    return (label == NOT_KNOWN, parts)


def _order(obs: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Rows in a stable reading order: indicator, period, area, grouping, then groups naturally."""
    keys = ["period"] + (["area"] if "area" in obs else [])
    rank = pd.DataFrame(index=obs.index)
    rank["_ind"] = pd.Categorical(obs["indicator"], categories=list(dict.fromkeys(obs["indicator"]))).codes
    for k in keys:
        uniq = sorted(pd.unique(obs[k]), key=lambda v: _natural(str(v)))
        rank[k] = obs[k].map({v: i for i, v in enumerate(uniq)})
    rank["_set"] = obs["_set"]
    for c in by:
        part = obs[c].fillna("")
        uniq = sorted(pd.unique(part), key=lambda v: (v != "", _natural(str(v))))
        rank[c] = part.map({v: i for i, v in enumerate(uniq)})
    order = rank.sort_values(list(rank.columns), kind="stable").index
    return obs.loc[order].drop(columns="_set").reset_index(drop=True)


def _suppress(obs: pd.DataFrame, by: list[str], min_numerator: int, min_denominator: int) -> pd.DataFrame:
    """Primary and secondary suppression on unweighted counts, then nested secondary for intersections.

    The project's rule (:func:`evidence.suppression.suppress`) protects each
    characteristic against the whole population. Intersections add totals:
    within each parent group (e.g. "Black Caribbean") the cells of one more
    characteristic add up to the parent's published row, so where exactly one
    of them is suppressed the next smallest is too; repeated until nothing
    changes, since each new suppression can expose a cell in another direction.
    """
    keys = ["indicator", "period"] + (["area"] if "area" in obs else [])
    counts = obs[keys + ["characteristic", "group"]].copy()
    n = obs["n"].astype(float)
    # unweighted counts even for survey data: the number of people is what disclosure is about
    counts["numerator"] = obs["_ones"].astype(float)
    counts["denominator"] = n.where(obs["kind"] == "proportion")
    counts["n"] = n
    flagged = suppress(counts, min_numerator=min_numerator, min_denominator=min_denominator)
    supp = flagged["suppressed"].to_numpy(dtype=bool).copy()
    reason = flagged["reason"].to_numpy(dtype=object).copy()

    nparts = obs["characteristic"].str.count(re.escape(JOIN)).to_numpy() + 1
    nparts[(obs["characteristic"] == ALL).to_numpy()] = 0
    size = n.to_numpy()
    frame = obs[keys + ["characteristic"] + by].copy()
    for c in by:
        frame[c] = frame[c].fillna("\0")
    changed = True
    while changed:
        changed = False
        for k in sorted(set(nparts[nparts >= 2])):
            child = nparts == k
            for c in by:
                has_c = child & frame[c].ne("\0").to_numpy()
                if not has_c.any():
                    continue
                others = [b for b in by if b != c]
                # parent row: same keys, characteristic without c, same other parts
                parent_char = frame.loc[has_c, "characteristic"].map(
                    lambda ch, c=c: JOIN.join(p for p in ch.split(JOIN) if p != c))
                grp = keys + others
                kid = frame.loc[has_c, grp].assign(_pc=parent_char.to_numpy())
                par = frame.loc[nparts == k - 1, grp].assign(_pc=frame.loc[nparts == k - 1, "characteristic"])
                par = par.assign(_psupp=supp[nparts == k - 1])
                merged = kid.reset_index().merge(par, on=grp + ["_pc"], how="left")
                published = (merged["_psupp"] == False).to_numpy()  # noqa: E712 (NaN: no parent row)
                idx = merged["index"].to_numpy()
                blocks = merged.groupby(grp + ["_pc"], sort=False, dropna=False).indices
                for rows in blocks.values():
                    if not published[rows[0]]:
                        continue
                    members = idx[rows]
                    if supp[members].sum() != 1:
                        continue
                    open_ = members[~supp[members] & np.isfinite(size[members])]
                    if len(open_) == 0:
                        continue
                    victim = open_[np.argmin(size[open_])]
                    supp[victim], reason[victim] = True, SECONDARY
                    changed = True
    out = obs.copy()
    out["suppressed"], out["reason"] = supp, np.where(supp, reason, None)
    out.loc[supp, [c for c in BLANKED + ["n_eff"] if c in out]] = np.nan
    return out


def read_records(path: str | Path) -> pd.DataFrame:
    """Person-level records from a CSV or Parquet file, for :func:`aggregate`."""
    from .engines.pandas_engine import read

    return read(path)
