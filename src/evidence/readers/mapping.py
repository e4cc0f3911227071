"""Any CSV, Excel or Parquet table, described by a small mapping.

A mapping (a dict, or a YAML file with the same keys) says where the table is
and which of its columns are which contract column::

    sheet: Table 3                 # Excel sheet (default: the first)
    header_row: 4                  # the row of column names (default: detected)
    header_rows: 2                 # several header rows (merged cells) joined as "2019 | Value"
    columns:                       # contract column: source column
      indicator: Measure
      name: Label
      area: [LA_name, Region_name, Country_name]   # a list: the first non-empty
      characteristic: demographic
      group: category
      value: value
      n: r
    constants:                     # contract column: one value for every row
      period: "2018"
    period_year: true              # take the year from a date-like period ("2021-07-31", "16/05/2022")
    wide:                          # many columns of values becoming rows
      columns: '^(\\d{4})$'        # regular expression; its first group is the label
      into: period                 # period, group, indicator...; or a list, one per bracketed part:
                                   #   columns: '^(ethnicity|sex)_(\\w+)$', into: [characteristic, group]
      value: value                 # what the cells hold: value, numerator or denominator
      also: {denominator: '{}_ELIG_16'}   # companion columns, '{}' replaced by the label ('{2}': 2nd part)
    groups:                        # relabel groups; a dict gives the characteristic too
      DIS: {characteristic: disadvantage, group: Disadvantaged}
    breakdowns: [gender, fsm, sen] # several group columns, "ALL"/"Total" where a row is not split by one
    areas: {ALL: England}          # relabel areas
    totals: [Total, All pupils]    # labels meaning the whole population
    filters: {gender: Total}       # keep only rows with these values
    unit: "%"

Rows after the table (notes, sources, footnotes) and blank rows are ignored:
a row is data when it has a value in the first mapped key column or in a
value column. A total row (its group in ``totals``) becomes the whole
population, characteristic and group ``All``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Problem, listing, raise_if, warn_caller
from ..yamlfile import load_yaml
from .common import finish, is_total, keep, numbers
from .tables import read_grid

KEYS = {"sheet", "header_row", "header_rows", "columns", "constants", "wide", "groups", "totals", "filters", "unit",
        "period_year", "format", "breakdowns", "areas"}
CONTRACT = {"indicator", "name", "period", "area", "characteristic", "group", "value", "numerator", "denominator",
            "n", "se", "lower", "upper", "polarity", "unit"}
NUMERIC = ["value", "numerator", "denominator", "n", "se", "lower", "upper"]


def load_mapping(mapping: dict | str | Path | None) -> dict[str, Any]:
    """A mapping from a dict or a YAML file, checked for unknown keys."""
    file = None
    if isinstance(mapping, str | Path):
        file = str(mapping)
        mapping = load_yaml(mapping, "mapping file") or {}
    if not isinstance(mapping, dict):
        raise_if([Problem("a mapping file must be a YAML mapping (columns:, constants:...)", file=file)])
    mapping = dict(mapping or {})
    problems = [Problem(f"unknown mapping key '{k}'; keys are {', '.join(sorted(KEYS))}", file=file, column=k)
                for k in mapping if k not in KEYS]
    problems += _shape_problems(mapping, file)
    for k in (mapping.get("columns") or {}) if isinstance(mapping.get("columns"), dict) else []:
        if k not in CONTRACT:
            problems.append(Problem(f"'{k}' is not an observations column; use one of {', '.join(sorted(CONTRACT))}",
                                    file=file, column=f"columns.{k}"))
    raise_if(problems, context="mapping")
    return mapping


#: what each key holds, for messages that name the key instead of failing later
_SHAPES: dict[str, tuple[tuple[type, ...], str]] = {
    "columns": ((dict,), "a mapping of observations column to source column, e.g. {group: Ethnicity}"),
    "constants": ((dict,), "a mapping of observations column to one value, e.g. {period: '2019'}"),
    "wide": ((dict,), "a mapping with columns (a pattern), into and value"),
    "groups": ((dict,), "a mapping of group label to new label, e.g. {DIS: Disadvantaged}"),
    "areas": ((dict,), "a mapping of area label to new label, e.g. {ALL: England}"),
    "filters": ((dict,), "a mapping of source column to the value to keep"),
    "breakdowns": ((list,), "a list of source columns, e.g. [gender, fsm]"),
    "totals": ((list,), "a list of labels meaning everyone, e.g. [Total, All pupils]"),
    "header_row": ((int,), "a row number, 1 or more"),
    "header_rows": ((int,), "a number of rows, 1 or more"),
    "period_year": ((bool,), "true or false"),
    "unit": ((str,), "text, e.g. '%'"),
    "sheet": ((str, int), "a sheet name or number"),
}


def _shape_problems(m: dict, file: str | None) -> list[Problem]:
    """Each key holds what it should: a mapping, a list, a number... and the wide pattern compiles."""
    problems = []
    for key, (types, what) in _SHAPES.items():
        value = m.get(key)
        if value is None:
            continue
        wrong = not isinstance(value, types) or (bool in types) != isinstance(value, bool)
        if not wrong and key in ("header_row", "header_rows") and value < 1:
            wrong = True
        if wrong:
            problems.append(Problem(f"'{key}' must be {what}", file=file, column=key, value=str(value)))
    wide = m.get("wide")
    if isinstance(wide, dict):
        if not isinstance(wide.get("columns"), str):
            problems.append(Problem("'wide' needs 'columns': a pattern matching the value columns, e.g. '^(\\d{4})$'",
                                    file=file, column="wide.columns"))
        else:
            try:
                re.compile(wide["columns"])
            except re.error as err:
                problems.append(Problem(f"'wide.columns' is not a valid pattern ({err}); check its brackets",
                                        file=file, column="wide.columns", value=wide["columns"]))
        into = wide.get("into", "period")
        if not (isinstance(into, str) or (isinstance(into, list) and into and all(isinstance(i, str) for i in into))):
            problems.append(Problem("'wide.into' must be an observations column or a list of them",
                                    file=file, column="wide.into", value=str(into)))
        if not isinstance(wide.get("also") or {}, dict):
            problems.append(Problem("'wide.also' must be a mapping, e.g. {denominator: '{}_ELIG_16'}", file=file,
                                    column="wide.also"))
    return problems


def detect_header(grid: pd.DataFrame, expected: list[str]) -> int:
    """The header row: the first row holding every expected name, else the first full row.

    Examples
    --------
    >>> g = pd.DataFrame([["Table 1", None, None], [None, None, None], ["Year", "Group", "Value"], ["2020", "A", "1"]],
    ...                  index=[1, 2, 3, 4])
    >>> detect_header(g, ["Group"])
    3
    """
    names = [str(e).strip().lower() for e in expected]
    for row, cells in grid.head(50).iterrows():
        text = {str(c).strip().lower() for c in cells if not pd.isna(c)}
        if names and all(n in text for n in names):
            return int(row)
    counts = grid.head(50).notna().sum(axis=1)
    best = counts.max()
    return int(counts[counts >= max(2, 0.8 * best)].index[0])


def read_mapped(path: Path, mapping: dict | str | Path, *, sheet: str | int | None = None,
                **overrides: Any) -> pd.DataFrame:
    """Read a table described by a mapping (see the module docstring).

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "wide.csv")
    >>> _ = open(f, "w").write("Rates by year\\nGroup,2019,2020\\nTotal,50,52\\nFemale,48,51\\n\\nSource: test\\n")
    >>> m = {"columns": {"group": "Group"}, "constants": {"indicator": "x", "characteristic": "sex"},
    ...      "wide": {"columns": "^(\\\\d{4})$", "into": "period"}}
    >>> read_mapped(f, m)[["period", "group", "value"]].values.tolist()
    [['2019', 'All', 50.0], ['2019', 'Female', 48.0], ['2020', 'All', 52.0], ['2020', 'Female', 51.0]]
    """
    m = load_mapping(mapping)
    m.update({k: v for k, v in overrides.items() if k in KEYS})
    file = str(path)
    sheet = sheet if sheet is not None else m.get("sheet")
    grid = read_grid(path, sheet)
    cols_map: dict[str, str] = dict(m.get("columns") or {})
    wide = m.get("wide")
    expected = [v if isinstance(v, str) else v[0] for v in cols_map.values()]
    head = int(m["header_row"]) if m.get("header_row") else detect_header(grid, expected)
    n_head = int(m.get("header_rows", 1))
    names = _header_names(grid, head, n_head)
    data = grid.loc[head + n_head:].copy()
    data.columns = names
    data["source_row"] = data.index
    sh = str(sheet) if sheet is not None else None

    problems: list[Problem] = []
    sources = [(c, s) for c, v in cols_map.items() for s in ([v] if isinstance(v, str) else v)]
    sources += [("breakdowns", b) for b in m.get("breakdowns") or []]
    for contract, source in sources:
        if source not in data.columns:
            close = [c for c in names if str(c).lower() == str(source).lower()]
            hint = f" (did you mean '{close[0]}'?)" if close else f"; the columns are {listing(names)}"
            problems.append(Problem(f"mapping says {contract} is column '{source}', which is not in row {head}{hint}",
                                    file=file, sheet=sh, column=str(source)))
    raise_if(problems, context=f"mapping for {file}")
    for col, want in (m.get("filters") or {}).items():
        data = keep(data, col, want, problems, file, sh, f"it is not a column in row {head};")
    raise_if(problems, context=f"mapping for {file}")

    # keep data rows: stop notes, sources and blank lines from becoming observations
    key_cols = [c for k in ("group", "indicator", "area", "period") if k in cols_map
                for c in ([cols_map[k]] if isinstance(cols_map[k], str) else cols_map[k])]
    value_cols = [cols_map[k] for k in NUMERIC if k in cols_map]
    if wide:
        pattern = re.compile(wide["columns"])
        value_cols += [c for c in names if isinstance(c, str) and pattern.search(c)]
    has_value = data[value_cols].notna().any(axis=1) if value_cols else pd.Series(True, index=data.index)
    data = data[has_value & (data[key_cols].notna().any(axis=1) if key_cols else True)]

    out = pd.DataFrame(index=data.index)
    for contract, source in cols_map.items():
        if isinstance(source, str):
            out[contract] = data[source]
        else:  # the first of several columns that is filled and not a total ("ALL" at a coarser level)
            out[contract] = _first_specific(data[list(source)])
    if m.get("breakdowns"):
        out["characteristic"], out["group"] = _breakdowns(data, list(m["breakdowns"]))
    for contract, constant in (m.get("constants") or {}).items():
        out[contract] = constant
    out["source_row"] = data["source_row"]
    if wide:
        out = _melt(data, out, wide, names, file, sh, problems)
    for col in NUMERIC:
        if col in out:
            values, reason = numbers(out, col, problems, file, sh)
            out[col] = values
            if col == "value":
                out["reason"] = reason
            elif "reason" in out:
                out["reason"] = out["reason"].fillna(reason)
    raise_if(problems, context=f"file {file}")
    if "value" not in out and {"numerator", "denominator"} <= set(out.columns):
        with np.errstate(divide="ignore", invalid="ignore"):
            out["value"] = 100 * out["numerator"] / out["denominator"]
        out["unit"] = m.get("unit", "%")
    if m.get("unit") and "unit" not in out:
        out["unit"] = m["unit"]
    value_source = cols_map.get("value")
    if "unit" not in out and isinstance(value_source, str) and re.search(r"%|per ?cent", value_source, re.I):
        out["unit"] = "%"  # a publisher's "% employed" column is a per cent
    if m.get("period_year") and "period" in out:
        out["period"] = out["period"].map(_year)
    if m.get("areas") and "area" in out:
        out["area"] = out["area"].map(lambda a: m["areas"].get(a, a))
    out = _drop_placeholders(out, file)
    out = _groups(out, m)
    return finish(_one_whole_population(out))


def _first_specific(cols: pd.DataFrame) -> pd.Series:
    """Per row, the first cell that is filled and not a total; else the first filled one.

    Geography in several columns (``la_name, region``) writes ``ALL`` in the finer
    ones on a coarser row, so a regional row is named by its region and the
    national row keeps ``ALL`` for ``areas:`` to relabel.

    Examples
    --------
    >>> cols = pd.DataFrame({"la": ["Barnet", "ALL", "ALL"], "region": ["London", "London", "ALL"]})
    >>> _first_specific(cols).tolist()
    ['Barnet', 'London', 'ALL']
    """
    specific = cols.where(~cols.map(is_total) & cols.notna())
    return specific.bfill(axis=1).iloc[:, 0].fillna(cols.bfill(axis=1).iloc[:, 0])


def _breakdowns(data: pd.DataFrame, cols: list[str]) -> tuple[list[str], list[str]]:
    """Several group columns: the ones not at their total say who the row is about."""
    chars, groups = [], []
    for _, row in data[cols].iterrows():
        split = [(c, str(row[c]).strip()) for c in cols if not pd.isna(row[c]) and not is_total(row[c])]
        chars.append(" × ".join(c for c, _ in split) or "All")
        groups.append(" × ".join(v for _, v in split) or "All")
    return chars, groups


def _drop_placeholders(out: pd.DataFrame, file: str) -> pd.DataFrame:
    """Periods where every figure is zero while other periods are not: placeholders, not data."""

    if "period" not in out or "indicator" not in out:
        return out
    col = "numerator" if "numerator" in out else "value"
    zero = out[col].fillna(0).eq(0)
    by = zero.groupby([out["indicator"], out["period"]]).transform("all")
    some_real = (~zero).groupby(out["indicator"]).transform("any")
    drop = by & some_real
    if drop.any():
        gone = out.loc[drop, ["indicator", "period"]].drop_duplicates()
        warn_caller(f"{file}: left out periods where every figure is zero (placeholders for data not yet "
                      f"published): {', '.join(f'{i} {p}' for i, p in gone.head(8).itertuples(index=False))}"
                      f"{' and more' if len(gone) > 8 else ''}")
    return out[~drop]


def _header_names(grid: pd.DataFrame, head: int, n_head: int) -> list[str]:
    rows = grid.loc[head:head + n_head - 1]
    if n_head > 1:
        rows = rows.ffill(axis=1)  # a merged header cell covers the columns to its right
    names = []
    for i, col in enumerate(rows.columns):
        parts = [str(v).strip() for v in rows[col] if not pd.isna(v)]
        names.append(" | ".join(dict.fromkeys(parts)) if parts else f"column_{i + 1}")
    seen: dict[str, int] = {}
    unique = []
    for n in names:
        seen[n] = seen.get(n, -1) + 1
        unique.append(n if seen[n] == 0 else f"{n}.{seen[n]}")
    return unique


def _melt(data: pd.DataFrame, out: pd.DataFrame, wide: dict, names: list[str], file: str, sheet,
          problems: list[Problem]) -> pd.DataFrame:
    pattern = re.compile(wide["columns"])
    into = wide.get("into", "period")
    targets = [into] if isinstance(into, str) else list(into)
    for target in targets:
        if target not in CONTRACT:
            problems.append(Problem(f"wide 'into' must be an observations column (or a list of them, one per "
                                    f"bracketed part of 'columns'), not {target!r}", file=file, sheet=sheet))
    if len(targets) > 1 and pattern.groups < len(targets):
        problems.append(Problem(f"wide 'into' names {len(targets)} columns, so 'columns' needs as many bracketed "
                                f"parts; {wide['columns']!r} has {pattern.groups}", file=file, sheet=sheet))
        return out
    what = wide.get("value", "value")
    matched = [(c, pattern.search(c)) for c in names if isinstance(c, str) and pattern.search(c)]
    if not matched:
        problems.append(Problem(f"no column matches the wide pattern {wide['columns']!r}", file=file, sheet=sheet))
        return out
    parts = []
    for col, hit in matched:
        label = hit.group(1) if hit.groups() else col
        part = out.copy()
        for k, target in enumerate(targets):
            part[target] = hit.group(k + 1) if hit.groups() else col
        part[what] = data[col]
        for extra, template in (wide.get("also") or {}).items():
            companion = template.replace("{}", label)
            for k in range(1, pattern.groups + 1):  # '{2}': the second bracketed part
                companion = companion.replace(f"{{{k}}}", hit.group(k) or "")
            if companion not in data.columns:
                problems.append(Problem(f"companion column '{companion}' for '{col}' is missing", file=file,
                                        sheet=sheet, column=companion))
                continue
            part[extra] = data[companion]
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _groups(out: pd.DataFrame, m: dict) -> pd.DataFrame:
    relabel = m.get("groups") or {}
    totals = {str(t).strip().lower() for t in (m.get("totals") or [])}
    if "group" not in out:
        out["group"] = "All"
    if "characteristic" not in out:
        out["characteristic"] = "All"
    chars, groups = [], []
    for ch, g in zip(out["characteristic"], out["group"], strict=True):
        g = "" if g is None else str(g).strip()
        spec = relabel.get(g)
        if isinstance(spec, dict):
            ch, g = spec.get("characteristic", ch), spec.get("group", g)
        elif isinstance(spec, str):
            g = spec
        if g.lower() in totals or is_total(g) or g in ("", "All"):
            ch, g = "All", "All"
        chars.append(ch)
        groups.append(g)
    out["characteristic"], out["group"] = chars, groups
    return out


def _one_whole_population(out: pd.DataFrame) -> pd.DataFrame:
    """Several characteristics' totals (``ethnicity_total``, ``sex_total``) all become the whole population:
    keep one per indicator, period and area. Empty ones go first; repeats of the same figures go; different
    figures stay, for validation to name.

    Examples
    --------
    >>> out = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": ["All", "All", "All", "sex"],
    ...                     "group": ["All", "All", "All", "Female"], "numerator": [None, 90.0, 90.0, 40.0]})
    >>> _one_whole_population(out)["numerator"].tolist()
    [90.0, 40.0]
    """
    whole = (out["characteristic"] == "All") & (out["group"] == "All")
    if whole.sum() < 2:
        return out
    keys = [c for c in ("indicator", "period", "area") if c in out]
    figures = [c for c in NUMERIC if c in out]
    empty = out[figures].isna().all(axis=1) if figures else pd.Series(True, index=out.index)
    has_figures = (whole & ~empty).groupby([out[k] for k in keys]).transform("any") if keys else whole.any()
    drop = whole & empty & has_figures
    drop |= whole & ~drop & out[keys + figures].assign(_w=whole).duplicated(keep="first")
    return out[~drop]


def _year(value: object) -> str:
    """The year in a date-like text: ``2021-07-31``, ``16/05/2022``, ``2021-10`` or ``2026``."""
    hit = re.search(r"(19|20)\d{2}", str(value))
    return hit.group(0) if hit else str(value)
