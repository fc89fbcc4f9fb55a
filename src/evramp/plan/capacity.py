"""Capacity of each shop in each bucket: shifts, availability, ramp-up, phase additions and
shutdowns.

All profiles are arrays of shape (shops, buckets) in jobs (or hours) per bucket. Figures the
scenario gives per week become per bucket here: a shop's hours are its hours per working day
times the bucket's working days (a shop working d days a week works Monday to the d-th day),
trial rates and overtime scale with the bucket's working days, and a shutdown closes its share
of the bucket's working days. Weekly buckets give exactly the weekly figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from evramp.model import Phase, Ramp, Scenario
from evramp.model.buckets import Buckets

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def s_curve(x: FloatArray) -> FloatArray:
    """Smoothstep 3x² − 2x³: 0 at x ≤ 0, 1 at x ≥ 1, slow start, fast middle, slow finish."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def ramp_shape(curve: str, x: FloatArray) -> FloatArray:
    return s_curve(x) if curve == "s-curve" else np.asarray(np.clip(x, 0.0, 1.0), dtype=np.float64)


@dataclass(frozen=True)
class ShopTime:
    """The time each shop works in each bucket, (shops, buckets)."""

    hours: FloatArray
    """Paid hours of the shift pattern in force (shutdowns not deducted)."""
    working_days: FloatArray
    """Days worked under that pattern."""
    days_per_week: IntArray
    """The pattern's days per week."""
    open: FloatArray
    """Share of the working days not closed by a shutdown (1 open, 0 closed)."""

    @property
    def week_share(self) -> FloatArray:
        """The bucket's working days as a share of the pattern's week: what a figure per week
        (trial rate, overtime hours) is multiplied by. 1 for weekly buckets."""
        return self.working_days / self.days_per_week


def shop_time(scenario: Scenario) -> ShopTime:
    """Hours, working days and shutdowns of every shop in every bucket, following the shops'
    shift changes (`shifts.csv`) from the bucket containing their start on."""
    calendar = scenario.calendar
    buckets = calendar.buckets
    count = len(buckets)
    shop_index = {shop.id: s for s, shop in enumerate(scenario.shops)}
    own_hours = [shop.hours_per_shift or calendar.hours_per_shift for shop in scenario.shops]
    per_day = np.outer(
        [
            hours * shop.shifts_per_day
            for hours, shop in zip(own_hours, scenario.shops, strict=True)
        ],
        np.ones(count),
    )
    days = np.outer([shop.days_per_week for shop in scenario.shops], np.ones(count, dtype=np.int64))
    for change in sorted(scenario.shifts, key=lambda c: c.start):
        s = shop_index[change.shop]
        first = max(buckets.index_of(change.start), 0)
        per_day[s, first:] = (change.hours_per_shift or own_hours[s]) * change.shifts_per_day
        days[s, first:] = change.days_per_week
    working = buckets.working(days)
    working_days = buckets.per_bucket(working)
    closed = _closed_days(scenario, buckets, shop_index)
    closed_days = buckets.per_bucket(closed & working)
    open_share = 1.0 - np.divide(
        closed_days, working_days, out=np.zeros_like(working_days), where=working_days > 0
    )
    return ShopTime(
        hours=per_day * working_days,
        working_days=working_days,
        days_per_week=days,
        open=open_share,
    )


def _closed_days(scenario: Scenario, buckets: Buckets, shop_index: dict[str, int]) -> BoolArray:
    """Whether each shop is shut on each day of the horizon, (shops, days). A shutdown closes
    whole weeks, Monday to Sunday, from the week that contains its start."""
    closed = np.zeros((len(scenario.shops), len(buckets.weekday)), dtype=bool)
    for shutdown in scenario.calendar.shutdowns:
        monday = shutdown.start - dt.timedelta(days=shutdown.start.weekday())
        rows = [shop_index[s] for s in shutdown.shops] if shutdown.shops else slice(None)
        closed[rows, buckets.day_span(monday, 7 * shutdown.weeks)] = True
    return closed


def shop_capacity(scenario: Scenario, time: ShopTime | None = None) -> FloatArray:
    """Jobs each shop can do in each bucket of the horizon."""
    if time is None:
        time = shop_time(scenario)
    buckets = scenario.calendar.buckets
    shop_index = {shop.id: s for s, shop in enumerate(scenario.shops)}
    availability = np.array([shop.availability for shop in scenario.shops])
    hours = time.hours * availability[:, None]
    rates = np.array([shop.rate for shop in scenario.shops], dtype=np.float64)
    full: FloatArray = rates[:, None] * hours
    for phase in scenario.phases:
        s = shop_index[phase.shop]
        full[s] += phase.added_rate * hours[s] * _phase_in(phase, buckets)
    capacity = full.copy()
    for s, ramp in ramps_by_shop(scenario).items():
        trial = ramp.trial_rate * time.week_share[s]
        capacity[s] = _ramped(full[s], trial, ramp, buckets)
    return np.asarray(capacity * time.open, dtype=np.float64)


def overtime_hours(scenario: Scenario, time: ShopTime) -> FloatArray:
    """Most overtime hours of each shop in each bucket: the weekly allowance in proportion to the
    bucket's open working days. Shape (shops, buckets)."""
    weekly = np.array([shop.overtime_hours for shop in scenario.shops])
    return np.asarray(weekly[:, None] * time.week_share * time.open, dtype=np.float64)


def _climb(buckets: Buckets, start: dt.date, ramp_weeks: int) -> FloatArray:
    """Progress of a climb over `ramp_weeks` weeks from the bucket containing `start`, at each
    bucket's first day: 0 there, 1 once `ramp_weeks` weeks have passed."""
    return climb_progress(buckets.days_since(buckets.anchor(start)), ramp_weeks)


def climb_progress(days_since_start: FloatArray, ramp_weeks: int | IntArray) -> FloatArray:
    """Progress of a climb over `ramp_weeks` weeks, `days_since_start` days after its start:
    broadcasts, so that a calibration (analysis/calibrate.py) evaluates many ramps at once with
    the formula the plan uses."""
    return np.asarray(days_since_start / (7 * np.asarray(ramp_weeks)), dtype=np.float64)


def _phase_in(phase: Phase, buckets: Buckets) -> FloatArray:
    """Share of a phase's added rate available in each bucket (0 before its start)."""
    if phase.ramp_weeks == 0:
        return (np.arange(len(buckets)) >= buckets.index_of(phase.start)).astype(np.float64)
    return s_curve(_climb(buckets, phase.start, phase.ramp_weeks))


def ramps_by_shop(scenario: Scenario) -> dict[int, Ramp]:
    """A shop's own ramp row wins over the plant-wide one (`*`)."""
    plant = next((r for r in scenario.ramps if r.shop == "*"), None)
    own = {r.shop: r for r in scenario.ramps if r.shop != "*"}
    ramps: dict[int, Ramp] = {}
    for s, shop in enumerate(scenario.shops):
        ramp = own.get(shop.id, plant)
        if ramp is not None:
            ramps[s] = ramp
    return ramps


def _ramped(full: FloatArray, trial: FloatArray, ramp: Ramp, buckets: Buckets) -> FloatArray:
    """Capacity under a ramp: 0 before trial, the trial rate, then a climb to full rate."""
    if ramp.ramp_weeks is None:  # a learning curve: the LP limits the climb by volume
        share = np.ones(len(buckets))
    else:
        share = ramp_shape(ramp.curve, _climb(buckets, ramp.sop, ramp.ramp_weeks))
    return climbed(
        full, trial, share, buckets.index_of(ramp.sop), buckets.index_of(ramp.trial_start)
    )


def climbed(
    full: FloatArray,
    trial: FloatArray,
    share: FloatArray,
    sop: int | IntArray,
    trial_start: int | IntArray,
) -> FloatArray:
    """Capacity in each bucket (the last axis) of a ramp whose climb from the trial rate to
    `full` is at `share` in it: 0 before the bucket `trial_start`, the trial rate before the
    bucket `sop`, never above `full`. Broadcasts over leading axes (many ramps at once)."""
    index = np.arange(np.shape(share)[-1])
    climbing = trial + (full - trial) * share
    capacity = np.where(index < np.asarray(sop)[..., None], trial, climbing)
    capacity = np.where(index < np.asarray(trial_start)[..., None], 0.0, capacity)
    return np.asarray(np.minimum(capacity, full), dtype=np.float64)
