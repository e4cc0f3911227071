"""HTML for the report: sections, accessible tables and figures with text alternatives.

The report notebook calls these functions and displays what they return, so the
same page renders in JupyterLab and in the exported HTML. Tables have captions
and header scopes; figures have alternative text that states the finding and
the table of their numbers beside them; status always says its word ("Red: not
met") next to a shape, never colour alone. Suppressed values appear only as
"[c]".
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from collections.abc import Iterable
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from . import charts
from .narrative import fmt_gap, fmt_value, gap_unit, group_phrase, round_half_up
from .periods import sort_periods
from .results import Results
from .scheme import Measure, Objective

SUPPRESSED = "[c]"
#: where the exported page puts its table of contents (empty in JupyterLab)
TOC_MARK = '<div class="toc-here"></div>'
RAG_ICON = {"green": "✔", "amber": "▲", "red": "✖"}
_RAG_ORDER = {"red": 0, "amber": 1, "green": 2}
_esc = html.escape


# ---------------------------------------------------------------- small pieces
def rag_badge(rag: str, label: str) -> str:
    """A status badge: a shape and words, coloured as a bonus.

    Examples
    --------
    >>> rag_badge("red", "Red: not met")
    '<span class="rag rag-red"><span aria-hidden="true">✖</span> Red: not met</span>'
    """
    return f'<span class="rag rag-{rag}"><span aria-hidden="true">{RAG_ICON[rag]}</span> {_esc(label)}</span>'


def table_html(df: pd.DataFrame, caption: str, row_header: str | None = None, raw: Iterable[str] = ()) -> str:
    """An accessible HTML table: caption, ``th scope="col"`` and a row header.

    Parameters
    ----------
    df : DataFrame
        Values already formatted as text.
    caption : str
        What the table shows.
    row_header : str, optional
        Column whose cells head each row (``th scope="row"``); default the first.
    raw : iterable of str
        Columns holding HTML that must not be escaped (e.g. badges).

    Examples
    --------
    >>> print(table_html(pd.DataFrame({"Group": ["A"], "Value": ["1.0"]}), "Values"))  # doctest: +ELLIPSIS
    <table>
    <caption>Values</caption>...<th scope="row">A</th>...
    """
    raw = set(raw)
    row_header = row_header or (df.columns[0] if len(df.columns) else None)
    head = "".join(f'<th scope="col">{_esc(str(c))}</th>' for c in df.columns)
    rows = []
    for _, r in df.iterrows():
        cells = []
        for c in df.columns:
            v = r[c]
            text = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
            text = text if c in raw else _esc(text)
            cells.append(f'<th scope="row">{text}</th>' if c == row_header else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table>\n<caption>{_esc(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
            + "\n".join(rows) + "\n</tbody>\n</table>")


def figure_html(fig: plt.Figure, name: str, alt: str, caption: str, numbers: pd.DataFrame,
                figdir: Path | None = None) -> str:
    """Embed a chart as a PNG with its text alternative and the table of its numbers.

    Also writes ``<figdir>/<name>.png`` and ``.svg`` when ``figdir`` is given.
    """
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")  # periods like 2020/21 must not become folders
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    if figdir is not None:
        figdir = Path(figdir)
        figdir.mkdir(parents=True, exist_ok=True)
        (figdir / f"{name}.png").write_bytes(buf.getvalue())
        fig.savefig(figdir / f"{name}.svg", format="svg", metadata={"Date": None})
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    table = table_html(numbers, f"The numbers behind the chart: {caption}")
    return (f'<figure>\n<img src="data:image/png;base64,{data}" alt="{_esc(alt)}">\n'
            f"<figcaption>{_esc(caption)}</figcaption>\n</figure>\n"
            f"<details><summary>Show the numbers behind this chart</summary>\n{table}\n</details>")


def _num(x: float, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return SUPPRESSED
    return f"{round_half_up(x, digits):,.{digits}f}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _worst(rags: Iterable[str]) -> str:
    return min(rags, key=_RAG_ORDER.get)


# ---------------------------------------------------------------- sections
def title_html(r: Results) -> str:
    """The page heading and the lead paragraph."""
    s = r.scheme
    area = getattr(s, "area", None)
    where = ""
    if area:  # data with many areas: say whose figures these are, and what they are set beside
        beside = getattr(s, "comparator_areas", None)
        where = (f'<p class="lead">Figures for {_esc(area)}'
                 + (f", with {_esc(', '.join(beside))} for comparison" if beside else "") + ".</p>\n")
    return (f"<h1>{_esc(s.name)}: progress report, {r.baseline} to {r.current}</h1>\n"
            f'<p class="lead">{_esc(s.description)}</p>\n{where}{TOC_MARK}')


def summary_html(r: Results, figdir: Path | None = None) -> str:
    """The one-page summary: status counts, headline changes, a row per measure."""
    ev = r.evaluation
    counts = ev["rag"].value_counts()
    n_meas = ev["measure_id"].nunique()
    parts = ['<section aria-labelledby="summary"><h2 id="summary">Summary</h2>']
    parts.append(
        f"<p>The scheme has {len(r.scheme.objectives)} objectives and {n_meas} measures of success. "
        f"We compared {r.current} with the baseline year, {r.baseline}, for {len(ev)} groups of people.</p>")
    parts.append('<ul class="counts">' + "".join(
        f"<li>{rag_badge(rag, label)}: {int(counts.get(rag, 0))} groups</li>"
        for rag, label in (("green", "Green: met"), ("amber", "Amber: no clear change or not yet measurable"),
                           ("red", "Red: not met"))) + "</ul>")
    parts.append("<h3>What changed</h3>")
    parts.append("<ul>" + "".join(f"<li>{_esc(t)}</li>" for t in headlines(r)) + "</ul>")
    tests = r.comparisons
    chance = round(tests * (1 - r.options["level"]))
    parts.append(
        f"<p>We made {tests} statistical comparisons. Even when nothing has really changed, about 1 in "
        f"{round(1 / (1 - r.options['level']))} comparisons will look like a change by chance, so around {chance} "
        "of these results could be chance. Look for patterns, not single results."
        + (f" To allow for this, each change was tested with the {_ADJUST[r.options['adjust']]}."
           if r.options.get("adjust") else "") + "</p>")
    rows = []
    for obj in r.scheme.objectives:
        for m in obj.measures:
            e = ev[ev["measure_id"] == m.id]
            rag = _worst(e["rag"])
            rows.append({"Objective": obj.title, "Measure of success": m.title,
                         "Status": rag_badge(rag, _measure_label(e, rag)), "What changed": measure_headline(e)})
    parts.append(table_html(pd.DataFrame(rows), f"Status of each measure of success, {r.baseline} to {r.current}",
                            row_header="Measure of success", raw=["Status"]))
    red = int(counts.get("red", 0))
    fig = charts.status_grid(ev, f"{red} groups did not meet their measure of success" if red else
                             "Every measure of success was met or is unclear",
                             f"Number of groups by status under each measure, {r.baseline} to {r.current}")
    grid = ev.groupby(["measure", "rag"], sort=False).size().unstack(fill_value=0).reindex(
        columns=["green", "amber", "red"], fill_value=0).reset_index()
    grid.columns = ["Measure", "Green: met", "Amber: unclear", "Red: not met"]
    alt = ("Bar chart of the number of groups by status under each measure. " + " ".join(
        f"{row['Measure']}: {row['Green: met']} met, {row['Amber: unclear']} unclear, {row['Red: not met']} not met."
        for _, row in grid.iterrows()))
    parts.append(figure_html(fig, "status_grid", alt, "Status of every group under each measure", grid.astype(str),
                             figdir))
    parts.append("</section>")
    return "\n".join(parts)


_ADJUST = {"holm": "Holm adjustment for the number of groups compared",
           "bh": "Benjamini-Hochberg adjustment for the number of groups compared"}


def _measure_label(e: pd.DataFrame, rag: str) -> str:
    n = len(e)
    if n == 1:
        return e["rag_label"].iloc[0]
    k = int((e["rag"] == rag).sum())
    word = {"green": "Green: all met", "amber": "Amber", "red": "Red"}[rag]
    return word if rag == "green" else f"{word}: {k} of {n} groups"


def measure_headline(e: pd.DataFrame) -> str:
    """One sentence on a measure: its single group's summary, or who is not met."""
    if len(e) == 1:
        return e["summary"].iloc[0]
    red = e[e["rag"] == "red"]
    amber = e[e["rag"] == "amber"]
    if len(red):
        return " ".join(red["summary"].head(2)) + (f" ({len(red) - 2} more groups not met.)" if len(red) > 2 else "")
    if len(amber):
        names = [group_phrase(c, g, p or "people") for c, g, p in
                 zip(amber["characteristic"], amber["group"], amber["population"], strict=True)]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        return f"No group got worse. Not yet met, with no clear change or no data to judge, for: {shown}."
    return f"All {len(e)} groups met the measure."


def headlines(r: Results) -> list[str]:
    """The headline changes: every red result, then real progress, then levelling down."""
    ev = r.evaluation
    out = list(ev.loc[ev["status"].isin(["widened", "worsened", "below_level"]), "summary"])
    out += list(ev.loc[ev["status"].isin(["narrowed", "improved"]), "summary"])
    ld = ev.loc[ev["status"] == "narrowed_levelling_down", "summary"]
    out += list(ld)
    if not out:
        out = ["No gap changed by more than chance would explain."]
    return out[:8]


def objective_html(r: Results, obj: Objective, figdir: Path | None = None) -> str:
    """One objective: each measure's status table and charts."""
    ev = r.evaluation[r.evaluation["objective_id"] == obj.id]
    rag = _worst(ev["rag"]) if len(ev) else "amber"
    parts = [f'<section aria-labelledby="obj-{obj.id}"><h2 id="obj-{obj.id}">{_esc(obj.title)}</h2>',
             f"<p>{_esc(obj.description)}</p>" if obj.description else "",
             f"<p>Overall status of this objective: {rag_badge(rag, _measure_label(ev, rag) if len(ev) else '')}</p>"]
    for m in obj.measures:
        parts.append(measure_html(r, m, ev[ev["measure_id"] == m.id], figdir))
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def measure_html(r: Results, m: Measure, e: pd.DataFrame, figdir: Path | None) -> str:
    """A measure: what it asks, a status table per group, and its charts."""
    rule_text = {
        "gap_not_widen": "The gap must not widen, should narrow, and must not narrow by everyone getting worse.",
        "improve_where_gap": "For every group with a gap at the baseline, the group's own result must improve.",
        "maintain_level": "The result for everyone must stay at its level"
                          + (f" of at least {m.level:g}" if m.level is not None else "") + ".",
        "representation": f"Each group's share must match its share of the population, within {m.tolerance:g} "
                          "percentage points." if m.tolerance is not None else "",
    }[m.rule]
    parts = [f'<h3 id="m-{m.id}">{_esc(m.title)}</h3>', f'<p class="rule">What success means: {_esc(rule_text)}</p>']
    order = e.assign(_o=e["rag"].map(_RAG_ORDER)).sort_values(["_o", "group"], kind="stable")
    rows = pd.DataFrame({
        "Group": order["group"],
        "Status": [rag_badge(a, b) for a, b in zip(order["rag"], order["rag_label"], strict=True)],
        "What this means": order["summary"],
    })
    parts.append(table_html(rows, f"{m.title}: status of each group, {r.baseline} to {r.current}", raw=["Status"]))
    if m.rule in ("gap_not_widen", "improve_where_gap"):
        parts.append(_gap_chart(r, m, order, figdir))
        parts.append(_dot_chart(r, m, order, figdir))
    elif m.rule == "maintain_level":
        parts.append(_level_chart(r, m, figdir))
    return "\n".join(p for p in parts if p)


def _series_for(r: Results, m: Measure) -> pd.DataFrame:
    s = r.series
    s = s[(s["indicator"] == m.indicator) & (s["comparator"] == m.comparator)]
    if m.characteristics:
        s = s[s["characteristic"].isin(m.characteristics)]
    return s


def _gap_chart(r: Results, m: Measure, order: pd.DataFrame, figdir: Path | None) -> str:
    s = _series_for(r, m)
    by_concern = order.assign(_c=order["status"].map(_CONCERN).fillna(99)).sort_values("_c", kind="stable")
    published = s[~s["suppressed"]].groupby("group")["gap"].count()
    measurable = by_concern[~by_concern["status"].isin(["insufficient_data", "no_gap"])]
    pick = measurable if len(measurable) else by_concern
    chosen = list(dict.fromkeys(g for g in pick["group"] if published.get(g, 0) > 1))[:5]
    if not chosen:
        return "<p>There is no chart for this measure: every figure is suppressed or missing.</p>"
    # a group name may recur under two characteristics ("Unclassified"): chart the one the table lists first
    first_char = pick.drop_duplicates("group").set_index("group")["characteristic"]
    data = s[s["group"].isin(chosen) & (s["characteristic"] == s["group"].map(first_char))]
    first = order[order["group"] == chosen[0]].iloc[0]
    unit, pop = data["unit"].iloc[0], data["population"].iloc[0]
    name = data["name"].iloc[0]
    title = _chart_title(first)
    versus = {"overall": f"all {pop}", "rest": f"other {pop}", "best": "the best-off group",
              "reference": "the reference group"}[m.comparator]
    periods = sort_periods(data["period"])
    subtitle = f"Gap in {name} between each group and {versus}, {gap_unit(unit)}, {periods[0]} to {periods[-1]}"
    fig = charts.gap_over_time(data.assign(group=pd.Categorical(data["group"], chosen)).sort_values("group")
                               .assign(group=lambda d: d["group"].astype(str)), title, subtitle)
    numbers = data.pivot_table(index="period", columns="group", values="gap", aggfunc="first", sort=False)
    numbers = numbers.reindex(index=periods, columns=chosen)
    table = numbers.map(_num).reset_index().rename(columns={"period": "Year"})
    alt_bits = []
    for g in chosen:
        col = numbers[g].dropna()
        if len(col):
            alt_bits.append(f"{g}: {_num(col.iloc[0])} in {col.index[0]}, {_num(col.iloc[-1])} in {col.index[-1]}")
    alt = f"Line chart. {title}. Gap in {gap_unit(unit)}, above zero means worse off. " + "; ".join(alt_bits) + "."
    html_out = figure_html(fig, f"{m.id}_gap_over_time", alt, subtitle, table, figdir)
    for _, row in order[order["status"] == "narrowed_levelling_down"].iterrows():
        html_out += "\n" + _values_chart(r, m, s, row, figdir)
    return html_out


def _values_chart(r: Results, m: Measure, s: pd.DataFrame, row: pd.Series, figdir: Path | None) -> str:
    """For levelling down: the group's own result and everyone's, to show why the gap closed."""
    d = s[(s["group"] == row["group"]) & (s["characteristic"] == row["characteristic"])]
    unit, pop, name = row["unit"], row["population"], row["name"]
    who = group_phrase(row["characteristic"], row["group"], pop)
    periods = sort_periods(d["period"])
    title = f"The gap closed because results for all {pop} fell, not because {who} did better"
    subtitle = f"{_cap(name)}: {who} and all {pop}, {unit}, {periods[0]} to {periods[-1]}"
    fig = charts.values_over_time(d, title, subtitle)
    dd = d.set_index("period").loc[periods]
    table = pd.DataFrame({"Year": periods, _cap(who): [_num(v) for v in dd["value"]],
                          f"All {pop}": [_num(v) for v in dd["comparator_value"]]})
    alt = (f"Line chart. {title}. {_cap(who)}: {fmt_value(dd['value'].iloc[0], unit)} in {periods[0]} and "
           f"{fmt_value(dd['value'].iloc[-1], unit)} in {periods[-1]}. All {pop}: "
           f"{fmt_value(dd['comparator_value'].iloc[0], unit)} and {fmt_value(dd['comparator_value'].iloc[-1], unit)}.")
    return figure_html(fig, f"{m.id}_{row['group']}_values".replace(" ", "_"), alt, subtitle, table, figdir)


#: which groups a chart shows first: the results a committee most needs to see
_CONCERN = {s: i for i, s in enumerate(["widened", "narrowed_levelling_down", "worsened", "below_level", "narrowed",
                                        "improved", "no_significant_change", "not_improved", "not_comparable",
                                        "insufficient_data", "no_gap", "level_maintained"])}


def _chart_title(row: pd.Series) -> str:
    who = group_phrase(row["characteristic"], row["group"], row["population"] or "people")
    g0, g1, unit = row["gap_baseline"], row["gap_current"], row["unit"]
    status = row["status"]
    if status == "widened" and g0 < 0:
        return f"{_cap(who)} went from {fmt_gap(-g0, unit)} ahead to {fmt_gap(g1, unit)} behind"
    if status in ("widened",):
        return f"The gap for {who} widened from {fmt_gap(g0, unit)} to {fmt_gap(g1, unit)}"
    if status == "narrowed":
        return f"The gap for {who} narrowed from {fmt_gap(g0, unit)} to {fmt_gap(g1, unit)}"
    if status == "narrowed_levelling_down":
        return f"The gap for {who} narrowed, but only because everyone did worse"
    if status in ("no_significant_change", "not_improved"):
        return f"No clear change in the gap for {who}"
    if status == "not_comparable":
        return f"The gap for {who} cannot be compared across the change in how it is measured"
    return f"Gaps for {who} and other groups over time"


def _dot_chart(r: Results, m: Measure, order: pd.DataFrame, figdir: Path | None) -> str:
    s = r.series
    s = s[(s["indicator"] == m.indicator) & (s["period"] == r.current) & (s["comparator"] == m.comparator)]
    if m.comparator != "overall" or s.empty:
        return ""
    out = []
    for ch in (m.characteristics or sorted(set(s["characteristic"]))):
        c = s[s["characteristic"] == ch]
        if c.empty:
            continue
        pop, unit, name = c["population"].iloc[0], c["unit"].iloc[0], c["name"].iloc[0]
        shown = c[~c["suppressed"]].dropna(subset=["value"])
        worst = shown.sort_values("gap", ascending=False).iloc[0] if len(shown) else None
        significant = worst is not None and pd.notna(worst["significant"]) and bool(worst["significant"])
        if significant and worst["gap"] > 0:
            who = _cap(group_phrase(ch, worst["group"], pop))
            title = f"{who} are furthest behind: {fmt_gap(worst['gap'], unit)} below all {pop}"
        else:
            title = f"No group is clearly behind all {pop}"
        subtitle = f"{_cap(name)} by {ch.replace('_', ' ')}, {r.current}, with all {pop} for comparison"
        fig = charts.dot_plot(c, title, subtitle, highlight=list(order["group"]) if m.groups else None)
        tab = c.sort_values("value", ascending=False)
        table = pd.DataFrame({
            "Group": tab["group"],
            f"Value ({unit})": [_num(v) for v in tab["value"]],
            "Lower 95% limit": [_num(v) for v in tab["lower"]],
            "Upper 95% limit": [_num(v) for v in tab["upper"]],
            "Gap to all": [_num(v) for v in tab["gap"]],
        })
        n_sup = int(c["suppressed"].sum())
        alt = (f"Dot chart. {title}. All {pop}: {fmt_value(c['comparator_value'].iloc[0], unit)}. "
               + "; ".join(f"{g}: {fmt_value(v, unit)}" for g, v in zip(shown.sort_values('value')['group'],
                                                                      shown.sort_values('value')['value'], strict=True))
               + (f". {n_sup} groups too small to publish are not shown." if n_sup else "."))
        out.append(figure_html(fig, f"{m.id}_{ch}_{r.current}_dots", alt, subtitle, table, figdir))
    return "\n".join(out)


def _level_chart(r: Results, m: Measure, figdir: Path | None) -> str:
    s = r.series[(r.series["indicator"] == m.indicator) & (r.series["group"] == "All")]
    if s.empty:
        return ""
    periods = sort_periods(s["period"])
    s = s.set_index("period").loc[periods].reset_index()
    unit, name, pop = s["unit"].iloc[0], s["name"].iloc[0], s["population"].iloc[0]
    import numpy as np

    charts._style()
    fig, ax = plt.subplots(figsize=(charts.WIDTH, 3.8))
    x = np.arange(len(s))
    ax.plot(x, s["value"], marker="o", color=charts.COLOURS[0], label=f"All {pop}")
    ax.fill_between(x, s["lower"], s["upper"], color=charts.COLOURS[0], alpha=0.15, linewidth=0)
    if m.level is not None:
        ax.axhline(m.level, color=charts.COLOURS[3], linestyle="--", label=f"Level to keep ({m.level:g})")
    ax.set_xticks(x, periods)
    ax.legend(loc="lower left", fontsize=9)
    last = s.iloc[-1]
    title = (f"{_cap(name)} stayed above the level to keep" if m.level is not None and last["value"] >= m.level
             else f"{_cap(name)}: {fmt_value(last['value'], unit)} in {last['period']}")
    subtitle = f"{_cap(name)}, all {pop}, {unit}, {periods[0]} to {periods[-1]}, with 95% confidence interval"
    charts._layout(fig, charts._titles(fig, ax, title, subtitle))
    table = pd.DataFrame({"Year": s["period"], f"Value ({unit})": [_num(v) for v in s["value"]],
                          "Lower 95% limit": [_num(v) for v in s["lower"]],
                          "Upper 95% limit": [_num(v) for v in s["upper"]]})
    alt = (f"Line chart. {title}. " + "; ".join(f"{p}: {fmt_value(v, unit)}" for p, v in zip(s['period'], s['value'], strict=True))
           + (f". Level to keep: {m.level:g}." if m.level is not None else "."))
    return figure_html(fig, f"{m.id}_level", alt, subtitle, table, figdir)


def levelling_down_html(r: Results) -> str:
    """Every gap that narrowed only because everyone got worse, and why it does not count."""
    ld = r.levelling_down
    parts = ['<section aria-labelledby="levelling-down"><h2 id="levelling-down">Levelling down: '
             "gaps that narrowed for the wrong reason</h2>",
             "<p>A gap can get smaller because the group that was behind caught up, or because everyone else got "
             "worse. The second is levelling down. This report never counts levelling down as progress: the "
             "scheme asks for gaps to close by the group doing better, not by others doing worse.</p>"]
    if ld.empty:
        parts.append("<p>No gap narrowed by levelling down between "
                     f"{r.baseline} and {r.current}.</p>")
    else:
        parts.append(f"<p>{len(ld)} gap{'s' if len(ld) != 1 else ''} narrowed by levelling down. "
                     "These are not counted as progress:</p>")
        rows = pd.DataFrame({
            "Group": [_cap(group_phrase(c, g, p)) for c, g, p in zip(ld["characteristic"], ld["group"], ld["population"], strict=True)],
            "Measure": ld["name"],
            "Gap then": [fmt_gap(v, u) for v, u in zip(ld["gap_baseline"], ld["unit"], strict=True)],
            "Gap now": [fmt_gap(v, u) for v, u in zip(ld["gap_current"], ld["unit"], strict=True)],
            "Everyone then": [fmt_value(v, u) for v, u in zip(ld["all_baseline"], ld["unit"], strict=True)],
            "Everyone now": [fmt_value(v, u) for v, u in zip(ld["all_current"], ld["unit"], strict=True)],
            "Why it is not progress": ld["summary"],
        })
        parts.append(table_html(rows, f"Gaps that narrowed by levelling down, {r.baseline} to {r.current}"))
    parts.append("</section>")
    return "\n".join(parts)


def screen_html(r: Results, top: int = 12) -> str:
    """The equality screen's top findings: who is furthest behind, on what."""
    s = r.screen
    dis = s[s["flag"] == "disadvantaged"].head(top)
    parts = ['<section aria-labelledby="screen"><h2 id="screen">Who is furthest behind in '
             f"{r.current}</h2>",
             f"<p>Every group on every measure in {r.current}, compared with everyone. These are the "
             f"{len(dis)} largest gaps that are not down to chance, largest first (relative to the "
             "result for everyone).</p>"]
    rows = pd.DataFrame({
        "Rank": dis["rank"].astype(str),
        "Finding": dis["finding"],
        "Group": dis["group"],
        "Value": [fmt_value(v, u) for v, u in zip(dis["value"], dis["unit"], strict=True)],
        "Everyone": [fmt_value(v, u) for v, u in zip(dis["comparator_value"], dis["unit"], strict=True)],
    })
    parts.append(table_html(rows, f"Largest significant gaps, {r.current}", row_header="Finding"))
    counts = s["flag"].value_counts()
    parts.append(f"<p>Of {len(s)} groups screened, {int(counts.get('disadvantaged', 0))} are significantly worse off "
                 f"than everyone, {int(counts.get('advantaged', 0))} are significantly better off, "
                 f"{int(counts.get('no clear gap', 0))} show no clear gap, and {int(counts.get('suppressed', 0))} are "
                 "too small to publish.</p></section>")
    return "\n".join(parts)


def quality_html(r: Results, readability: float | None = None) -> str:
    """Data quality: suppressed cells (never their values), missing years, missing intervals."""
    q = r.quality
    sup = q["suppressed"]
    parts = ['<section aria-labelledby="quality"><h2 id="quality">About the data</h2>',
             f"<p>Small numbers are not published: a figure is suppressed when fewer than "
             f"{r.options['min_numerator']} people are counted or the group has fewer than "
             f"{r.options['min_denominator']} people, and a second figure is suppressed where the first could "
             f"otherwise be worked out from the total. Suppressed figures are shown as {SUPPRESSED}. "
             f"{len(sup)} figures are suppressed.</p>"]
    if len(sup):
        grouped = (sup.groupby(["indicator", "characteristic", "group"])["period"]
                   .apply(lambda p: ", ".join(sort_periods(p))).reset_index())
        names = r.indicators.set_index("indicator")["name"]
        table = pd.DataFrame({"Measure": grouped["indicator"].map(names).fillna(grouped["indicator"]),
                              "Characteristic": grouped["characteristic"].str.replace("_", " "),
                              "Group": grouped["group"], "Years suppressed": grouped["period"]})
        parts.append(table_html(table, "Groups with suppressed figures (the figures themselves are not shown)",
                                row_header="Group"))
    mp = q["missing_periods"]
    if len(mp):
        parts.append("<p>Years with no data: " + "; ".join(
            f"{_esc(str(r.indicators.set_index('indicator')['name'].get(i, i)))}: {p}"
            for i, p in zip(mp["indicator"], mp["missing_periods"], strict=True)) + ".</p>")
    else:
        parts.append("<p>Every measure has data for every year.</p>")
    mg = q.get("missing_groups")
    if mg is not None and len(mg):
        names = r.indicators.set_index("indicator")["name"]
        table = pd.DataFrame({"Measure": mg["indicator"].map(names).fillna(mg["indicator"]).map(_cap),
                              "Characteristic": mg["characteristic"].str.replace("_", " "), "Group": mg["group"],
                              "Years with no figure": mg["missing_periods"]})
        parts.append(table_html(table, "Groups missing from some years' data", row_header="Group"))
    else:
        parts.append("<p>Every group is in every year's data.</p>")
    ni = q["no_interval"]
    if len(ni):
        parts.append("<p>Some figures came without counts or a confidence interval, so we could not test whether "
                     "their gaps are real: " + ", ".join(f"{_esc(i)} ({n} figures)" for i, n in
                                                          zip(ni["indicator"], ni["rows_without_interval"], strict=True))
                     + ".</p>")
    else:
        parts.append("<p>Every published figure has a confidence interval.</p>")
    na = q.get("not_analysed")
    if na is not None and len(na):
        parts.append("<p>The data files also hold measures this report does not analyse, because the indicator "
                     "list does not say which way is better for them: "
                     + ", ".join(_esc(i) for i in na["indicator"].head(20)) + (" and more" if len(na) > 20 else "")
                     + ".</p>")
    if readability is not None:
        parts.append(f"<p>Readability: the report's generated sentences score {readability:.0f} on the Flesch "
                     "reading ease scale (60 or more is plain English).</p>")
    sources = r.indicators[["name", "source"]].drop_duplicates()
    parts.append(table_html(pd.DataFrame({"Measure": sources["name"].map(_cap), "Source": sources["source"]}),
                            "Where the figures come from"))
    parts.append("</section>")
    return "\n".join(parts)


GLOSSARY = [
    ("Gap", "The difference between a group's result and the result it is compared with, usually everyone's. "
            "In this report a gap above zero means the group is worse off."),
    ("Statistically significant", "Too large to be explained by chance alone. Surveys and small groups give "
                                  "figures that vary from year to year by chance; we only call a change real "
                                  "when it is bigger than that."),
    ("Confidence interval", "The range the true figure is likely to be in. We use 95%: if we could repeat the "
                            "count many times, 95 out of 100 such ranges would contain the true figure."),
    ("No clear change", "The figure moved, but by less than chance could explain."),
    ("Levelling down", "A gap that got smaller because everyone else got worse, not because the group did "
                       "better. We never count it as progress."),
    ("Suppressed [c]", "A figure based on so few people that publishing it could identify someone, so it is "
                       "not shown."),
    ("Baseline", "The year the scheme measures progress from."),
]


def glossary_html() -> str:
    """The glossary: every statistical term used, once, in plain words."""
    items = "".join(f"<dt>{_esc(t)}</dt><dd>{_esc(d)}</dd>" for t, d in GLOSSARY)
    return f'<section aria-labelledby="glossary"><h2 id="glossary">Words we use</h2><dl>{items}</dl></section>'


def methods_html(r: Results) -> str:
    """How the figures were worked out, for the analyst who checks them."""
    level = f"{r.options['level'] * 100:g}%"
    rule = ("any fall" if r.options["strict"] else "a statistically significant fall")
    return (
        '<section aria-labelledby="methods"><h2 id="methods">How we worked this out</h2><ul>'
        f"<li>Confidence intervals are {level}. Proportions use the Wilson score interval; differences between "
        "two proportions use Newcombe's hybrid score method; ratios use the Katz log method; means use Student's "
        "t and Welch; rates use Byar's method; published intervals are used as given.</li>"
        "<li>A group compared with everyone is part of everyone, so the comparison allows for that overlap "
        "(it is worked out from the group against the rest of the population).</li>"
        "<li>Changes between the baseline and now treat the two years as independent samples, combining their "
        "intervals with the MOVER method (Zou and Donner, 2008).</li>"
        f"<li>Levelling down: a narrowing gap is not counted as progress when everyone's result shows {rule} "
        "between the baseline and now.</li>"
        "<li>Where a measure's definition changed between the two years (a series break), the report shows both "
        "figures but does not claim a change.</li>"
        "</ul></section>")


def narrative_text(r: Results) -> str:
    """Every generated sentence, for the readability measure."""
    sentences = list(r.evaluation["summary"].dropna()) + headlines(r) + list(r.screen["finding"].head(12))
    return " ".join(sentences)


def readability(r: Results) -> float:
    """Flesch reading ease of the generated sentences (see :mod:`evidence.readability`)."""
    from .readability import flesch_reading_ease

    return flesch_reading_ease(narrative_text(r))
