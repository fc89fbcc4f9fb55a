"""Bounds that hold for every plan, computed from the data alone (no solve)."""

from __future__ import annotations

import numpy as np

from evramp.plan.index import PlanData
from evramp.plan.layout import FloatArray, IntArray


def most_jobs(data: PlanData) -> FloatArray:
    """The most jobs each shop can do each bucket: its capacity plus all the overtime allowed."""
    return data.shops.capacity + data.shops.overtime_hours * data.shops.overtime_jobs_per_hour


def max_consumption(data: PlanData) -> FloatArray:
    """Upper bound of what builds can consume of each item in each bucket, shape (items,
    buckets)."""
    tightest, jobs = _tightest_routing(data)
    line_shop = tightest[data.bom.made]
    ratio = data.bom.gross / jobs[data.bom.made]  # units of child per job of that shop
    # Within one shop, the parents of a child together get at most the shop's jobs, so the
    # largest ratio among them bounds the child's consumption from that shop.
    pairs, where = np.unique(
        np.stack([data.bom.child, line_shop], axis=1), axis=0, return_inverse=True
    )
    largest = np.zeros(len(pairs))
    np.maximum.at(largest, where.ravel(), ratio)
    bound = np.zeros((len(data.items.ids), data.bucket_count))
    np.add.at(bound, pairs[:, 0], most_jobs(data)[pairs[:, 1]] * largest[:, None])
    return bound


def _tightest_routing(data: PlanData) -> tuple[IntArray, FloatArray]:
    """For each made item, the routing shop that allows the fewest units over the horizon,
    and the jobs per unit it takes there."""
    units = most_jobs(data).sum(axis=1)[data.routings.shop] / data.routings.jobs
    order = np.lexsort((units, data.routings.made))  # by made item, then fewest units first
    first = order[np.r_[True, np.diff(data.routings.made[order]) != 0]]
    tightest = np.zeros(len(data.made.item), dtype=np.int64)
    jobs = np.ones(len(data.made.item))
    tightest[data.routings.made[first]] = data.routings.shop[first]
    jobs[data.routings.made[first]] = data.routings.jobs[first]
    return tightest, jobs
