"""What the command says: help and error texts as written, and explain, mrp and risk saying what
they do (the plan they explain, the solves they run).

Every command runs in-process through Typer's CliRunner on tiny hand plants, so the whole file
takes a few seconds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

import evramp
from evramp.analysis.explain import peg
from evramp.analysis.mrp import purchase_orders
from evramp.cli import EXIT_BAD_INPUT, app
from evramp.model import (
    BomLine,
    Calendar,
    Disruption,
    Item,
    Order,
    Routing,
    Scenario,
    Supplier,
)
from tests.factory import one_car_one_shop, order

runner = CliRunner(env={"COLUMNS": "80"})
COMMANDS: dict[str, click.Command] = typer.main.get_command(app).commands  # type: ignore[attr-defined]


def squeezed(text: str) -> str:
    """`text` without whitespace: help is rewrapped to the terminal, its words are not."""
    return "".join(text.split())


def help_texts(command: click.Command) -> list[str]:
    texts = [command.help or ""]
    texts += [str(param.help) for param in command.params if getattr(param, "help", None)]
    return texts


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_help_text_is_printed_as_written(name: str) -> None:
    shown = runner.invoke(app, [name, "--help"])
    assert shown.exit_code == 0, shown.output
    for text in help_texts(COMMANDS[name]):
        assert squeezed(text) in squeezed(shown.stdout), text


def test_brackets_in_help_are_kept_and_the_command_list_is_not_cut() -> None:
    """Rich markup mode read `[dask]` as a style tag and printed "pip install 'evramp'"."""
    assert "pip install 'evramp[dask]'" in " ".join(
        runner.invoke(app, ["risk", "--help"]).stdout.split()
    )
    listing = runner.invoke(app, ["--help"]).stdout
    commands = listing.split("Commands:")[1]
    assert "..." not in commands  # click cuts a summary that does not fit into 80 columns
    for name, command in COMMANDS.items():
        summary = (command.help or "").split("\n")[0]
        assert f"{name}  " in listing and summary in listing, summary
    assert (
        "Usage: evramp explain [OPTIONS] [ORDER_ID]"
        in runner.invoke(app, ["explain", "--help"]).stdout
    )


def test_a_path_with_brackets_is_printed_as_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "[red]plant[/red] [dask]"
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == EXIT_BAD_INPUT
    assert f"error: scenario {folder} rejected (1 problem):" in result.stderr
    assert f"{folder}: not a scenario folder (no such directory: looked for {folder})" in (
        result.stderr
    )


def test_a_scenario_name_with_brackets_is_printed_as_it_is(tmp_path: Path) -> None:
    name = "[bold]Plant[/bold] [dask]"
    scenario = one_car_one_shop(weeks=3, demand=[order("O1", 100, 1)], name=name)
    folder = evramp.write_scenario(scenario, tmp_path / "scn")
    validated = runner.invoke(app, ["validate", str(folder)])
    assert validated.exit_code == 0, validated.output
    assert f"scenario {name!r} is valid" in validated.stdout
    planned = runner.invoke(app, ["plan", str(folder), "--out", str(tmp_path / "out")])
    assert planned.exit_code == 0, planned.output
    assert f"\n{name}: 2024-01-01 to 2024-01-15, solver Optimal" in planned.stdout


def risky_plant() -> Scenario:
    """One car, one shop, eight weeks; one disruption source (a fire) for `evramp risk`."""
    fire = Disruption(id="fire", target_kind="shop", shop="GA", probability=0.3, min_weeks=8)
    return one_car_one_shop(
        weeks=8, demand=[order(f"O{t}", 100, t) for t in range(8)], disruptions=(fire,)
    )


def test_the_missing_dask_error_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dask absent, as after a plain `pip install evramp` (None in sys.modules fails its
    import); the message must keep its brackets."""
    folder = evramp.write_scenario(risky_plant(), tmp_path / "scn")
    monkeypatch.setitem(sys.modules, "distributed", None)
    result = runner.invoke(
        app, ["risk", str(folder), "--backend", "dask", "--runs", "2", "--out", str(tmp_path)]
    )
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert "error: the dask backend needs Dask: pip install 'evramp[dask]'" in result.stderr


def test_risk_says_how_many_solves_it_runs(tmp_path: Path) -> None:
    folder = evramp.write_scenario(risky_plant(), tmp_path / "scn")
    result = runner.invoke(app, ["risk", str(folder), "--runs", "20", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    announced = "40 solves: 20 runs + 20 for the tornado (1 source alone × 20 runs;"
    assert lines[1].startswith(announced), lines[:2]  # before the first solve
    assert "40/40 solves" in result.stdout
    assert "Tornado: what each source costs when only it happens (mean of 20 runs)" in (
        result.stdout
    )


def test_risk_without_a_tornado_says_nothing_of_it(tmp_path: Path) -> None:
    folder = evramp.write_scenario(risky_plant(), tmp_path / "scn")
    options = ["--runs", "20", "--tornado-runs", "0", "--out", str(tmp_path)]
    result = runner.invoke(app, ["risk", str(folder), *options])
    assert result.exit_code == 0, result.output
    assert "20 solves: 20 runs; no tornado (--tornado-runs 0)" in result.stdout
    assert "20/20 solves" in result.stdout
    assert "Tornado" not in result.stdout
    assert "no optimal run" not in result.stdout


def test_a_target_year_outside_the_horizon_is_refused_before_any_solve(tmp_path: Path) -> None:
    folder = evramp.write_scenario(risky_plant(), tmp_path / "scn")
    options = ["--target", "500", "--target-year", "1999", "--out", str(tmp_path / "out")]
    result = runner.invoke(app, ["risk", str(folder), *options])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "error: --target-year 1999 is not in the horizon (2024 to 2024)" in result.stderr
    assert "solves" not in result.stdout
    assert not (tmp_path / "out").exists()


def test_the_default_target_year_is_the_first_full_year(tmp_path: Path) -> None:
    """From 2023-12-04 for 60 weeks: 2023 has 4 weeks, 2024 all 52; the help says so."""
    start = dt.date(2023, 12, 4)
    plant = dataclasses.replace(
        risky_plant(),
        calendar=Calendar(first_week=start, horizon_weeks=60),
        demand=tuple(
            Order(id=f"O{t}", variant="CAR", quantity=100, due=start + dt.timedelta(weeks=t))
            for t in range(60)
        ),
    )
    folder = evramp.write_scenario(plant, tmp_path / "scn")
    options = ["--runs", "4", "--tornado-runs", "0", "--target", "1", "--out", str(tmp_path)]
    result = runner.invoke(app, ["risk", str(folder), *options])
    assert result.exit_code == 0, result.output
    assert "Chance of delivering fewer than 1 vehicles in 2024" in result.stdout
    shown = " ".join(runner.invoke(app, ["risk", "--help"]).stdout.split())
    assert "the first calendar year the horizon covers in full" in shown


def priorities_plant() -> Scenario:
    """H takes 20 jobs a car and a chip, L one job; 40 jobs a week for 3 weeks, 4 H and 400 L
    due in week 0. Strict priorities build the 4 H cars (and buy their chips) in weeks 0 and 1;
    the weighted objective would rather build L cars and leave H short."""
    return one_car_one_shop(
        weeks=3,
        jobs_per_week=40.0,
        items=(
            Item(id="H", kind="vehicle"),
            Item(id="L", kind="vehicle"),
            Item(id="CHIP", kind="part"),
        ),
        bom=(BomLine(parent="H", child="CHIP", quantity=1),),
        suppliers=(Supplier(supplier="NV", item="CHIP", capacity=100, lead_time=0, price=1),),
        routings=(
            Routing(item="H", shop="GA", jobs_per_unit=20.0),
            Routing(item="L", shop="GA", jobs_per_unit=1.0),
        ),
        demand=(
            order("HIGH", 4, 0, variant="H", priority=1, penalty=1.0, price=1000.0),
            order("LOW", 400, 0, variant="L", priority=2, penalty=50.0, price=3000.0),
        ),
    )


def fractional_plant() -> Scenario:
    """100.5 jobs a week and a chip a car: the LP builds 100.5 cars a week, integer mode 100."""
    return one_car_one_shop(
        weeks=3,
        jobs_per_week=100.5,
        items=(Item(id="CAR", kind="vehicle"), Item(id="CHIP", kind="part")),
        bom=(BomLine(parent="CAR", child="CHIP", quantity=1),),
        suppliers=(Supplier(supplier="NV", item="CHIP", capacity=1000, lead_time=0, price=1),),
        demand=[order("O1", 1000, 0)],
    )


PLANS = [
    pytest.param(priorities_plant, ["--priorities", "strict"], {"strict_priorities": True}),
    pytest.param(fractional_plant, ["--integer", "--time-limit", "30"], {"integer": True}),
]


@pytest.mark.parametrize(("build", "options", "keywords"), PLANS)
def test_explain_explains_the_plan_made_with_the_same_options(
    build: Any, options: list[str], keywords: dict[str, Any], tmp_path: Path
) -> None:
    scenario = build()
    demand = scenario.demand[0].id
    folder = evramp.write_scenario(scenario, tmp_path / "scn")
    wanted = peg(scenario, evramp.plan(scenario, **keywords), demand).describe()
    default = peg(scenario, evramp.plan(scenario), demand).describe()
    assert wanted != default  # else the test could not tell the plans apart
    result = runner.invoke(app, ["explain", demand, "--scenario", str(folder), *options])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-len(wanted) :] == wanted


@pytest.mark.parametrize(("build", "options", "keywords"), PLANS)
def test_mrp_orders_follow_the_plan_made_with_the_same_options(
    build: Any, options: list[str], keywords: dict[str, Any], tmp_path: Path
) -> None:
    scenario = build()
    folder = evramp.write_scenario(scenario, tmp_path / "scn")
    wanted = purchase_orders(scenario, evramp.plan(scenario, **keywords))
    default = purchase_orders(scenario, evramp.plan(scenario))
    assert list(wanted["quantity"]) != pytest.approx(list(default["quantity"]))
    result = runner.invoke(app, ["mrp", str(folder), "--out", str(tmp_path / "out"), *options])
    assert result.exit_code == 0, result.output
    written = pd.read_csv(tmp_path / "out" / "mrp" / "purchase_orders.csv")
    assert list(written["quantity"]) == pytest.approx(list(wanted["quantity"]), abs=1e-6)


def test_an_unknown_order_is_refused_before_the_solve(tmp_path: Path) -> None:
    folder = evramp.write_scenario(priorities_plant(), tmp_path / "scn")
    result = runner.invoke(app, ["explain", "HIHG", "--scenario", str(folder)])
    assert result.exit_code == EXIT_BAD_INPUT
    assert (
        "error: unknown order id 'HIHG': not a line of demand.csv (2 lines); did you mean HIGH?"
        in result.stderr
    )
    assert "Planning" not in result.stdout
    odd = runner.invoke(app, ["explain", "[x]", "--scenario", str(folder)])
    assert "unknown order id '[x]'" in odd.stderr
    assert "ids include HIGH, LOW" in odd.stderr
