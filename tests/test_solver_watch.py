"""HiGHS watched from the calling thread: time limits that hold, Ctrl-C (a real SIGINT) within
about a second, the best integer plan kept, a MIP start used, the model written as HiGHS sees
it. Real HiGHS runs throughout; a slow callback stands in for HiGHS' heuristics that look at
neither the clock nor the interrupt callback."""

from __future__ import annotations

import dataclasses
import math
import os
import signal
import threading
import time
from pathlib import Path

import highspy
import numpy as np
import pytest

import evramp
from evramp.plan import PlanInterrupted, Progress
from evramp.plan.index import compile_scenario
from evramp.plan.lp import build_lp
from evramp.plan.solve import INTERRUPTED, TIME_LIMIT, highs_for, new_highs, solve
from evramp.plan.watch import (
    GRACE_SECONDS,
    Abandoned,
    HighsInterrupted,
    Watcher,
    abandoned_runs,
)
from tests.busy_shop import busy_shop, busy_shop_mip
from tests.checks import check_plan
from tests.factory import one_car_one_shop, order


def test_a_run_that_ignores_its_time_limit_is_given_up_with_the_best_plan_seen() -> None:
    """HiGHS is held in a solution callback for 20 s (as its rounding heuristic once held it
    for minutes): the watcher stops waiting 1 s after the 1 s limit and returns the plan that
    the callback copied."""
    lp = busy_shop_mip()
    highs = highs_for(lp, "choose")
    highs.setOptionValue("time_limit", 1.0)
    started = time.monotonic()
    watcher = Watcher(highs, lp.shape[1], deadline=started + 1.0)
    held: list[float] = []
    release = threading.Event()

    def hold_highs(event: object) -> None:
        if not held:
            held.append(time.monotonic())
            release.wait(20.0)

    highs.cbMipImprovingSolution.subscribe(hold_highs)  # after the watcher's own copy
    with pytest.raises(Abandoned) as gave_up:
        watcher.run()
    waited = time.monotonic() - started
    assert held, "HiGHS found no plan to hold it in"
    assert waited < 1.0 + GRACE_SECONDS + 3.0  # not the 20 s HiGHS is held for
    assert abandoned_runs() >= 1
    kept = gave_up.value.incumbent
    assert kept is not None and kept.x.shape == (lp.shape[1],)
    assert float(lp.cost @ kept.x) == pytest.approx(kept.objective, rel=1e-9)
    assert math.isfinite(kept.gap)
    # Let the abandoned HiGHS go on to its end: a C++ thread still inside HiGHS when the test
    # run's interpreter exits aborts it ("terminate called without an active exception").
    release.set()
    deadline = time.monotonic() + 30
    while abandoned_runs() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert abandoned_runs() == 0


def test_ctrl_c_stops_an_lp_within_the_grace_period() -> None:
    """SIGINT is sent from inside HiGHS (its 3rd interior-point check), so the LP is
    certainly running; HiGHS must return by itself (status Interrupted), not be abandoned."""
    scenario = evramp.load_scenario("yizhuang")
    lp = build_lp(compile_scenario(scenario))
    highs = highs_for(lp, "ipm")
    watcher = Watcher(highs, lp.shape[1])
    checks: list[int] = []

    def interrupt_on_third_check(event: object) -> None:
        checks.append(1)
        if len(checks) == 3:
            os.kill(os.getpid(), signal.SIGINT)

    highs.cbIpmInterrupt.subscribe(interrupt_on_third_check)
    before = abandoned_runs()
    with pytest.raises(HighsInterrupted) as stopped:
        watcher.run()
    assert stopped.value.incumbent is None  # an LP has no integer plan to offer
    assert abandoned_runs() == before
    assert highs.getModelStatus() == highspy.HighsModelStatus.kInterrupt


def test_ctrl_c_in_integer_mode_offers_the_best_plan_found() -> None:
    """A real SIGINT once the MIP has a plan: planning raises PlanInterrupted holding that
    plan, marked 'Stopped by Ctrl-C', with its gap, and every invariant of a plan holds."""
    scenario = busy_shop()
    sent: list[float] = []

    def interrupt_once_a_plan_is_found(progress: Progress) -> None:
        if math.isfinite(progress.objective) and progress.seconds > 0.5 and not sent:
            sent.append(time.monotonic())
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(PlanInterrupted) as stopped:
        evramp.plan(scenario, integer=True, time_limit=60, progress=interrupt_once_a_plan_is_found)
    assert sent
    result = stopped.value.result
    assert result is not None
    assert result.status == INTERRUPTED == "Stopped by Ctrl-C"
    assert 0 < result.gap < math.inf
    assert stopped.value.seconds < 10  # the limit was 60 s: the solve stopped at the signal
    check_plan(scenario, result)


def test_the_time_limit_holds_and_keeps_the_plan_found() -> None:
    scenario = busy_shop()
    started = time.monotonic()
    result = evramp.plan(scenario, integer=True, time_limit=2.0, mip_gap=0.0)
    assert time.monotonic() - started < 2.0 + GRACE_SECONDS + 3.0
    assert result.status == TIME_LIMIT
    assert result.gap > 0
    check_plan(scenario, result)


def test_progress_reports_elapsed_time_plan_bound_and_gap() -> None:
    reports: list[Progress] = []
    evramp.plan(busy_shop(), integer=True, time_limit=1.5, progress=reports.append)
    assert len(reports) >= 5  # about every 0.1 s
    seconds = [report.seconds for report in reports]
    assert seconds == sorted(seconds)
    last = reports[-1]
    assert last.bound <= last.objective < math.inf
    assert last.gap == pytest.approx(abs(last.objective - last.bound) / abs(last.objective))


def test_a_mip_start_is_the_plan_highs_keeps_when_it_searches_no_further() -> None:
    """Stopped before any search of its own (no presolve, no heuristics, no nodes), HiGHS has
    no plan without a start; given one (a plan that builds and delivers nothing, optimal when
    everything costs) it returns exactly that plan."""
    scenario = one_car_one_shop(weeks=4, jobs_per_week=10.5, demand=[order("O", 40, 3)])
    lp = build_lp(compile_scenario(scenario), integer=True)
    no_search: dict[str, str | float] = {
        "presolve": "off",
        "mip_heuristic_effort": 0.0,
        "mip_max_nodes": 0,
    }
    own = solve(lp, options=no_search)
    assert not math.isfinite(own.objective)
    nothing = solve(dataclasses.replace(lp, cost=np.abs(lp.cost)))
    started = solve(lp, start=nothing.x, options=no_search)
    assert np.allclose(started.x, nothing.x)
    assert started.objective == pytest.approx(float(lp.cost @ nothing.x))
    assert started.objective > solve(lp).objective  # the start is not the optimum


def test_a_start_of_the_wrong_length_is_refused() -> None:
    lp = build_lp(compile_scenario(one_car_one_shop(weeks=2)), integer=True)
    with pytest.raises(ValueError, match="one value per column"):
        solve(lp, start=np.zeros(3))


@pytest.mark.parametrize("integer", [False, True])
def test_the_model_file_reads_back_to_the_same_optimum(integer: bool, tmp_path: Path) -> None:
    scenario = one_car_one_shop(weeks=6, jobs_per_week=10.5)
    model = tmp_path / "model.mps"
    result = evramp.plan(scenario, integer=integer, model_file=model, mip_gap=0.0)
    highs = new_highs()
    highs.setOptionValue("output_flag", False)
    assert highs.readModel(str(model)) == highspy.HighsStatus.kOk
    assert (highs.getNumCol(), highs.getNumRow()) == (result.size.columns, result.size.rows)
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert highs.getInfo().objective_function_value == pytest.approx(result.objective, rel=1e-9)
    assert [path.name for path in tmp_path.iterdir()] == ["model.mps"]  # no temporary left
