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

from .labels import RAG_WORDS, level_label  # noqa: E402
from .narrative import gap_unit  # noqa: E402
from .periods import sort_periods  # noqa: E402

STYLE = Path(afcharts.__file__).parent / "afcharts.mplstyle"
COLOURS = get_af_colours("categorical")
MARKERS = ["o", "s", "^", "D", "v", "P"]
#: RAG colours (GOV.UK palette) plus a hatch, so status never rests on colour alone
RAG_STYLE = {"green": ("#00703c", ""), "amber": ("#ffbf47", "//"), "red": ("#d4351c", "xx"),
             "grey": ("#b1b4b6", "..")}
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


def all_periods(periods: list[str]) -> list[str]:
    """Every period from the first to the last, so a missing year keeps its place on the axis.

    Years (2019) and academic or financial years (2019/20) are filled in; other
    styles are kept as given.

    Examples
    --------
    >>> all_periods(["2018", "2019", "2022"])
    ['2018', '2019', '2020', '2021', '2022']
    >>> all_periods(["2018/19", "2020/21"])
    ['2018/19', '2019/20', '2020/21']
    """
    import re

    if periods and all(re.fullmatch(r"\d{4}", p) for p in periods):
        years = [int(p) for p in periods]
        return [str(y) for y in range(min(years), max(years) + 1)]
    if periods and all(re.fullmatch(r"\d{4}/\d{2}", p) for p in periods):
        years = [int(p[:4]) for p in periods]
        return [f"{y}/{(y + 1) % 100:02d}" for y in range(min(years), max(years) + 1)]
    return list(periods)


def segments(periods: list[str], breaks: list[str] | None) -> list[list[int]]:
    """Positions on the axis split where a series break starts a new series (lines never join across it).

    Examples
    --------
    >>> segments(["2018", "2019", "2020", "2021", "2022"], ["2021"])
    [[0, 1, 2], [3, 4]]
    """
    cuts = sorted({periods.index(b) for b in (breaks or []) if b in periods and periods.index(b) > 0})
    bounds = [0, *cuts, len(periods)]
    return [list(range(a, b)) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _mark_breaks(ax: plt.Axes, periods: list[str], breaks: list[str] | None) -> None:
    for b in breaks or []:
        if b in periods and periods.index(b) > 0:
            x = periods.index(b) - 0.5
            ax.axvline(x, color="#505a5f", linestyle=":", linewidth=1.2)
            ax.annotate(f"Measured differently\nfrom {b}", xy=(x, 1), xycoords=("data", "axes fraction"),
                        xytext=(3, -3), textcoords="offset points", fontsize=8, color="#505a5f", va="top")


def gap_over_time(series: pd.DataFrame, title: str, subtitle: str, max_groups: int = 5,
                  breaks: list[str] | None = None, level: float = 0.95) -> plt.Figure:
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
    breaks : list of str, optional
        Periods where a series break starts a new series: the lines stop
        before them, and a dotted line marks the change.
    level : float
        The confidence level of the intervals, named in the key.

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
    periods = all_periods(sort_periods(series["period"]))
    groups = list(dict.fromkeys(data["group"]))[:max_groups]
    ends = []
    for k, g in enumerate(groups):
        # reindex on every period so a missing or suppressed year breaks the line instead of bridging it
        d = (data[data["group"] == g].set_index("period").reindex(periods).reset_index()
             .assign(x=range(len(periods))))
        colour = COLOURS[k % len(COLOURS)]
        for n, seg in enumerate(segments(periods, breaks)):
            part = d.iloc[seg]
            ax.plot(part["x"], part["gap"], marker=MARKERS[k % len(MARKERS)], color=colour,
                    label=g if n == 0 else None)
            ax.fill_between(part["x"], part["gap_lower"], part["gap_upper"], color=colour, alpha=0.15, linewidth=0)
        shown = d.dropna(subset=["gap"])
        if len(shown):
            last = shown.iloc[-1]
            ends.append((last["x"], last["gap"], g, colour))
    ax.axhline(0, color="#3d3d3d", linewidth=1)
    _mark_breaks(ax, periods, breaks)
    _period_ticks(ax, periods)
    ax.set_xlim(-0.3, len(periods) - 1 + 0.3 + (2.2 if ends else 0))
    _label_ends(ax, ends, avoid=[0.0])
    unit = data["unit"].iloc[0] if len(data) else ""
    ax.set_ylabel(f"Gap ({gap_unit(unit)}), 0 = no gap" if unit else "Gap, 0 = no gap")
    head = _titles(fig, ax, title, subtitle)
    fig.text(0.02, 0.01, f"Above 0: the group is worse off. Shaded band: {level_label(level)} confidence interval.",
             fontsize=9, color="#3d3d3d")
    _layout(fig, head)
    return fig


def _period_ticks(ax: plt.Axes, periods: list[str]) -> None:
    """Period labels that never overlap: slanted when long or many."""
    crowded = sum(len(p) for p in periods) > 48
    ax.set_xticks(range(len(periods)), periods, rotation=40 if crowded else 0, ha="right" if crowded else "center")


def place_labels(ys: list[float], heights: list[float], lo: float, hi: float,
                 avoid: list[float] | None = None) -> list[float]:
    """Centres for labels as near their lines' ends as possible, none overlapping another or a line to avoid.

    ``heights`` are the labels' heights in data units; a label keeps clear of
    each line in ``avoid`` (the zero line, a target) by half its height.

    Examples
    --------
    >>> place_labels([1.0, 1.1, 5.0], [0.5, 0.5, 0.5], 0, 10)
    [1.0, 1.5, 5.0]
    >>> place_labels([0.1], [0.5], -1, 10, avoid=[0.0])
    [0.275]
    """
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    want = list(ys)
    for line in avoid or []:
        for i in order:
            clear = heights[i] / 2 + 0.05 * heights[i]
            if abs(want[i] - line) < clear:
                want[i] = line + clear if want[i] >= line else line - clear
    placed = [0.0] * len(ys)
    prev_top = None
    for i in order:  # bottom to top, each label just above the one before when they would touch
        y = want[i] if prev_top is None else max(want[i], prev_top + heights[i] / 2)
        for line in avoid or []:  # pushed up onto a line: jump over it
            clear = heights[i] / 2 + 0.05 * heights[i]
            if abs(y - line) < clear:
                y = line + clear
        placed[i] = y
        prev_top = y + heights[i] / 2
    return [round(p, 6) for p in placed]


def _label_ends(ax: plt.Axes, ends: list[tuple], avoid: list[float] | None = None) -> None:
    """Label each line at its right end; labels never overlap each other or the lines in ``avoid``."""
    if not ends:
        return
    texts = [_wrap(label, 22) for _, _, label, _ in ends]
    lo, hi = ax.get_ylim()
    line = (hi - lo) * 0.065  # one line of 9-point text on a chart of this height, in data units
    heights = [line * (t.count("\n") + 1) + line * 0.3 for t in texts]
    ys = place_labels([e[1] for e in ends], heights, lo, hi, avoid)
    for (x, y, _, colour), text, y_text, h in zip(ends, texts, ys, heights, strict=True):
        moved = abs(y_text - y) > h / 2  # a label moved off its line gets a thin leader back to it
        ax.annotate(text, xy=(x, y), xytext=(x + (0.35 if moved else 0.15), y_text), fontsize=9, color=colour,
                    va="center", arrowprops=dict(arrowstyle="-", color=colour, lw=0.8, shrinkA=0, shrinkB=4)
                    if moved else None)
    ax.set_ylim(min(lo, min(p - h / 2 for p, h in zip(ys, heights, strict=True))),
                max(hi, max(p + h / 2 for p, h in zip(ys, heights, strict=True))))


def dot_plot(current: pd.DataFrame, title: str, subtitle: str, highlight: list[str] | None = None,
             level: float = 0.95) -> plt.Figure:
    """Each group's value with its interval, against the whole population.

    Parameters
    ----------
    current : DataFrame
        Rows of :func:`evidence.gaps.gaps` for one indicator, characteristic and
        period, compared with ``overall``.
    highlight : list of str, optional
        Groups the measure watches (drawn as filled diamonds).
    level : float
        The confidence level of the intervals, named in the key.

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
    key = f"Lines: {level_label(level)} confidence intervals. Dashed line: the whole population."
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
              .reindex(columns=["green", "amber", "red", "grey"], fill_value=0))
    labels = evaluation.drop_duplicates("measure_id").set_index("measure_id")["measure"]
    counts = counts.loc[list(dict.fromkeys(evaluation["measure_id"]))][::-1]
    # a bar is never squeezed into a thin line: at least 3.4 inches, bars at most 0.6 of their row
    fig, ax = plt.subplots(figsize=(WIDTH, max(3.4, 0.42 * len(counts) + 1.9)))
    left = np.zeros(len(counts))
    words = RAG_WORDS
    for rag in ("green", "amber", "red", "grey"):
        colour, hatch = RAG_STYLE[rag]
        vals = counts[rag].to_numpy()
        ax.barh(range(len(counts)), vals, left=left, color=colour, hatch=hatch, edgecolor="white",
                label=f"{rag.capitalize()}: {words[rag]}", height=0.6)
        for i, (v, lft) in enumerate(zip(vals, left, strict=True)):
            if v:
                ax.text(lft + v / 2, i, str(v), ha="center", va="center", fontsize=9,
                        color="white" if rag in ("green", "red") else "black", fontweight="bold",
                        bbox=dict(boxstyle="round,pad=0.15", fc=colour, ec="none"))
        left += vals
    ax.set_yticks(range(len(counts)), [_wrap(str(labels[m]), 42) for m in counts.index], fontsize=9)
    ax.set_xlabel("Number of groups")
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="0.85")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylim(-0.7, len(counts) - 0.3)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=4, fontsize=9, frameon=False)
    head = _titles(fig, ax, title, subtitle)
    _layout(fig, head + 0.35 / fig.get_figheight(), 0.1)
    return fig


def values_over_time(series: pd.DataFrame, title: str, subtitle: str, breaks: list[str] | None = None,
                     level: float = 0.95) -> plt.Figure:
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
    periods = all_periods(sort_periods(series["period"]))
    group = data["group"].iloc[0] if len(data) else ""
    comp = data["comparator_group"].iloc[0] if len(data) else ""
    d = data.drop_duplicates("period").set_index("period").reindex(periods).reset_index().assign(
        x=range(len(periods)))
    comp_label = "Everyone" if comp == "All" else str(comp)
    lines = [("value", "lower", "upper", group, COLOURS[3], "D"),
             ("comparator_value", "comparator_lower", "comparator_upper", comp_label, COLOURS[0], "o")]
    ends = []
    for y, lo, hi, label, colour, marker in lines:
        for seg in segments(periods, breaks):
            part = d.iloc[seg]
            ax.plot(part["x"], part[y], marker=marker, color=colour)
            ax.fill_between(part["x"], part[lo], part[hi], color=colour, alpha=0.15, linewidth=0)
        shown = d.dropna(subset=[y])
        if len(shown):
            ends.append((shown["x"].iloc[-1], shown[y].iloc[-1], label, colour))
    _mark_breaks(ax, periods, breaks)
    _label_ends(ax, ends)
    _period_ticks(ax, periods)
    ax.set_xlim(-0.3, len(periods) - 1 + 2.5)
    unit = d["unit"].iloc[0] if len(d) else ""
    ax.set_ylabel("Per cent" if unit == "%" else unit)
    head = _titles(fig, ax, title, subtitle)
    fig.text(0.02, 0.01, f"Shaded bands: {level_label(level)} confidence intervals.", fontsize=9, color="#3d3d3d")
    _layout(fig, head)
    return fig
