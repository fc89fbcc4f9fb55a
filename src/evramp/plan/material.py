"""Material balance of each item in each week, with lead times and yields.

stock[i,t] = stock[i,t-1] + completions + receipts from suppliers + scheduled receipts
             - consumption by parent builds - deliveries
A build started in week t consumes its components in week t and completes in week t + lead time;
a purchase released in week t arrives in week t + supplier lead time. Stock is non-negative, so
nothing is built before its parts have arrived.
"""

from __future__ import annotations

import numpy as np

from evramp.plan.index import PlanData
from evramp.plan.layout import Block, Columns, IntArray, Triplets, triplets


def material_rows(data: PlanData, columns: Columns) -> Triplets:
    weeks = data.weeks
    rows = Block(0, len(data.items.ids), weeks)
    item, week = rows.grid()
    parts = [
        (rows.at(item, week), columns.stock.at(item, week), np.ones(rows.size)),
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
    item, week = rows.grid()
    later = week >= 1
    item, week = item[later], week[later]
    return rows.at(item, week), stock.at(item, week - 1), -np.ones(len(item))


def _arrivals(
    rows: Block, source: Block, item_of: IntArray, lead_time: IntArray
) -> tuple[IntArray, IntArray, np.ndarray]:
    """Units started (or released) in week t arrive in week t + lead time, within the horizon."""
    entity, week = source.grid()
    arrival = week + lead_time[entity]
    inside = arrival < rows.weeks
    entity, week, arrival = entity[inside], week[inside], arrival[inside]
    return rows.at(item_of[entity], arrival), source.at(entity, week), -np.ones(len(entity))


def _consumption(
    data: PlanData, rows: Block, build: Block
) -> tuple[IntArray, IntArray, np.ndarray]:
    weeks = np.arange(rows.weeks)
    line = np.repeat(np.arange(len(data.bom.child)), rows.weeks)
    week = np.tile(weeks, len(data.bom.child))
    return (
        rows.at(data.bom.child[line], week),
        build.at(data.bom.made[line], week),
        data.bom.gross[line],
    )


def _deliveries(
    data: PlanData, rows: Block, deliver: Block
) -> tuple[IntArray, IntArray, np.ndarray]:
    klass, week = deliver.grid()
    return rows.at(data.demand.variant[klass], week), deliver.at(klass, week), np.ones(len(klass))
