"""Reporting: key figures of a plan, Plotly charts and the self-contained HTML report."""

from evramp.report.html import output_chart, render_report, write_report
from evramp.report.kpis import (
    Binding,
    binding_constraints,
    cost_summary,
    level_summary,
    monthly_output,
    on_time_rate,
    replan_summary,
    yearly_totals,
)

__all__ = [
    "Binding",
    "binding_constraints",
    "cost_summary",
    "level_summary",
    "monthly_output",
    "on_time_rate",
    "output_chart",
    "render_report",
    "replan_summary",
    "write_report",
    "yearly_totals",
]
