"""Invariants on random small plants: whatever the data, a plan balances material, respects
every capacity, never builds before its parts arrive and never holds negative stock."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evramp
from evramp.model import (
    BomLine,
    Calendar,
    Inventory,
    Item,
    Order,
    Phase,
    Ramp,
    Receipt,
    Routing,
    Scenario,
    ShiftChange,
    Shop,
    Shutdown,
    Supplier,
    SupplierCapacity,
)
from evramp.model.ranges import AMOUNTS, MONEY, Span
from tests.checks import check_plan
from tests.factory import START


def nonnegative(most: float, span: Span = AMOUNTS) -> st.SearchStrategy[float]:
    """0 or an amount from the smallest `span` accepts (units from 1e-3, money from 1e-6) to
    `most`: what scenario fields accept (see docs/scenario-format.md)."""
    return st.floats(0, most).map(lambda value: 0.0 if value < span.low else value)


@st.composite
def plants(draw: st.DrawFn, lot_sizing: bool = False) -> Scenario:
    """A random plant: vehicles made of assemblies and parts, 1-3 shops, suppliers, orders."""
    weeks = draw(st.integers(3, 12))

    def day(first_week: int, end_week: int) -> dt.date:
        """A random day in weeks first_week .. end_week - 1."""
        return START + dt.timedelta(days=draw(st.integers(first_week * 7, end_week * 7 - 1)))

    shops = [
        Shop(
            id=f"S{s}",
            rate=draw(st.floats(0.25, 5.0)),
            shifts_per_day=draw(st.integers(1, 2)),
            days_per_week=draw(st.integers(1, 6)),
            availability=draw(st.sampled_from([1.0, 0.85, 0.5])),
            overtime_hours=draw(st.sampled_from([0.0, 0.0, 8.0])),
            overtime_cost=draw(nonnegative(500, MONEY)),
        )
        for s in range(draw(st.integers(1, 3)))
    ]
    shift_changes = [
        ShiftChange(
            shop=shops[-1].id,
            start=day(0, weeks),
            shifts_per_day=draw(st.integers(1, 3)),
            days_per_week=draw(st.integers(1, 7)),
        )
        for _ in range(draw(st.integers(0, 1)))
    ]
    vehicles = [f"V{v}" for v in range(draw(st.integers(1, 3)))]
    assemblies = [f"A{a}" for a in range(draw(st.integers(0, 2)))]
    parts = [f"P{p}" for p in range(draw(st.integers(1, 4)))]
    items = [Item(id=v, kind="vehicle", holding_cost=draw(nonnegative(5, MONEY))) for v in vehicles]
    items += [Item(id=a, kind="assembly") for a in assemblies]
    items += [Item(id=p, kind="part", holding_cost=draw(nonnegative(1, MONEY))) for p in parts]

    bom: list[BomLine] = []
    for parent, children in [(v, assemblies + parts) for v in vehicles] + [
        (a, parts) for a in assemblies
    ]:
        for child in draw(st.lists(st.sampled_from(children), unique=True)) if children else []:
            bom.append(
                BomLine(
                    parent=parent,
                    child=child,
                    quantity=draw(st.sampled_from([1.0, 2.0, 0.5, 4.0])),
                    yield_=draw(st.sampled_from([1.0, 0.9])),
                )
            )
    routings = [
        Routing(
            item=made,
            shop=shop.id,
            jobs_per_unit=draw(st.sampled_from([1.0, 0.5, 2.0])),
            lead_time=draw(st.integers(0, 2)),
            setup_time=draw(st.sampled_from([0.0, 5.0])) if lot_sizing else 0.0,
            setup_cost=draw(st.sampled_from([0.0, 200.0])) if lot_sizing else 0.0,
        )
        for made in vehicles + assemblies
        for shop in draw(
            st.lists(st.sampled_from(shops), min_size=1, max_size=2, unique_by=lambda s: s.id)
        )
    ]
    suppliers = [
        Supplier(
            supplier=f"SUP{n}",
            item=part,
            capacity=draw(st.one_of(st.none(), nonnegative(200))),
            lead_time=draw(st.integers(0, 3)),
            price=draw(nonnegative(50, MONEY)),
            moq=draw(st.sampled_from([0.0, 0.0, 25.0, 60.0])) if lot_sizing else 0.0,
            lot_multiple=draw(st.sampled_from([None, None, 10.0, 24.0])) if lot_sizing else None,
            share=draw(st.sampled_from([None, None, 0.3])) if n == 1 else None,
            priority=draw(st.sampled_from([1, 1, 2])),
        )
        for part in parts
        for n in range(draw(st.integers(1, 2)))
    ]
    profile = [
        SupplierCapacity(
            supplier=line.supplier,
            item=line.item,
            start=day(0, weeks),
            capacity=draw(nonnegative(100)),
        )
        for line in suppliers
        if draw(st.booleans())
    ]
    demand = [
        Order(
            id=f"D{n}",
            variant=draw(st.sampled_from(vehicles)),
            quantity=draw(st.floats(1, 300)),
            due=day(0, weeks),
            priority=draw(st.integers(1, 3)),
            price=draw(st.floats(100, 5000)),
            lateness_penalty=draw(nonnegative(50, MONEY)),
            kind=draw(st.sampled_from(["firm", "forecast"])),
        )
        for n in range(draw(st.integers(1, 6)))
    ]
    inventory = [
        Inventory(item=i, on_hand=draw(nonnegative(50)))
        for i in draw(st.lists(st.sampled_from(parts + assemblies + vehicles), unique=True))
    ]
    receipts = [
        Receipt(item=p, due=day(0, weeks), quantity=draw(st.floats(1, 50)))
        for p in draw(st.lists(st.sampled_from(parts), max_size=2))
    ]
    shutdowns = (
        [Shutdown(name="stop", start=day(0, weeks), weeks=1, shops=(shops[0].id,))]
        if draw(st.booleans())
        else []
    )
    phases = (
        [
            Phase(
                shop=shops[-1].id,
                name="p2",
                start=day(0, weeks),
                added_rate=draw(st.floats(0.1, 3)),
                ramp_weeks=draw(st.integers(0, 3)),
            )
        ]
        if draw(st.booleans())
        else []
    )
    ramps = []
    if draw(st.booleans()):
        trial = draw(st.integers(0, weeks - 1))
        curve = draw(st.sampled_from(["s-curve", "linear", "learning"]))
        learning = curve == "learning"
        ramps = [
            Ramp(
                shop=draw(st.sampled_from(["*", shops[0].id])),
                trial_start=START + dt.timedelta(weeks=trial),
                trial_rate=draw(nonnegative(30)),
                sop=START + dt.timedelta(weeks=draw(st.integers(trial, weeks))),
                curve=curve,
                ramp_weeks=None if learning else draw(st.integers(1, 4)),
                learning_rate=draw(st.floats(0.6, 0.95)) if learning else None,
                full_volume=draw(st.floats(50, 5000)) if learning else None,
                start_volume=draw(st.floats(1, 100)),
            )
        ]
    return Scenario(
        name="random plant",
        calendar=Calendar(first_week=START, horizon_weeks=weeks, shutdowns=tuple(shutdowns)),
        items=tuple(items),
        bom=tuple(bom),
        shops=tuple(shops),
        routings=tuple(routings),
        suppliers=tuple(suppliers),
        supplier_capacity=tuple(profile),
        demand=tuple(demand),
        inventory=tuple(inventory),
        receipts=tuple(receipts),
        phases=tuple(phases),
        ramps=tuple(ramps),
        shifts=tuple(shift_changes),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plants())
def test_random_plants_keep_every_invariant(scenario: Scenario) -> None:
    assert evramp.validate(scenario) == []
    check_plan(scenario, evramp.plan(scenario))


@settings(max_examples=15, deadline=None)
@given(plants())
def test_random_plants_round_trip_through_a_scenario_folder(scenario: Scenario) -> None:
    with tempfile.TemporaryDirectory() as folder:
        written = evramp.write_scenario(scenario, Path(folder) / "plant")
        assert evramp.load_scenario(written) == scenario


def _supplied_plant() -> Scenario:
    from tests.factory import one_car_one_shop, order

    return one_car_one_shop(
        weeks=4,
        items=(Item(id="CAR", kind="vehicle"), Item(id="CELL", kind="part")),
        bom=(BomLine(parent="CAR", child="CELL", quantity=2),),
        suppliers=(Supplier(supplier="S", item="CELL", capacity=50, lead_time=1),),
        demand=(order("O1", 500, 0),),
    )


def test_the_checker_catches_a_plan_that_builds_more_than_its_parts_allow() -> None:
    import dataclasses

    import pytest

    scenario = _supplied_plant()
    result = evramp.plan(scenario)
    check_plan(scenario, result)
    inflated = result.builds.assign(quantity=result.builds["quantity"] * 1.1)
    with pytest.raises(AssertionError, match="material balance"):
        check_plan(scenario, dataclasses.replace(result, builds=inflated))


def test_the_checker_catches_an_overloaded_shop_and_an_early_delivery() -> None:
    import dataclasses

    import pytest

    scenario = _supplied_plant()
    result = evramp.plan(scenario)
    smaller = result.capacity.assign(capacity=result.capacity["capacity"] * 0.1)
    with pytest.raises(AssertionError, match="over its capacity"):
        check_plan(scenario, dataclasses.replace(result, capacity=smaller))
    late_due = dataclasses.replace(
        scenario,
        demand=(scenario.demand[0].model_copy(update={"due": START + dt.timedelta(weeks=3)}),),
    )
    with pytest.raises(AssertionError, match="delivered before due"):
        check_plan(late_due, result)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plants())
def test_taking_never_binding_parts_out_of_the_lp_keeps_the_optimum(scenario: Scenario) -> None:
    reduced = evramp.plan(scenario)
    full = evramp.plan(scenario, reduce=False)
    assert full.size.free_parts == 0
    scale = 1.0 + abs(full.objective)
    assert abs(reduced.objective - full.objective) <= 1e-6 * scale
    check_plan(scenario, reduced)


def test_a_part_with_ample_supply_is_planned_just_in_time_outside_the_lp() -> None:
    from tests.factory import one_car_one_shop, order

    scenario = one_car_one_shop(
        weeks=5,
        items=(Item(id="CAR", kind="vehicle"), Item(id="SEAT", kind="part")),
        bom=(BomLine(parent="CAR", child="SEAT", quantity=2),),
        suppliers=(
            Supplier(supplier="CHEAP", item="SEAT", capacity=200, lead_time=0, price=10),
            Supplier(supplier="DEAR", item="SEAT", lead_time=0, price=50),
        ),
        demand=(order("O1", 300, 1, price=1000),),
    )
    reduced, full = evramp.plan(scenario), evramp.plan(scenario, reduce=False)
    assert reduced.size.free_parts == 1
    assert reduced.size.columns < full.size.columns
    assert reduced.objective == full.objective
    # The shop makes at most 100 cars a week = 200 seats, which the cheap line always delivers.
    bought = reduced.purchases.groupby(["supplier", "release_week"])["quantity"].sum()
    assert bought.loc["CHEAP"].tolist() == [200.0, 200.0, 200.0]  # 300 cars due in week 1
    assert "DEAR" not in bought.index.get_level_values(0)
    check_plan(scenario, reduced)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plants())
def test_the_objective_is_the_sum_of_its_reported_terms(scenario: Scenario) -> None:
    result = evramp.plan(scenario)
    costs = result.costs
    total = (
        costs["purchases"]
        + costs["preference"]
        + costs["holding"]
        + costs["lateness"]
        + costs["overtime"]
        + costs["setups"]
        - costs["revenue"]
    )
    assert abs(total - result.objective) <= 1e-6 * (1.0 + abs(result.objective))


def test_the_checker_catches_a_shop_faster_than_its_learning_curve() -> None:
    import dataclasses

    import pytest

    from tests.checks import check_learning_curves
    from tests.factory import learning_ramp, one_car_one_shop

    ramp = learning_ramp(0.5, 100, 10)
    scenario = one_car_one_shop(weeks=4, ramps=(ramp,))
    result = evramp.plan(scenario)
    check_learning_curves(scenario, result)
    faster = result.builds.assign(
        quantity=result.builds["quantity"] * 1.5, jobs=result.builds["jobs"] * 1.5
    )
    with pytest.raises(AssertionError, match="faster than its learning curve"):
        check_learning_curves(scenario, dataclasses.replace(result, builds=faster))
