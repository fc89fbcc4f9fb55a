"""Why the plan is what it is, in the planner's words: what binds, what each late order waited
for, and the problems an APS would list.

Everything here is a pure function of a scenario and its `PlanResult`: it reads the result's
tables (capacity and supply with their shadow prices, backlog, deliveries, orders) and the
scenario's routings and bill of material, and never the LP.

- `binding_weeks`: every shop-week and part-week that held the plan back, with its shadow price
  and a sentence ("one more job of assembly in 2024-W18 is worth 331,252 (≈4.8 vehicles'
  margin)").
- `peg` / `pegs`: a late or short order traced to the binding shop-weeks and part-weeks on
  its variant's routing tree and bill of material, between the week its vehicles had to be
  started to be on time and the week it finished.
- `problems`: late and short orders, shops at capacity and parts short while demand is late,
  with quantities and value, most valuable first.

Shadow prices are in the objective's units: money, with lateness penalties weighted by
priority (see docs/planning-model.md), so a week can be worth more than a vehicle's margin.
"""

from evramp.analysis.explain.binding import (
    BINDING_COLUMNS,
    RELATIVE_SHADOW,
    SHADOW_TOLERANCE,
    binding_weeks,
    significant_shadow,
)
from evramp.analysis.explain.pegging import Pegging, peg, pegs
from evramp.analysis.explain.problems import PROBLEM_COLUMNS, PROBLEM_KINDS, problems

__all__ = [
    "BINDING_COLUMNS",
    "PROBLEM_COLUMNS",
    "PROBLEM_KINDS",
    "RELATIVE_SHADOW",
    "SHADOW_TOLERANCE",
    "Pegging",
    "binding_weeks",
    "peg",
    "pegs",
    "problems",
    "significant_shadow",
]
