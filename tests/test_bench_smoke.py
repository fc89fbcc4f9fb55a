"""A smoke run of the plant-scale benchmark on its smallest case (`make bench` runs them all)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


def test_the_benchmark_prints_a_row_for_s_and_the_pulp_baseline_agrees(tmp_path: Path) -> None:
    command = [sys.executable, str(RUN), "--cases", "S", "--baseline", "S", "--data", str(tmp_path)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    plan_row, baseline_row = (line for line in output.splitlines() if line.startswith("| S "))
    cells = [cell.strip() for cell in plan_row.strip("|").split("|")]
    assert cells[-2] == "Optimal", plan_row
    rows_count, columns, free_parts = (int(cells[i].replace(",", "")) for i in (1, 2, 4))
    assert rows_count > 1000 and columns > rows_count and free_parts > 100
    stages = [float(cells[i]) for i in range(5, 10)]  # load, build, solve, write, total
    assert abs(sum(stages[:4]) - stages[4]) < 0.02
    assert float(cells[11].replace(",", "")) > 50  # peak MiB of the child: Python, numpy, HiGHS
    baseline = [cell.strip() for cell in baseline_row.strip("|").split("|")]
    assert baseline[-1] == "yes", baseline_row  # the PuLP model has the same optimum
    assert float(baseline[3].rstrip("x").replace(",", "")) > 1.0  # evramp builds faster
    assert (tmp_path / "S" / "items.csv").exists()  # generated once, then reused
