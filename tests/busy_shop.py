"""A shop that makes eight cars with setup times and costs (a capacitated lot-sizing model):
HiGHS has an integer plan within a fraction of a second and goes on searching for minutes, so
a Ctrl-C or a time limit always meets a MIP that is running and has a plan."""

from __future__ import annotations

import numpy as np

from evramp.model import Item, Routing, Scenario
from evramp.plan.index import compile_scenario
from evramp.plan.lp import LinearProgram, build_lp
from tests.factory import one_car_one_shop, order


def busy_shop(cars: int = 8, weeks: int = 30, jobs_per_week: float = 110.0) -> Scenario:
    rng = np.random.default_rng(1)
    items = tuple(
        Item(id=f"C{i}", kind="vehicle", holding_cost=float(rng.integers(1, 5)))
        for i in range(cars)
    )
    routings = tuple(
        Routing(
            item=f"C{i}",
            shop="GA",
            setup_time=float(rng.integers(5, 15)),
            setup_cost=float(rng.integers(100, 400)),
        )
        for i in range(cars)
    )
    demand = tuple(
        order(f"C{i}-{w}", int(rng.integers(1, 20)), w, variant=f"C{i}", penalty=1e4)
        for i in range(cars)
        for w in range(weeks)
    )
    return one_car_one_shop(
        weeks=weeks, jobs_per_week=jobs_per_week, items=items, routings=routings, demand=demand
    )


def busy_shop_mip() -> LinearProgram:
    return build_lp(compile_scenario(busy_shop()), integer=True)
