"""The equality screen ranks the largest significant disadvantages first."""

from __future__ import annotations

import evidence as ev


def test_screen_order_and_findings():
    s = ev.screen(ev.demo.observations(), "2024", indicators=ev.demo.indicators())
    flags = s["flag"].tolist()
    first_other = next(i for i, f in enumerate(flags) if f != "disadvantaged")
    assert set(flags[:first_other]) == {"disadvantaged"}
    top = s[s["flag"] == "disadvantaged"]["relative_gap"]
    assert top.is_monotonic_decreasing
    assert "worse off than" in s.iloc[0]["finding"]
    sup = s[s["flag"] == "suppressed"]
    assert len(sup) and sup["value"].isna().all()
