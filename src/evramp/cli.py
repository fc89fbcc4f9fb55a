"""The `evramp` command.

Exit codes: 0 done; 1 the solver found no plan (or an internal error); 2 bad input (the scenario
or the command line, or an --out folder that cannot be written), with `file:line: field:
message` for each problem and nothing written; 130 interrupted: nothing written, except that an
interrupted risk run writes what it finished to risk-partial/ and keeps risk/ (io/result_folder).
"""

from __future__ import annotations

import difflib
import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.status import Status
from rich.table import Table
from rich.text import Text

from evramp import __version__
from evramp.io import (
    FolderRefused,
    WrittenResult,
    builtin_scenario_path,
    check_out,
    load_scenario,
    scenario_folder,
    write_result,
)
from evramp.io.atomic import InterruptedAfterWriting
from evramp.model import Scenario, ScenarioInvalid
from evramp.model.buckets import bucket_year

if TYPE_CHECKING:
    import pandas as pd

    from evramp.plan import PlanResult, Progress
    from evramp.risk.summary import RiskResult

# pandas, the planner and the reports are imported by the commands that use them: `validate`
# and `schema` start without them (0.5 s of a 1 s start).

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
    # Help texts are plain text: Rich markup mode read "pip install 'evramp[dask]'" as a style
    # tag and printed "pip install 'evramp'".
    rich_markup_mode=None,
)
# Piped output gets 120 columns (not Rich's 80) so monthly tables stay readable in logs; problems
# are never wrapped, so each `file:line: field: message` stays one line a script can grep.
# Markup is off unless a call asks for it (`markup=True`, data passed through `escape`): a path,
# id or message such as "pip install 'evramp[dask]'" is printed as it is, never read as a style.
console = Console(
    highlight=False,
    emoji=False,
    soft_wrap=True,
    markup=False,
    width=None if sys.stdout.isatty() else _piped_width(),
)
errors = Console(stderr=True, highlight=False, emoji=False, soft_wrap=True, markup=False)


def _error(message: str, label: str = "error") -> None:
    """`error: message` on stderr, the label in red and the message exactly as given."""
    errors.print(Text.assemble((f"{label}:", "red"), " ", message))


def _heading(title: str) -> None:
    console.print(Text(f"\n{title}", style="bold"))


T = TypeVar("T")

ScenarioArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="SCENARIO",
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
            "--out", "-o", help="Folder for plan/ (*.csv and report.html).", show_default=False
        ),
    ] = None,
    time_limit: TimeLimitOption = None,
    integer: IntegerOption = False,
    priorities: PrioritiesOption = Priorities.weighted,
    write_lp: Annotated[
        Path | None,
        typer.Option(
            "--write-lp",
            metavar="FILE",
            help="Also write the model as HiGHS is given it: MPS, or LP format for a name "
            "ending in .lp (written before the solve, so it is there even without a plan).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Plan a scenario: write the plan (CSV files) and an HTML report.

    Ctrl-C in integer mode keeps the best integer plan found so far: it is printed and written,
    marked as stopped (status 'Stopped by Ctrl-C' with its gap), and the exit code is 130.
    """
    from evramp.analysis.explain import binding_weeks

    folder = _scenario_folder(scenario)
    target = _out_folder(out, folder, "plan")
    model_file = _model_file(write_lp)
    loaded = _step("Reading scenario", lambda: _load(folder))
    result, stopped_after = _step(
        f"Planning {_horizon(loaded)}{' in integer mode' * integer}",
        lambda: _plan_keeping_stopped(loaded, time_limit, integer, priorities, model_file),
    )
    if stopped_after is not None:
        errors.print(_stopped_words(result, stopped_after))
    binding = binding_weeks(result, loaded)
    _print_plan(result, binding)
    _print_written(
        _write_step("Writing plan and report", lambda: _write(result, target, loaded, binding))
    )
    if stopped_after is not None:
        words = _stopped_words(result, stopped_after)
        errors.print(f"interrupted: {words}; written, marked as stopped")
        raise typer.Exit(EXIT_INTERRUPTED)


def _plan_keeping_stopped(
    scenario: Scenario,
    time_limit: float | None,
    integer: bool,
    priorities: Priorities,
    model_file: Path | None,
) -> tuple[PlanResult, float | None]:
    """The plan and None, or after Ctrl-C in integer mode the best plan found by then and the
    seconds the solver ran (status `INTERRUPTED`); Ctrl-C without such a plan propagates."""
    from evramp.plan import PlanInterrupted

    try:
        return _plan(scenario, time_limit, integer, priorities, model_file), None
    except PlanInterrupted as stopped:
        if stopped.result is None:
            raise
        return stopped.result, stopped.seconds


def _stopped_words(result: PlanResult, seconds: float) -> str:
    return (
        f"stopped by Ctrl-C after {seconds:.0f} s: best integer plan, gap {result.gap:.2%} "
        f"(objective {_objective(result.objective)})"
    )


def _model_file(path: Path | None) -> Path | None:
    """`--write-lp FILE`, refused before any work unless HiGHS can write it (.mps or .lp, in
    an existing folder)."""
    if path is None:
        return None
    if path.suffix.lower() not in (".mps", ".lp"):
        _error(f"--write-lp {path}: the name must end in .mps or .lp (the format); nothing written")
        raise typer.Exit(EXIT_BAD_INPUT)
    if not path.parent.resolve().is_dir() or path.is_dir():
        _error(f"--write-lp {path}: {path.parent} is not a folder; nothing written")
        raise typer.Exit(EXIT_BAD_INPUT)
    return path.resolve()


@app.command("mrp")
def mrp_command(
    scenario: ScenarioArgument = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder for mrp/purchase_orders.csv.", show_default=False),
    ] = None,
    time_limit: TimeLimitOption = None,
    integer: IntegerOption = False,
    priorities: PrioritiesOption = Priorities.weighted,
    top: Annotated[int, typer.Option(help="How many orders and suppliers to list.", min=1)] = 10,
) -> None:
    """Purchase orders: what to buy, from whom, when to release it.

    The scenario is planned again: give the planning options of the `evramp plan` whose plan
    the orders are to follow (--time-limit, --integer, --priorities).
    """
    from evramp.analysis.mrp import purchase_orders
    from evramp.io.tables import table_files
    from evramp.plan.result import bucket_columns

    folder = _scenario_folder(scenario)
    target = _out_folder(out, folder, "mrp")
    loaded = _step("Reading scenario", lambda: _load(folder))
    result = _replan(loaded, time_limit, integer, priorities)
    orders = purchase_orders(loaded, result)
    table = bucket_columns(orders, result.bucket)
    _print_orders(orders, top, result.bucket)
    written = _write_step(
        "Writing purchase orders",
        lambda: write_result(target, "mrp", table_files({"purchase_orders": table})),
    )
    _print_written(written)


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
            f"{row.release_week:%Y-%m-%d}",
            str(row.supplier),
            str(row.item),
            f"{float(row.quantity):,.0f}",  # type: ignore[arg-type]
            f"{row.receipt_week:%Y-%m-%d}",
        )
    console.print(table)
    by_supplier = planned.groupby("supplier")["cost"].sum().nlargest(top)
    console.print(_frame_table(f"Top {top} suppliers by value", by_supplier.to_frame("value")))


@app.command("explain")
def explain_command(
    demand_id: Annotated[
        str | None,
        typer.Argument(
            metavar="ORDER_ID",
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
    time_limit: TimeLimitOption = None,
    integer: IntegerOption = False,
    priorities: PrioritiesOption = Priorities.weighted,
    top: Annotated[
        int, typer.Option(help="How many constraints and problems to list.", min=1)
    ] = 10,
) -> None:
    """Why the plan is what it is, or why one order is late.

    Without ORDER_ID: the binding shop-weeks and part-weeks with their value, and the problems
    (late and short orders, shops and parts that held demand back).

    The scenario is planned again: give the planning options of the `evramp plan` whose plan
    is to be explained (--time-limit, --integer, --priorities).
    """
    from evramp.analysis.explain import binding_weeks, peg, problems
    from evramp.report import binding_constraints

    folder = _scenario_folder(scenario)
    loaded = _step("Reading scenario", lambda: _load(folder))
    if demand_id is not None:
        _ensure_demand_id(loaded, demand_id)  # before the solve: a typo costs no planning time
    result = _replan(loaded, time_limit, integer, priorities)
    if demand_id is not None:
        console.print()
        for line in peg(loaded, result, demand_id).describe():
            console.print(line)
        return
    weeks = binding_weeks(result, loaded)
    console.print(
        f"\n[bold]Binding constraints[/bold] (the three most valuable {result.noun(3)} of each)",
        markup=True,
    )
    for number, constraint in enumerate(binding_constraints(result, top, weeks), start=1):
        console.print(f"  {number}. {constraint.describe()}")
        mine = weeks[(weeks["kind"] == constraint.kind) & (weeks["name"] == constraint.name)]
        for sentence in mine.nlargest(3, "shadow_price")["sentence"]:
            console.print(f"       {sentence}")
    found = problems(loaded, result)
    console.print(
        f"\n[bold]Problems[/bold] ({len(found):,}; the {min(top, len(found))} most valuable)",
        markup=True,
    )
    for description in found["description"].head(top):
        console.print(f"  - {description}")


def _ensure_demand_id(scenario: Scenario, demand_id: str) -> None:
    """Exit 2 unless `demand_id` is a line of demand.csv, naming the closest ids."""
    ids = scenario.demand_table.frame["id"].to_list()  # a million lines: no record each
    if demand_id in set(ids):
        return
    close = difflib.get_close_matches(demand_id, ids, n=3)
    hint = f"did you mean {', '.join(close)}?" if close else f"ids include {', '.join(ids[:5])}"
    _error(
        f"unknown demand id {demand_id!r}: not a line of demand.csv ({len(ids):,} lines); {hint}"
    )
    raise typer.Exit(EXIT_BAD_INPUT)


def _replan(
    scenario: Scenario, time_limit: float | None, integer: bool, priorities: Priorities
) -> PlanResult:
    """The plan `evramp plan` makes with the same options (explain and mrp plan again)."""
    return _step(
        f"Planning {_horizon(scenario)}{' in integer mode' * integer}",
        lambda: _plan(scenario, time_limit, integer, priorities),
    )


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
        typer.Option(
            help="Year of --target (default: the first calendar year the horizon covers in "
            "full, 52 or 53 weeks, a week counting in the year of its Thursday; else its first "
            "year).",
            show_default=False,
        ),
    ] = None,
    tornado_runs: Annotated[
        int,
        typer.Option(
            help="Runs per source for the tornado (each source alone, with the seeds of the "
            "first runs; at most --runs; 0: no tornado). Each is one more solve: --runs 50 "
            "with 6 sources is 50 + 6 × 50 = 350 solves.",
            min=0,
        ),
    ] = 200,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder for risk/ (*.csv and report.html; risk-partial/ if interrupted).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Monte Carlo over disruptions.csv: P10-P90, miss chance, tornado.

    Output percentiles, the chance of missing a target, expected lateness per priority and
    which disruption costs most (the tornado: each source alone, --tornado-runs runs each).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from evramp.io.tables import table_files
    from evramp.report.risk_html import write_risk_report
    from evramp.risk import BackendUnavailable, BaseInfeasible, RiskUnsupported, simulate, tables

    folder = _scenario_folder(scenario)
    destination = _out_folder(out, folder, "risk")
    loaded = _step("Reading scenario", lambda: _load(folder))
    if not loaded.disruptions:
        _error(f"{folder}: no disruptions.csv (or it is empty): no risk")
        raise typer.Exit(EXIT_BAD_INPUT)
    _ensure_target_year(loaded, target_year)
    solves = _announce_solves(loaded, runs, tornado_runs)
    with Progress(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        "solves",
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task("Solving", total=solves)
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
            _error(str(unsupported))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except BaseInfeasible as failed:
            _error(f"{failed}; nothing written")
            raise typer.Exit(EXIT_NO_PLAN) from None
        except KeyboardInterrupt:  # before the pool started: building the LP, the base plan
            errors.print("interrupted before any run finished: nothing was written")
            raise typer.Exit(EXIT_INTERRUPTED) from None
    if result.interrupted and not result.finished:
        errors.print("interrupted before any run finished: nothing was written")
        raise typer.Exit(EXIT_INTERRUPTED)
    year = target_year or result.default_target_year()
    frames = tables(result, target, year)
    _print_risk(result, frames, target, year)
    title = f"Risk: {result.scenario}, {result.finished:,} runs, seed {result.seed}"
    files = {
        **table_files(frames),
        "report.html": lambda path: write_risk_report(frames, path, title, year, result),
    }
    if not result.interrupted:
        _print_written(
            _write_step("Writing results", lambda: write_result(destination, "risk", files))
        )
        return
    tornado_done = sum(len(alone_runs) for alone_runs in result.alone.values())
    covered = (
        f"{result.finished:,} of {runs:,} runs and {tornado_done:,} of {solves - runs:,} "
        "tornado runs finished"
    )
    note = f"evramp risk was interrupted (Ctrl-C): {covered}; the statistics are over those."
    written = _write_step(
        "Writing partial results",
        lambda: write_result(destination, "risk", files, complete=False, note=note),
    )
    _print_written(written)
    kept = (
        f"the last complete result in {written.kept} was kept"
        if written.kept
        else "there was no complete result to keep"
    )
    errors.print(
        f"interrupted: {covered}; partial results written to {written.folder} "
        f"(see {written.folder.name}/PARTIAL.txt); {kept}",
        markup=False,
    )
    raise typer.Exit(EXIT_INTERRUPTED)


def _ensure_target_year(scenario: Scenario, year: str | None) -> None:
    """Exit 2 before any solve unless `year` (when given) is a year of the horizon."""
    buckets = scenario.calendar.buckets
    years = sorted({str(bucket_year(day, buckets.kind)) for day in buckets.starts[:-1]})
    if year is not None and year not in years:
        _error(f"--target-year {year} is not in the horizon ({years[0]} to {years[-1]})")
        raise typer.Exit(EXIT_BAD_INPUT)


def _announce_solves(scenario: Scenario, runs: int, tornado_runs: int) -> int:
    """Say how many LPs the command solves (the tornado's runs come on top of --runs)."""
    sources = len({d.group or f"\0{d.id}" for d in scenario.disruptions})
    alone = min(tornado_runs, runs)
    each = f"{sources} source{'s' * (sources != 1)} alone × {alone:,} runs"
    tornado = (
        f" + {sources * alone:,} for the tornado ({each}; --tornado-runs 0 leaves it out)"
        if alone
        else "; no tornado (--tornado-runs 0)"
    )
    total = runs + sources * alone
    console.print(f"{total:,} solves: {runs:,} runs{tornado}")
    return total


def _print_risk(
    result: RiskResult, frames: dict[str, pd.DataFrame], target: float | None, year: str
) -> None:
    failed = result.failed
    console.print(
        f"\n[bold]{escape(result.scenario)}[/bold]: {result.finished:,} of {result.runs:,} runs "
        f"(seed {result.seed}) in {result.seconds:.1f} s; "
        + (
            f"[red]{len(failed)} failed[/red] (solver not optimal: runs "
            + ", ".join(str(run) for run in failed[:10])
            + (" ..." if len(failed) > 10 else "")
            + "; left out of the statistics, listed in runs.csv)"
            if failed
            else "all solved to optimality"
        ),
        markup=True,
    )
    yearly = frames["yearly"].set_index("year")
    shown = yearly[["delivered_base", "delivered_p10", "delivered_p50", "delivered_p90"]]
    console.print(_frame_table("Vehicles delivered per year", shown))
    if target is not None:
        chance = float(yearly.loc[year, "miss_probability"])  # type: ignore[arg-type]
        console.print(
            f"\nChance of delivering fewer than {target:,.0f} vehicles in {year}: "
            f"[bold]{chance:.1%}[/bold]",
            markup=True,
        )
    lateness = frames["lateness"].set_index("priority")
    console.print(_frame_table("Vehicle-weeks late per priority", lateness))
    if result.tornado_runs:  # else the announcement said there is none
        _print_tornado(frames["tornado"], result.tornado_runs, year)


def _print_tornado(frame: pd.DataFrame, runs: int, year: str) -> None:
    from evramp.risk.summary import unmeasured

    tornado = frame.set_index("source")
    console.print(
        f"\n[bold]Tornado[/bold]: what each source costs when only it happens (mean of "
        f"{runs:,} runs)",
        markup=True,
    )
    for name, row in tornado.head(10).iterrows():
        lost, late = row[f"delivered_lost_{year}"], row["late_vehicle_weeks_added"]
        missing = unmeasured(int(row["finished"]), int(row["runs"]))
        if missing is not None:
            console.print(f"  {name}: {missing}")
            continue
        console.print(
            f"  {name}: {round(lost) + 0:,} vehicles fewer delivered in {year}, "
            f"{round(late) + 0:+,} vehicle-weeks late (happened in {row['happened']:.0%})"
            + (f", {row['runs']:,} of {runs:,} runs" if row["runs"] < runs else "")
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
    console.print(
        Text.assemble(("ok", "green"), f" {folder}: scenario {loaded.name!r} is valid ({counts})")
    )


@app.command("schema")
def schema_command() -> None:
    """Print the scenario format (Markdown).

    Every file, column, type, default and meaning: docs/scenario-format.md is this output.
    """
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
    """The folder of SCENARIO (a folder, else a built-in name), or exit 2 saying where it
    looked."""
    if scenario is None:
        return builtin_scenario_path()
    try:
        return scenario_folder(scenario)
    except ScenarioInvalid as invalid:
        _rejected(scenario, invalid)


def _horizon(scenario: Scenario) -> str:
    """`178 weeks`, `1,246 days`, `41 months`: what is planned."""
    count = len(scenario.calendar.buckets)
    return f"{count:,} {scenario.calendar.buckets.noun(count)}"


def _load(folder: Path) -> Scenario:
    try:
        scenario = load_scenario(folder)
    except ScenarioInvalid as invalid:
        _rejected(str(folder), invalid)
    # Cut the horizon into buckets now, inside the reading step: the next step's label counts
    # them, and a Ctrl-C between two steps would not be reported (see _step).
    len(scenario.calendar.buckets)
    return scenario


def _rejected(scenario: str, invalid: ScenarioInvalid) -> NoReturn:
    count = len(invalid.errors)
    _error(f"scenario {scenario} rejected ({count} problem{'s' * (count != 1)}):")
    errors.print(invalid.summary())
    raise typer.Exit(EXIT_BAD_INPUT) from None


def _plan(
    scenario: Scenario,
    time_limit: float | None,
    integer: bool,
    priorities: Priorities = Priorities.weighted,
    model_file: Path | None = None,
) -> PlanResult:
    """The plan, or exit 1 (Ctrl-C propagates: `PlanInterrupted`)."""
    if integer:
        time_limit = _announce_time_limit(time_limit)
    from evramp.plan import PlanFailed, plan

    try:
        return plan(
            scenario,
            time_limit=time_limit,
            integer=integer,
            strict_priorities=priorities is Priorities.strict,
            progress=_MipProgress() if integer else None,
            model_file=model_file,
        )
    except PlanFailed as failed:
        _error(f"{failed}; no plan written")
        raise typer.Exit(EXIT_NO_PLAN) from None


def _announce_time_limit(time_limit: float | None) -> float:
    """Integer mode's time limit, said before the solve (the default one too)."""
    from evramp.plan import DEFAULT_MIP_TIME_LIMIT

    chosen = DEFAULT_MIP_TIME_LIMIT if time_limit is None else time_limit
    default = " (default; --time-limit to change)" if time_limit is None else ""
    console.print(f"integer mode: time limit {chosen:g} s{default}")
    return chosen


PLAIN_PROGRESS_SECONDS = 10.0
"""How often a MIP's progress is printed as a line of its own when the output is not a
terminal (on a terminal the step's spinner line shows it, rewritten as it changes)."""


class _MipProgress:
    """The live line of integer mode: elapsed seconds, best plan, bound and gap."""

    def __init__(self) -> None:
        self._printed = 0.0

    def __call__(self, progress: Progress) -> None:
        if console.is_terminal:
            if _running_steps:
                label, status = _running_steps[-1]
                status.update(f"{label} ... {_progress_words(progress)}")
        elif progress.stopped or progress.seconds - self._printed >= PLAIN_PROGRESS_SECONDS:
            self._printed = progress.seconds
            console.print(f"  {_progress_words(progress)}")


def _progress_words(progress: Progress) -> str:
    bound = (
        f"bound {_objective(progress.bound)}" if math.isfinite(progress.bound) else "no bound yet"
    )
    if progress.stopped:
        return (
            f"Ctrl-C after {progress.seconds:.0f} s: keeping the best plan "
            f"{_objective(progress.objective)}, gap {progress.gap:.2%}; making it whole"
        )
    if not math.isfinite(progress.objective):
        return f"{progress.seconds:.0f} s: no integer plan yet, {bound}"
    return (
        f"{progress.seconds:.0f} s: best plan {_objective(progress.objective)}, {bound}, "
        f"gap {progress.gap:.2%}"
    )


def _objective(value: float) -> str:
    """An objective to tell plans 0.1 % apart: `-39.47 bn`."""
    for size, suffix in ((1e9, " bn"), (1e6, " m"), (1e3, " k")):
        if abs(value) >= size:
            return f"{value / size:,.2f}{suffix}"
    return f"{value:,.0f}"


def _out_folder(out: Path | None, scenario_folder: Path, name: str) -> Path:
    """`--out` (default `out/<scenario folder name>`), refused before any work if it cannot take
    the result `name`."""
    target = (out or Path("out") / scenario_folder.name).resolve()
    try:
        check_out(target, name)
    except FolderRefused as refused:
        _error(f"{refused}; nothing written")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    return target


def _write(
    result: PlanResult, target: Path, scenario: Scenario, binding: pd.DataFrame
) -> WrittenResult:
    """The plan's tables and its report: one result, `plan/`, switched in as a whole."""
    from evramp.io.tables import table_files
    from evramp.report import write_report

    files = {
        **table_files(result.tables()),
        "report.html": lambda path: write_report(result, path, scenario, binding),
    }
    return write_result(target, "plan", files)


def _write_step(label: str, action: Callable[[], WrittenResult]) -> WrittenResult:
    try:
        return _step(label, action)
    except FolderRefused as refused:
        _error(str(refused))
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _print_written(written: WrittenResult) -> None:
    _heading("Files written")
    for path in written.files:
        console.print(f"  {path}", markup=False)
    earlier = written.folder.parent / "report.html"
    if written.folder.name == "plan" and earlier.is_file():
        console.print(
            f"  (the report is now plan/report.html; {earlier} is an earlier one, left as it was)",
            markup=False,
        )


_running_steps: list[tuple[str, Status]] = []
"""The running step's label and spinner: integer mode's progress rewrites the spinner's line."""


@contextmanager
def _timed(label: str) -> Iterator[None]:
    started = time.perf_counter()
    with console.status(f"{label} ...", spinner="dots") as status:
        _running_steps.append((label, status))
        try:
            yield
        finally:
            _running_steps.pop()
    seconds = time.perf_counter() - started
    console.print(Text.assemble(("✓", "green"), f" {label} ", (f"({seconds:.2f} s)", "dim")))


def _step(label: str, action: Callable[[], T]) -> T:
    try:
        with _timed(label):
            return action()
    except InterruptedAfterWriting as late:
        errors.print(f"interrupted while {label.lower()}: {late.target} was written first")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except KeyboardInterrupt:
        errors.print(f"interrupted while {label.lower()}: nothing was written")
        raise typer.Exit(EXIT_INTERRUPTED) from None


# --- printing --------------------------------------------------------------------------------


def _print_plan(result: PlanResult, binding_weeks: pd.DataFrame) -> None:
    from evramp.report import (
        binding_constraints,
        cost_summary,
        monthly_output,
        on_time_rate,
        yearly_totals,
    )

    size = result.size
    console.print(
        f"\n[bold]{escape(result.scenario)}[/bold]: {result.weeks[0]} to {result.weeks[-1]}, "
        f"solver {result.status}{_gap(result)}; LP {size.rows:,} rows × {size.columns:,} columns, "
        f"{size.nonzeros:,} non-zeros ({size.free_parts} parts planned just in time outside it), "
        f"solved in {result.seconds['solve']:.2f} s",
        markup=True,
    )
    console.print(cost_summary(result))
    console.print(_frame_table("Vehicles completed per month", monthly_output(result)))
    console.print(_frame_table("Vehicles per year", yearly_totals(result)))
    kinds = ", ".join(
        f"{kind} {on_time_rate(result, kind):.1%}" for kind in sorted(set(result.orders["kind"]))
    )
    console.print(
        f"\nOn-time delivery: [bold]{on_time_rate(result):.1%}[/bold] of the quantity due "
        f"({escape(kinds)})",
        markup=True,
    )
    _heading("Most binding constraints")
    binding = binding_constraints(result, top=3, weeks=binding_weeks)
    for number, constraint in enumerate(binding, start=1):
        console.print(f"  {number}. {constraint.describe()}")
    if not binding:
        console.print("  nothing binds: every shop and supplier has spare capacity")


def _gap(result: PlanResult) -> str:
    return f" (integer plan, gap {result.gap:.2%})" if result.integer else ""


def _frame_table(title: str, frame: pd.DataFrame) -> Table:
    _heading(title)
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
    except KeyboardInterrupt:  # between two steps: the writing step is always the last
        errors.print("interrupted: nothing was written")
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:  # the last line of defence: no traceback for users
        if _caused_by_interrupt(exc):
            errors.print("interrupted: nothing was written")
            sys.exit(EXIT_INTERRUPTED)
        if os.environ.get("EVRAMP_DEBUG"):
            raise
        _error(f"{type(exc).__name__}: {exc}", label="internal error")
        errors.print("Set EVRAMP_DEBUG=1 to see the traceback, and please report it.")
        sys.exit(EXIT_NO_PLAN)


def _caused_by_interrupt(exc: BaseException) -> bool:
    """A Ctrl-C inside an extension module's import (the commands import NumPy, HiGHS and the
    like on first use) surfaces as pybind11's "ImportError: initialization failed" caused by the
    KeyboardInterrupt: it is an interrupt, not an internal error."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


if __name__ == "__main__":
    main()
