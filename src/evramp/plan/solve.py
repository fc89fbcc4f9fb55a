"""Solve a `LinearProgram` with HiGHS (through highspy) and return the raw solution."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import highspy
import numpy as np
import scipy.sparse as sp

from evramp.plan.basis import NO_BASES, Basis, WarmStart
from evramp.plan.layout import FloatArray
from evramp.plan.level import HOLD_SLACK, Levelling, LevelStage
from evramp.plan.lp import CONTINUOUS, INTEGER, SEMI_INTEGER, LinearProgram
from evramp.plan.watch import (
    Abandoned,
    HighsInterrupted,
    Incumbent,
    Progress,
    ProgressReport,
    Watcher,
)


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
    levelling: Levelling | None = None
    """What the level-mix stage did (LP with `lp.level` only)."""
    bases: WarmStart = NO_BASES
    """The final bases (LP only), to start a later solve of the same shape from."""
    warm: str = ""
    """How a warm start went: '' (none asked), 'used', or why it was not."""

    @property
    def optimal(self) -> bool:
        return self.status == "Optimal"


class SolveInterrupted(KeyboardInterrupt):
    """Ctrl-C during a solve, HiGHS stopped; `solution` is the best integer plan found so far
    (usable, status `INTERRUPTED`) or, for an LP or a MIP without one yet, not usable."""

    def __init__(self, solution: Solution) -> None:
        self.solution = solution
        super().__init__(f"solve interrupted after {solution.seconds:.1f} s")


INTERRUPTED = "Stopped by Ctrl-C"  # HiGHS says "Interrupted by user"
TIME_LIMIT = "Time limit reached"
HighsOptions = Mapping[str, bool | int | float | str]


# Interior point with crossover: on the planning LP's structure (long chains of weekly balances)
# it took 0.72 s where dual simplex took 1.48 s on the default scenario; crossover still returns a
# vertex, so shadow prices are those of a basis. See benchmarks/plan_default.py.
DEFAULT_ALGORITHM = "ipm"
ALGORITHMS = ("ipm", "simplex", "pdlp", "choose")
MIP_GAP = 1e-3
"""Integer mode stops at 0.1 % from the best bound. With the rounded start the default
scenario's plan is 0.04 % off the LP bound from the first second; at HiGHS' 1e-4 the search
went on for the whole time limit without a better plan (60 s, objective unchanged)."""


def solve(
    lp: LinearProgram,
    time_limit: float | None = None,
    algorithm: str = DEFAULT_ALGORITHM,
    mip_gap: float = MIP_GAP,
    *,
    start: FloatArray | None = None,
    progress: ProgressReport | None = None,
    options: HighsOptions | None = None,
    model_file: Path | None = None,
    warm: WarmStart | None = None,
) -> Solution:
    """Solve with HiGHS, single-threaded so that the same scenario gives the same plan.

    HiGHS runs in a worker thread (plan/watch.py): `time_limit` holds within about a second
    even where HiGHS does not look at its clock, and Ctrl-C stops it within about a second,
    raising `SolveInterrupted` with the best integer plan found so far (if any).

    A MIP (integer mode) is solved first. A MIP has no duals, so shadow prices come from the LP
    with the purchase decisions (lots, minimum order quantities) fixed at the integer plan's and
    whole cars relaxed: fixing the builds too would hide every shop's value in the bounds of
    fixed columns. The plan itself, its objective and its gap are the MIP's.

    `start` is a full vector of the LP's columns (purchases in lots where `lp.column_scale`
    says so) handed to HiGHS as a MIP start (`setSolution`): when it is feasible, the MIP has
    a plan from its first second. `progress` is called about every 0.1 s while the MIP runs
    (in the calling thread). `options` are HiGHS options for the MIP run. `model_file` gets
    the model as HiGHS is given it (MPS, or LP format for a name ending in .lp), written before
    the final run. `warm` (an LP without strict priorities) starts the simplex from the bases of
    an earlier solve of a model of the same shape; a basis that does not fit is not used, and
    `Solution.warm` says why.
    """
    deadline = None if time_limit is None else time.monotonic() + time_limit
    if lp.integrality is None:
        return _run(lp, deadline, algorithm, model_file=model_file, warm=warm)
    started = time.perf_counter()
    try:
        mip = _run(
            lp,
            deadline,
            "choose",
            mip_gap,
            start=start,
            progress=progress,
            options=options,
            model_file=model_file,
        )
    except SolveInterrupted as stopped:
        if not stopped.solution.usable:
            raise
        if progress is not None:  # said at once: making the plan whole takes a few seconds
            progress(_kept(stopped.solution))
        # The plan found so far is offered: made whole and given shadow prices like any other;
        # its seconds stay those of the MIP when it was stopped.
        kept = _with_duals(lp, _vertex(lp, stopped.solution), algorithm, started)
        raise SolveInterrupted(replace(kept, seconds=stopped.solution.seconds)) from None
    mip = _vertex(lp, mip)
    if not mip.usable:
        return mip
    return _with_duals(lp, mip, algorithm, started)


def _kept(solution: Solution) -> Progress:
    """The progress report of a plan kept at Ctrl-C."""
    bound = solution.objective - solution.gap * max(1.0, abs(solution.objective))
    return Progress(solution.seconds, solution.objective, bound, stopped=True)


def _with_duals(lp: LinearProgram, mip: Solution, algorithm: str, started: float) -> Solution:
    """`mip` with the shadow prices of the LP that fixes its purchases (see `solve`)."""
    buy = np.zeros(len(lp.cost), dtype=bool)
    buy[lp.columns.buy.offset : lp.columns.buy.stop] = True
    assert lp.integrality is not None
    fixed = buy & (lp.integrality != CONTINUOUS)
    lower = np.where(fixed, mip.x, lp.col_lower)
    upper = np.where(fixed, mip.x, lp.col_upper)
    relaxed_lp = replace(lp, col_lower=lower, col_upper=upper, integrality=None)
    relaxed = _run(relaxed_lp, None, algorithm)
    return replace(
        mip,
        row_dual=relaxed.row_dual,
        col_dual=relaxed.col_dual,
        seconds=time.perf_counter() - started,
        iterations=mip.iterations + relaxed.iterations,
    )


def _vertex(lp: LinearProgram, mip: Solution) -> Solution:
    """The MIP plan with its continuous columns moved to a vertex of the LP that fixes every
    integer column at the plan's value: the same objective or better, and whole deliveries
    where the network argument of `lp._whole_deliveries_implied` says a vertex has them (HiGHS'
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
    lp: LinearProgram,
    deadline: float | None,
    algorithm: str,
    mip_gap: float = MIP_GAP,
    *,
    start: FloatArray | None = None,
    progress: ProgressReport | None = None,
    options: HighsOptions | None = None,
    model_file: Path | None = None,
    warm: WarmStart | None = None,
) -> Solution:
    """One model through HiGHS, watched (plan/watch.py); `deadline` is a `time.monotonic()`
    instant. Raises `SolveInterrupted` on Ctrl-C."""
    started = time.perf_counter()
    is_mip = lp.integrality is not None
    highs = highs_for(lp, algorithm)
    highs.setOptionValue("mip_rel_gap", mip_gap)
    for name, value in (options or {}).items():
        highs.setOptionValue(name, value)
    watcher = Watcher(highs, lp.shape[1], deadline, progress if is_mip else None)
    final = False  # a plan kept from an earlier priority stage is not a plan of this model
    try:
        for stage in lp.stages:
            if not _hold_stage(highs, lp, stage, watcher, deadline):
                break
        highs.changeColsCost(len(lp.cost), np.arange(len(lp.cost), dtype=np.int32), lp.cost)
        if model_file is not None:
            write_model(highs, model_file)
        if start is not None:
            _set_start(highs, start)
        warmed = _warm(highs, lp, warm)
        final = True
        _run_with_retry(highs, watcher, deadline, staged=bool(lp.stages))
    except Abandoned as gave_up:
        kept = gave_up.incumbent if final else None
        return _from_incumbent(lp, TIME_LIMIT, kept, time.perf_counter() - started)
    except HighsInterrupted as stopped:
        kept = stopped.incumbent if final and is_mip else None
        solution = _from_incumbent(lp, INTERRUPTED, kept, time.perf_counter() - started)
        raise SolveInterrupted(solution) from None
    seconds = time.perf_counter() - started
    status = highs.getModelStatus()
    info = highs.getInfo()
    values = highs.getSolution()
    optimal = status == highspy.HighsModelStatus.kOptimal
    feasible = info.primal_solution_status == FEASIBLE
    usable = optimal or (is_mip and feasible and status in STOPPED_EARLY)
    n_rows, n_cols = lp.shape
    stopped_by_watcher = (
        status == highspy.HighsModelStatus.kInterrupt and watcher.stopped_at_deadline
    )
    solution = Solution(
        status=TIME_LIMIT if stopped_by_watcher else highs.modelStatusToString(status),
        usable=usable,
        objective=float(info.objective_function_value) if usable else float("nan"),
        gap=float(info.mip_gap) if usable and is_mip else (0.0 if usable else float("nan")),
        x=np.asarray(values.col_value) if usable else np.zeros(n_cols),
        row_dual=np.asarray(values.row_dual)[:n_rows]
        if usable and not is_mip
        else np.zeros(n_rows),
        col_dual=np.asarray(values.col_dual) if usable and not is_mip else np.zeros(n_cols),
        seconds=seconds,
        iterations=int(info.simplex_iteration_count) + int(info.ipm_iteration_count),
        warm=warmed,
    )
    if is_mip or not optimal:
        return solution
    solution = replace(solution, bases=WarmStart(first=Basis.of(highs)))
    if lp.level is None:
        return solution
    level = None if warm is None else warm.level
    return _levelled(highs, lp, lp.level, solution, watcher, deadline, level)


def _warm(highs: highspy.Highs, lp: LinearProgram, warm: WarmStart | None) -> str:
    """Start from `warm.first` where it fits: '' when none is asked, 'used', or why not."""
    if warm is None:
        return ""
    if warm.first is None:
        return "no basis of the previous plan"
    if lp.stages or lp.integrality is not None:
        return "not for strict priorities or integer mode"
    if not warm.first.fits(highs):
        rows, columns = len(warm.first.rows), len(warm.first.columns)
        return (
            f"the previous plan's model has another shape ({rows:,} x {columns:,}, now "
            f"{highs.getNumRow():,} x {highs.getNumCol():,})"
        )
    return "used" if warm.first.set_on(highs) else "HiGHS refused the previous plan's basis"


def _levelled(
    highs: highspy.Highs,
    lp: LinearProgram,
    stage: LevelStage,
    first: Solution,
    watcher: Watcher,
    deadline: float | None,
    warm: Basis | None = None,
) -> Solution:
    """The level-mix stage on the optimal plan's model: its columns and rows appended, the
    service of `first` held, the cost with the rate changes' minimised by the dual simplex from
    `first`'s basis (or from `warm`, a level stage's basis of a model of the same shape). The
    duals stay the optimal plan's. When the stage does not finish (time limit) the optimal plan
    is kept; Ctrl-C raises `SolveInterrupted` as in the first stage."""
    started = time.perf_counter()
    n_cols = lp.shape[1]
    count = stage.columns
    none = np.zeros(0, dtype=np.int32)
    highs.addCols(
        count, stage.cost, np.zeros(count), np.full(count, np.inf), 0, none, none, np.zeros(0)
    )
    rows = stage.rows
    matrix = sp.csr_array((rows.values, (rows.rows, rows.cols)), shape=(rows.count, n_cols + count))
    highs.addRows(
        rows.count,
        rows.lower,
        rows.upper,
        matrix.nnz,
        matrix.indptr[:-1].astype(np.int32),
        matrix.indices.astype(np.int32),
        matrix.data,
    )
    for held in stage.held:
        # In units of its largest coefficient: a row of prices (1e5) and penalties raised per
        # priority level (1e3-1e9) is badly scaled beside the rest of the LP.
        scale = float(np.abs(held.values).max()) if len(held.values) else 1.0
        values = held.values / scale
        value = float(values @ first.x[held.columns])
        slack = HOLD_SLACK * max(1.0, abs(value))
        lower, upper = (-np.inf, value + slack) if held.at_most else (value - slack, np.inf)
        highs.addRow(lower, upper, len(held.columns), held.columns.astype(np.int32), values)
    highs.setOptionValue("solver", "simplex")
    if warm is not None:
        warm.set_on(highs)
    try:
        _run_with_retry(highs, watcher, deadline, staged=True)
    except Abandoned:
        return _unlevelled(first, stage, TIME_LIMIT, time.perf_counter() - started)
    except HighsInterrupted:
        stopped = _from_incumbent(lp, INTERRUPTED, None, time.perf_counter() - started)
        raise SolveInterrupted(stopped) from None
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        status = highs.modelStatusToString(highs.getModelStatus())
        return _unlevelled(first, stage, status, time.perf_counter() - started)
    x = np.asarray(highs.getSolution().col_value)[:n_cols]
    info = highs.getInfo()
    report = Levelling(
        "Optimal",
        stage.rate_change(first.x),
        stage.rate_change(x),
        first.objective,
        time.perf_counter() - started,
    )
    return replace(
        first,
        objective=float(lp.cost @ x),
        x=x,
        seconds=first.seconds + report.seconds,
        iterations=first.iterations + int(info.simplex_iteration_count),
        levelling=report,
        bases=replace(first.bases, level=Basis.of(highs)),
    )


def _unlevelled(first: Solution, stage: LevelStage, status: str, seconds: float) -> Solution:
    change = stage.rate_change(first.x)
    report = Levelling(status, change, change, first.objective, seconds)
    return replace(first, seconds=first.seconds + seconds, levelling=report)


def _from_incumbent(
    lp: LinearProgram, status: str, incumbent: Incumbent | None, seconds: float
) -> Solution:
    """The plan the watcher kept when HiGHS was stopped (usable if there is one)."""
    n_rows, n_cols = lp.shape
    if incumbent is None:
        nan = float("nan")
        return Solution(
            status,
            False,
            nan,
            nan,
            np.zeros(n_cols),
            np.zeros(n_rows),
            np.zeros(n_cols),
            seconds,
            0,
        )
    return Solution(
        status=status,
        usable=True,
        objective=incumbent.objective,
        gap=incumbent.gap,
        x=incumbent.x,
        row_dual=np.zeros(n_rows),
        col_dual=np.zeros(n_cols),
        seconds=seconds,
        iterations=0,
    )


def _set_start(highs: highspy.Highs, start: FloatArray) -> None:
    """Hand HiGHS a MIP start: every column's value (HiGHS checks it and keeps it as its first
    plan when it is feasible)."""
    columns = highs.getNumCol()
    if start.shape != (columns,):
        raise ValueError(f"a MIP start needs one value per column ({columns}), got {start.shape}")
    solution = highspy.HighsSolution()
    solution.col_value = np.asarray(start, dtype=np.float64)
    solution.value_valid = True
    highs.setSolution(solution)


def write_model(highs: highspy.Highs, path: Path) -> None:
    """The model `highs` holds, written as HiGHS reads it (format by extension: .mps, .lp),
    first to a temporary name beside `path` and then renamed, so `path` is never half-written."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}{path.suffix}")
    try:
        # kWarning: HiGHS names the unnamed rows and columns (r0, c0, ...) itself.
        if highs.writeModel(str(temporary)) == highspy.HighsStatus.kError:
            raise OSError(f"HiGHS could not write the model to {path}")
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def _hold_stage(
    highs: highspy.Highs,
    lp: LinearProgram,
    stage: FloatArray,
    watcher: Watcher,
    deadline: float | None,
) -> bool:
    """Minimise one priority level's lateness, then add a row that keeps it at its optimum
    for the stages after it. Each stage is solved afresh with the chosen algorithm: on the
    default scenario a simplex warm start from the previous basis took 2.1 s, a fresh interior
    point solve 0.8 s."""
    columns = np.arange(len(stage), dtype=np.int32)
    highs.changeColsCost(len(stage), columns, stage)
    _run_with_retry(highs, watcher, deadline, staged=True)
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


def _run_with_retry(
    highs: highspy.Highs, watcher: Watcher, deadline: float | None, staged: bool
) -> None:
    """Run; a model with held priority rows is feasible by construction (each row holds a level
    at an optimum just reached), so an 'infeasible' verdict there comes from presolve's
    tolerances on those nearly tight rows (seen with interior point): solve again without.
    HiGHS' own time limit is what is left until `deadline` (the watcher enforces it too)."""
    _run_until(highs, watcher, deadline)
    if staged and highs.getModelStatus() in INFEASIBLE:
        highs.setOptionValue("presolve", "off")
        _run_until(highs, watcher, deadline)
        highs.setOptionValue("presolve", "choose")


def _run_until(highs: highspy.Highs, watcher: Watcher, deadline: float | None) -> None:
    if deadline is not None:
        highs.setOptionValue("time_limit", max(0.0, deadline - time.monotonic()))
    watcher.run()


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
