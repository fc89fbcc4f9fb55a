"""Demand: backlog[c,t] = vehicles of class c due by bucket t and not delivered by bucket t.

backlog[c,t] - backlog[c,t-1] + deliver[c,t] = due[c,t]. Backlog is non-negative, so nothing is
delivered before it is due, and the sum of backlog over the buckets (each times its length in
weeks) is the lateness in vehicle-weeks.
"""

from __future__ import annotations

import numpy as np

from evramp.plan.index import PlanData
from evramp.plan.layout import Block, Columns, Triplets, triplets


def demand_rows(data: PlanData, columns: Columns) -> Triplets:
    rows = Block(0, len(data.demand.variant), data.bucket_count)
    klass, bucket = rows.grid()
    later = bucket >= 1
    parts = [
        (rows.at(klass, bucket), columns.backlog.at(klass, bucket), np.ones(rows.size)),
        (
            rows.at(klass[later], bucket[later]),
            columns.backlog.at(klass[later], bucket[later] - 1),
            -np.ones(int(later.sum())),
        ),
        (rows.at(klass, bucket), columns.deliver.at(klass, bucket), np.ones(rows.size)),
    ]
    rhs = data.demand.due.ravel()
    return triplets(parts, rhs, rhs.copy())
