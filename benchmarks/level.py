"""What levelling the mix costs and buys: `python benchmarks/level.py [--cases default,M]`.

Each case is planned without levelling (the optimal plan as solved) and levelled at the default
weight, alternated `--rounds` times in one process so that the machine's noise hits both alike.
Printed per case and mode: the vehicles' total week-to-week rate change (vehicles a week), the
objective and what levelling added to it, lateness (vehicle-weeks, and the penalty-weighted
term), revenue, and the solve seconds (levelled: both stages; the second stage's own in
brackets). M comes from benchmarks/generate.py as `make bench` makes it (out/bench/M).
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path

import evramp
from evramp.plan import LEVELLED, NOT_LEVELLED, LevelOptions, PlanResult

REPO = Path(__file__).resolve().parents[1]


def folder_of(case: str) -> Path | str:
    return "yizhuang" if case == "default" else REPO / "out" / "bench" / case


def vehicle_weeks(result: PlanResult) -> float:
    """Lateness in vehicle-weeks (the cases here plan in weeks: a backlog row is one week)."""
    assert result.bucket == "week"
    return float(result.backlog["quantity"].sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="default,M")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--weight", type=float, default=LEVELLED.weight)
    args = parser.parse_args()
    print(f"load average at the start: {os.getloadavg()[0]:.2f}\n")
    print(
        "| case | plan | rate change | objective | added | lateness vehicle-weeks | "
        "lateness term | revenue | solve s (level stage) |"
    )
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|")
    notes: list[str] = []
    for case in args.cases.split(","):
        scenario = evramp.load_scenario(folder_of(case))
        modes = {"optimal": NOT_LEVELLED, "levelled": LevelOptions(weight=args.weight)}
        seconds: dict[str, list[float]] = {name: [] for name in modes}
        stage: list[float] = []
        kept: dict[str, PlanResult] = {}
        for _ in range(args.rounds):
            for name, level in modes.items():
                result = evramp.plan(scenario, level=level)
                seconds[name].append(result.seconds["solve"])
                if result.levelling is not None:
                    stage.append(result.levelling.seconds)
                kept[name] = result
        base = kept["optimal"].objective
        done = kept["levelled"].levelling
        assert done is not None and done.status == "Optimal"
        # The optimal plan's change is the levelled run's first stage's: the same LP.
        change = {"optimal": done.change_before, "levelled": done.change_after}
        for name, result in kept.items():
            times = "/".join(f"{s:.2f}" for s in seconds[name])
            if name == "levelled":
                times += f" ({'/'.join(f'{s:.2f}' for s in stage)})"
            print(
                f"| {case} | {name} | {change[name]:,.0f} | "
                f"{result.objective:,.0f} | {result.objective - base:,.0f} | "
                f"{vehicle_weeks(result):,.0f} | {result.costs['lateness']:,.0f} | "
                f"{result.costs['revenue']:,.0f} | {times} |"
            )
        levelled, optimal = (statistics.median(seconds[name]) for name in ("levelled", "optimal"))
        notes.append(
            f"{case}: levelled solve {levelled:.2f} s against {optimal:.2f} s "
            f"({levelled / optimal:.2f}x, medians)"
        )
    print("", *notes, f"load average at the end: {os.getloadavg()[0]:.2f}", sep="\n")


if __name__ == "__main__":
    main()
