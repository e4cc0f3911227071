"""Readers: files as publishers write them, turned into the observations table.

``read(path)`` detects the format from the file's columns unless ``format=`` is
given. Every reader returns observations (see :mod:`evidence.observations`)
with a ``source_row`` column holding the row a person sees in the file, and
every problem raises :class:`evidence.EvidenceError` naming the file, sheet,
row and column. Input files are opened read-only and never modified.

Formats: ``observations`` (already in the contract's columns), ``ees`` (DfE
Explore education statistics), ``smc`` (Social Mobility Commission State of
the Nation), ``fingertips`` (OHID Fingertips export), ``fingertips_next``
(FingertipsNext extract), ``eff`` (Ethnicity facts and figures),
``gender_pay_gap`` (the Gender pay gap service download), ``nomis``
(ONS / Nomis CSV with notes above and below), and ``mapping`` (any table,
described by a mapping: see :mod:`evidence.readers.mapping`).
"""

from __future__ import annotations

import difflib
import inspect
from pathlib import Path

import pandas as pd

from ..errors import Problem, listing, raise_if, warn_caller
from ..observations import validate
from . import ees, eff, fingertips, mapping, nomis, paygap, smc
from .common import keep, numbers
from .tables import read_grid, read_table

FORMATS = ("observations", "ees", "smc", "fingertips", "fingertips_next", "eff", "gender_pay_gap", "nomis", "mapping")
#: the columns that identify each format, named in the message when a file given ``format=`` lacks them
SIGNATURES = {
    "observations": ["indicator", "period", "characteristic", "group", "value"],
    "ees": ["time_period", "time_identifier", "geographic_level"],
    "smc": sorted(smc.REQUIRED),
    "fingertips": ["Indicator ID", "Area Code", "Time period", "Value"],
    "fingertips_next": ["IndicatorId", "AreaCode", "Year", "Value", "LowerCI", "UpperCI"],
    "eff": ["Measure", "Ethnicity", "Time", "Value"],
    "gender_pay_gap": paygap.SIGNATURE,
}


def detect(columns: list[str]) -> str | None:
    """Name the format whose columns these are, or None.

    Examples
    --------
    >>> detect(["time_period", "time_identifier", "geographic_level", "cohort"])
    'ees'
    """
    cols = [str(c) for c in columns]
    if {"indicator", "period", "characteristic", "group", "value"} <= set(cols):
        return "observations"
    for name, module in (("ees", ees), ("smc", smc), ("fingertips_next", fingertips.Next),
                         ("fingertips", fingertips.Classic), ("eff", eff), ("gender_pay_gap", paygap)):
        if module.looks_like(cols):
            return name
    return None


def read(path: str | Path, format: str | None = None, **options) -> pd.DataFrame:
    """Read a file into validated observations.

    Parameters
    ----------
    path : str or Path
        A CSV, Excel or Parquet file.
    format : str, optional
        One of :data:`FORMATS`; detected from the columns when not given.
    **options
        ``sheet`` for Excel; ``indicators`` metadata to join; ``mapping`` (a
        dict or YAML path) for ``format="mapping"``; and each format's own
        options (for example ``filters=`` and ``denominator=`` for EES).

    Raises
    ------
    EvidenceError
        Naming file, sheet, row and column for every problem.

    Examples
    --------
    >>> import evidence as ev, tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "obs.csv")
    >>> ev.demo.observations().to_csv(f, index=False)
    >>> len(read(f)) == len(ev.demo.observations())
    True
    """
    path = Path(path)
    file = str(path)
    if not path.exists():
        raise_if([Problem("file not found; check the path", file=file)])
    if path.is_dir():
        raise_if([Problem("is a folder, not a file; name the data files in it (e.g. folder/*.csv)", file=file)])
    indicators = options.pop("indicators", None)
    sheet = options.pop("sheet", None)
    filters = options.pop("filters", None)
    if filters is not None and not isinstance(filters, dict):
        raise_if([Problem("filters must be a mapping of column to value, e.g. {institution_group: Total}",
                          file=file, column="filters")])
    if format is not None and format not in FORMATS:
        raise_if([Problem(f"unknown format '{format}'; use one of {', '.join(FORMATS)}", file=file)])
    if format == "mapping" or "mapping" in options:
        if filters is not None:
            options["filters"] = filters
        _check_options("mapping", set(options) - {"mapping"}, file)
        obs = mapping.read_mapped(path, options.pop("mapping", None) or {}, sheet=sheet, **options)
        fmt = "mapping"
    elif format == "nomis":
        _check_options("nomis", set(options), file)
        obs = _filter(nomis.read_nomis(path, **options), filters, file)
        fmt = "nomis"
    else:
        raw, _ = read_table(path, sheet=sheet)
        if format is not None and format in SIGNATURES:
            _check_columns(format, list(raw.columns), file, sheet)
        fmt = format or detect(list(raw.columns))
        if fmt is None:
            fmt = _sniff_notes(path, sheet)
            if fmt == "nomis":
                _check_options("nomis", set(options), file)
                obs = _filter(nomis.read_nomis(path, **options), filters, file)
                return _validated(obs, indicators, path, fmt)
            raise_if([Problem(
                "could not tell what kind of table this is from its columns "
                f"({listing(list(raw.columns)[:-1] if list(raw.columns)[-1:] == ['source_row'] else raw.columns)}). "
                "Give format= (one of "
                f"{', '.join(FORMATS)}) or a mapping of its columns to indicator, period, characteristic, group "
                "and value", file=file, sheet=str(sheet) if sheet else None)])
        if filters is not None and "filters" in options_of(fmt):
            options["filters"], filters = filters, None
        _check_options(fmt, set(options), file)
        obs = _filter(_read_known(fmt, raw, file, sheet, options), filters, file)
    return _validated(obs, indicators, path, fmt)


def _filter(obs: pd.DataFrame, filters: dict | None, file: str) -> pd.DataFrame:
    """Keep observations whose columns have the given values (for formats whose reader has no filters)."""
    if not filters:
        return obs
    problems: list[Problem] = []
    for col, want in filters.items():
        obs = keep(obs, col, want, problems, file, columns="after reading,")
    raise_if(problems)
    return obs


_READERS = {"ees": ees.read_ees, "smc": smc.read_smc, "fingertips": fingertips.read_fingertips,
            "fingertips_next": fingertips.read_fingertips_next, "eff": eff.read_eff,
            "gender_pay_gap": paygap.read_pay_gap}


def options_of(fmt: str) -> list[str]:
    """The read options a format accepts (besides ``sheet``, ``indicators`` and ``format``).

    Examples
    --------
    >>> options_of("ees")
    ['denominator', 'filters', 'geographic_level', 'measures', 'unit']
    """
    if fmt == "observations":
        return []
    if fmt == "mapping":
        return sorted(mapping.KEYS - {"sheet", "format"})
    func = nomis.read_nomis if fmt == "nomis" else _READERS[fmt]
    return sorted(n for n, p in inspect.signature(func).parameters.items()
                  if p.kind == p.KEYWORD_ONLY and n != "sheet")


def _check_options(fmt: str, given: set[str], file: str) -> None:
    allowed = options_of(fmt)
    problems = []
    for name in sorted(given - set(allowed)):
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        listed = f"options for {fmt} files are {', '.join(allowed)}" if allowed else \
            f"{fmt} files take no read options"
        problems.append(Problem(f"read option '{name}' does not apply here{hint}; {listed}", file=file,
                                column=name))
    raise_if(problems)


def _check_columns(fmt: str, columns: list[str], file: str, sheet) -> None:
    """A file given ``format=`` must have that format's columns."""
    need = SIGNATURES[fmt]
    have = {str(c) for c in columns} | ({str(c).lower() for c in columns} if fmt == "ees" else set())
    missing = [c for c in need if c not in have]
    if missing:
        shown = listing([c for c in columns if c != "source_row"])
        raise_if([Problem(f"is not a file in the '{fmt}' format: it lacks the column{'s' if len(missing) > 1 else ''} "
                          f"{', '.join(missing)} (it has {shown}); leave out --format to detect the format, "
                          "or give a mapping", file=file, sheet=str(sheet) if sheet is not None else None)])


def _read_known(fmt: str, raw: pd.DataFrame, file: str, sheet, options: dict) -> pd.DataFrame:
    if fmt == "observations":
        return _observations(raw, file, sheet)
    return _READERS[fmt](raw, file, sheet=sheet, **options)


#: columns an observations file may carry besides the contract's; anything else is reported, not used
KNOWN_COLUMNS = ["indicator", "name", "period", "area", "area_code", "characteristic", "group", "value", "numerator",
                 "denominator", "n", "se", "lower", "upper", "suppressed", "reason", "polarity", "kind", "unit",
                 "multiplier", "population", "domain", "source", "ci_level", "note", "breaks", "source_row"]


def _unused_columns(columns: list[str], file: str) -> None:
    """Warn about columns nobody reads; a near miss of a known column (``denominater``) is named."""
    unused = [c for c in columns if c not in KNOWN_COLUMNS]
    if not unused:
        return
    notes = []
    for c in unused:
        close = difflib.get_close_matches(str(c).strip().lower(), KNOWN_COLUMNS, n=1, cutoff=0.75)
        notes.append(f"'{c}' (did you mean '{close[0]}'?)" if close and close[0] not in columns else f"'{c}'")
    warn_caller(f"{file}: column{'s' if len(unused) > 1 else ''} {', '.join(notes)} "
                  f"{'are' if len(unused) > 1 else 'is'} not used: the observations columns are "
                  f"{', '.join(KNOWN_COLUMNS[:-1])}; rename a misspelt column, or it is left out")


def _observations(raw: pd.DataFrame, file: str, sheet) -> pd.DataFrame:
    """A file already in the contract's columns: symbols become missing values with a reason."""
    problems: list[Problem] = []
    _unused_columns(list(raw.columns), file)
    out = raw.copy()
    if "value" in out:  # "45%": the sign is the unit, where the file does not state one
        signed = out["value"].map(lambda v: isinstance(v, str) and v.strip().endswith("%")).astype(bool)
        if signed.any():
            unit = out["unit"] if "unit" in out else pd.Series(None, index=out.index, dtype=object)
            blank = unit.isna() | (unit.astype(str).str.strip() == "")
            out["unit"] = unit.astype(object).where(~(signed & blank), "%")
    reasons = pd.Series(None, index=out.index, dtype=object)
    for col in ("value", "numerator", "denominator", "n", "se", "lower", "upper"):
        if col in out:
            values, reason = numbers(out, col, problems, file, str(sheet) if sheet is not None else None)
            out[col] = values
            if col == "value":  # why a value is missing; the other columns only need parsing
                reasons = reason
    raise_if(problems, context=f"file {file}")
    if "reason" not in out:
        out["reason"] = reasons.where(reasons != "missing", None)
    flagged = out["reason"].fillna("").astype(str).str.startswith("suppressed")
    out["suppressed"] = flagged | (out["suppressed"].map(lambda v: str(v).strip().lower() in {"true", "1", "yes"})
                                   if "suppressed" in out else False)
    return out


def _sniff_notes(path: Path, sheet) -> str | None:
    """A CSV with notes above its header (Nomis, ONS) reads as nomis."""
    grid = read_grid(path, sheet=sheet)
    return "nomis" if len(grid) > 3 and grid.iloc[0].notna().sum() <= 2 else None


def _validated(obs: pd.DataFrame, indicators, path: Path, fmt: str) -> pd.DataFrame:
    if obs.empty:  # never an empty success: say why nothing was read
        raise_if([Problem(f"no observations were read from this file (read as {fmt}): it has no data rows, or "
                          "every row was filtered out, or none of its columns held figures. Check the file and any "
                          "filters; `evidence validate` shows what was understood", file=str(path))])
    out = validate(obs, indicators=indicators, source=str(path))
    out.attrs["format"] = fmt
    return out


__all__ = ["FORMATS", "detect", "read"]
