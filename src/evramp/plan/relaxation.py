"""One LP solved again and again with new column bounds, warm-started from its last basis:
the re-planning after each rounding step of integer mode's start (`mip_start`)."""

from __future__ import annotations

import time

import highspy
import numpy as np

from evramp.plan.layout import FloatArray
from evramp.plan.lp import LinearProgram
from evramp.plan.solve import INTERRUPTED, SolveInterrupted, _from_incumbent, highs_for
from evramp.plan.watch import Abandoned, HighsInterrupted, Watcher


class WarmRelaxation:
    """The first solve with interior point (fastest from scratch, and its crossover leaves a
    basis); every later one with dual simplex from the last basis: a rounding step changes a
    few bounds, and simplex re-plans the default scenario in 0.02-0.3 s where a fresh solve
    takes about 1 s. Watched like every solve (plan/watch.py): past `deadline` (a
    `time.monotonic()` instant) it has no plan to give, and Ctrl-C raises `SolveInterrupted`."""

    def __init__(self, lp: LinearProgram, algorithm: str, deadline: float | None = None) -> None:
        assert lp.integrality is None, "a relaxation has no integer columns"
        self._lp = lp
        self._highs = highs_for(lp, algorithm)
        if deadline is not None:
            self._highs.setOptionValue("time_limit", max(deadline - time.monotonic(), 0.0))
        self._watcher = Watcher(self._highs, lp.shape[1], deadline)
        self._columns = np.arange(lp.shape[1], dtype=np.int32)
        self._started = time.perf_counter()

    def __call__(self, lower: FloatArray, upper: FloatArray) -> FloatArray | None:
        highs = self._highs
        highs.changeColsBounds(len(self._columns), self._columns, lower, upper)
        try:
            self._watcher.run()
        except Abandoned:
            return None
        except HighsInterrupted:
            seconds = time.perf_counter() - self._started
            raise SolveInterrupted(_from_incumbent(self._lp, INTERRUPTED, None, seconds)) from None
        highs.setOptionValue("solver", "simplex")
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return np.asarray(highs.getSolution().col_value, dtype=np.float64)
