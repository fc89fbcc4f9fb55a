"""Runs per second of `evramp risk` on the default scenario, with 1 and 2 workers.

With the default scenario's disruptions.csv (8 disruptions, 6 sources; see its README); the
tornado is left out (tornado_runs=0).
Usage: python benchmarks/risk_default.py [--runs N] [--algorithm simplex|ipm] [--workers 1 2]
       [--backend local dask]
"""

from __future__ import annotations

import argparse
import time

from evramp.io import builtin_scenario_path, load_scenario
from evramp.model import Scenario
from evramp.risk import simulate


def scenario() -> Scenario:
    return load_scenario(builtin_scenario_path())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--algorithm", default="simplex")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--backend", nargs="+", default=["local", "dask"])
    args = parser.parse_args()
    loaded = scenario()
    print("| backend | workers | runs | algorithm | seconds | runs/s | disrupted | failed |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for backend in args.backend:
        for workers in args.workers:
            started = time.perf_counter()
            result = simulate(
                loaded,
                args.runs,
                seed=1,
                workers=workers,
                backend=backend,
                tornado_runs=0,
                algorithm=args.algorithm,
            )
            seconds = time.perf_counter() - started
            disrupted = sum(o.disrupted for o in result.outcomes.values())
            print(
                f"| {backend} | {workers} | {args.runs} | {args.algorithm} | {seconds:.1f} | "
                f"{args.runs / seconds:.2f} | {disrupted} | {len(result.failed)} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
