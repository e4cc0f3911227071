"""Plain-English sentences say what a result means, with units and without minus signs."""

from __future__ import annotations

import pandas as pd

from evidence.narrative import fmt_gap, fmt_value, group_phrase, progress_sentence, round_half_up


def _row(**kw):
    base = {"status": "narrowed", "characteristic": "disability", "group": "Disabled", "population": "residents",
            "comparator": "overall", "comparator_group": "All", "unit": "%", "gap_baseline": 22.0,
            "gap_current": 18.0, "name": "employment rate", "all_baseline": 74.0, "all_current": 78.0,
            "all_change_lower": 2.8, "all_change_upper": 5.2, "polarity": "higher_is_better", "baseline": "2018",
            "current": "2024"}
    return pd.Series({**base, **kw})


def test_units_and_rounding():
    assert fmt_value(74.05, "%") == "74.1%" and fmt_gap(3.25, "%") == "3.3 percentage points"
    assert round_half_up(2.675, 2) == 2.68


def test_sentences_per_status():
    assert progress_sentence(_row()).endswith("real progress.")
    ld = progress_sentence(_row(status="narrowed_levelling_down", all_current=70.0, all_change_upper=-2.0))
    assert "fell (got worse) from 74.0% to 70.0%" in ld and ld.endswith("This is levelling down, not progress.")
    crossed = progress_sentence(_row(status="widened", gap_baseline=-3.8, gap_current=3.7))
    assert "3.8 percentage points ahead of all residents to 3.7 percentage points behind" in crossed
    assert "-3.8" not in crossed
    steady = progress_sentence(_row(all_change_lower=-0.5, all_change_upper=0.7, all_current=74.1))
    assert "showed no clear change" in steady


def test_group_phrases():
    assert group_phrase("free_school_meals", "Eligible for free school meals", "pupils") == \
        "pupils eligible for free school meals"
    assert group_phrase("age_band", "16-24", "residents") == "residents aged 16-24"


def test_intersection_reads_as_words_not_an_ampersand():
    from evidence.narrative import group_phrase

    assert group_phrase("sex & age_band", "Female & 16-34", "residents") == "Female residents aged 16-34"
    assert group_phrase("ethnicity & free_school_meals", "Pakistani & Eligible for free school meals", "pupils") \
        == "Pakistani pupils eligible for free school meals"
    assert group_phrase("age_band & free_school_meals", "11 & Eligible for free school meals", "pupils") \
        == "pupils aged 11 and eligible for free school meals"
