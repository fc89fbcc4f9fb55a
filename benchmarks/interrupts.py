"""Seconds from Ctrl-C to exit, as a user presses it, for each long-running command.

    python benchmarks/interrupts.py [--repeat 3] [--data out/bench]

Each command runs in its own pseudo-terminal (tests/terminal.py); Ctrl-C is typed once the
output proves the work is under way (the pattern in the table), then the time to the exit is
measured: to the command's first word on it ("interrupted", or integer mode's "Ctrl-C after
N s: keeping the best plan") and to its exit (the interpreter's
shutdown after it: worker pools, a Dask cluster). The LP case plans the generated M plant
(about 6 s of solve), so that the key always meets a running solve.
Printed: one row per case, the exit codes seen and min / median / max.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests/terminal.py

from tests.terminal import Terminal  # noqa: E402

import generate  # noqa: E402

RISK = ["risk", "--runs", "400", "--tornado-runs", "0", "--workers", "2"]


def cases(plant: Path) -> list[tuple[str, list[str], str, float]]:
    """(name, arguments, what to wait for, seconds more) per case."""
    return [
        ("plan (LP), M plant", ["plan", str(plant)], r"Planning \d+ weeks", 1.0),
        ("plan --integer, default", ["plan", "--integer"], r"\d+ s: best plan", 0.0),
        ("risk, local pool", [*RISK, "--backend", "local"], r"\b[1-9]\d*/400\b", 0.0),
        ("risk, Dask", [*RISK, "--backend", "dask"], r"\b[1-9]\d*/400\b", 0.0),
    ]


def stop_seconds(
    arguments: list[str], pattern: str, wait: float, out: Path
) -> tuple[int, float, float]:
    """Exit code, seconds from Ctrl-C to the command's first word on it and to its exit."""
    shutil.rmtree(out, ignore_errors=True)
    terminal = Terminal([*arguments, "--out", str(out)])
    terminal.wait_for(pattern, timeout=300)
    time.sleep(wait)
    pressed = terminal.press_ctrl_c()
    said = math.inf
    while terminal.process.poll() is None:
        if said == math.inf and re.search(r"interrupted|Ctrl-C after", terminal.text):
            said = time.monotonic() - pressed
        time.sleep(0.01)
    ended = time.monotonic() - pressed
    code = terminal.finish(timeout=300)
    return code, min(said, ended), ended


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=REPO / "out" / "bench")
    args = parser.parse_args()
    plant = args.data / "M"
    if not (plant / "scenario.yaml").exists():
        generate.write("M", plant, seed=0)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load}, {args.repeat} runs each\n")
    print("| command | waits for | exit codes | said, median s | exit, min s | median s | max s |")
    print("|---|---|---|--:|--:|--:|--:|")
    with tempfile.TemporaryDirectory() as scratch:
        for name, arguments, pattern, wait in cases(plant):
            codes, said, seconds = [], [], []
            for _ in range(args.repeat):
                code, told, taken = stop_seconds(arguments, pattern, wait, Path(scratch) / "out")
                codes.append(code)
                said.append(told)
                seconds.append(taken)
            shown = f"`{pattern}`" + (f" + {wait:g} s" if wait else "")
            print(
                f"| {name} | {shown} | {' '.join(map(str, sorted(set(codes))))} | "
                f"{statistics.median(said):.2f} | {min(seconds):.2f} | "
                f"{statistics.median(seconds):.2f} | {max(seconds):.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
