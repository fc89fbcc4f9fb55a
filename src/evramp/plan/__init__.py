"""Planning: compile a scenario to arrays, build the LP as sparse matrices, solve with HiGHS,
map the solution back to builds, purchases, stock, shipments and backlog."""

from __future__ import annotations

import time

from evramp.model import Scenario, ensure_valid
from evramp.plan.index import compile_scenario
from evramp.plan.lp import build_lp
from evramp.plan.reduce import FreeParts, expand_solution, find_free_parts, without_free_parts
from evramp.plan.result import ModelSize, PlanResult, Verdict, extract
from evramp.plan.solve import ALGORITHMS, DEFAULT_ALGORITHM, MIP_GAP, solve


class PlanFailed(RuntimeError):
    """The solver did not prove an optimal plan; nothing it found is presented as a plan."""

    def __init__(self, scenario: str, status: str) -> None:
        self.status = status
        super().__init__(
            f"no plan for scenario {scenario!r}: the solver stopped with status {status!r}"
        )


def plan(
    scenario: Scenario,
    time_limit: float | None = None,
    reduce: bool = True,
    algorithm: str = DEFAULT_ALGORITHM,
    integer: bool = False,
    strict_priorities: bool = False,
    mip_gap: float = MIP_GAP,
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
    stops (HiGHS' default 1e-4; 0 to prove optimality).
    Raises `ScenarioInvalid` for a scenario with problems and `PlanFailed` when HiGHS does not
    reach an optimal solution (infeasible, unbounded, or out of time).
    """
    ensure_valid(scenario)
    clock = _Clock()
    data = compile_scenario(scenario)
    free = find_free_parts(data, lot_sizing=integer) if reduce else FreeParts.none()
    reduced = without_free_parts(data, free)
    clock.lap("compile")
    lp = build_lp(reduced, integer=integer, strict_priorities=strict_priorities)
    clock.lap("build")
    solution = solve(lp, time_limit=time_limit, algorithm=algorithm, mip_gap=mip_gap)
    clock.lap("solve")
    if not solution.usable:
        raise PlanFailed(scenario.name, solution.status)
    arrays = expand_solution(data, free, lp, solution)
    rows, columns = lp.shape
    size = ModelSize(rows, columns, int(lp.matrix.nnz), free_parts=len(free))
    result = extract(
        scenario.name,
        data,
        arrays,
        size,
        Verdict(solution.status, solution.objective, solution.gap, integer),
        clock.laps,
    )
    clock.lap("extract")
    return result


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


__all__ = ["ALGORITHMS", "DEFAULT_ALGORITHM", "ModelSize", "PlanFailed", "PlanResult", "plan"]
