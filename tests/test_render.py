"""HTML pieces: accessible tables, status in words, figures with text and numbers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from evidence import render


def test_table_escapes_and_scopes():
    html = render.table_html(pd.DataFrame({"Group": ["<b>A</b>"], "Value": ["1 & 2"]}), "Caption")
    assert "<caption>Caption</caption>" in html and '<th scope="col">Group</th>' in html
    assert '<th scope="row">&lt;b&gt;A&lt;/b&gt;</th>' in html and "1 &amp; 2" in html


def test_rag_badge_says_its_status_in_words():
    for rag, label in (("green", "Green: met"), ("amber", "Amber: no clear change"), ("red", "Red: not met")):
        html = render.rag_badge(rag, label)
        assert label in html and 'aria-hidden="true"' in html


def test_figure_has_alt_caption_numbers_and_files(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    html = render.figure_html(fig, "a chart/2020/21", "Line chart. The gap narrowed from 4 to 3 points.", "Gap",
                              pd.DataFrame({"Year": ["2020"], "Gap": ["4.0"]}), tmp_path)
    assert 'alt="Line chart. The gap narrowed from 4 to 3 points."' in html
    assert "<details><summary>Show the numbers behind this chart</summary>" in html
    assert (tmp_path / "a_chart_2020_21.png").exists() and (tmp_path / "a_chart_2020_21.svg").exists()
