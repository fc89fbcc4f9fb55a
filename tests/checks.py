"""Invariants every plan must satisfy, recomputed from the scenario and the plan's tables.

The checks use only the scenario's records and the published tables (builds, purchases,
deliveries, stock, capacity), never the LP, so they catch errors in the model as well as in
the mapping of its solution. They hold for every bucket (day, week, month): a bucket is found
from the first days the plan publishes (`result.weeks`), and the few conversions from figures
per week are recomputed here by hand, not taken from the planner.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math

import numpy as np
import pandas as pd

from evramp.model import Scenario
from evramp.model.records import Ramp
from evramp.plan import PlanResult
from evramp.plan.capacity import shop_capacity

TOL = 1e-5


def bucket_of(result: PlanResult, day: dt.date) -> int:
    """Index of the plan's bucket that contains `day` (-1 before the horizon)."""
    return bisect.bisect_right(result.bucket_starts, day.isoformat()) - 1


def bucket_days(scenario: Scenario, result: PlanResult) -> list[list[dt.date]]:
    """The calendar days of each bucket of the plan."""
    edges = [dt.date.fromisoformat(w) for w in result.bucket_starts] + [scenario.calendar.end]
    return [
        [start + dt.timedelta(days=n) for n in range((end - start).days)]
        for start, end in itertools.pairwise(edges)
    ]


def nominal_days(scenario: Scenario) -> float:
    """Nominal days of the scenario's bucket (a month counted as 30.436875 days), computed here
    rather than taken from evramp, so that the checker stays independent."""
    return {"day": 1.0, "week": 7.0, "month": 365.2425 / 12}[scenario.calendar.bucket]


def lead_buckets(scenario: Scenario, weeks: int) -> int:
    """A lead time in weeks as whole buckets, to the nearest (1 or 2 weeks are 0 months, 3 to
    6 weeks one)."""
    return math.floor(7 * weeks / nominal_days(scenario) + 0.5 + 1e-9)


def week_index(result: PlanResult, weeks: pd.Series) -> np.ndarray:
    """Bucket number of each date of a plan's date column."""
    position = {pd.Timestamp(w): t for t, w in enumerate(result.bucket_starts)}
    return np.array([position[pd.Timestamp(w)] for w in weeks], dtype=np.int64)


def per_item_week(
    result: PlanResult, frame: pd.DataFrame, item_column: str, week_column: str, ids: list[str]
) -> np.ndarray:
    """Sum of `quantity` in (item, week) cells as an array of shape (items, weeks)."""
    table = np.zeros((len(ids), len(result.bucket_starts)))
    if frame.empty:
        return table
    row = {item: i for i, item in enumerate(ids)}
    items = np.array([row[i] for i in frame[item_column]], dtype=np.int64)
    np.add.at(table, (items, week_index(result, frame[week_column])), frame["quantity"].to_numpy())
    return table


def per_shop(result: PlanResult, column: str, shops: list[str]) -> np.ndarray:
    """A column of the plan's capacity table as an array of shape (shops, weeks)."""
    table = result.capacity.pivot(index="shop", columns="week", values=column)
    return table.reindex(index=shops, columns=result.bucket_starts).to_numpy()


def builds_per_item(result: PlanResult, ids: list[str]) -> np.ndarray:
    """Units started per item and week (a build appears once per routing shop)."""
    first = result.builds.drop_duplicates(["item", "week"])
    return per_item_week(result, first, "item", "week", ids)


def check_plan(scenario: Scenario, result: PlanResult) -> None:
    """Assert every invariant; the message says which one failed and where. A MIP stopped by
    its time limit or by Ctrl-C is a plan too, and must keep them all."""
    stopped = ("Time limit reached", "Stopped by Ctrl-C")
    assert result.status == "Optimal" or (result.integer and result.status in stopped)
    check_material_balance(scenario, result)
    check_shop_capacity(scenario, result)
    check_learning_curves(scenario, result)
    check_ramp_starts(scenario, result)
    check_supplier_capacity(scenario, result)
    check_demand(scenario, result)


def check_material_balance(scenario: Scenario, result: PlanResult) -> None:
    """Stock = on hand + arrivals - consumption - deliveries, never negative, in every week.

    Non-negative projected stock is also 'nothing is built before its parts arrive': parts are
    consumed in the week a build starts, so a build before the arrival would drive stock below 0.
    """
    ids = [item.id for item in scenario.items]
    row = {item: i for i, item in enumerate(ids)}
    weeks = len(result.bucket_starts)
    started = builds_per_item(result, ids)
    lead = {r.item: 0 for r in scenario.routings}
    for r in scenario.routings:
        lead[r.item] = max(lead[r.item], lead_buckets(scenario, r.lead_time))
    completed = np.zeros_like(started)
    for item, weeks_needed in lead.items():
        i = row[item]
        completed[i, weeks_needed:] = started[i, : weeks - weeks_needed]
    received = per_item_week(result, result.purchases, "item", "receipt_week", ids)
    delivered = per_item_week(
        result, result.deliveries.rename(columns={"variant": "item"}), "item", "week", ids
    )
    consumed = np.zeros_like(started)
    for line in scenario.bom:
        consumed[row[line.child]] += started[row[line.parent]] * line.quantity / line.yield_
    inflow = completed + received
    inflow[:, 0] += [sum(s.on_hand for s in scenario.inventory if s.item == item) for item in ids]
    for receipt in scenario.receipts:
        inflow[row[receipt.item], bucket_of(result, receipt.due)] += receipt.quantity
    projected = np.cumsum(inflow - consumed - delivered, axis=1)
    stock = per_item_week(result, result.stock, "item", "week", ids)
    scale = 1.0 + np.abs(projected)
    worst = np.unravel_index(np.argmax(np.abs(projected - stock) / scale), projected.shape)
    assert np.allclose(projected, stock, atol=TOL, rtol=1e-7), (
        f"material balance broken for {ids[worst[0]]} in {result.bucket_starts[worst[1]]}: "
        f"projected {projected[worst]}, plan says {stock[worst]}"
    )
    assert (projected >= -TOL * scale).all(), "negative stock: something used before it arrived"


def check_shop_capacity(scenario: Scenario, result: PlanResult) -> None:
    """Jobs of the builds routed through a shop never exceed its capacity."""
    shops = [s.id for s in scenario.shops]
    with_setups = result.builds["jobs"] + result.builds["setup_jobs"]
    jobs = per_item_week(result, result.builds.assign(quantity=with_setups), "shop", "week", shops)

    capacity = per_shop(result, "capacity", shops) + per_shop(result, "overtime_jobs", shops)
    assert (jobs <= capacity + TOL * (1 + capacity)).all(), "a shop is loaded over its capacity"
    most = overtime_allowed(scenario, result)
    assert (per_shop(result, "overtime_hours", shops) <= most + TOL).all(), (
        "more overtime than allowed"
    )
    per_routing = {(r.item, r.shop): r.jobs_per_unit for r in scenario.routings}
    builds = result.builds
    per_unit = np.array(
        [per_routing[key] for key in zip(builds["item"], builds["shop"], strict=True)], dtype=float
    )
    assert np.allclose(builds["jobs"].to_numpy(), per_unit * builds["quantity"].to_numpy()), (
        "jobs differ from the routing"
    )


def overtime_allowed(scenario: Scenario, result: PlanResult) -> np.ndarray:
    """Most overtime hours of each shop in each bucket: its weekly allowance × its share of a
    week in the bucket."""
    share = week_share(scenario, result)
    weekly = np.array([shop.overtime_hours for shop in scenario.shops])
    return np.asarray(weekly[:, None] * share)


def week_share(scenario: Scenario, result: PlanResult) -> np.ndarray:
    """Each shop's share of a week in each bucket: its working days in the bucket / the days a
    week of its shift pattern then (shutdowns left out: they only lower it). A shop working d
    days a week works Monday to the d-th day. Shape (shops, buckets)."""
    days = bucket_days(scenario, result)
    share = np.zeros((len(scenario.shops), len(days)))
    for s, shop in enumerate(scenario.shops):
        pattern = [shop.days_per_week] * len(days)
        for change in sorted(scenario.shifts, key=lambda c: c.start):
            if change.shop == shop.id:
                first = max(bucket_of(result, change.start), 0)
                pattern[first:] = [change.days_per_week] * (len(days) - first)
        for t, (bucket, per_week) in enumerate(zip(days, pattern, strict=True)):
            share[s, t] = sum(1 for day in bucket if day.weekday() < per_week) / per_week
    return share


def check_learning_curves(scenario: Scenario, result: PlanResult) -> None:
    """From its SOP on, a learning shop never does more jobs in a week than Wright's law allows
    at the experience its own builds gave it (the plan's chords lie below the curve)."""
    full = shop_capacity(scenario)  # at full rate for learning shops; tested by hand cases
    shops = [s.id for s in scenario.shops]
    jobs = per_item_week(
        result, result.builds.assign(quantity=result.builds["jobs"]), "shop", "week", shops
    )
    for s, ramp in enumerate(ramp_of_each_shop(scenario)):
        if ramp is None or ramp.curve != "learning":
            continue
        assert ramp.learning_rate is not None and ramp.full_volume is not None
        experience = ramp.start_volume + np.concatenate([[0.0], np.cumsum(jobs[s])[:-1]])
        share = np.minimum(1.0, (experience / ramp.full_volume) ** -np.log2(ramp.learning_rate))
        # An SOP at or after the horizon's end leaves the whole plan in trial production.
        in_horizon = ramp.sop < scenario.calendar.end
        sop = bucket_of(result, ramp.sop) if in_horizon else len(result.bucket_starts)
        weeks = np.arange(len(result.bucket_starts)) >= sop
        # At full rate the curve no longer binds: overtime may add to it (docs/planning-model.md).
        overtime = per_shop(result, "overtime_jobs", shops)[s]
        allowed = full[s] * share + np.where(share >= 1.0, overtime, 0.0)
        assert (jobs[s][weeks] <= allowed[weeks] + TOL * (1 + allowed[weeks])).all(), (
            f"shop {shops[s]} works faster than its learning curve allows"
        )


def ramp_of_each_shop(scenario: Scenario) -> list[Ramp | None]:
    """Each shop's ramp, found here rather than by the planner: the shop's own row, else the
    plant-wide `*` row, else none (docs/scenario-format.md, ramp.csv)."""
    return [
        next((r for r in scenario.ramps if r.shop == shop.id), None)
        or next((r for r in scenario.ramps if r.shop == "*"), None)
        for shop in scenario.shops
    ]


def check_ramp_starts(scenario: Scenario, result: PlanResult) -> None:
    """A ramped shop does nothing before the bucket of its trial start, and until its start of
    production at most its trial rate (per week, a bucket its share of the week's working days)
    plus the overtime the plan reports."""
    shops = [s.id for s in scenario.shops]
    jobs = per_item_week(
        result, result.builds.assign(quantity=result.builds["jobs"]), "shop", "week", shops
    )
    overtime = per_shop(result, "overtime_jobs", shops)
    share = week_share(scenario, result)
    for s, ramp in enumerate(ramp_of_each_shop(scenario)):
        if ramp is None:
            continue
        trial, sop = bucket_of(result, ramp.trial_start), bucket_of(result, ramp.sop)
        assert (jobs[s][: max(trial, 0)] <= TOL).all(), f"shop {shops[s]} works before its trial"
        before_sop = slice(max(trial, 0), max(sop, 0))
        allowed = ramp.trial_rate * share[s, before_sop] + overtime[s, before_sop]
        assert (jobs[s, before_sop] <= allowed + TOL * (1 + allowed)).all(), (
            f"shop {shops[s]} works above its trial rate before its start of production"
        )


def check_supplier_capacity(scenario: Scenario, result: PlanResult) -> None:
    """Deliveries on each supplier line respect its capacity profile, bucket by bucket: the
    capacity per week × the bucket's calendar days / 7."""
    weeks_long = np.array([len(days) / 7 for days in bucket_days(scenario, result)])
    for line in scenario.suppliers:
        limit = np.full(
            len(result.bucket_starts), np.inf if line.capacity is None else line.capacity
        )
        changes = sorted(
            (
                c
                for c in scenario.supplier_capacity
                if (c.supplier, c.item) == (line.supplier, line.item)
            ),
            key=lambda c: c.start,
        )
        for change in changes:
            limit[max(bucket_of(result, change.start), 0) :] = change.capacity
        limit = limit * weeks_long
        mine = result.purchases[
            (result.purchases["supplier"] == line.supplier)
            & (result.purchases["item"] == line.item)
        ]
        delivered = np.zeros(len(result.bucket_starts))
        np.add.at(delivered, week_index(result, mine["receipt_week"]), mine["quantity"].to_numpy())
        assert (delivered <= limit + TOL * (1 + np.nan_to_num(limit, posinf=0))).all(), (
            f"supplier {line.supplier} delivers more {line.item} than its capacity"
        )
        lead_ok = week_index(result, mine["receipt_week"]) - week_index(
            result, mine["release_week"]
        )
        assert (lead_ok == lead_buckets(scenario, line.lead_time)).all(), (
            "a purchase ignores the supplier's lead time"
        )
        if line.share is not None:
            all_lines = result.purchases[result.purchases["item"] == line.item]["quantity"].sum()
            assert mine["quantity"].sum() >= line.share * all_lines - TOL * (1 + all_lines), (
                f"supplier {line.supplier} gets less than its share of {line.item}"
            )


def check_demand(scenario: Scenario, result: PlanResult) -> None:
    """No order is delivered before it is due or more than its quantity; backlog is what is left."""
    due = {d.id: d for d in scenario.demand}
    delivers = result.deliveries
    if not delivers.empty:
        # A due date inside a bucket makes that whole bucket due.
        due_week = np.array(
            [bucket_of(result, due[d].due) for d in delivers["order"]], dtype=np.int64
        )
        assert (week_index(result, delivers["week"]) >= due_week).all(), "delivered before due"
    delivered = delivers.groupby("order")["quantity"].sum()
    for line in scenario.demand:
        got = float(delivered.get(line.id, 0.0))
        assert got <= line.quantity + TOL, f"order {line.id} delivered {got} > {line.quantity}"
    orders = result.orders.set_index("order")
    assert np.allclose(
        orders["delivered"], delivered.reindex(orders.index, fill_value=0.0), atol=TOL
    )
    assert (orders["on_time"] <= orders["delivered"] + TOL).all()
    check_lateness_limits(scenario, result, delivers)


def check_lateness_limits(scenario: Scenario, result: PlanResult, delivers: pd.DataFrame) -> None:
    """An order with `max_weeks_late` delivers all of it by then: its last delivery is at most
    that many weeks (whole buckets, rounded down) after its due bucket, within the horizon."""
    days = nominal_days(scenario)
    last = delivers.groupby("order")["week"].max()
    delivered = delivers.groupby("order")["quantity"].sum()
    for line in scenario.demand:
        if line.max_weeks_late is None:
            continue
        allowed = math.floor(7 * line.max_weeks_late / days + 1e-9)
        deadline = bucket_of(result, line.due) + allowed
        if deadline >= len(result.bucket_starts):
            continue  # the promise runs past the horizon: nothing to check inside it
        assert float(delivered.get(line.id, 0.0)) >= line.quantity - TOL, (
            f"order {line.id} not all delivered by its lateness limit"
        )
        finished = week_index(result, pd.Series([last[line.id]]))[0]
        assert finished <= deadline, f"order {line.id} delivered {finished - deadline} too late"
