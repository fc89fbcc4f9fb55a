"""A level mix: among plans that deliver as well, the one whose variants change rate least.

An optimal LP plan is a vertex, and vertices swing: where two variants are equally late at the
same penalty, the solver may build one in a week and the other the next. A line cannot run that.
So the plan is made in two stages (the first is today's plan, unchanged):

1. the optimal plan;
2. the same LP with, for every vehicle and bucket t > 0, the change of its weekly rate
   `build[m,t] / weeks[t] - build[m,t-1] / weeks[t-1] = rise[m,t] - fall[m,t]` (rise, fall >= 0:
   `rise + fall` is |change| at the optimum), minimising the plan's cost plus
   `weight × holding cost of the vehicle a week` per vehicle-a-week of change, while every
   priority level's penalty-weighted lateness stays at most its optimum and the revenue at least
   its optimum (within `HOLD_SLACK`, relative).

So deliveries and lateness are as good as the optimal plan's, level by level; what levelling may
spend is holding, overtime and purchase cost, at `weight` weeks of a vehicle's holding cost per
vehicle-a-week of rate change (1: hold a car one week early to take one car off a swing). One
order may be later than in the optimal plan when others of its priority level are earlier by at
least as much penalty-weighted lateness: the level's total never grows.

`max_rate_change` is a hard limit on |change| of each vehicle's weekly rate between two buckets
(vehicles a week): a family of ranged rows of the LP itself (`rate_limit_rows`), so both stages
keep it. It does not hold into or out of a bucket where one of the vehicle's shops has no
capacity (a shutdown, before the start of production): there the line stops and restarts
whatever the limit. The change into the first bucket is not counted (the rate before the plan is
not known). A weight of 0 is no second stage: the optimal plan as it is.

The second stage is an appendix to the LP, not a part of it: its columns come after the LP's and
its rows after the LP's rows, so that the first stage is exactly the plan without levelling and
everything that reads the LP's columns (the tables, the duals) reads the same layout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evramp.plan.index import PlanData
from evramp.plan.layout import Block, Columns, FloatArray, IntArray, Triplets
from evramp.plan.objective import lateness_of_level, term

DEFAULT_WEIGHT = 1.0
"""Weeks of a vehicle's holding cost that one vehicle-a-week of rate change costs (stage 2)."""

HOLD_SLACK = 1e-9
"""Relative slack of the held lateness and revenue. The second stage spends what slack there
is (at 1e-6 it delivered 0.999999 of a one-car order to save a millionth of a rate change), so
it is as small as the dual simplex from the first stage's basis takes: that start satisfies the
held rows exactly, and presolve, which made 1e-7 infeasible for strict priorities with
interior point, does not run on it."""


@dataclass(frozen=True)
class LevelOptions:
    """How to level the mix: `weight` as in the module docstring (0: not levelled),
    `max_rate_change` vehicles a week (None: no limit)."""

    weight: float = DEFAULT_WEIGHT
    max_rate_change: float | None = None

    def __post_init__(self) -> None:
        if not self.weight >= 0.0:
            raise ValueError(f"the level weight must be >= 0, got {self.weight}")
        if self.max_rate_change is not None and not self.max_rate_change >= 0.0:
            raise ValueError(f"the rate change limit must be >= 0, got {self.max_rate_change}")


LEVELLED = LevelOptions()
"""The default: levelled at `DEFAULT_WEIGHT`, no limit."""
NOT_LEVELLED = LevelOptions(weight=0.0)
"""The optimal plan as it is."""


@dataclass(frozen=True)
class Levelling:
    """The level-mix stage (plan/level.py): the vehicles' total week-to-week rate change of the
    optimal plan and of the plan kept, the optimal plan's objective (the plan kept costs its
    own), and the stage's seconds. `status` is "Optimal", or why the optimal plan was kept as
    it was (the stage ran out of time)."""

    status: str
    change_before: float
    change_after: float
    objective_before: float
    seconds: float


@dataclass(frozen=True)
class Held:
    """A linear function of the LP's columns held at its first-stage value: at most it
    (`at_most`) or at least it."""

    name: str
    columns: IntArray
    values: FloatArray
    at_most: bool


@dataclass(frozen=True)
class LevelStage:
    """The second stage: `2 V (T-1)` columns (rise then fall, vehicle-major) numbered from
    `first`, their rows (numbered from 0) and costs, and what is held."""

    first: int  # the LP's column count: rise[v, t] is column first + v (T-1) + t - 1
    rows: Triplets
    cost: FloatArray  # (2 V (T-1),)
    held: tuple[Held, ...]

    @property
    def columns(self) -> int:
        return len(self.cost)

    def rate_change(self, x: FloatArray) -> float:
        """Total |change| of the vehicles' weekly rates in the LP's solution `x` (its first
        `first` columns): the rows' build part, summed in absolute value."""
        base = self.rows.cols < self.first
        change = np.zeros(self.rows.count)
        np.add.at(change, self.rows.rows[base], self.rows.values[base] * x[self.rows.cols[base]])
        return float(np.abs(change).sum())


def level_stage(data: PlanData, columns: Columns, options: LevelOptions) -> LevelStage | None:
    """The second stage for `data`'s LP laid out as `columns`; None for a weight of 0."""
    if options.weight == 0.0:
        return None
    made = levelled(data)
    steps = max(data.bucket_count - 1, 0)
    count = len(made) * steps
    first = columns.count
    rows, cols, values = _rate_changes(data, columns, made)
    step = np.arange(count)
    rows = np.concatenate([rows, step, step])
    cols = np.concatenate([cols, first + step, first + count + step])
    values = np.concatenate([values, -np.ones(count), np.ones(count)])
    holding = data.items.holding_cost[data.made.item[made]]
    per_change = np.repeat(options.weight * holding, steps)
    return LevelStage(
        first=first,
        rows=Triplets(rows, cols, values, np.zeros(count), np.zeros(count)),
        cost=np.concatenate([per_change, per_change]),
        held=held_service(data, columns),
    )


def rate_limit_rows(data: PlanData, columns: Columns, most: float) -> Triplets:
    """`-most <= change of each vehicle's weekly rate into bucket t <= most`, t > 0: V (T-1)
    ranged rows (free where a shop of the vehicle is closed on either side)."""
    made = levelled(data)
    rows, cols, values = _rate_changes(data, columns, made)
    limit = _rate_limit(data, made, most)
    return Triplets(rows, cols, values, -limit, limit)


def _rate_changes(
    data: PlanData, columns: Columns, made: IntArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """Row v (T-1) + t - 1: `build[m,t] / weeks[t] - build[m,t-1] / weeks[t-1]` for vehicle v
    (made item m = made[v]) and bucket t > 0, as triplets."""
    buckets = data.bucket_count
    steps = max(buckets - 1, 0)
    vehicle = np.repeat(np.arange(len(made)), steps)
    bucket = np.tile(np.arange(1, buckets), len(made))
    step = np.arange(len(made) * steps)
    weeks = data.bucket_weeks
    rows = np.concatenate([step, step])
    cols = np.concatenate(
        [columns.build.at(made[vehicle], bucket), columns.build.at(made[vehicle], bucket - 1)]
    )
    values = np.concatenate([1.0 / weeks[bucket], -1.0 / weeks[bucket - 1]])
    return rows.astype(np.int64), cols.astype(np.int64), values


def levelled(data: PlanData) -> IntArray:
    """Made-item indices of the vehicles: the mix that is levelled."""
    kinds = np.asarray(data.items.kind, dtype=object)[data.made.item]
    return np.flatnonzero(kinds == "vehicle").astype(np.int64)


def _rate_limit(data: PlanData, made: IntArray, most: float) -> FloatArray:
    """(V (T-1),) the most |change| of each vehicle's weekly rate into each bucket t > 0."""
    # A bucket where one of the vehicle's shops is closed: the line stops there, limit or not.
    closed = np.zeros((len(made), data.bucket_count), dtype=bool)
    position = {int(m): v for v, m in enumerate(made)}
    for shop, item in zip(data.routings.shop, data.routings.made, strict=True):
        if int(item) in position:
            closed[position[int(item)]] |= data.shops.capacity[shop] <= 0.0
    free = closed[:, 1:] | closed[:, :-1]
    return np.where(free, np.inf, most).ravel()


def held_service(data: PlanData, columns: Columns) -> tuple[Held, ...]:
    """Each priority level's penalty-weighted lateness (at most) and the revenue (at least):
    the terms of the objective that say how well the plan delivers."""
    lateness = [
        _held(f"lateness of priority {level}", columns.backlog, lateness_of_level(data, level))
        for level in np.unique(data.demand.priority)
    ]
    revenue = term(data, "revenue").unit_cost
    return (*lateness, _held("revenue", columns.deliver, revenue, at_most=False))


def _held(name: str, block: Block, unit_cost: FloatArray, at_most: bool = True) -> Held:
    """The first stage's value of `unit_cost` (entities, T) on `block`'s columns, held."""
    values = unit_cost.ravel()
    used = np.flatnonzero(values)
    return Held(name, block.offset + used, values[used], at_most)
