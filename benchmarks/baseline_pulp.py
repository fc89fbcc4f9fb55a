"""Baseline: evramp's planning LP written with PuLP, the way a Python user would write it.

    python benchmarks/baseline_pulp.py [SCENARIO] [--repeat N] [--full]

`build_pulp` writes the LP of `build_lp` (LP mode, strict priorities off) from the same
`PlanData`, after the same free-part reduction, in idiomatic PuLP: one variable object per
column in dicts keyed by (entity, week), constraints added one at a time with `lpSum` in Python
loops, the objective likewise; the data are turned into Python lists first, as a user would read
them. Variables are made with `problem.add_variable` (PuLP 3.3 deprecates calling `LpVariable`
directly, with a warning per variable). `solve_pulp` solves it with PuLP's `HiGHS` class, which
drives the highspy library in-process (not the `HiGHS_CMD` executable), with the options evramp
uses: one thread, interior point, seed 0. The script prints the model-build and solve times of
both and checks that the optima agree (issue 4: evramp's build at least 20 times faster, the
same objective to 1e-6).

Differences that do not change the LP: PuLP leaves out the chord rows of a learning curve
before its SOP, which evramp keeps as free rows (no bounds), and the columns that appear
nowhere but with a zero coefficient (overtime in a closed week when overtime costs nothing);
PuLP's HiGHS interface passes the model to HiGHS one column and one row at a time, which `solve`
here counts (the `HiGHS s` column is HiGHS' own run time).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import pulp
from pulp import lpSum

import evramp
from evramp.model import Scenario
from evramp.plan import NOT_LEVELLED
from evramp.plan.chain import planner_chain
from evramp.plan.index import PlanData, compile_scenario
from evramp.plan.lp import TINY_COST, build_lp

BUILD_TARGET = 20.0  # evramp's model build at least this many times faster than PuLP's
AGREEMENT = 1e-6  # relative difference of the optima


def planning_data(scenario: Scenario, reduce: bool = True) -> PlanData:
    """The PlanData `plan()` hands to `build_lp` in LP mode (free parts taken out)."""
    return planner_chain(reduce=reduce).apply(compile_scenario(scenario)).data


def _cost(value: float) -> float:
    """Costs below TINY_COST are dropped, as evramp's objective does."""
    return 0.0 if abs(value) < TINY_COST else value


def _bound(value: float) -> float | None:
    """PuLP's spelling of an upper bound: None for none."""
    return None if value == float("inf") else value


def build_pulp(data: PlanData) -> pulp.LpProblem:
    """The planning LP of `data` as a PuLP problem (minimise cost)."""
    n_weeks = data.bucket_count
    weeks = range(n_weeks)
    items = range(len(data.items.ids))
    made = range(len(data.made.item))
    lines = range(len(data.lines.item))
    classes = range(len(data.demand.variant))
    shops = range(len(data.shops.ids))
    curves = range(len(data.learning))
    chords = range(len(data.learning.chord_curve))

    # The data as Python lists.
    made_item = data.made.item.tolist()
    made_lead = data.made.lead_time.tolist()
    made_cost = data.made.cost.tolist()
    bom_made = data.bom.made.tolist()
    bom_child = data.bom.child.tolist()
    bom_gross = data.bom.gross.tolist()
    routing_made = data.routings.made.tolist()
    routing_shop = data.routings.shop.tolist()
    routing_jobs = data.routings.jobs.tolist()
    line_item = data.lines.item.tolist()
    line_lead = data.lines.lead_time.tolist()
    line_price = data.lines.price.tolist()
    line_premium = data.lines.premium.tolist()
    line_capacity = data.lines.capacity.tolist()
    line_share = data.lines.share.tolist()
    holding = data.items.holding_cost.tolist()
    bucket_weeks = data.bucket_weeks.tolist()
    on_hand = data.items.on_hand.tolist()
    receipts = data.items.receipts.tolist()
    capacity = data.shops.capacity.tolist()
    jobs_per_hour = data.shops.overtime_jobs_per_hour.tolist()
    overtime_hours = data.shops.overtime_hours.tolist()
    overtime_cost = data.shops.overtime_cost.tolist()
    variant = data.demand.variant.tolist()
    due = data.demand.due.tolist()
    price = data.demand.price.tolist()
    penalty = data.demand.penalty.tolist()
    max_late = data.demand.max_late.tolist()
    curve_shop = data.learning.shop.tolist()
    curve_sop = data.learning.sop.tolist()
    start_volume = data.learning.start_volume.tolist()
    chord_curve = data.learning.chord_curve.tolist()
    intercept = data.learning.chord_intercept.tolist()
    slope = data.learning.chord_slope.tolist()

    # Who feeds whom.
    made_of: dict[int, list[int]] = defaultdict(list)  # item -> made items producing it
    for m in made:
        made_of[made_item[m]].append(m)
    lines_of: dict[int, list[int]] = defaultdict(list)  # item -> supplier lines
    for n in lines:
        lines_of[line_item[n]].append(n)
    used_in: dict[int, list[int]] = defaultdict(list)  # child item -> BOM lines
    for b in range(len(bom_child)):
        used_in[bom_child[b]].append(b)
    classes_of: dict[int, list[int]] = defaultdict(list)  # vehicle -> demand classes
    for c in classes:
        classes_of[variant[c]].append(c)
    routings_at: dict[int, list[int]] = defaultdict(list)  # shop -> routing rows
    for r in range(len(routing_shop)):
        routings_at[routing_shop[r]].append(r)

    problem = pulp.LpProblem("evramp", pulp.LpMinimize)
    var = problem.add_variable

    # Variables, all >= 0. Builds and purchases that would complete after the horizon are 0.
    build = {
        (m, t): var(f"build_{m}_{t}", 0, 0 if t + made_lead[m] >= n_weeks else None)
        for m in made
        for t in weeks
    }
    buy = {}
    for n in lines:
        for t in weeks:
            arrival = t + line_lead[n]
            # A supplier's capacity limits what it delivers in the arrival week.
            cap = line_capacity[n][arrival] if arrival < n_weeks else 0.0
            buy[n, t] = var(f"buy_{n}_{t}", 0, _bound(cap))
    stock = {(i, t): var(f"stock_{i}_{t}", 0) for i in items for t in weeks}
    deliver = {(c, t): var(f"deliver_{c}_{t}", 0) for c in classes for t in weeks}
    backlog = {}
    for c in classes:
        limit = max_late[c]
        due_by = 0.0  # due in weeks 0..t
        due_until = [0.0] * n_weeks  # due in weeks 0..t, per t
        for t in weeks:
            due_by += due[c][t]
            due_until[t] = due_by
            most = None  # no lateness limit
            if limit >= 0:  # only what fell due in the last `limit` weeks may be late
                delivered = due_until[t - limit] if t - limit >= 0 else 0.0
                most = max(due_until[t] - delivered, 0.0)
            backlog[c, t] = var(f"backlog_{c}_{t}", 0, most)
    experience = {(n, t): var(f"experience_{n}_{t}", 0) for n in curves for t in weeks}
    overtime = {
        (s, t): var(f"overtime_{s}_{t}", 0, overtime_hours[s][t] if jobs_per_hour[s][t] > 0 else 0)
        for s in shops
        for t in weeks
    }

    cost = (
        lpSum(_cost(made_cost[m]) * build[m, t] for m in made for t in weeks)
        + lpSum(_cost(line_price[n] + line_premium[n]) * buy[n, t] for n in lines for t in weeks)
        + lpSum(_cost(holding[i] * bucket_weeks[t]) * stock[i, t] for i in items for t in weeks)
        - lpSum(_cost(price[c]) * deliver[c, t] for c in classes for t in weeks)
        + lpSum(_cost(penalty[c] * bucket_weeks[t]) * backlog[c, t] for c in classes for t in weeks)
        + lpSum(_cost(overtime_cost[s]) * overtime[s, t] for s in shops for t in weeks)
    )
    problem += cost, "cost"

    # Material balance.
    for i in items:
        for t in weeks:
            completed = lpSum(build[m, t - made_lead[m]] for m in made_of[i] if t >= made_lead[m])
            arrived = lpSum(buy[n, t - line_lead[n]] for n in lines_of[i] if t >= line_lead[n])
            consumed = lpSum(bom_gross[b] * build[bom_made[b], t] for b in used_in[i])
            delivered = lpSum(deliver[c, t] for c in classes_of[i])
            before = stock[i, t - 1] if t > 0 else on_hand[i]
            problem += (
                stock[i, t] == before + completed + arrived + receipts[i][t] - consumed - delivered,
                f"material_{i}_{t}",
            )

    # Shop capacity, with overtime.
    for s in shops:
        for t in weeks:
            load = lpSum(routing_jobs[r] * build[routing_made[r], t] for r in routings_at[s])
            problem += (
                load <= capacity[s][t] + jobs_per_hour[s][t] * overtime[s, t],
                f"shop_{s}_{t}",
            )

    # Demand and backlog.
    for c in classes:
        for t in weeks:
            late_before = backlog[c, t - 1] if t > 0 else 0
            problem += backlog[c, t] == late_before + due[c][t] - deliver[c, t], f"demand_{c}_{t}"

    # Learning curves: experience, then the load under every chord from the SOP on.
    for n in curves:
        for t in weeks:
            if t == 0:
                problem += experience[n, 0] == start_volume[n], f"experience_{n}_0"
            else:
                jobs = lpSum(
                    routing_jobs[r] * build[routing_made[r], t - 1]
                    for r in routings_at[curve_shop[n]]
                )
                problem += (
                    experience[n, t] == experience[n, t - 1] + jobs,
                    f"experience_{n}_{t}",
                )
    for k in chords:
        n = chord_curve[k]
        s = curve_shop[n]
        for t in range(curve_sop[n], n_weeks):
            load = lpSum(routing_jobs[r] * build[routing_made[r], t] for r in routings_at[s])
            problem += (
                load <= capacity[s][t] * (intercept[k] + slope[k] * experience[n, t]),
                f"chord_{k}_{t}",
            )

    # Supplier quotas over the horizon.
    for n in lines:
        if line_share[n] > 0:
            own = lpSum(buy[n, t] for t in weeks)
            everyone = lpSum(buy[other, t] for other in lines_of[line_item[n]] for t in weeks)
            problem += own >= line_share[n] * everyone, f"quota_{n}"

    return problem


def solve_pulp(problem: pulp.LpProblem) -> float:
    """Solve with PuLP's highspy-backed HiGHS (evramp's options); the optimal objective."""
    solver = pulp.HiGHS(msg=False, threads=1, solver="ipm", random_seed=0)
    status = problem.solve(solver)
    if status != pulp.LpStatusOptimal:
        raise RuntimeError(f"PuLP/HiGHS: {pulp.LpStatus[status]}")
    return float(problem.solverModel.getInfo().objective_function_value)


class Baseline(NamedTuple):
    build_seconds: float
    solve_seconds: float
    """problem.solve: PuLP passing the model to HiGHS column by column, and HiGHS' run."""
    objective: float
    rows: int
    columns: int
    highs_seconds: float
    """HiGHS' own run time, within solve_seconds."""


def measure_pulp(data: PlanData) -> Baseline:
    """Build and solve the PuLP model of `data`, timed."""
    started = time.perf_counter()
    problem = build_pulp(data)
    built = time.perf_counter()
    objective = solve_pulp(problem)
    solved = time.perf_counter()
    return Baseline(
        build_seconds=built - started,
        solve_seconds=solved - built,
        objective=objective,
        rows=problem.numConstraints(),
        columns=len(problem.variables()),
        highs_seconds=float(problem.solverModel.getRunTime()),
    )


def relative_difference(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b), 1.0)


def time_build_lp(data: PlanData, repeat: int) -> float:
    """Median seconds of evramp's `build_lp` alone."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        build_lp(data)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=evramp.builtin_scenario_path())
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument(
        "--full", action="store_true", help="every part in the LP (no free-part reduction)"
    )
    args = parser.parse_args()

    scenario = evramp.load_scenario(args.scenario)
    data = planning_data(scenario, reduce=not args.full)
    results = [
        evramp.plan(scenario, reduce=not args.full, level=NOT_LEVELLED) for _ in range(args.repeat)
    ]
    plan_build = statistics.median(r.seconds["build"] for r in results)
    plan_solve = statistics.median(r.seconds["solve"] for r in results)
    build_alone = time_build_lp(data, max(10, args.repeat))
    runs = [measure_pulp(data) for _ in range(args.repeat)]
    pulp_build = statistics.median(r.build_seconds for r in runs)
    pulp_solve = statistics.median(r.solve_seconds for r in runs)
    pulp_highs = statistics.median(r.highs_seconds for r in runs)
    ours, theirs = results[0], runs[0]
    gap = max(relative_difference(ours.objective, r.objective) for r in runs)

    print(f"scenario: {scenario.name} ({args.scenario}){' full model' if args.full else ''}")
    print(f"PuLP {pulp.__version__}, median of {args.repeat} runs\n")
    print("| model | rows | columns | build s | solve s | HiGHS s | objective |")
    print("|-------|------|---------|---------|---------|---------|-----------|")
    print(
        f"| evramp | {ours.size.rows:,} | {ours.size.columns:,} | {build_alone:.4f} "
        f"({plan_build:.4f} in plan) | {plan_solve:.2f} | - | {ours.objective:,.2f} |"
    )
    print(
        f"| PuLP | {theirs.rows:,} | {theirs.columns:,} | {pulp_build:.3f} | {pulp_solve:.2f} "
        f"| {pulp_highs:.2f} | {theirs.objective:,.2f} |"
    )
    ratio = pulp_build / build_alone
    print(
        f"\nbuild: evramp {ratio:,.0f}× faster than PuLP ({pulp_build / plan_build:,.0f}× with "
        f"plan()'s build lap; target ≥ {BUILD_TARGET:.0f}×)"
    )
    print(
        f"PuLP passing the model to HiGHS (in its solve): {pulp_solve - pulp_highs:.2f} s; "
        f"evramp's build + pass + HiGHS: {plan_build + plan_solve:.2f} s"
    )
    print(f"relative difference of the optima: {gap:.1e} (target ≤ {AGREEMENT:.0e})")
    met = ratio >= BUILD_TARGET and gap <= AGREEMENT
    print("meets the target" if met else "MISSES the target")


if __name__ == "__main__":
    main()
