"""One LP solved again and again with new column bounds, warm-started from its last basis:
the re-planning after each rounding step of integer mode's start (`mip_start`)."""

from __future__ import annotations

import highspy
import numpy as np

from evramp.plan.layout import FloatArray
from evramp.plan.lp import LinearProgram
from evramp.plan.solve import highs_for


class WarmRelaxation:
    """The first solve with interior point (fastest from scratch, and its crossover leaves a
    basis); every later one with dual simplex from the last basis: a rounding step changes a
    few bounds, and simplex re-plans the default scenario in 0.02-0.3 s where a fresh solve
    takes about 1 s."""

    def __init__(self, lp: LinearProgram, algorithm: str) -> None:
        assert lp.integrality is None, "a relaxation has no integer columns"
        self._highs = highs_for(lp, algorithm)
        self._columns = np.arange(lp.shape[1], dtype=np.int32)
        self._started = False

    def __call__(self, lower: FloatArray, upper: FloatArray) -> FloatArray | None:
        highs = self._highs
        highs.changeColsBounds(len(self._columns), self._columns, lower, upper)
        highs.run()
        if not self._started:
            highs.setOptionValue("solver", "simplex")
            self._started = True
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return np.asarray(highs.getSolution().col_value, dtype=np.float64)
