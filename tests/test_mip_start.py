"""Integer mode's start: the LP plan rounded level by level is a feasible integer plan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import evramp
from evramp.model import BomLine, Item, Routing, Scenario, Supplier
from evramp.plan.chain import planner_chain
from evramp.plan.index import PlanData, compile_scenario
from evramp.plan.layout import FloatArray
from evramp.plan.lp import (
    INTEGER,
    SEMI_CONTINUOUS,
    SEMI_INTEGER,
    LinearProgram,
    build_lp,
)
from evramp.plan.mip_start import rounded_start
from evramp.plan.relaxation import WarmRelaxation
from evramp.plan.solve import solve
from tests.factory import learning_ramp, one_car_one_shop, order, shop
from tests.test_invariants import plants

TOL = 1e-6


def integer_lp(scenario: Scenario) -> tuple[PlanData, LinearProgram]:
    data = compile_scenario(scenario)
    reduced = planner_chain(integer=True).apply(data).data
    return reduced, build_lp(reduced, integer=True)


def solve_lp(lp: LinearProgram) -> FloatArray | None:
    solution = solve(lp)
    return solution.x if solution.optimal else None


def relax(lp: LinearProgram) -> Callable[[FloatArray, FloatArray], FloatArray | None]:
    """A fresh solve for every bound change (the planner warm-starts one HiGHS)."""
    return lambda lower, upper: solve_lp(replace(lp, col_lower=lower, col_upper=upper))


def relaxation(lp: LinearProgram) -> float:
    """The LP bound: semi-variables between 0 and their capacity, whole columns continuous."""
    assert lp.integrality is not None
    semi = np.isin(lp.integrality, (SEMI_CONTINUOUS, SEMI_INTEGER))
    relaxed = replace(lp, col_lower=np.where(semi, 0.0, lp.col_lower), integrality=None)
    solution = solve(relaxed)
    assert solution.optimal
    return solution.objective


def violations(lp: LinearProgram, x: FloatArray) -> list[str]:
    """What makes `x` not a plan of the MIP `lp` (empty when it is one)."""
    assert lp.integrality is not None
    kind = lp.integrality
    problems = []
    activity = lp.matrix @ x
    scale = 1.0 + np.abs(activity)
    if np.any(activity < lp.row_lower - TOL * scale) or np.any(
        activity > lp.row_upper + TOL * scale
    ):
        problems.append("a row outside its bounds")
    semi = np.isin(kind, (SEMI_CONTINUOUS, SEMI_INTEGER))
    off = semi & (np.abs(x) <= TOL)
    if np.any(x[~off] < lp.col_lower[~off] - TOL) or np.any(x > lp.col_upper + TOL):
        problems.append("a column outside its bounds (or a purchase below its minimum order)")
    whole = np.isin(kind, (INTEGER, SEMI_INTEGER))
    if np.any(np.abs(x[whole] - np.round(x[whole])) > TOL):
        problems.append("a fraction in a whole column")
    return problems


def completes(lp: LinearProgram, fixed: slice, value: FloatArray) -> bool:
    """Whether an LP plan exists with the columns `fixed` at `value` (the rest re-planned)."""
    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
    lower[fixed] = upper[fixed] = value
    return solve_lp(replace(lp, col_lower=lower, col_upper=upper, integrality=None)) is not None


def pack_plant(weeks: int = 12) -> Scenario:
    """Cars from packs; the battery shop makes 70 jobs a week at 1.3 jobs a pack (53.8 packs)
    and one pack in 14 is scrapped (a yield of 13/14): the LP builds 53.8 packs and 50 cars a
    week. Whole packs are 53 (49.2 good ones), so whole cars must fall behind the LP's 50 -
    rounding every column on its own (53 packs, 50 cars) is no plan."""
    return one_car_one_shop(
        weeks=weeks,
        items=(Item(id="CAR", kind="vehicle"), Item(id="PACK", kind="assembly")),
        bom=(BomLine(parent="CAR", child="PACK", quantity=1, yield_=13 / 14),),
        shops=(shop("GA", 200.0), shop("BATTERY", 70.0)),
        routings=(
            Routing(item="CAR", shop="GA"),
            Routing(item="PACK", shop="BATTERY", jobs_per_unit=1.3),
        ),
        demand=tuple(order(f"O{w}", 60, w) for w in range(weeks)),
    )


def test_the_start_rounds_each_level_against_the_one_before() -> None:
    data, lp = integer_lp(pack_plant())
    x = rounded_start(data, lp, relax)
    assert x is not None
    assert violations(lp, x) == []
    build = lp.columns.build.take(x)
    made = [data.items.ids[m] for m in data.made.item]
    packs, cars = build[made.index("PACK")], build[made.index("CAR")]
    assert packs.max() == 53  # 70 / 1.3 = 53.8 rounded down
    good_packs = np.cumsum(packs) * 13 / 14
    assert np.all(np.cumsum(cars) <= good_packs + TOL)
    assert cars.sum() == np.floor(good_packs[-1])  # every whole car the packs allow


def test_rounding_every_column_on_its_own_is_no_plan() -> None:
    """The case above is a real test of the level order: the naive rounding fails on it."""
    _, lp = integer_lp(pack_plant())
    relaxed = solve_lp(replace(lp, integrality=None))
    assert relaxed is not None
    build = slice(lp.columns.build.offset, lp.columns.build.stop)
    assert not completes(lp, build, np.floor(relaxed[build] + TOL))
    assert not completes(lp, build, np.round(relaxed[build] + TOL))


def test_a_learning_curve_is_rounded_week_after_week() -> None:
    """A learning shop's capacity grows with the jobs done before: the LP's 1.97, 3.06, 4.12
    cars rounded down at once (1, 3, 4) leave too little experience for weeks 2 and 3; week
    by week, each re-planned on the whole weeks before it, they are 1, 2, 3 - the MIP's plan."""
    scenario = one_car_one_shop(
        weeks=3,
        jobs_per_week=10,
        ramps=(learning_ramp(0.75, full_volume=50, start_volume=1),),
        demand=(order("O", 20, 0),),
    )
    data, lp = integer_lp(scenario)
    relaxed = solve_lp(replace(lp, integrality=None))
    assert relaxed is not None
    build = slice(lp.columns.build.offset, lp.columns.build.stop)
    assert not completes(lp, build, np.floor(relaxed[build] + TOL))
    x = rounded_start(data, lp, relax)
    assert x is not None
    assert violations(lp, x) == []
    assert lp.columns.build.take(x).tolist() == [[1, 2, 3]]
    best = solve(lp)
    assert lp.columns.build.take(best.x).sum() == 6


def test_purchases_round_up_to_whole_lots_of_at_least_the_minimum() -> None:
    scenario = pack_plant(weeks=6)
    scenario = replace(
        scenario,
        items=(*scenario.items, Item(id="CELL", kind="part", holding_cost=0.01)),
        bom=(*scenario.bom, BomLine(parent="PACK", child="CELL", quantity=100)),
        suppliers=(Supplier(supplier="CATL", item="CELL", price=1.0, lot_multiple=250, moq=1000),),
    )
    data, lp = integer_lp(scenario)
    x = rounded_start(data, lp, relax)
    assert x is not None
    assert violations(lp, x) == []
    assert lp.column_scale is not None
    bought = (x * lp.column_scale)[lp.columns.buy.offset : lp.columns.buy.stop]
    assert np.all((bought == 0) | (bought >= 1000))
    assert np.allclose(bought % 250, 0)
    assert bought.sum() > 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plants(lot_sizing=True))
def test_every_start_is_an_integer_plan_no_better_than_the_bound(scenario: Scenario) -> None:
    data, lp = integer_lp(scenario)
    x = rounded_start(data, lp, relax)
    if x is None:  # only a promise the rounded plan cannot keep leaves the MIP on its own
        assert any(line.max_weeks_late is not None for line in scenario.demand)
        return
    assert violations(lp, x) == []
    objective = float(lp.cost @ x)
    assert objective >= relaxation(lp) - 1e-6 * max(1.0, abs(objective))


SCENARIOS = Path(evramp.builtin_scenario_path("yizhuang"))


def test_the_default_scenario_starts_within_a_tenth_of_a_percent_of_its_bound() -> None:
    data, lp = integer_lp(evramp.load_scenario(SCENARIOS))
    x = rounded_start(data, lp, relax)
    assert x is not None
    assert violations(lp, x) == []
    bound = relaxation(lp)
    objective = float(lp.cost @ x)
    assert bound <= objective <= bound + 0.001 * abs(bound)  # 0.042 % when written
    warm = rounded_start(data, lp, lambda relaxed: WarmRelaxation(relaxed, "ipm"))
    assert warm is not None
    assert violations(lp, warm) == []
    assert float(lp.cost @ warm) == pytest.approx(objective, rel=1e-6)


def test_the_default_integer_plan_is_no_worse_than_its_start() -> None:
    """Integer mode on the default scenario: HiGHS starts from the rounded plan, so the plan is
    within the 0.1 % stopping gap (the issue asked 1 % in 60 s) and never worse than the start;
    it builds the LP plan's cars to within a tenth of a percent each year."""
    scenario = evramp.load_scenario(SCENARIOS)
    data, lp = integer_lp(scenario)
    start = rounded_start(data, lp, relax)
    assert start is not None
    result = evramp.plan(scenario, integer=True, time_limit=60)
    assert result.integer
    assert result.gap <= 1e-3
    assert result.objective <= float(lp.cost @ start) + 1e-9 * abs(result.objective)
    relaxed = evramp.plan(scenario)
    by_year = result.output.groupby("year")["quantity"].sum()
    lp_by_year = relaxed.output.groupby("year")["quantity"].sum()
    assert by_year.to_numpy() == pytest.approx(lp_by_year.to_numpy(), rel=1e-3, abs=1.0)
