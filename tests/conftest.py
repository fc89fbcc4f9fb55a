"""Shared fixtures: the built-in default scenario, loaded and planned once per test session, and a
real PostgreSQL server (tests/postgres.py) with a fresh database per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

import evramp
from evramp.model import Scenario
from evramp.plan import PlanResult
from tests import postgres

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


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server started for this session (tests/postgres.py); its SQLAlchemy URL.

    Fails rather than skips when PostgreSQL is not installed: a skip would let CI pass without
    ever testing the store on it.
    """
    try:
        cluster = postgres.start_cluster()
    except (postgres.PostgresNotFoundError, postgres.PostgresStartError) as error:
        failure = str(error)
    else:
        failure = ""
    if failure:
        # Outside the except block: the message alone, without the exception chain around it.
        pytest.fail(failure, pytrace=False)
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture
def postgres_database(postgres_url: str) -> Iterator[str]:
    """A new empty database on the session's server for one test, dropped after it; its URL."""
    url = postgres.create_database(postgres_url)
    try:
        yield url
    finally:
        postgres.drop_database(postgres_url, url)


@pytest.fixture(autouse=True)
def _workspace_of_the_test(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test's default workspace is a file of its own: a user's workspace is never read
    or written by the tests."""
    old = os.environ.get("EVRAMP_DB")
    os.environ["EVRAMP_DB"] = str(tmp_path_factory.mktemp("workspace") / "workspace.sqlite")
    yield
    if old is None:
        os.environ.pop("EVRAMP_DB", None)
    else:
        os.environ["EVRAMP_DB"] = old


@pytest.fixture(params=["sqlite", "postgres"])
def workspace_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty workspace database: an SQLite file, and a database on the session's real
    PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "workspace.sqlite")
    url: str = request.getfixturevalue("postgres_database")
    return url
