"""A scenario as the workspace keeps it: its header and, per table, its rows as CSV lines of
every column, in file order. Two scenarios with equal content have equal hashes, whatever
their history; a revision stores only the lines that differ from its parent's (`delta`).
"""

from __future__ import annotations

import csv
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
"""A table's row as a CSV line; None where a parent's row was removed."""


@dataclass(frozen=True)
class TableRows:
    """A table's header line and its rows' lines (None: a removed row, kept so that the
    positions of the others stay what a child revision's delta refers to)."""

    columns: str
    lines: Sequence[Line]

    @property
    def live(self) -> list[str]:
        return [line for line in self.lines if line is not None]

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
                tables[spec.name] = TableRows(kept.columns, kept.live)
                continue
            lines = _lines_changed(spec, before, rows, kept)
            if lines is not None:
                tables[spec.name] = TableRows(kept.columns, lines)
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
    live = kept.live
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


def delta(parent: Content, child: Content) -> Delta:
    """What `child` stores over `parent`: the k-th live line of the child against the k-th
    live line of the parent; lines beyond the parent's appended, those beyond the child's
    removed."""
    changes: Delta = {}
    for name, table in child.tables.items():
        old = parent.tables[name].lines if name in parent.tables else ()
        live = [position for position, line in enumerate(old) if line is not None]
        new = table.live
        pairs: list[tuple[int, Line]] = [
            (position, line)
            for position, line in zip(live, new, strict=False)
            if old[position] != line
        ]
        pairs.extend((len(old) + n, line) for n, line in enumerate(new[len(live) :]))
        pairs.extend((position, None) for position in live[len(new) :])
        if pairs:
            changes[name] = pairs
    return changes


def overlay(base: dict[str, list[Line]], changes: Mapping[str, list[tuple[int, Line]]]) -> None:
    """Apply a revision's stored lines to its parent's (in place)."""
    for name, pairs in changes.items():
        lines = base.setdefault(name, [])
        for position, line in sorted(pairs, key=lambda pair: pair[0]):
            if position >= len(lines):
                lines.extend([None] * (position + 1 - len(lines)))
            lines[position] = line


def delta_size(changes: Delta) -> int:
    return sum(len(pairs) for pairs in changes.values())
