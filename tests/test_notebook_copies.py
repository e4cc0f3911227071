"""The officer's own notebooks: plain copies, never links, never over a file that is there."""

from __future__ import annotations

import json
import platform
from pathlib import Path

import pytest

import evidence as ev
from conftest import REPO, run_cli
from evidence.notebook_copies import clean, copy_notebooks
from evidence.report import NOTEBOOK, builtin_notebooks


def _is_clean(path: Path) -> bool:
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    return (all(c["outputs"] == [] and c["execution_count"] is None for c in code)
            and "signature" not in nb["metadata"] and all("id" in c for c in nb["cells"]))


def test_builtin_notebooks_are_clean_templates():
    names = builtin_notebooks()
    assert {"scheme_progress", "explore_gaps"} <= set(names)
    for path in names.values():
        assert _is_clean(path), path
        # the file is exactly what a clean save writes, so JupyterLab has nothing to change on opening it
        assert clean(path.read_text(encoding="utf-8")) == path.read_text(encoding="utf-8"), path


def test_repository_notebooks_are_plain_files_not_links():
    folder = REPO / "notebooks"
    files = sorted(folder.glob("*.ipynb"))
    assert {p.name for p in files} >= {"scheme_progress.ipynb", "explore_gaps.ipynb"}
    for path in files:
        assert not path.is_symlink(), f"{path} is a link into the package: saving it would change every report"
        assert _is_clean(path)


def test_copies_are_plain_clean_files(tmp_path):
    written = copy_notebooks(tmp_path / "mine")
    assert sorted(p.name for p in written) == sorted(p.name for p in builtin_notebooks().values())
    for path in written:
        assert path.is_file() and not path.is_symlink() and _is_clean(path)
        assert path.stat().st_mode & 0o200  # the user may edit it
        mine, template = (json.loads(p.read_text(encoding="utf-8")) for p in (path, NOTEBOOK.parent / path.name))
        assert mine["cells"] == template["cells"]
        # the language details JupyterLab would write on opening, so it has nothing to change
        assert mine["metadata"]["language_info"]["version"] == platform.python_version()


def test_never_overwrites_without_force(tmp_path):
    mine = tmp_path / "explore_gaps.ipynb"
    mine.write_text("my own work", encoding="utf-8")
    with pytest.raises(ev.EvidenceError, match="already there, so it was not replaced"):
        copy_notebooks(tmp_path)
    assert mine.read_text(encoding="utf-8") == "my own work"
    assert not (tmp_path / "scheme_progress.ipynb").exists()  # nothing written when anything is refused
    copy_notebooks(tmp_path, force=True)
    assert _is_clean(mine)


def test_force_replaces_a_link_and_never_writes_through_it(tmp_path):
    template = NOTEBOOK.read_bytes()
    (tmp_path / "scheme_progress.ipynb").symlink_to(NOTEBOOK)
    copy_notebooks(tmp_path, ["scheme_progress"], force=True)
    assert not (tmp_path / "scheme_progress.ipynb").is_symlink()
    assert NOTEBOOK.read_bytes() == template


def test_unknown_name_and_file_as_folder(tmp_path):
    with pytest.raises(ev.EvidenceError, match="no built-in notebook called 'explore'"):
        copy_notebooks(tmp_path, ["explore"])
    (tmp_path / "f").write_text("x")
    with pytest.raises(ev.EvidenceError, match="is a file, not a folder"):
        copy_notebooks(tmp_path / "f")


def test_cli_notebooks(tmp_path):
    done = run_cli("notebooks", "nb", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "nb" / "explore_gaps.ipynb").is_file()
    again = run_cli("notebooks", "nb", cwd=tmp_path)
    assert again.returncode == 2 and "add --force" in again.stderr and "Traceback" not in again.stderr
    assert run_cli("notebooks", "nb", "--force", cwd=tmp_path).returncode == 0


def test_init_copies_the_notebooks_beside_the_scheme_and_keeps_yours(tmp_path):
    ev.demo.observations().to_csv(tmp_path / "observations.csv", index=False)
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "explore_gaps.ipynb").write_text("my own work", encoding="utf-8")
    done = run_cli("init", "observations.csv", "--out", "plan/scheme.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for name in ("scheme_progress.ipynb", "workforce_profile.ipynb"):
        assert _is_clean(tmp_path / "plan" / name) and f"wrote plan/{name}" in done.stdout
    assert (tmp_path / "plan" / "explore_gaps.ipynb").read_text(encoding="utf-8") == "my own work"
    assert "kept your plan/explore_gaps.ipynb" in done.stdout
