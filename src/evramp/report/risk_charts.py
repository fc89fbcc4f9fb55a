"""The risk report's figures: fans of the runs' deliveries (weekly and cumulative) and the
tornado of what each disruption source costs on its own, in output and in lateness."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from evramp.report import palettes
from evramp.report.page import compact, style

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Fan:
    """P10, P50 and P90 of the runs per week, and the base plan (no disruption)."""

    days: list[str]
    p10: FloatArray
    p50: FloatArray
    p90: FloatArray
    base: FloatArray


def fan_figure(fan: Fan, title: str, axis: str, height: int = 420) -> go.Figure:
    """The band from P10 to P90 (one closed shape, so that its legend entry has a swatch), the
    base plan wide and light, and P50 narrow and dark on top of it: both show where they
    coincide."""
    figure = go.Figure()
    figure.add_scatter(
        x=[*fan.days, *fan.days[::-1]],
        y=compact(np.concatenate([fan.p90, fan.p10[::-1]]), 0),
        name="P10 to P90 of the runs",
        fill="toself",
        fillcolor=palettes.BAND,
        line={"width": 0.5, "color": palettes.BAND},
        hoverinfo="skip",
        legendrank=1,
    )
    for name, values, line, rank in (
        ("base plan (no disruption)", fan.base, {"color": palettes.BASE, "width": 7}, 3),
        ("P50 (median run)", fan.p50, {"color": palettes.MEDIAN, "width": 2}, 2),
    ):
        figure.add_scatter(
            x=fan.days,
            y=compact(values, 0),
            name=name,
            mode="lines",
            line=line,
            hovertemplate="%{y:,.0f}",
            legendrank=rank,
        )
    for name, values in (("P10", fan.p10), ("P90", fan.p90)):
        figure.add_scatter(  # invisible lines: their values in the hover box
            x=fan.days,
            y=compact(values, 0),
            name=name,
            mode="lines",
            line={"width": 0},
            showlegend=False,
            hovertemplate="%{y:,.0f}",
        )
    style(figure, title, height, hovermode="x unified")
    figure.update_xaxes(type="date", hoverformat="%G-W%V")
    figure.update_yaxes(title_text=axis, rangemode="tozero")
    return figure


def tornado_figure(tornado: pd.DataFrame, target_year: str) -> go.Figure:
    """Each source's cost when only it happens, two measures side by side on one row per
    source: vehicles not delivered in the target year, and vehicle-weeks of lateness added.
    A source with no loss still shows its lateness (a late ramp can cost weeks, not cars)."""
    lost_column = f"delivered_lost_{target_year}"
    ranked = tornado.assign(
        _lost=tornado[lost_column].fillna(0), _late=tornado["late_vehicle_weeks_added"].fillna(0)
    ).sort_values(["_lost", "_late"], ascending=True)  # largest at the top
    figure = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.03,
        subplot_titles=(
            f"vehicles not delivered in {target_year}",
            "vehicle-weeks of lateness added",
        ),
    )
    sources = ranked["source"].astype(str).tolist()
    happened = [
        "no optimal run" if pd.isna(h) else f"happened in {h:.0%} of runs"
        for h in ranked["happened"]
    ]
    for column, (name, values, color) in enumerate(
        (
            (f"vehicles not delivered in {target_year}", ranked[lost_column], palettes.LOST),
            ("vehicle-weeks late added", ranked["late_vehicle_weeks_added"], palettes.LATE),
        ),
        start=1,
    ):
        figure.add_bar(
            x=compact(values, 0),
            y=sources,
            orientation="h",
            name=name,
            marker={"color": color},
            text=[_bar_text(v) for v in values],
            textposition="outside",
            cliponaxis=False,
            customdata=happened,
            hovertemplate="%{y}: %{x:,.0f} (%{customdata})<extra>" + name + "</extra>",
            row=1,
            col=column,
        )
    style(
        figure,
        f"Tornado: vehicles not delivered in {target_year} when only that source happens, "
        "and the lateness it adds",
        140 + 44 * max(len(sources), 2),
        bargap=0.35,
        margin={"l": 120, "r": 60, "t": 110},
        legend={"y": 1.12},
    )
    figure.update_xaxes(
        tickformat=",~r", rangemode="tozero", zeroline=True, zerolinecolor="#9aa5b1"
    )
    figure.update_yaxes(tickformat="")
    for annotation in figure.layout.annotations:  # subplot titles: left, above each panel
        annotation.update(font={"size": 13})
    return figure


def _bar_text(value: float) -> str:
    if pd.isna(value):
        return "no run"
    rounded = round(float(value))
    return f"{rounded:+,}" if rounded < 0 else f"{rounded:,}"
