"""Plain-English sentences for whole tables at once, word for word what :mod:`evidence.narrative` writes per row.

:func:`evidence.narrative.progress_sentence` is the specification, one row at a
time; :func:`progress_sentences` builds the same text for every row of a table
by choosing among templates on columns (``np.select``) and joining columns of
text, so a million rows take seconds, not minutes. Wording that depends only on
who is compared (group and comparator phrases, units) is made once per distinct
value by the row-wise functions themselves, so the two cannot drift apart;
numbers are rounded and formatted as :func:`evidence.narrative.round_half_up`
does, once per distinct rounded value.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .frames import combined_codes
from .narrative import comparator_phrase, fmt_gap, fmt_value, gap_unit, group_phrase, round_half_up

Text = np.ndarray  # an object array of str, one per row


def per_distinct(func: Callable[..., object], *columns: np.ndarray | pd.Series) -> np.ndarray:
    """``func`` of each row's values, called once per distinct combination (missing values: one value).

    Columns may be arrays or Series (a text Series is coded without
    converting its rows to Python strings); ``func`` sees the values of the
    first row of each combination.

    Examples
    --------
    >>> per_distinct(lambda a, b: f"{a}-{b}", np.array(["x", "x", "y"], dtype=object), np.array([1, 1, 2])).tolist()
    ['x-1', 'x-1', 'y-2']
    """
    n = len(columns[0])
    if n == 0:
        return np.empty(0, dtype=object)
    cols = [c if isinstance(c, pd.Series) else np.asarray(c, dtype=object) for c in columns]
    # missing values (None, NaN, NA) are one value, as in a groupby with dropna=False
    codes = combined_codes([pd.factorize(c, use_na_sentinel=True)[0] for c in cols])
    _, first = np.unique(codes, return_index=True)  # codes run 0, 1, ... in order of first appearance
    firsts = [np.asarray(c.iloc[first] if isinstance(c, pd.Series) else c[first], dtype=object) for c in cols]
    out = np.empty(len(first), dtype=object)
    for j in range(len(first)):
        out[j] = func(*(f[j] for f in firsts))
    return out[codes]


def rounded(x: np.ndarray) -> np.ndarray:
    """:func:`evidence.narrative.round_half_up` to one decimal, vectorised (exact: near-halves go one by one)."""
    x = np.asarray(x, dtype=float)
    out = np.full(x.shape, np.nan)
    fin = np.isfinite(x)
    a = np.abs(x[fin]) * 10
    frac = a - np.floor(a)
    k = np.floor(a + 0.5) * np.sign(x[fin])
    r = k / 10
    near = np.abs(frac - 0.5) < 1e-6  # the decimal text decides these
    if near.any():
        r[near] = [round_half_up(v) for v in x[fin][near]]
    out[fin] = np.copysign(np.abs(r), x[fin])  # -0.04 rounds to -0.0, as the decimal text does
    return out


def number_text(x: np.ndarray, missing: str = "not available") -> Text:
    """``f"{round_half_up(x) + 0.0:,.1f}"`` (so never "-0.0"), or ``missing`` where ``x`` is not a finite number.

    Examples
    --------
    >>> number_text(np.array([1234.25, -0.04, np.nan])).tolist()
    ['1,234.3', '0.0', 'not available']
    """
    x = np.asarray(x, dtype=float)
    out = np.full(x.shape, missing, dtype=object)
    fin = np.isfinite(x)
    if fin.any():
        r = rounded(x[fin])
        bits, first, inv = np.unique(r.view(np.int64), return_index=True, return_inverse=True)
        words = np.array([f"{v + 0.0:,.1f}" for v in r[first]], dtype=object)  # + 0.0: never "-0.0"
        out[fin] = words[inv.ravel()]
    return out


def _infinite(x: np.ndarray) -> np.ndarray:
    return np.isinf(np.asarray(x, dtype=float))


def value_text(x: np.ndarray, unit: np.ndarray) -> Text:
    """:func:`evidence.narrative.fmt_value` for columns."""
    tail = per_distinct(lambda u: fmt_value(1.0, u)[3:], unit)
    out = np.where(np.isfinite(np.asarray(x, dtype=float)), number_text(x) + tail, "not available").astype(object)
    _scalar(out, _infinite(x), lambda i: fmt_value(float(x[i]), unit[i]))
    return out


def gap_text(x: np.ndarray, unit: np.ndarray) -> Text:
    """:func:`evidence.narrative.fmt_gap` for columns."""
    tail = per_distinct(lambda u: fmt_gap(1.0, u)[3:], unit)
    out = np.where(np.isfinite(np.asarray(x, dtype=float)), number_text(x) + tail, "not available").astype(object)
    _scalar(out, _infinite(x), lambda i: fmt_gap(float(x[i]), unit[i]))
    return out


def _scalar(out: np.ndarray, where: np.ndarray, make: Callable[[int], str]) -> None:
    for i in np.flatnonzero(where):  # infinities: whatever the row-wise function does
        out[i] = make(i)


def change_text(before: np.ndarray, after: np.ndarray, polarity: np.ndarray) -> Text:
    """:func:`evidence.narrative.change_words` for columns."""
    up = after > before
    better = up == (polarity == "higher_is_better")
    words = np.where(up, np.where(better, "rose (got better)", "rose (got worse)"),
                     np.where(better, "fell (got better)", "fell (got worse)"))
    return np.where(before == after, "did not change", words).astype(object)


def ahead_behind_text(gap: np.ndarray, unit: np.ndarray) -> Text:
    """``3.8 percentage points ahead of`` / ``behind`` / ``level with``, as the row-wise wording."""
    g = np.asarray(gap, dtype=float)
    with np.errstate(invalid="ignore"):
        words = gap_text(np.abs(g), unit) + np.where(g > 0, " behind", " ahead of")
        return np.where(rounded(g) == 0, "level with", words).astype(object)


def _finite(x: np.ndarray) -> np.ndarray:
    return np.isfinite(np.asarray(x, dtype=float))


def _yes(x: pd.Series | np.ndarray) -> np.ndarray:
    """True where a (nullable) boolean column is true; missing counts as false."""
    return pd.array(x, dtype="boolean").fillna(False).to_numpy(dtype=bool)


def _col(df: pd.DataFrame, name: str, default: object = np.nan) -> pd.Series:
    """The column (``default`` where there is none), as it is: :func:`per_distinct` codes it."""
    if name in df:
        return df[name]
    return pd.Series(np.full(len(df), default, dtype=object), index=df.index, dtype=object)


def _objects(s: pd.Series) -> np.ndarray:
    """A column as an object array, by its distinct values (one Python object per value, not per row)."""
    return per_distinct(lambda v: v, s)


def _num(df: pd.DataFrame, name: str) -> np.ndarray:
    return pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float) if name in df else np.full(len(df), np.nan)


def progress_sentences(df: pd.DataFrame) -> Text:
    """:func:`evidence.narrative.progress_sentence` for every row of a progress table, vectorised.

    Each row's template is chosen first; the text of a template is then built
    only for the rows that use it.

    Examples
    --------
    >>> from evidence.narrative import progress_sentence
    >>> row = {"status": "narrowed", "characteristic": "ethnicity", "group": "Pakistani",
    ...     "population": "pupils", "comparator": "overall", "comparator_group": "All", "unit": "points",
    ...     "gap_baseline": 6.1, "gap_current": 3.9, "name": "Attainment 8", "all_baseline": 46.0,
    ...     "all_current": 47.5, "polarity": "higher_is_better", "baseline": "2018", "current": "2024"}
    >>> progress_sentences(pd.DataFrame([row]))[0] == progress_sentence(pd.Series(row))
    True
    """
    n = len(df)
    if n == 0:
        return np.empty(0)  # an empty column stays float64, as an empty list makes it
    ch, group = _col(df, "characteristic"), _col(df, "group")
    pop = per_distinct(lambda p: p or "people", _col(df, "population", None))
    unit = per_distinct(lambda u: u or "", _col(df, "unit", None))
    who = per_distinct(group_phrase, ch, group, pop)
    v = {  # every column a template may use, whole length; the costly ones are made per template below
        "status": _objects(_col(df, "status")), "comp": _objects(_col(df, "comparator")),
        "pol": _objects(_col(df, "polarity")), "unit": unit,
        "who": who, "Who": per_distinct(lambda w: w[0].upper() + w[1:], who),
        "vs": per_distinct(comparator_phrase, _col(df, "comparator"), _col(df, "comparator_group", ""), pop, ch),
        "name": per_distinct(lambda nm, ind: f"{nm or ind}", _col(df, "name", None), _col(df, "indicator", "the outcome")),
        "pop": per_distinct(lambda p: f"{p}", pop),
        "b": per_distinct(lambda x: f"{x}", _col(df, "baseline")), "c": per_distinct(lambda x: f"{x}", _col(df, "current")),
        "gu": per_distinct(lambda u: f"x {gap_unit(u)}".rstrip()[1:], unit),
        "reason": per_distinct(lambda r: f"{r or 'figures are missing or too small to publish'}", _col(df, "reason", None)),
    }
    for k in ("gap_baseline", "gap_current", "all_baseline", "all_current", "all_change_lower", "all_change_upper",
              "gap_upper_baseline", "gap_upper_current", "comparator_value_baseline", "comparator_value_current",
              "value_baseline", "value_current", "group_change_lower", "group_change_upper"):
        v[k] = _num(df, k)
    v["all_worse"] = _yes(_col(df, "all_worse", None))
    v["comparator_worse"] = _yes(_col(df, "comparator_worse", None))
    g0, g1, status = v["gap_baseline"], v["gap_current"], v["status"]
    with np.errstate(invalid="ignore"):
        ahead_now = _finite(g1) & (g1 < 0)
        crossed = _finite(g0) & _finite(g1) & ((g0 < 0) | (g1 < 0))
    conds = [status == "reversed", (status == "narrowed") & ahead_now, status == "narrowed",
             status == "narrowed_levelling_down", crossed & (status == "widened"),
             crossed & (status == "no_significant_change"), status == "widened", status == "no_significant_change",
             status == "no_gap", status == "not_comparable"]
    which = np.select([np.asarray(x, dtype=bool) for x in conds], list(range(len(conds))), default=len(conds))
    return by_case(which, v, _TEMPLATES)


def _common(v: dict) -> dict:
    """The pieces most templates share: the gap's span and the whole population's change."""
    v["n0"], v["n1"] = number_text(v["gap_baseline"]), number_text(v["gap_current"])
    v["span"] = "from " + v["n0"] + " to " + v["n1"] + v["gu"]
    v["between"] = "The gap between " + v["who"] + " and " + v["vs"]
    v["everyone"] = v["name"] + " for all " + v["pop"]
    all0, all1, lo, hi = v["all_baseline"], v["all_current"], v["all_change_lower"], v["all_change_upper"]
    with np.errstate(invalid="ignore"):
        steady = _finite(lo) & _finite(hi) & (lo <= 0) & (0 <= hi)
    a0, a1 = value_text(all0, v["unit"]), value_text(all1, v["unit"])
    v["all_text"] = np.where(_finite(all0) & _finite(all1),
                             np.where(steady, "showed no clear change (" + a0 + " then, " + a1 + " now)",
                                      change_text(all0, all1, v["pol"]) + " from " + a0 + " to " + a1), "")
    return v


def _crossing(v: dict) -> Text:
    """``from 3.8 percentage points behind X to 1.2 percentage points ahead of``."""
    return ("from " + ahead_behind_text(v["gap_baseline"], v["unit"]) + " " + v["vs"] + " to "
            + ahead_behind_text(v["gap_current"], v["unit"]))


def _reversed(v: dict) -> Text:
    v = _common(v)
    fell = _fell_text(v)
    return (v["Who"] + " went " + _crossing(v) + " them: the gap closed and opened the other way, so " + v["vs"]
            + " are now behind " + v["who"] + "." + np.where(fell != "", " Over the same time " + fell + ".", ""))


def _tail(v: dict) -> Text:
    return np.where(v["all_text"] != "", ", and " + v["everyone"] + " " + v["all_text"], "")


def _narrowed_ahead(v: dict) -> Text:
    v = _common(v)
    return v["Who"] + " went " + _crossing(v) + _tail(v) + ": real progress."


def _narrowed(v: dict) -> Text:
    v = _common(v)
    return v["between"] + " narrowed " + v["span"] + _tail(v) + ": real progress."


def _levelling(v: dict) -> Text:
    v = _common(v)
    fell = _fell_text(v)
    why = np.where(fell != "", fell, "the outcome for " + v["vs"] + " got worse")
    return v["between"] + " narrowed " + v["span"] + ", but " + why + ". This is levelling down, not progress."


_CHANCE = ". This change is small enough to be chance: no clear change."


def _crossed_widened(v: dict) -> Text:
    return v["Who"] + " went " + _crossing(v) + ": they fell behind."


def _crossed_steady(v: dict) -> Text:
    return v["Who"] + " went " + _crossing(v) + _CHANCE


def _widened(v: dict) -> Text:
    v = _common(v)
    return v["between"] + " widened " + v["span"] + ": " + v["who"] + " fell further behind."


def _steady(v: dict) -> Text:
    v = _common(v)
    moved = np.where(v["n0"] == v["n1"], "stayed at " + v["n1"] + v["gu"], "went " + v["span"])
    return v["between"] + " " + moved + _CHANCE


def _no_gap(v: dict) -> Text:
    up0, up1 = v["gap_upper_baseline"], v["gap_upper_current"]
    with np.errstate(invalid="ignore"):
        ahead0, ahead1 = _finite(up0) & (up0 < 0), _finite(up1) & (up1 < 0)
    case = np.where(ahead0 & ahead1, 0, np.where(ahead0 | ahead1, 1, 2))
    v["ahead0"] = ahead0
    return by_case(case, v, (
        lambda w: w["Who"] + " did better than " + w["vs"] + " in both " + w["b"] + " and " + w["c"] + ".",
        lambda w: (w["Who"] + " were not behind " + w["vs"] + " in " + w["b"] + " or " + w["c"]
                   + ", and did better than them in " + np.where(w["ahead0"], w["b"], w["c"]) + "."),
        lambda w: "There was no clear gap between " + w["who"] + " and " + w["vs"] + " in " + w["b"] + " or " + w["c"] + ".",
    ))


def by_case(case: np.ndarray, v: dict, makers: tuple[Callable[[dict], Text], ...]) -> Text:
    """``makers[k]`` on the rows whose ``case`` is ``k``: each wording is built only for the rows that use it.

    ``v`` holds whole-length columns; each maker gets a mapping of its rows of them.

    Examples
    --------
    >>> v = {"who": np.array(["Men", "Women"], dtype=object)}
    >>> by_case(np.array([1, 0]), v, (lambda w: w["who"] + " gained", lambda w: w["who"] + " lost")).tolist()
    ['Men lost', 'Women gained']
    """
    out = np.empty(len(case), dtype=object)
    for k, make in enumerate(makers):
        idx = np.flatnonzero(case == k)
        if len(idx):
            out[idx] = make(_Rows(v, idx))
    return out


class _Rows(dict):
    """Some rows of every column of ``full``, each column taken only when a template first reads it."""

    def __init__(self, full: dict, idx: np.ndarray) -> None:
        super().__init__()
        self._full, self._idx = full, idx

    def __missing__(self, key: str) -> np.ndarray:
        value = self[key] = self._full[key][self._idx]
        return value


def _not_comparable(v: dict) -> Text:
    return ("The way " + v["name"] + " is measured changed between " + v["b"] + " and " + v["c"] + ", so the gap ("
            + number_text(v["gap_baseline"]) + " then, " + number_text(v["gap_current"]) + " now) cannot be compared.")


def _other(v: dict) -> Text:
    return ("There is not enough data to say how the gap between " + v["who"] + " and " + v["vs"] + " changed: "
            + v["reason"] + ".")


#: in the order of the conditions in :func:`progress_sentences`; the last is the default
_TEMPLATES = (_reversed, _narrowed_ahead, _narrowed, _levelling, _crossed_widened, _crossed_steady, _widened, _steady,
              _no_gap, _not_comparable, _other)


def _fell_text(v: dict) -> Text:
    """:func:`evidence.narrative._fell_text` for columns: who got worse, and the group's own change."""
    everyone, all_text, pol, unit = v["everyone"], v["all_text"], v["pol"], v["unit"]
    first = v["all_worse"] & (all_text != "")
    c0, c1 = v["comparator_value_baseline"], v["comparator_value_current"]
    second = (v["comp"] != "overall") & v["comparator_worse"] & _finite(c0) & _finite(c1)
    p1 = everyone + " " + all_text
    p2 = (v["name"] + " for " + v["vs"] + " " + change_text(c0, c1, pol) + " from " + value_text(c0, unit) + " to "
          + value_text(c1, unit))
    v0, v1 = v["value_baseline"], v["value_current"]
    lo, hi = v["group_change_lower"], v["group_change_upper"]
    third = (first | second) & _finite(v0) & _finite(v1)
    with np.errstate(invalid="ignore"):
        moved = np.where(_finite(lo) & _finite(hi) & (lo <= 0) & (0 <= hi), "showed no clear change",
                         change_text(v0, v1, pol))
    p3 = "for " + v["who"] + " it " + moved + " (" + value_text(v0, unit) + " then, " + value_text(v1, unit) + " now)"
    # the parts present, joined "a, and b, while c" (the last after "while")
    k = first.astype(int) + second + third
    one = np.where(first, p1, np.where(second, p2, p3))
    two = np.where(first & second, p1 + ", while " + p2, np.where(first, p1, p2) + ", while " + p3)
    three = p1 + ", and " + p2 + ", while " + p3
    none = np.where((all_text != "") & (v["status"] == "narrowed_levelling_down"), everyone + " " + all_text, "")
    return np.select([k == 0, k == 1, k == 2], [none, one, two], default=three).astype(object)
