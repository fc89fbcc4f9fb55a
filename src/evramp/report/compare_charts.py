"""The compare report's figures: the plans' ramps overlaid, their builds against the base's, and
the buckets in which each constraint binds in each plan.

A colour is a plan on this page (the base dark grey, the others Okabe and Ito's colours), so
that every figure reads the same way.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd

from evramp.analysis.compare import SUPPLIER_LINE, Comparison
from evramp.report import palettes
from evramp.report.page import Figure, Trace, compact, figure, iso_days

ALL_VARIANTS: Final = "all variants"
HOVER_FORMAT: Final = {"week": "%G-W%V", "month": "%Y-%m", "day": "%Y-%m-%d"}
# The binding strip's cells: not binding, binding (as in the base), binding only in this plan,
# binding only in the base.
NOT_BINDING, BINDING, ADDED, REMOVED = 0, 1, 2, 3
STRIP_COLOURS: Final = ("#ffffff", "#7b8794", "#D55E00", "#56B4E9")
STRIP_WORDS: Final = ("not binding", "binding", "binding, not in the base", "binding in base only")


def plan_colour(comparison: Comparison, plan: str) -> str:
    index = comparison.plans.index(plan)
    return palettes.DEMAND if index == 0 else palettes.pick(palettes.VARIANTS, index - 1)


def _x_axis(comparison: Comparison) -> dict[str, Any]:
    return {"hoverformat": HOVER_FORMAT[comparison.bucket]}


def ramp_figure(comparison: Comparison) -> Figure:
    """Output per bucket of every plan, one line each, for all variants summed; the menu above
    the plot switches to one variant (the same plans, the same colours)."""
    total = comparison.total_output()
    per_variant = comparison.output
    variants = [str(v) for v in per_variant.index.unique(level="variant")]
    groups: list[tuple[str, pd.DataFrame]] = [(ALL_VARIANTS, total)]
    groups += [(v, pd.DataFrame(per_variant.xs(v, level="variant"))) for v in variants]
    traces = [
        _ramp_line(comparison, plan, frame[plan], group == ALL_VARIANTS)
        for group, frame in groups
        for plan in comparison.plans
    ]
    count = len(comparison.plans)
    buttons = [
        {
            "label": group,
            "method": "restyle",
            "args": [{"visible": [g == n for g in range(len(groups)) for _ in range(count)]}],
        }
        for n, (group, _) in enumerate(groups)
    ]
    menu = {
        "type": "buttons",
        "direction": "right",
        "buttons": buttons,
        "x": 1,
        "xanchor": "right",
        "y": 1.1,
        "yanchor": "bottom",
        "showactive": True,
        "pad": {"t": 0, "b": 0},
    }
    return figure(
        traces,
        f"Output per {comparison.bucket} of each plan: all variants, or one (the buttons)",
        440,
        hovermode="x unified",
        updatemenus=[menu],
        margin={"t": 120},
        legend={"y": 1.02},
        xaxis=_x_axis(comparison),
        yaxis={"title": {"text": f"vehicles per {comparison.bucket}"}, "rangemode": "tozero"},
    )


def _ramp_line(comparison: Comparison, plan: str, values: pd.Series, visible: bool) -> Trace:
    base = plan == comparison.base
    return {
        "type": "scatter",
        "mode": "lines",
        "x": iso_days(values.index),
        "y": compact(values, 1),
        "name": f"{plan} (base)" if base and plan.lower() != "base" else plan,
        "line": {
            "color": plan_colour(comparison, plan),
            "width": 3 if base else 2,
            "dash": "solid" if base else "dash",
            "shape": "hv",
        },
        "visible": visible,
        "hovertemplate": "%{y:,.0f}",
    }


def builds_figure(comparison: Comparison) -> Figure:
    """Units started per bucket and shop in each plan less the base's: bars above 0 where a
    plan starts more, below where it starts fewer."""
    change = comparison.differences(comparison.builds.fillna(0.0))
    per_shop = change.groupby(level=["shop", "week"]).sum()
    shops = [str(s) for s in per_shop.index.unique(level="shop")]
    weeks = sorted(per_shop.index.unique(level="week"))
    traces: list[Trace] = []
    for n, plan in enumerate(comparison.plans[1:]):
        for s, shop in enumerate(shops):
            values = per_shop[plan].xs(shop, level="shop").reindex(weeks, fill_value=0.0)
            if not np.any(np.abs(values.to_numpy()) > 0.5):
                continue  # a shop whose builds did not change is no bar
            traces.append(_builds_bar(comparison, plan, shop, values, s, n))
    return figure(
        traces,
        f"Builds against the base: units started per {comparison.bucket} and shop, plan less base",
        420,
        barmode="relative",
        bargap=0.1,
        hovermode="x unified",
        xaxis=_x_axis(comparison),
        yaxis={"title": {"text": f"units started per {comparison.bucket}"}, "zeroline": True},
    )


def _builds_bar(
    comparison: Comparison, plan: str, shop: str, values: pd.Series, shop_n: int, plan_n: int
) -> Trace:
    several = len(comparison.plans) > 2
    return {
        "type": "bar",
        "x": iso_days(values.index),
        "y": compact(values, 1),
        "name": f"{plan}: {shop}" if several else shop,
        "marker": {
            "color": palettes.pick(palettes.PARTS, shop_n),
            "line": {"width": 0},
            # Shops take the colours here; plans after the first are told apart by hatching.
            "pattern": {"shape": ["", "/", "x", "."][plan_n % 4]},
        },
        "offsetgroup": plan,
        "hovertemplate": "%{y:+,.0f}",
    }


def binding_figure(comparison: Comparison, constraints: list[tuple[str, str]]) -> Figure:
    """One strip per constraint and plan, a cell per bucket: where it binds, and for the plans
    other than the base whether the base binds there too."""
    flags = comparison.binding_flags()
    days = sorted({d for d in flags.index.get_level_values("week")})
    rows: list[str] = []
    cells: list[np.ndarray[Any, np.dtype[np.int64]]] = []
    for kind, name in constraints:
        table = flags.xs((kind, name), level=["kind", "name"]).reindex(days, fill_value=False)
        base = table[comparison.base].to_numpy(dtype=bool)
        for plan in comparison.plans:
            on = table[plan].to_numpy(dtype=bool)
            rows.append(f"{_short(kind, name)} · {plan}")
            cells.append(_strip(on, base, plan == comparison.base))
    z = np.vstack(cells) if cells else np.zeros((0, len(days)), dtype=np.int64)
    scale = [
        [bound, colour]
        for n, colour in enumerate(STRIP_COLOURS)
        for bound in (n / len(STRIP_COLOURS), (n + 1) / len(STRIP_COLOURS))
    ]
    heat: Trace = {
        "type": "heatmap",
        "x": iso_days(days),
        "y": rows,
        "z": z.tolist(),
        "zmin": -0.5,
        "zmax": len(STRIP_COLOURS) - 0.5,
        "colorscale": scale,
        "xgap": 0,
        "ygap": 2,
        "customdata": np.asarray(STRIP_WORDS, dtype=object)[z].tolist(),
        "hovertemplate": "%{y}, %{x}: %{customdata}<extra></extra>",
        "showscale": False,
    }
    legend = [_legend_entry(n) for n in (BINDING, ADDED, REMOVED)]
    return figure(
        [heat, *legend],
        f"Where each constraint binds, {comparison.bucket} by {comparison.bucket}, per plan",
        140 + 22 * max(len(rows), 3),
        margin={"l": 20},
        xaxis={**_x_axis(comparison), "showgrid": False},
        yaxis={
            "autorange": "reversed",
            "showgrid": False,
            "tickformat": "",
            "type": "category",
            "automargin": True,
        },
    )


def _short(kind: str, name: str) -> str:
    """A strip's name: `shop paint`, and a supplier line by its name alone (`X from Y`)."""
    return name if kind == SUPPLIER_LINE else f"{kind} {name}"


def _strip(
    on: np.ndarray[Any, np.dtype[np.bool_]],
    base: np.ndarray[Any, np.dtype[np.bool_]],
    is_base: bool,
) -> np.ndarray[Any, np.dtype[np.int64]]:
    if is_base:
        return np.where(on, BINDING, NOT_BINDING).astype(np.int64)
    return np.select([on & base, on, base], [BINDING, ADDED, REMOVED], NOT_BINDING).astype(np.int64)


def _legend_entry(value: int) -> Trace:
    """A legend entry for a colour of the strip (a heat map has no legend of its own)."""
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [None],
        "y": [None],
        "name": STRIP_WORDS[value],
        "marker": {"symbol": "square", "size": 12, "color": STRIP_COLOURS[value]},
        "hoverinfo": "skip",
    }
