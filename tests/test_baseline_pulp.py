"""The PuLP baseline of benchmarks/baseline_pulp.py writes the same LP as `build_lp`: the same
optimum as `plan()` to 1e-6 relative, on the default scenario, on a hand plant with every
constraint family in each bucket size, and on random plants.

`benchmarks` is not a package: pytest puts it on the path (`pythonpath` in pyproject.toml).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import baseline_pulp
import evramp
from evramp.model import (
    BomLine,
    Inventory,
    Item,
    Receipt,
    Routing,
    Scenario,
    Shutdown,
    Supplier,
    SupplierCapacity,
)
from evramp.plan import NOT_LEVELLED, PlanResult
from evramp.plan.lp import build_lp
from tests.factory import calendar, learning_ramp, one_car_one_shop, order, shop, week
from tests.test_invariants import plants


def assert_same_optimum(scenario: Scenario, result: PlanResult | None = None) -> None:
    """PuLP's optimum is plan()'s; its model has the same columns and rows, but for the free
    rows and the columns that appear nowhere (see the module's docstring)."""
    result = result or evramp.plan(scenario, level=NOT_LEVELLED)
    # A levelled plan's optimum is its first stage's: the LP PuLP models.
    optimum = result.levelling.objective_before if result.levelling else result.objective
    data = baseline_pulp.planning_data(scenario)
    problem = baseline_pulp.build_pulp(data)
    objective = baseline_pulp.solve_pulp(problem)
    assert baseline_pulp.relative_difference(objective, optimum) <= 1e-6, (objective, optimum)
    lp = build_lp(data)
    free_rows = np.isinf(lp.row_lower) & np.isinf(lp.row_upper)
    used = (abs(lp.matrix).sum(axis=0) > 0) | (lp.cost != 0)
    assert problem.numConstraints() == lp.shape[0] - int(free_rows.sum())
    assert len(problem.variables()) == int(used.sum())


def test_the_default_scenario_has_the_same_optimum(
    default_scenario: Scenario, default_plan: PlanResult
) -> None:
    assert_same_optimum(default_scenario, default_plan)


def everything(bucket: str) -> Scenario:
    """A car with a battery pack of cells: a learning curve with trial production in assembly,
    overtime in the battery shop and a shutdown of it, a cell quota and a capacity profile,
    a second-choice supplier, stock and receipts, priorities and lateness limits."""
    ga = shop("GA", 100.0)
    battery = shop("BAT", 20.0).model_copy(update={"overtime_hours": 8.0, "overtime_cost": 5.0})
    ramp = learning_ramp(0.8, 400.0, 10.0).model_copy(
        update={"trial_rate": 20.0, "trial_start": week(0), "sop": week(2)}
    )
    demand = (
        order("PROMISED", 60, 5).model_copy(update={"max_weeks_late": 3}),
        order("ON-TIME", 10, 8).model_copy(update={"max_weeks_late": 0}),
        order("FLEET", 200, 4, priority=2, penalty=2.0, price=900.0),
        order("FORECAST", 120, 7, priority=3, penalty=0.0, kind="forecast"),
    )
    return one_car_one_shop(
        weeks=12,
        calendar=calendar(
            12, [Shutdown(name="retool", start=week(4), weeks=1, shops=("BAT",))]
        ).model_copy(update={"bucket": bucket}),
        items=(
            Item(id="CAR", kind="vehicle", holding_cost=5.0),
            Item(id="PACK", kind="assembly"),
            Item(id="CELL", kind="part", holding_cost=0.05),
            Item(id="BOLT", kind="part"),
        ),
        bom=(
            BomLine(parent="CAR", child="PACK", quantity=1.0),
            BomLine(parent="CAR", child="BOLT", quantity=20.0),
            BomLine(parent="PACK", child="CELL", quantity=4.0, yield_=0.9),
        ),
        shops=(ga, battery),
        routings=(
            Routing(item="CAR", shop="GA", lead_time=1),
            Routing(item="PACK", shop="BAT", jobs_per_unit=0.5, lead_time=1),
        ),
        suppliers=(
            Supplier(
                supplier="CATL", item="CELL", capacity=300, lead_time=1, price=10.0, share=0.3
            ),
            Supplier(supplier="BYD", item="CELL", lead_time=2, price=8.0),
            Supplier(supplier="SPARE", item="CELL", lead_time=0, price=9.0, priority=2),
            Supplier(supplier="FASTENAL", item="BOLT", lead_time=0, price=0.1),
        ),
        supplier_capacity=(
            SupplierCapacity(supplier="CATL", item="CELL", start=week(6), capacity=500),
        ),
        inventory=(Inventory(item="CELL", on_hand=150), Inventory(item="PACK", on_hand=80)),
        receipts=(Receipt(item="CELL", due=week(2), quantity=200),),
        demand=demand,
        ramps=(ramp,),
    )


@pytest.mark.parametrize("bucket", ["week", "day", "month"])
def test_a_plant_with_every_constraint_family_has_the_same_optimum(bucket: str) -> None:
    scenario = everything(bucket)
    assert evramp.validate(scenario) == []
    data = baseline_pulp.planning_data(scenario)
    assert len(data.learning) and (data.demand.max_late >= 0).any()
    assert (data.lines.share > 0).any() and (data.shops.overtime_hours > 0).any()
    assert_same_optimum(scenario)


@settings(
    max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(plants())
def test_random_plants_have_the_same_optimum(scenario: Scenario) -> None:
    """A fixed set of examples (quotas, overtime, shutdowns, supplier priorities; the learning
    curves are the default scenario's and the hand plant's)."""
    assert_same_optimum(scenario)
