"""A scenario compiled to index maps and arrays: the planner's working form.

Built once, in one pass over the records; everything after this works on arrays. Time is in the
calendar's buckets (days, weeks or months): `bucket_count` of them, and every time index is a
bucket; every figure is per bucket, converted here (and in capacity.py) from the scenario's
figures per week (a week is seven days everywhere). Holding costs and lateness penalties stay
per week; `bucket_weeks` scales them.
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
# A tiny lateness cost per car-week, so that orders without a penalty still deliver on time when
# they can.
MIN_LATENESS_PENALTY = 1.0
PRIORITY_DOMINANCE = 2.0


@dataclass(frozen=True)
class Orders:
    """Orders, sorted by class, then due week, then id (the allocation order)."""

    ids: list[str]
    klass: IntArray
    due: IntArray
    quantity: FloatArray
    kind: list[str]


@dataclass(frozen=True)
class DemandClasses:
    """Demand aggregated per class (variant, priority, lateness limit, price, penalty): C
    classes, T buckets."""

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
    T buckets."""

    bucket_count: int  # T
    bucket_starts: list[str]  # ISO date of each bucket's first day
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
        bucket_count=len(buckets),
        bucket_starts=[day.isoformat() for day in buckets.starts[:-1]],
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
    per week × the bucket's length in weeks (a supplier supplies every calendar day)."""
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
    horizon's edge), (T,): a supplier supplies every calendar day it is available."""
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


def _demand_classes(
    scenario: Scenario, item_index: dict[str, int], *, class_per_order: bool = False
) -> DemandClasses:
    """Aggregate orders into classes of equal (variant, priority, lateness limit, price,
    lateness penalty): the LP never sees single orders. Read from the demand's columns, so a
    million lines cost arrays, not a million records.

    The orders of a class differ only in due date, quantity and id, so the class model is
    exact (docs/planning-model.md): a plan per order, summed per class, is a class plan of the
    same objective, and earliest due first (plan/allocate.py) hands a class plan's deliveries
    to orders already due with the same backlog per bucket and every order's limit kept.
    A class's price and penalty are its lines' own (no mean); each priority level's penalty is
    raised above twice the largest penalty of the levels below it (see `priority_weights`).
    Sums run over the lines in file order (bincount adds in input order), so every figure is
    the one a loop over the lines would give, to the bit.

    `class_per_order` gives every line a class of its own (the LP then grows with the lines):
    the model the classes must equal, for tests/test_demand_classes.py only.
    """
    buckets = scenario.calendar.buckets
    table = scenario.demand_table
    variants, variant = table.codes("variant")
    priority = table.ints("priority")
    limit = table.ints("max_weeks_late")  # -1: no limit
    price = table.floats("price")
    # The floor applies per line, so lines of penalty 0 and 0.5 share a class: both cost 1.
    penalty = np.maximum(table.floats("lateness_penalty"), MIN_LATENESS_PENALTY)
    key_columns = [variant, priority, limit + 1, _value_codes(price), _value_codes(penalty)]
    if class_per_order:
        key_columns.append(np.arange(len(variant), dtype=np.int64))
    klass, first_line = _lexicographic_classes(key_columns)
    classes = len(first_line)
    class_priority = priority[first_line].astype(np.int64)

    weeks = len(buckets)
    bucket = buckets.indices_of(table.days())
    quantity = table.floats("quantity")

    # The allocation order: by class, then due date, then id.
    id_rank = table.frame["id"].rank("ordinal").to_numpy()
    order = np.lexsort((id_rank, table.days(), klass))
    order_rows = pl.Series(order, dtype=pl.Int64)
    return DemandClasses(
        variant=np.array([item_index[variants[v]] for v in variant[first_line]], dtype=np.int64),
        priority=class_priority,
        due=_sum_by(klass * weeks + bucket, quantity, classes * weeks).reshape(classes, weeks),
        price=price[first_line],
        penalty=priority_weights(class_priority, penalty[first_line]),
        orders=Orders(
            ids=table.frame["id"].gather(order_rows).to_list(),
            klass=klass[order].astype(np.int64),
            due=bucket[order],
            quantity=quantity[order],
            kind=table.frame["kind"].gather(order_rows).to_list(),
        ),
        max_late=np.array(
            [-1 if most < 0 else buckets.late_buckets(int(most)) for most in limit[first_line]],
            dtype=np.int64,
        ),
    )


def _value_codes(values: FloatArray | IntArray) -> IntArray:
    """Each value's rank among the distinct values (0 for the smallest): equal values, and
    only those, share a code, and the codes sort as the values do."""
    _, codes = np.unique(values, return_inverse=True)
    return codes.reshape(-1).astype(np.int64)


# Mixed-radix keys stay below this, so that no product of a key and a radix overflows int64.
_KEY_LIMIT = 2**62


def _lexicographic_classes(columns: list[IntArray]) -> tuple[IntArray, IntArray]:
    """Classes of the lines whose codes (each column >= 0) are equal in every column, numbered
    in the lexicographic order of their code tuples: (the class of each line, the first line
    of each class). The columns are folded into one integer per line in mixed radix, which
    sorts as the tuples do; a key about to overflow is renumbered to its rank first."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        radix = int(column.max(initial=0)) + 1
        if (int(key.max(initial=0)) + 1) * radix >= _KEY_LIMIT:
            key = _value_codes(key)  # ranks: below the number of lines, which fits
        key = key * radix + column
    _, first_line, klass = np.unique(key, return_index=True, return_inverse=True)
    return klass.reshape(-1).astype(np.int64), first_line.astype(np.int64)


def _sum_by(group: IntArray, values: FloatArray, groups: int) -> FloatArray:
    """Sum of `values` per group, added in input order (as a loop over them adds)."""
    return np.bincount(group, weights=values, minlength=groups).astype(np.float64, copy=False)
