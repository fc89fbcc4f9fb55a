"""Supplier quotas: a line with a share gets at least that share of its item's purchases.

    Σ_t buy[l,t] - share_l · Σ_(l' of the same item) Σ_t buy[l',t] >= 0

One row per line with a share, over the whole horizon (a quota arrangement, not a weekly split:
weekly shares would fight the suppliers' weekly capacities and lead times).
"""

from __future__ import annotations

import numpy as np

from evramp.plan.index import PlanData
from evramp.plan.layout import Columns, IntArray, Triplets, triplets


def quota_lines(data: PlanData) -> IntArray:
    """Supplier lines with a share, in line order."""
    return np.flatnonzero(data.lines.share > 0)


def share_rows(data: PlanData, columns: Columns) -> Triplets:
    lines = quota_lines(data)
    buckets = np.arange(data.bucket_count)
    rows, cols, values = [], [], []
    for row, line in enumerate(lines):
        siblings = np.flatnonzero(data.lines.item == data.lines.item[line])
        coefficient = np.where(siblings == line, 1.0, 0.0) - data.lines.share[line]
        rows.append(np.full(len(siblings) * data.bucket_count, row))
        cols.append(
            columns.buy.at(np.repeat(siblings, data.bucket_count), np.tile(buckets, len(siblings)))
        )
        values.append(np.repeat(coefficient, data.bucket_count))
    if not lines.size:
        empty = np.zeros(0)
        return triplets([(empty.astype(np.int64), empty.astype(np.int64), empty)], empty, empty)
    parts = [(np.concatenate(rows), np.concatenate(cols), np.concatenate(values))]
    return triplets(parts, np.zeros(len(lines)), np.full(len(lines), np.inf))
