"""Charts for the report, in the Government Analysis Function style (afcharts).

Each function returns a matplotlib Figure with a headline title that states the
finding and a subtitle that says what is measured. Lines are labelled directly
and use distinct markers, and status bars carry words and hatching, so colour is
never the only carrier of meaning. Suppressed values are never plotted.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed: charts are written to files and HTML

import afcharts  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from afcharts.af_colours import get_af_colours  # noqa: E402

from .narrative import gap_unit  # noqa: E402
from .periods import sort_periods  # noqa: E402

STYLE = Path(afcharts.__file__).parent / "afcharts.mplstyle"
COLOURS = get_af_colours("categorical")
MARKERS = ["o", "s", "^", "D", "v", "P"]
#: RAG colours (GOV.UK palette) plus a hatch, so status never rests on colour alone
RAG_STYLE = {"green": ("#00703c", ""), "amber": ("#ffbf47", "//"), "red": ("#d4351c", "xx")}
WIDTH = 7.5  # inches: fits an A4 page with margins


def _style() -> None:
    plt.style.use(STYLE)
    plt.rcParams.update({"font.size": 11, "axes.titlesize": 13, "figure.dpi": 100, "svg.hashsalt": "evidence",
                         "svg.fonttype": "none", "path.simplify": True})


def _titles(fig: plt.Figure, ax: plt.Axes, title: str, subtitle: str) -> float:
    """Headline title and subtitle at the top left; returns the figure fraction they use."""
    title, subtitle = _wrap(title, 60), _wrap(subtitle, 88)
    height = fig.get_figheight()
    t_lines, s_lines = title.count("\n") + 1, subtitle.count("\n") + 1
    top = 1 - 0.1 / height
    fig.text(0.02, top, title, ha="left", va="top", fontsize=13, fontweight="bold")
    fig.text(0.02, top - (0.24 * t_lines + 0.05) / height, subtitle, ha="left", va="top", fontsize=10,
             color="#3d3d3d")
    return (0.24 * t_lines + 0.19 * s_lines + 0.25) / height


def _layout(fig: plt.Figure, head: float, foot: float = 0.35) -> None:
    fig.tight_layout(rect=(0, foot / fig.get_figheight(), 1, 1 - head))


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def gap_over_time(series: pd.DataFrame, title: str, subtitle: str, max_groups: int = 5) -> plt.Figure:
    """Gap between each group and its comparator over time, with interval bands.

    Parameters
    ----------
    series : DataFrame
        Rows of :func:`evidence.gaps.gaps` for one indicator, several periods and
        groups (suppressed rows are dropped).
    title, subtitle : str
        The finding, and what is measured.
    max_groups : int
        At most this many groups are drawn, in the order given.

    Examples
    --------
    >>> import evidence as ev
    >>> g = ev.gaps(ev.demo.observations(), indicators=ev.demo.indicators())
    >>> s = g[(g.indicator == "employment_rate") & (g.group == "Disabled")]
    >>> fig = gap_over_time(s, "The gap narrowed", "Gap in employment rate")
    >>> len(fig.axes)
    1
    """
    _style()
    fig, ax = plt.subplots(figsize=(WIDTH, 4.4))
    data = series[~series["suppressed"]].dropna(subset=["gap"])
    periods = sort_periods(series["period"])
    groups = list(dict.fromkeys(data["group"]))[:max_groups]
    ends = []
    for k, g in enumerate(groups):
        # reindex on every period so a missing or suppressed year breaks the line instead of bridging it
        d = (data[data["group"] == g].set_index("period").reindex(periods).reset_index()
             .assign(x=range(len(periods))))
        colour = COLOURS[k % len(COLOURS)]
        ax.plot(d["x"], d["gap"], marker=MARKERS[k % len(MARKERS)], color=colour, label=g)
        ax.fill_between(d["x"], d["gap_lower"], d["gap_upper"], color=colour, alpha=0.15, linewidth=0)
        last = d.dropna(subset=["gap"]).iloc[-1]
        ends.append((last["x"], last["gap"], g, colour))
    ax.axhline(0, color="#3d3d3d", linewidth=1)
    ax.annotate("No gap", xy=(1, 0), xycoords=("axes fraction", "data"), xytext=(-4, -12), textcoords="offset points",
                fontsize=9, color="#3d3d3d", ha="right")
    _label_ends(ax, ends)
    _period_ticks(ax, periods)
    unit = data["unit"].iloc[0] if len(data) else ""
    ax.set_ylabel(f"Gap ({gap_unit(unit)})" if unit else "Gap")
    ax.set_xlim(-0.3, len(periods) - 1 + 0.3 + (2.2 if ends else 0))
    head = _titles(fig, ax, title, subtitle)
    fig.text(0.02, 0.01, "Above 0: the group is worse off. Shaded band: 95% confidence interval.",
             fontsize=9, color="#3d3d3d")
    _layout(fig, head)
    return fig


def _period_ticks(ax: plt.Axes, periods: list[str]) -> None:
    """Period labels that never overlap: slanted when long or many."""
    crowded = sum(len(p) for p in periods) > 48
    ax.set_xticks(range(len(periods)), periods, rotation=40 if crowded else 0, ha="right" if crowded else "center")


def _label_ends(ax: plt.Axes, ends: list[tuple]) -> None:
    """Label each line at its right end, nudging labels apart so none overlap."""
    if not ends:
        return
    ends = sorted(ends, key=lambda e: e[1])
    lo, hi = ax.get_ylim()
    gap = (hi - lo) * 0.07
    placed: list[float] = []
    for x, y, label, colour in ends:
        y_text = max(y, placed[-1] + gap) if placed else y
        placed.append(y_text)
        ax.annotate(_wrap(label, 22), xy=(x, y), xytext=(x + 0.15, y_text),
                    fontsize=9, color=colour, va="center")
    ax.set_ylim(min(lo, min(placed) - gap), max(hi, max(placed) + gap))


def dot_plot(current: pd.DataFrame, title: str, subtitle: str, highlight: list[str] | None = None) -> plt.Figure:
    """Each group's value with its interval, against the whole population.

    Parameters
    ----------
    current : DataFrame
        Rows of :func:`evidence.gaps.gaps` for one indicator, characteristic and
        period, compared with ``overall``.
    highlight : list of str, optional
        Groups the measure watches (drawn as filled diamonds).

    Examples
    --------
    >>> import evidence as ev
    >>> g = ev.gaps(ev.demo.observations(), indicators=ev.demo.indicators())
    >>> c = g[(g.indicator == "employment_rate") & (g.period == "2024") & (g.characteristic == "disability")]
    >>> len(dot_plot(c, "Disabled residents are behind", "Employment rate, 2024").axes)
    1
    """
    _style()
    data = current[~current["suppressed"]].dropna(subset=["value"]).sort_values("value")
    n = len(data)
    fig, ax = plt.subplots(figsize=(WIDTH, max(3.4, 0.32 * n + 2.4)))
    y = np.arange(n)
    watched = data["group"].isin(highlight or []).to_numpy()
    err = np.vstack([data["value"] - data["lower"], data["upper"] - data["value"]])
    err = np.where(np.isfinite(err), err, 0)
    ax.errorbar(data["value"], y, xerr=err, fmt="none", ecolor="#8a8a8a", elinewidth=1.5, capsize=3)
    ax.scatter(data["value"][~watched], y[~watched], color=COLOURS[0], zorder=3, s=30, marker="o")
    if watched.any():
        ax.scatter(data["value"][watched], y[watched], color=COLOURS[3], zorder=4, s=60, marker="D")
    overall = data["comparator_value"].iloc[0] if n else float("nan")
    if n:
        ax.axvline(overall, color="#3d3d3d", linestyle="--", linewidth=1.2)
        ax.annotate(f"All: {overall:,.1f}", xy=(overall, n - 0.5), xytext=(4, 0), textcoords="offset points",
                    fontsize=9, color="#3d3d3d", va="bottom")
    ax.set_yticks(y, [_wrap(g, 30) for g in data["group"]])
    ax.set_ylim(-0.7, n - 0.2)
    ax.grid(axis="x", color="0.85")
    ax.grid(axis="y", visible=False)
    unit = data["unit"].iloc[0] if n else ""
    ax.set_xlabel(unit if unit and unit != "%" else ("Per cent" if unit == "%" else ""))
    head = _titles(fig, ax, title, subtitle)
    key = "Lines: 95% confidence intervals. Dashed line: the whole population."
    if watched.any():
        key += " Diamonds: groups this measure watches."
    fig.text(0.02, 0.01, _wrap(key + " Groups too small to publish are not shown.", 105), fontsize=9,
             color="#3d3d3d")
    _layout(fig, head, 0.5)
    return fig


def status_grid(evaluation: pd.DataFrame, title: str, subtitle: str) -> plt.Figure:
    """How many groups are green, amber and red under each measure.

    Bars carry the count and the word in text, and each status has its own
    hatching, so the chart reads without colour.

    Examples
    --------
    >>> import evidence as ev
    >>> e = ev.Scheme.demo().evaluate(ev.demo.observations(), indicators=ev.demo.indicators())
    >>> len(status_grid(e, "Most measures are met", "Groups by status").axes)
    1
    """
    _style()
    counts = (evaluation.groupby(["measure_id", "rag"], sort=False).size().unstack(fill_value=0)
              .reindex(columns=["green", "amber", "red"], fill_value=0))
    labels = evaluation.drop_duplicates("measure_id").set_index("measure_id")["measure"]
    counts = counts.loc[list(dict.fromkeys(evaluation["measure_id"]))][::-1]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.42 * len(counts) + 1.9))
    left = np.zeros(len(counts))
    words = {"green": "met", "amber": "unclear", "red": "not met"}
    for rag in ("green", "amber", "red"):
        colour, hatch = RAG_STYLE[rag]
        vals = counts[rag].to_numpy()
        ax.barh(range(len(counts)), vals, left=left, color=colour, hatch=hatch, edgecolor="white",
                label=f"{rag.capitalize()}: {words[rag]}")
        for i, (v, lft) in enumerate(zip(vals, left, strict=True)):
            if v:
                ax.text(lft + v / 2, i, str(v), ha="center", va="center", fontsize=9,
                        color="white" if rag != "amber" else "black", fontweight="bold",
                        bbox=dict(boxstyle="round,pad=0.15", fc=colour, ec="none"))
        left += vals
    ax.set_yticks(range(len(counts)), [_wrap(str(labels[m]), 42) for m in counts.index], fontsize=9)
    ax.set_xlabel("Number of groups")
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="0.85")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, fontsize=9, frameon=False)
    head = _titles(fig, ax, title, subtitle)
    _layout(fig, head + 0.35 / fig.get_figheight(), 0.1)
    return fig


def values_over_time(series: pd.DataFrame, title: str, subtitle: str) -> plt.Figure:
    """One group's own value and the comparator's value over time, with intervals.

    Shows *why* a gap moved: in levelling down the gap closes because the
    comparator's line falls to meet the group's.

    Examples
    --------
    >>> import evidence as ev
    >>> g = ev.gaps(ev.demo.observations(), indicators=ev.demo.indicators())
    >>> s = g[(g.indicator == "grade5_eng_maths") & (g.group == "Eligible for free school meals")]
    >>> len(values_over_time(s, "Everyone did worse", "Grade 5+").axes)
    1
    """
    _style()
    fig, ax = plt.subplots(figsize=(WIDTH, 4.2))
    data = series[~series["suppressed"]].dropna(subset=["value"])
    periods = sort_periods(series["period"])
    d = data.assign(x=data["period"].map({p: i for i, p in enumerate(periods)})).sort_values("x")
    group = d["group"].iloc[0] if len(d) else ""
    comp = d["comparator_group"].iloc[0] if len(d) else ""
    comp_label = "Everyone" if comp == "All" else str(comp)
    lines = [(d["value"], d["lower"], d["upper"], group, COLOURS[3], "D"),
             (d["comparator_value"], d["comparator_lower"], d["comparator_upper"], comp_label, COLOURS[0], "o")]
    ends = []
    for y, lo, hi, label, colour, marker in lines:
        ax.plot(d["x"], y, marker=marker, color=colour, label=label)
        ax.fill_between(d["x"], lo, hi, color=colour, alpha=0.15, linewidth=0)
        if len(d):
            ends.append((d["x"].iloc[-1], y.iloc[-1], label, colour))
    _label_ends(ax, ends)
    _period_ticks(ax, periods)
    ax.set_xlim(-0.3, len(periods) - 1 + 2.5)
    unit = d["unit"].iloc[0] if len(d) else ""
    ax.set_ylabel("Per cent" if unit == "%" else unit)
    head = _titles(fig, ax, title, subtitle)
    fig.text(0.02, 0.01, "Shaded bands: 95% confidence intervals.", fontsize=9, color="#3d3d3d")
    _layout(fig, head)
    return fig
