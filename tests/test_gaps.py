"""Gaps: orientation, comparators, the overlap-aware overall comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import employment
from evidence.estimates import newcombe_diff_ci
from evidence.gaps import gaps


def _one(df, group="Disabled", **kw):
    g = gaps(df, **kw)
    return g[g["group"] == group].iloc[0]


def test_gap_oriented_higher_is_better():
    df = employment((52, 60), (80, 82))
    r = _one(df[df.period == "2018"], comparator="rest")
    assert r["gap"] == pytest.approx(28.0)  # others 80 - disabled 52: disabled worse off, positive
    assert r["relative_gap"] == pytest.approx(80 / 52)
    assert bool(r["significant"])


def test_gap_oriented_lower_is_better():
    # unemployment: the disabled rate is higher, so disabled are worse off: positive gap
    df = employment((48, 40), (20, 18), polarity="lower_is_better")
    r = _one(df[df.period == "2018"], comparator="rest")
    assert r["gap"] == pytest.approx(28.0)
    assert r["relative_gap"] == pytest.approx(48 / 20)


def test_rest_uses_newcombe_on_subtracted_counts():
    df = employment((52, 60), (80, 82))
    r = _one(df[df.period == "2018"], comparator="rest")
    lo, hi = newcombe_diff_ci(1040, 2000, 6400, 8000)  # disabled minus others
    assert r["gap_lower"] == pytest.approx(-100 * float(hi)) and r["gap_upper"] == pytest.approx(-100 * float(lo))


def test_overall_gap_accounts_for_overlap():
    """The group is part of the whole: the interval is (1 - w) times the exact rest interval.

    Treating group and overall as independent samples would give a wider interval;
    this test fails if that happens.
    """
    df = employment((52, 60), (80, 82))[lambda d: d.period == "2018"]
    r = _one(df, comparator="overall")
    assert r["gap"] == pytest.approx(74.4 - 52.0)
    w = 2000 / 10000
    lo, hi = newcombe_diff_ci(1040, 2000, 6400, 8000)
    assert r["gap_lower"] == pytest.approx(-(1 - w) * 100 * float(hi))
    assert r["gap_upper"] == pytest.approx(-(1 - w) * 100 * float(lo))
    naive_lo, naive_hi = newcombe_diff_ci(1040, 2000, 7440, 10000)  # independent: wrong
    assert (r["gap_upper"] - r["gap_lower"]) < 100 * float(naive_hi - naive_lo) * 0.95


def test_overall_without_counts_uses_covariance():
    # se only, sizes known: Var(g - all) = Var(g)(1 - 2w) + Var(all)
    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": ["All", "sex", "sex"],
                       "group": ["All", "Female", "Male"], "value": [50.0, 45.0, 55.0],
                       "se": [1.0, 1.4, 1.4], "n": [1000, 500, 500], "polarity": "higher_is_better"})
    r = _one(df, "Female")
    sd = np.sqrt(1.4**2 * (1 - 2 * 0.5) + 1.0**2)
    assert r["gap"] == pytest.approx(5.0)
    assert r["gap_upper"] - r["gap"] == pytest.approx(1.959964 * sd, rel=1e-5)


def test_overall_with_se_only_estimates_share():
    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": ["All", "sex"],
                       "group": ["All", "Female"], "value": [50.0, 45.0], "se": [1.0, 1.4],
                       "polarity": "higher_is_better"})
    r = _one(df, "Female")
    assert r["gap_upper"] - r["gap"] == pytest.approx(1.959964 * np.sqrt(1.4**2 - 1.0**2), rel=1e-5)
    assert "estimated from standard errors" in r["method"]


def test_reference_and_best_comparators():
    df = pd.DataFrame({"indicator": "a8", "period": "2020", "characteristic": "ethnicity",
                       "group": ["White British", "Chinese", "Pakistani"], "value": [46.0, 62.0, 44.0],
                       "se": [0.5, 2.0, 1.0], "n": [3000, 100, 300], "polarity": "higher_is_better", "kind": "mean"})
    ref = gaps(df, comparator="reference", reference={"ethnicity": "White British"}).set_index("group")
    assert ref.loc["Pakistani", "gap"] == pytest.approx(2.0)
    assert ref.loc["Chinese", "gap"] == pytest.approx(-16.0)
    assert ref.loc["White British", "gap"] == 0 and "reference group" in ref.loc["White British", "note"]
    assert "Welch" in ref.loc["Pakistani", "method"]
    best = gaps(df, comparator="best").set_index("group")
    assert (best["comparator_group"] == "Chinese").all()
    assert best.loc["Pakistani", "gap"] == pytest.approx(18.0)
    assert best.loc["Chinese", "gap"] == 0 and not best.loc["Chinese", "significant"]


def test_no_interval_is_said_in_a_column():
    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": ["All", "sex"],
                       "group": ["All", "Female"], "value": [50.0, 45.0], "polarity": "higher_is_better"})
    r = _one(df, "Female")
    assert r["gap"] == pytest.approx(5.0)
    assert pd.isna(r["significant"]) and "no counts" in r["note"]


def test_suppressed_groups_never_show_a_value():
    df = employment((52, 60), (80, 82), n_dis=8)[lambda d: d.period == "2018"]
    r = _one(df)
    assert r["suppressed"] and np.isnan(r["value"]) and np.isnan(r["gap"])


def test_gap_needs_all_row_for_overall():
    from evidence import EvidenceError

    df = employment((52, 60), (80, 82))
    with pytest.raises(EvidenceError, match="no whole-population row"):
        gaps(df[df.group != "All"])


@settings(max_examples=60, deadline=None)
@given(st.integers(10, 2000), st.integers(10, 2000), st.floats(0.05, 0.95), st.floats(0.05, 0.95),
       st.sampled_from(["overall", "rest"]))
def test_swapping_polarity_flips_gap(n1, n2, p1, p2, comparator):
    x1, x2 = round(p1 * n1), round(p2 * n2)
    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": ["All", "c", "c"],
                       "group": ["All", "A", "B"], "numerator": [x1 + x2, x1, x2], "denominator": [n1 + n2, n1, n2],
                       "kind": "proportion"})
    df["value"] = df["numerator"] / df["denominator"]
    hi = gaps(df.assign(polarity="higher_is_better"), comparator=comparator).set_index("group")
    lo = gaps(df.assign(polarity="lower_is_better"), comparator=comparator).set_index("group")
    np.testing.assert_allclose(hi["gap"], -lo["gap"], atol=1e-12)
    np.testing.assert_allclose(hi["gap_lower"], -lo["gap_upper"], atol=1e-12)
    shown = hi.dropna(subset=["gap_lower"])  # suppressed groups (numerator < 5) have no figures at all
    assert (shown["gap_lower"] <= shown["gap"] + 1e-12).all() and (shown["gap"] <= shown["gap_upper"] + 1e-12).all()
