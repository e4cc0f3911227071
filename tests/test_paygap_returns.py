"""The real Gender pay gap service download (2017-18): published figures reproduced, councils among peers."""

from __future__ import annotations

import io

import pandas as pd
import pytest

import evidence as ev
from conftest import shared_file
from evidence.paygap_returns import find_employer, peers, read_gender_pay_gap, size_band

GPG = ("data", "real", "gender_pay_gap_service_2017_18_all_employers.csv")


@pytest.fixture(scope="module")
def returns() -> pd.DataFrame:
    return read_gender_pay_gap(shared_file(*GPG))


def test_reads_every_return_with_its_published_figures(returns):
    assert len(returns) == 10_528
    assert returns["mean_gap"].median() == pytest.approx(13.3)  # SOURCES.md: median of all employers' mean gaps


def test_kirklees_and_hackney_reproduce_their_published_figures(returns):
    k = find_employer(returns, "Kirklees Council")
    assert (k["mean_gap"], k["median_gap"], k["female_upper_quartile"]) == (10.3, 16.3, 61.1)
    assert k["size"] == "5000 to 19,999" and k["council"] and k["country"] == "England"
    h = find_employer(returns, "London Borough of Hackney")
    assert (h["mean_gap"], h["median_gap"]) == (-2.8, -8.0)  # negative: women paid more
    assert h["council"] and h["public_sector"]
    c = find_employer(returns, "Calderdale Metropolitan Borough Council")
    assert (c["mean_gap"], c["median_gap"]) == (3.4, -5.0)


def test_kirklees_among_english_councils_of_its_size(returns):
    p = peers(returns, "Kirklees Council").iloc[0]
    # the peers, picked independently: public-sector councils in England of 5,000 to 19,999 staff, not Kirklees
    pool = returns[(returns["size"] == "5000 to 19,999") & returns["council"] & (returns["country"] == "England")
                   & (returns["employer"] != "Kirklees Council")]
    assert p["peers"] == len(pool) and p["peer_median_mean_gap"] == pool["mean_gap"].median()
    assert p["summary"].startswith("Kirklees Council: mean gap 10.3% against a median of ")
    assert "English councils of its size (5000 to 19,999 employees)" in p["summary"]


def test_councils_are_told_apart_from_other_councils_and_countries(returns):
    assert not find_employer(returns, "Natural Environment Research Council")["council"]
    assert not find_employer(returns, "General Medical Council")["council"]
    assert find_employer(returns, "Cardiff Council")["country"] == "Wales"
    assert find_employer(returns, "Coventry City Council")["mean_gap"] == 2.8


def test_our_own_figures_against_peers(returns):
    p = peers(returns, mean_gap=10.3, median_gap=12.0, size=3262).iloc[0]
    assert p["size"] == "1000 to 4999" and p["employer"] == "Our council"
    assert 0 <= p["peers_lower_mean_gap"] <= 100
    assert size_band(249) == "Less than 250" and size_band(25_000) == "20,000 or more"


def test_bad_files_and_names():
    with pytest.raises(ev.EvidenceError, match="no column 'DiffMeanHourlyPercent'"):
        read_gender_pay_gap(io.StringIO("EmployerName,Address\nA,B\n"))
    gpg = pd.DataFrame({"employer": ["Kirklees Council", "Kirklees College"], "mean_gap": [1.0, 2.0]})
    with pytest.raises(ev.EvidenceError, match="did you mean"):
        find_employer(gpg, "Kirklees Councl")
    with pytest.raises(ev.EvidenceError, match="several employers"):
        find_employer(gpg, "Kirklees")
