"""How a use case lets its front end show its progress: the steps it runs, and what it says.

A use case runs each of its long steps (reading, planning, writing) through a `StepRunner`, so
that the CLI can show a spinner and the time each took, and says the few things a user should
know while it runs (integer mode's time limit) through a `Say`. The defaults do neither.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

T = TypeVar("T")


class StepRunner(Protocol):
    """Runs `action` as the step `label` and returns what it returns."""

    def __call__(self, label: str, action: Callable[[], T], /) -> T: ...


def run_step(label: str, action: Callable[[], T], /) -> T:
    """Run the step without showing it."""
    return action()


Say = Callable[[str], None]


def say_nothing(text: str) -> None:
    """Keep quiet: for callers that show no progress."""
