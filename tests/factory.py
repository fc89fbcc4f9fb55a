"""Small scenarios built in code, for cases a planner can compute by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from evramp.model import (
    BomLine,
    Calendar,
    Item,
    Order,
    Ramp,
    Routing,
    Scenario,
    Shop,
    Shutdown,
)

START = dt.date(2024, 1, 1)  # a Monday
HOURS_PER_WEEK = 40.0  # one 8-hour shift, five days, availability 1


def week(n: int) -> dt.date:
    """The Monday of week `n` of the plan."""
    return START + dt.timedelta(weeks=n)


def shop(shop_id: str = "GA", jobs_per_week: float = 100.0) -> Shop:
    """A shop with one 8-hour shift, five days a week, full availability."""
    return Shop(
        id=shop_id,
        rate=jobs_per_week / HOURS_PER_WEEK,
        shifts_per_day=1,
        days_per_week=5,
        availability=1.0,
    )


def order(
    order_id: str,
    quantity: float,
    due_week: int,
    *,
    variant: str = "CAR",
    priority: int = 1,
    price: float = 1000.0,
    penalty: float = 10.0,
    kind: str = "firm",
) -> Order:
    return Order(
        id=order_id,
        variant=variant,
        quantity=quantity,
        due=week(due_week),
        priority=priority,
        price=price,
        lateness_penalty=penalty,
        kind=kind,
    )


def calendar(weeks: int, shutdowns: Iterable[Shutdown] = ()) -> Calendar:
    return Calendar(first_week=START, horizon_weeks=weeks, shutdowns=tuple(shutdowns))


def one_car_one_shop(
    weeks: int = 8,
    jobs_per_week: float = 100.0,
    demand: Iterable[Order] | None = None,
    **changes: object,
) -> Scenario:
    """One vehicle made in one shop, with no parts: output is limited by the shop alone."""
    lines = tuple(demand) if demand is not None else (order("O1", 10 * jobs_per_week * weeks, 0),)
    fields: dict[str, object] = {
        "name": "one car, one shop",
        "calendar": calendar(weeks),
        "items": (Item(id="CAR", kind="vehicle"),),
        "bom": (),
        "shops": (shop("GA", jobs_per_week),),
        "routings": (Routing(item="CAR", shop="GA"),),
        "suppliers": (),
        "demand": lines,
    }
    fields.update(changes)
    return Scenario(**fields)  # type: ignore[arg-type]


def car_and_component(
    weeks: int,
    component: str = "BODY",
    component_shop: str = "BODYSHOP",
    lead_time: int = 0,
    **changes: object,
) -> Scenario:
    """A vehicle made in GA from one component (one per car) made in a second shop, both
    shops at 100 jobs a week: a two-level plant, output limited by the slower shop."""
    plant: dict[str, object] = {
        "items": (Item(id="CAR", kind="vehicle"), Item(id=component, kind="assembly")),
        "bom": (BomLine(parent="CAR", child=component, quantity=1),),
        "shops": (shop("GA", 100.0), shop(component_shop, 100.0)),
        "routings": (
            Routing(item="CAR", shop="GA"),
            Routing(item=component, shop=component_shop, lead_time=lead_time),
        ),
    }
    return one_car_one_shop(weeks=weeks, **(plant | changes))  # type: ignore[arg-type]


def learning_ramp(rate: float, full_volume: float, start_volume: float) -> Ramp:
    """Shop GA on a learning curve from the first week, no trial production."""
    return Ramp(
        shop="GA",
        trial_start=START,
        trial_rate=0.0,
        sop=START,
        curve="learning",
        learning_rate=rate,
        full_volume=full_volume,
        start_volume=start_volume,
    )
