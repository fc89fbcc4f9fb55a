"""Material balance of each item in each bucket, with lead times and yields.

stock[i,t] = stock[i,t-1] + completions + receipts from suppliers + scheduled receipts
             - consumption by parent builds - deliveries
A build started in bucket t consumes its components in bucket t and completes in bucket
t + lead time; a purchase released in bucket t arrives in bucket t + supplier lead time. Stock
is non-negative, so nothing is built before its parts have arrived.
"""

from __future__ import annotations

import numpy as np

from evramp.plan.index import PlanData
from evramp.plan.layout import Block, Columns, IntArray, Triplets, triplets


def material_rows(data: PlanData, columns: Columns) -> Triplets:
    buckets = data.bucket_count
    rows = Block(0, len(data.items.ids), buckets)
    item, bucket = rows.grid()
    parts = [
        (rows.at(item, bucket), columns.stock.at(item, bucket), np.ones(rows.size)),
        _carry_over(rows, columns.stock),
        _arrivals(rows, columns.build, data.made.item, data.made.lead_time),
        _arrivals(rows, columns.buy, data.lines.item, data.lines.lead_time),
        _consumption(data, rows, columns.build),
        _deliveries(data, rows, columns.deliver),
    ]
    supply = data.items.receipts.copy()
    supply[:, 0] += data.items.on_hand
    rhs = supply.ravel()
    return triplets(parts, rhs, rhs.copy())


def _carry_over(rows: Block, stock: Block) -> tuple[IntArray, IntArray, np.ndarray]:
    item, bucket = rows.grid()
    later = bucket >= 1
    item, bucket = item[later], bucket[later]
    return rows.at(item, bucket), stock.at(item, bucket - 1), -np.ones(len(item))


def _arrivals(
    rows: Block, source: Block, item_of: IntArray, lead_time: IntArray
) -> tuple[IntArray, IntArray, np.ndarray]:
    """Units started (or released) in bucket t arrive in bucket t + lead time, within the
    horizon."""
    entity, bucket = source.grid()
    arrival = bucket + lead_time[entity]
    inside = arrival < rows.buckets
    entity, bucket, arrival = entity[inside], bucket[inside], arrival[inside]
    return rows.at(item_of[entity], arrival), source.at(entity, bucket), -np.ones(len(entity))


def _consumption(
    data: PlanData, rows: Block, build: Block
) -> tuple[IntArray, IntArray, np.ndarray]:
    buckets = np.arange(rows.buckets)
    line = np.repeat(np.arange(len(data.bom.child)), rows.buckets)
    bucket = np.tile(buckets, len(data.bom.child))
    return (
        rows.at(data.bom.child[line], bucket),
        build.at(data.bom.made[line], bucket),
        data.bom.gross[line],
    )


def _deliveries(
    data: PlanData, rows: Block, deliver: Block
) -> tuple[IntArray, IntArray, np.ndarray]:
    klass, bucket = deliver.grid()
    return (
        rows.at(data.demand.variant[klass], bucket),
        deliver.at(klass, bucket),
        np.ones(len(klass)),
    )
