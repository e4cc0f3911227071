"""ev.show: results tables as a committee member would read them, in Jupyter and as text."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import evidence as ev
from evidence.display import interval, readable, show, status_words


@pytest.fixture(scope="module")
def demo():
    return ev.demo.observations(), ev.demo.indicators()


@pytest.fixture(scope="module")
def gaps(demo):
    obs, meta = demo
    return ev.gaps(obs, indicators=meta)


def test_suppressed_cell_shows_c_never_nan(gaps):
    t = gaps[(gaps["indicator"] == "attainment8_mean") & (gaps["period"] == "2018")
             & (gaps["characteristic"] == "ethnicity")]
    assert t["suppressed"].any()  # the demo's Roma and Gypsy or Irish Traveller pupils in 2018
    shown = show(t)
    roma = shown.frame[shown.frame["Group"] == "Roma"].iloc[0]
    assert roma["Value (points)"] == "[c]" and roma["Gap (points)"] == "[c]"
    assert roma["Gap statistically significant"] == "[c]"
    for text in (shown.html, repr(shown)):
        assert "[c]" in text and not re.search(r"\bnan\b", text, re.I)
    assert "<td>[c]</td>" in shown.html


def test_free_school_meals_gap_reads_as_words(gaps):
    t = gaps[(gaps["characteristic"] == "free_school_meals") & (gaps["period"] == "2024")
             & (gaps["indicator"] == "grade5_eng_maths")]
    f = show(t).frame
    row = f[f["Group"] == "Eligible for free school meals"].iloc[0]
    # one unit for the whole table: it goes in the heading, the cells hold value (lower to upper)
    assert row["Value (%)"] == "25.0 (22.0 to 28.3)"
    assert row["Gap (percentage points)"] == "14.7 (11.8 to 17.4)"
    assert row["Characteristic"] == "free school meals" and row["Compared with"] == "all pupils"
    assert row["Gap statistically significant"] == "Yes"
    assert not any("_" in c for c in f.columns)


def test_mixed_units_carry_their_unit_in_each_cell(gaps):
    t = gaps[(gaps["characteristic"] == "free_school_meals") & (gaps["period"] == "2024")
             & (gaps["group"] == "Eligible for free school meals")]
    f = show(t).frame
    assert set(f["Gap"]) >= {"14.7 percentage points (11.8 to 17.4)"}
    assert any(v.endswith(")") and " points (" in v for v in f["Value"])


def test_progress_status_has_a_shape_and_words_and_html_badge(demo):
    obs, meta = demo
    p = ev.progress(obs, "2018", "2024", indicators=meta)
    t = p[(p["characteristic"] == "free_school_meals") & (p["indicator"] == "grade5_eng_maths")]
    shown = show(t)
    row = shown.frame[shown.frame["Group"] == "Eligible for free school meals"].iloc[0]
    assert row["Status"] == "✖ gap narrowed by levelling down: not progress"
    assert row["Gap, 2018 (percentage points)"] == "20.9 (18.1 to 23.6)"
    assert row["Change in the gap (percentage points)"] == "-6.2 (-10.2 to -2.3)"
    assert "levelling down, not progress" in row["What this means"]
    assert '<span class="rag rag-red"><span aria-hidden="true">✖</span> gap narrowed by levelling down' in shown.html
    assert ".rag-red" in shown.html and "text-align: left !important" in shown.html
    assert shown.caption == "How each gap changed in grade 5 or above in English and maths, 2018 to 2024"


def test_progress_suppressed_current_hides_current_and_change(demo):
    obs, meta = demo
    p = ev.progress(obs, "2018", "2024", indicators=meta)
    t = p[p["suppressed_current"] & ~p["suppressed_baseline"]]
    assert len(t)
    f = show(t).frame
    now = [c for c in f if "2024" in c and not c.startswith("Everyone")]
    assert now and set(f[now].stack()) == {"[c]"}
    assert set(f["Change in the gap (percentage points)"]) == {"[c]"}
    assert "[c]" not in set(f["Value, 2018 (%)"])


def test_screen_flags_in_words(demo):
    obs, meta = demo
    s = ev.screen(obs, "2024", indicators=meta)
    f = show(s).frame
    assert f["Compared with everyone"].iloc[0] == "▼ worse off than everyone"
    assert "[c]" in set(f["Compared with everyone"])
    assert f["Rank"].iloc[0] == "1"


def test_missing_but_not_suppressed_is_x_and_unknown_columns_in_words():
    t = pd.DataFrame({"group": ["A"], "value": [float("nan")], "unit": ["%"], "suppressed": [False],
                      "effective_sample_size": [123.456], "note_text": [None]})
    f, status = readable(t)
    assert status is None
    assert f.iloc[0].to_dict() == {"Group": "A", "Value (%)": "[x]", "Effective sample size": "123.5",
                                   "Note text": "[x]"}


def test_interval_rounds_half_up():
    # official statistics round halves away from zero (GSS guidance); Python's round would give 47.2
    assert interval(47.25, 47.05, 47.45) == "47.3 (47.1 to 47.5)"
    assert interval(-0.05, None, None, unit="percentage points") == "-0.1 percentage points"


def test_every_status_has_words_and_a_colour():
    for status in ev.STATUSES:
        rag, words = status_words(status)
        assert rag in {"green", "amber", "red", "grey"} and words and "_" not in words


def test_text_is_left_aligned():
    out = repr(show(pd.DataFrame({"group": ["A", "Longer name"], "value": [1.0, 22.25], "unit": ["%", "%"]}),
                    caption="Two groups"))
    assert out.splitlines() == ["Two groups", "Group        Value (%)", "A            1.0",
                                "Longer name  22.3"]


def test_one_indicator_and_year_go_in_the_caption_not_every_row(gaps):
    t = gaps[(gaps["characteristic"] == "sex") & (gaps["period"] == "2024") & (gaps["indicator"] == "employment_rate")]
    shown = show(t)
    assert "Indicator" not in shown.frame and "Year" not in shown.frame
    assert shown.caption == "Gaps between each group and its comparator in employment rate, 2024"
    assert "Year" in show(t, caption="Mine").frame  # a caption of your own: the columns stay


def test_later_measures_codes_in_words_and_p_values(demo):
    obs, meta = demo
    sel = obs[(obs["indicator"] == "grade5_eng_maths") & obs["characteristic"].isin(["All", "free_school_meals"])]
    f = show(ev.trend(sel, indicators=meta)).frame
    assert "getting worse" in set(f["Assessment"]) and "no significant change" in set(f["Direction"])
    assert "<0.001" in set(f["P value"]) and "0.0" not in set(f["P value"])


def test_caption_names_the_level_when_given(gaps):
    fsm = gaps[(gaps["characteristic"] == "free_school_meals") & (gaps["period"] == "2024")
               & (gaps["indicator"] == "grade5_eng_maths")]
    assert "(99.8% confidence intervals in brackets)" in ev.show(fsm, level=0.998).caption
    assert "%" not in ev.show(fsm).caption
