"""Where each family of LP columns and rows lives: blocks of (entity × bucket) indices.

Column j of family `build` is build[m, t] with j = offset + m * T + t; the same scheme serves rows.
Every index is computed with array arithmetic, never one Python object per variable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Block:
    """A contiguous range of `entities × buckets` indices starting at `offset`."""

    offset: int
    entities: int
    buckets: int

    @property
    def size(self) -> int:
        return self.entities * self.buckets

    @property
    def stop(self) -> int:
        return self.offset + self.size

    def at(self, entity: IntArray | int, bucket: IntArray | int) -> IntArray:
        return np.asarray(self.offset + np.asarray(entity) * self.buckets + np.asarray(bucket))

    def grid(self) -> tuple[IntArray, IntArray]:
        """Entity and bucket of every index in the block, in index order."""
        entity, bucket = np.divmod(np.arange(self.size, dtype=np.int64), self.buckets)
        return entity, bucket

    def take(self, values: FloatArray) -> FloatArray:
        """This block's part of a full-length vector, shaped (entities, buckets)."""
        return values[self.offset : self.stop].reshape(self.entities, self.buckets)


def delay(values: FloatArray, lead: IntArray) -> FloatArray:
    """Each row moved `lead[row]` buckets later (what starts in bucket t arrives in t + lead);
    what would arrive after the horizon is dropped, the first `lead` buckets are 0."""
    buckets = values.shape[1]
    delayed = np.zeros_like(values)
    for shift in np.unique(lead):
        rows = lead == shift
        delayed[rows, shift:] = values[rows, : buckets - shift]
    return delayed


def stack_blocks(buckets: int, **entities: int) -> dict[str, Block]:
    """Lay out blocks one after another, in the order given."""
    blocks: dict[str, Block] = {}
    offset = 0
    for name, count in entities.items():
        blocks[name] = Block(offset, count, buckets)
        offset += count * buckets
    return blocks


@dataclass(frozen=True)
class Columns:
    """The LP's variables: all non-negative, in weekly buckets."""

    build: Block  # build[m, t]: units of made item m started in bucket t
    buy: Block  # buy[l, t]: units released on supplier line l in bucket t
    stock: Block  # stock[i, t]: units of item i on hand at the end of bucket t
    deliver: Block  # deliver[c, t]: vehicles of demand class c delivered in bucket t
    backlog: Block  # backlog[c, t]: vehicles of class c due by t and not yet delivered
    experience: Block  # experience[n, t]: jobs done by learning shop n before bucket t
    overtime: Block  # overtime[s, t]: overtime hours of shop s in bucket t
    setup: Block  # setup[k, t]: 1 if routing k (with a setup) is set up in bucket t (integer mode)

    @property
    def count(self) -> int:
        return self.setup.stop


@dataclass(frozen=True)
class Triplets:
    """Non-zeros of a family of rows, numbered from 0 within the family, with row bounds."""

    rows: IntArray
    cols: IntArray
    values: FloatArray
    lower: FloatArray
    upper: FloatArray

    @property
    def count(self) -> int:
        return len(self.lower)


def with_parts(family: Triplets, parts: list[tuple[IntArray, IntArray, FloatArray]]) -> Triplets:
    """The same rows with more non-zeros."""
    joined = triplets(
        [(family.rows, family.cols, family.values), *parts], family.lower, family.upper
    )
    return joined


def triplets(
    parts: list[tuple[IntArray, IntArray, FloatArray]], lower: FloatArray, upper: FloatArray
) -> Triplets:
    """Join (rows, cols, values) parts into one family of rows."""
    rows, cols, values = (np.concatenate(arrays) for arrays in zip(*parts, strict=True))
    return Triplets(rows.astype(np.int64), cols.astype(np.int64), values, lower, upper)
