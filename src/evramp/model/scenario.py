"""The scenario: every table of a plant's planning data, as typed records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from evramp.model.columns import DemandTable
from evramp.model.records import (
    Actual,
    BomLine,
    Calendar,
    Disruption,
    Inventory,
    Item,
    Order,
    Phase,
    Ramp,
    Receipt,
    Record,
    Routing,
    ShiftChange,
    Shop,
    Supplier,
    SupplierCapacity,
)

if TYPE_CHECKING:
    from evramp.model.changes import Change


Lines = Sequence[int] | npt.NDArray[np.int64]
"""Line numbers of a table's records (an array for demand, which may have a million)."""


@dataclass(frozen=True)
class TableSpec:
    """A scenario table: its attribute on `Scenario`, its file and its row type."""

    name: str
    file: str
    record: type[Record]
    required: bool
    doc: str
    key: tuple[str, ...]
    """The fields that name a row (`Scenario.with_changes` addresses rows by them)."""

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.alias or name for name, f in self.record.model_fields.items())

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(
            f.alias or name for name, f in self.record.model_fields.items() if f.is_required()
        )


TABLES: tuple[TableSpec, ...] = (
    TableSpec("items", "items.csv", Item, True, "vehicles, assemblies and parts", ("id",)),
    TableSpec(
        "bom",
        "bom.csv",
        BomLine,
        True,
        "bill of material: parent, child, quantity",
        ("parent", "child"),
    ),
    TableSpec("shops", "shops.csv", Shop, True, "shops with their rate and shift pattern", ("id",)),
    TableSpec(
        "shifts",
        "shifts.csv",
        ShiftChange,
        False,
        "shift patterns that change over time",
        ("shop", "start"),
    ),
    TableSpec(
        "phases",
        "phases.csv",
        Phase,
        False,
        "capacity added to a shop from a date",
        ("shop", "name"),
    ),
    TableSpec(
        "ramps", "ramp.csv", Ramp, False, "trial production and ramp-up to full rate", ("shop",)
    ),
    TableSpec(
        "routings",
        "routings.csv",
        Routing,
        True,
        "which shops make an item, lead time",
        ("item", "shop"),
    ),
    TableSpec(
        "suppliers",
        "suppliers.csv",
        Supplier,
        True,
        "supplier lines: capacity, lead time",
        ("supplier", "item"),
    ),
    TableSpec(
        "supplier_capacity",
        "supplier_capacity.csv",
        SupplierCapacity,
        False,
        "changes of a supplier line's weekly capacity over time",
        ("supplier", "item", "start"),
    ),
    TableSpec("demand", "demand.csv", Order, True, "customer orders and forecast", ("id",)),
    TableSpec(
        "inventory", "inventory.csv", Inventory, False, "stock on hand at the start", ("item",)
    ),
    TableSpec(
        "receipts",
        "receipts.csv",
        Receipt,
        False,
        "goods already on order, and work in progress finishing in a week",
        ("item", "due"),
    ),
    TableSpec(
        "disruptions",
        "disruptions.csv",
        Disruption,
        False,
        "risks for `evramp risk`: supplier, part, shop and ramp disruptions",
        ("id",),
    ),
    TableSpec(
        "actuals",
        "actuals.csv",
        Actual,
        False,
        "what was built, received and delivered before a re-plan's as-of date",
        ("kind", "date", "item", "shop", "supplier", "order"),
    ),
)
TABLE_BY_NAME: Mapping[str, TableSpec] = {t.name: t for t in TABLES}
SCENARIO_FILE = "scenario.yaml"


@dataclass(frozen=True)
class Scenario:
    """A plant's planning data. Build it in code or read it with `evramp.load_scenario`."""

    name: str
    calendar: Calendar
    items: tuple[Item, ...]
    bom: tuple[BomLine, ...]
    shops: tuple[Shop, ...]
    routings: tuple[Routing, ...]
    suppliers: tuple[Supplier, ...]
    demand: Sequence[Order]
    """Orders and forecast: any sequence of records given, held as a `DemandTable` (columns;
    iterating it gives the records)."""
    phases: tuple[Phase, ...] = ()
    shifts: tuple[ShiftChange, ...] = ()
    ramps: tuple[Ramp, ...] = ()
    supplier_capacity: tuple[SupplierCapacity, ...] = ()
    inventory: tuple[Inventory, ...] = ()
    receipts: tuple[Receipt, ...] = ()
    disruptions: tuple[Disruption, ...] = ()
    actuals: tuple[Actual, ...] = ()
    notes: str = ""
    lines: Mapping[str, Lines] = field(default_factory=dict, compare=False, repr=False)
    """Line number of each record in its file, per table; absent tables count from line 2."""

    def __post_init__(self) -> None:
        # One form of demand whatever was given: the checks and the planner read its columns.
        object.__setattr__(self, "demand", DemandTable.of(self.demand))

    @property
    def demand_table(self) -> DemandTable:
        """The orders as columns."""
        assert isinstance(self.demand, DemandTable)  # made so in __post_init__
        return self.demand

    def with_changes(self, changes: Mapping[str, object] | Iterable[Change]) -> Scenario:
        """This scenario with some values changed, validated like a scenario read from files.

        >>> scenario.with_changes(
        ...     {"shops.paint.rate": 56, "suppliers.CATL:CELL-NCM-612.capacity": 4000}
        ... )

        Addresses are `TABLE.ROW.FIELD` (see `evramp.model.changes`); values may be given as
        text ("56"), as the CSV reader reads them. Raises `ScenarioInvalid` with every problem
        (an unknown table, row or field; a value out of range, such as a rate of -5, located at
        the row's line in its file; what the change breaks elsewhere in the scenario).
        """
        # Imported here: changes.py validates whole scenarios, and validation imports this.
        from evramp.model.changes import apply_changes

        return apply_changes(self, changes)

    def table(self, name: str) -> tuple[Any, ...]:
        rows: tuple[Any, ...] = getattr(self, name)
        return rows

    def line_of(self, table: str, index: int) -> int:
        """Line in the table's file of the record at `index` (header is line 1)."""
        known = self.lines.get(table)
        return int(known[index]) if known is not None and index < len(known) else index + 2
