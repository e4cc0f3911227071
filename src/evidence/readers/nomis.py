"""ONS and Nomis CSV downloads: notes above the table, footnotes below it.

A typical file has a title, a "Date" line and other notes, then a header row
(``Area, Employment rate - aged 16-64, Conf, ...``), the rows, a blank line and
sources and footnotes. The header is the first row with several named cells;
the table ends at the first blank row. Each measure column becomes an
indicator; a following ``Conf`` (or ``+/-``) column is its 95% confidence
half-width, and ``numerator``/``denominator`` columns are its counts. The first
column names the area (default) or, with ``characteristic=``, the group.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Problem, raise_if
from .common import finish, is_total, numbers, slug
from .mapping import detect_header
from .tables import read_grid

CONF = {"conf", "confidence", "+/-", "ci", "margin"}


def read_nomis(path: Path, *, sheet=None, characteristic: str | None = None, period: str | None = None,
               unit: str | None = None) -> pd.DataFrame:
    """Read a Nomis/ONS CSV with notes above and below its table.

    Parameters
    ----------
    characteristic : str, optional
        The first column holds groups of this characteristic (default: areas).
    period : str, optional
        The period, when no "Date" note above the table gives it.

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "aps.csv")
    >>> _ = open(f, "w").write('"annual population survey"\\n"Date","Jan 2022-Dec 2022"\\n\\n'
    ...     '"Area","Employment rate - aged 16-64","Conf"\\n"Barnet","74.2","2.9"\\n"Brent","70.1","!"\\n\\n'
    ...     '"Source: ONS"\\n"! Estimate and confidence interval not available"\\n')
    >>> read_nomis(f)[["area", "period", "value", "lower"]].values.tolist()
    [['Barnet', '2022', 74.2, 71.3], ['Brent', '2022', 70.1, nan]]
    """
    file = str(path)
    grid = read_grid(path, sheet)
    head = detect_header(grid, [])
    notes = grid.loc[:head - 1]
    if period is None:
        for _, row in notes.iterrows():
            cells = [c for c in row if c is not None]
            if len(cells) >= 2 and re.match(r"(date|time|period)", str(cells[0]), re.I):
                years = re.findall(r"(?:19|20)\d{2}", str(cells[1]))
                period = years[-1] if years else str(cells[1])
    rows = grid.loc[head + 1:]
    blank = rows.isna().all(axis=1)
    end = blank.idxmax() if blank.any() else rows.index[-1] + 1
    table = rows.loc[:end - 1] if blank.any() else rows
    header = [str(c).strip() if c is not None else "" for c in grid.loc[head]]
    table = table.copy()
    table.columns = [h or f"column_{i + 1}" for i, h in enumerate(header)]
    table["source_row"] = table.index
    problems: list[Problem] = []
    first = table.columns[0]
    label = table[first].fillna("").astype(str)
    frames = []
    cols = list(table.columns[1:-1])
    for i, col in enumerate(cols):
        if not header[i + 1] or col.lower() in CONF or col.lower() in ("numerator", "denominator"):
            continue
        value, reason = numbers(table, col, problems, file, None)
        part = pd.DataFrame({"indicator": slug(col), "name": col, "value": value, "reason": reason,
                             "source_row": table["source_row"]})
        nxt = cols[i + 1] if i + 1 < len(cols) else None
        if nxt and nxt.lower() in CONF:
            half, _ = numbers(table, nxt, problems, file, None)
            part["lower"], part["upper"] = value - half, value + half
        for extra in ("numerator", "denominator"):
            match = next((c for c in cols[i + 1:i + 4] if c.lower() == extra), None)
            if match:
                part[extra] = numbers(table, match, problems, file, None)[0]
        if characteristic:
            total = label.map(is_total)
            part["characteristic"] = np.where(total, "All", characteristic)
            part["group"] = np.where(total, "All", label)
            part["area"] = ""
        else:
            part["characteristic"], part["group"], part["area"] = "All", "All", label
        part["unit"] = unit if unit is not None else ("%" if re.search(r"rate|%|percent", col, re.I) else "")
        frames.append(part)
    raise_if(problems, context=f"file {file}")
    if not frames:
        raise_if([Problem(f"found no measure columns in the header at row {head}", file=file, rows=(head,))])
    if period is None:
        raise_if([Problem("no period: the notes above the table have no 'Date' line; give period=", file=file)])
    out = pd.concat(frames, ignore_index=True)
    out["period"] = period
    return finish(out)
