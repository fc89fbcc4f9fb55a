"""What the order and purchase-order pages and their API calls show, from the stored plan
(never solved again): plain records, the same for the HTML and the JSON."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from evramp.app import workspace as stored

if TYPE_CHECKING:
    import pandas as pd


def kept_plan(ref: str, number: int | None, db: str | None) -> stored.StoredPlan:
    """The stored plan `number` (default the newest) of `ref`, read once: a stored plan never
    changes, and reading one (its tables and its scenario, validated) took 0.1 s of each
    0.1 s request for the default plant's key figures."""
    info = stored.plan_info(ref, number, db)
    return _read_plan(info.revision.ref, info.number, db)


@lru_cache(maxsize=4)  # a plan of plant L holds about 100 MB of tables
def _read_plan(revision: str, number: int, db: str | None) -> stored.StoredPlan:
    return stored.read_plan(revision, number, db)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(key): value for key, value in row.items()} for row in frame.to_dict("records")]


@dataclass(frozen=True)
class OrderView:
    order: str
    variant: str
    kind: str
    priority: int
    quantity: float
    due: str
    delivered_by_due: float
    delivered: float
    last_delivery: str | None
    late: float
    sentences: list[str]
    culprits: list[dict[str, Any]]
    """Per shop or part that held it back: kind, name, weeks, first_week, last_week,
    mean_shadow_price, usage, unit, value; most valuable first."""


def order_view(ref: str, order_id: str, db: str | None) -> OrderView:
    """Why the order is late in the stored plan of `ref` (`NotFound` for an unknown order,
    naming the closest ids)."""
    from evramp.app import explain_order

    kept = kept_plan(ref, None, db)
    pegging = explain_order(kept.scenario, order_id, result=kept.result).pegging
    culprits = pegging.culprits()
    for column in ("first_week", "last_week"):
        culprits[column] = culprits[column].astype(str).str.slice(0, 10)
    return OrderView(
        order=pegging.order,
        variant=pegging.variant,
        kind=pegging.kind,
        priority=pegging.priority,
        quantity=pegging.quantity,
        due=pegging.due_week[:10],
        delivered_by_due=pegging.delivered_by_due,
        delivered=pegging.delivered,
        last_delivery=None if pegging.last_delivery is None else pegging.last_delivery[:10],
        late=pegging.late,
        sentences=pegging.describe(),
        culprits=_records(culprits),
    )


SHOWN = 500
"""Purchase orders a page lists (the default plant's plan has 33,000; a table that long takes
a browser half a minute to lay out): the filters narrow them, the CSV download has them all."""


@dataclass(frozen=True)
class PurchaseView:
    rows: list[dict[str, Any]]
    """The orders kept by the filters, release week then supplier and item."""
    matching: int
    """Orders the filters keep (`rows` may hold only the first `SHOWN` of them)."""
    total: int
    """Orders before filtering."""
    suppliers: list[str]
    statuses: list[str]
    supplier: str
    item: str
    status: str


def purchase_view(
    ref: str,
    db: str | None,
    supplier: str = "",
    item: str = "",
    status: str = "",
    limit: int | None = None,
) -> PurchaseView:
    """The stored plan's purchase orders (`evramp mrp NAME`), those of `supplier`, of items
    whose id holds `item`, of `status` (each filter left empty: all); the first `limit`."""
    from evramp.app import mrp

    kept = kept_plan(ref, None, db)
    orders = mrp(kept.scenario, result=kept.result).orders
    chosen = orders
    if supplier:
        chosen = chosen[chosen["supplier"] == supplier]
    if item:
        chosen = chosen[chosen["item"].str.contains(item, case=False, regex=False)]
    if status:
        chosen = chosen[chosen["status"] == status]
    matching = len(chosen)
    chosen = chosen if limit is None else chosen.head(limit)
    rows = _records(
        chosen.assign(
            release_week=chosen["release_week"].astype(str).str.slice(0, 10),
            receipt_week=chosen["receipt_week"].astype(str).str.slice(0, 10),
        )
    )
    return PurchaseView(
        rows=rows,
        matching=matching,
        total=len(orders),
        suppliers=sorted(orders["supplier"].unique()),
        statuses=sorted(orders["status"].unique()),
        supplier=supplier,
        item=item,
        status=status,
    )
