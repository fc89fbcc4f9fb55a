"""What a use case refuses or cannot do, in words a front end shows as they are.

The CLI turns `BadInput` into exit code 2 and `NoPlan` into exit code 1; the coming REST API
will turn them into its own status codes. Ctrl-C stays a `KeyboardInterrupt` (or a subclass
holding what was kept), so that every caller can stop a use case the way it stops Python.
"""

from __future__ import annotations


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
    `details` has one `file:line: field: message` line per problem."""


class NoPlan(UseCaseError):
    """The solver reached no plan (infeasible, unbounded, out of time). Nothing was written."""
