"""`evidence report --notebook`: a built-in notebook by name or the officer's own copy, with every output."""

from __future__ import annotations

import hashlib
import json

import nbformat
import pytest

from conftest import run_cli
from evidence.cli import main
from evidence.errors import EvidenceError
from evidence.report import NOTEBOOKS


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def user_run(tmp_path_factory):
    """An officer copies the notebooks, adds a cell of their own to the report and runs it."""
    cwd = tmp_path_factory.mktemp("officer")
    templates = {p: _sha(p) for p in NOTEBOOKS.glob("*.ipynb")}
    assert run_cli("notebooks", cwd=cwd).returncode == 0
    copy = cwd / "scheme_progress.ipynb"
    nb = nbformat.read(str(copy), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "# Cell: our own note\ndisplay(HTML('<h2 id=\"ours\">Our own note</h2><p>Checked by the policy team.</p>'))"))
    nbformat.write(nb, str(copy))
    done = run_cli("report", "--notebook", "scheme_progress.ipynb", "--out", "ours", cwd=cwd)
    return cwd, copy, templates, done


def test_user_copy_with_extra_cell_is_run(user_run):
    cwd, copy, _, done = user_run
    assert done.returncode == 0, done.stderr
    html = (cwd / "ours" / "report.html").read_text(encoding="utf-8")
    assert "Checked by the policy team." in html and '<a href="#ours">Our own note</a>' in html
    assert "Northbrook Single Equality Scheme" in html  # and everything the report has
    for name in ("tables.xlsx", "manifest.json", "report.ipynb"):
        assert (cwd / "ours" / name).exists()


def test_manifest_records_the_notebook_and_its_hash(user_run):
    cwd, copy, _, _ = user_run
    manifest = json.loads((cwd / "ours" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["notebook"] == {"file": str(copy.resolve()), "sha256": _sha(copy), "built_in": False}


def test_package_templates_unchanged_by_editing_the_copy(user_run):
    _, copy, templates, _ = user_run
    assert "Our own note" in copy.read_text(encoding="utf-8")
    assert {p: _sha(p) for p in templates} == templates


@pytest.mark.parametrize("args, message", [
    (["-p", "indicator=grade5_eng_math"], 'Did you mean "grade5_eng_maths"?'),
    (["-p", "characteristic=free_school_meal"], 'Did you mean "free_school_meals"?'),
    (["--observations", "data/missing.csv"], "there is no file at {cwd}/data/missing.csv"),
    (["--period", "80.96"], 'write the period in quotes: period = "2024/25"'),
    (["-p", "comparator=everyone"], "comparator: 'everyone' is not a comparator"),
    (["--notebook", "mine.ipynb"], "there is no notebook at {cwd}/mine.ipynb"),
    (["-p", "period=2024"], "--parameter cannot set period (use --period)"),
])
def test_bad_parameter_exit_2_with_the_message(tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    nb = [] if "--notebook" in args else ["--notebook", "explore_gaps"]
    assert main(["report", *nb, *args, "--out", "out"]) == 2
    err = capsys.readouterr().err
    assert message.format(cwd=tmp_path) in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_level_outside_zero_to_one_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    try:
        code = main(["report", "--level", "95"])
    except SystemExit as exc:  # where the option's own type refuses it first
        code = exc.code
    assert code == 2 and "0.95" in capsys.readouterr().err
    from evidence.report import report

    with pytest.raises(EvidenceError, match="write level = 0.95"):
        report(level=95)


def test_bad_parameter_from_the_command_line_in_a_separate_process(tmp_path):
    done = run_cli("report", "--notebook", "explore_gaps", "-p", "indicator=grade5_eng_math", cwd=tmp_path)
    assert done.returncode == 2 and 'Did you mean "grade5_eng_maths"?' in done.stderr
    assert "Traceback" not in done.stderr
