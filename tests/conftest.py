"""Shared test helpers: where the shared reference data lives, and small tables."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVIDENCE_SHARED", REPO.parent / "shared"))


def shared_file(*parts: str) -> Path:
    """A file under ../shared, or skip the test with the reason."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not found at {path} (set EVIDENCE_SHARED to the shared/ folder)")
    return path


def employment(disabled: tuple[float, float], others: tuple[float, float], n_dis: int = 2000, n_oth: int = 8000,
               periods: tuple[str, str] = ("2018", "2024"), polarity: str = "higher_is_better") -> pd.DataFrame:
    """The DESIGN.md worked example: disabled residents vs everyone else, two periods."""
    rows = []
    for period, pd_, po in zip(periods, disabled, others, strict=True):
        xd, xo = round(pd_ / 100 * n_dis), round(po / 100 * n_oth)
        rows += [
            dict(indicator="employment_rate", period=period, characteristic="All", group="All",
                 numerator=xd + xo, denominator=n_dis + n_oth),
            dict(indicator="employment_rate", period=period, characteristic="disability", group="Disabled",
                 numerator=xd, denominator=n_dis),
            dict(indicator="employment_rate", period=period, characteristic="disability", group="Not disabled",
                 numerator=xo, denominator=n_oth),
        ]
    df = pd.DataFrame(rows)
    df["value"] = 100 * df["numerator"] / df["denominator"]
    df["polarity"] = polarity
    df["kind"] = "proportion"
    df["unit"] = "%"
    return df


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run the ``evidence`` command as a user would, in a separate process."""
    return subprocess.run([sys.executable, "-m", "evidence.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory) -> Path:
    """The demo report, made once per test session by the command line exactly as a user would."""
    cwd = tmp_path_factory.mktemp("run")
    done = run_cli("report", cwd=cwd)
    assert done.returncode == 0, done.stderr
    assert "Running the report notebook" in done.stderr  # progress is shown
    return cwd / "reports" / "demo" / "2024"
