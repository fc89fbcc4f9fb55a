"""Scenarios and plans as Excel workbooks: one sheet per table.

A scenario workbook has the sheets a folder has files: `items`, `bom`, ..., `ramp` (each
table's file name without `.csv`), with the same columns, plus `scenario` (scenario.yaml's name,
notes and calendar as `key`/`value` rows) and `shutdowns` (the calendar's shutdowns, one a row;
`shops` separated by commas). It is read by the folder reader's own code: every cell becomes the
text a CSV file would hold (a whole number without `.0`, a date as 2024-01-15, an empty cell
missing), so a workbook is checked as a folder is, every problem at once, located at its sheet
and cell (`yizhuang.xlsx: demand!C14: quantity: must be > 0, got -2`).

Written with xlsxwriter, read with python-calamine; both are imported with this module only, so
reading a folder does not load them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import xlsxwriter
from python_calamine import CalamineError, CalamineWorkbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from evramp.io.atomic import FolderRefused, atomic_file
from evramp.io.scenario_folder import (
    WORKBOOK_SUFFIX,
    Header,
    Table,
    assemble,
    demand_of,
    dumped_rows,
    header_data,
    header_of,
    header_ok,
    records_of,
    without_gc,
    written_columns,
    written_tables,
)
from evramp.model import SCENARIO_FILE, TABLES, Scenario, TableSpec
from evramp.model.columns import LINE, DemandTable
from evramp.model.errors import ScenarioError, ScenarioInvalid
from evramp.model.records import Shutdown

if TYPE_CHECKING:
    import pandas as pd

SCENARIO_SHEET = "scenario"
SHUTDOWNS_SHEET = "shutdowns"
KEY_COLUMNS = ("key", "value")
"""The header of the `scenario` sheet."""
SHUTDOWN_COLUMNS = tuple(Shutdown.model_fields)
MAX_ROWS = 1_048_576
"""Rows a sheet holds, its header included (Excel's limit)."""
MAX_TEXT = 32_767
"""Characters a cell holds (Excel's limit; xlsxwriter would cut longer text without a word)."""

_BOOK_OPTIONS = {
    "constant_memory": True,  # each row goes to disk when the next starts: big tables fit
    "strings_to_formulas": False,  # text stays text, whatever it starts with
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
_DATE_FORMAT = "yyyy-mm-dd"


class WorkbookRefused(FolderRefused):
    """A path evramp will not write a workbook to: not named .xlsx, or not a workbook now."""


def sheet_name(spec: TableSpec) -> str:
    """The sheet of a table: its file's name without `.csv` (`ramp` for ramp.csv)."""
    return spec.file.removesuffix(".csv")


# --- writing a scenario ----------------------------------------------------------------------


def write_workbook(scenario: Scenario, path: str | Path) -> Path:
    """Write `scenario` as a workbook that `read_workbook` reads back to an equal scenario.

    Written to a temporary file beside `path`, then renamed onto it: readers see the old
    workbook or the new one, never half of one. A path not ending in .xlsx, or a file there that
    is not a workbook, is refused with `WorkbookRefused` (nothing is written).
    """
    target = Path(path)
    _refuse_foreign_file(target)
    with atomic_file(target) as staging:
        book = xlsxwriter.Workbook(str(staging), _BOOK_OPTIONS)
        styles = _Styles(book)
        _write_header(book, scenario, styles)
        for spec in written_tables(scenario):
            records = scenario.table(spec.name)
            columns = written_columns(spec, records)
            sheet = _sheet(book, sheet_name(spec), columns, styles)
            _write_rows(sheet, _table_rows(records, columns), styles)
        book.close()
    return target


def _refuse_foreign_file(path: Path) -> None:
    if path.suffix.lower() != WORKBOOK_SUFFIX:
        raise WorkbookRefused(f"{path}: a workbook's name must end in .xlsx; nothing was written")
    if path.is_dir():
        raise WorkbookRefused(f"{path}: a folder, not a workbook; nothing was written")
    if path.exists() and not _is_zip(path):
        raise WorkbookRefused(
            f"{path} exists and is not an Excel workbook, so evramp does not replace it; "
            "nothing was written"
        )


def _is_zip(path: Path) -> bool:
    """An .xlsx file is a zip archive; an empty file is taken as one being made."""
    with path.open("rb") as handle:
        start = handle.read(4)
    return start in (b"PK\x03\x04", b"")


def _write_header(book: xlsxwriter.Workbook, scenario: Scenario, styles: _Styles) -> None:
    data = header_data(scenario)
    calendar = scenario.calendar.model_dump(by_alias=True, exclude={"shutdowns"})
    rows = [("name", data["name"]), ("notes", data["notes"]), *calendar.items()]
    sheet = _sheet(book, SCENARIO_SHEET, KEY_COLUMNS, styles, widths=(16, 80))
    _write_rows(sheet, rows, styles)
    if scenario.calendar.shutdowns:
        sheet = _sheet(book, SHUTDOWNS_SHEET, SHUTDOWN_COLUMNS, styles)
        shutdowns = (
            (s.name, s.start, s.weeks, ", ".join(s.shops)) for s in scenario.calendar.shutdowns
        )
        _write_rows(sheet, shutdowns, styles)


def _table_rows(records: Sequence[Any], columns: Sequence[str]) -> Iterator[Sequence[Any]]:
    if isinstance(records, DemandTable):
        return records.frame.select(columns).iter_rows()
    return ([row[column] for column in columns] for row in dumped_rows(records))


# --- cells -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Styles:
    """The cell formats of a workbook (xlsxwriter makes each once per workbook)."""

    book: xlsxwriter.Workbook
    header: Format = field(init=False)
    header_date: Format = field(init=False)
    """A bucket's date as a pivot's column title."""
    date: Format = field(init=False)

    def __post_init__(self) -> None:
        header = {"bold": True, "bottom": 1}
        object.__setattr__(self, "header", self.book.add_format(header))
        dated = {**header, "num_format": _DATE_FORMAT}
        object.__setattr__(self, "header_date", self.book.add_format(dated))
        object.__setattr__(self, "date", self.book.add_format({"num_format": _DATE_FORMAT}))

    def number(self, pattern: str) -> Format:
        return self.book.add_format({"num_format": pattern})


def _sheet(
    book: xlsxwriter.Workbook,
    name: str,
    columns: Sequence[object],
    styles: _Styles,
    widths: Sequence[float] = (),
    frozen_columns: int = 0,
) -> Worksheet:
    """A new sheet with its header row (frozen, so it stays in view) and column widths."""
    sheet = book.add_worksheet(name)
    for column, title in enumerate(columns):
        width = widths[column] if column < len(widths) else max(10, len(str(title)) + 2)
        sheet.set_column(column, column, width)
        style = styles.header_date if isinstance(title, dt.date) else styles.header
        _write_cell(sheet, 0, column, title, styles, style)
    sheet.freeze_panes(1, frozen_columns)
    return sheet


def _write_rows(sheet: Worksheet, rows: Iterable[Sequence[Any]], styles: _Styles) -> None:
    for row, values in enumerate(rows, start=1):
        for column, value in enumerate(values):
            _write_cell(sheet, row, column, value, styles)


def _write_cell(
    sheet: Worksheet,
    row: int,
    column: int,
    value: Any,
    styles: _Styles,
    style: Format | None = None,
) -> None:
    """Numbers as numbers, dates as Excel dates, everything else as text; nothing for None."""
    if value is None:
        return
    if isinstance(value, bool | str):
        _write_text(sheet, row, column, str(value), style)
    elif isinstance(value, int | float | np.integer | np.floating):
        if math.isfinite(value):
            sheet.write_number(row, column, value, style)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, column, value, style or styles.date)
    else:
        _write_text(sheet, row, column, str(value), style)


def _write_text(sheet: Worksheet, row: int, column: int, text: str, style: Format | None) -> None:
    if len(text) > MAX_TEXT:
        raise WorkbookRefused(
            f"{sheet.name}!{column_letters(column)}{row + 1}: {len(text):,} characters, more "
            f"than a cell holds ({MAX_TEXT:,}); nothing was written"
        )
    sheet.write_string(row, column, text, style)


# --- reading a scenario ----------------------------------------------------------------------


def read_workbook(path: str | Path, as_of: dt.date | None = None) -> Scenario:
    """Read and validate the scenario in the workbook `path`, as `load_scenario` reads a folder.

    Raises `ScenarioInvalid` listing every problem, each at its sheet and cell.
    """
    path = Path(path)
    book = _open(path)
    errors: list[ScenarioError] = []
    places = _Places(path.name)
    sheets = _Sheets(book, path.name, errors)
    header = _read_header(sheets, places, errors)
    with without_gc():
        tables = {spec.name: _read_table(sheets, spec, places, errors) for spec in TABLES}
    errors.extend(sheets.unknown())
    try:
        return assemble(header, tables, errors, as_of)
    except ScenarioInvalid as invalid:
        located = [places.locate(error) for error in invalid.errors]
        raise ScenarioInvalid(located, skipped=invalid.skipped) from None


def locate_errors(path: str | Path, errors: Sequence[ScenarioError]) -> list[ScenarioError]:
    """`errors` found in a scenario read from the workbook `path` after it was read (a re-plan's
    checks of its actuals), which name a table's file and line, at their sheets and cells:
    `actuals.csv:7: quantity` is `BOOK.xlsx: actuals!F7: quantity`."""
    path = Path(path)
    book = _open(path)
    places = _Places(path.name)
    for spec in TABLES:
        name = sheet_name(spec)
        if name in book.sheet_names and any(error.file == spec.file for error in errors):
            header = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=1)
            places.sheets[spec.file] = (name, [cell_text(value) for value in header[0]])
    return [places.locate(error) for error in errors]


def _open(path: Path) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError) as failed:
        why = getattr(failed, "strerror", None) or str(failed)
        raise ScenarioInvalid(
            [ScenarioError(path.name, 0, "", f"not readable as an Excel workbook ({why})")]
        ) from None


Grid = list[list[Any]]


@dataclass
class _Sheets:
    """The sheets of a workbook, each taken once by the reader of its table."""

    book: CalamineWorkbook
    name: str
    errors: list[ScenarioError]
    taken: set[str] = field(default_factory=set)
    damaged: set[str] = field(default_factory=set)

    def take(self, sheet: str) -> Grid | None:
        """The cells of `sheet` from A1 (None if there is no such sheet, or a damaged one:
        its problem is said)."""
        self.taken.add(sheet)
        if sheet not in self.book.sheet_names:
            return None
        try:
            grid: Grid = self.book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except CalamineError as failed:  # broken XML, a bad checksum: a damaged file
            self.damaged.add(sheet)
            why = str(failed).strip() or type(failed).__name__
            self.errors.append(
                ScenarioError(f"{self.name}: {sheet}", 0, "", f"the sheet is damaged ({why})")
            )
            return None
        return grid

    def missing(self, sheet: str, why: str) -> None:
        if sheet in self.damaged:  # said already
            return
        self.errors.append(
            ScenarioError(f"{self.name}: {sheet}", 0, "", f"sheet not found ({why})")
        )

    def unknown(self) -> Iterator[ScenarioError]:
        """A sheet no table has: a misspelt name would otherwise drop a table without a word."""
        expected = ", ".join([SCENARIO_SHEET, SHUTDOWNS_SHEET, *map(sheet_name, TABLES)])
        for sheet in self.book.sheet_names:
            if sheet not in self.taken:
                yield ScenarioError(
                    f"{self.name}: {sheet}", 0, "", f"unknown sheet; expected {expected}"
                )


def cell_text(value: Any) -> str:
    """The text a CSV file would hold for a cell: a whole number without `.0` (a count typed
    in Excel is a float), a date as ISO text, empty for an empty cell."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return "" if value is None else str(value)


@dataclass(frozen=True)
class _Cells:
    """A sheet as text: its header, and its rows that are not blank with their Excel rows."""

    columns: list[str]
    rows: list[list[str]]
    lines: list[int]


def _cells(grid: Grid) -> _Cells:
    texts = [[cell_text(value) for value in row] for row in grid]
    header = texts[0] if texts else []
    width = max((len(row) - _blank_tail(row) for row in texts), default=0)
    rows, lines = [], []
    for number, row in enumerate(texts[1:], start=2):
        if any(row):
            rows.append((row + [""] * width)[:width])
            lines.append(number)
    return _Cells((header + [""] * width)[:width], rows, lines)


def _blank_tail(row: list[str]) -> int:
    """How many cells at the end of `row` are empty (a sheet's range is as wide as its widest
    row, and formatting alone widens it)."""
    count = 0
    for text in reversed(row):
        if text:
            break
        count += 1
    return count


def _read_table(
    sheets: _Sheets, spec: TableSpec, places: _Places, errors: list[ScenarioError]
) -> Table:
    name = sheet_name(spec)
    grid = sheets.take(name)
    if grid is None:
        if spec.required:
            sheets.missing(name, spec.doc)
        whole = not spec.required and name not in sheets.damaged
        return Table(DemandTable.of(()) if spec.name == "demand" else (), whole=whole)
    cells = _cells(grid)
    places.sheets[spec.file] = (name, cells.columns)
    found = len(errors)
    if not cells.columns:
        errors.append(ScenarioError(spec.file, 0, "", "empty sheet; expected a header row"))
    if len(errors) > found or not header_ok(cells.columns, spec, errors):
        return Table(DemandTable.of(()) if spec.name == "demand" else (), whole=False)
    if spec.name == "demand":
        return demand_of(_text_frame(cells, spec), f"{places.book}: {name}", errors)
    rows = [
        {column: text for column, text in zip(cells.columns, row, strict=True) if text}
        for row in cells.rows
    ]
    return records_of(spec, rows, cells.lines, errors)


def _text_frame(cells: _Cells, spec: TableSpec) -> pl.DataFrame:
    """The cells as `demand_of` takes them: a text column each, null where empty, and LINE."""
    columns = list(zip(*cells.rows, strict=True)) if cells.rows else [()] * len(cells.columns)
    frame = pl.DataFrame(
        [
            pl.Series(name, values, dtype=pl.String)
            for name, values in zip(cells.columns, columns, strict=True)
        ]
    )
    empty_is_null = (
        pl.when(pl.col(name) != "").then(pl.col(name)).alias(name) for name in frame.columns
    )
    return frame.with_columns(*empty_is_null, pl.Series(LINE, cells.lines, dtype=pl.Int64))


# --- the scenario and shutdowns sheets -------------------------------------------------------


def _read_header(sheets: _Sheets, places: _Places, errors: list[ScenarioError]) -> Header:
    grid = sheets.take(SCENARIO_SHEET)
    if grid is None:
        sheets.missing(SCENARIO_SHEET, "name, notes and calendar as key/value rows")
        return Header()
    data: dict[str, Any] = {}
    calendar: dict[str, Any] = {}
    for line, key, value in _key_values(grid, sheets.name, errors):
        place = data if key in ("name", "notes") else calendar
        if key in place:
            errors.append(_on_scenario_sheet(sheets.name, line, "A", key, "key given twice"))
            continue
        places.keys[key] = line
        # Notes keep their line breaks, as scenario.yaml's block text does.
        place[key] = value if key == "notes" and isinstance(value, str) else cell_text(value)
    shutdowns = _read_shutdowns(sheets, places, errors)
    if shutdowns:
        calendar["shutdowns"] = shutdowns
    data["calendar"] = calendar
    return header_of(data, SCENARIO_FILE, errors)


def _key_values(
    grid: Grid, book: str, errors: list[ScenarioError]
) -> Iterator[tuple[int, str, Any]]:
    header = [cell_text(value) for value in grid[0][:2]] if grid else []
    if header != list(KEY_COLUMNS):
        errors.append(
            _on_scenario_sheet(book, 1, "", "", f"expected the header {', '.join(KEY_COLUMNS)}")
        )
        return
    for line, row in enumerate(grid[1:], start=2):
        key = cell_text(row[0])
        if key:
            yield line, key, row[1] if len(row) > 1 else None
        elif any(cell_text(value) for value in row):
            errors.append(_on_scenario_sheet(book, line, "A", "", "a value without a key"))


def _on_scenario_sheet(book: str, line: int, column: str, key: str, why: str) -> ScenarioError:
    cell = f"{column}{line}" if column else f"{line}:{line}"
    return ScenarioError(f"{book}: {SCENARIO_SHEET}", line, key, why, cell)


def _read_shutdowns(
    sheets: _Sheets, places: _Places, errors: list[ScenarioError]
) -> list[dict[str, Any]]:
    grid = sheets.take(SHUTDOWNS_SHEET)
    if grid is None:
        return []
    cells = _cells(grid)
    places.shutdowns = (cells.columns, cells.lines)
    spec = _SHUTDOWN_SPEC
    if not header_ok(cells.columns, spec, errors):
        return []
    shutdowns = []
    for row in cells.rows:
        shutdown: dict[str, Any] = {c: v for c, v in zip(cells.columns, row, strict=True) if v}
        if "shops" in shutdown:
            shutdown["shops"] = [shop for shop in re.split(r"[,\s]+", shutdown["shops"]) if shop]
        shutdowns.append(shutdown)
    return shutdowns


_SHUTDOWN_SPEC = TableSpec(
    "shutdowns", f"{SHUTDOWNS_SHEET}.csv", Shutdown, False, "the calendar's shutdowns", ("name",)
)
"""The shutdowns sheet read as a table (its header checked as a table's is)."""


# --- where a problem is ------------------------------------------------------------------------


@dataclass
class _Places:
    """What turns a problem found in a table's file (`demand.csv:14: quantity`) into one in
    the workbook (`BOOK.xlsx: demand!C14: quantity`): each sheet's header, the scenario sheet's
    keys and the shutdowns sheet's rows."""

    book: str
    sheets: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    keys: dict[str, int] = field(default_factory=dict)
    shutdowns: tuple[list[str], list[int]] = ([], [])

    def locate(self, error: ScenarioError) -> ScenarioError:
        if error.file == SCENARIO_FILE:
            return self._in_header(error)
        if error.file == _SHUTDOWN_SPEC.file:
            return self._at(SHUTDOWNS_SHEET, self.shutdowns[0], error.row, error.field, error)
        for spec in TABLES:
            if error.file == spec.file:
                name, columns = self.sheets.get(spec.file, (sheet_name(spec), []))
                return self._at(name, columns, error.row, error.field, error)
        return error

    def _at(
        self,
        sheet: str,
        columns: list[str],
        row: int,
        column: str,
        error: ScenarioError,
        name: str | None = None,
    ) -> ScenarioError:
        """`error` at `column` of `row` of `sheet`, said to be about `name` (the column's)."""
        place, name = f"{self.book}: {sheet}", column if name is None else name
        message = _in_sheets(error.message)
        if not row:
            return ScenarioError(place, 0, name, message)
        cell = f"{row}:{row}"
        if column in columns:
            cell = f"{column_letters(columns.index(column))}{row}"
        return ScenarioError(place, row, name, message, cell)

    def _in_header(self, error: ScenarioError) -> ScenarioError:
        """`calendar.first_week` is the row of the key `first_week`; `calendar.shutdowns.2.start`
        the start of the third shutdown, on its sheet."""
        parts = error.field.split(".")
        if parts[0] == "calendar" and len(parts) > 1:
            parts = parts[1:]
        if parts[0] == "shutdowns" and len(parts) > 1 and parts[1].isdigit():
            columns, lines = self.shutdowns
            index = int(parts[1])
            row = lines[index] if index < len(lines) else 0
            return self._at(SHUTDOWNS_SHEET, columns, row, ".".join(parts[2:]), error)
        key = ".".join(parts)
        row = self.keys.get(key, 0)
        return self._at(SCENARIO_SHEET, list(KEY_COLUMNS), row, "value", error, key)


_TABLE_FILES = re.compile(r"\b(" + "|".join(re.escape(spec.file) for spec in TABLES) + r")\b")


def _in_sheets(message: str) -> str:
    """A message of the checks, which name the tables by their files ("expected an id from
    items.csv"), as said of a workbook ("from the items sheet")."""
    return _TABLE_FILES.sub(
        lambda found: f"the {found.group(1).removesuffix('.csv')} sheet", message
    )


def column_letters(index: int) -> str:
    """Excel's name of the column at `index` (from 0): A, ..., Z, AA, AB, ..."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# --- plans -----------------------------------------------------------------------------------

PIVOTS = {"builds": ("item", "shop"), "output": ("variant",)}
"""The plan tables also written with a column per bucket: rows of these, quantities summed."""

_TIME_COLUMNS = ("week", "day", "month")
_PIVOT_WIDTH = 11


def write_plan_workbook(tables: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write a plan's tables (`PlanResult.tables()`) as a workbook: first `builds_by_week` and
    `output_by_week` (`_by_day`, `_by_month` in other buckets), a row per item and shop or per
    variant and a column per bucket, as planners read a plan; then a sheet per table.

    Written beside `path` and renamed onto it, as `write_workbook` does. A table longer than a
    sheet holds (Excel's 1,048,576 rows) is left out and the `about` sheet says so.
    """
    target = Path(path)
    _refuse_foreign_file(target)
    with atomic_file(target) as staging:
        book = xlsxwriter.Workbook(str(staging), _BOOK_OPTIONS)
        styles = _Styles(book)
        left_out = [name for name, frame in tables.items() if len(frame) >= MAX_ROWS]
        for name, keys in PIVOTS.items():
            if name in tables:
                _write_pivot(book, name, tables[name], keys, styles)
        for name, frame in tables.items():
            if name not in left_out:
                _write_frame(book, name, frame, styles)
        if left_out:
            _write_about(book, left_out, tables, styles)
        book.close()
    return target


def _time_column(frame: pd.DataFrame) -> str:
    return next(column for column in _TIME_COLUMNS if column in frame.columns)


def _write_pivot(
    book: xlsxwriter.Workbook,
    name: str,
    frame: pd.DataFrame,
    keys: tuple[str, ...],
    styles: _Styles,
) -> None:
    time = _time_column(frame)
    wide = frame.pivot_table(
        index=list(keys), columns=time, values="quantity", aggfunc="sum", fill_value=0.0
    )
    import pandas as pd

    buckets = [pd.Timestamp(stamp).date() for stamp in wide.columns]
    quantity = styles.number("#,##0.0")
    sheet = _sheet(
        book,
        f"{name}_by_{time}",
        [*keys, *buckets],
        styles,
        widths=[16] * len(keys) + [_PIVOT_WIDTH] * len(buckets),
        frozen_columns=len(keys),
    )
    values = np.round(wide.to_numpy(dtype=np.float64), 6) + 0.0
    for row, (labels, numbers) in enumerate(zip(wide.index, values, strict=True), start=1):
        labels = labels if isinstance(labels, tuple) else (labels,)
        for column, label in enumerate(labels):
            _write_text(sheet, row, column, str(label), None)
        for column, number in enumerate(numbers.tolist(), start=len(labels)):
            sheet.write_number(row, column, number, quantity)


def _write_frame(
    book: xlsxwriter.Workbook, name: str, frame: pd.DataFrame, styles: _Styles
) -> None:
    """A table as the CSV has it (numbers rounded to a millionth), a column format each."""
    import pandas as pd

    columns = [str(column) for column in frame.columns]
    sheet = _sheet(book, name, columns, styles, frozen_columns=1)
    values: list[list[Any]] = []
    formats: list[Format | None] = []
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_float_dtype(series.dtype):
            rounded = np.round(series.to_numpy(dtype=np.float64), 6) + 0.0
            values.append([None if math.isnan(v) else v for v in rounded.tolist()])
            formats.append(styles.number("#,##0.0##"))
        elif pd.api.types.is_datetime64_dtype(series.dtype):
            days = series.to_numpy().astype("datetime64[D]").astype(object)
            values.append([None if v is None else v for v in days.tolist()])
            formats.append(styles.date)
        else:
            values.append(series.astype(object).where(series.notna(), None).tolist())
            formats.append(None)
    writers = [_column_writer(sheet, column, style) for column, style in enumerate(formats)]
    for row, cells in enumerate(zip(*values, strict=True), start=1):
        for write, value in zip(writers, cells, strict=True):
            if value is not None:
                write(row, value)


def _column_writer(
    sheet: Worksheet, column: int, style: Format | None
) -> Callable[[int, Any], Any]:
    """Write a cell of `column`: the type checked once a cell, the format set once a column."""

    def write(row: int, value: Any) -> Any:
        if isinstance(value, float | int) and not isinstance(value, bool):
            return sheet.write_number(row, column, value, style)
        if isinstance(value, dt.date):
            return sheet.write_datetime(row, column, value, style)
        return _write_text(sheet, row, column, str(value), style)

    return write


def _write_about(
    book: xlsxwriter.Workbook,
    left_out: Sequence[str],
    tables: Mapping[str, pd.DataFrame],
    styles: _Styles,
) -> None:
    sheet = _sheet(book, "about", ("table", "note"), styles, widths=(16, 90))
    notes = (
        (name, f"{len(tables[name]):,} rows, more than a sheet holds: see plan/{name}.csv")
        for name in left_out
    )
    _write_rows(sheet, notes, styles)
