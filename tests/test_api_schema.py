"""The REST API against its own OpenAPI schema (schemathesis, on a real server): requests made
from the schema, with a reader's token, never get a 5xx, and every response matches what the
schema says of it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok

from tests.server import Server, serving


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serving(tmp_path_factory.mktemp("schema"))


def test_the_api_answers_as_its_schema_says(server: Server) -> None:
    """Every operation, a dozen generated requests each (writes with a reader's token: 403)."""
    # Operations looped here rather than schemathesis' pytest plugin, whose parametrize does
    # not run on this pytest (AttributeError: 'Function' object has no attribute '_nodeid').
    api = schemathesis.openapi.from_url(f"{server.url}/api/openapi.json")
    headers = {"Authorization": f"Bearer {server.reader}"}
    checked = []
    for found in api.get_all_operations():
        assert isinstance(found, Ok), found  # the schema of every operation is valid
        operation = found.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
        def answers(case: Any) -> None:
            case.call_and_validate(headers=headers)

        answers()
        checked.append(operation.label)
    assert len(checked) >= 15, checked
