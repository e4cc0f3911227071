"""Words for readers: the confidence level named from the one setting."""

from __future__ import annotations

import pytest

from evidence.labels import level_label, level_odds


@pytest.mark.parametrize("level, label, odds", [
    (0.95, "95%", "95 out of 100"), (0.998, "99.8%", "998 out of 1,000"), (0.99, "99%", "99 out of 100"),
    (0.9, "90%", "90 out of 100"), (0.8, "80%", "80 out of 100"), (0.999, "99.9%", "999 out of 1,000"),
])
def test_level_label_and_odds(level, label, odds):
    assert level_label(level) == label and level_odds(level) == odds
