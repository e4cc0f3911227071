"""The exploration notebook as an officer meets it: JupyterLab in a real browser, Run All, no errors.

Starts a JupyterLab server on the loopback interface only (127.0.0.1, a free
port, a random token, its own config and data folders), opens a fresh copy of
the notebook in headless Chromium, checks it opens clean (not marked as
modified), runs all cells from the Run menu, saves, and reads the saved
notebook: no cell has an error output. A screenshot is kept beside the copy.
Skipped where Chromium is missing, unless ``EVIDENCE_REQUIRE_BROWSER`` is set.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from evidence.browser import FLAGS, find_chromium
from evidence.notebook_copies import copy_notebooks


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab stopped with exit code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"JupyterLab did not answer at {url.split('?')[0]}")


@pytest.fixture
def lab(tmp_path, monkeypatch):
    """A JupyterLab server on 127.0.0.1 serving a folder with the officer's copy; stopped afterwards."""
    chromium = find_chromium()
    if chromium is None:
        if os.environ.get("EVIDENCE_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here (EVIDENCE_REQUIRE_BROWSER) but not installed")
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    pytest.importorskip("playwright.sync_api", reason="install the test extra: pip install -e '.[test]'")
    root = tmp_path / "work"
    dirs = {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data", "JUPYTER_RUNTIME_DIR": "runtime",
            "JUPYTERLAB_WORKSPACES_DIR": "workspaces"}
    for name, folder in dirs.items():  # the officer's own Jupyter folders: here, not the tester's
        monkeypatch.setenv(name, str(tmp_path / folder))
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    copy_notebooks(root, ["explore_gaps"])  # as `evidence notebooks` does: a plain copy, trusted
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "MPLBACKEND": "Agg"}
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--ServerApp.terminals_enabled=False", "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/status?token={token}", proc)
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "root": root, "chromium": chromium}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)
        log.close()


def test_explore_notebook_runs_all_cells_in_jupyterlab(lab):
    from playwright.sync_api import sync_playwright

    notebook = lab["root"] / "explore_gaps.ipynb"
    shot = lab["root"] / "jupyterlab.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=lab["chromium"], args=[f for f in FLAGS if f != "--headless"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{lab['url']}/lab/tree/explore_gaps.ipynb?token={lab['token']}")
            tab = page.locator(".lm-TabBar-tab.jp-mod-current", has_text="explore_gaps.ipynb")
            tab.wait_for(timeout=90_000)
            # the kernel is connected and idle (the toolbar's indicator already says idle while there is "No
            # Kernel", and Run All then runs nothing): the status bar says "Python 3 (ipykernel) | Idle"
            page.locator(".jp-StatusBar-Widget", has_text=re.compile(r"ipykernel\) \| Idle")).wait_for(timeout=120_000)
            page.wait_for_timeout(1500)  # let the kernel's language_info arrive, as a person would
            assert "jp-mod-dirty" not in (tab.get_attribute("class") or ""), "opened already marked as modified"
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            page.locator(".jp-OutputArea-output h2#paragraph").wait_for(timeout=180_000)
            page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=120_000)
            page.keyboard.press("Control+s")
            page.wait_for_function(
                "() => !document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')", timeout=30_000)
            page.locator(".jp-OutputArea-output h2#paragraph").scroll_into_view_if_needed()
            page.screenshot(path=str(shot))
            shown = page.locator(".jp-OutputArea-output").all_inner_texts()
        except Exception:
            page.screenshot(path=str(shot.with_name("jupyterlab-failed.png")))  # what the officer would see
            raise
        finally:
            browser.close()
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] for c in code), "not every cell ran"
    errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, errors
    assert any("14.7 (11.8 to 17.4)" in t for t in shown)
    assert any("This is levelling down, not progress." in t for t in shown)
    assert shot.stat().st_size > 30_000 and Path(shot).exists()
