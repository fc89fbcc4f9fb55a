"""`evramp db` as a user runs it (real processes, a real workspace file), a kill -9 in the
middle of an import, and eight writers at once on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import evramp
from evramp.app import read_plan, read_stored
from evramp.cli import EXIT_BAD_INPUT
from evramp.io import load_scenario, write_scenario
from evramp.model import Scenario
from evramp.store import Workspace
from evramp.store.plans import parts_of
from evramp.store.rows import content_of
from tests import factory

EVRAMP = str(Path(sys.executable).with_name("evramp"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EVRAMP, *args], capture_output=True, text=True, check=False)


def test_import_copy_diff_export(tmp_path: Path, default_scenario: Scenario) -> None:
    folder = write_scenario(default_scenario, tmp_path / "yizhuang")
    assert run("db", "import", str(folder)).returncode == 0
    copied = run("db", "copy", "yizhuang", "paint45", "--set", "shops.paint.rate=45")
    assert copied.returncode == 0, copied.stderr
    assert "1 of its 4,828 rows stored" in copied.stdout
    listed = run("db", "list")
    assert "paint45" in listed.stdout and "yizhuang" in listed.stdout
    diffed = run("db", "diff", "yizhuang", "paint45")
    assert "changed shops paint: rate: 50.0 -> 45.0" in diffed.stdout
    assert diffed.stdout.strip().endswith("1 changed")
    assert run("db", "export", "yizhuang", str(tmp_path / "back")).returncode == 0
    for path in folder.iterdir():
        assert (tmp_path / "back" / path.name).read_bytes() == path.read_bytes(), path.name
    assert run("db", "export", "paint45", str(tmp_path / "paint45.xlsx")).returncode == 0
    assert zipfile.is_zipfile(tmp_path / "paint45.xlsx")  # a workbook, not a folder so named
    expected = default_scenario.with_changes({"shops.paint.rate": 45})
    assert load_scenario(tmp_path / "paint45.xlsx") == expected


def test_a_bad_scenario_is_refused_whole(tmp_path: Path, default_scenario: Scenario) -> None:
    folder = write_scenario(default_scenario, tmp_path / "bad")
    demand = folder / "demand.csv"
    lines = demand.read_text().splitlines()
    fields = lines[5].split(",")
    fields[2] = "-2"
    lines[5] = ",".join(fields)
    demand.write_text("\n".join(lines) + "\n")
    imported = run("db", "import", str(folder))
    assert imported.returncode == EXIT_BAD_INPUT
    assert "demand.csv:6: quantity: must be > 0, got -2" in imported.stderr
    assert "Traceback" not in imported.stderr
    assert "holds no scenario" in run("db", "list").stdout
    unknown = run("db", "show", "nothing")
    assert unknown.returncode == EXIT_BAD_INPUT and "no scenario named 'nothing'" in unknown.stderr


def test_explain_and_mrp_read_the_stored_plan(tmp_path: Path) -> None:
    assert run("db", "import", "yizhuang").returncode == 0
    planned = run("plan", "yizhuang", "-o", str(tmp_path / "out"))
    assert planned.returncode == 0, planned.stderr
    assert "kept as yizhuang@1 plan 1" in planned.stdout
    explained = run("explain", "-s", "yizhuang")
    assert explained.returncode == 0, explained.stderr
    assert "Planning" not in explained.stdout  # read, not solved again
    assert "the stored yizhuang@1 plan 1" in explained.stdout
    assert "Binding constraints" in explained.stdout
    ordered = run("mrp", "yizhuang", "-o", str(tmp_path / "mrp"))
    assert ordered.returncode == 0 and "Planning" not in ordered.stdout
    logged = run("db", "log", "yizhuang")
    assert "plan 1" in logged.stdout and "HiGHS" in logged.stdout
    assert run("db", "copy", "yizhuang", "slow", "--set", "shops.paint.rate=40").returncode == 0
    assert run("plan", "slow", "-o", str(tmp_path / "slow")).returncode == 0
    compared = run("db", "compare", "yizhuang", "slow", "-o", str(tmp_path / "compare"))
    assert compared.returncode == 0, compared.stderr
    assert (tmp_path / "compare" / "compare.html").is_file()
    assert "delivered total" in compared.stdout
    assert "Output per variant and year" in compared.stdout
    assert "What binds, against the base" in compared.stdout
    _check_output_table(tmp_path / "compare", only_differences=False)
    differing = run("db", "compare", "yizhuang", "slow", "--only-differences", "-o", str(tmp_path))
    assert differing.returncode == 0, differing.stderr
    _check_output_table(tmp_path, only_differences=True)


def _check_output_table(folder: Path, only_differences: bool) -> None:
    """compare_output.csv holds each stored plan's output per variant and week (the weeks
    where they differ only, with --only-differences)."""
    table = pd.read_csv(folder / "compare_output.csv", parse_dates=["week"])
    assert list(table.columns) == ["variant", "week", "yizhuang@1", "slow@1"]
    for ref in ("yizhuang", "slow"):
        output = read_plan(ref).result.output.groupby(["variant", "week"])["quantity"].sum()
        column = table.set_index(["variant", "week"])[f"{ref}@1"]
        assert np.allclose(
            column.loc[output.index.intersection(column.index)],
            output.loc[output.index.intersection(column.index)],
            rtol=1e-5,
        )
        if not only_differences:
            assert output.index.isin(column.index).all()
    differs = ~np.isclose(table["yizhuang@1"], table["slow@1"], rtol=1e-5, atol=1e-6)
    assert differs.all() if only_differences else differs.any() and not differs.all()


def test_kill_9_during_an_import_leaves_the_store_whole(tmp_path: Path) -> None:
    """Killed at several moments of an import of plant S: the workspace afterwards holds the
    old state (nothing) or the new one whole, and stays writable."""
    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from generate import generate

    scenario = generate("S")
    folder = write_scenario(scenario, tmp_path / "S")
    for delay in (0.3, 0.6, 0.9, 1.2, 1.6, 2.2):
        db = str(tmp_path / f"w{delay}.sqlite")
        process = subprocess.Popen(
            [EVRAMP, "db", "import", str(folder), "--db", db],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        workspace = Workspace.existing(db)
        found = [] if workspace is None else workspace.scenarios()
        if found:
            assert read_stored("S", db)[1] == scenario
        Workspace.open(db).add("after", content_of(factory.one_car_one_shop()), "test")


def _plant_s_stored(tmp_path: Path, db: str) -> Scenario:
    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from generate import generate

    scenario = generate("S")
    folder = write_scenario(scenario, tmp_path / "S")
    assert run("db", "import", str(folder), "--db", db).returncode == 0
    return scenario


@pytest.mark.parametrize("command", ["copy", "plan"])
def test_kill_9_during_a_copy_or_a_plan_leaves_the_store_whole(
    tmp_path: Path, command: str
) -> None:
    """`db copy` and `plan NAME` of plant S killed late in their run (at 70 to 99 % of the
    time an uninterrupted run takes, where they store what they made): each time the workspace
    holds the old state or the new one whole, passes SQLite's integrity check, and stays
    writable; the uninterrupted run shows what whole means."""
    base = str(tmp_path / "base.sqlite")
    scenario = _plant_s_stored(tmp_path, base)
    rate = scenario.shops[0].rate + 1
    args = {
        "copy": [
            "db",
            "copy",
            "S",
            "S-whatif",
            "--set",
            f"shops.{scenario.shops[0].id}.rate={rate}",
        ],
        "plan": ["plan", "S", "--out", str(tmp_path / "out")],
    }[command]

    def state(db: str) -> object:
        """What the command adds: the copy's scenario, or the stored plan's objective."""
        if command == "copy":
            names = {revision.scenario for revision, _, _ in Workspace.open(db).scenarios()}
            return read_stored("S-whatif", db)[1] if "S-whatif" in names else None
        plans = Workspace.open(db).log("S")[0][1]
        return read_plan("S", db=db).result.objective if plans else None

    started = time.perf_counter()
    whole = str(tmp_path / "whole.sqlite")
    shutil.copyfile(base, whole)
    assert run(*args, "--db", whole).returncode == 0
    took = time.perf_counter() - started
    expected = state(whole)
    assert expected is not None
    if command == "copy":
        assert expected == scenario.with_changes({f"shops.{scenario.shops[0].id}.rate": rate})
    for share in (0.7, 0.8, 0.85, 0.9, 0.95, 0.99):
        db = str(tmp_path / f"kill{share}.sqlite")
        shutil.copyfile(base, db)
        process = subprocess.Popen(
            [EVRAMP, *args, "--db", db], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(share * took)
        process.send_signal(signal.SIGKILL)
        process.wait()
        with sqlite3.connect(db) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        found = state(db)
        assert found is None or found == expected, share
        Workspace.open(db).add("after", content_of(factory.one_car_one_shop()), "test")


WRITER = """
import sys
from evramp.store import Workspace
workspace = Workspace.open(sys.argv[1])
info, parts = workspace.plan("shared@1")
_, content = workspace.content("shared@1")
for n in range(int(sys.argv[3])):
    header = dict(content.header, notes=f"writer {sys.argv[2]} revision {n}")
    mine = type(content)(header, content.tables)
    revision = workspace.add("shared", mine, f"writer {sys.argv[2]}").revision
    workspace.add_plan(revision.ref, parts, {"writer": sys.argv[2]}, "Optimal", 0.0, "x")
"""


def test_eight_writers_at_once_lose_nothing(workspace_db: str) -> None:
    scenario = factory.one_car_one_shop()
    workspace = Workspace.open(workspace_db)
    revision = workspace.add("shared", content_of(scenario), "test").revision
    result = evramp.plan(scenario)
    workspace.add_plan(revision.ref, parts_of(result), {}, result.status, result.objective, "x")
    writers, each = 8, 50
    processes = [
        subprocess.Popen([sys.executable, "-c", WRITER, workspace_db, str(n), str(each)])
        for n in range(writers)
    ]
    assert [process.wait(timeout=600) for process in processes] == [0] * writers
    log = workspace.log("shared")
    assert [entry.number for entry, _ in log] == list(range(1, writers * each + 2))
    assert all(len(plans) == 1 for _, plans in log)
    notes = set()
    for entry, _ in log[1:]:
        _, content = workspace.content(entry.ref)
        assert content.hash() == entry.hash
        notes.add(content.header["notes"])
        assert content.scenario("x") == dataclasses.replace(scenario, notes=content.header["notes"])
    assert len(notes) == writers * each
