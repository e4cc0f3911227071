"""Safe notebook parameters: each bad parameter gives one message naming it and the fix."""

from __future__ import annotations

import pytest

import evidence as ev
from evidence.parameters import check_parameters, unquoted_period


@pytest.fixture(scope="module")
def obs():
    return ev.demo.observations()


def _message(params, **kw) -> str:
    with pytest.raises(ev.EvidenceError) as info:
        check_parameters(params, **kw)
    return str(info.value)


def test_good_parameters_pass_cleaned(obs, tmp_path):
    (tmp_path / "data.csv").write_text("x\n")
    out = check_parameters({"period": 2024, "baseline": "2018", "indicator": "grade5_eng_maths",
                            "characteristic": ["free_school_meals", "sex"], "comparator": "overall", "level": 0.9,
                            "observations_path": "data.csv", "output_dir": "out", "strict": None, "other": 3},
                           obs=obs, base=tmp_path)
    assert out["period"] == "2024" and out["level"] == 0.9 and out["other"] == 3
    assert out["observations_path"] == str(tmp_path.resolve() / "data.csv")
    assert out["output_dir"] == str(tmp_path.resolve() / "out")  # made by the run: need not exist


def test_period_typed_as_a_number():
    # Python divides 2024/25 typed without quotes: 80.96
    assert unquoted_period(2024 / 25) == "2024/25" and unquoted_period(1999 / 0.5) is None
    msg = _message({"period": 2024 / 25})
    assert 'write the period in quotes: period = "2024/25"' in msg and "80.96" in msg


def test_period_typed_with_a_dash_is_subtracted(obs):
    data = obs.assign(period=obs["period"].map(lambda p: f"{p}-{int(p[2:]) + 1:02d}"))  # 2018-19 ...
    msg = _message({"baseline": 2018 - 19}, obs=data)
    assert 'write the period in quotes: baseline = "2018-19"' in msg


def test_period_not_in_the_data(obs):
    msg = _message({"current": "2025"}, obs=obs)
    assert "current '2025' is not in the data" in msg and '"2018"' in msg and '"2024"' in msg


def test_misspelt_indicator_and_characteristic(obs):
    msg = _message({"indicator": "grade5_eng_math", "characteristics": ["sex", "Free school meals"]}, obs=obs)
    assert """indicator: 'grade5_eng_math' is not an indicator in the data. Did you mean "grade5_eng_maths"?""" in msg
    assert 'Did you mean "free_school_meals"?' in msg
    assert msg.startswith("2 problems found in the notebook's parameters")


def test_unknown_comparator_and_reference_group(obs):
    msg = _message({"comparator": "refrence", "reference": {"ethnicity": "White Britsh"}}, obs=obs)
    assert """comparator: 'refrence' is not a comparator. Did you mean "reference"?""" in msg
    assert 'Did you mean "White British"?' in msg


def test_path_that_does_not_exist_shows_the_absolute_path(tmp_path):
    msg = _message({"observations_path": "data/missing.csv"}, base=tmp_path)
    assert f"there is no file at {tmp_path.resolve() / 'data' / 'missing.csv'}" in msg
    assert f"read from {tmp_path.resolve()}" in msg


@pytest.mark.parametrize("level, fix", [(95, "level = 0.95"), (0, "level = 0.95"), (1.0, "level = 0.95"),
                                        (90, "level = 0.9"), (1.5, "level = 0.95"),
                                        ("0.95", "write level = 0.95")])
def test_level_outside_zero_to_one(level, fix):
    assert fix in _message({"level": level})


def test_other_types(obs):
    msg = _message({"strict": "yes", "min_numerator": 2.5, "indicator": 3, "adjust": "bonferroni"}, obs=obs)
    assert "strict must be True, False or None" in msg and "min_numerator must be a whole number" in msg
    assert "indicator must be text in quotes" in msg and "adjust: 'bonferroni' is not an adjustment" in msg


def test_workforce_snapshot_date_and_smallest_group():
    assert check_parameters({"snapshot": "2024-03-31", "min_n": 10}) == {"snapshot": "2024-03-31", "min_n": 10}
    msg = _message({"snapshot": 2024 - 3 - 31, "min_n": 2.5})  # a date typed without quotes: 1990
    assert 'snapshot is the number 1990, not a date' in msg and 'snapshot = "2024-03-31"' in msg
    assert "min_n must be a whole number of people, 0 or more, not 2.5: write for example min_n = 10" in msg
    assert "snapshot 'end of March' is not a date" in _message({"snapshot": "end of March"})
