"""Shop capacity: the jobs of all builds routed through a shop fit its capacity each bucket,
plus what overtime adds (jobs per overtime hour × hours, each hour at its cost)."""

from __future__ import annotations

import numpy as np

from evramp.plan.index import PlanData
from evramp.plan.layout import Block, Columns, Triplets, triplets
from evramp.plan.setups import setup_load


def shop_rows(data: PlanData, columns: Columns) -> Triplets:
    buckets = data.bucket_count
    rows = Block(0, len(data.shops.ids), buckets)
    routing = np.repeat(np.arange(len(data.routings.shop)), buckets)
    bucket = np.tile(np.arange(buckets), len(data.routings.shop))
    builds = (
        rows.at(data.routings.shop[routing], bucket),
        columns.build.at(data.routings.made[routing], bucket),
        data.routings.jobs[routing],
    )
    shop, shop_week = rows.grid()
    overtime = (
        rows.at(shop, shop_week),
        columns.overtime.at(shop, shop_week),
        -data.shops.overtime_jobs_per_hour.ravel(),
    )
    upper = data.shops.capacity.ravel()
    parts = [builds, overtime, setup_load(data, columns, rows)]
    return triplets(parts, np.full(rows.size, -np.inf), upper)
