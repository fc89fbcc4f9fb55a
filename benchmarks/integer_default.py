"""Integer mode on a scenario (default: the built-in Yizhuang plant), run after run.

    python benchmarks/integer_default.py [SCENARIO] [--runs N] [--time-limit S] [--alone]

Each run is `evramp.plan(..., integer=True)` as the CLI calls it: the rounded start, then HiGHS
until the 0.1 % gap or the time limit. Printed per run: wall seconds, status, gap, the start's
distance from the LP bound, cars built in the first full year, on-time share. `--alone` adds one
run of HiGHS on the same MIP without the start (what integer mode was before it). Target on the
2-core machine: gap <= 1 % within the time limit + 2 s, every run, on every highspy version
pyproject.toml allows (run this script in a venv with each).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

import evramp
from evramp.plan.chain import planner_chain
from evramp.plan.index import compile_scenario
from evramp.plan.lp import SEMI_CONTINUOUS, SEMI_INTEGER, LinearProgram, build_lp
from evramp.plan.mip_start import rounded_start
from evramp.plan.relaxation import WarmRelaxation
from evramp.plan.solve import solve
from evramp.report import on_time_rate

TARGET_GAP = 0.01
OVERRUN_SECONDS = 2.0


def integer_lp(scenario: evramp.Scenario) -> tuple[LinearProgram, float, float]:
    """The MIP as `plan` builds it, its LP bound and its rounded start's objective."""
    data = compile_scenario(scenario)
    reduced = planner_chain(integer=True).apply(data).data
    lp = build_lp(reduced, integer=True)
    assert lp.integrality is not None
    semi = np.isin(lp.integrality, (SEMI_CONTINUOUS, SEMI_INTEGER))
    bound = solve(replace(lp, col_lower=np.where(semi, 0.0, lp.col_lower), integrality=None))
    start = rounded_start(reduced, lp, lambda relaxed: WarmRelaxation(relaxed, "ipm"))
    start_objective = float(lp.cost @ start) if start is not None else float("nan")
    return lp, bound.objective, start_objective


def main() -> None:
    parser = argparse.ArgumentParser(description="Integer mode, run after run.")
    parser.add_argument("scenario", nargs="?", type=Path, default=evramp.builtin_scenario_path())
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--year", type=int, default=2024, help="year whose output is shown")
    parser.add_argument("--alone", action="store_true", help="also HiGHS without the start")
    args = parser.parse_args()
    scenario = evramp.load_scenario(args.scenario)
    lp, bound, start = integer_lp(scenario)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    version = importlib.metadata.version("highspy")
    print(
        f"{scenario.name}: highspy {version}, load average {load}, time limit {args.time_limit:g} s"
    )
    print(
        f"LP bound {bound:,.0f}; rounded start {start:,.0f} "
        f"({(start - bound) / abs(bound):.3%} off the bound)\n"
    )
    print("| run | wall s | status | gap | year | built | on-time |")
    print("|---|--:|---|--:|---|--:|--:|")
    worst_gap, worst_wall = 0.0, 0.0
    for run in range(1, args.runs + 1):
        started = time.perf_counter()
        result = evramp.plan(scenario, integer=True, time_limit=args.time_limit)
        wall = time.perf_counter() - started
        built = result.output.groupby("year")["quantity"].sum()
        year = args.year if args.year in built.index else built.index[0]
        print(
            f"| {run} | {wall:.1f} | {result.status} | {result.gap:.2%} | {year} | "
            f"{built[year]:,.0f} | {on_time_rate(result):.1%} |"
        )
        worst_gap, worst_wall = max(worst_gap, result.gap), max(worst_wall, wall)
    if args.alone:
        started = time.perf_counter()
        alone = solve(lp, time_limit=args.time_limit)
        wall = time.perf_counter() - started
        gap = f"{alone.gap:.2%}" if alone.usable else "no plan"
        print(f"| HiGHS alone | {wall:.1f} | {alone.status} | {gap} | | | |")
    met = worst_gap <= TARGET_GAP and worst_wall <= args.time_limit + OVERRUN_SECONDS
    print(
        f"\ngap <= {TARGET_GAP:.0%} within {args.time_limit:g} s + {OVERRUN_SECONDS:g} s in "
        f"every run: {'met' if met else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
