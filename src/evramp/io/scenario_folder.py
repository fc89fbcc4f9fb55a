"""Read and write a scenario folder: `scenario.yaml` plus one CSV file per table.

Every problem is reported as `file:line: field: message` and all of them are collected before the
scenario is refused; a scenario with any problem is never handed to the planner. The checks
across tables run on what was read, so that a bad cell in one file does not hide a bad date in
another; those that need a table with problems of its own say how many of them waited.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml
from pydantic import TypeAdapter, ValidationError

from evramp.io.atomic import FolderRefused, atomic_directory
from evramp.io.builtin import builtin_scenario_path, builtin_scenarios
from evramp.io.csv_text import csv_rows, delimiter_of, path_problem, read_text
from evramp.io.strict_yaml import RefusedYAML, load_scenario_yaml
from evramp.model import SCENARIO_FILE, TABLES, Calendar, Scenario, TableSpec, ensure_valid
from evramp.model.columns import LINE, WHITESPACE, DemandTable, read_demand, strip_cells
from evramp.model.errors import ScenarioError, ScenarioInvalid, describe
from evramp.model.records import Record
from evramp.model.renames import read_renamed
from evramp.model.scenario import TABLE_BY_NAME, Lines
from evramp.model.validate import check_scenario

_HEADER_LINE = 1

_UNREAD_CALENDAR = Calendar(first_week=dt.date(2001, 1, 1), horizon_weeks=1)
"""Stands in for a calendar that could not be read; no check that reads the calendar runs."""


WORKBOOK_SUFFIX = ".xlsx"
"""A scenario given as a file with this suffix is an Excel workbook (`evramp.io.workbook`)."""


def load_scenario(folder: str | Path, as_of: dt.date | None = None) -> Scenario:
    """Read and validate the scenario in `folder`: a folder (a relative one is taken from the
    working directory), a workbook (a file ending in .xlsx, see `evramp.io.workbook`), or the
    name of a built-in scenario such as ``"yizhuang"`` (a folder of that name in the working
    directory comes first, as on the command line).

    Raises `ScenarioInvalid` listing every problem when anything is wrong; with `as_of` (a
    re-plan from that date) an actual on or after it is one.
    """
    folder = scenario_folder(folder)
    if is_workbook(folder):
        # Imported here: reading a folder does not load the Excel reader.
        from evramp.io.workbook import read_workbook

        return read_workbook(folder, as_of)
    errors: list[ScenarioError] = []
    header = _read_header(folder / SCENARIO_FILE, errors)
    with without_gc():
        tables = {spec.name: _read_table(folder, spec, errors) for spec in TABLES}
    return assemble(header, tables, errors, as_of)


def load_tables(folder: Path, names: Collection[str]) -> Scenario:
    """The header and the tables `names` of the scenario folder `folder` (any other table
    empty), each row checked but not checked across tables: for a part of a scenario known to
    be valid (a stored revision), never for a user's folder. `ScenarioInvalid` on a row's
    problem."""
    errors: list[ScenarioError] = []
    header = _read_header(folder / SCENARIO_FILE, errors)
    with without_gc():
        tables = {
            spec.name: _read_table(folder, spec, errors) for spec in TABLES if spec.name in names
        }
    if errors or header.calendar is None:
        raise ScenarioInvalid(errors)
    records: dict[str, Sequence[Record]] = {spec.name: () for spec in TABLES if spec.required}
    records.update((name, table.records) for name, table in tables.items())
    return Scenario(
        name=header.name,
        notes=header.notes,
        calendar=header.calendar,
        lines={name: table.lines for name, table in tables.items()},
        **records,  # type: ignore[arg-type]
    )


@contextmanager
def without_gc() -> Iterator[None]:
    """Python's cycle collector paused while tables are read: reading makes hundreds of
    thousands of records and no cycles, and the collections their count sets off took a third
    of the time (0.18 s of 0.50 s for four tables of plant L)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def is_workbook(path: str | Path) -> bool:
    """Whether `path` names a workbook (by its suffix) rather than a folder."""
    path = Path(path)
    return path.suffix.lower() == WORKBOOK_SUFFIX and not path.is_dir()


def assemble(
    header: Header,
    tables: Mapping[str, Table],
    errors: Sequence[ScenarioError],
    as_of: dt.date | None = None,
) -> Scenario:
    """The scenario of what was read (the header and every table, by name), validated: the
    checks across tables run on it, but those that need a table or the calendar with problems
    of its own (`errors`) are skipped. Raises `ScenarioInvalid` with `errors` and what the
    checks found."""
    incomplete = {name for name, table in tables.items() if not table.whole}
    if header.calendar is None:
        incomplete.add("calendar")
    scenario = Scenario(
        name=header.name,
        notes=header.notes,
        calendar=header.calendar or _UNREAD_CALENDAR,
        lines={name: table.lines for name, table in tables.items()},
        **{name: table.records for name, table in tables.items()},  # type: ignore[arg-type]
    )
    if not errors and as_of is None:
        return ensure_valid(scenario)
    findings = check_scenario(scenario, frozenset(incomplete), as_of)
    if not errors and not findings.errors:
        return ensure_valid(scenario)
    raise ScenarioInvalid([*errors, *findings.errors], skipped=findings.skipped)


def scenario_folder(folder: str | Path) -> Path:
    """The folder `folder` names: itself if it is one (or a workbook, a file ending in .xlsx),
    else the built-in scenario of that name; `ScenarioInvalid` saying where it looked when it is
    neither."""
    path = Path(folder)
    if path.is_dir():
        return path
    if is_workbook(path):
        return _workbook_file(path)
    bare = isinstance(folder, str) and len(path.parts) == 1
    if bare and str(folder) in builtin_scenarios():
        return builtin_scenario_path(str(folder))
    problem = path_problem(path, want_directory=True)
    if problem is not None and problem != "missing":
        why = problem
    else:
        where = "" if path.is_absolute() else f", from the working directory {Path.cwd()}"
        why = f"no such directory: looked for {path.absolute()}{where}"
        if bare:
            why += f"; nor a built-in scenario (built-in: {', '.join(builtin_scenarios())})"
    raise ScenarioInvalid([ScenarioError(str(folder), 0, "", f"not a scenario folder ({why})")])


def _workbook_file(path: Path) -> Path:
    problem = path_problem(path)
    if problem is None:
        return path
    if problem == "missing":
        where = "" if path.is_absolute() else f", from the working directory {Path.cwd()}"
        problem = f"no such file: looked for {path.absolute()}{where}"
    raise ScenarioInvalid([ScenarioError(str(path), 0, "", f"not a workbook ({problem})")])


# --- scenario.yaml ---------------------------------------------------------------------------

_HEADER_KEYS = ("name", "notes", "calendar")


@dataclass(frozen=True)
class Header:
    """What scenario.yaml says (a workbook's `scenario` sheet): no calendar if it has problems."""

    name: str = ""
    notes: str = ""
    calendar: Calendar | None = None


def _read_header(path: Path, errors: list[ScenarioError]) -> Header:
    file = path.name
    problem = path_problem(path)
    if problem is not None:
        why = "file not found; every scenario needs one" if problem == "missing" else problem
        errors.append(ScenarioError(file, 0, "", why))
        return Header()
    text = read_text(path, errors)
    if text is None:
        return Header()
    try:
        data = load_scenario_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or str(exc)
        prefix = "" if isinstance(exc, RefusedYAML) else "not valid YAML: "
        errors.append(ScenarioError(file, line, "", f"{prefix}{problem}"))
        return Header()
    return header_of(data, file, errors)


def header_of(data: Any, file: str, errors: list[ScenarioError]) -> Header:
    """The header in `data` (scenario.yaml's mapping), its problems located in `file`."""
    if not isinstance(data, dict):
        errors.append(ScenarioError(file, 0, "", "expected a mapping with name and calendar"))
        return Header()
    for key in data:
        if key not in _HEADER_KEYS:
            errors.append(
                ScenarioError(file, 0, str(key), f"unknown key; expected {', '.join(_HEADER_KEYS)}")
            )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.append(ScenarioError(file, 0, "name", "required: the scenario's name as text"))
        name = ""
    notes = data.get("notes") or ""
    if not isinstance(notes, str):
        errors.append(ScenarioError(file, 0, "notes", "expected text"))
        notes = ""
    return Header(name.strip(), notes, _read_calendar(data.get("calendar"), file, errors))


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


@dataclass(frozen=True)
class Table:
    """The records read from a table's file, their lines, and whether that is all of them."""

    records: Sequence[Record] = ()
    lines: Lines = ()
    whole: bool = True


@cache
def _adapter(record: type[Record]) -> TypeAdapter[list[Record]]:
    return TypeAdapter(list[record])  # type: ignore[valid-type]


def _read_table(folder: Path, spec: TableSpec, errors: list[ScenarioError]) -> Table:
    path = folder / spec.file
    problem = path_problem(path)
    if problem == "missing":
        if spec.required:
            errors.append(ScenarioError(spec.file, 0, "", f"file not found ({spec.doc})"))
        return Table(whole=not spec.required)
    if problem is not None:
        errors.append(ScenarioError(spec.file, 0, "", problem))
        return Table(whole=False)
    found = len(errors)
    text = read_text(path, errors)
    if spec.name == "demand":
        if text is None:
            return Table(DemandTable.of(()), (), whole=False)
        table = demand_of(_text_columns(text, spec, errors), spec.file, errors)
    else:
        rows, lines = _read_rows(text, spec, errors) if text is not None else ([], [])
        table = records_of(spec, rows, lines, errors)
    return replace(table, whole=len(errors) == found)


def records_of(
    spec: TableSpec, rows: list[dict[str, str]], lines: Sequence[int], errors: list[ScenarioError]
) -> Table:
    """The table of `rows` (a row's text cells by column, empty ones left out) read from
    `lines`; each row with a problem is left out, and the problem added to `errors`."""
    records, bad = _records(spec, rows, lines, errors)
    kept = tuple(line for n, line in enumerate(lines) if n not in bad)
    return Table(records, kept, whole=not bad)


def demand_of(cells: pl.DataFrame, where: str, errors: list[ScenarioError]) -> Table:
    """The demand table of `cells` (text columns and `LINE`, as `read_demand` takes them);
    `where` names the place in the note on an old name (`FormatChange`)."""
    cells = read_renamed(cells, "demand", where, LINE)
    demand = read_demand(cells, TABLE_BY_NAME["demand"].file)
    errors.extend(demand.errors)
    return Table(demand.table, demand.lines, whole=not demand.errors)


def _records(
    spec: TableSpec, rows: list[dict[str, str]], lines: Sequence[int], errors: list[ScenarioError]
) -> tuple[tuple[Record, ...], set[int]]:
    """The records of the rows that are valid, and the indices of those that are not."""
    try:
        return tuple(_adapter(spec.record).validate_python(rows)), set()
    except ValidationError as exc:
        bad: set[int] = set()
        for error in exc.errors():
            index, *field = error["loc"]
            message = describe(
                error["type"], error["msg"], error.get("input"), error.get("ctx", {})
            )
            column = str(field[0]) if field else ""
            errors.append(ScenarioError(spec.file, lines[int(index)], column, message))
            bad.add(int(index))
    good = [row for n, row in enumerate(rows) if n not in bad]
    return tuple(_adapter(spec.record).validate_python(good)), bad


_DECIMAL_COMMA = re.compile(r"-?\d+,\d+")


def _read_rows(
    text: str, spec: TableSpec, errors: list[ScenarioError]
) -> tuple[list[dict[str, str]], list[int]]:
    """Rows as dicts of their non-empty cells (empty cells take the field's default)."""
    first = text.partition("\n")[0]
    if not first.strip():
        errors.append(ScenarioError(spec.file, 0, "", "empty file; expected a header row"))
        return [], []
    delimiter = delimiter_of(first)
    records = csv_rows(text, spec.file, delimiter, errors)
    header = next(records, None)
    if header is None:
        return [], []
    columns = [column.strip() for column in header.cells]
    if not header_ok(columns, spec, errors):
        return [], []
    numbers = _number_columns(spec) if delimiter == ";" else frozenset()
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    for record in records:
        cells = record.cells
        if not "".join(cells).strip():  # C-level, not a generator per row: 46k rows on L
            continue
        if len(cells) != len(columns):
            errors.append(
                ScenarioError(
                    spec.file,
                    record.line,
                    "",
                    f"expected {len(columns)} fields as in the header, got {len(cells)}",
                )
            )
            continue
        row = {c: text for c, v in zip(columns, cells, strict=True) if (text := v.strip())}
        for column in numbers & row.keys():
            if _DECIMAL_COMMA.fullmatch(row[column]):  # 1,5 in a semicolon file is 1.5
                row[column] = row[column].replace(",", ".")
        rows.append(row)
        lines.append(record.line)
    return rows, lines


def _text_columns(text: str, spec: TableSpec, errors: list[ScenarioError]) -> pl.DataFrame:
    """The table's cells as columns of text (stripped, null where empty) with their `LINE`:
    what `_read_rows` reads, without a dict per row. No rows when the header has problems."""
    empty = pl.DataFrame(schema={**dict.fromkeys(spec.columns, pl.String), LINE: pl.Int64})
    first = text.partition("\n")[0]
    if not first.strip():
        errors.append(ScenarioError(spec.file, 0, "", "empty file; expected a header row"))
        return empty
    delimiter = delimiter_of(first)
    cells = None
    if _plain(text):
        header = [cell.strip() for cell in first.split(delimiter)]
        if not header_ok(header, spec, errors):
            return empty
        cells = _plain_cells(text, delimiter, header, spec.file, errors)
    if cells is None:  # quoted cells, which may span lines: the csv module reads them
        rows, lines = _read_rows(text, spec, errors)
        if not rows:
            return empty
        schema = dict.fromkeys(spec.columns, pl.String)
        return pl.DataFrame(rows, schema=schema).with_columns(pl.Series(LINE, lines))
    numbers = _number_columns(spec) & set(cells.columns) if delimiter == ";" else set()
    return cells.with_columns(  # 1,5 in a semicolon file is 1.5
        pl.when(pl.col(name).str.contains(_DECIMAL_COMMA.pattern).fill_null(False))
        .then(pl.col(name).str.replace(",", ".", literal=True))
        .otherwise(pl.col(name))
        .alias(name)
        for name in sorted(numbers)
    )


_WHOLE_LINE = "\x1f"
"""The separator that reads each line as one cell: a control character no CSV holds."""


def _plain(text: str) -> bool:
    """No quotes (so every record is one line) and no line ends but LF and CRLF: then polars
    and the csv module cut the text into the same records on the same lines."""
    return (
        '"' not in text
        and "\0" not in text
        and _WHOLE_LINE not in text
        and text.count("\r") == text.count("\r\n")
    )


def _plain_cells(
    text: str, delimiter: str, header: list[str], file: str, errors: list[ScenarioError]
) -> pl.DataFrame | None:
    """`_text_columns` of a text without quotes, read by polars: one pass for the lines as they
    are (blank ones and field counts), one for the cells; None where polars would not read the
    text as the csv module does."""
    data = text.encode("utf-8")
    whole = pl.read_csv(
        io.BytesIO(data),
        has_header=False,
        separator=_WHOLE_LINE,
        quote_char=None,
        infer_schema=False,
        new_columns=["text"],
    )["text"]
    if whole.str.len_bytes().gt(csv.field_size_limit()).any():
        return None  # the csv module's own reader says which line has the overlong cell
    cells = pl.read_csv(
        io.BytesIO(data),
        has_header=False,
        separator=delimiter,
        quote_char=None,
        infer_schema=False,
        truncate_ragged_lines=True,
        new_columns=header,
    )
    if cells.height != whole.len() or cells.width != len(header):
        return None
    fields = whole.str.count_matches(delimiter, literal=True) + 1
    blank = whole.str.strip_chars(WHITESPACE + delimiter).fill_null("") == ""
    odd = (fields != len(header)) | blank
    cells = cells.with_columns(pl.int_range(1, cells.height + 1, dtype=pl.Int64).alias(LINE))
    if odd.slice(1).any():  # blank lines are left out, lines of another field count refused
        cells = cells.with_columns(fields.alias("_fields"), blank.alias("_blank"))
        ragged = cells.filter(~pl.col("_blank") & (pl.col("_fields") != len(header)))
        for row_line, count in ragged.select(LINE, "_fields").iter_rows():
            errors.append(
                ScenarioError(
                    file,
                    row_line,
                    "",
                    f"expected {len(header)} fields as in the header, got {count}",
                )
            )
        cells = cells.filter(~odd & (pl.col(LINE) > 1)).drop("_fields", "_blank")
    else:
        cells = cells.slice(1)  # the header
    # polars reads an empty cell as null and drops the CR of CRLF: the rest of Python's strip
    # is needed only where the text holds other white space.
    spaced = whole.str.contains(_SPACE_IN_LINES).any()
    return strip_cells(cells) if spaced else cells


_SPACE_IN_LINES = "[" + re.escape(WHITESPACE.replace("\n", "").replace("\r", "")) + "]"


@cache
def _number_columns(spec: TableSpec) -> frozenset[str]:
    """Columns holding numbers with a fraction, which a comma locale writes as 1,5."""
    return frozenset(
        field.alias or name
        for name, field in spec.record.model_fields.items()
        if "float" in str(field.annotation)
    )


def header_ok(columns: list[str], spec: TableSpec, errors: list[ScenarioError]) -> bool:
    """Whether the header `columns` names each column of `spec` at most once, its required
    ones all, and no other; each problem added to `errors` (at line 1 of the table's file)."""
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
        (staging / SCENARIO_FILE).write_text(
            yaml.safe_dump(header_data(scenario), sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
        for spec in written_tables(scenario):
            _write_table(staging / spec.file, spec, scenario.table(spec.name))
    return folder


def header_data(scenario: Scenario) -> dict[str, Any]:
    """scenario.yaml's mapping of `scenario`: name, notes, calendar (dates as ISO text)."""
    return {
        "name": scenario.name,
        "notes": scenario.notes,
        "calendar": scenario.calendar.model_dump(mode="json", by_alias=True),
    }


def written_tables(scenario: Scenario) -> list[TableSpec]:
    """The tables a scenario's files hold: the required ones and those with rows."""
    return [spec for spec in TABLES if spec.required or len(scenario.table(spec.name))]


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


def _write_table(path: Path, spec: TableSpec, records: Sequence[Record]) -> None:
    """One row per record, in the columns `written_columns` keeps."""
    path.write_text(table_csv(spec, records), encoding="utf-8", newline="")


def table_csv(spec: TableSpec, records: Sequence[Record], *, every_column: bool = False) -> str:
    """The CSV text `write_scenario` writes for a table; `every_column`: with the optional
    columns at their defaults too (the workspace's form, where one table's rows always have
    the same columns)."""
    columns = list(spec.columns) if every_column else written_columns(spec, records)
    if isinstance(records, DemandTable):  # written by polars, not a row at a time
        return records.frame.select(columns).write_csv(date_format="%Y-%m-%d")
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(columns)
    for row in dumped_rows(records):
        writer.writerow(_cells({column: row[column] for column in columns}))
    return text.getvalue()


def dumped_rows(records: Sequence[Record]) -> Iterator[dict[str, Any]]:
    """Each record's values by column (Python values: dates as dates)."""
    return (record.model_dump(by_alias=True) for record in records)


def written_columns(spec: TableSpec, records: Sequence[Record]) -> list[str]:
    """The columns a table is written with: the required ones, and each optional one where
    some record is not at the default, so that files stay as small as their data and do not
    change when the format gains a field."""
    if isinstance(records, DemandTable):
        return _frame_columns(spec, records.frame)
    rows = list(dumped_rows(records))
    defaults = {
        field.alias or name: field.default for name, field in spec.record.model_fields.items()
    }
    return [
        column
        for column in spec.columns
        if column in spec.required_columns or any(row[column] != defaults[column] for row in rows)
    ]


def _frame_columns(spec: TableSpec, frame: pl.DataFrame) -> list[str]:
    """`written_columns` of a table held as columns: found by polars, not a row at a time."""
    fields = spec.record.model_fields
    columns = []
    for name in frame.columns:
        if fields[name].is_required():
            columns.append(name)
            continue
        default, column = fields[name].default, pl.col(name)
        differs = column.is_not_null() if default is None else column.ne_missing(default)
        if frame.select(differs.any()).item():
            columns.append(name)
    return columns


def _cells(values: Mapping[str, Any]) -> Iterator[str]:
    for value in values.values():
        if value is None:
            yield ""
        elif isinstance(value, dt.date):
            yield value.isoformat()
        else:
            yield str(value)
