"""Plain-English wording: numbers with units, group names, one sentence per result.

Sentences are short and concrete, and say what a result means ("real progress",
"levelling down, not progress") so a scrutiny committee member does not need to
read a confidence interval to follow the report.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd


def round_half_up(value: float, digits: int = 1) -> float:
    """Round halves away from zero, as official statistics do (47.25 → 47.3).

    Python's ``round`` rounds to even and works on the binary value, so 47.25
    would become 47.2; the decimal text is rounded instead.

    Examples
    --------
    >>> round_half_up(47.25), round_half_up(-0.05)
    (47.3, -0.1)
    """
    q = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP))


def fmt_value(value: float, unit: str, digits: int = 1) -> str:
    """A value with its unit, rounded for reading.

    Examples
    --------
    >>> fmt_value(47.25, "%"), fmt_value(81.04, "years"), fmt_value(45.5, "points"), fmt_value(-0.04, "%")
    ('47.3%', '81.0 years', '45.5 points', '0.0%')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not available"
    text = f"{round_half_up(value, digits) + 0.0:,.{digits}f}"  # + 0.0: never print "-0.0"
    if unit == "%":
        return text + "%"
    return f"{text} {unit}".strip()


def fmt_signed(value: float, digits: int = 1) -> str:
    """A difference with its sign, rounded for reading; zero has no sign (never "-0.0").

    Examples
    --------
    >>> fmt_signed(1.25), fmt_signed(-0.8), fmt_signed(-0.04), fmt_signed(0.0)
    ('+1.3', '-0.8', '0.0', '0.0')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not available"
    r = round_half_up(value, digits) + 0.0
    return f"{r:+,.{digits}f}" if r else f"{0.0:.{digits}f}"


def gap_unit(unit: str) -> str:
    """The unit of a difference: percentages differ by percentage points.

    Examples
    --------
    >>> gap_unit("%"), gap_unit("points")
    ('percentage points', 'points')
    """
    return "percentage points" if unit == "%" else (unit or "")


def fmt_gap(value: float, unit: str, digits: int = 1) -> str:
    """A gap with the unit of a difference, e.g. ``6.1 percentage points``.

    Examples
    --------
    >>> fmt_gap(6.14, "%")
    '6.1 percentage points'
    """
    return fmt_value(value, gap_unit(unit), digits)


#: group labels starting with these words follow the noun: "pupils eligible for free school meals"
_PREFIX_WORDS = {"eligible", "not", "with", "without", "known", "aged", "in", "on", "living", "from", "who"}


def group_phrase(characteristic: str, group: str, population: str = "people") -> str:
    """Name a group of people in words.

    Examples
    --------
    >>> group_phrase("ethnicity", "Pakistani", "pupils")
    'Pakistani pupils'
    >>> group_phrase("free_school_meals", "Eligible for free school meals", "pupils")
    'pupils eligible for free school meals'
    >>> group_phrase("age_band", "16-24", "residents")
    'residents aged 16-24'
    >>> group_phrase("deprivation_decile", "1 (most deprived)", "people")
    'people in deprivation decile 1 (most deprived)'
    >>> group_phrase("sex & age_band", "Female & 16-34", "residents")
    'Female residents aged 16-34'
    """
    ch = characteristic.lower()
    if group == "All":
        return f"all {population}"
    chs, groups = characteristic.split(" & "), group.split(" & ")
    if len(chs) > 1 and len(chs) == len(groups):
        return _intersection_phrase(chs, groups, population)
    first = group.split(" ", 1)[0].lower()
    if first in _PREFIX_WORDS:
        return f"{population} {group[0].lower()}{group[1:]}"
    if "age" in ch.split("_") or ch.startswith("age"):
        return f"{population} aged {group}"
    m = re.search(r"(decile|quintile|quartile)", ch)
    if m:
        label = ch.replace("_", " ")
        if group.lower().startswith(m.group(1)):
            return f"{population} in {group}"
        return f"{population} in {label} {group}"
    return f"{group} {population}"


def _intersection_phrase(characteristics: list[str], groups: list[str], population: str) -> str:
    """An intersection in words: words that go before the noun first, then those after it, joined by "and"."""
    before, after = [], []
    mark = "\x00"
    for ch, g in zip(characteristics, groups, strict=True):
        if g == "All":
            continue
        p = group_phrase(ch, g, mark)
        if p.endswith(" " + mark):
            before.append(p[:-2])
        elif p.startswith(mark + " "):
            after.append(p[2:])
        else:  # not a phrase we can split: say it plainly
            return f"{population} who are {' and '.join(groups)}".strip()
    if not before and not after:
        return f"all {population}"
    head = " ".join([*before, population]).strip()
    return head + (" " + " and ".join(after) if after else "")


def comparator_phrase(comparator: str, comparator_group: str, population: str, characteristic: str) -> str:
    """Name the comparator in words.

    Examples
    --------
    >>> comparator_phrase("rest", "everyone except Disabled", "residents", "disability")
    'other residents'
    >>> comparator_phrase("reference", "White British", "pupils", "ethnicity")
    'White British pupils'
    """
    if comparator == "overall":
        return f"all {population}"
    if comparator == "rest":
        return f"other {population}"
    if comparator == "best":
        return f"the best-off group ({group_phrase(characteristic, comparator_group, population)})"
    return group_phrase(characteristic, comparator_group, population)


def change_words(before: float, after: float, polarity: str) -> str:
    """'rose' or 'fell', and whether that is better or worse.

    Examples
    --------
    >>> change_words(47, 41, "higher_is_better")
    'fell (got worse)'
    >>> change_words(10, 8, "lower_is_better")
    'fell (got better)'
    """
    if before == after:
        return "did not change"
    up = after > before
    better = up == (polarity == "higher_is_better")
    return f"{'rose' if up else 'fell'} (got {'better' if better else 'worse'})"


def progress_sentence(row: pd.Series) -> str:
    """One plain-English sentence for a row of :func:`evidence.progress.progress`.

    Examples
    --------
    >>> row = pd.Series({"status": "narrowed", "characteristic": "ethnicity", "group": "Pakistani",
    ...     "population": "pupils", "comparator": "overall", "comparator_group": "All", "unit": "points",
    ...     "gap_baseline": 6.1, "gap_current": 3.9, "name": "Attainment 8", "all_baseline": 46.0,
    ...     "all_current": 47.5, "polarity": "higher_is_better", "baseline": "2018", "current": "2024"})
    >>> progress_sentence(row)
    'The gap between Pakistani pupils and all pupils narrowed from 6.1 to 3.9 points, and Attainment 8 for all pupils rose (got better) from 46.0 points to 47.5 points: real progress.'
    """
    pop = row.get("population") or "people"
    who = group_phrase(row["characteristic"], row["group"], pop)
    vs = comparator_phrase(row["comparator"], row.get("comparator_group", ""), pop, row["characteristic"])
    unit = row.get("unit") or ""
    g0, g1 = row.get("gap_baseline"), row.get("gap_current")
    span = f"from {_num(g0)} to {_num(g1)} {gap_unit(unit)}".rstrip()
    name = row.get("name") or row.get("indicator", "the outcome")
    everyone = f"{name} for all {pop}"
    all0, all1 = row.get("all_baseline"), row.get("all_current")
    all_text = ""
    if _finite(all0) and _finite(all1):
        lo, hi = row.get("all_change_lower"), row.get("all_change_upper")
        steady = _finite(lo) and _finite(hi) and lo <= 0 <= hi
        if steady:  # within chance: say so rather than "fell" when it barely moved
            all_text = f"showed no clear change ({fmt_value(all0, unit)} then, {fmt_value(all1, unit)} now)"
        else:
            all_text = f"{change_words(all0, all1, row['polarity'])} from {fmt_value(all0, unit)} to {fmt_value(all1, unit)}"
    status = row["status"]
    Who = who[0].upper() + who[1:]
    fell = _fell_text(row, everyone, all_text, who, vs, name, unit)
    if status == "reversed":
        tail = f" Over the same time {fell}." if fell else ""
        return (f"{Who} went from {_ahead_behind(g0, unit)} {vs} to {_ahead_behind(g1, unit)} them: the gap closed "
                f"and opened the other way, so {vs} are now behind {who}.{tail}")
    if status == "narrowed":
        tail = f", and {everyone} {all_text}" if all_text else ""
        if _finite(g1) and g1 < 0:
            span = f"from {_ahead_behind(g0, unit)} {vs} to {_ahead_behind(g1, unit)}"
            return f"{Who} went {span}{tail}: real progress."
        return f"The gap between {who} and {vs} narrowed {span}{tail}: real progress."
    if status == "narrowed_levelling_down":
        why = fell or f"the outcome for {vs} got worse"
        return (f"The gap between {who} and {vs} narrowed {span}, but {why}. "
                "This is levelling down, not progress.")
    crossed = _finite(g0) and _finite(g1) and (g0 < 0 or g1 < 0)
    if crossed and status in ("widened", "no_significant_change"):
        # a negative gap means ahead: say so in words rather than print a minus sign
        span = f"from {_ahead_behind(g0, unit)} {vs} to {_ahead_behind(g1, unit)}"
        lead = f"{Who} went {span}"
        if status == "widened":
            return f"{lead}: they fell behind."
        return f"{lead}. This change is small enough to be chance: no clear change."
    if status == "widened":
        return f"The gap between {who} and {vs} widened {span}: {who} fell further behind."
    if status == "no_significant_change":
        moved = f"stayed at {_num(g1)} {gap_unit(unit)}".rstrip() if _num(g0) == _num(g1) else f"went {span}"
        return (f"The gap between {who} and {vs} {moved}. "
                "This change is small enough to be chance: no clear change.")
    if status == "no_gap":
        ahead = [row[end] for end in ("baseline", "current")
                 if _finite(row.get(f"gap_upper_{end}")) and row.get(f"gap_upper_{end}") < 0]
        if len(ahead) == 2:  # significantly better off at both ends
            return f"{Who} did better than {vs} in both {row['baseline']} and {row['current']}."
        if ahead:  # never a "no clear gap" sentence about a group that was significantly ahead
            return f"{Who} were not behind {vs} in {row['baseline']} or {row['current']}, and did better than them in {ahead[0]}."
        return f"There was no clear gap between {who} and {vs} in {row['baseline']} or {row['current']}."
    if status == "not_comparable":
        return (f"The way {name} is measured changed between {row['baseline']} and {row['current']}, "
                f"so the gap ({_num(g0)} then, {_num(g1)} now) cannot be compared.")
    reason = row.get("reason") or "figures are missing or too small to publish"
    return f"There is not enough data to say how the gap between {who} and {vs} changed: {reason}."


def _fell_text(row: pd.Series, everyone: str, all_text: str, who: str, vs: str, name: str, unit: str) -> str:
    """Who got worse, in words: the whole population, the comparator, or both; and the group's own change."""
    parts = []
    if _yes(row.get("all_worse")) and all_text:
        parts.append(f"{everyone} {all_text}")
    c0, c1 = row.get("comparator_value_baseline"), row.get("comparator_value_current")
    if row.get("comparator") != "overall" and _yes(row.get("comparator_worse")) and _finite(c0) and _finite(c1):
        parts.append(f"{name} for {vs} {change_words(c0, c1, row['polarity'])} "
                     f"from {fmt_value(c0, unit)} to {fmt_value(c1, unit)}")
    if not parts:
        return f"{everyone} {all_text}" if all_text and row.get("status") == "narrowed_levelling_down" else ""
    v0, v1 = row.get("value_baseline"), row.get("value_current")
    lo, hi = row.get("group_change_lower"), row.get("group_change_upper")
    if _finite(v0) and _finite(v1):
        moved = "showed no clear change" if _finite(lo) and _finite(hi) and lo <= 0 <= hi else \
            change_words(v0, v1, row["polarity"])
        parts.append(f"for {who} it {moved} ({fmt_value(v0, unit)} then, {fmt_value(v1, unit)} now)")
    return ", and ".join(parts[:-1]) + (", while " if len(parts) > 1 else "") + parts[-1]


def _ahead_behind(gap: float, unit: str) -> str:
    """``3.8 percentage points ahead of`` / ``behind`` / ``level with``."""
    if round_half_up(gap) == 0:
        return "level with"
    return f"{fmt_gap(abs(gap), unit)} {'behind' if gap > 0 else 'ahead of'}"


def _yes(x: object) -> bool:
    """True for a true boolean, False for false or missing (pd.NA, None, NaN)."""
    return x is not None and x is not pd.NA and not (isinstance(x, float) and math.isnan(x)) and bool(x)


def _finite(x: object) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)


def _num(x: object) -> str:
    return f"{round_half_up(x) + 0.0:,.1f}" if _finite(x) else "not available"
