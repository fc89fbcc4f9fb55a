"""Hand a demand class's deliveries back to its orders, earliest due date first.

The LP delivers per class (variant, priority, lateness limit, price, penalty); within a class the
orders are served in due-date order, which is optimal because they share price, penalty and
limit (docs/planning-model.md, demand classes). Everything here is array work:
each order receives the slice of the class's cumulative deliveries between the quantities due
before it and including it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from evramp.plan.index import Orders
from evramp.plan.layout import FloatArray, IntArray

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Allocation:
    deliver_order: IntArray  # order index of each delivery row
    deliver_week: IntArray
    deliver_quantity: FloatArray
    backlog_order: IntArray  # order index of each backlog row
    backlog_week: IntArray
    backlog_quantity: FloatArray
    on_time: FloatArray  # (K,) quantity delivered by the due bucket
    delivered: FloatArray  # (K,) quantity delivered within the horizon
    last_delivery: IntArray  # (K,) bucket of the last delivery, -1 if not complete


def allocate(orders: Orders, deliver: FloatArray) -> Allocation:
    """Split `deliver` (classes × buckets) over `orders` (sorted by class, due, id)."""
    buckets = deliver.shape[1]
    cumulative = np.cumsum(deliver, axis=1)
    quantity = orders.quantity
    # Quantity of the same class due before each order, in allocation order.
    ends = _cumsum_within_class(orders.klass, quantity)
    starts = ends - quantity

    first = _first_week_above(cumulative, orders.klass, starts + TOLERANCE)
    done = _first_week_above(cumulative, orders.klass, ends - TOLERANCE, inclusive=True)
    last = np.minimum(done, buckets - 1)
    deliver_order, deliver_week = _expand(first, last)
    served = _served(cumulative, orders.klass, starts, quantity, deliver_order, deliver_week)
    before = _served(cumulative, orders.klass, starts, quantity, deliver_order, deliver_week - 1)
    deliver_quantity = served - before

    backlog_order, backlog_week = _expand(orders.due, np.minimum(done, buckets) - 1)
    backlog_quantity = quantity[backlog_order] - _served(
        cumulative, orders.klass, starts, quantity, backlog_order, backlog_week
    )
    all_orders = np.arange(len(quantity))
    horizon_end = np.full_like(all_orders, buckets - 1)
    on_time = _served(cumulative, orders.klass, starts, quantity, all_orders, orders.due)
    delivered = _served(cumulative, orders.klass, starts, quantity, all_orders, horizon_end)
    keep_deliver = deliver_quantity > TOLERANCE
    keep_backlog = backlog_quantity > TOLERANCE
    return Allocation(
        deliver_order=deliver_order[keep_deliver],
        deliver_week=deliver_week[keep_deliver],
        deliver_quantity=deliver_quantity[keep_deliver],
        backlog_order=backlog_order[keep_backlog],
        backlog_week=backlog_week[keep_backlog],
        backlog_quantity=backlog_quantity[keep_backlog],
        on_time=on_time,
        delivered=delivered,
        last_delivery=np.where(done < buckets, done, -1),
    )


def _cumsum_within_class(klass: IntArray, quantity: FloatArray) -> FloatArray:
    total = np.cumsum(quantity)
    class_start = np.r_[True, klass[1:] != klass[:-1]]
    offset = np.where(class_start, total - quantity, 0.0)
    offset = np.maximum.accumulate(offset)
    return total - offset


def _first_week_above(
    cumulative: FloatArray, klass: IntArray, level: FloatArray, inclusive: bool = False
) -> IntArray:
    """First bucket in which the class's cumulative deliveries exceed (or reach) `level`."""
    side: Literal["left", "right"] = "left" if inclusive else "right"
    result = np.empty(len(klass), dtype=np.int64)
    for c in np.unique(klass):
        mine = klass == c
        result[mine] = np.searchsorted(cumulative[c], level[mine], side=side)
    return result


def _expand(first: IntArray, last: IntArray) -> tuple[IntArray, IntArray]:
    """All (order, bucket) pairs with first[k] <= bucket <= last[k]."""
    counts = np.maximum(last - first + 1, 0)
    order = np.repeat(np.arange(len(first)), counts)
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return order, first[order] + offsets


def _served(
    cumulative: FloatArray,
    klass: IntArray,
    starts: FloatArray,
    quantity: FloatArray,
    order: IntArray,
    bucket: IntArray,
) -> FloatArray:
    """Quantity of each order delivered by the end of `bucket` (0 for buckets before the
    horizon)."""
    valid = bucket >= 0
    level = np.where(valid, cumulative[klass[order], np.maximum(bucket, 0)], 0.0)
    return np.clip(level - starts[order], 0.0, quantity[order])
