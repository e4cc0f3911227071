"""Hostile and mistaken inputs: each is exit 2 with a message naming what to fix, never a traceback,
and no file outside the output folder changes (inputs are never modified)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

import evidence as ev
from evidence.cli import main

DEMO_SCHEME = (Path(ev.__file__).parent / "schemes" / "demo.yaml").read_text()


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def work(tmp_path, monkeypatch):
    """A folder with the demo's files, as a user who followed "copy the demo" has."""
    monkeypatch.chdir(tmp_path)
    ev.demo.export(tmp_path)
    scheme = DEMO_SCHEME.replace("observations: demo", "observations: observations.csv").replace(
        "indicators: demo", "indicators: indicators.csv")
    (tmp_path / "scheme.yaml").write_text(scheme)
    return tmp_path


def _scheme(work: Path, old: str, new: str, name: str = "bad.yaml") -> str:
    text = (work / "scheme.yaml").read_text()
    assert old in text, old
    (work / name).write_text(text.replace(old, new, 1))
    return name


def _obs(work: Path, name: str, change) -> str:
    df = pd.read_csv(work / "observations.csv", dtype=str)
    change(df).to_csv(work / name, index=False)
    return name


def _mixed_periods(df):
    df = df.copy()
    first = df["indicator"] == df["indicator"].iloc[0]
    df.loc[first & (df["period"] == "2018"), "period"] = "2018/19"
    df.loc[df.index[5], "period"] = "last year"
    return df


CASES = {
    # name: (setup(work) -> argv, words the message must have)
    "csv named .xlsx": (lambda w: (w / "data.xlsx").write_bytes((w / "observations.csv").read_bytes())
                        and ["validate", "data.xlsx"], ["not an Excel workbook", "rename it to end .csv"]),
    "junk named .xlsx": (lambda w: (w / "junk.xlsx").write_bytes(bytes(range(256)) * 8) and ["validate", "junk.xlsx"],
                         ["not an Excel workbook", "not a text table either"]),
    "binary junk named .csv": (lambda w: (w / "junk.csv").write_bytes(b"\x00\x01\x02garbage" * 50)
                               and ["validate", "junk.csv"], ["not a text table"]),
    "mixed period styles and an unrecognised label": (lambda w: ["validate", _obs(w, "mixed.csv", _mixed_periods)],
                                                      ["'last year'", "not a recognised time label", "mixes period styles"]),
    "--format eff on a file without its columns": (lambda w: ["validate", "--format", "eff", "observations.csv"],
                                                   ["not a file in the 'eff' format", "Ethnicity"]),
    "--format smc on a file without its columns": (lambda w: ["validate", "--format", "smc", "observations.csv"],
                                                   ["not a file in the 'smc' format", "measure_code"]),
    "mapping YAML with a syntax error": (lambda w: (w / "map.yaml").write_text("columns:\n  group: [a\n  value: b\n")
                                         and ["validate", "--mapping", "map.yaml", "observations.csv"],
                                         ["map.yaml", "line 3", "not valid YAML"]),
    "python tag in a mapping": (lambda w: (w / "map.yaml").write_text("columns: !!python/object/apply:os.system ['echo hi']\n")
                                and ["validate", "--mapping", "map.yaml", "observations.csv"],
                                ["map.yaml", "line 1", "!!python/object/apply:os.system is not allowed"]),
    "python tag in indicator metadata": (lambda w: (w / "ind.yaml").write_text(
        "- indicator: !!python/object/apply:os.system ['echo hi']\n  polarity: higher_is_better\n")
        and ["validate", "--indicators", "ind.yaml", "observations.csv"], ["ind.yaml", "line 1", "is not allowed"]),
    "scheme option typo filter for filters": (lambda w: ["validate", _scheme(
        w, "observations: observations.csv", "observations:\n    - path: observations.csv\n      filter: {area: x}")],
        ["unknown key 'filter' (did you mean 'filters'?)", "line 29"]),
    "--level 95": (lambda w: ["report", "--scheme", "scheme.yaml", "--level", "95"], ["did you mean 0.95"]),
    "level: 95 in the scheme": (lambda w: ["validate", _scheme(w, "level: 0.95", "level: 95")],
                                ["'level' is a confidence level", "line 15"]),
    "header-only file": (lambda w: (w / "empty.csv").write_text("indicator,period,characteristic,group,value\n")
                         and ["validate", "empty.csv"], ["no observations were read"]),
    "a filter that matches nothing": (lambda w: ["validate", "--filter", "area=Nowhere", "observations.csv"],
                                      ["filter value 'Nowhere' is not in this column", "Northbrook (fictional)"]),
    "a filter on a column that does not exist": (lambda w: ["validate", "--filter", "institution=x", "observations.csv"],
                                                 ["cannot filter on 'institution'"]),
    "--period not in the data (next year's cron run)": (lambda w: ["report", "--scheme", "scheme.yaml", "--period", "2025"],
                                                        ["period 2025 is not in the data"]),
    "period in the file but not for a measure's indicator": (lambda w: ["validate", "--period", "2024", _scheme(
        w, "observations: observations.csv", "observations: partial.csv", "partial.yaml")] if _obs(
        w, "partial.csv", lambda d: d[~((d["indicator"] == "employment_rate") & (d["period"] == "2024"))]) else [],
        ["indicator 'employment_rate' has no data for the current period 2024"]),
    "a group the data do not have": (lambda w: ["validate", _scheme(w, "groups: [Disabled]", "groups: [Disabld]")],
                                     ["no group 'Disabld'", "did you mean 'Disabled'"]),
    "a reference group the data do not have": (lambda w: ["validate", _scheme(
        w, "        groups: [Eligible for free school meals]\n        comparator: overall",
        "        groups: [Eligible for free school meals]\n        comparator: reference\n"
        "        reference: {free_school_meals: Not eligble}")], ["reference group 'Not eligble'"]),
    "duplicate objectives key": (lambda w: ["validate", _scheme(w, "objectives:\n", "objectives: []\nobjectives:\n")],
                                 ["key 'objectives' is given twice"]),
    "YAML alias bomb": (lambda w: (w / "bomb.yaml").write_text(
        "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join(
            [f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(10))) and ["validate", "bomb.yaml"],
        ["aliases", "are not allowed"]),
    "scheme area not in the data": (lambda w: ["validate", _scheme(w, "slug: demo", "slug: demo\narea: Barnet")],
                                    ["the scheme's area 'Barnet' is not in the data", "Northbrook (fictional)"]),
    "demo over the user's own files": (lambda w: ["demo", "--out", "."], ["already exists", "--force"]),
    "init over an existing scheme": (lambda w: ["init", "observations.csv", "--out", "scheme.yaml"],
                                     ["already exists", "--force"]),
    "report --out over the user's folder": (lambda w: ["report", "--out", "."], ["not written by evidence"]),
    # mappings written by hand: every mistake is named by its key, never a fault in evidence (exit 3)
    "mapping with a broken wide pattern": (lambda w: _mapping(w, "wide: {columns: '^(abc$', into: group}\n"),
                                           ["map.yaml", "'wide.columns' is not a valid pattern", "brackets"]),
    "mapping header_row as words": (lambda w: _mapping(w, "header_row: three\n"),
                                    ["map.yaml", "'header_row' must be a row number"]),
    "mapping wide as a list": (lambda w: _mapping(w, "wide: [a]\n"), ["map.yaml", "'wide' must be a mapping"]),
    "mapping columns as one name": (lambda w: (w / "map.yaml").write_text("columns: group\n")
                                    and ["validate", "--mapping", "map.yaml", "observations.csv"],
                                    ["map.yaml", "'columns' must be a mapping"]),
    "mapping filter on a column not in the file": (lambda w: _mapping(w, "filters: {school: x}\n"),
                                                   ["cannot filter on 'school'", "the columns are indicator"]),
    "mapping filter value not in the file": (lambda w: _mapping(w, "filters: {area: Nowhere}\n"),
                                             ["filter value 'Nowhere' is not in this column", "Northbrook"]),
    "a folder named as a data file": (lambda w: (w / "raw").mkdir() or ["validate", "raw"], ["is a folder, not a file"]),
    "validate scheme --filter on a column not in its data": (
        lambda w: ["validate", "scheme.yaml", "--filter", "school=x"], ["cannot filter on 'school'"]),
    "validate scheme --filter with only demo data": (lambda w: ["validate", _scheme(
        w, "observations: observations.csv", "observations: demo"), "--filter", "area=x"],
        ["--filter area=x cannot apply", "built-in demo"]),
    "init a scheme whose mapping is missing": (lambda w: ["init", "observations.csv", "--out", "new.yaml", "--mapping",
                                                          "nosuch.yaml"], ["nosuch.yaml", "file not found"]),
}


def _mapping(work: Path, extra: str) -> list[str]:
    """A mapping of the demo's own columns plus one mistake, as a user writes it."""
    (work / "map.yaml").write_text("columns: {indicator: indicator, period: period, characteristic: characteristic, "
                                   "group: group, value: value}\n" + extra)
    return ["validate", "--mapping", "map.yaml", "observations.csv"]


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_input(case, work, capsys):
    setup, words = CASES[case]
    argv = setup(work)
    before = _tree(work)
    with pytest.raises(SystemExit) if argv[0] == "report" and "--level" in argv else _nullcontext() as ex:
        code = main(argv)
    code = ex.value.code if ex is not None and hasattr(ex, "value") else code
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 2, text
    for w in words:
        assert w in text, (w, text)
    assert "Traceback" not in text
    assert _tree(work) == before  # nothing written, nothing changed, nothing hidden


class _nullcontext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def test_demo_files_are_a_working_start(work, capsys):
    """The documented route "copy the demo": the indicators CSV evidence demo writes (a year in breaks) loads."""
    assert main(["validate", "scheme.yaml"]) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert "results: " in out and "OK" in out


def test_misspelt_column_is_named_with_a_suggestion(work, capsys):
    name = _obs(work, "typo.csv", lambda d: d.rename(columns={"denominator": "denominater"}))
    assert main(["validate", name]) == 0
    assert "'denominater' (did you mean 'denominator'?)" in capsys.readouterr().out


def test_utf16_tab_separated_is_read(work, capsys):
    """Excel's "Unicode text" export: UTF-16 with tabs."""
    pd.read_csv(work / "observations.csv", dtype=str).to_csv(work / "unicode.txt", sep="\t", index=False,
                                                             encoding="utf-16")
    assert main(["validate", "unicode.txt"]) == 0
    assert f"{len(ev.demo.observations())} rows" in capsys.readouterr().out


def test_unexpected_error_has_no_traceback(monkeypatch, capsys, tmp_path):
    import evidence.filecheck as fc

    def boom(*a, **k):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(fc, "validate_files", boom)
    monkeypatch.delenv("EVIDENCE_DEBUG", raising=False)
    assert main(["validate", str(tmp_path / "x.csv")]) == 3
    err = capsys.readouterr().err
    assert "ZeroDivisionError: bug" in err and "fault in evidence" in err and "Traceback" not in err
