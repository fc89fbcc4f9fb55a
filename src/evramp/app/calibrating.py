"""The calibrate use case: each shop's ramp fitted to what it built (`actuals.csv`), and the
scenario planned with the fitted ramps (`evramp plan --ramp fitted`; `evramp replan` calls
`fitted_scenario` for its own).

The fit (analysis/calibrate.py) is imported when it runs: it needs the planner's capacity model.
"""

from __future__ import annotations

import datetime as dt
import math
from enum import StrEnum
from typing import TYPE_CHECKING

from evramp.app.errors import BadInput
from evramp.app.scenarios import rejected
from evramp.app.steps import Say, StepRunner, run_step, say_nothing
from evramp.model import Scenario, ScenarioInvalid

if TYPE_CHECKING:
    from evramp.analysis.calibrate import Calibration


class RampChoice(StrEnum):
    """Which ramp a plan uses: the scenario's (`assumed`) or the one fitted to its actuals."""

    assumed = "assumed"
    fitted = "fitted"


FITTING = "Fitting the ramp to the actuals"
"""The label of the fitting step."""


def calibrate(
    scenario: Scenario, as_of: dt.date | None = None, *, steps: StepRunner = run_step
) -> Calibration:
    """Every shop's ramp fitted to its built actuals before `as_of` (default: the bucket after
    the last actual), as the step `Fitting the ramp to the actuals`. Raises `ScenarioRejected`
    for actuals a re-plan would refuse (one `actuals.csv:line` problem each), `BadInput` when
    there is nothing to fit or no shop has enough capacity-bound weeks."""
    from evramp.analysis.calibrate import CannotCalibrate
    from evramp.analysis.calibrate import calibrate as fit

    try:
        calibration = steps(FITTING, lambda: fit(scenario, as_of))
    except ScenarioInvalid as invalid:
        raise rejected(scenario.name, invalid) from None
    except CannotCalibrate as cannot:
        raise BadInput(f"{cannot}; nothing calibrated") from None
    if not calibration.fits:
        reasons = "\n".join(f"  shop {n.shop}: {n.reason}" for n in calibration.not_fitted)
        raise BadInput("no shop's ramp could be fitted to the actuals:", reasons or None)
    return calibration


def value_words(value: float | dt.date) -> str:
    """A fitted value as a planner reads it: a date, a learning rate to four places, a volume
    or a number of weeks in whole jobs (weeks) with thousands separated."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if math.isnan(value):
        return "–"
    return f"{value:.4f}" if value < 1 else f"{value:,.0f}"


def fitted_words(calibration: Calibration) -> list[str]:
    """`ramp of shop X fitted: sop 2024-02-05 (assumed 2024-01-22), ramp_weeks 16 (10)`, one
    per shop fitted."""
    return [
        f"ramp of shop {fit.shop} fitted to {fit.bound_weeks} capacity-bound weeks: "
        + ", ".join(
            f"{e.parameter} {value_words(e.fitted)} (assumed {value_words(e.assumed)})"
            for e in fit.estimates
        )
        for fit in calibration.fits
    ]


def kept_words(calibration: Calibration) -> list[str]:
    """`ramp of shop X kept as assumed: why`, one per shop that was not fitted."""
    return [f"ramp of shop {n.shop} kept as assumed: {n.reason}" for n in calibration.not_fitted]


def fitted_scenario(
    scenario: Scenario,
    as_of: dt.date | None = None,
    *,
    steps: StepRunner = run_step,
    say: Say = say_nothing,
) -> Scenario:
    """`scenario` with the ramps fitted to its actuals before `as_of` (default: all of them):
    what `--ramp fitted` plans. Shops that could not be fitted keep their ramp, and `say` says
    so; refuses as `calibrate` does."""
    calibration = calibrate(scenario, as_of, steps=steps)
    for words in fitted_words(calibration) + kept_words(calibration):
        say(words)
    return calibration.scenario


def with_ramp(
    scenario: Scenario,
    ramp: RampChoice,
    *,
    steps: StepRunner = run_step,
    say: Say = say_nothing,
    as_of: dt.date | None = None,
) -> Scenario:
    """The scenario a plan uses for the `--ramp` choice (a re-plan's: fitted to the actuals
    before its `as_of`)."""
    if ramp is RampChoice.assumed:
        return scenario
    return fitted_scenario(scenario, as_of, steps=steps, say=say)
