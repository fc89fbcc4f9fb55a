"""The benchmark scenario generator (`benchmarks/generate.py`), on its smallest size S.

`benchmarks` is not a package: pytest puts it on the path (`pythonpath` in pyproject.toml).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

import evramp
import generate
from evramp.model import Scenario
from evramp.plan import PlanResult
from evramp.report import binding_constraints


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate.write("S", tmp_path_factory.mktemp("bench") / "S", seed=0)


@pytest.fixture(scope="module")
def scenario(folder: Path) -> Scenario:
    return evramp.load_scenario(folder)  # validates


@pytest.fixture(scope="module")
def result(scenario: Scenario) -> PlanResult:
    return evramp.plan(scenario)


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_same_seed_same_folder_other_seed_other_plant(folder: Path, tmp_path: Path) -> None:
    again = generate.write("S", tmp_path / "again", seed=0)
    assert _files(again) == _files(folder)
    other = generate.write("S", tmp_path / "other", seed=1)
    assert _files(other).keys() == _files(folder).keys()
    assert _files(other)["bom.csv"] != _files(folder)["bom.csv"]
    assert _files(other)["demand.csv"] != _files(folder)["demand.csv"]


def test_the_folder_reads_back_to_the_generated_scenario(scenario: Scenario) -> None:
    assert scenario == generate.generate("S", seed=0)


def test_size_s_is_about_the_default_scenario(scenario: Scenario) -> None:
    size = generate.SIZES["S"]
    vehicles = [item for item in scenario.items if item.kind == "vehicle"]
    parts = [item for item in scenario.items if item.kind == "part"]
    assert len(vehicles) == size.variants == 7
    assert len(parts) == size.parts == 250
    assert len(scenario.demand) == pytest.approx(size.demand_lines, rel=0.02)
    assert scenario.calendar.horizon_weeks == 150
    assert {d.priority for d in scenario.demand} == {1, 2, 3}
    assert {d.kind for d in scenario.demand} == {"firm", "forecast"}
    assert scenario.inventory and scenario.receipts and scenario.supplier_capacity
    assert scenario.phases and scenario.shifts and scenario.ramps
    assert {r.curve for r in scenario.ramps} >= {"learning", "s-curve"}
    leads = [line.lead_time for line in scenario.suppliers]
    assert min(leads) >= 1 and max(leads) <= 12
    lines_per_part: dict[str, int] = defaultdict(int)
    for line in scenario.suppliers:
        lines_per_part[line.item] += 1
    dual = sum(1 for n in lines_per_part.values() if n > 1) / len(parts)
    assert 0.05 < dual < 0.25


def test_bom_is_multi_level_with_parts_shared_by_variants_and_platforms(
    scenario: Scenario,
) -> None:
    children: dict[str, list[str]] = {}
    for line in scenario.bom:
        children.setdefault(line.parent, []).append(line.child)

    def depth(item: str) -> int:
        return 1 + max((depth(child) for child in children.get(item, ())), default=0)

    vehicles = [item.id for item in scenario.items if item.kind == "vehicle"]
    assert min(depth(v) for v in vehicles) >= 5  # car, painted body, BIW, panels, steel
    users: dict[str, set[str]] = defaultdict(set)  # purchased part -> vehicles using it
    for vehicle in vehicles:
        stack = [vehicle]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child in children:
                    stack.append(child)
                else:
                    users[child].add(vehicle)
    platforms = {part: {v.split("-")[0] for v in used} for part, used in users.items()}
    assert len(users) == 250  # every part is used
    assert sum(len(used) > 1 for used in users.values()) > 100
    assert sum(len(p) > 1 for p in platforms.values()) > 10


def test_plans_optimal_with_free_parts_and_binding_shops_and_parts(result: PlanResult) -> None:
    assert result.status == "Optimal"
    assert result.size.free_parts > 200  # the bulk of the parts is planned outside the LP
    binding = binding_constraints(result)
    assert any(b.kind == "shop" for b in binding)
    assert any(b.kind == "part" for b in binding)
    on_time = result.orders["on_time"].sum() / result.orders["quantity"].sum()
    assert 0.3 < on_time < 0.95  # demand outruns the ramp, but not forever


def test_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown size"):
        generate.generate("XXL")
