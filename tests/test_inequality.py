"""Summary measures of inequality (numpy layer) against OHID's and WHO's reference outputs.

- ``phe/sii_inputs.csv`` / ``sii_expected.csv`` (PHEindicatormethods phe_sii): point
  estimates at rtol 1e-9 (deterministic); Monte Carlo limits (100,000 seeded draws)
  at the R tests' tolerance, 5% relative as a column mean over the two areas, and
  each limit within 5% of its interval's width (R's random draws cannot be matched).
- ``heat/healthequal_ordered_*`` (WHO healthequal): ACI and RCI with their standard
  errors at the R tests' relative tolerance (1e-6 and 1e-3).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import shared_file
from evidence import inequality as ineq


def _sii_cases() -> list[tuple]:
    inputs = pd.read_csv(shared_file("data", "reference", "phe", "sii_inputs.csv"))
    expected = pd.read_csv(shared_file("data", "reference", "phe", "sii_expected.csv"))
    cases = []
    for _, e in expected.iterrows():
        block = inputs[(inputs.RecordNo >= e.input_first_record) & (inputs.RecordNo <= e.input_last_record)
                       & (inputs.Area == e.area)].sort_values("Quantile")
        cases.append(pytest.param(block, e, id=f"assertion{e.assertion_id}-{e.area}"))
    return cases


def _run_phe(block: pd.DataFrame, e: pd.Series) -> dict:
    # assertion 20: the R test passes value_type=1 for proportions and expects the proportion results
    vtype = 2 if e.assertion_id == 20 else int(e.value_type)
    value = block.Value.to_numpy(float)
    if e.value_source == "x=Count":
        value = (block.Count / block.Population).to_numpy()
    if str(e.ci_input).startswith("LowerCL"):
        se = ineq.transformed_se(value, block.LowerCL.to_numpy(), block.UpperCL.to_numpy(), vtype)
    else:  # PHE's StandardError column is already on the log/logit scale for rates/proportions
        se = block.StandardError.to_numpy(float)
    levels = [float(c) for c in str(e.confidence).split(";")]
    return ineq.sii(value, block.Population.to_numpy(float), se, value_type=vtype, transform=bool(e["transform"]),
                    multiplier=float(e.multiplier), levels=levels, repetitions=100_000, seed=1)


@pytest.mark.parametrize(("block", "e"), _sii_cases())
def test_sii_matches_phe_sii_expected_points_rtol1e9(block: pd.DataFrame, e: pd.Series) -> None:
    r = _run_phe(block, e)
    assert r["sii"] == pytest.approx(e.expected_sii, rel=1e-9)
    if pd.notna(e.expected_rii):
        assert r["rii"] == pytest.approx(e.expected_rii, rel=1e-9)
    if pd.notna(e.expected_intercept):
        assert r["intercept"] == pytest.approx(e.expected_intercept, rel=1e-9)


def test_sii_limits_match_phe_sii_expected_colmean_rtol5pct_and_5pct_of_width() -> None:
    got: dict[tuple, list[tuple[float, float]]] = {}
    for param in _sii_cases():
        block, e = param.values
        r = _run_phe(block, e)
        for i, level in enumerate(str(e.confidence).split(";"), start=1):
            for m in ("sii", "rii"):
                lo, hi = e[f"expected_{m}_lowercl_{i}"], e[f"expected_{m}_uppercl_{i}"]
                if pd.isna(lo):
                    continue
                for side, want in (("lower", lo), ("upper", hi)):
                    ours = r[f"{m}_{side}_{float(level)}"]
                    assert abs(ours - want) <= 0.05 * abs(hi - lo), (e.assertion_id, e.area, m, side, ours, want)
                    got.setdefault((e.assertion_id, m, side, i), []).append((ours, want))
    for key, pairs in got.items():  # waldo's column-mean relative difference, as the R tests compare
        ours, want = np.array(pairs).T
        assert np.mean(np.abs(ours - want)) / np.mean(np.abs(want)) < 0.05, key


def test_sii_simulation_is_reproducible_with_a_seed() -> None:
    y, pop, se = np.array([70.0, 72, 75, 76, 79]), np.full(5, 1000.0), np.full(5, 0.5)
    a = ineq.sii(y, pop, se, repetitions=5000, seed=7)
    b = ineq.sii(y, pop, se, repetitions=5000, seed=7)
    c = ineq.sii(y, pop, se, repetitions=5000, seed=8)
    assert a == b
    assert a["sii_lower_0.95"] != c["sii_lower_0.95"]


def test_sii_of_a_straight_line_is_its_slope_hand_derived() -> None:
    # equal populations: midpoint ranks 0.1 ... 0.9, value = 69 + 10 * rank exactly
    r = ineq.sii(np.array([70.0, 72, 74, 76, 78]), np.full(5, 1.0))
    assert r["sii"] == pytest.approx(10.0)
    assert r["intercept"] == pytest.approx(69.0)
    assert r["rii"] == pytest.approx(79 / 69)


def _heat() -> tuple[pd.DataFrame, pd.DataFrame]:
    inputs = pd.read_csv(shared_file("data", "reference", "heat", "healthequal_ordered_inputs.csv"))
    expected = pd.read_csv(shared_file("data", "reference", "heat", "healthequal_ordered_expected.csv"))
    return inputs.sort_values("subgroup_order"), expected.set_index("measure")


@pytest.mark.parametrize("measure", ["aci", "rci"])
def test_concentration_index_matches_healthequal_at_R_test_tolerance(measure: str) -> None:
    inputs, expected = _heat()
    want = expected.loc[measure]
    tol = float(want.tolerance_in_R_test)
    est, se, lo, hi = ineq.concentration_index(inputs.est.to_numpy(float), inputs["pop"].to_numpy(float),
                                               relative=measure == "rci")
    assert est == pytest.approx(want.expected_estimate, rel=tol)
    assert se == pytest.approx(want.expected_se, rel=tol)
    assert lo == pytest.approx(want.expected_lowerci, rel=tol)
    assert hi == pytest.approx(want.expected_upperci, rel=tol)


def test_spread_measures_hand_derived() -> None:
    # y = 10, 20, 30 with shares 1/4, 1/2, 1/4: mean 20, deviations -10, 0, +10, r = 0.5, 1, 1.5
    y, p = np.array([10.0, 20.0, 30.0]), np.array([0.25, 0.5, 0.25])
    assert float(ineq.between_group_variance(y, p)) == pytest.approx(0.25 * 100 + 0.25 * 100)
    assert float(ineq.index_of_disparity(y, None, np.array(20.0))) == pytest.approx(20 / 3 / 20 * 100)
    assert float(ineq.index_of_disparity(y, p, np.array(20.0))) == pytest.approx(5 / 20 * 100)
    theil = 0.25 * 0.5 * np.log(0.5) + 0.25 * 1.5 * np.log(1.5)
    assert float(ineq.theil(y, p)) == pytest.approx(theil * 1000)
    mld = 0.25 * -np.log(0.5) + 0.25 * -np.log(1.5)
    assert float(ineq.mean_log_deviation(y, p)) == pytest.approx(mld * 1000)


def test_theil_takes_zero_as_zero_and_mld_is_infinite() -> None:
    y, p = np.array([0.0, 10.0]), np.array([0.5, 0.5])
    assert float(ineq.theil(y, p)) == pytest.approx(0.5 * 2 * np.log(2) * 1000)
    assert not np.isfinite(ineq.mean_log_deviation(y, p))
