"""Report tables as files: CSV and JSON for machines, an Excel workbook for people.

The workbook follows the Analysis Function guidance "Releasing statistics in
spreadsheets" through ``gptables`` (the Analysis Function's own library): a
cover sheet, contents, notes, one table per sheet starting in cell A1 area, no
merged cells or blank rows, and the GSS symbol ``[c]`` for suppressed cells.
CSV and JSON leave suppressed figures blank and say so in a ``suppressed``
column. Figures never appear for a suppressed row in any file.

Text from the data (a group, an area, a scheme title) never becomes a
spreadsheet formula: the workbook stores every text cell as text (XlsxWriter's
``strings_to_formulas`` and ``strings_to_urls`` off, then checked: the file
holds no formula at all), and CSV cells starting with ``= + - @``, tab or
carriage return get a leading apostrophe, as OWASP's "CSV Injection" guidance
advises, so a spreadsheet opening the file shows the text instead of running it.
"""

from __future__ import annotations

import json
import math
import re
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

# GSS symbols and status words: the one table in labels, shared with the report and ev.show
from .labels import COMPARATOR_WORDS, STATUS_WORDS
from .labels import NOT_APPLICABLE as NOT_APPLICABLE
from .labels import NOT_AVAILABLE as NOT_AVAILABLE
from .labels import SUPPRESSED as SUPPRESSED
from .results import Results

#: the tables written, with their sheet names, titles and the columns they keep
TABLES = {
    "measures": ("Measures", "Status of every measure of success by group",
                 ["objective", "measure", "rule", "indicator", "name", "characteristic", "group", "comparator",
                  "baseline", "current", "value_baseline", "value_current", "gap_baseline", "gap_current",
                  "gap_change", "gap_change_lower", "gap_change_upper", "all_baseline", "all_current", "unit",
                  "status", "rag", "rag_label", "summary", "suppressed_baseline", "suppressed_current"]),
    "gaps": ("Gaps_over_time", "Gaps between each group and its comparator in every year",
             ["indicator", "name", "period", "characteristic", "group", "comparator", "comparator_group", "value",
              "lower", "upper", "comparator_value", "gap", "gap_lower", "gap_upper", "relative_gap", "significant",
              "unit", "method", "suppressed"]),
    "screen": ("Equality_screen", "Every group's gap in the current year, largest significant disadvantage first",
               ["rank", "flag", "indicator", "name", "characteristic", "group", "value", "lower", "upper",
                "comparator_value", "gap", "gap_lower", "gap_upper", "relative_gap", "unit", "finding", "suppressed"]),
    "levelling_down": ("Levelling_down", "Gaps that narrowed only because everyone got worse",
                       ["indicator", "name", "characteristic", "group", "baseline", "current", "gap_baseline",
                        "gap_current", "all_baseline", "all_current", "unit", "summary"]),
    "areas": ("Comparator_areas", "The scheme's area beside its comparator areas, at baseline and now",
              ["indicator", "name", "period", "area", "characteristic", "group", "value", "lower", "upper", "unit",
               "suppressed"]),
    "suppressed": ("Suppressed_cells", "Figures not published because numbers are small (values withheld)",
                   ["indicator", "period", "characteristic", "group", "reason"]),
}
_NUMERIC_HINTS = ("value", "gap", "lower", "upper", "all_", "relative", "change")
#: characters that make a spreadsheet treat a cell as a formula (OWASP, "CSV Injection")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_text(value: object) -> object:
    """Text that a spreadsheet would run as a formula, made inert with a leading apostrophe.

    Only text is changed; numbers (a negative gap) stay numbers.

    Examples
    --------
    >>> csv_safe_text("=1+1"), csv_safe_text("-1+2"), csv_safe_text(-1.5), csv_safe_text("Male")
    ("'=1+1", "'-1+2", -1.5, 'Male')
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_safe(t: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``t`` whose text cells cannot become formulas (see :func:`csv_safe_text`)."""
    out = t.copy()
    for c in out.columns:
        if not pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c].map(csv_safe_text)
    return out


def tables(r: Results) -> dict[str, pd.DataFrame]:
    """The report's tables, suppression applied, in a fixed row order."""
    raw = {
        "measures": r.evaluation,
        "gaps": r.series.sort_values(["indicator", "comparator", "characteristic", "group", "period"], kind="stable"),
        "screen": r.screen,
        "levelling_down": r.levelling_down,
        "suppressed": r.quality["suppressed"].assign(suppressed=True),
        "areas": getattr(r, "areas", None),
    }
    out = {}
    for key, (_, _, cols) in TABLES.items():
        if raw[key] is None or (key == "areas" and raw[key].empty):
            continue  # comparator areas only when the scheme names some
        t = raw[key].reindex(columns=cols).copy()
        for flag in [c for c in t.columns if c.startswith("suppressed")]:
            t[flag] = t[flag].astype("boolean").fillna(False).astype(bool)
        for c in _numeric(t):
            t.loc[suppressed_mask(t, c), c] = np.nan  # belt and braces: a suppressed figure never leaks
        out[key] = t.reset_index(drop=True)
    return out


def _numeric(t: pd.DataFrame) -> list[str]:
    return [c for c in t.columns if c.startswith(_NUMERIC_HINTS) and pd.api.types.is_numeric_dtype(t[c])]


def suppressed_mask(t: pd.DataFrame, col: str) -> pd.Series:
    """Rows where ``col`` is suppressed: by its own end (baseline/current) or the row's flag."""
    none = pd.Series(False, index=t.index)
    if col.endswith("_baseline") and "suppressed_baseline" in t:
        return t["suppressed_baseline"]
    if col.endswith("_current") and "suppressed_current" in t:
        return t["suppressed_current"]
    if "suppressed" in t:
        return t["suppressed"]
    flags = [t[c] for c in ("suppressed_baseline", "suppressed_current") if c in t]
    return flags[0] | flags[1] if len(flags) == 2 else none


#: decimal places a person reads; the ``_full`` column keeps every digit for machines
_DIGITS = {"relative_gap": 3, "relative_gap_lower": 3, "relative_gap_upper": 3}


def for_people_and_machines(t: pd.DataFrame) -> pd.DataFrame:
    """Each decimal column rounded for reading (half up, as the report shows it), with ``<column>_full`` beside it.

    No float noise such as ``14.700000000000003`` reaches a person; the full value stays for machines.

    Examples
    --------
    >>> for_people_and_machines(pd.DataFrame({"gap": [14.700000000000003, 2.25]})).to_dict("list")
    {'gap': [14.7, 2.3], 'gap_full': [14.700000000000003, 2.25]}
    """
    from .narrative import round_half_up

    out = t.copy()
    for c in list(t.columns):
        if pd.api.types.is_float_dtype(t[c]) and not pd.api.types.is_bool_dtype(t[c]):
            digits = _DIGITS.get(c, 1)
            rounded = [round_half_up(v, digits) if pd.notna(v) and np.isfinite(v) else v for v in t[c]]
            out[c] = pd.Series(rounded, index=t.index, dtype=float)
            out.insert(out.columns.get_loc(c) + 1, f"{c}_full", t[c])
    return out


def write_csv_json(r: Results, folder: Path) -> list[Path]:
    """Write each table as CSV (rounded columns and ``_full`` ones), and the measures also as JSON."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for key, t in tables(r).items():
        path = folder / f"{key}.csv"
        # rounded for people, full precision beside (counts can exceed a million); fields with commas or quotes
        # are quoted, so a separator inside text cannot start a new cell
        csv_safe(for_people_and_machines(t)).to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    measures = tables(r)["measures"]
    records = [{k: _json_value(v) for k, v in row.items()} for row in measures.to_dict("records")]
    path = folder / "measures.json"
    meta = {"scheme": r.scheme.name, "baseline": r.baseline, "current": r.current,
            "confidence_level": r.options["level"], "strict_levelling_down": r.options["strict"]}
    path.write_text(json.dumps({"report": meta, "measures": records}, indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    written.append(path)
    return written


def _json_value(v):
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float | np.floating):
        return None if math.isnan(v) else round(float(v), 6)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def writes_text_natively() -> bool:
    """Whether the installed gptables lets XlsxWriter store formula-like text as plain text.

    gptables >= 2.0.2 passes ``workbook_options`` through; older releases do not, and then
    :func:`write_excel` makes such text inert with a leading apostrophe instead.

    Examples
    --------
    >>> isinstance(writes_text_natively(), bool)
    True
    """
    import inspect

    import gptables as gpt

    return "workbook_options" in inspect.signature(gpt.write_workbook).parameters


def write_excel(r: Results, path: Path) -> Path:
    """Write the accessible workbook (gptables), with ``[c]`` for suppressed cells."""
    import gptables as gpt

    from .labels import level_label

    # gptables >= 2.0.2 passes XlsxWriter options through; older ones (the only ones for pandas < 2.3) do not,
    # and XlsxWriter then writes text starting "=" as a formula: there, such text gets a visible apostrophe
    native = writes_text_natively()
    inert = (lambda v: v) if native else csv_safe_text
    options = {"workbook_options": {"strings_to_formulas": False, "strings_to_urls": False}} if native else {}
    scheme_name = inert(r.scheme.name)
    sheets = {}
    for key, t in tables(r).items():
        sheet, title, _ = TABLES[key]
        t = t.copy()
        for c in t.columns:
            if c in _numeric(t):
                col = t[c].astype(object).where(t[c].notna(), NOT_AVAILABLE)
                col = col.where(~suppressed_mask(t, c), SUPPRESSED)
                t[c] = col.map(lambda v: round(float(v), 4) if isinstance(v, float | np.floating) else v)
        t = t.drop(columns=[c for c in t.columns if c.startswith("suppressed")])
        t = _in_words(t)
        for c in t.columns:
            if t[c].dtype == bool or str(t[c].dtype) == "boolean":
                t[c] = t[c].map(lambda v: NOT_AVAILABLE if v is pd.NA or v is None else ("yes" if v else "no"))
            elif c not in _numeric(t):
                t[c] = t[c].astype(object).where(t[c].notna() & (t[c].astype(str).str.strip() != ""),
                                                 NOT_APPLICABLE)
        t.columns = [heading(c, r.options["level"]) for c in t.columns]
        if not native:
            t = csv_safe(t)
        if t.empty:
            t = pd.DataFrame({t.columns[0] if len(t.columns) else "Note": ["None in this report"]})
        sheets[sheet] = gpt.GPTable(
            table=t, table_name=key, title=f"{title}$$note_small_numbers$$",
            subtitles=[f"{scheme_name}. Baseline {r.baseline}, current {r.current}."],
            source="Source: " + "; ".join(sorted(set(r.indicators["source"].dropna()) - {""})) if len(r.indicators) else None,
            scope=None, instructions="This worksheet contains one table. [c] means suppressed because of small numbers, "
                         "[x] not available, [z] not applicable.",
        )
    cover = gpt.Cover(
        title=f"{scheme_name}: progress report, {r.baseline} to {r.current}",
        intro=[inert(r.scheme.description) or "Equality scheme progress report."],
        about=[f"Confidence intervals are {level_label(r.options['level'])}. A gap above zero means the group is worse "
               "off than its comparator.",
               "Levelling down (a gap narrowing while everyone got worse) is never counted as progress.",
               "[c] means a figure is suppressed because it is based on small numbers."],
        contact=_contact(r.scheme.contact, inert),
    )
    notes = pd.DataFrame({"Note reference": ["note_small_numbers"],
                          "Note text": [f"Figures with fewer than {r.options['min_numerator']} people counted, or from "
                                        f"groups of fewer than {r.options['min_denominator']}, are suppressed [c], as "
                                        "is any second figure that would let them be worked out."]})
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # gptables 2.0 uses pandas features that pandas 3 deprecates (its own code, not our tables): keep logs clean
        warnings.filterwarnings("ignore", module=r"gptables(\..*)?")
        gpt.write_workbook(str(path), sheets=sheets, cover=cover, notes_table=notes,
                           contentsheet_options={"title": "Contents"}, **options)
    formulas = formula_cells(path)
    if formulas:  # whatever a library's defaults: a text cell must never run
        path.unlink()
        raise RuntimeError(f"the workbook would have held formulas ({', '.join(formulas[:3])}); not written")
    return path


def formula_cells(path: Path) -> list[str]:
    """Every formula in an .xlsx file, as ``sheet file: formula`` (none in a workbook this module writes)."""
    found = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8", errors="replace")
                found += [f"{name}: {f}" for f in re.findall(r"<f[ >][^<]*", xml)]
    return found


def heading(col: str, level: float = 0.95) -> str:
    """A column's heading in the workbook, in words, naming the report's confidence level where it has one.

    Examples
    --------
    >>> heading("gap_lower", 0.998), heading("group"), heading("all_change")
    ('Gap, lower 99.8% limit (gap unit)', 'Group', 'All change')
    """
    from .labels import level_label

    if col in HEADINGS:
        return HEADINGS[col].format(level=level_label(level))
    return col.replace("_", " ").capitalize()


def _contact(contact: dict[str, str], inert) -> list[str] | None:
    """The cover's contact lines from the scheme's ``contact:`` (left out when the scheme has none)."""
    lines = [inert(f"{label}: {contact[k]}") for k, label in (("name", "Name"), ("email", "Email"),
                                                               ("phone", "Telephone")) if contact.get(k)]
    return lines or None


#: column headings in words, each numeric one with its unit (the unit columns say which, row by row)
HEADINGS = {
    "objective": "Objective", "measure": "Measure of success", "rule": "What success means",
    "indicator": "Indicator code", "name": "Indicator", "characteristic": "Characteristic", "group": "Group",
    "comparator": "Compared with", "comparator_group": "Comparator group", "baseline": "Baseline year",
    "current": "Current year", "period": "Year",
    "value_baseline": "Value in the baseline year (value unit)", "value_current": "Value in the current year (value unit)",
    "gap_baseline": "Gap in the baseline year (gap unit)", "gap_current": "Gap in the current year (gap unit)",
    "gap_change": "Change in the gap (gap unit)", "gap_change_lower": "Change in the gap, lower {level} limit (gap unit)",
    "gap_change_upper": "Change in the gap, upper {level} limit (gap unit)",
    "all_baseline": "Everyone, baseline year (value unit)", "all_current": "Everyone, current year (value unit)",
    "value": "Value (value unit)", "lower": "Lower {level} limit (value unit)", "upper": "Upper {level} limit (value unit)",
    "comparator_value": "Comparator's value (value unit)", "gap": "Gap (gap unit)",
    "gap_lower": "Gap, lower {level} limit (gap unit)", "gap_upper": "Gap, upper {level} limit (gap unit)",
    "relative_gap": "Relative gap (ratio, above 1 means worse off)", "significant": "Gap statistically significant",
    "unit": "Value unit", "gap_unit": "Gap unit", "status": "Result", "rag": "Colour", "rag_label": "Status",
    "summary": "What this means", "method": "Method", "rank": "Rank", "flag": "Compared with everyone",
    "finding": "Finding", "reason": "Why the figure is not published",
}
_RULES = {"gap_not_widen": "the gap must not widen and should narrow",
          "improve_where_gap": "groups with a gap must improve",
          "maintain_level": "the level must be kept", "representation": "shares must match the population"}


def _in_words(t: pd.DataFrame) -> pd.DataFrame:
    """Codes as words for people: rules, comparators, statuses, characteristics, units (value and gap)."""
    from .labels import characteristic_label
    from .narrative import gap_unit

    t = t.copy()
    for col, words in (("rule", _RULES), ("comparator", COMPARATOR_WORDS), ("status", STATUS_WORDS)):
        if col in t:
            t[col] = t[col].map(lambda v, w=words: w.get(v, v) if isinstance(v, str) else v)
    if "characteristic" in t:
        t["characteristic"] = t["characteristic"].map(lambda v: characteristic_label(v) if isinstance(v, str) else v)
    if "unit" in t:
        has_gap = any(c.startswith("gap") for c in t.columns)
        units = t["unit"]
        # a cell of symbols only is not allowed, and a difference of percentages is in percentage points
        t["unit"] = units.map(lambda u: "per cent" if u == "%" else u)
        if has_gap:
            t.insert(t.columns.get_loc("unit") + 1, "gap_unit",
                     units.map(lambda u: gap_unit(u) if isinstance(u, str) else u))
    return t
