"""The `evramp` command: argument parsing (Typer), progress (Rich), printing and exit codes.

The use cases themselves are `evramp.app`'s: the commands call them with the options parsed,
show their steps, print their results, and turn what they refuse into exit codes.

Exit codes: 0 done; 1 the solver found no plan (or an internal error); 2 bad input (the scenario
or the command line, or an --out folder that cannot be written), with `file:line: field:
message` for each problem and nothing written; 130 interrupted: nothing written, except that an
interrupted risk run writes what it finished to risk-partial/ and keeps risk/ (io/result_folder).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.status import Status
from rich.table import Table
from rich.text import Text

from evramp import __version__
from evramp.app import (
    COMPARE_REPORT,
    OUTPUT_TABLE,
    BadInput,
    NoPlan,
    PlanOptions,
    Priorities,
    PurchaseOrders,
    RampChoice,
    Replanned,
    ReplanOptions,
    RiskInterrupted,
    RiskOptions,
    calibrate,
    checked_model_file,
    compare_out,
    compare_plans,
    copy_scenario,
    diff_revisions,
    explain,
    explain_order,
    export_scenario,
    import_scenario,
    kept_words,
    kpi_table,
    list_scenarios,
    mrp,
    objective_words,
    out_folder,
    plan,
    plan_names,
    plan_stored,
    prepare_risk,
    read_changes,
    read_plan,
    read_scenario,
    replan,
    run_risk,
    scenario_folder,
    scenario_log,
    show,
    stored,
    stored_plans,
    validate,
    value_words,
    with_ramp,
    write_compare_report,
    write_mrp,
    write_output_table,
    write_plan,
    write_replan,
    write_risk,
    yearly_output_table,
)
from evramp.io import WrittenResult
from evramp.io.atomic import InterruptedAfterWriting
from evramp.model.renames import FormatChange

if TYPE_CHECKING:
    import pandas as pd

    from evramp.analysis.calibrate import Calibration, ShopFit
    from evramp.analysis.compare import Comparison
    from evramp.app import StoredPlan
    from evramp.plan import PlanResult, Progress
    from evramp.risk.summary import RiskResult
    from evramp.store import PlanInfo, RevisionInfo

# pandas, the planner and the reports are imported by the use cases that need them: `validate`
# and `schema` start without them (0.5 s of a 1 s start).

EXIT_NO_PLAN = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # the shell's code for Ctrl-C


def _piped_width() -> int:
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() else 120


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

PlanOutOption = Annotated[
    Path | None,
    typer.Option(
        "--out", "-o", help="Folder for plan/ (*.csv and report.html).", show_default=False
    ),
]

LevelWeightOption = Annotated[
    float | None,
    typer.Option(
        help="Level the mix: among the plans that deliver as well as the optimal one, the one "
        "whose vehicles change their weekly rate least; one vehicle-a-week of change costs this "
        "many weeks of the vehicle's holding cost. 0: the optimal plan as it is. [default: 1]",
        min=0.0,
        show_default=False,
    ),
]
RampOption = Annotated[
    RampChoice,
    typer.Option(
        help="assumed: the ramps of ramp.csv; fitted: each shop's ramp fitted to its built "
        "actuals (actuals.csv), as `evramp calibrate` prints it."
    ),
]
MaxRateChangeOption = Annotated[
    float | None,
    typer.Option(
        help="The most a vehicle's weekly rate may change from one week (bucket) to the next, "
        "in vehicles a week (not into or out of a shutdown).",
        min=0.0,
        show_default=False,
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
P = ParamSpec("P")


def _exit_codes(command: Callable[P, None]) -> Callable[P, None]:
    """`command` with what a use case refuses said on stderr and turned into its exit code:
    bad input 2 (one line per problem), no plan 1."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except BadInput as bad:
            _error(bad.message)
            if bad.details is not None:
                errors.print(bad.details)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except NoPlan as failed:
            _error(failed.message)
            raise typer.Exit(EXIT_NO_PLAN) from None

    return run


def _say(text: str) -> None:
    """What a use case says while it runs, as a line of its own."""
    console.print(text)


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="The workspace: an SQLite file, or a URL such as "
        "postgresql+psycopg://user@host/evramp. Default: $EVRAMP_DB, else "
        "~/.local/share/evramp/workspace.sqlite.",
        show_default=False,
    ),
]

ScenarioArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="SCENARIO",
        help="Scenario folder, workbook (.xlsx), a scenario stored in the workspace (NAME or "
        "NAME@N), or the name of a built-in scenario. Default: the built-in 'yizhuang' plant.",
        show_default=False,
    ),
]


@app.command("plan")
@_exit_codes
def plan_command(
    scenario: ScenarioArgument = None,
    out: PlanOutOption = None,
    time_limit: TimeLimitOption = None,
    integer: IntegerOption = False,
    priorities: PrioritiesOption = Priorities.weighted,
    level_weight: LevelWeightOption = None,
    max_rate_change: MaxRateChangeOption = None,
    ramp: RampOption = RampChoice.assumed,
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
    xlsx: Annotated[
        bool,
        typer.Option(
            "--xlsx",
            help="Also write plan/plan.xlsx: the tables as sheets, and builds and output with "
            "a column per week (slower: some seconds for the default plan).",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Plan a scenario: write the plan (CSV files) and an HTML report.

    A scenario stored in the workspace (`evramp db`) keeps the plan too, with the options and
    versions it came from.

    Ctrl-C in integer mode keeps the best integer plan found so far: it is printed and written,
    marked as stopped (status 'Stopped by Ctrl-C' with its gap), and the exit code is 130.
    """
    revision = stored(scenario, db)
    options = PlanOptions(
        time_limit,
        integer,
        priorities,
        checked_model_file(write_lp),
        level_weight,
        max_rate_change,
    )
    if revision is None:
        folder = scenario_folder(scenario)
        target = out_folder(out, folder, "plan")
        loaded = with_ramp(read_scenario(folder, _step), ramp, steps=_step, say=_say)
        planned = plan(loaded, options, steps=_step, say=_say, progress=_MipProgress())
        kept = None
    else:
        target = out_folder(out, Path(revision.scenario), "plan")
        kept, planned = plan_stored(
            revision.ref, options, ramp, db, steps=_step, say=_say, progress=_MipProgress()
        )
    if planned.stopped:
        errors.print(planned.stopped_words())
    _print_plan(planned.result, planned.binding)
    if kept is not None:
        console.print(f"kept as {kept.ref}", markup=False)
    _print_written(write_plan(planned, target, _step, workbook=xlsx))
    if planned.stopped:
        errors.print(f"interrupted: {planned.stopped_words()}; written, marked as stopped")
        raise typer.Exit(EXIT_INTERRUPTED)


@app.command("replan")
@_exit_codes
def replan_command(
    scenario: ScenarioArgument = None,
    as_of: Annotated[
        datetime,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="First day re-planned (a Monday with weekly buckets): the past before it is "
            "fixed at actuals.csv.",
        ),
    ] = ...,  # type: ignore[assignment]
    frozen: Annotated[
        int,
        typer.Option(
            help="Weeks (buckets) from --as-of whose builds stay as the previous plan has them "
            "(firm planned orders).",
            min=0,
        ),
    ] = 0,
    previous: Annotated[
        Path | None,
        typer.Option(
            help="The plan folder re-planned (its plan/ is held and compared; its basis.npz "
            "starts the solver). Default: the plan in --out, if there is one.",
            show_default=False,
        ),
    ] = None,
    out: PlanOutOption = None,
    time_limit: TimeLimitOption = None,
    level_weight: LevelWeightOption = None,
    max_rate_change: MaxRateChangeOption = None,
    ramp: RampOption = RampChoice.assumed,
    alpha: Annotated[
        float,
        typer.Option(
            help="Weighted instability: a bucket counts alpha^(buckets from as-of).",
            min=0.0,
            max=1.0,
        ),
    ] = 0.9,
) -> None:
    """Re-plan from a date on actuals.csv, holding a frozen window.

    What was really built, received and delivered before --as-of is fixed.

    The past is fixed at the actuals, builds of the next --frozen weeks are held at the
    previous plan's, the rest is re-optimised, starting from the previous plan's basis. Prints
    how the plan changed (instability, moved promises, constraints that moved) and writes the
    new plan/ with changes.csv beside its tables.
    """
    folder = scenario_folder(scenario)
    target = out_folder(out, folder, "plan")
    if previous is None and (target / "plan" / "builds.csv").is_file():
        previous = target / "plan"
    options = ReplanOptions(as_of.date(), frozen, previous, alpha, source=folder)
    plan_options = PlanOptions(
        time_limit, level_weight=level_weight, max_rate_change=max_rate_change
    )
    scenario_read = read_scenario(folder, _step, as_of.date())
    loaded = with_ramp(scenario_read, ramp, steps=_step, say=_say, as_of=as_of.date())
    replanned = replan(loaded, plan_options, options, steps=_step, say=_say)
    _print_plan(replanned.planned.result, replanned.planned.binding)
    _print_change(replanned)
    _print_written(write_replan(replanned, target, _step))


def _print_change(replanned: Replanned) -> None:
    console.print(f"\nSolver: {replanned.warm_words}")
    change = replanned.change
    if change is None:
        return
    _heading(f"Change from the previous plan ({change.buckets} buckets from {change.as_of})")
    console.print(
        f"  instability {change.instability:.1%} of the previous output changed; weighted "
        f"(alpha {change.alpha:g}) {change.weighted_instability:.1%}"
    )
    table = Table("variant", "before", "after", "changed", box=None)
    for variant in change.variants:
        table.add_row(
            variant.variant, f"{variant.before:,.0f}", f"{variant.after:,.0f}",
            f"{variant.changed:,.0f}",
        )  # fmt: skip
    console.print(table)
    later = [p for p in change.promises if (p.after or "9999") > (p.before or "9999")]
    console.print(
        f"  promises moved: {len(change.promises):,} orders ({len(later):,} later, "
        f"{len(change.promises) - len(later):,} earlier)"
    )
    for promise in change.promises[:5]:
        console.print(
            f"    {promise.order}: {promise.before or 'not delivered'} -> "
            f"{promise.after or 'not delivered'}"
        )
    console.print(f"  constraints that moved: {len(change.constraints):,}")
    for moved in change.constraints[:5]:
        console.print(
            f"    {moved.constraint}: binding {moved.before} -> {moved.after} buckets "
            f"({moved.moved} changed)"
        )


OnlyDifferencesOption = Annotated[
    bool,
    typer.Option(
        "--only-differences", help="Leave out the key figures on which every plan agrees."
    ),
]
CompareOutOption = Annotated[
    Path | None,
    typer.Option(
        "--out", "-o", help="Folder for compare.html. [default: out/compare]", show_default=False
    ),
]


@app.command("compare")
@_exit_codes
def compare_command(
    scenarios: Annotated[
        list[str],
        typer.Argument(
            metavar="SCENARIO...",
            help="Scenario folders (or built-in names) to plan and compare; the first is the base.",
            show_default=False,
        ),
    ],
    only_differences: OnlyDifferencesOption = False,
    out: CompareOutOption = None,
) -> None:
    """Plan scenarios and compare their plans side by side.

    Each is planned as `evramp plan` does without options; the key figures are printed side by
    side, and compare.html shows the ramps, the builds and what binds."""
    if len(scenarios) < 2:
        raise BadInput("compare needs two scenarios or more; nothing planned")
    folders = [scenario_folder(name) for name in scenarios]
    target = compare_out(out)
    loaded = [read_scenario(folder, _step) for folder in folders]
    names = plan_names(folders)
    results = {
        name: plan(scenario, steps=_step, say=_say).result
        for name, scenario in zip(names, loaded, strict=True)
    }
    comparison = compare_plans(results, only_differences, dict(zip(names, loaded, strict=True)))
    _show_comparison(comparison, target)


def _show_comparison(comparison: Comparison, target: Path) -> None:
    """Print the key figures, the output per year and what binds side by side; write
    `target/compare.html` and the weekly output per variant (`compare_output.csv`)."""
    _print_comparison(comparison)
    _print_rows("Output per variant and year", yearly_output_table(comparison))
    _print_binding_changes(comparison)
    report = _step(
        "Writing compare report",
        lambda: write_compare_report(comparison, target / COMPARE_REPORT),
    )
    table = write_output_table(comparison, target / OUTPUT_TABLE)
    _heading("Files written")
    for path in (report, table):
        console.print(f"  {path}", markup=False)


def _print_rows(heading: str, rows: list[list[str]]) -> None:
    _heading(heading)
    if len(rows) == 1:
        console.print("  the plans agree on every row")
        return
    table = Table()
    for n, column in enumerate(rows[0]):
        table.add_column(column, justify="left" if n < 2 else "right")
    for row in rows[1:]:
        table.add_row(*row)
    console.print(table)


def _print_binding_changes(comparison: Comparison, top: int = 10) -> None:
    changes = comparison.binding_changes()
    _heading("What binds, against the base")
    if not changes:
        console.print("  the same constraints bind in the same weeks")
        return
    for change in changes[:top]:
        console.print(
            f"  {change.plan}: {change.kind} {change.name} {change.change} "
            f"({change.base_weeks} -> {change.weeks} weeks, +{change.weeks_added} "
            f"-{change.weeks_removed})",
            markup=False,
        )
    if len(changes) > top:
        console.print(f"  ... {len(changes) - top} more in {COMPARE_REPORT}")


def _print_comparison(comparison: Comparison) -> None:
    rows = kpi_table(comparison)
    _heading(f"Plans compared (base {comparison.base})")
    if len(rows) == 1:
        console.print("  the plans agree on every key figure")
        return
    table = Table()
    for n, column in enumerate(rows[0]):
        table.add_column(column, justify="left" if n == 0 else "right")
    for row in rows[1:]:
        table.add_row(*row)
    console.print(table)
    for change in comparison.inputs:
        values = ", ".join(f"{plan} {value or '–'}" for plan, value in change.values.items())
        console.print(f"  {change.address}: {values}")


@app.command("mrp")
@_exit_codes
def mrp_command(
    scenario: ScenarioArgument = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder for mrp/purchase_orders.csv.", show_default=False),
    ] = None,
    time_limit: TimeLimitOption = None,
    integer: IntegerOption = False,
    priorities: PrioritiesOption = Priorities.weighted,
    level_weight: LevelWeightOption = None,
    max_rate_change: MaxRateChangeOption = None,
    top: Annotated[int, typer.Option(help="How many orders and suppliers to list.", min=1)] = 10,
    db: DbOption = None,
) -> None:
    """Purchase orders: what to buy, from whom, when to release it.

    A scenario stored in the workspace gives the orders of its newest stored plan, as it was
    made. Any other is planned again: give the planning options of the `evramp plan` whose plan
    the orders are to follow (--time-limit, --integer, --priorities, --level-weight,
    --max-rate-change).
    """
    kept = _stored_plan(scenario, db)
    if kept is None:
        folder = scenario_folder(scenario)
        target = out_folder(out, folder, "mrp")
        loaded = read_scenario(folder, _step)
    else:
        target = out_folder(out, Path(kept.info.revision.scenario), "mrp")
        loaded = kept.scenario
    options = PlanOptions(time_limit, integer, priorities, None, level_weight, max_rate_change)
    orders = mrp(
        loaded,
        options,
        steps=_step,
        say=_say,
        progress=_MipProgress(),
        result=None if kept is None else kept.result,
    )
    _print_orders(orders, top)
    _print_written(write_mrp(orders, target, _step))


def _print_orders(purchase_orders: PurchaseOrders, top: int) -> None:
    orders, bucket = purchase_orders.orders, purchase_orders.bucket
    planned = purchase_orders.planned
    console.print(
        f"\n{len(planned):,} planned purchase orders worth {planned['cost'].sum():,.0f}, "
        f"{int((orders['status'] == 'firm').sum()):,} firm; "
        f"{int(planned['beyond_need'].gt(0).sum()):,} rounded up to lots "
        f"({planned['beyond_need'].sum():,.0f} units beyond need), "
        f"{int(planned['over_capacity'].sum()):,} above the supplier's capacity"
    )
    table = Table(title=f"The first {top} releases", title_justify="left")
    for column in (
        "purchase_order",
        "release_week",
        "supplier",
        "item",
        "quantity",
        "receipt_week",
    ):
        name = column.replace("week", bucket)
        table.add_column(name, justify="right" if column == "quantity" else "left")
    for row in planned.head(top).itertuples(index=False):
        table.add_row(
            str(row.purchase_order),
            f"{row.release_week:%Y-%m-%d}",
            str(row.supplier),
            str(row.item),
            f"{float(row.quantity):,.0f}",  # type: ignore[arg-type]
            f"{row.receipt_week:%Y-%m-%d}",
        )
    console.print(table)
    by_supplier = planned.groupby("supplier")["cost"].sum().nlargest(top)
    console.print(_frame_table(f"Top {top} suppliers by value", by_supplier.to_frame("value")))


def _stored_plan(scenario: str | None, db: str | None) -> StoredPlan | None:
    """The newest stored plan of `scenario` when it names a stored scenario (said, with the
    options it was made with), else None."""
    revision = stored(scenario, db)
    if revision is None:
        return None
    kept = _step(f"Reading the plan of {revision.ref}", lambda: read_plan(revision.ref, db=db))
    options = ", ".join(f"{key} {value}" for key, value in sorted(kept.info.options.items()))
    console.print(f"the stored {kept.info.ref} ({options}), as it was made", markup=False)
    return kept


@app.command("explain")
@_exit_codes
def explain_command(
    order_id: Annotated[
        str | None,
        typer.Argument(
            metavar="ORDER_ID",
            help="A order to trace to the shop weeks and parts that held it back.",
            show_default=False,
        ),
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario",
            "-s",
            help="Scenario folder, workbook, stored scenario (NAME or NAME@N) or built-in name.",
            show_default=False,
        ),
    ] = None,
    time_limit: TimeLimitOption = None,
    integer: IntegerOption = False,
    priorities: PrioritiesOption = Priorities.weighted,
    level_weight: LevelWeightOption = None,
    max_rate_change: MaxRateChangeOption = None,
    top: Annotated[
        int, typer.Option(help="How many constraints and problems to list.", min=1)
    ] = 10,
    db: DbOption = None,
) -> None:
    """Why the plan is what it is, or why one order is late.

    Without ORDER_ID: the binding shop-weeks and part-weeks with their value, and the problems
    (late and short orders, shops and parts that held demand back).

    A scenario stored in the workspace is explained from its newest stored plan, as it was
    made. Any other is planned again: give the planning options of the `evramp plan` whose plan
    is to be explained (--time-limit, --integer, --priorities, --level-weight,
    --max-rate-change).
    """
    kept = _stored_plan(scenario, db)
    loaded = read_scenario(scenario_folder(scenario), _step) if kept is None else kept.scenario
    result = None if kept is None else kept.result
    options = PlanOptions(time_limit, integer, priorities, None, level_weight, max_rate_change)
    if order_id is not None:  # checked before the solve: a typo costs no planning time
        order = explain_order(
            loaded, order_id, options, steps=_step, say=_say, progress=_MipProgress(), result=result
        )
        console.print()
        for line in order.lines():
            console.print(line)
        return
    explanation = explain(
        loaded, options, top, steps=_step, say=_say, progress=_MipProgress(), result=result
    )
    console.print(
        f"\n[bold]Binding constraints[/bold] (the three most valuable "
        f"{explanation.result.noun(3)} of each)",
        markup=True,
    )
    for number, binding in enumerate(explanation.binding, start=1):
        console.print(f"  {number}. {binding.constraint.describe()}")
        for sentence in binding.sentences:
            console.print(f"       {sentence}")
    found = explanation.problems
    console.print(
        f"\n[bold]Problems[/bold] ({len(found):,}; the {min(top, len(found))} most valuable)",
        markup=True,
    )
    for description in found["description"].head(top):
        console.print(f"  - {description}")


class Backend(StrEnum):
    local = "local"
    dask = "dask"


@app.command("risk")
@_exit_codes
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

    folder = scenario_folder(scenario)
    destination = out_folder(out, folder, "risk")
    loaded = read_scenario(folder, _step)
    options = RiskOptions(
        runs=runs,
        seed=seed,
        backend=backend.value,
        address=address,
        workers=workers,
        target=target,
        target_year=target_year,
        tornado_runs=tornado_runs,
    )
    run = prepare_risk(loaded, options, folder)
    console.print(run.announcement())
    with Progress(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        "solves",
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task("Solving", total=run.solves)
        try:
            outcome = run_risk(run, progress=lambda count: bar.advance(task, count))
        except RiskInterrupted as nothing_finished:
            errors.print(str(nothing_finished))
            raise typer.Exit(EXIT_INTERRUPTED) from None
    _print_risk(outcome.result, outcome.frames, target, outcome.year)
    written = write_risk(outcome, destination, _step)
    _print_written(written.written)
    interrupted = written.interrupted_words()
    if interrupted is not None:
        errors.print(interrupted, markup=False)
        raise typer.Exit(EXIT_INTERRUPTED)


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


@app.command("calibrate")
@_exit_codes
def calibrate_command(
    scenario: ScenarioArgument = None,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            metavar="DATE",
            help="Fit the actuals before this day (the first day of a week, or bucket); "
            "default: the week after the last actual.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Fit each shop's ramp to its built actuals (actuals.csv).

    S-curve and linear ramps: sop and ramp_weeks; learning curves: learning_rate,
    start_volume and full_volume. Weeks in which a shop was not capacity-bound (short of
    orders or parts: likelier so than bound with noise) are left out: they cannot tell its
    ramp. `evramp plan --ramp fitted` plans with the fitted ramps.
    """
    folder = scenario_folder(scenario)
    loaded = read_scenario(folder, _step)
    calibration = calibrate(loaded, None if as_of is None else as_of.date(), steps=_step)
    _print_calibration(calibration)


def _print_calibration(calibration: Calibration) -> None:
    fits = calibration.fits
    forecast = fits[0].forecast
    table = Table(
        title=f"Ramps fitted to the actuals before {calibration.as_of}",
        title_justify="left",
    )
    for column in ("shop", "parameter", "assumed", "fitted", "R²", "RMSE", "weeks", "band 90 %"):
        right = column not in ("shop", "parameter")
        table.add_column(column, justify="right" if right else "left")
    for fit in fits:
        quality = [
            _ratio(fit.r_squared),
            f"{fit.rmse:,.1f}",
            f"{fit.bound_weeks} of {fit.observed_weeks}",
        ]
        for number, estimate in enumerate(fit.estimates):
            shown = quality if number == 0 else ["", "", ""]
            table.add_row(
                fit.shop if number == 0 else "",
                estimate.parameter,
                value_words(estimate.assumed),
                value_words(estimate.fitted),
                *shown,
                f"{value_words(estimate.low)} – {value_words(estimate.high)}",
            )
        table.add_row(*_forecast_row(fit), end_section=True)
    console.print()
    console.print(table)
    console.print(
        "R² and RMSE (jobs a week) over the capacity-bound weeks (weeks: of those with "
        "actuals); a week likelier short of orders or parts than capacity-bound is left out. "
        f"Capacity: jobs in the {forecast.buckets} "
        f"{calibration.scenario.calendar.buckets.noun(forecast.buckets)} from the as-of date. "
        "Bands: 90 %, residual bootstrap (200 draws, seed 0); the capacity's is that of the "
        "fitted ramp, a week's output varies around it."
    )
    for words in kept_words(calibration):
        console.print(Text.assemble(("note:", "yellow"), " ", words))


def _forecast_row(fit: ShopFit) -> list[str]:
    forecast = fit.forecast
    return [
        "",
        f"capacity from {forecast.first}",
        f"{forecast.assumed:,.0f}",
        f"{forecast.fitted:,.0f}",
        "",
        "",
        "",
        f"{forecast.low:,.0f} – {forecast.high:,.0f}",
    ]


def _ratio(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.4f}"


@app.command("validate")
@_exit_codes
def validate_command(scenario: ScenarioArgument = None) -> None:
    """Check a scenario without planning it."""
    validation = validate(scenario)
    console.print(Text.assemble(("ok", "green"), f" {validation.summary()}"))


@app.command("schema")
def schema_command() -> None:
    """Print the scenario format (Markdown).

    Every file, column, type, default and meaning: docs/scenario-format.md is this output.
    """
    from evramp.model.schema_doc import schema_markdown

    print(schema_markdown(), end="")


# --- the workspace ---------------------------------------------------------------------------

db_app = typer.Typer(
    help="The workspace: stored scenarios, what-if copies, plans.\n\nScenarios, their "
    "revisions (what-if copies kept as the rows that differ) and their plans, in a database "
    "(SQLite by default, PostgreSQL by URL). A stored scenario is NAME (its newest revision) or "
    "NAME@N; `evramp plan NAME` plans one and keeps the plan with it.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(db_app, name="db")

RefArgument = Annotated[
    str, typer.Argument(metavar="NAME", help="A stored scenario: NAME or NAME@N (revision N).")
]


@db_app.command("import")
@_exit_codes
def db_import_command(
    source: Annotated[
        str,
        typer.Argument(
            metavar="FOLDER|WORKBOOK", help="A scenario folder, workbook or built-in name."
        ),
    ],
    name: Annotated[
        str | None,
        typer.Option(help="The stored scenario's name. [default: the folder's or workbook's]"),
    ] = None,
    db: DbOption = None,
) -> None:
    """Store a scenario, validated whole.

    Nothing is stored when it has a problem. Into an existing name it becomes a new revision,
    kept as the rows that differ from the last."""
    imported = import_scenario(source, name, db, _step)
    revision = imported.revision
    if not imported.new:
        console.print(f"unchanged: {source} equals {revision.ref} ({revision.hash[:12]})")
        return
    console.print(
        f"stored {revision.ref}: {revision.rows:,} rows, {revision.stored_rows:,} of them "
        f"stored in this revision, hash {revision.hash[:12]}"
    )


@db_app.command("list")
@_exit_codes
def db_list_command(db: DbOption = None) -> None:
    """The stored scenarios."""
    found = list_scenarios(db)
    if not found:
        console.print("the workspace holds no scenario yet (evramp db import FOLDER)")
        return
    table = Table()
    for column in ("scenario", "revisions", "plans", "rows", "newest", "from"):
        table.add_column(
            column, justify="right" if column in ("revisions", "plans", "rows") else "left"
        )
    for revision, revisions, plans in found:
        table.add_row(
            revision.scenario,
            str(revisions),
            str(plans),
            f"{revision.rows:,}",
            revision.created,
            revision.source,
        )
    console.print(table)


@db_app.command("show")
@_exit_codes
def db_show_command(ref: RefArgument, db: DbOption = None) -> None:
    """A revision: where it came from, its tables, its plans."""
    shown = show(ref, db)
    _print_revision(shown.revision)
    console.print(
        f"  stores {shown.revision.stored_rows:,} of its {shown.revision.rows:,} rows "
        f"({shown.stored_bytes:,} bytes){' (whole)' if shown.revision.full else ''}"
    )
    tables = ", ".join(f"{name} {count:,}" for name, count in shown.tables.items() if count)
    console.print(f"  tables: {tables}", markup=False)
    for stored_plan in shown.plans:
        _print_stored_plan(stored_plan)


@db_app.command("log")
@_exit_codes
def db_log_command(name: RefArgument, db: DbOption = None) -> None:
    """Every revision of a scenario, oldest first, with the plans made of it."""
    for revision, plans in scenario_log(name, db):
        _print_revision(revision)
        for stored_plan in plans:
            _print_stored_plan(stored_plan)


def _print_revision(revision: RevisionInfo) -> None:
    parent = f", from {revision.parent}" if revision.parent else ""
    console.print(
        f"[bold]{escape(revision.ref)}[/bold] {revision.created}{escape(parent)}: "
        f"{escape(revision.source)}; {revision.rows:,} rows ({revision.stored_rows:,} stored), "
        f"hash {revision.hash[:12]}, evramp {revision.evramp_version}",
        markup=True,
    )


def _print_stored_plan(info: PlanInfo) -> None:
    options = ", ".join(f"{key} {value}" for key, value in sorted(info.options.items()))
    console.print(
        f"  plan {info.number} {info.created}: {info.status}, objective "
        f"{objective_words(info.objective)}; {options}; evramp {info.evramp_version}, "
        f"HiGHS {info.highs_version}",
        markup=False,
    )


@db_app.command("export")
@_exit_codes
def db_export_command(
    ref: RefArgument,
    target: Annotated[
        Path,
        typer.Argument(
            metavar="FOLDER|WORKBOOK",
            help="A new or scenario folder, or a workbook (.xlsx) to write.",
        ),
    ],
    db: DbOption = None,
) -> None:
    """Write a stored scenario as a folder of CSV files, or a workbook."""
    revision = _step(f"Writing {target}", lambda: export_scenario(ref, target, db))
    console.print(f"{revision.ref} written to {target}", markup=False)


@db_app.command("copy")
@_exit_codes
def db_copy_command(
    base: Annotated[str, typer.Argument(metavar="BASE", help="The stored scenario to copy.")],
    name: Annotated[str, typer.Argument(metavar="NEW", help="The what-if copy's name.")],
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="TABLE.ROW.FIELD=VALUE",
            help="A value to change, e.g. shops.paint.rate=56 or "
            "suppliers.CATL:CELL-NCM-612.capacity=4000 (repeat for several).",
            show_default=False,
        ),
    ] = None,
    changes: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="A CSV file or workbook (.xlsx) of changes, with the columns address and value.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """A what-if copy: BASE with some values changed, validated whole, kept as the rows that
    differ from BASE."""
    parsed = read_changes(set_ or [], changes)
    revision = copy_scenario(base, name, parsed, db, _step)
    console.print(
        f"stored {revision.ref} from {revision.parent}: {revision.stored_rows:,} of its "
        f"{revision.rows:,} rows stored, hash {revision.hash[:12]}"
    )


@db_app.command("diff")
@_exit_codes
def db_diff_command(
    old: Annotated[str, typer.Argument(metavar="A", help="A stored scenario (NAME or NAME@N).")],
    new: Annotated[str, typer.Argument(metavar="B", help="Another one.")],
    db: DbOption = None,
) -> None:
    """The input rows A and B differ in: added, removed, and changed field by field."""
    changes = diff_revisions(old, new, db)
    if not changes:
        console.print(f"{old} and {new} hold the same scenario", markup=False)
        return
    for change in changes:
        where = f"{change.table} {change.key}".strip()
        if change.change != "changed":
            console.print(f"{change.change:>8} {where}", markup=False)
            continue
        fields = "; ".join(f"{field}: {was} -> {now}" for field, was, now in change.fields)
        console.print(f" changed {where}: {fields}", markup=False)
    counts = Counter(change.change for change in changes)
    console.print(", ".join(f"{count:,} {kind}" for kind, count in counts.items()))


@db_app.command("compare")
@_exit_codes
def db_compare_command(
    refs: Annotated[
        list[str],
        typer.Argument(
            metavar="NAME...", help="Stored scenarios (NAME or NAME@N); the first is the base."
        ),
    ],
    only_differences: OnlyDifferencesOption = False,
    out: CompareOutOption = None,
    db: DbOption = None,
) -> None:
    """Compare the stored plans (each revision's newest) side by side: key figures, what
    binds and how it changed, and compare.html with the ramps overlaid."""
    target = compare_out(out)
    found = _step("Reading plans", lambda: stored_plans(refs, db))
    comparison = compare_plans(
        {name: stored.result for name, stored in found.items()},
        only_differences,
        {name: stored.scenario for name, stored in found.items()},
    )
    _show_comparison(comparison, target)


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        console.print(f"evramp {__version__}")
        raise typer.Exit()
    _notes_for_format_changes()


def _notes_for_format_changes() -> None:
    """Every `FormatChange` (an old name read under its new one) as `note: ...` on stderr,
    each time it happens; other warnings as Python shows them."""
    warnings.simplefilter("always", FormatChange)
    if warnings.showwarning is not _show_warning:  # once per process, not once per command
        _python_shows.append(warnings.showwarning)
        warnings.showwarning = _show_warning


_python_shows: list[Callable[..., None]] = []


def _show_warning(message: Warning | str, category: type[Warning], *args: Any, **kw: Any) -> None:
    if issubclass(category, FormatChange):
        errors.print(Text.assemble(("note:", "yellow"), " ", str(message)))
    else:
        _python_shows[0](message, category, *args, **kw)


# --- steps -----------------------------------------------------------------------------------

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
        f"bound {objective_words(progress.bound)}"
        if math.isfinite(progress.bound)
        else "no bound yet"
    )
    if progress.stopped:
        return (
            f"Ctrl-C after {progress.seconds:.0f} s: keeping the best plan "
            f"{objective_words(progress.objective)}, gap {progress.gap:.2%}; making it whole"
        )
    if not math.isfinite(progress.objective):
        return f"{progress.seconds:.0f} s: no integer plan yet, {bound}"
    return (
        f"{progress.seconds:.0f} s: best plan {objective_words(progress.objective)}, {bound}, "
        f"gap {progress.gap:.2%}"
    )


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
        level_summary,
        monthly_output,
        on_time_rate,
        replan_summary,
        yearly_totals,
    )

    size = result.size
    console.print(
        f"\n[bold]{escape(result.scenario)}[/bold]: "
        f"{result.bucket_starts[0]} to {result.bucket_starts[-1]}, "
        f"solver {result.status}{_gap(result)}; LP {size.rows:,} rows × {size.columns:,} columns, "
        f"{size.nonzeros:,} non-zeros ({size.free_parts:,} parts planned just in time outside it, "
        f"{len(result.orders):,} orders in {size.classes:,} demand classes), "
        f"solved in {result.seconds['solve']:.2f} s",
        markup=True,
    )
    console.print(cost_summary(result))
    for line in (replan_summary(result), level_summary(result)):
        if line is not None:
            console.print(line)
    console.print(_frame_table("Vehicles built per month", monthly_output(result)))
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


# --- the web dashboard and the REST API -------------------------------------------------------

token_app = typer.Typer(
    help="Tokens for the web dashboard and the REST API.\n\nA token has a name and a role: "
    "reader (reads scenarios and plans) or planner (also uploads, copies and plans). Its secret "
    "is shown once; the workspace keeps only its hash.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(token_app, name="token")


class TokenRole(StrEnum):
    reader = "reader"
    planner = "planner"


@token_app.command("create")
@_exit_codes
def token_create_command(
    name: Annotated[str, typer.Argument(help="Who or what the token is for.")],
    role: Annotated[TokenRole, typer.Option(help="What it may do.")] = TokenRole.reader,
    db: DbOption = None,
) -> None:
    """Make a token and print its secret (shown this once)."""
    from evramp.app.tokens import create_token

    secret = create_token(name, role.value, db)
    console.print(f"token {name} ({role.value}): {secret}")
    console.print("keep it: it is not shown again (evramp token revoke NAME to end it)")


@token_app.command("list")
@_exit_codes
def token_list_command(db: DbOption = None) -> None:
    """The tokens: names, roles, when made (never their secrets)."""
    from evramp.app.tokens import list_tokens

    found = list_tokens(db)
    if not found:
        console.print("no token yet (evramp token create NAME --role planner)")
        return
    table = Table()
    for column in ("token", "role", "created"):
        table.add_column(column)
    for token in found:
        table.add_row(token.name, token.role, token.created)
    console.print(table)


@token_app.command("revoke")
@_exit_codes
def token_revoke_command(name: str, db: DbOption = None) -> None:
    """End a token: requests with it are refused from now on."""
    from evramp.app.tokens import revoke_token

    revoke_token(name, db)
    console.print(f"token {name} revoked")


@app.command("serve")
@_exit_codes
def serve_command(
    db: DbOption = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on; 127.0.0.1: this machine only.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
) -> None:
    """Serve the web dashboard and the REST API.

    The dashboard (scenarios, plans) at http://HOST:PORT/, the REST API under /api, its docs at
    /docs; everything is served from here and works offline. Every page and call needs a token
    (evramp token create); when the workspace has none, a planner's token named `first` is made
    and a link that logs in with it is printed. Ctrl-C stops the server."""
    import uvicorn

    from evramp.api import create_app
    from evramp.app.tokens import create_token, list_tokens

    where = f"http://{host}:{port}"
    if not list_tokens(db):
        secret = create_token("first", "planner", db)
        console.print(f"made the planner's token 'first'; log in: {where}/login?token={secret}")
    else:
        console.print(f"serving {where}/ (log in with a token: evramp token create NAME)")
    uvicorn.run(create_app(db), host=host, port=port, log_level="warning")


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
