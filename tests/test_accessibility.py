"""The demo report as its readers meet it: in a real browser, checked by axe-core for WCAG 2.2 AA.

Needs Debian's chromium (``.ci/run`` installs it) and the test extra's
playwright and axe-playwright-python (axe-core bundled; no browser download:
Playwright drives the system Chromium through ``executable_path``). Skipped,
with the reason, where Chromium is missing.
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser

import pytest

import evidence as ev
from evidence.browser import FLAGS, find_chromium

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def browser():
    chromium = find_chromium()
    if chromium is None:
        if os.environ.get("EVIDENCE_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here (EVIDENCE_REQUIRE_BROWSER) but not installed")
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="install the test extra: pip install -e '.[test]'")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=[f for f in FLAGS if f != "--headless"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser, demo_report):
    pg = browser.new_page(viewport={"width": 1200, "height": 1600})
    pg.goto((demo_report / "report.html").as_uri())
    yield pg
    pg.close()


def test_axe_wcag_22_aa_no_violations(page, demo_report):
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA},
                                      "resultTypes": ["violations", "passes", "incomplete"]}).response
    summary = {"axe_version": result["testEngine"]["version"], "tags": WCAG_22_AA,
               "rules_passed": sorted(r["id"] for r in result["passes"]),
               "violations": [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
                              for v in result["violations"]],
               "incomplete": sorted(r["id"] for r in result["incomplete"])}
    (demo_report.parent / "axe-summary.json").write_text(json.dumps(summary, indent=2))
    print(f"axe {summary['axe_version']}: {len(summary['rules_passed'])} rules passed, "
          f"{len(summary['violations'])} violations, {len(summary['incomplete'])} to check by hand")
    assert summary["violations"] == [], json.dumps(summary["violations"], indent=2)
    assert len(summary["rules_passed"]) >= 15


def test_skip_link_is_the_first_thing_a_keyboard_reaches(page):
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.textContent, document.activeElement.getAttribute('href')]")
    assert focused == ["Skip to main content", "#main"]
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_screenshot_and_a4_pdf(page, demo_report, tmp_path):
    shot = tmp_path / "summary.png"
    page.locator("section[aria-labelledby=summary]").screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf[:4] == b"%PDF" and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) > 5


def test_charts_fit_an_a4_page(page):
    widths = page.evaluate("() => [...document.querySelectorAll('figure img')].map(i => i.naturalWidth)")
    assert widths and max(widths) <= 900  # 7.5 in at 110 dpi: fits A4 at full resolution


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings, self.tables, self.captions, self.th, self.imgs, self.lang = [], 0, 0, [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        self.tables += tag == "table"
        self.captions += tag == "caption"
        if tag == "th":
            self.th.append(a.get("scope"))
        if tag == "img":
            self.imgs.append(a.get("alt"))


def test_html_structure(demo_report):
    html = (demo_report / "report.html").read_text(encoding="utf-8")
    o = _Outline()
    o.feed(html)
    assert o.lang == "en-GB" and "<title>" in html
    assert o.headings.count(1) == 1 and o.headings[0] in (1, 2)
    assert all(b - a <= 1 for a, b in zip(o.headings, o.headings[1:], strict=False)), "heading levels skip"
    assert o.tables == o.captions and all(s in ("col", "row") for s in o.th)
    assert o.imgs and all(a and len(a) > 40 and "No description" not in a for a in o.imgs)
    assert '<nav aria-label="Contents"' in html and 'class="skip-link"' in html
    # status is never carried by colour alone
    assert "Red: not met" in html and "Green: met" in html and "✖" in html


def test_plain_english(demo_report):
    html = (demo_report / "report.html").read_text(encoding="utf-8")
    for term in ("Statistically significant", "Confidence interval", "Levelling down"):
        assert f"<dt>{term}</dt>" in html
    score = float(re.search(r"score (\d+) on the Flesch reading ease scale", html).group(1))
    assert score >= 60, f"generated text reads at {score}, below plain English (60)"


def test_report_pdf_command(demo_report, tmp_path):
    if find_chromium() is None:
        pytest.skip("Chromium is not installed")
    from evidence.browser import print_pdf

    pdf = print_pdf(demo_report / "report.html", tmp_path / "report.pdf")
    data = pdf.read_bytes()
    assert data[:4] == b"%PDF"
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", data)
    assert box and round(float(box.group(1))) == 595 and round(float(box.group(2))) == 842  # A4 in points
    assert ev.__version__


def test_verdicts_are_the_first_thing_after_the_title(demo_report):
    html = (demo_report / "report.html").read_text(encoding="utf-8")
    main = html[html.index("<main"):]
    h1 = main.index("<h1>")
    first_h2 = re.search(r"<h2[^>]*>(.*?)</h2>", main[h1:]).group(1)
    assert first_h2 == "Are we meeting our equality objectives?"
    between = re.sub(r"<[^>]+>", " ", main[main.index("</h1>"):main.index("Are we meeting")])
    assert len(between.split()) < 40  # at most a one-line lead, no contents list before the verdicts
    assert main.index("Are we meeting") < main.index('aria-label="Contents"')
    verdicts = main[main.index("Are we meeting"):main.index("</section>", main.index("Are we meeting"))]
    assert verdicts.count('<li><p class="verdict-head">') == 5 and "Levelling down: warnings" in verdicts


def test_no_sideways_scroll_on_a_phone(browser, demo_report):
    pg = browser.new_page(viewport={"width": 390, "height": 844})
    pg.goto((demo_report / "report.html").as_uri())
    widths = pg.evaluate("""() => {
        const s = document.querySelector('section[aria-labelledby=verdicts]');
        const summary = document.querySelector('section[aria-labelledby=summary]');
        return [document.documentElement.scrollWidth, document.documentElement.clientWidth,
                s.scrollWidth, s.clientWidth, summary.scrollWidth, summary.clientWidth];
    }""")
    pg.close()
    page_w, client_w, v_scroll, v_client, s_scroll, s_client = widths
    assert page_w <= client_w, f"the page scrolls sideways at 390 px ({page_w} > {client_w})"
    assert v_scroll <= v_client and s_scroll <= s_client


def test_any_objective_in_two_clicks(page):
    # one click from the verdict line (or the contents) reaches each objective's section
    links = page.evaluate("() => [...document.querySelectorAll('.verdict-list a')].map(a => a.getAttribute('href'))")
    assert len(links) == 5
    for href in links:
        assert page.evaluate(f"() => !!document.querySelector('{href}')")
