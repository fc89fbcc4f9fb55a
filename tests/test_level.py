"""A level mix (plan/level.py): hand cases, the rate limit, and what levelling must not change."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import evramp
from evramp.model import Item, Routing, Scenario, Shutdown
from evramp.plan import NOT_LEVELLED, LevelOptions, PlanResult
from evramp.plan.level import HOLD_SLACK
from tests.checks import check_plan
from tests.factory import calendar, one_car_one_shop, order, shop, week
from tests.test_invariants import plants


def two_cars_one_shop(weeks: int, *orders: tuple[str, str, float, int]) -> Scenario:
    """Cars A and B (the same holding cost) on one shop of 100 jobs a week; `orders` are
    (id, variant, quantity, due week) at one price and penalty."""
    return one_car_one_shop(
        weeks=weeks,
        items=(
            Item(id="A", kind="vehicle", holding_cost=1.0),
            Item(id="B", kind="vehicle", holding_cost=1.0),
        ),
        shops=(shop("GA", 100.0),),
        routings=(Routing(item="A", shop="GA"), Routing(item="B", shop="GA")),
        demand=[order(i, q, due, variant=v) for i, v, q, due in orders],
    )


def weekly_builds(result: PlanResult, item: str) -> list[float]:
    builds = result.builds[result.builds["item"] == item]
    per_week = builds.groupby("week")["quantity"].sum()
    return [round(float(per_week.get(w, 0.0)), 6) for w in result.dates]


def test_two_cars_due_together_are_built_side_by_side() -> None:
    """400 cars due in week 3 fill the shop's 4 x 100: any split of each week between A and
    B is optimal, and the level one builds 50 of each every week (no change at all)."""
    scenario = two_cars_one_shop(4, ("OA", "A", 200, 3), ("OB", "B", 200, 3))
    level = evramp.plan(scenario)
    assert weekly_builds(level, "A") == weekly_builds(level, "B") == [50.0] * 4
    assert level.levelling is not None and level.levelling.status == "Optimal"
    assert level.levelling.change_after == pytest.approx(0.0, abs=1e-6)
    optimal = evramp.plan(scenario, level=NOT_LEVELLED)
    assert optimal.levelling is None
    assert level.objective == pytest.approx(optimal.objective, abs=1e-6)
    assert level.orders["on_time"].tolist() == [200.0, 200.0]
    check_plan(scenario, level)


def test_levelling_never_makes_an_order_late_to_level_the_mix() -> None:
    """A's 100 due in week 0 take the whole first week; B's 300 due in week 3 take the rest.
    Building A later would be level (and B earlier), but it would make A late: the level plan
    is the optimal one, with its change of 100 + 100 vehicles a week."""
    scenario = two_cars_one_shop(4, ("OA", "A", 100, 0), ("OB", "B", 300, 3))
    level = evramp.plan(scenario)
    assert weekly_builds(level, "A") == [100.0, 0.0, 0.0, 0.0]
    assert weekly_builds(level, "B") == [0.0, 100.0, 100.0, 100.0]
    assert level.levelling is not None
    assert level.levelling.change_after == pytest.approx(200.0)
    assert level.orders["on_time"].tolist() == [100.0, 300.0]


def test_the_weight_trades_holding_for_a_level_rate() -> None:
    """One car, 100 a week of capacity, holding 1 a week; 100 due in week 1 and 100 in week 3.
    The cheapest plan builds 0, 100, 0, 100: rate changes 100 + 100 + 100 (the first week's is
    not counted), no holding. 50 a week is level (no change) and holds 50 cars a week in weeks 0
    and 2: 100. At a weight of 0.01 (300 x 0.01 = 3 < 100) the swing stays; at 10 the plan is
    the level one (3,000 > 100), and nothing is late either way."""
    scenario = one_car_one_shop(
        weeks=4,
        items=(Item(id="CAR", kind="vehicle", holding_cost=1.0),),
        demand=[order("O1", 100, 1), order("O2", 100, 3)],
    )
    cheap = evramp.plan(scenario, level=LevelOptions(weight=0.01))
    assert weekly_builds(cheap, "CAR") == [0.0, 100.0, 0.0, 100.0]
    assert cheap.levelling is not None
    assert cheap.levelling.change_after == pytest.approx(300.0)
    level = evramp.plan(scenario, level=LevelOptions(weight=10.0))
    assert weekly_builds(level, "CAR") == [50.0, 50.0, 50.0, 50.0]
    assert level.levelling is not None
    assert level.levelling.change_after == pytest.approx(0.0, abs=1e-6)
    assert level.costs["holding"] - cheap.costs["holding"] == pytest.approx(100.0, rel=1e-2)
    assert level.orders["on_time"].tolist() == cheap.orders["on_time"].tolist() == [100.0] * 2


def test_a_rate_limit_ramps_the_line_up() -> None:
    """100 due in week 5 with a limit of 30 vehicles a week of change: no week may jump from
    0 to 100, so the builds climb by at most 30 a week, and the order is still on time."""
    scenario = one_car_one_shop(weeks=6, demand=[order("O1", 100, 5)])
    free = evramp.plan(scenario, level=NOT_LEVELLED)
    assert np.abs(np.diff(weekly_builds(free, "CAR"))).max() == pytest.approx(100.0)
    limited = evramp.plan(scenario, level=LevelOptions(max_rate_change=30.0))
    builds = np.array(weekly_builds(limited, "CAR"))
    assert np.abs(np.diff(builds)).max() == pytest.approx(30.0)
    assert builds.sum() == pytest.approx(100.0)
    assert limited.orders["on_time"].tolist() == [100.0]


def test_a_rate_limit_does_not_hold_into_or_out_of_a_shutdown() -> None:
    """100 a week due every week but week 2, a shutdown: the line stops and restarts at full
    rate whatever the limit of 10, and nothing is late."""
    scenario = one_car_one_shop(
        weeks=5,
        calendar=calendar(5, [Shutdown(name="break", start=week(2), weeks=1)]),
        demand=[order(f"O{w}", 100, w) for w in (0, 1, 3, 4)],
    )
    limited = evramp.plan(scenario, level=LevelOptions(max_rate_change=10.0))
    assert weekly_builds(limited, "CAR") == [100.0, 100.0, 0.0, 100.0, 100.0]
    assert limited.orders["on_time"].sum() == pytest.approx(400.0)


def test_integer_mode_keeps_the_rate_limit() -> None:
    scenario = one_car_one_shop(weeks=6, demand=[order("O1", 100, 5)])
    limited = evramp.plan(scenario, integer=True, level=LevelOptions(max_rate_change=30.0))
    builds = np.array(weekly_builds(limited, "CAR"))
    assert np.abs(np.diff(builds)).max() <= 30.0 + 1e-6
    assert (builds == np.round(builds)).all() and builds.sum() == 100.0


def test_a_negative_weight_or_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="weight must be >= 0"):
        LevelOptions(weight=-1.0)
    with pytest.raises(ValueError, match="limit must be >= 0"):
        LevelOptions(max_rate_change=-5.0)


FEASIBLE = 1e-7
"""HiGHS' primal feasibility tolerance: a held row holds to it (scaled), beyond the slack."""


def _weighted_lateness(result: PlanResult, scenario: Scenario) -> dict[int, float]:
    """Priority level -> the plan's penalty-weighted lateness as the objective counts it: each
    order's backlog per bucket times its class's penalty and the bucket's length in weeks."""
    from evramp.plan.chain import planner_chain
    from evramp.plan.index import compile_scenario

    data = planner_chain().apply(compile_scenario(scenario)).data
    orders = data.demand.orders
    penalty = dict(zip(orders.ids, data.demand.penalty[orders.klass], strict=True))
    level = dict(zip(orders.ids, data.demand.priority[orders.klass], strict=True))
    backlog = result.backlog
    weeks = data.bucket_weeks[result.index_of(backlog["week"])]
    totals: dict[int, float] = {}
    for order_id, late, length in zip(backlog["order"], backlog["quantity"], weeks, strict=True):
        key = int(level[str(order_id)])
        totals[key] = totals.get(key, 0.0) + float(late) * float(penalty[str(order_id)]) * length
    return totals


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plants())
def test_levelling_keeps_lateness_and_revenue_per_priority_and_never_adds_change(
    scenario: Scenario,
) -> None:
    """On random plants: each priority level's penalty-weighted lateness at most the optimal
    plan's and the revenue at least its (within the held rows' slack), the rate change no
    larger, the objective no better than the optimum, and every invariant of a plan."""
    level = evramp.plan(scenario)
    optimal = evramp.plan(scenario, level=NOT_LEVELLED)
    assert level.levelling is not None and level.levelling.status == "Optimal"
    assert level.levelling.objective_before == pytest.approx(optimal.objective, rel=1e-9)
    scale = 1.0 + abs(optimal.objective)
    assert level.objective >= optimal.objective - 1e-6 * scale
    assert level.levelling.change_after <= level.levelling.change_before * (1 + 1e-7) + 1e-6
    ours, theirs = _weighted_lateness(level, scenario), _weighted_lateness(optimal, scenario)
    for priority, late in ours.items():
        allowed = theirs.get(priority, 0.0)
        assert late <= allowed + (HOLD_SLACK + FEASIBLE) * max(1.0, allowed), priority
    revenue = optimal.costs["revenue"]
    assert level.costs["revenue"] >= revenue - (HOLD_SLACK + FEASIBLE) * max(1.0, revenue)
    check_plan(scenario, level)
