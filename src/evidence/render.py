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
from .display import interval  # the one format of a value and its interval
from .labels import (
    NOT_AVAILABLE,
    RAG_WORDS,
    characteristic_label,
    is_unknown_group,
    level_label,
    level_odds,
    plural,
)
from .labels import SUPPRESSED as SUPPRESSED
from .narrative import fmt_gap, fmt_value, gap_unit, group_phrase, round_half_up
from .periods import sort_periods
from .results import Results
from .scheme import Measure, Objective
from .verdicts import (
    AMBER,
    CONCERN,
    GREEN,
    GREY_LABELS,
    RED,
    VERDICT_RAG,
    VERDICTS,
    counts_text,
    findings,
    verdict,
)

#: where the exported page puts its table of contents (empty in JupyterLab)
TOC_MARK = '<div class="toc-here"></div>'
RAG_ICON = {"green": "✔", "amber": "▲", "red": "✖", "grey": "○"}
_RAG_ORDER = {"red": 0, "amber": 1, "green": 2, "grey": 3}
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


def verdict_badge(verdict: str) -> str:
    """The verdict of an objective or measure: met, not met, mixed or not yet measurable.

    Examples
    --------
    >>> verdict_badge("mixed")
    '<span class="rag rag-amber"><span aria-hidden="true">▲</span> Mixed</span>'
    """
    return rag_badge(VERDICT_RAG[verdict], _cap(verdict))


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
    <div class="table-wrap"><table>
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
    # the wrapper scrolls a wide table on its own, so the page never scrolls sideways on a phone
    return (f'<div class="table-wrap"><table>\n<caption>{_esc(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n'
            "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table></div>")


def details_html(summary: str, body: str) -> str:
    """Collapsed content under a one-line summary a reader can open."""
    return f"<details><summary>{_esc(summary)}</summary>\n{body}\n</details>"


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


def _level(r: Results) -> str:
    """The report's confidence level as readers see it ("99.8%"): every label comes from this one setting."""
    return level_label(r.options["level"])


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _worst(rags: Iterable[str]) -> str:
    return min(rags, key=_RAG_ORDER.get)


def _judged(ev: pd.DataFrame) -> pd.DataFrame:
    return ev[ev["rag"] != "grey"]


# ---------------------------------------------------------------- sections
def title_html(r: Results) -> str:
    """The page heading and one line on what is compared."""
    s = r.scheme
    who = f"{_esc(s.organisation)}. " if s.organisation else ""
    area = getattr(s, "area", None)
    where = ""
    if area:  # data with many areas: say whose figures these are, and what they are set beside
        beside = getattr(s, "comparator_areas", None)
        where = (f" Figures for {_esc(area)}"
                 + (f", with {_esc(', '.join(beside))} for comparison" if beside else "") + ".")
    if _one_year(r):  # the scheme's first year: where we stand, the figures later years are compared with
        return (f"<h1>{_esc(s.name)}: baseline report, {r.current}</h1>\n"
                f'<p class="lead">{who}Where we are in {r.current}, the year the scheme measures from. Later reports '
                f"will compare their figures with these.{where}</p>")
    return (f"<h1>{_esc(s.name)}: progress report, {_span(r)}</h1>\n"
            f'<p class="lead">{who}Where we are in {r.current}, compared with {r.baseline}, the year the '
            f"scheme measures from.{where}</p>")


def _one_year(r: Results) -> bool:
    """True when the report's current year is its baseline: nothing can have changed yet."""
    return r.baseline == r.current


def _years(periods: list[str]) -> str:
    """First to last of a chart's years, or the one year once."""
    return periods[0] if len(periods) == 1 or periods[0] == periods[-1] else f"{periods[0]} to {periods[-1]}"


def _span(r: Results) -> str:
    """The years the report covers, "2018 to 2024", or one year once ("2024", never "2024 to 2024")."""
    return r.current if _one_year(r) else f"{r.baseline} to {r.current}"


def verdicts_html(r: Results) -> str:
    """The first screen: are we meeting our equality objectives? One line per objective, then levelling down."""
    ev = r.evaluation
    parts = ['<section aria-labelledby="verdicts" class="verdicts">'
             '<h2 id="verdicts">Are we meeting our equality objectives?</h2>']
    verdict_of = {o.id: verdict(ev.loc[ev["objective_id"] == o.id, "rag"]) for o in r.scheme.objectives}
    tally = pd.Series(list(verdict_of.values())).value_counts()
    n = len(r.scheme.objectives)
    said = [f"{int(tally[v])} {v}" for v in VERDICTS if v in tally]
    parts.append(f"<p>The scheme has {plural(n, 'objective')}: " + ", ".join(said) + ".</p>")
    items = []
    for o in r.scheme.objectives:
        rows = ev[ev["objective_id"] == o.id]
        # one finding, or two when the verdict is mixed (the worst and the best), so every objective fits the screen
        lines = " ".join(_esc(f) for f in findings(rows, 2 if verdict_of[o.id] == "mixed" else 1))
        since = since_text(r, rows)
        items.append(f'<li><p class="verdict-head"><a href="#obj-{o.id}">{_esc(o.title)}</a>: '
                     f"{verdict_badge(verdict_of[o.id])}</p><p>{lines}"
                     + (f' <span class="since">{_esc(since)}</span>' if since else "") + "</p></li>")
    parts.append('<ol class="verdict-list">' + "".join(items) + "</ol>")
    ld = _levelling_rows(r)
    parts.append('<h3 id="warnings">Levelling down: warnings</h3>')
    if ld.empty:
        parts.append(f"<p>{_no_levelling_down(r)}</p>")
    else:
        shown = list(ld["summary"].head(3))
        more = len(ld) - len(shown)
        parts.append("<ul>" + "".join(f"<li>{_esc(t)}</li>" for t in shown) + "</ul>")
        if more:
            parts.append(f'<p>And {plural(more, "more gap")} like this: see <a href="#levelling-down">levelling '
                         "down</a>.</p>")
    parts.append(f'<p class="rule">{_esc(colour_rule_text(r))}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _no_levelling_down(r: Results) -> str:
    if _one_year(r):
        return f"{r.current} is the year the scheme measures from, so no gap can have narrowed yet, for any reason."
    return f"No gap narrowed by levelling down between {r.baseline} and {r.current}."


def colour_rule_text(r: Results) -> str:
    """How the colours are decided, with the scheme's minimum change, in two sentences."""
    mins = {m.min_change for _, m in r.scheme.measures() if m.min_change is not None}
    scheme_min = r.options.get("min_change")
    if scheme_min:
        size = f"at least {scheme_min:g} {'point' if scheme_min == 1 else 'points'} or percentage {'point' if scheme_min == 1 else 'points'}, the scheme's minimum"
        if mins - {scheme_min}:
            size += ", or the size set for the measure"
        size_text = f"A change counts only when it is statistically significant and {size}."
    elif mins:
        size_text = ("A change counts only when it is statistically significant and, where the scheme sets a "
                     "minimum size for the measure, at least that big.")
    else:
        size_text = ("The scheme sets no minimum size, so any change that is statistically significant counts, "
                     "however small.")
    return ("Green means the figures show the measure is met. Results that cannot be judged (does not apply, "
            "no data, not comparable, not yet measurable) are grey and counted apart. " + size_text)


def since_text(r: Results, e: pd.DataFrame) -> str:
    """How the groups moved since last year's report, counted in words.

    Examples
    --------
    >>> class R: previous = "2023"
    >>> since_text(R, pd.DataFrame({"rag": ["red", "amber"], "since_last": ["worse", "no clear change"]}))
    'Since 2023: 1 group worse, 1 with no clear change.'
    """
    if r.previous is None or "since_last" not in e:
        return ""
    judged = e[e["rag"] != "grey"]["since_last"]
    if judged.empty:
        return ""
    better = int((judged == "better").sum())
    worse = int(judged.str.startswith("worse").sum())
    same = int((judged == "no clear change").sum())
    rest = len(judged) - better - worse - same
    parts = [f"{plural(better, 'group')} better" if better else "", f"{plural(worse, 'group')} worse" if worse else "",
             f"{plural(same, 'group') if not (better or worse) else same} with no clear change" if same else "",
             f"{rest} cannot be compared" if rest else ""]
    return f"Since {r.previous}: " + ", ".join(p for p in parts if p) + "."


def _levelling_rows(r: Results) -> pd.DataFrame:
    ld = r.levelling_down
    if ld.empty or "group" not in ld:
        return ld
    return ld[~ld["group"].map(is_unknown_group)]


def summary_html(r: Results, figdir: Path | None = None) -> str:
    """Contents, the scheme's aims, the count of groups by status, what changed, a row per measure."""
    ev = r.evaluation
    n_meas = ev["measure_id"].nunique()
    n_obj = len(r.scheme.objectives)
    parts = [TOC_MARK, '<section aria-labelledby="summary"><h2 id="summary">Summary</h2>']
    if r.scheme.description:
        parts.append(f"<p>{_esc(r.scheme.description)}</p>")
    parts.append(
        f"<p>The scheme has {plural(n_obj, 'objective')} and {plural(n_meas, 'measure')} of success. "
        + (f"{r.current} is the year the scheme measures from, so this report sets out where "
           f"{plural(len(ev), 'group')} of people stand; later reports will say what changed.</p>" if _one_year(r) else
           f"We compared {r.current} with the baseline year, {r.baseline}, for {plural(len(ev), 'group')} of people.</p>"))
    counts = ev["rag"].value_counts()
    items = [f"<li>{rag_badge(rag, label)}: {plural(int(counts.get(rag, 0)), 'group')}</li>"
             for rag, label in (("green", GREEN), ("amber", AMBER), ("red", RED))]
    grey = ev.loc[ev["rag"] == "grey", "rag_label"].value_counts()
    if len(grey):
        items.append("<li>Not judged, counted apart: " + ", ".join(
            f"{rag_badge('grey', g)}: {plural(int(grey[g]), 'group')}" for g in GREY_LABELS if g in grey) + "</li>")
    parts.append('<ul class="counts">' + "".join(items) + "</ul>")
    parts.append("<h3>What changed</h3>")
    parts.append("<ul>" + "".join(f"<li>{_esc(t)}</li>" for t in headlines(r)) + "</ul>")
    if r.comparisons:  # one year: no test of change was made, so none could be chance
        parts.append(f"<p>{_esc(chance_text(r.comparisons, r.options['level'], r.options.get('adjust')))}</p>")
    rows = []
    for obj in r.scheme.objectives:
        for m in obj.measures:
            e = ev[ev["measure_id"] == m.id]
            rows.append({"Objective": obj.title, "Measure of success": m.title,
                         "Verdict": verdict_badge(verdict(e["rag"])), "Groups": counts_text(e["rag"], e["rag_label"])})
    table = table_html(pd.DataFrame(rows), f"Verdict on each measure of success, {_span(r)}",
                       row_header="Measure of success", raw=["Verdict"])
    parts.append(details_html(f"Verdict on each of the {plural(n_meas, 'measure')} of success", table))
    parts.append(_status_chart(r, figdir))
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def chance_text(tests: int, level: float, adjust: str | None = None) -> str:
    """How many results chance alone could explain, in words that never say "around 0".

    Examples
    --------
    >>> chance_text(78, 0.95)
    'We made 78 statistical comparisons. About 1 in 20 comparisons looks like a change by chance even when nothing changed, so about 4 of these results could be chance. Look for patterns, not single results.'
    >>> chance_text(3, 0.95).endswith("fewer than 1 of these results would be expected by chance. Still, look for patterns.")
    True
    """
    one_in = round(1 / (1 - level))
    expected = tests * (1 - level)
    head = (f"We made {plural(tests, 'statistical comparison')}. About 1 in {one_in} comparisons looks like a change "
            "by chance even when nothing changed, so ")
    if round(expected) >= 1:
        text = head + f"about {round(expected)} of these results could be chance. Look for patterns, not single results."
    else:
        text = head + "fewer than 1 of these results would be expected by chance. Still, look for patterns."
    if adjust:
        text += f" To allow for this, each change was tested with the {_ADJUST[adjust]}."
    return text


def _status_chart(r: Results, figdir: Path | None) -> str:
    ev = r.evaluation
    if ev["measure_id"].nunique() < 2:
        return ""  # one measure: its verdict and counts say it all; a chart of one bar adds nothing
    red = int((ev["rag"] == "red").sum())
    title = (f"{plural(red, 'group')} did not meet {'its' if red == 1 else 'their'} measure of success" if red else
             "No group failed its measure of success")
    fig = charts.status_grid(ev, title, f"Number of groups by status under each measure, {_span(r)}")
    grid = ev.groupby(["measure_id", "rag"], sort=False).size().unstack(fill_value=0).reindex(
        columns=["green", "amber", "red", "grey"], fill_value=0)
    names = ev.drop_duplicates("measure_id").set_index("measure_id")["measure"]
    grid = grid.loc[list(dict.fromkeys(ev["measure_id"]))]
    table = pd.DataFrame({"Measure": names[grid.index].to_numpy(),
                          **{_cap(RAG_WORDS[rag]): grid[rag].to_numpy() for rag in ("green", "amber", "red", "grey")}})
    alt = ("Bar chart of the number of groups by status under each measure. " + " ".join(
        f"{row['Measure']}: " + ", ".join(f"{row[_cap(RAG_WORDS[rag])]} {RAG_WORDS[rag]}"
                                          for rag in ("green", "amber", "red", "grey")) + "."
        for _, row in table.iterrows()))
    chart = figure_html(fig, "status_grid", alt, "Status of every group under each measure", table.astype(str), figdir)
    return f'<details class="chart"><summary>Chart: status of every group under each measure</summary>\n{chart}\n</details>'


_ADJUST = {"holm": "Holm adjustment for the number of groups compared",
           "bh": "Benjamini-Hochberg adjustment for the number of groups compared"}


def measure_headline(e: pd.DataFrame) -> str:
    """One or two sentences on a measure: the results behind its verdict."""
    return " ".join(findings(e))


def headlines(r: Results) -> list[str]:
    """The headline changes: every red result, then real progress, then levelling down (groups, not unknowns)."""
    ev = r.evaluation[~r.evaluation["group"].map(is_unknown_group)]
    ev = ev[ev["rag"] != "grey"]
    red = ev[ev["rag"] == "red"]
    out = list(red.loc[red["status"] != "narrowed_levelling_down", "summary"])
    out += list(ev.loc[ev["rag"] == "green", "summary"][ev["status"] != "level_maintained"])
    out += list(red.loc[red["status"] == "narrowed_levelling_down", "summary"])
    if not out and _one_year(r):
        out = [f"{r.current} is the year the scheme measures from, so no gap can have changed yet."]
    elif not out:
        out = ["No gap changed by more than chance would explain, or by more than the scheme's minimum."]
    return out[:8]


def objective_html(r: Results, obj: Objective, figdir: Path | None = None) -> str:
    """One objective: its verdict and findings, the council's words, then each measure."""
    ev = r.evaluation[r.evaluation["objective_id"] == obj.id]
    parts = [f'<section aria-labelledby="obj-{obj.id}"><h2 id="obj-{obj.id}">{_esc(obj.title)}</h2>',
             f"<p>{_esc(obj.description)}</p>" if obj.description else "",
             f'<p class="verdict-head">Verdict: {verdict_badge(verdict(ev["rag"]))} '
             f"({_esc(counts_text(ev['rag'], ev['rag_label']))})</p>"]
    if since_text(r, ev):
        parts.append(f'<p class="since">{_esc(since_text(r, ev))}</p>')
    if obj.council:
        parts.append(council_html(obj.council, 3, "objective"))
    if len(obj.measures) > 1:
        parts.append('<ul class="measure-links">' + "".join(
            f'<li><a href="#m-{m.id}">{_esc(m.title)}</a>: {verdict_badge(verdict(ev.loc[ev["measure_id"] == m.id, "rag"]))}'
            "</li>" for m in obj.measures) + "</ul>")
    for m in obj.measures:
        parts.append(measure_html(r, m, ev[ev["measure_id"] == m.id], figdir))
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


#: the council's own words, in the order a committee asks for them
COUNCIL_LABELS = {"lead_officer": "Lead officer", "actions_taken": "Actions taken",
                  "planned_actions": "Planned actions", "commentary": "Commentary"}


def council_html(words: dict[str, str], level: int, what: str = "measure") -> str:
    """The council's own words beside the finding; says plainly when none were given.

    Examples
    --------
    >>> council_html({}, 4)
    '<p class="council">The council gave no lead officer, actions or commentary for this measure.</p>'
    >>> "<li>Mentoring</li><li>Tutoring</li>" in council_html({"actions_taken": "Mentoring" + chr(10) + "Tutoring"}, 4)
    True
    """
    if not any(words.get(k) for k in COUNCIL_LABELS):
        return f'<p class="council">The council gave no lead officer, actions or commentary for this {what}.</p>'
    def said(text: str | None) -> str:
        if not text:
            return "None given."
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines) > 1:  # a list of actions in the scheme stays a list
            return "<ul>" + "".join(f"<li>{_esc(line)}</li>" for line in lines) + "</ul>"
        return _esc(text)

    items = "".join(f"<dt>{label}</dt><dd>{said(words.get(k))}</dd>" for k, label in COUNCIL_LABELS.items())
    return (f'<div class="council"><h{level}>What the council says about this {what}</h{level}>'
            f"<dl>{items}</dl></div>")


def measure_html(r: Results, m: Measure, e: pd.DataFrame, figdir: Path | None) -> str:
    """A measure: what it asks, its verdict and findings, the council's words, every group (folded), charts."""
    rule_text = {
        "gap_not_widen": "The gap must not widen, should narrow, and must not narrow by everyone getting worse.",
        "improve_where_gap": "For every group with a gap at the baseline, the group's own result must improve.",
        "maintain_level": "The result for everyone must stay at its level"
                          + (f" of at least {m.level:g}" if m.level is not None else "") + ".",
        "representation": f"Each group's share must match its share of the population, within {m.tolerance:g} "
                          "percentage points." if m.tolerance is not None else "",
    }[m.rule]
    since = since_text(r, e)
    parts = [f'<h3 id="m-{m.id}">{_esc(m.title)}</h3>', f'<p class="rule">What success means: {_esc(rule_text)}</p>',
             f'<p class="verdict-head">Verdict: {verdict_badge(verdict(e["rag"]))} '
             f"({_esc(counts_text(e['rag'], e['rag_label']))})</p>",
             f'<p class="since">{_esc(since)}</p>' if since else ""]
    order = e.assign(_o=e["rag"].map(_RAG_ORDER), _c=e["status"].map(CONCERN).fillna(99))
    order = order.sort_values(["_o", "_c", "group"], kind="stable")
    judged = order[order["rag"] != "grey"]
    last = (lambda w: f" Since {r.previous}: {w}.") if r.previous and "since_last" in order else (lambda w: "")
    if "since_last" not in order:
        order = order.assign(since_last="")
    judged = order[order["rag"] != "grey"]
    if len(judged):
        parts.append("<ul>" + "".join(f"<li>{rag_badge(a, b)} {_esc(t + last(w))}</li>" for a, b, t, w in
                                      zip(judged["rag"].head(5), judged["rag_label"].head(5),
                                          judged["summary"].head(5), judged["since_last"].head(5), strict=True))
                     + "</ul>")
        if len(judged) > 5:
            parts.append(f"<p>{plural(len(judged) - 5, 'more group')} in the table below.</p>")
    else:
        parts.append(f"<p>{_esc(' '.join(order['summary'].dropna().head(1)))}</p>")
    parts.append(council_html(m.council, 4))
    if len(e) > 1:
        rows = pd.DataFrame({
            "Group": order["group"],
            "Status": [rag_badge(a, b) for a, b in zip(order["rag"], order["rag_label"], strict=True)],
            "What this means": order["summary"],
        })
        if r.previous:
            rows[f"Since {r.previous}"] = order["since_last"].to_numpy()
        table = table_html(rows, f"{m.title}: status of each group, {_span(r)}", raw=["Status"])
        parts.append(details_html(f"Status of all {plural(len(e), 'group')}", table))
    parts.append(areas_html(r, m))
    if m.rule in ("gap_not_widen", "improve_where_gap"):
        gap = _gap_chart(r, m, order, figdir)
        if gap and not e["rag"].isin(["red", "green"]).any() and "<figure>" in gap:
            # nothing changed for real: the chart is there for whoever wants it, folded
            gap = f'<details class="chart"><summary>Chart: the gap over time</summary>\n{gap}\n</details>'
        parts.append(gap)
        dots = _dot_chart(r, m, order, figdir)
        if dots:  # every group of the characteristic, watched or not: folded so the page stays short
            parts.append(f'<details class="chart"><summary>Chart: every group in {r.current} compared with '
                         f"everyone</summary>\n{dots}\n</details>")
    elif m.rule == "maintain_level":
        parts.append(_level_chart(r, m, figdir))
    return "\n".join(p for p in parts if p)


def areas_html(r: Results, m: Measure) -> str:
    """The measure's groups in the scheme's area beside its comparator areas, now: each value and each gap.

    "Our gap beside England's": a gap is the group's distance from everyone in
    the same area, above zero when the group is worse off. Empty when the
    scheme names no ``comparator_areas``.
    """
    a = getattr(r, "areas", None)
    if a is None or a.empty or m.rule == "representation":
        return ""
    a = a[(a["indicator"] == m.indicator) & (a["period"] == r.current)]
    if a.empty:
        return ""
    areas = list(dict.fromkeys(a["area"]))
    if len(areas) < 2:
        return ""
    everyone = a[a["group"] == "All"].set_index("area")
    groups = a[a["group"] != "All"]
    if m.rule == "maintain_level":
        groups = groups.iloc[0:0]
    order = [("All", "All"), *dict.fromkeys(zip(groups["characteristic"], groups["group"], strict=True))]
    meta = r.indicators.set_index("indicator")
    lower = meta["polarity"].get(m.indicator) == "lower_is_better" if "polarity" in meta else False
    unit = a["unit"].dropna().iloc[0] if a["unit"].notna().any() else ""
    pop = (meta["population"].get(m.indicator) if "population" in meta else None) or "people"
    cells: dict[str, list[str]] = {"Group": []}
    for ch, g in order:
        cells["Group"].append(f"All {pop}" if g == "All" else _cap(group_phrase(ch, g, pop)))
        for area in areas:
            row = a[(a["area"] == area) & (a["characteristic"] == ch) & (a["group"] == g)]
            hidden = bool(row["suppressed"].iloc[0]) if len(row) else False
            value = row["value"].iloc[0] if len(row) else float("nan")
            cells.setdefault(f"{area} ({unit})", []).append(
                interval(value, row["lower"].iloc[0] if len(row) else None, row["upper"].iloc[0] if len(row) else None,
                         suppressed=hidden))
            if len(order) > 1:
                base = everyone["value"].get(area, float("nan")) if area in everyone.index else float("nan")
                gap = (value - base) if lower else (base - value)
                cells.setdefault(f"Gap, {area} ({gap_unit(unit)})", []).append(
                    "" if g == "All" else interval(gap, suppressed=hidden or bool(everyone["suppressed"].get(area, False))))
    own, others = areas[0], ", ".join(areas[1:])
    table = table_html(pd.DataFrame(cells), f"{m.title}: {own} beside {others}, {r.current}, with {_level(r)} "
                       "confidence intervals; a gap above zero means the group is worse off than everyone in "
                       "the same area")
    return details_html(f"Beside other areas: {own} and {others} in {r.current}", table)


def _breaks(r: Results, indicator: str) -> list[str]:
    """Series-break periods of an indicator, from its metadata."""
    meta = r.indicators.set_index("indicator")
    if "breaks" not in meta or indicator not in meta.index:
        return []
    value = meta.at[indicator, "breaks"]
    return [str(b) for b in value] if isinstance(value, list | tuple) else []


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
    versus = _versus(m.comparator, pop)
    periods = sort_periods(data["period"])
    subtitle = (f"Gap in {name} between each group and {versus}, {gap_unit(unit)}, {_years(periods)}, "
                f"with {_level(r)} confidence intervals")
    fig = charts.gap_over_time(data.assign(group=pd.Categorical(data["group"], chosen)).sort_values("group")
                               .assign(group=lambda d: d["group"].astype(str)), title, subtitle,
                               breaks=_breaks(r, m.indicator), level=r.options["level"])
    numbers = data.pivot_table(index="period", columns="group", values="gap", aggfunc="first", sort=False)
    numbers = numbers.reindex(index=periods, columns=chosen)
    table = _pivot_text(data.assign(text=_intervals(data, "gap")), periods, chosen)
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


def _intervals(d: pd.DataFrame, col: str, lower: str | None = "", upper: str | None = "") -> list[str]:
    """Each row's ``col`` with its interval, as the report writes every figure: ``25.8 (25.6 to 26.0)``, or [c].

    ``lower``/``upper`` default to the column's own limits (``lower``/``upper`` for ``value``, ``gap_lower``/...
    otherwise); ``None`` leaves the interval out.
    """
    if lower == "":
        lower, upper = ("lower", "upper") if col == "value" else (f"{col}_lower", f"{col}_upper")
    hidden = d["suppressed"].fillna(False).astype(bool) if "suppressed" in d else pd.Series(False, index=d.index)
    lo = d[lower] if lower in d else pd.Series(None, index=d.index, dtype=object)
    hi = d[upper] if upper in d else pd.Series(None, index=d.index, dtype=object)
    return [interval(v, a, b, suppressed=h) for v, a, b, h in zip(d[col], lo, hi, hidden, strict=True)]


def _pivot_text(d: pd.DataFrame, periods: list[str], groups: list[str]) -> pd.DataFrame:
    """A year-by-group table of the ``text`` column; a year with no figure is [x]."""
    t = d.pivot_table(index="period", columns="group", values="text", aggfunc="first", sort=False)
    t = t.reindex(index=periods, columns=groups).fillna(NOT_AVAILABLE).reset_index().rename(columns={"period": "Year"})
    t.columns.name = None
    return t


def _versus(comparator: str, pop: str) -> str:
    """Who a chart compares each group with, in words."""
    return {"overall": f"all {pop}", "rest": f"other {pop}", "best": "the best-off group",
            "reference": "the reference group"}.get(comparator, f"all {pop}")


def _yes(x: object) -> bool:
    return x is not None and x is not pd.NA and not (isinstance(x, float) and math.isnan(x)) and bool(x)


def _values_chart(r: Results, m: Measure, s: pd.DataFrame, row: pd.Series, figdir: Path | None) -> str:
    """For levelling down: the group's own result and everyone's, to show why the gap closed."""
    d = s[(s["group"] == row["group"]) & (s["characteristic"] == row["characteristic"])]
    unit, pop, name = row["unit"], row["population"], row["name"]
    who = group_phrase(row["characteristic"], row["group"], pop)
    versus = _versus(m.comparator, pop)
    periods = sort_periods(d["period"])
    # "did worse", never "fell": for a lower-is-better measure (absence, unemployment) getting worse is a rise
    worse = versus if m.comparator == "overall" or _yes(row.get("comparator_worse")) else f"all {pop}"
    title = f"The gap closed because {worse} did worse, not because {who} did better"
    subtitle = f"{_cap(name)}: {who} and {versus}, {unit}, {_years(periods)}"
    fig = charts.values_over_time(d, title, subtitle, breaks=_breaks(r, m.indicator), level=r.options["level"])
    dd = d.set_index("period").loc[periods]
    table = pd.DataFrame({"Year": periods, _cap(who): _intervals(dd, "value"),
                          _cap(versus): _intervals(dd, "comparator_value", "comparator_lower", "comparator_upper")})
    alt = (f"Line chart. {title}. {_cap(who)}: {fmt_value(dd['value'].iloc[0], unit)} in {periods[0]} and "
           f"{fmt_value(dd['value'].iloc[-1], unit)} in {periods[-1]}. {_cap(versus)}: "
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
            # behind is below for a higher-is-better measure, above for a lower-is-better one (absence, obesity)
            side = "above" if worst["polarity"] == "lower_is_better" else "below"
            title = f"{who} are furthest behind: {fmt_gap(worst['gap'], unit)} {side} all {pop}"
        else:
            title = f"No group is clearly behind all {pop}"
        subtitle = f"{_cap(name)} by {characteristic_label(ch)}, {r.current}, with all {pop} for comparison"
        fig = charts.dot_plot(c, title, subtitle, highlight=list(order["group"]) if m.groups else None,
                              level=r.options["level"])
        tab = c.sort_values("value", ascending=False)
        table = pd.DataFrame({
            "Group": tab["group"],
            f"Value ({unit}), with {_level(r)} confidence interval": _intervals(tab, "value"),
            f"Gap to all ({gap_unit(unit)})": _intervals(tab, "gap", None, None),
        })
        n_sup = int(c["suppressed"].sum())
        alt = (f"Dot chart. {title}. All {pop}: {fmt_value(c['comparator_value'].iloc[0], unit)}. "
               + "; ".join(f"{g}: {fmt_value(v, unit)}" for g, v in zip(shown.sort_values('value')['group'],
                                                                      shown.sort_values('value')['value'], strict=True))
               + (f". {n_sup} groups too small to publish are not shown." if n_sup else "."))
        out.append(figure_html(fig, f"{m.id}_{ch}_{r.current}_dots", alt, subtitle, table, figdir))
    return "\n".join(out)


def _level_chart(r: Results, m: Measure, figdir: Path | None) -> str:
    """Everyone's result over time against the level to keep; the title says what the status says."""
    s = r.series[(r.series["indicator"] == m.indicator) & (r.series["group"] == "All")]
    if s.empty:
        return ""
    periods = charts.all_periods(sort_periods(s["period"]))
    s = s.drop_duplicates("period").set_index("period").reindex(periods).reset_index()
    known = s.dropna(subset=["unit"])
    unit, name, pop = known["unit"].iloc[0], known["name"].iloc[0], known["population"].iloc[0]
    import numpy as np

    charts._style()
    fig, ax = plt.subplots(figsize=(charts.WIDTH, 3.8))
    x = np.arange(len(s))
    colour = charts.COLOURS[0]
    for seg in charts.segments(periods, _breaks(r, m.indicator)):
        part = s.iloc[seg]
        ax.plot(x[seg], part["value"], marker="o", color=colour)
        ax.fill_between(x[seg], part["lower"], part["upper"], color=colour, alpha=0.15, linewidth=0)
    avoid = []
    if m.level is not None:
        ax.axhline(m.level, color=charts.COLOURS[3], linestyle="--")
        ax.annotate(f"Level to keep: {m.level:g}", xy=(0, m.level), xycoords=("axes fraction", "data"),
                    xytext=(4, -4), textcoords="offset points", va="top", fontsize=9, color=charts.COLOURS[3])
        avoid.append(float(m.level))
        lo, hi = ax.get_ylim()
        ax.set_ylim(min(lo, m.level - (hi - lo) * 0.15), hi)
    charts._period_ticks(ax, periods)
    ax.set_xlim(-0.3, len(periods) - 1 + 1.8)
    shown = s.dropna(subset=["value"])
    charts._label_ends(ax, [(x[shown.index[-1]], shown["value"].iloc[-1], f"All {pop}", colour)], avoid=avoid)
    row = r.evaluation[r.evaluation["measure_id"] == m.id]
    status = row["status"].iloc[0] if len(row) else None
    last = shown.iloc[-1]
    # for a lower-is-better measure the level to keep is a ceiling: worse is above it, and getting worse is a rise
    lower = known["polarity"].iloc[0] == "lower_is_better" if "polarity" in known else False
    good_side, fell = ("below", "rose") if lower else ("above", "fell")
    if status == "level_maintained":
        title = f"{_cap(name)} held its level" + (f" and stayed {good_side} the level to keep" if m.level is not None
                                                  else "")
    elif status == "below_level":
        past = m.level is not None and (last["value"] > m.level if lower else last["value"] < m.level)
        title = (f"{_cap(name)} {'rose above' if lower else 'fell below'} the level to keep" if past
                 else f"{_cap(name)} {fell} by more than chance would explain")
    else:
        title = f"{_cap(name)}: {fmt_value(last['value'], unit)} in {last['period']}"
    subtitle = f"{_cap(name)}, all {pop}, {unit}, {_years(periods)}, with {_level(r)} confidence interval"
    charts._layout(fig, charts._titles(fig, ax, title, subtitle))
    s = s.dropna(subset=["value"])
    table = pd.DataFrame({"Year": s["period"],
                          f"Value ({unit}), with {_level(r)} confidence interval": _intervals(s, "value")})
    alt = (f"Line chart. {title}. " + "; ".join(f"{p}: {fmt_value(v, unit)}" for p, v in zip(s['period'], s['value'], strict=True))
           + (f". Level to keep: {m.level:g}." if m.level is not None else "."))
    return figure_html(fig, f"{m.id}_level", alt, subtitle, table, figdir)


def levelling_down_html(r: Results) -> str:
    """Every gap that narrowed only because everyone got worse, and why it does not count."""
    ld = _levelling_rows(r)
    parts = ['<section aria-labelledby="levelling-down"><h2 id="levelling-down">Levelling down: '
             "gaps that narrowed for the wrong reason</h2>",
             "<p>A gap can get smaller because the group that was behind caught up, or because everyone else got "
             "worse. The second is levelling down. This report never counts levelling down as progress: the "
             "scheme asks for gaps to close by the group doing better, not by others doing worse.</p>"]
    if ld.empty:
        parts.append(f"<p>{_no_levelling_down(r)}</p>")
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
        parts.append(table_html(rows, f"Gaps that narrowed by levelling down, {_span(r)}"))
    parts.append("</section>")
    return "\n".join(parts)


def screen_html(r: Results, top: int = 12) -> str:
    """The equality screen's top findings: who is furthest behind, on what, sorted by the figure shown."""
    s = screened(r)
    dis = s[s["flag"] == "disadvantaged"].head(top)
    parts = ['<section aria-labelledby="screen"><h2 id="screen">Who is furthest behind in '
             f"{r.current}</h2>",
             f"<p>Every group the scheme's measures cover, in {r.current}, compared with everyone. These are the "
             f"{plural(len(dis), 'largest gap')} that are not down to chance, furthest behind first: how much worse "
             "each group's result is than the result for everyone, in per cent.</p>"]
    behind = [(x - 1) * 100 if pd.notna(x) else float("nan") for x in dis["relative_gap"]]
    rows = pd.DataFrame({
        "Finding": dis["finding"],
        "Group": dis["group"],
        "Worse than everyone by": [f"{_num(b, 0)}%" if b == b else "not available" for b in behind],
        "Value": [fmt_value(v, u) for v, u in zip(dis["value"], dis["unit"], strict=True)],
        "Everyone": [fmt_value(v, u) for v, u in zip(dis["comparator_value"], dis["unit"], strict=True)],
    })
    parts.append(table_html(rows, f"Largest significant gaps, {r.current}", row_header="Finding"))
    counts = s["flag"].value_counts()
    parts.append(f"<p>Of {plural(len(s), 'group')} screened, {int(counts.get('disadvantaged', 0))} "
                 f"{'is' if int(counts.get('disadvantaged', 0)) == 1 else 'are'} significantly worse off "
                 f"than everyone, {int(counts.get('advantaged', 0))} significantly better off, "
                 f"{int(counts.get('no clear gap', 0))} show no clear gap, and {int(counts.get('suppressed', 0))} "
                 "are too small to publish.</p></section>")
    return "\n".join(parts)


def in_scheme(r: Results, df: pd.DataFrame) -> pd.DataFrame:
    """Rows about the groups the scheme watches (indicator, characteristic and, where listed, group)."""
    if df.empty:
        return df
    keep = pd.Series(False, index=df.index)
    for _, m in r.scheme.measures():
        hit = df["indicator"] == m.indicator
        if m.characteristics:
            hit &= df["characteristic"].isin(m.characteristics)
        if m.groups:
            hit &= df["group"].isin(m.groups)
        keep |= hit
    return df[keep & ~df["group"].map(is_unknown_group)]


def screened(r: Results) -> pd.DataFrame:
    """The equality screen for the characteristics the scheme watches, without unrecorded groups."""
    s = r.screen
    if s.empty:
        return s
    keep = pd.Series(False, index=s.index)
    for _, m in r.scheme.measures():
        hit = s["indicator"] == m.indicator
        keep |= hit & s["characteristic"].isin(m.characteristics) if m.characteristics else hit
    return s[keep & ~s["group"].map(is_unknown_group)]


def quality_html(r: Results, readability: float | None = None) -> str:
    """Data quality: suppressed cells (never their values), missing years, missing intervals.

    Only the groups the scheme watches are listed, and long lists are folded.
    """
    q = r.quality
    sup = in_scheme(r, q["suppressed"])
    parts = ['<section aria-labelledby="quality"><h2 id="quality">About the data</h2>',
             f"<p>Small numbers are not published: a figure is suppressed when fewer than "
             f"{r.options['min_numerator']} people are counted or the group has fewer than "
             f"{r.options['min_denominator']} people, and a second figure is suppressed where the first could "
             f"otherwise be worked out from the total. Suppressed figures are shown as {SUPPRESSED}. "
             f"Among the groups the scheme watches, {plural(len(sup), 'figure')} "
             f"{'is' if len(sup) == 1 else 'are'} suppressed.</p>"]
    if len(sup):
        grouped = (sup.groupby(["indicator", "characteristic", "group"])["period"]
                   .apply(lambda p: ", ".join(sort_periods(p))).reset_index())
        names = r.indicators.set_index("indicator")["name"]
        table = pd.DataFrame({"Measure": grouped["indicator"].map(names).fillna(grouped["indicator"]),
                              "Characteristic": grouped["characteristic"].map(characteristic_label),
                              "Group": grouped["group"], "Years suppressed": grouped["period"]})
        parts.append(details_html(f"{plural(len(table), 'group')} with suppressed figures",
                                  table_html(table, "Groups with suppressed figures (the figures themselves are "
                                             "not shown)", row_header="Group")))
    mp = q["missing_periods"]
    if len(mp):
        parts.append("<p>Years with no data: " + "; ".join(
            f"{_esc(str(r.indicators.set_index('indicator')['name'].get(i, i)))}: {p}"
            for i, p in zip(mp["indicator"], mp["missing_periods"], strict=True)) + ".</p>")
    else:
        parts.append("<p>Every measure has data for every year.</p>")
    mg = q.get("missing_groups")
    mg = in_scheme(r, mg) if mg is not None else mg
    if mg is not None and len(mg):
        names = r.indicators.set_index("indicator")["name"]
        table = pd.DataFrame({"Measure": mg["indicator"].map(names).fillna(mg["indicator"]).map(_cap),
                              "Characteristic": mg["characteristic"].map(characteristic_label), "Group": mg["group"],
                              "Years with no figure": mg["missing_periods"]})
        parts.append(details_html(f"{plural(len(table), 'group')} missing from some years' data",
                                  table_html(table, "Groups missing from some years' data", row_header="Group")))
    else:
        parts.append("<p>Every group the scheme watches is in every year's data.</p>")
    ni = q["no_interval"]
    if len(ni):
        parts.append("<p>Some figures came without counts or a confidence interval, so we could not test whether "
                     "their gaps are real: " + ", ".join(f"{_esc(i)} ({plural(n, 'figure')})" for i, n in
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
    used = {m.indicator for _, m in r.scheme.measures()}
    sources = r.indicators.loc[r.indicators["indicator"].isin(used), ["name", "source"]].drop_duplicates()
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
    ("Confidence interval", "The range the true figure is likely to be in. We use {level}: if we could repeat the "
                            "count many times, {odds} such ranges would contain the true figure."),
    ("No clear change", "The figure moved, but by less than chance could explain."),
    ("Levelling down", "A gap that got smaller because everyone else got worse, not because the group did "
                       "better. We never count it as progress."),
    ("Suppressed [c]", "A figure based on so few people that publishing it could identify someone, so it is "
                       "not shown."),
    ("Baseline", "The year the scheme measures progress from."),
]


def glossary_html(r: Results | float | None = None) -> str:
    """The glossary: every statistical term used, once, in plain words.

    ``r`` is the report's results (or its confidence level), so the glossary
    names the level the figures use. Without it (a notebook copied before the
    glossary took one) the level is not named rather than named wrongly.

    Examples
    --------
    >>> "We use 99.8%: if we could repeat the count many times, 998 out of 1,000" in glossary_html(0.998)
    True
    >>> "95%" in glossary_html()
    False
    """
    level = r if isinstance(r, int | float) or r is None else r.options["level"]
    words = ({"level": level_label(level), "odds": level_odds(level)} if level is not None else None)

    def said(text: str) -> str:
        if "{level}" not in text:
            return text
        if words is None:
            return ("The range the true figure is likely to be in, at the confidence level given under "
                    "\"How we worked this out\".")
        return text.format(**words)

    items = "".join(f"<dt>{_esc(t)}</dt><dd>{_esc(said(d))}</dd>" for t, d in GLOSSARY)
    return f'<section aria-labelledby="glossary"><h2 id="glossary">Words we use</h2><dl>{items}</dl></section>'


def methods_html(r: Results) -> str:
    """How the figures were worked out, for the analyst who checks them."""
    level = _level(r)
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


def sentences(r: Results) -> list[str]:
    """Every sentence the report writes from the data (not the council's own words), for checks."""
    ev = r.evaluation
    out = list(ev["summary"].dropna()) + headlines(r) + list(_levelling_rows(r).get("summary", pd.Series()).dropna())
    for o in r.scheme.objectives:
        out += findings(ev[ev["objective_id"] == o.id])
    out += [colour_rule_text(r)]
    out += [chance_text(r.comparisons, r.options["level"], r.options.get("adjust"))] if r.comparisons else []
    out += [since_text(r, ev[ev["objective_id"] == o.id]) for o in r.scheme.objectives]
    screen = screened(r)
    out += list(screen.loc[screen["flag"] == "disadvantaged", "finding"].head(12))
    return list(dict.fromkeys(s for s in out if isinstance(s, str) and s))


def narrative_text(r: Results) -> str:
    """Every generated sentence, for the readability measure."""
    return " ".join(sentences(r))


def readability(r: Results) -> float:
    """Flesch reading ease of the generated sentences (see :mod:`evidence.readability`)."""
    from .readability import flesch_reading_ease

    return flesch_reading_ease(narrative_text(r))
