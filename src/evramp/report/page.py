"""The machinery every report page shares: Jinja2 templates, number formats, weeks as ISO dates,
and plotly.js embedded once per page, compressed, so that a report opens offline.

plotly.js (4.8 MB minified, the only bundle the plotly package delivers) is stored gzip-compressed
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
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from evramp.model.buckets import bucket_label

if TYPE_CHECKING:
    import jinja2

# jinja2 and plotly are imported where a page is rendered: every evramp command imports this
# package, and only `plan` and `risk` write a page.

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
GRID = "#e4e7eb"


Trace = dict[str, Any]
Figure = dict[str, Any]
"""A figure as plotly.js takes it: `{"data": [trace, ...], "layout": {...}}`. Plain dicts, not
plotly's graph objects: those validate every property in Python, 2 s for the plan report."""


@dataclass(frozen=True)
class Chart:
    """One figure of a page and the id of its div."""

    id: str
    figure: Figure

    def json(self) -> str:
        """The figure as JSON for a `<script type="application/json">` block, numpy arrays as
        base64 typed arrays."""
        from plotly.io.json import to_json_plotly  # numpy values, NaN as null

        return _script_safe(to_json_plotly(self.figure))


@cache
def environment(package: str = "evramp.report") -> jinja2.Environment:
    """The templates of `package` (its `templates` folder), with the number filters."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["thousands"] = thousands
    env.filters["percent"] = percent
    env.filters["plain"] = plain
    return env


def render(
    template: str,
    charts: Iterable[Chart],
    plotly_url: str | None = None,
    nav: Iterable[Mapping[str, str]] = (),
    **context: Any,
) -> str:
    """The page `template` with its charts and the compressed plotly.js it draws them with;
    with `plotly_url`, a page that loads plotly.js from there (the dashboard's, with `nav`
    links above its title)."""
    return (
        environment()
        .get_template(template)
        .render(
            charts=list(charts),
            plotly_gzip="" if plotly_url else plotly_gzip_base64(),
            plotly_url=plotly_url,
            nav=list(nav),
            **context,
        )
    )


@cache
def plotly_gzip_base64() -> str:
    """plotly.js of the installed plotly package, gzip-compressed (mtime 0: the same bytes for
    the same plotly, so reports compare equal) and base64-encoded. Level 4: 1.53 MB in 0.12 s,
    where level 6 takes 0.2 s for 1.47 MB and level 9 0.45 s for 1.47 MB."""
    import plotly.offline

    source = plotly.offline.get_plotlyjs().encode("utf-8")
    return base64.b64encode(gzip.compress(source, compresslevel=4, mtime=0)).decode("ascii")


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


def plain(value: object) -> str:
    """A number as a form's input takes it: 22000 for 22000.0, 0.85 as it is."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def percent(value: object, decimals: int = 1) -> str:
    """`49.1%` of a share (as the CLI writes it) (0..1); a dash for a missing value."""
    number = _number(value)
    return "–" if number is None else f"{number:.{decimals}%}"


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


def compact(
    values: Iterable[float] | pd.Series | npt.NDArray[Any], decimals: int = 1
) -> dict[str, str]:
    """Values rounded to `decimals` as a plotly.js typed array: float32, base64-encoded, with
    the shape of a 2-d array (a heat map's z). 5.3 characters a value where a JSON list of
    float32 values takes up to 19 (`0.8330000042915344`); missing values stay NaN."""
    array = np.round(np.asarray(values, dtype=np.float64), decimals).astype("<f4")
    typed = {"dtype": "f4", "bdata": base64.b64encode(array.tobytes()).decode("ascii")}
    if array.ndim > 1:
        typed["shape"] = ",".join(str(n) for n in array.shape)
    return typed


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
        out[column] = _iso_column(out[column])
    return out


def _iso_column(values: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.Series(values.dt.strftime("%Y-%m-%d"), index=values.index)
    present = values.dropna()
    if present.empty or isinstance(present.iloc[0], str):
        return values  # ISO dates already, as evramp.plan writes them: no parsing
    return pd.Series(
        [None if pd.isna(v) else iso_day(v) for v in values], index=values.index, dtype=object
    )


def labels(days: Iterable[str], bucket: str) -> list[str]:
    """The bucket names shown in hover texts: `2024-W18`, `2024-05`, `2024-05-02`."""
    return [bucket_label(day, bucket) for day in days]


# --- figures ---------------------------------------------------------------------------------


def figure(traces: list[Trace], title: str, height: int, **layout: Any) -> Figure:
    """A figure in the house style: a left-aligned title, a horizontal legend above the plot
    (each figure its own legend), thousands separators on the value axes, a date x axis unless
    `layout` says otherwise (`xaxis`, `yaxis`, `xaxis2` ... are merged into the defaults)."""
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
        "xaxis": {},
        "yaxis": {},
    }
    merged = _merge(base, layout)
    for name in [key for key in merged if key.startswith(("xaxis", "yaxis"))]:
        merged[name] = _merge(X_AXIS if name.startswith("x") else Y_AXIS, merged[name])
    return {"data": traces, "layout": merged}


X_AXIS: dict[str, Any] = {
    "type": "date",
    "gridcolor": GRID,
    "zeroline": False,
    "showline": True,
    "linecolor": "#9aa5b1",
}
Y_AXIS: dict[str, Any] = {"gridcolor": GRID, "zeroline": False, "tickformat": ",~r"}


def _merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged
