"""Equality schemes: objectives, measures of success, and their status.

An equalities lead writes the scheme once, as YAML (see ``schemes/demo.yaml``)::

    name: Northbrook Single Equality Scheme
    slug: demo
    period_style: year
    baseline: "2018"
    current: "2024"
    data:
      observations: observations.csv     # paths are relative to the scheme file
      indicators: indicators.csv
    objectives:
      - id: education
        title: Close the gaps in school attainment
        measures:
          - indicator: grade5_eng_maths
            characteristics: [free_school_meals, ethnicity]
            groups: all                   # or a list of groups
            comparator: overall           # overall, rest, reference, best
            rule: gap_not_widen

Rules:

- ``gap_not_widen`` (default): the gap must not widen, should narrow, and never
  by levelling down;
- ``improve_where_gap``: every group with a significant gap at baseline must
  itself improve;
- ``maintain_level``: the whole-population value stays at or above ``level``
  (when given) and not significantly below baseline;
- ``representation``: a group's share matches its population share within
  ``tolerance`` percentage points (``population_shares``: ``demo``, a CSV or
  Excel file, or ``{group: share}``); see :mod:`evidence.representation_measure`.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import EvidenceError, Problem, listing, raise_if
from .estimates import estimate, mover_diff_ci
from .indicators import IndicatorsLike, load_indicators
from .labels import is_unknown_group
from .narrative import fmt_signed
from .observations import ALL
from .periods import normalise_period, period_style, sort_periods
from .progress import adjust_family, progress, rejudge
from .verdicts import rate, too_small
from .yamlfile import line_of, load_with_lines

RULES = ("gap_not_widen", "improve_where_gap", "maintain_level", "representation")
COMPARATORS = ("overall", "rest", "reference", "best")
#: the council's own words, per objective and per measure, shown beside the finding
COUNCIL_KEYS = ("lead_officer", "actions_taken", "planned_actions", "commentary")

#: statistical settings a scheme (or the command line) may set
DEFAULT_OPTIONS: dict[str, Any] = {"level": 0.95, "strict": False, "min_numerator": 5, "min_denominator": 10,
                                   "adjust": None, "min_change": None}

#: the usual colour of each status, with its words (the full rules, with min_change, are in verdicts.rate)
RAG = {s: rate({"status": s, "rule": "representation" if s.endswith(("_represented", "in_line")) else
                "gap_not_widen"}) for s in
       ("narrowed", "narrowed_levelling_down", "reversed", "widened", "no_significant_change", "no_gap",
        "insufficient_data", "not_comparable", "improved", "not_improved", "worsened", "level_maintained",
        "below_level", "in_line", "under_represented", "over_represented")}


@dataclass
class Measure:
    """One measure of success: an indicator, the groups watched, a rule."""

    id: str
    title: str
    indicator: str
    rule: str = "gap_not_widen"
    characteristics: list[str] | None = None
    groups: list[str] | None = None
    comparator: str = "overall"
    reference: dict[str, str] | None = None
    level: float | None = None
    tolerance: float | None = None
    line: int | None = None
    min_change: float | None = None
    council: dict[str, str] = field(default_factory=dict)
    population_shares: Any = None


@dataclass
class Objective:
    """A scheme objective and its measures of success."""

    id: str
    title: str
    description: str = ""
    measures: list[Measure] = field(default_factory=list)
    council: dict[str, str] = field(default_factory=dict)


@dataclass
class Scheme:
    """An equality scheme read from YAML.

    Examples
    --------
    >>> s = Scheme.demo()
    >>> s.slug, s.baseline
    ('demo', '2018')
    """

    name: str
    slug: str
    baseline: str
    current: str | None
    objectives: list[Objective]
    period_style: str | None = None
    description: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    lines: dict[tuple, int] = field(default_factory=dict, repr=False)
    organisation: str = ""
    contact: dict[str, str] = field(default_factory=dict)
    #: the scheme's own area (name or code) when the data cover many areas
    area: str | None = None
    #: areas shown beside the scheme's own (England, the region, statistical neighbours)
    comparator_areas: list[str] = field(default_factory=list)
    #: the scheme file as read (keys other modules use, such as contact or commentary)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ loading
    @classmethod
    def demo(cls) -> Scheme:
        """The built-in demo scheme (``schemes/demo.yaml`` shipped in the package)."""
        return cls.from_yaml(Path(__file__).parent / "schemes" / "demo.yaml")

    @classmethod
    def from_yaml(cls, path: str | Path, indicators: IndicatorsLike = None) -> Scheme:
        """Read and validate a scheme file.

        Raises
        ------
        EvidenceError
            Naming the file, line and key of every problem: a misspelt key, an
            unknown rule, comparator or indicator, a missing baseline.
        """
        path = Path(path)
        raw, lines = load_with_lines(path)
        file = str(path)
        problems: list[Problem] = []

        def problem(msg: str, keypath: tuple, value: Any = None) -> None:
            problems.append(Problem(msg, file=file, line=line_of(lines, keypath),
                                    column=".".join(str(k) for k in keypath) or None,
                                    value=None if value is None else str(value)))

        if not isinstance(raw, dict):
            raise_if([Problem("a scheme file must be a YAML mapping with name, baseline and objectives", file=file)])
        from .schemaspec import check

        # the shipped JSON Schema decides which keys exist and their types (docs/schemes.md lists them)
        raise_if(check(raw, lines, file), context=f"scheme {file}")
        data = raw.get("data") or {}
        obs_spec = data.get("observations")
        for k, item in enumerate(obs_spec if isinstance(obs_spec, list) else [obs_spec] if obs_spec else []):
            if not (isinstance(item, str) or (isinstance(item, dict) and "path" in item)):
                problem("each observations source is a file path, or a mapping with 'path' and read options",
                        ("data", "observations", k) if isinstance(obs_spec, list) else ("data", "observations"))
        style = raw.get("period_style")
        baseline = normalise_period(raw["baseline"]) if "baseline" in raw else ""
        current = normalise_period(raw["current"]) if raw.get("current") is not None else None
        for key, value in (("baseline", baseline), ("current", current)):
            if value and period_style(value) is None:
                problem("not a recognised period (use 2019, 2019/20, 2019-Q1...)", (key,), value)
            elif value and style and period_style(value) != style:
                problem(f"does not match period_style '{style}'", (key,), value)

        known = _known_indicators(indicators, data, path)
        objectives: list[Objective] = []
        seen_ids: set[str] = set()
        raw_objectives = raw.get("objectives") or []
        if not isinstance(raw_objectives, list) or not raw_objectives:
            problem("'objectives' must be a list with at least one objective", ("objectives",))
            raw_objectives = []
        for i, ro in enumerate(raw_objectives):
            kp = ("objectives", i)
            if not isinstance(ro, dict):
                problem("each objective must be a mapping with id, title and measures", kp)
                continue
            oid = str(ro.get("id") or f"objective_{i + 1}")
            if oid in seen_ids:
                problem(f"objective id '{oid}' is used twice", kp + ("id",), oid)
            seen_ids.add(oid)
            if not ro.get("title"):
                problem("every objective needs a title", kp)
            measures = []
            for j, rm in enumerate(ro.get("measures") or []):
                mp = kp + ("measures", j)
                if not isinstance(rm, dict):
                    problem("each measure must be a mapping with at least 'indicator'", mp)
                    continue
                measure = _measure(rm, mp, oid, j, problem, known, lines)
                if measure:
                    measures.append(measure)
            if not ro.get("measures"):
                problem("every objective needs at least one measure", kp)
            for mm in measures:  # a population_shares file is relative to the scheme file
                ps = mm.population_shares
                if isinstance(ps, str) and ps != "demo" and not Path(ps).is_absolute():
                    mm.population_shares = path.parent / ps
            objectives.append(Objective(oid, str(ro.get("title", "")), str(ro.get("description", "") or ""), measures,
                                        _council(ro, kp, problem)))
        raise_if(problems, context=f"scheme {file}")
        if raw.get("adjust") not in (None, "holm", "bh"):
            problem("'adjust' must be holm or bh (or left out for no adjustment)", ("adjust",), raw.get("adjust"))
            raise_if(problems, context=f"scheme {file}")
        settings = {k: raw[k] for k in DEFAULT_OPTIONS if k in raw}
        name = str(raw["name"])
        return cls(name=name, slug=str(raw.get("slug") or _slug(name)), baseline=baseline, current=current,
                   objectives=objectives, period_style=style, description=str(raw.get("description", "") or ""),
                   data=data, settings=settings, path=path, lines=lines,
                   organisation=str(raw.get("organisation") or ""),
                   contact={k: str(v) for k, v in (raw.get("contact") or {}).items() if v not in (None, "")},
                   area=str(raw["area"]) if raw.get("area") else None,
                   comparator_areas=[str(a) for a in raw.get("comparator_areas") or []], raw=raw)

    # ------------------------------------------------------------------ data
    def resolve(self, key: str) -> str | Path | None:
        """The scheme's ``indicators`` source: a path (relative to the scheme file), "demo" or None."""
        value = self.data.get(key)
        if value is None or value == "demo":
            return value
        p = Path(str(value))
        return p if p.is_absolute() or self.path is None else (self.path.parent / p)

    def sources(self) -> list[dict[str, Any]] | str | None:
        """The scheme's observation files, each ``{"path": Path, **read options}``; or "demo" or None.

        In the scheme a source is a path, or a mapping with ``path`` and the
        options of :func:`evidence.read` (``format``, ``sheet``, ``filters``,
        ``mapping``...), so a publisher's file can be used as published.
        """
        value = self.data.get("observations")
        if value is None or value == "demo":
            return value
        out = []
        for item in value if isinstance(value, list) else [value]:
            spec = {"path": item} if isinstance(item, str) else dict(item)
            p = Path(str(spec["path"]))
            spec["path"] = p if p.is_absolute() or self.path is None else self.path.parent / p
            if isinstance(spec.get("mapping"), str):
                m = Path(spec["mapping"])
                spec["mapping"] = m if m.is_absolute() or self.path is None else self.path.parent / m
            out.append(spec)
        return out

    def with_filters(self, filters: dict[str, str] | None) -> Scheme:
        """A copy whose data files are read keeping only rows with these values (``--filter KEY=VALUE``).

        The filters join each file source's own ``filters`` (the ones given here
        win); person-level records (``aggregate:``) are not filtered. A scheme
        with no file to filter is an error, so a filter is never silently ignored.

        Examples
        --------
        >>> s = Scheme.demo()
        >>> s.data = {**s.data, "observations": ["a.csv", {"path": "b.csv", "filters": {"sex": "Male"}}]}
        >>> [src.get("filters") for src in s.with_filters({"area": "Barnet"}).data["observations"]]
        [{'area': 'Barnet'}, {'sex': 'Male', 'area': 'Barnet'}]
        """
        import copy

        if not filters:
            return self
        value = self.data.get("observations")
        items = value if isinstance(value, list) else [value] if value not in (None, "demo") else []
        out, used = [], 0
        for item in items:
            spec = {"path": item} if isinstance(item, str) else dict(item)
            if "aggregate" not in spec:
                spec["filters"] = {**(spec.get("filters") or {}), **filters}
                used += 1
            out.append(spec)
        if not used:
            what = "the built-in demo data" if value in (None, "demo") else "only person-level records (aggregate:)"
            raise_if([Problem(f"--filter {', '.join(f'{k}={v}' for k, v in filters.items())} cannot apply: the "
                              f"scheme's data are {what}, not files read as published",
                              file=str(self.path) if self.path else None,
                              line=line_of(self.lines, ("data", "observations")), column="--filter")])
        twin = copy.copy(self)
        twin.data = {**self.data, "observations": out}
        return twin

    def hash(self) -> str:
        """SHA-256 of the scheme file (or of its repr when built in code)."""
        if self.path and self.path.exists():
            return hashlib.sha256(self.path.read_bytes()).hexdigest()
        return hashlib.sha256(repr(self).encode()).hexdigest()

    def measures(self) -> list[tuple[Objective, Measure]]:
        """Every (objective, measure) pair in scheme order."""
        return [(o, m) for o in self.objectives for m in o.measures]

    def options(self, **overrides: Any) -> dict[str, Any]:
        """Statistical settings: an override given (not None) wins over the scheme's, then the defaults.

        Examples
        --------
        >>> Scheme.demo().options(level=0.998)["level"], Scheme.demo().options()["min_numerator"]
        (0.998, 5)
        """
        out = {**DEFAULT_OPTIONS, **{k: v for k, v in self.settings.items() if k in DEFAULT_OPTIONS}}
        out.update({k: v for k, v in overrides.items() if v is not None})
        problems = []
        if isinstance(out["level"], bool) or not isinstance(out["level"], int | float) or not 0 < out["level"] < 1:
            problems.append(Problem("the confidence level is a fraction between 0 and 1, e.g. 0.95",
                                    column="level", value=str(out["level"])))
        for key in ("min_numerator", "min_denominator"):
            if isinstance(out[key], bool) or not isinstance(out[key], int | float) or out[key] < 0:
                problems.append(Problem("must be a number of people, 0 or more", column=key, value=str(out[key])))
        if out["adjust"] not in (None, "holm", "bh"):
            problems.append(Problem("must be holm or bh", column="adjust", value=str(out["adjust"])))
        raise_if(problems, context="statistical settings")
        return out

    # ------------------------------------------------------------------ areas
    def own_area(self, obs: pd.DataFrame) -> pd.DataFrame:
        """The rows of the scheme's own area.

        Data with one area (or none) are the scheme's. Data with many areas
        (every EES and Fingertips file has national, regional and local rows)
        need the scheme's ``area:`` (a name or a code); without it, or when it
        is not in the data, :class:`EvidenceError` lists the areas there are.

        Examples
        --------
        >>> import evidence as ev
        >>> len(Scheme.demo().own_area(ev.demo.observations())) == len(ev.demo.observations())
        True
        """
        areas = _areas(obs)
        file = str(self.path) if self.path else None
        if self.area:
            mask = _area_mask(obs, self.area)
            if not mask.any():
                raise_if([Problem(f"the scheme's area '{self.area}' is not in the data{_hint(self.area, areas)}; its "
                                  f"areas are {listing(areas)}", file=file, line=line_of(self.lines, ("area",)),
                                  column="area", value=self.area)])
            return obs[mask]
        if len(areas) > 1:
            raise_if([Problem(f"the data cover {len(areas)} areas ({listing(areas)}); say which is the scheme's "
                              "with 'area:' (a name or a code), and add any to show beside it with "
                              "'comparator_areas:'", file=file, column="area")])
        return obs

    def comparator_rows(self, obs: pd.DataFrame) -> pd.DataFrame:
        """The rows of the scheme's comparator areas (none when it names none)."""
        if not self.comparator_areas:
            return obs.iloc[0:0]
        problems, masks = [], []
        for i, name in enumerate(self.comparator_areas):
            mask = _area_mask(obs, name)
            if not mask.any():
                problems.append(Problem(f"comparator area '{name}' is not in the data{_hint(name, _areas(obs))}",
                                        file=str(self.path) if self.path else None,
                                        line=line_of(self.lines, ("comparator_areas", i)), column="comparator_areas",
                                        value=name))
            masks.append(mask)
        raise_if(problems)
        return obs[np.logical_or.reduce(masks)]

    # ------------------------------------------------------------------ evaluation
    def evaluate(
        self,
        obs: pd.DataFrame,
        period: str | None = None,
        baseline: str | None = None,
        *,
        indicators: IndicatorsLike = None,
        level: float | None = None,
        strict: bool | None = None,
        min_numerator: int | None = None,
        min_denominator: int | None = None,
        adjust: str | None = None,
        min_change: float | None = None,
        cache: dict | None = None,
    ) -> pd.DataFrame:
        """Status of every measure of success, one row per measure × group.

        Parameters
        ----------
        obs : DataFrame
            Observations covering the baseline and the period.
        period : str, optional
            The current period (default: the scheme's ``current``).
        baseline : str, optional
            Overrides the scheme's baseline.
        indicators, level, strict, min_numerator, min_denominator, adjust
            As for :func:`evidence.progress.progress`; defaults from the scheme.
        min_change : float, optional
            A change counts only when significant and at least this big (in the
            unit of the gap); a measure's own ``min_change`` wins. Default: the
            scheme's, else none.
        cache : dict, optional
            Progress tables (unadjusted) shared with the caller, keyed by
            :func:`progress_key` on everything they depend on: indicator,
            comparator, reference, both periods, every setting and the data
            and metadata objects. Filled as they are computed.

        Notes
        -----
        With ``adjust`` (Holm or Benjamini-Hochberg) the family is every
        comparison of a change in a gap that this evaluation reports (each
        indicator, comparator, characteristic and group once), so the result
        does not depend on how the data were sliced.

        Returns
        -------
        DataFrame
            ``objective_id, objective, measure_id, measure, rule, indicator, name,
            characteristic, group, comparator, baseline, current, value_baseline,
            value_current, gap_baseline, gap_current, gap_change (with interval),
            all_baseline, all_current, status, rag, rag_label, summary, reason``
            and more. ``rag`` is green, amber, red or grey (see
            :func:`evidence.verdicts.rate`). The comparator group itself and
            groups that are not groups ("Unclassified", "Unknown") are left out.

        Raises
        ------
        EvidenceError
            When a measure names an indicator, characteristic or group the data
            does not have (naming the scheme file and line).

        Examples
        --------
        >>> import evidence as ev
        >>> table = Scheme.demo().evaluate(ev.demo.observations(), "2024", indicators=ev.demo.indicators())
        >>> set(table["rag"]) <= {"green", "amber", "red", "grey"}
        True
        """
        current = normalise_period(period) if period is not None else self.current
        base = normalise_period(baseline) if baseline is not None else self.baseline
        if not current:
            raise EvidenceError([Problem("no period given: pass period or set 'current' in the scheme",
                                         file=str(self.path) if self.path else None)])
        opts = self.options(level=level, strict=strict, min_numerator=min_numerator,
                            min_denominator=min_denominator, adjust=adjust, min_change=min_change)
        obs = self.own_area(obs)
        self._check_against_data(obs, base, current)
        cache = {} if cache is None else cache
        family = self._family(obs, base, current, indicators, opts, cache) if opts.get("adjust") else None
        tables = []
        for objective, measure in self.measures():
            rows = _evaluate_measure(measure, obs, base, current, indicators, opts, cache, family)
            rows.insert(0, "objective_id", objective.id)
            rows.insert(1, "objective", objective.title)
            tables.append(rows)
        out = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
        if out.empty:  # never an empty success
            raise_if([Problem("the scheme's measures matched no groups in the data, so there is nothing to report; "
                              "check each measure's characteristics and groups against `evidence validate`",
                              file=str(self.path) if self.path else None)])
        out = out.reindex(columns=_EVAL_COLUMNS)
        for flag in ("suppressed_baseline", "suppressed_current"):
            out[flag] = out[flag].astype("boolean").fillna(False).astype(bool)
        records = out.to_dict("records")
        rated = [rate(r, r["min_change"]) for r in records]
        out["rag"] = [c for c, _ in rated]
        out["rag_label"] = [words for _, words in rated]
        small = [too_small(r, r["min_change"]) for r in records]
        out.loc[small, "summary"] = [small_change_sentence(r) for r, s in zip(records, small, strict=True) if s]
        return out[_EVAL_COLUMNS]

    def _family(self, obs, base, current, indicators, opts, cache) -> dict[tuple, float]:
        """Adjusted p-value of every change in a gap the evaluation reports, adjusted together."""
        keys, pvals = [], []
        for _, m in self.measures():
            if m.rule in ("representation", "maintain_level"):
                continue
            p = _selected(m, _progress_table(m, obs, base, current, indicators, opts, cache))
            for k, pv in zip(_row_keys(m, p), p["p_change"], strict=True):
                if k not in keys:
                    keys.append(k)
                    pvals.append(pv)
        return dict(zip(keys, adjust_family(np.array(pvals, dtype=float), opts["adjust"], opts["level"]),
                        strict=True))

    def _check_against_data(self, obs: pd.DataFrame, base: str, current: str) -> None:
        obs = self.own_area(obs)
        problems = []
        file = str(self.path) if self.path else None
        periods = set(obs["period"].map(lambda v: normalise_period(v) if pd.notna(v) else ""))
        for key, p in (("baseline", base), ("current", current)):
            if p not in periods:
                in_file = p == (self.baseline if key == "baseline" else self.current)
                where = {"file": file, "line": line_of(self.lines, (key,)), "column": key} if in_file else \
                    {"column": f"--{'period' if key == 'current' else 'baseline'}"}
                problems.append(Problem(f"{key} period {p} is not in the data (it has "
                                        f"{', '.join(sorted(periods))})", value=p, **where))
        for _, m in self.measures():
            if m.rule == "representation":
                continue  # measured against population shares, not observations (not built yet)
            at = (m.line,)
            rows = obs[obs["indicator"] == m.indicator]
            if rows.empty:
                problems.append(Problem(f"indicator '{m.indicator}' is not in the data; check its spelling",
                                        file=file, line=at[0], column="indicator", value=m.indicator))
                continue
            have = set(rows["period"].map(lambda v: normalise_period(v) if pd.notna(v) else ""))
            for key, p in (("baseline", base), ("current", current)):
                if p in periods and p not in have:  # in the file, but not for this measure's indicator
                    problems.append(Problem(f"indicator '{m.indicator}' has no data for the {key} period {p} (it "
                                            f"has {listing(sort_periods(list(have)))})", file=file, line=at[0],
                                            column="indicator", value=m.indicator))
            if m.reference:
                for ch, g in m.reference.items():
                    ref_groups = set(rows.loc[rows["characteristic"].astype(str) == str(ch), "group"].astype(str))
                    if str(g) not in ref_groups:
                        problems.append(Problem(
                            f"the reference group '{g}' ({ch}) is not in the data for indicator '{m.indicator}'"
                            f"{_hint(g, ref_groups)}" + (f"; its groups are {listing(sorted(ref_groups))}"
                                                          if ref_groups else f"; there is no characteristic '{ch}'"),
                            file=file, line=at[0], column="reference", value=str(g)))
            chars = set(rows["characteristic"].astype(str))
            for ch in m.characteristics or []:
                if ch not in chars:
                    hint = _hint(ch, chars)
                    problems.append(Problem(f"indicator '{m.indicator}' has no characteristic '{ch}'{hint}; it has "
                                            f"{listing(sorted(chars))}",
                                            file=file, line=at[0], column="characteristics", value=ch))
            if m.groups:
                groups = set(rows["group"].astype(str))
                for g in m.groups:
                    if g not in groups:
                        problems.append(Problem(f"indicator '{m.indicator}' has no group '{g}'{_hint(g, groups)}; "
                                                f"its groups are {listing(sorted(groups))}",
                                                file=file, line=at[0], column="groups", value=g))
        raise_if(problems, context=f"scheme {file or self.name}")


_EVAL_COLUMNS = ["objective_id", "objective", "measure_id", "measure", "rule", "indicator", "name", "characteristic",
                 "group", "comparator", "baseline", "current", "value_baseline", "value_current", "gap_baseline",
                 "gap_current", "gap_change", "gap_change_lower", "gap_change_upper", "all_baseline", "all_current",
                 "unit", "polarity", "population", "suppressed_baseline", "suppressed_current", "status", "rag",
                 "rag_label", "summary", "reason", "comparator_group", "gap_lower_baseline", "gap_upper_baseline",
                 "gap_lower_current", "gap_upper_current", "change_significant", "all_worse", "comparator_worse",
                 "min_change"]


def progress_key(indicator: str, comparator: str, reference, base: str, current: str, opts: dict, obs, indicators) -> tuple:
    """Cache key of a progress table: everything it depends on (data and metadata by identity)."""
    settings = tuple(sorted((k, repr(v)) for k, v in opts.items() if k != "adjust"))
    return (indicator, comparator, repr(reference), base, current, settings, id(obs), id(indicators))


def _progress_table(m: Measure, obs, base, current, indicators, opts, cache) -> pd.DataFrame:
    """The measure's progress table, unadjusted (adjustment is over the whole report's family)."""
    key = progress_key(m.indicator, m.comparator, m.reference, base, current, opts, obs, indicators)
    if key not in cache:
        cache[key] = progress(obs[obs["indicator"] == m.indicator], base, current, m.comparator, opts["level"],
                              reference=m.reference, strict=opts["strict"], indicators=indicators,
                              min_numerator=opts["min_numerator"], min_denominator=opts["min_denominator"])
    return cache[key]


def _selected(m: Measure, p: pd.DataFrame) -> pd.DataFrame:
    """The rows a measure reports: its characteristics and groups, never unknowns or a group against itself."""
    if m.characteristics:
        p = p[p["characteristic"].isin(m.characteristics)]
    if m.groups:
        p = p[p["group"].isin(m.groups)]
    else:  # records with no group recorded are not a group of people
        p = p[~p["group"].map(is_unknown_group)]
    return p[p["group"].astype(str) != p["comparator_group"].astype(str)]  # never a group against itself


def _row_keys(m: Measure, p: pd.DataFrame) -> list[tuple]:
    return [(m.indicator, m.comparator, repr(m.reference), a, c, g)
            for a, c, g in zip(p["area"], p["characteristic"], p["group"], strict=True)]


def _evaluate_measure(m: Measure, obs, base, current, indicators, opts, cache, family=None) -> pd.DataFrame:
    rows = _measure_rows(m, obs, base, current, indicators, opts, cache, family)
    rows["min_change"] = _min_change(m, opts)
    return rows


def _min_change(m: Measure, opts: dict) -> float | None:
    return m.min_change if m.min_change is not None else opts.get("min_change")


def _measure_rows(m: Measure, obs, base, current, indicators, opts, cache, family=None) -> pd.DataFrame:
    if m.rule == "representation":
        from .representation_measure import evaluate as representation_rows

        rows = representation_rows(m, obs, base, current, indicators, opts)
        return rows.reindex(columns=[c for c in _EVAL_COLUMNS if c not in ("objective_id", "objective")])
    if m.rule == "maintain_level":
        return _maintain_level(m, obs, base, current, indicators, opts)
    p = _selected(m, _progress_table(m, obs, base, current, indicators, opts, cache)).copy()
    if family is not None:
        p = rejudge(p, np.array([family[k] for k in _row_keys(m, p)], dtype=float), opts["level"])
    if m.rule == "improve_where_gap":
        p = _improve_where_gap(p, _min_change(m, opts))
    p["measure_id"], p["measure"], p["rule"] = m.id, m.title, m.rule
    return p.reindex(columns=[c for c in _EVAL_COLUMNS if c not in ("objective_id", "objective")])


def small_change_sentence(r: dict) -> str:
    """The sentence for a significant change smaller than the scheme's minimum: no clear change."""
    from .narrative import comparator_phrase, fmt_gap, group_phrase

    pop = r.get("population") or "people"
    who = group_phrase(r["characteristic"], r["group"], pop)
    vs = comparator_phrase(r["comparator"], r.get("comparator_group") or "", pop, r["characteristic"])
    unit = r.get("unit") or ""
    if not r.get("min_change"):
        return f"The gap between {who} and {vs} hardly moved ({fmt_gap(r['gap_current'], unit)} now): no clear change."
    moved = "widened" if r["gap_change"] > 0 else "narrowed"
    return (f"The gap between {who} and {vs} {moved} by {fmt_gap(abs(r['gap_change']), unit)}, less than the "
            f"{fmt_gap(r['min_change'], unit)} the scheme counts as a real change: no clear change.")


def _improve_where_gap(p: pd.DataFrame, min_change: float | None = None) -> pd.DataFrame:
    """For groups with a significant gap at baseline, did their own value improve (by at least ``min_change``)?"""
    d, lo, hi = mover_diff_ci(p["value_baseline"], p["lower_baseline"], p["upper_baseline"],
                              p["value_current"], p["lower_current"], p["upper_current"])
    higher = (p["polarity"] == "higher_is_better").to_numpy()
    big = np.abs(np.asarray(d, dtype=float)) >= (min_change or 0)
    better = np.where(higher, lo > 0, hi < 0) & big
    worse = np.where(higher, hi < 0, lo > 0) & big
    had_gap = (p["gap_lower_baseline"] > 0).to_numpy()
    keep = p["status"].isin(["insufficient_data", "not_comparable"]).to_numpy()
    status = np.select([keep, ~had_gap, better, worse], [p["status"], "no_gap", "improved", "worsened"], "not_improved")
    p = p.assign(status=status)
    summaries = []
    from .narrative import fmt_value, group_phrase

    for (_, r), s in zip(p.iterrows(), status, strict=True):
        who = group_phrase(r["characteristic"], r["group"], r["population"])
        who = who[0].upper() + who[1:]
        v0, v1 = fmt_value(r["value_baseline"], r["unit"]), fmt_value(r["value_current"], r["unit"])
        vals = f"from {v0} to {v1}"
        if s == "improved":
            summaries.append(f"{who} had a gap in {r['baseline']}, and their {r['name']} improved {vals}: met.")
        elif s == "worsened":
            summaries.append(f"{who} had a gap in {r['baseline']}, and their {r['name']} got worse {vals}.")
        elif s == "not_improved":
            went = f"stayed at {v1}" if v0 == v1 else f"went {vals}"
            summaries.append(f"{who} had a gap in {r['baseline']}, and their {r['name']} {went}: "
                             "no clear improvement.")
        elif s == "no_gap":
            summaries.append(f"{who} had no clear gap in {r['baseline']}, so this measure does not apply to them.")
        else:
            summaries.append(r["summary"])
    p["summary"] = summaries
    return p


def _maintain_level(m: Measure, obs, base, current, indicators, opts) -> pd.DataFrame:
    from .gaps import prepare
    from .narrative import fmt_value

    sub = obs[(obs["indicator"] == m.indicator) & (obs["group"] == ALL)]
    sub = sub[sub["period"].map(normalise_period).isin([base, current])]
    clean = prepare(sub, indicators=indicators, min_numerator=opts["min_numerator"],
                    min_denominator=opts["min_denominator"])
    est = estimate(clean, opts["level"]).set_index("period")
    row = {"measure_id": m.id, "measure": m.title, "rule": m.rule, "indicator": m.indicator,
           "characteristic": ALL, "group": ALL, "comparator": "baseline", "baseline": base, "current": current}
    if base not in est.index or current not in est.index or not np.isfinite(est.loc[[base, current], "est"]).all():
        return pd.DataFrame([{**row, "status": "insufficient_data", "reason": "no whole-population figure at both ends",
                              "summary": f"There is not enough data to check {m.indicator}."}])
    b, c = est.loc[base], est.loc[current]
    d, lo, hi = mover_diff_ci(b["est"], b["est_lower"], b["est_upper"], c["est"], c["est_lower"], c["est_upper"])
    higher = c["polarity"] == "higher_is_better"
    sig_worse = (bool(hi < 0) if higher else bool(lo > 0)) and abs(float(d)) >= (_min_change(m, opts) or 0)
    below = m.level is not None and (c["est"] < m.level if higher else c["est"] > m.level)
    status = "below_level" if (below or sig_worse) else "level_maintained"
    unit = c["unit"]
    vals = f"{fmt_value(b['est'], unit)} in {base} and {fmt_value(c['est'], unit)} in {current}"
    target = f" (the level to keep is {fmt_value(m.level, unit)})" if m.level is not None else ""
    label = c["name"][0].upper() + c["name"][1:]
    if status == "level_maintained":
        summary = f"{label}: {vals}{target}. Level maintained."
    elif below:
        summary = f"{label}: {vals}, {'below' if higher else 'above'} the level to keep{target}."
    else:
        # a rise is the worse way for a lower-is-better measure
        summary = f"{label}: {vals}. " + ("This is a significant fall." if higher
                                           else "This is a significant rise, which is worse.")
    return pd.DataFrame([{**row, "name": c["name"], "value_baseline": b["est"], "value_current": c["est"],
                          "all_baseline": b["est"], "all_current": c["est"], "unit": unit, "polarity": c["polarity"],
                          "population": c["population"], "status": status, "summary": summary,
                          "reason": "change from baseline " + f"{fmt_signed(float(d))} ({fmt_signed(float(lo))} to {fmt_signed(float(hi))})"}])


def _measure(rm: dict, mp: tuple, oid: str, j: int, problem, known: set[str] | None, lines) -> Measure | None:
    indicator = rm.get("indicator")
    if not indicator:
        problem("every measure needs an 'indicator'", mp)
        return None
    indicator = str(indicator)
    if known is not None and indicator not in known and rm.get("rule") != "representation":
        problem(f"unknown indicator '{indicator}'{_hint(indicator, known)}", mp + ("indicator",), indicator)
    rule = str(rm.get("rule", "gap_not_widen"))
    if rule not in RULES:
        problem(f"unknown rule '{rule}'{_hint(rule, RULES)}; rules are {', '.join(RULES)}", mp + ("rule",), rule)
    comparator = str(rm.get("comparator", "overall"))
    if comparator not in COMPARATORS:
        problem(f"unknown comparator '{comparator}'; use one of {', '.join(COMPARATORS)}", mp + ("comparator",), comparator)
    if comparator == "reference" and not rm.get("reference"):
        problem("comparator 'reference' needs 'reference', e.g. {ethnicity: White British}", mp + ("comparator",))
    chars = rm.get("characteristics", rm.get("characteristic"))
    chars = [chars] if isinstance(chars, str) else chars
    groups = rm.get("groups")
    if groups in (None, "all", "All groups", "all groups"):
        groups = None
    elif isinstance(groups, str):
        groups = [groups]
    for num in ("level", "tolerance"):
        if num in rm and not isinstance(rm[num], int | float):
            problem(f"'{num}' must be a number", mp + (num,), rm[num])
    if rule == "representation" and "tolerance" not in rm:
        problem("a representation measure needs a 'tolerance' (percentage points)", mp)
    mid = str(rm.get("id") or f"{oid}_{j + 1}")
    return Measure(id=mid, title=str(rm.get("title") or indicator.replace("_", " ")), indicator=indicator, rule=rule,
                   characteristics=[str(c) for c in chars] if chars else None,
                   groups=[str(g) for g in groups] if groups else None, comparator=comparator,
                   reference=rm.get("reference"), level=rm.get("level"), tolerance=rm.get("tolerance"),
                   line=line_of(lines, mp), population_shares=rm.get("population_shares"),
                   min_change=rm.get("min_change"), council=_council(rm, mp, problem))


def _council(raw: dict, kp: tuple, problem) -> dict[str, str]:
    """The council's own words (lead officer, actions, commentary): text, kept as written; a list, one per line."""
    out = {}
    for key in COUNCIL_KEYS:
        value = raw.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
            value = "\n".join(str(v) for v in value)
        if not isinstance(value, str | int | float):
            problem(f"'{key}' must be text (or a list of lines)", kp + (key,))
            continue
        out[key] = str(value).strip()
    return out


def _known_indicators(indicators: IndicatorsLike, data: dict, path: Path) -> set[str] | None:
    source = indicators
    if source is None:
        ref = data.get("indicators")
        if ref == "demo":
            from . import demo

            source = demo.indicators()
        elif ref:
            p = Path(ref)
            source = p if p.is_absolute() else path.parent / p
    if source is None:
        return None
    try:
        return set(load_indicators(source)["indicator"])
    except EvidenceError:
        return None  # reported when the data are loaded


def _areas(obs: pd.DataFrame) -> list[str]:
    if "area" not in obs:
        return []
    return sorted(a for a in obs["area"].dropna().astype(str).str.strip().unique() if a)


def _area_mask(obs: pd.DataFrame, name: str) -> pd.Series:
    """Rows whose area name or code is ``name`` (ignoring case and spaces)."""
    want = str(name).strip().lower()
    mask = pd.Series(False, index=obs.index)
    for col in ("area", "area_code"):
        if col in obs:
            mask |= obs[col].astype(str).str.strip().str.lower() == want
    return mask


def _hint(word: str, options) -> str:
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-") or "scheme"
