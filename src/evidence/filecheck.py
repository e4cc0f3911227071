"""`evidence validate`: read files as ``ev.read`` would and say what was understood."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

import pandas as pd

from .errors import EvidenceError, EvidenceWarning
from .periods import sort_periods


def summarise(obs: pd.DataFrame) -> list[str]:
    """Lines describing what a table holds: indicators, periods, groups, suppressed cells.

    Examples
    --------
    >>> import evidence as ev
    >>> summarise(ev.demo.observations())[0]
    '1383 rows'
    """
    lines = [f"{len(obs)} rows"]
    periods = sort_periods(obs["period"].astype(str))
    lines.append(f"indicators ({obs['indicator'].nunique()}): {', '.join(sorted(obs['indicator'].unique()))}")
    lines.append(f"periods ({len(periods)}): {', '.join(periods)}")
    for ch, block in obs.groupby("characteristic", sort=True):
        groups = sorted(block["group"].unique())
        shown = ", ".join(groups[:12]) + (f" and {len(groups) - 12} more" if len(groups) > 12 else "")
        lines.append(f"characteristic '{ch}' ({len(groups)} groups): {shown}")
    sup = int(obs["suppressed"].sum()) if "suppressed" in obs else 0
    missing = int(obs["value"].isna().sum())
    lines.append(f"suppressed cells: {sup}; cells with no value: {missing}")
    return lines


def validate_files(files: Iterable[str | Path], indicators: str | Path | None = None, out: TextIO | None = None,
                   format: str | None = None, mapping: str | Path | None = None) -> bool:
    """Validate each file; print every problem, or what was understood and any warnings. True when all are fine."""
    import warnings

    from .readers import read

    ok = True
    for f in files:
        print(f"== {f}", file=out)
        options = {"mapping": mapping} if mapping else {}
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", EvidenceWarning)
                obs = read(f, format=format, indicators=indicators, **options)
        except EvidenceError as exc:
            ok = False
            print(str(exc), file=out)
            continue
        fmt = obs.attrs.get("format", format or "detected")
        print(f"  read as: {fmt}", file=out)
        for line in summarise(obs):
            print(f"  {line}", file=out)
        for w in caught:
            if issubclass(w.category, EvidenceWarning):
                print(f"  warning: {w.message}", file=out)
        print("  OK", file=out)
    return ok
