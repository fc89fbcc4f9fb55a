"""The smallest amounts a scenario may hold: far enough above the planner's tolerance that the
plan's reported terms still add up to its objective.

The planner reads a solution value below 1e-6 as the solver's noise and sets it to 0 (plan
tables without 1e-12 rows). With amounts from 1e-6, a supplier capacity of 1e-6 a week is
1.4e-7 a day in daily buckets: the plan below bought and sold those, its objective counted
them (0.66), and its tables and cost terms left them out (terms 4.0: nothing bought, nothing
sold, the order all late). Amounts start at 1e-3, a thousand times the tolerance even per day.
"""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError

import evramp
from evramp.model import BomLine, Item, Routing, Scenario, Supplier
from evramp.model.ranges import AMOUNTS
from evramp.plan import PlanResult
from tests.factory import one_car_one_shop, order

SMALLEST = AMOUNTS.low


def scarce_part_plant(capacity: float, bucket: str = "week") -> Scenario:
    """A car of one part whose only supplier delivers `capacity` a week: the plant builds
    `capacity` cars a week, sold at 1,000,000 with parts at 100,000."""
    plant = one_car_one_shop(
        weeks=4,
        items=(Item(id="CAR", kind="vehicle"), Item(id="PART", kind="part")),
        bom=(BomLine(parent="CAR", child="PART", quantity=1),),
        routings=(Routing(item="CAR", shop="GA"),),
        suppliers=(Supplier(supplier="S", item="PART", capacity=capacity, price=100_000),),
        demand=(order("O1", 1, 0, price=1_000_000, penalty=0.0),),
    )
    return dataclasses.replace(plant, calendar=plant.calendar.model_copy(update={"bucket": bucket}))


def terms_total(result: PlanResult) -> float:
    costs = result.costs
    return sum(value for name, value in costs.items() if name != "revenue") - costs["revenue"]


def test_the_smallest_amount_is_a_thousand_times_the_planners_tolerance() -> None:
    assert SMALLEST == 1e-3


@pytest.mark.parametrize("bucket", ["day", "week", "month"])
def test_a_supplier_at_the_smallest_capacity_plans_and_its_terms_add_up(bucket: str) -> None:
    result = evramp.plan(scarce_part_plant(SMALLEST, bucket))
    bought = result.purchases["quantity"].sum()
    assert bought == pytest.approx(4 * SMALLEST, rel=0.1)  # 26 days from the first Monday
    assert result.output["quantity"].sum() == pytest.approx(bought)
    assert result.costs["purchases"] == pytest.approx(bought * 100_000)
    assert terms_total(result) == pytest.approx(result.objective, rel=1e-9)
    assert result.objective < -3_000  # some four thousandths of a car, worth 900 each


def test_a_capacity_below_the_smallest_amount_is_refused_with_its_range() -> None:
    with pytest.raises(ValidationError, match=r"must be 0 or from 0\.001 to 1e9"):
        scarce_part_plant(1e-6)
    with pytest.raises(evramp.ScenarioInvalid) as refused:
        evramp.load_scenario("yizhuang").with_changes({"suppliers.CATL:CELL-LFP.capacity": 1e-6})
    assert "capacity: must be 0 or from 0.001 to 1e9" in str(refused.value)
