"""The risk use case: Monte Carlo over the scenario's disruptions, then the tornado, written as
the result `risk/` (or, after Ctrl-C, what finished as `risk-partial/`, the last complete
`risk/` kept).

Three steps, so that a front end can show the number of solves before they start:
`prepare_risk` checks the options against the scenario and counts the solves, `run_risk`
solves them (calling `progress` as jobs finish) and summarises the runs, `write_risk` writes
the tables and the report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from evramp.app.errors import BadInput, NoPlan
from evramp.app.planning import write_step
from evramp.app.steps import StepRunner, run_step
from evramp.io import WrittenResult, write_result
from evramp.model import Scenario
from evramp.model.buckets import bucket_year

if TYPE_CHECKING:
    import pandas as pd

    from evramp.risk.summary import RiskResult

NOTHING_FINISHED = "interrupted before any run finished: nothing was written"


class RiskInterrupted(KeyboardInterrupt):
    """Ctrl-C before any run finished (while the LP was built, the base plan solved, or the
    first runs ran): there is nothing to summarise or write."""

    def __init__(self) -> None:
        super().__init__(NOTHING_FINISHED)


@dataclass(frozen=True)
class RiskOptions:
    """The options of `evramp risk`."""

    runs: int = 200
    seed: int = 0
    backend: str = "local"
    """`local` (a process pool) or `dask` (a local Dask cluster, or the one at `address`)."""
    address: str | None = None
    workers: int = 1
    target: float | None = None
    """Vehicles to deliver in `target_year`: the chance of a miss is computed for it."""
    target_year: str | None = None
    """Default: the first year the horizon covers in full (`RiskResult.default_target_year`)."""
    tornado_runs: int = 200
    """Runs per disruption source alone, for the tornado (at most `runs`; 0: no tornado)."""


@dataclass(frozen=True)
class RiskRun:
    """A risk analysis checked and counted, not yet run."""

    scenario: Scenario
    options: RiskOptions
    sources: int
    """Disruption sources (a group of disruptions, or one disruption of no group)."""

    @property
    def tornado_alone(self) -> int:
        """Runs per source alone: `tornado_runs`, at most `runs`."""
        return min(self.options.tornado_runs, self.options.runs)

    @property
    def solves(self) -> int:
        """LPs to solve: the runs, plus each source alone for the tornado."""
        return self.options.runs + self.sources * self.tornado_alone

    def announcement(self) -> str:
        """How many LPs will be solved: `350 solves: 50 runs + 300 for the tornado (...)`."""
        runs, alone, sources = self.options.runs, self.tornado_alone, self.sources
        each = f"{sources} source{'s' * (sources != 1)} alone × {alone:,} runs"
        tornado = (
            f" + {sources * alone:,} for the tornado ({each}; --tornado-runs 0 leaves it out)"
            if alone
            else "; no tornado (--tornado-runs 0)"
        )
        return f"{self.solves:,} solves: {runs:,} runs{tornado}"


def prepare_risk(scenario: Scenario, options: RiskOptions, source: str | Path) -> RiskRun:
    """Check `options` against `scenario` (read from `source`, named in messages) before any
    solve: `BadInput` without disruptions or for a target year outside the horizon."""
    if not scenario.disruptions:
        raise BadInput(f"{source}: no disruptions.csv (or it is empty): no risk")
    buckets = scenario.calendar.buckets
    years = sorted({str(bucket_year(day, buckets.kind)) for day in buckets.starts[:-1]})
    year = options.target_year
    if year is not None and year not in years:
        raise BadInput(f"--target-year {year} is not in the horizon ({years[0]} to {years[-1]})")
    sources = len({d.group or f"\0{d.id}" for d in scenario.disruptions})
    return RiskRun(scenario, options, sources)


@dataclass(frozen=True)
class RiskOutcome:
    """The runs that finished, summarised."""

    run: RiskRun
    result: RiskResult
    year: str
    """The target year: the option, or the first year the horizon covers in full."""
    frames: dict[str, pd.DataFrame]
    """The tables of `risk/` (`evramp.risk.tables`): runs, yearly, weekly, lateness, tornado."""

    @property
    def interrupted(self) -> bool:
        return self.result.interrupted

    def covered_words(self) -> str:
        """`12 of 50 runs and 0 of 300 tornado runs finished`."""
        result, runs = self.result, self.run.options.runs
        tornado_done = sum(len(alone_runs) for alone_runs in result.alone.values())
        return (
            f"{result.finished:,} of {runs:,} runs and {tornado_done:,} of "
            f"{self.run.solves - runs:,} tornado runs finished"
        )


def run_risk(run: RiskRun, progress: Callable[[int], None] | None = None) -> RiskOutcome:
    """Solve the runs and the tornado (`progress` gets the number of jobs finished at a time)
    and summarise them. Ctrl-C stops the pool and returns what finished (`interrupted` set);
    with nothing finished it raises `RiskInterrupted`. Raises `BadInput` for a scenario or
    backend risk cannot use, and `NoPlan` when the scenario without disruptions has no plan."""
    from evramp.risk import BackendUnavailable, BaseInfeasible, RiskUnsupported, simulate, tables

    options = run.options
    try:
        result = simulate(
            run.scenario,
            options.runs,
            options.seed,
            workers=options.workers,
            backend=options.backend,
            tornado_runs=options.tornado_runs,
            progress=progress,
            address=options.address,
        )
    except (RiskUnsupported, BackendUnavailable) as unsupported:
        raise BadInput(str(unsupported)) from None
    except BaseInfeasible as failed:
        raise NoPlan(f"{failed}; nothing written") from None
    except KeyboardInterrupt:  # before the pool started: building the LP, the base plan
        raise RiskInterrupted from None
    if result.interrupted and not result.finished:
        raise RiskInterrupted
    year = options.target_year or result.default_target_year()
    return RiskOutcome(run, result, year, tables(result, options.target, year))


@dataclass(frozen=True)
class RiskWritten:
    """Where the result went, and for an interrupted analysis what it holds."""

    outcome: RiskOutcome
    written: WrittenResult

    def interrupted_words(self) -> str | None:
        """None for a complete result; else what finished, where it was written and what
        was kept."""
        if not self.outcome.interrupted:
            return None
        written = self.written
        kept = (
            f"the last complete result in {written.kept} was kept"
            if written.kept
            else "there was no complete result to keep"
        )
        return (
            f"interrupted: {self.outcome.covered_words()}; partial results written to "
            f"{written.folder} (see {written.folder.name}/PARTIAL.txt); {kept}"
        )


def write_risk(outcome: RiskOutcome, out: Path, steps: StepRunner = run_step) -> RiskWritten:
    """The tables and report as the result `risk/` of the folder `out`; an interrupted
    analysis as `risk-partial/` with `PARTIAL.txt` saying what finished, the last complete
    `risk/` kept. Raises `BadInput` if the folder cannot take it."""
    from evramp.io.tables import table_files
    from evramp.report.risk_html import write_risk_report

    result, frames, year = outcome.result, outcome.frames, outcome.year
    title = f"Risk: {result.scenario}, {result.finished:,} runs, seed {result.seed}"
    files = {
        **table_files(frames),
        "report.html": lambda path: write_risk_report(frames, path, title, year, result),
    }
    if not outcome.interrupted:
        written = write_step("Writing results", lambda: write_result(out, "risk", files), steps)
        return RiskWritten(outcome, written)
    note = (
        f"evramp risk was interrupted (Ctrl-C): {outcome.covered_words()}; the statistics are "
        "over those."
    )
    written = write_step(
        "Writing partial results",
        lambda: write_result(out, "risk", files, complete=False, note=note),
        steps,
    )
    return RiskWritten(outcome, written)
