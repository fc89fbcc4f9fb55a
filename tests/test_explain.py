"""Explanations a planner can check by hand: what binds, what held an order back, the problems."""

from __future__ import annotations

import pytest

import evramp
from evramp.analysis.explain import binding_weeks, peg, pegs, problems
from evramp.model import BomLine, Item, Scenario, Supplier, SupplierCapacity
from evramp.model.buckets import bucket_label
from evramp.plan import PlanResult
from evramp.report import binding_constraints
from tests.factory import one_car_one_shop, order, week


def two_orders_one_shop() -> Scenario:
    """100 jobs a week. O1 (300 due week 1) and O2 (150 due week 2) get 100 a week from week 1
    (nothing is delivered before it is due): O1 is all delivered in week 2, O2 in week 4 (50 that
    week, so the shop has slack then and binds in weeks 0 to 3 only)."""
    return one_car_one_shop(weeks=6, demand=[order("O1", 300, 1), order("O2", 150, 2)])


def cells_limit_the_car() -> Scenario:
    """3 cells a car, 30 a week until week 3, then 300: 10 cars a week; 50 due in week 1 deliver
    20 then, 10 in week 2 and the last 20 in week 3. The shop (100 a week) never binds."""
    return one_car_one_shop(
        weeks=6,
        items=(Item(id="CAR", kind="vehicle"), Item(id="CELL", kind="part")),
        bom=(BomLine(parent="CAR", child="CELL", quantity=3),),
        suppliers=(Supplier(supplier="NV", item="CELL", capacity=30, lead_time=0, price=1),),
        supplier_capacity=(
            SupplierCapacity(supplier="NV", item="CELL", start=week(3), capacity=300),
        ),
        demand=[order("O1", 50, 1)],
    )


def iso(n: int) -> str:
    return bucket_label(week(n), "week")


def test_a_full_shop_is_pegged_in_exactly_the_weeks_between_due_and_finish() -> None:
    scenario = two_orders_one_shop()
    result = evramp.plan(scenario)
    assert sorted(binding_weeks(result)["week"]) == [week(n).isoformat() for n in range(4)]

    second = peg(scenario, result, "O2")
    assert (second.quantity, second.delivered_by_due, second.delivered) == (150, 0, 150)
    assert second.weeks_late == 2 and second.last_delivery == week(4).isoformat()
    assert second.window == (week(2).isoformat(), week(4).isoformat())
    assert set(second.causes["kind"]) == {"shop"} and set(second.causes["name"]) == {"GA"}
    assert sorted(second.causes["week"]) == [week(2).isoformat(), week(3).isoformat()]
    # One more job in week 2 saves two vehicle-weeks (weeks 2 and 3), in week 3 one.
    assert list(second.causes["value"]) == pytest.approx([20.0, 10.0], abs=0.01)
    lines = second.describe()
    assert "2 weeks late" in lines[0]
    assert f"shop GA at capacity in 2 weeks ({iso(2)} to {iso(3)})" in lines[2]

    first = peg(scenario, result, "O1")
    assert sorted(first.causes["week"]) == [week(1).isoformat(), week(2).isoformat()]


def test_a_supplier_limited_part_is_pegged_and_the_idle_shop_is_not() -> None:
    scenario = cells_limit_the_car()
    result = evramp.plan(scenario)
    pegging = peg(scenario, result, "O1")
    assert pegging.delivered_by_due == pytest.approx(20) and pegging.weeks_late == 2
    assert set(pegging.causes["kind"]) == {"part"} and set(pegging.causes["name"]) == {"CELL"}
    assert sorted(pegging.causes["week"]) == [week(1).isoformat(), week(2).isoformat()]
    assert set(pegging.causes["usage"]) == {3.0}
    assert "part CELL: every supplier line at capacity" in pegging.describe()[2]

    binding = binding_weeks(result, scenario)
    assert set(binding["kind"]) == {"part"}
    assert (
        binding["sentence"]
        .iloc[0]
        .startswith(f"one more unit of CELL delivered in {iso(0)} is worth ")
    )
    assert "a vehicle set for CAR (3 units)" in binding["sentence"].iloc[0]


def test_an_order_on_time_has_no_causes() -> None:
    scenario = one_car_one_shop(weeks=4, demand=[order("O1", 50, 1)])
    result = evramp.plan(scenario)
    pegging = peg(scenario, result, "O1")
    assert pegging.on_time and not pegging.short and pegging.window is None
    assert pegging.causes.empty and pegging.culprits().empty
    assert pegging.describe() == [
        f"O1 (firm, CAR, priority 1): 50 vehicles due {iso(1)}, all delivered on time; "
        "nothing held it back."
    ]
    assert binding_weeks(result, scenario).empty  # the shop has slack every week
    assert problems(scenario, result).empty
    assert pegs(scenario, result) == []


def test_problems_value_late_orders_by_penalty_and_short_ones_by_lost_revenue() -> None:
    """600 cars fit in six weeks, 800 are due: A, B, C (due week 0) deliver in weeks 0, 1, 2;
    D (400 due week 3) gets weeks 3 to 5; E (due week 5, the cheapest) gets nothing.

    E's price was 1,500 while the class model averaged prices (E then sorted last in one
    class); with exact classes a dearer E delivers before D, so E is the cheapest (900) here."""
    scenario = one_car_one_shop(
        weeks=6,
        demand=[
            order("A", 100, 0, penalty=7),
            order("B", 100, 0, penalty=7),
            order("C", 100, 0, penalty=7),
            order("D", 400, 3, penalty=7),
            order("E", 100, 5, penalty=7, price=900),
        ],
    )
    result = evramp.plan(scenario)
    table = problems(scenario, result)
    rows = {
        (kind, what): row
        for kind, what, row in zip(
            table["kind"], table["what"], table.to_dict("records"), strict=True
        )
    }

    late_c = rows[("late", "C")]
    assert late_c["quantity"] == pytest.approx(100)
    assert late_c["value"] == pytest.approx(7 * 100 * 2)  # penalty × vehicles × weeks late
    assert (late_c["first_week"], late_c["last_week"]) == (week(0).isoformat(), week(2).isoformat())
    assert rows[("late", "B")]["value"] == pytest.approx(7 * 100 * 1)

    short_e = rows[("short", "E")]
    assert short_e["quantity"] == pytest.approx(100)
    assert short_e["value"] == pytest.approx(100 * 900)
    assert ("late", "E") not in rows  # nothing of it delivered, so nothing delivered late
    assert "lost revenue 100 × 900 = 90,000" in short_e["description"]

    # D: 100 on time, 100 one week and 100 two weeks late, 100 never.
    assert rows[("late", "D")]["quantity"] == pytest.approx(200)
    assert rows[("late", "D")]["value"] == pytest.approx(7 * (100 + 200))
    assert rows[("short", "D")]["value"] == pytest.approx(100 * 1000)

    shop = rows[("capacity", "GA")]
    assert (shop["first_week"], shop["last_week"]) == (week(0).isoformat(), week(5).isoformat())
    assert shop["quantity"] == pytest.approx(600)  # jobs
    assert list(table["value"]) == sorted(table["value"], reverse=True)
    assert set(table["kind"]) <= {"late", "short", "capacity", "material"}


def test_a_short_order_is_pegged_to_the_horizon_end() -> None:
    scenario = one_car_one_shop(weeks=3, demand=[order("O1", 400, 1)])
    result = evramp.plan(scenario)
    pegging = peg(scenario, result, "O1")
    assert pegging.short and pegging.undelivered == pytest.approx(100)
    assert pegging.last_delivery is None and pegging.weeks_late is None
    assert pegging.window == (week(1).isoformat(), week(2).isoformat())
    assert "100 not delivered by its end" in pegging.describe()[0]


def test_an_unknown_demand_id_is_a_key_error_naming_valid_ids() -> None:
    scenario = two_orders_one_shop()
    result = evramp.plan(scenario)
    with pytest.raises(KeyError, match=r"unknown order id 'NOPE'.*O1, O2"):
        peg(scenario, result, "NOPE")


def test_binding_weeks_are_the_weeks_the_report_counts(default_plan: PlanResult) -> None:
    weekly = binding_weeks(default_plan).groupby(["kind", "name"])["week"].agg(["size", "min"])
    ranked = binding_constraints(default_plan)
    assert len(weekly) == len(ranked)
    for binding in ranked:
        assert weekly.loc[(binding.kind, binding.name), "size"] == binding.weeks
        assert weekly.loc[(binding.kind, binding.name), "min"] == binding.first_week


def test_every_late_order_of_the_default_plan_pegs_to_a_cause(
    default_scenario: Scenario, default_plan: PlanResult
) -> None:
    orders = default_plan.orders
    late = orders[orders["quantity"] - orders["on_time"] > 1e-6]
    pegged = pegs(default_scenario, default_plan)
    assert [p.order for p in pegged] == list(late["order"])
    assert all(not p.causes.empty for p in pegged)
    assert all(len(p.describe()) >= 3 for p in pegged)


def test_default_problems_add_up(default_scenario: Scenario, default_plan: PlanResult) -> None:
    """(How long it takes is measured by benchmarks/explain_default.py, not asserted here.)"""
    table = problems(default_scenario, default_plan)
    orders = default_plan.orders
    late = table[table["kind"] == "late"]
    short = table[table["kind"] == "short"]
    assert late["quantity"].sum() == pytest.approx((orders["delivered"] - orders["on_time"]).sum())
    assert late["quantity"].sum() + short["quantity"].sum() == pytest.approx(
        (orders["quantity"] - orders["on_time"]).sum()
    )
    assert {"capacity", "material"} <= set(table["kind"])
    assert table["description"].str.len().min() > 0
