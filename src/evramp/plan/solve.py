"""Solve a `LinearProgram` with HiGHS (through highspy) and return the raw solution."""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np

from evramp.plan.layout import FloatArray
from evramp.plan.lp import LinearProgram


@dataclass(frozen=True)
class Solution:
    status: str
    optimal: bool
    objective: float
    x: FloatArray
    row_dual: FloatArray
    col_dual: FloatArray
    seconds: float
    iterations: int


# Interior point with crossover: on the planning LP's structure (long chains of weekly balances)
# it took 0.72 s where dual simplex took 1.48 s on the default scenario; crossover still returns a
# vertex, so shadow prices are those of a basis. See benchmarks/plan_default.py.
DEFAULT_ALGORITHM = "ipm"
ALGORITHMS = ("ipm", "simplex", "pdlp", "choose")


def solve(
    lp: LinearProgram, time_limit: float | None = None, algorithm: str = DEFAULT_ALGORITHM
) -> Solution:
    """Solve with HiGHS, single-threaded so that the same scenario gives the same plan."""
    highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("random_seed", 0)
    highs.setOptionValue("solver", algorithm)
    if time_limit is not None:
        highs.setOptionValue("time_limit", float(time_limit))
    highs.passModel(_to_highs(lp))
    started = time.perf_counter()
    highs.run()
    seconds = time.perf_counter() - started
    status = highs.getModelStatus()
    info = highs.getInfo()
    solution = highs.getSolution()
    optimal = status == highspy.HighsModelStatus.kOptimal
    n_rows, n_cols = lp.shape
    return Solution(
        status=highs.modelStatusToString(status),
        optimal=optimal,
        objective=float(info.objective_function_value) if optimal else float("nan"),
        x=np.asarray(solution.col_value) if optimal else np.zeros(n_cols),
        row_dual=np.asarray(solution.row_dual) if optimal else np.zeros(n_rows),
        col_dual=np.asarray(solution.col_dual) if optimal else np.zeros(n_cols),
        seconds=seconds,
        iterations=int(info.simplex_iteration_count) + int(info.ipm_iteration_count),
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
    return model
