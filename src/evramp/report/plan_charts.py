"""The plan report's figures, one question each: what is built against capacity and demand,
how far delivery runs behind, what binds, how the constrained parts are supplied and stocked.

Every function takes the plan with its weeks as ISO date strings (`PlanView`), whatever type
the result's week columns have.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from evramp.plan import PlanResult
from evramp.plan.explain.tree import Tree
from evramp.report import palettes
from evramp.report.page import compact, iso_days, labels, style, with_iso_weeks


@dataclass(frozen=True)
class PlanView:
    """A plan as the charts read it: weeks as ISO dates, their labels, the binding weeks."""

    result: PlanResult
    days: list[str]
    labels: list[str]
    binding: pd.DataFrame
    tree: Tree | None

    @staticmethod
    def of(result: PlanResult, binding: pd.DataFrame, tree: Tree | None) -> PlanView:
        days = iso_days(result.weeks)
        return PlanView(result, days, labels(days, result.bucket), with_iso_weeks(binding), tree)

    @property
    def bucket(self) -> str:
        return self.result.bucket

    def per_bucket(self, frame: pd.DataFrame, value: str = "quantity") -> pd.Series:
        """`value` summed per bucket, every bucket of the horizon present."""
        if frame.empty:
            return pd.Series(0.0, index=self.days)
        weekly = with_iso_weeks(frame).groupby("week")[value].sum()
        return weekly.reindex(self.days, fill_value=0.0)

    def constrained_parts(self) -> list[str]:
        """Parts that bind in at least one bucket, the most binding first."""
        parts = self.binding[self.binding["kind"] == "part"]
        counts = parts.groupby("name")["week"].size()
        return sorted(counts.index, key=lambda name: (-counts[name], name))

    def supplier_colours(self) -> dict[str, str]:
        """One colour per supplier of the constrained parts, the same in every panel."""
        supply = self.result.supply
        suppliers = sorted(set(supply[supply["item"].isin(self.constrained_parts())]["supplier"]))
        return {str(s): palettes.pick(palettes.SUPPLIERS, n) for n, s in enumerate(suppliers)}

    def unit(self, part: str) -> str:
        return self.tree.unit_plural(part) if self.tree is not None else "units"


def _x_axis(view: PlanView) -> dict[str, object]:
    """A date axis whose hover header names the bucket as the CLI does (2024-W18)."""
    hover = {"week": "%G-W%V", "month": "%Y-%m", "day": "%Y-%m-%d"}[view.bucket]
    return {"type": "date", "hoverformat": hover}


def output_figure(view: PlanView) -> go.Figure:
    """Vehicles completed per variant and bucket (stacked) against the vehicle shops' capacity
    and the demand due."""
    result = view.result
    output = (
        with_iso_weeks(result.output)
        .pivot_table(index="week", columns="variant", values="quantity", aggfunc="sum")
        .reindex(view.days, fill_value=0.0)
    )
    figure = go.Figure()
    for n, variant in enumerate(output.columns):
        figure.add_bar(
            x=view.days,
            y=compact(output[variant]),
            name=str(variant),
            marker={"color": palettes.pick(palettes.VARIANTS, n), "line": {"width": 0}},
            hovertemplate="%{y:,.0f}",
        )
    capacity = with_iso_weeks(result.capacity)
    for shop in result.vehicle_shops:
        rows = capacity[capacity["shop"] == shop].set_index("week")
        limit = (rows["capacity"] + rows["overtime_jobs"]).reindex(view.days)
        figure.add_scatter(
            x=view.days,
            y=compact(limit),
            name=f"capacity of {shop}",
            mode="lines",
            line={"color": palettes.LIMIT, "width": 1.5, "shape": "hv"},
            hovertemplate="%{y:,.0f}",
        )
    due = view.per_bucket(result.orders.rename(columns={"due": "week"}))
    figure.add_scatter(
        x=view.days,
        y=compact(_monthly_rate(due)),
        name="demand due"
        + (f" ({result.adjective} rate of its month)" if view.bucket != "month" else ""),
        mode="lines",
        line={"color": palettes.DEMAND, "width": 2, "dash": "dot", "shape": "hv"},
        hovertemplate="%{y:,.0f}",
    )
    title = f"{result.adjective.capitalize()} output against capacity and demand"
    style(
        figure,
        title,
        460,
        barmode="stack",
        bargap=0.1,
        hovermode="x unified",
    )
    figure.update_xaxes(**_x_axis(view))
    figure.update_yaxes(title_text=f"vehicles per {view.bucket}")
    return figure


def cumulative_figure(view: PlanView) -> go.Figure:
    """Cumulative vehicles built, delivered and due: built solid, delivered dashed with
    markers on top of it, so that both show where they coincide."""
    result = view.result
    series = [
        ("built", view.per_bucket(result.output), {"color": palettes.VARIANTS[0], "width": 4}),
        (
            "delivered",
            view.per_bucket(result.shipments),
            {"color": palettes.VARIANTS[5], "width": 2, "dash": "dash"},
        ),
        (
            "due",
            view.per_bucket(result.orders.rename(columns={"due": "week"})),
            {"color": palettes.DEMAND, "width": 2, "dash": "dot"},
        ),
    ]
    figure = go.Figure()
    for name, weekly, line in series:
        figure.add_scatter(
            x=view.days,
            y=compact(weekly.cumsum(), 0),
            name=f"{name} (cumulative)",
            mode="lines+markers" if name == "delivered" else "lines",
            line=line,
            marker={"symbol": "circle-open", "size": 7, "maxdisplayed": 40},
            hovertemplate="%{y:,.0f}",
        )
    style(figure, "Cumulative vehicles: built, delivered and due", 380, hovermode="x unified")
    figure.update_xaxes(**_x_axis(view))
    figure.update_yaxes(title_text="vehicles")
    return figure


def binding_figure(view: PlanView) -> go.Figure:
    """Utilisation of every shop and constrained part in every bucket (a heat map), with a
    mark on the cells that bind: several constraints a bucket, not only the main one."""
    use = _utilisation(view)
    figure = go.Figure()
    shadow = use.pivot(index="row", columns="week", values="shadow_price")
    used = use.pivot(index="row", columns="week", values="used")
    limit = use.pivot(index="row", columns="week", values="capacity")
    rows = list(dict.fromkeys(use["row"]))
    shape = (len(rows), len(view.days))

    def grid(frame: pd.DataFrame) -> np.ndarray:
        return (
            frame.reindex(index=rows, columns=view.days).to_numpy(dtype=np.float64).reshape(shape)
        )

    share = np.divide(grid(used), grid(limit), out=np.full(shape, np.nan), where=grid(limit) > 0)
    label_row = np.array(view.labels, dtype=object)
    figure.add_heatmap(
        x=view.days,
        y=rows,
        z=compact(share, 3),
        zmin=0.5,  # a plan runs most constrained resources near capacity: show 50-100 % apart
        zmax=1,
        colorscale=palettes.UTILISATION,
        colorbar={
            "title": {"text": "used"},
            "tickformat": ".0%",
            "tickvals": [0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
            "ticktext": ["≤ 50 %", "60 %", "70 %", "80 %", "90 %", "100 %"],
            "len": 0.9,
            "thickness": 12,
        },
        customdata=np.dstack(
            [
                np.broadcast_to(label_row, shape),
                np.round(grid(used), 0),
                np.round(grid(limit), 0),
                np.round(grid(shadow), 0),
            ]
        ),
        hovertemplate="%{y}, %{customdata[0]}: %{z:.0%} of capacity "
        "(%{customdata[1]:,.0f} of %{customdata[2]:,.0f}); shadow price "
        "%{customdata[3]:,.0f}<extra></extra>",
        xgap=0,
        ygap=2,
        showscale=True,
    )
    binding = view.binding.assign(
        row=[
            _row_name(k, n) for k, n in zip(view.binding["kind"], view.binding["name"], strict=True)
        ]
    )
    figure.add_scatter(
        x=binding["week"],
        y=binding["row"],
        mode="markers",
        name="binds: at capacity with a shadow price",
        marker={"symbol": "x-thin", "size": 6, "line": {"width": 1.5, "color": palettes.LIMIT}},
        text=binding["sentence"],
        hovertemplate="%{text}<extra></extra>",
    )
    title = f"What binds each {view.bucket}: use of shop and part capacity"
    style(
        figure,
        title,
        120 + 30 * max(len(rows), 3),
        showlegend=True,
        margin={"l": 170},
    )
    figure.update_xaxes(**_x_axis(view), showgrid=False)
    figure.update_yaxes(autorange="reversed", showgrid=False, tickformat="")
    return figure


def _row_name(kind: str, name: str) -> str:
    return f"{kind} {name}"


def _utilisation(view: PlanView) -> pd.DataFrame:
    """Per shop and constrained part and bucket: used, capacity and shadow price (for a part
    the lines with a capacity summed, the smallest shadow price over them)."""
    result = view.result
    shops = with_iso_weeks(result.capacity)
    shops = shops[shops.groupby("shop")["capacity"].transform("max") > 0]
    shop_use = pd.DataFrame(
        {
            "row": [_row_name("shop", s) for s in shops["shop"]],
            "week": shops["week"],
            "used": shops["load"],
            "capacity": shops["capacity"] + shops["overtime_jobs"],
            "shadow_price": shops["shadow_price"],
        }
    )
    supply = result.supply[result.supply["item"].isin(view.constrained_parts())]
    supply = with_iso_weeks(supply.dropna(subset=["capacity"]))
    parts = supply.groupby(["item", "week"], sort=False).agg(
        used=("received", "sum"), capacity=("capacity", "sum"), shadow_price=("shadow_price", "min")
    )
    parts = parts.reindex(view.constrained_parts(), level=0).reset_index()
    part_use = parts.assign(row=[_row_name("part", p) for p in parts["item"]]).drop(columns="item")
    return pd.concat([shop_use, part_use[shop_use.columns]], ignore_index=True)


def supply_figure(view: PlanView, part: str) -> go.Figure:
    """Units of `part` received per supplier and bucket against the capacity of its lines."""
    supply = with_iso_weeks(view.result.supply[view.result.supply["item"] == part])
    colours = view.supplier_colours()
    figure = go.Figure()
    for supplier, rows in supply.groupby("supplier", sort=True):
        received = rows.set_index("week")["received"].reindex(view.days, fill_value=0.0)
        figure.add_bar(
            x=view.days,
            y=compact(received, 0),
            name=str(supplier),
            marker={"color": colours[str(supplier)], "line": {"width": 0}},
            hovertemplate="%{y:,.0f}",
        )
    capacity = supply.groupby("week")["capacity"].sum(min_count=1).reindex(view.days)
    figure.add_scatter(
        x=view.days,
        y=compact(capacity, 0),
        name="capacity of its suppliers",
        mode="lines",
        line={"color": palettes.LIMIT, "width": 1.5, "shape": "hv"},
        hovertemplate="%{y:,.0f}",
    )
    style(
        figure,
        f"{part}: received against capacity",
        300,
        barmode="stack",
        bargap=0.1,
        hovermode="x unified",
        margin={"t": 70},
    )
    figure.update_xaxes(**_x_axis(view))
    figure.update_yaxes(title_text=f"{view.unit(part)} per {view.bucket}")
    return figure


def stock_figure(view: PlanView, parts: list[str]) -> go.Figure:
    """End-of-bucket stock of the constrained parts, in vehicle sets of the variant that uses
    most of each (units without the scenario), so that parts of any unit share one axis."""
    stock = with_iso_weeks(view.result.stock)
    tree = view.tree
    figure = go.Figure()
    for n, part in enumerate(parts):
        rows = stock[stock["item"] == part].set_index("week")["quantity"]
        weekly = rows.reindex(view.days, fill_value=0.0)
        heaviest = tree.heaviest_user.get(part) if tree is not None else None
        per_vehicle = heaviest[1] if heaviest is not None else 1.0
        figure.add_scatter(
            x=view.days,
            y=compact(weekly / per_vehicle, 1),
            name=part,
            mode="lines",
            line={"color": palettes.pick(palettes.PARTS, n), "width": 2, "shape": "hv"},
            hovertemplate="%{y:,.0f}",
        )
    unit = "vehicle sets" if tree is not None else "units"
    style(
        figure,
        "Stock of the constrained parts (end of " + view.bucket + ")",
        340,
        hovermode="x unified",
    )
    figure.update_xaxes(**_x_axis(view))
    figure.update_yaxes(title_text=unit, rangemode="tozero")
    return figure


def _monthly_rate(due: pd.Series) -> pd.Series:
    """Demand due in each bucket's month divided by the buckets of that month: a level line
    that neither spikes on a month's bucket nor drops to zero in its other weeks (or days)."""
    month = pd.to_datetime(due.index).to_period("M")
    per_month = due.groupby(month)
    return pd.Series(per_month.transform("sum") / per_month.transform("size"), index=due.index)
