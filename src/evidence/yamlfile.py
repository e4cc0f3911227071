"""Read YAML while remembering the line of every key, so errors can name it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, raise_if

Path_ = tuple[Any, ...]


def load_with_lines(path: str | Path) -> tuple[Any, dict[Path_, int]]:
    """Parse a YAML file into Python objects plus ``{key path: line number}``.

    Key paths are tuples such as ``("objectives", 0, "measures", 1, "rule")``;
    line numbers are 1-based, as an editor shows them.

    Raises
    ------
    EvidenceError
        When the file is missing or is not valid YAML (naming the line).

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "s.yaml")
    >>> _ = open(f, "w").write("name: x\\nobjectives:\\n  - id: a\\n")
    >>> data, lines = load_with_lines(f)
    >>> lines[("objectives", 0, "id")]
    3
    """
    p = Path(path)
    if not p.exists():
        raise_if([Problem("file not found; check the path", file=str(path))])
    text = p.read_text(encoding="utf-8-sig")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise_if([Problem(f"not valid YAML: {getattr(exc, 'problem', exc)}; check indentation and quotes",
                          file=str(path), line=line)])
    lines: dict[Path_, int] = {}
    data = _convert(node, (), lines) if node is not None else None
    return data, lines


def _convert(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = key_node.value
            lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _convert(value_node, path + (key,), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, path + (i,), lines) for i, v in enumerate(node.value)]
    return yaml.SafeLoader("").construct_object(node)  # scalars: ints, floats, booleans, dates, text


def line_of(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of ``path``, or of its nearest parent that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())
