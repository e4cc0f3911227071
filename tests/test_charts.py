"""Charts never plot a suppressed value and keep their meaning without colour."""

from __future__ import annotations

import matplotlib.pyplot as plt

import evidence as ev
from evidence import charts


def _gaps():
    return ev.gaps(ev.demo.observations(), indicators=ev.demo.indicators())


def test_dot_plot_leaves_out_suppressed_groups():
    g = _gaps()
    c = g[(g.indicator == "attainment8_mean") & (g.period == "2018") & (g.characteristic == "ethnicity")]
    assert c["suppressed"].any()
    fig = charts.dot_plot(c, "t", "s")
    labels = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]
    assert set(labels) == set(c.loc[~c["suppressed"], "group"])
    plt.close(fig)


def test_gap_over_time_breaks_lines_at_suppressed_years():
    g = _gaps()
    s = g[(g.indicator == "attainment8_mean") & (g.group == "Roma")]
    assert s["suppressed"].any() and (~s["suppressed"]).any()
    fig = charts.gap_over_time(s, "t", "s")
    y = fig.axes[0].lines[0].get_ydata()
    assert len(y) == 7 and sum(v != v for v in y) == int(s["suppressed"].sum())  # NaN where suppressed
    plt.close(fig)


def test_status_grid_words_and_hatches():
    e = ev.Scheme.demo().evaluate(ev.demo.observations(), indicators=ev.demo.indicators())
    fig = charts.status_grid(e, "t", "s")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["Green: met", "Amber: unclear", "Red: not met"]
    hatches = {p.get_hatch() for p in fig.axes[0].patches}
    assert {"//", "xx"} <= hatches
    plt.close(fig)
