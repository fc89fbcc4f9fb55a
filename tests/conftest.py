"""Shared fixtures: the built-in default scenario is loaded and planned once per test session."""

from __future__ import annotations

import pytest

import evramp
from evramp.model import Scenario
from evramp.plan import PlanResult


@pytest.fixture(scope="session")
def default_scenario() -> Scenario:
    return evramp.load_scenario(evramp.builtin_scenario_path())


@pytest.fixture(scope="session")
def default_plan(default_scenario: Scenario) -> PlanResult:
    return evramp.plan(default_scenario)
