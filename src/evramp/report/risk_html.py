"""The risk report: a fan chart of weekly output (P10-P90 around P50, against the base plan)
and a tornado of what each disruption source costs, as one self-contained HTML page."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from evramp.io import write_text_atomic

BAND = "rgba(31, 119, 180, 0.25)"


def write_risk_report(
    frames: dict[str, pd.DataFrame], path: Path, title: str, target_year: str
) -> Path:
    """Write the report of `evramp risk`'s tables (`weekly` and `tornado`) to `path`."""
    figure = risk_chart(frames["weekly"], frames["tornado"], target_year)
    body = pio.to_html(figure, include_plotlyjs=True, full_html=False, default_width="100%")
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body style='font-family:sans-serif'>"
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return write_text_atomic(path, page)


def risk_chart(weekly: pd.DataFrame, tornado: pd.DataFrame, target_year: str) -> go.Figure:
    figure = make_subplots(
        rows=2,
        cols=1,
        row_heights=[0.62, 0.38],
        vertical_spacing=0.12,
        subplot_titles=(
            "Vehicles delivered per week: P10 to P90 of the runs, P50 and the base plan",
            f"Tornado: vehicles not delivered in {target_year} when only that source happens",
        ),
    )
    week = weekly["week"]
    figure.add_trace(_line(week, weekly["delivered_p90"], "P90", None), 1, 1)
    band = _line(week, weekly["delivered_p10"], "P10", None)
    band.update(fill="tonexty", fillcolor=BAND)
    figure.add_trace(band, 1, 1)
    figure.add_trace(_line(week, weekly["delivered_p50"], "P50", "rgb(31, 119, 180)"), 1, 1)
    base = _line(week, weekly["delivered_base"], "base plan", "black")
    base.update(line={"color": "black", "dash": "dot"})
    figure.add_trace(base, 1, 1)
    lost = f"delivered_lost_{target_year}"
    ranked = tornado.sort_values(lost)  # largest at the top of a horizontal bar chart
    figure.add_trace(
        go.Bar(
            x=ranked[lost],
            y=ranked["source"],
            orientation="h",
            name=f"lost in {target_year}",
            marker={"color": "rgb(214, 39, 40)"},
            customdata=ranked[["happened", "late_vehicle_weeks_added"]].to_numpy(),
            hovertemplate="%{y}: %{x:,.0f} vehicles; happened in %{customdata[0]:.0%} of runs; "
            "%{customdata[1]:,.0f} vehicle-weeks late added<extra></extra>",
        ),
        2,
        1,
    )
    figure.update_yaxes(title_text="vehicles per week", row=1, col=1)
    figure.update_xaxes(title_text="vehicles", row=2, col=1)
    figure.update_layout(height=860, legend={"orientation": "h"}, margin={"t": 60})
    return figure


def _line(x: pd.Series, y: pd.Series, name: str, color: str | None) -> go.Scatter:
    line = {"width": 0} if color is None else {"color": color}
    return go.Scatter(x=x, y=y.round(0), name=name, mode="lines", line=line)
