"""The scheme's JSON Schema: shipped, used, and naming the line of every problem."""

from __future__ import annotations

import json

import pytest

import evidence as ev
from evidence.readers import FORMATS, options_of
from evidence.schemaspec import SCHEMA_PATH, schema
from evidence.scheme import Scheme

GOOD = """name: Test scheme
baseline: "2018"
current: "2024"
objectives:
  - id: employment
    title: Close the employment gap
    measures:
      - indicator: employment_rate
        characteristics: [disability]
        groups: [Disabled]
        comparator: rest
"""


def _load(tmp_path, text):
    path = tmp_path / "scheme.yaml"
    path.write_text(text)
    return Scheme.from_yaml(path)


def _error(tmp_path, text) -> str:
    with pytest.raises(ev.EvidenceError) as exc:
        _load(tmp_path, text)
    return str(exc.value)


def test_schema_ships_and_is_valid_json_schema():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text()))
    assert SCHEMA_PATH.parent.name == "schemes"


def test_every_read_option_is_in_the_schema():
    options = {o for f in FORMATS for o in options_of(f)} - {"indicators"}  # indicators: the scheme's own key
    source = set(schema()["$defs"]["source"]["properties"])
    assert options <= source, options - source


def test_keys_agreed_with_other_helpers_are_accepted(tmp_path):
    text = GOOD.replace("name: Test scheme", "name: Test scheme\narea: Barnet\ncomparator_areas: [England, London]\n"
                        "contact: {name: Equalities team, email: eq@example.gov.uk, phone: '020 0000 0000'}\n"
                        "min_change: 1.5")
    text = text.replace("    title: Close the employment gap", "    title: Close the employment gap\n"
                        "    lead_officer: Head of Employment\n    commentary: On track.\n"
                        "    actions_taken: [Job fair]\n    planned_actions: Mentoring scheme")
    text += "        min_change: 2\n        lead_officer: Jobs lead\n        commentary: Fine.\n" \
            "        actions_taken: Ran a pilot\n        planned_actions: [Expand it]\n"
    s = _load(tmp_path, text)
    assert s.area == "Barnet" and s.comparator_areas == ["England", "London"]
    assert s.raw["contact"]["email"] == "eq@example.gov.uk"


@pytest.mark.parametrize("old,new,line,words", [
    ("current: \"2024\"", "current: \"2024\"\nlevel: 95", 4, ["'level' is a confidence level", "0.95"]),
    ("current: \"2024\"", "current: \"2024\"\nstrict: perhaps", 4, ["'strict' must be true or false"]),
    ("current: \"2024\"", "current: \"2024\"\nmin_numerator: five", 4, ["'min_numerator' must be a whole number"]),
    ("current: \"2024\"", "current: \"2024\"\nlevle: 0.9", 4, ["unknown key 'levle' (did you mean 'level'?)"]),
    ("        comparator: rest", "        comparator: rest\n        tolerence: 2", 12,
     ["unknown key 'tolerence' (did you mean 'tolerance'?)"]),
    ("        groups: [Disabled]", "        groups: {Disabled: yes}", 10, ["'groups' must be text or a list"]),
    ("objectives:\n", "data:\n  observations:\n    - path: x.csv\n      filter: {a: b}\nobjectives:\n", 7,
     ["unknown key 'filter' (did you mean 'filters'?)"]),
])
def test_schema_problems_name_line_and_key(tmp_path, old, new, line, words):
    msg = _error(tmp_path, GOOD.replace(old, new, 1))
    assert f"line {line}" in msg, msg
    for w in words:
        assert w in msg, msg


def test_duplicate_objectives_key_is_an_error_not_a_silent_drop(tmp_path):
    text = GOOD + "objectives:\n  - id: other\n    title: Another\n    measures:\n      - indicator: x\n"
    msg = _error(tmp_path, text)
    assert "key 'objectives' is given twice" in msg and "line 12" in msg and "first on line 4" in msg


def test_alias_bomb_is_refused_quickly(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(10))
    msg = _error(tmp_path, bomb)
    assert "aliases" in msg and "line 2" in msg


def test_python_tags_are_refused(tmp_path):
    msg = _error(tmp_path, GOOD.replace("name: Test scheme", "name: !!python/object/apply:os.getcwd []"))
    assert "tag !!python/object/apply:os.getcwd is not allowed" in msg and "line 1" in msg
