"""Names the scenario files changed, still read under their old names with a note.

A file written for an older evramp keeps working: each old name is read as the new one, and a
`FormatChange` warning says where it was found and what to write instead (the CLI prints it as
a note). The old names stay readable until a release says otherwise.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import polars as pl


class FormatChange(FutureWarning):
    """A scenario file uses a name evramp has renamed; it was read under the new name."""


@dataclass(frozen=True)
class RenamedValue:
    """A value of a column that has a new name: `old` is read as `new`."""

    table: str
    column: str
    old: str
    new: str
    since: str
    """The evramp version that renamed it."""


RENAMED_VALUES = (RenamedValue("demand", "kind", "order", "firm", "0.2"),)
"""Every value renamed so far. An order's kind was `order` (firm or forecast, one word for two
things); it is `firm`."""


def read_renamed(cells: pl.DataFrame, table: str, file: str, line: str) -> pl.DataFrame:
    """`cells` (text columns, one row per line, the line number in column `line`) with each
    old value of `table` replaced by its new name, and a `FormatChange` for each one found."""
    for renamed in RENAMED_VALUES:
        if renamed.table != table or renamed.column not in cells.columns:
            continue
        found = cells[renamed.column] == renamed.old
        count = int(found.sum())
        if not count:
            continue
        first = int(cells.filter(found)[line][0])
        warnings.warn(_note(renamed, file, count, first), FormatChange, stacklevel=2)
        cells = cells.with_columns(
            pl.when(found)
            .then(pl.lit(renamed.new))
            .otherwise(pl.col(renamed.column))
            .alias(renamed.column)
        )
    return cells


def _note(renamed: RenamedValue, file: str, count: int, first: int) -> str:
    lines = f"{count:,} line{'s' * (count != 1)}, the first line {first}"
    return (
        f"{file}: {renamed.column}: {renamed.old!r} is now called {renamed.new!r} (evramp "
        f"{renamed.since}); read as {renamed.new!r} ({lines}). Write {renamed.new!r} instead."
    )
