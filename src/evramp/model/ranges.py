"""The ranges of numbers and dates a scenario may hold: what the LP can carry, and the calendar.

HiGHS works in double precision with a primal feasibility tolerance of 1e-7, drops matrix entries
below 1e-9 (`small_matrix_value`) and takes bounds and costs from 1e20 on as infinite. A figure of
more than 1e9 units or money can then not be held to the tolerance (1e9 x 2.2e-16 ~ 1e-7 already),
and one below 1e-6 is within ten tolerances of zero: such numbers end as solver status "Empty" or
"Unknown", not as a plan (units start at 1e-3: see AMOUNTS). So every number is refused outside
a range that keeps the LP well inside what the solver resolves, and every date outside the years
a plan can cover, before any solve.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError


def short_number(value: float) -> str:
    """`1e-6`, `1e9`, `168`: a limit as a planner writes it (no `1e+09`, no `.0`)."""
    text = format(value, "g")
    mantissa, _, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


@dataclass(frozen=True)
class Span:
    """A number from `low` to `high`, or exactly 0 where `zero` (none, free, unlimited...)."""

    low: float
    high: float
    zero: bool = False

    def __call__(self, value: float | None) -> float | None:
        if value is None or (self.zero and value == 0) or self.low <= value <= self.high:
            return value
        # A type of its own: the message then shows the number as the planner typed it.
        raise PydanticCustomError("out_of_range", "must be {words}", {"words": self.words()})

    def words(self) -> str:
        inside = f"from {short_number(self.low)} to {short_number(self.high)}"
        return f"0 or {inside}" if self.zero else inside


AMOUNTS = Span(1e-3, 1e9, zero=True)
"""Units: stock, capacities, quantities, volumes (0 where it means none). From 1e-3: the
planner reads a solution value below 1e-6 as noise and sets it to 0, and an amount per week
is spread over the days of daily buckets, so a capacity of 1e-6 a week (1.4e-7 a day) gave a
plan whose tables and cost terms left out what its objective counted."""
MONEY = Span(1e-6, 1e9, zero=True)
"""Money per unit, hour or vehicle-week: prices, costs, penalties (0 where it means none).
Costs are the LP's objective, not its solution, so they may be as small as a millionth."""
FACTORS = Span(1e-6, 1e6)
"""Figures per unit (BOM quantities, jobs per unit, jobs per hour): coefficients of the LP's
matrix; beyond a million to one a unit is wrong (kg typed as g), and the matrix cannot be scaled."""

Amount = Annotated[float, Field(ge=0), AfterValidator(AMOUNTS)]
"""A quantity of units, 0 allowed."""
Money = Annotated[float, Field(ge=0), AfterValidator(MONEY)]
"""An amount of money, 0 allowed."""
Count = Annotated[float, Field(ge=0, le=1e9)]
"""A quantity that happened (actuals): any amount from 0, however small, since a plan's own
figures (which may be a millionth) can be what happened."""
PositiveAmount = Annotated[float, Field(gt=0), AfterValidator(Span(AMOUNTS.low, AMOUNTS.high))]
"""A quantity of units that is more than 0."""
Factor = Annotated[float, Field(gt=0), AfterValidator(FACTORS)]
"""A figure per unit, more than 0."""
Hours = Annotated[float, Field(ge=0, le=168), AfterValidator(Span(1e-6, 168, zero=True))]
"""Hours in a week."""

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)
"""Dates a scenario may name: far beyond any plan (the longest horizon is 20 years), near enough
that every date the planner derives (the end of the horizon, a start plus lead times) exists."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EXPECTED_DATE = "expected a date as YYYY-MM-DD (like 2023-12-04)"


def _iso_text_only(value: object) -> object:
    """Refuse what pydantic would read as a time stamp: `20231204` or `45385` are seconds since
    1970 to it, so it would call them "a date with a time" instead of saying what they are."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value.strip()):
        if value.strip().isdigit() and len(value.strip()) <= 6:
            raise ValueError(
                f"{_EXPECTED_DATE}, got {value.strip()} (a spreadsheet's day number? format "
                "the cells as dates)"
            )
        raise ValueError(f"{_EXPECTED_DATE}, got {value!r}")
    if isinstance(value, int | float):  # from YAML: an unquoted 20231204
        raise ValueError(f"{_EXPECTED_DATE}, got {value}")
    return value


def _in_era(value: dt.date) -> dt.date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"expected a date from {FIRST_DAY} to {LAST_DAY}, got {value}")
    return value


Day = Annotated[dt.date, BeforeValidator(_iso_text_only), AfterValidator(_in_era)]
"""A date, ISO text in files, within FIRST_DAY..LAST_DAY."""
