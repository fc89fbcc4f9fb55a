"""The objective as one list of terms, used by the LP (its cost vector) and by the plan's cost
breakdown (`PlanResult.costs`), so that the two cannot drift apart.

A term prices one kind of variable (a block of LP columns, and the same array of the plan) per
entity and bucket; revenue is the one term that is subtracted. The objective is the sum of the
costs less the revenue.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evramp.plan.index import PlanData
from evramp.plan.layout import FloatArray

Variable = str
"""The name of a block of `layout.Columns` and of the same array of a plan: build, buy, stock,
deliver, backlog, overtime or setup (per routing in a plan; per set-up routing in the LP)."""


@dataclass(frozen=True)
class Term:
    name: str  # the key of `PlanResult.costs`
    variable: Variable
    unit_cost: FloatArray  # (entities, T): cost of one unit of the variable in a bucket
    revenue: bool = False  # subtracted from the objective (reported as a positive figure)

    @property
    def sign(self) -> float:
        return -1.0 if self.revenue else 1.0


def objective_terms(data: PlanData) -> tuple[Term, ...]:
    """Every term of the objective, in the order of the cost breakdown."""
    buckets = data.bucket_count

    def per_bucket(values: FloatArray) -> FloatArray:
        return np.repeat(values[:, None], buckets, axis=1)

    def per_week(values: FloatArray) -> FloatArray:  # a cost per week, times the bucket's length
        return np.outer(values, data.bucket_weeks)

    return (
        Term("revenue", "deliver", per_bucket(data.demand.price), revenue=True),
        Term("purchases", "buy", per_bucket(data.lines.price)),
        # Parts planned just in time outside the LP: their price folded into their parents.
        Term("purchases", "build", per_bucket(data.made.cost)),
        Term("preference", "buy", per_bucket(data.lines.premium)),
        Term("holding", "stock", per_week(data.items.holding_cost)),
        Term("lateness", "backlog", per_week(data.demand.penalty)),
        Term("overtime", "overtime", per_bucket(data.shops.overtime_cost)),
        Term("setups", "setup", per_bucket(data.routings.setup_cost)),
    )


def term(data: PlanData, name: str) -> Term:
    """The objective's one term named `name` (revenue, lateness, holding, ...), for a caller
    that prices the same thing: strict priorities' stages, the level mix's held rows."""
    found = [term for term in objective_terms(data) if term.name == name]
    if len(found) != 1:
        raise KeyError(f"the objective has {len(found)} terms named {name!r}, not one")
    return found[0]


def lateness_of_level(data: PlanData, level: int) -> FloatArray:
    """(C, T) the lateness term's cost of each backlog column, for priority `level`'s classes
    only (0 elsewhere)."""
    lateness = term(data, "lateness").unit_cost
    return np.where((data.demand.priority == level)[:, None], lateness, 0.0)


def cost_breakdown(data: PlanData, values: dict[Variable, FloatArray]) -> dict[str, float]:
    """Each term's total for a plan's `values` (variable -> (entities, T) array)."""
    costs: dict[str, float] = {}
    for term in objective_terms(data):
        total = float((term.unit_cost * values[term.variable]).sum())
        costs[term.name] = costs.get(term.name, 0.0) + total
    return costs
