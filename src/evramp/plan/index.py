"""A scenario compiled to index maps and arrays: the planner's working form.

Built once, in one pass over the records; everything after this works on arrays. Time is in the
calendar's buckets (days, weeks or months): `weeks` and every `week` index below mean "bucket",
and every figure is per bucket, converted here (and in capacity.py) from the scenario's figures
per week. Holding costs and lateness penalties stay per week; `bucket_weeks` scales them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from evramp.model import Scenario
from evramp.model.buckets import BucketKind, Buckets
from evramp.plan.capacity import overtime_hours, shop_capacity, shop_time
from evramp.plan.learning import LearningCurves, learning_curves
from evramp.plan.tables import BomLines, Items, MadeItems, Routings, Shops, SupplierLines

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# A tiny holding cost on every item: without it, buying a part 30 weeks early costs the same as
# buying it just in time, and the solver would pick any of those plans at random.
MIN_HOLDING_COST = 1e-3
# How much more a less preferred supplier line costs than the spread of prices, as a share of
# the highest price (at least 1 per unit): enough to decide, small beside lateness penalties.
PREFERENCE_MARGIN = 0.01
# A tiny lateness cost per car-week, so that orders without a penalty still ship on time when
# they can.
MIN_LATENESS_PENALTY = 1.0
PRIORITY_DOMINANCE = 2.0


@dataclass(frozen=True)
class Orders:
    """Demand lines, sorted by class, then due week, then id (the allocation order)."""

    ids: list[str]
    klass: IntArray
    due: IntArray
    quantity: FloatArray
    kind: list[str]


@dataclass(frozen=True)
class DemandClasses:
    """Demand aggregated per class (variant, priority); C classes, T buckets."""

    variant: IntArray  # (C,) item index
    priority: IntArray  # (C,)
    due: FloatArray  # (C, T) quantity due per bucket
    price: FloatArray  # (C,) revenue per car
    penalty: FloatArray  # (C,) weighted lateness cost per car-week (× bucket_weeks per bucket)
    orders: Orders
    max_late: IntArray  # (C,) most buckets late, -1 for no limit


@dataclass(frozen=True)
class PlanData:
    """Arrays the LP is built from, as entity tables (plan/tables.py). Shapes use I items,
    M made items, L supplier lines, S shops, R routing rows, B BOM lines, C demand classes and
    T buckets ("weeks")."""

    weeks: int  # T, the number of buckets
    week_start: list[str]  # ISO date of each bucket's first day
    bucket: BucketKind  # "day", "week" or "month"
    bucket_weeks: FloatArray  # (T,) length of each bucket in weeks (calendar days / 7)
    items: Items
    made: MadeItems
    bom: BomLines
    shops: Shops
    learning: LearningCurves
    routings: Routings
    lines: SupplierLines
    demand: DemandClasses


def compile_scenario(scenario: Scenario) -> PlanData:
    """Turn the records of a valid scenario into index arrays."""
    buckets = scenario.calendar.buckets
    weeks = len(buckets)
    item_ids = [item.id for item in scenario.items]
    item_index = {item_id: i for i, item_id in enumerate(item_ids)}
    shop_index = {shop.id: s for s, shop in enumerate(scenario.shops)}

    made_ids = list(dict.fromkeys(routing.item for routing in scenario.routings))
    made_index = {item_id: m for m, item_id in enumerate(made_ids)}
    lead_time = np.zeros(len(made_ids), dtype=np.int64)
    for routing in scenario.routings:
        m = made_index[routing.item]
        lead_time[m] = max(lead_time[m], buckets.lead(routing.lead_time))

    holding = np.array([item.holding_cost for item in scenario.items]) + MIN_HOLDING_COST
    time = shop_time(scenario)
    capacity = shop_capacity(scenario, time)
    # An overtime hour adds what an open scheduled hour gives that bucket (ramp included).
    hours = time.hours * time.open
    receipts = np.zeros((len(item_ids), weeks))
    for receipt in scenario.receipts:
        receipts[item_index[receipt.item], buckets.index_of(receipt.due)] += receipt.quantity
    on_hand = np.zeros(len(item_ids))
    for stock in scenario.inventory:
        on_hand[item_index[stock.item]] += stock.on_hand

    return PlanData(
        weeks=weeks,
        week_start=[day.isoformat() for day in buckets.starts[:-1]],
        bucket=buckets.kind,
        bucket_weeks=buckets.weeks_long,
        items=Items(
            ids=item_ids,
            kind=[item.kind for item in scenario.items],
            holding_cost=holding,
            on_hand=on_hand,
            receipts=receipts,
        ),
        made=MadeItems(
            item=np.array([item_index[i] for i in made_ids], dtype=np.int64),
            lead_time=lead_time,
            cost=np.zeros(len(made_ids)),
        ),
        bom=BomLines(
            made=np.array([made_index[b.parent] for b in scenario.bom], dtype=np.int64),
            child=np.array([item_index[b.child] for b in scenario.bom], dtype=np.int64),
            gross=np.array([b.quantity / b.yield_ for b in scenario.bom]),
        ),
        shops=Shops(
            ids=[shop.id for shop in scenario.shops],
            capacity=capacity,
            overtime_jobs_per_hour=np.divide(
                capacity, hours, out=np.zeros_like(capacity), where=hours > 0
            ),
            overtime_hours=overtime_hours(scenario, time),
            overtime_cost=np.array([shop.overtime_cost for shop in scenario.shops]),
        ),
        learning=learning_curves(scenario),
        routings=Routings(
            made=np.array([made_index[r.item] for r in scenario.routings], dtype=np.int64),
            shop=np.array([shop_index[r.shop] for r in scenario.routings], dtype=np.int64),
            jobs=np.array([r.jobs_per_unit for r in scenario.routings]),
            setup_time=np.array([r.setup_time for r in scenario.routings]),
            setup_cost=np.array([r.setup_cost for r in scenario.routings]),
        ),
        lines=_supplier_lines(scenario, item_index),
        demand=_demand_classes(scenario, item_index),
    )


def _supplier_lines(scenario: Scenario, item_index: dict[str, int]) -> SupplierLines:
    buckets = scenario.calendar.buckets
    lines = scenario.suppliers
    return SupplierLines(
        supplier=[line.supplier for line in lines],
        item=np.array([item_index[line.item] for line in lines], dtype=np.int64),
        lead_time=np.array([buckets.lead(line.lead_time) for line in lines], dtype=np.int64),
        price=np.array([line.price for line in lines]),
        capacity=_supplier_capacity(scenario),
        moq=np.array([line.moq for line in lines]),
        lot=np.array([line.lot_multiple or 0.0 for line in lines]),
        share=np.array([line.share or 0.0 for line in lines]),
        premium=preference_premium(scenario),
    )


def _supplier_capacity(scenario: Scenario) -> FloatArray:
    """Capacity of each supplier line per bucket: its base, changed by its capacity profile,
    per week × the bucket's length in weeks (a supplier delivers every calendar day)."""
    buckets = scenario.calendar.buckets
    length = buckets.weeks_long
    line_index = {(line.supplier, line.item): n for n, line in enumerate(scenario.suppliers)}
    capacity = np.full((len(scenario.suppliers), len(buckets)), np.inf)
    for n, line in enumerate(scenario.suppliers):
        if line.capacity is not None:
            capacity[n] = line.capacity * length
    for change in sorted(scenario.supplier_capacity, key=lambda c: c.start):
        first = max(buckets.index_of(change.start), 0)
        capacity[line_index[(change.supplier, change.item)], first:] = (
            change.capacity * length[first:]
        )
    for n, line in enumerate(scenario.suppliers):
        if line.available_from is not None or line.available_until is not None:
            share = _available_share(buckets, line.available_from, line.available_until)
            capacity[n] = np.where(share > 0, capacity[n] * share, 0.0)  # inf x 0 is no delivery
    return capacity


def _available_share(buckets: Buckets, start: dt.date | None, end: dt.date | None) -> FloatArray:
    """Share of each bucket's calendar days from `start` to `end` (both included; None: the
    horizon's edge), (T,): a supplier delivers every calendar day it is available."""
    days = np.arange(len(buckets.day_bucket))
    first = 0 if start is None else (start - buckets.first).days
    last = len(days) - 1 if end is None else (end - buckets.first).days
    open_days = buckets.per_bucket((days >= first) & (days <= last))
    return open_days / buckets.calendar_days


def preference_premium(scenario: Scenario) -> FloatArray:
    """Per supplier line: (its priority - the best of its item's lines) x a step larger than
    the spread of the item's prices, so that a line of a worse priority always costs more in
    the objective than any better one. 0 for every line when priorities are not used."""
    lines = scenario.suppliers
    premium = np.zeros(len(lines))
    by_item: dict[str, list[int]] = {}
    for n, line in enumerate(lines):
        by_item.setdefault(line.item, []).append(n)
    for members in by_item.values():
        priorities = np.array([lines[n].priority for n in members])
        if (priorities == priorities[0]).all():
            continue
        prices = np.array([lines[n].price for n in members])
        step = prices.max() - prices.min() + max(PREFERENCE_MARGIN * prices.max(), 1.0)
        premium[members] = (priorities - priorities.min()) * step
    return premium


def priority_weights(priority: IntArray, penalty: FloatArray) -> FloatArray:
    """Lateness penalty per class, raised level by level: from the lowest priority up, each
    level adds PRIORITY_DOMINANCE × the largest (raised) penalty of the levels below it, so one
    vehicle-week late of a higher priority costs more than two of any lower one.

    Prices are left out on purpose: adding them would make a priority-1 vehicle-week weigh
    millions, and every shadow price with it; the strict mode gives the hard guarantee."""
    weighted = penalty.copy()
    below = 0.0  # the largest raised penalty among lower priorities seen so far
    for level in sorted(set(priority.tolist()), reverse=True):
        mine = priority == level
        weighted[mine] += PRIORITY_DOMINANCE * below
        below = max(below, float(weighted[mine].max()))
    return weighted


def _demand_classes(scenario: Scenario, item_index: dict[str, int]) -> DemandClasses:
    """Aggregate demand lines into classes (variant, priority, lateness limit): the LP never
    sees single orders. Read from the demand's columns, so a million lines cost arrays, not a
    million records.

    A class's price and lateness penalty are the quantity-weighted means of its lines; each
    priority level's penalty is raised above twice the largest penalty of the levels below it
    (see `priority_weights`). Sums run over the lines in file order (bincount adds in input
    order), so every figure is the one a loop over the lines would give, to the bit.
    """
    buckets = scenario.calendar.buckets
    table = scenario.demand_table
    variants, variant = table.codes("variant")
    priority = table.ints("priority")
    limit = table.ints("max_weeks_late")  # -1: no limit
    # Classes in the order of their (variant, priority, limit) tuples: one integer per line
    # in mixed radix, variants numbered in sorted order, so that sorting the numbers sorts
    # the tuples.
    priorities = int(priority.max(initial=0)) + 1
    limits = int(limit.max(initial=-1)) + 2
    key = (variant * priorities + priority) * limits + (limit + 1)
    class_keys, klass = np.unique(key, return_inverse=True)
    klass = klass.reshape(-1)
    classes = len(class_keys)
    class_limit = class_keys % limits - 1
    class_priority = class_keys // limits % priorities
    class_variant = class_keys // limits // priorities

    weeks = len(buckets)
    bucket = buckets.indices_of(table.days())
    quantity = table.floats("quantity")
    revenue: FloatArray = quantity * table.floats("price")
    penalty: FloatArray = quantity * np.maximum(
        table.floats("lateness_penalty"), MIN_LATENESS_PENALTY
    )
    sums = {
        "due": _sum_by(klass * weeks + bucket, quantity, classes * weeks),
        "quantity": _sum_by(klass, quantity, classes),
        "revenue": _sum_by(klass, revenue, classes),
        "penalty": _sum_by(klass, penalty, classes),
    }
    total = sums["quantity"]
    scale = np.divide(1.0, total, out=np.zeros_like(total), where=total > 0)

    # The allocation order: by class, then due date, then id.
    id_rank = table.frame["id"].rank("ordinal").to_numpy()
    order = np.lexsort((id_rank, table.days(), klass))
    order_rows = pl.Series(order, dtype=pl.Int64)
    return DemandClasses(
        variant=np.array([item_index[variants[v]] for v in class_variant], dtype=np.int64),
        priority=class_priority.astype(np.int64),
        due=sums["due"].reshape(classes, weeks),
        price=sums["revenue"] * scale,
        penalty=priority_weights(class_priority.astype(np.int64), sums["penalty"] * scale),
        orders=Orders(
            ids=table.frame["id"].gather(order_rows).to_list(),
            klass=klass[order].astype(np.int64),
            due=bucket[order],
            quantity=quantity[order],
            kind=table.frame["kind"].gather(order_rows).to_list(),
        ),
        max_late=np.array(
            [-1 if weeks < 0 else buckets.late_buckets(int(weeks)) for weeks in class_limit],
            dtype=np.int64,
        ),
    )


def _sum_by(group: IntArray, values: FloatArray, groups: int) -> FloatArray:
    """Sum of `values` per group, added in input order (as a loop over them adds)."""
    return np.bincount(group, weights=values, minlength=groups).astype(np.float64, copy=False)
