"""The report notebook runs top to bottom as an officer would run it in JupyterLab (no papermill)."""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from evidence.report import NOTEBOOK, _kernel_dir


def test_notebook_runs_top_to_bottom_without_papermill(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(_kernel_dir()))
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    NotebookClient(nb, kernel_name="evidence-python", resources={"metadata": {"path": str(tmp_path)}},
                   timeout=300).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
    assert "Northbrook Single Equality Scheme" in html and "levelling down, not progress" in html
    assert (tmp_path / "reports" / "notebook" / "tables.xlsx").exists()
    # no figure leaks out as a bare image output (it would lack alternative text)
    assert not any("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
