"""Progress bars: seen on a terminal and in JupyterLab, quiet with --quiet, in logs and in reports."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from evidence import bars
from evidence.cli import main

SCRIPT = "from evidence.bars import bar; print(sum(bar(range(3), 'Reading data files')))"
#: a new pseudo-terminal is 0 columns wide, too narrow for any bar: make it 80, as a terminal window is
WINDOW = "import fcntl, struct, termios; fcntl.ioctl(2, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0)); "


def test_env_overrides_the_guess(monkeypatch):
    monkeypatch.setenv(bars.ENV, "1")
    assert bars.enabled()
    monkeypatch.setenv(bars.ENV, "0")
    assert not bars.enabled()
    monkeypatch.delenv(bars.ENV)
    assert not bars.enabled()  # pytest captures standard error: not a terminal


def test_bar_shows_on_a_terminal_and_not_in_a_pipe():
    pty = pytest.importorskip("pty")
    env = {k: v for k, v in os.environ.items() if k != bars.ENV}
    piped = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=60)
    assert piped.stdout.strip() == "3" and piped.stderr == ""
    out = bytearray()

    def read(fd):
        data = os.read(fd, 1024)
        out.extend(data)
        return data

    old = os.environ.copy()
    try:
        os.environ.pop(bars.ENV, None)
        pty.spawn([sys.executable, "-c", WINDOW + SCRIPT], read)
    finally:
        os.environ.clear()
        os.environ.update(old)
    assert b"Reading data files" in out and b"3" in out


def test_bar_yields_every_item_when_shown(monkeypatch, capsys):
    monkeypatch.setenv(bars.ENV, "1")
    assert list(bars.bar(["a", "b"], "Drawing the figures", unit="figure")) == ["a", "b"]
    assert "Drawing the figures" in capsys.readouterr().err


@pytest.mark.parametrize("quiet, shown", [(False, True), (True, False)])
def test_report_run_shows_papermill_bar_unless_quiet(monkeypatch, tmp_path, quiet, shown):
    import papermill

    seen = {}

    def fake(*args, **kwargs):
        seen.update(kwargs)
        raise KeyboardInterrupt  # stop there: the run is not the point

    monkeypatch.setattr(papermill, "execute_notebook", fake)
    monkeypatch.setenv(bars.ENV, "1")  # as on a terminal
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--out", "out", *(["--quiet"] if quiet else [])]) == 130
    assert seen["progress_bar"] is shown and not (tmp_path / "out").exists()


@pytest.fixture
def obs_files(tmp_path):
    import evidence as ev

    obs = ev.demo.observations()
    obs.to_csv(tmp_path / "obs.csv", index=False)
    obs.to_excel(tmp_path / "obs.xlsx", index=False)
    return tmp_path


def test_reading_a_big_file_is_quiet_when_not_a_terminal(obs_files):
    env = {k: v for k, v in os.environ.items() if k != bars.ENV}
    script = ("import evidence as ev, evidence.bars as b; b.BIG_FILE = 0; "
              f"print(len(ev.read({str(obs_files / 'obs.csv')!r})))")
    piped = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert piped.returncode == 0 and int(piped.stdout) > 100 and piped.stderr == ""


@pytest.mark.parametrize("name", ["obs.csv", "obs.xlsx"])
def test_reading_a_big_file_shows_the_bytes_read(obs_files, monkeypatch, capsys, name):
    import evidence as ev

    monkeypatch.setenv(bars.ENV, "1")  # as on a terminal or in JupyterLab
    monkeypatch.setattr(bars, "BIG_FILE", 0)
    size = (obs_files / name).stat().st_size
    read = ev.read(obs_files / name)
    err = capsys.readouterr().err
    assert len(read) == len(ev.demo.observations()) and f"Reading {name}:" in err
    assert "B/s" in err and "checking the values" in err  # every byte read, then the values checked
    assert f"{size / 1024:.1f}k" in err or f"{size / 1024:.0f}k" in err  # the file's size, in bytes


def test_reading_shows_no_bar_when_quiet_or_small(obs_files, monkeypatch, capsys):
    import evidence as ev

    monkeypatch.setenv(bars.ENV, "1")
    ev.read(obs_files / "obs.csv")  # under BIG_FILE: read in a moment, no bar
    monkeypatch.setattr(bars, "BIG_FILE", 0)
    bars.quiet()  # --quiet
    ev.read(obs_files / "obs.xlsx")
    assert capsys.readouterr().err == ""
