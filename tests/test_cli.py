"""The command line: exit codes and messages without tracebacks."""

from __future__ import annotations

import pandas as pd

from evidence.cli import main


def test_validate_good_file(tmp_path, capsys):
    import evidence as ev

    f = tmp_path / "obs.csv"
    ev.demo.observations().to_csv(f, index=False)
    assert main(["validate", str(f)]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "periods (7): 2018" in out


def test_validate_bad_file_names_row_and_column(tmp_path, capsys):
    f = tmp_path / "bad.csv"
    pd.DataFrame({"indicator": ["x", "x"], "period": ["2020", "2020"], "characteristic": ["All", "sex"],
                  "group": ["All", "Female"], "value": ["50", "fifty"]}).to_csv(f, index=False)
    assert main(["validate", str(f)]) == 2
    out = capsys.readouterr().out
    assert "row 3" in out and "column 'value'" in out and "'fifty'" in out
    assert "Traceback" not in out


def test_demo_export(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "observations.csv").exists() and (tmp_path / "demo.xlsx").exists()


def test_no_command_prints_help(capsys):
    assert main([]) == 2


def test_demo_never_overwrites_without_force(tmp_path, capsys):
    (tmp_path / "observations.csv").write_text("my own data\n")
    assert main(["demo", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "observations.csv" in err and "--force" in err and "Traceback" not in err
    assert (tmp_path / "observations.csv").read_text() == "my own data\n"
    assert not (tmp_path / "demo.xlsx").exists()  # nothing half-written either
    assert main(["demo", "--out", str(tmp_path), "--force"]) == 0
    assert (tmp_path / "observations.csv").read_text().startswith("indicator")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.xlsx", "indicators.csv", "observations.csv"]


def test_demo_out_an_existing_file(tmp_path, capsys):
    f = tmp_path / "x.csv"
    f.write_text("keep")
    assert main(["demo", "--out", str(f)]) == 2
    assert f.read_text() == "keep"
