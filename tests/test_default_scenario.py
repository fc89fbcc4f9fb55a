"""The built-in Yizhuang scenario: it plans optimally, keeps every invariant, and its capacity
matches the figures of the seeds (two phases of 150,000 a year, ~50 trial cars a week, mass
production from Q1 2024)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import evramp
from evramp.analysis.explain import binding_weeks
from evramp.model import Scenario
from evramp.plan import PlanResult
from evramp.report import binding_constraints, monthly_output, on_time_rate, yearly_totals
from tests.checks import check_plan

WORKING_WEEKS_PER_YEAR = 50  # 52 weeks less the Spring Festival and summer breaks


def assembly_capacity(result: PlanResult) -> pd.Series:
    capacity = result.capacity[result.capacity["shop"] == "assembly"]
    return capacity.set_index(pd.to_datetime(capacity["week"]))["capacity"]


def test_default_scenario_plans_optimally_and_keeps_every_invariant(
    default_scenario: Scenario, default_plan: PlanResult
) -> None:
    assert default_plan.status == "Optimal"
    assert len(default_scenario.items) >= 100
    assert len({i.id for i in default_scenario.items if i.kind == "vehicle"}) >= 3
    check_plan(default_scenario, default_plan)


def test_phase_one_is_150k_a_year_and_phase_two_adds_another_150k(
    default_plan: PlanResult,
) -> None:
    weekly = assembly_capacity(default_plan)
    phase_one = weekly[:"2025-05-31"].max() * WORKING_WEEKS_PER_YEAR
    both_phases = weekly["2026-06-01":].max() * WORKING_WEEKS_PER_YEAR
    assert phase_one == pytest.approx(150_000, rel=0.05)
    assert both_phases - phase_one == pytest.approx(150_000, rel=0.05)


def test_trial_production_runs_at_about_50_a_week_before_mass_production(
    default_plan: PlanResult,
) -> None:
    weekly = assembly_capacity(default_plan)
    trial = weekly[weekly.index < pd.Timestamp("2024-01-01")]
    trial = trial[trial > 0]
    assert not trial.empty
    assert trial.max() == pytest.approx(50, rel=0.2)
    climbing = weekly[weekly > trial.max() * 1.5].index[0].date()
    assert dt.date(2024, 1, 1) <= climbing <= dt.date(2024, 6, 30), "mass production from Q1 2024"


def test_the_plan_is_bound_by_real_constraints(default_plan: PlanResult) -> None:
    top = binding_constraints(default_plan, top=3)
    assert len(top) == 3
    assert all(b.weeks > 0 and b.mean_shadow_price > 0 for b in top)
    assert {b.kind for b in binding_constraints(default_plan)} == {"shop", "part"}


def test_key_figures_add_up(default_plan: PlanResult) -> None:
    monthly = monthly_output(default_plan)
    yearly = yearly_totals(default_plan)
    assert monthly["total"].sum() == pytest.approx(default_plan.output["quantity"].sum())
    assert yearly["built"].sum() == pytest.approx(monthly["total"].sum())
    assert yearly["delivered"].sum() == pytest.approx(default_plan.deliveries["quantity"].sum())
    assert yearly["delivered"].sum() <= yearly["built"].sum() + 1e-6
    rate = on_time_rate(default_plan)
    assert 0.0 < rate < 1.0


def test_most_parts_are_planned_just_in_time_outside_the_lp(
    default_scenario: Scenario, default_plan: PlanResult
) -> None:
    """The README: commodity parts (237 of 253) never bind by construction, so evramp plans
    them outside the LP; they are still bought, and none of them is ever named as binding."""
    assert default_plan.size.free_parts >= 230
    numbered = {i.id for i in default_scenario.items if i.id.startswith(("P-BRKT", "P-CLIP"))}
    bought = set(default_plan.purchases.loc[default_plan.purchases["quantity"] > 0, "item"])
    assert numbered and numbered <= bought
    assert numbered.isdisjoint(binding_weeks(default_plan, default_scenario)["name"])


def test_planning_the_default_scenario_twice_gives_the_same_plan(
    default_scenario: Scenario, default_plan: PlanResult
) -> None:
    again = evramp.plan(default_scenario)
    assert again.objective == default_plan.objective
    for name, table in default_plan.tables().items():
        pd.testing.assert_frame_equal(table, again.tables()[name], obj=name)


# What scenarios/yizhuang/README.md says about the scenario, checked against it and its plan.


def test_the_scenario_has_the_size_its_readme_gives(default_scenario: Scenario) -> None:
    vehicles = [i for i in default_scenario.items if i.kind == "vehicle"]
    orders = [d for d in default_scenario.demand if d.kind == "firm"]
    forecast = [d for d in default_scenario.demand if d.kind == "forecast"]
    assert default_scenario.calendar.first_week == dt.date(2023, 8, 7)
    assert default_scenario.calendar.horizon_weeks == 178
    assert (len(vehicles), len(default_scenario.shops), len(default_scenario.items)) == (7, 6, 274)
    assert len(default_scenario.suppliers) == 282
    assert len({s.supplier for s in default_scenario.suppliers}) == 69
    assert (len(orders), len(forecast)) == (2_636, 315)
    assert {d.priority for d in orders} == {1} and {d.priority for d in forecast} == {2}
    stocked = {i.item for i in default_scenario.inventory}
    assert len(stocked) == 14 and {"SOC-ORIN-X", "CELL-NCM-612", "MCU-AUTO-32"} <= stocked


def jobs_a_week(plan: PlanResult, shop: str, week: str) -> float:
    table = plan.capacity
    return float(table[(table["shop"] == shop) & (table["week"] == week)]["capacity"].iloc[0])


# The README's capacity table in cars a week; in 2024 only the SU7 family is built, one job a car
# in press, body and paint.
README_CAPACITY = [
    ("paint", "2024-06-03", 1_205),
    ("paint", "2024-09-02", 2_733),
    ("paint", "2024-11-04", 3_120),
    ("press", "2024-06-03", 2_780),
    ("press", "2024-09-02", 3_686),
    ("body", "2024-06-03", 2_424),
    ("body", "2024-11-04", 3_520),
    ("assembly", "2026-03-02", 5_984),
    ("paint", "2023-10-02", 50),
    ("assembly", "2023-10-02", 50),
]


@pytest.mark.parametrize(("shop", "week", "cars"), README_CAPACITY)
def test_shop_capacity_is_the_readmes_table(
    default_plan: PlanResult, shop: str, week: str, cars: int
) -> None:
    assert jobs_a_week(default_plan, shop, week) == pytest.approx(cars, abs=1.0)


def test_trial_production_starts_in_the_last_week_of_august_2023(
    default_plan: PlanResult,
) -> None:
    first = default_plan.builds[default_plan.builds["quantity"] > 1e-6]["week"].min()
    assert first == pd.Timestamp("2023-08-28")


def test_the_yu7_is_not_built_before_phase_two(default_plan: PlanResult) -> None:
    output = default_plan.output
    yu7 = output[output["variant"].str.startswith("YU7") & (output["quantity"] > 1e-6)]
    assert not yu7.empty
    assert yu7["week"].min() >= pd.Timestamp("2025-06-01")


def binding_span(plan: PlanResult, scenario: Scenario, name: str) -> tuple[str, str]:
    weeks = binding_weeks(plan, scenario)
    weeks = weeks[weeks["name"] == name]
    assert not weeks.empty, f"{name} never binds"
    return str(weeks["week"].min()), str(weeks["week"].max())


@pytest.mark.parametrize(
    ("name", "first_by", "last_from"),
    [
        ("SOC-ORIN-X", "2024-03-31", "2025-01-01"),  # "binds from SOP into 2025"
        ("EM-V8S", "2025-06-30", "2025-01-01"),  # "binds for the Ultra in the first half of 2025"
        ("INV-SIC-800-G2", "2025-09-30", "2025-12-01"),  # "binds during the phase-2 ramp"
        ("CELL-NCM-612", "2024-12-31", "2024-06-01"),  # "binds for the Max in 2024"
        ("paint", "2024-06-30", "2024-11-01"),  # the smallest shop through the 2024 ramp
        ("assembly", "2024-12-31", "2026-01-01"),  # the smallest from phase 1 at full rate on
    ],
)
def test_the_parts_and_shops_the_readme_calls_binding_bind_then(
    default_scenario: Scenario, default_plan: PlanResult, name: str, first_by: str, last_from: str
) -> None:
    first, last = binding_span(default_plan, default_scenario, name)
    assert first <= first_by and last >= last_from


def test_output_climbs_as_the_readme_says_four_months_after_sop(default_plan: PlanResult) -> None:
    """'about 1,200 a week four months after SOP (June 2024)'."""
    output = default_plan.output
    june = output[output["week"].between("2024-06-01", "2024-06-30")]
    per_week = june.groupby("week")["quantity"].sum()
    assert per_week.mean() == pytest.approx(1_200, rel=0.1)
