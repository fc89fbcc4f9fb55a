"""Learning-curve ramp: a shop's rate grows with its cumulative volume (Wright's law).

Every doubling of cumulative volume multiplies the hours per job by the learning rate r, so the
rate is a power of the experience N (jobs done, plus the experience at the start):

    share(N) = (N / N_full) ** b,   b = -log2(r),   capped at 1 from N_full on

`share` is concave, so the set {load <= full * share(N)} is convex and the plan stays an LP: the
curve is replaced by its chords between breakpoints N_full / 2^j (one per doubling, at most
MAX_CHORDS), and the load of bucket ("week") t must lie under every chord's line,

    load[s,t] <= full[s,t] * (a_k + m_k * N[s,t])       for every chord k, from the SOP on,

with N[s,0] = start volume and N[s,t] = N[s,t-1] + load[s,t-1]. Chords of a concave function lie
below it, so the plan never counts on more capacity than Wright's law gives (at most about 1 %
less for r = 0.85). Before the SOP the date-based trial rate applies, and trial jobs count as
experience.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from evramp.model import Ramp, Scenario
from evramp.plan.capacity import ramps_by_shop
from evramp.plan.layout import Block, Columns, FloatArray, IntArray, Triplets, triplets

MAX_CHORDS = 16


@dataclass(frozen=True)
class LearningCurves:
    """The shops that ramp by learning, and the chords of their curves (flattened)."""

    shop: IntArray  # (N,) shop index of each curve
    sop: IntArray  # (N,) first week the curve limits the shop
    start_volume: FloatArray  # (N,)
    chord_curve: IntArray  # (K,) curve of each chord
    chord_intercept: FloatArray  # (K,) share of full rate at zero experience on the chord's line
    chord_slope: FloatArray  # (K,) share per job of experience

    def __len__(self) -> int:
        return len(self.shop)


def chords(ramp: Ramp) -> tuple[FloatArray, FloatArray]:
    """Intercepts and slopes of the chords of share(N) between the start and full volume."""
    assert ramp.learning_rate is not None and ramp.full_volume is not None
    exponent = -math.log2(ramp.learning_rate)
    start, full = ramp.start_volume, ramp.full_volume
    if start >= full:
        return np.array([1.0]), np.array([0.0])
    doublings = math.ceil(math.log2(full / start))
    ratio = (full / start) ** (1.0 / min(doublings, MAX_CHORDS))
    points = start * ratio ** np.arange(min(doublings, MAX_CHORDS) + 1)
    points[-1] = full
    shares = (points / full) ** exponent
    slopes = np.diff(shares) / np.diff(points)
    intercepts = shares[:-1] - slopes * points[:-1]
    return intercepts, slopes


def learning_curves(scenario: Scenario) -> LearningCurves:
    buckets = scenario.calendar.buckets
    found = [
        (shop, ramp) for shop, ramp in ramps_by_shop(scenario).items() if ramp.curve == "learning"
    ]
    per_curve = [chords(ramp) for _, ramp in found]
    return LearningCurves(
        shop=np.array([shop for shop, _ in found], dtype=np.int64),
        sop=np.array([max(buckets.index_of(r.sop), 0) for _, r in found], dtype=np.int64),
        start_volume=np.array([r.start_volume for _, r in found]),
        chord_curve=np.repeat(np.arange(len(found)), [len(a) for a, _ in per_curve]).astype(
            np.int64
        ),
        chord_intercept=np.concatenate([a for a, _ in per_curve]) if found else np.zeros(0),
        chord_slope=np.concatenate([m for _, m in per_curve]) if found else np.zeros(0),
    )


Routing = tuple[IntArray, IntArray, FloatArray]  # shop, made item, jobs per unit of each row


def _load(
    rows: Block, entity: IntArray, routing: IntArray, routings: Routing, build: Block, shift: int
) -> tuple[IntArray, IntArray, FloatArray]:
    """Non-zeros of jobs * build[made, t - shift] in row (entity, t), for aligned pairs of row
    entities and routing rows, over the weeks t >= shift."""
    _, made, jobs = routings
    weeks = np.arange(shift, rows.buckets)
    pair = np.repeat(np.arange(len(entity)), len(weeks))
    week = np.tile(weeks, len(entity))
    return (
        rows.at(entity[pair], week),
        build.at(made[routing[pair]], week - shift),
        jobs[routing[pair]],
    )


def _curve_routings(curves: LearningCurves, routings: Routing) -> tuple[IntArray, IntArray]:
    """(curve, routing row) of every routing row on a learning shop."""
    shop = routings[0]
    curve, routing = np.nonzero(curves.shop[:, None] == shop[None, :])
    return curve.astype(np.int64), routing.astype(np.int64)


def experience_rows(curves: LearningCurves, routings: Routing, columns: Columns) -> Triplets:
    """N[s,0] = start volume; N[s,t] - N[s,t-1] - load[s,t-1] = 0."""
    rows = Block(0, len(curves), columns.experience.buckets)
    curve, week = rows.grid()
    later = week >= 1
    pair_curve, pair_routing = _curve_routings(curves, routings)
    load_rows, load_cols, load_values = _load(
        rows, pair_curve, pair_routing, routings, columns.build, shift=1
    )
    parts = [
        (rows.at(curve, week), columns.experience.at(curve, week), np.ones(rows.size)),
        (
            rows.at(curve[later], week[later]),
            columns.experience.at(curve[later], week[later] - 1),
            -np.ones(int(later.sum())),
        ),
        (load_rows, load_cols, -load_values),
    ]
    rhs = np.where(week == 0, curves.start_volume[curve], 0.0)
    return triplets(parts, rhs, rhs.copy())


def chord_rows(
    curves: LearningCurves, routings: Routing, full: FloatArray, columns: Columns
) -> Triplets:
    """load[s,t] - full[s,t] * m_k * N[s,t] <= full[s,t] * a_k, from the SOP on."""
    rows = Block(0, len(curves.chord_curve), columns.experience.buckets)
    chord, week = rows.grid()
    curve = curves.chord_curve[chord]
    shop_full = full[curves.shop[curve], week]
    pair_curve, pair_routing = _curve_routings(curves, routings)
    pair_chord, pair = np.nonzero(curves.chord_curve[:, None] == pair_curve[None, :])
    parts = [
        _load(rows, pair_chord, pair_routing[pair], routings, columns.build, shift=0),
        (
            rows.at(chord, week),
            columns.experience.at(curve, week),
            -shop_full * curves.chord_slope[chord],
        ),
    ]
    active = week >= curves.sop[curve]
    upper = np.where(active, shop_full * curves.chord_intercept[chord], np.inf)
    return triplets(parts, np.full(rows.size, -np.inf), upper)


def learned_capacity(
    curves: LearningCurves, full: FloatArray, experience: FloatArray
) -> FloatArray:
    """Capacity each learning shop had in each week given its experience, (curves, weeks)."""
    lines = (
        curves.chord_intercept[:, None]
        + curves.chord_slope[:, None] * experience[curves.chord_curve]
    )
    share = np.full(experience.shape, np.inf)
    np.minimum.at(share, curves.chord_curve, lines)
    capacity = full[curves.shop] * np.minimum(share, 1.0)
    before_sop = np.arange(full.shape[1])[None, :] < curves.sop[:, None]
    return np.where(before_sop, full[curves.shop], capacity)
