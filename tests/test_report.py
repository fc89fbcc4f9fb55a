"""The plan and risk reports as files: what a planner reads in them, figure by figure.

The browser's view of the same pages (every chart drawn, no console error) is in
tests/test_report_browser.py.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import gzip
import json
import re
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
import plotly.offline
import pytest

import evramp
from evramp.analysis.explain import binding_weeks
from evramp.model import Disruption, Scenario, Shop
from evramp.plan import PlanResult
from evramp.report import output_chart, palettes, render_report
from evramp.report.html import LATE_ORDERS_SHOWN
from evramp.report.kpis import late_orders
from evramp.report.risk_charts import tornado_figure
from evramp.report.risk_html import render_risk_report
from evramp.risk import RiskResult, simulate, tables
from tests.factory import HOURS_PER_WEEK, one_car_one_shop, order

FIGURE = re.compile(
    r'<script type="application/json" class="figure" data-target="([^"]+)">(.*?)</script>', re.S
)
SOURCES = ("fire", "strike")
RISK_WEEKS = 12


# --- helpers -----------------------------------------------------------------------------------


def figures(page: str) -> dict[str, dict[str, Any]]:
    """The page's figures by the id of their div, as plotly.js receives them."""
    return {target: json.loads(text) for target, text in FIGURE.findall(page)}


def values(array: Any) -> np.ndarray:
    """A trace's numbers: a plain list, or a base64 typed array ({dtype, bdata})."""
    if isinstance(array, dict):
        flat = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
        shape = [int(n) for n in array.get("shape", str(len(flat))).split(",")]
        return flat.reshape(shape)
    return np.asarray(array)


def table(page: str, table_id: str) -> str:
    found = re.search(rf'<table id="{table_id}">(.*?)</table>', page, re.S)
    assert found is not None, table_id
    return found.group(1)


def cells(row_html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>.*?</td>", row_html)]


def rows(table_html: str) -> list[list[str]]:
    return [cells(r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", table_html, re.S) if "<td" in r]


def risky_plant() -> Scenario:
    """1,000 cars a week on two shifts, 1,000 due each week for 12 weeks; a fire may halve the
    shop for 2-4 weeks, a strike may stop it for one."""
    two_shifts = Shop(id="GA", rate=1000 / (2 * HOURS_PER_WEEK), shifts_per_day=2, days_per_week=5)
    demand = [order(f"O{t}", 1000, t, priority=1 + t % 2) for t in range(RISK_WEEKS)]
    scenario = one_car_one_shop(RISK_WEEKS, demand=demand, shops=(two_shifts,))
    fire = Disruption(
        id="fire", target_kind="shop", shop="GA", probability=0.5, min_weeks=2, max_weeks=4,
        capacity_lost=0.5,
    )  # fmt: skip
    strike = Disruption(id="strike", target_kind="shop", shop="GA", probability=0.3)
    return dataclasses.replace(scenario, disruptions=(fire, strike))


def risk_page(target: float | None) -> tuple[str, RiskResult, dict[str, pd.DataFrame]]:
    result = simulate(risky_plant(), runs=40, seed=3, workers=1, tornado_runs=20)
    year = result.default_target_year()
    frames = tables(result, target, year)
    return render_risk_report(frames, "Risk: a plant", year, result), result, frames


@pytest.fixture(scope="module")
def plan_page(default_plan: PlanResult, default_scenario: Scenario) -> str:
    return render_report(default_plan, default_scenario)


@pytest.fixture(scope="module")
def risk() -> tuple[str, RiskResult, dict[str, pd.DataFrame]]:
    return risk_page(target=11_500)


# --- the plan report ---------------------------------------------------------------------------


def test_plotly_is_embedded_once_compressed_and_nothing_is_fetched(plan_page: str) -> None:
    """The report opens offline at less than half its old 4.9 MB: plotly.js once, gzipped."""
    external = re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=[\"']?(?:https?:)?//", plan_page)
    assert external == []
    packed = re.findall(r'<script type="application/octet-stream" id="plotly-gzip">(.*?)</script>',
                        plan_page, re.S)  # fmt: skip
    assert len(packed) == 1
    assert gzip.decompress(base64.b64decode(packed[0])).decode() == plotly.offline.get_plotlyjs()
    assert plan_page.count("Plotly.newPlot") == 1
    assert len(plan_page.encode()) < 2_400_000


def test_every_figure_has_a_div_and_a_legend_of_its_own(plan_page: str) -> None:
    found = figures(plan_page)
    assert {"output", "cumulative", "binding-map", "stock", "part-0"} <= set(found)
    for target, figure in found.items():
        assert f'<div class="chart" id="{target}"></div>' in plan_page
        assert figure["layout"].get("showlegend", True) is not False, target
        shown = [t for t in figure["data"] if t.get("showlegend", True)]
        assert shown, f"{target} has no legend entry"
    # One legend per question: the output figure lists variants and limits, not constraints.
    output = [t["name"] for t in found["output"]["data"]]
    assert output[:7] == ["SU7", "SU7-MAX", "SU7-PRO", "SU7-ULTRA", "YU7", "YU7-MAX", "YU7-PRO"]
    assert output[7:] == ["capacity of assembly", "demand due (weekly rate of its month)"]


def test_variants_suppliers_and_parts_each_have_their_own_colours(plan_page: str) -> None:
    found = figures(plan_page)
    variant = {t["marker"]["color"] for t in found["output"]["data"] if t["type"] == "bar"}
    supplier = {
        t["marker"]["color"]
        for target, figure in found.items()
        if target.startswith("part-")
        for t in figure["data"]
        if t["type"] == "bar"
    }
    part = {t["line"]["color"] for t in found["stock"]["data"]}
    assert len(variant) == 7
    assert variant <= set(palettes.VARIANTS)
    assert supplier <= set(palettes.SUPPLIERS)
    assert part <= set(palettes.PARTS)
    assert not (variant & supplier or variant & part or supplier & part)
    heat = next(t for t in found["binding-map"]["data"] if t["type"] == "heatmap")
    assert heat["colorscale"] == "Viridis"  # sequential, colour-blind safe


def test_the_header_gives_the_plans_key_figures_with_thousands_separators(
    plan_page: str,
) -> None:
    header = plan_page.split("<h2>Output</h2>")[0]
    for text in ("579,002", "vehicles built", "47.8%", "on-time delivery", "2,037"):
        assert text in header, text
    yearly = rows(table(plan_page, "yearly"))
    assert yearly[1] == ["2024", "78,551", "78,551", "112,833"]
    assert yearly[-1] == ["total", "579,002", "579,002", "579,002"]
    costs = {name: value for name, value in rows(table(plan_page, "costs"))}
    assert costs["revenue"] == "157,788,666,200"
    assert costs["objective (costs less revenue)"] == "-39,530,271,951"  # levelled
    assert "39% fewer than the optimal plan as solved (127,821)" in header
    binding = rows(table(plan_page, "binding"))
    assert binding[0][:4] == ["shop assembly", "100", "2024-W33 – 2026-W30", "105,268"]
    assert [r[0] for r in binding[:3]] == ["shop assembly", "part SOC-ORIN-X", "shop paint"]


def test_cumulative_built_and_delivered_both_show_where_they_coincide(
    plan_page: str, default_plan: PlanResult
) -> None:
    """Built and delivered coincide in all but three weeks of the default plan: delivered is
    dashed with markers over a wider solid built line, so neither hides the other."""
    traces = {t["name"]: t for t in figures(plan_page)["cumulative"]["data"]}
    built, delivered = traces["built (cumulative)"], traces["delivered (cumulative)"]
    assert (values(built["y"]) == values(delivered["y"])).sum() == len(
        default_plan.bucket_starts
    ) - 3
    assert built["line"].get("dash", "solid") == "solid"
    assert delivered["line"]["dash"] == "dash"
    assert "markers" in delivered["mode"]
    assert built["line"]["width"] > delivered["line"]["width"]
    assert traces["due (cumulative)"]["line"]["dash"] == "dot"


def test_the_binding_map_marks_every_binding_cell_several_a_week(
    plan_page: str, default_plan: PlanResult, default_scenario: Scenario
) -> None:
    figure = figures(plan_page)["binding-map"]
    heat = next(t for t in figure["data"] if t["type"] == "heatmap")
    marks = next(t for t in figure["data"] if t["type"] == "scatter")
    binding = binding_weeks(default_plan, default_scenario)
    rows_shown = set(heat["y"])
    assert {"shop paint", "shop assembly", "part SOC-ORIN-X"} <= rows_shown
    assert {f"{k} {n}" for k, n in zip(binding["kind"], binding["name"], strict=True)} <= rows_shown
    assert len(marks["x"]) == len(binding)
    per_week = Counter(marks["x"])
    assert max(per_week.values()) >= 3  # not one constraint a week
    z = values(heat["z"])
    assert z.shape == (len(heat["y"]), len(default_plan.bucket_starts))
    assert np.nanmax(z) == pytest.approx(1.0, abs=1e-3)
    assert "What binds each week" in figure["layout"]["title"]["text"]


def test_each_constrained_part_shows_its_suppliers_against_capacity_and_its_stock(
    plan_page: str, default_plan: PlanResult
) -> None:
    found = figures(plan_page)
    panels = {
        figure["layout"]["title"]["text"].split(":")[0]: figure
        for target, figure in found.items()
        if target.startswith("part-")
    }
    assert list(panels)[:2] == ["SOC-ORIN-X", "INV-SIC-800"]
    soc = {t["name"]: t for t in panels["SOC-ORIN-X"]["data"]}
    assert set(soc) == {"NVIDIA", "capacity of its suppliers"}
    assert values(soc["capacity of its suppliers"]["y"]).max() == pytest.approx(4500)
    assert values(soc["NVIDIA"]["y"]).max() == pytest.approx(4500)
    stock = [t["name"] for t in found["stock"]["data"]]
    assert stock == list(panels)


def test_the_late_orders_table_lists_the_latest_lines_first(
    plan_page: str, default_plan: PlanResult
) -> None:
    late = late_orders(default_plan)
    assert len(late) == 2037
    finished = late["weeks_late"].dropna()
    assert finished.is_monotonic_decreasing
    shown = rows(table(plan_page, "late-orders"))
    assert len(shown) == LATE_ORDERS_SHOWN
    assert shown[0][0] == late["order"].iloc[0]
    assert shown[0][-1] == f"{late['weeks_late'].iloc[0]:,.0f}"
    assert "2,037 of 2,951 orders have vehicles delivered late (301,959 vehicles)" in plan_page


def as_dates(result: PlanResult) -> PlanResult:
    """The plan with its week columns as dates, as a pandas user may hand it over."""

    def dated(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        for column in out.columns:
            if column == "week" or column.endswith("_week") or column in {"due", "last_delivery"}:
                out[column] = pd.to_datetime(out[column])
        return out

    frames = {
        name: dated(getattr(result, name))
        for name in ("builds", "output", "purchases", "stock", "deliveries", "backlog", "orders",
                     "capacity", "supply")
    }  # fmt: skip
    weeks = [dt.date.fromisoformat(w) for w in result.bucket_starts]
    return dataclasses.replace(result, bucket_starts=weeks, **frames)  # type: ignore[arg-type]


def test_week_columns_given_as_dates_give_the_same_report(
    plan_page: str, default_plan: PlanResult, default_scenario: Scenario
) -> None:
    binding = binding_weeks(default_plan, default_scenario)
    dated_binding = binding.assign(week=pd.to_datetime(binding["week"]))
    again = render_report(as_dates(default_plan), default_scenario, dated_binding)
    assert again == plan_page


def test_a_plan_with_slack_everywhere_says_nothing_binds() -> None:
    result = evramp.plan(one_car_one_shop(weeks=4, demand=[order("O1", 50, 3)]))
    page = render_report(result)  # without the scenario: no value per vehicle
    assert "Nothing binds: every shop and supplier has spare capacity." in page
    assert "Every order is delivered on time." in page
    assert "Constrained parts" not in page
    assert "per vehicle" not in page
    assert set(figures(page)) == {"output", "cumulative", "binding-map"}


# --- the risk report ---------------------------------------------------------------------------


def test_the_risk_header_gives_runs_miss_chance_and_percentiles_per_year(
    risk: tuple[str, RiskResult, dict[str, pd.DataFrame]],
) -> None:
    page, _, frames = risk
    header = page.split("<h2>Deliveries</h2>")[0]
    assert "runs solved" in header
    yearly = frames["yearly"].set_index("year").loc["2024"]
    chance = f"{yearly['miss_probability']:.1%}"
    assert f'{chance}</div><div class="label">chance of missing the target in 2024' in header
    assert "fewer than 11,500 vehicles delivered" in header
    shown = rows(table(page, "yearly"))
    assert shown[0][:5] == [
        "2024",
        f"{yearly['delivered_base']:,.0f}",
        f"{yearly['delivered_p10']:,.0f}",
        f"{yearly['delivered_p50']:,.0f}",
        f"{yearly['delivered_p90']:,.0f}",
    ]
    assert shown[0][1] == "12,000"
    lateness = rows(table(page, "lateness"))
    assert [r[0] for r in lateness] == ["1", "2"]


def test_without_a_target_the_chance_is_of_falling_short_of_the_base_plan() -> None:
    page, _, frames = risk_page(target=None)
    runs = frames["runs"]
    chance = float((runs["delivered_2024"] < 12_000 - 1e-6).mean())
    assert f"{chance:.1%}" in page
    assert "chance of delivering fewer than the base plan in 2024" in page


def test_the_fans_draw_p50_over_the_base_plan_and_the_band_has_a_swatch(
    risk: tuple[str, RiskResult, dict[str, pd.DataFrame]],
) -> None:
    page, result, _ = risk
    found = figures(page)
    for target in ("weekly-fan", "cumulative-fan"):
        names = [t["name"] for t in found[target]["data"]]
        band = found[target]["data"][names.index("P10 to P90 of the runs")]
        assert band["fill"] == "toself"  # one shape: its legend entry shows the band's colour
        assert band.get("showlegend", True)
        base, p50 = names.index("base plan (no disruption)"), names.index("P50 (median run)")
        assert base < p50  # drawn later: on top
        widths = [found[target]["data"][n]["line"]["width"] for n in (base, p50)]
        assert widths[0] > widths[1]
    cumulative = {t["name"]: values(t["y"]) for t in found["cumulative-fan"]["data"]}
    runs = np.cumsum(result.stack("delivered"), axis=1)
    np.testing.assert_allclose(
        cumulative["P50 (median run)"], np.percentile(runs, 50, axis=0).round()
    )
    np.testing.assert_allclose(cumulative["P10"], np.percentile(runs, 10, axis=0).round())


def test_the_tornado_shows_lost_deliveries_and_added_lateness_side_by_side(
    risk: tuple[str, RiskResult, dict[str, pd.DataFrame]],
) -> None:
    page, _, frames = risk
    figure = figures(page)["tornado"]
    bars = {t["name"]: t for t in figure["data"]}
    lost, late = bars["vehicles not delivered in 2024"], bars["vehicle-weeks late added"]
    assert lost["xaxis"] == "x" and late["xaxis"] == "x2"
    assert lost["y"] == late["y"]
    assert set(lost["y"]) == set(SOURCES)
    tornado = frames["tornado"].set_index("source")
    for n, source in enumerate(lost["y"]):
        assert values(lost["x"])[n] == pytest.approx(
            tornado.loc[source, "delivered_lost_2024"], abs=0.5
        )
        added = tornado.loc[source, "late_vehicle_weeks_added"]
        assert values(late["x"])[n] == pytest.approx(added, abs=0.5)
        assert late["text"][n] == f"{round(added):,}"
    assert (
        "not delivered in 2024 when only that source happens" in figure["layout"]["title"]["text"]
    )
    shown = rows(table(page, "tornado-table"))
    assert [r[0] for r in shown] == list(tornado.index)


def test_output_chart_is_the_reports_first_figure_as_a_plotly_figure(
    default_plan: PlanResult, default_scenario: Scenario
) -> None:
    chart = output_chart(default_plan, default_scenario)
    assert chart.layout.title.text == "Weekly output against capacity and demand"
    assert [t.name for t in chart.data][:2] == ["SU7", "SU7-MAX"]


def test_the_tornado_ranks_sources_by_whole_vehicles_lost_then_lateness() -> None:
    """Four sources lose no vehicles, one of them by a solver's -1e-9: they rank by the
    lateness they add, the largest at the top (the last category of a horizontal bar chart)."""
    tornado = pd.DataFrame(
        {
            "source": ["slip", "outage", "chips", "cells", "motors", "inverters"],
            "finished": [10] * 6,
            "runs": [10] * 6,
            "happened": [0.2, 0.5, 0.3, 0.8, 0.3, 0.4],
            "delivered_lost_2024": [2139.3, 182.4, 0.0, 0.0, 0.0, -1e-9],
            "late_vehicle_weeks_added": [501_019.1, 25_082.5, 39.6, 12.3, -25.1, 5_749.6],
        }
    )
    figure = tornado_figure(tornado, "2024")
    assert figure["data"][0]["y"] == ["motors", "cells", "chips", "inverters", "outage", "slip"]
    assert figure["data"][1]["text"] == ["-25", "12", "40", "5,750", "25,082", "501,019"]
