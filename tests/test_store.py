"""The workspace on SQLite and on a real PostgreSQL server: revisions read back whole, copies
store only what differs, bad input stores nothing, plans read back as they were made."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, inspect

from evramp.app import BadInput, copy_scenario, read_changes, read_plan, read_stored, store_plan
from evramp.app.scenarios import rejected
from evramp.model import Scenario
from evramp.model.errors import ScenarioInvalid
from evramp.plan import PlanResult
from evramp.store import NameTaken, NotInWorkspace, Workspace
from evramp.store.diff import diff
from evramp.store.engine import head_revision, reading, schema_version
from evramp.store.rows import (
    Content,
    TableRows,
    content_of,
    delta,
    delta_size,
    in_order,
    overlay,
    stored_whole,
)
from evramp.store.schema import metadata
from evramp.store.workspace import MAX_CHAIN


def test_the_migrations_make_the_schema_the_code_declares(workspace_db: str) -> None:
    workspace = Workspace.open(workspace_db)
    with reading(workspace.engine) as connection:
        assert schema_version(connection) == head_revision()
        found = inspect(connection)
        for table in metadata.sorted_tables:
            columns = {column["name"] for column in found.get_columns(table.name)}
            assert columns == {column.name for column in table.columns}, table.name


def test_an_imported_scenario_reads_back_equal(
    workspace_db: str, default_scenario: Scenario
) -> None:
    workspace = Workspace.open(workspace_db)
    added = workspace.add("yizhuang", content_of(default_scenario), "test")
    assert added.new and added.revision.ref == "yizhuang@1" and added.revision.full
    revision, content = workspace.content("yizhuang")
    assert content.scenario("yizhuang") == default_scenario
    assert content.hash() == content_of(default_scenario).hash() == revision.hash
    again = workspace.add("yizhuang", content_of(default_scenario), "test")
    assert not again.new and again.revision.number == 1


def test_a_copy_stores_only_the_rows_that_differ(
    workspace_db: str, default_scenario: Scenario
) -> None:
    workspace = Workspace.open(workspace_db)
    workspace.add("yizhuang", content_of(default_scenario), "test")
    changes = read_changes(["shops.paint.rate=45", "suppliers.CATL:CELL-NCM-612.capacity=4000"])
    copy = copy_scenario("yizhuang", "paint45", changes, workspace_db)
    assert copy.parent == "yizhuang@1" and copy.stored_rows == 2 and not copy.full
    expected = default_scenario.with_changes(changes)
    assert read_stored("paint45", workspace_db)[1] == expected
    assert workspace.stored_bytes("paint45") < 0.01 * workspace.stored_bytes("yizhuang")
    changed = {
        (c.table, c.key) for c in diff(*(workspace.content(r)[1] for r in ("yizhuang", "paint45")))
    }
    assert changed == {("shops", "paint"), ("suppliers", "CATL:CELL-NCM-612")}


def test_a_revision_of_a_copy_overlays_every_delta_of_its_chain(
    workspace_db: str, default_scenario: Scenario
) -> None:
    workspace = Workspace.open(workspace_db)
    workspace.add("base", content_of(default_scenario), "test")
    first = default_scenario.with_changes({"shops.paint.rate": 45})
    workspace.copy("base", "what-if", content_of(first), "test")
    fewer = dataclasses.replace(first, inventory=first.inventory[:-2])  # two rows removed
    second = workspace.add("what-if", content_of(fewer), "test").revision
    assert second.ref == "what-if@2" and second.parent == "what-if@1" and second.stored_rows == 2
    assert workspace.content("what-if@2")[1].scenario("x") == fewer
    assert workspace.content("what-if@1")[1].scenario("x") == first  # immutable
    assert workspace.content("base")[1].scenario("x") == default_scenario


def test_rows_removed_or_inserted_anywhere_store_only_those_rows(
    workspace_db: str, default_scenario: Scenario
) -> None:
    """Rows are matched, not compared by position: removing the first rows of a table or
    inserting one in the middle stores those rows alone, and each revision reads back whole."""
    workspace = Workspace.open(workspace_db)
    workspace.add("s", content_of(default_scenario), "test")
    stock = default_scenario.inventory
    assert len(stock) > 8
    fewer = dataclasses.replace(default_scenario, inventory=stock[2:])
    assert workspace.add("s", content_of(fewer), "test").revision.stored_rows == 2
    stocked = {row.item for row in stock}
    other = next(item.id for item in default_scenario.items if item.id not in stocked)
    extra = stock[0].model_copy(update={"item": other})
    middle = len(stock) // 2
    more = dataclasses.replace(fewer, inventory=(*stock[2:middle], extra, *stock[middle:]))
    assert workspace.add("s", content_of(more), "test").revision.stored_rows == 1
    back = dataclasses.replace(more, inventory=stock)  # the first two again, the new one gone
    assert workspace.add("s", content_of(back), "test").revision.stored_rows == 3
    for number, scenario in enumerate((default_scenario, fewer, more, back), start=1):
        assert workspace.content(f"s@{number}")[1].scenario("x") == scenario


@pytest.mark.parametrize("room", ["room", "none"])
def test_a_delta_overlaid_on_its_parent_gives_the_child_after_any_edits(room: str) -> None:
    """Random runs of removed, inserted and changed rows, revision after revision, then a
    hundred rows inserted at one place (its room used up and made again): the overlay is
    always the child; a delta stores about the lines edited, and rows inserted at one place
    cost a few lines each, not a shift of the table after them (150 lines each here). Also
    from positions without room between them (a workspace of evramp 0.2 stored them so)."""
    rng = random.Random(7)
    lines = [f"row {n}" for n in range(300)]
    parent = _stored(lines) if room == "room" else TableRows("c", lines, range(len(lines)))
    for revision in range(60):
        child, edited = _edited(list(parent.live), revision, rng)
        parent, stored = _revised(parent, child)
        if room == "room":
            assert stored <= 2 * edited + 2, (revision, stored, edited)
    at_one_place = 0
    for revision in range(100):
        child = list(parent.live)
        child.insert(150, f"again {revision}")
        parent, stored = _revised(parent, child)
        at_one_place += stored
    assert at_one_place <= 100 * 12, at_one_place


def test_rows_inserted_close_together_without_room_are_placed_together() -> None:
    """Two rows inserted two apart where positions leave no room: widening the first one's
    window reaches the second, and both are placed in one window (with no room anywhere, the
    rows after them are placed again)."""
    lines = [f"row {n}" for n in range(10)]
    child = [*lines[:3], "a", lines[3], "b", *lines[4:]]
    parent, stored = _revised(TableRows("c", lines, range(10)), child)
    assert parent.live == child and stored <= 2 * len(child)


def _stored(lines: list[str]) -> TableRows:
    return TableRows("c", lines, [position for position, _ in stored_whole(TableRows("c", lines))])


def _edited(child: list[str], revision: int, rng: random.Random) -> tuple[list[str], int]:
    edited = 0
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(child) + 1)
        width = rng.randint(1, 5)
        kind = rng.choice(["insert", "remove", "change"])
        if kind == "insert":
            child[at:at] = [f"new {revision}.{at}.{k}" for k in range(width)]
        elif kind == "remove":
            width = len(child[at : at + width])
            del child[at : at + width]
        else:
            width = len(child[at : at + width])
            child[at : at + width] = [f"changed {revision}.{k}" for k in range(width)]
        edited += width
    return child, edited


def _revised(parent: TableRows, child: list[str]) -> tuple[TableRows, int]:
    """The child as stored over `parent` and read back, and how many lines it stored."""
    changes = delta(Content({}, {"t": parent}), Content({}, {"t": TableRows("c", child)}))
    assert parent.positions is not None
    overlaid: dict[str, dict[int, str | None]] = {
        "t": dict(zip(parent.positions, parent.live, strict=True))
    }
    overlay(overlaid, changes)
    revised = in_order("c", overlaid["t"])
    assert revised.live == child
    return revised, delta_size(changes)


def test_bad_changes_store_nothing_and_say_every_problem(
    workspace_db: str, default_scenario: Scenario
) -> None:
    workspace = Workspace.open(workspace_db)
    workspace.add("yizhuang", content_of(default_scenario), "test")
    with pytest.raises(BadInput) as refused:
        copy_scenario("yizhuang", "bad", read_changes(["shops.paint.rate=-5"]), workspace_db)
    assert refused.value.details is not None and "must be > 0, got -5" in refused.value.details
    with pytest.raises(BadInput) as unknown:
        read_changes(["shops.nope", "shops.paint.rate=1"])
    assert unknown.value.details is not None and "--set shops.nope" in unknown.value.details
    assert [entry[0].scenario for entry in workspace.scenarios()] == ["yizhuang"]
    with pytest.raises(NotInWorkspace):
        workspace.revision("bad")


def test_a_copy_refuses_what_validating_the_whole_scenario_refuses(
    workspace_db: str, default_scenario: Scenario
) -> None:
    """A copy reads and checks only what its changes can break, yet says every problem the
    whole scenario's validation says, in the same words."""
    Workspace.open(workspace_db).add("yizhuang", content_of(default_scenario), "test")
    changes = read_changes(
        [
            "suppliers.CATL:CELL-NCM-612.item=NOPE",  # an unknown item
            "shops.paint.id=body",  # a duplicate, and routings to a shop that is gone
            "calendar.horizon_weeks=60",  # orders after the end
        ]
    )
    with pytest.raises(ScenarioInvalid) as whole:
        default_scenario.with_changes(changes)
    with pytest.raises(BadInput) as refused:
        copy_scenario("yizhuang", "bad", changes, workspace_db)
    assert len(whole.value.errors) > 10
    assert refused.value.details == rejected("yizhuang", whole.value).details


def test_copies_of_copies_read_back_whole_past_the_longest_chain(
    workspace_db: str, default_scenario: Scenario
) -> None:
    """Each copy stores its delta over its parent, but the copy of a parent `MAX_CHAIN - 1`
    deltas from a full revision is stored whole (its parent's tables and its own), and every
    one reads back as the scenario with all the changes made."""
    workspace = Workspace.open(workspace_db)
    workspace.add("w0", content_of(default_scenario), "test")
    expected = default_scenario
    for n in range(1, MAX_CHAIN + 3):
        change = read_changes([f"shops.paint.rate={40 + n}"])
        revision = copy_scenario(f"w{n - 1}", f"w{n}", change, workspace_db)
        expected = expected.with_changes(change)
        assert revision.full == (n == MAX_CHAIN) and revision.rows == content_of(expected).rows
        assert revision.hash == content_of(expected).hash()
        assert read_stored(f"w{n}", workspace_db)[1] == expected


def test_a_workspace_from_before_table_hashes_is_hashed_again_on_open(
    workspace_db: str, default_scenario: Scenario
) -> None:
    """Migration 0002 adds each table's hash and hashes every stored revision by the new
    rule (a full revision, a delta and a delta of a delta)."""
    from alembic import command
    from alembic.config import Config

    from evramp.store.engine import MIGRATIONS, writing

    workspace = Workspace.open(workspace_db)
    workspace.add("a", content_of(default_scenario), "test")
    copy_scenario("a", "b", read_changes(["shops.paint.rate=45"]), workspace_db)
    copy_scenario("b", "c", read_changes(["suppliers.CATL:CELL-NCM-612.capacity=1"]), workspace_db)
    expected = {ref: workspace.revision(ref).hash for ref in "abc"}
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with writing(workspace.engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
        connection.exec_driver_sql("UPDATE revision SET hash = 'old'")
    again = Workspace.open(workspace_db)  # migrates
    assert {ref: again.revision(ref).hash for ref in "abc"} == expected
    for ref in "abc":
        assert again.revision(ref).hash == again.content(ref)[1].hash()


def test_names_are_checked_and_never_taken_twice(
    workspace_db: str, default_scenario: Scenario
) -> None:
    workspace = Workspace.open(workspace_db)
    workspace.add("a", content_of(default_scenario), "test")
    with pytest.raises(NameTaken):
        workspace.copy("a", "a", content_of(default_scenario), "test")
    with pytest.raises(NameTaken):
        workspace.add("with space", content_of(default_scenario), "test")
    with pytest.raises(NotInWorkspace, match="no revision 9"):
        workspace.revision("a@9")


def test_a_stored_plan_reads_back_as_it_was_made(
    workspace_db: str, default_scenario: Scenario, default_plan: PlanResult
) -> None:
    workspace = Workspace.open(workspace_db)
    revision = workspace.add("yizhuang", content_of(default_scenario), "test").revision
    info = store_plan(revision, default_plan, db=workspace_db)
    assert info.ref == "yizhuang@1 plan 1" and info.options["ramp"] == "assumed"
    assert info.highs_version and info.evramp_version
    kept = read_plan("yizhuang", db=workspace_db)
    for name in ("builds", "orders", "capacity", "supply", "backlog"):
        pd.testing.assert_frame_equal(getattr(kept.result, name), getattr(default_plan, name))
    assert kept.result.objective == default_plan.objective
    assert kept.result.costs == default_plan.costs and kept.result.size == default_plan.size
    assert kept.result.levelling == default_plan.levelling
    assert default_plan.bases.first is not None and kept.result.bases.first is not None
    assert (kept.result.bases.first.columns == default_plan.bases.first.columns).all()
    assert kept.scenario == default_scenario


def test_a_revision_without_a_plan_says_how_to_make_one(
    workspace_db: str, default_scenario: Scenario
) -> None:
    Workspace.open(workspace_db).add("yizhuang", content_of(default_scenario), "test")
    with pytest.raises(BadInput, match="has no plan yet"):
        read_plan("yizhuang", db=workspace_db)


def test_a_database_newer_than_evramp_is_refused_not_downgraded(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/w.sqlite"
    Workspace.open(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    from evramp.store import StoreUnavailable

    with pytest.raises(StoreUnavailable, match="9999"):
        Workspace.open(url)


def _write_changes(file: Path, rows: list[list[object]]) -> None:
    if file.suffix == ".csv":
        file.write_text("\n".join(",".join(str(cell) for cell in row) for row in rows) + "\n")
        return
    import xlsxwriter

    book = xlsxwriter.Workbook(str(file))
    sheet = book.add_worksheet()
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    book.close()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_changes_file_as_csv_or_workbook(tmp_path: Path, suffix: str) -> None:
    """The same changes from a CSV file and a workbook's first sheet; a bad row is located as
    `changes.csv:3` or `changes.xlsx: Sheet1!A3`, with every problem at once."""
    rows: list[list[object]] = [
        ["address", "value"],
        ["shops.paint.rate", 56],
        ["shops.nope", 1],
        ["", 2],
        ["suppliers.CATL:CELL-NCM-612.capacity", 4000.5],
    ]
    file = tmp_path / f"changes{suffix}"
    _write_changes(file, rows)
    with pytest.raises(BadInput) as refused:
        read_changes([], file)
    where = "changes.csv:" if suffix == ".csv" else "changes.xlsx: Sheet1!A"
    details = refused.value.details or ""
    assert f"{where}3: address:" in details and f"{where}4: address: required" in details
    good = tmp_path / f"good{suffix}"
    _write_changes(good, [rows[0], rows[1], rows[4]])
    changes = read_changes(["shops.body.rate=40"], good)
    assert [(change.address, change.value) for change in changes] == [
        ("shops.body.rate", "40"),
        ("shops.paint.rate", "56"),
        ("suppliers.CATL:CELL-NCM-612.capacity", "4000.5"),
    ]
