"""The plan report: one self-contained HTML file that opens without a network.

Key figures first (vehicles per year, on-time delivery, the objective's terms, what binds most),
then one figure per question, each with its own legend, then the late orders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from evramp.analysis.explain import binding_weeks
from evramp.analysis.explain.tree import Tree
from evramp.io import write_text_atomic
from evramp.model import Scenario
from evramp.plan import PlanResult
from evramp.report import plan_charts
from evramp.report.kpis import (
    binding_constraints,
    late_orders,
    level_summary,
    monthly_output,
    on_time_rate,
    replan_summary,
    yearly_totals,
)
from evramp.report.page import Chart, iso_day, percent, render, thousands
from evramp.report.plan_charts import PlanView

if TYPE_CHECKING:
    import plotly.graph_objects as go

LATE_ORDERS_SHOWN = 20
BINDING_SHOWN = 6
COST_TERMS = (
    ("revenue", "revenue"),
    ("purchases", "purchases"),
    ("preference", "supplier preference"),
    ("holding", "holding"),
    ("overtime", "overtime"),
    ("setups", "setups"),
    ("lateness", "lateness penalties (priority-weighted)"),
)


@dataclass(frozen=True)
class Card:
    value: str
    label: str
    detail: str = ""
    alert: bool = False


def write_report(
    result: PlanResult,
    path: Path,
    scenario: Scenario | None = None,
    binding: pd.DataFrame | None = None,
) -> Path:
    """Write the report of `result` to `path` (replaced atomically). With the scenario, the
    value of what binds is also given per vehicle and parts' stock in vehicle sets. `binding`
    is the plan's `binding_weeks` when the caller has them already (they take 1 s on a plant of
    size L)."""
    return write_text_atomic(path, render_report(result, scenario, binding))


def render_report(
    result: PlanResult,
    scenario: Scenario | None = None,
    binding: pd.DataFrame | None = None,
    plotly_url: str | None = None,
    nav: Sequence[Mapping[str, str]] = (),
    order_href: str | None = None,
) -> str:
    """The report page; with `plotly_url`, the dashboard's plan page (plotly.js loaded from
    there, `nav` links above the title, each late order a link to `order_href` + its id)."""
    binding = binding_weeks(result, scenario) if binding is None else binding
    view = PlanView.of(result, binding, Tree.of(scenario) if scenario is not None else None)
    parts = view.parts
    charts = [
        Chart("output", plan_charts.output_figure(view)),
        Chart("cumulative", plan_charts.cumulative_figure(view)),
        Chart("binding-map", plan_charts.binding_figure(view)),
        *(Chart(_part_chart(n), plan_charts.supply_figure(view, p)) for n, p in enumerate(parts)),
    ]
    if parts:
        charts.append(Chart("stock", plan_charts.stock_figure(view, parts)))
    yearly = yearly_totals(result)
    late = late_orders(result)
    return render(
        "plan.html",
        charts,
        plotly_url,
        nav,
        title=f"Production plan: {result.scenario}",
        meta=_meta(result, view),
        bucket=result.bucket,
        cards=_cards(result, yearly, late, view),
        yearly=[{"year": year, **row} for year, row in yearly.iterrows()],
        totals=yearly.sum().to_dict(),
        costs=_costs(result),
        level=level_summary(result, seconds=False),
        replanned=replan_summary(result),
        **_binding(view),
        parts=[{"name": p, "chart": _part_chart(n)} for n, p in enumerate(parts)],
        **_late(result, late),
        order_href=order_href,
        monthly=_monthly(result),
    )


def output_chart(
    result: PlanResult, scenario: Scenario | None = None, binding: pd.DataFrame | None = None
) -> go.Figure:
    """The report's first figure: output per variant and bucket against the vehicle shops'
    capacity and the demand due."""
    import plotly.graph_objects as go  # 0.25 s of imports, for this figure alone

    binding = binding_weeks(result, scenario) if binding is None else binding
    return go.Figure(plan_charts.output_figure(PlanView.of(result, binding, None)))


def _part_chart(n: int) -> str:
    return f"part-{n}"


def _meta(result: PlanResult, view: PlanView) -> str:
    count = len(view.days)
    solver = f"solver status {result.status}"
    if result.integer:
        solver += f" (integer plan, gap {percent(result.gap, 2)})"
    return (
        f"{view.labels[0]} to {view.labels[-1]} ({count:,} {result.noun(count)}) · {solver} · "
        f"LP {result.size.rows:,} rows × {result.size.columns:,} columns"
    )


def _bottleneck(view: PlanView) -> Card:
    """The constraint that binds in most buckets, with what one more of it is worth."""
    found = binding_constraints(view.result, top=1, weeks=view.binding)
    if not found:
        return Card("none", "binding constraint", "every shop and supplier has spare capacity")
    top = found[0]
    unit = "job" if top.kind == "shop" else "unit"
    return Card(
        f"{top.kind} {top.name}",
        f"binds most: {top.weeks:,} {view.result.noun(top.weeks)}",
        f"one more {unit} a {view.bucket} is worth {thousands(top.mean_shadow_price)}",
    )


def _cards(
    result: PlanResult, yearly: pd.DataFrame, late: pd.DataFrame, view: PlanView
) -> list[Card]:
    built, delivered = yearly["built"], yearly["delivered"]
    last = str(yearly.index[-1])
    kinds = sorted(set(result.orders["kind"]))
    return [
        Card(thousands(built.sum()), "vehicles built", f"{thousands(built.iloc[-1])} in {last}"),
        Card(
            thousands(delivered.sum()),
            "vehicles delivered",
            f"{thousands(delivered.iloc[-1])} in {last}",
        ),
        Card(
            percent(on_time_rate(result)),
            "on-time delivery",
            "of the quantity due; "
            + ", ".join(f"{kind} {percent(on_time_rate(result, kind))}" for kind in kinds),
            alert=on_time_rate(result) < 0.95,
        ),
        Card(
            thousands(len(late)),
            "orders late",
            f"of {thousands(len(result.orders))}; {thousands(late['late'].sum())} vehicles",
            alert=len(late) > 0,
        ),
        _bottleneck(view),
    ]


def _costs(result: PlanResult) -> list[dict[str, Any]]:
    terms = [
        {"name": label, "value": result.costs[key], "total": False}
        for key, label in COST_TERMS
        if key != "preference" or result.costs.get(key)
    ]
    return [
        *terms,
        {"name": "objective (costs less revenue)", "value": result.objective, "total": True},
    ]


def _binding(view: PlanView) -> dict[str, Any]:
    found = binding_constraints(view.result, top=BINDING_SHOWN, weeks=view.binding)
    per_vehicle = view.binding.groupby(["kind", "name"])["per_vehicle"].mean()
    rows = [
        {
            "kind": b.kind,
            "name": b.name,
            "weeks": b.weeks,
            "first": view.result.label(iso_day(b.first_week)),
            "last": view.result.label(iso_day(b.last_week)),
            "shadow": b.mean_shadow_price,
            "per_vehicle": per_vehicle.get((b.kind, b.name), float("nan")),
        }
        for b in found
    ]
    return {"binding": rows, "has_per_vehicle": view.tree is not None}


def _late(result: PlanResult, late: pd.DataFrame) -> dict[str, Any]:
    label = result.label
    rows = [
        {
            **row,
            "due": label(iso_day(row["due"])),
            "last_delivery": "not in the horizon"
            if row["last_delivery"] is None or pd.isna(row["last_delivery"])
            else label(iso_day(row["last_delivery"])),
            "weeks_late": "–" if pd.isna(row["weeks_late"]) else thousands(row["weeks_late"]),
        }
        for row in late.head(LATE_ORDERS_SHOWN).to_dict("records")
    ]
    shown = f"the {len(rows):,} latest" if len(late) > len(rows) else "all"
    summary = (
        f"{len(late):,} of {len(result.orders):,} orders have vehicles delivered late "
        f"({thousands(late['late'].sum())} vehicles); {shown} below, latest first (those not "
        f"all delivered in the horizon first). Every line is in plan/orders.csv."
    )
    return {"late": rows, "late_summary": summary}


def _monthly(result: PlanResult) -> dict[str, Any]:
    table = monthly_output(result)
    return {
        "columns": [str(c) for c in table.columns],
        "rows": [
            {"month": month, "values": list(row)}
            for month, row in zip(table.index, table.to_numpy(), strict=True)
        ],
    }


__all__ = ["output_chart", "render_report", "write_report"]
