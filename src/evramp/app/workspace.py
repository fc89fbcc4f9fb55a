"""The workspace use cases (`evramp db ...`, and `plan`/`explain`/`mrp` of a stored scenario):
import and export scenarios, what-if copies, revisions and their plans, the rows two revisions
differ in. A scenario is addressed as `NAME` (its newest revision) or `NAME@N`."""

from __future__ import annotations

import csv
import dataclasses
import enum
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evramp.app.calibrating import RampChoice
from evramp.app.errors import BadInput, NotFound
from evramp.app.planning import DEFAULT_PLAN_OPTIONS, PlanOptions
from evramp.app.scenarios import rejected, scenario_folder
from evramp.app.steps import Say, StepRunner, run_step, say_nothing
from evramp.io import load_scenario, write_scenario
from evramp.io.atomic import FolderRefused
from evramp.io.scenario_folder import without_gc
from evramp.model import Scenario
from evramp.model.changes import Change
from evramp.model.errors import ScenarioError, ScenarioInvalid

if TYPE_CHECKING:
    from evramp.app.planning import Planned
    from evramp.plan import PlanResult
    from evramp.plan.watch import ProgressReport
    from evramp.store import PlanInfo, RevisionInfo, Workspace
    from evramp.store.diff import RowChange
    from evramp.store.rows import Content

WORKBOOK = ".xlsx"


@contextmanager
def store_errors() -> Iterator[None]:
    """The workspace's refusals as `BadInput`: an unknown name, a name taken, a database that
    cannot be opened."""
    from evramp.store import NameTaken, NotInWorkspace, StoreUnavailable

    try:
        yield
    except NotInWorkspace as missing:
        raise NotFound(str(missing)) from None
    except (NameTaken, StoreUnavailable) as refused:
        raise BadInput(str(refused)) from None


def open_workspace(db: str | None = None) -> Workspace:
    """The workspace (`--db`, `$EVRAMP_DB`, or the default file), created when new."""
    from evramp.store import Workspace

    with store_errors():
        return Workspace.open(db)


def stored(name: str | None, db: str | None = None) -> RevisionInfo | None:
    """The stored revision `name` names, if the workspace exists and holds it (a workspace
    that does not exist yet is not created by looking)."""
    from evramp.store import NotInWorkspace, Workspace

    if name is None or Path(name).exists():
        return None
    with store_errors():
        workspace = Workspace.existing(db)
        if workspace is None:
            return None
        try:
            return workspace.revision(name)
        except NotInWorkspace:
            return None


# --- import and export -----------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    revision: RevisionInfo
    new: bool
    """False: the scenario equals its newest revision already; nothing was stored."""


def import_scenario(
    given: str | Path, name: str | None = None, db: str | None = None, steps: StepRunner = run_step
) -> Imported:
    """Read `given` (a folder, a workbook or a built-in name), validate it, and store it as a
    new revision of `name` (default: the folder's or workbook's name). Refused whole with every
    problem."""

    source = scenario_folder(str(given))

    scenario = steps("Reading scenario", lambda: _load(source))
    return store_scenario(scenario, name or source.stem, f"import of {source.name}", db, steps)


def store_scenario(
    scenario: Scenario, name: str, source: str, db: str | None = None, steps: StepRunner = run_step
) -> Imported:
    """Store the validated `scenario` as a new revision of `name` (`source` says where it came
    from: an import, an upload); nothing when it equals the newest revision."""
    from evramp.store.rows import content_of

    workspace = open_workspace(db)
    with store_errors():
        added = steps(f"Storing {name}", lambda: workspace.add(name, content_of(scenario), source))
    return Imported(added.revision, added.new)


def _load(source: Path) -> Scenario:
    try:
        return load_scenario(source)
    except ScenarioInvalid as invalid:
        raise rejected(str(source), invalid) from None


def read_stored(ref: str, db: str | None = None) -> tuple[RevisionInfo, Scenario]:
    """The stored revision `ref` and its scenario."""
    revision, scenario, _ = _read_stored(ref, db)
    return revision, scenario


def _read_stored(ref: str, db: str | None) -> tuple[RevisionInfo, Scenario, Content]:
    workspace = open_workspace(db)
    with store_errors():
        revision, content = workspace.content(ref)
    return revision, _scenario_of(content, revision.ref), content


def _scenario_of(content: Content, ref: str) -> Scenario:
    try:
        return content.scenario(ref)
    except ScenarioInvalid as invalid:  # only after a change of format evramp cannot read
        raise rejected(ref, invalid) from None


def export_scenario(ref: str, target: Path, db: str | None = None) -> RevisionInfo:
    """Write the stored revision `ref` as a scenario folder, or a workbook (`.xlsx`)."""
    from evramp.io.workbook import write_workbook

    revision, scenario = read_stored(ref, db)
    try:
        if target.suffix.lower() == WORKBOOK:
            write_workbook(scenario, target)
        else:
            write_scenario(scenario, target)
    except (FolderRefused, OSError) as refused:  # a WorkbookRefused is a FolderRefused
        raise BadInput(f"{refused}; nothing written") from None
    return revision


# --- what-if copies --------------------------------------------------------------------------


def read_changes(sets: Sequence[str], file: Path | None = None) -> list[Change]:
    """The changes of `--set TABLE.ROW.FIELD=VALUE` and of a changes file (CSV or workbook
    with the columns `address` and `value`): every bad one reported at once."""
    problems: list[ScenarioError] = []
    changes: list[Change] = []
    for text in sets:
        try:
            changes.append(Change.parse_assignment(text))
        except ScenarioInvalid as invalid:
            problems.extend(_as_set(invalid, text))
    if file is not None:
        place, rows = _change_rows(file, problems)
        for line, address, value in rows:
            try:
                changes.append(Change.parse(address, value))
            except ScenarioInvalid as invalid:
                problems.extend(
                    place.error(line, "address", error.message) for error in invalid.errors
                )
    if problems:
        raise rejected("the changes", ScenarioInvalid(problems))
    if not changes:
        raise BadInput("no changes given: use --set TABLE.ROW.FIELD=VALUE or --changes FILE")
    return changes


def _as_set(invalid: ScenarioInvalid, text: str) -> list[ScenarioError]:
    return [ScenarioError(f"--set {text}", 0, "", error.message) for error in invalid.errors]


@dataclass(frozen=True)
class _ChangesFile:
    """Where a changes file's rows are: `file:row` in a CSV file, `BOOK.xlsx: SHEET!A3` in a
    workbook (its first sheet)."""

    file: Path
    sheet: str = ""
    letters: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def error(self, line: int, column: str, message: str) -> ScenarioError:
        if not self.sheet:
            return ScenarioError(self.file.name, line, column, message)
        cell = f"{self.letters.get(column, 'A')}{line}" if line else ""
        return ScenarioError(f"{self.file.name}: {self.sheet}", line, column, message, cell)


def _change_rows(
    file: Path, problems: list[ScenarioError]
) -> tuple[_ChangesFile, list[tuple[int, str, str]]]:
    """Where the changes file's rows are, and their (line, address, value); its problems go
    to `problems`."""
    place = _ChangesFile(file)
    try:
        place, table = _workbook_rows(file) if file.suffix.lower() == WORKBOOK else _csv_rows(file)
    except (OSError, UnicodeDecodeError, ValueError) as failed:
        problems.append(place.error(0, "", f"cannot read it: {failed}"))
        return place, []
    rows: list[tuple[int, str, str]] = []
    for line, row in table:
        address, value = (row.get("address") or "").strip(), (row.get("value") or "").strip()
        if not address:
            problems.append(place.error(line, "address", "required: TABLE.ROW.FIELD"))
            continue
        rows.append((line, address, value))
    if not table:
        problems.append(place.error(0, "", "no changes: expected the columns address and value"))
    return place, rows


def _csv_rows(file: Path) -> tuple[_ChangesFile, list[tuple[int, dict[str, str]]]]:
    with file.open(newline="", encoding="utf-8-sig") as handle:
        return _ChangesFile(file), list(enumerate(csv.DictReader(handle), start=2))


def _workbook_rows(file: Path) -> tuple[_ChangesFile, list[tuple[int, dict[str, str]]]]:
    from python_calamine import CalamineError, CalamineWorkbook

    from evramp.io.workbook import column_letters

    try:
        book = CalamineWorkbook.from_path(str(file))
        sheet = book.sheet_names[0]
        cells = book.get_sheet_by_index(0).to_python()
    except (CalamineError, IndexError) as failed:
        raise ValueError(f"not a workbook evramp can read ({failed})") from None
    header = [str(cell).strip() for cell in cells[0]] if cells else []
    letters = {name: column_letters(index) for index, name in enumerate(header)}
    rows = [
        (line, {name: _cell_text(cell) for name, cell in zip(header, row, strict=False)})
        for line, row in enumerate(cells[1:], start=2)
        if any(_cell_text(cell) for cell in row)
    ]
    return _ChangesFile(file, sheet, letters), rows


def _cell_text(cell: object) -> str:
    """A cell as the text a CSV file would hold (56.0 as 56: Excel keeps every number a float)."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return "" if cell is None else str(cell)


def copy_scenario(
    base: str,
    name: str,
    changes: Sequence[Change],
    db: str | None = None,
    steps: StepRunner = run_step,
) -> RevisionInfo:
    """A new scenario `name`: the revision `base` with `changes` made, validated as a whole,
    stored as the rows that differ from `base`.

    A stored revision is valid, so only what the changes can break is checked: the changed
    rows, and the checks across tables that read a changed table. Only the tables those
    checks read are read (a copy of plant L that changes suppliers reads 4 of its 12 tables);
    `apply_changes_to_valid` finds what validating the whole scenario would."""
    from evramp.model.changes import apply_changes_to_valid, changed_tables
    from evramp.store import check_name
    from evramp.store.rows import content_of

    with store_errors():
        check_name(name)
    workspace = open_workspace(db)
    with without_gc():  # records by the ten thousand, no cycles: collections cost half the time
        parent, part, content = steps(
            f"Reading {base}", lambda: _read_for_changes(workspace, base, changes)
        )
        try:
            changed = apply_changes_to_valid(part, changes)
        except ScenarioInvalid as invalid:
            raise rejected(f"{base} with the changes", invalid) from None
        revised = content_of(changed, (part, content), only=changed_tables(changes))
    source = "copy of {} with {}".format(parent.ref, "; ".join(_said(c) for c in changes))
    with store_errors():
        return steps(
            f"Storing {name}",
            lambda: workspace.copy(parent.ref, name, revised, source, content),
        )


def _read_for_changes(
    workspace: Workspace, base: str, changes: Sequence[Change]
) -> tuple[RevisionInfo, Scenario, Content]:
    """The revision `base`, the part of its scenario that `changes` need checked, and the
    content of that part."""
    from evramp.model.changes import tables_to_read

    with store_errors():
        parent = workspace.revision(base)
        empty = frozenset(
            name for name, rows in workspace.table_rows(parent.ref).items() if not rows
        )
        _, content = workspace.content(parent.ref, tables_to_read(changes, empty))
    try:
        return parent, content.part(), content
    except ScenarioInvalid as invalid:  # only after a change of format evramp cannot read
        raise rejected(parent.ref, invalid) from None


def _said(change: Change) -> str:
    return f"{change.address}={change.value}"


# --- plans -----------------------------------------------------------------------------------


def plan_options_record(options: PlanOptions, ramp: str) -> dict[str, Any]:
    """The options of a plan as the workspace records them."""
    record = {
        field.name: _plain(getattr(options, field.name)) for field in dataclasses.fields(options)
    }
    record.pop("model_file")
    record["ramp"] = ramp
    return record


def _plain(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    return str(value) if isinstance(value, Path) else value


def store_plan(
    revision: RevisionInfo,
    result: PlanResult,
    options: PlanOptions = DEFAULT_PLAN_OPTIONS,
    ramp: str = "assumed",
    db: str | None = None,
) -> PlanInfo:
    """Keep `result`, a plan of `revision`, in the workspace with its options and versions."""
    from evramp.store.plans import highs_version, parts_of

    workspace = open_workspace(db)
    with store_errors():
        return workspace.add_plan(
            revision.ref,
            parts_of(result),
            plan_options_record(options, ramp),
            result.status,
            result.objective,
            highs_version(),
        )


def plan_stored(
    ref: str,
    options: PlanOptions = DEFAULT_PLAN_OPTIONS,
    ramp: RampChoice = RampChoice.assumed,
    db: str | None = None,
    *,
    steps: StepRunner = run_step,
    say: Say = say_nothing,
    progress: ProgressReport | None = None,
) -> tuple[PlanInfo, Planned]:
    """Plan the stored revision `ref` and keep the plan with it (`evramp plan NAME`, the
    dashboard's plan jobs)."""
    from evramp.app.calibrating import with_ramp
    from evramp.app.planning import plan

    revision, found = steps(f"Reading {ref}", lambda: read_stored(ref, db))
    loaded = with_ramp(found, ramp, steps=steps, say=say)
    planned = plan(loaded, options, steps=steps, say=say, progress=progress)
    info = steps(
        "Keeping the plan in the workspace",
        lambda: store_plan(revision, planned.result, options, ramp.value, db),
    )
    return info, planned


@dataclass(frozen=True)
class StoredPlan:
    """A plan read back from the workspace, with the scenario revision it was made of."""

    info: PlanInfo
    scenario: Scenario
    result: PlanResult


def revision_info(ref: str, db: str | None = None) -> RevisionInfo:
    """The stored revision `ref` (`NotFound` if there is none), without its rows."""
    workspace = open_workspace(db)
    with store_errors():
        return workspace.revision(ref)


def plan_info(ref: str, number: int | None = None, db: str | None = None) -> PlanInfo:
    """Which stored plan `number` (default the newest) of the revision `ref` is, without
    reading it (a front end that keeps plans it read looks them up by it)."""
    workspace = open_workspace(db)
    with store_errors():
        return workspace.plan_info(ref, number)


def read_plan(ref: str, number: int | None = None, db: str | None = None) -> StoredPlan:
    """The stored plan `number` (default the newest) of the revision `ref`: as it was made,
    never solved again."""
    from evramp.store.plans import result_of

    workspace = open_workspace(db)
    with store_errors():
        info, parts = workspace.plan(ref, number)
        _, content = workspace.content(info.revision.ref)
    return StoredPlan(info, _scenario_of(content, info.revision.ref), result_of(parts))


def options_of(info: PlanInfo) -> PlanOptions:
    """The `PlanOptions` a stored plan was made with."""
    from evramp.app.planning import Priorities

    recorded: Mapping[str, Any] = info.options
    fields = {field.name for field in dataclasses.fields(PlanOptions)}
    kept = {key: value for key, value in recorded.items() if key in fields}
    if "priorities" in kept:
        kept["priorities"] = Priorities(kept["priorities"])
    return PlanOptions(**kept)


# --- looking ---------------------------------------------------------------------------------


def list_scenarios(db: str | None = None) -> list[tuple[RevisionInfo, int, int]]:
    """Every stored scenario: its newest revision, its count of revisions and of plans."""
    workspace = open_workspace(db)
    with store_errors():
        return workspace.scenarios()


def scenario_log(name: str, db: str | None = None) -> list[tuple[RevisionInfo, list[PlanInfo]]]:
    """Every revision of `name` (a revision given as NAME@N names its scenario), with its
    plans."""
    from evramp.store import parse_ref

    workspace = open_workspace(db)
    with store_errors():
        return workspace.log(parse_ref(name)[0])


@dataclass(frozen=True)
class Shown:
    revision: RevisionInfo
    tables: dict[str, int]
    stored_bytes: int
    plans: list[PlanInfo]


def show(ref: str, db: str | None = None) -> Shown:
    """A revision: its tables' row counts, what it stores itself, its plans."""
    workspace = open_workspace(db)
    with store_errors():
        revision, content = workspace.content(ref)
        plans = next(
            found for entry, found in workspace.log(revision.scenario) if entry.id == revision.id
        )
        tables = {name: len(table.live) for name, table in content.tables.items()}
        return Shown(revision, tables, workspace.stored_bytes(revision.ref), plans)


# --- differences -----------------------------------------------------------------------------


def diff_revisions(old: str, new: str, db: str | None = None) -> list[RowChange]:
    """The input rows (and scenario.yaml fields) the revisions `old` and `new` differ in."""
    from evramp.store.diff import diff

    workspace = open_workspace(db)
    with store_errors():
        _, before = workspace.content(old)
        _, after = workspace.content(new)
    return diff(before, after)


def stored_plans(refs: Sequence[str], db: str | None = None) -> dict[str, StoredPlan]:
    """The newest plan of each revision in `refs`, named by the revision (`NAME@N`); every
    revision without a plan is said at once."""
    plans: dict[str, StoredPlan] = {}
    missing: list[str] = []
    for ref in refs:
        try:
            found = read_plan(ref, db=db)
        except BadInput as refused:
            missing.append(refused.message)
            continue
        plans[found.info.revision.ref] = found
    if missing:
        raise BadInput(f"{len(missing)} of the scenarios cannot be compared", "\n".join(missing))
    if len(plans) < 2:
        raise BadInput("compare needs two revisions or more (a revision given twice counts once)")
    return plans
