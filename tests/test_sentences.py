"""Table-wide wording (evidence.sentences) says word for word what the row-wise functions say."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import evidence as ev
from evidence.narrative import progress_sentence, round_half_up
from evidence.progress import STATUSES, _status, _status_rowwise
from evidence.screen import _finding, findings
from evidence.sentences import number_text, per_distinct, progress_sentences, rounded


def test_rounding_matches_round_half_up_on_halves_and_signs():
    x = np.array([47.25, 0.15, 0.25, -0.05, -0.04, -0.0, 0.0, 2.675, 1e6 + 0.05, 12.35, -12.35, 99.95, 1 / 3])
    assert [float(v) for v in rounded(x)] == [round_half_up(v) for v in x]
    assert np.signbit(rounded(x)).tolist() == [np.signbit(round_half_up(v)) for v in x]
    assert number_text(np.array([1234.25, -0.04, np.nan, 5.0])).tolist() == ["1,234.3", "-0.0", "not available", "5.0"]


def test_rounding_matches_on_random_values():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 30, 3000), np.round(rng.normal(0, 30, 3000), 2), rng.integers(-999, 999, 500) / 20])
    assert number_text(x).tolist() == [f"{round_half_up(v):,.1f}" for v in x]


def test_per_distinct_calls_once_per_combination_and_keeps_missing_apart():
    calls = []

    def f(a, b):
        calls.append((a, b))
        return f"{a}|{b}"

    out = per_distinct(f, np.array(["x", "x", None, "y"], dtype=object), np.array([1, 1, 1, np.nan], dtype=object))
    assert out.tolist() == ["x|1", "x|1", "None|1", "y|nan"] and len(calls) == 3


def _perturbed(p: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Progress rows pushed into every branch: each status, missing figures, gaps either side of zero, ties."""
    rng = np.random.default_rng(seed)
    q = pd.concat([p] * 4, ignore_index=True)
    n = len(q)
    q["status"] = rng.choice(list(STATUSES) + ["something_else"], n)
    for col in ("gap_baseline", "gap_current", "all_baseline", "all_current", "comparator_value_baseline",
                "value_baseline", "all_change_lower", "all_change_upper", "group_change_lower", "gap_upper_current"):
        v = q[col].to_numpy(dtype=float).copy()
        pick = rng.random(n)
        v = np.where(pick < 0.1, np.nan, np.where(pick < 0.2, -v, np.where(pick < 0.25, 0.05, v)))
        v = np.where(pick > 0.95, np.round(v, 2) + 0.05, v)
        q[col] = v
    q["all_worse"] = pd.array(rng.choice([True, False, None], n), dtype="boolean")
    q["comparator_worse"] = pd.array(rng.choice([True, False, None], n), dtype="boolean")
    q["comparator"] = rng.choice(["overall", "rest", "reference", "best"], n)
    q["reason"] = np.where(rng.random(n) < 0.2, None, q["reason"].astype(object))
    q["unit"] = rng.choice(["%", "points", "", "years"], n)
    q["population"] = rng.choice(["pupils", "", "residents"], n)
    return q


@pytest.mark.parametrize("comparator", ["overall", "rest", "best", "reference"])
def test_progress_wording_and_status_equal_row_by_row_on_the_demo(comparator):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = ev.progress(ev.demo.observations(), "2018", "2024", comparator, indicators=ev.demo.indicators(),
                        reference="White British" if comparator == "reference" else None)
    assert p["summary"].tolist() == [progress_sentence(r) for _, r in p.iterrows()]
    status, reason = _status(p)
    assert (status.tolist(), reason.tolist()) == _status_rowwise(p)
    q = _perturbed(p, seed=len(comparator))
    assert progress_sentences(q).tolist() == [progress_sentence(r) for _, r in q.iterrows()]
    # statuses from perturbed figures: every rule's branch, including missing ends and suppression
    q["suppressed_current"] = np.random.default_rng(1).random(len(q)) < 0.1
    q["change_significant"] = np.random.default_rng(2).random(len(q)) < 0.6
    q["gap_change"] = q["gap_current"] - q["gap_baseline"]
    q["gap_lower_baseline"] = q["gap_baseline"] - 1.0
    status, reason = _status(q)
    want = _status_rowwise(q)
    assert status.tolist() == want[0] and reason.tolist() == want[1]
    assert len(set(want[0])) >= 6


def test_screen_findings_equal_row_by_row():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = ev.screen(ev.demo.observations(), "2024", indicators=ev.demo.indicators())
    assert s["finding"].tolist() == [_finding(r) for _, r in s.iterrows()]
    s = pd.concat([s] * 3, ignore_index=True)
    s["flag"] = np.random.default_rng(0).choice(["suppressed", "no value", "disadvantaged", "advantaged",
                                                 "no interval", "no clear gap"], len(s))
    s["gap"] = np.where(np.arange(len(s)) % 7 == 0, -s["gap"], s["gap"])
    assert findings(s).tolist() == [_finding(r) for _, r in s.iterrows()]
