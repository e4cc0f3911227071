"""The scheme rule ``representation``: a group's share matches its population share.

A measure such as::

    - id: workforce
      title: Council workforce reflects the borough (ethnic group)
      indicator: workforce_share          # headcounts: numerator = staff in the group
      characteristics: [ethnicity]
      rule: representation
      tolerance: 5                        # percentage points
      population_shares: census.csv       # or "demo", or {group: share, ...}

is evaluated with :func:`evidence.representation.representation` in the
current period (and the baseline, to show the change). A group is
``in_line`` when the interval of the difference between its share and its
population share reaches within ``tolerance`` points, ``under_represented`` or
``over_represented`` when the whole interval lies beyond it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import EvidenceError, Problem
from .narrative import fmt_signed, group_phrase
from .periods import normalise_period
from .representation import representation

STATUS = {"under": "under_represented", "over": "over_represented", "in_line": "in_line"}


def load_benchmark(spec: Any, characteristics: list[str] | None) -> pd.DataFrame | dict | None:
    """The population shares a measure names: ``"demo"``, a CSV or Excel path, or a mapping.

    Examples
    --------
    >>> load_benchmark({"Female": 51, "Male": 49}, ["sex"])
    {'Female': 51, 'Male': 49}
    """
    if spec is None:
        return None
    if isinstance(spec, dict):
        return spec
    if str(spec) == "demo":
        from .demo_workforce import census

        return census()
    path = Path(spec)
    if not path.exists():
        raise EvidenceError([Problem("population_shares file not found; give a path relative to the scheme file",
                                     file=str(path), column="population_shares")])
    table = pd.read_excel(path) if path.suffix.lower() in (".xlsx", ".xls") else pd.read_csv(path)
    if "characteristic" not in table.columns and characteristics and len(characteristics) == 1:
        table["characteristic"] = characteristics[0]
    return table


def evaluate(m, obs: pd.DataFrame, base: str, current: str, indicators, opts: dict) -> pd.DataFrame:
    """One row per group for a representation measure (the scheme evaluation's columns)."""
    chars = m.characteristics or []
    row = {"measure_id": m.id, "measure": m.title, "rule": m.rule, "indicator": m.indicator, "name": m.indicator,
           "characteristic": ", ".join(chars), "comparator": "population share", "baseline": base,
           "current": current, "unit": "%"}
    population = _population_word(m.indicator, indicators)
    sub = obs[obs["indicator"] == m.indicator]
    periods = sub["period"].map(lambda v: normalise_period(v) if pd.notna(v) else "")
    bench = load_benchmark(m.population_shares, chars)
    why = None
    if bench is None:
        why = "no population shares: add population_shares to the measure"
    elif not chars:
        why = "name the characteristic to compare (characteristics: [ethnicity])"
    elif not (periods == current).any():
        why = f"no {m.indicator} figures for {current}"
    if why:
        return pd.DataFrame([{**row, "group": ", ".join(m.groups or ["all groups"]), "status": "insufficient_data",
                              "reason": why, "summary": f"Representation cannot be measured: {why}."}])
    kw = dict(level=opts["level"], tolerance=float(m.tolerance or 0), min_count=opts["min_numerator"],
              min_total=opts["min_denominator"])
    now = representation(sub[periods == current], bench, chars, **kw)
    then = representation(sub[periods == base], bench, chars, **kw) if (periods == base).any() and base != current \
        else None
    if m.groups:
        now = now[now["group"].isin(m.groups)]
    out = []
    for _, r in now.iterrows():
        b = _match(then, r)
        status = STATUS.get(r["verdict"], "insufficient_data") if isinstance(r["verdict"], str) else \
            "insufficient_data"
        gap_now = r["benchmark_share"] - r["share"]
        gap_then = b["benchmark_share"] - b["share"] if b is not None else np.nan
        out.append({**row, "characteristic": r["characteristic"], "group": r["group"], "value_current": r["share"],
                    "value_baseline": b["share"] if b is not None else np.nan, "gap_current": gap_now,
                    "gap_baseline": gap_then, "gap_change": gap_now - gap_then, "all_current": r["benchmark_share"],
                    "all_baseline": r["benchmark_share"], "polarity": "higher_is_better", "population": population,
                    "suppressed_current": bool(r["suppressed"]),
                    "suppressed_baseline": bool(b["suppressed"]) if b is not None else False,
                    "status": status, "summary": _summary(r, status, population, m.tolerance, opts["level"]),
                    "reason": f"{r['method']}; {r['disclosure_rate']:.1f}% of {population} disclosed "
                              f"their {r['characteristic']}" if np.isfinite(r["disclosure_rate"]) else r["note"]})
    return pd.DataFrame(out)


def _match(then: pd.DataFrame | None, r: pd.Series) -> pd.Series | None:
    if then is None:
        return None
    hit = then[(then["characteristic"] == r["characteristic"]) & (then["group"] == r["group"])]
    return hit.iloc[0] if len(hit) else None


def _population_word(indicator: str, indicators) -> str:
    if indicators is None:
        return "staff"
    from .indicators import load_indicators

    meta = load_indicators(indicators)
    hit = meta[meta["indicator"] == indicator]
    return str(hit["population"].iloc[0]) if len(hit) else "staff"


def _summary(r: pd.Series, status: str, population: str, tolerance, level: float) -> str:
    who = group_phrase(r["characteristic"], r["group"], population)
    who = who[0].upper() + who[1:]
    if r["suppressed"]:
        return f"{who}: too few to publish ({r['note']})."
    if not r["in_benchmark"]:
        return f"{who}: this group is not in the population figures, so there is nothing to compare with."
    tol = f" by more than the {float(tolerance):g}-point tolerance" if tolerance else ""
    share = f"{r['share']:.1f}% of {population}" if r["count"] > 0 else f"none of the {population}"
    text = (f"{who}: {share} against {r['benchmark_share']:.1f}% of the population (difference "
            f"{fmt_signed(r['difference'])} points, {level:.0%} interval {fmt_signed(r['difference_lower'])} to "
            f"{fmt_signed(r['difference_upper'])})")
    if status == "under_represented":
        return text + f": under-represented{tol}."
    if status == "over_represented":
        return text + f": over-represented{tol}."
    if tolerance:
        return text + f": within the {float(tolerance):g}-point tolerance."
    return text + ": in line with the population."
