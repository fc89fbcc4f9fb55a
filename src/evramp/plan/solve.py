"""Solve a `LinearProgram` with HiGHS (through highspy) and return the raw solution."""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass, replace

import highspy
import numpy as np

from evramp.plan.layout import FloatArray
from evramp.plan.lp import CONTINUOUS, INTEGER, SEMI_INTEGER, LinearProgram


@dataclass(frozen=True)
class Solution:
    status: str
    usable: bool
    """Optimal, or (integer mode) stopped by the time limit with a feasible plan in hand."""
    objective: float
    gap: float
    """Relative gap between the plan and the best bound (0 when proven optimal)."""
    x: FloatArray
    row_dual: FloatArray
    col_dual: FloatArray
    seconds: float
    iterations: int

    @property
    def optimal(self) -> bool:
        return self.status == "Optimal"


# Interior point with crossover: on the planning LP's structure (long chains of weekly balances)
# it took 0.72 s where dual simplex took 1.48 s on the default scenario; crossover still returns a
# vertex, so shadow prices are those of a basis. See benchmarks/plan_default.py.
DEFAULT_ALGORITHM = "ipm"
ALGORITHMS = ("ipm", "simplex", "pdlp", "choose")
MIP_GAP = 1e-4


def solve(
    lp: LinearProgram,
    time_limit: float | None = None,
    algorithm: str = DEFAULT_ALGORITHM,
    mip_gap: float = MIP_GAP,
) -> Solution:
    """Solve with HiGHS, single-threaded so that the same scenario gives the same plan.

    A MIP (integer mode) is solved first. A MIP has no duals, so shadow prices come from the LP
    with the purchase decisions (lots, minimum order quantities) fixed at the integer plan's and
    whole cars relaxed: fixing the builds too would hide every shop's value in the bounds of
    fixed columns. The plan itself, its objective and its gap are the MIP's.
    """
    if lp.integrality is None:
        return _run(lp, time_limit, algorithm)
    started = time.perf_counter()
    mip = _vertex(lp, _run(lp, time_limit, "choose", mip_gap))
    if not mip.usable:
        return mip
    buy = np.zeros(len(lp.cost), dtype=bool)
    buy[lp.columns.buy.offset : lp.columns.buy.stop] = True
    fixed = buy & (lp.integrality != CONTINUOUS)
    lower = np.where(fixed, mip.x, lp.col_lower)
    upper = np.where(fixed, mip.x, lp.col_upper)
    relaxed = _run(replace(lp, col_lower=lower, col_upper=upper, integrality=None), None, algorithm)
    return replace(
        mip,
        row_dual=relaxed.row_dual,
        col_dual=relaxed.col_dual,
        seconds=time.perf_counter() - started,
        iterations=mip.iterations + relaxed.iterations,
    )


def _vertex(lp: LinearProgram, mip: Solution) -> Solution:
    """The MIP plan with its continuous columns moved to a vertex of the LP that fixes every
    integer column at the plan's value: the same objective or better, and whole shipments
    where the network argument of `lp._whole_shipments_implied` says a vertex has them (HiGHS'
    heuristics may return a plan between vertices)."""
    if not mip.usable:
        return mip
    assert lp.integrality is not None
    whole = np.isin(lp.integrality, (INTEGER, SEMI_INTEGER))
    value = np.where(whole, np.round(mip.x), mip.x)
    fixed = lp.integrality != CONTINUOUS
    lower = np.where(fixed, value, lp.col_lower)
    upper = np.where(fixed, value, lp.col_upper)
    # The set-up weeks' demand rows are cuts that no optimal plan violates; with the setups
    # fixed they may only cut the whole vertices off, so the polish goes without them.
    cuts = slice(lp.rows.setup_cuts.offset, lp.rows.setup_cuts.stop)
    row_lower, row_upper = lp.row_lower.copy(), lp.row_upper.copy()
    row_lower[cuts], row_upper[cuts] = -np.inf, np.inf
    fixed_lp = replace(
        lp,
        col_lower=lower,
        col_upper=upper,
        row_lower=row_lower,
        row_upper=row_upper,
        integrality=None,
    )
    polished = _run(fixed_lp, None, "simplex")
    if not polished.usable:  # rounding left a tolerance's worth of infeasibility: keep the MIP's
        return mip
    return replace(
        mip,
        x=polished.x,
        objective=polished.objective,
        iterations=mip.iterations + polished.iterations,
    )


_first_highs = threading.Lock()
_banner_silenced = False


def new_highs() -> highspy.Highs:
    """A new HiGHS instance. The first one of a process prints HiGHS' version banner straight
    to file descriptor 1, before any option can silence it, so that one is made with the
    descriptor pointed at /dev/null: no solver banner reaches the user's terminal."""
    global _banner_silenced
    with _first_highs:
        if _banner_silenced:
            return highspy.Highs()  # type: ignore[no-untyped-call]
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, 1)
                highs = highspy.Highs()  # type: ignore[no-untyped-call]
            finally:
                os.close(null)
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_silenced = True
        return highs


def highs_for(lp: LinearProgram, algorithm: str) -> highspy.Highs:
    """A silent HiGHS holding `lp`, single-threaded with a fixed seed so that the same model
    gives the same solution, set to solve with `algorithm`."""
    highs = new_highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("random_seed", 0)
    highs.setOptionValue("solver", algorithm)
    highs.passModel(_to_highs(lp))
    return highs


def _run(
    lp: LinearProgram, time_limit: float | None, algorithm: str, mip_gap: float = MIP_GAP
) -> Solution:
    started = time.perf_counter()
    highs = highs_for(lp, algorithm)
    highs.setOptionValue("mip_rel_gap", mip_gap)
    if time_limit is not None:
        highs.setOptionValue("time_limit", float(time_limit))
    for stage in lp.stages:
        if not _hold_stage(highs, lp, stage):
            break
    highs.changeColsCost(len(lp.cost), np.arange(len(lp.cost), dtype=np.int32), lp.cost)
    _run_with_retry(highs, staged=bool(lp.stages))
    seconds = time.perf_counter() - started
    status = highs.getModelStatus()
    info = highs.getInfo()
    solution = highs.getSolution()
    optimal = status == highspy.HighsModelStatus.kOptimal
    feasible = info.primal_solution_status == FEASIBLE
    usable = optimal or (lp.integrality is not None and feasible and status in STOPPED_EARLY)
    n_rows, n_cols = lp.shape
    is_mip = lp.integrality is not None
    return Solution(
        status=highs.modelStatusToString(status),
        usable=usable,
        objective=float(info.objective_function_value) if usable else float("nan"),
        gap=float(info.mip_gap) if usable and is_mip else (0.0 if usable else float("nan")),
        x=np.asarray(solution.col_value) if usable else np.zeros(n_cols),
        row_dual=np.asarray(solution.row_dual)[:n_rows]
        if usable and not is_mip
        else np.zeros(n_rows),
        col_dual=np.asarray(solution.col_dual) if usable and not is_mip else np.zeros(n_cols),
        seconds=seconds,
        iterations=int(info.simplex_iteration_count) + int(info.ipm_iteration_count),
    )


def _hold_stage(highs: highspy.Highs, lp: LinearProgram, stage: FloatArray) -> bool:
    """Minimise one priority level's lateness, then add a row that keeps it at its optimum
    for the stages after it. Each stage is solved afresh with the chosen algorithm: on the
    default scenario a simplex warm start from the previous basis took 2.1 s, a fresh interior
    point solve 0.8 s."""
    columns = np.arange(len(stage), dtype=np.int32)
    highs.changeColsCost(len(stage), columns, stage)
    _run_with_retry(highs, staged=True)
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return False
    best = float(highs.getInfo().objective_function_value)
    used = np.flatnonzero(stage)
    highs.addRow(-np.inf, best + STAGE_SLACK * max(1.0, abs(best)), len(used), used, stage[used])
    return True


STAGE_SLACK = 1e-6
INFEASIBLE = (
    highspy.HighsModelStatus.kInfeasible,
    highspy.HighsModelStatus.kUnboundedOrInfeasible,
)


def _run_with_retry(highs: highspy.Highs, staged: bool) -> None:
    """Run; a model with held priority rows is feasible by construction (each row holds a level
    at an optimum just reached), so an 'infeasible' verdict there comes from presolve's
    tolerances on those nearly tight rows (seen with interior point): solve again without."""
    highs.run()
    if staged and highs.getModelStatus() in INFEASIBLE:
        highs.setOptionValue("presolve", "off")
        highs.run()
        highs.setOptionValue("presolve", "choose")


"""Relative slack when a priority level's lateness is held at its optimum: 1e-7 let presolve
call a three-level model infeasible with interior point."""
FEASIBLE = 2  # HiGHS' kSolutionStatusFeasible
STOPPED_EARLY = (
    highspy.HighsModelStatus.kTimeLimit,
    highspy.HighsModelStatus.kIterationLimit,
    highspy.HighsModelStatus.kSolutionLimit,
    highspy.HighsModelStatus.kInterrupt,
)


def _to_highs(lp: LinearProgram) -> highspy.HighsLp:
    model = highspy.HighsLp()
    n_rows, n_cols = lp.shape
    model.num_col_ = n_cols
    model.num_row_ = n_rows
    model.col_cost_ = lp.cost
    model.col_lower_ = lp.col_lower
    model.col_upper_ = lp.col_upper
    model.row_lower_ = lp.row_lower
    model.row_upper_ = lp.row_upper
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.num_col_ = n_cols
    model.a_matrix_.num_row_ = n_rows
    model.a_matrix_.start_ = lp.matrix.indptr
    model.a_matrix_.index_ = lp.matrix.indices
    model.a_matrix_.value_ = lp.matrix.data
    model.sense_ = highspy.ObjSense.kMinimize
    if lp.integrality is not None:
        model.integrality_ = [highspy.HighsVarType(int(kind)) for kind in lp.integrality]
    return model
