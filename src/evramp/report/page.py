"""The machinery every report page shares: Jinja2 templates, number formats, weeks as ISO dates,
and plotly.js embedded once per page, compressed, so that a report opens offline.

plotly.js (4.8 MB minified, the only bundle the plotly package ships) is stored gzip-compressed
and base64-encoded (2.0 MB) and unpacked by the browser's DecompressionStream before the figures
are drawn; the figures themselves are JSON with numeric arrays as base64 typed arrays.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
import numpy as np
import numpy.typing as npt
import pandas as pd
import plotly.graph_objects as go
import plotly.offline
from plotly.io.json import to_json_plotly

from evramp.model.buckets import bucket_label

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
GRID = "#e4e7eb"


@dataclass(frozen=True)
class Chart:
    """One figure of a page: the id of its div, its height in pixels, and the figure."""

    id: str
    figure: go.Figure
    height: int = 420

    def json(self) -> str:
        """The figure as JSON for a `<script type="application/json">` block."""
        data = self.figure.to_plotly_json()
        data["layout"].pop("template", None)  # plotly.js's own defaults: no 10 kB per figure
        return _script_safe(to_json_plotly(data))


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("evramp.report", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["thousands"] = thousands
    env.filters["percent"] = percent
    return env


def render(template: str, charts: Iterable[Chart], **context: Any) -> str:
    """The page `template` with its charts and the compressed plotly.js it draws them with."""
    return (
        environment()
        .get_template(template)
        .render(charts=list(charts), plotly_gzip=plotly_gzip_base64(), **context)
    )


@cache
def plotly_gzip_base64() -> str:
    """plotly.js of the installed plotly package, gzip-compressed (mtime 0: the same bytes for
    the same plotly, so reports compare equal) and base64-encoded."""
    source = plotly.offline.get_plotlyjs().encode("utf-8")
    return base64.b64encode(gzip.compress(source, compresslevel=6, mtime=0)).decode("ascii")


def _script_safe(text: str) -> str:
    """JSON that cannot end its `<script>` block early (a name with `</script>` in it)."""
    return text.replace("</", "<\\/")


# --- numbers ---------------------------------------------------------------------------------


def thousands(value: object, decimals: int = 0) -> str:
    """`12,345` (`12,345.6` with decimals); a dash for a missing value."""
    number = _number(value)
    if number is None:
        return "–"
    return f"{round(number, decimals) + 0.0:,.{decimals}f}"  # + 0.0: no "-0" for -0.3


def percent(value: object, decimals: int = 1) -> str:
    """`49.1 %` of a share (0..1); a dash for a missing value."""
    number = _number(value)
    return "–" if number is None else f"{number:.{decimals}%}".replace("%", " %")


def signed(value: object) -> str:
    """`+12,345`, `-25` or `0`."""
    number = _number(value)
    if number is None:
        return "–"
    rounded = round(number)
    return f"{rounded:+,}" if rounded else "0"


def _number(value: object) -> float | None:
    if value is None or isinstance(value, str):
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def compact(values: Iterable[float] | pd.Series | npt.NDArray[Any], decimals: int = 1) -> Any:
    """Values as a float32 array rounded to `decimals`: half the bytes of float64 in the
    figure's base64 typed arrays, and exact to the vehicles and shadow prices shown."""
    return np.round(np.asarray(values, dtype=np.float64), decimals).astype(np.float32)


# --- weeks ---------------------------------------------------------------------------------


def iso_day(value: object) -> str:
    """The ISO date of a bucket's first day, whether given as `2024-05-06`, a date or a
    timestamp."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10]).isoformat()
    if isinstance(value, dt.date | np.datetime64):
        return pd.Timestamp(value).date().isoformat()
    raise TypeError(f"not a date: {value!r}")


def iso_days(values: Iterable[object]) -> list[str]:
    return [iso_day(value) for value in values]


def with_iso_weeks(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """`frame` with its week columns (default `week`) as ISO date strings; missing values stay
    missing."""
    out = frame.copy()
    for column in columns or ("week",):
        out[column] = pd.to_datetime(out[column]).dt.strftime("%Y-%m-%d")
    return out


def labels(days: Iterable[str], bucket: str) -> list[str]:
    """The bucket names shown in hover texts: `2024-W18`, `2024-05`, `2024-05-02`."""
    return [bucket_label(day, bucket) for day in days]


# --- layout ----------------------------------------------------------------------------------


def style(figure: go.Figure, title: str, height: int, **layout: Any) -> go.Figure:
    """The house style: a left-aligned title, a horizontal legend above the plot (each figure
    its own legend), thousands separators on every axis."""
    base: dict[str, Any] = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        "height": height,
        "font": {"family": FONT, "size": 12, "color": "#1f2933"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "separators": ".,",
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
            "bgcolor": "rgba(0,0,0,0)",
            "traceorder": "normal",  # stacked bars would list bottom-up otherwise
        },
        "margin": {"l": 70, "r": 20, "t": 80, "b": 40},
        "hovermode": "closest",
    }
    figure.update_layout(**_merge(base, layout))
    figure.update_xaxes(gridcolor=GRID, zeroline=False, showline=True, linecolor="#9aa5b1")
    figure.update_yaxes(gridcolor=GRID, zeroline=False, tickformat=",~r")
    return figure


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged
