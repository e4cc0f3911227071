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


# ---------------------------------------------------------------- the report a committee reads
import re  # noqa: E402
import shutil  # noqa: E402
import warnings  # noqa: E402
from html.parser import HTMLParser  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

import evidence as ev  # noqa: E402
from conftest import shared_file  # noqa: E402
from evidence.results import build, load_data  # noqa: E402

REAL_SCHEMES = Path(__file__).parent / "data" / "real_schemes"
REAL = {
    "smc_in13": "smc_son26_in13_attainment_age16_by_disadvantage_ethnicity_sex.csv",
    "smc_in12": "smc_son26_in12_attainment_age11_by_disadvantage_ethnicity_sex.csv",
    "smc_in11": "smc_son26_in11_development_age5_by_disadvantage_ethnicity_idaci_decile.csv",
    "destinations": "dfe_ees_ks4_destinations_2020_21_revised_national_by_characteristic.csv",
}
#: codes and software talk a reader must never meet in a sentence
RAW = [r"\bseb\b", r"ethnicity[ _]broad", r"gap_not_widen", r"improve_where_gap", r"\bno_gap\b", r"Rag label",
       r"\b[a-z]+_[a-z_]+\b", r"toolkit", r"\bnan\b", r"\b1 (objectives|groups|measures|figures|comparisons)\b",
       r"around 0\b", r"Unclassified"]


def real_scheme(name: str, folder: Path) -> Path:
    """A scheme over a real published file (tests/data/real_schemes), pointed at ../shared/data/real."""
    data = shared_file("data", "real", REAL[name])
    for meta in REAL_SCHEMES.glob("*indicators.yaml"):
        shutil.copy(meta, folder / meta.name)
    path = folder / f"{name}.yaml"
    path.write_text((REAL_SCHEMES / f"{name}.yaml").read_text().replace("{path}", str(data)))
    return path


def real_results(name: str, folder: Path):
    scheme = ev.Scheme.from_yaml(real_scheme(name, folder))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        obs, meta, inputs = load_data(scheme)
    return build(scheme, obs, meta, inputs=inputs)


@pytest.fixture(scope="module")
def demo_results():
    return build(ev.Scheme.demo(), ev.demo.observations(), ev.demo.indicators())


def _bad_words(sentences: list[str]) -> list[str]:
    bad = [f"{s!r}: {p}" for s in sentences for p in RAW if re.search(p, s)]
    for s in sentences:
        between = re.search(r"between (.+?) and (.+?) (narrowed|widened|went|stayed|moved|in \d|changed)", s)
        if between and between.group(1).lower() == between.group(2).lower():
            bad.append(f"{s!r}: compares a group with itself")
        went = re.search(r"from ([\d.,]+%?) to ([\d.,]+%?)", s)
        if went and went.group(1) == went.group(2):
            bad.append(f"{s!r}: 'from x to x'")
    return bad


def test_demo_sentences_have_no_codes_self_comparisons_or_bad_plurals(demo_results):
    assert _bad_words(render.sentences(demo_results)) == []


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_file_reports_read_plainly(name, tmp_path):
    r = real_results(name, tmp_path)
    sentences = render.sentences(r)
    assert _bad_words(sentences) == []
    score = render.readability(r)
    assert score >= 60, f"{name}: generated text reads at {score:.1f}, below plain English (60)"


def test_reference_group_is_never_compared_with_itself(tmp_path):
    e = real_results("smc_in13", tmp_path).evaluation
    eth = e[e["measure_id"] == "in13_ethnicity"]
    assert len(eth) and "White British" not in set(eth["group"])


def test_unrecorded_groups_are_not_judged():
    obs = ev.demo.observations()
    extra = obs[(obs["indicator"] == "employment_rate") & (obs["group"] == "Arab")].assign(group="Unclassified")
    e = ev.Scheme.demo().evaluate(pd.concat([obs, extra], ignore_index=True), indicators=ev.demo.indicators())
    assert "Unclassified" not in set(e["group"])


def test_no_group_is_green_for_does_not_apply_or_no_data(demo_results):
    e = demo_results.evaluation
    assert not ((e["rag"] == "green") & e["status"].isin(["insufficient_data", "not_comparable"])).any()
    assert (e.loc[e["rule"] == "improve_where_gap"].query("status == 'no_gap'")["rag"] == "grey").all()
    # green only where the evidence shows the measure met
    green = e[e["rag"] == "green"]
    assert set(green["status"]) <= {"narrowed", "reversed", "improved", "level_maintained", "no_gap", "in_line"}
    closed = green[green["status"] == "no_gap"]
    assert (closed[["gap_lower_baseline", "gap_lower_current"]].abs() <= closed[["min_change"]].to_numpy()).all().all()
    # the page counts them as the evaluation does
    html = render.summary_html(demo_results)
    n_green = int((e["rag"] == "green").sum())
    assert f"Green: met</span>: {n_green} group" in html


def test_verdicts_per_objective(demo_results):
    html = render.verdicts_html(demo_results)
    assert html.index("Are we meeting our equality objectives?") < html.index("Close the gaps in school attainment")
    heads = re.findall(r'<a href="#obj-([a-z_]+)">.*?</a>: <span class="rag rag-(\w+)">.*?</span> ([A-Za-z ]+)</span>',
                       html)
    got = {o: (c, v) for o, c, v in heads}
    assert got["education"] == ("red", "Not met")  # Black Caribbean pupils fell further behind
    assert got["employment"] == ("amber", "Mixed")  # disabled residents caught up, Black African residents fell behind
    assert got["satisfaction"] == ("red", "Not met")  # groups with a gap did not clearly improve
    assert got["cohesion"] == ("amber", "Mixed")  # cohesion held; the workforce under-represents one group
    assert "Levelling down: warnings" in html and "free school meals" in html


class _Badges(HTMLParser):
    def __init__(self):
        super().__init__()
        self.badges, self._cls, self._text = [], None, ""

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag == "span" and cls.startswith("rag rag-"):
            self._cls, self._text = cls.split("rag-")[1], ""

    def handle_data(self, data):
        if self._cls is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "span" and self._cls is not None and self._text.strip() not in "✔▲✖○":
            self.badges.append((self._cls, self._text.strip().lstrip("✔▲✖○ ")))
            self._cls = None


def test_every_badge_says_the_colour_it_shows(demo_results):
    html = render.summary_html(demo_results) + render.verdicts_html(demo_results) + "".join(
        render.objective_html(demo_results, o) for o in demo_results.scheme.objectives)
    p = _Badges()
    p.feed(html)
    words = {"green": ("Green", "Met"), "amber": ("Amber", "Mixed"), "red": ("Red", "Not met"),
             "grey": ("Grey", "Not yet measurable")}
    assert p.badges
    for colour, text in p.badges:
        assert text.split(":")[0].strip().startswith(words[colour]), (colour, text)


@pytest.mark.parametrize("scheme_min,measure_min,rag", [(None, None, "red"), (1, None, "amber"), (1, 0.5, "red")])
def test_min_change_scheme_wide_and_per_measure(tmp_path, scheme_min, measure_min, rag):
    from conftest import employment

    text = ('name: Test\nbaseline: "2018"\ncurrent: "2024"\n'
            + (f"min_change: {scheme_min}\n" if scheme_min is not None else "")
            + "objectives:\n  - id: jobs\n    title: Jobs\n    measures:\n      - indicator: employment_rate\n"
            "        characteristics: [disability]\n        groups: [Disabled]\n        comparator: rest\n"
            + (f"        min_change: {measure_min}\n" if measure_min is not None else ""))
    (tmp_path / "s.yaml").write_text(text)
    # a 0.8-point widening, significant with 200,000 disabled residents
    row = ev.Scheme.from_yaml(tmp_path / "s.yaml").evaluate(
        employment((52, 51.5), (80, 80.3), 200000, 800000)).iloc[0]
    assert row["status"] == "widened" and row["rag"] == rag
    if rag == "amber":
        assert "less than the 1.0 percentage points the scheme counts as a real change" in row["summary"]


def test_level_chart_title_agrees_with_the_status(demo_results, tmp_path):
    m = next(m for _, m in demo_results.scheme.measures() if m.id == "get_on_well")
    html = render.measure_html(demo_results, m, demo_results.evaluation.query("measure_id == 'get_on_well'"), None)
    assert "Green: met" in html and "held its level and stayed above the level to keep" in html
    below = demo_results.evaluation.copy()
    below.loc[below["measure_id"] == "get_on_well", ["status", "rag", "rag_label"]] = ["below_level", "red",
                                                                                      "Red: not met"]
    from dataclasses import replace

    r2 = replace(demo_results, evaluation=below)
    html = render.measure_html(r2, m, below.query("measure_id == 'get_on_well'"), None)
    assert "Red: not met" in html and "stayed above" not in html and "fell by more than chance" in html


# ---------------------------------------------------------------- the confidence level, from the one setting
def _page(r, figdir: Path) -> str:
    """Every section the report notebook shows, as one page (images left out: their text is checked in SVG)."""
    parts = [render.title_html(r), render.verdicts_html(r), render.summary_html(r, figdir)]
    parts += [render.objective_html(r, o, figdir) for o in r.scheme.objectives]
    parts += [render.levelling_down_html(r), render.screen_html(r), render.quality_html(r),
              render.glossary_html(r), render.methods_html(r)]
    return re.sub(r'src="data:image/png;base64,[^"]*"', "", "\n".join(parts))


@pytest.fixture(scope="module")
def results_998():
    return build(ev.Scheme.demo(), ev.demo.observations(), ev.demo.indicators(), level=0.998)


def test_report_at_998_names_998_in_tables_charts_alt_text_and_glossary(results_998, tmp_path):
    page = _page(results_998, tmp_path)
    assert "95%" not in page and "95 out of 100" not in page
    assert "Value (%), with 99.8% confidence interval" in page and "with 99.8% confidence intervals" in page
    assert "We use 99.8%: if we could repeat the count many times, 998 out of 1,000" in page
    assert "Confidence intervals are 99.8%." in page
    svgs = {p.name: p.read_text() for p in tmp_path.glob("*.svg")}
    assert svgs and not [n for n, t in svgs.items() if "95%" in t]
    keyed = [n for n, t in svgs.items() if "99.8% confidence interval" in t]
    assert any("gap_over_time" in n for n in keyed) and any("dots" in n for n in keyed)


def test_glossary_never_names_a_level_it_was_not_given():
    assert "We use 95%: if we could repeat the count many times, 95 out of 100" in render.glossary_html(0.95)
    assert "%" not in render.glossary_html()


# ---------------------------------------------------------------- chart titles for each polarity
_FLIPPED = {"grade5_eng_maths": "no_grade5", "employment_rate": "not_in_work", "get_on_well": "not_get_on_well"}


def _polarity_results(tmp_path: Path, lower: bool, level: float = 85):
    """Three demo measures as the demo has them, or turned round into lower-is-better ones (not in work...).

    Turned round, every gap, status and levelling-down case stays the same; only which way is better changes.
    """
    obs, meta = ev.demo.observations(), ev.demo.indicators()
    obs = obs[obs["indicator"].isin(list(_FLIPPED))].copy()
    meta = meta[meta["indicator"].isin(list(_FLIPPED))].copy()
    if lower:
        obs["numerator"] = obs["denominator"] - obs["numerator"]
        obs["value"] = 100 - obs["value"]
        obs[["lower", "upper"]] = 100 - obs[["upper", "lower"]].to_numpy()
        obs["indicator"] = obs["indicator"].map(_FLIPPED)
        meta["indicator"] = meta["indicator"].map(_FLIPPED)
        meta["name"] = "not " + meta["name"]
        meta["polarity"] = "lower_is_better"
        level = 100 - level
    ind = dict(zip(_FLIPPED, meta["indicator"], strict=True)) if lower else {k: k for k in _FLIPPED}
    scheme = tmp_path / "scheme.yaml"
    scheme.write_text(f"""name: Polarity
baseline: "2018"
current: "2024"
objectives:
  - id: o
    title: Gaps
    measures:
      - {{id: fsm, title: Grade 5, indicator: {ind['grade5_eng_maths']}, characteristics: [free_school_meals],
         groups: [Eligible for free school meals]}}
      - {{id: work, title: Work, indicator: {ind['employment_rate']}, characteristics: [disability]}}
      - {{id: keep, title: Cohesion, indicator: {ind['get_on_well']}, rule: maintain_level, level: {level}}}
""")
    return build(ev.Scheme.from_yaml(scheme), obs, meta)


@pytest.mark.parametrize("lower", [False, True], ids=["higher_is_better", "lower_is_better"])
@pytest.mark.parametrize("keep", [85, 87], ids=["level_kept", "level_passed"])
def test_chart_titles_say_behind_and_worse_the_right_way_round(tmp_path, lower, keep):
    r = _polarity_results(tmp_path, lower, keep)
    page = render.objective_html(r, r.scheme.objectives[0], None)
    alts = re.findall(r'alt="([^"]*)"', page)
    dots = [a for a in alts if a.startswith("Dot chart.") and "furthest behind" in a]
    assert dots and all((" above all " if lower else " below all ") in a for a in dots), dots
    levelling = [a for a in alts if "The gap closed because" in a]
    assert levelling and all("did worse, not because" in a and " fell" not in a.split(".")[1] for a in levelling)
    level = [a for a in alts if a.startswith("Line chart.") and ("level" in a.lower())]
    row = r.evaluation.set_index("measure_id").loc["keep"]
    if keep == 85:  # everyone's 86.5% (13.5% turned round) is well inside the level
        assert row["status"] == "level_maintained"
        assert any(("stayed below" if lower else "stayed above") in a for a in level), level
    else:  # and past 87% (13%) in 2024
        assert row["status"] == "below_level"
        assert any(("rose above" if lower else "fell below") in a for a in level), level
        assert ("above the level to keep" if lower else "below the level to keep") in row["summary"]


# ---------------------------------------------------------------- one format, one table of words
def test_numbers_behind_the_charts_use_the_one_interval_format_and_c_for_suppressed(demo_results, tmp_path):
    """The report's tables write a figure as ev.show does: ``25.8 (25.6 to 26.0)``, [c] when suppressed."""
    from evidence.display import interval

    page = "".join(render.objective_html(demo_results, o, tmp_path) for o in demo_results.scheme.objectives)
    s = demo_results.series
    row = s[(s["indicator"] == "employment_rate") & (s["group"] == "Disabled") & (s["period"] == "2024")].iloc[0]
    assert f"<td>{interval(row['value'], row['lower'], row['upper'])}</td>" in page  # the dot chart's numbers
    assert f"<td>{interval(row['gap'], row['gap_lower'], row['gap_upper'])}</td>" in page  # the gap chart's
    assert "Lower 95% limit" not in page
    roma = s[(s["indicator"] == "attainment8_mean") & (s["group"] == "Roma") & (s["period"] == "2024")]
    if len(roma) and roma["suppressed"].iloc[0]:
        assert re.search(r'<th scope="row">Roma</th><td>\[c\]</td><td>\[c\]</td>', page)


def test_one_table_of_status_words_for_the_report_files_and_show(demo_results, tmp_path):
    """Every status reads the same in the workbook, the CSV-derived headings and ev.show: one table, in labels."""
    import openpyxl

    from evidence import display, labels, outputs

    assert display.STATUS_WORDS is labels.STATUS_WORDS
    assert not hasattr(outputs, "_STATUS_WORDS")
    assert set(labels.STATUS_WORDS) >= set(ev.scheme.RAG)  # every status the scheme rates has its words
    path = outputs.write_excel(demo_results, tmp_path / "t.xlsx")
    rows = list(openpyxl.load_workbook(path, read_only=True)["Measures"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "Objective")
    results = {r[rows[head].index("Result")] for r in rows[head + 1:]}
    ev_ = demo_results.evaluation
    assert results == {labels.STATUS_WORDS[s] for s in ev_["status"]}
    shown = {w for _, w in map(display.status_words, ev_["status"])}
    assert shown == results


# ---------------------------------------------------------------- one year: the scheme's baseline report
@pytest.mark.parametrize("only_one_period", [False, True], ids=["baseline_is_current", "data_of_one_year"])
def test_one_year_report_never_says_from_x_to_x_or_claims_a_change(only_one_period):
    obs = ev.demo.observations()
    if only_one_period:
        obs = obs[obs["period"] == "2024"]
    r = build(ev.Scheme.demo(), obs, ev.demo.indicators(), period="2024", baseline="2024")
    said = render.sentences(r)
    page = " ".join([render.title_html(r), render.verdicts_html(r), render.summary_html(r),
                     *(render.objective_html(r, o) for o in r.scheme.objectives), render.levelling_down_html(r)])
    assert "2024 to 2024" not in page and "2024 and 2024" not in page and "2024 or 2024" not in page
    assert not re.search(r"\bfrom ([\d.,]+%?( \w+)*) to \1\b", page), "from x to x"
    assert not [s for s in said if re.search(r"stayed at|hardly moved|small enough to be chance|narrowed|widened", s)]
    assert "baseline report, 2024" in page and "We made" not in page
    judged = r.evaluation[r.evaluation["rule"] != "representation"]
    assert set(judged["rag"]) == {"grey"} and set(judged["rag_label"]) == {"Grey: not yet measurable"}
    assert judged["gap_change"].isna().all()
    fsm = judged[judged["group"] == "Eligible for free school meals"]["summary"].iloc[0]
    assert fsm.startswith("In 2024, the year the scheme measures from, pupils eligible for free school meals were "
                          "14.7 percentage points behind all pupils")
    assert _bad_words(said) == []


# ---------------------------------------------------------------- comparator areas beside the scheme's own
def test_comparator_areas_shown_beside_the_area_with_each_gap(tmp_path):
    import numpy as np

    obs = ev.demo.observations()
    england = obs.assign(area="England")
    counts = england["denominator"].notna() & england["lower"].isna()  # England's own counts, a little higher
    england.loc[counts, "numerator"] = (england.loc[counts, "numerator"] * 1.1).round().clip(
        upper=england.loc[counts, "denominator"])
    england["value"] = np.where(counts, 100 * england["numerator"] / england["denominator"], england["value"])
    both = pd.concat([obs, england], ignore_index=True)
    text = (Path(ev.__file__).parent / "schemes" / "demo.yaml").read_text()
    path = tmp_path / "two.yaml"
    path.write_text(text + '\narea: "Northbrook (fictional)"\ncomparator_areas: [England]\n')
    r = build(ev.Scheme.from_yaml(path), both, ev.demo.indicators())
    m = next(m for _, m in r.scheme.measures() if m.id == "g5_fsm")
    html = render.areas_html(r, m)
    assert "Beside other areas: Northbrook (fictional) and England in 2024" in html
    assert '<th scope="col">Gap, England (percentage points)</th>' in html
    a = r.areas[(r.areas["indicator"] == "grade5_eng_maths") & (r.areas["period"] == "2024")].set_index(["area", "group"])
    gap = a.loc[("England", "All"), "value"] - a.loc[("England", "Eligible for free school meals"), "value"]
    from evidence.display import interval

    assert f"<td>{interval(gap)}</td>" in html  # England's gap, beside ours
    assert render.areas_html(build(ev.Scheme.demo(), obs, ev.demo.indicators()), m) == ""  # one area: nothing
