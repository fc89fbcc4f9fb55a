"""Weekly capacity of each shop: shifts, availability, ramp-up, phase additions and shutdowns.

All profiles are arrays of shape (shops, weeks) in jobs per week.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from evramp.model import Calendar, Phase, Ramp, Scenario

FloatArray = npt.NDArray[np.float64]


def s_curve(x: FloatArray) -> FloatArray:
    """Smoothstep 3x² − 2x³: 0 at x ≤ 0, 1 at x ≥ 1, slow start, fast middle, slow finish."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def ramp_shape(curve: str, x: FloatArray) -> FloatArray:
    return s_curve(x) if curve == "s-curve" else np.asarray(np.clip(x, 0.0, 1.0), dtype=np.float64)


def scheduled_hours(scenario: Scenario) -> FloatArray:
    """Paid hours of each shop in each week: shifts × days × hours per shift, following the
    shop's shift changes (`shifts.csv`) from their start on. Shape (shops, weeks)."""
    calendar = scenario.calendar
    shop_index = {shop.id: s for s, shop in enumerate(scenario.shops)}
    own_hours = [shop.hours_per_shift or calendar.hours_per_shift for shop in scenario.shops]
    per_week = [
        hours * shop.shifts_per_day * shop.days_per_week
        for hours, shop in zip(own_hours, scenario.shops, strict=True)
    ]
    profile = np.outer(per_week, np.ones(calendar.horizon_weeks))
    for change in sorted(scenario.shifts, key=lambda c: c.start):
        s = shop_index[change.shop]
        hours = change.hours_per_shift or own_hours[s]
        first = max(calendar.week_of(change.start), 0)
        profile[s, first:] = hours * change.shifts_per_day * change.days_per_week
    return profile


def shop_capacity(scenario: Scenario) -> FloatArray:
    """Jobs each shop can do in each week of the horizon."""
    calendar = scenario.calendar
    weeks = np.arange(calendar.horizon_weeks, dtype=np.float64)
    shop_index = {shop.id: s for s, shop in enumerate(scenario.shops)}
    availability = np.array([shop.availability for shop in scenario.shops])
    hours = scheduled_hours(scenario) * availability[:, None]
    rates = np.array([shop.rate for shop in scenario.shops], dtype=np.float64)
    full: FloatArray = rates[:, None] * hours
    for phase in scenario.phases:
        s = shop_index[phase.shop]
        full[s] += phase.added_rate * hours[s] * _phase_in(phase, calendar, weeks)
    capacity = full.copy()
    for s, ramp in ramps_by_shop(scenario).items():
        capacity[s] = _ramped(full[s], ramp, calendar, weeks)
    for shutdown in calendar.shutdowns:
        first = calendar.week_of(shutdown.start)
        closed = slice(max(first, 0), max(first + shutdown.weeks, 0))
        rows = [shop_index[s] for s in shutdown.shops] if shutdown.shops else slice(None)
        capacity[rows, closed] = 0.0
    return capacity


def _phase_in(phase: Phase, calendar: Calendar, weeks: FloatArray) -> FloatArray:
    """Share of a phase's added rate available in each week (0 before its start)."""
    start = calendar.week_of(phase.start)
    if phase.ramp_weeks == 0:
        return (weeks >= start).astype(np.float64)
    return s_curve((weeks - start) / phase.ramp_weeks)


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


def _ramped(full: FloatArray, ramp: Ramp, calendar: Calendar, weeks: FloatArray) -> FloatArray:
    """Capacity under a ramp: 0 before trial, the trial rate, then a climb to full rate."""
    trial_start = calendar.week_of(ramp.trial_start)
    sop = calendar.week_of(ramp.sop)
    if ramp.ramp_weeks is None:  # a learning curve: the LP limits the climb by volume
        share = np.ones_like(weeks)
    else:
        share = ramp_shape(ramp.curve, (weeks - sop) / ramp.ramp_weeks)
    climbing = ramp.trial_rate + (full - ramp.trial_rate) * share
    capacity = np.where(weeks < sop, ramp.trial_rate, climbing)
    capacity = np.where(weeks < trial_start, 0.0, capacity)
    return np.minimum(capacity, full)
