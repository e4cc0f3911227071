"""`evidence init`: a starter scheme and indicator metadata written from the user's own files.

Reads each file as :func:`evidence.read` would and writes two YAML files a
person then edits: ``scheme.yaml``, with one measure per indicator that has
groups (its characteristics filled in, every group found listed in a comment),
and ``indicators.yaml``, with each indicator's name, kind and unit as far as the
file tells them and a polarity to check. Nothing existing is overwritten
without ``force``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .errors import Problem, listing, raise_if
from .observations import ALL
from .periods import normalise_period, sort_periods

#: the whole country, chosen as the scheme's area when the files have it and no --area is given
NATIONAL = ("England", "United Kingdom", "UK", "Great Britain", "England and Wales")
#: measures written; further indicators are listed in a comment for the user to add
MAX_MEASURES = 12


def init(files: list[str | Path], out: str | Path = "scheme.yaml", *, area: str | None = None,
         filters: dict[str, str] | None = None, format: str | None = None, mapping: str | Path | None = None,
         name: str | None = None, force: bool = False) -> list[Path]:
    """Write a starter scheme and its indicator metadata for ``files``.

    Parameters
    ----------
    files : list of path
        The data files, as published.
    out : path
        The scheme file to write; ``indicators.yaml`` goes beside it.
    area : str, optional
        The scheme's area (name or code) when the files cover several; by
        default England when present, else the first area, with a comment.
    filters, format, mapping
        Read options applied to every file (as for ``evidence validate``); a
        mapping file describes a table in no known format.
    name : str, optional
        The scheme's name.
    force : bool
        Overwrite the two files if they exist.

    Returns
    -------
    list of Path
        The scheme file and the indicator metadata file.

    Examples
    --------
    >>> import tempfile, evidence as ev
    >>> folder = Path(tempfile.mkdtemp())
    >>> ev.demo.observations().to_csv(folder / "obs.csv", index=False)
    >>> scheme, meta = init([folder / "obs.csv"], folder / "scheme.yaml")
    >>> ev.Scheme.from_yaml(scheme).baseline
    '2018'
    """
    import warnings

    from .errors import EvidenceWarning
    from .readers import read

    out = Path(out)
    meta_path = out.with_name("indicators.yaml")
    existing = [p for p in (out, meta_path) if p.exists()]
    if existing and not force:
        raise_if([Problem("already exists and was not overwritten; choose another --out, or add --force",
                          file=str(p)) for p in existing])
    sources, frames = [], []
    for f in files:
        options: dict[str, Any] = {"filters": filters} if filters else {}
        if mapping:
            options["mapping"] = mapping
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", EvidenceWarning)  # `evidence validate` shows them
            frames.append(read(f, format=format, **options))
        spec: dict[str, Any] = {"path": _relative(Path(f), out.parent)}
        if format:
            spec["format"] = format
        if filters:
            spec["filters"] = dict(filters)
        if mapping:
            spec["mapping"] = _relative(Path(mapping), out.parent)
        sources.append(spec)
    obs = pd.concat(frames, ignore_index=True)
    chosen, comparators, areas = _choose_area(obs, area, [str(f) for f in files])
    if chosen:
        mask = (obs["area"].astype(str) == chosen) | (obs.get("area_code", pd.Series("", index=obs.index))
                                                       .astype(str) == chosen)
        own = obs[mask]
    else:
        own = obs
    meta = _metadata(obs, [Path(f).name for f in files])
    text = _scheme_text(own, sources, chosen, comparators, areas, name or _name(files), [str(f) for f in files])
    meta_text = ("# Indicator metadata written by `evidence init`: check every polarity (which way is better)\n"
                 "# and kind; see docs/schemes.md.\n" + yaml.safe_dump({"indicators": meta}, sort_keys=False,
                                                                         allow_unicode=True, width=100))
    out.parent.mkdir(parents=True, exist_ok=True)
    for path, body in ((out, text), (meta_path, meta_text)):
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(body, encoding="utf-8")
        os.replace(tmp, path)
    return [out, meta_path]


def _relative(path: Path, base: Path) -> str:
    try:
        return os.path.relpath(path.resolve(), base.resolve())
    except ValueError:  # another drive on Windows
        return str(path.resolve())


def _name(files) -> str:
    return f"Equality scheme: {Path(str(files[0])).stem.replace('_', ' ')}"


def _choose_area(obs: pd.DataFrame, area: str | None, files: list[str]) -> tuple[str | None, list[str], list[str]]:
    areas = sorted(a for a in obs["area"].astype(str).unique() if a) if "area" in obs else []
    if area:
        codes = set(obs["area_code"].astype(str)) if "area_code" in obs else set()
        if area not in areas and area not in codes:
            import difflib

            close = difflib.get_close_matches(area, areas, n=1)
            raise_if([Problem(f"area '{area}' is not in the data{f' (did you mean {close[0]!r}?)' if close else ''}; "
                              f"its areas are {listing(areas)}", file=", ".join(files), column="area")])
        chosen = area
    elif len(areas) > 1:  # the country when the file has it, else the area with the most figures
        named = obs["area"].astype(str)
        chosen = next((a for a in NATIONAL if a in areas), None) or str(named[named != ""].value_counts().index[0])
    else:
        return None, [], areas
    comparators = ["England"] if chosen != "England" and "England" in areas else []
    return chosen, comparators, areas


def _metadata(obs: pd.DataFrame, sources: list[str]) -> dict[str, dict[str, Any]]:
    meta = {}
    for ind, block in obs.groupby("indicator", sort=True):
        unit = _first(block, "unit") or ""
        name = _first(block, "name") or str(ind).replace("_", " ")
        kind, multiplier = _kind(block, unit, name)
        polarity = _first(block, "polarity")  # a reader that knows (a pay gap: lower is better) says so
        polarity = polarity if polarity in ("higher_is_better", "lower_is_better") else "higher_is_better"
        entry: dict[str, Any] = {"name": name, "domain": "other", "kind": kind, "polarity": polarity,
                                 "unit": unit, "population": "people", "source": "; ".join(sources)}
        if multiplier:
            entry["multiplier"] = multiplier
        meta[str(ind)] = entry
    return meta


def _kind(block: pd.DataFrame, unit: str, name: str) -> tuple[str, int | None]:
    """What the file says the figures are: a per cent with counts, a rate per 100,000, a mean..."""
    said = _first(block, "kind")
    if said in ("proportion", "mean", "rate", "life_expectancy", "count"):  # "score" is only the default
        return said, 100 if said == "proportion" else None
    counts = {"numerator", "denominator"} <= set(block.columns) and block[["numerator", "denominator"]].notna().any().all()
    per = re.search(r"(?:per|/)\s*([\d,]+)", name)
    if per and counts:
        return "rate", int(per.group(1).replace(",", ""))
    if counts:  # a value that is its numerator over its denominator (as a per cent or a fraction) is a proportion
        ok = block[["value", "numerator", "denominator"]].dropna()
        ok = ok[ok["denominator"] > 0]
        ratio = ok["numerator"] / ok["denominator"]
        for scale in (100, 1):  # published to one decimal place of a per cent at least
            if len(ok) and (ratio <= 1).all() and ((ok["value"] - scale * ratio).abs() <= 0.051 * scale / 100).all():
                return "proportion", scale
    if unit == "%" or "%" in name or "percent" in name.lower():
        return "proportion", 100
    if name.lower().startswith(("avg", "average", "mean")):
        return "mean", None
    return "score", None


def _first(block: pd.DataFrame, col: str) -> str | None:
    if col not in block:
        return None
    values = [v for v in block[col].dropna().astype(str).unique() if v.strip() and v != "nan"]
    return values[0] if values else None


def _scheme_text(obs: pd.DataFrame, sources: list[dict], area: str | None, comparators: list[str], areas: list[str],
                 name: str, files: list[str]) -> str:
    periods = sort_periods(obs["period"].map(normalise_period).unique())
    measured = {str(i): set(b.loc[b["group"] != ALL, "period"].map(normalise_period))
                for i, b in obs.groupby("indicator", sort=True) if (b["group"] != ALL).any()
                and _first(b, "kind") != "count"}
    base, current = _ends(periods, measured)
    lines = [f"# Starter scheme written by `evidence init` from {', '.join(files)}.",
             "# Edit the name, objectives and measures, check indicators.yaml, then run",
             "#   evidence validate <this file>     and     evidence report --scheme <this file>",
             "# Every key is described in docs/schemes.md.",
             yaml.safe_dump({"name": name}, allow_unicode=True, width=1000).strip(),
             f"baseline: {_q(base)}        # periods in the data: {listing(periods)}",
             f"current: {_q(current)}" + ("        # one period only: the report shows the gaps now, and progress "
                                          "once a second period is added" if base == current else "")]
    if area:
        lines.append(f"area: {_q(area)}        # the data cover {len(areas)} areas: {listing(areas, 8)}")
        if comparators:
            lines.append(f"comparator_areas: {_flow(comparators)}")
    lines.append(yaml.safe_dump({"data": {"observations": sources, "indicators": "indicators.yaml"}},
                                sort_keys=False, allow_unicode=True, width=1000).rstrip())
    lines += ["objectives:", "  - id: objective_1", "    title: Close the gaps (edit this objective)", "    measures:"]
    written = 0
    skipped, elsewhen = [], []
    for ind, block in obs.groupby("indicator", sort=True):
        groups = block[block["group"] != ALL]
        if groups.empty or _first(block, "kind") == "count":  # counts by group are measured as shares
            skipped.append(str(ind))
            continue
        if not {base, current} <= measured[str(ind)]:  # a measure must have both ends, or validate refuses it
            elsewhen.append(f"{ind} ({listing(sort_periods(list(measured[str(ind)])), 6)})")
            continue
        if written >= MAX_MEASURES:
            skipped.append(str(ind))
            continue
        written += 1
        whole = block[(block["group"] == ALL) & block["value"].notna()]  # a total with no figure is no comparator
        has_all = {base, current} <= set(whole["period"].map(normalise_period))
        chars = sorted(groups["characteristic"].astype(str).unique())
        lines += [f"      - id: measure_{written}",
                  f"        title: {_q(_first(block, 'name') or str(ind))}",
                  f"        indicator: {_q(str(ind))}",
                  f"        characteristics: {_flow(chars)}",
                  "        groups: all"]
        for ch in chars:
            found = sorted(groups.loc[groups["characteristic"].astype(str) == ch, "group"].astype(str).unique())
            lines.append(f"        # {ch}: {listing(found, 20)}")
        lines += [f"        comparator: {'overall' if has_all else 'best'}"
                  + ("" if has_all else "        # no whole-population row in the data: compared with the best-off group"),
                  "        rule: gap_not_widen"]
    if elsewhen:
        lines.append(f"# indicators with groups in other periods (a scheme of their own, or change baseline and "
                     f"current): {listing(elsewhen, 30)}")
    if not written:
        raise_if([Problem("no indicator in these files has groups (every row is the whole population), so there is "
                          "nothing to compare; check the files and any filters with `evidence validate`",
                          file=", ".join(files))])
    if skipped:
        lines.append(f"# indicators without measures here (add them as above): {listing(skipped, 30)}")
    return "\n".join(lines) + "\n"


def _ends(periods: list[str], measured: dict[str, set[str]]) -> tuple[str, str]:
    """Baseline and current: two periods (of one style) if any indicator with groups has both, the pair
    the most such indicators have at both ends; then the latest current, then the longest span.

    Files publish different breakdowns in different years (State of the Nation: ethnicity only in two
    years), and a measure needs its indicator at both ends.

    Examples
    --------
    >>> _ends(["2010/11", "2018/19", "2024/25"], {"gap": {"2010/11", "2024/25"}, "eth": {"2018/19", "2024/25"},
    ...         "sex": {"2018/19", "2019/20", "2024/25"}, "now": {"2024/25"}})
    ('2018/19', '2024/25')
    >>> _ends(["2015/16"], {"a8": {"2015/16"}})
    ('2015/16', '2015/16')
    """
    from .periods import period_style

    if not measured:
        return periods[0], periods[-1]
    rank = {p: i for i, p in enumerate(periods)}
    best, score = (periods[0], periods[-1]), (False, -1, -1, -1)
    for c in periods:
        for b in periods[:rank[c] + 1]:
            if period_style(b) != period_style(c):
                continue
            both = sum(1 for have in measured.values() if b in have and c in have)
            this = (b != c and both > 0, both, rank[c], rank[c] - rank[b])  # progress needs two periods
            if this > score:
                best, score = (b, c), this
    return best


def _flow(items: list[str]) -> str:
    """A YAML list on one line, each item quoted when it would be read as something else ("Age [J02]").

    Examples
    --------
    >>> _flow(["Age [J02]", "sex"])
    "['Age [J02]', sex]"
    """
    return yaml.safe_dump([str(i) for i in items], default_flow_style=True, allow_unicode=True, width=10**6).strip()


def _q(text: str) -> str:
    """A YAML scalar, quoted when plain text would be read as something else."""
    dumped = yaml.safe_dump(str(text), allow_unicode=True, width=1000).strip()
    return dumped.removesuffix("\n...").removesuffix("...").strip()
