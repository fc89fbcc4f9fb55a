"""Scenarios and plans as Excel workbooks (evramp.io.workbook): round trips byte for byte,
problems at their sheet and cell, plan sheets that add up, writes that are all or nothing."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

import evramp
from evramp import app
from evramp.cli import EXIT_BAD_INPUT
from evramp.io import load_scenario, write_scenario
from evramp.io.workbook import (
    WorkbookRefused,
    column_letters,
    read_workbook,
    write_plan_workbook,
    write_workbook,
)
from evramp.model import Scenario, ScenarioInvalid
from tests.factory import car_and_component

EVRAMP = str(Path(sys.executable).with_name("evramp"))

Grid = list[list[Any]]


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def round_trip(scenario: Scenario, tmp_path: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The files of `scenario` written as a folder A, and of A read, written as a workbook, the
    workbook read and written as a folder B."""
    write_scenario(scenario, tmp_path / "A")
    book = write_workbook(load_scenario(tmp_path / "A"), tmp_path / "A.xlsx")
    write_scenario(read_workbook(book), tmp_path / "B")
    return files_of(tmp_path / "A"), files_of(tmp_path / "B")


@pytest.fixture(scope="module")
def default() -> Scenario:
    return load_scenario(evramp.builtin_scenario_path())


def test_the_default_scenario_round_trips_byte_for_byte(default: Scenario, tmp_path: Path) -> None:
    before, after = round_trip(default, tmp_path)
    assert "demand.csv" in before and "scenario.yaml" in before
    assert list(after) == list(before)
    for name in before:
        assert after[name] == before[name], name


def test_a_generated_plant_round_trips_byte_for_byte(tmp_path: Path) -> None:
    from generate import generate

    before, after = round_trip(generate("S"), tmp_path)
    assert after == before


def test_the_builtin_files_read_from_a_workbook_are_the_same_scenario(
    default: Scenario, tmp_path: Path
) -> None:
    book = write_workbook(default, tmp_path / "yizhuang.xlsx")
    again = load_scenario(book)  # load_scenario takes a workbook too
    assert again == default
    assert again.calendar.shutdowns == default.calendar.shutdowns
    assert again.notes == default.notes  # line breaks kept


def test_cells_are_numbers_dates_and_text(default: Scenario, tmp_path: Path) -> None:
    grid = sheets_of(write_workbook(default, tmp_path / "b.xlsx"))["demand"]
    header, first = grid[0], grid[1]
    assert header[:4] == ["id", "variant", "quantity", "due"]
    assert isinstance(first[0], str) and isinstance(first[2], float)
    assert isinstance(first[3], dt.date)


# --- problems at their sheet and cell --------------------------------------------------------


def sheets_of(path: Path) -> dict[str, Grid]:
    book = CalamineWorkbook.from_path(str(path))
    return {
        name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for name in book.sheet_names
    }


def write_sheets(sheets: dict[str, Grid], path: Path) -> Path:
    """A workbook of these cells, as a planner's Excel would save it (numbers as floats)."""
    book = xlsxwriter.Workbook(str(path))
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, grid in sheets.items():
        sheet = book.add_worksheet(name)
        for row, values in enumerate(grid):
            for column, value in enumerate(values):
                if isinstance(value, dt.date):
                    sheet.write_datetime(row, column, value, dates)
                elif value != "":
                    sheet.write(row, column, value)
    book.close()
    return path


def edited(default: Scenario, tmp_path: Path, edit: Callable[[dict[str, Grid]], None]) -> Path:
    sheets = sheets_of(write_workbook(default, tmp_path / "good.xlsx"))
    edit(sheets)
    return write_sheets(sheets, tmp_path / "bad.xlsx")


def break_four_things(sheets: dict[str, Grid]) -> None:
    sheets["demand"][13][2] = -2.0  # row 14, quantity
    sheets["demand"][14][3] = "2024-13-45"  # row 15, due
    items = sheets["items"]
    items[0].append("colour")
    items[1].append("red")
    del sheets["routings"]


def test_every_bad_cell_is_reported_at_its_sheet_and_cell(
    default: Scenario, tmp_path: Path
) -> None:
    book = edited(default, tmp_path, break_four_things)
    with pytest.raises(ScenarioInvalid) as raised:
        read_workbook(book)
    lines = [str(error) for error in raised.value.errors]
    colour = column_letters(len(sheets_of(book)["items"][0]) - 1)
    assert "bad.xlsx: demand!C14: quantity: must be > 0, got -2" in lines
    assert any(line.startswith("bad.xlsx: demand!D15: due: expected a date") for line in lines)
    assert any(
        line.startswith(f"bad.xlsx: items!{colour}1: colour: unknown column") for line in lines
    )
    assert any(line.startswith("bad.xlsx: routings: sheet not found") for line in lines)
    assert len(lines) == 4, lines


def test_a_problem_across_tables_is_at_its_sheet_and_row(default: Scenario, tmp_path: Path) -> None:
    def unknown_child(sheets: dict[str, Grid]) -> None:
        sheets["bom"][4][1] = "NO-SUCH-PART"

    with pytest.raises(ScenarioInvalid) as raised:
        read_workbook(edited(default, tmp_path, unknown_child))
    lines = [str(error) for error in raised.value.errors]
    assert lines == [
        "bad.xlsx: bom!B5: child: unknown item 'NO-SUCH-PART'; expected an id from the items sheet"
    ]


def test_the_calendar_is_located_on_the_scenario_sheet(default: Scenario, tmp_path: Path) -> None:
    def out_of_range(sheets: dict[str, Grid]) -> None:
        scenario = sheets["scenario"]
        row = next(n for n, (key, *_) in enumerate(scenario) if key == "horizon_weeks")
        scenario[row][1] = 0.0
        sheets["shutdowns"][2][2] = -1.0  # the second shutdown's weeks

    with pytest.raises(ScenarioInvalid) as raised:
        read_workbook(edited(default, tmp_path, out_of_range))
    lines = [str(error) for error in raised.value.errors]
    assert any(
        line.startswith("bad.xlsx: scenario!B5: horizon_weeks: must be >= 1") for line in lines
    )
    assert any(line.startswith("bad.xlsx: shutdowns!C3: weeks: must be >= 1") for line in lines)


def test_a_file_that_is_no_workbook_is_one_problem(tmp_path: Path) -> None:
    fake = tmp_path / "plant.xlsx"
    fake.write_text("id,kind\n", encoding="utf-8")
    with pytest.raises(ScenarioInvalid) as raised:
        load_scenario(fake)
    assert [e.file for e in raised.value.errors] == ["plant.xlsx"]
    assert "not readable as an Excel workbook" in str(raised.value)


def test_validate_a_bad_workbook_exits_2_with_every_problem(
    default: Scenario, tmp_path: Path
) -> None:
    book = edited(default, tmp_path, break_four_things)
    process = subprocess.run(
        [EVRAMP, "validate", str(book)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "300"},
    )
    assert process.returncode == EXIT_BAD_INPUT, process.stderr
    output = process.stdout + process.stderr
    assert "bad.xlsx: demand!C14: quantity: must be > 0, got -2" in output
    assert "bad.xlsx: demand!D15: due:" in output
    assert "bad.xlsx: routings: sheet not found" in output
    assert "unknown column" in output
    assert "Traceback" not in output


def test_validate_accepts_a_good_workbook(default: Scenario, tmp_path: Path) -> None:
    book = write_workbook(default, tmp_path / "yizhuang.xlsx")
    validation = app.validate(str(book))
    assert validation.counts["demand"] == len(default.demand)


# --- plans ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def planned() -> app.Planned:
    return app.plan(car_and_component(weeks=8))


def test_the_plan_workbook_has_pivots_that_add_up(planned: app.Planned, tmp_path: Path) -> None:
    tables = planned.result.tables()
    sheets = sheets_of(write_plan_workbook(tables, tmp_path / "plan.xlsx"))
    assert list(sheets)[:2] == ["builds_by_week", "output_by_week"]
    assert set(tables) <= set(sheets)
    for pivot, table, keys in (("builds_by_week", "builds", 2), ("output_by_week", "output", 1)):
        grid = sheets[pivot]
        weeks = grid[0][keys:]
        assert weeks and all(isinstance(week, dt.date) for week in weeks)
        total = sum(sum(row[keys:]) for row in grid[1:])
        assert total == pytest.approx(tables[table]["quantity"].sum(), rel=1e-9)
        assert total > 0
    assert len(sheets["builds"]) == len(tables["builds"]) + 1


def test_plan_with_a_workbook_writes_it_in_the_plan_folder(
    planned: app.Planned, tmp_path: Path
) -> None:
    written = app.write_plan(planned, tmp_path / "out", workbook=True)
    assert written.folder / "plan.xlsx" in written.files
    assert "builds_by_week" in sheets_of(written.folder / "plan.xlsx")
    without = app.write_plan(planned, tmp_path / "other")
    assert not (without.folder / "plan.xlsx").exists()


# --- all or nothing ------------------------------------------------------------------------


def test_a_failed_write_keeps_the_old_workbook_and_leaves_nothing(
    default: Scenario, tmp_path: Path
) -> None:
    target = write_workbook(default, tmp_path / "plant.xlsx")
    old = target.read_bytes()
    too_long = Scenario(**{**vars(default), "notes": "x" * 40_000})
    with pytest.raises(WorkbookRefused, match="more than a cell holds"):
        write_workbook(too_long, target)
    assert target.read_bytes() == old
    assert sorted(path.name for path in tmp_path.iterdir()) == ["plant.xlsx"]


def test_a_killed_write_leaves_no_partial_workbook(tmp_path: Path) -> None:
    target = tmp_path / "big.xlsx"
    script = (
        "import sys; from generate import generate; from evramp.io.workbook import write_workbook;"
        "scenario = generate('M'); print('go', flush=True); write_workbook(scenario, sys.argv[1])"
    )
    benchmarks = Path(__file__).parents[1] / "benchmarks"
    path = os.pathsep.join([str(benchmarks), os.environ.get("PYTHONPATH", "")])
    with subprocess.Popen(
        [sys.executable, "-c", script, str(target)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
    ) as process:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "go"
        # xlsxwriter writes the file when the workbook is closed: kill it while it zips.
        while not any(path.stat().st_size for path in tmp_path.iterdir()):
            assert process.poll() is None, "the write ended before it was killed"
        process.kill()
    assert not target.exists()
    assert [path.name.startswith(".big.xlsx.staging-") for path in tmp_path.iterdir()] == [True]
    write_workbook(car_and_component(weeks=8), target)  # the next write clears what was left
    assert [path.name for path in tmp_path.iterdir()] == ["big.xlsx"]


def test_a_file_that_is_not_a_workbook_is_never_replaced(default: Scenario, tmp_path: Path) -> None:
    csv = tmp_path / "demand.csv"
    csv.write_text("id\n", encoding="utf-8")
    with pytest.raises(WorkbookRefused, match=r"must end in \.xlsx"):
        write_workbook(default, csv)
    named = tmp_path / "notes.xlsx"
    named.write_text("my notes\n", encoding="utf-8")
    with pytest.raises(WorkbookRefused, match="not an Excel workbook"):
        write_workbook(default, named)
    assert csv.read_text(encoding="utf-8") == "id\n"
    assert named.read_text(encoding="utf-8") == "my notes\n"


def test_a_damaged_sheet_is_a_problem_not_a_crash(default: Scenario, tmp_path: Path) -> None:
    """A sheet whose XML was cut short: `evramp validate` says which sheet is damaged and exits
    2, with the other sheets' problems, and no traceback."""
    import io
    import subprocess
    import sys
    import zipfile

    book = write_workbook(default, tmp_path / "whole.xlsx")
    packed = io.BytesIO()
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(packed, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":
                data = data[: len(data) // 2]
            target.writestr(info, data)
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(packed.getvalue())
    evramp = str(Path(sys.executable).with_name("evramp"))
    run = subprocess.run([evramp, "validate", str(damaged)], capture_output=True, text=True)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert "damaged.xlsx: " in run.stderr and "the sheet is damaged" in run.stderr
