"""Headless Chromium for the report: print to an A4 PDF.

Uses the system's Chromium (Debian's ``chromium`` package, or ``EVIDENCE_CHROMIUM``
pointing at a browser binary); it is never downloaded. Started with the flags
a locked-down server needs: no sandbox when running as root, no GPU, no
background networking (the report needs no network at all).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import EvidenceError, Problem

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def find_chromium() -> str | None:
    """Path of a Chromium or Chrome binary, or None."""
    env = os.environ.get("EVIDENCE_CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html: Path, pdf: Path, timeout: float = 120) -> Path:
    """Print an HTML file to an A4 PDF (page size comes from the report's print styles).

    Raises
    ------
    EvidenceError
        When no Chromium is installed, or printing fails.
    """
    exe = find_chromium()
    if exe is None:
        raise EvidenceError([Problem("printing a PDF needs Chromium: install it (Debian: apt-get install chromium) "
                                     "or set EVIDENCE_CHROMIUM to a Chrome or Chromium binary")])
    with tempfile.TemporaryDirectory(prefix="evidence-chromium-") as profile:
        cmd = [exe, *FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
               f"--print-to-pdf={Path(pdf).resolve()}", Path(html).resolve().as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0 or not Path(pdf).exists() or Path(pdf).stat().st_size == 0:
        raise EvidenceError([Problem(f"Chromium could not print the PDF: {done.stderr.strip()[-300:]}", file=str(html))])
    return Path(pdf)
