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
from dataclasses import replace
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .engines import ENGINES, stat, stat_columns
from .errors import EvidenceError, Problem, raise_if
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
        Observations: ``indicator, period, area (blank when not given), characteristic, group, value,
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
    codes, labels = {}, {}
    for name, value in dims:
        if value in dim_cols:
            codes[name], labels[name] = _coded(grid[value])
        else:  # one label for every record
            codes[name], labels[name] = np.zeros(len(grid), dtype=np.intp), np.array([str(value)], dtype=object)
    for c in by:
        codes[c], labels[c] = _coded(grid[c])
    if "period" in labels and NOT_KNOWN in set(labels["period"]):
        raise_if([Problem("some records have no period; fill it in or leave them out", column=period)],
                 context="aggregate")
    stats = ["rows"] + stat_columns(names, weight is not None)
    col = {s: j for j, s in enumerate(stats)}
    values = grid[stats].to_numpy(dtype=float)

    kinds = {o: kinds.get(o) or ("proportion" if values[:, col[stat(o, "nonbinary")]].sum() == 0 else "mean")
             for o in names}
    for o, kind in kinds.items():
        if kind == "proportion" and values[:, col[stat(o, "nonbinary")]].sum() > 0:
            raise_if([Problem("a proportion needs values 0 and 1 (or yes/no as booleans); this outcome has "
                              "others; say it is a 'mean' or recode it", column=o)], context="aggregate")

    dim_keys = [name for name, _ in dims]
    sets = [s for k in range(0, min(intersections, len(by)) + 1) for s in combinations(by, k)]
    cube = _cube(values, codes, labels, dim_keys, by, sets)
    obs = {o: _estimates(cube["stats"], col, o, kinds[o], weight is not None, multiplier, level) for o in names}
    nrow = len(cube["set"])
    out = {"indicator": np.repeat(np.array(names, dtype=object), nrow)}
    for d in dim_keys:
        out[d] = np.tile(labels[d][cube[d]], len(names))
    if "area" not in out:  # blank, as evidence.validate makes it
        out["area"] = np.full(len(out["indicator"]), "", dtype=object)
    out["characteristic"] = np.tile(cube["characteristic"], len(names))
    out["group"] = np.tile(cube["group"], len(names))
    for field in ["value", "numerator", "denominator", "n"] + (["n_eff"] if weight else []) + ["se", "lower", "upper"]:
        out[field] = np.concatenate([obs[o][field] for o in names])
    out["kind"] = np.repeat(np.array([kinds[o] for o in names], dtype=object), nrow)
    out["multiplier"] = np.repeat([multiplier if kinds[o] == "proportion" else np.nan for o in names], nrow)
    if suppress_small:
        ones = np.concatenate([obs[o]["ones"] for o in names])
        supp, reason = _suppress(out, ones, np.tile(cube["parts"], (len(names), 1)), np.tile(cube["set"], len(names)),
                                 sets, by, min_numerator, min_denominator)
        for field in [f for f in BLANKED + ["n_eff"] if f in out]:
            out[field] = np.where(supp, np.nan, out[field])
    else:
        supp, reason = np.zeros(len(out["indicator"]), dtype=bool), np.full(len(out["indicator"]), None, dtype=object)
    out["suppressed"], out["reason"] = supp, reason
    parts = np.tile(cube["parts"], (len(names), 1))
    for j, c in enumerate(by):  # the parts of each row, for filtering ("ethnicity == 'Black Caribbean'")
        out[c] = np.where(parts[:, j] >= 0, labels[c][np.maximum(parts[:, j], 0)], None)
    return pd.DataFrame(out)


def _coded(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Label codes of a key column of the cell table, and its labels in reading order ("Not known" last)."""
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=True)
    names = [_label(v) for v in uniques] + [NOT_KNOWN]
    ordered = sorted(set(np.asarray(names, dtype=object)[np.unique(codes)]), key=_natural)
    position = {label: i for i, label in enumerate(ordered)}
    recode = np.array([position.get(label, -1) for label in names], dtype=np.intp)
    return recode[codes], np.array(ordered, dtype=object)


def _cube(values: np.ndarray, codes: dict, labels: dict, dims: list[str], by: list[str], sets: list[tuple]) -> dict:
    """Roll the cell table up to every grouping set: sums of the additive statistics, in reading order."""
    blocks = []
    for i, s in enumerate(sets):
        keys = dims + list(s)
        sizes = [len(labels[k]) for k in keys]
        gid = np.ravel_multi_index([codes[k] for k in keys], sizes) if keys else np.zeros(len(values), dtype=np.intp)
        used, inv = np.unique(gid, return_inverse=True)
        inv = inv.ravel()
        summed = np.column_stack([np.bincount(inv, weights=values[:, j], minlength=len(used))
                                  for j in range(values.shape[1])])
        decoded = dict(zip(keys, np.unravel_index(used, sizes), strict=True)) if keys else {}
        parts = np.full((len(used), len(by)), -1, dtype=np.intp)
        for j, c in enumerate(by):
            if c in decoded:
                parts[:, j] = decoded[c]
        blocks.append({"stats": summed, "parts": parts, "set": np.full(len(used), i),
                       **{d: decoded.get(d, np.zeros(len(used), dtype=np.intp)) for d in dims}})
    cube = {k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]}
    order = np.lexsort([cube["parts"][:, j] for j in reversed(range(len(by)))] + [cube["set"]]
                       + [cube[d] for d in reversed(dims)])
    cube = {k: v[order] for k, v in cube.items()}
    names = np.array([JOIN.join(s) if s else ALL for s in sets], dtype=object)
    cube["characteristic"] = names[cube["set"]]
    group = np.full(len(order), "", dtype=object)
    for j, c in enumerate(by):
        has = cube["parts"][:, j] >= 0
        part = labels[c][cube["parts"][has, j]]
        group[has] = np.where(group[has] == "", part, group[has] + JOIN + part)
    group[group == ""] = ALL
    cube["group"] = group
    return cube


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


def _estimates(values: np.ndarray, col: dict, o: str, kind: str, weighted: bool, multiplier: float,
               level: float) -> dict[str, np.ndarray]:
    """One outcome's estimates for every rolled-up group, from its sufficient statistics (vectorised)."""
    def get(name: str) -> np.ndarray:
        return values[:, col[stat(o, name)]]

    n, s, ss = get("n"), get("sum"), get("sumsq")
    out: dict[str, np.ndarray] = {"n": n}
    with np.errstate(divide="ignore", invalid="ignore"):
        if weighted:
            w, w2, wy, wy2 = get("w"), get("w2"), get("wy"), get("wy2")
            n_eff = np.where(w2 > 0, w * w / w2, np.nan)
            mean = np.where(w > 0, wy / w, np.nan)
            pvar = np.maximum(wy2 / w - mean * mean, 0.0)  # Σw(y - ȳ)² / Σw
            out["n_eff"] = n_eff
        else:
            n_eff = n
            mean = np.where(n > 0, s / n, np.nan)
            pvar = np.maximum(ss / n - mean * mean, 0.0)
        if kind == "proportion":
            num = mean * n_eff if weighted else s
            lo, hi = wilson_ci(num, n_eff, level)
            out["value"], out["numerator"], out["denominator"] = mean * multiplier, num, n_eff
            out["se"] = np.sqrt(mean * (1 - mean) / n_eff) * multiplier
            out["lower"], out["upper"] = lo * multiplier, hi * multiplier
            out["ones"] = s  # unweighted, for suppression
        else:
            var = np.where(n_eff > 1, pvar * n_eff / (n_eff - 1), np.nan)
            se = np.sqrt(var / n_eff)
            lo, hi = t_ci(mean, se, n_eff, level)
            nothing = np.full(len(n), np.nan)
            out["value"], out["numerator"], out["denominator"] = mean, nothing, nothing
            out["se"], out["lower"], out["upper"], out["ones"] = se, lo, hi, nothing
    for field in ("value", "se", "lower", "upper"):
        out[field] = np.where(n > 0, out[field], np.nan)
    return out


_DIGITS = re.compile(r"(\d+)")


def _natural(label: str) -> tuple:
    """Sort key: numbers in labels sort as numbers ("2" before "10"); "Not known" last."""
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in _DIGITS.split(label) if p)
    return (label == NOT_KNOWN, parts)


def _suppress(out: dict, ones: np.ndarray, parts: np.ndarray, set_of: np.ndarray, sets: list[tuple],
              by: list[str], min_numerator: int, min_denominator: int) -> tuple[np.ndarray, np.ndarray]:
    """Primary suppression on unweighted counts, then secondary suppression within every parent.

    Primary: :func:`evidence.suppression.suppress` (numerator under ``min_numerator``
    or fewer than ``min_denominator`` people; counted unweighted even for survey
    data, since the number of people is what disclosure is about). Secondary: the
    project's rule (where exactly one group of a characteristic is suppressed and
    the whole population is published, the next smallest group goes too),
    applied to every total an intersection adds: within each parent group (e.g.
    "Black Caribbean") the cells of one more characteristic add up to the
    parent's row. Repeated until nothing changes, since each new suppression can
    expose a cell in another direction.
    """
    n = out["n"]
    kind = out["kind"]
    counts = pd.DataFrame({"indicator": out["indicator"], "characteristic": out["characteristic"],
                           "group": out["group"], "numerator": np.where(kind == "proportion", ones, np.nan),
                           "denominator": np.where(kind == "proportion", n, np.nan), "n": n})
    flagged = suppress(counts, min_numerator=min_numerator, min_denominator=min_denominator, secondary=False)
    supp = flagged["suppressed"].to_numpy(dtype=bool).copy()
    reason = flagged["reason"].to_numpy(dtype=object).copy()

    # a block key per row without one part: indicator, period, area and the other parts
    base = pd.factorize(pd.MultiIndex.from_arrays(
        [out["indicator"]] + [out[d] for d in ("period", "area") if d in out]))[0].astype(np.int64)
    keys = {j: _block_key(base, parts, j) for j in range(len(by))}
    index_of = {s: i for i, s in enumerate(sets)}
    pairs = []  # (child set, parent set, column dropped)
    for i, s in enumerate(sets):
        for c in s:
            parent = tuple(b for b in s if b != c)
            if parent in index_of:
                pairs.append((i, index_of[parent], by.index(c)))
    size = np.where(np.isfinite(n), n, np.inf)
    changed = True
    while changed:
        changed = False
        for child, parent, drop in pairs:
            rows = np.flatnonzero(set_of == child)
            prow = np.flatnonzero(set_of == parent)
            key = keys[drop]
            pkey = dict(zip(key[prow], prow, strict=True))
            block, bkeys = pd.factorize(key[rows])
            n_supp = np.bincount(block, weights=supp[rows], minlength=len(bkeys))
            parent_row = np.array([pkey.get(k, -1) for k in bkeys], dtype=np.intp)
            open_parent = (parent_row >= 0) & ~supp[np.maximum(parent_row, 0)]
            exposed = (n_supp == 1) & open_parent
            cand = exposed[block] & ~supp[rows] & np.isfinite(size[rows])
            if not cand.any():
                continue
            c_rows, c_block = rows[cand], block[cand]
            first = np.lexsort((size[c_rows], c_block))
            _, at = np.unique(c_block[first], return_index=True)
            victims = c_rows[first[at]]
            supp[victims], reason[victims] = True, SECONDARY
            changed = True
    return supp, np.where(supp, reason, None)


def _block_key(base: np.ndarray, parts: np.ndarray, drop: int) -> np.ndarray:
    """One integer per row: its indicator/period/area and every part except column ``drop``."""
    others = [parts[:, j] for j in range(parts.shape[1]) if j != drop]
    return pd.factorize(pd.MultiIndex.from_arrays([base, *others]))[0] if others else base


def aggregate_source(path: str | Path, spec: Mapping[str, Any], **options: Any) -> pd.DataFrame:
    """Observations from a file of person-level records, as a scheme's ``aggregate:`` mapping says.

    ``spec`` holds the keyword arguments of :func:`aggregate` (``outcomes``,
    ``by``, ``weight``, ``intersections``, ``period``, ``area``, ``engine``...);
    ``options`` adds others (the scheme's suppression thresholds). DuckDB reads
    the file itself; the other engines read it with pandas first.

    Examples
    --------
    >>> from evidence import demo
    >>> obs = aggregate_source(demo.SURVEY_RECORDS, {"outcomes": ["feels_safe_after_dark"], "by": ["sex"],
    ...                        "weight": "weight", "period": "year"})
    >>> sorted(obs["group"].unique())
    ['All', 'Female', 'Male']
    """
    spec = dict(spec)
    engine = spec.get("engine", "pandas")
    path = Path(path)
    if engine == "pandas":
        if not path.exists():
            raise_if([Problem("the records file is not there; check the path (relative to the scheme file)",
                              file=str(path))])
        try:
            records: Any = read_records(path)
        except (OSError, ValueError) as err:
            raise_if([Problem(f"could not read the records: {err}", file=str(path))])
    else:
        records = str(path)
    try:
        return aggregate(records, **spec, **options)
    except EvidenceError as err:
        raise EvidenceError([replace(p, file=p.file or str(path)) for p in err.problems], context=err.context) from err


def read_records(path: str | Path) -> pd.DataFrame:
    """Person-level records from a CSV or Parquet file, for :func:`aggregate`."""
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(path)
    return pd.read_csv(path)
