"""The plan in the planner's words: tables of builds, purchases, stock, shipments and backlog.

This is the one place where LP columns and rows are mapped back to items, shops, suppliers and
orders; nothing after it knows about the matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evramp.model.buckets import BucketKind, bucket_adjective, bucket_label, bucket_noun
from evramp.plan.allocate import TOLERANCE, allocate
from evramp.plan.index import PlanData
from evramp.plan.layout import FloatArray, IntArray, delay
from evramp.plan.lp import release_capacity


@dataclass(frozen=True)
class ModelSize:
    rows: int
    columns: int
    nonzeros: int
    free_parts: int = 0
    """Parts planned just in time outside the LP because their supply can never bind."""


@dataclass(frozen=True)
class Verdict:
    """What the solver said of the plan."""

    status: str
    objective: float
    gap: float = 0.0
    """Relative distance to the best bound; 0 for an optimal LP, above 0 for a MIP stopped early."""
    integer: bool = False


@dataclass(frozen=True)
class PlanResult:
    """What `evramp.plan` returns: the solver's verdict and the plan as DataFrames.

    Time is in the calendar's buckets (`bucket`: day, week or month). A bucket is given by the
    ISO date of its first day, in columns named `week` whatever the bucket (`release_week`,
    `weeks_late`: buckets late, ...); `tables()` names them after the bucket (`day`,
    `months_late`, ...) for the CSV files.
    """

    scenario: str
    status: str
    objective: float
    gap: float
    integer: bool
    size: ModelSize
    seconds: dict[str, float]
    weeks: list[str]
    """First day (ISO date) of each bucket."""
    vehicle_shops: list[str]
    """Shops that vehicles themselves are routed through (final assembly, usually)."""
    builds: pd.DataFrame  # item, shop, week, quantity, jobs, setup_jobs, available_week
    output: pd.DataFrame  # variant, week, quantity: vehicles completed
    purchases: pd.DataFrame  # supplier, item, release_week, receipt_week, quantity, cost
    stock: pd.DataFrame  # item, week, quantity (end of week; zero rows left out)
    shipments: pd.DataFrame  # demand, variant, kind, week, quantity
    backlog: pd.DataFrame  # demand, variant, kind, week, quantity (due and not shipped)
    orders: pd.DataFrame  # one row per demand line with shipped, on time and lateness
    capacity: (
        pd.DataFrame
    )  # shop, week, capacity, load, overtime_hours, overtime_jobs, shadow_price
    supply: pd.DataFrame  # supplier, item, week, capacity, received, shadow_price
    costs: dict[str, float]
    """The objective's terms: revenue, purchases, preference (the premium that keeps less
    preferred supplier lines last, 0 without supplier priorities), holding, lateness
    (priority-weighted), overtime and setups; objective = purchases + preference + holding +
    lateness + overtime + setups - revenue."""
    bucket: BucketKind = "week"
    """The planning bucket: `day`, `week` or `month`."""

    @property
    def optimal(self) -> bool:
        return self.status == "Optimal"

    def label(self, week: str) -> str:
        """The name of the bucket starting on `week`: `2024-05-02`, `2024-W18` or `2024-05`."""
        return bucket_label(week, self.bucket)

    def noun(self, count: float = 1) -> str:
        """`day`, `week` or `month`, plural unless `count` is 1."""
        return bucket_noun(self.bucket, count)

    @property
    def adjective(self) -> str:
        """`daily`, `weekly` or `monthly`."""
        return bucket_adjective(self.bucket)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables written to `plan/*.csv`, their time columns named after the bucket."""
        frames = {
            "builds": self.builds,
            "output": self.output,
            "purchases": self.purchases,
            "stock": self.stock,
            "shipments": self.shipments,
            "backlog": self.backlog,
            "orders": self.orders,
            "capacity": self.capacity,
            "supply": self.supply,
        }
        return {name: bucket_columns(frame, self.bucket) for name, frame in frames.items()}


def bucket_columns(frame: pd.DataFrame, bucket: str) -> pd.DataFrame:
    """`frame` with its time columns named after the bucket: `week` becomes `day` or `month`,
    `release_week` `release_day`, `weeks_late` `months_late` (unchanged for weeks)."""
    if bucket == "week":
        return frame
    return frame.rename(columns={c: c.replace("week", bucket) for c in frame.columns})


@dataclass(frozen=True)
class PlanArrays:
    """The optimal solution in the scenario's own index space, free parts included."""

    build: FloatArray  # (M, T) units started
    buy: FloatArray  # (L, T) units released
    stock: FloatArray  # (I, T) end-of-week stock
    ship: FloatArray  # (C, T) vehicles shipped per class
    shop_capacity: FloatArray  # (S, T) jobs per week, learning curves included
    overtime: FloatArray  # (S, T) overtime hours
    setup: FloatArray  # (R, T) 1 where a routing is set up that week (integer mode)
    shop_shadow: FloatArray  # (S, T) objective gained per extra job
    buy_shadow: FloatArray  # (L, T) objective gained per extra unit released


def extract(
    name: str,
    data: PlanData,
    arrays: PlanArrays,
    size: ModelSize,
    verdict: Verdict,
    seconds: dict[str, float],
) -> PlanResult:
    return PlanResult(
        scenario=name,
        status=verdict.status,
        objective=verdict.objective,
        gap=verdict.gap,
        integer=verdict.integer,
        size=size,
        seconds=seconds,
        weeks=data.week_start,
        vehicle_shops=_vehicle_shops(data),
        builds=_builds(data, arrays.build, arrays.setup),
        output=_output(data, arrays.build),
        purchases=_purchases(data, arrays.buy),
        stock=_stock(data, arrays.stock),
        capacity=_capacity(data, arrays),
        supply=_supply(data, arrays),
        costs=_costs(data, arrays),
        bucket=data.bucket,
        **_demand(data, arrays.ship),
    )


def _costs(data: PlanData, arrays: PlanArrays) -> dict[str, float]:
    backlog = np.cumsum(data.demand.due, axis=1) - np.cumsum(arrays.ship, axis=1)
    late = np.maximum(backlog, 0.0) * data.bucket_weeks  # vehicle-weeks per bucket
    return {
        "revenue": float(data.demand.price @ arrays.ship.sum(axis=1)),
        "purchases": float(data.line_price @ arrays.buy.sum(axis=1)),
        "preference": float(data.line_premium @ arrays.buy.sum(axis=1)),
        "holding": float(data.holding_cost @ (arrays.stock * data.bucket_weeks).sum(axis=1)),
        "lateness": float(data.demand.penalty @ late.sum(axis=1)),
        "overtime": float(data.overtime_cost @ arrays.overtime.sum(axis=1)),
        "setups": float(data.routing_setup_cost @ arrays.setup.sum(axis=1)),
    }


def _vehicle_shops(data: PlanData) -> list[str]:
    vehicle_made = {m for m, i in enumerate(data.made_item) if data.item_kind[i] == "vehicle"}
    shops = {
        int(s)
        for m, s in zip(data.routing_made, data.routing_shop, strict=True)
        if m in vehicle_made
    }
    return [data.shop_ids[s] for s in sorted(shops)]


def _weeks(data: PlanData, week: IntArray) -> np.ndarray:
    return np.asarray(data.week_start, dtype=object)[week]


def _builds(data: PlanData, build: FloatArray, setup: FloatArray) -> pd.DataFrame:
    routing, week = np.nonzero(build[data.routing_made] > 0)
    made = data.routing_made[routing]
    quantity = build[made, week]
    available = week + data.made_lead_time[made]
    return pd.DataFrame(
        {
            "item": np.asarray(data.item_ids, dtype=object)[data.made_item[made]],
            "shop": np.asarray(data.shop_ids, dtype=object)[data.routing_shop[routing]],
            "week": _weeks(data, week),
            "quantity": quantity,
            "jobs": quantity * data.routing_jobs[routing],
            "setup_jobs": setup[routing, week] * data.routing_setup_time[routing],
            "available_week": _weeks(data, np.minimum(available, data.weeks - 1)),
        }
    )


def _output(data: PlanData, build: FloatArray) -> pd.DataFrame:
    """Vehicles completed per variant and week (a build completes after its lead time)."""
    vehicles = [m for m, i in enumerate(data.made_item) if data.item_kind[i] == "vehicle"]
    completed = delay(build[vehicles], data.made_lead_time[vehicles])
    variant, week = np.nonzero(completed > 0)
    ids = np.asarray(data.item_ids, dtype=object)[
        data.made_item[np.asarray(vehicles, dtype=np.int64)]
    ]
    return pd.DataFrame(
        {
            "variant": ids[variant],
            "week": _weeks(data, week),
            "quantity": completed[variant, week],
        }
    )


def _purchases(data: PlanData, buy: FloatArray) -> pd.DataFrame:
    line, week = np.nonzero(buy > 0)
    quantity = buy[line, week]
    return pd.DataFrame(
        {
            "supplier": np.asarray(data.line_supplier, dtype=object)[line],
            "item": np.asarray(data.item_ids, dtype=object)[data.line_item[line]],
            "release_week": _weeks(data, week),
            "receipt_week": _weeks(data, week + data.line_lead_time[line]),
            "quantity": quantity,
            "cost": quantity * data.line_price[line],
        }
    )


def _stock(data: PlanData, stock: FloatArray) -> pd.DataFrame:
    item, week = np.nonzero(stock > 0)
    return pd.DataFrame(
        {
            "item": np.asarray(data.item_ids, dtype=object)[item],
            "week": _weeks(data, week),
            "quantity": stock[item, week],
        }
    )


def _capacity(data: PlanData, arrays: PlanArrays) -> pd.DataFrame:
    """Each shop's capacity, load and shadow price (objective gained per extra job) by week."""
    shops, weeks = len(data.shop_ids), data.weeks
    load = np.zeros((shops, weeks))
    np.add.at(load, data.routing_shop, arrays.build[data.routing_made] * data.routing_jobs[:, None])
    np.add.at(load, data.routing_shop, arrays.setup * data.routing_setup_time[:, None])
    shop, week = np.divmod(np.arange(shops * weeks), weeks)
    return pd.DataFrame(
        {
            "shop": np.asarray(data.shop_ids, dtype=object)[shop],
            "week": _weeks(data, week),
            "capacity": arrays.shop_capacity.ravel(),
            "load": load.ravel(),
            "overtime_hours": arrays.overtime.ravel(),
            "overtime_jobs": (arrays.overtime * data.overtime_jobs_per_hour).ravel(),
            "shadow_price": arrays.shop_shadow.ravel(),
        }
    )


def _supply(data: PlanData, arrays: PlanArrays) -> pd.DataFrame:
    """Deliveries of each supplier line against its capacity (empty when unlimited), by arrival
    week, with the shadow price of one more unit where the line delivers at its capacity."""
    buy = arrays.buy
    at_limit = buy >= release_capacity(data) - 1e-6
    shadow = np.where(at_limit & (arrays.buy_shadow > TOLERANCE), arrays.buy_shadow, 0.0)
    received = delay(buy, data.line_lead_time)
    marginal = delay(shadow, data.line_lead_time)
    line, week = np.divmod(np.arange(buy.size), data.weeks)
    capacity = data.line_capacity.ravel()
    return pd.DataFrame(
        {
            "supplier": np.asarray(data.line_supplier, dtype=object)[line],
            "item": np.asarray(data.item_ids, dtype=object)[data.line_item[line]],
            "week": _weeks(data, week),
            "capacity": np.where(np.isfinite(capacity), capacity, np.nan),
            "received": received.ravel(),
            "shadow_price": marginal.ravel(),
        }
    )


def _demand(data: PlanData, ship: FloatArray) -> dict[str, pd.DataFrame]:
    orders = data.demand.orders
    split = allocate(orders, ship)
    ids = np.asarray(orders.ids, dtype=object)
    kinds = np.asarray(orders.kind, dtype=object)
    variant = np.asarray(data.item_ids, dtype=object)[data.demand.variant[orders.klass]]
    finished = split.finished
    late = np.where(finished >= 0, np.maximum(finished - orders.due, 0), -1)

    def lines(order: IntArray, week: IntArray, quantity: FloatArray) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "demand": ids[order],
                "variant": variant[order],
                "kind": kinds[order],
                "week": _weeks(data, week),
                "quantity": quantity,
            }
        )

    return {
        "shipments": lines(split.ship_order, split.ship_week, split.ship_quantity),
        "backlog": lines(split.backlog_order, split.backlog_week, split.backlog_quantity),
        "orders": pd.DataFrame(
            {
                "demand": ids,
                "variant": variant,
                "kind": kinds,
                "priority": data.demand.priority[orders.klass],
                "quantity": orders.quantity,
                "due": _weeks(data, orders.due),
                "on_time": split.on_time,
                "shipped": split.shipped,
                "finished": [data.week_start[w] if w >= 0 else None for w in finished],
                "weeks_late": np.where(late >= 0, late, np.nan),
            }
        ),
    }
