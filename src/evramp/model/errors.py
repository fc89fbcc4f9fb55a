"""Errors that point at the place in the scenario where they are."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from evramp.model.ranges import short_number


@dataclass(frozen=True, order=True)
class ScenarioError:
    """One problem in a scenario: `file:row: field: message`, or in a workbook
    `BOOK.xlsx: SHEET!C14: field: message`.

    `row` is the line number in the file (the CSV header is line 1), or the row of a workbook's
    sheet (its header is row 1 too); 0 when the problem concerns the file or sheet as a whole.
    """

    file: str
    row: int
    field: str
    message: str
    cell: str = ""
    """Where in a workbook's sheet (`file` is then `BOOK.xlsx: SHEET`): a cell as Excel names
    it (`C14`), or a whole row (`14:14`); empty in a file, whose place is `file:row`."""

    def __str__(self) -> str:
        if self.cell:
            place = f"{self.file}!{self.cell}"
        else:
            place = f"{self.file}:{self.row}" if self.row else self.file
        return (
            f"{place}: {self.field}: {self.message}" if self.field else f"{place}: {self.message}"
        )


class ScenarioInvalid(ValueError):
    """The scenario was rejected; `errors` lists every problem found, in file and row order."""

    def __init__(self, errors: Iterable[ScenarioError], skipped: int = 0) -> None:
        self.errors: Sequence[ScenarioError] = tuple(sorted(set(errors)))
        self.skipped = skipped
        """Checks across tables that could not run until the problems found are fixed (they
        need a table, or the calendar, read whole)."""
        super().__init__(self.summary())

    def summary(self, limit: int = 50) -> str:
        lines = [str(e) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            lines.append(f"... and {len(self.errors) - limit} more errors")
        if self.skipped:
            checks = f"{self.skipped} check{'s' * (self.skipped != 1)} across tables"
            lines.append(f"({checks} skipped until these problems are fixed)")
        return "\n".join(lines)


def describe(error_type: str, message: str, value: object, context: dict[str, object]) -> str:
    """A planner-readable sentence for one pydantic validation error.

    Pydantic's own messages ("Input should be greater than 0") do not show the value, so the common
    kinds are rephrased as `what was expected, got what`.
    """
    got = f", got {_shown(value)}"
    expected = _EXPECTED.get(error_type)
    if expected is not None:
        return expected.format(**{k: _bound(v) for k, v in context.items()}) + got
    if error_type == "missing":
        return "required, but empty or missing"
    if error_type == "value_error":
        return message.removeprefix("Value error, ")
    if error_type == "string_pattern_mismatch":
        return "expected an id of letters, digits and . _ - / + (no spaces)" + got
    if error_type == "extra_forbidden":
        return "unknown field"
    return f"{message}{got}"


def _shown(value: object) -> str:
    """A value as the planner typed it: numbers bare (`-2`), other text quoted (`'car'`)."""
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return repr(value)
        return value
    return str(value)


def _bound(value: object) -> object:
    """A limit from a constraint, without a float's `.0` (`must be > 0`, not `> 0.0`)."""
    return short_number(value) if isinstance(value, float) else value


_EXPECTED: dict[str, str] = {
    "greater_than": "must be > {gt}",
    "greater_than_equal": "must be >= {ge}",
    "less_than": "must be < {lt}",
    "less_than_equal": "must be <= {le}",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "finite_number": "expected a finite number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "int_type": "expected a whole number",
    "date_from_datetime_parsing": "expected a date as YYYY-MM-DD (like 2023-12-04)",
    "date_parsing": "expected a date as YYYY-MM-DD (like 2023-12-04)",
    "date_type": "expected a date as YYYY-MM-DD (like 2023-12-04)",
    "date_from_datetime_inexact": "expected a date without a time",
    "out_of_range": "must be {words}",
    "literal_error": "expected one of {expected}",
    "string_type": "expected text",
    "tuple_type": "expected a list",
    "model_type": "expected a mapping of fields",
    "dict_type": "expected a mapping of fields",
}
