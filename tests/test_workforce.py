"""The workforce profile's results on the demo council: each planted finding is found, nothing small leaks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evidence import demo_workforce as w
from evidence import workforce


@pytest.fixture(scope="module")
def results() -> workforce.WorkforceResults:
    return workforce.build(w.staff(), w.applicants(), w.census(), w.SNAPSHOT, organisation="Northbrook")


def test_black_staff_thin_out_with_seniority(results):
    b = results.bands[(results.bands["characteristic"] == "ethnic_group") & (results.bands["group"] == "Black")]
    b = b.set_index("grade_band")
    assert b.loc["Grades 1-3", "share"] > b.loc["All", "share"] > b.loc["Senior managers", "share"]
    assert b.loc["Grades 10-12", "verdict"] == "under" and b.loc["Senior managers", "verdict"] == "under"


def test_drop_off_at_appointment_not_at_shortlisting(results):
    p = results.pipeline[results.pipeline["characteristic"] == "ethnic_group"].set_index(["to_stage", "group"])
    assert p.loc[("appointed", "Black"), "flag"] == "adverse" and p.loc[("appointed", "Asian"), "flag"] == "adverse"
    assert p.loc[("shortlisted", "Black"), "flag"] == "no_clear_difference"
    assert p.loc[("appointed", "White British"), "flag"] == "reference"


def test_maternity_returners_and_single_parents_over_represented_among_voluntary_redundancies(results):
    vr = results.leavers[results.leavers["to_stage"] == "voluntary_redundancy"].set_index(["characteristic", "group"])
    for ch in ("maternity_return", "single_parent"):
        row = vr.loc[(ch, "Yes")]
        assert row["flag"] == "adverse" and row["share_of_outcome"] > 2 * row["share_at_risk"]
    assert vr.loc[("sex", "Female"), "flag"] == "no_clear_difference"


def test_gender_pay_gap_and_headlines(results):
    f = results.pay[(results.pay["characteristic"] == "sex")].set_index("group").loc["Female"]
    assert f["mean_gap"] > 5 and f["lower_quartile"] > f["upper_quartile"]
    text = " ".join(results.headlines())
    for phrase in ("thins out with seniority", "drop-off at appointment", "maternity leave", "Gender pay gap"):
        assert phrase in text


def test_suppressed_rows_carry_no_figures(results):
    for t in (results.representation, results.bands, results.pipeline, results.leavers):
        hidden = t[t["suppressed"].astype(bool)]
        cols = [c for c in ("count", "share", "outcome", "at_risk", "relative_likelihood") if c in t.columns]
        assert hidden[cols].isna().all().all()
    assert results.representation["suppressed"].any()  # Gypsy or Irish Traveller and Roma staff: under 5


def test_peers_from_the_gender_pay_gap_file():
    import evidence as ev
    from conftest import shared_file

    gpg = ev.read_gender_pay_gap(shared_file("data", "real", "gender_pay_gap_service_2017_18_all_employers.csv"))
    r = workforce.build(w.staff(), None, w.census(), w.SNAPSHOT, organisation="Northbrook", pay_gap_returns=gpg)
    p = r.peers.iloc[0]
    assert p["size"] == "1000 to 4999" and p["summary"].startswith("Northbrook: mean gap ")
    assert r.pipeline.empty and np.isfinite(p["peer_median_mean_gap"])
    assert isinstance(r.bands, pd.DataFrame)
