"""The use cases of `evramp.app` called directly, as the REST API will call them: the same
results and files as the `evramp` command, refusals before any work, steps shown in order."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd
import pytest

import evramp
from evramp import app
from evramp.analysis.explain import problems
from evramp.model import Scenario
from evramp.plan import PlanResult, Progress
from evramp.report import binding_constraints
from tests.factory import one_car_one_shop, order

EVRAMP = str(Path(sys.executable).with_name("evramp"))
T = TypeVar("T")


class Steps:
    """A step runner that remembers the labels of the steps it ran."""

    def __init__(self) -> None:
        self.labels: list[str] = []

    def __call__(self, label: str, action: Callable[[], T], /) -> T:
        self.labels.append(label)
        return action()


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    process = subprocess.run([EVRAMP, *args], capture_output=True, text=True, check=False)
    assert process.returncode == 0, process.stderr
    return process


def csv_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


def test_plan_returns_the_tables_the_cli_writes(tmp_path: Path, default_scenario: Scenario) -> None:
    run_cli("plan", "--out", str(tmp_path / "cli"))
    steps = Steps()
    planned = app.plan(default_scenario, steps=steps)
    written = app.write_plan(planned, tmp_path / "app", steps)
    assert steps.labels == ["Planning 178 weeks", "Writing plan and report"]
    assert planned.stopped_after is None and planned.result.status == "Optimal"
    by_cli, by_app = csv_files(tmp_path / "cli" / "plan"), csv_files(written.folder)
    assert len(by_cli) == 9 and by_app == by_cli
    # The returned tables are those files: the yearly output read back from the CLI's CSV.
    output = pd.read_csv(tmp_path / "cli" / "plan" / "output.csv")
    assert output.groupby("year")["quantity"].sum().round(3).to_dict() == (
        planned.result.output.groupby("year")["quantity"].sum().round(3).to_dict()
    )
    assert not planned.binding.empty
    assert [path.name for path in written.files][-2:] == ["report.html", "basis.npz"]


def test_explain_of_an_unknown_order_is_refused_before_any_solve(
    default_scenario: Scenario,
) -> None:
    steps = Steps()
    with pytest.raises(app.BadInput) as refused:
        app.explain_order(default_scenario, "SO-240404-SU7-W", steps=steps)
    assert steps.labels == []  # the planning step never started
    assert refused.value.message.startswith(
        "unknown order id 'SO-240404-SU7-W': not a line of demand.csv (2,951 lines); "
        "did you mean SO-240404-SU7-WH"
    )


def test_explain_order_traces_a_late_order(
    default_scenario: Scenario, default_plan: PlanResult
) -> None:
    late = default_plan.orders[default_plan.orders["weeks_late"] > 0]
    order_id = str(late["order"].iloc[0])
    steps = Steps()
    explained = app.explain_order(default_scenario, order_id, steps=steps)
    assert steps.labels == ["Planning 178 weeks"]
    lines = explained.lines()
    assert lines[0].startswith(f"{order_id} (")
    assert len(lines) > 1  # the shops and parts that held it back


def test_explain_lists_the_most_binding_constraints_and_every_problem(
    default_scenario: Scenario, default_plan: PlanResult
) -> None:
    explanation = app.explain(default_scenario, top=4)
    expected = binding_constraints(default_plan, top=4)
    assert [b.constraint for b in explanation.binding] == expected
    for binding in explanation.binding:
        assert 1 <= len(binding.sentences) <= 3
        assert all("is worth" in sentence for sentence in binding.sentences)
    pd.testing.assert_frame_equal(explanation.problems, problems(default_scenario, default_plan))
    assert explanation.top == 4


def test_integer_mode_says_its_time_limit_and_reports_progress(
    default_scenario: Scenario,
) -> None:
    said: list[str] = []
    seen: list[Progress] = []
    options = app.PlanOptions(time_limit=4, integer=True)
    planned = app.plan(default_scenario, options, say=said.append, progress=seen.append)
    assert said == ["integer mode: time limit 4 s"]
    assert seen and all(progress.seconds >= 0 for progress in seen)
    assert planned.result.integer
    assert (planned.result.output["quantity"].round() == planned.result.output["quantity"]).all()


def test_a_plan_the_solver_does_not_reach_is_no_plan(default_scenario: Scenario) -> None:
    with pytest.raises(app.NoPlan) as failed:
        app.plan(default_scenario, app.PlanOptions(time_limit=0))
    assert failed.value.message.startswith(f"no plan for scenario {default_scenario.name!r}")
    assert failed.value.message.endswith("; no plan written")


def test_mrp_writes_the_purchase_orders_the_cli_writes(
    tmp_path: Path, default_scenario: Scenario
) -> None:
    run_cli("mrp", "--out", str(tmp_path / "cli"))
    orders = app.mrp(default_scenario)
    written = app.write_mrp(orders, tmp_path / "app")
    assert csv_files(written.folder) == csv_files(tmp_path / "cli" / "mrp")
    assert set(orders.orders["status"]) == {"firm", "planned"}
    assert len(orders.planned) < len(orders.orders)


def test_validate_counts_the_tables_and_rejects_a_scenario_with_problems(
    tmp_path: Path,
) -> None:
    valid = app.validate(None)
    assert valid.counts == {"items": 274, "bom": 1232, "shops": 6, "suppliers": 282, "demand": 2951}
    assert valid.summary().endswith(
        "is valid (274 items, 1232 bom, 6 shops, 282 suppliers, 2951 demand)"
    )
    folder = evramp.write_scenario(
        one_car_one_shop(weeks=3, demand=[order("O1", 100, 1)]), tmp_path / "s"
    )
    shops = folder / "shops.csv"
    header, row = shops.read_text(encoding="utf-8").splitlines()[:2]
    rate = header.split(",").index("rate")
    cells = row.split(",")
    cells[rate] = "-5"
    shops.write_text(f"{header}\n{','.join(cells)}\n", encoding="utf-8")
    with pytest.raises(app.ScenarioRejected) as rejected:
        app.validate(str(folder))
    assert rejected.value.message == f"scenario {folder} rejected (1 problem):"
    details = (rejected.value.details or "").splitlines()
    assert details[0] == "shops.csv:2: rate: must be > 0, got -5"


def test_out_and_model_file_are_refused_before_any_work(tmp_path: Path) -> None:
    in_the_way = tmp_path / "file"
    in_the_way.write_text("mine", encoding="utf-8")
    with pytest.raises(app.BadInput) as refused:
        app.out_folder(in_the_way, tmp_path, "plan")
    assert refused.value.message.endswith("; nothing written")
    assert in_the_way.read_text(encoding="utf-8") == "mine"
    with pytest.raises(app.BadInput, match=r"must end in \.mps or \.lp"):
        app.checked_model_file(tmp_path / "model.txt")
    assert app.checked_model_file(Path("model.lp")) == Path("model.lp").resolve()


def test_risk_counts_its_solves_runs_them_and_writes_the_result(
    tmp_path: Path, default_scenario: Scenario
) -> None:
    sources = len({d.group or d.id for d in default_scenario.disruptions})
    counted = app.prepare_risk(default_scenario, app.RiskOptions(runs=50), "yizhuang")
    assert counted.solves == 50 + sources * 50
    assert counted.announcement().startswith(f"{50 + sources * 50:,} solves: 50 runs + ")
    run = app.prepare_risk(default_scenario, app.RiskOptions(runs=2, tornado_runs=1), "yizhuang")
    finished: list[int] = []
    outcome = app.run_risk(run, progress=finished.append)
    assert sum(finished) == run.solves == 2 + sources
    assert not outcome.interrupted and outcome.result.finished == 2
    assert outcome.year == "2024"  # the first year the horizon covers in full
    written = app.write_risk(outcome, tmp_path)
    assert written.interrupted_words() is None
    assert {path.name for path in written.written.files} == {
        *(f"{name}.csv" for name in outcome.frames),
        "report.html",
    }


def test_risk_is_refused_without_disruptions_or_for_a_year_outside_the_horizon(
    default_scenario: Scenario,
) -> None:
    calm = one_car_one_shop(weeks=3, demand=[order("O1", 100, 1)])
    with pytest.raises(app.BadInput) as refused:
        app.prepare_risk(calm, app.RiskOptions(), "calm")
    assert refused.value.message == "calm: no disruptions.csv (or it is empty): no risk"
    with pytest.raises(app.BadInput) as refused:
        app.prepare_risk(default_scenario, app.RiskOptions(target_year="1999"), "yizhuang")
    assert refused.value.message == "--target-year 1999 is not in the horizon (2023 to 2026)"
