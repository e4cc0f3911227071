"""The scheme file's JSON Schema: shipped with the package, used to check every scheme.

``schemes/scheme.schema.json`` describes every key a scheme may have, with its
type and allowed values, so an editor with YAML support (VS Code's YAML
extension, PyCharm) can complete and check a scheme as it is typed: add
``# yaml-language-server: $schema=<path to scheme.schema.json>`` as the first
line. :func:`check` turns the schema's findings into :class:`Problem` s naming
the line and key, in plain words.
"""

from __future__ import annotations

import difflib
import functools
import json
from pathlib import Path
from typing import Any

from .errors import Problem
from .yamlfile import line_of

SCHEMA_PATH = Path(__file__).parent / "schemes" / "scheme.schema.json"


@functools.cache
def schema() -> dict[str, Any]:
    """The scheme JSON Schema (draft 2020-12) as a dict.

    Examples
    --------
    >>> sorted(schema()["required"])
    ['baseline', 'name', 'objectives']
    """
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def check(raw: Any, lines: dict[tuple, int], file: str | None = None) -> list[Problem]:
    """Every way ``raw`` (a parsed scheme) breaks the schema, as problems naming line and key.

    Examples
    --------
    >>> probs = check({"name": "x", "baseline": "2019", "objectives": [], "levle": 0.9}, {("levle",): 5})
    >>> [(p.line, p.message) for p in probs]  # doctest: +NORMALIZE_WHITESPACE
    [(5, "unknown key 'levle' (did you mean 'level'?)"),
     (None, "'objectives' must list at least one item")]
    """
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema())
    problems: list[Problem] = []
    seen: set[tuple] = set()
    for error in sorted(validator.iter_errors(raw), key=lambda e: [str(p) for p in e.absolute_path]):
        for path, message, value in _explain(error):
            key = (path, message)
            if key in seen:
                continue
            seen.add(key)
            problems.append(Problem(message, file=file, line=line_of(lines, path),
                                    column=".".join(str(k) for k in path) or None, value=value))
    return problems


def _explain(error) -> list[tuple[tuple, str, str | None]]:
    path = tuple(error.absolute_path)
    name = str(path[-1]) if path and not isinstance(path[-1], int) else (".".join(map(str, path)) or "the scheme")
    v, inst, sch = error.validator, error.instance, error.schema
    if v == "additionalProperties":
        allowed = sorted(sch.get("properties", {}))
        out = []
        for key in inst:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f"; keys here are {', '.join(allowed)}"
                out.append((path + (key,), f"unknown key '{key}'{hint}", None))
        return out
    if v == "oneOf":
        deeper = [e for e in (error.context or []) if e.validator != "type"]
        if deeper:
            return [x for e in deeper for x in _explain(e)]
        return [(path, f"'{name}' must be {_expected(sch)}", _short(inst))]
    if v == "enum":
        allowed = [a for a in error.validator_value if a is not None]
        close = difflib.get_close_matches(str(inst), [str(a) for a in allowed], n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        label = {"rule": "rule", "comparator": "comparator"}.get(name, f"value for '{name}'")
        return [(path, f"unknown {label} '{inst}'{hint}; use one of {', '.join(map(str, allowed))}", None)]
    if v == "type":
        return [(path, f"'{name}' must be {_expected(sch)}", _short(inst))]
    if v == "required":
        missing = [k for k in error.validator_value if k not in inst]
        return [(path, f"'{k}' is required" + (f" in {name}" if path else ""), None) for k in missing]
    if v == "minItems":
        return [(path, f"'{name}' must list at least one item", None)]
    if v in ("exclusiveMinimum", "exclusiveMaximum", "minimum", "maximum"):
        if name == "level" and path[:1] == ("level",):
            return [(path, "'level' is a confidence level: a fraction between 0 and 1, e.g. 0.95", _short(inst))]
        lo = sch.get("minimum", sch.get("exclusiveMinimum"))
        return [(path, f"'{name}' must be at least {lo}" if lo is not None else f"'{name}' is out of range",
                 _short(inst))]
    if v == "pattern":
        return [(path, f"'{name}' may hold only letters, digits, - and _", _short(inst))]
    if v == "uniqueItems":
        return [(path, f"'{name}' lists the same item twice", None)]
    return [(path, f"'{name}': {error.message}", None)]


def _expected(sch: dict) -> str:
    words = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
             "array": "a list", "object": "a mapping (key: value lines)", "null": "left empty"}
    alts = sch.get("oneOf") or [sch]
    kinds = []
    for a in alts:
        if "$ref" in a:
            kinds.append("a mapping (key: value lines)")
            continue
        t = a.get("type")
        for one in ([t] if isinstance(t, str) else t or []):
            kinds.append("a list of text" if one == "array" and a.get("items", {}).get("type") == "string"
                         else words[one])
    kinds = list(dict.fromkeys(kinds))
    return " or ".join(kinds) if kinds else "a valid value"


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."
