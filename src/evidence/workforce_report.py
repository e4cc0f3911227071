"""The workforce profile report: HTML sections, its files, and the run that publishes them.

``evidence report --notebook workforce`` runs ``notebooks/workforce_profile.ipynb``
with papermill through the same machinery as the scheme report
(:mod:`evidence.report`: a kernel for this interpreter, self-contained HTML
with no code, everything written to a temporary folder and swapped in only when
every step succeeded). This module holds the HTML sections the notebook
displays, the CSV and Excel files it writes, and :func:`workforce_report`.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .render import SUPPRESSED, TOC_MARK, _esc, figure_html, rag_badge, table_html
from .workforce import WorkforceResults

log = logging.getLogger("evidence.workforce_report")
NOTEBOOK = Path(__file__).parent / "notebooks" / "workforce_profile.ipynb"
_VERDICT = {"under": ("red", "Under-represented"), "over": ("amber", "Over-represented"),
            "in_line": ("green", "In line")}
_FLAG = {"adverse": ("red", "Less favourable"), "favourable": ("green", "More favourable"),
         "no_clear_difference": ("green", "No clear difference"), "reference": ("green", "Reference group")}
#: what the staff records must hold (maternity_return and single_parent are used when present)
STAFF_COLUMNS = ["start_date", "leave_date", "leave_reason", "grade_band", "ethnicity", "sex", "disability",
                 "hourly_pay", "bonus", "full_pay"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: parameters the run sets itself; the command line has an option for each
_RUN_PARAMETERS = {"staff_path": "--staff", "applicants_path": "--applicants", "population_path": "--population",
                   "pay_gap_returns_path": "--pay-gap-returns", "snapshot": "--period", "level": "--level",
                   "output_dir": "--out"}


# ---------------------------------------------------------------- data
def load(staff_path=None, applicants_path=None, population_path=None, pay_gap_returns_path=None):
    """Staff, applicants, benchmark and GPG returns: from files, or the built-in demo when no staff file is given."""
    from . import demo_workforce as demo
    from .paygap_returns import read_gender_pay_gap

    if staff_path:
        from .errors import EvidenceError, Problem

        staff = _read(staff_path, dates=["start_date", "leave_date"])
        missing = [c for c in STAFF_COLUMNS if c not in staff.columns]
        if missing:
            raise EvidenceError([Problem("the staff records need this column (one row per person: "
                                         f"{', '.join(STAFF_COLUMNS)})", file=str(staff_path), column=c)
                                 for c in missing])
        applicants = _read(applicants_path) if applicants_path else None
        if not population_path:
            raise EvidenceError([Problem("give the population to compare with (--population: a CSV of "
                                         "characteristic, group, count)", column="population")])
        population = _read(population_path)
    else:
        staff, applicants, population = demo.staff(), demo.applicants(), demo.census()
    if "grade_band" in staff and not isinstance(staff["grade_band"].dtype, pd.CategoricalDtype):
        order = demo.BANDS if set(staff["grade_band"].dropna()) <= set(demo.BANDS) else \
            sorted(staff["grade_band"].dropna().unique(), key=str)
        staff["grade_band"] = pd.Categorical(staff["grade_band"], order, ordered=True)
    returns = read_gender_pay_gap(pay_gap_returns_path) if pay_gap_returns_path else None
    return staff, applicants, population, returns


def _read(path, dates=()):
    from .errors import EvidenceError, Problem

    p = Path(path)
    if not p.exists():
        raise EvidenceError([Problem("file not found", file=str(p))])
    df = pd.read_excel(p) if p.suffix.lower() in (".xlsx", ".xls") else pd.read_csv(p)
    for c in dates:
        if c in df:
            parsed = pd.to_datetime(df[c], errors="coerce", dayfirst=True, format="mixed")  # ISO or UK dates
            bad = df.index[parsed.isna() & df[c].notna()]
            if len(bad):
                raise EvidenceError([Problem("not a date", file=str(p), rows=tuple(int(i) + 2 for i in bad[:8]),
                                             column=c, value=str(df.loc[bad[0], c]))])
            df[c] = parsed
    return df


# ---------------------------------------------------------------- HTML
def _n(x, digits: int = 1, pct: bool = False) -> str:
    if x is None or (isinstance(x, float | np.floating) and not np.isfinite(x)):
        return SUPPRESSED
    return f"{x:,.{digits}f}" + ("%" if pct else "")


def _count(x) -> str:
    return SUPPRESSED if x is None or not np.isfinite(x) else f"{int(x):,}"


def title_html(r: WorkforceResults) -> str:
    """The heading, the lead and the findings: the report's first screen."""
    date = r.snapshot.strftime("%-d %B %Y")
    items = "".join(f"<li>{_esc(h)}</li>" for h in r.headlines())
    return (f"<h1>{_esc(r.organisation)}: workforce profile, {date}</h1>\n"
            f'<p class="lead">Who works for the council and how that compares with the borough, where people fall '
            f"out between applying and being appointed, who left, and the pay gaps. Staff in post on {date}: "
            f"{r.headcount:,}.</p>\n{TOC_MARK}\n"
            f'<section aria-labelledby="findings"><h2 id="findings">What we found</h2><ul>{items}</ul></section>')


def representation_html(r: WorkforceResults) -> str:
    """Who is in the room: each group's share of the staff against the borough."""
    rep = r.representation
    parts = ['<section aria-labelledby="representation"><h2 id="representation">Who is in the room</h2>',
             "<p>Each group's share of the staff in post, against its share of the borough's working-age "
             f"residents. A group is under- or over-represented only when the whole {r.level:.0%} confidence "
             "interval of the difference is below or above zero.</p>"]
    for ch, title in (("ethnicity", "ethnic group"), ("sex", "sex"), ("disability", "disability")):
        t = rep[rep["characteristic"] == ch]
        if t.empty:
            continue
        rate = t["disclosure_rate"].iloc[0]
        missing = t.loc[t["missing"], "group"].tolist()
        rows = pd.DataFrame({
            "Group": t["group"], "Staff": [_count(x) for x in t["count"]],
            "Share of staff": [_n(x, pct=True) for x in t["share"]],
            "Share of residents": [_n(x, pct=True) for x in t["benchmark_share"]],
            "Difference (points)": [_n(x) for x in t["difference"]],
            "Interval": [f"{_n(a)} to {_n(b)}" if np.isfinite(a) else SUPPRESSED
                         for a, b in zip(t["difference_lower"], t["difference_upper"], strict=True)],
            "Verdict": [rag_badge(*_VERDICT[v]) if isinstance(v, str) else "Too few to publish" if s else
                        "Not compared" for v, s in zip(t["verdict"], t["suppressed"], strict=True)],
        })
        parts.append(table_html(rows, f"Staff by {title} against the borough's working-age residents",
                                raw=["Verdict"]))
        note = f"{_n(rate, pct=True)} of staff told us their {title}; the rest are not counted in any group."
        if missing:
            note += f" Nobody on the staff is from these groups: {', '.join(missing)}."
        parts.append(f"<p>{_esc(note)}</p>")
    parts.append("</section>")
    return "\n".join(parts)


def bands_html(r: WorkforceResults, figdir: Path | None = None) -> str:
    """Where representation thins out: each ethnic group's share of every grade band."""
    b = r.bands[r.bands["characteristic"] == "ethnic_group"]
    bands = [x for x in pd.unique(b["grade_band"]) if x != "All"]
    table = b[b["grade_band"] != "All"].pivot_table(index="group", columns="grade_band", values="share",
                                                    aggfunc="first", sort=False, dropna=False)
    table = table.reindex(columns=bands)
    bench = b[b["grade_band"] == "All"].set_index("group")["benchmark_share"]
    fig, ax = plt.subplots(figsize=(8, 4.8))
    x = np.arange(len(bands))
    markers = "osD^v<>p"
    for i, (g, row) in enumerate(table.iterrows()):
        ax.plot(x, row.to_numpy(float), marker=markers[i % len(markers)], label=g)
    ax.set_xticks(x, [s.replace(" ", "\n", 1) for s in bands])
    ax.set_ylabel("Share of the grade band (%)")
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
    ax.spines[["top", "right"]].set_visible(False)
    title = "Share of each grade band by ethnic group, junior to senior"
    ax.set_title(title, loc="left", fontsize=11)
    fig.tight_layout()
    numbers = table.map(lambda v: _n(v, pct=True)).reset_index().rename(columns={"group": "Ethnic group"})
    numbers["Borough's residents"] = [_n(bench.get(g, np.nan), pct=True) for g in numbers["Ethnic group"]]
    alt_bits = [f"{g}: {_n(row.iloc[0], pct=True)} of {bands[0]}, {_n(row.iloc[-1], pct=True)} of {bands[-1]}"
                for g, row in table.iterrows()]
    alt = f"Line chart. {title}. " + "; ".join(alt_bits) + "."
    parts = ['<section aria-labelledby="bands"><h2 id="bands">Where representation thins out</h2>',
             "<p>Each ethnic group's share of the staff in each grade band, from the most junior to the most "
             "senior, with its share of the borough's residents. [c] means too few people to publish.</p>",
             figure_html(fig, "grade_bands_ethnic_group", alt, title, numbers, figdir)]
    for ch, word in (("sex", "sex"), ("disability", "disability")):
        t = r.bands[(r.bands["characteristic"] == ch) & (r.bands["grade_band"] != "All")]
        if t.empty:
            continue
        piv = t.pivot_table(index="grade_band", columns="group", values="share", aggfunc="first", sort=False,
                            observed=True)
        rows = piv.map(lambda v: _n(v, pct=True)).reset_index().rename(columns={"grade_band": "Grade band"})
        parts.append(table_html(rows, f"Share of each grade band by {word}"))
    parts.append("</section>")
    return "\n".join(parts)


def _likelihood_table(t: pd.DataFrame, caption: str, who) -> str:
    rows = pd.DataFrame({
        "Group": [who(c, g) for c, g in zip(t["characteristic"], t["group"], strict=True)],
        "At the stage before": [_count(x) for x in t["at_risk"]],
        "Reached this stage": [_count(x) for x in t["outcome"]],
        "Likelihood": [_n(100 * x, pct=True) for x in t["likelihood"]],
        "Relative to reference": [_n(x, 2) for x in t["relative_likelihood"]],
        "Interval": [f"{_n(a, 2)} to {_n(b, 2)}" if np.isfinite(a) else "" for a, b in
                     zip(t["lower"], t["upper"], strict=True)],
        "Finding": [rag_badge(*_FLAG[f]) if isinstance(f, str) and f in _FLAG else "Too few to publish"
                    for f in t["flag"]],
    })
    return table_html(rows, caption, raw=["Finding"])


def pipeline_html(r: WorkforceResults) -> str:
    """Recruitment: the likelihood of being shortlisted, then appointed, for each group."""

    p = r.pipeline
    parts = ['<section aria-labelledby="pipeline"><h2 id="pipeline">From applying to being appointed</h2>',
             "<p>The likelihood of each group moving to the next stage, relative to the reference group (1.00 "
             "means the same; the NHS Workforce Race Equality Standard treats 0.80 to 1.25 as no adverse "
             "difference). Applicants who did not give the characteristic are left out.</p>"]
    if p.empty:
        parts.append("<p>No recruitment records were given.</p>")
        p = pd.DataFrame(columns=["from_stage", "to_stage", "characteristic"])
    for (a, b), t in p.groupby(["from_stage", "to_stage"], sort=False):
        for ch, tt in t.groupby("characteristic", sort=False):
            parts.append(_likelihood_table(tt, f"From {a} to {b}, by {ch.replace('_', ' ')} (reference: "
                                               f"{tt['reference'].iloc[0]})", lambda c, g: g))
    parts.append("</section>")
    return "\n".join(parts)


def leavers_html(r: WorkforceResults) -> str:
    """Who left, and who took voluntary redundancy, relative to the rest."""
    from .workforce import who_phrase

    lv = r.leavers
    parts = ['<section aria-labelledby="leavers"><h2 id="leavers">Who left, and who took voluntary redundancy</h2>',
             "<p>Staff in post a year before the snapshot, and how likely each group was to leave, or to take "
             "voluntary redundancy, relative to the rest. Here a higher likelihood is the less favourable "
             "finding.</p>"]
    for outcome, word in (("voluntary_redundancy", "took voluntary redundancy"), ("left", "left for any reason")):
        t = lv[lv["to_stage"] == outcome]
        for ch, tt in t.groupby("characteristic", sort=False):
            parts.append(_likelihood_table(tt, f"Staff who {word}, by {ch.replace('_', ' ')}", who_phrase))
    parts.append("</section>")
    return "\n".join(parts)


def pay_html(r: WorkforceResults) -> str:
    """Pay gaps: the statutory gender figures, then ethnic group and disability."""
    pay = r.pay
    parts = ['<section aria-labelledby="pay"><h2 id="pay">Pay gaps</h2>',
             "<p>Worked out as the Equality Act 2010 (Specific Duties and Public Authorities) Regulations 2017 "
             "say: mean and median hourly pay of full-pay employees, bonus pay of everyone employed on the "
             "snapshot date, and the four quarters of the pay range. A positive gap means the group is paid less "
             "than the reference group; a negative gap, more. Ethnic group and disability follow the 2023 "
             "ethnicity pay reporting guidance.</p>"]
    for ch, word in (("sex", "sex (reference: men)"), ("ethnic_group", "ethnic group (reference: White British)"),
                     ("disability", "disability (reference: non-disabled staff)")):
        t = pay[pay["characteristic"] == ch]
        rows = pd.DataFrame({
            "Group": t["group"], "Full-pay employees": [_count(x) for x in t["n_full_pay"]],
            "Mean gap": [_n(x, pct=True) if g != ref else "reference" for x, g, ref in
                         zip(t["mean_gap"], t["group"], t["reference"], strict=True)],
            "Median gap": [_n(x, pct=True) if g != ref else "reference" for x, g, ref in
                           zip(t["median_gap"], t["group"], t["reference"], strict=True)],
            "Paid a bonus": [_n(x, pct=True) for x in t["bonus_proportion"]],
            "Lowest quarter": [_n(x, pct=True) for x in t["lower_quartile"]],
            "Highest quarter": [_n(x, pct=True) for x in t["upper_quartile"]],
        })
        parts.append(table_html(rows, f"Pay gaps by {word}"))
        nk = t["not_known_share"].iloc[0] if len(t) else np.nan
        if np.isfinite(nk) and nk > 0:
            parts.append(f"<p>{_n(nk, pct=True)} of staff did not tell us their {ch.replace('_', ' ')}.</p>")
    if r.peers is not None:
        parts.append(f"<p>{_esc(r.peers['summary'].iloc[0])} Peers are from the Gender pay gap service's "
                     "2017-18 returns.</p>")
    parts.append("</section>")
    return "\n".join(parts)


def methods_html(r: WorkforceResults) -> str:
    """How the figures were worked out."""
    return (
        '<section aria-labelledby="methods"><h2 id="methods">How we worked this out</h2><ul>'
        f"<li>Shares use the Wilson score interval ({r.level:.0%}); the residents' shares are a census count, so "
        "they are treated as known.</li>"
        "<li>Relative likelihoods follow the NHS Workforce Race and Disability Equality Standards; their intervals "
        "use the Katz log method, which the standards do not prescribe.</li>"
        "<li>Pay gaps follow the 2017 regulations: (reference - group) / reference x 100, with quartile ties split "
        "so each band has the same mix of groups on that rate (regulation 13(2)).</li>"
        f"<li>Groups of fewer than 5 people, and pay gap groups of fewer than {r.min_n}, are not shown [c], nor "
        "any figure that would let them be worked out. 'Prefer not to say' and 'Not known' are never a group: "
        "they are reported as the share who did not say.</li></ul></section>")


# ---------------------------------------------------------------- files
def tables(r: WorkforceResults) -> dict[str, pd.DataFrame]:
    """The report's tables as written to CSV and Excel (suppressed figures already blank)."""
    out = {"representation": r.representation, "grade_bands": r.bands, "recruitment": r.pipeline,
           "leavers": r.leavers, "pay_gaps": r.pay.drop(columns=["summary"])}
    if r.peers is not None:
        out["pay_gap_peers"] = r.peers
    return {k: v.reset_index(drop=True) for k, v in out.items() if len(v)}


def _safe(t: pd.DataFrame) -> pd.DataFrame:
    """Text from data never becomes a spreadsheet formula."""
    t = t.copy()
    for c in t.columns:
        if t[c].dtype == object or str(t[c].dtype).startswith(("str", "string", "category")):
            t[c] = t[c].astype(object).map(lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START)
                                           and not _is_number(v) else v)
    return t


def _is_number(v: str) -> bool:
    try:
        float(v)
        return True
    except ValueError:
        return False


def write_files(r: WorkforceResults, folder: Path) -> list[Path]:
    """CSV per table and one Excel workbook (gptables, Analysis Function style), ``[c]`` where suppressed."""
    import gptables as gpt

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written, sheets = [], {}
    for key, t in tables(r).items():
        t = _safe(t)
        path = folder / f"{key}.csv"
        t.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
        x = t.copy()
        supp = x["suppressed"].astype(bool) if "suppressed" in x else pd.Series(False, index=x.index)
        for c in x.columns:
            if pd.api.types.is_bool_dtype(x[c]):
                x[c] = x[c].map({True: "yes", False: "no"})
            elif pd.api.types.is_numeric_dtype(x[c]):
                col = x[c].astype(object).map(lambda v: round(float(v), 4) if pd.notna(v) else v)
                x[c] = col.where(x[c].notna(), np.where(supp, SUPPRESSED, "[x]"))
            else:
                x[c] = x[c].astype(object).map(lambda v: "yes" if v is True else "no" if v is False else v)
                x[c] = x[c].where(x[c].notna() & (x[c].astype(str).str.strip() != ""), "[z]")
        x.columns = [c.replace("_", " ").capitalize() for c in x.columns]
        sheets[key.capitalize()] = gpt.GPTable(
            table=x, table_name=key, title=f"{key.replace('_', ' ').capitalize()}: {r.organisation}",
            subtitles=[f"Staff in post on {r.snapshot:%d %B %Y}."], scope=None, source="Source: HR records",
            instructions="This worksheet contains one table. [c] means suppressed because of small numbers, "
                         "[x] not available, [z] not applicable.")
    cover = gpt.Cover(title=f"{r.organisation}: workforce profile, {r.snapshot:%d %B %Y}",
                      intro=["Representation, recruitment, leavers and pay gaps."],
                      about=[f"Confidence intervals are {r.level:.0%}.",
                             "[c] means a figure is suppressed because it is based on small numbers."],
                      contact=["Produced with the evidence toolkit."])
    path = folder / "tables.xlsx"
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"gptables(\..*)?")
        gpt.write_workbook(str(path), sheets=sheets, cover=cover, contentsheet_options={"title": "Contents"})
    written.append(path)
    return written


# ---------------------------------------------------------------- the run
def is_workforce_notebook(path: str | Path) -> bool:
    """Whether a notebook is (a copy of) the workforce profile: its parameters cell sets ``staff_path``.

    Examples
    --------
    >>> from evidence.report import NOTEBOOK
    >>> is_workforce_notebook(NOTEBOOK.parent / "workforce_profile.ipynb"), is_workforce_notebook(NOTEBOOK)
    (True, False)
    """
    import papermill as pm

    return "staff_path" in pm.inspect_notebook(str(path))


def workforce_report(
    out: str | Path | None = None,
    *,
    staff: str | Path | None = None,
    applicants: str | Path | None = None,
    population: str | Path | None = None,
    pay_gap_returns: str | Path | None = None,
    snapshot: str | None = None,
    organisation: str | None = None,
    level: float = 0.95,
    notebook: str | Path | None = None,
    parameters: dict | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Produce the workforce profile report; with no arguments, the built-in demo's.

    Parameters
    ----------
    out : path, optional
        Output folder; default ``reports/workforce/<snapshot date>``.
    staff, applicants, population, pay_gap_returns : path, optional
        The council's own files (see ``evidence report --help``); default the demo council.
    snapshot : str, optional
        The snapshot date, such as ``"2024-03-31"``.
    organisation : str, optional
        The council's name.
    level : float
        Confidence level.
    notebook : str or path, optional
        The notebook to run: the built-in ``workforce_profile`` (default) or the
        path of your own copy (``evidence notebooks`` makes one). Its hash is
        recorded in ``manifest.json``.
    parameters : dict, optional
        Further notebook parameters (for example ``{"min_n": 20}``).
    progress : callable, optional
        Called with a short message at each step.

    Returns
    -------
    Path
        The report folder: ``report.html``, ``tables.xlsx``, CSV tables,
        ``figures/``, ``report.ipynb`` and ``manifest.json``.

    Raises
    ------
    EvidenceError
        A bad parameter or file, an output folder the tool may not replace, or a
        notebook that is not a workforce profile; nothing is written.
    """
    from .parameters import check_parameters
    from .report import (
        _add_parameters,
        _as_param,
        _execute,
        _sha,
        _swap,
        check_target,
        resolve_notebook,
        to_html,
        write_manifest,
    )

    say = progress or (lambda msg: log.info(msg))
    notebook_file = resolve_notebook(notebook or "workforce_profile")
    if not is_workforce_notebook(notebook_file):
        from .errors import EvidenceError, Problem

        raise EvidenceError([Problem(f"--notebook: {notebook_file} is not a workforce profile notebook (its "
                                     "parameters cell does not set staff_path); give your copy of "
                                     "workforce_profile.ipynb (make one with: evidence notebooks)")])
    # every parameter checked before anything runs: one message with the fixes, exit 2 on the command line
    check_parameters({"staff_path": staff, "applicants_path": applicants, "population_path": population,
                      "pay_gap_returns_path": pay_gap_returns, "snapshot": snapshot, "level": level,
                      **(parameters or {})})
    say("Checking the workforce data")
    staff_df, _, _, _ = load(staff, applicants, population, pay_gap_returns)  # bad input stops here, not in a cell
    from . import demo_workforce

    snap = pd.Timestamp(snapshot) if snapshot else demo_workforce.SNAPSHOT
    target = Path(out) if out else Path("reports") / "workforce" / snap.strftime("%Y-%m-%d")
    check_target(target)  # before the long run: a folder we may not replace fails now
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    tmp.chmod(0o755)
    try:
        params = {"staff_path": _as_param(staff), "applicants_path": _as_param(applicants),
                  "population_path": _as_param(population), "pay_gap_returns_path": _as_param(pay_gap_returns),
                  "snapshot": str(snap.date()), "organisation": organisation, "level": level,
                  "output_dir": str(tmp.resolve())}
        _add_parameters(params, parameters, _RUN_PARAMETERS)
        builtin = notebook_file == NOTEBOOK
        say("Running the workforce notebook" + ("" if builtin else f" {notebook_file}"))
        executed = tmp / "report.ipynb"
        _execute(notebook_file, executed, params, _RUN_PARAMETERS)
        say("Writing HTML")
        html = to_html(executed, title="Workforce profile").replace(
            "<p>Equality scheme progress report</p>", "<p>Workforce profile</p>", 1)
        (tmp / "report.html").write_text(html, encoding="utf-8")
        inputs = {str(p): _sha(Path(p)) for p in (staff, applicants, population, pay_gap_returns) if p}
        if not staff:
            inputs["built-in demo workforce (evidence/demo_workforce.py)"] = _sha(Path(demo_workforce.__file__))
        write_manifest(tmp, {"report": "workforce profile", "inputs": inputs},
                       {**params, "output_dir": str(target)}, notebook_file)
        _swap(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    del staff_df
    say(f"Report written to {target}")
    return target
