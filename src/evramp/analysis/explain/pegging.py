"""Pegging: a late or short order traced to the shop-weeks and part-weeks that held
it back."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from evramp.analysis.explain.binding import RELATIVE_SHADOW, binding_frame
from evramp.analysis.explain.tree import Tree
from evramp.analysis.explain.words import (
    QUANTITY_TOLERANCE,
    amount,
    quantity_text,
)
from evramp.model import Scenario
from evramp.model.buckets import bucket_label, bucket_noun
from evramp.plan.result import PlanResult

FloatArray = npt.NDArray[np.float64]

CAUSE_COLUMNS = ["kind", "name", "week", "shadow_price", "usage", "unit", "value", "sentence"]
CULPRIT_COLUMNS = [
    "kind",
    "name",
    "weeks",
    "first_week",
    "last_week",
    "mean_shadow_price",
    "usage",
    "unit",
    "value",
]


# --------------------------------------------------------------------------------------------
# Pegging


@dataclass(frozen=True, eq=False)
class Pegging:
    """One order and what held it back.

    `causes` has one row per binding shop-week or part-week that mattered (kind, name, week,
    shadow_price, usage per vehicle of the variant, unit, value = shadow_price × usage,
    sentence), most valuable first; it is empty for an order delivered on time.
    """

    order: str
    variant: str
    kind: str
    priority: int
    quantity: float
    due_week: str
    delivered_by_due: float
    delivered: float
    last_delivery: str | None
    """Week of the last delivery, None when not complete within the horizon."""
    weeks_late: float | None
    """Buckets from due to the last delivery, None when not complete within the horizon."""
    lead_time: int
    """Buckets from starting the vehicle's deepest component to the vehicle being ready."""
    window: tuple[str, str] | None
    """First and last bucket (their first days) searched for causes; None when on time."""
    horizon_end: str
    causes: pd.DataFrame = field(repr=False)
    bucket: str = "week"
    """The plan's bucket (`day`, `week`, `month`): the unit of the counts above."""

    def _label(self, week: str) -> str:
        return bucket_label(week, self.bucket)

    @property
    def late(self) -> float:
        """Vehicles not delivered by the due week (delivered late or not at all)."""
        return max(self.quantity - self.delivered_by_due, 0.0)

    @property
    def undelivered(self) -> float:
        """Vehicles not delivered within the horizon."""
        return max(self.quantity - self.delivered, 0.0)

    @property
    def on_time(self) -> bool:
        return self.late <= QUANTITY_TOLERANCE

    @property
    def short(self) -> bool:
        return self.undelivered > QUANTITY_TOLERANCE

    def culprits(self) -> pd.DataFrame:
        """The causes per shop or part: kind, name, weeks, first_week, last_week,
        mean_shadow_price, usage (per vehicle), unit (`job` or the part's), value (sum of
        shadow_price × usage), most valuable first."""
        # A few dozen rows at most: plain Python is quicker than a pandas groupby here.
        found: dict[tuple[str, str], list[Any]] = {}
        causes = self.causes
        for kind, name, week, shadow, usage, unit, value in zip(
            causes["kind"].tolist(),
            causes["name"].tolist(),
            causes["week"].tolist(),
            causes["shadow_price"].tolist(),
            causes["usage"].tolist(),
            causes["unit"].tolist(),
            causes["value"].tolist(),
            strict=True,
        ):
            row = found.setdefault((kind, name), [kind, name, 0, week, week, 0.0, usage, unit, 0.0])
            row[2] += 1
            row[3], row[4] = min(row[3], week), max(row[4], week)
            row[5] += shadow
            row[8] += value
        rows = sorted(found.values(), key=lambda row: (-row[8], row[1]))
        for row in rows:
            row[5] /= row[2]
        return pd.DataFrame(rows, columns=CULPRIT_COLUMNS)

    def describe(self) -> list[str]:
        """The pegging as sentences: the order's state, then one line per culprit."""
        due = self._label(self.due_week)
        head = (
            f"{self.order} ({self.kind}, {self.variant}, priority {self.priority}): "
            f"{quantity_text(self.quantity)} vehicles due {due}"
        )
        if self.on_time:
            return [f"{head}, all delivered on time; nothing held it back."]
        state = f"{head}; {quantity_text(self.delivered_by_due)} delivered by then"
        if self.last_delivery is not None and self.weeks_late is not None:
            state += (
                f", all by {self._label(self.last_delivery)}: {self.weeks_late:,.0f} "
                f"{bucket_noun(self.bucket, self.weeks_late)} late."
            )
        else:
            state += (
                f", {quantity_text(self.delivered)} within the horizon; "
                f"{quantity_text(self.undelivered)} "
                f"not delivered by its end ({self._label(self.horizon_end)})."
            )
        lines = [state]
        assert self.window is not None
        first, last = (self._label(w) for w in self.window)
        culprits = self.culprits()
        if culprits.empty:
            lines.append(
                f"No shop or part on its routing or bill of material was binding from {first} "
                f"to {last}: it waited for orders due earlier or of higher priority, or for "
                "capacity before that window."
            )
            return lines
        lines.append(
            f"Held back from {first} (a {self.variant} takes {self.lead_time} "
            f"{bucket_noun(self.bucket, self.lead_time)} from its first component to done) to "
            f"{last} by:"
        )
        for rank, row in enumerate(culprits.itertuples(index=False), start=1):
            lines.append(f"  {rank}. {_culprit_sentence(row, self.bucket)}")
        return lines


def peg(scenario: Scenario, result: PlanResult, order_id: str) -> Pegging:
    """What held order `order_id` back (no causes when it was delivered on time).

    Causes are the shop-weeks and part-weeks at their limit (as in `binding_weeks`) from the
    week its vehicles had to be started to be on time (due week less the variant's cumulative
    lead time through its routings and bill of material) to the week of its last delivery (or the
    horizon's end), on shops of the variant's routing tree and parts of its bill of material,
    ranked by value = shadow price × the variant's usage per vehicle. What matters is judged
    against the order's own stakes: a week counts when its value is above `RELATIVE_SHADOW` of
    the order's largest, not of the plan's largest shadow price; so a forecast one week late
    in 2026 is pegged to the assembly weeks that held it back even though a job there is worth
    a thousandth of one in the 2024 ramp-up. Raises `KeyError` for an unknown id.
    """
    return _Explainer(scenario, result).peg(order_id)


def pegs(
    scenario: Scenario, result: PlanResult, order_ids: Iterable[str] | None = None
) -> list[Pegging]:
    """`peg` for many orders at once (default: every late or short one), sharing the work
    of finding what binds; in the order of `order_ids`, or of `result.orders`."""
    explainer = _Explainer(scenario, result)
    if order_ids is None:
        orders = result.orders
        late = orders["quantity"] - orders["on_time"] > QUANTITY_TOLERANCE
        order_ids = [str(d) for d in orders.loc[late, "order"]]
    return [explainer.peg(d) for d in order_ids]


def _culprit_sentence(row: tuple[object, ...], bucket: str) -> str:
    kind, name, weeks, first, last, shadow, usage, unit, value = row
    assert isinstance(weeks, int | np.integer) and isinstance(shadow, float | np.floating)
    assert isinstance(usage, float | np.floating) and isinstance(value, float | np.floating)
    first_label, last_label = bucket_label(str(first), bucket), bucket_label(str(last), bucket)
    span = (
        f"in {first_label}"
        if weeks == 1
        else f"in {weeks} {bucket_noun(bucket, int(weeks))} ({first_label} to {last_label})"
    )
    if kind == "shop":
        what = f"shop {name} at capacity {span}"
    else:
        what = f"part {name}: every supplier line at capacity {span}"
    plural = "s" if usage != 1 and unit in ("job", "unit") else ""
    per = f"{quantity_text(float(usage))} {unit}{plural} a vehicle"
    return (
        f"{what}; one more {unit} was worth {amount(float(shadow))}"
        f"{' on average' if weeks != 1 else ''}, {per}: {amount(float(value))} in all"
    )


class _Explainer:
    """What pegging needs, found once per (scenario, result)."""

    def __init__(self, scenario: Scenario, result: PlanResult) -> None:
        self.scenario = scenario
        self.result = result
        self.tree = Tree.of(scenario)
        self.position = {w: t for t, w in enumerate(result.bucket_starts)}
        # Every week at its limit with a shadow price above noise: what matters is judged
        # against the order's own stakes (`_causes`), not against the plan's largest price.
        self.binding = binding_frame(result, self.tree, relative=0.0)
        binding = self.binding
        self.kind = binding["kind"].to_numpy(dtype=object)
        self.name = binding["name"].to_numpy(dtype=object)
        self.week = binding["week"].to_numpy(dtype=object)
        self.shadow = binding["shadow_price"].to_numpy(dtype=np.float64)
        self.sentence = binding["sentence"].to_numpy(dtype=object)
        self.unit = np.array(
            [
                "job" if kind == "shop" else self.tree.unit_word(name)
                for kind, name in zip(self.kind, self.name, strict=True)
            ],
            dtype=object,
        )
        self.binding_week = np.array([self.position[w] for w in self.week], dtype=np.int64)
        self._usage_of: dict[str, FloatArray] = {}
        orders = result.orders.assign(
            due=result.iso(result.orders["due"]),
            last_delivery=result.iso(result.orders["last_delivery"]),
        )
        self.orders: dict[str, dict[Hashable, Any]] = {
            str(row["order"]): row for row in orders.to_dict("records")
        }

    def peg(self, order_id: str) -> Pegging:
        if order_id not in self.orders:
            known = [str(d) for d in self.result.orders["order"].head(5)]
            raise KeyError(
                f"unknown order id {order_id!r}: not a line of demand.csv; "
                f"valid ids include {', '.join(known)} "
                f"({len(self.result.orders):,} in all)"
            )
        order = self.orders[order_id]
        variant = str(order["variant"])
        quantity = float(order["quantity"])
        on_time = float(order["on_time"])
        delivered = float(order["delivered"])
        last_delivery: str | None = (
            None if pd.isna(order["last_delivery"]) else str(order["last_delivery"])
        )
        weeks_late: float | None = (
            None if pd.isna(order["weeks_late"]) else float(order["weeks_late"])
        )
        lead = self.tree.lead_time.get(variant, 0)
        late = quantity - on_time > QUANTITY_TOLERANCE
        window: tuple[str, str] | None = None
        start, end = 0, -1  # on time: an empty window, no causes
        if late:
            due = self.position[str(order["due"])]
            start = max(due - lead, 0)
            end = (
                self.position[last_delivery]
                if last_delivery is not None
                else len(self.result.bucket_starts) - 1
            )
            window = (self.result.bucket_starts[start], self.result.bucket_starts[end])
        causes = self._causes(variant, start, end)
        return Pegging(
            order=order_id,
            variant=variant,
            kind=str(order["kind"]),
            priority=int(order["priority"]),
            quantity=quantity,
            due_week=str(order["due"]),
            delivered_by_due=on_time,
            delivered=delivered,
            last_delivery=last_delivery,
            weeks_late=weeks_late if last_delivery is not None else None,
            lead_time=lead,
            window=window,
            horizon_end=self.result.bucket_starts[-1],
            causes=causes,
            bucket=self.result.bucket,
        )

    def _causes(self, variant: str, start: int, end: int) -> pd.DataFrame:
        usage = self._usage(variant)
        value = self.shadow * usage
        mask = (self.binding_week >= start) & (self.binding_week <= end) & (usage > 0)
        if mask.any():
            # What mattered to this order, judged against its own largest cause.
            mask &= value > RELATIVE_SHADOW * float(value[mask].max())
        rows = np.flatnonzero(mask)
        rows = rows[np.lexsort((self.name[rows], self.binding_week[rows], -value[rows]))]
        return pd.DataFrame(
            {
                "kind": self.kind[rows],
                "name": self.name[rows],
                "week": self.week[rows],
                "shadow_price": self.shadow[rows],
                "usage": usage[rows],
                "unit": self.unit[rows],
                "value": value[rows],
                "sentence": self.sentence[rows],
            }
        )

    def _usage(self, variant: str) -> FloatArray:
        """Jobs (shop) or units (part) per vehicle of `variant` for each binding row, else 0."""
        if variant not in self._usage_of:
            shops = self.tree.shop_jobs.get(variant, {})
            items = self.tree.usage.get(variant, {})
            self._usage_of[variant] = np.array(
                [
                    (shops if kind == "shop" else items).get(name, 0.0)
                    for kind, name in zip(self.kind, self.name, strict=True)
                ],
                dtype=np.float64,
            )
        return self._usage_of[variant]
