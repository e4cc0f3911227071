"""The equality screen ranks the largest significant disadvantages first."""

from __future__ import annotations

import evidence as ev


def test_screen_order_and_findings():
    s = ev.screen(ev.demo.observations(), "2024", indicators=ev.demo.indicators())
    flags = s["flag"].tolist()
    first_other = next(i for i, f in enumerate(flags) if f != "disadvantaged")
    assert set(flags[:first_other]) == {"disadvantaged"}
    top = s[s["flag"] == "disadvantaged"]["relative_gap_lower"]  # the disadvantage the data are sure of
    assert top.is_monotonic_decreasing
    assert "worse off than" in s.iloc[0]["finding"]
    sup = s[s["flag"] == "suppressed"]
    assert len(sup) and sup["value"].isna().all()


def test_a_tiny_zero_percent_group_does_not_rank_first():
    import pandas as pd

    # group A: 0 of 12 (relative gap infinite, very uncertain); group B: 30% of 2,000 against 60% (certain)
    df = pd.DataFrame({"indicator": "x", "period": "2024", "characteristic": ["All", "c", "c", "c"],
                       "group": ["All", "A", "B", "C"], "numerator": [4800, 0, 600, 4200],
                       "denominator": [8012, 12, 2000, 6000], "polarity": "higher_is_better", "kind": "proportion",
                       "unit": "%"})
    df["value"] = 100 * df["numerator"] / df["denominator"]
    s = ev.screen(df, "2024", comparator="rest", suppress_small=False)
    assert s.iloc[0]["group"] == "B"
    a = s[s["group"] == "A"].iloc[0]
    assert a["relative_gap_lower"] <= a["relative_gap"]  # the interval contains its own (infinite) estimate


def test_findings_word_for_word_as_the_row_by_row_wording():
    """The vectorised findings equal _finding (the specification) on every row, for every flag."""
    import numpy as np
    import pandas as pd

    from evidence.screen import _finding, findings

    s = ev.screen(ev.demo.observations(), "2024", indicators=ev.demo.indicators())
    # one hand-made row per flag as well, with a lower-is-better unit of its own
    extra = s.head(6).copy()
    extra["flag"] = ["suppressed", "no value", "disadvantaged", "advantaged", "no interval", "no clear gap"]
    extra["unit"] = [None, "", "points", "%", "per 100,000", "%"]
    extra["gap"] = [np.nan, np.nan, 2.25, -0.05, 1234.5, 0.0]
    both = pd.concat([s, extra], ignore_index=True)
    assert set(both["flag"]) == {"suppressed", "no value", "disadvantaged", "advantaged", "no interval", "no clear gap"}
    assert findings(both).tolist() == [_finding(r) for _, r in both.iterrows()]


def test_screen_order_is_the_stable_sort_by_flag_ratio_and_names():
    """The integer-code sort gives the order sort_values gives on the text (the specification)."""
    import numpy as np
    import pandas as pd

    from evidence.screen import FLAGS

    s = ev.screen(ev.demo.observations(), "2024", indicators=ev.demo.indicators())
    rank_by = s["relative_gap_lower"].where(np.isfinite(s["relative_gap_lower"]), s["relative_gap"])
    rank_by = rank_by.where(np.isfinite(rank_by), np.nan)
    spec = s.assign(_o=s["flag"].map({f: i for i, f in enumerate(FLAGS)}), _r=-rank_by.fillna(0)).sample(
        frac=1, random_state=3).sort_values(["_o", "_r", "indicator", "characteristic", "group"], kind="stable")
    assert spec["rank"].tolist() == list(range(1, len(s) + 1))
    assert s["rank"].tolist() == list(range(1, len(s) + 1)) and isinstance(s.index, pd.RangeIndex)
