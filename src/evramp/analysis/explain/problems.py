"""The problems an APS lists: late and short orders, shops and parts that held demand back."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd

from evramp.analysis.explain.binding import binding_weeks
from evramp.analysis.explain.tree import Tree
from evramp.analysis.explain.words import (
    QUANTITY_TOLERANCE,
    amount,
    empty_frame,
    iso_labels,
    quantity_text,
)
from evramp.model import Scenario
from evramp.plan.result import PlanResult

FloatArray = npt.NDArray[np.float64]

PROBLEM_COLUMNS = [
    "kind",
    "what",
    "first_week",
    "last_week",
    "quantity",
    "value",
    "description",
]
PROBLEM_KINDS = ("late", "short", "capacity", "material")


# --------------------------------------------------------------------------------------------
# Problems


def problems(scenario: Scenario, result: PlanResult) -> pd.DataFrame:
    """The plan's problems as an APS lists them, most valuable first.

    One row per problem: kind (`late`: delivered after its due week; `short`: not fully delivered
    within the horizon; `capacity`: a shop binding (see `binding_weeks`) in consecutive weeks
    while vehicles of a variant routed through it were overdue; `material`: a part binding in
    consecutive weeks while vehicles of a variant using it were overdue), what (order id, shop
    or part), first_week and last_week (ISO Mondays), quantity (vehicles delivered late, vehicles
    undelivered, jobs loaded, units received), value (the order's own lateness penalty ×
    vehicle-weeks late; lost revenue at the order's price; the sum of the weeks' shadow prices)
    and a one-line description. Vehicles are overdue in a week when they were carried into it
    late or were due and not delivered by its end.

    An order delivered partly late and partly not at all has a `late` row for the vehicles delivered
    late and a `short` row for the rest, so late + short quantities are the vehicles not delivered
    by their due week.
    """
    tree = Tree.of(scenario)
    labels = iso_labels(result.bucket_starts, result.bucket)
    frames = [
        *_order_problems(scenario, result, labels),
        _constraint_problems(result, binding_weeks(result), tree, labels),
    ]
    found = [f for f in frames if not f.empty]
    if not found:
        return empty_frame(PROBLEM_COLUMNS)
    table = pd.concat(found, ignore_index=True)
    table = table.sort_values(
        ["value", "kind", "what", "first_week"],
        ascending=[False, True, True, True],
        kind="stable",
    ).reset_index(drop=True)
    return table[PROBLEM_COLUMNS]


def _order_problems(
    scenario: Scenario, result: PlanResult, labels: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    orders = result.orders
    lines = scenario.demand_table
    terms = pd.DataFrame(
        {
            "order": lines.frame["id"].to_list(),
            "price": lines.floats("price"),
            "penalty": lines.floats("lateness_penalty"),
        }
    ).drop_duplicates("order")
    orders = orders.merge(terms, on="order", how="left", validate="one_to_one")
    position = pd.Series(np.arange(len(result.bucket_starts)), index=result.bucket_starts)

    deliveries = result.deliveries.assign(week=result.iso(result.deliveries["week"]))
    orders = orders.assign(due=result.iso(orders["due"]))
    due_of = orders.set_index("order")["due"]
    # Lateness in weeks from the first day of the due bucket to that of the delivery bucket:
    # what the plan's penalty per vehicle-week is charged on, whatever the bucket.
    deliver_day = pd.to_datetime(deliveries["week"]).to_numpy()
    due_day = pd.to_datetime(due_of.reindex(deliveries["order"])).to_numpy()
    weeks_late = (deliver_day - due_day) / np.timedelta64(7, "D")
    vehicle_weeks = (
        pd.Series(
            deliveries["quantity"].to_numpy() * np.maximum(weeks_late, 0.0),
            index=deliveries["order"].to_numpy(),
        )
        .groupby(level=0)
        .sum()
    )
    orders["vehicle_weeks"] = vehicle_weeks.reindex(orders["order"]).fillna(0.0).to_numpy()
    orders["late_quantity"] = orders["delivered"] - orders["on_time"]
    orders["undelivered"] = orders["quantity"] - orders["delivered"]

    late = orders[orders["late_quantity"] > QUANTITY_TOLERANCE]
    late_value = late["penalty"] * late["vehicle_weeks"]
    last_deliver = deliveries.groupby("order")["week"].max()
    late_last = last_deliver.reindex(late["order"]).to_numpy()
    late_buckets = position.reindex(late_last).to_numpy() - position.reindex(late["due"]).to_numpy()
    late_rows = pd.DataFrame(
        {
            "kind": "late",
            "what": late["order"].to_numpy(),
            "first_week": late["due"].to_numpy(),
            "last_week": late_last,
            "quantity": late["late_quantity"].to_numpy(),
            "value": late_value.to_numpy(),
            "description": [
                f"order {d} ({v}): {quantity_text(q)} of {quantity_text(n)} due {labels[due]} "
                "delivered "
                f"late, the last in {labels[str(end)]} ({late_by} {result.noun(late_by)} "
                f"late); {quantity_text(vw)} vehicle-weeks × {amount(p)} = {amount(value)}"
                for d, v, q, n, due, end, late_by, vw, p, value in zip(
                    late["order"],
                    late["variant"],
                    late["late_quantity"],
                    late["quantity"],
                    late["due"],
                    late_last,
                    late_buckets,
                    late["vehicle_weeks"],
                    late["penalty"],
                    late_value,
                    strict=True,
                )
            ],
        }
    )

    short = orders[orders["undelivered"] > QUANTITY_TOLERANCE]
    lost = short["price"] * short["undelivered"]
    end = result.bucket_starts[-1]
    short_rows = pd.DataFrame(
        {
            "kind": "short",
            "what": short["order"].to_numpy(),
            "first_week": short["due"].to_numpy(),
            "last_week": end,
            "quantity": short["undelivered"].to_numpy(),
            "value": lost.to_numpy(),
            "description": [
                f"order {d} ({v}): {quantity_text(u)} of {quantity_text(n)} due {labels[due]} "
                f"not delivered by the horizon's end ({labels[end]}); lost revenue "
                f"{quantity_text(u)} × {amount(p)} = {amount(value)}"
                for d, v, u, n, due, p, value in zip(
                    short["order"],
                    short["variant"],
                    short["undelivered"],
                    short["quantity"],
                    short["due"],
                    short["price"],
                    lost,
                    strict=True,
                )
            ],
        }
    )
    return late_rows, short_rows


def _constraint_problems(
    result: PlanResult, binding: pd.DataFrame, tree: Tree, labels: dict[str, str]
) -> pd.DataFrame:
    """Runs of consecutive binding weeks of a shop or part while a variant using it was late."""
    if binding.empty or result.backlog.empty:
        return empty_frame(PROBLEM_COLUMNS)
    users = pd.DataFrame(
        [
            (kind, name, variant)
            for variant in tree.variants
            for kind, names in (("shop", tree.shop_jobs[variant]), ("part", tree.usage[variant]))
            for name in names
        ],
        columns=["kind", "name", "variant"],
    )
    backlog = _overdue(result)
    late = (
        binding[["kind", "name", "week"]]
        .merge(users, on=["kind", "name"])
        .merge(backlog, on=["variant", "week"])
        .groupby(["kind", "name", "week"], as_index=False)
        .agg(late=("quantity", "sum"))
    )
    rows = binding.merge(late, on=["kind", "name", "week"])
    rows = rows[rows["late"] > QUANTITY_TOLERANCE]
    if rows.empty:
        return empty_frame(PROBLEM_COLUMNS)
    position = pd.Series(np.arange(len(result.bucket_starts)), index=result.bucket_starts)
    rows = rows.assign(t=position.reindex(rows["week"]).to_numpy()).sort_values(
        ["kind", "name", "t"], kind="stable"
    )
    new_run = (
        (rows["kind"] != rows["kind"].shift())
        | (rows["name"] != rows["name"].shift())
        | (rows["t"] != rows["t"].shift() + 1)
    )
    runs = (
        rows.assign(run=new_run.cumsum())
        .groupby("run", sort=True)
        .agg(
            kind=("kind", "first"),
            what=("name", "first"),
            first_week=("week", "min"),
            last_week=("week", "max"),
            weeks=("week", "size"),
            quantity=("used", "sum"),
            value=("shadow_price", "sum"),
            mean_shadow=("shadow_price", "mean"),
            late=("late", "max"),
        )
        .reset_index(drop=True)
    )
    runs["description"] = [
        _run_sentence(
            kind, name, first, last, weeks, quantity, mean, late, tree, labels, result.noun
        )
        for kind, name, first, last, weeks, quantity, mean, late in zip(
            runs["kind"],
            runs["what"],
            runs["first_week"],
            runs["last_week"],
            runs["weeks"],
            runs["quantity"],
            runs["mean_shadow"],
            runs["late"],
            strict=True,
        )
    ]
    runs["kind"] = runs["kind"].map({"shop": "capacity", "part": "material"})
    return runs[PROBLEM_COLUMNS]


def _overdue(result: PlanResult) -> pd.DataFrame:
    """Vehicles of each variant overdue in each week: carried in late from the week before, or
    due and not delivered by its end, whichever is more (columns variant, week, quantity)."""
    weeks = len(result.bucket_starts)
    backlog = (
        result.backlog.assign(week=result.iso(result.backlog["week"]))
        .groupby(["variant", "week"])["quantity"]
        .sum()
    )
    table = backlog.unstack("week", fill_value=0).reindex(
        columns=result.bucket_starts, fill_value=0.0
    )
    level = table.to_numpy(dtype=np.float64)
    carried = np.zeros_like(level)
    carried[:, 1:] = level[:, : weeks - 1]
    overdue = np.maximum(level, carried)
    variant, week = np.nonzero(overdue > QUANTITY_TOLERANCE)
    return pd.DataFrame(
        {
            "variant": table.index.to_numpy(dtype=object)[variant],
            "week": np.asarray(result.bucket_starts, dtype=object)[week],
            "quantity": overdue[variant, week],
        }
    )


def _run_sentence(
    kind: str,
    name: str,
    first: str,
    last: str,
    weeks: int,
    quantity: float,
    mean: float,
    late: float,
    tree: Tree,
    labels: dict[str, str],
    noun: Callable[[float], str],
) -> str:
    span = (
        f"in {labels[first]}"
        if weeks == 1
        else f"in {weeks} {noun(weeks)} ({labels[first]} to {labels[last]})"
    )
    average = " on average" if weeks != 1 else ""
    if kind == "shop":
        return (
            f"shop {name} at capacity {span} while up to {quantity_text(late)} vehicles routed "
            f"through it were late: {quantity_text(quantity)} jobs; one more job a {noun(1)} was "
            f"worth {amount(mean)}{average}"
        )
    return (
        f"part {name} short {span}, every supplier line at capacity, while up to "
        f"{quantity_text(late)} vehicles using it were late: {quantity_text(quantity)} "
        f"{tree.unit_plural(name)} delivered; one more {tree.unit_word(name)} a {noun(1)} was "
        f"worth {amount(mean)}{average}"
    )
