"""The default scenario's plan on every HiGHS version the project allows (pyproject.toml).

Each version is installed once beside the project's environment (`pip install --target`, only
the highspy wheel) and put first on the path of a child process that plans the default scenario
and pickles the result. Versions may pick different vertices of the same optimal face, so what
must hold is: the same objective, and every plan keeps every invariant of a plan (an equally
optimal alternative); how much the plans differ is printed, not asserted.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import evramp
from evramp.plan import PlanResult
from evramp.plan.solve import new_highs
from tests.checks import check_plan

TESTED = ("1.15.0", "1.15.1", "1.16.0")
"""Every release pyproject.toml's range admits (PyPI, 2026-12): keep the two in step."""

ROOT = Path(__file__).resolve().parents[1]

PLAN = """
import pickle, sys
import evramp
from evramp.plan.solve import new_highs
result = evramp.plan(evramp.load_scenario("yizhuang"))
pickle.dump((new_highs().version(), result), open(sys.argv[1], "wb"))
"""


def allowed() -> Requirement:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [highspy] = [Requirement(r) for r in project["project"]["dependencies"] if "highspy" in r]
    return highspy


def installed_beside(version: str) -> Path:
    """A folder holding highspy `version` alone, inside the project's environment."""
    folder = Path(sys.prefix) / "solvers" / f"highspy-{version}"
    if not (folder / "highspy").is_dir():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
             str(folder), f"highspy=={version}"],
            check=True,
        )  # fmt: skip
    return folder


def planned_with(version: str, tmp_path: Path) -> PlanResult:
    path = tmp_path / f"plan-{version}.pickle"
    environment = {**os.environ, "PYTHONPATH": str(installed_beside(version))}
    subprocess.run([sys.executable, "-c", PLAN, str(path)], check=True, env=environment)
    with path.open("rb") as file:
        reported, result = pickle.load(file)
    assert reported == version  # the library that ran, not only the one installed
    assert isinstance(result, PlanResult)
    return result


def test_the_tested_versions_are_the_allowed_ones() -> None:
    requirement = allowed()
    assert all(requirement.specifier.contains(version) for version in TESTED)
    assert not requirement.specifier.contains("1.14.0")
    assert not requirement.specifier.contains("1.17.0")
    assert new_highs().version() in TESTED  # the environment's own


def test_every_allowed_version_plans_the_default_scenario_to_the_same_optimum(
    tmp_path: Path,
) -> None:
    scenario = evramp.load_scenario("yizhuang")
    plans = {version: planned_with(version, tmp_path) for version in TESTED}
    reference = evramp.plan(scenario)
    for version, result in plans.items():
        assert result.status == "Optimal", version
        assert result.objective == pytest.approx(reference.objective, rel=1e-7), version
        check_plan(scenario, result)
        built = result.output.groupby("year")["quantity"].sum()
        expected = reference.output.groupby("year")["quantity"].sum()
        difference = (built - expected).abs().max()
        print(f"highspy {version}: objective {result.objective:,.0f}, "
              f"largest yearly output difference {difference:,.1f}")  # fmt: skip
