"""Plans a planner can compute by hand: each test states the expected weekly numbers."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import numpy as np
import pytest
from pydantic import ValidationError

import evramp
from evramp.model import BomLine, Item, Phase, Ramp, Routing, Scenario, Shutdown, Supplier
from evramp.plan import NOT_LEVELLED, PlanResult
from tests.checks import check_plan
from tests.factory import (
    START,
    calendar,
    car_and_component,
    learning_ramp,
    one_car_one_shop,
    order,
    shop,
)
from tests.factory import week as week_start


def weekly(
    result: PlanResult, frame_name: str = "output", week: str = "week", **where: str
) -> list[float]:
    """Quantity per week of the horizon from one of the result's tables."""
    frame = getattr(result, frame_name)
    for column, value in where.items():
        frame = frame[frame[column] == value]
    per_week = frame.groupby(week)["quantity"].sum()
    return [round(float(per_week.get(w, 0.0)), 6) for w in result.bucket_starts]


def capacity_of(result: PlanResult, shop_id: str = "GA") -> list[float]:
    frame = result.capacity[result.capacity["shop"] == shop_id]
    return [round(float(c), 6) for c in frame.sort_values("week")["capacity"]]


def test_one_item_one_shop_builds_at_capacity_every_week() -> None:
    scenario = one_car_one_shop(weeks=6, jobs_per_week=100.0)
    result = evramp.plan(scenario)
    assert weekly(result) == [100.0] * 6
    assert capacity_of(result) == [100.0] * 6
    check_plan(scenario, result)


@pytest.mark.parametrize("lead_time", [0, 1, 2, 3])
def test_two_level_bom_lead_time_delays_first_output_by_its_weeks(lead_time: int) -> None:
    scenario = car_and_component(weeks=7, lead_time=lead_time)
    result = evramp.plan(scenario)
    assert weekly(result) == [0.0] * lead_time + [100.0] * (7 - lead_time)
    bodies = weekly(result, "builds", item="BODY")
    # Bodies started in the last weeks would only be ready after the horizon: none are started.
    assert bodies == [100.0] * (7 - lead_time) + [0.0] * lead_time
    check_plan(scenario, result)


def test_supplier_capacity_of_a_part_caps_output() -> None:
    """30 cells a week, 3 per car: 10 cars a week although the shop could make 100."""
    scenario = one_car_one_shop(
        weeks=5,
        items=(Item(id="CAR", kind="vehicle"), Item(id="CELL", kind="part")),
        bom=(BomLine(parent="CAR", child="CELL", quantity=3),),
        suppliers=(Supplier(supplier="CATL", item="CELL", capacity=30, lead_time=1, price=1),),
    )
    result = evramp.plan(scenario)
    # Nothing in week 0: the first cells arrive a lead time after the first release.
    assert weekly(result) == [0.0, 10.0, 10.0, 10.0, 10.0]
    assert weekly(result, "purchases", "release_week") == [30.0, 30.0, 30.0, 30.0, 0.0]
    check_plan(scenario, result)


def test_capacity_profile_raises_a_supplier_from_a_date() -> None:
    from evramp.model import SupplierCapacity

    scenario = one_car_one_shop(
        weeks=5,
        items=(Item(id="CAR", kind="vehicle"), Item(id="CHIP", kind="part")),
        bom=(BomLine(parent="CAR", child="CHIP", quantity=2),),
        suppliers=(Supplier(supplier="NV", item="CHIP", capacity=20, lead_time=0),),
        supplier_capacity=(
            SupplierCapacity(supplier="NV", item="CHIP", start=week_start(3), capacity=60),
        ),
    )
    result = evramp.plan(scenario)
    assert weekly(result) == [10.0, 10.0, 10.0, 30.0, 30.0]
    check_plan(scenario, result)


@pytest.mark.parametrize(
    ("curve", "expected"),
    [
        # smoothstep 3x^2 - 2x^3 at x = 0, 1/4, 1/2, 3/4, 1 of a 4-week climb from 10 to 100
        ("s-curve", [0.0, 10.0, 10.0, 10.0, 24.0625, 55.0, 85.9375, 100.0, 100.0]),
        ("linear", [0.0, 10.0, 10.0, 10.0, 32.5, 55.0, 77.5, 100.0, 100.0]),
    ],
)
def test_ramp_climbs_from_trial_rate_to_full_rate(curve: str, expected: list[float]) -> None:
    scenario = one_car_one_shop(
        weeks=9,
        ramps=(
            Ramp(
                shop="GA",
                trial_start=week_start(1),
                trial_rate=10.0,
                sop=week_start(3),
                ramp_weeks=4,
                curve=curve,
            ),
        ),
    )
    result = evramp.plan(scenario)
    assert capacity_of(result) == expected
    assert weekly(result) == expected
    check_plan(scenario, result)


def test_plant_wide_ramp_applies_to_shops_without_their_own() -> None:
    scenario = one_car_one_shop(
        weeks=4,
        shops=(shop("GA", 100.0),),
        ramps=(
            Ramp(
                shop="*", trial_start=week_start(0), trial_rate=5, sop=week_start(2), ramp_weeks=1
            ),
        ),
    )
    result = evramp.plan(scenario)
    assert capacity_of(result) == [5.0, 5.0, 5.0, 100.0]


@pytest.mark.parametrize("own_first", [True, False])
def test_a_shops_own_ramp_wins_over_the_plant_wide_one(own_first: bool) -> None:
    """BODYSHOP has its own linear ramp (trial 20 from week 1, SOP week 1, 2 weeks to full
    rate); GA has none and takes the plant-wide one (trial 5 from week 0, full from week 3).
    The order of the rows in ramp.csv does not matter."""
    plant = Ramp(shop="*", trial_start=week_start(0), trial_rate=5, sop=week_start(2), ramp_weeks=1)
    own = Ramp(
        shop="BODYSHOP",
        trial_start=week_start(1),
        trial_rate=20,
        sop=week_start(1),
        ramp_weeks=2,
        curve="linear",
    )
    scenario = car_and_component(weeks=5, ramps=(own, plant) if own_first else (plant, own))
    result = evramp.plan(scenario)
    assert capacity_of(result, "GA") == [5.0, 5.0, 5.0, 100.0, 100.0]
    # 0 before its own trial (the plant-wide row would give 5), then 20 + 80 x 0, 1/2, 1, 1
    assert capacity_of(result, "BODYSHOP") == [0.0, 20.0, 60.0, 100.0, 100.0]
    # Week 0 builds no car: GA could make 5, but the body shop has not started (under the
    # plant-wide ramp it would have made 5 bodies). Bodies are made just in time after that.
    assert weekly(result) == [0.0, 5.0, 5.0, 100.0, 100.0]
    assert weekly(result, "builds", item="BODY") == [0.0, 5.0, 5.0, 100.0, 100.0]
    check_plan(scenario, result)


@pytest.mark.parametrize(
    ("ramp_weeks", "expected"),
    [(0, [100.0] * 4 + [150.0] * 4), (2, [100.0] * 4 + [100.0, 125.0, 150.0, 150.0])],
)
def test_phase_adds_capacity_from_its_start(ramp_weeks: int, expected: list[float]) -> None:
    scenario = one_car_one_shop(
        weeks=8,
        phases=(
            Phase(
                shop="GA",
                name="phase-2",
                start=week_start(4),
                added_rate=50 / 40,
                ramp_weeks=ramp_weeks,
            ),
        ),
    )
    result = evramp.plan(scenario)
    assert capacity_of(result) == expected
    assert weekly(result) == expected
    check_plan(scenario, result)


def test_shutdown_week_builds_nothing() -> None:
    scenario = one_car_one_shop(
        weeks=6,
        calendar=calendar(6, [Shutdown(name="Spring Festival", start=week_start(3), weeks=1)]),
    )
    result = evramp.plan(scenario)
    assert weekly(result) == [100.0, 100.0, 100.0, 0.0, 100.0, 100.0]
    check_plan(scenario, result)


def test_shutdown_of_one_shop_leaves_the_others_working() -> None:
    scenario = car_and_component(
        weeks=4,
        component="PACK",
        component_shop="BATTERY",
        calendar=calendar(
            4, [Shutdown(name="retool", start=week_start(1), weeks=2, shops=("BATTERY",))]
        ),
    )
    result = evramp.plan(scenario)
    assert capacity_of(result, "BATTERY") == [100.0, 0.0, 0.0, 100.0]
    assert capacity_of(result, "GA") == [100.0] * 4
    check_plan(scenario, result)


def test_higher_priority_order_is_served_first_when_capacity_is_short() -> None:
    """Both due in week 0, 300 cars, 100 a week: the priority-1 order goes first even though
    the priority-2 order carries a higher lateness penalty per car."""
    scenario = one_car_one_shop(
        weeks=4,
        demand=(
            order("LOW", 150, 0, priority=2, penalty=5.0),
            order("HIGH", 150, 0, priority=1, penalty=1.0),
        ),
    )
    result = evramp.plan(scenario)
    assert weekly(result, "deliveries", order="HIGH") == [100.0, 50.0, 0.0, 0.0]
    assert weekly(result, "deliveries", order="LOW") == [0.0, 50.0, 100.0, 0.0]
    orders = result.orders.set_index("order")
    assert orders.loc["HIGH", "weeks_late"] == 1
    assert orders.loc["LOW", "weeks_late"] == 2
    check_plan(scenario, result)


def test_equal_priority_orders_are_served_by_due_date() -> None:
    scenario = one_car_one_shop(
        weeks=5, demand=(order("LATER", 100, 1), order("SOONER", 100, 0), order("LAST", 50, 3))
    )
    result = evramp.plan(scenario)
    orders = result.orders.set_index("order")
    assert orders.loc["SOONER", "on_time"] == 100
    assert orders.loc["LATER", "on_time"] == 100
    assert orders.loc["LAST", "on_time"] == 50
    assert orders["weeks_late"].eq(0).all()


def test_nothing_delivers_before_it_is_due_and_builds_wait_for_it() -> None:
    """With spare capacity a car due in week 3 is built in week 3, not earlier (holding cost)."""
    scenario = one_car_one_shop(weeks=5, demand=(order("O1", 60, 3),))
    result = evramp.plan(scenario, level=NOT_LEVELLED)  # the optimal plan, not levelled
    assert weekly(result, "deliveries") == [0.0, 0.0, 0.0, 60.0, 0.0]
    assert weekly(result) == [0.0, 0.0, 0.0, 60.0, 0.0]
    assert result.orders["on_time"].tolist() == [60.0]


def test_yield_loss_consumes_more_parts() -> None:
    scenario = one_car_one_shop(
        weeks=3,
        items=(Item(id="CAR", kind="vehicle"), Item(id="CELL", kind="part")),
        bom=(BomLine(parent="CAR", child="CELL", quantity=4, yield_=0.8),),
        inventory=(),
        suppliers=(Supplier(supplier="S", item="CELL", lead_time=0),),
        demand=(order("O1", 40, 1),),
    )
    result = evramp.plan(scenario, level=NOT_LEVELLED)
    assert weekly(result, "purchases", "release_week") == [0.0, 200.0, 0.0]  # 40 cars x 4 / 0.8
    check_plan(scenario, result)


def test_on_hand_stock_and_scheduled_receipts_feed_builds_before_the_lead_time() -> None:
    from evramp.model import Inventory, Receipt

    scenario = one_car_one_shop(
        weeks=4,
        items=(Item(id="CAR", kind="vehicle"), Item(id="MCU", kind="part")),
        bom=(BomLine(parent="CAR", child="MCU", quantity=1),),
        suppliers=(Supplier(supplier="S", item="MCU", lead_time=26),),
        inventory=(Inventory(item="MCU", on_hand=30),),
        receipts=(Receipt(item="MCU", due=week_start(2), quantity=20),),
    )
    result = evramp.plan(scenario)
    # 26 weeks of lead time: only the 30 on hand and the 20 on order can be built.
    assert sum(weekly(result)) == pytest.approx(50.0)
    assert sum(weekly(result)[:2]) == pytest.approx(30.0)
    check_plan(scenario, result)


def test_planning_twice_gives_the_same_plan() -> None:
    scenario = one_car_one_shop(weeks=6, demand=(order("A", 150, 0), order("B", 300, 2)))
    first, second = evramp.plan(scenario), evramp.plan(scenario)
    for name, table in first.tables().items():
        assert table.equals(second.tables()[name]), name
    assert first.objective == second.objective


def test_an_unsolved_model_is_never_presented_as_a_plan() -> None:
    scenario = one_car_one_shop(weeks=52)
    with pytest.raises(evramp.PlanFailed, match="status"):
        evramp.plan(scenario, time_limit=0.0)


def test_the_plan_is_optimal_for_a_hand_computed_objective() -> None:
    """20 cars due in week 1 at 1,000 each, capacity 100: revenue 20,000, nothing else costs
    but the tiny holding cost of nothing held, so the objective is -20,000."""
    scenario = one_car_one_shop(weeks=3, demand=(order("O1", 20, 1),))
    result = evramp.plan(scenario, level=NOT_LEVELLED)
    assert result.objective == pytest.approx(-20_000.0, abs=1e-6)
    assert np.isclose(result.output["quantity"].sum(), 20.0)


def test_changing_a_record_changes_the_plan() -> None:
    base = one_car_one_shop(weeks=3)
    slower = dataclasses.replace(base, shops=(shop("GA", 50.0),))
    assert weekly(evramp.plan(slower)) == [50.0, 50.0, 50.0]


def test_learning_curve_doubles_the_rate_with_each_doubling_of_volume() -> None:
    """Learning rate 0.5: every doubling of experience halves the hours per job, so the rate
    is proportional to experience: 10 jobs of experience allow 10 a week (full rate 100 at
    100 jobs), then 20 (experience 20), 40 (40), 80 (80), and full rate from 160 on."""
    scenario = one_car_one_shop(weeks=6, ramps=(learning_ramp(0.5, 100, 10),))
    result = evramp.plan(scenario)
    assert weekly(result) == pytest.approx([10.0, 20.0, 40.0, 80.0, 100.0, 100.0])
    assert capacity_of(result) == pytest.approx([10.0, 20.0, 40.0, 80.0, 100.0, 100.0])
    check_plan(scenario, result)


def test_learning_curve_at_85_percent_follows_wrights_law_from_below() -> None:
    """Each week's output is at most Wright's law at the experience reached, and the chords
    lose at most 2 % of it."""
    rate, full_volume, start = 0.85, 2000.0, 10.0
    scenario = one_car_one_shop(weeks=40, ramps=(learning_ramp(rate, full_volume, start),))
    output = weekly(evramp.plan(scenario))
    experience = start
    for built in output:
        wright = 100.0 * min(1.0, (experience / full_volume) ** -np.log2(rate))
        assert built <= wright + 1e-6
        assert built >= 0.98 * wright
        experience += built
    assert output[-1] == pytest.approx(100.0)  # experience passed 2,000 jobs: full rate
    assert output == sorted(output)  # learning never makes the shop slower


def test_learning_curve_counts_trial_production_as_experience() -> None:
    ramp = learning_ramp(0.5, 100, 10).model_copy(update={"trial_rate": 30.0, "sop": week_start(2)})
    result = evramp.plan(one_car_one_shop(weeks=5, ramps=(ramp,)))
    # Trial: 30 a week regardless of experience; then experience 70 allows 70, then 140 -> 100.
    assert weekly(result) == pytest.approx([30.0, 30.0, 70.0, 100.0, 100.0])


def two_classes(high_jobs: float, weeks: int) -> evramp.Scenario:
    """A high-priority variant H and a low-priority variant L share one shop of 40 jobs a week;
    4 H cars and 400 L cars are all due in week 0."""
    return one_car_one_shop(
        weeks=weeks,
        jobs_per_week=40.0,
        items=(Item(id="H", kind="vehicle"), Item(id="L", kind="vehicle")),
        routings=(
            Routing(item="H", shop="GA", jobs_per_unit=high_jobs),
            Routing(item="L", shop="GA", jobs_per_unit=1.0),
        ),
        demand=(
            order("HIGH", 4, 0, variant="H", priority=1, penalty=1.0, price=1000.0),
            order("LOW", 400, 0, variant="L", priority=2, penalty=50.0, price=3000.0),
        ),
    )


@pytest.mark.parametrize("strict", [True, False])
def test_a_bigger_penalty_and_price_do_not_buy_a_lower_priority_ahead(strict: bool) -> None:
    result = evramp.plan(two_classes(high_jobs=1.0, weeks=12), strict_priorities=strict)
    assert weekly(result, "deliveries", order="HIGH")[0] == 4.0
    assert weekly(result, "deliveries", order="LOW")[:2] == [36.0, 40.0]


def test_strict_priorities_never_starve_a_higher_priority_order() -> None:
    """H takes 20 jobs a car, L one. In 3 weeks (120 jobs) the 4 H cars take 80 jobs: strict
    priorities build them first (2 a week), leaving 40 jobs for 40 L cars in week 2. A weighted
    objective would rather make 80 more L cars and leave H late; strict never does."""
    scenario = two_classes(high_jobs=20.0, weeks=3)
    strict = evramp.plan(scenario, strict_priorities=True)
    # Each level is held at its optimum with a relative slack of 1e-7 (numerical noise).
    assert weekly(strict, "deliveries", order="HIGH") == pytest.approx([2.0, 2.0, 0.0], abs=1e-4)
    assert weekly(strict, "deliveries", order="LOW") == pytest.approx([0.0, 0.0, 40.0], abs=1e-4)
    check_plan(scenario, strict)
    weighted = evramp.plan(scenario)  # the default, weighted
    assert sum(weekly(weighted, "deliveries", order="HIGH")) < 4.0  # the documented limit


def test_a_second_shift_from_a_date_doubles_capacity() -> None:
    from evramp.model import ShiftChange

    scenario = one_car_one_shop(
        weeks=5,
        shifts=(ShiftChange(shop="GA", start=week_start(3), shifts_per_day=2, days_per_week=5),),
    )
    result = evramp.plan(scenario)
    assert capacity_of(result) == [100.0, 100.0, 100.0, 200.0, 200.0]
    assert weekly(result) == [100.0, 100.0, 100.0, 200.0, 200.0]
    check_plan(scenario, result)


@pytest.mark.parametrize(("cost_per_hour", "expected"), [(10.0, 125.0), (10_000.0, 100.0)])
def test_overtime_is_worked_when_it_pays(cost_per_hour: float, expected: float) -> None:
    """40 scheduled hours give 100 jobs, so an hour gives 2.5 cars; 10 overtime hours allowed.
    At 10 an hour (4 a car) overtime pays against 1,000 of revenue a car; at 10,000 (4,000 a
    car) it does not."""
    ga = shop("GA", 100.0).model_copy(
        update={"overtime_hours": 10.0, "overtime_cost": cost_per_hour}
    )
    scenario = one_car_one_shop(
        weeks=4,
        shops=(ga,),
        calendar=calendar(4, [Shutdown(name="stop", start=week_start(2), weeks=1)]),
    )
    result = evramp.plan(scenario)
    assert weekly(result) == [expected, expected, 0.0, expected]  # no overtime in a shutdown
    hours = result.capacity["overtime_hours"].tolist()
    assert hours == pytest.approx([10.0, 10.0, 0.0, 10.0] if expected > 100 else [0.0] * 4)
    assert result.costs["overtime"] == pytest.approx(sum(hours) * cost_per_hour)
    check_plan(scenario, result)


def test_three_priority_levels_with_tiny_quantities_still_solve() -> None:
    """Found by hypothesis: with three levels held one after the other, interior point and
    presolve once called this plant infeasible (a 1e-7 car on hand; 1e-3 is now the smallest
    amount of units a scenario accepts)."""
    from evramp.model import Inventory, SupplierCapacity

    scenario = one_car_one_shop(
        weeks=3,
        items=(
            Item(id="V0", kind="vehicle"),
            Item(id="A0", kind="assembly"),
            Item(id="P0", kind="part"),
        ),
        bom=(
            BomLine(parent="V0", child="A0", quantity=1.0),
            BomLine(parent="V0", child="P0", quantity=1.0),
        ),
        shops=(shop("GA", 6.8),),
        routings=(Routing(item="V0", shop="GA"), Routing(item="A0", shop="GA")),
        suppliers=(Supplier(supplier="S", item="P0", lead_time=1),),
        supplier_capacity=(
            SupplierCapacity(supplier="S", item="P0", start=week_start(0), capacity=2.0),
        ),
        inventory=(Inventory(item="V0", on_hand=1e-3),),
        demand=(
            order("D0", 1, 0, variant="V0", priority=3, penalty=0.0, price=100.0),
            order("D1", 1, 0, variant="V0", priority=2, penalty=0.0, price=100.0),
            order("D2", 3, 0, variant="V0", priority=1, penalty=0.0, price=100.0),
        ),
    )
    result = evramp.plan(scenario)
    assert result.status == "Optimal"
    check_plan(scenario, result)


def test_work_in_progress_finishes_and_feeds_its_parent_without_the_shop() -> None:
    """60 bodies started before the plan finish in week 1 (a receipt of a made item); the body
    shop is closed all horizon, so exactly those 60 bodies become cars, from week 1 on."""
    from evramp.model import Receipt

    scenario = one_car_one_shop(
        weeks=4,
        items=(Item(id="CAR", kind="vehicle"), Item(id="BODY", kind="assembly")),
        bom=(BomLine(parent="CAR", child="BODY", quantity=1),),
        shops=(shop("GA", 100.0), shop("BODYSHOP", 100.0)),
        routings=(Routing(item="CAR", shop="GA"), Routing(item="BODY", shop="BODYSHOP")),
        calendar=calendar(
            4, [Shutdown(name="closed", start=week_start(0), weeks=4, shops=("BODYSHOP",))]
        ),
        receipts=(Receipt(item="BODY", due=week_start(1), quantity=60),),
    )
    result = evramp.plan(scenario)
    assert weekly(result) == [0.0, 60.0, 0.0, 0.0]
    check_plan(scenario, result)


def test_a_quota_gives_the_dearer_supplier_its_share() -> None:
    """100 cars, one cell each; CATL at 1, BYD at 2 with a 30 % quota: 70 from CATL, 30 from
    BYD. Without the quota all 100 come from the cheaper CATL."""
    cells = (Item(id="CAR", kind="vehicle"), Item(id="CELL", kind="part"))

    def plant(share: float | None) -> evramp.Scenario:
        return one_car_one_shop(
            weeks=2,
            items=cells,
            bom=(BomLine(parent="CAR", child="CELL", quantity=1),),
            suppliers=(
                Supplier(supplier="CATL", item="CELL", price=1.0),
                Supplier(supplier="BYD", item="CELL", price=2.0, share=share),
            ),
            demand=(order("O1", 100, 1),),
        )

    for share, expected in ((0.3, {"CATL": 70.0, "BYD": 30.0}), (None, {"CATL": 100.0})):
        scenario = plant(share)
        result = evramp.plan(scenario)
        bought = result.purchases.groupby("supplier")["quantity"].sum()
        assert bought.to_dict() == pytest.approx(expected)
        check_plan(scenario, result)


def test_overtime_adds_to_a_learning_shop_once_it_reaches_full_rate() -> None:
    """Learning rate 0.5 from 10 jobs: 10, 20, 40, 80 a week; with 160 jobs of experience the
    shop is past full rate (100), and 10 cheap overtime hours add 25 jobs: 125. Found by
    hypothesis: the invariant checker once forgot overtime at full rate."""
    ga = shop("GA", 100.0).model_copy(update={"overtime_hours": 10.0, "overtime_cost": 1.0})
    scenario = one_car_one_shop(weeks=5, shops=(ga,), ramps=(learning_ramp(0.5, 100, 10),))
    result = evramp.plan(scenario)
    assert weekly(result) == pytest.approx([10.0, 20.0, 40.0, 80.0, 125.0])
    check_plan(scenario, result)


def promise_plant(promised: float) -> Scenario:
    """10 cars a week. HIGH (priority 1) wants 20 in week 1; LOW (priority 2) wants
    `promised` in week 0 and was promised them on time (max_weeks_late 0)."""
    return one_car_one_shop(
        weeks=4,
        jobs_per_week=10.0,
        demand=(
            order("HIGH", 20, 1, priority=1, penalty=100.0),
            order("LOW", promised, 0, priority=2, penalty=1.0).model_copy(
                update={"max_weeks_late": 0}
            ),
        ),
    )


def test_a_lateness_limit_is_kept_even_against_a_higher_priority() -> None:
    """Without the promise HIGH takes weeks 0 and 1 and LOW delivers in week 2, 2 weeks late.
    With it LOW delivers in week 0 and HIGH waits: 10 on time, 10 one week late."""
    free = promise_plant(10)
    free = dataclasses.replace(
        free, demand=tuple(d.model_copy(update={"max_weeks_late": None}) for d in free.demand)
    )
    assert evramp.plan(free).orders.set_index("order").loc["LOW", "weeks_late"] == 2
    scenario = promise_plant(10)
    result = evramp.plan(scenario)
    assert weekly(result, "deliveries", order="LOW") == [10.0, 0.0, 0.0, 0.0]
    assert weekly(result, "deliveries", order="HIGH") == [0.0, 10.0, 10.0, 0.0]
    orders = result.orders.set_index("order")
    assert orders.loc["LOW", "weeks_late"] == 0
    assert orders.loc["HIGH", "weeks_late"] == 1
    check_plan(scenario, result)


def test_a_promise_no_plan_can_keep_fails_and_names_the_order() -> None:
    """15 cars due in week 0 on time from a shop of 10 a week: impossible. The error says so,
    and what the best plan without the limit would do."""
    with pytest.raises(evramp.PlanFailed) as failed:
        evramp.plan(promise_plant(15))
    message = str(failed.value)
    assert failed.value.status == "Infeasible"
    assert "LOW (at most 0 weeks late; the best plan 3 weeks late)" in message
    assert "HIGH" not in message


def cell_suppliers(preferred: str | None) -> Scenario:
    """30 cars a week for 4 weeks, one cell each. DEAR sells cells at 10, at most 20 a week;
    CHEAP at 1, unlimited. `preferred` gets priority 1, the other 2 (None: both 1)."""
    return one_car_one_shop(
        weeks=4,
        items=(Item(id="CAR", kind="vehicle"), Item(id="CELL", kind="part")),
        bom=(BomLine(parent="CAR", child="CELL", quantity=1),),
        suppliers=tuple(
            Supplier(
                supplier=name,
                item="CELL",
                price=price,
                capacity=capacity,
                priority=1 if preferred in (None, name) else 2,
            )
            for name, price, capacity in (("DEAR", 10.0, 20.0), ("CHEAP", 1.0, None))
        ),
        demand=tuple(order(f"O{w}", 30, w, penalty=100.0) for w in range(4)),
    )


def test_a_preferred_supplier_is_used_first_whatever_its_price() -> None:
    """By price alone all 120 cells come from CHEAP. With DEAR preferred, it delivers all it
    can (20 a week) and CHEAP the other 10; the premium that keeps CHEAP second is the price
    spread 9 plus 1 per cell: 40 cells x 10 = 400 of `preference` in the objective."""
    by_price = evramp.plan(cell_suppliers(None))
    assert by_price.purchases.groupby("supplier")["quantity"].sum().to_dict() == {"CHEAP": 120}
    assert by_price.costs["preference"] == 0.0
    scenario = cell_suppliers("DEAR")
    result = evramp.plan(scenario)
    bought = result.purchases.pivot_table(
        index="release_week", columns="supplier", values="quantity", aggfunc="sum"
    )
    assert bought["DEAR"].tolist() == [20.0] * 4
    assert bought["CHEAP"].tolist() == [10.0] * 4
    assert result.costs["purchases"] == pytest.approx(4 * (20 * 10 + 10 * 1))
    assert result.costs["preference"] == pytest.approx(400.0)
    check_plan(scenario, result)
    # Preferring the cheap line changes nothing: it was first anyway.
    assert evramp.plan(cell_suppliers("CHEAP")).purchases["quantity"].sum() == 120


def test_a_supplier_line_delivers_only_in_its_availability_window() -> None:
    """Two cell lines, 30 a week each, one cell per car, the shop could make 100: the old line
    is phased out after week 2 (until Wednesday of week 2: 3 of its 7 days), the new one
    qualifies from week 3 (from its Thursday: 4 of 7 days). Arrivals per week are therefore
    30, 30, 30 x 3/7 + 30 x 4/7 = 30, 30, 30: every week 30 cars, neither line beyond its
    window."""
    first = START
    old_until = first + timedelta(weeks=2, days=2)  # Wednesday of week 2
    new_from = first + timedelta(weeks=2, days=3)  # Thursday of week 2
    scenario = one_car_one_shop(
        weeks=5,
        items=(Item(id="CAR", kind="vehicle"), Item(id="CELL", kind="part")),
        bom=(BomLine(parent="CAR", child="CELL", quantity=1),),
        suppliers=(
            Supplier(supplier="OLD", item="CELL", capacity=30, price=1, available_until=old_until),
            Supplier(supplier="NEW", item="CELL", capacity=30, price=2, available_from=new_from),
        ),
    )
    result = evramp.plan(scenario)
    assert weekly(result) == pytest.approx([30.0] * 5)
    bought = result.purchases.pivot_table(
        index="supplier", columns="release_week", values="quantity", aggfunc="sum", fill_value=0
    )
    assert list(bought.loc["OLD"]) == pytest.approx([30.0, 30.0, 30.0 * 3 / 7, 0.0, 0.0])
    assert list(bought.loc["NEW"]) == pytest.approx([0.0, 0.0, 30.0 * 4 / 7, 30.0, 30.0])
    check_plan(scenario, result)


def test_an_availability_window_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match="available_until 2024-01-01 is before"):
        Supplier(
            supplier="S",
            item="CELL",
            available_from=date(2024, 2, 1),
            available_until=date(2024, 1, 1),
        )
