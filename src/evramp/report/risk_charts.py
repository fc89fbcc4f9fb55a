"""The risk report's figures: fans of the runs' deliveries (weekly and cumulative) and the
tornado of what each disruption source costs on its own, in output and in lateness."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from evramp.report import palettes
from evramp.report.page import Figure, Trace, compact, figure
from evramp.risk.summary import unmeasured

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Fan:
    """P10, P50 and P90 of the runs per week, and the base plan (no disruption)."""

    days: list[str]
    p10: FloatArray
    p50: FloatArray
    p90: FloatArray
    base: FloatArray


def fan_figure(fan: Fan, title: str, axis: str, height: int = 420) -> Figure:
    """The band from P10 to P90 (one closed shape, so that its legend entry has a swatch), the
    base plan wide and light, and P50 narrow and dark on top of it: both show where they
    coincide."""
    band: Trace = {
        "type": "scatter",
        "x": [*fan.days, *fan.days[::-1]],
        "y": compact(np.concatenate([fan.p90, fan.p10[::-1]]), 0),
        "name": "P10 to P90 of the runs",
        "fill": "toself",
        "fillcolor": palettes.BAND,
        "line": {"width": 0.5, "color": palettes.BAND},
        "hoverinfo": "skip",
        "legendrank": 1,
    }
    base = _line(fan, "base plan (no disruption)", fan.base, {"color": palettes.BASE, "width": 7})
    p50 = _line(fan, "P50 (median run)", fan.p50, {"color": palettes.MEDIAN, "width": 2})
    # Invisible lines, for their values in the hover box.
    hidden = [
        _line(fan, name, values, {"width": 0}, showlegend=False)
        for name, values in (("P10", fan.p10), ("P90", fan.p90))
    ]
    return figure(
        [band, {**base, "legendrank": 3}, {**p50, "legendrank": 2}, *hidden],
        title,
        height,
        hovermode="x unified",
        xaxis={"hoverformat": "%G-W%V"},
        yaxis={"title": {"text": axis}, "rangemode": "tozero"},
    )


def _line(fan: Fan, name: str, values: FloatArray, line: dict[str, Any], **more: Any) -> Trace:
    return {
        "type": "scatter",
        "mode": "lines",
        "x": fan.days,
        "y": compact(values, 0),
        "name": name,
        "line": line,
        "hovertemplate": "%{y:,.0f}",
        **more,
    }


def tornado_figure(tornado: pd.DataFrame, target_year: str) -> Figure:
    """Each source's cost when only it happens, two measures side by side on one row per
    source: vehicles not delivered in the target year, and vehicle-weeks of lateness added.
    A source with no loss still shows its lateness (a late ramp can cost weeks, not cars)."""
    lost_column = f"delivered_lost_{target_year}"
    # Whole vehicles and vehicle-weeks: a solver's -1e-9 must not rank a source below a tie.
    ranked = tornado.assign(
        _lost=tornado[lost_column].fillna(0).round(),
        _late=tornado["late_vehicle_weeks_added"].fillna(0).round(),
    ).sort_values(["_lost", "_late"], ascending=True, kind="stable")  # largest at the top
    sources = ranked["source"].astype(str).tolist()
    happened = [
        unmeasured(int(finished), int(runs)) or f"happened in {h:.0%} of runs"
        for finished, runs, h in zip(
            ranked["finished"], ranked["runs"], ranked["happened"], strict=True
        )
    ]
    measures = (
        ("x", f"vehicles not delivered in {target_year}", ranked[lost_column], palettes.LOST),
        ("x2", "vehicle-weeks late added", ranked["late_vehicle_weeks_added"], palettes.LATE),
    )
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "x": compact(values, 0),
            "y": sources,
            "xaxis": axis,
            "yaxis": "y",
            "name": name,
            "marker": {"color": color},
            "text": [_bar_text(v) for v in values],
            "textposition": "outside",
            "cliponaxis": False,
            "customdata": happened,
            "hovertemplate": "%{y}: %{x:,.0f} (%{customdata})<extra>" + name + "</extra>",
        }
        for axis, name, values, color in measures
    ]
    panel = {
        "type": "linear",
        "tickformat": ",~r",
        "rangemode": "tozero",
        "zeroline": True,
        "zerolinecolor": "#9aa5b1",
    }
    titles = [
        _panel_title(f"vehicles not delivered in {target_year}", 0.0),
        _panel_title("vehicle-weeks of lateness added", 0.515),
    ]
    return figure(
        traces,
        f"Tornado: vehicles not delivered in {target_year} when only that source happens, "
        "and the lateness it adds",
        140 + 44 * max(len(sources), 2),
        bargap=0.35,
        margin={"l": 120, "r": 60, "t": 110},
        legend={"y": 1.12},
        annotations=titles,
        xaxis={**panel, "domain": [0.0, 0.485]},
        xaxis2={**panel, "domain": [0.515, 1.0], "anchor": "y"},
        yaxis={"tickformat": ""},
    )


def _panel_title(text: str, left: float) -> dict[str, Any]:
    return {
        "text": text,
        "x": left,
        "xref": "paper",
        "xanchor": "left",
        "y": 1.0,
        "yref": "paper",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 13},
    }


def _bar_text(value: float) -> str:
    return "no run" if pd.isna(value) else f"{round(float(value)) + 0:,}"
