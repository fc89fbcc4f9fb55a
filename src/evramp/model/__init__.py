"""The core: typed records of a scenario and their validation. Imports nothing else of evramp."""

from evramp.model.buckets import BucketKind, Buckets, bucket_label
from evramp.model.changes import Change
from evramp.model.errors import ScenarioError, ScenarioInvalid
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
    Routing,
    ShiftChange,
    Shop,
    Shutdown,
    Supplier,
    SupplierCapacity,
)
from evramp.model.scenario import SCENARIO_FILE, TABLES, Scenario, TableSpec
from evramp.model.validate import ensure_valid, validate

__all__ = [
    "SCENARIO_FILE",
    "TABLES",
    "Actual",
    "BomLine",
    "BucketKind",
    "Buckets",
    "Calendar",
    "Change",
    "Disruption",
    "Inventory",
    "Item",
    "Order",
    "Phase",
    "Ramp",
    "Receipt",
    "Routing",
    "Scenario",
    "ScenarioError",
    "ScenarioInvalid",
    "ShiftChange",
    "Shop",
    "Shutdown",
    "Supplier",
    "SupplierCapacity",
    "TableSpec",
    "bucket_label",
    "ensure_valid",
    "validate",
]
