"""The scenario's structure per variant: routing tree, bill of material, margins."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from evramp.model import Scenario

# --------------------------------------------------------------------------------------------
# The scenario's structure: routing tree and bill of material per variant


FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Tree:
    variants: list[str]
    usage: dict[str, dict[str, float]]
    """Per variant: units of every item in its explosion per vehicle (the vehicle itself too)."""
    shop_jobs: dict[str, dict[str, float]]
    """Per variant: jobs of every shop on its routing tree per vehicle."""
    lead_time: dict[str, int]
    """Per variant: longest chain of routing lead times through its made components, in
    buckets (each routing's lead time in whole buckets, as the plan counts it)."""
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
    def of(scenario: Scenario) -> Tree:
        children: dict[str, list[tuple[str, float]]] = {}
        for line in scenario.bom:
            children.setdefault(line.parent, []).append((line.child, line.quantity / line.yield_))
        routes: dict[str, list[tuple[str, float]]] = {}
        own_lead: dict[str, int] = {}
        buckets = scenario.calendar.buckets
        for routing in scenario.routings:
            routes.setdefault(routing.item, []).append((routing.shop, routing.jobs_per_unit))
            lead_time = buckets.lead(routing.lead_time)
            own_lead[routing.item] = max(own_lead.get(routing.item, 0), lead_time)
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

        demand_quantity, revenue = _demand_per_variant(scenario)
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

        return Tree(
            variants=variants,
            usage=usage,
            shop_jobs=shop_jobs,
            lead_time={v: lead(v) for v in variants},
            margin=margin,
            shop_margin=shop_margin,
            heaviest_user=heaviest,
            units={item.id: item.unit for item in scenario.items},
        )


def _demand_per_variant(scenario: Scenario) -> tuple[dict[str, float], dict[str, float]]:
    """Vehicles and revenue demanded per variant, from the demand's columns (summed in line
    order, as a loop over the lines sums them)."""
    table = scenario.demand_table
    names, code = table.codes("variant")
    quantity = table.floats("quantity")
    per_variant = np.bincount(code, weights=quantity, minlength=len(names))
    revenue = np.bincount(code, weights=quantity * table.floats("price"), minlength=len(names))
    return dict(zip(names, per_variant.tolist(), strict=True)), dict(
        zip(names, revenue.tolist(), strict=True)
    )
