"""Why the plan is what it is, in the planner's words: what binds, what each late order waited
for, and the problems an APS would list.

Everything here is a pure function of a scenario and its `PlanResult`: it reads the result's
tables (capacity and supply with their shadow prices, backlog, shipments, orders) and the
scenario's routings and bill of material, and never the LP.

- `binding_weeks`: every shop-week and part-week that held the plan back, with its shadow price
  and a sentence ("one more job of assembly in 2024-W18 is worth 331,252 (≈4.8 vehicles'
  margin)").
- `peg` / `pegs`: a late or short demand line traced to the binding shop-weeks and part-weeks on
  its variant's routing tree and bill of material, between the week its vehicles had to be
  started to be on time and the week it finished.
- `problems`: late and short orders, shops at capacity and parts short while demand is late,
  with quantities and value, most valuable first.

Shadow prices are in the objective's units: money, with lateness penalties weighted by
priority (see docs/planning-model.md), so a week can be worth more than a vehicle's margin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from evramp.model import Scenario
from evramp.plan.result import PlanResult

FloatArray = npt.NDArray[np.float64]

SHADOW_TOLERANCE = 1e-6
"""Shadow prices at or below this are noise, whatever the largest one is."""
RELATIVE_SHADOW = 1e-3
"""A shadow price binds when above this share of the largest of its kind (shops or parts)."""
AT_CAPACITY = 1e-6
"""A shop is at capacity when its load is within this of it."""
QUANTITY_TOLERANCE = 1e-6
"""Vehicles, jobs and units below this are rounding, not a problem."""

BINDING_COLUMNS = [
    "kind",
    "name",
    "week",
    "shadow_price",
    "capacity",
    "used",
    "per_vehicle",
    "sentence",
]
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
PROBLEM_COLUMNS = [
    "kind",
    "what",
    "first_week",
    "last_week",
    "quantity",
    "value",
    "description",
]
PROBLEM_KINDS = ("late", "short", "capacity", "material")


# --------------------------------------------------------------------------------------------
# What binds


def significant_shadow(shadow: pd.Series, relative: float = RELATIVE_SHADOW) -> pd.Series:
    """Shadow prices worth naming: above a thousandth of the largest of their kind.

    LP duals are exact but often tiny and scattered (one cent of holding cost saved); a planner
    asks what holds output back. `shadow` holds every shadow price of one kind (all shop-weeks,
    or all supplier-line-weeks), so the largest is taken over all of them.
    """
    largest = float(shadow.max()) if len(shadow) else 0.0
    return shadow > max(SHADOW_TOLERANCE, relative * largest)


def binding_weeks(
    result: PlanResult, scenario: Scenario | None = None, relative: float = RELATIVE_SHADOW
) -> pd.DataFrame:
    """Every binding shop-week and part-week of the plan, one row each.

    A shop binds in a week when it has capacity, is loaded to it, and its shadow price is
    significant (`significant_shadow` over all shop-weeks); a part binds in a week when every
    supplier line of it delivers at its capacity with a significant shadow price (over all
    supplier-line-weeks), its lines' capacity that week being above 0. Weeks are arrival weeks
    for parts.

    Columns: kind (`shop` or `part`), name, week (ISO date of its Monday), shadow_price
    (objective gained by one more job or unit that week; for a part the smallest over its lines),
    capacity, used (jobs loaded or units received), sentence. With the scenario, sentences also
    give the value in vehicles' margin and, for a part, per vehicle set of the variant that uses
    most of it. Sorted by kind, name and week.
    """
    tree = _Tree.of(scenario) if scenario is not None else None
    return _binding_frame(result, tree, relative)


def _binding_frame(result: PlanResult, tree: _Tree | None, relative: float) -> pd.DataFrame:
    frames = [_binding_shops(result.capacity, relative), _binding_parts(result.supply, relative)]
    found = [f for f in frames if not f.empty]  # concatenating empty frames is deprecated
    if not found:
        return _empty(BINDING_COLUMNS)
    frame = pd.concat(found, ignore_index=True)
    labels = _iso_labels(result.weeks)
    frame["per_vehicle"] = [
        _per_vehicle(kind, name, float(price), tree)
        for kind, name, price in zip(
            frame["kind"], frame["name"], frame["shadow_price"], strict=True
        )
    ]
    frame["sentence"] = [
        _binding_sentence(kind, name, labels[week], float(price), tree)
        for kind, name, week, price in zip(
            frame["kind"], frame["name"], frame["week"], frame["shadow_price"], strict=True
        )
    ]
    return frame[BINDING_COLUMNS]


def _binding_shops(capacity: pd.DataFrame, relative: float) -> pd.DataFrame:
    tight = capacity[
        (capacity["capacity"] > 0)
        & (capacity["load"] >= capacity["capacity"] - AT_CAPACITY)
        & significant_shadow(capacity["shadow_price"], relative)
    ].sort_values(["shop", "week"], kind="stable")
    return pd.DataFrame(
        {
            "kind": "shop",
            "name": tight["shop"].astype(str).to_numpy(),
            "week": tight["week"].to_numpy(),
            "shadow_price": tight["shadow_price"].to_numpy(dtype=np.float64),
            "capacity": tight["capacity"].to_numpy(dtype=np.float64),
            "used": tight["load"].to_numpy(dtype=np.float64),
        }
    )


def _binding_parts(supply: pd.DataFrame, relative: float) -> pd.DataFrame:
    """A part binds in a week when every supplier line of it delivers at its capacity."""
    if supply.empty:
        return pd.DataFrame(columns=["kind", "name", "week", "shadow_price", "capacity", "used"])
    lines = supply.assign(at_limit=significant_shadow(supply["shadow_price"], relative))
    weekly = lines.groupby(["item", "week"], sort=True).agg(
        at_limit=("at_limit", "all"),
        shadow_price=("shadow_price", "min"),
        capacity=("capacity", "sum"),
        used=("received", "sum"),
    )
    tight = weekly[weekly["at_limit"] & (weekly["capacity"] > 0)].reset_index()
    return pd.DataFrame(
        {
            "kind": "part",
            "name": tight["item"].astype(str).to_numpy(),
            "week": tight["week"].to_numpy(),
            "shadow_price": tight["shadow_price"].to_numpy(dtype=np.float64),
            "capacity": tight["capacity"].to_numpy(dtype=np.float64),
            "used": tight["used"].to_numpy(dtype=np.float64),
        }
    )


def _per_vehicle(kind: str, name: str, price: float, tree: _Tree | None) -> float:
    """What one more vehicle's worth of the shop or part is worth: the shadow price times the
    most any variant uses of it; NaN without the scenario."""
    if tree is None:
        return float("nan")
    if kind == "shop":
        jobs = [per_shop.get(name, 0.0) for per_shop in tree.shop_jobs.values()]
        return price * max(jobs, default=1.0)
    heaviest = tree.heaviest_user.get(name)
    return price * heaviest[1] if heaviest is not None else price


def _binding_sentence(kind: str, name: str, week: str, price: float, tree: _Tree | None) -> str:
    if kind == "shop":
        text = f"one more job of {name} in {week} is worth {_amount(price)}"
        margin = tree.shop_margin.get(name, 0.0) if tree is not None else 0.0
        return text + (f" (≈{_ratio(price / margin)} vehicles' margin)" if margin > 0 else "")
    unit = tree.unit_word(name) if tree is not None else "unit"
    text = f"one more {unit} of {name} delivered in {week} is worth {_amount(price)}"
    heaviest = tree.heaviest_user.get(name) if tree is not None else None
    if tree is None or heaviest is None:
        return text
    variant, per_vehicle = heaviest
    value = price * per_vehicle
    text += (
        f"; a vehicle set for {variant} ({_quantity(per_vehicle)} {tree.unit_plural(name)})"
        f" {_amount(value)}"
    )
    margin = tree.margin.get(variant, 0.0)
    return text + (f" (≈{_ratio(value / margin)} vehicles' margin)" if margin > 0 else "")


# --------------------------------------------------------------------------------------------
# Pegging


@dataclass(frozen=True, eq=False)
class Pegging:
    """One demand line and what held it back.

    `causes` has one row per binding shop-week or part-week that mattered (kind, name, week,
    shadow_price, usage per vehicle of the variant, unit, value = shadow_price × usage,
    sentence), most valuable first; it is empty for an order that shipped on time.
    """

    demand: str
    variant: str
    kind: str
    priority: int
    quantity: float
    due_week: str
    shipped_by_due: float
    shipped: float
    finished: str | None
    """Week of the last shipment, None when not complete within the horizon."""
    weeks_late: float | None
    """Weeks from due to the last shipment, None when not complete within the horizon."""
    lead_time: int
    """Weeks from starting the vehicle's deepest component to the vehicle being ready."""
    window: tuple[str, str] | None
    """First and last week (ISO Mondays) searched for causes; None when on time."""
    horizon_end: str
    causes: pd.DataFrame = field(repr=False)

    @property
    def late(self) -> float:
        """Vehicles not shipped by the due week (shipped late or not at all)."""
        return max(self.quantity - self.shipped_by_due, 0.0)

    @property
    def unshipped(self) -> float:
        """Vehicles not shipped within the horizon."""
        return max(self.quantity - self.shipped, 0.0)

    @property
    def on_time(self) -> bool:
        return self.late <= QUANTITY_TOLERANCE

    @property
    def short(self) -> bool:
        return self.unshipped > QUANTITY_TOLERANCE

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
        due = _iso_week(self.due_week)
        head = (
            f"{self.demand} ({self.kind}, {self.variant}, priority {self.priority}): "
            f"{_quantity(self.quantity)} vehicles due {due}"
        )
        if self.on_time:
            return [f"{head}, all shipped on time; nothing held it back."]
        state = f"{head}; {_quantity(self.shipped_by_due)} shipped by then"
        if self.finished is not None and self.weeks_late is not None:
            state += (
                f", all by {_iso_week(self.finished)}: {self.weeks_late:,.0f} "
                f"week{'s' if self.weeks_late != 1 else ''} late."
            )
        else:
            state += (
                f", {_quantity(self.shipped)} within the horizon; {_quantity(self.unshipped)} "
                f"not shipped by its end ({_iso_week(self.horizon_end)})."
            )
        lines = [state]
        assert self.window is not None
        first, last = (_iso_week(w) for w in self.window)
        culprits = self.culprits()
        if culprits.empty:
            lines.append(
                f"No shop or part on its routing or bill of material was binding from {first} "
                f"to {last}: it waited for orders due earlier or of higher priority, or for "
                "capacity before that window."
            )
            return lines
        lines.append(
            f"Held back from {first} (a {self.variant} takes {self.lead_time} week"
            f"{'s' if self.lead_time != 1 else ''} from its first component to done) to {last} by:"
        )
        for rank, row in enumerate(culprits.itertuples(index=False), start=1):
            lines.append(f"  {rank}. {_culprit_sentence(row)}")
        return lines


def peg(scenario: Scenario, result: PlanResult, demand_id: str) -> Pegging:
    """What held demand line `demand_id` back (no causes when it shipped on time).

    Causes are the shop-weeks and part-weeks at their limit (as in `binding_weeks`) from the
    week its vehicles had to be started to be on time (due week less the variant's cumulative
    lead time through its routings and bill of material) to the week it finished (or the
    horizon's end), on shops of the variant's routing tree and parts of its bill of material,
    ranked by value = shadow price × the variant's usage per vehicle. What matters is judged
    against the order's own stakes: a week counts when its value is above `RELATIVE_SHADOW` of
    the order's largest, not of the plan's largest shadow price; so a forecast one week late
    in 2026 is pegged to the assembly weeks that held it back even though a job there is worth
    a thousandth of one in the 2024 ramp-up. Raises `KeyError` for an unknown id.
    """
    return _Explainer(scenario, result).peg(demand_id)


def pegs(
    scenario: Scenario, result: PlanResult, demand_ids: Iterable[str] | None = None
) -> list[Pegging]:
    """`peg` for many demand lines at once (default: every late or short one), sharing the work
    of finding what binds; in the order of `demand_ids`, or of `result.orders`."""
    explainer = _Explainer(scenario, result)
    if demand_ids is None:
        orders = result.orders
        late = orders["quantity"] - orders["on_time"] > QUANTITY_TOLERANCE
        demand_ids = [str(d) for d in orders.loc[late, "demand"]]
    return [explainer.peg(d) for d in demand_ids]


def _culprit_sentence(row: tuple[object, ...]) -> str:
    kind, name, weeks, first, last, shadow, usage, unit, value = row
    assert isinstance(weeks, int | np.integer) and isinstance(shadow, float | np.floating)
    assert isinstance(usage, float | np.floating) and isinstance(value, float | np.floating)
    span = (
        f"in {_iso_week(str(first))}"
        if weeks == 1
        else f"in {weeks} weeks ({_iso_week(str(first))} to {_iso_week(str(last))})"
    )
    if kind == "shop":
        what = f"shop {name} at capacity {span}"
    else:
        what = f"part {name}: every supplier line at capacity {span}"
    plural = "s" if usage != 1 and unit in ("job", "unit") else ""
    per = f"{_quantity(float(usage))} {unit}{plural} a vehicle"
    return (
        f"{what}; one more {unit} was worth {_amount(float(shadow))}"
        f"{' on average' if weeks != 1 else ''}, {per}: {_amount(float(value))} in all"
    )


class _Explainer:
    """What pegging needs, found once per (scenario, result)."""

    def __init__(self, scenario: Scenario, result: PlanResult) -> None:
        self.scenario = scenario
        self.result = result
        self.tree = _Tree.of(scenario)
        self.position = {w: t for t, w in enumerate(result.weeks)}
        # Every week at its limit with a shadow price above noise: what matters is judged
        # against the order's own stakes (`_causes`), not against the plan's largest price.
        self.binding = _binding_frame(result, self.tree, relative=0.0)
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
        self.orders: dict[str, dict[Hashable, Any]] = {
            str(row["demand"]): row for row in result.orders.to_dict("records")
        }

    def peg(self, demand_id: str) -> Pegging:
        if demand_id not in self.orders:
            known = [str(d) for d in self.result.orders["demand"].head(5)]
            raise KeyError(
                f"unknown demand id {demand_id!r}: not a line of demand.csv; "
                f"valid ids include {', '.join(known)} "
                f"({len(self.result.orders):,} in all)"
            )
        order = self.orders[demand_id]
        variant = str(order["variant"])
        quantity = float(order["quantity"])
        on_time = float(order["on_time"])
        shipped = float(order["shipped"])
        finished: str | None = None if pd.isna(order["finished"]) else str(order["finished"])
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
            end = self.position[finished] if finished is not None else len(self.result.weeks) - 1
            window = (self.result.weeks[start], self.result.weeks[end])
        causes = self._causes(variant, start, end)
        return Pegging(
            demand=demand_id,
            variant=variant,
            kind=str(order["kind"]),
            priority=int(order["priority"]),
            quantity=quantity,
            due_week=str(order["due"]),
            shipped_by_due=on_time,
            shipped=shipped,
            finished=finished,
            weeks_late=weeks_late if finished is not None else None,
            lead_time=lead,
            window=window,
            horizon_end=self.result.weeks[-1],
            causes=causes,
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


# --------------------------------------------------------------------------------------------
# Problems


def problems(scenario: Scenario, result: PlanResult) -> pd.DataFrame:
    """The plan's problems as an APS lists them, most valuable first.

    One row per problem: kind (`late`: shipped after its due week; `short`: not fully shipped
    within the horizon; `capacity`: a shop binding (see `binding_weeks`) in consecutive weeks
    while vehicles of a variant routed through it were overdue; `material`: a part binding in
    consecutive weeks while vehicles of a variant using it were overdue), what (order id, shop
    or part), first_week and last_week (ISO Mondays), quantity (vehicles shipped late, vehicles
    unshipped, jobs loaded, units received), value (the order's own lateness penalty ×
    vehicle-weeks late; lost revenue at the order's price; the sum of the weeks' shadow prices)
    and a one-line description. Vehicles are overdue in a week when they were carried into it
    late or were due and not shipped by its end.

    An order shipped partly late and partly not at all has a `late` row for the vehicles shipped
    late and a `short` row for the rest, so late + short quantities are the vehicles not shipped
    by their due week.
    """
    tree = _Tree.of(scenario)
    labels = _iso_labels(result.weeks)
    frames = [
        *_order_problems(scenario, result, labels),
        _constraint_problems(result, binding_weeks(result), tree, labels),
    ]
    found = [f for f in frames if not f.empty]
    if not found:
        return _empty(PROBLEM_COLUMNS)
    table = pd.concat(found, ignore_index=True)
    table = table.sort_values(
        ["value", "kind", "what", "first_week"],
        ascending=[False, True, True, True],
        kind="stable",
    ).reset_index(drop=True)
    return table[PROBLEM_COLUMNS]


def _order_problems(
    scenario: Scenario, result: PlanResult, labels: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    orders = result.orders
    terms = pd.DataFrame(
        {
            "demand": [d.id for d in scenario.demand],
            "price": [d.price for d in scenario.demand],
            "penalty": [d.lateness_penalty for d in scenario.demand],
        }
    ).drop_duplicates("demand")
    orders = orders.merge(terms, on="demand", how="left", validate="one_to_one")
    position = pd.Series(np.arange(len(result.weeks)), index=result.weeks)

    shipments = result.shipments
    due_of = orders.set_index("demand")["due"]
    ship_week = position.reindex(shipments["week"]).to_numpy()
    due_week = position.reindex(due_of.reindex(shipments["demand"])).to_numpy()
    vehicle_weeks = (
        pd.Series(
            shipments["quantity"].to_numpy() * np.maximum(ship_week - due_week, 0),
            index=shipments["demand"].to_numpy(),
        )
        .groupby(level=0)
        .sum()
    )
    orders["vehicle_weeks"] = vehicle_weeks.reindex(orders["demand"]).fillna(0.0).to_numpy()
    orders["late_quantity"] = orders["shipped"] - orders["on_time"]
    orders["unshipped"] = orders["quantity"] - orders["shipped"]

    late = orders[orders["late_quantity"] > QUANTITY_TOLERANCE]
    late_value = late["penalty"] * late["vehicle_weeks"]
    last_ship = shipments.groupby("demand")["week"].max()
    late_last = last_ship.reindex(late["demand"]).to_numpy()
    late_weeks = position.reindex(late_last).to_numpy() - position.reindex(late["due"]).to_numpy()
    late_rows = pd.DataFrame(
        {
            "kind": "late",
            "what": late["demand"].to_numpy(),
            "first_week": late["due"].to_numpy(),
            "last_week": late_last,
            "quantity": late["late_quantity"].to_numpy(),
            "value": late_value.to_numpy(),
            "description": [
                f"order {d} ({v}): {_quantity(q)} of {_quantity(n)} due {labels[due]} shipped "
                f"late, the last in {labels[str(end)]} ({weeks} week{'s' if weeks != 1 else ''} "
                f"late); {_quantity(vw)} vehicle-weeks × {_amount(p)} = {_amount(value)}"
                for d, v, q, n, due, end, weeks, vw, p, value in zip(
                    late["demand"],
                    late["variant"],
                    late["late_quantity"],
                    late["quantity"],
                    late["due"],
                    late_last,
                    late_weeks,
                    late["vehicle_weeks"],
                    late["penalty"],
                    late_value,
                    strict=True,
                )
            ],
        }
    )

    short = orders[orders["unshipped"] > QUANTITY_TOLERANCE]
    lost = short["price"] * short["unshipped"]
    end = result.weeks[-1]
    short_rows = pd.DataFrame(
        {
            "kind": "short",
            "what": short["demand"].to_numpy(),
            "first_week": short["due"].to_numpy(),
            "last_week": end,
            "quantity": short["unshipped"].to_numpy(),
            "value": lost.to_numpy(),
            "description": [
                f"order {d} ({v}): {_quantity(u)} of {_quantity(n)} due {labels[due]} not "
                f"shipped by the horizon's end ({labels[end]}); lost revenue {_quantity(u)} × "
                f"{_amount(p)} = {_amount(value)}"
                for d, v, u, n, due, p, value in zip(
                    short["demand"],
                    short["variant"],
                    short["unshipped"],
                    short["quantity"],
                    short["due"],
                    short["price"],
                    lost,
                    strict=True,
                )
            ],
        }
    )
    return late_rows, short_rows


def _constraint_problems(
    result: PlanResult, binding: pd.DataFrame, tree: _Tree, labels: dict[str, str]
) -> pd.DataFrame:
    """Runs of consecutive binding weeks of a shop or part while a variant using it was late."""
    if binding.empty or result.backlog.empty:
        return _empty(PROBLEM_COLUMNS)
    users = pd.DataFrame(
        [
            (kind, name, variant)
            for variant in tree.variants
            for kind, names in (("shop", tree.shop_jobs[variant]), ("part", tree.usage[variant]))
            for name in names
        ],
        columns=["kind", "name", "variant"],
    )
    backlog = _overdue(result)
    late = (
        binding[["kind", "name", "week"]]
        .merge(users, on=["kind", "name"])
        .merge(backlog, on=["variant", "week"])
        .groupby(["kind", "name", "week"], as_index=False)
        .agg(late=("quantity", "sum"))
    )
    rows = binding.merge(late, on=["kind", "name", "week"])
    rows = rows[rows["late"] > QUANTITY_TOLERANCE]
    if rows.empty:
        return _empty(PROBLEM_COLUMNS)
    position = pd.Series(np.arange(len(result.weeks)), index=result.weeks)
    rows = rows.assign(t=position.reindex(rows["week"]).to_numpy()).sort_values(
        ["kind", "name", "t"], kind="stable"
    )
    new_run = (
        (rows["kind"] != rows["kind"].shift())
        | (rows["name"] != rows["name"].shift())
        | (rows["t"] != rows["t"].shift() + 1)
    )
    runs = (
        rows.assign(run=new_run.cumsum())
        .groupby("run", sort=True)
        .agg(
            kind=("kind", "first"),
            what=("name", "first"),
            first_week=("week", "min"),
            last_week=("week", "max"),
            weeks=("week", "size"),
            quantity=("used", "sum"),
            value=("shadow_price", "sum"),
            mean_shadow=("shadow_price", "mean"),
            late=("late", "max"),
        )
        .reset_index(drop=True)
    )
    runs["description"] = [
        _run_sentence(kind, name, first, last, weeks, quantity, mean, late, tree, labels)
        for kind, name, first, last, weeks, quantity, mean, late in zip(
            runs["kind"],
            runs["what"],
            runs["first_week"],
            runs["last_week"],
            runs["weeks"],
            runs["quantity"],
            runs["mean_shadow"],
            runs["late"],
            strict=True,
        )
    ]
    runs["kind"] = runs["kind"].map({"shop": "capacity", "part": "material"})
    return runs[PROBLEM_COLUMNS]


def _overdue(result: PlanResult) -> pd.DataFrame:
    """Vehicles of each variant overdue in each week: carried in late from the week before, or
    due and not shipped by its end, whichever is more (columns variant, week, quantity)."""
    weeks = len(result.weeks)
    backlog = result.backlog.groupby(["variant", "week"])["quantity"].sum()
    table = backlog.unstack("week", fill_value=0).reindex(columns=result.weeks, fill_value=0.0)
    level = table.to_numpy(dtype=np.float64)
    carried = np.zeros_like(level)
    carried[:, 1:] = level[:, : weeks - 1]
    overdue = np.maximum(level, carried)
    variant, week = np.nonzero(overdue > QUANTITY_TOLERANCE)
    return pd.DataFrame(
        {
            "variant": table.index.to_numpy(dtype=object)[variant],
            "week": np.asarray(result.weeks, dtype=object)[week],
            "quantity": overdue[variant, week],
        }
    )


def _run_sentence(
    kind: str,
    name: str,
    first: str,
    last: str,
    weeks: int,
    quantity: float,
    mean: float,
    late: float,
    tree: _Tree,
    labels: dict[str, str],
) -> str:
    span = (
        f"in {labels[first]}"
        if weeks == 1
        else f"in {weeks} weeks ({labels[first]} to {labels[last]})"
    )
    average = " on average" if weeks != 1 else ""
    if kind == "shop":
        return (
            f"shop {name} at capacity {span} while up to {_quantity(late)} vehicles routed "
            f"through it were late: {_quantity(quantity)} jobs; one more job a week was worth "
            f"{_amount(mean)}{average}"
        )
    return (
        f"part {name} short {span}, every supplier line at capacity, while up to "
        f"{_quantity(late)} vehicles using it were late: {_quantity(quantity)} "
        f"{tree.unit_plural(name)} delivered; one more {tree.unit_word(name)} a week was worth "
        f"{_amount(mean)}{average}"
    )


# --------------------------------------------------------------------------------------------
# The scenario's structure: routing tree and bill of material per variant


@dataclass(frozen=True)
class _Tree:
    variants: list[str]
    usage: dict[str, dict[str, float]]
    """Per variant: units of every item in its explosion per vehicle (the vehicle itself too)."""
    shop_jobs: dict[str, dict[str, float]]
    """Per variant: jobs of every shop on its routing tree per vehicle."""
    lead_time: dict[str, int]
    """Per variant: longest chain of routing lead times through its made components."""
    margin: dict[str, float]
    """Per variant: mean price of its demand less the purchase cost of its parts."""
    shop_margin: dict[str, float]
    """Per shop: demand-weighted mean margin of the variants routed through it."""
    heaviest_user: dict[str, tuple[str, float]]
    """Per bought part: the variant using most of it, and its units per vehicle."""
    units: dict[str, str]

    def unit_word(self, item: str) -> str:
        unit = self.units.get(item, "ea")
        return "unit" if unit == "ea" else unit

    def unit_plural(self, item: str) -> str:
        unit = self.units.get(item, "ea")
        return "units" if unit == "ea" else unit

    @staticmethod
    def of(scenario: Scenario) -> _Tree:
        children: dict[str, list[tuple[str, float]]] = {}
        for line in scenario.bom:
            children.setdefault(line.parent, []).append((line.child, line.quantity / line.yield_))
        routes: dict[str, list[tuple[str, float]]] = {}
        own_lead: dict[str, int] = {}
        for routing in scenario.routings:
            routes.setdefault(routing.item, []).append((routing.shop, routing.jobs_per_unit))
            own_lead[routing.item] = max(own_lead.get(routing.item, 0), routing.lead_time)
        price: dict[str, float] = {}
        for supplier in scenario.suppliers:
            price[supplier.item] = min(price.get(supplier.item, np.inf), supplier.price)
        bought = set(price)
        unit_cost = {item.id: item.unit_cost for item in scenario.items}

        explosion: dict[str, dict[str, float]] = {}

        def explode(item: str) -> dict[str, float]:
            if item not in explosion:
                total: dict[str, float] = {item: 1.0}
                for child, per in children.get(item, []):
                    for below, quantity in explode(child).items():
                        total[below] = total.get(below, 0.0) + per * quantity
                explosion[item] = total
            return explosion[item]

        chain: dict[str, int] = {}

        def lead(item: str) -> int:
            if item not in chain:
                below = [lead(child) for child, _ in children.get(item, []) if child in routes]
                chain[item] = own_lead.get(item, 0) + max(below, default=0)
            return chain[item]

        variants = [item.id for item in scenario.items if item.kind == "vehicle"]
        usage = {v: explode(v) for v in variants}
        shop_jobs: dict[str, dict[str, float]] = {}
        for v in variants:
            jobs: dict[str, float] = {}
            for item, quantity in usage[v].items():
                for shop_id, per_unit in routes.get(item, []):
                    jobs[shop_id] = jobs.get(shop_id, 0.0) + quantity * per_unit
            shop_jobs[v] = jobs

        demand_quantity: dict[str, float] = {}
        revenue: dict[str, float] = {}
        for demand in scenario.demand:
            variant = demand.variant
            demand_quantity[variant] = demand_quantity.get(variant, 0.0) + demand.quantity
            revenue[variant] = revenue.get(variant, 0.0) + demand.quantity * demand.price
        margin: dict[str, float] = {}
        for v in variants:
            if demand_quantity.get(v, 0.0) <= 0:
                continue
            cost = sum(
                quantity * (price[item] if item in bought else unit_cost.get(item, 0.0))
                for item, quantity in usage[v].items()
                if item not in routes  # made items cost what their parts cost
            )
            margin[v] = revenue[v] / demand_quantity[v] - cost

        shop_margin: dict[str, float] = {}
        for shop_id in {s for v in variants for s in shop_jobs[v]}:
            weights = [(demand_quantity[v], margin[v]) for v in margin if shop_id in shop_jobs[v]]
            total = sum(w for w, _ in weights)
            if total > 0:
                shop_margin[shop_id] = sum(w * m for w, m in weights) / total

        heaviest: dict[str, tuple[str, float]] = {}
        for v in variants:
            for item, quantity in usage[v].items():
                if item in bought and quantity > heaviest.get(item, ("", 0.0))[1]:
                    heaviest[item] = (v, quantity)

        return _Tree(
            variants=variants,
            usage=usage,
            shop_jobs=shop_jobs,
            lead_time={v: lead(v) for v in variants},
            margin=margin,
            shop_margin=shop_margin,
            heaviest_user=heaviest,
            units={item.id: item.unit for item in scenario.items},
        )


# --------------------------------------------------------------------------------------------
# Words and numbers


def iso_week(day: str | dt.date) -> str:
    """ISO 8601 week label of a date: `2024-W18`."""
    date = dt.date.fromisoformat(day) if isinstance(day, str) else day
    year, number, _ = date.isocalendar()
    return f"{year}-W{number:02d}"


_iso_week = iso_week


def _iso_labels(weeks: list[str]) -> dict[str, str]:
    return {w: iso_week(w) for w in weeks}


def _amount(value: float) -> str:
    """Money or a shadow price: whole numbers with separators, cents below 100."""
    if abs(value) >= 100 or value == round(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _ratio(value: float) -> str:
    """A multiple of something: 12, 4.8, 0.031."""
    if abs(value) >= 10:
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 1 else f"{value:.2g}"


def _quantity(value: float) -> str:
    """Vehicles, jobs, units: whole when whole, else up to two decimals."""
    if abs(value - round(value)) < 1e-6:
        return f"{round(value):,d}"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
