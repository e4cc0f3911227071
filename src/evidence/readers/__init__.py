"""Readers: files as publishers write them, turned into the observations table.

``read(path)`` detects the format from the file's columns unless ``format=`` is
given. Every reader returns observations (see :mod:`evidence.observations`)
with a ``source_row`` column holding the row a person sees in the file, and
every problem raises :class:`evidence.EvidenceError` naming the file, sheet,
row and column. Input files are opened read-only and never modified.

Formats: ``observations`` (already in the contract's columns), ``ees`` (DfE
Explore education statistics), ``smc`` (Social Mobility Commission State of
the Nation), ``fingertips`` (OHID Fingertips export), ``fingertips_next``
(FingertipsNext extract), ``eff`` (Ethnicity facts and figures), ``nomis``
(ONS / Nomis CSV with notes above and below), and ``mapping`` (any table,
described by a mapping: see :mod:`evidence.readers.mapping`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import Problem, raise_if
from ..observations import validate
from . import ees, eff, fingertips, mapping, nomis, smc
from .common import numbers
from .tables import read_grid, read_table

FORMATS = ("observations", "ees", "smc", "fingertips", "fingertips_next", "eff", "nomis", "mapping")


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
                         ("fingertips", fingertips.Classic), ("eff", eff)):
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
    indicators = options.pop("indicators", None)
    sheet = options.pop("sheet", None)
    if format is not None and format not in FORMATS:
        raise_if([Problem(f"unknown format '{format}'; use one of {', '.join(FORMATS)}", file=file)])
    if format == "mapping" or "mapping" in options:
        obs = mapping.read_mapped(path, options.pop("mapping", None) or {}, sheet=sheet, **options)
        fmt = "mapping"
    elif format == "nomis":
        obs = nomis.read_nomis(path, **options)
        fmt = "nomis"
    else:
        raw, _ = read_table(path, sheet=sheet)
        fmt = format or detect(list(raw.columns))
        if fmt is None:
            fmt = _sniff_notes(path, sheet)
            if fmt == "nomis":
                obs = nomis.read_nomis(path, **options)
                return _validated(obs, indicators, path, fmt)
            raise_if([Problem(
                "could not tell what kind of table this is from its columns "
                f"({', '.join(map(str, list(raw.columns)[:8]))}...). Give format= (one of "
                f"{', '.join(FORMATS)}) or a mapping of its columns to indicator, period, characteristic, group "
                "and value", file=file, sheet=str(sheet) if sheet else None)])
        obs = _read_known(fmt, raw, file, sheet, options)
    return _validated(obs, indicators, path, fmt)


def _read_known(fmt: str, raw: pd.DataFrame, file: str, sheet, options: dict) -> pd.DataFrame:
    if fmt == "observations":
        if options:
            raise_if([Problem(f"options {sorted(options)} do not apply to an observations file", file=file)])
        return _observations(raw, file, sheet)
    reader = {"ees": ees.read_ees, "smc": smc.read_smc, "fingertips": fingertips.read_fingertips,
              "fingertips_next": fingertips.read_fingertips_next, "eff": eff.read_eff}[fmt]
    return reader(raw, file, sheet=sheet, **options)


def _observations(raw: pd.DataFrame, file: str, sheet) -> pd.DataFrame:
    """A file already in the contract's columns: symbols become missing values with a reason."""
    problems: list[Problem] = []
    out = raw.copy()
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
    out = validate(obs, indicators=indicators, source=str(path))
    out.attrs["format"] = fmt
    return out


__all__ = ["FORMATS", "detect", "read"]
