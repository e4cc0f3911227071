"""DfE *Explore education statistics* (EES) open-data files.

Layout: ``time_period`` (``201819`` means 2018/19), ``time_identifier``,
``geographic_level`` and geography codes and names, filter columns, a
breakdown (one of several spellings, see below), then one column per measure.

Breakdowns come in three spellings across releases, all handled:

- ``characteristic_group`` (the topic) and ``characteristic`` (the group);
- ``breakdown_topic`` and ``breakdown`` (the same, renamed in later releases);
- ``characteristic`` and ``characteristic_type``, where some files put the
  topic in ``characteristic`` and the group in ``characteristic_type``: the
  column with fewer distinct values is taken as the topic;
- a ``breakdown`` column naming which of several group columns
  (``ethnic_major``, ``free_school_meals``...) holds the group.

Measures: ``X_number`` with ``X_percentage`` becomes one indicator with its
numerator; with a denominator (``denominator=`` or detected: ``cohort``,
``t_pupils``, ``children_number``...) count columns become proportions;
``t_X`` with ``avg_X`` becomes a mean with its ``n``. Other filter columns keep
their ``Total`` unless ``filters=`` says otherwise.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import Problem, listing, raise_if, warn_caller
from .common import academic_period, finish, is_total, keep, numbers, slug
from .symbols import parse_numbers

TIME = {"time_period", "time_identifier"}
GEOGRAPHY = {"geographic_level", "country_code", "country_name", "region_code", "region_name", "old_la_code",
             "new_la_code", "la_code", "la_name", "lad_code", "lad_name", "pcon_code", "pcon_name", "lsip_code",
             "lsip_name", "local_enterprise_partnership_code", "local_enterprise_partnership_name",
             "opportunity_area_code", "opportunity_area_name", "ward_code", "ward_name", "english_devolved_area_code",
             "english_devolved_area_name"}
IGNORED = {"version"}
AREA_NAME = {"national": "country_name", "regional": "region_name", "local authority": "la_name",
             "local authority district": "lad_name", "parliamentary constituency": "pcon_name", "ward": "ward_name"}
AREA_CODE = {"national": ["country_code"], "regional": ["region_code"], "local authority": ["new_la_code", "la_code"],
             "local authority district": ["lad_code"], "parliamentary constituency": ["pcon_code"],
             "ward": ["ward_code"]}
PAIRS = [("characteristic_group", "characteristic"), ("breakdown_topic", "breakdown"),
         ("characteristic_grouping", "pupil_characteristic"), ("characteristic_grouping", "characteristic"),
         ("characteristic", "characteristic_type")]
#: a topic column and its group column in spellings no release has used yet: ``<x>_characteristic_group`` ...
_TOPIC = re.compile(r"^(?:(\w+)_)?(?:characteristic_group(?:ing)?|breakdown_topic|characteristic_topic)$")
_GROUP = re.compile(r"^(?:\w+_)?(?:characteristic|breakdown)$")
DENOMINATORS = ["cohort", "t_pupils", "children_number", "number_of_pupils", "pupils", "headcount", "population",
                "denominator", "eligible_pupils"]


def looks_like(columns: list[str]) -> bool:
    """Is this an EES open-data file?"""
    cols = {c.lower() for c in columns}
    return {"time_period", "time_identifier", "geographic_level"} <= cols


def read_ees(
    df: pd.DataFrame,
    file: str,
    *,
    sheet: str | None = None,
    measures: list[str] | None = None,
    denominator: str | None = None,
    filters: dict[str, str] | None = None,
    geographic_level: str | list[str] | None = None,
    unit: str = "%",
) -> pd.DataFrame:
    """Read an EES file into observations.

    Parameters
    ----------
    df : DataFrame
        The file as text (see :func:`evidence.readers.tables.read_table`), with ``source_row``.
    measures : list of str, optional
        Measure columns to keep (default: every numeric column).
    denominator : str, optional
        Column holding the group size for proportions (detected when not given).
    filters : dict, optional
        ``{column: value}`` for filter columns (default ``Total`` where a column has one).
    geographic_level : str or list, optional
        Keep only these levels (``National``, ``Regional``, ``Local authority``...).

    Examples
    --------
    >>> df = pd.DataFrame({"time_period": ["201819"] * 2, "time_identifier": "Academic year",
    ...     "geographic_level": "National", "country_name": "England", "characteristic_group": ["Total", "Gender"],
    ...     "characteristic": ["Total", "Female"], "cohort": ["100", "40"], "overall": ["90", "38"],
    ...     "source_row": [2, 3]})
    >>> read_ees(df, "x.csv")[["period", "group", "value"]].values.tolist()
    [['2018/19', 'All', 90.0], ['2018/19', 'Female', 95.0]]
    """
    problems: list[Problem] = []
    df = df.copy()
    df.columns = [c.lower() for c in df.columns]
    filters = {k.lower(): v for k, v in (filters or {}).items()}
    if geographic_level is not None:
        levels = [geographic_level] if isinstance(geographic_level, str) else list(geographic_level)
        df = df[df["geographic_level"].str.lower().isin([lv.lower() for lv in levels])]

    topic_col, group_col, group_cols = _breakdown(df)
    used = TIME | GEOGRAPHY | IGNORED | {"source_row", topic_col, group_col} | set(group_cols)
    rest = [c for c in df.columns if c not in used and c is not None]
    numeric = [c for c in rest if _mostly_numeric(df[c])]
    empty = [c for c in rest if c not in numeric and _only_symbols(df[c])]
    if empty:  # a measure column with no figures at all (every cell z, x or c): say so rather than drop it quietly
        warn_caller(f"{file}: measure column{'s' if len(empty) > 1 else ''} {listing(empty)} "
                      f"{'hold' if len(empty) > 1 else 'holds'} no figures (only symbols such as z, x or c), "
                      "so left out")
    filter_cols = [c for c in rest if c not in numeric and c not in empty]
    cut: list[str] = []
    for col in filter_cols:
        values = df[col].dropna().unique()
        if col in filters:
            df = keep(df, col, filters[col], problems, file, sheet)
        elif len(values) > 1:
            total = next((v for v in values if str(v).strip().lower() == "total"), None)
            if col == "data_type":
                total = next((v for v in values if "number" in str(v).lower()), total)
            if total is None:
                problems.append(Problem(
                    f"this filter column has several values ({listing(sorted(values), quote=True)}) and no "
                    f"'Total'; choose one: --filter {col}=VALUE on the command line, filters: {{{col}: VALUE}} in "
                    "a scheme's data source, or filters={...} in Python", file=file, sheet=sheet, column=col))
            else:
                cut.append(f"{col} = {total!r} (left out: {listing(sorted(v for v in values if v != total), 6, True)})")
                df = df[df[col] == total]
    for col in [c for c in filters if c not in filter_cols]:  # geography, time or breakdown columns: keep those rows
        df = keep(df, col, filters[col], problems, file, sheet)
    raise_if(problems, context=f"EES file {file}")
    if cut:
        warn_caller(f"{file}: kept only the rows at each filter column's total: {'; '.join(cut)}. To read "
                      "other rows, choose them with filters (--filter COLUMN=VALUE)")

    den_col = denominator.lower() if denominator else next((d for d in DENOMINATORS if d in numeric), None)
    if den_col is not None and den_col not in df.columns:
        raise_if([Problem(f"denominator column '{den_col}' is not in the file", file=file, sheet=sheet)])
    wanted = [m.lower() for m in measures] if measures else numeric
    missing = [m for m in wanted if m not in df.columns]
    raise_if([Problem("measure column not found; check the spelling", file=file, sheet=sheet, column=m)
              for m in missing])

    keys = _keys(df, topic_col, group_col, group_cols, file)
    den = numbers(df, den_col, problems, file, sheet)[0] if den_col else None
    specs = _measure_specs(wanted, numeric, den_col)
    lone = not specs and den_col is not None  # the file's only figure is a count (pupils in each group)
    if lone:
        specs = [{"indicator": den_col, "value": den_col, "unit": "", "kind": "count"}]
    frames = []
    for spec in specs:
        value, reason = numbers(df, spec["value"], problems, file, sheet)
        part = keys.copy()
        part["indicator"] = spec["indicator"]
        part["name"] = None  # EES files carry only column names: the indicator metadata names them
        part["value"] = value
        part["reason"] = reason
        part["unit"] = spec["unit"]
        if spec.get("numerator"):
            num, num_reason = numbers(df, spec["numerator"], problems, file, sheet)
            part["numerator"] = num
            part["reason"] = part["reason"].fillna(num_reason)
            if den is not None:
                part["denominator"] = den
        if spec.get("count"):  # a count with a denominator: a proportion
            part["numerator"] = value
            part["denominator"] = den
            with np.errstate(divide="ignore", invalid="ignore"):
                part["value"] = 100 * value / den
            part["unit"] = unit
        if spec.get("n"):
            part["n"] = numbers(df, spec["n"], problems, file, sheet)[0]
        for bound in ("lower", "upper"):
            if spec.get(bound):
                part[bound] = numbers(df, spec[bound], problems, file, sheet)[0]
        if spec.get("kind"):
            part["kind"] = spec["kind"]
        frames.append(part)
    raise_if(problems, context=f"EES file {file}")
    if lone and frames:
        frames.append(_share(frames[0], unit))
    out = pd.concat(frames, ignore_index=True) if frames else keys.iloc[0:0]
    return finish(out)


def _share(counts: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Counts by group as each group's share of its total: ``pupils`` becomes ``pupils_share`` (per cent).

    A count alone is a measure (how many); its equality reading is the share of
    the total that each group makes up, with the count as numerator and the
    whole population's count (the ``All`` row of the same period and area) as
    denominator, so it gets a Wilson interval like any proportion.
    """
    part = counts.copy()
    total = part[part["group"] == "All"].drop_duplicates(["period", "area"]).set_index(["period", "area"])["value"]
    den = pd.Series(list(zip(part["period"], part["area"], strict=True)), index=part.index).map(total)
    part["indicator"] = part["indicator"] + "_share"
    part["numerator"], part["denominator"] = part["value"], den
    with np.errstate(divide="ignore", invalid="ignore"):
        part["value"] = 100 * part["value"] / den
    part["unit"], part["kind"] = unit, "proportion"
    return part


def _only_symbols(col: pd.Series) -> bool:
    """Every filled cell is a statistical symbol (``z``, ``x``, ``c``...): a measure column with no figures."""
    values, reason, invalid = parse_numbers(col)
    filled = col.notna() & (col.astype(str).str.strip() != "")
    return bool(filled.any()) and bool(reason[filled].notna().all()) and not values.notna().any()


def _mostly_numeric(col: pd.Series) -> bool:
    values, reason, invalid = parse_numbers(col)
    filled = col.notna() & (col.astype(str).str.strip() != "")
    # a measure column is mostly numbers and symbols; its few bad cells are reported later
    return bool(filled.any()) and invalid[filled].mean() < 0.5 and values.notna().any()


def _breakdown(df: pd.DataFrame) -> tuple[str | None, str | None, list[str]]:
    if "breakdown" in df and "breakdown_topic" not in df:
        named = {slug(v): v for v in df["breakdown"].dropna().unique()}
        cols = [c for c in df.columns if c in named]
        if cols:  # a breakdown column naming the group columns
            return "breakdown", None, cols
    pairs = list(PAIRS)
    topics = [c for c in df.columns if _TOPIC.match(c)]
    groups = [c for c in df.columns if _GROUP.match(c) and not _TOPIC.match(c)]
    pairs += [(t, g) for t in topics for g in groups]
    for topic, group in pairs:
        if topic in df and group in df:
            if df[topic].nunique() > df[group].nunique():
                topic, group = group, topic  # written the other way round
            return topic, group, []
    return None, None, []


def _keys(df: pd.DataFrame, topic_col, group_col, group_cols, file: str = "") -> pd.DataFrame:
    keys = pd.DataFrame(index=df.index)
    ident = df["time_identifier"] if "time_identifier" in df else ""
    keys["period"] = [academic_period(t, i) for t, i in zip(df["time_period"], np.broadcast_to(ident, len(df)),
                                                             strict=True)]
    level = df["geographic_level"].str.lower() if "geographic_level" in df else pd.Series("national", index=df.index)
    area = pd.Series("", index=df.index, dtype=object)
    for lv, col in AREA_NAME.items():
        if col in df:
            area = area.where(level != lv, df[col])
    area = area.fillna("")
    code = pd.Series("", index=df.index, dtype=object)
    for lv, cols in AREA_CODE.items():
        col = next((c for c in cols if c in df), None)
        if col:
            code = code.where(level != lv, df[col])
    keys["area_code"] = code.fillna("")
    # the same name at two levels (a London borough is an LA and an LAD): name the level of the lesser one
    levels_of = pd.Series(level.to_numpy()).groupby(area.to_numpy()).nunique()
    clash = area.map(levels_of).fillna(1) > 1
    rank = {lv: i for i, lv in enumerate(AREA_NAME)}
    first_level = level.map(rank).groupby(area).transform("min")
    lesser = clash & (level.map(rank) > first_level)
    keys["area"] = area.where(~lesser, area + " (" + df["geographic_level"].astype(str) + ")")
    if group_cols:  # breakdown names the column holding the group
        topic = df["breakdown"]
        group = pd.Series("All", index=df.index, dtype=object)
        ok = pd.Series(True, index=df.index)
        for col in group_cols:
            this = topic.map(slug) == col
            group = group.where(~this, df[col])
            others = [c for c in group_cols if c != col]
            ok &= ~this | df[others].apply(lambda s: s.map(is_total)).all(axis=1)
        total = topic.map(is_total)
        ok &= ~total | df[group_cols].apply(lambda s: s.map(is_total)).all(axis=1)  # Total rows split further
        keys["characteristic"] = np.where(total, "All", topic)
        keys["group"] = np.where(total, "All", group)
        keys = keys[ok]
    elif topic_col:
        topic_total, group_total = df[topic_col].map(is_total), df[group_col].map(is_total)
        total = topic_total & group_total
        keys["characteristic"] = np.where(total, "All", df[topic_col])
        keys["group"] = np.where(total, "All", df[group_col])
        odd = topic_total & ~group_total  # a "Total" topic carrying named groups: a repeat of the named topics
        if odd.any():
            warn_caller(f"{file}: left out {int(odd.sum())} rows whose {topic_col} is {df.loc[odd, topic_col].iloc[0]!r} "
                          f"but whose {group_col} names a group ({listing(sorted(set(df.loc[odd, group_col])), 6, True)}"
                          f"): they cannot be told apart from the same groups under their own {topic_col}")
            keys = keys[~odd.to_numpy()]
        # "Gender: Total" is everyone again: the whole population when the file has no Total/Total row, else a repeat
        repeat = (~topic_total & group_total)[keys.index]
        if repeat.any():
            has_all = set(zip(keys.loc[total[keys.index], "period"], keys.loc[total[keys.index], "area"], strict=True))
            seen = pd.Series(list(zip(keys["period"], keys["area"], strict=True)), index=keys.index).isin(has_all)
            keys.loc[repeat & ~seen, ["characteristic", "group"]] = "All"
            keys = keys[~(repeat & seen)]
            first = ~keys.duplicated(["period", "area", "characteristic", "group"]) | (keys["group"] != "All")
            keys = keys[first]
    else:
        keys["characteristic"] = "All"
        keys["group"] = "All"
    keys["source_row"] = df.loc[keys.index, "source_row"]
    return keys


#: a published interval's columns: ``p8score_ci_low`` / ``p8score_ci_upp`` belong to ``avg_p8score`` (or ``p8score``)
_CI = re.compile(r"(.+?)_(?:ci_)?(low|lower|lci|upp|upper|uci)(?:_ci)?$")


def _intervals(wanted: list[str], numeric: list[str]) -> dict[str, dict[str, str]]:
    """Interval columns by the measure they belong to, when both ends and the measure are in the file.

    Examples
    --------
    >>> _intervals(["avg_p8score", "p8score_ci_low", "p8score_ci_upp"], ["avg_p8score", "p8score_ci_low", "p8score_ci_upp"])
    {'avg_p8score': {'lower': 'p8score_ci_low', 'upper': 'p8score_ci_upp'}}
    """
    ends: dict[str, dict[str, str]] = {}
    for col in numeric:
        m = _CI.fullmatch(col)
        if m and ("_ci" in col or m.group(2) in ("lci", "uci")):
            ends.setdefault(m.group(1), {})["lower" if m.group(2) in ("low", "lower", "lci") else "upper"] = col
    out = {}
    for base, pair in ends.items():
        owner = next((c for c in (f"avg_{base}_unrounded", f"avg_{base}", f"average_{base}", base) if c in wanted), None)
        if owner and len(pair) == 2:
            out[owner] = pair
    return out


def _measure_specs(wanted: list[str], numeric: list[str], den_col: str | None) -> list[dict]:
    specs, used = [], set()
    bounds = _intervals(wanted, numeric)
    used |= {c for pair in bounds.values() for c in pair.values()}
    for col in wanted:
        if col in used or col == den_col:
            continue
        m = re.fullmatch(r"(.+)_(percentage|percent|pct|rate)", col)
        if m and f"{m.group(1)}_number" in numeric:  # X_number + X_percentage
            specs.append({"indicator": m.group(1), "value": col, "numerator": f"{m.group(1)}_number", "unit": "%"})
            used |= {col, f"{m.group(1)}_number"}
            continue
        if col.endswith("_number") and col.removesuffix("_number") + "_percentage" in numeric:
            continue  # taken with its percentage
        m = re.fullmatch(r"(?:avg|average)_(.+?)(?:_unrounded)?", col)
        if m:
            base = m.group(1)
            if col.endswith("_unrounded") or f"avg_{base}_unrounded" not in numeric:
                specs.append({"indicator": f"avg_{base}", "value": col, "n": den_col, "unit": "points"})
                used |= {col, f"t_{base}"}
            continue
        m = re.fullmatch(r"pt_(.+)", col)
        if m:  # percentage of pupils, with t_X as its numerator
            num = f"t_{m.group(1)}" if f"t_{m.group(1)}" in numeric else None
            specs.append({"indicator": col, "value": col, "numerator": num, "unit": "%"})
            used |= {col} | ({num} if num else set())
            continue
        if col.startswith("t_") and (f"pt_{col[2:]}" in numeric or f"avg_{col[2:]}" in numeric):
            continue
        if den_col and not re.search(r"(avg|average|percent|rate|score|ci_|_ci|mean)", col):
            specs.append({"indicator": col, "value": col, "count": True, "unit": "%"})
        else:
            # a publisher's per cent column says so in its name
            specs.append({"indicator": col, "value": col,
                          "unit": "%" if re.search(r"(percent|percentage|pct)(_|$)", col) else ""})
    for spec in specs:  # the measure's published interval
        spec.update(bounds.get(spec["value"], {}))
    return specs
