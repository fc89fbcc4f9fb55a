"""`evramp risk`: disruptions sampled, applied as bound changes, re-planned and summarised.

Every scenario is a tiny hand plant (tests/factory.py): one car made in one shop, 100 jobs a
week, 8 weeks, 100 cars due each week, so the expected figures can be worked out by hand.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import evramp
from evramp.cli import app
from evramp.model import BomLine, Disruption, Item, Scenario, ShiftChange, Shop, Supplier
from evramp.model.records import SupplierCapacity
from evramp.plan import PlanResult
from evramp.report.risk_html import write_risk_report
from evramp.risk import RiskResult, compile_risks, sample, sample_run, simulate, tables
from evramp.risk.summary import tornado, unmeasured
from tests.factory import HOURS_PER_WEEK, learning_ramp, one_car_one_shop, order, week

WEEKS = 8
runner = CliRunner(env={"COLUMNS": "500"})


def weekly_demand(**changes: Any) -> list[Any]:
    return [order(f"O{t}", 100, t, **changes) for t in range(WEEKS)]


def plant(*disruptions: Disruption, **changes: Any) -> Scenario:
    """GA makes 100 cars a week on two shifts (so one shift is half); 100 due every week."""
    two_shifts = Shop(id="GA", rate=100 / (2 * HOURS_PER_WEEK), shifts_per_day=2, days_per_week=5)
    scenario = one_car_one_shop(WEEKS, demand=weekly_demand(), shops=(two_shifts,))
    return dataclasses.replace(scenario, disruptions=disruptions, **changes)


def shop_risk(probability: float, **fields: Any) -> Disruption:
    values: dict[str, Any] = {"id": "fire", "target_kind": "shop", "shop": "GA"}
    values.update(probability=probability, **fields)
    return Disruption(**values)


def per_week(frame: pd.DataFrame, weeks: list[str]) -> np.ndarray:
    return frame.groupby("week")["quantity"].sum().reindex(weeks, fill_value=0.0).to_numpy()


def assert_run_is_plan(result: RiskResult, run: int, plan: PlanResult) -> None:
    outcome = result.outcomes[run]
    assert outcome.ok
    np.testing.assert_allclose(outcome.built, per_week(plan.output, plan.bucket_starts), atol=1e-6)
    np.testing.assert_allclose(
        outcome.delivered, per_week(plan.deliveries, plan.bucket_starts), atol=1e-6
    )
    assert outcome.objective == pytest.approx(plan.objective, rel=1e-9, abs=1e-6)


def test_a_certain_disruption_is_the_plan_with_that_capacity_lost() -> None:
    """Half the shop lost in weeks 2-4 for sure = one shift instead of two in those weeks:
    built 100, 100, 50, 50, 50, 100, 100, 100."""
    risky = plant(shop_risk(1.0, start=week(2), min_weeks=3, capacity_lost=0.5))
    halved = plant(
        shifts=(
            ShiftChange(shop="GA", start=week(2), shifts_per_day=1, days_per_week=5),
            ShiftChange(shop="GA", start=week(5), shifts_per_day=2, days_per_week=5),
        )
    )
    deterministic = evramp.plan(halved)
    np.testing.assert_allclose(
        per_week(deterministic.output, deterministic.bucket_starts),
        [100, 100, 50, 50, 50, 100, 100, 100],
    )
    result = simulate(risky, runs=3, seed=1, workers=1)
    for run in range(3):
        assert_run_is_plan(result, run, deterministic)
    assert result.outcomes[0].delivered.sum() == pytest.approx(650)


def halved_from(start: int, **changes: Any) -> Scenario:
    """The plant working one shift of its two in weeks start .. start + 2."""
    shifts = [ShiftChange(shop="GA", start=week(start), shifts_per_day=1, days_per_week=5)]
    if start + 3 < WEEKS:
        shifts.append(
            ShiftChange(shop="GA", start=week(start + 3), shifts_per_day=2, days_per_week=5)
        )
    return plant(shifts=tuple(shifts), **changes)


def test_a_disruption_of_a_learning_shop_scales_its_learned_capacity() -> None:
    """On a learning curve the shop's capacity is full rate × share(experience): losing half of
    it for 3 weeks is the same as working one shift of two then (the chords scale too). The
    start week is drawn, so one worker solves runs with different chords changed in turn: each
    must find the chords of the run before restored."""
    curve = (learning_ramp(0.8, full_volume=400, start_volume=10),)
    risky = plant(shop_risk(0.7, min_weeks=3, capacity_lost=0.5), ramps=curve)
    base = evramp.plan(plant(ramps=curve))
    result = simulate(risky, runs=12, seed=1, workers=1)
    model = compile_risks(risky)
    starts = set()
    for run in range(12):
        factor = sample_run(model, 1, run).shop_factor[0]
        if (factor == 1).all():
            assert_run_is_plan(result, run, base)
            continue
        start = int(np.flatnonzero(factor < 1)[0])
        starts.add(start)
        assert_run_is_plan(result, run, evramp.plan(halved_from(start, ramps=curve)))
    assert len(starts) >= 2
    early = evramp.plan(halved_from(1, ramps=curve))
    assert per_week(early.output, early.bucket_starts)[1] < 50 - 1e-6  # still learning: under half


def test_a_certain_supplier_outage_is_the_plan_with_that_capacity_profile() -> None:
    """A battery bought from one line (100 a week, enough for every car: a part the planner
    would take out of the LP) delivers nothing in weeks 3-4 for sure; the same as a capacity
    profile 100, 0 from week 3, 100 from week 5. The part must stay in the LP for this."""
    parts = {
        "items": (Item(id="CAR", kind="vehicle"), Item(id="BAT", kind="part")),
        "bom": (BomLine(parent="CAR", child="BAT", quantity=1),),
        "suppliers": (Supplier(supplier="S1", item="BAT", capacity=100, price=5),),
    }
    outage = Disruption(
        id="flood",
        target_kind="supplier_line",
        supplier="S1",
        item="BAT",
        probability=1.0,
        start=week(3),
        min_weeks=2,
    )
    profile = (
        SupplierCapacity(supplier="S1", item="BAT", start=week(3), capacity=0),
        SupplierCapacity(supplier="S1", item="BAT", start=week(5), capacity=100),
    )
    deterministic = evramp.plan(plant(supplier_capacity=profile, **parts))
    assert per_week(deterministic.output, deterministic.bucket_starts)[3:5].sum() == 0
    result = simulate(plant(outage, **parts), runs=2, seed=3, workers=1)
    for run in range(2):
        assert_run_is_plan(result, run, deterministic)


def test_zero_probability_gives_the_base_plan_in_every_run() -> None:
    never = (
        shop_risk(0.0, min_weeks=2, max_weeks=4),
        shop_risk(0.0, per="week", capacity_lost=0.3).model_copy(update={"id": "slow"}),
    )
    base = evramp.plan(plant())
    result = simulate(plant(*never), runs=20, seed=5, workers=2)
    assert result.finished == 20 and not result.failed
    for run in range(20):
        assert_run_is_plan(result, run, base)
    assert not any(o.disrupted for o in result.outcomes.values())
    assert (tables(result, None, "2024")["tornado"]["delivered_lost"] == 0).all()


def test_percentiles_of_a_two_point_distribution() -> None:
    """With probability 0.3 the shop is lost for the whole horizon: 0 delivered, else 800.
    Expected by hand: P10 = 0 (0 in 30 % of runs > 10 %), P50 = P90 = 800, a target of 500
    missed with probability 0.3 (200 runs: standard error 0.032, so within 0.1), and the
    tornado's only source costs 0.3 × 800 = 240 cars on average (within 80)."""
    risky = plant(shop_risk(0.3, min_weeks=WEEKS))
    result = simulate(risky, runs=200, seed=11, workers=2)
    assert result.finished == 200 and not result.failed
    totals = {round(float(o.delivered.sum()), 6) for o in result.outcomes.values()}
    assert totals == {0.0, 800.0}
    frames = tables(result, 500, "2024")
    yearly = frames["yearly"].set_index("year").loc["2024"]
    assert (yearly["delivered_p10"], yearly["delivered_p50"], yearly["delivered_p90"]) == (
        0,
        800,
        800,
    )
    assert yearly["built_base"] == 800
    assert abs(yearly["miss_probability"] - 0.3) < 0.1
    (lost,) = frames["tornado"]["delivered_lost"]
    assert abs(lost - 240) < 80
    # Lateness of the lost runs: 100 cars due each week, all still open at the end of week 7.
    late = frames["lateness"].set_index("priority").loc[1]
    assert late["base_vehicle_weeks"] == 0
    assert late["p90_vehicle_weeks"] == pytest.approx(sum(100 * (t + 1) for t in range(WEEKS)))


def mixed() -> Scenario:
    """A supplier line, a part, the shop per week and per horizon, one group: everything."""
    parts = {
        "items": (
            Item(id="CAR", kind="vehicle"),
            Item(id="BAT", kind="part"),
            Item(id="CHIP", kind="part"),
        ),
        "bom": (
            BomLine(parent="CAR", child="BAT", quantity=1),
            BomLine(parent="CAR", child="CHIP", quantity=2),
        ),
        "suppliers": (
            Supplier(supplier="S1", item="BAT", capacity=80, price=5),
            Supplier(supplier="S2", item="BAT", capacity=50, price=6),
            Supplier(supplier="N1", item="CHIP", capacity=300, lead_time=1, price=1),
        ),
    }
    return plant(
        shop_risk(0.1, per="week", min_weeks=1, max_weeks=3, capacity_lost=0.4),
        Disruption(
            id="chips",
            target_kind="part",
            item="CHIP",
            probability=0.5,
            min_weeks=2,
            max_weeks=5,
            capacity_lost=0.7,
            group="shortage",
        ),
        Disruption(
            id="s1",
            target_kind="supplier_line",
            supplier="S1",
            item="BAT",
            probability=0.5,
            min_weeks=1,
            max_weeks=2,
            group="shortage",
        ),
        **parts,
    )


def test_same_seed_same_results_with_one_and_two_workers() -> None:
    one = simulate(mixed(), runs=40, seed=42, workers=1, tornado_runs=10)
    two = simulate(mixed(), runs=40, seed=42, workers=2, tornado_runs=10)
    assert one.finished == two.finished == 40
    for run in range(40):
        a, b = one.outcomes[run], two.outcomes[run]
        assert (a.status, a.objective) == (b.status, b.objective)
        assert np.array_equal(a.built, b.built) and np.array_equal(a.delivered, b.delivered)
        assert np.array_equal(a.lateness, b.lateness)
    pd.testing.assert_frame_equal(
        tables(one, 700, "2024")["tornado"], tables(two, 700, "2024")["tornado"]
    )
    assert any(o.disrupted for o in one.outcomes.values())
    other = simulate(mixed(), runs=40, seed=43, workers=1, tornado_runs=0)
    assert any(
        not np.array_equal(one.outcomes[r].delivered, other.outcomes[r].delivered)
        for r in range(40)
    )


def test_dask_gives_the_local_results_on_a_real_local_cluster(tmp_path: Path) -> None:
    """A local Dask cluster of 2 single-threaded worker processes, started for the call."""
    local = simulate(mixed(), runs=30, seed=42, workers=2, tornado_runs=10)
    dask = simulate(mixed(), runs=30, seed=42, workers=2, tornado_runs=10, backend="dask")
    assert dask.finished == 30 and not dask.interrupted
    for run in range(30):
        a, b = local.outcomes[run], dask.outcomes[run]
        assert (a.status, a.objective) == (b.status, b.objective)
        assert np.array_equal(a.built, b.built) and np.array_equal(a.delivered, b.delivered)
    for name, frame in tables(local, 700, "2024").items():
        pd.testing.assert_frame_equal(frame, tables(dask, 700, "2024")[name], obj=name)


def test_a_group_happens_together_and_draws_do_not_depend_on_the_run_count() -> None:
    model = compile_risks(mixed())
    assert [s.name for s in model.sources] == ["fire", "shortage"]
    effects = sample(model, 60, seed=9)
    assert all(
        np.array_equal(a.line_factor, b.line_factor)
        and np.array_equal(a.shop_factor, b.shop_factor)
        for a, b in zip(effects[:10], sample(model, 10, seed=9), strict=True)
    )
    chip, s1 = 2, 0
    for run in effects:
        chips_hit = (run.line_factor[chip] < 1).any()
        assert chips_hit == (run.line_factor[s1] < 1).any()  # together or not at all
        if chips_hit:
            assert set(np.round(run.line_factor[chip], 6)) <= {0.3, 1.0}
            assert set(run.line_factor[s1]) <= {0.0, 1.0}
    assert 10 < sum((e.line_factor[chip] < 1).any() for e in effects) < 50


def test_a_ramp_slip_moves_the_capacity_profile_later() -> None:
    """A slip of 2 weeks for sure: nothing in weeks 0-1, then 100 a week: 600 cars."""
    ramp = evramp.model.Ramp(
        shop="GA", trial_start=week(0), trial_rate=100, sop=week(0), curve="linear", ramp_weeks=1
    )
    slip = Disruption(id="late-sop", target_kind="ramp", probability=1.0, min_weeks=2)
    result = simulate(plant(slip, ramps=(ramp,)), runs=1, seed=0)
    np.testing.assert_allclose(result.outcomes[0].built, [0, 0, *[100] * 6])


def test_a_failed_run_is_counted_and_reported(tmp_path: Path) -> None:
    """Orders that may not be late at all cannot be kept when the shop is lost: infeasible."""
    strict = dataclasses.replace(
        plant(shop_risk(1.0, start=week(3), min_weeks=1)),
        demand=tuple(o.model_copy(update={"max_weeks_late": 0}) for o in weekly_demand()),
    )
    result = simulate(strict, runs=4, seed=0)
    assert result.failed == [0, 1, 2, 3]
    folder = evramp.write_scenario(strict, tmp_path / "scn")
    cli = runner.invoke(app, ["risk", str(folder), "--runs", "4", "--out", str(tmp_path / "out")])
    assert cli.exit_code == 0, cli.output
    assert "4 failed (solver not optimal: runs 0, 1, 2, 3" in cli.stdout
    runs = pd.read_csv(tmp_path / "out" / "risk" / "runs.csv")
    assert list(runs["status"]) == ["Infeasible"] * 4


def test_interrupted_runs_are_kept() -> None:
    calls = []

    def stop(count: int) -> None:
        calls.append(count)
        raise KeyboardInterrupt

    result = simulate(mixed(), runs=100, seed=42, workers=2, tornado_runs=0, progress=stop)
    assert result.interrupted
    assert 0 < result.finished <= 100
    full = simulate(mixed(), runs=100, seed=42, workers=1, tornado_runs=0)
    for run, outcome in result.outcomes.items():
        assert np.array_equal(outcome.delivered, full.outcomes[run].delivered)


def test_cli_risk_writes_the_tables(tmp_path: Path) -> None:
    folder = evramp.write_scenario(plant(shop_risk(0.3, min_weeks=WEEKS)), tmp_path / "scn")
    out = tmp_path / "out"
    options = ["--runs", "50", "--seed", "2", "--workers", "2", "--target", "500"]
    result = runner.invoke(app, ["risk", str(folder), *options, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Chance of delivering fewer than 500 vehicles in 2024" in result.stdout
    names = sorted(p.name for p in (out / "risk").iterdir())
    assert names == [
        ".evramp-files",
        "lateness.csv",
        "report.html",
        "runs.csv",
        "tornado.csv",
        "weekly.csv",
        "yearly.csv",
    ]
    report = (out / "risk" / "report.html").read_text(encoding="utf-8")
    tornado = pd.read_csv(out / "risk" / "tornado.csv")
    assert "Vehicles delivered per week: P10 to P90" in report  # the fan chart
    assert "not delivered in 2024 when only that source happens" in report  # the tornado
    for source in tornado["source"]:
        assert f'"{source}"' in report
    runs = pd.read_csv(out / "risk" / "runs.csv")
    assert list(runs["run"]) == list(range(50))


def test_cli_risk_refuses_a_bad_disruption(tmp_path: Path) -> None:
    folder = evramp.write_scenario(plant(shop_risk(0.3)), tmp_path / "scn")
    text = (folder / "disruptions.csv").read_text().replace(",GA,", ",welding,")
    (folder / "disruptions.csv").write_text(text)
    result = runner.invoke(app, ["risk", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert (
        "disruptions.csv:2: shop: unknown shop 'welding'; expected an id from shops.csv"
        in result.stderr
    )
    assert not (tmp_path / "out").exists()


def test_an_interrupted_tornado_says_which_sources_were_not_run(tmp_path: Path) -> None:
    calls: list[int] = []

    def stop_after_the_main_runs(finished: int) -> None:
        calls.append(finished)  # runs finished since the last call
        if sum(calls) >= 20:  # the 20 runs done, the tornado not yet (or just begun)
            raise KeyboardInterrupt

    result = simulate(
        mixed(), runs=20, seed=1, workers=1, tornado_runs=20, progress=stop_after_the_main_runs
    )
    assert result.interrupted
    frame = tornado(result, result.years[0])
    finished = {
        source.name: len(result.alone.get(k, {})) for k, source in enumerate(result.sources)
    }
    assert dict(zip(frame["source"], frame["finished"], strict=True)) == finished
    assert 0 in finished.values() and sum(finished.values()) < 20 * len(finished)
    for done, optimal in zip(frame["finished"], frame["runs"], strict=True):
        said = unmeasured(int(done), int(optimal))
        if done == 0:
            assert said == "not run (interrupted before its runs)"
        elif optimal == 0:
            assert said is not None and said.startswith("no optimal run")
        else:
            assert said is None
    year = result.years[0]
    report = write_risk_report(
        tables(result, None, year), tmp_path / "report.html", "risk", year, result
    ).read_text(encoding="utf-8")
    assert "interrupted by Ctrl-C: a partial result" in report
    cell = 'colspan="4">not run (interrupted before its runs)</td>'
    assert report.count(cell) == list(finished.values()).count(0)
    # The tornado chart is drawn when a source has figures, else a note says why it is not.
    measured = any(
        unmeasured(int(done), int(optimal)) is None
        for done, optimal in zip(frame["finished"], frame["runs"], strict=True)
    )
    assert ('<div class="chart" id="tornado">' in report) is measured
    assert ('id="tornado-none"' in report) is not measured
    frames = tables(result, None, year)
    frames["tornado"] = frames["tornado"].assign(finished=0)  # as if stopped before them all
    none = write_risk_report(frames, tmp_path / "none.html", "risk", year, result)
    page = none.read_text(encoding="utf-8")
    assert 'id="tornado-none"' in page and '<div class="chart" id="tornado">' not in page
