"""How a re-plan changed the plan it replaced: quantity instability (nervousness), order
promises that moved, and constraints that started or stopped binding.

Instability over the overlap (the buckets from the as-of date on, in both plans) is
sum |new - old| / sum old of each variant's weekly output; the weighted version counts bucket
t by alpha^(t - now), so that a change next week weighs more than one next year (the measure
of Sahin, Narayanan & Robinson's rolling-schedule studies, which planners use to choose a frozen
window). Plans are small tables here (variants x buckets), read as rows, not arrays.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

DEFAULT_ALPHA = 0.9
"""Weight of a bucket one later than another in the weighted instability."""
BINDING = 1e-9
"""A shadow price above this (in absolute value) makes a shop-week or a part-week binding."""

Quantities = Mapping[tuple[str, str], float]
"""(variant, bucket start ISO) -> vehicles."""


@dataclass(frozen=True)
class VariantChange:
    variant: str
    before: float
    """Vehicles in the overlap, previous plan."""
    after: float
    changed: float
    """Sum over the overlap's buckets of |new - old|."""


@dataclass(frozen=True)
class PromiseChange:
    order: str
    before: str
    """Last delivery in the previous plan (ISO), '' when not delivered in the horizon."""
    after: str


@dataclass(frozen=True)
class ConstraintChange:
    constraint: str
    """`shop paint` or `part CELL-LFP from CATL`."""
    before: int
    """Binding buckets in the overlap, previous plan."""
    after: int
    moved: int
    """Buckets binding in one plan and not in the other."""


@dataclass(frozen=True)
class PlanChange:
    as_of: str
    buckets: int
    """Buckets compared (the overlap)."""
    alpha: float
    instability: float
    weighted_instability: float
    variants: list[VariantChange]
    promises: list[PromiseChange]
    constraints: list[ConstraintChange]
    rows: list[tuple[str, str, float, float]]
    """(variant, bucket, before, after) of every bucket of the overlap where either builds."""


def plan_change(
    bucket_starts: list[str],
    as_of: str,
    before: Quantities,
    after: Quantities,
    promises: tuple[Mapping[str, str], Mapping[str, str]],
    binding: tuple[Iterable[tuple[str, str]], Iterable[tuple[str, str]]],
    alpha: float = DEFAULT_ALPHA,
) -> PlanChange:
    """The change from `before` to `after` over the buckets from `as_of` on. `promises` are
    each plan's last delivery per order; `binding` each plan's binding (constraint, bucket)."""
    now = bucket_starts.index(as_of)
    overlap = bucket_starts[now:]
    weight = {week: alpha**k for k, week in enumerate(overlap)}
    variants = sorted({v for v, _ in before} | {v for v, _ in after})
    rows = [
        (variant, week, before.get((variant, week), 0.0), after.get((variant, week), 0.0))
        for variant in variants
        for week in overlap
        if before.get((variant, week), 0.0) or after.get((variant, week), 0.0)
    ]
    old = np.array([r[2] for r in rows])
    new = np.array([r[3] for r in rows])
    w = np.array([weight[r[1]] for r in rows])
    change = np.abs(new - old)
    return PlanChange(
        as_of=as_of,
        buckets=len(overlap),
        alpha=alpha,
        instability=_ratio(change.sum(), old.sum()),
        weighted_instability=_ratio((w * change).sum(), (w * old).sum()),
        variants=_per_variant(rows),
        promises=_moved_promises(*promises),
        constraints=_moved_constraints(set(overlap), *binding),
        rows=rows,
    )


def _ratio(part: float, whole: float) -> float:
    return float(part / whole) if whole > 0 else (0.0 if part == 0 else float("inf"))


def _per_variant(rows: list[tuple[str, str, float, float]]) -> list[VariantChange]:
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for variant, _, old, new in rows:
        total = totals[variant]
        total[0] += old
        total[1] += new
        total[2] += abs(new - old)
    return [VariantChange(v, *t) for v, t in sorted(totals.items())]


def _moved_promises(before: Mapping[str, str], after: Mapping[str, str]) -> list[PromiseChange]:
    moved = [
        PromiseChange(order, before.get(order, ""), after.get(order, ""))
        for order in sorted(set(before) | set(after))
        if before.get(order, "") != after.get(order, "")
    ]
    # Later promises first: those are the customers to call.
    return sorted(moved, key=lambda p: (p.after or "9999") > (p.before or "9999"), reverse=True)


def _moved_constraints(
    overlap: set[str], before: Iterable[tuple[str, str]], after: Iterable[tuple[str, str]]
) -> list[ConstraintChange]:
    weeks: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for side, pairs in enumerate((before, after)):
        for constraint, week in pairs:
            if week in overlap:
                weeks[constraint][side].add(week)
    changes = [
        ConstraintChange(name, len(old), len(new), len(old ^ new))
        for name, (old, new) in weeks.items()
        if old ^ new
    ]
    return sorted(changes, key=lambda c: (-c.moved, c.constraint))
