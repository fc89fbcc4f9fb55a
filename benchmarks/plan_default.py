"""Time `evramp plan` on a scenario (default: the built-in Yizhuang plant) and print a table.

    python benchmarks/plan_default.py [SCENARIO] [--repeat N]

Stages measured in-process: load (read + validate), compile (arrays), build (sparse LP), solve
(HiGHS), extract (tables), write (CSV + HTML). `shell` is the wall time of the whole
`evramp plan` command in a fresh interpreter, imports included: the number a user waits for.
Target on the 2-core machine: shell < 3 s for the default scenario.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import evramp
from evramp.io import write_tables
from evramp.plan import NOT_LEVELLED
from evramp.report import write_report

TARGET_SECONDS = 3.0


def measure_in_process(folder: Path, out: Path) -> dict[str, float]:
    started = time.perf_counter()
    scenario = evramp.load_scenario(folder)
    load = time.perf_counter() - started
    result = evramp.plan(scenario)
    started = time.perf_counter()
    write_tables(out / "plan", result.tables())
    write_report(result, out / "plan" / "report.html")
    write = time.perf_counter() - started
    return {"load": load, **result.seconds, "write": write}


def measure_shell(folder: Path, out: Path) -> float:
    command = [
        str(Path(sys.executable).with_name("evramp")),
        "plan",
        str(folder),
        "--out",
        str(out),
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def compare_full(scenario: evramp.Scenario, reduced: evramp.PlanResult) -> None:
    """The reduction must not change the optimum; show what it saves."""
    full = evramp.plan(scenario, reduce=False, level=NOT_LEVELLED)
    optimum = reduced.levelling.objective_before if reduced.levelling else reduced.objective
    gap = abs(full.objective - optimum) / (1.0 + abs(full.objective))
    print("\n| model | rows | columns | non-zeros | solve s | objective |")
    print("|-------|------|---------|-----------|---------|-----------|")
    for name, result in (("full", full), ("reduced", reduced)):
        size = result.size
        print(
            f"| {name} | {size.rows:,} | {size.columns:,} | {size.nonzeros:,} | "
            f"{result.seconds['solve']:.2f} | {result.objective:,.2f} |"
        )
    print(f"relative difference of the optima: {gap:.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=evramp.builtin_scenario_path())
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument(
        "--full",
        action="store_true",
        help="also solve the full model (every part in the LP) and compare the optimum",
    )
    args = parser.parse_args()

    scenario = evramp.load_scenario(args.scenario)
    result = evramp.plan(scenario)
    with tempfile.TemporaryDirectory() as tmp:
        runs = [measure_in_process(args.scenario, Path(tmp) / "inproc") for _ in range(args.repeat)]
        shell = [measure_shell(args.scenario, Path(tmp) / "shell") for _ in range(args.repeat)]
    stages = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"scenario: {scenario.name} ({args.scenario})")
    print(
        f"items {len(scenario.items)}, bom lines {len(scenario.bom)}, supplier lines "
        f"{len(scenario.suppliers)}, orders {len(scenario.demand)}, "
        f"weeks {scenario.calendar.horizon_weeks}"
    )
    print(
        f"LP: {result.size.rows:,} rows, {result.size.columns:,} columns, "
        f"{result.size.nonzeros:,} non-zeros; status {result.status}; "
        f"objective {result.objective:,.2f}"
    )
    print(f"median of {args.repeat} runs; peak memory (this process) {peak_mib:,.0f} MiB\n")
    header = [*stages, "total", "shell"]
    values = [*stages.values(), sum(stages.values()), statistics.median(shell)]
    print("| " + " | ".join(f"{h:>8}" for h in header) + " |")
    print("|" + "|".join("-" * 10 for _ in header) + "|")
    print("| " + " | ".join(f"{v:>8.3f}" for v in values) + " |")
    end_to_end = statistics.median(shell)
    if args.full:
        compare_full(scenario, result)
    verdict = "meets" if end_to_end < TARGET_SECONDS else "MISSES"
    print(f"\nend to end {end_to_end:.2f} s: {verdict} the {TARGET_SECONDS:.0f} s target")


if __name__ == "__main__":
    main()
