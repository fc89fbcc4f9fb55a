"""Re-planning on actuals: the past fixed at what happened, a frozen window held at the previous
plan, the rest re-optimised in the same horizon.

The LP keeps its shape (only bounds change), so the previous plan's basis fits it: HiGHS starts
from it instead of from scratch (plan/solve.py). What the past fixes:

- builds of every made item in the buckets before the as-of date: the actuals (`built`);
- deliveries of every demand class there: the actuals (`delivered`, summed over its orders);
- shop capacity and learning chords there: raised to what was built where that is more (what
  was built was built);
- a part with `received` actuals: those rows arrive besides receipts.csv's (the goods on order
  when the plans began, as scheduled), and its purchase releases before as-of are fixed: at the
  previous plan's for those arriving on or after as-of (open purchase orders), else 0.
  A part without `received` rows is not tracked: its past purchases stay free, as if it arrived
  as needed. Parts planned just in time outside the LP (plan/reduce.py, their supply can never
  bind) are not netted against their actual receipts.

The frozen window: builds of the `frozen` buckets from as-of held at the previous plan's
(`plan/builds.csv`: firm planned orders).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

import highspy
import numpy as np
import polars as pl

from evramp.model import Scenario
from evramp.model.buckets import Buckets
from evramp.model.errors import ScenarioError, ScenarioInvalid
from evramp.plan.index import PlanData
from evramp.plan.layout import Block, FloatArray
from evramp.plan.lp import LinearProgram
from evramp.plan.solve import highs_for

TOLERANCE = 1e-6
"""Units: what actuals may overdraw by rounding (CSV files carry six decimals)."""
ACTUALS_FILE = "actuals.csv"


@dataclass(frozen=True)
class Past:
    """What happened before the as-of date, as arrays of the full PlanData."""

    as_of: int
    """The first bucket re-planned; every actual is before it."""
    built: FloatArray  # (M, T) units started per made item, 0 from as_of on
    received: FloatArray  # (I, T) units received per item, 0 from as_of on
    tracked: np.ndarray  # (I,) bool: the item has `received` rows
    delivered: FloatArray  # (C, T) vehicles delivered per demand class
    delivered_orders: dict[str, float]
    """Vehicles delivered per order before as-of."""
    tracked_ids: frozenset[str]
    """Ids of the items with `received` rows."""


@dataclass(frozen=True)
class Previous:
    """The plan re-planned: its builds and purchase releases (from its plan folder)."""

    builds: pl.DataFrame  # item, week (first day of the bucket, ISO), quantity
    purchases: pl.DataFrame  # supplier, item, release_week, receipt_week (ISO), quantity

    @classmethod
    def of(cls, builds: pl.DataFrame, purchases: pl.DataFrame) -> Previous:
        """From a plan's `builds` and `purchases` tables (dates as dates or as ISO text)."""

        def iso(frame: pl.DataFrame, *names: str) -> pl.DataFrame:
            return frame.with_columns(
                pl.col(name).cast(pl.Date).cast(pl.String)
                if frame.schema[name] != pl.String
                else pl.col(name)
                for name in names
            )

        return cls(iso(builds, "week"), iso(purchases, "release_week", "receipt_week"))


@dataclass(frozen=True)
class ReplanRequest:
    """What the user asks of a re-plan: from `as_of` (the first day of a bucket), builds of the
    next `frozen` buckets held at `previous`'s (none without a previous plan)."""

    as_of: dt.date
    frozen: int = 0
    previous: Previous | None = None


@dataclass(frozen=True)
class Replan:
    """What a re-plan fixes: the past, and the builds of the frozen window."""

    past: Past
    frozen: int
    """Buckets from as-of whose builds are held at the previous plan's."""
    held: FloatArray  # (M, T) previous builds, used in [as_of, as_of + frozen)
    open_orders: FloatArray  # (L, T) previous releases before as_of arriving from it on

    @property
    def frozen_until(self) -> int:
        return self.past.as_of + self.frozen


def replan_of(
    scenario: Scenario, data: PlanData, as_of: dt.date, frozen: int, previous: Previous | None
) -> Replan:
    """The past of `scenario`'s actuals before `as_of` and the frozen window of `frozen`
    buckets held at `previous` (frozen must be 0 without it). Raises `ScenarioInvalid` with
    every problem of the actuals, located at their rows."""
    past = past_of(scenario, data, as_of)
    held = np.zeros((len(data.made.item), data.bucket_count))
    open_orders = np.zeros((len(data.lines.item), data.bucket_count))
    if previous is not None:
        held = _previous_builds(data, previous.builds)
        open_orders = _open_orders(data, previous.purchases, past.as_of)
    return Replan(past, min(frozen, data.bucket_count - past.as_of), held, open_orders)


def past_of(scenario: Scenario, data: PlanData, as_of: dt.date) -> Past:
    buckets = scenario.calendar.buckets
    errors: list[ScenarioError] = []
    a = buckets.index_of(as_of)
    if not 0 <= a < len(buckets) or buckets.start_of(a) != as_of:
        raise ScenarioInvalid(
            [
                ScenarioError(
                    "--as-of",
                    0,
                    "",
                    f"{as_of} is not the first day of a {buckets.noun()} of the horizon "
                    f"({scenario.calendar.first_week} to {scenario.calendar.end}); the past is "
                    f"fixed {buckets.noun()} by {buckets.noun()}",
                )
            ]
        )
    item_index = {item: i for i, item in enumerate(data.items.ids)}
    made_index = {int(item): m for m, item in enumerate(data.made.item)}
    order_class = dict(zip(data.demand.orders.ids, data.demand.orders.klass.tolist(), strict=True))
    frame = scenario.demand_table.frame
    quantity_of = dict(zip(frame["id"].to_list(), frame["quantity"].to_list(), strict=True))
    due_of = dict(zip(frame["id"].to_list(), frame["due"].to_list(), strict=True))
    built = np.zeros((len(data.made.item), data.bucket_count))
    received = np.zeros((len(data.items.ids), data.bucket_count))
    delivered = np.zeros((len(data.demand.variant), data.bucket_count))
    delivered_orders: dict[str, float] = defaultdict(float)
    by_shop: dict[tuple[int, int], dict[str, list[float]]] = defaultdict(dict)
    first_use: dict[tuple[int, int], int] = {}  # (item, bucket) -> line of the first use
    line_of = scenario.line_of

    def error(index: int, field: str, message: str) -> None:
        errors.append(ScenarioError(ACTUALS_FILE, line_of("actuals", index), field, message))

    for index, actual in enumerate(scenario.actuals):
        t = buckets.index_of(actual.date)
        if actual.date >= as_of:
            error(index, "date", f"{actual.date} is on or after the as-of date {as_of}")
            continue
        if t < 0:
            error(index, "date", f"{actual.date} is before the horizon's first week")
            continue
        line = line_of("actuals", index)
        if actual.kind == "built":
            m = made_index[item_index[str(actual.item)]]
            at_shop = by_shop[m, t].setdefault(str(actual.shop), [0.0, line])
            at_shop[0] += actual.quantity
            for child in data.bom.child[data.bom.made == m].tolist():
                first_use.setdefault((int(child), t), line)
        elif actual.kind == "received":
            received[item_index[str(actual.item)], t] += actual.quantity
        else:
            order = str(actual.order)
            due = buckets.index_of(due_of[order])
            if t < due:
                error(
                    index,
                    "date",
                    f"order {order} is delivered in the {buckets.noun()} of {actual.date} but "
                    f"due in that of {due_of[order]}; the plan delivers nothing early (move its "
                    "due date in demand.csv)",
                )
                continue
            delivered_orders[order] += actual.quantity
            if delivered_orders[order] > quantity_of[order] + TOLERANCE:
                error(
                    index,
                    "quantity",
                    f"order {order} gets {delivered_orders[order]:g} vehicles by here but is "
                    f"for {quantity_of[order]:g}",
                )
            delivered[order_class[order], t] += actual.quantity
            first_use.setdefault((int(data.demand.variant[order_class[order]]), t), line)
    for (m, t), shops in by_shop.items():
        built[m, t] = _one_start(shops, data.items.ids[int(data.made.item[m])], errors)
    tracked = received.sum(axis=1) > 0
    if not errors:
        errors.extend(_overdrawn(data, a, built, received, tracked, delivered, first_use, buckets))
    if errors:
        raise ScenarioInvalid(sorted(errors))
    tracked_ids = frozenset(data.items.ids[i] for i in np.flatnonzero(tracked))
    return Past(a, built, received, tracked, delivered, dict(delivered_orders), tracked_ids)


def _one_start(shops: dict[str, list[float]], item: str, errors: list[ScenarioError]) -> float:
    """Units started of an item in a bucket: one number, whichever of its shops says it (an
    item is started in all its shops at once); a problem at the later row where they differ."""
    (first_quantity, first_line), *others = shops.values()
    for quantity, line in others:
        if abs(quantity - first_quantity) > TOLERANCE * max(1.0, first_quantity):
            errors.append(
                ScenarioError(
                    ACTUALS_FILE,
                    int(line),
                    "quantity",
                    f"{item} is started in all its shops at once: {quantity:g} here, "
                    f"{first_quantity:g} at line {int(first_line)} for the same bucket",
                )
            )
    return first_quantity


def _overdrawn(
    data: PlanData,
    a: int,
    built: FloatArray,
    received: FloatArray,
    tracked: np.ndarray,
    delivered: FloatArray,
    first_use: dict[tuple[int, int], int],
    buckets: Buckets,
) -> list[ScenarioError]:
    """Items that actual builds and deliveries use more of than was on hand, received or built
    by then: made items always, parts with `received` rows."""
    if a == 0:
        return []
    supply, use = _supply_and_use(data, a, built, received, delivered)
    checked = tracked.copy()
    checked[data.made.item] = True
    short = (np.cumsum(use, axis=1) > np.cumsum(supply, axis=1) + TOLERANCE) & checked[:, None]
    errors = []
    for item in np.flatnonzero(short.any(axis=1)):
        t = int(np.argmax(short[item]))
        used, had = float(use[item, : t + 1].sum()), float(supply[item, : t + 1].sum())
        noun = buckets.noun()
        errors.append(
            ScenarioError(
                ACTUALS_FILE,
                first_use.get((int(item), t), 0),
                "quantity",
                f"{data.items.ids[item]} is overdrawn by the {noun} of {data.bucket_starts[t]}: "
                f"{used:g} used by actual builds and deliveries, {had:g} on hand, received or "
                "built by then"
                + (
                    " (a part with received rows gets those and receipts.csv's, nothing else, "
                    "before the as-of date)"
                    if tracked[item]
                    else ""
                ),
            )
        )
    return errors


def _supply_and_use(
    data: PlanData,
    a: int,
    built: FloatArray,
    received: FloatArray,
    delivered: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Per item and past bucket: what arrived (stock at the start, receipts, completions) and
    what was taken (by parents' builds and deliveries)."""
    supply = (data.items.receipts + received)[:, :a].copy()
    supply[:, 0] += data.items.on_hand
    for m, item in enumerate(data.made.item):
        lead = int(data.made.lead_time[m])
        if lead < a:
            supply[item, lead:a] += built[m, : a - lead]
    use = np.zeros_like(supply)
    np.add.at(use, data.bom.child, built[data.bom.made, :a] * data.bom.gross[:, None])
    np.add.at(use, data.demand.variant, delivered[:, :a])
    return supply, use


def _previous_builds(data: PlanData, builds: pl.DataFrame) -> FloatArray:
    """Units started per made item and bucket in the previous plan (one row per shop: an item
    made in several shops has the same quantity in each)."""
    held = np.zeros((len(data.made.item), data.bucket_count))
    made_of = {data.items.ids[int(item)]: m for m, item in enumerate(data.made.item)}
    bucket_of = {start: t for t, start in enumerate(data.bucket_starts)}
    first = builds.unique(subset=["item", "week"], keep="first", maintain_order=True)
    for item, week, quantity in first.select("item", "week", "quantity").iter_rows():
        m, t = made_of.get(str(item)), bucket_of.get(str(week))
        if m is not None and t is not None:
            held[m, t] = float(quantity)
    return held


def _open_orders(data: PlanData, purchases: pl.DataFrame, a: int) -> FloatArray:
    """The previous plan's releases before bucket `a` that arrive from `a` on."""
    orders = np.zeros((len(data.lines.item), data.bucket_count))
    line_of = {
        (supplier, data.items.ids[int(item)]): n
        for n, (supplier, item) in enumerate(zip(data.lines.supplier, data.lines.item, strict=True))
    }
    bucket_of = {start: t for t, start in enumerate(data.bucket_starts)}
    rows = purchases.select("supplier", "item", "release_week", "receipt_week", "quantity")
    for supplier, item, release, receipt, quantity in rows.iter_rows():
        n, r = line_of.get((str(supplier), str(item))), bucket_of.get(str(release))
        arrival = bucket_of.get(str(receipt), data.bucket_count)
        if n is not None and r is not None and r < a <= arrival:
            orders[n, r] += float(quantity)
    return orders


def with_received(data: PlanData, past: Past) -> PlanData:
    """The data with what each part received before as-of added to its receipts: what the LP
    sees (the reduction looks at the receipts of the plan from the start, `receipts_of`)."""
    receipts = data.items.receipts + past.received
    return replace(data, items=replace(data.items, receipts=receipts))


def receipts_of(data: PlanData) -> Callable[[PlanData], PlanData]:
    """Data like the one given with `data`'s receipts (the reduction's search in a re-plan)."""
    receipts = data.items.receipts

    def with_receipts(other: PlanData) -> PlanData:
        return replace(other, items=replace(other.items, receipts=receipts))

    return with_receipts


def fixed(lp: LinearProgram, data: PlanData, kept_lines: np.ndarray, plan: Replan) -> LinearProgram:
    """`lp` (of the reduced `data`; `kept_lines` marks the full data's supplier lines in it)
    with the past and the frozen window fixed: same shape, other bounds."""
    past, a = plan.past, plan.past.as_of
    columns = lp.columns
    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()

    def fix(block: Block, values: FloatArray, first: int, stop: int) -> None:
        if stop <= first:
            return
        index = _cells(block, first, stop)
        lower[index] = upper[index] = values[:, first:stop].ravel()

    fix(columns.build, past.built, 0, a)
    fix(columns.build, plan.held, a, plan.frozen_until)
    fix(columns.deliver, past.delivered, 0, a)
    backlog = _cells(columns.backlog, 0, a)
    late = np.cumsum(data.demand.due - past.delivered, axis=1)[:, :a].ravel()
    over = late > upper[backlog] + TOLERANCE  # a promise the past already broke
    upper[backlog[over]] = late[over] + TOLERANCE
    _fix_purchases(lp, data, kept_lines, plan, lower, upper)
    return replace(lp, col_lower=lower, col_upper=upper, row_upper=_past_rows_hold(lp, data, past))


def _cells(block: Block, first: int, stop: int) -> np.ndarray:
    """Indices of `block`'s buckets `first .. stop-1`, entity by entity."""
    entity, bucket = np.meshgrid(np.arange(block.entities), np.arange(first, stop), indexing="ij")
    return block.at(entity.ravel(), bucket.ravel())


def _past_rows_hold(lp: LinearProgram, data: PlanData, past: Past) -> FloatArray:
    """Row upper bounds with the past's shop capacity and learning chords raised to what the
    actual builds loaded them with, where that is more than the model gives (what was built was
    built). Raised, not removed: a basis of the previous plan keeps its rows at finite bounds,
    and the re-plan starts from it (with them removed, M's one-week roll took 1,800 more
    simplex iterations)."""
    row_upper = lp.row_upper.copy()
    matrix = lp.matrix.tocsr()
    x = np.zeros(lp.shape[1])
    build = lp.columns.build
    x[build.offset : build.stop] = past.built[:, : build.buckets].ravel()
    experience = lp.columns.experience
    if experience.entities:
        # N[n,0] = start, N[n,t] = N[n,t-1] + load[n,t-1]: the experience rows with N = 0 give
        # -load[n,t-1], so N is the start plus the running sum of the loads.
        rows = slice(lp.rows.experience.offset, lp.rows.experience.stop)
        minus_load = (matrix[rows] @ x).reshape(experience.entities, experience.buckets)
        start = lp.row_lower[rows].reshape(experience.entities, experience.buckets)[:, 0]
        x[experience.offset : experience.stop] = (
            start[:, None] + np.cumsum(-minus_load, axis=1)
        ).ravel()
    for block in (lp.rows.shops, lp.rows.learning):
        if not block.entities or not past.as_of:
            continue
        index = _cells(block, 0, past.as_of)
        load = matrix[index] @ x
        margin = TOLERANCE * np.maximum(1, load)
        over = load > row_upper[index] + margin  # only there: a bound moved is a basis disturbed
        row_upper[index[over]] = load[over] + margin[over]
    if lp.integrality is not None:  # set-up time loads the shops too: the past's is not known
        row_upper[_cells(lp.rows.shops, 0, past.as_of)] = np.inf
    return row_upper


def _fix_purchases(
    lp: LinearProgram,
    data: PlanData,
    kept_lines: np.ndarray,
    plan: Replan,
    lower: FloatArray,
    upper: FloatArray,
) -> None:
    """Releases before as-of of tracked parts' lines: the open orders, else nothing."""
    a = plan.past.as_of
    if a == 0:
        return
    full_item_of_line = np.flatnonzero(kept_lines)  # reduced line -> full line
    open_orders = plan.open_orders[full_item_of_line]
    item_ids = data.items.ids
    for n, item in enumerate(data.lines.item):
        if item_ids[int(item)] not in plan.past.tracked_ids:
            continue
        index = lp.columns.buy.at(n, np.arange(a))
        scale = 1.0 if lp.column_scale is None else lp.column_scale[index]
        lower[index] = upper[index] = open_orders[n, :a] / scale


SHOWN = 8
"""Broken frozen weeks named in a message; the rest are counted."""


def broken_frozen_weeks(data: PlanData, lp: LinearProgram, plan: Replan) -> str:
    """Why the frozen window cannot be kept, in words: the frozen builds the nearest plan to it
    has to change (held, most possible), and the shops and parts that stop them (rows with a
    shadow price in that bucket). The nearest plan minimises the total change of the frozen
    builds, with the past still fixed and the frozen builds free."""
    a, stop = plan.past.as_of, plan.frozen_until
    build = lp.columns.build
    entity, bucket = np.meshgrid(np.arange(build.entities), np.arange(a, stop), indexing="ij")
    index = build.at(entity.ravel(), bucket.ravel())
    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
    lower[index], upper[index] = 0.0, np.inf
    held = plan.held[:, a:stop].ravel()
    nearest = nearest_plan(
        replace(lp, cost=np.zeros_like(lp.cost), col_lower=lower, col_upper=upper, level=None),
        index,
        held,
    )
    if nearest is None:
        return "it finds no plan even with the frozen builds free: the actuals cannot be kept"
    x, row_dual = nearest
    changed = np.flatnonzero(np.abs(x[index] - held) > TOLERANCE * np.maximum(1.0, held))
    words = []
    for k in changed[:SHOWN]:
        m, t = int(entity.ravel()[k]), int(bucket.ravel()[k])
        item = data.items.ids[int(data.made.item[m])]
        why = _binding_in(data, lp, row_dual, m, t)
        words.append(
            f"{item} in the {data.bucket} of {data.bucket_starts[t]}: {held[k]:g} frozen, "
            f"{x[index[k]]:g} possible" + (f" ({why})" if why else "")
        )
    more = f"; and {len(changed) - SHOWN} more" if len(changed) > SHOWN else ""
    return f"the frozen window cannot be kept: {'; '.join(words)}{more}"


def nearest_plan(
    lp: LinearProgram, index: np.ndarray, target: FloatArray
) -> tuple[FloatArray, FloatArray] | None:
    """The plan of `lp` (its own costs, zero here) whose columns `index` are nearest to
    `target` in total absolute change: two deviation columns and one row per column, appended
    to the model in HiGHS. Returns (columns, row duals) or None if infeasible."""
    highs = highs_for(lp, "simplex")
    count, n_cols = len(index), lp.shape[1]
    none = np.zeros(0, dtype=np.int32)
    highs.addCols(
        2 * count, np.ones(2 * count), np.zeros(2 * count), np.full(2 * count, np.inf),
        0, none, none, np.zeros(0),
    )  # fmt: skip
    starts = np.arange(count, dtype=np.int32) * 3
    columns = np.stack([index, n_cols + np.arange(count), n_cols + count + np.arange(count)], 1)
    values = np.tile([1.0, -1.0, 1.0], count)
    highs.addRows(
        count, target, target, 3 * count, starts, columns.ravel().astype(np.int32), values
    )
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = highs.getSolution()
    x = np.asarray(solution.col_value)[:n_cols]
    return x, np.asarray(solution.row_dual)[: lp.shape[0]]


def _binding_in(data: PlanData, lp: LinearProgram, row_dual: FloatArray, m: int, t: int) -> str:
    """The shops of made item `m` and its components whose rows bind in bucket `t`."""
    shops = data.routings.shop[data.routings.made == m]
    binding = [
        f"shop {data.shops.ids[int(s)]} full"
        for s in shops
        if abs(row_dual[lp.rows.shops.at(int(s), t)]) > 1e-9
    ]
    children = data.bom.child[data.bom.made == m]
    binding += [
        f"{data.items.ids[int(i)]} short"
        for i in children
        if abs(row_dual[lp.rows.material.at(int(i), t)]) > 1e-9
    ]
    return ", ".join(binding[:3])


__all__ = [
    "Past",
    "Previous",
    "Replan",
    "ReplanRequest",
    "broken_frozen_weeks",
    "fixed",
    "nearest_plan",
    "past_of",
    "receipts_of",
    "replan_of",
    "with_received",
]
