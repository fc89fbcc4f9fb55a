"""The planning LP, assembled from its constraint families as one sparse matrix.

minimise   purchase cost + holding cost + lateness penalty - revenue of deliveries
subject to material balance (material.py), shop capacity (shops.py),
           demand and backlog (demand.py), supplier capacity (column bounds)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from evramp.plan.bounds import max_consumption
from evramp.plan.demand import demand_rows
from evramp.plan.index import PlanData
from evramp.plan.integrality import whole_builds_implied, whole_deliveries_implied
from evramp.plan.layout import (
    Block,
    Columns,
    FloatArray,
    IntArray,
    Triplets,
    stack_blocks,
    with_parts,
)
from evramp.plan.learning import chord_rows, experience_rows
from evramp.plan.level import LevelOptions, LevelStage, level_stage, levelled, rate_limit_rows
from evramp.plan.material import material_rows
from evramp.plan.objective import lateness_of_level, objective_terms
from evramp.plan.setups import (
    remaining_demand_rows,
    setup_load_in_chords,
    setup_routings,
    setup_rows,
)
from evramp.plan.shares import quota_lines, share_rows
from evramp.plan.shops import shop_rows


@dataclass(frozen=True)
class Rows:
    material: Block  # material[i, t]
    shops: Block  # capacity[s, t]
    demand: Block  # backlog balance[c, t]
    experience: Block  # cumulative jobs of learning shop n[n, t]
    learning: Block  # chord k of a learning curve[k, t]
    shares: Block  # quota of supplier line n[n] (one row each, over the horizon)
    setups: Block  # build of routing k's item only in buckets it is set up[k, t]
    setup_cuts: Block  # a vehicle's set-up bucket makes no more than is still due[k, t]
    rate_limits: Block  # change of vehicle v's weekly rate into bucket t + 1[v, t] (a limit)


@dataclass(frozen=True)
class LinearProgram:
    columns: Columns
    rows: Rows
    cost: FloatArray
    col_lower: FloatArray
    col_upper: FloatArray
    matrix: sp.csc_array
    row_lower: FloatArray
    row_upper: FloatArray
    integrality: IntArray | None = None
    """HiGHS variable types per column (integer mode), None for a pure LP."""
    column_scale: FloatArray | None = None
    """Units per column unit (lot-sized purchases count lots); None when all are 1."""
    stages: tuple[FloatArray, ...] = ()
    """Strict priorities: objectives minimised one after the other before `cost`, each held at
    its optimum afterwards (lateness of priority 1, then 2, ...)."""
    level: LevelStage | None = None
    """The level-mix stage solved after `cost` (plan/level.py); None: the optimal plan as is."""

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    def bound(self, name: str, entities: IntArray | None = None) -> NamedBound:
        """The upper bounds a caller may change by name (see `BOUNDS`), for all entities of
        the family or those given, entity by entity, bucket by bucket."""
        if name not in BOUNDS:
            raise KeyError(f"no bound named {name!r}; the LP has {', '.join(BOUNDS)}")
        on, family = BOUNDS[name]
        block: Block = getattr(self.rows if on == "row" else self.columns, family)
        chosen = np.arange(block.entities) if entities is None else entities
        index = block.at(chosen[:, None], np.arange(block.buckets)[None, :]).ravel()
        upper = self.row_upper if on == "row" else self.col_upper
        base = upper[index].reshape(len(chosen), block.buckets)
        return NamedBound(name, on, index.astype(np.int32), base)


@dataclass(frozen=True)
class NamedBound:
    """Upper bounds of some rows or columns of the LP, and their values as built."""

    name: str
    on: str  # "row" or "column"
    index: npt.NDArray[np.int32]  # entity-major: entity × bucket
    base: FloatArray  # (entities, buckets)


BOUNDS = {
    "shop_capacity": ("row", "shops"),  # jobs per shop and bucket
    "learning_chords": ("row", "learning"),  # a learning curve's chord, per chord and bucket
    "overtime_hours": ("column", "overtime"),  # per shop and bucket
    "release_capacity": ("column", "buy"),  # units a supplier line may release per bucket
}
"""Bounds callers change by name (risk runs): name -> (row or column, the family's block)."""


TINY_COST = 1e-9

# HiGHS variable types.
CONTINUOUS, INTEGER, SEMI_CONTINUOUS, SEMI_INTEGER = 0, 1, 2, 3


def build_lp(
    data: PlanData,
    integer: bool = False,
    strict_priorities: bool = False,
    level: LevelOptions | None = None,
) -> LinearProgram:
    """The planning LP; with `integer`, whole vehicles and assemblies, whole deliveries,
    purchases in whole lots of at least their minimum order quantity, and setups (a MIP). With
    `strict_priorities`, lateness is minimised priority by priority before anything else. With
    `level` (LP only), a second stage levels the mix (plan/level.py)."""
    buckets = data.bucket_count
    columns = Columns(
        **stack_blocks(
            buckets,
            build=len(data.made.item),
            buy=len(data.lines.item),
            stock=len(data.items.ids),
            deliver=len(data.demand.variant),
            backlog=len(data.demand.variant),
            experience=len(data.learning),
            overtime=len(data.shops.ids),
            setup=len(setup_routings(data)) if integer else 0,
        )
    )
    most = level.max_rate_change if level is not None else None
    matrix, lower, upper, row_blocks = _stack(_families(data, columns, most), columns.count)
    col_lower, col_upper = _column_bounds(data, columns)
    lp = LinearProgram(
        columns=columns,
        rows=Rows(**row_blocks),
        cost=_objective(data, columns),
        col_lower=col_lower,
        col_upper=col_upper,
        matrix=matrix,
        row_lower=lower,
        row_upper=upper,
    )
    if strict_priorities:
        lp = replace(lp, stages=_priority_stages(data, columns))
    if integer:
        return _with_integers(data, lp, network=most is None)
    return replace(lp, level=level_stage(data, columns, level)) if level is not None else lp


def _priority_stages(data: PlanData, columns: Columns) -> tuple[FloatArray, ...]:
    """One objective per priority level but the last: that level's lateness in car-weeks,
    weighted by its orders' penalties (the last level is left to the full objective)."""
    levels = np.unique(data.demand.priority)
    stages = []
    for level in levels[:-1]:
        cost = np.zeros(columns.count)
        cost[columns.backlog.offset : columns.backlog.stop] = lateness_of_level(data, level).ravel()
        stages.append(cost)
    return tuple(stages)


def _with_integers(data: PlanData, lp: LinearProgram, network: bool = True) -> LinearProgram:
    """Mark integer columns; count lot-sized purchases in lots (column scaling), so that whole
    lots are integer columns; purchases with a minimum order quantity are semi-variables:
    0, or between the MOQ and the capacity. `network`: the rows are those whose vertices have
    whole builds where `whole_builds_implied` says so; a rate limit's rows break that."""
    columns = lp.columns
    kind = np.full(columns.count, CONTINUOUS, dtype=np.int64)
    whole = np.isin(np.asarray(data.items.kind)[data.made.item], ["vehicle", "assembly"])
    if network:
        whole &= ~whole_builds_implied(data)
    kind[columns.build.offset : columns.build.stop] = np.repeat(
        np.where(whole, INTEGER, CONTINUOUS), data.bucket_count
    )
    kind[columns.deliver.offset : columns.deliver.stop] = np.repeat(
        np.where(whole_deliveries_implied(data), CONTINUOUS, INTEGER), data.bucket_count
    )
    kind[columns.setup.offset : columns.setup.stop] = INTEGER
    lot = np.where(data.lines.lot > 0, data.lines.lot, 1.0)
    scale = np.ones(columns.count)
    scale[columns.buy.offset : columns.buy.stop] = np.repeat(lot, data.bucket_count)
    lower = lp.col_lower / scale
    upper = lp.col_upper / scale
    moq = np.repeat(np.ceil(data.lines.moq / lot - 1e-9), data.bucket_count)
    lots = np.repeat(data.lines.lot > 0, data.bucket_count)
    buy_upper = upper[columns.buy.offset : columns.buy.stop]
    # Semi-variables need a finite upper bound: what the shops could ever consume will do.
    bound = np.repeat(_most_ever_needed(data) / lot, data.bucket_count)
    buy_upper = np.where(np.isinf(buy_upper) & (moq > 0), bound, buy_upper)
    semi = (moq > 0) & (buy_upper >= moq)
    buy_kind = np.where(lots, INTEGER, CONTINUOUS)
    buy_kind = np.where(semi, np.where(lots, SEMI_INTEGER, SEMI_CONTINUOUS), buy_kind)
    kind[columns.buy.offset : columns.buy.stop] = buy_kind
    lower[columns.buy.offset : columns.buy.stop] = np.where(semi, moq, 0.0)
    upper[columns.buy.offset : columns.buy.stop] = np.where(
        (moq > 0) & ~semi, 0.0, buy_upper
    )  # capacity below the MOQ: the line cannot be used that bucket
    return replace(
        lp,
        cost=lp.cost * scale,
        stages=tuple(stage * scale for stage in lp.stages),
        col_lower=lower,
        col_upper=upper,
        matrix=sp.csc_array(lp.matrix @ sp.diags_array(scale)),
        integrality=kind,
        column_scale=scale,
    )


def _most_ever_needed(data: PlanData) -> FloatArray:
    """Per supplier line: the most its item could be consumed over the whole horizon."""
    total = max_consumption(data).sum(axis=1) + 1.0
    return np.asarray(total[data.lines.item], dtype=np.float64)


@dataclass(frozen=True)
class Family:
    """One family of constraint rows: `entities × buckets` rows (`buckets` 1 for a row per entity
    over the whole horizon), laid out in the matrix after the family before it."""

    name: str  # the field of `Rows` that locates it
    rows: Triplets
    entities: int
    buckets: int


def _families(
    data: PlanData, columns: Columns, max_rate_change: float | None = None
) -> tuple[Family, ...]:
    """Every constraint family, in matrix order: a new family is one entry here and one field
    of `Rows`."""
    buckets = data.bucket_count
    routings = (data.routings.shop, data.routings.made, data.routings.jobs)
    curves = data.learning
    chords = with_parts(
        chord_rows(curves, routings, data.shops.capacity, columns),
        [setup_load_in_chords(data, columns)],
    )
    setups = columns.setup.entities
    return (
        Family("material", material_rows(data, columns), len(data.items), buckets),
        Family("shops", shop_rows(data, columns), len(data.shops), buckets),
        Family("demand", demand_rows(data, columns), len(data.demand.variant), buckets),
        Family("experience", experience_rows(curves, routings, columns), len(curves), buckets),
        Family("learning", chords, len(curves.chord_curve), buckets),
        Family("shares", share_rows(data, columns), len(quota_lines(data)), 1),
        Family("setups", setup_rows(data, columns), setups, buckets),
        Family("setup_cuts", remaining_demand_rows(data, columns), setups, buckets),
        _rate_limit_family(data, columns, max_rate_change),
    )


def _rate_limit_family(data: PlanData, columns: Columns, most: float | None) -> Family:
    """The limit on each vehicle's change of rate between buckets; no rows without one."""
    steps = max(data.bucket_count - 1, 0)
    if most is None:
        none, empty = np.zeros(0, dtype=np.int64), np.zeros(0)
        return Family("rate_limits", Triplets(none, none, empty, empty, empty), 0, steps)
    return Family("rate_limits", rate_limit_rows(data, columns, most), len(levelled(data)), steps)


def _stack(
    families: tuple[Family, ...], n_cols: int
) -> tuple[sp.csc_array, FloatArray, FloatArray, dict[str, Block]]:
    """The families' rows as one sparse matrix, their bounds, and where each family lies."""
    blocks: dict[str, Block] = {}
    offset = 0
    for family in families:
        blocks[family.name] = Block(offset, family.entities, family.buckets)
        offset = blocks[family.name].stop
        if family.rows.count != blocks[family.name].size:  # a family out of step with its block
            raise ValueError(
                f"constraint family {family.name}: {family.rows.count} rows, "
                f"{family.entities} × {family.buckets} expected"
            )
    rows = np.concatenate([f.rows.rows + blocks[f.name].offset for f in families])
    cols = np.concatenate([f.rows.cols for f in families])
    values = np.concatenate([f.rows.values for f in families])
    matrix = sp.csc_array((values, (rows, cols)), shape=(offset, n_cols))
    matrix.sum_duplicates()
    lower = np.concatenate([f.rows.lower for f in families])
    upper = np.concatenate([f.rows.upper for f in families])
    return matrix, lower, upper, blocks


def _column_bounds(data: PlanData, columns: Columns) -> tuple[FloatArray, FloatArray]:
    """All columns are >= 0; supplier lines are capped by their weekly capacity; builds and
    purchases that would only complete after the horizon are fixed at zero."""
    upper = np.full(columns.count, np.inf)
    buckets = np.arange(data.bucket_count)
    build_late = buckets[None, :] + data.made.lead_time[:, None] >= data.bucket_count
    upper[columns.build.offset : columns.build.stop] = np.where(build_late, 0.0, np.inf).ravel()
    upper[columns.buy.offset : columns.buy.stop] = release_capacity(data).ravel()
    upper[columns.setup.offset : columns.setup.stop] = 1.0
    upper[columns.backlog.offset : columns.backlog.stop] = most_backlog(data).ravel()
    possible = data.shops.overtime_jobs_per_hour > 0
    upper[columns.overtime.offset : columns.overtime.stop] = np.where(
        possible, data.shops.overtime_hours, 0.0
    ).ravel()
    return np.zeros(columns.count), upper


def most_backlog(data: PlanData) -> FloatArray:
    """Backlog allowed per class and bucket, (C, T): with a limit of n buckets late, only what
    fell due in the last n buckets (0: nothing past its due bucket); no limit: infinite."""
    due = data.demand.due
    limit = data.demand.max_late
    running = np.cumsum(due, axis=1)
    buckets = np.arange(data.bucket_count)
    before = buckets[None, :] - limit[:, None]  # the last bucket whose demand must be delivered
    delivered_by_then = np.where(
        before >= 0,
        np.take_along_axis(running, np.clip(before, 0, data.bucket_count - 1), axis=1),
        0.0,
    )
    window = np.maximum(running - delivered_by_then, 0.0)
    return np.where(limit[:, None] >= 0, window, np.inf)


def release_capacity(data: PlanData) -> FloatArray:
    """Most units that may be released on each supplier line in each bucket (see
    `release_capacity_of`)."""
    return release_capacity_of(data.lines.capacity, data.lines.lead_time)


def release_capacity_of(capacity: FloatArray, lead_time: IntArray) -> FloatArray:
    """Releases allowed per line and bucket, (L, T), for capacities per arrival bucket.

    A supplier's capacity limits what it supplies in a bucket, so a release in bucket t is capped by
    the capacity of its arrival bucket t + lead time, and is zero when that is past the horizon.
    """
    buckets = capacity.shape[1]
    arrival = np.arange(buckets)[None, :] + lead_time[:, None]
    capped = np.take_along_axis(capacity, np.minimum(arrival, buckets - 1), axis=1)
    return np.where(arrival < buckets, capped, 0.0)


def _objective(data: PlanData, columns: Columns) -> FloatArray:
    """The cost vector: every term of `objective_terms` on its block of columns."""
    cost = np.zeros(columns.count)
    setups = setup_routings(data)[: columns.setup.entities]
    for term in objective_terms(data):
        block: Block = getattr(columns, term.variable)
        unit_cost = term.unit_cost[setups] if term.variable == "setup" else term.unit_cost
        cost[block.offset : block.stop] += term.sign * unit_cost.ravel()
    # Costs below a billionth are noise that only hurts the solver (a price of 1e-185 made
    # HiGHS stop with a solve error); the smallest real cost here is the 1e-3 holding floor.
    return np.where(np.abs(cost) < TINY_COST, 0.0, cost)
