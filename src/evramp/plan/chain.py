"""Model reductions as a chain, in the spirit of cvxpy's `Reduction` and `Chain`.

A reduction `apply`s to the planner's data and returns a smaller one with an `Inverse` that maps
a plan of the smaller data back to a plan of the data it was given. A `Chain` applies its
reductions in turn; the LP is built from the last data, and its solution, read as a plan of that
data (`solution_arrays`), is inverted back through the chain. `plan()`, the risk engine, the
PuLP baseline and the reduction certificate all go through it, so that a new reduction is one
class here and one entry in their chains.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from evramp.plan.allocate import TOLERANCE
from evramp.plan.index import PlanData
from evramp.plan.layout import FloatArray
from evramp.plan.learning import learned_capacity
from evramp.plan.lp import LinearProgram
from evramp.plan.reduce import (
    FreeParts,
    find_free_parts,
    just_in_time_purchases,
    without_free_parts,
)
from evramp.plan.result import PlanArrays
from evramp.plan.setups import setup_routings
from evramp.plan.solve import Solution


class Inverse(Protocol):
    def invert(self, arrays: PlanArrays) -> PlanArrays:
        """A plan of the reduced data as a plan of the data the reduction was given."""
        ...


class Reduction(Protocol):
    def apply(self, data: PlanData) -> tuple[PlanData, Inverse]: ...


@dataclass(frozen=True)
class Reduced:
    """What a chain made of the data: the smaller data and the way back."""

    original: PlanData
    data: PlanData
    inverses: tuple[Inverse, ...] = ()

    def invert(self, arrays: PlanArrays) -> PlanArrays:
        for inverse in reversed(self.inverses):
            arrays = inverse.invert(arrays)
        return arrays

    def expand(self, lp: LinearProgram, solution: Solution) -> PlanArrays:
        """The LP's solution as a plan of the original data."""
        return self.invert(solution_arrays(self.data, lp, solution))

    @property
    def kept_lines(self) -> np.ndarray:
        """Per supplier line of the original data: whether it is in the LP."""
        kept = np.ones(len(self.original.lines.item), dtype=bool)
        for inverse in self.inverses:
            if isinstance(inverse, FreePartsInverse):
                kept[np.flatnonzero(kept)] = inverse.kept_lines
        return kept

    @property
    def parts_outside(self) -> int:
        """Items the chain took out of the LP."""
        return len(self.original.items) - len(self.data.items)


@dataclass(frozen=True)
class Chain:
    reductions: tuple[Reduction, ...] = ()

    def apply(self, data: PlanData) -> Reduced:
        inverses: list[Inverse] = []
        reduced = data
        for reduction in self.reductions:
            reduced, inverse = reduction.apply(reduced)
            inverses.append(inverse)
        return Reduced(data, reduced, tuple(inverses))


@dataclass(frozen=True)
class JustInTimeParts:
    """Parts whose supply can never bind leave the LP and are bought just in time (reduce.py).

    `lot_sizing` (integer mode) keeps parts bought in lots or with a minimum order; `keep` (item
    ids) keeps parts whatever their supply; `bounding` changes the data that the search for free
    parts reads (risk: the most capacity any run can give), not the data that is reduced."""

    lot_sizing: bool = False
    keep: AbstractSet[str] = field(default_factory=frozenset)
    bounding: Callable[[PlanData], PlanData] | None = None

    def apply(self, data: PlanData) -> tuple[PlanData, FreePartsInverse]:
        searched = data if self.bounding is None else self.bounding(data)
        free = find_free_parts(searched, lot_sizing=self.lot_sizing, keep=self.keep)
        return without_free_parts(data, free), FreePartsInverse(data, free)


@dataclass(frozen=True)
class FreePartsInverse:
    """Free parts back in: bought just in time, no stock, no shadow price."""

    data: PlanData
    free: FreeParts

    @property
    def kept_items(self) -> np.ndarray:
        kept = np.ones(len(self.data.items), dtype=bool)
        kept[self.free.item] = False
        return kept

    @property
    def kept_lines(self) -> np.ndarray:
        """Per supplier line of the data given: whether it is in the LP."""
        return self.kept_items[self.data.lines.item]

    def invert(self, arrays: PlanArrays) -> PlanArrays:
        if not len(self.free):
            return arrays
        data = self.data
        kept_items, kept_lines = self.kept_items, self.kept_lines
        buy = just_in_time_purchases(data, self.free, arrays.build)
        buy[kept_lines] = arrays.buy
        stock = np.zeros((len(data.items), data.bucket_count))
        stock[kept_items] = arrays.stock
        buy_shadow = np.zeros_like(buy)
        buy_shadow[kept_lines] = arrays.buy_shadow
        return replace(arrays, buy=buy, stock=stock, buy_shadow=buy_shadow)


def solution_arrays(data: PlanData, lp: LinearProgram, solution: Solution) -> PlanArrays:
    """The LP's solution as a plan of the data it was built from (units, not lots; shadow
    prices as objective gained per extra unit)."""
    x = solution.x if lp.column_scale is None else solution.x * lp.column_scale
    x = np.where(np.abs(x) < TOLERANCE, 0.0, x)
    columns = lp.columns
    col_dual = solution.col_dual
    if lp.column_scale is not None:  # duals per lot back to duals per unit
        col_dual = col_dual / lp.column_scale
    shop_shadow = -lp.rows.shops.take(solution.row_dual)
    curves = data.learning
    chord_shadow = -lp.rows.learning.take(solution.row_dual)
    np.add.at(shop_shadow, curves.shop[curves.chord_curve], chord_shadow)
    capacity = data.shops.capacity.copy()
    capacity[curves.shop] = learned_capacity(
        curves, data.shops.capacity, columns.experience.take(x)
    )
    return PlanArrays(
        build=columns.build.take(x),
        buy=columns.buy.take(x),
        stock=columns.stock.take(x),
        deliver=columns.deliver.take(x),
        shop_capacity=capacity,
        overtime=columns.overtime.take(x),
        setup=_setups_per_routing(data, columns.setup.take(x)),
        shop_shadow=np.where(np.abs(shop_shadow) < TOLERANCE, 0.0, shop_shadow),
        buy_shadow=-columns.buy.take(col_dual),
    )


def _setups_per_routing(data: PlanData, setup: FloatArray) -> FloatArray:
    full = np.zeros((len(data.routings), data.bucket_count))
    full[setup_routings(data)[: len(setup)]] = np.round(setup)
    return full


def planner_chain(
    integer: bool = False,
    reduce: bool = True,
    bounding: Callable[[PlanData], PlanData] | None = None,
) -> Chain:
    """The chain `plan()` uses: free parts out (in integer mode, not those bought in lots);
    `bounding` as in `JustInTimeParts`."""
    return Chain((JustInTimeParts(lot_sizing=integer, bounding=bounding),) if reduce else ())
