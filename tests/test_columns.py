"""Demand as columns: the same records, the same problems and the same plan as one pydantic
record per line gave.

The record path is kept here as the reference: `_records_of_file` reads demand.csv with the CSV
reader's row dicts and pydantic, as load_scenario read every table before; `_record_classes` is
the planner's former loop over the records (with the exact class key of issue 10: price and
penalty are part of it, no means). The column path must agree with both to the bit.
"""

from __future__ import annotations

import csv
import dataclasses
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

import evramp
from evramp.io.scenario_folder import _read_rows, _records
from evramp.model import Order, Scenario, ScenarioError, ScenarioInvalid
from evramp.model.columns import LINE, WHITESPACE, DemandTable, read_demand
from evramp.model.scenario import TABLE_BY_NAME
from evramp.model.validate import check_scenario
from evramp.plan import NOT_LEVELLED, PlanResult
from evramp.plan.chain import planner_chain
from evramp.plan.index import (
    MIN_LATENESS_PENALTY,
    DemandClasses,
    Orders,
    compile_scenario,
    priority_weights,
)
from evramp.plan.lp import build_lp
from evramp.plan.result import ModelSize, Verdict, extract
from evramp.plan.solve import solve

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from big_demand import DEFAULT_SCENARIO, write_big_demand

DEMAND = TABLE_BY_NAME["demand"]


# --- the record path, as it was --------------------------------------------------------------


def _records_of_file(path: Path) -> tuple[tuple[Order, ...], list[int], list[ScenarioError]]:
    """demand.csv read as every table was read before: a dict per row, a record per row."""
    errors: list[ScenarioError] = []
    rows, lines = _read_rows(path.read_text(encoding="utf-8-sig"), DEMAND, errors)
    records, bad = _records(DEMAND, rows, lines, errors)
    kept = [line for n, line in enumerate(lines) if n not in bad]
    return records, kept, errors  # type: ignore[return-value]


def _class_key(order: Order) -> tuple[str, int, int, float, float]:
    limit = -1 if order.max_weeks_late is None else order.max_weeks_late
    penalty = max(order.lateness_penalty, MIN_LATENESS_PENALTY)
    return order.variant, order.priority, limit, order.price, penalty


def _record_classes(scenario: Scenario, item_index: dict[str, int]) -> DemandClasses:
    """The planner's demand classes as a loop over the records computes them."""
    buckets = scenario.calendar.buckets
    demand = list(scenario.demand)
    keys = sorted({_class_key(order) for order in demand})
    class_index = {key: c for c, key in enumerate(keys)}
    due = np.zeros((len(keys), len(buckets)))
    for order in demand:
        due[class_index[_class_key(order)], buckets.index_of(order.due)] += order.quantity
    class_priority = np.array([key[1] for key in keys], dtype=np.int64)
    ordered = sorted(demand, key=lambda o: (class_index[_class_key(o)], o.due, o.id))
    return DemandClasses(
        variant=np.array([item_index[key[0]] for key in keys], dtype=np.int64),
        priority=class_priority,
        due=due,
        price=np.array([key[3] for key in keys]),
        penalty=priority_weights(class_priority, np.array([key[4] for key in keys])),
        orders=Orders(
            ids=[o.id for o in ordered],
            klass=np.array([class_index[_class_key(o)] for o in ordered], dtype=np.int64),
            due=np.array([buckets.index_of(o.due) for o in ordered], dtype=np.int64),
            quantity=np.array([o.quantity for o in ordered]),
            kind=[o.kind for o in ordered],
        ),
        max_late=np.array(
            [-1 if key[2] < 0 else buckets.late_buckets(key[2]) for key in keys], dtype=np.int64
        ),
    )


def _assert_same_classes(ours: DemandClasses, reference: DemandClasses) -> None:
    for field in dataclasses.fields(DemandClasses):
        if field.name == "orders":
            continue
        mine, theirs = getattr(ours, field.name), getattr(reference, field.name)
        assert mine.dtype == theirs.dtype, field.name
        assert np.array_equal(mine, theirs), field.name  # to the bit: no tolerance
    for field in dataclasses.fields(Orders):
        mine, theirs = getattr(ours.orders, field.name), getattr(reference.orders, field.name)
        if isinstance(theirs, list):
            assert mine == theirs, field.name
        else:
            assert np.array_equal(mine, theirs), field.name


def _plan_with(scenario: Scenario, classes: DemandClasses) -> PlanResult:
    """`evramp.plan`'s steps on the scenario's arrays with these demand classes."""
    data = dataclasses.replace(compile_scenario(scenario), demand=classes)
    reduced = planner_chain().apply(data)
    lp = build_lp(reduced.data)
    solution = solve(lp)
    arrays = reduced.expand(lp, solution)
    size = ModelSize(*lp.shape, int(lp.matrix.nnz), free_parts=reduced.parts_outside)
    verdict = Verdict(solution.status, solution.objective, solution.gap, False)
    return extract(scenario.name, data, arrays, size, verdict, {})


def _in_buckets(scenario: Scenario, bucket: str) -> Scenario:
    return dataclasses.replace(
        scenario, calendar=scenario.calendar.model_copy(update={"bucket": bucket})
    )


# --- the default plant -----------------------------------------------------------------------


@pytest.mark.parametrize("bucket", ["day", "week", "month"])
def test_demand_classes_of_the_default_plant_are_the_record_loops_to_the_bit(
    default_scenario: Scenario, bucket: str
) -> None:
    scenario = _in_buckets(default_scenario, bucket)
    data = compile_scenario(scenario)
    item_index = {item: i for i, item in enumerate(data.items.ids)}
    _assert_same_classes(data.demand, _record_classes(scenario, item_index))


def test_default_plan_is_the_record_paths_plan(
    default_scenario: Scenario, default_plan: PlanResult
) -> None:
    data = compile_scenario(default_scenario)
    item_index = {item: i for i, item in enumerate(data.items.ids)}
    before = _plan_with(default_scenario, _record_classes(default_scenario, item_index))
    ours = evramp.plan(default_scenario, level=NOT_LEVELLED)  # as _plan_with plans
    assert ours.status == before.status == "Optimal"
    assert ours.objective == before.objective
    pd.testing.assert_frame_equal(ours.builds, before.builds)
    pd.testing.assert_frame_equal(ours.orders, before.orders)


def test_the_default_plants_demand_reads_as_the_records_did(default_scenario: Scenario) -> None:
    records, lines, errors = _records_of_file(DEFAULT_SCENARIO / "demand.csv")
    assert errors == []
    assert default_scenario.demand == records
    assert list(default_scenario.demand) == list(records)
    assert default_scenario.lines["demand"].tolist() == lines  # type: ignore[union-attr]


# --- odd files: both readers of the text (polars without quotes, the csv module with) -------

HEADER = "id,variant,quantity,due,priority,price,lateness_penalty,kind"
LINE_1 = "O-1,SU7,3,2024-04-04,1,215900,1500,firm"
LINE_2 = "O-2,SU7-PRO,2.5,2024-05-06,2,0,0,forecast"
ODD_FILES = {
    "blank lines": f"{HEADER}\n\n{LINE_1}\n,,,,,,,\n   \n \t, ,\n{LINE_2}\n\n",
    "CRLF": f"{HEADER}\r\n{LINE_1}\r\n{LINE_2}\r\n",
    "CR only": f"{HEADER}\r{LINE_1}\r{LINE_2}\r",
    "spaces around cells": f"{HEADER}\n O-1 ,\tSU7, 3 ,2024-04-04 ,1,215900,1500, firm\n",
    "unicode spaces": f"{HEADER}\n\u00a0O-1\u3000,SU7\x1c,3,2024-04-04,1,2,3,firm\x1f\n",
    "quoted cells": f'{HEADER}\n"O-1","SU7","3",2024-04-04,1,"215900",1500,firm\n{LINE_2}\n',
    "a quoted line break": f'{HEADER}\n{LINE_1}\n"O-\n3",SU7,1,2024-04-04,1,1,1,firm\n{LINE_2}\n',
    "an unclosed quote": f'{HEADER}\n{LINE_1}\n"O-3,SU7,1,2024-04-04,1,1,1,firm\n{LINE_2}\n',
    "ragged lines": f"{HEADER}\n{LINE_1}\nO-3,SU7,1\n{LINE_2},extra\n{LINE_2.replace('2', '4')}\n",
    "semicolons": f"{HEADER.replace(',', ';')}\nO-1;SU7;2,5;2024-04-04;1;215900,50;1500;firm\n",
    "header only": f"{HEADER}\n",
    "columns in another order": "due,id,quantity,variant\n2024-04-04,O-1,3,SU7\n",
    "an unknown column": f"{HEADER},colour\n{LINE_1},red\n",
    "a NUL byte": f"{HEADER}\n{LINE_1}\nO-\x003,SU7,1,2024-04-04,1,1,1,firm\n",
}


@pytest.mark.parametrize("name", ODD_FILES)
def test_an_odd_demand_file_reads_as_the_record_path_read_it(name: str, tmp_path: Path) -> None:
    folder = tmp_path / "plant"
    shutil.copytree(DEFAULT_SCENARIO, folder)
    (folder / "demand.csv").write_text(ODD_FILES[name], encoding="utf-8", newline="")
    records, lines, errors = _records_of_file(folder / "demand.csv")
    try:
        scenario = evramp.load_scenario(folder)
    except ScenarioInvalid as refused:
        ours = sorted(str(e) for e in refused.errors if e.file == "demand.csv")
        assert ours == sorted(str(e) for e in errors)
        assert ours  # refused for a problem of demand.csv, not of another table
        return
    assert errors == []
    assert list(scenario.demand) == list(records)
    assert [scenario.line_of("demand", n) for n in range(len(records))] == lines


# --- 50,000 generated lines ------------------------------------------------------------------

ROWS = 50_000


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big") / "plant"
    assert write_big_demand(DEFAULT_SCENARIO, folder, ROWS) == ROWS
    return folder


def test_fifty_thousand_lines_read_as_records_did(big_folder: Path) -> None:
    scenario = evramp.load_scenario(big_folder)
    records, lines, _ = _records_of_file(big_folder / "demand.csv")
    assert len(scenario.demand) == len(records) == ROWS
    assert scenario.demand_table.frame.equals(DemandTable.of(records).frame)
    for index in [0, 1, 4_999, 12_345, 33_333, ROWS - 1]:  # records made on the fly
        assert scenario.demand[index] == records[index]
        assert scenario.line_of("demand", index) == lines[index]


def test_fifty_thousand_lines_plan_as_the_record_path(big_folder: Path) -> None:
    scenario = evramp.load_scenario(big_folder)
    records, _, _ = _records_of_file(big_folder / "demand.csv")
    as_records = dataclasses.replace(scenario, demand=records)
    data = compile_scenario(scenario)
    item_index = {item: i for i, item in enumerate(data.items.ids)}
    reference = _record_classes(as_records, item_index)
    _assert_same_classes(data.demand, reference)
    ours = evramp.plan(scenario, level=NOT_LEVELLED)
    before = _plan_with(scenario, reference)
    assert ours.objective == before.objective
    sample = ours.orders.iloc[:: ROWS // 50]
    pd.testing.assert_frame_equal(sample, before.orders.iloc[:: ROWS // 50])
    assert len(ours.orders) == ROWS


def _mutate(folder: Path, target: Path, changes: dict[int, dict[str, str]]) -> None:
    """A copy of `folder` with some orders' cells changed (line numbers of the file)."""
    shutil.copytree(folder, target)
    with (folder / "demand.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    for column in {column for cells in changes.values() for column in cells} - set(header):
        for row in rows:
            row.append(column if row is header else "")
    for line, cells in changes.items():
        for column, value in cells.items():
            rows[line - 1][header.index(column)] = value
    with (target / "demand.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _old_rejection(folder: Path) -> list[str]:
    """The problems the record path finds in demand.csv and across the tables."""
    records, lines, errors = _records_of_file(folder / "demand.csv")
    scenario = evramp.load_scenario(DEFAULT_SCENARIO)
    as_records = dataclasses.replace(scenario, demand=records, lines={"demand": tuple(lines)})
    incomplete = frozenset({"demand"}) if errors else frozenset()
    findings = check_scenario(as_records, incomplete)
    return sorted({str(e) for e in [*errors, *findings.errors]})


def test_fifty_thousand_lines_with_problems_are_refused_as_the_record_path(
    big_folder: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad"
    _mutate(
        big_folder,
        bad,
        {
            3: {"quantity": "-2"},
            17: {"due": "2030-01-07"},
            100: {"variant": "BATTERY-PACK"},  # not an item id of the plant
            101: {"variant": "SU7-BODY"},
            2_000: {"priority": "1.5", "price": "abc"},
            9_999: {"id": "SO-240404-SU7-WH-0000"},  # line 2's id
            20_000: {"due": "20240404", "kind": "sale"},
            30_000: {"max_weeks_late": "521", "lateness_penalty": "1e300"},
            40_000: {"quantity": "1_000", "priority": "+2"},  # odd, but pydantic takes them
            45_000: {"id": "has space", "quantity": ""},
        },
    )
    with pytest.raises(ScenarioInvalid) as refused:
        evramp.load_scenario(bad)
    ours = sorted({str(e) for e in refused.value.errors})
    assert ours == _old_rejection(bad)
    assert "demand.csv:3: quantity: must be > 0, got -2" in ours
    assert "demand.csv:9999: id: duplicate of line 2 (id = SO-240404-SU7-WH-0000)" in ours
    assert len(ours) == 13  # 4 lines with 2 problems each, 5 with one, one pydantic takes


# --- one cell at a time: the first pass takes only what pydantic takes, as pydantic reads it ---

ODD_CELLS: dict[str, list[str]] = {
    "id": ["A", "a.b_c-d/e+f", "-A", ".A", "A B", "Ä", "A\u00a0", "Ａ", "A" * 300],
    "variant": ["SU7", "SU7 ", "", "x;y"],
    "quantity": [
        "1",
        "0",
        "-0",
        "1e-6",
        "9.99e-7",
        "1e9",
        "1.0000001e9",
        "1e400",
        "inf",
        "nan",
        "-1",
        "+1",
        "1.",
        ".5",
        "1E3",
        "1e+3",
        "1_000",
        "0x10",
        "1,5",
        "١",
        "1e",
        "e1",
    ],
    "due": [
        "2024-04-04",
        "2024-4-4",
        "2024-02-30",
        "20240404",
        "45385",
        "1899-12-31",
        "1900-01-01",
        "2199-12-31",
        "2200-01-01",
        "2024-04-04T00:00",
        "２０２４-04-04",
    ],
    "priority": ["1", "9", "0", "10", "01", "1.0", "1.5", "+1", "-1", "1e0", "٣"],
    "price": ["0", "0.0", "1e-7", "1e-6", "1e9", "2e9", "-0.0", "12.50"],
    "lateness_penalty": ["1500", "1e-320", "5e-324"],
    "kind": ["firm", "forecast", "Firm", "order", "sale", " firm"],
    "max_weeks_late": ["0", "520", "521", "-1", "00", "0.0", "52"],
}
_BASE = {"id": "O-1", "variant": "SU7", "quantity": "3", "due": "2024-04-04"}


def _pydantic(cells: dict[str, str]) -> Order | list[str]:
    try:
        return Order.model_validate({k: v for k, v in cells.items() if v})
    except Exception as problem:  # the field names of every error, as a list
        return sorted(str(e["loc"][0]) for e in problem.errors())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("column", "cell"), [(c, v) for c, values in ODD_CELLS.items() for v in values]
)
def test_an_odd_cell_reads_as_pydantic_reads_it(column: str, cell: str) -> None:
    cells = {**_BASE, column: cell}
    frame = pl.DataFrame(
        {name: [value or None] for name, value in cells.items()},
        schema=dict.fromkeys(cells, pl.String),
    ).with_columns(pl.lit(2, pl.Int64).alias(LINE))
    read = read_demand(frame, "demand.csv")
    expected = _pydantic(cells)
    if isinstance(expected, Order):
        assert read.errors == []
        record = read.table[0]
        assert record == expected
        assert type(getattr(record, column)) is type(getattr(expected, column))
        value = getattr(record, column)
        if isinstance(value, float):  # the same bits: -0.0 stays -0.0
            assert np.float64(value).tobytes() == np.float64(getattr(expected, column)).tobytes()
    else:
        assert len(read.table) == 0
        assert sorted(e.field for e in read.errors) == expected


def test_whitespace_is_what_python_strips() -> None:
    assert set(WHITESPACE) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


# --- the Python API over columns -------------------------------------------------------------


def test_demand_stays_a_sequence_of_records(default_scenario: Scenario) -> None:
    demand = default_scenario.demand
    first = demand[0]
    assert isinstance(first, Order) and first.id == "SO-240404-SU7-WH"
    assert demand[-1] == list(demand)[-1]
    assert list(demand[2:5]) == list(demand)[2:5]
    assert sum(1 for _ in demand) == len(demand) == 2951
    with pytest.raises(IndexError):
        demand[len(demand)]
    built = dataclasses.replace(default_scenario, demand=tuple(demand)[:10])
    assert isinstance(built.demand, DemandTable) and len(built.demand) == 10


def test_a_change_to_one_demand_line_keeps_the_others(default_scenario: Scenario) -> None:
    changed = default_scenario.with_changes({"demand.SO-240404-SU7-WH.quantity": "5"})
    assert changed.demand[0].quantity == 5
    assert list(changed.demand)[1:] == list(default_scenario.demand)[1:]
    with pytest.raises(ScenarioInvalid) as refused:
        default_scenario.with_changes({"demand.SO-240404-SU7-WH.due": "2031-01-06"})
    assert str(refused.value.errors[0]).startswith("demand.csv:2: due: 2031-01-06 is after")


def test_a_scenario_written_and_read_back_has_the_same_demand(
    default_scenario: Scenario, tmp_path: Path
) -> None:
    evramp.write_scenario(default_scenario, tmp_path / "copy")
    again = evramp.load_scenario(tmp_path / "copy")
    assert again == default_scenario
    assert list(again.demand) == list(default_scenario.demand)
