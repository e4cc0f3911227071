"""`evidence validate`: read files as ``ev.read`` would and say what was understood."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

import pandas as pd

from .errors import EvidenceError, EvidenceWarning, listing
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
        shown = listing(groups)
        lines.append(f"characteristic '{ch}' ({len(groups)} groups): {shown}")
    if "area" in obs:
        areas = sorted(a for a in obs["area"].astype(str).unique() if a)
        if areas:
            lines.append(f"areas ({len(areas)}): {listing(areas)}")
    sup = int(obs["suppressed"].sum()) if "suppressed" in obs else 0
    missing = int(obs["value"].isna().sum())
    lines.append(f"suppressed cells: {sup}; cells with no value: {missing}")
    return lines


def validate_files(files: Iterable[str | Path], indicators: str | Path | None = None, out: TextIO | None = None,
                   format: str | None = None, mapping: str | Path | None = None,
                   filters: dict[str, str] | None = None, period: str | None = None) -> bool:
    """Validate each file; print every problem, or what was understood and any warnings. True when all are fine.

    A ``.yaml``/``.yml`` file is taken as a scheme and checked with its data (see :func:`validate_scheme`).
    """
    import warnings

    from .readers import read

    ok = True
    for f in files:
        print(f"== {f}", file=out)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", EvidenceWarning)
            try:
                if Path(f).suffix.lower() in (".yaml", ".yml") and not mapping:
                    lines = validate_scheme(f, period=period, indicators=indicators, filters=filters)
                else:
                    options = {"mapping": mapping} if mapping else {}
                    if filters:
                        options["filters"] = filters
                    obs = read(f, format=format, indicators=indicators, **options)
                    lines = [f"read as: {obs.attrs.get('format', format or 'detected')}"] + summarise(obs)
            except EvidenceError as exc:
                ok = False
                print(str(exc), file=out)
                _print_warnings(caught, out)
                continue
        for line in lines:
            print(f"  {line}", file=out)
        _print_warnings(caught, out)
        print("  OK", file=out)
    return ok


def _print_warnings(caught, out) -> None:
    seen = set()
    for w in caught:
        if issubclass(w.category, EvidenceWarning) and str(w.message) not in seen:
            seen.add(str(w.message))
            print(f"  warning: {w.message}", file=out)


def validate_scheme(path: str | Path, period: str | None = None, indicators: str | Path | None = None,
                    filters: dict[str, str] | None = None) -> list[str]:
    """Check a scheme and its data as ``evidence report`` would, without running the notebook.

    Loads the scheme, reads every data source (keeping only the rows ``filters``
    choose, as ``--filter`` on the command line: see :meth:`Scheme.with_filters`), checks that each measure's
    indicator, characteristics, groups and periods are in the data, and
    computes every result the report shows. Returns lines saying what was
    found; raises :class:`EvidenceError` naming file, line and column otherwise.
    """
    from .periods import normalise_period
    from .results import build, load_data
    from .scheme import Scheme

    scheme = Scheme.from_yaml(path).with_filters(filters)
    current = normalise_period(period) if period else scheme.current
    if not current:
        from .errors import Problem, raise_if

        raise_if([Problem("no period to check: set 'current' in the scheme or give --period", file=str(path))])
    obs, meta, inputs = load_data(scheme, None, indicators)
    results = build(scheme, obs, meta, current, inputs=inputs)
    ev = results.evaluation
    counts = ev["rag"].value_counts()
    lines = [f"scheme: {scheme.name} ({len(scheme.objectives)} objectives, {len(scheme.measures())} measures)",
             f"data: {listing(str(p) for p in inputs) if inputs else 'the built-in demo data'}",
             f"baseline {results.baseline}, current {results.current}"]
    area = getattr(scheme, "area", None)
    if area:
        lines.append(f"area: {area}")
    if filters:
        lines.append(f"filters: {', '.join(f'{k}={v}' for k, v in filters.items())}")
    lines += summarise(obs)[:3]
    lines.append(f"results: {len(ev)} rows; green {counts.get('green', 0)}, amber {counts.get('amber', 0)}, "
                 f"red {counts.get('red', 0)}")
    return lines
