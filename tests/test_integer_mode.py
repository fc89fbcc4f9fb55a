"""Integer mode: whole cars, purchases in whole lots of at least the minimum order quantity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError

import evramp
from evramp.model import BomLine, Item, Scenario, Supplier
from tests.checks import check_plan
from tests.factory import one_car_one_shop, order
from tests.test_invariants import plants


def cell_plant(price_override: float = 1.0, **supplier: float) -> Scenario:
    """30 cars due every week for 4 weeks, one cell per car, cells at 1 each."""
    return one_car_one_shop(
        weeks=4,
        items=(Item(id="CAR", kind="vehicle"), Item(id="CELL", kind="part", holding_cost=0.1)),
        bom=(BomLine(parent="CAR", child="CELL", quantity=1),),
        suppliers=(
            Supplier(supplier="S", item="CELL", lead_time=0, price=price_override, **supplier),
        ),
        demand=tuple(order(f"O{w}", 30, w) for w in range(4)),
    )


def test_integer_mode_builds_whole_cars() -> None:
    scenario = one_car_one_shop(weeks=4, jobs_per_week=10.5)
    relaxed = evramp.plan(scenario)
    whole = evramp.plan(scenario, integer=True)
    assert relaxed.output["quantity"].tolist() == pytest.approx([10.5] * 4)
    assert whole.output["quantity"].tolist() == [10.0] * 4
    assert whole.integer and not relaxed.integer
    assert whole.gap <= 1e-4
    assert whole.objective >= relaxed.objective  # a MIP never beats its relaxation
    check_plan(scenario, whole)


def test_purchases_come_in_whole_lots() -> None:
    scenario = cell_plant(lot_multiple=40)
    result = evramp.plan(scenario, integer=True)
    bought = result.purchases["quantity"].to_numpy()
    assert np.allclose(bought % 40, 0)
    # 120 cells are needed; three lots of 40 cover them exactly, just in time for the holding cost.
    assert bought.sum() == pytest.approx(120)
    assert (
        result.purchases["release_week"].dt.strftime("%Y-%m-%d").tolist()
        == result.bucket_starts[:3]
    )
    check_plan(scenario, result)


def test_no_purchase_below_the_minimum_order_quantity() -> None:
    scenario = cell_plant(moq=100)
    result = evramp.plan(scenario, integer=True)
    bought = result.purchases["quantity"].to_numpy()
    assert (bought >= 100 - 1e-6).all()
    assert bought.sum() >= 120 - 1e-6
    check_plan(scenario, result)
    relaxed = evramp.plan(scenario)  # the LP ignores lot sizing: just in time, 30 a week
    assert relaxed.purchases["quantity"].tolist() == pytest.approx([30.0] * 4)


def test_capacity_below_the_moq_makes_a_line_unusable_in_integer_mode() -> None:
    scenario = cell_plant(moq=100, capacity=50)
    result = evramp.plan(scenario, integer=True)
    assert result.purchases.empty
    assert result.output.empty


def test_integer_mode_reports_shadow_prices_of_the_integer_plan() -> None:
    scenario = one_car_one_shop(weeks=3, jobs_per_week=10.0)
    result = evramp.plan(scenario, integer=True)
    assert (result.capacity["shadow_price"] > 0).all()  # every week is bound by the shop


# 20 examples, each MIP capped at 10 s, keep the worst case of this test near 3 minutes.
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plants(lot_sizing=True))
def test_random_plants_in_integer_mode_keep_every_invariant(scenario: Scenario) -> None:
    result = evramp.plan(scenario, integer=True, time_limit=10)
    check_plan(scenario, result)
    vehicles = {i.id for i in scenario.items if i.kind != "part"}
    built = result.builds[result.builds["item"].isin(vehicles)]["quantity"].to_numpy()
    assert np.allclose(built, np.round(built))
    delivered = result.deliveries.groupby(["variant", "week"])["quantity"].sum().to_numpy()
    assert np.allclose(delivered, np.round(delivered))
    lines = {(s.supplier, s.item): s for s in scenario.suppliers}
    for purchase in result.purchases.itertuples():
        line = lines[(str(purchase.supplier), str(purchase.item))]
        quantity = float(purchase.quantity)  # type: ignore[arg-type]
        assert quantity >= line.moq - 1e-6
        if line.lot_multiple:
            lots = quantity / line.lot_multiple
            assert abs(lots - round(lots)) < 1e-6
    relaxed = evramp.plan(scenario)
    assert result.objective >= relaxed.objective - 1e-6 * (1 + abs(relaxed.objective))


def test_a_price_of_1e_minus_185_is_refused_and_the_smallest_accepted_one_plans() -> None:
    """Found by hypothesis: such a price made HiGHS stop with 'Solve error'. Prices now lie
    in 0 or 1e-6..1e9, so it is refused as input; the smallest accepted price plans."""
    with pytest.raises(ValidationError, match="must be 0 or from 1e-6 to 1e9"):
        cell_plant(moq=25, price_override=1.1e-185)
    scenario = cell_plant(moq=25, price_override=1e-6)
    result = evramp.plan(scenario, integer=True, time_limit=20)
    assert result.status == "Optimal"
    check_plan(scenario, result)


def test_setups_batch_production_as_a_lot_sizing_model_would() -> None:
    """30 cars due a week for 4 weeks; a setup takes 20 of the shop's 100 jobs and costs 500;
    holding a car a week costs 10. Four setups cost 2,000; two setups of 60 cost 1,000 plus
    600 of holding; one setup cannot make 120 (80 fit after it). Optimum: 60, 0, 60, 0."""
    from evramp.model import Routing

    scenario = one_car_one_shop(
        weeks=4,
        items=(Item(id="CAR", kind="vehicle", holding_cost=10.0),),
        routings=(Routing(item="CAR", shop="GA", setup_time=20.0, setup_cost=500.0),),
        demand=tuple(order(f"O{w}", 30, w, penalty=1e5) for w in range(4)),
    )
    result = evramp.plan(scenario, integer=True)
    assert result.output["quantity"].tolist() == [60.0, 60.0]
    assert result.output["week"].dt.strftime("%Y-%m-%d").tolist() == [
        result.bucket_starts[0],
        result.bucket_starts[2],
    ]
    assert result.costs["setups"] == pytest.approx(1000.0)
    load = result.capacity["load"].tolist()
    assert load == pytest.approx([80.0, 0.0, 80.0, 0.0])  # 60 jobs + the 20-job setup
    check_plan(scenario, result)
    relaxed = evramp.plan(scenario)  # LP mode leaves setups out: just in time
    assert relaxed.output["quantity"].tolist() == pytest.approx([30.0] * 4)


def test_a_setup_takes_time_from_a_shop_on_its_learning_curve() -> None:
    """Learning rate 0.5 from 10 jobs of experience (the rate equals the experience, full rate
    100 from 100 on) with a 5-job setup each week: the shop builds experience - 5 and learns
    from what it builds: 5, 10, 20, 40, 80, then 95 at full rate. Found by hypothesis: chords
    once left setup time out."""
    from evramp.model import Routing
    from tests.factory import learning_ramp

    ramp = learning_ramp(0.5, 100, 10)
    scenario = one_car_one_shop(
        weeks=6,
        routings=(Routing(item="CAR", shop="GA", setup_time=5.0),),
        ramps=(ramp,),
    )
    result = evramp.plan(scenario, integer=True)
    assert result.output["quantity"].tolist() == [5.0, 10.0, 20.0, 40.0, 80.0, 95.0]
    check_plan(scenario, result)


def two_cars_with_setups(**car_b: object) -> Scenario:
    """Cars A and B share a shop of 17 jobs a week; each week one is set up (3 jobs, cost 40),
    holding costs 1 a car-week. Odd demands make an LP's split between them a choice."""
    from evramp.model import Routing

    return one_car_one_shop(
        weeks=6,
        jobs_per_week=17.0,
        items=(
            Item(id="A", kind="vehicle", holding_cost=1.0),
            Item(id="B", kind="vehicle", holding_cost=1.0),
        ),
        routings=(
            Routing(item="A", shop="GA", setup_time=3.0, setup_cost=40.0),
            Routing(item="B", shop="GA", setup_time=3.0, setup_cost=40.0, **car_b),
        ),
        demand=tuple(
            order(f"{v}{w}", q, w, variant=v, penalty=1e4)
            for v, qs in (("A", (5, 3, 7, 1, 9, 5)), ("B", (2, 7, 5, 3, 1, 7)))
            for w, q in enumerate(qs)
        ),
    )


def test_whole_cars_implied_by_a_network_are_not_branched_on_yet_come_out_whole() -> None:
    """One job per car, whole capacities and setup times, no components: for fixed setups the
    builds are a network flow, so integer mode leaves them continuous and its final LP returns
    a whole vertex. Anything else (here 1.5 jobs per car of B) keeps them integer."""
    from evramp.plan.index import compile_scenario
    from evramp.plan.integrality import whole_builds_implied, whole_deliveries_implied

    network = two_cars_with_setups()
    data = compile_scenario(network)
    assert whole_builds_implied(data).tolist() == [True, True]
    assert whole_deliveries_implied(data).all()
    assert not whole_builds_implied(compile_scenario(two_cars_with_setups(jobs_per_unit=1.5))).any()
    for scenario in (network, two_cars_with_setups(jobs_per_unit=1.5)):
        result = evramp.plan(scenario, integer=True, mip_gap=0.0)
        assert result.status == "Optimal"
        check_plan(scenario, result)
        for frame in (result.builds, result.deliveries, result.backlog):
            quantities = frame["quantity"].to_numpy()
            assert np.array_equal(quantities, np.round(quantities)), frame
    # Declaring the builds integer or not changes nothing but the search: the same optimum.
    declared = _plan_with_every_car_declared_integer(network)
    assert evramp.plan(network, integer=True, mip_gap=0.0).objective == pytest.approx(declared)


def _plan_with_every_car_declared_integer(scenario: Scenario) -> float:
    from dataclasses import replace

    from evramp.plan.index import compile_scenario
    from evramp.plan.lp import INTEGER, build_lp
    from evramp.plan.solve import solve

    lp = build_lp(compile_scenario(scenario), integer=True)
    assert lp.integrality is not None
    kind = lp.integrality.copy()
    for block in (lp.columns.build, lp.columns.deliver):
        kind[block.offset : block.stop] = INTEGER
    return solve(replace(lp, integrality=kind), mip_gap=0.0).objective
