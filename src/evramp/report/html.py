"""The HTML report: one self-contained file (plotly.js inline) that opens without a network."""

from __future__ import annotations

import html
from importlib import resources
from pathlib import Path
from string import Template

import pandas as pd
import plotly.colors
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from evramp.io import write_text_atomic
from evramp.model import Scenario
from evramp.plan import PlanResult
from evramp.plan.explain import binding_weeks
from evramp.report.kpis import (
    binding_constraints,
    cost_summary,
    monthly_output,
    on_time_rate,
    yearly_totals,
)


def write_report(
    result: PlanResult,
    path: Path,
    scenario: Scenario | None = None,
    binding: pd.DataFrame | None = None,
) -> Path:
    """Write the report of `result` to `path` (replaced atomically). With the scenario, each
    week's main binding constraint is the one worth most per vehicle. `binding` is the plan's
    `binding_weeks` when the caller has them already (they take 1 s on a plant of size L)."""
    return write_text_atomic(path, render_report(result, scenario, binding))


def render_report(
    result: PlanResult, scenario: Scenario | None = None, binding: pd.DataFrame | None = None
) -> str:
    binding = binding_weeks(result, scenario) if binding is None else binding
    template = Template(
        resources.files("evramp.report").joinpath("templates/report.html").read_text("utf-8")
    )
    chart = pio.to_html(
        output_chart(result, scenario, binding),
        include_plotlyjs=True,
        full_html=False,
        default_width="100%",
        default_height="820px",
    )
    yearly = yearly_totals(result)
    return template.substitute(
        title=html.escape(f"Production plan: {result.scenario}"),
        meta=html.escape(
            f"{result.weeks[0]} to {result.weeks[-1]} "
            f"({len(result.weeks)} {result.noun(len(result.weeks))}) · "
            f"solver status {result.status}"
            f"{f' (integer plan, gap {result.gap:.2%})' if result.integer else ''} · "
            f"LP {result.size.rows:,} rows × "
            f"{result.size.columns:,} columns · {cost_summary(result)}"
        ),
        cards=_cards(result, yearly),
        chart=chart,
        binding="".join(
            f"<li>{html.escape(b.describe())}</li>"
            for b in binding_constraints(result, top=10, weeks=binding)
        )
        or "<li>nothing binds: every shop and supplier has spare capacity</li>",
        yearly=yearly.round(0).astype(int).to_html(),
        monthly=monthly_output(result).round(0).astype(int).to_html(),
    )


def _cards(result: PlanResult, yearly: pd.DataFrame) -> str:
    cards = [
        (f"{yearly['built'].sum():,.0f}", "vehicles built"),
        (f"{yearly['delivered'].sum():,.0f}", "vehicles delivered"),
        (f"{on_time_rate(result):.1%}", "on-time delivery"),
        (f"{len(result.orders):,}", "demand lines"),
    ]
    return "".join(
        f'<div class="card"><div class="value">{html.escape(value)}</div>'
        f'<div class="label">{html.escape(label)}</div></div>'
        for value, label in cards
    )


def output_chart(
    result: PlanResult, scenario: Scenario | None = None, binding: pd.DataFrame | None = None
) -> go.Figure:
    """Output per variant and bucket (week, day or month) against shop capacity and demand,
    what binds each bucket, and the cumulative view."""
    bucket = result.bucket
    figure = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.58, 0.06, 0.36],
        vertical_spacing=0.06,
        subplot_titles=(
            f"{result.adjective.capitalize()} output against capacity and demand",
            f"What binds each {bucket}",
            "Cumulative vehicles",
        ),
    )
    weeks = pd.Index(result.dates)  # the tables' week columns are dates
    labels = [result.label(w) for w in result.weeks]
    hover = {"customdata": labels, "hovertemplate": "%{customdata}: %{y:,.1f}"}
    output = result.output.pivot_table(
        index="week", columns="variant", values="quantity", aggfunc="sum"
    ).reindex(weeks, fill_value=0.0)
    for variant in output.columns:
        figure.add_trace(
            go.Bar(x=weeks, y=output[variant].round(1), name=str(variant), **hover), 1, 1
        )
    capacity = result.capacity.pivot(index="week", columns="shop", values="capacity")
    for shop in capacity.columns:
        figure.add_trace(
            go.Scatter(
                x=weeks,
                y=capacity[shop].reindex(weeks).round(1),
                name=f"capacity {shop}",
                mode="lines",
                line={"shape": "hv", "width": 2},
                visible=True if shop in result.vehicle_shops else "legendonly",
                **hover,
            ),
            1,
            1,
        )
    due = _weekly(result.orders.rename(columns={"due": "week"}), weeks)
    figure.add_trace(
        go.Scatter(
            x=weeks,
            y=_monthly_rate(due).round(1),
            name="demand due"
            + (f" ({result.adjective} rate of its month)" if bucket != "month" else ""),
            mode="lines",
            line={"dash": "dot", "color": "black", "shape": "hv"},
            **hover,
        ),
        1,
        1,
    )
    cumulative = {
        "built": output.sum(axis=1).cumsum(),
        "delivered": _weekly(result.shipments, weeks).cumsum(),
        "due": due.cumsum(),
    }
    for name, series in cumulative.items():
        figure.add_trace(
            go.Scatter(
                x=weeks, y=series.round(0), name=f"cumulative {name}", mode="lines", **hover
            ),
            3,
            1,
        )
    binding = binding_weeks(result, scenario) if binding is None else binding
    _binding_strip(figure, result, weeks, binding)
    figure.update_layout(
        barmode="stack",
        bargap=0.05,
        template="plotly_white",
        legend={"orientation": "v"},
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
    )
    figure.update_yaxes(title_text=f"vehicles (jobs) per {bucket}", row=1, col=1)
    figure.update_yaxes(showticklabels=False, row=2, col=1)
    figure.update_yaxes(title_text="vehicles", row=3, col=1)
    return figure


def _binding_strip(
    figure: go.Figure, result: PlanResult, weeks: pd.Index, binding: pd.DataFrame
) -> None:
    """One coloured cell a bucket: the main binding constraint of that bucket, the one whose
    extra vehicle's worth of capacity is worth most (without the scenario: the highest shadow
    price)."""
    if binding.empty:
        return
    value = binding["per_vehicle"].fillna(binding["shadow_price"])
    main = binding.assign(value=value).sort_values(["week", "value"], ascending=[True, False])
    main = main.drop_duplicates("week").sort_values("week")
    palette = plotly.colors.qualitative.Dark24
    for n, ((kind, name), rows) in enumerate(main.groupby(["kind", "name"], sort=False)):
        figure.add_trace(
            go.Bar(
                x=rows["week"],
                y=[1] * len(rows),
                name=f"binds: {kind} {name}",
                marker={"color": palette[n % len(palette)]},
                customdata=[result.label(w) for w in rows["week"]],
                hovertemplate="%{customdata}: " + f"{kind} {name}<extra></extra>",
            ),
            2,
            1,
        )


def _monthly_rate(due: pd.Series) -> pd.Series:
    """Demand due in each bucket's month divided by the buckets of that month: a level line
    that neither spikes on a month's bucket nor drops to zero in its other weeks (or days)."""
    month = pd.to_datetime(due.index).to_period("M")
    per_month = due.groupby(month)
    return pd.Series(per_month.transform("sum") / per_month.transform("size"), index=due.index)


def _weekly(frame: pd.DataFrame, weeks: pd.Index) -> pd.Series:
    if frame.empty:
        return pd.Series(0.0, index=weeks)
    return frame.groupby("week")["quantity"].sum().reindex(weeks, fill_value=0.0)


__all__ = ["output_chart", "render_report", "write_report"]
