"""Everything a scheme progress report shows, computed in one place.

The report notebook only presents what :func:`build` returns, so the same
figures reach the HTML, the Excel workbook and the CSV/JSON files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import demo
from .errors import EvidenceError
from .gaps import gaps_prepared, prepare
from .indicators import IndicatorsLike, load_indicators
from .observations import ALL
from .periods import normalise_period, sort_periods
from .progress import progress
from .scheme import Scheme
from .screen import screen


@dataclass
class Results:
    """The computed content of one scheme progress report."""

    scheme: Scheme
    baseline: str
    current: str
    options: dict[str, Any]
    evaluation: pd.DataFrame
    series: pd.DataFrame
    screen: pd.DataFrame
    levelling_down: pd.DataFrame
    quality: dict[str, pd.DataFrame]
    indicators: pd.DataFrame
    inputs: list[Path] = field(default_factory=list)
    previous: str | None = None
    #: the watched figures in the scheme's area beside its comparator areas (empty without comparator_areas)
    areas: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def comparisons(self) -> int:
        """How many significance tests the measures of success made."""
        tested = self.evaluation["gap_change_lower"].notna() | self.evaluation["status"].isin(["level_maintained", "below_level"])
        return int(tested.sum())


def load_data(scheme: Scheme, observations: str | Path | None = None,
              indicators: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list[Path]]:
    """Observations and indicator metadata for a scheme ("demo" means the built-in demo).

    Returns the observations, the metadata and the input files used (for the manifest).
    """
    from .aggregate import aggregate_source
    from .readers import read

    ind_src = indicators if indicators is not None else scheme.resolve("indicators")
    inputs: list[Path] = []
    meta = demo.indicators() if ind_src in (None, "demo") else load_indicators(ind_src)
    if ind_src not in (None, "demo"):
        inputs.append(Path(ind_src))
    if observations is not None:
        paths = observations if isinstance(observations, list | tuple) else [observations]
        sources = [{"path": Path(p)} for p in paths]
    else:
        sources = scheme.sources()
    if sources in (None, "demo"):
        return demo.observations(), meta, inputs
    frames = []
    from .bars import bar

    for spec in bar(sources, "Reading data files", total=len(sources), unit="file"):
        options = dict(spec)
        path = options.pop("path")
        if "aggregate" in options:  # person-level records, aggregated with the scheme's suppression thresholds
            supp = {k: v for k, v in scheme.options().items() if k in ("min_numerator", "min_denominator")}
            frames.append(aggregate_source(path, options.pop("aggregate"), **supp))
        else:
            frames.append(read(path, indicators=meta, **options))
        inputs.append(Path(path))
    obs = pd.concat(frames, ignore_index=True)
    # only the scheme's area and its comparators go on: a national file of 2 million rows becomes one area's
    obs = pd.concat([scheme.own_area(obs), scheme.comparator_rows(obs)]).drop_duplicates(
        ["indicator", "period", "area", "characteristic", "group"])
    return obs.reset_index(drop=True), meta, inputs


def build(
    scheme: Scheme,
    obs: pd.DataFrame,
    indicators: IndicatorsLike,
    period: str | None = None,
    baseline: str | None = None,
    *,
    level: float | None = None,
    strict: bool | None = None,
    min_numerator: int | None = None,
    min_denominator: int | None = None,
    adjust: str | None = None,
    inputs: list[Path] | None = None,
    previous: str | None = None,
    reports: str | Path | None = None,
) -> Results:
    """Compute every table the report shows.

    ``previous`` is the period of last year's report: given, or read from the
    ``manifest.json`` of the latest earlier report in ``reports`` (the folder
    holding each period's report), or else the latest period before the
    current one in the data. Each result then says how it moved since then
    (``since_last``: better, worse, no clear change...).

    Examples
    --------
    >>> s = Scheme.demo()
    >>> r = build(s, demo.observations(), demo.indicators())
    >>> r.current, len(r.levelling_down) >= 1
    ('2024', True)
    """
    meta = load_indicators(indicators)
    comparator_obs = scheme.comparator_rows(obs)
    obs = scheme.own_area(obs)
    opts = scheme.options(level=level, strict=strict, min_numerator=min_numerator,
                          min_denominator=min_denominator, adjust=adjust)
    current = normalise_period(period) if period is not None else scheme.current
    base = normalise_period(baseline) if baseline is not None else scheme.baseline
    cache: dict = {}  # progress tables shared by the evaluation and the levelling-down list
    evaluation = scheme.evaluate(obs, current, base, indicators=meta, cache=cache, **opts)
    prev = previous_period(obs, current, previous, reports, scheme_name=scheme.name)
    evaluation = since_last(scheme, evaluation, obs, meta, prev, current, opts)
    if base == current:
        evaluation = baseline_year(evaluation)
    supp = {"min_numerator": opts["min_numerator"], "min_denominator": opts["min_denominator"]}

    series_parts = []
    done: set[tuple] = set()
    for _, m in scheme.measures():
        if m.rule == "representation":
            continue
        key = (m.indicator, m.comparator, repr(m.reference))
        if key in done:
            continue
        done.add(key)
        clean = prepare(obs[obs["indicator"] == m.indicator], indicators=meta, **supp)
        if m.rule == "maintain_level":
            from .estimates import estimate

            e = estimate(clean[clean["group"] == ALL], opts["level"])
            part = pd.DataFrame({"indicator": e["indicator"], "name": e["name"], "period": e["period"],
                                 "characteristic": ALL, "group": ALL, "comparator": "none", "value": e["est"],
                                 "lower": e["est_lower"], "upper": e["est_upper"], "unit": e["unit"],
                                 "polarity": e["polarity"], "population": e["population"],
                                 "suppressed": e["suppressed"]})
        else:
            part = gaps_prepared(clean, m.comparator, m.reference, opts["level"])
        series_parts.append(part)
    series = pd.concat(series_parts, ignore_index=True) if series_parts else pd.DataFrame()
    series = series.drop_duplicates(["indicator", "period", "characteristic", "group", "comparator"])

    # headcounts measured by representation are shares of a whole, not outcomes to screen for gaps; and the
    # screen compares with everyone, so it takes indicators that have a whole-population row this period (one
    # without, such as a file's count-only table, must not stop a report whose measures do not use it)
    shares = {m.indicator for _, m in scheme.measures() if m.rule == "representation"}
    at_now = obs[obs["period"].map(normalise_period) == current]
    with_all = set(at_now.loc[at_now["group"] == ALL, "indicator"])
    screened = obs["indicator"].isin(meta["indicator"]) & ~obs["indicator"].isin(shares) & obs["indicator"].isin(with_all)
    scr = screen(obs[screened], current, indicators=meta, level=opts["level"], **supp)

    # every levelling-down case among the scheme's indicators, not only the watched groups
    ld = []
    for ind in sorted({m.indicator for _, m in scheme.measures() if m.rule != "representation"}):
        sub = obs[obs["indicator"] == ind]
        if not {base, current} <= set(sub.loc[sub["group"] == ALL, "period"].map(normalise_period)):
            continue  # levelling down is judged on the whole population: none in the data, nothing to judge
        from .scheme import progress_key

        key = progress_key(ind, "overall", None, base, current, opts, obs, meta)  # the evaluation's key
        if opts["adjust"] or key not in cache:  # the evaluation caches unadjusted tables only
            table = progress(sub, base, current, "overall", opts["level"], strict=opts["strict"],
                             adjust=opts["adjust"], indicators=meta, **supp)
            if not opts["adjust"]:
                cache[key] = table
        p = table if opts["adjust"] else cache[key]
        ld.append(p[p["status"] == "narrowed_levelling_down"])
    levelling_down = pd.concat(ld, ignore_index=True) if ld else pd.DataFrame(columns=["summary"])

    known = obs["indicator"].isin(meta["indicator"])
    quality = data_quality(obs[known], meta, opts)
    unused = sorted(set(obs.loc[~known, "indicator"].astype(str)))
    quality["not_analysed"] = pd.DataFrame({"indicator": unused})
    areas = area_comparison(scheme, obs, comparator_obs, meta, opts, base, current)
    return Results(scheme=scheme, baseline=base, current=current, options=opts, evaluation=evaluation,
                   series=series, screen=scr, levelling_down=levelling_down, quality=quality, indicators=meta,
                   inputs=list(inputs or []), previous=prev, areas=areas)


def baseline_year(evaluation: pd.DataFrame) -> pd.DataFrame:
    """A report whose current year is its baseline: where each group stands, and no change claimed.

    With one year there is nothing to compare: every measure that judges a
    change is grey, "not yet measurable", and its sentence says where the group
    is now (never "went from 10.0 to 10.0"). Representation judges this year's
    shares alone, so it keeps its own result.

    Examples
    --------
    >>> e = pd.DataFrame([{"rule": "gap_not_widen", "characteristic": "disability", "group": "Disabled",
    ...     "population": "residents", "comparator": "overall", "comparator_group": "All", "unit": "%",
    ...     "current": "2024", "gap_current": 18.04, "gap_lower_current": 15.2, "gap_upper_current": 20.9,
    ...     "status": "no_significant_change", "rag": "amber", "rag_label": "Amber: no clear change"}])
    >>> baseline_year(e)[["status", "rag", "summary"]].values.tolist()[0]  # doctest: +NORMALIZE_WHITESPACE
    ['insufficient_data', 'grey', 'In 2024, the year the scheme measures from, Disabled residents were 18.0
    percentage points behind all residents. Later reports will say how this gap changes.']
    """
    from .narrative import comparator_phrase, fmt_gap, fmt_value, group_phrase
    from .verdicts import NOT_MEASURABLE

    out = evaluation.copy()
    change = out["rule"] != "representation"
    summaries = []
    for _, r in out.iterrows():
        if r["rule"] == "representation":
            summaries.append(r.get("summary"))
            continue
        year, unit = r["current"], r.get("unit") or ""
        if r["rule"] == "maintain_level":
            value = r.get("value_current")
            summaries.append(f"{str(r.get('name') or r.get('indicator'))[:1].upper()}"
                             f"{str(r.get('name') or r.get('indicator'))[1:]} was {fmt_value(value, unit)} in {year}, "
                             "the year the scheme measures from. Later reports will say whether it keeps this level."
                             if _finite(value) else f"There is no figure for {year}, the year the scheme measures from.")
            continue
        pop = r.get("population") or "people"
        who = group_phrase(r["characteristic"], r["group"], pop)
        vs = comparator_phrase(r["comparator"], r.get("comparator_group") or "", pop, r["characteristic"])
        g, lo, hi = r.get("gap_current"), r.get("gap_lower_current"), r.get("gap_upper_current")
        if not _finite(g):
            where = f"there is no figure for {who} that can be published"
        elif _finite(lo) and lo > 0:
            where = f"{who} were {fmt_gap(g, unit)} behind {vs}"
        elif _finite(hi) and hi < 0:
            where = f"{who} were {fmt_gap(-g, unit)} ahead of {vs}"
        else:
            where = f"there was no clear gap between {who} and {vs}"
        summaries.append(f"In {year}, the year the scheme measures from, {where}. Later reports will say how this "
                         "gap changes.")
    out["summary"] = summaries
    out.loc[change, ["status", "rag", "rag_label"]] = ["insufficient_data", "grey", NOT_MEASURABLE]
    for col in ("gap_change", "gap_change_lower", "gap_change_upper", "reason"):
        if col in out:
            out[col] = out[col].astype(object) if col == "reason" else out[col]
            out.loc[change, col] = "the year the scheme measures from: no change to measure yet" if col == "reason" \
                else np.nan
    return out


def _finite(x: object) -> bool:
    return isinstance(x, int | float | np.floating) and not isinstance(x, bool) and bool(np.isfinite(x))


def previous_period(obs: pd.DataFrame, current: str, previous: str | None = None,
                    reports: str | Path | None = None, scheme_name: str | None = None) -> str | None:
    """The period of last year's report: given, from the latest earlier report's manifest, or from the data.

    Only a manifest of the same scheme counts (``scheme_name``, when given): another
    scheme's report in the same folder says nothing about this scheme's last year.

    Examples
    --------
    >>> previous_period(demo.observations(), "2024")
    '2023'
    """
    import json

    periods = sort_periods(set(obs["period"].map(normalise_period)))
    if previous is not None:
        return normalise_period(previous)
    earlier = periods[:periods.index(current)] if current in periods else []
    if reports is not None and Path(reports).is_dir():
        found = []
        for manifest in Path(reports).glob("*/manifest.json"):
            try:
                listed = json.loads(manifest.read_text(encoding="utf-8"))
                p = listed["parameters"]["period"]
                name = (listed.get("scheme") or {}).get("name")
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                continue  # not a report this tool wrote: ignore it
            if scheme_name is not None and name != scheme_name:
                continue
            if p is not None and normalise_period(str(p)) in earlier:
                found.append(normalise_period(str(p)))
        if found:
            return max(found, key=earlier.index)
    return earlier[-1] if earlier else None


#: how a result moved since last year, from its colour over that one year
_SINCE = {"green": "better", "red": "worse", "amber": "no clear change"}


def since_last(scheme: Scheme, evaluation: pd.DataFrame, obs: pd.DataFrame, meta: pd.DataFrame,
               previous: str | None, current: str, opts: dict[str, Any]) -> pd.DataFrame:
    """Add ``previous`` and ``since_last`` (better / worse / no clear change / cannot be compared) to each row.

    The scheme's own rules judge the year from ``previous`` to ``current``, so
    "better" means what it means for the measure (a gap that narrowed for real,
    a group that improved), with the same ``min_change``.
    """
    out = evaluation.assign(previous=previous, since_last="cannot be compared")
    if previous is None or previous == current:
        return out
    try:
        last = scheme.evaluate(obs, current, previous, indicators=meta, **opts)
    except EvidenceError:
        return out  # last year's figures are missing for some measure: say nothing rather than guess
    words = []
    for r in last.itertuples(index=False):
        if r.rule == "representation":
            words.append("cannot be compared")  # its status judges this year's shares alone, not a change
        elif r.rag == "grey":
            words.append("no clear change" if r.status == "no_gap" else "cannot be compared")
        elif r.status in ("level_maintained", "no_gap"):
            words.append("no clear change")  # held its level, or stayed closed: not "better"
        elif r.status == "narrowed_levelling_down":
            words.append("worse (the gap narrowed only by levelling down)")
        else:
            words.append(_SINCE[r.rag])
    last = last.assign(since_last=words)[["measure_id", "characteristic", "group", "since_last"]]
    out = out.drop(columns="since_last").merge(last, on=["measure_id", "characteristic", "group"], how="left")
    out["since_last"] = out["since_last"].fillna("cannot be compared")
    return out


AREA_COLUMNS = ["indicator", "name", "period", "area", "characteristic", "group", "value", "lower", "upper", "unit",
                "suppressed"]


def area_comparison(scheme: Scheme, own: pd.DataFrame, comparators: pd.DataFrame, meta: pd.DataFrame,
                    opts: dict[str, Any], base: str, current: str) -> pd.DataFrame:
    """The scheme's watched figures in its own area beside each comparator area, at baseline and now.

    Empty when the scheme names no ``comparator_areas``. Values carry their
    intervals (:func:`evidence.estimates.estimate`) and small-number suppression.
    """
    if comparators.empty:
        return pd.DataFrame(columns=AREA_COLUMNS)
    from .estimates import estimate

    both = pd.concat([own, comparators], ignore_index=True)
    both = both[both["period"].map(normalise_period).isin([base, current])]
    parts = []
    for _, m in scheme.measures():
        if m.rule == "representation":
            continue
        sub = both[both["indicator"] == m.indicator]
        watched = sub["group"] == ALL
        if m.rule != "maintain_level":
            chars = sub["characteristic"].isin(m.characteristics) if m.characteristics else True
            groups = sub["group"].isin(m.groups) if m.groups else True
            watched |= chars & groups
        parts.append(sub[watched])
    if not parts:
        return pd.DataFrame(columns=AREA_COLUMNS)
    rows = pd.concat(parts).drop_duplicates(["indicator", "period", "area", "characteristic", "group"])
    clean = prepare(rows, indicators=meta, min_numerator=opts["min_numerator"], min_denominator=opts["min_denominator"])
    est = estimate(clean, opts["level"])
    out = est.assign(value=est["est"], lower=est["est_lower"], upper=est["est_upper"])
    order = {a: i for i, a in enumerate(dict.fromkeys([*own["area"].unique(), *scheme.comparator_areas]))}
    out = out.assign(_o=out["area"].map(order).fillna(len(order)))
    out = out.sort_values(["indicator", "characteristic", "group", "period", "_o"], kind="stable")
    return out.reindex(columns=AREA_COLUMNS).reset_index(drop=True)


def data_quality(obs: pd.DataFrame, meta: pd.DataFrame, opts: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Suppressed cells (without their values), missing periods, indicators without intervals.

    Examples
    --------
    >>> q = data_quality(demo.observations(), demo.indicators(), {"level": 0.95, "min_numerator": 5,
    ...                  "min_denominator": 10})
    >>> sorted(q)
    ['missing_groups', 'missing_periods', 'no_interval', 'suppressed']
    """
    from .estimates import estimate

    clean = prepare(obs, indicators=meta, min_numerator=opts["min_numerator"], min_denominator=opts["min_denominator"])
    est = estimate(clean, opts["level"])
    suppressed = est.loc[est["suppressed"], ["indicator", "period", "characteristic", "group", "reason"]]
    from .periods import period_style

    styles = est["period"].map(period_style)
    missing = []
    for ind, block in est.groupby("indicator", sort=True):
        have = set(block["period"])
        # only periods written the same way (2019 vs 2019/20): another style is not a missing year
        style = period_style(next(iter(have)))
        all_periods = sort_periods(est.loc[styles == style, "period"])
        first, last = all_periods.index(min(have, key=all_periods.index)), all_periods.index(max(have, key=all_periods.index))
        gap_years = [p for p in all_periods[first:last + 1] if p not in have]
        if gap_years:
            missing.append({"indicator": ind, "missing_periods": ", ".join(gap_years)})
    # groups published in some years of an indicator but not others
    seen = est[est["group"] != "All"].groupby(["indicator", "characteristic", "group"])["period"].apply(set)
    years = est.groupby("indicator")["period"].apply(set)
    gaps_in = [(i, c, g, ", ".join(sort_periods(years[i] - have))) for (i, c, g), have in seen.items()
               if years[i] - have]
    missing_groups = pd.DataFrame(gaps_in, columns=["indicator", "characteristic", "group", "missing_periods"])
    no_ci = est[~est["suppressed"] & np.isfinite(est["est"]) & est["est_lower"].isna()]
    no_ci = no_ci.groupby("indicator").size().rename("rows_without_interval").reset_index()
    return {
        "suppressed": suppressed.sort_values(["indicator", "period", "characteristic", "group"]).reset_index(drop=True),
        "missing_periods": pd.DataFrame(missing, columns=["indicator", "missing_periods"]),
        "missing_groups": missing_groups,
        "no_interval": no_ci,
    }
