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


def test_overall_with_se_only_treats_as_independent():
    # no sizes: the share is unknown, so Var(g) + Var(all), never the anti-conservative Var(g) - Var(all)
    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": ["All", "sex"],
                       "group": ["All", "Female"], "value": [50.0, 45.0], "se": [1.0, 1.4],
                       "polarity": "higher_is_better"})
    r = _one(df, "Female")
    assert r["gap_upper"] - r["gap"] == pytest.approx(1.959964 * np.sqrt(1.4**2 + 1.0**2), rel=1e-5)
    assert "independent" in r["method"] and "no group and whole-population sizes" in r["note"]


def test_overall_inconsistent_errors_fall_back_to_independent():
    # All published as precise as a group three quarters of it would allow: Var(g)(1-2w)+Var(all) < 0
    df = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": ["All", "sex"],
                       "group": ["All", "Female"], "value": [50.0, 45.0], "se": [0.1, 1.0], "n": [1000, 750],
                       "polarity": "higher_is_better"})
    r = _one(df, "Female")
    assert r["gap_upper"] - r["gap"] == pytest.approx(1.959964 * np.sqrt(1.0 + 0.01), rel=1e-5)
    assert "do not fit" in r["note"]


def test_overall_small_means_use_t():
    # means with n: t on Welch-Satterthwaite df for group vs rest (hand-derived with scipy's t quantile)
    from scipy import stats

    df = pd.DataFrame({"indicator": "a8", "period": "2020", "characteristic": ["All", "c", "c"],
                       "group": ["All", "A", "B"], "value": [50.0, 44.0, 51.5], "se": [1.0, 3.0, 1.0],
                       "n": [60, 12, 48], "polarity": "higher_is_better", "kind": "mean"})
    r = _one(df, "A")
    w = 12 / 60
    vg, va = 9.0, 1.0
    vr = (va - w**2 * vg) / (1 - w) ** 2
    dof = (vg + vr) ** 2 / (vg**2 / 11 + vr**2 / 47)
    half = stats.t.ppf(0.975, dof) * np.sqrt(vg * (1 - 2 * w) + va)
    assert r["gap_upper"] - r["gap"] == pytest.approx(half, rel=1e-9)
    assert "Student's t" in r["method"]


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


def _simulate(p_group, p_rest, shape, reps=300, n_group=300, n_rest=700, seed=1):
    """Seeded simulation (as benchmarks/overall_coverage.py): coverage of the true gap and share significant."""
    from evidence.estimates import wilson_ci

    rng = np.random.default_rng(seed)
    xg, xr = rng.binomial(n_group, p_group, reps), rng.binomial(n_rest, p_rest, reps)
    ind = np.repeat([f"i{i}" for i in range(reps)], 2)
    x = np.column_stack([xg + xr, xg]).ravel()
    n = np.tile([n_group + n_rest, n_group], reps)
    df = pd.DataFrame({"indicator": ind, "period": "2024", "characteristic": np.tile(["All", "c"], reps),
                       "group": np.tile(["All", "A"], reps), "value": 100 * x / n,
                       "polarity": "higher_is_better", "kind": "proportion", "unit": "%"})
    if shape == "counts":
        df["numerator"], df["denominator"] = x, n
    elif shape == "se_n":  # value, standard error and size: the share of the group is known from the sizes
        df["se"], df["n"] = 100 * np.sqrt(x / n * (1 - x / n) / n), n
    else:
        lo, hi = wilson_ci(x, n)
        df["lower"], df["upper"] = np.minimum(100 * lo, df["value"]), np.maximum(100 * hi, df["value"])
    g = gaps(df, comparator="overall", suppress_small=False)
    truth = 100 * (1 - n_group / (n_group + n_rest)) * (p_rest - p_group)
    covered = ((g["gap_lower"] <= truth) & (truth <= g["gap_upper"])).mean()
    return covered, g["significant"].fillna(False).astype(bool).mean()


def test_overall_coverage_by_simulation():
    # with counts: close to nominal; with only published intervals: never anti-conservative (the old estimate
    # of the group's share from the ratio of variances covered 59% here for 10% vs 50%)
    cov, sig = _simulate(0.3, 0.3, "counts")
    assert 0.92 <= cov <= 0.98 and sig <= 0.08
    cov, sig = _simulate(0.3, 0.3, "interval")
    assert cov >= 0.95 and sig <= 0.05
    cov, _ = _simulate(0.1, 0.5, "interval", seed=3)
    assert cov >= 0.95
    cov, _ = _simulate(0.1, 0.5, "counts", seed=3)
    assert 0.92 <= cov <= 0.98


@pytest.mark.parametrize("shape", ["counts", "se_n", "interval"])
def test_overall_coverage_and_type_one_error(shape):
    """Seeded simulation of ``ev.gaps(comparator="overall")``: 95% intervals and 5% tests, with and without counts.

    300 replicates of a group of 300 in 1,000 (binomial). With counts, or standard errors with sizes, coverage is
    nominal (within 3 binomial standard errors of 95% over 300 replicates: 0.95 ± 0.038); with only published
    intervals (no sizes) it is conservative, never below nominal. Numbers: see docs/methods.md.
    """
    nominal = shape != "interval"
    for p_group, p_rest, seed in ((0.3, 0.3, 1), (0.25, 0.35, 2), (0.1, 0.5, 3)):
        cov, sig = _simulate(p_group, p_rest, shape, seed=seed)
        if nominal:
            assert 0.912 <= cov <= 0.988, (p_group, p_rest, cov)
        else:
            assert cov >= 0.95, (p_group, p_rest, cov)
        if p_group == p_rest:  # no true gap: the share called significant is the type I error
            assert sig <= (0.088 if nominal else 0.05), sig
    # a big group (80% of everyone): the overlap matters most
    cov, _ = _simulate(0.4, 0.6, shape, n_group=800, n_rest=200, seed=4)
    assert (0.912 <= cov <= 0.988) if nominal else cov >= 0.95, cov


def test_readme_example_on_real_fingertips_file():
    """README: ``obs = ev.read(file)``, then ``ev.gaps(obs, indicators=meta)``: every row with counts gets an interval.

    Before issue 8 the reader wrote kind "score", metadata could not override it, and no count-based gap had one.
    """
    import warnings

    import evidence as ev
    from conftest import shared_file

    f = shared_file("data", "real", "fingertips_extract_fingertipsnext_2018_2024_with_ethnicity_deprivation_categories.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ev.EvidenceWarning)
        obs = ev.read(f)
    assert obs["kind"].isna().all()  # the reader does not know, so it does not say
    # 241 diabetes prevalence and 93474 deaths in hospital are proportions (x 100), 20401 a rate (x 1,000)
    obs = obs[obs["indicator"].isin(["241", "20401"]) | obs["indicator"].str.startswith("93474")]
    meta = [{"indicator": i, "polarity": "lower_is_better"} for i in obs["indicator"].unique()]
    meta[0]["kind"] = "proportion" if meta[0]["indicator"] != "20401" else "rate"  # a user-stated kind is used
    with pytest.warns(ev.EvidenceWarning, match="inferred"):
        g = ev.gaps(obs, comparator="overall", indicators=meta)
    key = ["indicator", "period", "area", "characteristic", "group"]
    counted = obs.dropna(subset=["value", "numerator", "denominator"])
    alls = counted[counted["group"] == "All"][["indicator", "period", "area"]]
    rows = g[~g["suppressed"]].merge(counted[key], on=key).merge(alls, on=["indicator", "period", "area"])
    assert len(rows) > 600
    assert rows["gap_lower"].notna().all() and rows["significant"].notna().all()
    assert set(rows["kind"]) == {"proportion", "rate"}
    assert rows["method"].str.contains("Newcombe").any()


# --- table-driven: polarity × comparator × kind × data shape, against independent calculations (issue 8) ----------

_A, _B, _C = (120, 400), (270, 600), (100, 250)  # three groups of one characteristic (numerator, size)
_Z = 1.959963984540054


def _table(shape: str, kind: str, polarity: str) -> pd.DataFrame:
    """Groups A, B, C and All as counts, value+CI, value+SE (+n) or value+n."""
    from statsmodels.stats.proportion import proportion_confint

    x = np.array([_A[0] + _B[0] + _C[0], _A[0], _B[0], _C[0]], dtype=float)
    n = np.array([_A[1] + _B[1] + _C[1], _A[1], _B[1], _C[1]], dtype=float)
    df = pd.DataFrame({"indicator": "x", "period": "2024", "characteristic": ["All", "c", "c", "c"],
                       "group": ["All", "A", "B", "C"], "polarity": polarity, "kind": kind})
    if kind == "proportion":
        df["unit"], df["value"] = "%", 100 * x / n
        se = 100 * np.sqrt(x / n * (1 - x / n) / n)
    else:  # a mean score with a made-up standard deviation per group
        df["unit"], df["value"] = "points", np.array([48.0, 44.0, 50.0, 49.0])
        se = np.array([12.0, 14.0, 11.0, 10.0]) / np.sqrt(n)
    if shape == "counts":
        df["numerator"], df["denominator"] = x, n
    elif shape == "ci":
        lo, hi = proportion_confint(x, n, method="wilson") if kind == "proportion" else (None, None)
        df["lower"] = 100 * lo if kind == "proportion" else df["value"] - _Z * se
        df["upper"] = 100 * hi if kind == "proportion" else df["value"] + _Z * se
    elif shape == "se_n":
        df["se"], df["n"] = se, n
    else:  # value and n only (a proportion: counts implied)
        df["n"] = n
    return df


def _expected(shape: str, comparator: str, kind: str) -> tuple[float, float, float] | None:
    """Group A minus its comparator (d, lower, upper), calculated independently of the package."""
    from scipy import stats
    from statsmodels.stats.proportion import confint_proportions_2indep

    tot = (_A[0] + _B[0] + _C[0], _A[1] + _B[1] + _C[1])
    other = {"rest": (_B[0] + _C[0], _B[1] + _C[1]), "reference": _B, "overall": tot}[comparator]
    w = _A[1] / tot[1]
    if kind == "proportion" and shape in ("counts", "value_n"):
        if comparator == "overall":  # exact: A against the rest, scaled by (1 - w)
            rest = (tot[0] - _A[0], tot[1] - _A[1])
            lo, hi = confint_proportions_2indep(*_A, *rest, method="newcomb", compare="diff")
            return (100 * (_A[0] / _A[1] - tot[0] / tot[1]), 100 * (1 - w) * lo, 100 * (1 - w) * hi)
        lo, hi = confint_proportions_2indep(*_A, *other, method="newcomb", compare="diff")
        return 100 * (_A[0] / _A[1] - other[0] / other[1]), 100 * lo, 100 * hi
    t = _table(shape, kind, "higher_is_better").set_index("group")
    if kind == "proportion":
        se = 100 * np.sqrt(t["value"] / 100 * (1 - t["value"] / 100) / np.array([tot[1], _A[1], _B[1], _C[1]]))
    else:
        se = np.array([12.0, 14.0, 11.0, 10.0]) / np.sqrt([tot[1], _A[1], _B[1], _C[1]])
    se = pd.Series(np.asarray(se), index=t.index)
    va, vg = se["All"] ** 2, se["A"] ** 2
    if shape == "ci" and kind == "proportion":
        if comparator == "rest":
            return None  # no sizes: the rest of the population cannot be worked out
        c = "All" if comparator == "overall" else "B"
        if comparator == "overall":  # independent, from the standard errors the intervals imply
            sg, sa = ((t.loc[g, "upper"] - t.loc[g, "lower"]) / (2 * _Z) for g in ("A", "All"))
            d = t.loc["A", "value"] - t.loc["All", "value"]
            return d, d - _Z * np.hypot(sg, sa), d + _Z * np.hypot(sg, sa)
        d = t.loc["A", "value"] - t.loc[c, "value"]  # MOVER (Zou & Donner 2008) by hand
        lo = d - np.hypot(t.loc["A", "value"] - t.loc["A", "lower"], t.loc[c, "upper"] - t.loc[c, "value"])
        hi = d + np.hypot(t.loc["A", "upper"] - t.loc["A", "value"], t.loc[c, "value"] - t.loc[c, "lower"])
        return d, lo, hi
    if shape == "ci":  # a mean with a symmetric interval and no n
        if comparator == "rest":
            return None
        c = "All" if comparator == "overall" else "B"
        d = t.loc["A", "value"] - t.loc[c, "value"]
        return d, d - _Z * np.hypot(se["A"], se[c]), d + _Z * np.hypot(se["A"], se[c])
    # standard errors with sizes
    d = t.loc["A", "value"] - (t.loc["All", "value"] if comparator == "overall" else
                               t.loc["B", "value"] if comparator == "reference" else
                               (tot[1] * t.loc["All", "value"] - _A[1] * t.loc["A", "value"]) / (tot[1] - _A[1]))
    if comparator == "overall":
        var, vr = vg * (1 - 2 * w) + va, (va - w**2 * vg) / (1 - w) ** 2
        nr = tot[1] - _A[1]
    else:
        vr = se["B"] ** 2 if comparator == "reference" else (va - w**2 * vg) / (1 - w) ** 2
        nr = _B[1] if comparator == "reference" else tot[1] - _A[1]
        var = vg + vr
    q = _Z
    if kind == "mean":  # Welch-Satterthwaite, A against the rest (or the reference group)
        dof = (vg + vr) ** 2 / (vg**2 / (_A[1] - 1) + vr**2 / (nr - 1))
        q = stats.t.ppf(0.975, dof)
    return d, d - q * np.sqrt(var), d + q * np.sqrt(var)


_CASES = [(s, c, k, p) for s in ("counts", "ci", "se_n", "value_n") for c in ("overall", "rest", "reference")
          for k in ("proportion", "mean") for p in ("higher_is_better", "lower_is_better")
          if not (k == "mean" and s in ("counts", "value_n"))]


@pytest.mark.parametrize("shape,comparator,kind,polarity", _CASES)
def test_gap_table(shape, comparator, kind, polarity):
    df = _table(shape, kind, polarity)
    g = gaps(df, comparator=comparator, reference="B" if comparator == "reference" else None).set_index("group")
    r = g.loc["A"]
    exp = _expected(shape, comparator, kind)
    if exp is None:
        assert np.isnan(r["gap_lower"]) and pd.isna(r["significant"]) and isinstance(r["note"], str)
        return
    d, lo, hi = exp
    # oriented: positive = worse off; higher is better flips group-minus-comparator
    if polarity == "higher_is_better":
        d, lo, hi = -d, -hi, -lo
    assert r["gap"] == pytest.approx(d, rel=1e-9, abs=1e-9)
    assert r["gap_lower"] == pytest.approx(lo, rel=1e-6, abs=1e-9)
    assert r["gap_upper"] == pytest.approx(hi, rel=1e-6, abs=1e-9)
    assert bool(r["significant"]) == bool(lo > 0 or hi < 0)
