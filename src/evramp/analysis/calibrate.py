"""Calibrating the ramp to what was built: each shop's ramp fitted to its actual output.

A shop's output in a bucket is the jobs it started there: the `built` actuals (units) times the
routing's jobs per unit, summed over its items; the actuals are read and checked as a re-plan
reads them (`plan.replan.past_of`), so that calibrate refuses what `evramp replan` refuses. The
fit compares that output with the capacity the planner's own model gives the shop
(`plan.capacity`, `plan.learning`), so a fitted ramp plans exactly the capacity that was fitted:

- `s-curve` and `linear` (a climb by date): `sop` and `ramp_weeks`, by least squares of the
  output against the modelled capacity (trial rate before the SOP, then the climb to full rate).
- `learning` (Wright's law over cumulative jobs): hours per job h(N) = h1 * N^b with
  b = log2(learning_rate) and N = start_volume + jobs done before the bucket (trial jobs count,
  as in the planner). For each start_volume, log h = log h1 + b log N is a straight line fitted
  by linear least squares; the start_volume with the least squared error is searched (a grid
  over its logarithm, then Brent's method between the best point's neighbours). h1 and b give
  `learning_rate` and `full_volume` (where h reaches the shop's full-rate hours per job).

Weeks that cannot tell the ramp. Output shows capacity only when the shop was capacity-bound;
a week short of orders or of parts built less than it could, by any amount. Each week is taken
as capacity-bound (output = capacity x (1 + noise)) or not (any output up to capacity), a
mixture whose noise level and share of capacity-bound weeks are those that make the output
likeliest (`mixture`). The fit is the least-squares fit of the weeks more likely
capacity-bound than not: for a climb, those of the likeliest of all its candidates; for a
learning curve, refitted until they no longer change, from several starts (every week, the weeks
at the assumed capacity, the likeliest curve of a coarse grid), the likeliest settled fit
winning. No fixed threshold: noise-free weeks at 99 % of capacity are left out, weeks 5 % below
it with 3 % noise are kept. A week above its
modelled capacity is always capacity-bound, so no fit can sit below what was built without
paying for it. Weeks the shop was closed (a shutdown, before trial production) carry no
information and are left out too; so, for a learning curve, are the weeks before the SOP (the
trial rate) and those at full rate (they say N >= full_volume, not how fast the hours fell).
What a per-shop fit cannot see: a shop held back by another shop in every week (starved by a
bottleneck upstream) looks like a shop on a slower ramp; calibrate the shops that were the
bottleneck. Overtime is not modelled: output is taken as regular-time output.

Quality and bands: R^2 and the RMSE (jobs a week) are those of the capacity-bound weeks. The
90 % bands, of each fitted value and of the capacity of the next `FORECAST_BUCKETS` buckets,
come from a residual bootstrap with a fixed seed (`DRAWS` refits of the fitted output plus
resampled residuals), the same on every run. The capacity's band is that of the modelled
capacity (how well the actuals pin the ramp down), not of the output a week will show, which
has the week's noise on top; a ramp the actuals determine exactly has a band of one value. A
learning shop's forecast assumes it works at capacity, so that its experience grows by what it
can do.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError
from scipy.optimize import minimize_scalar

from evramp.model import Ramp, Scenario
from evramp.model.buckets import Buckets
from evramp.plan.capacity import (
    climb_progress,
    climbed,
    ramp_shape,
    ramps_by_shop,
    shop_capacity,
    shop_time,
)
from evramp.plan.index import compile_scenario
from evramp.plan.learning import chords
from evramp.plan.replan import past_of

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

MIN_BOUND_WEEKS = 4
"""Capacity-bound weeks a shop needs for a fit: two fitted values (three for a learning curve,
with h1) and at least one degree of freedom left for the residuals that the bands resample."""
MIN_LEARNING_WEEKS = 5
FORECAST_BUCKETS = 4
"""Buckets from the as-of date whose capacity is forecast (with its band)."""
BAND = 0.90
DRAWS = 200
SEED = 0
MAX_RAMP_WEEKS = 520
"""The longest ramp a `Ramp` row takes (its `ramp_weeks` field)."""
LOOKBACK_DAYS = 364
"""How far before the first week of actuals a fitted SOP may lie."""
MAX_ROUNDS = 10
"""Fits of the capacity-bound weeks before giving up on their set settling."""


class CannotCalibrate(ValueError):
    """The scenario has nothing to fit: no built actuals, or no shop with a ramp among them."""


# --- results ---------------------------------------------------------------------------------

Value = float | dt.date


@dataclass(frozen=True)
class Estimate:
    """One fitted value of a shop's ramp: the scenario's assumption, the fit, its 90 % band."""

    parameter: str
    assumed: Value
    fitted: Value
    low: Value
    high: Value


@dataclass(frozen=True)
class Forecast:
    """Jobs the shop can do in the next buckets from the as-of date, assumed and fitted."""

    first: dt.date
    buckets: int
    assumed: float
    fitted: float
    low: float
    high: float


@dataclass(frozen=True)
class ShopFit:
    """A shop's ramp fitted to its output."""

    shop: str
    assumed: Ramp
    fitted: Ramp
    estimates: tuple[Estimate, ...]
    r_squared: float
    """Of the capacity-bound weeks' output; nan when they all built the same."""
    rmse: float
    """Jobs a week, over the capacity-bound weeks."""
    bound_weeks: int
    observed_weeks: int
    forecast: Forecast


@dataclass(frozen=True)
class NotFitted:
    """A shop with a ramp that could not be fitted, and why."""

    shop: str
    reason: str


@dataclass(frozen=True)
class Calibration:
    """The fits of every shop with a ramp and actuals, and the scenario with the fitted ramps."""

    as_of: dt.date
    fits: tuple[ShopFit, ...]
    not_fitted: tuple[NotFitted, ...]
    scenario: Scenario


# --- the output and capacity of each shop ----------------------------------------------------


@dataclass(frozen=True)
class ShopHistory:
    """What one shop built before the as-of bucket, and what the planner's model gives it."""

    shop_id: str
    ramp: Ramp
    buckets: Buckets
    as_of: int
    jobs: FloatArray
    """(T,) jobs started per bucket: the actuals, 0 where there are none and from as-of on."""
    observed: BoolArray
    """(T,) buckets before as-of with built actuals in which the shop was open."""
    full: FloatArray
    """(T,) jobs at full rate (phases added, shutdowns deducted): the capacity without a ramp."""
    trial: FloatArray
    """(T,) jobs at the trial rate (shutdowns deducted)."""
    planned: FloatArray
    """(T,) the planner's capacity under the scenario's ramp (a learning shop: trial, then full;
    its chords limit it by volume)."""

    @property
    def per_week(self) -> FloatArray:
        """What a bucket's jobs are divided by to give jobs a week."""
        return self.buckets.weeks_long

    @property
    def experience(self) -> FloatArray:
        """(T,) jobs done before each bucket since the plan's start (N - start_volume)."""
        return np.concatenate([[0.0], np.cumsum(self.jobs)[:-1]])


def _require_built(scenario: Scenario) -> None:
    if not any(actual.kind == "built" for actual in scenario.actuals):
        raise CannotCalibrate(
            "the scenario has no built actuals (actuals.csv, kind built) to fit the ramp to"
        )


def default_as_of(scenario: Scenario) -> dt.date:
    """The first day of the bucket after the last actual (the last bucket at most)."""
    _require_built(scenario)
    buckets = scenario.calendar.buckets
    last = max(buckets.index_of(actual.date) for actual in scenario.actuals)
    return buckets.start_of(min(max(last + 1, 0), len(buckets) - 1))


def _actuals_before(scenario: Scenario, as_of: dt.date) -> Scenario:
    """The scenario with only its actuals before `as_of`, each at its line in actuals.csv: a
    calibration as of an earlier date ignores the later weeks (a re-plan refuses them)."""
    kept = [i for i, actual in enumerate(scenario.actuals) if actual.date < as_of]
    lines = {**scenario.lines, "actuals": [scenario.line_of("actuals", i) for i in kept]}
    return replace(scenario, actuals=tuple(scenario.actuals[i] for i in kept), lines=lines)


def shop_histories(scenario: Scenario, as_of: dt.date) -> list[ShopHistory]:
    """The history of every shop with a ramp. Raises `ScenarioInvalid` (located at the rows of
    actuals.csv) for actuals a re-plan would refuse."""
    data = compile_scenario(scenario)
    past = past_of(_actuals_before(scenario, as_of), data, as_of)
    jobs = np.zeros((len(scenario.shops), data.bucket_count))
    np.add.at(
        jobs, data.routings.shop, past.built[data.routings.made] * data.routings.jobs[:, None]
    )
    buckets = scenario.calendar.buckets
    with_actuals = np.zeros(len(buckets), dtype=bool)
    built = [buckets.index_of(a.date) for a in scenario.actuals if a.kind == "built"]
    with_actuals[[t for t in built if 0 <= t < past.as_of]] = True
    time = shop_time(scenario)
    full = shop_capacity(replace(scenario, ramps=()), time)
    planned = shop_capacity(scenario, time)
    histories = []
    for s, ramp in ramps_by_shop(scenario).items():
        trial = ramp.trial_rate * time.week_share[s] * time.open[s]
        histories.append(
            ShopHistory(
                shop_id=scenario.shops[s].id,
                ramp=ramp,
                buckets=buckets,
                as_of=past.as_of,
                jobs=jobs[s],
                observed=with_actuals & (full[s] > 0),
                full=full[s],
                trial=trial,
                planned=planned[s],
            )
        )
    return histories


# --- fit quality and bands -------------------------------------------------------------------


def _quality(output: FloatArray, model: FloatArray) -> tuple[float, float]:
    """R^2 and RMSE of `model` against `output` (jobs a week)."""
    sse = float(np.sum((output - model) ** 2))
    sst = float(np.sum((output - output.mean()) ** 2))
    r_squared = 1.0 - sse / sst if sst > 1e-12 * max(1.0, float(np.sum(output**2))) else math.nan
    return r_squared, math.sqrt(sse / len(output))


def _band(draws: FloatArray, whole: bool = False) -> tuple[float, float]:
    """The central `BAND` of the draws; of whole numbers (weeks), draws themselves, widened to
    the next one either side rather than interpolated between them."""
    low_q, high_q = (1 - BAND) / 2, (1 + BAND) / 2
    if whole:
        low = np.quantile(draws, low_q, method="lower")
        high = np.quantile(draws, high_q, method="higher")
    else:
        low, high = np.quantile(draws, [low_q, high_q])
    return float(low), float(high)


def _resampled(fitted: FloatArray, residuals: FloatArray) -> FloatArray:
    """`DRAWS` bootstrap samples (DRAWS, n): the fit plus residuals drawn with replacement."""
    generator = np.random.default_rng(SEED)
    picks = generator.integers(0, len(residuals), size=(DRAWS, len(residuals)))
    return np.asarray(fitted[None, :] + residuals[picks], dtype=np.float64)


F = TypeVar("F")

SPREADS = np.geomspace(1e-3, 0.2, 8)
"""Relative noise of a capacity-bound week's output that the mixture tries (0.1 % to 20 %)."""
BOUND_CHANCES = np.array([0.5, 0.8, 0.95])
"""Shares of capacity-bound weeks that the mixture tries."""
FLOOR = 1e-9
"""Jobs: a modelled capacity below this is taken as this (log of zero)."""


@dataclass(frozen=True)
class Mixture:
    """How likely the output is under a fit: each week capacity-bound with chance `chance`
    (output = capacity x (1 + `spread` x a standard normal)) or not (short of orders or parts:
    any output from 0 to capacity, equally likely), `spread` and `chance` those of the grid that
    make it likeliest."""

    log_likelihood: float
    bound: BoolArray
    """(T,) the weeks more likely capacity-bound than not."""
    spread: float
    chance: float


def mixture(output: FloatArray, model: FloatArray, weeks: BoolArray) -> Mixture:
    """The mixture of `output` (T,) against `model` (T,) over `weeks`. A week building more
    than its capacity can only be capacity-bound (with noise); one building far less is likelier
    not bound than bound with a large error, so it leaves the fit without a threshold to set."""
    y, m = output[weeks], np.maximum(model[weeks], FLOOR)
    spread = SPREADS[:, None, None]
    chance = BOUND_CHANCES[None, :, None]
    z = (y / m - 1.0)[None, None, :] / spread
    log_bound = np.log(chance) - 0.5 * z**2 - np.log(spread * m * math.sqrt(2 * math.pi))
    below = (y <= m)[None, None, :]
    log_slack = np.broadcast_to(
        np.where(below, np.log(1.0 - chance) - np.log(m), -np.inf), log_bound.shape
    )
    total = np.logaddexp(log_bound, log_slack).sum(axis=2)
    i, j = np.unravel_index(int(np.argmax(total)), total.shape)
    bound = np.zeros(len(output), dtype=bool)
    bound[weeks] = log_bound[i, j] >= log_slack[i, j]
    return Mixture(float(total[i, j]), bound, float(SPREADS[i]), float(BOUND_CHANCES[j]))


def mixture_likelihoods(
    output: FloatArray,
    models: FloatArray,
    spreads: FloatArray = SPREADS,
    chances: FloatArray = BOUND_CHANCES,
) -> FloatArray:
    """The mixture's log-likelihood of `output` (n,) under each of `models` (C, n), each at
    its likeliest noise level and share of capacity-bound weeks of the grid, (C,): `mixture`
    for many fits at once, one (noise, share) at a time to keep the arrays (C, n). Both
    branches of a week share its -log(capacity), summed once."""
    m = np.maximum(models, FLOOR)
    relative = output[None, :] / m - 1.0
    below = output[None, :] <= m
    best = np.full(len(models), -np.inf)
    for spread in spreads:
        squared = 0.5 * (relative / spread) ** 2
        for chance in chances:
            log_bound = math.log(chance / (spread * math.sqrt(2 * math.pi))) - squared
            either = np.where(below, np.logaddexp(log_bound, math.log(1.0 - chance)), log_bound)
            np.maximum(best, either.sum(axis=1), out=best)
    return np.asarray(best - np.log(m).sum(axis=1), dtype=np.float64)


SHORTLIST = 512
"""Candidates a coarse mixture (three noise levels, one share) keeps for the full one: 1 s
a shop of the default scenario becomes 0.2 s."""


def shortlisted_likelihoods(output: FloatArray, models: FloatArray) -> FloatArray:
    """`mixture_likelihoods` of the `SHORTLIST` likeliest candidates under a coarse grid;
    -inf for the others."""
    coarse = mixture_likelihoods(output, models, SPREADS[[1, 4, 6]], BOUND_CHANCES[[1]])
    if len(coarse) <= SHORTLIST:
        return mixture_likelihoods(output, models)
    kept = np.argpartition(-coarse, SHORTLIST)[:SHORTLIST]
    likelihood = np.full(len(coarse), -np.inf)
    likelihood[kept] = mixture_likelihoods(output, models[kept])
    return likelihood


@dataclass(frozen=True)
class Settled(Generic[F]):
    """A fit whose capacity-bound weeks no longer change, and how likely the output is."""

    fitted: F
    fitted_weeks: BoolArray
    mixture: Mixture


def _settle(
    history: ShopHistory, weeks: BoolArray, start: BoolArray, fit: _Fitter[F]
) -> Settled[F] | int:
    """From the weeks `start`: fit, take the weeks the mixture finds capacity-bound (and the
    fit can use), fit again, until they no longer change. The count of weeks when they become
    too few for a fit."""
    fitted_weeks = start
    for _ in range(MAX_ROUNDS):
        if fitted_weeks.sum() < fit.needed:
            return int(fitted_weeks.sum())
        fitted = fit.fit(history, fitted_weeks)
        found = mixture(history.jobs, fit.capacity(history, fitted), weeks)
        settled = found.bound & fit.usable(history, fitted)
        if np.array_equal(settled, fitted_weeks):
            break
        fitted_weeks = settled
    return Settled(fitted, fitted_weeks, found)


def _best_fit(
    history: ShopHistory, weeks: BoolArray, starts: list[BoolArray], fit: _Fitter[F]
) -> Settled[F] | str:
    """The likeliest of the fits settled from each start, or why there is none. Fits are
    compared by their mixture likelihood over the same weeks (every week that could be
    capacity-bound): a fit that explains the weeks short of orders as a slower ramp, with a
    larger error, is less likely than one that fits the capacity-bound weeks closely and leaves
    the others out."""
    outcomes = [_settle(history, weeks, start, fit) for start in starts]
    settled = [o for o in outcomes if isinstance(o, Settled)]
    if settled:
        return max(settled, key=lambda o: o.mixture.log_likelihood)
    return _too_few(history, max(o for o in outcomes if isinstance(o, int)), fit.needed)


def _too_few(history: ShopHistory, count: int, needed: int) -> str:
    return (
        f"{count} capacity-bound {history.buckets.noun(count)} of actuals "
        f"({int(history.observed.sum())} with actuals); the fit needs at least {needed}"
    )


def _starts(history: ShopHistory, weeks: BoolArray, assumed: FloatArray) -> list[BoolArray]:
    """Where the search for the capacity-bound weeks starts: every week that built anything,
    and the weeks that built (nearly) the capacity the scenario assumes."""
    built = weeks & (history.jobs > 0)
    starts = [built] + [built & (history.jobs >= share * assumed) for share in (0.99, 0.9)]
    unique: list[BoolArray] = []
    for start in starts:
        if not any(np.array_equal(start, seen) for seen in unique):
            unique.append(start)
    return unique


class _Fitter(Generic[F]):
    """How a curve is fitted: its parameters `F` from the capacity-bound weeks, the capacity
    they model (T,), and which weeks the fit can use."""

    needed: int

    def fit(self, history: ShopHistory, weeks: BoolArray) -> F:
        raise NotImplementedError

    def capacity(self, history: ShopHistory, fitted: F) -> FloatArray:
        raise NotImplementedError

    def usable(self, history: ShopHistory, fitted: F) -> BoolArray:
        return np.ones(len(history.jobs), dtype=bool)


# --- a climb by date: s-curve and linear -----------------------------------------------------


@dataclass(frozen=True)
class Climb:
    """A climb's start bucket and length in weeks."""

    sop: int
    ramp_weeks: int


class ClimbGrid:
    """Every (SOP bucket, ramp weeks) a `Ramp` row can say, for one shop: the exact search.

    The planner's model is discrete in both: `ramp_weeks` is a whole number of weeks and an SOP
    acts from the first day of its bucket, so a continuous optimiser would land between values
    a ramp row cannot hold and need rounding that loses the optimum. Every candidate is
    evaluated instead: a few dozen SOPs times 520 lengths, one array, and the bootstrap's
    refits are one matrix product against it.
    """

    def __init__(self, history: ShopHistory) -> None:
        buckets, ramp = history.buckets, history.ramp
        observed = np.flatnonzero(history.observed)
        lookback = math.ceil(LOOKBACK_DAYS / buckets.calendar_days.mean())
        trial_start = buckets.index_of(ramp.trial_start)
        assumed = buckets.index_of(ramp.sop)
        first = max(trial_start, min(int(observed[0]) - lookback, assumed))
        last = max(int(observed[-1]) + 1, first)
        self.history = history
        self.sops = np.arange(first, last + 1, dtype=np.int64)
        self.lengths = np.arange(1, MAX_RAMP_WEEKS + 1, dtype=np.int64)
        self.assumed = Climb(assumed, int(ramp.ramp_weeks or 1))

    def capacity(self, sops: IntArray, lengths: IntArray, stop: int) -> FloatArray:
        """Capacity (..., stop) in buckets 0 .. stop-1 of the climbs (sops, lengths) (broadcast
        together): what `plan.capacity.shop_capacity` gives for such a ramp row."""
        history, buckets = self.history, self.history.buckets
        starts = np.array([(buckets.start_of(int(k)) - buckets.first).days for k in sops.ravel()])
        offsets = np.array([(day - buckets.first).days for day in buckets.starts[:stop]])
        days = offsets[None, :] - starts.reshape(sops.shape)[..., None]
        share = ramp_shape(history.ramp.curve, climb_progress(days, lengths[..., None]))
        trial_start = buckets.index_of(history.ramp.trial_start)
        return climbed(history.full[:stop], history.trial[:stop], share, sops, trial_start)

    def models(self, columns: IntArray) -> FloatArray:
        """Capacity a week (jobs) of every candidate in `columns`, (SOPs * lengths, n)."""
        stop = int(columns.max()) + 1
        model = self.capacity(self.sops[:, None], self.lengths[None, :], stop)
        per_week = model[..., columns] / self.history.per_week[columns]
        return np.asarray(per_week.reshape(-1, len(columns)), dtype=np.float64)

    def climb(self, flat: int) -> Climb:
        k, r = divmod(flat, len(self.lengths))
        return Climb(int(self.sops[k]), int(self.lengths[r]))

    def best(self, output: FloatArray, models: FloatArray) -> Climb:
        """The least-squares candidate; of those equally good (the data cannot tell them
        apart), the one nearest the assumption."""
        sse = np.sum((models - output[None, :]) ** 2, axis=1)
        tied = np.flatnonzero(sse <= sse.min() + 1e-9 * (1.0 + float(np.sum(output**2))))
        return self._nearest_assumed(tied)

    def likeliest(self, output: FloatArray, models: FloatArray) -> Climb:
        """The candidate under which the output is likeliest as the mixture of capacity-bound
        weeks and others (`mixture_likelihoods`); of those equally likely, the one nearest the
        assumption. Every candidate is tried, so no start can leave the search in a poor fit
        (as refitting from a first guess did: a first fit through the weeks short of orders
        kept them)."""
        likelihood = shortlisted_likelihoods(output, models)
        tied = np.flatnonzero(likelihood >= likelihood.max() - 1e-9 * abs(likelihood.max()))
        return self._nearest_assumed(tied)

    def _nearest_assumed(self, flat: IntArray) -> Climb:
        k, r = np.divmod(flat, len(self.lengths))
        distance = np.abs(self.sops[k] - self.assumed.sop) + np.abs(
            self.lengths[r] - self.assumed.ramp_weeks
        )
        return self.climb(int(flat[np.argmin(distance)]))

    def refits(self, samples: FloatArray, models: FloatArray) -> list[Climb]:
        """The least-squares candidate of each bootstrap sample (DRAWS, n): |y - m|^2 =
        |y|^2 - 2 y.m + |m|^2 over every candidate at once."""
        sse = np.sum(models**2, axis=1)[None, :] - 2.0 * samples @ models.T
        return [self.climb(int(flat)) for flat in np.argmin(sse, axis=1)]


class _ClimbFitter(_Fitter[Climb]):
    needed = MIN_BOUND_WEEKS

    def __init__(self, grid: ClimbGrid) -> None:
        self.grid = grid

    def fit(self, history: ShopHistory, bound: BoolArray) -> Climb:
        columns = np.flatnonzero(bound)
        output = history.jobs[columns] / history.per_week[columns]
        return self.grid.best(output, self.grid.models(columns))

    def capacity(self, history: ShopHistory, fitted: Climb) -> FloatArray:
        one = self.grid.capacity(
            np.array([fitted.sop]), np.array([fitted.ramp_weeks]), len(history.jobs)
        )
        return np.asarray(one[0], dtype=np.float64)


def fit_climb(history: ShopHistory) -> ShopFit | NotFitted:
    """A shop whose ramp climbs by date: its `sop` and `ramp_weeks` fitted."""
    grid = ClimbGrid(history)
    fitter = _ClimbFitter(grid)
    # Before trial start every ramp has no capacity: such weeks tell nothing.
    weeks = history.observed & (history.planned > 0)
    if weeks.sum() < fitter.needed:
        return NotFitted(history.shop_id, _too_few(history, int(weeks.sum()), fitter.needed))
    all_weeks = np.flatnonzero(weeks)
    output = history.jobs[all_weeks] / history.per_week[all_weeks]
    likeliest = grid.likeliest(output, grid.models(all_weeks))
    bound = mixture(history.jobs, fitter.capacity(history, likeliest), weeks).bound
    if bound.sum() < fitter.needed:
        return NotFitted(history.shop_id, _too_few(history, int(bound.sum()), fitter.needed))
    return _climb_fit(history, fitter, bound)


def _climb_fit(history: ShopHistory, fitter: _ClimbFitter, bound: BoolArray) -> ShopFit:
    """The least-squares climb of the capacity-bound weeks, its quality, bands and forecast."""
    grid, columns = fitter.grid, np.flatnonzero(bound)
    climb = fitter.fit(history, bound)
    per_week = history.per_week[columns]
    output = history.jobs[columns] / per_week
    modelled = fitter.capacity(history, climb)[columns] / per_week
    draws = grid.refits(_resampled(modelled, output - modelled), grid.models(columns))
    r_squared, rmse = _quality(output, modelled)
    return ShopFit(
        shop=history.shop_id,
        assumed=history.ramp,
        fitted=_climb_ramp(history, climb),
        estimates=_climb_estimates(history, climb, draws),
        r_squared=r_squared,
        rmse=rmse,
        bound_weeks=len(columns),
        observed_weeks=int(history.observed.sum()),
        forecast=_climb_forecast(history, grid, climb, draws),
    )


def _sop_date(history: ShopHistory, sop: int) -> dt.date:
    """The date a ramp row gives for an SOP in bucket `sop`: the assumed date if it is in that
    bucket, else the bucket's first day (not before trial start, which may share it)."""
    ramp, buckets = history.ramp, history.buckets
    if buckets.index_of(ramp.sop) == sop:
        return ramp.sop
    return max(buckets.start_of(sop), ramp.trial_start)


def _climb_ramp(history: ShopHistory, climb: Climb) -> Ramp:
    return _ramp_row(history, sop=_sop_date(history, climb.sop), ramp_weeks=climb.ramp_weeks)


def _ramp_row(history: ShopHistory, **fitted: object) -> Ramp:
    """The shop's own ramp row (a `*` row becomes the shop's) with the fitted values."""
    return Ramp.model_validate({**history.ramp.model_dump(), "shop": history.shop_id, **fitted})


def _climb_estimates(
    history: ShopHistory, climb: Climb, draws: list[Climb]
) -> tuple[Estimate, ...]:
    sop_low, sop_high = _band(np.array([d.sop for d in draws], dtype=np.float64), whole=True)
    weeks_low, weeks_high = _band(
        np.array([d.ramp_weeks for d in draws], dtype=np.float64), whole=True
    )
    return (
        Estimate(
            "sop",
            history.ramp.sop,
            _sop_date(history, climb.sop),
            _sop_date(history, int(sop_low)),
            _sop_date(history, int(sop_high)),
        ),
        Estimate(
            "ramp_weeks",
            float(history.ramp.ramp_weeks or 0),
            float(climb.ramp_weeks),
            weeks_low,
            weeks_high,
        ),
    )


def _forecast_span(history: ShopHistory) -> slice:
    return slice(history.as_of, min(history.as_of + FORECAST_BUCKETS, len(history.jobs)))


def _climb_forecast(
    history: ShopHistory, grid: ClimbGrid, climb: Climb, draws: list[Climb]
) -> Forecast:
    span = _forecast_span(history)
    sops = np.array([climb.sop, *(d.sop for d in draws)])
    lengths = np.array([climb.ramp_weeks, *(d.ramp_weeks for d in draws)])
    totals = grid.capacity(sops, lengths, span.stop)[:, span].sum(axis=1)
    low, high = _band(totals[1:])
    return Forecast(
        first=history.buckets.start_of(history.as_of),
        buckets=span.stop - span.start,
        assumed=float(history.planned[span].sum()),
        fitted=float(totals[0]),
        low=low,
        high=high,
    )


# --- a learning curve: Wright's law over cumulative jobs -------------------------------------


@dataclass(frozen=True)
class Learning:
    """Wright's law in its log form: log h = intercept + slope * log(start_volume + jobs done),
    h the hours per job relative to full rate (1 at full rate)."""

    start_volume: float
    intercept: float
    slope: float

    @classmethod
    def of(cls, ramp: Ramp) -> Learning:
        """The curve of a learning ramp row."""
        assert ramp.learning_rate is not None and ramp.full_volume is not None
        slope = math.log2(ramp.learning_rate)
        return cls(ramp.start_volume, -slope * math.log(ramp.full_volume), slope)

    @property
    def learning_rate(self) -> float:
        return float(2.0**self.slope)

    @property
    def full_volume(self) -> float:
        """Where h reaches 1: log N_full = -intercept / slope."""
        return math.exp(-self.intercept / self.slope) if self.slope < 0 else math.inf

    def share(self, experience: FloatArray) -> FloatArray:
        """Share of full rate at `experience` jobs done: 1 / h, at most 1."""
        log_h = self.intercept + self.slope * np.log(self.start_volume + experience)
        return np.asarray(np.minimum(np.exp(-log_h), 1.0), dtype=np.float64)


def _lines(experience: FloatArray, log_hours: FloatArray, starts: FloatArray) -> FloatArray:
    """For each start volume (G,): intercept, slope and squared error of the least-squares line
    of `log_hours` (n,) on log(start + experience), (3, G)."""
    x = np.log(starts[:, None] + experience[None, :])
    x_mean = x.mean(axis=1, keepdims=True)
    z_mean = log_hours.mean()
    slope = np.sum((x - x_mean) * (log_hours - z_mean), axis=1) / np.sum((x - x_mean) ** 2, axis=1)
    intercept = z_mean - slope * x_mean[:, 0]
    sse = np.sum((log_hours[None, :] - intercept[:, None] - slope[:, None] * x) ** 2, axis=1)
    return np.stack([intercept, slope, sse])


def fit_wright(experience: FloatArray, log_hours: FloatArray, scale: float) -> Learning:
    """The start volume whose line fits best, and its line: a grid over log(start) from
    `scale` * 1e-4 to `scale` * 1e3, then Brent's method between the best point's neighbours
    (the error is smooth in the start volume, but need not have one minimum over the whole
    range)."""
    grid = np.geomspace(scale * 1e-4, scale * 1e3, 281)
    best = int(np.argmin(_lines(experience, log_hours, grid)[2]))
    lower, upper = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]

    def error(log_start: float) -> float:
        return float(_lines(experience, log_hours, np.array([math.exp(log_start)]))[2, 0])

    found = minimize_scalar(
        error,
        bounds=(math.log(lower), math.log(upper)),
        method="bounded",
        options={"xatol": 1e-12},
    )
    start = math.exp(float(found.x))
    if error(math.log(grid[best])) < float(found.fun):
        start = float(grid[best])
    intercept, slope, _ = _lines(experience, log_hours, np.array([start]))[:, 0]
    return Learning(start, float(intercept), float(slope))


class _LearningFitter(_Fitter[Learning]):
    needed = MIN_LEARNING_WEEKS

    def __init__(self, scale: float) -> None:
        self.scale = scale

    def fit(self, history: ShopHistory, bound: BoolArray) -> Learning:
        columns = np.flatnonzero(bound)
        log_hours = np.log(history.planned[columns] / history.jobs[columns])
        return fit_wright(history.experience[columns], log_hours, self.scale)

    def capacity(self, history: ShopHistory, fitted: Learning) -> FloatArray:
        after_sop = np.arange(len(history.jobs)) >= _sop_bucket(history)
        share = np.where(after_sop, fitted.share(history.experience), 1.0)
        return np.asarray(history.planned * share, dtype=np.float64)

    def usable(self, history: ShopHistory, fitted: Learning) -> BoolArray:
        """Weeks on the curve: log h needs output, and a week at (or above) full rate says
        only that N >= full_volume."""
        on_curve = (history.jobs > 0) & (history.jobs < history.planned)
        return np.asarray(on_curve & (fitted.share(history.experience) < 1.0), dtype=np.bool_)


def _sop_bucket(history: ShopHistory) -> int:
    return max(history.buckets.index_of(history.ramp.sop), 0)


LEARNING_GRID = (40, 20, 30)
"""Learning rates (0.5 to 0.99), start volumes and full volumes of the coarse search."""


def _likeliest_on_grid(history: ShopHistory, weeks: BoolArray, scale: float) -> BoolArray:
    """The weeks capacity-bound under the likeliest learning curve of a coarse grid: a start
    for the refits that no first guess can trap (a first fit through weeks short of orders
    keeps them, and can fall to no learning curve at all)."""
    columns = np.flatnonzero(weeks)
    rate_count, start_count, full_count = LEARNING_GRID
    rates, starts, fulls = (
        axis.ravel()
        for axis in np.meshgrid(
            np.linspace(0.5, 0.99, rate_count),
            np.geomspace(scale * 1e-3, scale * 10, start_count),
            np.geomspace(scale * 0.1, scale * 100, full_count),
            indexing="ij",
        )
    )
    experience = history.experience[columns]
    share = ((starts[:, None] + experience[None, :]) / fulls[:, None]) ** -np.log2(rates)[:, None]
    per_week = history.planned[columns] / history.per_week[columns]
    models = per_week[None, :] * np.minimum(share, 1.0)
    output = history.jobs[columns] / history.per_week[columns]
    best = int(np.argmax(shortlisted_likelihoods(output, models)))
    model = np.zeros(len(history.jobs))
    model[columns] = models[best] * history.per_week[columns]
    return mixture(history.jobs, model, weeks).bound


def fit_learning(history: ShopHistory) -> ShopFit | NotFitted:
    """A shop on a learning curve: its `learning_rate`, `start_volume` and `full_volume`
    fitted (the SOP and trial rate stay as assumed)."""
    ramp = history.ramp
    after_sop = np.arange(len(history.jobs)) >= _sop_bucket(history)
    weeks = history.observed & after_sop & (history.planned > 0)
    scale = max(float(history.jobs.sum()), ramp.start_volume)
    fitter = _LearningFitter(scale)
    assumed = fitter.capacity(history, Learning.of(ramp))
    usable = (history.jobs > 0) & (history.jobs < history.planned)
    starts = [start & usable for start in _starts(history, weeks, assumed)]
    starts.append(_likeliest_on_grid(history, weeks, scale) & usable)
    settled = _best_fit(history, weeks, starts, fitter)
    if isinstance(settled, str):
        return NotFitted(history.shop_id, settled)
    learning, bound = settled.fitted, settled.fitted_weeks
    try:
        fitted_ramp = _learning_ramp(history, learning)
    except ValidationError:
        return NotFitted(
            history.shop_id,
            f"the hours per job do not follow a learning curve a ramp row can hold (fitted "
            f"learning rate {learning.learning_rate:.3f}, start volume "
            f"{learning.start_volume:.3g}, full volume {learning.full_volume:.3g})",
        )
    return _learning_fit(history, learning, fitted_ramp, bound, scale)


def _learning_fit(
    history: ShopHistory, learning: Learning, fitted: Ramp, bound: BoolArray, scale: float
) -> ShopFit:
    """The fit's quality, bands and forecast, over its capacity-bound weeks."""
    columns = np.flatnonzero(bound)
    per_week = history.per_week[columns]
    model = _LearningFitter(scale).capacity(history, learning)
    r_squared, rmse = _quality(history.jobs[columns] / per_week, model[columns] / per_week)
    experience = history.experience[columns]
    log_hours = np.log(history.planned[columns] / history.jobs[columns])
    fitted_log = learning.intercept + learning.slope * np.log(learning.start_volume + experience)
    draws = [
        fit_wright(experience, sample, scale)
        for sample in _resampled(fitted_log, log_hours - fitted_log)
    ]
    return ShopFit(
        shop=history.shop_id,
        assumed=history.ramp,
        fitted=fitted,
        estimates=_learning_estimates(history.ramp, learning, draws),
        r_squared=r_squared,
        rmse=rmse,
        bound_weeks=len(columns),
        observed_weeks=int(history.observed.sum()),
        forecast=_learning_forecast(history, fitted, draws),
    )


def _learning_ramp(history: ShopHistory, learning: Learning) -> Ramp:
    return _ramp_row(
        history,
        learning_rate=learning.learning_rate,
        start_volume=learning.start_volume,
        full_volume=learning.full_volume,
    )


def _learning_estimates(
    ramp: Ramp, learning: Learning, draws: list[Learning]
) -> tuple[Estimate, ...]:
    def estimate(name: str, assumed: float | None, fitted: float, values: list[float]) -> Estimate:
        low, high = _band(np.array(values))
        return Estimate(name, math.nan if assumed is None else assumed, fitted, low, high)

    return (
        estimate(
            "learning_rate",
            ramp.learning_rate,
            learning.learning_rate,
            [d.learning_rate for d in draws],
        ),
        estimate(
            "start_volume",
            ramp.start_volume,
            learning.start_volume,
            [d.start_volume for d in draws],
        ),
        estimate(
            "full_volume", ramp.full_volume, learning.full_volume, [d.full_volume for d in draws]
        ),
    )


def learned_forecast(history: ShopHistory, ramp: Ramp) -> float:
    """Jobs the shop can do in the forecast buckets under the learning ramp `ramp`, working at
    capacity from the experience it has at as-of: the planner's chords (plan/learning.py), not
    the curve they lie under, since those are what a plan gets."""
    intercepts, slopes = chords(ramp)
    experience = ramp.start_volume + float(history.jobs[: history.as_of].sum())
    sop, total = _sop_bucket(history), 0.0
    for t in range(_forecast_span(history).start, _forecast_span(history).stop):
        share = min(1.0, float(np.min(intercepts + slopes * experience))) if t >= sop else 1.0
        capacity = float(history.planned[t]) * share
        total += capacity
        experience += capacity
    return total


def _learning_forecast(history: ShopHistory, fitted: Ramp, draws: list[Learning]) -> Forecast:
    def drawn(learning: Learning) -> float:
        curve = Ramp.model_construct(  # a draw may leave the range a row takes: not validated
            **{
                **fitted.model_dump(),
                "learning_rate": min(learning.learning_rate, 1 - 1e-9),
                "start_volume": learning.start_volume,
                "full_volume": learning.full_volume,
            }
        )
        return learned_forecast(history, curve)

    span = _forecast_span(history)
    low, high = _band(np.array([drawn(d) for d in draws]))
    return Forecast(
        first=history.buckets.start_of(history.as_of),
        buckets=span.stop - span.start,
        assumed=learned_forecast(history, history.ramp),
        fitted=learned_forecast(history, fitted),
        low=low,
        high=high,
    )


# --- the scenario ----------------------------------------------------------------------------


def fit_shop(history: ShopHistory) -> ShopFit | NotFitted:
    if not history.jobs[history.observed].any():
        return NotFitted(history.shop_id, "no built actuals at this shop")
    if history.ramp.curve == "learning":
        return fit_learning(history)
    return fit_climb(history)


def with_ramps(scenario: Scenario, ramps: list[Ramp]) -> Scenario:
    """`scenario` with these shops' own ramp rows (a shop's row replaced in place, a shop under
    the `*` row given one of its own); the other rows as they were."""
    by_shop = {ramp.shop: ramp for ramp in ramps}
    kept = tuple(by_shop.pop(ramp.shop, ramp) for ramp in scenario.ramps)
    return replace(scenario, ramps=kept + tuple(by_shop.values()))


def calibrate(scenario: Scenario, as_of: dt.date | None = None) -> Calibration:
    """Fit the ramp of every shop with a ramp row (or the `*` row) to its built actuals before
    `as_of` (default: the bucket after the last actual). Raises `ScenarioInvalid` for actuals a
    re-plan would refuse, `CannotCalibrate` when there are no built actuals."""
    _require_built(scenario)
    if not scenario.ramps:
        raise CannotCalibrate("the scenario has no ramp rows (ramp.csv) to fit to the actuals")
    as_of = default_as_of(scenario) if as_of is None else as_of
    outcomes = [fit_shop(history) for history in shop_histories(scenario, as_of)]
    fits = tuple(o for o in outcomes if isinstance(o, ShopFit))
    not_fitted = tuple(o for o in outcomes if isinstance(o, NotFitted))
    fitted = with_ramps(scenario, [fit.fitted for fit in fits])
    return Calibration(as_of, fits, not_fitted, fitted)


__all__ = [
    "MIN_BOUND_WEEKS",
    "MIN_LEARNING_WEEKS",
    "Calibration",
    "CannotCalibrate",
    "Estimate",
    "Forecast",
    "Mixture",
    "NotFitted",
    "ShopFit",
    "ShopHistory",
    "calibrate",
    "mixture",
    "shop_histories",
    "with_ramps",
]
