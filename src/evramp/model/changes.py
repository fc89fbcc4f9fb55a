"""Validated changes to a scenario: `shops.paint.rate = 56`, addressed as table, row and field.

An address is `TABLE.ROW.FIELD`: the table by its name (`shops`, `suppliers`, `ramps` or its
file's `ramp`, ...), the row by its key (`paint`; the parts of a key of several fields joined by
`:`, such as `CATL:CELL-NCM-612` for the supplier line of CATL and CELL-NCM-612, or only the
first parts when they name one row: `CATL` if CATL supplies one item), the field by its column
in the CSV file (`rate`, `yield`). `calendar.FIELD` addresses scenario.yaml's calendar. Ids may
contain dots, so the table is what comes before the first dot and the field what comes after
the last.

A change is parsed once (`Change.parse`, `Change.parse_assignment` for `address=value` as a
command line gives it) and applied with `Scenario.with_changes`, which validates each changed
row as the CSV reader would (text such as "56" is read as a number) and then the whole
scenario: every problem is raised at once as `ScenarioInvalid`, located at the row's line in
its file and naming the change.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import polars as pl
from pydantic import BaseModel, ValidationError

from evramp.model.columns import DemandTable
from evramp.model.errors import ScenarioError, ScenarioInvalid, describe
from evramp.model.records import Calendar
from evramp.model.scenario import SCENARIO_FILE, TABLE_BY_NAME, TABLES, Scenario, TableSpec
from evramp.model.validate import check_changes, checks_reading, ensure_valid

CALENDAR = "calendar"
KEY_SEPARATOR = ":"
_TABLE_ALIASES = {spec.file.removesuffix(".csv"): spec.name for spec in TABLES}


@dataclass(frozen=True)
class Change:
    """One value to set, parsed from its address (see the module docstring)."""

    address: str
    table: str
    """A table's name (`TableSpec.name`), or `calendar`."""
    key: tuple[str, ...]
    """The row's key values as text (a prefix of the table's key); () for the calendar."""
    field: str
    """The record's attribute (`yield_` for the column `yield`)."""
    value: object

    @classmethod
    def parse(cls, address: str, value: object) -> Change:
        """The change `address` = `value`; `ScenarioInvalid` if the address names no field."""
        change, problem = _parse(address, value)
        if change is None:
            raise ScenarioInvalid([problem] if problem else [])
        return change

    @classmethod
    def parse_assignment(cls, text: str) -> Change:
        """`shops.paint.rate=56` (the value stays text, read as the CSV reader would)."""
        address, equals, value = text.partition("=")
        if not equals:
            raise ScenarioInvalid([ScenarioError(text, 0, "", "expected TABLE.ROW.FIELD=VALUE")])
        return cls.parse(address.strip(), value.strip())


def parse_changes(changes: Mapping[str, object] | Iterable[Change]) -> list[Change]:
    """Changes parsed from `{address: value}` (or given parsed), every bad address at once."""
    problems: list[ScenarioError] = []
    parsed = _parsed(changes, problems)
    if problems:
        raise ScenarioInvalid(problems)
    return parsed


def _parsed(
    changes: Mapping[str, object] | Iterable[Change], problems: list[ScenarioError]
) -> list[Change]:
    if not isinstance(changes, Mapping):
        return list(changes)
    parsed = []
    for address, value in changes.items():
        change, problem = _parse(address, value)
        if change is not None:
            parsed.append(change)
        elif problem is not None:
            problems.append(problem)
    return parsed


def apply_changes(scenario: Scenario, changes: Mapping[str, object] | Iterable[Change]) -> Scenario:
    """`scenario` with `changes` made, validated; `ScenarioInvalid` with every problem."""
    return ensure_valid(_made(scenario, changes))


def apply_changes_to_valid(scenario: Scenario, changes: Sequence[Change]) -> Scenario:
    """`scenario`, a valid scenario or the part of one that `tables_to_read` names, with
    `changes` made: each changed row validated, then only the checks that read a changed table
    run (a change elsewhere cannot alter what the others found: nothing). `ScenarioInvalid`
    with every problem, as `apply_changes` would raise on the whole scenario."""
    changed = _made(scenario, changes)
    problems = check_changes(changed, changed_tables(changes))
    if problems:
        raise ScenarioInvalid(problems)
    return changed


def changed_tables(changes: Iterable[Change]) -> frozenset[str]:
    """The tables (and `calendar`) that `changes` change."""
    return frozenset(change.table for change in changes)


def tables_to_read(changes: Iterable[Change], empty: frozenset[str]) -> frozenset[str]:
    """What `apply_changes_to_valid` must be given of a scenario whose `empty` tables hold no
    rows: the changed tables and every table a check of them reads."""
    changed = changed_tables(changes)
    return changed.union(*(check.reads for check in checks_reading(changed, empty)))


def _made(scenario: Scenario, changes: Mapping[str, object] | Iterable[Change]) -> Scenario:
    """`scenario` with `changes` made, each changed row validated; not checked across rows."""
    problems: list[ScenarioError] = []
    parsed = _parsed(changes, problems)  # bad addresses are reported with the rest
    by_row: dict[tuple[str, int], list[Change]] = defaultdict(list)
    calendar: list[Change] = []
    keys: dict[str, list[tuple[str, ...]]] = {}  # per table, made once for all its changes
    for change in parsed:
        if change.table == CALENDAR:
            calendar.append(change)
            continue
        if change.table not in keys:
            keys[change.table] = _keys(scenario, TABLE_BY_NAME[change.table])
        index = _find_row(scenario, change, keys[change.table], problems)
        if index is not None:
            by_row[(change.table, index)].append(change)
    replaced: dict[str, dict[int, Any]] = defaultdict(dict)
    for (table, index), row_changes in by_row.items():
        where = (TABLE_BY_NAME[table].file, scenario.line_of(table, index))
        record = scenario.table(table)[index]
        replaced[table][index] = _changed(record, row_changes, where, problems)
    updates: dict[str, Any] = {
        name: _with_rows(scenario.table(name), rows) for name, rows in replaced.items()
    }
    if calendar:
        updates["calendar"] = _changed(
            scenario.calendar, calendar, (SCENARIO_FILE, 0), problems, prefix="calendar."
        )
    if problems:
        raise ScenarioInvalid(problems)
    return dataclasses.replace(scenario, **updates)


# --- parsing ---------------------------------------------------------------------------------


def _parse(address: str, value: object) -> tuple[Change | None, ScenarioError | None]:
    head, dot, rest = address.partition(".")
    if not dot:
        return None, ScenarioError(address, 0, "", "expected TABLE.ROW.FIELD (or calendar.FIELD)")
    table = _TABLE_ALIASES.get(head, head)
    if table == CALENDAR:
        field = _field(Calendar, rest)
        if field is None:
            return None, _unknown_field(address, SCENARIO_FILE, Calendar, rest, "calendar.")
        return Change(address, CALENDAR, (), field, value), None
    spec = TABLE_BY_NAME.get(table)
    if spec is None:
        names = [CALENDAR, *TABLE_BY_NAME]
        return None, ScenarioError(
            address, 0, "", f"unknown table {head!r}; expected one of {', '.join(names)}"
        )
    key_text, dot, column = rest.rpartition(".")
    if not dot or not key_text:
        example = KEY_SEPARATOR.join(spec.key)
        return None, ScenarioError(
            address, 0, "", f"expected {table}.{example.upper()}.FIELD (a row and a field)"
        )
    field = _field(spec.record, column)
    if field is None:
        return None, _unknown_field(address, spec.file, spec.record, column, "")
    key = tuple(key_text.split(KEY_SEPARATOR))
    if len(key) > len(spec.key):
        return None, ScenarioError(
            address, 0, "", f"a row of {table} is {KEY_SEPARATOR.join(spec.key)}, got {key_text!r}"
        )
    return Change(address, table, key, field, value), None


def _field(record: type[BaseModel], column: str) -> str | None:
    """The attribute of `record` for a CSV column (or attribute) name."""
    for name, info in record.model_fields.items():
        if column in (name, info.alias):
            return name
    return None


def _unknown_field(
    address: str, file: str, record: type[BaseModel], column: str, prefix: str
) -> ScenarioError:
    columns = [info.alias or name for name, info in record.model_fields.items()]
    close = difflib.get_close_matches(column, columns, n=1)
    hint = f"did you mean {prefix}{close[0]}? " if close else ""
    return ScenarioError(
        file, 0, column, f"unknown field in {address}; {hint}fields: {', '.join(columns)}"
    )


# --- applying --------------------------------------------------------------------------------


def _with_rows(rows: Sequence[Any], replaced: Mapping[int, Any]) -> Sequence[Any]:
    """`rows` with the records at some indices replaced (demand's columns as columns)."""
    if isinstance(rows, DemandTable):
        return rows.with_rows(replaced)
    return tuple(replaced.get(index, record) for index, record in enumerate(rows))


def _find_row(
    scenario: Scenario,
    change: Change,
    keys: Sequence[tuple[str, ...]],
    problems: list[ScenarioError],
) -> int | None:
    """The index of the row `change` names among the table's `keys`."""
    spec = TABLE_BY_NAME[change.table]
    width = len(change.key)
    found = [index for index, key in enumerate(keys) if key[:width] == change.key]
    if len(found) == 1:
        return found[0]
    shown = KEY_SEPARATOR.join(change.key)
    if found:
        lines = ", ".join(str(scenario.line_of(change.table, i)) for i in found[:10])
        examples = ", ".join(KEY_SEPARATOR.join(keys[i]) for i in found[:3])
        message = (
            f"{change.address}: {shown!r} names {len(found)} rows (lines {lines}); "
            f"give the whole {KEY_SEPARATOR.join(spec.key)}, e.g. {examples}"
        )
    else:
        known = sorted({KEY_SEPARATOR.join(key[:width]) for key in keys})
        close = difflib.get_close_matches(shown, known, n=3)
        hint = f"did you mean {', '.join(close)}?" if close else f"{len(known):,} rows"
        message = f"{change.address}: no row {shown!r} in {spec.file}; {hint}"
    problems.append(ScenarioError(spec.file, 0, "", message))
    return None


def _keys(scenario: Scenario, spec: TableSpec) -> list[tuple[str, ...]]:
    """Each row's key as text; demand's from its id column (a record per line costs seconds
    at a million lines)."""
    rows = scenario.table(spec.name)
    if isinstance(rows, DemandTable):
        return [(text,) for text in rows.frame[spec.key[0]].cast(pl.String).to_list()]
    return [tuple(str(getattr(record, field)) for field in spec.key) for record in rows]


R = TypeVar("R", bound=BaseModel)


def _changed(
    record: R,
    changes: list[Change],
    where: tuple[str, int],
    problems: list[ScenarioError],
    prefix: str = "",
) -> R:
    """`record` with the changes' fields set, validated as a new row; unchanged on problems."""
    values = record.model_dump()
    values.update({change.field: change.value for change in changes})
    try:
        return type(record).model_validate(values)
    except ValidationError as invalid:
        file, line = where
        by_field = {change.field: change.address for change in changes}
        for error in invalid.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            info = type(record).model_fields.get(field)
            column = (info.alias if info is not None else None) or field
            message = describe(
                error["type"], error["msg"], error.get("input"), error.get("ctx", {})
            )
            if field in by_field:
                message += f" (set by {by_field[field]})"
            else:
                message += f" (after {', '.join(by_field.values())})"
            problems.append(ScenarioError(file, line, prefix + column, message))
        return record
