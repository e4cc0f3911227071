"""Charts never plot a suppressed value and keep their meaning without colour."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text

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
    assert legend == ["Green: met", "Amber: no clear change", "Red: not met", "Grey: not judged"]
    hatches = {p.get_hatch() for p in fig.axes[0].patches}
    assert {"//", "xx", ".."} <= hatches
    plt.close(fig)


def _label_boxes(fig):
    fig.canvas.draw()
    ax = fig.axes[0]
    r = fig.canvas.get_renderer()
    # the text's own box, not its leader line
    return ax, [Text.get_window_extent(t, r) for t in ax.texts if t.get_text().strip()], r


@pytest.mark.parametrize("measure,groups", [
    ("attainment8_mean", ["Black Caribbean", "White and Black Caribbean", "White British"]),
    ("employment_rate", ["Black African", "Black Caribbean", "White and Black Caribbean", "Roma", "White British"]),
])
def test_line_end_labels_never_overlap_each_other_or_the_zero_line(measure, groups):
    g = _gaps()
    s = g[(g.indicator == measure) & g.group.isin(groups)]
    fig = charts.gap_over_time(s, "t", "s")
    ax, boxes, _ = _label_boxes(fig)
    assert len(boxes) == len(groups)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), "two line-end labels overlap"
    zero = ax.transData.transform((0, 0))[1]
    assert all(not (b.y0 < zero < b.y1) for b in boxes), "a label sits on the zero line"
    plt.close(fig)


def test_missing_years_and_series_breaks_leave_a_gap():
    g = _gaps()
    s = g[(g.indicator == "good_level_development") & (g.group == "Eligible for free school meals")]
    assert set(s["period"]) == {"2018", "2019", "2022", "2023", "2024"}  # 2020 and 2021 not published
    fig = charts.gap_over_time(s, "t", "s", breaks=["2021"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2018", "2019", "2020", "2021", "2022", "2023", "2024"]
    drawn = [line for line in ax.lines if len(line.get_xdata()) > 2 or line.get_linestyle() == "-"]
    xs = [list(line.get_xdata()) for line in drawn if line.get_marker() not in (None, "None", "")]
    assert [0, 1, 2] in xs and [3, 4, 5, 6] in xs  # no line joins 2019 to 2022 across the break
    plt.close(fig)


def test_status_chart_with_one_group_is_a_bar_not_a_line():
    e = ev.Scheme.demo().evaluate(ev.demo.observations(), indicators=ev.demo.indicators())
    one = e[e["measure_id"] == "emp_disability"]
    fig = charts.status_grid(one, "t", "s")
    fig.canvas.draw()
    bar = max(fig.axes[0].patches, key=lambda p: p.get_width())
    height_px = bar.get_window_extent(fig.canvas.get_renderer()).height
    assert height_px > 40, f"the only bar is {height_px:.0f} pixels high"
    plt.close(fig)


def _texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.findobj(Text))


@pytest.mark.parametrize("level, label", [(0.998, "99.8%"), (0.9, "90%")])
def test_every_chart_key_names_the_level_it_was_given(level, label):
    g = ev.gaps(ev.demo.observations(), indicators=ev.demo.indicators(), level=level)
    s = g[(g.indicator == "employment_rate") & (g.group == "Disabled")]
    c = g[(g.indicator == "employment_rate") & (g.period == "2024") & (g.characteristic == "disability")]
    for fig in (charts.gap_over_time(s, "t", "s", level=level), charts.dot_plot(c, "t", "s", level=level),
                charts.values_over_time(s, "t", "s", level=level)):
        text = _texts(fig)
        assert f"{label} confidence interval" in text and "95%" not in text
        plt.close(fig)
