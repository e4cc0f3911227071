"""Indicator metadata: what each outcome measures and which way is better.

Metadata is a small table, one row per indicator, with columns:

``indicator`` (id), ``name``, ``domain``, ``kind``, ``polarity``, ``unit``,
``multiplier``, ``population`` (the plural noun for people measured, e.g.
"pupils"), ``source``, ``breaks`` (series-break periods, a list) and
``ci_level`` (the level of published confidence intervals, default 0.95).

It can come from a DataFrame, a list of dicts, or a YAML/CSV file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import Problem, raise_if
from .frames import factorize_text, shallow_copy, text_from_codes

DOMAINS = (
    "attainment",
    "employment",
    "health",
    "satisfaction",
    "cohesion",
    "workforce",
    "participation",
    "other",
)
KINDS = ("proportion", "mean", "rate", "life_expectancy", "score", "count")
POLARITIES = ("higher_is_better", "lower_is_better")
COLUMNS = [
    "indicator",
    "name",
    "domain",
    "kind",
    "polarity",
    "unit",
    "multiplier",
    "population",
    "source",
    "breaks",
    "ci_level",
]
_DEFAULTS: dict[str, Any] = {
    "domain": "other",
    "kind": None,  # unknown stays blank: :func:`evidence.observations.infer_kind` fills it from the data when it can
    "unit": "",
    "multiplier": float("nan"),
    "population": "people",
    "source": "",
    "ci_level": 0.95,
}

#: defaults written where nothing is known; metadata given later replaces them
_FILLED: dict[str, Any] = {"unit": "", "population": "people", "ci_level": 0.95, "domain": "other"}

IndicatorsLike = pd.DataFrame | Sequence[Mapping[str, Any]] | Mapping[str, Any] | str | Path | None


def load_indicators(source: IndicatorsLike) -> pd.DataFrame:
    """Read and validate indicator metadata.

    Parameters
    ----------
    source : DataFrame, list of dict, dict keyed by indicator id, or path
        A YAML file may hold a list of indicators or a mapping ``{id: {...}}``
        (optionally under a top-level ``indicators:`` key); a CSV holds the table.

    Returns
    -------
    DataFrame
        One row per indicator with every column in :data:`COLUMNS`.

    Raises
    ------
    EvidenceError
        Naming the indicator and field for each problem (unknown polarity, kind...).

    Examples
    --------
    >>> meta = load_indicators([{"indicator": "employment_rate", "polarity": "higher_is_better",
    ...                          "kind": "proportion", "unit": "%"}])
    >>> meta.loc[0, "population"]
    'people'
    """
    if source is None:
        return pd.DataFrame(columns=COLUMNS)
    file = None
    if isinstance(source, str | Path):
        file = str(source)
        path = Path(source)
        if not path.exists():
            raise_if([Problem("indicator metadata file not found; check the path", file=file)])
        if path.suffix.lower() == ".csv":
            table = pd.read_csv(path, dtype={"indicator": str, "breaks": str})  # "2022" is a period, not 2022.0
            source = table.to_dict("records")
        else:
            from .yamlfile import load_yaml

            source = load_yaml(path, "indicator metadata file") or []
    if isinstance(source, pd.DataFrame):
        records = source.to_dict("records")
    elif isinstance(source, Mapping):
        inner = source.get("indicators", source)
        if isinstance(inner, Mapping):
            records = [{"indicator": k, **(v or {})} for k, v in inner.items()]
        else:
            records = list(inner)
    else:
        records = list(source)

    problems: list[Problem] = []
    rows = []
    for i, rec in enumerate(records, start=1):
        rec = {k: v for k, v in dict(rec).items() if not _is_missing(v)}
        ind = str(rec.get("indicator", "")).strip()
        label = f"indicator '{ind}'" if ind else f"indicator entry {i}"
        if not ind:
            problems.append(Problem("every indicator needs an 'indicator' id", file=file, rows=(i,), column="indicator"))
            continue
        row = {**_DEFAULTS, **rec, "indicator": ind}
        row.setdefault("name", ind.replace("_", " "))
        pol = row.get("polarity")
        if pol not in POLARITIES:
            problems.append(
                Problem(
                    f"{label}: polarity must be one of {', '.join(POLARITIES)} (it orients every gap)",
                    file=file, rows=(i,), column="polarity", value=None if pol is None else str(pol),
                )
            )
        if row["kind"] is not None and row["kind"] not in KINDS:
            problems.append(
                Problem(f"{label}: kind must be one of {', '.join(KINDS)}", file=file, rows=(i,),
                        column="kind", value=str(row["kind"]))
            )
        if row["domain"] not in DOMAINS:
            problems.append(
                Problem(f"{label}: domain must be one of {', '.join(DOMAINS)}", file=file, rows=(i,),
                        column="domain", value=str(row["domain"]))
            )
        try:
            row["multiplier"] = float(row["multiplier"])
            row["ci_level"] = float(row["ci_level"])
            if not 0 < row["ci_level"] < 1:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(
                Problem(f"{label}: multiplier and ci_level must be numbers (ci_level as a fraction, e.g. 0.95)",
                        file=file, rows=(i,), column="multiplier/ci_level")
            )
        breaks = row.get("breaks") or []
        if isinstance(breaks, int | float):  # one year written as a number
            breaks = str(int(breaks)) if float(breaks).is_integer() else str(breaks)
        if isinstance(breaks, str):
            breaks = [b.strip() for b in breaks.split(";") if b.strip()]
        row["breaks"] = [str(b) for b in breaks]
        rows.append(row)
    seen = pd.Series([r["indicator"] for r in rows])
    for dup in sorted(set(seen[seen.duplicated()])):
        problems.append(Problem(f"indicator '{dup}' is defined twice; keep one definition", file=file, column="indicator"))
    raise_if(problems, context="indicator metadata")
    out = pd.DataFrame(rows)
    for col in COLUMNS:
        if col not in out:
            out[col] = pd.Series([None] * len(out), dtype=object)
    return out[COLUMNS + [c for c in out.columns if c not in COLUMNS]].reset_index(drop=True)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def attach_metadata(obs: pd.DataFrame, indicators: IndicatorsLike = None) -> pd.DataFrame:
    """Join indicator metadata onto observations; a value in ``obs`` wins over none.

    Fills ``polarity`` (and ``kind``, ``unit``, ``name``, ``population``,
    ``multiplier``, ``ci_level``) per row from the metadata when the observations
    leave them blank. A cell holding only a default (unit ``""``, population
    ``"people"``, domain ``"other"``, ``ci_level`` 0.95: what an earlier
    validation wrote when nothing was known) counts as blank, so metadata given
    later still applies: what the user states wins over what was guessed. An
    unknown ``kind`` stays blank (see :func:`evidence.observations.infer_kind`).

    Examples
    --------
    >>> obs = pd.DataFrame({"indicator": ["x"], "period": ["2020"], "characteristic": ["All"],
    ...                     "group": ["All"], "value": [1.0]})
    >>> attach_metadata(obs, [{"indicator": "x", "polarity": "lower_is_better"}])["polarity"][0]
    'lower_is_better'
    """
    meta = load_indicators(indicators)
    out = shallow_copy(obs)
    fill = ["polarity", "kind", "unit", "name", "population", "multiplier", "ci_level", "domain"]
    # each distinct indicator looked up once: a map over a million rows of text is slow
    codes, distinct = factorize_text(out["indicator"]) if "indicator" in out else (np.full(len(out), -1), [])
    if len(meta):
        m = meta.set_index("indicator")
        named = set(meta.loc[meta["name"].astype(str) != meta["indicator"].str.replace("_", " "), "indicator"])
        at = m.index.get_indexer(pd.Index(distinct, dtype=object))
        rows = np.where(codes >= 0, at[np.maximum(codes, 0)] if len(at) else -1, -1)
        for col in fill:
            mapped = pd.Series(m[col].array.take(rows, allow_fill=True), index=out.index, name=col) \
                if col in m else None
            if mapped is None:
                continue
            if col in out and col != "name":
                blank = out[col].isna()
                if col in _FILLED and len(out):  # a default an earlier validation wrote is not a statement
                    blank |= out[col].eq(_FILLED[col]).fillna(False).astype(bool) & mapped.notna()
                out[col] = out[col].where(~blank, mapped) if blank.any() else out[col]
            elif col == "name" and col in out:
                # a name the user wrote in the metadata wins over the file's own label
                mine = np.append(np.isin(np.asarray(distinct, dtype=object), list(named)), False)[codes]
                out[col] = mapped.where(mine, out[col].where(out[col].notna(), mapped))
            else:
                out[col] = mapped
    if "kind" not in out:
        out["kind"] = None
    if out["kind"].dtype == object:  # a blank kind is None, not NaN, as readers and users write it
        out["kind"] = out["kind"].where(out["kind"].notna(), None)
    for col, default in _FILLED.items():
        if col not in out:
            out[col] = default
        elif out[col].isna().any():
            out[col] = out[col].where(out[col].notna(), default)
    # the indicator's code in words where no name is given: worked out once per indicator
    def spelt() -> pd.Series:
        return text_from_codes(codes, [str(d).replace("_", " ") for d in distinct] + [None], out.index)

    if "name" not in out:
        out["name"] = spelt()
    elif out["name"].isna().any():
        out["name"] = out["name"].where(out["name"].notna(), spelt())
    if "multiplier" not in out:
        out["multiplier"] = float("nan")
    out["multiplier"] = pd.to_numeric(out["multiplier"], errors="coerce")
    return out
