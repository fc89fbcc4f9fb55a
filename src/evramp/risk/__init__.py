"""Risk: Monte Carlo over the scenario's disruptions (`evramp risk`).

Each run draws the disruptions' events (sampling.py), turns them into bound changes of the one
LP built for the scenario and re-solves it (engine.py), on a pool of worker processes
(backends.py); summary.py turns the runs into percentiles, the chance of missing a target and
the tornado. See docs/planning-model.md, "Risk".
"""

from __future__ import annotations

import time
from collections.abc import Callable

from evramp.model import Scenario, ensure_valid
from evramp.risk.backends import BACKENDS, BackendUnavailable, Job, Passes, run_dask, run_local
from evramp.risk.engine import RISK_ALGORITHM, Outcome, RiskProblem, Solver, risk_problem
from evramp.risk.sampling import Effects, RiskModel, compile_risks, sample, sample_run
from evramp.risk.summary import RiskResult, miss_probability, tables, tornado


class RiskUnsupported(ValueError):
    """The scenario cannot be simulated (yet): a message for the planner."""


class BaseInfeasible(RuntimeError):
    """The scenario without disruptions has no optimal plan: nothing to compare runs with."""


def simulate(
    scenario: Scenario,
    runs: int,
    seed: int,
    workers: int = 1,
    backend: str = "local",
    tornado_runs: int | None = None,
    algorithm: str = RISK_ALGORITHM,
    progress: Callable[[int], None] | None = None,
    address: str | None = None,
) -> RiskResult:
    """Sample `runs` disruption scenarios of `scenario` with `seed` and re-plan each; then, for
    the tornado, the first `tornado_runs` (default: all) with one source at a time. `progress`
    is called with the number of jobs finished at a time. `backend` is `local` (a process pool)
    or `dask` (a local Dask cluster, or the one whose scheduler is at `address`); the results
    are the same for any backend and number of workers. Ctrl-C (KeyboardInterrupt) returns
    what finished so far, with `interrupted` set."""
    ensure_valid(scenario)
    if scenario.calendar.bucket != "week":
        raise RiskUnsupported(
            f"evramp risk plans in weekly buckets; this scenario's calendar uses "
            f"{scenario.calendar.bucket!r} buckets"
        )
    if backend not in BACKENDS:
        raise RiskUnsupported(f"unknown backend {backend!r}; expected one of {', '.join(BACKENDS)}")
    started = time.perf_counter()
    problem = risk_problem(scenario)
    base = Solver(problem, algorithm).base
    if not base.ok:
        raise BaseInfeasible(
            f"no plan for scenario {scenario.name!r} without disruptions: the solver stopped "
            f"with status {base.status!r}"
        )
    sources = problem.model.sources
    alone = min(runs, runs if tornado_runs is None else tornado_runs)
    alone_masks = tuple(tuple(j == k for j in range(len(sources))) for k in range(len(sources)))
    masks = (None, *alone_masks)
    passes = Passes(seed, masks)
    jobs: list[Job] = [(0, run) for run in range(runs)]
    jobs += [(k + 1, run) for k in range(len(sources)) for run in range(alone)]
    result = RiskResult(
        scenario=scenario.name,
        seed=seed,
        runs=runs,
        weeks=problem.buckets,
        priorities=problem.priorities,
        base=base,
        sources=sources,
        source_members=tuple(
            tuple(problem.model.hits[m].id for m in source.members) for source in sources
        ),
        tornado_runs=alone,
    )

    def done(chunk: list[tuple[Job, Outcome]]) -> None:
        for (p, run), outcome in chunk:
            if p == 0:
                result.outcomes[run] = outcome
            else:
                result.alone.setdefault(p - 1, {})[run] = outcome
        if progress is not None:
            progress(len(chunk))

    try:
        if backend == "dask":
            run_dask(problem, passes, jobs, workers, algorithm, done, address)
        else:
            run_local(problem, passes, jobs, workers, algorithm, done)
    except KeyboardInterrupt:
        result.interrupted = True
    result.seconds = time.perf_counter() - started
    return result


__all__ = [
    "BACKENDS",
    "BackendUnavailable",
    "BaseInfeasible",
    "Effects",
    "Outcome",
    "RiskModel",
    "RiskProblem",
    "RiskResult",
    "RiskUnsupported",
    "compile_risks",
    "miss_probability",
    "risk_problem",
    "sample",
    "sample_run",
    "simulate",
    "tables",
    "tornado",
]
