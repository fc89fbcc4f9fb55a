"""The compare use case: plans side by side (`evramp.analysis.compare`), their report, and the
key figures as a table a front end can print.

Where the plans come from is the caller's: `evramp compare` plans scenario folders, the
workspace keeps what-ifs of one scenario.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from evramp.app.errors import BadInput
from evramp.io import FolderRefused, check_out

if TYPE_CHECKING:
    from evramp.analysis.compare import Comparison
    from evramp.model import Scenario
    from evramp.plan import PlanResult

COMPARE_REPORT = "compare.html"
OUTPUT_TABLE = "compare_output.csv"
"""Vehicles completed per variant and week, one column per plan (the rows that differ only,
with --only-differences): the weekly output a planner pivots."""


def compare_out(out: Path | None) -> Path:
    """The folder the compare report goes in (default `out/compare`), absolute. Raises
    `BadInput` before any work if it cannot take the report (a file in the way, read-only)."""
    target = (out or Path("out") / "compare").resolve()
    if (target / COMPARE_REPORT).is_dir():
        raise BadInput(f"--out {target}: {target / COMPARE_REPORT} is a folder; nothing written")
    try:
        check_out(target.parent, target.name)
    except FolderRefused as refused:
        raise BadInput(f"{refused}; nothing written") from None
    return target


def plan_names(folders: Sequence[Path]) -> list[str]:
    """A name for each scenario folder's plan: the folder's name, or its path where two
    folders share a name; the same folder given twice is `NAME (2)` the second time."""
    names = [folder.name for folder in folders]
    if len(set(names)) < len(names):
        names = [str(folder) for folder in folders]
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


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


def yearly_output_table(comparison: Comparison) -> list[list[str]]:
    """Vehicles completed per variant and year as text, a header row first: variant, year,
    each plan (and its change against the base); the rows where every plan agrees left out of
    the only-differences view."""
    import pandas as pd

    from evramp.analysis.compare import agree

    output = comparison.output
    years = pd.DatetimeIndex(output.index.get_level_values("week")).year
    yearly = output.groupby([output.index.get_level_values("variant"), years]).sum(min_count=1)
    if comparison.only_differences:
        yearly = yearly[~agree(yearly)]
    header = ["variant", "year", comparison.base]
    for plan in comparison.plans[1:]:
        header += [plan, "vs base"]
    rows = [header]
    for key, values in yearly.iterrows():
        variant, year = cast(tuple[str, int], key)
        base = values[comparison.base]
        row = [str(variant), str(year), _count(base)]
        for plan in comparison.plans[1:]:
            row += [_count(values[plan]), _count(values[plan] - base, signed=True)]
        rows.append(row)
    return rows


def _count(value: float, signed: bool = False) -> str:
    if value != value:  # NaN: outside that plan's horizon
        return "–"
    return f"{value:+,.0f}" if signed else f"{value:,.0f}"


def write_output_table(comparison: Comparison, path: Path) -> Path:
    """`compare_output.csv` at `path`: variant, week, one column per plan (replaced
    atomically)."""
    from evramp.io import write_text_atomic

    frame = comparison.output.reset_index()
    frame["week"] = frame["week"].dt.date
    return write_text_atomic(path, frame.to_csv(index=False, float_format="%.6g"))


__all__ = [
    "COMPARE_REPORT",
    "OUTPUT_TABLE",
    "compare_out",
    "compare_plans",
    "kpi_table",
    "plan_names",
    "write_compare_report",
    "write_output_table",
    "yearly_output_table",
]
