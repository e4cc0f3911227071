"""Relative likelihoods against the WRES/WDES worked examples in research/metrics.md."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import evidence as ev
from evidence.likelihood import relative_likelihood


def _people(counts: dict[str, tuple[int, int]], at: str, to: str, by: str = "ethnicity") -> pd.DataFrame:
    """Person records from (at risk, outcome) counts per group."""
    rows = []
    for g, (n, x) in counts.items():
        rows += [{by: g, at: True, to: i < x} for i in range(n)]
    return pd.DataFrame(rows)


def test_w2_wres2_white_relative_to_bme_with_not_stated_excluded():
    recs = _people({"White": (200, 50), "BME": (100, 15), "Not stated": (30, 5)}, "shortlisted", "appointed")
    r = relative_likelihood(recs, ["shortlisted", "appointed"], "ethnicity", reference="White",
                            direction="reference").set_index("group")
    bme = r.loc["BME"]
    assert bme["likelihood"] == pytest.approx(0.15) and bme["reference_likelihood"] == pytest.approx(0.25)
    assert bme["wres_ratio"] == pytest.approx(1.6667, abs=1e-4) and f"{bme['wres_ratio']:.2f}" == "1.67"
    assert bme["excluded"] == 30 and "Not stated" not in r.index
    # Katz interval for BME / White = 0.6, by hand: SE = sqrt(1/15 - 1/100 + 1/50 - 1/200)
    se = math.sqrt(1 / 15 - 1 / 100 + 1 / 50 - 1 / 200)
    assert bme["relative_likelihood"] == pytest.approx(0.6)
    assert (bme["lower"], bme["upper"]) == pytest.approx((0.6 * math.exp(-1.959964 * se), 0.6 * math.exp(1.959964 * se)),
                                                         rel=1e-5)
    assert bme["flag"] == "no_clear_difference"  # the interval 0.355 to 1.013 includes 1
    assert not bme["within_four_fifths"]


def test_w3_disciplinary_single_year_and_pooled_two_years():
    recs = _people({"BME": (400, 8), "White": (1600, 16)}, "in_post", "disciplinary")
    r = relative_likelihood(recs, ["in_post", "disciplinary"], "ethnicity", reference="White", adverse="high")
    bme = r.set_index("group").loc["BME"]
    assert bme["relative_likelihood"] == pytest.approx(2.0) and not bme["within_four_fifths"]
    counts = pd.DataFrame({"ethnicity": ["BME", "BME", "White", "White"], "year": [1, 2, 1, 2],
                           "in_post": [380, 420, 1550, 1650], "disciplinary": [6, 10, 14, 18]})
    pooled = relative_likelihood(counts, ["in_post", "disciplinary"], "ethnicity", adverse="high")
    assert pooled.set_index("group").loc["BME", "relative_likelihood"] == pytest.approx(2.0000)  # not 1.9858


def test_w4_training_on_the_four_fifths_boundary_and_wdes2():
    recs = pd.DataFrame({"ethnicity": ["White", "BME"], "in_post": [1600, 400], "training": [800, 160]})
    r = relative_likelihood(recs, ["in_post", "training"], "ethnicity", direction="reference").set_index("group")
    assert r.loc["BME", "wres_ratio"] == pytest.approx(1.25) and r.loc["BME", "within_four_fifths"]
    assert r.loc["BME", "flag"] == "adverse"  # BME staff significantly less likely to get training
    wdes = pd.DataFrame({"disability": ["Not disabled", "Disabled"], "shortlisted": [120, 20], "appointed": [30, 4]})
    w = relative_likelihood(wdes, ["shortlisted", "appointed"], "disability", direction="reference", min_count=0)
    assert w.set_index("group").loc["Disabled", "wres_ratio"] == pytest.approx(1.25)


def test_maternity_returners_over_represented_among_voluntary_redundancies():
    recs = _people({True: (100, 12), False: (2900, 88)}, "in_post", "voluntary_redundancy", by="maternity_return")
    r = relative_likelihood(recs, ["in_post", "voluntary_redundancy"], "maternity_return", adverse="high")
    yes = r.set_index("group").loc["Yes"]
    assert yes["reference"] == "No"
    assert yes["relative_likelihood"] == pytest.approx(0.12 / (88 / 2900))  # 3.95 times as likely
    assert yes["flag"] == "adverse"
    assert yes["share_at_risk"] == pytest.approx(100 / 3000 * 100) and yes["share_of_outcome"] == pytest.approx(12.0)


def test_three_stages_need_every_earlier_stage():
    recs = pd.DataFrame({"sex": ["Male"] * 40 + ["Female"] * 40, "applied": True,
                         "shortlisted": [True] * 20 + [False] * 20 + [True] * 20 + [False] * 20,
                         "appointed": [True] * 10 + [False] * 30 + [True] * 5 + [False] * 15 + [True] * 10 + [False] * 10})
    r = relative_likelihood(recs, ["applied", "shortlisted", "appointed"], "sex")
    f = r[(r["group"] == "Female") & (r["to_stage"] == "appointed")].iloc[0]
    assert (f["at_risk"], f["outcome"]) == (20, 5)  # appointed without being shortlisted does not count
    assert f["relative_likelihood"] == pytest.approx(0.25 / 0.5)


def test_small_groups_are_not_shown_and_zero_counts_are_noted():
    recs = _people({"White": (500, 50), "Roma": (8, 1), "Arab": (40, 0)}, "in_post", "left")
    r = relative_likelihood(recs, ["in_post", "left"], "ethnicity", reference="White", adverse="high").set_index("group")
    assert r.loc["Roma", "suppressed"] and np.isnan(r.loc["Roma", "relative_likelihood"]) and np.isnan(r.loc["Roma", "outcome"])
    assert r.loc["Arab", "relative_likelihood"] == 0 and "zero" in r.loc["Arab", "note"]


def test_bad_input():
    with pytest.raises(ev.EvidenceError, match="no column 'hired'"):
        relative_likelihood(pd.DataFrame({"sex": ["Male"], "applied": [True]}), ["applied", "hired"], "sex")
    with pytest.raises(ev.EvidenceError, match="reference"):
        relative_likelihood(pd.DataFrame({"grade": ["A", "B"], "a": [10, 10], "b": [5, 5]}), ["a", "b"], "grade")
    with pytest.raises(ev.EvidenceError, match="more people reached"):
        relative_likelihood(pd.DataFrame({"sex": ["Male", "Female"], "a": [10, 10], "b": [5, 50]}), ["a", "b"], "sex")
