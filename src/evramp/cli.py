"""The `evramp` command.

Exit codes: 0 done; 1 the solver found no plan (or an internal error); 2 bad input (the scenario
or the command line), with `file:line: field: message` for each problem and nothing written.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from evramp import __version__
from evramp.io import builtin_scenario_path, load_scenario, write_tables
from evramp.model import Scenario, ScenarioInvalid
from evramp.plan import PlanFailed, PlanResult, plan
from evramp.plan.explain import binding_weeks, peg, problems
from evramp.plan.mrp import purchase_orders
from evramp.plan.result import bucket_columns
from evramp.report import (
    binding_constraints,
    cost_summary,
    monthly_output,
    on_time_rate,
    write_report,
    yearly_totals,
)
from evramp.risk.summary import RiskResult

EXIT_NO_PLAN = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # the shell's code for Ctrl-C


def _piped_width() -> int:
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() else 120


class Priorities(StrEnum):
    strict = "strict"
    weighted = "weighted"


PrioritiesOption = Annotated[
    Priorities,
    typer.Option(
        help="weighted: a higher priority's lateness outweighs anything a lower one can gain "
        "(one solve); strict: lexicographic, no order ever waits for a lower-priority one "
        "(one solve per priority level)."
    ),
]


TimeLimitOption = Annotated[
    float | None, typer.Option(help="Seconds the solver may take.", min=0.0)
]
IntegerOption = Annotated[
    bool,
    typer.Option(
        "--integer",
        help="Whole cars, setups, purchases in whole lots of at least the MOQ (a MIP; slower: "
        "combine with --time-limit, the gap is reported).",
    ),
]


app = typer.Typer(
    name="evramp",
    help="Plan the production ramp-up of an electric-vehicle plant.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# Piped output gets 120 columns (not Rich's 80) so monthly tables stay readable in logs; problems
# are never wrapped, so each `file:line: field: message` stays one line a script can grep.
console = Console(
    highlight=False,
    emoji=False,
    soft_wrap=True,
    width=None if sys.stdout.isatty() else _piped_width(),
)
errors = Console(stderr=True, highlight=False, emoji=False, soft_wrap=True)

T = TypeVar("T")

ScenarioArgument = Annotated[
    str | None,
    typer.Argument(
        help="Scenario folder, or the name of a built-in scenario. Default: the built-in "
        "'yizhuang' plant.",
        show_default=False,
    ),
]


@app.command("plan")
def plan_command(
    scenario: ScenarioArgument = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Folder for plan/*.csv and report.html.", show_default=False
        ),
    ] = None,
    time_limit: TimeLimitOption = None,
    integer: IntegerOption = False,
    priorities: PrioritiesOption = Priorities.weighted,
) -> None:
    """Plan a scenario and write the plan (CSV files) and an HTML report."""
    folder = _scenario_folder(scenario)
    loaded = _step("Reading scenario", lambda: _load(folder))
    result = _step(
        f"Planning {_horizon(loaded)}{' in integer mode' * integer}",
        lambda: _plan(loaded, time_limit, integer, priorities),
    )
    target = (out or Path("out") / folder.name).resolve()
    binding = binding_weeks(result, loaded)
    written = _step("Writing plan and report", lambda: _write(result, target, loaded, binding))
    _print_plan(result, binding)
    console.print("\n[bold]Files written[/bold]")
    for path in written:
        console.print(f"  {path}")


@app.command("mrp")
def mrp_command(
    scenario: ScenarioArgument = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder for mrp/purchase_orders.csv.", show_default=False),
    ] = None,
    integer: IntegerOption = False,
    time_limit: TimeLimitOption = None,
    top: Annotated[int, typer.Option(help="How many orders and suppliers to list.", min=1)] = 10,
) -> None:
    """Planned purchase orders: what to buy, from whom, and when to release it."""
    folder = _scenario_folder(scenario)
    loaded = _step("Reading scenario", lambda: _load(folder))
    result = _step(
        f"Planning {_horizon(loaded)}",
        lambda: _plan(loaded, time_limit, integer),
    )
    orders = purchase_orders(loaded, result)
    target = (out or Path("out") / folder.name).resolve()
    table = bucket_columns(orders, result.bucket)
    written = _step(
        "Writing purchase orders", lambda: write_tables(target / "mrp", {"purchase_orders": table})
    )
    _print_orders(orders, top, result.bucket)
    console.print("\n[bold]Files written[/bold]")
    for path in written.values():
        console.print(f"  {path}")


def _print_orders(orders: pd.DataFrame, top: int, bucket: str) -> None:
    planned = orders[orders["status"] == "planned"]
    console.print(
        f"\n{len(planned):,} planned purchase orders worth {planned['cost'].sum():,.0f}, "
        f"{int((orders['status'] == 'firm').sum()):,} firm; "
        f"{int(planned['beyond_need'].gt(0).sum()):,} rounded up to lots "
        f"({planned['beyond_need'].sum():,.0f} units beyond need), "
        f"{int(planned['over_capacity'].sum()):,} above the supplier's capacity"
    )
    table = Table(title=f"The first {top} releases", title_justify="left")
    for column in ("order", "release_week", "supplier", "item", "quantity", "receipt_week"):
        name = column.replace("week", bucket)
        table.add_column(name, justify="right" if column == "quantity" else "left")
    for row in planned.head(top).itertuples(index=False):
        table.add_row(
            str(row.order),
            str(row.release_week),
            str(row.supplier),
            str(row.item),
            f"{float(row.quantity):,.0f}",  # type: ignore[arg-type]
            str(row.receipt_week),
        )
    console.print(table)
    by_supplier = planned.groupby("supplier")["cost"].sum().nlargest(top)
    console.print(_frame_table(f"Top {top} suppliers by value", by_supplier.to_frame("value")))


@app.command("explain")
def explain_command(
    demand_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[ORDER_ID]",
            help="A demand line to trace to the shop weeks and parts that held it back.",
            show_default=False,
        ),
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario", "-s", help="Scenario folder or built-in name.", show_default=False
        ),
    ] = None,
    top: Annotated[
        int, typer.Option(help="How many constraints and problems to list.", min=1)
    ] = 10,
) -> None:
    """Why the plan is what it is: binding constraints and problems, or why one order is late."""
    folder = _scenario_folder(scenario)
    loaded = _step("Reading scenario", lambda: _load(folder))
    result = _step(f"Planning {_horizon(loaded)}", lambda: _plan(loaded, None, False))
    if demand_id is not None:
        _print_pegging(loaded, result, demand_id)
        return
    weeks = binding_weeks(result, loaded)
    console.print(
        f"\n[bold]Binding constraints[/bold] (the three most valuable {result.noun(3)} of each)"
    )
    for number, constraint in enumerate(binding_constraints(result, top, weeks), start=1):
        console.print(f"  {number}. {constraint.describe()}", markup=False)
        mine = weeks[(weeks["kind"] == constraint.kind) & (weeks["name"] == constraint.name)]
        for sentence in mine.nlargest(3, "shadow_price")["sentence"]:
            console.print(f"       {sentence}", markup=False)
    found = problems(loaded, result)
    console.print(
        f"\n[bold]Problems[/bold] ({len(found):,}; the {min(top, len(found))} most valuable)"
    )
    for description in found["description"].head(top):
        console.print(f"  - {description}", markup=False)


def _print_pegging(scenario: Scenario, result: PlanResult, demand_id: str) -> None:
    try:
        pegging = peg(scenario, result, demand_id)
    except KeyError as unknown:
        errors.print(f"[red]error:[/red] {unknown.args[0]}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    console.print()
    for line in pegging.describe():
        console.print(line, markup=False)


class Backend(StrEnum):
    local = "local"
    dask = "dask"


@app.command("risk")
def risk_command(
    scenario: ScenarioArgument = None,
    runs: Annotated[int, typer.Option(help="Disruption scenarios to sample.", min=1)] = 200,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same runs.", min=0)] = 0,
    backend: Annotated[
        Backend,
        typer.Option(
            help="Where runs are solved: local (a process pool) or dask (a local Dask cluster, "
            "or --address; needs pip install 'evramp[dask]')."
        ),
    ] = Backend.local,
    address: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler of a running cluster (tcp://host:8786); default: start one.",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
    target: Annotated[
        float | None,
        typer.Option(help="Vehicles to deliver in the target year: how likely is a miss?", min=0),
    ] = None,
    target_year: Annotated[
        str | None,
        typer.Option(help="Year of --target (default: the first year the horizon covers)."),
    ] = None,
    tornado_runs: Annotated[
        int,
        typer.Option(
            help="Runs per source for the tornado (each source alone, with the seeds of the "
            "first runs; at most --runs).",
            min=0,
        ),
    ] = 200,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder for risk/*.csv.", show_default=False),
    ] = None,
) -> None:
    """Monte Carlo over the scenario's disruptions: output percentiles, the chance of missing a
    target, expected lateness and which disruption costs most."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from evramp.report.risk_html import write_risk_report
    from evramp.risk import BackendUnavailable, BaseInfeasible, RiskUnsupported, simulate, tables

    folder = _scenario_folder(scenario)
    loaded = _step("Reading scenario", lambda: _load(folder))
    if not loaded.disruptions:
        errors.print(f"[red]error:[/red] {folder}: no disruptions.csv (or it is empty): no risk")
        raise typer.Exit(EXIT_BAD_INPUT)
    sources = len({d.group or f"\0{d.id}" for d in loaded.disruptions})
    alone = min(tornado_runs, runs)
    total = runs + sources * alone
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task(
            f"Solving {runs:,} runs + {sources * alone:,} for the tornado", total=total
        )
        try:
            result = simulate(
                loaded,
                runs,
                seed,
                workers=workers,
                backend=backend.value,
                tornado_runs=tornado_runs,
                progress=lambda count: bar.advance(task, count),
                address=address,
            )
        except (RiskUnsupported, BackendUnavailable) as unsupported:
            errors.print(f"[red]error:[/red] {unsupported}", markup=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except BaseInfeasible as failed:
            errors.print(f"[red]error:[/red] {failed}; nothing written", markup=True)
            raise typer.Exit(EXIT_NO_PLAN) from None
        except KeyboardInterrupt:  # before the pool started: building the LP, the base plan
            errors.print("interrupted before any run finished: nothing was written")
            raise typer.Exit(EXIT_INTERRUPTED) from None
    year = target_year or result.default_target_year()
    if year not in result.years:
        errors.print(f"[red]error:[/red] --target-year {year} is not in the horizon")
        raise typer.Exit(EXIT_BAD_INPUT)
    frames = tables(result, target, year)
    destination = (out or Path("out") / folder.name).resolve() / "risk"
    written = [*write_tables(destination, frames).values()]
    title = f"Risk: {result.scenario}, {result.finished:,} runs, seed {result.seed}"
    written.append(write_risk_report(frames, destination / "report.html", title, year, result))
    _print_risk(result, frames, target, year)
    console.print("\n[bold]Files written[/bold]")
    for path in written:
        console.print(f"  {path}")
    if result.interrupted:
        errors.print(
            f"interrupted: {result.finished:,} of {runs:,} runs finished and kept "
            f"(statistics over those); files written"
        )
        raise typer.Exit(EXIT_INTERRUPTED)


def _print_risk(
    result: RiskResult, frames: dict[str, pd.DataFrame], target: float | None, year: str
) -> None:
    failed = result.failed
    console.print(
        f"\n[bold]{result.scenario}[/bold]: {result.finished:,} of {result.runs:,} runs "
        f"(seed {result.seed}) in {result.seconds:.1f} s; "
        + (
            f"[red]{len(failed)} failed[/red] (solver not optimal: runs "
            + ", ".join(str(run) for run in failed[:10])
            + (" ..." if len(failed) > 10 else "")
            + "; left out of the statistics, listed in runs.csv)"
            if failed
            else "all solved to optimality"
        )
    )
    yearly = frames["yearly"].set_index("year")
    shown = yearly[["delivered_base", "delivered_p10", "delivered_p50", "delivered_p90"]]
    console.print(_frame_table("Vehicles delivered per year", shown))
    if target is not None:
        chance = float(yearly.loc[year, "miss_probability"])  # type: ignore[arg-type]
        console.print(
            f"\nChance of delivering fewer than {target:,.0f} vehicles in {year}: "
            f"[bold]{chance:.1%}[/bold]"
        )
    lateness = frames["lateness"].set_index("priority")
    console.print(_frame_table("Vehicle-weeks late per priority", lateness))
    tornado = frames["tornado"].set_index("source")
    console.print(
        f"\n[bold]Tornado[/bold]: what each source costs when only it happens (mean of "
        f"{result.tornado_runs:,} runs)"
    )
    for name, row in tornado.head(10).iterrows():
        lost, late = row[f"delivered_lost_{year}"], row["late_vehicle_weeks_added"]
        if row["runs"] == 0:
            console.print(f"  {name}: no optimal run to measure it", markup=False)
            continue
        console.print(
            f"  {name}: {round(lost) + 0:,} vehicles fewer delivered in {year}, "
            f"{round(late) + 0:+,} vehicle-weeks late (happened in {row['happened']:.0%})",
            markup=False,
        )


@app.command("validate")
def validate_command(scenario: ScenarioArgument = None) -> None:
    """Check a scenario without planning it."""
    folder = _scenario_folder(scenario)
    loaded = _load(folder)
    counts = ", ".join(
        f"{len(loaded.table(name))} {name}"
        for name in ("items", "bom", "shops", "suppliers", "demand")
    )
    console.print(f"[green]ok[/green] {folder}: scenario {loaded.name!r} is valid ({counts})")


@app.command("schema")
def schema_command() -> None:
    """Print the scenario format: every file, column, type, default and meaning (Markdown)."""
    from evramp.model.schema_doc import schema_markdown

    print(schema_markdown(), end="")


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        console.print(f"evramp {__version__}")
        raise typer.Exit()


# --- steps -----------------------------------------------------------------------------------


def _scenario_folder(scenario: str | None) -> Path:
    if scenario is None:
        return builtin_scenario_path()
    path = Path(scenario)
    if path.is_dir() or os.sep in scenario:
        return path
    try:
        return builtin_scenario_path(scenario)
    except FileNotFoundError:
        return path  # load_scenario reports the missing folder


def _horizon(scenario: Scenario) -> str:
    """`178 weeks`, `1,246 days`, `41 months`: what is planned."""
    count = len(scenario.calendar.buckets)
    return f"{count:,} {scenario.calendar.buckets.noun(count)}"


def _load(folder: Path) -> Scenario:
    try:
        scenario = load_scenario(folder)
    except ScenarioInvalid as invalid:
        count = len(invalid.errors)
        errors.print(
            f"[red]error:[/red] scenario {folder} rejected ({count} problem{'s' * (count != 1)}):"
        )
        errors.print(invalid.summary(), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    # Cut the horizon into buckets now, inside the reading step: the next step's label counts
    # them, and a Ctrl-C between two steps would not be reported (see _step).
    len(scenario.calendar.buckets)
    return scenario


def _plan(
    scenario: Scenario,
    time_limit: float | None,
    integer: bool,
    priorities: Priorities = Priorities.weighted,
) -> PlanResult:
    try:
        return plan(
            scenario,
            time_limit=time_limit,
            integer=integer,
            strict_priorities=priorities is Priorities.strict,
        )
    except PlanFailed as failed:
        errors.print(f"[red]error:[/red] {failed}; no plan written", markup=True)
        raise typer.Exit(EXIT_NO_PLAN) from None


def _write(
    result: PlanResult, target: Path, scenario: Scenario, binding: pd.DataFrame
) -> list[Path]:
    tables = write_tables(target / "plan", result.tables())
    report = write_report(result, target / "report.html", scenario, binding)
    return [*tables.values(), report]


@contextmanager
def _timed(label: str) -> Iterator[None]:
    started = time.perf_counter()
    with console.status(f"{label} ...", spinner="dots"):
        yield
    console.print(f"[green]✓[/green] {label} [dim]({time.perf_counter() - started:.2f} s)[/dim]")


def _step(label: str, action: Callable[[], T]) -> T:
    try:
        with _timed(label):
            return action()
    except KeyboardInterrupt:
        errors.print(f"interrupted while {label.lower()}: nothing was written")
        raise typer.Exit(EXIT_INTERRUPTED) from None


# --- printing --------------------------------------------------------------------------------


def _print_plan(result: PlanResult, binding_weeks: pd.DataFrame) -> None:
    size = result.size
    console.print(
        f"\n[bold]{result.scenario}[/bold]: {result.weeks[0]} to {result.weeks[-1]}, "
        f"solver {result.status}{_gap(result)}; LP {size.rows:,} rows × {size.columns:,} columns, "
        f"{size.nonzeros:,} non-zeros ({size.free_parts} parts planned just in time outside it), "
        f"solved in {result.seconds['solve']:.2f} s"
    )
    console.print(cost_summary(result))
    console.print(_frame_table("Vehicles completed per month", monthly_output(result)))
    console.print(_frame_table("Vehicles per year", yearly_totals(result)))
    kinds = ", ".join(
        f"{kind} {on_time_rate(result, kind):.1%}" for kind in sorted(set(result.orders["kind"]))
    )
    console.print(
        f"\nOn-time delivery: [bold]{on_time_rate(result):.1%}[/bold] of the quantity due ({kinds})"
    )
    console.print("\n[bold]Most binding constraints[/bold]")
    binding = binding_constraints(result, top=3, weeks=binding_weeks)
    for number, constraint in enumerate(binding, start=1):
        console.print(f"  {number}. {constraint.describe()}", markup=False)
    if not binding:
        console.print("  nothing binds: every shop and supplier has spare capacity")


def _gap(result: PlanResult) -> str:
    return f" (integer plan, gap {result.gap:.2%})" if result.integer else ""


def _frame_table(title: str, frame: pd.DataFrame) -> Table:
    console.print(f"\n[bold]{title}[/bold]")
    table = Table()
    table.add_column(str(frame.index.name or ""))
    for column in frame.columns:
        table.add_column(str(column), justify="right")
    for label, row in frame.iterrows():
        table.add_row(str(label), *(f"{value:,.0f}" for value in row))
    return table


def main() -> None:
    """Entry point: no traceback reaches a user unless EVRAMP_DEBUG is set."""
    try:
        app()
    except Exception as exc:  # the last line of defence: no traceback for users
        if os.environ.get("EVRAMP_DEBUG"):
            raise
        errors.print(f"[red]internal error:[/red] {type(exc).__name__}: {exc}", markup=True)
        errors.print("Set EVRAMP_DEBUG=1 to see the traceback, and please report it.")
        sys.exit(EXIT_NO_PLAN)


if __name__ == "__main__":
    main()
