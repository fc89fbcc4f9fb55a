"""Time `evramp explain`'s analyses on a scenario (default: the built-in Yizhuang plant).

    python benchmarks/explain_default.py [SCENARIO] [--repeat N]

Times, after one plan: `binding_weeks` (what binds, in words), `problems` (late and short
orders, shops and parts that held demand back) and `pegs` (every late or short order traced to
its causes). Median of N runs each. Target on the 2-core machine: problems < 2 s for the
default scenario (it was a wall-clock assert in tests/test_explain.py, flaky under load).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import evramp
from evramp.analysis.explain import binding_weeks, pegs, problems

TARGET_PROBLEMS_SECONDS = 2.0


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    laps = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        laps.append(time.perf_counter() - started)
    return statistics.median(laps)


def main() -> None:
    parser = argparse.ArgumentParser(description="Time evramp explain's analyses.")
    parser.add_argument("scenario", nargs="?", type=Path, default=evramp.builtin_scenario_path())
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    scenario = evramp.load_scenario(args.scenario)
    result = evramp.plan(scenario)
    late = len(pegs(scenario, result))
    timings = {
        "binding_weeks": median_seconds(lambda: binding_weeks(result, scenario), args.repeat),
        "problems": median_seconds(lambda: problems(scenario, result), args.repeat),
        f"pegs ({late:,} late or short orders)": median_seconds(
            lambda: pegs(scenario, result), args.repeat
        ),
    }
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{scenario.name}: median of {args.repeat}, load average {load}\n")
    print("| analysis | seconds |")
    print("|---|--:|")
    for name, seconds in timings.items():
        print(f"| {name} | {seconds:.3f} |")
    verdict = "met" if timings["problems"] < TARGET_PROBLEMS_SECONDS else "MISSED"
    print(f"\nproblems < {TARGET_PROBLEMS_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
