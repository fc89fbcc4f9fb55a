"""Ctrl-C as a user presses it: typed into the command's own pseudo-terminal (tests/terminal.py),
at a moment the command's output proves, so that every test meets the work it means to stop.
None of them can pass by the work finishing first: a command that ignored Ctrl-C would exit 0.

The time from Ctrl-C to exit is asserted loosely (what "stopped" means, not a speed target);
the measured figures are in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import math
import re
import time
from pathlib import Path

import pandas as pd
import pytest

import generate
from tests.terminal import Terminal

STOPPED_WITHIN = 10.0
"""Seconds from Ctrl-C to the command's word on it that still count as stopping (about 1 s on an
idle machine)."""


def interrupted(
    terminal: Terminal, pattern: str, wait: float = 0.0, said: str = "interrupted"
) -> tuple[int, float, str]:
    """Press Ctrl-C once `pattern` shows (and `wait` seconds more): exit code, seconds from
    the key to the command's first word on it (`said`), and everything printed. What follows
    that word (integer mode makes its plan whole and writes it) may take longer on a loaded
    machine; `finish` waits for it."""
    terminal.wait_for(pattern)
    time.sleep(wait)
    before = len(re.findall(said, terminal.text))
    pressed = terminal.press_ctrl_c()
    deadline = pressed + 120
    while len(re.findall(said, terminal.text)) <= before and time.monotonic() < deadline:
        if terminal.process.poll() is not None:
            break
        time.sleep(0.01)
    seconds = time.monotonic() - pressed
    code = terminal.finish()
    return code, seconds, terminal.text


@pytest.fixture(scope="module")
def medium_plant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The benchmark's M plant: about 6 s of LP solve on an idle machine."""
    return generate.write("M", tmp_path_factory.mktemp("plants") / "M", seed=0)


def test_ctrl_c_stops_an_lp_plan_and_writes_nothing(medium_plant: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    terminal = Terminal(["plan", str(medium_plant), "--out", str(out)])
    # A second into the spinner the LP is being solved, for several seconds more.
    code, seconds, text = interrupted(terminal, r"Planning \d+ weeks", wait=1.0)
    assert code == 130, text
    assert "interrupted while planning" in text and "nothing was written" in text
    assert "Traceback" not in text
    assert "Files written" not in text
    assert seconds < STOPPED_WITHIN, text
    assert not out.exists()


def test_ctrl_c_in_integer_mode_writes_the_best_plan_marked_as_stopped(tmp_path: Path) -> None:
    out = tmp_path / "out"
    terminal = Terminal(["plan", "--integer", "--time-limit", "120", "--out", str(out)])
    # The live line shows a best plan: HiGHS' branch and bound is running and has one.
    code, seconds, text = interrupted(terminal, r"\d+ s: best plan", said="keeping the best plan")
    assert code == 130, text
    assert "Traceback" not in text
    assert "keeping the best plan" in text  # said at once, while the plan is made whole
    assert "stopped by Ctrl-C" in text and "written, marked as stopped" in text
    assert seconds < STOPPED_WITHIN, text
    gap = float(text.split("gap ")[-1].split("%")[0])
    assert math.isfinite(gap) and 0 <= gap < 1.0  # the start alone is 0.06 % off its bound
    report = (out / "plan" / "report.html").read_text(encoding="utf-8")
    assert "Stopped by Ctrl-C" in report
    builds = pd.read_csv(out / "plan" / "builds.csv")
    assert (builds["quantity"] == builds["quantity"].round()).all()  # whole cars


@pytest.mark.parametrize("backend", ["local", "dask"])
def test_ctrl_c_in_risk_keeps_the_complete_result_and_writes_the_partial_beside(
    backend: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    common = ["risk", "--workers", "2", "--backend", backend, "--out", str(out)]
    first = Terminal([*common, "--runs", "4", "--tornado-runs", "1"])
    assert first.finish() == 0, first.text
    complete = {path.name: path.read_bytes() for path in (out / "risk").iterdir()}
    terminal = Terminal([*common, "--runs", "400", "--tornado-runs", "0"])
    # Runs are being solved (the bar counts them); 400 take about 40 s.
    code, seconds, text = interrupted(terminal, r"\b[1-9]\d*/400\b")
    assert code == 130, text
    assert "Traceback" not in text
    assert seconds < STOPPED_WITHIN, text
    assert f"the last complete result in {out / 'risk'} was kept" in text
    assert {path.name: path.read_bytes() for path in (out / "risk").iterdir()} == complete
    note = (out / "risk-partial" / "PARTIAL.txt").read_text(encoding="utf-8")
    runs = pd.read_csv(out / "risk-partial" / "runs.csv")
    assert 0 < len(runs) < 400
    assert f"{len(runs)} of 400 runs" in note
    assert terminal.session_processes() == []  # no worker or Dask process left behind
