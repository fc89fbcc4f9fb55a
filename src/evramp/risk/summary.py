"""Statistics of the runs: percentiles per week and per year, the chance of missing a target,
expected lateness per priority, and the tornado.

Percentiles are over the runs the solver finished optimally (numpy's default, linear
interpolation between order statistics); failed runs are counted and listed in runs.csv, never
averaged in. The tornado's figure for a source is the mean, over the first `tornado_runs` seeds,
of the vehicles delivered by the base plan minus those delivered when only that source's events
(the very events it had in the full runs) happen: the output that source costs on its own.
Sources interact (two shortages of one bottleneck cost less together than the sum), so the
tornado figures need not add up to the base minus the mean of the full runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evramp.model.buckets import bucket_year
from evramp.plan.layout import FloatArray
from evramp.risk.engine import Outcome
from evramp.risk.sampling import Source

QUANTILES = (10, 50, 90)


@dataclass
class RiskResult:
    """What `evramp.risk.simulate` returns; outcomes are keyed by run number."""

    scenario: str
    seed: int
    runs: int
    """Runs asked for."""
    weeks: list[str]
    priorities: tuple[int, ...]
    base: Outcome
    sources: tuple[Source, ...]
    source_members: tuple[tuple[str, ...], ...]
    tornado_runs: int
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    alone: dict[int, dict[int, Outcome]] = field(default_factory=dict)
    """Per source index: the outcomes of runs with only that source switched on."""
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def finished(self) -> int:
        return len(self.outcomes)

    @property
    def failed(self) -> list[int]:
        return sorted(run for run, outcome in self.outcomes.items() if not outcome.ok)

    def ok_runs(self) -> list[int]:
        return sorted(run for run, outcome in self.outcomes.items() if outcome.ok)

    def stack(self, what: str, runs: list[int] | None = None) -> FloatArray:
        """(runs, T) of `built` or `delivered` over the optimal runs, in run order."""
        chosen = self.ok_runs() if runs is None else runs
        rows = [getattr(self.outcomes[run], what) for run in chosen]
        return np.array(rows) if rows else np.zeros((0, len(self.weeks)))

    @property
    def years(self) -> list[str]:
        return [str(bucket_year(week, "week")) for week in self.weeks]

    def default_target_year(self) -> str:
        """The first year the horizon covers in full (52 or 53 weeks), else the first year."""
        years = self.years
        full = [y for y in dict.fromkeys(years) if years.count(y) >= 52]
        return full[0] if full else years[0]

    def per_year(self, values: FloatArray) -> pd.DataFrame:
        """(runs, T) summed per year: (runs, years), columns named by year."""
        frame = pd.DataFrame(values, columns=self.years)
        return frame.T.groupby(level=0, sort=True).sum().T


def _percentiles(values: FloatArray, prefix: str) -> dict[str, FloatArray]:
    if len(values) == 0:
        nan = np.full(values.shape[1], np.nan)
        return {f"{prefix}_p{q}": nan for q in QUANTILES}
    found = np.percentile(values, QUANTILES, axis=0)
    return {f"{prefix}_p{q}": found[n] for n, q in enumerate(QUANTILES)}


def miss_probability(result: RiskResult, target: float, year: str) -> float:
    """Share of the optimal runs delivering fewer than `target` vehicles in `year`."""
    delivered = result.per_year(result.stack("delivered"))
    if year not in delivered.columns or not len(delivered):
        return float("nan")
    return float((delivered[year].to_numpy() < target - 1e-6).mean())


def tables(result: RiskResult, target: float | None, target_year: str) -> dict[str, pd.DataFrame]:
    """The CSV tables of `evramp risk`: runs, weekly, yearly, lateness, tornado."""
    built, delivered = result.stack("built"), result.stack("delivered")
    weekly = pd.DataFrame(
        {
            "week": result.weeks,
            "built_base": result.base.built,
            **_percentiles(built, "built"),
            "delivered_base": result.base.delivered,
            **_percentiles(delivered, "delivered"),
        }
    )
    yearly_built, yearly_delivered = result.per_year(built), result.per_year(delivered)
    base_years = result.per_year(np.array([result.base.built, result.base.delivered]))
    yearly = pd.DataFrame(
        {
            "year": list(base_years.columns),
            "built_base": base_years.iloc[0].to_numpy(),
            **_percentiles(yearly_built.to_numpy(), "built"),
            "delivered_base": base_years.iloc[1].to_numpy(),
            **_percentiles(yearly_delivered.to_numpy(), "delivered"),
        }
    )
    if target is not None:
        per_year = yearly_delivered.to_numpy()
        yearly["target"] = np.where(yearly["year"] == target_year, target, np.nan)
        yearly["miss_probability"] = np.where(
            yearly["year"] == target_year,
            (per_year < target - 1e-6).mean(axis=0) if len(per_year) else np.nan,
            np.nan,
        )
    return {
        "runs": _runs(result, target_year),
        "weekly": weekly,
        "yearly": yearly,
        "lateness": _lateness(result),
        "tornado": tornado(result, target_year),
    }


def _runs(result: RiskResult, target_year: str) -> pd.DataFrame:
    runs = sorted(result.outcomes)
    years = np.array(result.years)
    in_year = years == target_year
    rows: dict[str, object] = {
        "run": runs,
        "status": [result.outcomes[r].status for r in runs],
        "objective": [result.outcomes[r].objective for r in runs],
        "built": [result.outcomes[r].built.sum() for r in runs],
        "delivered": [result.outcomes[r].delivered.sum() for r in runs],
        f"delivered_{target_year}": [result.outcomes[r].delivered[in_year].sum() for r in runs],
    }
    for n, level in enumerate(result.priorities):
        rows[f"late_vehicle_weeks_p{level}"] = [result.outcomes[r].lateness[n] for r in runs]
    return pd.DataFrame(rows)


def _lateness(result: RiskResult) -> pd.DataFrame:
    late = np.array([result.outcomes[r].lateness for r in result.ok_runs()])
    if not len(late):
        late = np.full((1, len(result.priorities)), np.nan)
    return pd.DataFrame(
        {
            "priority": list(result.priorities),
            "base_vehicle_weeks": result.base.lateness,
            "expected_vehicle_weeks": late.mean(axis=0),
            "p90_vehicle_weeks": np.percentile(late, 90, axis=0),
        }
    )


def tornado(result: RiskResult, target_year: str) -> pd.DataFrame:
    """Per source, the mean output lost (over the horizon and in the target year) and the mean
    vehicle-weeks of lateness added when only it happens; the largest loss in the target year
    first. `finished` counts the source's runs that were solved, `runs` those of them that
    were optimal (the means are over these)."""
    in_year = np.array(result.years) == target_year
    base_total = result.base.delivered.sum()
    base_year = result.base.delivered[in_year].sum()
    base_late = result.base.lateness.sum()
    rows = []
    for k, source in enumerate(result.sources):
        finished = result.alone.get(k, {})
        outcomes = [o for o in finished.values() if o.ok]
        hit = [o for o in outcomes if o.disrupted]
        lost = [base_total - o.delivered.sum() for o in outcomes]
        lost_year = [base_year - o.delivered[in_year].sum() for o in outcomes]
        late = [o.lateness.sum() - base_late for o in outcomes]
        rows.append(
            {
                "source": source.name,
                "disruptions": " ".join(result.source_members[k]),
                "finished": len(finished),
                "runs": len(outcomes),
                "happened": len(hit) / len(outcomes) if outcomes else np.nan,
                "delivered_lost": float(np.mean(lost)) if lost else np.nan,
                f"delivered_lost_{target_year}": float(np.mean(lost_year)) if lost else np.nan,
                "late_vehicle_weeks_added": float(np.mean(late)) if late else np.nan,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "source",
            "disruptions",
            "finished",
            "runs",
            "happened",
            "delivered_lost",
            f"delivered_lost_{target_year}",
            "late_vehicle_weeks_added",
        ],
    )
    # Ranked by the target year's deliveries: over the whole horizon a shortage often only
    # moves output later (the plant catches up), which lateness shows and the total does not.
    order = [f"delivered_lost_{target_year}", "late_vehicle_weeks_added"]
    return frame.sort_values(order, ascending=False, kind="stable").reset_index(drop=True)


def unmeasured(finished: int, optimal: int) -> str | None:
    """Why a tornado row has no figures, or None when it has them."""
    if finished == 0:
        return "not run (interrupted before its runs)"
    if optimal == 0:
        return f"no optimal run to measure it (of {finished})"
    return None
