"""The built-in demo is deterministic, valid and exportable."""

from __future__ import annotations

import pandas as pd

import evidence as ev


def test_deterministic_and_valid():
    a, b = ev.demo.observations(), ev.demo.observations()
    pd.testing.assert_frame_equal(a, b)
    out = ev.validate(a, indicators=ev.demo.indicators(), require_all=True, require_polarity=True)
    assert set(out["period"]) == {str(y) for y in range(2018, 2025)}
    assert "ethnicity" in set(out["characteristic"])
    eth = out[(out.characteristic == "ethnicity") & (out.indicator != "workforce_share")]
    assert eth["group"].nunique() == 19  # staff headcounts also have "Prefer not to say"


def test_export(tmp_path):
    paths = ev.demo.export(tmp_path)
    back = pd.read_csv(paths[0], dtype={"period": str})
    assert len(back) == len(ev.demo.observations())
    assert pd.read_excel(paths[2], sheet_name="observations").shape[0] == len(back)


def test_demo_uses_every_ons_2021_group():
    from evidence.demo import _ETHNICITY
    from evidence.ethnicity import ONS_2021

    assert set(_ETHNICITY) == set(ONS_2021)
