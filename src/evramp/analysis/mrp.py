"""MRP: planned purchase orders from the plan — what to buy, from whom, and when to release it.

The plan's purchases are its net requirements per supplier line and week (after on-hand stock
and scheduled receipts, with the supplier's lead time already offset). MRP turns them into
orders a buyer can place: each is rounded up to the line's minimum order quantity and lot
multiple, and what a rounded order brings beyond the week's need covers the following weeks'
needs first (the classic lot-for-lot with lot sizing of an ERP's MRP run). In integer mode the
plan already buys in whole lots, and rounding changes nothing.

Orders already placed (`receipts.csv`) are listed as `firm`; planned ones as `planned`. With
daily or monthly buckets, "week" here means the bucket: release and receipt dates are the first
days of buckets.
"""

from __future__ import annotations

import math

import pandas as pd

from evramp.model import Scenario, Supplier
from evramp.plan.result import DATE_DTYPE, PlanResult

ORDER_COLUMNS = [
    "purchase_order",
    "status",
    "supplier",
    "item",
    "quantity",
    "release_week",
    "receipt_week",
    "cost",
    "beyond_need",
    "over_capacity",
]
TOLERANCE = 1e-6


def purchase_orders(scenario: Scenario, result: PlanResult) -> pd.DataFrame:
    """Firm and planned purchase orders, by release week then supplier and item.

    `beyond_need` is what rounding to lots adds beyond the plan's requirement (it stays in
    stock); `over_capacity` marks an order that makes its line supply more in its receipt
    week than the supplier's capacity (only possible when rounding an LP plan).
    """
    lines = {(line.supplier, line.item): line for line in scenario.suppliers}
    planned = [
        _lot_sized(rows.sort_values("release_week"), lines[(str(supplier), str(item))])
        for (supplier, item), rows in result.purchases.groupby(["supplier", "item"], sort=True)
    ]
    frames = [frame for frame in [*planned, _firm(scenario)] if not frame.empty]
    if not frames:
        return pd.DataFrame(columns=ORDER_COLUMNS)
    orders = pd.concat(frames, ignore_index=True)
    for column in ("release_week", "receipt_week"):  # dates, as in the plan's tables
        orders[column] = orders[column].astype(DATE_DTYPE)
    orders = orders.sort_values(  # firm orders (released before the plan) first
        ["release_week", "status", "supplier", "item"],
        kind="stable",
        ignore_index=True,
        na_position="first",
    )
    _mark_over_capacity(orders, result)
    orders.insert(0, "purchase_order", [f"PO-{n:05d}" for n in range(1, len(orders) + 1)])
    return orders[ORDER_COLUMNS]


def _lot_sized(requirements: pd.DataFrame, line: Supplier) -> pd.DataFrame:
    """Orders for one supplier line: each week's requirement net of what earlier rounding
    brought, rounded up to the MOQ and the lot multiple."""
    rows: list[dict[str, object]] = []
    excess = 0.0
    for need in requirements.itertuples(index=False):
        required = float(need.quantity)  # type: ignore[arg-type]
        net = required - excess
        if net <= TOLERANCE:
            excess = -net
            continue
        quantity = max(net, line.moq)
        if line.lot_multiple:
            quantity = math.ceil(quantity / line.lot_multiple - TOLERANCE) * line.lot_multiple
        excess = quantity - net
        rows.append(
            {
                "status": "planned",
                "supplier": need.supplier,
                "item": need.item,
                "quantity": quantity,
                "release_week": need.release_week,
                "receipt_week": need.receipt_week,
                "cost": quantity * line.price,
                "beyond_need": quantity - net,
            }
        )
    return pd.DataFrame(rows)


def _firm(scenario: Scenario) -> pd.DataFrame:
    buckets = scenario.calendar.buckets
    return pd.DataFrame(
        [
            {
                "status": "firm",
                "supplier": "",
                "item": receipt.item,
                "quantity": receipt.quantity,
                "release_week": pd.NaT,
                "receipt_week": pd.Timestamp(buckets.anchor(receipt.due)),
                "cost": 0.0,
                "beyond_need": 0.0,
            }
            for receipt in scenario.receipts
        ]
    )


def _mark_over_capacity(orders: pd.DataFrame, result: PlanResult) -> None:
    """Flag planned orders whose line then receives more in that week than its capacity."""
    supply = result.supply.rename(columns={"week": "receipt_week"})
    planned = orders["status"] == "planned"
    received = (
        orders[planned]
        .groupby(["supplier", "item", "receipt_week"], as_index=False)["quantity"]
        .sum()
        .merge(supply[["supplier", "item", "receipt_week", "capacity"]], how="left")
    )
    over = received[received["quantity"] > received["capacity"] + TOLERANCE]
    flagged = orders.merge(
        over[["supplier", "item", "receipt_week"]].assign(over_capacity=True), how="left"
    )["over_capacity"]
    orders["over_capacity"] = planned & flagged.eq(True).to_numpy()
