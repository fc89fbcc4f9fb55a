"""Key figures of a plan: output by month and year, deliveries, on-time rate, what binds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evramp.analysis.explain import binding_weeks
from evramp.model.buckets import (
    COUNTING_DAY_OFFSET,
    bucket_label,
    bucket_month,
    bucket_noun,
    bucket_year,
)
from evramp.plan import PlanResult


@dataclass(frozen=True)
class Binding:
    """A shop or part that held the plan back in `weeks` buckets (weeks, days or months)."""

    kind: str  # "shop" or "part"
    name: str
    weeks: int
    first_week: str
    last_week: str
    mean_shadow_price: float
    """Objective gained by one more job (shop) or unit (part) in a binding bucket, on average."""
    bucket: str = "week"

    def describe(self) -> str:
        unit = "job" if self.kind == "shop" else "unit"
        first, last = (bucket_label(w, self.bucket) for w in (self.first_week, self.last_week))
        count = f"{self.weeks} {bucket_noun(self.bucket, self.weeks)}"
        return (
            f"{self.kind} {self.name}: binding in {count} "
            f"({first} to {last}); one more {unit} a {self.bucket} is worth "
            f"{self.mean_shadow_price:,.0f} on average"
        )


def cost_summary(result: PlanResult) -> str:
    """The objective in words: what the plan earns and what it costs."""
    costs = result.costs
    return (
        f"revenue {_money(costs['revenue'])}, purchases {_money(costs['purchases'])}, "
        + (f"supplier preference {_money(costs['preference'])}, " if costs["preference"] else "")
        + f"holding {_money(costs['holding'])}, overtime {_money(costs['overtime'])}, "
        f"setups {_money(costs['setups'])}, "
        f"lateness penalties {_money(costs['lateness'])} (weighted by priority); "
        f"objective {_money(result.objective)}"
    )


def replan_summary(result: PlanResult) -> str | None:
    """What a re-plan fixed, in words; None for a plan from the start."""
    if not result.as_of:
        return None
    frozen = (
        f"; builds of the {result.frozen} {result.noun(result.frozen)} from it held at the "
        "previous plan's (frozen)"
        if result.frozen
        else ""
    )
    return (
        f"Re-plan from {result.as_of}: before it, what was built, received and delivered "
        f"(actuals.csv){frozen}; the rest re-optimised"
    )


def level_summary(result: PlanResult, seconds: bool = True) -> str | None:
    """What levelling the mix did, in words; None for a plan that was not levelled. Without
    `seconds` (the report: the same plan writes the same bytes), no time is said."""
    done = result.levelling
    if done is None:
        return None
    if done.status != "Optimal":
        return (
            f"Level mix: not levelled ({done.status}"
            + (f" after {done.seconds:.1f} s" if seconds else "")
            + f"): the optimal plan as solved, week-to-week rate change "
            f"{done.change_before:,.0f} vehicles a week"
        )
    fewer = 1.0 - done.change_after / done.change_before if done.change_before else 0.0
    cost = result.objective - done.objective_before
    return (
        f"Level mix: the vehicles' week-to-week rate changes add up to {done.change_after:,.0f} "
        f"vehicles a week, {fewer:.0%} fewer than the optimal plan as solved "
        f"({done.change_before:,.0f}), at the same lateness and revenue per priority level; "
        f"it costs {_money(cost)} (holding, overtime, purchases)"
        + (f", {done.seconds:.2f} s" if seconds else "")
    )


def _money(value: float) -> str:
    for size, suffix in ((1e9, " bn"), (1e6, " m"), (1e3, " k")):
        if abs(value) >= size:
            return f"{value / size:,.1f}{suffix}"
    return f"{value:,.0f}"


def monthly_output(result: PlanResult) -> pd.DataFrame:
    """Vehicles built per month (rows) and variant (columns), with a total column."""
    return _by_period(result.output, "variant", "M", result)


def yearly_totals(result: PlanResult) -> pd.DataFrame:
    """Per calendar year: vehicles built, delivered and due."""
    built = _period_sum(result.output, "Y", result.bucket)
    delivered = _period_sum(result.deliveries, "Y", result.bucket)
    orders = result.orders.rename(columns={"due": "week"})
    due = _period_sum(orders, "Y", result.bucket)
    years = sorted({_period(w, "Y", result.bucket) for w in result.bucket_starts})
    table = pd.DataFrame(
        {
            "built": built.reindex(years, fill_value=0.0),
            "delivered": delivered.reindex(years, fill_value=0.0),
            "due": due.reindex(years, fill_value=0.0),
        }
    )
    table.index.name = "year"
    return table


def on_time_rate(result: PlanResult, kind: str | None = None) -> float:
    """Share of the quantity due in the horizon that delivered by its due week (0..1)."""
    orders = result.orders if kind is None else result.orders[result.orders["kind"] == kind]
    due = float(orders["quantity"].sum())
    return float(orders["on_time"].sum()) / due if due > 0 else 1.0


def binding_constraints(
    result: PlanResult, top: int | None = None, weeks: pd.DataFrame | None = None
) -> list[Binding]:
    """Shops and parts whose capacity limited the plan, most binding weeks first (the weeks of
    `evramp.analysis.explain.binding_weeks`, computed unless given)."""
    weeks = binding_weeks(result) if weeks is None else weeks
    found = [
        Binding(
            kind=str(kind),
            name=str(name),
            weeks=len(rows),
            first_week=str(rows["week"].min()),
            last_week=str(rows["week"].max()),
            mean_shadow_price=float(rows["shadow_price"].mean()),
            bucket=result.bucket,
        )
        for (kind, name), rows in weeks.groupby(["kind", "name"], sort=True)
    ]
    found.sort(key=lambda b: (-b.weeks, -b.mean_shadow_price, b.name))
    return found[:top] if top is not None else found


def _period(week: str, freq: str, bucket: str) -> str:
    """Month (YYYY-MM) or year (YYYY) a bucket given by its first day counts in."""
    return bucket_month(week, bucket) if freq == "M" else f"{bucket_year(week, bucket):04d}"


def _period_column(frame: pd.DataFrame, freq: str, bucket: str) -> pd.Series:
    # The rule of bucket_month and bucket_year, on a whole column at once.
    day = pd.to_datetime(frame["week"]) + pd.Timedelta(days=COUNTING_DAY_OFFSET[bucket])
    if freq == "M":
        return day.dt.strftime("%Y-%m")
    return day.dt.strftime("%Y")


def _period_sum(frame: pd.DataFrame, freq: str, bucket: str) -> pd.Series:
    if frame.empty:
        return pd.Series(dtype=np.float64)
    return frame.groupby(_period_column(frame, freq, bucket))["quantity"].sum()


def _by_period(frame: pd.DataFrame, column: str, freq: str, result: PlanResult) -> pd.DataFrame:
    periods = sorted({_period(w, freq, result.bucket) for w in result.bucket_starts})
    if frame.empty:
        table = pd.DataFrame(index=pd.Index(periods))
    else:
        table = frame.pivot_table(
            index=_period_column(frame, freq, result.bucket),
            columns=column,
            values="quantity",
            aggfunc="sum",
            fill_value=0.0,
        ).reindex(periods, fill_value=0.0)
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    table.index.name = "month" if freq == "M" else "year"
    return table


def late_orders(result: PlanResult, top: int | None = None) -> pd.DataFrame:
    """Orders with vehicles delivered after their due bucket (or not at all), the latest
    first: those not all delivered in the horizon, then by buckets late and vehicles late.

    Columns: order, variant, kind, priority, quantity, late (vehicles not delivered on time),
    due, last_delivery (None when not all delivered in the horizon), weeks_late (buckets, NaN
    when not all delivered)."""
    orders = result.orders
    late = orders.assign(late=orders["quantity"] - orders["on_time"])
    late = late[late["late"] > 1e-6]
    unfinished = late["weeks_late"].isna()
    ranked = late.assign(_unfinished=unfinished).sort_values(
        ["_unfinished", "weeks_late", "late", "order"],
        ascending=[False, False, False, True],
        kind="stable",
    )
    columns = ["order", "variant", "kind", "priority", "quantity", "late", "due", "last_delivery"]
    chosen = ranked[[*columns, "weeks_late"]].reset_index(drop=True)
    return chosen.head(top) if top is not None else chosen
