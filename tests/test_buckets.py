"""Planning buckets of a day, a week or a month: each test states its numbers by hand.

The factory plant works one 8-hour shift, Monday to Friday: 100 jobs a week is 2.5 jobs an hour,
20 jobs a working day. START is Monday 2024-01-01.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evramp
from evramp.analysis.explain import binding_weeks, peg, problems
from evramp.cli import app
from evramp.model import (
    BomLine,
    Buckets,
    Calendar,
    Item,
    Routing,
    Scenario,
    ScenarioError,
    ScenarioInvalid,
    Shutdown,
    Supplier,
    bucket_label,
)
from evramp.plan import NOT_LEVELLED, PlanResult
from evramp.plan.capacity import shop_capacity
from evramp.plan.index import compile_scenario
from tests.checks import check_plan
from tests.factory import START, calendar, one_car_one_shop, order, shop
from tests.test_invariants import plants
from tests.test_validation import (
    assert_cli_rejects,
    build_scenario,
    replace_text,
    runner,
)


def day(n: int) -> dt.date:
    """Day `n` of the plan (day 0 is Monday 2024-01-01)."""
    return START + dt.timedelta(days=n)


def in_buckets(scenario: Scenario, bucket: str) -> Scenario:
    """The same scenario planned in other buckets."""
    return replace(scenario, calendar=scenario.calendar.model_copy(update={"bucket": bucket}))


def per_bucket(result: PlanResult, frame: str = "output", column: str = "week") -> list[float]:
    table = getattr(result, frame)
    amounts = table.groupby(column)["quantity"].sum()
    return [round(float(amounts.get(w, 0.0)), 6) for w in result.bucket_starts]


def capacity_of(result: PlanResult, shop_id: str = "GA") -> list[float]:
    rows = result.capacity[result.capacity["shop"] == shop_id].sort_values("week")
    return [round(float(c), 6) for c in rows["capacity"]]


# --- the buckets themselves ------------------------------------------------------------------


def test_months_cut_the_horizon_at_the_first_of_each_month_with_partial_ends() -> None:
    # 8 weeks from Monday 15 January 2024 end on Monday 11 March.
    buckets = Buckets("month", dt.date(2024, 1, 15), dt.date(2024, 3, 11))
    assert buckets.starts == (
        dt.date(2024, 1, 15),
        dt.date(2024, 2, 1),
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 11),
    )
    assert buckets.calendar_days.tolist() == [17, 29, 10]
    # Monday to Friday: 15-31 January has 13 weekdays, February 2024 21, 1-10 March 6 (Fri 1,
    # Mon 4 to Fri 8): 40 in all, 8 weeks of 5.
    assert buckets.working_days(5).tolist() == [13, 21, 6]
    assert buckets.working_days(7).tolist() == [17, 29, 10]
    assert buckets.index_of(dt.date(2024, 2, 29)) == 1
    assert buckets.index_of(dt.date(2023, 12, 31)) == -1
    assert buckets.anchor(dt.date(2024, 1, 20)) == dt.date(2024, 1, 15)
    assert buckets.labels() == ["2024-01", "2024-02", "2024-03"]


def test_days_and_weeks_tile_the_horizon() -> None:
    days = Buckets("day", START, START + dt.timedelta(weeks=2))
    weeks = Buckets("week", START, START + dt.timedelta(weeks=2))
    assert len(days) == 14 and len(weeks) == 2
    assert days.working_days(5).tolist() == [1, 1, 1, 1, 1, 0, 0] * 2
    assert weeks.working_days(5).tolist() == [5, 5]
    assert weeks.weeks_long.tolist() == [1.0, 1.0]
    assert days.index_of(day(9)) == 9 and weeks.index_of(day(9)) == 1
    assert weeks.labels() == ["2024-W01", "2024-W02"]
    assert days.labels()[2] == "2024-01-03"


@pytest.mark.parametrize(
    ("bucket", "weeks", "buckets"),
    [
        ("day", 0, 0),
        ("day", 1, 7),
        ("day", 3, 21),
        ("week", 3, 3),
        ("month", 1, 0),  # 7 days: under half a month of 30.44
        ("month", 2, 0),  # 14 days: still under 15.2
        ("month", 3, 1),  # 21 days: over half
        ("month", 6, 1),  # 42 days: 1.38 months
        ("month", 7, 2),  # 49 days: 1.61 months
        ("month", 9, 2),  # 63 days: 2.07 months
    ],
)
def test_lead_times_are_whole_buckets_to_the_nearest(bucket: str, weeks: int, buckets: int) -> None:
    assert Buckets(bucket, START, day(70)).lead(weeks) == buckets  # type: ignore[arg-type]


def test_bucket_labels() -> None:
    assert bucket_label("2024-05-02", "day") == "2024-05-02"
    assert bucket_label("2024-04-29", "week") == "2024-W18"
    assert bucket_label("2024-05-01", "month") == "2024-05"


# --- weekly buckets are today's plan ---------------------------------------------------------


def test_weekly_buckets_give_the_default_plan_unchanged(
    default_scenario: Scenario, default_plan: PlanResult, tmp_path: Path
) -> None:
    # The objective the default scenario had before buckets existed (README, benchmarks).
    assert default_plan.levelling is not None  # the optimum, before levelling the mix
    assert default_plan.levelling.objective_before == pytest.approx(-39_532_264_340.86, rel=1e-9)
    assert default_plan.bucket == "week"
    # Written with `bucket: week` spelled out, read back and planned again: the same plan.
    written = evramp.write_scenario(default_scenario, tmp_path / "weekly")
    assert "bucket: week" in (written / "scenario.yaml").read_text()
    explicit = evramp.load_scenario(written)
    assert explicit.calendar.bucket == "week"
    again = evramp.plan(explicit)
    assert again.objective == default_plan.objective
    pd.testing.assert_frame_equal(again.builds, default_plan.builds)
    assert list(again.tables()["builds"].columns) == list(default_plan.builds.columns)


# --- daily buckets ---------------------------------------------------------------------------


def test_a_five_day_shop_has_no_capacity_at_the_weekend_and_its_week_in_seven_days() -> None:
    weekly = shop_capacity(one_car_one_shop(weeks=2))
    daily = shop_capacity(in_buckets(one_car_one_shop(weeks=2), "day"))
    assert daily[0].tolist() == [20.0] * 5 + [0.0] * 2 + [20.0] * 5 + [0.0] * 2
    assert daily[0, :7].sum() == pytest.approx(weekly[0, 0]) == pytest.approx(100.0)


def test_daily_plan_builds_just_in_time_on_the_working_days_before_a_friday() -> None:
    """60 cars due Friday, 20 a day: built Wednesday, Thursday and Friday, delivered Friday
    (earlier would only hold stock)."""
    scenario = in_buckets(
        one_car_one_shop(weeks=1, demand=[order("O1", 60, 0).model_copy(update={"due": day(4)})]),
        "day",
    )
    result = evramp.plan(scenario, level=NOT_LEVELLED)
    assert capacity_of(result) == [20.0] * 5 + [0.0] * 2
    assert per_bucket(result) == [0.0, 0.0, 20.0, 20.0, 20.0, 0.0, 0.0]
    assert per_bucket(result, "deliveries") == [0.0] * 4 + [60.0, 0.0, 0.0]
    assert result.orders["on_time"].tolist() == [60.0]
    # Stock 20 on Wednesday night and 40 on Thursday night: 60 unit-days at 0.001 a week.
    assert result.costs["holding"] == pytest.approx(60 * 0.001 / 7)
    check_plan(scenario, result)


def test_daily_holding_cost_is_the_weekly_one_over_seven() -> None:
    """100 cars due on Saturday, 20 a working day: stock 20, 40, 60, 80 and 100 at the end of
    Monday to Friday, 300 unit-days at 7 (+ the 0.001 floor) a unit-week."""
    car = Item(id="CAR", kind="vehicle", holding_cost=7.0)
    due_saturday = order("O1", 100, 0).model_copy(update={"due": day(5)})
    scenario = in_buckets(one_car_one_shop(weeks=1, demand=[due_saturday], items=(car,)), "day")
    result = evramp.plan(scenario)
    assert per_bucket(result, "stock") == [20.0, 40.0, 60.0, 80.0, 100.0, 0.0, 0.0]
    assert result.costs["holding"] == pytest.approx(300 * 7.001 / 7)
    check_plan(scenario, result)


def test_a_bucket_late_costs_a_day_or_a_week_of_the_penalty() -> None:
    """20 cars one bucket late at 10 a vehicle-week: 200 in weekly buckets (120 due in week 0,
    100 a week), 200 / 7 in daily ones (40 due on Monday, 20 a day)."""
    weekly = evramp.plan(one_car_one_shop(weeks=2, demand=[order("O1", 120, 0)]))
    daily_scenario = in_buckets(one_car_one_shop(weeks=1, demand=[order("O1", 40, 0)]), "day")
    daily = evramp.plan(daily_scenario)
    assert per_bucket(weekly, "deliveries") == [100.0, 20.0]
    assert per_bucket(daily, "deliveries") == [20.0, 20.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert weekly.costs["lateness"] == pytest.approx(20 * 10.0)
    assert daily.costs["lateness"] == pytest.approx(20 * 10.0 / 7)
    assert weekly.costs["lateness"] == pytest.approx(7 * daily.costs["lateness"])
    assert daily.orders["weeks_late"].tolist() == [1.0]  # buckets late: one day
    assert daily.tables()["orders"]["days_late"].tolist() == [1.0]
    late = problems(daily_scenario, daily)
    assert "(1 day late); 2.86 vehicle-weeks × 10 = 28.57" in late["description"].iloc[0]


def test_daily_lead_times_are_seven_days_a_week() -> None:
    """A body made with a 1-week lead time, a cell bought with a 1-week lead time: each is
    ready 7 days after it is started or released."""
    scenario = in_buckets(
        one_car_one_shop(
            weeks=3,
            items=(
                Item(id="CAR", kind="vehicle"),
                Item(id="BODY", kind="assembly"),
                Item(id="CELL", kind="part"),
            ),
            bom=(
                BomLine(parent="CAR", child="BODY", quantity=1),
                BomLine(parent="BODY", child="CELL", quantity=2),
            ),
            shops=(shop("GA", 100.0), shop("BODYSHOP", 100.0)),
            routings=(
                Routing(item="CAR", shop="GA"),
                Routing(item="BODY", shop="BODYSHOP", lead_time=1),
            ),
            suppliers=(Supplier(supplier="S", item="CELL", lead_time=1, price=1.0),),
        ),
        "day",
    )
    result = evramp.plan(scenario)
    purchases = result.purchases
    released = pd.to_datetime(purchases["release_week"])
    received = pd.to_datetime(purchases["receipt_week"])
    assert not purchases.empty
    assert ((received - released).dt.days == 7).all()
    bodies = result.builds[result.builds["item"] == "BODY"]
    ready = pd.to_datetime(bodies["finish_week"]) - pd.to_datetime(bodies["week"])
    assert (ready.dt.days == 7).all()
    # Cells arrive from day 7, bodies are ready from day 14: the first car on Monday 15 January.
    assert min(result.output["week"]) == pd.Timestamp(day(14))
    check_plan(scenario, result)


# --- monthly buckets -------------------------------------------------------------------------


def test_february_2024_has_21_working_days_for_a_five_day_shop() -> None:
    scenario = in_buckets(one_car_one_shop(weeks=13), "month")
    result = evramp.plan(scenario)
    assert result.bucket_starts == ["2024-01-01", "2024-02-01", "2024-03-01"]
    # 2.5 jobs an hour × 8 hours × 23, 21 and 21 weekdays.
    assert capacity_of(result) == [460.0, 420.0, 420.0]
    check_plan(scenario, result)


def test_weeks_and_months_deliver_the_same_when_capacity_binds_throughout() -> None:
    """13 weeks from 1 January are the months January to March: 65 working days, 1,300 cars
    either way."""
    weekly_scenario = one_car_one_shop(weeks=13, demand=[order("O1", 5000, 0)])
    weekly = evramp.plan(weekly_scenario)
    monthly = evramp.plan(in_buckets(weekly_scenario, "month"))
    assert sum(per_bucket(weekly)) == pytest.approx(1300.0)
    assert sum(per_bucket(monthly)) == pytest.approx(1300.0)
    assert per_bucket(monthly) == [460.0, 420.0, 420.0]
    # Per month, the weeks that start in it (January has 5 Mondays, February and March 4 each).
    by_month = pd.Series(per_bucket(weekly), index=pd.to_datetime(weekly.bucket_starts)).resample(
        "MS"
    )
    assert by_month.sum().tolist() == [500.0, 400.0, 400.0]


def cell_plant_in_months(lead_weeks: int) -> Scenario:
    return in_buckets(
        one_car_one_shop(
            weeks=13,
            items=(Item(id="CAR", kind="vehicle"), Item(id="CELL", kind="part")),
            bom=(BomLine(parent="CAR", child="CELL", quantity=1),),
            suppliers=(
                Supplier(supplier="S", item="CELL", lead_time=lead_weeks, capacity=100, price=1),
            ),
        ),
        "month",
    )


def purchase_lags(result: PlanResult) -> set[int]:
    months = {w: t for t, w in enumerate(result.bucket_starts)}
    purchases = result.purchases
    assert not purchases.empty
    lag = purchases["receipt_week"].dt.strftime("%Y-%m-%d").map(months) - purchases[
        "release_week"
    ].dt.strftime("%Y-%m-%d").map(months)
    return set(lag.astype(int))


def test_monthly_lead_times_are_the_nearest_whole_months() -> None:
    """3 weeks (21 days, 0.69 of a month) are one month: 100 cells a week are 100 × 31 / 7 in
    January; released in January, they arrive in February (29 days: 414.29 a month), none can
    arrive in January. 1 week (0.23 of a month) is none: January's cells arrive in January."""
    scenario = cell_plant_in_months(3)
    result = evramp.plan(scenario)
    assert purchase_lags(result) == {1}
    supply = result.supply.set_index("week")
    assert supply.loc["2024-02-01", "capacity"] == pytest.approx(100 * 29 / 7)
    assert per_bucket(result) == pytest.approx([0.0, 100 * 29 / 7, 420.0])
    check_plan(scenario, result)
    short = cell_plant_in_months(1)
    result = evramp.plan(short)
    assert purchase_lags(result) == {0}
    assert per_bucket(result)[0] == pytest.approx(100 * 31 / 7)
    check_plan(short, result)


def test_a_shutdown_closes_its_share_of_a_months_working_days() -> None:
    """A one-week shutdown from Monday 12 February takes 5 of February's 21 working days."""
    scenario = in_buckets(
        one_car_one_shop(
            weeks=13,
            calendar=calendar(13, [Shutdown(name="Spring Festival", start=day(42), weeks=1)]),
        ),
        "month",
    )
    assert capacity_of(evramp.plan(scenario)) == [460.0, pytest.approx(420.0 * 16 / 21), 420.0]


def test_monthly_words_and_csv_columns(tmp_path: Path) -> None:
    scenario = in_buckets(one_car_one_shop(weeks=13, demand=[order("O1", 1000, 0)]), "month")
    result = evramp.plan(scenario)
    binding = binding_weeks(result, scenario)
    assert binding["sentence"].iloc[1].startswith("one more job of GA in 2024-02 is worth")
    pegging = peg(scenario, result, "O1")
    assert "all by 2024-03: 2 months late." in pegging.describe()[0]
    # 420 cars delivered 31 days late (1 February), 120 60 days late (1 March).
    late = problems(scenario, result)["description"].iloc[0]
    assert "(2 months late); 2,889 vehicle-weeks × 10 = 28,886" in late
    assert result.costs["lateness"] == pytest.approx((420 * 31 + 120 * 60) / 7 * 10)
    tables = result.tables()
    assert list(tables["output"].columns) == ["variant", "month", "year", "quantity"]
    assert {"month", "finish_month"} <= set(tables["builds"].columns)
    assert "months_late" in tables["orders"].columns
    assert "week" in result.output.columns  # in memory the column keeps its name
    out = tmp_path / "out"
    folder = evramp.write_scenario(scenario, tmp_path / "monthly")
    cli = runner.invoke(app, ["plan", str(folder), "--out", str(out)])
    assert cli.exit_code == 0, cli.output
    assert "Planning 3 months" in cli.stdout
    assert "binding in 2 months (2024-01 to 2024-02); one more job a month" in cli.stdout
    header = (out / "plan" / "capacity.csv").read_text().splitlines()[0]
    assert header.startswith("shop,month,year,capacity")
    assert "What binds each month" in (out / "plan" / "report.html").read_text()


@pytest.mark.parametrize(("bucket", "column"), [("day", "day"), ("week", "week")])
def test_csv_time_columns_are_named_after_the_bucket(bucket: str, column: str) -> None:
    result = evramp.plan(in_buckets(one_car_one_shop(weeks=2), bucket))
    tables = result.tables()
    assert list(tables["stock"].columns)[:2] == ["item", column] or tables["stock"].empty
    assert list(tables["capacity"].columns)[:2] == ["shop", column]
    assert {f"release_{column}", f"receipt_{column}"} <= set(tables["purchases"].columns)


# --- invariants in every bucket --------------------------------------------------------------


def _mondays(scenario: Scenario) -> Scenario:
    """Shutdowns from the Monday of their week: other days are refused in days and months."""
    shutdowns = tuple(
        s.model_copy(update={"start": s.start - dt.timedelta(days=s.start.weekday())})
        for s in scenario.calendar.shutdowns
    )
    return replace(scenario, calendar=scenario.calendar.model_copy(update={"shutdowns": shutdowns}))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plants(), st.sampled_from(["day", "month"]))
def test_random_plants_keep_every_invariant_in_days_and_months(
    scenario: Scenario, bucket: str
) -> None:
    scenario = in_buckets(_mondays(scenario), bucket)
    assert evramp.validate(scenario) == []
    check_plan(scenario, evramp.plan(scenario))


# --- bad input -------------------------------------------------------------------------------


def test_an_unknown_bucket_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    folder = evramp.write_scenario(build_scenario(), tmp_path / "scn")
    replace_text("scenario.yaml", "bucket: week", "bucket: fortnight")(folder)
    expected = (
        "scenario.yaml: calendar.bucket: expected one of 'day', 'week' or 'month', got 'fortnight'"
    )
    with pytest.raises(ScenarioInvalid) as raised:
        evramp.load_scenario(folder)
    assert [str(e) for e in raised.value.errors] == [expected]
    out = tmp_path / "out"
    result = runner.invoke(app, ["plan", str(folder), "--out", str(out)])
    assert_cli_rejects(result, folder, [expected], skipped=4)
    assert not out.exists()


def test_a_shutdown_from_midweek_is_ambiguous_in_days_and_months() -> None:
    scenario = build_scenario()
    thursday = Shutdown(name="retool", start=dt.date(2025, 1, 30), weeks=1)
    daily = scenario.calendar.model_copy(update={"bucket": "day", "shutdowns": (thursday,)})
    errors = evramp.validate(replace(scenario, calendar=daily))
    assert errors == [
        ScenarioError(
            "scenario.yaml",
            0,
            "calendar.shutdowns.0.start",
            "2025-01-30 is a Thursday; shutdowns close whole weeks from Monday, so with daily "
            "buckets start must be a Monday (the week of 2025-01-27?)",
        )
    ]
    weekly = scenario.calendar.model_copy(update={"shutdowns": (thursday,)})
    assert evramp.validate(replace(scenario, calendar=weekly)) == []


def test_the_compiled_horizon_has_one_column_per_bucket() -> None:
    scenario = one_car_one_shop(weeks=13)
    assert compile_scenario(scenario).bucket_count == 13
    assert compile_scenario(in_buckets(scenario, "day")).bucket_count == 91
    assert compile_scenario(in_buckets(scenario, "month")).bucket_count == 3
    assert Calendar(first_week=START, horizon_weeks=13, bucket="month").end == day(91)
