"""Typed records of a scenario: one class per table row.

These classes are the schema. The CSV reader, the error messages and the docs all derive from them,
so a column is added here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from evramp.model.buckets import BucketKind, Buckets, horizon_buckets
from evramp.model.ranges import Amount, Count, Day, Factor, Hours, Money, PositiveAmount

Id = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-/+]*$"),
]
"""An identifier: letters, digits and ``. _ - / +``, starting with a letter or digit."""

ItemKind = Literal["vehicle", "assembly", "part"]
Unit = Literal["ea", "kg", "m", "l", "kWh"]
RampCurve = Literal["s-curve", "linear", "learning"]
CLIMBS = ("s-curve", "linear")  # curves that climb by date, over ramp_weeks
OrderKind = Literal["firm", "forecast"]

Weeks = Annotated[int, Field(ge=0, le=520)]


class Record(BaseModel):
    """Base of every table row: immutable, strict about unknown fields and non-finite numbers."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        allow_inf_nan=False,
        use_attribute_docstrings=True,  # the docstrings below fields feed `evramp schema`
    )

    @model_validator(mode="before")
    @classmethod
    def _booleans_are_not_numbers(cls, data: Any) -> Any:
        # No field is a yes/no, and pydantic would take True as the number 1 (YAML reads `yes`
        # as True): hand booleans on as text, so that they are refused as what they are.
        # (the types as a set: a generator per row cost 0.3 s of reading plant L)
        if isinstance(data, dict) and bool in set(map(type, data.values())):
            return {k: str(v).lower() if isinstance(v, bool) else v for k, v in data.items()}
        return data


class Item(Record):
    """Anything that is built, bought, stocked or delivered."""

    id: Id
    """Unique id, used by every other table."""
    kind: ItemKind
    """`vehicle` (sold), `assembly` (made and used in a parent) or `part` (bought)."""
    name: str = ""
    """Free text for people."""
    unit: Unit = "ea"
    """Unit of measure; vehicles and assemblies are counted in `ea`."""
    unit_cost: Money = 0.0
    """Value of one unit (for reports)."""
    holding_cost: Money = 0.0
    """Cost of keeping one unit in stock for one week."""


class BomLine(Record):
    """One component of a made item: `quantity` of `child` go into one `parent`."""

    parent: Id
    """The made item (it needs a routing)."""
    child: Id
    """The component; not a vehicle."""
    quantity: Factor
    """Units of child per unit of parent."""
    yield_: Annotated[float, Field(ge=0.01, le=1, alias="yield")] = 1.0
    """Share of the child that ends up good; consumption is quantity / yield."""
    unit: Unit | None = None
    """Optional: when given, must be the child's unit (guards against kg-vs-ea slips)."""


class Shop(Record):
    """A production area with one capacity: press, body, paint, battery, assembly."""

    id: Id
    """Unique id."""
    name: str = ""
    """Free text for people."""
    rate: Factor
    """Jobs per hour at full rate (after ramp-up), before availability losses."""
    shifts_per_day: Annotated[int, Field(ge=1, le=3)]
    """Shifts worked per day."""
    days_per_week: Annotated[int, Field(ge=1, le=7)]
    """Days worked per week."""
    availability: Annotated[float, Field(ge=0.01, le=1)] = 1.0
    """Share of scheduled time the shop produces (OEE)."""
    hours_per_shift: Annotated[float, Field(ge=0.1, le=24)] | None = None
    """Overrides the calendar's hours per shift for this shop."""
    overtime_hours: Hours = 0.0
    """Most extra hours a week the shop may work beyond its shifts (0: no overtime)."""
    overtime_cost: Money = 0.0
    """Cost of one hour of overtime."""


class ShiftChange(Record):
    """A new shift pattern of a shop from `start` on (one shift in the ramp, two later)."""

    shop: Id
    """The shop."""
    start: Day
    """First day of the new pattern (it applies from the bucket containing it); later rows
    win."""
    shifts_per_day: Annotated[int, Field(ge=1, le=3)]
    """Shifts worked per day from then on."""
    days_per_week: Annotated[int, Field(ge=1, le=7)]
    """Days worked per week from then on."""
    hours_per_shift: Annotated[float, Field(ge=0.1, le=24)] | None = None
    """Hours per shift from then on; empty keeps the shop's (or the calendar's)."""


class Phase(Record):
    """A capacity expansion: from `start` the shop's rate grows by `added_rate`."""

    shop: Id
    """The shop that grows."""
    name: Id
    """Name of the phase (e.g. `phase2`)."""
    start: Day
    """First day of the added capacity (from the bucket containing it)."""
    added_rate: Factor
    """Jobs per hour added at full rate."""
    ramp_weeks: Weeks = 0
    """Weeks from `start` until the added rate is fully available (S-curve)."""


class Ramp(Record):
    """Start-up of a shop (or of every shop, `shop` = `*`) from trial production to full rate."""

    shop: Annotated[
        str,
        StringConstraints(strip_whitespace=True, pattern=r"^(\*|[A-Za-z0-9][A-Za-z0-9._\-/+]*)$"),
    ]
    """A shop id, or `*` for every shop without a ramp row of its own."""
    trial_start: Day
    """First day of trial production (from the bucket containing it); nothing is built
    before it."""
    trial_rate: Amount
    """Jobs per week during trial production (before start of production); a bucket gets its
    share of working days."""
    sop: Day
    """Start of production: from here the rate climbs to full rate."""
    curve: RampCurve = "s-curve"
    """Shape of the climb: `s-curve` (smoothstep) or `linear` over `ramp_weeks`, or `learning`:
    the rate grows with cumulative volume (Wright's law, see `learning_rate`)."""
    ramp_weeks: Annotated[int | None, Field(ge=1, le=520, validate_default=True)] = None
    """Weeks from start of production to full rate (curves `s-curve` and `linear`)."""
    learning_rate: Annotated[float | None, Field(ge=0.5, lt=1, validate_default=True)] = None
    """Curve `learning`: each doubling of cumulative volume multiplies the hours per job by
    this (0.85 = 15 % fewer hours per doubling)."""
    full_volume: Annotated[PositiveAmount | None, Field(validate_default=True)] = None
    """Curve `learning`: cumulative jobs of the shop at which it reaches full rate."""
    start_volume: PositiveAmount = 1.0
    """Curve `learning`: jobs of experience the shop has at the start of the plan."""

    @field_validator("ramp_weeks", "learning_rate", "full_volume", mode="after")
    @classmethod
    def _needed_by_the_curve(cls, value: float | None, info: ValidationInfo) -> float | None:
        curve = info.data.get("curve")
        by_date = info.field_name == "ramp_weeks"
        needed = by_date if curve in CLIMBS else curve == "learning" and not by_date
        if curve is not None and needed and value is None:
            raise ValueError(f"required for curve {curve!r}")
        return value

    @model_validator(mode="after")
    def _sop_not_before_trial(self) -> Ramp:
        if self.sop < self.trial_start:
            raise ValueError(
                f"sop {self.sop} is before trial_start {self.trial_start}; "
                "start of production follows trial production"
            )
        return self


class Routing(Record):
    """Where an item is made, how much of the shop one unit takes, and how long it takes."""

    item: Id
    """The made item."""
    shop: Id
    """A shop the item is made in; an item may load several shops."""
    jobs_per_unit: Factor = 1.0
    """Jobs of the shop's capacity one unit takes."""
    lead_time: Weeks = 0
    """Weeks from the start of a build (components consumed) until the unit is available
    (in whole buckets, to the nearest)."""
    setup_time: Amount = 0.0
    """Jobs of the shop's capacity used once in each bucket the item is made there (integer
    mode)."""
    setup_cost: Money = 0.0
    """Cost of setting up for the item once in each bucket it is made there (integer mode)."""


class Supplier(Record):
    """One supplier's line for one purchased item."""

    supplier: Id
    """The supplier."""
    item: Id
    """The item it supplies."""
    capacity: Amount | None = None
    """Units per week the supplier can supply; empty means unlimited."""
    lead_time: Weeks = 0
    """Weeks from releasing a purchase order to receiving the goods (in whole buckets, to the
    nearest)."""
    price: Money = 0.0
    """Purchase price per unit."""
    moq: Amount = 0.0
    """Minimum order quantity: a purchase is 0 or at least this (integer mode)."""
    lot_multiple: PositiveAmount | None = None
    """Purchases are whole multiples of this (integer mode); empty means any quantity."""
    share: Annotated[float | None, Field(ge=1e-6, le=1)] = None
    """Quota: this line gets at least this share of the item's purchases over the horizon."""
    priority: Annotated[int, Field(ge=1, le=9)] = 1
    """1 is preferred: the plan buys from a line of the next priority only what the item's
    preferred lines cannot supply in time, whatever their prices (a premium in the objective,
    reported as the `preference` cost)."""
    available_from: Day | None = None
    """First day the line supplies (a second supplier qualified only from a date); empty means
    from the start. A bucket it opens in gets the capacity of its days from then on."""
    available_until: Day | None = None
    """Last day the line supplies (a line phased out); empty means to the end."""

    @model_validator(mode="after")
    def _window_in_order(self) -> Supplier:
        start, end = self.available_from, self.available_until
        if start is not None and end is not None and end < start:
            raise ValueError(
                f"available_until {end} is before available_from {start}; the line supplies "
                "from the first to the last"
            )
        return self


class SupplierCapacity(Record):
    """A change of a supplier line's weekly capacity from `start` on (a capacity profile)."""

    supplier: Id
    """The supplier line's supplier."""
    item: Id
    """The supplier line's item."""
    start: Day
    """First day of the new capacity (a step from the bucket containing it; later rows
    win)."""
    capacity: Amount
    """Units per week the line can supply from `start` on."""


class Order(Record):
    """An order for a vehicle variant: a customer's (`firm`) or a forecast."""

    id: Id
    """Order or forecast id."""
    variant: Id
    """The vehicle ordered."""
    quantity: PositiveAmount
    """Vehicles."""
    due: Day
    """Date due: the vehicles are due in the bucket containing it; delivery earlier is not
    allowed."""
    priority: Annotated[int, Field(ge=1, le=9)] = 1
    """1 is the most important; lateness of a higher priority outweighs any lower one (see
    `--priorities`)."""
    price: Money = 0.0
    """Revenue per vehicle delivered."""
    lateness_penalty: Money = 0.0
    """Cost per vehicle and week delivered after `due`."""
    kind: OrderKind = "firm"
    """`firm` (a customer's order) or `forecast`. Files written for evramp 0.1 say `order`: it
    is read as `firm`, with a note."""
    max_weeks_late: Weeks | None = None
    """Most weeks the vehicles may be delivered after their due week (0: on time); empty: no limit.
    A hard promise: when no plan keeps every such promise, `evramp plan` fails and names the
    orders the best plan without the limits would deliver too late."""


class Inventory(Record):
    """Stock on hand at the start of the plan."""

    item: Id
    """The item."""
    on_hand: Amount
    """Units in stock at the start of the plan."""


class Receipt(Record):
    """A scheduled receipt: goods already on order, arriving in the bucket of `due`. For a made
    item (an assembly or a vehicle) it is work in progress started before the plan, finishing
    in that bucket."""

    item: Id
    """The item."""
    due: Day
    """Date of arrival (in the bucket containing it)."""
    quantity: PositiveAmount
    """Units arriving."""


class Shutdown(Record):
    """Weeks in which shops do not work (Spring Festival, retooling)."""

    name: str
    """Name of the shutdown."""
    start: Day
    """A day of the first week closed: a shutdown closes whole weeks, Monday to Sunday (with
    daily or monthly buckets it must be a Monday)."""
    weeks: Annotated[int, Field(ge=1, le=520)] = 1
    """Number of weeks closed."""
    shops: tuple[Id, ...] = ()
    """Shops affected; empty means the whole plant."""


ActualKind = Literal["built", "received", "delivered"]
_ACTUAL_FIELDS: dict[str, str] = {"built": "shop", "received": "supplier", "delivered": "order"}


class Actual(Record):
    """What really happened in a past week, for `evramp replan` and `evramp calibrate`: units
    `built` (started) by a shop, `received` from a supplier line (of the purchases the plans
    released; receipts.csv's goods arrive as scheduled), or `delivered` to an order.
    `evramp plan` ignores this table."""

    kind: ActualKind
    """`built` (needs `shop`), `received` (needs `supplier`) or `delivered` (needs `order`)."""
    date: Day
    """A day of the bucket it happened in (before the re-plan's as-of date)."""
    item: Id | None = None
    """The item built or received; `delivered`: the vehicle (empty: the order's variant)."""
    shop: Id | None = None
    """`built`: the shop that started the units (an item made in several shops is started in
    all of them at once: their rows must agree)."""
    supplier: Id | None = None
    """`received`: the supplier of the line (`supplier` + `item`)."""
    order: Id | None = None
    """`delivered`: the order (an id from demand.csv)."""
    quantity: Count
    """Units (vehicles for `delivered`)."""

    @model_validator(mode="after")
    def _fields_of_the_kind(self) -> Actual:
        wanted = _ACTUAL_FIELDS[self.kind]
        if getattr(self, wanted) is None:
            raise ValueError(f"kind {self.kind!r} needs a {wanted}")
        others = [f for f in _ACTUAL_FIELDS.values() if f != wanted and getattr(self, f)]
        if others:
            raise ValueError(f"kind {self.kind!r} takes no {' or '.join(others)}")
        if self.kind != "delivered" and self.item is None:
            raise ValueError(f"kind {self.kind!r} needs an item")
        return self


DisruptionTarget = Literal["supplier_line", "part", "shop", "ramp"]
DisruptionPer = Literal["week", "horizon"]


class Disruption(Record):
    """A risk for `evramp risk`: an event that takes capacity from a supplier line, a part's
    supplier lines or a shop for some weeks, or makes a shop's start of production slip.
    `evramp plan` ignores this table."""

    id: Id
    """Unique id (named in the risk results and the tornado)."""
    target_kind: DisruptionTarget
    """What it hits: `supplier_line` (`supplier` + `item`), `part` (every supplier line of
    `item`), `shop` (`shop`), or `ramp` (the capacity profile of `shop`, or of every shop with
    a ramp when `shop` is empty, moves later by the disruption's weeks)."""
    supplier: Id | None = None
    """`supplier_line`: the supplier."""
    item: Id | None = None
    """`supplier_line` and `part`: the item."""
    shop: Id | None = None
    """`shop`: the shop; `ramp`: a shop with a ramp, or empty for every shop with a ramp."""
    probability: Annotated[float, Field(ge=0, le=1)]
    """Chance that it happens: in each week (`per` = `week`: a new event may start in any week)
    or once in the horizon (`per` = `horizon`)."""
    per: DisruptionPer = "horizon"
    """`week` or `horizon`: what `probability` is counted per; a ramp slip is per horizon."""
    start: Day | None = None
    """`per` = `horizon`: first day of the disruption when it happens (from the bucket
    containing it); empty: a week drawn uniformly so that it ends within the horizon."""
    min_weeks: Annotated[int, Field(ge=1, le=520)] = 1
    """Shortest duration in weeks (`ramp`: fewest weeks of slip)."""
    max_weeks: Annotated[int | None, Field(ge=1, le=520)] = None
    """Longest duration in weeks, drawn uniformly (whole weeks) from `min_weeks` to this;
    empty: exactly `min_weeks`."""
    capacity_lost: Annotated[float, Field(gt=0, le=1)] = 1.0
    """Share of the capacity lost while it lasts (1: all of it); not used by `ramp`. An
    unlimited supplier line loses capacity only at 1."""
    group: Id | None = None
    """Correlation: all disruptions of a group happen together (one event, same start week,
    durations drawn from one number), e.g. one chip shortage hitting every chip supplier; they
    must agree on `probability`, `per` and `start`."""

    @model_validator(mode="after")
    def _durations_in_order(self) -> Disruption:
        if self.max_weeks is not None and self.max_weeks < self.min_weeks:
            raise ValueError(f"max_weeks {self.max_weeks} is below min_weeks {self.min_weeks}")
        return self

    @property
    def longest(self) -> int:
        """The longest duration (or slip) in weeks."""
        return self.min_weeks if self.max_weeks is None else self.max_weeks


class Calendar(Record):
    """The planning horizon: from `first_week` (a Monday) for `horizon_weeks` weeks, planned in
    buckets of a day, a week or a month."""

    first_week: Day
    """Monday of the first week of the plan."""
    horizon_weeks: Annotated[int, Field(ge=1, le=1040)]
    """Length of the horizon in weeks (whatever the bucket)."""
    bucket: BucketKind = "week"
    """Planning bucket: `day`, `week` (ISO weeks) or `month` (calendar months; the first and the
    last may be partial). Figures per week (capacities, rates, costs, lead times) are converted
    to the bucket; see docs/planning-model.md."""
    hours_per_shift: Annotated[float, Field(ge=0.1, le=24)] = 8.0
    """Paid hours per shift, for every shop without its own."""
    shutdowns: tuple[Shutdown, ...] = ()
    """Weeks without production."""

    @model_validator(mode="after")
    def _starts_on_monday(self) -> Calendar:
        if self.first_week.isoweekday() != 1:
            raise ValueError(
                f"first_week {self.first_week} is a {self.first_week:%A}; weeks start on Monday"
            )
        return self

    @property
    def end(self) -> dt.date:
        """The Monday after the last week of the horizon."""
        return self.first_week + dt.timedelta(weeks=self.horizon_weeks)

    @property
    def buckets(self) -> Buckets:
        """The horizon cut into buckets: dates to indices, days per bucket, labels."""
        return horizon_buckets(self.bucket, self.first_week, self.end)
