"""The demo council's synthetic workforce: deterministic, and the planted findings are there."""

from __future__ import annotations

import pandas as pd

import evidence as ev
from evidence import demo_workforce as w


def test_deterministic_with_the_fields_the_report_needs():
    a, b = w.staff(), w.staff()
    pd.testing.assert_frame_equal(a, b)
    for col in ["grade", "grade_band", "ethnicity", "sex", "disability", "age_band", "working_pattern",
                "maternity_return", "single_parent", "hourly_pay", "bonus", "full_pay", "start_date", "leave_date",
                "leave_reason"]:
        assert col in a.columns
    assert (a["start_date"] <= a["leave_date"].fillna(w.SNAPSHOT)).all()
    pd.testing.assert_frame_equal(w.applicants(), w.applicants())


def test_in_post_on_a_date():
    s = w.staff()
    post = w.in_post(s)
    assert 2500 < len(post) < 4000 and post["leave_date"].isna().all()
    assert (w.in_post(s, "2018-03-31")["start_date"] <= pd.Timestamp("2018-03-31")).all()


def test_census_counts_and_observations():
    c = w.census()
    assert c.groupby("characteristic")["count"].sum().to_dict() == {"disability": 182_400, "ethnicity": 182_400,
                                                                    "sex": 182_400}
    o = w.observations()
    total = o[(o["group"] == "All") & (o["period"] == "2024")]["numerator"].iloc[0]
    assert total == len(w.in_post(w.staff()))
    assert o[(o["period"] == "2024") & (o["characteristic"] == "ethnicity")]["numerator"].sum() == total
    assert set(o["indicator"]) == {"workforce_share"}
    assert "workforce_share" in set(ev.demo.observations()["indicator"])
