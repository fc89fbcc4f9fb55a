"""One LP for all runs: a run's disruptions become bound changes, then HiGHS solves again.

The LP is built once (per worker) from the scenario without its disruptions, except that parts
some disruption may hit stay in it (they are not planned just in time outside: a disruption can
make their supply bind). A run then sets
  - the upper bounds of the shop-capacity rows: base capacity (moved `slip` buckets later for a
    ramp slip, the first `slip` buckets without capacity) × the run's factor per shop-week;
  - the upper bounds of the overtime columns in the same way (a closed shop works no overtime);
  - for a learning shop, its chord rows' bounds and experience coefficients × the factor;
  - the upper bounds of the purchase columns of the supplier lines some disruption may hit: the
    line's capacity × the factor of the arrival bucket (release bucket + lead time).
Every run sets all of these from the base values, so nothing carries over from the run before,
and starts the simplex from the base plan's optimal basis, so a run's result does not depend on
which runs the same worker solved before it (identical for any number of workers).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import highspy
import numpy as np

from evramp.model import Scenario
from evramp.plan.chain import JustInTimeParts
from evramp.plan.index import PlanData, compile_scenario
from evramp.plan.layout import FloatArray, IntArray, delay
from evramp.plan.lp import LinearProgram, build_lp, release_capacity_of
from evramp.plan.solve import highs_for
from evramp.risk.sampling import Effects, RiskModel, compile_risks

# Dual simplex from the base plan's basis: on the default scenario with one shop or supplier
# disruption it re-solves in a fraction of a fresh interior point solve (see docs/planning-model
# .md, Risk); interior point would ignore the basis.
RISK_ALGORITHM = "simplex"


@dataclass(frozen=True)
class Outcome:
    """What one run delivers (or why it failed)."""

    status: str
    objective: float
    built: FloatArray  # (T,) vehicles built (completed) per bucket
    delivered: FloatArray  # (T,) vehicles delivered per bucket
    lateness: FloatArray  # (P,) vehicle-weeks late per priority level (see RiskProblem)
    disrupted: bool = True
    """False for the base plan: no disruption happened in the run."""

    @property
    def ok(self) -> bool:
        return self.status == "Optimal"


@dataclass(frozen=True)
class Chords:
    """The learning-curve chord rows `load - full[s,t] m_k N <= full[s,t] a_k`: a shop's
    capacity factor scales both `full` terms (the experience coefficient and the bound)."""

    row: IntArray
    column: IntArray  # the experience column of the row
    shop: IntArray
    bucket: IntArray
    coefficient: FloatArray  # base coefficient of the experience column
    upper: FloatArray  # base upper bound (inf before the SOP)


def _chords(data: PlanData, lp: LinearProgram) -> Chords:
    curves = data.learning
    chords = lp.bound("learning_chords")
    chord, bucket = np.divmod(np.arange(chords.index.size), data.bucket_count)
    curve = curves.chord_curve[chord]
    shop = curves.shop[curve]
    return Chords(
        row=chords.index.astype(np.int64),
        column=lp.columns.experience.at(curve, bucket),
        shop=shop,
        bucket=bucket,
        coefficient=-data.shops.capacity[shop, bucket] * curves.chord_slope[chord],
        upper=chords.base.ravel().copy(),
    )


@dataclass(frozen=True)
class RiskProblem:
    """Everything a worker needs, picklable: the LP and the base values its runs change."""

    lp: LinearProgram
    model: RiskModel
    shop_capacity: FloatArray  # (S, T) the shop rows' base upper bounds
    overtime_upper: FloatArray  # (S, T) the overtime columns' base upper bounds
    line_capacity: FloatArray  # (L, T) full-scenario lines, per arrival bucket
    line_lead: IntArray  # (L,)
    lp_line: IntArray  # (L,) the line's index in the LP, -1 when planned outside it
    vehicle_made: IntArray  # made-item indices of vehicles
    vehicle_lead: IntArray
    bucket_weeks: FloatArray  # (T,)
    class_level: IntArray  # (C,) index of each demand class's priority in `priorities`
    priorities: tuple[int, ...]
    buckets: list[str]
    chords: Chords


def risk_problem(scenario: Scenario) -> RiskProblem:
    """Compile a valid scenario (weekly buckets) and build its LP once."""
    model = compile_risks(scenario)
    data = compile_scenario(scenario)
    keep = frozenset(r.item for r in scenario.disruptions if r.item is not None)
    slipping = model.slipping_shops

    def most_capacity(data: PlanData) -> PlanData:
        """A slip moves capacity later: bound consumption by the running maximum."""
        if not len(slipping):
            return data
        capacity, overtime = data.shops.capacity.copy(), data.shops.overtime_hours.copy()
        capacity[slipping] = np.maximum.accumulate(capacity[slipping], axis=1)
        overtime[slipping] = np.maximum.accumulate(overtime[slipping], axis=1)
        return _with(data, capacity, overtime)

    reduction = JustInTimeParts(keep=keep, bounding=most_capacity)
    reduced, inverse = reduction.apply(data)
    lp = build_lp(reduced)
    kept_lines = inverse.kept_lines
    lp_line = np.where(kept_lines, np.cumsum(kept_lines) - 1, -1)
    vehicles = np.array(
        [m for m, i in enumerate(data.made.item) if data.items.kind[i] == "vehicle"], dtype=np.int64
    )
    levels = tuple(sorted(set(data.demand.priority.tolist())))
    return RiskProblem(
        lp=lp,
        model=model,
        shop_capacity=data.shops.capacity,
        overtime_upper=lp.columns.overtime.take(lp.col_upper).copy(),
        line_capacity=data.lines.capacity,
        line_lead=data.lines.lead_time,
        lp_line=lp_line.astype(np.int64),
        vehicle_made=vehicles,
        vehicle_lead=data.made.lead_time[vehicles],
        bucket_weeks=data.bucket_weeks,
        class_level=np.searchsorted(np.array(levels), data.demand.priority).astype(np.int64),
        priorities=levels,
        buckets=data.bucket_starts,
        chords=_chords(reduced, lp),
    )


def _with(data: PlanData, capacity: FloatArray, overtime: FloatArray) -> PlanData:
    return replace(data, shops=replace(data.shops, capacity=capacity, overtime_hours=overtime))


def shifted(values: FloatArray, slip: IntArray) -> FloatArray:
    """Each row moved `slip[row]` buckets later, the first `slip` buckets 0 (a ramp that slips)."""
    return delay(values, np.minimum(slip, values.shape[1])) if slip.any() else values


class Solver:
    """One HiGHS object holding the LP, re-solved for run after run with changed bounds."""

    def __init__(self, problem: RiskProblem, algorithm: str = RISK_ALGORITHM) -> None:
        self.problem = problem
        lp = problem.lp
        self.highs = highs_for(lp, algorithm)
        self.shop_rows = lp.bound("shop_capacity").index
        self.overtime_cols = lp.bound("overtime_hours").index
        lines = problem.model.targeted_lines
        self.lines = lines[problem.lp_line[lines] >= 0]
        self.buy_cols = lp.bound("release_capacity", problem.lp_line[self.lines]).index
        self.base = replace(self._solve(), disrupted=False)
        self.chords_changed = np.zeros(len(problem.chords.row), dtype=bool)
        self.basis = self.highs.getBasis()

    def run(self, effects: Effects) -> Outcome:
        """The plan under one run's disruptions (the base plan when nothing happened)."""
        if effects.none:
            return self.base
        problem = self.problem
        capacity = shifted(problem.shop_capacity, effects.slip) * effects.shop_factor
        overtime = shifted(problem.overtime_upper, effects.slip) * effects.shop_factor
        self.highs.changeRowsBounds(  # type: ignore[attr-defined]
            len(self.shop_rows),
            self.shop_rows,
            np.full(len(self.shop_rows), -np.inf),
            capacity.ravel(),
        )
        self.highs.changeColsBounds(
            len(self.overtime_cols),
            self.overtime_cols,
            np.zeros(len(self.overtime_cols)),
            overtime.ravel(),
        )
        if len(self.lines):
            self.highs.changeColsBounds(
                len(self.buy_cols),
                self.buy_cols,
                np.zeros(len(self.buy_cols)),
                self._release_capacity(effects).ravel(),
            )
        self._scale_chords(effects)
        self.highs.clearSolver()  # no state (edge weights, factor) from the run before
        self.highs.setBasis(self.basis)
        return self._solve()

    def _scale_chords(self, effects: Effects) -> None:
        """Learning shops: the chords of the buckets with a factor get it, those the run before
        changed get their base values back (a ramp slip is not applied to the chords)."""
        chords = self.problem.chords
        factor = effects.shop_factor[chords.shop, chords.bucket]
        changed = factor != 1.0
        touched = np.flatnonzero(changed | self.chords_changed)
        self.chords_changed = changed
        if not len(touched):
            return
        upper = chords.upper[touched]
        scaled = np.where(np.isinf(upper), upper, upper * factor[touched])
        rows = chords.row[touched].astype(np.int32)
        self.highs.changeRowsBounds(  # type: ignore[attr-defined]
            len(rows), rows, np.full(len(rows), -np.inf), scaled
        )
        coefficients = chords.coefficient[touched] * factor[touched]
        for row, column, value in zip(
            rows.tolist(), chords.column[touched].tolist(), coefficients.tolist(), strict=True
        ):
            self.highs.changeCoeff(row, column, value)

    def _release_capacity(self, effects: Effects) -> FloatArray:
        """Most each targeted line may release per bucket: the capacity of its arrival bucket."""
        problem = self.problem
        lines = self.lines
        factor = effects.line_factor[lines]
        capacity = problem.line_capacity[lines]
        arrivals = np.where(factor <= 0.0, 0.0, capacity * np.where(factor <= 0.0, 1.0, factor))
        return release_capacity_of(arrivals, problem.line_lead[lines])

    def _solve(self) -> Outcome:
        self.highs.run()
        status = self.highs.getModelStatus()
        problem = self.problem
        buckets = len(problem.buckets)
        if status != highspy.HighsModelStatus.kOptimal:
            nothing = np.full(buckets, np.nan)
            return Outcome(
                self.highs.modelStatusToString(status),
                float("nan"),
                nothing,
                nothing,
                np.full(len(problem.priorities), np.nan),
            )
        x = np.asarray(self.highs.getSolution().col_value)
        columns = problem.lp.columns
        build = columns.build.take(x)[problem.vehicle_made]
        built = delay(np.maximum(build, 0.0), problem.vehicle_lead).sum(axis=0)
        delivered = np.maximum(columns.deliver.take(x), 0.0).sum(axis=0)
        backlog = np.maximum(columns.backlog.take(x), 0.0) @ problem.bucket_weeks
        lateness = np.zeros(len(problem.priorities))
        np.add.at(lateness, problem.class_level, backlog)
        objective = float(self.highs.getInfo().objective_function_value)
        return Outcome("Optimal", objective, built, delivered, lateness)
