"""The plan in the planner's words: tables of builds, purchases, stock, deliveries and backlog.

This is the one place where LP columns and rows are mapped back to items, shops, suppliers and
orders; nothing after it knows about the matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from evramp.model.buckets import (
    BucketKind,
    bucket_adjective,
    bucket_label,
    bucket_noun,
    bucket_year,
)
from evramp.plan.allocate import TOLERANCE, allocate
from evramp.plan.basis import NO_BASES, WarmStart
from evramp.plan.index import PlanData
from evramp.plan.layout import FloatArray, IntArray, delay
from evramp.plan.level import Levelling
from evramp.plan.lp import release_capacity
from evramp.plan.objective import cost_breakdown


@dataclass(frozen=True)
class ModelSize:
    rows: int
    columns: int
    nonzeros: int
    free_parts: int = 0
    """Parts planned just in time outside the LP because their supply can never bind."""
    classes: int = 0
    """Demand classes: the orders the LP sees as one (docs/planning-model.md)."""


@dataclass(frozen=True)
class Verdict:
    """What the solver said of the plan."""

    status: str
    objective: float
    gap: float = 0.0
    """Relative distance to the best bound; 0 for an optimal LP, above 0 for a MIP stopped early."""
    integer: bool = False
    levelling: Levelling | None = None
    bases: WarmStart = NO_BASES
    warm: str = ""


DateArray = npt.NDArray[np.datetime64]
DATE_DTYPE: Final = "datetime64[s]"
"""The dtype of every date column (pandas' `datetime64[s]`: days as far as year 9999)."""


@dataclass(frozen=True)
class PlanResult:
    """What `evramp.plan` returns: the solver's verdict and the plan as DataFrames.

    Time is in the calendar's buckets (`bucket`: day, week or month). A bucket is given by the
    date of its first day (a Monday for weeks), as a real date (`datetime64`) in columns named
    `week` whatever the bucket (`release_week`, `finish_week`, `due`, `last_delivery`;
    `weeks_late` counts buckets); `tables()` names them after the bucket (`day`, `months_late`,
    ...) for the CSV files, which give dates as ISO text (2024-01-01).

    Years: every table with a `week` column has a `year` column, the year that bucket counts
    in: a week counts in the year of its Thursday (its ISO year; so 2024-12-30 counts in 2025
    and a year has 52 or 53 whole weeks), a day or a month in its own. These are the years of
    the CLI's "Vehicles per year": `result.output.groupby("year")["quantity"].sum()` is its
    `built` column. `.dt.year` of a week's Monday is not (it splits the weeks around New
    Year); for other date columns use `year_of` (`orders.groupby(result.year_of(orders["due"]))`).
    """

    scenario: str
    status: str
    objective: float
    gap: float
    integer: bool
    size: ModelSize
    seconds: dict[str, float]
    bucket_starts: list[str]
    """First day of each bucket as ISO text (2024-01-01); as dates: `dates`."""
    vehicle_shops: list[str]
    """Shops that vehicles themselves are routed through (final assembly, usually)."""
    # The columns of each table: COLUMNS below.
    builds: pd.DataFrame
    output: pd.DataFrame
    purchases: pd.DataFrame
    stock: pd.DataFrame
    deliveries: pd.DataFrame
    backlog: pd.DataFrame
    orders: pd.DataFrame
    capacity: pd.DataFrame
    supply: pd.DataFrame
    costs: dict[str, float]
    """The objective's terms: revenue, purchases, preference (the premium that keeps less
    preferred supplier lines last, 0 without supplier priorities), holding, lateness
    (priority-weighted), overtime and setups; objective = purchases + preference + holding +
    lateness + overtime + setups - revenue."""
    bucket: BucketKind = "week"
    """The planning bucket: `day`, `week` or `month`."""
    levelling: Levelling | None = None
    """What levelling the mix did (plan/level.py); None when the plan was not levelled."""
    bases: WarmStart = NO_BASES
    """The solver's final bases (an LP), kept with the plan so that a re-plan starts from them."""
    warm: str = ""
    """How the solve started: '' cold, 'used' from the previous plan's basis, else why not."""
    as_of: str = ""
    """A re-plan: the first day re-planned (ISO); '' for a plan from the start."""
    frozen: int = 0
    """A re-plan: buckets from `as_of` whose builds were held at the previous plan's."""

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

    @cached_property
    def dates(self) -> pd.DatetimeIndex:
        """First day of each bucket, as dates."""
        return pd.DatetimeIndex(
            np.asarray(self.bucket_starts, dtype="datetime64[D]").astype(DATE_DTYPE)
        )

    def index_of(self, dates: pd.Series | pd.Index | DateArray) -> npt.NDArray[np.int64]:
        """Bucket number (0 for the first) of each date of a date column of this plan."""
        values = np.asarray(dates, dtype=DATE_DTYPE)
        found = np.searchsorted(self.dates.to_numpy(), values)
        inside = found < len(self.bucket_starts)
        if not (
            inside
            & (self.dates.to_numpy()[np.minimum(found, len(self.bucket_starts) - 1)] == values)
        ).all():
            raise ValueError("not the first day of a bucket of this plan")
        return found.astype(np.int64)

    def iso(self, dates: pd.Series | pd.Index | DateArray) -> npt.NDArray[np.object_]:
        """Each date of a date column as ISO text (the `weeks` entry), None where missing."""
        values = np.asarray(dates, dtype=DATE_DTYPE)
        known = ~np.isnat(values)
        text = np.full(len(values), None, dtype=object)
        text[known] = np.asarray(self.bucket_starts, dtype=object)[self.index_of(values[known])]
        return text

    def year_of(self, dates: pd.Series) -> pd.Series:
        """The year each date's bucket counts in (see the class docstring), for grouping;
        missing (<NA>) where the date is (an order never last_delivery)."""
        known = dates.notna().to_numpy()
        values = np.zeros(len(dates), dtype=np.int64)
        values[known] = bucket_years(self.bucket_starts, self.bucket)[self.index_of(dates[known])]
        return pd.Series(pd.arrays.IntegerArray(values, ~known), index=dates.index, name="year")

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables written to `plan/*.csv`, their time columns named after the bucket."""
        frames = {
            "builds": self.builds,
            "output": self.output,
            "purchases": self.purchases,
            "stock": self.stock,
            "deliveries": self.deliveries,
            "backlog": self.backlog,
            "orders": self.orders,
            "capacity": self.capacity,
            "supply": self.supply,
        }
        return {name: bucket_columns(frame, self.bucket) for name, frame in frames.items()}


COLUMNS: dict[str, tuple[str, ...]] = {
    "builds": (
        "item", "shop", "week", "year", "quantity", "jobs", "setup_jobs", "finish_week"
    ),
    "output": ("variant", "week", "year", "quantity"),
    "purchases": ("supplier", "item", "release_week", "receipt_week", "quantity", "cost"),
    "stock": ("item", "week", "year", "quantity"),
    "deliveries": ("order", "variant", "kind", "week", "year", "quantity"),
    "backlog": ("order", "variant", "kind", "week", "year", "quantity"),
    "orders": (
        "order", "variant", "kind", "priority", "quantity", "due", "on_time", "delivered",
        "last_delivery", "weeks_late",
    ),
    "capacity": (
        "shop", "week", "year", "capacity", "load", "overtime_hours", "overtime_jobs",
        "shadow_price",
    ),
    "supply": ("supplier", "item", "week", "year", "capacity", "received", "shadow_price"),
}  # fmt: skip
"""The columns of each table of a plan, in order (`builds` is `result.builds`, and
`plan/builds.csv` with the time columns named after the bucket). `week` and the `*_week`,
`due` and `last_delivery` columns are dates; `year` is the year of `week` by the rule above."""


def bucket_years(weeks: Sequence[str], bucket: str) -> npt.NDArray[np.int64]:
    """The year each bucket (by its first day) counts in: `bucket_year` of each."""
    return np.array([bucket_year(week, bucket) for week in weeks], dtype=np.int64)


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
    deliver: FloatArray  # (C, T) vehicles delivered per class
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
    demand = _demand(data, arrays.deliver)
    return PlanResult(
        scenario=name,
        status=verdict.status,
        objective=verdict.objective,
        gap=verdict.gap,
        integer=verdict.integer,
        size=size,
        seconds=seconds,
        bucket_starts=data.bucket_starts,
        vehicle_shops=_vehicle_shops(data),
        builds=_builds(data, arrays.build, arrays.setup),
        output=_output(data, arrays.build),
        purchases=_purchases(data, arrays.buy),
        stock=_stock(data, arrays.stock),
        capacity=_capacity(data, arrays),
        supply=_supply(data, arrays),
        costs=_costs(data, arrays),
        bucket=data.bucket,
        levelling=verdict.levelling,
        bases=verdict.bases,
        warm=verdict.warm,
        deliveries=demand["deliveries"],
        backlog=demand["backlog"],
        orders=demand["orders"],
    )


def _costs(data: PlanData, arrays: PlanArrays) -> dict[str, float]:
    backlog = np.cumsum(data.demand.due, axis=1) - np.cumsum(arrays.deliver, axis=1)
    values = {
        "build": arrays.build,
        "buy": arrays.buy,
        "stock": arrays.stock,
        "deliver": arrays.deliver,
        "backlog": np.maximum(backlog, 0.0),
        "overtime": arrays.overtime,
        "setup": arrays.setup,
    }
    return cost_breakdown(data, values)


def _vehicle_shops(data: PlanData) -> list[str]:
    vehicle_made = {m for m, i in enumerate(data.made.item) if data.items.kind[i] == "vehicle"}
    shops = {
        int(s)
        for m, s in zip(data.routings.made, data.routings.shop, strict=True)
        if m in vehicle_made
    }
    return [data.shops.ids[s] for s in sorted(shops)]


def _weeks(data: PlanData, week: IntArray) -> DateArray:
    """The first day of each bucket `week`, as dates."""
    return np.asarray(data.bucket_starts, dtype="datetime64[D]").astype(DATE_DTYPE)[week]


def _years(data: PlanData, week: IntArray) -> npt.NDArray[np.int64]:
    return bucket_years(data.bucket_starts, data.bucket)[week]


def _builds(data: PlanData, build: FloatArray, setup: FloatArray) -> pd.DataFrame:
    routing, week = np.nonzero(build[data.routings.made] > 0)
    made = data.routings.made[routing]
    quantity = build[made, week]
    available = week + data.made.lead_time[made]
    return pd.DataFrame(
        {
            "item": np.asarray(data.items.ids, dtype=object)[data.made.item[made]],
            "shop": np.asarray(data.shops.ids, dtype=object)[data.routings.shop[routing]],
            "week": _weeks(data, week),
            "year": _years(data, week),
            "quantity": quantity,
            "jobs": quantity * data.routings.jobs[routing],
            "setup_jobs": setup[routing, week] * data.routings.setup_time[routing],
            "finish_week": _weeks(data, np.minimum(available, data.bucket_count - 1)),
        }
    )


def _output(data: PlanData, build: FloatArray) -> pd.DataFrame:
    """Vehicles built per variant and bucket (a build is done its lead time after its start)."""
    vehicles = [m for m, i in enumerate(data.made.item) if data.items.kind[i] == "vehicle"]
    completed = delay(build[vehicles], data.made.lead_time[vehicles])
    variant, week = np.nonzero(completed > 0)
    ids = np.asarray(data.items.ids, dtype=object)[
        data.made.item[np.asarray(vehicles, dtype=np.int64)]
    ]
    return pd.DataFrame(
        {
            "variant": ids[variant],
            "week": _weeks(data, week),
            "year": _years(data, week),
            "quantity": completed[variant, week],
        }
    )


def _purchases(data: PlanData, buy: FloatArray) -> pd.DataFrame:
    line, week = np.nonzero(buy > 0)
    quantity = buy[line, week]
    return pd.DataFrame(
        {
            "supplier": np.asarray(data.lines.supplier, dtype=object)[line],
            "item": np.asarray(data.items.ids, dtype=object)[data.lines.item[line]],
            "release_week": _weeks(data, week),
            "receipt_week": _weeks(data, week + data.lines.lead_time[line]),
            "quantity": quantity,
            "cost": quantity * data.lines.price[line],
        }
    )


def _stock(data: PlanData, stock: FloatArray) -> pd.DataFrame:
    item, week = np.nonzero(stock > 0)
    return pd.DataFrame(
        {
            "item": np.asarray(data.items.ids, dtype=object)[item],
            "week": _weeks(data, week),
            "year": _years(data, week),
            "quantity": stock[item, week],
        }
    )


def _capacity(data: PlanData, arrays: PlanArrays) -> pd.DataFrame:
    """Each shop's capacity, load and shadow price (objective gained per extra job) by week."""
    shops, weeks = len(data.shops.ids), data.bucket_count
    load = np.zeros((shops, weeks))
    np.add.at(
        load, data.routings.shop, arrays.build[data.routings.made] * data.routings.jobs[:, None]
    )
    np.add.at(load, data.routings.shop, arrays.setup * data.routings.setup_time[:, None])
    shop, week = np.divmod(np.arange(shops * weeks), weeks)
    return pd.DataFrame(
        {
            "shop": np.asarray(data.shops.ids, dtype=object)[shop],
            "week": _weeks(data, week),
            "year": _years(data, week),
            "capacity": arrays.shop_capacity.ravel(),
            "load": load.ravel(),
            "overtime_hours": arrays.overtime.ravel(),
            "overtime_jobs": (arrays.overtime * data.shops.overtime_jobs_per_hour).ravel(),
            "shadow_price": arrays.shop_shadow.ravel(),
        }
    )


def _supply(data: PlanData, arrays: PlanArrays) -> pd.DataFrame:
    """Deliveries of each supplier line against its capacity (empty when unlimited), by arrival
    week, with the shadow price of one more unit where the line supplies at its capacity."""
    buy = arrays.buy
    at_limit = buy >= release_capacity(data) - 1e-6
    shadow = np.where(at_limit & (arrays.buy_shadow > TOLERANCE), arrays.buy_shadow, 0.0)
    received = delay(buy, data.lines.lead_time)
    marginal = delay(shadow, data.lines.lead_time)
    line, week = np.divmod(np.arange(buy.size), data.bucket_count)
    capacity = data.lines.capacity.ravel()
    return pd.DataFrame(
        {
            "supplier": np.asarray(data.lines.supplier, dtype=object)[line],
            "item": np.asarray(data.items.ids, dtype=object)[data.lines.item[line]],
            "week": _weeks(data, week),
            "year": _years(data, week),
            "capacity": np.where(np.isfinite(capacity), capacity, np.nan),
            "received": received.ravel(),
            "shadow_price": marginal.ravel(),
        }
    )


def _demand(data: PlanData, deliver: FloatArray) -> dict[str, pd.DataFrame]:
    orders = data.demand.orders
    split = allocate(orders, deliver)
    ids = np.asarray(orders.ids, dtype=object)
    kinds = np.asarray(orders.kind, dtype=object)
    variant = np.asarray(data.items.ids, dtype=object)[data.demand.variant[orders.klass]]
    last_delivery = split.last_delivery
    late = np.where(last_delivery >= 0, np.maximum(last_delivery - orders.due, 0), -1)

    def lines(order: IntArray, week: IntArray, quantity: FloatArray) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "order": ids[order],
                "variant": variant[order],
                "kind": kinds[order],
                "week": _weeks(data, week),
                "year": _years(data, week),
                "quantity": quantity,
            }
        )

    return {
        "deliveries": lines(split.deliver_order, split.deliver_week, split.deliver_quantity),
        "backlog": lines(split.backlog_order, split.backlog_week, split.backlog_quantity),
        "orders": pd.DataFrame(
            {
                "order": ids,
                "variant": variant,
                "kind": kinds,
                "priority": data.demand.priority[orders.klass],
                "quantity": orders.quantity,
                "due": _weeks(data, orders.due),
                "on_time": split.on_time,
                "delivered": split.delivered,
                "last_delivery": np.where(
                    last_delivery >= 0,
                    _weeks(data, np.maximum(last_delivery, 0)),
                    np.datetime64("NaT"),
                ),
                "weeks_late": np.where(late >= 0, late, np.nan),
            }
        ),
    }
