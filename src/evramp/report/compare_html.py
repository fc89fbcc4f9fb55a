"""The compare report: plans side by side as one self-contained HTML page (the plan report's
page, style and embedded plotly.js).

The key figures first, each plan's value and its change against the base, the rows where the
plans differ marked and an "only differences" switch that hides the others (in the page, no
server); then the ramps overlaid, the builds against the base, and what binds in each plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np

from evramp.analysis.compare import LATE, ON_TIME, Comparison, agree
from evramp.io import write_text_atomic
from evramp.report import compare_charts
from evramp.report.html import Card
from evramp.report.page import Chart, percent, render, signed, thousands

KPI_WORDS: Final = {
    "preference": "supplier preference",
    "lateness": "lateness penalties (priority-weighted)",
    "objective": "objective (costs less revenue)",
}
BINDING_SHOWN: Final = 30
"""Constraints in the binding strip and table, those binding in most buckets first."""


def write_compare_report(comparison: Comparison, path: Path) -> Path:
    """Write the page of `comparison` to `path` (replaced atomically)."""
    return write_text_atomic(path, render_compare_report(comparison))


def render_compare_report(
    comparison: Comparison,
    plotly_url: str | None = None,
    nav: Sequence[Mapping[str, str]] = (),
) -> str:
    """The compare page; with `plotly_url`, the dashboard's (plotly.js loaded from there,
    `nav` links above the title)."""
    constraints = _constraint_rows(comparison)
    shown = [(row["kind"], row["name"]) for row in constraints]
    builds = compare_charts.builds_figure(comparison)
    charts = [Chart("ramps", compare_charts.ramp_figure(comparison))]
    if builds["data"]:  # a chart of no bars is no chart: the plans build alike
        charts.append(Chart("builds", builds))
    if shown:
        charts.append(Chart("binding-strip", compare_charts.binding_figure(comparison, shown)))
    plans = list(comparison.plans)
    return render(
        "compare.html",
        charts,
        plotly_url,
        nav,
        title=f"Plans compared: {', '.join(plans)}",
        meta=_meta(comparison),
        cards=_cards(comparison),
        plans=[
            {"name": p, "colour": compare_charts.plan_colour(comparison, p), "base": n == 0}
            for n, p in enumerate(plans)
        ],
        others=plans[1:],
        status=_status_row(comparison),
        kpis=_kpi_rows(comparison),
        inputs=_input_rows(comparison),
        constraints=constraints,
        changes=_change_rows(comparison),
        has_binding=bool(shown),
        has_builds=bool(builds["data"]),
        only_differences=comparison.only_differences,
        bucket=comparison.bucket,
    )


def _meta(comparison: Comparison) -> str:
    count = len(comparison.plans)
    view = " · only the rows that differ" if comparison.only_differences else ""
    return (
        f"{count} plans; the others' figures are given with their change against the first, "
        f"{comparison.base}{view}"
    )


def _cards(comparison: Comparison) -> list[Card]:
    """Per plan other than the base: vehicles delivered against the base, with the change of
    on-time delivery and of the objective."""
    cards = []
    for plan in comparison.plans[1:]:
        delivered = _change(comparison, "delivered total", plan)
        on_time = _format_change(ON_TIME, _change(comparison, ON_TIME, plan))
        objective = signed(_change(comparison, "objective", plan))
        cards.append(
            Card(
                signed(delivered),
                f"vehicles delivered, {plan} against {comparison.base}",
                f"on-time delivery {on_time}; objective {objective}",
                alert=delivered < -0.5,
            )
        )
    if not cards:
        cards.append(Card(comparison.base, "one plan, nothing to compare"))
    return cards


def _change(comparison: Comparison, kpi: str, plan: str) -> float:
    """`plan`'s change of `kpi` against the base; 0 for a row the only-differences view
    dropped (every plan agrees on it)."""
    kpis = comparison.kpis
    if kpi not in kpis.index:
        return 0.0
    row = list(kpis.index).index(kpi)
    values = kpis[[comparison.base, plan]].to_numpy(dtype=np.float64)[row]
    return float(values[1] - values[0])


def _format(kpi: str, value: object) -> str:
    return percent(value) if kpi == ON_TIME else thousands(value)


def _format_change(kpi: str, value: float) -> str:
    if kpi == ON_TIME:
        points = value * 100
        return "0" if abs(points) < 0.05 else f"{points:+.1f} pt"
    return signed(value)


def _kpi_label(kpi: str, bucket: str) -> str:
    if kpi == LATE:
        return f"vehicle-{bucket}s late"
    return KPI_WORDS.get(kpi, kpi)


def _kpi_rows(comparison: Comparison) -> list[dict[str, Any]]:
    kpis = comparison.kpis
    values = kpis.to_numpy(dtype=np.float64)
    changes = values - values[:, :1]
    return [
        {
            "name": _kpi_label(str(kpi), comparison.bucket),
            "total": str(kpi) in ("built total", "delivered total", "objective"),
            "same": bool(equal),
            "base": _format(str(kpi), row[0]),
            "others": [
                _kpi_cell(str(kpi), value, change)
                for value, change in zip(row[1:], moved[1:], strict=True)
            ],
        }
        for kpi, equal, row, moved in zip(kpis.index, agree(kpis), values, changes, strict=True)
    ]


def _kpi_cell(kpi: str, value: float, change: float) -> dict[str, Any]:
    words = _format_change(kpi, float(change))
    return {"value": _format(kpi, value), "change": words, "changed": words != "0"}


def kpi_cells(comparison: Comparison) -> list[list[str]]:
    """The key figures as the page words them, one row each: the name, the base's value, then
    each other plan's value and change; the solver status first when the plans' differ."""
    status = comparison.status
    rows = []
    if comparison.statuses_differ or not comparison.only_differences:
        cells = ["solver status", status[comparison.base]]
        for plan in comparison.plans[1:]:
            cells += [status[plan], ""]
        rows.append(cells)
    for row in _kpi_rows(comparison):
        cells = [row["name"], row["base"]]
        for other in row["others"]:
            cells += [other["value"], other["change"]]
        rows.append(cells)
    return rows


def _status_row(comparison: Comparison) -> dict[str, Any]:
    status = comparison.status
    return {
        "same": not comparison.statuses_differ,
        "base": status[comparison.base],
        "others": [status[plan] for plan in comparison.plans[1:]],
    }


def _input_rows(comparison: Comparison) -> list[dict[str, Any]]:
    return [
        {"address": change.address, "values": [change.values.get(p, "") for p in comparison.plans]}
        for change in comparison.inputs
    ]


def _constraint_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """Each constraint binding in some plan: its buckets and shadow value per plan, the most
    binding (in any plan) first; rows where every plan binds in the same buckets are marked."""
    found = comparison.constraints()
    moved = {(c.kind, c.name) for c in comparison.binding_changes()}
    keys = list(dict.fromkeys((c.kind, c.name) for c in found))[:BINDING_SHOWN]
    by_key = {(c.kind, c.name, c.plan): c for c in found}
    rows = []
    for kind, name in keys:
        cells = [by_key.get((kind, name, plan)) for plan in comparison.plans]
        rows.append(
            {
                "kind": kind,
                "name": name,
                "same": (kind, name) not in moved,
                "cells": [
                    {
                        "weeks": c.weeks if c is not None else 0,
                        "value": c.shadow_value if c is not None else 0.0,
                    }
                    for c in cells
                ],
            }
        )
    return rows


def _change_rows(comparison: Comparison) -> list[dict[str, Any]]:
    return [
        {
            "plan": c.plan,
            "constraint": f"{c.kind} {c.name}",
            "change": c.change,
            "base_weeks": c.base_weeks,
            "weeks": c.weeks,
            "added": c.weeks_added,
            "removed": c.weeks_removed,
        }
        for c in comparison.binding_changes()
    ]


__all__ = ["kpi_cells", "render_compare_report", "write_compare_report"]
