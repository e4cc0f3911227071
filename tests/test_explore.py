"""The exploration notebook and its steps: runs top to bottom under papermill and nbclient."""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

import evidence as ev
from evidence import explore
from evidence.display import show
from evidence.report import KERNEL_NAME, NOTEBOOKS, _kernel_dir

NOTEBOOK = NOTEBOOKS / "explore_gaps.ipynb"
FSM_PARAGRAPH = ("In 2024, grade 5 or above in English and maths for pupils eligible for free school meals was 25.0%, "
                 "against 39.7% for all pupils: a gap of 14.7 percentage points (95% confidence interval 11.8 to "
                 "17.4). The gap between pupils eligible for free school meals and all pupils narrowed from 20.9 to "
                 "14.7 percentage points, but grade 5 or above in English and maths for all pupils fell (got worse) "
                 "from 46.0% to 39.7%, while for pupils eligible for free school meals it showed no clear change (25.1% then, "
                 "25.0% now). This is levelling down, not progress.")


def _outputs(nb) -> tuple[list[dict], str]:
    outs = [o for c in nb.cells for o in c.get("outputs", [])]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outs)
    return outs, html


@pytest.fixture(scope="module")
def demo():
    return ev.demo.observations(), ev.demo.indicators()


def test_paragraph_for_the_demo_free_school_meals_gap(demo):
    obs, meta = demo
    sel = explore.select(obs, ["grade5_eng_maths"], ["free_school_meals"])
    g = ev.gaps(sel, indicators=meta)
    p = ev.progress(sel, "2018", "2024", indicators=meta)
    assert explore.committee_paragraph(g[g["period"] == "2024"], p) == FSM_PARAGRAPH


def test_paragraph_when_no_group_is_behind_and_with_suppressed_groups(demo):
    obs, meta = demo
    sel = explore.select(obs, ["attainment8_mean"], ["ethnicity"])
    g = ev.gaps(sel, indicators=meta)
    now = g[g["period"] == "2018"]
    text = explore.committee_paragraph(now, ev.progress(sel, "2018", "2024", indicators=meta))
    assert "2 groups are too small to publish and are not shown." in text
    nobody = now[now["group"] == "Chinese"]  # significantly ahead, so nobody is behind
    assert explore.committee_paragraph(nobody, pd.DataFrame(columns=["indicator"])).startswith(
        "In 2018, no group of pupils by ethnicity was clearly worse off than all pupils")


def test_gap_chart_has_alt_text_and_numbers_with_c_for_suppressed(demo, tmp_path):
    obs, meta = demo
    g = ev.gaps(explore.select(obs, ["attainment8_mean"], ["ethnicity"]), indicators=meta)
    html = explore.gap_chart_html(g, "attainment8_mean", "ethnicity", tmp_path)
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="Line chart\. ', html)
    assert "<td>[c]</td>" in html and not re.search(r"\bnan\b", re.sub(r'src="data:[^"]+"', "", html), re.I)
    assert (tmp_path / "explore_attainment8_mean_ethnicity_gap_over_time.svg").exists()
    assert "no gaps to chart" in explore.gap_chart_html(g, "attainment8_mean", "sex")


@pytest.fixture(autouse=True)
def _kernel(monkeypatch):
    """The kernel `evidence report` uses: this interpreter, whatever kernels are installed."""
    monkeypatch.setenv("JUPYTER_PATH", str(_kernel_dir()))


def test_runs_under_papermill_with_the_demo(tmp_path):
    import papermill as pm

    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NOTEBOOK), str(out), kernel_name=KERNEL_NAME, progress_bar=False, cwd=str(tmp_path),
                        parameters={"output_dir": "explore"})
    nb = nbformat.read(str(out), as_version=4)
    outs, html = _outputs(nb)
    assert not [o for o in outs if o.get("output_type") == "error"]
    assert FSM_PARAGRAPH.replace("'", "&#x27;") in html
    assert "Exploring grade 5 or above in English and maths by free school meals, 2018 to 2024" in html  # in words
    assert "14.7 (11.8 to 17.4)" in html and "✖</span> gap narrowed by levelling down" in html
    assert "Who is furthest behind on this measure in 2024" in html and "The trend across the years" in html
    assert not any("image/png" in o.get("data", {}) for o in outs)  # every chart has its text alternative
    assert (tmp_path / "explore" / "figures").is_dir()


def test_runs_under_nbclient_on_a_file_with_other_choices(tmp_path, demo, monkeypatch):
    obs, _ = demo
    obs.to_csv(tmp_path / "mine.csv", index=False)
    with pytest.raises(ev.EvidenceError, match='give the indicator metadata, such as indicators_path = "'):
        explore.load(None, str(tmp_path / "mine.csv"))  # a file that does not say which way is better
    obs.assign(polarity="higher_is_better").to_csv(tmp_path / "mine.csv", index=False)
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = re.sub(r'^indicator = .*$', 'indicator = ["employment_rate"]', cell.source, flags=re.M)
    cell.source = re.sub(r'^characteristic = .*$', 'characteristic = "disability"', cell.source, flags=re.M)
    cell.source = re.sub(r'^baseline = .*$', 'baseline = "2019"', cell.source, flags=re.M)
    cell.source = re.sub(r'^observations_path = .*$', 'observations_path = "mine.csv"', cell.source, flags=re.M)
    NotebookClient(nb, kernel_name=KERNEL_NAME, resources={"metadata": {"path": str(tmp_path)}},
                   timeout=300).execute()
    outs, html = _outputs(nb)
    assert not [o for o in outs if o.get("output_type") == "error"]
    assert "Exploring employment_rate by disability, 2019 to 2024" in html
    assert "Disabled" in html and "A paragraph for your committee paper" in html


def test_period_typed_without_quotes_stops_with_the_fix(tmp_path):
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as info:
        pm.execute_notebook(str(NOTEBOOK), str(tmp_path / "out.ipynb"), kernel_name=KERNEL_NAME,
                            progress_bar=False, cwd=str(tmp_path), parameters={"period": 2024 / 25})
    assert info.value.ename == "EvidenceError"
    assert 'write the period in quotes: period = "2024/25"' in info.value.evalue
    # stopped in the first cell after the parameters, before anything was computed
    assert info.value.source.startswith("# Cell: check the parameters")


def test_real_file_needs_an_area_then_gives_the_published_figures(tmp_path):
    from conftest import shared_file

    path = shared_file("data", "real", "smc_son26_in13_attainment_age16_by_disadvantage_ethnicity_sex.csv")
    (tmp_path / "ind.csv").write_text(
        "indicator,name,kind,polarity,unit,population\n"
        "in13_trend,grade 5 or above in English and maths,proportion,higher_is_better,%,pupils\n", encoding="utf-8")
    obs, meta = explore.load(None, str(path), str(tmp_path / "ind.csv"))
    with pytest.raises(ev.EvidenceError, match='choose one in the parameters cell, such as area = "'):
        explore.choose_area(obs, None)
    with pytest.raises(ev.EvidenceError, match='Did you mean "England"'):
        ev.check_parameters({"area": "Englnd"}, obs=obs)
    sel = explore.select(explore.choose_area(obs, "England"), ["in13_trend"], ["seb"])
    g = ev.gaps(sel, indicators=meta)
    now = show(g[g["period"] == "2024/25"]).frame.set_index("Group")
    # SMC State of the Nation 2026, IN13: 2024/25 England, disadvantaged 25.8%, not known to be disadvantaged 53.1%
    assert now.loc["Disadvantaged", "Value (%)"].startswith("25.8 (")
    assert now.loc["Not known to be disadvantaged", "Value (%)"].startswith("53.1 (")


def test_chart_and_paragraph_name_the_level_given(demo, tmp_path):
    obs, meta = demo
    sel = explore.select(obs, ["grade5_eng_maths"], ["free_school_meals"])
    g = ev.gaps(sel, indicators=meta, level=0.998)
    html = explore.gap_chart_html(g, "grade5_eng_maths", "free_school_meals", tmp_path, level=0.998)
    assert "shaded bands are 99.8% confidence intervals" in html and "95%" not in html
    svg = (tmp_path / "explore_grade5_eng_maths_free_school_meals_gap_over_time.svg").read_text()
    assert "99.8% confidence interval" in svg and "95%" not in svg
    p = ev.progress(sel, "2018", "2024", indicators=meta, level=0.998)
    text = explore.committee_paragraph(g[g["period"] == "2024"], p, 0.998)
    assert "(99.8% confidence interval" in text and "95%" not in text
