"""Finding, reading and validating a scenario, and checking where its results go."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from evramp.app.errors import BadInput, ScenarioRejected
from evramp.app.steps import StepRunner, run_step
from evramp.io import (
    FolderRefused,
    builtin_scenario_path,
    check_out,
    is_workbook,
    load_scenario,
)
from evramp.io import scenario_folder as find_scenario_folder
from evramp.model import Scenario, ScenarioInvalid

READING = "Reading scenario"
"""The label of the reading step."""

COUNTED_TABLES = ("items", "bom", "shops", "suppliers", "demand")
"""The tables whose rows `validate` counts."""


def rejected(scenario: str, invalid: ScenarioInvalid) -> ScenarioRejected:
    """`scenario rejected (N problems):` and one line per problem."""
    count = len(invalid.errors)
    return ScenarioRejected(
        f"scenario {scenario} rejected ({count} problem{'s' * (count != 1)}):",
        invalid.summary(),
        invalid.errors,
    )


def scenario_folder(scenario: str | None) -> Path:
    """The folder of `scenario`: a folder (or a workbook, a file ending in .xlsx), else the name
    of a built-in scenario; the default built-in one for None. Raises `ScenarioRejected` saying
    where it looked."""
    if scenario is None:
        return builtin_scenario_path()
    try:
        return find_scenario_folder(scenario)
    except ScenarioInvalid as invalid:
        raise rejected(scenario, invalid) from None


def read_scenario(
    folder: Path, steps: StepRunner = run_step, as_of: dt.date | None = None
) -> Scenario:
    """The scenario in `folder`, validated, as the step `Reading scenario`. Raises
    `ScenarioRejected` with every problem (with `as_of`, a re-plan's, actuals on or after it
    too)."""
    return steps(READING, lambda: _read(folder, as_of))


def _read(folder: Path, as_of: dt.date | None = None) -> Scenario:
    try:
        scenario = load_scenario(folder, as_of)
    except ScenarioInvalid as invalid:
        raise rejected(str(folder), invalid) from None
    # Cut the horizon into buckets now, inside the reading step: the next step's label counts
    # them, and a Ctrl-C between two steps would not be said to be in either.
    len(scenario.calendar.buckets)
    return scenario


def located(source: Path | None, invalid: ScenarioInvalid) -> ScenarioInvalid:
    """`invalid`, found after the scenario was read from `source`, at its sheets and cells
    when `source` is a workbook (such problems name a table's file and line)."""
    if source is None or not is_workbook(source):
        return invalid
    from evramp.io.workbook import locate_errors

    return ScenarioInvalid(locate_errors(source, invalid.errors), skipped=invalid.skipped)


def horizon_words(scenario: Scenario) -> str:
    """`178 weeks`, `1,246 days`, `41 months`: what is planned."""
    count = len(scenario.calendar.buckets)
    return f"{count:,} {scenario.calendar.buckets.noun(count)}"


def out_folder(out: Path | None, scenario_folder: Path, result: str) -> Path:
    """Where the result `result` (`plan`, `mrp`, `risk`) goes: `out` (default
    `out/<scenario folder name>`), absolute. Raises `BadInput` before any work if it cannot take
    the result (a file in the way, read-only, a full disk, /proc)."""
    # A workbook's results go to out/yizhuang, not to a folder named like the file.
    name = scenario_folder.stem if is_workbook(scenario_folder) else scenario_folder.name
    target = (out or Path("out") / name).resolve()
    try:
        check_out(target, result)
    except FolderRefused as refused:
        raise BadInput(f"{refused}; nothing written") from None
    return target


@dataclass(frozen=True)
class Validation:
    """A scenario that is valid, and how many rows its main tables have."""

    folder: Path
    scenario: Scenario
    counts: dict[str, int]

    def summary(self) -> str:
        """`FOLDER: scenario 'NAME' is valid (N items, N bom, ...)`."""
        counts = ", ".join(f"{count} {name}" for name, count in self.counts.items())
        return f"{self.folder}: scenario {self.scenario.name!r} is valid ({counts})"


def validate(scenario: str | None) -> Validation:
    """Find and read `scenario` (a folder or a built-in name, as `scenario_folder` takes it)
    without planning it. Raises `ScenarioRejected` with every problem."""
    folder = scenario_folder(scenario)
    loaded = _read(folder)
    counts = {name: len(loaded.table(name)) for name in COUNTED_TABLES}
    return Validation(folder, loaded, counts)
