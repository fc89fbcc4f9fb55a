"""A scenario as the workspace keeps it: its header and, per table, its rows as CSV lines of
every column, in file order. Two scenarios with equal content have equal hashes, whatever
their history; a revision stores only the lines that differ from its parent's (`delta`).
"""

from __future__ import annotations

import csv
import difflib
import functools
import hashlib
import io
import json
import tempfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from evramp.io.scenario_folder import load_scenario, load_tables, table_csv
from evramp.model import SCENARIO_FILE, TABLES, Scenario, TableSpec
from evramp.model.columns import DemandTable

Line = str | None
"""A table's row as a CSV line; None: a parent's row removed."""


@dataclass(frozen=True)
class TableRows:
    """A table's header line and its rows' lines in order, and where each row is stored: its
    position, ascending with room between them (`GAP`), so that a row inserted or removed
    later is one stored line, not a shift of every line after it."""

    columns: str
    live: Sequence[str]
    positions: Sequence[int] | None = None
    """None: not stored yet (a revision stored whole places the k-th row at k * `GAP`)."""

    @functools.cached_property
    def digest(self) -> str:
        """SHA-256 of the live lines in order (a revision keeps it per table, so that a copy
        that changes one table hashes the whole scenario without reading the others)."""
        return hashlib.sha256("\n".join(self.live).encode()).hexdigest()


@dataclass(frozen=True)
class Content:
    """A scenario's header (name, notes, calendar) and tables, as stored."""

    header: Mapping[str, Any]
    tables: Mapping[str, TableRows]

    @property
    def rows(self) -> int:
        return sum(len(table.live) for table in self.tables.values())

    def hash(self) -> str:
        """SHA-256 of the header and every table's columns and `digest` (tables by name)."""
        return content_hash(
            self.header, {name: (t.columns, t.digest) for name, t in self.tables.items()}
        )

    def scenario(self, source: str) -> Scenario:
        """The scenario, read and validated as from a folder; `source` names it in messages."""
        # Through a folder on purpose: one reader (and one set of checks) for every scenario.
        with tempfile.TemporaryDirectory(prefix="evramp-") as folder:
            self.write_folder(Path(folder))
            return load_scenario(Path(folder))

    def part(self) -> Scenario:
        """The scenario of the tables this content holds (the others empty), each row checked
        but nothing checked across tables: the part of a valid revision that a what-if copy
        reads (`evramp.model.changes.apply_changes_to_valid`)."""
        with tempfile.TemporaryDirectory(prefix="evramp-") as folder:
            self.write_folder(Path(folder))
            return load_tables(Path(folder), frozenset(self.tables))

    def write_folder(self, folder: Path) -> None:
        """The files `load_scenario` reads (not the canonical files: `write_scenario` writes
        those from the scenario read back)."""
        header = yaml.safe_dump(dict(self.header), sort_keys=False, allow_unicode=True)
        (folder / SCENARIO_FILE).write_text(header, encoding="utf-8")
        for spec in TABLES:
            table = self.tables.get(spec.name)
            if table is None or not (spec.required or table.live):
                continue
            text = "\n".join([table.columns, *table.live, ""])
            (folder / spec.file).write_text(text, encoding="utf-8", newline="")


def header_text(header: Mapping[str, Any]) -> str:
    return json.dumps(header, sort_keys=True, ensure_ascii=False)


def content_hash(header: Mapping[str, Any], tables: Mapping[str, tuple[str, str]]) -> str:
    """The hash of a scenario's header and its tables' (columns, digest), by table name.
    Migration 0002 computes the same; change both or neither."""
    digest = hashlib.sha256(header_text(header).encode())
    for name, (columns, table_digest) in sorted(tables.items()):
        digest.update(f"\0{name}\0{columns}\0{table_digest}".encode())
    return digest.hexdigest()


def content_of(
    scenario: Scenario,
    unchanged: tuple[Scenario, Content] | None = None,
    only: Collection[str] | None = None,
) -> Content:
    """The stored form of `scenario`: every column of every table, defaults written out, so
    that one changed value changes one line. With `unchanged` (a scenario and its content,
    such as the parent of a copy), a table `scenario` shares with that scenario is taken from
    that content, not written again (a what-if copy of plant L changes one table of twelve),
    and so is each row of a changed table that is the same record as that scenario's. With
    `only`, only those tables."""
    header = {
        "name": scenario.name,
        "notes": scenario.notes,
        "calendar": scenario.calendar.model_dump(mode="json", by_alias=True),
    }
    tables = {}
    for spec in TABLES:
        if only is not None and spec.name not in only:
            continue
        rows = scenario.table(spec.name)
        if unchanged is not None and spec.name in unchanged[1].tables:
            before, kept = unchanged[0].table(spec.name), unchanged[1].tables[spec.name]
            if before is rows:
                tables[spec.name] = kept
                continue
            lines = _lines_changed(spec, before, rows, kept)
            if lines is not None:
                tables[spec.name] = TableRows(kept.columns, lines, kept.positions)
                continue
        columns, written = _records_of(table_csv(spec, rows, every_column=True))
        tables[spec.name] = TableRows(columns, written)
    return Content(header, tables)


def _lines_changed(
    spec: TableSpec, before: Sequence[Any], rows: Sequence[Any], kept: TableRows
) -> list[str] | None:
    """`kept`'s lines with those of the records of `rows` that are not `before`'s written
    again; None when the rows do not line up one to one (then the table is written whole).
    Each row's line depends on that row alone (every column is written)."""
    live = list(kept.live)
    if isinstance(rows, DemandTable) or not len(before) == len(rows) == len(live):
        return None
    changed = [n for n, (old, new) in enumerate(zip(before, rows, strict=True)) if old is not new]
    columns, written = _records_of(table_csv(spec, [rows[n] for n in changed], every_column=True))
    if columns != kept.columns:
        return None
    for n, line in zip(changed, written, strict=True):
        live[n] = line
    return live


def _records_of(text: str) -> tuple[str, list[str]]:
    """The header and the records of a CSV text, one line each (a record with a line break
    inside a quoted cell is written again with the break escaped by the quotes it had)."""
    if '"' not in text:
        header, *lines = text.replace("\r\n", "\n").split("\n")
        return header, [line for line in lines if line]
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    records = []
    for row in rows:
        writer.writerow(row)
        records.append(out.getvalue().removesuffix("\n"))
        out.seek(0)
        out.truncate()
    return records[0], records[1:]


Delta = dict[str, list[tuple[int, Line]]]
"""Per table, the (position, line) pairs a child revision stores over its parent's lines."""

GAP = 256
"""Room left between the positions of a table's rows when it is stored whole: up to 255
rows fit between two (eight times over at one place, halving the room each time) before
a delta must place rows again. Positions stay below 2**31 up to 8 million rows."""


def stored_whole(table: TableRows) -> list[tuple[int, Line]]:
    """The (position, line) pairs of a table stored whole (room before the first row too)."""
    gap = _gap(len(table.live))
    return [((n + 1) * gap, line) for n, line in enumerate(table.live)]


def _gap(rows: int) -> int:
    return max(1, min(GAP, (2**31 - 1) // (rows + 2)))  # positions are 32-bit on Postgres


def delta(parent: Content, child: Content) -> Delta:
    """What `child` stores over `parent`, table by table: the rows of the child are matched
    to the parent's (`difflib.SequenceMatcher`, when the counts differ); a matched row keeps
    its position and is stored only if its line changed, an unmatched one is placed between
    its neighbours, and each parent row left unmatched is stored as removed (None)."""
    changes: Delta = {}
    for name, table in child.tables.items():
        before = parent.tables.get(name, TableRows(table.columns, ()))
        pairs = _table_delta(before, table.live)
        if pairs:
            changes[name] = pairs
    return changes


def _table_delta(before: TableRows, new: Sequence[str]) -> list[tuple[int, Line]]:
    old = before.live
    at = list(before.positions) if before.positions is not None else [n for n in range(len(old))]
    placed: list[int | None] = [None] * len(new)
    if len(old) == len(new) and _differing(old, new) <= ROW_FOR_ROW:  # a copy's --set changes
        placed = list(at)
    else:
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag in ("equal", "replace"):
                width = min(i2 - i1, j2 - j1)
                placed[j1 : j1 + width] = at[i1 : i1 + width]
    positions = _fill(placed, _gap(len(new)))
    line_at = dict(zip(at, old, strict=True))
    pairs: list[tuple[int, Line]] = [
        (position, line)
        for position, line in zip(positions, new, strict=True)
        if line_at.get(position) != line
    ]
    kept = set(positions)
    pairs.extend((position, None) for position in at if position not in kept)
    return pairs


ROW_FOR_ROW = 16
"""Up to this many lines differing between tables of one length, rows are matched row for
row (what a copy's `--set` changes are) without running the matcher."""


def _differing(old: Sequence[str], new: Sequence[str]) -> int:
    return sum(1 for a, b in zip(old, new, strict=True) if a != b)


def _fill(placed: list[int | None], gap: int) -> list[int]:
    """Positions for every row: those `placed` kept, each run of unplaced rows spread between
    its neighbours. Where a run does not fit, the window around it widens (by 1, 2, 4, ...
    rows on each side, whose rows are placed again) until it is at most half full, so that
    rows inserted at one place revision after revision cost a few lines each, not a shift of
    the table (the list-labelling of order-maintenance structures, written here because no
    library keeps positions in a table of stored rows)."""
    at = list(placed)
    j = 0
    while j < len(at):
        if at[j] is not None:
            j += 1
            continue
        start = j
        while j < len(at) and at[j] is None:
            j += 1
        j = _spread(at, start, j, gap)
    return [position for position in at if position is not None]


def _spread(at: list[int | None], start: int, end: int, gap: int) -> int:
    """Place the rows `at[start:end]` (a run of unplaced ones, at first) between the rows
    around them, widening the window until they fit; returns the window's end. The k-th
    widening asks for a window at most 1 - k / (2 * levels) full (full at first, half full
    when it spans the table), which keeps the rows placed again few on average."""
    width, level, levels = 1, 0, max(1, len(at).bit_length())
    while True:
        low = _position(at, start - 1, -1)
        if end == len(at):  # after the last row there is always room
            for k in range(start, end):
                at[k] = low + gap * (k - start + 1)
            return end
        high = _position(at, end, 0)
        rows = end - start
        if rows <= (1 - level / (2 * levels)) * (high - low - 1):
            for k in range(start, end):
                at[k] = low + (high - low) * (k - start + 1) // (rows + 1)
            return end
        start, end = max(0, start - width), min(len(at), end + width)
        while end < len(at) and at[end] is None:  # a run of unplaced rows joins the window
            end += 1
        width, level = 2 * width, level + 1


def _position(at: list[int | None], index: int, default: int) -> int:
    if index < 0:
        return default
    position = at[index]
    assert position is not None  # the rows around a window are placed
    return position


def overlay(base: dict[str, dict[int, Line]], changes: Delta) -> None:
    """Apply a revision's stored lines to its parent's (in place)."""
    for name, pairs in changes.items():
        lines = base.setdefault(name, {})
        for position, line in pairs:
            if line is None:
                lines.pop(position, None)
            else:
                lines[position] = line


def in_order(columns: str, lines: Mapping[int, Line]) -> TableRows:
    """The table of the lines `overlay` left, in the order of their positions."""
    positions = sorted(position for position, line in lines.items() if line is not None)
    return TableRows(columns, [lines[position] or "" for position in positions], positions)


def delta_size(changes: Delta) -> int:
    return sum(len(pairs) for pairs in changes.values())
