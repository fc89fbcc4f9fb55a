"""The built-in Yizhuang scenario: it plans optimally, keeps every invariant, and its capacity
matches the figures of the seeds (two phases of 150,000 a year, ~50 trial cars a week, mass
production from Q1 2024)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import evramp
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
    assert yearly["delivered"].sum() == pytest.approx(default_plan.shipments["quantity"].sum())
    assert yearly["delivered"].sum() <= yearly["built"].sum() + 1e-6
    rate = on_time_rate(default_plan)
    assert 0.0 < rate < 1.0


def test_most_parts_are_planned_just_in_time_outside_the_lp(default_plan: PlanResult) -> None:
    assert default_plan.size.free_parts >= 100
    free_bought = default_plan.purchases["quantity"].sum()
    assert free_bought > 0


def test_planning_the_default_scenario_twice_gives_the_same_plan(
    default_scenario: Scenario, default_plan: PlanResult
) -> None:
    again = evramp.plan(default_scenario)
    assert again.objective == default_plan.objective
    for name, table in default_plan.tables().items():
        pd.testing.assert_frame_equal(table, again.tables()[name], obj=name)
