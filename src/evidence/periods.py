"""Periods: the time labels of observations, and their order.

Publishers write time in several styles. One indicator uses one style; within it
periods must sort in time order. Supported styles:

- ``year``: ``2019``
- ``financial`` or ``academic`` year: ``2019/20`` (also ``2019-20``)
- ``quarter``: ``2019-Q1`` (also ``2019 Q1``)
- ``month``: ``2019-03``
- ``pooled`` years: ``2014-2019`` (sorted by the end year, then the start year)
"""

from __future__ import annotations

import re

import pandas as pd

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("year", re.compile(r"^(\d{4})$")),
    ("financial", re.compile(r"^(\d{4})\s*[/-]\s*(\d{2})$")),
    ("quarter", re.compile(r"^(\d{4})\s*[- ]?\s*Q([1-4])$", re.IGNORECASE)),
    ("month", re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")),
    ("pooled", re.compile(r"^(\d{4})\s*[-–]\s*(\d{4})$")),
]


def normalise_period(value: object) -> str:
    """Return a period as clean text (``2019.0`` becomes ``2019``).

    Examples
    --------
    >>> normalise_period(2019.0)
    '2019'
    >>> normalise_period(" 2019/20 ")
    '2019/20'
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def period_style(period: str) -> str | None:
    """Name the style of a period label, or ``None`` when it is not recognised.

    Examples
    --------
    >>> period_style("2019/20"), period_style("2019-Q3"), period_style("spring")
    ('financial', 'quarter', None)
    """
    for style, pattern in _PATTERNS:
        m = pattern.match(period)
        if m and (style != "financial" or _consecutive(m)):
            return style
    return None


def _consecutive(m: re.Match) -> bool:
    """``2019/20`` is a financial year; ``2019-03`` is a month (20 follows 19, 03 does not)."""
    return (int(m.group(1)) + 1) % 100 == int(m.group(2))


def period_key(period: str) -> tuple[int, int]:
    """A sort key placing periods in time order.

    Examples
    --------
    >>> sorted(["2020/21", "2019/20"], key=period_key)
    ['2019/20', '2020/21']
    """
    for style, pattern in _PATTERNS:
        m = pattern.match(period)
        if not m or (style == "financial" and not _consecutive(m)):
            continue
        first = int(m.group(1))
        if style == "year":
            return (first, 0)
        if style in ("financial", "quarter", "month"):
            return (first, int(m.group(2)))
        return (int(m.group(2)), first)  # pooled: by end year
    raise ValueError(f"unrecognised period {period!r}")


def period_start_year(period: str) -> int:
    """The first calendar year a period touches (``2019/20`` gives 2019)."""
    m = re.match(r"^(\d{4})", period)
    if not m:
        raise ValueError(f"unrecognised period {period!r}")
    return int(m.group(1))


def sort_periods(periods: pd.Series | list[str]) -> list[str]:
    """Distinct periods in time order.

    Examples
    --------
    >>> sort_periods(["2020", "2018", "2019", "2018"])
    ['2018', '2019', '2020']
    """
    return sorted(set(periods), key=period_key)


def crosses_break(baseline: str, current: str, breaks: list[str]) -> str | None:
    """Return the first series break lying in ``(baseline, current]``, if any.

    A break period is the first period measured the new way, so a comparison
    from 2016 to 2017 crosses a 2017 break.

    Examples
    --------
    >>> crosses_break("2016", "2018", ["2017"])
    '2017'
    >>> crosses_break("2017", "2018", ["2017"]) is None
    True
    """
    lo, hi = period_start_year(baseline), period_start_year(current)
    for b in sorted(breaks, key=period_start_year):
        if lo < period_start_year(b) <= hi:
            return b
    return None
