"""Read YAML while remembering the line of every key, so errors can name it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, raise_if

Path_ = tuple[Any, ...]


_STANDARD_TAGS = {"tag:yaml.org,2002:" + t for t in ("map", "seq", "str", "int", "float", "bool", "null",
                                                       "timestamp", "binary", "omap", "set", "merge", "value")}


def load_with_lines(path: str | Path, what: str = "YAML file") -> tuple[Any, dict[Path_, int]]:
    """Parse a YAML file into Python objects plus ``{key path: line number}``.

    Key paths are tuples such as ``("objectives", 0, "measures", 1, "rule")``;
    line numbers are 1-based, as an editor shows them. The file is read
    safely: no Python tags (``!!python/...``), no aliases (``*name``: a dozen
    lines of them can expand to gigabytes), and a key given twice in one
    mapping is an error rather than the last one silently winning.

    Raises
    ------
    EvidenceError
        When the file is missing, is not valid YAML, or uses a duplicate key,
        an alias or a tag (each naming the line).

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
    file = str(path)
    if not p.exists():
        raise_if([Problem("file not found; check the path", file=file)])
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise_if([Problem(f"this {what} is not UTF-8 text; save it as UTF-8", file=file)])
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):  # events first: an alias is refused unexpanded
            if isinstance(event, yaml.AliasEvent):
                raise_if([Problem(f"YAML aliases (*{event.anchor}) are not allowed in a {what}; write the value "
                                  "out in full", file=file, line=event.start_mark.line + 1)])
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise_if([Problem(f"not valid YAML: {getattr(exc, 'problem', exc)}; check indentation and quotes",
                          file=file, line=line)])
    lines: dict[Path_, int] = {}
    problems: list[Problem] = []
    data = _convert(node, (), lines, problems, file) if node is not None else None
    raise_if(problems, context=what)
    return data, lines


def load_yaml(path: str | Path, what: str = "YAML file") -> Any:
    """The content of a YAML file, read as safely as :func:`load_with_lines` reads it.

    Examples
    --------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "m.yaml")
    >>> _ = open(f, "w").write("a: 1\\na: 2\\n")
    >>> try:
    ...     load_yaml(f)
    ... except Exception as exc:
    ...     print("line 2" in str(exc) and "twice" in str(exc))
    True
    """
    return load_with_lines(path, what)[0]


def _convert(node: yaml.Node, path: Path_, lines: dict[Path_, int], problems: list[Problem], file: str) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if node.tag not in _STANDARD_TAGS:
        problems.append(Problem(f"the tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed; write "
                                "plain values (text, numbers, lists, mappings)", file=file,
                                line=node.start_mark.line + 1))
        return None
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in out:
                problems.append(Problem(f"key '{key}' is given twice in the same mapping (first on line "
                                        f"{lines[path + (key,)]}); keep one, or the first would be ignored",
                                        file=file, line=line, column=".".join(map(str, path + (key,)))))
                continue
            lines[path + (key,)] = line
            out[key] = _convert(value_node, path + (key,), lines, problems, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, path + (i,), lines, problems, file) for i, v in enumerate(node.value)]
    try:
        return yaml.SafeLoader("").construct_object(node)  # scalars: ints, floats, booleans, dates, text
    except yaml.YAMLError as exc:
        problems.append(Problem(f"not a valid value: {getattr(exc, 'problem', exc)}", file=file,
                                line=node.start_mark.line + 1))
        return None


def line_of(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of ``path``, or of its nearest parent that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())
