"""Planning: compile a scenario to arrays, build the LP as sparse matrices, solve with HiGHS,
map the solution back to builds, purchases, stock, deliveries and backlog."""

from __future__ import annotations

import dataclasses
import math
import time
from pathlib import Path

import polars as pl

from evramp.model import Scenario, ensure_valid
from evramp.plan.basis import WarmStart
from evramp.plan.chain import Reduced, planner_chain
from evramp.plan.index import PlanData, compile_scenario
from evramp.plan.layout import FloatArray
from evramp.plan.level import LEVELLED, NOT_LEVELLED, LevelOptions
from evramp.plan.lp import LinearProgram, build_lp
from evramp.plan.mip_start import rounded_start
from evramp.plan.relaxation import WarmRelaxation
from evramp.plan.replan import (
    Previous,
    ReplanRequest,
    broken_frozen_weeks,
    fixed,
    receipts_of,
    replan_of,
    with_received,
)
from evramp.plan.result import ModelSize, PlanResult, Verdict, extract
from evramp.plan.solve import (
    ALGORITHMS,
    DEFAULT_ALGORITHM,
    MIP_GAP,
    Solution,
    SolveInterrupted,
    solve,
)
from evramp.plan.watch import Progress, ProgressReport

DEFAULT_MIP_TIME_LIMIT = 60.0
"""Seconds integer mode runs when no time limit is given: without one the default scenario's
MIP ran for more than 10 minutes."""


class PlanInterrupted(KeyboardInterrupt):
    """Ctrl-C while planning. In integer mode with a plan found by then, `result` is that plan
    (status 'Stopped by Ctrl-C', its gap to the best bound); else None."""

    def __init__(self, result: PlanResult | None, seconds: float) -> None:
        self.result = result
        self.seconds = seconds
        super().__init__(f"planning interrupted after {seconds:.1f} s")


class PlanFailed(RuntimeError):
    """The solver did not prove an optimal plan; nothing it found is presented as a plan."""

    def __init__(self, scenario: str, status: str, why: str = "") -> None:
        self.status = status
        super().__init__(
            f"no plan for scenario {scenario!r}: the solver stopped with status {status!r}"
            + (f"; {why}" if why else "")
        )


def plan(
    scenario: Scenario,
    time_limit: float | None = None,
    reduce: bool = True,
    algorithm: str = DEFAULT_ALGORITHM,
    integer: bool = False,
    strict_priorities: bool = False,
    mip_gap: float = MIP_GAP,
    progress: ProgressReport | None = None,
    model_file: Path | None = None,
    level: LevelOptions = LEVELLED,
    replan: ReplanRequest | None = None,
    warm: WarmStart | None = None,
) -> PlanResult:
    """The optimal capacity- and material-constrained plan of `scenario`.

    `time_limit` caps the solver's seconds; `algorithm` is HiGHS' `solver` option (`ipm`,
    `simplex`, `pdlp` or `choose`); `reduce=False` keeps every part in the LP (same optimum, a
    larger model: for checking the reduction). `integer` plans whole vehicles and assemblies and
    purchases in whole lots of at least their minimum order quantity (a MIP; `time_limit` then
    bounds the search and the result reports the gap). By default each priority level's
    lateness outweighs anything a lower-priority vehicle can gain (one solve);
    `strict_priorities` minimises lateness priority by priority (lexicographically) before
    anything else, so that no lower-priority order is ever served at the expense of a higher
    one, even where one high-priority vehicle uses many times the bottleneck of a low-priority
    one (one solve per priority level). `mip_gap` is the relative gap at which integer mode
    stops (1e-3, 0.1 %; 0 to prove optimality). Integer mode without a `time_limit`
    stops after `DEFAULT_MIP_TIME_LIMIT` (60 s; `math.inf` for none) with the best plan found.
    `progress` is called about every 0.1 s while the MIP runs with a `Progress` (seconds,
    best objective, bound, gap). `model_file` gets the model as HiGHS is given it (MPS; LP
    format for a name ending in .lp).
    `level` levels the mix (plan/level.py): among the plans that deliver as well as the optimal
    one, priority level by priority level, the one whose vehicles change their weekly rate
    least, at `level.weight` weeks of a vehicle's holding cost per vehicle-a-week of change
    (`NOT_LEVELLED`: the optimal plan as it is); `level.max_rate_change` limits that change
    (also in integer mode, which does not level otherwise).
    `replan` re-plans from its as-of date (plan/replan.py): the past fixed at the scenario's
    actuals, builds of its frozen window held at its previous plan's; `warm` starts the solver
    from an earlier plan's bases (`PlanResult.bases`; same optimum, fewer iterations).
    Ctrl-C raises `PlanInterrupted` (a KeyboardInterrupt), holding the best integer plan found
    so far in integer mode.
    Raises `ScenarioInvalid` for a scenario with problems and `PlanFailed` when HiGHS does not
    reach an optimal solution (infeasible, unbounded, or out of time).
    """
    ensure_valid(scenario)
    clock = _Clock()
    data = compile_scenario(scenario)
    fixing, searched = None, None
    if replan is not None:
        fixing = replan_of(scenario, data, replan.as_of, replan.frozen, replan.previous)
        # The parts planned outside the LP are those of the plan from the start: a part's
        # receipts alone keep it out of the reduction, and the LP keeps its shape for the basis.
        searched = receipts_of(data)
        data = with_received(data, fixing.past)
    reduced = planner_chain(integer, reduce, searched).apply(data)
    clock.lap("compile")
    lp = build_lp(reduced.data, integer, strict_priorities, level)
    if fixing is not None:
        lp = fixed(lp, reduced.data, reduced.kept_lines, fixing)
    clock.lap("build")
    if integer and time_limit is None:
        time_limit = DEFAULT_MIP_TIME_LIMIT
    bound = -math.inf  # the relaxation's objective, once integer mode's start has solved it
    try:
        start, bound = _start(reduced.data, lp, algorithm, time_limit) if integer else (None, bound)
        clock.lap("start")
        solution = solve(
            lp,
            time_limit=_remaining(time_limit, clock, start is not None),
            algorithm=algorithm,
            mip_gap=mip_gap,
            start=start,
            progress=_bounded(progress, bound),
            model_file=model_file,
            warm=warm,
        )
    except SolveInterrupted as stopped:
        clock.lap("solve")
        if not stopped.solution.usable:
            raise PlanInterrupted(None, stopped.solution.seconds) from None
        best = _with_gap(stopped.solution, bound)
        kept = _result(scenario, reduced, lp, best, integer, clock)
        raise PlanInterrupted(kept, best.seconds) from None
    clock.lap("solve")
    if not solution.usable:
        why = ""
        if solution.status == "Infeasible" and (data.demand.max_late >= 0).any():
            why = _broken_promises(scenario, time_limit, integer)
        if solution.status == "Infeasible" and fixing is not None and fixing.frozen:
            why = broken_frozen_weeks(reduced.data, lp, fixing)
        raise PlanFailed(scenario.name, solution.status, why)
    result = _result(scenario, reduced, lp, solution, integer, clock)
    if replan is None:
        return result
    return dataclasses.replace(
        result, as_of=replan.as_of.isoformat(), frozen=fixing.frozen if fixing else 0
    )


def _start(
    data: PlanData, lp: LinearProgram, algorithm: str, time_limit: float | None
) -> tuple[FloatArray | None, float]:
    """Integer mode's first plan: the LP plan rounded (plan/mip_start.py), within the time
    limit, and the relaxation's objective (a bound; -inf if not reached). HiGHS alone found no
    integer plan of the default scenario in 60 s (highspy 1.16)."""
    deadline = None if time_limit is None else time.monotonic() + time_limit
    relaxations: list[WarmRelaxation] = []

    def relax(relaxed: LinearProgram) -> WarmRelaxation:
        relaxations.append(WarmRelaxation(relaxed, algorithm, deadline))
        return relaxations[-1]

    start = rounded_start(data, lp, relax)
    return start, relaxations[0].first_objective if relaxations else -math.inf


def _with_gap(solution: Solution, bound: float) -> Solution:
    """A plan kept at Ctrl-C before HiGHS reported a bound: its gap to the relaxation's."""
    if math.isfinite(solution.gap) or not math.isfinite(bound):
        return solution
    gap = abs(solution.objective - bound) / max(1.0, abs(solution.objective))
    return dataclasses.replace(solution, gap=gap)


def _bounded(progress: ProgressReport | None, bound: float) -> ProgressReport | None:
    """Progress reports with the better of HiGHS' bound and the relaxation's: HiGHS has none
    until its own root LP is solved, seconds after it has the start as its plan."""
    if progress is None or not math.isfinite(bound):
        return progress
    report = progress

    def bounded(reported: Progress) -> None:
        report(dataclasses.replace(reported, bound=max(reported.bound, bound)))

    return bounded


MIN_MIP_SECONDS = 1.0
"""What the MIP is given at least after its start, so that HiGHS checks the start and keeps it."""


def _remaining(time_limit: float | None, clock: _Clock, started: bool) -> float | None:
    """The time limit less what compiling, building and the start took: the limit is the
    user's wait for the whole plan."""
    if time_limit is None:
        return None
    left = time_limit - sum(clock.laps.values())
    return max(left, MIN_MIP_SECONDS) if started else max(left, 0.0)


def _result(
    scenario: Scenario,
    reduced: Reduced,
    lp: LinearProgram,
    solution: Solution,
    integer: bool,
    clock: _Clock,
) -> PlanResult:
    arrays = reduced.expand(lp, solution)
    rows, columns = lp.shape
    classes = len(reduced.data.demand.variant)
    size = ModelSize(rows, columns, int(lp.matrix.nnz), reduced.parts_outside, classes)
    result = extract(
        scenario.name,
        reduced.original,
        arrays,
        size,
        Verdict(
            solution.status,
            solution.objective,
            solution.gap,
            integer,
            solution.levelling,
            solution.bases,
            solution.warm,
        ),
        clock.laps,
    )
    clock.lap("extract")
    return result


def _broken_promises(scenario: Scenario, time_limit: float | None, integer: bool) -> str:
    """Which orders' `max_weeks_late` no plan can keep: those the best plan without the limits
    delivers later than promised (or not at all), named in words."""
    unlimited = dataclasses.replace(
        scenario, demand=scenario.demand_table.without_lateness_limits()
    )
    try:
        best = plan(unlimited, time_limit=time_limit, integer=integer)
    except PlanFailed:
        return "it finds no plan even without the orders' lateness limits"
    limited = scenario.demand_table.frame.filter(pl.col("max_weeks_late").is_not_null())
    limits = dict(limited.select("id", "max_weeks_late").iter_rows())
    buckets = scenario.calendar.buckets
    late_by_order = zip(
        best.orders["order"].astype(str), best.orders["weeks_late"].astype(float), strict=True
    )
    broken = [
        f"{order} (at most {limits[order]} weeks late; the best plan "
        + (f"{late:g} {buckets.noun(late)} late)" if late == late else "leaves it short)")
        for order, late in late_by_order
        if order in limits and not late <= buckets.late_buckets(limits[order])
    ]
    shown = "; ".join(broken[:5]) + (f"; and {len(broken) - 5} more" if len(broken) > 5 else "")
    return f"no plan keeps every order's max_weeks_late: {shown}"


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


__all__ = [
    "ALGORITHMS",
    "DEFAULT_ALGORITHM",
    "DEFAULT_MIP_TIME_LIMIT",
    "LEVELLED",
    "NOT_LEVELLED",
    "LevelOptions",
    "ModelSize",
    "PlanFailed",
    "PlanInterrupted",
    "PlanResult",
    "Previous",
    "Progress",
    "ProgressReport",
    "ReplanRequest",
    "WarmStart",
    "plan",
]
