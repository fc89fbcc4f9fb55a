"""A planner's catalogue of bad scenarios: each is refused with `file:line: field: message`.

Every case starts from the same small, valid scenario written to a folder, breaks ONE thing in
the files (a cell, a column, a line, the YAML, a whole file) and states the exact line the planner
must see: from `load_scenario` as a `ScenarioError`, and from `evramp validate` / `evramp plan` on
stderr with exit code 2, no traceback and nothing written.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

import evramp
from evramp.cli import app
from evramp.io import builtin_scenario_path
from evramp.model import (
    BomLine,
    Calendar,
    Disruption,
    Inventory,
    Item,
    Order,
    Phase,
    Ramp,
    Receipt,
    Routing,
    Scenario,
    ScenarioError,
    ScenarioInvalid,
    Shop,
    Shutdown,
    Supplier,
    SupplierCapacity,
)

Mutation = Callable[[Path], None]

EXIT_BAD_INPUT = 2

# The catalogue checks what is printed, not how a terminal wraps it: rich wraps stderr at the
# terminal width (80 when it cannot tell), so the CLI runs as if in a wide terminal here. See
# test_long_error_lines_are_not_wrapped_at_the_terminal_width for the narrow case.
runner = CliRunner(env={"COLUMNS": "500"})


# --- the valid scenario ----------------------------------------------------------------------


def build_scenario() -> Scenario:
    """Two vehicles on a shared battery pack, three bought parts, two shops, 20 weeks.

    Comments give each record's line in its CSV file (the header is line 1); the catalogue below
    refers to them.
    """
    day = dt.date
    return Scenario(
        name="Mini plant",
        notes="two variants, one battery line",
        calendar=Calendar(
            first_week=day(2025, 1, 6),  # a Monday; the plan ends on Sunday 2025-05-25
            horizon_weeks=20,
            hours_per_shift=8.0,
            shutdowns=(
                Shutdown(name="Spring Festival", start=day(2025, 1, 27), weeks=1, shops=("paint",)),
            ),
        ),
        items=(
            Item(id="EV-S", kind="vehicle", name="Sedan", unit_cost=18000),  # line 2
            Item(id="EV-X", kind="vehicle", name="SUV", unit_cost=24000),  # line 3
            Item(id="BATT", kind="assembly", name="Battery pack"),  # line 4
            Item(id="CELL", kind="part", name="Cell", unit_cost=40),  # line 5
            Item(id="STEEL", kind="part", name="Steel", unit="kg", holding_cost=0.01),  # line 6
            Item(id="SEAT", kind="part", name="Seat", unit_cost=300),  # line 7
        ),
        bom=(
            BomLine(parent="EV-S", child="BATT", quantity=1),  # line 2
            BomLine(parent="EV-S", child="STEEL", quantity=350, yield_=0.9, unit="kg"),  # line 3
            BomLine(parent="EV-S", child="SEAT", quantity=5),  # line 4
            BomLine(parent="EV-X", child="BATT", quantity=1),  # line 5
            BomLine(parent="EV-X", child="STEEL", quantity=420, unit="kg"),  # line 6
            BomLine(parent="EV-X", child="SEAT", quantity=7),  # line 7
            BomLine(parent="BATT", child="CELL", quantity=96),  # line 8
        ),
        shops=(
            Shop(id="paint", rate=30, shifts_per_day=2, days_per_week=5, availability=0.9),  # l. 2
            Shop(id="battery", rate=20, shifts_per_day=3, days_per_week=6),  # line 3
        ),
        phases=(
            Phase(shop="paint", name="P2", start=day(2025, 3, 3), added_rate=10, ramp_weeks=4),
        ),
        ramps=(
            Ramp(
                shop="*",
                trial_start=day(2025, 1, 6),
                trial_rate=50,
                sop=day(2025, 2, 3),
                ramp_weeks=8,
            ),
        ),
        routings=(
            Routing(item="EV-S", shop="paint", lead_time=1),  # line 2
            Routing(item="EV-X", shop="paint", jobs_per_unit=1.2, lead_time=1),  # line 3
            Routing(item="BATT", shop="battery"),  # line 4
        ),
        suppliers=(
            Supplier(supplier="CATL", item="CELL", capacity=1e5, lead_time=2, price=40),  # line 2
            Supplier(supplier="Baosteel", item="STEEL", lead_time=1, price=1.2),  # line 3
            Supplier(supplier="Yanfeng", item="SEAT", capacity=5000, price=300),  # line 4
        ),
        supplier_capacity=(
            SupplierCapacity(supplier="CATL", item="CELL", start=day(2025, 3, 3), capacity=150_000),
        ),
        demand=(
            Order(
                id="O-1",
                variant="EV-S",
                quantity=200,
                due=day(2025, 3, 14),
                price=30_000,
                lateness_penalty=100,
            ),  # line 2
            Order(
                id="O-2", variant="EV-X", quantity=150, due=day(2025, 4, 11), priority=2
            ),  # line 3
            Order(
                id="F-1", variant="EV-S", quantity=500, due=day(2025, 5, 16), kind="forecast"
            ),  # line 4
        ),
        # SEAT has a supplier and nothing else, so dropping its supplier leaves it unsourced.
        inventory=(Inventory(item="CELL", on_hand=10_000), Inventory(item="STEEL", on_hand=2000)),
        receipts=(Receipt(item="STEEL", due=day(2025, 1, 13), quantity=50_000),),
        disruptions=(
            Disruption(
                id="cell-short",
                target_kind="part",
                item="CELL",
                probability=0.1,
                min_weeks=2,
                max_weeks=6,
                capacity_lost=0.5,
                group="chips",
            ),  # line 2
            Disruption(
                id="paint-fire", target_kind="shop", shop="paint", probability=0.01, per="week"
            ),  # line 3
        ),
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The valid scenario, written as a scenario folder."""
    return evramp.write_scenario(build_scenario(), tmp_path / "scn")


def test_the_reference_scenario_is_valid(folder: Path) -> None:
    scenario = build_scenario()
    assert evramp.validate(scenario) == []
    loaded = evramp.load_scenario(folder)
    assert loaded == scenario
    assert loaded.line_of("bom", 6) == 8

    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert "scenario 'Mini plant' is valid" in result.stdout
    assert "6 items, 7 bom, 2 shops, 3 suppliers, 3 demand" in result.stdout


# --- ways to break a scenario folder ---------------------------------------------------------


def _read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def set_cell(file: str, line: int, column: str, value: str) -> Mutation:
    """Type `value` into `column` on `line` of `file` (the header is line 1); an optional column
    the file leaves out is added, empty on the other lines."""

    def mutate(folder: Path) -> None:
        rows = _read_rows(folder / file)
        if column not in rows[0]:
            for row in rows:
                row.append("")
            rows[0][-1] = column
        rows[line - 1][rows[0].index(column)] = value
        _write_rows(folder / file, rows)

    return mutate


def drop_column(file: str, column: str) -> Mutation:
    def mutate(folder: Path) -> None:
        rows = _read_rows(folder / file)
        index = rows[0].index(column)
        _write_rows(folder / file, [row[:index] + row[index + 1 :] for row in rows])

    return mutate


def drop_last_field(file: str, line: int) -> Mutation:
    def mutate(folder: Path) -> None:
        rows = _read_rows(folder / file)
        rows[line - 1] = rows[line - 1][:-1]
        _write_rows(folder / file, rows)

    return mutate


def delete_line(file: str, line: int) -> Mutation:
    def mutate(folder: Path) -> None:
        rows = _read_rows(folder / file)
        del rows[line - 1]
        _write_rows(folder / file, rows)

    return mutate


def append_line(file: str, text: str) -> Mutation:
    def mutate(folder: Path) -> None:
        with (folder / file).open("a", encoding="utf-8", newline="") as handle:
            handle.write(text + "\r\n")

    return mutate


def replace_text(file: str, old: str, new: str) -> Mutation:
    """Edit `file` as text: `old` must occur exactly once."""

    def mutate(folder: Path) -> None:
        text = (folder / file).read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file}"
        (folder / file).write_text(text.replace(old, new), encoding="utf-8")

    return mutate


def write_bytes(file: str, data: bytes) -> Mutation:
    def mutate(folder: Path) -> None:
        (folder / file).write_bytes(data)

    return mutate


def delete_file(file: str) -> Mutation:
    def mutate(folder: Path) -> None:
        (folder / file).unlink()

    return mutate


def latin1(file: str) -> Mutation:
    """Save `file` the way an old spreadsheet would: Latin-1 instead of UTF-8."""

    def mutate(folder: Path) -> None:
        text = (folder / file).read_text(encoding="utf-8").replace("Sedan", "Berline élégante")
        (folder / file).write_bytes(text.encode("latin-1"))

    return mutate


def make_directory(file: str) -> Mutation:
    def mutate(folder: Path) -> None:
        (folder / file).mkdir()

    return mutate


def make_fifo(file: str) -> Mutation:
    def mutate(folder: Path) -> None:
        os.mkfifo(folder / file)

    return mutate


def link_loop(file: str) -> Mutation:
    """`file` links to itself: opening it fails with ELOOP, for root as for anyone."""

    def mutate(folder: Path) -> None:
        (folder / file).symlink_to(file)

    return mutate


def set_bytes_on_line(file: str, line: int, old: str, new: bytes) -> Mutation:
    """Replace `old` on `line` of `file` by raw bytes (one row saved in another encoding)."""

    def mutate(folder: Path) -> None:
        lines = (folder / file).read_bytes().split(b"\n")
        assert old.encode() in lines[line - 1]
        lines[line - 1] = lines[line - 1].replace(old.encode(), new, 1)
        (folder / file).write_bytes(b"\n".join(lines))

    return mutate


def in_order(*mutations: Mutation) -> Mutation:
    """Several edits that together make one problem."""

    def mutate(folder: Path) -> None:
        for edit in mutations:
            edit(folder)

    return mutate


def case(name: str, mutate: Mutation, expected: str) -> Any:
    """One catalogue entry: what is broken, how, and the line the planner must see."""
    return pytest.param(mutate, expected, id=name)


ITEMS_COLUMNS = "id, kind, name, unit, unit_cost, holding_cost"
UNSOURCED = "has no supplier in suppliers.csv, no routing and no stock"
NOT_BUILT = "has no routing in routings.csv; vehicles and assemblies are made in a shop"

CASES = [
    # whole files
    case(
        "missing required file",
        delete_file("items.csv"),
        "items.csv: file not found (vehicles, assemblies and parts)",
    ),
    case(
        "missing scenario.yaml",
        delete_file("scenario.yaml"),
        "scenario.yaml: file not found; every scenario needs one",
    ),
    case(
        "empty csv file", write_bytes("bom.csv", b""), "bom.csv: empty file; expected a header row"
    ),
    case(
        "csv file not utf-8",
        latin1("items.csv"),
        "items.csv:2: not UTF-8 text: byte 0xe9 at character 22 (saved as Latin-1 or "
        "Windows-1252?); save the file as UTF-8",
    ),
    case(
        "csv path that is a directory",
        in_order(delete_file("bom.csv"), make_directory("bom.csv")),
        "bom.csv: a directory, not a file",
    ),
    case(
        "csv path that is a FIFO (reading it would wait forever)",
        in_order(delete_file("demand.csv"), make_fifo("demand.csv")),
        "demand.csv: a FIFO, not a regular file",
    ),
    case(
        "csv file behind a loop of links (unreadable, even for root)",
        in_order(delete_file("items.csv"), link_loop("items.csv")),
        "items.csv: cannot be read: Too many levels of symbolic links",
    ),
    case(
        "scenario.yaml that is a directory",
        in_order(delete_file("scenario.yaml"), make_directory("scenario.yaml")),
        "scenario.yaml: a directory, not a file",
    ),
    case(
        "one row with a Latin-1 byte",
        set_bytes_on_line("demand.csv", 3, "EV-X", "EV-X caf\xe9".encode("latin-1")),
        "demand.csv:3: not UTF-8 text: byte 0xe9 at character 13 (saved as Latin-1 or "
        "Windows-1252?); save the file as UTF-8",
    ),
    case(
        "quote that is never closed",
        append_line("demand.csv", 'O-3,EV-X,10,"2025-04-18,1,0,0,firm'),
        "demand.csv:5: a quoted field starts on this record and its closing quote is missing",
    ),
    case(
        "text after a closing quote",
        append_line("demand.csv", 'O-3,"EV"X,10,2025-04-18,1,0,0,firm'),
        "demand.csv:5: text after a closing quote; quote the whole field and double any quote "
        'inside it ("")',
    ),
    case(
        "field longer than the csv module takes",
        set_cell("items.csv", 3, "name", "x" * 200_000),
        "items.csv:3: a field is longer than 131,072 characters (a closing quote missing?)",
    ),
    # scenario.yaml
    case(
        "yaml key given twice",
        replace_text(
            "scenario.yaml", "  horizon_weeks: 20\n", "  horizon_weeks: 20\n  horizon_weeks: 30\n"
        ),
        "scenario.yaml:6: key 'horizon_weeks' given twice (first on line 5); keep one",
    ),
    case(
        "yaml alias",
        replace_text(
            "scenario.yaml", "name: Mini plant", "name: &plant Mini plant\nnotes2: *plant"
        ),
        "scenario.yaml:2: alias *plant refused: write the value out (aliases are not allowed in "
        "scenario files)",
    ),
    case(
        "yaml boolean as hours per shift",
        replace_text("scenario.yaml", "hours_per_shift: 8.0", "hours_per_shift: true"),
        "scenario.yaml: calendar.hours_per_shift: expected a number, got 'true'",
    ),
    case(
        "yaml yes as the horizon",
        replace_text("scenario.yaml", "horizon_weeks: 20", "horizon_weeks: yes"),
        "scenario.yaml: calendar.horizon_weeks: expected a whole number, got 'yes'",
    ),
    case(
        "first week near the calendar's end",
        replace_text("scenario.yaml", "first_week: '2025-01-06'", "first_week: '9999-12-27'"),
        "scenario.yaml: calendar.first_week: expected a date from 1900-01-01 to 2199-12-31, "
        "got 9999-12-27",
    ),
    case(
        "unquoted compact date in yaml",
        replace_text("scenario.yaml", "start: '2025-01-27'", "start: 20250127"),
        "scenario.yaml: calendar.shutdowns.0.start: expected a date as YYYY-MM-DD (like "
        "2023-12-04), got 20250127",
    ),
    case(
        "tiny hours per shift in the calendar",
        replace_text("scenario.yaml", "hours_per_shift: 8.0", "hours_per_shift: 1e-320"),
        "scenario.yaml: calendar.hours_per_shift: must be >= 0.1, got 1e-320",
    ),
    # scenario.yaml
    case(
        "invalid yaml: colon in an unquoted name",
        replace_text("scenario.yaml", "name: Mini plant", "name: Plant: Mini"),
        "scenario.yaml:1: not valid YAML: mapping values are not allowed here",
    ),
    case(
        "invalid yaml: tab indentation",
        replace_text("scenario.yaml", "  horizon_weeks: 20", "\thorizon_weeks: 20"),
        "scenario.yaml:5: not valid YAML: found character '\\t' that cannot start any token",
    ),
    case(
        "yaml is not a mapping",
        write_bytes("scenario.yaml", b"- Mini plant\n"),
        "scenario.yaml: expected a mapping with name and calendar",
    ),
    case(
        "unknown yaml key",
        replace_text("scenario.yaml", "notes:", "note:"),
        "scenario.yaml: note: unknown key; expected name, notes, calendar",
    ),
    case(
        "calendar missing",
        write_bytes("scenario.yaml", b"name: Mini plant\n"),
        "scenario.yaml: calendar: required: first_week and horizon_weeks",
    ),
    case(
        "first_week not a monday",
        replace_text("scenario.yaml", "first_week: '2025-01-06'", "first_week: '2025-01-07'"),
        "scenario.yaml: calendar: first_week 2025-01-07 is a Tuesday; weeks start on Monday",
    ),
    case(
        "horizon_weeks zero",
        replace_text("scenario.yaml", "horizon_weeks: 20", "horizon_weeks: 0"),
        "scenario.yaml: calendar.horizon_weeks: must be >= 1, got 0",
    ),
    case(
        "horizon_weeks negative",
        replace_text("scenario.yaml", "horizon_weeks: 20", "horizon_weeks: -4"),
        "scenario.yaml: calendar.horizon_weeks: must be >= 1, got -4",
    ),
    case(
        "shutdown with a bad date",
        replace_text("scenario.yaml", "start: '2025-01-27'", "start: after new year"),
        "scenario.yaml: calendar.shutdowns.0.start: expected a date as YYYY-MM-DD (like "
        "2023-12-04), got 'after new year'",
    ),
    case(
        "unknown shop in a calendar shutdown",
        replace_text("scenario.yaml", "- paint", "- painting"),
        "scenario.yaml: calendar.shutdowns.0.shops: unknown shop 'painting'; "
        "expected an id from shops.csv",
    ),
    # CSV headers and row shapes
    case(
        "missing required column",
        drop_column("bom.csv", "quantity"),
        "bom.csv:1: quantity: required column missing",
    ),
    case(
        "unknown column",
        replace_text("items.csv", "holding_cost", "holding_costs"),
        f"items.csv:1: holding_costs: unknown column; expected {ITEMS_COLUMNS}",
    ),
    case(
        "duplicated column",
        replace_text("items.csv", "holding_cost", "unit_cost"),
        "items.csv:1: unit_cost: column appears twice",
    ),
    case(
        "trailing comma in the header",
        replace_text("inventory.csv", "item,on_hand", "item,on_hand,"),
        "inventory.csv:1: column 3 has no name; expected item, on_hand",
    ),
    case(
        "row with too few fields",
        drop_last_field("bom.csv", 4),
        "bom.csv:4: expected 5 fields as in the header, got 4",
    ),
    case(
        "row with too many fields",
        append_line("demand.csv", "O-3,EV-X,10,2025-04-18,1,0,0,firm,rush"),
        "demand.csv:5: expected 8 fields as in the header, got 9",
    ),
    # cells
    case(
        "empty required cell",
        set_cell("shops.csv", 2, "rate", ""),
        "shops.csv:2: rate: required, but empty or missing",
    ),
    case(
        "non-numeric number",
        set_cell("shops.csv", 2, "rate", "fast"),
        "shops.csv:2: rate: expected a number, got 'fast'",
    ),
    case(
        "negative bom quantity",
        set_cell("bom.csv", 4, "quantity", "-2"),
        "bom.csv:4: quantity: must be > 0, got -2",
    ),
    case(
        "zero demand quantity",
        set_cell("demand.csv", 3, "quantity", "0"),
        "demand.csv:3: quantity: must be > 0, got 0",
    ),
    case(
        "infinite bom quantity",
        set_cell("bom.csv", 2, "quantity", "inf"),
        "bom.csv:2: quantity: expected a finite number, got inf",
    ),
    case(
        "negative stock",
        set_cell("inventory.csv", 3, "on_hand", "-50"),
        "inventory.csv:3: on_hand: must be >= 0, got -50",
    ),
    case(
        "yield above 1",
        set_cell("bom.csv", 3, "yield", "1.2"),
        "bom.csv:3: yield: must be <= 1, got 1.2",
    ),
    case(
        "availability above 1",
        set_cell("shops.csv", 2, "availability", "1.5"),
        "shops.csv:2: availability: must be <= 1, got 1.5",
    ),
    case(
        "fractional shifts per day",
        set_cell("shops.csv", 2, "shifts_per_day", "1.5"),
        "shops.csv:2: shifts_per_day: expected a whole number, got 1.5",
    ),
    case(
        "four shifts per day",
        set_cell("shops.csv", 2, "shifts_per_day", "4"),
        "shops.csv:2: shifts_per_day: must be <= 3, got 4",
    ),
    case(
        "eight days per week",
        set_cell("shops.csv", 3, "days_per_week", "8"),
        "shops.csv:3: days_per_week: must be <= 7, got 8",
    ),
    case(
        "negative lateness limit",
        set_cell("demand.csv", 3, "max_weeks_late", "-1"),
        "demand.csv:3: max_weeks_late: must be >= 0, got -1",
    ),
    case(
        "fractional lateness limit",
        set_cell("demand.csv", 2, "max_weeks_late", "1.5"),
        "demand.csv:2: max_weeks_late: expected a whole number, got 1.5",
    ),
    case(
        "supplier priority zero",
        set_cell("suppliers.csv", 2, "priority", "0"),
        "suppliers.csv:2: priority: must be >= 1, got 0",
    ),
    case(
        "priority zero",
        set_cell("demand.csv", 2, "priority", "0"),
        "demand.csv:2: priority: must be >= 1, got 0",
    ),
    case(
        "item kind car",
        set_cell("items.csv", 2, "kind", "car"),
        "items.csv:2: kind: expected one of 'vehicle', 'assembly' or 'part', got 'car'",
    ),
    case(
        "unknown unit",
        set_cell("bom.csv", 3, "unit", "pcs"),
        "bom.csv:3: unit: expected one of 'ea', 'kg', 'm', 'l' or 'kWh', got 'pcs'",
    ),
    case(
        "unknown ramp curve",
        set_cell("ramp.csv", 2, "curve", "scurve"),
        "ramp.csv:2: curve: expected one of 's-curve', 'linear' or 'learning', got 'scurve'",
    ),
    case(
        "date that does not exist",
        set_cell("demand.csv", 2, "due", "2025-02-30"),
        "demand.csv:2: due: expected a date as YYYY-MM-DD (like 2023-12-04), got '2025-02-30'",
    ),
    case(
        "date in day.month.year",
        set_cell("receipts.csv", 2, "due", "13.01.2025"),
        "receipts.csv:2: due: expected a date as YYYY-MM-DD (like 2023-12-04), got '13.01.2025'",
    ),
    case(
        "id with a space",
        set_cell("items.csv", 7, "id", "SEAT 2"),
        "items.csv:7: id: expected an id of letters, digits and . _ - / + (no spaces), "
        "got 'SEAT 2'",
    ),
    case(
        "ramp sop before trial_start",
        set_cell("ramp.csv", 2, "sop", "2025-01-01"),
        "ramp.csv:2: sop 2025-01-01 is before trial_start 2025-01-06; "
        "start of production follows trial production",
    ),
    # magnitudes the LP cannot carry
    case(
        "huge bom quantity",
        set_cell("bom.csv", 2, "quantity", "1e308"),
        "bom.csv:2: quantity: must be from 1e-6 to 1e6, got 1e308",
    ),
    case(
        "denormal demand quantity",
        set_cell("demand.csv", 3, "quantity", "1e-320"),
        "demand.csv:3: quantity: must be from 0.001 to 1e9, got 1e-320",
    ),
    case(
        "huge purchase price",
        set_cell("suppliers.csv", 2, "price", "1e308"),
        "suppliers.csv:2: price: must be 0 or from 1e-6 to 1e9, got 1e308",
    ),
    case(
        "denormal stock",
        set_cell("inventory.csv", 2, "on_hand", "1e-320"),
        "inventory.csv:2: on_hand: must be 0 or from 0.001 to 1e9, got 1e-320",
    ),
    case(
        "denormal yield",
        set_cell("bom.csv", 3, "yield", "1e-320"),
        "bom.csv:3: yield: must be >= 0.01, got 1e-320",
    ),
    case(
        "nan yield",
        set_cell("bom.csv", 4, "yield", "nan"),
        "bom.csv:4: yield: expected a finite number, got nan",
    ),
    case(
        "infinite supplier capacity",
        set_cell("suppliers.csv", 4, "capacity", "inf"),
        "suppliers.csv:4: capacity: expected a finite number, got inf",
    ),
    case(
        "nan order price",
        set_cell("demand.csv", 2, "price", "nan"),
        "demand.csv:2: price: expected a finite number, got nan",
    ),
    case(
        "minus infinite lateness penalty",
        set_cell("demand.csv", 4, "lateness_penalty", "-inf"),
        "demand.csv:4: lateness_penalty: expected a finite number, got -inf",
    ),
    case(
        "huge shop rate",
        set_cell("shops.csv", 2, "rate", "1e308"),
        "shops.csv:2: rate: must be from 1e-6 to 1e6, got 1e308",
    ),
    case(
        "denormal jobs per unit",
        set_cell("routings.csv", 3, "jobs_per_unit", "1e-320"),
        "routings.csv:3: jobs_per_unit: must be from 1e-6 to 1e6, got 1e-320",
    ),
    case(
        "huge lead time",
        set_cell("routings.csv", 2, "lead_time", "1e308"),
        "routings.csv:2: lead_time: expected a whole number, got 1e308",
    ),
    case(
        "huge receipt",
        set_cell("receipts.csv", 2, "quantity", "1e308"),
        "receipts.csv:2: quantity: must be from 0.001 to 1e9, got 1e308",
    ),
    case(
        "huge capacity step",
        set_cell("supplier_capacity.csv", 2, "capacity", "1e12"),
        "supplier_capacity.csv:2: capacity: must be 0 or from 0.001 to 1e9, got 1e12",
    ),
    case(
        "huge trial rate",
        set_cell("ramp.csv", 2, "trial_rate", "1e308"),
        "ramp.csv:2: trial_rate: must be 0 or from 0.001 to 1e9, got 1e308",
    ),
    case(
        "huge unit cost",
        set_cell("items.csv", 2, "unit_cost", "1e308"),
        "items.csv:2: unit_cost: must be 0 or from 1e-6 to 1e9, got 1e308",
    ),
    case(
        "nan disruption probability",
        set_cell("disruptions.csv", 2, "probability", "nan"),
        "disruptions.csv:2: probability: expected a finite number, got nan",
    ),
    case(
        "boolean text as a quantity",
        set_cell("bom.csv", 5, "quantity", "true"),
        "bom.csv:5: quantity: expected a number, got 'true'",
    ),
    # dates a planner may type
    case(
        "compact date",
        set_cell("demand.csv", 2, "due", "20250314"),
        "demand.csv:2: due: expected a date as YYYY-MM-DD (like 2023-12-04), got '20250314'",
    ),
    case(
        "spreadsheet day number as a date",
        set_cell("receipts.csv", 2, "due", "45670"),
        "receipts.csv:2: due: expected a date as YYYY-MM-DD (like 2023-12-04), got 45670 (a "
        "spreadsheet's day number? format the cells as dates)",
    ),
    case(
        "start of production far in the future",
        set_cell("ramp.csv", 2, "sop", "9999-12-31"),
        "ramp.csv:2: sop: expected a date from 1900-01-01 to 2199-12-31, got 9999-12-31",
    ),
    case(
        "date and time",
        set_cell("phases.csv", 2, "start", "2025-03-03T08:00"),
        "phases.csv:2: start: expected a date as YYYY-MM-DD (like 2023-12-04), got "
        "'2025-03-03T08:00'",
    ),
    # duplicates
    case(
        "duplicate demand id",
        set_cell("demand.csv", 4, "id", "O-1"),
        "demand.csv:4: id: duplicate of line 2 (id = O-1)",
    ),
    case(
        "duplicate bom line",
        set_cell("bom.csv", 4, "child", "BATT"),
        "bom.csv:4: child: duplicate of line 2 (parent/child = EV-S, BATT)",
    ),
    case(
        "duplicate capacity phase",
        append_line("phases.csv", "paint,P2,2025-04-07,5,0"),
        "phases.csv:3: name: duplicate of line 2 (shop/name = paint, P2)",
    ),
    # references
    case(
        "unknown item in the bom",
        set_cell("bom.csv", 8, "child", "CELLS"),
        "bom.csv:8: child: unknown item 'CELLS'; expected an id from items.csv",
    ),
    case(
        "unknown item in a receipt",
        set_cell("receipts.csv", 2, "item", "STEL"),
        "receipts.csv:2: item: unknown item 'STEL'; expected an id from items.csv",
    ),
    case(
        "unknown shop in a routing",
        set_cell("routings.csv", 4, "shop", "batery"),
        "routings.csv:4: shop: unknown shop 'batery'; expected an id from shops.csv",
    ),
    case(
        "unknown shop in a phase",
        set_cell("phases.csv", 2, "shop", "press"),
        "phases.csv:2: shop: unknown shop 'press'; expected an id from shops.csv",
    ),
    case(
        "supplier capacity for an unknown supplier",
        set_cell("supplier_capacity.csv", 2, "supplier", "CATL2"),
        "supplier_capacity.csv:2: supplier: unknown supplier 'CATL2'; "
        "expected a supplier from suppliers.csv",
    ),
    case(
        "supplier capacity for an item the supplier does not deliver",
        set_cell("supplier_capacity.csv", 2, "item", "SEAT"),
        "supplier_capacity.csv:2: item: supplier 'CATL' has no line for item 'SEAT' "
        "in suppliers.csv",
    ),
    # the bill of material and the roles of items
    case(
        "bom cycle is named",
        append_line("bom.csv", "CELL,BATT,1,1,"),
        "bom.csv:9: child: cycle BATT -> CELL -> BATT",
    ),
    case(
        "vehicle used as a bom child",
        set_cell("bom.csv", 4, "child", "EV-X"),
        "bom.csv:4: child: 'EV-X' is a vehicle; a vehicle cannot be a component",
    ),
    case(
        "demand for a non-vehicle",
        set_cell("demand.csv", 3, "variant", "BATT"),
        "demand.csv:3: variant: 'BATT' is an assembly; demand is for vehicles",
    ),
    case(
        "bom unit differs from the item's unit",
        set_cell("bom.csv", 3, "unit", "ea"),
        "bom.csv:3: unit: 'STEEL' is counted in 'kg' in items.csv, got 'ea'",
    ),
    case(
        "vehicle counted in kg",
        set_cell("items.csv", 3, "unit", "kg"),
        "items.csv:3: unit: a vehicle is counted in 'ea', got 'kg'",
    ),
    case(
        "vehicle without routing",
        delete_line("routings.csv", 3),
        f"items.csv:3: id: vehicle 'EV-X' {NOT_BUILT}",
    ),
    case(
        "assembly without routing",
        delete_line("routings.csv", 4),
        f"items.csv:4: id: assembly 'BATT' {NOT_BUILT}",
    ),
    case(
        "part with no supplier, no routing and no stock",
        delete_line("suppliers.csv", 4),
        f"items.csv:7: id: part 'SEAT' {UNSOURCED}",
    ),
    # the horizon and the shift pattern
    case(
        "demand due after the horizon ends",
        set_cell("demand.csv", 4, "due", "2025-05-26"),
        "demand.csv:4: due: 2025-05-26 is after the plan ends (2025-05-25)",
    ),
    case(
        "demand due before the horizon starts",
        set_cell("demand.csv", 2, "due", "2025-01-05"),
        "demand.csv:2: due: 2025-01-05 is before the plan starts (2025-01-06)",
    ),
    case(
        "receipt due after the horizon ends",
        set_cell("receipts.csv", 2, "due", "2026-01-05"),
        "receipts.csv:2: due: 2026-01-05 is after the plan ends (2025-05-25)",
    ),
    case(
        "three shifts of nine hours",
        set_cell("shops.csv", 3, "hours_per_shift", "9"),
        "shops.csv:3: shifts_per_day: 3 shifts of 9 h do not fit in a day of 24 h",
    ),
    case(
        "bom parent that is never built",
        append_line("bom.csv", "SEAT,STEEL,2,,kg"),
        "bom.csv:9: parent: 'SEAT' has no routing in routings.csv, so it is never built",
    ),
    case(
        "no vehicle at all",
        in_order(*(set_cell("items.csv", line, "kind", "assembly") for line in (2, 3))),
        "items.csv: kind: no vehicle; a plan needs at least one",
    ),
    case(
        "learning curve without its rate",
        set_cell("ramp.csv", 2, "curve", "learning"),
        "ramp.csv:2: learning_rate: required for curve 'learning'",
    ),
    case(
        "s-curve without its weeks",
        set_cell("ramp.csv", 2, "ramp_weeks", ""),
        "ramp.csv:2: ramp_weeks: required for curve 's-curve'",
    ),
    case(
        "learning rate of 100 %",
        in_order(
            set_cell("ramp.csv", 2, "curve", "learning"),
            set_cell("ramp.csv", 2, "learning_rate", "1"),
            set_cell("ramp.csv", 2, "full_volume", "5000"),
        ),
        "ramp.csv:2: learning_rate: must be < 1, got 1",
    ),
    case(
        "quotas above 100 %",
        in_order(
            append_line("suppliers.csv", "CATL2,CELL,,1,41"),
            append_line("suppliers.csv", "CATL3,CELL,,1,42"),
            set_cell("suppliers.csv", 5, "share", "0.6"),
            set_cell("suppliers.csv", 6, "share", "0.5"),
        ),
        "suppliers.csv:6: share: the shares of 'CELL' add up to 1.1 by this line; at most 1",
    ),
    # disruptions.csv (for evramp risk)
    case(
        "disruption of an unknown shop",
        set_cell("disruptions.csv", 3, "shop", "welding"),
        "disruptions.csv:3: shop: unknown shop 'welding'; expected an id from shops.csv",
    ),
    case(
        "disruption probability above 1",
        set_cell("disruptions.csv", 2, "probability", "1.5"),
        "disruptions.csv:2: probability: must be <= 1, got 1.5",
    ),
    case(
        "disruption of an unknown target kind",
        set_cell("disruptions.csv", 2, "target_kind", "plant"),
        "disruptions.csv:2: target_kind: expected one of 'supplier_line', 'part', 'shop' or "
        "'ramp', got 'plant'",
    ),
    case(
        "disruption durations the wrong way round",
        set_cell("disruptions.csv", 2, "max_weeks", "1"),
        "disruptions.csv:2: max_weeks 1 is below min_weeks 2",
    ),
    case(
        "disruption of a supplier line that does not exist",
        in_order(
            set_cell("disruptions.csv", 2, "target_kind", "supplier_line"),
            set_cell("disruptions.csv", 2, "supplier", "Yanfeng"),
        ),
        "disruptions.csv:2: item: supplier 'Yanfeng' has no line for item 'CELL' in suppliers.csv",
    ),
    case(
        "disruption of an unknown supplier",
        in_order(
            set_cell("disruptions.csv", 2, "target_kind", "supplier_line"),
            set_cell("disruptions.csv", 2, "supplier", "Bosch"),
        ),
        "disruptions.csv:2: supplier: unknown supplier 'Bosch'; expected a supplier from "
        "suppliers.csv",
    ),
    case(
        "disruption of a shop without its shop",
        set_cell("disruptions.csv", 3, "shop", ""),
        "disruptions.csv:3: shop: required for shop",
    ),
    case(
        "ramp slip counted per week",
        set_cell("disruptions.csv", 3, "target_kind", "ramp"),
        "disruptions.csv:3: per: a ramp slips once: per must be horizon",
    ),
    case(
        "disruption group that does not agree",
        set_cell("disruptions.csv", 3, "group", "chips"),
        "disruptions.csv:3: probability: group 'chips' has probability 0.1 on line 2; a "
        "group's disruptions happen together",
    ),
]

# A few cases also go through `evramp plan`, which must refuse them before writing anything.
PLAN_CASES = {
    "missing scenario.yaml",
    "negative bom quantity",
    "bom cycle is named",
    "demand due after the horizon ends",
    "unknown shop in a calendar shutdown",
}


def rejection(folder: Path) -> ScenarioInvalid:
    with pytest.raises(ScenarioInvalid) as raised:
        evramp.load_scenario(folder)
    return raised.value


def skipped_note(checks: int) -> list[str]:
    """The line after the problems when checks across tables had to wait for them."""
    if not checks:
        return []
    plural = "s" * (checks != 1)
    return [f"({checks} check{plural} across tables skipped until these problems are fixed)"]


def assert_cli_rejects(result: Result, folder: Path, expected: list[str], skipped: int = 0) -> None:
    """Exit code 2, a header line counting the problems, then exactly one line per problem."""
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert not isinstance(result.exception, Exception), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    count = len(expected)
    header = f"error: scenario {folder} rejected ({count} problem{'s' * (count != 1)}):"
    assert result.stderr.splitlines() == [header, *expected, *skipped_note(skipped)]


def test_catalogue_is_large_and_distinct() -> None:
    names = [param.id for param in CASES]
    messages = [param.values[1] for param in CASES]
    assert len(CASES) >= 20
    assert len(set(names)) == len(names)
    assert len(set(messages)) == len(messages)
    assert set(names) >= PLAN_CASES


@pytest.mark.parametrize(("mutate", "expected"), CASES)
def test_bad_input_is_refused_with_its_line(folder: Path, mutate: Mutation, expected: str) -> None:
    mutate(folder)
    refused = rejection(folder)
    errors = [str(error) for error in refused.errors]
    assert expected in errors

    result = runner.invoke(app, ["validate", str(folder)])
    assert_cli_rejects(result, folder, errors, refused.skipped)


@pytest.mark.parametrize(
    ("mutate", "expected"), [param for param in CASES if param.id in PLAN_CASES]
)
def test_plan_refuses_bad_input_and_writes_nothing(
    folder: Path, tmp_path: Path, mutate: Mutation, expected: str
) -> None:
    mutate(folder)
    out = tmp_path / "out"
    result = runner.invoke(app, ["plan", str(folder), "--out", str(out)])
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert "Traceback" not in result.stdout + result.stderr
    assert expected in result.stderr.splitlines()
    assert not out.exists()
    assert [path.name for path in tmp_path.iterdir()] == ["scn"]


# --- a few cases spelled out -----------------------------------------------------------------


def test_a_single_bad_number_is_reported_as_a_scenario_error(folder: Path) -> None:
    set_cell("bom.csv", 4, "quantity", "-2")(folder)
    assert rejection(folder).errors == (
        ScenarioError("bom.csv", 4, "quantity", "must be > 0, got -2"),
    )


def test_bom_cycle_is_named(folder: Path) -> None:
    """A cycle through three items is shown in BOM order, and reported once."""
    append_line("items.csv", "MODULE,assembly,Cell module,ea,0,0")(folder)
    append_line("routings.csv", "MODULE,battery,1,0")(folder)
    set_cell("bom.csv", 8, "child", "MODULE")(folder)  # BATT -> MODULE
    append_line("bom.csv", "MODULE,CELL,12,1,")(folder)  # line 9
    append_line("bom.csv", "MODULE,BATT,1,1,")(folder)  # line 10 closes the cycle
    assert [str(e) for e in rejection(folder).errors] == [
        "bom.csv:10: child: cycle BATT -> MODULE -> BATT",
    ]


def test_every_problem_in_every_file_is_reported_at_once_in_file_and_line_order(
    folder: Path,
) -> None:
    """Row problems in several files and the YAML are all listed, sorted by file then line."""
    set_cell("shops.csv", 3, "days_per_week", "8")(folder)
    set_cell("bom.csv", 4, "quantity", "-2")(folder)
    set_cell("bom.csv", 2, "yield", "1.5")(folder)
    set_cell("demand.csv", 3, "due", "next spring")(folder)
    replace_text("scenario.yaml", "horizon_weeks: 20", "horizon_weeks: 0")(folder)
    delete_file("routings.csv")(folder)
    expected = [
        "bom.csv:2: yield: must be <= 1, got 1.5",
        "bom.csv:4: quantity: must be > 0, got -2",
        "demand.csv:3: due: expected a date as YYYY-MM-DD (like 2023-12-04), got 'next spring'",
        "routings.csv: file not found (which shops make an item, lead time)",
        "scenario.yaml: calendar.horizon_weeks: must be >= 1, got 0",
        "shops.csv:3: days_per_week: must be <= 7, got 8",
    ]
    refused = rejection(folder)
    assert [str(e) for e in refused.errors] == expected
    # Without routings.csv and the calendar, and with a row of shops.csv unread: the unknown
    # shops, shutdown shops, unbuilt parents, unsourced items, the horizon, the buckets, the
    # shift hours and the disruptions wait.
    assert refused.skipped == 8
    result = runner.invoke(app, ["validate", str(folder)])
    assert_cli_rejects(result, folder, expected, skipped=8)


def test_the_readme_example_reports_both_problems_in_one_pass(tmp_path: Path) -> None:
    """README's example: a bad cell in bom.csv does not hide the late due date in demand.csv."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    shown = readme.split("error: scenario scenarios/broken rejected (2 problems):\n")[1]
    expected = shown.split("```")[0].splitlines()
    assert expected == [
        "bom.csv:14: quantity: must be > 0, got -2",
        "demand.csv:7: due: 2030-01-07 is after the plan ends (2027-01-03)",
    ]
    broken = tmp_path / "broken"
    shutil.copytree(builtin_scenario_path(), broken)
    set_cell("bom.csv", 14, "quantity", "-2")(broken)
    set_cell("demand.csv", 7, "due", "2030-01-07")(broken)
    assert [str(e) for e in rejection(broken).errors] == expected
    assert_cli_rejects(runner.invoke(app, ["validate", str(broken)]), broken, expected)


def test_a_bad_row_does_not_hide_a_cross_record_problem_of_its_own_table(folder: Path) -> None:
    set_cell("bom.csv", 4, "quantity", "-2")(folder)
    set_cell("bom.csv", 8, "child", "CELLS")(folder)
    expected = [
        "bom.csv:4: quantity: must be > 0, got -2",
        "bom.csv:8: child: unknown item 'CELLS'; expected an id from items.csv",
    ]
    refused = rejection(folder)
    assert [str(e) for e in refused.errors] == expected
    assert refused.skipped == 0


def test_checks_that_need_a_table_with_problems_wait_and_say_how_many(folder: Path) -> None:
    """With a row of items.csv unread, an unknown item might be that row's: the checks of
    references to items and of the plant's vehicles wait, the others run (the late due date)."""
    set_cell("items.csv", 5, "unit_cost", "cheap")(folder)
    set_cell("bom.csv", 8, "child", "CELLS")(folder)
    set_cell("demand.csv", 4, "due", "2025-05-26")(folder)
    expected = [
        "demand.csv:4: due: 2025-05-26 is after the plan ends (2025-05-25)",
        "items.csv:5: unit_cost: expected a number, got 'cheap'",
    ]
    refused = rejection(folder)
    assert [str(e) for e in refused.errors] == expected
    assert refused.skipped == 2
    result = runner.invoke(app, ["validate", str(folder)])
    assert_cli_rejects(result, folder, expected, skipped=2)
    assert result.stderr.splitlines()[-1] == (
        "(2 checks across tables skipped until these problems are fixed)"
    )


def test_an_alias_bomb_is_refused_at_its_first_alias(folder: Path) -> None:
    """A "billion laughs" in a calendar field: nine levels of ten aliases each would be 10**9
    strings; the reader refuses the first alias instead of expanding any."""
    levels = ['  a0: &a0 "lol"']
    levels += [f"  a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    bomb = "calendar:\n  first_week: '2025-01-06'\n  horizon_weeks: 20\n  shutdowns: *a9\n"
    text = "name: Mini plant\nlaughs:\n" + "\n".join(levels) + "\n" + bomb
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    assert [str(e) for e in rejection(folder).errors] == [
        "scenario.yaml:4: alias *a0 refused: write the value out (aliases are not allowed in "
        "scenario files)"
    ]


def test_a_folder_that_cannot_be_read(tmp_path: Path) -> None:
    """A loop of links cannot be read by anyone, root included (chmod does not stop root)."""
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    expected = f"{loop}: not a scenario folder (cannot be read: Too many levels of symbolic links)"
    assert [str(e) for e in rejection(loop).errors] == [expected]
    assert_cli_rejects(runner.invoke(app, ["validate", str(loop)]), loop, [expected])


def test_a_semicolon_csv_with_decimal_commas_reads_as_the_comma_one(folder: Path) -> None:
    """Excel in a locale with a decimal comma saves `;`-separated files with 1,2 for 1.2."""
    for file in ("bom.csv", "suppliers.csv"):
        rows = _read_rows(folder / file)
        with (folder / file).open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerows([[cell.replace(".", ",") for cell in row] for row in rows])
    assert "1,2" in (folder / "suppliers.csv").read_text(encoding="utf-8-sig")
    assert evramp.load_scenario(folder) == build_scenario()


def test_a_semicolon_csv_is_refused_with_the_same_located_messages(folder: Path) -> None:
    rows = _read_rows(folder / "bom.csv")
    rows[3][rows[0].index("quantity")] = "-2"
    with (folder / "bom.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    assert [str(e) for e in rejection(folder).errors] == [
        "bom.csv:4: quantity: must be > 0, got -2"
    ]


def test_an_order_of_two_million_cars_is_valid_and_is_planned(folder: Path) -> None:
    """More than the plant can build in the horizon: a plan that delivers what it can, not an
    error."""
    set_cell("demand.csv", 2, "quantity", "2000000")(folder)
    result = evramp.plan(evramp.load_scenario(folder))
    orders = result.orders
    first = orders[orders["order"] == "O-1"]
    assert first["quantity"].tolist() == [2_000_000]
    assert 0 < first["delivered"].sum() < 2_000_000


def test_a_start_of_production_in_2199_is_planned(folder: Path) -> None:
    """The last date a scenario may name: the plant stays in trial production all horizon."""
    set_cell("ramp.csv", 2, "sop", "2199-12-31")(folder)
    result = evramp.plan(evramp.load_scenario(folder))
    assert result.status == "Optimal"


def test_every_cross_record_problem_is_reported_at_once_in_file_and_line_order(
    folder: Path,
) -> None:
    """Line 10 sorts after line 9: lines are numbers, not text."""
    for number in range(3, 9):
        append_line("demand.csv", f"F-{number},EV-X,10,2025-05-0{number - 2},1,0,0,forecast")(
            folder
        )
    set_cell("demand.csv", 9, "id", "O-2")(folder)
    set_cell("demand.csv", 10, "variant", "EV-Z")(folder)
    set_cell("routings.csv", 4, "shop", "batery")(folder)
    set_cell("bom.csv", 3, "unit", "ea")(folder)
    expected = [
        "bom.csv:3: unit: 'STEEL' is counted in 'kg' in items.csv, got 'ea'",
        "demand.csv:9: id: duplicate of line 3 (id = O-2)",
        "demand.csv:10: variant: unknown item 'EV-Z'; expected an id from items.csv",
        "routings.csv:4: shop: unknown shop 'batery'; expected an id from shops.csv",
    ]
    assert [str(e) for e in rejection(folder).errors] == expected
    assert_cli_rejects(runner.invoke(app, ["validate", str(folder)]), folder, expected)


def test_line_numbers_count_blank_lines_and_quoted_cells_over_two_lines(folder: Path) -> None:
    """The line is where the record starts in the file, as an editor numbers it."""
    rows = _read_rows(folder / "items.csv")
    rows[1][rows[0].index("name")] = "Sedan\nlong range"  # record 2 spans lines 2 and 3
    rows[1][rows[0].index("kind")] = "car"
    rows[6][rows[0].index("unit_cost")] = "-1"  # SEAT, line 9 after the blank line
    _write_rows(folder / "items.csv", rows)
    text = (folder / "items.csv").read_text(encoding="utf-8")
    assert text.count("\nEV-X,") == 1
    (folder / "items.csv").write_text(text.replace("\nEV-X,", "\n\nEV-X,"), encoding="utf-8")
    assert [str(e) for e in rejection(folder).errors] == [
        "items.csv:2: kind: expected one of 'vehicle', 'assembly' or 'part', got 'car'",
        "items.csv:9: unit_cost: must be >= 0, got -1",
    ]


def test_scenario_path_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-scenario"
    expected = f"{missing}: not a scenario folder (no such directory: looked for {missing})"
    assert [str(e) for e in rejection(missing).errors] == [expected]
    for args in (["validate", str(missing)], ["plan", str(missing), "--out", str(tmp_path / "o")]):
        result = runner.invoke(app, args)
        assert_cli_rejects(result, missing, [expected])
    assert list(tmp_path.iterdir()) == []


def test_scenario_path_that_is_a_file(folder: Path) -> None:
    path = folder / "items.csv"
    expected = f"{path}: not a scenario folder (a file, not a directory)"
    assert [str(e) for e in rejection(path).errors] == [expected]
    assert_cli_rejects(runner.invoke(app, ["validate", str(path)]), path, [expected])


def test_long_error_lines_are_not_wrapped_at_the_terminal_width(folder: Path) -> None:
    set_cell("items.csv", 7, "id", "SEAT 2")(folder)
    expected = (
        "items.csv:7: id: expected an id of letters, digits and . _ - / + (no spaces), got 'SEAT 2'"
    )
    assert len(expected) > 80
    result = CliRunner(env={"COLUMNS": "80"}).invoke(app, ["validate", str(folder)])
    assert result.exit_code == EXIT_BAD_INPUT
    assert expected in result.stderr.splitlines()


def test_a_scenario_checked_once_is_not_trusted_after_a_change() -> None:
    """`ensure_valid` remembers scenarios found valid (they are frozen); a changed copy is a new
    scenario and is checked again, and an invalid one is refused every time."""
    import dataclasses

    from evramp.model import ensure_valid

    scenario = build_scenario()
    assert ensure_valid(scenario) is scenario
    assert ensure_valid(scenario) is scenario
    broken = dataclasses.replace(
        scenario, demand=(scenario.demand[0].model_copy(update={"variant": "NOPE"}),)
    )
    for _ in range(2):
        with pytest.raises(evramp.ScenarioInvalid):
            ensure_valid(broken)
