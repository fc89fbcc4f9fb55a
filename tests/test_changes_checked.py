"""A what-if copy checks only what its changes can break: each check declares the tables it
reads, and checking a changed part of a valid scenario finds exactly what validating the whole
changed scenario finds, on hundreds of random changes (good ones and bad ones)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest

from evramp.model import Scenario
from evramp.model.changes import (
    CALENDAR,
    Change,
    _made,  # the changes made without the checks, to see which check a change breaks
    apply_changes_to_valid,
    changed_tables,
    tables_to_read,
)
from evramp.model.errors import ScenarioInvalid
from evramp.model.records import Actual, ShiftChange
from evramp.model.scenario import TABLE_BY_NAME, TABLES
from evramp.model.validate import CHECKS, Check, check_changes, checks_reading


@pytest.fixture(scope="module")
def every_table(default_scenario: Scenario) -> Scenario:
    """The default plant with a row in every table (it has no shift changes and no actuals)."""
    order = default_scenario.demand_table.frame.row(0, named=True)
    first = default_scenario.calendar.first_week
    scenario = dataclasses.replace(
        default_scenario,
        shifts=(ShiftChange(shop="paint", start=first, shifts_per_day=3, days_per_week=6),),
        actuals=(
            Actual(kind="built", date=first, item="SU7", shop="assembly", quantity=5),
            Actual(kind="delivered", date=first, order=order["id"], quantity=1),
        ),
    )
    assert all(len(scenario.table(spec.name)) for spec in TABLES)
    return scenario


class _Recording:
    """A scenario that notes which of its tables (and its calendar) are looked at."""

    def __init__(self, scenario: Scenario) -> None:
        self._scenario = scenario
        self.read: set[str] = set()

    def table(self, name: str) -> Any:
        self.read.add(name)
        return self._scenario.table(name)

    def __getattr__(self, name: str) -> Any:
        if name in TABLE_BY_NAME or name == CALENDAR:
            self.read.add(name)
        elif name == "demand_table":
            self.read.add("demand")
        return getattr(self._scenario, name)


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.said)
def test_a_check_reads_only_the_tables_it_declares(every_table: Scenario, check: Check) -> None:
    recording = _Recording(every_table)
    list(check.run(recording))  # type: ignore[arg-type]
    assert recording.read, "a check that reads nothing checks nothing"
    assert recording.read <= check.reads, check.said


def test_a_changed_table_runs_only_the_checks_that_read_it() -> None:
    shops = checks_reading(frozenset({"shops"}))
    assert shops and all("shops" in check.reads for check in shops)
    assert not any("demand" in check.reads and "shops" not in check.reads for check in shops)
    # suppliers.csv is checked against items.csv, never demand.csv against items.csv
    empty = frozenset({"actuals"})
    assert "demand" not in tables_to_read([_change("suppliers", "capacity")], empty)
    assert "demand" in tables_to_read([_change("suppliers", "capacity")], frozenset())


def _change(table: str, field: str) -> Change:
    return Change(f"{table}.X.{field}", table, ("X",), field, 1)


def _part(scenario: Scenario, tables: frozenset[str]) -> Scenario:
    """`scenario` with only `tables` (the others empty), as a copy reads a stored revision."""
    empty: dict[str, Any] = {spec.name: () for spec in TABLES if spec.name not in tables}
    return dataclasses.replace(scenario, **empty)


def _outcome(make: Any) -> tuple[str, list[str]]:
    try:
        made = make()
    except ScenarioInvalid as invalid:
        return "refused", [str(error) for error in invalid.errors]
    return "made", [repr(made.table(spec.name)) for spec in TABLES]


def _random_changes(scenario: Scenario, rng: random.Random) -> Iterator[list[Change]]:
    """Changes a planner might make, and mistakes: another row's value (a duplicate key, a
    reference to another item or shop), an unknown id, numbers scaled, zero and negative."""
    tables = [spec for spec in TABLES if spec.name != "demand" and scenario.table(spec.name)]
    while True:
        changes = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            if rng.random() < 0.1:
                changes.append(_calendar_change(scenario, rng))
                continue
            spec = rng.choice(tables)
            rows = scenario.table(spec.name)
            index = rng.randrange(len(rows))
            record = rows[index]
            field = rng.choice(list(type(record).model_fields))
            key = tuple(str(getattr(record, name)) for name in spec.key)
            value = _value(rows, field, getattr(record, field), rng)
            address = f"{spec.name}.{':'.join(key)}.{field}"
            changes.append(Change(address, spec.name, key, field, value))
        yield changes


def _value(rows: Any, field: str, old: object, rng: random.Random) -> object:
    other = getattr(rng.choice(rows), field)
    if old is None:
        return rng.choice([other, "NOPE", 0.6, 13, "kg"])
    if isinstance(old, (bool, str, dt.date)):
        return rng.choice([other, other, "NOPE", "kg"])
    assert isinstance(old, (int, float))
    return rng.choice([other, old * 1.1, old * 5, 0, -1, 0.9])


def _calendar_change(scenario: Scenario, rng: random.Random) -> Change:
    calendar = scenario.calendar
    field, value = rng.choice(
        [
            ("horizon_weeks", rng.choice([4, 60, calendar.horizon_weeks + 10])),
            ("first_week", calendar.first_week + dt.timedelta(weeks=rng.choice([-5, 10, 80]))),
            ("hours_per_shift", rng.choice([7.5, 9, 13])),
            ("bucket", rng.choice(["week", "month"])),
        ]
    )
    return Change(f"calendar.{field}", CALENDAR, (), field, value)


def test_checking_the_changed_part_finds_what_checking_the_whole_finds(
    every_table: Scenario,
) -> None:
    rng = random.Random(20261208)
    counts = {"made": 0, "refused": 0}
    found: set[str] = set()
    generated = _random_changes(every_table, rng)
    empty = frozenset(s.name for s in TABLES if not every_table.table(s.name))
    cases = [*_breaking(every_table), *(next(generated) for _ in range(500))]
    for changes in cases:
        part = _part(every_table, tables_to_read(changes, empty))
        whole = _outcome(lambda: every_table.with_changes(changes))  # noqa: B023
        checked = _outcome(lambda: apply_changes_to_valid(part, changes))  # noqa: B023
        if whole[0] == "made":
            assert checked[0] == "made", (changes, checked[1])
            touched = changed_tables(changes)
            for n, spec in enumerate(TABLES):  # the part holds only what was read
                if spec.name in touched:
                    assert checked[1][n] == whole[1][n], changes
        else:
            assert checked == whole, changes
            found |= _checks_finding(every_table, changes)
        counts[whole[0]] += 1
    assert counts["made"] > 100 and counts["refused"] > 100, counts
    assert {check.said for check in CHECKS} == found  # every check found something


def _breaking(scenario: Scenario) -> list[list[Change]]:
    """Changes that break the checks random changes seldom break, each made on purpose."""
    vehicles = [item.id for item in scenario.items if item.kind == "vehicle"]
    line = next(line for line in scenario.bom if line.parent in vehicles)
    cells = [s for s in scenario.suppliers if s.item == "CELL-LFP"]
    shutdowns = [s.model_dump() for s in scenario.calendar.shutdowns]
    closed = shutdowns[0] | {"shops": ("NOPE",)}
    wednesday = shutdowns[0] | {"start": shutdowns[0]["start"] + dt.timedelta(days=2)}
    return [
        [_set("items", (vehicles[0],), "unit", "kg")],
        [_set("bom", (line.parent, line.child), "child", vehicles[0])],  # and a cycle
        [_set("suppliers", (c.supplier, c.item), "share", 0.6) for c in cells],
        [_set("items", (vehicle,), "kind", "assembly") for vehicle in vehicles],
        [_set(CALENDAR, (), "shutdowns", [closed, *shutdowns[1:]])],
        [_set(CALENDAR, (), "bucket", "day"), _set(CALENDAR, (), "shutdowns", [wednesday])],
    ]


def _set(table: str, key: tuple[str, ...], field: str, value: object) -> Change:
    return Change(f"{table}.{':'.join(key)}.{field}", table, key, field, value)


def _checks_finding(scenario: Scenario, changes: list[Change]) -> set[str]:
    """The checks that find a problem in `scenario` with `changes` (rows that are bad in
    themselves refuse the change before any check runs)."""
    try:
        made = _made(scenario, changes)
    except ScenarioInvalid:
        return set()
    return {check.said for check in CHECKS if next(iter(check.run(made)), None) is not None}


def test_check_changes_of_a_valid_scenario_find_nothing(every_table: Scenario) -> None:
    every = frozenset(spec.name for spec in TABLES) | {CALENDAR}
    assert check_changes(every_table, every) == []
