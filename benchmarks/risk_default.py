"""Runs per second of `evramp risk` on the default scenario, with 1 and 2 workers.

The default scenario has no disruptions.csv yet, so this adds the supply risks its notes name
(Orin-X, CATL NCM cells, the SiC inverter; all chips in one group), a paint shop outage per week
and a slip of the paint ramp. Usage: python benchmarks/risk_default.py [--runs N] [--algorithm
simplex|ipm] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import dataclasses
import time

from evramp.io import builtin_scenario_path, load_scenario
from evramp.model import Disruption, Scenario
from evramp.risk import simulate

DISRUPTIONS = (
    Disruption(
        id="orin-x",
        target_kind="part",
        item="SOC-ORIN-X",
        probability=0.3,
        min_weeks=4,
        max_weeks=12,
        capacity_lost=0.5,
        group="chips",
    ),
    Disruption(
        id="sic-800",
        target_kind="part",
        item="INV-SIC-800",
        probability=0.3,
        min_weeks=4,
        max_weeks=10,
        capacity_lost=0.6,
        group="chips",
    ),
    Disruption(
        id="catl-ncm",
        target_kind="supplier_line",
        supplier="CATL",
        item="CELL-NCM-612",
        probability=0.01,
        per="week",
        min_weeks=1,
        max_weeks=3,
    ),
    Disruption(
        id="paint-outage",
        target_kind="shop",
        shop="paint",
        probability=0.005,
        per="week",
        min_weeks=1,
        max_weeks=2,
        capacity_lost=0.5,
    ),
    Disruption(
        id="paint-sop", target_kind="ramp", shop="paint", probability=0.3, min_weeks=2, max_weeks=6
    ),
)


def scenario() -> Scenario:
    return dataclasses.replace(load_scenario(builtin_scenario_path()), disruptions=DISRUPTIONS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--algorithm", default="simplex")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    loaded = scenario()
    print("| workers | runs | algorithm | seconds | runs/s | disrupted | failed |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    for workers in args.workers:
        started = time.perf_counter()
        result = simulate(
            loaded, args.runs, seed=1, workers=workers, tornado_runs=0, algorithm=args.algorithm
        )
        seconds = time.perf_counter() - started
        disrupted = sum(o.disrupted for o in result.outcomes.values())
        print(
            f"| {workers} | {args.runs} | {args.algorithm} | {seconds:.1f} | "
            f"{args.runs / seconds:.2f} | {disrupted} | {len(result.failed)} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
