"""Checks across records: references, duplicates, BOM cycles, units and the horizon.

Each check returns every problem it finds, so a planner fixes a scenario in one pass, not one error
per run. Row-level checks (types, signs, ranges) happen when records are built; these need the whole
scenario.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from evramp.model.buckets import bucket_adjective
from evramp.model.errors import ScenarioError, ScenarioInvalid
from evramp.model.scenario import SCENARIO_FILE, TABLE_BY_NAME, Scenario

CheckRun = Callable[[Scenario], Iterator[ScenarioError]]


@dataclass(frozen=True)
class Check:
    """A check across records and the tables it must see whole to be right.

    A check reads some tables row by row (it may run on the rows that were read) and others as
    the set of what exists (an unknown item is only unknown when items.csv was read whole):
    `needs` names the latter, and `calendar` for scenario.yaml's calendar.
    """

    run: CheckRun
    reads: frozenset[str]
    """Every table it looks at (and `calendar`): a change to any other cannot change what it
    finds, so a what-if copy of a valid scenario runs only the checks that read what changed."""
    needs: frozenset[str] = frozenset()
    rows: str | None = None
    """The optional table whose rows it checks: with none, it has nothing to check, and is
    neither run nor counted as waiting."""
    kind: str = ""
    """What it checks, when one check is run per table (`duplicates`): the kinds of checks
    waiting are what a user is told, not their parts."""

    @property
    def said(self) -> str:
        return self.kind or self.run.__name__


@dataclass(frozen=True)
class Findings:
    """The problems found, and how many checks could not run for want of a whole table."""

    errors: list[ScenarioError]
    skipped: int = 0


def validate(scenario: Scenario) -> list[ScenarioError]:
    """Every cross-record problem of `scenario`, sorted by file and row."""
    return check_scenario(scenario).errors


def check_scenario(
    scenario: Scenario, incomplete: frozenset[str] = frozenset(), as_of: dt.date | None = None
) -> Findings:
    """Run every check that does not need one of the `incomplete` tables (tables, or the
    calendar, that had problems of their own and hold only the rows that were read); with
    `as_of` (a re-plan), also that every actual is before it."""
    relevant = [c for c in CHECKS if c.rows is None or len(scenario.table(c.rows))]
    runnable = [check for check in relevant if not check.needs & incomplete]
    errors = [error for check in runnable for error in check.run(scenario)]
    if as_of is not None:
        errors.extend(check_actual_dates(scenario, as_of))
    waiting = {check.said for check in relevant} - {check.said for check in runnable}
    return Findings(sorted(errors), len(waiting))


def check_actual_dates(scenario: Scenario, as_of: dt.date) -> Iterator[ScenarioError]:
    """Actuals say what happened before a re-plan's as-of date, never on or after it."""
    for index, actual in _rows(scenario, "actuals"):
        if actual.date >= as_of:
            yield _error(
                scenario,
                "actuals",
                index,
                "date",
                f"{actual.date} is on or after the as-of date {as_of}",
            )


# Scenarios found valid, by identity: a scenario and its records are frozen, so one that passed
# stays valid, and `plan` need not check again what `load_scenario` checked (0.7 s on plant L).
_KNOWN_VALID: weakref.WeakValueDictionary[int, Scenario] = weakref.WeakValueDictionary()


def ensure_valid(scenario: Scenario) -> Scenario:
    """Return `scenario` unchanged, or raise `ScenarioInvalid` with all its problems."""
    if _KNOWN_VALID.get(id(scenario)) is scenario:
        return scenario
    errors = validate(scenario)
    if errors:
        raise ScenarioInvalid(errors)
    _KNOWN_VALID[id(scenario)] = scenario
    return scenario


def _error(scenario: Scenario, table: str, index: int, field: str, message: str) -> ScenarioError:
    return ScenarioError(TABLE_BY_NAME[table].file, scenario.line_of(table, index), field, message)


def _rows(scenario: Scenario, table: str) -> Iterator[tuple[int, Any]]:
    return enumerate(scenario.table(table))


def _demand_where(condition: pl.Expr, scenario: Scenario, *fields: str) -> Iterator[Any]:
    """(index, *fields) of each order where `condition` holds: demand is checked as
    columns (a million lines), and only the lines with a problem are looked at one by one."""
    frame = scenario.demand_table.frame.with_row_index("_index")
    return frame.filter(condition).select("_index", *fields).iter_rows()


def _a(kind: str) -> str:
    """`kind` with its article: 'a vehicle', 'an assembly'."""
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"


# --- duplicates ------------------------------------------------------------------------------

_KEYS: dict[str, tuple[str, ...]] = {
    "items": ("id",),
    "bom": ("parent", "child"),
    "shops": ("id",),
    "phases": ("shop", "name"),
    "ramps": ("shop",),
    "shifts": ("shop", "start"),
    "routings": ("item", "shop"),
    "suppliers": ("supplier", "item"),
    "supplier_capacity": ("supplier", "item", "start"),
    "demand": ("id",),
    "inventory": ("item",),
    "disruptions": ("id",),
}  # actuals may repeat: two receipts of a line on one day add up


def _duplicates_in(table: str) -> CheckRun:
    if table == "demand":
        return _duplicate_demand
    key = _KEYS[table]

    def duplicates(scenario: Scenario) -> Iterator[ScenarioError]:
        first_line: dict[tuple[object, ...], int] = {}
        for index, record in _rows(scenario, table):
            value = tuple(getattr(record, k) for k in key)
            line = scenario.line_of(table, index)
            if value in first_line:
                shown = ", ".join(str(v) for v in value)
                yield _error(
                    scenario,
                    table,
                    index,
                    key[-1],
                    f"duplicate of line {first_line[value]} ({'/'.join(key)} = {shown})",
                )
            else:
                first_line[value] = line

    return duplicates


def _duplicate_demand(scenario: Scenario) -> Iterator[ScenarioError]:
    ids = scenario.demand_table.frame["id"]
    if not ids.is_duplicated().any():
        return
    frame = ids.to_frame().with_row_index("_index")
    first = frame.with_columns(pl.col("_index").min().over("id").alias("first"))
    repeated = first.filter(pl.col("_index") != pl.col("first"))
    for index, value, first_index in repeated.select("_index", "id", "first").iter_rows():
        first_line = scenario.line_of("demand", first_index)
        yield _error(
            scenario, "demand", index, "id", f"duplicate of line {first_line} (id = {value})"
        )


# --- references ------------------------------------------------------------------------------

# (table, field, referenced table); the referenced table's key is its id.
_ITEM_REFERENCES = (
    ("bom", "parent"),
    ("bom", "child"),
    ("routings", "item"),
    ("suppliers", "item"),
    ("demand", "variant"),
    ("inventory", "item"),
    ("receipts", "item"),
)
_SHOP_REFERENCES = (
    ("routings", "shop"),
    ("phases", "shop"),
    ("ramps", "shop"),
    ("shifts", "shop"),
)


def _item_references_in(table: str) -> CheckRun:
    fields = [field for name, field in _ITEM_REFERENCES if name == table]

    def references(scenario: Scenario) -> Iterator[ScenarioError]:
        items = {item.id for item in scenario.items}
        for field in fields:
            rows = (
                _demand_where(~pl.col(field).is_in(list(items)), scenario, field)
                if table == "demand"
                else ((index, getattr(record, field)) for index, record in _rows(scenario, table))
            )
            for index, value in rows:
                if value not in items:
                    yield _error(
                        scenario,
                        table,
                        index,
                        field,
                        f"unknown item {value!r}; expected an id from items.csv",
                    )

    return references


def _shop_references_in(table: str) -> CheckRun:
    fields = [field for name, field in _SHOP_REFERENCES if name == table]

    def references(scenario: Scenario) -> Iterator[ScenarioError]:
        shops = {shop.id for shop in scenario.shops}
        for field in fields:
            for index, record in _rows(scenario, table):
                shop = getattr(record, field)
                if shop not in shops and not (table == "ramps" and shop == "*"):
                    yield _error(
                        scenario,
                        table,
                        index,
                        field,
                        f"unknown shop {shop!r}; expected an id from shops.csv",
                    )

    return references


def _check_capacity_lines(scenario: Scenario) -> Iterator[ScenarioError]:
    lines = {(s.supplier, s.item) for s in scenario.suppliers}
    suppliers = {supplier for supplier, _ in lines}
    for index, change in _rows(scenario, "supplier_capacity"):
        if change.supplier not in suppliers:
            yield _error(
                scenario,
                "supplier_capacity",
                index,
                "supplier",
                f"unknown supplier {change.supplier!r}; expected a supplier from suppliers.csv",
            )
        elif (change.supplier, change.item) not in lines:
            yield _error(
                scenario,
                "supplier_capacity",
                index,
                "item",
                f"supplier {change.supplier!r} has no line for item {change.item!r} "
                "in suppliers.csv",
            )


def _check_shutdown_shops(scenario: Scenario) -> Iterator[ScenarioError]:
    shops = {shop.id for shop in scenario.shops}
    for shutdown_index, shutdown in enumerate(scenario.calendar.shutdowns):
        for shop in shutdown.shops:
            if shop not in shops:
                yield ScenarioError(
                    SCENARIO_FILE,
                    0,
                    f"calendar.shutdowns.{shutdown_index}.shops",
                    f"unknown shop {shop!r}; expected an id from shops.csv",
                )


# --- kinds of items --------------------------------------------------------------------------


def _check_item_roles(scenario: Scenario) -> Iterator[ScenarioError]:
    kinds = {item.id: item.kind for item in scenario.items}
    for index, line in _rows(scenario, "bom"):
        if kinds.get(line.child) == "vehicle":
            yield _error(
                scenario,
                "bom",
                index,
                "child",
                f"{line.child!r} is a vehicle; a vehicle cannot be a component",
            )
    others = [item for item, kind in kinds.items() if kind != "vehicle"]
    for index, variant in _demand_where(pl.col("variant").is_in(others), scenario, "variant"):
        yield _error(
            scenario,
            "demand",
            index,
            "variant",
            f"{variant!r} is {_a(kinds[variant])}; demand is for vehicles",
        )


def _check_parents_built(scenario: Scenario) -> Iterator[ScenarioError]:
    items = {item.id for item in scenario.items}
    routed = {routing.item for routing in scenario.routings}
    for index, line in _rows(scenario, "bom"):
        if line.parent in items and line.parent not in routed:
            yield _error(
                scenario,
                "bom",
                index,
                "parent",
                f"{line.parent!r} has no routing in routings.csv, so it is never built",
            )


def _check_sources(scenario: Scenario) -> Iterator[ScenarioError]:
    """Every item must be obtainable: made (routing), bought (supplier) or in stock."""
    routed = {routing.item for routing in scenario.routings}
    bought = {line.item for line in scenario.suppliers}
    stocked = {s.item for s in scenario.inventory if s.on_hand > 0}
    stocked |= {r.item for r in scenario.receipts}
    obtainable = routed | bought | stocked  # once: a union per item was quadratic (17 s at L)
    for index, item in _rows(scenario, "items"):
        if item.kind in ("vehicle", "assembly") and item.id not in routed:
            yield _error(
                scenario,
                "items",
                index,
                "id",
                f"{item.kind} {item.id!r} has no routing in routings.csv; "
                "vehicles and assemblies are made in a shop",
            )
        elif item.kind == "part" and item.id not in obtainable:
            yield _error(
                scenario,
                "items",
                index,
                "id",
                f"part {item.id!r} has no supplier in suppliers.csv, no routing and no stock",
            )


# --- bill of material ------------------------------------------------------------------------


def check_bom_cycles(scenario: Scenario) -> Iterator[ScenarioError]:
    """A cycle (A needs B needs A) makes every item on it impossible to build."""
    children: dict[str, list[tuple[str, int]]] = {}
    for index, line in _rows(scenario, "bom"):
        children.setdefault(line.parent, []).append((line.child, index))
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []
    reported: set[int] = set()

    def visit(node: str) -> Iterator[ScenarioError]:
        # Iterative depth-first search: deep BOMs must not hit Python's recursion limit.
        stack: list[tuple[str, Iterator[tuple[str, int]]]] = [(node, iter(children.get(node, ())))]
        state[node] = 1
        path.append(node)
        while stack:
            parent, edges = stack[-1]
            for child, index in edges:
                if state.get(child) == 1 and index not in reported:
                    reported.add(index)
                    cycle = [*path[path.index(child) :], child]
                    yield _error(scenario, "bom", index, "child", "cycle " + " -> ".join(cycle))
                elif child not in state:
                    state[child] = 1
                    path.append(child)
                    stack.append((child, iter(children.get(child, ()))))
                    break
            else:
                state[parent] = 2
                path.pop()
                stack.pop()

    for parent in children:
        if parent not in state:
            yield from visit(parent)


def _check_item_units(scenario: Scenario) -> Iterator[ScenarioError]:
    for index, item in _rows(scenario, "items"):
        if item.kind != "part" and item.unit != "ea":
            yield _error(
                scenario,
                "items",
                index,
                "unit",
                f"{_a(item.kind)} is counted in 'ea', got {item.unit!r}",
            )


def _check_bom_units(scenario: Scenario) -> Iterator[ScenarioError]:
    units = {item.id: item.unit for item in scenario.items}
    for index, line in _rows(scenario, "bom"):
        expected = units.get(line.child)
        if line.unit is not None and expected is not None and line.unit != expected:
            yield _error(
                scenario,
                "bom",
                index,
                "unit",
                f"{line.child!r} is counted in {expected!r} in items.csv, got {line.unit!r}",
            )


# --- horizon ---------------------------------------------------------------------------------


def check_horizon(scenario: Scenario) -> Iterator[ScenarioError]:
    calendar = scenario.calendar
    first, end = calendar.first_week, calendar.end
    last_day = end - dt.timedelta(days=1)

    def outside(day: dt.date) -> str | None:
        if day < first:
            return f"{day} is before the plan starts ({first})"
        if day >= end:
            return f"{day} is after the plan ends ({last_day})"
        return None

    beyond = (pl.col("due") < first) | (pl.col("due") >= end)
    for table in ("demand", "receipts"):
        rows = (
            _demand_where(beyond, scenario, "due")
            if table == "demand"
            else ((index, record.due) for index, record in _rows(scenario, table))
        )
        for index, due in rows:
            problem = outside(due)
            if problem:
                yield _error(scenario, table, index, "due", problem)


def check_bucket(scenario: Scenario) -> Iterator[ScenarioError]:
    """A shutdown closes whole weeks from Monday. In weekly buckets any day of its first week
    names that week; in daily or monthly buckets a start on another day is ambiguous (from that
    day, or from its Monday?), so it must be a Monday."""
    calendar = scenario.calendar
    if calendar.bucket == "week":
        return
    for index, shutdown in enumerate(calendar.shutdowns):
        if shutdown.start.isoweekday() != 1:
            monday = shutdown.start - dt.timedelta(days=shutdown.start.weekday())
            yield ScenarioError(
                SCENARIO_FILE,
                0,
                f"calendar.shutdowns.{index}.start",
                f"{shutdown.start} is a {shutdown.start:%A}; shutdowns close whole weeks from "
                f"Monday, so with {bucket_adjective(calendar.bucket)} buckets start must be a "
                f"Monday (the week of {monday}?)",
            )


def check_shift_hours(scenario: Scenario) -> Iterator[ScenarioError]:
    default = scenario.calendar.hours_per_shift
    shop_hours = {shop.id: shop.hours_per_shift or default for shop in scenario.shops}
    patterns = [
        ("shops", index, shop.shifts_per_day, shop_hours[shop.id])
        for index, shop in _rows(scenario, "shops")
    ] + [
        ("shifts", index, change.shifts_per_day, change.hours_per_shift or shop_hours[change.shop])
        for index, change in _rows(scenario, "shifts")
        if change.shop in shop_hours
    ]
    for table, index, shifts, hours in patterns:
        if shifts * hours > 24:
            yield _error(
                scenario,
                table,
                index,
                "shifts_per_day",
                f"{shifts} shifts of {hours:g} h do not fit in a day of 24 h",
            )


def check_shares(scenario: Scenario) -> Iterator[ScenarioError]:
    """The quotas of one item's supplier lines cannot promise more than all of it."""
    total: dict[str, float] = {}
    for index, line in _rows(scenario, "suppliers"):
        if line.share is None:
            continue
        total[line.item] = total.get(line.item, 0.0) + line.share
        if total[line.item] > 1 + 1e-9:
            yield _error(
                scenario,
                "suppliers",
                index,
                "share",
                f"the shares of {line.item!r} add up to {total[line.item]:g} by this line; "
                "at most 1",
            )


# --- disruptions ------------------------------------------------------------------------------

_TARGET_FIELDS = {
    "supplier_line": ("supplier", "item"),
    "part": ("item",),
    "shop": ("shop",),
    "ramp": (),
}


def check_disruptions(scenario: Scenario) -> Iterator[ScenarioError]:
    """Targets that exist, the fields each kind of target needs, and groups that agree."""
    shops = {shop.id for shop in scenario.shops}
    lines = {(s.supplier, s.item) for s in scenario.suppliers}
    bought = {item for _, item in lines}
    suppliers = {supplier for supplier, _ in lines}
    ramped = {r.shop for r in scenario.ramps}
    group_first: dict[str, tuple[int, Any]] = {}
    for index, risk in _rows(scenario, "disruptions"):
        kind = risk.target_kind
        needed = _TARGET_FIELDS[kind]
        for name in ("supplier", "item", "shop"):
            value = getattr(risk, name)
            if name in needed and value is None:
                yield _error(scenario, "disruptions", index, name, f"required for {kind}")
            elif (
                name not in needed and value is not None and not (kind == "ramp" and name == "shop")
            ):
                yield _error(
                    scenario, "disruptions", index, name, f"not used by {kind}; leave it empty"
                )
        known = (risk.supplier, risk.item) in lines
        named = None not in (risk.supplier, risk.item)
        if kind == "supplier_line" and named and risk.supplier not in suppliers:
            yield _error(
                scenario,
                "disruptions",
                index,
                "supplier",
                f"unknown supplier {risk.supplier!r}; expected a supplier from suppliers.csv",
            )
        elif kind == "supplier_line" and named and not known:
            yield _error(
                scenario,
                "disruptions",
                index,
                "item",
                f"supplier {risk.supplier!r} has no line for item {risk.item!r} in suppliers.csv",
            )
        if kind == "part" and risk.item is not None and risk.item not in bought:
            yield _error(
                scenario,
                "disruptions",
                index,
                "item",
                f"unknown part {risk.item!r}; expected an item with a line in suppliers.csv",
            )
        if kind in ("shop", "ramp") and risk.shop is not None and risk.shop not in shops:
            yield _error(
                scenario,
                "disruptions",
                index,
                "shop",
                f"unknown shop {risk.shop!r}; expected an id from shops.csv",
            )
        if kind == "ramp":
            yield from _check_ramp_risk(scenario, index, risk, shops, ramped)
        if risk.per == "week" and risk.start is not None:
            yield _error(
                scenario, "disruptions", index, "start", "only for per = horizon; leave it empty"
            )
        if risk.group is not None:
            first = group_first.setdefault(risk.group, (index, risk))
            other = first[1]
            for name in ("probability", "per", "start"):
                if getattr(risk, name) != getattr(other, name):
                    yield _error(
                        scenario,
                        "disruptions",
                        index,
                        name,
                        f"group {risk.group!r} has {name} {getattr(other, name)} on line "
                        f"{scenario.line_of('disruptions', first[0])}; a group's disruptions "
                        "happen together",
                    )


def _check_ramp_risk(
    scenario: Scenario, index: int, risk: Any, shops: set[str], ramped: set[str]
) -> Iterator[ScenarioError]:
    if risk.per != "horizon":
        yield _error(
            scenario, "disruptions", index, "per", "a ramp slips once: per must be horizon"
        )
    if risk.capacity_lost != 1.0:
        yield _error(
            scenario,
            "disruptions",
            index,
            "capacity_lost",
            "not used by ramp (the slip is min_weeks to max_weeks); leave it empty",
        )
    if risk.shop is None and not ramped:
        yield _error(scenario, "disruptions", index, "shop", "no shop has a ramp in ramp.csv")
    elif risk.shop in shops and risk.shop not in ramped and "*" not in ramped:
        yield _error(
            scenario, "disruptions", index, "shop", f"shop {risk.shop!r} has no ramp in ramp.csv"
        )


def check_actual_references(scenario: Scenario) -> Iterator[ScenarioError]:
    """Each actual names what exists: an item made at the shop it was built in, a supplier line,
    an order of the vehicle delivered."""
    items = {item.id for item in scenario.items}
    routed = {(r.item, r.shop) for r in scenario.routings}
    lines = {(s.supplier, s.item) for s in scenario.suppliers}
    frame = scenario.demand_table.frame
    variant_of = dict(zip(frame["id"].to_list(), frame["variant"].to_list(), strict=True))
    for index, actual in _rows(scenario, "actuals"):
        problem = _actual_problem(actual, items, routed, lines, variant_of)
        if problem is not None:
            yield _error(scenario, "actuals", index, *problem)


def _actual_problem(
    actual: Any,
    items: set[str],
    routed: set[tuple[str, str]],
    lines: set[tuple[str, str]],
    variant_of: dict[str, str],
) -> tuple[str, str] | None:
    if actual.item is not None and actual.item not in items:
        return "item", f"unknown item {actual.item!r}; expected an id from items.csv"
    if actual.kind == "built" and (actual.item, actual.shop) not in routed:
        return (
            "shop",
            f"item {actual.item!r} has no routing at shop {actual.shop!r} in routings.csv",
        )
    if actual.kind == "received" and (actual.supplier, actual.item) not in lines:
        return (
            "supplier",
            f"supplier {actual.supplier!r} has no line for item {actual.item!r} in suppliers.csv",
        )
    if actual.kind == "delivered":
        if actual.order not in variant_of:
            return "order", f"unknown order {actual.order!r}; expected an id from demand.csv"
        if actual.item is not None and actual.item != variant_of[actual.order]:
            return (
                "item",
                f"order {actual.order!r} is for {variant_of[actual.order]!r}, not {actual.item!r}",
            )
    return None


def _vehicles_exist(scenario: Scenario) -> Iterator[ScenarioError]:
    if not any(item.kind == "vehicle" for item in scenario.items):
        yield ScenarioError("items.csv", 0, "kind", "no vehicle; a plan needs at least one")


def _tables(*names: str) -> frozenset[str]:
    return frozenset(names)


def _per_table_checks() -> list[Check]:
    """Duplicates and references, one check per table: a change to suppliers.csv checks its
    rows against items.csv, not demand.csv's hundred thousand against it too."""
    checks = [Check(_duplicates_in(table), _tables(table), kind="duplicates") for table in _KEYS]
    checks += [
        Check(_item_references_in(table), _tables("items", table), _tables("items"), kind="items")
        for table in dict.fromkeys(name for name, _ in _ITEM_REFERENCES)
    ]
    checks += [
        Check(_shop_references_in(table), _tables("shops", table), _tables("shops"), kind="shops")
        for table in dict.fromkeys(name for name, _ in _SHOP_REFERENCES)
    ]
    return checks


CHECKS: tuple[Check, ...] = (
    *_per_table_checks(),
    Check(
        _check_capacity_lines,
        _tables("suppliers", "supplier_capacity"),
        _tables("suppliers"),
    ),
    Check(_check_shutdown_shops, _tables("calendar", "shops"), _tables("calendar", "shops")),
    # kinds of the items read; an item not read has none
    Check(_check_item_roles, _tables("items", "bom", "demand")),
    Check(_check_parents_built, _tables("items", "routings", "bom"), _tables("routings")),
    Check(
        _check_sources,
        _tables("items", "routings", "suppliers", "inventory", "receipts"),
        _tables("routings", "suppliers", "inventory", "receipts"),
    ),
    Check(check_bom_cycles, _tables("bom")),
    Check(_check_item_units, _tables("items")),
    Check(_check_bom_units, _tables("items", "bom")),
    Check(check_horizon, _tables("calendar", "demand", "receipts"), _tables("calendar")),
    Check(check_bucket, _tables("calendar"), _tables("calendar")),
    Check(check_shift_hours, _tables("calendar", "shops", "shifts"), _tables("calendar")),
    Check(check_shares, _tables("suppliers")),
    Check(
        check_disruptions,
        _tables("shops", "suppliers", "ramps", "disruptions"),
        _tables("shops", "suppliers", "ramps"),
    ),
    Check(_vehicles_exist, _tables("items"), _tables("items")),
    Check(
        check_actual_references,
        _tables("items", "routings", "suppliers", "demand", "actuals"),
        _tables("items", "routings", "suppliers", "demand"),
        "actuals",
    ),
)


def checks_reading(changed: frozenset[str], empty: frozenset[str] = frozenset()) -> list[Check]:
    """The checks whose findings a change to the tables `changed` (or `calendar`) can alter:
    those that read one of them, less those with rows to check in a table that is `empty`."""
    return [
        check
        for check in CHECKS
        if check.reads & changed and (check.rows is None or check.rows not in empty)
    ]


def check_changes(scenario: Scenario, changed: frozenset[str]) -> list[ScenarioError]:
    """What the checks that read the `changed` tables find in `scenario`, sorted. Of a scenario
    that was valid before the change, these are all its problems; `scenario` need hold only the
    tables those checks read (`Check.reads`)."""
    empty = frozenset(spec.name for spec in TABLE_BY_NAME.values() if not scenario.table(spec.name))
    return sorted(
        error for check in checks_reading(changed, empty) for error in check.run(scenario)
    )


__all__ = [
    "CHECKS",
    "Check",
    "Findings",
    "check_changes",
    "check_scenario",
    "checks_reading",
    "ensure_valid",
    "validate",
]
