"""A scenario as the workspace keeps it: its header and, per table, its rows as CSV lines of
every column, in file order. Two scenarios with equal content have equal hashes, whatever
their history; a revision stores only the lines that differ from its parent's (`delta`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from evramp.io.scenario_folder import load_scenario, table_csv
from evramp.model import SCENARIO_FILE, TABLES, Scenario

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


@dataclass(frozen=True)
class Content:
    """A scenario's header (name, notes, calendar) and tables, as stored."""

    header: Mapping[str, Any]
    tables: Mapping[str, TableRows]

    @property
    def rows(self) -> int:
        return sum(len(table.live) for table in self.tables.values())

    def hash(self) -> str:
        """SHA-256 of the header and every table's live lines in order (tables by name)."""
        digest = hashlib.sha256(header_text(self.header).encode())
        for name, table in sorted(self.tables.items()):
            digest.update(f"\0{name}\0{table.columns}\0".encode())
            digest.update("\n".join(table.live).encode())
        return digest.hexdigest()

    def scenario(self, source: str) -> Scenario:
        """The scenario, read and validated as from a folder; `source` names it in messages."""
        # Through a folder on purpose: one reader (and one set of checks) for every scenario.
        with tempfile.TemporaryDirectory(prefix="evramp-") as folder:
            self.write_folder(Path(folder))
            return load_scenario(Path(folder))

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


def content_of(scenario: Scenario, unchanged: tuple[Scenario, Content] | None = None) -> Content:
    """The stored form of `scenario`: every column of every table, defaults written out, so
    that one changed value changes one line. With `unchanged` (a scenario and its content,
    such as the parent of a copy), a table `scenario` shares with that scenario is taken from
    that content, not written again (a what-if copy of plant L changes one table of twelve)."""
    header = {
        "name": scenario.name,
        "notes": scenario.notes,
        "calendar": scenario.calendar.model_dump(mode="json", by_alias=True),
    }
    tables = {}
    for spec in TABLES:
        rows = scenario.table(spec.name)
        if unchanged is not None and unchanged[0].table(spec.name) is rows:
            kept = unchanged[1].tables[spec.name]
            tables[spec.name] = TableRows(kept.columns, kept.live)
            continue
        columns, lines = _records_of(table_csv(spec, rows, every_column=True))
        tables[spec.name] = TableRows(columns, lines)
    return Content(header, tables)


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
