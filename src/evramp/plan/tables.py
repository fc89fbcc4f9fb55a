"""Entity tables: the arrays of one kind of entity (items, supplier lines, routings, ...).

Every field of a table is indexed by its entity on the first axis (a list for names, an array
for figures, (entities, buckets) for what changes by bucket), so one `subset` takes the same
entities from all of them: a reduction that drops entities cannot leave one array behind or
misaligned, and a new field (a supplier line's availability window, say) is carried by every
subset without being listed anywhere else. Lengths are checked when a table is made.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Self

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class EntityTable:
    """Base of the tables: fields are lists or arrays with one entry (row) per entity."""

    def __post_init__(self) -> None:
        lengths = {field.name: len(getattr(self, field.name)) for field in fields(self)}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"{type(self).__name__}: fields of different lengths {lengths}")

    def __len__(self) -> int:
        first = fields(self)[0].name
        return len(getattr(self, first))

    def subset(self, keep: BoolArray | IntArray) -> Self:
        """The entities where `keep` is True (a mask) or at the indices `keep`, in order."""
        positions = np.flatnonzero(keep) if keep.dtype == np.bool_ else keep
        taken: dict[str, object] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, np.ndarray):
                taken[field.name] = value[positions]
            else:
                taken[field.name] = [value[p] for p in positions.tolist()]
        return replace(self, **taken)


@dataclass(frozen=True)
class Items(EntityTable):
    """Every item: I rows."""

    ids: list[str]
    kind: list[str]  # "vehicle", "assembly" or "part"
    holding_cost: FloatArray  # per unit-week (× bucket_weeks per bucket)
    on_hand: FloatArray
    receipts: FloatArray  # (I, T) scheduled receipts per bucket


@dataclass(frozen=True)
class MadeItems(EntityTable):
    """Items with a routing: M rows."""

    item: IntArray  # item index
    lead_time: IntArray  # in buckets
    cost: FloatArray  # per unit built (parts planned outside the LP)


@dataclass(frozen=True)
class BomLines(EntityTable):
    """B rows: a made parent consumes a child."""

    made: IntArray  # made-item index of the parent
    child: IntArray  # item index of the child
    gross: FloatArray  # quantity / yield


@dataclass(frozen=True)
class Routings(EntityTable):
    """R rows: which shop works on a made item, and how."""

    made: IntArray  # made-item index
    shop: IntArray  # shop index
    jobs: FloatArray  # jobs per unit
    setup_time: FloatArray  # jobs a week's setup takes (integer mode)
    setup_cost: FloatArray


@dataclass(frozen=True)
class Shops(EntityTable):
    """S rows."""

    ids: list[str]
    capacity: FloatArray  # (S, T) jobs per bucket (learning shops: at full rate)
    overtime_jobs_per_hour: FloatArray  # (S, T) jobs one overtime hour adds (0: none possible)
    overtime_hours: FloatArray  # (S, T) most overtime hours per bucket
    overtime_cost: FloatArray  # cost of an overtime hour


@dataclass(frozen=True)
class SupplierLines(EntityTable):
    """L rows: a supplier's line for one item."""

    supplier: list[str]
    item: IntArray  # item index
    lead_time: IntArray  # in buckets
    price: FloatArray
    capacity: FloatArray  # (L, T) per bucket, inf where unlimited
    moq: FloatArray  # minimum order quantity, 0 when none
    lot: FloatArray  # lot multiple, 0 when none
    share: FloatArray  # quota share of its item's purchases, 0 when none
    premium: FloatArray  # objective premium per unit for a less preferred line
