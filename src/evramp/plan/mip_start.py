"""Integer mode's start: the LP plan rounded to whole vehicles, assemblies and lots, kept
feasible by re-solving the LP after each rounding step.

HiGHS alone may spend a minute without finding an integer plan of the default scenario (its
root heuristics round every column at once and stall). Rounding all builds at once fails too:
a shop running at full capacity makes 53.8 packs a week in the LP, whole packs mean 53, and
every assembly and vehicle downstream must then give up its share of the missing 0.8 - which no
per-column rounding knows. So the plan is rounded in the order material flows:

1. set-ups: a routing is set up in every bucket the LP uses it at all (more set-ups only cost);
2. purchases: whole lots, at least the minimum order quantity, within the supplier's capacity;
3. builds, one BOM level at a time from the deepest component up to the vehicles: each level's
   builds are rounded down (less load on its shops, less use of its inputs: still feasible
   upstream) and the LP re-plans everything downstream of it around them;
4. deliveries, rounded down, where whole builds do not already make them whole.

Each step is one LP with the columns rounded so far fixed; if one is infeasible (a promise such
as `max_weeks_late` the rounded plan cannot keep), there is no start and HiGHS searches alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from evramp.plan.index import PlanData
from evramp.plan.integrality import BoolArray
from evramp.plan.layout import Block, FloatArray, IntArray
from evramp.plan.lp import CONTINUOUS, INTEGER, SEMI_CONTINUOUS, SEMI_INTEGER, LinearProgram

Relaxation = Callable[[FloatArray, FloatArray], FloatArray | None]
"""One LP (no integrality) solved again and again with new column bounds (lower, upper): its
primal values, None when not optimal. A warm-started solver re-plans a rounding step in a
fraction of a fresh solve's time (default scenario: 2.5 s for the start instead of 7.5 s)."""

WHOLE = 1e-6


def rounded_start(
    data: PlanData, lp: LinearProgram, relax: Callable[[LinearProgram], Relaxation]
) -> FloatArray | None:
    """A feasible integer plan of `lp` (integer mode) near its LP relaxation, or None.
    `relax` makes the solver of the relaxation it is given."""
    assert lp.integrality is not None, "a start is for integer mode"
    kind = lp.integrality
    semi = np.isin(kind, (SEMI_CONTINUOUS, SEMI_INTEGER))
    whole = np.isin(kind, (INTEGER, SEMI_INTEGER))
    # The relaxation of "0, or between the minimum order and the capacity" is "0 to capacity";
    # a whole column's capacity is its whole part (else the LP plans on a fraction of a lot
    # that no rounding can buy, in the very buckets where that supplier binds).
    relaxed = replace(
        lp,
        col_lower=np.where(semi, 0.0, lp.col_lower),
        col_upper=np.where(whole, np.floor(lp.col_upper + WHOLE), lp.col_upper),
        integrality=None,
    )
    solve_lp = relax(relaxed)
    x = solve_lp(relaxed.col_lower, relaxed.col_upper)
    if x is None:
        return None
    rounder = _Rounder(solve_lp, x, relaxed.col_lower, relaxed.col_upper)
    if not all(rounder.round(step) for step in _steps(data, lp)):
        return None
    return np.where(whole, np.round(rounder.x), rounder.x)


Rounding = Callable[[FloatArray], FloatArray]
"""The whole values of a step's columns, from the full plan of the LP before it."""


class _Rounder:
    """The LP with the columns rounded so far fixed, and its current plan."""

    def __init__(
        self, solve_lp: Relaxation, x: FloatArray, lower: FloatArray, upper: FloatArray
    ) -> None:
        self.solve_lp = solve_lp
        self.x = x
        self.lower = lower.copy()
        self.upper = upper.copy()

    def fix(self, columns: IntArray, rounding: Rounding) -> bool:
        """Fix `columns` at `rounding` of the current plan and re-plan the rest; on an
        infeasible LP undo it and say so."""
        lower, upper = self.lower[columns], self.upper[columns]
        value = rounding(self.x)
        self.lower[columns] = value
        self.upper[columns] = value
        x = self.solve_lp(self.lower, self.upper)
        if x is None:
            self.lower[columns], self.upper[columns] = lower, upper
            return False
        self.x = x
        return True

    def round(self, step: Step) -> bool:
        """The step's first rounding that keeps the LP feasible."""
        return any(attempt(self) for attempt in step)

    def round_down_in_turn(self, grid: IntArray, first: int, stop: int) -> bool:
        """Buckets `first`..`stop` of `grid` (entity, bucket) rounded down, all at once or, where
        that is infeasible, the earlier half before the later one: a learning curve makes a
        bucket's capacity depend on the buckets before it, which the LP re-plans after each half."""
        buckets = grid[:, first:stop].ravel()
        if self.fix(buckets, lambda x: np.floor(x[buckets] + WHOLE)):
            return True
        if stop - first == 1:
            return False
        middle = (first + stop) // 2
        return self.round_down_in_turn(grid, first, middle) and self.round_down_in_turn(
            grid, middle, stop
        )


Step = tuple[Callable[[_Rounder], bool], ...]
"""Ways to round one group of columns, the better first."""


def _steps(data: PlanData, lp: LinearProgram) -> Iterator[Step]:
    assert lp.integrality is not None
    kind = lp.integrality
    columns = lp.columns
    setup = _indices(columns.setup)
    if len(setup):
        # Set up wherever the LP uses the routing at all; where a whole set-up's time does not
        # fit, in the buckets the LP sets up at least half; at worst only where it fully does.
        yield tuple(_fixing(setup, _at_least(setup, share)) for share in (WHOLE, 0.5, 1 - WHOLE))
    buckets = columns.buy.buckets
    lines = _indices(columns.buy).reshape(-1, buckets)
    lines = lines[np.any(kind[lines] != CONTINUOUS, axis=1)]
    if len(lines):
        buy = lines.ravel()
        moq = lp.col_lower[lines]
        upper = np.floor(lp.col_upper[lines] + WHOLE)
        lots = np.isin(kind[lines], (INTEGER, SEMI_INTEGER))
        yield (
            _fixing(buy, lambda x: _purchases_in_step(x[lines], moq, upper, lots).ravel()),
            _fixing(buy, lambda x: _purchases(x[lines], moq, upper, lots).ravel()),
            # A quota (a line's share of its item's purchases) may leave no room for a whole
            # lot more: buy less, and let the LP re-plan the builds around it.
            _fixing(buy, lambda x: _purchases_down(x[lines], moq, lots).ravel()),
        )
    build = _indices(columns.build)
    depth = np.repeat(_bom_depth(data), columns.build.buckets)
    for level in np.unique(depth)[::-1]:
        at_level = build[(depth == level) & (kind[build] == INTEGER)]
        if len(at_level):
            yield _whole_level(lp, at_level.reshape(-1, columns.build.buckets))
    deliver = _indices(columns.deliver)
    deliver = deliver[kind[deliver] == INTEGER]
    if len(deliver):
        yield _whole_level(lp, deliver.reshape(-1, columns.deliver.buckets))


def _fixing(columns: IntArray, rounding: Rounding) -> Callable[[_Rounder], bool]:
    return lambda rounder: rounder.fix(columns, rounding)


def _whole_level(lp: LinearProgram, grid: IntArray) -> Step:
    columns = grid.ravel()
    buckets = grid.shape[1]
    return (
        _fixing(columns, lambda x: _keep_pace(lp, x, grid)[columns]),
        lambda rounder: rounder.round_down_in_turn(grid, 0, buckets),
    )


def _at_least(columns: IntArray, share: float) -> Rounding:
    return lambda x: np.where(x[columns] >= share, 1.0, 0.0)


def _purchases_in_step(
    value: FloatArray, moq: FloatArray, upper: FloatArray, lots: BoolArray
) -> FloatArray:
    """Purchases (line, bucket) in whole lots of at least the minimum order whose running total
    keeps just ahead of the LP's: a bucket buys only what the buckets before have not already
    bought ahead (rounding each bucket up alone bought 270 lots too many on the default
    scenario). The loop is over buckets, each line's arrays at once."""
    amount = np.zeros_like(value)
    ahead = np.zeros(value.shape[0])
    for bucket in range(value.shape[1]):
        need = value[:, bucket] - ahead
        wanted = np.where(lots[:, bucket], np.ceil(need - WHOLE), need)
        bought = np.minimum(np.maximum(wanted, moq[:, bucket]), upper[:, bucket])
        bought = np.where((need <= WHOLE) | (bought < moq[:, bucket] - WHOLE), 0.0, bought)
        amount[:, bucket] = bought
        ahead += bought - value[:, bucket]
    return amount


def _purchases(
    value: FloatArray, moq: FloatArray, upper: FloatArray, lots: BoolArray
) -> FloatArray:
    """Whole lots rounded up (more stock costs little, less may starve a shop), at least the
    minimum order, at most the capacity; nothing where the LP buys nothing or the capacity is
    below the minimum."""
    amount = np.minimum(np.maximum(np.where(lots, np.ceil(value - WHOLE), value), moq), upper)
    return np.where((value <= WHOLE) | (amount < moq - WHOLE), 0.0, amount)


def _keep_pace(lp: LinearProgram, x: FloatArray, grid: IntArray) -> FloatArray:
    """`x` with the columns of `grid` (entity, bucket) made whole so that each entity's running
    total stays the LP's rounded down: a bucket rounds up where the buckets before it fell behind,
    as far as the capacity rows (every inequality the column is in) leave room.

    Rounding each week down alone loses a fraction every week (49.2 cars a week make 49, 588
    in 12 weeks where 590 fit); a running total never ahead of the LP's uses no input before
    the LP's plan has it, so the balances downstream stay feasible. The loop over buckets is by
    hand: each bucket's room depends on what the buckets before it took.
    """
    value = x.copy()
    value[grid] = np.floor(x[grid] + WHOLE)
    room = _room(lp, value)
    matrix = lp.matrix
    behind = np.zeros(grid.shape[0])
    for bucket in range(grid.shape[1]):
        for entity, column in enumerate(grid[:, bucket]):
            behind[entity] += x[column] - value[column]
            wanted = np.floor(behind[entity] + WHOLE)
            if wanted < 1:
                continue
            rows = matrix.indices[matrix.indptr[column] : matrix.indptr[column + 1]]
            load = matrix.data[matrix.indptr[column] : matrix.indptr[column + 1]]
            fits = np.where(load > 0, room.upper[rows] / load, room.lower[rows] / -load)
            most = min(wanted, np.floor(fits.min(initial=np.inf) + WHOLE))
            most = min(most, np.floor(lp.col_upper[column] - value[column] + WHOLE))
            if most >= 1:
                value[column] += most
                behind[entity] -= most
                room.upper[rows] -= np.maximum(load, 0) * most
                room.lower[rows] -= np.maximum(-load, 0) * most
    return value


@dataclass
class _Room:
    upper: FloatArray
    """Per row: how much its activity may still rise (inf for equalities: the LP re-plans
    the continuous columns in them)."""
    lower: FloatArray
    """Per row: how much its activity may still fall."""


def _room(lp: LinearProgram, x: FloatArray) -> _Room:
    activity = lp.matrix @ x
    equality = lp.row_lower == lp.row_upper
    upper = np.where(equality, np.inf, np.maximum(lp.row_upper - activity, 0.0))
    lower = np.where(equality, np.inf, np.maximum(activity - lp.row_lower, 0.0))
    return _Room(upper, lower)


def _purchases_down(value: FloatArray, moq: FloatArray, lots: BoolArray) -> FloatArray:
    """Whole lots rounded down; nothing where that is below the minimum order."""
    amount = np.where(lots, np.floor(value + WHOLE), value)
    return np.where(amount < np.maximum(moq, WHOLE), 0.0, amount)


def _bom_depth(data: PlanData) -> IntArray:
    """Per made item: its level in the bill of materials (0 for what nothing consumes, a
    component one more than the deepest of its parents)."""
    made_of_item = np.full(len(data.items.ids), -1, dtype=np.int64)
    made_of_item[data.made.item] = np.arange(len(data.made.item))
    child = made_of_item[data.bom.child]
    parent = data.bom.made[child >= 0]
    child = child[child >= 0]
    depth = np.zeros(len(data.made.item), dtype=np.int64)
    for _ in range(len(data.made.item)):  # a BOM is acyclic: at most M passes settle it
        deeper = depth.copy()
        np.maximum.at(deeper, child, depth[parent] + 1)
        if np.array_equal(deeper, depth):
            break
        depth = deeper
    return depth


def _indices(block: Block) -> IntArray:
    return np.arange(block.offset, block.stop, dtype=np.int64)
