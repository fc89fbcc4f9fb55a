"""Disruptions compiled to index arrays, and their random draws.

A *source* is one independent event process: a correlation group (every disruption of the group
happens together) or a disruption without a group. Each (run, source) pair has its own random
stream, `SeedSequence(seed, spawn_key=(run, source))`, so a run's draws depend only on the seed,
the run's number and the source's place in disruptions.csv: not on the backend, the number of
workers, the order runs are solved in, or which other sources are switched on (the tornado
samples one source alone and gets exactly the events it had in the full runs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from evramp.model import Scenario
from evramp.plan.layout import FloatArray, IntArray


@dataclass(frozen=True)
class Hit:
    """One disruption: what it hits and how hard."""

    id: str
    kind: str  # supplier_line, part, shop or ramp
    shops: IntArray  # shop indices (shop, ramp)
    lines: IntArray  # supplier-line indices of the full scenario (supplier_line, part)
    min_weeks: int
    max_weeks: int
    remaining: float  # share of capacity left while it lasts (1 - capacity_lost)


@dataclass(frozen=True)
class Source:
    """A correlation group, or one disruption without a group: one event process."""

    name: str
    members: tuple[int, ...]  # indices into RiskModel.hits
    probability: float
    per: str  # week or horizon
    start: int | None  # fixed first week (per horizon), None: drawn


@dataclass(frozen=True)
class RiskModel:
    weeks: int
    shops: int
    lines: int
    hits: tuple[Hit, ...]
    sources: tuple[Source, ...]

    @property
    def targeted_lines(self) -> IntArray:
        """Supplier lines that some disruption may hit (full-scenario indices)."""
        lines = [hit.lines for hit in self.hits]
        return np.unique(np.concatenate(lines)) if lines else np.zeros(0, dtype=np.int64)

    @property
    def slipping_shops(self) -> IntArray:
        shops = [hit.shops for hit in self.hits if hit.kind == "ramp"]
        return np.unique(np.concatenate(shops)) if shops else np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Effects:
    """What one run's disruptions do: capacity factors per shop-week and supplier-line-week
    (1: untouched) and weeks of ramp slip per shop."""

    shop_factor: FloatArray  # (S, T)
    line_factor: FloatArray  # (L, T), by arrival week
    slip: IntArray  # (S,)

    @property
    def none(self) -> bool:
        """Nothing happened: the run's plan is the base plan."""
        return bool(
            (self.shop_factor == 1.0).all()
            and (self.line_factor == 1.0).all()
            and not self.slip.any()
        )


def compile_risks(scenario: Scenario) -> RiskModel:
    """The disruptions of a valid scenario (weekly buckets) as index arrays and sources."""
    weeks = len(scenario.calendar.buckets)
    buckets = scenario.calendar.buckets
    shop_index = {shop.id: s for s, shop in enumerate(scenario.shops)}
    ramped = {r.shop for r in scenario.ramps}
    empty = np.zeros(0, dtype=np.int64)
    hits: list[Hit] = []
    groups: dict[str, list[int]] = {}
    for risk in scenario.disruptions:
        shops, lines = empty, empty
        if risk.target_kind in ("shop", "ramp") and risk.shop is not None:
            shops = np.array([shop_index[risk.shop]], dtype=np.int64)
        elif risk.target_kind == "ramp":
            everyone = "*" in ramped
            shops = np.array(
                [s for s, shop in enumerate(scenario.shops) if everyone or shop.id in ramped],
                dtype=np.int64,
            )
        elif risk.target_kind == "supplier_line":
            lines = np.array(
                [
                    n
                    for n, line in enumerate(scenario.suppliers)
                    if (line.supplier, line.item) == (risk.supplier, risk.item)
                ],
                dtype=np.int64,
            )
        else:  # part
            lines = np.array(
                [n for n, line in enumerate(scenario.suppliers) if line.item == risk.item],
                dtype=np.int64,
            )
        groups.setdefault(risk.group or f"\0{risk.id}", []).append(len(hits))
        hits.append(
            Hit(
                id=risk.id,
                kind=risk.target_kind,
                shops=shops,
                lines=lines,
                min_weeks=risk.min_weeks,
                max_weeks=risk.longest,
                remaining=1.0 - risk.capacity_lost if risk.target_kind != "ramp" else 0.0,
            )
        )
    sources = []
    for name, members in groups.items():
        first = scenario.disruptions[members[0]]
        sources.append(
            Source(
                name=name.lstrip("\0"),
                members=tuple(members),
                probability=first.probability,
                per=first.per,
                start=None if first.start is None else max(buckets.index_of(first.start), 0),
            )
        )
    return RiskModel(
        weeks, len(scenario.shops), len(scenario.suppliers), tuple(hits), tuple(sources)
    )


def _duration(hit: Hit, u: FloatArray | float) -> IntArray:
    """Whole weeks from min_weeks to max_weeks, uniformly, from a uniform number in [0, 1)."""
    span = hit.max_weeks - hit.min_weeks + 1
    return np.asarray(
        hit.min_weeks + np.minimum(np.floor(np.asarray(u) * span), span - 1), dtype=np.int64
    )


def sample_run(
    model: RiskModel, seed: int, run: int, active: Sequence[bool] | None = None
) -> Effects:
    """The effects of run `run`: every source draws from its own stream; sources switched off in
    `active` draw all the same (so the others' draws do not move) but do nothing."""
    weeks = model.weeks
    shop_factor = np.ones((model.shops, weeks))
    line_factor = np.ones((model.lines, weeks))
    slip = np.zeros(model.shops, dtype=np.int64)
    for k, source in enumerate(model.sources):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(run, k)))
        if source.per == "horizon":
            fires = rng.random() < source.probability
            u_start, u_duration = rng.random(), rng.random()
            if not fires or (active is not None and not active[k]):
                continue
            longest = min(max(model.hits[m].max_weeks for m in source.members), weeks)
            start = source.start
            if start is None:
                start = int(np.floor(u_start * (weeks - longest + 1)))
            for m in source.members:
                hit = model.hits[m]
                length = int(_duration(hit, u_duration))
                if hit.kind == "ramp":
                    slip[hit.shops] = np.maximum(slip[hit.shops], length)
                    continue
                on = np.zeros(weeks, dtype=bool)
                on[start : start + length] = True
                _hit(hit, on, shop_factor, line_factor)
        else:
            starts = rng.random(weeks) < source.probability
            u_durations = rng.random(weeks)
            if not starts.any() or (active is not None and not active[k]):
                continue
            for m in source.members:
                hit = model.hits[m]
                on = np.zeros(weeks, dtype=bool)
                for week, length in zip(
                    np.flatnonzero(starts), _duration(hit, u_durations[starts]), strict=True
                ):
                    on[week : week + length] = True
                _hit(hit, on, shop_factor, line_factor)
    return Effects(shop_factor, line_factor, slip)


def _hit(hit: Hit, on: FloatArray, shop_factor: FloatArray, line_factor: FloatArray) -> None:
    """Overlapping events of one disruption count once; different disruptions multiply."""
    factor = np.where(on, hit.remaining, 1.0)
    shop_factor[hit.shops] *= factor
    line_factor[hit.lines] *= factor


def sample(model: RiskModel, runs: int, seed: int) -> list[Effects]:
    """The effects of runs 0 .. runs - 1 (what each worker computes for its own runs)."""
    return [sample_run(model, seed, run) for run in range(runs)]
