"""Planning buckets: the horizon cut into days, ISO weeks or calendar months.

This is the one place where dates become bucket indices and where the calendar is counted in
days. The horizon is the same span of time whatever the bucket: `first_week` (a Monday) for
`horizon_weeks` weeks. Days and weeks tile it exactly; months are calendar months, the first
starting at `first_week` and the last ending at the horizon's end, so both may be partial.

A date stands for the bucket that contains it. Dates outside the horizon are placed on the same
grid continued (whole days, weeks from Monday, months from the 1st), so that an S-curve that
started before the plan is at the right point when the plan begins.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

BucketKind = Literal["day", "week", "month"]
BUCKET_KINDS: tuple[BucketKind, ...] = ("day", "week", "month")
MEAN_MONTH_DAYS = 365.2425 / 12
"""Days of a month on average (Gregorian): the length a lead time in months is counted in."""
_NOMINAL_DAYS = {"day": 1.0, "week": 7.0, "month": MEAN_MONTH_DAYS}
_ADJECTIVE = {"day": "daily", "week": "weekly", "month": "monthly"}
COUNTING_DAY_OFFSET = {"day": 0, "week": 3, "month": 0}
"""Days from a bucket's first day to the day whose month and year it counts in: a week's
Thursday (ISO 8601), a day or a month itself."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Buckets:
    """The buckets `0 .. T-1` of a horizon from `first` (a Monday) to `end` (exclusive)."""

    kind: BucketKind
    first: dt.date
    end: dt.date

    # --- dates and indices -------------------------------------------------------------------

    def index_of(self, day: dt.date) -> int:
        """Index of the bucket that contains `day` (negative before the horizon, T or more
        after it)."""
        if self.kind == "day":
            return (day - self.first).days
        if self.kind == "week":
            return (day - self.first).days // 7
        return _month_number(day) - _month_number(self.first)

    def indices_of(self, days: npt.NDArray[np.datetime64]) -> IntArray:
        """`index_of` of each of `days` (`datetime64[D]`), as an array."""
        offset = (days.astype("datetime64[D]") - np.datetime64(self.first, "D")).astype(np.int64)
        if self.kind == "day":
            return offset
        if self.kind == "week":
            return offset // 7  # floor, as Python's: a day before `first` is in bucket -1
        months = days.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
        return months - (_month_number(self.first) - _month_number(dt.date(1970, 1, 1)))

    def start_of(self, index: int) -> dt.date:
        """First day of bucket `index`; `start_of(T)` is the horizon's end."""
        if 0 <= index <= len(self):
            return self.starts[index]
        return self._natural_start(index)

    def anchor(self, day: dt.date) -> dt.date:
        """First day of the bucket that contains `day`: where an event dated `day` starts."""
        return self.start_of(self.index_of(day))

    def _natural_start(self, index: int) -> dt.date:
        if self.kind == "day":
            return self.first + dt.timedelta(days=index)
        if self.kind == "week":
            return self.first + dt.timedelta(weeks=index)
        year, month = divmod(_month_number(self.first) + index, 12)
        return dt.date(year, month + 1, 1)

    @cached_property
    def starts(self) -> tuple[dt.date, ...]:
        """The T + 1 edges: the first day of each bucket, then the horizon's end."""
        count = self.index_of(self.end - dt.timedelta(days=1)) + 1
        inner = [self._natural_start(t) for t in range(1, count)]
        return (self.first, *inner, self.end)

    def __len__(self) -> int:
        return len(self.starts) - 1

    def labels(self) -> list[str]:
        """The bucket's name for people: `2024-05-02`, `2024-W18` or `2024-05`."""
        return [bucket_label(day, self.kind) for day in self.starts[:-1]]

    # --- counting days -----------------------------------------------------------------------

    @cached_property
    def calendar_days(self) -> FloatArray:
        """Calendar days in each bucket, (T,)."""
        return np.diff(self._offsets).astype(np.float64)

    @cached_property
    def weeks_long(self) -> FloatArray:
        """Length of each bucket in weeks (calendar days / 7), (T,): what a figure per week is
        multiplied by to give the figure per bucket (supplier capacity, holding cost, lateness
        penalty). Exactly 1 for weekly buckets."""
        return self.calendar_days / 7.0

    @cached_property
    def _offsets(self) -> IntArray:
        """Day number (from `first`) of each edge, (T + 1,)."""
        return np.array([(day - self.first).days for day in self.starts], dtype=np.int64)

    @cached_property
    def day_bucket(self) -> IntArray:
        """Bucket of each day of the horizon, (D,)."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self._offsets))

    @cached_property
    def weekday(self) -> IntArray:
        """Weekday of each day of the horizon, Monday 0 .. Sunday 6, (D,)."""
        return np.arange(int(self._offsets[-1]), dtype=np.int64) % 7  # `first` is a Monday

    def days_since(self, day: dt.date) -> FloatArray:
        """Days from `day` to each bucket's first day, (T,) (negative before it)."""
        return (self._offsets[:-1] - (day - self.first).days).astype(np.float64)

    def day_span(self, start: dt.date, days: int) -> slice:
        """The days of the horizon from `start` for `days` days, as a slice of day numbers."""
        total = int(self._offsets[-1])
        lo = (start - self.first).days
        return slice(min(max(lo, 0), total), min(max(lo + days, 0), total))

    def working(self, days_per_week: int | IntArray) -> BoolArray:
        """Whether each day is worked, (..., D), for a pattern of `days_per_week` per bucket
        (..., T) or throughout: a shop working d days a week works Monday to the d-th day."""
        pattern = np.asarray(days_per_week)
        if pattern.ndim == 0:
            pattern = np.full(len(self), pattern)
        return self.weekday < pattern[..., self.day_bucket]

    def per_bucket(self, days: npt.ArrayLike) -> FloatArray:
        """Sum over each bucket's days of a per-day array (..., D) -> (..., T)."""
        values = np.asarray(days, dtype=np.float64)
        return np.add.reduceat(values, self._offsets[:-1], axis=-1)

    def working_days(self, days_per_week: int | IntArray) -> FloatArray:
        """Working days in each bucket, (..., T), for a pattern of `days_per_week` per bucket."""
        return self.per_bucket(self.working(days_per_week))

    # --- durations ---------------------------------------------------------------------------

    def lead(self, weeks: int) -> int:
        """A lead time of `weeks` weeks in whole buckets of their nominal length (1 day, 7 days,
        a mean month of 30.44 days), to the nearest, halves up: exact for days and weeks; in
        months 1-2 weeks are 0 (available in the month they start, as an aggregate monthly
        plan counts them), 3-6 weeks 1 month, 7-10 weeks 2. Rounding up instead made every
        1-week step of a bill of material a month and the default plant's monthly plan 12 %
        short of its weekly one in 2024."""
        return math.floor(7 * weeks / _NOMINAL_DAYS[self.kind] + 0.5 + 1e-9)

    def late_buckets(self, weeks: int) -> int:
        """A lateness limit of `weeks` weeks in whole buckets, rounded down (a limit is kept
        by staying within it): 7·weeks days, the weeks themselves, or the months it covers."""
        return math.floor(7 * weeks / _NOMINAL_DAYS[self.kind] + 1e-9)

    # --- words -------------------------------------------------------------------------------

    def noun(self, count: float = 1) -> str:
        """`day`, `week`, `month`, with an `s` unless `count` is 1."""
        return bucket_noun(self.kind, count)

    @property
    def adjective(self) -> str:
        """`daily`, `weekly`, `monthly`."""
        return bucket_adjective(self.kind)


def _month_number(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


@lru_cache(maxsize=64)
def horizon_buckets(kind: BucketKind, first: dt.date, end: dt.date) -> Buckets:
    """The buckets of a horizon, built once per horizon."""
    return Buckets(kind, first, end)


def bucket_label(day: str | dt.date, kind: str) -> str:
    """The name of the bucket starting on `day`: `2024-05-02` (day), `2024-W18` (ISO week),
    `2024-05` (month)."""
    date = dt.date.fromisoformat(day) if isinstance(day, str) else day
    if kind == "week":
        year, number, _ = date.isocalendar()
        return f"{year}-W{number:02d}"
    if kind == "month":
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


def bucket_year(day: str | dt.date, kind: str) -> int:
    """The year a bucket starting on `day` counts in: a week in the year of its Thursday (its
    ISO year, so a year has 52 or 53 whole weeks and none is split), a day or a month in its
    own. Every yearly figure of evramp (the CLI's tables, the plan's `year` columns, risk's
    years) uses this rule."""
    date = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return date.isocalendar()[0] if kind == "week" else date.year


def bucket_month(day: str | dt.date, kind: str) -> str:
    """The month (`YYYY-MM`) a bucket starting on `day` counts in: a week in the month of its
    Thursday, as `bucket_year` counts it in the year of its Thursday; a day or a month in its
    own."""
    date = dt.date.fromisoformat(day) if isinstance(day, str) else day
    counted = date + dt.timedelta(days=COUNTING_DAY_OFFSET[kind])
    return f"{counted.year:04d}-{counted.month:02d}"


def bucket_noun(kind: str, count: float = 1) -> str:
    """`day`, `week`, `month`, with an `s` unless `count` is 1."""
    return kind if count == 1 else f"{kind}s"


def bucket_adjective(kind: str) -> str:
    """`daily`, `weekly`, `monthly`."""
    return _ADJECTIVE[kind]
