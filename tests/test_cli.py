"""The `evramp` command as a user runs it: a real process, real files."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import evramp
from evramp.cli import EXIT_BAD_INPUT, EXIT_NO_PLAN

EVRAMP = str(Path(sys.executable).with_name("evramp"))
PLAN_FILES = {
    "builds.csv": {"item", "shop", "week", "quantity", "jobs", "finish_week"},
    "purchases.csv": {"supplier", "item", "release_week", "receipt_week", "quantity", "cost"},
    "stock.csv": {"item", "week", "quantity"},
    "deliveries.csv": {"order", "variant", "kind", "week", "quantity"},
    "backlog.csv": {"order", "variant", "kind", "week", "quantity"},
    "orders.csv": {"order", "quantity", "due", "on_time", "delivered", "weeks_late"},
    "capacity.csv": {"shop", "week", "capacity", "load", "shadow_price"},
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EVRAMP, *args], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def planned(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("demo")
    return run("plan", "--out", str(out)), out


def test_plan_prints_the_planners_summary(
    planned: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    process, out = planned
    assert process.returncode == 0, process.stderr
    text = process.stdout
    for heading in (
        "Vehicles built per month",
        "Vehicles per year",
        "On-time delivery",
        "Most binding constraints",
        "Files written",
    ):
        assert heading in text
    assert re.search(r"solver Optimal", text)
    assert len(re.findall(r"^\s+[123]\. (shop|part) ", text, flags=re.MULTILINE)) == 3
    assert str(out / "plan" / "report.html") in text
    # HiGHS prints its banner to file descriptor 1 when the first instance is made.
    for output in (process.stdout, process.stderr):
        assert "Running HiGHS" not in output and "Copyright" not in output


def test_plan_writes_every_table_with_its_columns(
    planned: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, out = planned
    for name, columns in PLAN_FILES.items():
        frame = pd.read_csv(out / "plan" / name)
        assert columns <= set(frame.columns), name
    assert not pd.read_csv(out / "plan" / "builds.csv").empty


def test_report_is_one_self_contained_file(
    planned: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, out = planned
    html = (out / "plan" / "report.html").read_text(encoding="utf-8")
    assert "Plotly.newPlot" in html
    assert len(html) > 1_000_000, "plotly.js must be inlined to open offline"
    external = re.findall(r"<(?:script|link)[^>]+(?:src|href)=[\"']https?://", html)
    assert external == []
    assert "Weekly output against capacity and demand" in html
    assert "What binds each week" in html
    # The 2024 ramp is held back by the paint shop, later weeks by final assembly.
    assert '<td class="text">shop paint</td>' in html
    assert '<td class="text">shop assembly</td>' in html


def test_validate_accepts_the_default_scenario() -> None:
    process = run("validate")
    assert process.returncode == 0
    assert "is valid" in process.stdout


def test_a_plan_that_is_not_solved_is_refused_and_nothing_written(tmp_path: Path) -> None:
    process = run("plan", "--out", str(tmp_path / "out"), "--time-limit", "0")
    assert process.returncode == EXIT_NO_PLAN
    assert "no plan written" in process.stderr
    assert "Traceback" not in process.stderr
    assert not (tmp_path / "out").exists()


def test_a_rejected_scenario_exits_2_without_traceback(tmp_path: Path) -> None:
    folder = evramp.write_scenario(
        evramp.load_scenario(evramp.builtin_scenario_path()), tmp_path / "copy"
    )
    bom = (folder / "bom.csv").read_text().splitlines()
    parent, child, _, *rest = bom[1].split(",")
    bom[1] = ",".join([parent, child, "-2", *rest])
    (folder / "bom.csv").write_text("\n".join(bom) + "\n")
    process = run("plan", str(folder), "--out", str(tmp_path / "out"))
    assert process.returncode == EXIT_BAD_INPUT
    assert "bom.csv:2: quantity: must be > 0, got -2" in process.stderr
    assert "Traceback" not in process.stderr
    assert not (tmp_path / "out").exists()


def test_planning_again_replaces_the_previous_plan_and_keeps_the_users_files(
    tmp_path: Path,
) -> None:
    """A table the previous plan listed as its own goes; a file evramp did not write stays."""
    plan_folder = tmp_path / "out" / "plan"
    plan_folder.mkdir(parents=True)
    (plan_folder / "stale.csv").write_text("old\n")
    (plan_folder / ".evramp-files").write_text("stale.csv\n")
    (plan_folder / "notes.txt").write_text("mine\n")
    (tmp_path / "out" / "summary.xlsx").write_text("mine too\n")
    assert run("plan", "--out", str(tmp_path / "out")).returncode == 0
    assert not (plan_folder / "stale.csv").exists()
    assert (plan_folder / "builds.csv").exists()
    assert (plan_folder / "notes.txt").read_text() == "mine\n"
    assert (tmp_path / "out" / "summary.xlsx").read_text() == "mine too\n"


def test_scenario_format_docs_are_generated_from_the_schema() -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "scenario-format.md"
    assert run("schema").stdout == docs.read_text(encoding="utf-8"), (
        "docs/scenario-format.md is stale: run `evramp schema > docs/scenario-format.md`"
    )


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"evramp {evramp.__version__}"
    help_text = run("--help").stdout
    for command in ("plan", "validate", "schema"):
        assert command in help_text


def test_explain_lists_what_binds_and_the_problems() -> None:
    process = run("explain", "--top", "2")
    assert process.returncode == 0, process.stderr
    assert "Binding constraints" in process.stdout
    assert re.search(
        r"one more (job|unit) of \S+ (delivered )?in \d{4}-W\d\d is worth", process.stdout
    )
    assert "Problems" in process.stdout


def test_explain_traces_a_late_order_and_refuses_an_unknown_one(
    default_plan: evramp.PlanResult,
) -> None:
    orders = default_plan.orders
    late = str(orders[orders["weeks_late"] > 0]["order"].iloc[0])
    process = run("explain", late)
    assert process.returncode == 0, process.stderr
    assert late in process.stdout
    assert "Held back" in process.stdout
    unknown = run("explain", "NO-SUCH-ORDER")
    assert unknown.returncode == EXIT_BAD_INPUT
    assert "unknown order id 'NO-SUCH-ORDER'" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_mrp_writes_purchase_orders_and_a_summary(tmp_path: Path) -> None:
    process = run("mrp", "--out", str(tmp_path), "--top", "3")
    assert process.returncode == 0, process.stderr
    assert "planned purchase orders worth" in process.stdout
    assert "rounded up to lots" in process.stdout
    orders = pd.read_csv(tmp_path / "mrp" / "purchase_orders.csv")
    assert {"purchase_order", "status", "supplier", "item", "quantity", "release_week"} <= set(
        orders.columns
    )
    assert set(orders["status"]) == {"firm", "planned"}
