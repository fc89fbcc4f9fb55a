"""Bounds that hold for every plan, computed from the data alone (no solve)."""

from __future__ import annotations

import numpy as np

from evramp.plan.index import PlanData
from evramp.plan.layout import FloatArray, IntArray


def most_jobs(data: PlanData) -> FloatArray:
    """The most jobs each shop can do each week: its capacity plus all the overtime allowed."""
    return data.shop_capacity + data.overtime_hours * data.overtime_jobs_per_hour


def max_consumption(data: PlanData) -> FloatArray:
    """Upper bound of what builds can consume of each item in each week, shape (items, weeks)."""
    tightest, jobs = _tightest_routing(data)
    line_shop = tightest[data.bom_made]
    ratio = data.bom_gross / jobs[data.bom_made]  # units of child per job of that shop
    # Within one shop, the parents of a child together get at most the shop's jobs, so the
    # largest ratio among them bounds the child's consumption from that shop.
    pairs, where = np.unique(
        np.stack([data.bom_child, line_shop], axis=1), axis=0, return_inverse=True
    )
    largest = np.zeros(len(pairs))
    np.maximum.at(largest, where.ravel(), ratio)
    bound = np.zeros((len(data.item_ids), data.weeks))
    np.add.at(bound, pairs[:, 0], most_jobs(data)[pairs[:, 1]] * largest[:, None])
    return bound


def _tightest_routing(data: PlanData) -> tuple[IntArray, FloatArray]:
    """For each made item, the routing shop that allows the fewest units over the horizon,
    and the jobs per unit it takes there."""
    units = most_jobs(data).sum(axis=1)[data.routing_shop] / data.routing_jobs
    order = np.lexsort((units, data.routing_made))  # by made item, then fewest units first
    first = order[np.r_[True, np.diff(data.routing_made[order]) != 0]]
    tightest = np.zeros(len(data.made_item), dtype=np.int64)
    jobs = np.ones(len(data.made_item))
    tightest[data.routing_made[first]] = data.routing_shop[first]
    jobs[data.routing_made[first]] = data.routing_jobs[first]
    return tightest, jobs
