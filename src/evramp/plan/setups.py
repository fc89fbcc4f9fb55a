"""Setups (integer mode): making an item on a shop in a bucket costs a setup, once that bucket.

    build[m,t] <= M[k,t] · setup[k,t]        setup[k,t] in {0, 1}, per routing k with a setup
    shop load  += setup_time_k · setup[k,t]  objective += setup_cost_k · setup[k,t]

M[k,t] is as small as stays valid: what the shop could make of the item that bucket after the
setup (capacity plus overtime), and, for a vehicle, no more than all its demand in the horizon.
With it the capacitated lot-sizing problem (one shop, items with demand, setup times and costs)
is a special case of a scenario; see benchmarks/lotsizing.py.
"""

from __future__ import annotations

import numpy as np

from evramp.plan.bounds import most_jobs
from evramp.plan.index import PlanData
from evramp.plan.layout import Block, Columns, FloatArray, IntArray, Triplets, triplets


def setup_routings(data: PlanData) -> IntArray:
    """Routing rows that have a setup time or cost."""
    return np.flatnonzero((data.routings.setup_time > 0) | (data.routings.setup_cost > 0))


def largest_builds(data: PlanData, routings: IntArray) -> FloatArray:
    """M[k,t]: the most of the item one bucket's setup on that shop can be for, (K, T)."""
    shop = data.routings.shop[routings]
    room = most_jobs(data)[shop] - data.routings.setup_time[routings, None]
    bound = np.maximum(room, 0.0) / data.routings.jobs[routings, None]
    made_item = data.made.item[data.routings.made[routings]]
    for row, item in enumerate(made_item):
        classes = data.demand.variant == item
        if data.items.kind[item] == "vehicle":
            bound[row] = np.minimum(bound[row], data.demand.due[classes].sum())
    return np.asarray(bound, dtype=np.float64)


def setup_load(
    data: PlanData, columns: Columns, shop_rows: Block
) -> tuple[IntArray, IntArray, FloatArray]:
    """Jobs the setups take in their shop's capacity row."""
    routings = setup_routings(data)[: columns.setup.entities]
    k, bucket = columns.setup.grid()
    return (
        shop_rows.at(data.routings.shop[routings][k], bucket),
        columns.setup.at(k, bucket),
        data.routings.setup_time[routings][k],
    )


def setup_load_in_chords(data: PlanData, columns: Columns) -> tuple[IntArray, IntArray, FloatArray]:
    """Setups take their shop's time under a learning curve too: their jobs in every chord row
    of the shop (numbered within the learning family)."""
    routings = setup_routings(data)[: columns.setup.entities]
    curves = data.learning
    chord_shop = curves.shop[curves.chord_curve]
    chord, k = np.nonzero(chord_shop[:, None] == data.routings.shop[routings][None, :])
    rows = Block(0, len(chord_shop), data.bucket_count)
    buckets = np.arange(data.bucket_count)
    pair = np.repeat(np.arange(len(chord)), data.bucket_count)
    bucket = np.tile(buckets, len(chord))
    return (
        rows.at(chord[pair], bucket),
        columns.setup.at(k[pair], bucket),
        data.routings.setup_time[routings][k[pair]],
    )


def setup_rows(data: PlanData, columns: Columns) -> Triplets:
    """build[m,t] - M[k,t] · setup[k,t] <= 0 for each routing with a setup."""
    routings = setup_routings(data)[: columns.setup.entities]
    rows = Block(0, len(routings), data.bucket_count)
    k, bucket = rows.grid()
    bound = largest_builds(data, routings) if len(routings) else np.zeros((0, data.bucket_count))
    parts = [
        (
            rows.at(k, bucket),
            columns.build.at(data.routings.made[routings][k], bucket),
            np.ones(rows.size),
        ),
        (rows.at(k, bucket), columns.setup.at(k, bucket), -bound.ravel()),
    ]
    return triplets(parts, np.full(rows.size, -np.inf), np.zeros(rows.size))


def remaining_demand_rows(data: PlanData, columns: Columns) -> Triplets:
    """For a vehicle: build[m,t] - D(t+L..) · setup[k,t] - backlog[t+L-1] <= 0.

    A set-up bucket makes at most what is still due from the bucket the build completes (t + L)
    plus what is already late then: anything more would only be held, at a cost, so no optimal
    plan does it. With no backlog this is the textbook lot-sizing bound that keeps the
    relaxation tight; without a setup it allows nothing, like the row above.
    """
    routings = setup_routings(data)[: columns.setup.entities]
    made = data.routings.made[routings]
    vehicle = np.array([data.items.kind[data.made.item[m]] == "vehicle" for m in made], dtype=bool)
    rows = Block(0, len(routings), data.bucket_count)
    k, bucket = rows.grid()
    lead = data.made.lead_time[made][k]
    done = bucket + lead
    keep = vehicle[k] & (done < data.bucket_count)
    k, bucket, done = k[keep], bucket[keep], done[keep]
    item = data.made.item[made][k]
    due_from = np.cumsum(data.demand.due[:, ::-1], axis=1)[:, ::-1]  # (C, T): due from t on
    remaining = np.zeros((len(data.items.ids), data.bucket_count))
    np.add.at(remaining, data.demand.variant, due_from)
    parts = [
        (rows.at(k, bucket), columns.build.at(made[k], bucket), np.ones(len(k))),
        (rows.at(k, bucket), columns.setup.at(k, bucket), -remaining[item, done]),
    ]
    # Already late when the build completes: the backlog of every class of the vehicle.
    classes_of = [np.flatnonzero(data.demand.variant == i) for i in item]
    late = [(n, c) for n, cs in enumerate(classes_of) for c in cs if done[n] >= 1]
    if late:
        n, c = (np.array(v, dtype=np.int64) for v in zip(*late, strict=True))
        parts.append(
            (rows.at(k[n], bucket[n]), columns.backlog.at(c, done[n] - 1), -np.ones(len(n)))
        )
    upper = np.where(np.isin(np.arange(rows.size), rows.at(k, bucket)), 0.0, np.inf)
    return triplets(parts, np.full(rows.size, -np.inf), upper)
