"""Shared fixtures: the built-in default scenario is loaded and planned once per test session."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

import evramp
from evramp.model import Scenario
from evramp.plan import PlanResult

# CI runs a fixed set of examples (the same on every run, so a landing never depends on luck);
# a developer's runs keep exploring new ones, and what they find becomes a test of its own.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def default_scenario() -> Scenario:
    return evramp.load_scenario(evramp.builtin_scenario_path())


@pytest.fixture(scope="session")
def default_plan(default_scenario: Scenario) -> PlanResult:
    return evramp.plan(default_scenario)
