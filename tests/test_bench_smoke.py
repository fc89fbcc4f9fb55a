"""A smoke run of the plant-scale benchmark on its smallest case (`make bench` runs them all)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


def test_the_benchmark_prints_rows_for_s_and_the_baseline_and_full_model_agree(
    tmp_path: Path,
) -> None:
    command = [sys.executable, str(RUN), "--cases", "S", "--baseline", "S", "--full", "S"]
    command += ["--data", str(tmp_path)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    plan_row, scaling_row, baseline_row, full_row = (
        line for line in output.splitlines() if line.startswith("| S ")
    )
    header = next(line for line in output.splitlines() if line.startswith("| case | rows"))
    names = [cell.strip() for cell in header.strip("|").split("|")]
    cells = dict(zip(names, (cell.strip() for cell in plan_row.strip("|").split("|")), strict=True))
    assert cells["status"] == "Optimal", plan_row
    rows_count, columns, free_parts, classes = (
        int(cells[name].replace(",", "")) for name in ("rows", "columns", "free parts", "classes")
    )
    assert rows_count > 1000 and columns > rows_count and free_parts > 100 and classes > 10
    stages = [float(cells[f"{stage} s"]) for stage in ("load", "build", "solve", "write", "total")]
    # Five figures printed to 0.01 s, each off by up to 0.005: their sums differ by 0.025 at most.
    assert abs(sum(stages[:4]) - stages[4]) <= 0.025 + 1e-9
    assert float(cells["peak MiB"].replace(",", "")) > 50  # the child: Python, numpy, HiGHS
    baseline = [cell.strip() for cell in baseline_row.strip("|").split("|")]
    assert baseline[-1] == "yes", baseline_row  # the PuLP model has the same optimum
    assert float(baseline[3].rstrip("x").replace(",", "")) > 1.0  # evramp builds faster
    assert (tmp_path / "S" / "items.csv").exists()  # generated once, then reused
    full = [cell.strip() for cell in full_row.strip("|").split("|")]
    assert full[3] == "Optimal" and int(full[1].replace(",", "")) > rows_count, full_row
    assert float(full[-1]) < 1e-9  # the full model's optimum is the reduced one's
    scaling = [cell.strip() for cell in scaling_row.strip("|").split("|")]
    assert int(scaling[1].replace(",", "")) > 1000  # input records read


def test_the_full_model_from_the_reduced_basis_has_the_same_optimum() -> None:
    """The certificate of benchmarks/certify_reduction.py on the default scenario: HiGHS' simplex
    on the full model (every part in it), started from the reduced optimal basis extended by
    just-in-time purchases, stops optimal at the reduced model's objective."""
    import certify_reduction
    import evramp

    proof = certify_reduction.certify(evramp.load_scenario(evramp.builtin_scenario_path()))
    assert proof.status == "Optimal"
    assert proof.full_rows > 4 * proof.reduced_rows
    assert proof.relative_difference < 1e-9
    assert proof.iterations < 1000  # the extended basis is (nearly) optimal already


def test_the_rolling_study_prints_one_row_per_frozen_window_with_warm_starts() -> None:
    """benchmarks/rolling.py on the default plant, two weeks: every re-plan warm-started, the
    warm and cold one-week roll at the same optimum."""
    script = RUN.with_name("rolling.py")
    command = [sys.executable, str(script), "--case", "default", "--weeks", "2"]
    command += ["--frozen", "0,2", "--rounds", "1"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    roll = next(line for line in output.splitlines() if line.startswith("one-week roll"))
    assert float(roll.rsplit("within ", 1)[1]) < 1e-9, roll
    rows = [line for line in output.splitlines() if line.startswith("| ") and "frozen" not in line]
    assert [row.split("|")[1].strip() for row in rows] == ["0", "2"]
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[-2] == "2/2" and cells[-1] == "0", row  # warm starts, failures
