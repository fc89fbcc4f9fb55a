"""What binds: shop-weeks and part-weeks at their limit with a shadow price worth naming."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from evramp.analysis.explain.tree import Tree
from evramp.analysis.explain.words import amount, empty_frame, iso_labels, quantity_text, ratio
from evramp.model import Scenario
from evramp.plan.result import PlanResult

FloatArray = npt.NDArray[np.float64]

SHADOW_TOLERANCE = 1e-6
"""Shadow prices at or below this are noise, whatever the largest one is."""
RELATIVE_SHADOW = 1e-3
"""A shadow price binds when above this share of the largest of its kind (shops or parts)."""
AT_CAPACITY = 1e-6
"""A shop is at capacity when its load is within this of it."""
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
    supplier line of it supplies at its capacity with a significant shadow price (over all
    supplier-line-weeks), its lines' capacity that week being above 0. Weeks are arrival weeks
    for parts.

    Columns: kind (`shop` or `part`), name, week (ISO date of its Monday), shadow_price
    (objective gained by one more job or unit that week; for a part the smallest over its lines),
    capacity, used (jobs loaded or units received), sentence. With the scenario, sentences also
    give the value in vehicles' margin and, for a part, per vehicle set of the variant that uses
    most of it. Sorted by kind, name and week.
    """
    tree = Tree.of(scenario) if scenario is not None else None
    return binding_frame(result, tree, relative)


def binding_frame(result: PlanResult, tree: Tree | None, relative: float) -> pd.DataFrame:
    frames = [_binding_shops(result.capacity, relative), _binding_parts(result.supply, relative)]
    found = [f for f in frames if not f.empty]  # concatenating empty frames is deprecated
    if not found:
        return empty_frame(BINDING_COLUMNS)
    frame = pd.concat(found, ignore_index=True)
    # Explanations name weeks as text: the plan's dates become its ISO `weeks` here, once.
    frame["week"] = result.iso(frame["week"])
    labels = iso_labels(result.bucket_starts, result.bucket)
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
    """A part binds in a week when every supplier line of it supplies at its capacity."""
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


def _per_vehicle(kind: str, name: str, price: float, tree: Tree | None) -> float:
    """What one more vehicle's worth of the shop or part is worth: the shadow price times the
    most any variant uses of it; NaN without the scenario."""
    if tree is None:
        return float("nan")
    if kind == "shop":
        jobs = [per_shop.get(name, 0.0) for per_shop in tree.shop_jobs.values()]
        return price * max(jobs, default=1.0)
    heaviest = tree.heaviest_user.get(name)
    return price * heaviest[1] if heaviest is not None else price


def _binding_sentence(kind: str, name: str, week: str, price: float, tree: Tree | None) -> str:
    if kind == "shop":
        text = f"one more job of {name} in {week} is worth {amount(price)}"
        margin = tree.shop_margin.get(name, 0.0) if tree is not None else 0.0
        return text + (f" (≈{ratio(price / margin)} vehicles' margin)" if margin > 0 else "")
    unit = tree.unit_word(name) if tree is not None else "unit"
    text = f"one more {unit} of {name} delivered in {week} is worth {amount(price)}"
    heaviest = tree.heaviest_user.get(name) if tree is not None else None
    if tree is None or heaviest is None:
        return text
    variant, per_vehicle = heaviest
    value = price * per_vehicle
    text += (
        f"; a vehicle set for {variant} ({quantity_text(per_vehicle)} {tree.unit_plural(name)})"
        f" {amount(value)}"
    )
    margin = tree.margin.get(variant, 0.0)
    return text + (f" (≈{ratio(value / margin)} vehicles' margin)" if margin > 0 else "")
