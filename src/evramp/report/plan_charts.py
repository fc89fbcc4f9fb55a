"""The plan report's figures, one question each: what is built against capacity and demand,
how far delivery runs behind, what binds, how the constrained parts are supplied and stocked.

Every function takes the plan with its weeks as ISO date strings (`PlanView`), whatever type
the result's week columns have.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from evramp.analysis.explain.tree import Tree
from evramp.plan import PlanResult
from evramp.report import palettes
from evramp.report.page import (
    Figure,
    Trace,
    compact,
    figure,
    iso_days,
    labels,
    with_iso_weeks,
)


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
        days = iso_days(result.bucket_starts)
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

    @cached_property
    def parts(self) -> list[str]:
        """Parts that bind in at least one bucket, the most binding first."""
        parts = self.binding[self.binding["kind"] == "part"]
        counts = parts.groupby("name")["week"].size()
        return sorted(counts.index, key=lambda name: (-counts[name], name))

    @cached_property
    def supply(self) -> pd.DataFrame:
        """The supplier lines of the constrained parts, by week (ISO dates)."""
        supply = self.result.supply
        return with_iso_weeks(supply[supply["item"].isin(self.parts)])

    @cached_property
    def supplier_colours(self) -> dict[str, str]:
        """One colour per supplier of the constrained parts, the same in every panel."""
        suppliers = sorted(set(self.supply["supplier"]))
        return {str(s): palettes.pick(palettes.SUPPLIERS, n) for n, s in enumerate(suppliers)}

    def unit(self, part: str) -> str:
        return self.tree.unit_plural(part) if self.tree is not None else "units"


def _x_axis(view: PlanView) -> dict[str, Any]:
    """A date axis whose hover header names the bucket as the CLI does (2024-W18)."""
    return {"hoverformat": {"week": "%G-W%V", "month": "%Y-%m", "day": "%Y-%m-%d"}[view.bucket]}


def _bars(view: PlanView, name: str, values: Any, color: str, decimals: int = 1) -> Trace:
    return {
        "type": "bar",
        "x": view.days,
        "y": compact(values, decimals),
        "name": name,
        "marker": {"color": color, "line": {"width": 0}},
        "hovertemplate": "%{y:,.0f}",
    }


def _line(view: PlanView, name: str, values: Any, line: dict[str, Any], **more: Any) -> Trace:
    return {
        "type": "scatter",
        "mode": "lines",
        "x": view.days,
        "y": compact(values, more.pop("decimals", 1)),
        "name": name,
        "line": line,
        "hovertemplate": "%{y:,.0f}",
        **more,
    }


def output_figure(view: PlanView) -> Figure:
    """Vehicles built per variant and bucket (stacked) against the vehicle shops' capacity
    and the demand due."""
    result = view.result
    output = (
        with_iso_weeks(result.output)
        .pivot_table(index="week", columns="variant", values="quantity", aggfunc="sum")
        .reindex(view.days, fill_value=0.0)
    )
    traces = [
        _bars(view, str(variant), output[variant], palettes.pick(palettes.VARIANTS, n))
        for n, variant in enumerate(output.columns)
    ]
    capacity = with_iso_weeks(result.capacity)
    for shop in result.vehicle_shops:
        rows = capacity[capacity["shop"] == shop].set_index("week")
        limit = (rows["capacity"] + rows["overtime_jobs"]).reindex(view.days)
        line = {"color": palettes.LIMIT, "width": 1.5, "shape": "hv"}
        traces.append(_line(view, f"capacity of {shop}", limit, line))
    due = view.per_bucket(result.orders.rename(columns={"due": "week"}))
    rate = f" ({result.adjective} rate of its month)" if view.bucket != "month" else ""
    line = {"color": palettes.DEMAND, "width": 2, "dash": "dot", "shape": "hv"}
    traces.append(_line(view, "demand due" + rate, _monthly_rate(due), line))
    return figure(
        traces,
        f"{result.adjective.capitalize()} output against capacity and demand",
        460,
        barmode="stack",
        bargap=0.1,
        hovermode="x unified",
        xaxis=_x_axis(view),
        yaxis={"title": {"text": f"vehicles per {view.bucket}"}},
    )


def cumulative_figure(view: PlanView) -> Figure:
    """Cumulative vehicles built, delivered and due: built wide and solid, delivered dashed
    with markers on top of it, so that both show where they coincide."""
    result = view.result
    built = view.per_bucket(result.output).cumsum()
    delivered = view.per_bucket(result.deliveries).cumsum()
    due = view.per_bucket(result.orders.rename(columns={"due": "week"})).cumsum()
    traces = [
        _line(view, "built (cumulative)", built, {"color": palettes.VARIANTS[0], "width": 4}),
        _line(
            view,
            "delivered (cumulative)",
            delivered,
            {"color": palettes.VARIANTS[5], "width": 2, "dash": "dash"},
            mode="lines+markers",
            marker={"symbol": "circle-open", "size": 7, "maxdisplayed": 40},
        ),
        _line(view, "due (cumulative)", due, {"color": palettes.DEMAND, "width": 2, "dash": "dot"}),
    ]
    return figure(
        traces,
        "Cumulative vehicles: built, delivered and due",
        380,
        hovermode="x unified",
        xaxis=_x_axis(view),
        yaxis={"title": {"text": "vehicles"}},
    )


def binding_figure(view: PlanView) -> Figure:
    """Utilisation of every shop and constrained part in every bucket (a heat map), with a
    mark on the cells that bind: several constraints a bucket, not only the main one."""
    use = _utilisation(view)
    rows = list(dict.fromkeys(use["row"]))
    shape = (len(rows), len(view.days))

    table = use.pivot(index="row", columns="week", values=["used", "capacity", "shadow_price"])

    def grid(column: str) -> npt.NDArray[np.float64]:
        chosen = pd.DataFrame(table[column]).reindex(index=rows, columns=view.days)
        return chosen.to_numpy(dtype=np.float64)

    used, limit = grid("used"), grid("capacity")
    share = np.divide(used, limit, out=np.full(shape, np.nan), where=limit > 0)
    heat: Trace = {
        "type": "heatmap",
        "x": view.days,
        "y": rows,
        "z": compact(share, 3),
        "zmin": 0.5,  # a plan runs its constrained resources near capacity: set 50-100 % apart
        "zmax": 1,
        "colorscale": palettes.UTILISATION,
        "colorbar": {
            "title": {"text": "used"},
            "tickvals": [0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
            "ticktext": ["≤ 50%", "60%", "70%", "80%", "90%", "100%"],
            "len": 0.9,
            "thickness": 12,
        },
        # Whole numbers as JSON lists (no typed array of triples): 7 characters a number.
        "customdata": np.dstack([used, limit, grid("shadow_price")]).round().tolist(),
        "hovertemplate": "%{y}, %{x}: %{z:.0%} of capacity (%{customdata[0]:,.0f} of "
        "%{customdata[1]:,.0f}); shadow price %{customdata[2]:,.0f}<extra></extra>",
        "ygap": 2,
        "showlegend": False,
    }
    binding = view.binding
    marks: Trace = {
        "type": "scatter",
        "mode": "markers",
        "x": binding["week"].tolist(),
        "y": [_row_name(k, n) for k, n in zip(binding["kind"], binding["name"], strict=True)],
        "name": "binds: at capacity with a shadow price",
        "marker": {"symbol": "x-thin", "size": 6, "line": {"width": 1.5, "color": palettes.LIMIT}},
        "text": binding["sentence"].tolist(),
        "hovertemplate": "%{text}<extra></extra>",
        "showlegend": True,
    }
    return figure(
        [heat, marks],
        f"What binds each {view.bucket}: use of shop and part capacity",
        120 + 30 * max(len(rows), 3),
        margin={"l": 170},
        xaxis={**_x_axis(view), "showgrid": False},
        yaxis={"autorange": "reversed", "showgrid": False, "tickformat": ""},
    )


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
    parts = view.parts
    supply = view.supply.dropna(subset=["capacity"])
    per_part = supply.groupby(["item", "week"], sort=False).agg(
        used=("received", "sum"), capacity=("capacity", "sum"), shadow_price=("shadow_price", "min")
    )
    per_part = per_part.reindex(parts, level=0).reset_index()
    part_use = per_part.assign(row=[_row_name("part", p) for p in per_part["item"]])
    return pd.concat([shop_use, part_use[shop_use.columns]], ignore_index=True)


def supply_figure(view: PlanView, part: str) -> Figure:
    """Units of `part` received per supplier and bucket against the capacity of its lines."""
    supply = view.supply[view.supply["item"] == part]
    colours = view.supplier_colours
    traces = [
        _bars(
            view,
            str(supplier),
            rows.set_index("week")["received"].reindex(view.days, fill_value=0.0),
            colours[str(supplier)],
            decimals=0,
        )
        for supplier, rows in supply.groupby("supplier", sort=True)
    ]
    capacity = supply.groupby("week")["capacity"].sum(min_count=1).reindex(view.days)
    line = {"color": palettes.LIMIT, "width": 1.5, "shape": "hv"}
    traces.append(_line(view, "capacity of its suppliers", capacity, line, decimals=0))
    return figure(
        traces,
        f"{part}: received against capacity",
        300,
        barmode="stack",
        bargap=0.1,
        hovermode="x unified",
        margin={"t": 70},
        xaxis=_x_axis(view),
        yaxis={"title": {"text": f"{view.unit(part)} per {view.bucket}"}},
    )


def stock_figure(view: PlanView, parts: list[str]) -> Figure:
    """End-of-bucket stock of the constrained parts, in vehicle sets of the variant that uses
    most of each (units without the scenario), so that parts of any unit share one axis."""
    stock = with_iso_weeks(view.result.stock)
    tree = view.tree
    traces = []
    for n, part in enumerate(parts):
        weekly = stock[stock["item"] == part].set_index("week")["quantity"]
        heaviest = tree.heaviest_user.get(part) if tree is not None else None
        per_vehicle = heaviest[1] if heaviest is not None else 1.0
        line = {"color": palettes.pick(palettes.PARTS, n), "width": 2, "shape": "hv"}
        sets = weekly.reindex(view.days, fill_value=0.0) / per_vehicle
        traces.append(_line(view, part, sets, line))
    return figure(
        traces,
        f"Stock of the constrained parts (end of {view.bucket})",
        340,
        hovermode="x unified",
        xaxis=_x_axis(view),
        yaxis={
            "title": {"text": "vehicle sets" if tree is not None else "units"},
            "rangemode": "tozero",
        },
    )


def _monthly_rate(due: pd.Series) -> pd.Series:
    """Demand due in each bucket's month divided by the buckets of that month: a level line
    that neither spikes on a month's bucket nor drops to zero in its other weeks (or days)."""
    month = pd.to_datetime(due.index).to_period("M")
    per_month = due.groupby(month)
    return pd.Series(per_month.transform("sum") / per_month.transform("size"), index=due.index)
