"""The Python API as a notebook user meets it: loading by name, changing a scenario, dates and
years in the plan's tables, and the README's account of them."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import evramp
from evramp.plan.result import COLUMNS
from evramp.report import yearly_totals
from tests.factory import one_car_one_shop, order

README = Path(__file__).resolve().parents[1] / "README.md"


# --- dates and years ------------------------------------------------------------------------


def test_grouping_by_the_year_column_gives_the_clis_yearly_figures(
    default_plan: evramp.PlanResult,
) -> None:
    """The CLI counts a week in the year of its Thursday; `.dt.year` of the Monday does not
    (81,543 cars built in 2024 against the CLI's 78,551)."""
    cli = yearly_totals(default_plan)
    built = default_plan.output.groupby("year")["quantity"].sum()
    delivered = default_plan.deliveries.groupby("year")["quantity"].sum()
    orders = default_plan.orders
    due = orders.groupby(default_plan.year_of(orders["due"]))["quantity"].sum()
    for mine, theirs in ((built, "built"), (delivered, "delivered"), (due, "due")):
        expected = cli[theirs][cli[theirs] > 0]
        assert list(mine.index) == [int(year) for year in expected.index]
        np.testing.assert_allclose(mine.to_numpy(), expected.to_numpy(), rtol=1e-12)
    assert round(built.loc[2024]) == 78_551
    by_monday = default_plan.output.groupby(default_plan.output["week"].dt.year)["quantity"]
    assert round(by_monday.sum().loc[2024]) != 78_551  # why the year column exists


def test_week_columns_are_dates_and_the_csv_files_keep_iso_dates(
    default_plan: evramp.PlanResult, tmp_path: Path
) -> None:
    date_columns = {
        "builds": ("week", "finish_week"),
        "output": ("week",),
        "purchases": ("release_week", "receipt_week"),
        "stock": ("week",),
        "deliveries": ("week",),
        "backlog": ("week",),
        "orders": ("due", "last_delivery"),
        "capacity": ("week",),
        "supply": ("week",),
    }
    tables = default_plan.tables()
    for name, columns in date_columns.items():
        for column in columns:
            assert pd.api.types.is_datetime64_dtype(tables[name][column]), (name, column)
    first = default_plan.output.sort_values("week").iloc[0]
    assert first["week"].weekday() == 0 and first["week"].isoformat().startswith("2024-")
    evramp.io.write_tables(tmp_path / "plan", tables)
    text = (tmp_path / "plan" / "output.csv").read_text().splitlines()
    assert text[0] == "variant,week,year,quantity"
    assert re.fullmatch(r"SU7,\d{4}-\d\d-\d\d,\d{4},[\d.]+", text[1]), text[1]


def test_a_week_around_new_year_counts_in_the_year_of_its_thursday() -> None:
    """Monday 2024-12-30 has its Thursday on 2 January 2025; Monday 2026-12-28 on 31 December."""
    plan = evramp.plan(one_car_one_shop(weeks=2, demand=[order("O1", 100, 1)]))
    assert plan.year_of(pd.Series(pd.to_datetime(plan.bucket_starts))).tolist() == [2024, 2024]
    from evramp.model.buckets import bucket_year

    assert bucket_year("2024-12-30", "week") == 2025
    assert bucket_year("2026-12-28", "week") == 2026
    assert bucket_year("2024-12-30", "day") == 2024
    assert bucket_year("2024-12-01", "month") == 2024


def test_readme_lists_the_columns_of_every_table(default_plan: evramp.PlanResult) -> None:
    """README's Python block names each table's columns in its comment: they are the frames'."""
    block = README.read_text(encoding="utf-8").split("## Python", 1)[1].split("```python")[1]
    block = block.split("```", 1)[0]
    listed = dict(re.findall(r"^result\.(\w+)\s+# DataFrame: ([\w, ]+)$", block, re.MULTILINE))
    tables = {name: getattr(default_plan, name) for name in COLUMNS}
    assert set(listed) == set(tables), "README lists other tables than the plan has"
    for name, frame in tables.items():
        assert tuple(frame.columns) == COLUMNS[name], name
        assert [c.strip() for c in listed[name].split(",")] == list(COLUMNS[name]), name


# --- loading -----------------------------------------------------------------------------------


def test_a_built_in_scenario_loads_by_name_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, default_scenario: evramp.Scenario
) -> None:
    monkeypatch.chdir(tmp_path)
    assert evramp.builtin_scenarios() == ["yizhuang"]
    assert evramp.load_scenario("yizhuang") == default_scenario


def test_a_folder_in_the_working_directory_comes_before_a_built_in_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = one_car_one_shop(weeks=3, demand=[order("O1", 100, 1)], name="my yizhuang")
    evramp.write_scenario(mine, tmp_path / "yizhuang")
    monkeypatch.chdir(tmp_path)
    assert evramp.load_scenario("yizhuang").name == "my yizhuang"
    assert evramp.load_scenario(Path("yizhuang")).name == "my yizhuang"


def test_a_missing_folder_is_refused_saying_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(evramp.ScenarioInvalid) as relative:
        evramp.load_scenario("scenarios/plant")
    assert str(relative.value) == (
        f"scenarios/plant: not a scenario folder (no such directory: looked for "
        f"{tmp_path / 'scenarios' / 'plant'}, from the working directory {tmp_path})"
    )
    with pytest.raises(
        evramp.ScenarioInvalid, match=r"nor a built-in scenario \(built-in: yizhuang\)"
    ):
        evramp.load_scenario("yizhaung")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(evramp.ScenarioInvalid, match=r"a file, not a directory"):
        evramp.load_scenario(tmp_path / "notes.txt")


# --- changing a scenario --------------------------------------------------------------------


def test_with_changes_sets_values_by_table_row_and_field(
    default_scenario: evramp.Scenario,
) -> None:
    changed = default_scenario.with_changes(
        {
            "shops.paint.rate": 56,
            "suppliers.CATL:CELL-NCM-612.capacity": "4000",  # text, as a command line gives it
            "ramp.paint.ramp_weeks": 30,  # the file's name works as well as the table's
            "bom.SU7:PACK-LFP-73.6.yield": 0.99,  # an id with a dot; the column of yield_
            "calendar.horizon_weeks": 200,
        }
    )
    shops = {shop.id: shop for shop in changed.shops}
    assert shops["paint"].rate == 56.0
    assert {(s.supplier, s.item): s.capacity for s in changed.suppliers}[
        ("CATL", "CELL-NCM-612")
    ] == 4000.0
    assert {r.shop: r.ramp_weeks for r in changed.ramps}["paint"] == 30
    assert {(b.parent, b.child): b.yield_ for b in changed.bom}[("SU7", "PACK-LFP-73.6")] == 0.99
    assert changed.calendar.horizon_weeks == 200
    # Nothing else changed, the original is untouched, and the rows keep their file lines.
    assert [s for s in changed.shops if s.id != "paint"] == [
        s for s in default_scenario.shops if s.id != "paint"
    ]
    assert {shop.id: shop.rate for shop in default_scenario.shops}["paint"] == 50.0
    assert changed.lines == default_scenario.lines
    assert evramp.plan(changed).optimal


def test_a_bad_value_is_refused_at_its_row_naming_the_change(
    default_scenario: evramp.Scenario,
) -> None:
    """`model_copy(update={"rate": -5})` skipped validation and ended as an infeasible plan."""
    with pytest.raises(evramp.ScenarioInvalid) as refused:
        default_scenario.with_changes({"shops.paint.rate": -5})
    line = default_scenario.line_of("shops", [s.id for s in default_scenario.shops].index("paint"))
    assert (
        str(refused.value)
        == f"shops.csv:{line}: rate: must be > 0, got -5 (set by shops.paint.rate)"
    )


def test_every_problem_of_a_set_of_changes_is_reported_at_once(
    default_scenario: evramp.Scenario,
) -> None:
    with pytest.raises(evramp.ScenarioInvalid) as refused:
        default_scenario.with_changes(
            {
                "shops.paint.rate": "fast",
                "shops.pain.rate": 1,
                "shops.paint.rte": 2,
                "shopz.paint.rate": 3,
                "suppliers.CATL.capacity": 4000,
                "calendar.horizon_weeks": 0,
                "shops": 5,
            }
        )
    text = str(refused.value)
    for expected in (
        "rate: expected a number, got 'fast' (set by shops.paint.rate)",
        "shops.csv: shops.pain.rate: no row 'pain' in shops.csv; did you mean paint?",
        "shops.csv: rte: unknown field in shops.paint.rte; did you mean rate?",
        "shopz.paint.rate: unknown table 'shopz'; expected one of calendar, items, bom, shops",
        "suppliers.csv: suppliers.CATL.capacity: 'CATL' names 2 rows (lines",
        "give the whole supplier:item, e.g. CATL:CELL-LFP, CATL:CELL-NCM-612",
        "scenario.yaml: calendar.horizon_weeks: must be >= 1, got 0",
        "shops: expected TABLE.ROW.FIELD (or calendar.FIELD)",
    ):
        assert expected in text, expected
    assert len(refused.value.errors) == 7


def test_a_change_that_breaks_another_table_is_refused(default_scenario: evramp.Scenario) -> None:
    with pytest.raises(
        evramp.ScenarioInvalid, match=r"routings\.csv:\d+: shop: unknown shop 'nowhere'"
    ):
        default_scenario.with_changes({"routings.SU7:assembly.shop": "nowhere"})


def test_a_parsed_change_is_reused_and_an_assignment_is_parsed_as_a_command_line_gives_it(
    default_scenario: evramp.Scenario,
) -> None:
    change = evramp.Change.parse_assignment("shops.paint.rate=56")
    assert (change.table, change.key, change.field, change.value) == (
        "shops",
        ("paint",),
        "rate",
        "56",
    )
    assert default_scenario.with_changes([change]) == default_scenario.with_changes(
        {"shops.paint.rate": 56}
    )
    dotted = evramp.Change.parse("items.P-1.5L.unit_cost", 3)  # ids may contain dots
    assert (dotted.key, dotted.field) == (("P-1.5L",), "unit_cost")
    with pytest.raises(evramp.ScenarioInvalid, match=r"expected TABLE\.ROW\.FIELD=VALUE"):
        evramp.Change.parse_assignment("shops.paint.rate")


def test_every_table_can_be_addressed_by_the_key_that_validation_keeps_unique() -> None:
    from evramp.model.scenario import TABLES
    from evramp.model.validate import _KEYS

    assert {spec.name: spec.key for spec in TABLES if spec.name in _KEYS} == _KEYS
    # Two receipts, or two actuals of one line, may come on one day.
    assert set(_KEYS) == {spec.name for spec in TABLES} - {"receipts", "actuals"}
