"""Take out of the LP the parts whose supply can never bind; plan them just in time.

A purchased part is *free* when, whatever the shops build,
  1. it has no stock on hand and no scheduled receipts (nothing to net), and
  2. its cheapest supplier line can supply, in every bucket, the most the shops could possibly
     consume in that bucket, and nothing can be consumed before that line's lead time.
For such a part the optimal purchases are exactly its consumption, released one lead time ahead
on the cheapest line: every consumed unit costs at least the cheapest price, and holding costs are
non-negative, so no plan does better. Its cost is therefore linear in the builds of its parents,
price × quantity / yield per parent unit, and is added to the parents' build columns. The reduced
LP has the same optimum as the full one, with one balance row, buy and stock column fewer per bucket
for each free part; the free parts' purchases are computed from the builds after the solve (MRP).

The most a shop bucket can consume of a part is bounded without solving anything: the parents of
the part are grouped by their smallest-capacity shop, and within a shop the jobs of all parents
together cannot exceed its capacity.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

import numpy as np

from evramp.plan.bounds import max_consumption
from evramp.plan.index import PlanData
from evramp.plan.layout import FloatArray, IntArray


@dataclass(frozen=True)
class FreeParts:
    """Parts planned just in time outside the LP (indices refer to the full PlanData)."""

    item: IntArray  # (F,) item index
    line: IntArray  # (F,) supplier line used (the cheapest)

    def __len__(self) -> int:
        return len(self.item)

    @classmethod
    def none(cls) -> FreeParts:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def find_free_parts(
    data: PlanData, lot_sizing: bool = False, keep: AbstractSet[str] = frozenset()
) -> FreeParts:
    """Parts whose supply can never bind. With `lot_sizing` (integer mode), a part bought in lots
    or with a minimum order quantity is never free: lots leave stock behind. Parts in `keep`
    (item ids) stay in the LP whatever their supply: `evramp risk` changes their suppliers'
    capacities after the LP is built, which can make a free part bind."""
    made = set(data.made.item.tolist())
    stocked = (data.items.on_hand > 0) | (data.items.receipts > 0).any(axis=1)
    bound = max_consumption(data)
    suppliable = _suppliable(data)
    items: list[int] = []
    lines: list[int] = []
    if not len(data.lines.item):
        return FreeParts.none()
    order = np.argsort(data.lines.item, kind="stable")
    firsts = np.flatnonzero(np.r_[True, np.diff(data.lines.item[order]) != 0])
    for candidates in np.split(order, firsts[1:]):  # the supplier lines of one item each
        item = data.lines.item[candidates[0]]
        if item in made or stocked[item] or data.items.ids[item] in keep:
            continue
        if (data.lines.share[candidates] > 0).any():
            continue  # a quota splits purchases between lines: not just in time from one
        if (
            lot_sizing
            and (data.lines.moq[candidates] > 0).any() | (data.lines.lot[candidates] > 0).any()
        ):
            continue
        cheapest = min(
            candidates,
            key=lambda n: (data.lines.price[n] + data.lines.premium[n], data.lines.lead_time[n], n),
        )
        if (suppliable[cheapest] >= bound[item] - 1e-9).all():
            items.append(int(item))
            lines.append(int(cheapest))
    return FreeParts(np.array(items, dtype=np.int64), np.array(lines, dtype=np.int64))


def _suppliable(data: PlanData) -> FloatArray:
    """Most each line can supply in each arrival bucket: 0 before its lead time."""
    arrivals = data.lines.capacity.copy()
    for line, lead in enumerate(data.lines.lead_time):
        arrivals[line, : min(int(lead), data.bucket_count)] = 0.0
    return arrivals


def without_free_parts(data: PlanData, free: FreeParts) -> PlanData:
    """The PlanData of the reduced LP: free parts, their BOM lines and supplier lines removed,
    their cost folded into the build cost of their parents."""
    if not len(free):
        return data
    keep = np.ones(len(data.items.ids), dtype=bool)
    keep[free.item] = False
    new_index = np.cumsum(keep) - 1
    free_bom = ~keep[data.bom.child]
    price = np.zeros(len(data.items.ids))
    price[free.item] = data.lines.price[free.line]
    made_cost = data.made.cost.copy()
    np.add.at(
        made_cost,
        data.bom.made[free_bom],
        data.bom.gross[free_bom] * price[data.bom.child[free_bom]],
    )
    lines = data.lines.subset(keep[data.lines.item])
    bom = data.bom.subset(~free_bom)
    return replace(
        data,
        items=data.items.subset(keep),
        made=replace(data.made, item=new_index[data.made.item], cost=made_cost),
        bom=replace(bom, child=new_index[bom.child]),
        lines=replace(lines, item=new_index[lines.item]),
        demand=replace(data.demand, variant=new_index[data.demand.variant]),
    )


def just_in_time_purchases(data: PlanData, free: FreeParts, build: FloatArray) -> FloatArray:
    """Releases on each supplier line of the full PlanData for the free parts, (lines, buckets):
    what a build consumes in bucket t is released one lead time earlier."""
    buy = np.zeros((len(data.lines.item), data.bucket_count))
    line_of = np.full(len(data.items.ids), -1, dtype=np.int64)
    line_of[free.item] = free.line
    lines = np.flatnonzero(line_of[data.bom.child] >= 0)
    supplier_line = line_of[data.bom.child[lines]]
    consumed = build[data.bom.made[lines]] * data.bom.gross[lines, None]
    row, bucket = np.nonzero(consumed)
    release = bucket - data.lines.lead_time[supplier_line[row]]
    # Nothing is consumed before the lead time: that is a condition of being free.
    np.add.at(buy, (supplier_line[row], release), consumed[row, bucket])
    return buy


__all__ = [
    "FreeParts",
    "find_free_parts",
    "just_in_time_purchases",
    "without_free_parts",
]
