"""MRP: the plan's net requirements become purchase orders in whole lots of at least the MOQ."""

from __future__ import annotations

import pytest

import evramp
from evramp.analysis.mrp import purchase_orders
from evramp.model import Receipt
from tests.factory import week
from tests.test_integer_mode import cell_plant


def test_lots_round_up_and_the_excess_covers_later_weeks() -> None:
    """30 cells a week for 4 weeks in lots of 40: 40 (10 left), 40 (20 left), 40 (30 left),
    then nothing: the fourth week's 30 come from what rounding brought."""
    scenario = cell_plant(lot_multiple=40)
    orders = purchase_orders(scenario, evramp.plan(scenario))
    assert orders["quantity"].tolist() == [40.0, 40.0, 40.0]
    assert orders["beyond_need"].tolist() == [10.0, 20.0, 30.0]
    assert orders["release_week"].dt.strftime("%Y-%m-%d").tolist() == [
        week(0).isoformat(),
        week(1).isoformat(),
        week(2).isoformat(),
    ]
    assert orders["purchase_order"].tolist() == ["PO-00001", "PO-00002", "PO-00003"]


def test_rounding_the_lp_plan_matches_the_integer_plan_here() -> None:
    scenario = cell_plant(lot_multiple=40)
    from_lp = purchase_orders(scenario, evramp.plan(scenario))
    from_mip = purchase_orders(scenario, evramp.plan(scenario, integer=True))
    assert from_lp["quantity"].tolist() == from_mip["quantity"].tolist()
    assert from_mip["beyond_need"].sum() == 0  # the integer plan already buys whole lots


def test_minimum_order_quantity() -> None:
    """MOQ 100, 30 a week: 100 in week 0 covers three weeks and 10 of the fourth; week 3 needs
    20 more and orders 100 again."""
    scenario = cell_plant(moq=100)
    orders = purchase_orders(scenario, evramp.plan(scenario))
    assert orders["quantity"].tolist() == [100.0, 100.0]
    assert orders["release_week"].dt.strftime("%Y-%m-%d").tolist() == [
        week(0).isoformat(),
        week(3).isoformat(),
    ]
    assert orders["cost"].tolist() == [100.0, 100.0]


def test_rounding_above_the_suppliers_capacity_is_flagged() -> None:
    scenario = cell_plant(lot_multiple=40, capacity=35)
    orders = purchase_orders(scenario, evramp.plan(scenario))
    assert orders["quantity"].tolist() == [40.0] * len(orders)
    assert orders["over_capacity"].all()


def test_firm_orders_are_listed_beside_the_planned_ones() -> None:
    scenario = cell_plant()
    scenario = type(scenario)(
        **{**scenario.__dict__, "receipts": (Receipt(item="CELL", due=week(1), quantity=50),)}
    )
    orders = purchase_orders(scenario, evramp.plan(scenario))
    firm = orders[orders["status"] == "firm"]
    assert firm["quantity"].tolist() == [50.0]
    planned = orders[orders["status"] == "planned"]
    # 120 needed, 50 already on order: 70 planned.
    assert planned["quantity"].sum() == pytest.approx(70.0)


def test_mrp_of_the_default_scenario_covers_every_requirement_within_a_lot(
    default_scenario: evramp.Scenario, default_plan: evramp.PlanResult
) -> None:
    """Per supplier line: what is ordered by each week covers what the plan needs by then, and
    in the end exceeds it by less than one lot (or the MOQ)."""
    orders = purchase_orders(default_scenario, default_plan)
    planned = orders[orders["status"] == "planned"]
    assert orders["purchase_order"].is_unique and (planned["quantity"] > 0).all()
    needs = default_plan.purchases
    for line in default_scenario.suppliers:
        mine = (needs["supplier"] == line.supplier) & (needs["item"] == line.item)
        required = needs[mine].groupby("release_week")["quantity"].sum()
        ours = (planned["supplier"] == line.supplier) & (planned["item"] == line.item)
        ordered = planned[ours].groupby("release_week")["quantity"].sum()
        weeks = sorted(set(required.index) | set(ordered.index))
        cum_required = required.reindex(weeks, fill_value=0.0).cumsum()
        cum_ordered = ordered.reindex(weeks, fill_value=0.0).cumsum()
        assert (cum_ordered >= cum_required - 1e-6).all(), line
        overshoot = float(cum_ordered.iloc[-1] - cum_required.iloc[-1]) if weeks else 0.0
        assert overshoot < max(line.moq, line.lot_multiple or 0.0) + 1e-6, line
