"""Indicator metadata: loading and validation."""

from __future__ import annotations

import pandas as pd
import pytest

from evidence import EvidenceError
from evidence.indicators import attach_metadata, load_indicators


def test_yaml_mapping(tmp_path):
    f = tmp_path / "ind.yaml"
    f.write_text("indicators:\n  employment_rate:\n    polarity: higher_is_better\n    kind: proportion\n"
                 "    unit: '%'\n    breaks: ['2021']\n")
    meta = load_indicators(f)
    assert meta.loc[0, "indicator"] == "employment_rate" and meta.loc[0, "breaks"] == ["2021"]


def test_bad_polarity_and_kind_named():
    with pytest.raises(EvidenceError) as exc:
        load_indicators([{"indicator": "a", "polarity": "up", "kind": "ratio"}])
    msg = str(exc.value)
    assert "indicator 'a'" in msg and "column 'polarity'" in msg and "column 'kind'" in msg


def test_duplicate_indicator():
    with pytest.raises(EvidenceError, match="defined twice"):
        load_indicators([{"indicator": "a", "polarity": "higher_is_better"}] * 2)


def test_observation_value_wins_over_metadata():
    obs = pd.DataFrame({"indicator": ["a", "a"], "polarity": ["lower_is_better", None]})
    out = attach_metadata(obs, [{"indicator": "a", "polarity": "higher_is_better"}])
    assert out["polarity"].tolist() == ["lower_is_better", "higher_is_better"]
