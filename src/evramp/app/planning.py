"""The plan use case: plan a scenario with the user's options, then write the plan's tables and
report as one result folder (`plan/`).

The planner, pandas and the reports are imported when a plan is made, not with this module:
a front end that only validates starts without them (0.5 s of a 1 s start).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from evramp.app.errors import BadInput, NoPlan
from evramp.app.scenarios import horizon_words
from evramp.app.steps import Say, StepRunner, run_step, say_nothing
from evramp.io import FolderRefused, WrittenResult, write_result
from evramp.io.plan_folder import BASIS_FILE
from evramp.io.result_folder import Writer
from evramp.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from evramp.plan import LevelOptions, PlanResult
    from evramp.plan.watch import ProgressReport


class Priorities(StrEnum):
    """How priorities weigh: `weighted`, one solve in which a higher priority's lateness
    outweighs anything a lower one can gain; `strict`, lexicographic, one solve per level."""

    strict = "strict"
    weighted = "weighted"


@dataclass(frozen=True)
class PlanOptions:
    """How to plan: the options of `evramp plan` (and of `explain` and `mrp`, which plan
    again)."""

    time_limit: float | None = None
    """Seconds the solver may take; integer mode's default is the planner's
    `DEFAULT_MIP_TIME_LIMIT`, said when the solve starts."""
    integer: bool = False
    """Whole cars, setups, purchases in whole lots of at least the MOQ (a MIP)."""
    priorities: Priorities = Priorities.weighted
    model_file: Path | None = None
    """Also write the model as HiGHS is given it (checked by `checked_model_file`)."""
    level_weight: float | None = None
    """Level the mix at this weight (evramp.plan.level); 0: the optimal plan as it is; None:
    the planner's default (`DEFAULT_WEIGHT`)."""
    max_rate_change: float | None = None
    """The most a vehicle's weekly rate may change from one bucket to the next (vehicles a
    week); None: no limit."""


DEFAULT_PLAN_OPTIONS = PlanOptions()
"""`evramp plan` without options: an LP, no time limit, priorities weighted."""


@dataclass(frozen=True)
class Planned:
    """A plan and what its report needs beside it."""

    scenario: Scenario
    result: PlanResult
    binding: pd.DataFrame
    """Every binding shop-week and part-week (`evramp.analysis.explain.binding_weeks`)."""
    stopped_after: float | None = None
    """Seconds integer mode ran when Ctrl-C stopped it and this plan, the best found by then,
    was kept (status 'Stopped by Ctrl-C'); None for a plan that was not interrupted."""

    @property
    def stopped(self) -> bool:
        return self.stopped_after is not None

    def stopped_words(self) -> str:
        """`stopped by Ctrl-C after 12 s: best integer plan, gap 0.03% (objective -39.47 bn)`."""
        return (
            f"stopped by Ctrl-C after {self.stopped_after or 0:.0f} s: best integer plan, gap "
            f"{self.result.gap:.2%} (objective {objective_words(self.result.objective)})"
        )


def checked_model_file(path: Path | None) -> Path | None:
    """`path` made absolute, or `BadInput` before any work unless HiGHS can write it (a name
    ending in .mps or .lp, in an existing folder)."""
    if path is None:
        return None
    if path.suffix.lower() not in (".mps", ".lp"):
        raise BadInput(
            f"--write-lp {path}: the name must end in .mps or .lp (the format); nothing written"
        )
    if not path.parent.resolve().is_dir() or path.is_dir():
        raise BadInput(f"--write-lp {path}: {path.parent} is not a folder; nothing written")
    return path.resolve()


def planning_label(scenario: Scenario, options: PlanOptions) -> str:
    """The label of the planning step: `Planning 178 weeks in integer mode`."""
    return f"Planning {horizon_words(scenario)}{' in integer mode' * options.integer}"


def objective_words(value: float) -> str:
    """An objective to tell plans 0.1 % apart: `-39.47 bn`."""
    for size, suffix in ((1e9, " bn"), (1e6, " m"), (1e3, " k")):
        if abs(value) >= size:
            return f"{value / size:,.2f}{suffix}"
    return f"{value:,.0f}"


def plan(
    scenario: Scenario,
    options: PlanOptions = DEFAULT_PLAN_OPTIONS,
    *,
    steps: StepRunner = run_step,
    say: Say = say_nothing,
    progress: ProgressReport | None = None,
) -> Planned:
    """Plan `scenario` as the step `Planning ...`, and find what binds.

    Integer mode says its time limit first, calls `progress` while HiGHS searches, and after
    Ctrl-C returns the best integer plan found by then (`Planned.stopped_after` set); without
    such a plan Ctrl-C raises `PlanInterrupted` (a KeyboardInterrupt). Raises `NoPlan` when the
    solver reaches no plan."""
    from evramp.analysis.explain import binding_weeks
    from evramp.plan import PlanInterrupted

    def planned() -> tuple[PlanResult, float | None]:
        try:
            return solve(scenario, options, say, progress), None
        except PlanInterrupted as interrupted:
            if interrupted.result is None:
                raise
            return interrupted.result, interrupted.seconds

    result, stopped_after = steps(planning_label(scenario, options), planned)
    return Planned(scenario, result, binding_weeks(result, scenario), stopped_after)


def plan_again(
    scenario: Scenario,
    options: PlanOptions,
    steps: StepRunner = run_step,
    say: Say = say_nothing,
    progress: ProgressReport | None = None,
) -> PlanResult:
    """The plan `plan` makes with the same options, for a use case that reads it (explain,
    mrp): Ctrl-C raises `PlanInterrupted` even when integer mode had a plan, since a stopped
    plan is not the one the user's `evramp plan` wrote."""
    return steps(planning_label(scenario, options), lambda: solve(scenario, options, say, progress))


def solve(
    scenario: Scenario,
    options: PlanOptions,
    say: Say = say_nothing,
    progress: ProgressReport | None = None,
) -> PlanResult:
    """The plan, or `NoPlan`; Ctrl-C raises `PlanInterrupted`."""
    from evramp.plan import DEFAULT_MIP_TIME_LIMIT, PlanFailed
    from evramp.plan import plan as make_plan

    time_limit = options.time_limit
    if options.integer:
        time_limit = DEFAULT_MIP_TIME_LIMIT if options.time_limit is None else options.time_limit
        default = " (default; --time-limit to change)" if options.time_limit is None else ""
        say(f"integer mode: time limit {time_limit:g} s{default}")
    try:
        return make_plan(
            scenario,
            time_limit=time_limit,
            integer=options.integer,
            strict_priorities=options.priorities is Priorities.strict,
            # An LP is not watched: its Ctrl-C keeps nothing, so it has nothing to report.
            progress=progress if options.integer else None,
            model_file=options.model_file,
            level=level_options(options),
        )
    except PlanFailed as failed:
        raise NoPlan(f"{failed}; no plan written") from None


def level_options(options: PlanOptions) -> LevelOptions:
    from evramp.plan import LEVELLED, LevelOptions

    weight = LEVELLED.weight if options.level_weight is None else options.level_weight
    return LevelOptions(weight, options.max_rate_change)


WRITING_PLAN = "Writing plan and report"


PLAN_WORKBOOK = "plan.xlsx"
"""The plan's tables as a workbook, in `plan/` beside them when asked for (`workbook=True`)."""


def write_plan(
    planned: Planned, out: Path, steps: StepRunner = run_step, *, workbook: bool = False
) -> WrittenResult:
    """The plan's tables and its report (with `workbook`, plan.xlsx too) as the result `plan/`
    of the folder `out` (checked by `out_folder`), switched in as a whole. Raises `BadInput` if
    the folder cannot take it."""

    def write() -> WrittenResult:  # the tables are made inside the step: they take time too
        return write_result(out, "plan", plan_files(planned, workbook=workbook))

    return write_step(WRITING_PLAN, write, steps)


def plan_files(planned: Planned, *, workbook: bool = False) -> dict[str, Writer]:
    """The files of a plan folder: its tables, its report and the solver's bases (basis.npz,
    what a re-plan starts from; none in integer mode); with `workbook`, plan.xlsx. The workbook
    is asked for, not written by default: xlsxwriter takes some 8 µs a cell, 6 s for the
    default plan's tables where their CSV files take 0.15 s."""
    from evramp.io.tables import table_files
    from evramp.plan.basis import write_bases
    from evramp.report import write_report

    result, scenario = planned.result, planned.scenario
    tables = result.tables()
    files = {
        **table_files(tables),
        "report.html": lambda path: write_report(result, path, scenario, planned.binding),
    }
    if result.bases.first is not None:
        files[BASIS_FILE] = lambda path: write_bases(result.bases, path)
    if workbook:
        from evramp.io.workbook import write_plan_workbook

        files[PLAN_WORKBOOK] = lambda path: write_plan_workbook(tables, path)
    return files


def write_step(
    label: str, write: Callable[[], WrittenResult], steps: StepRunner = run_step
) -> WrittenResult:
    """Run `write` as the step `label`; an output folder that refuses it is bad input."""
    try:
        return steps(label, write)
    except FolderRefused as refused:
        raise BadInput(str(refused)) from None
