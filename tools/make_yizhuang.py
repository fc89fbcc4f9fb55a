#!/usr/bin/env python3
"""Write the built-in default scenario `scenarios/yizhuang/`: Xiaomi's EV plant, Yizhuang, Beijing.

Run from anywhere: ``python tools/make_yizhuang.py``. Standard library only, fixed random seed, so
the output is the same on every run. Every table of the scenario comes from this script: the
hand-written ones (calendar, shops, phases, ramp, variants, key parts and their suppliers) are
literals below, the big ones (commodity parts, their BOM lines and suppliers, stock, customer
orders and forecast) are generated from compact literals. `scenarios/yizhuang/README.md` is
written by hand and documents every figure.

Figures marked "seed NNN" come from the seed article `NNN_*.txt` (file names and titles under
"Sources" in `scenarios/yizhuang/README.md`), "public" from the secondary sources the README names
by site; everything else is an assumption a user can change here or in the CSV files.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

SEED = 20240328  # the SU7 launch day
OUT = Path(__file__).resolve().parent.parent / "scenarios" / "yizhuang"
D = dt.date.fromisoformat

# --- calendar ------------------------------------------------------------------------------------

FIRST_WEEK = D("2023-08-07")  # the plan starts in August 2023, when trial production began
HORIZON_WEEKS = 178  # last week starts 2026-12-28
HOURS_PER_SHIFT = 8
SHUTDOWNS: list[tuple[str, dt.date, int, tuple[str, ...]]] = [
    # (name, start Monday, weeks, shops; empty = whole plant)
    ("Spring Festival 2024", D("2024-02-12"), 1, ()),
    ("Spring Festival 2025", D("2025-01-27"), 1, ()),
    ("Phase-2 tie-in of body and paint conveyors", D("2025-05-26"), 1, ("body", "paint")),
    ("Spring Festival 2026", D("2026-02-16"), 1, ()),
]

# --- shops, phases, ramp -------------------------------------------------------------------------
# id, name, rate (jobs/h), shifts/day, days/week, availability. Capacity a week =
# rate x 8 h x shifts x days x availability; assembly: 44 x 8 x 2 x 5 x 0.85 = 2,992 cars a week.
SHOPS = [
    ("press", "Stamping: tandem press line, one job = one car's panel set", 64, 2, 5, 0.72),
    ("diecast", "Die casting: 9,100 t press, one job = one rear-floor shot", 30, 3, 6, 0.80),
    ("body", "Body in white: welding, bonding, closures", 50, 2, 5, 0.88),
    ("paint", "Paint shop: pretreatment, e-coat, sealer, primer, base, clear coat", 50, 2, 5, 0.78),
    ("battery", "Battery pack assembly (cell-to-body packs)", 54, 2, 5, 0.85),
    ("assembly", "General assembly: trim, chassis, final, end-of-line test", 44, 2, 5, 0.85),
]
PHASE2_START = D("2025-06-02")  # phase 2 producing from mid-2025 (public)
PHASES = [  # shop, name, start, added rate (jobs/h), ramp weeks
    ("press", "phase2", PHASE2_START, 60, 20),
    ("diecast", "phase2", D("2025-05-05"), 30, 22),  # second giga-press cell, starts a month early
    ("body", "phase2", PHASE2_START, 50, 24),
    ("paint", "phase2", PHASE2_START, 54, 30),  # paint ramps slowest again
    ("battery", "phase2", PHASE2_START, 60, 24),
    ("assembly", "phase2", PHASE2_START, 44, 26),
]
# Trial production from the last week of August 2023 (public: ~50 a week "from August 2023"); the
# three weeks before it let the 1-3-week call-offs of commodity parts arrive, so that they need no
# stock and the planner can plan them just in time outside the LP.
TRIAL_START, SOP = D("2023-08-28"), D("2024-02-19")  # SOP the Monday after Spring Festival 2024
# shop, trial_start, trial_rate (jobs/week), sop, ramp_weeks, curve,
# learning_rate, full_volume, start_volume (the last three for curve "learning")
RAMPS: list[
    tuple[str, dt.date, int, dt.date, int | str, str, float | str, int | str, int | str]
] = [
    ("press", TRIAL_START, 60, SOP, 20, "linear", "", "", ""),
    ("diecast", TRIAL_START, 60, SOP, 22, "s-curve", "", "", ""),
    ("body", TRIAL_START, 55, SOP, 24, "s-curve", "", "", ""),
    ("paint", TRIAL_START, 50, SOP, 36, "s-curve", "", "", ""),  # paint is the slow starter
    ("battery", TRIAL_START, 70, SOP, 24, "s-curve", "", "", ""),
    # Final assembly learns by doing: 85 % learning rate, full rate after 60,000 cars, 300 cars
    # of prototype experience before trial production.
    ("assembly", TRIAL_START, 50, SOP, "", "learning", 0.85, 60000, 300),
]

# Lot sizing of supplier lines (supplier, item): (minimum order quantity, lot multiple); used by
# `evramp mrp` to round planned orders and by integer mode. Assumptions: chips come on reels
# and in trays, cells by the pallet, the V8s in transport racks of 8.
LOT_SIZES: dict[tuple[str, str], tuple[float, float]] = {
    ("Infineon", "MCU-AUTO-32"): (10000, 2500),
    ("MCU-SUP-B", "MCU-AUTO-32"): (5000, 2500),
    ("NVIDIA", "SOC-ORIN-X"): (60, 60),
    ("NVIDIA", "SOC-ORIN-N"): (60, 60),
    ("Qualcomm", "SOC-QCOM-8295"): (100, 50),
    ("CATL", "CELL-NCM-612"): (2000, 500),
    ("Xiaomi-EMotor", "EM-V8S"): (8, 8),
}

# --- variants ------------------------------------------------------------------------------------


class Variant(TypedDict):
    name: str
    model: str  # S = SU7 body, Y = YU7 body
    pack: str
    motors: dict[str, int]  # item: count per car
    inverters: dict[str, int]
    socs: dict[str, int]  # ADAS SoCs
    mcus: int  # MCUs per car
    jobs: float  # assembly jobs per car
    launch: dt.date  # first order due
    price: int
    late: int  # lateness penalty of an order
    late_fc: int  # lateness penalty of a forecast


VARIANTS: dict[str, Variant] = {
    "SU7": Variant(
        name="Xiaomi SU7, RWD, 73.6 kWh LFP, V6 220 kW, 1x Orin N",
        model="S",
        pack="PACK-LFP-73.6",
        motors={"EM-V6": 1},
        inverters={"INV-SIC-400": 1},
        socs={"SOC-ORIN-N": 1},
        mcus=22,
        jobs=1.0,
        launch=D("2024-04-03"),
        price=215900,
        late=1500,
        late_fc=400,
    ),
    "SU7-PRO": Variant(
        name="Xiaomi SU7 Pro, RWD, 94.3 kWh LFP, V6 220 kW, 2x Orin-X",
        model="S",
        pack="PACK-LFP-94.3",
        motors={"EM-V6": 1},
        inverters={"INV-SIC-400": 1},
        socs={"SOC-ORIN-X": 2},
        mcus=24,
        jobs=1.0,
        launch=D("2024-04-03"),
        price=245900,
        late=1800,
        late_fc=500,
    ),
    "SU7-MAX": Variant(
        name="Xiaomi SU7 Max, AWD, 101 kWh CATL NCM 800 V, V6 + V6s, 2x Orin-X",
        model="S",
        pack="PACK-NCM-101",
        motors={"EM-V6": 1, "EM-V6S": 1},
        inverters={"INV-SIC-800": 2},
        socs={"SOC-ORIN-X": 2},
        mcus=26,
        jobs=1.0,
        launch=D("2024-04-03"),
        price=299900,
        late=2200,
        late_fc=600,
    ),
    "SU7-ULTRA": Variant(
        name="Xiaomi SU7 Ultra, tri-motor 2x V8s + V6s, 93.7 kWh NCM (assumption)",
        model="S",
        pack="PACK-NCM-93.7",
        motors={"EM-V8S": 2, "EM-V6S": 1},
        inverters={"INV-SIC-800": 3},
        socs={"SOC-ORIN-X": 2},
        mcus=28,
        jobs=1.25,
        launch=D("2025-03-03"),
        price=529900,
        late=3000,
        late_fc=800,
    ),
    "YU7": Variant(
        name="Xiaomi YU7 SUV, RWD, 96.3 kWh LFP 800 V, V6s, 1x Thor (assumption)",
        model="Y",
        pack="PACK-LFP-96.3",
        motors={"EM-V6S": 1},
        inverters={"INV-SIC-800-G2": 1},
        socs={"SOC-THOR": 1},
        mcus=24,
        jobs=1.0,
        launch=D("2025-07-07"),
        price=253500,
        late=1600,
        late_fc=400,
    ),
    "YU7-PRO": Variant(
        name="Xiaomi YU7 Pro SUV, AWD, 96.3 kWh LFP 800 V, V6 + V6s (assumption)",
        model="Y",
        pack="PACK-LFP-96.3",
        motors={"EM-V6": 1, "EM-V6S": 1},
        inverters={"INV-SIC-800-G2": 2},
        socs={"SOC-THOR": 1},
        mcus=26,
        jobs=1.0,
        launch=D("2025-07-07"),
        price=279900,
        late=1900,
        late_fc=500,
    ),
    "YU7-MAX": Variant(
        name="Xiaomi YU7 Max SUV, AWD, 101.7 kWh CATL NCM, V6 + V6s (assumption)",
        model="Y",
        pack="PACK-NCM-101.7",
        motors={"EM-V6": 1, "EM-V6S": 1},
        inverters={"INV-SIC-800-G2": 2},
        socs={"SOC-THOR": 1},
        mcus=28,
        jobs=1.0,
        launch=D("2025-07-07"),
        price=329900,
        late=2300,
        late_fc=600,
    ),
}
MODEL_NAME = {"S": "SU7", "Y": "YU7"}
GROUPS = {
    "A": list(VARIANTS),
    "S": [v for v, d in VARIANTS.items() if d["model"] == "S"],
    "Y": [v for v, d in VARIANTS.items() if d["model"] == "Y"],
    "X": [v for v in VARIANTS if v != "SU7-ULTRA"],
}

# --- made items below the vehicle ----------------------------------------------------------------
# id, name, shop, jobs per unit, lead time (weeks)
MADE = [
    ("PAINTED-SU7", "Painted body SU7", "paint", 1.0, 0),
    ("PAINTED-YU7", "Painted body YU7 (SUV: 5 % more surface)", "paint", 1.05, 0),
    ("BIW-SU7", "Body in white SU7 (frameless doors)", "body", 1.0, 1),
    ("BIW-YU7", "Body in white YU7", "body", 1.0, 1),
    ("PANELS-SU7", "Stamped panel set SU7 (one car)", "press", 1.0, 0),
    ("PANELS-YU7", "Stamped panel set YU7 (one car)", "press", 1.1, 0),
    ("CAST-RF-SU7", "One-piece rear floor casting SU7 (replaces 72 parts)", "diecast", 1.0, 0),
    ("CAST-RF-YU7", "One-piece rear floor casting YU7", "diecast", 1.0, 0),
    ("PACK-LFP-73.6", "Battery pack 73.6 kWh LFP (SU7)", "battery", 1.0, 1),
    ("PACK-LFP-94.3", "Battery pack 94.3 kWh LFP (SU7 Pro)", "battery", 1.2, 1),
    ("PACK-NCM-101", "Battery pack 101 kWh NCM, 165 cells, 800 V (SU7 Max)", "battery", 1.3, 1),
    ("PACK-NCM-93.7", "Battery pack 93.7 kWh NCM high-power (SU7 Ultra)", "battery", 1.5, 1),
    ("PACK-LFP-96.3", "Battery pack 96.3 kWh LFP 800 V (YU7, YU7 Pro)", "battery", 1.2, 1),
    ("PACK-NCM-101.7", "Battery pack 101.7 kWh NCM (YU7 Max)", "battery", 1.3, 1),
]

# Bill of material of the made items: parent -> [(child, quantity, yield)].
BOM_MADE: dict[str, list[tuple[str, float, float]]] = {
    "PANELS-SU7": [("RM-STEEL-COIL", 330, 0.62), ("RM-ALU-SHEET", 38, 0.58)],
    "PANELS-YU7": [("RM-STEEL-COIL", 385, 0.62), ("RM-ALU-SHEET", 42, 0.58)],
    "CAST-RF-SU7": [("RM-ALLOY-CAST", 64, 0.94)],
    "CAST-RF-YU7": [("RM-ALLOY-CAST", 71, 0.94)],
    "BIW-SU7": [("PANELS-SU7", 1, 1.0), ("CAST-RF-SU7", 1, 0.97)],
    "BIW-YU7": [("PANELS-YU7", 1, 1.0), ("CAST-RF-YU7", 1, 0.97)],
    "PAINTED-SU7": [("BIW-SU7", 1, 1.0)],
    "PAINTED-YU7": [("BIW-YU7", 1, 1.0)],
}
# pack: cells (item, quantity, unit), cell supervision boards, housing, cooling plate, TIM kg
PACKS: dict[str, tuple[tuple[str, float], int, str, str, float]] = {
    "PACK-LFP-73.6": (("CELL-LFP", 73.6), 8, "PACK-HOUSING-S-LFP", "COOLING-PLATE-S", 4.0),
    "PACK-LFP-94.3": (("CELL-LFP", 94.3), 10, "PACK-HOUSING-S-LFP", "COOLING-PLATE-S", 4.8),
    "PACK-NCM-101": (("CELL-NCM-612", 165), 10, "PACK-HOUSING-S-NCM", "COOLING-PLATE-S", 5.2),
    "PACK-NCM-93.7": (("CELL-NCM-612", 153), 12, "PACK-HOUSING-S-NCM", "COOLING-PLATE-S", 5.6),
    "PACK-LFP-96.3": (("CELL-LFP", 96.3), 10, "PACK-HOUSING-Y-LFP", "COOLING-PLATE-Y", 5.0),
    "PACK-NCM-101.7": (("CELL-NCM-612", 166), 10, "PACK-HOUSING-Y-NCM", "COOLING-PLATE-Y", 5.4),
}
CELL_YIELD = 0.995

# --- key parts and their suppliers (hand-written) ------------------------------------------------
# id, name, unit, [(supplier, capacity a week or None, lead weeks, price)]
SupplyLine = tuple[str, int | None, int, float]
KEY_PARTS: list[tuple[str, str, str, list[SupplyLine]]] = [
    (
        "CELL-LFP",
        "LFP cells (BYD Blade or CATL), counted in kWh",
        "kWh",
        [("BYD-FinDreams", 140000, 5, 560), ("CATL", 110000, 6, 575)],
    ),
    ("CELL-NCM-612", "CATL NCM cell ~612 Wh", "ea", [("CATL", 30000, 8, 470)]),
    (
        "EM-V6",
        "HyperEngine V6 e-motor 220 kW with reducer",
        "ea",
        [("Inovance", 9000, 8, 8800), ("S-EDU-2", 3000, 10, 9300)],
    ),
    (
        "EM-V6S",
        "HyperEngine V6s e-motor 275 kW (with Inovance)",
        "ea",
        [("Inovance", 7000, 8, 11200)],
    ),
    (
        "EM-V8S",
        "HyperEngine V8s e-motor 425 kW (in-house motor plant)",
        "ea",
        [("Xiaomi-EMotor", 0, 2, 26000)],
    ),
    (
        "INV-SIC-400",
        "400 V SiC inverter (Infineon CoolSiC modules, EiceDRIVER)",
        "ea",
        [("INV-TIER1-A", 3200, 16, 6200)],
    ),
    (
        "INV-SIC-800",
        "800 V SiC inverter (Infineon CoolSiC modules, EiceDRIVER)",
        "ea",
        [("INV-TIER1-A", 2400, 16, 7400)],
    ),
    (
        "INV-SIC-800-G2",
        "800 V SiC inverter, 2nd generation for the YU7 (assumption)",
        "ea",
        [("INV-TIER1-A", 0, 16, 7200), ("INV-TIER1-B", 0, 14, 7600)],
    ),
    ("SOC-ORIN-N", "NVIDIA DRIVE Orin N SoC (ADAS, standard)", "ea", [("NVIDIA", 4000, 26, 2400)]),
    (
        "SOC-ORIN-X",
        "NVIDIA DRIVE Orin-X SoC (ADAS, 2 per Pro/Max)",
        "ea",
        [("NVIDIA", 600, 26, 4200)],
    ),
    (
        "SOC-THOR",
        "NVIDIA DRIVE Thor SoC (YU7 ADAS, assumption)",
        "ea",
        [("NVIDIA", 5000, 26, 6000)],
    ),
    ("SOC-QCOM-8295", "Qualcomm Snapdragon 8295 cockpit SoC", "ea", [("Qualcomm", 5000, 20, 2300)]),
    (
        "MCU-AUTO-32",
        "Automotive 32-bit MCU (AURIX class), 22-28 per car",
        "ea",
        [("Infineon", 110000, 30, 55), ("MCU-SUP-B", 80000, 26, 62)],
    ),
    (
        "RM-STEEL-COIL",
        "Steel coil incl. galvanised and high-strength grades",
        "kg",
        [("S-STEEL-1", None, 3, 6.2), ("S-STEEL-2", 1500000, 4, 6.5)],
    ),
    ("RM-ALU-SHEET", "Aluminium sheet for closures", "kg", [("S-ALU-1", 700000, 3, 28)]),
    (
        "RM-ALLOY-CAST",
        "Heat-treatment-free die-casting aluminium alloy",
        "kg",
        [("S-ALLOY-1", 700000, 3, 24), ("S-ALLOY-2", 300000, 3, 25)],
    ),
]
# Capacity profiles of the risk lines: (supplier, item, first week at the new rate, capacity).
# A line's capacity limits what it delivers in a week, so these dates are arrival weeks (evramp
# caps a release in week t by the capacity of its arrival week t + lead time).
CAPACITY_CHANGES = [
    # NCM cells: CATL's allocation lags the Max's demand in 2024 and again when the YU7 Max starts.
    ("CATL", "CELL-NCM-612", D("2024-01-29"), 120000),
    ("CATL", "CELL-NCM-612", D("2025-01-27"), 210000),
    ("CATL", "CELL-NCM-612", D("2025-09-29"), 520000),
    # LFP cells: both sources add lines for phase 2.
    ("BYD-FinDreams", "CELL-LFP", D("2025-04-07"), 240000),
    ("CATL", "CELL-LFP", D("2025-04-07"), 180000),
    # Orin-X: a new customer's allocation, raised twice.
    ("NVIDIA", "SOC-ORIN-X", D("2024-03-04"), 1700),
    ("NVIDIA", "SOC-ORIN-X", D("2024-11-04"), 2800),
    ("NVIDIA", "SOC-ORIN-X", D("2025-03-03"), 4500),
    # 8295 cockpit SoC doubled for phase 2; Orin N allocation shifts to Thor.
    ("Qualcomm", "SOC-QCOM-8295", D("2025-05-26"), 9000),
    ("NVIDIA", "SOC-ORIN-N", D("2025-07-07"), 3000),
    # V8s: the in-house motor line starts in January 2025, second shift from June 2025.
    ("Xiaomi-EMotor", "EM-V8S", D("2025-01-13"), 240),
    ("Xiaomi-EMotor", "EM-V8S", D("2025-06-16"), 480),
    # YU7's 800 V SiC inverter (a new part, so it also gates the YU7): Tier-1 A delivers from the
    # end of May 2025 and grows slower than the phase-2 ramp; Tier-1 B delivers from October.
    ("INV-TIER1-A", "INV-SIC-800-G2", D("2025-05-26"), 1800),
    ("INV-TIER1-A", "INV-SIC-800-G2", D("2025-09-22"), 2600),
    ("INV-TIER1-B", "INV-SIC-800-G2", D("2025-10-13"), 1200),
    ("INV-TIER1-B", "INV-SIC-800-G2", D("2026-01-12"), 2400),
    ("INV-TIER1-A", "INV-SIC-800-G2", D("2026-01-26"), 4600),
]
# Risks for `evramp risk` (assumptions, from the supply risks named in the notes): id, target
# kind, supplier, item, shop, probability, per, min and max weeks, capacity lost, group.
DISRUPTIONS = [
    # One chip shortage hits every chip supplier at once (correlation group).
    ("orin-x", "part", "", "SOC-ORIN-X", "", 0.25, "horizon", 4, 12, 0.5, "chip-shortage"),
    ("soc-8295", "part", "", "SOC-QCOM-8295", "", 0.25, "horizon", 4, 12, 0.5, "chip-shortage"),
    ("mcu", "part", "", "MCU-AUTO-32", "", 0.25, "horizon", 4, 12, 0.3, "chip-shortage"),
    # CATL's NCM allocation: a short cut in any week.
    ("ncm-cells", "supplier_line", "CATL", "CELL-NCM-612", "", 0.01, "week", 1, 4, 0.5, ""),
    # The YU7's 800 V SiC inverter and the in-house V8s motor line: new parts, new lines.
    ("sic-800", "part", "", "INV-SIC-800-G2", "", 0.3, "horizon", 4, 10, 0.6, ""),
    ("v8s-line", "supplier_line", "Xiaomi-EMotor", "EM-V8S", "", 0.3, "horizon", 2, 8, 1.0, ""),
    # A paint shop outage (the ramp's bottleneck), and a later start of production everywhere.
    ("paint-outage", "shop", "", "", "paint", 0.005, "week", 1, 2, 0.5, ""),
    ("sop-slip", "ramp", "", "", "", 0.2, "horizon", 2, 6, 1.0, ""),
]
# Goods already on order at the start (chips bought before the plan), (item, due, quantity).
RECEIPTS = [
    ("SOC-ORIN-X", D("2023-12-04"), 1000),
    ("SOC-ORIN-X", D("2024-01-08"), 1000),
    ("SOC-ORIN-X", D("2024-03-04"), 1500),
    ("SOC-ORIN-N", D("2024-01-08"), 1500),
    ("SOC-QCOM-8295", D("2023-12-04"), 2000),
    ("SOC-QCOM-8295", D("2024-01-08"), 3000),
    ("MCU-AUTO-32", D("2024-01-08"), 60000),
    ("MCU-AUTO-32", D("2024-02-05"), 60000),
    ("INV-SIC-400", D("2023-11-06"), 1200),
    ("INV-SIC-800", D("2023-11-06"), 1500),
    ("CELL-NCM-612", D("2023-09-04"), 60000),
]

# --- commodity parts (generated tables) ----------------------------------------------------------
# id | name | unit | price | lead | suppliers (comma) | usage: group-or-variants:qty, later wins.
# Groups: A all variants, S SU7 family, Y YU7 family, X all but the Ultra.
# Parent is the vehicle unless a usage token names a made item (BIW-*, PAINTED-*); "pack" marks a
# battery-pack part, whose quantities per pack are in PACKS and build_packs.
COMMODITY = """
P-SEAT-FL-S|Front seat left SU7, power, heated|ea|2000|2|S-SEAT-1,S-SEAT-2|S:1
P-SEAT-FR-S|Front seat right SU7|ea|1900|2|S-SEAT-1,S-SEAT-2|S:1
P-SEAT-REAR-S|Rear seat SU7|ea|1450|2|S-SEAT-1|S:1
P-SEAT-FL-Y|Front seat left YU7, zero-gravity|ea|2200|2|S-SEAT-1|Y:1
P-SEAT-FR-Y|Front seat right YU7|ea|2100|2|S-SEAT-1|Y:1
P-SEAT-REAR-Y|Rear seat YU7, power recline|ea|1700|2|S-SEAT-1|Y:1
P-IP-CARRIER-S|Instrument panel module SU7|ea|1550|2|S-INTERIOR-1|S:1
P-IP-CARRIER-Y|Instrument panel module YU7|ea|1750|2|S-INTERIOR-1|Y:1
P-CONSOLE-S|Centre console SU7|ea|585|2|S-INTERIOR-1|S:1
P-CONSOLE-Y|Centre console YU7|ea|650|2|S-INTERIOR-1|Y:1
P-HEADLINER-S|Headliner SU7|ea|390|2|S-INTERIOR-2|S:1
P-HEADLINER-Y|Headliner YU7|ea|490|2|S-INTERIOR-2|Y:1
P-CARPET-S|Carpet set SU7|ea|325|2|S-INTERIOR-2|S:1
P-CARPET-Y|Carpet set YU7|ea|405|2|S-INTERIOR-2|Y:1
P-DOOR-TRIM-S|Door trim panel SU7|ea|230|2|S-INTERIOR-1|S:4
P-DOOR-TRIM-Y|Door trim panel YU7|ea|245|2|S-INTERIOR-1|Y:4
P-PILLAR-TRIM-S|Pillar trim kit SU7|ea|275|2|S-INTERIOR-2|S:1
P-PILLAR-TRIM-Y|Pillar trim kit YU7|ea|310|2|S-INTERIOR-2|Y:1
P-TRUNK-TRIM-S|Trunk trim SU7|ea|195|2|S-INTERIOR-2|S:1
P-TRUNK-TRIM-Y|Cargo area trim YU7|ea|235|2|S-INTERIOR-2|Y:1
P-NVH-KIT-S|Acoustic insulation kit SU7|ea|520|3|S-NVH-1|S:1
P-NVH-KIT-Y|Acoustic insulation kit YU7|ea|620|3|S-NVH-1|Y:1
P-FRUNK-TUB-S|Front trunk tub SU7|ea|115|2|S-PLASTIC-1|S:1
P-FRUNK-TUB-Y|Front trunk tub YU7|ea|130|2|S-PLASTIC-1|Y:1
P-SEATBELT-FRONT|Front seat belt with pretensioner|ea|170|3|S-SAFETY-1,S-SAFETY-2|A:2
P-SEATBELT-REAR|Rear seat belt|ea|98|3|S-SAFETY-1,S-SAFETY-2|A:3
P-AIRBAG-DRIVER|Driver airbag|ea|340|3|S-SAFETY-1,S-SAFETY-2|A:1
P-AIRBAG-PASS|Passenger airbag|ea|310|3|S-SAFETY-1,S-SAFETY-2|A:1
P-AIRBAG-CURTAIN|Curtain airbag|ea|275|3|S-SAFETY-1|A:2
P-AIRBAG-SIDE|Front side airbag|ea|195|3|S-SAFETY-1|A:2
P-AIRBAG-ECU|Airbag control unit|ea|170|3|S-SAFETY-1|A:1
P-STEERING-WHEEL|Steering wheel with heater|ea|420|2|S-INTERIOR-1|A:1
P-SUNVISOR|Sun visor|ea|39|1|S-INTERIOR-2|A:2
P-PEDAL-BOX|Accelerator and brake pedal box|ea|115|2|S-CHASSIS-2|A:1
P-AMBIENT-LIGHT|Ambient lighting kit|ea|245|2|S-LAMP-1|SU7-MAX,SU7-ULTRA,YU7-PRO,YU7-MAX:1
P-FLOOR-MAT-SET|Floor mat set|ea|145|1|S-INTERIOR-2|A:1
P-GLASS-WS-S|Windscreen SU7, acoustic, HUD-ready|ea|715|3|S-GLASS-1,S-GLASS-2|S:1
P-GLASS-WS-Y|Windscreen YU7|ea|810|3|S-GLASS-1,S-GLASS-2|Y:1
P-GLASS-ROOF-S|Panoramic glass roof SU7|ea|910|3|S-GLASS-1|S:1
P-GLASS-ROOF-Y|Panoramic glass roof YU7|ea|1150|3|S-GLASS-1|Y:1
P-GLASS-REAR-S|Rear glass SU7|ea|325|3|S-GLASS-1,S-GLASS-2|S:1
P-GLASS-REAR-Y|Tailgate glass YU7|ea|290|3|S-GLASS-1|Y:1
P-GLASS-DOOR-S|Frameless door glass SU7|ea|180|3|S-GLASS-1,S-GLASS-2|S:4
P-GLASS-DOOR-Y|Frameless door glass YU7|ea|195|3|S-GLASS-1|Y:4
P-DOOR-HANDLE-HIDDEN|Hidden (flush) door handle|ea|210|2|S-CLOSURE-1|A:4
P-DOOR-LATCH|Electric door latch|ea|98|2|S-CLOSURE-1|A:4
P-WINDOW-REGULATOR|Window regulator with motor (frameless drop)|ea|115|2|S-CLOSURE-1|A:4
P-DOOR-SEAL-S|Door and body seal SU7|m|18|2|S-SEAL-1|S:22
P-DOOR-SEAL-Y|Door and body seal YU7|m|18|2|S-SEAL-1|Y:24
P-MIRROR-S|Exterior mirror SU7|ea|290|2|S-EXTERIOR-1|S:2
P-MIRROR-Y|Exterior mirror YU7|ea|310|2|S-EXTERIOR-1|Y:2
P-FASCIA-F-S|Front bumper fascia SU7|ea|585|2|S-EXTERIOR-1|S:1
P-FASCIA-F-Y|Front bumper fascia YU7|ea|650|2|S-EXTERIOR-1|Y:1
P-FASCIA-R-S|Rear bumper fascia SU7|ea|490|2|S-EXTERIOR-1|S:1
P-FASCIA-R-Y|Rear bumper fascia YU7|ea|535|2|S-EXTERIOR-1|Y:1
P-BUMPER-BEAM-F|Front crash beam|ea|245|2|S-CHASSIS-1|A:1
P-BUMPER-BEAM-R|Rear crash beam|ea|195|2|S-CHASSIS-1|A:1
P-SPOILER-ACTIVE|Active rear spoiler|ea|1050|3|S-EXTERIOR-1|SU7-MAX,SU7-ULTRA:1
P-CHARGE-PORT-REAR|Charging port at the rear of the body|ea|340|3|S-ELEC-1|A:1
P-CHARGE-FLAP|Charging flap actuator|ea|58|2|S-ELEC-1|A:1
P-WIPER-SYSTEM|Wiper system with motor|ea|275|2|S-EXTERIOR-2|A:1
P-TAILGATE-STRUT|Tailgate strut|ea|58|2|S-EXTERIOR-2|Y:2
P-TAILGATE-DRIVE|Power tailgate drive|ea|420|2|S-EXTERIOR-2|Y:1
P-TRUNK-ACTUATOR|Power trunk lid actuator|ea|170|2|S-EXTERIOR-2|S:1
P-BADGE-KIT|Exterior badge kit|ea|39|1|S-EXTERIOR-2|A:1
P-WHEEL-LINER-S|Wheel arch liner SU7|ea|29|1|S-PLASTIC-1|S:4
P-WHEEL-LINER-Y|Wheel arch liner YU7|ea|32|1|S-PLASTIC-1|Y:4
P-UNDERBODY-SHIELD|Underbody aero shield|ea|230|2|S-PLASTIC-1|A:1
P-AERO-CARBON-KIT|Carbon-fibre aero kit|ea|18200|3|S-CARBON-1|SU7-ULTRA:1
P-HEADLAMP-S|LED headlamp SU7|ea|845|3|S-LAMP-1,S-LAMP-2|S:2
P-HEADLAMP-Y|LED headlamp YU7|ea|940|3|S-LAMP-1|Y:2
P-TAILLAMP-S|Tail lamp bar SU7|ea|715|3|S-LAMP-1,S-LAMP-2|S:1
P-TAILLAMP-Y|Tail lamp bar YU7|ea|780|3|S-LAMP-1|Y:1
P-INT-LAMP-KIT|Interior lamp kit|ea|105|2|S-LAMP-2|A:1
P-HMSL|High-mounted stop lamp|ea|46|2|S-LAMP-2|A:1
P-TYRE-19|Tyre 19 inch|ea|420|3|S-TYRE-1,S-TYRE-2|SU7,SU7-PRO,YU7:4
P-TYRE-20|Tyre 20 inch|ea|535|3|S-TYRE-1,S-TYRE-2|SU7-MAX,YU7-PRO,YU7-MAX:4
P-TYRE-21-PERF|Performance tyre 21 inch|ea|1150|3|S-TYRE-2|SU7-ULTRA:4
P-WHEEL-19|Alloy wheel 19 inch|ea|490|3|S-WHEEL-1,S-WHEEL-2|SU7,SU7-PRO,YU7:4
P-WHEEL-20|Alloy wheel 20 inch|ea|620|3|S-WHEEL-1,S-WHEEL-2|SU7-MAX,YU7-PRO,YU7-MAX:4
P-WHEEL-21-FORGED|Forged wheel 21 inch|ea|2900|3|S-WHEEL-2|SU7-ULTRA:4
P-TPMS-SENSOR|Tyre pressure sensor|ea|39|2|S-ELEC-2|A:4
P-CALIPER-F-1P|Front brake caliper, single piston|ea|310|2|S-BRAKE-1|SU7,SU7-PRO,YU7,YU7-PRO:2
P-CALIPER-F-4P|Front brake caliper, 4-piston|ea|975|3|S-BRAKE-1|SU7-MAX,YU7-MAX:2
P-CALIPER-R|Rear brake caliper with electric park brake|ea|245|2|S-BRAKE-1|X:2
P-BRAKE-CCB-KIT|Carbon-ceramic brake kit|ea|24700|3|S-BRAKE-2|SU7-ULTRA:1
P-DISC-F|Front brake disc|ea|210|2|S-BRAKE-1|X:2
P-DISC-R|Rear brake disc|ea|170|2|S-BRAKE-1|X:2
P-EBOOSTER|Electronic brake booster|ea|845|3|S-BRAKE-1|A:1
P-ESC-MODULE|Stability control module|ea|455|3|S-BRAKE-1|A:1
P-BRAKE-LINES|Brake line kit|ea|115|2|S-BRAKE-1|A:1
P-BRAKE-FLUID|Brake fluid|l|26|1|S-FLUID-1|A:1.1
P-EPS-RACK|Electric power steering rack|ea|1500|3|S-STEER-1|A:1
P-STEER-COLUMN|Steering column, electric adjust|ea|420|3|S-STEER-1|A:1
P-DAMPER-F|Front damper, passive|ea|245|2|S-SUSP-1|SU7,SU7-PRO,YU7:2
P-DAMPER-R|Rear damper, passive|ea|215|2|S-SUSP-1|SU7,SU7-PRO,YU7:2
P-CDC-DAMPER|Continuous damping control damper|ea|715|3|S-SUSP-1|SU7-MAX,SU7-ULTRA,YU7-PRO,YU7-MAX:4
P-AIR-SPRING|Air spring|ea|975|3|S-SUSP-2|SU7-MAX,YU7-MAX:4
P-AIR-COMPRESSOR|Air suspension compressor|ea|1150|3|S-SUSP-2|SU7-MAX,YU7-MAX:1
P-COIL-SPRING-F|Front coil spring|ea|58|2|S-SUSP-1|SU7,SU7-PRO,SU7-ULTRA,YU7,YU7-PRO:2
P-COIL-SPRING-R|Rear coil spring|ea|52|2|S-SUSP-1|SU7,SU7-PRO,SU7-ULTRA,YU7,YU7-PRO:2
P-SUBFRAME-F-S|Front subframe SU7|ea|780|2|S-CHASSIS-1|S:1
P-SUBFRAME-F-Y|Front subframe YU7|ea|880|2|S-CHASSIS-1|Y:1
P-SUBFRAME-R-S|Rear subframe SU7|ea|910|2|S-CHASSIS-1|S:1
P-SUBFRAME-R-Y|Rear subframe YU7|ea|1000|2|S-CHASSIS-1|Y:1
P-CTRL-ARM-F-UP|Front upper control arm (double wishbone)|ea|170|2|S-CHASSIS-1,S-CHASSIS-2|A:2
P-CTRL-ARM-F-LOW|Front lower control arm|ea|210|2|S-CHASSIS-1,S-CHASSIS-2|A:2
P-CTRL-ARM-R-KIT|Rear multi-link arm kit|ea|780|2|S-CHASSIS-1|A:1
P-KNUCKLE-F|Front steering knuckle|ea|180|2|S-CHASSIS-2|A:2
P-KNUCKLE-R|Rear knuckle|ea|170|2|S-CHASSIS-2|A:2
P-HUB-BEARING|Wheel hub bearing unit|ea|115|2|S-CHASSIS-2|A:4
P-STAB-BAR-F|Front stabiliser bar|ea|145|2|S-CHASSIS-2|A:1
P-STAB-BAR-R|Rear stabiliser bar|ea|115|2|S-CHASSIS-2|A:1
P-HALFSHAFT-R|Rear drive shaft|ea|420|2|S-CHASSIS-3|A:2
P-HALFSHAFT-F|Front drive shaft (AWD)|ea|390|2|S-CHASSIS-3|SU7-MAX,SU7-ULTRA,YU7-PRO,YU7-MAX:2
P-EDU-MOUNT-KIT|E-drive mount kit|ea|275|2|S-CHASSIS-3|A:1
P-HVAC-S|HVAC module SU7|ea|1500|3|S-THERMAL-1|S:1
P-HVAC-Y|HVAC module YU7|ea|1700|3|S-THERMAL-1|Y:1
P-HEAT-PUMP-ASSY|Heat pump assembly|ea|1800|3|S-THERMAL-1|A:1
P-E-COMPRESSOR|Electric A/C compressor 800 V|ea|1250|3|S-THERMAL-2|A:1
P-RADIATOR|Front radiator|ea|290|2|S-THERMAL-2|A:1
P-COOLING-FAN|Cooling fan module|ea|390|2|S-THERMAL-2|A:1
P-COOLANT-PUMP|Electric coolant pump|ea|170|3|S-THERMAL-2|A:2
P-MULTIWAY-VALVE|Thermal management multi-way valve|ea|340|3|S-THERMAL-1|A:1
P-CHILLER|Battery chiller|ea|245|3|S-THERMAL-1|A:1
P-HOSE-COOLANT|Coolant hose|m|12|1|S-THERMAL-2|A:14 Y:16
P-COOLANT|Coolant|l|10|1|S-FLUID-1|A:11
P-REFRIGERANT|Refrigerant R1234yf|kg|245|2|S-FLUID-1|A:0.95
P-AC-LINES|A/C line kit|ea|275|2|S-THERMAL-2|A:1
P-HARNESS-MAIN-S|Main wiring harness SU7|ea|2100|3|S-HARNESS-1,S-HARNESS-2|S:1
P-HARNESS-MAIN-Y|Main wiring harness YU7|ea|2300|3|S-HARNESS-1,S-HARNESS-2|Y:1
P-HARNESS-FLOOR-S|Floor harness SU7|ea|585|3|S-HARNESS-1|S:1
P-HARNESS-FLOOR-Y|Floor harness YU7|ea|650|3|S-HARNESS-1|Y:1
P-HARNESS-DOOR|Door harness|ea|170|2|S-HARNESS-2|A:4
P-HARNESS-HV|High-voltage harness|ea|1050|3|S-HARNESS-2|A:1
P-HARNESS-ROOF|Roof harness|ea|145|2|S-HARNESS-2|A:1
P-HARNESS-FRONT|Front-end harness|ea|310|2|S-HARNESS-1|A:1
P-BATTERY-12V|12 V battery|ea|420|2|S-ELEC-1|A:1
P-OBC-DCDC|On-board charger with DC-DC converter|ea|1700|3|S-ELEC-1|A:1
P-PDU-HV|High-voltage power distribution unit|ea|585|3|S-ELEC-1|A:1
P-DISPLAY-CENTER|16.1 inch centre display|ea|1450|3|S-DISPLAY-1,S-DISPLAY-2|A:1
P-DISPLAY-CLUSTER|Flip-up instrument display|ea|420|3|S-DISPLAY-1|A:1
P-HUD|Head-up display|ea|910|3|S-DISPLAY-2|SU7-PRO,SU7-MAX,SU7-ULTRA,YU7,YU7-PRO,YU7-MAX:1
P-SPEAKER|Speaker|ea|36|2|S-AUDIO-1|A:10 YU7-PRO:19 SU7-MAX,SU7-ULTRA,YU7-MAX:25
P-AMPLIFIER|Audio amplifier|ea|585|3|S-AUDIO-1|SU7-MAX,SU7-ULTRA,YU7-MAX:1
P-CAMERA-ADAS|ADAS camera|ea|115|3|S-CAMERA-1|A:11
P-RADAR-MMW|Millimetre-wave radar|ea|245|3|S-RADAR-1|A:3
P-USS-SENSOR|Ultrasonic parking sensor|ea|29|2|S-RADAR-1|A:12
P-LIDAR|Roof LiDAR|ea|2100|10|S-LIDAR-1|SU7-MAX,SU7-ULTRA,YU7,YU7-PRO,YU7-MAX:1
P-TBOX-5G|5G telematics box|ea|520|3|S-ELEC-2|A:1
P-GATEWAY|Central gateway|ea|290|3|S-ELEC-2|A:1
P-ZONE-CTRL|Zone controller|ea|390|3|S-ELEC-2|A:3
P-VCU|Vehicle control unit|ea|325|3|S-ELEC-2|A:1
P-WIRELESS-CHARGER|Phone wireless charger 50 W|ea|145|2|S-ELEC-3|A:2
P-NFC-KEYCARD|NFC key card|ea|26|1|S-ELEC-3|A:2
P-ANTENNA-KIT|Antenna kit|ea|115|2|S-ELEC-3|A:1
P-FUSE-BOX|Fuse and relay box|ea|105|2|S-ELEC-3|A:2
P-MIC-KIT|Microphone array|ea|58|2|S-ELEC-3|A:1
P-DMS-CAMERA|Driver monitoring camera|ea|130|3|S-CAMERA-1|A:1
P-HORN|Horn|ea|26|1|S-ELEC-3|A:2
P-SWITCH-STEERING|Steering wheel switch pack|ea|170|2|S-ELEC-3|A:1
P-ADAS-DCU-BOARD|ADAS domain controller without SoC (SoC consigned)|ea|1450|3|S-BOARD-1|A:1
P-COCKPIT-DCU-BOARD|Cockpit domain controller without SoC (SoC consigned)|ea|975|3|S-BOARD-1|A:1
P-WASHER-FLUID|Washer fluid|l|3|1|S-FLUID-1|A:3
P-TYRE-REPAIR-KIT|Tyre repair kit|ea|78|1|S-EXTERIOR-2|A:1
P-CHARGE-CABLE|Portable charging cable|ea|585|2|S-ELEC-3|A:1
P-HOTSTAMP-BPILLAR-S|Hot-stamped B-pillar SU7|ea|275|2|S-HOTSTAMP-1|BIW-SU7:2
P-HOTSTAMP-BPILLAR-Y|Hot-stamped B-pillar YU7|ea|300|2|S-HOTSTAMP-1|BIW-YU7:2
P-DOOR-RING-HS-S|Hot-stamped door ring SU7|ea|390|2|S-HOTSTAMP-1|BIW-SU7:2
P-DOOR-RING-HS-Y|Hot-stamped door ring YU7|ea|420|2|S-HOTSTAMP-1|BIW-YU7:2
P-ALU-SILL-EXTR|Aluminium sill crash extrusion|ea|245|3|S-ALU-1|BIW-SU7:2 BIW-YU7:2
P-WELD-STUD|Weld stud|ea|0.23|1|S-FASTENER-1|BIW-SU7:420 BIW-YU7:460
P-WELD-NUT|Weld nut|ea|0.16|1|S-FASTENER-1|BIW-SU7:160 BIW-YU7:180
P-BODY-ADHESIVE|Structural adhesive|l|31|2|S-CHEM-2|BIW-SU7:3.2 BIW-YU7:3.6
P-BODY-BOLT-KIT|Body bolt kit|ea|105|1|S-FASTENER-1|BIW-SU7:1 BIW-YU7:1
P-HINGE-DOOR|Door hinge|ea|78|2|S-CLOSURE-1|BIW-SU7:8 BIW-YU7:8
P-HINGE-LID|Hood and trunk or tailgate hinge|ea|58|2|S-CLOSURE-1|BIW-SU7:4 BIW-YU7:4
P-PRETREAT-CHEM|Pretreatment chemicals|kg|12|2|S-CHEM-1|PAINTED-SU7:2.2 PAINTED-YU7:2.6
P-ECOAT|Cathodic e-coat paint|kg|29|2|S-CHEM-1|PAINTED-SU7:9 PAINTED-YU7:10.5
P-PRIMER|Primer|l|55|2|S-CHEM-1|PAINTED-SU7:3.4 PAINTED-YU7:4
P-BASECOAT|Base coat|l|78|2|S-CHEM-1,S-CHEM-2|PAINTED-SU7:3.8 PAINTED-YU7:4.4
P-CLEARCOAT|Clear coat|l|62|2|S-CHEM-1,S-CHEM-2|PAINTED-SU7:4.2 PAINTED-YU7:4.8
P-PVC-SEALER|PVC underbody sealer|kg|16|2|S-CHEM-2|PAINTED-SU7:7 PAINTED-YU7:8
P-CAVITY-WAX|Cavity wax|l|20|2|S-CHEM-2|PAINTED-SU7:1.6 PAINTED-YU7:1.9
BMS-MASTER|Battery management master board|ea|780|8|S-BMS-1|pack
BMS-CSC|Cell supervision circuit board|ea|62|8|S-BMS-1|pack
PACK-HOUSING-S-LFP|Pack housing SU7 LFP (cell-to-body)|ea|2100|3|S-PACKPART-1|pack
PACK-HOUSING-S-NCM|Pack housing SU7 NCM|ea|2350|3|S-PACKPART-1|pack
PACK-HOUSING-Y-LFP|Pack housing YU7 LFP|ea|2300|3|S-PACKPART-1|pack
PACK-HOUSING-Y-NCM|Pack housing YU7 NCM|ea|2450|3|S-PACKPART-1|pack
COOLING-PLATE-S|Pack cooling plate SU7|ea|680|3|S-PACKPART-2|pack
COOLING-PLATE-Y|Pack cooling plate YU7|ea|750|3|S-PACKPART-2|pack
PACK-BUSBAR-KIT|Busbar kit|ea|420|3|S-PACKPART-2|pack
PACK-HARNESS|Pack low-voltage harness|ea|505|3|S-HARNESS-2|pack
PACK-TIM|Thermal interface material|kg|29|2|S-CHEM-2|pack
PACK-CONTACTOR-BOX|Battery disconnect unit (contactors, fuse)|ea|910|6|S-ELEC-1|pack
PACK-FIRE-BARRIER|Mica fire barrier set|ea|210|2|S-PACKPART-2|pack
PACK-FASTENER-KIT|Pack fastener kit|ea|78|1|S-FASTENER-1|pack
PACK-SEALANT|Pack lid sealant|kg|39|2|S-CHEM-2|pack
"""
# Numbered small parts (brackets, clips, grommets, fastener kits): generated, shared by variants.
NUMBERED = [  # prefix, name, count, supplier, price range
    ("P-BRKT-01", "Bracket", 14, "S-STAMPING-1", (4, 40)),
    ("P-CLIP-02", "Clip set", 10, "S-PLASTIC-2", (2, 16)),
    ("P-GROM-03", "Grommet and plug set", 6, "S-PLASTIC-2", (1, 10)),
    ("P-FAST-04", "Fastener kit", 8, "S-FASTENER-1", (12, 80)),
]

# --- demand --------------------------------------------------------------------------------------
REGIONS = {  # dealer region: weight of its share of orders
    "BJ": 1.6,
    "SH": 1.5,
    "GZ": 1.3,
    "SZ": 1.3,
    "HZ": 1.1,
    "CD": 1.0,
    "WH": 0.8,
    "XA": 0.7,
    "NJ": 0.8,
    "TJ": 0.7,
    "CQ": 0.8,
    "SU": 0.7,
    "ZZ": 0.6,
    "CS": 0.6,
    "SY": 0.5,
    "QD": 0.5,
}
ORDERS_UNTIL = D("2026-03-01")  # customer orders due before this; weekly forecasts after
FORECAST_UNTIL = D("2026-12-31")
# Weekly volume of each family: (from, cars a week); shares of the variants within the family.
SU7_FAMILY = [
    (D("2024-04-01"), 3300),
    (D("2024-07-01"), 2700),
    (D("2025-01-01"), 2300),
    (D("2025-07-01"), 2100),
    (D("2026-03-01"), 2250),
]
SU7_SHARES = {"SU7": 0.42, "SU7-PRO": 0.20, "SU7-MAX": 0.38}
SU7_SHARES_2025 = {"SU7": 0.42, "SU7-PRO": 0.22, "SU7-MAX": 0.36}
ULTRA = [(D("2025-03-03"), 260), (D("2025-04-28"), 150), (D("2026-01-01"), 110)]
YU7_FAMILY = [(D("2025-07-07"), 2000), (D("2025-09-01"), 2400), (D("2026-03-01"), 3300)]
YU7_SHARES = {"YU7": 0.40, "YU7-PRO": 0.25, "YU7-MAX": 0.35}

HOLDING_RATE = 0.004  # share of unit cost a week (about 20 % a year)


# ==================================================================================================


def fmt(x: float) -> str:
    """A number for a CSV cell: integers without '.0', others with up to 4 decimals."""
    if x is None:
        return ""
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.4f}".rstrip("0").rstrip(".")


def nice_ceil(x: float) -> int:
    """Round up to two significant digits (8,437 -> 8,500)."""
    if x <= 0:
        return 0
    step = 10 ** max(0, math.floor(math.log10(x)) - 1)
    return int(math.ceil(x / step) * step)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def in_shutdown(week: dt.date) -> bool:
    return any(
        not shops and start <= week < start + dt.timedelta(weeks=n)
        for _, start, n, shops in SHUTDOWNS
    )


def rate_at(profile: Sequence[tuple[dt.date, float]], day: dt.date) -> float:
    value = 0.0
    for start, rate in profile:
        if day >= start:
            value = rate
    return value


def parse_usage(text: str) -> dict[str, float]:
    """'A:1 SU7-MAX,YU7-MAX:2' -> {parent: quantity}; later tokens override earlier ones."""
    usage: dict[str, float] = {}
    for token in text.split():
        who, qty = token.rsplit(":", 1)
        names = GROUPS.get(who, who.split(","))
        for name in names:
            usage[name] = float(qty)
    return usage


@dataclass
class Item:
    id: str
    kind: str
    name: str
    unit: str
    unit_cost: float
    holding_cost: float = 0.0  # set by roll_up_costs


class Builder:
    """Collects the rows of every table, then writes them."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.items: dict[str, Item] = {}
        self.bom: list[tuple[str, str, float, float]] = []
        self.routings: list[tuple[str, str, float, int]] = []
        self.suppliers: list[tuple[str, str, float | None, int, float]] = []
        self.capacity: list[tuple[str, str, dt.date, float]] = []
        self.inventory: dict[str, float] = {}
        self.demand: list[dict[str, object]] = []

    # --- structure -------------------------------------------------------------------------------

    def item(self, id_: str, kind: str, name: str, unit: str = "ea", cost: float = 0.0) -> None:
        assert id_ not in self.items, id_
        self.items[id_] = Item(id_, kind, name, unit, cost)

    def build_structure(self) -> None:
        for vid, v in VARIANTS.items():
            self.item(vid, "vehicle", v["name"])
            self.routings.append((vid, "assembly", v["jobs"], 1))
        for id_, name, shop, jobs, lead in MADE:
            self.item(id_, "assembly", name)
            self.routings.append((id_, shop, jobs, lead))
        for id_, name, unit, lines in KEY_PARTS:
            self.item(id_, "part", name, unit, min(line[3] for line in lines))
            for supplier, cap, lead, price in lines:
                self.suppliers.append((supplier, id_, cap, lead, price))
        # made items' own BOM
        for parent, components in BOM_MADE.items():
            for child, qty, yld in components:
                self.bom.append((parent, child, qty, yld))
        # the vehicles: body, pack, drive, chips
        for vid, v in VARIANTS.items():
            model = MODEL_NAME[v["model"]]
            self.bom.append((vid, f"PAINTED-{model}", 1, 1.0))
            self.bom.append((vid, v["pack"], 1, 1.0))
            for group in (v["motors"], v["inverters"], v["socs"]):
                for child, qty in group.items():
                    self.bom.append((vid, child, qty, 1.0))
            self.bom.append((vid, "SOC-QCOM-8295", 1, 1.0))
            self.bom.append((vid, "MCU-AUTO-32", v["mcus"], 1.0))
        self.build_commodity()
        self.build_packs()

    def build_commodity(self) -> None:
        for line in COMMODITY.strip().splitlines():
            id_, name, unit, price, lead, sups, usage = (f.strip() for f in line.split("|"))
            self.item(id_, "part", name, unit, float(price))
            for rank, sup in enumerate(sups.split(",")):
                # a second source is a little dearer and slower
                self.suppliers.append(
                    (sup, id_, -1.0, int(lead) + rank, round(float(price) * (1 + 0.04 * rank), 2))
                )
            if usage == "pack":
                continue  # a battery-pack part: placed by build_packs
            for parent, qty in parse_usage(usage).items():
                self.bom.append((parent, id_, qty, 1.0))
        for prefix, name, count, sup, (lo, hi) in NUMBERED:
            for n in range(1, count + 1):
                id_ = f"{prefix}{n:02d}"
                unit_price = round(self.rng.uniform(lo, hi), 1)
                self.item(id_, "part", f"{name} {id_[2:]}", "ea", unit_price)
                self.suppliers.append((sup, id_, None, self.rng.choice((1, 1, 2)), unit_price))
                family = self.rng.choice(("A", "A", "A", "S", "Y"))
                qty = self.rng.choice((1, 2, 2, 4, 6, 8))
                for parent in GROUPS[family]:
                    self.bom.append((parent, id_, qty, 1.0))

    def build_packs(self) -> None:
        fixed = {
            "BMS-MASTER": 1,
            "PACK-BUSBAR-KIT": 1,
            "PACK-HARNESS": 1,
            "PACK-CONTACTOR-BOX": 1,
            "PACK-FIRE-BARRIER": 1,
            "PACK-FASTENER-KIT": 1,
            "PACK-SEALANT": 1.2,
        }
        for pack, ((cell, cells), csc, housing, plate, tim) in PACKS.items():
            self.bom.append((pack, cell, cells, CELL_YIELD))
            self.bom.append((pack, "BMS-CSC", csc, 1.0))
            self.bom.append((pack, housing, 1, 1.0))
            self.bom.append((pack, plate, 1, 1.0))
            self.bom.append((pack, "PACK-TIM", tim, 1.0))
            for child, qty in fixed.items():
                self.bom.append((pack, child, qty, 1.0))

    # --- derived figures --------------------------------------------------------------------

    def children(self) -> dict[str, list[tuple[str, float, float]]]:
        out: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
        for parent, child, qty, yld in self.bom:
            out[parent].append((child, qty, yld))
        return out

    def explode(self, top: str) -> dict[str, float]:
        """Gross quantity of every purchased part in one `top` (quantities / yields)."""
        kids = self.children()
        need: dict[str, float] = defaultdict(float)
        stack = [(top, 1.0)]
        while stack:
            node, mult = stack.pop()
            for child, qty, yld in kids.get(node, ()):
                if child in kids:
                    stack.append((child, mult * qty / yld))
                else:
                    need[child] += mult * qty / yld
        return need

    def roll_up_costs(self) -> None:
        for id_ in [*(m[0] for m in reversed(MADE)), *VARIANTS]:
            cost = sum(q * self.items[p].unit_cost for p, q in self.explode(id_).items())
            self.items[id_].unit_cost = round(cost, 0)
        for item in self.items.values():
            item.holding_cost = round(item.unit_cost * HOLDING_RATE, 4)

    def users(self) -> dict[str, set[str]]:
        """Variants that use each purchased part."""
        out: dict[str, set[str]] = defaultdict(set)
        for vid in VARIANTS:
            for part in self.explode(vid):
                out[part].add(vid)
        return out

    def size_supply(self) -> None:
        """Capacities of the commodity lines (ample) and stock for trial production."""
        max_per_car: dict[str, float] = defaultdict(float)
        for vid in VARIANTS:
            for part, q in self.explode(vid).items():
                max_per_car[part] = max(max_per_car[part], q)
        rows = []
        for sup, item, cap, lead, price in self.suppliers:
            if cap == -1.0:  # commodity: 1.3 x the need of 6,500 cars a week; 2nd source half
                primary = next(s for s in self.suppliers if s[1] == item)[0] == sup
                cap = nice_ceil(6500 * max_per_car[item] * (1.3 if primary else 0.65))
            rows.append((sup, item, cap, lead, price))
        self.suppliers = rows
        # Stock at the start: trial production (~50 cars a week) may build any launch variant, so
        # each part of theirs that cannot arrive by the first trial week is stocked at its highest
        # usage per car for the weeks until the first purchase can arrive, plus two.
        launch = ("SU7", "SU7-PRO", "SU7-MAX")
        first = (TRIAL_START - FIRST_WEEK).days // 7
        min_lead: dict[str, int] = defaultdict(lambda: 999)
        for _, item, _, lt, _ in self.suppliers:
            min_lead[item] = min(min_lead[item], lt)
        for part, used_by in self.users().items():
            if used_by & set(launch) and min_lead[part] > first:
                q = max(self.explode(v).get(part, 0.0) for v in launch)
                self.inventory[part] = nice_ceil(55 * q * (min_lead[part] - first + 2))

    # --- demand ----------------------------------------------------------------------------------

    def build_demand(self) -> None:
        end = FIRST_WEEK + dt.timedelta(weeks=HORIZON_WEEKS)
        week = FIRST_WEEK
        while week < min(ORDERS_UNTIL, end):
            if not in_shutdown(week):
                for vid, qty in self.weekly_volume(week).items():
                    if qty > 0:
                        self.orders(vid, week, qty * self.rng.uniform(0.9, 1.1))
            week += dt.timedelta(weeks=1)
        # Forecast in weekly buckets: monthly buckets would make the plan build in lumps just
        # before each bucket is due, which no plant does.
        week = monday(ORDERS_UNTIL)
        while week <= FORECAST_UNTIL and week < end:
            if not in_shutdown(week):
                for vid, qty in self.weekly_volume(week).items():
                    if qty <= 0:
                        continue
                    v = VARIANTS[vid]
                    self.demand.append(
                        dict(
                            id=f"FC-{week:%G-W%V}-{vid}",
                            variant=vid,
                            quantity=round(qty),
                            due=week,
                            priority=2,
                            price=v["price"],
                            lateness_penalty=v["late_fc"],
                            kind="forecast",
                        )
                    )
            week += dt.timedelta(weeks=1)

    def weekly_volume(self, day: dt.date) -> dict[str, float]:
        out: dict[str, float] = {}
        su7 = rate_at(SU7_FAMILY, day)
        shares = SU7_SHARES if day < D("2025-01-01") else SU7_SHARES_2025
        for vid, share in shares.items():
            out[vid] = su7 * share if day >= monday(VARIANTS[vid]["launch"]) else 0
        out["SU7-ULTRA"] = rate_at(ULTRA, day)
        yu7 = rate_at(YU7_FAMILY, day)
        for vid, share in YU7_SHARES.items():
            out[vid] = yu7 * share
        return out

    def orders(self, vid: str, week: dt.date, qty: float) -> None:
        """Split a variant's weekly volume into dealer-region batches."""
        v = VARIANTS[vid]
        total = round(qty)
        k = max(2, min(len(REGIONS), round(math.sqrt(total) / 6) + self.rng.randint(0, 3)))
        regions = self.rng.sample(list(REGIONS), k)
        weights = [REGIONS[r] * self.rng.uniform(0.5, 1.5) for r in regions]
        parts = [max(1, int(total * w / sum(weights))) for w in weights]
        parts[0] += max(0, total - sum(parts))
        for region, n in zip(regions, parts, strict=True):
            due = max(week + dt.timedelta(days=self.rng.randint(0, 4)), v["launch"])
            self.demand.append(
                dict(
                    id=f"SO-{due:%y%m%d}-{vid}-{region}",
                    variant=vid,
                    quantity=n,
                    due=due,
                    priority=1,
                    price=v["price"],
                    lateness_penalty=v["late"],
                    kind="firm",
                )
            )

    # --- output ----------------------------------------------------------------------------------

    def write(self, out: Path) -> dict[str, int]:
        out.mkdir(parents=True, exist_ok=True)
        counts: dict[str, int] = {}

        def table(name: str, header: list[str], rows: Sequence[Sequence[object]]) -> None:
            with (out / name).open("w", newline="", encoding="utf-8") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(header)
                for row in rows:
                    w.writerow([fmt(x) if isinstance(x, float | int) else x for x in row])
            counts[name] = len(rows)

        units = {i: it.unit for i, it in self.items.items()}
        table(
            "items.csv",
            ["id", "kind", "name", "unit", "unit_cost", "holding_cost"],
            [
                [i.id, i.kind, i.name, i.unit, float(i.unit_cost), float(i.holding_cost)]
                for i in self.items.values()
            ],
        )
        table(
            "bom.csv",
            ["parent", "child", "quantity", "yield", "unit"],
            [[p, c, float(q), "" if y == 1.0 else float(y), units[c]] for p, c, q, y in self.bom],
        )
        table(
            "shops.csv",
            [
                "id",
                "name",
                "rate",
                "shifts_per_day",
                "days_per_week",
                "availability",
                "hours_per_shift",
            ],
            [[*s, ""] for s in SHOPS],
        )
        table(
            "phases.csv",
            ["shop", "name", "start", "added_rate", "ramp_weeks"],
            [list(p) for p in PHASES],
        )
        table(
            "ramp.csv",
            [
                "shop",
                "trial_start",
                "trial_rate",
                "sop",
                "ramp_weeks",
                "curve",
                "learning_rate",
                "full_volume",
                "start_volume",
            ],
            [list(r) for r in RAMPS],
        )
        table(
            "routings.csv",
            ["item", "shop", "jobs_per_unit", "lead_time"],
            [[i, s, float(j), lt] for i, s, j, lt in self.routings],
        )
        table(
            "suppliers.csv",
            ["supplier", "item", "capacity", "lead_time", "price", "moq", "lot_multiple"],
            [
                [
                    s,
                    i,
                    "" if c is None else float(c),
                    lt,
                    float(p),
                    *LOT_SIZES.get((s, i), ("", "")),
                ]
                for s, i, c, lt, p in self.suppliers
            ],
        )
        table(
            "supplier_capacity.csv",
            ["supplier", "item", "start", "capacity"],
            [
                [s, i, d, float(c)]
                for s, i, d, c in sorted(
                    [*CAPACITY_CHANGES, *self.capacity], key=lambda r: (r[1], r[0], r[2])
                )
            ],
        )
        cols = ["id", "variant", "quantity", "due", "priority", "price", "lateness_penalty", "kind"]
        table("demand.csv", cols, [[d[c] for c in cols] for d in self.demand])
        table(
            "inventory.csv",
            ["item", "on_hand"],
            [[i, float(q)] for i, q in sorted(self.inventory.items())],
        )
        table("receipts.csv", ["item", "due", "quantity"], [list(r) for r in RECEIPTS])
        table(
            "disruptions.csv",
            [
                "id",
                "target_kind",
                "supplier",
                "item",
                "shop",
                "probability",
                "per",
                "min_weeks",
                "max_weeks",
                "capacity_lost",
                "group",
            ],
            [
                [*row[:9], "" if kind == "ramp" else row[9], row[10]]
                for row in DISRUPTIONS
                for kind in [row[1]]
            ],
        )
        (out / "scenario.yaml").write_text(scenario_yaml(), encoding="utf-8")
        return counts


def scenario_yaml() -> str:
    shutdowns = "".join(
        f"    - name: {name}\n      start: {start}\n      weeks: {weeks}\n"
        f"      shops: [{', '.join(shops)}]\n"
        for name, start, weeks, shops in SHUTDOWNS
    )
    return f"""\
# Generated by tools/make_yizhuang.py -- edit the script (or this file) and see README.md.
name: Xiaomi EV plant Yizhuang (Beijing), ramp-up 2023-2026
notes: |
  Xiaomi's own EV plant in Yizhuang, Beijing: 300,000 cars a year in two phases of 150,000
  (seeds 001, 003). Trial production of about 50 prototypes a week from the end of August 2023,
  start of production 19 February 2024 (mass production "Q1 2024", seed 001), SU7 launch
  28 March 2024 with deliveries from 3 April 2024; phase 2 producing from June 2025 with the
  YU7 SUV (assumption).
  Six shops: press, diecast (9,100 t giga-press), body, paint, battery (pack assembly), assembly.
  Assembly is the long-run bottleneck at 44 jobs an hour (2 shifts x 8 h x 5 days x 85 %
  = 2,992 cars a week); paint ramps slowest and binds during the 2024 ramp. Supply risks:
  Orin-X in 2024, CATL NCM cells for the Max (mid-2024), the in-house V8s motor for the
  Ultra (H1 2025), the YU7's 800 V SiC inverter during the phase-2 ramp (H2 2025).
  Contradictions kept visible: seed 004 (2021) says Xiaomi would build at Great Wall's Baoding
  plant, seeds 001/003 describe its own Yizhuang plant (modelled); seed 003 gives RMB 10 bn
  (~$1.37 bn) invested, seed 001 "$1.5 billion" (neither enters the plan).
  Every figure, its source or "assumption", and where to change it: README.md.
calendar:
  first_week: {FIRST_WEEK}
  horizon_weeks: {HORIZON_WEEKS}
  hours_per_shift: {HOURS_PER_SHIFT}
  shutdowns:
{shutdowns}"""


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the Yizhuang scenario's files.")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder (default: {OUT})")
    out: Path = parser.parse_args().out
    b = Builder()
    b.build_structure()
    b.size_supply()
    b.roll_up_costs()
    b.build_demand()
    counts = b.write(out)
    print(f"wrote {out}")
    for name, n in counts.items():
        print(f"  {name:24} {n:6} rows")
    print("  material cost per variant vs price:")
    for vid, v in VARIANTS.items():
        cost = b.items[vid].unit_cost
        pack = b.items[v["pack"]].unit_cost
        print(
            f"    {vid:10} cost {cost:9,.0f}  price {v['price']:9,}  "
            f"margin {1 - cost / v['price']:5.1%}  pack {pack / cost:5.1%} of cost"
        )


if __name__ == "__main__":
    main()
