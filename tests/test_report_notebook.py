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
    return _run_copy_with_cell(tmp_path_factory.mktemp("officer"), "scheme_progress", "ours",
                               '<h2 id="ours">Our own note</h2><p>Checked by the policy team.</p>')


def _run_copy_with_cell(cwd, name: str, out: str, html: str):
    """Copy the notebooks as an officer does, add a cell showing ``html`` to the copy of ``name``, run it."""
    templates = {p: _sha(p) for p in NOTEBOOKS.glob("*.ipynb")}
    assert run_cli("notebooks", cwd=cwd).returncode == 0
    copy = cwd / f"{name}.ipynb"
    nb = nbformat.read(str(copy), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(f"# Cell: our own note\ndisplay(HTML({html!r}))"))
    nbformat.write(nb, str(copy))
    done = run_cli("report", "--notebook", copy.name, "--out", out, cwd=cwd)
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
    with pytest.raises(SystemExit):
        main(["report", "--level", "1.5"])
    err = capsys.readouterr().err
    assert "1.5 is not between 0 and 1" in err and "0.015" not in err  # 1.5 is no per cent of anything
    from evidence.report import report

    with pytest.raises(EvidenceError, match="write level = 0.95"):
        report(level=95)


def test_bad_parameter_from_the_command_line_in_a_separate_process(tmp_path):
    done = run_cli("report", "--notebook", "explore_gaps", "-p", "indicator=grade5_eng_math", cwd=tmp_path)
    assert done.returncode == 2 and 'Did you mean "grade5_eng_maths"?' in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def workforce_run(tmp_path_factory):
    """An officer adds a cell of their own to their copy of the workforce profile and runs it."""
    return _run_copy_with_cell(tmp_path_factory.mktemp("hr"), "workforce_profile", "hr",
                               '<h2 id="hr-note">HR note</h2><p>Agreed with the staff networks.</p>')


def test_workforce_copy_with_extra_cell_is_run(workforce_run):
    cwd, copy, templates, done = workforce_run
    assert done.returncode == 0, done.stderr
    assert f"Running the workforce notebook {copy.resolve()}" in done.stderr
    html = (cwd / "hr" / "report.html").read_text(encoding="utf-8")
    assert "Agreed with the staff networks." in html and '<a href="#hr-note">HR note</a>' in html
    assert "workforce profile, 31 March 2024" in html and "<p>Workforce profile</p>" in html
    for name in ("tables.xlsx", "representation.csv", "report.ipynb"):
        assert (cwd / "hr" / name).exists()
    assert {p: _sha(p) for p in templates} == templates  # the package's template is unchanged


def test_workforce_manifest_records_the_copy_and_can_be_replaced_next_year(workforce_run):
    from evidence.report import check_target

    cwd, copy, _, _ = workforce_run
    manifest = json.loads((cwd / "hr" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["notebook"] == {"file": str(copy.resolve()), "sha256": _sha(copy), "built_in": False}
    assert manifest["tool"] == "evidence" and manifest["report"] == "workforce profile"
    assert set(manifest["outputs"]) >= {"report.html", "tables.xlsx", "report.ipynb"}
    check_target(cwd / "hr")  # the next run may replace the folder it wrote (it refused before)


@pytest.mark.parametrize("args, message", [
    (["--scheme", "s.yaml"], "--scheme does not apply to the workforce profile"),
    (["-p", "min_n=2.5"], "min_n must be a whole number of people"),
    (["-p", "level=0.9"], "--parameter cannot set level (use --level)"),
    (["--staff", "staff.csv"], "staff_path: there is no file at {cwd}/staff.csv"),
])
def test_workforce_bad_parameter_exit_2_with_the_message(tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--notebook", "workforce", *args, "--out", "out"]) == 2
    err = capsys.readouterr().err
    assert message.format(cwd=tmp_path) in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_workforce_options_refused_for_a_scheme_report(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--staff", "staff.csv", "--out", "out"]) == 2
    assert "--staff does not apply to a scheme report" in capsys.readouterr().err


def test_each_notebook_runs_only_as_its_own_kind_of_report(tmp_path):
    from evidence.report import report
    from evidence.workforce_report import workforce_report

    with pytest.raises(EvidenceError, match="is a workforce profile notebook, not a scheme report"):
        report(notebook=NOTEBOOKS / "workforce_profile.ipynb", out=tmp_path / "a")
    with pytest.raises(EvidenceError, match="is not a workforce profile notebook"):
        workforce_report(tmp_path / "b", notebook="explore_gaps")
    assert not list(tmp_path.iterdir())


def test_settings_edited_in_a_copy_and_replaced_by_the_run_are_named(tmp_path):
    from evidence.notebook_copies import copy_notebooks
    from evidence.report import _RUN_PARAMETERS, replaced_in_copy

    copy = copy_notebooks(tmp_path, ["explore_gaps"])[0]
    assert replaced_in_copy(copy, {"level": None, "period": "2024", "output_dir": "/x"}) == []  # untouched
    nb = nbformat.read(str(copy), as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace("level = 0.95", "level = 0.9").replace("output_dir = None", 'output_dir = "o"')
    nbformat.write(nb, str(copy))
    with pytest.warns(UserWarning) as caught:
        said = replaced_in_copy(copy, {"level": None, "period": "2024", "output_dir": "/x"}, _RUN_PARAMETERS)
    assert said == ["explore_gaps.ipynb sets level = 0.9 in its parameters cell, but the run used None: a run sets "
                    "level itself; give --level to choose it"]
    assert [str(w.message) for w in caught] == said
    assert replaced_in_copy(NOTEBOOKS / "explore_gaps.ipynb", {"level": None}) == []  # the template itself
