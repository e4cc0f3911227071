"""Safe notebook parameters: every parameter checked when a run starts, with the fix in the message.

A notebook's parameters cell is Python, so ``period = 2024/25`` typed without
quotes silently becomes the number 80.96, and a misspelt indicator only fails
halfway through the run with a traceback. :func:`check_parameters` looks at
every parameter by its name before anything is computed and raises one
:class:`~evidence.errors.EvidenceError` listing each problem, naming the
parameter and saying what to write instead (``write the period in quotes:
period = "2024/25"``). On the command line that is exit code 2.

Relative paths are read from the folder the run started in: where you typed
``evidence`` on the command line, or the notebook's own folder in JupyterLab
(paths inside a scheme file are read from the scheme's folder). Messages always
show the absolute path that was tried.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import EvidenceError, Problem

PERIOD_NAMES = ("period", "baseline", "current")
DATE_NAMES = ("snapshot",)  # the workforce profile's snapshot date
COMPARATORS = ("overall", "rest", "reference", "best")
ADJUSTMENTS = ("holm", "bh")
#: parameters naming files or folders that must exist (``output_dir`` is made by the run)
_OUTPUT_PATHS = ("output_dir",)


def check_parameters(params: Mapping[str, Any], obs: pd.DataFrame | None = None,
                     base: str | Path | None = None) -> dict[str, Any]:
    """Check a notebook's parameters by their names; return them cleaned.

    Parameters
    ----------
    params : mapping
        Parameter names and values, as set in the notebook's parameters cell
        (or injected by papermill). Names checked: ``period``, ``baseline``,
        ``current`` (periods); ``indicator(s)``, ``characteristic(s)``, ``area``
        (must be in ``obs``); ``comparator``, ``reference``; ``level``; ``strict``;
        ``min_numerator``, ``min_denominator``, ``min_n``; ``snapshot`` (a date); ``adjust``; any name ending
        ``_path`` (must exist) and ``output_dir``. Other names pass unchanged.
    obs : DataFrame, optional
        The observations, once loaded: periods, indicators and characteristics
        are then checked against what the data holds.
    base : path, optional
        Folder that relative paths are read from; default the current folder.

    Returns
    -------
    dict
        The parameters with periods as text and paths made absolute.

    Raises
    ------
    EvidenceError
        One message listing every bad parameter, each with its fix.

    Examples
    --------
    >>> check_parameters({"period": "2024/25", "level": 0.9})
    {'period': '2024/25', 'level': 0.9}
    >>> try:
    ...     check_parameters({"period": 2024/25})
    ... except EvidenceError as exc:
    ...     print(exc.problems[0].message)  # doctest: +ELLIPSIS
    period is the number 80.96, not a period: ... write the period in quotes: period = "2024/25"
    """
    base = Path(base) if base is not None else Path.cwd()
    problems: list[Problem] = []
    out = dict(params)
    periods = _sorted_periods(obs)
    for name, value in params.items():
        if value is None:
            continue
        if name in PERIOD_NAMES:
            out[name] = _period(name, value, periods, problems)
        elif name in ("indicator", "indicators"):
            out[name] = _choices(name, value, _values(obs, "indicator"), problems)
        elif name in ("characteristic", "characteristics"):
            out[name] = _choices(name, value, _values(obs, "characteristic"), problems)
        elif name == "area":
            out[name] = _choices(name, value, _values(obs, "area"), problems)
        elif name == "comparator":
            out[name] = _choices(name, value, COMPARATORS, problems, what="a comparator")
        elif name == "adjust":
            out[name] = _choices(name, value, ADJUSTMENTS, problems, what="an adjustment")
        elif name == "reference":
            _reference(value, obs, problems)
        elif name == "level":
            out[name] = _level(value, problems)
        elif name == "strict":
            if not isinstance(value, bool):
                problems.append(Problem(f"strict must be True, False or None, not {value!r}: write strict = True"))
        elif name in DATE_NAMES:
            out[name] = _date(name, value, problems)
        elif name in ("min_numerator", "min_denominator", "min_n"):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.append(Problem(f"{name} must be a whole number of people, 0 or more, not {value!r}: "
                                        f"write for example {name} = {5 if 'numerator' in name else 10}"))
        elif name.endswith("_path") or name in _OUTPUT_PATHS:
            out[name] = _paths(name, value, base, problems, must_exist=name not in _OUTPUT_PATHS)
    if problems:
        raise EvidenceError(problems, context="the notebook's parameters (fix them in the parameters cell, "
                                              "or on the command line)")
    return out


# ---------------------------------------------------------------- periods
def unquoted_period(value: float) -> str | None:
    """The period a number came from when typed without quotes (``2024/25`` → 80.96), if any.

    Examples
    --------
    >>> unquoted_period(2024/25), unquoted_period(2019/20), unquoted_period(80.5)
    ('2024/25', '2019/20', None)
    """
    for year in range(1950, 2100):
        nxt = (year + 1) % 100
        if nxt and math.isclose(year / nxt, value, rel_tol=0, abs_tol=1e-9):
            return f"{year}/{nxt:02d}"
    return None


def _period(name: str, value: Any, periods: list[str], problems: list[Problem]) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.append(Problem(f"{name} must be a period in quotes such as {name} = \"2024\", not {value!r}"))
        return value
    if isinstance(value, float) and not value.is_integer():
        typed = unquoted_period(value)
        hint = f"{typed} typed without quotes is divided out by Python" if typed else "a period is text"
        fix = typed or "2024/25"
        problems.append(Problem(f"{name} is the number {value:g}, not a period: {hint}; "
                                f"write the period in quotes: {name} = \"{fix}\""))
        return value
    text = str(int(value)) if isinstance(value, int | float) else value.strip()
    typed = unquoted_period(float(text)) if re.fullmatch(r"\d+\.\d+", text) else None
    if typed:  # the number came from a notebook where the period was typed without quotes
        problems.append(Problem(f"{name} is {text}, not a period: {typed} typed without quotes in Python is divided "
                                f"out; write the period in quotes: {name} = \"{typed}\""))
        return text
    if periods and text not in periods:
        typed = [p for p in periods if isinstance(value, int) and _subtracted(p) == value]
        if typed:
            problems.append(Problem(f"{name} is the number {value}, not a period: {typed[0]} typed without quotes "
                                    f"is subtracted out by Python; write the period in quotes: "
                                    f"{name} = \"{typed[0]}\""))
        else:
            near = difflib.get_close_matches(text, periods, n=1, cutoff=0.6)
            hint = f' Did you mean {name} = "{near[0]}"?' if near else ""
            problems.append(Problem(f"{name} {text!r} is not in the data, which has {_listing(periods)}.{hint}"))
    return text


def _subtracted(period: str) -> int | None:
    """``2024-25`` typed without quotes is 1999."""
    left, sep, right = period.partition("-")
    return int(left) - int(right) if sep and left.isdigit() and right.isdigit() else None


def _sorted_periods(obs: pd.DataFrame | None) -> list[str]:
    if obs is None or "period" not in obs:
        return []
    from .periods import sort_periods

    try:
        return sort_periods(obs["period"].dropna().astype(str).unique().tolist())
    except (ValueError, KeyError):
        return sorted(obs["period"].dropna().astype(str).unique())


def _date(name: str, value: Any, problems: list[Problem]) -> Any:
    """A date in quotes: ``2024-03-31`` typed without quotes is the number 1990."""
    fix = f'write the date in quotes: {name} = "2024-03-31"'
    if not isinstance(value, str):
        what = f"the number {value:g}" if isinstance(value, int | float) and not isinstance(value, bool) else \
            repr(value)
        problems.append(Problem(f"{name} is {what}, not a date: a date typed without quotes is subtracted out by "
                                f"Python; {fix}"))
        return value
    try:
        return str(pd.Timestamp(value.strip()).date())
    except (ValueError, TypeError):
        problems.append(Problem(f"{name} {value!r} is not a date; {fix}"))
        return value


# ---------------------------------------------------------------- names
def _values(obs: pd.DataFrame | None, column: str) -> list[str]:
    if obs is None or column not in obs:
        return []
    values = obs[column].dropna().astype(str).unique().tolist()
    return sorted(v for v in values if v != "All") if column == "characteristic" else sorted(values)


def _choices(name: str, value: Any, allowed: Iterable[str], problems: list[Problem], what: str | None = None) -> Any:
    allowed = list(allowed)
    many = isinstance(value, list | tuple)
    items = list(value) if many else [value]
    if not all(isinstance(v, str) for v in items):
        example = f'["{allowed[0]}"]' if many and allowed else f'"{allowed[0]}"' if allowed else '"..."'
        problems.append(Problem(f"{name} must be text in quotes, not {value!r}: write for example "
                                f"{name} = {example}"))
        return value
    if not allowed:
        return value
    for v in items:
        if v in allowed:
            continue
        near = [a for a in allowed if a.lower() == v.lower()] or difflib.get_close_matches(v, allowed, n=1,
                                                                                           cutoff=0.6)
        hint = f' Did you mean "{near[0]}"?' if near else ""
        kind = what or f"{'an' if name[0] in 'aeiou' else 'a'} {name.rstrip('s')}"
        where = "" if what else " in the data"
        problems.append(Problem(f"{name}: {v!r} is not {kind}{where}.{hint} The choices are "
                                f"{_listing(allowed)}."))
    return value


def _reference(value: Any, obs: pd.DataFrame | None, problems: list[Problem]) -> None:
    if isinstance(value, str):
        return
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str)
                                                  for k, v in value.items()):
        problems.append(Problem(f"reference must name a group for each characteristic, not {value!r}: write "
                                'for example reference = {"ethnicity": "White British"}'))
        return
    if obs is None or not {"characteristic", "group"} <= set(obs.columns):
        return
    for ch, group in value.items():
        groups = sorted(obs.loc[obs["characteristic"] == ch, "group"].dropna().astype(str).unique())
        if groups and group not in groups:
            near = difflib.get_close_matches(group, groups, n=1, cutoff=0.6)
            hint = f' Did you mean "{near[0]}"?' if near else ""
            problems.append(Problem(f"reference: {group!r} is not a group of {ch} in the data.{hint} The groups "
                                    f"are {_listing(groups)}."))


def _listing(values: list[str], limit: int = 12) -> str:
    shown = ", ".join(f'"{v}"' for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


# ---------------------------------------------------------------- numbers and paths
def _level(value: Any, problems: list[Problem]) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        problems.append(Problem(f"level must be a number between 0 and 1, not {value!r}: write level = 0.95"))
        return value
    if not 0 < value < 1:
        fix = f"{value / 100:g}" if 50 <= value < 100 else "0.95"  # 90 is a per cent; 1.5 is no level
        problems.append(Problem(f"level {value:g} is outside 0 to 1: a confidence level is a fraction; "
                                f"write level = {fix}"))
    return float(value)


def _paths(name: str, value: Any, base: Path, problems: list[Problem], must_exist: bool) -> Any:
    many = isinstance(value, list | tuple)
    items = list(value) if many else [value]
    out = []
    for v in items:
        if not isinstance(v, str | Path) or not str(v).strip():
            problems.append(Problem(f"{name} must be a file name in quotes, not {v!r}: write for example "
                                    f'{name} = "data/raw/my_file.csv"'))
            out.append(v)
            continue
        path = Path(v).expanduser()
        path = path if path.is_absolute() else base / path
        path = path.resolve()
        if must_exist and not path.exists():
            where = "" if Path(v).is_absolute() else f" (a relative path is read from {base.resolve()}, the " \
                                                      "folder the run started in)"
            problems.append(Problem(f"{name}: there is no file at {path}{where}. Check the name, or give the full "
                                    "path"))
        out.append(str(path))
    return out if many else out[0]


def _known(name: str) -> bool:
    return (name in PERIOD_NAMES or name.endswith("_path") or name in _OUTPUT_PATHS or name in {
        "indicator", "indicators", "characteristic", "characteristics", "area", "comparator", "adjust", "reference",
        "level", "strict", "min_numerator", "min_denominator", "min_n", *DATE_NAMES})


def check_notebook(namespace: dict[str, Any], obs: pd.DataFrame | None = None) -> None:
    """Check the parameters in a notebook's namespace and put the cleaned values back.

    Call it as ``check_notebook(globals())`` in the cell after the parameters
    cell (and again with ``obs=`` once the data are loaded). Every name
    :func:`check_parameters` knows is checked; other names are left alone.

    Examples
    --------
    >>> ns = {"period": 2024, "title": "mine"}
    >>> check_notebook(ns)
    >>> ns
    {'period': '2024', 'title': 'mine'}
    """
    params = {k: v for k, v in namespace.items() if not k.startswith("_") and _known(k)}
    namespace.update(check_parameters(params, obs=obs))
