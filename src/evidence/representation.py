"""Representation: is each group's share of a population its share of a benchmark?

"Who is in the room": each group's share of a population of interest (staff,
staff in a grade band, apprentices, survey respondents) against its share of a
benchmark population (the borough's working-age residents in the Census, say).

Methods
-------
- Share of the population: Wilson score interval (Wilson 1927; see
  :func:`evidence.estimates.wilson_ci`).
- Benchmark from a census count (``benchmark_from="census"``, the default): the
  benchmark share is treated as known, so the difference ``share - benchmark``
  and the ratio ``share / benchmark`` take their intervals from the Wilson
  interval of the share (an exact transformation of it).
- Benchmark from a sample survey (``benchmark_from="sample"``): Newcombe's
  hybrid score interval for the difference (Newcombe 1998, method 10) and the
  log (Katz) interval for the ratio (Katz et al. 1978), both treating the two
  samples as independent.

A verdict of ``under`` or ``over`` needs the whole interval of the difference
to lie beyond ``tolerance`` percentage points; otherwise ``in_line``.
"Not known" and "Prefer not to say" are not groups: they are left out of every
share and reported as the disclosure rate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import EvidenceError, Problem
from .estimates import katz_ratio_ci, newcombe_diff_ci, wilson_ci

#: labels meaning "this person did not say" (compared without case, spaces or punctuation)
NOT_KNOWN = ("not known", "unknown", "prefer not to say", "prefer not say", "not stated", "not disclosed",
             "undisclosed", "declined", "refused", "information refused", "not recorded", "missing",
             "no response", "do not wish to disclose", "not declared", "not specified")
_NK = {re.sub(r"[^a-z]", "", s) for s in NOT_KNOWN}
_COUNT_COLUMNS = ("count", "numerator", "n", "value")
METHOD_CENSUS = "Wilson score interval for the share; benchmark share treated as known (census count)"
METHOD_SAMPLE = ("Wilson score interval for the share; Newcombe hybrid score interval for the difference and "
                 "Katz log interval for the ratio (benchmark from a sample)")
VERDICTS = ("under", "over", "in_line")
COLUMNS = ["characteristic", "group", "count", "total", "share", "share_lower", "share_upper", "benchmark_share",
           "ratio", "ratio_lower", "ratio_upper", "difference", "difference_lower", "difference_upper", "verdict",
           "missing", "in_benchmark", "suppressed", "not_known", "disclosure_rate", "method", "note"]


def is_not_known(labels: Iterable) -> np.ndarray:
    """True where a group label means the person did not say (or the value is blank).

    Examples
    --------
    >>> is_not_known(["Prefer not to say", "White British", None, "NOT KNOWN", "prefernottosay"]).tolist()
    [True, False, True, True, True]
    """
    return np.array([pd.isna(v) or re.sub(r"[^a-z]", "", str(v).lower()) in _NK for v in labels], dtype=bool)


def representation(
    obs_or_records: pd.DataFrame,
    benchmark: pd.DataFrame | Mapping[str, float],
    by: str | Sequence[str],
    level: float = 0.95,
    *,
    within: str | None = None,
    weight: str | None = None,
    benchmark_from: str = "census",
    tolerance: float = 0.0,
    min_count: int = 5,
    min_total: int = 10,
) -> pd.DataFrame:
    """Each group's share of a population against its share of a benchmark.

    Parameters
    ----------
    obs_or_records : DataFrame
        Either person-level records with one column per characteristic in ``by``
        (blank or "Not known" values count as not disclosed), or a counts table
        with ``group``, a count column (``count``, ``numerator``, ``n`` or
        ``value``, the first with figures) and ``characteristic`` when it holds more than
        one; a ``period`` or ``area`` column in a counts table is kept as a key.
    benchmark : DataFrame or mapping
        The benchmark population: ``group`` with ``count`` (or ``numerator``)
        or ``share`` (or ``value``; a proportion or a percentage), and
        ``characteristic`` when ``by`` has several; or ``{group: count or share}``.
        Its "Not known" rows are dropped and its shares rescaled to sum to 1.
    by : str or list of str
        Characteristic(s), e.g. ``"ethnicity"``.
    level : float
        Confidence level.
    within : str, optional
        A records column to break the population down by, e.g. ``"grade_band"``:
        one block per band (in the column's categorical order, else sorted) plus
        ``"All"``, to show where representation thins out with seniority.
    weight : str, optional
        A records column of weights (counts are then weighted sums).
    benchmark_from : {"census", "sample"}
        Whether the benchmark is a full count (treated as known) or a sample
        (needs counts; Newcombe and Katz intervals).
    tolerance : float
        Percentage points within which a share counts as in line.
    min_count, min_total : int
        Small-number rules: a group of 1 to ``min_count - 1`` people is not
        shown, nor the next smallest group when one alone would be revealed by
        the total; a block under ``min_total`` people shows no figures at all.

    Returns
    -------
    DataFrame
        One row per key × characteristic × group (every benchmark group and every
        group found): ``count, total`` (people who disclosed), ``share`` (%),
        its interval, ``benchmark_share`` (%), ``ratio`` and ``difference``
        (percentage points) with intervals, ``verdict`` (``under``, ``over``,
        ``in_line``; blank when suppressed or not in the benchmark),
        ``missing`` (in the benchmark, nobody in the population),
        ``in_benchmark``, ``suppressed``, ``not_known`` (count),
        ``disclosure_rate`` (%), ``method`` and ``note``.

    Raises
    ------
    EvidenceError
        When a characteristic, count or benchmark column is missing.

    Examples
    --------
    >>> staff = pd.DataFrame({"sex": ["Female"] * 30 + ["Male"] * 70 + ["Prefer not to say"] * 5})
    >>> r = representation(staff, {"Female": 51, "Male": 49}, "sex").set_index("group")
    >>> float(r.loc["Female", "share"]), r.loc["Female", "verdict"], round(float(r.loc["Female", "disclosure_rate"]), 1)
    (30.0, 'under', 95.2)
    """
    if benchmark_from not in ("census", "sample"):
        raise EvidenceError([Problem("benchmark_from must be 'census' or 'sample'", value=str(benchmark_from))])
    chars = [by] if isinstance(by, str) else list(by)
    counts = _population_counts(obs_or_records, chars, within, weight)
    bench = _benchmark(benchmark, chars, need_counts=benchmark_from == "sample")
    keys = [k for k in counts.columns if k not in ("characteristic", "group", "count")]
    blocks = []
    for key, block in counts.groupby(keys + ["characteristic"], sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        ch = key[-1]
        out = _block(block, bench[bench["characteristic"] == ch], ch, level, benchmark_from, tolerance,
                     min_count, min_total)
        for k, v in zip(keys, key[:-1], strict=True):
            out.insert(0, k, v)
        blocks.append(out)
    if not blocks:
        return pd.DataFrame(columns=keys + COLUMNS)
    out = pd.concat(blocks, ignore_index=True)[keys + COLUMNS]
    return _suppress(out, keys, within, min_count, min_total)


def _population_counts(data: pd.DataFrame, chars: list[str], within: str | None, weight: str | None) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise EvidenceError([Problem("representation needs a DataFrame of records or of counts")])
    if all(c in data.columns for c in chars) and "group" not in data.columns:
        return _count_records(data, chars, within, weight)
    if "group" not in data.columns:
        missing = [c for c in chars if c not in data.columns]
        raise EvidenceError([Problem(f"no column '{missing[0]}' in the records (columns: "
                                     f"{', '.join(map(str, data.columns))})", column=missing[0])])
    df = data.copy()
    if "characteristic" not in df.columns:
        if len(chars) > 1:
            raise EvidenceError([Problem("several characteristics need a 'characteristic' column",
                                         column="characteristic")])
        df["characteristic"] = chars[0]
    df = df[df["characteristic"].isin(chars) & (df["group"].astype(str) != "All")]
    if df.empty:
        raise EvidenceError([Problem(f"no rows for characteristic {', '.join(chars)}", column="characteristic")])
    col = next((c for c in _COUNT_COLUMNS if c in df.columns and df[c].notna().any()), None)
    if col is None:
        raise EvidenceError([Problem("a counts table needs a count column: count, numerator, n or value",
                                     column="count")])
    keys = [k for k in ("period", "area", within) if k and k in df.columns]
    vals = pd.to_numeric(df[col], errors="coerce")
    bad = df.index[vals.isna() & df[col].notna()]
    if len(bad):
        raise EvidenceError([Problem("counts must be numbers", rows=tuple(int(i) + 1 for i in bad[:8]),
                                     column=col)])
    df = df.assign(count=vals.fillna(0), group=df["group"].astype(str).str.strip())
    return df.groupby(keys + ["characteristic", "group"], sort=False, dropna=False)["count"].sum().reset_index()


def _count_records(data: pd.DataFrame, chars: list[str], within: str | None, weight: str | None) -> pd.DataFrame:
    if within is not None and within not in data.columns:
        raise EvidenceError([Problem(f"no column '{within}' in the records", column=within)])
    w = pd.Series(1.0, index=data.index) if weight is None else pd.to_numeric(data[weight], errors="coerce")
    parts = []
    for ch in chars:
        g = data[ch].astype(object).where(data[ch].notna(), "Not known")
        frame = pd.DataFrame({"characteristic": ch, "group": g.astype(str).str.strip(), "count": w})
        if within is not None:
            bands = data[within]
            order = list(bands.cat.categories) if isinstance(bands.dtype, pd.CategoricalDtype) else \
                sorted(bands.dropna().unique(), key=str)
            for band in order:
                sub = frame[(bands == band).to_numpy()]
                parts.append(sub.groupby(["characteristic", "group"], sort=True)["count"].sum().reset_index()
                             .assign(**{within: str(band)}))
            parts.append(frame.groupby(["characteristic", "group"], sort=True)["count"].sum().reset_index()
                         .assign(**{within: "All"}))
        else:
            parts.append(frame.groupby(["characteristic", "group"], sort=True)["count"].sum().reset_index())
    out = pd.concat(parts, ignore_index=True)
    cols = ([within] if within else []) + ["characteristic", "group", "count"]
    return out[cols]


def _benchmark(benchmark, chars: list[str], need_counts: bool) -> pd.DataFrame:
    if isinstance(benchmark, Mapping):
        if len(chars) > 1:
            raise EvidenceError([Problem("with several characteristics, give the benchmark as a table with a "
                                         "'characteristic' column")])
        b = pd.DataFrame({"group": list(benchmark), "value": list(benchmark.values())})
    elif isinstance(benchmark, pd.DataFrame):
        b = benchmark.copy()
    else:
        raise EvidenceError([Problem("the benchmark must be a table (group and count or share) or a mapping")])
    if "group" not in b.columns:
        raise EvidenceError([Problem("the benchmark needs a 'group' column", column="group")])
    if "characteristic" not in b.columns:
        if len(chars) > 1:
            raise EvidenceError([Problem("the benchmark needs a 'characteristic' column", column="characteristic")])
        b["characteristic"] = chars[0]
    b = b[b["characteristic"].isin(chars) & (b["group"].astype(str) != "All")]
    b = b[~is_not_known(b["group"])]
    col = next((c for c in ("count", "numerator") if c in b.columns), None)
    is_count = col is not None
    if col is None:
        col = next((c for c in ("share", "value") if c in b.columns), None)
    if col is None:
        raise EvidenceError([Problem("the benchmark needs a count or share column (count, numerator, share or "
                                     "value)", column="count")])
    if need_counts and not is_count and not isinstance(benchmark, Mapping):
        raise EvidenceError([Problem("a sample benchmark needs counts (count or numerator), not only shares",
                                     column=col)])
    b["_v"] = pd.to_numeric(b[col], errors="coerce")
    if b["_v"].isna().any():
        raise EvidenceError([Problem("benchmark values must be numbers", column=col,
                                     value=str(b.loc[b["_v"].isna(), col].iloc[0]))])
    b["group"] = b["group"].astype(str).str.strip()
    b = b.groupby(["characteristic", "group"], sort=False)["_v"].sum().reset_index()
    tot = b.groupby("characteristic")["_v"].transform("sum")
    b["bshare"] = b["_v"] / tot
    b["bcount"], b["btotal"] = b["_v"], tot
    return b


def _block(block, bench, ch, level, source, tol, min_count, min_total) -> pd.DataFrame:
    nk = is_not_known(block["group"])
    not_known = float(block.loc[nk, "count"].sum())
    known = block[~nk].groupby("group", sort=False)["count"].sum()
    total = float(known.sum())
    groups = list(bench["group"]) + [g for g in known.index if g not in set(bench["group"])]
    b = bench.set_index("group")
    x = np.array([float(known.get(g, 0.0)) for g in groups])
    inb = np.array([g in b.index for g in groups])
    q = np.array([float(b.loc[g, "bshare"]) if g in b.index else np.nan for g in groups])
    lo, hi = wilson_ci(x, np.full(len(x), total), level)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / total if total > 0 else np.full(len(x), np.nan)
        if source == "census":
            d, dlo, dhi = p - q, lo - q, hi - q
            r, rlo, rhi = p / q, lo / q, hi / q
            method = METHOD_CENSUS
        else:
            y = np.array([float(b.loc[g, "bcount"]) if g in b.index else np.nan for g in groups])
            m = np.array([float(b.loc[g, "btotal"]) if g in b.index else np.nan for g in groups])
            d = p - q
            dlo, dhi = newcombe_diff_ci(x, total, y, m, level)
            r = p / q
            rlo, rhi = katz_ratio_ci(x, total, y, m, level)
            method = METHOD_SAMPLE
    diff, dlo, dhi = 100 * d, 100 * dlo, 100 * dhi
    verdict = np.where(~inb | ~np.isfinite(diff), None,
                       np.where(dhi < -tol, "under", np.where(dlo > tol, "over", "in_line"))).astype(object)
    out = pd.DataFrame({
        "characteristic": ch, "group": groups, "count": x, "total": total, "share": 100 * p,
        "share_lower": 100 * lo, "share_upper": 100 * hi, "benchmark_share": 100 * q, "ratio": r,
        "ratio_lower": rlo, "ratio_upper": rhi, "difference": diff, "difference_lower": dlo,
        "difference_upper": dhi, "verdict": verdict, "missing": inb & (x == 0), "in_benchmark": inb,
        "suppressed": False, "not_known": not_known,
        "disclosure_rate": 100 * total / (total + not_known) if total + not_known > 0 else np.nan,
        "method": method, "note": None,
    })
    out["note"] = np.where(out["missing"], "nobody from this group in the population",
                           np.where(~inb, "not in the benchmark, so no comparison", None)).astype(object)
    return out


def _suppress(out: pd.DataFrame, keys: list[str], within: str | None, min_count: int,
              min_total: int) -> pd.DataFrame:
    """Primary and secondary small-number suppression, then blank every suppressed figure.

    Primary: a group of 1 to ``min_count - 1`` people, or every group of a
    population under ``min_total``. Secondary: where one figure alone is hidden
    in a population (whose total is shown), the next smallest is hidden too;
    with grade bands, the same across the bands of each group (whose "All" row
    is their total), repeated until nothing changes.
    """
    x = out["count"]
    small_pop = out["total"] < min_total
    hide = small_pop | ((x > 0) & (x < min_count))
    secondary = pd.Series(False, index=out.index)
    lines = [keys + ["characteristic"]]
    if within:
        lines.append([k for k in keys if k != within] + ["characteristic", "group"])
    for _ in range(20):
        changed = False
        for cols in lines:
            rows = out if cols is lines[0] else out[out[within] != "All"]
            for _, block in rows.groupby(cols, sort=False, dropna=False):
                idx = block.index
                h = hide.loc[idx]
                if h.sum() == 1 and not small_pop.loc[idx].all():
                    rest = x.loc[idx][(x.loc[idx] > 0) & ~h]
                    if len(rest):
                        hide[rest.idxmin()] = secondary[rest.idxmin()] = changed = True
        if not changed:
            break
    blank = ["count", "share", "share_lower", "share_upper", "ratio", "ratio_lower", "ratio_upper", "difference",
             "difference_lower", "difference_upper"]
    out = out.copy()
    out.loc[hide, blank] = np.nan
    out.loc[hide, "verdict"] = None
    out.loc[hide, "missing"] = False
    out.loc[hide, "suppressed"] = True
    out.loc[hide, "note"] = np.where(small_pop[hide], f"fewer than {min_total} people in this population, so no "
                                     "figures are shown", np.where(secondary[hide], "not shown, so that a smaller "
                                     "group's figure cannot be worked out", f"fewer than {min_count} people, so not "
                                     "shown"))
    out.loc[small_pop, ["total", "not_known", "disclosure_rate"]] = np.nan
    return out
