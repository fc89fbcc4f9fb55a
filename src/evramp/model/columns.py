"""The demand table as columns: one polars DataFrame of orders, not one record per line.

A million orders as pydantic records took 2.1 GiB and 20-24 s to read and check; as
columns they take some 100 MB and are checked by vectorised expressions. `DemandTable` is what
`Scenario.demand` holds: a `Sequence[Order]` that makes a record when one is asked for, so
`for order in scenario.demand`, `scenario.demand[0]` and `len(scenario.demand)` work as they
did, while validation and the planner read the columns.

Text cells become values in two passes. The first, vectorised, takes every cell it can be sure
of: an id that matches the id pattern, a plain decimal number inside its range, an ISO date
inside the era, one of a field's choices, an empty cell of a field with a default. Every row
with a cell it does not take goes to pydantic, as each row did before: so every refused cell is
refused by the record's own validation with the same located message, and a cell pydantic
takes in a form the first pass does not know (`1_000`, `+5`, `1.0` as a whole number) is still
taken. The first pass takes nothing pydantic would refuse and gives the value pydantic gives
(tests/test_columns.py holds both to that on a catalogue of odd cells).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, get_args, overload

import numpy as np
import numpy.typing as npt
import polars as pl
from pydantic import TypeAdapter, ValidationError

from evramp.model.errors import ScenarioError, describe
from evramp.model.ranges import AMOUNTS, FIRST_DAY, LAST_DAY, MONEY, Span
from evramp.model.records import Order, OrderKind

IntArray = npt.NDArray[np.int64]

LINE = "line"
"""The column of the line each row was read from (the CSV header is line 1)."""

DEMAND_SCHEMA = pl.Schema(
    {
        "id": pl.String(),
        "variant": pl.String(),
        "quantity": pl.Float64(),
        "due": pl.Date(),
        "priority": pl.Int64(),
        "price": pl.Float64(),
        "lateness_penalty": pl.Float64(),
        "kind": pl.String(),
        "max_weeks_late": pl.Int64(),
    }
)
"""The columns of `DemandTable.frame`, one per field of `Order`, in its order."""

_RECORD_CHUNK = 10_000
"""Rows turned into records at a time while iterating (bounded memory, few polars calls)."""


class DemandTable(Sequence[Order]):
    """Orders as columns (`frame`, see DEMAND_SCHEMA); a sequence of `Order` records."""

    __slots__ = ("frame",)

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    @classmethod
    def of(cls, lines: Iterable[Order]) -> DemandTable:
        """The table of `lines` (itself when it is one already)."""
        if isinstance(lines, DemandTable):
            return lines
        records = list(lines)
        columns = {name: [getattr(r, name) for r in records] for name in DEMAND_SCHEMA}
        return cls(pl.DataFrame(columns, schema=DEMAND_SCHEMA))

    # --- the sequence of records -------------------------------------------------------------

    def __len__(self) -> int:
        return self.frame.height

    @overload
    def __getitem__(self, index: int) -> Order: ...

    @overload
    def __getitem__(self, index: slice) -> DemandTable: ...

    def __getitem__(self, index: int | slice) -> Order | DemandTable:
        if isinstance(index, slice):
            rows = range(self.frame.height)[index]
            if rows.step == 1:
                return DemandTable(self.frame.slice(rows.start, len(rows)))
            return DemandTable(self.frame[list(rows)])
        if not -self.frame.height <= index < self.frame.height:
            raise IndexError(f"order {index} of {self.frame.height}")
        return _record(self.frame.row(index, named=True))

    def __iter__(self) -> Iterator[Order]:
        for start in range(0, self.frame.height, _RECORD_CHUNK):
            for row in self.frame.slice(start, _RECORD_CHUNK).iter_rows(named=True):
                yield _record(row)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DemandTable):
            return self.frame.equals(other.frame)
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.frame.height, int(self.frame.hash_rows(seed=0).sum())))

    def __repr__(self) -> str:
        return f"DemandTable({self.frame.height:,} lines)"

    # --- changed copies ----------------------------------------------------------------------

    def with_rows(self, replacements: Mapping[int, Order]) -> DemandTable:
        """This table with the lines at the given indices replaced."""
        if not replacements:
            return self
        index = sorted(replacements)
        new = DemandTable.of(replacements[n] for n in index).frame
        position = pl.int_range(pl.len(), dtype=pl.Int64).alias("_position")
        kept = self.frame.with_columns(position).filter(~pl.col("_position").is_in(index))
        placed = new.with_columns(pl.Series("_position", index, dtype=pl.Int64))
        merged = pl.concat([kept, placed]).sort("_position").drop("_position")
        return DemandTable(merged)

    def without_lateness_limits(self) -> DemandTable:
        """Every line with `max_weeks_late` empty (no limit)."""
        return DemandTable(self.frame.with_columns(pl.lit(None, pl.Int64).alias("max_weeks_late")))

    # --- columns as arrays -------------------------------------------------------------------

    def days(self) -> npt.NDArray[np.datetime64]:
        """The due dates as `datetime64[D]`."""
        return self.frame["due"].to_numpy().astype("datetime64[D]")

    def floats(self, name: str) -> npt.NDArray[np.float64]:
        return self.frame[name].to_numpy().astype(np.float64, copy=False)

    def ints(self, name: str, missing: int = -1) -> IntArray:
        return self.frame[name].fill_null(missing).to_numpy().astype(np.int64, copy=False)

    def codes(self, name: str) -> tuple[list[str], IntArray]:
        """The distinct texts of column `name` in sorted order (Python's, by code point), and
        each line's index into them."""
        column = self.frame[name]
        names = column.unique().sort().to_list()
        codes = column.rank("dense").to_numpy().astype(np.int64) - 1
        return names, codes


def _record(row: dict[str, Any]) -> Order:
    # The values were validated when the table was read or built: no second validation.
    return Order.model_construct(**row)


# --- text cells to columns -------------------------------------------------------------------

WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""What Python's `str.strip()` strips (every `c.isspace()`): polars' `strip_chars()` strips
less (not the separators 0x1c-0x1f)."""

_ID = r"^[A-Za-z0-9][A-Za-z0-9._\-/+]*$"
_DECIMAL = r"^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_WHOLE = r"^(?:0|[1-9][0-9]{0,5})$"
_ISO_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


@dataclass(frozen=True)
class Cells:
    """How the text cells of one column become values: `read` gives the value of each cell it
    takes and null for the rest (empty cells are null when they come)."""

    dtype: pl.DataType | type[pl.DataType]

    def read(self, cells: pl.Expr) -> pl.Expr:
        raise NotImplementedError


@dataclass(frozen=True)
class IdCells(Cells):
    dtype: pl.DataType | type[pl.DataType] = pl.String

    def read(self, cells: pl.Expr) -> pl.Expr:
        return pl.when(cells.str.contains(_ID)).then(cells)


@dataclass(frozen=True)
class ChoiceCells(Cells):
    choices: tuple[str, ...] = ()
    dtype: pl.DataType | type[pl.DataType] = pl.String

    def read(self, cells: pl.Expr) -> pl.Expr:
        return pl.when(cells.is_in(self.choices)).then(cells)


@dataclass(frozen=True)
class NumberCells(Cells):
    span: Span = AMOUNTS
    dtype: pl.DataType | type[pl.DataType] = pl.Float64

    def read(self, cells: pl.Expr) -> pl.Expr:
        value = cells.cast(pl.Float64, strict=False)
        inside = value.is_between(self.span.low, self.span.high)
        if self.span.zero:
            inside = inside | (value == 0)
        return pl.when(cells.str.contains(_DECIMAL) & inside).then(value)


@dataclass(frozen=True)
class WholeCells(Cells):
    low: int = 0
    high: int = 0
    dtype: pl.DataType | type[pl.DataType] = pl.Int64

    def read(self, cells: pl.Expr) -> pl.Expr:
        value = cells.cast(pl.Int64, strict=False)
        return pl.when(cells.str.contains(_WHOLE) & value.is_between(self.low, self.high)).then(
            value
        )


@dataclass(frozen=True)
class DayCells(Cells):
    dtype: pl.DataType | type[pl.DataType] = pl.Date

    def read(self, cells: pl.Expr) -> pl.Expr:
        value = cells.str.to_date("%Y-%m-%d", strict=False)
        inside = value.is_between(FIRST_DAY, LAST_DAY)
        return pl.when(cells.str.contains(_ISO_DAY) & inside).then(value)


POSITIVE_AMOUNTS = Span(AMOUNTS.low, AMOUNTS.high)
DEMAND_CELLS: Mapping[str, Cells] = {
    "id": IdCells(),
    "variant": IdCells(),
    "quantity": NumberCells(span=POSITIVE_AMOUNTS),
    "due": DayCells(),
    "priority": WholeCells(low=1, high=9),  # Order.priority: ge=1, le=9
    "price": NumberCells(span=MONEY),
    "lateness_penalty": NumberCells(span=MONEY),
    "kind": ChoiceCells(choices=get_args(OrderKind)),
    "max_weeks_late": WholeCells(low=0, high=520),  # Weeks: ge=0, le=520
}
"""The first pass for each field of `Order` (the same fields, in the same order)."""


@dataclass(frozen=True)
class ReadDemand:
    """The lines of demand.csv that are valid, their line numbers, and the problems."""

    table: DemandTable
    lines: IntArray
    errors: list[ScenarioError]


def read_demand(cells: pl.DataFrame, file: str) -> ReadDemand:
    """Orders from text cells: `cells` holds one String column per CSV column (stripped,
    null where empty; columns missing from the file are absent) and `LINE`."""
    taken: list[pl.Expr] = []
    values: list[pl.Expr] = []
    for name, reader in DEMAND_CELLS.items():
        field = Order.model_fields[name]
        default = None if field.is_required() else field.default
        if name not in cells.columns:
            values.append(pl.lit(default, reader.dtype).alias(name))
            taken.append(pl.lit(not field.is_required()))
            continue
        cell = pl.col(name)
        value = reader.read(cell)
        values.append(pl.coalesce(value, pl.lit(default, reader.dtype)).alias(name))
        taken.append(value.is_not_null() | (cell.is_null() & (not field.is_required())))
    read = cells.select(*values, pl.col(LINE), pl.all_horizontal(taken).alias("_taken"))
    if read["_taken"].all():  # the common case: no copy of the columns by a filter
        return ReadDemand(DemandTable(read.drop(LINE, "_taken")), _lines(read), [])
    first = read.filter(pl.col("_taken")).drop("_taken")
    rest = cells.filter(~read["_taken"])
    second, errors = _validate_rows(rest, file)
    merged = pl.concat([first, second]).sort(LINE) if second.height else first
    return ReadDemand(DemandTable(merged.drop(LINE)), _lines(merged), errors)


def _lines(frame: pl.DataFrame) -> IntArray:
    return frame[LINE].to_numpy().astype(np.int64)


@cache
def _adapter() -> TypeAdapter[list[Order]]:
    return TypeAdapter(list[Order])


def _validate_rows(rows: pl.DataFrame, file: str) -> tuple[pl.DataFrame, list[ScenarioError]]:
    """The rows the first pass did not take, validated by pydantic as records (as every row
    was before): the valid ones as a frame with their lines, every problem located."""
    lines = rows[LINE].to_list()
    cells = [
        {name: value for name, value in row.items() if value is not None}
        for row in rows.drop(LINE).iter_rows(named=True)
    ]
    errors: list[ScenarioError] = []
    bad: set[int] = set()
    try:
        records = _adapter().validate_python(cells)
    except ValidationError as exc:
        for error in exc.errors():
            index, *field = error["loc"]
            message = describe(
                error["type"], error["msg"], error.get("input"), error.get("ctx", {})
            )
            column = str(field[0]) if field else ""
            errors.append(ScenarioError(file, lines[int(index)], column, message))
            bad.add(int(index))
        good = [row for n, row in enumerate(cells) if n not in bad]
        records = _adapter().validate_python(good)
    kept = [line for n, line in enumerate(lines) if n not in bad]
    frame = DemandTable.of(records).frame.with_columns(pl.Series(LINE, kept, dtype=pl.Int64))
    return frame, errors


def strip_cells(cells: pl.DataFrame) -> pl.DataFrame:
    """Cells as the CSV reader hands them on: stripped as `str.strip()` strips, empty as null."""
    stripped = pl.col(pl.String).str.strip_chars(WHITESPACE)
    return cells.with_columns(pl.when(stripped != "").then(stripped).name.keep())
