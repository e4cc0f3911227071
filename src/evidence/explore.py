"""The exploration notebook's steps: one indicator by one characteristic, over time, in words.

``notebooks/explore_gaps.ipynb`` calls these so it only presents: pick the
rows, draw the gap over time (with its text alternative and the numbers
beside it, as the report does), and write a paragraph an officer can paste
into a committee paper.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .labels import COMPARATOR_WORDS, level_label
from .narrative import comparator_phrase, fmt_gap, fmt_value, group_phrase
from .periods import sort_periods

#: each comparator in words (the one table, in labels)
COMPARED_WITH = COMPARATOR_WORDS


def as_list(value: str | list[str] | None) -> list[str] | None:
    """A parameter that may be one name or a list, as a list (``None`` stays ``None``).

    Examples
    --------
    >>> as_list("sex"), as_list(["sex", "disability"]), as_list(None)
    (['sex'], ['sex', 'disability'], None)
    """
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def load(scheme_path: str | None = None, observations_path: str | list[str] | None = None,
         indicators_path: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The observations to explore, and their indicator metadata.

    A scheme brings its own data (only its area and comparator areas); data
    files given without a scheme are read as they are, every area included
    (choose one with :func:`choose_area`); with neither, the built-in demo.

    Examples
    --------
    >>> obs, meta = load()
    >>> obs["area"].unique().tolist()
    ['Northbrook (fictional)']
    """
    from .indicators import load_indicators
    from .readers import read
    from .results import load_data
    from .scheme import Scheme

    if scheme_path or observations_path is None:
        scheme = Scheme.from_yaml(scheme_path) if scheme_path else Scheme.demo()
        obs, meta, _ = load_data(scheme, observations_path, indicators_path)
        return obs, meta
    from .bars import bar

    meta = load_indicators(indicators_path) if indicators_path else None
    paths = as_list(observations_path) or []
    frames = [read(p, indicators=meta) for p in bar(paths, "Reading data files", total=len(paths), unit="file")]
    obs = pd.concat(frames, ignore_index=True)
    unknown = obs["indicator"] if "polarity" not in obs else obs.loc[obs["polarity"].isna(), "indicator"]
    if meta is None and len(unknown):
        from .errors import EvidenceError, Problem
        from .parameters import _listing

        raise EvidenceError([Problem(
            f"indicators_path: the data do not say which way is better for {_listing(sorted(set(unknown)), 6)}; "
            'give the indicator metadata, such as indicators_path = "indicators.yaml" (evidence init writes one '
            "from your files)")], context="the notebook's parameters")
    return obs, meta


def choose_area(obs: pd.DataFrame, area: str | None) -> pd.DataFrame:
    """One area's rows: the one asked for, or the only one; several and none asked is a parameter problem.

    Examples
    --------
    >>> import evidence as ev
    >>> two = pd.concat([ev.demo.observations(), ev.demo.observations().assign(area="England")])
    >>> try:
    ...     choose_area(two, None)
    ... except ev.EvidenceError as exc:
    ...     print(exc.problems[0].message)
    area: the data cover 2 areas; choose one in the parameters cell, such as area = "England". The areas are "England", "Northbrook (fictional)".
    """
    from .errors import EvidenceError, Problem
    from .parameters import _listing

    if "area" not in obs or obs["area"].nunique() <= 1:
        return obs
    areas = sorted(obs["area"].dropna().astype(str).unique())
    if area is None:
        raise EvidenceError([Problem(f"area: the data cover {len(areas)} areas; choose one in the parameters cell, "
                                     f'such as area = "{areas[0]}". The areas are {_listing(areas)}.')],
                            context="the notebook's parameters")
    return obs[obs["area"].astype(str) == area]


def select(obs: pd.DataFrame, indicators: list[str] | None, characteristics: list[str] | None) -> pd.DataFrame:
    """The observations for the chosen indicators and characteristics, with the whole population's rows.

    Examples
    --------
    >>> import evidence as ev
    >>> s = select(ev.demo.observations(), ["grade5_eng_maths"], ["sex"])
    >>> sorted(set(s["characteristic"]))
    ['All', 'sex']
    """
    keep = pd.Series(True, index=obs.index)
    if indicators:
        keep &= obs["indicator"].isin(indicators)
    if characteristics:
        keep &= obs["characteristic"].isin([*characteristics, "All"])
    return obs[keep]


def periods_of(obs: pd.DataFrame) -> list[str]:
    """The periods in the data, in time order."""
    return sort_periods(obs["period"].astype(str).unique().tolist())


def gap_chart_html(gaps: pd.DataFrame, indicator: str, characteristic: str, figdir: str | Path | None = None,
                   level: float = 0.95) -> str:
    """The gap over time for each group of one characteristic, with intervals, as an accessible figure.

    ``gaps`` is :func:`evidence.gaps` output; the chart has a title that states
    the latest finding, alternative text, and the table of its numbers
    (suppressed figures as ``[c]``). ``level`` is the confidence level the
    gaps were worked out at, named in the chart's key and its text.
    """
    from . import charts
    from .display import interval
    from .labels import NOT_AVAILABLE
    from .narrative import gap_unit
    from .render import _years, figure_html

    d = gaps[(gaps["indicator"] == indicator) & (gaps["characteristic"] == characteristic)]
    if d.empty:
        return f"<p>There are no gaps to chart for {indicator} by {characteristic}.</p>"
    periods = sort_periods(d["period"])
    first = d.iloc[0]
    unit, pop, name = first["unit"], first["population"] or "people", first["name"]
    now = d[(d["period"] == periods[-1]) & ~d["suppressed"]].sort_values("gap", ascending=False)
    groups = list(dict.fromkeys(list(now["group"]) + list(d["group"])))
    versus = comparator_phrase(first["comparator"], first["comparator_group"], pop, characteristic)
    if len(now) and bool(now["significant"].iloc[0]) and now["gap"].iloc[0] > 0:
        top = now.iloc[0]
        title = (f"{_cap(group_phrase(characteristic, top['group'], pop))} were {fmt_gap(top['gap'], unit)} behind "
                 f"{versus} in {periods[-1]}")
    else:
        title = f"No group was clearly behind {versus} in {periods[-1]}"
    subtitle = (f"Gap in {name} between each group and {versus}, {gap_unit(unit)}, {_years(periods)}, "
                f"with {level_label(level)} confidence intervals")
    ordered = d.assign(group=pd.Categorical(d["group"], groups)).sort_values(["group", "period"])
    fig = charts.gap_over_time(ordered.assign(group=ordered["group"].astype(str)), title, subtitle,
                               max_groups=len(groups), level=level)
    shown = d.assign(gap_text=[interval(g, lo, hi, suppressed=s) for g, lo, hi, s in
                               zip(d["gap"], d["gap_lower"], d["gap_upper"], d["suppressed"], strict=True)])
    table = (shown.pivot_table(index="period", columns="group", values="gap_text", aggfunc="first", sort=False)
             .reindex(index=periods, columns=groups).fillna(NOT_AVAILABLE).reset_index()
             .rename(columns={"period": "Year"}))
    table.columns.name = None
    bits = []
    for g in groups:
        s = d[(d["group"] == g) & ~d["suppressed"]].dropna(subset=["gap"])
        if len(s):
            s = s.set_index("period").loc[[p for p in periods if p in set(s["period"])]]
            bits.append(f"{g}: {_num(s['gap'].iloc[0])} in {s.index[0]}, {_num(s['gap'].iloc[-1])} in {s.index[-1]}")
    alt = (f"Line chart. {title}. Gap in {gap_unit(unit)}, above zero means worse off; shaded bands are "
           f"{level_label(level)} confidence intervals. " + "; ".join(bits) + ".")
    name_ = f"explore_{indicator}_{characteristic}_gap_over_time"
    return figure_html(fig, name_, alt, subtitle, table, Path(figdir) if figdir else None)


def committee_paragraph(gaps_now: pd.DataFrame, progress: pd.DataFrame, level: float = 0.95) -> str:
    """A paragraph for a committee paper: who is behind now, by how much, and how that changed.

    Parameters
    ----------
    gaps_now : DataFrame
        :func:`evidence.gaps` rows for one period (one or more indicators).
    progress : DataFrame
        :func:`evidence.progress` rows for the same groups.
    level : float
        The confidence level used.

    Examples
    --------
    >>> import evidence as ev
    >>> obs, meta = ev.demo.observations(), ev.demo.indicators()
    >>> sel = select(obs, ["grade5_eng_maths"], ["free_school_meals"])
    >>> g = ev.gaps(sel, indicators=meta)
    >>> p = ev.progress(sel, "2018", "2024", indicators=meta)
    >>> print(committee_paragraph(g[g["period"] == "2024"], p))  # doctest: +ELLIPSIS
    In 2024, grade 5 or above in English and maths for pupils eligible for free school meals was 25.0%, against 39.7% for all pupils: a gap of 14.7 percentage points (95% confidence interval 11.8 to 17.4)...
    """
    sentences = []
    pct = level_label(level)
    for (ind, ch), d in gaps_now.groupby(["indicator", "characteristic"], sort=False):
        period = d["period"].iloc[0]
        shown = d[~d["suppressed"]].dropna(subset=["gap"])
        behind = shown[(shown["significant"].fillna(False).astype(bool)) & (shown["gap"] > 0)]
        behind = behind.sort_values("gap", ascending=False)
        first = d.iloc[0]
        pop, unit, name = first["population"] or "people", first["unit"], first["name"]
        versus = comparator_phrase(first["comparator"], first["comparator_group"], pop, ch)
        if behind.empty:
            sentences.append(f"In {period}, no group of {pop} by {ch.replace('_', ' ')} was clearly worse off than "
                             f"{versus} on {name}: every difference was small enough to be chance.")
        for _, r in behind.head(3).iterrows():
            who = group_phrase(ch, r["group"], pop)
            sentences.append(
                f"In {period}, {name} for {who} was {fmt_value(r['value'], unit)}, against "
                f"{fmt_value(r['comparator_value'], unit)} for {versus}: a gap of {fmt_gap(r['gap'], unit)} "
                f"({pct} confidence interval {_num(r['gap_lower'])} to {_num(r['gap_upper'])}).")
            change = progress[(progress["indicator"] == ind) & (progress["characteristic"] == ch)
                              & (progress["group"] == r["group"])]
            if len(change):
                sentences.append(str(change["summary"].iloc[0]))
        hidden = int(d["suppressed"].sum())
        if hidden:
            sentences.append(f"{hidden} group{'s are' if hidden != 1 else ' is'} too small to publish and "
                             f"{'are' if hidden != 1 else 'is'} not shown.")
    return " ".join(sentences)


def _num(x: float) -> str:
    from .render import _num as render_num

    return render_num(x)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
