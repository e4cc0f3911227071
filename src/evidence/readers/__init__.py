"""Readers: files as publishers write them, turned into the observations table.

``read(path)`` detects the format from the file's columns unless ``format=`` is
given. Every reader returns observations (see :mod:`evidence.observations`)
with a ``source_row`` column so errors can name the row a person sees in the
file; every problem raises :class:`evidence.EvidenceError` naming the file,
sheet, row and column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import Problem, raise_if
from ..observations import validate
from .tables import read_table


def read(path: str | Path, format: str | None = None, **options) -> pd.DataFrame:
    """Read a file into validated observations.

    Parameters
    ----------
    path : str or Path
        A CSV, Excel or Parquet file.
    format : str, optional
        ``"observations"`` (already in the contract's columns). Detected when
        not given.
    **options
        ``sheet`` for Excel; ``indicators`` metadata to join.

    Examples
    --------
    >>> import evidence as ev, tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "obs.csv")
    >>> ev.demo.observations().to_csv(f, index=False)
    >>> len(read(f)) == len(ev.demo.observations())
    True
    """
    path = Path(path)
    if not path.exists():
        raise_if([Problem("file not found; check the path", file=str(path))])
    indicators = options.pop("indicators", None)
    raw, header_row = read_table(path, sheet=options.pop("sheet", None))
    fmt = format or "observations"
    if fmt != "observations":
        raise_if([Problem(f"unknown format '{fmt}'", file=str(path))])
    raw = raw.assign(source_row=range(header_row + 1, header_row + 1 + len(raw)))
    return validate(raw, indicators=indicators, source=path.name)
