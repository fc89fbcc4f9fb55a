"""Seeded scenario generator for benchmarks at plant scale (issue 4).

    python benchmarks/generate.py SIZE [--seed N] [--out DIR]      # default out/bench/<SIZE>

or, imported, `generate(size, seed) -> Scenario` and `write(size, folder, seed)`. The same size
and seed give the same scenario and a byte-identical folder; a different seed a different plant
of the same shape. Everything is drawn from `numpy.random.default_rng` and built in bulk.

| size | platforms | variants | parts | constrained | suppliers | weeks | orders | halls |
|------|-----------|----------|-------|-------------|-----------|-------|--------------|-------|
| S    | 2         | 7        | 250   | 12          | 60        | 150   | 3,000        | 1     |
| M    | 5         | 20       | 3,000 | 60          | 300       | 156   | 10,000       | 3     |
| L    | 10        | 50       | 20,000| 300         | 2,000     | 156   | 100,000      | 5     |
| XL   | 20        | 100      | 60,000| 600         | 6,000     | 260   | 300,000      | 10    |

(XL: the largest the 2-core, 24 GiB machine is meant to plan; it generates in seconds.)

The plant:
- Vehicles are grouped in platforms; two platforms share a hall with its own press, body, paint
  and general-assembly shops (`press-H1`, `body-H1`, `paint-H1`, `assembly-H1`, ...). Battery
  packs, e-drive units and modules (seats, cockpit, doors, ADAS controllers) come from three
  plant-wide shops. Halls open one after another; every shop has trial production, a start of
  production (SOP) and a climb to full rate (S-curve or linear; general assembly by learning
  curve), one shift in trial and two from about the SOP, and a phase-2 capacity addition about
  half-way through the horizon, when each hall's second platform launches. Paint ramps slowest;
  general assembly and paint may work overtime. Spring Festival closes the plant a week a year;
  the phase-2 tie-in closes body and paint of a hall for a week.
- Bills of material have up to five levels: vehicle -> painted body -> body in white -> stamped
  panels -> steel and aluminium; vehicle -> battery pack -> cells; vehicle -> e-drive unit ->
  SiC modules; vehicle -> seats, cockpit, doors, ADAS controller -> chips and parts. Modules
  belong to a platform and are shared by its variants; e-drive units and cells are shared across
  platforms, and some parts are used by the variants of two or three platforms.
- Purchased parts: most have a supplier line with ample capacity (enough for whatever the shops
  could consume, which makes them *free parts* that evramp plans just in time outside the LP);
  about 10 % have a second, dearer line with a different lead time; a few have a cheap line of
  limited capacity beside a dear ample one. A few percent are capacity-constrained (cells, ADAS
  and cockpit SoCs, MCUs, SiC modules, platform chips such as LiDARs and radar MMICs): quarterly
  capacity profiles sized against the production the plant can reach, below it in the ramp and
  after phase 2 in some quarters, so they bind in some weeks. Lead times are 1-12 weeks; trial
  production starts in week 12, so every purchase can arrive in time.
- Demand: customer orders (priority 1-3, due dates spread over each week, each variant's list
  price less one of a few discount levels, lateness penalties by priority and price: so orders
  fall into a few exact demand classes per variant and priority, as a real price list makes
  them) for all but the last quarter of the horizon, then weekly
  forecast lines. Each platform has a launch surge of orders and seasonality; demand runs ahead
  of capacity in the ramp and around phase 2, so paint, assembly and some parts bind; every
  order may deliver late (with its penalty), so the plan is always feasible.
- Some stock at the start (constrained parts, a few prototype leftovers) and scheduled receipts
  (chips bought before the plan, work in progress of bodies in white).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from evramp.io import write_scenario
from evramp.model import (
    BomLine,
    Calendar,
    Inventory,
    Item,
    Order,
    Phase,
    Ramp,
    Receipt,
    Routing,
    Scenario,
    ShiftChange,
    Shop,
    Supplier,
    SupplierCapacity,
)
from evramp.model.records import Shutdown
from evramp.plan.capacity import overtime_hours, shop_capacity, shop_time

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Size:
    """The figures of one benchmark size."""

    name: str
    platforms: int
    variants: int
    parts: int
    constrained: int  # capacity-constrained parts among `parts`
    suppliers: int
    weeks: int
    demand_lines: int  # customer orders and forecast lines
    hall_cars: float = 3000.0  # general assembly of a hall, cars a week at full phase-1 rate


SIZES: dict[str, Size] = {
    "S": Size("S", 2, 7, 250, 12, 60, 150, 3_000),
    "M": Size("M", 5, 20, 3_000, 60, 300, 156, 10_000),
    "L": Size("L", 10, 50, 20_000, 300, 2_000, 156, 100_000),
    "XL": Size("XL", 20, 100, 60_000, 600, 6_000, 260, 300_000),
}

FIRST_WEEK = dt.date(2026, 1, 5)  # a Monday
HOURS_PER_SHIFT = 8.0
TRIAL_WEEK = 12  # first trial week of the first hall: every lead time (at most 12) fits before it
TRIAL_WEEKS = 16  # trial production until the SOP
MAX_LEAD = 12
HOLDING_RATE = 0.004  # of the unit cost a week, about 20 % a year
SPRING_FESTIVAL = ["2026-02-16", "2027-02-08", "2028-01-24", "2029-02-12", "2030-02-04"]
QUARTER = 13  # weeks between steps of a constrained supplier's capacity profile
PRIORITY_SHARES = (0.15, 0.60, 0.25)  # orders of priority 1, 2, 3
PENALTY_RATE = {1: 0.012, 2: 0.006, 3: 0.003}  # lateness penalty a week, share of the price
FORECAST_PENALTY_RATE = 0.002
# Discounts off a variant's list price and their shares of the orders (list, dealer, fleet):
# a price list has a few levels, not a price per order, so orders of one variant and priority
# share a demand class per level (the LP grows by a class per level, not per order).
DISCOUNT_LEVELS = (0.0, 0.02, 0.05)
DISCOUNT_SHARES = (0.6, 0.25, 0.15)
COMMODITY_COST = 18_000.0  # mean cost of a vehicle's commodity parts (prices are scaled to it)


# --- commodity categories ------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    """Commodity parts of one kind: where they go and what they are like."""

    code: str  # id prefix and supplier pool
    noun: str
    slot: (
        str  # kind of parent: vehicle, biw, panels, painted, seats, cockpit, doors, ecu, pack, edu
    )
    share: float  # of the commodity parts
    scopes: tuple[float, float, float, float]  # own parent, platform, 2-3 platforms, all
    lead: tuple[int, int]
    units: tuple[tuple[str, float], ...] = (("ea", 1.0),)


CATEGORIES = (
    Category(
        "GA",
        "Assembly part",
        "vehicle",
        0.44,
        (0.35, 0.50, 0.15, 0.0),
        (1, 6),
        (("ea", 0.90), ("m", 0.05), ("l", 0.05)),
    ),
    Category(
        "BODY",
        "Body part",
        "biw",
        0.12,
        (0.0, 0.88, 0.10, 0.02),
        (1, 4),
        (("ea", 0.93), ("l", 0.04), ("kg", 0.03)),
    ),
    Category("SEAT", "Seat part", "seats", 0.08, (0.55, 0.40, 0.05, 0.0), (1, 3)),
    Category("CKPT", "Cockpit part", "cockpit", 0.08, (0.0, 0.90, 0.10, 0.0), (2, 6)),
    Category("DOOR", "Door part", "doors", 0.06, (0.0, 0.85, 0.15, 0.0), (1, 4)),
    Category("ELEC", "Electronic component", "ecu", 0.06, (0.0, 0.70, 0.20, 0.10), (4, 12)),
    Category(
        "PACK",
        "Battery pack part",
        "pack",
        0.07,
        (0.40, 0.45, 0.0, 0.15),
        (2, 8),
        (("ea", 0.92), ("kg", 0.08)),
    ),
    Category("EDU", "E-drive part", "edu", 0.07, (0.50, 0.0, 0.30, 0.20), (3, 10)),
    Category(
        "RAW",
        "Steel and aluminium grade",
        "panels",
        0.01,
        (0.0, 0.60, 0.25, 0.15),
        (2, 5),
        (("kg", 1.0),),
    ),
    Category(
        "CHEM",
        "Paint and sealer",
        "painted",
        0.01,
        (0.0, 0.40, 0.20, 0.40),
        (1, 3),
        (("kg", 0.5), ("l", 0.5)),
    ),
)

# Quantities per parent unit and price medians per unit of measure (before scaling).
QUANTITIES = {
    "ea": np.array([1, 1, 1, 1, 2, 2, 2, 4, 4, 6, 8]),
    "m": np.array([1.5, 2.5, 4, 6, 12, 22]),
    "l": np.array([0.5, 1.2, 2, 3.5, 6]),
    "kg": np.array([0.4, 0.8, 1.5, 3, 6]),
}
PRICE_MEDIAN = {"ea": 14.0, "m": 6.0, "l": 18.0, "kg": 9.0}


# --- constrained parts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyKind:
    code: str
    noun: str
    price: tuple[float, float]
    lot: float  # lot multiple (reel, tray, pallet), for integer mode


KEY_KINDS = {
    "CELL": KeyKind("CELL", "Battery cell", (42.0, 68.0), 500),
    "SOC-ADAS": KeyKind("SOC-ADAS", "ADAS system-on-chip", (800.0, 3200.0), 60),
    "SOC-CKPT": KeyKind("SOC-CKPT", "Cockpit system-on-chip", (500.0, 1500.0), 50),
    "MCU": KeyKind("MCU", "Automotive 32-bit MCU", (3.0, 12.0), 2500),
    "SIC": KeyKind("SIC", "SiC power module", (90.0, 220.0), 120),
    "LIDAR": KeyKind("LIDAR", "LiDAR", (450.0, 1400.0), 20),
    "MMIC": KeyKind("MMIC", "Radar MMIC", (12.0, 40.0), 1000),
    "DISPLAY": KeyKind("DISPLAY", "Display panel", (120.0, 420.0), 40),
    "DRAM": KeyKind("DRAM", "Automotive memory", (18.0, 65.0), 1000),
    "PMIC": KeyKind("PMIC", "Power-management IC", (4.0, 18.0), 3000),
}
PLATFORM_CHIPS = ("LIDAR", "MMIC", "DISPLAY", "DRAM", "PMIC")

# --- shops ---------------------------------------------------------------------------------------
# id, name, capacity at full phase-1 rate on two shifts (as a multiple of the jobs the hall's or
# the plant's assembly capacity in cars needs of the shop, on average over the variants),
# availability, weeks from the SOP to the second shift, ramp curve and weeks, trial jobs a
# week (per hall), overtime hours a week.
ShopSpec = tuple[str, str, float, float, int, str, int, float, float]
HALL_SHOPS: tuple[ShopSpec, ...] = (
    ("press", "stamping, one job = one car's panels", 1.35, 0.75, 0, "linear", 16, 60, 0.0),
    ("body", "body in white: welding, bonding, closures", 1.12, 0.88, 0, "s-curve", 24, 60, 0.0),
    ("paint", "paint shop (ramps slowest)", 1.06, 0.80, 6, "s-curve", 36, 55, 8.0),
    ("assembly", "general assembly and test", 1.0, 0.85, 6, "learning", 0, 50, 8.0),
)  # fmt: skip
PLANT_SHOPS: tuple[ShopSpec, ...] = (
    ("battery", "Battery pack assembly (cell-to-pack)", 1.12, 0.85, 0, "s-curve", 26, 70, 0.0),
    ("edrive", "E-drive units: motor, inverter, reducer", 1.15, 0.85, 0, "s-curve", 24, 90, 0.0),
    ("modules", "Modules: seats, cockpit, doors, ECUs", 1.2, 0.88, 0, "linear", 20, 260, 0.0),
)  # fmt: skip


# --- the builder ---------------------------------------------------------------------------------


@dataclass
class _Made:
    id: str
    name: str
    shop: str
    jobs: float
    lead: int
    slot: str  # vehicle, biw, panels, painted, seats, cockpit, doors, ecu, pack, edu
    platform: int  # -1 for plant-wide (e-drive units)
    kind: str = "assembly"


@dataclass
class _Bom:
    parent: list[int] = field(default_factory=list)
    child: list[int] = field(default_factory=list)
    quantity: list[float] = field(default_factory=list)
    yield_: list[float] = field(default_factory=list)

    def add(self, parent: int, child: int, quantity: float = 1.0, yield_: float = 1.0) -> None:
        self.parent.append(parent)
        self.child.append(child)
        self.quantity.append(quantity)
        self.yield_.append(yield_)


def _week(t: int) -> dt.date:
    return FIRST_WEEK + dt.timedelta(weeks=int(t))


def nice_ceil(x: FloatArray) -> FloatArray:
    """Round up to two significant digits (8,437 -> 8,500), elementwise; 0 stays 0."""
    x = np.asarray(x, dtype=np.float64)
    safe = np.where(x > 0, x, 1.0)
    step = 10.0 ** np.maximum(0, np.floor(np.log10(safe)) - 1)
    return np.where(x > 0, np.ceil(safe / step) * step, 0.0)


class _Builder:
    def __init__(self, size: Size, seed: int) -> None:
        self.size = size
        self.seed = seed
        self.rng = np.random.default_rng([seed, list(SIZES).index(size.name)])
        self.halls = math.ceil(size.platforms / 2)
        self.stagger = min(8, round(0.25 * size.weeks / self.halls))
        self.trial = [TRIAL_WEEK + h * self.stagger for h in range(self.halls)]
        self.sop = [t + TRIAL_WEEKS for t in self.trial]
        self.phase2 = [round(0.45 * size.weeks) + h * self.stagger // 2 for h in range(self.halls)]

    # --- shops ---------------------------------------------------------------------------------

    def shops(self) -> None:
        size = self.size
        self._shop_rows: tuple[list[Shop], list[ShiftChange], list[Phase], list[Ramp]] = (
            [],
            [],
            [],
            [],
        )
        for h in range(self.halls):
            for spec in HALL_SHOPS:
                self._shop(spec, size.hall_cars, h, f"-H{h + 1}", f"Hall {h + 1} ")
        for spec in PLANT_SHOPS:
            self._shop(spec, size.hall_cars * self.halls, 0, "", "")
        shops, shifts, phases, ramps = self._shop_rows

        shutdowns = [
            Shutdown(name=f"Spring Festival {day[:4]}", start=dt.date.fromisoformat(day))
            for day in SPRING_FESTIVAL
            if dt.date.fromisoformat(day) < _week(size.weeks)
        ]
        shutdowns += [
            Shutdown(
                name=f"Phase-2 tie-in of hall {h + 1}'s body and paint conveyors",
                start=_week(self.phase2[h] - 1),
                shops=(f"body-H{h + 1}", f"paint-H{h + 1}"),
            )
            for h in range(self.halls)
        ]
        self.calendar = Calendar(
            first_week=FIRST_WEEK,
            horizon_weeks=size.weeks,
            hours_per_shift=HOURS_PER_SHIFT,
            shutdowns=tuple(shutdowns),
        )
        self.shop_records = tuple(shops)
        self.shift_records = tuple(shifts)
        self.phase_records = tuple(phases)
        self.ramp_records = tuple(ramps)
        skeleton = Scenario(
            name="capacity",
            calendar=self.calendar,
            items=(),
            bom=(),
            shops=self.shop_records,
            routings=(),
            suppliers=(),
            demand=(),
            phases=self.phase_records,
            shifts=self.shift_records,
            ramps=self.ramp_records,
        )
        hours = shop_time(skeleton)
        self.capacity = shop_capacity(skeleton, hours)  # (shops, weeks), learning at full rate
        per_hour = np.divide(
            self.capacity,
            hours.hours * hours.open,
            out=np.zeros_like(self.capacity),
            where=hours.hours * hours.open > 0,
        )
        most = self.capacity + overtime_hours(skeleton, hours) * per_hour
        self.shop_index = {s.id: n for n, s in enumerate(shops)}
        self.most_jobs = most.max(axis=1)  # (shops,) the most jobs a week, for free parts

    def _shop(self, spec: ShopSpec, cars: float, hall: int, suffix: str, prefix: str) -> None:
        """A shop's row, its second shift, phase 2 and ramp; `cars` a week at full rate."""
        code, name, per_car, availability, second_shift, curve, weeks, trial_rate, overtime = spec
        shops, shifts, phases, ramps = self._shop_rows
        shop_id = code + suffix
        trial, sop = _week(self.trial[hall]), _week(self.sop[hall])
        jobs = per_car * self.jobs_per_car[code] * cars
        rate = round(jobs / (HOURS_PER_SHIFT * 2 * 5 * availability), 1)
        shops.append(
            Shop(
                id=shop_id,
                name=prefix + name,
                rate=rate,
                shifts_per_day=1,
                days_per_week=5,
                availability=availability,
                overtime_hours=overtime,
                overtime_cost=round(120 * rate, -1) if overtime else 0.0,
            )
        )
        shifts.append(
            ShiftChange(
                shop=shop_id,
                start=_week(self.sop[hall] + second_shift),
                shifts_per_day=2,
                days_per_week=5,
            )
        )
        phases.append(
            Phase(
                shop=shop_id,
                name="phase2",
                start=_week(self.phase2[hall]),
                added_rate=round(rate * float(self.rng.uniform(0.85, 0.95)), 1),
                ramp_weeks=int(self.rng.integers(18, 31)),
            )
        )
        trial_jobs = trial_rate * cars / self.size.hall_cars
        if curve == "learning":  # Wright's law: full rate after about 12 weeks' volume
            full = float(nice_ceil(np.array(12 * jobs)))
            ramps.append(
                Ramp(
                    shop=shop_id,
                    trial_start=trial,
                    trial_rate=trial_jobs,
                    sop=sop,
                    curve="learning",
                    learning_rate=0.85,
                    full_volume=full,
                    start_volume=200.0,
                )
            )
        else:
            ramps.append(
                Ramp(
                    shop=shop_id,
                    trial_start=trial,
                    trial_rate=trial_jobs,
                    sop=sop,
                    curve="s-curve" if curve == "s-curve" else "linear",
                    ramp_weeks=weeks,
                )
            )

    # --- structure: vehicles and made items ----------------------------------------------------

    def structure(self) -> None:
        size, rng = self.size, self.rng
        n_plat = size.platforms
        per_platform = np.full(n_plat, size.variants // n_plat)
        per_platform[: size.variants % n_plat] += 1
        self.made: list[_Made] = []
        self.platform_hall = [p // 2 for p in range(n_plat)]
        self.slots: dict[str, list[list[int]]] = {}  # slot -> platform -> made indices

        def add(made: _Made) -> int:
            self.made.append(made)
            return len(self.made) - 1

        # Vehicles first (items.csv lists vehicles, then assemblies, then parts).
        self.variant_platform: list[int] = []
        self.variant_trim: list[int] = []  # 0 standard, 1 luxury
        self.variant_launch: list[int] = []
        self.variant_share: list[float] = []
        self.variant_edus: list[int] = []
        self.platform_launch: list[int] = []
        # Cars a week each platform's customers want once launched: a hall's first platform about
        # its phase-1 capacity, its second (launched with phase 2) about two thirds of it.
        self.market = [
            size.hall_cars
            * float(rng.uniform(0.92, 1.02) if p % 2 == 0 else rng.uniform(0.62, 0.76))
            for p in range(n_plat)
        ]
        bodies = ("sedan", "SUV", "hatchback", "estate", "coupe", "MPV")
        for p in range(n_plat):
            h = self.platform_hall[p]
            launch = self.sop[h] + 4 if p % 2 == 0 else self.phase2[h] + 4
            self.platform_launch.append(launch)
            count = int(per_platform[p])
            shares = rng.dirichlet(np.full(count, 3.0))
            performance = count >= 3
            if performance:  # the last variant is a low-volume performance model, launched later
                shares[-1] = float(rng.uniform(0.04, 0.08))
                shares[:-1] *= (1 - shares[-1]) / shares[:-1].sum()
            body = bodies[int(rng.integers(len(bodies)))]
            for k in range(count):
                top = performance and k == count - 1
                edus = 3 if top else int(rng.choice([1, 1, 2]))
                trim = 1 if top or k >= count / 2 else 0
                drive = {1: "RWD", 2: "AWD", 3: "tri-motor"}[edus]
                vid = f"P{p + 1:02d}-V{k + 1}"
                add(
                    _Made(
                        vid,
                        f"Platform P{p + 1:02d} {body}, variant {k + 1} ({drive}"
                        + (", performance)" if top else ")"),
                        f"assembly-H{h + 1}",
                        1.25 if top else 1.0,
                        1,
                        "vehicle",
                        p,
                        kind="vehicle",
                    )
                )
                self.variant_platform.append(p)
                self.variant_trim.append(trim)
                self.variant_edus.append(edus)
                self.variant_share.append(float(shares[k]))
                offset = 20 if top else 2 * int(rng.integers(0, 3))
                self.variant_launch.append(launch + offset)
        self.vehicles = len(self.made)

        def slot(name: str, p: int, index: int) -> None:
            self.slots.setdefault(name, [[] for _ in range(n_plat)])[p].append(index)

        for p in range(n_plat):
            h = self.platform_hall[p] + 1
            tag = f"P{p + 1:02d}"
            suv = 1.05 if rng.random() < 0.4 else 1.0
            for slot_name, id_, name, shop, jobs, lead in (
                ("panels", f"PANELS-{tag}", f"Stamped panel set {tag}", f"press-H{h}", 1.0, 0),
                ("biw", f"BIW-{tag}", f"Body in white {tag}", f"body-H{h}", 1.0, 1),
                ("painted", f"PAINTED-{tag}", f"Painted body {tag}", f"paint-H{h}", suv, 0),
                ("seats", f"SEATS-{tag}-STD", f"Seat set {tag}, standard", "modules", 0.5, 0),
                ("seats", f"SEATS-{tag}-LUX", f"Seat set {tag}, luxury", "modules", 0.6, 0),
                ("cockpit", f"COCKPIT-{tag}", f"Cockpit module {tag}", "modules", 0.4, 0),
                ("doors", f"DOORS-{tag}", f"Door module set {tag}", "modules", 0.3, 0),
                ("ecu", f"ECU-{tag}", f"ADAS domain controller {tag}", "modules", 0.2, 0),
            ):
                slot(slot_name, p, add(_Made(id_, name, shop, jobs, lead, slot_name, p)))
            pack_count = 2 if per_platform[p] <= 3 else 3
            for k in range(pack_count):
                kwh = float(rng.uniform(60, 110))
                slot(
                    "pack",
                    p,
                    add(
                        _Made(
                            f"PACK-{tag}-{'ABC'[k]}",
                            f"Battery pack {tag}-{'ABC'[k]}, {kwh:.0f} kWh",
                            "battery",
                            round(kwh / 80, 2),
                            1,
                            "pack",
                            p,
                        )
                    ),
                )
        # E-drive units are plant-wide; each platform uses two or three of them.
        edus = max(3, n_plat)
        self.edu_index = []
        for k in range(edus):
            kw = int(rng.integers(15, 45)) * 10
            axle = "front" if k % 3 == 1 else "rear"
            self.edu_index.append(
                add(
                    _Made(
                        f"EDU-{k + 1:02d}",
                        f"E-drive unit {k + 1}, {kw} kW, {axle} axle",
                        "edrive",
                        round(kw / 250, 2),
                        1,
                        "edu",
                        -1,
                    )
                )
            )
        self.platform_edus = [
            sorted(rng.choice(edus, size=min(3, edus), replace=False).tolist())
            for _ in range(n_plat)
        ]
        for p in range(n_plat):
            for e in self.platform_edus[p]:
                slot("edu", p, self.edu_index[e])

        # Vehicle BOM: assemblies (parents and children are both made items here).
        self.bom = _Bom()
        for v in range(self.vehicles):
            p = self.variant_platform[v]
            s = self.slots
            self.bom.add(v, s["painted"][p][0])
            packs = s["pack"][p]
            self.bom.add(v, packs[min(len(packs) - 1, int(rng.integers(len(packs))))])
            units = self.platform_edus[p]
            for e in units[: min(self.variant_edus[v], len(units))]:
                self.bom.add(v, self.edu_index[e], 1.0)
            self.bom.add(v, s["seats"][p][self.variant_trim[v]])
            for name in ("cockpit", "doors", "ecu"):
                self.bom.add(v, s[name][p][0])
        for p in range(n_plat):
            self.bom.add(self.slots["painted"][p][0], self.slots["biw"][p][0])
            self.bom.add(self.slots["biw"][p][0], self.slots["panels"][p][0])
        self.jobs_per_car = self._jobs_per_car()

    def _jobs_per_car(self) -> dict[str, float]:
        """Jobs one car needs of each kind of shop (hall suffix dropped), averaged over the
        variants weighted by their volumes."""
        children: dict[int, list[tuple[int, float]]] = {}
        for parent, child, quantity in zip(
            self.bom.parent, self.bom.child, self.bom.quantity, strict=True
        ):
            children.setdefault(parent, []).append((child, quantity))
        jobs: dict[str, float] = {}
        for v in range(self.vehicles):
            p = self.variant_platform[v]
            weight = self.variant_share[v] * self.market[p] / sum(self.market)
            stack = [(v, 1.0)]
            while stack:
                made, units = stack.pop()
                code = self.made[made].shop.split("-H")[0]
                jobs[code] = jobs.get(code, 0.0) + weight * units * self.made[made].jobs
                stack.extend((c, units * q) for c, q in children.get(made, ()))
        return jobs

    # --- parts ---------------------------------------------------------------------------------

    def parts(self) -> None:
        size, rng = self.size, self.rng
        n_plat = size.platforms
        first_part = len(self.made)
        ids: list[str] = []
        names: list[str] = []
        units: list[str] = []
        price: list[float] = []
        lead: list[int] = []
        pool: list[str] = []  # supplier pool
        key_kind: list[str] = []  # "" for commodity parts

        # Constrained parts: global ones first, then chips of single platforms.
        def key(kind: str, n: int, label: str, unit: str = "ea") -> int:
            k = KEY_KINDS[kind]
            ids.append(f"{kind}-{label}{n:02d}")
            names.append(f"{k.noun} {label}{n:02d}".replace("  ", " "))
            units.append(unit)
            price.append(round(float(rng.uniform(*k.price)), 2))
            lead.append(int(rng.integers(6, MAX_LEAD + 1)))
            pool.append("KEY")
            key_kind.append(kind)
            return first_part + len(ids) - 1

        n_key = size.constrained
        cells = [key("CELL", n + 1, "") for n in range(max(2, n_plat // 2))]
        adas = [key("SOC-ADAS", n + 1, "") for n in range(max(2, n_plat // 3))]
        ckpt = [key("SOC-CKPT", n + 1, "") for n in range(max(1, n_plat // 4))]
        mcus = [key("MCU", n + 1, "") for n in range(max(2, n_plat // 3))]
        sics = [key("SIC", n + 1, "") for n in range(max(2, len(self.edu_index) // 2))]
        remaining = max(0, n_key - len(ids))
        chips_of: list[list[int]] = [[] for _ in range(n_plat)]
        for n in range(remaining):
            p = n % n_plat
            kind = PLATFORM_CHIPS[(n // n_plat) % len(PLATFORM_CHIPS)]
            chips_of[p].append(key(kind, n // n_plat + 1, f"P{p + 1:02d}-"))
        self.constrained = np.arange(first_part, first_part + len(ids))

        bom = self.bom
        s = self.slots
        for p in range(n_plat):
            for pack in s["pack"][p]:
                cell = cells[int(rng.integers(len(cells)))]
                bom.add(pack, cell, float(rng.integers(96, 193)), 0.995)
            ecu = s["ecu"][p][0]
            bom.add(ecu, adas[p % len(adas)], float(rng.choice([1, 2])))
            bom.add(s["cockpit"][p][0], ckpt[p % len(ckpt)], 1.0)
            for name in ("ecu", "cockpit", "doors", "seats"):
                for parent in s[name][p]:
                    picks = rng.choice(len(mcus), size=min(2, len(mcus)), replace=False)
                    for m in picks[: int(rng.integers(1, 3))]:
                        bom.add(parent, mcus[int(m)], float(rng.integers(2, 9)))
            variants = [v for v in range(self.vehicles) if self.variant_platform[v] == p]
            for chip in chips_of[p]:
                where = rng.random()
                if where < 0.4:
                    bom.add(ecu, chip, float(rng.choice([1, 2, 4])))
                elif where < 0.6:
                    bom.add(s["cockpit"][p][0], chip, float(rng.choice([1, 2])))
                else:  # an option of some variants of the platform (a LiDAR on the top trims)
                    users = variants[len(variants) // 2 :] if where < 0.8 else variants
                    quantity = float(rng.choice([1, 1, 2, 3]))
                    for v in users:
                        bom.add(v, chip, quantity)
        for number, e in enumerate(self.edu_index):
            bom.add(e, sics[number % len(sics)], float(rng.choice([3, 6])))
            bom.add(e, mcus[number % len(mcus)], float(rng.integers(2, 5)))

        # Commodity parts.
        commodity = size.parts - len(ids)
        shares = np.array([c.share for c in CATEGORIES])
        counts = np.maximum(2 * n_plat, np.floor(shares / shares.sum() * commodity)).astype(int)
        counts[0] += commodity - counts.sum()  # general assembly takes the rounding
        number = 0
        scope_names = ("own", "platform", "cross", "all")
        for c, category in enumerate(CATEGORIES):
            n = int(counts[c])
            slot_parents = s[category.slot] if category.slot != "vehicle" else None
            by_platform = (
                [
                    [v for v in range(self.vehicles) if self.variant_platform[v] == p]
                    for p in range(n_plat)
                ]
                if slot_parents is None
                else slot_parents
            )
            everything = [m for group in by_platform for m in group]
            unit_names = [u for u, _ in category.units]
            unit_p = np.array([w for _, w in category.units])
            drawn_units = rng.choice(len(unit_names), size=n, p=unit_p / unit_p.sum())
            drawn_scopes = rng.choice(4, size=n, p=np.array(category.scopes))
            platforms = rng.integers(0, n_plat, size=n)
            leads = rng.integers(category.lead[0], category.lead[1] + 1, size=n)
            long_lead = rng.random(n) < 0.05
            leads = np.where(long_lead, rng.integers(5, MAX_LEAD + 1, size=n), leads)
            for j in range(n):
                unit = unit_names[int(drawn_units[j])]
                scope = scope_names[int(drawn_scopes[j])]
                p = int(platforms[j])
                if j < len(everything):  # every parent gets at least one part of its category
                    parents = [everything[j]]
                elif scope == "own" or (scope == "cross" and n_plat == 1):
                    group = by_platform[p]
                    parents = [group[int(rng.integers(len(group)))]] if group else []
                elif scope == "platform":
                    parents = list(by_platform[p])
                elif scope == "cross":
                    k = int(rng.integers(2, min(3, n_plat) + 1))
                    chosen = np.sort(rng.choice(n_plat, size=k, replace=False))
                    parents = [m for q in chosen.tolist() for m in by_platform[q]]
                else:
                    parents = list(everything)
                parents = list(dict.fromkeys(parents))  # e-drive units are shared by platforms
                if not parents:
                    parents = [everything[int(rng.integers(len(everything)))]]
                number += 1
                item = first_part + len(ids)
                ids.append(f"{category.code}-{number:06d}")
                names.append(f"{category.noun} {number:06d}")
                units.append(unit)
                lead.append(int(leads[j]))
                pool.append(category.code)
                key_kind.append("")
                quantities = QUANTITIES[unit]
                quantity = float(quantities[int(rng.integers(len(quantities)))])
                yield_ = 1.0
                if category.code == "RAW":
                    quantity = float(rng.integers(30, 400))
                    yield_ = round(float(rng.uniform(0.58, 0.72)), 2)
                elif unit == "ea" and rng.random() < 0.08:  # fasteners, clips, weld studs
                    quantity = float(rng.integers(10, 120))
                elif rng.random() < 0.03:
                    yield_ = round(float(rng.uniform(0.97, 0.995)), 3)
                median = PRICE_MEDIAN[unit] / (10 if quantity >= 10 else 1)
                price.append(float(rng.lognormal(math.log(median), 1.1)))
                for parent in parents:
                    bom.add(parent, item, quantity, yield_)
        self.part_ids = ids
        self.part_names = names
        self.part_units = units
        self.part_price = np.array(price)
        self.part_lead = np.array(lead, dtype=np.int64)
        self.part_pool = pool
        self.part_key = key_kind
        self.first_part = first_part

    # --- explosion, costs, prices --------------------------------------------------------------

    def explode(self) -> None:
        """Gross quantity of every item in one unit of each vehicle; rolled-up costs."""
        n = self.first_part + len(self.part_ids)
        b = self.bom
        gross = np.array(b.quantity) / np.array(b.yield_)
        per_parent = sp.csr_matrix((gross, (b.parent, b.child)), shape=(n, n))
        level = sp.identity(n, format="csr")[: self.vehicles]
        total = sp.csr_matrix((self.vehicles, n))
        while level.nnz:
            level = level @ per_parent
            total = total + level
        self.gross = sp.csc_matrix(total)  # (vehicles, items)
        price = np.zeros(n)
        price[self.first_part :] = self.part_price
        commodity = np.zeros(n, dtype=bool)
        commodity[self.first_part :] = [k == "" for k in self.part_key]
        # Scale commodity prices so that a vehicle's commodity parts cost COMMODITY_COST.
        per_vehicle = self.gross @ np.where(commodity, price, 0.0)
        scale = COMMODITY_COST / float(per_vehicle.mean())
        price = np.where(commodity, np.maximum(0.01, np.round(price * scale, 2)), price)
        self.part_price = price[self.first_part :]
        cost = price.copy()
        for _ in range(8):  # bills of material are at most five levels deep
            cost = price + per_parent @ cost
        self.unit_cost = np.round(cost, 2)

    # --- demand curves ------------------------------------------------------------------------

    def demand_curves(self) -> None:
        """Cars a week each variant's customers want, and what the plant can roughly build."""
        size, rng = self.size, self.rng
        horizon = size.weeks
        t = np.arange(horizon)
        market = self.market
        phase = rng.uniform(0, 2 * np.pi, size=size.platforms)
        wanted = np.zeros((self.vehicles, horizon))
        for v in range(self.vehicles):
            p = self.variant_platform[v]
            launch = self.platform_launch[p]
            surge = 1 + 0.4 * np.exp(-np.maximum(0, t - launch) / 8)
            season = 1 + 0.08 * np.sin(2 * np.pi * t / 52 + phase[p])
            noise = rng.uniform(0.85, 1.15, size=horizon)
            active = t >= self.variant_launch[v]
            wanted[v] = market[p] * self.variant_share[v] * surge * season * noise * active
        self.wanted = wanted
        # What the plant can build: each hall's demand capped by its paint shop (slowest ramp).
        made = np.zeros_like(wanted)
        halls = np.array([self.platform_hall[p] for p in self.variant_platform])
        for h in range(self.halls):
            mine = halls == h
            want = wanted[mine].sum(axis=0)
            paint = self.capacity[self.shop_index[f"paint-H{h + 1}"]]
            ratio = np.divide(0.95 * paint, want, out=np.ones(horizon), where=want > 0)
            made[mine] = wanted[mine] * np.minimum(1.0, ratio)
        self.buildable = made

    # --- suppliers ----------------------------------------------------------------------------

    def suppliers(self) -> None:
        size, rng = self.size, self.rng
        n_parts = len(self.part_ids)
        first = self.first_part
        horizon = size.weeks
        # The most each part can be consumed in a week (evramp's bound for free parts): for
        # each shop, the most jobs a week times the largest quantity per job of its parents.
        b = self.bom
        parent = np.array(b.parent)
        child = np.array(b.child)
        gross = np.array(b.quantity) / np.array(b.yield_)
        made_shop = np.array([self.shop_index[m.shop] for m in self.made])
        made_jobs = np.array([m.jobs for m in self.made])
        is_part = child >= first
        ratio = gross[is_part] / made_jobs[parent[is_part]]
        n_shops = len(self.most_jobs)
        pair = (child[is_part] - first) * n_shops + made_shop[parent[is_part]]
        largest = np.zeros(n_parts * n_shops)
        np.maximum.at(largest, pair, ratio)
        bound = (largest.reshape(n_parts, n_shops) * self.most_jobs).sum(axis=1)

        # Supplier pools: the strategic suppliers of constrained parts, then one pool per
        # category in proportion to its parts.
        codes = ["KEY", *(c.code for c in CATEGORIES)]
        pool_index = {code: n for n, code in enumerate(codes)}
        part_pool = np.array([pool_index[p] for p in self.part_pool])
        per_pool = np.bincount(part_pool, minlength=len(codes)).astype(float)
        key_suppliers = max(4, min(size.suppliers // 10, size.constrained // 6))
        rest = size.suppliers - key_suppliers
        share = per_pool[1:] / per_pool[1:].sum()
        pool_sizes = [key_suppliers, *np.maximum(1, np.floor(share * rest)).astype(int).tolist()]
        pool_sizes[1] += size.suppliers - sum(pool_sizes)
        names: list[list[str]] = []
        number = 0
        for code, count in zip(codes, pool_sizes, strict=True):
            names.append([f"S-{code}-{number + k + 1:04d}" for k in range(count)])
            number += count

        primary = np.zeros(n_parts, dtype=np.int64)  # supplier number within its pool
        for number in range(len(codes)):
            members = np.flatnonzero(part_pool == number)
            count = len(names[number])
            order = rng.permutation(members)
            zipf = 1.0 / np.arange(1, count + 1) ** 0.8
            picks = rng.choice(count, size=len(order), p=zipf / zipf.sum())
            picks[: min(count, len(order))] = rng.permutation(count)[: min(count, len(order))]
            primary[order] = picks

        key = np.array([k != "" for k in self.part_key])
        is_raw_or_chem = np.isin(part_pool, [pool_index["RAW"], pool_index["CHEM"]])
        second = np.where(key, rng.random(n_parts) < 0.4, rng.random(n_parts) < 0.10)
        pool_count = np.array([len(names[p]) for p in part_pool])
        second &= pool_count >= 2
        mixed = np.zeros(n_parts, dtype=bool)  # a cheap limited line beside a dear ample one
        candidates = np.flatnonzero(second & ~key)
        mixed[
            rng.choice(candidates, size=min(len(candidates), max(2, n_parts // 500)), replace=False)
        ] = True

        # Expected weekly need of each part from what the plant can build, by arrival week
        # (two weeks ahead of the vehicle's completion).
        need: FloatArray = np.asarray(self.gross[:, first:].T @ self.buildable)  # (parts, weeks)
        need = np.concatenate([need[:, 2:], np.repeat(need[:, -1:], 2, axis=1)], axis=1)

        rows: list[Supplier] = []
        profiles: list[SupplierCapacity] = []
        quarters = list(range(0, horizon, QUARTER))
        for j in range(n_parts):
            item = self.part_ids[j]
            pool = names[part_pool[j]]
            sup1 = pool[int(primary[j])]
            lead1 = int(self.part_lead[j])
            price1 = float(self.part_price[j])
            sup2, lead2, price2 = "", lead1, price1
            if second[j]:
                other = int(rng.integers(len(pool) - 1))
                sup2 = pool[other + (other >= primary[j])]
                faster = rng.random() < 0.7
                lead2 = (
                    max(1, lead1 - int(rng.integers(1, 4))) if faster else min(MAX_LEAD, lead1 + 1)
                )
                price2 = round(price1 * float(rng.uniform(1.02, 1.08)), 2)
            if key[j]:
                kind = KEY_KINDS[self.part_key[j]]
                levels = self._profile(need[j], quarters)
                split = float(rng.uniform(0.6, 0.75)) if sup2 else 1.0
                lines = [(sup1, lead1, price1, split)]
                if sup2:
                    lines.append((sup2, lead2, price2, 1 - split))
                for sup, lt, pr, part in lines:
                    caps = nice_ceil(levels * part)
                    rows.append(
                        Supplier(
                            supplier=sup,
                            item=item,
                            capacity=float(caps[0]),
                            lead_time=lt,
                            price=pr,
                            moq=kind.lot * 2,
                            lot_multiple=kind.lot,
                        )
                    )
                    for q in range(1, len(quarters)):
                        if caps[q] != caps[q - 1]:
                            profiles.append(
                                SupplierCapacity(
                                    supplier=sup,
                                    item=item,
                                    start=_week(quarters[q]),
                                    capacity=float(caps[q]),
                                )
                            )
                continue
            ample = float(nice_ceil(np.array(1.25 * bound[j])))
            unlimited = is_raw_or_chem[j] and rng.random() < 0.5
            if mixed[j]:  # the cheap line cannot carry the plant; the dear one can
                cap1: float | None = float(nice_ceil(np.array(0.6 * need[j].max() + 1)))
                cap2: float | None = ample
            else:
                cap1 = None if unlimited else ample
                cap2 = float(nice_ceil(np.array(0.6 * bound[j] + 1)))
            rows.append(
                Supplier(supplier=sup1, item=item, capacity=cap1, lead_time=lead1, price=price1)
            )
            if sup2:
                rows.append(
                    Supplier(supplier=sup2, item=item, capacity=cap2, lead_time=lead2, price=price2)
                )
        self.supplier_records = tuple(rows)
        self.profile_records = tuple(profiles)
        self.need = need

    def _profile(self, need: FloatArray, quarters: Sequence[int]) -> FloatArray:
        """Weekly capacity of a constrained part per quarter: the quarter's peak need times a
        factor, below 1 in the first one to three quarters the part is needed (its ramp) and,
        for some parts, in one later quarter; 1.05-1.35 elsewhere. Before the part is needed,
        half the first quarter's capacity (a pre-series allocation)."""
        rng = self.rng
        peaks = np.array([need[q : q + QUARTER].max() for q in quarters])
        count = len(peaks)
        if not (peaks > 0).any():
            return np.ones(count)
        first = int(np.argmax(peaks > 0))
        factor = rng.uniform(1.05, 1.35, size=count)
        short = list(range(first, min(count, first + int(rng.integers(1, 4)))))
        if rng.random() < 0.3:
            short.append(int(rng.integers(first, count)))
        factor[short] = rng.uniform(0.8, 0.97, size=len(short))
        levels = peaks * factor
        levels[:first] = 0.5 * levels[first]
        result: FloatArray = np.maximum(levels, 1.0)
        return result

    # --- stock and receipts --------------------------------------------------------------------

    def stock(self) -> None:
        rng = self.rng
        first = self.first_part
        inventory: list[Inventory] = []
        receipts: list[Receipt] = []
        key = self.constrained - first
        need = self.need
        for j in key.tolist():
            early = need[j, self.trial[0] : self.sop[0] + 12]
            weekly = float(early.max()) if early.size and early.max() > 0 else float(need[j].max())
            draw = rng.random()
            if draw < 0.3:
                inventory.append(
                    Inventory(item=self.part_ids[j], on_hand=float(nice_ceil(np.array(2 * weekly))))
                )
            elif draw < 0.6:
                for t in (self.trial[0] - 2, self.trial[0] + 3, self.sop[0]):
                    receipts.append(
                        Receipt(
                            item=self.part_ids[j],
                            due=_week(t),
                            quantity=float(nice_ceil(np.array(1.5 * weekly + 1))),
                        )
                    )
        # Leftovers of the prototype phase: a few commodity parts in stock.
        commodity = np.flatnonzero(np.array([k == "" for k in self.part_key]))
        leftovers = rng.choice(commodity, size=max(3, len(self.part_ids) // 400), replace=False)
        per_car = np.asarray(self.gross[:, first:].max(axis=0).todense()).ravel()
        for j in np.sort(leftovers).tolist():
            inventory.append(
                Inventory(
                    item=self.part_ids[j], on_hand=float(nice_ceil(np.array(150 * per_car[j])))
                )
            )
        # Work in progress: bodies in white welded before the plan, finishing in trial.
        for p in range(0, self.size.platforms, 2):
            h = self.platform_hall[p]
            receipts.append(
                Receipt(item=f"BIW-P{p + 1:02d}", due=_week(self.trial[h] + 1), quantity=30.0)
            )
        self.inventory_records = tuple(sorted(inventory, key=lambda r: r.item))
        self.receipt_records = tuple(receipts)

    # --- orders -------------------------------------------------------------------------

    def demand(self) -> None:
        size, rng = self.size, self.rng
        horizon = size.weeks
        forecast_from = horizon - round(0.25 * horizon)
        cost = self.unit_cost[: self.vehicles]
        markup = rng.uniform(1.25, 1.5, size=self.vehicles)
        self.list_price = np.round(cost * markup, -2)
        volume = np.round(self.wanted)
        orders = volume[:, :forecast_from]
        forecast = volume[:, forecast_from:]
        fc_v, fc_t = np.nonzero(forecast >= 1)
        fc_t = fc_t + forecast_from
        target = max(1, size.demand_lines - len(fc_v))
        # Orders per variant-week in proportion to its volume (week-major order).
        week, variant = np.nonzero(orders.T >= 1)
        vol = orders[variant, week]
        exact = vol * target / vol.sum()
        count = np.minimum(vol, np.maximum(1, np.floor(exact)))
        short = int(target - count.sum())
        if short > 0:
            room = np.flatnonzero(count < vol)
            best = room[np.argsort(-(exact - np.floor(exact))[room], kind="stable")][:short]
            count[best] += 1
        count = count.astype(np.int64)
        group = np.repeat(np.arange(len(count)), count)
        weights = rng.gamma(2.0, size=len(group))
        total_w = np.bincount(group, weights=weights)
        spare = (vol - count)[group]
        quantity = 1 + np.floor(weights / total_w[group] * spare)
        missing = vol - np.bincount(group, weights=quantity, minlength=len(count))
        starts = np.r_[0, np.cumsum(count)[:-1]]
        quantity[starts] += missing
        o_variant = variant[group]
        o_week = week[group]
        day = rng.integers(0, 5, size=len(group))
        priority = 1 + rng.choice(3, size=len(group), p=np.array(PRIORITY_SHARES))
        discount = np.array(DISCOUNT_LEVELS)[
            rng.choice(len(DISCOUNT_LEVELS), size=len(group), p=np.array(DISCOUNT_SHARES))
        ]
        price = np.round(self.list_price[o_variant] * (1 - discount), -2)
        rate = np.array([0.0, *PENALTY_RATE.values()])[priority]
        penalty = np.round(price * rate, -1)
        vehicle_ids = [m.id for m in self.made[: self.vehicles]]
        lines: list[Order] = []
        for n, (v, t, d, q, pr, pe, prio) in enumerate(
            zip(
                o_variant.tolist(),
                o_week.tolist(),
                day.tolist(),
                quantity.tolist(),
                price.tolist(),
                penalty.tolist(),
                priority.tolist(),
                strict=True,
            )
        ):
            lines.append(
                Order(
                    id=f"SO-{n + 1:07d}",
                    variant=vehicle_ids[v],
                    quantity=q,
                    due=FIRST_WEEK + dt.timedelta(days=7 * t + d),
                    priority=prio,
                    price=pr,
                    lateness_penalty=pe,
                )
            )
        fc_order = np.lexsort((fc_v, fc_t))
        for v, t in zip(fc_v[fc_order].tolist(), fc_t[fc_order].tolist(), strict=True):
            list_price = float(self.list_price[v])
            lines.append(
                Order(
                    id=f"FC-{vehicle_ids[v]}-W{t:03d}",
                    variant=vehicle_ids[v],
                    quantity=float(volume[v, t]),
                    due=_week(t),
                    priority=3,
                    price=list_price,
                    lateness_penalty=round(list_price * FORECAST_PENALTY_RATE, -1),
                    kind="forecast",
                )
            )
        self.demand_records = tuple(lines)

    # --- records -------------------------------------------------------------------------------

    def scenario(self) -> Scenario:
        size = self.size
        items: list[Item] = []
        for n, made in enumerate(self.made):
            cost = float(self.unit_cost[n])
            items.append(
                Item(
                    id=made.id,
                    kind=made.kind,
                    name=made.name,
                    unit_cost=cost,
                    holding_cost=round(cost * HOLDING_RATE, 4),
                )
            )
        for j, id_ in enumerate(self.part_ids):
            cost = float(self.part_price[j])
            items.append(
                Item(
                    id=id_,
                    kind="part",
                    name=self.part_names[j],
                    unit=self.part_units[j],
                    unit_cost=cost,
                    holding_cost=round(cost * HOLDING_RATE, 4),
                )
            )
        item_ids = [item.id for item in items]
        b = self.bom
        bom = tuple(
            BomLine(parent=item_ids[p], child=item_ids[c], quantity=q, yield_=y)
            for p, c, q, y in zip(b.parent, b.child, b.quantity, b.yield_, strict=True)
        )
        routings = tuple(
            Routing(item=m.id, shop=m.shop, jobs_per_unit=m.jobs, lead_time=m.lead)
            for m in self.made
        )
        return Scenario(
            name=f"Benchmark plant {size.name} (seed {self.seed})",
            notes=(
                f"Generated by benchmarks/generate.py {size.name} --seed {self.seed}: "
                f"{size.platforms} platforms in {self.halls} hall{'s' if self.halls > 1 else ''}, "
                f"{size.variants} variants, "
                f"{len(self.part_ids):,} purchased parts ({len(self.constrained)} "
                f"capacity-constrained), {size.weeks} weeks. See the generator's docstring."
            ),
            calendar=self.calendar,
            items=tuple(items),
            bom=bom,
            shops=self.shop_records,
            routings=routings,
            suppliers=self.supplier_records,
            demand=self.demand_records,
            phases=self.phase_records,
            shifts=self.shift_records,
            ramps=self.ramp_records,
            supplier_capacity=self.profile_records,
            inventory=self.inventory_records,
            receipts=self.receipt_records,
        )

    def build(self) -> Scenario:
        self.structure()
        self.shops()
        self.parts()
        self.explode()
        self.demand_curves()
        self.suppliers()
        self.stock()
        self.demand()
        return self.scenario()


def generate(size: str, seed: int = 0) -> Scenario:
    """The benchmark scenario of `size` (S, M, L or XL) drawn with `seed`."""
    key = size.upper()
    if key not in SIZES:
        raise ValueError(f"unknown size {size!r}; expected one of {', '.join(SIZES)}")
    return _Builder(SIZES[key], seed).build()


def write(size: str, folder: str | Path | None = None, seed: int = 0) -> Path:
    """Generate the scenario and write it to `folder` (default `out/bench/<SIZE>`)."""
    target = Path(folder) if folder is not None else Path("out") / "bench" / size.upper()
    return write_scenario(generate(size, seed), target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=[*SIZES, *(s.lower() for s in SIZES)])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="folder (default out/bench/SIZE)")
    args = parser.parse_args()
    started = time.perf_counter()
    scenario = generate(args.size, args.seed)
    generated = time.perf_counter() - started
    target = args.out if args.out is not None else Path("out") / "bench" / args.size.upper()
    write_scenario(scenario, target)
    total = time.perf_counter() - started
    megabytes = sum(p.stat().st_size for p in target.iterdir()) / 1e6
    print(f"wrote {target}: {megabytes:.1f} MB in {total:.2f} s (generate {generated:.2f} s)")
    for name in (
        "items",
        "bom",
        "shops",
        "shifts",
        "phases",
        "ramps",
        "routings",
        "suppliers",
        "supplier_capacity",
        "demand",
        "inventory",
        "receipts",
    ):
        print(f"  {name:18} {len(scenario.table(name)):>9,}")


if __name__ == "__main__":
    main()
