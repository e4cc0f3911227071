"""Period labels: styles, order and series breaks."""

from __future__ import annotations

import pytest

from evidence.periods import crosses_break, period_key, period_style, sort_periods


@pytest.mark.parametrize("label,style", [("2019", "year"), ("2019/20", "financial"), ("2019-20", "financial"),
                                         ("2019-Q1", "quarter"), ("2019 Q3", "quarter"), ("2019-03", "month"),
                                         ("2014-2019", "pooled"), ("Spring 2019", None)])
def test_styles(label, style):
    assert period_style(label) == style


def test_order():
    assert sort_periods(["2020/21", "2018/19", "2019/20"]) == ["2018/19", "2019/20", "2020/21"]
    assert sort_periods(["2019-Q4", "2019-Q1", "2020-Q1"]) == ["2019-Q1", "2019-Q4", "2020-Q1"]
    assert period_key("2014-2019") < period_key("2014-2025")


def test_breaks():
    assert crosses_break("2016", "2018", ["2017"]) == "2017"
    assert crosses_break("2018/19", "2023/24", ["2021/22"]) == "2021/22"
    assert crosses_break("2022", "2024", ["2021"]) is None
