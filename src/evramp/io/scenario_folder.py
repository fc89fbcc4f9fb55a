"""Read and write a scenario folder: `scenario.yaml` plus one CSV file per table.

Every problem is reported as `file:line: field: message` and all of them are collected before the
scenario is refused; a scenario with any problem is never handed to the planner.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from evramp.io.atomic import FolderRefused, atomic_directory
from evramp.model import SCENARIO_FILE, TABLES, Calendar, Scenario, TableSpec, ensure_valid
from evramp.model.errors import ScenarioError, ScenarioInvalid, describe
from evramp.model.records import Record

_HEADER_LINE = 1


def load_scenario(folder: str | Path) -> Scenario:
    """Read and validate the scenario in `folder`.

    Raises `ScenarioInvalid` listing every problem when anything is wrong.
    """
    folder = Path(folder)
    if not folder.is_dir():
        why = "a file, not a directory" if folder.exists() else "no such directory"
        raise ScenarioInvalid([ScenarioError(str(folder), 0, "", f"not a scenario folder ({why})")])
    errors: list[ScenarioError] = []
    header = _read_header(folder / SCENARIO_FILE, errors)
    tables: dict[str, tuple[Record, ...]] = {}
    lines: dict[str, tuple[int, ...]] = {}
    for spec in TABLES:
        records, record_lines = _read_table(folder, spec, errors)
        tables[spec.name] = records
        lines[spec.name] = record_lines
    if errors or header is None:
        raise ScenarioInvalid(errors)
    name, notes, calendar = header
    scenario = Scenario(name=name, notes=notes, calendar=calendar, lines=lines, **tables)  # type: ignore[arg-type]
    return ensure_valid(scenario)


# --- scenario.yaml ---------------------------------------------------------------------------

_HEADER_KEYS = ("name", "notes", "calendar")


def _read_header(path: Path, errors: list[ScenarioError]) -> tuple[str, str, Calendar] | None:
    file = path.name
    if not path.is_file():
        errors.append(ScenarioError(file, 0, "", "file not found; every scenario needs one"))
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or str(exc)
        errors.append(ScenarioError(file, line, "", f"not valid YAML: {problem}"))
        return None
    except UnicodeDecodeError:
        errors.append(ScenarioError(file, 0, "", "not UTF-8 text"))
        return None
    if not isinstance(data, dict):
        errors.append(ScenarioError(file, 0, "", "expected a mapping with name and calendar"))
        return None
    found = len(errors)
    for key in data:
        if key not in _HEADER_KEYS:
            errors.append(
                ScenarioError(file, 0, str(key), f"unknown key; expected {', '.join(_HEADER_KEYS)}")
            )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.append(ScenarioError(file, 0, "name", "required: the scenario's name as text"))
    notes = data.get("notes") or ""
    if not isinstance(notes, str):
        errors.append(ScenarioError(file, 0, "notes", "expected text"))
    calendar = _read_calendar(data.get("calendar"), file, errors)
    if len(errors) > found or calendar is None:
        return None
    return str(name).strip(), str(notes), calendar


def _read_calendar(data: Any, file: str, errors: list[ScenarioError]) -> Calendar | None:
    if data is None:
        errors.append(ScenarioError(file, 0, "calendar", "required: first_week and horizon_weeks"))
        return None
    try:
        return Calendar.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in ("calendar", *error["loc"]))
            message = describe(
                error["type"], error["msg"], error.get("input"), error.get("ctx", {})
            )
            errors.append(ScenarioError(file, 0, where, message))
        return None


# --- CSV tables ------------------------------------------------------------------------------


@cache
def _adapter(record: type[Record]) -> TypeAdapter[list[Record]]:
    return TypeAdapter(list[record])  # type: ignore[valid-type]


def _read_table(
    folder: Path, spec: TableSpec, errors: list[ScenarioError]
) -> tuple[tuple[Record, ...], tuple[int, ...]]:
    path = folder / spec.file
    if not path.is_file():
        if spec.required:
            errors.append(ScenarioError(spec.file, 0, "", f"file not found ({spec.doc})"))
        return (), ()
    try:
        rows, lines = _read_rows(path, spec, errors)
    except UnicodeDecodeError:
        errors.append(ScenarioError(spec.file, 0, "", "not UTF-8 text"))
        return (), ()
    except csv.Error as exc:
        errors.append(ScenarioError(spec.file, 0, "", f"not a readable CSV file: {exc}"))
        return (), ()
    try:
        records = _adapter(spec.record).validate_python(rows)
    except ValidationError as exc:
        for error in exc.errors():
            index, *field = error["loc"]
            message = describe(
                error["type"], error["msg"], error.get("input"), error.get("ctx", {})
            )
            column = str(field[0]) if field else ""
            errors.append(ScenarioError(spec.file, lines[int(index)], column, message))
        return (), ()
    return tuple(records), tuple(lines)


def _read_rows(
    path: Path, spec: TableSpec, errors: list[ScenarioError]
) -> tuple[list[dict[str, str]], list[int]]:
    """Rows as dicts of their non-empty cells (empty cells take the field's default)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            errors.append(ScenarioError(spec.file, 0, "", "empty file; expected a header row"))
            return [], []
        columns = [column.strip() for column in header]
        if not _header_ok(columns, spec, errors):
            return [], []
        rows: list[dict[str, str]] = []
        lines: list[int] = []
        end = reader.line_num
        for cells in reader:
            # A row starts on the line after the previous one ended (a quoted cell may span lines).
            line, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(columns):
                errors.append(
                    ScenarioError(
                        spec.file,
                        line,
                        "",
                        f"expected {len(columns)} fields as in the header, got {len(cells)}",
                    )
                )
                continue
            rows.append({c: v.strip() for c, v in zip(columns, cells, strict=True) if v.strip()})
            lines.append(line)
    return rows, lines


def _header_ok(columns: list[str], spec: TableSpec, errors: list[ScenarioError]) -> bool:
    found = len(errors)
    seen: set[str] = set()
    for position, column in enumerate(columns, start=1):
        if not column:
            unnamed = f"column {position} has no name; expected {', '.join(spec.columns)}"
            errors.append(ScenarioError(spec.file, _HEADER_LINE, "", unnamed))
            continue
        if column in seen:
            errors.append(ScenarioError(spec.file, _HEADER_LINE, column, "column appears twice"))
        elif column not in spec.columns:
            expected = ", ".join(spec.columns)
            errors.append(
                ScenarioError(
                    spec.file, _HEADER_LINE, column, f"unknown column; expected {expected}"
                )
            )
        seen.add(column)
    for column in spec.required_columns:
        if column not in seen:
            errors.append(ScenarioError(spec.file, _HEADER_LINE, column, "required column missing"))
    return len(errors) == found


# --- writing ---------------------------------------------------------------------------------


def write_scenario(scenario: Scenario, folder: str | Path) -> Path:
    """Write `scenario` as a folder that `load_scenario` reads back to an equal scenario.

    The folder may be new, empty, or hold a scenario (a `scenario.yaml`): its scenario files are
    replaced as a whole (readers see the old scenario or the new one, never a mix, even after a
    crash), every other file in it is kept. Any other folder is refused with `FolderRefused`.
    """
    folder = Path(folder)
    _refuse_foreign_folder(folder)
    with atomic_directory(folder, keep=lambda name: name not in SCENARIO_FILES) as staging:
        header = {
            "name": scenario.name,
            "notes": scenario.notes,
            "calendar": scenario.calendar.model_dump(mode="json", by_alias=True),
        }
        (staging / SCENARIO_FILE).write_text(
            yaml.safe_dump(header, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        for spec in TABLES:
            records = scenario.table(spec.name)
            if records or spec.required:
                _write_table(staging / spec.file, spec, records)
    return folder


SCENARIO_FILES = frozenset({SCENARIO_FILE, *(spec.file for spec in TABLES)})
"""The files a scenario consists of: all that `write_scenario` replaces in a folder."""


def _refuse_foreign_folder(folder: Path) -> None:
    if not folder.exists():
        return
    if not folder.is_dir():
        raise FolderRefused(f"{folder}: a file, not a folder; nothing was written")
    if (folder / SCENARIO_FILE).is_file() or not any(folder.iterdir()):
        return
    raise FolderRefused(
        f"{folder} is not empty and holds no {SCENARIO_FILE}, so it is not a scenario folder; "
        "nothing was written (write a scenario into a new or empty folder, or over a scenario)"
    )


def _write_table(path: Path, spec: TableSpec, records: tuple[Record, ...]) -> None:
    """One row per record; an optional column where every record has the default is left out,
    so that files stay as small as their data and do not change when the format gains a field."""
    rows = [record.model_dump(by_alias=True) for record in records]
    defaults = {
        field.alias or name: field.default for name, field in spec.record.model_fields.items()
    }
    columns = [
        column
        for column in spec.columns
        if column in spec.required_columns or any(row[column] != defaults[column] for row in rows)
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(_cells({column: row[column] for column in columns}))


def _cells(values: Mapping[str, Any]) -> Iterator[str]:
    for value in values.values():
        if value is None:
            yield ""
        elif isinstance(value, dt.date):
            yield value.isoformat()
        else:
            yield str(value)
