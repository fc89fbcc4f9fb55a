"""A rolling-horizon study: `python benchmarks/rolling.py [--case M] [--weeks 52]
[--frozen 0,2,4,8] [--seed 0]`.

The plant is planned once from the start; then, week by week, what the plan had for the week
just past happens (its builds, deliveries and receipts become the actuals), the demand from
there on changes (each open order's quantity times a seeded log-normal factor, sigma 5 %, each
week anew on the week before: a forecast that drifts; the same draws for every frozen window),
and the plant is re-planned from the next week with the frozen window held and the solver
started from the plan before. Printed per frozen window, as
one Markdown table: lateness (vehicle-weeks of the last plan, whose past is what happened),
nervousness (mean instability of the re-plans, plain and weighted by 0.9 a week), and the
re-plan seconds (mean, largest; the solve alone). A cold re-plan of the first roll, solved
without the basis, gives the warm start's speed-up. M comes from benchmarks/generate.py
(out/bench/M, made when missing, as `make bench` makes it).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

import evramp
from evramp.analysis.plan_change import plan_change
from evramp.model import Actual, Scenario, ScenarioInvalid
from evramp.model.columns import DemandTable
from evramp.plan import PlanFailed, PlanResult, Previous, ReplanRequest, plan

REPO = Path(__file__).resolve().parents[1]
SIGMA = 0.05
ALPHA = 0.9


def scenario_of(case: str) -> Scenario:
    if case == "default":
        return evramp.load_scenario("yizhuang")
    folder = REPO / "out" / "bench" / case
    if not folder.is_dir():
        script = Path(__file__).with_name("generate.py")
        subprocess.run([sys.executable, str(script), case, "--out", str(folder)], check=True)
    return evramp.load_scenario(folder)


def iso(column: pd.Series) -> list[str]:
    return list(pd.to_datetime(column).dt.strftime("%Y-%m-%d"))


def previous_of(result: PlanResult) -> Previous:
    builds = result.builds
    purchases = result.purchases
    return Previous.of(
        pl.DataFrame(
            {
                "item": builds["item"].astype(str).to_list(),
                "week": iso(builds["week"]),
                "quantity": builds["quantity"].astype(float).to_list(),
            }
        ),
        pl.DataFrame(
            {
                "supplier": purchases["supplier"].astype(str).to_list(),
                "item": purchases["item"].astype(str).to_list(),
                "release_week": iso(purchases["release_week"]),
                "receipt_week": iso(purchases["receipt_week"]),
                "quantity": purchases["quantity"].astype(float).to_list(),
            }
        ),
    )


def happened(result: PlanResult, week: str) -> list[Actual]:
    """What `result` planned for `week`, as actuals: it happened as planned."""
    day = dt.date.fromisoformat(week)
    rows: list[Actual] = []
    builds = result.builds[np.array(iso(result.builds["week"])) == week]
    for item, shop, quantity in builds[["item", "shop", "quantity"]].itertuples(index=False):
        rows.append(Actual(kind="built", date=day, item=item, shop=shop, quantity=quantity))
    deliveries = result.deliveries[np.array(iso(result.deliveries["week"])) == week]
    for order, quantity in deliveries[["order", "quantity"]].itertuples(index=False):
        rows.append(Actual(kind="delivered", date=day, order=order, quantity=quantity))
    purchases = result.purchases[np.array(iso(result.purchases["receipt_week"])) == week]
    for supplier, item, quantity in purchases[["supplier", "item", "quantity"]].itertuples(
        index=False
    ):
        rows.append(
            Actual(kind="received", date=day, item=item, supplier=supplier, quantity=quantity)
        )
    return rows


def with_noisy_demand(scenario: Scenario, as_of: dt.date, rng: np.random.Generator) -> Scenario:
    """Orders due from `as_of` on (none delivered yet: nothing is delivered early) with their
    quantities changed by a log-normal factor; the rest as they are."""
    frame = scenario.demand_table.frame
    open_orders = (frame["due"] >= as_of).to_numpy()
    factor = np.where(open_orders, rng.lognormal(0.0, SIGMA, frame.height), 1.0)
    quantity = np.maximum(np.round(frame["quantity"].to_numpy() * factor), 1.0)
    changed = frame.with_columns(pl.Series("quantity", quantity, dtype=frame.schema["quantity"]))
    return dataclasses.replace(scenario, demand=DemandTable(changed))


def vehicle_weeks(result: PlanResult) -> float:
    return float(result.backlog["quantity"].sum())


def output_of(result: PlanResult) -> dict[tuple[str, str], float]:
    out = result.output
    totals: dict[tuple[str, str], float] = {}
    for variant, week, quantity in zip(
        out["variant"].astype(str), iso(out["week"]), out["quantity"], strict=True
    ):
        totals[variant, week] = totals.get((variant, week), 0.0) + float(quantity)
    return totals


@dataclasses.dataclass
class Rolled:
    frozen: int
    lateness: float = 0.0
    instability: list[float] = dataclasses.field(default_factory=list)
    weighted: list[float] = dataclasses.field(default_factory=list)
    seconds: list[float] = dataclasses.field(default_factory=list)
    warm: int = 0
    failed: list[str] = dataclasses.field(default_factory=list)


def roll(
    base: Scenario, first: PlanResult, start: int, weeks: int, frozen: int, seed: int
) -> Rolled:
    rng = np.random.default_rng(seed)
    rolled = Rolled(frozen)
    scenario, current, actuals = base, first, []
    for k in range(weeks):
        week = first.bucket_starts[start + k]
        as_of = dt.date.fromisoformat(first.bucket_starts[start + k + 1])
        actuals += happened(current, week)
        scenario = with_noisy_demand(
            dataclasses.replace(scenario, actuals=tuple(actuals)), as_of, rng
        )
        request = ReplanRequest(as_of, frozen, previous_of(current))
        try:
            new = plan(scenario, replan=request, warm=current.bases)
        except (PlanFailed, ScenarioInvalid) as failed:
            rolled.failed.append(f"{as_of}: {failed}"[:200])
            continue
        change = plan_change(
            new.bucket_starts, as_of.isoformat(), output_of(current), output_of(new),
            ({}, {}), ((), ()), ALPHA,
        )  # fmt: skip
        rolled.instability.append(change.instability)
        rolled.weighted.append(change.weighted_instability)
        rolled.seconds.append(new.seconds["solve"])
        rolled.warm += new.warm == "used"
        current = new
    rolled.lateness = vehicle_weeks(current)
    return rolled


def speedup(
    base: Scenario, first: PlanResult, start: int, rounds: int
) -> tuple[float, float, float]:
    """(cold, warm) solve seconds of the first one-week roll (median of `rounds`), and the
    largest relative difference of their objectives."""
    week = first.bucket_starts[start]
    as_of = dt.date.fromisoformat(first.bucket_starts[start + 1])
    scenario = dataclasses.replace(base, actuals=tuple(happened(first, week)))
    request = ReplanRequest(as_of, 0, previous_of(first))
    cold, warm, gap = [], [], 0.0
    for _ in range(rounds):
        c = plan(scenario, replan=request)
        w = plan(scenario, replan=request, warm=first.bases)
        assert w.warm == "used", w.warm
        cold.append(c.seconds["solve"])
        warm.append(w.seconds["solve"])
        gap = max(gap, abs(c.objective - w.objective) / max(1.0, abs(c.objective)))
    return statistics.median(cold), statistics.median(warm), gap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="M")
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--frozen", default="0,2,4,8")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--start",
        type=int,
        default=None,
        help="first bucket rolled (default: the first week anything is built)",
    )
    parser.add_argument("--rounds", type=int, default=2, help="repeats of the cold/warm timing")
    parser.add_argument("--skip-speedup", action="store_true", help="no cold/warm timing")
    args = parser.parse_args()
    print(f"load average at the start: {os.getloadavg()[0]:.2f}", flush=True)
    base = scenario_of(args.case)
    started = time.perf_counter()
    first = plan(base)
    print(
        f"{args.case}: cold plan in {time.perf_counter() - started:.1f} s "
        f"(solve {first.seconds['solve']:.1f} s)",
        flush=True,
    )
    built_weeks = sorted(set(iso(first.builds["week"])))
    start = args.start if args.start is not None else first.bucket_starts.index(built_weeks[0])
    if not args.skip_speedup:
        cold, warm, gap = speedup(base, first, start, args.rounds)
        print(
            f"one-week roll from {first.bucket_starts[start + 1]}: cold {cold:.2f} s, "
            f"warm {warm:.2f} s ({cold / warm:.1f}x), objectives within {gap:.1e}",
            flush=True,
        )
    print(
        f"\n{args.weeks} weekly re-plans of {args.case} from {first.bucket_starts[start + 1]}, "
        f"demand noise sigma {SIGMA:.0%} (seed {args.seed}):\n"
    )
    print(
        "| frozen weeks | lateness vehicle-weeks | instability | weighted (alpha 0.9) | "
        "re-plan s mean | max | warm starts | failed |"
    )
    print("|--:|--:|--:|--:|--:|--:|--:|--:|")
    for frozen in (int(f) for f in args.frozen.split(",")):
        rolled = roll(base, first, start, args.weeks, frozen, args.seed)
        count = len(rolled.seconds)
        print(
            f"| {frozen} | {rolled.lateness:,.0f} | {statistics.mean(rolled.instability):.2%} | "
            f"{statistics.mean(rolled.weighted):.2%} | {statistics.mean(rolled.seconds):.2f} | "
            f"{max(rolled.seconds):.2f} | {rolled.warm}/{count} | {len(rolled.failed)} |",
            flush=True,
        )
        for failure in rolled.failed[:3]:
            print(f"  failed: {failure}")
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
