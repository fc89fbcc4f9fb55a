"""The risk report: what the runs deliver against the base plan, the chance of missing the
target, lateness per priority, and what each disruption source costs, as one self-contained
HTML page (the same numbers as `risk/*.csv`)."""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from evramp.io import write_text_atomic
from evramp.report.page import Chart, iso_days, percent, render, signed, thousands
from evramp.report.risk_charts import Fan, fan_figure, tornado_figure
from evramp.risk.summary import unmeasured

if TYPE_CHECKING:  # risk imports report.kpis: a runtime import here would be circular
    from evramp.risk.summary import RiskResult

QUANTILES = (10, 50, 90)


def write_risk_report(
    frames: dict[str, pd.DataFrame],
    path: Path,
    title: str,
    target_year: str,
    result: RiskResult,
) -> Path:
    """Write the report of `evramp risk`'s tables (`runs`, `weekly`, `yearly`, `lateness`,
    `tornado`) to `path`; `result` gives the runs themselves, for the cumulative fan."""
    return write_text_atomic(path, render_risk_report(frames, title, target_year, result))


def render_risk_report(
    frames: dict[str, pd.DataFrame], title: str, target_year: str, result: RiskResult
) -> str:
    weekly, tornado = frames["weekly"], frames["tornado"]
    days = iso_days(weekly["week"])
    rows = _tornado_rows(tornado, target_year)
    measured = any(row["missing"] is None for row in rows)
    charts = [
        Chart(
            "weekly-fan",
            fan_figure(
                _weekly_fan(weekly, days),
                "Vehicles delivered per week: P10 to P90 of the runs, P50 and the base plan",
                "vehicles per week",
            ),
        ),
        Chart(
            "cumulative-fan",
            fan_figure(
                cumulative_fan(result, days),
                "Cumulative vehicles delivered: P10 to P90 of the runs, P50 and the base plan",
                "vehicles",
            ),
        ),
    ]
    if measured:  # a chart of no bars is no chart: an interrupted run may not have reached them
        charts.append(Chart("tornado", tornado_figure(tornado, target_year)))
    return render(
        "risk.html",
        charts,
        title=title,
        meta=_meta(result, days),
        target_year=target_year,
        cards=_cards(frames, target_year, result),
        yearly=frames["yearly"].to_dict("records"),
        lateness=_lateness(frames["lateness"]),
        tornado=rows,
        tornado_measured=measured,
        tornado_runs=result.tornado_runs,
    )


def cumulative_fan(result: RiskResult, days: list[str]) -> Fan:
    """P10, P50 and P90 of each run's cumulative deliveries: percentiles of the sums, not sums
    of the weekly percentiles (a run short in one week is short from then on)."""
    runs = np.cumsum(result.stack("delivered"), axis=1)
    if len(runs):
        p10, p50, p90 = np.percentile(runs, QUANTILES, axis=0)
    else:
        p10 = p50 = p90 = np.full(len(days), np.nan)
    return Fan(days, p10, p50, p90, np.cumsum(result.base.delivered))


def _weekly_fan(weekly: pd.DataFrame, days: list[str]) -> Fan:
    def column(name: str) -> np.ndarray:
        return weekly[f"delivered_{name}"].to_numpy(dtype=np.float64)

    return Fan(days, column("p10"), column("p50"), column("p90"), column("base"))


def _meta(result: RiskResult, days: list[str]) -> str:
    stopped = "interrupted by Ctrl-C: a partial result · " if result.interrupted else ""
    return stopped + (
        f"{days[0]} to {days[-1]} ({len(days):,} weeks) · {result.finished:,} of "
        f"{result.runs:,} runs, seed {result.seed} · tornado: {result.tornado_runs:,} runs a "
        f"source ({len(result.sources):,} sources) · {result.seconds:,.1f} s"
    )


def _cards(frames: dict[str, pd.DataFrame], year: str, result: RiskResult) -> list[dict[str, Any]]:
    runs, yearly = frames["runs"], frames["yearly"].set_index("year")
    ok = runs[runs["status"] == "Optimal"]
    in_year = yearly.loc[year]
    failed = len(runs) - len(ok)
    cards = [
        {
            "value": thousands(len(ok)),
            "label": "runs solved",
            "detail": f"of {result.runs:,} asked"
            + (f"; {failed:,} failed (listed in runs.csv)" if failed else "; none failed"),
            "alert": failed > 0 or result.interrupted,
        },
        _miss_card(ok, yearly, year),
        {
            "value": thousands(in_year["delivered_p50"]),
            "label": f"vehicles delivered in {year}, P50",
            "detail": f"P10 {thousands(in_year['delivered_p10'])} · P90 "
            f"{thousands(in_year['delivered_p90'])} · base plan "
            f"{thousands(in_year['delivered_base'])}",
            "alert": False,
        },
    ]
    lateness = frames["lateness"]
    expected, base = lateness["expected_vehicle_weeks"].sum(), lateness["base_vehicle_weeks"].sum()
    cards.append(
        {
            "value": thousands(expected),
            "label": "vehicle-weeks late, expected",
            "detail": f"{signed(expected - base)} over the base plan's {thousands(base)}",
            "alert": expected > base,
        }
    )
    return cards


def _miss_card(ok: pd.DataFrame, yearly: pd.DataFrame, year: str) -> dict[str, Any]:
    """The chance of missing `--target` in the target year; without a target, of delivering
    fewer than the base plan there (the runs' own deliveries, as runs.csv has them)."""
    delivered = ok[f"delivered_{year}"].to_numpy(dtype=np.float64)
    target = yearly["target"].get(year) if "target" in yearly else None
    if target is None or pd.isna(target):
        base = float(yearly.loc[year, "delivered_base"])  # type: ignore[arg-type]
        chance = float((delivered < base - 1e-6).mean()) if len(delivered) else float("nan")
        return {
            "value": percent(chance),
            "label": f"chance of delivering fewer than the base plan in {year}",
            "detail": f"base plan {thousands(base)}; no --target given",
            "alert": chance > 0.1,
        }
    chance = float(yearly.loc[year, "miss_probability"])  # type: ignore[arg-type]
    return {
        "value": percent(chance),
        "label": f"chance of missing the target in {year}",
        "detail": f"fewer than {thousands(target)} vehicles delivered",
        "alert": chance > 0.1,
    }


def _lateness(lateness: pd.DataFrame) -> list[dict[Hashable, Any]]:
    added = lateness["expected_vehicle_weeks"] - lateness["base_vehicle_weeks"]
    return lateness.assign(added=added).to_dict("records")


def _tornado_rows(tornado: pd.DataFrame, year: str) -> list[dict[str, Any]]:
    return [
        {
            "source": row["source"],
            "disruptions": row["disruptions"],
            "runs": row["runs"],
            "missing": unmeasured(int(row["finished"]), int(row["runs"])),
            "happened": row["happened"],
            "lost_year": row[f"delivered_lost_{year}"],
            "lost": row["delivered_lost"],
            "late": signed(row["late_vehicle_weeks_added"]),
        }
        for row in tornado.to_dict("records")
    ]
