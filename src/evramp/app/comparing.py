"""The compare use case: plans side by side (`evramp.analysis.compare`), their report, and the
key figures as a table a front end can print.

Where the plans come from is the caller's: `evramp compare` plans scenario folders, the
workspace keeps what-ifs of one scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from evramp.app.errors import BadInput

if TYPE_CHECKING:
    from evramp.analysis.compare import Comparison
    from evramp.model import Scenario
    from evramp.plan import PlanResult

COMPARE_REPORT = "compare.html"


def compare_plans(
    plans: Mapping[str, PlanResult],
    only_differences: bool = False,
    scenarios: Mapping[str, Scenario] | None = None,
) -> Comparison:
    """The plans side by side, the first the base (with the scenarios of the same names, what
    their values differ in too); `only_differences`: without the rows where all agree. Raises
    `BadInput` without plans or for plans in different buckets."""
    from evramp.analysis.compare import compare

    try:
        comparison = compare(plans, scenarios)
    except ValueError as refused:
        raise BadInput(f"{refused}; nothing compared") from None
    return comparison.view(only_differences)


def write_compare_report(comparison: Comparison, path: Path) -> Path:
    """The compare report at `path` (a file, replaced atomically: a reader sees the old page or
    the new one, whole)."""
    from evramp.report.compare_html import write_compare_report as write

    return write(comparison, path)


def kpi_table(comparison: Comparison) -> list[list[str]]:
    """The key figures as text, a header row first: key figure, the base, then each plan and
    its change against the base (`+1,234`), as the report gives them."""
    from evramp.report.compare_html import kpi_cells

    header = ["key figure", comparison.base]
    for plan in comparison.plans[1:]:
        header += [plan, "vs base"]
    return [header, *kpi_cells(comparison)]


__all__ = ["COMPARE_REPORT", "compare_plans", "kpi_table", "write_compare_report"]
