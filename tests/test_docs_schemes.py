"""docs/schemes.md documents every key the scheme schema allows."""

from __future__ import annotations

from conftest import REPO
from evidence.schemaspec import schema


def _keys(node: dict, defs: dict, seen: set[str]) -> set[str]:
    out = set()
    for key, sub in (node.get("properties") or {}).items():
        out.add(key)
        for alt in [sub, *(sub.get("oneOf") or []), *([sub["items"]] if isinstance(sub.get("items"), dict) else [])]:
            ref = alt.get("$ref") or (alt.get("items") or {}).get("$ref") if isinstance(alt, dict) else None
            if ref and ref not in seen:
                seen.add(ref)
                out |= _keys(defs[ref.split("/")[-1]], defs, seen)
            elif isinstance(alt, dict) and alt.get("properties"):
                out |= _keys(alt, defs, seen)
    return out


def test_every_schema_key_is_documented():
    s = schema()
    keys = _keys(s, s["$defs"], set())
    text = (REPO / "docs" / "schemes.md").read_text(encoding="utf-8")
    assert len(keys) > 50
    missing = sorted(k for k in keys if f"`{k}`" not in text)
    assert not missing, missing


def test_documented_example_is_a_valid_scheme(tmp_path):
    import re

    import evidence as ev

    text = (REPO / "docs" / "schemes.md").read_text(encoding="utf-8")
    example = re.search(r"## An example\n\n```yaml\n(.*?)```", text, re.S).group(1)
    (tmp_path / "scheme.yaml").write_text(example)
    s = ev.Scheme.from_yaml(tmp_path / "scheme.yaml")
    assert s.area == "Barnet" and s.comparator_areas == ["England", "London"] and s.measures()
