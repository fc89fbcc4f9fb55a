"""What a use case refuses or cannot do, in words a front end shows as they are.

The CLI turns `BadInput` into exit code 2 and `NoPlan` into exit code 1; the REST API turns
them into status codes (`NotFound` 404, `ScenarioRejected` 422, other `BadInput` 400, `NoPlan`
409). Ctrl-C stays a `KeyboardInterrupt` (or a subclass holding what was kept), so that every
caller can stop a use case the way it stops Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evramp.model.errors import ScenarioError


class UseCaseError(Exception):
    """A use case stopped before doing its work; `message` says why, `details` (when there is
    more than one line to say) lists the problems, one a line."""

    def __init__(self, message: str, details: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadInput(UseCaseError):
    """The input cannot be used: a scenario with problems, an unknown order id, an option out
    of range, an output folder that cannot be written. Nothing was written."""


class ScenarioRejected(BadInput):
    """A scenario that is missing or has problems: `message` names it and counts them,
    `details` has one `file:line: field: message` line per problem, `problems` the problems
    themselves (the REST API lists them as records)."""

    def __init__(
        self, message: str, details: str | None = None, problems: Sequence[ScenarioError] = ()
    ) -> None:
        super().__init__(message, details)
        self.problems = tuple(problems)


class NotFound(BadInput):
    """A stored scenario, revision or plan that the workspace does not hold (the message says
    what it has)."""


class NoPlan(UseCaseError):
    """The solver reached no plan (infeasible, unbounded, out of time). Nothing was written."""
