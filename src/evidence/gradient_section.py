"""The report's section on each ordered characteristic: the gap across all its groups, in words.

Deprivation deciles and age bands are ordered, so a committee can be told the
size of the gradient across every group, not only the gap between two of them.
For each indicator the scheme watches by an ordered characteristic this module
gives, for the report's current period:

- the slope index of inequality (SII) in words, from
  :func:`evidence.summary.summary_measures` and :func:`evidence.summary.sii_sentence`
  ("the gap in life expectancy between the most and least deprived tenths of
  the borough is 7.9 years ...");
- the relative index of inequality (RII) in words;
- a trend marker beside each: :func:`evidence.trend.trend` (Fingertips' recent
  trend: the last five points, inverse-variance weighted regression, 99.9%)
  applied to the measure's own series over the years, oriented so that
  "widening" always means the gap grew;
- where comparator areas are given, each area's SII and RII in the same
  period beside ours, and whether our gap is wider, similar or narrower
  (difference of two independent estimates, MOVER interval; Zou & Donner 2008).

:func:`gradient_table` returns the numbers and sentences as a DataFrame;
:func:`section_html` and :func:`section_text` present them; :func:`report_section`
is the one call the report notebook makes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import Problem, raise_if
from .estimates import mover_diff_ci
from .indicators import IndicatorsLike, load_indicators
from .labels import characteristic_label
from .narrative import gap_unit, round_half_up
from .observations import ALL
from .summary import _FRACTIONS, _ranking, sii_sentence, summary_measures

_esc = html.escape
#: the trend marker: a shape and its words (never colour alone)
TREND_MARKER = {"widening": "▲ Widening", "narrowing": "▼ Narrowing",
                "no_significant_change": "► No significant change", "not_calculated": "– Not enough years"}
NO_POLARITY = "needs the indicator's polarity"
COLUMNS = ["indicator", "name", "unit", "characteristic", "measure", "area", "period", "value", "lower", "upper",
           "direction", "groups", "note", "trend", "trend_periods", "trend_note", "compared", "sentence"]


@dataclass
class Ordering:
    """An ordered characteristic: its groups from the most disadvantaged (or youngest) end, and their words."""

    groups: list[str]
    ends: tuple[str, str]
    parts: str
    #: how a heading names the groups ("deprivation deciles", "age groups")
    heading: str = "groups"


def ordering(characteristic: str, groups: Sequence[str],
             order: Mapping[str, Sequence[str]] | None = None) -> Ordering | None:
    """How a characteristic's groups are ordered, or None when they are not.

    Deprivation quantiles ("1".."10", "1 (most deprived)", Fingertips' worded
    deciles) run from most to least deprived; age bands ("16-24", "75+") from
    youngest to oldest; ``order`` names any other order (most to least
    disadvantaged).

    Examples
    --------
    >>> ordering("age_band", ["35-49", "16-24", "50-64", "25-34"]).groups
    ['16-24', '25-34', '35-49', '50-64']
    >>> ordering("deprivation_decile", [str(i) for i in range(1, 11)]).parts
    'tenths'
    >>> ordering("ethnicity", ["Indian", "Chinese"]) is None
    True
    """
    groups = [str(g) for g in groups if str(g) != ALL]
    if order and characteristic in order:
        return Ordering([str(g) for g in order[characteristic]], ("most disadvantaged", "least disadvantaged"),
                        "groups", f"{characteristic_label(characteristic)} groups")
    # an intersection (sex & age band: "Female & 16-34") is not one ordering; "County & UA deciles" may be
    if " × " in characteristic or (groups and all(re.search(r" & | × ", g) for g in groups)):
        return None
    ranked = _ranking(characteristic, groups, None)
    if ranked is not None:
        return Ordering(ranked, ("most deprived", "least deprived"), _FRACTIONS.get(len(ranked), "groups"),
                        _quantile_heading(characteristic_label(characteristic), len(ranked)))
    if re.search(r"(?i)\bage", characteristic.replace("_", " ")) and groups:
        from .health import start_age

        try:
            starts = {g: start_age(g) for g in groups}
        except ValueError:
            return None
        if len(set(starts.values())) == len(groups):
            return Ordering(sorted(groups, key=starts.get), ("youngest", "oldest"), "age groups", "age groups")
    return None


def _quantile_heading(label: str, k: int) -> str:
    """ "deprivation decile" → "deprivation deciles"; a Fingertips name that already says "deciles" stays."""
    if re.search(r"(?i)\b(deciles|quintiles|quartiles|vigintiles|quantiles)\b", label):
        return label
    if re.search(r"(?i)\b(decile|quintile|quartile|vigintile|quantile)\b", label):
        return re.sub(r"(?i)\b(decile|quintile|quartile|vigintile|quantile)\b", r"\1s", label, count=1)
    return f"{label} {({10: 'deciles', 5: 'quintiles', 4: 'quartiles', 20: 'vigintiles'}).get(k, 'groups')}"


def gradient_table(
    obs: pd.DataFrame,
    period: str | None = None,
    *,
    indicators: IndicatorsLike = None,
    pairs: Sequence[tuple[str, str]] | None = None,
    order: Mapping[str, Sequence[str]] | None = None,
    area: str | None = None,
    comparator_areas: Sequence[str] = (),
    place: str = "the area",
    level: float = 0.95,
    repetitions: int = 100_000,
    seed: int | None = 2004,
    min_numerator: int = 5,
    min_denominator: int = 10,
) -> pd.DataFrame:
    """SII and RII of each indicator across each ordered characteristic, with trend, benchmarks and sentences.

    Parameters
    ----------
    obs : DataFrame
        Observations over the years (one area, or several with ``area`` and
        ``comparator_areas``).
    period : str, optional
        The period reported (the latest by default).
    pairs : list of (indicator, characteristic), optional
        Which gradients (every ordered characteristic of every indicator by default).
    order : dict, optional
        Orders for characteristics not recognised as ordered (see :func:`ordering`).
    area, comparator_areas
        Our area and the areas set beside it; ``area`` may be omitted when the
        data hold one area besides the comparators.
    place : str
        How a sentence names our area ("the borough").

    Returns
    -------
    DataFrame
        One row per indicator × characteristic × measure (``sii``, ``rii``) ×
        area (ours first): ``value``, ``lower``, ``upper``, ``direction``,
        ``note``; for ours ``trend`` (``widening``, ``narrowing``,
        ``no_significant_change``, ``not_calculated``), ``trend_periods`` and
        ``sentence``; for a comparator area ``compared`` (our gap against theirs:
        ``wider``, ``similar``, ``narrower``, ``not_compared``).

    Examples
    --------
    >>> obs = pd.DataFrame({"indicator": "le", "period": "2020", "characteristic": "imd_decile",
    ...     "group": [str(i) for i in range(1, 11)], "value": [76.0 + 0.8 * i for i in range(10)],
    ...     "lower": [75.2 + 0.8 * i for i in range(10)], "upper": [76.8 + 0.8 * i for i in range(10)],
    ...     "n": 20000, "polarity": "higher_is_better", "kind": "life_expectancy", "unit": "years"})
    >>> t = gradient_table(obs, place="the borough", repetitions=2000)
    >>> t.loc[0, "sentence"][:80]
    'The gap in le between the most and least deprived tenths of the borough is 8.0 y'
    """
    meta = load_indicators(indicators) if indicators is not None else None
    from .periods import normalise_period, sort_periods

    obs = obs.copy()
    obs["period"] = obs["period"].map(normalise_period)  # as summary_measures writes them (2019.0 is 2019)
    period = normalise_period(period) if period is not None else None
    if "area" not in obs:
        obs["area"] = ""
    obs["area"] = obs["area"].fillna("").astype(str)
    comparator_areas = [str(a) for a in comparator_areas]
    if area is None:
        ours = sorted(set(obs["area"]) - set(comparator_areas))
        if len(ours) > 1:
            raise_if([Problem(f"the data cover {len(ours)} areas ({', '.join(ours[:5])}"
                              f"{' ...' if len(ours) > 5 else ''}); say which is yours with area= and list the "
                              "others to set beside it in comparator_areas=", column="area")],
                     context="gaps across ordered groups")
        area = ours[0] if ours else ""
    own = obs[obs["area"] == area]
    own = own[own["characteristic"] != ALL]
    if pairs is None:
        pairs = list(dict.fromkeys(zip(own["indicator"], own["characteristic"], strict=True)))
    rows: list[dict] = []
    for indicator, characteristic in pairs:
        sub = own[(own["indicator"] == indicator) & (own["characteristic"] == characteristic)]
        o = ordering(characteristic, list(dict.fromkeys(sub["group"])), order) if len(sub) else None
        if o is None:
            continue
        info = _info(sub, meta, indicator)
        now = period if period is not None else sort_periods(sub["period"])[-1]
        kw = {"order": {characteristic: o.groups}, "indicators": meta, "level": level, "repetitions": repetitions,
              "seed": seed, "min_numerator": min_numerator, "min_denominator": min_denominator}
        series = summary_measures(sub, ["sii", "rii"], **kw)
        current = series[series["period"] == now]
        if current.empty:
            continue
        sii_trend = None
        for measure in ("sii", "rii"):
            mine = current[current["measure"] == measure].iloc[0]
            t = _trend(series[series["measure"] == measure], measure, info["polarity"])
            row = {**info, "indicator": indicator, "characteristic": characteristic, "measure": measure,
                   "area": area or "", "period": now, **_pick(mine), **t, "compared": None, "heading": o.heading}
            row["sentence"] = _sentence(row, o, place, level, sii_trend)
            sii_trend = row["trend"] if measure == "sii" else sii_trend
            rows.append(row)
            for other in comparator_areas:
                theirs = obs[(obs["area"] == other) & (obs["indicator"] == indicator)
                             & (obs["characteristic"] == characteristic) & (obs["period"] == now)]
                if theirs.empty:
                    continue
                b = summary_measures(theirs, [measure], **kw).iloc[0]
                rows.append({**info, "indicator": indicator, "characteristic": characteristic, "measure": measure,
                             "area": other, "period": now, **_pick(b), "trend": None, "trend_periods": None,
                             "trend_note": None, "compared": _compare(mine, b, measure, info["polarity"]),
                             "sentence": None, "heading": o.heading})
    out = pd.DataFrame(rows, columns=COLUMNS + ["heading", "polarity", "population"])
    # deprivation first (how England reports the life expectancy gap), then age, then any other order
    first = out["heading"].map(lambda h: 0 if "deprivation" in str(h) else 1 if h == "age groups" else 2)
    return out.assign(_o=first).sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)


def _info(sub: pd.DataFrame, meta: pd.DataFrame | None, indicator: str) -> dict:
    """Name, unit, polarity and population of an indicator, from its metadata or its rows."""
    out = {"name": indicator.replace("_", " "), "unit": "", "polarity": None, "population": "people"}
    src = {}
    if meta is not None and indicator in set(meta["indicator"]):
        src = meta.set_index("indicator").loc[indicator].to_dict()
    for k in out:
        v = src.get(k)
        if (v is None or (isinstance(v, float) and np.isnan(v))) and k in sub:
            v = sub[k].dropna().iloc[0] if sub[k].notna().any() else None
        if v is not None and not (isinstance(v, float) and np.isnan(v)) and str(v):
            out[k] = str(v)
    return out


def _pick(r: pd.Series) -> dict:
    return {k: r[k] for k in ("value", "lower", "upper", "direction", "groups", "note")}


def _oriented(value: np.ndarray, measure: str, polarity: str | None) -> np.ndarray:
    """The measure on a scale where larger means the first (most disadvantaged) end is further behind."""
    v = np.asarray(value, dtype=float)
    sign = -1.0 if polarity == "lower_is_better" else 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return sign * np.log(v) if measure == "rii" else sign * v


def _trend(series: pd.DataFrame, measure: str, polarity: str | None) -> dict:
    """Fingertips' recent trend of the measure's own yearly series: widening, narrowing or neither."""
    from .trend import trend

    s = series.dropna(subset=["value"])
    blank = {"trend": "not_calculated", "trend_periods": None, "trend_note": "no value in any year"}
    if s.empty or polarity not in ("higher_is_better", "lower_is_better"):
        return {**blank, "trend_note": NO_POLARITY} if len(s) else blank
    y, lo, hi = (_oriented(s[c].to_numpy(), measure, polarity) for c in ("value", "lower", "upper"))
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
    pseudo = pd.DataFrame({"indicator": "gradient", "period": s["period"].to_numpy(), "characteristic": ALL,
                           "group": ALL, "value": y, "lower": lo, "upper": hi, "kind": "score",
                           "polarity": "lower_is_better"})
    t = trend(pseudo, suppress_small=False).iloc[0]
    direction = t["direction"]
    if direction in ("increasing", "decreasing"):
        grows = (direction == "increasing") == (y[-1] >= 0)  # away from zero, whichever end is behind
        direction = "widening" if grows else "narrowing"
    periods = f"{t['first_period']} to {t['last_period']}" if t["first_period"] is not None else None
    return {"trend": direction, "trend_periods": periods, "trend_note": t["note"]}


def _compare(ours: pd.Series, theirs: pd.Series, measure: str, polarity: str | None) -> str:
    """Our gap against a comparator area's: wider, similar or narrower (MOVER difference, independent areas)."""
    a = _oriented(np.array([ours["value"], ours["lower"], ours["upper"]]), measure, polarity)
    b = _oriented(np.array([theirs["value"], theirs["lower"], theirs["upper"]]), measure, polarity)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return "not_compared"
    a_lo, a_hi = sorted(a[1:])
    b_lo, b_hi = sorted(b[1:])
    # compare sizes: a gap whose far end is behind on the other side counts by its size
    sa, sb = np.sign(a[0]) or 1.0, np.sign(b[0]) or 1.0
    d, lo, hi = mover_diff_ci(sb * b[0], *sorted((sb * b_lo, sb * b_hi)), sa * a[0], *sorted((sa * a_lo, sa * a_hi)))
    return "wider" if lo > 0 else "narrower" if hi < 0 else "similar"


def _sentence(row: dict, o: Ordering, place: str, level: float, sii_trend: str | None = None) -> str:
    """The measure in words, with its trend (the RII's only when it differs from the SII's)."""
    unit = row["unit"]
    if row["measure"] == "sii":
        text = sii_sentence(row, name=row["name"], unit=_unit_words(unit), place=place, level=level, ends=o.ends,
                            parts=o.parts)
    else:
        text = rii_sentence(row, name=row["name"], ends=o.ends, level=level)
    if not np.isfinite(row["value"]) or (row["measure"] == "rii" and row["trend"] == sii_trend):
        return text
    return f"{text} {trend_sentence(row)}"


def _unit_words(unit: str) -> str:
    return gap_unit(unit) if unit in ("%", "percent", "per cent") else unit


def rii_sentence(row: Mapping, *, name: str, ends: tuple[str, str] = ("most deprived", "least deprived"),
                 level: float = 0.95) -> str:
    """The relative index of inequality in words: how much higher one end is than the other, in per cent.

    Examples
    --------
    >>> rii_sentence({"value": 1.11, "lower": 1.08, "upper": 1.14, "note": None}, name="life expectancy")
    'Relative to the most deprived end, life expectancy at the least deprived end is 11% higher (95% confidence interval 8% to 14%).'
    """
    v, lo, hi = row.get("value"), row.get("lower"), row.get("upper")
    if v is None or not np.isfinite(v):
        return f"The relative gap in {name} could not be measured: {row.get('note')}."
    if v <= 0:
        return f"The relative gap in {name} could not be measured: the fitted value at one end is zero or below."
    pct = (v - 1) * 100
    word = "higher" if pct >= 0 else "lower"
    text = f"Relative to the {ends[0]} end, {name} at the {ends[1]} end is {_pct(abs(pct))}% {word}"
    if lo is not None and hi is not None and np.isfinite(lo) and np.isfinite(hi):
        a, b = (lo - 1) * 100, (hi - 1) * 100
        if (a >= 0) == (b >= 0):
            a, b = sorted((abs(a), abs(b)))
            text += f" ({level * 100:g}% confidence interval {_pct(a)}% to {_pct(b)}%)"
        else:
            text += (f" ({level * 100:g}% confidence interval from {_pct(abs(a))}% lower to {_pct(abs(b))}% higher, "
                     "so it could be either way)")
    return text + "."


def _pct(x: float) -> str:
    return f"{round_half_up(x, 0):.0f}" if abs(x) >= 1 else f"{round_half_up(x, 1):.1f}"


def trend_sentence(row: Mapping) -> str:
    """The trend marker in words.

    Examples
    --------
    >>> trend_sentence({"trend": "widening", "trend_periods": "2020 to 2024"})
    'Over the last five years (2020 to 2024) this gap has widened.'
    """
    t, when = row.get("trend"), row.get("trend_periods")
    if t == "widening":
        return f"Over the last five years ({when}) this gap has widened."
    if t == "narrowing":
        return f"Over the last five years ({when}) this gap has narrowed."
    if t == "no_significant_change":
        return f"Over the last five years ({when}) this gap shows no significant change."
    if row.get("trend_note") == NO_POLARITY:
        return "Its trend is not judged: the indicator does not say whether higher is better."
    return "There are not enough years of figures to say how this gap is changing."


def _fmt(v: float, lo: float, hi: float, measure: str) -> str:
    if v is None or not np.isfinite(v):
        return "not measured"
    d = 2 if measure == "rii" else 1
    num = f"{round_half_up(v, d):,.{d}f}"
    if np.isfinite(lo) and np.isfinite(hi):
        num += f" ({round_half_up(min(lo, hi), d):,.{d}f} to {round_half_up(max(lo, hi), d):,.{d}f})"
    return num


_COMPARED = {"wider": "Our gap is wider", "similar": "Similar", "narrower": "Our gap is narrower",
             "not_compared": "Not compared"}


def section_html(table: pd.DataFrame, *, level: float = 0.95) -> str:
    """One ``<section>`` per ordered characteristic: the sentences, then a table with trend and benchmark columns.

    A characteristic where no gap could be measured gets one paragraph saying why.

    Examples
    --------
    >>> section_html(pd.DataFrame(columns=COLUMNS))
    ''
    """
    from .render import table_html

    if table.empty:
        return ""
    out = []
    for characteristic, block in table.groupby("characteristic", sort=False):
        ours = block[block["sentence"].notna()]
        others = list(dict.fromkeys(block.loc[block["sentence"].isna(), "area"]))
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", str(characteristic)).strip("-")
        heading = str(ours["heading"].iloc[0]) if "heading" in ours and len(ours) else characteristic_label(
            str(characteristic))
        parts = [f'<section aria-labelledby="gradient-{slug}"><h2 id="gradient-{slug}">Gaps across '
                 f"{_esc(heading)}</h2>"]
        measured = ours[np.isfinite(ours["value"].to_numpy(dtype=float))]
        if measured.empty:
            notes = sorted(set(ours["note"].dropna().astype(str)))
            if notes and all("at least 5 ordered groups" in n for n in notes):  # OHID's rule, in plain words
                notes = [f"the figures have fewer than five {heading}, and the slope index of inequality needs "
                         "at least five"]
            names = list(dict.fromkeys(ours["name"]))
            named = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            parts.append(f"<p>The gap across all {_esc(heading)} could not be measured for {_esc(named)}: "
                         f"{_esc('; '.join(notes) or 'no figures')}.</p></section>")
            out.append("\n".join(parts))
            continue
        parts.append(f"<p>These figures measure the gap across all {_esc(heading)} at once, not just between two "
                     "of them. The slope index of inequality is the gap between the two ends, worked out from every "
                     "group and how many people are in each. The relative index gives the same gap in per cent. "
                     "The trend uses the last five years of figures.</p>")
        for _, rows in ours.groupby("indicator", sort=False):
            name = rows["name"].iloc[0]
            parts.append(f"<h3>{_esc(name[:1].upper() + name[1:])}</h3>")
            parts.append("".join(f"<p>{_esc(s)}</p>" for s in rows["sentence"]))
        table_rows = []
        for _, r in ours.iterrows():
            unit = _unit_words(r["unit"]) if r["measure"] == "sii" else "ratio"
            what = "gap between the ends (slope index)" if r["measure"] == "sii" else "relative gap (relative index)"
            what += f", {unit}" if unit else ""
            row = {"Measure": f"{r['name'][:1].upper() + r['name'][1:]}: {what}",
                   f"Value ({level * 100:g}% interval)": _fmt(r["value"], r["lower"], r["upper"], r["measure"]),
                   "Trend, last five years": TREND_MARKER.get(r["trend"], TREND_MARKER["not_calculated"])}
            for a in others:
                b = block[(block["area"] == a) & (block["indicator"] == r["indicator"])
                          & (block["measure"] == r["measure"])]
                row[f"{a}'s gap"] = _fmt(*b[["value", "lower", "upper"]].iloc[0], r["measure"]) if len(b) \
                    else "no figures"
                row[f"Ours compared with {a}"] = (_COMPARED.get(b["compared"].iloc[0], "Not compared") if len(b)
                                                  else "Not compared")
            table_rows.append(row)
        period = ours["period"].iloc[0]
        parts.append(table_html(pd.DataFrame(table_rows), f"The gap across all {heading}, {period}"))
        parts.append("</section>")
        out.append("\n".join(parts))
    return "\n".join(out)


def section_text(table: pd.DataFrame) -> list[str]:
    """Every sentence of the section, in order (for the report's readability check and for tests)."""
    return [] if table.empty else list(table["sentence"].dropna())


def place_of(organisation: str | None, area: str | None = None) -> str:
    """How a sentence names the area: "the borough", "the city"... from the organisation, else the area's name.

    Examples
    --------
    >>> place_of("Borough of Northbrook (fictional)"), place_of(None, "Barnet"), place_of(None)
    ('the borough', 'Barnet', 'the area')
    """
    text = (organisation or "").lower()
    for word in ("borough", "city", "county", "district"):
        if re.search(rf"\b{word}\b", text):
            return f"the {word}"
    return area or "the area"


def report_section(results, obs: pd.DataFrame, **options) -> str:  # noqa: ANN001 - a results.Results
    """The ordered-characteristic sections of a scheme progress report (what the notebook displays).

    The gradients are those of the scheme's measures watched by an ordered
    characteristic, in the report's current period; comparator areas are the
    scheme's ``comparator_areas``.
    """
    s = results.scheme
    pairs = []
    for _, m in s.measures():
        if m.rule == "representation":
            continue
        pairs += [(m.indicator, c) for c in (m.characteristics or [])]
    pairs = list(dict.fromkeys(pairs))
    if not pairs:
        return ""
    opts = results.options
    own, others = s.own_area(obs), s.comparator_rows(obs)  # the scheme's area and comparators, by name or code
    if "area" not in own:
        own = own.assign(area="")
    area = str(own["area"].dropna().iloc[0]) if own["area"].notna().any() else ""
    both = pd.concat([own.assign(area=area), others], ignore_index=True)
    comparators = list(dict.fromkeys(others["area"].astype(str))) if len(others) else []
    table = gradient_table(both, results.current, indicators=results.indicators, pairs=pairs,
                           area=area, comparator_areas=comparators,
                           place=place_of(s.organisation, getattr(s, "area", None)), level=opts["level"],
                           min_numerator=opts["min_numerator"], min_denominator=opts["min_denominator"], **options)
    return section_html(table, level=opts["level"])
