"""Re-planning on actuals: the past fixed, the frozen window held, the warm start's optimum the
cold one's, and bad actuals refused at their rows."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

from evramp import write_scenario
from evramp.model import Actual, Scenario, ScenarioInvalid
from evramp.plan import NOT_LEVELLED, PlanFailed, PlanResult, Previous, ReplanRequest, plan
from tests.factory import car_and_component, order, week

EVRAMP = str(Path(sys.executable).with_name("evramp"))


def built(item: str, shop: str, n: int, quantity: float) -> Actual:
    return Actual(kind="built", date=week(n), item=item, shop=shop, quantity=quantity)


def delivered(order_id: str, n: int, quantity: float) -> Actual:
    return Actual(kind="delivered", date=week(n), order=order_id, quantity=quantity)


def weekly(result: PlanResult, item: str) -> np.ndarray:
    """Units of `item` started per bucket (0 where none)."""
    builds = result.builds.drop_duplicates(["item", "week"])
    rows = builds[builds["item"] == item]
    series = pd.Series(rows["quantity"].to_numpy(), index=rows["week"].dt.strftime("%Y-%m-%d"))
    return series.reindex(result.bucket_starts, fill_value=0.0).to_numpy()


def previous_of(result: PlanResult) -> Previous:
    def iso(frame: pd.DataFrame, *names: str) -> pl.DataFrame:
        data: dict[str, list[str] | list[float]] = {
            c: frame[c].astype(str).to_list() for c in frame.columns if c not in names
        }
        data |= {n: frame[n].dt.strftime("%Y-%m-%d").to_list() for n in names}
        data |= {"quantity": frame["quantity"].astype(float).to_list()}
        return pl.DataFrame(data)

    return Previous.of(
        iso(result.builds, "week"), iso(result.purchases, "release_week", "receipt_week")
    )


def plant(lead_time: int = 0, *actuals: Actual) -> Scenario:
    """Cars from bodies, both shops at 100 a week, one order for more than 8 weeks make."""
    return car_and_component(
        8, lead_time=lead_time, demand=(order("O1", 2000, 0),), actuals=tuple(actuals)
    )


def test_the_past_is_fixed_at_the_actuals_and_the_rest_replanned_at_capacity() -> None:
    scenario = plant(
        0,
        built("CAR", "GA", 0, 80),
        built("CAR", "GA", 1, 70),
        built("BODY", "BODYSHOP", 0, 90),
        built("BODY", "BODYSHOP", 1, 90),
        delivered("O1", 0, 80),
        delivered("O1", 1, 60),
    )
    result = plan(scenario, level=NOT_LEVELLED, replan=ReplanRequest(week(2)))
    assert weekly(result, "CAR")[:2].tolist() == [80, 70]
    assert weekly(result, "BODY")[:2].tolist() == [90, 90]
    # From the as-of week both shops run at 100 a week; the 30 spare bodies and 10 cars in
    # stock mean the body shop need not build all 100 in every week to keep GA full.
    assert np.allclose(weekly(result, "CAR")[2:], 100)
    assert weekly(result, "BODY")[2:].sum() == pytest.approx(600 - 30)
    deliveries = result.deliveries.groupby(result.deliveries["week"].dt.strftime("%Y-%m-%d"))
    by_week = deliveries["quantity"].sum()
    assert by_week[week(0).isoformat()] == 80
    assert by_week[week(1).isoformat()] == 60
    assert result.deliveries["quantity"].sum() == pytest.approx(150 + 600)
    assert result.as_of == week(2).isoformat()


def test_frozen_builds_are_kept_as_the_previous_plan_has_them() -> None:
    # The previous plan was made for a small order: it builds 40 cars in each of weeks 0-9.
    small = car_and_component(8, lead_time=1, demand=tuple(order(f"S{n}", 40, n) for n in range(8)))
    previous = plan(small, level=NOT_LEVELLED)
    assert np.allclose(weekly(previous, "CAR")[2:8], 40)
    scenario = plant(
        1,
        built("BODY", "BODYSHOP", 0, 40),
        built("CAR", "GA", 1, 40),
        built("BODY", "BODYSHOP", 1, 40),
        delivered("O1", 1, 40),
    )
    request = ReplanRequest(week(2), 3, previous_of(previous))
    frozen = plan(scenario, level=NOT_LEVELLED, replan=request)
    free = plan(scenario, level=NOT_LEVELLED, replan=ReplanRequest(week(2), 0, request.previous))
    assert np.allclose(weekly(frozen, "CAR")[2:5], 40)  # held, where the big order wants 100
    assert np.allclose(weekly(frozen, "BODY")[2:5], 40)
    assert np.allclose(weekly(frozen, "CAR")[6:], 100)  # week 5: the 40 bodies of week 4
    assert not np.allclose(weekly(free, "CAR")[2:5], 40)
    assert frozen.frozen == 3


def test_a_frozen_week_that_cannot_be_kept_is_named_with_what_stops_it() -> None:
    cold = plan(plant(1), level=NOT_LEVELLED)
    assert weekly(cold, "CAR")[2] == pytest.approx(100)
    # Only 50 bodies were built in week 1, so week 2 cannot assemble the 100 cars frozen.
    scenario = plant(
        1,
        built("BODY", "BODYSHOP", 0, 100),
        built("BODY", "BODYSHOP", 1, 50),
        built("CAR", "GA", 1, 100),
        delivered("O1", 1, 100),
    )
    with pytest.raises(PlanFailed) as failed:
        plan(scenario, level=NOT_LEVELLED, replan=ReplanRequest(week(2), 1, previous_of(cold)))
    message = str(failed.value)
    assert f"CAR in the week of {week(2)}: 100 frozen, 50 possible (BODY short)" in message


def test_a_warm_start_reaches_the_cold_optimum_with_fewer_iterations(
    default_scenario: Scenario, default_plan: PlanResult
) -> None:
    as_of = dt.date.fromisoformat(default_plan.bucket_starts[40])
    scenario = dataclasses.replace(default_scenario, actuals=_as_planned(default_plan, as_of))
    request = ReplanRequest(as_of, 2, previous_of(default_plan))
    cold = plan(scenario, replan=request)
    warm = plan(scenario, replan=request, warm=default_plan.bases)
    assert (cold.warm, warm.warm) == ("", "used")
    assert warm.objective == pytest.approx(cold.objective, rel=1e-9)
    assert warm.levelling is not None and cold.levelling is not None
    assert warm.levelling.change_after == pytest.approx(
        cold.levelling.change_after, rel=1e-6, abs=1e-3
    )


def _as_planned(result: PlanResult, as_of: dt.date) -> tuple[Actual, ...]:
    """Actuals that did exactly what `result` planned before `as_of`."""
    day = np.datetime64(as_of)
    rows: list[Actual] = []
    builds = result.builds[result.builds["week"].to_numpy() < day]
    for item, shop, when, quantity in builds[["item", "shop", "week", "quantity"]].itertuples(
        index=False
    ):
        rows.append(Actual(kind="built", date=when.date(), item=item, shop=shop, quantity=quantity))
    deliveries = result.deliveries[result.deliveries["week"].to_numpy() < day]
    for order_id, when, quantity in deliveries[["order", "week", "quantity"]].itertuples(
        index=False
    ):
        rows.append(Actual(kind="delivered", date=when.date(), order=order_id, quantity=quantity))
    return tuple(rows)


def test_a_basis_of_another_shape_is_not_used_and_says_why() -> None:
    small = plan(plant(0), level=NOT_LEVELLED)
    other = plan(car_and_component(9, demand=(order("O1", 2000, 0),)), level=NOT_LEVELLED)
    result = plan(plant(0), level=NOT_LEVELLED, replan=ReplanRequest(week(0)), warm=other.bases)
    assert "another shape" in result.warm
    assert result.objective == pytest.approx(small.objective)


def test_bad_actuals_are_refused_at_their_rows_all_at_once() -> None:
    scenario = plant(
        0,
        built("CAR", "GA", 0, 50),
        built("BODY", "BODYSHOP", 0, 50),
        built("CAR", "GA", 3, 10),  # on the as-of date
        delivered("O1", 0, 80),  # more than was built
    )
    with pytest.raises(ScenarioInvalid) as invalid:
        plan(scenario, replan=ReplanRequest(week(3)))
    lines = [str(error) for error in invalid.value.errors]
    assert any("actuals.csv:4: date:" in line and "on or after" in line for line in lines)
    assert len(lines) == 1  # the overdraw is checked once the dates are right
    scenario = dataclasses.replace(scenario, actuals=scenario.actuals[:2] + scenario.actuals[3:])
    with pytest.raises(ScenarioInvalid) as invalid:
        plan(scenario, replan=ReplanRequest(week(3)))
    assert [str(e) for e in invalid.value.errors] == [
        f"actuals.csv:4: quantity: CAR is overdrawn by the week of {week(0)}: 80 used by actual "
        "builds and deliveries, 50 on hand, received or built by then"
    ]


def test_the_command_refuses_bad_actuals_with_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    folder = write_scenario(plant(0), tmp_path / "plant")
    with (folder / "actuals.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kind", "date", "item", "shop", "supplier", "order", "quantity"])
        writer.writerow(["built", week(0), "NOPE", "GA", "", "", 5])
        writer.writerow(["built", week(0), "CAR", "GA", "", "", -5])
        writer.writerow(["built", week(5), "CAR", "GA", "", "", 5])
        writer.writerow(["delivered", week(1), "", "", "", "O1", 500])
    out = tmp_path / "out"
    run = subprocess.run(
        [EVRAMP, "replan", str(folder), "--as-of", str(week(2)), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert "actuals.csv:2: item: unknown item 'NOPE'" in run.stderr
    assert "actuals.csv:3: quantity: must be >= 0, got -5" in run.stderr
    assert "actuals.csv:4: date:" in run.stderr
    assert not (out / "plan").exists()


def test_bad_actuals_in_a_workbook_are_refused_at_their_sheet_and_cell(tmp_path: Path) -> None:
    """The overdraw is found in re-planning, after the workbook was read: it is still said at
    the actuals sheet's cell, not at a line of actuals.csv."""
    from evramp.io.workbook import write_workbook

    scenario = plant(0, built("CAR", "GA", 0, 50), built("BODY", "BODYSHOP", 0, 50))
    overdrawn = dataclasses.replace(scenario, actuals=(*scenario.actuals, delivered("O1", 0, 80)))
    book = write_workbook(overdrawn, tmp_path / "plant.xlsx")
    run = subprocess.run(
        [EVRAMP, "replan", str(book), "--as-of", str(week(3)), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert re.search(r"plant\.xlsx: actuals![A-Z]+4: quantity: CAR is overdrawn", run.stderr), (
        run.stderr
    )
    assert "actuals.csv" not in run.stderr


def test_the_command_replans_from_the_plan_it_wrote_and_reports_the_change(
    tmp_path: Path,
) -> None:
    folder = write_scenario(plant(0), tmp_path / "plant")
    out = tmp_path / "out"
    first = subprocess.run(
        [EVRAMP, "plan", str(folder), "--out", str(out)], capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    assert (out / "plan" / "basis.npz").is_file()
    with (folder / "actuals.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kind", "date", "item", "shop", "supplier", "order", "quantity"])
        for n in (0, 1):
            writer.writerow(["built", week(n), "CAR", "GA", "", "", 60])
            writer.writerow(["built", week(n), "BODY", "BODYSHOP", "", "", 60])
            writer.writerow(["delivered", week(n), "", "", "", "O1", 60])
    again = subprocess.run(
        [EVRAMP, "replan", str(folder), "--as-of", str(week(2)), "--frozen", "2", "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
    assert "started from the basis of" in again.stdout
    assert "instability 0.0%" in again.stdout  # the weeks from as-of on build as planned
    changes = pd.read_csv(out / "plan" / "changes.csv")
    assert list(changes.columns) == ["variant", "week", "before", "after", "change"]
    assert changes["change"].abs().max() == pytest.approx(0, abs=1e-6)
    builds = pd.read_csv(out / "plan" / "builds.csv")
    first_weeks = builds[builds["week"] < str(week(2))]
    assert set(first_weeks["quantity"]) == {60}


def test_the_past_may_have_built_more_than_the_model_said_the_shop_could() -> None:
    # 130 cars in a week of a 100-a-week shop: what was built was built; the future stays at 100.
    scenario = plant(
        0,
        built("CAR", "GA", 0, 130),
        built("BODY", "BODYSHOP", 0, 130),
        delivered("O1", 0, 130),
    )
    result = plan(scenario, level=NOT_LEVELLED, replan=ReplanRequest(week(1)))
    assert weekly(result, "CAR")[0] == 130
    assert np.allclose(weekly(result, "CAR")[1:], 100)
    capacity = result.capacity[result.capacity["shop"] == "GA"]
    assert capacity["load"].iloc[0] == pytest.approx(130)
